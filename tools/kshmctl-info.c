// SPDX-License-Identifier: GPL-2.0
/*
 * kshmctl: how a struct kshm_info is shown. One table of fields drives
 * the text and the JSON, so the two never disagree, and each field is
 * shown only when info->mask says the driver filled it: a driver older
 * than this tool shows fewer fields, never a zero it did not mean.
 */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include "kshmctl.h"

enum kind {
	K_U64,		/* a count */
	K_BYTES,	/* a u64 of bytes: text adds the short form */
	K_PAGES,	/* a u64 of pages: text adds the bytes, short form */
	K_U32,
	K_INDEX,	/* u32; KSHM_INDEX_NONE has no number */
	K_BACKING,	/* u32 KSHM_BACKING_* */
	K_FLAGS,	/* u32 KSHM_FAULT_* */
};

struct field {
	const char *name;
	uint64_t bit;
	size_t off;
	enum kind kind;
};

#define F(name, bit, kind) { #name, bit, offsetof(struct kshm_info, name), kind }

static const struct field fields[] = {
	F(index, KSHM_INFO_INDEX, K_INDEX),
	F(backing, KSHM_INFO_BACKING, K_BACKING),
	F(size, KSHM_INFO_SIZE, K_BYTES),
	F(max_size, KSHM_INFO_MAX_SIZE, K_BYTES),
	F(page_size, KSHM_INFO_PAGE_SIZE, K_U32),
	F(resident_pages, KSHM_INFO_RESIDENT_PAGES, K_PAGES),
	F(faults, KSHM_INFO_FAULTS, K_U64),
	F(mappings, KSHM_INFO_MAPPINGS, K_U64),
	F(around_pages, KSHM_INFO_AROUND_PAGES, K_U64),
	F(prefault_pages, KSHM_INFO_PREFAULT_PAGES, K_U64),
	F(huge_maps, KSHM_INFO_HUGE_MAPS, K_U64),
	F(huge_fallbacks, KSHM_INFO_HUGE_FALLBACKS, K_U64),
	F(fault_around, KSHM_INFO_FAULT_POLICY, K_U32),
	F(fault_flags, KSHM_INFO_FAULT_POLICY, K_FLAGS),
};

static uint64_t field_value(const struct kshm_info *info, const struct field *f)
{
	const char *p = (const char *)info + f->off;
	uint64_t v64;
	uint32_t v32;

	switch (f->kind) {
	case K_U64:
	case K_BYTES:
	case K_PAGES:
		memcpy(&v64, p, sizeof(v64));
		return v64;
	default:
		memcpy(&v32, p, sizeof(v32));
		return v32;
	}
}

const char *kshmctl_backing_name(uint32_t backing)
{
	switch (backing) {
	case KSHM_BACKING_PAGES: return "pages";
	case KSHM_BACKING_VMALLOC: return "vmalloc";
	case KSHM_BACKING_HUGE: return "huge";
	}
	return "unknown";
}

/* The node's name, bounded: the kernel NUL-terminates it, but be sure. */
static const char *region_name(const struct kshm_info *info, char *buf)
{
	if (info->mask & KSHM_INFO_NAME) {
		memcpy(buf, info->name, KSHM_NAME_MAX);
		buf[KSHM_NAME_MAX - 1] = '\0';
	} else if ((info->mask & KSHM_INFO_INDEX) &&
		   info->index != KSHM_INDEX_NONE) {
		snprintf(buf, KSHM_NAME_MAX, "kshm%u", info->index);
	} else {
		return NULL;
	}
	return buf;
}

static void text_value(FILE *out, const struct kshm_info *info,
		       const struct field *f)
{
	uint64_t v = field_value(info, f);
	char sz[KSHMCTL_SIZE_BUF];

	switch (f->kind) {
	case K_BYTES:
		fprintf(out, "%" PRIu64 " (%s)", v, kshmctl_format_size(v, sz));
		break;
	case K_PAGES:
		fprintf(out, "%" PRIu64, v);
		if (info->mask & KSHM_INFO_PAGE_SIZE)
			fprintf(out, " (%s)",
				kshmctl_format_size(v * info->page_size, sz));
		break;
	case K_INDEX:
		if (v == KSHM_INDEX_NONE)
			fputs("none", out);
		else
			fprintf(out, "%" PRIu64, v);
		break;
	case K_BACKING:
		fputs(kshmctl_backing_name(v), out);
		if (!strcmp(kshmctl_backing_name(v), "unknown"))
			fprintf(out, " (%" PRIu64 ")", v);
		break;
	case K_FLAGS:
		fprintf(out, "0x%" PRIx64, v);
		if (v & (KSHM_FAULT_PREFAULT | KSHM_FAULT_RESIDENT))
			fprintf(out, " (%s%s%s)",
				v & KSHM_FAULT_PREFAULT ? "prefault" : "",
				(v & KSHM_FAULT_PREFAULT) &&
				(v & KSHM_FAULT_RESIDENT) ? "," : "",
				v & KSHM_FAULT_RESIDENT ? "resident" : "");
		break;
	default:
		fprintf(out, "%" PRIu64, v);
	}
}

void kshmctl_info_text(FILE *out, const struct kshm_info *info,
		       const char *path)
{
	char name[KSHM_NAME_MAX];
	size_t i;

	if (region_name(info, name)) {
		fprintf(out, "%-16s%s\n", "name:", name);
		if (!path)
			fprintf(out, "%-16s/dev/%s\n", "path:", name);
	}
	if (path)
		fprintf(out, "%-16s%s\n", "path:", path);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (!(info->mask & fields[i].bit))
			continue;
		fprintf(out, "%s:%*s", fields[i].name,
			(int)(15 - strlen(fields[i].name)), "");
		text_value(out, info, &fields[i]);
		fputc('\n', out);
	}
}

