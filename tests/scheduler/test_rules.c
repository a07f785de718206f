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

/* No report, or an old one, or an absurd one: under keep-free, hold the
 * current target (under surplus = shares: test_unreported_no_ratchet). */
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

/* Three guests wanting everything, shares 1:2:3: what lies above their
 * mins splits 1:2:3. */
static void test_shares_split(void)
{
	struct fix f;
	uint64_t pool = 8 * GIB - 72 * MIB, above = pool - 3 * 256 * MIB;

	fix_init(&f, 8 * GIB);
	hungry(&f, 1, 256 * MIB, 100);
	hungry(&f, 2, 256 * MIB, 200);
	hungry(&f, 3, 256 * MIB, 300);
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT_EQUAL(f.res.supply_kib, pool);
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 20), 0);
	for (uint32_t id = 1; id <= 3; id++)
		CU_ASSERT_EQUAL(fix_dec(&f, id)->bound, BSCHED_BOUND_SHARES);
	CU_ASSERT(NEAR(fix_dec(&f, 1)->target_kib, 256 * MIB + above / 6, 2));
	CU_ASSERT(NEAR(fix_dec(&f, 2)->target_kib, 256 * MIB + above / 3, 2));
	CU_ASSERT(NEAR(fix_dec(&f, 3)->target_kib, 256 * MIB + above / 2, 2));
	fix_fini(&f);
}

/* A small demand is met; a large min is guaranteed, and shares divide what
 * is left above the mins (ESX, Proxmox), not the whole allocation. */
static void test_shares_floor_and_demand(void)
{
	struct fix f;
	uint64_t pool = 8 * GIB - 72 * MIB, small = 512 * MIB + 512 * MIB / 5;
	uint64_t rest = pool - small, above = rest - 2 * GIB - 256 * MIB;

	fix_init(&f, 8 * GIB);
	hungry(&f, 1, 2 * GIB, 100);
	fix_dom(&f, 2, 256 * MIB, 6 * GIB, 100, 2 * GIB, 512 * MIB);
	hungry(&f, 3, 256 * MIB, 300);
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 30), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 2)->target_kib, small);
	CU_ASSERT_EQUAL(fix_dec(&f, 2)->bound, BSCHED_BOUND_DEMAND);
	/* 1:3 of the whole would give dom 1 less than its 2 GiB min: it
	 * would be held there and dom 3 take all the rest */
	CU_ASSERT(rest / 4 < 2 * GIB);
	CU_ASSERT(NEAR(fix_dec(&f, 1)->target_kib, 2 * GIB + above / 4, 2));
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->bound, BSCHED_BOUND_SHARES);
	CU_ASSERT(NEAR(fix_dec(&f, 3)->target_kib, 256 * MIB + above * 3 / 4, 2));
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

/*
 * One domain converged, then its use grows: is the next tick's change
 * issued under a deadband of @deadband_kib? *@dist_kib: how far the ideal
 * is from the target in force.
 */
static bool deadband_issues(uint64_t deadband_kib, uint64_t *dist_kib)
{
	struct fix f;
	struct bsched_domain *d;
	const struct bsched_decision *dec;
	uint64_t before;
	bool issued;

	fix_init(&f, 16 * GIB);
	f.cfg.surplus = BSCHED_SURPLUS_KEEP_FREE;
	d = fix_dom(&f, 1, 256 * MIB, 8 * GIB, 100, 2 * GIB, 2 * GIB);
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 10), 0);
	fix_used(d, 2 * GIB + 5 * MIB);
	f.cfg.deadband_kib = deadband_kib;
	before = d->target_kib;
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	dec = fix_dec(&f, 1);
	*dist_kib = dec->ideal_kib > before ? dec->ideal_kib - before :
					      before - dec->ideal_kib;
	issued = dec->target_changed;
	fix_fini(&f);
	return issued;
}

