/* SPDX-License-Identifier: MIT */
/*
 * ballast xenstore schema: the one definition of the channel between
 * ballastd in dom0 and the ballast frontends (ballast.ko, ballast-agent)
 * in each guest. No key string is written anywhere else in the project;
 * SCHEMA.md documents the same table and a test keeps the two in step.
 *
 * Three places, three owners:
 *   /local/domain/<id>/memory/ballast/  dom0 writes, the guest may only read
 *                                       (the toolstack creates memory/ with
 *                                       the guest as a read-only reader).
 *   /local/domain/<id>/data/ballast/    the guest writes: untrusted input to
 *                                       dom0, every value is validated here.
 *   /tool/ballast/                      dom0 only, invisible to guests:
 *                                       runtime overrides, reservations,
 *                                       daemon state needed to restart.
 *
 * Units: memory in KiB (as memory/target), rates in KiB/s, pressure in
 * hundredths of a percent, counters as plain cumulative counts.
 * Every value is an unsigned decimal without sign, spaces, leading zeros or
 * trailing newline, or one word from a fixed list.
 *
 * This file and ballast_schema.c are freestanding (no libc) so that the
 * kernel module compiles them unchanged.
 */
#ifndef BALLAST_SCHEMA_H
#define BALLAST_SCHEMA_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif

#define BALLAST_PROTOCOL_VERSION	1

/* Directories, relative to /local/domain/<id>/ (what a guest passes to xenbus). */
#define BALLAST_CTL_DIR		"memory/ballast"
#define BALLAST_DATA_DIR	"data/ballast"
/* Absolute, dom0 only. */
#define BALLAST_TOOL_DIR	"/tool/ballast"
#define BALLAST_DOMAIN_FMT	"/local/domain/%u"

/* Keys the stock Xen tools and the stock balloon already use. */
#define BALLAST_STOCK_TARGET		"memory/target"		/* KiB, dom0 */
#define BALLAST_STOCK_STATIC_MAX	"memory/static-max"	/* KiB, dom0 */
#define BALLAST_STOCK_STATIC_MAX_OLD	"memory/memory_static_max"	/* the same, older toolstacks */
#define BALLAST_STOCK_FEATURE_BALLOON	"control/feature-balloon" /* guest */
#define BALLAST_STOCK_NAME		"name"			/* the toolstack: xl's domain name */
/*
 * cpu/<N>/availability: one node per vCPU up to maxvcpus, "online" or
 * "offline" (docs/misc/xenstore-paths.pandoc). dom0 writes it as
 * libxl_set_vcpuonline does, every node in one transaction, vCPUs 0..k-1
 * online, vCPU 0 always; the guest kernel watches it (SCHEMA.md, "vCPUs").
 */
#define BALLAST_STOCK_CPU_DIR		"cpu"
#define BALLAST_STOCK_CPU_AVAILABILITY_FMT "cpu/%u/availability"
/* libxl's own record of a domain (dom0 only; ballast_path's BALLAST_AT_LIBXL) */
#define BALLAST_LIBXL_FMT		"/libxl/%u"
/* ...under it, libxl's word for the domain's type, "pv", "pvh" or "hvm":
 * Xen's hvm flag is set for PVH too (libxl__domain_type()) */
#define BALLAST_STOCK_LIBXL_TYPE	"type"

/* dom0 -> guest, under BALLAST_CTL_DIR. */
#define BALLAST_KEY_TARGET		"target"
#define BALLAST_KEY_RATE_MIN		"rate-min"
#define BALLAST_KEY_RATE_MAX		"rate-max"
#define BALLAST_KEY_UNCOOPERATIVE	"uncooperative"

