// SPDX-License-Identifier: MIT
/*
 * The memory the policy keeps between ticks: one record per domain, sorted by
 * domid, rebuilt from each snapshot by a merge (no per-domain search), and
 * the scratch arrays a tick works in.
 */
#include <errno.h>
#include <stdlib.h>

#include "ballast_schema.h"
#include "bsched_int.h"

struct bsched_state *bsched_state_new(void)
{
	return calloc(1, sizeof(struct bsched_state));
}

static void scratch_free(struct bsched_scratch *s)
{
	free(s->work);
	free(s->fill);
	free(s->ev);
	free(s->ev_tmp);
	free(s->keys);
	free(s->spare_recs);
	free(s->next_granted);
}

void bsched_state_free(struct bsched_state *st)
{
	if (!st)
		return;
	scratch_free(&st->scratch);
	free(st->recs);
	free(st->granted);
	free(st);
}

static int grow(void **p, size_t n, size_t size)
{
	void *q = realloc(*p, n * size);

	if (!q)
		return -ENOMEM;
	*p = q;
	return 0;
}

/* The granted ids swap between granted and next_granted: both need room. */
static int reserve_granted(struct bsched_state *st, size_t m)
{
	struct bsched_scratch *s = &st->scratch;

	if (m <= s->cap_granted && s->next_granted)
		return 0;
	if (m < 16)
		m = 16;
	if (grow((void **)&s->next_granted, m, sizeof(*s->next_granted)) ||
	    grow((void **)&st->granted, m, sizeof(*st->granted)))
		return -ENOMEM;
	s->cap_granted = m;
	return 0;
}

int bsched_scratch_reserve(struct bsched_state *st, size_t n, size_t m)
{
	struct bsched_scratch *s = &st->scratch;

	if (reserve_granted(st, m))
		return -ENOMEM;
	if (n <= s->cap && s->work)
		return 0;
	if (n < 16)
		n = 16;
	/* the records swap between recs and spare_recs: both need room */
	if (grow((void **)&s->work, n, sizeof(*s->work)) ||
	    grow((void **)&s->fill, n, sizeof(*s->fill)) ||
	    grow((void **)&s->ev, 2 * n, sizeof(*s->ev)) ||
	    grow((void **)&s->ev_tmp, 2 * n, sizeof(*s->ev_tmp)) ||
	    grow((void **)&s->keys, n, sizeof(*s->keys)) ||
	    grow((void **)&s->spare_recs, n, sizeof(*s->spare_recs)) ||
	    grow((void **)&st->recs, n, sizeof(*st->recs)))
		return -ENOMEM;
	s->cap = n;
	return 0;
}

static int cmp_key(const void *a, const void *b)
{
	const struct bsched_dom_key *ka = a, *kb = b;

	if (ka->domid != kb->domid)
		return ka->domid < kb->domid ? -1 : 1;
	return ka->idx < kb->idx ? -1 : ka->idx > kb->idx;
}

/* The caller validates a persisted boost with the schema's range. */
_Static_assert(BSCHED_BOOST_MAX_PCT == BALLAST_MAX_BOOST_PCT,
	       "the schema's boost range is the policy's cap");

/* A domain seen for the first time (or after a daemon restart) resumes
 * from what is published: its flag (stuck in the direction its target
 * lies), its PSI boost (so a guest under pressure keeps its demand), and a
 * progress clock starting now. */
static void rec_fresh(struct bsched_rec *rec, const struct bsched_domain *d,
		      const struct bsched_config *cfg, uint64_t now_ms)
{
	bool detect = !(cfg->faults & BSCHED_FAULT_NO_STUCK_DETECTION);
	bool flagged = detect && d->uncooperative;
	uint64_t slack_kib = bsched_at_target_slack_kib(cfg);
	uint8_t dirs = 0;

	/* the direction of the request it was flagged for is its target's */
	if (flagged && d->target_kib && d->target_kib + slack_kib < d->actual_kib)
		dirs = BSCHED_STUCK_DOWN;
	else if (flagged && d->target_kib > d->actual_kib + slack_kib)
		dirs = BSCHED_STUCK_UP;
	*rec = (struct bsched_rec) {
		.domid = d->domid,
		.ref_actual_kib = d->actual_kib,
		.prev_actual_kib = UINT64_MAX,
		.progress_ms = now_ms,
		.boost_pct = d->resume_boost_pct < BSCHED_BOOST_MAX_PCT ?
			     d->resume_boost_pct : BSCHED_BOOST_MAX_PCT,
		.stuck_dirs = dirs,
		.req_dir = dirs == BSCHED_STUCK_DOWN ? -1 : dirs ? 1 : 0,
		.flagged = flagged,
	};
}

int bsched_state_merge(struct bsched_state *st,
		       const struct bsched_snapshot *snap,
		       const struct bsched_config *cfg)
{
	struct bsched_scratch *s = &st->scratch;
	struct bsched_dom_key *keys = s->keys;
	struct bsched_rec *recs = s->spare_recs;
	size_t n = snap->n_domains, i, old = 0;
	bool sorted = true;

	for (i = 0; i < n; i++) {
		keys[i] = (struct bsched_dom_key) { snap->domains[i].domid, i };
		sorted &= i == 0 || keys[i - 1].domid <= keys[i].domid;
	}
	/* daemons list domains in domid order: skip the sort then */
	if (!sorted)
		qsort(keys, n, sizeof(*keys), cmp_key);

	for (i = 0; i < n; i++) {
		const struct bsched_domain *d = &snap->domains[keys[i].idx];

		if (i > 0 && keys[i - 1].domid == keys[i].domid)
			return -EINVAL;
		/* both lists are sorted: skip records of departed domains */
		while (old < st->n_recs && st->recs[old].domid < d->domid)
			old++;
		if (old < st->n_recs && st->recs[old].domid == d->domid)
			recs[i] = st->recs[old];
		else
			rec_fresh(&recs[i], d, cfg, snap->now_ms);
		s->work[keys[i].idx].rec = &recs[i];
	}
	return 0;
}

void bsched_state_commit(struct bsched_state *st, size_t n, uint64_t now_ms)
{
	struct bsched_rec *old = st->recs;

	st->recs = st->scratch.spare_recs;
	st->n_recs = n;
	st->scratch.spare_recs = old;	/* both have room for cap records */
	{
		uint32_t *granted = st->granted;

		st->granted = st->scratch.next_granted;
		st->n_granted = st->scratch.n_next_granted;
		st->scratch.next_granted = granted;
	}
	st->started = true;
	st->last_now_ms = now_ms;
}