/* "smaller changes are not issued" (bsched.h): one of exactly the deadband is. */
static void test_deadband_boundary(void)
{
	uint64_t dist, again;

	CU_ASSERT_FALSE(deadband_issues(GIB, &dist));
	CU_ASSERT_FATAL(dist > 1 && dist < GIB);
	CU_ASSERT_TRUE(deadband_issues(dist, &again));
	CU_ASSERT_EQUAL(again, dist);
	CU_ASSERT_FALSE(deadband_issues(dist + 1, &again));
	CU_ASSERT_TRUE(deadband_issues(dist - 1, &again));
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
		d->stats.present = false;	/* no demand of its own */
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

/*
 * Contention: dom 1 is below its share and its demand grows by 12 MiB; the
 * three others, at their shares, each give 4 MiB, under the deadband. The
 * growth waits for those shrinks, so the deadband must let them out, or
 * dom 1 waits for ever.
 */
static void test_deadband_yields_to_growth(void)
{
	struct fix f;
	uint64_t need = 860 * MIB + 172 * MIB;

	fix_init(&f, 8 * GIB);
	f.cfg.unreported = BSCHED_UNREPORTED_SHARE;
	fix_dom(&f, 1, 256 * MIB, 6 * GIB, 300, 2 * GIB, 850 * MIB);
	for (uint32_t id = 2; id <= 4; id++)
		hungry(&f, id, 256 * MIB, 100);
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 30), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->target_kib, 1020 * MIB);
	CU_ASSERT_EQUAL(fix_dec(&f, 2)->bound, BSCHED_BOUND_SHARES);
	fix_used(&f.d[0], 860 * MIB);
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 3), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->target_kib, need);
	CU_ASSERT(NEAR(fix_dec(&f, 2)->target_kib,
		       (8 * GIB - 72 * MIB - need) / 3, 2));
	CU_ASSERT_FALSE(f.res.growth_deferred);
	fix_fini(&f);
}

/*
 * No contention: five guests share a small surplus (50 MiB, 10 each). Dom
 * 1's demand rises by 30 MiB, past the share it had: it is 20 MiB below its
 * demand. The plan takes 6 MiB from each of the others, under the 8 MiB
 * deadband, and nothing is free beyond the slush, so dom 1's growth waits for
 * those shrinks: the deadband must let them out, or the growth waits for
 * ever on memory that is never freed (tests/sim deadband-growth.scn).
 */
static void test_deadband_yields_without_contention(void)
{
	struct fix f;

	fix_init(&f, 4082 * MIB);
	fix_dom(&f, 1, 256 * MIB, 2 * GIB, 100, 800 * MIB, 700 * MIB);
	for (uint32_t id = 2; id <= 5; id++)
		fix_dom(&f, id, 256 * MIB, 2 * GIB, 100, 800 * MIB, 650 * MIB);
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 20), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->target_kib, 850 * MIB);
	fix_used(&f.d[0], 725 * MIB);
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT(f.res.demand_kib < f.res.supply_kib);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->demand_kib, 870 * MIB);
	for (uint32_t id = 2; id <= 5; id++) {
		CU_ASSERT_EQUAL(fix_dec(&f, id)->target_kib, 784 * MIB);
		CU_ASSERT_NOT_EQUAL(fix_dec(&f, id)->bound, BSCHED_BOUND_DEADBAND);
	}
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 3), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->target_kib, 874 * MIB);
	CU_ASSERT_FALSE(f.res.growth_deferred);
	fix_fini(&f);
}

/*
 * The lowest landings do not fit: dom 1 at its 1000 MiB min, and dom 2 below
 * its 1000 MiB min (it was raised) with only 676 MiB of the host left for
 * it. Dom 2 is planned on what there is, not on its min: it rises to 676 MiB
 * and nothing beyond the slush stays free. Planned at its min, its growth
 * waited for ever, 256 MiB steps at a time that did not fit.
 */
static void test_below_min_planned_on_what_there_is(void)
{
	struct fix f;

	fix_init(&f, 2 * GIB);
	f.external_kib = 300 * MIB;
	fix_dom(&f, 1, 1000 * MIB, 2 * GIB, 100, 1000 * MIB, 200 * MIB);
	fix_dom(&f, 2, 1000 * MIB, 2 * GIB, 100, 600 * MIB, 200 * MIB);
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT_EQUAL(f.res.supply_kib, 1676 * MIB);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->target_kib, 1000 * MIB);
	CU_ASSERT_EQUAL(fix_dec(&f, 2)->ideal_kib, 676 * MIB);
	CU_ASSERT_EQUAL(fix_dec(&f, 2)->target_kib, 676 * MIB);
	CU_ASSERT_FALSE(f.res.growth_deferred);
	fix_settle(&f);
	CU_ASSERT_EQUAL(fix_free(&f), 72 * MIB);
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 5), 0);
	CU_ASSERT_EQUAL(f.d[1].actual_kib, 676 * MIB);
	CU_ASSERT_FALSE(fix_dec(&f, 2)->target_changed);
	CU_ASSERT_FALSE(fix_dec(&f, 2)->uncooperative);
	fix_fini(&f);
}

/*
 * Balloons resting within the slack above their targets: the policy learns
 * how far above they come to rest and asks them for that much less, so
 * they land where planned and the slush is free at the first landing. The
 * shrinks pass the deadband: memory is short. Without the compensation
 * the overshoot is handed out again, for ever.
 */
