// SPDX-License-Identifier: MIT
/* Each rule of the policy, and the fault switch that shows it is needed. */
#include <errno.h>

#include "ballast_schema.h"
#include "fixture.h"
#include "suites.h"

#define NEAR(a, b, tol) ((a) > (b) ? (a) - (b) <= (tol) : (b) - (a) <= (tol))

static void test_demand_formula(void)
{
	struct fix f;
	struct bsched_domain *d;

	fix_init(&f, 16 * GIB);
	d = fix_dom(&f, 1, 256 * MIB, 8 * GIB, 100, 2 * GIB, GIB);
	f.cfg.surplus = BSCHED_SURPLUS_KEEP_FREE;
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	/* used 1 GiB + 20 % */
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->demand_kib, GIB + GIB * 20 / 100);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->ideal_kib, GIB + GIB * 20 / 100);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->bound, BSCHED_BOUND_STEP);
	/* small guest: the 64 MiB minimum buffer, then its min */
	fix_used(d, 100 * MIB);
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->demand_kib, 256 * MIB);
	d->min_kib = 0;
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->demand_kib, 164 * MIB);
	/* liar: clamped to its max */
	fix_used(d, 64 * GIB);
	d->stats.mem_total_kib = 64 * GIB;
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->demand_kib, 8 * GIB);
	fix_fini(&f);
}

/* No report, or an old one, or an absurd one: hold the current target. */
static void test_demand_without_stats(void)
{
	struct fix f;
	struct bsched_domain *d;
	uint64_t held;

	fix_init(&f, 16 * GIB);
	d = fix_dom(&f, 1, 256 * MIB, 8 * GIB, 100, 2 * GIB, GIB);
	f.cfg.surplus = BSCHED_SURPLUS_KEEP_FREE;
	d->target_kib = 3 * GIB;
	d->stats.present = false;
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->demand_kib, 3 * GIB);
	fix_used(d, GIB);
	d->stats.age_ms = f.cfg.stats_stale_ms + 1;
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->demand_kib, 3 * GIB);
	d->stats.age_ms = f.cfg.stats_stale_ms;
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->demand_kib, GIB + GIB / 5);
	d->stats.mem_total_kib = UINT64_MAX;
	held = d->target_kib;
	CU_ASSERT(held < 3 * GIB);
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->demand_kib, held);
	fix_fini(&f);
}

static void test_demand_psi_and_available(void)
{
	struct fix f;
	struct bsched_domain *d;
	uint64_t prev, base;

	fix_init(&f, 16 * GIB);
	d = fix_dom(&f, 1, 256 * MIB, 8 * GIB, 100, 4 * GIB, GIB);
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	base = prev = fix_dec(&f, 1)->demand_kib;
	/* stalls: the boost accumulates tick after tick */
	d->stats.psi_some_avg10_centipct = f.cfg.psi_stall_centipct + 1;
	for (int i = 0; i < 5; i++) {
		CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
		CU_ASSERT(fix_dec(&f, 1)->demand_kib > prev);
		prev = fix_dec(&f, 1)->demand_kib;
	}
	CU_ASSERT_EQUAL(prev, base + base / 100 * 50);
	/* at the threshold is not a stall: it decays, back to the base */
	d->stats.psi_some_avg10_centipct = f.cfg.psi_stall_centipct;
	for (int i = 0; i < 6; i++) {
		CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
		CU_ASSERT(fix_dec(&f, 1)->demand_kib < prev);
		prev = fix_dec(&f, 1)->demand_kib;
	}
	CU_ASSERT_EQUAL(prev, base);
	/* more MemAvailable at the same size: less demand */
	d->stats.mem_available_kib += GIB / 2;
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT(fix_dec(&f, 1)->demand_kib < base);
	fix_fini(&f);
}

/* A guest using all it has and stalling: its demand climbs to its max. */
static struct bsched_domain *hungry(struct fix *f, uint32_t domid,
				    uint64_t min_kib, uint32_t shares)
{
	struct bsched_domain *d = fix_dom(f, domid, min_kib, 6 * GIB, shares,
					  2560 * MIB, 2560 * MIB);

	d->stats.psi_some_avg10_centipct = 5000;
	return d;
}

