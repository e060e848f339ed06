/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The walker of the tools' option tables (tool-opts.h): a word of the
 * command line is matched against the rows, its argument taken as the row
 * says, and the row's setter applied.  Windows-style tools call
 * tool_opt_take() word by word from their own loop, since what a plain word
 * means (a file, a command, a value) is theirs to decide; GNU-style ones
 * hand the whole command line to tool_opt_getopt().
 */
#include "config.h"

#include <getopt.h>
#include <string.h>
#include <strings.h>

#include "tool-opts.h"
#include "tool-util.h"

/* Room for the rows of the largest table, in getopt_long's form. */
#define MAX_ROWS 64

void
tool_opt_field(void *dst, const struct tool_opt *o, const char *arg)
{
	char *p = (char *)dst + o->off;

	if (o->arg == OPT_NONE)
		*(bool *)p = true;
	else
		*(const char **)p = arg;
}

void
tool_opt_bits(void *dst, const struct tool_opt *o, const char *arg)
{
	(void)arg;
	*(unsigned *)((char *)dst + o->off) |= (unsigned)o->val;
}

void
tool_opt_version(void *dst, const struct tool_opt *o, const char *arg)
{
	(void)dst;
	(void)o;
	(void)arg;
	tool_version();
}

static void
apply(const struct tool_opt *o, void *dst, const char *arg)
{
	(o->set ? o->set : tool_opt_field)(dst, o, arg);
}

const char *
tool_optname(const char *w)
{
	if (w[0] == '-' && w[1] == '-' && w[2])
		return w + 2;
	if ((w[0] == '/' || w[0] == '-') && w[1])
		return w + 1;
	return NULL;
}

bool
tool_is_opt(const char *w, const char *name)
{
	const char *o = tool_optname(w);

	return o && strcasecmp(o, name) == 0;
}

/* "--name=VALUE": the value, or NULL. */
static const char *
eq_value(const char *w, const char *name)
{
	size_t n = strlen(name);

	if (w[0] != '-' || w[1] != '-' || strncasecmp(w + 2, name, n) != 0 || w[2 + n] != '=')
		return NULL;
	return w + 3 + n;
}

/* The argument of row o named by argv[*i], taken as the row says. */
static const char *
take_arg(const struct tool_opt *o, int argc, char **argv, int *i, tool_usage_fn usage_error)
{
	const char *next = *i + 1 < argc ? argv[*i + 1] : NULL;

	switch (o->arg) {
	case OPT_ONE:
		if (!next)
			usage_error("option '%s' requires an argument", argv[*i]);
		break;
	case OPT_IF_ID:
		if (next && next[0] != '{')
			next = NULL;
		break;
	case OPT_IF_WORD:
		if (next && tool_optname(next))
			next = NULL;
		break;
	default:
		next = NULL;
		break;
	}
	if (next)
		++*i;
	return next;
}

const struct tool_opt *
tool_opt_take(const struct tool_opt *t, size_t n, void *dst, int argc, char **argv, int *i,
	      tool_usage_fn usage_error)
{
	const char *w = argv[*i], *v;
	size_t k;

	for (k = 0; k < n; k++) {
		if ((t[k].word && strcmp(w, t[k].word) == 0) ||
		    (t[k].name && tool_is_opt(w, t[k].name))) {
			apply(&t[k], dst, take_arg(&t[k], argc, argv, i, usage_error));
			return &t[k];
		}
		if ((t[k].flags & OPT_EQ) && t[k].name && (v = eq_value(w, t[k].name))) {
			apply(&t[k], dst, v);
			return &t[k];
		}
	}
	return NULL;
}

int
tool_opt_getopt(const struct tool_opt *t, size_t n, void *dst, int argc, char **argv,
		tool_usage_fn usage_error)
{
	struct option lo[MAX_ROWS + 1];
	char shorts[2 * MAX_ROWS + 1];
	size_t k, ns = 0, nl = 0;
	int c;

	if (n > MAX_ROWS)
		n = MAX_ROWS;
	memset(lo, 0, sizeof(lo));
	for (k = 0; k < n; k++) {
		if (t[k].name) {
			/* val past any character: the row's index. */
			lo[nl].name = t[k].name;
			lo[nl].has_arg = t[k].arg == OPT_ONE ? required_argument : no_argument;
			lo[nl++].val = 256 + (int)k;
		}
		if (t[k].short_name) {
			shorts[ns++] = (char)t[k].short_name;
			if (t[k].arg == OPT_ONE)
				shorts[ns++] = ':';
		}
	}
	shorts[ns] = '\0';
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		for (k = 0; c < 256 && k < n && t[k].short_name != c; k++)
			;
		if (c >= 256)
			k = (size_t)(c - 256);
		if (c == '?' || k >= n) {
			usage_error("unknown option '%s'", argv[optind - 1]);
			break;
		}
		apply(&t[k], dst, t[k].arg == OPT_ONE ? optarg : NULL);
	}
	return optind;
}
