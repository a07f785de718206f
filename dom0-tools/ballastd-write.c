// SPDX-License-Identifier: MIT
/*
 * Effect side of a tick: turns decisions into xenstore writes and maxmem
 * calls, only for values that changed, each domain in one transaction that
 * first checks the domain still exists (a domain vanishing mid-write is
 * normal). --dry-run prints the same writes instead.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "ballastd.h"
#include "status-json.h"

#define PLAN_MAX	8	/* 4 keys under memory/ballast, 3 of saved state */

struct plan_item {
	char path[BD_PATH_MAX];
	char value[24];
};

struct write_plan {
	uint32_t domid;
	char dom_path[BD_PATH_MAX];
	bool make_ctl;			/* mkdir + perms n0 r<domid> */
	char ctl_path[BD_PATH_MAX];
	struct plan_item items[PLAN_MAX];
	unsigned int n;
};

static void plan_add(struct write_plan *p, const char *dir, const char *key,
		     uint64_t v)
{
	struct plan_item *it = &p->items[p->n];

	if (p->n == PLAN_MAX || bd_dom_path(it->path, p->domid, dir, key))
		return;
	snprintf(it->value, sizeof(it->value), "%" PRIu64, v);
	p->n++;
}

/* A key of the domain's saved state, /tool/ballast/domain/<domid>/@key. */
static void plan_add_state(struct write_plan *p, const char *key, uint64_t v)
{
	struct plan_item *it = &p->items[p->n];
	char id[16];

	snprintf(id, sizeof(id), "%" PRIu32, p->domid);
	if (p->n == PLAN_MAX || bd_tool_path(it->path, BALLAST_TOOL_DOMAIN, id, key))
		return;
	snprintf(it->value, sizeof(it->value), "%" PRIu64, v);
	p->n++;
}

/*
 * What a restarted ballastd needs and cannot read anywhere else: the PSI
 * boost the policy holds, and which report it uses and since when. In the
 * same transaction as the target it went into, so a SIGKILL never leaves
 * one without the other. Only values that changed; none in dry-run.
 */
static void plan_state(struct ballastd *bd, const struct bd_dom *d,
		       const struct bsched_decision *dec, struct write_plan *p)
{
	if (bd->dry_run)
		return;
	if (dec->boost_pct != d->pub_boost || !d->pub_boost_known)
		plan_add_state(p, BALLAST_KEY_BOOST, dec->boost_pct);
	if (d->stats.present && (d->used_seq != d->pub_report_seq ||
				 d->last_report_ms != d->pub_report_ms)) {
		plan_add_state(p, BALLAST_KEY_REPORT_SEQ, d->used_seq);
		plan_add_state(p, BALLAST_KEY_REPORT_RECEIVED, d->last_report_ms);
	}
}

static int plan_run(const struct bio *io, bio_txn t, void *arg)
{
	const struct write_plan *p = arg;
	char *val = NULL;
	int rc;

	/* Inside the transaction: a domain gone now makes the commit moot. */
	rc = bio_read(io, t, p->dom_path, &val, NULL);
	free(val);
	if (rc)
		return rc == -ENOENT ? -ESRCH : rc;
	if (p->make_ctl) {
		const struct bio_perm perms[2] = {
			{ 0, BIO_PERM_NONE }, { p->domid, BIO_PERM_READ },
		};

		rc = io->ops->mkdir(io->ctx, t, p->ctl_path);
		if (!rc)
			rc = io->ops->set_perms(io->ctx, t, p->ctl_path, perms, 2);
		if (rc)
			return rc;
	}
	for (unsigned int i = 0; i < p->n; i++) {
		rc = bio_write_str(io, t, p->items[i].path, p->items[i].value);
		if (rc)
			return rc;
	}
	return 0;
}

