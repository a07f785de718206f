// SPDX-License-Identifier: MIT
/*
 * ballastd-trace.c against the fake Xen: the trace file is parsed back as
 * ballastd.conf(5), TRACE FILE, documents it, row by row.
 */
#include <CUnit/Basic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "run_suite.h"

#define TARGET_REL	BALLAST_CTL_DIR "/" BALLAST_KEY_TARGET
/* The documented header, spelled out: a change of format must fail here. */
#define HEADER	"time_s,domid,name,frontend,managed,min_kib,max_kib,shares," \
		"target_kib,actual_kib,demand_kib,available_kib,psi_some_pct," \
		"psi_full_pct,oom_kills,bound,stuck,uncooperative,xen_free_kib"
#define N_COLS	19
#define MAX_ROWS	256

enum col {
	C_TIME, C_DOMID, C_NAME, C_FRONTEND, C_MANAGED, C_MIN, C_MAX, C_SHARES,
	C_TARGET, C_ACTUAL, C_DEMAND, C_AVAILABLE, C_PSI_SOME, C_PSI_FULL,
	C_OOM, C_BOUND, C_STUCK, C_UNCOOP, C_FREE,
};

struct trace {
	char header[1024];
	size_t n;
	char f[MAX_ROWS][N_COLS][64];
	bool bad;		/* a row without exactly N_COLS fields */
};

/* Reads @path into @t; -1 if it cannot be opened. */
static int trace_read(const char *path, struct trace *t)
{
	char line[1024];
	FILE *f = fopen(path, "r");

	memset(t, 0, sizeof(*t));
	if (!f)
		return -1;
	if (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		snprintf(t->header, sizeof(t->header), "%s", line);
	}
	while (fgets(line, sizeof(line), f) && t->n < MAX_ROWS) {
		char *p = line;
		size_t c = 0;

		line[strcspn(line, "\n")] = '\0';
		for (;;) {
			size_t len = strcspn(p, ",");

			if (c < N_COLS)
				snprintf(t->f[t->n][c], sizeof(t->f[0][0]), "%.*s", (int)len, p);
			c++;
			if (!p[len])
				break;
			p += len + 1;
		}
		t->bad |= c != N_COLS;
		t->n++;
	}
	fclose(f);
	return 0;
}

static uint64_t num(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	return *s && !*end ? v : UINT64_MAX;
}

static void trace_path(char *buf, size_t size, const char *tag)
{
	snprintf(buf, size, "/tmp/ballast-trace-%s-%d.csv", tag, (int)getpid());
}

/* Two guests, a driver that reports and a stock one that does not: one row
 * each per tick, in the documented columns, with what ballastd saw. */
