// SPDX-License-Identifier: MIT
/*
 * The processor policy's tick: what each guest's CPU evidence asks for
 * (hysteresis, cooldown), whether its last change landed (the adaptive
 * step and the back-off), contention by shares (vcpu_shares.c), and the
 * records kept between ticks. The rules are stated once, in POLICY.md,
 * "Processors".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bsched_vcpu_int.h"

/* Xen's most vCPUs of one domain, as the schema's BALLAST_MAX_VCPUS. */
#define VCPU_LIMIT		4096u
#define VCPU_SHARES_MAX		1000000u
#define VCPU_DOMAINS_MAX	65536u
#define VCPU_PCPUS_MAX		65536u

/* What the policy remembers about one domain between ticks. */
struct vcpu_rec {
	uint32_t domid;
	uint32_t step;			/* the adaptive step, >= 1 */
	bool pending;			/* a change not yet seen in Xen */
	uint64_t issued_ms;		/* when it was made */
	bool has_up, has_down;
	uint64_t last_up_ms;		/* the last raise */
	uint64_t last_down_ms;		/* the last lowering */
	int8_t backoff_dir;		/* -1 lowering, 1 raising held */
	uint64_t backoff_ms;		/* the hold after the last refusal */
	uint64_t backoff_until_ms;
	bool has_refusals;
	uint64_t refusals_seen;		/* DATA/cpu-offline-refusals last seen */
};

struct vcpu_key {
	uint32_t domid;
	size_t idx;
};

struct bsched_vcpu_state {
	struct vcpu_rec *recs;		/* sorted by domid */
	size_t n_recs;
	bool started;
	uint64_t last_now_ms;
	/* scratch, kept so that a steady host does not allocate */
	size_t cap;
	struct vcpu_rec *spare;		/* the next tick's records */
	struct vcpu_key *keys;
	struct bsched_vcpu_work *work;
	size_t *heap;
	size_t *rec_of;			/* snapshot index -> spare index */
};

static const char *const bound_strs[BSCHED_VCPU__COUNT] = {
	[BSCHED_VCPU_DISABLED] = "disabled",
	[BSCHED_VCPU_NO_FRONTEND] = "no-frontend",
	[BSCHED_VCPU_UNREPORTED] = "unreported",
	[BSCHED_VCPU_HOLD] = "hold",
	[BSCHED_VCPU_RAISE] = "raise",
	[BSCHED_VCPU_LOWER] = "lower",
	[BSCHED_VCPU_MIN] = "vcpus-min",
	[BSCHED_VCPU_MAX] = "vcpus-max",
	[BSCHED_VCPU_STEAL] = "steal",
	[BSCHED_VCPU_COOLDOWN] = "cooldown",
	[BSCHED_VCPU_BACKOFF] = "backoff",
	[BSCHED_VCPU_SHARES] = "shares",
	[BSCHED_VCPU_STEP] = "step",
	[BSCHED_VCPU_PENDING] = "pending",
};

const char *bsched_vcpu_bound_str(enum bsched_vcpu_bound b)
{
	if ((unsigned int)b >= BSCHED_VCPU__COUNT)
		return "?";
	return bound_strs[b];
}

void bsched_vcpu_config_defaults(struct bsched_vcpu_config *cfg)
{
	*cfg = (struct bsched_vcpu_config) {
		.overcommit_pct = 200,
		.raise_load_pct = 90,
		.fit_load_pct = 70,
		.lower_load_pct = 40,
		.raise_psi_centipct = 2000,
		.lower_psi_centipct = 500,
		.steal_max_centipct = 3000,
		.stats_stale_ms = 180000,	/* three report heartbeats */
		.cooldown_ms = 30000,
		.step_max = 4,
		.settle_ms = 10000,
		.backoff_ms = 30000,
		.backoff_max_ms = 600000,
	};
}

