// SPDX-License-Identifier: GPL-2.0
/*
 * kshm-resize DEVICE BYTES: KSHM_IOC_SET_SIZE from the guest's shell
 * scripts. Exits 0 on success, else prints the error and exits 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kshm.h>

int main(int argc, char **argv)
{
	struct kshm_resize args = { 0 };
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: kshm-resize DEVICE BYTES\n");
		return 2;
	}
	args.size = strtoull(argv[2], NULL, 0);
	fd = open(argv[1], O_RDWR);
	if (fd < 0 || ioctl(fd, KSHM_IOC_SET_SIZE, &args)) {
		fprintf(stderr, "kshm-resize %s %s: %s\n", argv[1], argv[2],
			strerror(errno));
		return 1;
	}
	close(fd);
	return 0;
}
