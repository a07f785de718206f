// SPDX-License-Identifier: MIT
/*
 * The host-and-guests model. Each tick: guests join or leave, working sets
 * and reservations appear, the policy decides from a snapshot, its targets,
 * maxmem and flags are published, granted reservations become memory used
 * by a new domain, and every balloon moves toward its published target at
 * its rate (unless frozen, at its hidden floor or ceiling, or capped by
 * maxmem); shrinking, it may stop a little above its target. A balloon
 * asked to grow into memory that is not free is a violation.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ballast_schema.h"
#include "sim.h"

/* A guest stalls (PSI some) when less than a tenth of it is available. */
#define STALL_PSI_CENTIPCT	3000u
#define STALL_AVAIL_DIV		10u
/*
 * Graded PSI, for a guest with hot= page cache: squeezed below its working
 * set ws = used + hot it refaults, its instantaneous PSI some being
 * GRADED_GAIN times the fraction it is short (1 % short: 10 %), at most
 * 100 %; it reports the average over PSI_WINDOW_MS (the kernel's avg10, an
 * exponential average; here its first-order form, tick / (window + tick)).
 */
#define GRADED_GAIN		10u
#define PSI_WINDOW_MS		10000u
#define PSI_FULL_CENTIPCT	10000u

struct guest_rt {
	bool present;
	bool left;
	uint64_t actual_kib;
	uint64_t used_kib;
	double psi_avg_centipct;	/* graded PSI, averaged */
	/* the targets published the last SIM_LAG_TICKS ticks, for lag= */
	uint64_t past_target_kib[SIM_LAG_TICKS];
	struct bsched_domain pub;	/* what is published in "xenstore" */
};

struct world {
	const struct sim_scenario *scn;
	struct guest_rt g[SIM_MAX_GUESTS];
	bool work_done[SIM_MAX_WORK];
	bool res_done[SIM_MAX_RESERVE];		/* no longer asked for */
	uint64_t res_granted_ms[SIM_MAX_RESERVE];	/* SIM_NEVER_MS: not yet */
	uint64_t res_built_kib[SIM_MAX_RESERVE];	/* of the new domain */
	bool set_done[SIM_MAX_SET];
	uint64_t external_kib;		/* domains built from granted reservations */
	struct bsched_domain doms[SIM_MAX_GUESTS];
	size_t dom_guest[SIM_MAX_GUESTS];
	size_t n_doms;
	struct bsched_reservation res[SIM_MAX_RESERVE];
	size_t res_idx[SIM_MAX_RESERVE];
	size_t n_res;
};

static int sim_fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

static uint64_t host_free(const struct world *w)
{
	uint64_t used = w->external_kib;

	for (size_t i = 0; i < w->scn->n_guests; i++)
		if (w->g[i].present)
			used += w->g[i].actual_kib;
	return used < w->scn->total_kib ? w->scn->total_kib - used : 0;
}

/* A guest built from a reservation joins once it is granted, and takes the
 * memory set aside for it. */
static bool via_granted(const struct world *w, const struct sim_trace *tr,
			const struct sim_guest *sg, uint64_t *size_kib)
{
	for (size_t k = 0; k < w->scn->n_reserve; k++) {
		if (w->scn->reserve[k].id != sg->via_res)
			continue;
		*size_kib = w->scn->reserve[k].size_kib;
		return tr->res_first_ms[k][BALLAST_RES_GRANTED] != SIM_NEVER_MS;
	}
	return false;
}

