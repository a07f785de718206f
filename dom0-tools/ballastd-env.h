/* SPDX-License-Identifier: MIT */
/*
 * ballastd's ground floor: what every topic file may use. The door to Xen,
 * the configuration and where logs go (struct bd_env), a domain's identity
 * for log lines, the once-a-minute log limiter, validated reads
 * (ballastd-env.c), and the few plain types the topic files hand each other.
 */
#ifndef BALLASTD_ENV_H
#define BALLASTD_ENV_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <syslog.h>

#include "ballast_path.h"
#include "ballast_schema.h"
#include "bio.h"
#include "bsched.h"
#include "config.h"

#define BD_LOG_QUIET_MS		60000	/* a repeating log line: at most once a minute */

/* Host-wide counters for the metrics; each is counted by the file named. */
struct bd_counters {
	uint64_t ticks;			/* ballastd-tick.c */
	uint64_t tick_errors;		/* ballastd-tick.c */
	uint64_t vanished;		/* ballastd-tick.c, ballastd-txn.c: gone mid-tick */
	uint64_t xs_retries;		/* ballastd-txn.c */
	uint64_t xs_giveups;		/* ballastd-txn.c */
	uint64_t writes;		/* ballastd-txn.c */
	uint64_t refused_reports;	/* ballastd-guest.c */
	uint64_t flood_refused;		/* ballastd-guest.c */
};

struct bd_env {
	struct bio io;
	struct bd_config cfg;
	bool dry_run;			/* io is the dry-run bio (bio-dryrun.c); for logs and status only */
	FILE *log_out;			/* stderr target (tests capture it) */
	bool log_prio_prefix;		/* "<N>" before each line: log_out is the journal */
	struct bd_counters count;
};

/* Who a log line is about: the domid (the domain table's key) and xl's name. */
struct bd_who {
	uint32_t domid;
	char name[BSCHED_NAME_MAX];	/* ballastd-sub.c reads it */
};

/* A guest report, by its sequence number and when ballastd took it. */
struct bd_report_ref {
	uint64_t seq;			/* 0: none */
	uint64_t taken_ms;
};

/* One write of a plan: a path and its decimal value. */
struct bd_item {
	char path[BALLAST_PATH_MAX];
	char value[24];
};

/* Sets @it to <root>[/@dir]/@key = @v; false if the path does not fit. */
static inline bool bd_item_set(struct bd_item *it, enum ballast_root root,
			       uint32_t id, const char *dir, const char *key,
			       uint64_t v)
{
	int rc = dir ? ballast_path(it->path, sizeof(it->path), root, id, dir, key, NULL) :
		       ballast_path(it->path, sizeof(it->path), root, id, key, NULL);

	if (rc)
		return false;
	snprintf(it->value, sizeof(it->value), "%" PRIu64, v);
	return true;
}

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

void bd_log(struct bd_env *env, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A failure through @lim: see struct bd_log_limit. */
void bd_log_failure(struct bd_env *env, struct bd_log_limit *lim, int prio,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The failure behind @lim is over: says so ("<what>: working again") if it
 * was said. */
void bd_log_recovered(struct bd_env *env, struct bd_log_limit *lim,
		      const char *what_fmt, ...) __attribute__((format(printf, 3, 4)));
/* Within @lim's quiet minute: counts the line and returns true (say nothing). */
bool bd_log_held_back(struct bd_log_limit *lim, uint64_t now_ms);
/* The line was said now: the count and the quiet minute start again. */
void bd_log_said(struct bd_log_limit *lim, uint64_t now_ms);

/*
 * Lines a guest can cause, by what it writes or how often (its refused
 * values and floods, the targets its reports move, its frontend claims, the
 * conflicts its writes make): one budget per domain for all of them,
 * BD_GUEST_LINES per BD_LOG_QUIET_MS; the rest are counted and the count is
 * said with the next line let through.
 */
#define BD_GUEST_LINES		8

struct bd_log_budget {
	uint64_t window_start_ms;
	uint32_t said;			/* in this window */
	uint64_t held_back;
};

void bd_log_guest(struct bd_env *env, struct bd_log_budget *b, int prio,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Reads and validates the key @id at @path; BALLAST_E_MISSING when absent
 * or unreadable. */
enum ballast_verdict bd_read_key(struct bd_env *env, const char *path,
				 enum ballast_key_id id, uint64_t *out);
/* A dom0-written number such as memory/target: 0, -errno, -EINVAL if not
 * a strict decimal. */
int bd_read_u64(struct bd_env *env, const char *path, uint64_t *out);

#endif /* BALLASTD_ENV_H */