/* Three guests wanting everything, shares 1:2:3: the pool splits 1:2:3. */
static void test_shares_split(void)
{
	struct fix f;
	uint64_t pool = 8 * GIB - 72 * MIB;

	fix_init(&f, 8 * GIB);
	hungry(&f, 1, 256 * MIB, 100);
	hungry(&f, 2, 256 * MIB, 200);
	hungry(&f, 3, 256 * MIB, 300);
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT_EQUAL(f.res.supply_kib, pool);
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 20), 0);
	for (uint32_t id = 1; id <= 3; id++)
		CU_ASSERT_EQUAL(fix_dec(&f, id)->bound, BSCHED_BOUND_SHARES);
	CU_ASSERT(NEAR(fix_dec(&f, 1)->target_kib, pool / 6, 2));
	CU_ASSERT(NEAR(fix_dec(&f, 2)->target_kib, pool / 3, 2));
	CU_ASSERT(NEAR(fix_dec(&f, 3)->target_kib, pool / 2, 2));
	fix_fini(&f);
}

/* A min above its share is kept; a small demand is met; the rest by shares. */
static void test_shares_floor_and_demand(void)
{
	struct fix f;
	uint64_t pool = 8 * GIB - 72 * MIB, small = 512 * MIB + 512 * MIB / 5;
	uint64_t rest = pool - small;

	fix_init(&f, 8 * GIB);
	hungry(&f, 1, 2 * GIB, 100);
	fix_dom(&f, 2, 256 * MIB, 6 * GIB, 100, 2 * GIB, 512 * MIB);
	hungry(&f, 3, 256 * MIB, 300);
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 30), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 2)->target_kib, small);
	CU_ASSERT_EQUAL(fix_dec(&f, 2)->bound, BSCHED_BOUND_DEMAND);
	/* 1:3 would give dom 1 less than its 2 GiB min */
	CU_ASSERT(rest / 4 < 2 * GIB);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->target_kib, 2 * GIB);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->bound, BSCHED_BOUND_MIN);
	CU_ASSERT(NEAR(fix_dec(&f, 3)->target_kib, rest - 2 * GIB, 2));
	fix_fini(&f);
}

static void test_surplus_rules(void)
{
	struct fix f;
	uint64_t pool = 8 * GIB - 72 * MIB, demand = GIB + GIB / 5;

	fix_init(&f, 8 * GIB);
	fix_dom(&f, 1, 256 * MIB, 6 * GIB, 100, 2 * GIB, GIB);
	fix_dom(&f, 2, 256 * MIB, 6 * GIB, 300, 2 * GIB, GIB);
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 20), 0);
	/* the surplus goes 1:3 on top of equal demands */
	CU_ASSERT(NEAR(fix_dec(&f, 1)->target_kib,
		       demand + (pool - 2 * demand) / 4, 2));
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->bound, BSCHED_BOUND_SURPLUS);
	CU_ASSERT(NEAR(fix_free(&f), 72 * MIB, 4));
	/* keep-free: targets fall to demand, the rest stays free */
	f.cfg.surplus = BSCHED_SURPLUS_KEEP_FREE;
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 20), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->target_kib, demand);
	CU_ASSERT_EQUAL(fix_dec(&f, 2)->target_kib, demand);
	CU_ASSERT_EQUAL(fix_dec(&f, 2)->bound, BSCHED_BOUND_DEMAND);
	CU_ASSERT_EQUAL(fix_free(&f), 8 * GIB - 2 * demand);
	fix_fini(&f);
}

/* A guest that fills the host leaves the slush free; without slush, not. */
static void test_slush(void)
{
	struct fix f;

	fix_init(&f, 8 * GIB);
	fix_dom(&f, 1, 256 * MIB, 16 * GIB, 100, 2 * GIB, 7 * GIB);
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 40), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->target_kib, 8 * GIB - 72 * MIB);
	CU_ASSERT_EQUAL(fix_free(&f), 72 * MIB);
	f.cfg.faults = BSCHED_FAULT_NO_SLUSH;
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 5), 0);
	CU_ASSERT_EQUAL(fix_free(&f), 0);
	fix_fini(&f);
}

/* target, then targets after one tick of an ideal host */
static void setup_shrink_grow(struct fix *f)
{
	fix_init(f, 6 * GIB + 1536 * MIB + 80 * MIB);
	fix_dom(f, 1, 512 * MIB, 8 * GIB, 100, 6 * GIB, GIB);
	fix_dom(f, 2, 512 * MIB, 8 * GIB, 100, 1536 * MIB, 4 * GIB);
}

