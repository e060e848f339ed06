/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bcdverify's reports: human text grouped by store and object, JSON
 * (doc/bcdverify-schema.json) and JUnit XML written with libxml2 (one test
 * case per check and object; a failure carries the finding).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "bcdverify-cli.h"
#include "tool-util.h"

static const char *
objname(const struct bcd_finding *f, char buf[BCD_GUID_STRLEN])
{
	const char *a;

	if (!f->has_object)
		return NULL;
	if ((a = bcd_alias_name(&f->object)))
		return a;
	return bcd_guid_format(&f->object, buf);
}

static const char *
elname(const struct bcd_finding *f, char *buf, size_t len)
{
	const char *n;

	if (!f->element)
		return NULL;
	if (f->element_name[0])
		return f->element_name;
	n = bcd_element_name(0, f->element);
	if (n)
		return n;
	snprintf(buf, len, "%08x", (unsigned)f->element);
	return buf;
}

static void
human_finding(const struct bv_store *st, size_t i, const struct bcd_finding *f, bool dry)
{
	printf("    %-8s %s: %s\n", bcd_severity_name(f->severity), f->id, f->message);
	if (st && st->diff && st->diff[i])
		printf("             %s: %s\n", dry ? "would change" : "fixed", st->diff[i]);
	else if (f->suggest)
		printf("             fix: %s\n", f->suggest);
}

/* Findings in store order, grouped: the store itself, then per object. */
static void
human_store(const struct bv_store *st, bool dry)
{
	char g[BCD_GUID_STRLEN], h[BCD_GUID_STRLEN];
	const struct bcd_finding *v = st->found.v;
	size_t i, j;
	bool *done;

	printf("%s%s\n", st->spec, st->failed ? " (not checked)" : st->found.n ? "" : ": clean");
	if (!st->found.n || !(done = calloc(st->found.n, 1)))
		return;
	for (i = 0; i < st->found.n; i++) {
		if (done[i])
			continue;
		printf("  %s\n", v[i].has_object ? objname(&v[i], g) : "(store)");
		for (j = i; j < st->found.n; j++) {
			if (done[j] || v[j].has_object != v[i].has_object ||
			    (v[i].has_object && strcmp(objname(&v[j], h), objname(&v[i], g))))
				continue;
			done[j] = true;
			human_finding(st, j, &v[j], dry);
		}
	}
	free(done);
}

void
bv_print_human(const struct bv_report *r)
{
	size_t i;

	if (r->disks.n) {
		printf("disks\n");
		for (i = 0; i < r->disks.n; i++)
			human_finding(NULL, i, &r->disks.v[i], r->dry_run);
	}
	for (i = 0; i < r->nstores; i++)
		human_store(&r->stores[i], r->dry_run);
}

/* ---- JSON ------------------------------------------------------------------------------ */

static void
json_field(const char *name, const char *value, bool comma)
{
	printf("\"%s\": ", name);
	if (value)
		tool_json_string(stdout, value);
	else
		printf("null");
	printf("%s", comma ? ", " : "");
}

static void
json_findings(const struct bcd_findings *fs, const struct bv_store *st, bool dry)
{
	char g[BCD_GUID_STRLEN], e[16];
	size_t i;

	printf("[");
	for (i = 0; i < fs->n; i++) {
		const struct bcd_finding *f = &fs->v[i];
		bool fixed = st && st->fixed && st->fixed[i];

		printf("%s\n      {", i ? "," : "");
		json_field("id", f->id, true);
		json_field("severity", bcd_severity_name(f->severity), true);
		json_field("object", objname(f, g), true);
		json_field("element", elname(f, e, sizeof(e)), true);
		json_field("message", f->message, true);
		json_field("suggest", f->suggest, true);
		printf("\"fixable\": %s, ", f->repair ? "true" : "false");
		printf("\"fixed\": %s, ", fixed && !dry ? "true" : "false");
		json_field("change", st && st->diff ? st->diff[i] : NULL, false);
		printf("}");
	}
	printf("%s]", fs->n ? "\n    " : "");
}

void
bv_print_json(const struct bv_report *r, int exit_code)
{
	static const char *const fw[] = { NULL, "bios", "uefi" };
	size_t i;

	printf("{\n  \"schema\": \"%s\",\n  \"exit_code\": %d,\n  \"dry_run\": %s,\n",
	       BV_JSON_SCHEMA, exit_code, r->dry_run ? "true" : "false");
	printf("  \"disk_findings\": ");
	json_findings(&r->disks, NULL, r->dry_run);
	printf(",\n  \"stores\": [");
	for (i = 0; i < r->nstores; i++) {
		const struct bv_store *st = &r->stores[i];

		printf("%s\n    {", i ? "," : "");
		json_field("store", st->spec, true);
		json_field("firmware", fw[st->firmware], true);
		printf("\"checked\": %s, \"findings\": ", st->failed ? "false" : "true");
		json_findings(&st->found, st, r->dry_run);
		printf("}");
	}
	printf("%s]\n}\n", r->nstores ? "\n  " : "");
}

/* ---- JUnit -------------------------------------------------------------------------------- */

static bool
same_case(const struct bcd_finding *a, const struct bcd_finding *b)
{
	return !strcmp(a->id, b->id) && a->has_object == b->has_object &&
	       (!a->has_object || !bcd_guid_cmp(&a->object, &b->object));
}

/* One test case per check and object: findings i.. with the same ID and
 * object; the failure's message is the first one, its text all of them. */
