// SPDX-License-Identifier: MIT
/* ballastd's tick: snapshot, policy, effects; plus watches, reload, logging. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ballastd.h"

#define TOKEN_INTRODUCE	"introduce"
#define TOKEN_RELEASE	"release"
#define TOKEN_TOOL	"tool"

void bd_log(struct ballastd *bd, int prio, const char *fmt, ...)
{
	va_list ap;

	if (prio == LOG_DEBUG)
		return;	/* debugging lines are for a debugger, not for the journal */
	va_start(ap, fmt);
	if (bd->cfg.log == BD_LOG_SYSLOG) {
		vsyslog(prio, fmt, ap);
	} else {
		vfprintf(bd->log_out, fmt, ap);
		fputc('\n', bd->log_out);
		fflush(bd->log_out);
	}
	va_end(ap);
}

/* @msg, with " (@what: @n)" appended unless @n is 0. */
static void log_counted(struct ballastd *bd, int prio, const char *msg,
			const char *what, uint64_t n)
{
	if (n)
		bd_log(bd, prio, "%s (%s: %" PRIu64 ")", msg, what, n);
	else
		bd_log(bd, prio, "%s", msg);
}

/* Within @lim's quiet minute: count the line instead of saying it. */
static bool log_held_back(struct bd_log_limit *lim, uint64_t now_ms)
{
	if (now_ms >= lim->quiet_until_ms)
		return false;
	lim->held_back++;
	return true;
}

/* Said now: the count starts again, and so does the quiet minute. */
static void log_said(struct bd_log_limit *lim, uint64_t now_ms)
{
	lim->held_back = 0;
	lim->quiet_until_ms = now_ms + BD_LOG_QUIET_MS;
}

void bd_log_failure(struct ballastd *bd, struct bd_log_limit *lim, int prio,
		    const char *fmt, ...)
{
	uint64_t now_ms = bd->io.ops->now_ms(bd->io.ctx);
	char msg[512];
	va_list ap;

	lim->failing = true;
	if (log_held_back(lim, now_ms))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_counted(bd, prio, msg, "repeats since the last line", lim->held_back);
	log_said(lim, now_ms);
}

void bd_log_recovered(struct ballastd *bd, struct bd_log_limit *lim,
		      const char *what_fmt, ...)
{
	char msg[512];
	va_list ap;
	int n;

	if (!lim->failing)
		return;
	va_start(ap, what_fmt);
	n = vsnprintf(msg, sizeof(msg) - 32, what_fmt, ap);
	va_end(ap);
	if (n >= 0)
		strcat(msg, ": working again");
	log_counted(bd, LOG_NOTICE, msg, "failures not logged", lim->held_back);
	*lim = (struct bd_log_limit){ 0 };
}

void bd_log_refusal(struct ballastd *bd, struct bd_dom *d, uint64_t now_ms,
		    const char *what, const char *why)
{
	if (log_held_back(&d->refusal_log, now_ms))
		return;
	bd_log(bd, LOG_WARNING, "%s (%" PRIu32 "): refused guest value %s: %s"
	       " (%" PRIu64 " more suppressed; %" PRIu64 " refused so far)",
	       d->name, d->domid, what, why, d->refusal_log.held_back,
	       d->refused_reports + d->flood_refused);
	log_said(&d->refusal_log, now_ms);
}

int bd_dom_path(char *buf, uint32_t domid, const char *dir, const char *key)
{
	int n = snprintf(buf, BD_PATH_MAX, BALLAST_DOMAIN_FMT "%s%s%s%s", domid,
			 dir ? "/" : "", dir ? dir : "", key ? "/" : "",
			 key ? key : "");

	return n < 0 || n >= BD_PATH_MAX ? -ENAMETOOLONG : 0;
}

int bd_tool_path(char *buf, const char *a, const char *b, const char *c)
{
	int n = snprintf(buf, BD_PATH_MAX, BALLAST_TOOL_DIR "/%s%s%s%s%s", a,
			 b ? "/" : "", b ? b : "", c ? "/" : "", c ? c : "");

	return n < 0 || n >= BD_PATH_MAX ? -ENAMETOOLONG : 0;
}

struct bd_dom *bd_dom_get(struct ballastd *bd, uint32_t domid, bool create)
{
	struct bd_dom *d;

	for (size_t i = 0; i < bd->n_doms; i++)
		if (bd->doms[i].domid == domid)
			return &bd->doms[i];
	if (!create)
		return NULL;
	d = realloc(bd->doms, (bd->n_doms + 1) * sizeof(*d));
	if (!d)
		return NULL;
	bd->doms = d;
	d = &d[bd->n_doms++];
	*d = (struct bd_dom){ .domid = domid, .guest_state = -1 };
	return d;
}

static void watch_guest(struct ballastd *bd, struct bd_dom *d)
{
	char path[BD_PATH_MAX], token[16];

	if (d->watched || bd_dom_path(path, d->domid, BALLAST_DATA_DIR, NULL))
		return;
	snprintf(token, sizeof(token), BD_GUEST_TOKEN_FMT, d->domid);
	d->watched = bd->io.ops->watch(bd->io.ctx, path, token) == 0;
}

