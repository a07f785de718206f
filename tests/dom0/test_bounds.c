// SPDX-License-Identifier: MIT
/*
 * No guest holds more than its subscription allows, whatever it writes
 * (issue 14): ballastd against the fake Xen with a greedy guest, one that
 * takes every page its maxmem lets it.
 */
#include <CUnit/Basic.h>
#include <inttypes.h>
#include <stdio.h>

#include "fixture.h"
#include "run_suite.h"

#define DATA(key)	BALLAST_DATA_DIR "/" key
#define ALLOWANCE_KIB	(64 * MIB)	/* frontend-allowance's default */

static void guest_u64(struct fx *x, uint32_t domid, const char *rel, uint64_t v)
{
	char val[24];

	snprintf(val, sizeof(val), "%" PRIu64, v);
	CU_ASSERT(fx_guest(x, domid, rel, val) == 0);
}

/* A report saying "unloading", with @ballooned_kib in the balloon. */
static void say_unloading(struct fx *x, uint32_t domid, uint64_t seq,
			  uint64_t ballooned_kib)
{
	guest_u64(x, domid, DATA(BALLAST_KEY_BALLOONED), ballooned_kib);
	CU_ASSERT(fx_guest(x, domid, DATA(BALLAST_KEY_STATE), "unloading") == 0);
	guest_u64(x, domid, DATA(BALLAST_KEY_SEQ), seq);
}

/* Ticks @n times; the domain's memory never goes above @limit_kib. */
static void run_below(struct fx *x, uint32_t domid, unsigned int n,
		      uint64_t limit_kib)
{
	for (unsigned int i = 0; i < n; i++) {
		fx_run(x, 1, 1000);
		CU_ASSERT(fake_actual_kib(x->f, domid) <= limit_kib);
		CU_ASSERT(fake_maxmem_kib(x->f, domid) <= limit_kib);
	}
}

/*
 * Defect 1: a driver guest with max = 1G and static-max 4G writes
 * "unloading" and says its balloon holds 3.5 GiB: it may take back up to
 * its max, never its static max; after release-limit-ms it is held as
 * stuck, maxmem pinned.
 */
static void test_unloading_capped_at_max(void)
{
	char buf[32];
	struct fx x;

	CU_ASSERT_FATAL(fx_setup(&x, 8 * GIB,
				 "[host]\nsurplus = keep-free\nrelease-limit-ms = 10000\n"
				 "[domain a]\nmax = 1G\n", false) == 0);
	CU_ASSERT_FATAL(fake_add_domain(x.f, 1, "a", 512 * MIB, 4 * GIB,
					FAKE_BALLOON_BALLAST, 256 * MIB) == 0);
	fx_report(&x, 1, 1, 512 * MIB, 400 * MIB);
	fx_run(&x, 3, 1000);
	fake_set_greedy(x.f, 1, true);
	say_unloading(&x, 1, 2, 3584 * MIB);
	run_below(&x, 1, 8, 1 * GIB + 1024);
	CU_ASSERT_EQUAL(fake_maxmem_kib(x.f, 1), 1 * GIB + 1024);
	CU_ASSERT_EQUAL(fake_actual_kib(x.f, 1), 1 * GIB + 1024);
	/* the limit: stuck, pinned to what its target leaves it */
	run_below(&x, 1, 4, 1 * GIB + 1024);
	CU_ASSERT_STRING_EQUAL(fx_status_field(&x, 1, "stuck", buf, sizeof(buf)), "true");
	CU_ASSERT(fake_maxmem_kib(x.f, 1) < 1 * GIB);
	fx_teardown(&x);
}

/* The admin's opt-in: an unloading balloon returns to its boot size. */
static void test_unloading_lift_opt_in(void)
{
	struct fx x;

	CU_ASSERT_FATAL(fx_setup(&x, 8 * GIB,
				 "[domain a]\nmax = 1G\nlift-above-max = yes\n",
				 false) == 0);
	CU_ASSERT_FATAL(fake_add_domain(x.f, 1, "a", 512 * MIB, 4 * GIB,
					FAKE_BALLOON_BALLAST, 256 * MIB) == 0);
	fx_report(&x, 1, 1, 512 * MIB, 400 * MIB);
	fx_run(&x, 3, 1000);
	say_unloading(&x, 1, 2, 3584 * MIB);
	fx_run(&x, 1, 1000);
	CU_ASSERT_EQUAL(fake_maxmem_kib(x.f, 1), 4 * GIB + 1024);
	fx_teardown(&x);
}

/*
 * Defect 2: a guest the admin says has the stock balloon declares itself a
 * ballast driver (and unloading): it stays a stock guest, maxmem target +
 * 1 MiB, steered through memory/target. The same with frontend = stock.
 */
static void test_claim_does_not_beat_admin(void)
{
	static const char *const configs[] = {
		"[domain s]\nstock-balloon = yes\nmax = 1G\n",
		"[domain s]\nfrontend = stock\nmax = 1G\n",
	};

	for (size_t c = 0; c < 2; c++) {
		struct fx x;
		uint64_t t;

		CU_ASSERT_FATAL(fx_setup(&x, 8 * GIB, configs[c], false) == 0);
		CU_ASSERT_FATAL(fake_add_domain(x.f, 1, "s", 1536 * MIB, 1536 * MIB,
						FAKE_BALLOON_STOCK, 512 * MIB) == 0);
		fx_run(&x, 3, 1000);
		t = fx_dom_u64(&x, 1, BALLAST_STOCK_TARGET);
		CU_ASSERT_EQUAL(t, 1 * GIB);
		fake_set_greedy(x.f, 1, true);
		fx_report(&x, 1, 1, 1 * GIB, 800 * MIB);
		say_unloading(&x, 1, 2, 512 * MIB);
		run_below(&x, 1, 5, t + 1024);
		CU_ASSERT_EQUAL(fake_maxmem_kib(x.f, 1), t + 1024);
		CU_ASSERT(fx_dom_str(&x, 1, BALLAST_CTL_DIR) == NULL);
		CU_ASSERT(fx_logged(&x, "s (1): joined, stock"));
		fx_teardown(&x);
	}
}

