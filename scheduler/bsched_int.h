/* SPDX-License-Identifier: MIT */
/*
 * bsched internals shared by the files of the policy library. Not installed;
 * callers use bsched.h only.
 */
#ifndef BSCHED_INT_H
#define BSCHED_INT_H

#include "bsched.h"

/* Largest memory value accepted in a snapshot: 4 PiB. With at most
 * BSCHED_MAX_DOMAINS domains every sum fits in 64 bits. */
#define BSCHED_KIB_LIMIT	(1ULL << 42)
/* Xen domids are 15 bits; more domains than this is a broken snapshot. */
#define BSCHED_MAX_DOMAINS	65536u
#define BSCHED_MAX_RESERVATIONS	65536u
#define BSCHED_MAX_SHARES	1000000u
/* libxl's LIBXL_MAXMEM_CONSTANT: maxmem sits this far above the target. */
#define BSCHED_MAXMEM_SLACK_KIB	1024ULL
/* The PSI boost never raises demand by more than this. */
#define BSCHED_BOOST_MAX_PCT	200u
/* Without stalls the boost halves each tick: quick to fade, not instant. */
#define BSCHED_BOOST_DECAY_DIV	2u

/* Directions a balloon is stuck in (bsched_rec.stuck_dirs). */
#define BSCHED_STUCK_DOWN	1u	/* asked to shrink, does not */
#define BSCHED_STUCK_UP		2u	/* asked to grow, does not */

/* What the library remembers about one domain between ticks. */
struct bsched_rec {
	uint32_t domid;
	uint64_t ref_actual_kib;	/* actual at the last progress */
	uint64_t progress_ms;		/* when it last made progress */
	uint32_t boost_pct;		/* PSI boost accumulated */
	uint64_t evidence_kib;		/* demand at its last fresh report, 0: none */
	uint64_t prev_actual_kib;	/* actual at the last tick, or
					 * UINT64_MAX: not seen yet */
	uint64_t over_kib;		/* how far above its target it comes to
					 * rest when shrinking (learned) */
	uint8_t stuck_dirs;		/* BSCHED_STUCK_* */
	int8_t req_dir;			/* last request: -1 shrink, 1 grow, 0 */
	bool flagged;			/* published as uncooperative */
	/* working-set probe (probe.c) */
	uint64_t probe_cap_kib;		/* highest landing allowed, 0: none */
	uint64_t probe_step_ms;		/* when it was last lowered */
	uint64_t probe_raised_ms;	/* when it was last raised */
	uint32_t probe_raised_psi;	/* PSI some avg10 it was raised on */
	uint64_t probe_hold_until_ms;	/* no lowering before */
};

struct bsched_dom_key {
	uint32_t domid;
	size_t idx;
};

/* Working arrays of a tick, kept between ticks so that a steady host does
 * not allocate (and fault in) megabytes every decision. */
struct bsched_scratch {
	size_t cap;			/* domains each array has room for */
	struct bsched_work *work;
	struct bsched_fill *fill;
	struct bsched_fill_event *ev;	/* 2 * cap */
	struct bsched_fill_event *ev_tmp; /* 2 * cap, for the radix sort */
	struct bsched_dom_key *keys;
	struct bsched_rec *spare_recs;	/* the next tick's records */
	uint32_t *next_granted;		/* the next tick's granted ids */
	size_t n_next_granted;
	size_t cap_granted;		/* room in granted and next_granted */
};

struct bsched_state {
	struct bsched_rec *recs;	/* sorted by domid */
	size_t n_recs;
	uint32_t *granted;		/* reservations granted, sorted ids */
	size_t n_granted;
	bool started;
	uint64_t last_now_ms;
	struct bsched_scratch scratch;
};

/* One domain's working values during a tick. */
struct bsched_work {
	const struct bsched_domain *dom;
	struct bsched_rec *rec;		/* in the new record array */
	uint64_t lo_kib;		/* effective min */
	uint64_t hi_kib;		/* effective max (<= static max) */
	uint64_t over_kib;		/* rec->over_kib, or 0 (fault switch) */
	/* where it lands: [lo + over, hi], narrowed to what it holds on a
	 * side it is stuck on; the allocation plans landings in it */
	uint64_t alloc_lo_kib;
	uint64_t alloc_hi_kib;
	uint64_t cur_kib;		/* target in force, clamped */
	uint64_t demand_kib;
	uint64_t ideal_kib;		/* landing planned, then its target */
	uint64_t cand_kib;		/* after step and deadband */
	enum bsched_bound bound;
	bool balloon;			/* managed and has a balloon */
	bool part;			/* a balloon: shares the pool */
	bool stuck;			/* stuck after re-admission: target held */
	bool reported;			/* its demand comes from fresh stats */
	enum bsched_probe probe;	/* its working-set probe (probe.c) */
	bool probe_capped;		/* alloc_hi_kib lowered by the probe */
};

/* One item of a water-fill: out = clamp(base + lambda * shares, lo, hi). */
struct bsched_fill {
	uint64_t base_kib;
	uint64_t lo_kib;
	uint64_t hi_kib;
	uint32_t shares;
	uint64_t out_kib;
};

/* An event of the water-fill sweep (scratch space supplied by the caller).
 * @key is the bit pattern of a non-negative double lambda: as integers they
 * sort like the doubles, so a radix sort can order them. */
struct bsched_fill_event {
	uint64_t key;
	uint32_t item;
	bool leaves;			/* false: enters its linear range */
};

