/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Paths inside a volume and the error context of the file-system layer.
 *
 * Every path a caller gives is checked here once, before any driver sees
 * it, so that the drivers can trust their input: a path can never leave the
 * volume ("..", above the root, is refused rather than clamped, as a user
 * who wrote it meant something else) and never names an entry Windows
 * could not open (its forbidden characters, trailing dots and spaces, the
 * reserved device names), which would otherwise be created on the volume
 * and then be unreachable from Windows.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bk-alloc.h"
#include "bk-utf16.h"
#include "fs-core.h"

/* ---- error context -------------------------------------------------------- */

/* Append the canonical "\A\B" form of p to buf (at most cap bytes). */
static void
path_text(const struct fs_path *p, char *buf, size_t cap)
{
	size_t i, len = 0;

	if (cap == 0)
		return;
	buf[0] = '\0';
	if (p->text) {
		snprintf(buf, cap, "%s", p->text);
		return;
	}
	if (p->n == 0)
		snprintf(buf, cap, "\\");
	for (i = 0; i < p->n && len < cap; i++)
		len += (size_t)snprintf(buf + len, cap - len, "\\%s", p->comp[i]);
}

int
fs_err(struct disk_fs *fs, int code, const struct fs_path *p, const char *fmt, ...)
{
	char detail[BK_ERRMSG_MAX], where[BK_ERRMSG_MAX / 2], part[16] = "";
	const char *name = fs && fs->d && fs->d->name ? fs->d->name : "?";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	if (!fs)
		return -code;
	/* The form the tools take on their command line: IMAGE:PART:\path,
	 * with the partition left out for a volume that is the whole disk. */
	if (fs->partition)
		snprintf(part, sizeof(part), ":%u", fs->partition);
	where[0] = '\0';
	if (p)
		path_text(p, where, sizeof(where));
	return bk_err(&fs->err, code, "%s%s%s%s: %s", name, part, p ? ":" : "", where, detail);
}

/* ---- checking one component --------------------------------------------- */

static const char *const dos_devices[] = {
	"CON", "PRN", "AUX", "NUL",
	"COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
	"LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
};

/* Windows reserves a device name with any extension ("nul.txt") and with
 * spaces before the dot ("CON .txt"), whatever the case. */
static bool
is_dos_device(const char *s, size_t len)
{
	const char *dot = memchr(s, '.', len);
	size_t i, n = dot ? (size_t)(dot - s) : len;

	while (n > 0 && s[n - 1] == ' ')
		n--;
	for (i = 0; i < sizeof(dos_devices) / sizeof(dos_devices[0]); i++)
		if (strlen(dos_devices[i]) == n && strncasecmp(s, dos_devices[i], n) == 0)
			return true;
	return false;
}

/* NULL when s is a valid name, else the reason. */
static const char *
name_problem(const char *s, size_t len)
{
	size_t i = 0, k, units = 0;
	uint32_t cp;

	for (i = 0; i < len; i += k) {
		if ((unsigned char)s[i] < 0x20)
			return "a control character in a name";
		if (strchr("<>:\"|?*", s[i]))
			return "a character Windows forbids in names (<>:\"|?*)";
		k = bk_utf8_decode((const uint8_t *)s + i, len - i, &cp, false);
		if (k == 0)
			return "a name that is not valid UTF-8";
		units += cp > 0xFFFF ? 2 : 1;
	}
	if (units > FS_NAME_MAX)
		return "a name longer than 255 UTF-16 characters";
	if (s[len - 1] == '.' || s[len - 1] == ' ')
		return "a name ending in a dot or a space";
	if (is_dos_device(s, len))
		return "a device name Windows reserves (CON, PRN, AUX, NUL, COM1-9, LPT1-9)";
	return NULL;
}

/* ---- whole paths ------------------------------------------------------------ */

void
fs_path_free(struct fs_path *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n; i++)
		bk_free(p->comp[i]);
	bk_free(p->comp);
	bk_free(p->text);
	memset(p, 0, sizeof(*p));
}

struct fs_path
fs_path_parent(const struct fs_path *p)
{
	struct fs_path q = { p->n ? p->n - 1 : 0, p->comp, NULL };

	return q;
}

