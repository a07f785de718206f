/* SPDX-License-Identifier: MIT */
/*
 * A domain's processors (ballastd-vcpu.c): what Xen has online, the count
 * in cpu/N/availability, its vCPU subscription, the guest's CPU evidence
 * in the processor policy's terms, and the write of a new count, every
 * cpu/N/availability node in one transaction as libxl_set_vcpuonline()
 * does (xenstore-schema/SCHEMA.md, "vCPUs"). PV and PVH only: an HVM
 * guest would need QEMU's cpu-add as well, so its count is left alone.
 */
#ifndef BALLASTD_VCPU_H
#define BALLASTD_VCPU_H

#include <yajl/yajl_gen.h>

#include "ballastd-env.h"
#include "ballastd-guest.h"
#include "ballastd-sub.h"
#include "bsched_vcpu.h"

/* Assigned in ballastd-vcpu.c only. */
struct bd_vcpu {
	bool known;			/* read this tick: in the processor snapshot */
	bool enabled;			/* the policy may change its count */
	bool hvm;			/* HVM proper (not PVH): never driven */
	bool hvm_said;			/* "HVM: left alone" logged */
	uint32_t max_vcpus;		/* max_vcpu_id + 1 */
	uint32_t online_vcpus;		/* Xen's count (xc_vcpu_getinfo) */
	uint32_t target_vcpus;		/* online nodes from vCPU 0; 0: none */
	uint32_t vcpus_min, vcpus_max, shares;
	bool has_frontend;
	struct bsched_vcpu_stats stats;
	/* steal: the previous report's cumulative value and when it came */
	uint64_t steal_seq, steal_ms, steal_taken_ms;
	struct bsched_vcpu_decision last;	/* the policy's last decision */
	uint64_t changes;		/* counts committed */
	uint64_t refusals;		/* changes the guest did not take */
	struct bd_log_limit write_log;	/* the transaction failing */
};

/*
 * Reads the domain's processors for this tick (Xen, cpu/N/availability,
 * the subscription of [domain] and `ballastctl set`, the evidence of the
 * report @g took). Returns 0; -ESRCH if the domain is gone; another -errno
 * if Xen could not be asked (then @v is not known this tick). With
 * vcpu-scaling off for the host nothing is read and @v is not known.
 */
int bd_vcpu_read(struct bd_env *env, const struct bd_who *who,
		 struct bd_vcpu *v, const struct bd_sub *s,
		 const struct bd_guest *g, const struct bio_dominfo *info,
		 uint64_t now_ms);

/* @v as the processor policy's input. */
void bd_vcpu_snapshot(const struct bd_vcpu *v, uint32_t domid,
		      struct bsched_vcpu_domain *out);

/*
 * Carries out @dec: if the target changed, cpu/0..k-1 online and the rest
 * offline, in one transaction that first checks the domain still exists,
 * retried on EAGAIN up to xs-tries. Refuses (and logs) a target of 0 or
 * above maxvcpus, or one for a domain it does not drive. What it says goes
 * through the guest's line budget @lines. Returns 0, -ESRCH (gone), -EINVAL
 * or the transaction's error.
 */
int bd_vcpu_apply(struct bd_env *env, const struct bd_who *who,
		  struct bd_vcpu *v, const struct bsched_vcpu_decision *dec,
		  struct bd_log_budget *lines);

/* The vCPU fields of the domain's status JSON (status-json.h): only
 * vcpu_scaling (false) if @v was not read this tick. */
/* The count in cpu/N/availability: the policy's last decision, else what
 * was read. The status JSON's vcpus_target and the metrics' both. */
uint32_t bd_vcpu_target(const struct bd_vcpu *v);
void bd_vcpu_json(yajl_gen g, const struct bd_vcpu *v);

#endif /* BALLASTD_VCPU_H */
