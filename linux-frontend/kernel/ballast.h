/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * ballast.ko: the guest balloon for Xen domUs, next to the stock balloon.
 *
 * One struct ballast owns everything; it lives as long as its sysfs
 * kobject (/sys/kernel/ballast) and is freed by the kobject's release.
 * The portable core (core/bcore.c) decides; the files here only do:
 *   main.c   load/unload, the worker, suspend/resume
 *   mem.c    pages and hypercalls (the core's ops), the stock balloon
 *   xenbus.c the watch on memory/ballast, reading it, writing reports
 *   stats.c  the guest's memory statistics
 *   sysfs.c  /sys/kernel/ballast
 *   oom.c    the OOM notifier
 */
#ifndef BALLAST_KMOD_H
#define BALLAST_KMOD_H

#include <linux/kobject.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/ratelimit.h>
#include <linux/sizes.h>
#include <linux/vm_event_item.h>
#include <linux/workqueue.h>
#include <xen/interface/xen.h>
#include <xen/xenbus.h>

#include "bcore.h"
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
	u32 tick_ms;		/* while not at target */
	u32 idle_ms;		/* at target: statistics only */
};

/* What the host asked for in memory/ballast, beyond the target. */
struct ballast_host_wish {
	u64 rate_min_kib_s;	/* 0 when absent */
	u64 rate_max_kib_s;
	bool uncooperative;	/* informational */
};

#define BALLAST_F_REREAD	0	/* the watch fired: read memory/ballast */
/* Xen resumed us (save/restore, migration): we may be a new domain whose
 * data/ballast is empty, so report everything at once. */
#define BALLAST_F_RESUMED	1
/* An OOM came while the worker held the lock: stop taking pages at once and
 * give back oom_pages as soon as the lock is ours. */
#define BALLAST_F_OOM_MISSED	2

struct ballast {
	struct kobject kobj;		/* /sys/kernel/ballast; release frees us */

	/* lock guards everything below up to the end of the struct. */
	struct mutex lock;
	struct bcore core;
	struct breport report;
	struct ballast_knobs knobs;
	struct ballast_host_wish host;
	u64 default_rate_min_kib_s, default_rate_max_kib_s;
	u64 default_floor_kib;
	unsigned long stock_target_pages; /* last handed to the stock balloon */
	struct list_head pages;		/* ballooned, linked through page->lru */
	struct page *batch_pages[BCORE_BATCH_MAX];	/* scratch of one batch */
	xen_pfn_t batch_frames[BCORE_BATCH_MAX];
	unsigned long vm_events[NR_VM_EVENT_ITEMS];	/* scratch for stats */
	struct breport_stats report_scratch;	/* worker's; written unlocked */
	struct ratelimit_state bad_value_rs;	/* log of refused values */
	bool report_failed_logged;
	bool psi_failure_logged;	/* worker's (or unload's, after it) */

	/* Not under lock. */
	unsigned long flags;		/* BALLAST_F_*, atomic bitops */
	struct workqueue_struct *wq;
	struct delayed_work work;
	struct xenbus_watch ctl_watch;
	struct notifier_block oom_nb;
	struct notifier_block pm_nb;
	struct notifier_block xen_resume_nb;
};

/* main.c */
void ballast_kick(struct ballast *b, bool reread);
void ballast_apply_knobs(struct ballast *b);

/* mem.c */
extern const struct bcore_ops ballast_mem_ops;
void ballast_sync_stock(struct ballast *b);
void ballast_restore_stock(struct ballast *b);
u64 ballast_current_kib(struct ballast *b);
u64 ballast_mem_available_pages(void);

/* xenbus.c */
#define BALLAST_CTL_KEYS	4	/* target, rate-min, rate-max, uncooperative */

/* Raw values of memory/ballast; NULL when absent. */
struct ballast_ctl_raw {
	char *val[BALLAST_CTL_KEYS];
	unsigned int len[BALLAST_CTL_KEYS];
};

int ballast_watch_start(struct ballast *b);
void ballast_watch_stop(struct ballast *b);
/*
 * xenbus I/O allocates memory: it is done without b->lock, so the OOM
 * notifier's trylock never meets a worker stalled in reclaim.
 */
void ballast_fetch_ctl(struct ballast_ctl_raw *raw);		/* no lock */
void ballast_apply_ctl(struct ballast *b, const struct ballast_ctl_raw *raw);
void ballast_free_ctl(struct ballast_ctl_raw *raw);
u64 ballast_read_offset_pages(u64 stock_target_pages);
/*
 * Lock held: the report due now (seq, or 0), or anyway with @force; @psi
 * from ballast_psi_sample(), NULL to leave psi-*-avg10 out.
 */
u64 ballast_report_prepare(struct ballast *b, u64 now_ms, bool force,
			   const struct bpsi *psi, struct breport_stats *s);
int ballast_report_write(const struct breport_stats *s, u64 seq); /* no lock */
void ballast_report_done(struct ballast *b, int err,
			 const struct breport_stats *s, u64 seq, u64 now_ms);

/* stats.c */
/*
 * /proc/pressure/memory into @psi; false if unreadable (said once). No
 * lock: it opens a file and allocates. The worker's, or unload's after it.
 */
bool ballast_psi_sample(struct ballast *b, struct bpsi *psi);
void ballast_sample(struct ballast *b, const struct bpsi *psi,
		    struct breport_stats *s);

/* sysfs.c */
extern const struct kobj_type ballast_ktype;

/* oom.c */
int ballast_oom_start(struct ballast *b);
void ballast_oom_stop(struct ballast *b);
void ballast_oom_deferred(struct ballast *b);

#endif /* BALLAST_KMOD_H */
