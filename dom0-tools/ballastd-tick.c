// SPDX-License-Identifier: MIT
/*
 * ballastd's tick: snapshot -> bsched_tick -> dispatch. The snapshot asks
 * each topic file for its part of a domain; the dispatch hands each part of
 * the policy's result to the file that carries it out. Also init and reload.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ballastd-publish.h"
#include "ballastd-watch.h"
#include "ballastd.h"

int bd_reload(struct ballastd *bd)
{
	char err[BD_ERR_MAX];

	if (!bd->config_path)
		return 0;
	if (bd_config_load(bd->config_path, &bd->env.cfg, err, sizeof(err))) {
		bd_log(&bd->env, LOG_ERR, "reload: %s; keeping the previous configuration", err);
		return -1;
	}
	bd_log(&bd->env, LOG_INFO, "reload: %s loaded", bd->config_path);
	bd->tick_due = true;
	return 0;
}

int bd_init(struct ballastd *bd, const struct bio *io, const char *config_path,
	    FILE *dry_out, char *err, size_t err_len)
{
	char status[BALLAST_PATH_MAX];

	memset(bd, 0, sizeof(*bd));
	bd->env.log_out = stderr;
	bd->config_path = config_path;
	bd_config_defaults(&bd->env.cfg);
	if (config_path && bd_config_load(config_path, &bd->env.cfg, err, err_len))
		goto out_config;
	bd->policy = bsched_state_new();
	if (!bd->policy)
		goto out_nomem;
	bd->vcpu_policy = bsched_vcpu_state_new();
	if (!bd->vcpu_policy)
		goto out_policy;
	bd->env.io = *io;
	if (dry_out) {
		/* its own status goes through: tools must see it is a dry run */
		if (ballast_path(status, sizeof(status), BALLAST_AT_TOOL, 0,
				 BALLAST_KEY_STATUS, NULL) ||
		    bio_dryrun_open(&bd->env.io, io, dry_out, status))
			goto out_policy;
		bd->env.dry_run = true;
	}
	return 0;

out_policy:
	bsched_vcpu_state_free(bd->vcpu_policy);
	bsched_state_free(bd->policy);
out_nomem:
	snprintf(err, err_len, "out of memory");
out_config:
	bd_config_free(&bd->env.cfg);
	return -1;
}

void bd_fini(struct ballastd *bd)
{
	bd_table_free(&bd->doms);
	bd_res_free(&bd->res);
	free(bd->daemon_json);
	bsched_vcpu_state_free(bd->vcpu_policy);
	bsched_state_free(bd->policy);
	bd_config_free(&bd->env.cfg);
	bio_close(&bd->env.io);
	memset(bd, 0, sizeof(*bd));
}

/* Domains that were in the last tick and not in this one: clean up. */
static void forget_absent(struct ballastd *bd)
{
	struct bd_env *env = &bd->env;
	char path[BALLAST_PATH_MAX];
	size_t i = 0;

	while (i < bd->doms.n) {
		struct bd_dom *d = &bd->doms.d[i];

		if (d->present) {
			i++;
			continue;
		}
		/* one that never joined (no name yet) leaves without a word */
		if (d->joined)
			bd_log(env, LOG_INFO, "%s (%" PRIu32 "): left", d->who.name,
			       d->who.domid);
		if (d->joined &&
		    !ballast_path(path, sizeof(path), BALLAST_AT_TOOL_DOMAIN,
				  d->who.domid, NULL))
			env->io.ops->rm(env->io.ctx, BIO_TXN_NONE, path);
		bd_unwatch_guest(env, d->who.domid, &d->watched);
		bd_dom_drop(&bd->doms, i);
	}
}

/* Each topic file's part of one domain, into @out. -ESRCH: it is gone;
 * another -errno: it could not be read this tick. */
static int snapshot_one(struct bd_env *env, struct bd_dom *d,
			const struct bio_dominfo *info, uint64_t now_ms,
			struct bsched_domain *out)
{
	int rc = bd_sub_identify(env, &d->who, &d->sub, info);

