// SPDX-License-Identifier: MIT
/* Working-set probing (scheduler/probe.c; POLICY.md, "Working-set probing"):
 * off unless asked for, a step per interval while PSI is under the goal,
 * back-off and hold over it, the cap lifted under the demand rule's
 * pressure, never below the lower bound, never ahead of the balloon. */
#include "fixture.h"
#include "suites.h"

/* One idle guest of 4 GiB using 512 MiB on a host with room to spare: the
 * surplus rule alone gives it all of its 4 GiB. */
static struct bsched_domain *setup(struct fix *f, bool probe)
{
	struct bsched_domain *d;

	fix_init(f, 16 * GIB);
	d = fix_dom(f, 1, 0, 4 * GIB, 100, 4 * GIB, 512 * MIB);
	d->probe = probe;
	return d;
}

static uint64_t cap_of(const struct fix *f)
{
	return fix_dec(f, 1)->probe_cap_kib;
}

static void test_off_by_default(void)
{
	struct fix f;
	struct bsched_config defaults;

	bsched_config_defaults(&defaults);
	setup(&f, false);
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 120), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->probe, BSCHED_PROBE_OFF);
	CU_ASSERT_EQUAL(cap_of(&f), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->target_kib, 4 * GIB);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->bound, BSCHED_BOUND_MAX);
	/* the documented defaults */
	CU_ASSERT_EQUAL(defaults.probe_goal_centipct, 10);
	CU_ASSERT_EQUAL(defaults.probe_step_pct, 1);
	CU_ASSERT_EQUAL(defaults.probe_interval_ms, 6000);
	CU_ASSERT_EQUAL(defaults.probe_backoff_pct, 10);
	CU_ASSERT_EQUAL(defaults.probe_hold_ms, 60000);
	fix_fini(&f);
}

/* 1 % of what it holds, once per interval, then the target follows. */
static void test_step_per_interval(void)
{
	struct fix f;
	uint64_t first, second;

	setup(&f, true);
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 1), 0);
	/* 1 % of 4 GiB, in whole pages */
	first = 4 * GIB - (4 * GIB / 100 - 4 * GIB / 100 % BSCHED_KIB_PER_PAGE);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->probe, BSCHED_PROBE_PROBING);
	CU_ASSERT_EQUAL(cap_of(&f), first);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->ideal_kib, first);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->target_kib, first);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->bound, BSCHED_BOUND_PROBE);
	/* nothing more within the interval */
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 5), 0);
	CU_ASSERT_EQUAL(cap_of(&f), first);
	/* 6 s after the first step: the next, from what it holds now */
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 1), 0);
	second = first - (first / 100 - first / 100 % 4);
	CU_ASSERT_EQUAL(cap_of(&f), second);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->target_kib, second);
	fix_fini(&f);
}

/* A step is at least probe_step_min_kib, in whole pages. */
static void test_step_minimum_in_pages(void)
{
	struct fix f;
	struct bsched_domain *d;

	fix_init(&f, 16 * GIB);
	d = fix_dom(&f, 1, 0, 256 * MIB, 100, 256 * MIB, 64 * MIB);
	d->probe = true;
	f.cfg.probe_step_min_kib = 5 * MIB + 3;
	f.cfg.deadband_kib = 0;
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 1), 0);
	CU_ASSERT_EQUAL(cap_of(&f), 256 * MIB - 5 * MIB);
	CU_ASSERT_EQUAL(cap_of(&f) % BSCHED_KIB_PER_PAGE, 0);
	fix_fini(&f);
}

/* A small guest: 1 % of 384 MiB is below the deadband, so the step is the
 * deadband and the target follows at once (a step the deadband held moved
 * nothing and waited a heartbeat for the next report). */
static void test_step_at_least_the_deadband(void)
{
	struct fix f;
	struct bsched_domain *d;

	fix_init(&f, 16 * GIB);
	d = fix_dom(&f, 1, 0, 384 * MIB, 100, 384 * MIB, 64 * MIB);
	d->probe = true;
	CU_ASSERT_FATAL(384 * MIB / 100 < f.cfg.deadband_kib);
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 1), 0);
	CU_ASSERT_EQUAL(cap_of(&f), 384 * MIB - f.cfg.deadband_kib);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->target_kib, 384 * MIB - f.cfg.deadband_kib);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->bound, BSCHED_BOUND_PROBE);
	fix_fini(&f);
}

