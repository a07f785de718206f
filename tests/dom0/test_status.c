// SPDX-License-Identifier: MIT
/*
 * ballastctl status's rendering and the table's columns (layout for a width,
 * sorting), on views the tests build: long names, unknown values, the JSON
 * parsed back with yajl.
 */
#include <CUnit/Basic.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "ballastctl-columns.h"
#include "ballastctl-status.h"
#include "status-json.h"
#include "run_suite.h"

#define MIB	1024ULL
#define LONG_NAME "a-domain-name-of-sixty-three-bytes-which-is-the-most-xl-allows"

/* A row with everything ballastd publishes, as it publishes it. */
static struct bctl_row full_row(uint32_t domid, const char *name, uint64_t target_kib)
{
	struct bctl_row r = {
		.domid = domid, .published = true, .actual_kib = 3072 * MIB,
		.frontend = "driver", .managed = true, .min_kib = 512 * MIB,
		.target_kib = target_kib, .max_kib = 4096 * MIB, .shares = 1000,
		.demand_kib = 2000 * MIB, .ideal_kib = 2500 * MIB, .bound = "demand",
		.stuck = true, .refused_reports = 2, .flood_refused = 1,
		.last_refusal = "meminfo/\"x\": out of range",
		.refused_reservation = 77, .state = "inflating",
		.psi_some_centipct = 1234,
		.vcpu_scaling = true, .vcpus_online = 2, .vcpus_target = 3,
		.vcpus_want = 4, .vcpus_min = 2, .vcpus_max = 4, .maxvcpus = 8,
		.cpu_shares = 300, .vcpu_bound = "shares", .vcpu_refusals = 5,
	};

	snprintf(r.name, sizeof(r.name), "%s", name);
	r.known = (1u << BCTL_F_COUNT) - 1;
	return r;
}

/* A domain ballastd has not published: only Xen's values. */
static struct bctl_row bare_row(uint32_t domid, const char *name)
{
	struct bctl_row r = { .domid = domid, .actual_kib = 256 * MIB };

	snprintf(r.name, sizeof(r.name), "%s", name);
	return r;
}

/* status's text for @rows, in a buffer to free. */
static char *status_text(struct bctl_row *rows, size_t n, bool daemon)
{
	struct bctl_view v = { .host = { 4096 * MIB, 100 * MIB, 0, 0 },
			       .daemon = daemon, .rows = rows, .n = n };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CU_ASSERT_FATAL(f != NULL);
	bctl_status_text(f, &v);
	fclose(f);
	return buf;
}

/* Line @n (0: the header) of @text, in @out. */
static void nth_line(const char *text, int n, char *out, size_t size)
{
	const char *end;

	for (; n > 0 && text; n--) {
		text = strchr(text, '\n');
		text = text ? text + 1 : NULL;
	}
	out[0] = '\0';
	if (!text)
		return;
	end = strchr(text, '\n');
	snprintf(out, size, "%.*s", (int)(end ? end - text : (long)strlen(text)), text);
}

static void test_header_units(void)
{
	struct bctl_row rows[] = { full_row(1, "web", 2048 * MIB) };
	char *out = status_text(rows, 1, true), head[1024];

	nth_line(out, 0, head, sizeof(head));
	CU_ASSERT(strstr(head, "Min(MiB)") && strstr(head, "Target(MiB)") &&
		  strstr(head, "Actual(MiB)") && strstr(head, "Max(MiB)") &&
		  strstr(head, "Demand(MiB)") && strstr(head, "Psi(%)") &&
		  strstr(head, "VCPUs"));
	CU_ASSERT(strstr(out, "not running") == NULL);
	free(out);
}

