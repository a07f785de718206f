// SPDX-License-Identifier: MIT
#include <CUnit/CUnit.h>
#include <string.h>

#include "vfix.h"

void vfix_init(struct vfix *f, uint32_t pcpus)
{
	memset(f, 0, sizeof(*f));
	bsched_vcpu_config_defaults(&f->cfg);
	f->st = bsched_vcpu_state_new();
	CU_ASSERT_PTR_NOT_NULL_FATAL(f->st);
	f->pcpus = pcpus;
	f->now_ms = 1000;
}

void vfix_fini(struct vfix *f)
{
	if (f->have_res)
		bsched_vcpu_result_free(&f->res);
	bsched_vcpu_state_free(f->st);
	f->st = NULL;
}

struct bsched_vcpu_domain *vfix_dom(struct vfix *f, uint32_t domid,
				    uint32_t vmin, uint32_t vmax,
				    uint32_t maxvcpus, uint32_t online)
{
	struct bsched_vcpu_domain *d;

	CU_ASSERT_FATAL(f->n < VFIX_MAX_DOMS);
	d = &f->d[f->n++];
	*d = (struct bsched_vcpu_domain) {
		.domid = domid, .enabled = true, .has_frontend = true,
		.vcpus_min = vmin, .vcpus_max = vmax, .shares = 100,
		.maxvcpus = maxvcpus, .online_vcpus = online,
		.target_vcpus = online,
		/* between the thresholds: neither raised nor lowered */
		.stats = { .present = true, .load_avg1_centi = 60 * online,
			   .runnable = online },
	};
	return d;
}

void vfix_load(struct bsched_vcpu_domain *d, uint32_t load_centi,
	       uint32_t psi_centipct, uint32_t runnable)
{
	d->stats.load_avg1_centi = load_centi;
	d->stats.psi_cpu_some_avg10_centipct = psi_centipct;
	d->stats.runnable = runnable;
}

int vfix_tick(struct vfix *f)
{
	struct bsched_vcpu_snapshot snap = {
		.now_ms = f->now_ms, .host_pcpus = f->pcpus,
		.domains = f->d, .n_domains = f->n,
	};
	int rc;

	if (f->have_res)
		bsched_vcpu_result_free(&f->res);
	f->have_res = false;
	rc = bsched_vcpu_tick(f->st, &f->cfg, &snap, &f->res);
	if (rc)
		return rc;
	f->have_res = true;
	for (size_t i = 0; i < f->n; i++)
		f->d[i].target_vcpus = f->res.decisions[i].target_vcpus;
	f->now_ms += VFIX_TICK_MS;
	return 0;
}

void vfix_settle(struct vfix *f)
{
	for (size_t i = 0; i < f->n; i++) {
		struct bsched_vcpu_domain *d = &f->d[i];
		uint32_t t = d->target_vcpus;

		if (!d->enabled || !d->has_frontend)
			continue;
		/* asked below its floor: goes down to it, refuses the rest */
		if (t < d->online_vcpus && t < f->floor[i]) {
			t = d->online_vcpus < f->floor[i] ? d->online_vcpus :
							    f->floor[i];
			d->stats.offline_refusals++;
		}
		d->online_vcpus = t;
	}
}

int vfix_run(struct vfix *f, int n)
{
	for (int i = 0; i < n; i++) {
		int rc = vfix_tick(f);

		if (rc)
			return rc;
		vfix_settle(f);
	}
	return 0;
}

const struct bsched_vcpu_decision *vfix_dec(const struct vfix *f,
					    uint32_t domid)
{
	CU_ASSERT_FATAL(f->have_res);
	for (size_t i = 0; i < f->res.n_decisions; i++)
		if (f->res.decisions[i].domid == domid)
			return &f->res.decisions[i];
	CU_FAIL_FATAL("no decision for domid");
	return NULL;
}
