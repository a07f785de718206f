// SPDX-License-Identifier: MIT
/*
 * The stuck monitor. A balloon that has a request pending (actual further
 * than the slack from its target) and has not moved progress_kib toward it
 * for stuck_after_ms is left out of the arithmetic; after
 * uncooperative_after_ms it is flagged. Hysteresis: the verdict stays until
 * the balloon moves progress_kib toward its target again (or reaches it),
 * so a stuck guest does not make the targets of the others oscillate
 * (squeezed's CA-115733). A balloon asked to grow while the host has
 * nothing free is not held to it: the memory it would take does not exist.
 */
#include "bsched_int.h"

static bool moved_toward(uint64_t ref_kib, uint64_t actual_kib,
			 uint64_t target_kib, uint64_t progress_kib)
{
	if (target_kib < ref_kib)
		return actual_kib + progress_kib <= ref_kib;
	if (target_kib > ref_kib)
		return actual_kib >= ref_kib + progress_kib;
	return false;
}

static void mark_progress(struct bsched_rec *rec, uint64_t actual_kib,
			  uint64_t now_ms)
{
	rec->ref_actual_kib = actual_kib;
	rec->progress_ms = now_ms;
	rec->stuck = false;
	rec->flagged = false;
}

void bsched_stuck_update(struct bsched_rec *rec, uint64_t actual_kib,
			 uint64_t target_kib, uint64_t host_free_kib,
			 const struct bsched_config *cfg, uint64_t now_ms)
{
	uint64_t slack_kib = bsched_at_target_slack_kib(cfg);
	uint64_t idle_ms;

	if (cfg->faults & BSCHED_FAULT_NO_STUCK_DETECTION) {
		mark_progress(rec, actual_kib, now_ms);
		return;
	}
	if (bsched_dist(actual_kib, target_kib) <= slack_kib ||
	    (target_kib > actual_kib && host_free_kib < cfg->progress_kib) ||
	    moved_toward(rec->ref_actual_kib, actual_kib, target_kib,
			 cfg->progress_kib)) {
		mark_progress(rec, actual_kib, now_ms);
		return;
	}
	idle_ms = now_ms - rec->progress_ms;
	if (idle_ms >= cfg->stuck_after_ms)
		rec->stuck = true;
	if (idle_ms >= cfg->uncooperative_after_ms)
		rec->flagged = true;
}