/* Names are padded to xl's 40; a longer one widens the column for all. */
static void test_long_names(void)
{
	struct bctl_row rows[] = { full_row(1, "web", 2048 * MIB),
				   full_row(12, LONG_NAME, 1024 * MIB),
				   bare_row(3, "db") };
	struct bctl_row short_rows[] = { full_row(1, "web", 2048 * MIB) };
	char *out = status_text(rows, 3, true), line[1024];
	const char *id_at;

	nth_line(out, 0, line, sizeof(line));
	id_at = strstr(line, "ID");
	CU_ASSERT_FATAL(id_at != NULL);
	/* "Name", padded to the longest name, then the id right-aligned in 2 */
	CU_ASSERT(id_at - line == (long)strlen(LONG_NAME) + 1);
	nth_line(out, 1, line, sizeof(line));
	CU_ASSERT(strncmp(line, "web ", 4) == 0);
	CU_ASSERT(line[strlen(LONG_NAME)] == ' ' && line[strlen(LONG_NAME) + 1] == ' ' &&
		  line[strlen(LONG_NAME) + 2] == '1');
	nth_line(out, 2, line, sizeof(line));
	CU_ASSERT(strncmp(line, LONG_NAME " 12 driver", strlen(LONG_NAME) + 10) == 0);
	free(out);
	out = status_text(short_rows, 1, true);
	nth_line(out, 1, line, sizeof(line));
	CU_ASSERT(strncmp(line, "web", 3) == 0);
	CU_ASSERT(line[BCTL_NAME_WIDTH_XL] == ' ' && line[BCTL_NAME_WIDTH_XL + 1] == ' ' &&
		  line[BCTL_NAME_WIDTH_XL + 2] == '1');
	free(out);
}

/* Unknown is "-", never a 0 that reads as a value. */
static void test_unknown_values(void)
{
	struct bctl_row rows[] = { bare_row(7, "") };
	struct bctl_layout l;
	char cell[BCTL_CELL_MAX], *out;

	for (int c = 0; c < BCTL_COL_COUNT; c++) {
		const char *want = c == BCTL_COL_NAME ? "?" : c == BCTL_COL_ID ? "7" :
				   c == BCTL_COL_ACTUAL ? "256" : "-";

		bctl_cell(&rows[0], (enum bctl_col)c, cell);
		CU_ASSERT_STRING_EQUAL(cell, want);
	}
	/* a domain ballastd does not manage has no target */
	rows[0] = full_row(0, "Domain-0", 999 * MIB);
	rows[0].managed = false;
	rows[0].known &= ~(1u << BCTL_F_TARGET);
	bctl_cell(&rows[0], BCTL_COL_TARGET, cell);
	CU_ASSERT_STRING_EQUAL(cell, "-");
	bctl_cell(&rows[0], BCTL_COL_FLAGS, cell);
	CU_ASSERT_STRING_EQUAL(cell, "xsgr");
	bctl_cell(&rows[0], BCTL_COL_PSI, cell);
	CU_ASSERT_STRING_EQUAL(cell, "12.34");
	out = status_text(rows, 1, false);
	CU_ASSERT(strstr(out, "(ballastd is not running") != NULL);
	free(out);
	bctl_layout(rows, 1, SIZE_MAX, BCTL_COL_COUNT, &l);
	for (int c = 0; c < BCTL_COL_COUNT; c++)
		CU_ASSERT(l.width[c] >= strlen(bctl_cols[c].header));
}

/* No name can move the cursor of the terminal status prints to. */
static void test_cells_printable(void)
{
	struct bctl_row r = full_row(1, "evil\033[2J\x9b" "1;1H", 0);
	char cell[BCTL_CELL_MAX];

	bctl_cell(&r, BCTL_COL_NAME, cell);
	CU_ASSERT_STRING_EQUAL(cell, "evil?[2J?1;1H");
	snprintf(r.state, sizeof(r.state), "a\nb");
	bctl_cell(&r, BCTL_COL_STATE, cell);
	CU_ASSERT_STRING_EQUAL(cell, "a?b");
}

