/* SPDX-License-Identifier: MIT */
/*
 * bsched: ballast's memory policy as a pure library.
 *
 * One call per tick: a snapshot of the host and its domains, the time, and the
 * state kept from the previous call go in; a target for every domain, maxmem
 * changes, uncooperative flags and the answer to every reservation come out.
 * No Xen headers, no I/O, no clock reads: the caller supplies now_ms. The
 * daemon (dom0-tools/) and the simulator (tests/sim/) drive the same code.
 *
 * Units: memory in KiB (the *_kib fields), time in milliseconds of a
 * monotonic clock (*_ms), pressure in hundredths of a percent (*_centipct).
 *
 * Invariants the library guarantees for every managed domain:
 *   min_kib <= target_kib <= max_kib  (and target_kib <= static_max_kib)
 * except that a domain below its min has its target raised toward it as any
 * growth is, never lowered (POLICY.md, Model);
 * and, whenever enough balloons cooperate, the sum of the targets plus the
 * host slush plus the reservations fits in the host's memory.
 */
#ifndef BSCHED_H
#define BSCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BSCHED_KIB_PER_PAGE	4
#define BSCHED_NAME_MAX		64

/* What is inside the guest to give memory back. */
enum bsched_frontend {
	BSCHED_FE_NONE = 0,	/* nothing: never counted on to give memory back */
	BSCHED_FE_STOCK,	/* stock xen-balloon only, driven by memory/target */
	BSCHED_FE_AGENT,	/* ballast-agent (drives the stock balloon) */
	BSCHED_FE_DRIVER,	/* ballast.ko */
};

/* Guest-reported statistics, already validated by the caller. */
struct bsched_stats {
	bool present;			/* at least one valid report received */
	uint64_t age_ms;		/* now_ms - time of the last valid report */
	uint64_t mem_total_kib;		/* guest's current size (data/ballast/current) */
	uint64_t mem_available_kib;	/* MemAvailable */
	uint64_t committed_as_kib;	/* Committed_AS */
	uint32_t psi_some_avg10_centipct;
	uint32_t psi_full_avg10_centipct;
	uint64_t swap_in;		/* cumulative pages */
	uint64_t swap_out;		/* cumulative pages */
	uint64_t major_faults;		/* cumulative */
	uint64_t oom_kills;		/* cumulative */
	/* data/ballast/floor: the guest will not shrink below it (0: none) */
	uint64_t floor_kib;
	/* data/ballast/ballooned: what the balloon says it holds (untrusted) */
	uint64_t ballooned_kib;
	/* the report carried data/ballast/psi-some-avg10 (a guest kernel
	 * without PSI leaves it out): working-set probing needs it */
	bool psi_present;
};

struct bsched_domain {
	uint32_t domid;
	char name[BSCHED_NAME_MAX];	/* for messages only; may be empty */
	enum bsched_frontend frontend;
	bool managed;		/* false: dom0 not configured, or opted out */
	/* the subscription: never below min, never above max */
	uint64_t min_kib;
	uint64_t max_kib;
	uint32_t shares;	/* weight under contention, >= 1 */
	/* what Xen says */
	uint64_t actual_kib;	/* tot_pages * 4: memory the domain holds now */
	uint64_t static_max_kib; /* memory/static-max: never a target above it */
	uint64_t maxmem_kib;	/* max_pages * 4 as Xen has it now */
	/* what is in xenstore now (0: nothing yet); restart resumes from here */
	uint64_t target_kib;
	bool uncooperative;	/* memory/ballast/uncooperative as published */
	struct bsched_stats stats;
	/*
	 * The guest's balloon is letting go (reported state "unloading"): not
	 * counted on any more, and its maxmem lifted so that it can take back
	 * what its balloon holds (stats.ballooned_kib), never above its max
	 * (static max with lift_above_max); for releasing_ms, and after
	 * cfg.release_limit_ms it is held as stuck (POLICY.md, maxmem).
	 */
	bool releasing;
	uint64_t releasing_ms;	/* how long it has been releasing */
	bool lift_above_max;	/* the admin lets a release go up to static max */
	/*
	 * The PSI boost to resume from: a previous process's last
	 * decision.boost_pct for this domain (0: none). Read only when the
	 * state has no record of the domid yet (a restarted daemon), capped
	 * at 200 %; ignored otherwise.
	 */
	uint32_t resume_boost_pct;
	/* working-set probing asked for (ballastd.conf `probe`; POLICY.md,
	 * "Working-set probing") */
	bool probe;
};

struct bsched_host {
	uint64_t total_kib;
	uint64_t free_kib;		/* free_pages */
	uint64_t scrub_kib;		/* scrub_pages: free once scrubbed */
	uint64_t outstanding_kib;	/* claimed by domains being built */
};

/* "free size_kib for a domain about to start" */
struct bsched_reservation {
	uint32_t id;
	uint64_t size_kib;
	uint64_t since_ms;	/* when it was asked for */
};

