/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Seed maker for the BCD fuzz targets (tests/fuzz/seeds.sh): for every element
 * of every object of each store named, write OUTDIR/decode/S-N (the element
 * type as 32-bit LE, then its raw data: fuzz-bcd-decode's input) and, for
 * device elements, OUTDIR/text/S-N ("{object}\nNAME\nDEVICE TEXT":
 * fuzz-bcd-text's input).  Unreadable stores are skipped with a note.
 * Usage: bcd-elements OUTDIR STORE...
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bcdkit/bcd.h"

static int
save(const char *dir, const char *kind, int store, unsigned n, const void *hdr,
     size_t hlen, const void *data, size_t len)
{
	char path[4096];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s/%d-%u", dir, kind, store, n);
	if (!(f = fopen(path, "wb"))) {
		perror(path);
		return -1;
	}
	ok = fwrite(hdr, 1, hlen, f) == hlen && fwrite(data, 1, len, f) == len;
	if (fclose(f) != 0 || !ok) {
		perror(path);
		return -1;
	}
	return 0;
}

static int
one_element(const char *dir, int store, unsigned n, bcd_store_t *s, const bcd_guid_t *id,
	    uint32_t objtype, uint32_t el)
{
	char gtext[BCD_GUID_STRLEN], head[512], *text = NULL;
	const char *name;
	uint8_t *data = NULL, t[4];
	size_t len;
	int rc = 0;

	if (bcd_element_get_raw(s, id, el, &data, &len) < 0)
		return 0;
	t[0] = (uint8_t)el, t[1] = (uint8_t)(el >> 8), t[2] = (uint8_t)(el >> 16);
	t[3] = (uint8_t)(el >> 24);
	rc = save(dir, "decode", store, n, t, 4, data, len);
	if (rc == 0 && BCD_ELEM_FORMAT(el) == BCD_FMT_DEVICE &&
	    bcd_device_to_text(data, len, el, NULL, 0, &text) == 0) {
		name = bcd_element_name(objtype, el);
		snprintf(head, sizeof(head), "%s\n%s\n", bcd_guid_format(id, gtext),
			 name ? name : "device");
		rc = save(dir, "text", store, n, head, strlen(head), text, strlen(text));
		free(text);
	}
	free(data);
	return rc;
}

static int
one_store(const char *dir, int store, const char *path)
{
	bcd_store_t *s = bcd_store_new();
	bcd_guid_t *ids = NULL;
	uint32_t *els, type;
	size_t n = 0, ne, i, j;
	unsigned count = 0;
	int rc = 0;

	if (!s || bcd_store_open(s, path, 0) < 0) {
		fprintf(stderr, "bcd-elements: skipped %s\n",
			s ? bcd_last_error(s) : bcd_strerror(-BK_ENOMEM));
		bcd_store_close(s);
		return 0;
	}
	if (bcd_store_objects(s, &ids, &n) < 0)
		n = 0;
	for (i = 0; i < n && rc == 0; i++) {
		if (bcd_object_type(s, &ids[i], &type) < 0 ||
		    bcd_element_list(s, &ids[i], &els, &ne) < 0)
			continue;
		for (j = 0; j < ne && rc == 0; j++)
			rc = one_element(dir, store, count++, s, &ids[i], type, els[j]);
		free(els);
	}
	free(ids);
	bcd_store_close(s);
	return rc;
}

int
main(int argc, char **argv)
{
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: bcd-elements OUTDIR STORE...\n");
		return 2;
	}
	for (i = 2; i < argc; i++)
		if (one_store(argv[1], i - 1, argv[i]) < 0)
			return 1;
	return 0;
}
