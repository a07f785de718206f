// SPDX-License-Identifier: MIT
/*
 * CUnit suite for the core's processor part (bcpu.c), which ballast.ko and
 * ballast-agent share: the CPU evidence parsers on real and malformed text,
 * and the hotplug tracker (bring online, count offline refusals).
 */
#include <string.h>

#include <CUnit/Basic.h>

#include "bcpu.h"
#include "run_suite.h"

static void test_loadavg(void)
{
	uint64_t load = 0, run = 0;
	static const char *const bad[] = {
		"", "0.52", "0.5 0.58 0.59 3/345 1\n", "-1.00 0.58 0.59 3/345 1\n",
		"0.52 0.58 0.59 x/345 1\n", "0.52 0.58 0.59 3 1\n", "0.52 0.58\n",
		"1.234 0.58 0.59 3/345 1\n", "99999999999999999999.00 0 0 1/1 1\n",
	};

	CU_ASSERT_TRUE(bcpu_parse_loadavg("0.52 0.58 0.59 3/345 12345\n", 27, &load, &run));
	CU_ASSERT_EQUAL(load, 52);
	CU_ASSERT_EQUAL(run, 2);	/* the reader is not counted */
	CU_ASSERT_TRUE(bcpu_parse_loadavg("12.00 8.00 4.00 13/100 7", 24, &load, &run));
	CU_ASSERT_EQUAL(load, 1200);
	CU_ASSERT_EQUAL(run, 12);
	CU_ASSERT_TRUE(bcpu_parse_loadavg("0.00 0.00 0.00 0/1 7", 20, &load, &run));
	CU_ASSERT_EQUAL(run, 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		load = run = 77;
		CU_ASSERT_FALSE(bcpu_parse_loadavg(bad[i], strlen(bad[i]), &load, &run));
	}
}

static void test_stat_steal(void)
{
	static const char stat[] =
		"cpu  10132153 290696 3084719 46828483 16683 0 25195 175628 0 0\n"
		"cpu0 1393280 32966 572056 13343292 6130 0 17875 0 0 0\n"
		"intr 1462898 0 0";
	uint64_t ms = 0;

	CU_ASSERT_TRUE(bcpu_parse_stat_steal(stat, strlen(stat), 100, &ms));
	CU_ASSERT_EQUAL(ms, 1756280);
	/* only the first line counts, even cut short after it */
	CU_ASSERT_TRUE(bcpu_parse_stat_steal(stat, 70, 100, &ms));
	CU_ASSERT_FALSE(bcpu_parse_stat_steal("cpu  1 2 3 4 5 6 7\n", 19, 100, &ms));
	CU_ASSERT_FALSE(bcpu_parse_stat_steal("cpu0 1 2 3 4 5 6 7 8\n", 21, 100, &ms));
	CU_ASSERT_FALSE(bcpu_parse_stat_steal("cpu  1 2 3 4 5 6 7 -8\n", 22, 100, &ms));
	CU_ASSERT_FALSE(bcpu_parse_stat_steal("cpu  1 2 3 4 5 6 7 8\n", 21, 0, &ms));
	CU_ASSERT_FALSE(bcpu_parse_stat_steal("cpu  1 2 3 4 5 6 7 99999999999999999999\n",
					      40, 100, &ms));
}

static void test_cpulist(void)
{
	static const char *const bad[] = { "", "\n", "a", "0-", "-3", "3-1", "0,", "0,,1",
					   "0-5000", "1 2" };
	uint64_t n = 0;

	CU_ASSERT_TRUE(bcpu_parse_cpulist("0\n", 2, &n));
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_TRUE(bcpu_parse_cpulist("0-3\n", 4, &n));
	CU_ASSERT_EQUAL(n, 4);
	CU_ASSERT_TRUE(bcpu_parse_cpulist("0-1,3,5-6\n", 10, &n));
	CU_ASSERT_EQUAL(n, 5);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_FALSE(bcpu_parse_cpulist(bad[i], strlen(bad[i]), &n));
}

/* Only what dom0 accepts goes out: a value out of the schema is left out. */
static void test_report(void)
{
	struct bcpu_evidence e = { .cpus_online = 2, .load_avg1_centi = 150,
				   .runnable = 3, .has_psi = true,
				   .psi_cpu_some_centipct = 4000, .has_steal = true,
				   .steal_ms = 12 };
	struct breport_stats s;

	memset(&s, 0, sizeof(s));
	bcpu_report(&e, &s);
	CU_ASSERT_EQUAL(s.v[BALLAST_K_CPUS_ONLINE], 2);
	CU_ASSERT_EQUAL(s.v[BALLAST_K_LOAD_AVG1], 150);
	CU_ASSERT_EQUAL(s.v[BALLAST_K_RUNNABLE], 3);
	CU_ASSERT_EQUAL(s.v[BALLAST_K_PSI_CPU_SOME_AVG10], 4000);
	CU_ASSERT_EQUAL(s.v[BALLAST_K_STEAL], 12);
	memset(&s, 0, sizeof(s));
	e = (struct bcpu_evidence){ .cpus_online = 0, .psi_cpu_some_centipct = 10001,
				    .has_psi = true };
	bcpu_report(&e, &s);
	CU_ASSERT_FALSE(breport_has(&s, BALLAST_K_CPUS_ONLINE));
	CU_ASSERT_FALSE(breport_has(&s, BALLAST_K_PSI_CPU_SOME_AVG10));
	CU_ASSERT_FALSE(breport_has(&s, BALLAST_K_STEAL));
}