static void test_two_phase(void)
{
	struct fix f;

	setup_shrink_grow(&f);
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT(f.res.growth_deferred);
	CU_ASSERT(fix_dec(&f, 1)->target_kib < 6 * GIB);
	CU_ASSERT_EQUAL(fix_dec(&f, 2)->target_kib, 1536 * MIB);
	CU_ASSERT_EQUAL(fix_dec(&f, 2)->bound, BSCHED_BOUND_GROWTH_DEFERRED);
	CU_ASSERT(fix_dec(&f, 2)->ideal_kib > 1536 * MIB);
	/* the shrink lands: now the growth is issued */
	fix_settle(&f);
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT(fix_dec(&f, 2)->target_kib > 1536 * MIB);
	fix_fini(&f);

	/* without two-phase, growth is promised memory that is not free */
	setup_shrink_grow(&f);
	f.cfg.faults = BSCHED_FAULT_NO_TWO_PHASE;
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT_FALSE(f.res.growth_deferred);
	CU_ASSERT(fix_dec(&f, 2)->target_kib > 1536 * MIB);
	CU_ASSERT(fix_dec(&f, 2)->target_kib - f.d[1].actual_kib >
		  fix_free(&f) - 72 * MIB);
	fix_fini(&f);
}

static void test_step_limit(void)
{
	struct fix f;

	fix_init(&f, 16 * GIB);
	fix_dom(&f, 1, 256 * MIB, 4 * GIB, 100, GIB, 3 * GIB);
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->target_kib, GIB + 256 * MIB);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->ideal_kib, 4 * GIB);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->bound, BSCHED_BOUND_STEP);
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 12), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->target_kib, 4 * GIB);
	fix_fini(&f);

	fix_init(&f, 16 * GIB);
	fix_dom(&f, 1, 256 * MIB, 4 * GIB, 100, GIB, 3 * GIB);
	f.cfg.faults = BSCHED_FAULT_NO_STEP_LIMIT;
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->target_kib, 4 * GIB);
	fix_fini(&f);
}

/* Noisy statistics: +-3 MiB of working set each tick. Count target changes. */
static int flaps(uint32_t faults)
{
	struct fix f;
	struct bsched_domain *d;
	int changes = 0;

	fix_init(&f, 16 * GIB);
	f.cfg.surplus = BSCHED_SURPLUS_KEEP_FREE;
	f.cfg.faults = faults;
	d = fix_dom(&f, 1, 256 * MIB, 8 * GIB, 100, 2 * GIB, 2 * GIB);
	if (fix_run(&f, 10))
		return -1;
	for (int i = 0; i < 30; i++) {
		fix_used(d, 2 * GIB + (i % 2 ? 3 * MIB : 0));
		if (fix_tick(&f))
			return -1;
		changes += fix_dec(&f, 1)->target_changed;
		fix_settle(&f);
	}
	fix_fini(&f);
	return changes;
}

static void test_deadband(void)
{
	struct fix f;
	struct bsched_domain *d;

	CU_ASSERT_EQUAL(flaps(0), 0);
	/* every tick but the first, whose input is the converged one */
	CU_ASSERT_EQUAL(flaps(BSCHED_FAULT_NO_DEADBAND), 29);
	/* a change that matters is issued */
	fix_init(&f, 16 * GIB);
	f.cfg.surplus = BSCHED_SURPLUS_KEEP_FREE;
	d = fix_dom(&f, 1, 256 * MIB, 8 * GIB, 100, 2 * GIB, 2 * GIB);
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 10), 0);
	fix_used(d, 2 * GIB + 3 * MIB);
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->bound, BSCHED_BOUND_DEADBAND);
	fix_used(d, 2 * GIB + 100 * MIB);
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT(fix_dec(&f, 1)->target_changed);
	fix_fini(&f);
}

/* The deadband never keeps memory a reservation needs. */
static void test_deadband_yields_when_short(void)
{
	struct fix f;

	fix_init(&f, 8 * GIB);
	fix_dom(&f, 1, 256 * MIB, 6 * GIB, 100, 2 * GIB, 6 * GIB);
	fix_dom(&f, 2, 256 * MIB, 6 * GIB, 100, 2 * GIB, 6 * GIB);
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 20), 0);
	f.r[0] = (struct bsched_reservation) { 1, 6 * MIB, f.now_ms };
	f.nr = 1;
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT_EQUAL(f.res.answers[0].status, BALLAST_RES_PENDING);
	/* each shrink is 3 MiB, under the 8 MiB deadband, yet issued */
	CU_ASSERT(fix_dec(&f, 1)->target_changed);
	CU_ASSERT(fix_dec(&f, 2)->target_changed);
	fix_settle(&f);
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT_EQUAL(f.res.answers[0].status, BALLAST_RES_GRANTED);
	fix_fini(&f);
}

