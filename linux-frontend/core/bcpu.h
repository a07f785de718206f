/* SPDX-License-Identifier: MIT */
/*
 * The guest's processors, portable like bcore.c: the CPU evidence both
 * frontends report (xenstore-schema/SCHEMA.md, "vCPUs") parsed from the
 * text the kernel prints, and the hotplug tracker that decides which CPU
 * to bring online and counts the ones the guest would not take down.
 *
 * Why a frontend brings CPUs online: the stock drivers/xen/cpu_hotplug.c
 * takes a CPU down when cpu/N/availability says "offline", but on "online"
 * it only registers the CPU and marks it present. ballast.ko then calls the
 * kernel's CPU hotplug API, ballast-agent writes 1 to
 * /sys/devices/system/cpu/cpuN/online.
 */
#ifndef BCPU_H
#define BCPU_H

#include "bcore_compat.h"
#include "breport.h"

/* CPUs the tracker follows; a larger guest's others are left to the stock
 * driver (brought online by nobody). */
#define BCPU_MAX		512
#define BCPU_TEXT_MAX		256	/* /proc/loadavg, /proc/stat's first line */

struct bcpu_evidence {
	uint64_t cpus_online;
	uint64_t load_avg1_centi;	/* 1-minute load average x 100 */
	uint64_t runnable;
	bool has_psi;
	uint64_t psi_cpu_some_centipct;
	bool has_steal;
	uint64_t steal_ms;		/* cumulative */
};

/*
 * "/proc/loadavg": "0.52 0.58 0.59 3/345 12345": the first field (D+.DD)
 * and the runnable tasks before the '/', less the one reading the file
 * (it runs as it reads: counted, a guest idle but for its frontend would
 * look half busy on 2 vCPUs and never be lowered to 1). False if malformed.
 */
bool bcpu_parse_loadavg(const char *text, size_t len, uint64_t *load_centi,
			uint64_t *runnable);

/*
 * The first line of /proc/stat, "cpu  user nice system idle iowait irq
 * softirq steal ...", in ticks of @user_hz per second: steal in ms. Only
 * the first line is needed (the rest may be cut). False if malformed or
 * shorter than eight counters.
 */
bool bcpu_parse_stat_steal(const char *text, size_t len, uint64_t user_hz,
			   uint64_t *steal_ms);

/* A CPU list as in /sys/devices/system/cpu/online ("0-3,5\n"): how many. */
bool bcpu_parse_cpulist(const char *text, size_t len, uint64_t *count);

/* The evidence into @s (the keys the schema gives it; absent ones left out). */
void bcpu_report(const struct bcpu_evidence *e, struct breport_stats *s);

/* What cpu/N/availability says. */
enum bcpu_avail {
	BCPU_AVAIL_UNKNOWN = 0,		/* absent or not one of the words */
	BCPU_AVAIL_ONLINE,
	BCPU_AVAIL_OFFLINE,
};

/* The word of cpu/N/availability (@len bytes, no NUL needed). */
enum bcpu_avail bcpu_parse_avail(const char *s, size_t len);

struct bcpu_hotplug {
	/* a CPU asked offline that was still online at the last look */
	uint64_t asked_off[BCPU_MAX / 64];
	/* ... and already counted as a refusal */
	uint64_t refused[BCPU_MAX / 64];
	/* when the oldest of those was first seen so, 0: none pending */
	uint64_t pending_since_ms;
	uint64_t offline_refusals;	/* DATA/cpu-offline-refusals */
	uint32_t refused_cpu;		/* DATA/cpu-refused; 0: none yet */
};

enum bcpu_action {
	BCPU_NOTHING = 0,
	BCPU_BRING_ONLINE,	/* available, present and not online: online it */
	BCPU_WAIT,		/* not settled yet: look again next run */
};

void bcpu_hotplug_init(struct bcpu_hotplug *h);

/*
 * One look at CPU @cpu at @now_ms: what its node says, whether the kernel
 * has it present and online. Asked offline and still online
 * BCPU_REFUSE_GRACE_MS after it was first seen so (the stock driver takes
 * a CPU down in its own time: seconds under emulation): a refusal, counted
 * once per request. Asked online: BRING_ONLINE if present, WAIT until the
 * stock driver made it present. CPU 0 is never asked offline by dom0 and
 * is never counted.
 */
#define BCPU_REFUSE_GRACE_MS	10000U

enum bcpu_action bcpu_look(struct bcpu_hotplug *h, uint32_t cpu,
			   enum bcpu_avail avail, bool present, bool online,
			   uint64_t now_ms);

/* cpu-offline-refusals and, after one, cpu-refused into @s. */
void bcpu_hotplug_report(const struct bcpu_hotplug *h, struct breport_stats *s);

#endif /* BCPU_H */
