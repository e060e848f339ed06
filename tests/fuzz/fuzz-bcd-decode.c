/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target for the BCD element decoders.  Input: a 32-bit LE element type,
 * then the element's registry data.  Invariants:
 *  - values: whatever decodes re-encodes, and the encoding is a fixed point
 *    (decode(encode(v)) encodes to the same bytes);
 *  - devices: bytes the codec decodes and re-encodes identically
 *    (bcd_device_roundtrips()) decode again from their own encoding, and the
 *    text bcdedit would print for any device bytes parses back to exactly
 *    those bytes (known layouts by their text form, others as "raw:"), with
 *    and without a drive-letter map.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bcdkit/bcd.h"
#include "bcd-internal.h"
#include "fuzz.h"

static bcd_devmap_t *map;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (bcd_devmap_new(&map) < 0 || bcd_devmap_add(map, "C:=mbr:a1b2c3d4:1048576") < 0 ||
	    bcd_devmap_add(map, "D:=gpt:{11111111-2222-3333-4444-555555555555}:"
				"{66666666-7777-8888-9999-aaaaaaaaaaaa}") < 0)
		abort();
	return 0;
}

static void
value_fixed_point(uint32_t eltype, const uint8_t *data, size_t len)
{
	struct bcd_value v, w;
	uint8_t *e1 = NULL, *e2 = NULL;
	size_t n1, n2;
	uint32_t t1, t2;

	if (bcd_value_decode(eltype, data, len, &v) < 0)
		return;
	if (bcd_value_encode(eltype, &v, &t1, &e1, &n1) == 0) {
		FUZZ_ASSERT(bcd_value_decode(eltype, e1, n1, &w) == 0);
		FUZZ_ASSERT(bcd_value_encode(eltype, &w, &t2, &e2, &n2) == 0);
		FUZZ_ASSERT(t1 == t2 && n1 == n2 && memcmp(e1, e2, n1) == 0);
		bcd_value_free(&w);
	}
	free(e1);
	free(e2);
	bcd_value_free(&v);
}

/* bytes -> text -> bytes gives the same bytes. */
static void
device_text(uint32_t eltype, const uint8_t *data, size_t len, const bcd_devmap_t *m,
	    unsigned flags)
{
	uint8_t *back = NULL;
	size_t blen = 0;
	char *text = NULL, err[300];

	if (bcd_device_to_text(data, len, eltype, m, flags, &text) < 0)
		return;
	if (bcd_device_from_text(text, eltype, m, &back, &blen, err, sizeof(err)) == 0) {
		if (blen != len || memcmp(back, data, len) != 0)
			fprintf(stderr, "device text \"%s\" parses to other bytes\n", text);
		FUZZ_ASSERT(blen == len && memcmp(back, data, len) == 0);
	} else {
		fprintf(stderr, "device text \"%s\" does not parse: %s\n", text, err);
		FUZZ_ASSERT(!"device text parses back");
	}
	free(back);
	free(text);
}

static void
device(uint32_t eltype, const uint8_t *data, size_t len)
{
	struct bcd_devtree t;
	uint8_t *enc = NULL;
	size_t n = 0;

	if (bcd_device_roundtrips(data, len)) {
		FUZZ_ASSERT(bc_dev_decode(data, len, &t) == 0);
		FUZZ_ASSERT(bc_dev_encode(&t, &enc, &n) == 0);
		FUZZ_ASSERT(n == len && memcmp(enc, data, len) == 0);
		bc_dev_free(t.root);
		bk_free(enc);
	}
	/* Text is limited to what bcdedit accepts on a command line. */
	if (len > 16384)
		return;
	device_text(eltype, data, len, NULL, 0);
	device_text(eltype, data, len, map, 0);
	device_text(eltype, data, len, map, BCD_TEXT_VERBOSE);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t eltype;

	if (size < 4)
		return 0;
	eltype = fuzz_le32(data, size, 0);
	data += 4;
	size -= 4;
	value_fixed_point(eltype, data, size);
	/* Every device decoder path, whatever format the type names. */
	device(BCD_ELEM_FORMAT(eltype) == BCD_FMT_DEVICE ? eltype : BCD_EL_OSDEVICE, data, size);
	return 0;
}
