/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the benchmark's three producers (kshm_gen, kshm_nlbench,
 * kshm_fifobench) share: where their kernel thread runs. Their cpu=
 * parameter binds it to one CPU, so that tools/ring-bench can put the
 * producer and the consumer on CPUs of their own for every method alike.
 */
#ifndef _KSHM_BENCH_H
#define _KSHM_BENCH_H

#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/sched.h>

/**
 * kshm_bench_thread() - start a producer thread, on one CPU or anywhere
 * @fn: the thread function, given NULL
 * @name: the thread's name
 * @cpu: the CPU to bind it to, or -1 for wherever the scheduler likes
 *
 * Return: the running thread; ERR_PTR(-EINVAL) for a CPU that is not
 * online, or kthread_create()'s error.
 */
static inline struct task_struct *kshm_bench_thread(int (*fn)(void *),
						    const char *name, int cpu)
{
	struct task_struct *task;

	if (cpu < -1 || cpu >= (int)nr_cpu_ids || (cpu >= 0 && !cpu_online(cpu)))
		return ERR_PTR(-EINVAL);
	task = kthread_create(fn, NULL, "%s", name);
	if (IS_ERR(task))
		return task;
	if (cpu >= 0)
		kthread_bind(task, cpu);
	wake_up_process(task);
	return task;
}

#endif /* _KSHM_BENCH_H */
