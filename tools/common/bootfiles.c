/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The boot files bcdboot copies (doc/bcdboot-notes.md, "Files"):
 *  BIOS: Windows\Boot\PCAT\* to \Boot, except bootmgr (and bootnxt) which go
 *        to the root; Fonts and Resources to \Boot\Fonts, \Boot\Resources.
 *  UEFI: Windows\Boot\EFI\* to \EFI\Microsoft\Boot, Fonts and Resources
 *        below it, an empty \EFI\Microsoft\Recovery, and bootmgfw.efi again
 *        as the removable-media fallback \EFI\Boot\bootx64.efi.
 * Locale folders (en-US, ...) come along with the recursive copy.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bcdboot-cli.h"
#include "tool-util.h"

#define PATHLEN 4096

struct copy {
	struct bootvol *src, *dst;
	const char *from, *to;     /* folders */
	bool skip_root_mgr;        /* BIOS: bootmgr/bootnxt go elsewhere */
	int depth;
	int rc;
};

static int copy_tree(struct bootvol *src, const char *from, struct bootvol *dst,
		     const char *to, bool skip_mgr, int depth);

/* a\b; a path too long for the buffer becomes "..", which every volume
 * operation refuses, so it can never name something else. */
static void
join(char *out, const char *a, const char *b)
{
	if (snprintf(out, PATHLEN, "%s%s%s", a, a[0] ? "\\" : "", b) >= PATHLEN)
		snprintf(out, PATHLEN, "..");
}

static int
copy_file(struct bootvol *src, const char *from, struct bootvol *dst, const char *to)
{
	uint8_t *buf = NULL;
	size_t len = 0;

	if (bootvol_read(src, from, &buf, &len) < 0) {
		tool_err("%s", src->err);
		return -1;
	}
	if (bootvol_write(dst, to, buf, len) < 0) {
		free(buf);
		tool_err("%s", dst->err);
		return -1;
	}
	free(buf);
	bcdboot_verbose("Copied \\%s to %s\\%s", from, dst->name, to);
	return 0;
}

static int
copy_entry(const char *name, bool is_dir, void *data)
{
	struct copy *c = data;
	char from[PATHLEN], to[PATHLEN];

	if (c->skip_root_mgr && (!strcasecmp(name, "bootmgr") || !strcasecmp(name, "bootnxt")))
		return 0;
	join(from, c->from, name);
	join(to, c->to, name);
	if (is_dir)
		return copy_tree(c->src, from, c->dst, to, false, c->depth + 1) < 0 ? 1 : 0;
	return copy_file(c->src, from, c->dst, to) < 0 ? 1 : 0;
}

static int
copy_tree(struct bootvol *src, const char *from, struct bootvol *dst, const char *to,
	  bool skip_mgr, int depth)
{
	struct copy c = { src, dst, from, to, skip_mgr, depth, 0 };
	int rc;

	if (depth > 16) {
		tool_err("%s: \\%s: folders nested too deep", src->name, from);
		return -1;
	}
	if (bootvol_mkdirs(dst, to) < 0) {
		tool_err("%s", dst->err);
		return -1;
	}
	rc = bootvol_list(src, from, copy_entry, &c);
	if (rc < 0) {
		tool_err("%s", src->err);
		return -1;
	}
	return rc ? -1 : 0;
}

/* An optional folder (Fonts, Resources): copied when present. */
static int
copy_optional(struct bootvol *win, const char *winroot, const char *name,
	      struct bootvol *sys, const char *to)
{
	char from[PATHLEN], dst[PATHLEN];
	bool dir;

	snprintf(from, sizeof(from), "%s%sBoot\\%s", winroot, winroot[0] ? "\\" : "", name);
	if (bootvol_stat(win, from, &dir) < 0 || !dir) {
		bcdboot_verbose("No %s folder in the Windows tree; skipped", name);
		return 0;
	}
	join(dst, to, name);
	return copy_tree(win, from, sys, dst, false, 0);
}

static int
need_folder(struct bootvol *win, const char *from)
{
	bool dir = false;

	if (bootvol_stat(win, from, &dir) < 0 || !dir) {
		tool_err("%s: \\%s: the boot files are not there (%s)", win->name, from,
			 dir ? "not a folder" : win->err);
		return -1;
	}
	return 0;
}

static int
copy_bios(struct bootvol *win, const char *winroot, struct bootvol *sys)
{
	char from[PATHLEN], f[PATHLEN];
	bool dir;

	snprintf(from, sizeof(from), "%s%sBoot\\PCAT", winroot, winroot[0] ? "\\" : "");
	if (need_folder(win, from) < 0 || copy_tree(win, from, sys, "Boot", true, 0) < 0)
		return -1;
	join(f, from, "bootmgr");
	if (copy_file(win, f, sys, "bootmgr") < 0)
		return -1;
	join(f, from, "bootnxt");
	if (bootvol_stat(win, f, &dir) == 0 && !dir && copy_file(win, f, sys, "BOOTNXT") < 0)
		return -1;
	if (copy_optional(win, winroot, "Fonts", sys, "Boot") < 0 ||
	    copy_optional(win, winroot, "Resources", sys, "Boot") < 0)
		return -1;
	if (bootvol_hide(sys, "bootmgr", true) < 0 || bootvol_hide(sys, "Boot", false) < 0) {
		tool_err("%s", sys->err);
		return -1;
	}
	return 0;
}

static int
copy_uefi(struct bootvol *win, const char *winroot, struct bootvol *sys)
{
	char from[PATHLEN], f[PATHLEN];

	snprintf(from, sizeof(from), "%s%sBoot\\EFI", winroot, winroot[0] ? "\\" : "");
	if (need_folder(win, from) < 0 ||
	    copy_tree(win, from, sys, "EFI\\Microsoft\\Boot", false, 0) < 0)
		return -1;
	if (copy_optional(win, winroot, "Fonts", sys, "EFI\\Microsoft\\Boot") < 0 ||
	    copy_optional(win, winroot, "Resources", sys, "EFI\\Microsoft\\Boot") < 0)
		return -1;
	if (bootvol_mkdirs(sys, "EFI\\Microsoft\\Recovery") < 0) {
		tool_err("%s", sys->err);
		return -1;
	}
	join(f, from, "bootmgfw.efi");
	return copy_file(win, f, sys, "EFI\\Boot\\bootx64.efi");
}

int
bcdboot_copy_files(struct bootvol *win, const char *winroot, struct bootvol *sys, int fw)
{
	bcdboot_verbose("Copying the %s boot files from %s to %s", fw == FW_UEFI ? "UEFI" : "BIOS",
			win->name, sys->name);
	return fw == FW_UEFI ? copy_uefi(win, winroot, sys) : copy_bios(win, winroot, sys);
}