static int membership(struct world *w, const struct sim_trace *tr,
		      uint64_t now_ms, char *err, size_t len)
{
	for (size_t i = 0; i < w->scn->n_guests; i++) {
		const struct sim_guest *sg = &w->scn->guests[i];
		struct guest_rt *g = &w->g[i];
		uint64_t size_kib = 0;
		bool in = now_ms >= sg->join_ms && now_ms < sg->leave_ms;

		if (sg->has_via)
			in = !g->left && now_ms < sg->leave_ms &&
			     via_granted(w, tr, sg, &size_kib);
		if (in && !g->present) {
			w->external_kib -= size_kib < w->external_kib ?
					   size_kib : w->external_kib;
			if (host_free(w) < sg->actual_kib)
				return sim_fail(err, len, "dom %u cannot join at %llu ms: host full",
						sg->dom.domid, (unsigned long long)now_ms);
			g->present = true;
			g->actual_kib = sg->actual_kib;
			g->used_kib = sg->used_kib;
			g->pub = sg->dom;
		} else if (!in && g->present) {
			g->present = false;
			g->left = true;
		}
	}
	for (size_t k = 0; k < w->scn->n_set; k++) {
		const struct sim_set *c = &w->scn->set[k];

		if (w->set_done[k] || c->at_ms > now_ms)
			continue;
		for (size_t i = 0; i < w->scn->n_guests; i++) {
			struct bsched_domain *pub = &w->g[i].pub;

			if (w->scn->guests[i].dom.domid != c->domid)
				continue;
			if (c->has_min)
				pub->min_kib = c->min_kib;
			if (c->has_max)
				pub->max_kib = c->max_kib;
			if (c->has_shares)
				pub->shares = c->shares;
			if (pub->min_kib > pub->max_kib)
				return sim_fail(err, len, "set at %llu ms: dom %u min above max",
						(unsigned long long)now_ms, c->domid);
		}
		w->set_done[k] = true;
	}
	for (size_t k = 0; k < w->scn->n_work; k++) {
		const struct sim_work *wk = &w->scn->work[k];

		if (w->work_done[k] || wk->at_ms > now_ms)
			continue;
		for (size_t i = 0; i < w->scn->n_guests; i++)
			if (w->scn->guests[i].dom.domid == wk->domid)
				w->g[i].used_kib = wk->used_kib;
		w->work_done[k] = true;
	}
	return 0;
}

static void guest_stats(const struct sim_guest *sg, const struct guest_rt *g,
			struct bsched_stats *s)
{
	uint64_t told = sg->claim_kib ? sg->claim_kib : g->used_kib;
	uint64_t real_avail = g->actual_kib > g->used_kib ?
			      g->actual_kib - g->used_kib : 0;

	*s = (struct bsched_stats) { .present = sg->stats };
	if (!sg->stats)
		return;
	s->mem_total_kib = g->actual_kib;
	s->mem_available_kib = g->actual_kib > told ? g->actual_kib - told : 0;
	s->committed_as_kib = told;
	s->floor_kib = sg->told_floor_kib;
	s->psi_present = true;
	s->psi_some_avg10_centipct = (uint32_t)(g->psi_avg_centipct + 0.5);
	if (real_avail * STALL_AVAIL_DIV < g->actual_kib &&
	    s->psi_some_avg10_centipct < STALL_PSI_CENTIPCT)
		s->psi_some_avg10_centipct = STALL_PSI_CENTIPCT;
}

/* One tick of the graded PSI average (only a guest with hot= has one). */
static void graded_psi(const struct sim_guest *sg, struct guest_rt *g,
		       uint64_t tick_ms)
{
	uint64_t ws_kib = g->used_kib + sg->hot_kib;
	double inst = 0;

	if (!sg->hot_kib)
		return;
	if (g->actual_kib < ws_kib)
		inst = (double)(ws_kib - g->actual_kib) * PSI_FULL_CENTIPCT *
		       GRADED_GAIN / (double)ws_kib;
	if (inst > PSI_FULL_CENTIPCT)
		inst = PSI_FULL_CENTIPCT;
	g->psi_avg_centipct += (inst - g->psi_avg_centipct) * (double)tick_ms /
			       (double)(PSI_WINDOW_MS + tick_ms);
}

static void build_snapshot(struct world *w, uint64_t now_ms,
			   struct bsched_snapshot *snap)
{
	const struct sim_scenario *scn = w->scn;

	w->n_doms = 0;
	for (size_t i = 0; i < scn->n_guests; i++) {
		struct bsched_domain *d;

		if (!w->g[i].present)
			continue;
		d = &w->doms[w->n_doms];
		*d = w->g[i].pub;
		d->actual_kib = w->g[i].actual_kib;
		graded_psi(&scn->guests[i], &w->g[i], scn->tick_ms);
		guest_stats(&scn->guests[i], &w->g[i], &d->stats);
		w->dom_guest[w->n_doms++] = i;
	}
	w->n_res = 0;
	for (size_t k = 0; k < scn->n_reserve; k++) {
		const struct sim_reserve *r = &scn->reserve[k];

		if (w->res_done[k] || r->at_ms > now_ms || now_ms >= r->cancel_ms)
			continue;
		w->res[w->n_res] = (struct bsched_reservation) {
			r->id, r->size_kib, r->at_ms };
		w->res_idx[w->n_res++] = k;
	}
	*snap = (struct bsched_snapshot) {
		.now_ms = now_ms,
		.host = { .total_kib = scn->total_kib, .free_kib = host_free(w) },
		.domains = w->doms, .n_domains = w->n_doms,
		.reservations = w->res, .n_reservations = w->n_res,
	};
}

