// SPDX-License-Identifier: MIT
/*
 * CUnit suite for the frontend core (bcore.c): rate controller, floor,
 * MemAvailable clamp, batch planning, partial hypercalls, OOM relief,
 * drain, hostile targets. Runs against fake_world.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "run_suite.h"
#include "bcore.h"
#include "fake_world.h"

#define PAGE_KIB	4U
#define MIB_PAGES	256U	/* pages in 1 MiB */
#define BOOT_PAGES	(1024U * MIB_PAGES)	/* a 1 GiB guest */
#define LOTS		(1ULL << 40)
#define TICK_MS		1000U	/* small_config's tick: one whole budget */

/* Small, round numbers so expected sequences are easy to read. */
static void small_config(struct bcore_config *cfg)
{
	bcore_default_config(cfg, PAGE_KIB);
	cfg->rate_min = 100;
	cfg->rate_max = 1000;
	cfg->rate_step = 300;
	cfg->rate_div = 2;
	cfg->floor_pages = 64 * MIB_PAGES;
	cfg->avail_reserve_pages = 10;
}

static void setup(struct bcore *c, struct fake_world *w)
{
	struct bcore_config cfg;

	small_config(&cfg);
	CU_ASSERT_FATAL(bcore_init(c, &cfg, BOOT_PAGES));
	fake_world_init(w, BOOT_PAGES);
}

static void set_target_kib(struct bcore *c, uint64_t kib)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)kib);
	CU_ASSERT_EQUAL_FATAL(bcore_set_target(c, buf, strlen(buf)), BALLAST_OK);
}

/*
 * One tick and the runs the batch bound asks for at once after it (the
 * driver requeues its worker with no delay): a whole tick's budget.
 */
static enum ballast_state tick_all(struct bcore *c, struct fake_world *w,
				   uint64_t avail)
{
	enum ballast_state st = bcore_tick(c, &fake_ops, w, avail, TICK_MS);

	while (bcore_run_more(c))
		st = bcore_tick(c, &fake_ops, w, avail, 0);
	return st;
}

static void test_init_rejects_bad_config(void)
{
	struct bcore_config cfg;
	struct bcore c;

	memset(&c, 0x5a, sizeof(c));
	small_config(&cfg);
	cfg.rate_div = 1;
	CU_ASSERT_FALSE(bcore_init(&c, &cfg, BOOT_PAGES));
	small_config(&cfg);
	cfg.rate_max = cfg.rate_min - 1;
	CU_ASSERT_FALSE(bcore_init(&c, &cfg, BOOT_PAGES));
	small_config(&cfg);
	cfg.rate_min = 0;
	CU_ASSERT_FALSE(bcore_init(&c, &cfg, BOOT_PAGES));
	small_config(&cfg);
	cfg.page_kib = 0;
	CU_ASSERT_FALSE(bcore_init(&c, &cfg, BOOT_PAGES));
	small_config(&cfg);
	CU_ASSERT_TRUE(bcore_init(&c, &cfg, BOOT_PAGES));
	CU_ASSERT_EQUAL(c.rate, 100);
	CU_ASSERT_EQUAL(c.state, BALLAST_STATE_AT_TARGET);
	CU_ASSERT_EQUAL(c.ballooned_pages, 0);
}

static void test_no_target_does_nothing(void)
{
	struct fake_world w;
	struct bcore c;

	setup(&c, &w);
	CU_ASSERT_EQUAL(bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS),
			BALLAST_STATE_AT_TARGET);
	CU_ASSERT_EQUAL(w.inflate_calls + w.deflate_calls, 0);
	CU_ASSERT_EQUAL(bcore_stock_goal(&c), BOOT_PAGES);
}

/* min, then +step per good tick, capped at max: 100 400 700 1000 1000 */
static void test_rate_ramps_from_min_to_max(void)
{
	static const uint32_t moved[] = { 100, 400, 700, 1000, 1000 };
	struct fake_world w;
	struct bcore c;
	uint64_t before;
	unsigned int i;

	setup(&c, &w);
	set_target_kib(&c, 512 * 1024);	/* half of the guest */
	for (i = 0; i < sizeof(moved) / sizeof(moved[0]); i++) {
		before = c.ballooned_pages;
		CU_ASSERT_EQUAL(bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS),
				BALLAST_STATE_INFLATING);
		CU_ASSERT_EQUAL(c.ballooned_pages - before, moved[i]);
	}
	CU_ASSERT_EQUAL(c.rate, 1000);
	CU_ASSERT_EQUAL(w.xen.held_frames, c.ballooned_pages);
}

static void test_failure_divides_rate_not_below_min(void)
{
	struct fake_world w;
	struct bcore c;

	setup(&c, &w);
	set_target_kib(&c, 512 * 1024);
	bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS);	/* 100 */
	bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS);	/* 400 */
	bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS);	/* 700 */
	CU_ASSERT_EQUAL(c.rate, 1000);
	w.guest.alloc_budget = 10;
	CU_ASSERT_EQUAL(bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS),
			BALLAST_STATE_BACKING_OFF);
	CU_ASSERT_EQUAL(c.rate, 500);
	CU_ASSERT_EQUAL(c.cnt.alloc_failures, 1);
	CU_ASSERT_EQUAL(c.ballooned_pages, 1210);	/* the 10 it got count */
	w.guest.alloc_budget = 0;
	bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS);
	CU_ASSERT_EQUAL(c.rate, 250);
	bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS);
	CU_ASSERT_EQUAL(c.rate, 125);
	bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS);
	CU_ASSERT_EQUAL(c.rate, 100);	/* 62 would be below min */
	CU_ASSERT_EQUAL(c.cnt.alloc_failures, 4);
	/* The guest recovers: growth resumes from min. */
	w.guest.alloc_budget = FAKE_UNLIMITED;
	CU_ASSERT_EQUAL(bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS),
			BALLAST_STATE_INFLATING);
	CU_ASSERT_EQUAL(c.rate, 400);
}