/*
 * Two balloons at rest 2 MiB and 1 MiB above their 1 GiB targets (whole
 * pages, a balloon that stops short), with free memory 2 MiB short of the
 * slush: the lab's reservation that stayed pending.
 */
static const uint64_t overshoot_kib[] = { 2 * MIB, 1 * MIB };

static void setup_overshoot(struct fix *f, uint32_t faults)
{
	fix_init(f, 4 * GIB);
	f->cfg.faults = faults;
	for (uint32_t i = 0; i < 2; i++) {
		struct bsched_domain *d = fix_dom(f, i + 1, 256 * MIB, 4 * GIB,
						  100, GIB + overshoot_kib[i], 0);

		d->target_kib = GIB;
		d->stats.present = false;	/* demand: hold the target */
	}
	f->external_kib = 4 * GIB - (2 * GIB + 3 * MIB) - (72 * MIB - 2 * MIB);
}

/* They come to rest above their new targets by the same overshoots. */
static int run_overshooting(struct fix *f, int n)
{
	for (int k = 0; k < n; k++) {
		int rc = fix_tick(f);

		if (rc)
			return rc;
		for (size_t i = 0; i < 2; i++)
			f->d[i].actual_kib = f->d[i].target_kib +
					     overshoot_kib[i];
	}
	return 0;
}

/* A balloon resting within the slack above its target counts as holding
 * its target: the targets go down past the deadband until the slush is
 * free. Counted by actual, the overshoot is handed out again, for ever. */
static void test_overshoot_counts_as_target(void)
{
	struct fix f;

	setup_overshoot(&f, 0);
	CU_ASSERT_EQUAL(fix_free(&f), 70 * MIB);
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT_EQUAL(f.res.supply_kib, 70 * MIB + 2 * GIB - 72 * MIB);
	for (uint32_t id = 1; id <= 2; id++) {
		CU_ASSERT(fix_dec(&f, id)->target_changed);
		CU_ASSERT(fix_dec(&f, id)->target_kib < GIB);
		CU_ASSERT_NOT_EQUAL(fix_dec(&f, id)->bound,
				    BSCHED_BOUND_DEADBAND);
	}
	CU_ASSERT_EQUAL_FATAL(run_overshooting(&f, 5), 0);
	CU_ASSERT(fix_free(&f) >= 72 * MIB);
	CU_ASSERT_FALSE(fix_dec(&f, 1)->target_changed);
	CU_ASSERT_FALSE(fix_dec(&f, 2)->target_changed);
	fix_fini(&f);

	setup_overshoot(&f, BSCHED_FAULT_NO_INACCURACY_COMPENSATION);
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT_EQUAL(f.res.supply_kib, 70 * MIB + 2 * GIB + 3 * MIB - 72 * MIB);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->target_kib, GIB);
	CU_ASSERT_EQUAL_FATAL(run_overshooting(&f, 5), 0);
	CU_ASSERT(fix_free(&f) < 72 * MIB);
	fix_fini(&f);
}

/* The pool of one balloon targeted at 1 GiB, holding @actual_kib, with
 * 1 GiB free. */
static uint64_t pool_holding(uint64_t actual_kib, uint32_t faults)
{
	struct fix f;
	struct bsched_domain *d;
	uint64_t pool;

	fix_init(&f, 8 * GIB);
	f.cfg.faults = faults;
	d = fix_dom(&f, 1, 256 * MIB, 4 * GIB, 100, actual_kib, 0);
	d->target_kib = GIB;
	f.external_kib = 8 * GIB - GIB - actual_kib;
	pool = fix_tick(&f) ? 0 : f.res.supply_kib;
	fix_fini(&f);
	return pool;
}

/* Only within the slack above its target (max(progress, deadband)) does a
 * balloon count as its target: further above it is still shrinking, and
 * below it holds what it holds. */