	if (rc)
		return rc;
	bd_guest_read_frontend(env, &d->who, &d->guest);
	if (!d->resume.state_read)
		bd_resume_read(env, &d->who, &d->resume, now_ms);
	bd_guest_read_report(env, &d->who, &d->guest, &d->resume.resumed, now_ms);
	bd_sub_resolve(env, &d->who, &d->sub, &d->guest, info);
	rc = bd_vcpu_read(env, &d->who, &d->vcpu, &d->sub, &d->guest, info,
			  now_ms);
	if (rc == -ESRCH)
		return rc;
	/* Xen not answering about vCPUs: memory goes on, vCPUs wait */
	*out = (struct bsched_domain){
		.domid = d->who.domid,
		.frontend = d->sub.frontend,
		.managed = d->sub.managed,
		.min_kib = d->sub.min_kib,
		.max_kib = d->sub.max_kib,
		.shares = d->sub.shares,
		.actual_kib = info->tot_kib,
		.static_max_kib = d->sub.static_max_kib,
		.maxmem_kib = info->max_kib,
		.stats = d->guest.stats,
		.releasing = d->guest.state == BALLAST_STATE_UNLOADING,
		.releasing_ms = d->guest.unloading_since_ms ?
				now_ms - d->guest.unloading_since_ms : 0,
		.lift_above_max = d->sub.lift_above_max,
		.resume_boost_pct = d->resume.boost_pct,
		.probe = d->sub.probe,
	};
	snprintf(out->name, sizeof(out->name), "%s", d->who.name);
	if (d->guest.stats.present)
		out->stats.age_ms = now_ms - d->guest.used.taken_ms;
	bd_pub_read(env, &d->pub, out);
	return 0;
}

static void log_join(struct bd_env *env, const struct bd_dom *d,
		     const struct bio_dominfo *info)
{
	bd_log(env, LOG_INFO, "%s (%" PRIu32 "): joined, %s, %" PRIu64
	       " KiB, subscription %" PRIu64 "..%" PRIu64 " KiB x%" PRIu32 "%s",
	       d->who.name, d->who.domid, bsched_frontend_str(d->sub.frontend),
	       info->tot_kib, d->sub.min_kib, d->sub.max_kib, d->sub.shares,
	       d->sub.managed ? "" : d->sub.building ?
	       " (being built: not steered yet)" : " (not managed)");
}

/* Reads every running domain into @out, their ids into @ids, in one order. */
static int snapshot_domains(struct ballastd *bd, uint64_t now_ms,
			    struct bsched_domain **out, uint32_t **ids,
			    size_t *n_out)
{
	struct bio_dominfo *info = NULL;
	struct bsched_domain *snap;
	size_t n = 0, count = 0;
	int rc;

	rc = bd->env.io.ops->list_domains(bd->env.io.ctx, &info, &n);
	if (rc)
		return rc;
	snap = calloc(n ? n : 1, sizeof(*snap));
	*ids = calloc(n ? n : 1, sizeof(**ids));
	if (!snap || !*ids) {
		free(snap);
		free(*ids);
		free(info);
		return -ENOMEM;
	}
	for (size_t i = 0; i < bd->doms.n; i++)
		bd->doms.d[i].present = false;
	for (size_t i = 0; i < n; i++) {
		struct bd_dom *d;
		int one;

		if (info[i].dying || info[i].shutdown)
			continue;
		d = bd_dom_get(&bd->doms, info[i].domid, true);
		if (!d) {
			rc = -ENOMEM;
			break;
		}
		one = snapshot_one(&bd->env, d, &info[i], now_ms, &snap[count]);
		if (one == -ESRCH) {
			bd->env.count.vanished++;	/* gone between list and read */
			continue;
		}
		if (one) {
			/* kept, with its restart state, and left alone this tick */
			d->present = true;
			bd_log_failure(&bd->env, &d->broken_log, LOG_WARNING,
				       "%s (%" PRIu32 "): unreadable, left alone this tick: %s",
				       d->who.name, d->who.domid, strerror(-one));
			continue;
		}
		bd_log_recovered(&bd->env, &d->broken_log, "%s (%" PRIu32 "): reads",
				 d->who.name, d->who.domid);
		d->present = true;
		if (!d->joined && !d->resume.known)
			log_join(&bd->env, d, &info[i]);
		d->joined = true;
		bd_watch_guest(&bd->env, d->who.domid, &d->watched);
		(*ids)[count] = d->who.domid;
		count++;
	}
	free(info);
	if (rc) {
		free(snap);
		free(*ids);
		return rc;
	}
	*out = snap;
	*n_out = count;
	return 0;
}

