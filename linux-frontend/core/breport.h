/* SPDX-License-Identifier: MIT */
/*
 * Report thresholding: decides when the frontend writes its status and
 * statistics under data/ballast/, so that xenstore sees a write only on a
 * significant change or, failing that, every max_interval_ms.
 * Portable like bcore.c; the caller serialises calls.
 */
#ifndef BREPORT_H
#define BREPORT_H

#include "bcore_compat.h"
#include "ballast_schema.h"

/* One sample of every report key, indexed by the schema's key id. */
struct breport_stats {
	uint64_t v[BALLAST_K__COUNT];
	uint64_t present;	/* bit (1 << id) set for keys with a value */
};

/* What counts as significant, per kind of key. 0 means any change. */
struct breport_thresholds {
	uint64_t mem_kib;		/* current, ballooned, mem-available, committed-as */
	uint64_t rate_kib_s;		/* rate */
	uint64_t centipct;		/* psi-*-avg10 */
	uint64_t events;		/* swap-in, swap-out, major-faults */
	uint64_t max_interval_ms;	/* heartbeat: write at least this often */
	uint64_t sample_ms;		/* slow evidence (PSI, load): read at least this often */
	uint64_t load_centi;		/* load-avg1 */
};

struct breport {
	struct breport_thresholds th;
	struct breport_stats last;	/* as last written */
	uint64_t last_ms;
	uint64_t seq;			/* of the last report written, 0 before */
	bool failing;			/* the last write failed */
};

/*
 * Defaults: 16 MiB, 4 MiB/s, 0.10 % (PSI: the working-set probe's goal),
 * 1024 events; a 60 s heartbeat, and PSI read every 10 s. Reports are written on change: an idle guest writes
 * one transaction a minute (dom0 counts a report stale after
 * stats-stale-ms, 180 s, three heartbeats), while a change of any key is
 * seen within a worker run, or within sample_ms for PSI (BENCHMARKS.md).
 */
void breport_default_thresholds(struct breport_thresholds *th);

void breport_init(struct breport *r, const struct breport_thresholds *th);

void breport_set(struct breport_stats *s, enum ballast_key_id id, uint64_t v);
bool breport_has(const struct breport_stats *s, enum ballast_key_id id);
void breport_unset(struct breport_stats *s, enum ballast_key_id id);

/*
 * Returns the sequence number to write with @now if a report is due at
 * @now_ms (first report, a significant change, or the heartbeat), else 0.
 */
uint64_t breport_due(const struct breport *r, const struct breport_stats *now,
		     uint64_t now_ms);

/* The report numbered @seq was written (its transaction committed). */
void breport_sent(struct breport *r, const struct breport_stats *s,
		  uint64_t seq, uint64_t now_ms);

/*
 * The report cycle both frontends run: the seq to write @s with now, by
 * breport_due() or, with @force, anyway; 0: nothing to write.
 */
uint64_t breport_next(const struct breport *r, const struct breport_stats *s,
		      uint64_t now_ms, bool force);

/*
 * The write of @seq ended with @err (0: committed, then breport_sent()).
 * Returns true when the caller should log the failure: the first of a
 * series (it is retried at the next run, not logged every second).
 */
bool breport_result(struct breport *r, int err, const struct breport_stats *s,
		    uint64_t seq, uint64_t now_ms);

/*
 * Slow evidence last read at @sampled_ms (0: never) is to be read again at
 * @now_ms: when a report is due anyway (@due), or sample_ms after the last
 * read, so that a change in it makes a report due without waiting for the
 * heartbeat.
 */
bool breport_sample_due(const struct breport *r, uint64_t sampled_ms,
			uint64_t now_ms, bool due);

/*
 * A key not sampled this time keeps its last reported value in @s (or
 * stays absent), so it neither makes a report due nor vanishes from one:
 * PSI is read only when a report is due or breport_sample_due() says so.
 */
void breport_carry(struct breport_stats *s, const struct breport *r,
		   enum ballast_key_id id);

/*
 * Every slow key (PSI, CPU pressure, load) of @s replaced by its last
 * reported value: a frontend that reads them more often than sample_ms
 * lets a change in them make a report due only every sample_ms
 * (ballast-agent).
 */
void breport_carry_slow(struct breport_stats *s, const struct breport *r);

#endif /* BREPORT_H */
