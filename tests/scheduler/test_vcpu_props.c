// SPDX-License-Identifier: MIT
/*
 * Randomized properties of the processor policy (fixed seed, so a failure
 * replays), over many ticks of random evidence and guests that follow,
 * lag or refuse: every target is at least 1 (vCPU 0 stays online) and at
 * most maxvcpus; a changed domain's target is within [vcpus-min,
 * vcpus-max] once its count was; a move is at most the adaptive step;
 * domains the policy does not manage keep their count; and under
 * contention no domain gets a vCPU that a domain with less per share
 * wanted.
 */
#include <stdlib.h>
#include <string.h>

#include "bsched_vcpu_int.h"
#include "suites.h"
#include "vfix.h"

#define SEED		0xc9c92026u
#define ROUNDS		200
#define TICKS		80

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r, uint64_t n)
{
	r->s = r->s * 6364136223846793005ULL + 1442695040888963407ULL;
	return n ? (r->s >> 33) % n : 0;
}

static void random_evidence(struct bsched_vcpu_domain *d, struct rng *r)
{
	uint32_t n = d->online_vcpus ? d->online_vcpus : 1;

	switch (rnd(r, 4)) {
	case 0:		/* idle */
		vfix_load(d, (uint32_t)rnd(r, 30 * n), 0, 0);
		break;
	case 1:		/* busy */
		vfix_load(d, (uint32_t)(100 * n + rnd(r, 400 * n)),
			  (uint32_t)rnd(r, 10001), (uint32_t)rnd(r, 4 * n + 1));
		break;
	case 2:		/* anything */
		vfix_load(d, (uint32_t)rnd(r, 100000), (uint32_t)rnd(r, 10001),
			  (uint32_t)rnd(r, 1000));
		break;
	default:	/* unchanged */
		break;
	}
	d->stats.steal_centipct = rnd(r, 5) == 0 ? (uint32_t)rnd(r, 10001) : 0;
	d->stats.present = rnd(r, 10) != 0;
	d->stats.age_ms = rnd(r, 8) == 0 ? rnd(r, 60000) : 0;
}

