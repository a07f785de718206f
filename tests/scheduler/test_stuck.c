// SPDX-License-Identifier: MIT
/* The stuck monitor: left out after stuck_after, flagged after
 * uncooperative_after, re-admitted when it moves, resumed after a restart
 * (as is the PSI boost). */
#include "fixture.h"
#include "suites.h"

/* Tick and settle, but domain @frozen does not move. */
static int run_frozen(struct fix *f, uint32_t frozen, int n)
{
	for (int i = 0; i < n; i++) {
		uint64_t keep = 0;
		size_t k;
		int rc = fix_tick(f);

		if (rc)
			return rc;
		for (k = 0; k < f->n; k++)
			if (f->d[k].domid == frozen)
				keep = f->d[k].actual_kib;
		fix_settle(f);
		for (k = 0; k < f->n; k++)
			if (f->d[k].domid == frozen)
				f->d[k].actual_kib = keep;
	}
	return 0;
}

/* dom 1 is asked to shrink (its guest uses little), dom 2 wants to grow. */
static void setup(struct fix *f)
{
	fix_init(f, 8 * GIB);
	fix_dom(f, 1, 512 * MIB, 6 * GIB, 100, 5 * GIB, GIB);
	fix_dom(f, 2, 512 * MIB, 6 * GIB, 100, 2 * GIB, 4 * GIB);
}

static void test_stuck_and_flagged_on_time(void)
{
	struct fix f;
	uint64_t held;

	setup(&f);
	/* first tick at t=1 s starts the clock; t=5 s: 4 s without progress */
	CU_ASSERT_EQUAL_FATAL(run_frozen(&f, 1, 5), 0);
	CU_ASSERT_FALSE(fix_dec(&f, 1)->stuck);
	CU_ASSERT_EQUAL_FATAL(run_frozen(&f, 1, 1), 0);	/* t=6 s */
	CU_ASSERT(fix_dec(&f, 1)->stuck);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->bound, BSCHED_BOUND_STUCK);
	CU_ASSERT_FALSE(fix_dec(&f, 1)->uncooperative);
	held = fix_dec(&f, 1)->target_kib;
	/* the others absorb: dom 1 is held to what it holds, and dom 2 has
	 * the rest of the pool */
	CU_ASSERT_EQUAL(f.res.supply_kib, fix_free(&f) + f.d[0].actual_kib +
					  f.d[1].actual_kib - 72 * MIB);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->ideal_kib, f.d[0].actual_kib);
	CU_ASSERT_EQUAL(fix_dec(&f, 2)->ideal_kib,
			f.res.supply_kib - f.d[0].actual_kib);
	CU_ASSERT_EQUAL_FATAL(run_frozen(&f, 1, 14), 0);	/* t=20 s */
	CU_ASSERT_FALSE(fix_dec(&f, 1)->uncooperative);
	CU_ASSERT_EQUAL_FATAL(run_frozen(&f, 1, 1), 0);	/* t=21 s */
	CU_ASSERT(fix_dec(&f, 1)->uncooperative);
	CU_ASSERT(fix_dec(&f, 1)->uncooperative_changed);
	/* hysteresis: time alone re-admits nobody, and the target holds */
	CU_ASSERT_EQUAL_FATAL(run_frozen(&f, 1, 60), 0);
	CU_ASSERT(fix_dec(&f, 1)->stuck);
	CU_ASSERT(fix_dec(&f, 1)->uncooperative);
	CU_ASSERT_FALSE(fix_dec(&f, 1)->uncooperative_changed);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->target_kib, held);
	/* it moves: re-admitted and unflagged at once */
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 2), 0);
	CU_ASSERT_FALSE(fix_dec(&f, 1)->stuck);
	CU_ASSERT_FALSE(fix_dec(&f, 1)->uncooperative);
	fix_fini(&f);
}

