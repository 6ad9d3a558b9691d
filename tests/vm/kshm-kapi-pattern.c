// SPDX-License-Identifier: GPL-2.0
/*
 * kshm-kapi-pattern DEVICE [hold]: check the pattern kshm_kapi_test.ko
 * wrote through kshm_vmap() (byte i is (i * 7 + 3) & 0xff), through
 * pread() and through a shared mapping. With "hold": map, close the fd,
 * check, print "ready", wait for a line on stdin (the test unloads the
 * client module meanwhile), then check the mapping again, write through
 * it and read the write back. Exit 0 only if every check held.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define SIZE	(64 * 1024)

static int check(const volatile unsigned char *p, const char *what)
{
	size_t i;

	for (i = 0; i < SIZE; i++) {
		if (p[i] != ((i * 7 + 3) & 0xff)) {
			printf("%s: byte %zu is %#x\n", what, i, p[i]);
			return 1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static unsigned char buf[SIZE];
	volatile unsigned char *map;
	char line[16];
	int fd;

	if (argc < 2) {
		fprintf(stderr, "usage: kshm-kapi-pattern DEVICE [hold]\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR);
	if (fd < 0 || pread(fd, buf, SIZE, 0) != SIZE) {
		perror(argv[1]);
		return 1;
	}
	if (check(buf, "pread"))
		return 1;
	map = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	close(fd);
	if (check(map, "mapping"))
		return 1;
	if (argc < 3 || strcmp(argv[2], "hold"))
		return 0;
	printf("ready\n");
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 1;
	if (check(map, "mapping after unload"))
		return 1;
	map[5] = 0x5a;
	return map[5] == 0x5a ? 0 : 1;
}