static void test_overshoot_planned_for(void)
{
	struct fix f;

	setup_overshoot(&f, 0);
	CU_ASSERT_EQUAL(fix_free(&f), 70 * MIB);
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT_EQUAL(f.res.supply_kib, 70 * MIB + 2 * GIB + 3 * MIB - 72 * MIB);
	for (uint32_t id = 1; id <= 2; id++) {
		CU_ASSERT(fix_dec(&f, id)->target_changed);
		CU_ASSERT(fix_dec(&f, id)->target_kib < GIB);
		CU_ASSERT_NOT_EQUAL(fix_dec(&f, id)->bound,
				    BSCHED_BOUND_DEADBAND);
	}
	CU_ASSERT_EQUAL_FATAL(run_overshooting(&f, 1), 0);
	CU_ASSERT(fix_free(&f) >= 72 * MIB);
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

/* The pool counts what a balloon holds, however far it is from its
 * target: where it will land is planned by its target, not by the pool. */
static void test_pool_counts_by_actual(void)
{
	struct bsched_config cfg;
	uint64_t slack, base = GIB - 72 * MIB;	/* free - slush */

	bsched_config_defaults(&cfg);
	slack = cfg.deadband_kib > cfg.progress_kib ? cfg.deadband_kib :
						      cfg.progress_kib;
	CU_ASSERT_EQUAL(pool_holding(GIB + 2 * MIB, 0), base + GIB + 2 * MIB);
	CU_ASSERT_EQUAL(pool_holding(GIB + slack, 0), base + GIB + slack);
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
	/* a ballast frontend: its target plus the allowance, not its max */
	CU_ASSERT(fix_dec(&f, 1)->target_kib + f.cfg.frontend_allowance_kib < 4 * GIB);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->maxmem_kib, fix_dec(&f, 1)->target_kib +
			f.cfg.frontend_allowance_kib + 1024);
	CU_ASSERT_EQUAL(fix_dec(&f, 2)->maxmem_kib,
			fix_dec(&f, 2)->target_kib + 1024);
	CU_ASSERT_EQUAL(fix_dec(&f, 3)->maxmem_kib, 3 * GIB);
	CU_ASSERT_FALSE(fix_dec(&f, 3)->maxmem_changed);
	fix_fini(&f);
}

/*
 * Issue 14, defect 2: the allowance of a ballast frontend above its target
 * is an OOM allowance, never its whole max; an agent has the same.
 */
static void test_maxmem_allowance(void)
{
	struct fix f;

	fix_init(&f, 16 * GIB);
	f.cfg.frontend_allowance_kib = 64 * MIB;
	fix_dom(&f, 1, 256 * MIB, 4 * GIB, 100, 2 * GIB, GIB);
	fix_dom(&f, 2, 256 * MIB, 1 * GIB, 100, 1 * GIB, 1 * GIB - 8 * MIB)->frontend =
		BSCHED_FE_AGENT;
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 3), 0);
	CU_ASSERT(fix_dec(&f, 1)->target_kib < 3 * GIB);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->maxmem_kib,
			fix_dec(&f, 1)->target_kib + 64 * MIB + 1024);
	CU_ASSERT_EQUAL(fix_dec(&f, 2)->target_kib, 1 * GIB);
	CU_ASSERT_EQUAL(fix_dec(&f, 2)->maxmem_kib, 1 * GIB + 1024);
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
 * pool, its target is left alone, its flag cleared, and it gets the maxmem
 * to take back what its balloon holds (here its max, 4 GiB).
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
	d->stats.ballooned_kib = 2 * GIB;
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

/*
 * Issue 14, defect 1: "unloading" lifts maxmem by what the balloon says it
 * holds, never above the configured max (unless the admin lets it go to
 * static max), and only for release-limit: then the domain is held as a
 * stuck balloon, maxmem pinned to what it holds. A stock balloon is never
 * releasing, whatever its data/ballast says.
 */