static void test_constant_rate_mode(void)
{
	struct bcore_config cfg;
	struct fake_world w;
	struct bcore c;

	small_config(&cfg);
	cfg.constant_rate = true;
	CU_ASSERT_FATAL(bcore_init(&c, &cfg, BOOT_PAGES));
	fake_world_init(&w, BOOT_PAGES);
	set_target_kib(&c, 512 * 1024);
	bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS);
	CU_ASSERT_EQUAL(c.ballooned_pages, 1000);
	w.guest.alloc_budget = 0;
	bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS);
	CU_ASSERT_EQUAL(c.rate, 1000);	/* no adaptation */
	w.guest.alloc_budget = FAKE_UNLIMITED;
	bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS);
	CU_ASSERT_EQUAL(c.ballooned_pages, 2000);
}

static void test_reaches_target_then_idles(void)
{
	struct fake_world w;
	struct bcore c;
	unsigned int calls;
	int i;

	setup(&c, &w);
	set_target_kib(&c, 1024 * 1024 - 2500 * PAGE_KIB);	/* 2500 pages */
	for (i = 0; i < 10 && c.ballooned_pages < 2500; i++)
		bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS);
	CU_ASSERT_EQUAL(c.ballooned_pages, 2500);	/* never overshoots */
	CU_ASSERT_EQUAL(c.state, BALLAST_STATE_AT_TARGET);
	calls = w.inflate_calls;
	CU_ASSERT_EQUAL(bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS),
			BALLAST_STATE_AT_TARGET);
	CU_ASSERT_EQUAL(w.inflate_calls, calls);
}

static void test_floor_limits_balloon(void)
{
	struct fake_world w;
	struct bcore c;
	int i;

	setup(&c, &w);
	c.cfg.rate_min = c.cfg.rate_max = BOOT_PAGES;
	c.rate = BOOT_PAGES;
	set_target_kib(&c, 16 * 1024);	/* 16 MiB: far below the 64 MiB floor */
	CU_ASSERT_TRUE(bcore_floor_limited(&c));
	CU_ASSERT_EQUAL(bcore_own_goal(&c), BOOT_PAGES - 64 * MIB_PAGES);
	for (i = 0; i < 3; i++)
		tick_all(&c, &w, LOTS);
	CU_ASSERT_EQUAL(c.ballooned_pages, BOOT_PAGES - 64 * MIB_PAGES);
	CU_ASSERT_EQUAL(c.state, BALLAST_STATE_AT_FLOOR);
	/* Raised above the floor: an ordinary target again. */
	set_target_kib(&c, 128 * 1024);
	CU_ASSERT_FALSE(bcore_floor_limited(&c));
	for (i = 0; i < 3; i++)
		tick_all(&c, &w, LOTS);
	CU_ASSERT_EQUAL(c.ballooned_pages, BOOT_PAGES - 128 * MIB_PAGES);
	CU_ASSERT_EQUAL(c.state, BALLAST_STATE_AT_TARGET);
}

/*
 * The HVM/PVH offset is static-max minus every page the guest has: the old
 * rule (memory/target minus the stock target, read at load) was off by
 * however far the stock target had been moved without memory/target, e.g.
 * by an earlier unload (83 MiB in this example, with the stock target at
 * 300 MiB). A PVH guest of static-max 384 MiB with 383 MiB of pages.
 */
static void test_offset_from_static_max(void)
{
	const uint64_t mib = 1024 / PAGE_KIB;
	uint64_t total = 383 * mib;

	CU_ASSERT_EQUAL(bcore_offset_pages(true, 384 * 1024, total, PAGE_KIB),
			1 * mib);
	CU_ASSERT_EQUAL(bcore_offset_pages(false, 384 * 1024, total, PAGE_KIB), 0);
	CU_ASSERT_EQUAL(bcore_offset_pages(true, 0, total, PAGE_KIB), 0);
	CU_ASSERT_EQUAL(bcore_offset_pages(true, 200 * 1024, total, PAGE_KIB), 0);
	CU_ASSERT_EQUAL(bcore_offset_pages(true, 384 * 1024, total, 0), 0);
	CU_ASSERT_EQUAL(bcore_offset_pages(true, UINT64_MAX, 0, PAGE_KIB),
			UINT64_MAX / PAGE_KIB);
}

static void test_default_floor_like_hyperv(void)
{
	uint64_t mib = MIB_PAGES;

	CU_ASSERT_EQUAL(bcore_default_floor(2048 * mib, PAGE_KIB), 360 * mib);
	CU_ASSERT_EQUAL(bcore_default_floor(8192 * mib, PAGE_KIB), 744 * mib);
	CU_ASSERT_EQUAL(bcore_default_floor(32768 * mib, PAGE_KIB), 1512 * mib);
	CU_ASSERT_EQUAL(bcore_default_floor(256 * mib, PAGE_KIB), 104 * mib);
	CU_ASSERT_EQUAL(bcore_default_floor(64 * mib, PAGE_KIB), 40 * mib);
	CU_ASSERT_EQUAL(bcore_default_floor(1024 * mib, PAGE_KIB), 232 * mib);
}

static void test_clamped_to_mem_available(void)
{
	struct fake_world w;
	struct bcore c;

	setup(&c, &w);
	set_target_kib(&c, 512 * 1024);
	bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS);
	bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS);	/* rate now 700 */
	CU_ASSERT_EQUAL(c.ballooned_pages, 500);
	/* MemAvailable 37 with a reserve of 10: 27 may go */
	CU_ASSERT_EQUAL(bcore_tick(&c, &fake_ops, &w, 37, TICK_MS),
			BALLAST_STATE_INFLATING);
	CU_ASSERT_EQUAL(c.ballooned_pages, 527);
	/* Only the reserve left: nothing asked of the OS, counted, backed off. */
	w.inflate_calls = 0;
	CU_ASSERT_EQUAL(bcore_tick(&c, &fake_ops, &w, 10, TICK_MS),
			BALLAST_STATE_BACKING_OFF);
	CU_ASSERT_EQUAL(w.inflate_calls, 0);
	CU_ASSERT_EQUAL(c.cnt.alloc_failures, 1);
	CU_ASSERT_EQUAL(bcore_tick(&c, &fake_ops, &w, 0, TICK_MS),
			BALLAST_STATE_BACKING_OFF);
	CU_ASSERT_EQUAL(c.ballooned_pages, 527);
}