/* 0 on success, -ESRCH if the domain went away, else -errno (logged). */
static int plan_commit(struct ballastd *bd, struct bd_dom *d,
		       const struct write_plan *p)
{
	unsigned int tries = 0;
	int rc;

	if (!p->n && !p->make_ctl)
		return 0;
	if (bd->dry_run) {
		if (p->make_ctl)
			fprintf(bd->dry_out, "dry-run: mkdir %s perms n0 r%" PRIu32 "\n",
				p->ctl_path, p->domid);
		for (unsigned int i = 0; i < p->n; i++)
			fprintf(bd->dry_out, "dry-run: write %s = %s\n",
				p->items[i].path, p->items[i].value);
		return 0;
	}
	rc = bio_txn_run(&bd->io, bd->cfg.xs_tries, plan_run, (void *)p, &tries);
	if (tries > 1)
		bd->count.xs_retries += tries - 1;
	if (rc == -ESRCH) {
		bd->count.vanished++;
		return rc;
	}
	if (rc == -EAGAIN) {
		bd->count.xs_giveups++;
		bd_log_failure(bd, &d->write_log, LOG_WARNING,
			       "%s (%" PRIu32 "): xenstore kept conflicting, gave up after %u tries; next tick retries",
			       d->name, d->domid, tries);
		return rc;
	}
	if (rc) {
		bd_log_failure(bd, &d->write_log, LOG_WARNING,
			       "%s (%" PRIu32 "): xenstore write failed: %s",
			       d->name, d->domid, strerror(-rc));
		return rc;
	}
	bd_log_recovered(bd, &d->write_log, "%s (%" PRIu32 "): xenstore writes",
			 d->name, d->domid);
	if (tries > 1)
		bd_log(bd, LOG_NOTICE, "%s (%" PRIu32 "): xenstore conflict, committed after %u tries",
		       d->name, d->domid, tries);
	bd->count.writes += p->n;
	return 0;
}

/* After plan_state's writes were committed. */
static void state_published(struct ballastd *bd, struct bd_dom *d,
			    const struct bsched_decision *dec)
{
	if (bd->dry_run)
		return;
	d->pub_boost = dec->boost_pct;
	d->pub_boost_known = true;
	if (d->stats.present) {
		d->pub_report_seq = d->used_seq;
		d->pub_report_ms = d->last_report_ms;
	}
}

/* The saved state alone, for domains that get no other write. */
static void apply_state(struct ballastd *bd, struct bd_dom *d,
			const struct bsched_decision *dec)
{
	struct write_plan p = { .domid = d->domid };

	if (bd_dom_path(p.dom_path, d->domid, NULL, NULL))
		return;
	plan_state(bd, d, dec, &p);
	if (plan_commit(bd, d, &p) == 0)
		state_published(bd, d, dec);
}

static int set_maxmem(struct ballastd *bd, struct bd_dom *d, uint64_t kib)
{
	int rc;

	if (bd->dry_run) {
		fprintf(bd->dry_out, "dry-run: maxmem %" PRIu32 " = %" PRIu64 " KiB\n",
			d->domid, kib);
		return 0;
	}
	rc = bd->io.ops->set_maxmem(bd->io.ctx, d->domid, kib);
	if (rc && rc != -ESRCH)
		bd_log_failure(bd, &d->maxmem_log, LOG_WARNING,
			       "%s (%" PRIu32 "): setting maxmem to %" PRIu64 " KiB failed: %s",
			       d->name, d->domid, kib, strerror(-rc));
	else if (!rc)
		bd_log_recovered(bd, &d->maxmem_log, "%s (%" PRIu32 "): maxmem",
				 d->name, d->domid);
	return rc;
}

