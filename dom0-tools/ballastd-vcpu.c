// SPDX-License-Identifier: MIT
/*
 * A domain's processors: see ballastd-vcpu.h. The count ballastd acts on is
 * Xen's (xc_vcpu_getinfo().online), never the guest's cpus-online; the
 * guest's CPU evidence is untrusted and was validated with its report
 * (ballastd-guest.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ballastd-vcpu.h"
#include "status-json.h"

/* Its [domain] section; none for a name cut to fit (it would be another's). */
static const struct bd_domain_conf *conf_of(const struct bd_env *env,
					    const struct bd_who *who,
					    const struct bd_sub *s)
{
	return s->name_cut || !who->name[0] ? NULL :
	       bd_config_domain(&env->cfg, who->name);
}

/* A `ballastctl set` override, dom0-only and still validated; false if none. */
static bool read_override(struct bd_env *env, const struct bd_who *who,
			  const struct bd_sub *s, const char *key,
			  enum ballast_key_id id, uint64_t *out)
{
	char path[BALLAST_PATH_MAX];

	if (!who->name[0] || s->name_cut ||
	    ballast_path(path, sizeof(path), BALLAST_AT_TOOL, 0,
			 BALLAST_TOOL_POLICY, who->name, key, NULL))
		return false;
	return bd_read_key(env, path, id, out) == BALLAST_OK;
}

/* HVM proper: Xen's flag is set for PVH too, libxl's type tells them apart
 * (libxl__domain_type(): no type readable is taken as HVM, as there). */
static bool is_hvm(struct bd_env *env, const struct bio_dominfo *info)
{
	char path[BALLAST_PATH_MAX], *val = NULL;
	size_t len = 0;
	bool hvm = true;

	if (!info->hvm)
		return false;
	if (ballast_path(path, sizeof(path), BALLAST_AT_LIBXL, info->domid,
			 BALLAST_STOCK_LIBXL_TYPE, NULL) ||
	    bio_read(&env->io, BIO_TXN_NONE, path, &val, &len))
		return true;
	hvm = !(len == 3 && !memcmp(val, "pvh", 3));
	free(val);
	return hvm;
}

/* [vcpus-min, vcpus-max] and the CPU shares, within [1, maxvcpus]. */
static void resolve_subscription(struct bd_env *env, const struct bd_who *who,
				 struct bd_vcpu *v, const struct bd_sub *s)
{
	const struct bd_domain_conf *dc = conf_of(env, who, s);
	uint64_t o;

	v->vcpus_min = dc && dc->has_vcpus_min ? dc->vcpus_min :
		       env->cfg.default_vcpus_min;
	v->vcpus_max = dc && dc->has_vcpus_max ? dc->vcpus_max : v->max_vcpus;
	v->shares = dc && dc->has_cpu_shares ? dc->cpu_shares :
		    env->cfg.default_cpu_shares;
	if (read_override(env, who, s, BALLAST_KEY_VCPUS_MIN,
			  BALLAST_K_POLICY_VCPUS_MIN, &o))
		v->vcpus_min = (uint32_t)o;
	if (read_override(env, who, s, BALLAST_KEY_VCPUS_MAX,
			  BALLAST_K_POLICY_VCPUS_MAX, &o))
		v->vcpus_max = (uint32_t)o;
	if (read_override(env, who, s, BALLAST_KEY_CPU_SHARES,
			  BALLAST_K_POLICY_CPU_SHARES, &o))
		v->shares = (uint32_t)o;
	if (v->vcpus_max > v->max_vcpus)
		v->vcpus_max = v->max_vcpus;
	if (v->vcpus_min > v->vcpus_max)
		v->vcpus_min = v->vcpus_max;
	if (v->vcpus_min < 1)
		v->vcpus_min = 1;
	if (v->shares < 1)
		v->shares = 1;
}

