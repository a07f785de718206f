// SPDX-License-Identifier: MIT
/*
 * Policy defaults, their validation, and the names of the enums.
 * The reasons behind each default are in POLICY.md.
 */
#include "bsched_int.h"

#define MIB	1024ULL

#define DEFAULT_SLUSH_KIB		(72 * MIB)	/* squeezed: 64 MiB low-mem virq + 8 */
#define DEFAULT_BUFFER_PCT		20u
#define DEFAULT_BUFFER_MIN_KIB		(64 * MIB)
#define DEFAULT_PSI_STALL_CENTIPCT	1000u		/* 10.00 % some avg10 */
#define DEFAULT_PSI_BOOST_PCT		10u
#define DEFAULT_STATS_STALE_MS		180000ULL
#define DEFAULT_STEP_MAX_KIB		(256 * MIB)
#define DEFAULT_DEADBAND_KIB		(8 * MIB)
#define DEFAULT_STUCK_AFTER_MS		5000ULL		/* squeezed */
#define DEFAULT_UNCOOPERATIVE_AFTER_MS	20000ULL	/* squeezed */
#define DEFAULT_PROGRESS_KIB		(1 * MIB)
/* room for the driver's OOM deflations between ticks: 8 MiB (four of them)
 * let a 4 MiB/s workload be OOM-killed in real Xen (POLICY.md, maxmem) */
#define DEFAULT_FRONTEND_ALLOWANCE_KIB	(64 * MIB)
#define DEFAULT_RELEASE_LIMIT_MS	120000ULL
/* libxl 4.17's need beyond memory= of a PVH guest of 3 GiB with 2 vCPUs,
 * or 2.5 GiB with 4: its paging pool (1 MiB a vCPU + 4 KiB a MiB) + 2 MiB,
 * rounded up to 2 MiB (POLICY.md, "Reservations") */
#define DEFAULT_RESERVE_OVERHEAD_KIB	(16 * MIB)
/* working-set probing: Senpai's goal and pace (POLICY.md) */
#define DEFAULT_PROBE_GOAL_CENTIPCT	10u		/* 0.10 % some avg10 */
#define DEFAULT_PROBE_STEP_PCT		1u
#define DEFAULT_PROBE_STEP_MIN_KIB	(1 * MIB)
#define DEFAULT_PROBE_INTERVAL_MS	6000ULL
#define DEFAULT_PROBE_BACKOFF_PCT	10u
#define DEFAULT_PROBE_HOLD_MS		60000ULL
#define MAX_PROBE_STEP_PCT		50u
#define MAX_PROBE_BACKOFF_PCT		100u

#define MAX_BUFFER_PCT			1000u
#define MAX_PSI_BOOST_PCT		100u
#define KNOWN_FAULTS	(BSCHED_FAULT_NO_TWO_PHASE | BSCHED_FAULT_NO_STUCK_DETECTION | \
			 BSCHED_FAULT_NO_DEADBAND | BSCHED_FAULT_NO_STEP_LIMIT | \
			 BSCHED_FAULT_NO_SLUSH | \
			 BSCHED_FAULT_NO_INACCURACY_COMPENSATION)

void bsched_config_defaults(struct bsched_config *cfg)
{
	*cfg = (struct bsched_config) {
		.slush_kib = DEFAULT_SLUSH_KIB,
		.buffer_pct = DEFAULT_BUFFER_PCT,
		.buffer_min_kib = DEFAULT_BUFFER_MIN_KIB,
		.psi_stall_centipct = DEFAULT_PSI_STALL_CENTIPCT,
		.psi_boost_pct = DEFAULT_PSI_BOOST_PCT,
		.stats_stale_ms = DEFAULT_STATS_STALE_MS,
		.surplus = BSCHED_SURPLUS_SHARES,
		.unreported = BSCHED_UNREPORTED_YIELD,
		.step_max_kib = DEFAULT_STEP_MAX_KIB,
		.deadband_kib = DEFAULT_DEADBAND_KIB,
		.stuck_after_ms = DEFAULT_STUCK_AFTER_MS,
		.uncooperative_after_ms = DEFAULT_UNCOOPERATIVE_AFTER_MS,
		.progress_kib = DEFAULT_PROGRESS_KIB,
		.frontend_allowance_kib = DEFAULT_FRONTEND_ALLOWANCE_KIB,
		.release_limit_ms = DEFAULT_RELEASE_LIMIT_MS,
		.reserve_overhead_kib = DEFAULT_RESERVE_OVERHEAD_KIB,
		.probe_goal_centipct = DEFAULT_PROBE_GOAL_CENTIPCT,
		.probe_step_pct = DEFAULT_PROBE_STEP_PCT,
		.probe_step_min_kib = DEFAULT_PROBE_STEP_MIN_KIB,
		.probe_interval_ms = DEFAULT_PROBE_INTERVAL_MS,
		.probe_backoff_pct = DEFAULT_PROBE_BACKOFF_PCT,
		.probe_hold_ms = DEFAULT_PROBE_HOLD_MS,
		.faults = 0,
	};
}

static int invalid(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -1;
}

