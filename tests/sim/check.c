// SPDX-License-Identifier: MIT
/*
 * Judging a run: every expectation of the scenario against the trace, plus
 * the invariant the simulator watches on every tick (min <= target <= max).
 */
#include <string.h>

#include "ballast_schema.h"
#include "sim.h"

static uint32_t row_domid(const struct sim_scenario *scn, const struct sim_row *r)
{
	return scn->guests[r->guest].dom.domid;
}

/* First time the flag (or with @stuck the stuck verdict) was seen @set
 * (after @after_ms), or SIM_NEVER_MS. */
static uint64_t first_seen(const struct sim_scenario *scn,
			   const struct sim_trace *tr, uint32_t domid,
			   bool stuck, bool set, uint64_t after_ms)
{
	for (size_t i = 0; i < tr->n_rows; i++) {
		const struct sim_row *r = &tr->rows[i];
		bool v = stuck ? r->dec.stuck : r->dec.uncooperative;

		if (row_domid(scn, r) == domid && r->time_ms >= after_ms &&
		    v == set)
			return r->time_ms;
	}
	return SIM_NEVER_MS;
}

static uint64_t first_flag(const struct sim_scenario *scn,
			   const struct sim_trace *tr, uint32_t domid,
			   bool set, uint64_t after_ms)
{
	return first_seen(scn, tr, domid, false, set, after_ms);
}

/* First time a refused answer named @domid, or SIM_NEVER_MS. */
static uint64_t first_blamed(const struct sim_scenario *scn,
			     const struct sim_trace *tr, uint32_t domid)
{
	for (size_t g = 0; g < scn->n_guests; g++)
		if (scn->guests[g].dom.domid == domid)
			return tr->blamed_first_ms[g];
	return SIM_NEVER_MS;
}

static long long ms_or_minus_one(uint64_t t)
{
	return t == SIM_NEVER_MS ? -1LL : (long long)t;
}

static bool compare(const struct sim_expect *e, uint64_t v)
{
	return e->at_most ? v <= e->value_kib : v >= e->value_kib;
}

/* target / actual / demand / free: at the first tick at or after t1, or
 * every tick. */
static bool check_value(const struct sim_scenario *scn,
			const struct sim_trace *tr, const struct sim_expect *e,
			uint64_t *seen)
{
	uint64_t at_ms = SIM_NEVER_MS;
	bool any = false;

	for (size_t i = 0; i < tr->n_rows; i++) {
		const struct sim_row *r = &tr->rows[i];
		uint64_t v;

		if (r->time_ms < e->t1_ms)
			continue;
		if (e->kind != SIM_EX_FREE && row_domid(scn, r) != e->id)
			continue;
		if ((e->kind == SIM_EX_VCPUS || e->kind == SIM_EX_ONLINE) &&
		    !r->has_cpu)
			continue;
		if (!e->from && at_ms != SIM_NEVER_MS && r->time_ms != at_ms)
			break;
		at_ms = r->time_ms;
		v = e->kind == SIM_EX_TARGET ? r->dec.target_kib :
		    e->kind == SIM_EX_ACTUAL ? r->actual_kib :
		    e->kind == SIM_EX_DEMAND ? r->dec.demand_kib :
		    e->kind == SIM_EX_PSI ? r->psi_centipct :
		    e->kind == SIM_EX_VCPUS ? r->vdec.target_vcpus :
		    e->kind == SIM_EX_ONLINE ? r->online_vcpus : r->host_free_kib;
		any = true;
		if (!compare(e, v)) {
			*seen = v;
			return false;
		}
	}
	return any;
}

/* probe DOM STATE by T: seen at a tick up to T; from T: at every tick. */
static bool check_probe(const struct sim_scenario *scn,
			const struct sim_trace *tr, const struct sim_expect *e,
			char *why, size_t len)
{
	bool any = false;

	for (size_t i = 0; i < tr->n_rows; i++) {
		const struct sim_row *r = &tr->rows[i];
		bool same = (int)r->dec.probe == e->status;

		if (row_domid(scn, r) != e->id)
			continue;
		if (!e->from && r->time_ms <= e->t1_ms && same) {
			snprintf(why, len, "at %llu ms",
				 (unsigned long long)r->time_ms);
			return true;
		}
		if (e->from && r->time_ms >= e->t1_ms) {
			any = true;
			if (!same) {
				snprintf(why, len, "%s at %llu ms",
					 bsched_probe_str(r->dec.probe),
					 (unsigned long long)r->time_ms);
				return false;
			}
		}
	}
	snprintf(why, len, e->from ? "every tick" : "never seen");
	return e->from && any;
}

