// SPDX-License-Identifier: GPL-2.0
/*
 * abi-check: prints the kshm ABI's numbers, one per line, for
 * check-abi.sh to compare with Documentation/abi.md:
 *   struct TAG SIZE
 *   field TAG FIELD OFFSET SIZE
 *   ioctl COMMAND VALUE
 *   const NAME VALUE            (decimal)
 * The numbers themselves are pinned by abi-layout.h's static asserts, so
 * this program only builds when the header still has them. It also
 * checks that the fields of each struct follow each other with no gap (no
 * implicit padding); exits 1 if not.
 */
#include <stdio.h>
#include <string.h>

#include "abi-layout.h"

struct field {
	const char *tag, *name;
	size_t off, size;
};

static const struct field fields[] = {
#define KSHM_ABI_FIELD_ROW(tag, field, off, size) { #tag, #field, off, size },
	KSHM_ABI_FIELDS(KSHM_ABI_FIELD_ROW)
};

int main(void)
{
	const char *tag = "";
	size_t i, end = 0;
	int status = 0;

#define KSHM_ABI_PRINT_STRUCT(tag, size, last) \
	printf("struct %s %zu\n", #tag, sizeof(struct tag));
	KSHM_ABI_STRUCTS(KSHM_ABI_PRINT_STRUCT)

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const struct field *f = &fields[i];

		if (strcmp(f->tag, tag)) {
			tag = f->tag;
			end = 0;
		}
		if (f->off != end) {
			fprintf(stderr, "abi-check: %s.%s at %zu, not at %zu: a gap\n",
				f->tag, f->name, f->off, end);
			status = 1;
		}
		end = f->off + f->size;
		printf("field %s %s %zu %zu\n", f->tag, f->name, f->off, f->size);
	}

#define KSHM_ABI_PRINT_COMMAND(cmd, tag, dir, nr, value) \
	printf("ioctl %s %#lx\n", #cmd, (unsigned long)cmd);
	KSHM_ABI_COMMANDS(KSHM_ABI_PRINT_COMMAND)

#define KSHM_ABI_PRINT_CONSTANT(name, value) \
	printf("const %s %llu\n", #name, (unsigned long long)(name));
	KSHM_ABI_CONSTANTS(KSHM_ABI_PRINT_CONSTANT)
	return status;
}