static void test_rows_parse_back(void)
{
	char path[96], cfg[256];
	struct bio_physinfo phys;
	struct trace *t = malloc(sizeof(*t));
	const char *a_last = NULL;
	struct fx x;

	CU_ASSERT_FATAL(t != NULL);
	trace_path(path, sizeof(path), "rows");
	unlink(path);
	snprintf(cfg, sizeof(cfg), "[host]\ntrace-file = %s\n\n[domain a]\nshares = 3000\n"
		 "[domain b,c]\nstock-balloon = yes\n", path);
	CU_ASSERT_FATAL(fx_setup(&x, 4 * GIB, cfg, false) == 0);
	CU_ASSERT_FATAL(fake_add_domain(x.f, 1, "a", 1 * GIB, 2 * GIB,
					FAKE_BALLOON_BALLAST, 512 * MIB) == 0);
	CU_ASSERT_FATAL(fake_add_domain(x.f, 2, "b,c", 768 * MIB, 1 * GIB,
					FAKE_BALLOON_STOCK, 512 * MIB) == 0);
	CU_ASSERT_FATAL(fx_guest(&x, 1, BALLAST_DATA_DIR "/" BALLAST_KEY_PSI_SOME_AVG10,
				 "1234") == 0);
	fx_report(&x, 1, 1, 1 * GIB, 800 * MIB);
	CU_ASSERT_FATAL(x.bd.env.io.ops->physinfo(x.f, &phys) == 0);
	fx_run(&x, 5, 1000);
	CU_ASSERT_FATAL(trace_read(path, t) == 0);
	CU_ASSERT_STRING_EQUAL(t->header, HEADER);
	CU_ASSERT_FALSE(t->bad);
	CU_ASSERT_EQUAL(t->n, 10);
	for (size_t i = 0; i < t->n; i++) {
		char (*r)[64] = t->f[i];
		char want[32];

		snprintf(want, sizeof(want), "%zu.000", i / 2);
		CU_ASSERT_STRING_EQUAL(r[C_TIME], want);
		CU_ASSERT_STRING_EQUAL(r[C_MANAGED], "1");
		CU_ASSERT(num(r[C_TARGET]) != UINT64_MAX);
		CU_ASSERT(num(r[C_FREE]) != UINT64_MAX);
		if (num(r[C_DOMID]) == 1) {
			CU_ASSERT_STRING_EQUAL(r[C_NAME], "a");
			CU_ASSERT_STRING_EQUAL(r[C_FRONTEND], "driver");
			CU_ASSERT_EQUAL(num(r[C_SHARES]), 3000);
			CU_ASSERT_EQUAL(num(r[C_AVAILABLE]), 800 * MIB);
			CU_ASSERT_STRING_EQUAL(r[C_PSI_SOME], "12.34");
			CU_ASSERT_STRING_EQUAL(r[C_PSI_FULL], "0.00");
			CU_ASSERT_EQUAL(num(r[C_OOM]), 0);
			CU_ASSERT(num(r[C_DEMAND]) != UINT64_MAX && num(r[C_DEMAND]) > 0);
			a_last = r[C_TARGET];
		} else {
			CU_ASSERT_EQUAL(num(r[C_DOMID]), 2);
			/* its comma would split the row: it is written as _ */
			CU_ASSERT_STRING_EQUAL(r[C_NAME], "b_c");
			CU_ASSERT_STRING_EQUAL(r[C_FRONTEND], "stock");
			/* no reports: the guest's own columns are empty */
			CU_ASSERT_STRING_EQUAL(r[C_AVAILABLE], "");
			CU_ASSERT_STRING_EQUAL(r[C_PSI_SOME], "");
			CU_ASSERT_STRING_EQUAL(r[C_OOM], "");
		}
	}
	/* the first tick saw the host as it was, and the domains' sizes */
	CU_ASSERT_EQUAL(num(t->f[0][C_FREE]), phys.free_kib);
	CU_ASSERT_EQUAL(num(t->f[0][C_ACTUAL]), num(t->f[0][C_DOMID]) == 1 ?
			1 * GIB : 768 * MIB);
	/* the last target written is the one the trace has */
	CU_ASSERT(a_last && num(a_last) == fx_dom_u64(&x, 1, TARGET_REL));
	fx_teardown(&x);
	unlink(path);
	free(t);
}

/* Full at trace-max-size: renamed to FILE.1, a new file with the header. */
static void test_rotates_at_max_size(void)
{
	char path[96], old[112], cfg[256];
	struct trace *t = malloc(sizeof(*t));
	struct stat st;
	struct fx x;

	CU_ASSERT_FATAL(t != NULL);
	trace_path(path, sizeof(path), "rot");
	snprintf(old, sizeof(old), "%s.1", path);
	unlink(path);
	unlink(old);
	snprintf(cfg, sizeof(cfg), "[host]\ntrace-file = %s\ntrace-max-size = 1K\n", path);
	CU_ASSERT_FATAL(fx_setup(&x, 4 * GIB, cfg, false) == 0);
	CU_ASSERT_FATAL(fake_add_domain(x.f, 1, "a", 1 * GIB, 2 * GIB,
					FAKE_BALLOON_BALLAST, 512 * MIB) == 0);
	fx_report(&x, 1, 1, 1 * GIB, 800 * MIB);
	for (int i = 0; i < 40; i++) {
		fx_run(&x, 1, 1000);
		CU_ASSERT_FATAL(stat(path, &st) == 0);
		/* at most one tick's row above the limit */
		CU_ASSERT(st.st_size < 1024 + 200);
	}
	CU_ASSERT_FATAL(stat(old, &st) == 0);
	CU_ASSERT(st.st_size >= 1024 && st.st_size < 1024 + 200);
	CU_ASSERT_FATAL(trace_read(old, t) == 0);
	CU_ASSERT_STRING_EQUAL(t->header, HEADER);
	CU_ASSERT_FATAL(trace_read(path, t) == 0);
	CU_ASSERT_STRING_EQUAL(t->header, HEADER);
	CU_ASSERT_FALSE(t->bad);
	CU_ASSERT_FATAL(t->n > 0);
	/* time goes on from the daemon's start, not from the new file's */
	CU_ASSERT(strtod(t->f[0][C_TIME], NULL) >= 10.0);
	CU_ASSERT_STRING_EQUAL(t->f[t->n - 1][C_TIME], "39.000");
	fx_teardown(&x);
	unlink(path);
	unlink(old);
	free(t);
}

