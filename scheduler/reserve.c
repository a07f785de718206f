// SPDX-License-Identifier: MIT
/*
 * Reservations: "free size_kib for a domain about to start", plus Xen's
 * per-domain overhead (bsched_reservation_need_kib). They are served
 * in id order, each counting the ones before it, and their memory is taken
 * out of the pool before anything is handed to growing guests (pool.c).
 *
 *   granted     host free, less growth already asked for, >= earlier +
 *               this one + slush; once granted it
 *               stays granted, and holds only what of it is still free
 *   impossible  not even every balloon at its min would free it; it holds
 *               nothing, so it squeezes nobody and delays no later one
 *   refused     the cooperating balloons at their min cannot free it, and
 *               ones that will not shrink (the refusers) hold what is
 *               missing
 *   pending     the cooperating balloons are on their way
 */
#include <errno.h>
#include <stdlib.h>

#include "ballast_schema.h"
#include "bsched_int.h"

struct res_key {
	uint32_t id;
	size_t idx;
};

static int cmp_res(const void *a, const void *b)
{
	const struct res_key *ka = a, *kb = b;

	if (ka->id != kb->id)
		return ka->id < kb->id ? -1 : 1;
	return ka->idx < kb->idx ? -1 : ka->idx > kb->idx;
}

/* Balloons that will not shrink, holding memory above their min, are the
 * refusers (one stuck only growing could serve by shrinking); every
 * refused answer points at the same list. */
static bool refuses(const struct bsched_work *w)
{
	return w->part && (w->rec->stuck_dirs & BSCHED_STUCK_DOWN) &&
	       w->dom->actual_kib > w->lo_kib;
}

static int collect_refusers(const struct bsched_snapshot *snap,
			    const struct bsched_work *work,
			    struct bsched_result *out, size_t *n_out)
{
	size_t n = 0, k = 0;

	for (size_t i = 0; i < snap->n_domains; i++)
		n += refuses(&work[i]);
	*n_out = n;
	if (!n || !snap->n_reservations)
		return 0;
	out->refuser_storage = malloc(n * sizeof(uint32_t));
	if (!out->refuser_storage)
		return -ENOMEM;
	for (size_t i = 0; i < snap->n_domains; i++)
		if (refuses(&work[i]))
			out->refuser_storage[k++] = work[i].dom->domid;
	return 0;
}

/*
 * What a reservation needs freed in Xen: its size, which becomes the new
 * domain's memory=, and what Xen takes for the domain beyond it (its paging
 * pool, libxl's extra; POLICY.md, "Reservations").
 */
uint64_t bsched_reservation_need_kib(const struct bsched_config *cfg,
				     uint64_t size_kib)
{
	return size_kib + cfg->reserve_overhead_kib;
}

/* Was reservation @id granted by an earlier tick? @granted is sorted; the
 * ids are visited in increasing order, *@pos remembers where we are. */
static bool granted_before(const struct bsched_state *st, uint32_t id,
			   size_t *pos)
{
	while (*pos < st->n_granted && st->granted[*pos] < id)
		(*pos)++;
	return *pos < st->n_granted && st->granted[*pos] == id;
}

int bsched_answer_reservations(struct bsched_state *st,
			       const struct bsched_snapshot *snap,
			       const struct bsched_config *cfg,
			       const struct bsched_work *work,
			       struct bsched_result *out)
{
	size_t m = snap->n_reservations, n_refusers, pos = 0;
	uint64_t host_free = bsched_host_free_kib(&snap->host);
	uint64_t slush = bsched_slush_kib(cfg);
	uint64_t coop_kib = 0, stuck_kib = 0, cum_kib = 0, promised_kib = 0;
	uint64_t unpromised_kib;
	struct bsched_scratch *s = &st->scratch;
	struct res_key *keys;
	int rc;

	s->n_next_granted = 0;
	rc = collect_refusers(snap, work, out, &n_refusers);
	if (rc)
		return rc;
	out->answers = calloc(m ? m : 1, sizeof(*out->answers));
	if (!out->answers)
		return -ENOMEM;
	keys = malloc((m ? m : 1) * sizeof(*keys));
	if (!keys)
		return -ENOMEM;
	out->n_answers = m;

	for (size_t i = 0; i < snap->n_domains; i++) {
		const struct bsched_work *w = &work[i];

		/* a balloon lands no lower than its min plus its overshoot;
		 * one that will not shrink gives nothing below what it holds */
		if (!w->part)
			continue;
		coop_kib += bsched_sub_sat(w->dom->actual_kib, w->alloc_lo_kib);
		stuck_kib += bsched_sub_sat(w->alloc_lo_kib,
					    w->lo_kib + w->over_kib);
		/* growth already asked for: free now, but the balloon will
		 * take it (one stuck growing, its maxmem pinned, will not) */
		if (!(w->rec->stuck_dirs & BSCHED_STUCK_UP))
			promised_kib += bsched_sub_sat(w->cur_kib,
						       w->dom->actual_kib);
	}
	/* what a reservation may be granted from (POLICY.md, "What the plan
	 * counts on"); what could be freed still counts all that is free */
	unpromised_kib = bsched_sub_sat(host_free, promised_kib);
	for (size_t i = 0; i < m; i++)
		keys[i] = (struct res_key) { snap->reservations[i].id, i };
	qsort(keys, m, sizeof(*keys), cmp_res);
	for (size_t k = 1; k < m; k++) {
		if (keys[k - 1].id == keys[k].id) {
			free(keys);
			return -EINVAL;
		}
	}

	for (size_t k = 0; k < m; k++) {
		const struct bsched_reservation *r = &snap->reservations[keys[k].idx];
		struct bsched_answer *a = &out->answers[keys[k].idx];
		uint64_t need, own_kib = bsched_reservation_need_kib(cfg, r->size_kib);

		a->id = r->id;
		a->free_kib = bsched_sub_sat(unpromised_kib, slush + cum_kib);
		if (granted_before(st, r->id, &pos)) {
			/* the domain started from it takes its memory: it
			 * holds only what of it is still free, so that the
			 * others are not shrunk for it a second time */
			a->status = BALLAST_RES_GRANTED;
			a->held_kib = bsched_min_u64(own_kib, a->free_kib);
			cum_kib += a->held_kib;
			s->next_granted[s->n_next_granted++] = r->id;
			continue;
		}
		need = cum_kib + own_kib + slush;
		if (host_free + coop_kib + stuck_kib < need) {
			/* holds nothing: neither the pool nor later ones count it */
			a->status = BALLAST_RES_IMPOSSIBLE;
			continue;
		}
		a->held_kib = own_kib;
		cum_kib += a->held_kib;
		if (unpromised_kib >= need) {
			a->status = BALLAST_RES_GRANTED;
			s->next_granted[s->n_next_granted++] = r->id;
		} else if (host_free + coop_kib < need) {
			a->status = BALLAST_RES_REFUSED;
			a->n_refusers = n_refusers;
			a->refusers = out->refuser_storage;
		} else {
			a->status = BALLAST_RES_PENDING;
		}
	}
	free(keys);
	return 0;
}