/* After a restart the directory and rates may already be right: adopt them. */
static void adopt_ctl(struct ballastd *bd, struct bd_dom *d)
{
	struct bio_perm perms[BIO_PERMS_MAX];
	unsigned int n = BIO_PERMS_MAX;
	char path[BD_PATH_MAX], *val = NULL;
	uint64_t v;

	if (bd_dom_path(path, d->domid, BALLAST_CTL_DIR, NULL))
		return;
	if (!bd->io.ops->get_perms(bd->io.ctx, BIO_TXN_NONE, path, perms, &n) &&
	    n == 2 && perms[0].domid == 0 && perms[0].access == BIO_PERM_NONE &&
	    perms[1].domid == d->domid && perms[1].access == BIO_PERM_READ)
		d->ctl_ready = true;
	if (bd_dom_path(path, d->domid, BALLAST_CTL_DIR, BALLAST_KEY_RATE_MIN) == 0 &&
	    bio_read(&bd->io, BIO_TXN_NONE, path, &val, NULL) == 0) {
		if (ballast_parse_key(BALLAST_K_RATE_MIN, val, strlen(val), &v) == BALLAST_OK)
			d->pub_rate_min = v;
		free(val);
	}
	if (bd_dom_path(path, d->domid, BALLAST_CTL_DIR, BALLAST_KEY_RATE_MAX) == 0 &&
	    bio_read(&bd->io, BIO_TXN_NONE, path, &val, NULL) == 0) {
		if (ballast_parse_key(BALLAST_K_RATE_MAX, val, strlen(val), &v) == BALLAST_OK)
			d->pub_rate_max = v;
		free(val);
	}
}

static void log_decision(struct ballastd *bd, const struct bd_dom *d,
			 const struct bsched_domain *in,
			 const struct bsched_decision *dec)
{
	if (dec->target_changed)
		bd_log(bd, LOG_INFO, "%s (%" PRIu32 "): target %" PRIu64 " -> %" PRIu64
		       " KiB (%s; actual %" PRIu64 " KiB)%s", d->name, d->domid,
		       in->target_kib, dec->target_kib, bsched_bound_str(dec->bound),
		       in->actual_kib, bd->dry_run ? " [dry-run]" : "");
	if (dec->uncooperative_changed)
		bd_log(bd, dec->uncooperative ? LOG_WARNING : LOG_INFO,
		       "%s (%" PRIu32 "): %s", d->name, d->domid,
		       dec->uncooperative ? "balloon makes no progress: flagged uncooperative" :
					    "balloon moves again: no longer uncooperative");
}

/*
 * maxmem the libxl way: raised before a target that grows, lowered after a
 * target that shrinks, so Xen never refuses pages the guest was just told
 * it may have and never keeps a cap above what it was told to give back.
 */
static bool maxmem_first(const struct bsched_domain *in,
			 const struct bsched_decision *dec)
{
	return dec->maxmem_changed && dec->maxmem_kib > in->maxmem_kib;
}

static void maxmem_after(struct ballastd *bd, struct bd_dom *d,
			 const struct bsched_domain *in,
			 const struct bsched_decision *dec)
{
	if (dec->maxmem_changed && !maxmem_first(in, dec))
		set_maxmem(bd, d, dec->maxmem_kib);
}

static void apply_ballast(struct ballastd *bd, struct bd_dom *d,
			  const struct bsched_domain *in,
			  const struct bsched_decision *dec, bool first_target)
{
	struct write_plan p = { .domid = d->domid };
	int rc;

	if (maxmem_first(in, dec) && set_maxmem(bd, d, dec->maxmem_kib))
		return;
	if (bd_dom_path(p.dom_path, d->domid, NULL, NULL) ||
	    bd_dom_path(p.ctl_path, d->domid, BALLAST_CTL_DIR, NULL))
		return;
	if (!d->ctl_ready)
		adopt_ctl(bd, d);
	p.make_ctl = !d->ctl_ready;
	if (dec->target_changed || first_target)
		plan_add(&p, BALLAST_CTL_DIR, BALLAST_KEY_TARGET, dec->target_kib);
	if (d->pub_rate_min != bd->cfg.rate_min_kib_s)
		plan_add(&p, BALLAST_CTL_DIR, BALLAST_KEY_RATE_MIN,
			 bd->cfg.rate_min_kib_s);
	if (d->pub_rate_max != bd->cfg.rate_max_kib_s)
		plan_add(&p, BALLAST_CTL_DIR, BALLAST_KEY_RATE_MAX,
			 bd->cfg.rate_max_kib_s);
	if (dec->uncooperative_changed || p.make_ctl)
		plan_add(&p, BALLAST_CTL_DIR, BALLAST_KEY_UNCOOPERATIVE,
			 dec->uncooperative);
	plan_state(bd, d, dec, &p);
	rc = plan_commit(bd, d, &p);
	if (rc)
		return;
	maxmem_after(bd, d, in, dec);
	if (bd->dry_run)
		return;
	state_published(bd, d, dec);
	d->ctl_ready = true;
	d->pub_rate_min = bd->cfg.rate_min_kib_s;
	d->pub_rate_max = bd->cfg.rate_max_kib_s;
	d->uncooperative = dec->uncooperative;
}

