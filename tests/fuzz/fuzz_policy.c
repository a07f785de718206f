// SPDX-License-Identifier: MIT
/*
 * The policy (bsched.h, public API only) on random hosts over several
 * ticks: domains with random subscriptions, sizes, frontends, statistics
 * and floors, balloons that follow their targets partly or not at all,
 * reservations, random configurations. Invariants, as bsched.h states them:
 * a valid snapshot is never refused; every balloon's target, ideal and
 * demand lie within [min(min, hi), hi], hi = min(max, static-max); the
 * targets never promise more than the pool when the lowest landings (mins,
 * raised by reported floors up to what the domain holds, plus the overshoot
 * each balloon was learned to rest above its target) fit in it; while a
 * growth waits for memory, no shrink is held back by the deadband;
 * target_changed says whether the target differs; one answer per
 * reservation, with a known status; the boost stays within 200 %.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bsched.h"
#include "fuzz_input.h"

#define MAX_DOMS	12
#define MAX_RES		3
#define MAX_TICKS	8
#define GIB		(1024ULL * 1024)

static bool balloon(const struct bsched_domain *d)
{
	return d->managed && d->frontend != BSCHED_FE_NONE && !d->releasing;
}

static void bounds(const struct bsched_domain *d, uint64_t *lo, uint64_t *hi)
{
	*hi = d->max_kib;
	if (d->static_max_kib && d->static_max_kib < *hi)
		*hi = d->static_max_kib;
	*lo = d->min_kib < *hi ? d->min_kib : *hi;
}

static uint64_t kib(struct fuzz_in *in)
{
	return fuzz_below(in, 64 * GIB);
}

static void random_config(struct fuzz_in *in, struct bsched_config *cfg)
{
	bsched_config_defaults(cfg);
	if (!fuzz_bool(in))
		return;
	cfg->slush_kib = fuzz_below(in, 4 * GIB);
	cfg->buffer_pct = (uint32_t)fuzz_below(in, 1001);
	cfg->psi_boost_pct = (uint32_t)fuzz_below(in, 101);
	cfg->surplus = (enum bsched_surplus)fuzz_below(in, 2);
	cfg->unreported = (enum bsched_unreported)fuzz_below(in, 2);
	cfg->step_max_kib = 1 + fuzz_below(in, 8 * GIB);
	cfg->deadband_kib = fuzz_below(in, 1 * GIB);
	cfg->stuck_after_ms = 1 + fuzz_below(in, 60000);
	cfg->uncooperative_after_ms = cfg->stuck_after_ms + fuzz_below(in, 60000);
	/* faults stay 0: they switch safety features off on purpose */
}

static void random_domain(struct fuzz_in *in, struct bsched_domain *d, uint32_t domid)
{
	memset(d, 0, sizeof(*d));
	d->domid = domid;
	d->frontend = (enum bsched_frontend)fuzz_below(in, 4);
	d->managed = fuzz_below(in, 8) != 0;
	d->min_kib = kib(in);
	d->max_kib = d->min_kib + kib(in);
	d->shares = 1 + (uint32_t)fuzz_below(in, 1000000);
	d->actual_kib = kib(in);
	d->static_max_kib = fuzz_bool(in) ? kib(in) : 0;
	d->maxmem_kib = d->actual_kib;
	d->releasing = fuzz_below(in, 16) == 0;
	d->resume_boost_pct = (uint32_t)fuzz_below(in, 1000);
	d->stats.present = fuzz_bool(in);
	d->stats.mem_total_kib = d->actual_kib;
	d->stats.mem_available_kib = fuzz_below(in, d->actual_kib + 1);
	d->stats.committed_as_kib = kib(in);
	d->stats.psi_some_avg10_centipct = (uint32_t)fuzz_below(in, 10001);
	d->stats.floor_kib = fuzz_bool(in) ? kib(in) : 0;
	/* derived, not drawn, so that the stored corpus keeps its meaning */
	d->probe = d->shares & 1;
	d->stats.psi_present = (d->shares & 2) != 0;
}

