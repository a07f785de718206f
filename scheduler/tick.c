// SPDX-License-Identifier: MIT
/*
 * One policy iteration: check the snapshot, advance the stuck monitor and
 * the demand of every balloon, share the pool, smooth the result (deadband,
 * step limit), hold growth until shrinks have freed memory, then derive
 * maxmem, flags and the reservation answers. Nothing in the state changes
 * unless the whole tick succeeds.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ballast_schema.h"
#include "bsched_int.h"

static uint64_t slush_of(const struct bsched_config *cfg)
{
	return (cfg->faults & BSCHED_FAULT_NO_SLUSH) ? 0 : cfg->slush_kib;
}

/* A domain whose values cannot be steered: left alone (BOUND_INVALID). */
static bool domain_valid(const struct bsched_domain *d)
{
	if (d->frontend > BSCHED_FE_DRIVER)
		return false;
	if (d->actual_kib > BSCHED_KIB_LIMIT ||
	    d->static_max_kib > BSCHED_KIB_LIMIT ||
	    d->maxmem_kib > BSCHED_KIB_LIMIT ||
	    d->target_kib > BSCHED_KIB_LIMIT)
		return false;
	if (!d->managed)
		return true;
	return d->min_kib <= d->max_kib && d->max_kib <= BSCHED_KIB_LIMIT &&
	       d->shares >= 1 && d->shares <= BSCHED_MAX_SHARES;
}

static bool snapshot_valid(const struct bsched_state *st,
			   const struct bsched_snapshot *snap)
{
	if (st->started && snap->now_ms < st->last_now_ms)
		return false;
	if (snap->n_domains > BSCHED_MAX_DOMAINS ||
	    snap->n_reservations > BSCHED_MAX_RESERVATIONS)
		return false;
	if ((snap->n_domains && !snap->domains) ||
	    (snap->n_reservations && !snap->reservations))
		return false;
	if (snap->host.total_kib > BSCHED_KIB_LIMIT ||
	    snap->host.free_kib > BSCHED_KIB_LIMIT ||
	    snap->host.scrub_kib > BSCHED_KIB_LIMIT ||
	    snap->host.outstanding_kib > BSCHED_KIB_LIMIT)
		return false;
	/* an inconsistent domain costs that domain alone (classify) */
	for (size_t i = 0; i < snap->n_reservations; i++)
		if (snap->reservations[i].size_kib > BSCHED_KIB_LIMIT)
			return false;
	return true;
}

/*
 * The guest's reported floor bounds shrinking only, and only up to the
 * default floor of the domain at its largest: it never raises a target above
 * what the domain holds, and a guest claiming a huge floor cannot ratchet
 * itself up on every surplus it is given. A floor set higher inside the
 * guest is not honoured: that guest shows up stuck, and flagged, instead.
 */
static uint64_t honoured_floor_kib(const struct bsched_domain *d)
{
	uint64_t largest_kib = d->static_max_kib ? d->static_max_kib : d->max_kib;
	uint64_t cap_kib = ballast_default_floor_kib(largest_kib);

	return bsched_min_u64(bsched_min_u64(d->stats.floor_kib, cap_kib),
			      d->actual_kib);
}

/*
 * What a balloon without fresh statistics (the stock balloon; a driver or
 * agent whose reports are missing, stale or absurd) is taken to need. What
 * it holds is only what it was given, last tick's share of the surplus
 * included: taken as its need under surplus = shares, each tick would hand
 * it another share on top of the last, a ratchet up to its max that takes
 * the surplus from the guests that report, and its target would depend on
 * its own history. Under unreported = yield its need is its lower bound,
 * the admin's statement of it (its min, or the floor it reported): it gets
 * lo plus its share of the surplus, as a reporting guest gets its demand
 * plus its share, whatever it was given before. A guest that did report
 * keeps the need it last showed (evidence_kib): its reporter may be the
 * thing starved of memory, and shrinking it to its min for that would make
 * it worse. Neither depends on what it was given. With keep-free nothing is
 * handed out on top: it keeps what it holds, no evidence, no change (taken
 * at lo it would be shrunk for memory that then stays free). unreported =
 * share is the old rule, ratchet included.
 */