/* min <= target <= max; below the min only while the guest is below it
 * and its target rises toward it (never lowered there). @prev_kib is the
 * target in force before, or what the guest held if there was none. */
static bool target_in_bounds(const struct bsched_domain *d, uint64_t t,
			     uint64_t prev_kib)
{
	uint64_t hi = d->max_kib, lo;

	if (d->static_max_kib && d->static_max_kib < hi)
		hi = d->static_max_kib;
	lo = d->min_kib < hi ? d->min_kib : hi;
	return (t >= lo || t >= prev_kib) && t <= hi;
}

void sim_note_break(struct sim_trace *tr, const char *fmt, ...)
{
	va_list ap;

	if (tr->n_invariant_breaks++)
		return;
	va_start(ap, fmt);
	vsnprintf(tr->first_break, sizeof(tr->first_break), fmt, ap);
	va_end(ap);
}

static int add_row(struct sim_trace *tr, const struct sim_row *row)
{
	if (tr->n_rows == tr->cap_rows) {
		size_t cap = tr->cap_rows ? 2 * tr->cap_rows : 1024;
		struct sim_row *rows = realloc(tr->rows, cap * sizeof(*rows));

		if (!rows)
			return -ENOMEM;
		tr->rows = rows;
		tr->cap_rows = cap;
	}
	tr->rows[tr->n_rows++] = *row;
	return 0;
}

/* Does everything promised fit: cooperating targets, what the others hold,
 * built domains, slush and what the reservations still need (not one
 * answered impossible; of a granted one, what its domain has yet to take)? */
static bool promises_fit(const struct world *w, const struct bsched_result *res,
			 const struct bsched_snapshot *snap)
{
	uint64_t sum = w->external_kib;

	if (!(w->scn->cfg.faults & BSCHED_FAULT_NO_SLUSH))
		sum += w->scn->cfg.slush_kib;
	for (size_t i = 0; i < snap->n_reservations; i++)
		if (res->answers[i].status != BALLAST_RES_IMPOSSIBLE)
			sum += bsched_reservation_need_kib(&w->scn->cfg,
					snap->reservations[i].size_kib) -
			       w->res_built_kib[w->res_idx[i]];
	for (size_t i = 0; i < res->n_decisions; i++) {
		const struct bsched_decision *dec = &res->decisions[i];
		const struct bsched_domain *d = &snap->domains[i];
		bool balloon = d->managed && d->frontend != BSCHED_FE_NONE;

		sum += balloon && !dec->stuck ? dec->target_kib : d->actual_kib;
	}
	return sum <= w->scn->total_kib;
}

static int publish(struct world *w, uint64_t now_ms,
		   const struct bsched_snapshot *snap,
		   const struct bsched_result *res, struct sim_trace *tr)
{
	bool fits = promises_fit(w, res, snap);
	uint64_t free_kib = snap->host.free_kib;

	for (size_t i = 0; i < res->n_decisions; i++) {
		const struct bsched_decision *dec = &res->decisions[i];
		struct guest_rt *g = &w->g[w->dom_guest[i]];
		struct sim_row row = {
			.time_ms = now_ms, .guest = w->dom_guest[i], .dec = *dec,
			.actual_kib = g->actual_kib, .host_free_kib = free_kib,
			.fits = fits,
			.psi_centipct = snap->domains[i].stats.psi_some_avg10_centipct,
		};

		if (g->pub.managed && g->pub.frontend != BSCHED_FE_NONE &&
		    !target_in_bounds(&g->pub, dec->target_kib,
				      g->pub.target_kib ? g->pub.target_kib :
							  g->actual_kib))
			sim_note_break(tr, "dom %u target %llu outside [min,max] at %llu ms",
				   dec->domid, (unsigned long long)dec->target_kib,
				   (unsigned long long)now_ms);
		g->past_target_kib[(now_ms / w->scn->tick_ms) % SIM_LAG_TICKS] =
			dec->target_kib;
		g->pub.target_kib = dec->target_kib;
		g->pub.maxmem_kib = dec->maxmem_kib;
		g->pub.uncooperative = dec->uncooperative;
		if (add_row(tr, &row))
			return -ENOMEM;
	}
	for (size_t i = 0; i < res->n_answers; i++) {
		size_t k = w->res_idx[i];
		int st = res->answers[i].status;

		if (st < 0 || st >= BALLAST_RES__COUNT)
			continue;
		if (tr->res_first_ms[k][st] == SIM_NEVER_MS)
			tr->res_first_ms[k][st] = now_ms;
		for (size_t j = 0; st == BALLAST_RES_REFUSED &&
				   j < res->answers[i].n_refusers; j++)
			for (size_t g = 0; g < w->scn->n_guests; g++)
				if (w->scn->guests[g].dom.domid ==
				    res->answers[i].refusers[j] &&
				    tr->blamed_first_ms[g] == SIM_NEVER_MS)
					tr->blamed_first_ms[g] = now_ms;
		if (st == BALLAST_RES_GRANTED &&
		    w->res_granted_ms[k] == SIM_NEVER_MS)
			w->res_granted_ms[k] = now_ms;
	}
	return 0;
}

