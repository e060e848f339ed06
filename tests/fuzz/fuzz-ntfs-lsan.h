/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Included once by each fuzz target that mounts NTFS volumes (fuzz-ntfs,
 * fuzz-fs-file): the sanitizer runtime's defaults for that program.
 */
#ifndef BK_FUZZ_NTFS_LSAN_H
#define BK_FUZZ_NTFS_LSAN_H

/*
 * libntfs-3g (2022.10.3) leaks its $MFT and $Volume attributes when
 * ntfs_device_mount() fails part way on a damaged volume: nothing a caller
 * can free (fixtures/fuzz/fuzz-ntfs/mount-fails-leak).  Only leaks from inside
 * the mount are ignored; one of ours would have our caller in its stack
 * without that frame.  libntfs-3g has no frame pointers: the stacks of its
 * allocations need the slow unwinder to show that frame.
 */
const char *__lsan_default_suppressions(void);
const char *__asan_default_options(void);
__attribute__((used, visibility("default"))) const char *
__lsan_default_suppressions(void)
{
	return "leak:ntfs_device_mount\n";
}

__attribute__((used, visibility("default"))) const char *
__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}

#endif