/* Unset, the reserve is 32 MiB, or 1/32 of a guest larger than 1 GiB. */
static void test_default_avail_reserve(void)
{
	struct bcore_config cfg;
	struct bcore c;

	bcore_default_config(&cfg, PAGE_KIB);
	CU_ASSERT_FATAL(bcore_init(&c, &cfg, BOOT_PAGES));
	CU_ASSERT_EQUAL(c.cfg.avail_reserve_pages, 32 * MIB_PAGES);
	CU_ASSERT_FATAL(bcore_init(&c, &cfg, 4 * BOOT_PAGES));
	CU_ASSERT_EQUAL(c.cfg.avail_reserve_pages, 4 * BOOT_PAGES / 32);
}

static void test_batches_at_most_512(void)
{
	struct fake_world w;
	struct bcore c;

	setup(&c, &w);
	c.cfg.rate_min = c.cfg.rate_max = 2000;
	c.rate = 2000;
	set_target_kib(&c, 512 * 1024);
	bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS);
	CU_ASSERT_EQUAL(c.ballooned_pages, 2000);
	CU_ASSERT_EQUAL(w.inflate_calls, 4);	/* 512 512 512 464 */
	CU_ASSERT_EQUAL(w.largest_batch, BCORE_BATCH_MAX);
	set_target_kib(&c, 1024 * 1024);
	w.largest_batch = 0;
	bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS);
	CU_ASSERT_EQUAL(c.ballooned_pages, 0);
	CU_ASSERT_EQUAL(w.deflate_calls, 4);
	CU_ASSERT_EQUAL(w.largest_batch, BCORE_BATCH_MAX);
}

static void test_partial_decrease_is_host_refusal(void)
{
	struct fake_world w;
	struct bcore c;
	uint64_t free_before;

	setup(&c, &w);
	c.cfg.rate_min = 600;
	c.cfg.rate_max = 2000;
	c.rate = 600;
	set_target_kib(&c, 512 * 1024);
	w.xen.accept_budget = 100;	/* Xen takes 100 frames, then refuses */
	free_before = w.guest.free_pages;
	CU_ASSERT_EQUAL(bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS),
			BALLAST_STATE_HOST_REFUSED);
	CU_ASSERT_EQUAL(c.ballooned_pages, 100);
	CU_ASSERT_EQUAL(w.guest.free_pages, free_before - 100);	/* rest back */
	CU_ASSERT_EQUAL(c.cnt.host_refusals, 1);
	CU_ASSERT_EQUAL(c.cnt.alloc_failures, 0);
	CU_ASSERT_EQUAL(c.rate, 600);	/* 300 would be below min */
	CU_ASSERT_EQUAL(w.inflate_calls, 1);	/* stopped after the short batch */
}

static void test_partial_populate_accepted(void)
{
	struct fake_world w;
	struct bcore c;
	int i;

	setup(&c, &w);
	c.cfg.rate_max = c.cfg.rate_min = 1000;
	c.rate = 1000;
	set_target_kib(&c, 512 * 1024);
	for (i = 0; i < 3; i++)
		bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS);
	CU_ASSERT_EQUAL(c.ballooned_pages, 3000);
	/* Xen is short of memory: it gives back only 50 frames. */
	w.xen.give_budget = 50;
	set_target_kib(&c, 1024 * 1024);
	CU_ASSERT_EQUAL(bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS),
			BALLAST_STATE_HOST_REFUSED);
	CU_ASSERT_EQUAL(c.ballooned_pages, 2950);
	CU_ASSERT_EQUAL(c.cnt.host_refusals, 1);
	/* It has nothing for us at all: still no crash, still counted. */
	CU_ASSERT_EQUAL(bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS),
			BALLAST_STATE_HOST_REFUSED);
	CU_ASSERT_EQUAL(c.cnt.host_refusals, 2);
	w.xen.give_budget = FAKE_UNLIMITED;
	CU_ASSERT_EQUAL(bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS),
			BALLAST_STATE_DEFLATING);
	CU_ASSERT_EQUAL(c.ballooned_pages, 1950);
}

static void test_lying_ops_are_clamped(void)
{
	struct fake_world w;
	struct bcore c;

	setup(&c, &w);
	set_target_kib(&c, 1024 * 1024 - 50 * PAGE_KIB);	/* 50 pages */
	w.lie_by = 1000;
	bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS);
	CU_ASSERT_EQUAL(c.ballooned_pages, 50);
	set_target_kib(&c, 1024 * 1024);
	bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS);
	CU_ASSERT_EQUAL(c.ballooned_pages, 0);	/* no underflow */
}

static void test_hostile_targets_keep_last(void)
{
	static const char *const bad[] = {
		"", "-1", "+5", "abc", "1e9", "0123", " 1048576", "1048576\n",
		"99999999999999999999", "123456789012345678901", "16383",
		"17592186044417",	/* 16 TiB + 1 KiB */
	};
	struct fake_world w;
	struct bcore c;
	unsigned int i;

	setup(&c, &w);
	set_target_kib(&c, 512 * 1024);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_NOT_EQUAL(bcore_set_target(&c, bad[i], strlen(bad[i])),
				    BALLAST_OK);
		CU_ASSERT_EQUAL(c.target_pages, 128 * 1024);
	}
	CU_ASSERT_NOT_EQUAL(bcore_set_target(&c, NULL, 0), BALLAST_OK);
	CU_ASSERT_NOT_EQUAL(bcore_set_target(&c, "12\0" "34", 5), BALLAST_OK);
	CU_ASSERT_EQUAL(c.cnt.bad_targets, i + 2);
	CU_ASSERT_EQUAL(c.target_pages, 128 * 1024);
	CU_ASSERT_TRUE(c.have_target);
	/* A bad first value leaves the balloon idle, not at some default. */
	setup(&c, &w);
	CU_ASSERT_EQUAL(bcore_set_target(&c, "x", 1), BALLAST_E_NOT_NUMBER);
	CU_ASSERT_FALSE(c.have_target);
	CU_ASSERT_EQUAL(bcore_own_goal(&c), 0);
}

