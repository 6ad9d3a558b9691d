/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The records of the benchmark modules (kshm_gen, kshm_nlbench,
 * kshm_fifobench) and of the echo tests: one generator, so that the three
 * transports carry the same bytes, and one check, for user space.
 *
 * Record number SEQ of LEN bytes is the sequence of 64-bit words
 * w(k) = SEQ + k * KSHM_GEN_STEP, k = 0, 1, ..., in native byte order,
 * cut to LEN bytes: the first word is the sequence number, and a record
 * torn, shifted or mixed with another fails the check.
 */
#ifndef _KSHM_GEN_H
#define _KSHM_GEN_H

#include <linux/types.h>
#ifdef __KERNEL__
#include <linux/string.h>
#else
#include <string.h>
#endif

#define KSHM_GEN_REGION		"gen"		/* kshm_gen's node: /dev/kshm-gen */
#define KSHM_GEN_STEP		0x9e3779b97f4a7c15ULL

/**
 * kshm_gen_fill() - write record @seq into @buf
 * @buf: @len bytes, any alignment
 * @len: record length in bytes
 * @seq: sequence number
 */
static inline void kshm_gen_fill(void *buf, __u32 len, __u64 seq)
{
	unsigned char *p = buf;
	__u64 w = seq;
	__u32 i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(p + i, &w, 8);
		w += KSHM_GEN_STEP;
	}
	if (i < len)
		memcpy(p + i, &w, len - i);
}

/**
 * kshm_gen_check() - compare @buf with record @seq
 * @buf: @len bytes, any alignment
 * @len: record length in bytes
 * @seq: the sequence number expected
 *
 * Reads every byte once. Return: 0 if @buf holds record @seq, else the
 * byte offset of the first 8-byte word that differs, plus one.
 */
static inline __u32 kshm_gen_check(const void *buf, __u32 len, __u64 seq)
{
	const unsigned char *p = buf;
	__u64 w = seq, v = 0;
	__u32 i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&v, p + i, 8);
		if (v != w)
			return i + 1;
		w += KSHM_GEN_STEP;
	}
	if (i < len) {
		v = 0;
		memcpy(&v, p + i, len - i);
		if (memcmp(&v, &w, len - i))
			return i + 1;
	}
	return 0;
}

/**
 * kshm_gen_seq() - the sequence number a record claims
 * @buf: the record
 * @len: its length; a record shorter than 8 bytes holds only part of it
 *
 * Return: the first word, or as much of it as @len holds.
 */
static inline __u64 kshm_gen_seq(const void *buf, __u32 len)
{
	__u64 v = 0;

	memcpy(&v, buf, len < 8 ? len : 8);
	return v;
}

#endif /* _KSHM_GEN_H */