struct bsched_snapshot {
	uint64_t now_ms;
	struct bsched_host host;
	const struct bsched_domain *domains;
	size_t n_domains;
	const struct bsched_reservation *reservations;
	size_t n_reservations;
};

/* What to do with memory nobody demands. */
enum bsched_surplus {
	BSCHED_SURPLUS_SHARES = 0,	/* hand it out by shares, up to each max */
	BSCHED_SURPLUS_KEEP_FREE,	/* leave it free in Xen (fast domain starts) */
};

/* What a balloon without fresh statistics is taken to need, and gets
 * (POLICY.md, "Evidence first"). */
enum bsched_unreported {
	BSCHED_UNREPORTED_YIELD = 0,	/* evidence first (the default) */
	BSCHED_UNREPORTED_SHARE,	/* its demand is what it holds */
};

/* Fault switches: each turns one safety feature off, so tests prove it is needed. */
enum bsched_fault {
	BSCHED_FAULT_NO_TWO_PHASE	= 1u << 0,	/* grow in the same tick as shrink */
	BSCHED_FAULT_NO_STUCK_DETECTION	= 1u << 1,
	BSCHED_FAULT_NO_DEADBAND	= 1u << 2,
	BSCHED_FAULT_NO_STEP_LIMIT	= 1u << 3,
	BSCHED_FAULT_NO_SLUSH		= 1u << 4,
	/* count a balloon resting just above its target by what it holds */
	BSCHED_FAULT_NO_INACCURACY_COMPENSATION = 1u << 5,
};

struct bsched_config {
	uint64_t slush_kib;		/* always kept free in Xen */
	/* demand from guest stats */
	uint32_t buffer_pct;		/* headroom over used memory */
	uint64_t buffer_min_kib;
	uint32_t psi_stall_centipct;	/* some avg10 above this: pressure */
	uint32_t psi_boost_pct;		/* demand raised by this per stalled tick */
	uint64_t stats_stale_ms;	/* older stats are ignored */
	enum bsched_surplus surplus;
	enum bsched_unreported unreported;
	/* anti-flap */
	uint64_t step_max_kib;		/* largest change of one target per tick */
	uint64_t deadband_kib;		/* smaller changes are not issued */
	/* stuck balloons */
	uint64_t stuck_after_ms;	/* no progress this long: left out */
	uint64_t uncooperative_after_ms; /* stuck this long: flagged */
	uint64_t progress_kib;		/* movement that counts as progress */
	/* maxmem (POLICY.md) */
	uint64_t frontend_allowance_kib; /* a ballast frontend above its target */
	uint64_t release_limit_ms;	/* longest "unloading", then held as stuck */
	/* added to every reservation: what Xen needs for a new domain beyond
	 * its memory= (POLICY.md, "Reservations") */
	uint64_t reserve_overhead_kib;
	/* working-set probing (POLICY.md, "Working-set probing") */
	uint32_t probe_goal_centipct;	/* PSI some avg10 above this: stop */
	uint32_t probe_step_pct;	/* lowered by this % of its size... */
	uint64_t probe_step_min_kib;	/* ...but at least this (whole pages) */
	uint64_t probe_interval_ms;	/* ...once per interval */
	uint32_t probe_backoff_pct;	/* over the goal: cap raised by this % */
	uint64_t probe_hold_ms;		/* no lowering this long after it */
	uint32_t faults;		/* enum bsched_fault bits, 0 in production */
};

/* Which rule decided a domain's target (for `ballastctl explain`). */
enum bsched_bound {
	BSCHED_BOUND_UNMANAGED = 0,	/* not managed: left alone */
	BSCHED_BOUND_NO_BALLOON,	/* no balloon: held where it is */
	BSCHED_BOUND_MIN,		/* held at its min */
	BSCHED_BOUND_MAX,		/* capped at its max (or static-max) */
	BSCHED_BOUND_DEMAND,		/* got what its stats ask for */
	BSCHED_BOUND_SHARES,		/* contention: its share of what is left */
	BSCHED_BOUND_SURPLUS,		/* demand plus its share of the surplus */
	BSCHED_BOUND_STEP,		/* moved by the step limit only */
	BSCHED_BOUND_DEADBAND,		/* change too small to issue */
	BSCHED_BOUND_GROWTH_DEFERRED,	/* grow waits until shrinks free memory */
	BSCHED_BOUND_STUCK,		/* held: balloon makes no progress */
	BSCHED_BOUND_FLOOR,		/* held at the floor the guest reports */
	BSCHED_BOUND_UNREPORTED,	/* contention, no fresh stats: reporting
					 * balloons were served first */
	BSCHED_BOUND_INVALID,		/* its values are inconsistent (min >
					 * max, no shares, absurd sizes): left
					 * alone, the others are decided */
	BSCHED_BOUND_PROBE,		/* held at its working-set probe's cap */
	BSCHED_BOUND__COUNT
};

