// SPDX-License-Identifier: MIT
/*
 * One policy iteration: check the snapshot, classify every domain (bounds,
 * stuck monitor, demand), answer the reservations (reserve.c), share the
 * pool (pool.c, allocate.c), smooth the result (smooth.c), then derive
 * maxmem and flags. Nothing in the state changes unless the whole tick
 * succeeds.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ballast_schema.h"
#include "bsched_int.h"

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
 * What a balloon without fresh statistics is taken to need: under
 * unreported = yield and surplus = shares the need it last showed, or its
 * lower bound; otherwise what it was given. POLICY.md, "Evidence first",
 * says why.
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

/*
 * The target in force, clamped to [lo, hi], except that a balloon below its
 * lower bound (started below its min, or its min raised) is not handed it at
 * once: it holds what it was given or what it holds, and grows toward lo as
 * any growth does, shrinks first and never into memory that is not free
 * (POLICY.md, Model).
 */
static uint64_t current_kib(const struct bsched_work *w)
{
	const struct bsched_domain *d = w->dom;
	uint64_t base_kib = d->target_kib ? d->target_kib : d->actual_kib;
	uint64_t reach_kib = bsched_min_u64(w->lo_kib,
					    bsched_max_u64(base_kib, d->actual_kib));

	return bsched_clamp_u64(base_kib, reach_kib, w->hi_kib);
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

/* A domain's upper bound: its max, capped by its static max if known. */
static uint64_t top_kib(const struct bsched_domain *d)
{
	return d->static_max_kib ? bsched_min_u64(d->max_kib, d->static_max_kib) :
				   d->max_kib;
}

/* Bounds, current target, stuck verdict and demand of one domain. */
static void classify(struct bsched_work *w, const struct bsched_config *cfg,
		     uint64_t host_free_kib, uint64_t now_ms)
{
	const struct bsched_domain *d = w->dom;

	if (!domain_valid(d)) {
		bsched_probe_none(w);
		w->bound = BSCHED_BOUND_INVALID;
		w->cand_kib = w->ideal_kib = d->target_kib;
		return;
	}
	if (release_expired(d, cfg)) {
		/* out of the pool, target held, maxmem pinned (decide) */
		bsched_probe_none(w);
		w->bound = BSCHED_BOUND_STUCK;
		w->cand_kib = w->ideal_kib = d->target_kib;
		return;
	}
	w->balloon = d->managed && d->frontend != BSCHED_FE_NONE &&
		     !releasing(d);
	if (!w->balloon) {
		bsched_probe_none(w);
		w->bound = d->managed ? BSCHED_BOUND_NO_BALLOON :
					BSCHED_BOUND_UNMANAGED;
		w->cand_kib = w->ideal_kib = d->target_kib;
		return;
	}
	w->hi_kib = top_kib(d);
	w->lo_kib = bsched_min_u64(d->min_kib, w->hi_kib);
	if (d->stats.present)
		w->lo_kib = bsched_clamp_u64(honoured_floor_kib(d), w->lo_kib,
					     w->hi_kib);
	w->cur_kib = current_kib(w);
	bsched_stuck_update(w->rec, d->actual_kib, w->cur_kib, host_free_kib,
			    cfg, now_ms);
	w->demand_kib = bsched_demand(w->rec, &d->stats, cfg,
				      silent_need_kib(w, cfg), w->lo_kib,
				      w->hi_kib);
	w->reported = bsched_stats_fresh(&d->stats, cfg);
	bsched_overshoot_update(w, cfg);
	bsched_stuck_bounds(w);
	bsched_probe_update(w, cfg, now_ms);
	w->part = true;
}

/* maxmem the libxl way for the stock balloon; a stuck balloon is pinned to
 * what it holds so that, waking up, it cannot take memory handed out. */
static uint64_t maxmem_of(const struct bsched_work *w,
			  const struct bsched_config *cfg)
{
	if (w->stuck)
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
	uint64_t cap_kib = d->lift_above_max && d->static_max_kib ?
			   d->static_max_kib : top_kib(d);
	uint64_t held_kib = d->stats.present ?
			    bsched_min_u64(d->stats.ballooned_kib, cap_kib) : 0;

	return bsched_min_u64(d->actual_kib + held_kib, cap_kib) +
	       BSCHED_MAXMEM_SLACK_KIB;
}

/* An unload that went on too long: pinned to what it holds, as a stuck
 * balloon is, so that it cannot take memory handed out. */
static uint64_t expired_maxmem_of(const struct bsched_domain *d)
{
	uint64_t held_kib = d->target_kib ?
			    bsched_min_u64(d->target_kib, d->actual_kib) :
			    d->actual_kib;

	return bsched_min_u64(held_kib, top_kib(d)) + BSCHED_MAXMEM_SLACK_KIB;
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
		.over_kib = w->over_kib,
		.bound = w->bound,
		.boost_pct = w->rec->boost_pct,
		.probe = w->probe,
		.probe_cap_kib = w->probe_capped ? w->alloc_hi_kib : 0,
	};
	if (!w->balloon) {
		if (w->bound == BSCHED_BOUND_INVALID || !releasing(d))
			return;
		if (release_expired(d, cfg)) {
			dec->maxmem_kib = expired_maxmem_of(d);
			dec->stuck = true;
		} else {
			dec->maxmem_kib = release_maxmem_of(d);
			dec->uncooperative = false;
			dec->uncooperative_changed = d->uncooperative;
		}
		dec->maxmem_changed = dec->maxmem_kib != d->maxmem_kib;
		return;
	}
	dec->target_changed = w->cand_kib != d->target_kib;
	dec->maxmem_kib = maxmem_of(w, cfg);
	dec->maxmem_changed = dec->maxmem_kib != d->maxmem_kib;
	dec->uncooperative = w->rec->flagged;
	dec->uncooperative_changed = dec->uncooperative != d->uncooperative;
	dec->stuck = w->stuck;
}