static void test_releasing_bounded(void)
{
	struct fix f;
	struct bsched_domain *d, *up, *st;
	const struct bsched_decision *dec;

	fix_init(&f, 8 * GIB);
	d = fix_dom(&f, 1, 256 * MIB, 1 * GIB, 100, 512 * MIB, 256 * MIB);
	d->static_max_kib = 4 * GIB;
	d->target_kib = 512 * MIB;
	d->releasing = true;
	d->stats.ballooned_kib = 3584 * MIB;	/* boot size 4 GiB */
	up = fix_dom(&f, 2, 256 * MIB, 1 * GIB, 100, 512 * MIB, 256 * MIB);
	*up = *d;
	up->domid = 2;
	up->lift_above_max = true;
	st = fix_dom(&f, 3, 256 * MIB, 1 * GIB, 100, 512 * MIB, 256 * MIB);
	*st = *d;
	st->domid = 3;
	st->frontend = BSCHED_FE_STOCK;
	st->maxmem_kib = 512 * MIB + 1024;
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->maxmem_kib, 1 * GIB + 1024);
	CU_ASSERT_EQUAL(fix_dec(&f, 2)->maxmem_kib, 4 * GIB + 1024);
	CU_ASSERT_EQUAL(fix_dec(&f, 3)->maxmem_kib, fix_dec(&f, 3)->target_kib + 1024);
	CU_ASSERT_NOT_EQUAL(fix_dec(&f, 3)->bound, BSCHED_BOUND_NO_BALLOON);

	/* it claims less: it gets only that */
	d->stats.ballooned_kib = 100 * MIB;
	up->stats.ballooned_kib = 100 * MIB;
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->maxmem_kib, 612 * MIB + 1024);
	CU_ASSERT_EQUAL(fix_dec(&f, 2)->maxmem_kib, 612 * MIB + 1024);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->bound, BSCHED_BOUND_NO_BALLOON);

	/* past the limit: stuck, maxmem pinned to what it holds */
	d->actual_kib = 700 * MIB;
	d->releasing_ms = f.cfg.release_limit_ms;
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	dec = fix_dec(&f, 1);
	CU_ASSERT(dec->stuck);
	CU_ASSERT_EQUAL(dec->bound, BSCHED_BOUND_STUCK);
	CU_ASSERT_EQUAL(dec->target_kib, 512 * MIB);
	CU_ASSERT_EQUAL(dec->maxmem_kib, 512 * MIB + 1024);
	fix_fini(&f);
}

/*
 * The lab where a stock guest kept memory a growing guest was OOM-killed
 * for: d1 (driver) needs 330 MiB, d2 (driver) and ag (agent) 150 MiB each,
 * st (stock balloon, no statistics) holds 320 MiB; all min 96 MiB, shares
 * 1000; a filler the policy does not manage leaves a pool of 834 MiB.
 */
#define LAB_POOL	(834 * MIB)
#define LAB_D1_NEED	(266 * MIB + 64 * MIB)
#define LAB_IDLE_NEED	(86 * MIB + 64 * MIB)
#define LAB_MIN		(96 * MIB)
/* what is left when d1, the idle guests and the stock guest's min are
 * met, split four ways (27 MiB) */
#define LAB_SHARE	((LAB_POOL - LAB_D1_NEED - 2 * LAB_IDLE_NEED - LAB_MIN) / 4)

static struct bsched_domain *lab(struct fix *f, enum bsched_unreported rule,
				 uint64_t d1_used_kib)
{
	struct bsched_domain *st;

	fix_init(f, 2 * GIB);
	f->cfg.unreported = rule;
	f->external_kib = 2 * GIB - LAB_POOL - 72 * MIB;
	fix_dom(f, 1, LAB_MIN, 512 * MIB, 1000, 270 * MIB, d1_used_kib);
	fix_dom(f, 2, LAB_MIN, 512 * MIB, 1000, 150 * MIB, 86 * MIB);
	fix_dom(f, 3, LAB_MIN, 512 * MIB, 1000, 150 * MIB, 86 * MIB)->frontend =
		BSCHED_FE_AGENT;
	st = fix_dom(f, 4, LAB_MIN, 512 * MIB, 1000, 320 * MIB, 0);
	st->frontend = BSCHED_FE_STOCK;
	st->target_kib = 320 * MIB;
	st->stats = (struct bsched_stats) { .present = false };
	return st;
}

/*
 * Evidence first: the guests that show their need get it. The stock guest
 * is taken to need its min; in the lab that and the others' needs fit, so
 * each gets its need plus a quarter of the rest (it held 320 MiB, and the
 * old split left d1 short: test_unreported_share). When d1 needs more than
 * all but the mins, the stock guest keeps its min and says so
 * ("unreported").
 */
