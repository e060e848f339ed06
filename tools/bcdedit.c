/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bcdedit: edit Windows BCD stores offline with bcdedit's command line.
 *
 * Options start with "/", "-" or "--" and are case-insensitive, as on
 * Windows.  Since Linux paths also start with "/", arguments are taken by
 * position: a command consumes the words its grammar expects (a file name,
 * an identifier, a value) literally, and only the remaining words are
 * matched against the option names.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bcdkit/bcd.h"
#include "tool-util.h"

#define MAX_IDS 256

static void
usage(void)
{
	printf("Usage: %s [--store FILE] [OPTIONS] [COMMAND [ARGUMENTS]]\n"
	       "Edit a Windows Boot Configuration Data store offline.\n"
	       "\n"
	       "Commands (a leading '/', '-' or '--'; case-insensitive):\n"
	       "  /createstore FILE\n"
	       "  /export FILE\n"
	       "  /import FILE [/clean]\n"
	       "  /enum [ACTIVE|FIRMWARE|BOOTAPP|BOOTMGR|OSLOADER|RESUME|INHERIT|ALL|ID] [/v]\n"
	       "  /copy ID /d DESCRIPTION\n"
	       "  /create [ID] /d DESCRIPTION /application osloader|resume|bootsector|startup|bootapp\n"
	       "  /create [ID] [/d DESCRIPTION] /inherit [APPTYPE]\n"
	       "  /create [ID] [/d DESCRIPTION] /device\n"
	       "  /create ID [/d DESCRIPTION]          (well-known objects)\n"
	       "  /delete ID [/f] [/cleanup|/nocleanup]\n"
	       "  /set [ID] NAME VALUE\n"
	       "  /deletevalue [ID] NAME\n"
	       "  /default ID\n"
	       "  /displayorder ID... [/addfirst|/addlast|/remove]\n"
	       "  /bootsequence ID... [/addfirst|/addlast|/remove]\n"
	       "  /toolsdisplayorder ID... [/addfirst|/addlast|/remove]\n"
	       "  /timeout SECONDS\n"
	       "  /bootems [ID] ON|OFF\n"
	       "  /ems [ID] ON|OFF\n"
	       "  /debug [ID] ON|OFF\n"
	       "  /bootdebug [ID] ON|OFF\n"
	       "\n"
	       "Options:\n"
	       "  /store, --store FILE      the store to work on (required except for /createstore)\n"
	       "  --map X:=TARGET           drive letter X: is TARGET: a block device, a mount point,\n"
	       "                            IMAGE:N, mbr:SIGNATURE:OFFSET or gpt:{DISK}:{PARTITION}\n"
	       "  --current ID              the object {current} stands for (default: {default})\n"
	       "  --json                    /enum as JSON\n"
	       "  /v                        show identifiers as full GUIDs\n"
	       "  -h, --help                show this help and exit\n"
	       "  -V, --version             show the version and exit\n"
	       "\n"
	       "Without a command, /enum ACTIVE is run.  See bcdedit(1).\n", tool_name);
	exit(EXIT_OK);
}

enum cmd {
	C_NONE, C_CREATESTORE, C_EXPORT, C_IMPORT, C_ENUM, C_COPY, C_CREATE, C_DELETE, C_SET,
	C_DELETEVALUE, C_DEFAULT, C_DISPLAYORDER, C_BOOTSEQUENCE, C_TOOLSDISPLAYORDER,
	C_TIMEOUT, C_BOOTEMS, C_EMS, C_DEBUG, C_BOOTDEBUG,
};

static const struct {
	const char *name;
	enum cmd cmd;
} commands[] = {
	{ "createstore", C_CREATESTORE }, { "export", C_EXPORT }, { "import", C_IMPORT },
	{ "enum", C_ENUM }, { "copy", C_COPY }, { "create", C_CREATE }, { "delete", C_DELETE },
	{ "set", C_SET }, { "deletevalue", C_DELETEVALUE }, { "default", C_DEFAULT },
	{ "displayorder", C_DISPLAYORDER }, { "bootsequence", C_BOOTSEQUENCE },
	{ "toolsdisplayorder", C_TOOLSDISPLAYORDER }, { "timeout", C_TIMEOUT },
	{ "bootems", C_BOOTEMS }, { "ems", C_EMS }, { "debug", C_DEBUG },
	{ "bootdebug", C_BOOTDEBUG },
};