static uint64_t silent_need_kib(const struct bsched_work *w,
				const struct bsched_config *cfg)
{
	if (cfg->unreported == BSCHED_UNREPORTED_YIELD &&
	    cfg->surplus == BSCHED_SURPLUS_SHARES)
		return bsched_clamp_u64(w->rec->evidence_kib, w->lo_kib,
					w->hi_kib);
	return w->cur_kib;
}

/* A ballast frontend that said it is unloading (a stock balloon never is). */
static bool releasing(const struct bsched_domain *d)
{
	return d->managed && d->releasing &&
	       (d->frontend == BSCHED_FE_DRIVER || d->frontend == BSCHED_FE_AGENT);
}

/* ...for longer than it may: held as a stuck balloon from then on. */
static bool release_expired(const struct bsched_domain *d,
			    const struct bsched_config *cfg)
{
	return releasing(d) && d->releasing_ms >= cfg->release_limit_ms;
}

/* Bounds, current target, stuck verdict and demand of one domain. */
static void classify(struct bsched_work *w, const struct bsched_config *cfg,
		     uint64_t now_ms)
{
	const struct bsched_domain *d = w->dom;

	if (!domain_valid(d)) {
		w->bound = BSCHED_BOUND_INVALID;
		w->cand_kib = w->ideal_kib = d->target_kib;
		return;
	}
	w->balloon = d->managed && d->frontend != BSCHED_FE_NONE &&
		     (!releasing(d) || release_expired(d, cfg));
	if (!w->balloon) {
		w->bound = d->managed ? BSCHED_BOUND_NO_BALLOON :
					BSCHED_BOUND_UNMANAGED;
		w->cand_kib = w->ideal_kib = d->target_kib;
		return;
	}
	w->hi_kib = d->max_kib;
	if (d->static_max_kib)
		w->hi_kib = bsched_min_u64(w->hi_kib, d->static_max_kib);
	w->lo_kib = bsched_min_u64(d->min_kib, w->hi_kib);
	if (d->stats.present)
		w->lo_kib = bsched_clamp_u64(honoured_floor_kib(d), w->lo_kib,
					     w->hi_kib);
	w->cur_kib = bsched_clamp_u64(d->target_kib ? d->target_kib : d->actual_kib,
				      w->lo_kib, w->hi_kib);
	bsched_stuck_update(w->rec, d->actual_kib, w->cur_kib, cfg, now_ms);
	w->demand_kib = bsched_demand(w->rec, &d->stats, cfg,
				      silent_need_kib(w, cfg), w->lo_kib,
				      w->hi_kib);
	w->reported = bsched_stats_fresh(&d->stats, cfg);
	w->part = !w->rec->stuck && !release_expired(d, cfg);
	if (!w->part) {
		w->bound = BSCHED_BOUND_STUCK;
		w->cand_kib = w->ideal_kib = w->cur_kib;
	}
}

/* Memory the reservations hold: an impossible one holds nothing. */
static uint64_t reserved_kib(const struct bsched_snapshot *snap,
			     const struct bsched_result *answered)
{
	uint64_t held = 0;

	for (size_t i = 0; i < answered->n_answers; i++)
		if (answered->answers[i].status != BALLAST_RES_IMPOSSIBLE)
			held += snap->reservations[i].size_kib;
	return held;
}

/*
 * What a cooperating balloon counts for in the pool. One resting above its
 * target by no more than the at-target slack (whole pages, a balloon that
 * stops short) will not give that overshoot back, so it counts as holding
 * its target: counted by actual, the overshoot would be handed out again as
 * targets, a fixed point where free memory stays short of the slush and the
 * reservations by the sum of the overshoots (squeezed's inaccuracy).
 * Further above, it is still shrinking; below, it holds what it holds.
 */
uint64_t bsched_held_kib(const struct bsched_work *w,
			 const struct bsched_config *cfg)
{
	uint64_t actual_kib = w->dom->actual_kib;

	if (cfg->faults & BSCHED_FAULT_NO_INACCURACY_COMPENSATION)
		return actual_kib;
	if (actual_kib > w->cur_kib &&
	    actual_kib - w->cur_kib <= bsched_at_target_slack_kib(cfg))
		return w->cur_kib;
	return actual_kib;
}

/*
 * The pool: what the cooperating balloons may share. Like squeezed, the
 * memory they hold now (bsched_held_kib) plus what is free, less the slush and the
 * reservations that can be met. Stuck, balloon-less and unmanaged domains
 * keep what they hold, so it is simply not in the pool.
 */