static int policy(struct bsched_state *st, const struct bsched_snapshot *snap,
		  const struct bsched_config *cfg, struct bsched_result *out)
{
	struct bsched_scratch *s = &st->scratch;
	size_t n = snap->n_domains;
	uint64_t pool, sum_demand = 0;
	int rc;

	for (size_t i = 0; i < n; i++) {
		classify(&s->work[i], cfg, bsched_host_free_kib(&snap->host),
			 snap->now_ms);
		/* a stuck balloon needs at least what it will not give */
		if (s->work[i].part)
			sum_demand += bsched_clamp_u64(s->work[i].demand_kib,
						       s->work[i].alloc_lo_kib,
						       s->work[i].alloc_hi_kib);
	}
	/* answered first: an impossible reservation holds no memory */
	rc = bsched_answer_reservations(st, snap, cfg, s->work, out);
	if (rc)
		return rc;
	pool = bsched_pool_kib(snap, cfg, s->work, out);
	bsched_allocate(n, s->work, s, cfg, pool, sum_demand);
	for (size_t i = 0; i < n; i++) {
		if (!s->work[i].part)
			continue;
		bsched_stuck_readmit(&s->work[i], snap->now_ms);
		if (!s->work[i].stuck)
			bsched_target_of_landing(&s->work[i]);
	}
	out->growth_deferred = bsched_smooth(snap, cfg, s->work, out, pool);
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
	rc = bsched_scratch_reserve(st, snap->n_domains, snap->n_reservations);
	if (rc)
		return rc;
	s = &st->scratch;
	for (size_t i = 0; i < snap->n_domains; i++)
		s->work[i] = (struct bsched_work) { .dom = &snap->domains[i] };
	rc = bsched_state_merge(st, snap, cfg);
	if (rc)
		return rc;
	rc = policy(st, snap, cfg, out);
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
