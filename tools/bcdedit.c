/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bcdedit: edit Windows BCD stores offline with bcdedit's command line.
 *
 * The commands are the rows of commands[] at the end of this file: each row
 * names its handler, how its words are parsed and what it needs (see
 * tools/common/bcdedit-cli.h).  main() parses, opens the store as the row
 * asks and calls the handler.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "bcdkit/bcd.h"
#include "bcdedit-cli.h"
#include "bcdedit-enum.h"
#include "bcdedit-msg.h"
#include "image-file.h"
#include "tool-util.h"

#define MAX_IDS BCDEDIT_MAX_WORDS

/* ---- running the commands ------------------------------------------------------ */

static bcd_store_t *store;
static bcd_devmap_t *map;
static const struct bcdedit_args *cmdline; /* the command line being run */
static int pending = -1;                /* the message of a failure, when not the command's */

/* Report a failure with the message of the command (or pending) and the store's detail. */
static int
fail(int rc)
{
	int msg = pending >= 0 ? pending : cmdline->cmd->msg;

	/* Deep allocation failures return the bare code: the store's detail
	 * may then be an older one (a tolerated "not set"). */
	if (store && rc == -BK_ENOMEM)
		return bcdedit_fail(msg, rc, "%s: %s", cmdline->store, bcd_strerror(rc));
	return bcdedit_fail(msg, rc, "%s", store ? bcd_last_error(store) : bcd_strerror(rc));
}

static int
resolve(const char *text, bcd_guid_t *out)
{
	int rc;

	if (!bcd_store_has_current(store) && strcasecmp(text, "{current}") == 0)
		fprintf(stderr, "%s: note: offline, {current} is taken to be {default} "
			"(use --current ID)\n", tool_name);
	rc = bcd_store_resolve(store, text, out);
	/* A virtual alias with nothing behind it is a missing entry; any
	 * other text that does not resolve is not an identifier. */
	if (rc < 0)
		pending = strcasecmp(text, "{default}") == 0 || strcasecmp(text, "{current}") == 0
			  ? MSG_REFERENCE : MSG_BAD_ID;
	return rc;
}

/* Resolve and require an existing object. */
static int
existing(const char *text, bcd_guid_t *out)
{
	uint32_t type;
	int rc = resolve(text, out);

	if (rc == 0 && (rc = bcd_object_type(store, out, &type)) < 0)
		pending = MSG_REFERENCE;
	return rc;
}