/* Balloons move part of the way to their targets; reports age or renew. */
static void follow(struct fuzz_in *in, struct bsched_domain *d,
		   const struct bsched_decision *dec)
{
	uint64_t to = dec->target_kib, from = d->actual_kib;
	unsigned int eighths = (unsigned int)fuzz_below(in, 9);

	if (to > from)
		d->actual_kib = from + (to - from) * eighths / 8;
	else
		d->actual_kib = from - (from - to) * eighths / 8;
	d->target_kib = dec->target_kib;
	d->uncooperative = dec->uncooperative;
	d->stats.age_ms = fuzz_bool(in) ? 0 : d->stats.age_ms + fuzz_below(in, 100000);
	d->stats.mem_available_kib = fuzz_below(in, d->actual_kib + 1);
	d->stats.psi_some_avg10_centipct = (uint32_t)fuzz_below(in, 10001);
	d->stats.major_faults += fuzz_below(in, 100000);
	d->stats.swap_in += fuzz_below(in, 100000);
}

/* What the policy saw and said, printed before an invariant fails. */
static void dump(const struct bsched_snapshot *snap, const struct bsched_result *r)
{
	fprintf(stderr, "now %llu total %llu free %llu outstanding %llu supply %llu demand %llu\n",
		(unsigned long long)snap->now_ms, (unsigned long long)snap->host.total_kib,
		(unsigned long long)snap->host.free_kib,
		(unsigned long long)snap->host.outstanding_kib,
		(unsigned long long)r->supply_kib, (unsigned long long)r->demand_kib);
	for (size_t i = 0; i < snap->n_domains; i++) {
		const struct bsched_domain *d = &snap->domains[i];
		const struct bsched_decision *dec = &r->decisions[i];

		fprintf(stderr, "dom %u fe %d managed %d releasing %d min %llu max %llu smax %llu "
			"actual %llu target %llu floor %llu stats %d age %llu -> target %llu ideal %llu "
			"demand %llu over %llu bound %s stuck %d\n", d->domid, d->frontend, d->managed,
			d->releasing, (unsigned long long)d->min_kib, (unsigned long long)d->max_kib,
			(unsigned long long)d->static_max_kib, (unsigned long long)d->actual_kib,
			(unsigned long long)d->target_kib, (unsigned long long)d->stats.floor_kib,
			d->stats.present, (unsigned long long)d->stats.age_ms,
			(unsigned long long)dec->target_kib, (unsigned long long)dec->ideal_kib,
			(unsigned long long)dec->demand_kib, (unsigned long long)dec->over_kib,
			bsched_bound_str(dec->bound), dec->stuck);
	}
}

