// SPDX-License-Identifier: MIT
/*
 * Untrusted guest input. Everything under data/ballast is written by the
 * guest and goes through the schema validators before the policy sees it;
 * a refusal is counted, kept for `ballastctl status` and logged within
 * the guest's line budget (bd_log_guest).
 */
#include <stdlib.h>
#include <string.h>

#include "ballastd-guest.h"

/* Guest report keys that become policy statistics. */
struct stat_key {
	enum ballast_key_id id;
	const char *name;
	bool required;
};

enum stat_idx {
	S_CURRENT, S_MEM_AVAILABLE, S_COMMITTED_AS, S_PSI_SOME, S_PSI_FULL,
	S_SWAP_IN, S_SWAP_OUT, S_MAJOR_FAULTS, S_OOM_KILLS, S_FLOOR, S_BALLOONED,
	S_STATE, S_PROTOCOL,
	/* the CPU evidence (SCHEMA.md, "vCPUs") */
	S_CPUS_ONLINE, S_PSI_CPU, S_LOAD_AVG1, S_RUNNABLE, S_STEAL,
	S_CPU_REFUSALS, S_CPU_REFUSED, N_STAT_KEYS
};

static const struct stat_key stat_keys[N_STAT_KEYS] = {
	[S_CURRENT] = { BALLAST_K_CURRENT, BALLAST_KEY_CURRENT, true },
	[S_MEM_AVAILABLE] = { BALLAST_K_MEM_AVAILABLE, BALLAST_KEY_MEM_AVAILABLE, false },
	[S_COMMITTED_AS] = { BALLAST_K_COMMITTED_AS, BALLAST_KEY_COMMITTED_AS, false },
	[S_PSI_SOME] = { BALLAST_K_PSI_SOME_AVG10, BALLAST_KEY_PSI_SOME_AVG10, false },
	[S_PSI_FULL] = { BALLAST_K_PSI_FULL_AVG10, BALLAST_KEY_PSI_FULL_AVG10, false },
	[S_SWAP_IN] = { BALLAST_K_SWAP_IN, BALLAST_KEY_SWAP_IN, false },
	[S_SWAP_OUT] = { BALLAST_K_SWAP_OUT, BALLAST_KEY_SWAP_OUT, false },
	[S_MAJOR_FAULTS] = { BALLAST_K_MAJOR_FAULTS, BALLAST_KEY_MAJOR_FAULTS, false },
	[S_OOM_KILLS] = { BALLAST_K_OOM_KILLS, BALLAST_KEY_OOM_KILLS, false },
	[S_FLOOR] = { BALLAST_K_FLOOR, BALLAST_KEY_FLOOR, false },
	[S_BALLOONED] = { BALLAST_K_BALLOONED, BALLAST_KEY_BALLOONED, false },
	[S_STATE] = { BALLAST_K_STATE, BALLAST_KEY_STATE, false },
	[S_PROTOCOL] = { BALLAST_K_PROTOCOL, BALLAST_KEY_PROTOCOL, false },
	[S_CPUS_ONLINE] = { BALLAST_K_CPUS_ONLINE, BALLAST_KEY_CPUS_ONLINE, false },
	[S_PSI_CPU] = { BALLAST_K_PSI_CPU_SOME_AVG10, BALLAST_KEY_PSI_CPU_SOME_AVG10, false },
	[S_LOAD_AVG1] = { BALLAST_K_LOAD_AVG1, BALLAST_KEY_LOAD_AVG1, false },
	[S_RUNNABLE] = { BALLAST_K_RUNNABLE, BALLAST_KEY_RUNNABLE, false },
	[S_STEAL] = { BALLAST_K_STEAL, BALLAST_KEY_STEAL, false },
	[S_CPU_REFUSALS] = { BALLAST_K_CPU_OFFLINE_REFUSALS,
			     BALLAST_KEY_CPU_OFFLINE_REFUSALS, false },
	[S_CPU_REFUSED] = { BALLAST_K_CPU_REFUSED, BALLAST_KEY_CPU_REFUSED, false },
};

void bd_guest_init(struct bd_guest *g)
{
	*g = (struct bd_guest){ .state = -1 };
}

static enum ballast_verdict read_data_key(struct bd_env *env, uint32_t domid,
					  const char *key, enum ballast_key_id id,
					  uint64_t *out)
{
	char path[BALLAST_PATH_MAX];

	if (ballast_path(path, sizeof(path), BALLAST_AT_DOMAIN, domid,
			 BALLAST_DATA_DIR, key, NULL))
		return BALLAST_E_TOO_LONG;
	return bd_read_key(env, path, id, out);
}

