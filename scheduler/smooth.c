// SPDX-License-Identifier: MIT
/*
 * From ideal to the target issued now (POLICY.md, "Smoothing" and "Shrink
 * before grow"): the deadband and the step limit, then growth held until
 * the shrinks have freed the memory it needs.
 */
#include "bsched_int.h"

/* A cooperating balloon whose target this tick moves (not held stuck). */
static bool steered(const struct bsched_work *w)
{
	return w->part && !w->stuck;
}

/*
 * Deadband and step limit: the target to issue now on the way to the ideal;
 * *@held_by is set to the rule that held it back, if one did. Changes below
 * the deadband are not issued, unless they are shrinks and memory is short:
 * the deadband must never keep a reservation, the slush or a waiting growth
 * short.
 */
static uint64_t smoothed_kib(const struct bsched_work *w,
			     const struct bsched_config *cfg,
			     bool short_of_memory, enum bsched_bound *held_by)
{
	uint64_t dist = bsched_dist(w->ideal_kib, w->cur_kib);
	bool shrink = w->ideal_kib < w->cur_kib;

	if (dist == 0)
		return w->ideal_kib;
	/* nor may it keep a balloon below its lower bound */
	if (!(cfg->faults & BSCHED_FAULT_NO_DEADBAND) &&
	    dist < cfg->deadband_kib && !(shrink && short_of_memory) &&
	    w->cur_kib >= w->lo_kib) {
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

/*
 * Would the targets smoothed with @short_of_memory grow a balloon with
 * memory that is not free yet? The need counts from actual even for a
 * balloon resting above its target: it compares pages that must move with
 * pages that are free.
 */
static bool growth_waits(const struct bsched_snapshot *snap,
			 const struct bsched_config *cfg,
			 const struct bsched_work *work,
			 const struct bsched_result *answered,
			 bool short_of_memory)
{
	uint64_t need = 0;
	bool any_growth = false;

	if (cfg->faults & BSCHED_FAULT_NO_TWO_PHASE)
		return false;
	for (size_t i = 0; i < snap->n_domains; i++) {
		const struct bsched_work *w = &work[i];
		enum bsched_bound held_by;
		uint64_t cand_kib;

		if (!steered(w))
			continue;
		cand_kib = smoothed_kib(w, cfg, short_of_memory, &held_by);
		need += bsched_sub_sat(cand_kib, w->dom->actual_kib);
		any_growth |= cand_kib > w->cur_kib;
	}
	return any_growth && need > bsched_avail_kib(snap, cfg, answered);
}

/* The growers keep their target and wait for the shrinkers. */
static void hold_growth(size_t n, struct bsched_work *work)
{
	for (size_t i = 0; i < n; i++) {
		struct bsched_work *w = &work[i];

		if (steered(w) && w->cand_kib > w->cur_kib) {
			w->cand_kib = w->cur_kib;
			w->bound = BSCHED_BOUND_GROWTH_DEFERRED;
		}
	}
}

bool bsched_smooth(const struct bsched_snapshot *snap,
		   const struct bsched_config *cfg, struct bsched_work *work,
		   const struct bsched_result *answered, uint64_t pool)
{
	size_t n = snap->n_domains;
	uint64_t sum_cur = 0;
	bool short_of_memory, deferred;

	/* where the balloons land on their current targets: a stuck one
	 * where it is held on the side it is stuck on, not its held target */
	for (size_t i = 0; i < n; i++)
		if (work[i].part)
			sum_cur += bsched_clamp_u64(bsched_landing_of_cur_kib(&work[i]),
						    work[i].alloc_lo_kib,
						    work[i].alloc_hi_kib);

	/* memory is short when the current targets do not fit, or when a
	 * growth waits for it: the plan counts on the memory the shrinks free,
	 * so none of them may be held back by the deadband (it would never be
	 * freed, and the growth would wait for ever; POLICY.md, "Smoothing") */
	short_of_memory = sum_cur > pool ||
			  growth_waits(snap, cfg, work, answered, false);
	for (size_t i = 0; i < n; i++)
		if (steered(&work[i]))
			work[i].cand_kib = smoothed_kib(&work[i], cfg,
							short_of_memory,
							&work[i].bound);
	deferred = growth_waits(snap, cfg, work, answered, short_of_memory);
	if (deferred)
		hold_growth(n, work);
	return deferred;
}
