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

/* One gauge per domain: @value picks it from a domain's last decision. */
static void gauge(FILE *f, const struct bd_table *t, const char *name,
		  uint64_t (*value)(const struct bd_dom *d))
{
	fprintf(f, "# TYPE %s gauge\n", name);
	for (size_t i = 0; i < t->n; i++)
		fprintf(f, "%s{domain=\"%s\",domid=\"%" PRIu32 "\"} %" PRIu64 "\n",
			name, t->d[i].who.name, t->d[i].who.domid, value(&t->d[i]));
}

static uint64_t target_of(const struct bd_dom *d)
{
	return d->last.target_kib;
}

static uint64_t demand_of(const struct bd_dom *d)
{
	return d->last.demand_kib;
}

static uint64_t uncooperative_of(const struct bd_dom *d)
{
	return d->last.uncooperative;
}

static void counter(FILE *f, const char *name, uint64_t v)
{
	fprintf(f, "# TYPE %s counter\n%s %" PRIu64 "\n", name, name, v);
}

/* Prometheus text format, replaced atomically. */
int bd_write_metrics(struct bd_env *env, const struct bd_table *t)
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
	counter(f, "ballast_ticks_total", env->count.ticks);
	counter(f, "ballast_xs_retries_total", env->count.xs_retries);
	counter(f, "ballast_xs_giveups_total", env->count.xs_giveups);
	counter(f, "ballast_refused_reports_total", env->count.refused_reports);
	counter(f, "ballast_flood_refused_total", env->count.flood_refused);
	fprintf(f, "# TYPE ballast_dry_run gauge\nballast_dry_run %d\n", env->dry_run);
	gauge(f, t, "ballast_domain_target_kib", target_of);
	gauge(f, t, "ballast_domain_demand_kib", demand_of);
	gauge(f, t, "ballast_domain_uncooperative", uncooperative_of);
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