/*
 * Defect 2: a driver guest (no admin word) may deflate a little above its
 * target, not up to its max: the memory between is handed to others.
 */
static void test_driver_allowance_bounded(void)
{
	struct fx x;
	uint64_t t;

	CU_ASSERT_FATAL(fx_setup(&x, 8 * GIB,
				 "[host]\nsurplus = keep-free\n[domain a]\nmax = 4G\n", false) == 0);
	CU_ASSERT_FATAL(fake_add_domain(x.f, 1, "a", 1 * GIB, 4 * GIB,
					FAKE_BALLOON_BALLAST, 512 * MIB) == 0);
	fx_report(&x, 1, 1, 1 * GIB, 800 * MIB);
	fx_run(&x, 3, 1000);
	t = fx_dom_u64(&x, 1, BALLAST_CTL_DIR "/" BALLAST_KEY_TARGET);
	CU_ASSERT(t < 2 * GIB);
	fake_set_greedy(x.f, 1, true);
	run_below(&x, 1, 5, t + ALLOWANCE_KIB + 1024);
	CU_ASSERT_EQUAL(fake_maxmem_kib(x.f, 1), t + ALLOWANCE_KIB + 1024);
	fx_teardown(&x);
}

/* The admin's frontend word is refused when stock-balloon says otherwise. */
static void test_frontend_config(void)
{
	struct fx x;

	CU_ASSERT(fx_setup(&x, 8 * GIB, "[domain s]\nstock-balloon = yes\n"
			   "frontend = driver\n", false) == -1);
	CU_ASSERT(fx_logged(&x, "[domain s] frontend and stock-balloon disagree"));
	fx_teardown(&x);
	CU_ASSERT(fx_setup(&x, 8 * GIB, "[domain s]\nfrontend = kernel\n", false) == -1);
	CU_ASSERT(fx_logged(&x, "frontend: expected auto, driver, agent, stock or none"));
	fx_teardown(&x);
	/* frontend = none: a guest claiming a driver is not steered */
	CU_ASSERT_FATAL(fx_setup(&x, 8 * GIB, "[domain a]\nfrontend = none\n", false) == 0);
	CU_ASSERT_FATAL(fake_add_domain(x.f, 1, "a", 1 * GIB, 2 * GIB,
					FAKE_BALLOON_BALLAST, 512 * MIB) == 0);
	fx_report(&x, 1, 1, 1 * GIB, 800 * MIB);
	fx_run(&x, 3, 1000);
	CU_ASSERT(fx_dom_str(&x, 1, BALLAST_CTL_DIR "/" BALLAST_KEY_TARGET) == NULL);
	CU_ASSERT_EQUAL(fake_maxmem_kib(x.f, 1), 2 * GIB);
	fx_teardown(&x);
}

/*
 * Defect 3: without memory/static-max, the bound is the first maxmem seen
 * (or the configured max), never the maxmem ballastd set last tick.
 */
static void test_no_static_max_no_ratchet(void)
{
	const char *path;
	uint64_t maxmem;
	struct fx x;

	CU_ASSERT_FATAL(fx_setup(&x, 8 * GIB, NULL, false) == 0);
	CU_ASSERT_FATAL(fake_add_domain(x.f, 1, "a", 1 * GIB, 2 * GIB,
					FAKE_BALLOON_BALLAST, 512 * MIB) == 0);
	path = fx_path(&x, BALLAST_AT_DOMAIN, 1, BALLAST_STOCK_STATIC_MAX, NULL, NULL);
	CU_ASSERT_FATAL(x.bd.env.io.ops->rm(x.f, BIO_TXN_NONE, path) == 0);
	fx_report(&x, 1, 1, 1 * GIB, 800 * MIB);
	fx_run(&x, 5, 1000);
	maxmem = fake_maxmem_kib(x.f, 1);
	CU_ASSERT_EQUAL(maxmem, 2 * GIB + 1024);
	CU_ASSERT_EQUAL(fx_dom_u64(&x, 1, BALLAST_CTL_DIR "/" BALLAST_KEY_TARGET), 2 * GIB);
	fx_run(&x, 20, 1000);
	CU_ASSERT_EQUAL(fake_maxmem_kib(x.f, 1), maxmem);
	CU_ASSERT_EQUAL(fx_dom_u64(&x, 1, BALLAST_CTL_DIR "/" BALLAST_KEY_TARGET), 2 * GIB);
	fx_teardown(&x);
}

int main(void)
{
	static const struct suite_case tests[] = {
		{ "unloading: capped at max, then stuck", test_unloading_capped_at_max },
		{ "unloading: lift-above-max opt-in", test_unloading_lift_opt_in },
		{ "a frontend claim does not beat the admin's word",
		  test_claim_does_not_beat_admin },
		{ "a driver's allowance above its target is bounded",
		  test_driver_allowance_bounded },
		{ "frontend = in ballastd.conf", test_frontend_config },
		{ "no static-max: no ratchet", test_no_static_max_no_ratchet },
	};

	return RUN_SUITE("ballastd: bounds", tests);
}