static void test_avail(void)
{
	CU_ASSERT_EQUAL(bcpu_parse_avail("online", 6), BCPU_AVAIL_ONLINE);
	CU_ASSERT_EQUAL(bcpu_parse_avail("offline", 7), BCPU_AVAIL_OFFLINE);
	CU_ASSERT_EQUAL(bcpu_parse_avail("online\n", 7), BCPU_AVAIL_UNKNOWN);
	CU_ASSERT_EQUAL(bcpu_parse_avail("Online", 6), BCPU_AVAIL_UNKNOWN);
	CU_ASSERT_EQUAL(bcpu_parse_avail(NULL, 0), BCPU_AVAIL_UNKNOWN);
}

#define T 5000	/* a look's time, ms */

static void test_hotplug(void)
{
	struct bcpu_hotplug h;
	struct breport_stats s;

	bcpu_hotplug_init(&h);
	/* made available: wait for the stock driver to make it present, then up */
	CU_ASSERT_EQUAL(bcpu_look(&h, 1, BCPU_AVAIL_ONLINE, false, false, T), BCPU_WAIT);
	CU_ASSERT_EQUAL(bcpu_look(&h, 1, BCPU_AVAIL_ONLINE, true, false, T), BCPU_BRING_ONLINE);
	CU_ASSERT_EQUAL(bcpu_look(&h, 1, BCPU_AVAIL_ONLINE, true, true, T), BCPU_NOTHING);
	/* asked offline and taken down: no refusal */
	CU_ASSERT_EQUAL(bcpu_look(&h, 1, BCPU_AVAIL_OFFLINE, true, true, T), BCPU_WAIT);
	CU_ASSERT_EQUAL(bcpu_look(&h, 1, BCPU_AVAIL_OFFLINE, false, false, T), BCPU_NOTHING);
	CU_ASSERT_EQUAL(h.offline_refusals, 0);
	/*
	 * asked offline and still up: waited for, not a refusal while the
	 * stock driver may still be taking it down (seconds under emulation:
	 * seen in real Xen); still up after the grace: one refusal, once
	 */
	CU_ASSERT_EQUAL(bcpu_look(&h, 2, BCPU_AVAIL_OFFLINE, true, true, T), BCPU_WAIT);
	CU_ASSERT_EQUAL(bcpu_look(&h, 2, BCPU_AVAIL_OFFLINE, true, true, T + 1000), BCPU_WAIT);
	CU_ASSERT_EQUAL(bcpu_look(&h, 2, BCPU_AVAIL_OFFLINE, true, true,
				  T + BCPU_REFUSE_GRACE_MS - 1), BCPU_WAIT);
	CU_ASSERT_EQUAL(h.offline_refusals, 0);
	CU_ASSERT_EQUAL(bcpu_look(&h, 2, BCPU_AVAIL_OFFLINE, true, true,
				  T + BCPU_REFUSE_GRACE_MS), BCPU_NOTHING);
	CU_ASSERT_EQUAL(bcpu_look(&h, 2, BCPU_AVAIL_OFFLINE, true, true,
				  T + 2 * BCPU_REFUSE_GRACE_MS), BCPU_NOTHING);
	CU_ASSERT_EQUAL(h.offline_refusals, 1);
	CU_ASSERT_EQUAL(h.refused_cpu, 2);
	/* asked again later: counted again */
	CU_ASSERT_EQUAL(bcpu_look(&h, 2, BCPU_AVAIL_ONLINE, true, true, T), BCPU_NOTHING);
	bcpu_look(&h, 2, BCPU_AVAIL_OFFLINE, true, true, T + 30000);
	bcpu_look(&h, 2, BCPU_AVAIL_OFFLINE, true, true, T + 30000 + BCPU_REFUSE_GRACE_MS);
	CU_ASSERT_EQUAL(h.offline_refusals, 2);
	/* CPU 0 is never counted, a CPU beyond the tracker is left alone */
	bcpu_look(&h, 0, BCPU_AVAIL_OFFLINE, true, true, T + 60000);
	bcpu_look(&h, 0, BCPU_AVAIL_OFFLINE, true, true, T + 90000);
	CU_ASSERT_EQUAL(h.offline_refusals, 2);
	CU_ASSERT_EQUAL(bcpu_look(&h, BCPU_MAX, BCPU_AVAIL_ONLINE, true, false, T), BCPU_NOTHING);
	/* an unknown word is no request */
	CU_ASSERT_EQUAL(bcpu_look(&h, 3, BCPU_AVAIL_UNKNOWN, true, false, T), BCPU_NOTHING);
	memset(&s, 0, sizeof(s));
	bcpu_hotplug_report(&h, &s);
	CU_ASSERT_EQUAL(s.v[BALLAST_K_CPU_OFFLINE_REFUSALS], 2);
	CU_ASSERT_EQUAL(s.v[BALLAST_K_CPU_REFUSED], 2);
}

int main(void)
{
	static const struct suite_case tests[] = {
		{ "/proc/loadavg", test_loadavg },
		{ "/proc/stat steal", test_stat_steal },
		{ "CPU lists", test_cpulist },
		{ "evidence into the report, schema ranges kept", test_report },
		{ "cpu/N/availability words", test_avail },
		{ "hotplug: bring online, count offline refusals", test_hotplug },
	};

	return RUN_SUITE("bcpu", tests);
}