int bsched_vcpu_config_validate(const struct bsched_vcpu_config *cfg,
				const char **why)
{
	const char *r = NULL;

	if (cfg->overcommit_pct < 1 || cfg->overcommit_pct > 10000)
		r = "overcommit_pct must be 1..10000";
	else if (!(cfg->lower_load_pct < cfg->fit_load_pct &&
		   cfg->fit_load_pct < cfg->raise_load_pct))
		r = "need lower_load_pct < fit_load_pct < raise_load_pct";
	else if (cfg->raise_load_pct > 100000)
		r = "raise_load_pct must be at most 100000";
	else if (cfg->lower_psi_centipct >= cfg->raise_psi_centipct ||
		 cfg->raise_psi_centipct > 10000)
		r = "need lower_psi < raise_psi <= 10000";
	else if (cfg->steal_max_centipct > 10000)
		r = "steal_max must be at most 10000";
	else if (cfg->step_max < 1 || cfg->step_max > VCPU_LIMIT)
		r = "step_max must be 1..4096";
	else if (cfg->backoff_ms > cfg->backoff_max_ms)
		r = "backoff_ms must not exceed backoff_max_ms";
	else if (cfg->settle_ms < 1)
		r = "settle_ms must be at least 1";
	if (r && why)
		*why = r;
	return r ? -1 : 0;
}

struct bsched_vcpu_state *bsched_vcpu_state_new(void)
{
	return calloc(1, sizeof(struct bsched_vcpu_state));
}

void bsched_vcpu_state_free(struct bsched_vcpu_state *st)
{
	if (!st)
		return;
	free(st->recs);
	free(st->spare);
	free(st->keys);
	free(st->work);
	free(st->heap);
	free(st->rec_of);
	free(st);
}

void bsched_vcpu_result_free(struct bsched_vcpu_result *out)
{
	if (!out)
		return;
	free(out->decisions);
	memset(out, 0, sizeof(*out));
}

static int grow(void **p, size_t n, size_t size)
{
	void *q = realloc(*p, n * size);

	if (!q)
		return -ENOMEM;
	*p = q;
	return 0;
}

/* recs and spare swap each tick: both need room for n. */
static int reserve(struct bsched_vcpu_state *st, size_t n)
{
	if (n <= st->cap && st->work)
		return 0;
	if (n < 16)
		n = 16;
	if (grow((void **)&st->recs, n, sizeof(*st->recs)) ||
	    grow((void **)&st->spare, n, sizeof(*st->spare)) ||
	    grow((void **)&st->keys, n, sizeof(*st->keys)) ||
	    grow((void **)&st->work, n, sizeof(*st->work)) ||
	    grow((void **)&st->heap, n, sizeof(*st->heap)) ||
	    grow((void **)&st->rec_of, n, sizeof(*st->rec_of)))
		return -ENOMEM;
	st->cap = n;
	return 0;
}

static int validate(const struct bsched_vcpu_state *st,
		    const struct bsched_vcpu_snapshot *snap)
{
	size_t i;

	if (!snap || (snap->n_domains && !snap->domains) ||
	    snap->n_domains > VCPU_DOMAINS_MAX)
		return -EINVAL;
	if (snap->host_pcpus < 1 || snap->host_pcpus > VCPU_PCPUS_MAX)
		return -EINVAL;
	if (st->started && snap->now_ms < st->last_now_ms)
		return -EINVAL;
	for (i = 0; i < snap->n_domains; i++) {
		const struct bsched_vcpu_domain *d = &snap->domains[i];

		if (d->maxvcpus < 1 || d->maxvcpus > VCPU_LIMIT ||
		    d->vcpus_min < 1 || d->vcpus_min > d->vcpus_max ||
		    d->online_vcpus > d->maxvcpus ||
		    d->target_vcpus > d->maxvcpus ||
		    d->shares < 1 || d->shares > VCPU_SHARES_MAX)
			return -EINVAL;
	}
	return 0;
}

static int cmp_key(const void *a, const void *b)
{
	const struct vcpu_key *x = a, *y = b;

	return (x->domid > y->domid) - (x->domid < y->domid);
}

