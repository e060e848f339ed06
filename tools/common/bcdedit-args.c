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

#include <string.h>
#include <strings.h>

#include "bcdkit/bcd.h"
#include "bcdedit-cli.h"
#include "bcdedit-msg.h"
#include "tool-util.h"

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

static const struct bcdedit_cmd *
find_command(const char *w, const struct bcdedit_cmd *cmds, size_t n)
{
	const char *o = optname(w);
	size_t i;

	if (!o)
		return NULL;
	for (i = 0; i < n; i++)
		if (strcasecmp(cmds[i].name, o) == 0)
			return &cmds[i];
	return NULL;
}

static const char *
need_arg(int argc, char **argv, int *i, const char *opt)
{
	if (*i + 1 >= argc)
		bcdedit_usage_error("option '%s' requires an argument", opt);
	return argv[++*i];
}

static void
add_map(struct bcdedit_args *a, const char *spec)
{
	if (a->nmaps >= sizeof(a->maps) / sizeof(a->maps[0]))
		bcdedit_usage_error("too many --map options");
	a->maps[a->nmaps++] = spec;
}

/* Options that may appear anywhere; true when w was one (args consumed). */
static bool
global_option(struct bcdedit_args *a, int argc, char **argv, int *i, void (*help)(void))
{
	const char *w = argv[*i];

	if (strcmp(w, "-h") == 0 || is_opt(w, "help"))
		help();
	if (strcmp(w, "-V") == 0 || is_opt(w, "version"))
		tool_version();
	if (is_opt(w, "store"))
		a->store = need_arg(argc, argv, i, w);
	else if (is_opt(w, "map"))
		add_map(a, need_arg(argc, argv, i, w));
	else if (strncasecmp(w, "--map=", 6) == 0)
		add_map(a, w + 6);
	else if (is_opt(w, "current"))
		a->current = need_arg(argc, argv, i, w);
	else if (is_opt(w, "json"))
		a->json = true;
	else if (is_opt(w, "v"))
		a->verbose = true;
	else
		return false;
	return true;
}

static void
set_listmode(struct bcdedit_args *a, int mode)
{
	a->listmode = mode;
	a->listmode_given = true;
}

/* Options of the commands themselves. */
static bool
command_option(struct bcdedit_args *a, int argc, char **argv, int *i)
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
	} else if (is_opt(w, "start")) {
		a->start = need_arg(argc, argv, i, w);
	} else if (is_opt(w, "noumex")) {
		a->noumex = true;
	} else if (is_opt(w, "addfirst")) {
		set_listmode(a, BCD_LIST_ADDFIRST);
	} else if (is_opt(w, "addlast")) {
		set_listmode(a, BCD_LIST_ADDLAST);
	} else if (is_opt(w, "remove")) {
		set_listmode(a, BCD_LIST_REMOVE);
	} else {
		return false;
	}
	return true;
}

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
		   const struct bcdedit_cmd *cmds, size_t n, const char *dflt,
		   void (*help)(void))
{
	int i;

	memset(a, 0, sizeof(*a));
	a->listmode = BCD_LIST_SET;
	for (i = 1; i < argc; i++) {
		const char *w = argv[i];
		const struct bcdedit_cmd *c;

		if (global_option(a, argc, argv, &i, help))
			continue;
		c = find_command(w, cmds, n);
		if (c && !a->cmd) {
			a->cmd = c;
			a->cmdname = w;
			take_literal(a, argc, argv, &i);
			continue;
		}
		if (a->cmd && command_option(a, argc, argv, &i))
			continue;
		if (optname(w) && w[0] != '{')
			bcdedit_usage_error("unknown option '%s'", w);
		if (!a->cmd)
			bcdedit_usage_error("unexpected argument '%s'", w);
		add_word(a, w);
	}
	for (i = 0; !a->cmd && (size_t)i < n; i++)
		if (strcmp(cmds[i].name, dflt) == 0) {
			a->cmd = &cmds[i];
			a->cmdname = dflt;
		}
}
