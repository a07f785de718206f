// SPDX-License-Identifier: MIT
/* Each rule of the processor policy (POLICY.md, "Processors"). */
#include <errno.h>

#include "suites.h"
#include "vfix.h"

static void test_raise_on_load(void)
{
	struct vfix f;
	struct bsched_vcpu_domain *d;

	vfix_init(&f, 8);
	d = vfix_dom(&f, 1, 1, 4, 4, 1);
	vfix_load(d, 300, 0, 3);	/* three busy threads on one vCPU */
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
	/* 300 % of one vCPU: fits 5 at 70 %, capped at 4, one step first */
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->want_vcpus, 4);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, 2);
	CU_ASSERT(vfix_dec(&f, 1)->target_changed);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->bound, BSCHED_VCPU_STEP);
	vfix_settle(&f);
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
	/* the first change landed: the step is 2 */
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->step_vcpus, 2);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, 4);
	vfix_settle(&f);
	/* 75 % per vCPU: between the thresholds, held */
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, 4);
	CU_ASSERT_FALSE(vfix_dec(&f, 1)->target_changed);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->bound, BSCHED_VCPU_HOLD);
	vfix_fini(&f);
}

static void test_raise_on_psi(void)
{
	struct vfix f;
	struct bsched_vcpu_domain *d;

	vfix_init(&f, 8);
	d = vfix_dom(&f, 1, 1, 8, 8, 2);
	/* the load average lags; PSI says tasks wait now */
	vfix_load(d, 100, 2000, 2);
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, 3);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->bound, BSCHED_VCPU_RAISE);
	vfix_fini(&f);

	vfix_init(&f, 8);
	d = vfix_dom(&f, 1, 1, 8, 8, 2);
	vfix_load(d, 100, 1999, 2);	/* just below the threshold */
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, 2);
	vfix_fini(&f);
}

static void test_hysteresis_holds(void)
{
	static const struct {
		uint32_t online, load, psi, runnable;
	} held[] = {
		{ 4, 360, 0, 4 },	/* 90 %: not above the raise threshold */
		{ 2, 100, 0, 1 },	/* 50 % */
		{ 4, 160, 0, 0 },	/* 40 %: not below the lower threshold */
		{ 4, 20, 500, 0 },	/* idle load, but PSI not low */
		{ 4, 20, 0, 4 },	/* idle average, all vCPUs busy now */
		/* 3 threads started 35 s ago: the average (1.33) lags, the
		 * runnable tasks do not (vcpu-scale-up.scn flapped without) */
		{ 4, 133, 0, 3 },
	};

	for (size_t i = 0; i < sizeof(held) / sizeof(held[0]); i++) {
		struct vfix f;
		struct bsched_vcpu_domain *d;

		vfix_init(&f, 8);
		d = vfix_dom(&f, 1, 1, 8, 8, held[i].online);
		vfix_load(d, held[i].load, held[i].psi, held[i].runnable);
		CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
		CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, held[i].online);
		CU_ASSERT_EQUAL(vfix_dec(&f, 1)->bound, BSCHED_VCPU_HOLD);
		vfix_fini(&f);
	}
}

static void test_lower_on_idle(void)
{
	struct vfix f;
	struct bsched_vcpu_domain *d;

	vfix_init(&f, 8);
	d = vfix_dom(&f, 1, 1, 4, 4, 4);
	vfix_load(d, 20, 0, 0);
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->want_vcpus, 1);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, 3);
	vfix_settle(&f);
	/* lowering again is no reversal: no cooldown; step 2 now */
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, 1);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->bound, BSCHED_VCPU_LOWER);
	vfix_settle(&f);
	CU_ASSERT_EQUAL_FATAL(vfix_run(&f, 5), 0);
	/* never below one: vCPU 0 stays online */
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, 1);
	vfix_fini(&f);
}

static void test_lower_fits_the_load(void)
{
	struct vfix f;
	struct bsched_vcpu_domain *d;

	vfix_init(&f, 16);
	f.cfg.step_max = 16;
	d = vfix_dom(&f, 1, 1, 16, 16, 16);
	vfix_load(d, 400, 0, 2);	/* 25 % of 16: fits 6 at 70 % */
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->want_vcpus, 6);
	vfix_fini(&f);
}

