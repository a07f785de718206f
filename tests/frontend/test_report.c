// SPDX-License-Identifier: MIT
/*
 * CUnit suite for report thresholding (breport.c).
 */
#include <string.h>

#include <CUnit/Basic.h>

#include "run_suite.h"
#include "breport.h"
#include "bsched.h"

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
	CU_ASSERT_EQUAL(breport_due(&r, &s, 1000 + 59999), 0);
	CU_ASSERT_EQUAL(breport_due(&r, &s, 1000 + 60000), 2);
	/* A clock that went back (resume) must not silence reports. */
	CU_ASSERT_EQUAL(breport_due(&r, &s, 10), 2);
	breport_sent(&r, &s, 2, 61000);
	CU_ASSERT_EQUAL(breport_due(&r, &s, 61001), 0);
	CU_ASSERT_EQUAL(breport_due(&r, &s, 121000), 3);
}

/*
 * Reports are written on change with a long heartbeat; dom0 must not count
 * an idle guest's last report stale before the next heartbeat can come
 * (two may be lost to a busy xenstored or a slow guest).
 */
static void test_heartbeat_within_dom0_staleness(void)
{
	struct breport_thresholds th;
	struct bsched_config cfg;

	breport_default_thresholds(&th);
	bsched_config_defaults(&cfg);
	CU_ASSERT(th.max_interval_ms * 3 <= cfg.stats_stale_ms);
	CU_ASSERT(th.sample_ms < th.max_interval_ms);
	/* An idle guest writes at most 60 reports an hour. */
	CU_ASSERT(th.max_interval_ms >= 60000);
}

/* PSI is read when a report is due, or sample_ms after its last read. */
static void test_sample_due(void)
{
	struct breport_stats s;
	struct breport r;

	sent_once(&r, &s);
	CU_ASSERT(breport_sample_due(&r, 0, 1000, false));
	CU_ASSERT(!breport_sample_due(&r, 1000, 1000 + 9999, false));
	CU_ASSERT(breport_sample_due(&r, 1000, 1000 + 9999, true));
	CU_ASSERT(breport_sample_due(&r, 1000, 1000 + 10000, false));
	/* A clock that went back reads it again. */
	CU_ASSERT(breport_sample_due(&r, 5000, 4000, false));
	/* The change it brings makes the report due before the heartbeat. */
	breport_set(&s, BALLAST_K_PSI_SOME_AVG10, s.v[BALLAST_K_PSI_SOME_AVG10] + 2500);
	CU_ASSERT_EQUAL(breport_due(&r, &s, 11000), 2);
}

static void test_key_appearing_is_news(void)
{
	struct breport_stats s;
	struct breport r;

	sent_once(&r, &s);
	breport_set(&s, BALLAST_K_PSI_SOME_AVG10, 0);
	CU_ASSERT_EQUAL(breport_due(&r, &s, 1001), 2);
	breport_sent(&r, &s, 2, 1001);
	/* 0.10 %: the working-set probe's goal must be seen (POLICY.md) */
	breport_set(&s, BALLAST_K_PSI_SOME_AVG10, 9);
	CU_ASSERT_EQUAL(breport_due(&r, &s, 1002), 0);
	breport_set(&s, BALLAST_K_PSI_SOME_AVG10, 10);
	CU_ASSERT_EQUAL(breport_due(&r, &s, 1002), 3);
}

/*
 * A frontend reading PSI every run carries the last reported value unless
 * a sample is due: PSI alone makes a report due at most every sample_ms.
 */