/* A copy of text safe to print: control bytes shown as '?'. */
static void
printable(const char *text, char *buf, size_t cap)
{
	size_t i;

	snprintf(buf, cap, "%s", text);
	for (i = 0; buf[i]; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = '?';
}

static int
refuse(struct disk_fs *fs, const char *text, const char *why)
{
	char shown[200];

	printable(text, shown, sizeof(shown));
	return fs_err(fs, BK_EINVAL, NULL, "\"%s\": %s", shown, why);
}

/* Join the components into "\A\B" (the root is "\"). */
static int
path_join(struct fs_path *p)
{
	size_t i, len = 2, at = 0;

	for (i = 0; i < p->n; i++)
		len += strlen(p->comp[i]) + 1;
	if (!(p->text = bk_malloc(len)))
		return -BK_ENOMEM;
	p->text[0] = '\\';
	p->text[1] = '\0';
	for (i = 0; i < p->n; i++) {
		p->text[at++] = '\\';
		strcpy(p->text + at, p->comp[i]);
		at += strlen(p->comp[i]);
	}
	return 0;
}

/* Add one component (checked) or resolve "."/"..". */
static int
path_push(struct disk_fs *fs, const char *text, struct fs_path *p, const char *s,
	  size_t len)
{
	const char *why;

	if (len == 0 || (len == 1 && s[0] == '.'))
		return 0;
	if (len == 2 && s[0] == '.' && s[1] == '.') {
		if (p->n == 0)
			return refuse(fs, text, "\"..\" would leave the volume");
		bk_free(p->comp[--p->n]);
		return 0;
	}
	if ((why = name_problem(s, len)) != NULL)
		return refuse(fs, text, why);
	if (p->n >= FS_DEPTH_MAX)
		return refuse(fs, text, "more than 256 folder levels");
	if (!(p->comp[p->n] = bk_malloc(len + 1)))
		return fs_err(fs, BK_ENOMEM, NULL, "out of memory");
	memcpy(p->comp[p->n], s, len);
	p->comp[p->n++][len] = '\0';
	return 0;
}

int
fs_path_parse(struct disk_fs *fs, const char *text, struct fs_path *out)
{
	const char *s, *e;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!text)
		return fs_err(fs, BK_EINVAL, NULL, "no path given");
	if (strlen(text) > FS_PATH_MAX)
		return refuse(fs, text, "a path longer than 4096 bytes");
	if (!(out->comp = bk_calloc(FS_DEPTH_MAX, sizeof(char *))))
		return fs_err(fs, BK_ENOMEM, NULL, "out of memory");
	for (s = text; rc == 0; s = e + 1) {
		e = s + strcspn(s, "\\/");
		rc = path_push(fs, text, out, s, (size_t)(e - s));
		if (*e == '\0')
			break;
	}
	if (rc == 0 && path_join(out) < 0)
		rc = fs_err(fs, BK_ENOMEM, NULL, "out of memory");
	if (rc < 0)
		fs_path_free(out);
	return rc;
}

/*
 * out = p plus one more component, the name of an entry found in a folder
 * listing or on the host.  A name that holds a separator (possible in the
 * POSIX namespace of NTFS, or "\" in a Linux file name) or that Windows
 * forbids is refused rather than reinterpreted.
 */
int
fs_path_child(struct disk_fs *fs, const struct fs_path *p, const char *name,
	      struct fs_path *out)
{
	size_t i, len = strlen(name);
	const char *why;
	int rc;

	memset(out, 0, sizeof(*out));
	why = len == 0 ? "an empty name" : strpbrk(name, "\\/") ? "a name holding \\ or /"
		: (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) ? "a name \".\" or \"..\""
		: name_problem(name, len);
	if (why)
		return fs_err(fs, BK_EINVAL, p, "cannot copy \"%s\": %s", name, why);
	if (p->n + 1 > FS_DEPTH_MAX)
		return fs_err(fs, BK_EINVAL, p, "more than 256 folder levels");
	if (!(out->comp = bk_calloc(p->n + 1, sizeof(char *))))
		return fs_err(fs, BK_ENOMEM, p, "out of memory");
	for (i = 0; i < p->n; i++)
		if (!(out->comp[out->n++] = bk_strdup(p->comp[i])))
			goto nomem;
	if (!(out->comp[out->n++] = bk_strdup(name)))
		goto nomem;
	if ((rc = path_join(out)) == 0)
		return 0;
nomem:
	fs_path_free(out);
	return fs_err(fs, BK_ENOMEM, p, "out of memory");
}
