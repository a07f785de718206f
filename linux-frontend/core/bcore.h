/* SPDX-License-Identifier: MIT */
/*
 * ballast frontend core: target tracking, the adaptive rate controller,
 * batch planning and the state machine of one guest balloon.
 *
 * Portable: compiled unchanged into ballast.ko and into libballast_core.a
 * (ballast-agent, the CUnit tests). It uses only fixed-width integers and
 * the two operations it is given; it never allocates, sleeps, locks or
 * reads a clock. The caller serialises every call on one struct bcore.
 *
 * Units: pages (of cfg.page_kib KiB) inside, KiB at the edges.
 *
 * Two balloons share the guest. Xen guests often boot with less memory
 * than maxmem; the stock balloon holds the frames between the two. ballast's
 * own balloon covers only the memory below boot_pages; a target above
 * boot_pages is reached by moving the stock balloon's target
 * (bcore_stock_goal()), so the two never hold pages for the same range.
 */
#ifndef BCORE_H
#define BCORE_H

#include "bcore_compat.h"
#include "ballast_schema.h"
#include "breport.h"
#include "bmigrate.h"

/* Frames per hypercall: one page of 64-bit frame numbers. */
#define BCORE_BATCH_MAX		512U
/*
 * Batches per run (bcore_tick() or one bcore_run_begin() .. bcore_run_end()):
 * 64 MiB of 4 KiB pages. A run that stops here with work and budget left
 * says so (bcore_run_more()) and the caller runs again at once, after a
 * scheduling point, so a high rate or a multi-GiB drain is many short runs.
 */
#define BCORE_RUN_BATCHES	32U

/* Result of one inflate batch. */
struct bcore_xfer {
	uint32_t taken;		/* pages the guest OS gave (<= asked) */
	uint32_t done;		/* of those, frames the hypervisor accepted */
};

/*
 * What the core may do to the world. Each call moves at most
 * BCORE_BATCH_MAX pages.
 */
struct bcore_ops {
	/*
	 * Take up to @nr pages from the guest OS, give their frames to the
	 * hypervisor. Pages the hypervisor refused must be back in the guest
	 * OS when this returns.
	 */
	void (*inflate)(void *ctx, uint32_t nr, struct bcore_xfer *out);
	/*
	 * Get up to @nr frames back from the hypervisor for ballooned pages
	 * and give those pages to the guest OS. Returns how many.
	 */
	uint32_t (*deflate)(void *ctx, uint32_t nr);
};

struct bcore_config {
	uint32_t page_kib;	/* 4 on x86 */
	/*
	 * The rate's unit of time: rates are pages per tick_ms, the budget
	 * refills over elapsed time (a token bucket one tick deep), and the
	 * rate grows at most once per tick_ms of elapsed time.
	 */
	uint32_t tick_ms;
	uint32_t rate_min;	/* pages per tick */
	uint32_t rate_max;	/* pages per tick, >= rate_min */
	uint32_t rate_step;	/* added after each fully successful tick */
	uint32_t rate_div;	/* rate divided by this after a failure, >= 2 */
	bool constant_rate;	/* always rate_max, no adaptation */
	uint64_t floor_pages;	/* the guest never goes below this */
	/*
	 * MemAvailable the balloon always leaves the guest: inflating it to
	 * zero sends the guest's next allocation into the OOM killer (seen in
	 * real Xen). 0: max(32 MiB, boot size / 32), set by bcore_init().
	 */
	uint64_t avail_reserve_pages;
	uint64_t offset_pages;	/* target KiB/page minus this = stock units */
	/*
	 * memory/static-max in stock units: the stock balloon is never asked
	 * for more (beyond it, it hot-adds memory the guest then spends on
	 * page metadata). 0: no limit known.
	 */
	uint64_t stock_max_pages;
};

struct bcore_counters {
	uint64_t alloc_failures;	/* guest OS refused pages */
	uint64_t host_refusals;		/* hypervisor refused or withheld frames */
	uint64_t bad_targets;		/* targets the schema refused */
	uint64_t oom_deflates;		/* OOM events that returned pages */
	uint64_t migrated;		/* pages moved by compaction */
	uint64_t migrate_refusals;	/* moves the hypervisor refused */
};

/* One run in progress: see bcore_run_begin(). */
struct bcore_run {
	bool active;
	bool stopped;		/* a short batch ended it */
	bool more;		/* the batch bound ended it, work and budget left */
	int outcome;		/* enum outcome of bcore.c */
	uint32_t batches;
	uint64_t room_pages;	/* MemAvailable above the reserve, at begin */
};

