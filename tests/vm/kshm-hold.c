// SPDX-License-Identifier: GPL-2.0
/*
 * kshm-hold DEVICE: map one page of DEVICE, write a pattern, close the fd,
 * print "ready" and wait for end of input on stdin; then check the
 * pattern is intact and exit 0. The guest's lifecycle test uses it to
 * hold a mapping while it tries to unload the module.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static const char pattern[] = "kshm-hold pattern";
	char c, *p;
	int fd;

	if (argc != 2)
		return 2;
	fd = open(argv[1], O_RDWR);
	if (fd < 0)
		return 3;
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return 4;
	close(fd);
	memcpy(p, pattern, sizeof(pattern));
	printf("ready\n");
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	return memcmp(p, pattern, sizeof(pattern)) ? 1 : 0;
}
