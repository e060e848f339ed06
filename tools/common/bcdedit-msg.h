/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bcdedit's failure messages (bcdedit-msg.c): Microsoft's text first, the
 * system's reason, then our detail; exit status 1; a stable code in JSON.
 */
#ifndef BCDEDIT_MSG_H
#define BCDEDIT_MSG_H

#include <stdbool.h>

enum bcdedit_msg {
	MSG_PARAM, MSG_STORE_OPEN, MSG_REFERENCE, MSG_BAD_ID, MSG_ELEMENT, MSG_INTEGER,
	MSG_SET, MSG_DELETE_ELEMENT, MSG_CREATE, MSG_DELETE, MSG_COPY, MSG_ENUM,
	MSG_EXPORT, MSG_IMPORT, MSG_CREATESTORE, MSG_OFFLINE,
	MSG_COUNT
};

/* Errors as one JSON object on stderr from now on. */
void bcdedit_msg_json(bool on);
const char *bcdedit_msg_code(int msg);
const char *bcdedit_msg_text(int msg);
/*
 * Report a failure: Microsoft's message msg, the reason for the BK code rc
 * (0: none) and the detail (fmt may be NULL).  Returns 1, the exit status.
 */
int bcdedit_fail(int msg, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A usage error: "The parameter is incorrect." and the detail; exits 1. */
void bcdedit_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