/* An admin's logrotate moved the file away: the next tick starts anew. */
static void test_moved_away_starts_anew(void)
{
	char path[96], moved[112], cfg[256];
	struct trace *t = malloc(sizeof(*t));
	struct fx x;

	CU_ASSERT_FATAL(t != NULL);
	trace_path(path, sizeof(path), "mv");
	snprintf(moved, sizeof(moved), "%s.moved", path);
	unlink(path);
	snprintf(cfg, sizeof(cfg), "[host]\ntrace-file = %s\ntrace-max-size = 0\n", path);
	CU_ASSERT_FATAL(fx_setup(&x, 4 * GIB, cfg, false) == 0);
	CU_ASSERT_FATAL(fake_add_domain(x.f, 1, "a", 1 * GIB, 2 * GIB,
					FAKE_BALLOON_BALLAST, 512 * MIB) == 0);
	fx_run(&x, 3, 1000);
	CU_ASSERT_FATAL(rename(path, moved) == 0);
	fx_run(&x, 2, 1000);
	CU_ASSERT_FATAL(trace_read(path, t) == 0);
	CU_ASSERT_STRING_EQUAL(t->header, HEADER);
	CU_ASSERT_EQUAL(t->n, 2);
	CU_ASSERT_STRING_EQUAL(t->f[0][C_TIME], "3.000");
	CU_ASSERT_FATAL(trace_read(moved, t) == 0);
	CU_ASSERT_EQUAL(t->n, 3);
	fx_teardown(&x);
	unlink(path);
	unlink(moved);
	free(t);
}

/* Off by default; a file that cannot be written is said once a minute and
 * never stops the tick. */
static void test_off_by_default_and_failure_ignored(void)
{
	struct fx x;

	CU_ASSERT_FATAL(fx_setup(&x, 4 * GIB, NULL, false) == 0);
	CU_ASSERT_STRING_EQUAL(x.bd.env.cfg.trace_file, "");
	CU_ASSERT_EQUAL(x.bd.env.cfg.trace_max_kib, 64 * MIB);
	fx_teardown(&x);

	CU_ASSERT_FATAL(fx_setup(&x, 4 * GIB, "[host]\ntrace-file = /nonexistent/ballast/t.csv\n",
				 false) == 0);
	CU_ASSERT_FATAL(fake_add_domain(x.f, 1, "a", 1 * GIB, 2 * GIB,
					FAKE_BALLOON_BALLAST, 512 * MIB) == 0);
	fx_report(&x, 1, 1, 1 * GIB, 800 * MIB);
	fx_run(&x, 5, 1000);
	CU_ASSERT_EQUAL(fx_log_count(&x, "trace file /nonexistent/ballast/t.csv: "
				     "No such file or directory, ignoring"), 1);
	CU_ASSERT(fx_dom_u64(&x, 1, TARGET_REL) != UINT64_MAX);
	CU_ASSERT_EQUAL(x.bd.env.count.ticks, 5);
	fx_teardown(&x);
}

static void test_config_refused(void)
{
	struct fx x;

	CU_ASSERT(fx_setup(&x, 4 * GIB, "[host]\ntrace-file = trace.csv\n", false) == -1);
	CU_ASSERT(fx_logged(&x, ":2: [host] trace-file: expected an absolute path"));
	fx_teardown(&x);
	CU_ASSERT(fx_setup(&x, 4 * GIB, "[host]\ntrace-max-size = lots\n", false) == -1);
	CU_ASSERT(fx_logged(&x, ":2: [host] trace-max-size: not a size"));
	fx_teardown(&x);
}

int main(void)
{
	static const struct suite_case tests[] = {
		{ "rows parse back as documented", test_rows_parse_back },
		{ "rotated at trace-max-size", test_rotates_at_max_size },
		{ "moved away: a new file with its header", test_moved_away_starts_anew },
		{ "off by default; a failure never stops a tick",
		  test_off_by_default_and_failure_ignored },
		{ "bad trace settings refused", test_config_refused },
	};

	return RUN_SUITE("ballastd-trace", tests);
}
