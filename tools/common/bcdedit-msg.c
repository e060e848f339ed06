/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bcdedit's failure messages.  Scripts ported from Windows compare the
 * first line of an error with bcdedit's, so every failure prints, on
 * stderr: Microsoft's message, then (where Windows adds one) the system's
 * reason, then "bcdedit: " and our own detail (the file, the value, what
 * is wrong).  The exit status is 1 for every failure, usage errors too.
 * With --json the same content is one JSON object whose "code" is stable.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "bcdkit/error.h"
#include "bcdedit-msg.h"
#include "tool-util.h"

static const struct {
	const char *code;
	const char *text;
} msgs[] = {
	[MSG_PARAM] = { "usage", "The parameter is incorrect." },
	[MSG_STORE_OPEN] = { "store-open", "The boot configuration data store could not be opened." },
	[MSG_REFERENCE] = { "entry-not-found",
			    "An error occurred while attempting to reference the specified entry." },
	[MSG_BAD_ID] = { "bad-identifier", "The specified entry identifier is not valid." },
	[MSG_ELEMENT] = { "bad-element", "The element data type specified is not recognized, "
					 "or does not apply to the specified entry." },
	[MSG_INTEGER] = { "bad-integer", "The integer data is not valid as specified." },
	[MSG_SET] = { "set-element", "An error has occurred setting the element data." },
	[MSG_DELETE_ELEMENT] = { "delete-element", "An error occurred while attempting to "
						   "delete the specified data element." },
	[MSG_CREATE] = { "create-entry", "An error occurred while attempting to create the "
					 "specified entry." },
	[MSG_DELETE] = { "delete-entry", "An error occurred while attempting to delete the "
					 "specified entry." },
	[MSG_COPY] = { "copy-entry", "An error occurred while attempting to copy the specified "
				     "entry." },
	[MSG_ENUM] = { "enumerate", "An error occurred while attempting to enumerate the "
				    "entries in the store." },
	[MSG_EXPORT] = { "export", "The store export operation has failed." },
	[MSG_IMPORT] = { "import", "The store import operation has failed." },
	[MSG_CREATESTORE] = { "createstore", "The store creation operation has failed." },
	[MSG_OFFLINE] = { "not-supported", NULL },   /* one line: our reason only */
};

static bool json_errors;

void
bcdedit_msg_json(bool on)
{
	json_errors = on;
}

const char *
bcdedit_msg_code(int msg)
{
	return msgs[msg].code;
}

const char *
bcdedit_msg_text(int msg)
{
	return msgs[msg].text;
}

/* The system's reason Windows prints under its message, by error code. */
static const char *
reason(int msg, int rc)
{
	/* These messages stand alone on Windows. */
	if (msg == MSG_PARAM || msg == MSG_ELEMENT || msg == MSG_INTEGER || msg == MSG_BAD_ID ||
	    msg == MSG_OFFLINE)
		return NULL;
	switch (-rc) {
	case BK_ENOTFOUND:
		return msg == MSG_DELETE_ELEMENT ? "Element not found."
						 : "The system cannot find the file specified.";
	case BK_EEXIST:
		return "The file exists.";
	case BK_EIO:
		return "The request could not be performed because of an I/O device error.";
	case BK_ECORRUPT:
	case BK_ELOG:
	case BK_EDIRTY:
		return "The configuration registry database is corrupt.";
	case BK_ENOMEM:
		return "Not enough memory resources are available to process this command.";
	case BK_EREADONLY:
		return "Access is denied.";
	case BK_EINVAL:
	case BK_ESYNTAX:
	case BK_EWRONGTYPE:
		return msg == MSG_SET ? "The parameter is incorrect." : NULL;
	case BK_EUNSUPPORTED:
		return "The request is not supported.";
	default:
		return NULL;
	}
}

static void
json_field(const char *name, const char *v, bool last)
{
	fprintf(stderr, "\"%s\": ", name);
	if (v)
		tool_json_string(stderr, v);
	else
		fputs("null", stderr);
	fputs(last ? "" : ", ", stderr);
}

static void
vreport(int msg, int rc, const char *fmt, va_list ap)
{
	const char *why = reason(msg, rc);
	char detail[1024] = "";

	if (fmt)
		vsnprintf(detail, sizeof(detail), fmt, ap);
	fflush(stdout);
	if (json_errors) {
		/* The schema: doc/bcdedit-error-schema.json. */
		fputs("{\"schema\": \"bcdkit.bcdedit-error/1\", \"error\": {", stderr);
		json_field("code", msgs[msg].code, false);
		json_field("message", msgs[msg].text, false);
		json_field("reason", why, false);
		json_field("detail", detail[0] ? detail : NULL, true);
		fputs("}}\n", stderr);
		return;
	}
	if (msgs[msg].text)
		fprintf(stderr, "%s\n", msgs[msg].text);
	if (why)
		fprintf(stderr, "%s\n", why);
	if (detail[0])
		fprintf(stderr, "%s: %s\n", tool_name, detail);
}

int
bcdedit_fail(int msg, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(msg, rc, fmt, ap);
	va_end(ap);
	return EXIT_FAIL;
}

void
bcdedit_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(MSG_PARAM, 0, fmt, ap);
	va_end(ap);
	if (!json_errors)
		fprintf(stderr, "Run \"%s /?\" for command line assistance.\n", tool_name);
	exit(EXIT_FAIL);
}