static void test_carry_slow(void)
{
	struct breport_stats s, slow;
	struct breport r;

	sent_once(&r, &s);
	breport_set(&s, BALLAST_K_PSI_SOME_AVG10, 0);
	breport_set(&s, BALLAST_K_PSI_FULL_AVG10, 0);
	breport_sent(&r, &s, 2, 1000);
	breport_set(&s, BALLAST_K_PSI_SOME_AVG10, 900);
	slow = s;
	breport_carry_slow(&slow, &r);
	CU_ASSERT_EQUAL(slow.v[BALLAST_K_PSI_SOME_AVG10], 0);
	CU_ASSERT_TRUE(breport_has(&slow, BALLAST_K_PSI_SOME_AVG10));
	CU_ASSERT_EQUAL(slow.v[BALLAST_K_MEM_AVAILABLE], s.v[BALLAST_K_MEM_AVAILABLE]);
	CU_ASSERT_EQUAL(breport_due(&r, &slow, 2000), 0);
	CU_ASSERT_EQUAL(breport_due(&r, &s, 2000), 3);
	/* A key the last report did not have stays absent. */
	breport_unset(&r.last, BALLAST_K_PSI_FULL_AVG10);
	breport_carry_slow(&slow, &r);
	CU_ASSERT_FALSE(breport_has(&slow, BALLAST_K_PSI_FULL_AVG10));
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

/* The cycle both frontends run: force, failures said once, then sent. */
static void test_report_cycle(void)
{
	struct breport_stats s;
	struct breport r;

	sent_once(&r, &s);
	CU_ASSERT_EQUAL(breport_next(&r, &s, 2000, false), 0);
	CU_ASSERT_EQUAL(breport_next(&r, &s, 2000, true), 2);
	CU_ASSERT_TRUE(breport_result(&r, -5, &s, 2, 2000));	/* first: log */
	CU_ASSERT_FALSE(breport_result(&r, -5, &s, 2, 3000));	/* not again */
	CU_ASSERT_EQUAL(r.seq, 1);	/* a failed write is not sent */
	CU_ASSERT_FALSE(breport_result(&r, 0, &s, 2, 4000));
	CU_ASSERT_EQUAL(r.seq, 2);
	CU_ASSERT_EQUAL(r.last_ms, 4000);
	CU_ASSERT_TRUE(breport_result(&r, -5, &s, 3, 5000));	/* a new series */
}

/*
 * PSI is sampled only when a report is due: a sample without it carries
 * the last values, so it neither triggers a report nor drops the keys.
 */
static void test_carry_unsampled_keys(void)
{
	struct breport_stats s, now;
	struct breport r;

	sent_once(&r, &s);
	breport_set(&s, BALLAST_K_PSI_SOME_AVG10, 1234);
	breport_sent(&r, &s, 2, 2000);
	base_stats(&now);	/* no PSI in this sample */
	CU_ASSERT_EQUAL(breport_due(&r, &now, 3000), 3);	/* it vanished */
	breport_carry(&now, &r, BALLAST_K_PSI_SOME_AVG10);
	breport_carry(&now, &r, BALLAST_K_PSI_FULL_AVG10);	/* never had it */
	CU_ASSERT_EQUAL(breport_due(&r, &now, 3000), 0);
	CU_ASSERT_EQUAL(now.v[BALLAST_K_PSI_SOME_AVG10], 1234);
	CU_ASSERT_FALSE(breport_has(&now, BALLAST_K_PSI_FULL_AVG10));
	breport_unset(&now, BALLAST_K_PSI_SOME_AVG10);
	CU_ASSERT_FALSE(breport_has(&now, BALLAST_K_PSI_SOME_AVG10));
}

int main(void)
{
	static const struct suite_case tests[] = {
		{ "report cycle", test_report_cycle },
		{ "carry unsampled keys", test_carry_unsampled_keys },
		{ "first report is seq 1", test_first_report_is_seq_1 },
		{ "small changes wait", test_small_changes_wait },
		{ "any-change keys", test_any_change_keys },
		{ "heartbeat and clock", test_heartbeat_and_clock },
		{ "heartbeat within dom0's staleness", test_heartbeat_within_dom0_staleness },
		{ "slow evidence sampled between heartbeats", test_sample_due },
		{ "slow evidence carried between samples", test_carry_slow },
		{ "key appearing is news", test_key_appearing_is_news },
		{ "zero threshold means any", test_zero_threshold_means_any },
		{ "bad key ids ignored", test_bad_key_ids_ignored },
	};

	return RUN_SUITE("frontend report", tests);
}