int bd_watch_setup(struct ballastd *bd)
{
	char policy[BD_PATH_MAX], reserve[BD_PATH_MAX];
	int rc;

	if (bd_tool_path(policy, BALLAST_TOOL_POLICY, NULL, NULL) ||
	    bd_tool_path(reserve, BALLAST_TOOL_RESERVE, NULL, NULL))
		return -ENAMETOOLONG;
	rc = bd->io.ops->watch(bd->io.ctx, "@introduceDomain", TOKEN_INTRODUCE);
	if (!rc)
		rc = bd->io.ops->watch(bd->io.ctx, "@releaseDomain", TOKEN_RELEASE);
	if (!rc)
		rc = bd->io.ops->watch(bd->io.ctx, policy, TOKEN_TOOL);
	if (!rc)
		rc = bd->io.ops->watch(bd->io.ctx, reserve, TOKEN_TOOL);
	bd->watches_set = rc == 0;
	return rc;
}

void bd_flood_window(struct ballastd *bd, struct bd_dom *d, uint64_t now_ms)
{
	uint64_t since = now_ms - d->window_start_ms;

	if (since < BD_FLOOD_WINDOW_MS)
		return;
	/* A flood is held against the guest for the window after it only. */
	d->flooding = since < 2 * BD_FLOOD_WINDOW_MS &&
		      (d->events_in_window > bd->cfg.flood_limit ||
		       d->other_events_in_window > bd->cfg.flood_limit * BD_KEYS_PER_REPORT);
	d->window_start_ms = now_ms;
	d->events_in_window = 0;
	d->other_events_in_window = 0;
}

/*
 * Counts a guest's report updates: a report is many keys and one new seq,
 * so seq writes are the updates; other writes count with a report's worth
 * of keys each, so that scribbling on them floods just the same.
 */
static void guest_event(struct ballastd *bd, uint32_t domid, const char *path,
			uint64_t now_ms)
{
	struct bd_dom *d = bd_dom_get(bd, domid, false);
	size_t len = strlen(path), klen = strlen("/" BALLAST_KEY_SEQ);
	bool seq = len >= klen && !strcmp(path + len - klen, "/" BALLAST_KEY_SEQ);

	if (!d)
		return;
	bd_flood_window(bd, d, now_ms);
	if (seq)
		d->events_in_window++;
	else
		d->other_events_in_window++;
	if (d->events_in_window > bd->cfg.flood_limit ||
	    d->other_events_in_window > bd->cfg.flood_limit * BD_KEYS_PER_REPORT)
		d->flooding = true;
}

void bd_handle_events(struct ballastd *bd)
{
	uint64_t now_ms = bd->io.ops->now_ms(bd->io.ctx);

	for (unsigned int i = 0; i < BD_MAX_EVENTS_PER_DRAIN; i++) {
		char *path = NULL, *token = NULL;
		uint64_t domid;
		int r = bd->io.ops->next_event(bd->io.ctx, &path, &token);

		if (r <= 0)
			break;
		if (token[0] == 'g' &&
		    ballast_parse_u64(token + 1, strlen(token + 1), &domid) == BALLAST_OK &&
		    domid <= UINT32_MAX)
			guest_event(bd, (uint32_t)domid, path, now_ms);
		else
			bd->tick_due = true;	/* domains or dom0 requests changed */
		free(path);
		free(token);
	}
}

int bd_reload(struct ballastd *bd)
{
	char err[BD_ERR_MAX];

	if (!bd->config_path)
		return 0;
	if (bd_config_load(bd->config_path, &bd->cfg, err, sizeof(err))) {
		bd_log(bd, LOG_ERR, "reload: %s; keeping the previous configuration", err);
		return -1;
	}
	bd_log(bd, LOG_INFO, "reload: %s loaded", bd->config_path);
	bd->tick_due = true;
	return 0;
}

int bd_init(struct ballastd *bd, const struct bio *io, const char *config_path,
	    bool dry_run, char *err, size_t err_len)
{
	memset(bd, 0, sizeof(*bd));
	bd->io = *io;
	bd->config_path = config_path;
	bd->dry_run = dry_run;
	bd->dry_out = stdout;
	bd->log_out = stderr;
	bd_config_defaults(&bd->cfg);
	if (config_path && bd_config_load(config_path, &bd->cfg, err, err_len))
		goto out_config;
	bd->policy = bsched_state_new();
	if (!bd->policy) {
		snprintf(err, err_len, "out of memory");
		goto out_config;
	}
	return 0;

out_config:
	bd_config_free(&bd->cfg);
	return -1;
}

void bd_fini(struct ballastd *bd)
{
	for (size_t i = 0; i < bd->n_doms; i++)
		free(bd->doms[i].pub_status);
	free(bd->doms);
	free(bd->res);
	free(bd->pub_daemon_status);
	bsched_state_free(bd->policy);
	bd_config_free(&bd->cfg);
	bio_close(&bd->io);
	memset(bd, 0, sizeof(*bd));
}

