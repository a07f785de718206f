// SPDX-License-Identifier: MIT
/* Publishing for tools: see ballastd-publish.h. dom0-only state. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "ballastd-publish.h"
#include "status-json.h"

/* Writes @json at @path if it differs from *@cache (which then owns a copy). */
static void publish_json(struct bd_env *env, const char *path,
			 const char *json, char **cache)
{
	char *copy;

	if (*cache && !strcmp(*cache, json))
		return;
	if (bio_write_str(&env->io, BIO_TXN_NONE, path, json))
		return;
	copy = strdup(json);
	if (!copy)
		return;
	free(*cache);
	*cache = copy;
}

/* Publishes what @g generated at @path through @cache, and frees @g. */
static void publish_gen(struct bd_env *env, yajl_gen g, const char *path,
			char **cache)
{
	const unsigned char *buf;
	size_t len;

	if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
		publish_json(env, path, (const char *)buf, cache);
	yajl_gen_free(g);
}

void bd_publish_status(struct bd_env *env, const struct bd_dom *d, char **cache)
{
	char path[BALLAST_PATH_MAX];
	yajl_gen g;

	if (ballast_path(path, sizeof(path), BALLAST_AT_TOOL_DOMAIN, d->who.domid,
			 BALLAST_KEY_STATUS, NULL))
		return;
	g = yajl_gen_alloc(NULL);
	if (!g)
		return;
	yajl_gen_map_open(g);
	sj_u64(g, SJ_DOMID, d->who.domid);
	sj_str(g, SJ_NAME, d->who.name);
	sj_str(g, SJ_FRONTEND, bsched_frontend_str(d->sub.frontend));
	sj_bool(g, SJ_MANAGED, d->sub.managed);
	sj_u64(g, SJ_MIN_KIB, d->sub.min_kib);
	sj_u64(g, SJ_MAX_KIB, d->sub.max_kib);
	sj_u64(g, SJ_SHARES, d->sub.shares);
	sj_u64(g, SJ_TARGET_KIB, d->last.target_kib);
	sj_u64(g, SJ_DEMAND_KIB, d->last.demand_kib);
	sj_u64(g, SJ_IDEAL_KIB, d->last.ideal_kib);
	sj_str(g, SJ_BOUND, bsched_bound_str(d->last.bound));
	sj_bool(g, SJ_STUCK, d->last.stuck);
	sj_bool(g, SJ_UNCOOPERATIVE, d->last.uncooperative);
	sj_bool(g, SJ_FLOODING, d->guest.flooding);
	sj_u64(g, SJ_REFUSED_REPORTS, d->guest.refused_reports);
	sj_u64(g, SJ_FLOOD_REFUSED, d->guest.flood_refused);
	sj_str(g, SJ_LAST_REFUSAL, d->guest.last_refusal);
	sj_u64(g, SJ_REFUSED_RESERVATION, d->refused_reservation);
	sj_str(g, SJ_PROBE, bsched_probe_str(d->last.probe));
	sj_u64(g, SJ_PROBE_CAP_KIB, d->last.probe_cap_kib);
	bd_vcpu_json(g, &d->vcpu);
	yajl_gen_map_close(g);
	publish_gen(env, g, path, cache);
}

void bd_publish_daemon(struct bd_env *env, char **cache)
{
	char path[BALLAST_PATH_MAX];
	yajl_gen g;

	if (ballast_path(path, sizeof(path), BALLAST_AT_TOOL, 0,
			 BALLAST_KEY_STATUS, NULL))
		return;
	g = yajl_gen_alloc(NULL);
	if (!g)
		return;
	yajl_gen_map_open(g);
	sj_u64(g, SJ_PID, (uint64_t)getpid());
	sj_u64(g, SJ_TICK_MS, env->cfg.tick_ms);
	sj_bool(g, SJ_DRY_RUN, env->dry_run);
	yajl_gen_map_close(g);
	publish_gen(env, g, path, cache);
}

/*
 * A label value in the text format: backslash, double quote and newline
 * escaped (names are printable already, ballastd-sub.c; this holds anyway).
 */