static void test_steal_blocks_raise(void)
{
	struct vfix f;
	struct bsched_vcpu_domain *d;

	vfix_init(&f, 8);
	d = vfix_dom(&f, 1, 1, 4, 4, 1);
	vfix_load(d, 300, 0, 3);
	d->stats.steal_centipct = 3000;
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, 1);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->bound, BSCHED_VCPU_STEAL);
	d->stats.steal_centipct = 2999;
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, 2);
	vfix_fini(&f);
}

static void test_bounds(void)
{
	struct vfix f;
	struct bsched_vcpu_domain *d;

	/* idle at vcpus-min: held there */
	vfix_init(&f, 8);
	d = vfix_dom(&f, 1, 2, 4, 4, 2);
	vfix_load(d, 0, 0, 0);
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, 2);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->bound, BSCHED_VCPU_MIN);
	vfix_fini(&f);

	/* below vcpus-min: raised toward it by the step */
	vfix_init(&f, 8);
	d = vfix_dom(&f, 1, 3, 4, 4, 1);
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->want_vcpus, 3);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, 2);
	vfix_fini(&f);

	/* vcpus-max above maxvcpus: maxvcpus caps */
	vfix_init(&f, 8);
	d = vfix_dom(&f, 1, 1, 8, 2, 2);
	vfix_load(d, 1000, 5000, 10);
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, 2);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->bound, BSCHED_VCPU_MAX);
	vfix_fini(&f);

	/* vcpus-max lowered below the count: lowered, busy or not */
	vfix_init(&f, 8);
	d = vfix_dom(&f, 1, 1, 2, 4, 4);
	vfix_load(d, 1000, 5000, 10);
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, 3);
	vfix_fini(&f);

	/* nothing known of the count: never 0 */
	vfix_init(&f, 8);
	d = vfix_dom(&f, 1, 1, 4, 4, 0);
	vfix_load(d, 0, 0, 0);
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, 1);
	vfix_fini(&f);
}

static void test_keeps_count(void)
{
	struct vfix f;
	struct bsched_vcpu_domain *d, *e, *g;

	vfix_init(&f, 8);
	d = vfix_dom(&f, 1, 2, 4, 4, 1);
	d->has_frontend = false;
	vfix_load(d, 1000, 5000, 10);
	e = vfix_dom(&f, 2, 1, 4, 4, 3);
	e->enabled = false;
	vfix_load(e, 0, 0, 0);
	g = vfix_dom(&f, 3, 1, 4, 4, 3);
	vfix_load(g, 0, 0, 0);
	g->stats.age_ms = f.cfg.stats_stale_ms + 1;	/* stale evidence */
	CU_ASSERT_EQUAL_FATAL(vfix_run(&f, 5), 0);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, 1);
	CU_ASSERT_FALSE(vfix_dec(&f, 1)->target_changed);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->bound, BSCHED_VCPU_NO_FRONTEND);
	CU_ASSERT_EQUAL(vfix_dec(&f, 2)->target_vcpus, 3);
	CU_ASSERT_EQUAL(vfix_dec(&f, 2)->bound, BSCHED_VCPU_DISABLED);
	CU_ASSERT_EQUAL(vfix_dec(&f, 3)->target_vcpus, 3);
	CU_ASSERT_EQUAL(vfix_dec(&f, 3)->bound, BSCHED_VCPU_UNREPORTED);
	g->stats.present = false;
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
	CU_ASSERT_EQUAL(vfix_dec(&f, 3)->bound, BSCHED_VCPU_UNREPORTED);
	g->stats.present = true;
	g->stats.age_ms = 30000;
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
	CU_ASSERT_EQUAL(vfix_dec(&f, 3)->target_vcpus, 2);
	vfix_fini(&f);
}