static bool check_one(const struct sim_scenario *scn, const struct sim_trace *tr,
		      const struct sim_expect *e, char *why, size_t len)
{
	uint64_t t, seen = 0;
	size_t k;

	switch (e->kind) {
	case SIM_EX_RESERVATION:
		for (k = 0; k < scn->n_reserve; k++)
			if (scn->reserve[k].id == e->id)
				break;
		if (k == scn->n_reserve) {
			snprintf(why, len, "no such reservation");
			return false;
		}
		t = tr->res_first_ms[k][e->status];
		snprintf(why, len, "first %s at %lld ms",
			 ballast_reservation_word(e->status),
			 t == SIM_NEVER_MS ? -1LL : (long long)t);
		return t <= e->t2_ms;
	case SIM_EX_FLAGGED:
		t = first_flag(scn, tr, e->id, true, 0);
		snprintf(why, len, "first flagged at %lld ms",
			 t == SIM_NEVER_MS ? -1LL : (long long)t);
		return t >= e->t1_ms && t <= e->t2_ms;
	case SIM_EX_UNFLAGGED:
		t = first_flag(scn, tr, e->id, true, 0);
		if (t != SIM_NEVER_MS)
			t = first_flag(scn, tr, e->id, false, t);
		snprintf(why, len, "cleared at %lld ms",
			 t == SIM_NEVER_MS ? -1LL : (long long)t);
		return t <= e->t2_ms;
	case SIM_EX_NEVER_FLAGGED:
		t = first_flag(scn, tr, e->id, true, 0);
		snprintf(why, len, "first flagged at %lld ms",
			 t == SIM_NEVER_MS ? -1LL : (long long)t);
		return t == SIM_NEVER_MS;
	case SIM_EX_STUCK:
		t = first_seen(scn, tr, e->id, true, true, 0);
		snprintf(why, len, "first stuck at %lld ms", ms_or_minus_one(t));
		return t >= e->t1_ms && t <= e->t2_ms;
	case SIM_EX_NEVER_STUCK:
		t = first_seen(scn, tr, e->id, true, true, 0);
		snprintf(why, len, "first stuck at %lld ms", ms_or_minus_one(t));
		return t == SIM_NEVER_MS;
	case SIM_EX_NOT_STUCK:
		t = first_seen(scn, tr, e->id, true, true, e->t1_ms);
		snprintf(why, len, "stuck at %lld ms", ms_or_minus_one(t));
		return t == SIM_NEVER_MS;
	case SIM_EX_BLAMED:
		t = first_blamed(scn, tr, e->id);
		snprintf(why, len, "first blamed at %lld ms", ms_or_minus_one(t));
		return t <= e->t2_ms;
	case SIM_EX_NEVER_BLAMED:
		t = first_blamed(scn, tr, e->id);
		snprintf(why, len, "first blamed at %lld ms", ms_or_minus_one(t));
		return t == SIM_NEVER_MS;
	case SIM_EX_TARGET:
	case SIM_EX_ACTUAL:
	case SIM_EX_DEMAND:
	case SIM_EX_FREE:
		if (check_value(scn, tr, e, &seen))
			return true;
		snprintf(why, len, "saw %llu KiB (or no tick)",
			 (unsigned long long)seen);
		return false;
	case SIM_EX_PSI:
		if (check_value(scn, tr, e, &seen))
			return true;
		snprintf(why, len, "saw %llu centi-%% (or no tick)",
			 (unsigned long long)seen);
		return false;
	case SIM_EX_PROBE:
		return check_probe(scn, tr, e, why, len);
	case SIM_EX_STALL: {
		uint64_t sum = 0, n = 0;

		for (size_t i = 0; i < tr->n_rows; i++)
			if (row_domid(scn, &tr->rows[i]) == e->id &&
			    tr->rows[i].time_ms >= e->t1_ms) {
				sum += tr->rows[i].psi_centipct;
				n++;
			}
		snprintf(why, len, "mean %.2f centi-%% over %llu ticks",
			 n ? (double)sum / (double)n : 0.0,
			 (unsigned long long)n);
		return n && compare(e, sum / n);
	}
	case SIM_EX_VCPUS:
	case SIM_EX_ONLINE:
		if (check_value(scn, tr, e, &seen))
			return true;
		snprintf(why, len, "saw %llu vCPUs (or no tick)",
			 (unsigned long long)seen);
		return false;
	case SIM_EX_VCPU_REFUSED:
		t = SIM_NEVER_MS;
		for (size_t i = 0; i < tr->n_rows && t == SIM_NEVER_MS; i++)
			if (row_domid(scn, &tr->rows[i]) == e->id &&
			    tr->rows[i].has_cpu && tr->rows[i].vdec.refused)
				t = tr->rows[i].time_ms;
		snprintf(why, len, "first refused at %lld ms", ms_or_minus_one(t));
		return t <= e->t2_ms;
	case SIM_EX_VCPU_STABLE:
	case SIM_EX_STABLE:
	case SIM_EX_FITS:
		for (size_t i = 0; i < tr->n_rows; i++) {
			const struct sim_row *r = &tr->rows[i];
			bool bad = e->kind == SIM_EX_STABLE ? r->dec.target_changed :
				   e->kind == SIM_EX_VCPU_STABLE ?
					r->has_cpu && r->vdec.target_changed :
				   !r->fits;

			if (r->time_ms > e->t1_ms && bad) {
				snprintf(why, len, "dom %u at %llu ms",
					 row_domid(scn, r),
					 (unsigned long long)r->time_ms);
				return false;
			}
		}
		return true;
	}
	snprintf(why, len, "unknown expectation");
	return false;
}

size_t sim_check(const struct sim_scenario *scn, const struct sim_trace *tr,
		 FILE *report)
{
	size_t failed = 0;
	char why[SIM_ERR_LEN];

	if (tr->n_invariant_breaks) {
		failed++;
		if (report)
			fprintf(report, "%s: FAIL invariant: %s (%zu times)\n",
				scn->name, tr->first_break, tr->n_invariant_breaks);
	}
	for (size_t i = 0; i < scn->n_expect; i++) {
		const struct sim_expect *e = &scn->expect[i];
		bool ok;

		why[0] = '\0';
		ok = check_one(scn, tr, e, why, sizeof(why));
		failed += !ok;
		if (report)
			fprintf(report, "%s:%u: %s (%s)\n", scn->name, e->line,
				ok ? "ok" : "FAIL", why);
	}
	return failed;
}
