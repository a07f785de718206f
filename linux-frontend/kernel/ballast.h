/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * ballast.ko: the guest balloon for Xen domUs, next to the stock balloon.
 *
 * One struct ballast owns everything; it lives as long as its sysfs
 * kobject (/sys/kernel/ballast) and is freed by the kobject's release.
 * The portable core (core/bcore.c) decides; the files here only do:
 *   main.c   load/unload, the worker, suspend/resume
 *   mem.c    pages and hypercalls (the core's ops), the stock balloon
 *   xenbus.c the watch on memory/ballast, reading it, writing reports,
 *            and whether ballast-agent holds the guest (core/bowner.h)
 *   stats.c  the guest's memory statistics
 *   sysfs.c  /sys/kernel/ballast
 *   oom.c    the OOM notifier
 *   compact.c balloon compaction: ballooned pages the kernel may move
 *   cpu.c    the guest's processors: CPUs dom0 makes available brought
 *            online, the CPU evidence of the report
 */
#ifndef BALLAST_KMOD_H
#define BALLAST_KMOD_H

#include <linux/atomic.h>
#include <linux/balloon_compaction.h>
#include <linux/kobject.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/notifier.h>
#include <linux/ratelimit.h>
#include <linux/sizes.h>
#include <linux/vm_event_item.h>
#include <linux/workqueue.h>
#include <xen/interface/xen.h>
#include <xen/xenbus.h>

#include "bcore.h"
#include "bcpu.h"
#include "bctl.h"
#include "bcycle.h"
#include "bmigrate.h"
#include "bpsi.h"
#include "breport.h"

/* Set by load-time parameters, then owned by sysfs. */
struct ballast_knobs {
	u64 rate_min_kib_s;	/* 0: the host's wish, else the default */
	u64 rate_max_kib_s;	/* 0: the host's wish, else the default */
	u64 floor_kib;		/* 0: derived from the guest's size */
	bool constant_rate;
	bool scrub;		/* clear pages before Xen gets them */
	u32 oom_pages;		/* pages given back per OOM event */
	u32 unload_wait_s;	/* unload waits this long for Xen's frames */
	u32 tick_ms;		/* while not at target */
	u32 idle_ms;		/* at target: statistics only */
	bool compaction;	/* ballooned pages movable (compact.c) */
};

#define BALLAST_F_REREAD	0	/* the watch fired: read memory/ballast */
/* Xen resumed us (save/restore, migration): we may be a new domain whose
 * data/ballast is empty, so report everything at once. */
#define BALLAST_F_RESUMED	1
/* An OOM came since the worker's run began: stop taking pages at once (the
 * batch in hand goes back to the guest, not to Xen); cleared at run end. */
#define BALLAST_F_OOM		2
/* cpu/ changed (or the last look was not settled): look at every CPU */
#define BALLAST_F_CPUS		3
/* Unload: balloon compaction refuses every move from now on. */
#define BALLAST_F_NO_MIGRATE	4

/* The most one OOM event gives back (oom_pages): a bounded notifier. */
#define BALLAST_OOM_PAGES_MAX	(64 * BCORE_BATCH_MAX)

/*
 * What /sys/kernel/ballast shows: written (WRITE_ONCE) under lock by
 * ballast_publish() after every change, read without it (READ_ONCE), so
 * a reader never waits behind the worker. KiB, KiB/s, counts.
 */
struct ballast_view {
	u64 target_kib, current_kib, ballooned_kib, boot_kib;
	u64 stock_target_kib, oom_relief_kib;
	u64 rate, rate_min, rate_max, floor_kib;
	u64 alloc_failures, host_refusals, bad_targets, oom_deflates;
	u64 migrated_pages, migrate_failures, compaction;
	u64 report_seq, uncooperative, constant_rate;
	u64 state;		/* enum ballast_state */
};

struct ballast {
	struct kobject kobj;		/* /sys/kernel/ballast; release frees us */
	struct ballast_view view;	/* lock-free reads; see above */

	/*
	 * lock guards everything below up to "Not under lock". Held only for
	 * short steps that never allocate memory (a decision, one batch's
	 * hypercall and splice, a report's preparation), so the OOM path
	 * never waits behind reclaim; the OOM notifier does not take it.
	 */
	struct mutex lock;
	struct bcore core;
	struct breport report;
	struct ballast_knobs knobs;
	struct bctl_host host;		/* memory/ballast besides the target */
	struct bctl_rates default_rates;
	u64 default_floor_kib;
	unsigned long stock_target_pages; /* last handed to the stock balloon */
	struct bcycle cycle;		/* when to read, elapsed time */
	unsigned long vm_events[NR_VM_EVENT_ITEMS];	/* scratch for stats */
	struct breport_stats report_scratch;	/* worker's; written unlocked */
	struct ratelimit_state bad_value_rs;	/* log of refused values */
	bool stock_clamp_logged;	/* this target's static-max cut, said */
	bool psi_failure_logged;	/* worker's (or unload's, after it) */
	u64 psi_sampled_ms;		/* worker's: PSI last read, 0: never */
	struct bcpu_hotplug cpu_hp;	/* cpu.c: offline refusals counted */

	/* Not under lock. */
	/* The worker's scratch of one batch (and unload's, after it). */
	struct page *batch_pages[BCORE_BATCH_MAX];
	xen_pfn_t batch_frames[BCORE_BATCH_MAX];

	/*
	 * The ballooned list, linked through page->lru, and its lock
	 * (pages_lock, irqsave: the kernel's compaction takes it so too),
	 * which guards the list only; see mem.c. With compaction on, the
	 * kernel's balloon_mops take pages off it (isolated_pages counts
	 * them) and put them back or call compact.c's migratepage.
	 */
	struct balloon_dev_info bdi;

	/* compact.c's outcomes, not yet told to the core (ballast_fold()). */
	atomic_long_t migrate_moved;
	atomic_long_t migrate_refused;
	atomic_long_t migrate_released;
	u64 migrate_refused_ms;		/* last refusal, 0: none; READ/WRITE_ONCE */

	/* The OOM notifier's: see oom.c. */
	struct mutex oom_scratch_lock;	/* guards the two arrays */
	struct page *oom_batch_pages[BCORE_BATCH_MAX];
	xen_pfn_t oom_batch_frames[BCORE_BATCH_MAX];
	atomic_long_t oom_returned_pages;	/* not yet told to the core */
	atomic_long_t oom_events;

	unsigned long flags;		/* BALLAST_F_*, atomic bitops */
	struct workqueue_struct *wq;
	struct delayed_work work;
	struct xenbus_watch ctl_watch;
	struct notifier_block oom_nb;
	struct notifier_block pm_nb;
	struct notifier_block xen_resume_nb;

	/* cpu.c's, the worker's only (or unload's, after it) */
	struct xenbus_watch cpu_watch;
	struct ratelimit_state cpu_rs;	/* CPUs the kernel would not online */
	u64 cpu_online_failures;
	bool cpu_failure_logged;
};

/*
 * Run the worker now: @reread, memory/ballast changed. A kick moves no
 * memory by itself: the core's budget refills only with elapsed time.
 * Any context that may sleep; it only queues work.
 */
static inline void ballast_kick(struct ballast *b, bool reread)
{
	if (reread)
		set_bit(BALLAST_F_REREAD, &b->flags);
	mod_delayed_work(b->wq, &b->work, 0);
}

/* main.c */
void ballast_apply_knobs(struct ballast *b);

/* sysfs.c; lock held: the new values into b->view. */
void ballast_publish(struct ballast *b);

/* mem.c */
/* The allocation flags of a ballooned page: movable with compaction. */
gfp_t ballast_gfp(const struct ballast *b);
/*
 * The frames of @n pages to Xen: mappings cleared, TLBs flushed (PV),
 * XENMEM_decrease_reservation. Returns how many Xen took, the first ones;
 * the others are mapped again and still the guest's. @frames: scratch.
 * Pages and frames are the caller's; no lock needed.
 */
u32 ballast_frames_to_xen(struct page **pages, xen_pfn_t *frames, u32 n);
/*
 * @n pages (their frames Xen's) onto the ballooned list, movable with
 * compaction; may sleep for each page's lock then.
 */
void ballast_list_pages(struct ballast *b, struct page **pages, u32 n);
/* pages_lock and the page's lock held: @page no longer movable. */
void ballast_unmovable(struct ballast *b, struct page *page);
/*
 * Frames from Xen for @n pages without one (XENMEM_populate_physmap,
 * p2m and mappings on PV). Returns how many came, the first ones.
 */
u32 ballast_frames_from_xen(struct page **pages, xen_pfn_t *frames, u32 n);
/*
 * Up to @nr fresh pages into b->batch_pages, scrubbed; stops early when
 * an OOM came. No lock (it allocates): the worker's, or unload's.
 */
u32 ballast_alloc_batch(struct ballast *b, u32 nr);
void ballast_free_batch(struct ballast *b, u32 from, u32 to);
/*
 * b->lock held: the first @n of b->batch_pages go to Xen (TLBs flushed
 * first) and onto the ballooned list; refused ones are freed. Returns how
 * many Xen took.
 */
u32 ballast_give_batch(struct ballast *b, u32 n);
/* Up to @nr ballooned pages off the list into @pages (pages_lock inside). */
u32 ballast_take_listed(struct ballast *b, struct page **pages, u32 nr);
/*
 * Frames back from Xen for @n pages taken off the list; those pages go to
 * the guest, refused ones back onto the list. Returns how many came back.
 * No lock needed: the pages are the caller's.
 */
u32 ballast_return_frames(struct ballast *b, struct page **pages,
			  xen_pfn_t *frames, u32 n);
extern const struct bcore_ops ballast_drain_ops;	/* b->lock held */
void ballast_sync_stock(struct ballast *b);
u64 ballast_current_kib(struct ballast *b);
u64 ballast_mem_available_pages(void);

/* xenbus.c */
/*
 * One frontend per guest (core/bowner.h): 0, or -EBUSY (said) while
 * ballast-agent holds data/ballast. Before anything is written.
 */
int ballast_check_owner(void);
int ballast_watch_start(struct ballast *b);
void ballast_watch_stop(struct ballast *b);
/*
 * xenbus I/O allocates memory: it is done without b->lock, so the OOM
 * notifier's trylock never meets a worker stalled in reclaim.
 */
void ballast_fetch_ctl(struct bctl_raw *raw);		/* no lock */
void ballast_apply_ctl(struct ballast *b, const struct bctl_raw *raw);
void ballast_free_ctl(struct bctl_raw *raw);
/* The HVM/PVH offset, in pages, from memory/static-max (KiB). At load. */
u64 ballast_read_offset_pages(u64 static_max_kib);
/* memory/static-max in KiB, 0 when unreadable. At load. */
u64 ballast_read_static_max_kib(void);
/*
 * Lock held: the report due now (seq, or 0), or anyway with @force. PSI is
 * not sampled here: its last values are carried, and the caller adds a
 * fresh sample (ballast_report_psi()) only when a report is due.
 */
u64 ballast_report_prepare(struct ballast *b, u64 now_ms, bool force,
			   struct breport_stats *s);
/* @psi (NULL: unreadable, the keys are left out) into @s. No lock. */
void ballast_report_psi(struct breport_stats *s, const struct bpsi *psi);
int ballast_report_write(const struct breport_stats *s, u64 seq); /* no lock */
void ballast_report_done(struct ballast *b, int err,
			 const struct breport_stats *s, u64 seq, u64 now_ms);

/* stats.c */
/*
 * /proc/pressure/memory into @psi; false if unreadable (said once). No
 * lock: it opens a file and allocates. The worker's, or unload's after it.
 */
bool ballast_psi_sample(struct ballast *b, struct bpsi *psi);
void ballast_sample(struct ballast *b, struct breport_stats *s);

/*
 * Up to @size bytes of the procfs file @path into @buf (a file that fills
 * it is refused, -EFBIG), its length in *@len: 0 or -errno. No lock: it
 * opens a file and allocates.
 */
int ballast_read_proc(const char *path, char *buf, size_t size, size_t *len);

/* sysfs.c */
extern const struct kobj_type ballast_ktype;

/* cpu.c */
int ballast_cpu_start(struct ballast *b);
void ballast_cpu_stop(struct ballast *b);
/* No lock (xenbus reads, add_cpu): a look at every CPU if one is due. */
void ballast_cpu_run(struct ballast *b);
/* Lock held: cpus-online and the refusals into @s, the sampled keys carried. */
void ballast_cpu_report(struct ballast *b, struct breport_stats *s);
/* No lock (reads files): load, runnable, PSI cpu, steal into @s. */
void ballast_cpu_sample(struct ballast *b, struct breport_stats *s);

/* compact.c */
/* At load, b->knobs.compaction decided: the migratepage callback. */
void ballast_compaction_init(struct ballast *b);
/*
 * Unload, the worker stopped: refuse every move, then wait until the
 * kernel has put back every isolated page (a move in flight ends first).
 */
void ballast_compaction_stop(struct ballast *b);
/* b->lock held: the outcomes of moves since the last call, to the core. */
void ballast_migrate_fold(struct ballast *b);

/* oom.c */
int ballast_oom_start(struct ballast *b);
void ballast_oom_stop(struct ballast *b);
/* b->lock held: what the notifier gave back, told to the core. */
void ballast_oom_fold(struct ballast *b);

/* b->lock held: what the OOM notifier and compaction did, to the core. */
static inline void ballast_fold(struct ballast *b)
{
	ballast_oom_fold(b);
	ballast_migrate_fold(b);
}

#endif /* BALLAST_KMOD_H */