static void random_host(struct vfix *f, struct rng *r)
{
	size_t n = 1 + rnd(r, 30);

	vfix_init(f, 1 + (uint32_t)rnd(r, 32));
	f->cfg.overcommit_pct = 50 + (uint32_t)rnd(r, 300);
	f->cfg.cooldown_ms = rnd(r, 20000);
	f->cfg.step_max = 1 + (uint32_t)rnd(r, 8);
	for (size_t i = 0; i < n; i++) {
		uint32_t maxv = 1 + (uint32_t)rnd(r, 16);
		uint32_t vmin = 1 + (uint32_t)rnd(r, 4);
		uint32_t vmax = vmin + (uint32_t)rnd(r, 20);
		struct bsched_vcpu_domain *d =
			vfix_dom(f, (uint32_t)(i * 3 + 1), vmin, vmax, maxv,
				 (uint32_t)rnd(r, maxv + 1));

		d->shares = 1 + (uint32_t)rnd(r, 1000);
		d->enabled = rnd(r, 8) != 0;
		d->has_frontend = rnd(r, 8) != 0;
		f->floor[i] = rnd(r, 4) == 0 ? (uint32_t)rnd(r, maxv + 1) : 0;
		random_evidence(d, r);
	}
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* Checks one tick's decisions against the domains as they were before. */
static void check_tick(const struct vfix *f,
		       const struct bsched_vcpu_domain *before)
{
	uint64_t fixed = 0, managed_ideal = 0, managed_lo = 0;

	for (size_t i = 0; i < f->n; i++) {
		const struct bsched_vcpu_domain *d = &before[i];
		const struct bsched_vcpu_decision *c = &f->res.decisions[i];
		uint32_t hi = min_u32(d->vcpus_max, d->maxvcpus);
		uint32_t lo = min_u32(d->vcpus_min, hi);
		uint32_t cur = d->target_vcpus ? d->target_vcpus :
			       d->online_vcpus;
		uint32_t from = cur ? cur : 1;

		CU_ASSERT(c->target_vcpus >= 1);
		CU_ASSERT(c->target_vcpus <= d->maxvcpus);
		if (!d->enabled || !d->has_frontend) {
			CU_ASSERT_EQUAL(c->target_vcpus, from);
			CU_ASSERT_FALSE(c->target_changed);
			fixed += from > d->online_vcpus ? from : d->online_vcpus;
			continue;
		}
		managed_ideal += c->ideal_vcpus;
		managed_lo += lo;
		/* a refusal restarts from what the guest holds */
		if (c->refused && d->online_vcpus >= 1)
			from = d->online_vcpus;
		if (from >= lo && from <= hi) {
			CU_ASSERT(c->target_vcpus >= lo);
			CU_ASSERT(c->target_vcpus <= hi);
		}
		CU_ASSERT(c->step_vcpus >= 1 && c->step_vcpus <= f->cfg.step_max);
		if (c->target_vcpus > from)
			CU_ASSERT(c->target_vcpus - from <= c->step_vcpus);
		if (c->target_vcpus < from)
			CU_ASSERT(from - c->target_vcpus <= c->step_vcpus);
		/* the ideal heads for the bounds */
		CU_ASSERT(c->ideal_vcpus >= lo && c->ideal_vcpus <= hi);
		CU_ASSERT(c->want_vcpus >= lo && c->want_vcpus <= hi);
		CU_ASSERT(c->ideal_vcpus <= c->want_vcpus);
	}
	if (!f->res.contended)
		return;
	/* the cap is respected, except that everyone keeps its lo */
	CU_ASSERT(managed_ideal <= (f->res.cap_vcpus > fixed + managed_lo ?
				    f->res.cap_vcpus - fixed : managed_lo));
	/* shares: i's last vCPU did not go before j's next one */
	for (size_t i = 0; i < f->n; i++) {
		const struct bsched_vcpu_decision *ci = &f->res.decisions[i];
		const struct bsched_vcpu_domain *di = &before[i];
		uint32_t hi_i = min_u32(di->vcpus_max, di->maxvcpus);

		if (!di->enabled || !di->has_frontend ||
		    ci->ideal_vcpus <= min_u32(di->vcpus_min, hi_i))
			continue;
		for (size_t j = 0; j < f->n; j++) {
			const struct bsched_vcpu_decision *cj = &f->res.decisions[j];
			const struct bsched_vcpu_domain *dj = &before[j];

			if (j == i || !dj->enabled || !dj->has_frontend ||
			    cj->ideal_vcpus >= cj->want_vcpus)
				continue;
			CU_ASSERT((uint64_t)ci->ideal_vcpus * dj->shares <=
				  ((uint64_t)cj->ideal_vcpus + 1) * di->shares);
		}
	}
}

static void test_random_ticks(void)
{
	struct rng r = { SEED };
	struct bsched_vcpu_domain before[VFIX_MAX_DOMS];
	unsigned int contended = 0, changed = 0, refused = 0;

	for (int round = 0; round < ROUNDS; round++) {
		struct vfix f;

		random_host(&f, &r);
		for (int t = 0; t < TICKS; t++) {
			for (size_t i = 0; i < f.n; i++)
				before[i] = f.d[i];
			CU_ASSERT_EQUAL_FATAL(vfix_tick(&f), 0);
			check_tick(&f, before);
			contended += f.res.contended;
			for (size_t i = 0; i < f.n; i++) {
				changed += f.res.decisions[i].target_changed;
				refused += f.res.decisions[i].refused;
			}
			/* most ticks the guests follow; some they lag */
			if (rnd(&r, 4) != 0)
				vfix_settle(&f);
			for (size_t i = 0; i < f.n; i++)
				if (rnd(&r, 5) == 0)
					random_evidence(&f.d[i], &r);
			f.now_ms += rnd(&r, 5000);
		}
		vfix_fini(&f);
	}
	/* the properties were exercised, not vacuous */
	CU_ASSERT(contended > 100);
	CU_ASSERT(changed > 1000);
	CU_ASSERT(refused > 10);
}

/* Two guests that both want everything split the cap as their shares. */
static void test_shares_ratio(void)
{
	struct rng r = { SEED + 1 };

	for (int round = 0; round < ROUNDS; round++) {
		struct vfix f;
		uint32_t pcpus = 2 + (uint32_t)rnd(&r, 30);
		uint32_t sa = 1 + (uint32_t)rnd(&r, 1000);
		uint32_t sb = 1 + (uint32_t)rnd(&r, 1000);
		struct bsched_vcpu_domain *a, *b;
		uint32_t ta, tb;

		vfix_init(&f, pcpus);
		f.cfg.overcommit_pct = 100;
		a = vfix_dom(&f, 1, 1, 4096, 4096, 1);
		b = vfix_dom(&f, 2, 1, 4096, 4096, 1);
		a->shares = sa;
		b->shares = sb;
		vfix_load(a, 4000000, 10000, 100000);
		vfix_load(b, 4000000, 10000, 100000);
		CU_ASSERT_EQUAL_FATAL(vfix_run(&f, 60), 0);
		ta = vfix_dec(&f, 1)->target_vcpus;
		tb = vfix_dec(&f, 2)->target_vcpus;
		CU_ASSERT_EQUAL(ta + tb, pcpus);
		/* within one vCPU of the exact split, each keeping one */
		CU_ASSERT((uint64_t)ta * (sa + sb) + (sa + sb) >=
			  (uint64_t)pcpus * sa || ta == 1);
		CU_ASSERT((uint64_t)tb * (sa + sb) + (sa + sb) >=
			  (uint64_t)pcpus * sb || tb == 1);
		vfix_fini(&f);
	}
}

/* POLICY.md's contention rule as written: one vCPU at a time, by scanning. */
static int share_by_scanning(struct bsched_vcpu_work *w, size_t n, uint32_t cap)
{
	uint64_t fixed = 0, wants = 0, los = 0, left;

	for (size_t i = 0; i < n; i++) {
		if (w[i].fixed) {
			fixed += w[i].held;
			w[i].ideal = w[i].cur;
		} else {
			wants += w[i].want;
			los += w[i].lo;
			w[i].ideal = w[i].want;
		}
	}
	if (fixed + wants <= cap)
		return 0;
	left = cap > fixed + los ? cap - fixed - los : 0;
	for (size_t i = 0; i < n; i++)
		if (!w[i].fixed)
			w[i].ideal = w[i].lo;
	for (; left > 0; left--) {
		size_t best = n;

		for (size_t i = 0; i < n; i++) {
			uint64_t x, y;

			if (w[i].fixed || w[i].ideal >= w[i].want)
				continue;
			if (best == n) {
				best = i;
				continue;
			}
			x = ((uint64_t)w[i].ideal + 1) * w[best].shares;
			y = ((uint64_t)w[best].ideal + 1) * w[i].shares;
			if (x < y || (x == y && w[i].domid < w[best].domid))
				best = i;
		}
		if (best == n)
			break;
		w[best].ideal++;
	}
	for (size_t i = 0; i < n; i++)
		if (!w[i].fixed && w[i].ideal < w[i].want)
			w[i].bound = BSCHED_VCPU_SHARES;
	return 1;
}

/* The apportionment (its jump start and its heap) hands out exactly what
 * one vCPU at a time does: random domains, shares from 1 to 1,000,000,
 * many equal ones (ties by domid), caps from nothing to everything. */
#define SHARE_ROUNDS	400
#define SHARE_DOMS	40
static void test_share_as_one_at_a_time(void)
{
	static const uint32_t some_shares[] = { 1, 2, 3, 7, 1000, 999999, 1000000 };
	struct bsched_vcpu_work a[SHARE_DOMS], b[SHARE_DOMS];
	size_t heap[SHARE_DOMS];
	struct rng r = { SEED + 2 };
	unsigned int contended = 0;

	for (int round = 0; round < SHARE_ROUNDS; round++) {
		size_t n = 1 + rnd(&r, SHARE_DOMS);
		uint32_t top = round % 4 == 0 ? 4096 : 1 + (uint32_t)rnd(&r, 64);
		uint64_t total = 0, want_sum = 0;
		uint32_t cap;
		int ra, rb;

		for (size_t i = 0; i < n; i++) {
			uint32_t lo = 1 + (uint32_t)rnd(&r, top);
			uint32_t want = lo + (uint32_t)rnd(&r, top - lo + 1);

			a[i] = (struct bsched_vcpu_work){
				.domid = (uint32_t)(rnd(&r, 1000) * SHARE_DOMS + i),
				.shares = rnd(&r, 2) ? some_shares[rnd(&r, 7)] :
					  1 + (uint32_t)rnd(&r, 1000000),
				.lo = lo, .hi = want, .want = want,
				.cur = 1 + (uint32_t)rnd(&r, top),
				.fixed = rnd(&r, 6) == 0,
				.bound = BSCHED_VCPU_HOLD,
			};
			a[i].held = a[i].cur;
			total += a[i].fixed ? a[i].held : a[i].want;
		}
		cap = (uint32_t)rnd(&r, total + 2);
		memcpy(b, a, n * sizeof(*a));
		ra = bsched_vcpu_share(a, n, cap, heap, &want_sum);
		rb = share_by_scanning(b, n, cap);
		CU_ASSERT_EQUAL(ra, rb);
		CU_ASSERT_EQUAL(want_sum, total);
		contended += ra;
		for (size_t i = 0; i < n; i++) {
			CU_ASSERT_EQUAL(a[i].ideal, b[i].ideal);
			CU_ASSERT_EQUAL(a[i].bound, b[i].bound);
		}
	}
	CU_ASSERT(contended > SHARE_ROUNDS / 2);
}

int add_vcpu_property_suite(void)
{
	CU_pSuite s = CU_add_suite("processor properties", NULL, NULL);

	if (!s ||
	    !CU_add_test(s, "random ticks", test_random_ticks) ||
	    !CU_add_test(s, "shares ratio", test_shares_ratio) ||
	    !CU_add_test(s, "shares: as one vCPU at a time",
			 test_share_as_one_at_a_time))
		return -1;
	return 0;
}
