// SPDX-License-Identifier: GPL-2.0
/*
 * kshmctl: byte counts in and out, and the hexdump of `kshmctl dump`.
 * No device here: tests/tools tests these on the host.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "kshmctl.h"

static unsigned int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

static unsigned int suffix_shift(char c)
{
	switch (c) {
	case 'k': case 'K': return 10;
	case 'm': case 'M': return 20;
	case 'g': case 'G': return 30;
	case 't': case 'T': return 40;
	}
	return 0;
}

/* By hand, not strtoull(): that one takes spaces, signs and "-1". */
int kshmctl_parse_size(const char *s, uint64_t *out)
{
	unsigned int base = 10, shift, d;
	uint64_t v = 0;
	const char *p = s;

	if (!s)
		return -EINVAL;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (digit_value(*p) >= base)
		return -EINVAL;
	for (; (d = digit_value(*p)) < base; p++) {
		if (v > (UINT64_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	shift = suffix_shift(*p);
	if (shift)
		p++;
	if (*p)
		return -EINVAL;
	if (v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = v << shift;
	return 0;
}

char *kshmctl_format_size(uint64_t v, char *buf)
{
	static const char units[] = "TGMK";
	unsigned int i;

	for (i = 0; v && i < 4; i++) {
		unsigned int shift = 40 - 10 * i;

		if (!(v & ((UINT64_C(1) << shift) - 1))) {
			snprintf(buf, KSHMCTL_SIZE_BUF, "%" PRIu64 "%c",
				 v >> shift, units[i]);
			return buf;
		}
	}
	snprintf(buf, KSHMCTL_SIZE_BUF, "%" PRIu64, v);
	return buf;
}

void kshmctl_hexdump_start(struct kshmctl_hexdump *hd, FILE *out,
			   uint64_t off, bool all)
{
	memset(hd, 0, sizeof(*hd));
	hd->out = out;
	hd->off = off;
	hd->all = all;
}

static void print_line(struct kshmctl_hexdump *hd)
{
	size_t i;

	fprintf(hd->out, "%08" PRIx64 " ", hd->off);
	for (i = 0; i < 16; i++) {
		if (i == 8)
			fputc(' ', hd->out);
		if (i < hd->fill)
			fprintf(hd->out, " %02x", hd->line[i]);
		else
			fputs("   ", hd->out);
	}
	fputs("  |", hd->out);
	for (i = 0; i < hd->fill; i++) {
		unsigned char c = hd->line[i];

		fputc(c >= 0x20 && c < 0x7f ? c : '.', hd->out);
	}
	fputs("|\n", hd->out);
}

/* A full line: printed, or folded into the "*" of a run of equal lines. */
static void full_line(struct kshmctl_hexdump *hd)
{
	if (!hd->all && hd->have_prev && !memcmp(hd->line, hd->prev, 16)) {
		if (!hd->starred)
			fputs("*\n", hd->out);
		hd->starred = true;
	} else {
		print_line(hd);
		memcpy(hd->prev, hd->line, 16);
		hd->have_prev = true;
		hd->starred = false;
	}
	hd->off += 16;
	hd->fill = 0;
}

void kshmctl_hexdump_feed(struct kshmctl_hexdump *hd, const void *buf,
			  size_t len)
{
	const unsigned char *p = buf;

	if (len)
		hd->any = true;
	while (len) {
		size_t n = 16 - hd->fill;

		if (n > len)
			n = len;
		memcpy(hd->line + hd->fill, p, n);
		hd->fill += n;
		p += n;
		len -= n;
		if (hd->fill == 16)
			full_line(hd);
	}
}

void kshmctl_hexdump_end(struct kshmctl_hexdump *hd)
{
	if (!hd->any)
		return;
	if (hd->fill) {
		print_line(hd);
		hd->off += hd->fill;
		hd->fill = 0;
	}
	fprintf(hd->out, "%08" PRIx64 "\n", hd->off);
}
