// SPDX-License-Identifier: MIT
/*
 * The stuck monitor, per direction (POLICY.md, "Stuck monitor"). A balloon
 * that has a request pending (actual further than the slack from its
 * target) and has not moved progress_kib toward it for stuck_after_ms is
 * stuck in that direction: it cannot shrink (STUCK_DOWN) or cannot grow
 * (STUCK_UP). After uncooperative_after_ms it is flagged. A stuck balloon
 * takes part in the allocation bounded by what it holds on the side it
 * cannot move to, so the others' targets do not depend on it (squeezed's
 * CA-115733), and its target is held; a request in the other direction, or
 * one it can serve, re-admits it (bsched_stuck_readmit). The verdict
 * otherwise lasts until it moves progress_kib toward its target or reaches
 * it; time alone re-admits nobody. A new request (its direction changes)
 * restarts the clock. A balloon asked to grow while the host has nothing
 * free is not held to it: the memory it would take does not exist.
 */
#include "bsched_int.h"

static int request_dir(uint64_t actual_kib, uint64_t target_kib,
		       uint64_t slack_kib)
{
	if (bsched_dist(actual_kib, target_kib) <= slack_kib)
		return 0;
	return target_kib > actual_kib ? 1 : -1;
}

static bool moved_toward(uint64_t ref_kib, uint64_t actual_kib, int dir,
			 uint64_t progress_kib)
{
	if (dir < 0)
		return actual_kib + progress_kib <= ref_kib;
	return actual_kib >= ref_kib + progress_kib;
}

static void restart_clock(struct bsched_rec *rec, uint64_t actual_kib,
			  uint64_t now_ms)
{
	rec->ref_actual_kib = actual_kib;
	rec->progress_ms = now_ms;
}

static void clear_dir(struct bsched_rec *rec, int dir)
{
	rec->stuck_dirs &= (uint8_t)~(dir < 0 ? BSCHED_STUCK_DOWN :
						BSCHED_STUCK_UP);
}

static void mark_progress(struct bsched_rec *rec, uint64_t actual_kib,
			  uint64_t now_ms)
{
	restart_clock(rec, actual_kib, now_ms);
	rec->stuck_dirs = 0;
	rec->flagged = false;
}

void bsched_stuck_update(struct bsched_rec *rec, uint64_t actual_kib,
			 uint64_t target_kib, uint64_t host_free_kib,
			 const struct bsched_config *cfg, uint64_t now_ms)
{
	int dir = request_dir(actual_kib, target_kib,
			      bsched_at_target_slack_kib(cfg));
	uint64_t idle_ms;

	if ((cfg->faults & BSCHED_FAULT_NO_STUCK_DETECTION) || dir == 0) {
		mark_progress(rec, actual_kib, now_ms);
		rec->req_dir = 0;
		return;
	}
	if (rec->req_dir && dir != rec->req_dir) {
		/* a request the other way: a new chance (at target, the clock
		 * has just restarted anyway) */
		restart_clock(rec, actual_kib, now_ms);
	}
	rec->req_dir = (int8_t)dir;
	if (moved_toward(rec->ref_actual_kib, actual_kib, dir, cfg->progress_kib) ||
	    (dir > 0 && host_free_kib < cfg->progress_kib)) {
		restart_clock(rec, actual_kib, now_ms);
		clear_dir(rec, dir);
		if (!rec->stuck_dirs)
			rec->flagged = false;
		return;
	}
	idle_ms = now_ms - rec->progress_ms;
	if (idle_ms >= cfg->stuck_after_ms)
		rec->stuck_dirs |= dir < 0 ? BSCHED_STUCK_DOWN : BSCHED_STUCK_UP;
	if (idle_ms >= cfg->uncooperative_after_ms)
		rec->flagged = true;
}

void bsched_stuck_bounds(struct bsched_work *w)
{
	uint64_t held_kib = bsched_clamp_u64(w->dom->actual_kib, w->lo_kib,
					     w->hi_kib);

	if (w->rec->stuck_dirs & BSCHED_STUCK_DOWN)
		w->alloc_lo_kib = bsched_max_u64(w->alloc_lo_kib, held_kib);
	if (w->rec->stuck_dirs & BSCHED_STUCK_UP)
		w->alloc_hi_kib = bsched_max_u64(held_kib, w->alloc_lo_kib);
}

void bsched_stuck_readmit(struct bsched_work *w, uint64_t now_ms)
{
	struct bsched_rec *rec = w->rec;
	uint64_t actual_kib = w->dom->actual_kib;
	bool down = rec->stuck_dirs & BSCHED_STUCK_DOWN;
	bool up = rec->stuck_dirs & BSCHED_STUCK_UP;

	if (down && w->ideal_kib > w->alloc_lo_kib) {
		/* it need not shrink: its held target comes back to what it
		 * holds, and it moves from there */
		clear_dir(rec, -1);
		w->cur_kib = bsched_max_u64(w->cur_kib, w->alloc_lo_kib);
		restart_clock(rec, actual_kib, now_ms);
	}
	if (up && w->ideal_kib < w->alloc_hi_kib) {
		clear_dir(rec, 1);
		w->cur_kib = bsched_min_u64(w->cur_kib, w->alloc_hi_kib);
		restart_clock(rec, actual_kib, now_ms);
	}
	w->stuck = rec->stuck_dirs != 0;
	if (w->stuck) {
		w->bound = BSCHED_BOUND_STUCK;
		w->cand_kib = w->cur_kib;
	}
}