static inline uint64_t bsched_min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static inline uint64_t bsched_max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static inline uint64_t bsched_clamp_u64(uint64_t v, uint64_t lo, uint64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static inline uint64_t bsched_sub_sat(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

static inline uint64_t bsched_dist(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

/* Distance from its target at which a balloon counts as "there": it may
 * stop short (whole pages, page-table and offset noise) without being stuck
 * (stuck.c), and what it holds beyond that it will not give back (pool.c). */
static inline uint64_t
bsched_at_target_slack_kib(const struct bsched_config *cfg)
{
	return bsched_max_u64(cfg->progress_kib, cfg->deadband_kib);
}

/* pool.c: the pool arithmetic (POLICY.md, "The pool"). */
uint64_t bsched_slush_kib(const struct bsched_config *cfg);
/* Learn how far above its target the balloon comes to rest when it
 * shrinks (w->over_kib), and the lowest it can land (alloc_lo_kib). */
void bsched_overshoot_update(struct bsched_work *w,
			     const struct bsched_config *cfg);
/* Where the current target will have it land (for "memory is short"). */
uint64_t bsched_landing_of_cur_kib(const struct bsched_work *w);
/* The target that lands it at its planned ideal; sets w->ideal_kib. */
void bsched_target_of_landing(struct bsched_work *w);
/* Memory the answered reservations hold (bsched_answer.held_kib). */
uint64_t bsched_reserved_kib(const struct bsched_result *answered);
/* Free memory beyond the slush and the reservations. */
uint64_t bsched_avail_kib(const struct bsched_snapshot *snap,
			  const struct bsched_config *cfg,
			  const struct bsched_result *answered);
/* What the balloons share: what they hold plus avail. */
uint64_t bsched_pool_kib(const struct bsched_snapshot *snap,
			 const struct bsched_config *cfg,
			 const struct bsched_work *work,
			 const struct bsched_result *answered);

/* state.c: room for @n domains and @m reservations in the scratch arrays
 * (-ENOMEM). */
int bsched_scratch_reserve(struct bsched_state *st, size_t n, size_t m);
/* Build the next records (in scratch.spare_recs) for the snapshot's
 * domains, pointing work[i].rec at them; -EINVAL on a duplicate domid. */
int bsched_state_merge(struct bsched_state *st,
		       const struct bsched_snapshot *snap,
		       const struct bsched_config *cfg);
/* The spare records become the state's. */
void bsched_state_commit(struct bsched_state *st, size_t n, uint64_t now_ms);

/* stuck.c: advance the stuck monitor of one balloon domain;
 * @host_free_kib as bsched_host_free_kib() counts it. */
void bsched_stuck_update(struct bsched_rec *rec, uint64_t actual_kib,
			 uint64_t target_kib, uint64_t host_free_kib,
			 const struct bsched_config *cfg, uint64_t now_ms);
/* stuck.c: alloc_lo_kib / alloc_hi_kib of a balloon from its verdict. */
void bsched_stuck_bounds(struct bsched_work *w);
/* stuck.c: after the allocation, re-admit a stuck balloon asked to move
 * the other way (or not past what it holds); sets w->stuck, and holds the
 * target of one still stuck. */
void bsched_stuck_readmit(struct bsched_work *w, uint64_t now_ms);

/* demand.c: a valid report, recent enough to base a demand on. */
bool bsched_stats_fresh(const struct bsched_stats *s,
			const struct bsched_config *cfg);
/* demand.c: demand of one balloon domain, clamped to [lo, hi];
 * @silent_kib without fresh statistics. */
uint64_t bsched_demand(struct bsched_rec *rec, const struct bsched_stats *s,
		       const struct bsched_config *cfg, uint64_t silent_kib,
		       uint64_t lo_kib, uint64_t hi_kib);

/* probe.c: advance the working-set probe of one balloon (after its bounds,
 * demand and stuck verdict) and cap its alloc_hi_kib. */
void bsched_probe_update(struct bsched_work *w, const struct bsched_config *cfg,
			 uint64_t now_ms);
/* probe.c: a domain the policy does not steer (no balloon, unloading,
 * invalid): no probing, its cap forgotten. */
void bsched_probe_none(struct bsched_work *w);

/* shares.c: fill @pool_kib; @ev and @tmp need room for 2 * n events. */
void bsched_water_fill(struct bsched_fill *items, size_t n,
		       uint64_t pool_kib, struct bsched_fill_event *ev,
		       struct bsched_fill_event *tmp);

/* allocate.c: the ideal and bound of every cooperating balloon. */
void bsched_allocate(size_t n, struct bsched_work *work,
		     struct bsched_scratch *s, const struct bsched_config *cfg,
		     uint64_t pool, uint64_t sum_demand);

/* smooth.c: deadband, step limit and shrink before grow: the candidate of
 * every cooperating balloon; returns true when growth was deferred. */
bool bsched_smooth(const struct bsched_snapshot *snap,
		   const struct bsched_config *cfg, struct bsched_work *work,
		   const struct bsched_result *answered, uint64_t pool);

/* reserve.c: answer every reservation; the ids granted go to
 * st->scratch.next_granted. */
int bsched_answer_reservations(struct bsched_state *st,
			       const struct bsched_snapshot *snap,
			       const struct bsched_config *cfg,
			       const struct bsched_work *work,
			       struct bsched_result *out);

#endif /* BSCHED_INT_H */
