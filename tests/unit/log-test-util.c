/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the transaction-log unit tests (test-log*.c). */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log-test-util.h"

char tmpdir[256];

const char *
corpus(const char *rel)
{
	static char path[4][4096];
	static int slot;
	const char *dir = getenv("BK_CORPUS");

	if (!dir)
		return NULL;
	slot = (slot + 1) % 4;
	snprintf(path[slot], sizeof(path[slot]), "%s/%s", dir, rel);
	return access(path[slot], R_OK) == 0 ? path[slot] : NULL;
}

uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(fread(buf, 1, (size_t)n, f), n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

void
spit(const char *path, const uint8_t *p, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fwrite(p, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

const char *
tpath(const char *name)
{
	static char path[4][512];
	static int slot;

	slot = (slot + 1) % 4;
	snprintf(path[slot], sizeof(path[slot]), "%s/%s", tmpdir, name);
	return path[slot];
}

/* Copy a corpus file into the temp folder under a name. */
void
copy_in(const char *rel, const char *name)
{
	size_t len;
	uint8_t *p = slurp(corpus(rel), &len);

	spit(tpath(name), p, len);
	free(p);
}

void
log_setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test-log.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

void
log_teardown(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *de;

	while (d && (de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			unlink(tpath(de->d_name));
	if (d)
		closedir(d);
	rmdir(tmpdir);
}

/* Read the primary and replay the logs beside it. */
int
replay_file(const char *hive, uint8_t **img, size_t *len, struct hive_recover_report *rep,
	    struct bk_errbuf *eb)
{
	*img = slurp(hive, len);
	bk_err_clear(eb);
	return hv_log_replay(eb, hive, img, len, rep);
}


/* Names, sizes and times of every file in a folder, as one string. */
void
dir_snapshot(const char *dir, char *out, size_t len)
{
	struct dirent **ents;
	struct stat st;
	char path[4096];
	size_t used = 0;
	int n, i;

	n = scandir(dir, &ents, NULL, alphasort);
	ck_assert_int_ge(n, 0);
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
		ck_assert_int_eq(stat(path, &st), 0);
		if (!S_ISDIR(st.st_mode) && used < len)
			used += (size_t)snprintf(out + used, len - used, "%s %lld %lld.%09ld\n",
						 ents[i]->d_name, (long long)st.st_size,
						 (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
		free(ents[i]);
	}
	free(ents);
}

void
ndh_copy(void)
{
	copy_in(NDH "NewDirtyHive", "NewDirtyHive");
	copy_in(NDH "NewDirtyHive.LOG1", "NewDirtyHive.LOG1");
	copy_in(NDH "NewDirtyHive.LOG2", "NewDirtyHive.LOG2");
}

void
assert_same_file(const char *a, const char *b)
{
	size_t la, lb;
	uint8_t *pa = slurp(a, &la), *pb = slurp(b, &lb);

	ck_assert_uint_eq(la, lb);
	ck_assert_msg(memcmp(pa, pb, la) == 0, "%s differs from %s", a, b);
	free(pa);
	free(pb);
}

