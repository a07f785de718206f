/* SPDX-License-Identifier: MIT */
/*
 * ballast-sim: a discrete-time host-and-guests model driving libbsched.
 * A scenario (tests/sim/scenarios/NAME.scn, format in tests/sim/FORMAT.md) gives
 * the host, the guests and their behaviour, reservations, and the outcomes
 * expected. sim_run() plays it tick by tick; sim_check() judges it.
 */
#ifndef BALLAST_SIM_H
#define BALLAST_SIM_H

#include <stdio.h>

#include "bsched.h"
#include "bsched_vcpu.h"

#define SIM_MAX_GUESTS		32
#define SIM_MAX_WORK		128
#define SIM_MAX_RESERVE		16
#define SIM_MAX_EXPECT		64
#define SIM_MAX_SET		64
#define SIM_MAX_LOAD		128
#define SIM_LAG_TICKS		64	/* lag= covers at most this many ticks */
#define SIM_NEVER_MS		UINT64_MAX
#define SIM_ERR_LEN		256

struct sim_guest {
	struct bsched_domain dom;	/* policy, frontend, published target */
	uint64_t actual_kib;		/* at join */
	uint64_t rate_kib_s;		/* how fast its balloon moves */
	uint64_t used_kib;		/* working set at join */
	/* page cache it re-reads: reported as available, yet squeezed
	 * below used + hot it stalls in proportion (sim.c, graded PSI) */
	uint64_t hot_kib;
	bool has_probe;			/* probe= given (else the config's) */
	uint64_t claim_kib;		/* reported "used" of a liar, 0: honest */
	uint64_t floor_kib;		/* hidden floor: never gives below */
	uint64_t ceiling_kib;		/* hidden ceiling: never grows above,
					 * 0: none */
	uint64_t told_floor_kib;	/* floor it reports, 0: none */
	uint64_t overshoot_kib;		/* shrinking, stops this far above target */
	uint64_t lag_ms;		/* starts toward a new target this late */
	bool stats;			/* reports statistics at all */
	uint64_t join_ms, leave_ms;
	uint64_t stuck_from_ms, stuck_until_ms;	/* balloon frozen in between */
	uint64_t intermittent_ms;	/* frozen every other period, 0: never */
	bool has_via;			/* built from reservation via_res when */
	uint32_t via_res;		/* it is granted (join= is ignored) */
	/* processors (cpu.c), with a `cpus` directive */
	uint32_t vcpus;			/* online at start */
	uint32_t maxvcpus;
	uint32_t vcpus_min, vcpus_max;
	uint32_t cpu_shares;
	bool vcpu_scaling;		/* the policy may change its count */
	uint32_t pin;			/* cannot take its count below this
					 * (a CPU that cannot be offlined), 0 */
};

/* "load ID at=T threads=N": N CPU-bound threads from T on. */
struct sim_load {
	uint32_t domid;
	uint64_t at_ms;
	uint32_t threads;
};

struct sim_work {
	uint32_t domid;
	uint64_t at_ms;
	uint64_t used_kib;
};

struct sim_reserve {
	uint32_t id;
	uint64_t at_ms;
	uint64_t size_kib;
	uint64_t cancel_ms;	/* withdrawn then, unless built; SIM_NEVER_MS */
	uint64_t hold_ms;	/* granted, still asked for this long */
	uint64_t build_kib_s;	/* the new domain fills this fast, 0: at once */
};

/* "set DOM at=T min= max= shares=": the subscription changes at T. */
struct sim_set {
	uint32_t domid;
	uint64_t at_ms;
	bool has_min, has_max, has_shares;
	uint64_t min_kib, max_kib;
	uint32_t shares;
};

enum sim_expect_kind {
	SIM_EX_RESERVATION,	/* reservation ID STATUS by T */
	SIM_EX_FLAGGED,		/* first flagged within [t1, t2] */
	SIM_EX_UNFLAGGED,	/* flagged, then cleared by t2 */
	SIM_EX_NEVER_FLAGGED,
	SIM_EX_TARGET,		/* target OP value at t1 / from t1 */
	SIM_EX_ACTUAL,
	SIM_EX_STABLE,		/* no target changes from t1 on */
	SIM_EX_FITS,		/* targets + slush + reservations fit, from t1 */
	SIM_EX_FREE,		/* host free OP value from t1 */
	SIM_EX_DEMAND,		/* decision.demand_kib OP value at/from t1 */
	SIM_EX_STUCK,		/* first stuck within [t1, t2] */
	SIM_EX_NOT_STUCK,	/* not stuck at any tick from t1 */
	SIM_EX_NEVER_STUCK,
	SIM_EX_BLAMED,		/* named by a refused answer by t2 */
	SIM_EX_NEVER_BLAMED,
	SIM_EX_PSI,		/* reported PSI some avg10 OP centi-% at/from t1 */
	SIM_EX_PROBE,		/* probe state (status) seen by t2 / from t1 */
	SIM_EX_STALL,		/* mean reported PSI from t1 OP centi-% */
	SIM_EX_VCPUS,		/* vCPU target OP count at/from t1 */
	SIM_EX_ONLINE,		/* vCPUs online in Xen OP count at/from t1 */
	SIM_EX_VCPU_REFUSED,	/* a vCPU change first refused by t2 */
	SIM_EX_VCPU_STABLE,	/* no vCPU target changes from t1 on */
};

