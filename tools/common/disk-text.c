/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bk-guid.h"
#include "disk-text.h"
#include "tool-util.h"

/* ---- info ------------------------------------------------------------------ */

/* VHD stores its unique id as plain big-endian bytes (RFC 4122 order), VHDX
 * in Windows GUID order (first three fields little-endian); both print in
 * the one GUID form (common/bk-guid.h). */
static void
format_id(const struct disk_info *in, char out[BK_GUID_STRLEN])
{
	const uint8_t *g = in->disk_id;
	uint8_t b[16];

	memcpy(b, g, 16);
	if (in->format == DISK_FORMAT_VHD) {
		b[0] = g[3]; b[1] = g[2]; b[2] = g[1]; b[3] = g[0];
		b[4] = g[5]; b[5] = g[4]; b[6] = g[7]; b[7] = g[6];
	}
	bk_guid_format(b, out);
}

void
dt_info_text(const char *path, const struct disk_info *in)
{
	char id[BK_GUID_STRLEN];

	format_id(in, id);
	printf("file:           ");
	tool_print_text(stdout, path);
	putchar('\n');
	printf("format:         %s%s\n", disk_format_name(in->format),
	       in->block_device ? " (block device)" : "");
	printf("type:           %s\n", disk_type_name(in->type));
	printf("virtual size:   %" PRIu64 " bytes (%.1f MiB)\n", in->virtual_size,
	       in->virtual_size / 1048576.0);
	printf("file size:      %" PRIu64 " bytes\n", in->file_size);
	printf("allocated:      %" PRIu64 " bytes\n", in->allocated);
	if (in->block_size)
		printf("block size:     %" PRIu32 " bytes\n", in->block_size);
	printf("sector size:    %" PRIu32 " logical, %" PRIu32 " physical\n", in->logical_sector,
	       in->physical_sector);
	if (in->format == DISK_FORMAT_VHD)
		printf("geometry:       %" PRIu32 "/%" PRIu32 "/%" PRIu32 " (C/H/S)\n", in->cylinders,
		       in->heads, in->sectors_per_track);
	if (in->format != DISK_FORMAT_RAW) {
		printf("creator:        ");
		tool_print_text(stdout, in->creator);
		putchar('\n');
		printf("disk id:        %s\n", id);
	}
	if (in->log_replayed)
		printf("log:            replayed in memory (the file was not changed)\n");
}

void
dt_info_json(const char *path, const struct disk_info *in)
{
	char id[BK_GUID_STRLEN];

	format_id(in, id);
	printf("{\"schema\":\"bcdkit.disk-info/1\",\"file\":");
	tool_json_string(stdout, path);
	printf(",\"format\":\"%s\",\"type\":\"%s\",\"block_device\":%s",
	       disk_format_name(in->format), disk_type_name(in->type),
	       in->block_device ? "true" : "false");
	printf(",\"virtual_size\":%" PRIu64 ",\"file_size\":%" PRIu64 ",\"allocated\":%" PRIu64,
	       in->virtual_size, in->file_size, in->allocated);
	printf(",\"block_size\":%" PRIu32 ",\"logical_sector\":%" PRIu32
	       ",\"physical_sector\":%" PRIu32, in->block_size, in->logical_sector,
	       in->physical_sector);
	if (in->format == DISK_FORMAT_VHD)
		printf(",\"geometry\":{\"cylinders\":%" PRIu32 ",\"heads\":%" PRIu32
		       ",\"sectors_per_track\":%" PRIu32 "}", in->cylinders, in->heads,
		       in->sectors_per_track);
	if (in->format != DISK_FORMAT_RAW) {
		printf(",\"creator\":");
		tool_json_string(stdout, in->creator);
		printf(",\"disk_id\":\"%s\"", id);
	}
	printf(",\"log_replayed\":%s", in->log_replayed ? "true" : "false");
}

/* ---- partition tables, text ------------------------------------------------ */

static void
print_part_text(const struct disk_label *l, const struct disk_partition *p)
{
	char g[BK_GUID_STRLEN];

	printf("%-3u %14" PRIu64 " %14" PRIu64 " %14" PRIu64 "  %-5s", p->number, p->offset,
	       p->offset + p->size, p->size, disk_part_kind_name(p->kind));
	if (l->type == DISK_LABEL_MBR) {
		printf("  0x%02X%s\n", p->mbr_type, p->active ? "  active" : "");
		return;
	}
	bk_guid_format(p->type_guid, g);
	printf("  %s", g);
	bk_guid_format(p->guid, g);
	printf("  %s  ", g);
	tool_json_string(stdout, p->name);
	putchar('\n');
}

/* The column heads and one row per partition (shared by partition and
 * info); GPT rows have two GUID columns and the name. */
static void
print_rows_text(const struct disk_label *l)
{
	unsigned i;

	if (l->type == DISK_LABEL_MBR)
		printf("#           start            end           size  kind   type\n");
	else
		printf("#           start            end           size  kind   type guid"
		       "                               partition guid                          name\n");
	for (i = 0; i < l->count; i++)
		print_part_text(l, &l->part[i]);
}

void
dt_label_text(const char *path, const disk_t *d, const struct disk_label *l)
{
	char g[BK_GUID_STRLEN];

	printf("disk:      ");
	tool_print_text(stdout, path);
	putchar('\n');
	printf("size:      %" PRIu64 " bytes\n", disk_size(d));
	if (l->type == DISK_LABEL_MBR) {
		printf("table:     mbr\nsignature: 0x%08" PRIX32 "\n", l->mbr_signature);
	} else {
		bk_guid_format(l->disk_guid, g);
		printf("table:     gpt\ndisk guid: %s\n", g);
	}
	print_rows_text(l);
}

