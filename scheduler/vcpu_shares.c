// SPDX-License-Identifier: MIT
/*
 * Processors under contention: the cap of online vCPUs is split by CPU
 * shares, one vCPU at a time to whoever has the least per share (a
 * highest-averages apportionment), so a domain with twice the shares ends
 * with twice the vCPUs whenever both want more than they get. The bulk of
 * it is handed out at once (the jump start below), the same vCPU for vCPU.
 */
#include "bsched_vcpu_int.h"

/*
 * The jump start's thresholds are num / SHARE_DEN. An increment of a domain
 * (its j-th vCPU, lo < j <= want) comes at (ideal + 1) / shares = j / shares:
 * the one-at-a-time loop is a merge of every domain's increasing sequence
 * of those, so what it hands out is always the smallest of them. Every
 * increment below a threshold, as long as they fit what is left, is a
 * prefix of that merge: handed out at once, the heap then picks the rest
 * exactly as before, fewer than one per domain when SHARE_DEN is finer
 * than any 1 / shares (shares <= 1,000,000 < 2^20).
 */
#define SHARE_DEN	(1ull << 20)
#define PRIORITY_MAX	4097ull		/* above any j / shares: j <= 4096 */

/* a goes before b: (ideal_a + 1) / shares_a < (ideal_b + 1) / shares_b */
static bool before(const struct bsched_vcpu_work *a,
		   const struct bsched_vcpu_work *b)
{
	uint64_t x = ((uint64_t)a->ideal + 1) * b->shares;
	uint64_t y = ((uint64_t)b->ideal + 1) * a->shares;

	if (x != y)
		return x < y;
	return a->domid < b->domid;
}

static void sift_down(const struct bsched_vcpu_work *w, size_t *heap,
		      size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i, t;

		if (l < n && before(&w[heap[l]], &w[heap[m]]))
			m = l;
		if (r < n && before(&w[heap[r]], &w[heap[m]]))
			m = r;
		if (m == i)
			return;
		t = heap[i];
		heap[i] = heap[m];
		heap[m] = t;
		i = m;
	}
}

/* @w's increments below num / SHARE_DEN, from its ideal (its lo). */
static uint32_t below(const struct bsched_vcpu_work *w, uint64_t num)
{
	/* j / shares < num / DEN  <=>  j <= (num * shares - 1) / DEN */
	uint64_t j = num ? (num * w->shares - 1) / SHARE_DEN : 0;

	if (j <= w->ideal)
		return 0;
	return (uint32_t)((j < w->want ? j : w->want) - w->ideal);
}

/* Increments below num / SHARE_DEN of the @h domains @heap names, or
 * more than @left as soon as they pass it. */
static uint64_t count_below(const struct bsched_vcpu_work *w, const size_t *heap,
			    size_t h, uint64_t num, uint64_t left)
{
	uint64_t sum = 0;

	for (size_t k = 0; k < h && sum <= left; k++)
		sum += below(&w[heap[k]], num);
	return sum;
}

/* Hands out at once every increment below the highest threshold whose
 * increments fit in *@left; the domains at their want leave @heap.
 * Returns the domains still in it. */
static size_t jump_start(struct bsched_vcpu_work *w, size_t *heap, size_t h,
			 uint64_t *left)
{
	uint64_t lo = 0, hi = PRIORITY_MAX * SHARE_DEN;
	size_t kept = 0;

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo + 1) / 2;

		if (count_below(w, heap, h, mid, *left) <= *left)
			lo = mid;
		else
			hi = mid - 1;
	}
	for (size_t k = 0; k < h; k++) {
		struct bsched_vcpu_work *d = &w[heap[k]];
		uint32_t more = below(d, lo);

		d->ideal += more;
		*left -= more;
		if (d->ideal < d->want)
			heap[kept++] = heap[k];
	}
	return kept;
}

int bsched_vcpu_share(struct bsched_vcpu_work *w, size_t n, uint32_t cap_vcpus,
		      size_t *heap, uint64_t *want_sum)
{
	uint64_t fixed = 0, wants = 0, los = 0, left;
	size_t i, h = 0;

	for (i = 0; i < n; i++) {
		if (w[i].fixed) {
			fixed += w[i].held;
		} else {
			wants += w[i].want;
			los += w[i].lo;
		}
	}
	*want_sum = fixed + wants;
	if (fixed + wants <= cap_vcpus) {
		for (i = 0; i < n; i++)
			w[i].ideal = w[i].fixed ? w[i].cur : w[i].want;
		return 0;
	}
	/* every managed domain keeps its lo, even past the cap */
	left = cap_vcpus > fixed + los ? cap_vcpus - fixed - los : 0;
	for (i = 0; i < n; i++) {
		if (w[i].fixed) {
			w[i].ideal = w[i].cur;
			continue;
		}
		w[i].ideal = w[i].lo;
		if (w[i].ideal < w[i].want)
			heap[h++] = i;
	}
	if (left > 0 && h > 0)
		h = jump_start(w, heap, h, &left);
	for (i = h; i-- > 0;)
		sift_down(w, heap, h, i);
	while (left > 0 && h > 0) {
		struct bsched_vcpu_work *top = &w[heap[0]];

		top->ideal++;
		left--;
		if (top->ideal >= top->want)
			heap[0] = heap[--h];
		sift_down(w, heap, h, 0);
	}
	for (i = 0; i < n; i++)
		if (!w[i].fixed && w[i].ideal < w[i].want)
			w[i].bound = BSCHED_VCPU_SHARES;
	return 1;
}