/* Everything the command line says, gathered before anything is done. */
struct args {
	enum cmd cmd;
	const char *cmdname;
	const char *store;
	const char *current;
	const char *maps[26];
	size_t nmaps;
	bool json, verbose;
	const char *words[MAX_IDS];     /* positional words of the command */
	size_t nwords;
	const char *desc;               /* /d */
	const char *app;                /* /application */
	bool inherit, device, force, clean, nocleanup, cleanup;
	const char *inherit_type;
	int listmode;                   /* BCD_LIST_* */
};

/* The option name of a word ("/Store" -> "store"), or NULL for a plain word. */
static const char *
optname(const char *w)
{
	if (w[0] == '-' && w[1] == '-' && w[2])
		return w + 2;
	if ((w[0] == '/' || w[0] == '-') && w[1])
		return w + 1;
	return NULL;
}

static bool
is_opt(const char *w, const char *name)
{
	const char *o = optname(w);

	return o && strcasecmp(o, name) == 0;
}

static enum cmd
find_command(const char *w)
{
	const char *o = optname(w);
	size_t i;

	if (!o)
		return C_NONE;
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcasecmp(commands[i].name, o) == 0)
			return commands[i].cmd;
	return C_NONE;
}

static const char *
need_arg(int argc, char **argv, int *i, const char *opt)
{
	if (*i + 1 >= argc)
		tool_usage_error("option '%s' requires an argument", opt);
	return argv[++*i];
}

/* Options that may appear anywhere; true when w was one (args consumed). */
static bool
global_option(struct args *a, int argc, char **argv, int *i)
{
	const char *w = argv[*i];

	if (strcmp(w, "-h") == 0 || is_opt(w, "help") || strcmp(w, "/?") == 0)
		usage();
	if (strcmp(w, "-V") == 0 || is_opt(w, "version"))
		tool_version();
	if (is_opt(w, "store")) {
		a->store = need_arg(argc, argv, i, w);
	} else if (is_opt(w, "map")) {
		if (a->nmaps >= 26)
			tool_usage_error("too many --map options");
		a->maps[a->nmaps++] = need_arg(argc, argv, i, w);
	} else if (strncasecmp(w, "--map=", 6) == 0) {
		if (a->nmaps >= 26)
			tool_usage_error("too many --map options");
		a->maps[a->nmaps++] = w + 6;
	} else if (is_opt(w, "current")) {
		a->current = need_arg(argc, argv, i, w);
	} else if (is_opt(w, "json")) {
		a->json = true;
	} else if (is_opt(w, "v")) {
		a->verbose = true;
	} else {
		return false;
	}
	return true;
}

/* Options of the commands themselves. */
static bool
command_option(struct args *a, int argc, char **argv, int *i)
{
	const char *w = argv[*i];

	if (is_opt(w, "d")) {
		a->desc = need_arg(argc, argv, i, w);
	} else if (is_opt(w, "application")) {
		a->app = need_arg(argc, argv, i, w);
	} else if (is_opt(w, "inherit")) {
		a->inherit = true;
		if (*i + 1 < argc && !optname(argv[*i + 1]))
			a->inherit_type = argv[++*i];
	} else if (is_opt(w, "device")) {
		a->device = true;
	} else if (is_opt(w, "f")) {
		a->force = true;
	} else if (is_opt(w, "clean")) {
		a->clean = true;
	} else if (is_opt(w, "cleanup")) {
		a->cleanup = true;
	} else if (is_opt(w, "nocleanup")) {
		a->nocleanup = true;
	} else if (is_opt(w, "addfirst")) {
		a->listmode = BCD_LIST_ADDFIRST;
	} else if (is_opt(w, "addlast")) {
		a->listmode = BCD_LIST_ADDLAST;
	} else if (is_opt(w, "remove")) {
		a->listmode = BCD_LIST_REMOVE;
	} else {
		return false;
	}
	return true;
}

/* Number of words a command takes literally right after its name. */
static size_t
literal_words(enum cmd c)
{
	switch (c) {
	case C_CREATESTORE:
	case C_EXPORT:
	case C_IMPORT:
	case C_COPY:
	case C_DELETE:
	case C_DEFAULT:
	case C_TIMEOUT:
		return 1;
	default:
		return 0;
	}
}

