/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target for bcdedit's value and device syntax.  Input: three lines,
 * "OBJECT\nNAME\nVALUE" (what "bcdedit /set OBJECT NAME VALUE" gets), applied
 * with bcd_set_text() to an in-memory store holding {bootmgr}, a Windows
 * loader that is {default}, {globalsettings} and a device object.  VALUE is
 * also parsed alone by bcd_device_from_text() for a device element.
 * Invariants: a device that parses prints back as text that parses to the
 * same bytes; after a successful /set the element reads back and the store
 * still enumerates (every value prints as bcdedit text).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bcdkit/bcd.h"
#include "bcdkit/hive.h"
#include "bcd-internal.h"
#include "fuzz.h"

#define LOADER "{0a1b2c3d-0000-4000-8000-00000000abcd}"
#define DEVOBJ "{0a1b2c3d-0000-4000-8000-00000000dddd}"

static bcd_devmap_t *map;
static uint8_t *template;
static size_t template_len;

static void
die(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz-bcd-text: %s: %s\n", what, detail ? detail : "");
	abort();
}

static void
add_object(bcd_store_t *s, const char *id, uint32_t type)
{
	bcd_guid_t g;

	if (bcd_store_resolve(s, id, &g) < 0 || bcd_object_create(s, &g, type, NULL) < 0)
		die(id, bcd_last_error(s));
}

static void
set(bcd_store_t *s, const char *id, const char *name, const char *value)
{
	bcd_guid_t g;

	if (bcd_store_resolve(s, id, &g) < 0 || bcd_set_text(s, &g, name, value, map) < 0)
		die(name, bcd_last_error(s));
}

/* The store every input starts from, made once through the public API. */
static void
make_template(void)
{
	char dir[] = "/tmp/fuzz-bcd-text.XXXXXX", path[64];
	bcd_store_t *s = bcd_store_new();
	FILE *f;
	long n;

	if (!mkdtemp(dir))
		die("mkdtemp", NULL);
	snprintf(path, sizeof(path), "%s/BCD", dir);
	if (!s)
		die("store", bcd_strerror(-BK_ENOMEM));
	if (bcd_store_create(s, path) < 0 || bcd_store_open(s, path, BCD_OPEN_WRITE) < 0)
		die("store", bcd_last_error(s));
	add_object(s, "{bootmgr}", BCD_OBJ_BOOTMGR);
	add_object(s, LOADER, BCD_OBJ_OSLOADER);
	add_object(s, "{globalsettings}", BCD_OBJ_INHERIT);
	add_object(s, DEVOBJ, BCD_OBJ_DEVICE);
	set(s, "{bootmgr}", "default", LOADER);
	set(s, "{bootmgr}", "displayorder", LOADER);
	set(s, LOADER, "description", "Windows");
	set(s, LOADER, "device", "partition=C:");
	set(s, LOADER, "osdevice", "partition=C:");
	set(s, LOADER, "path", "\\Windows\\system32\\winload.efi");
	if (bcd_store_commit(s) < 0)
		die("commit", bcd_last_error(s));
	bcd_store_close(s);
	if (!(f = fopen(path, "rb")) || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || !(template = malloc((size_t)n)) ||
	    fread(template, 1, (size_t)n, f) != (size_t)n)
		die("read back", path);
	template_len = (size_t)n;
	fclose(f);
	unlink(path);
	rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (bcd_devmap_new(&map) < 0 || bcd_devmap_add(map, "C:=mbr:a1b2c3d4:1048576") < 0 ||
	    bcd_devmap_add(map, "D:=gpt:{11111111-2222-3333-4444-555555555555}:"
				"{66666666-7777-8888-9999-aaaaaaaaaaaa}") < 0)
		abort();
	make_template();
	return 0;
}

