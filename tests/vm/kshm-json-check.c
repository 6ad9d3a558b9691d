// SPDX-License-Identifier: GPL-2.0
/*
 * kshm-json-check: exit 0 when standard input is exactly one JSON value
 * (RFC 8259), else say where it went wrong and exit 1. The guest's
 * busybox has no jq or python; tests/vm/guest/kshmctl.sh checks
 * kshmctl's --json output with it (and checks that it refuses bad JSON).
 */
#include <stdio.h>
#include <string.h>

static char doc[1 << 20];
static size_t pos, len;
static const char *error;

static void ws(void)
{
	/* strchr() would match the NUL of its own string: test it apart. */
	while (pos < len && doc[pos] && strchr(" \t\r\n", doc[pos]))
		pos++;
}

static int fail(const char *what)
{
	if (!error)
		error = what;
	return 0;
}

static int literal(const char *word)
{
	size_t n = strlen(word);

	if (len - pos < n || memcmp(doc + pos, word, n))
		return fail("bad literal");
	pos += n;
	return 1;
}

static int digits(void)
{
	size_t start = pos;

	while (pos < len && doc[pos] >= '0' && doc[pos] <= '9')
		pos++;
	return pos > start ? 1 : fail("digit expected");
}

static int number(void)
{
	if (doc[pos] == '-')
		pos++;
	if (pos < len && doc[pos] == '0')
		pos++;
	else if (!digits())
		return 0;
	if (pos < len && doc[pos] == '.') {
		pos++;
		if (!digits())
			return 0;
	}
	if (pos < len && (doc[pos] == 'e' || doc[pos] == 'E')) {
		pos++;
		if (pos < len && (doc[pos] == '+' || doc[pos] == '-'))
			pos++;
		if (!digits())
			return 0;
	}
	return 1;
}

static int string(void)
{
	int i;

	if (doc[pos++] != '"')
		return fail("string expected");
	while (pos < len && doc[pos] != '"') {
		unsigned char c = doc[pos++];

		if (c < 0x20)
			return fail("control character in a string");
		if (c != '\\')
			continue;
		if (pos >= len)
			break;
		c = doc[pos++];
		if (c == 'u') {
			for (i = 0; i < 4; i++, pos++)
				if (pos >= len || !doc[pos] ||
				    !strchr("0123456789abcdefABCDEF", doc[pos]))
					return fail("bad \\u escape");
		} else if (!c || !strchr("\"\\/bfnrt", c)) {
			return fail("bad escape");
		}
	}
	if (pos >= len)
		return fail("unterminated string");
	pos++;
	return 1;
}

static int value(int depth);

/* An object or an array: @close ends it, members are "key": value. */
static int container(int depth, char close)
{
	pos++;
	ws();
	if (pos < len && doc[pos] == close) {
		pos++;
		return 1;
	}
	for (;;) {
		ws();
		if (close == '}') {
			if (pos >= len || doc[pos] != '"' || !string())
				return fail("member name expected");
			ws();
			if (pos >= len || doc[pos++] != ':')
				return fail("':' expected");
		}
		if (!value(depth + 1))
			return 0;
		ws();
		if (pos < len && doc[pos] == ',') {
			pos++;
			continue;
		}
		if (pos < len && doc[pos] == close) {
			pos++;
			return 1;
		}
		return fail(close == '}' ? "',' or '}' expected" : "',' or ']' expected");
	}
}

static int value(int depth)
{
	ws();
	if (depth > 64)
		return fail("nested too deep");
	if (pos >= len)
		return fail("value expected");
	switch (doc[pos]) {
	case '{': return container(depth, '}');
	case '[': return container(depth, ']');
	case '"': return string();
	case 't': return literal("true");
	case 'f': return literal("false");
	case 'n': return literal("null");
	}
	if (doc[pos] == '-' || (doc[pos] >= '0' && doc[pos] <= '9'))
		return number();
	return fail("value expected");
}

int main(void)
{
	len = fread(doc, 1, sizeof(doc), stdin);
	if (len == sizeof(doc)) {
		fprintf(stderr, "kshm-json-check: input too long\n");
		return 1;
	}
	if (value(0)) {
		ws();
		if (pos == len)
			return 0;
		fail("data after the value");
	}
	fprintf(stderr, "kshm-json-check: byte %zu: %s\n", pos, error);
	return 1;
}
