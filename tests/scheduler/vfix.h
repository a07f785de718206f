/* SPDX-License-Identifier: MIT */
/*
 * A small host for the processor-policy tests: domains with a vCPU
 * subscription, a clock, and guests that bring their online count to the
 * target at once (vfix_settle), unless told to refuse.
 */
#ifndef BSCHED_TEST_VFIX_H
#define BSCHED_TEST_VFIX_H

#include "bsched_vcpu.h"

#define VFIX_MAX_DOMS	64
#define VFIX_TICK_MS	1000ULL

struct vfix {
	struct bsched_vcpu_config cfg;
	struct bsched_vcpu_state *st;
	struct bsched_vcpu_domain d[VFIX_MAX_DOMS];
	uint32_t floor[VFIX_MAX_DOMS];	/* refuses to go below, 0: none */
	size_t n;
	uint32_t pcpus;
	uint64_t now_ms;
	struct bsched_vcpu_result res;
	bool have_res;
};

void vfix_init(struct vfix *f, uint32_t pcpus);
void vfix_fini(struct vfix *f);
/* An enabled domain with a frontend and a fresh idle report, at @online. */
struct bsched_vcpu_domain *vfix_dom(struct vfix *f, uint32_t domid,
				    uint32_t vmin, uint32_t vmax,
				    uint32_t maxvcpus, uint32_t online);
/* The guest's evidence: load average x 100, PSI cpu some, runnable. */
void vfix_load(struct bsched_vcpu_domain *d, uint32_t load_centi,
	       uint32_t psi_centipct, uint32_t runnable);
/* One tick at now_ms (then the clock advances); publishes the targets. */
int vfix_tick(struct vfix *f);
/* Guests follow the published target, down to their floor; a guest held
 * by its floor counts one more offline refusal. */
void vfix_settle(struct vfix *f);
/* vfix_tick + vfix_settle, @n times; returns the first error. */
int vfix_run(struct vfix *f, int n);
const struct bsched_vcpu_decision *vfix_dec(const struct vfix *f,
					    uint32_t domid);

#endif /* BSCHED_TEST_VFIX_H */
