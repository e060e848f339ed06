/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Option tables: one row per option, holding its name, how it takes its
 * argument, what it sets and the tool's own flags, and the one walker that
 * reads a command line against such a table (tool-opts.c).  bcdedit and
 * bcdboot read Windows-style words ("/s", "-s", "--s", case-insensitive),
 * bcdverify GNU ones (getopt_long); both through the same rows, so adding an
 * option is adding a row.
 */
#ifndef TOOL_OPTS_H
#define TOOL_OPTS_H

#include <stdbool.h>
#include <stddef.h>

/* How an option takes its argument. */
enum tool_opt_arg {
	OPT_NONE,       /* a flag */
	OPT_ONE,        /* the next word, whatever it looks like */
	OPT_IF_ID,      /* the next word when it starts with '{' (optional) */
	OPT_IF_WORD,    /* the next word when it is not an option (optional) */
};

/* Flags of a row. */
enum {
	OPT_EQ = 1 << 0,        /* Windows style: "--name=VALUE" is taken too */
};

struct tool_opt;
/* What a row does: dst is the tool's argument structure; arg is NULL for a
 * flag or an optional argument that was not given. */
typedef void (*tool_opt_set)(void *dst, const struct tool_opt *o, const char *arg);

struct tool_opt {
	const char *name;       /* without the leading "/", "-" or "--"; NULL: word only */
	const char *word;       /* another exact spelling ("-h", "/?"), or NULL */
	int short_name;         /* GNU style: the one-letter option ('h'), or 0 */
	int arg;                /* enum tool_opt_arg */
	tool_opt_set set;       /* NULL: tool_opt_field() */
	size_t off;             /* the field of dst that set writes */
	unsigned long val;      /* for set: a bit, a mode, a limit */
	unsigned flags;         /* OPT_* */
};

/* The generic setters, on the field at o->off: a flag sets a bool, an
 * argument a const char * (tool_opt_field() chooses by o->arg); bits ORs
 * o->val into an unsigned. */
void tool_opt_field(void *dst, const struct tool_opt *o, const char *arg);
void tool_opt_bits(void *dst, const struct tool_opt *o, const char *arg);
/* -h/--help of a GNU-style tool is a row whose set is the tool's help;
 * -V/--version's is this one. */
void tool_opt_version(void *dst, const struct tool_opt *o, const char *arg);

/* Windows style: the option name of a word ("/Store" -> "Store"), or NULL for
 * a plain word; does w name option name (case-insensitive)? */
const char *tool_optname(const char *w);
bool tool_is_opt(const char *w, const char *name);

/* The usage error of the tool (prints, exits). */
typedef void (*tool_usage_fn)(const char *fmt, ...);

/*
 * Windows style: when argv[*i] names a row of t (n rows), take its argument
 * (advancing *i), apply the row to dst and return the row; NULL when it
 * names none.  A missing argument is "option 'W' requires an argument"
 * through usage_error.
 */
const struct tool_opt *tool_opt_take(const struct tool_opt *t, size_t n, void *dst, int argc,
				     char **argv, int *i, tool_usage_fn usage_error);

/*
 * GNU style: getopt_long over the rows (long names, short_name letters;
 * OPT_ONE rows take a required argument), each applied to dst as it comes.
 * An unknown option, or one missing its argument, is
 * usage_error("unknown option 'W'").  Returns optind: the operands are
 * argv[optind..argc-1], in order.
 */
int tool_opt_getopt(const struct tool_opt *t, size_t n, void *dst, int argc, char **argv,
		    tool_usage_fn usage_error);

#endif