struct bcore {
	struct bcore_config cfg;
	uint64_t boot_pages;		/* own balloon covers [0, boot_pages) */
	uint64_t target_pages;		/* last valid target, stock units */
	bool have_target;
	bool unloading;			/* every page goes back, then we go */
	uint64_t oom_relief_pages;	/* handed back by OOM since the target */
	uint64_t ballooned_pages;	/* in ballast's own balloon now */
	uint64_t stock_pages;		/* stock balloon's current size, 0: unknown */
	uint64_t stock_last_pages;	/* at the previous run */
	uint32_t stock_still_ms;	/* off its goal and not moving, this long */
	uint32_t rate;			/* pages per tick, in [rate_min, rate_max] */
	/*
	 * The budget, in page-milliseconds: elapsed_ms * rate is added, a
	 * moved page costs tick_ms, at most rate * tick_ms is kept. So over
	 * any span of T ms at most rate * (T / tick_ms + 1) pages move, however
	 * often the caller runs (kicks, watch events, OOM, sysfs).
	 */
	uint64_t budget_pms;
	uint32_t since_ramp_ms;		/* elapsed since the rate last grew */
	struct bcore_run run;
	enum ballast_state state;	/* assigned only by bcore_tick() */
	struct bcore_counters cnt;
};

/*
 * Defaults for today's guests, in pages of @page_kib: 4 MiB/s at first,
 * +4 MiB/s per good tick, up to 256 MiB/s, halved on failure, 1 s tick.
 */
void bcore_default_config(struct bcore_config *cfg, uint32_t page_kib);

/*
 * Hyper-V style floor for a guest of @total_pages: ballast_default_floor_kib()
 * of the schema, in pages (8 MiB + 1/2 below 128 MiB ... 488 MiB + 1/32).
 */
uint64_t bcore_default_floor(uint64_t total_pages, uint32_t page_kib);

/*
 * HVM and PVH guests: memory/target counts frames the guest's own page count
 * does not (firmware, video), as xen-balloon's "target_diff": static-max
 * minus every page the guest has or ballooned, in pages of @page_kib. It
 * depends on neither memory/target nor the stock balloon's target, so it is
 * right whenever the module loads: after the toolstack rewrote the target,
 * after an unload left the stock balloon elsewhere. PV guests and dom0
 * (@auto_translated false, as xen-balloon has no diff there), no static-max
 * (0) or one below @total_pages: 0.
 */
uint64_t bcore_offset_pages(bool auto_translated, uint64_t static_max_kib,
			    uint64_t total_pages, uint32_t page_kib);

/*
 * Returns false (and changes nothing) if @cfg is unusable: page_kib or
 * tick_ms 0, rate_min 0, rate_max < rate_min, rate_div < 2, a floor
 * whose KiB are outside DATA/floor's range (so every report of it is valid).
 */
bool bcore_init(struct bcore *c, const struct bcore_config *cfg,
		uint64_t boot_pages);

/* New rate bounds (pages per tick); the rate is clamped into them. */
bool bcore_set_rate_bounds(struct bcore *c, uint32_t rate_min,
			   uint32_t rate_max);

/*
 * The raw value of memory/ballast/target, @len bytes (no NUL needed).
 * A valid value replaces the target (and forgets OOM relief if it
 * differs); an invalid one is counted in bad_targets and the last valid
 * target stays. Returns the schema's verdict for the caller to log.
 */
enum ballast_verdict bcore_set_target(struct bcore *c, const char *s,
				      size_t len);

/* Pages ballast's own balloon should hold now. */
uint64_t bcore_own_goal(const struct bcore *c);

/*
 * Target for the stock balloon (pages): boot_pages or the target above it,
 * at most cfg.stock_max_pages (bcore_stock_clamped() says when it cut).
 */
uint64_t bcore_stock_goal(const struct bcore *c);
bool bcore_stock_clamped(const struct bcore *c);

/*
 * What the stock balloon has now (pages, its own count), so the state can
 * say "deflating" while it still grows towards a target above boot size.
 */
void bcore_note_stock(struct bcore *c, uint64_t stock_pages);

/*
 * The stock balloon gives up after a few refusals (drivers/xen/balloon.c:
 * BP_ECANCELED) and moves again only when its target is set. True once
 * each time it has been off its goal without moving for BCORE_STOCK_NUDGE_MS
 * of elapsed run time: the caller sets the same target again.
 */
#define BCORE_STOCK_NUDGE_MS	30000U
bool bcore_stock_nudge(struct bcore *c);

/* True when the target asks for less than the floor allows. */
bool bcore_floor_limited(const struct bcore *c);