static void test_cooldown(void)
{
	struct vfix f;
	struct bsched_vcpu_domain *d;
	uint64_t raised_ms;

	vfix_init(&f, 8);
	d = vfix_dom(&f, 1, 1, 4, 4, 1);
	vfix_load(d, 300, 0, 3);
	raised_ms = f.now_ms;
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, 2);
	vfix_settle(&f);
	vfix_load(d, 0, 0, 0);		/* the burst is over */
	while (f.now_ms < raised_ms + f.cfg.cooldown_ms) {
		CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
		CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, 2);
		CU_ASSERT_EQUAL(vfix_dec(&f, 1)->bound, BSCHED_VCPU_COOLDOWN);
		vfix_settle(&f);
	}
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, 1);
	vfix_settle(&f);
	/* and the way back up waits as long */
	vfix_load(d, 300, 0, 3);
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, 1);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->bound, BSCHED_VCPU_COOLDOWN);
	vfix_fini(&f);
}

static void test_step_grows_on_success(void)
{
	static const uint32_t want[] = { 2, 4, 7, 11, 15, 19 };
	struct vfix f;
	struct bsched_vcpu_domain *d;

	vfix_init(&f, 32);
	d = vfix_dom(&f, 1, 1, 32, 32, 1);
	vfix_load(d, 100000, 9000, 100);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
		CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, want[i]);
		vfix_settle(&f);
	}
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->step_vcpus, f.cfg.step_max);
	/* not seen in Xen yet: no success, the step does not grow */
	vfix_fini(&f);

	vfix_init(&f, 32);
	d = vfix_dom(&f, 1, 1, 32, 32, 1);
	vfix_load(d, 100000, 9000, 100);
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);	/* guest has not moved */
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->step_vcpus, 1);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, 2);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->bound, BSCHED_VCPU_PENDING);
	vfix_fini(&f);
}

static void test_refusal_reported(void)
{
	struct vfix f;
	struct bsched_vcpu_domain *d;
	uint64_t retry_ms;

	vfix_init(&f, 8);
	d = vfix_dom(&f, 1, 1, 4, 4, 4);
	vfix_load(d, 0, 0, 0);
	f.floor[0] = 4;			/* no CPU of it can be offlined */
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, 3);
	vfix_settle(&f);
	CU_ASSERT_EQUAL(d->stats.offline_refusals, 1);
	retry_ms = f.now_ms + f.cfg.backoff_ms;
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
	/* the refusal is seen at once; the target follows what it holds */
	CU_ASSERT(vfix_dec(&f, 1)->refused);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, 4);
	CU_ASSERT(vfix_dec(&f, 1)->target_changed);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->bound, BSCHED_VCPU_BACKOFF);
	vfix_settle(&f);
	while (f.now_ms < retry_ms) {
		CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
		CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, 4);
		CU_ASSERT_FALSE(vfix_dec(&f, 1)->refused);
		vfix_settle(&f);
	}
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, 3);	/* tries again */
	vfix_settle(&f);
	/* refused again: the back-off doubles */
	retry_ms = f.now_ms + 2 * f.cfg.backoff_ms;
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
	CU_ASSERT(vfix_dec(&f, 1)->refused);
	vfix_settle(&f);
	while (f.now_ms < retry_ms) {
		CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
		CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, 4);
		vfix_settle(&f);
	}
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, 3);
	vfix_fini(&f);
}

static void test_refusal_by_timeout(void)
{
	struct vfix f;
	struct bsched_vcpu_domain *d;
	uint64_t issued_ms;

	vfix_init(&f, 8);
	d = vfix_dom(&f, 1, 1, 4, 4, 4);
	vfix_load(d, 0, 0, 0);
	/* the guest takes its CPUs down once it can (here: once), silently */
	issued_ms = f.now_ms;
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, 3);
	while (f.now_ms < issued_ms + f.cfg.settle_ms) {
		CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
		CU_ASSERT_FALSE(vfix_dec(&f, 1)->refused);
		CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, 3);
	}
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
	CU_ASSERT(vfix_dec(&f, 1)->refused);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, 4);
	vfix_fini(&f);
}