struct sim_expect {
	enum sim_expect_kind kind;
	unsigned int line;
	uint32_t id;		/* domid or reservation id */
	int status;		/* reservation status */
	bool at_most;		/* OP is <= (else >=) */
	bool from;		/* every tick from t1 (else the tick at t1) */
	uint64_t value_kib;
	uint64_t t1_ms, t2_ms;
};

struct sim_scenario {
	char name[64];
	uint64_t total_kib;
	uint64_t duration_ms, tick_ms;
	struct bsched_config cfg;
	bool probe;			/* config probe=: the guests' default */
	struct sim_guest guests[SIM_MAX_GUESTS];
	size_t n_guests;
	struct sim_work work[SIM_MAX_WORK];
	size_t n_work;
	struct sim_reserve reserve[SIM_MAX_RESERVE];
	size_t n_reserve;
	struct sim_set set[SIM_MAX_SET];
	size_t n_set;
	struct sim_expect expect[SIM_MAX_EXPECT];
	size_t n_expect;
	/* processors: off unless a `cpus` directive is given */
	bool cpus;
	uint32_t pcpus;
	struct bsched_vcpu_config vcfg;
	struct sim_load load[SIM_MAX_LOAD];
	size_t n_load;
};

/* One trace row: a present domain at one tick. */
struct sim_row {
	uint64_t time_ms;
	size_t guest;			/* index in the scenario */
	struct bsched_decision dec;
	uint64_t actual_kib;
	uint64_t host_free_kib;
	bool fits;			/* targets + slush + reservations <= total */
	uint32_t psi_centipct;		/* PSI some avg10 it reported */
	/* processors, when the scenario has them */
	bool has_cpu;
	struct bsched_vcpu_decision vdec;
	uint32_t online_vcpus;		/* in Xen, when the decision was made */
	uint32_t threads;
};

struct sim_trace {
	struct sim_row *rows;
	size_t n_rows, cap_rows;
	/* per reservation: first time each status was answered */
	uint64_t res_first_ms[SIM_MAX_RESERVE][4];
	/* per guest: first time a refused answer named it */
	uint64_t blamed_first_ms[SIM_MAX_GUESTS];
	/* target bounds broken, or a balloon asked to grow into memory
	 * that is not free */
	size_t n_invariant_breaks;
	char first_break[SIM_ERR_LEN];
};

/* Counts a broken invariant; the first one's text is kept. */
void sim_note_break(struct sim_trace *tr, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The guests' processors (cpu.c): the CPU model and the processor policy,
 * one step per tick after the memory decision. */
struct sim_cpu;
struct sim_cpu *sim_cpu_new(const struct sim_scenario *scn);
void sim_cpu_free(struct sim_cpu *c);
/* Decide for the @n rows this tick added (present guests, in order), fill
 * their processor fields, then let the guests follow for one tick.
 * Returns 0, or -1 with a reason in @err. */
int sim_cpu_step(struct sim_cpu *c, uint64_t now_ms, struct sim_row *rows,
		 size_t n, struct sim_trace *tr, char *err, size_t err_len);

/* Parse scenario text. Returns 0, or -1 with "LINE: reason" in @err. */
int sim_parse(const char *text, const char *name, struct sim_scenario *scn,
	      char *err, size_t err_len);
/* Read and parse a file. Returns 0, or -1 with "FILE:LINE: reason". */
int sim_load(const char *path, struct sim_scenario *scn, char *err,
	     size_t err_len);

/* Play the scenario. Returns 0, -1 with a reason in @err (bad scenario,
 * library error), or -ENOMEM as -1. Free the trace with sim_trace_free(). */
int sim_run(const struct sim_scenario *scn, struct sim_trace *tr, char *err,
	    size_t err_len);
void sim_trace_free(struct sim_trace *tr);

int sim_write_csv(const struct sim_scenario *scn, const struct sim_trace *tr,
		  FILE *f);

/* Judge every expectation (and the invariants); prints a line for each to
 * @report (may be NULL). Returns the number that failed. */
size_t sim_check(const struct sim_scenario *scn, const struct sim_trace *tr,
		 FILE *report);

#endif /* BALLAST_SIM_H */
