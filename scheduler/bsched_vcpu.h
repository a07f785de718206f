/* SPDX-License-Identifier: MIT */
/*
 * bsched_vcpu: ballast's processor policy, a pure library beside the memory
 * policy (bsched.h) and independent of it: its own snapshot, state and
 * result. One call per tick: the host's pCPU count, each domain's vCPU
 * subscription, what Xen says is online and the guest's CPU evidence go in;
 * a vCPU target for every domain comes out. The caller applies a target as
 * cpu/0..k-1/availability = online and the rest offline, in one
 * transaction (xenstore-schema/SCHEMA.md, "vCPUs"). No I/O, no clock.
 *
 * Rules: scheduler/POLICY.md, "Processors". Invariants for every domain:
 *   1 <= target_vcpus             (vCPU 0 is never offline)
 *   target_vcpus <= maxvcpus
 * and for every domain the policy changes:
 *   vcpus_min <= target_vcpus <= vcpus_max  (clamped to [1, maxvcpus]).
 */
#ifndef BSCHED_VCPU_H
#define BSCHED_VCPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The guest's CPU evidence (data/ballast/), already validated. */
struct bsched_vcpu_stats {
	bool present;			/* a valid report with CPU evidence */
	uint64_t age_ms;		/* now_ms - time of that report */
	uint32_t psi_cpu_some_avg10_centipct;
	uint32_t load_avg1_centi;	/* 1-minute load average x 100 */
	uint32_t runnable;		/* tasks runnable now */
	/* steal as a share of the online vCPUs' time since the previous
	 * report, computed by the caller from two cumulative DATA/steal */
	uint32_t steal_centipct;
	uint64_t offline_refusals;	/* DATA/cpu-offline-refusals */
};

struct bsched_vcpu_domain {
	uint32_t domid;
	/* the host switch, POLICY/vcpu-scaling, and PV or PVH (ballastd
	 * leaves HVM counts alone): false keeps the count */
	bool enabled;
	bool has_frontend;	/* ballast.ko or ballast-agent reports */
	/* the subscription */
	uint32_t vcpus_min;	/* >= 1 */
	uint32_t vcpus_max;	/* >= vcpus_min */
	uint32_t shares;	/* CPU shares, >= 1 */
	/* what Xen and xenstore say */
	uint32_t maxvcpus;	/* max_vcpu_id + 1, fixed at creation, >= 1 */
	uint32_t online_vcpus;	/* vCPUs Xen reports online (xc_vcpu_getinfo) */
	/* online nodes in cpu/N/availability now, counted from vCPU 0
	 * (0: not known, taken as online_vcpus); restart resumes from here */
	uint32_t target_vcpus;
	struct bsched_vcpu_stats stats;
};

struct bsched_vcpu_snapshot {
	uint64_t now_ms;
	uint32_t host_pcpus;	/* physical CPUs the guests run on, >= 1 */
	const struct bsched_vcpu_domain *domains;
	size_t n_domains;
};

struct bsched_vcpu_config {
	/* contention: the online vCPUs of all domains may sum to at most
	 * host_pcpus * overcommit_pct / 100 */
	uint32_t overcommit_pct;
	/* demand (hysteresis: lower < fit < raise) */
	uint32_t raise_load_pct;	/* load per online vCPU above: raise */
	uint32_t fit_load_pct;		/* a new count puts the load here */
	uint32_t lower_load_pct;	/* below (and PSI low): lower */
	uint32_t raise_psi_centipct;	/* PSI cpu some at or above: raise */
	uint32_t lower_psi_centipct;	/* below (and load low): may lower */
	uint32_t steal_max_centipct;	/* steal at or above: no raise */
	uint64_t stats_stale_ms;	/* older evidence: count kept */
	/* anti-flap */
	uint64_t cooldown_ms;		/* no reversal this soon after a change */
	/* the adaptive step (the seed's rate control) */
	uint32_t step_max;		/* most vCPUs one change may move */
	uint64_t settle_ms;		/* a change not seen in Xen by then: refused */
	uint64_t backoff_ms;		/* first hold on lowering after a refusal */
	uint64_t backoff_max_ms;	/* doubling stops here */
};

