/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The KEY:value words of bcdedit's settings commands (/dbgsettings,
 * /eventsettings, /hypervisorsettings, /emssettings) and the elements of
 * the settings object each one sets; the rows of the command table point
 * at these tables.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "bcdkit/bcd.h"
#include "bcdedit-cli.h"


const struct bcdedit_setting bcdedit_dbg_keys[] = {
	{ "DEBUGPORT", "debugport", NULL }, { "BAUDRATE", "baudrate", NULL },
	{ "CHANNEL", "channel", NULL }, { "TARGETNAME", "targetname", NULL },
	{ "HOSTIP", "hostip", NULL }, { "PORT", "port", NULL }, { "KEY", "key", NULL },
	{ "BUSPARAMS", "busparams", NULL }, { "NODHCP", "dhcp", "no" }, { "NEWKEY", "key", "" },
	{ NULL, NULL, NULL },
};
const struct bcdedit_setting bcdedit_hv_keys[] = {
	{ "DEBUGPORT", "hypervisordebugport", NULL }, { "BAUDRATE", "hypervisorbaudrate", NULL },
	{ "CHANNEL", "hypervisorchannel", NULL }, { "HOSTIP", "hypervisorhostip", NULL },
	{ "PORT", "hypervisorhostport", NULL }, { "KEY", "hypervisorusekey", NULL },
	{ "BUSPARAMS", "hypervisorbusparams", NULL }, { "NODHCP", "hypervisordhcp", "no" },
	{ "NEWKEY", "hypervisorusekey", "" }, { NULL, NULL, NULL },
};
const struct bcdedit_setting bcdedit_ems_keys[] = {
	{ "EMSPORT", "emsport", NULL }, { "EMSBAUDRATE", "emsbaudrate", NULL },
	{ NULL, NULL, NULL },
};

const struct bcdedit_setting *
bcdedit_find_setting(const struct bcdedit_setting *k, const char *w)
{
	const char *colon = strchr(w, ':');
	size_t n = colon ? (size_t)(colon - w) : strlen(w);

	for (; k->key; k++)
		if (strlen(k->key) == n && strncasecmp(k->key, w, n) == 0 && !colon == !!k->value)
			return k;
	return NULL;
}

/* A network debugging key as Windows makes them: four base-36 words. */
int
bcdedit_new_key(char *out, size_t len)
{
	bcd_guid_t g[2];
	size_t i, o = 0;

	if (bcd_guid_random(&g[0]) < 0 || bcd_guid_random(&g[1]) < 0)
		return -BK_EIO;
	for (i = 0; i < 4; i++) {
		uint64_t v = 0;
		char digits[16];
		int k = 0, j;

		memcpy(&v, g[i / 2].b + 8 * (i % 2), 8);
		do {
			digits[k++] = "0123456789abcdefghijklmnopqrstuvwxyz"[v % 36];
			v /= 36;
		} while (v && k < 13);
		for (j = k - 1; j >= 0 && o + 2 < len; j--)
			out[o++] = digits[j];
		if (i < 3 && o + 2 < len)
			out[o++] = '.';
	}
	out[o] = '\0';
	return 0;
}
