// SPDX-License-Identifier: MIT
/*
 * CUnit suite for ballast-agent's options (options.c): sizes as in xl and
 * ballastd.conf (a bare number is MiB), ranges, and --help/--version.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "options.h"
#include "run_suite.h"
#include "size.h"

#define MIB	1024ULL
#define ARGC(a)	((int)(sizeof(a) / sizeof((a)[0])) - 1)

struct run {
	struct agent_config cfg;
	char *out, *err;
	size_t out_len, err_len;
	int rc;
};

static void run(struct run *r, int argc, char **argv)
{
	FILE *out, *err;

	memset(r, 0, sizeof(*r));
	out = open_memstream(&r->out, &r->out_len);
	err = open_memstream(&r->err, &r->err_len);
	CU_ASSERT_FATAL(out && err);
	r->rc = agent_parse_args(argc, argv, &r->cfg, out, err);
	fclose(out);
	fclose(err);
}

static void done(struct run *r)
{
	free(r->out);
	free(r->err);
}

/* `--floor 256` is 256 MiB, as `xl mem-set d 256` (issue 13), not 256 KiB. */
static void test_sizes_bare_mib(void)
{
	char *bare[] = { "ballast-agent", "--floor", "256", "--rate-min", "4",
			 "--rate-max", "64M", NULL };
	char *suffixed[] = { "ballast-agent", "--floor=1g", "--rate-max", "2048k", NULL };
	struct run r;

	run(&r, ARGC(bare), bare);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT_EQUAL(r.cfg.floor_kib, 256 * MIB);
	CU_ASSERT_EQUAL(r.cfg.rate_min_kib_s, 4 * MIB);
	CU_ASSERT_EQUAL(r.cfg.rate_max_kib_s, 64 * MIB);
	done(&r);
	run(&r, ARGC(suffixed), suffixed);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT_EQUAL(r.cfg.floor_kib, 1024 * MIB);
	CU_ASSERT_EQUAL(r.cfg.rate_max_kib_s, 2048);
	done(&r);
}

/* Absurd values are refused with the option named; old --floor-kib is gone. */
static void test_refused(void)
{
	char *junk[] = { "ballast-agent", "--floor", "lots", NULL };
	char *huge[] = { "ballast-agent", "--floor", "17T", NULL };
	char *fast[] = { "ballast-agent", "--rate-max", "17G", NULL };
	char *old[] = { "ballast-agent", "--floor-kib", "262144", NULL };
	char *dangling[] = { "ballast-agent", "--floor", NULL };
	char *extra[] = { "ballast-agent", "now", NULL };
	struct run r;

	run(&r, ARGC(junk), junk);
	CU_ASSERT(r.rc < 0);
	CU_ASSERT(strstr(r.err, "--floor: not a size from 0 to 16T (" BALLAST_SIZE_SYNTAX "): lots") != NULL);
	done(&r);
	run(&r, ARGC(huge), huge);
	CU_ASSERT(r.rc < 0 && r.cfg.floor_kib == 0);
	done(&r);
	run(&r, ARGC(fast), fast);
	CU_ASSERT(r.rc < 0);
	CU_ASSERT(strstr(r.err, "--rate-max: not a size from 0 to 16G") != NULL);
	done(&r);
	run(&r, ARGC(old), old);
	CU_ASSERT(r.rc < 0);
	CU_ASSERT(strstr(r.err, "unknown option: --floor-kib") != NULL);
	done(&r);
	run(&r, ARGC(dangling), dangling);
	CU_ASSERT(r.rc < 0);
	CU_ASSERT(strstr(r.err, "a value expected after: --floor") != NULL);
	done(&r);
	run(&r, ARGC(extra), extra);
	CU_ASSERT(r.rc < 0);
	done(&r);
}

static void test_help_version(void)
{
	char *help[] = { "ballast-agent", "--help", NULL };
	char *version[] = { "ballast-agent", "--version", NULL };
	struct run r;

	run(&r, ARGC(help), help);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT(strstr(r.out, "--floor SIZE") != NULL);
	done(&r);
	run(&r, ARGC(version), version);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT(strncmp(r.out, "ballast-agent ", 14) == 0 && strlen(r.out) > 15);
	done(&r);
}

int main(void)
{
	static const struct suite_case tests[] = {
		{ "sizes: a bare number is MiB", test_sizes_bare_mib },
		{ "absurd values refused, option named", test_refused },
		{ "--help and --version", test_help_version },
	};

	return RUN_SUITE("agent options", tests);
}