/* On unless its [domain] or `ballastctl set ... vcpu-scaling=0` says off. */
static bool scaling_wanted(struct bd_env *env, const struct bd_who *who,
			   const struct bd_sub *s)
{
	const struct bd_domain_conf *dc = conf_of(env, who, s);
	bool on = dc && dc->has_vcpu_scaling ? dc->vcpu_scaling : true;
	uint64_t o;

	if (read_override(env, who, s, BALLAST_KEY_VCPU_SCALING,
			  BALLAST_K_POLICY_VCPU_SCALING, &o))
		on = o == 1;
	return on;
}

/* The online nodes of cpu/N/availability counted from vCPU 0 up to the
 * first that is not "online" (SCHEMA.md: how a restart resumes). */
static uint32_t read_target(struct bd_env *env, uint32_t domid,
			    uint32_t max_vcpus)
{
	uint32_t k;

	for (k = 0; k < max_vcpus; k++) {
		char rel[48], path[BALLAST_PATH_MAX], *val = NULL;
		size_t len = 0;
		uint64_t a;
		bool online;

		snprintf(rel, sizeof(rel), BALLAST_STOCK_CPU_AVAILABILITY_FMT, k);
		if (ballast_path(path, sizeof(path), BALLAST_AT_DOMAIN, domid, rel, NULL) ||
		    bio_read(&env->io, BIO_TXN_NONE, path, &val, &len))
			break;
		online = ballast_parse_cpu_availability(val, len, &a) == BALLAST_OK &&
			 a == BALLAST_CPU_ONLINE;
		free(val);
		if (!online)
			break;
	}
	return k;
}

/*
 * The guest's evidence in the policy's terms. Steal is cumulative: two
 * reports make a share of the online vCPUs' time between them.
 */
static void read_evidence(struct bd_vcpu *v, const struct bd_guest *g,
			  uint64_t now_ms)
{
	const struct bd_guest_cpu *c = &g->cpu;
	uint32_t steal = v->stats.steal_centipct;

	if (!g->stats.present || !c->present) {
		v->stats = (struct bsched_vcpu_stats){ 0 };
		return;
	}
	if (!c->has_steal) {
		steal = 0;
		v->steal_seq = 0;
	} else if (g->used.seq != v->steal_seq) {
		uint64_t dt = g->used.taken_ms - v->steal_taken_ms;
		uint32_t n = v->online_vcpus ? v->online_vcpus : 1;

		steal = 0;
		/* a guest that went back (restarted, or lies) teaches nothing */
		if (v->steal_seq && c->steal_ms >= v->steal_ms &&
		    g->used.taken_ms > v->steal_taken_ms) {
			uint64_t d = c->steal_ms - v->steal_ms;

			steal = d >= dt * n ? BALLAST_MAX_CENTIPCT :
				(uint32_t)(d * BALLAST_MAX_CENTIPCT / (dt * n));
		}
		v->steal_seq = g->used.seq;
		v->steal_ms = c->steal_ms;
		v->steal_taken_ms = g->used.taken_ms;
	}
	v->stats = (struct bsched_vcpu_stats){
		.present = true,
		.age_ms = now_ms - g->used.taken_ms,
		.psi_cpu_some_avg10_centipct = (uint32_t)c->psi_cpu_some_centipct,
		.load_avg1_centi = (uint32_t)c->load_avg1_centi,
		.runnable = (uint32_t)c->runnable,
		.steal_centipct = steal,
		.offline_refusals = c->offline_refusals,
	};
}