static void
parse_args(struct args *a, int argc, char **argv)
{
	size_t lit;
	int i;

	memset(a, 0, sizeof(*a));
	a->listmode = BCD_LIST_SET;
	for (i = 1; i < argc; i++) {
		const char *w = argv[i];
		enum cmd c;

		if (global_option(a, argc, argv, &i))
			continue;
		c = find_command(w);
		if (c != C_NONE && a->cmd == C_NONE) {
			a->cmd = c;
			a->cmdname = w;
			lit = literal_words(c);
			if (c == C_SET || c == C_DELETEVALUE)
				lit = (i + 1 < argc && argv[i + 1][0] == '{') ? 1 : 0;
			for (; lit > 0 && i + 1 < argc; lit--)
				a->words[a->nwords++] = argv[++i];
			if (c == C_SET) {
				/* NAME and VALUE are taken as they are: a value may look
				 * like an option ("/dev/..."), a name never does. */
				if (i + 1 < argc)
					a->words[a->nwords++] = argv[++i];
				if (i + 1 < argc)
					a->words[a->nwords++] = argv[++i];
			}
			continue;
		}
		if (a->cmd != C_NONE && command_option(a, argc, argv, &i))
			continue;
		if (optname(w) && w[0] != '{')
			tool_usage_error("unknown option '%s'", w);
		if (a->cmd == C_NONE)
			tool_usage_error("unexpected argument '%s'", w);
		if (a->nwords >= MAX_IDS)
			tool_usage_error("too many arguments");
		a->words[a->nwords++] = w;
	}
	if (a->cmd == C_NONE)
		a->cmd = C_ENUM;
}

/* ---- running the commands ------------------------------------------------------ */

static bcd_store_t *store;
static bcd_devmap_t *map;
static const char *store_path;

static int
fail(int rc)
{
	/* Deep allocation failures return the bare code: the store's detail
	 * may then be an older one (a tolerated "not set"). */
	if (store && rc == -BK_ENOMEM)
		tool_err("%s: %s", store_path, bcd_strerror(rc));
	else
		tool_err("%s", store ? bcd_last_error(store) : bcd_strerror(rc));
	return EXIT_FAIL;
}

static int
resolve(const char *text, bcd_guid_t *out)
{
	if (!bcd_store_has_current(store) && strcasecmp(text, "{current}") == 0)
		fprintf(stderr, "%s: note: offline, {current} is taken to be {default} "
			"(use --current ID)\n", tool_name);
	return bcd_store_resolve(store, text, out);
}

/* Resolve and require an existing object. */
static int
existing(const char *text, bcd_guid_t *out)
{
	uint32_t type;
	int rc = resolve(text, out);

	return rc < 0 ? rc : bcd_object_type(store, out, &type);
}

static int
commit_ok(void)
{
	int rc = bcd_store_commit(store);

	if (rc < 0)
		return fail(rc);
	printf("The operation completed successfully.\n");
	return EXIT_OK;
}

static int
do_enum(struct args *a)
{
	static const struct {
		const char *name;
		int filter;
	} filters[] = {
		{ "active", BCD_ENUM_ACTIVE }, { "firmware", BCD_ENUM_FIRMWARE },
		{ "bootapp", BCD_ENUM_BOOTAPP }, { "bootmgr", BCD_ENUM_BOOTMGR },
		{ "osloader", BCD_ENUM_OSLOADER }, { "resume", BCD_ENUM_RESUME },
		{ "inherit", BCD_ENUM_INHERIT }, { "all", BCD_ENUM_ALL },
	};
	int filter = BCD_ENUM_ACTIVE, rc;
	bcd_guid_t id;
	char *text = NULL;
	size_t i;

	if (a->nwords > 1)
		tool_usage_error("/enum takes one type or identifier");
	if (a->nwords == 1) {
		filter = -1;
		for (i = 0; i < sizeof(filters) / sizeof(filters[0]); i++)
			if (strcasecmp(filters[i].name, a->words[0]) == 0)
				filter = filters[i].filter;
		if (filter < 0) {
			rc = existing(a->words[0], &id);
			if (rc < 0)
				return fail(rc);
			filter = BCD_ENUM_ID;
		}
	}
	rc = bcd_store_enum(store, filter, &id, map,
			    (a->verbose ? BCD_ENUM_V : 0) | (a->json ? BCD_ENUM_JSON : 0), &text);
	if (rc < 0)
		return fail(rc);
	fputs(text, stdout);
	free(text);
	return EXIT_OK;
}