/* Over the goal: up by 10 % of what it holds at once, held for the hold
 * time, then down again; a falling PSI is not raised on again. */
static void test_backoff_and_hold(void)
{
	struct fix f;
	struct bsched_domain *d;
	uint64_t low, raised;

	d = setup(&f, true);
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 120), 0);
	low = cap_of(&f);
	CU_ASSERT(low < 4 * GIB - 16 * 4 * GIB / 100);
	d->stats.psi_some_avg10_centipct = f.cfg.probe_goal_centipct + 1;
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 1), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->probe, BSCHED_PROBE_BACKOFF);
	raised = cap_of(&f);
	CU_ASSERT_EQUAL(raised, low + low / 100 * 10);
	/* growing as any growth does: by the step limit at most */
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->ideal_kib, raised);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->target_kib,
			raised - low > f.cfg.step_max_kib ? low + f.cfg.step_max_kib :
							   raised);
	/* PSI stays (not rising): no second raise */
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 10), 0);
	CU_ASSERT_EQUAL(cap_of(&f), raised);
	/* PSI rises again an interval later: raised again */
	d->stats.psi_some_avg10_centipct = f.cfg.probe_goal_centipct + 5;
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 1), 0);
	CU_ASSERT(cap_of(&f) > raised);
	raised = cap_of(&f);
	/* under the goal: held for probe_hold_ms from the last tick over it */
	d->stats.psi_some_avg10_centipct = f.cfg.probe_goal_centipct;
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 59), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->probe, BSCHED_PROBE_BACKOFF);
	CU_ASSERT_EQUAL(cap_of(&f), raised);
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 1), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->probe, BSCHED_PROBE_PROBING);
	CU_ASSERT(cap_of(&f) < raised);
	fix_fini(&f);
}

/* Over the demand rule's threshold the cap goes at once: the demand rule
 * and the surplus decide, as without probing. */
static void test_pressure_lifts_the_cap(void)
{
	struct fix f;
	struct bsched_domain *d;

	d = setup(&f, true);
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 120), 0);
	CU_ASSERT(fix_dec(&f, 1)->target_kib < 4 * GIB * 9 / 10);
	d->stats.psi_some_avg10_centipct = f.cfg.psi_stall_centipct + 1;
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 1), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->probe, BSCHED_PROBE_PRESSURE);
	CU_ASSERT_EQUAL(cap_of(&f), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->ideal_kib, 4 * GIB);
	CU_ASSERT_NOT_EQUAL(fix_dec(&f, 1)->bound, BSCHED_BOUND_PROBE);
	fix_fini(&f);
}

/* Never under the min, nor under a reported floor. */
static void test_never_below_min_or_floor(void)
{
	struct fix f;
	struct bsched_domain *d;

	d = setup(&f, true);
	d->min_kib = 3 * GIB;
	for (int i = 0; i < 300; i++) {
		CU_ASSERT_EQUAL_FATAL(fix_run(&f, 1), 0);
		CU_ASSERT(fix_dec(&f, 1)->target_kib >= 3 * GIB);
	}
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->probe, BSCHED_PROBE_AT_FLOOR);
	CU_ASSERT(fix_dec(&f, 1)->target_kib <= 3 * GIB + f.cfg.deadband_kib);
	fix_fini(&f);

	d = setup(&f, true);
	d->stats.floor_kib = 400 * MIB;	/* within the cap for 4 GiB */
	for (int i = 0; i < 2000; i++) {
		CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
		CU_ASSERT(fix_dec(&f, 1)->target_kib >= 400 * MIB);
		fix_settle(&f);
		d->stats.floor_kib = 400 * MIB;
	}
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->probe, BSCHED_PROBE_AT_FLOOR);
	fix_fini(&f);
}