static int
junit_case(xmlTextWriterPtr w, const char *suite, const struct bcd_findings *fs, size_t i)
{
	const struct bcd_finding *f = &fs->v[i];
	char g[BCD_GUID_STRLEN], name[256], text[8192] = "";
	int sev = f->severity;
	size_t j, at = 0;

	snprintf(name, sizeof(name), "%s %s", f->id, f->has_object ? objname(f, g) : "(store)");
	for (j = i; j < fs->n && at < sizeof(text); j++) {
		if (!same_case(f, &fs->v[j]))
			continue;
		sev = fs->v[j].severity > sev ? fs->v[j].severity : sev;
		at += (size_t)snprintf(text + at, sizeof(text) - at, "%s\n%s%s%s", fs->v[j].message,
				       fs->v[j].suggest ? "fix: " : "",
				       fs->v[j].suggest ? fs->v[j].suggest : "",
				       fs->v[j].suggest ? "\n" : "");
	}
	if (xmlTextWriterStartElement(w, BAD_CAST "testcase") < 0 ||
	    xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST name) < 0 ||
	    xmlTextWriterWriteAttribute(w, BAD_CAST "classname", BAD_CAST suite) < 0)
		return -1;
	if (sev >= BCD_SEV_WARNING) {
		if (xmlTextWriterStartElement(w, BAD_CAST "failure") < 0 ||
		    xmlTextWriterWriteAttribute(w, BAD_CAST "message", BAD_CAST f->message) < 0 ||
		    xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST bcd_severity_name(sev)) < 0 ||
		    xmlTextWriterWriteString(w, BAD_CAST text) < 0 ||
		    xmlTextWriterEndElement(w) < 0)
			return -1;
	} else if (xmlTextWriterWriteElement(w, BAD_CAST "system-out", BAD_CAST text) < 0) {
		return -1;
	}
	return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

/* Whether finding i is the first of its case. */
static bool
first_of_case(const struct bcd_findings *fs, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (same_case(&fs->v[j], &fs->v[i]))
			return false;
	return true;
}

static int
junit_suite(xmlTextWriterPtr w, const char *name, const struct bcd_findings *fs, bool failed)
{
	char n[32], nf[32];
	size_t i, cases = 0, fail = 0, j;

	for (i = 0; i < fs->n; i++) {
		int sev = BCD_SEV_INFO;

		if (!first_of_case(fs, i))
			continue;
		cases++;
		for (j = i; j < fs->n; j++)
			if (same_case(&fs->v[i], &fs->v[j]) && fs->v[j].severity > sev)
				sev = fs->v[j].severity;
		fail += sev >= BCD_SEV_WARNING;
	}
	/* A clean store is one passing test case, so CI shows it was checked. */
	snprintf(n, sizeof(n), "%zu", cases ? cases : 1);
	snprintf(nf, sizeof(nf), "%zu", fail);
	if (xmlTextWriterStartElement(w, BAD_CAST "testsuite") < 0 ||
	    xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST name) < 0 ||
	    xmlTextWriterWriteAttribute(w, BAD_CAST "tests", BAD_CAST n) < 0 ||
	    xmlTextWriterWriteAttribute(w, BAD_CAST "failures", BAD_CAST nf) < 0 ||
	    xmlTextWriterWriteAttribute(w, BAD_CAST "errors", BAD_CAST(failed ? "1" : "0")) < 0)
		return -1;
	for (i = 0; i < fs->n; i++)
		if (first_of_case(fs, i) && junit_case(w, name, fs, i) < 0)
			return -1;
	if (!fs->n && (xmlTextWriterStartElement(w, BAD_CAST "testcase") < 0 ||
		       xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST "store") < 0 ||
		       xmlTextWriterWriteAttribute(w, BAD_CAST "classname", BAD_CAST name) < 0 ||
		       (failed && xmlTextWriterWriteElement(w, BAD_CAST "error",
							    BAD_CAST "the store could not be read") < 0) ||
		       xmlTextWriterEndElement(w) < 0))
		return -1;
	return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

int
bv_write_junit(const struct bv_report *r, const char *path)
{
	xmlBufferPtr buf = xmlBufferCreate();
	xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
	struct bk_atomic *tmp = NULL;
	struct bk_errbuf eb;
	size_t i;
	FILE *f;
	int rc = -1;

	if (!w)
		goto out;
	xmlTextWriterSetIndent(w, 1);
	if (xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0 ||
	    xmlTextWriterStartElement(w, BAD_CAST "testsuites") < 0 ||
	    xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST "bcdverify") < 0)
		goto out;
	if (r->disks.n && junit_suite(w, "disks", &r->disks, false) < 0)
		goto out;
	for (i = 0; i < r->nstores; i++)
		if (junit_suite(w, r->stores[i].spec, &r->stores[i].found, r->stores[i].failed) < 0)
			goto out;
	if (xmlTextWriterEndDocument(w) < 0)
		goto out;
	xmlFreeTextWriter(w);
	w = NULL;
	if (!(f = bk_atomic_fopen(&eb, path, &tmp))) {
		tool_err("%s", eb.msg);
		goto out;
	}
	fwrite(xmlBufferContent(buf), 1, (size_t)xmlBufferLength(buf), f);
	if ((rc = bk_atomic_fclose(&eb, f, tmp, true)) < 0 && eb.msg[0])
		tool_err("%s", eb.msg);
out:
	if (rc < 0)
		tool_err("%s: cannot write the JUnit report", path);
	if (w)
		xmlFreeTextWriter(w);
	if (buf)
		xmlBufferFree(buf);
	return rc;
}