static void test_step_halves_on_refusal(void)
{
	struct vfix f;
	struct bsched_vcpu_domain *d;

	vfix_init(&f, 32);
	d = vfix_dom(&f, 1, 1, 32, 32, 1);
	vfix_load(d, 100000, 9000, 100);
	CU_ASSERT_EQUAL_FATAL(vfix_run(&f, 5), 0);	/* step 4 */
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->step_vcpus, 4);
	/* the frontend stops bringing CPUs online (no vfix_settle) */
	for (int i = 0; i < 11; i++)
		CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
	CU_ASSERT(vfix_dec(&f, 1)->refused);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->step_vcpus, 2);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, d->online_vcpus);
	vfix_fini(&f);
}

static void test_contention_shares(void)
{
	struct vfix f;
	struct bsched_vcpu_domain *a, *b;

	vfix_init(&f, 4);
	f.cfg.overcommit_pct = 100;	/* 4 vCPUs in all */
	a = vfix_dom(&f, 1, 1, 8, 8, 1);
	a->shares = 300;
	b = vfix_dom(&f, 2, 1, 8, 8, 1);
	vfix_load(a, 100000, 9000, 100);
	vfix_load(b, 100000, 9000, 100);
	CU_ASSERT_EQUAL_FATAL(vfix_run(&f, 10), 0);
	CU_ASSERT(f.res.contended);
	CU_ASSERT_EQUAL(f.res.cap_vcpus, 4);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, 3);
	CU_ASSERT_EQUAL(vfix_dec(&f, 2)->target_vcpus, 1);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->bound, BSCHED_VCPU_SHARES);
	vfix_fini(&f);

	/* the same with 200 %: 8 vCPUs, 6:2 */
	vfix_init(&f, 4);
	a = vfix_dom(&f, 1, 1, 8, 8, 1);
	a->shares = 300;
	b = vfix_dom(&f, 2, 1, 8, 8, 1);
	vfix_load(a, 100000, 9000, 100);
	vfix_load(b, 100000, 9000, 100);
	CU_ASSERT_EQUAL_FATAL(vfix_run(&f, 10), 0);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, 6);
	CU_ASSERT_EQUAL(vfix_dec(&f, 2)->target_vcpus, 2);
	vfix_fini(&f);
}

static void test_contention_lowers_past_cooldown(void)
{
	struct vfix f;
	struct bsched_vcpu_domain *a, *b;

	vfix_init(&f, 4);
	f.cfg.overcommit_pct = 100;
	a = vfix_dom(&f, 1, 1, 8, 8, 3);
	vfix_load(a, 300, 9000, 4);
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, 4);	/* just raised */
	vfix_settle(&f);
	vfix_load(a, 280, 0, 3);	/* 70 %: holds its 4 */
	b = vfix_dom(&f, 2, 1, 8, 8, 1);
	vfix_load(b, 100000, 9000, 100);
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->ideal_vcpus, 2);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->target_vcpus, 2);
	CU_ASSERT_EQUAL(vfix_dec(&f, 2)->target_vcpus, 2);
	vfix_fini(&f);
}

static void test_fixed_domains_count(void)
{
	struct vfix f;
	struct bsched_vcpu_domain *a, *b;

	vfix_init(&f, 4);
	f.cfg.overcommit_pct = 100;
	a = vfix_dom(&f, 1, 1, 8, 8, 3);
	a->has_frontend = false;
	b = vfix_dom(&f, 2, 1, 8, 8, 1);
	vfix_load(b, 100000, 9000, 100);
	CU_ASSERT_EQUAL_FATAL(vfix_run(&f, 5), 0);
	CU_ASSERT_EQUAL(vfix_dec(&f, 2)->target_vcpus, 1);
	CU_ASSERT_EQUAL(vfix_dec(&f, 2)->bound, BSCHED_VCPU_SHARES);
	CU_ASSERT_EQUAL(f.res.want_vcpus, 3 + 8);
	vfix_fini(&f);
}