/* Domains that were in the last tick and not in this one: clean up. */
static void forget_absent(struct ballastd *bd)
{
	size_t i = 0;

	while (i < bd->n_doms) {
		if (bd->doms[i].present) {
			i++;
			continue;
		}
		bd_forget_domain(bd, &bd->doms[i]);
		bd->doms[i] = bd->doms[--bd->n_doms];
	}
}

/* Reads every running domain into @snap_doms, in the order of bd->doms' ids. */
static int snapshot_domains(struct ballastd *bd, uint64_t now_ms,
			    struct bsched_domain **out, uint32_t **ids,
			    size_t *n_out)
{
	struct bio_dominfo *info = NULL;
	struct bsched_domain *snap;
	size_t n = 0, count = 0;
	int rc;

	rc = bd->io.ops->list_domains(bd->io.ctx, &info, &n);
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
	for (size_t i = 0; i < bd->n_doms; i++)
		bd->doms[i].present = false;
	for (size_t i = 0; i < n; i++) {
		bool known = bd_dom_get(bd, info[i].domid, false) != NULL;
		struct bd_dom *d;

		if (info[i].dying || info[i].shutdown)
			continue;
		d = bd_dom_get(bd, info[i].domid, true);
		if (!d) {
			rc = -ENOMEM;
			break;
		}
		if (bd_read_domain(bd, d, &info[i], now_ms, &snap[count])) {
			bd->count.vanished++;	/* gone between list and read */
			continue;
		}
		d->present = true;
		if (!known)
			bd_log(bd, LOG_INFO, "%s (%" PRIu32 "): joined, %s, %" PRIu64
			       " KiB, subscription %" PRIu64 "..%" PRIu64 " KiB x%" PRIu32 "%s",
			       d->name, d->domid, bsched_frontend_str(d->frontend),
			       info[i].tot_kib, d->min_kib, d->max_kib, d->shares,
			       d->managed ? "" : d->building ?
			       " (being built: not steered yet)" : " (not managed)");
		watch_guest(bd, d);
		(*ids)[count] = d->domid;
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

static int build_reservations(struct ballastd *bd,
			      struct bsched_reservation **out)
{
	struct bsched_reservation *r = calloc(bd->n_res ? bd->n_res : 1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	for (size_t i = 0; i < bd->n_res; i++)
		r[i] = (struct bsched_reservation){ .id = bd->res[i].id,
						    .size_kib = bd->res[i].size_kib,
						    .since_ms = bd->res[i].since_ms };
	*out = r;
	return 0;
}

int bd_tick(struct ballastd *bd)
{
	uint64_t now_ms = bd->io.ops->now_ms(bd->io.ctx);
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
	rc = bd->io.ops->physinfo(bd->io.ctx, &phys);
	if (rc)
		goto out_error;
	rc = snapshot_domains(bd, now_ms, &snap, &ids, &n);
	if (rc)
		goto out_error;
	forget_absent(bd);
	if (!bd->orphans_removed)
		bd_remove_orphans(bd);
	what = "reservations unreadable";
	rc = bd_read_reservations(bd, now_ms);
	if (rc)
		goto out_snap;
	rc = build_reservations(bd, &res);
	if (rc)
		goto out_snap;
	s.host = (struct bsched_host){ .total_kib = phys.total_kib,
				       .free_kib = phys.free_kib,
				       .scrub_kib = phys.scrub_kib,
				       .outstanding_kib = phys.outstanding_kib };
	s.domains = snap;
	s.n_domains = n;
	s.reservations = res;
	s.n_reservations = bd->n_res;
	rc = bsched_tick(bd->policy, &bd->cfg.policy, &s, &result);
	if (rc) {
		what = "the policy refused the snapshot";
		goto out_res;
	}
	for (size_t i = 0; i < bd->n_doms; i++)
		bd->doms[i].refused_reservation = 0;
	for (size_t i = 0; i < result.n_answers && i < bd->n_res; i++)
		bd_answer(bd, &bd->res[i], &result.answers[i]);
	for (size_t i = 0; i < result.n_decisions && i < n; i++) {
		struct bd_dom *d = bd_dom_get(bd, ids[i], false);

		if (d)
			bd_apply(bd, d, &snap[i], &result.decisions[i]);
	}
	for (size_t i = 0; i < bd->n_doms; i++)
		bd_publish_status(bd, &bd->doms[i]);
	bd_publish_daemon(bd);
	bsched_result_free(&result);
	bd->count.ticks++;
	rc = bd_write_metrics(bd);
	if (rc)
		bd_log_failure(bd, &bd->metrics_log, LOG_WARNING, "metrics file %s: %s",
			       bd->cfg.metrics_file, strerror(-rc));
	else
		bd_log_recovered(bd, &bd->metrics_log, "metrics file");
	bd_log_recovered(bd, &bd->tick_log, "tick");
	rc = 0;
out_res:
	free(res);
out_snap:
	free(snap);
	free(ids);
	if (!rc)
		return 0;
out_error:
	bd->count.tick_errors++;
	bd_log_failure(bd, &bd->tick_log, LOG_ERR, "tick failed: %s: %s", what,
		       strerror(-rc));
	return rc;
}
