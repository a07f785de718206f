/* SPDX-License-Identifier: MIT */
/*
 * ballastd: the dom0 side. One struct ballastd owns everything: the I/O
 * backend, the configuration, the policy state, what it knows about each
 * domain and what it last published. Each tick reads a snapshot through the
 * backend, asks bsched_tick() and writes only what changed. No policy here.
 */
#ifndef BALLASTD_H
#define BALLASTD_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <syslog.h>

#include "ballast_schema.h"
#include "bio.h"
#include "bsched.h"
#include "config.h"

#define BD_PATH_MAX		256
#define BD_LOG_QUIET_MS		60000	/* a repeating log line: at most once a minute */
#define BD_FLOOD_WINDOW_MS	1000	/* flood-limit counts per this window */
#define BD_KEYS_PER_REPORT	32	/* other key writes allowed per report */
#define BD_MIN_EVENT_GAP_MS	100	/* watch-driven ticks at most this often */
#define BD_GUEST_TOKEN_FMT	"g%" PRIu32	/* watch on a guest's data/ballast */
#define BD_MAX_EVENTS_PER_DRAIN	4096	/* then tick: events cannot stall us */

/*
 * A failure that can come back every tick (a xenstore write, a maxmem call,
 * the metrics file): said at once, then at most once per BD_LOG_QUIET_MS
 * with the number of repeats held back, and once more when it clears.
 */
struct bd_log_limit {
	uint64_t quiet_until_ms;
	uint64_t held_back;
	bool failing;
};

/* What ballastd knows about one domain between ticks. */
struct bd_dom {
	uint32_t domid;
	bool present;			/* in this tick's snapshot */
	bool watched;
	char name[BSCHED_NAME_MAX];
	enum bsched_frontend frontend;
	bool stock_feature;		/* control/feature-balloon = 1 */

	/* guest reports, accepted through the schema validators */
	uint64_t last_seq;
	uint64_t last_report_ms;	/* when the report in stats was taken */
	uint64_t used_seq;		/* the seq of the report in stats */
	struct bsched_stats stats;
	int guest_state;		/* enum ballast_state, -1 unknown */
	bool building;			/* paused or claiming: not steered yet */

	/* untrusted input accounting */
	uint64_t refused_reports;
	uint64_t flood_refused;
	uint32_t events_in_window;	/* seq writes */
	uint32_t other_events_in_window;
	uint64_t window_start_ms;
	bool flooding;
	struct bd_log_limit refusal_log;	/* refused guest values */
	char last_refusal[96];
	struct bd_log_limit write_log;	/* xenstore writes failing */
	struct bd_log_limit maxmem_log;	/* xc_domain_setmaxmem failing */

	/* policy inputs resolved this tick */
	uint64_t min_kib, max_kib;
	uint32_t shares;
	bool managed;
	uint64_t static_max_kib;

	/* what is published (cache of xenstore and Xen) */
	bool ctl_ready;			/* memory/ballast made with our perms */
	uint64_t pub_rate_min, pub_rate_max;
	bool uncooperative;
	char *pub_status;		/* last /tool/.../domain/<id>/status */
	bool no_balloon_reported;

	/*
	 * What a restart needs, in /tool/ballast/domain/<id>/ (as published):
	 * the policy's PSI boost and which report was used, and when.
	 */
	bool state_read;		/* read once, when the domain joins */
	uint32_t pub_boost;
	bool pub_boost_known;		/* false: absent or garbage, (re)write it */
	uint64_t pub_report_seq;	/* 0: absent or ignored */
	uint64_t pub_report_ms;
	uint64_t resume_seq;		/* 0, or a report a previous process used */
	uint64_t resume_report_ms;	/* ...and when it took it */

	struct bsched_decision last;
	bool have_decision;
	uint32_t refused_reservation;	/* 0: none */
};

struct bd_res {
	uint32_t id;
	uint64_t size_kib;
	uint64_t since_ms;
	bool present;
	int pub_status;			/* -1: not written by us yet */
	uint64_t granted_ms;		/* 0: not granted yet */
};