static void test_unreported_yields(void)
{
	struct fix f;
	int changes = 0;

	lab(&f, BSCHED_UNREPORTED_YIELD, 266 * MIB);
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 10), 0);
	CU_ASSERT_EQUAL(f.res.supply_kib, LAB_POOL);
	CU_ASSERT_EQUAL(f.res.demand_kib,
			LAB_D1_NEED + 2 * LAB_IDLE_NEED + LAB_MIN);
	CU_ASSERT(NEAR(fix_dec(&f, 1)->target_kib, LAB_D1_NEED + LAB_SHARE, 4));
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->bound, BSCHED_BOUND_SURPLUS);
	CU_ASSERT(NEAR(fix_dec(&f, 2)->target_kib, LAB_IDLE_NEED + LAB_SHARE, 4));
	CU_ASSERT(NEAR(fix_dec(&f, 3)->target_kib, LAB_IDLE_NEED + LAB_SHARE, 4));
	CU_ASSERT(NEAR(fix_dec(&f, 4)->target_kib, LAB_MIN + LAB_SHARE, 4));
	CU_ASSERT_EQUAL(fix_dec(&f, 4)->demand_kib, LAB_MIN);
	CU_ASSERT_EQUAL(fix_dec(&f, 4)->bound, BSCHED_BOUND_SURPLUS);
	/* and it stays there */
	for (int i = 0; i < 20; i++) {
		CU_ASSERT_EQUAL_FATAL(fix_run(&f, 1), 0);
		for (size_t k = 0; k < f.n; k++)
			changes += f.res.decisions[k].target_changed;
	}
	CU_ASSERT_EQUAL(changes, 0);
	CU_ASSERT(fix_free(&f) >= 72 * MIB);
	fix_fini(&f);

	/* d1 stalls and needs more than all but the mins: the stock guest
	 * keeps its min */
	lab(&f, BSCHED_UNREPORTED_YIELD, 270 * MIB);
	f.d[0].max_kib = f.d[0].static_max_kib = 1 * GIB;
	f.d[0].stats.psi_some_avg10_centipct = 5000;
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 10), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 4)->target_kib, LAB_MIN);
	CU_ASSERT_EQUAL(fix_dec(&f, 4)->bound, BSCHED_BOUND_UNREPORTED);
	CU_ASSERT_STRING_EQUAL(bsched_bound_str(BSCHED_BOUND_UNREPORTED),
			       "unreported");
	CU_ASSERT(NEAR(fix_dec(&f, 1)->target_kib,
		       LAB_POOL - LAB_MIN - 2 * LAB_IDLE_NEED, 4));
	fix_fini(&f);
}

/* unreported = share is the old split: d1 and the stock guest halve what
 * the idle guests leave, and d1 gets less than its working set. */
static void test_unreported_share(void)
{
	struct fix f;
	uint64_t half = (LAB_POOL - 2 * LAB_IDLE_NEED) / 2;

	lab(&f, BSCHED_UNREPORTED_SHARE, 266 * MIB);
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 10), 0);
	CU_ASSERT(NEAR(fix_dec(&f, 1)->target_kib, half, 4));
	CU_ASSERT(NEAR(fix_dec(&f, 4)->target_kib, half, 4));
	CU_ASSERT(fix_dec(&f, 1)->target_kib < 270 * MIB);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->bound, BSCHED_BOUND_SHARES);
	CU_ASSERT_NOT_EQUAL(fix_dec(&f, 4)->bound, BSCHED_BOUND_UNREPORTED);
	CU_ASSERT_EQUAL(fix_dec(&f, 2)->target_kib, LAB_IDLE_NEED);
	fix_fini(&f);
}

/* Targets, bounds and supply of @n ticks of @a and @b, tick by tick. */
static int differences(struct fix *a, struct fix *b, int n)
{
	int diff = 0;

	for (int t = 0; t < n; t++) {
		if (fix_run(a, 1) || fix_run(b, 1))
			return -1;
		diff += a->res.supply_kib != b->res.supply_kib;
		for (size_t i = 0; i < a->n; i++)
			diff += a->res.decisions[i].target_kib !=
				b->res.decisions[i].target_kib ||
				a->res.decisions[i].bound !=
				b->res.decisions[i].bound;
	}
	return diff;
}

/*
 * Without contention nobody yields, and the stock guest is taken to need
 * its min: it gets that plus its share of the surplus, less than the 320
 * MiB it held. unreported = share counts what it holds as its need and
 * hands it a share on top, more each tick (test_unreported_no_ratchet).
 * keep-free hands nothing out on top: the stock guest keeps what it holds.
 */
