/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target for the FAT driver: the input is the start of a 48 MiB
 * in-memory disk (the rest reads as zeros, so small inputs can describe
 * FAT32 volumes), mounted read-only, walked (every folder listed, every entry
 * stat'ed, every file read), then mounted writable (the whole-volume check)
 * and edited (write, mkdir, rename, remove) on a private copy.  The driver is
 * mounted directly, not through disk_fs_open(), so the input always reaches
 * the FAT code.  Built two ways, as fuzz-hive-open.c:
 *  - "make fuzz-fat": clang -fsanitize=fuzzer,address,undefined
 *    (BK_LIBFUZZER), run as tests/fuzz/fuzz-fat-libfuzzer CORPUS_DIR;
 *  - "make check": a plain main() that runs volumes it formats itself (FAT12,
 *    FAT16, FAT32, filled), each also truncated and damaged, plus any files
 *    named on the command line.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bcdkit/disk-fs.h"
#include "fs-internal.h"

#define FUZZ_DISK      (48u * 1024u * 1024u)
#define FUZZ_MAX_NODES 4000u      /* entries visited per input */

static unsigned mounted;          /* inputs the driver accepted (plain driver report) */

struct fz {
	uint8_t *buf;             /* private copy of the input */
	size_t len;
};

static int
fz_read(void *priv, void *buf, size_t len, uint64_t off)
{
	struct fz *z = priv;
	size_t have = off < z->len ? z->len - (size_t)off : 0;

	if (have > len)
		have = len;
	if (have)
		memcpy(buf, z->buf + off, have);
	memset((uint8_t *)buf + have, 0, len - have);
	return 0;
}

/* Writes past the input are dropped: the fuzzer checks for crashes, not for
 * what a volume without backing reads back. */
static int
fz_write(void *priv, const void *buf, size_t len, uint64_t off)
{
	struct fz *z = priv;
	size_t have = off < z->len ? z->len - (size_t)off : 0;

	memcpy(z->buf + off, buf, have < len ? have : len);
	return 0;
}

static int fz_flush(void *priv) { (void)priv; return 0; }
static int fz_size(void *priv, uint64_t *out)
{
	struct fz *z = priv;

	*out = z->len > FUZZ_DISK ? z->len : FUZZ_DISK;
	return 0;
}

static const struct disk_io_ops fz_ops = {
	.struct_size = sizeof(struct disk_io_ops),
	.read_at = fz_read,
	.write_at = fz_write,
	.flush = fz_flush,
	.size = fz_size,
};

static int
sink(const void *buf, size_t n, void *data)
{
	size_t *sum = data;

	*sum += n + (n ? ((const uint8_t *)buf)[n - 1] : 0);
	return 0;
}

struct walk {
	struct disk_fs *fs;
	char *path;
	unsigned budget;
	int depth;
};

static void walk(struct walk *w, const char *path);

static int
visit(const struct disk_file_info *fi, void *data)
{
	struct walk *w = data;
	char child[4096];
	size_t sum = 0;
	struct fs_path p;
	struct disk_file_info st;

	if (w->budget == 0)
		return 1;
	w->budget--;
	snprintf(child, sizeof(child), "%s\\%s", w->path, fi->name);
	if (fs_path_parse(w->fs, child, &p) < 0)
		return 0;
	w->fs->drv->stat(w->fs, &p, &st);
	if (!fi->is_dir)
		w->fs->drv->read(w->fs, &p, sink, &sum);
	fs_path_free(&p);
	if (fi->is_dir && w->depth < 32)
		walk(w, child);
	return 0;
}

static void
walk(struct walk *w, const char *path)
{
	struct fs_path p;
	char *saved = w->path;

	if (fs_path_parse(w->fs, path, &p) < 0)
		return;
	w->path = (char *)path;
	w->depth++;
	w->fs->drv->list(w->fs, &p, visit, w);
	w->depth--;
	w->path = saved;
	fs_path_free(&p);
}

static int
src(void *buf, size_t cap, size_t *got, void *data)
{
	size_t *left = data, n = *left < cap ? *left : cap;

	memset(buf, 'z', n);
	*left -= n;
	*got = n;
	return 0;
}

static void
op(struct disk_fs *fs, const char *a, const char *b, int what)
{
	struct fs_path p, q;
	size_t left = 3000;

	if (fs_path_parse(fs, a, &p) < 0)
		return;
	if (what == 0)
		fs->drv->write(fs, &p, 0, src, &left, 0);
	else if (what == 1)
		fs->drv->mkdir(fs, &p);
	else if (what == 2)
		fs->drv->remove(fs, &p);
	else if (what == 3)
		fs->drv->set_attributes(fs, &p, DISK_ATTR_HIDDEN, 0);
	else if (fs_path_parse(fs, b, &q) == 0) {
		fs->drv->rename(fs, &p, &q, 1);
		fs_path_free(&q);
	}
	fs_path_free(&p);
}

static void
mount_and_run(disk_t *d, bool writable)
{
	struct disk_fs fs;
	struct disk_fs_info info;
	struct walk w = { &fs, (char *)"", FUZZ_MAX_NODES, 0 };

	memset(&fs, 0, sizeof(fs));
	fs.d = d;
	fs.size = disk_size(d);
	fs.writable = writable;
	fs.drv = &fs_fat_driver;
	if (fs_fat_driver.mount(&fs) < 0)
		return;
	mounted++;
	fs_fat_driver.info(&fs, &info);
	if (!writable) {
		walk(&w, "");
	} else {
		op(&fs, "fuzz new file.txt", NULL, 0);
		op(&fs, "EFI", NULL, 1);
		op(&fs, "EFI\\Boot", NULL, 1);
		op(&fs, "fuzz new file.txt", "EFI\\Boot\\moved.TXT", 4);
		op(&fs, "EFI\\Boot\\moved.TXT", NULL, 3);
		op(&fs, "EFI\\Boot\\moved.TXT", NULL, 2);
		walk(&w, "");
		fs_fat_driver.flush(&fs);
	}
	fs_fat_driver.unmount(&fs);
	free(fs.stream_buf);    /* what disk_fs_close() frees besides the driver's state */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz z;
	disk_t *d;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		z.len = size;
		z.buf = malloc(size ? size : 1);
		if (!z.buf)
			return 0;
		memcpy(z.buf, data, size);
		if (disk_open_io(&d, &fz_ops, &z, "fuzz", DISK_OPEN_WRITE, NULL, 0) == 0) {
			mount_and_run(d, pass == 1);
			disk_close(d);
		}
		free(z.buf);
	}
	return 0;
}

