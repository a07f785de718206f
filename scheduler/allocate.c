// SPDX-License-Identifier: MIT
/*
 * The allocation: the ideal of every cooperating balloon, one water-fill by
 * shares (shares.c), or under contention with unreported = yield the
 * reporting balloons first (POLICY.md, "Sharing" and "Evidence first", the
 * one place the rule is argued), and the rule that decided each ideal.
 */
#include "bsched_int.h"

/*
 * Which rule decided a cooperating balloon's ideal. @yielded: the balloons
 * without fresh statistics were served apart, after the reporting ones;
 * "unreported" then names the rule, not the number.
 */
static enum bsched_bound bound_of(const struct bsched_work *w, bool contention,
				  bool yielded)
{
	bool at_lo = w->ideal_kib == w->lo_kib;
	bool floor_above_min = w->lo_kib > w->dom->min_kib;

	if (yielded && !w->reported)
		return BSCHED_BOUND_UNREPORTED;
	if (at_lo && floor_above_min && (contention || w->demand_kib <= w->lo_kib))
		return BSCHED_BOUND_FLOOR;
	if (at_lo && w->demand_kib <= w->lo_kib)
		return BSCHED_BOUND_MIN;
	/* the cap, not the shares or its max: POLICY.md, "Working-set probing" */
	if (w->probe_capped && w->ideal_kib == w->alloc_hi_kib)
		return BSCHED_BOUND_PROBE;
	if (w->ideal_kib == w->hi_kib)
		return BSCHED_BOUND_MAX;
	if (w->ideal_kib == w->demand_kib)
		return BSCHED_BOUND_DEMAND;
	if (contention)
		return w->ideal_kib == w->lo_kib ? BSCHED_BOUND_MIN :
						  BSCHED_BOUND_SHARES;
	return BSCHED_BOUND_SURPLUS;
}

/* The cooperating balloons one water-fill shares a pool among. */
enum tier {
	TIER_ALL,
	TIER_REPORTED,		/* demand from fresh statistics */
	TIER_UNREPORTED,	/* no fresh statistics */
};

static bool in_tier(const struct bsched_work *w, enum tier t)
{
	if (!w->part)
		return false;
	return t == TIER_ALL || w->reported == (t == TIER_REPORTED);
}

/*
 * Water-fill @pool among the balloons of @tier (the others are empty items
 * that take nothing); sets their ideal, returns the sum handed out.
 */
static uint64_t fill_tier(size_t n, struct bsched_work *work,
			  struct bsched_scratch *s,
			  const struct bsched_config *cfg, bool contention,
			  enum tier t, uint64_t pool)
{
	bool keep_free = cfg->surplus == BSCHED_SURPLUS_KEEP_FREE;
	uint64_t given = 0;

	for (size_t i = 0; i < n; i++) {
		const struct bsched_work *w = &work[i];
		struct bsched_fill *f = &s->fill[i];

		*f = (struct bsched_fill) { .shares = 1 };
		if (!in_tier(w, t))
			continue;
		f->shares = w->dom->shares;
		/* a stuck balloon is bounded by what it holds on the side it
		 * is stuck on (alloc_*), from the base the others have: it is
		 * held there exactly when, free, it would be asked past it */
		f->lo_kib = w->alloc_lo_kib;
		if (contention) {
			/* the min is guaranteed; shares divide what is above */
			f->base_kib = w->lo_kib;
			f->hi_kib = bsched_clamp_u64(w->demand_kib, f->lo_kib,
						     w->alloc_hi_kib);
		} else {
			f->lo_kib = bsched_clamp_u64(w->demand_kib, f->lo_kib,
						     w->alloc_hi_kib);
			f->base_kib = bsched_min_u64(w->demand_kib, f->lo_kib);
			f->hi_kib = keep_free ? f->lo_kib : w->alloc_hi_kib;
		}
	}
	bsched_water_fill(s->fill, n, pool, s->ev, s->ev_tmp);
	for (size_t i = 0; i < n; i++) {
		if (in_tier(&work[i], t)) {
			work[i].ideal_kib = s->fill[i].out_kib;
			given += s->fill[i].out_kib;
		}
	}
	return given;
}

/*
 * Evidence first under contention: tier 1 (reporting) shares the pool less
 * the lower bounds of tier 2, tier 2 (unreported) what tier 1 leaves, up to
 * its demand (POLICY.md, "Evidence first", for why and why it is
 * continuous). Returns false, having done nothing, unless both kinds share
 * the pool.
 */
static bool evidence_first(size_t n, struct bsched_work *work,
			   struct bsched_scratch *s,
			   const struct bsched_config *cfg, uint64_t pool)
{
	uint64_t unreported_lo_kib = 0, given_kib;
	bool any_reported = false, any_unreported = false;

	for (size_t i = 0; i < n; i++) {
		if (!work[i].part)
			continue;
		any_reported |= work[i].reported;
		any_unreported |= !work[i].reported;
		if (!work[i].reported)
			unreported_lo_kib += work[i].alloc_lo_kib;
	}
	if (!any_reported || !any_unreported)
		return false;
	given_kib = fill_tier(n, work, s, cfg, true, TIER_REPORTED,
			      bsched_sub_sat(pool, unreported_lo_kib));
	fill_tier(n, work, s, cfg, true, TIER_UNREPORTED,
		  bsched_sub_sat(pool, given_kib));
	return true;
}

/*
 * The pool is short of the lowest landings (each balloon at its min plus its
 * overshoot, a stuck-down one at what it holds): those at or above their
 * lower bound land there, and those below it (started below their min, or
 * their min raised) rise toward it by what is left, by shares, from what
 * they hold or were given. Handed their min instead, they were planned on
 * memory no balloon will free (POLICY.md, "Sharing"). Returns false, having
 * done nothing, if the lowest landings fit.
 */
static bool short_fill(size_t n, struct bsched_work *work,
		       struct bsched_scratch *s, uint64_t pool)
{
	uint64_t lowest_kib = 0;

	for (size_t i = 0; i < n; i++)
		if (work[i].part)
			lowest_kib += work[i].alloc_lo_kib;
	if (lowest_kib <= pool)
		return false;
	for (size_t i = 0; i < n; i++) {
		const struct bsched_work *w = &work[i];
		struct bsched_fill *f = &s->fill[i];

		*f = (struct bsched_fill) { .shares = 1 };
		if (!w->part)
			continue;
		f->shares = w->dom->shares;
		f->hi_kib = w->alloc_lo_kib;
		f->lo_kib = f->base_kib = w->cur_kib < w->lo_kib ?
					  bsched_min_u64(w->cur_kib, f->hi_kib) :
					  f->hi_kib;
	}
	bsched_water_fill(s->fill, n, pool, s->ev, s->ev_tmp);
	for (size_t i = 0; i < n; i++)
		if (work[i].part)
			work[i].ideal_kib = s->fill[i].out_kib;
	return true;
}

void bsched_allocate(size_t n, struct bsched_work *work,
		     struct bsched_scratch *s, const struct bsched_config *cfg,
		     uint64_t pool, uint64_t sum_demand)
{
	bool contention = sum_demand >= pool;
	bool yielded = false, filled;

	filled = short_fill(n, work, s, pool);
	if (!filled && contention && cfg->unreported == BSCHED_UNREPORTED_YIELD)
		filled = yielded = evidence_first(n, work, s, cfg, pool);
	if (!filled)
		fill_tier(n, work, s, cfg, contention, TIER_ALL, pool);
	for (size_t i = 0; i < n; i++)
		if (work[i].part)
			work[i].bound = bound_of(&work[i], contention, yielded);
}
