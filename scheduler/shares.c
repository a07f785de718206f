// SPDX-License-Identifier: MIT
/*
 * Water-filling by shares. Each item gets clamp(base + lambda * shares, lo,
 * hi) with one lambda for all, the largest whose total fits the pool. With
 * base 0, lo = min and hi = demand this is min-funding revocation: memory
 * goes in proportion to shares, nobody drops below its min, nobody gets
 * more than it asks for. With base = lo = demand and hi = max it shares a
 * surplus out by shares.
 *
 * The total is piecewise linear in lambda; its breakpoints are where an
 * item enters or leaves its linear range. Sorting them and sweeping once
 * costs O(n log n).
 */
#include <stdlib.h>

#include "bsched_int.h"

static int cmp_event(const void *a, const void *b)
{
	const struct bsched_fill_event *ea = a, *eb = b;

	if (ea->lambda != eb->lambda)
		return ea->lambda < eb->lambda ? -1 : 1;
	return (int)ea->leaves - (int)eb->leaves;
}

static void fill_all(struct bsched_fill *items, size_t n, bool high)
{
	for (size_t i = 0; i < n; i++)
		items[i].out_kib = high ? items[i].hi_kib : items[i].lo_kib;
}

/* lambda at which the running total reaches the pool, by a sweep. */
static long double find_lambda(const struct bsched_fill *items, size_t n,
			       uint64_t pool_kib, struct bsched_fill_event *ev)
{
	size_t n_ev = 0, k;
	long double constant = 0, slope = 0, lambda;

	for (size_t i = 0; i < n; i++) {
		const struct bsched_fill *it = &items[i];
		long double enter;

		constant += it->lo_kib;
		if (it->lo_kib == it->hi_kib)
			continue;
		enter = it->lo_kib > it->base_kib ?
			(long double)(it->lo_kib - it->base_kib) / it->shares : 0;
		ev[n_ev++] = (struct bsched_fill_event) { enter, i, false };
		ev[n_ev++] = (struct bsched_fill_event) {
			(long double)(it->hi_kib - it->base_kib) / it->shares,
			i, true };
	}
	qsort(ev, n_ev, sizeof(*ev), cmp_event);

	/* total(lambda) = constant + slope * lambda between two events */
	for (k = 0; k < n_ev; k++) {
		const struct bsched_fill *it = &items[ev[k].item];
		long double at = constant + slope * ev[k].lambda;

		if (at >= pool_kib && slope > 0)
			break;
		if (!ev[k].leaves) {
			constant += (long double)it->base_kib - it->lo_kib;
			slope += it->shares;
		} else {
			constant += (long double)it->hi_kib - it->base_kib;
			slope -= it->shares;
		}
	}
	lambda = slope > 0 ? (pool_kib - constant) / slope : 0;
	return lambda < 0 ? 0 : lambda;
}

void bsched_water_fill(struct bsched_fill *items, size_t n,
		       uint64_t pool_kib, struct bsched_fill_event *ev)
{
	uint64_t sum_lo = 0, sum_hi = 0, total = 0, excess;
	long double lambda;

	for (size_t i = 0; i < n; i++) {
		sum_lo += items[i].lo_kib;
		sum_hi += items[i].hi_kib;
	}
	if (pool_kib <= sum_lo || pool_kib >= sum_hi) {
		fill_all(items, n, pool_kib >= sum_hi);
		return;
	}
	lambda = find_lambda(items, n, pool_kib, ev);
	for (size_t i = 0; i < n; i++) {
		struct bsched_fill *it = &items[i];
		long double want = it->base_kib + lambda * it->shares;
		uint64_t v = want >= (long double)it->hi_kib ? it->hi_kib :
			     (uint64_t)want;

		it->out_kib = bsched_clamp_u64(v, it->lo_kib, it->hi_kib);
		total += it->out_kib;
	}
	/* rounding of lambda can overshoot by a few KiB: take them back */
	excess = bsched_sub_sat(total, pool_kib);
	for (size_t i = 0; i < n && excess; i++) {
		uint64_t give = bsched_min_u64(excess,
				items[i].out_kib - items[i].lo_kib);

		items[i].out_kib -= give;
		excess -= give;
	}
}
