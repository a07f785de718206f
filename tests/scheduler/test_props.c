// SPDX-License-Identifier: MIT
/*
 * Randomized properties (fixed seed, so a failure replays): bounds always
 * hold; the pool is never over-promised; shares are respected within
 * rounding; ideal guests converge, then stay put under steady input; and
 * everything that was promised fits the host; under contention the
 * guests that report are served before those that do not; and what a guest
 * without statistics was given before changes nobody's allocation.
 */
#include <stdlib.h>

#include "fixture.h"
#include "suites.h"

#define SEED		0x5eed2026u
#define ROUNDS		300
#define SETTLE_TICKS	40
#define STEADY_TICKS	50

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r, uint64_t n)
{
	r->s = r->s * 6364136223846793005ULL + 1442695040888963407ULL;
	return n ? (r->s >> 33) % n : 0;
}

static void random_host(struct fix *f, struct rng *r)
{
	size_t n = 1 + rnd(r, 40);
	uint64_t total = 0;

	fix_init(f, 0);
	if (rnd(r, 3) == 0)
		f->cfg.surplus = BSCHED_SURPLUS_KEEP_FREE;
	for (size_t i = 0; i < n; i++) {
		uint64_t min = rnd(r, 2 * GIB), max = min + rnd(r, 6 * GIB);
		uint64_t actual = 256 * MIB + rnd(r, 6 * GIB);
		struct bsched_domain *d = fix_dom(f, (uint32_t)(i * 7 + 1), min,
						  max, 1 + (uint32_t)rnd(r, 1000),
						  actual, rnd(r, 8 * GIB));

		d->frontend = (enum bsched_frontend)rnd(r, 4);
		d->managed = rnd(r, 10) != 0;
		if (rnd(r, 5) == 0)
			d->static_max_kib = rnd(r, max + 1);
		if (rnd(r, 6) == 0)
			d->stats.present = false;
		if (rnd(r, 6) == 0)
			d->stats.psi_some_avg10_centipct = (uint32_t)rnd(r, 10001);
		total += actual;
	}
	f->total_kib = total + rnd(r, 4 * GIB);
}

static bool balloon(const struct bsched_domain *d)
{
	return d->managed && d->frontend != BSCHED_FE_NONE;
}

static void bounds(const struct bsched_domain *d, uint64_t *lo, uint64_t *hi)
{
	*hi = d->max_kib;
	if (d->static_max_kib && d->static_max_kib < *hi)
		*hi = d->static_max_kib;
	*lo = d->min_kib < *hi ? d->min_kib : *hi;
}

/*
 * Evidence first: under contention, while a balloon that reports is short
 * of its demand, none that does not report has more than its lower bound
 * (within the KiB the water-fill rounds away). These hosts report no
 * floors: the lower bound is the min.
 */
static void check_evidence_first(const struct fix *f)
{
	bool reporter_short = false;
	uint64_t tol = f->n + 2;

	if (f->cfg.unreported != BSCHED_UNREPORTED_YIELD ||
	    f->res.demand_kib < f->res.supply_kib)
		return;
	for (size_t i = 0; i < f->n; i++) {
		const struct bsched_decision *dec = &f->res.decisions[i];

		if (balloon(&f->d[i]) && !dec->stuck && f->d[i].stats.present &&
		    dec->ideal_kib + tol < dec->demand_kib)
			reporter_short = true;
	}
	for (size_t i = 0; i < f->n && reporter_short; i++) {
		const struct bsched_decision *dec = &f->res.decisions[i];
		uint64_t lo, hi;

		if (!balloon(&f->d[i]) || dec->stuck || f->d[i].stats.present)
			continue;
		bounds(&f->d[i], &lo, &hi);
		CU_ASSERT(dec->ideal_kib <= lo + tol);
		/* unless smoothing held the target back */
		CU_ASSERT(dec->bound == BSCHED_BOUND_UNREPORTED ||
			  dec->bound == BSCHED_BOUND_STEP ||
			  dec->bound == BSCHED_BOUND_DEADBAND ||
			  dec->bound == BSCHED_BOUND_GROWTH_DEFERRED);
	}
}