/* guest -> dom0, under BALLAST_DATA_DIR. */
#define BALLAST_KEY_FRONTEND		"frontend"
#define BALLAST_KEY_PROTOCOL		"protocol"
#define BALLAST_KEY_CURRENT		"current"
#define BALLAST_KEY_BALLOONED		"ballooned"
#define BALLAST_KEY_FLOOR		"floor"
#define BALLAST_KEY_STATE		"state"
#define BALLAST_KEY_RATE		"rate"
#define BALLAST_KEY_ALLOC_FAILURES	"alloc-failures"
#define BALLAST_KEY_HOST_REFUSALS	"host-refusals"
#define BALLAST_KEY_BAD_TARGETS		"bad-targets"
#define BALLAST_KEY_OOM_DEFLATES	"oom-deflates"
#define BALLAST_KEY_MEM_AVAILABLE	"mem-available"
#define BALLAST_KEY_COMMITTED_AS	"committed-as"
#define BALLAST_KEY_PSI_SOME_AVG10	"psi-some-avg10"
#define BALLAST_KEY_PSI_FULL_AVG10	"psi-full-avg10"
#define BALLAST_KEY_SWAP_IN		"swap-in"
#define BALLAST_KEY_SWAP_OUT		"swap-out"
#define BALLAST_KEY_MAJOR_FAULTS	"major-faults"
#define BALLAST_KEY_OOM_KILLS		"oom-kills"
#define BALLAST_KEY_SEQ			"seq"
/* guest -> dom0 CPU evidence, under BALLAST_DATA_DIR (SCHEMA.md, "vCPUs") */
#define BALLAST_KEY_CPUS_ONLINE		"cpus-online"
#define BALLAST_KEY_PSI_CPU_SOME_AVG10	"psi-cpu-some-avg10"
#define BALLAST_KEY_LOAD_AVG1		"load-avg1"
#define BALLAST_KEY_RUNNABLE		"runnable"
#define BALLAST_KEY_STEAL		"steal"
#define BALLAST_KEY_CPU_OFFLINE_REFUSALS "cpu-offline-refusals"
#define BALLAST_KEY_CPU_REFUSED		"cpu-refused"

/* dom0 only, under BALLAST_TOOL_DIR. */
#define BALLAST_TOOL_POLICY	"policy"	/* policy/<domain name>/{min,max,shares} */
#define BALLAST_TOOL_RESERVE	"reservation"	/* reservation/<id>/{size,status,...} */
#define BALLAST_TOOL_DOMAIN	"domain"	/* domain/<domid>/{status,boost,...} daemon state */
#define BALLAST_KEY_MIN			"min"
#define BALLAST_KEY_MAX			"max"
#define BALLAST_KEY_SHARES		"shares"
#define BALLAST_KEY_VCPUS_MIN		"vcpus-min"
#define BALLAST_KEY_VCPUS_MAX		"vcpus-max"
#define BALLAST_KEY_CPU_SHARES		"cpu-shares"
#define BALLAST_KEY_VCPU_SCALING	"vcpu-scaling"
#define BALLAST_KEY_SIZE		"size"
#define BALLAST_KEY_STATUS		"status"
#define BALLAST_KEY_KEEPALIVE		"keepalive"
/* domain/<domid>/: what ballastd kept in memory, so a restart resumes it */
#define BALLAST_KEY_BOOST		"boost"
#define BALLAST_KEY_REPORT_SEQ		"report-seq"
#define BALLAST_KEY_REPORT_RECEIVED	"report-received"

/*
 * Limits. A value outside them is refused, never clamped: a clamped hostile
 * value would still steer the policy.
 */
#define BALLAST_U64_MAX			(~(uint64_t)0)	/* no UINT64_MAX in the kernel */
#define BALLAST_MAX_VALUE_LEN		20	/* digits in BALLAST_U64_MAX */
#define BALLAST_MIN_TARGET_KIB		16384ULL	/* 16 MiB: no Linux boots below */
#define BALLAST_MAX_MEMORY_KIB		(16ULL << 30)	/* 16 TiB */
#define BALLAST_MAX_COMMITTED_KIB	(1ULL << 40)	/* 1 PiB: overcommit is legal */
#define BALLAST_MAX_RATE_KIB_S		(16ULL << 20)	/* 16 GiB/s */
#define BALLAST_MAX_CENTIPCT		10000ULL	/* 100.00 % */
#define BALLAST_MAX_COUNTER		((1ULL << 63) - 1)
#define BALLAST_MAX_SHARES		1000000ULL
#define BALLAST_MAX_BOOST_PCT		200ULL	/* the policy's cap on the PSI boost */
#define BALLAST_MAX_VCPUS		4096ULL	/* Xen's most vCPUs of one domain (HVM: 128) */
#define BALLAST_MAX_TASKS		4194304ULL	/* Linux PID_MAX_LIMIT */
#define BALLAST_MAX_LOAD_CENTI		(BALLAST_MAX_TASKS * 100)	/* load average x 100 */

