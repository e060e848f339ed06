/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Helpers shared by the transaction-log unit tests: corpus paths (skipping
 * when $BK_CORPUS is absent), whole-file read/write, a per-test temporary
 * folder and snapshots of it.
 */
#ifndef LOG_TEST_UTIL_H
#define LOG_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "hive-internal.h"

#define NDH "hive/yarp-NewDirtyHive1/"
#define TRX "hive/regipy-transactions/"
#define BBB "hive/yarp-BadBaseBlockHive/"

/* The current test's temporary folder (made by log_setup()). */
extern char tmpdir[256];

/* Path of a corpus file, or NULL if the corpus or the file is absent. */
const char *corpus(const char *rel);
#define NEED_CORPUS(rel)                                                     \
	do {                                                                 \
		if (!corpus(rel)) {                                          \
			printf("%s: corpus file %s not found, skipping\n",   \
			       __func__, rel);                               \
			return;                                              \
		}                                                            \
	} while (0)

/* Whole file into malloc'd memory (fails the test if unreadable). */
uint8_t *slurp(const char *path, size_t *len);
void spit(const char *path, const uint8_t *p, size_t len);
/* NAME inside the temporary folder (a few rotating static buffers). */
const char *tpath(const char *name);
/* Copy a corpus file into the temporary folder under a name. */
void copy_in(const char *rel, const char *name);
void log_setup(void);
void log_teardown(void);
/* Read the primary and replay the logs beside it. */
int replay_file(const char *hive, uint8_t **img, size_t *len,
		struct hive_recover_report *rep, struct bk_errbuf *eb);
/* Names, sizes and times of every file in a folder, as one string. */
void dir_snapshot(const char *dir, char *out, size_t len);
/* NewDirtyHive and its two logs into the temporary folder. */
void ndh_copy(void);
void assert_same_file(const char *a, const char *b);

#endif