/*
 * A granted reservation: the new domain is built with the reserved memory,
 * its size and Xen's per-domain overhead (cfg.reserve_overhead_kib; a guest
 * joining via= then takes the size, the overhead stays Xen's), at once or
 * build= KiB a second; the reservation is still asked for hold= after the
 * grant (ballastd's reservation-hold-ms).
 */
static void build_domains(struct world *w, uint64_t now_ms)
{
	const struct sim_scenario *scn = w->scn;

	for (size_t k = 0; k < scn->n_reserve; k++) {
		const struct sim_reserve *r = &scn->reserve[k];
		uint64_t step = r->build_kib_s * scn->tick_ms / 1000;
		uint64_t left = bsched_reservation_need_kib(&scn->cfg, r->size_kib) -
				w->res_built_kib[k];

		if (w->res_granted_ms[k] == SIM_NEVER_MS)
			continue;
		if (!r->build_kib_s || step > left)
			step = left;
		w->res_built_kib[k] += step;
		w->external_kib += step;
		if (now_ms >= w->res_granted_ms[k] + r->hold_ms)
			w->res_done[k] = true;
	}
}

static bool frozen(const struct sim_guest *sg, uint64_t now_ms)
{
	if (!sg->dom.managed || sg->dom.frontend == BSCHED_FE_NONE)
		return true;
	if (now_ms >= sg->stuck_from_ms && now_ms < sg->stuck_until_ms)
		return true;
	return sg->intermittent_ms && (now_ms / sg->intermittent_ms) % 2 == 1;
}

static void move_guests(struct world *w, uint64_t now_ms, struct sim_trace *tr)
{
	const struct sim_scenario *scn = w->scn;

	for (size_t i = 0; i < scn->n_guests; i++) {
		const struct sim_guest *sg = &scn->guests[i];
		struct guest_rt *g = &w->g[i];
		uint64_t step = sg->rate_kib_s * scn->tick_ms / 1000;
		uint64_t lag_ticks = sg->lag_ms / scn->tick_ms;
		uint64_t t = g->pub.target_kib, lowest, cap, room;

		/* a lagging balloon follows the target of lag ago */
		if (lag_ticks) {
			uint64_t now_tick = now_ms / scn->tick_ms;

			t = now_tick < lag_ticks ? 0 :
			    g->past_target_kib[(now_tick - lag_ticks) % SIM_LAG_TICKS];
		}
		if (!g->present || !t || frozen(sg, now_ms))
			continue;
		if (g->actual_kib > t) {
			/* a real balloon stops a little short (whole pages) */
			lowest = t + sg->overshoot_kib;
			if (lowest < sg->floor_kib)
				lowest = sg->floor_kib;
			if (g->actual_kib > lowest)
				g->actual_kib -= g->actual_kib - lowest < step ?
						 g->actual_kib - lowest : step;
		} else if (g->actual_kib < t) {
			cap = g->pub.maxmem_kib < t ? g->pub.maxmem_kib : t;
			if (sg->ceiling_kib && cap > sg->ceiling_kib)
				cap = sg->ceiling_kib;
			room = cap > g->actual_kib ? cap - g->actual_kib : 0;
			if (room > step)
				room = step;
			if (room > host_free(w)) {
				sim_note_break(tr, "dom %u asked to grow %llu KiB with %llu KiB free at %llu ms",
					   sg->dom.domid, (unsigned long long)room,
					   (unsigned long long)host_free(w),
					   (unsigned long long)now_ms);
				room = host_free(w);
			}
			g->actual_kib += room;
		}
	}
}