int bsched_config_validate(const struct bsched_config *cfg, const char **why)
{
	if (!cfg)
		return invalid(why, "no configuration");
	if (cfg->slush_kib > BSCHED_KIB_LIMIT)
		return invalid(why, "slush_kib absurdly large");
	if (cfg->buffer_pct > MAX_BUFFER_PCT)
		return invalid(why, "buffer_pct above 1000");
	if (cfg->buffer_min_kib > BSCHED_KIB_LIMIT)
		return invalid(why, "buffer_min_kib absurdly large");
	if (cfg->psi_stall_centipct > 10000)
		return invalid(why, "psi_stall_centipct above 100.00 %");
	if (cfg->psi_boost_pct > MAX_PSI_BOOST_PCT)
		return invalid(why, "psi_boost_pct above 100");
	if (cfg->surplus != BSCHED_SURPLUS_SHARES &&
	    cfg->surplus != BSCHED_SURPLUS_KEEP_FREE)
		return invalid(why, "unknown surplus rule");
	if (cfg->unreported != BSCHED_UNREPORTED_YIELD &&
	    cfg->unreported != BSCHED_UNREPORTED_SHARE)
		return invalid(why, "unknown unreported rule");
	if (cfg->step_max_kib == 0)
		return invalid(why, "step_max_kib is 0: targets could never move");
	if (cfg->deadband_kib > BSCHED_KIB_LIMIT ||
	    cfg->step_max_kib > BSCHED_KIB_LIMIT)
		return invalid(why, "deadband_kib or step_max_kib absurdly large");
	if (cfg->stuck_after_ms == 0)
		return invalid(why, "stuck_after_ms is 0");
	if (cfg->uncooperative_after_ms < cfg->stuck_after_ms)
		return invalid(why, "uncooperative_after_ms below stuck_after_ms");
	if (cfg->progress_kib == 0 || cfg->progress_kib > BSCHED_KIB_LIMIT)
		return invalid(why, "progress_kib out of range");
	if (cfg->frontend_allowance_kib > BSCHED_KIB_LIMIT)
		return invalid(why, "frontend_allowance_kib absurdly large");
	if (cfg->reserve_overhead_kib > BSCHED_KIB_LIMIT)
		return invalid(why, "reserve_overhead_kib absurdly large");
	if (cfg->release_limit_ms == 0)
		return invalid(why, "release_limit_ms is 0");
	if (cfg->probe_goal_centipct > 10000)
		return invalid(why, "probe_goal_centipct above 100.00 %");
	if (cfg->probe_step_pct > MAX_PROBE_STEP_PCT)
		return invalid(why, "probe_step_pct above 50");
	if (cfg->probe_step_min_kib > BSCHED_KIB_LIMIT)
		return invalid(why, "probe_step_min_kib absurdly large");
	if (cfg->probe_interval_ms == 0)
		return invalid(why, "probe_interval_ms is 0");
	if (cfg->probe_backoff_pct > MAX_PROBE_BACKOFF_PCT)
		return invalid(why, "probe_backoff_pct above 100");
	if (cfg->probe_hold_ms > BSCHED_KIB_LIMIT)
		return invalid(why, "probe_hold_ms absurdly large");
	if (cfg->faults & ~(uint32_t)KNOWN_FAULTS)
		return invalid(why, "unknown fault bits");
	return 0;
}

uint64_t bsched_host_free_kib(const struct bsched_host *host)
{
	return bsched_sub_sat(host->free_kib + host->scrub_kib,
			      host->outstanding_kib);
}

static const char *const bound_names[BSCHED_BOUND__COUNT] = {
	[BSCHED_BOUND_UNMANAGED] = "unmanaged",
	[BSCHED_BOUND_NO_BALLOON] = "no-balloon",
	[BSCHED_BOUND_MIN] = "min",
	[BSCHED_BOUND_MAX] = "max",
	[BSCHED_BOUND_DEMAND] = "demand",
	[BSCHED_BOUND_SHARES] = "shares",
	[BSCHED_BOUND_SURPLUS] = "surplus",
	[BSCHED_BOUND_STEP] = "step",
	[BSCHED_BOUND_DEADBAND] = "deadband",
	[BSCHED_BOUND_GROWTH_DEFERRED] = "growth-deferred",
	[BSCHED_BOUND_STUCK] = "stuck",
	[BSCHED_BOUND_FLOOR] = "floor",
	[BSCHED_BOUND_UNREPORTED] = "unreported",
	[BSCHED_BOUND_INVALID] = "invalid",
	[BSCHED_BOUND_PROBE] = "probe",
};

static const char *const probe_names[BSCHED_PROBE__COUNT] = {
	[BSCHED_PROBE_OFF] = "off",
	[BSCHED_PROBE_NO_PSI] = "no-psi",
	[BSCHED_PROBE_STALE] = "stale",
	[BSCHED_PROBE_PROBING] = "probing",
	[BSCHED_PROBE_WAITING] = "waiting",
	[BSCHED_PROBE_BACKOFF] = "backoff",
	[BSCHED_PROBE_PRESSURE] = "pressure",
	[BSCHED_PROBE_AT_FLOOR] = "at-floor",
};

const char *bsched_probe_str(enum bsched_probe p)
{
	if ((unsigned int)p >= BSCHED_PROBE__COUNT)
		return "unknown";
	return probe_names[p];
}

const char *bsched_bound_str(enum bsched_bound b)
{
	if ((unsigned int)b >= BSCHED_BOUND__COUNT)
		return "unknown";
	return bound_names[b];
}

const char *bsched_frontend_str(enum bsched_frontend fe)
{
	switch (fe) {
	case BSCHED_FE_NONE:
		return "none";
	case BSCHED_FE_STOCK:
		return "stock";
	case BSCHED_FE_AGENT:
		return "agent";
	case BSCHED_FE_DRIVER:
		return "driver";
	}
	return "unknown";
}