#ifndef BK_LIBFUZZER
/* ---- plain driver: volumes made here, damaged in many places ---------------- */

struct mem {
	uint8_t *buf;
	size_t len;
};

static int
mem_read(void *priv, void *buf, size_t len, uint64_t off)
{
	struct mem *m = priv;

	if (off > m->len || len > m->len - off)
		return -BK_EIO;
	memcpy(buf, m->buf + off, len);
	return 0;
}

static int
mem_write(void *priv, const void *buf, size_t len, uint64_t off)
{
	struct mem *m = priv;

	if (off > m->len || len > m->len - off)
		return -BK_EIO;
	memcpy(m->buf + off, buf, len);
	return 0;
}

static int
mem_size(void *priv, uint64_t *out)
{
	*out = ((struct mem *)priv)->len;
	return 0;
}

static const struct disk_io_ops mem_ops = {
	.struct_size = sizeof(struct disk_io_ops),
	.read_at = mem_read,
	.write_at = mem_write,
	.flush = fz_flush,
	.size = mem_size,
};

/* A filled volume of the given type; returns its used length. */
static size_t
make_seed(struct mem *m, enum disk_fs_type t, size_t size)
{
	static const char *const files[] = {
		"readme.txt", "Mixed Case.Txt", "EFI/Boot/bootx64.efi", "EFI/Microsoft/Boot/BCD",
		"A long name with spaces and more than thirteen characters.bin",
		"\xc3\x9cnic\xc3\xb6" "de/\xe2\x82\xac.txt", "empty",
	};
	struct disk_fs_format_opts o;
	char buf[5000];
	disk_t *d;
	disk_fs_t *fs;
	size_t i, used;

	m->len = size;
	m->buf = calloc(1, size);
	if (!m->buf || disk_open_io(&d, &mem_ops, m, "seed", DISK_OPEN_WRITE, NULL, 0) < 0)
		return 0;
	memset(&o, 0, sizeof(o));
	o.type = t;
	o.cluster_size = 512;
	o.label = "SEED";
	o.serial = 1;
	if (disk_fs_format(d, 0, &o) == 0 && disk_fs_open(&fs, d, 0, DISK_FS_WRITE) == 0) {
		disk_fs_mkdir(fs, "EFI/Boot", 1);
		disk_fs_mkdir(fs, "EFI/Microsoft/Boot", 1);
		disk_fs_mkdir(fs, "\xc3\x9cnic\xc3\xb6" "de", 1);
		for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
			memset(buf, (int)('a' + i), sizeof(buf));
			disk_fs_write_file(fs, files[i], buf, i * 700, 0);
		}
		disk_fs_close(fs);
	}
	disk_close(d);
	for (used = m->len; used > 0 && m->buf[used - 1] == 0; used--)
		;
	return (used + 511) / 512 * 512;
}