int sim_run(const struct sim_scenario *scn, struct sim_trace *tr, char *err,
	    size_t err_len)
{
	struct world *w = calloc(1, sizeof(*w));
	struct bsched_state *st = bsched_state_new();
	struct sim_cpu *cpu = scn->cpus ? sim_cpu_new(scn) : NULL;
	int rc = -1;

	memset(tr, 0, sizeof(*tr));
	memset(tr->res_first_ms, 0xff, sizeof(tr->res_first_ms));
	memset(tr->blamed_first_ms, 0xff, sizeof(tr->blamed_first_ms));
	if (!w || !st || (scn->cpus && !cpu)) {
		sim_fail(err, err_len, "out of memory");
		goto out;
	}
	w->scn = scn;
	memset(w->res_granted_ms, 0xff, sizeof(w->res_granted_ms));
	for (uint64_t now = 0; now <= scn->duration_ms; now += scn->tick_ms) {
		struct bsched_snapshot snap;
		struct bsched_result res;
		size_t first_row = tr->n_rows;
		int r;

		if (membership(w, tr, now, err, err_len))
			goto out;
		build_snapshot(w, now, &snap);
		r = bsched_tick(st, &scn->cfg, &snap, &res);
		if (r) {
			sim_fail(err, err_len, "bsched_tick at %llu ms: %s",
				 (unsigned long long)now, strerror(-r));
			goto out;
		}
		r = publish(w, now, &snap, &res, tr);
		bsched_result_free(&res);
		if (r) {
			sim_fail(err, err_len, "out of memory");
			goto out;
		}
		if (cpu && sim_cpu_step(cpu, now, tr->rows + first_row,
					tr->n_rows - first_row, tr, err, err_len))
			goto out;
		build_domains(w, now);
		move_guests(w, now, tr);
	}
	rc = 0;
out:
	if (rc)
		sim_trace_free(tr);
	sim_cpu_free(cpu);
	bsched_state_free(st);
	free(w);
	return rc;
}

void sim_trace_free(struct sim_trace *tr)
{
	free(tr->rows);
	tr->rows = NULL;
	tr->n_rows = tr->cap_rows = 0;
}

int sim_write_csv(const struct sim_scenario *scn, const struct sim_trace *tr,
		  FILE *f)
{
	fprintf(f, "time_ms,domid,name,target_kib,actual_kib,min_kib,max_kib,"
		   "demand_kib,ideal_kib,maxmem_kib,bound,stuck,uncooperative,"
		   "host_free_kib,vcpus_target,vcpus_online,threads,vcpu_bound,"
		   "psi_some_centipct,probe\n");
	for (size_t i = 0; i < tr->n_rows; i++) {
		const struct sim_row *r = &tr->rows[i];
		const struct bsched_domain *d = &scn->guests[r->guest].dom;

		fprintf(f, "%llu,%u,%s,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%s,%d,%d,%llu,",
			(unsigned long long)r->time_ms, d->domid,
			d->name[0] ? d->name : "-",
			(unsigned long long)r->dec.target_kib,
			(unsigned long long)r->actual_kib,
			(unsigned long long)d->min_kib,
			(unsigned long long)d->max_kib,
			(unsigned long long)r->dec.demand_kib,
			(unsigned long long)r->dec.ideal_kib,
			(unsigned long long)r->dec.maxmem_kib,
			bsched_bound_str(r->dec.bound), r->dec.stuck,
			r->dec.uncooperative,
			(unsigned long long)r->host_free_kib);
		if (r->has_cpu)
			fprintf(f, "%u,%u,%u,%s,", r->vdec.target_vcpus,
				r->online_vcpus, r->threads,
				bsched_vcpu_bound_str(r->vdec.bound));
		else
			fprintf(f, ",,,,");
		fprintf(f, "%u,%s\n", r->psi_centipct,
			bsched_probe_str(r->dec.probe));
	}
	return ferror(f) ? -1 : 0;
}
