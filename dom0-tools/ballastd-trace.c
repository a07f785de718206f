// SPDX-License-Identifier: MIT
/*
 * The trace recorder: ballastd.conf trace-file, one CSV row per domain per
 * tick (columns: ballastd.conf(5), TRACE FILE). The file is opened for
 * each tick and closed after it, so an admin's logrotate can move it away
 * at any time: the next tick starts a new one, with the header.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "ballastd-trace.h"

/* A name as one CSV field: no separator, quote or line break in it. */
static void put_name(FILE *f, const char *name)
{
	if (!name[0]) {
		fputc('-', f);
		return;
	}
	for (const char *c = name; *c; c++)
		fputc(*c == ',' || *c == '"' || *c < 0x21 || *c > 0x7e ? '_' : *c, f);
}

/* Centi-percent as percent with two decimals. */
static void put_centipct(FILE *f, uint32_t v)
{
	fprintf(f, "%" PRIu32 ".%02" PRIu32, v / 100, v % 100);
}

static void put_row(FILE *f, uint64_t time_ms, const struct bsched_domain *d,
		    const struct bsched_decision *dec, uint64_t free_kib)
{
	fprintf(f, "%" PRIu64 ".%03" PRIu64 ",%" PRIu32 ",", time_ms / 1000,
		time_ms % 1000, d->domid);
	put_name(f, d->name);
	fprintf(f, ",%s,%d,%" PRIu64 ",%" PRIu64 ",%" PRIu32 ",%" PRIu64 ",%" PRIu64
		",%" PRIu64 ",", bsched_frontend_str(d->frontend), d->managed,
		d->min_kib, d->max_kib, d->shares, dec->target_kib, d->actual_kib,
		dec->demand_kib);
	/* what only a guest's reports say: empty without them */
	if (d->stats.present) {
		fprintf(f, "%" PRIu64 ",", d->stats.mem_available_kib);
		put_centipct(f, d->stats.psi_some_avg10_centipct);
		fputc(',', f);
		put_centipct(f, d->stats.psi_full_avg10_centipct);
		fprintf(f, ",%" PRIu64 ",", d->stats.oom_kills);
	} else {
		fputs(",,,,", f);
	}
	fprintf(f, "%s,%d,%d,%" PRIu64 "\n", bsched_bound_str(dec->bound), dec->stuck,
		dec->uncooperative, free_kib);
}

/* The file to append to, rotated first if it is full. NULL: errno set. */
static FILE *open_trace(const struct bd_config *cfg, bool *fresh)
{
	char old[PATH_MAX + sizeof(BD_TRACE_OLD_SUFFIX)];
	struct stat st;
	FILE *f;

	if (!stat(cfg->trace_file, &st) && cfg->trace_max_kib &&
	    (uint64_t)st.st_size >= cfg->trace_max_kib * 1024) {
		snprintf(old, sizeof(old), "%s%s", cfg->trace_file, BD_TRACE_OLD_SUFFIX);
		if (rename(cfg->trace_file, old))
			return NULL;
	}
	f = fopen(cfg->trace_file, "ae");
	if (!f)
		return NULL;
	if (fstat(fileno(f), &st)) {
		int e = errno;

		fclose(f);
		errno = e;
		return NULL;
	}
	*fresh = st.st_size == 0;
	return f;
}

void bd_trace_tick(struct bd_env *env, struct bd_trace *tr,
		   const struct bsched_snapshot *s, const struct bsched_result *r)
{
	const struct bd_config *cfg = &env->cfg;
	bool fresh = false;
	FILE *f;
	int rc = 0;

	if (!cfg->trace_file[0])
		return;
	if (!tr->started) {
		tr->started = true;
		tr->start_ms = s->now_ms;
	}
	f = open_trace(cfg, &fresh);
	if (!f) {
		rc = -errno;
		goto out;
	}
	if (fresh)
		fputs(BD_TRACE_HEADER "\n", f);
	for (size_t i = 0; i < s->n_domains && i < r->n_decisions; i++)
		put_row(f, s->now_ms - tr->start_ms, &s->domains[i], &r->decisions[i],
			s->host.free_kib);
	if (ferror(f))
		rc = -EIO;
	if (fclose(f) && !rc)
		rc = -errno;
out:
	if (rc)
		bd_log_failure(env, &tr->log, LOG_WARNING, "trace file %s: %s, ignoring",
			       cfg->trace_file, strerror(-rc));
	else
		bd_log_recovered(env, &tr->log, "trace file");
}