/*
 * The next tick's records in domid order, merged from the old ones (a new
 * domain starts at step 1). -EINVAL on a duplicate domid.
 */
static int merge_records(struct bsched_vcpu_state *st,
			 const struct bsched_vcpu_snapshot *snap)
{
	size_t n = snap->n_domains, i, j = 0;

	for (i = 0; i < n; i++)
		st->keys[i] = (struct vcpu_key) { snap->domains[i].domid, i };
	qsort(st->keys, n, sizeof(*st->keys), cmp_key);
	for (i = 0; i < n; i++) {
		uint32_t id = st->keys[i].domid;
		struct vcpu_rec *r = &st->spare[i];

		if (i > 0 && st->keys[i - 1].domid == id)
			return -EINVAL;
		while (j < st->n_recs && st->recs[j].domid < id)
			j++;
		if (j < st->n_recs && st->recs[j].domid == id)
			*r = st->recs[j];
		else
			*r = (struct vcpu_rec) { .domid = id, .step = 1 };
		st->rec_of[st->keys[i].idx] = i;
	}
	return 0;
}

static uint32_t clamp_u32(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* The smallest count that puts @load_centi at @pct per vCPU, at least 1. */
static uint32_t fit_count(uint32_t load_centi, uint32_t pct)
{
	uint64_t n = ((uint64_t)load_centi + pct - 1) / pct;

	return n < 1 ? 1 : n > VCPU_LIMIT ? VCPU_LIMIT : (uint32_t)n;
}

/*
 * Did the last change land? Seen in Xen: a success, the step grows by one.
 * Not seen after settle_ms, or the guest's refusal counter grew: a refusal,
 * the step halves, further moves that way wait a back-off that doubles
 * with each refusal in a row, and the target follows what the guest holds.
 * Returns true on a refusal.
 */
static bool judge_change(struct vcpu_rec *r, const struct bsched_vcpu_config *cfg,
			 const struct bsched_vcpu_domain *d, uint64_t now_ms,
			 uint32_t *cur)
{
	bool refused = false;
	int8_t dir = 0;

	if (r->pending) {
		if (d->online_vcpus == *cur) {
			r->pending = false;
			if (r->step < cfg->step_max)
				r->step++;
			r->backoff_ms = 0;
		} else if (now_ms - r->issued_ms >= cfg->settle_ms) {
			refused = true;
			dir = d->online_vcpus > *cur ? -1 : 1;
		}
	}
	if (d->stats.present) {
		if (r->has_refusals &&
		    d->stats.offline_refusals > r->refusals_seen) {
			refused = true;
			dir = -1;
		}
		/* a restarted frontend counts from 0 again: resync only */
		r->refusals_seen = d->stats.offline_refusals;
		r->has_refusals = true;
	}
	if (!refused)
		return false;
	r->pending = false;
	r->step = r->step > 1 ? r->step / 2 : 1;
	if (r->backoff_ms == 0)
		r->backoff_ms = cfg->backoff_ms;
	else if (r->backoff_ms < cfg->backoff_max_ms / 2)
		r->backoff_ms *= 2;
	else
		r->backoff_ms = cfg->backoff_max_ms;
	r->backoff_until_ms = now_ms + r->backoff_ms;
	r->backoff_dir = dir;
	if (d->online_vcpus >= 1)
		*cur = d->online_vcpus;
	return true;
}

/* What the evidence asks for (POLICY.md, "Processors", Demand). */
static void demand(struct bsched_vcpu_work *w,
		   const struct bsched_vcpu_config *cfg,
		   const struct bsched_vcpu_domain *d)
{
	const struct bsched_vcpu_stats *s = &d->stats;
	uint32_t n = d->online_vcpus ? d->online_vcpus : 1;
	uint64_t load_pct = s->load_avg1_centi / n;
	/* lowering also heeds the tasks runnable now: the 1-minute average
	 * lags a load that just started */
	uint64_t busy_centi = (uint64_t)s->runnable * 100 > s->load_avg1_centi ?
			      (uint64_t)s->runnable * 100 : s->load_avg1_centi;
	bool pressure = s->psi_cpu_some_avg10_centipct >= cfg->raise_psi_centipct ||
			load_pct > cfg->raise_load_pct;
	bool idle = s->psi_cpu_some_avg10_centipct < cfg->lower_psi_centipct &&
		    busy_centi / n < cfg->lower_load_pct;
	uint32_t fit = fit_count(s->load_avg1_centi, cfg->fit_load_pct);
	uint32_t fit_busy = fit_count(busy_centi > UINT32_MAX ? UINT32_MAX :
				      (uint32_t)busy_centi, cfg->fit_load_pct);

	w->want = w->cur;
	w->bound = BSCHED_VCPU_HOLD;
	if (pressure && s->steal_centipct >= cfg->steal_max_centipct) {
		w->bound = BSCHED_VCPU_STEAL;
	} else if (pressure) {
		w->want = fit > w->cur ? fit : w->cur + 1;
		w->bound = BSCHED_VCPU_RAISE;
	} else if (idle && fit_busy < w->cur) {
		w->want = fit_busy;
		w->bound = BSCHED_VCPU_LOWER;
	}
}

/* Cooldown and back-off hold a move; bounds always apply. */
static void hold_moves(struct bsched_vcpu_work *w, const struct vcpu_rec *r,
		       const struct bsched_vcpu_config *cfg, uint64_t now_ms)
{
	if (w->want > w->cur) {
		if (r->has_down && now_ms - r->last_down_ms < cfg->cooldown_ms) {
			w->want = w->cur;
			w->bound = BSCHED_VCPU_COOLDOWN;
		} else if (r->backoff_dir > 0 && now_ms < r->backoff_until_ms) {
			w->want = w->cur;
			w->bound = BSCHED_VCPU_BACKOFF;
		}
	} else if (w->want < w->cur) {
		if (r->has_up && now_ms - r->last_up_ms < cfg->cooldown_ms) {
			w->want = w->cur;
			w->bound = BSCHED_VCPU_COOLDOWN;
		} else if (r->backoff_dir < 0 && now_ms < r->backoff_until_ms) {
			w->want = w->cur;
			w->bound = BSCHED_VCPU_BACKOFF;
		}
	}
	if (w->want < w->lo) {
		w->want = w->lo;
		w->bound = BSCHED_VCPU_MIN;
	} else if (w->want > w->hi) {
		w->want = w->hi;
		w->bound = BSCHED_VCPU_MAX;
	}
}

static void prepare(struct bsched_vcpu_work *w, struct vcpu_rec *r,
		    const struct bsched_vcpu_config *cfg,
		    const struct bsched_vcpu_domain *d, uint64_t now_ms,
		    bool *refused)
{
	uint32_t cur = d->target_vcpus ? d->target_vcpus : d->online_vcpus;

	*w = (struct bsched_vcpu_work) {
		.domid = d->domid, .shares = d->shares,
		.hi = d->vcpus_max < d->maxvcpus ? d->vcpus_max : d->maxvcpus,
	};
	w->lo = d->vcpus_min < w->hi ? d->vcpus_min : w->hi;
	if (cur < 1)
		cur = 1;
	*refused = false;
	if (!d->enabled || !d->has_frontend) {
		w->cur = cur;
		w->held = cur > d->online_vcpus ? cur : d->online_vcpus;
		w->want = cur;
		w->fixed = true;
		w->bound = d->enabled ? BSCHED_VCPU_NO_FRONTEND :
					BSCHED_VCPU_DISABLED;
		r->pending = false;
		return;
	}
	*refused = judge_change(r, cfg, d, now_ms, &cur);
	w->cur = cur;
	w->held = cur > d->online_vcpus ? cur : d->online_vcpus;
	if (r->pending) {
		/* one change at a time: it lands, or settle_ms refuses it */
		w->want = clamp_u32(cur, w->lo, w->hi);
		w->bound = BSCHED_VCPU_PENDING;
		return;
	}
	if (d->stats.present && d->stats.age_ms <= cfg->stats_stale_ms) {
		demand(w, cfg, d);
	} else {
		w->want = cur;
		w->bound = BSCHED_VCPU_UNREPORTED;
	}
	hold_moves(w, r, cfg, now_ms);
}

/* The adaptive step, and a refusing guest is not lowered by contention. */
static uint32_t step_toward(struct bsched_vcpu_work *w,
			    const struct vcpu_rec *r, uint64_t now_ms)
{
	uint32_t t = w->ideal;

	if (w->fixed || r->pending)
		return w->cur;
	if (t < w->cur && r->backoff_dir < 0 && now_ms < r->backoff_until_ms &&
	    w->cur <= w->hi) {
		w->bound = BSCHED_VCPU_BACKOFF;
		return w->cur;
	}
	if (t > w->cur && t - w->cur > r->step) {
		t = w->cur + r->step;
		w->bound = BSCHED_VCPU_STEP;
	} else if (t < w->cur && w->cur - t > r->step) {
		t = w->cur - r->step;
		w->bound = BSCHED_VCPU_STEP;
	}
	return clamp_u32(t, 1, VCPU_LIMIT);
}

int bsched_vcpu_tick(struct bsched_vcpu_state *st,
		     const struct bsched_vcpu_config *cfg,
		     const struct bsched_vcpu_snapshot *snap,
		     struct bsched_vcpu_result *out)
{
	size_t n, i;
	uint64_t cap;
	struct vcpu_rec *tmp;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!st || !cfg || bsched_vcpu_config_validate(cfg, NULL))
		return -EINVAL;
	rc = validate(st, snap);
	if (rc)
		return rc;
	n = snap->n_domains;
	if (reserve(st, n))
		return -ENOMEM;
	rc = merge_records(st, snap);
	if (rc)
		return rc;
	out->decisions = calloc(n ? n : 1, sizeof(*out->decisions));
	if (!out->decisions)
		return -ENOMEM;
	out->n_decisions = n;

	for (i = 0; i < n; i++)
		prepare(&st->work[i], &st->spare[st->rec_of[i]], cfg,
			&snap->domains[i], snap->now_ms,
			&out->decisions[i].refused);
	cap = (uint64_t)snap->host_pcpus * cfg->overcommit_pct / 100;
	if (cap < 1)
		cap = 1;
	out->cap_vcpus = (uint32_t)cap;
	out->contended = bsched_vcpu_share(st->work, n, out->cap_vcpus,
					   st->heap, &out->want_vcpus) > 0;

	for (i = 0; i < n; i++) {
		struct bsched_vcpu_work *w = &st->work[i];
		struct vcpu_rec *r = &st->spare[st->rec_of[i]];
		const struct bsched_vcpu_domain *d = &snap->domains[i];
		struct bsched_vcpu_decision *dec = &out->decisions[i];
		uint32_t t = step_toward(w, r, snap->now_ms);
		uint32_t published = d->target_vcpus ? d->target_vcpus :
				     d->online_vcpus;

		if (t != w->cur) {
			r->pending = true;
			r->issued_ms = snap->now_ms;
			if (t > w->cur) {
				r->has_up = true;
				r->last_up_ms = snap->now_ms;
			} else {
				r->has_down = true;
				r->last_down_ms = snap->now_ms;
			}
		}
		dec->domid = d->domid;
		dec->target_vcpus = t;
		dec->target_changed = !w->fixed && t != published;
		dec->want_vcpus = w->want;
		dec->ideal_vcpus = w->ideal;
		dec->step_vcpus = r->step;
		dec->bound = w->bound;
	}

	tmp = st->recs;
	st->recs = st->spare;
	st->spare = tmp;
	st->n_recs = n;
	st->started = true;
	st->last_now_ms = snap->now_ms;
	return 0;
}
