// SPDX-License-Identifier: GPL-2.0
/*
 * kshm-uevents: print "ACTION DEVNAME" for every kernel uevent of a kshm
 * device node until killed, one flushed line each. The guest has no
 * udev; this tells a test whether a node ever appeared, however briefly.
 * Prints "ready" once it listens.
 */
#include <linux/netlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	struct sockaddr_nl addr = {
		.nl_family = AF_NETLINK, .nl_groups = 1,  /* kernel events */
	};
	char buf[8192];
	int fd;

	fd = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_KOBJECT_UEVENT);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		perror("kshm-uevents: netlink");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		const char *action = "", *devname = "";
		ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);
		char *p;

		if (n <= 0)
			continue;
		buf[n] = 0;
		/* "action@devpath\0KEY=value\0..." */
		for (p = buf; p < buf + n; p += strlen(p) + 1) {
			if (!strncmp(p, "ACTION=", 7))
				action = p + 7;
			else if (!strncmp(p, "DEVNAME=", 8))
				devname = p + 8;
		}
		if (!strncmp(devname, "kshm", 4)) {
			printf("%s %s\n", action, devname);
			fflush(stdout);
		}
	}
}