/* A store over a copy of the template, as bcd_store_open() makes one. */
static bcd_store_t *
store_open(void)
{
	bcd_store_t *s = bk_calloc(1, sizeof(*s));
	hive_key_t root;

	if (!s)
		return NULL;
	s->path = bk_strdup("fuzz");
	s->flags = BCD_OPEN_WRITE;
	if (!s->path ||
	    !(s->hive = hive_new()) ||
	    hive_open_buffer(s->hive, template, template_len, "fuzz", HIVE_OPEN_WRITE) < 0 ||
	    hive_root(s->hive, &root) < 0 || hive_key_child(s->hive, root, "Objects", &s->objects) < 0)
		die("reopen template", NULL);
	return s;
}

static void
device_text(const char *text, uint32_t eltype)
{
	uint8_t *b1 = NULL, *b2 = NULL;
	size_t n1, n2;
	char *t1 = NULL, err[300];

	if (bcd_device_from_text(text, eltype, map, &b1, &n1, err, sizeof(err)) < 0)
		return;
	FUZZ_ASSERT(bcd_device_to_text(b1, n1, eltype, map, 0, &t1) == 0);
	if (bcd_device_from_text(t1, eltype, map, &b2, &n2, err, sizeof(err)) < 0)
		fprintf(stderr, "\"%s\" prints as \"%s\", which does not parse: %s\n", text, t1, err);
	else if (n1 != n2 || memcmp(b1, b2, n1) != 0)
		fprintf(stderr, "\"%s\" prints as \"%s\", which parses to other bytes\n", text, t1);
	FUZZ_ASSERT(b2 && n1 == n2 && memcmp(b1, b2, n1) == 0);
	free(b1);
	free(b2);
	free(t1);
}

/* Every value of the store as bcdedit's text (what /enum /v shows). */
static void
all_text(bcd_store_t *s)
{
	bcd_guid_t *ids = NULL;
	uint32_t type, *types;
	size_t n = 0, nt, i, j, len, nl;
	uint8_t *data;
	char **lines;

	FUZZ_ASSERT(bcd_store_objects(s, &ids, &n) == 0);
	for (i = 0; i < n; i++) {
		types = NULL;
		FUZZ_ASSERT(bcd_object_type(s, &ids[i], &type) == 0);
		FUZZ_ASSERT(bcd_element_list(s, &ids[i], &types, &nt) == 0);
		for (j = 0; j < nt; j++) {
			data = NULL;
			FUZZ_ASSERT(bcd_element_get_raw(s, &ids[i], types[j], &data, &len) == 0);
			FUZZ_ASSERT(bcd_value_text(s, type, types[j], data, len, map, BCD_TEXT_VERBOSE,
						   &lines, &nl) == 0);
			bcd_text_free(lines, nl);
			free(data);
		}
		free(types);
	}
	free(ids);
}

static void
set_text(const char *obj, const char *name, const char *value)
{
	bcd_store_t *s = store_open();
	bcd_guid_t g;
	uint32_t type, eltype;
	struct bcd_value v;

	if (bcd_store_resolve(s, obj, &g) < 0)
		bcd_store_resolve(s, LOADER, &g);
	if (bcd_set_text(s, &g, name, value, map) == 0) {
		FUZZ_ASSERT(bcd_object_type(s, &g, &type) == 0);
		FUZZ_ASSERT(bcd_element_lookup(type, name, &eltype) == 0);
		FUZZ_ASSERT(bcd_element_get(s, &g, eltype, &v) == 0);
		bcd_value_free(&v);
	}
	all_text(s);
	bcd_delete_text(s, &g, name);
	bcd_store_close(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *name, *value;

	if (size > 4096)
		return 0;
	if (!(text = malloc(size + 1)))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	name = strchr(text, '\n');
	value = name ? strchr(name + 1, '\n') : NULL;
	if (value) {
		*name++ = '\0';
		*value++ = '\0';
		set_text(text, name, value);
		device_text(value, BCD_EL_OSDEVICE);
	} else {
		device_text(text, BCD_EL_DEVICE);
	}
	free(text);
	return 0;
}