/* Frontend kinds, values of data/ballast/frontend. */
enum ballast_frontend {
	BALLAST_FRONTEND_DRIVER = 0,	/* "driver": ballast.ko */
	BALLAST_FRONTEND_AGENT,		/* "agent": ballast-agent */
	BALLAST_FRONTEND__COUNT
};

/* Driver states, values of data/ballast/state. */
enum ballast_state {
	BALLAST_STATE_AT_TARGET = 0,	/* "at-target" */
	BALLAST_STATE_INFLATING,	/* "inflating" */
	BALLAST_STATE_DEFLATING,	/* "deflating" */
	BALLAST_STATE_BACKING_OFF,	/* "backing-off": guest refused pages */
	BALLAST_STATE_AT_FLOOR,		/* "at-floor": target below the floor */
	BALLAST_STATE_HOST_REFUSED,	/* "host-refused": Xen gave no frames */
	BALLAST_STATE_UNLOADING,	/* "unloading": giving every page back */
	BALLAST_STATE__COUNT
};

/* Values of cpu/<N>/availability (a stock key: parse with
 * ballast_parse_cpu_availability()). */
enum ballast_cpu_availability {
	BALLAST_CPU_ONLINE = 0,		/* "online" */
	BALLAST_CPU_OFFLINE,		/* "offline" */
	BALLAST_CPU__COUNT
};

/* Reservation status, values of /tool/ballast/reservation/<id>/status. */
enum ballast_reservation_status {
	BALLAST_RES_PENDING = 0,	/* "pending" */
	BALLAST_RES_GRANTED,		/* "granted" */
	BALLAST_RES_REFUSED,		/* "refused": domains did not give memory */
	BALLAST_RES_IMPOSSIBLE,		/* "impossible": more than the host can free */
	BALLAST_RES__COUNT
};

enum ballast_writer {
	BALLAST_WRITER_DOM0 = 0,	/* ballastd (or ballastctl) */
	BALLAST_WRITER_GUEST,		/* ballast.ko or ballast-agent */
};

enum ballast_place {
	BALLAST_PLACE_CTL = 0,		/* /local/domain/<id>/memory/ballast */
	BALLAST_PLACE_DATA,		/* /local/domain/<id>/data/ballast */
	BALLAST_PLACE_TOOL_POLICY,	/* /tool/ballast/policy/<name> */
	BALLAST_PLACE_TOOL_RESERVE,	/* /tool/ballast/reservation/<id> */
	BALLAST_PLACE_TOOL_DOMAIN,	/* /tool/ballast/domain/<domid> */
};

enum ballast_key_id {
	BALLAST_K_TARGET = 0,
	BALLAST_K_RATE_MIN,
	BALLAST_K_RATE_MAX,
	BALLAST_K_UNCOOPERATIVE,
	BALLAST_K_FRONTEND,
	BALLAST_K_PROTOCOL,
	BALLAST_K_CURRENT,
	BALLAST_K_BALLOONED,
	BALLAST_K_FLOOR,
	BALLAST_K_STATE,
	BALLAST_K_RATE,
	BALLAST_K_ALLOC_FAILURES,
	BALLAST_K_HOST_REFUSALS,
	BALLAST_K_BAD_TARGETS,
	BALLAST_K_OOM_DEFLATES,
	BALLAST_K_MEM_AVAILABLE,
	BALLAST_K_COMMITTED_AS,
	BALLAST_K_PSI_SOME_AVG10,
	BALLAST_K_PSI_FULL_AVG10,
	BALLAST_K_SWAP_IN,
	BALLAST_K_SWAP_OUT,
	BALLAST_K_MAJOR_FAULTS,
	BALLAST_K_OOM_KILLS,
	BALLAST_K_SEQ,
	BALLAST_K_POLICY_MIN,
	BALLAST_K_POLICY_MAX,
	BALLAST_K_POLICY_SHARES,
	BALLAST_K_RES_SIZE,
	BALLAST_K_RES_STATUS,
	BALLAST_K_DOM_BOOST,
	BALLAST_K_DOM_REPORT_SEQ,
	BALLAST_K_DOM_REPORT_RECEIVED,
	/* vCPUs (appended: the frontends index reports by these ids) */
	BALLAST_K_CPUS_ONLINE,
	BALLAST_K_PSI_CPU_SOME_AVG10,
	BALLAST_K_LOAD_AVG1,
	BALLAST_K_RUNNABLE,
	BALLAST_K_STEAL,
	BALLAST_K_CPU_OFFLINE_REFUSALS,
	BALLAST_K_CPU_REFUSED,
	BALLAST_K_POLICY_VCPUS_MIN,
	BALLAST_K_POLICY_VCPUS_MAX,
	BALLAST_K_POLICY_CPU_SHARES,
	BALLAST_K_POLICY_VCPU_SCALING,
	/* reservations (appended, like the vCPU keys) */
	BALLAST_K_RES_KEEPALIVE,
	BALLAST_K__COUNT
};