/* What one tick must always satisfy. */
static void check_tick(const struct fix *f)
{
	uint64_t sum_ideal = 0, sum_lo = 0;
	double lam_min = 1e30, lam_max = 0, tol = 0;

	CU_ASSERT_EQUAL_FATAL(f->res.n_decisions, f->n);
	for (size_t i = 0; i < f->n; i++) {
		const struct bsched_decision *dec = &f->res.decisions[i];
		const struct bsched_domain *d = &f->d[i];
		uint64_t lo, hi;

		CU_ASSERT_EQUAL(dec->domid, d->domid);
		if (!balloon(d))
			continue;
		bounds(d, &lo, &hi);
		/* below its min a balloon's target rises toward it, as any
		 * growth does: never lowered, never above its max */
		CU_ASSERT(dec->target_kib >= lo || dec->target_kib >=
			  (d->target_kib ? d->target_kib : d->actual_kib));
		CU_ASSERT(dec->target_kib <= hi);
		CU_ASSERT(dec->ideal_kib >= lo && dec->ideal_kib <= hi);
		CU_ASSERT(dec->demand_kib >= lo && dec->demand_kib <= hi);
		if (dec->stuck)
			continue;
		sum_ideal += dec->ideal_kib;
		sum_lo += lo;
		if (dec->bound == BSCHED_BOUND_SHARES) {
			double lam = (double)dec->ideal_kib / d->shares;

			lam_min = lam < lam_min ? lam : lam_min;
			lam_max = lam > lam_max ? lam : lam_max;
			tol = (double)(f->n + 2) / d->shares > tol ?
			      (double)(f->n + 2) / d->shares : tol;
		}
	}
	/* never promise more than the pool, when the mins fit in it */
	if (sum_lo <= f->res.supply_kib)
		CU_ASSERT(sum_ideal <= f->res.supply_kib);
	/* every guest bound by shares got the same memory per share */
	if (lam_max > 0)
		CU_ASSERT(lam_max - lam_min <= tol);
	if (sum_lo <= f->res.supply_kib)
		check_evidence_first(f);
}

/* Targets of the cooperating balloons, what the rest hold, and the slush. */
static bool promises_fit(const struct fix *f)
{
	uint64_t sum = f->cfg.slush_kib, sum_lo = f->cfg.slush_kib;

	for (size_t i = 0; i < f->n; i++) {
		const struct bsched_decision *dec = &f->res.decisions[i];
		uint64_t lo, hi;

		bounds(&f->d[i], &lo, &hi);
		if (balloon(&f->d[i]) && !dec->stuck) {
			sum += dec->target_kib;
			sum_lo += lo;
		} else {
			sum += f->d[i].actual_kib;
			sum_lo += f->d[i].actual_kib;
		}
	}
	/* reclaim impossible: nothing to check */
	return sum_lo > f->total_kib || sum <= f->total_kib;
}

static void test_random_single_ticks(void)
{
	struct rng r = { SEED };

	for (int round = 0; round < ROUNDS; round++) {
		struct fix f;

		random_host(&f, &r);
		CU_ASSERT_PTR_NOT_NULL_FATAL(f.st);
		CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
		check_tick(&f);
		fix_fini(&f);
	}
}

static void test_random_converge_then_steady(void)
{
	struct rng r = { SEED ^ 0xabcdu };
	int stable_rounds = 0;

	for (int round = 0; round < ROUNDS / 3; round++) {
		struct fix f;
		int changes = 0;

		random_host(&f, &r);
		for (int t = 0; t < SETTLE_TICKS; t++) {
			CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
			check_tick(&f);
			fix_settle(&f);
		}
		for (int t = 0; t < STEADY_TICKS; t++) {
			CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
			check_tick(&f);
			CU_ASSERT(promises_fit(&f));
			for (size_t i = 0; i < f.n; i++)
				changes += f.res.decisions[i].target_changed;
			fix_settle(&f);
		}
		CU_ASSERT_EQUAL(changes, 0);
		stable_rounds += changes == 0;
		fix_fini(&f);
	}
	CU_ASSERT_EQUAL(stable_rounds, ROUNDS / 3);
}

/* @b := @a's host and domains, with its own state and clock. */
static void copy_host(struct fix *b, const struct fix *a)
{
	fix_init(b, a->total_kib);
	b->cfg = a->cfg;
	b->external_kib = a->external_kib;
	b->n = a->n;
	for (size_t i = 0; i < a->n; i++)
		b->d[i] = a->d[i];
}

/*
 * Move each balloon without statistics of @b to a size in its bounds, as if
 * given it before and at rest there: its own ideal in @a (the policy run on
 * its own output), or a random one. Only within the free memory, so that
 * the pool stays the same.
 */