static void test_pool_counts_by_actual_otherwise(void)
{
	struct bsched_config cfg;
	uint64_t slack, base = GIB - 72 * MIB;	/* free - slush */

	bsched_config_defaults(&cfg);
	slack = cfg.deadband_kib > cfg.progress_kib ? cfg.deadband_kib :
						      cfg.progress_kib;
	CU_ASSERT_EQUAL(pool_holding(GIB + 2 * MIB, 0), base + GIB);
	CU_ASSERT_EQUAL(pool_holding(GIB + slack, 0), base + GIB);
	CU_ASSERT_EQUAL(pool_holding(GIB + slack + 1, 0), base + GIB + slack + 1);
	CU_ASSERT_EQUAL(pool_holding(GIB + 64 * MIB, 0), base + GIB + 64 * MIB);
	CU_ASSERT_EQUAL(pool_holding(GIB - 2 * MIB, 0), base + GIB - 2 * MIB);
	CU_ASSERT_EQUAL(pool_holding(GIB, 0), base + GIB);
	CU_ASSERT_EQUAL(pool_holding(GIB + 2 * MIB,
				     BSCHED_FAULT_NO_INACCURACY_COMPENSATION),
			base + GIB + 2 * MIB);
}

static void test_maxmem(void)
{
	struct fix f;
	struct bsched_domain *stock, *none;

	fix_init(&f, 16 * GIB);
	fix_dom(&f, 1, 256 * MIB, 4 * GIB, 100, 2 * GIB, GIB);
	stock = fix_dom(&f, 2, 256 * MIB, 4 * GIB, 100, 2 * GIB, GIB);
	stock->frontend = BSCHED_FE_STOCK;
	none = fix_dom(&f, 3, 256 * MIB, 4 * GIB, 100, 2 * GIB, GIB);
	none->frontend = BSCHED_FE_NONE;
	none->maxmem_kib = 3 * GIB;
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 3), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->maxmem_kib, 4 * GIB + 1024);
	CU_ASSERT_EQUAL(fix_dec(&f, 2)->maxmem_kib,
			fix_dec(&f, 2)->target_kib + 1024);
	CU_ASSERT_EQUAL(fix_dec(&f, 3)->maxmem_kib, 3 * GIB);
	CU_ASSERT_FALSE(fix_dec(&f, 3)->maxmem_changed);
	fix_fini(&f);
}

/* No balloon: never counted on, never given a new target. */
static void test_no_balloon(void)
{
	struct fix f;
	struct bsched_domain *none;

	fix_init(&f, 8 * GIB);
	fix_dom(&f, 1, 256 * MIB, 8 * GIB, 100, 2 * GIB, 6 * GIB);
	none = fix_dom(&f, 2, 256 * MIB, 4 * GIB, 100, 3 * GIB, 256 * MIB);
	none->frontend = BSCHED_FE_NONE;
	none->target_kib = 3 * GIB;
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 20), 0);
	CU_ASSERT_EQUAL(f.res.supply_kib, 5 * GIB - 72 * MIB);
	CU_ASSERT_EQUAL(fix_dec(&f, 2)->target_kib, 3 * GIB);
	CU_ASSERT_FALSE(fix_dec(&f, 2)->target_changed);
	CU_ASSERT_EQUAL(fix_dec(&f, 2)->bound, BSCHED_BOUND_NO_BALLOON);
	CU_ASSERT_EQUAL(f.d[1].actual_kib, 3 * GIB);
	fix_fini(&f);
}

/* static-max caps the target below a larger policy max */
static void test_static_max(void)
{
	struct fix f;
	struct bsched_domain *d;

	fix_init(&f, 16 * GIB);
	d = fix_dom(&f, 1, 256 * MIB, 8 * GIB, 100, 2 * GIB, 6 * GIB);
	d->static_max_kib = 3 * GIB;
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 10), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->target_kib, 3 * GIB);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->bound, BSCHED_BOUND_MAX);
	fix_fini(&f);
}

/*
 * A reported floor bounds shrinking (bound "floor"), is honoured only up to
 * the default floor of the domain at its static max, and never grows a
 * domain above what it holds.
 */