static void test_target_rounds_up_and_offsets(void)
{
	struct fake_world w;
	struct bcore c;

	setup(&c, &w);
	set_target_kib(&c, 16385);	/* 4096.25 pages */
	CU_ASSERT_EQUAL(c.target_pages, 4097);
	c.cfg.offset_pages = 97;	/* HVM: firmware and video frames */
	set_target_kib(&c, 16385);
	CU_ASSERT_EQUAL(c.target_pages, 4000);
}

static void test_growth_above_boot_uses_stock(void)
{
	struct fake_world w;
	struct bcore c;
	int i;

	setup(&c, &w);
	c.cfg.rate_max = c.cfg.rate_min = BOOT_PAGES;
	c.rate = BOOT_PAGES;
	set_target_kib(&c, 768 * 1024);
	tick_all(&c, &w, LOTS);
	CU_ASSERT_EQUAL(c.ballooned_pages, 256 * MIB_PAGES);
	CU_ASSERT_EQUAL(bcore_stock_goal(&c), BOOT_PAGES);
	set_target_kib(&c, 2048 * 1024);	/* above the 1 GiB boot size */
	CU_ASSERT_EQUAL(bcore_own_goal(&c), 0);
	CU_ASSERT_EQUAL(bcore_stock_goal(&c), 2048 * MIB_PAGES);
	for (i = 0; i < 2; i++)
		tick_all(&c, &w, LOTS);
	CU_ASSERT_EQUAL(c.ballooned_pages, 0);
	CU_ASSERT_EQUAL(c.state, BALLAST_STATE_AT_TARGET);	/* stock unknown */
	/* The stock balloon still grows: not at target yet. */
	bcore_note_stock(&c, 1500 * MIB_PAGES);
	CU_ASSERT_EQUAL(bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS),
			BALLAST_STATE_DEFLATING);
	bcore_note_stock(&c, 2048 * MIB_PAGES - 10);	/* within its rounding */
	CU_ASSERT_EQUAL(bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS),
			BALLAST_STATE_AT_TARGET);
}

static void test_oom_relief(void)
{
	struct fake_world w;
	struct bcore c;
	int i;

	setup(&c, &w);
	c.cfg.rate_max = c.cfg.rate_min = 4000;
	c.rate = 4000;
	set_target_kib(&c, 1024 * 1024 - 4000 * PAGE_KIB);
	bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS);
	CU_ASSERT_EQUAL(c.ballooned_pages, 4000);
	CU_ASSERT_EQUAL(bcore_oom(&c, &fake_ops, &w, 512), 512);
	CU_ASSERT_EQUAL(c.ballooned_pages, 3488);
	CU_ASSERT_EQUAL(c.cnt.oom_deflates, 1);
	/* The next ticks do not take the pages again. */
	for (i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS),
				BALLAST_STATE_AT_TARGET);
	CU_ASSERT_EQUAL(c.ballooned_pages, 3488);
	/* Xen refuses: nothing returned, nothing counted, no relief. */
	w.xen.give_budget = 0;
	CU_ASSERT_EQUAL(bcore_oom(&c, &fake_ops, &w, 512), 0);
	CU_ASSERT_EQUAL(c.cnt.oom_deflates, 1);
	w.xen.give_budget = FAKE_UNLIMITED;
	/* The same target again keeps the relief; a new one clears it. */
	set_target_kib(&c, 1024 * 1024 - 4000 * PAGE_KIB);
	CU_ASSERT_EQUAL(bcore_own_goal(&c), 3488);
	set_target_kib(&c, 1024 * 1024 - 3000 * PAGE_KIB);
	CU_ASSERT_EQUAL(bcore_own_goal(&c), 3000);
	/* Bounded by what is ballooned. */
	CU_ASSERT_EQUAL(bcore_oom(&c, &fake_ops, &w, 100000), 3488);
	CU_ASSERT_EQUAL(c.ballooned_pages, 0);
}

static void test_drain(void)
{
	struct fake_world w;
	struct bcore c;

	setup(&c, &w);
	c.cfg.rate_max = c.cfg.rate_min = 3000;
	c.rate = 3000;
	set_target_kib(&c, 512 * 1024);
	bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS);
	w.xen.give_budget = 1000;
	CU_ASSERT_EQUAL(bcore_drain(&c, &fake_ops, &w, UINT32_MAX), 2000);
	w.xen.give_budget = FAKE_UNLIMITED;
	CU_ASSERT_EQUAL(bcore_drain(&c, &fake_ops, &w, UINT32_MAX), 0);
	CU_ASSERT_EQUAL(w.xen.held_frames, 0);
	CU_ASSERT_EQUAL(w.guest.free_pages, BOOT_PAGES);
}

static void test_unload_state(void)
{
	struct fake_world w;
	struct bcore c;

	setup(&c, &w);
	set_target_kib(&c, 1024 * 1024 - 100 * PAGE_KIB);
	bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS);
	CU_ASSERT_EQUAL(c.ballooned_pages, 100);
	bcore_begin_unload(&c);
	CU_ASSERT_EQUAL(c.state, BALLAST_STATE_UNLOADING);
	/* A tick neither inflates nor leaves the state. */
	set_target_kib(&c, 512 * 1024);
	CU_ASSERT_EQUAL(bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS),
			BALLAST_STATE_UNLOADING);
	CU_ASSERT_EQUAL(c.ballooned_pages, 100);
	CU_ASSERT_EQUAL(bcore_drain(&c, &fake_ops, &w, UINT32_MAX), 0);
	CU_ASSERT_EQUAL(c.state, BALLAST_STATE_UNLOADING);
}

