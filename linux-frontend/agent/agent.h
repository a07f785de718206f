/* SPDX-License-Identifier: MIT */
/*
 * ballast-agent: the user-level frontend, for guests that may not load
 * modules. It reads the same target as ballast.ko (memory/ballast/target),
 * drives the stock in-kernel balloon through its sysfs target_kb with the
 * same core rate controller, and writes the same reports, declaring
 * itself as the "agent" frontend.
 *
 * The stock balloon does the page work; the core's "own balloon" is the
 * memory the agent has asked the stock balloon to hold below the size the
 * guest had at start ("boot size"). Above the boot size the agent sets the
 * stock target directly (up to maxmem), without rate control.
 */
#ifndef AGENT_H
#define AGENT_H

#include <stdbool.h>
#include <stdint.h>

#include "bcore.h"
#include "bctl.h"
#include "bcycle.h"
#include "breport.h"
#include "cpu.h"
#include "procstat.h"

struct xs_handle;

struct agent_config {
	const char *stock_dir;		/* the stock balloon's sysfs dir */
	const char *module_dir;		/* there while ballast.ko is loaded */
	struct procstat_paths proc;
	struct agent_cpu_paths cpu;
	uint32_t tick_ms, idle_ms;
	uint32_t settle_ms;		/* wait for the stock balloon per batch */
	uint64_t rate_min_kib_s;	/* 0: host's wish, else default */
	uint64_t rate_max_kib_s;
	uint64_t floor_kib;		/* 0: from the guest's size */
	bool constant_rate;
	uint64_t report_ms;		/* heartbeat */
	bool once;			/* one tick, then exit (tests) */
};

struct agent {
	struct agent_config cfg;
	struct bcore core;
	struct breport report;
	uint64_t psi_sampled_ms;	/* PSI last allowed to make a report due */
	struct xs_handle *xs;
	int signal_fd;
	uint64_t boot_kib;		/* stock target_kb at start */
	uint64_t stock_target_kib;	/* last written to target_kb */
	struct bctl_host host;		/* memory/ballast besides the target */
	struct bctl_rates default_rates;
	struct bcycle cycle;		/* when to read, elapsed time */
	uint64_t last_bad_log_ms;	/* rate limit of refused-value lines */
	struct agent_cpu cpu;		/* its processors (cpu.c) */
};

void agent_default_config(struct agent_config *cfg);

/*
 * Connects to xenstore and the stock balloon and sets up the core.
 * Returns 0 or -errno (logged); -EBUSY if ballast.ko drives the guest
 * (owner.h: one frontend per guest), before anything is written.
 */
int agent_start(struct agent *a, const struct agent_config *cfg);

/* Runs until SIGTERM/SIGINT (or one tick with cfg.once). 0 or -errno. */
int agent_run(struct agent *a);

/* Gives every page back to the guest (stock target to boot size), closes. */
void agent_stop(struct agent *a);

#endif /* AGENT_H */