static void test_reported_floor(void)
{
	struct fix f;
	struct bsched_domain *d;

	fix_init(&f, 2 * GIB);
	f.cfg.surplus = BSCHED_SURPLUS_KEEP_FREE;
	d = fix_dom(&f, 1, 64 * MIB, 512 * MIB, 100, 384 * MIB, 32 * MIB);
	d->stats.floor_kib = 136 * MIB;
	d = fix_dom(&f, 2, 64 * MIB, 512 * MIB, 100, 384 * MIB, 32 * MIB);
	d->stats.floor_kib = 1 * GIB;		/* a lie */
	d = fix_dom(&f, 3, 64 * MIB, 512 * MIB, 100, 100 * MIB, 32 * MIB);
	d->stats.floor_kib = 300 * MIB;		/* more than it holds */
	d = fix_dom(&f, 4, 64 * MIB, 512 * MIB, 100, 384 * MIB, 32 * MIB);
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 5), 0);

	CU_ASSERT_EQUAL(fix_dec(&f, 1)->target_kib, 136 * MIB);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->bound, BSCHED_BOUND_FLOOR);
	CU_ASSERT_EQUAL(ballast_default_floor_kib(512 * MIB), 168 * MIB);
	CU_ASSERT_EQUAL(fix_dec(&f, 2)->target_kib, 168 * MIB);
	CU_ASSERT_EQUAL(fix_dec(&f, 3)->target_kib, 100 * MIB);
	/* the same guest without a floor goes to its demand, below them all */
	CU_ASSERT(fix_dec(&f, 4)->target_kib < 100 * MIB);
	CU_ASSERT_NOT_EQUAL(fix_dec(&f, 4)->bound, BSCHED_BOUND_FLOOR);
	CU_ASSERT_STRING_EQUAL(bsched_bound_str(BSCHED_BOUND_FLOOR), "floor");
	fix_fini(&f);
}

/*
 * A balloon that is unloading is not counted on: its memory is outside the
 * pool, its target is left alone, its flag cleared, and it gets back the
 * toolstack's maxmem so it can repopulate.
 */
static void test_releasing(void)
{
	struct fix f;
	struct bsched_domain *d;
	const struct bsched_decision *dec;

	fix_init(&f, 8 * GIB);
	d = fix_dom(&f, 1, 256 * MIB, 4 * GIB, 100, 2 * GIB, GIB);
	d->static_max_kib = 4 * GIB;
	d->maxmem_kib = GIB + 1024;
	d->target_kib = GIB;
	d->uncooperative = true;
	d->releasing = true;
	fix_dom(&f, 2, 256 * MIB, 4 * GIB, 100, 2 * GIB, GIB);
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	dec = fix_dec(&f, 1);
	CU_ASSERT_EQUAL(dec->maxmem_kib, 4 * GIB + 1024);
	CU_ASSERT(dec->maxmem_changed);
	CU_ASSERT_FALSE(dec->target_changed);
	CU_ASSERT_EQUAL(dec->bound, BSCHED_BOUND_NO_BALLOON);
	CU_ASSERT_FALSE(dec->uncooperative);
	CU_ASSERT(dec->uncooperative_changed);
	/* only domain 2's memory and the free memory are shared */
	CU_ASSERT_EQUAL(f.res.supply_kib, 8 * GIB - 2 * GIB - 72 * MIB);
	fix_fini(&f);
}

int add_rules_suite(void)
{
	CU_pSuite s = CU_add_suite("rules", NULL, NULL);

	if (!s ||
	    !CU_add_test(s, "demand formula", test_demand_formula) ||
	    !CU_add_test(s, "demand without stats", test_demand_without_stats) ||
	    !CU_add_test(s, "demand: psi and available", test_demand_psi_and_available) ||
	    !CU_add_test(s, "shares split", test_shares_split) ||
	    !CU_add_test(s, "shares: floor and demand", test_shares_floor_and_demand) ||
	    !CU_add_test(s, "surplus rules", test_surplus_rules) ||
	    !CU_add_test(s, "slush", test_slush) ||
	    !CU_add_test(s, "two-phase", test_two_phase) ||
	    !CU_add_test(s, "step limit", test_step_limit) ||
	    !CU_add_test(s, "deadband", test_deadband) ||
	    !CU_add_test(s, "deadband yields when short", test_deadband_yields_when_short) ||
	    !CU_add_test(s, "overshoot counts as target", test_overshoot_counts_as_target) ||
	    !CU_add_test(s, "pool counts by actual otherwise",
			 test_pool_counts_by_actual_otherwise) ||
	    !CU_add_test(s, "maxmem", test_maxmem) ||
	    !CU_add_test(s, "no balloon", test_no_balloon) ||
	    !CU_add_test(s, "static max", test_static_max) ||
	    !CU_add_test(s, "reported floor", test_reported_floor) ||
	    !CU_add_test(s, "releasing balloon", test_releasing))
		return -1;
	return 0;
}