static void test_unreported_no_contention(void)
{
	uint64_t share = (LAB_POOL - (80 * MIB + 64 * MIB) -
			  2 * LAB_IDLE_NEED - LAB_MIN) / 4;
	struct fix y, s;

	lab(&y, BSCHED_UNREPORTED_YIELD, 80 * MIB);
	lab(&s, BSCHED_UNREPORTED_SHARE, 80 * MIB);
	CU_ASSERT_EQUAL_FATAL(fix_run(&y, 20), 0);
	CU_ASSERT_EQUAL_FATAL(fix_run(&s, 20), 0);
	CU_ASSERT(y.res.demand_kib < y.res.supply_kib);
	CU_ASSERT(NEAR(fix_dec(&y, 4)->target_kib, LAB_MIN + share, 4));
	CU_ASSERT_EQUAL(fix_dec(&y, 4)->demand_kib, LAB_MIN);
	CU_ASSERT(fix_dec(&y, 4)->ideal_kib > fix_dec(&y, 4)->demand_kib);
	CU_ASSERT_EQUAL(fix_dec(&y, 4)->bound, BSCHED_BOUND_SURPLUS);
	CU_ASSERT(fix_dec(&s, 4)->target_kib > 320 * MIB);
	CU_ASSERT(fix_dec(&s, 1)->target_kib < fix_dec(&y, 1)->target_kib);
	fix_fini(&y);
	fix_fini(&s);
	/* keep-free: each its demand, the stock guest what it holds */
	lab(&y, BSCHED_UNREPORTED_YIELD, 80 * MIB);
	y.cfg.surplus = BSCHED_SURPLUS_KEEP_FREE;
	CU_ASSERT_EQUAL_FATAL(fix_run(&y, 10), 0);
	CU_ASSERT_EQUAL(fix_dec(&y, 4)->target_kib, 320 * MIB);
	CU_ASSERT_EQUAL(fix_dec(&y, 4)->demand_kib, 320 * MIB);
	CU_ASSERT_EQUAL(fix_dec(&y, 4)->bound, BSCHED_BOUND_DEMAND);
	fix_fini(&y);
}

/* A roomy host: dom 1 reports (needs 1.2 GiB), dom 2 runs the stock
 * balloon only and is given @stock_kib (min 512 MiB, shares 1:3). */
#define ROOMY_POOL	(8 * GIB - 72 * MIB)
#define ROOMY_NEED	(GIB + GIB / 5)

static void roomy(struct fix *f, enum bsched_unreported rule,
		  uint64_t stock_kib)
{
	struct bsched_domain *st;

	fix_init(f, 8 * GIB);
	f->cfg.unreported = rule;
	fix_dom(f, 1, 256 * MIB, 6 * GIB, 100, 2 * GIB, GIB);
	st = fix_dom(f, 2, 512 * MIB, 6 * GIB, 300, stock_kib, 0);
	st->frontend = BSCHED_FE_STOCK;
	st->target_kib = stock_kib;
	st->stats = (struct bsched_stats) { .present = false };
}

/*
 * The ratchet. Every target is fed back as the guests' target and actual.
 * The stock guest is taken to need its min: it gets that plus 3/4 of the
 * surplus, tick after tick, whatever it was given before. Taken to need
 * what it holds (unreported = share), each tick hands it 3/4 of the
 * surplus on top of last tick's, and it climbs to its max, taking the
 * surplus of the guest that reports.
 */
static void test_unreported_no_ratchet(void)
{
	static const uint64_t start_kib[] = { GIB, 2 * GIB, 5 * GIB };
	uint64_t surplus = ROOMY_POOL - ROOMY_NEED - 512 * MIB;
	uint64_t fair = 512 * MIB + surplus / 4 * 3, settled, prev = 0;
	struct fix f;
	int changes = 0, climbs = 0;

	for (size_t k = 0; k < sizeof(start_kib) / sizeof(start_kib[0]); k++) {
		roomy(&f, BSCHED_UNREPORTED_YIELD, start_kib[k]);
		CU_ASSERT_EQUAL_FATAL(fix_run(&f, 20), 0);
		settled = fix_dec(&f, 2)->target_kib;
		CU_ASSERT(NEAR(settled, fair, 4));
		CU_ASSERT_EQUAL(fix_dec(&f, 2)->demand_kib, 512 * MIB);
		CU_ASSERT_EQUAL(fix_dec(&f, 2)->bound, BSCHED_BOUND_SURPLUS);
		/* dom 1's target is within the deadband of it */
		CU_ASSERT(NEAR(fix_dec(&f, 1)->ideal_kib,
			       ROOMY_NEED + surplus / 4, 4));
		for (int t = 0; t < 100; t++) {
			CU_ASSERT_EQUAL_FATAL(fix_run(&f, 1), 0);
			changes += fix_dec(&f, 2)->target_kib != settled ||
				   fix_dec(&f, 1)->target_changed;
		}
		fix_fini(&f);
	}
	CU_ASSERT_EQUAL(changes, 0);

	roomy(&f, BSCHED_UNREPORTED_SHARE, 2 * GIB);
	for (int t = 0; t < 100; t++) {
		CU_ASSERT_EQUAL_FATAL(fix_run(&f, 1), 0);
		climbs += fix_dec(&f, 2)->target_kib > prev;
		prev = fix_dec(&f, 2)->target_kib;
	}
	CU_ASSERT(climbs > 3);
	CU_ASSERT_EQUAL(fix_dec(&f, 2)->target_kib, 6 * GIB);
	CU_ASSERT_EQUAL(fix_dec(&f, 2)->demand_kib, 6 * GIB);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->target_kib, ROOMY_POOL - 6 * GIB);
	fix_fini(&f);
}