/* Names are [a-z0-9_-] today; escape anyway, the tool may outlive that. */
static void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

void kshmctl_info_json(FILE *out, const struct kshm_info *info,
		       const char *path)
{
	char name[KSHM_NAME_MAX], full[sizeof("/dev/") + KSHM_NAME_MAX];
	const char *sep = "";
	size_t i;

	fputc('{', out);
	if (region_name(info, name)) {
		fputs("\"name\": ", out);
		json_string(out, name);
		sep = ", ";
		if (!path) {
			snprintf(full, sizeof(full), "/dev/%s", name);
			path = full;
		}
	}
	if (path) {
		fprintf(out, "%s\"path\": ", sep);
		json_string(out, path);
		sep = ", ";
	}
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const struct field *f = &fields[i];
		uint64_t v = field_value(info, f);

		if (!(info->mask & f->bit))
			continue;
		fprintf(out, "%s\"%s\": ", sep, f->name);
		sep = ", ";
		if (f->kind == K_BACKING)
			json_string(out, kshmctl_backing_name(v));
		else if (f->kind == K_INDEX && v == KSHM_INDEX_NONE)
			fputs("null", out);
		else
			fprintf(out, "%" PRIu64, v);
	}
	fputc('}', out);
}

void kshmctl_list_header(FILE *out)
{
	fprintf(out, "%-20s %8s %10s %10s %8s %s\n", "NAME", "SIZE",
		"RESIDENT", "FAULTS", "MAPPINGS", "BACKING");
}

/* A field the driver did not fill reads "-". */
static void cell(FILE *out, const struct kshm_info *info, uint64_t bit,
		 int width, const char *text)
{
	fprintf(out, " %*s", width, info->mask & bit ? text : "-");
}

void kshmctl_list_row(FILE *out, const struct kshm_info *info)
{
	char name[KSHM_NAME_MAX], sz[KSHMCTL_SIZE_BUF], num[24];

	fprintf(out, "%-20s", region_name(info, name) ? name : "?");
	cell(out, info, KSHM_INFO_SIZE, 8, kshmctl_format_size(info->size, sz));
	snprintf(num, sizeof(num), "%" PRIu64, (uint64_t)info->resident_pages);
	cell(out, info, KSHM_INFO_RESIDENT_PAGES, 10, num);
	snprintf(num, sizeof(num), "%" PRIu64, (uint64_t)info->faults);
	cell(out, info, KSHM_INFO_FAULTS, 10, num);
	snprintf(num, sizeof(num), "%" PRIu64, (uint64_t)info->mappings);
	cell(out, info, KSHM_INFO_MAPPINGS, 8, num);
	fprintf(out, " %s\n", info->mask & KSHM_INFO_BACKING ?
		kshmctl_backing_name(info->backing) : "-");
}

/* The watched counters, each with its rate; the later ones when present. */
static const struct {
	uint64_t bit;
	const char *label;
} watched[] = {
	{ KSHM_INFO_RESIDENT_PAGES, "RESIDENT" },
	{ KSHM_INFO_FAULTS, "FAULTS" },
	{ KSHM_INFO_AROUND_PAGES, "AROUND" },
	{ KSHM_INFO_PREFAULT_PAGES, "PREFAULT" },
	{ KSHM_INFO_HUGE_MAPS, "HUGE" },
};

static const struct field *field_by_bit(uint64_t bit)
{
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (fields[i].bit == bit)
			return &fields[i];
	return NULL;
}

void kshmctl_watch_header(FILE *out, const struct kshm_info *info)
{
	size_t i;

	fprintf(out, "%8s %8s %8s", "TIME", "SIZE", "MAPPINGS");
	for (i = 0; i < sizeof(watched) / sizeof(watched[0]); i++) {
		char rate[16];

		if (!(info->mask & watched[i].bit))
			continue;
		snprintf(rate, sizeof(rate), "%s/s", watched[i].label);
		fprintf(out, " %10s %10s", watched[i].label, rate);
	}
	fputc('\n', out);
}

void kshmctl_watch_line(FILE *out, const struct kshm_info *prev,
			const struct kshm_info *cur, double t, double dt)
{
	char sz[KSHMCTL_SIZE_BUF], num[24];
	size_t i;

	snprintf(num, sizeof(num), "%" PRIu64, (uint64_t)cur->mappings);
	fprintf(out, "%8.1f %8s %8s", t,
		cur->mask & KSHM_INFO_SIZE ? kshmctl_format_size(cur->size, sz) : "-",
		cur->mask & KSHM_INFO_MAPPINGS ? num : "-");
	for (i = 0; i < sizeof(watched) / sizeof(watched[0]); i++) {
		const struct field *f = field_by_bit(watched[i].bit);
		uint64_t v;

		if (!(cur->mask & f->bit))
			continue;
		v = field_value(cur, f);
		fprintf(out, " %10" PRIu64, v);
		/* Signed: resident pages go down on a shrink or DONTNEED. */
		if (prev && (prev->mask & f->bit) && dt > 0)
			fprintf(out, " %10.1f",
				(double)(int64_t)(v - field_value(prev, f)) / dt);
		else
			fprintf(out, " %10s", "-");
	}
	fputc('\n', out);
}