int bd_vcpu_read(struct bd_env *env, const struct bd_who *who,
		 struct bd_vcpu *v, const struct bd_sub *s,
		 const struct bd_guest *g, const struct bio_dominfo *info,
		 uint64_t now_ms)
{
	uint32_t online = 0;
	int rc;

	v->known = false;
	if (!env->cfg.vcpu_scaling)
		return 0;
	v->max_vcpus = info->max_vcpus ? info->max_vcpus : 1;
	if (v->max_vcpus > BALLAST_MAX_VCPUS)
		v->max_vcpus = BALLAST_MAX_VCPUS;
	rc = env->io.ops->vcpus_online(env->io.ctx, who->domid, v->max_vcpus,
				       &online);
	if (rc)
		return rc;
	v->online_vcpus = online;
	v->hvm = is_hvm(env, info);
	if (v->hvm && !v->hvm_said && who->domid != 0)
		bd_log(env, LOG_INFO, "%s (%" PRIu32 "): HVM: its vCPU count is left alone "
		       "(it would need QEMU's cpu-add)", who->name, who->domid);
	v->hvm_said = v->hvm_said || v->hvm;
	v->has_frontend = s->frontend == BSCHED_FE_DRIVER ||
			  s->frontend == BSCHED_FE_AGENT;
	v->enabled = who->domid != 0 && !v->hvm && !s->building &&
		     scaling_wanted(env, who, s);
	resolve_subscription(env, who, v, s);
	v->target_vcpus = v->enabled ? read_target(env, who->domid, v->max_vcpus) : 0;
	read_evidence(v, g, now_ms);
	v->known = true;
	return 0;
}

void bd_vcpu_snapshot(const struct bd_vcpu *v, uint32_t domid,
		      struct bsched_vcpu_domain *out)
{
	*out = (struct bsched_vcpu_domain){
		.domid = domid,
		.enabled = v->enabled,
		.has_frontend = v->has_frontend,
		.vcpus_min = v->vcpus_min,
		.vcpus_max = v->vcpus_max,
		.shares = v->shares,
		.maxvcpus = v->max_vcpus,
		/* Xen counts vCPU 0 online always; a count of 0 is a read of a
		 * domain not yet running, taken as 1 */
		.online_vcpus = v->online_vcpus ? v->online_vcpus : 1,
		.target_vcpus = v->target_vcpus,
		.stats = v->stats,
	};
}

/* --- the write: every node in one transaction ------------------------------- */

struct vcpu_plan {
	uint32_t domid;
	uint32_t max_vcpus;
	uint32_t target_vcpus;
};

static int plan_run(const struct bio *io, bio_txn t, void *arg)
{
	const struct vcpu_plan *p = arg;
	char path[BALLAST_PATH_MAX], *val = NULL;
	int rc;

	/* Inside the transaction: a domain gone now makes the commit moot. */
	rc = ballast_path(path, sizeof(path), BALLAST_AT_DOMAIN, p->domid, NULL);
	if (!rc)
		rc = bio_read(io, t, path, &val, NULL);
	free(val);
	if (rc)
		return rc == -ENOENT ? -ESRCH : rc;
	for (uint32_t k = 0; k < p->max_vcpus; k++) {
		enum ballast_cpu_availability a = k < p->target_vcpus ?
			BALLAST_CPU_ONLINE : BALLAST_CPU_OFFLINE;
		char rel[48];

		snprintf(rel, sizeof(rel), BALLAST_STOCK_CPU_AVAILABILITY_FMT, k);
		rc = ballast_path(path, sizeof(path), BALLAST_AT_DOMAIN, p->domid,
				  rel, NULL);
		if (!rc)
			rc = bio_write_str(io, t, path, ballast_cpu_availability_word(a));
		if (rc)
			return rc;
	}
	return 0;
}

static void log_refused(struct bd_env *env, const struct bd_who *who,
			struct bd_vcpu *v, const struct bsched_vcpu_decision *dec,
			struct bd_log_budget *lines)
{
	v->refusals++;
	bd_log_guest(env, lines, LOG_WARNING,
		     "%s (%" PRIu32 "): the guest did not take its vCPU count to %" PRIu32
		     " (Xen has %" PRIu32 " online, %" PRIu64 " offline refusals reported): "
		     "back to %" PRIu32 ", step %" PRIu32 " (%" PRIu64 " refused so far)",
		     who->name, who->domid, v->target_vcpus, v->online_vcpus,
		     v->stats.offline_refusals, dec->target_vcpus, dec->step_vcpus,
		     v->refusals);
}