static yajl_val status_json(struct bctl_row *rows, size_t n)
{
	struct bctl_view v = { .host = { 4096 * MIB, 100 * MIB, 8 * MIB, 16 * MIB },
			       .daemon = true, .rows = rows, .n = n };
	char *buf = NULL, errbuf[256];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	yajl_val t;

	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT(bctl_status_json(f, &v) == 0);
	fclose(f);
	t = yajl_tree_parse(buf, errbuf, sizeof(errbuf));
	if (!t)
		fprintf(stderr, "status --json does not parse: %s\n%s\n", errbuf, buf);
	free(buf);
	return t;
}

static yajl_val get(yajl_val t, const char *key)
{
	const char *path[] = { key, NULL };

	return yajl_tree_get(t, path, yajl_t_any);
}

/* Every field, with its value or null; what goes in comes back out. */
static void test_json_parse_back(void)
{
	struct bctl_row rows[] = { full_row(1, "we\"b\\\x01", 2048 * MIB), bare_row(2, "") };
	/* what explain prints, which --json must carry */
	static const char *const explained[] = {
		SJ_NAME, SJ_DOMID, SJ_FRONTEND, SJ_TARGET_KIB, SJ_ACTUAL_KIB, SJ_BOUND,
		SJ_DEMAND_KIB, SJ_IDEAL_KIB, SJ_MIN_KIB, SJ_MAX_KIB, SJ_SHARES,
		SJ_STUCK, SJ_UNCOOPERATIVE, SJ_REFUSED_REPORTS, SJ_FLOOD_REFUSED,
		SJ_LAST_REFUSAL, SJ_VCPU_SCALING, SJ_VCPU_HVM, SJ_VCPUS_ONLINE,
		SJ_VCPUS_TARGET, SJ_VCPUS_WANT, SJ_VCPUS_MIN, SJ_VCPUS_MAX,
		SJ_MAXVCPUS, SJ_CPU_SHARES, SJ_VCPU_BOUND, SJ_VCPU_REFUSALS,
	};
	yajl_val t, doms, a, b, host;

	rows[0].min_kib = UINT64_MAX / 2;	/* beyond a double's 53 bits */
	t = status_json(rows, 2);
	CU_ASSERT_FATAL(t != NULL);
	CU_ASSERT(YAJL_IS_TRUE(get(t, SJ_BALLASTD_RUNNING)));
	host = get(t, SJ_HOST);
	CU_ASSERT(YAJL_IS_INTEGER(get(host, SJ_TOTAL_KIB)) &&
		  YAJL_GET_INTEGER(get(host, SJ_TOTAL_KIB)) == 4096 * MIB);
	CU_ASSERT(YAJL_GET_INTEGER(get(host, SJ_OUTSTANDING_KIB)) == 16 * MIB);
	doms = get(t, SJ_DOMAINS);
	CU_ASSERT_FATAL(YAJL_IS_ARRAY(doms) && YAJL_GET_ARRAY(doms)->len == 2);
	a = YAJL_GET_ARRAY(doms)->values[0];
	b = YAJL_GET_ARRAY(doms)->values[1];
	for (size_t i = 0; i < sizeof(explained) / sizeof(explained[0]); i++) {
		CU_ASSERT(get(a, explained[i]) != NULL);
		CU_ASSERT(get(b, explained[i]) != NULL);
	}
	for (int f = 0; f < BCTL_F_COUNT; f++) {
		yajl_val va = get(a, bctl_fields[f].key), vb = get(b, bctl_fields[f].key);

		CU_ASSERT(va != NULL && !YAJL_IS_NULL(va));
		CU_ASSERT(vb != NULL && YAJL_IS_NULL(vb));
		if (!vb || !YAJL_IS_NULL(vb))
			fprintf(stderr, "%s: not null where unknown\n", bctl_fields[f].key);
	}
	CU_ASSERT_STRING_EQUAL(YAJL_GET_STRING(get(a, SJ_NAME)), "we\"b\\\x01");
	CU_ASSERT(YAJL_IS_NULL(get(b, SJ_NAME)));
	CU_ASSERT(YAJL_IS_INTEGER(get(a, SJ_MIN_KIB)) &&
		  (uint64_t)YAJL_GET_INTEGER(get(a, SJ_MIN_KIB)) == UINT64_MAX / 2);
	CU_ASSERT(YAJL_GET_INTEGER(get(a, SJ_TARGET_KIB)) == 2048 * MIB);
	CU_ASSERT(YAJL_GET_INTEGER(get(a, SJ_IDEAL_KIB)) == 2500 * MIB);
	CU_ASSERT(YAJL_GET_INTEGER(get(a, SJ_PSI_SOME)) == 1234);
	CU_ASSERT(YAJL_GET_INTEGER(get(a, SJ_REFUSED_RESERVATION)) == 77);
	CU_ASSERT(YAJL_IS_TRUE(get(a, SJ_STUCK)) && YAJL_IS_FALSE(get(a, SJ_FLOODING)));
	CU_ASSERT_STRING_EQUAL(YAJL_GET_STRING(get(a, SJ_LAST_REFUSAL)),
			       "meminfo/\"x\": out of range");
	CU_ASSERT_STRING_EQUAL(YAJL_GET_STRING(get(a, SJ_STATE)), "inflating");
	CU_ASSERT(YAJL_GET_INTEGER(get(a, SJ_VCPUS_ONLINE)) == 2 &&
		  YAJL_GET_INTEGER(get(a, SJ_VCPUS_TARGET)) == 3 &&
		  YAJL_GET_INTEGER(get(a, SJ_VCPUS_WANT)) == 4 &&
		  YAJL_GET_INTEGER(get(a, SJ_VCPUS_MIN)) == 2 &&
		  YAJL_GET_INTEGER(get(a, SJ_VCPUS_MAX)) == 4 &&
		  YAJL_GET_INTEGER(get(a, SJ_MAXVCPUS)) == 8 &&
		  YAJL_GET_INTEGER(get(a, SJ_CPU_SHARES)) == 300 &&
		  YAJL_GET_INTEGER(get(a, SJ_VCPU_REFUSALS)) == 5);
	CU_ASSERT(YAJL_IS_TRUE(get(a, SJ_VCPU_SCALING)) && YAJL_IS_FALSE(get(a, SJ_VCPU_HVM)));
	CU_ASSERT_STRING_EQUAL(YAJL_GET_STRING(get(a, SJ_VCPU_BOUND)), "shares");
	CU_ASSERT(YAJL_IS_FALSE(get(b, SJ_PUBLISHED)));
	CU_ASSERT(YAJL_GET_INTEGER(get(b, SJ_ACTUAL_KIB)) == 256 * MIB);
	CU_ASSERT(YAJL_GET_INTEGER(get(b, SJ_DOMID)) == 2);
	yajl_tree_free(t);
}