/* The stock balloon: memory/target, and maxmem = target + slack (libxl). */
static void apply_stock(struct ballastd *bd, struct bd_dom *d,
			const struct bsched_domain *in,
			const struct bsched_decision *dec)
{
	struct write_plan p = { .domid = d->domid };

	if (bd_dom_path(p.dom_path, d->domid, NULL, NULL))
		return;
	if (maxmem_first(in, dec) && set_maxmem(bd, d, dec->maxmem_kib))
		return;
	if (dec->target_changed)
		plan_add(&p, NULL, BALLAST_STOCK_TARGET, dec->target_kib);
	plan_state(bd, d, dec, &p);
	if (plan_commit(bd, d, &p))
		return;
	state_published(bd, d, dec);
	maxmem_after(bd, d, in, dec);
	if (!bd->dry_run)
		d->uncooperative = dec->uncooperative;
}

void bd_apply(struct ballastd *bd, struct bd_dom *d,
	      const struct bsched_domain *in, const struct bsched_decision *dec)
{
	d->last = *dec;
	d->have_decision = true;
	if (!d->managed) {
		apply_state(bd, d, dec);
		return;
	}
	if (d->frontend == BSCHED_FE_NONE) {
		if (!d->no_balloon_reported)
			bd_log(bd, LOG_NOTICE, "%s (%" PRIu32 "): no balloon (no ballast frontend, stock-balloon not enabled): left alone",
			       d->name, d->domid);
		d->no_balloon_reported = true;
		apply_state(bd, d, dec);
		return;
	}
	d->no_balloon_reported = false;
	log_decision(bd, d, in, dec);
	if (d->frontend == BSCHED_FE_STOCK)
		apply_stock(bd, d, in, dec);
	else
		apply_ballast(bd, d, in, dec, in->target_kib == 0 && dec->target_kib);
}

void bd_answer(struct ballastd *bd, struct bd_res *r,
	       const struct bsched_answer *ans)
{
	char path[BD_PATH_MAX], id[16];
	const char *word = ballast_reservation_word(ans->status);

	for (size_t i = 0; i < ans->n_refusers; i++) {
		struct bd_dom *d = bd_dom_get(bd, ans->refusers[i], false);

		if (d)
			d->refused_reservation = r->id;
	}
	if (ans->status == BALLAST_RES_GRANTED && !r->granted_ms)
		r->granted_ms = bd->io.ops->now_ms(bd->io.ctx);
	if (r->pub_status == ans->status)
		return;
	snprintf(id, sizeof(id), "%" PRIu32, r->id);
	if (bd_tool_path(path, BALLAST_TOOL_RESERVE, id, BALLAST_KEY_STATUS))
		return;
	bd_log(bd, LOG_INFO, "reservation %s of %" PRIu64 " KiB: %s (%zu domains refused)",
	       id, r->size_kib, word, ans->n_refusers);
	if (bd->dry_run) {
		fprintf(bd->dry_out, "dry-run: write %s = %s\n", path, word);
		return;
	}
	if (bio_write_str(&bd->io, BIO_TXN_NONE, path, word) == 0)
		r->pub_status = ans->status;
}

/* --- state for tools, dom0-only ------------------------------------------- */

