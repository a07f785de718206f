/* SPDX-License-Identifier: MIT */
/*
 * ballastd.conf: an INI file read with libinih. [host] holds the daemon's
 * and the policy's settings, [domain NAME] a domain's subscription by name
 * (names survive reboots, domids do not). See ballastd.conf(5).
 */
#ifndef BALLAST_CONFIG_H
#define BALLAST_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bsched.h"
#include "bsched_vcpu.h"

#define BD_DEFAULT_CONFIG	"/etc/ballast/ballastd.conf"
#define BD_ERR_MAX		512

enum bd_stock_mode {
	BD_STOCK_AUTO = 0,	/* yes iff the guest wrote control/feature-balloon=1 */
	BD_STOCK_YES,
	BD_STOCK_NO,
};

/* [domain] frontend: the admin's word on the balloon, over the guest's. */
enum bd_frontend_mode {
	BD_FRONTEND_AUTO = 0,	/* what the guest says it runs (see stock) */
	BD_FRONTEND_DRIVER,
	BD_FRONTEND_AGENT,
	BD_FRONTEND_STOCK,
	BD_FRONTEND_NONE,
};

enum bd_log_target {
	BD_LOG_STDERR = 0,
	BD_LOG_SYSLOG,
};

struct bd_domain_conf {
	char name[BSCHED_NAME_MAX];
	bool has_min, has_max, has_shares;
	uint64_t min_kib;
	uint64_t max_kib;
	uint32_t shares;
	enum bd_stock_mode stock;
	enum bd_frontend_mode frontend;
	bool lift_above_max;	/* an unloading balloon may go up to static max */
	bool has_probe, probe;	/* working-set probing (else the host's) */
	/* processors (ballastd.conf(5), "vCPUs") */
	bool has_vcpus_min, has_vcpus_max, has_cpu_shares, has_vcpu_scaling;
	uint32_t vcpus_min, vcpus_max, cpu_shares;
	bool vcpu_scaling;
};

struct bd_config {
	struct bsched_config policy;
	uint64_t tick_ms;
	uint64_t rate_min_kib_s;	/* published to ballast frontends */
	uint64_t rate_max_kib_s;
	bool manage_dom0;
	bool probe;			/* working-set probing, for every domain */
	uint64_t default_min_kib;	/* for domains without a [domain] min */
	uint32_t default_shares;
	uint32_t flood_limit;		/* guest report updates per second */
	uint32_t xs_tries;		/* transaction attempts before giving up */
	uint64_t reservation_expire_ms;	/* a reservation nobody removed */
	uint64_t reservation_hold_ms;	/* kept this long after granted */
	enum bd_log_target log;
	char metrics_file[PATH_MAX];	/* empty: none */
	char trace_file[PATH_MAX];	/* empty: none (ballastd-trace.c) */
	uint64_t trace_max_kib;		/* then renamed to FILE.1; 0: no limit */
	/* processors: off unless vcpu-scaling = yes (POLICY.md, "Processors") */
	bool vcpu_scaling;
	struct bsched_vcpu_config vcpu_policy;
	uint32_t default_vcpus_min;
	uint32_t default_cpu_shares;
	struct bd_domain_conf *domains;
	size_t n_domains;
};

void bd_config_defaults(struct bd_config *cfg);

/*
 * Reads @path over defaults. Returns 0, or -1 with "file:line: reason" (or
 * "file: reason") in @err; *@cfg is then untouched.
 */
int bd_config_load(const char *path, struct bd_config *cfg, char *err,
		   size_t err_len);

/*
 * ballastd --check-config: reads @path as bd_config_load() does, but prints
 * every error to @report, one "file:line: [section] key: reason" a line
 * (or "file: reason"), rather than stopping at the first. Returns the
 * number of errors, 0 if the file is good.
 */
unsigned int bd_config_check(const char *path, FILE *report);

void bd_config_free(struct bd_config *cfg);

/* The [domain NAME] section, or NULL. */
const struct bd_domain_conf *bd_config_domain(const struct bd_config *cfg,
					      const char *name);

#endif /* BALLAST_CONFIG_H */
