/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bcdedit's help: the usage, "/? COMMAND" from the command table, and the
 * topics Windows' bcdedit has (TOPICS, ID, FORMATS, TYPES [APPTYPE]).  The
 * element names come from the library's table, so /? TYPES lists exactly
 * the names /set accepts.  The wording is ours.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "bcdkit/bcd.h"
#include "bcdedit-cli.h"
#include "bcdedit-msg.h"
#include "tool-util.h"

static void
usage_text(const struct bcdedit_cmd *cmds, size_t n)
{
	size_t i;

	printf("Usage: %s [--store FILE] [OPTIONS] [COMMAND [ARGUMENTS]]\n"
	       "Edit a Windows Boot Configuration Data store offline.\n"
	       "\n"
	       "Commands (a leading '/', '-' or '--'; case-insensitive):\n", tool_name);
	for (i = 0; i < n; i++)
		printf("  /%s %s\n", cmds[i].name, cmds[i].synopsis);
	printf("\n"
	       "Options:\n"
	       "  /store, --store FILE      the store to work on (required except for /createstore)\n"
	       "  --map X:=TARGET           drive letter X: (or \\Device\\HarddiskVolumeN) is TARGET:\n"
	       "                            a block device, a mount point, IMAGE:N,\n"
	       "                            mbr:SIGNATURE:OFFSET or gpt:{DISK}:{PARTITION}\n"
	       "  --current ID              the object {current} stands for (default: {default})\n"
	       "  --json                    /enum and errors as JSON\n"
	       "  /v                        show identifiers as full GUIDs\n"
	       "  -h, --help                show this help and exit\n"
	       "  -V, --version             show the version and exit\n"
	       "\n"
	       "Without a command, /enum ACTIVE is run.  Topics: %s /? TOPICS.  See bcdedit(1).\n",
	       tool_name);
}

static void
topics(const struct bcdedit_cmd *cmds, size_t n)
{
	size_t i;

	printf("Help topics (%s /? TOPIC):\n  ID  FORMATS  TYPES [APPTYPE]  TOPICS\n"
	       "Commands:\n", tool_name);
	for (i = 0; i < n; i++)
		printf("  /%-20s %s\n", cmds[i].name, cmds[i].summary);
}

static void
ids(void)
{
	printf("An entry is named by its identifier, a GUID in braces such as\n"
	       "{49916baf-0e08-11db-9af4-000bdbd316a0}, or by one of these aliases:\n"
	       "  {bootmgr} {fwbootmgr} {memdiag} {ntldr} {legacy} {current} {default}\n"
	       "  {globalsettings} {bootloadersettings} {resumeloadersettings} {dbgsettings}\n"
	       "  {eventsettings} {emssettings} {badmemory} {hypervisorsettings}\n"
	       "  {kerneldbgsettings} {ramdiskoptions}\n"
	       "{default} is the boot manager's default entry.  Offline there is no running\n"
	       "system: {current} is the entry given with --current, else {default}.\n"
	       "With /v every identifier is shown as its GUID.\n");
}

static void
formats(void)
{
	printf("Values of /set, by the element's format:\n"
	       "  boolean     on, off, yes, no, true, false, 1, 0 (shown as Yes or No)\n"
	       "  integer     decimal or 0x hexadecimal; enumerated elements take their value\n"
	       "              names (/? TYPES lists them); addresses as a.b.c.d\n"
	       "  string      any text\n"
	       "  identifier  an identifier or alias (/? ID); lists take several\n"
	       "  integers    a list of integers, blank- or comma-separated\n"
	       "  device      boot | partition=X: | partition=\\Device\\HarddiskVolumeN |\n"
	       "              partition=mbr:SIGNATURE:OFFSET | partition=gpt:{DISK}:{PART} |\n"
	       "              file=[VOLUME]\\path | ramdisk=[VOLUME]\\path[,{options}] |\n"
	       "              vhd=[VOLUME]\\path[,locate=custom:XXXXXXXX][,partition=ID] |\n"
	       "              locate[=custom:XXXXXXXX|=\\path] | raw:HEX\n"
	       "              (VOLUME: boot, locate, a letter or a volume of --map, or mbr:/gpt:)\n"
	       "Lists given to /set take /addfirst, /addlast or /remove as /displayorder does.\n");
}

static const char *
format_name(uint32_t type)
{
	static const char *const names[] = { "?", "device", "string", "identifier",
					     "identifiers", "integer", "boolean", "integers" };
	uint32_t f = BCD_ELEM_FORMAT(type);

	return f < sizeof(names) / sizeof(names[0]) ? names[f] : "?";
}

