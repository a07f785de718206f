// SPDX-License-Identifier: MIT
/*
 * The per-domain write transaction and maxmem ordering: see ballastd-txn.h.
 * In a dry run the bio prints the same writes instead (bio-dryrun.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ballastd-txn.h"

#define PLAN_MAX	(4 + BD_RESUME_ITEMS)	/* 4 keys under memory/ballast */

struct write_plan {
	uint32_t domid;
	char dom_path[BALLAST_PATH_MAX];
	bool make_ctl;			/* mkdir + perms n0 r<domid> */
	char ctl_path[BALLAST_PATH_MAX];
	struct bd_item items[PLAN_MAX];
	unsigned int n;
	struct bd_log_budget *lines;	/* the guest's: conflicts it may cause */
};

static void plan_add(struct write_plan *p, const char *dir, const char *key,
		     uint64_t v)
{
	if (p->n < PLAN_MAX &&
	    bd_item_set(&p->items[p->n], BALLAST_AT_DOMAIN, p->domid, dir, key, v))
		p->n++;
}

/* The restart state that changed (see ballastd-resume.h). */
static void plan_state(const struct bd_resume *r,
		       const struct bd_report_ref *used,
		       const struct bsched_decision *dec, struct write_plan *p)
{
	if (p->n + BD_RESUME_ITEMS <= PLAN_MAX)
		p->n += bd_resume_plan(r, p->domid, dec, used, &p->items[p->n]);
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
static int plan_commit(struct bd_env *env, const struct bd_who *who,
		       struct bd_pub *pub, const struct write_plan *p)
{
	unsigned int tries = 0;
	int rc;

	if (!p->n && !p->make_ctl)
		return 0;
	rc = bio_txn_run(&env->io, env->cfg.xs_tries, plan_run, (void *)p, &tries);
	if (tries > 1)
		env->count.xs_retries += tries - 1;
	if (rc == -ESRCH) {
		env->count.vanished++;
		return rc;
	}
	if (rc == -EAGAIN) {
		env->count.xs_giveups++;
		bd_log_failure(env, &pub->write_log, LOG_WARNING,
			       "%s (%" PRIu32 "): xenstore kept conflicting, gave up after %u tries; next tick retries",
			       who->name, who->domid, tries);
		return rc;
	}
	if (rc) {
		bd_log_failure(env, &pub->write_log, LOG_WARNING,
			       "%s (%" PRIu32 "): xenstore write failed: %s",
			       who->name, who->domid, strerror(-rc));
		return rc;
	}
	bd_log_recovered(env, &pub->write_log, "%s (%" PRIu32 "): xenstore writes",
			 who->name, who->domid);
	if (tries > 1)
		bd_log_guest(env, p->lines, LOG_NOTICE,
			     "%s (%" PRIu32 "): xenstore conflict, committed after %u tries",
			     who->name, who->domid, tries);
	env->count.writes += p->n;
	return 0;
}

static bool plan_start(struct write_plan *p, uint32_t domid,
		       struct bd_log_budget *lines)
{
	*p = (struct write_plan){ .domid = domid, .lines = lines };
	return ballast_path(p->dom_path, sizeof(p->dom_path), BALLAST_AT_DOMAIN,
			    domid, NULL) == 0 &&
	       ballast_path(p->ctl_path, sizeof(p->ctl_path), BALLAST_AT_DOMAIN,
			    domid, BALLAST_CTL_DIR, NULL) == 0;
}

/* The saved state alone, for domains that get no other write. */
static void apply_state(struct bd_env *env, const struct bd_who *who,
			struct bd_pub *pub, struct bd_resume *r,
			const struct bd_report_ref *used,
			const struct bsched_decision *dec,
			struct bd_log_budget *lines)
{
	struct write_plan p;

	if (!plan_start(&p, who->domid, lines))
		return;
	plan_state(r, used, dec, &p);
	if (plan_commit(env, who, pub, &p) == 0)
		bd_resume_saved(r, dec, used);
}

static int set_maxmem(struct bd_env *env, const struct bd_who *who,
		      struct bd_pub *pub, uint64_t kib)
{
	int rc = env->io.ops->set_maxmem(env->io.ctx, who->domid, kib);

	if (rc && rc != -ESRCH)
		bd_log_failure(env, &pub->maxmem_log, LOG_WARNING,
			       "%s (%" PRIu32 "): setting maxmem to %" PRIu64 " KiB failed: %s",
			       who->name, who->domid, kib, strerror(-rc));
	else if (!rc)
		bd_log_recovered(env, &pub->maxmem_log, "%s (%" PRIu32 "): maxmem",
				 who->name, who->domid);
	return rc;
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

static void maxmem_after(struct bd_env *env, const struct bd_who *who,
			 struct bd_pub *pub, const struct bsched_domain *in,
			 const struct bsched_decision *dec)
{
	if (dec->maxmem_changed && !maxmem_first(in, dec))
		set_maxmem(env, who, pub, dec->maxmem_kib);
}

/* A previous process may have made the directory and set the rates: adopt them. */
static uint64_t read_rate(struct bd_env *env, uint32_t domid, const char *key,
			  enum ballast_key_id id, uint64_t cached)
{
	char path[BALLAST_PATH_MAX];
	uint64_t v;

	if (ballast_path(path, sizeof(path), BALLAST_AT_DOMAIN, domid,
			 BALLAST_CTL_DIR, key, NULL) ||
	    bd_read_key(env, path, id, &v) != BALLAST_OK)
		return cached;
	return v;
}

static void adopt_ctl(struct bd_env *env, uint32_t domid, struct bd_pub *pub,
		      const char *ctl_path)
{
	struct bio_perm perms[BIO_PERMS_MAX];
	unsigned int n = BIO_PERMS_MAX;

	if (!env->io.ops->get_perms(env->io.ctx, BIO_TXN_NONE, ctl_path, perms, &n) &&
	    n == 2 && perms[0].domid == 0 && perms[0].access == BIO_PERM_NONE &&
	    perms[1].domid == domid && perms[1].access == BIO_PERM_READ)
		pub->ctl_ready = true;
	pub->rate_min_kib_s = read_rate(env, domid, BALLAST_KEY_RATE_MIN,
					BALLAST_K_RATE_MIN, pub->rate_min_kib_s);
	pub->rate_max_kib_s = read_rate(env, domid, BALLAST_KEY_RATE_MAX,
					BALLAST_K_RATE_MAX, pub->rate_max_kib_s);
}

/* 0 once the decision is carried out (or printed, in dry-run). */
static int apply_ballast(struct bd_env *env, const struct bd_who *who,
			 struct bd_pub *pub, struct bd_resume *r,
			 const struct bd_report_ref *used,
			 const struct bsched_domain *in,
			 const struct bsched_decision *dec,
			 struct bd_log_budget *lines)
{
	bool first_target = in->target_kib == 0 && dec->target_kib;
	struct write_plan p;
	int rc;

	if (maxmem_first(in, dec)) {
		rc = set_maxmem(env, who, pub, dec->maxmem_kib);
		if (rc)
			return rc;
	}
	if (!plan_start(&p, who->domid, lines))
		return -ENAMETOOLONG;
	if (!pub->ctl_ready)
		adopt_ctl(env, who->domid, pub, p.ctl_path);
	p.make_ctl = !pub->ctl_ready;
	if (dec->target_changed || first_target)
		plan_add(&p, BALLAST_CTL_DIR, BALLAST_KEY_TARGET, dec->target_kib);
	if (pub->rate_min_kib_s != env->cfg.rate_min_kib_s)
		plan_add(&p, BALLAST_CTL_DIR, BALLAST_KEY_RATE_MIN,
			 env->cfg.rate_min_kib_s);
	if (pub->rate_max_kib_s != env->cfg.rate_max_kib_s)
		plan_add(&p, BALLAST_CTL_DIR, BALLAST_KEY_RATE_MAX,
			 env->cfg.rate_max_kib_s);
	if (dec->uncooperative_changed || p.make_ctl)
		plan_add(&p, BALLAST_CTL_DIR, BALLAST_KEY_UNCOOPERATIVE,
			 dec->uncooperative);
	plan_state(r, used, dec, &p);
	rc = plan_commit(env, who, pub, &p);
	if (rc)
		return rc;
	maxmem_after(env, who, pub, in, dec);
	bd_resume_saved(r, dec, used);
	pub->ctl_ready = true;
	pub->rate_min_kib_s = env->cfg.rate_min_kib_s;
	pub->rate_max_kib_s = env->cfg.rate_max_kib_s;
	pub->uncooperative = dec->uncooperative;
	return 0;
}

/* The stock balloon: memory/target, and maxmem = target + slack (libxl). */
static int apply_stock(struct bd_env *env, const struct bd_who *who,
		       struct bd_pub *pub, struct bd_resume *r,
		       const struct bd_report_ref *used,
		       const struct bsched_domain *in,
		       const struct bsched_decision *dec,
		       struct bd_log_budget *lines)
{
	struct write_plan p;
	int rc;

	if (!plan_start(&p, who->domid, lines))
		return -ENAMETOOLONG;
	if (maxmem_first(in, dec)) {
		rc = set_maxmem(env, who, pub, dec->maxmem_kib);
		if (rc)
			return rc;
	}
	if (dec->target_changed)
		plan_add(&p, NULL, BALLAST_STOCK_TARGET, dec->target_kib);
	plan_state(r, used, dec, &p);
	rc = plan_commit(env, who, pub, &p);
	if (rc)
		return rc;
	bd_resume_saved(r, dec, used);
	maxmem_after(env, who, pub, in, dec);
	pub->uncooperative = dec->uncooperative;
	return 0;
}

/* Said once it is done: what is not committed is decided again next tick. */
static void log_decision(struct bd_env *env, const struct bd_who *who,
			 const struct bsched_domain *in,
			 const struct bsched_decision *dec,
			 struct bd_log_budget *lines)
{
	if (dec->target_changed)
		bd_log_guest(env, lines, LOG_INFO, "%s (%" PRIu32 "): target %" PRIu64
			     " -> %" PRIu64 " KiB (%s; actual %" PRIu64 " KiB)%s",
			     who->name, who->domid, in->target_kib, dec->target_kib,
			     bsched_bound_str(dec->bound), in->actual_kib,
			     env->dry_run ? " [dry-run]" : "");
	if (dec->uncooperative_changed)
		bd_log_guest(env, lines, dec->uncooperative ? LOG_WARNING : LOG_INFO,
			     "%s (%" PRIu32 "): %s", who->name, who->domid,
			     dec->uncooperative ?
			     "balloon makes no progress: flagged uncooperative" :
			     "balloon moves again: no longer uncooperative");
}

void bd_txn_apply(struct bd_env *env, const struct bd_who *who,
		  struct bd_pub *pub, struct bd_resume *r,
		  const struct bd_report_ref *used,
		  const struct bsched_domain *in,
		  const struct bsched_decision *dec,
		  struct bd_log_budget *lines)
{
	int rc;

	if (!in->managed) {
		apply_state(env, who, pub, r, used, dec, lines);
		return;
	}
	if (in->frontend == BSCHED_FE_NONE) {
		if (!pub->no_balloon_reported)
			bd_log_guest(env, lines, LOG_NOTICE,
				     "%s (%" PRIu32 "): no balloon (no ballast frontend, stock-balloon not enabled): left alone",
				     who->name, who->domid);
		pub->no_balloon_reported = true;
		apply_state(env, who, pub, r, used, dec, lines);
		return;
	}
	pub->no_balloon_reported = false;
	if (in->frontend == BSCHED_FE_STOCK)
		rc = apply_stock(env, who, pub, r, used, in, dec, lines);
	else
		rc = apply_ballast(env, who, pub, r, used, in, dec, lines);
	if (!rc)
		log_decision(env, who, in, dec, lines);
}

void bd_pub_read(struct bd_env *env, struct bd_pub *pub,
		 struct bsched_domain *out)
{
	char path[BALLAST_PATH_MAX];
	uint64_t v;

	out->uncooperative = pub->uncooperative;
	if (out->frontend != BSCHED_FE_DRIVER && out->frontend != BSCHED_FE_AGENT) {
		if (ballast_path(path, sizeof(path), BALLAST_AT_DOMAIN, out->domid,
				 BALLAST_STOCK_TARGET, NULL) == 0 &&
		    bd_read_u64(env, path, &v) == 0)
			out->target_kib = v;
		return;
	}
	if (ballast_path(path, sizeof(path), BALLAST_AT_DOMAIN, out->domid,
			 BALLAST_CTL_DIR, BALLAST_KEY_TARGET, NULL) == 0 &&
	    bd_read_key(env, path, BALLAST_K_TARGET, &v) == BALLAST_OK)
		out->target_kib = v;
	if (ballast_path(path, sizeof(path), BALLAST_AT_DOMAIN, out->domid,
			 BALLAST_CTL_DIR, BALLAST_KEY_UNCOOPERATIVE, NULL) == 0 &&
	    bd_read_key(env, path, BALLAST_K_UNCOOPERATIVE, &v) == BALLAST_OK)
		out->uncooperative = pub->uncooperative = v == 1;
}