static void check(const struct bsched_snapshot *snap, const struct bsched_result *r)
{
	if (getenv("FUZZ_POLICY_DUMP"))
		dump(snap, r);

	uint64_t sum_ideal = 0, sum_lowest = 0;

	FUZZ_ASSERT(r->n_decisions == snap->n_domains);
	FUZZ_ASSERT(r->n_answers == snap->n_reservations);
	for (size_t i = 0; i < snap->n_domains; i++) {
		const struct bsched_domain *d = &snap->domains[i];
		const struct bsched_decision *dec = &r->decisions[i];
		uint64_t lo, hi, held, reach;

		FUZZ_ASSERT(dec->domid == d->domid);
		FUZZ_ASSERT(dec->target_changed == (dec->target_kib != d->target_kib));
		FUZZ_ASSERT(dec->boost_pct <= 200);
		FUZZ_ASSERT(dec->bound < BSCHED_BOUND__COUNT);
		FUZZ_ASSERT(dec->probe < BSCHED_PROBE__COUNT);
		FUZZ_ASSERT(d->probe || dec->probe == BSCHED_PROBE_OFF);
		if (!balloon(d))
			continue;
		bounds(d, &lo, &hi);
		/* a balloon below its lower bound rises toward it and is never
		 * lowered there (POLICY.md, "Bounds of a balloon") */
		held = d->target_kib > d->actual_kib ? d->target_kib : d->actual_kib;
		reach = lo < held ? lo : held;
		FUZZ_ASSERT(dec->target_kib >= reach && dec->target_kib <= hi);
		/* No bound on ideal_kib: since the policy plans landings (issue
		 * 9) it is the target planned before the step limit and the
		 * overshoot the policy learned, and may lie outside [lo, hi];
		 * the published target above may not. */
		FUZZ_ASSERT(dec->demand_kib >= lo && dec->demand_kib <= hi);
		/* the plan counts on every shrink a waiting growth needs
		 * (POLICY.md, "Smoothing") */
		FUZZ_ASSERT(!(r->growth_deferred && dec->bound == BSCHED_BOUND_DEADBAND &&
			      dec->ideal_kib < dec->target_kib));
		if (dec->stuck)
			continue;
		sum_ideal += dec->ideal_kib;
		/* a reported floor may raise the lower bound up to what the
		 * domain holds (SCHEMA.md, "The guest's floor") */
		if (d->stats.present && d->stats.floor_kib > lo) {
			uint64_t f = d->stats.floor_kib < d->actual_kib ?
				     d->stats.floor_kib : d->actual_kib;

			lo = f > lo ? (f < hi ? f : hi) : lo;
		}
		/* it lands no lower than that plus its overshoot, memory it
		 * will not give; one below its lower bound no lower than what
		 * it holds or was given */
		sum_lowest += held < lo ? held : lo + dec->over_kib;
	}
	/* Strict: nothing is planned on memory that is not free or certain to
	 * be freed (POLICY.md, "Sharing"). The plan fits the pool, or, if
	 * even the lowest landings do not, is those landings: a balloon below
	 * its min is planned on what there is. (Found by this harness: a
	 * balloon resting in its deadband above its min, by its overshoot,
	 * while another below its min was planned at its min.) Only on a host
	 * not already short: when domains being built claim more than is free,
	 * the balloons' holdings alone exceed the supply and the step limit
	 * lets the plan catch up over several ticks (found by this harness;
	 * issue 9). */
	if (snap->host.outstanding_kib <= snap->host.free_kib + snap->host.scrub_kib)
		FUZZ_ASSERT(sum_ideal <= (sum_lowest > r->supply_kib ?
					  sum_lowest : r->supply_kib));
	for (size_t i = 0; i < r->n_answers; i++) {
		FUZZ_ASSERT(r->answers[i].id == snap->reservations[i].id);
		FUZZ_ASSERT(r->answers[i].status >= 0 && r->answers[i].status <= 3);
		FUZZ_ASSERT(r->answers[i].n_refusers <= snap->n_domains);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct bsched_domain doms[MAX_DOMS];
	struct bsched_reservation res[MAX_RES];
	struct bsched_config cfg;
	struct bsched_snapshot snap = { 0 };
	struct bsched_state *st = bsched_state_new();
	size_t n = fuzz_below(&in, MAX_DOMS + 1), n_res = fuzz_below(&in, MAX_RES + 1);
	uint64_t total = 0;

	FUZZ_ASSERT(st);
	random_config(&in, &cfg);
	FUZZ_ASSERT(bsched_config_validate(&cfg, NULL) == 0);
	for (size_t i = 0; i < n; i++) {
		random_domain(&in, &doms[i], (uint32_t)(i * 3 + fuzz_below(&in, 3)));
		total += doms[i].actual_kib;
	}
	for (size_t i = 0; i < n_res; i++)
		res[i] = (struct bsched_reservation){ (uint32_t)i, 1 + kib(&in), 0 };
	snap.domains = doms;
	snap.n_domains = n;
	snap.reservations = res;
	snap.n_reservations = n_res;
	snap.host.total_kib = total + kib(&in);
	for (int t = 0; t < MAX_TICKS; t++) {
		struct bsched_result r;
		uint64_t used = 0;
		int rc;

		for (size_t i = 0; i < n; i++)
			used += doms[i].actual_kib;
		snap.host.free_kib = snap.host.total_kib > used ?
				     snap.host.total_kib - used : 0;
		snap.host.outstanding_kib = fuzz_below(&in, 8) ? 0 : kib(&in);
		snap.now_ms += fuzz_below(&in, 10000);
		rc = bsched_tick(st, &cfg, &snap, &r);
		/* domids are distinct, min <= max, time moves forward: valid */
		FUZZ_ASSERT(rc == 0);
		check(&snap, &r);
		for (size_t i = 0; i < n; i++)
			follow(&in, &doms[i], &r.decisions[i]);
		bsched_result_free(&r);
		if (!in.left)
			break;
	}
	bsched_state_free(st);
	return 0;
}