static void test_rate_bounds_and_units(void)
{
	struct fake_world w;
	struct bcore c;

	setup(&c, &w);
	CU_ASSERT_FALSE(bcore_set_rate_bounds(&c, 0, 10));
	CU_ASSERT_FALSE(bcore_set_rate_bounds(&c, 10, 9));
	CU_ASSERT_EQUAL(c.cfg.rate_min, 100);
	CU_ASSERT_TRUE(bcore_set_rate_bounds(&c, 200, 300));
	CU_ASSERT_EQUAL(c.rate, 200);	/* clamped up into the bounds */
	c.rate = 300;
	CU_ASSERT_TRUE(bcore_set_rate_bounds(&c, 10, 50));
	CU_ASSERT_EQUAL(c.rate, 50);	/* and down */
	/* 1 s tick, 4 KiB pages: 1024 KiB/s = 256 pages per tick */
	CU_ASSERT_EQUAL(bcore_kib_s_to_rate(&c, 1024), 256);
	CU_ASSERT_EQUAL(bcore_kib_s_to_rate(&c, 3), 1);
	CU_ASSERT_EQUAL(bcore_rate_kib_s(&c, 256), 1024);
	c.cfg.tick_ms = 500;
	CU_ASSERT_EQUAL(bcore_kib_s_to_rate(&c, 1024), 128);
	CU_ASSERT_EQUAL(bcore_rate_kib_s(&c, 128), 1024);
}

/*
 * What root sets via module parameters or the agent's options: no
 * conversion of it wraps, and a floor beyond DATA/floor's range is refused.
 */
static void test_root_values_validated_no_wrap(void)
{
	struct bcore_config cfg;
	struct breport_stats s;
	struct fake_world w;
	struct bcore c;
	uint64_t v;

	setup(&c, &w);
	/* (2^64 - 1) KiB/s * 1000 ms wrapped to a small rate */
	CU_ASSERT_EQUAL(bcore_kib_s_to_rate(&c, UINT64_MAX), UINT32_MAX);
	CU_ASSERT_EQUAL(bcore_kib_s_to_rate(&c, UINT64_MAX / 999), UINT32_MAX);
	/* ceil(2^64 / 1000): * 1000 wrapped to 384, i.e. 1 page (corpus/batch/kib-s-wrap) */
	CU_ASSERT_EQUAL(bcore_kib_s_to_rate(&c, 18446744073709552ULL), UINT32_MAX);
	CU_ASSERT(bcore_kib_s_to_rate(&c, 1ULL << 62) >=
		  bcore_kib_s_to_rate(&c, 1ULL << 40));

	/* a floor whose KiB is beyond DATA/floor's range is refused at init */
	small_config(&cfg);
	cfg.floor_pages = BALLAST_MAX_MEMORY_KIB / PAGE_KIB + 1;
	CU_ASSERT_FALSE(bcore_init(&c, &cfg, BOOT_PAGES));
	cfg.floor_pages = (1ULL << 62) + 1;	/* * 4 KiB wraps to 4 */
	CU_ASSERT_FALSE(bcore_init(&c, &cfg, BOOT_PAGES));
	cfg.floor_pages = BALLAST_MAX_MEMORY_KIB / PAGE_KIB;
	CU_ASSERT_TRUE(bcore_init(&c, &cfg, BOOT_PAGES));

	/* set behind the core's back, the reported floor saturates, and the
	 * schema refuses it rather than dom0 reading a small wrapped floor */
	memset(&s, 0, sizeof(s));
	c.cfg.floor_pages = (1ULL << 62) + 1;
	bcore_report_into(&c, &s);
	CU_ASSERT_EQUAL(s.v[BALLAST_K_FLOOR], UINT64_MAX);
	CU_ASSERT_NOT_EQUAL(ballast_parse_key(BALLAST_K_FLOOR, "18446744073709551615",
					      20, &v), BALLAST_OK);
}

/*
 * The defaults of bcore.h, as ballast-agent runs with them (the module's
 * rate_div parameter defaults to the same 2): 4 MiB/s at first, +4 MiB/s
 * per good tick, up to 256 MiB/s, halved on failure (rate_div 2; "failure
 * divides rate" shows what the divisor does), 1 s tick.
 */
static void test_default_config(void)
{
	struct bcore_config cfg;

	bcore_default_config(&cfg, PAGE_KIB);
	CU_ASSERT_EQUAL(cfg.tick_ms, 1000);
	CU_ASSERT_EQUAL(cfg.rate_min, 4 * MIB_PAGES);
	CU_ASSERT_EQUAL(cfg.rate_step, 4 * MIB_PAGES);
	CU_ASSERT_EQUAL(cfg.rate_max, 256 * MIB_PAGES);
	CU_ASSERT_EQUAL(cfg.rate_div, 2);
	CU_ASSERT_FALSE(cfg.constant_rate);
}

static void test_report_into(void)
{
	struct breport_stats s;
	struct fake_world w;
	struct bcore c;

	memset(&s, 0, sizeof(s));
	setup(&c, &w);
	set_target_kib(&c, 512 * 1024);
	bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS);
	bcore_report_into(&c, &s);
	CU_ASSERT_EQUAL(s.v[BALLAST_K_BALLOONED], 100 * PAGE_KIB);
	CU_ASSERT_EQUAL(s.v[BALLAST_K_STATE], BALLAST_STATE_INFLATING);
	CU_ASSERT_EQUAL(s.v[BALLAST_K_RATE], 400 * PAGE_KIB);
	CU_ASSERT_TRUE(breport_has(&s, BALLAST_K_OOM_DEFLATES));
	CU_ASSERT_EQUAL(s.v[BALLAST_K_FLOOR], 64 * 1024);
	CU_ASSERT_FALSE(breport_has(&s, BALLAST_K_PSI_SOME_AVG10));
}

/*
 * A kick (watch event, sysfs write, OOM, notifier) means "re-read now": a
 * run with no time elapsed moves nothing once the budget is spent, however
 * many come. Before the budget was time-based, each of these runs moved a
 * whole tick's worth (5 kicks: 6 ticks' worth in one second).
 */