static void test_stuck_detection_is_needed(void)
{
	struct fix f;

	setup(&f);
	f.cfg.faults = BSCHED_FAULT_NO_STUCK_DETECTION;
	CU_ASSERT_EQUAL_FATAL(run_frozen(&f, 1, 40), 0);
	CU_ASSERT_FALSE(fix_dec(&f, 1)->stuck);
	CU_ASSERT_FALSE(fix_dec(&f, 1)->uncooperative);
	/* dom 2 keeps waiting for memory that never comes */
	CU_ASSERT_EQUAL(fix_dec(&f, 2)->bound, BSCHED_BOUND_GROWTH_DEFERRED);
	fix_fini(&f);
}

/* Slow but steady (progress_kib a tick) is progress. */
static void test_slow_is_not_stuck(void)
{
	struct fix f;

	setup(&f);
	for (int i = 0; i < 30; i++) {
		CU_ASSERT_EQUAL_FATAL(run_frozen(&f, 1, 1), 0);
		CU_ASSERT_FALSE(fix_dec(&f, 1)->stuck);
		CU_ASSERT(fix_dec(&f, 1)->target_kib < f.d[0].actual_kib);
		f.d[0].actual_kib -= f.cfg.progress_kib;
		fix_used(&f.d[0], GIB);
	}
	fix_fini(&f);
}

/*
 * Growth issued while memory was free, then the memory taken by something
 * the policy does not steer: the grower cannot grow while the host has
 * nothing free, and is not held to it. dom 1, asked to give, does not: it
 * is the one left out and flagged.
 */
static void test_no_free_is_not_stuck(void)
{
	struct fix f;
	bool ever_stuck = false, ever_flagged = false;

	setup(&f);
	/* judged quickly, so that dom 2 is judged while nothing is free */
	f.cfg.stuck_after_ms = f.cfg.uncooperative_after_ms = 2000;
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT_FATAL(fix_dec(&f, 2)->target_kib > f.d[1].actual_kib);
	f.external_kib += fix_free(&f);
	/* dom 1 does not move; dom 2 shrinks when told to, and grows by what
	 * is free: nothing, until it gives some back */
	for (int i = 0; i < 30; i++) {
		struct bsched_domain *d2 = &f.d[1];

		CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
		ever_stuck |= fix_dec(&f, 2)->stuck;
		ever_flagged |= fix_dec(&f, 2)->uncooperative;
		if (d2->target_kib < d2->actual_kib)
			d2->actual_kib = d2->target_kib;
		else if (d2->target_kib - d2->actual_kib < fix_free(&f))
			d2->actual_kib = d2->target_kib;
		else
			d2->actual_kib += fix_free(&f);
	}
	CU_ASSERT_FALSE(ever_stuck);
	CU_ASSERT_FALSE(ever_flagged);
	CU_ASSERT(fix_dec(&f, 1)->stuck);
	CU_ASSERT(fix_dec(&f, 1)->uncooperative);
	fix_fini(&f);
}

/*
 * A request the other way is a new request: the progress clock restarts.
 * A frozen balloon is asked to shrink by 100 MiB for three ticks, then to
 * grow by 100 MiB (the target published by hand): it is judged on the new
 * request from then on, not on the time it spent on the last one.
 */
static void test_new_request_restarts_the_clock(void)
{
	struct fix f;
	struct bsched_domain *d;
	int first_stuck = -1;

	fix_init(&f, 8 * GIB);
	d = fix_dom(&f, 1, 512 * MIB, 6 * GIB, 100, 2 * GIB, 4 * GIB);
	for (int t = 1; t <= 12 && first_stuck < 0; t++) {
		d->target_kib = t <= 3 ? 2 * GIB - 100 * MIB : 2 * GIB + 100 * MIB;
		CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
		if (fix_dec(&f, 1)->stuck)
			first_stuck = t;
	}
	/* asked to grow from the 4th tick: stuck 5 s later, not 5 s after
	 * the first */
	CU_ASSERT_EQUAL(first_stuck, 9);
	fix_fini(&f);
}

