/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Internals shared by the bcdboot store builder (bcdboot.c) and its
 * template (boottemplate.c): element and object types they write.
 */
#ifndef BCD_BOOT_INTERNAL_H
#define BCD_BOOT_INTERNAL_H

#include <stdio.h>

#include "bcdkit/bcd-boot.h"
#include "bootmodel.h"

#define BCD_EL_LOCALE            0x12000005u
#define BCD_EL_BADMEMORYACCESS   0x1600000bu
#define BCD_EL_BOOTEMS           0x16000020u
#define BCD_EL_ISOLATEDCONTEXT   0x16000060u
#define BCD_EL_ALLOWEDINMEMORY   0x17000077u
#define BCD_EL_DEBUGTYPE         0x15000011u
#define BCD_EL_HV_DEBUGTYPE      0x250000f3u
#define BCD_EL_HV_DEBUGPORT      0x250000f4u
#define BCD_EL_HV_BAUDRATE       0x250000f5u
#define BCD_EL_NX                0x25000020u
#define BCD_EL_BOOTMENUPOLICY    0x250000c2u
#define BCD_EL_RESUME_MENUPOLICY 0x25000008u
#define BCD_EL_DEBUGOPTION       0x26000006u
#define BCD_EL_WINPE             0x26000022u
#define BCD_EL_FILEDEVICE        0x21000001u
#define BCD_EL_FILEPATH          0x22000002u
#define BCD_EL_LOADER_RESUME     0x23000003u   /* a loader's resumeobject */

#define BCD_OBJ_LOADER_SETTINGS  0x20200003u
#define BCD_OBJ_RESUME_SETTINGS  0x20200004u

/*
 * Fill m with the template's objects ({bootmgr}, {memdiag}, settings) and
 * extra with one object holding the elements every new loader gets.
 * tmpl NULL: the built-in template.
 */
int bc_boot_template(struct bm_store *m, bcd_store_t *tmpl, int firmware,
		      struct bm_store *extra);

#endif
