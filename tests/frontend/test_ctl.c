// SPDX-License-Identifier: MIT
/*
 * CUnit suite for what both frontends share around the core: the host's
 * keys (bctl.c) and the cycle (bcycle.c).
 */
#include <string.h>

#include <CUnit/Basic.h>

#include "run_suite.h"
#include "bctl.h"
#include "bcycle.h"

#define PAGE_KIB	4U
#define BOOT_PAGES	(1024U * 256U)	/* a 1 GiB guest */

static void setup(struct bcore *c)
{
	struct bcore_config cfg;

	bcore_default_config(&cfg, PAGE_KIB);
	CU_ASSERT_FATAL(bcore_init(c, &cfg, BOOT_PAGES));
}

static void raw_set(struct bctl_raw *raw, enum bctl_slot i, const char *s)
{
	raw->val[i] = s;
	raw->len[i] = s ? strlen(s) : 0;
}

struct refusals {
	unsigned int n;
	enum ballast_key_id last;
};

static void count_refused(void *ctx, enum ballast_key_id id, const char *s,
			  size_t len, enum ballast_verdict v)
{
	struct refusals *r = ctx;

	(void)s;
	(void)len;
	CU_ASSERT_NOT_EQUAL(v, BALLAST_OK);
	r->n++;
	r->last = id;
}

static void test_optional_values(void)
{
	uint64_t v = 9;

	CU_ASSERT_EQUAL(bctl_optional(BALLAST_K_RATE_MIN, NULL, 0, 77, &v),
			BALLAST_OK);
	CU_ASSERT_EQUAL(v, 0);	/* absent */
	CU_ASSERT_EQUAL(bctl_optional(BALLAST_K_RATE_MIN, "8192", 4, 77, &v),
			BALLAST_OK);
	CU_ASSERT_EQUAL(v, 8192);
	CU_ASSERT_NOT_EQUAL(bctl_optional(BALLAST_K_RATE_MIN, "-1", 2, 77, &v),
			    BALLAST_OK);
	CU_ASSERT_EQUAL(v, 77);	/* refused: the last valid one */
}

static void test_apply_raw(void)
{
	struct refusals ref = { 0, BALLAST_K_TARGET };
	struct bctl_host h = { { 0, 0 }, false };
	struct bctl_raw raw;
	struct bcore c;

	setup(&c);
	memset(&raw, 0, sizeof(raw));
	raw_set(&raw, BCTL_TARGET, "524288");
	raw_set(&raw, BCTL_RATE_MIN, "8192");
	raw_set(&raw, BCTL_RATE_MAX, "65536");
	raw_set(&raw, BCTL_UNCOOPERATIVE, "1");
	bctl_apply(&c, &h, &raw, count_refused, &ref);
	CU_ASSERT_EQUAL(ref.n, 0);
	CU_ASSERT_EQUAL(c.target_pages, 524288 / PAGE_KIB);
	CU_ASSERT_EQUAL(h.rates.min_kib_s, 8192);
	CU_ASSERT_EQUAL(h.rates.max_kib_s, 65536);
	CU_ASSERT_TRUE(h.uncooperative);
	/* Garbage keeps the last valid values and is told; absent is 0. */
	raw_set(&raw, BCTL_TARGET, "lots");
	raw_set(&raw, BCTL_RATE_MIN, "99999999999999999999");
	raw_set(&raw, BCTL_RATE_MAX, NULL);
	raw_set(&raw, BCTL_UNCOOPERATIVE, NULL);
	bctl_apply(&c, &h, &raw, count_refused, &ref);
	CU_ASSERT_EQUAL(ref.n, 2);
	CU_ASSERT_EQUAL(ref.last, BALLAST_K_RATE_MIN);
	CU_ASSERT_EQUAL(c.target_pages, 524288 / PAGE_KIB);
	CU_ASSERT_EQUAL(c.cnt.bad_targets, 1);
	CU_ASSERT_EQUAL(h.rates.min_kib_s, 8192);
	CU_ASSERT_EQUAL(h.rates.max_kib_s, 0);
	CU_ASSERT_FALSE(h.uncooperative);
	/* No callback: still applied. */
	raw_set(&raw, BCTL_TARGET, "262144");
	bctl_apply(&c, &h, &raw, NULL, NULL);
	CU_ASSERT_EQUAL(c.target_pages, 262144 / PAGE_KIB);
}