struct ballast_key_info {
	enum ballast_key_id id;
	enum ballast_place place;
	const char *name;
	enum ballast_writer writer;
	const char *unit;		/* "KiB", "KiB/s", "0.01%", "%", "ms", "count",
					 * "0.01" (hundredths), "word" */
	uint64_t min, max;		/* inclusive, for numbers */
	const char *const *words;	/* NULL-terminated, for words */
};

/* Why a value was refused. BALLAST_OK is 0. */
enum ballast_verdict {
	BALLAST_OK = 0,
	BALLAST_E_MISSING,	/* key absent (NULL value) */
	BALLAST_E_EMPTY,
	BALLAST_E_TOO_LONG,
	BALLAST_E_SIGN,		/* leading '-' or '+' */
	BALLAST_E_NOT_NUMBER,	/* any byte other than a digit */
	BALLAST_E_LEADING_ZERO,
	BALLAST_E_OVERFLOW,	/* more than 64 bits */
	BALLAST_E_BELOW_MIN,
	BALLAST_E_ABOVE_MAX,
	BALLAST_E_UNKNOWN_WORD,
	BALLAST_E_STALE_SEQ,	/* seq not newer than the last one accepted */
	BALLAST_E__COUNT
};

/* The table, indexed by enum ballast_key_id. */
extern const struct ballast_key_info ballast_keys[BALLAST_K__COUNT];

/* Words of the enumerated keys, indexed by their enums. */
const char *ballast_frontend_word(enum ballast_frontend f);
const char *ballast_state_word(enum ballast_state s);
const char *ballast_reservation_word(enum ballast_reservation_status s);
const char *ballast_cpu_availability_word(enum ballast_cpu_availability a);

/*
 * The value of a cpu/<N>/availability node (a stock key, not in the table):
 * "online" or "offline" exactly. Returns BALLAST_OK and sets *@out to the
 * enum ballast_cpu_availability, or the reason (*@out untouched).
 */
enum ballast_verdict ballast_parse_cpu_availability(const char *s, size_t len,
						    uint64_t *out);

/* A short reason, such as "not a decimal number". Never NULL. */
const char *ballast_verdict_str(enum ballast_verdict v);

/*
 * Strict unsigned decimal: digits only, no sign, no leading zero (except
 * "0"), at most BALLAST_MAX_VALUE_LEN bytes, no overflow. @len bytes of @s
 * are examined; a NUL inside them is "not a number".
 * Returns BALLAST_OK and sets *@out, or the reason; *@out is untouched then.
 */
enum ballast_verdict ballast_parse_u64(const char *s, size_t len, uint64_t *out);

/*
 * Parse and range-check the value of key @id. For words, *@out is the index
 * in the key's word list. @s may be NULL (key absent): BALLAST_E_MISSING.
 */
enum ballast_verdict ballast_parse_key(enum ballast_key_id id, const char *s,
				       size_t len, uint64_t *out);

/*
 * The default floor of a guest of @size_kib, Hyper-V style: small guests
 * keep a larger share because their kernel is a larger share of them.
 * 8 MiB + 1/2 below 128 MiB, 40 MiB + 1/4 below 512 MiB, 104 MiB + 1/8 below
 * 2 GiB, 232 MiB + 1/16 below 8 GiB, 488 MiB + 1/32 above. Continuous and
 * increasing, so dom0 bounds any default floor by this of static-max, and
 * honours a reported floor (DATA/floor) no higher than that.
 */
uint64_t ballast_default_floor_kib(uint64_t size_kib);

/*
 * A report's sequence number is accepted if it is newer than @last_seq, or if
 * it is 1 (the frontend (re)started and counts again from 1). @last_seq is 0
 * before the first report.
 */
enum ballast_verdict ballast_check_seq(uint64_t last_seq, uint64_t seq);

#endif /* BALLAST_SCHEMA_H */
