// SPDX-License-Identifier: MIT
/*
 * Processors under contention: the cap of online vCPUs is split by CPU
 * shares, one vCPU at a time to whoever has the least per share (a
 * highest-averages apportionment), so a domain with twice the shares ends
 * with twice the vCPUs whenever both want more than they get.
 */
#include "bsched_vcpu_int.h"

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