/* A stuck balloon is pinned to what it holds (or its lower target). */
static void test_stuck_maxmem(void)
{
	struct fix f;
	struct bsched_domain *d;

	fix_init(&f, 8 * GIB);
	d = fix_dom(&f, 1, 512 * MIB, 6 * GIB, 100, GIB, 4 * GIB);
	d->frontend = BSCHED_FE_STOCK;
	/* wants to grow but never does */
	CU_ASSERT_EQUAL_FATAL(run_frozen(&f, 1, 7), 0);
	CU_ASSERT(fix_dec(&f, 1)->stuck);
	CU_ASSERT(fix_dec(&f, 1)->target_kib > GIB);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->maxmem_kib, GIB + 1024);
	fix_fini(&f);

	setup(&f);
	f.d[0].frontend = BSCHED_FE_STOCK;
	CU_ASSERT_EQUAL_FATAL(run_frozen(&f, 1, 7), 0);
	CU_ASSERT(fix_dec(&f, 1)->stuck);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->maxmem_kib,
			fix_dec(&f, 1)->target_kib + 1024);
	fix_fini(&f);
}

/* A restarted daemon resumes from what is published. */
static void test_restart(void)
{
	struct fix f;

	setup(&f);
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 30), 0);
	bsched_state_free(f.st);
	f.st = bsched_state_new();
	CU_ASSERT_PTR_NOT_NULL_FATAL(f.st);
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT_FALSE(fix_dec(&f, 1)->target_changed);
	CU_ASSERT_FALSE(fix_dec(&f, 2)->target_changed);

	/* a published flag survives while the guest still does not move */
	f.d[0].uncooperative = true;
	f.d[0].target_kib = f.d[0].actual_kib - GIB;
	bsched_state_free(f.st);
	f.st = bsched_state_new();
	CU_ASSERT_PTR_NOT_NULL_FATAL(f.st);
	CU_ASSERT_EQUAL_FATAL(run_frozen(&f, 1, 1), 0);
	CU_ASSERT(fix_dec(&f, 1)->stuck);
	CU_ASSERT(fix_dec(&f, 1)->uncooperative);
	CU_ASSERT_FALSE(fix_dec(&f, 1)->uncooperative_changed);
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 2), 0);
	CU_ASSERT_FALSE(fix_dec(&f, 1)->uncooperative);
	fix_fini(&f);
}

/* A guest using 1 of its 4 GiB and stalling (PSI above the threshold). */
static void setup_stalled(struct fix *f)
{
	fix_init(f, 16 * GIB);
	fix_dom(f, 1, 256 * MIB, 8 * GIB, 100, 4 * GIB, GIB);
	f->d[0].stats.psi_some_avg10_centipct = f->cfg.psi_stall_centipct + 1;
	f->cfg.surplus = BSCHED_SURPLUS_KEEP_FREE;	/* the target is the demand */
}

/*
 * A restarted daemon gives back the PSI boost it saved (resume_boost_pct):
 * the policy decides as if it had never stopped. The seed counts only for
 * a domain the state has no record of, and never above the cap.
 */
