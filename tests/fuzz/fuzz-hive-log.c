/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target for transaction-log replay: a primary hive and up to three logs
 * (NAME.LOG, NAME.LOG1, NAME.LOG2) from one input, replayed in memory as
 * hive_open() does, and the result opened and checked.  Input layout:
 *
 *   0   u32 LE  length of the primary
 *   4   u32 LE  length of the first log
 *   8   u32 LE  length of the second log
 *   12  primary, first log, second log, and the rest is the third log
 *
 * Lengths past the end of the input are cut to what is there.
 * tests/fuzz/seeds.sh packs the corpus's dirty hives and their logs this way.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bcdkit/hive.h"
#include "bk-alloc.h"
#include "bk-error.h"
#include "fuzz.h"
#include "hive-internal.h"

#define HDR 12u

static int
count_problem(void *data, const struct hive_problem *p)
{
	*(size_t *)data += strlen(p->message);
	return 0;
}

/* The replayed image must open as a clean hive, or replay must have failed. */
static void
open_result(const uint8_t *img, size_t len)
{
	hive_key_t root, *subs = NULL;
	uint64_t count;
	size_t np = 0, n = 0;
	hive_t *h = hive_new();

	if (!h || hive_open_buffer(h, img, len, "fuzz", HIVE_OPEN_NO_LOGS) < 0) {
		hive_close(h);
		return;
	}
	if (hive_root(h, &root) == 0 && hive_key_subkeys(h, root, &subs, &n) == 0)
		free(subs);
	hive_check(h, count_problem, &np, &count);
	hive_close(h);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[3] = { "fuzz.LOG", "fuzz.LOG1", "fuzz.LOG2" };
	struct hive_log_src logs[3];
	struct hive_recover_report rep;
	struct bk_errbuf eb = { 0 };
	size_t len[4], off = HDR, i;
	uint8_t *img;
	size_t ilen;

	if (size < HDR)
		return 0;
	for (i = 0; i < 3; i++) {
		len[i] = fuzz_le32(data, size, 4 * i);
		if (len[i] > size - off)
			len[i] = size - off;
		off += len[i];
	}
	len[3] = size - off;
	off = HDR;
	img = bk_malloc(len[0] ? len[0] : 1);
	if (!img)
		return 0;
	memcpy(img, data + off, len[0]);
	ilen = len[0];
	off += len[0];
	for (i = 0; i < 3; i++) {
		logs[i].name = names[i];
		logs[i].data = data + off;
		logs[i].len = len[i + 1];
		off += len[i + 1];
	}
	bk_err_clear(&eb);
	if (hv_log_replay_mem(&eb, "fuzz", &img, &ilen, logs, 3, &rep) == 0) {
		FUZZ_ASSERT(!rep.dirty || !hv_image_dirty(img, ilen));
		open_result(img, ilen);
	} else {
		/* A failed replay leaves the primary as it was. */
		FUZZ_ASSERT(ilen == len[0] && memcmp(img, data + HDR, ilen) == 0);
		FUZZ_ASSERT(eb.msg[0] != '\0');
	}
	bk_free(img);
	return 0;
}
