/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * vhdtool's commands on files inside partitions: cp, mkdir, rm, mv, ls and
 * cat, over the file-system layer (bcdkit/disk-fs.h), so NTFS and FAT alike.
 * Each takes the command's argv (argv[0] is its name) and vhdtool's usage
 * printer for --help, and returns the exit status.
 */
#ifndef FS_CMDS_H
#define FS_CMDS_H

#include <stdio.h>

typedef void (*fc_usage_fn)(FILE *f);

int fc_cp(int argc, char **argv, fc_usage_fn usage);
int fc_mkdir(int argc, char **argv, fc_usage_fn usage);
int fc_rm(int argc, char **argv, fc_usage_fn usage);
int fc_mv(int argc, char **argv, fc_usage_fn usage);
int fc_ls(int argc, char **argv, fc_usage_fn usage);
int fc_cat(int argc, char **argv, fc_usage_fn usage);

#endif