static void test_restart_boost(void)
{
	struct fix cont, killed;
	struct bsched_domain saved;
	uint64_t unseeded_kib;

	setup_stalled(&cont);
	setup_stalled(&killed);
	CU_ASSERT_EQUAL_FATAL(fix_run(&cont, 5), 0);
	CU_ASSERT_EQUAL_FATAL(fix_run(&killed, 5), 0);
	CU_ASSERT_EQUAL(fix_dec(&killed, 1)->boost_pct, 5 * killed.cfg.psi_boost_pct);

	/* no record (a new process): without the seed the demand drops... */
	saved = killed.d[0];
	bsched_state_free(killed.st);
	killed.st = bsched_state_new();
	CU_ASSERT_PTR_NOT_NULL_FATAL(killed.st);
	CU_ASSERT_EQUAL_FATAL(fix_tick(&killed), 0);
	unseeded_kib = fix_dec(&killed, 1)->demand_kib;
	killed.d[0] = saved;			/* that tick never was */
	killed.now_ms -= TICK_MS;
	/* ...with it, the same decisions as the state that never stopped */
	killed.d[0].resume_boost_pct = 5 * killed.cfg.psi_boost_pct;
	bsched_state_free(killed.st);
	killed.st = bsched_state_new();
	CU_ASSERT_PTR_NOT_NULL_FATAL(killed.st);
	/* where a record exists, a seed is ignored */
	cont.d[0].resume_boost_pct = 170;
	for (int i = 0; i < 5; i++) {
		const struct bsched_decision *a, *b;

		CU_ASSERT_EQUAL_FATAL(fix_run(&cont, 1), 0);
		CU_ASSERT_EQUAL_FATAL(fix_run(&killed, 1), 0);
		a = fix_dec(&cont, 1);
		b = fix_dec(&killed, 1);
		CU_ASSERT_EQUAL(a->boost_pct, (6 + i) * cont.cfg.psi_boost_pct);
		CU_ASSERT_EQUAL(b->boost_pct, a->boost_pct);
		CU_ASSERT_EQUAL(b->demand_kib, a->demand_kib);
		CU_ASSERT_EQUAL(b->target_kib, a->target_kib);
		if (i == 0)
			CU_ASSERT(unseeded_kib < b->demand_kib);
	}
	fix_fini(&cont);

	/* a seed beyond the cap is the cap; without stalls it halves */
	killed.d[0].resume_boost_pct = 5000;
	killed.d[0].stats.psi_some_avg10_centipct = 0;
	bsched_state_free(killed.st);
	killed.st = bsched_state_new();
	CU_ASSERT_PTR_NOT_NULL_FATAL(killed.st);
	CU_ASSERT_EQUAL_FATAL(fix_tick(&killed), 0);
	CU_ASSERT_EQUAL(fix_dec(&killed, 1)->boost_pct, 100);
	fix_fini(&killed);
}

/* A domain that goes away is forgotten; coming back, it starts afresh. */
static void test_forgotten(void)
{
	struct fix f;

	setup(&f);
	CU_ASSERT_EQUAL_FATAL(run_frozen(&f, 1, 8), 0);
	CU_ASSERT(fix_dec(&f, 1)->stuck);
	f.d[0].uncooperative = false;
	f.d[0].target_kib = 0;
	{
		struct bsched_domain saved = f.d[0];

		f.d[0] = f.d[1];
		f.n = 1;
		CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
		f.d[1] = f.d[0];
		f.d[0] = saved;
		f.n = 2;
	}
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT_FALSE(fix_dec(&f, 1)->stuck);
	fix_fini(&f);
}

int add_stuck_suite(void)
{
	CU_pSuite s = CU_add_suite("stuck", NULL, NULL);

	if (!s ||
	    !CU_add_test(s, "stuck and flagged on time", test_stuck_and_flagged_on_time) ||
	    !CU_add_test(s, "stuck detection is needed", test_stuck_detection_is_needed) ||
	    !CU_add_test(s, "slow is not stuck", test_slow_is_not_stuck) ||
	    !CU_add_test(s, "a new request restarts the clock",
			 test_new_request_restarts_the_clock) ||
	    !CU_add_test(s, "nothing free is not stuck",
			 test_no_free_is_not_stuck) ||
	    !CU_add_test(s, "stuck maxmem", test_stuck_maxmem) ||
	    !CU_add_test(s, "restart", test_restart) ||
	    !CU_add_test(s, "restart resumes the PSI boost", test_restart_boost) ||
	    !CU_add_test(s, "forgotten", test_forgotten))
		return -1;
	return 0;
}