/* No PSI in its reports, the stock balloon, or no fresh report: no cap. */
static void test_no_evidence_no_probing(void)
{
	struct fix f;
	struct bsched_domain *d;

	d = setup(&f, true);
	d->stats.psi_present = false;
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 30), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->probe, BSCHED_PROBE_NO_PSI);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->target_kib, 4 * GIB);
	fix_fini(&f);

	d = setup(&f, true);
	d->frontend = BSCHED_FE_STOCK;
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 30), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->probe, BSCHED_PROBE_NO_PSI);
	fix_fini(&f);

	d = setup(&f, true);
	d->frontend = BSCHED_FE_NONE;
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 1), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->probe, BSCHED_PROBE_NO_PSI);
	fix_fini(&f);

	/* probing, then unloading and back: the old cap is not kept */
	d = setup(&f, true);
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 120), 0);
	CU_ASSERT(fix_dec(&f, 1)->target_kib < 4 * GIB * 9 / 10);
	d->releasing = true;
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->probe, BSCHED_PROBE_NO_PSI);
	d->releasing = false;
	d->stats.psi_some_avg10_centipct = f.cfg.probe_goal_centipct + 1;
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->probe, BSCHED_PROBE_BACKOFF);
	CU_ASSERT_EQUAL(cap_of(&f), 0);
	fix_fini(&f);

	/* probing, then its reports go stale: the cap is lifted */
	d = setup(&f, true);
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 30), 0);
	CU_ASSERT(cap_of(&f) != 0);
	d->stats.age_ms = f.cfg.stats_stale_ms + 1;
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->probe, BSCHED_PROBE_STALE);
	CU_ASSERT_EQUAL(cap_of(&f), 0);
	fix_fini(&f);
}

/* A balloon that does not follow: the cap waits for it. */
static void test_waits_for_the_balloon(void)
{
	struct fix f;
	uint64_t cap;

	setup(&f, true);
	/* slow, not stuck yet */
	f.cfg.stuck_after_ms = 30000;
	f.cfg.uncooperative_after_ms = 60000;
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);	/* first step, not followed */
	cap = cap_of(&f);
	CU_ASSERT(cap < 4 * GIB - f.cfg.deadband_kib);
	for (int i = 0; i < 20; i++)
		CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->probe, BSCHED_PROBE_WAITING);
	CU_ASSERT_EQUAL(cap_of(&f), cap);
	/* stuck: it gives nothing below what it holds, its floor for now */
	for (int i = 0; i < 20; i++)
		CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT(fix_dec(&f, 1)->stuck);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->probe, BSCHED_PROBE_AT_FLOOR);
	/* it follows: the probe goes on */
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 2), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->probe, BSCHED_PROBE_PROBING);
	CU_ASSERT(cap_of(&f) < cap);
	fix_fini(&f);
}

static uint64_t rnd(uint64_t *s, uint64_t n)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return n ? (*s >> 33) % n : 0;
}

/* Random hosts, half the domains probing, PSI changing at random: the
 * bounds hold at every tick, and probing never asks more than what an
 * unprobed host of the same domains gets as its highest target. */
static void test_random_bounds_hold(void)
{
	uint64_t seed = 0x9e0be2026u;
	size_t capped = 0, backoffs = 0;

	for (int round = 0; round < 60; round++) {
		struct fix f;
		size_t n = 1 + rnd(&seed, 20);
		uint64_t total = 0;

		fix_init(&f, 0);
		for (size_t i = 0; i < n; i++) {
			uint64_t min = rnd(&seed, 2 * GIB);
			uint64_t max = min + rnd(&seed, 6 * GIB);
			uint64_t actual = 256 * MIB + rnd(&seed, 6 * GIB);
			struct bsched_domain *d = fix_dom(&f, (uint32_t)(i + 1), min,
							  max, 100, actual,
							  rnd(&seed, 4 * GIB));

			d->frontend = (enum bsched_frontend)rnd(&seed, 4);
			d->probe = rnd(&seed, 2);
			d->stats.psi_present = rnd(&seed, 5) != 0;
			total += actual;
		}
		/* often room to spare: the cap, not the shares, binds */
		f.total_kib = total + rnd(&seed, 2) * 8 * GIB + rnd(&seed, 4 * GIB);
		for (int t = 0; t < 200; t++) {
			CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
			for (size_t i = 0; i < f.n; i++) {
				const struct bsched_decision *dec = &f.res.decisions[i];
				const struct bsched_domain *d = &f.d[i];
				uint64_t hi = d->max_kib < d->static_max_kib ?
					      d->max_kib : d->static_max_kib;
				uint64_t lo = d->min_kib < hi ? d->min_kib : hi;

				if (d->frontend == BSCHED_FE_NONE)
					continue;
				CU_ASSERT(dec->ideal_kib >= lo && dec->ideal_kib <= hi);
				CU_ASSERT(dec->target_kib <= hi);
				if (!d->probe)
					CU_ASSERT_EQUAL(dec->probe, BSCHED_PROBE_OFF);
				if (dec->probe_cap_kib)
					CU_ASSERT(dec->ideal_kib <= dec->probe_cap_kib);
				capped += dec->bound == BSCHED_BOUND_PROBE;
				backoffs += dec->probe == BSCHED_PROBE_BACKOFF;
			}
			fix_settle(&f);
			for (size_t i = 0; i < f.n; i++)
				if (rnd(&seed, 10) == 0)
					f.d[i].stats.psi_some_avg10_centipct =
						(uint32_t)rnd(&seed, 2000);
		}
		fix_fini(&f);
	}
	/* the probe did run, and back off */
	CU_ASSERT(capped > 1000);
	CU_ASSERT(backoffs > 1000);
}