/* --- layout for a width, and sorting ------------------------------------------ */

static void test_layout_width(void)
{
	struct bctl_row rows[] = { full_row(1, "web", 2048 * MIB),
				   full_row(2, LONG_NAME, 1024 * MIB) };
	struct bctl_layout l;
	char line[1024];

	bctl_layout(rows, 2, SIZE_MAX, BCTL_COL_COUNT, &l);
	for (int c = 0; c < BCTL_COL_COUNT; c++)
		CU_ASSERT(l.width[c] > 0);
	CU_ASSERT(l.width[BCTL_COL_NAME] == strlen(LONG_NAME));
	CU_ASSERT(bctl_format_line(&l, NULL, line, sizeof(line)) == l.total);
	/* the last column, text, is not padded */
	CU_ASSERT(bctl_format_line(&l, &rows[1], line, sizeof(line)) == l.total - 2);
	/* 132 columns: the name stays whole, the least useful columns go */
	bctl_layout(rows, 2, 132, BCTL_COL_COUNT, &l);
	CU_ASSERT(l.total <= 132);
	CU_ASSERT(l.width[BCTL_COL_NAME] == strlen(LONG_NAME));
	CU_ASSERT(l.width[BCTL_COL_FRONTEND] == 0);
	CU_ASSERT(l.width[BCTL_COL_TARGET] && l.width[BCTL_COL_ACTUAL] &&
		  l.width[BCTL_COL_FLAGS]);
	CU_ASSERT(bctl_format_line(&l, &rows[0], line, sizeof(line)) <= 132);
	/* 80: the long name is cut rather than the target dropped */
	bctl_layout(rows, 2, 80, BCTL_COL_COUNT, &l);
	CU_ASSERT(l.total <= 80);
	CU_ASSERT(l.width[BCTL_COL_TARGET] && l.width[BCTL_COL_ACTUAL] &&
		  l.width[BCTL_COL_FLAGS]);
	CU_ASSERT(l.width[BCTL_COL_NAME] >= BCTL_NAME_WIDTH_MIN &&
		  l.width[BCTL_COL_NAME] < strlen(LONG_NAME));
	CU_ASSERT(bctl_format_line(&l, &rows[1], line, sizeof(line)) <= 80);
	CU_ASSERT(strncmp(line, LONG_NAME, l.width[BCTL_COL_NAME]) == 0);
	/* tiny: the name (cut to its minimum) and the id */
	bctl_layout(rows, 2, 12, BCTL_COL_COUNT, &l);
	CU_ASSERT(l.width[BCTL_COL_NAME] == BCTL_NAME_WIDTH_MIN);
	CU_ASSERT(l.width[BCTL_COL_ID] == 2);
	for (int c = BCTL_COL_ID + 1; c < BCTL_COL_COUNT; c++)
		CU_ASSERT(l.width[c] == 0);
	CU_ASSERT(bctl_format_line(&l, NULL, line, sizeof(line)) == 11);
	CU_ASSERT_STRING_EQUAL(line, "Name     ID");
	/* top's sort column stays, whatever the width */
	bctl_layout(rows, 2, 12, BCTL_COL_SHARES, &l);
	CU_ASSERT(l.width[BCTL_COL_SHARES] == strlen("Shares"));
	CU_ASSERT(l.width[BCTL_COL_NAME] && l.width[BCTL_COL_ID] && !l.width[BCTL_COL_TARGET]);
	bctl_layout(rows, 2, 80, BCTL_COL_FRONTEND, &l);
	CU_ASSERT(l.width[BCTL_COL_FRONTEND] && l.total <= 80);
	/* short names in a wide terminal: xl's 40 */
	bctl_layout(rows, 1, 200, BCTL_COL_COUNT, &l);
	CU_ASSERT(l.width[BCTL_COL_NAME] == BCTL_NAME_WIDTH_XL);
	/* short names in 80: no padding to 40 */
	bctl_layout(rows, 1, 80, BCTL_COL_COUNT, &l);
	CU_ASSERT(l.width[BCTL_COL_NAME] == strlen("Name"));
}

