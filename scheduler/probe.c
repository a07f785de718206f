// SPDX-License-Identifier: MIT
/*
 * Working-set probing, opt in per domain (POLICY.md, "Working-set probing",
 * the one place the rule is argued): while a guest's PSI some avg10 stays
 * under a low goal, the highest landing it is allowed (its cap) comes down by
 * a step per interval; over the goal the cap goes up at once and stays put
 * for a hold time; over the demand rule's stall threshold the cap is lifted
 * and the demand rule alone decides. The cap only narrows alloc_hi_kib: it
 * never goes below the lower bound (min, floor, what a stuck balloon holds).
 */
#include "bsched_int.h"

/* A ballast frontend whose reports carry PSI: the probe's only evidence. */
static bool has_psi(const struct bsched_domain *d)
{
	return (d->frontend == BSCHED_FE_DRIVER ||
		d->frontend == BSCHED_FE_AGENT) && d->stats.present &&
	       d->stats.psi_present;
}

static void lift(struct bsched_rec *rec)
{
	rec->probe_cap_kib = 0;
}

/* One step down: a percentage of what it holds, at least the minimum and
 * at least the deadband, in whole pages, never below one page. A step the
 * deadband would hold moves no balloon, so no report follows it and the
 * next step waited for the frontend's heartbeat: ~8 MiB every two minutes
 * on a 384 MiB guest (seen writing e2e 18). */
static uint64_t step_kib(const struct bsched_domain *d,
			 const struct bsched_config *cfg)
{
	uint64_t s = bsched_max_u64(d->actual_kib / 100 * cfg->probe_step_pct,
				    cfg->probe_step_min_kib);

	s = bsched_max_u64(s, cfg->deadband_kib);

	s -= s % BSCHED_KIB_PER_PAGE;
	return bsched_max_u64(s, BSCHED_KIB_PER_PAGE);
}

/* Over the goal: the cap goes up by backoff_pct of what it holds, at once,
 * and again an interval later if PSI is still rising (avg10 decays over
 * tens of seconds: a falling one is the stall already answered). */
static void back_off(struct bsched_work *w, const struct bsched_config *cfg,
		     uint64_t now_ms)
{
	struct bsched_rec *rec = w->rec;
	uint64_t held_kib = w->dom->actual_kib;
	uint32_t psi = w->dom->stats.psi_some_avg10_centipct;
	uint64_t up_kib;
	bool again = rec->probe_raised_ms &&
		     now_ms - rec->probe_raised_ms < cfg->probe_hold_ms;

	rec->probe_hold_until_ms = now_ms + cfg->probe_hold_ms;
	if (!rec->probe_cap_kib)
		return;
	if (again && (now_ms - rec->probe_raised_ms < cfg->probe_interval_ms ||
		      psi <= rec->probe_raised_psi))
		return;
	up_kib = bsched_max_u64(held_kib / 100 * cfg->probe_backoff_pct,
				step_kib(w->dom, cfg));
	rec->probe_cap_kib = bsched_max_u64(rec->probe_cap_kib, held_kib) + up_kib;
	rec->probe_raised_ms = now_ms;
	rec->probe_raised_psi = psi;
	if (rec->probe_cap_kib >= w->alloc_hi_kib)
		lift(rec);
}

/* Pressure gone, hold over: lower the cap one step, unless the balloon has
 * yet to come down to the last one (the cap never runs ahead of it) or no
 * report was taken since the last step (each step is judged on its own
 * evidence, never two on one report). */
static enum bsched_probe step_down(struct bsched_work *w,
				   const struct bsched_config *cfg,
				   uint64_t now_ms)
{
	struct bsched_rec *rec = w->rec;
	const struct bsched_domain *d = w->dom;
	uint64_t base_kib = rec->probe_cap_kib ?
			    bsched_min_u64(rec->probe_cap_kib, d->actual_kib) :
			    d->actual_kib;
	uint64_t slack_kib = w->over_kib + bsched_at_target_slack_kib(cfg);

	if (base_kib <= w->alloc_lo_kib) {
		rec->probe_cap_kib = w->alloc_lo_kib;
		return BSCHED_PROBE_AT_FLOOR;
	}
	if (rec->probe_cap_kib && d->actual_kib > rec->probe_cap_kib + slack_kib)
		return BSCHED_PROBE_WAITING;
	if (rec->probe_cap_kib && d->stats.age_ms >= now_ms - rec->probe_step_ms)
		return BSCHED_PROBE_WAITING;
	if (rec->probe_cap_kib &&
	    now_ms - rec->probe_step_ms < cfg->probe_interval_ms)
		return BSCHED_PROBE_PROBING;
	rec->probe_cap_kib = bsched_max_u64(bsched_sub_sat(base_kib,
							   step_kib(d, cfg)),
					    w->alloc_lo_kib);
	rec->probe_step_ms = now_ms;
	return rec->probe_cap_kib == w->alloc_lo_kib ? BSCHED_PROBE_AT_FLOOR :
						       BSCHED_PROBE_PROBING;
}

static enum bsched_probe advance(struct bsched_work *w,
				 const struct bsched_config *cfg,
				 uint64_t now_ms)
{
	const struct bsched_domain *d = w->dom;
	struct bsched_rec *rec = w->rec;
	uint32_t psi;

	if (!d->probe) {
		lift(rec);
		return BSCHED_PROBE_OFF;
	}
	if (!has_psi(d)) {
		lift(rec);
		return BSCHED_PROBE_NO_PSI;
	}
	/* no evidence, no probing: the guest may be too starved to report */
	if (!w->reported) {
		lift(rec);
		return BSCHED_PROBE_STALE;
	}
	psi = d->stats.psi_some_avg10_centipct;
	/* the demand rule's pressure: it alone decides, at once */
	if (psi > cfg->psi_stall_centipct) {
		lift(rec);
		rec->probe_hold_until_ms = now_ms + cfg->probe_hold_ms;
		return BSCHED_PROBE_PRESSURE;
	}
	if (psi > cfg->probe_goal_centipct) {
		back_off(w, cfg, now_ms);
		return BSCHED_PROBE_BACKOFF;
	}
	if (now_ms < rec->probe_hold_until_ms)
		return BSCHED_PROBE_BACKOFF;
	return step_down(w, cfg, now_ms);
}

void bsched_probe_none(struct bsched_work *w)
{
	const struct bsched_domain *d = w->dom;

	w->probe = d->probe && d->managed ? BSCHED_PROBE_NO_PSI :
					    BSCHED_PROBE_OFF;
	lift(w->rec);
}

void bsched_probe_update(struct bsched_work *w, const struct bsched_config *cfg,
			 uint64_t now_ms)
{
	uint64_t cap_kib;

	w->probe = advance(w, cfg, now_ms);
	cap_kib = w->rec->probe_cap_kib;
	if (!cap_kib || cap_kib >= w->alloc_hi_kib)
		return;
	w->alloc_hi_kib = bsched_max_u64(cap_kib, w->alloc_lo_kib);
	w->probe_capped = true;
}
