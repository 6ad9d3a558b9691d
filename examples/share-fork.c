// SPDX-License-Identifier: MIT
/*
 * share-fork: a parent and its child talk through one region, no copy.
 *
 * The parent maps the region and forks. The child inherits the mapping:
 * it waits for the parent's question, answers in the same memory and
 * exits. Neither side copies a byte through the kernel: both use the
 * same physical pages. Exits 1 if the answer does not arrive.
 *
 * Build: cc -o share-fork share-fork.c $(pkg-config --cflags --libs libkshm)
 * Run:   sudo ./share-fork [/dev/kshm0]
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <kshm.h>

/* What the two processes share, at the start of the region. */
struct mailbox {
	atomic_int turn;	/* 0 empty, 1 question asked, 2 answered */
	char text[256];
};

static int wait_turn(struct mailbox *m, int turn)
{
	for (long spins = 0; atomic_load(&m->turn) != turn; spins++) {
		if (spins > 200000000L)
			return -1;
		sched_yield();
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/dev/kshm0";
	long pg = sysconf(_SC_PAGESIZE);
	struct mailbox *m;
	struct kshm *k;
	int status;
	pid_t pid;

	/* Lines in order even when stdout is a pipe. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	k = kshm_open(path, O_RDWR);
	if (!k) {
		fprintf(stderr, "kshm_open %s: %s\n", path, strerror(errno));
		return 1;
	}
	m = kshm_map(k, 0, pg, PROT_READ | PROT_WRITE);
	if (!m) {
		fprintf(stderr, "kshm_map: %s\n", strerror(errno));
		kshm_close(k);
		return 1;
	}
	atomic_store(&m->turn, 0);

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (!pid) {
		/* The child: the mapping came with fork(). */
		if (wait_turn(m, 1))
			_exit(1);
		printf("child  (pid %d) read:  \"%s\"\n", getpid(), m->text);
		snprintf(m->text, sizeof(m->text),
			 "pid %d answers through the same page", getpid());
		fflush(stdout);
		atomic_store(&m->turn, 2);
		_exit(0);
	}

	snprintf(m->text, sizeof(m->text), "pid %d asks: anyone there?",
		 getpid());
	printf("parent (pid %d) wrote: \"%s\"\n", getpid(), m->text);
	atomic_store(&m->turn, 1);
	if (wait_turn(m, 2)) {
		fprintf(stderr, "no answer from the child\n");
		waitpid(pid, &status, 0);
		return 1;
	}
	printf("parent (pid %d) read:  \"%s\"\n", getpid(), m->text);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fprintf(stderr, "the child failed\n");
		return 1;
	}
	printf("Both processes used the same page of %s: nothing was copied.\n",
	       path);
	kshm_unmap(m, pg);
	kshm_close(k);
	return 0;
}