/* Override > host > default, for each bound; a min above the max wins. */
static void test_rate_precedence(void)
{
	struct bctl_rates none = { 0, 0 }, dflt = { 4096, 262144 };
	struct bctl_rates over = { 0, 16384 };
	struct bctl_host h = { { 8192, 32768 }, false };
	struct bcore c;

	setup(&c);
	CU_ASSERT_TRUE(bctl_apply_rates(&c, &none, &h, &dflt));
	CU_ASSERT_EQUAL(bcore_rate_kib_s(&c, c.cfg.rate_min), 8192);
	CU_ASSERT_EQUAL(bcore_rate_kib_s(&c, c.cfg.rate_max), 32768);
	CU_ASSERT_TRUE(bctl_apply_rates(&c, &over, &h, &dflt));
	CU_ASSERT_EQUAL(bcore_rate_kib_s(&c, c.cfg.rate_min), 8192);
	CU_ASSERT_EQUAL(bcore_rate_kib_s(&c, c.cfg.rate_max), 16384);
	h.rates.min_kib_s = 0;
	h.rates.max_kib_s = 0;
	CU_ASSERT_TRUE(bctl_apply_rates(&c, &none, &h, &dflt));
	CU_ASSERT_EQUAL(bcore_rate_kib_s(&c, c.cfg.rate_min), 4096);
	CU_ASSERT_EQUAL(bcore_rate_kib_s(&c, c.cfg.rate_max), 262144);
	h.rates.min_kib_s = 65536;	/* above the override's max */
	CU_ASSERT_TRUE(bctl_apply_rates(&c, &over, &h, &dflt));
	CU_ASSERT_EQUAL(bcore_rate_kib_s(&c, c.cfg.rate_min), 65536);
	CU_ASSERT_EQUAL(bcore_rate_kib_s(&c, c.cfg.rate_max), 65536);
}

/* When to read memory/ballast, the elapsed time, the next delay. */
static void test_cycle(void)
{
	struct bcycle y;
	struct bcore c;
	uint32_t e = 99;

	memset(&y, 0, sizeof(y));
	setup(&c);
	CU_ASSERT_TRUE(bcycle_begin(&y, &c, 5000, false, &e));	/* first */
	CU_ASSERT_EQUAL(e, 0);
	/* Settled: only a kick reads. */
	CU_ASSERT_FALSE(bcycle_begin(&y, &c, 7000, false, &e));
	CU_ASSERT_EQUAL(e, 2000);
	CU_ASSERT_TRUE(bcycle_begin(&y, &c, 7100, true, &e));
	CU_ASSERT_EQUAL(e, 100);
	CU_ASSERT_EQUAL(bcycle_delay_ms(&c, 2000), 2000);
	/* Moving: read once per tick even without a kick. */
	c.state = BALLAST_STATE_INFLATING;
	CU_ASSERT_FALSE(bcycle_begin(&y, &c, 7600, false, &e));
	CU_ASSERT_TRUE(bcycle_begin(&y, &c, 8100, false, &e));
	CU_ASSERT_EQUAL(bcycle_delay_ms(&c, 2000), c.cfg.tick_ms);
	/* The clock went back: no elapsed time, and a read. */
	CU_ASSERT_TRUE(bcycle_begin(&y, &c, 100, false, &e));
	CU_ASSERT_EQUAL(e, 0);
	/* A bounded run asks for the next at once. */
	c.run.more = true;
	CU_ASSERT_EQUAL(bcycle_delay_ms(&c, 2000), 0);
}

int main(void)
{
	static const struct suite_case tests[] = {
		{ "optional values", test_optional_values },
		{ "apply raw values", test_apply_raw },
		{ "rate precedence", test_rate_precedence },
		{ "cycle", test_cycle },
	};

	return RUN_SUITE("frontend ctl and cycle", tests);
}
