/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Finding keys and values by name and path: case-insensitive with Windows
 * upper-casing, hive-root prefixes (HKLM\SYSTEM\...) stripped, and
 * CurrentControlSet resolved through Select\Current as Windows does at boot.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "bk-utf16.h"
#include "hive-internal.h"

/* Is the name at (p, len, comp) equal to u[0..n) ignoring case? */
static bool
raw_name_eq(const uint8_t *p, size_t len, bool comp, const uint16_t *u, size_t n)
{
	size_t i;

	if (comp ? len != n : len / 2 != n)
		return false;
	for (i = 0; i < n; i++) {
		uint16_t c = comp ? p[i] : bk_le16(p + 2 * i);
		if (c != u[i] && hive_upcase(c) != hive_upcase(u[i]))
			return false;
	}
	return true;
}

static int
child_utf16(struct hive *h, hive_key_t parent, const uint16_t *u, size_t n, hive_key_t *out)
{
	struct nk_rec nk;
	uint32_t *list;
	size_t cnt, i;
	int rc = hv_nk_read(h, parent, &nk);

	if (rc < 0)
		return rc;
	/* Windows keeps subkey lists sorted: a binary search reads a few
	 * siblings, where the scan below reads (and on a lazy handle maps the
	 * hbin of) every one.  A list out of order is still searched whole. */
	if (hv_list_lookup(h, &nk, u, n, out) == 0)
		return 0;
	rc = hv_subkey_list(h, &nk, &list, &cnt);
	if (rc < 0)
		return rc;
	for (i = 0; i < cnt; i++) {
		struct nk_rec c;
		if (hv_nk_read(h, list[i], &c) < 0)
			continue;
		if (raw_name_eq(c.name, c.name_len, c.flags & NK_COMP_NAME, u, n)) {
			*out = list[i];
			bk_free(list);
			return 0;
		}
	}
	bk_free(list);
	return -BK_ENOTFOUND;
}

int
hive_key_child(hive_t *h, hive_key_t parent, const char *name, hive_key_t *out)
{
	uint16_t *u;
	size_t n;
	int rc = bk_utf8_to_utf16(name, strlen(name), &u, &n);

	if (rc < 0)
		return hv_error(h, -rc, "%s", rc == -BK_ENOMEM ? "out of memory" :
			      "invalid UTF-8 in key name");
	rc = child_utf16(h, parent, u, n, out);
	bk_free(u);
	if (rc == -BK_ENOTFOUND)
		hv_error(h, BK_ENOTFOUND, "key '%s' not found", name);
	return rc;
}

/* Length of a hive-root prefix at the start of path (with its "\"), or 0. */
static size_t
root_prefix_len(const char *path)
{
	static const char *const roots[] = {
		"HKEY_LOCAL_MACHINE", "HKLM", "HKEY_CURRENT_USER", "HKCU",
		"HKEY_USERS", "HKU", "HKEY_CLASSES_ROOT", "HKCR",
		"HKEY_CURRENT_CONFIG", "HKCC",
	};
	size_t i, n;

	for (i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		n = strlen(roots[i]);
		if (strncasecmp(path, roots[i], n) == 0 && (path[n] == '\\' || !path[n]))
			return n + (path[n] == '\\');
	}
	return 0;
}

/*
 * After HKLM, the next component names the hive (SYSTEM, SOFTWARE, ...),
 * so it is dropped too: "HKLM\SYSTEM\Select" is "Select" in a SYSTEM hive.
 * Only HKLM and HKU carry such a component; HKCU names a hive directly.
 */
static const char *
strip_prefix(const char *path)
{
	size_t n = root_prefix_len(path);
	const char *rest = path + n, *sep;

	if (n && (strncasecmp(path, "HKEY_LOCAL_MACHINE", 18) == 0 ||
		  strncasecmp(path, "HKLM", 4) == 0 || strncasecmp(path, "HKU", 3) == 0) &&
	    strncasecmp(path, "HKEY_CURRENT", 12) != 0 && strncasecmp(path, "HKCU", 4) != 0) {
		sep = strchr(rest, '\\');
		rest = sep ? sep + 1 : rest + strlen(rest);
	}
	return rest;
}