/* Where a domain's working-set probe is (POLICY.md, "Working-set probing"). */
enum bsched_probe {
	BSCHED_PROBE_OFF = 0,		/* not asked for */
	BSCHED_PROBE_NO_PSI,		/* no ballast frontend reporting PSI */
	BSCHED_PROBE_STALE,		/* no fresh report: cap lifted */
	BSCHED_PROBE_PROBING,		/* lowering its cap step by step */
	BSCHED_PROBE_WAITING,		/* for its balloon to reach the cap, or
					 * for a report since the last step */
	BSCHED_PROBE_BACKOFF,		/* PSI crossed the goal: cap raised, held */
	BSCHED_PROBE_PRESSURE,		/* PSI above psi_stall: cap lifted */
	BSCHED_PROBE_AT_FLOOR,		/* at its min or floor: no lower */
	BSCHED_PROBE__COUNT
};

struct bsched_decision {
	uint32_t domid;
	uint64_t target_kib;	/* the target to be in force after this tick */
	bool target_changed;	/* differs from bsched_domain.target_kib */
	uint64_t maxmem_kib;	/* Xen's max_pages*4 to set (stock domains) */
	bool maxmem_changed;
	bool uncooperative;	/* flag to publish */
	bool uncooperative_changed;
	bool stuck;		/* stuck in a direction: target held */
	/* what the stats asked for, clamped; without fresh ones what
	 * POLICY.md, "Evidence first", takes it to need */
	uint64_t demand_kib;
	/* the target planned, before step/deadband/phase: where it is to
	 * land, less its overshoot if it shrinks (POLICY.md, "The pool") */
	uint64_t ideal_kib;
	/* how far above a target it shrinks to this balloon comes to rest,
	 * as learned: it lands no lower than its lower bound plus this
	 * (POLICY.md, "Inaccuracy compensation"); 0 if not a balloon */
	uint64_t over_kib;
	enum bsched_bound bound;
	/* PSI boost now in the state: the caller keeps it to pass back as
	 * resume_boost_pct if it restarts */
	uint32_t boost_pct;
	enum bsched_probe probe;	/* its working-set probe */
	uint64_t probe_cap_kib;		/* the probe's cap, 0: none */
};

struct bsched_answer {
	uint32_t id;
	int status;		/* enum ballast_reservation_status values */
	uint64_t free_kib;	/* host free memory counted for it now */
	/* memory it keeps out of the pool now: its need (size plus
	 * cfg.reserve_overhead_kib) until granted; once
	 * granted, what of it is still free (the domain started from it
	 * takes the rest); 0 if impossible */
	uint64_t held_kib;
	size_t n_refusers;	/* domains that were asked and did not give */
	uint32_t *refusers;	/* points into bsched_result storage */
};

struct bsched_result {
	struct bsched_decision *decisions; /* same order as snapshot domains */
	size_t n_decisions;
	struct bsched_answer *answers;	/* same order as snapshot reservations */
	size_t n_answers;
	uint64_t supply_kib;		/* memory the policy could hand out */
	uint64_t demand_kib;		/* sum of clamped demands */
	bool growth_deferred;		/* some growth waits for shrinks */
	/* private storage owned by the result */
	uint32_t *refuser_storage;
};

struct bsched_state;

/* Production defaults; documented in scheduler/POLICY.md. */
void bsched_config_defaults(struct bsched_config *cfg);

/* Returns 0, or -1 and sets *why to a static reason. */
int bsched_config_validate(const struct bsched_config *cfg, const char **why);

/* Returns NULL only when out of memory. */
struct bsched_state *bsched_state_new(void);
void bsched_state_free(struct bsched_state *st);

/*
 * One policy iteration. Fills @out (call bsched_result_free() after).
 * Domains missing from @snap that were in the state are forgotten. A
 * domain that is not consistent (min > max, shares out of range, absurd
 * sizes, unknown frontend) is left alone, bound BSCHED_BOUND_INVALID.
 * Returns 0; -EINVAL for an invalid snapshot or config (duplicate domid,
 * time going backwards); -ENOMEM. On error @out is empty.
 * O(n log n) in the number of domains.
 */
int bsched_tick(struct bsched_state *st, const struct bsched_config *cfg,
		const struct bsched_snapshot *snap, struct bsched_result *out);

void bsched_result_free(struct bsched_result *out);

/* What a reservation of @size_kib frees in Xen: its size plus the
 * per-domain overhead (cfg.reserve_overhead_kib). */
uint64_t bsched_reservation_need_kib(const struct bsched_config *cfg,
				     uint64_t size_kib);

/* Free memory as the policy counts it: free + scrub - outstanding. */
uint64_t bsched_host_free_kib(const struct bsched_host *host);

const char *bsched_bound_str(enum bsched_bound b);	/* "demand", ... */
const char *bsched_frontend_str(enum bsched_frontend fe); /* "driver", ... */
const char *bsched_probe_str(enum bsched_probe p);	/* "probing", ... */

#endif /* BSCHED_H */
