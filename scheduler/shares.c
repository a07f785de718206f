// SPDX-License-Identifier: MIT
/*
 * Water-filling by shares. Each item gets clamp(base + lambda * shares, lo,
 * hi) with one lambda for all, the largest whose total fits the pool. With
 * base = lo = min and hi = demand the min is guaranteed and what lies above
 * the mins goes in proportion to shares, nobody getting more than it asks
 * for. With base = lo = demand and hi = max it shares a surplus out by
 * shares (POLICY.md, "Sharing").
 *
 * The total is piecewise linear in lambda; its breakpoints are where an
 * item enters or leaves its linear range. Ordering them (a radix sort:
 * the decision must stay within milliseconds for 10,000 domains) and
 * sweeping once finds lambda; overall O(n log n) at worst, O(n) here.
 */
#include <string.h>

#include "bsched_int.h"

#define RADIX_BITS	8
#define RADIX_BUCKETS	(1u << RADIX_BITS)

static uint64_t lambda_key(double lambda)
{
	uint64_t key;

	/* non-negative IEEE doubles order like their bit patterns */
	memcpy(&key, &lambda, sizeof(key));
	return key;
}

static double key_lambda(uint64_t key)
{
	double lambda;

	memcpy(&lambda, &key, sizeof(lambda));
	return lambda;
}

/* LSD radix sort by key, stable; the result ends in @ev. */
static void sort_events(struct bsched_fill_event *ev,
			struct bsched_fill_event *tmp, size_t n)
{
	struct bsched_fill_event *src = ev, *dst = tmp, *swap;

	for (unsigned int shift = 0; shift < 64; shift += RADIX_BITS) {
		size_t count[RADIX_BUCKETS] = { 0 }, pos = 0;

		for (size_t i = 0; i < n; i++)
			count[(src[i].key >> shift) & (RADIX_BUCKETS - 1)]++;
		if (count[(src[0].key >> shift) & (RADIX_BUCKETS - 1)] == n)
			continue;	/* all alike in this digit */
		for (unsigned int b = 0; b < RADIX_BUCKETS; b++) {
			size_t c = count[b];

			count[b] = pos;
			pos += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[count[(src[i].key >> shift) & (RADIX_BUCKETS - 1)]++] = src[i];
		swap = src;
		src = dst;
		dst = swap;
	}
	if (src != ev)
		memcpy(ev, src, n * sizeof(*ev));
}

static void fill_all(struct bsched_fill *items, size_t n, bool high)
{
	for (size_t i = 0; i < n; i++)
		items[i].out_kib = high ? items[i].hi_kib : items[i].lo_kib;
}

/* lambda at which the running total reaches the pool, by a sweep. */
static long double find_lambda(const struct bsched_fill *items, size_t n,
			       uint64_t pool_kib, struct bsched_fill_event *ev,
			       struct bsched_fill_event *tmp)
{
	size_t n_ev = 0, k;
	long double constant = 0, slope = 0;

	/* total(lambda) = constant + slope * lambda between two events */
	for (size_t i = 0; i < n; i++) {
		const struct bsched_fill *it = &items[i];

		constant += it->lo_kib;
		if (it->lo_kib == it->hi_kib)
			continue;
		if (it->lo_kib > it->base_kib) {
			ev[n_ev++] = (struct bsched_fill_event) {
				lambda_key((double)(it->lo_kib - it->base_kib) /
					   it->shares), (uint32_t)i, false };
		} else {
			/* linear from lambda = 0 on: no event to sort */
			constant += (long double)it->base_kib - it->lo_kib;
			slope += it->shares;
		}
		ev[n_ev++] = (struct bsched_fill_event) {
			lambda_key((double)(it->hi_kib - it->base_kib) /
				   it->shares), (uint32_t)i, true };
	}
	if (n_ev)
		sort_events(ev, tmp, n_ev);

	for (k = 0; k < n_ev; k++) {
		const struct bsched_fill *it = &items[ev[k].item];
		long double lambda = key_lambda(ev[k].key);

		if (slope > 0 && constant + slope * lambda >= pool_kib)
			break;
		if (!ev[k].leaves) {
			constant += (long double)it->base_kib - it->lo_kib;
			slope += it->shares;
		} else {
			constant += (long double)it->hi_kib - it->base_kib;
			slope -= it->shares;
		}
	}
	if (slope <= 0)
		return 0;
	return pool_kib > constant ? (pool_kib - constant) / slope : 0;
}

void bsched_water_fill(struct bsched_fill *items, size_t n,
		       uint64_t pool_kib, struct bsched_fill_event *ev,
		       struct bsched_fill_event *tmp)
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
	lambda = find_lambda(items, n, pool_kib, ev, tmp);
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
