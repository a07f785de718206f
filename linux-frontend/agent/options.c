// SPDX-License-Identifier: MIT
/* ballast-agent's command line: getopt_long, sizes through size.h. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ballast_schema.h"
#include "ballast_version.h"
#include "options.h"
#include "size.h"

void agent_usage(FILE *f)
{
	fprintf(f,
		"usage: ballast-agent [options]\n"
		"  --tick-ms MS          loop period while not at target (1000)\n"
		"  --idle-ms MS          statistics period at target (2000)\n"
		"  --settle-ms MS        wait for the stock balloon per batch (2000)\n"
		"  --rate-min SIZE       per second; override memory/ballast/rate-min\n"
		"  --rate-max SIZE       per second; override memory/ballast/rate-max\n"
		"  --constant-rate       always the highest rate, no adaptation\n"
		"  --floor SIZE          never below (default: from the guest's size)\n"
		"  --report-ms MS        report at least this often (60000)\n"
		"  --stock-dir DIR       stock balloon sysfs directory\n"
		"  --meminfo PATH  --vmstat PATH  --psi PATH   statistics sources\n"
		"  --once                one tick, then exit\n"
		"  --help                this text, then exit\n"
		"  --version             the version, then exit\n"
		"SIZE: " BALLAST_SIZE_SYNTAX " (as in xl: 512 is 512 MiB).\n");
}

/* A size up to @max_kib, 0 included ("none"); the message names the option. */
static int size_opt(FILE *errf, const char *opt, const char *arg,
		    uint64_t max_kib, uint64_t *out)
{
	char err[256];

	if (ballast_size_arg(opt, arg, 0, max_kib, out, err, sizeof(err))) {
		fprintf(errf, "ballast-agent: %s\n", err);
		return -EINVAL;
	}
	return 0;
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

int agent_parse_args(int argc, char **argv, struct agent_config *cfg,
		     FILE *out, FILE *err)
{
	enum { O_TICK = 256, O_IDLE, O_SETTLE, O_RMIN, O_RMAX, O_CONST, O_FLOOR,
	       O_REPORT, O_STOCK, O_MEMINFO, O_VMSTAT, O_PSI, O_ONCE, O_HELP,
	       O_VERSION };
	static const struct option opts[] = {
		{ "tick-ms", required_argument, NULL, O_TICK },
		{ "idle-ms", required_argument, NULL, O_IDLE },
		{ "settle-ms", required_argument, NULL, O_SETTLE },
		{ "rate-min", required_argument, NULL, O_RMIN },
		{ "rate-max", required_argument, NULL, O_RMAX },
		{ "constant-rate", no_argument, NULL, O_CONST },
		{ "floor", required_argument, NULL, O_FLOOR },
		{ "report-ms", required_argument, NULL, O_REPORT },
		{ "stock-dir", required_argument, NULL, O_STOCK },
		{ "meminfo", required_argument, NULL, O_MEMINFO },
		{ "vmstat", required_argument, NULL, O_VMSTAT },
		{ "psi", required_argument, NULL, O_PSI },
		{ "once", no_argument, NULL, O_ONCE },
		{ "help", no_argument, NULL, O_HELP },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v = 0;
	int c;

	optind = 0;	/* glibc: a fresh scan (the tests parse again) */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
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
			if (size_opt(err, "--rate-min", optarg, BALLAST_MAX_RATE_KIB_S,
				     &cfg->rate_min_kib_s))
				return -EINVAL;
			break;
		case O_RMAX:
			if (size_opt(err, "--rate-max", optarg, BALLAST_MAX_RATE_KIB_S,
				     &cfg->rate_max_kib_s))
				return -EINVAL;
			break;
		case O_CONST:
			cfg->constant_rate = true;
			break;
		case O_FLOOR:
			if (size_opt(err, "--floor", optarg, BALLAST_MAX_MEMORY_KIB,
				     &cfg->floor_kib))
				return -EINVAL;
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
			agent_usage(out);
			return 1;
		case O_VERSION:
			fprintf(out, "ballast-agent " BALLAST_VERSION "\n");
			return 1;
		default:
			fprintf(err, "ballast-agent: %s: %s\n", c == ':' ?
				"a value expected after" : "unknown option",
				optind > 0 && optind <= argc ? argv[optind - 1] : "?");
			return -EINVAL;
		}
		if (rc) {
			fprintf(err, "ballast-agent: bad value \"%s\" for --%s\n",
				optarg, opts[c - O_TICK].name);
			return rc;
		}
	}
	if (optind != argc) {
		fprintf(err, "ballast-agent: unexpected argument: %s\n", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

