/* SPDX-License-Identifier: MIT */
/*
 * bsched_vcpu internals shared by vcpu.c and vcpu_shares.c. Not installed;
 * callers use bsched_vcpu.h only.
 */
#ifndef BSCHED_VCPU_INT_H
#define BSCHED_VCPU_INT_H

#include "bsched_vcpu.h"

/* One domain's working values during a processor tick. */
struct bsched_vcpu_work {
	uint32_t domid;
	uint32_t shares;
	uint32_t lo, hi;	/* effective [vcpus-min, vcpus-max] */
	uint32_t cur;		/* the target in xenstore now */
	uint32_t held;		/* what it holds: max(cur, online) */
	uint32_t want;		/* what the evidence asks for, in [lo, hi] */
	uint32_t ideal;		/* after contention */
	bool fixed;		/* count kept: not the policy's to change */
	enum bsched_vcpu_bound bound;
};

/*
 * Contention (POLICY.md, "Processors"): when the fixed domains' holdings
 * plus every managed domain's want exceed @cap_vcpus, each managed domain
 * keeps its lo and the rest of the cap goes one vCPU at a time to the
 * domain with the smallest (ideal + 1) / shares (ties: lower domid), never
 * above its want. Otherwise ideal = want. Sets ideal (and bound SHARES
 * where the share is below the want) of every managed entry, and
 * *@want_sum. Returns 1 if shares decided, 0 if everyone got its want.
 * @heap has room for @n indices.
 */
int bsched_vcpu_share(struct bsched_vcpu_work *w, size_t n, uint32_t cap_vcpus,
		      size_t *heap, uint64_t *want_sum);

#endif /* BSCHED_VCPU_INT_H */
