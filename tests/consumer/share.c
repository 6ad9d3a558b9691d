// SPDX-License-Identifier: MIT
/*
 * An application from outside the tree: it knows libkshm only through
 * `make install` and pkg-config (tests/consumer/build does exactly that,
 * then the VM runs it). It maps region 0 and shares it with a child.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <kshm.h>

int main(void)
{
	struct kshm *k = kshm_open("/dev/kshm0", O_RDWR);
	char *p = k ? kshm_map(k, 0, 4096, PROT_READ | PROT_WRITE) : NULL;

	if (!p)
		return 1;
	if (fork() == 0) {
		strcpy(p, "written by the child");
		_exit(0);
	}
	wait(NULL);
	return strcmp(p, "written by the child") != 0;
}