/* Resolve "CurrentControlSet" to "ControlSet00N" via Select\Current. */
static int
current_control_set(struct hive *h, hive_key_t root, hive_key_t *out)
{
	hive_key_t sel;
	hive_value_t v;
	uint8_t *data;
	size_t len;
	uint32_t type, cur;
	char name[32];
	int rc;

	if (hive_key_child(h, root, "Select", &sel) < 0 ||
	    hive_value_find(h, sel, "Current", &v) < 0)
		return -BK_ENOTFOUND;
	if ((rc = hive_value_type(h, v, &type)) < 0 || (rc = hive_value_data(h, v, &data, &len)) < 0)
		return rc;
	rc = hive_decode_dword(type, data, len, &cur);
	bk_free(data);
	if (rc < 0)
		return hv_error(h, BK_ECORRUPT, "Select\\Current is not a DWORD");
	snprintf(name, sizeof(name), "ControlSet%03u", cur);
	return hive_key_child(h, root, name, out);
}

int
hive_key_find(hive_t *h, const char *path, hive_key_t *out)
{
	const char *p = strip_prefix(path), *sep;
	hive_key_t k = h->base.root_offset;
	int depth = 0, rc;

	while (*p == '\\')
		p++;
	while (*p) {
		size_t len;
		uint16_t *u;
		size_t n;

		sep = strchr(p, '\\');
		len = sep ? (size_t)(sep - p) : strlen(p);
		if (++depth > HIVE_MAX_DEPTH)
			return hv_error(h, BK_EINVAL, "key path too deep");
		rc = bk_utf8_to_utf16(p, len, &u, &n);
		if (rc < 0)
			return hv_error(h, -rc, "%s", rc == -BK_ENOMEM ? "out of memory" :
				      "invalid UTF-8 in key path");
		rc = child_utf16(h, k, u, n, &k);
		bk_free(u);
		/* A stored key of that name wins; otherwise resolve the link. */
		if (rc == -BK_ENOTFOUND && depth == 1 && len == 17 &&
		    strncasecmp(p, "CurrentControlSet", 17) == 0)
			rc = current_control_set(h, k, &k);
		if (rc < 0) {
			if (rc == -BK_ENOTFOUND)
				hv_error(h, BK_ENOTFOUND, "key '%s' not found", path);
			return rc;
		}
		p += len;
		while (*p == '\\')
			p++;
	}
	*out = k;
	return 0;
}

int
hive_key_path(hive_t *h, hive_key_t key, char **out)
{
	hive_key_t chain[HIVE_MAX_DEPTH + 1];
	size_t depth = 0, total = 1, i;
	char *names[HIVE_MAX_DEPTH + 1], *s;
	struct nk_rec nk;
	int rc = 0;

	while (key != h->base.root_offset) {
		if (depth >= HIVE_MAX_DEPTH || (rc = hv_nk_read(h, key, &nk)) < 0)
			return rc < 0 ? rc : hv_error(h, BK_ECORRUPT, "parent loop");
		chain[depth++] = key;
		key = nk.parent;
	}
	for (i = 0; i < depth; i++) {
		if ((rc = hive_key_name(h, chain[depth - 1 - i], &names[i])) < 0) {
			while (i--)
				bk_free(names[i]);
			return rc;
		}
		total += strlen(names[i]) + 1;
	}
	s = bk_malloc(total);
	if (s) {
		s[0] = '\0';
		for (i = 0; i < depth; i++) {
			if (i)
				strcat(s, "\\");
			strcat(s, names[i]);
		}
	}
	for (i = 0; i < depth; i++)
		bk_free(names[i]);
	if (!s)
		return hv_error(h, BK_ENOMEM, "out of memory");
	*out = s;
	return 0;
}

int
hive_value_find(hive_t *h, hive_key_t key, const char *name, hive_value_t *out)
{
	struct nk_rec nk;
	uint32_t *list;
	uint16_t *u;
	size_t cnt, n, i;
	int rc;

	if (strcmp(name, "@") == 0)
		name = "";
	if ((rc = hv_nk_read(h, key, &nk)) < 0 || (rc = hv_value_list(h, &nk, &list, &cnt)) < 0)
		return rc;
	rc = bk_utf8_to_utf16(name, strlen(name), &u, &n);
	if (rc < 0) {
		bk_free(list);
		return hv_error(h, -rc, "%s", rc == -BK_ENOMEM ? "out of memory" :
			      "invalid UTF-8 in value name");
	}
	rc = hv_error(h, BK_ENOTFOUND, "value '%s' not found", name[0] ? name : "@");
	for (i = 0; i < cnt; i++) {
		struct vk_rec vk;
		if (hv_vk_read(h, list[i], &vk) < 0)
			continue;
		if (raw_name_eq(vk.name, vk.name_len, vk.flags & VK_COMP_NAME, u, n)) {
			*out = list[i];
			bk_err_clear(&h->err);
			rc = 0;
			break;
		}
	}
	bk_free(u);
	bk_free(list);
	return rc;
}
