/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshm's tracepoints: /sys/kernel/tracing/events/kshm/ (Documentation/
 * tracing.md). Regions are named by their node's name, never by an
 * address.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM kshm

#if !defined(_KSHM_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _KSHM_TRACE_H

#include <linux/mm_types.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "kshm.h"

/* A region's name, copied into the event (no pointer is ever recorded). */
#define KSHM_TRACE_NAME		__array(char, name, KSHM_NAME_MAX)
#define kshm_trace_name(r)	strscpy(__entry->name, (r)->name, KSHM_NAME_MAX)

TRACE_EVENT(kshm_fault,
	    TP_PROTO(struct kshm_region *r, pgoff_t pgoff, bool write,
		     unsigned int pages, bool pmd, vm_fault_t result),
	    TP_ARGS(r, pgoff, write, pages, pmd, result),
	    TP_STRUCT__entry(KSHM_TRACE_NAME
			     __field(unsigned long, pgoff)
			     __field(unsigned int, pages)
			     __field(bool, write)
			     __field(bool, pmd)
			     __field(unsigned int, result)),
	    TP_fast_assign(kshm_trace_name(r);
			   __entry->pgoff = pgoff;
			   __entry->pages = pages;
			   __entry->write = write;
			   __entry->pmd = pmd;
			   __entry->result = (__force unsigned int)result;),
	    TP_printk("%s pgoff=%lu write=%d pages=%u pmd=%d result=%#x",
		      __entry->name, __entry->pgoff, __entry->write,
		      __entry->pages, __entry->pmd, __entry->result)
);

/*
 * A fault of a block backing that mapped nothing because a racing fault
 * of the other size got there first: @pmd, a 2 MiB fault that found a
 * page table (or a 2 MiB entry); else a 4 KiB fault that found a 2 MiB
 * entry, or no page table. The access is retried; not counted in faults.
 */
TRACE_EVENT(kshm_fault_raced,
	    TP_PROTO(struct kshm_region *r, pgoff_t pgoff, bool pmd),
	    TP_ARGS(r, pgoff, pmd),
	    TP_STRUCT__entry(KSHM_TRACE_NAME
			     __field(unsigned long, pgoff)
			     __field(bool, pmd)),
	    TP_fast_assign(kshm_trace_name(r);
			   __entry->pgoff = pgoff;
			   __entry->pmd = pmd;),
	    TP_printk("%s pgoff=%lu pmd=%d", __entry->name, __entry->pgoff,
		      __entry->pmd)
);

DECLARE_EVENT_CLASS(kshm_vma,
		    TP_PROTO(struct kshm_region *r, pgoff_t pgoff, unsigned long pages,
			     unsigned long mappings),
		    TP_ARGS(r, pgoff, pages, mappings),
		    TP_STRUCT__entry(KSHM_TRACE_NAME
				     __field(unsigned long, pgoff)
				     __field(unsigned long, pages)
				     __field(unsigned long, mappings)),
		    TP_fast_assign(kshm_trace_name(r);
				   __entry->pgoff = pgoff;
				   __entry->pages = pages;
				   __entry->mappings = mappings;),
		    TP_printk("%s pgoff=%lu pages=%lu mappings=%lu", __entry->name,
			      __entry->pgoff, __entry->pages, __entry->mappings)
);

/* A mapping made: mmap(), or a VMA copied or split (fork, munmap). */
DEFINE_EVENT(kshm_vma, kshm_map,
	     TP_PROTO(struct kshm_region *r, pgoff_t pgoff, unsigned long pages,
		      unsigned long mappings),
	     TP_ARGS(r, pgoff, pages, mappings)
);

/* A mapping gone. */
DEFINE_EVENT(kshm_vma, kshm_unmap,
	     TP_PROTO(struct kshm_region *r, pgoff_t pgoff, unsigned long pages,
		      unsigned long mappings),
	     TP_ARGS(r, pgoff, pages, mappings)
);

TRACE_EVENT(kshm_resize,
	    TP_PROTO(struct kshm_region *r, u64 old_size, u64 new_size,
		     int result),
	    TP_ARGS(r, old_size, new_size, result),
	    TP_STRUCT__entry(KSHM_TRACE_NAME
			     __field(u64, old_size)
			     __field(u64, new_size)
			     __field(int, result)),
	    TP_fast_assign(kshm_trace_name(r);
			   __entry->old_size = old_size;
			   __entry->new_size = new_size;
			   __entry->result = result;),
	    TP_printk("%s old_size=%llu new_size=%llu result=%d",
		      __entry->name, __entry->old_size, __entry->new_size,
		      __entry->result)
);

DECLARE_EVENT_CLASS(kshm_ring_record,
		    TP_PROTO(struct kshm_region *r, u64 off, u32 len, bool discard),
		    TP_ARGS(r, off, len, discard),
		    TP_STRUCT__entry(KSHM_TRACE_NAME
				     __field(u64, off)
				     __field(u32, len)
				     __field(bool, discard)),
		    TP_fast_assign(kshm_trace_name(r);
				   __entry->off = off;
				   __entry->len = len;
				   __entry->discard = discard;),
		    TP_printk("%s off=%llu len=%u discard=%d", __entry->name,
			      __entry->off, __entry->len, __entry->discard)
);

/*
 * K2U: a kernel producer committed (or discarded) a record whose header
 * is @off bytes into the data area.
 */
DEFINE_EVENT(kshm_ring_record, kshm_ring_produce,
	     TP_PROTO(struct kshm_region *r, u64 off, u32 len, bool discard),
	     TP_ARGS(r, off, len, discard)
);

/* U2K: the kernel consumer took the record @off bytes into the data. */
DEFINE_EVENT(kshm_ring_record, kshm_ring_consume,
	     TP_PROTO(struct kshm_region *r, u64 off, u32 len, bool discard),
	     TP_ARGS(r, off, len, discard)
);

/* K2U: a record of @len bytes refused for want of room. */
TRACE_EVENT(kshm_ring_drop,
	    TP_PROTO(struct kshm_region *r, u32 len, u64 dropped),
	    TP_ARGS(r, len, dropped),
	    TP_STRUCT__entry(KSHM_TRACE_NAME
			     __field(u32, len)
			     __field(u64, dropped)),
	    TP_fast_assign(kshm_trace_name(r);
			   __entry->len = len;
			   __entry->dropped = dropped;),
	    TP_printk("%s len=%u dropped=%llu", __entry->name, __entry->len,
		      __entry->dropped)
);

#endif /* _KSHM_TRACE_H */

/* An out-of-tree module: the header is found beside the sources. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE kshm_trace
#include <trace/define_trace.h>
