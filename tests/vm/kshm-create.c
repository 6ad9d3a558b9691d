// SPDX-License-Identifier: GPL-2.0
/*
 * kshm-create NAME BYTES [BACKING]: KSHM_IOC_CREATE from the guest's
 * shell scripts, making /dev/kshm-NAME (BACKING: a KSHM_BACKING_* number,
 * default 0); max_size is 4 times BYTES, so a test can grow it.
 * kshm-create -d NAME: KSHM_IOC_DESTROY. Exits 0 on success, else prints
 * the error and exits 1.
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
	struct kshm_create create = { .argsz = sizeof(create) };
	struct kshm_destroy destroy = { 0 };
	int destroying = argc == 3 && !strcmp(argv[1], "-d");
	const char *name = destroying ? argv[2] : argv[1];
	int fd, ret;

	if (!destroying && (argc < 3 || argc > 4)) {
		fprintf(stderr, "usage: kshm-create NAME BYTES [BACKING] | -d NAME\n");
		return 2;
	}
	fd = open("/dev/kshm", O_RDWR);
	if (fd < 0) {
		perror("kshm-create: /dev/kshm");
		return 1;
	}
	if (destroying) {
		snprintf(destroy.name, sizeof(destroy.name), "%s", name);
		ret = ioctl(fd, KSHM_IOC_DESTROY, &destroy);
	} else {
		snprintf(create.name, sizeof(create.name), "%s", name);
		create.size = strtoull(argv[2], NULL, 0);
		create.max_size = create.size * 4;
		create.backing = argc > 3 ? atoi(argv[3]) : 0;
		ret = ioctl(fd, KSHM_IOC_CREATE, &create);
	}
	if (ret) {
		fprintf(stderr, "kshm-create: %s %s: %s\n",
			destroying ? "destroy" : "create", name, strerror(errno));
		return 1;
	}
	close(fd);
	return 0;
}