static void test_kicks_spend_no_extra_budget(void)
{
	struct fake_world w;
	struct bcore c;
	int i;

	setup(&c, &w);
	c.cfg.constant_rate = true;
	CU_ASSERT_TRUE(bcore_set_rate_bounds(&c, 1000, 1000));
	set_target_kib(&c, 256 * 1024);
	bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS);
	CU_ASSERT_EQUAL(c.ballooned_pages, 1000);	/* the full bucket */
	for (i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(bcore_tick(&c, &fake_ops, &w, LOTS, 0),
				BALLAST_STATE_INFLATING);
	CU_ASSERT_EQUAL(c.ballooned_pages, 1000);
	/* A run every 100 ms for 10 s: exactly the rate, 10 ticks' worth. */
	for (i = 0; i < 100; i++)
		bcore_tick(&c, &fake_ops, &w, LOTS, 100);
	CU_ASSERT_EQUAL(c.ballooned_pages, 11000);
}

/* The adaptive rate grows once per tick of elapsed time, not per run. */
static void test_kicks_do_not_ramp_rate(void)
{
	struct fake_world w;
	struct bcore c;
	int i;

	setup(&c, &w);
	set_target_kib(&c, 256 * 1024);
	bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS);
	CU_ASSERT_EQUAL(c.rate, 400);
	for (i = 0; i < 10; i++)
		bcore_tick(&c, &fake_ops, &w, LOTS, 50);	/* 0.5 s of kicks */
	CU_ASSERT_EQUAL(c.rate, 400);
	for (i = 0; i < 10; i++)
		bcore_tick(&c, &fake_ops, &w, LOTS, 50);	/* 1 s since */
	CU_ASSERT_EQUAL(c.rate, 700);
}

/* Bursts of kicks at irregular times, against the documented KiB/s. */
static void test_bursts_within_documented_rate(void)
{
	static const uint32_t gaps_ms[] = {
		0, 0, 0, 3, 997, 0, 0, 1, 1, 1, 250, 250, 0, 0, 500, 2000,
		7, 0, 0, 0, 0, 993, 100, 100, 0, 1800,
	};
	struct bcore_config cfg;
	struct fake_world w;
	struct bcore c;
	uint64_t total_ms = 0, refill_ms = 0, rate_kib_s, moved_kib;
	unsigned int i;

	bcore_default_config(&cfg, PAGE_KIB);	/* 4 MiB/s .. 256 MiB/s */
	cfg.constant_rate = true;		/* always the 256 MiB/s */
	CU_ASSERT_FATAL(bcore_init(&c, &cfg, 4 * BOOT_PAGES));
	fake_world_init(&w, 4 * BOOT_PAGES);
	set_target_kib(&c, 64 * 1024);
	rate_kib_s = bcore_rate_kib_s(&c, c.rate);
	CU_ASSERT_EQUAL(rate_kib_s, 256 * 1024);
	/* The first run finds the bucket full: one second's worth. */
	tick_all(&c, &w, LOTS);
	for (i = 0; i < sizeof(gaps_ms) / sizeof(gaps_ms[0]); i++) {
		total_ms += gaps_ms[i];
		/* The bucket is one tick deep: a longer gap refills one tick. */
		refill_ms += gaps_ms[i] < TICK_MS ? gaps_ms[i] : TICK_MS;
		bcore_tick(&c, &fake_ops, &w, LOTS, gaps_ms[i]);
		while (bcore_run_more(&c))
			bcore_tick(&c, &fake_ops, &w, LOTS, 0);
	}
	moved_kib = c.ballooned_pages * PAGE_KIB;
	/* At most rate * T plus the one full bucket, and all of it. */
	CU_ASSERT_TRUE(moved_kib <= rate_kib_s * total_ms / 1000 + rate_kib_s);
	CU_ASSERT_TRUE(moved_kib + PAGE_KIB >=
		       rate_kib_s * refill_ms / 1000 + rate_kib_s);
}

/*
 * Bounded work per run: at most BCORE_RUN_BATCHES batches, then the run
 * says there is more, and the next runs (no time elapsed) finish the
 * tick's budget and no more.
 */
static void test_run_bounded_then_more(void)
{
	struct fake_world w;
	struct bcore c;
	unsigned int runs = 1;

	setup(&c, &w);
	c.cfg.constant_rate = true;
	CU_ASSERT_TRUE(bcore_set_rate_bounds(&c, 100000, 100000));
	set_target_kib(&c, 64 * 1024);
	bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS);
	CU_ASSERT_EQUAL(w.inflate_calls, BCORE_RUN_BATCHES);
	CU_ASSERT_EQUAL(c.ballooned_pages, BCORE_RUN_BATCHES * BCORE_BATCH_MAX);
	CU_ASSERT_TRUE(bcore_run_more(&c));
	while (bcore_run_more(&c) && runs < 100) {
		bcore_tick(&c, &fake_ops, &w, LOTS, 0);
		runs++;
	}
	CU_ASSERT_EQUAL(c.ballooned_pages, 100000);
	CU_ASSERT_EQUAL(runs, 7);	/* 100000 / 16384, rounded up */
	CU_ASSERT_FALSE(bcore_run_more(&c));
	/* Deflating the same way. */
	set_target_kib(&c, 1024 * 1024);
	bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS);
	CU_ASSERT_EQUAL(c.ballooned_pages,
			100000 - BCORE_RUN_BATCHES * BCORE_BATCH_MAX);
	CU_ASSERT_TRUE(bcore_run_more(&c));
}

/* Drain too: at most the batches asked for per call. */
static void test_drain_bounded(void)
{
	struct fake_world w;
	struct bcore c;

	setup(&c, &w);
	c.cfg.constant_rate = true;
	CU_ASSERT_TRUE(bcore_set_rate_bounds(&c, 3000, 3000));
	set_target_kib(&c, 512 * 1024);
	bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS);
	bcore_begin_unload(&c);
	CU_ASSERT_EQUAL(bcore_drain(&c, &fake_ops, &w, 1), 3000 - BCORE_BATCH_MAX);
	CU_ASSERT_EQUAL(w.deflate_calls, 1);
	CU_ASSERT_EQUAL(bcore_drain(&c, &fake_ops, &w, 2),
			3000 - 3 * BCORE_BATCH_MAX);
	CU_ASSERT_EQUAL(bcore_drain(&c, &fake_ops, &w, UINT32_MAX), 0);
}

