// SPDX-License-Identifier: MIT
/*
 * Demand: what a guest's own statistics say it needs.
 *
 *   used   = mem_total - MemAvailable   (not Committed_AS: Linux overcommits,
 *            and Committed_AS counts reservations that are never touched)
 *   demand = (used + max(used * buffer_pct %, buffer_min)) * (100 + boost) %
 *
 * The boost grows by psi_boost_pct each tick PSI "some" avg10 is above the
 * stall threshold and halves each tick it is not. A large MemAvailable
 * lowers demand by itself: the buffer is a fraction of what is used, not of
 * what the guest holds. Without fresh statistics the caller says what the
 * guest is taken to need (silent_kib; POLICY.md, "Evidence first").
 */
#include "bsched_int.h"

bool bsched_stats_fresh(const struct bsched_stats *s,
			const struct bsched_config *cfg)
{
	/* absurd sizes are treated as no report at all */
	return s->present && s->age_ms <= cfg->stats_stale_ms &&
	       s->mem_total_kib <= BSCHED_KIB_LIMIT &&
	       s->mem_available_kib <= BSCHED_KIB_LIMIT;
}

static void update_boost(struct bsched_rec *rec, const struct bsched_stats *s,
			 const struct bsched_config *cfg)
{
	if (s->psi_some_avg10_centipct > cfg->psi_stall_centipct) {
		rec->boost_pct += cfg->psi_boost_pct;
		if (rec->boost_pct > BSCHED_BOOST_MAX_PCT)
			rec->boost_pct = BSCHED_BOOST_MAX_PCT;
	} else {
		rec->boost_pct /= BSCHED_BOOST_DECAY_DIV;
	}
}

uint64_t bsched_demand(struct bsched_rec *rec, const struct bsched_stats *s,
		       const struct bsched_config *cfg, uint64_t silent_kib,
		       uint64_t lo_kib, uint64_t hi_kib)
{
	uint64_t used_kib, buffer_kib, demand_kib;

	if (!bsched_stats_fresh(s, cfg))
		return bsched_clamp_u64(silent_kib, lo_kib, hi_kib);

	update_boost(rec, s, cfg);
	/* the caller bounded both by BSCHED_KIB_LIMIT: no overflow below */
	used_kib = bsched_sub_sat(s->mem_total_kib, s->mem_available_kib);
	buffer_kib = bsched_max_u64(used_kib * cfg->buffer_pct / 100,
				    cfg->buffer_min_kib);
	demand_kib = used_kib + buffer_kib;
	demand_kib += demand_kib / 100 * rec->boost_pct;
	rec->evidence_kib = bsched_clamp_u64(demand_kib, lo_kib, hi_kib);
	return rec->evidence_kib;
}
