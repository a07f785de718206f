// SPDX-License-Identifier: MIT
/*
 * CUnit suite for report thresholding (breport.c).
 */
#include <string.h>

#include <CUnit/Basic.h>

#include "run_suite.h"
#include "breport.h"

static void base_stats(struct breport_stats *s)
{
	memset(s, 0, sizeof(*s));
	breport_set(s, BALLAST_K_CURRENT, 1048576);
	breport_set(s, BALLAST_K_BALLOONED, 0);
	breport_set(s, BALLAST_K_STATE, BALLAST_STATE_AT_TARGET);
	breport_set(s, BALLAST_K_RATE, 16384);
	breport_set(s, BALLAST_K_ALLOC_FAILURES, 0);
	breport_set(s, BALLAST_K_MEM_AVAILABLE, 500000);
	breport_set(s, BALLAST_K_SWAP_IN, 10);
	breport_set(s, BALLAST_K_OOM_KILLS, 0);
}

static void sent_once(struct breport *r, struct breport_stats *s)
{
	struct breport_thresholds th;

	breport_default_thresholds(&th);
	breport_init(r, &th);
	base_stats(s);
	CU_ASSERT_EQUAL(breport_due(r, s, 1000), 1);
	breport_sent(r, s, 1, 1000);
}

static void test_first_report_is_seq_1(void)
{
	struct breport_stats s;
	struct breport r;

	sent_once(&r, &s);
	CU_ASSERT_EQUAL(r.seq, 1);
	CU_ASSERT_EQUAL(breport_due(&r, &s, 1001), 0);
}

static void test_small_changes_wait(void)
{
	struct breport_stats s;
	struct breport r;

	sent_once(&r, &s);
	breport_set(&s, BALLAST_K_MEM_AVAILABLE, 500000 - 16383);
	breport_set(&s, BALLAST_K_SWAP_IN, 10 + 1023);
	breport_set(&s, BALLAST_K_RATE, 16384 + 4095);
	CU_ASSERT_EQUAL(breport_due(&r, &s, 2000), 0);
	breport_set(&s, BALLAST_K_MEM_AVAILABLE, 500000 - 16384);
	CU_ASSERT_EQUAL(breport_due(&r, &s, 2000), 2);
}

static void test_any_change_keys(void)
{
	static const enum ballast_key_id any[] = {
		BALLAST_K_STATE, BALLAST_K_ALLOC_FAILURES, BALLAST_K_OOM_KILLS,
	};
	struct breport_stats s;
	struct breport r;
	unsigned int i;

	for (i = 0; i < sizeof(any) / sizeof(any[0]); i++) {
		sent_once(&r, &s);
		breport_set(&s, any[i], s.v[any[i]] + 1);
		CU_ASSERT_EQUAL(breport_due(&r, &s, 1500), 2);
	}
}

static void test_heartbeat_and_clock(void)
{
	struct breport_stats s;
	struct breport r;

	sent_once(&r, &s);
	CU_ASSERT_EQUAL(breport_due(&r, &s, 1000 + 9999), 0);
	CU_ASSERT_EQUAL(breport_due(&r, &s, 1000 + 10000), 2);
	/* A clock that went back (resume) must not silence reports. */
	CU_ASSERT_EQUAL(breport_due(&r, &s, 10), 2);
	breport_sent(&r, &s, 2, 11000);
	CU_ASSERT_EQUAL(breport_due(&r, &s, 11001), 0);
	CU_ASSERT_EQUAL(breport_due(&r, &s, 21000), 3);
}

static void test_key_appearing_is_news(void)
{
	struct breport_stats s;
	struct breport r;

	sent_once(&r, &s);
	breport_set(&s, BALLAST_K_PSI_SOME_AVG10, 0);
	CU_ASSERT_EQUAL(breport_due(&r, &s, 1001), 2);
	breport_sent(&r, &s, 2, 1001);
	breport_set(&s, BALLAST_K_PSI_SOME_AVG10, 499);
	CU_ASSERT_EQUAL(breport_due(&r, &s, 1002), 0);
	breport_set(&s, BALLAST_K_PSI_SOME_AVG10, 500);
	CU_ASSERT_EQUAL(breport_due(&r, &s, 1002), 3);
}

static void test_zero_threshold_means_any(void)
{
	struct breport_thresholds th;
	struct breport_stats s;
	struct breport r;

	breport_default_thresholds(&th);
	th.mem_kib = 0;
	breport_init(&r, &th);
	base_stats(&s);
	breport_sent(&r, &s, 1, 0);
	breport_set(&s, BALLAST_K_CURRENT, 1048575);
	CU_ASSERT_EQUAL(breport_due(&r, &s, 1), 2);
}

static void test_bad_key_ids_ignored(void)
{
	struct breport_stats s;

	memset(&s, 0, sizeof(s));
	breport_set(&s, BALLAST_K__COUNT, 7);
	breport_set(&s, (enum ballast_key_id)200, 7);
	CU_ASSERT_EQUAL(s.present, 0);
	CU_ASSERT_FALSE(breport_has(&s, BALLAST_K__COUNT));
}

int main(void)
{
	static const struct fe_test tests[] = {
		{ "first report is seq 1", test_first_report_is_seq_1 },
		{ "small changes wait", test_small_changes_wait },
		{ "any-change keys", test_any_change_keys },
		{ "heartbeat and clock", test_heartbeat_and_clock },
		{ "key appearing is news", test_key_appearing_is_news },
		{ "zero threshold means any", test_zero_threshold_means_any },
		{ "bad key ids ignored", test_bad_key_ids_ignored },
	};

	return fe_run_suite("frontend report", tests, sizeof(tests) / sizeof(tests[0]));
}