/* A refused guest value, logged within the guest's line budget. */
static void log_refusal(struct bd_env *env, const struct bd_who *who,
			struct bd_guest *g, const char *what, const char *why)
{
	bd_log_guest(env, &g->lines, LOG_WARNING,
		     "%s (%" PRIu32 "): refused guest value %s: %s (%" PRIu64 " refused so far)",
		     who->name, who->domid, what, why,
		     g->refused_reports + g->flood_refused);
}

static void refuse(struct bd_env *env, const struct bd_who *who,
		   struct bd_guest *g, const char *key,
		   enum ballast_verdict v)
{
	g->refused_reports++;
	env->count.refused_reports++;
	snprintf(g->last_refusal, sizeof(g->last_refusal), "%s: %s", key,
		 ballast_verdict_str(v));
	log_refusal(env, who, g, key, ballast_verdict_str(v));
}

static bool over_limit(const struct bd_env *env, const struct bd_guest *g)
{
	return g->events_in_window > env->cfg.flood_limit ||
	       g->other_events_in_window > env->cfg.flood_limit * BD_KEYS_PER_REPORT;
}

/* Rolls the flood window forward to @now_ms. */
static void flood_window(const struct bd_env *env, struct bd_guest *g,
			 uint64_t now_ms)
{
	uint64_t since = now_ms - g->window_start_ms;

	if (since < BD_FLOOD_WINDOW_MS)
		return;
	/* A flood is held against the guest for the window after it only. */
	g->flooding = since < 2 * BD_FLOOD_WINDOW_MS && over_limit(env, g);
	g->window_start_ms = now_ms;
	g->events_in_window = 0;
	g->other_events_in_window = 0;
}

/*
 * Counts a guest's report updates: a report is many keys and one new seq,
 * so seq writes are the updates; other writes count with a report's worth
 * of keys each, so that scribbling on them floods just the same.
 */
void bd_guest_event(struct bd_env *env, struct bd_guest *g, const char *path,
		    uint64_t now_ms)
{
	size_t len = strlen(path), klen = strlen("/" BALLAST_KEY_SEQ);
	bool seq = len >= klen && !strcmp(path + len - klen, "/" BALLAST_KEY_SEQ);

	flood_window(env, g, now_ms);
	if (seq)
		g->events_in_window++;
	else
		g->other_events_in_window++;
	if (over_limit(env, g))
		g->flooding = true;
}

/*
 * A guest updating its report more often than flood-limit per second is
 * ignored for the rest of that second (and the next): it cannot make the
 * daemon spin, and what it says meanwhile does not count.
 */
static bool flood_check(struct bd_env *env, const struct bd_who *who,
			struct bd_guest *g, uint64_t now_ms, uint64_t seq)
{
	uint64_t elapsed = now_ms - g->used.taken_ms;
	uint64_t allowed = env->cfg.flood_limit * (elapsed / BD_FLOOD_WINDOW_MS + 1);

	flood_window(env, g, now_ms);
	if (g->last_seq && seq > g->last_seq && seq - g->last_seq > allowed)
		g->flooding = true;
	if (!g->flooding)
		return false;
	g->flood_refused++;
	env->count.flood_refused++;
	snprintf(g->last_refusal, sizeof(g->last_refusal),
		 "more than %" PRIu32 " updates per second", env->cfg.flood_limit);
	log_refusal(env, who, g, BALLAST_KEY_SEQ, "flooding");
	g->last_seq = seq;	/* the flood itself is not held against it later */
	return true;
}

static void read_stock_feature(struct bd_env *env, uint32_t domid,
			       struct bd_guest *g)
{
	char path[BALLAST_PATH_MAX], *val = NULL;
	size_t len = 0;

	g->stock_feature = false;
	if (ballast_path(path, sizeof(path), BALLAST_AT_DOMAIN, domid,
			 BALLAST_STOCK_FEATURE_BALLOON, NULL))
		return;
	if (bio_read(&env->io, BIO_TXN_NONE, path, &val, &len))
		return;
	g->stock_feature = len == 1 && val[0] == '1';
	free(val);
}

void bd_guest_read_frontend(struct bd_env *env, const struct bd_who *who,
			    struct bd_guest *g)
{
	enum ballast_verdict v;
	uint64_t fe;

	v = read_data_key(env, who->domid, BALLAST_KEY_FRONTEND,
			  BALLAST_K_FRONTEND, &fe);
	if (v == BALLAST_E_MISSING)
		g->frontend = BSCHED_FE_NONE;	/* none, or the agent went away */
	else if (v != BALLAST_OK)
		refuse(env, who, g, BALLAST_KEY_FRONTEND, v);
	else
		g->frontend = fe == BALLAST_FRONTEND_DRIVER ? BSCHED_FE_DRIVER :
							      BSCHED_FE_AGENT;
	if (g->frontend == BSCHED_FE_NONE)
		read_stock_feature(env, who->domid, g);
}