static void label_value(FILE *f, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(f, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

static void head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void host_gauge(FILE *f, const char *name, const char *help, uint64_t v)
{
	head(f, name, "gauge", help);
	fprintf(f, "%s %" PRIu64 "\n", name, v);
}

static void counter(FILE *f, const char *name, const char *help, uint64_t v)
{
	head(f, name, "counter", help);
	fprintf(f, "%s %" PRIu64 "\n", name, v);
}

/* A per-domain value: from its last decision or subscription, in its unit. */
struct dom_metric {
	const char *name;
	const char *help;
	uint64_t (*value)(const struct bd_dom *d);
};

static uint64_t actual_bytes(const struct bd_dom *d)
{
	return d->actual_kib * 1024;
}

static uint64_t target_bytes(const struct bd_dom *d)
{
	return d->last.target_kib * 1024;
}

static uint64_t min_bytes(const struct bd_dom *d)
{
	return d->sub.min_kib * 1024;
}

static uint64_t max_bytes(const struct bd_dom *d)
{
	return d->sub.max_kib * 1024;
}

static uint64_t demand_bytes(const struct bd_dom *d)
{
	return d->last.demand_kib * 1024;
}

static uint64_t managed_of(const struct bd_dom *d)
{
	return d->sub.managed;
}

static uint64_t stuck_of(const struct bd_dom *d)
{
	return d->last.stuck;
}

static uint64_t uncooperative_of(const struct bd_dom *d)
{
	return d->last.uncooperative;
}

static uint64_t refused_of(const struct bd_dom *d)
{
	return d->guest.refused_reports;
}

static uint64_t vcpus_online_of(const struct bd_dom *d)
{
	return d->vcpu.online_vcpus;
}

static uint64_t vcpus_target_of(const struct bd_dom *d)
{
	return bd_vcpu_target(&d->vcpu);
}

static uint64_t vcpus_min_of(const struct bd_dom *d)
{
	return d->vcpu.vcpus_min;
}

static uint64_t vcpus_max_of(const struct bd_dom *d)
{
	return d->vcpu.vcpus_max;
}

static bool vcpus_read(const struct bd_dom *d)
{
	return d->vcpu.known;
}

static const struct dom_metric vcpu_gauges[] = {
	{ "ballast_domain_vcpus_online", "vCPUs the domain has online, as Xen counts them.",
	  vcpus_online_of },
	{ "ballast_domain_vcpus_target", "The vCPU count ballastd set for the domain.",
	  vcpus_target_of },
	{ "ballast_domain_vcpus_min", "The domain's vcpus-min.", vcpus_min_of },
	{ "ballast_domain_vcpus_max", "The domain's vcpus-max (at most its maxvcpus).",
	  vcpus_max_of },
};

static const struct dom_metric dom_gauges[] = {
	{ "ballast_domain_actual_bytes", "Memory the domain has now, as Xen counts it.",
	  actual_bytes },
	{ "ballast_domain_target_bytes", "The target ballastd set for the domain.",
	  target_bytes },
	{ "ballast_domain_min_bytes", "The domain's subscription minimum.", min_bytes },
	{ "ballast_domain_max_bytes", "The domain's subscription maximum.", max_bytes },
	{ "ballast_domain_demand_bytes", "What the domain's guest reports ask for, clamped.",
	  demand_bytes },
	{ "ballast_domain_managed", "1 if ballastd steers the domain.", managed_of },
	{ "ballast_domain_stuck", "1 if the domain's balloon makes no progress.", stuck_of },
	{ "ballast_domain_uncooperative", "1 if the domain is flagged uncooperative.",
	  uncooperative_of },
};

/* @m of every domain in @t, or only of those @only says (NULL: all). */
static void dom_metric(FILE *f, const struct bd_table *t, const struct dom_metric *m,
		       const char *type, bool (*only)(const struct bd_dom *d))
{
	head(f, m->name, type, m->help);
	for (size_t i = 0; i < t->n; i++) {
		if (only && !only(&t->d[i]))
			continue;
		fprintf(f, "%s{domid=\"%" PRIu32 "\",name=\"", m->name, t->d[i].who.domid);
		label_value(f, t->d[i].who.name);
		fprintf(f, "\"} %" PRIu64 "\n", m->value(&t->d[i]));
	}
}

void bd_metrics_print(FILE *f, const struct bd_env *env, const struct bd_table *t,
		      const struct bd_host_totals *host)
{
	static const struct dom_metric refused = {
		"ballast_domain_refused_reports_total",
		"Guest reports refused as invalid, old or flooding.", refused_of,
	};

	host_gauge(f, "ballast_host_memory_total_bytes",
		   "Host memory Xen manages.", host->total_kib * 1024);
	host_gauge(f, "ballast_host_memory_free_bytes",
		   "Host memory free in Xen.", host->free_kib * 1024);
	host_gauge(f, "ballast_host_memory_slush_bytes",
		   "Host memory the policy always keeps free (slush).",
		   host->slush_kib * 1024);
	host_gauge(f, "ballast_host_memory_reserved_bytes",
		   "Host memory held out of the pool for reservations.",
		   host->reserved_kib * 1024);
	host_gauge(f, "ballast_host_pcpus", "Physical CPUs of the host, as Xen counts them.",
		   host->pcpus);
	head(f, "ballast_tick_interval_seconds", "gauge", "ballastd's tick (tick-ms).");
	fprintf(f, "ballast_tick_interval_seconds %" PRIu64 ".%03" PRIu64 "\n",
		env->cfg.tick_ms / 1000, env->cfg.tick_ms % 1000);
	host_gauge(f, "ballast_dry_run", "1 if ballastd runs with --dry-run.",
		   env->dry_run);
	host_gauge(f, "ballast_domains", "Domains ballastd sees.", t->n);
	counter(f, "ballast_ticks_total", "Ticks done.", env->count.ticks);
	counter(f, "ballast_tick_errors_total", "Ticks without a snapshot.",
		env->count.tick_errors);
	counter(f, "ballast_xenstore_writes_total", "xenstore writes committed.",
		env->count.writes);
	counter(f, "ballast_xenstore_retries_total",
		"xenstore transactions retried after a conflict.", env->count.xs_retries);
	counter(f, "ballast_xenstore_giveups_total",
		"xenstore transactions given up after xs-tries.", env->count.xs_giveups);
	counter(f, "ballast_domains_vanished_total", "Domains gone in the middle of a tick.",
		env->count.vanished);
	counter(f, "ballast_refused_reports_total",
		"Guest reports refused as invalid or old.", env->count.refused_reports);
	counter(f, "ballast_flood_refused_total",
		"Guest reports refused for flooding.", env->count.flood_refused);
	for (size_t i = 0; i < sizeof(dom_gauges) / sizeof(dom_gauges[0]); i++)
		dom_metric(f, t, &dom_gauges[i], "gauge", NULL);
	for (size_t i = 0; env->cfg.vcpu_scaling &&
	     i < sizeof(vcpu_gauges) / sizeof(vcpu_gauges[0]); i++)
		dom_metric(f, t, &vcpu_gauges[i], "gauge", vcpus_read);
	dom_metric(f, t, &refused, "counter", NULL);
}

/* Prometheus text format, replaced atomically. */
int bd_write_metrics(struct bd_env *env, const struct bd_table *t,
		     const struct bd_host_totals *host)
{
	char tmp[PATH_MAX + 8];
	FILE *f;
	int rc = 0;

	if (!env->cfg.metrics_file[0])
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp", env->cfg.metrics_file);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	bd_metrics_print(f, env, t, host);
	if (ferror(f))
		rc = -EIO;
	if (fclose(f) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, env->cfg.metrics_file))
		rc = -errno;
	if (rc)
		unlink(tmp);
	return rc;
}

struct bd_host_totals bd_host_totals(const struct bsched_host *h,
				     const struct bsched_result *result,
				     uint64_t slush_kib)
{
	struct bd_host_totals t = {
		.total_kib = h->total_kib,
		.free_kib = h->free_kib,
		.slush_kib = slush_kib,
	};

	for (size_t i = 0; i < result->n_answers; i++)
		t.reserved_kib += result->answers[i].held_kib;
	return t;
}

void bd_publish_metrics(struct bd_env *env, const struct bd_table *t,
			const struct bd_host_totals *host, struct bd_log_limit *log)
{
	int rc = bd_write_metrics(env, t, host);

	if (rc)
		bd_log_failure(env, log, LOG_WARNING, "metrics file %s: %s",
			       env->cfg.metrics_file, strerror(-rc));
	else
		bd_log_recovered(env, log, "metrics file");
}
