/* SPDX-License-Identifier: MIT */
/*
 * Publishing for tools (ballastd-publish.c): each domain's status JSON in
 * /tool/ballast/domain/<id>/status, the daemon's in /tool/ballast/status
 * (both read by ballastctl; the fields are status-json.h's), and the
 * Prometheus metrics file. Writes only what changed.
 */
#ifndef BALLASTD_PUBLISH_H
#define BALLASTD_PUBLISH_H

#include "ballastd-domains.h"

/* The host as this tick saw it, for the metrics and the STATUS= line. */
struct bd_host_totals {
	uint64_t total_kib;		/* Xen's physinfo */
	uint64_t free_kib;		/* Xen's physinfo */
	uint64_t slush_kib;		/* the policy's slush, kept free */
	uint64_t reserved_kib;		/* held for reservations (their answers) */
	uint32_t pcpus;			/* Xen's physinfo nr_cpus */
};

/* The host totals of a tick: Xen's @h, what @result holds for reservations. */
struct bd_host_totals bd_host_totals(const struct bsched_host *h,
				     const struct bsched_result *result,
				     uint64_t slush_kib);

/* @d as ballastd sees it; *@cache (@d->status_json) holds what is published. */
void bd_publish_status(struct bd_env *env, const struct bd_dom *d, char **cache);
/* The daemon: pid, tick, dry-run; @cache as for a domain. */
void bd_publish_daemon(struct bd_env *env, char **cache);
/*
 * The metrics file (Prometheus text format 0.0.4: HELP and TYPE for every
 * metric, sizes in bytes, label values escaped), replaced atomically; with
 * vcpu-scaling on, each domain's vCPU counts too (only of domains whose
 * vCPUs were read this tick). 0, or -errno.
 */
int bd_write_metrics(struct bd_env *env, const struct bd_table *t,
		     const struct bd_host_totals *host);
/* bd_write_metrics(), a failure logged through @log (once a minute). */
void bd_publish_metrics(struct bd_env *env, const struct bd_table *t,
			const struct bd_host_totals *host, struct bd_log_limit *log);
/* The same text to @f (which the caller closes). */
void bd_metrics_print(FILE *f, const struct bd_env *env, const struct bd_table *t,
		      const struct bd_host_totals *host);

#endif /* BALLASTD_PUBLISH_H */
