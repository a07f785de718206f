// SPDX-License-Identifier: MIT
/*
 * The frontend's cycle: see bcycle.h.
 */
#include "bcycle.h"

bool bcore_settled(const struct bcore *c)
{
	return c->state == BALLAST_STATE_AT_TARGET ||
	       c->state == BALLAST_STATE_AT_FLOOR;
}

bool bcycle_begin(struct bcycle *y, const struct bcore *c, uint64_t now_ms,
		  bool kicked, uint32_t *elapsed_ms)
{
	uint64_t d = 0;
	bool read;

	if (y->started && now_ms > y->last_run_ms)
		d = now_ms - y->last_run_ms;
	*elapsed_ms = d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
	read = kicked || !y->started ||
	       (!bcore_settled(c) &&
		(now_ms < y->last_read_ms ||
		 now_ms - y->last_read_ms >= c->cfg.tick_ms));
	y->started = true;
	y->last_run_ms = now_ms;
	if (read)
		y->last_read_ms = now_ms;
	return read;
}

uint32_t bcycle_delay_ms(const struct bcore *c, uint32_t idle_ms)
{
	if (bcore_run_more(c))
		return 0;
	return bcore_settled(c) ? idle_ms : c->cfg.tick_ms;
}