/* Reads the report's values; false (one of them refused) if any is invalid. */
static bool read_values(struct bd_env *env, const struct bd_who *who,
			struct bd_guest *g, uint64_t vals[N_STAT_KEYS],
			bool got[N_STAT_KEYS])
{
	enum ballast_verdict v;

	for (size_t i = 0; i < N_STAT_KEYS; i++) {
		v = read_data_key(env, who->domid, stat_keys[i].name,
				  stat_keys[i].id, &vals[i]);
		if (v == BALLAST_E_MISSING && !stat_keys[i].required)
			continue;
		if (v != BALLAST_OK) {
			refuse(env, who, g, stat_keys[i].name, v);
			return false;
		}
		got[i] = true;
	}
	if (got[S_PROTOCOL] && vals[S_PROTOCOL] != BALLAST_PROTOCOL_VERSION) {
		refuse(env, who, g, BALLAST_KEY_PROTOCOL, BALLAST_E_ABOVE_MAX);
		return false;
	}
	return true;
}

/* Nothing of a report counts unless every value is valid. */
void bd_guest_read_report(struct bd_env *env, const struct bd_who *who,
			  struct bd_guest *g, const struct bd_report_ref *resumed,
			  uint64_t now_ms)
{
	uint64_t vals[N_STAT_KEYS] = { 0 };
	bool got[N_STAT_KEYS] = { false };
	uint64_t seq, seq_after;
	enum ballast_verdict v;

	flood_window(env, g, now_ms);	/* a quiet guest is no longer flooding */
	v = read_data_key(env, who->domid, BALLAST_KEY_SEQ, BALLAST_K_SEQ, &seq);
	if (v == BALLAST_E_MISSING)
		return;
	if (v != BALLAST_OK) {
		refuse(env, who, g, BALLAST_KEY_SEQ, v);
		return;
	}
	if (seq == g->last_seq && g->used.taken_ms)
		return;		/* nothing new */
	v = ballast_check_seq(g->last_seq, seq);
	if (v != BALLAST_OK) {
		refuse(env, who, g, BALLAST_KEY_SEQ, v);
		return;
	}
	if (flood_check(env, who, g, now_ms, seq) ||
	    !read_values(env, who, g, vals, got))
		return;
	/* A report rewritten while we read it is taken next tick instead. */
	v = read_data_key(env, who->domid, BALLAST_KEY_SEQ, BALLAST_K_SEQ, &seq_after);
	if (v != BALLAST_OK || seq_after != seq)
		return;
	g->last_seq = seq;
	/* the report a previous process used: as old as it was then */
	g->used = (struct bd_report_ref){
		.seq = seq,
		.taken_ms = !g->took_report && seq == resumed->seq ?
			    resumed->taken_ms : now_ms,
	};
	g->took_report = true;
	g->stats = (struct bsched_stats){
		.present = true,
		.mem_total_kib = vals[S_CURRENT],
		.mem_available_kib = vals[S_MEM_AVAILABLE],
		.committed_as_kib = vals[S_COMMITTED_AS],
		.psi_some_avg10_centipct = (uint32_t)vals[S_PSI_SOME],
		.psi_full_avg10_centipct = (uint32_t)vals[S_PSI_FULL],
		.swap_in = vals[S_SWAP_IN],
		.swap_out = vals[S_SWAP_OUT],
		.major_faults = vals[S_MAJOR_FAULTS],
		.oom_kills = vals[S_OOM_KILLS],
		.floor_kib = vals[S_FLOOR],
		.ballooned_kib = vals[S_BALLOONED],
		.psi_present = got[S_PSI_SOME],
	};
	g->cpu = (struct bd_guest_cpu){
		.present = got[S_LOAD_AVG1],
		.cpus_online = vals[S_CPUS_ONLINE],
		.psi_cpu_some_centipct = vals[S_PSI_CPU],
		.load_avg1_centi = vals[S_LOAD_AVG1],
		.runnable = vals[S_RUNNABLE],
		.has_steal = got[S_STEAL],
		.steal_ms = vals[S_STEAL],
		.offline_refusals = vals[S_CPU_REFUSALS],
		.refused_cpu = vals[S_CPU_REFUSED],
	};
	g->state = got[S_STATE] ? (int)vals[S_STATE] : -1;
	/* since the first report that said so: a report cannot restart it */
	if (g->state != BALLAST_STATE_UNLOADING)
		g->unloading_since_ms = 0;
	else if (!g->unloading_since_ms)
		g->unloading_since_ms = now_ms ? now_ms : 1;
}