static void test_sort(void)
{
	struct bctl_row rows[] = { full_row(3, "c", 1024 * MIB), bare_row(1, "a"),
				   full_row(2, "b", 4096 * MIB), full_row(4, "d", 1024 * MIB) };
	const size_t n = sizeof(rows) / sizeof(rows[0]);

	bctl_sort_rows(rows, n, BCTL_COL_TARGET, true);
	CU_ASSERT(rows[0].domid == 2 && rows[1].domid == 3 && rows[2].domid == 4);
	CU_ASSERT(rows[3].domid == 1);		/* unknown last */
	bctl_sort_rows(rows, n, BCTL_COL_TARGET, false);
	CU_ASSERT(rows[0].domid == 3 && rows[1].domid == 4 && rows[2].domid == 2);
	CU_ASSERT(rows[3].domid == 1);		/* unknown last, either way */
	bctl_sort_rows(rows, n, BCTL_COL_NAME, true);
	CU_ASSERT(rows[0].domid == 4 && rows[3].domid == 1);
	bctl_sort_rows(rows, n, BCTL_COL_ID, false);
	for (size_t i = 0; i < n; i++)
		CU_ASSERT(rows[i].domid == i + 1);
	rows[0] = full_row(1, "a", 0);
	rows[0].stuck = false;
	rows[0].refused_reports = 0;
	rows[0].refused_reservation = 0;
	bctl_sort_rows(rows, n, BCTL_COL_FLAGS, false);
	CU_ASSERT(rows[0].domid == 1);		/* "-" before "sgr" */
}