/* Each step needs a report taken after the previous one. */
static void test_a_report_per_step(void)
{
	struct fix f;
	struct bsched_domain *d;
	uint64_t cap;

	d = setup(&f, true);
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 1), 0);	/* first step at 0 s */
	cap = cap_of(&f);
	/* the report it has stays the one taken at the step (0 s) */
	for (int i = 0; i < 20; i++) {
		d->stats.age_ms = f.now_ms;
		CU_ASSERT_EQUAL_FATAL(fix_run(&f, 1), 0);
	}
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->probe, BSCHED_PROBE_WAITING);
	CU_ASSERT_EQUAL(cap_of(&f), cap);
	/* a new report: the next step */
	d->stats.age_ms = 0;
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 1), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 1)->probe, BSCHED_PROBE_PROBING);
	CU_ASSERT(cap_of(&f) < cap);
	fix_fini(&f);
}

static void test_config_and_names(void)
{
	struct bsched_config c;

	bsched_config_defaults(&c);
	CU_ASSERT_EQUAL(bsched_config_validate(&c, NULL), 0);
	c.probe_goal_centipct = c.psi_stall_centipct + 1;	/* pressure only */
	CU_ASSERT_EQUAL(bsched_config_validate(&c, NULL), 0);
	c.probe_goal_centipct = 10001;
	CU_ASSERT_NOT_EQUAL(bsched_config_validate(&c, NULL), 0);
	bsched_config_defaults(&c);
	bsched_config_defaults(&c);
	c.probe_interval_ms = 0;
	CU_ASSERT_NOT_EQUAL(bsched_config_validate(&c, NULL), 0);
	bsched_config_defaults(&c);
	c.probe_step_pct = 51;
	CU_ASSERT_NOT_EQUAL(bsched_config_validate(&c, NULL), 0);
	bsched_config_defaults(&c);
	c.probe_backoff_pct = 101;
	CU_ASSERT_NOT_EQUAL(bsched_config_validate(&c, NULL), 0);
	CU_ASSERT_STRING_EQUAL(bsched_probe_str(BSCHED_PROBE_PROBING), "probing");
	CU_ASSERT_STRING_EQUAL(bsched_probe_str(BSCHED_PROBE__COUNT), "unknown");
	for (int p = 0; p < BSCHED_PROBE__COUNT; p++)
		CU_ASSERT_STRING_NOT_EQUAL(bsched_probe_str(p), "unknown");
	CU_ASSERT_STRING_EQUAL(bsched_bound_str(BSCHED_BOUND_PROBE), "probe");
}

int add_probe_suite(void)
{
	CU_pSuite s = CU_add_suite("probe", NULL, NULL);

	if (!s ||
	    !CU_add_test(s, "off by default", test_off_by_default) ||
	    !CU_add_test(s, "a step per interval", test_step_per_interval) ||
	    !CU_add_test(s, "step minimum in pages", test_step_minimum_in_pages) ||
	    !CU_add_test(s, "step at least the deadband", test_step_at_least_the_deadband) ||
	    !CU_add_test(s, "back-off and hold", test_backoff_and_hold) ||
	    !CU_add_test(s, "pressure lifts the cap", test_pressure_lifts_the_cap) ||
	    !CU_add_test(s, "never below min or floor", test_never_below_min_or_floor) ||
	    !CU_add_test(s, "no evidence, no probing", test_no_evidence_no_probing) ||
	    !CU_add_test(s, "waits for the balloon", test_waits_for_the_balloon) ||
	    !CU_add_test(s, "a report per step", test_a_report_per_step) ||
	    !CU_add_test(s, "random: bounds hold", test_random_bounds_hold) ||
	    !CU_add_test(s, "config and names", test_config_and_names))
		return -1;
	return 0;
}
