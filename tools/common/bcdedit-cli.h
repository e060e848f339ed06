/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bcdedit's command table and command line.  Every property of a command
 * lives in its row of struct bcdedit_cmd (tools/bcdedit.c): its name, its
 * handler, how the words after it are taken and what it needs (a store, a
 * writable store, only the store's file name).  The parser here and the
 * dispatcher in main() read nothing else, so adding a command is one row
 * and one handler.
 */
#ifndef BCDEDIT_CLI_H
#define BCDEDIT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BCDEDIT_MAX_WORDS 256

struct bcdedit_args;
struct bcdedit_setting;     /* KEY:value words of the settings commands */

/* How the words right after the command name are taken. */
enum bcdedit_shape {
	SHAPE_WORDS,      /* positional words; options are matched anywhere */
	SHAPE_ONE,        /* one word taken literally (file name, identifier) */
	SHAPE_ID_NAME,    /* [{ID}] NAME: an identifier is literal when it starts with '{' */
	SHAPE_SET,        /* [{ID}] NAME VALUE: NAME and VALUE are literal too */
	SHAPE_REST,       /* every following word, literally (/? /set) */
};

/* What a command needs before its handler runs. */
enum {
	CMD_STORE = 1 << 0,     /* opens --store */
	CMD_WRITE = 1 << 1,     /* ... for writing */
	CMD_PATH = 1 << 2,      /* needs the --store file name, not an open store */
	CMD_NOSTORE = 1 << 3,   /* runs without --store */
	CMD_DEFAULT = 1 << 4,   /* runs when no command is given */
	CMD_NET_ONLY = 1 << 5,  /* settings: the connection type, if given, is NET */
};

struct bcdedit_cmd {
	const char *name;                       /* without the leading '/' */
	int (*run)(struct bcdedit_args *a);
	int shape;                              /* enum bcdedit_shape */
	unsigned flags;                         /* CMD_* */
	int msg;                                /* Microsoft's message for its failures */
	const char *target;                     /* default object of [ID] */
	const char *element;                    /* element the command edits */
	const char *synopsis;                   /* usage line(s), after the name */
	const char *summary;                    /* one line for /? (the reason, if refused) */
	const struct bcdedit_setting *settings; /* KEY:value words it takes */
};

/* Everything the command line says, gathered before anything is done. */
struct bcdedit_args {
	const struct bcdedit_cmd *cmd;
	const char *cmdname;                    /* as typed */
	const char *store;
	const char *current;
	unsigned commit;                /* BCD_OPEN_COMMIT_* from --commit */
	const char *maps[64];
	size_t nmaps;
	bool json, verbose;
	const char *words[BCDEDIT_MAX_WORDS];   /* positional words of the command */
	size_t nwords;
	const char *desc;                       /* /d */
	const char *app;                        /* /application */
	bool inherit, device, force, clean, nocleanup, cleanup;
	const char *inherit_type;
	int listmode;                           /* BCD_LIST_*; listmode_given when typed */
	bool listmode_given;
	const char *start;                      /* /start POLICY (/dbgsettings) */
	bool noumex;                            /* /noumex (/dbgsettings) */
	void (*help)(void);                     /* -h, --help */
};

/*
 * Fill a from argv using the command table (n rows); the row flagged
 * CMD_DEFAULT runs when no command is given.  help() is called for -h and
 * --help.  The options are the rows of the option tables in
 * bcdedit-args.c (tool-opts.h).  Usage errors exit through
 * bcdedit_usage_error().
 */
void bcdedit_parse_args(struct bcdedit_args *a, int argc, char **argv,
			const struct bcdedit_cmd *cmds, size_t n, void (*help)(void));

/* A word KEY:value (or a bare flag word) of a settings command and the
 * element it sets (bcdedit-settings.c). */
struct bcdedit_setting {
	const char *key;
	const char *element;
	const char *value;      /* fixed value of a flag word; "" = a new random key */
};
extern const struct bcdedit_setting bcdedit_dbg_keys[], bcdedit_hv_keys[], bcdedit_ems_keys[];
/* The table row for word w ("PORT:50000", "NODHCP"), or NULL. */
const struct bcdedit_setting *bcdedit_find_setting(const struct bcdedit_setting *k, const char *w);
/* A new network debugging key ("a.b.c.d", base-36 words) into out.
 * Returns 0 or -BK_EIO. */
int bcdedit_new_key(char *out, size_t len);

/*
 * Help on stdout: the usage (topic NULL), a command's synopsis, or one of
 * the topics TOPICS, ID, FORMATS, TYPES [APPTYPE].  Returns the exit
 * status; an unknown topic is a usage error.
 */
int bcdedit_help(const struct bcdedit_cmd *cmds, size_t n, const char *topic, const char *sub);

#endif