/* Append id to {bootmgr}'s display order when src is listed there. */
static int
follow_display_order(const bcd_guid_t *src, const bcd_guid_t *id)
{
	struct bcd_value v;
	bcd_guid_t bootmgr;
	size_t i;
	int found = 0;

	(void)bcd_alias_lookup("{bootmgr}", &bootmgr);
	if (bcd_element_get(store, &bootmgr, BCD_EL_DISPLAYORDER, &v) < 0)
		return 0;
	for (i = 0; i < v.n_guids; i++)
		if (bcd_guid_cmp(&v.guids[i], src) == 0)
			found = 1;
	bcd_value_free(&v);
	return found ? bcd_list_edit(store, &bootmgr, BCD_EL_DISPLAYORDER, id, 1,
				     BCD_LIST_ADDLAST) : 0;
}

static int
do_copy(struct args *a)
{
	bcd_guid_t src, id;
	char g[BCD_GUID_STRLEN];
	int rc;

	if (a->nwords != 1 || !a->desc)
		tool_usage_error("usage: /copy ID /d DESCRIPTION");
	rc = existing(a->words[0], &src);
	if (rc == 0)
		rc = bcd_object_copy(store, &src, &id);
	if (rc == 0)
		rc = bcd_set_text(store, &id, "description", a->desc, map);
	if (rc == 0)
		rc = follow_display_order(&src, &id);
	if (rc == 0)
		rc = bcd_store_commit(store);
	if (rc < 0)
		return fail(rc);
	printf("The entry was successfully copied to %s.\n", bcd_guid_format(&id, g));
	return EXIT_OK;
}

static int
create_type(struct args *a, const bcd_guid_t *id, uint32_t *type)
{
	int n = !!a->app + !!a->inherit + !!a->device;

	if (n > 1)
		tool_usage_error("/create takes one of /application, /inherit, /device");
	if (a->app) {
		if (bcd_application_type(a->app, 0, type) < 0)
			tool_usage_error("unknown application type '%s'", a->app);
		if (!a->desc)
			tool_usage_error("/create /application needs /d DESCRIPTION");
	} else if (a->inherit) {
		*type = BCD_OBJ_INHERIT;
		if (a->inherit_type && bcd_application_type(a->inherit_type, 1, type) < 0)
			tool_usage_error("unknown inherit type '%s'", a->inherit_type);
	} else if (a->device) {
		*type = BCD_OBJ_DEVICE;
	} else if (!id || bcd_wellknown_type(id, type) < 0) {
		tool_usage_error("/create needs /application, /inherit or /device "
				 "(or a well-known identifier)");
	}
	return 0;
}

static int
do_create(struct args *a)
{
	bcd_guid_t want, id;
	char g[BCD_GUID_STRLEN];
	uint32_t type = 0;
	int rc = 0;

	if (a->nwords > 1)
		tool_usage_error("/create takes at most one identifier");
	if (a->nwords == 1) {
		rc = resolve(a->words[0], &want);
		if (rc < 0)
			return fail(rc);
	}
	create_type(a, a->nwords ? &want : NULL, &type);
	rc = bcd_object_create(store, a->nwords ? &want : NULL, type, &id);
	if (rc == 0 && a->desc)
		rc = bcd_set_text(store, &id, "description", a->desc, map);
	if (rc == 0)
		rc = bcd_store_commit(store);
	if (rc < 0)
		return fail(rc);
	printf("The entry %s was successfully created.\n", bcd_guid_format(&id, g));
	return EXIT_OK;
}

static int
do_delete(struct args *a)
{
	bcd_guid_t id;
	int rc;

	if (a->nwords != 1)
		tool_usage_error("usage: /delete ID [/f] [/cleanup|/nocleanup]");
	if (a->cleanup && a->nocleanup)
		tool_usage_error("/cleanup and /nocleanup exclude each other");
	rc = existing(a->words[0], &id);
	if (rc < 0)
		return fail(rc);
	if (bcd_alias_name(&id) && !a->force) {
		tool_err("%s is a well-known identifier; use /f to delete it", a->words[0]);
		return EXIT_FAIL;
	}
	rc = bcd_object_delete(store, &id);
	if (rc == 0 && !a->nocleanup)
		rc = bcd_remove_references(store, &id);
	return rc < 0 ? fail(rc) : commit_ok();
}