/*
 * As d1's need grows past what the idle guests and the stock guest's min
 * leave, every ideal moves by no more than the need did: the contention
 * rule (stock guest at its min) meets the surplus rule (its min plus a
 * share of nothing). Measured with what it holds, contention would begin
 * elsewhere, and the stock guest's ideal would jump there.
 */
static void test_unreported_continuous(void)
{
	uint64_t prev[4] = { 0 };
	bool seen[2] = { false, false };

	for (uint64_t used = 64 * MIB; used <= 440 * MIB; used += MIB) {
		struct fix f;
		struct bsched_domain *d1;

		lab(&f, BSCHED_UNREPORTED_YIELD, 0);
		d1 = &f.d[0];
		d1->max_kib = d1->static_max_kib = GIB;
		d1->stats.mem_total_kib = GIB;
		d1->stats.mem_available_kib = GIB - used;
		CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
		seen[f.res.demand_kib >= f.res.supply_kib] = true;
		for (size_t i = 0; i < 4; i++) {
			uint64_t ideal = f.res.decisions[i].ideal_kib;

			if (used > 64 * MIB)
				CU_ASSERT(NEAR(ideal, prev[i], 2 * MIB));
			prev[i] = ideal;
		}
		fix_fini(&f);
	}
	CU_ASSERT(seen[false] && seen[true]);
	CU_ASSERT_EQUAL(prev[3], LAB_MIN);
}

/*
 * Three stock guests, nobody reports: nobody is served first (no
 * "unreported" bound). Each is taken to need its min and gets it plus its
 * share (1:2:3) of the rest, with or without a reservation, whatever it
 * held before.
 */
static void test_unreported_all_silent(void)
{
	static const uint64_t held_kib[2][3] = {
		{ GIB, GIB, GIB }, { 1536 * MIB, 512 * MIB, 1280 * MIB },
	};
	uint64_t pool = 4 * GIB - 72 * MIB, sum = 0;
	struct fix f[2];

	for (int k = 0; k < 2; k++) {
		fix_init(&f[k], 4 * GIB);
		for (uint32_t id = 1; id <= 3; id++) {
			struct bsched_domain *d = fix_dom(&f[k], id, 256 * MIB,
							  2 * GIB, 100 * id,
							  held_kib[k][id - 1], 0);

			d->frontend = BSCHED_FE_STOCK;
			d->target_kib = held_kib[k][id - 1];
			d->stats = (struct bsched_stats) { .present = false };
		}
		CU_ASSERT_EQUAL_FATAL(fix_run(&f[k], 20), 0);
	}
	CU_ASSERT_EQUAL(differences(&f[0], &f[1], 3), 0);
	for (uint32_t id = 1; id <= 3; id++)
		CU_ASSERT(NEAR(fix_dec(&f[0], id)->target_kib,
			       256 * MIB + (pool - 768 * MIB) / 6 * id, 4));
	for (int k = 0; k < 2; k++) {
		f[k].r[0] = (struct bsched_reservation) { 1, 2 * GIB, 0 };
		f[k].nr = 1;
	}
	CU_ASSERT_EQUAL(differences(&f[0], &f[1], 20), 0);
	pool -= 2 * GIB;
	CU_ASSERT_EQUAL(f[0].res.supply_kib, pool);
	CU_ASSERT_EQUAL(f[0].res.answers[0].status, BALLAST_RES_GRANTED);
	for (uint32_t id = 1; id <= 3; id++) {
		sum += fix_dec(&f[0], id)->target_kib;
		CU_ASSERT_NOT_EQUAL(fix_dec(&f[0], id)->bound,
				    BSCHED_BOUND_UNREPORTED);
		CU_ASSERT(NEAR(fix_dec(&f[0], id)->target_kib,
			       256 * MIB + (pool - 768 * MIB) / 6 * id, 4));
	}
	CU_ASSERT(sum <= pool);
	fix_fini(&f[0]);
	fix_fini(&f[1]);
}

/*
 * Reports that go stale make a guest unreported until they are fresh
 * again: taken to need what it last showed, and under contention served
 * after the guests that report; those still split by shares among
 * themselves.
 */