/* Which rule decided a domain's vCPU target (for `ballastctl explain`). */
enum bsched_vcpu_bound {
	BSCHED_VCPU_DISABLED = 0,	/* scaling off (host, domain, or HVM) */
	BSCHED_VCPU_NO_FRONTEND,	/* no ballast frontend: count kept */
	BSCHED_VCPU_UNREPORTED,		/* no fresh CPU evidence: count kept */
	BSCHED_VCPU_HOLD,		/* evidence between the thresholds */
	BSCHED_VCPU_RAISE,		/* pressure: raised to fit the load */
	BSCHED_VCPU_LOWER,		/* idle: lowered to fit the load */
	BSCHED_VCPU_MIN,		/* held at (or raised to) vcpus-min */
	BSCHED_VCPU_MAX,		/* capped at vcpus-max (or maxvcpus) */
	BSCHED_VCPU_STEAL,		/* pressure, but the host steals: held */
	BSCHED_VCPU_COOLDOWN,		/* a reversal too soon after a change */
	BSCHED_VCPU_BACKOFF,		/* lowering held after a refusal */
	BSCHED_VCPU_SHARES,		/* contention: its share of the pCPUs */
	BSCHED_VCPU_STEP,		/* moved by the adaptive step only */
	BSCHED_VCPU_PENDING,		/* the last change has not landed yet */
	BSCHED_VCPU__COUNT
};

struct bsched_vcpu_decision {
	uint32_t domid;
	uint32_t target_vcpus;	/* cpu/0..target-1 online after this tick */
	bool target_changed;	/* differs from what is in xenstore now:
				 * write it; never for a fixed domain */
	uint32_t want_vcpus;	/* what the evidence asks for, clamped */
	uint32_t ideal_vcpus;	/* after contention, before the step */
	uint32_t step_vcpus;	/* the adaptive step now */
	bool refused;		/* the guest refused a change this tick */
	enum bsched_vcpu_bound bound;
};

struct bsched_vcpu_result {
	struct bsched_vcpu_decision *decisions;	/* snapshot order */
	size_t n_decisions;
	uint32_t cap_vcpus;	/* host_pcpus * overcommit_pct / 100 */
	uint64_t want_vcpus;	/* sum of what the domains hold or want */
	bool contended;		/* want_vcpus > cap_vcpus: shares decided */
};

struct bsched_vcpu_state;

/* Production defaults; documented in scheduler/POLICY.md, "Processors". */
void bsched_vcpu_config_defaults(struct bsched_vcpu_config *cfg);

/* Returns 0, or -1 and sets *why to a static reason. */
int bsched_vcpu_config_validate(const struct bsched_vcpu_config *cfg,
				const char **why);

/* Returns NULL only when out of memory. */
struct bsched_vcpu_state *bsched_vcpu_state_new(void);
void bsched_vcpu_state_free(struct bsched_vcpu_state *st);

/*
 * One processor-policy iteration. Fills @out (bsched_vcpu_result_free()
 * after). Domains missing from @snap are forgotten. Returns 0; -EINVAL for
 * an invalid snapshot or config (duplicate domid, vcpus_min > vcpus_max,
 * a zero count or share, no pCPUs, time going backwards); -ENOMEM. On
 * error @out is empty and the state unchanged. O(n log n) for n domains,
 * whatever the cap (POLICY.md, "Processors", Cost).
 */
int bsched_vcpu_tick(struct bsched_vcpu_state *st,
		     const struct bsched_vcpu_config *cfg,
		     const struct bsched_vcpu_snapshot *snap,
		     struct bsched_vcpu_result *out);

void bsched_vcpu_result_free(struct bsched_vcpu_result *out);

const char *bsched_vcpu_bound_str(enum bsched_vcpu_bound b);	/* "raise", ... */

#endif /* BSCHED_VCPU_H */
