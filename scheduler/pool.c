// SPDX-License-Identifier: MIT
/*
 * The pool arithmetic (POLICY.md, "The pool"): the slush, the memory the
 * reservations hold, the pool the balloons share, and where a balloon
 * lands (its learned overshoot). Used by the allocation (tick.c), shrink
 * before grow (smooth.c) and the reservation answers (reserve.c).
 */
#include "bsched_int.h"

uint64_t bsched_slush_kib(const struct bsched_config *cfg)
{
	return (cfg->faults & BSCHED_FAULT_NO_SLUSH) ? 0 : cfg->slush_kib;
}

/*
 * Real balloons come to rest a little above the target they shrink to
 * (whole pages; the stock balloon and the agent stop short). The policy
 * plans where each balloon lands and asks a shrinking one for its
 * overshoot less, so that it lands where planned: the memory is free at
 * the first landing, with no tail of sub-deadband shrinks (POLICY.md,
 * "Inaccuracy compensation"). The overshoot is learned when the balloon,
 * moving down, comes within the slack above its target (or reaches it):
 * not while it has yet to move toward a new one.
 */
void bsched_overshoot_update(struct bsched_work *w,
			     const struct bsched_config *cfg)
{
	struct bsched_rec *rec = w->rec;
	uint64_t actual_kib = w->dom->actual_kib;

	if (actual_kib < rec->prev_actual_kib && actual_kib >= w->cur_kib &&
	    actual_kib - w->cur_kib <= bsched_at_target_slack_kib(cfg))
		rec->over_kib = actual_kib - w->cur_kib;
	else if (actual_kib < rec->prev_actual_kib && actual_kib < w->cur_kib)
		rec->over_kib = 0;
	rec->prev_actual_kib = actual_kib;
	w->over_kib = (cfg->faults & BSCHED_FAULT_NO_INACCURACY_COMPENSATION) ?
		      0 : rec->over_kib;
	/* shrinking to lo (or hi), it lands its overshoot above */
	w->alloc_lo_kib = w->lo_kib + w->over_kib;
	w->alloc_hi_kib = bsched_max_u64(w->hi_kib, w->alloc_lo_kib);
}

uint64_t bsched_landing_of_cur_kib(const struct bsched_work *w)
{
	uint64_t actual_kib = w->dom->actual_kib;

	if (w->cur_kib >= actual_kib)
		return w->cur_kib;
	return bsched_min_u64(w->cur_kib + w->over_kib, actual_kib);
}

/* A balloon below its lower bound may be planned short of it when the pool
 * is (allocate.c), never below its current target. */
void bsched_target_of_landing(struct bsched_work *w)
{
	uint64_t target_kib = w->ideal_kib;

	if (target_kib < w->dom->actual_kib)
		target_kib = bsched_sub_sat(target_kib, w->over_kib);
	w->ideal_kib = bsched_clamp_u64(target_kib,
					bsched_min_u64(w->lo_kib, w->cur_kib),
					w->hi_kib);
}

uint64_t bsched_reserved_kib(const struct bsched_result *answered)
{
	uint64_t held = 0;

	for (size_t i = 0; i < answered->n_answers; i++)
		held += answered->answers[i].held_kib;
	return held;
}

uint64_t bsched_avail_kib(const struct bsched_snapshot *snap,
			  const struct bsched_config *cfg,
			  const struct bsched_result *answered)
{
	return bsched_sub_sat(bsched_host_free_kib(&snap->host),
			      bsched_slush_kib(cfg) +
			      bsched_reserved_kib(answered));
}

/* The balloons share what they hold and what is free; balloon-less and
 * unmanaged domains keep what they hold: it is simply not in the pool. */
uint64_t bsched_pool_kib(const struct bsched_snapshot *snap,
			 const struct bsched_config *cfg,
			 const struct bsched_work *work,
			 const struct bsched_result *answered)
{
	uint64_t pool = bsched_host_free_kib(&snap->host);

	for (size_t i = 0; i < snap->n_domains; i++)
		if (work[i].part)
			pool += work[i].dom->actual_kib;
	return bsched_sub_sat(pool, bsched_slush_kib(cfg) +
				    bsched_reserved_kib(answered));
}
