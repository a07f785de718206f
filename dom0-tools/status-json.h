/* SPDX-License-Identifier: MIT */
/*
 * The JSON ballastd publishes in /tool/ballast/status and
 * /tool/ballast/domain/<id>/status, which ballastctl reads back and
 * (with a few fields of its own) prints for `status --json`. The field
 * names are spelled here only, so writer and reader cannot drift apart.
 * Sizes are in KiB, as everywhere in ballast.
 */
#ifndef BALLAST_STATUS_JSON_H
#define BALLAST_STATUS_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>

/* /tool/ballast/status: the daemon */
#define SJ_PID			"pid"
#define SJ_TICK_MS		"tick_ms"
#define SJ_DRY_RUN		"dry_run"

/* /tool/ballast/domain/<id>/status: one domain as ballastd sees it */
#define SJ_DOMID		"domid"
#define SJ_NAME			"name"
#define SJ_FRONTEND		"frontend"
#define SJ_MANAGED		"managed"
#define SJ_MIN_KIB		"min_kib"
#define SJ_MAX_KIB		"max_kib"
#define SJ_SHARES		"shares"
#define SJ_TARGET_KIB		"target_kib"
#define SJ_DEMAND_KIB		"demand_kib"
#define SJ_IDEAL_KIB		"ideal_kib"
#define SJ_BOUND		"bound"
#define SJ_STUCK		"stuck"
#define SJ_UNCOOPERATIVE	"uncooperative"
#define SJ_FLOODING		"flooding"
#define SJ_REFUSED_REPORTS	"refused_reports"
#define SJ_FLOOD_REFUSED	"flood_refused"
#define SJ_LAST_REFUSAL		"last_refusal"
#define SJ_REFUSED_RESERVATION	"refused_reservation"
#define SJ_PROBE		"probe"		/* bsched_probe_str */
#define SJ_PROBE_CAP_KIB	"probe_cap_kib"	/* 0: none binds */
/* its processors (ballastd-vcpu.c; counts of vCPUs, steal in 0.01 %) */
#define SJ_VCPU_SCALING		"vcpu_scaling"
#define SJ_VCPU_HVM		"vcpu_hvm"
#define SJ_VCPUS_ONLINE		"vcpus_online"
#define SJ_VCPUS_TARGET		"vcpus_target"
#define SJ_VCPUS_WANT		"vcpus_want"
#define SJ_VCPUS_MIN		"vcpus_min"
#define SJ_VCPUS_MAX		"vcpus_max"
#define SJ_MAXVCPUS		"maxvcpus"
#define SJ_CPU_SHARES		"cpu_shares"
#define SJ_VCPU_BOUND		"vcpu_bound"
#define SJ_VCPU_REFUSALS	"vcpu_refusals"
#define SJ_VCPU_STEAL		"vcpu_steal_centipct"

/* `ballastctl status --json` adds these */
#define SJ_BALLASTD_RUNNING	"ballastd_running"
#define SJ_HOST			"host"
#define SJ_TOTAL_KIB		"total_kib"
#define SJ_FREE_KIB		"free_kib"
#define SJ_SCRUB_KIB		"scrub_kib"
#define SJ_OUTSTANDING_KIB	"outstanding_kib"
#define SJ_DOMAINS		"domains"
#define SJ_PUBLISHED		"published"
#define SJ_ACTUAL_KIB		"actual_kib"
#define SJ_STATE		"state"
#define SJ_PSI_SOME		"psi_some_avg10_centipct"

/* One "key": value pair of a map being generated. */
void sj_key(yajl_gen g, const char *key);
void sj_u64(yajl_gen g, const char *key, uint64_t v);	/* the full range */
void sj_str(yajl_gen g, const char *key, const char *v);
void sj_bool(yajl_gen g, const char *key, bool v);

#endif /* BALLAST_STATUS_JSON_H */
