/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bcdkit error codes, shared by libbcdkit-hive, libbcdkit-disk and
 * libbcdkit-bcd.  Every public function returns 0 on success or one of these
 * codes negated.  hive_strerror(), disk_strerror() and bcd_strerror() give the
 * fixed message of a code; each handle also keeps a detail string with the
 * context (offset, path, key) of its last error.
 */
#ifndef BCDKIT_ERROR_H
#define BCDKIT_ERROR_H

enum bk_err {
	BK_OK = 0,
	BK_ENOMEM,       /* out of memory */
	BK_EIO,          /* I/O error (errno in the detail string) */
	BK_ECORRUPT,     /* the input is damaged or not of the expected format */
	BK_EUNSUPPORTED, /* a valid input this version does not handle */
	BK_ENOTFOUND,    /* key, value, object or element not found */
	BK_EEXIST,       /* already exists */
	BK_EINVAL,       /* invalid argument */
	BK_EWRONGTYPE,   /* the value's type does not fit the request */
	BK_EREADONLY,    /* handle was opened read-only or leniently */
	BK_EDIRTY,       /* hive is dirty and must be recovered first */
	BK_ETOOBIG,      /* a size or count over a limit */
	BK_ENOTEMPTY,    /* key has subkeys */
	BK_ELOG,         /* transaction log unusable */
	BK_ESYNTAX,      /* text input does not parse */
	BK_EBUSY,        /* in use: another process holds its lock */
	BK_ERR_MAX
};

#endif
