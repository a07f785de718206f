// SPDX-License-Identifier: MIT
/*
 * The memory the policy keeps between ticks: one record per domain, sorted by
 * domid, rebuilt from each snapshot by a merge (no per-domain search).
 */
#include <errno.h>
#include <stdlib.h>

#include "bsched_int.h"

struct dom_key {
	uint32_t domid;
	size_t idx;
};

struct bsched_state *bsched_state_new(void)
{
	return calloc(1, sizeof(struct bsched_state));
}

void bsched_state_free(struct bsched_state *st)
{
	if (!st)
		return;
	free(st->recs);
	free(st);
}

static int cmp_key(const void *a, const void *b)
{
	const struct dom_key *ka = a, *kb = b;

	if (ka->domid != kb->domid)
		return ka->domid < kb->domid ? -1 : 1;
	return ka->idx < kb->idx ? -1 : ka->idx > kb->idx;
}

/* A domain seen for the first time (or after a daemon restart) resumes
 * from what is published: its flag, and a progress clock starting now. */
static void rec_fresh(struct bsched_rec *rec, const struct bsched_domain *d,
		      const struct bsched_config *cfg, uint64_t now_ms)
{
	bool detect = !(cfg->faults & BSCHED_FAULT_NO_STUCK_DETECTION);

	*rec = (struct bsched_rec) {
		.domid = d->domid,
		.ref_actual_kib = d->actual_kib,
		.progress_ms = now_ms,
		.stuck = detect && d->uncooperative,
		.flagged = detect && d->uncooperative,
	};
}

int bsched_state_merge(const struct bsched_state *st,
		       const struct bsched_snapshot *snap,
		       const struct bsched_config *cfg,
		       struct bsched_work *work, struct bsched_rec **recs_out)
{
	size_t n = snap->n_domains, i, old = 0;
	struct dom_key *keys;
	struct bsched_rec *recs;
	int rc = -ENOMEM;

	*recs_out = NULL;
	keys = malloc((n ? n : 1) * sizeof(*keys));
	if (!keys)
		return -ENOMEM;
	recs = malloc((n ? n : 1) * sizeof(*recs));
	if (!recs)
		goto out_keys;

	for (i = 0; i < n; i++)
		keys[i] = (struct dom_key) { snap->domains[i].domid, i };
	qsort(keys, n, sizeof(*keys), cmp_key);

	for (i = 0; i < n; i++) {
		const struct bsched_domain *d = &snap->domains[keys[i].idx];

		if (i > 0 && keys[i - 1].domid == keys[i].domid) {
			rc = -EINVAL;
			goto out_recs;
		}
		/* both lists are sorted: skip records of departed domains */
		while (old < st->n_recs && st->recs[old].domid < d->domid)
			old++;
		if (old < st->n_recs && st->recs[old].domid == d->domid)
			recs[i] = st->recs[old];
		else
			rec_fresh(&recs[i], d, cfg, snap->now_ms);
		work[keys[i].idx].rec = &recs[i];
	}
	free(keys);
	*recs_out = recs;
	return 0;

out_recs:
	free(recs);
out_keys:
	free(keys);
	return rc;
}

void bsched_state_commit(struct bsched_state *st, struct bsched_rec *recs,
			 size_t n, uint64_t now_ms)
{
	free(st->recs);
	st->recs = recs;
	st->n_recs = n;
	st->started = true;
	st->last_now_ms = now_ms;
}