/*
 * The batch-at-a-time run of ballast.ko: relief given by the notifier
 * between bcore_run_next() and the inflate lowers what is still wanted.
 */
static void test_run_api_and_relief_between(void)
{
	struct bcore_xfer x = { 0, 0 };
	struct fake_world w;
	struct bcore_batch b;
	struct bcore c;

	setup(&c, &w);
	c.cfg.constant_rate = true;
	CU_ASSERT_TRUE(bcore_set_rate_bounds(&c, 1000, 1000));
	set_target_kib(&c, 1024 * 1024 - 1000 * PAGE_KIB);
	bcore_run_begin(&c, TICK_MS, LOTS);
	CU_ASSERT_TRUE(bcore_run_next(&c, &b));
	CU_ASSERT_TRUE(b.inflate);
	CU_ASSERT_EQUAL(b.nr, BCORE_BATCH_MAX);
	x.taken = x.done = b.nr;
	bcore_run_inflated(&c, b.nr, &x);
	CU_ASSERT_TRUE(bcore_run_next(&c, &b));
	CU_ASSERT_EQUAL(b.nr, 1000 - BCORE_BATCH_MAX);
	/* Meanwhile an OOM took 300 pages back without the core. */
	bcore_oom_returned(&c, 300, 1);
	CU_ASSERT_EQUAL(c.ballooned_pages, BCORE_BATCH_MAX - 300);
	CU_ASSERT_EQUAL(c.oom_relief_pages, 300);
	CU_ASSERT_EQUAL(c.cnt.oom_deflates, 1);
	CU_ASSERT_EQUAL(bcore_inflate_wanted(&c, b.nr), 1000 - BCORE_BATCH_MAX);
	CU_ASSERT_EQUAL(bcore_inflate_wanted(&c, 10000),
			700 - (BCORE_BATCH_MAX - 300));
	x.taken = x.done = 100;
	bcore_run_inflated(&c, 100, &x);
	CU_ASSERT_EQUAL(bcore_run_end(&c), BALLAST_STATE_INFLATING);
	/* More than is ballooned: no underflow, relief only what it was. */
	bcore_oom_returned(&c, LOTS, 1);
	CU_ASSERT_EQUAL(c.ballooned_pages, 0);
	CU_ASSERT_EQUAL(c.oom_relief_pages, 300 + BCORE_BATCH_MAX - 300 + 100);
	CU_ASSERT_EQUAL(bcore_inflate_wanted(&c, 10000),
			1000 - (BCORE_BATCH_MAX + 100));
}

/*
 * A deflate batch that finds the list empty (the OOM notifier took the
 * pages, its count not folded yet) ends the run without a host refusal:
 * no refusal counted, no rate cut, no host-refused state.
 */
static void test_nothing_listed_is_no_refusal(void)
{
	struct bcore_xfer x = { 0, 0 };
	struct fake_world w;
	struct bcore_batch b;
	struct bcore c;
	uint64_t rate;

	setup(&c, &w);
	CU_ASSERT_TRUE(bcore_set_rate_bounds(&c, 1000, 4000));
	set_target_kib(&c, 1024 * 1024 - 256 * PAGE_KIB);
	bcore_run_begin(&c, TICK_MS, LOTS);
	CU_ASSERT_TRUE(bcore_run_next(&c, &b));
	x.taken = x.done = b.nr;
	bcore_run_inflated(&c, b.nr, &x);
	bcore_run_end(&c);
	CU_ASSERT_EQUAL(c.ballooned_pages, 256);
	rate = c.rate;
	set_target_kib(&c, 1024 * 1024);
	bcore_run_begin(&c, TICK_MS, LOTS);
	CU_ASSERT_TRUE(bcore_run_next(&c, &b));
	CU_ASSERT_FALSE(b.inflate);
	bcore_run_nothing_listed(&c);
	CU_ASSERT_FALSE(bcore_run_next(&c, &b));
	CU_ASSERT_EQUAL(bcore_run_end(&c), BALLAST_STATE_DEFLATING);
	CU_ASSERT_EQUAL(c.cnt.host_refusals, 0);
	CU_ASSERT(c.rate >= rate);
}

/* The stock balloon is never asked for more than memory/static-max. */
static void test_stock_goal_clamped_to_static_max(void)
{
	struct fake_world w;
	struct bcore c;

	setup(&c, &w);
	c.cfg.stock_max_pages = 2048 * MIB_PAGES;	/* a 2 GiB static-max */
	set_target_kib(&c, 1536 * 1024);
	CU_ASSERT_EQUAL(bcore_stock_goal(&c), 1536 * MIB_PAGES);
	CU_ASSERT_FALSE(bcore_stock_clamped(&c));
	set_target_kib(&c, 17179869184ULL);	/* the schema's 16 TiB */
	CU_ASSERT_EQUAL(bcore_stock_goal(&c), 2048 * MIB_PAGES);
	CU_ASSERT_TRUE(bcore_stock_clamped(&c));
	/* A static-max below the boot size never cuts into our range. */
	c.cfg.stock_max_pages = 512 * MIB_PAGES;
	CU_ASSERT_EQUAL(bcore_stock_goal(&c), BOOT_PAGES);
	set_target_kib(&c, 512 * 1024);
	CU_ASSERT_EQUAL(bcore_stock_goal(&c), BOOT_PAGES);
	CU_ASSERT_FALSE(bcore_stock_clamped(&c));
}