/*
 * One run with the ops: bcore_run_begin(@elapsed_ms, @mem_available_pages),
 * then each batch through @ops, then bcore_run_end(). Moves at most what the
 * budget allows towards bcore_own_goal(), never more than
 * @mem_available_pages minus the reserve, in at most BCORE_RUN_BATCHES
 * batches of BCORE_BATCH_MAX. @elapsed_ms: since the previous run (0 for a
 * run that only re-reads, e.g. after a kick). Returns the new state.
 */
enum ballast_state bcore_tick(struct bcore *c, const struct bcore_ops *ops,
			      void *ctx, uint64_t mem_available_pages,
			      uint32_t elapsed_ms);

/*
 * The same run, one batch at a time, for a caller that must not hold its
 * lock across a batch's allocations (ballast.ko): it takes the lock for
 * each call below and drops it between them.
 *
 * bcore_run_begin() refills the budget for @elapsed_ms and notes the room
 * @mem_available_pages leaves. bcore_run_next() gives the next batch
 * (true) or ends the batches (false). The caller moves at most @b->nr pages
 * and reports with bcore_run_inflated() / bcore_run_deflated(), in order,
 * one per batch. bcore_run_end() adapts the rate and decides the state.
 */
struct bcore_batch {
	bool inflate;		/* else deflate */
	uint32_t nr;		/* 1 .. BCORE_BATCH_MAX */
};

void bcore_run_begin(struct bcore *c, uint32_t elapsed_ms,
		     uint64_t mem_available_pages);
bool bcore_run_next(struct bcore *c, struct bcore_batch *b);
void bcore_run_inflated(struct bcore *c, uint32_t asked,
			const struct bcore_xfer *x);
void bcore_run_deflated(struct bcore *c, uint32_t asked, uint32_t got);
/*
 * A deflate batch found no page on the list (the OOM notifier took them
 * before it, and its count is not folded yet): the run ends as it stood,
 * with no refusal counted and no rate cut.
 */
void bcore_run_nothing_listed(struct bcore *c);
enum ballast_state bcore_run_end(struct bcore *c);

/* The last run stopped at BCORE_RUN_BATCHES with work and budget left. */
bool bcore_run_more(const struct bcore *c);

/*
 * Pages of an inflate batch still wanted now (the goal may have dropped
 * since bcore_run_next(): OOM relief): at most @nr.
 */
uint32_t bcore_inflate_wanted(const struct bcore *c, uint32_t nr);

/*
 * The guest is out of memory: give back up to @max_pages now and raise
 * the effective target by as much so the next tick does not take them
 * again. Returns the pages given back.
 */
uint64_t bcore_oom(struct bcore *c, const struct bcore_ops *ops, void *ctx,
		   uint32_t max_pages);

/*
 * The same relief done by the caller itself (ballast.ko's notifier, which
 * takes no lock the core is under): @pages went back in @events OOM
 * events. Counted and added to the relief as bcore_oom() does.
 */
void bcore_oom_returned(struct bcore *c, uint64_t pages, uint64_t events);

/*
 * Balloon compaction's outcomes since the last call (bmigrate.h), counted.
 * A released page left the balloon: the next run takes another if the
 * goal still wants it.
 */
void bcore_migrated(struct bcore *c, const struct bmigrate_tally *t);

/*
 * Unload begins: the state becomes "unloading" (report it before
 * draining, so dom0 stops counting on this balloon) and ticks do nothing.
 */
void bcore_begin_unload(struct bcore *c);

/*
 * Unload: give back ballooned pages, at most @max_batches batches (call
 * again, after a scheduling point, until it returns 0 or stops moving).
 * Returns pages still ballooned.
 */
uint64_t bcore_drain(struct bcore *c, const struct bcore_ops *ops, void *ctx,
		     uint32_t max_batches);

/*
 * A sysfs knob's text (one trailing newline allowed): "0" gives the choice
 * back (0 in @out); anything else must pass the schema's check for @id,
 * as the same value would in xenstore.
 */
enum ballast_verdict bcore_parse_knob(enum ballast_key_id id, const char *s,
				      size_t len, uint64_t *out);

/* The rate in KiB/s, for reports. */
uint64_t bcore_rate_kib_s(const struct bcore *c, uint32_t rate_pages);

/* KiB/s (host keys, sysfs) to pages per tick, at least 1; never wraps. */
uint32_t bcore_kib_s_to_rate(const struct bcore *c, uint64_t kib_s);

/*
 * The core's part of a report: ballooned and floor (KiB), state, rate
 * (KiB/s) and the four counters. The caller adds current size and memory statistics.
 */
void bcore_report_into(const struct bcore *c, struct breport_stats *s);

#endif /* BCORE_H */
