/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bcdedit's command line, driven by the command table.
 *
 * Options start with "/", "-" or "--" and are case-insensitive, as on
 * Windows.  Since Linux paths also start with "/", arguments are taken by
 * position: a command consumes the words its row's shape says it expects
 * (a file name, an identifier, a value) literally, and only the remaining
 * words are matched against the option names.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "bcdkit/bcd.h"
#include "bcdedit-cli.h"
#include "bcdedit-msg.h"
#include "tool-opts.h"
#include "tool-util.h"

static const struct bcdedit_cmd *
find_command(const char *w, const struct bcdedit_cmd *cmds, size_t n)
{
	const char *o = tool_optname(w);
	size_t i;

	if (!o)
		return NULL;
	for (i = 0; i < n; i++)
		if (strcasecmp(cmds[i].name, o) == 0)
			return &cmds[i];
	return NULL;
}

static void
set_help(void *dst, const struct tool_opt *o, const char *arg)
{
	(void)o;
	(void)arg;
	((struct bcdedit_args *)dst)->help();
}

static void
add_map(void *dst, const struct tool_opt *o, const char *spec)
{
	struct bcdedit_args *a = dst;

	(void)o;
	if (a->nmaps >= sizeof(a->maps) / sizeof(a->maps[0]))
		bcdedit_usage_error("too many --map options");
	a->maps[a->nmaps++] = spec;
}

/* --commit auto|logged|rewrite: how the store's change is written
 * (BCD_OPEN_COMMIT_*; auto leaves the hive engine's rule). */
static void
set_commit(void *dst, const struct tool_opt *o, const char *w)
{
	struct bcdedit_args *a = dst;

	(void)o;
	if (strcasecmp(w, "logged") == 0)
		a->commit = BCD_OPEN_COMMIT_LOGGED;
	else if (strcasecmp(w, "rewrite") == 0)
		a->commit = BCD_OPEN_COMMIT_REWRITE;
	else if (strcasecmp(w, "auto") == 0)
		a->commit = 0;
	else
		bcdedit_usage_error("--commit must be auto, logged or rewrite");
}

#define FIELD(f) .off = offsetof(struct bcdedit_args, f)

/* Options that may appear anywhere, before the command too. */
static const struct tool_opt global_opts[] = {
	{ .name = "help", .word = "-h", .set = set_help },
	{ .name = "version", .word = "-V", .set = tool_opt_version },
	{ .name = "store", .arg = OPT_ONE, FIELD(store) },
	{ .name = "map", .arg = OPT_ONE, .flags = OPT_EQ, .set = add_map },
	{ .name = "current", .arg = OPT_ONE, FIELD(current) },
	{ .name = "commit", .arg = OPT_ONE, .set = set_commit },
	{ .name = "json", FIELD(json) },
	{ .name = "v", FIELD(verbose) },
};

/* /inherit [APPTYPE] */
static void
set_inherit(void *dst, const struct tool_opt *o, const char *type)
{
	struct bcdedit_args *a = dst;

	(void)o;
	a->inherit = true;
	if (type)
		a->inherit_type = type;
}

static void
set_listmode(void *dst, const struct tool_opt *o, const char *arg)
{
	struct bcdedit_args *a = dst;

	(void)arg;
	a->listmode = (int)o->val;
	a->listmode_given = true;
}

/* Options of the commands themselves, after the command's name. */
static const struct tool_opt command_opts[] = {
	{ .name = "d", .arg = OPT_ONE, FIELD(desc) },
	{ .name = "application", .arg = OPT_ONE, FIELD(app) },
	{ .name = "inherit", .arg = OPT_IF_WORD, .set = set_inherit },
	{ .name = "device", FIELD(device) },
	{ .name = "f", FIELD(force) },
	{ .name = "clean", FIELD(clean) },
	{ .name = "cleanup", FIELD(cleanup) },
	{ .name = "nocleanup", FIELD(nocleanup) },
	{ .name = "start", .arg = OPT_ONE, FIELD(start) },
	{ .name = "noumex", FIELD(noumex) },
	{ .name = "addfirst", .set = set_listmode, .val = BCD_LIST_ADDFIRST },
	{ .name = "addlast", .set = set_listmode, .val = BCD_LIST_ADDLAST },
	{ .name = "remove", .set = set_listmode, .val = BCD_LIST_REMOVE },
};
#define N(t) (sizeof(t) / sizeof((t)[0]))

static void
add_word(struct bcdedit_args *a, const char *w)
{
	if (a->nwords >= BCDEDIT_MAX_WORDS)
		bcdedit_usage_error("too many arguments");
	a->words[a->nwords++] = w;
}

/* Take the words the command's shape expects right after its name. */
static void
take_literal(struct bcdedit_args *a, int argc, char **argv, int *i)
{
	size_t lit = 0;

	switch (a->cmd->shape) {
	case SHAPE_ONE:
		lit = 1;
		break;
	case SHAPE_ID_NAME:
		lit = (*i + 1 < argc && argv[*i + 1][0] == '{') ? 1 : 0;
		break;
	case SHAPE_SET:
		/* NAME and VALUE are taken as they are: a value may look
		 * like an option ("/dev/..."), a name never does. */
		lit = (*i + 1 < argc && argv[*i + 1][0] == '{') ? 3 : 2;
		break;
	case SHAPE_REST:
		lit = (size_t)(argc - *i - 1);
		break;
	default:
		break;
	}
	for (; lit > 0 && *i + 1 < argc; lit--)
		add_word(a, argv[++*i]);
}

void
bcdedit_parse_args(struct bcdedit_args *a, int argc, char **argv,
		   const struct bcdedit_cmd *cmds, size_t n, void (*help)(void))
{
	int i;

	memset(a, 0, sizeof(*a));
	a->listmode = BCD_LIST_SET;
	a->help = help;
	for (i = 1; i < argc; i++) {
		const char *w = argv[i];
		const struct bcdedit_cmd *c;

		if (tool_opt_take(global_opts, N(global_opts), a, argc, argv, &i, bcdedit_usage_error))
			continue;
		c = find_command(w, cmds, n);
		if (c && !a->cmd) {
			a->cmd = c;
			a->cmdname = w;
			take_literal(a, argc, argv, &i);
			continue;
		}
		if (a->cmd && tool_opt_take(command_opts, N(command_opts), a, argc, argv, &i,
					    bcdedit_usage_error))
			continue;
		if (tool_optname(w) && w[0] != '{')
			bcdedit_usage_error("unknown option '%s'", w);
		if (!a->cmd)
			bcdedit_usage_error("unexpected argument '%s'", w);
		add_word(a, w);
	}
	/* No command: the row marked as the default. */
	for (i = 0; !a->cmd && (size_t)i < n; i++)
		if (cmds[i].flags & CMD_DEFAULT) {
			a->cmd = &cmds[i];
			a->cmdname = cmds[i].name;
		}
}
