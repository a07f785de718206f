// SPDX-License-Identifier: MIT
/* ballast-agent's processors: see cpu.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpsi.h"
#include "cpu.h"
#include "procstat.h"

#define LOG_QUIET_MS	60000

void agent_cpu_init(struct agent_cpu *c, const struct agent_cpu_paths *p)
{
	long hz = sysconf(_SC_CLK_TCK);

	memset(c, 0, sizeof(*c));
	c->paths = *p;
	c->user_hz = hz > 0 ? (uint64_t)hz : 100;
	bcpu_hotplug_init(&c->hp);
}

/* The first @size - 1 bytes of @path at most (for /proc/stat, whose first
 * line is all we need). Its length, or -errno. */
static long read_head(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	return n;
}

void agent_cpu_sample(struct agent_cpu *c, struct breport_stats *s)
{
	struct bcpu_evidence e = { 0 };
	char buf[4096];
	struct bpsi psi;
	char path[256];
	long n;

	snprintf(path, sizeof(path), "%s/online", c->paths.sys_cpu);
	n = procstat_read(path, buf, sizeof(buf));
	if (n <= 0 || !bcpu_parse_cpulist(buf, (size_t)n, &e.cpus_online))
		e.cpus_online = 0;
	n = procstat_read(c->paths.loadavg, buf, sizeof(buf));
	if (n <= 0 || !bcpu_parse_loadavg(buf, (size_t)n, &e.load_avg1_centi,
					  &e.runnable))
		return;		/* no load: no CPU evidence at all */
	n = procstat_read(c->paths.psi_cpu, buf, sizeof(buf));
	if (n > 0 && bpsi_parse(buf, (size_t)n, &psi)) {
		e.has_psi = true;
		e.psi_cpu_some_centipct = psi.some_avg10_centipct;
	}
	n = read_head(c->paths.stat, buf, sizeof(buf));
	e.has_steal = n > 0 && bcpu_parse_stat_steal(buf, (size_t)n, c->user_hz,
						      &e.steal_ms);
	bcpu_report(&e, s);
}

/* 1 if @cpu is online, 0 if not, -1 if the kernel has no such CPU (not
 * present). CPU 0 often has no online file: it is online. */
static int cpu_state(const struct agent_cpu *c, uint32_t cpu)
{
	char path[256], v[8];
	long n;

	snprintf(path, sizeof(path), "%s/cpu%u", c->paths.sys_cpu, cpu);
	if (access(path, F_OK))
		return -1;
	snprintf(path, sizeof(path), "%s/cpu%u/online", c->paths.sys_cpu, cpu);
	n = read_head(path, v, sizeof(v));
	if (n <= 0)
		return cpu == 0 ? 1 : -1;
	return v[0] == '1';
}

static int bring_online(const struct agent_cpu *c, uint32_t cpu)
{
	char path[256];
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/cpu%u/online", c->paths.sys_cpu, cpu);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, "1", 1) != 1)
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

void agent_cpu_hotplug(struct agent_cpu *c, struct breport_stats *s,
		       char *(*read)(void *ctx, uint32_t cpu, unsigned int *len),
		       void *ctx, uint64_t now_ms)
{
	for (uint32_t cpu = 0; cpu < BCPU_MAX; cpu++) {
		unsigned int len = 0;
		char *val = read(ctx, cpu, &len);
		enum bcpu_avail a;
		int state, err;

		if (!val)
			break;		/* one node per vCPU up to maxvcpus */
		a = bcpu_parse_avail(val, len);
		free(val);
		state = cpu_state(c, cpu);
		if (bcpu_look(&c->hp, cpu, a, state >= 0, state == 1, now_ms) !=
		    BCPU_BRING_ONLINE)
			continue;
		err = bring_online(c, cpu);
		if (!err) {
			fprintf(stderr, "ballast-agent: cpu%u: made available by dom0, brought online\n",
				cpu);
			continue;
		}
		c->online_failures++;
		if (!c->last_log_ms || now_ms - c->last_log_ms >= LOG_QUIET_MS) {
			fprintf(stderr, "ballast-agent: cpu%u: made available, but the guest refused to bring it online: %s (%llu refused so far)\n",
				cpu, strerror(-err), (unsigned long long)c->online_failures);
			c->last_log_ms = now_ms;
		}
	}
	bcpu_hotplug_report(&c->hp, s);
}
