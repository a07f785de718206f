/* SPDX-License-Identifier: MIT */
/*
 * The frontend's cycle, for both frontends: when to read memory/ballast,
 * the elapsed time the core's budget refills by, and when to run next.
 * The caller reads the clock and passes now_ms; nothing here sleeps.
 *
 *	if (bcycle_begin(&y, &core, now_ms, kicked, &elapsed_ms))
 *		read memory/ballast, bctl_apply(), bctl_apply_rates();
 *	bcore_run_begin(&core, elapsed_ms, ...) ... bcore_run_end(&core);
 *	report (breport_next() / breport_result());
 *	sleep bcycle_delay_ms(&core, idle_ms) or until kicked.
 */
#ifndef BCYCLE_H
#define BCYCLE_H

#include "bcore.h"

struct bcycle {
	uint64_t last_run_ms;	/* of the previous run */
	uint64_t last_read_ms;	/* memory/ballast last read */
	bool started;		/* a run happened */
};

/* At target or at the floor: nothing to move, sample at idle_ms. */
bool bcore_settled(const struct bcore *c);

/*
 * A run starts at @now_ms; @kicked: memory/ballast changed (watch event,
 * resume). Returns true when memory/ballast is to be read now: kicked, the
 * first run, or not settled and a tick since the last read (a lost watch
 * event must not stall the balloon). Sets *@elapsed_ms since the previous
 * run (0 for the first, or if the clock went back).
 */
bool bcycle_begin(struct bcycle *y, const struct bcore *c, uint64_t now_ms,
		  bool kicked, uint32_t *elapsed_ms);

/*
 * The run ended: ms until the next. 0 when it stopped at the batch bound
 * with budget left, cfg.tick_ms while not settled, @idle_ms at rest.
 */
uint32_t bcycle_delay_ms(const struct bcore *c, uint32_t idle_ms);

#endif /* BCYCLE_H */
