/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshmctl's parts that touch no device: sizes, the hexdump, and how a
 * struct kshm_info is shown (text, JSON, a table row, a watch line).
 * Kept apart from kshmctl.c so that tests/tools tests them on the host.
 */
#ifndef KSHMCTL_H
#define KSHMCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <kshm.h>

/* Room for any kshmctl_format_size() result, with its NUL. */
#define KSHMCTL_SIZE_BUF	24

/*
 * Parse a byte count: decimal digits or 0x and hex digits, then at most
 * one of K, M, G, T (either case; powers of 1024). Nothing else: no sign,
 * no spaces, no fraction.
 *
 * Returns 0 with *@out set; -EINVAL when @s is not such a number, -ERANGE
 * when it does not fit in 64 bits.
 */
int kshmctl_parse_size(const char *s, uint64_t *out);

/*
 * Write @v into @buf (KSHMCTL_SIZE_BUF bytes) with the largest of T, G,
 * M, K that divides it exactly, else in plain bytes: the result parses
 * back to @v. Returns @buf.
 */
char *kshmctl_format_size(uint64_t v, char *buf);

/*
 * A hexdump in `hexdump -C` format: 16 bytes a line, offsets counted
 * from @off, a run of lines equal to the one before printed as one "*"
 * (unless @all), and a last line holding the end offset.
 */
struct kshmctl_hexdump {
	FILE *out;
	uint64_t off;		/* offset of line[0] */
	unsigned char line[16];
	size_t fill;		/* bytes in line[] */
	unsigned char prev[16];
	bool have_prev;		/* prev[] holds the last full line printed */
	bool starred;		/* a "*" stands for the lines since then */
	bool all;		/* never collapse */
	bool any;		/* a byte was fed */
};

void kshmctl_hexdump_start(struct kshmctl_hexdump *hd, FILE *out,
			   uint64_t off, bool all);
void kshmctl_hexdump_feed(struct kshmctl_hexdump *hd, const void *buf,
			  size_t len);
/* Print what is left and the end offset (nothing at all for no bytes). */
void kshmctl_hexdump_end(struct kshmctl_hexdump *hd);

/* "pages", "vmalloc", "huge", or "unknown" for a value this tool predates. */
const char *kshmctl_backing_name(uint32_t backing);

/*
 * One region as "key: value" lines, or as one JSON object (no newline
 * after it). Only the fields info->mask says are valid are shown: an
 * older driver simply shows fewer. @path is the node's path, or NULL to
 * derive it from the name.
 */
void kshmctl_info_text(FILE *out, const struct kshm_info *info,
		       const char *path);
void kshmctl_info_json(FILE *out, const struct kshm_info *info,
		       const char *path);

/* kshmctl list's table: the header, then one row per region. */
void kshmctl_list_header(FILE *out);
void kshmctl_list_row(FILE *out, const struct kshm_info *info);

/*
 * kshmctl watch: the header, for the fields @info has, then one line per
 * sample. @prev is the sample @dt seconds before @cur, or NULL for the
 * first line, whose rates read "-". @t is the seconds since the first.
 */
void kshmctl_watch_header(FILE *out, const struct kshm_info *info);
void kshmctl_watch_line(FILE *out, const struct kshm_info *prev,
			const struct kshm_info *cur, double t, double dt);

#endif /* KSHMCTL_H */