static void move_silent(struct fix *b, const struct fix *a, struct rng *r)
{
	uint64_t free_kib = fix_free(b);

	for (size_t i = 0; i < b->n; i++) {
		struct bsched_domain *d = &b->d[i];
		uint64_t lo, hi, top, size;

		if (!balloon(d) || d->stats.present || a->res.decisions[i].stuck)
			continue;
		bounds(d, &lo, &hi);
		top = d->actual_kib + free_kib < hi ? d->actual_kib + free_kib :
						      hi;
		if (top < lo)
			continue;
		size = rnd(r, 2) ? a->res.decisions[i].ideal_kib :
				   lo + rnd(r, top - lo + 1);
		if (size > top)
			continue;
		free_kib = free_kib + d->actual_kib - size;
		d->actual_kib = d->target_kib = size;
	}
}

/*
 * Under surplus = shares and unreported = yield a balloon without
 * statistics is taken to need its lower bound, not what it was given: the
 * target and size it was left at (at rest, the pool the same) change
 * nobody's ideal. Were its need what it holds, a share of the surplus
 * given one tick would be part of its need the next, and it would be
 * handed another on top: a ratchet up to its max.
 */
static void test_random_silent_history_free(void)
{
	struct rng r = { SEED ^ 0x51e7u };
	int compared = 0, moved = 0;

	for (int round = 0; round < ROUNDS; round++) {
		struct fix a, b;

		random_host(&a, &r);
		a.cfg.surplus = BSCHED_SURPLUS_SHARES;
		a.cfg.unreported = BSCHED_UNREPORTED_YIELD;
		copy_host(&b, &a);
		CU_ASSERT_EQUAL_FATAL(fix_tick(&a), 0);
		move_silent(&b, &a, &r);
		CU_ASSERT_EQUAL_FATAL(fix_tick(&b), 0);
		if (a.res.supply_kib == b.res.supply_kib) {
			bool any = false;

			compared++;
			for (size_t i = 0; i < a.n; i++) {
				const struct bsched_decision *da, *db;

				da = &a.res.decisions[i];
				db = &b.res.decisions[i];
				any |= b.d[i].actual_kib != a.d[i].actual_kib;
				CU_ASSERT_EQUAL(da->ideal_kib, db->ideal_kib);
				CU_ASSERT_EQUAL(da->demand_kib, db->demand_kib);
			}
			moved += any;
		}
		fix_fini(&a);
		fix_fini(&b);
	}
	/* the pool differs only if a balloon of @a rests just above its max
	 * (inaccuracy compensation counts it as holding its target) */
	CU_ASSERT(compared > ROUNDS * 9 / 10);
	CU_ASSERT(moved > ROUNDS / 2);
}

/* Many domains: the arithmetic stays exact and nothing is quadratic. */
static void test_many_domains(void)
{
	struct bsched_domain *d = calloc(20000, sizeof(*d));
	struct bsched_config cfg;
	struct bsched_state *st = bsched_state_new();
	struct bsched_result res;
	struct bsched_snapshot snap = { .now_ms = 1, .domains = d,
					.n_domains = 20000 };
	uint64_t sum = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	bsched_config_defaults(&cfg);
	for (uint32_t i = 0; i < 20000; i++) {
		d[i] = (struct bsched_domain) {
			.domid = 20000 - i, .frontend = BSCHED_FE_DRIVER,
			.managed = true, .min_kib = 128 * MIB,
			.max_kib = 4 * GIB, .shares = 1 + i % 7,
			.actual_kib = GIB, .static_max_kib = 4 * GIB,
		};
		fix_used(&d[i], 2 * GIB);
	}
	snap.host.total_kib = 20000 * GIB + 64 * GIB;
	snap.host.free_kib = 64 * GIB;
	CU_ASSERT_EQUAL_FATAL(bsched_tick(st, &cfg, &snap, &res), 0);
	for (size_t i = 0; i < res.n_decisions; i++)
		sum += res.decisions[i].ideal_kib;
	CU_ASSERT(sum <= res.supply_kib);
	CU_ASSERT(res.supply_kib - sum < 20000);
	bsched_result_free(&res);
	bsched_state_free(st);
	free(d);
}

int add_property_suite(void)
{
	CU_pSuite s = CU_add_suite("properties", NULL, NULL);

	if (!s ||
	    !CU_add_test(s, "random single ticks", test_random_single_ticks) ||
	    !CU_add_test(s, "random: converge, then steady",
			 test_random_converge_then_steady) ||
	    !CU_add_test(s, "random: silent guests' history changes nothing",
			 test_random_silent_history_free) ||
	    !CU_add_test(s, "many domains", test_many_domains))
		return -1;
	return 0;
}
