// SPDX-License-Identifier: MIT
/*
 * The pool arithmetic (POLICY.md, "The pool"): what a balloon holds for the
 * arithmetic, the slush, the memory the reservations hold, and the pool the
 * cooperating balloons share. Used by the allocation (tick.c), shrink before
 * grow (smooth.c) and the reservation answers (reserve.c).
 */
#include "ballast_schema.h"
#include "bsched_int.h"

uint64_t bsched_slush_kib(const struct bsched_config *cfg)
{
	return (cfg->faults & BSCHED_FAULT_NO_SLUSH) ? 0 : cfg->slush_kib;
}

/*
 * One resting above its target by no more than the at-target slack (whole
 * pages, a balloon that stops short) will not give that overshoot back, so
 * it counts as holding its target: counted by actual, the overshoot would be
 * handed out again as targets (POLICY.md, "Inaccuracy compensation").
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

uint64_t bsched_reserved_kib(const struct bsched_snapshot *snap,
			     const struct bsched_result *answered)
{
	uint64_t held = 0;

	for (size_t i = 0; i < answered->n_answers; i++)
		if (answered->answers[i].status != BALLAST_RES_IMPOSSIBLE)
			held += snap->reservations[i].size_kib;
	return held;
}

uint64_t bsched_avail_kib(const struct bsched_snapshot *snap,
			  const struct bsched_config *cfg,
			  const struct bsched_result *answered)
{
	return bsched_sub_sat(bsched_host_free_kib(&snap->host),
			      bsched_slush_kib(cfg) +
			      bsched_reserved_kib(snap, answered));
}

/* Stuck, balloon-less and unmanaged domains keep what they hold: it is
 * simply not in the pool. */
uint64_t bsched_pool_kib(const struct bsched_snapshot *snap,
			 const struct bsched_config *cfg,
			 const struct bsched_work *work,
			 const struct bsched_result *answered)
{
	uint64_t pool = bsched_host_free_kib(&snap->host);

	for (size_t i = 0; i < snap->n_domains; i++)
		if (work[i].part)
			pool += bsched_held_kib(&work[i], cfg);
	return bsched_sub_sat(pool, bsched_slush_kib(cfg) +
				    bsched_reserved_kib(snap, answered));
}