static void
save(const char *dir, const char *name, const uint8_t *p, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "wb"))) {
		fwrite(p, 1, n, f);
		fclose(f);
	}
}

/* The input as is, cut short, and with bytes changed at many offsets. */
static int
run_damaged(uint8_t *buf, size_t n)
{
	size_t off, runs = 0;
	uint8_t keep;

	LLVMFuzzerTestOneInput(buf, n);
	LLVMFuzzerTestOneInput(buf, n / 2);
	LLVMFuzzerTestOneInput(buf, n > 512 ? 512 : n);
	for (off = 0; off < n; off += off < 128 ? 1 : off < 65536 ? 61 : 4099) {
		keep = buf[off];
		buf[off] ^= (uint8_t)(0x5A + off);
		LLVMFuzzerTestOneInput(buf, n);
		buf[off] = keep;
		runs++;
	}
	return (int)runs + 3;
}

int
main(int argc, char **argv)
{
	static const struct { enum disk_fs_type t; size_t size; const char *name; } seeds[] = {
		{ DISK_FS_FAT12, 512u * 1024u, "seed-fat12" },
		{ DISK_FS_FAT16, 4u * 1024u * 1024u, "seed-fat16" },
		{ DISK_FS_FAT32, 34u * 1024u * 1024u, "seed-fat32" },
	};
	const char *seed_dir = argc > 2 && !strcmp(argv[1], "--seeds") ? argv[2] : NULL;
	struct mem m;
	size_t i, used;
	int n = 0;

	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		used = make_seed(&m, seeds[i].t, seeds[i].size);
		if (used == 0) {
			fprintf(stderr, "fuzz-fat: cannot make %s\n", seeds[i].name);
			return 1;
		}
		if (seed_dir)
			save(seed_dir, seeds[i].name, m.buf, used);
		else
			n += run_damaged(m.buf, used);
		free(m.buf);
	}
	for (i = seed_dir ? 3 : 1; i < (size_t)argc; i++) {
		struct stat sb;
		FILE *f = fopen(argv[i], "rb");
		uint8_t *buf;
		if (!f || fstat(fileno(f), &sb) < 0 || !(buf = malloc((size_t)sb.st_size + 1))) {
			if (f)
				fclose(f);
			continue;
		}
		if (fread(buf, 1, (size_t)sb.st_size, f) == (size_t)sb.st_size)
			n += run_damaged(buf, (size_t)sb.st_size);
		fclose(f);
		free(buf);
	}
	printf("fuzz-fat: %d inputs, %u mounts accepted\n", n, mounted);
	/* The seeds themselves must mount, or nothing past the boot sector ran. */
	return seed_dir || mounted >= 6 ? 0 : 1;
}
#endif