/* Writes @json at @path if it differs from *@cache (which then owns a copy). */
static void publish_json(struct ballastd *bd, const char *path,
			 const char *json, char **cache)
{
	char *copy;

	if (*cache && !strcmp(*cache, json))
		return;
	if (bd->dry_run)
		return;		/* tool state is no decision: not even printed */
	if (bio_write_str(&bd->io, BIO_TXN_NONE, path, json))
		return;
	copy = strdup(json);
	if (!copy)
		return;
	free(*cache);
	*cache = copy;
}

void bd_publish_status(struct ballastd *bd, struct bd_dom *d)
{
	char path[BD_PATH_MAX], id[16];
	const unsigned char *buf;
	size_t len;
	yajl_gen g;

	snprintf(id, sizeof(id), "%" PRIu32, d->domid);
	if (bd_tool_path(path, BALLAST_TOOL_DOMAIN, id, BALLAST_KEY_STATUS))
		return;
	g = yajl_gen_alloc(NULL);
	if (!g)
		return;
	yajl_gen_map_open(g);
	sj_u64(g, SJ_DOMID, d->domid);
	sj_str(g, SJ_NAME, d->name);
	sj_str(g, SJ_FRONTEND, bsched_frontend_str(d->frontend));
	sj_bool(g, SJ_MANAGED, d->managed);
	sj_u64(g, SJ_MIN_KIB, d->min_kib);
	sj_u64(g, SJ_MAX_KIB, d->max_kib);
	sj_u64(g, SJ_SHARES, d->shares);
	sj_u64(g, SJ_TARGET_KIB, d->last.target_kib);
	sj_u64(g, SJ_DEMAND_KIB, d->last.demand_kib);
	sj_u64(g, SJ_IDEAL_KIB, d->last.ideal_kib);
	sj_str(g, SJ_BOUND, bsched_bound_str(d->last.bound));
	sj_bool(g, SJ_STUCK, d->last.stuck);
	sj_bool(g, SJ_UNCOOPERATIVE, d->last.uncooperative);
	sj_bool(g, SJ_FLOODING, d->flooding);
	sj_u64(g, SJ_REFUSED_REPORTS, d->refused_reports);
	sj_u64(g, SJ_FLOOD_REFUSED, d->flood_refused);
	sj_str(g, SJ_LAST_REFUSAL, d->last_refusal);
	sj_u64(g, SJ_REFUSED_RESERVATION, d->refused_reservation);
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
		publish_json(bd, path, (const char *)buf, &d->pub_status);
	yajl_gen_free(g);
}

void bd_publish_daemon(struct ballastd *bd)
{
	char path[BD_PATH_MAX];
	const unsigned char *buf;
	size_t len;
	yajl_gen g;

	if (bd_tool_path(path, BALLAST_KEY_STATUS, NULL, NULL))
		return;
	g = yajl_gen_alloc(NULL);
	if (!g)
		return;
	yajl_gen_map_open(g);
	sj_u64(g, SJ_PID, (uint64_t)getpid());
	sj_u64(g, SJ_TICK_MS, bd->cfg.tick_ms);
	sj_bool(g, SJ_DRY_RUN, bd->dry_run);
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
		publish_json(bd, path, (const char *)buf, &bd->pub_daemon_status);
	yajl_gen_free(g);
}

void bd_forget_domain(struct ballastd *bd, struct bd_dom *d)
{
	char path[BD_PATH_MAX], id[16];

	snprintf(id, sizeof(id), "%" PRIu32, d->domid);
	bd_log(bd, LOG_INFO, "%s (%" PRIu32 "): left", d->name, d->domid);
	if (!bd->dry_run && !bd_tool_path(path, BALLAST_TOOL_DOMAIN, id, NULL))
		bd->io.ops->rm(bd->io.ctx, BIO_TXN_NONE, path);
	if (d->watched && !bd_dom_path(path, d->domid, BALLAST_DATA_DIR, NULL)) {
		char token[16];

		snprintf(token, sizeof(token), BD_GUEST_TOKEN_FMT, d->domid);
		bd->io.ops->unwatch(bd->io.ctx, path, token);
	}
	free(d->pub_status);
}