int bd_vcpu_apply(struct bd_env *env, const struct bd_who *who,
		  struct bd_vcpu *v, const struct bsched_vcpu_decision *dec,
		  struct bd_log_budget *lines)
{
	struct vcpu_plan p = { .domid = who->domid, .max_vcpus = v->max_vcpus,
			       .target_vcpus = dec->target_vcpus };
	unsigned int tries = 0;
	int rc;

	v->last = *dec;
	if (dec->refused)
		log_refused(env, who, v, dec, lines);
	if (!dec->target_changed)
		return 0;
	/* vCPU 0 is never offline, no node beyond maxvcpus, HVM never */
	if (!v->enabled || dec->target_vcpus < 1 || dec->target_vcpus > v->max_vcpus) {
		bd_log_failure(env, &v->write_log, LOG_ERR,
			       "%s (%" PRIu32 "): refusing a vCPU target of %" PRIu32
			       " (maxvcpus %" PRIu32 "%s)", who->name, who->domid,
			       dec->target_vcpus, v->max_vcpus,
			       v->enabled ? "" : ", not driven");
		return -EINVAL;
	}
	rc = bio_txn_run(&env->io, env->cfg.xs_tries, plan_run, &p, &tries);
	if (tries > 1)
		env->count.xs_retries += tries - 1;
	if (rc == -ESRCH) {
		env->count.vanished++;
		return rc;
	}
	if (rc) {
		if (rc == -EAGAIN)
			env->count.xs_giveups++;
		bd_log_failure(env, &v->write_log, LOG_WARNING,
			       "%s (%" PRIu32 "): writing cpu/N/availability failed%s: %s; next tick retries",
			       who->name, who->domid,
			       rc == -EAGAIN ? " (xenstore kept conflicting)" : "",
			       strerror(-rc));
		return rc;
	}
	bd_log_recovered(env, &v->write_log, "%s (%" PRIu32 "): cpu/N/availability writes",
			 who->name, who->domid);
	env->count.writes += p.max_vcpus;
	v->changes++;
	bd_log_guest(env, lines, LOG_INFO, "%s (%" PRIu32 "): vCPUs %" PRIu32 " -> %" PRIu32
		     " (%s; online %" PRIu32 " of %" PRIu32 ")%s", who->name, who->domid,
		     v->target_vcpus ? v->target_vcpus : v->online_vcpus,
		     dec->target_vcpus, bsched_vcpu_bound_str(dec->bound),
		     v->online_vcpus, v->max_vcpus, env->dry_run ? " [dry-run]" : "");
	v->target_vcpus = dec->target_vcpus;
	return 0;
}

uint32_t bd_vcpu_target(const struct bd_vcpu *v)
{
	return v->last.target_vcpus ? v->last.target_vcpus : v->target_vcpus;
}

void bd_vcpu_json(yajl_gen g, const struct bd_vcpu *v)
{
	sj_bool(g, SJ_VCPU_SCALING, v->known && v->enabled);
	/* not read this tick (the host switch off, Xen not answering): no
	 * counts, which ballastctl shows as unknown, not as 0 */
	if (!v->known)
		return;
	sj_bool(g, SJ_VCPU_HVM, v->hvm);
	sj_u64(g, SJ_VCPUS_ONLINE, v->online_vcpus);
	sj_u64(g, SJ_VCPUS_TARGET, bd_vcpu_target(v));
	sj_u64(g, SJ_VCPUS_WANT, v->last.want_vcpus);
	sj_u64(g, SJ_VCPUS_MIN, v->vcpus_min);
	sj_u64(g, SJ_VCPUS_MAX, v->vcpus_max);
	sj_u64(g, SJ_MAXVCPUS, v->max_vcpus);
	sj_u64(g, SJ_CPU_SHARES, v->shares);
	sj_str(g, SJ_VCPU_BOUND, bsched_vcpu_bound_str(v->last.bound));
	sj_u64(g, SJ_VCPU_REFUSALS, v->refusals);
	sj_u64(g, SJ_VCPU_STEAL, v->stats.steal_centipct);
}
