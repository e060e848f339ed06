/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fsctl: a small driver of the file-system API (bcdkit/disk-fs.h) for the
 * end-to-end tests, so they can put the library's FAT and NTFS code next to
 * independent tools (dosfstools, mtools) before the vhdtool commands exist.
 * Not installed.  One operation per run:
 *   fsctl format IMAGE PART TYPE LABEL     TYPE fat12|fat16|fat32|auto, LABEL or -
 *   fsctl put IMAGE PART HOSTFILE PATH     create or replace a file
 *   fsctl get IMAGE PART PATH              file content to stdout
 *   fsctl ls IMAGE PART PATH               "name<TAB>size<TAB>attributes" lines
 *   fsctl mkdir|rm|rmtree IMAGE PART PATH
 *   fsctl mv IMAGE PART FROM TO [replace]
 *   fsctl attr IMAGE PART PATH SET CLEAR   attribute bits in hex
 *   fsctl import IMAGE PART HOSTDIR PATH   host tree into the volume
 *   fsctl export IMAGE PART PATH HOSTDIR   volume tree to a new host folder
 *   fsctl info IMAGE PART                  type, cluster size, free bytes, label
 * Exit 0, or 1 with the library's message on stderr.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bcdkit/disk-fs.h"

static int
die(const char *what, const char *msg)
{
	fprintf(stderr, "fsctl: %s: %s\n", what, msg);
	return 1;
}

static int
to_stdout(const void *buf, size_t n, void *data)
{
	(void)data;
	return fwrite(buf, 1, n, stdout) == n ? 0 : -BK_EIO;
}

static int
print_entry(const struct disk_file_info *fi, void *data)
{
	(void)data;
	printf("%s\t%llu\t%02x\n", fi->name, (unsigned long long)fi->size, fi->attributes);
	return 0;
}

static int
from_file(void *buf, size_t cap, size_t *got, void *data)
{
	*got = fread(buf, 1, cap, data);
	return ferror((FILE *)data) ? -BK_EIO : 0;
}

static int
do_format(disk_t *d, unsigned part, char **argv)
{
	struct disk_fs_format_opts o;

	memset(&o, 0, sizeof(o));
	o.type = !strcmp(argv[0], "fat12") ? DISK_FS_FAT12 : !strcmp(argv[0], "fat16") ?
		DISK_FS_FAT16 : !strcmp(argv[0], "fat32") ? DISK_FS_FAT32 : DISK_FS_UNKNOWN;
	o.label = strcmp(argv[1], "-") ? argv[1] : NULL;
	if (disk_fs_format(d, part, &o) < 0)
		return die("format", disk_last_error(d));
	return 0;
}

static int
do_put(disk_fs_t *fs, char **argv)
{
	FILE *f = fopen(argv[0], "rb");
	int rc;

	if (!f)
		return die(argv[0], "cannot open");
	rc = disk_fs_write(fs, argv[1], 0, from_file, f, 0);
	fclose(f);
	return rc < 0 ? -1 : 0;
}

/* The operations on an open volume; -1 means "see disk_fs_last_error". */
static int
run(disk_fs_t *fs, const char *cmd, int argc, char **argv)
{
	struct disk_fs_info fi;

	if (!strcmp(cmd, "put") && argc >= 2)
		return do_put(fs, argv);
	if (!strcmp(cmd, "get") && argc >= 1)
		return disk_fs_read(fs, argv[0], to_stdout, NULL) < 0 ? -1 : 0;
	if (!strcmp(cmd, "ls") && argc >= 1)
		return disk_fs_list(fs, argv[0], print_entry, NULL) < 0 ? -1 : 0;
	if (!strcmp(cmd, "mkdir") && argc >= 1)
		return disk_fs_mkdir(fs, argv[0], 1) < 0 ? -1 : 0;
	if (!strcmp(cmd, "rm") && argc >= 1)
		return disk_fs_remove(fs, argv[0]) < 0 ? -1 : 0;
	if (!strcmp(cmd, "rmtree") && argc >= 1)
		return disk_fs_remove_tree(fs, argv[0]) < 0 ? -1 : 0;
	if (!strcmp(cmd, "mv") && argc >= 2)
		return disk_fs_rename(fs, argv[0], argv[1], argc > 2) < 0 ? -1 : 0;
	if (!strcmp(cmd, "attr") && argc >= 3)
		return disk_fs_set_attributes(fs, argv[0], (uint32_t)strtoul(argv[1], NULL, 16),
					      (uint32_t)strtoul(argv[2], NULL, 16)) < 0 ? -1 : 0;
	if (!strcmp(cmd, "import") && argc >= 2)
		return disk_fs_import_tree(fs, argv[1], argv[0]) < 0 ? -1 : 0;
	if (!strcmp(cmd, "export") && argc >= 2)
		return disk_fs_export_tree(fs, argv[0], argv[1]) < 0 ? -1 : 0;
	if (!strcmp(cmd, "info")) {
		if (disk_fs_get_info(fs, &fi) < 0)
			return -1;
		printf("%s %u %llu %s\n", disk_fs_type_name(fi.type), fi.cluster_size,
		       (unsigned long long)fi.free_bytes, fi.label);
		return 0;
	}
	fprintf(stderr, "fsctl: bad command or arguments\n");
	return 2;
}

int
main(int argc, char **argv)
{
	static const char *const ro[] = { "get", "ls", "export", "info", NULL };
	char err[512];
	disk_t *d;
	disk_fs_t *fs;
	unsigned part, flags = DISK_FS_WRITE;
	int rc, i;

	if (argc < 4) {
		fprintf(stderr, "usage: fsctl COMMAND IMAGE PART ARGS...\n");
		return 2;
	}
	for (i = 0; ro[i]; i++)
		if (!strcmp(argv[1], ro[i]))
			flags = 0;
	part = (unsigned)strtoul(argv[3], NULL, 10);
	if (disk_open(&d, argv[2], flags ? DISK_OPEN_WRITE : 0, err, sizeof(err)) < 0)
		return die(argv[2], err);
	if (!strcmp(argv[1], "format")) {
		rc = argc >= 6 ? do_format(d, part, argv + 4) : 2;
		if (disk_close(d) < 0 && rc == 0)
			rc = 1;
		return rc;
	}
	if (disk_fs_open(&fs, d, part, flags) < 0) {
		rc = die(argv[2], disk_last_error(d));
		disk_close(d);
		return rc;
	}
	rc = run(fs, argv[1], argc - 4, argv + 4);
	if (rc < 0)
		rc = die(argv[1], disk_fs_last_error(fs));
	if (disk_fs_close(fs) < 0 && rc == 0)
		rc = die(argv[2], "flushing the volume failed");
	if (disk_close(d) < 0 && rc == 0)
		rc = 1;
	return rc;
}
