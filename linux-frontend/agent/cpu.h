/* SPDX-License-Identifier: MIT */
/*
 * ballast-agent's processors: the CPU evidence of each report (from /proc
 * and sysfs), and CPUs dom0 made available brought online by writing 1 to
 * /sys/devices/system/cpu/cpuN/online (the stock kernel only marks them
 * present; see core/bcpu.h). Paths are parameters so tests feed fakes.
 */
#ifndef AGENT_CPU_H
#define AGENT_CPU_H

#include <stdint.h>

#include "bcpu.h"
#include "breport.h"

struct xs_handle;

struct agent_cpu_paths {
	const char *loadavg;	/* /proc/loadavg */
	const char *stat;	/* /proc/stat */
	const char *psi_cpu;	/* /proc/pressure/cpu; may be absent */
	const char *sys_cpu;	/* /sys/devices/system/cpu */
};

struct agent_cpu {
	struct agent_cpu_paths paths;
	struct bcpu_hotplug hp;
	uint64_t user_hz;
	uint64_t online_failures;	/* CPUs the guest would not bring up */
	uint64_t last_log_ms;		/* refusals said at most once a minute */
};

void agent_cpu_init(struct agent_cpu *c, const struct agent_cpu_paths *p);

/* The CPU evidence into @s; keys that could not be read are left out. */
void agent_cpu_sample(struct agent_cpu *c, struct breport_stats *s);

/*
 * One look at every CPU of cpu/N/availability: brings the available ones
 * online, counts the ones the kernel would not take down (into @s).
 * @read is how the node is read (xenstore in the agent); returns a
 * malloc'd value or NULL.
 */
void agent_cpu_hotplug(struct agent_cpu *c, struct breport_stats *s,
		       char *(*read)(void *ctx, uint32_t cpu, unsigned int *len),
		       void *ctx, uint64_t now_ms);

#endif /* AGENT_CPU_H */