static uint64_t pool_of(const struct bsched_snapshot *snap,
			const struct bsched_config *cfg,
			const struct bsched_work *work,
			const struct bsched_result *answered)
{
	uint64_t pool = bsched_host_free_kib(&snap->host);

	for (size_t i = 0; i < snap->n_domains; i++)
		if (work[i].part)
			pool += bsched_held_kib(&work[i], cfg);
	return bsched_sub_sat(pool, slush_of(cfg) + reserved_kib(snap, answered));
}

/*
 * Which rule decided a cooperating balloon's ideal. @yielded: under
 * contention the balloons without fresh statistics were served after the
 * reporting ones (evidence_first). Such a balloon has what they left it:
 * its lower bound, which is also its demand, under surplus = shares; at
 * least that, at most what it holds, under keep-free. "unreported" names
 * the rule, not the number. Without contention one filled at its lower
 * bound plus its share of the surplus is SURPLUS like any other.
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
	TIER_UNREPORTED,	/* demand is only what they were given */
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
		if (contention) {
			f->lo_kib = w->lo_kib;
			f->hi_kib = w->demand_kib;
		} else {
			f->base_kib = f->lo_kib = w->demand_kib;
			f->hi_kib = keep_free ? w->demand_kib : w->hi_kib;
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
 * Evidence first (unreported = yield), under contention: the balloons whose
 * fresh statistics show their need share the pool less the lower bounds of
 * the others, as they would among themselves; those without (the stock
 * balloon, reports missing or stale) keep their lower bound and share by
 * shares what the first leave, up to their demand. Their need is unknown,
 * and their min is the admin's statement of it: a guest that says nothing
 * must not keep memory a guest that shows its need is short of.
 *
 * Up to their demand: under surplus = shares that is their lower bound
 * (silent_need_kib), so they get exactly it. That is the continuous choice.
 * Contention is then measured with the lower bounds too, and begins where
 * the reporting demands and the unreported lower bounds fill the pool;
 * there the surplus rule gives each unreported balloon lo plus a share of
 * nothing, and this rule lo. On the contended side tier 1 takes all it is
 * offered (its demands are at least that), so tier 2 is left its lower
 * bounds and the few KiB tier 1 rounds away: neither what it holds nor its
 * max as upper bound would give it more than lo, but what it holds would
 * bring its history back, and either would hand out the rounding to a
 * guest that showed no need. Under keep-free their demand is what they
 * hold: contention is measured with it (measured with lo, everyone keeping
 * its demand without contention could exceed the pool), and up to it they
 * share what tier 1 leaves.
 * Returns false, having done nothing, unless both kinds share the pool.
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
			unreported_lo_kib += work[i].lo_kib;
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
 * Ideal allocation of every cooperating balloon: one water-fill by shares,
 * or under contention (and unreported = yield) the reporting balloons
 * first. Without contention nobody yields: each gets its demand (for a
 * balloon without statistics under unreported = yield and surplus =
 * shares, its lower bound) and shares the surplus like any other.
 */
static void allocate(size_t n, struct bsched_work *work,
		     struct bsched_scratch *s, const struct bsched_config *cfg,
		     uint64_t pool, uint64_t sum_demand)
{
	bool contention = sum_demand >= pool;
	bool yielded = false;

	if (contention && cfg->unreported == BSCHED_UNREPORTED_YIELD)
		yielded = evidence_first(n, work, s, cfg, pool);
	if (!yielded)
		fill_tier(n, work, s, cfg, contention, TIER_ALL, pool);
	for (size_t i = 0; i < n; i++)
		if (work[i].part)
			work[i].bound = bound_of(&work[i], contention, yielded);
}

/*
 * Deadband and step limit: the target to issue now on the way to the ideal;
 * *@held_by is set to the rule that held it back, if one did. Changes below
 * the deadband are not issued, unless they are shrinks and memory is short
 * (policy()): the deadband must never keep a reservation, the slush or a
 * waiting growth short.
 */
static uint64_t smoothed_kib(const struct bsched_work *w,
			     const struct bsched_config *cfg,
			     bool short_of_memory, enum bsched_bound *held_by)
{
	uint64_t dist = bsched_dist(w->ideal_kib, w->cur_kib);
	bool shrink = w->ideal_kib < w->cur_kib;

	if (dist == 0)
		return w->ideal_kib;
	if (!(cfg->faults & BSCHED_FAULT_NO_DEADBAND) &&
	    dist < cfg->deadband_kib && !(shrink && short_of_memory)) {
		*held_by = BSCHED_BOUND_DEADBAND;
		return w->cur_kib;
	}
	if (!(cfg->faults & BSCHED_FAULT_NO_STEP_LIMIT) &&
	    dist > cfg->step_max_kib) {
		*held_by = BSCHED_BOUND_STEP;
		return shrink ? w->cur_kib - cfg->step_max_kib :
				w->cur_kib + cfg->step_max_kib;
	}
	return w->ideal_kib;
}

static void smooth(struct bsched_work *w, const struct bsched_config *cfg,
		   bool short_of_memory)
{
	w->cand_kib = smoothed_kib(w, cfg, short_of_memory, &w->bound);
}

/*
 * Shrink before grow: growth is issued only when the memory it needs
 * (every cooperating balloon's way up from where it is now) is already free
 * beyond the slush and the reservations. This compares pages that must
 * move with pages that are free, so it counts from actual even for a
 * balloon resting above its target: no compensation (held_kib) belongs
 * here. Would the targets smoothed with @short_of_memory grow a balloon
 * with memory that is not free yet?
 */
static bool growth_waits(const struct bsched_snapshot *snap,
			 const struct bsched_config *cfg,
			 const struct bsched_work *work,
			 const struct bsched_result *answered,
			 bool short_of_memory)
{
	uint64_t need = 0, avail;
	bool any_growth = false;

	if (cfg->faults & BSCHED_FAULT_NO_TWO_PHASE)
		return false;
	for (size_t i = 0; i < snap->n_domains; i++) {
		const struct bsched_work *w = &work[i];
		enum bsched_bound held_by;
		uint64_t cand_kib;

		if (!w->part)
			continue;
		cand_kib = smoothed_kib(w, cfg, short_of_memory, &held_by);
		need += bsched_sub_sat(cand_kib, w->dom->actual_kib);
		any_growth |= cand_kib > w->cur_kib;
	}
	avail = bsched_sub_sat(bsched_host_free_kib(&snap->host),
			       slush_of(cfg) + reserved_kib(snap, answered));
	return any_growth && need > avail;
}

/* The growers keep their target and wait for the shrinkers. */
static void hold_growth(size_t n, struct bsched_work *work)
{
	for (size_t i = 0; i < n; i++) {
		struct bsched_work *w = &work[i];

		if (w->part && w->cand_kib > w->cur_kib) {
			w->cand_kib = w->cur_kib;
			w->bound = BSCHED_BOUND_GROWTH_DEFERRED;
		}
	}
}

/* maxmem the libxl way for the stock balloon; a stuck balloon is pinned to
 * what it holds so that, waking up, it cannot take memory handed out. */
static uint64_t maxmem_of(const struct bsched_work *w,
			  const struct bsched_config *cfg)
{
	if (!w->part)
		return bsched_clamp_u64(bsched_min_u64(w->cand_kib,
						       w->dom->actual_kib),
					w->lo_kib, w->hi_kib) +
		       BSCHED_MAXMEM_SLACK_KIB;
	if (w->dom->frontend == BSCHED_FE_STOCK)
		return w->cand_kib + BSCHED_MAXMEM_SLACK_KIB;
	/* ballast frontends follow their own target and may deflate a little
	 * above it (OOM) without a round trip through dom0; no further: what
	 * lies between that and its max is memory handed to others */
	return bsched_min_u64(w->cand_kib + cfg->frontend_allowance_kib,
			      w->hi_kib) + BSCHED_MAXMEM_SLACK_KIB;
}

/* A releasing balloon takes back what it says it holds, up to its max
 * (its static max if the admin lets it): never what it only claims. */
static uint64_t release_maxmem_of(const struct bsched_domain *d)
{
	uint64_t top_kib = d->static_max_kib ? d->static_max_kib : d->max_kib;
	uint64_t cap_kib = d->lift_above_max ? top_kib :
			   bsched_min_u64(d->max_kib, top_kib);
	uint64_t held_kib = d->stats.present ?
			    bsched_min_u64(d->stats.ballooned_kib, cap_kib) : 0;

	return bsched_min_u64(d->actual_kib + held_kib, cap_kib) +
	       BSCHED_MAXMEM_SLACK_KIB;
}

static void decide(const struct bsched_work *w, const struct bsched_config *cfg,
		   struct bsched_decision *dec)
{
	const struct bsched_domain *d = w->dom;

	*dec = (struct bsched_decision) {
		.domid = d->domid,
		.target_kib = w->cand_kib,
		.maxmem_kib = d->maxmem_kib,
		.uncooperative = d->uncooperative,
		.demand_kib = w->demand_kib,
		.ideal_kib = w->ideal_kib,
		.bound = w->bound,
		.boost_pct = w->rec->boost_pct,
	};
	if (!w->balloon) {
		if (w->bound != BSCHED_BOUND_INVALID && releasing(d)) {
			dec->maxmem_kib = release_maxmem_of(d);
			dec->maxmem_changed = dec->maxmem_kib != d->maxmem_kib;
			dec->uncooperative = false;
			dec->uncooperative_changed = d->uncooperative;
		}
		return;
	}
	dec->target_changed = w->cand_kib != d->target_kib;
	dec->maxmem_kib = maxmem_of(w, cfg);
	dec->maxmem_changed = dec->maxmem_kib != d->maxmem_kib;
	dec->uncooperative = w->rec->flagged;
	dec->uncooperative_changed = dec->uncooperative != d->uncooperative;
	dec->stuck = !w->part;
}

static int policy(const struct bsched_snapshot *snap,
		  const struct bsched_config *cfg, struct bsched_scratch *s,
		  struct bsched_result *out)
{
	size_t n = snap->n_domains;
	uint64_t pool, sum_demand = 0, sum_cur = 0;
	bool short_of_memory;
	int rc;

	for (size_t i = 0; i < n; i++) {
		classify(&s->work[i], cfg, snap->now_ms);
		if (s->work[i].part) {
			sum_demand += s->work[i].demand_kib;
			sum_cur += s->work[i].cur_kib;
		}
	}
	/* answered first: an impossible reservation holds no memory */
	rc = bsched_answer_reservations(snap, cfg, s->work, out);
	if (rc)
		return rc;
	pool = pool_of(snap, cfg, s->work, out);
	allocate(n, s->work, s, cfg, pool, sum_demand);
	/* memory is short when the current targets do not fit, and under
	 * contention when a growth waits for it: a guest is then below its
	 * demand, and the shrinks the deadband would hold back may be what it
	 * waits for (they would never be issued). Without contention everyone
	 * has its demand, and a surplus growth may wait. */
	short_of_memory = sum_cur > pool ||
			  (sum_demand >= pool &&
			   growth_waits(snap, cfg, s->work, out, false));
	for (size_t i = 0; i < n; i++)
		if (s->work[i].part)
			smooth(&s->work[i], cfg, short_of_memory);
	out->growth_deferred = growth_waits(snap, cfg, s->work, out,
					    short_of_memory);
	if (out->growth_deferred)
		hold_growth(n, s->work);
	out->supply_kib = pool;
	out->demand_kib = sum_demand;

	out->decisions = malloc((n ? n : 1) * sizeof(*out->decisions));
	if (!out->decisions)
		return -ENOMEM;
	out->n_decisions = n;
	for (size_t i = 0; i < n; i++)
		decide(&s->work[i], cfg, &out->decisions[i]);
	return 0;
}

int bsched_tick(struct bsched_state *st, const struct bsched_config *cfg,
		const struct bsched_snapshot *snap, struct bsched_result *out)
{
	struct bsched_scratch *s;
	int rc;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (!st || !snap || bsched_config_validate(cfg, NULL))
		return -EINVAL;
	if (!snapshot_valid(st, snap))
		return -EINVAL;
	rc = bsched_scratch_reserve(st, snap->n_domains);
	if (rc)
		return rc;
	s = &st->scratch;
	for (size_t i = 0; i < snap->n_domains; i++)
		s->work[i] = (struct bsched_work) { .dom = &snap->domains[i] };
	rc = bsched_state_merge(st, snap, cfg);
	if (rc)
		return rc;
	rc = policy(snap, cfg, s, out);
	if (rc) {
		bsched_result_free(out);
		return rc;
	}
	bsched_state_commit(st, snap->n_domains, snap->now_ms);
	return 0;
}

void bsched_result_free(struct bsched_result *out)
{
	if (!out)
		return;
	free(out->decisions);
	free(out->answers);
	free(out->refuser_storage);
	memset(out, 0, sizeof(*out));
}
