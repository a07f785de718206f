// SPDX-License-Identifier: MIT
/*
 * ballastd's processor tick, called by bd_tick() after the memory one: the
 * domains read this tick with their vCPUs known, through the processor
 * policy (bsched_vcpu.h), its decisions to ballastd-vcpu.c (per domain).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ballastd-vcpu.h"
#include "ballastd.h"

/*
 * The processor policy (bsched_vcpu.h) beside the memory one: the domains
 * read this tick with their vCPUs known, its decisions to ballastd-vcpu.c.
 */
void bd_vcpu_tick(struct ballastd *bd, uint64_t now_ms, uint32_t host_pcpus)
{
	struct bsched_vcpu_result result = { 0 };
	struct bsched_vcpu_snapshot s = { .now_ms = now_ms,
					  .host_pcpus = host_pcpus ? host_pcpus : 1 };
	struct bsched_vcpu_domain *snap;
	struct bd_dom **of;
	size_t n = 0;
	int rc;

	if (!bd->env.cfg.vcpu_scaling)
		return;
	snap = calloc(bd->doms.n ? bd->doms.n : 1, sizeof(*snap));
	of = calloc(bd->doms.n ? bd->doms.n : 1, sizeof(*of));
	if (!snap || !of) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < bd->doms.n; i++) {
		struct bd_dom *d = &bd->doms.d[i];

		if (!d->present || !d->joined || !d->vcpu.known)
			continue;
		bd_vcpu_snapshot(&d->vcpu, d->who.domid, &snap[n]);
		of[n++] = d;
	}
	s.domains = snap;
	s.n_domains = n;
	rc = bsched_vcpu_tick(bd->vcpu_policy, &bd->env.cfg.vcpu_policy, &s, &result);
	if (rc)
		goto out;
	for (size_t i = 0; i < result.n_decisions && i < n; i++)
		bd_vcpu_apply(&bd->env, &of[i]->who, &of[i]->vcpu,
			      &result.decisions[i], &of[i]->guest.lines);
	bsched_vcpu_result_free(&result);
out:
	if (rc)
		bd_log_failure(&bd->env, &bd->vcpu_log, LOG_ERR,
			       "vCPU tick failed: %s", strerror(-rc));
	else
		bd_log_recovered(&bd->env, &bd->vcpu_log, "vCPU tick");
	free(snap);
	free(of);
}