/* Coming down from above the boot size: the stock range shrinks first. */
static void test_stock_shrinks_before_own_inflates(void)
{
	struct fake_world w;
	struct bcore c;

	setup(&c, &w);
	bcore_note_stock(&c, 1536 * MIB_PAGES);	/* grown above boot */
	set_target_kib(&c, 512 * 1024);
	CU_ASSERT_EQUAL(bcore_stock_goal(&c), BOOT_PAGES);
	CU_ASSERT_EQUAL(bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS),
			BALLAST_STATE_INFLATING);
	CU_ASSERT_EQUAL(c.ballooned_pages, 0);
	CU_ASSERT_EQUAL(w.inflate_calls, 0);
	bcore_note_stock(&c, BOOT_PAGES + 10);	/* down, within rounding */
	bcore_tick(&c, &fake_ops, &w, LOTS, TICK_MS);
	CU_ASSERT_TRUE(c.ballooned_pages > 0);
}

/* sysfs knobs pass the same checks as the host's keys; 0 gives them back. */
static void test_knobs_validated_like_xenstore(void)
{
	static const char *const bad[] = {
		"", "\n", "-1", "3", "18446744073709551615", "4096 ", " 4096",
		"4096\n\n", "0x100", "00",
	};
	uint64_t v = 77;
	unsigned int i;

	CU_ASSERT_EQUAL(bcore_parse_knob(BALLAST_K_RATE_MIN, "4096\n", 5, &v),
			BALLAST_OK);
	CU_ASSERT_EQUAL(v, 4096);
	CU_ASSERT_EQUAL(bcore_parse_knob(BALLAST_K_RATE_MAX, "0\n", 2, &v),
			BALLAST_OK);
	CU_ASSERT_EQUAL(v, 0);
	CU_ASSERT_EQUAL(bcore_parse_knob(BALLAST_K_FLOOR, "262144", 6, &v),
			BALLAST_OK);
	CU_ASSERT_EQUAL(v, 262144);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 77;
		CU_ASSERT_NOT_EQUAL(bcore_parse_knob(BALLAST_K_RATE_MIN, bad[i],
						     strlen(bad[i]), &v),
				    BALLAST_OK);
		CU_ASSERT_EQUAL(v, 77);
	}
	CU_ASSERT_NOT_EQUAL(bcore_parse_knob(BALLAST_K_RATE_MIN, NULL, 0, &v),
			    BALLAST_OK);
}

/* A stock balloon that stopped off its goal is nudged every 30 s. */
static void test_stock_nudged_when_stuck(void)
{
	struct fake_world w;
	struct bcore c;
	int i;

	setup(&c, &w);
	set_target_kib(&c, 2048 * 1024);	/* above the boot size */
	bcore_note_stock(&c, 1500 * MIB_PAGES);
	bcore_tick(&c, &fake_ops, &w, LOTS, 10000);	/* first seen here */
	for (i = 0; i < 3; i++) {
		CU_ASSERT_FALSE(bcore_stock_nudge(&c));
		bcore_tick(&c, &fake_ops, &w, LOTS, 10000);
	}
	CU_ASSERT_TRUE(bcore_stock_nudge(&c));	/* 30 s without a move */
	CU_ASSERT_FALSE(bcore_stock_nudge(&c));	/* once */
	/* Moving again: no nudge, the clock starts over. */
	bcore_note_stock(&c, 1600 * MIB_PAGES);
	bcore_tick(&c, &fake_ops, &w, LOTS, 29000);
	bcore_tick(&c, &fake_ops, &w, LOTS, 29000);
	CU_ASSERT_FALSE(bcore_stock_nudge(&c));
	/* At its goal, it may rest as long as it likes. */
	bcore_note_stock(&c, 2048 * MIB_PAGES);
	for (i = 0; i < 5; i++)
		bcore_tick(&c, &fake_ops, &w, LOTS, 10000);
	CU_ASSERT_FALSE(bcore_stock_nudge(&c));
}

int main(void)
{
	static const struct suite_case tests[] = {
		{ "init rejects bad config", test_init_rejects_bad_config },
		{ "no target does nothing", test_no_target_does_nothing },
		{ "rate ramps from min to max", test_rate_ramps_from_min_to_max },
		{ "failure divides rate", test_failure_divides_rate_not_below_min },
		{ "constant rate mode", test_constant_rate_mode },
		{ "reaches target then idles", test_reaches_target_then_idles },
		{ "floor limits balloon", test_floor_limits_balloon },
		{ "default floor like Hyper-V", test_default_floor_like_hyperv },
		{ "clamped to MemAvailable", test_clamped_to_mem_available },
		{ "default MemAvailable reserve", test_default_avail_reserve },
		{ "batches at most 512", test_batches_at_most_512 },
		{ "partial decrease", test_partial_decrease_is_host_refusal },
		{ "partial populate", test_partial_populate_accepted },
		{ "lying ops clamped", test_lying_ops_are_clamped },
		{ "hostile targets", test_hostile_targets_keep_last },
		{ "default config", test_default_config },
		{ "root values, no wrap", test_root_values_validated_no_wrap },
		{ "target rounding and offset", test_target_rounds_up_and_offsets },
		{ "growth above boot", test_growth_above_boot_uses_stock },
		{ "OOM relief", test_oom_relief },
		{ "drain", test_drain },
		{ "unload state", test_unload_state },
		{ "rate bounds and units", test_rate_bounds_and_units },
		{ "report into", test_report_into },
		{ "kicks spend no extra budget", test_kicks_spend_no_extra_budget },
		{ "kicks do not ramp the rate", test_kicks_do_not_ramp_rate },
		{ "bursts within documented rate", test_bursts_within_documented_rate },
		{ "run bounded, then more", test_run_bounded_then_more },
		{ "drain bounded", test_drain_bounded },
		{ "run API, relief between", test_run_api_and_relief_between },
		{ "a deflate that finds nothing listed is no refusal", test_nothing_listed_is_no_refusal },
		{ "stock goal clamped to static-max", test_stock_goal_clamped_to_static_max },
		{ "stock shrinks before own inflates", test_stock_shrinks_before_own_inflates },
		{ "knobs validated like xenstore", test_knobs_validated_like_xenstore },
		{ "stock nudged when stuck", test_stock_nudged_when_stuck },
		{ "HVM/PVH offset from static-max", test_offset_from_static_max },
	};

	return RUN_SUITE("frontend core", tests);
}