/* [ID] NAME [VALUE...]: the id defaults to dflt. */
static int
split_id(struct args *a, const char *dflt, bcd_guid_t *id, size_t *first)
{
	*first = 0;
	if (a->nwords > 0 && a->words[0][0] == '{') {
		*first = 1;
		return existing(a->words[0], id);
	}
	return existing(dflt, id);
}

static int
do_set(struct args *a)
{
	char value[4096] = "";
	bcd_guid_t id;
	size_t first, i;
	int rc;

	rc = split_id(a, "{current}", &id, &first);
	if (a->nwords < first + 2)
		tool_usage_error("usage: /set [ID] NAME VALUE");
	if (rc < 0)
		return fail(rc);
	for (i = first + 1; i < a->nwords; i++) {
		if (strlen(value) + strlen(a->words[i]) + 2 > sizeof(value))
			tool_usage_error("value too long");
		if (i > first + 1)
			strcat(value, " ");
		strcat(value, a->words[i]);
	}
	rc = bcd_set_text(store, &id, a->words[first], value, map);
	return rc < 0 ? fail(rc) : commit_ok();
}

static int
do_deletevalue(struct args *a)
{
	bcd_guid_t id;
	size_t first;
	int rc;

	rc = split_id(a, "{current}", &id, &first);
	if (a->nwords != first + 1)
		tool_usage_error("usage: /deletevalue [ID] NAME");
	if (rc < 0)
		return fail(rc);
	rc = bcd_delete_text(store, &id, a->words[first]);
	return rc < 0 ? fail(rc) : commit_ok();
}

static int
do_list(struct args *a, const char *owner_alias, uint32_t el, bool single)
{
	bcd_guid_t owner, ids[MAX_IDS];
	size_t i;
	int rc;

	if (a->nwords == 0 || (single && a->nwords != 1))
		tool_usage_error("%s needs %s", a->cmdname, single ? "one identifier" : "identifiers");
	rc = existing(owner_alias, &owner);
	for (i = 0; i < a->nwords && rc == 0; i++)
		rc = existing(a->words[i], &ids[i]);
	if (rc < 0)
		return fail(rc);
	if (single) {
		struct bcd_value v = { .format = BCD_FMT_OBJECT, .guids = ids, .n_guids = 1 };

		rc = bcd_element_set(store, &owner, el, &v);
	} else {
		rc = bcd_list_edit(store, &owner, el, ids, a->nwords, a->listmode);
	}
	return rc < 0 ? fail(rc) : commit_ok();
}

static int
do_onoff(struct args *a, const char *dflt, const char *name)
{
	bcd_guid_t id;
	size_t first;
	int rc;

	rc = split_id(a, dflt, &id, &first);
	if (a->nwords != first + 1 || (strcasecmp(a->words[first], "on") != 0 &&
				       strcasecmp(a->words[first], "off") != 0))
		tool_usage_error("usage: %s [ID] ON|OFF", a->cmdname);
	if (rc < 0)
		return fail(rc);
	rc = bcd_set_text(store, &id, name, a->words[first], map);
	return rc < 0 ? fail(rc) : commit_ok();
}

static int
do_timeout(struct args *a)
{
	bcd_guid_t id;
	uint64_t n;
	int rc;

	if (a->nwords != 1 || !tool_parse_u64(a->words[0], &n) || n > 0xFFFFFFFFu)
		tool_usage_error("usage: /timeout SECONDS");
	rc = existing("{bootmgr}", &id);
	if (rc == 0)
		rc = bcd_set_text(store, &id, "timeout", a->words[0], map);
	return rc < 0 ? fail(rc) : commit_ok();
}