void
dt_info_table_text(const struct disk_label *l)
{
	char g[BK_GUID_STRLEN];

	if (l->type == DISK_LABEL_MBR) {
		printf("partitions:     mbr, signature 0x%08" PRIX32 "\n", l->mbr_signature);
	} else {
		bk_guid_format(l->disk_guid, g);
		printf("partitions:     gpt, disk guid %s\n", g);
	}
	print_rows_text(l);
}

/* ---- partition tables, JSON ------------------------------------------------ */

/* The "partitions" member of a table (shared by partition and info). */
static void
print_parts_json(const struct disk_label *l)
{
	const struct disk_partition *p;
	char g[BK_GUID_STRLEN];
	unsigned i;

	printf(",\"partitions\":[");
	for (i = 0; i < l->count; i++) {
		p = &l->part[i];
		printf("%s{\"number\":%u,\"offset\":%" PRIu64 ",\"size\":%" PRIu64 ",\"kind\":\"%s\"",
		       i ? "," : "", p->number, p->offset, p->size, disk_part_kind_name(p->kind));
		if (l->type == DISK_LABEL_MBR) {
			printf(",\"type\":%u,\"active\":%s}", p->mbr_type, p->active ? "true" : "false");
			continue;
		}
		bk_guid_format(p->type_guid, g);
		printf(",\"type_guid\":\"%s\"", g);
		bk_guid_format(p->guid, g);
		printf(",\"guid\":\"%s\",\"attributes\":%" PRIu64 ",\"name\":", g, p->attributes);
		tool_json_string(stdout, p->name);
		putchar('}');
	}
	putchar(']');
}

void
dt_label_json(const char *path, const disk_t *d, const struct disk_label *l)
{
	char g[BK_GUID_STRLEN];

	printf("{\"schema\":\"bcdkit.disk-partitions/1\",\"disk\":");
	tool_json_string(stdout, path);
	printf(",\"size\":%" PRIu64 ",\"table\":\"%s\"", disk_size(d),
	       l->type == DISK_LABEL_MBR ? "mbr" : "gpt");
	if (l->type == DISK_LABEL_MBR) {
		printf(",\"signature\":\"0x%08" PRIX32 "\"", l->mbr_signature);
	} else {
		bk_guid_format(l->disk_guid, g);
		printf(",\"disk_guid\":\"%s\",\"primary_ok\":%s,\"backup_ok\":%s", g,
		       l->problems & DISK_LABEL_PRIMARY_BAD ? "false" : "true",
		       l->problems & DISK_LABEL_BACKUP_BAD ? "false" : "true");
	}
	print_parts_json(l);
	printf("}\n");
}

void
dt_info_table_json(const struct disk_label *l)
{
	char g[BK_GUID_STRLEN];

	printf(",\"partition_table\":{\"type\":\"%s\"", l->type == DISK_LABEL_MBR ? "mbr" : "gpt");
	if (l->type == DISK_LABEL_MBR) {
		printf(",\"signature\":\"0x%08" PRIX32 "\"", l->mbr_signature);
	} else {
		bk_guid_format(l->disk_guid, g);
		printf(",\"disk_guid\":\"%s\"", g);
	}
	print_parts_json(l);
	putchar('}');
}

/* ---- files and progress ---------------------------------------------------- */

void
dt_print_entry(const struct disk_file_info *fi)
{
	char when[32];
	time_t t = (time_t)fi->mtime;
	struct tm tm;

	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	else
		snprintf(when, sizeof(when), "?");
	printf("%c %12" PRIu64 "  %s  ", fi->is_dir ? 'd' : '-', fi->size, when);
	tool_print_text(stdout, fi->name);
	putchar('\n');
}

/* Redrawn only when it grows: a redraw per block would flood a slow terminal. */
int
dt_progress(void *data, uint64_t done, uint64_t total)
{
	struct dt_bar *b = data;
	int width = 40, n = total ? (int)(done * (uint64_t)width / total) : width, i;

	if (n == b->last || b->last == -2)
		return 0;
	b->last = n;
	fprintf(stderr, "\r%s[", b->label);
	for (i = 0; i < width; i++)
		fputc(i < n ? '#' : '.', stderr);
	fprintf(stderr, "] %3d%%", total ? (int)(done * 100 / total) : 100);
	if (done == total) {
		fputc('\n', stderr);
		b->last = -2;   /* finished: nothing for dt_bar_end() to close */
	}
	fflush(stderr);
	return 0;
}

int
dt_copy_progress(void *data, uint64_t done, uint64_t total)
{
	const struct dt_bar *b = data;

	return b->forced || total >= DT_COPY_BAR_MIN ? dt_progress(data, done, total) : 0;
}

/* One bar per stage of each partition, labelled. */
int
dt_build_progress(void *data, enum disk_build_stage stage, unsigned partition,
		  uint64_t done, uint64_t total)
{
	struct dt_bar *b = data;

	if ((int)stage != b->stage || partition != b->partition) {
		dt_bar_end(b);
		b->stage = (int)stage;
		b->partition = partition;
		b->last = -1;
		snprintf(b->label, sizeof(b->label), "partition %u: %-13s ", partition,
			 stage == DISK_BUILD_APPLY_WIM ? "applying WIM" :
			 stage == DISK_BUILD_COPY_FILES ? "copying files" : "writing");
	}
	return dt_progress(data, done, total);
}

void
dt_bar_end(struct dt_bar *b)
{
	if (b->last >= 0) {
		fputc('\n', stderr);
		fflush(stderr);
	}
	b->last = -1;
}