/*
 * Saved state of domains that went while no ballastd ran (killed, then the
 * domain destroyed): nobody would remove it, and a domid used again must
 * not resume a stranger's boost. Once, after the first snapshot.
 */
void bd_remove_orphans(struct ballastd *bd)
{
	char path[BD_PATH_MAX], **names = NULL;
	unsigned int n = 0;
	int rc;

	if (bd->dry_run || bd_tool_path(path, BALLAST_TOOL_DOMAIN, NULL, NULL)) {
		bd->orphans_removed = true;
		return;
	}
	rc = bd->io.ops->directory(bd->io.ctx, BIO_TXN_NONE, path, &names, &n);
	if (rc) {
		bd->orphans_removed = rc == -ENOENT;	/* else: next tick */
		return;
	}
	for (unsigned int i = 0; i < n; i++) {
		const struct bd_dom *d;
		uint64_t id;

		if (ballast_parse_u64(names[i], strlen(names[i]), &id) ||
		    id > UINT32_MAX)
			continue;
		d = bd_dom_get(bd, (uint32_t)id, false);
		if ((d && d->present) ||
		    bd_tool_path(path, BALLAST_TOOL_DOMAIN, names[i], NULL))
			continue;
		bd_log(bd, LOG_INFO, "domain %s went while ballastd was not running: its saved state removed",
		       names[i]);
		bd->io.ops->rm(bd->io.ctx, BIO_TXN_NONE, path);
	}
	free(names);
	bd->orphans_removed = true;
}

/* --- Prometheus text format, replaced atomically -------------------------- */

int bd_write_metrics(struct ballastd *bd)
{
	char tmp[PATH_MAX + 8];
	FILE *f;
	int rc = 0;

	if (!bd->cfg.metrics_file[0] || bd->dry_run)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp", bd->cfg.metrics_file);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	fprintf(f, "# TYPE ballast_ticks_total counter\nballast_ticks_total %" PRIu64 "\n",
		bd->count.ticks);
	fprintf(f, "# TYPE ballast_xs_retries_total counter\nballast_xs_retries_total %" PRIu64 "\n",
		bd->count.xs_retries);
	fprintf(f, "# TYPE ballast_xs_giveups_total counter\nballast_xs_giveups_total %" PRIu64 "\n",
		bd->count.xs_giveups);
	fprintf(f, "# TYPE ballast_refused_reports_total counter\nballast_refused_reports_total %" PRIu64 "\n",
		bd->count.refused_reports);
	fprintf(f, "# TYPE ballast_flood_refused_total counter\nballast_flood_refused_total %" PRIu64 "\n",
		bd->count.flood_refused);
	fprintf(f, "# TYPE ballast_domain_target_kib gauge\n");
	for (size_t i = 0; i < bd->n_doms; i++)
		fprintf(f, "ballast_domain_target_kib{domain=\"%s\",domid=\"%" PRIu32 "\"} %" PRIu64 "\n",
			bd->doms[i].name, bd->doms[i].domid, bd->doms[i].last.target_kib);
	fprintf(f, "# TYPE ballast_domain_demand_kib gauge\n");
	for (size_t i = 0; i < bd->n_doms; i++)
		fprintf(f, "ballast_domain_demand_kib{domain=\"%s\",domid=\"%" PRIu32 "\"} %" PRIu64 "\n",
			bd->doms[i].name, bd->doms[i].domid, bd->doms[i].last.demand_kib);
	fprintf(f, "# TYPE ballast_domain_uncooperative gauge\n");
	for (size_t i = 0; i < bd->n_doms; i++)
		fprintf(f, "ballast_domain_uncooperative{domain=\"%s\",domid=\"%" PRIu32 "\"} %d\n",
			bd->doms[i].name, bd->doms[i].domid, bd->doms[i].last.uncooperative);
	if (ferror(f))
		rc = -EIO;
	if (fclose(f) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, bd->cfg.metrics_file))
		rc = -errno;
	if (rc)
		unlink(tmp);
	return rc;
}