/* bcd_set_text(), its failure classified with bcdedit's messages. */
static int
set_value(const bcd_guid_t *id, const char *name, const char *value)
{
	int rc = bcd_set_text(store, id, name, value, map);
	uint32_t type = 0, el = 0, f;

	if (rc >= 0 || bcd_object_type(store, id, &type) < 0)
		return rc;
	if (bcd_element_lookup(type, name, &el) < 0) {
		pending = MSG_ELEMENT;
		return rc;
	}
	f = BCD_ELEM_FORMAT(el);
	if (f == BCD_FMT_INTEGER && (rc == -BK_ESYNTAX || rc == -BK_EINVAL))
		pending = MSG_INTEGER;
	else if ((f == BCD_FMT_OBJECT || f == BCD_FMT_OBJLIST) && rc == -BK_ESYNTAX)
		pending = MSG_BAD_ID;
	else if ((f == BCD_FMT_OBJECT || f == BCD_FMT_OBJLIST) && rc == -BK_ENOTFOUND)
		pending = MSG_REFERENCE;
	else
		pending = MSG_SET;
	return rc;
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
do_enum(struct bcdedit_args *a)
{
	static const struct {
		const char *name;
		int filter;
	} filters[] = {
		{ "active", ENUM_ACTIVE }, { "firmware", ENUM_FIRMWARE },
		{ "bootapp", ENUM_BOOTAPP }, { "bootmgr", ENUM_BOOTMGR },
		{ "osloader", ENUM_OSLOADER }, { "resume", ENUM_RESUME },
		{ "inherit", ENUM_INHERIT }, { "all", ENUM_ALL },
	};
	int filter = ENUM_ACTIVE, rc;
	bcd_guid_t id;
	char *text = NULL;
	size_t i;

	if (a->nwords > 1)
		bcdedit_usage_error("/enum takes one type or identifier");
	if (a->nwords == 1) {
		filter = -1;
		for (i = 0; i < sizeof(filters) / sizeof(filters[0]); i++)
			if (strcasecmp(filters[i].name, a->words[0]) == 0)
				filter = filters[i].filter;
		if (filter < 0) {
			rc = existing(a->words[0], &id);
			if (rc < 0)
				return fail(rc);
			filter = ENUM_ID;
		}
	}
	rc = bcdedit_enum(store, a->store, filter, &id, map,
			    (a->verbose ? ENUM_V : 0) | (a->json ? ENUM_JSON : 0), &text);
	if (rc < 0)
		return fail(rc);
	/* Nothing selected: the text is bcdedit's leading empty line alone. */
	if (!a->json && strcmp(text, "\n") == 0)
		printf("There are no matching objects or the store is empty.\n");
	else
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
do_copy(struct bcdedit_args *a)
{
	bcd_guid_t src, id;
	char g[BCD_GUID_STRLEN];
	int rc;

	if (a->nwords != 1 || !a->desc)
		bcdedit_usage_error("usage: /copy ID /d DESCRIPTION");
	rc = existing(a->words[0], &src);
	if (rc == 0)
		rc = bcd_object_copy(store, &src, &id);
	if (rc == 0)
		rc = set_value(&id, "description", a->desc);
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
create_type(struct bcdedit_args *a, const bcd_guid_t *id, uint32_t *type)
{
	int n = !!a->app + !!a->inherit + !!a->device;

	if (n > 1)
		bcdedit_usage_error("/create takes one of /application, /inherit, /device");
	if (a->app) {
		if (bcd_application_type(a->app, 0, type) < 0)
			bcdedit_usage_error("unknown application type '%s'", a->app);
		if (!a->desc)
			bcdedit_usage_error("/create /application needs /d DESCRIPTION");
	} else if (a->inherit) {
		*type = BCD_OBJ_INHERIT;
		if (a->inherit_type && bcd_application_type(a->inherit_type, 1, type) < 0)
			bcdedit_usage_error("unknown inherit type '%s'", a->inherit_type);
	} else if (a->device) {
		*type = BCD_OBJ_DEVICE;
	} else if (!id || bcd_wellknown_type(id, type) < 0) {
		bcdedit_usage_error("/create needs /application, /inherit or /device "
				 "(or a well-known identifier)");
	}
	return 0;
}

static int
do_create(struct bcdedit_args *a)
{
	bcd_guid_t want, id;
	char g[BCD_GUID_STRLEN];
	uint32_t type = 0;
	int rc = 0;

	if (a->nwords > 1)
		bcdedit_usage_error("/create takes at most one identifier");
	if (a->nwords == 1) {
		rc = resolve(a->words[0], &want);
		if (rc < 0)
			return fail(rc);
	}
	create_type(a, a->nwords ? &want : NULL, &type);
	rc = bcd_object_create(store, a->nwords ? &want : NULL, type, &id);
	if (rc == 0 && a->desc)
		rc = set_value(&id, "description", a->desc);
	if (rc == 0)
		rc = bcd_store_commit(store);
	if (rc < 0)
		return fail(rc);
	/* A well-known object is named by its alias, as bcdedit does. */
	printf("The entry %s was successfully created.\n",
	       bcd_alias_name(&id) && !a->verbose ? bcd_alias_name(&id) : bcd_guid_format(&id, g));
	return EXIT_OK;
}

static int
do_delete(struct bcdedit_args *a)
{
	bcd_guid_t id, resume;
	bool with_resume;
	int rc;

	if (a->nwords != 1)
		bcdedit_usage_error("usage: /delete ID [/f] [/cleanup|/nocleanup]");
	if (a->cleanup && a->nocleanup)
		bcdedit_usage_error("/cleanup and /nocleanup exclude each other");
	rc = existing(a->words[0], &id);
	if (rc < 0)
		return fail(rc);
	if (bcd_alias_name(&id) && !a->force) {
		return bcdedit_fail(MSG_DELETE, 0, "%s is a well-known identifier; use /f to delete it",
				    a->words[0]);
	}
	/* With clean-up, a loader's resume object goes too unless another
	 * loader resumes from it. */
	with_resume = !a->nocleanup && bcd_resume_to_delete(store, &id, &resume) == 0;
	rc = bcd_object_delete(store, &id);
	if (rc == 0 && !a->nocleanup)
		rc = bcd_remove_references(store, &id);
	if (rc == 0 && with_resume)
		rc = bcd_object_delete(store, &resume);
	if (rc == 0 && with_resume)
		rc = bcd_remove_references(store, &resume);
	return rc < 0 ? fail(rc) : commit_ok();
}

/* [ID] NAME [VALUE...]: the id defaults to dflt. */
static int
split_id(struct bcdedit_args *a, const char *dflt, bcd_guid_t *id, size_t *first)
{
	*first = 0;
	if (a->nwords > 0 && a->words[0][0] == '{') {
		*first = 1;
		return existing(a->words[0], id);
	}
	return existing(dflt, id);
}

/* /set ID LIST ID... /addfirst|/addlast|/remove: edit the list as /displayorder does. */
static int
set_list_edit(struct bcdedit_args *a, const bcd_guid_t *id, size_t first)
{
	bcd_guid_t ids[MAX_IDS];
	uint32_t type = 0, el;
	size_t i, n = 0;
	int rc;

	rc = bcd_object_type(store, id, &type);
	if (rc < 0)
		return fail(rc);
	if (bcd_element_lookup(type, a->words[first], &el) < 0 ||
	    BCD_ELEM_FORMAT(el) != BCD_FMT_OBJLIST)
		bcdedit_usage_error("/addfirst, /addlast and /remove apply to object lists, not '%s'",
				 a->words[first]);
	for (i = first + 1; i < a->nwords && rc == 0; i++)
		rc = existing(a->words[i], &ids[n++]);
	if (rc == 0)
		rc = bcd_list_edit(store, id, el, ids, n, a->listmode);
	return rc < 0 ? fail(rc) : commit_ok();
}

static int
do_set(struct bcdedit_args *a)
{
	char value[4096] = "";
	bcd_guid_t id;
	size_t first, i;
	int rc;

	rc = split_id(a, "{current}", &id, &first);
	if (a->nwords < first + 2)
		bcdedit_usage_error("usage: /set [ID] NAME VALUE");
	if (rc < 0)
		return fail(rc);
	if (a->listmode_given)
		return set_list_edit(a, &id, first);
	for (i = first + 1; i < a->nwords; i++) {
		if (strlen(value) + strlen(a->words[i]) + 2 > sizeof(value))
			bcdedit_usage_error("value too long");
		if (i > first + 1)
			strcat(value, " ");
		strcat(value, a->words[i]);
	}
	rc = set_value(&id, a->words[first], value);
	return rc < 0 ? fail(rc) : commit_ok();
}

static int
do_deletevalue(struct bcdedit_args *a)
{
	uint32_t type = 0;
	bcd_guid_t id;
	size_t first;
	int rc;

	rc = split_id(a, "{current}", &id, &first);
	if (a->nwords != first + 1)
		bcdedit_usage_error("usage: /deletevalue [ID] NAME");
	if (rc < 0)
		return fail(rc);
	rc = bcd_delete_text(store, &id, a->words[first]);
	if (rc < 0 && bcd_object_type(store, &id, &type) == 0 &&
	    bcd_element_lookup(type, a->words[first], &(uint32_t){ 0 }) < 0)
		pending = MSG_ELEMENT;
	return rc < 0 ? fail(rc) : commit_ok();
}

/* /default, /displayorder and the other boot manager lists. */
static int
list_command(struct bcdedit_args *a, bool single)
{
	bcd_guid_t owner, ids[MAX_IDS];
	uint32_t el, type = 0;
	size_t i;
	int rc;

	if (a->nwords == 0 || (single && a->nwords != 1))
		bcdedit_usage_error("%s needs %s", a->cmdname, single ? "one identifier" : "identifiers");
	rc = existing(a->cmd->target, &owner);
	if (rc == 0)
		rc = bcd_object_type(store, &owner, &type);
	if (rc == 0)
		rc = bcd_element_lookup(type, a->cmd->element, &el);
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
do_default(struct bcdedit_args *a)
{
	return list_command(a, true);
}

static int
do_list(struct bcdedit_args *a)
{
	return list_command(a, false);
}

/* /bootems, /ems, /debug, /bootdebug: [ID] ON|OFF on the row's element. */
static int
do_onoff(struct bcdedit_args *a)
{
	bcd_guid_t id;
	size_t first;
	int rc;

	rc = split_id(a, a->cmd->target, &id, &first);
	if (a->nwords != first + 1 || (strcasecmp(a->words[first], "on") != 0 &&
				       strcasecmp(a->words[first], "off") != 0))
		bcdedit_usage_error("usage: %s [ID] ON|OFF", a->cmdname);
	if (rc < 0)
		return fail(rc);
	rc = set_value(&id, a->cmd->element, a->words[first]);
	return rc < 0 ? fail(rc) : commit_ok();
}

static int
do_timeout(struct bcdedit_args *a)
{
	bcd_guid_t id;
	uint64_t n;
	int rc;

	if (a->nwords != 1)
		bcdedit_usage_error("usage: /timeout SECONDS");
	if (!bk_parse_u64(a->words[0], &n) || n > 0xFFFFFFFFu)
		return bcdedit_fail(MSG_INTEGER, 0, "/timeout: \"%s\" is not a number of seconds",
				    a->words[0]);
	rc = existing("{bootmgr}", &id);
	if (rc == 0)
		rc = set_value(&id, "timeout", a->words[0]);
	return rc < 0 ? fail(rc) : commit_ok();
}

static int
do_createstore(struct bcdedit_args *a)
{
	char eb[512] = "";
	int rc;

	if (a->nwords != 1)
		bcdedit_usage_error("%s needs a file name", a->cmdname);
	rc = tool_store_create(a->words[0], eb, sizeof(eb));
	if (rc < 0)
		return bcdedit_fail(MSG_CREATESTORE, rc, "%s", eb[0] ? eb : bcd_strerror(rc));
	printf("The operation completed successfully.\n");
	return EXIT_OK;
}

static int
do_import(struct bcdedit_args *a)
{
	char eb[512] = "";
	int rc;

	if (a->nwords != 1)
		bcdedit_usage_error("%s needs a file name", a->cmdname);
	if (a->clean)
		fprintf(stderr, "%s: note: /import /clean: offline there are no firmware NVRAM "
			"boot entries to remove\n", tool_name);
	rc = tool_store_import(a->store, a->words[0], eb, sizeof(eb));
	if (rc < 0 && access(a->words[0], F_OK) != 0 && errno == ENOENT)
		rc = -BK_ENOTFOUND;
	if (rc < 0)
		return bcdedit_fail(MSG_IMPORT, rc, "%s", eb[0] ? eb : bcd_strerror(rc));
	printf("The operation completed successfully.\n");
	return EXIT_OK;
}

static int
do_export(struct bcdedit_args *a)
{
	int rc;

	if (a->nwords != 1)
		bcdedit_usage_error("/export needs a file name");
	/* An existing file is replaced only with /f (doc/safety.md). */
	if (!tool_output_ok(a->words[0], a->force, (const char *[]){ a->store, NULL }))
		return EXIT_FAIL;
	rc = bcd_store_export(store, a->words[0]);
	if (rc < 0)
		return fail(rc);
	printf("The operation completed successfully.\n");
	return EXIT_OK;
}

/* ---- settings objects: /dbgsettings, /hypervisorsettings, /emssettings ---------- */

/* Without arguments: the settings object's elements, as bcdedit shows them. */
static int
show_settings(struct bcdedit_args *a, const bcd_guid_t *id)
{
	char *text = NULL, *p;
	int rc, skip;

	rc = bcdedit_enum(store, a->store, ENUM_ID, id, map,
			    (a->verbose ? ENUM_V : 0) | (a->json ? ENUM_JSON : 0), &text);
	if (rc < 0)
		return fail(rc);
	/* The text starts with a blank line, the header, its underline and
	 * the identifier: only the settings are shown. */
	for (p = text, skip = a->json ? 0 : 4; skip > 0 && (p = strchr(p, '\n')); skip--)
		p++;
	fputs(p ? p : "", stdout);
	free(text);
	printf("The operation completed successfully.\n");
	return EXIT_OK;
}

static int
apply_setting(struct bcdedit_args *a, const bcd_guid_t *id, const char *w, bool *keyed)
{
	const struct bcdedit_setting *k = bcdedit_find_setting(a->cmd->settings, w);
	char key[64];
	int rc;

	if (!k)
		bcdedit_usage_error("%s: unknown setting '%s'", a->cmdname, w);
	if (k->value && !k->value[0]) {
		if ((rc = bcdedit_new_key(key, sizeof(key))) < 0)
			return rc;
		printf("Key=%s\n", key);
	}
	if (strstr(k->element, "key"))
		*keyed = true;
	return set_value(id, k->element, k->value ? (k->value[0] ? k->value : key)
						 : strchr(w, ':') + 1);
}

/* /dbgsettings, /eventsettings, /hypervisorsettings, /emssettings. */
static int
do_settings(struct bcdedit_args *a)
{
	bool net = false, keyed = false;
	bcd_guid_t id;
	size_t i = 0;
	int rc;

	rc = existing(a->cmd->target, &id);
	if (rc < 0)
		return fail(rc);
	if (a->nwords == 0 && !a->start && !a->noumex)
		return show_settings(a, &id);
	if (a->nwords > 0 && a->cmd->element && !strchr(a->words[0], ':') &&
	    !bcdedit_find_setting(a->cmd->settings, a->words[0])) {
		/* The first word is the connection type. */
		net = strcasecmp(a->words[0], "net") == 0;
		if ((a->cmd->flags & CMD_NET_ONLY) && !net)
			bcdedit_usage_error("/%s takes NET only, not '%s'", a->cmd->name, a->words[0]);
		rc = set_value(&id, a->cmd->element, a->words[i++]);
	}
	for (; i < a->nwords && rc == 0; i++)
		rc = apply_setting(a, &id, a->words[i], &keyed);
	if (rc == 0 && net && !keyed)
		rc = apply_setting(a, &id, "NEWKEY", &keyed);
	if (rc == 0 && a->start)
		rc = set_value(&id, "debugstart", a->start);
	if (rc == 0 && a->noumex)
		rc = set_value(&id, "noumex", "yes");
	return rc < 0 ? fail(rc) : commit_ok();
}

/* Commands that make no sense on a store file. */
static int
do_refused(struct bcdedit_args *a)
{
	return bcdedit_fail(MSG_OFFLINE, 0, "%s: %s", a->cmdname, a->cmd->summary);
}

static int do_help(struct bcdedit_args *a);

/* ---- the command table ------------------------------------------------------------ */

#define RW (CMD_STORE | CMD_WRITE)
#define LIST_SYNOPSIS "ID... [/addfirst|/addlast|/remove]"

static const struct bcdedit_cmd commands[] = {
	{ .name = "createstore", .run = do_createstore, .shape = SHAPE_ONE, .flags = CMD_NOSTORE,
	  .msg = MSG_CREATESTORE, .synopsis = "FILE", .summary = "create a new, empty store" },
	{ .name = "export", .run = do_export, .shape = SHAPE_ONE, .flags = CMD_STORE,
	  .msg = MSG_EXPORT, .synopsis = "FILE", .summary = "copy the store to FILE" },
	{ .name = "import", .run = do_import, .shape = SHAPE_ONE, .flags = CMD_PATH,
	  .msg = MSG_IMPORT, .synopsis = "FILE [/clean]",
	  .summary = "replace the store with the content of the store FILE" },
	{ .name = "sysstore", .run = do_refused, .shape = SHAPE_WORDS, .flags = CMD_NOSTORE,
	  .msg = MSG_OFFLINE, .synopsis = "DEVICE",
	  .summary = "there is no system store offline; name the store with --store FILE" },
	{ .name = "enum", .run = do_enum, .flags = CMD_STORE | CMD_DEFAULT, .msg = MSG_ENUM,
	  .synopsis = "[ACTIVE|FIRMWARE|BOOTAPP|BOOTMGR|OSLOADER|RESUME|INHERIT|ALL|ID] [/v]",
	  .summary = "list entries (the default command)" },
	{ .name = "copy", .run = do_copy, .shape = SHAPE_ONE, .flags = RW, .msg = MSG_COPY,
	  .synopsis = "ID /d DESCRIPTION", .summary = "copy an entry under a new identifier" },
	{ .name = "create", .run = do_create, .flags = RW, .msg = MSG_CREATE,
	  .synopsis = "[ID] /d DESCRIPTION /application osloader|resume|bootsector|startup|bootapp\n"
		      "  /create [ID] [/d DESCRIPTION] /inherit [APPTYPE]\n"
		      "  /create [ID] [/d DESCRIPTION] /device\n"
		      "  /create ID [/d DESCRIPTION]          (well-known objects)",
	  .summary = "create an entry" },
	{ .name = "delete", .run = do_delete, .shape = SHAPE_ONE, .flags = RW, .msg = MSG_DELETE,
	  .synopsis = "ID [/f] [/cleanup|/nocleanup]", .summary = "delete an entry" },
	{ .name = "mirror", .run = do_refused, .shape = SHAPE_WORDS, .flags = CMD_NOSTORE,
	  .msg = MSG_OFFLINE, .synopsis = "ID",
	  .summary = "what a mirrored entry holds is not documented; not supported" },
	{ .name = "set", .run = do_set, .shape = SHAPE_SET, .flags = RW, .msg = MSG_SET,
	  .target = "{current}", .synopsis = "[ID] NAME VALUE [/addfirst|/addlast|/remove]",
	  .summary = "set an element (see /? TYPES and /? FORMATS)" },
	{ .name = "deletevalue", .run = do_deletevalue, .shape = SHAPE_ID_NAME, .flags = RW,
	  .msg = MSG_DELETE_ELEMENT, .target = "{current}", .synopsis = "[ID] NAME",
	  .summary = "delete an element" },
	{ .name = "default", .run = do_default, .shape = SHAPE_ONE, .flags = RW, .msg = MSG_SET,
	  .target = "{bootmgr}", .element = "default", .synopsis = "ID",
	  .summary = "set the boot manager's default entry" },
	{ .name = "displayorder", .run = do_list, .flags = RW, .msg = MSG_SET,
	  .target = "{bootmgr}", .element = "displayorder", .synopsis = LIST_SYNOPSIS,
	  .summary = "set or edit the boot menu's order" },
	{ .name = "bootsequence", .run = do_list, .flags = RW, .msg = MSG_SET,
	  .target = "{bootmgr}", .element = "bootsequence", .synopsis = LIST_SYNOPSIS,
	  .summary = "set or edit the one-time boot sequence" },
	{ .name = "toolsdisplayorder", .run = do_list, .flags = RW, .msg = MSG_SET,
	  .target = "{bootmgr}", .element = "toolsdisplayorder", .synopsis = LIST_SYNOPSIS,
	  .summary = "set or edit the tools menu's order" },
	{ .name = "timeout", .run = do_timeout, .shape = SHAPE_ONE, .flags = RW, .msg = MSG_SET,
	  .target = "{bootmgr}", .element = "timeout", .synopsis = "SECONDS",
	  .summary = "set the boot menu's time-out" },
	{ .name = "bootems", .run = do_onoff, .flags = RW, .msg = MSG_SET, .target = "{bootmgr}",
	  .element = "bootems", .synopsis = "[ID] ON|OFF",
	  .summary = "Emergency Management Services for a boot application" },
	{ .name = "ems", .run = do_onoff, .flags = RW, .msg = MSG_SET, .target = "{current}",
	  .element = "ems", .synopsis = "[ID] ON|OFF",
	  .summary = "Emergency Management Services for an OS loader" },
	{ .name = "emssettings", .run = do_settings, .flags = RW, .msg = MSG_SET,
	  .target = "{emssettings}", .settings = bcdedit_ems_keys,
	  .synopsis = "[EMSPORT:PORT] [EMSBAUDRATE:BAUD]",
	  .summary = "show or set the global EMS settings" },
	{ .name = "debug", .run = do_onoff, .flags = RW, .msg = MSG_SET, .target = "{current}",
	  .element = "debug", .synopsis = "[ID] ON|OFF", .summary = "kernel debugging of an OS loader" },
	{ .name = "bootdebug", .run = do_onoff, .flags = RW, .msg = MSG_SET, .target = "{current}",
	  .element = "bootdebug", .synopsis = "[ID] ON|OFF",
	  .summary = "boot debugging of a boot application" },
	{ .name = "dbgsettings", .run = do_settings, .flags = RW, .msg = MSG_SET,
	  .target = "{dbgsettings}", .element = "debugtype", .settings = bcdedit_dbg_keys,
	  .synopsis = "[SERIAL|1394|USB|NET|LOCAL] [KEY:VALUE...] [NODHCP] [NEWKEY] "
		      "[/start POLICY] [/noumex]",
	  .summary = "show or set the global debugger settings" },
	{ .name = "hypervisorsettings", .run = do_settings, .flags = RW, .msg = MSG_SET,
	  .target = "{hypervisorsettings}", .element = "hypervisordebugtype", .settings = bcdedit_hv_keys,
	  .synopsis = "[SERIAL|1394|NET] [KEY:VALUE...] [NODHCP] [NEWKEY]",
	  .summary = "show or set the hypervisor debugger settings" },
	{ .name = "eventsettings", .run = do_settings, .flags = RW | CMD_NET_ONLY, .msg = MSG_SET,
	  .target = "{eventsettings}", .element = "debugtype", .settings = bcdedit_dbg_keys,
	  .synopsis = "[NET [HOSTIP:IP] [PORT:PORT] [KEY:KEY] [NODHCP] [NEWKEY] [BUSPARAMS:B.D.F]]",
	  .summary = "show or set the remote event logging settings" },
	{ .name = "event", .run = do_onoff, .flags = RW, .msg = MSG_SET, .target = "{current}",
	  .element = "event", .synopsis = "[ID] ON|OFF",
	  .summary = "remote event logging of an OS loader" },
	{ .name = "?", .run = do_help, .shape = SHAPE_REST, .flags = CMD_NOSTORE, .msg = MSG_PARAM,
	  .synopsis = "[COMMAND|TOPICS|ID|TYPES [APPTYPE]|FORMATS]", .summary = "show help" },
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static int
do_help(struct bcdedit_args *a)
{
	return bcdedit_help(commands, N_COMMANDS, a->nwords > 0 ? a->words[0] : NULL,
			    a->nwords > 1 ? a->words[1] : NULL);
}

static void
usage(void)
{
	exit(bcdedit_help(commands, N_COMMANDS, NULL, NULL));
}

/* The drive map of --map; on failure a message and EXIT_FAIL. */
static int
build_map(const struct bcdedit_args *a)
{
	size_t i;

	if (bcd_devmap_new(&map) < 0)
		return bcdedit_fail(MSG_PARAM, -BK_ENOMEM, "out of memory");
	for (i = 0; i < a->nmaps; i++)
		if (bcd_devmap_add(map, a->maps[i]) < 0)
			return bcdedit_fail(MSG_PARAM, 0, "--map %s: %s", a->maps[i],
					    bcd_devmap_last_error(map));
	return EXIT_OK;
}

static void
warn_cb(void *data, const char *msg)
{
	(void)data;
	tool_warn("%s", msg);
}

/*
 * Open the store the command works on, and set {current}.  All store
 * opening happens here (other ways to name a store plug in here).
 */
static int
open_store(const struct bcdedit_args *a)
{
	char eb[512] = "";
	bcd_guid_t id;
	int rc;

	rc = tool_store_open(&store, a->store, (a->cmd->flags & CMD_WRITE) ? BCD_OPEN_WRITE | a->commit : 0,
			    eb, sizeof(eb));
	if (rc < 0) {
		store = NULL;
		if (access(a->store, F_OK) != 0 && errno == ENOENT)
			rc = -BK_ENOTFOUND;
		return bcdedit_fail(MSG_STORE_OPEN, rc, "%s", eb[0] ? eb : bcd_strerror(rc));
	}
	bcd_set_msg_cb(store, warn_cb, NULL);
	if (a->current) {
		rc = existing(a->current, &id);
		if (rc < 0)
			return fail(rc);
		bcd_store_set_current(store, &id);
	}
	return EXIT_OK;
}

int
main(int argc, char **argv)
{
	struct bcdedit_args a;
	int i, rc;

	tool_init(argc, argv);
	if (tool_lock_wait_ms >= 0)         /* BCDKIT_WAIT (doc/safety.md) */
		bcd_set_lock_wait((unsigned)tool_lock_wait_ms);
	for (i = 1; i < argc; i++)
		if (strcasecmp(argv[i], "--json") == 0 || strcasecmp(argv[i], "/json") == 0)
			bcdedit_msg_json(true);
	bcdedit_parse_args(&a, argc, argv, commands, N_COMMANDS, usage);
	cmdline = &a;
	if (!a.store && !(a.cmd->flags & CMD_NOSTORE))
		bcdedit_usage_error("no store given (use --store FILE: there is no system store offline)");
	if (!(a.cmd->flags & CMD_STORE))
		return a.cmd->run(&a);
	rc = build_map(&a);
	if (rc == EXIT_OK)
		rc = open_store(&a);
	if (rc == EXIT_OK)
		rc = a.cmd->run(&a);
	if (store)
		bcd_store_close(store);
	bcd_devmap_free(map);
	return rc;
}