static void test_unreported_stale(void)
{
	struct fix f;
	struct bsched_domain *d4;

	lab(&f, BSCHED_UNREPORTED_YIELD, 266 * MIB);
	d4 = &f.d[3];
	d4->frontend = BSCHED_FE_DRIVER;
	fix_used(d4, 250 * MIB);		/* needs 314 MiB */
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 10), 0);
	/* both report and want more than is left: equal shares */
	CU_ASSERT(NEAR(fix_dec(&f, 1)->target_kib,
		       (LAB_POOL - 2 * LAB_IDLE_NEED) / 2, 4));
	CU_ASSERT(NEAR(fix_dec(&f, 4)->target_kib,
		       (LAB_POOL - 2 * LAB_IDLE_NEED) / 2, 4));
	CU_ASSERT_EQUAL(fix_dec(&f, 4)->bound, BSCHED_BOUND_SHARES);
	/* d4's reports stop: it keeps the need it last showed (its reporter
	 * may be what is starved), not its min; but without evidence it is
	 * served after the guests that report: d1 gets its need, d4 the rest,
	 * above its min */
	for (int i = 0; i < 10; i++) {
		d4->stats.age_ms = f.cfg.stats_stale_ms + 1;
		CU_ASSERT_EQUAL_FATAL(fix_run(&f, 1), 0);
	}
	CU_ASSERT(NEAR(fix_dec(&f, 1)->target_kib, LAB_D1_NEED, 4));
	CU_ASSERT(NEAR(fix_dec(&f, 4)->target_kib,
		       LAB_POOL - LAB_D1_NEED - 2 * LAB_IDLE_NEED, 4));
	CU_ASSERT_EQUAL(fix_dec(&f, 4)->demand_kib, 314 * MIB);
	CU_ASSERT_EQUAL(fix_dec(&f, 4)->bound, BSCHED_BOUND_UNREPORTED);
	/* d1 stalls: they no longer fit, and d4 yields down to its min */
	f.d[0].stats.psi_some_avg10_centipct = 5000;
	for (int i = 0; i < 10; i++) {
		d4->stats.age_ms = f.cfg.stats_stale_ms + 1;
		CU_ASSERT_EQUAL_FATAL(fix_run(&f, 1), 0);
	}
	CU_ASSERT_EQUAL(fix_dec(&f, 4)->target_kib, LAB_MIN);
	CU_ASSERT_EQUAL(fix_dec(&f, 4)->bound, BSCHED_BOUND_UNREPORTED);
	CU_ASSERT(NEAR(fix_dec(&f, 1)->target_kib,
		       LAB_POOL - LAB_MIN - 2 * LAB_IDLE_NEED, 4));
	/* fresh again (using all of its min): back among the reporting
	 * guests, which are served by shares up to their demand, its own
	 * (160 MiB) before d1's */
	fix_used(d4, LAB_MIN);
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 20), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 4)->target_kib, LAB_MIN + 64 * MIB);
	CU_ASSERT_EQUAL(fix_dec(&f, 4)->bound, BSCHED_BOUND_DEMAND);
	CU_ASSERT(NEAR(fix_dec(&f, 1)->target_kib,
		       LAB_POOL - 2 * LAB_IDLE_NEED - LAB_MIN - 64 * MIB, 4));
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->bound, BSCHED_BOUND_SHARES);
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
	    !CU_add_test(s, "deadband yields to growth", test_deadband_yields_to_growth) ||
	    !CU_add_test(s, "deadband yields to growth without contention",
			 test_deadband_yields_without_contention) ||
	    !CU_add_test(s, "below its min: planned on what there is",
			 test_below_min_planned_on_what_there_is) ||
	    !CU_add_test(s, "overshoot is planned for", test_overshoot_planned_for) ||
	    !CU_add_test(s, "pool counts by actual",
			 test_pool_counts_by_actual) ||
	    !CU_add_test(s, "maxmem", test_maxmem) ||
	    !CU_add_test(s, "maxmem: a frontend's allowance", test_maxmem_allowance) ||
	    !CU_add_test(s, "no balloon", test_no_balloon) ||
	    !CU_add_test(s, "static max", test_static_max) ||
	    !CU_add_test(s, "reported floor", test_reported_floor) ||
	    !CU_add_test(s, "releasing balloon", test_releasing) ||
	    !CU_add_test(s, "releasing balloon: bounded", test_releasing_bounded) ||
	    !CU_add_test(s, "unreported yields", test_unreported_yields) ||
	    !CU_add_test(s, "unreported = share", test_unreported_share) ||
	    !CU_add_test(s, "unreported, no contention",
			 test_unreported_no_contention) ||
	    !CU_add_test(s, "unreported: no ratchet", test_unreported_no_ratchet) ||
	    !CU_add_test(s, "unreported: continuous", test_unreported_continuous) ||
	    !CU_add_test(s, "unreported, all silent", test_unreported_all_silent) ||
	    !CU_add_test(s, "unreported: stale reports", test_unreported_stale) ||
	    !CU_add_test(s, "deadband boundary", test_deadband_boundary))
		return -1;
	return 0;
}