struct bd_counters {
	uint64_t ticks;
	uint64_t tick_errors;
	uint64_t xs_retries;
	uint64_t xs_giveups;
	uint64_t vanished;
	uint64_t writes;
	uint64_t refused_reports;
	uint64_t flood_refused;
};

struct ballastd {
	struct bio io;
	struct bd_config cfg;
	const char *config_path;	/* NULL: built-in defaults */
	bool dry_run;
	FILE *dry_out;			/* where --dry-run prints */
	FILE *log_out;			/* stderr target (tests capture it) */
	struct bsched_state *policy;

	struct bd_dom *doms;
	size_t n_doms;
	struct bd_res *res;
	size_t n_res;

	uint64_t last_tick_ms;
	bool tick_due;			/* a relevant watch fired */
	bool watches_set;
	bool orphans_removed;		/* state of domains gone while we were not */
	char *pub_daemon_status;
	struct bd_log_limit tick_log;	/* no snapshot, or the policy refused it */
	struct bd_log_limit metrics_log;
	struct bd_counters count;
};

/*
 * Takes @io (closed by bd_fini), loads @config_path (NULL: defaults).
 * Returns 0, or -1 with a reason in @err.
 */
int bd_init(struct ballastd *bd, const struct bio *io, const char *config_path,
	    bool dry_run, char *err, size_t err_len);
void bd_fini(struct ballastd *bd);

/* Registers @introduceDomain, @releaseDomain and the /tool watches. */
int bd_watch_setup(struct ballastd *bd);

/* One iteration. Returns 0, or -errno if no snapshot could be taken. */
int bd_tick(struct ballastd *bd);

/* Drains queued watch events; sets tick_due if one matters. */
void bd_handle_events(struct ballastd *bd);

/* SIGHUP: a bad file keeps the old configuration (and says why). */
int bd_reload(struct ballastd *bd);

/* --- internals shared by the ballastd-*.c files --------------------------- */

void bd_log(struct ballastd *bd, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A failure through @lim: see struct bd_log_limit. */
void bd_log_failure(struct ballastd *bd, struct bd_log_limit *lim, int prio,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The failure behind @lim is over: says so ("<what>: working again") if it
 * was said. */
void bd_log_recovered(struct ballastd *bd, struct bd_log_limit *lim,
		      const char *what_fmt, ...) __attribute__((format(printf, 3, 4)));
/* Logs a refused guest value, at most once per BD_LOG_QUIET_MS per domain. */
void bd_log_refusal(struct ballastd *bd, struct bd_dom *d, uint64_t now_ms,
		    const char *what, const char *why);

int bd_dom_path(char *buf, uint32_t domid, const char *dir, const char *key);
int bd_tool_path(char *buf, const char *a, const char *b, const char *c);

struct bd_dom *bd_dom_get(struct ballastd *bd, uint32_t domid, bool create);

/* Rolls the per-guest flood window forward to @now_ms. */
void bd_flood_window(struct ballastd *bd, struct bd_dom *d, uint64_t now_ms);

/*
 * ballastd-read.c: fills @out from xenstore; -ESRCH if the domain is gone.
 * A domain new to this process resumes what a previous one saved for it.
 */
int bd_read_domain(struct ballastd *bd, struct bd_dom *d,
		   const struct bio_dominfo *info, uint64_t now_ms,
		   struct bsched_domain *out);
int bd_read_reservations(struct ballastd *bd, uint64_t now_ms);

/* ballastd-write.c */
void bd_apply(struct ballastd *bd, struct bd_dom *d,
	      const struct bsched_domain *in, const struct bsched_decision *dec);
void bd_answer(struct ballastd *bd, struct bd_res *r,
	       const struct bsched_answer *ans);
void bd_publish_status(struct ballastd *bd, struct bd_dom *d);
void bd_publish_daemon(struct ballastd *bd);
void bd_forget_domain(struct ballastd *bd, struct bd_dom *d);
/* Removes the saved state of domains that are not in this tick (once). */
void bd_remove_orphans(struct ballastd *bd);
int bd_write_metrics(struct ballastd *bd);

#endif /* BALLASTD_H */
