/* SPDX-License-Identifier: MIT */
/*
 * ballastd: the dom0 side. One struct ballastd owns everything: the I/O
 * backend and configuration (the ground floor every file shares), the
 * policy state, the domain table and the reservations. Each tick reads a
 * snapshot through the backend, asks bsched_tick() and writes only what
 * changed. No policy here. The files, by topic:
 *
 *   ballastd-main.c     the process: command line, signals, the loop around the tick
 *   ballastd-tick.c     the tick: snapshot -> bsched_tick -> dispatch; init, reload
 *   ballastd-watch.c    xenstore watches and their events
 *   ballastd-guest.c    untrusted guest input: reports, validation, flood window
 *   ballastd-sub.c      a domain's facts and subscription
 *   ballastd-resume.c   restart state: saved, read back, orphans removed
 *   ballastd-reserve.c  a reservation's whole life
 *   ballastd-txn.c      the per-domain write transaction and maxmem ordering
 *   ballastd-publish.c  status JSON, daemon JSON, metrics
 *   ballastd-trace.c    the trace file: a CSV row per domain per tick
 *   ballastd-vcpu.c     a domain's processors: read, and cpu/N/availability written
 *   ballastd-vcpu-tick.c  the processor policy's tick over every domain
 *   ballastd-domains.c  the per-domain record and the domain table
 *   ballastd-env.c      the ground floor: logging and its limiter, validated reads
 *   ballastd-lock.c     one ballastd per host
 *   ballastd-notify.c   under systemd: journal priorities, STATUS=, the watchdog
 */
#ifndef BALLASTD_H
#define BALLASTD_H

#include "ballastd-domains.h"
#include "ballastd-env.h"
#include "ballastd-publish.h"
#include "ballastd-reserve.h"
#include "ballastd-trace.h"

#define BD_MIN_EVENT_GAP_MS	100	/* watch-driven ticks at most this often */

struct ballastd {
	struct bd_env env;
	const char *config_path;	/* NULL: built-in defaults */
	struct bsched_state *policy;
	struct bsched_vcpu_state *vcpu_policy;	/* the processors' (bsched_vcpu.h) */
	struct bd_table doms;
	struct bd_reservations res;	/* ballastd-reserve.c */

	/* ballastd-tick.c */
	uint64_t last_tick_ms;
	struct bd_host_totals host;	/* as the last tick saw it */
	bool orphans_removed;		/* state of domains gone while we were not */
	struct bd_log_limit tick_log;	/* no snapshot, or the policy refused it */
	struct bd_log_limit metrics_log;	/* the metrics file (bd_publish_metrics) */
	struct bd_log_limit vcpu_log;	/* the processor policy refused its snapshot */
	char *daemon_json;		/* ballastd-publish.c: as last published */
	struct bd_trace trace;		/* ballastd-trace.c */

	/* ballastd-watch.c (and a reload) set it, the tick clears it */
	bool tick_due;			/* a relevant watch fired */
	bool watches_set;
};

/*
 * Takes @io (closed by bd_fini), loads @config_path (NULL: defaults). With
 * @dry_out, a dry run: every change is printed there instead of made (see
 * bio-dryrun.c, the one place that decides what a dry run does).
 * Returns 0, or -1 with a reason in @err (and @io is still the caller's).
 */
int bd_init(struct ballastd *bd, const struct bio *io, const char *config_path,
	    FILE *dry_out, char *err, size_t err_len);
void bd_fini(struct ballastd *bd);

/* Registers @introduceDomain, @releaseDomain and the /tool watches. */
int bd_watch_setup(struct ballastd *bd);

/* One iteration. Returns 0, or -errno if no snapshot could be taken. */
int bd_tick(struct ballastd *bd);
/* The processor policy's part of a tick (ballastd-vcpu-tick.c). */
void bd_vcpu_tick(struct ballastd *bd, uint64_t now_ms, uint32_t host_pcpus);

/* Drains queued watch events; sets tick_due if one matters. */
void bd_handle_events(struct ballastd *bd);

/* SIGHUP: a bad file keeps the old configuration (and says why). */
int bd_reload(struct ballastd *bd);

#endif /* BALLASTD_H */