/* The vCPU column: online/target, compact; what is online alone, or "-". */
static void test_vcpus_column(void)
{
	struct bctl_row rows[] = { full_row(1, "a", 0), full_row(2, "b", 0),
				   bare_row(3, "c"), full_row(4, "d", 0) };
	char cell[BCTL_CELL_MAX], head[1024], *out;
	const char *at;

	bctl_cell(&rows[0], BCTL_COL_VCPUS, cell);
	CU_ASSERT_STRING_EQUAL(cell, "2/3");
	rows[1].vcpus_online = 4;
	rows[1].known &= ~(1u << BCTL_F_VCPUS_TARGET);
	bctl_cell(&rows[1], BCTL_COL_VCPUS, cell);
	CU_ASSERT_STRING_EQUAL(cell, "4");
	bctl_cell(&rows[2], BCTL_COL_VCPUS, cell);
	CU_ASSERT_STRING_EQUAL(cell, "-");
	rows[3].vcpus_online = 1;
	rows[3].vcpus_target = 12;
	/* in the table, right-aligned under its header, the flags still last */
	out = status_text(rows, 4, true);
	nth_line(out, 0, head, sizeof(head));
	at = strstr(head, "VCPUs");
	CU_ASSERT_FATAL(at != NULL);
	CU_ASSERT(strstr(at, "Flags") != NULL);
	nth_line(out, 4, head, sizeof(head));
	CU_ASSERT(strstr(head, " 1/12 ") != NULL);
	free(out);
	/* sorted by what is online, unknown last */
	bctl_sort_rows(rows, 4, BCTL_COL_VCPUS, true);
	CU_ASSERT(rows[0].domid == 2 && rows[1].domid == 1 && rows[2].domid == 4 &&
		  rows[3].domid == 3);
	bctl_sort_rows(rows, 4, BCTL_COL_VCPUS, false);
	CU_ASSERT(rows[0].domid == 4 && rows[1].domid == 1 && rows[2].domid == 2 &&
		  rows[3].domid == 3);
	CU_ASSERT(bctl_col_by_key('v') == BCTL_COL_VCPUS);
}

/* One key per column, none of them top's own keys. */
static void test_sort_keys(void)
{
	for (int c = 0; c < BCTL_COL_COUNT; c++) {
		int key = bctl_cols[c].sort_key;

		CU_ASSERT(bctl_col_by_key(key) == (enum bctl_col)c);
		CU_ASSERT(key != 'q' && key != 'd' && key != 'r');
	}
	CU_ASSERT(bctl_col_by_key('q') == BCTL_COL_COUNT);
	CU_ASSERT(bctl_col_by_key('t') == BCTL_COL_TARGET);
}

int main(void)
{
	static const struct suite_case tests[] = {
		{ "a unit in every header", test_header_units },
		{ "long names widen the name column", test_long_names },
		{ "unknown values are -", test_unknown_values },
		{ "cells are printable", test_cells_printable },
		{ "--json parsed back, null for unknown", test_json_parse_back },
		{ "layout for a width", test_layout_width },
		{ "sorting by a column", test_sort },
		{ "a key per column", test_sort_keys },
		{ "the vCPU column", test_vcpus_column },
	};

	return RUN_SUITE("ballastctl status and its columns", tests);
}
