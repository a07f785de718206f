// SPDX-License-Identifier: MIT
/*
 * ballast-agent: parse, construct, run, unwind. No policy here.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "owner.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ballast-agent [options]\n"
		"  --tick-ms MS          loop period while not at target (1000)\n"
		"  --idle-ms MS          statistics period at target (2000)\n"
		"  --settle-ms MS        wait for the stock balloon per batch (2000)\n"
		"  --rate-min KIB_S      override memory/ballast/rate-min\n"
		"  --rate-max KIB_S      override memory/ballast/rate-max\n"
		"  --constant-rate       always the highest rate, no adaptation\n"
		"  --floor-kib KIB       never below (default: from the guest's size)\n"
		"  --report-ms MS        report at least this often (10000)\n"
		"  --stock-dir DIR       stock balloon sysfs directory\n"
		"  --meminfo PATH  --vmstat PATH  --psi PATH   statistics sources\n"
		"  --once                one tick, then exit\n"
		"  --help                this text, then exit\n");
}

/* Strict decimal: the schema's parser, so "12x" or "-1" are refused. */
static int number(const char *arg, uint64_t max, uint64_t *out)
{
	uint64_t v;

	if (ballast_parse_u64(arg, strlen(arg), &v) != BALLAST_OK || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_args(int argc, char **argv, struct agent_config *cfg)
{
	enum { O_TICK = 256, O_IDLE, O_SETTLE, O_RMIN, O_RMAX, O_CONST, O_FLOOR,
	       O_REPORT, O_STOCK, O_MEMINFO, O_VMSTAT, O_PSI, O_ONCE, O_HELP };
	static const struct option opts[] = {
		{ "tick-ms", required_argument, NULL, O_TICK },
		{ "idle-ms", required_argument, NULL, O_IDLE },
		{ "settle-ms", required_argument, NULL, O_SETTLE },
		{ "rate-min", required_argument, NULL, O_RMIN },
		{ "rate-max", required_argument, NULL, O_RMAX },
		{ "constant-rate", no_argument, NULL, O_CONST },
		{ "floor-kib", required_argument, NULL, O_FLOOR },
		{ "report-ms", required_argument, NULL, O_REPORT },
		{ "stock-dir", required_argument, NULL, O_STOCK },
		{ "meminfo", required_argument, NULL, O_MEMINFO },
		{ "vmstat", required_argument, NULL, O_VMSTAT },
		{ "psi", required_argument, NULL, O_PSI },
		{ "once", no_argument, NULL, O_ONCE },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		int rc = 0;

		switch (c) {
		case O_TICK:
			rc = number(optarg, 3600000, &v);
			cfg->tick_ms = (uint32_t)v;
			rc = rc ? rc : (v ? 0 : -EINVAL);
			break;
		case O_IDLE:
			rc = number(optarg, 3600000, &v);
			cfg->idle_ms = (uint32_t)v;
			rc = rc ? rc : (v ? 0 : -EINVAL);
			break;
		case O_SETTLE:
			rc = number(optarg, 600000, &v);
			cfg->settle_ms = (uint32_t)v;
			break;
		case O_RMIN:
			rc = number(optarg, BALLAST_MAX_RATE_KIB_S, &cfg->rate_min_kib_s);
			break;
		case O_RMAX:
			rc = number(optarg, BALLAST_MAX_RATE_KIB_S, &cfg->rate_max_kib_s);
			break;
		case O_CONST:
			cfg->constant_rate = true;
			break;
		case O_FLOOR:
			rc = number(optarg, BALLAST_MAX_MEMORY_KIB, &cfg->floor_kib);
			break;
		case O_REPORT:
			rc = number(optarg, 3600000, &cfg->report_ms);
			break;
		case O_STOCK:
			cfg->stock_dir = optarg;
			break;
		case O_MEMINFO:
			cfg->proc.meminfo = optarg;
			break;
		case O_VMSTAT:
			cfg->proc.vmstat = optarg;
			break;
		case O_PSI:
			cfg->proc.psi_memory = optarg;
			break;
		case O_ONCE:
			cfg->once = true;
			break;
		case O_HELP:
			usage(stdout);
			exit(0);
		default:
			return -EINVAL;
		}
		if (rc) {
			fprintf(stderr, "ballast-agent: bad value \"%s\" for --%s\n",
				optarg, opts[c - O_TICK].name);
			return rc;
		}
	}
	if (optind != argc)
		return -EINVAL;
	return 0;
}

int main(int argc, char **argv)
{
	struct agent_config cfg;
	struct agent a;
	int rc;

	agent_default_config(&cfg);
	if (parse_args(argc, argv, &cfg)) {
		usage(stderr);
		return 2;
	}
	rc = agent_start(&a, &cfg);
	if (rc)
		return rc == -EBUSY ? OWNER_EXIT_REFUSED : 1;
	rc = agent_run(&a);
	agent_stop(&a);
	return rc ? 1 : 0;
}