/* The policy's result to the files that carry it out; then publish. */
static void dispatch(struct ballastd *bd, const struct bsched_result *result,
		     const struct bsched_domain *snap, const uint32_t *ids,
		     size_t n)
{
	for (size_t i = 0; i < bd->doms.n; i++)
		bd->doms.d[i].refused_reservation = 0;
	for (size_t i = 0; i < result->n_answers && i < bd->res.n; i++) {
		const struct bsched_answer *ans = &result->answers[i];

		for (size_t j = 0; j < ans->n_refusers; j++) {
			struct bd_dom *d = bd_dom_get(&bd->doms, ans->refusers[j], false);

			if (d)
				d->refused_reservation = bd->res.res[i].id;
		}
		bd_res_answer(&bd->env, &bd->res, i, ans);
	}
	for (size_t i = 0; i < result->n_decisions && i < n; i++) {
		struct bd_dom *d = bd_dom_get(&bd->doms, ids[i], false);

		if (!d)
			continue;
		d->last = result->decisions[i];
		d->actual_kib = snap[i].actual_kib;
		if (d->last.bound == BSCHED_BOUND_INVALID)
			bd_log_failure(&bd->env, &d->broken_log, LOG_WARNING,
				       "%s (%" PRIu32 "): inconsistent (min %" PRIu64 ", max %" PRIu64
				       ", static-max %" PRIu64 " KiB, shares %" PRIu32 "): left alone",
				       d->who.name, d->who.domid, snap[i].min_kib,
				       snap[i].max_kib, snap[i].static_max_kib, snap[i].shares);
		bd_txn_apply(&bd->env, &d->who, &d->pub, &d->resume,
			     d->guest.stats.present ? &d->guest.used : NULL,
			     &snap[i], &result->decisions[i], &d->guest.lines);
	}
	for (size_t i = 0; i < bd->doms.n; i++)
		bd_publish_status(&bd->env, &bd->doms.d[i], &bd->doms.d[i].status_json);
	bd_publish_daemon(&bd->env, &bd->daemon_json);
}

int bd_tick(struct ballastd *bd)
{
	struct bd_env *env = &bd->env;
	uint64_t now_ms = env->io.ops->now_ms(env->io.ctx);
	struct bsched_reservation *res = NULL;
	struct bsched_domain *snap = NULL;
	struct bsched_result result = { 0 };
	struct bsched_snapshot s = { .now_ms = now_ms };
	struct bio_physinfo phys;
	uint32_t *ids = NULL;
	const char *what = "no snapshot";
	size_t n = 0;
	int rc;

	bd->tick_due = false;
	bd->last_tick_ms = now_ms;
	rc = env->io.ops->physinfo(env->io.ctx, &phys);
	if (rc)
		goto out_error;
	rc = snapshot_domains(bd, now_ms, &snap, &ids, &n);
	if (rc)
		goto out_error;
	forget_absent(bd);
	if (!bd->orphans_removed)
		bd->orphans_removed = bd_resume_remove_orphans(env, ids, n);
	what = "reservations unreadable";
	rc = bd_res_read(env, &bd->res, now_ms);
	if (!rc)
		rc = bd_res_snapshot(&bd->res, &res);
	if (rc)
		goto out_snap;
	s.host = (struct bsched_host){ .total_kib = phys.total_kib,
				       .free_kib = phys.free_kib,
				       .scrub_kib = phys.scrub_kib,
				       .outstanding_kib = phys.outstanding_kib };
	s.domains = snap;
	s.n_domains = n;
	s.reservations = res;
	s.n_reservations = bd->res.n;
	rc = bsched_tick(bd->policy, &env->cfg.policy, &s, &result);
	if (rc) {
		what = "the policy refused the snapshot";
		goto out_snap;
	}
	bd_vcpu_tick(bd, now_ms, phys.nr_cpus);
	dispatch(bd, &result, snap, ids, n);
	bd->host = bd_host_totals(&s.host, &result, env->cfg.policy.slush_kib);
	bd->host.pcpus = phys.nr_cpus;
	bd_trace_tick(env, &bd->trace, &s, &result);
	bsched_result_free(&result);
	env->count.ticks++;
	bd_publish_metrics(env, &bd->doms, &bd->host, &bd->metrics_log);
	bd_log_recovered(env, &bd->tick_log, "tick");
out_snap:
	free(res);
	free(snap);
	free(ids);
	if (!rc)
		return 0;
out_error:
	env->count.tick_errors++;
	bd_log_failure(env, &bd->tick_log, LOG_ERR, "tick failed: %s: %s", what,
		       strerror(-rc));
	return rc;
}