static int
run(struct args *a)
{
	switch (a->cmd) {
	case C_ENUM:
		return do_enum(a);
	case C_COPY:
		return do_copy(a);
	case C_CREATE:
		return do_create(a);
	case C_DELETE:
		return do_delete(a);
	case C_SET:
		return do_set(a);
	case C_DELETEVALUE:
		return do_deletevalue(a);
	case C_DEFAULT:
		return do_list(a, "{bootmgr}", BCD_EL_DEFAULT, true);
	case C_DISPLAYORDER:
		return do_list(a, "{bootmgr}", BCD_EL_DISPLAYORDER, false);
	case C_BOOTSEQUENCE:
		return do_list(a, "{bootmgr}", BCD_EL_BOOTSEQUENCE, false);
	case C_TOOLSDISPLAYORDER:
		return do_list(a, "{bootmgr}", BCD_EL_TOOLSDISPLAYORDER, false);
	case C_TIMEOUT:
		return do_timeout(a);
	case C_BOOTEMS:
		return do_onoff(a, "{bootmgr}", "bootems");
	case C_EMS:
		return do_onoff(a, "{current}", "ems");
	case C_DEBUG:
		return do_onoff(a, "{current}", "debug");
	case C_BOOTDEBUG:
		return do_onoff(a, "{current}", "bootdebug");
	default:
		return EXIT_FAIL;
	}
}

/* Commands that work on files, not on an open store. */
static int
file_command(struct args *a)
{
	char eb[512] = "";
	int rc;

	if (a->nwords != 1)
		tool_usage_error("%s needs a file name", a->cmdname);
	if (a->cmd == C_CREATESTORE) {
		rc = bcd_store_create(a->words[0], eb, sizeof(eb));
	} else {
		/* /import: offline there is no firmware, so /clean has no
		 * boot entries to remove. */
		rc = bcd_store_import(store_path, a->words[0], eb, sizeof(eb));
	}
	if (rc < 0) {
		tool_err("%s", eb[0] ? eb : bcd_strerror(rc));
		return EXIT_FAIL;
	}
	printf("The operation completed successfully.\n");
	return EXIT_OK;
}

static bool
writes(enum cmd c)
{
	return c != C_ENUM && c != C_EXPORT;
}

int
main(int argc, char **argv)
{
	struct args a;
	char eb[512] = "";
	bcd_guid_t cur;
	size_t i;
	int rc;

	tool_init(argc, argv);
	if (tool_lock_wait_ms >= 0)         /* BCDKIT_WAIT (doc/safety.md) */
		bcd_set_lock_wait((unsigned)tool_lock_wait_ms);
	parse_args(&a, argc, argv);
	store_path = a.store;
	if (a.cmd == C_CREATESTORE)
		return file_command(&a);
	if (!a.store)
		tool_usage_error("no store given (use --store FILE: there is no system store offline)");
	if (a.cmd == C_IMPORT)
		return file_command(&a);
	if (bcd_devmap_new(&map) < 0) {
		tool_err("out of memory");
		return EXIT_FAIL;
	}
	for (i = 0; i < a.nmaps; i++)
		if (bcd_devmap_add(map, a.maps[i]) < 0) {
			tool_err("--map %s: %s", a.maps[i], bcd_devmap_last_error(map));
			bcd_devmap_free(map);
			return EXIT_USAGE;
		}
	rc = bcd_store_open(&store, a.store, writes(a.cmd) ? BCD_OPEN_WRITE : 0, eb, sizeof(eb));
	if (rc < 0) {
		tool_err("%s", eb[0] ? eb : bcd_strerror(rc));
		bcd_devmap_free(map);
		return EXIT_FAIL;
	}
	rc = EXIT_OK;
	if (a.current) {
		if (bcd_store_resolve(store, a.current, &cur) < 0 ||
		    bcd_object_type(store, &cur, &(uint32_t){ 0 }) < 0)
			rc = fail(-1);
		else
			bcd_store_set_current(store, &cur);
	}
	if (rc == EXIT_OK && a.cmd == C_EXPORT) {
		if (a.nwords != 1)
			tool_usage_error("/export needs a file name");
		/* An existing file is replaced only with /f (doc/safety.md). */
		if (!tool_output_ok(a.words[0], a.force, (const char *[]){ a.store, NULL }))
			rc = EXIT_FAIL;
		else
			rc = bcd_store_export(store, a.words[0]) < 0 ? fail(-1) : EXIT_OK;
		if (rc == EXIT_OK)
			printf("The operation completed successfully.\n");
	} else if (rc == EXIT_OK) {
		rc = run(&a);
	}
	bcd_store_close(store);
	bcd_devmap_free(map);
	return rc;
}