static void test_invalid_input(void)
{
	struct vfix f;
	struct bsched_vcpu_domain *d;
	struct bsched_vcpu_domain saved;

	vfix_init(&f, 4);
	d = vfix_dom(&f, 1, 1, 4, 4, 1);
	vfix_load(d, 300, 0, 3);
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);	/* target 2, pending */
	vfix_settle(&f);
	saved = *d;
	d->vcpus_min = 0;
	CU_ASSERT_EQUAL(vfix_tick(&f), -EINVAL);
	*d = saved;
	d->vcpus_min = 5;
	CU_ASSERT_EQUAL(vfix_tick(&f), -EINVAL);
	*d = saved;
	d->shares = 0;
	CU_ASSERT_EQUAL(vfix_tick(&f), -EINVAL);
	*d = saved;
	d->online_vcpus = 5;
	CU_ASSERT_EQUAL(vfix_tick(&f), -EINVAL);
	*d = saved;
	d->maxvcpus = 0;
	CU_ASSERT_EQUAL(vfix_tick(&f), -EINVAL);
	*d = saved;
	vfix_dom(&f, 1, 1, 4, 4, 1);		/* duplicate domid */
	CU_ASSERT_EQUAL(vfix_tick(&f), -EINVAL);
	f.n = 1;
	f.pcpus = 0;
	CU_ASSERT_EQUAL(vfix_tick(&f), -EINVAL);
	f.pcpus = 4;
	f.now_ms = 500;				/* time going backwards */
	CU_ASSERT_EQUAL(vfix_tick(&f), -EINVAL);
	f.now_ms = 100000;
	f.cfg.fit_load_pct = f.cfg.raise_load_pct;
	CU_ASSERT_EQUAL(vfix_tick(&f), -EINVAL);
	bsched_vcpu_config_defaults(&f.cfg);
	/* the failed ticks changed nothing: the change still lands */
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->step_vcpus, 2);
	vfix_fini(&f);
}

static void test_forgets_departed(void)
{
	struct vfix f;
	struct bsched_vcpu_domain *d;

	vfix_init(&f, 32);
	d = vfix_dom(&f, 1, 1, 32, 32, 1);
	vfix_load(d, 100000, 9000, 100);
	CU_ASSERT_EQUAL_FATAL(vfix_run(&f, 3), 0);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->step_vcpus, 3);
	f.n = 0;
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
	f.n = 1;
	CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
	CU_ASSERT_EQUAL(vfix_dec(&f, 1)->step_vcpus, 1);
	CU_ASSERT_STRING_EQUAL(bsched_vcpu_bound_str(BSCHED_VCPU_SHARES),
			       "shares");
	CU_ASSERT_STRING_EQUAL(bsched_vcpu_bound_str(BSCHED_VCPU__COUNT), "?");
	vfix_fini(&f);
}

int add_vcpu_suite(void)
{
	CU_pSuite s = CU_add_suite("processors", NULL, NULL);

	if (!s ||
	    !CU_add_test(s, "raise on load", test_raise_on_load) ||
	    !CU_add_test(s, "raise on PSI", test_raise_on_psi) ||
	    !CU_add_test(s, "hysteresis holds", test_hysteresis_holds) ||
	    !CU_add_test(s, "lower on idle", test_lower_on_idle) ||
	    !CU_add_test(s, "lower fits the load", test_lower_fits_the_load) ||
	    !CU_add_test(s, "steal blocks a raise", test_steal_blocks_raise) ||
	    !CU_add_test(s, "bounds", test_bounds) ||
	    !CU_add_test(s, "no frontend, disabled, unreported: count kept",
			 test_keeps_count) ||
	    !CU_add_test(s, "cooldown", test_cooldown) ||
	    !CU_add_test(s, "step grows on success", test_step_grows_on_success) ||
	    !CU_add_test(s, "reported refusal backs off",
			 test_refusal_reported) ||
	    !CU_add_test(s, "refusal by timeout", test_refusal_by_timeout) ||
	    !CU_add_test(s, "step halves on refusal",
			 test_step_halves_on_refusal) ||
	    !CU_add_test(s, "contention: shares", test_contention_shares) ||
	    !CU_add_test(s, "contention lowers past the cooldown",
			 test_contention_lowers_past_cooldown) ||
	    !CU_add_test(s, "fixed domains count against the cap",
			 test_fixed_domains_count) ||
	    !CU_add_test(s, "invalid input", test_invalid_input) ||
	    !CU_add_test(s, "forgets departed domains", test_forgets_departed))
		return -1;
	return 0;
}
