// SPDX-License-Identifier: MIT
#include <string.h>

#include "fixture.h"

void fix_init(struct fix *f, uint64_t total_kib)
{
	memset(f, 0, sizeof(*f));
	bsched_config_defaults(&f->cfg);
	/* reservations count by their size here; the tests of Xen's
	 * per-domain overhead set it (tests/scheduler/test_reserve.c) */
	f->cfg.reserve_overhead_kib = 0;
	f->st = bsched_state_new();
	f->total_kib = total_kib;
	f->now_ms = 1000;
}

void fix_fini(struct fix *f)
{
	if (f->have_res)
		bsched_result_free(&f->res);
	bsched_state_free(f->st);
	f->st = NULL;
}

void fix_used(struct bsched_domain *d, uint64_t used_kib)
{
	d->stats = (struct bsched_stats) {
		.present = true,
		.mem_total_kib = d->actual_kib,
		.mem_available_kib = d->actual_kib > used_kib ?
				     d->actual_kib - used_kib : 0,
		.committed_as_kib = used_kib,
		.psi_present = true,	/* a driver on a kernel with PSI */
	};
}

struct bsched_domain *fix_dom(struct fix *f, uint32_t domid, uint64_t min_kib,
			      uint64_t max_kib, uint32_t shares,
			      uint64_t actual_kib, uint64_t used_kib)
{
	struct bsched_domain *d = &f->d[f->n++];

	*d = (struct bsched_domain) {
		.domid = domid, .frontend = BSCHED_FE_DRIVER, .managed = true,
		.min_kib = min_kib, .max_kib = max_kib, .shares = shares,
		.actual_kib = actual_kib, .static_max_kib = max_kib,
		.maxmem_kib = max_kib,
	};
	fix_used(d, used_kib);
	return d;
}

uint64_t fix_free(const struct fix *f)
{
	uint64_t used = f->external_kib;

	for (size_t i = 0; i < f->n; i++)
		used += f->d[i].actual_kib;
	return used < f->total_kib ? f->total_kib - used : 0;
}

int fix_tick(struct fix *f)
{
	struct bsched_snapshot snap = {
		.now_ms = f->now_ms,
		.host = { .total_kib = f->total_kib, .free_kib = fix_free(f) },
		.domains = f->d, .n_domains = f->n,
		.reservations = f->r, .n_reservations = f->nr,
	};
	int rc;

	if (f->have_res)
		bsched_result_free(&f->res);
	f->have_res = false;
	rc = bsched_tick(f->st, &f->cfg, &snap, &f->res);
	f->now_ms += TICK_MS;
	if (rc)
		return rc;
	f->have_res = true;
	for (size_t i = 0; i < f->n; i++) {
		f->d[i].target_kib = f->res.decisions[i].target_kib;
		f->d[i].maxmem_kib = f->res.decisions[i].maxmem_kib;
		f->d[i].uncooperative = f->res.decisions[i].uncooperative;
	}
	return 0;
}

/* fix_used() for a guest that moved, keeping its pressure */
static void keep_used(struct bsched_domain *d, uint64_t used_kib)
{
	uint32_t psi = d->stats.psi_some_avg10_centipct;
	uint64_t floor_kib = d->stats.floor_kib;

	if (!d->stats.present)
		return;
	fix_used(d, used_kib);
	d->stats.psi_some_avg10_centipct = psi;
	d->stats.floor_kib = floor_kib;
}

void fix_settle(struct fix *f)
{
	/* shrinks first, so growth finds the memory they free */
	for (size_t i = 0; i < f->n; i++) {
		struct bsched_domain *d = &f->d[i];
		uint64_t used = d->stats.mem_total_kib - d->stats.mem_available_kib;

		if (d->target_kib && d->target_kib < d->actual_kib &&
		    d->frontend != BSCHED_FE_NONE && d->managed) {
			d->actual_kib = d->target_kib;
			keep_used(d, used);
		}
	}
	for (size_t i = 0; i < f->n; i++) {
		struct bsched_domain *d = &f->d[i];
		uint64_t used = d->stats.mem_total_kib - d->stats.mem_available_kib;
		uint64_t room = fix_free(f);

		if (d->target_kib > d->actual_kib &&
		    d->frontend != BSCHED_FE_NONE && d->managed) {
			uint64_t want = d->target_kib - d->actual_kib;

			d->actual_kib += want < room ? want : room;
			keep_used(d, used);
		}
	}
}

int fix_run(struct fix *f, int n)
{
	for (int i = 0; i < n; i++) {
		int rc = fix_tick(f);

		if (rc)
			return rc;
		fix_settle(f);
	}
	return 0;
}

const struct bsched_decision *fix_dec(const struct fix *f, uint32_t domid)
{
	if (!f->have_res)
		return NULL;
	for (size_t i = 0; i < f->res.n_decisions; i++)
		if (f->res.decisions[i].domid == domid)
			return &f->res.decisions[i];
	return NULL;
}