/* An object type that owns the names of an owner (for their value names). */
static uint32_t
owner_objtype(const char *owner)
{
	static const struct {
		const char *owner;
		uint32_t type;
	} map[] = {
		{ "bootmgr", BCD_OBJ_BOOTMGR }, { "resume", BCD_OBJ_RESUME },
		{ "memdiag", BCD_OBJ_MEMDIAG }, { "ntldr", BCD_OBJ_NTLDR },
		{ "startup", BCD_OBJ_STARTUP }, { "bootapp", BCD_OBJ_BOOTAPP },
		{ "device", BCD_OBJ_DEVICE },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].owner, owner) == 0)
			return map[i].type;
	return BCD_OBJ_OSLOADER;
}

static void
list_owner(const char *owner)
{
	uint32_t type, objtype = owner_objtype(owner);
	const char *name, *own, *vname;
	uint64_t value;
	size_t i, k;

	printf("%s:\n", owner);
	for (i = 0; bcd_element_at(i, &type, &name, &own) == 0; i++) {
		if (!name || strcmp(own, owner) != 0)
			continue;
		printf("  %-32s %08x  %s", name, type, format_name(type));
		for (k = 0; bcd_element_enum_at(objtype, type, k, &value, &vname) == 0; k++)
			printf("%s%s", k ? ", " : ": ", vname);
		printf("\n");
	}
}

/* /? TYPES [APPTYPE]: the element names, by the objects they belong to. */
static int
types(const char *sub)
{
	static const struct {
		const char *apptype;
		const char *owners[3];
	} apps[] = {
		{ "BOOTAPP", { "library" } }, { "BOOTMGR", { "bootmgr" } },
		{ "FWBOOTMGR", { "bootmgr" } }, { "OSLOADER", { "osloader", "application" } },
		{ "RESUME", { "resume", "application" } }, { "MEMDIAG", { "memdiag" } },
		{ "NTLDR", { "ntldr" } }, { "STARTUP", { "startup" } },
		{ "BOOTSECTOR", { "library" } }, { "DEVOBJECT", { "device" } },
		{ "TEMPLATE", { "template" } }, { "BOOTAPPS", { "bootapp" } },
	};
	static const char *const all[] = { "library", "application", "bootmgr", "osloader",
					   "resume", "memdiag", "ntldr", "startup", "bootapp",
					   "device", "template" };
	size_t i, k;

	if (sub && strcasecmp(sub, "CUSTOMTYPES") == 0) {
		printf("custom:XXXXXXXX names any element by its type in hex: bits 31-28 its\n"
		       "class, 27-24 its format (1 device, 2 string, 3 identifier, 4 identifiers,\n"
		       "5 integer, 6 boolean, 7 integers).  It takes any value of that format.\n");
		return EXIT_OK;
	}
	if (!sub) {
		printf("Element names for /set and /deletevalue (also custom:XXXXXXXX, see\n"
		       "%s /? TYPES CUSTOMTYPES); library names apply to every entry.\n", tool_name);
		for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
			list_owner(all[i]);
		return EXIT_OK;
	}
	for (i = 0; i < sizeof(apps) / sizeof(apps[0]); i++)
		if (strcasecmp(apps[i].apptype, sub) == 0) {
			for (k = 0; k < 3 && apps[i].owners[k]; k++)
				list_owner(apps[i].owners[k]);
			if (strcmp(apps[i].owners[0], "library") != 0)
				printf("(and the library names: %s /? TYPES BOOTAPP)\n", tool_name);
			return EXIT_OK;
		}
	bcdedit_usage_error("/? TYPES: unknown application type '%s' (BOOTAPP, BOOTMGR, "
			    "FWBOOTMGR, OSLOADER, RESUME, MEMDIAG, NTLDR, STARTUP, BOOTSECTOR, "
			    "DEVOBJECT, TEMPLATE, CUSTOMTYPES)", sub);
}

int
bcdedit_help(const struct bcdedit_cmd *cmds, size_t n, const char *topic, const char *sub)
{
	const char *t = topic;
	size_t i;

	if (!t) {
		usage_text(cmds, n);
		return EXIT_OK;
	}
	if (t[0] == '/' || t[0] == '-')
		t += t[1] == '-' ? 2 : 1;
	if (strcasecmp(t, "TOPICS") == 0)
		topics(cmds, n);
	else if (strcasecmp(t, "ID") == 0)
		ids();
	else if (strcasecmp(t, "FORMATS") == 0)
		formats();
	else if (strcasecmp(t, "TYPES") == 0)
		return types(sub);
	else {
		for (i = 0; i < n; i++)
			if (strcasecmp(cmds[i].name, t) == 0) {
				printf("%s /%s %s\n  %s\n", tool_name, cmds[i].name, cmds[i].synopsis,
				       cmds[i].summary);
				return EXIT_OK;
			}
		bcdedit_usage_error("/?: no help on '%s' (try %s /? TOPICS)", topic, tool_name);
	}
	return EXIT_OK;
}
