// SPDX-License-Identifier: MIT
/*
 * CUnit suite for balloon compaction's bookkeeping (core/bmigrate.c and
 * bcore_migrated()): one page's protocol against a fake hypervisor that
 * counts the domain's frames and refuses any step, the backoff after a
 * refusal, and what the core makes of the outcomes.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "run_suite.h"
#include "bcore.h"
#include "bmigrate.h"
#include "fake_world.h"

#define PAGE_KIB	4U
#define BOOT_PAGES	(1024U * 256U)	/* a 1 GiB guest */
#define LOTS		(1ULL << 40)

/*
 * The two pages of one move and the domain: which page has a frame, how
 * many frames the domain holds and may hold (max_pages), how many the host
 * has free. Each step refuses when @refuse has its bit (1 << step).
 */
struct fake_move {
	bool old_framed, new_framed;
	uint64_t tot_pages, max_pages, host_free;
	unsigned int refuse;	/* bit per enum bmigrate_step */
	unsigned int steps;	/* steps done or refused */
	unsigned int max_step_count;
};

static bool populate(struct fake_move *f, bool *framed)
{
	if (*framed || f->tot_pages + 1 > f->max_pages || !f->host_free)
		return false;
	*framed = true;
	f->tot_pages++;
	f->host_free--;
	return true;
}

static bool decrease(struct fake_move *f, bool *framed)
{
	if (!*framed)
		return false;
	*framed = false;
	f->tot_pages--;
	f->host_free++;
	return true;
}

/* Drives the protocol as compact.c does; returns the outcome. */
static enum bmigrate_outcome run_move(struct fake_move *f)
{
	struct bmigrate m;

	bmigrate_begin(&m);
	while (bmigrate_next(&m) != BMIGRATE_DONE) {
		enum bmigrate_step s = bmigrate_next(&m);
		bool ok = false;

		CU_ASSERT_FATAL(++f->steps <= 3);
		if (f->refuse & (1U << s)) {
			ok = false;
		} else if (s == BMIGRATE_TAKE_OLD) {
			ok = populate(f, &f->old_framed);
		} else if (s == BMIGRATE_GIVE_NEW) {
			ok = decrease(f, &f->new_framed);
		} else if (s == BMIGRATE_GIVE_OLD) {
			ok = decrease(f, &f->old_framed);
		}
		bmigrate_result(&m, ok);
	}
	return m.outcome;
}

static void fresh(struct fake_move *f)
{
	memset(f, 0, sizeof(*f));
	f->old_framed = false;	/* ballooned */
	f->new_framed = true;	/* the kernel's free page */
	f->tot_pages = 1000;
	f->max_pages = 1256;	/* ballastd's 1 MiB above the target */
	f->host_free = 10;
}

static void test_moved(void)
{
	struct fake_move f;

	fresh(&f);
	CU_ASSERT_EQUAL(run_move(&f), BMIGRATE_MOVED);
	CU_ASSERT_TRUE(f.old_framed);
	CU_ASSERT_FALSE(f.new_framed);
	CU_ASSERT_EQUAL(f.tot_pages, 1000);
	CU_ASSERT_EQUAL(f.host_free, 10);
	CU_ASSERT_EQUAL(f.steps, 2);
}

/*
 * Every combination of refusals: the new page never ends without its
 * frame unless the move happened (the kernel frees it or hands it to the
 * next move after a failure), the old page never ends with one unless it
 * leaves the balloon, and the domain's frames are what the outcome says.
 */
static void test_every_refusal_leaves_a_consistent_state(void)
{
	unsigned int refuse;

	for (refuse = 0; refuse < 8; refuse++) {
		struct fake_move f;
		enum bmigrate_outcome o;

		fresh(&f);
		f.refuse = refuse;
		o = run_move(&f);
		switch (o) {
		case BMIGRATE_UNDONE:
			CU_ASSERT_FALSE(f.old_framed);
			CU_ASSERT_TRUE(f.new_framed);
			CU_ASSERT_EQUAL(f.tot_pages, 1000);
			break;
		case BMIGRATE_MOVED:
			CU_ASSERT_TRUE(f.old_framed);
			CU_ASSERT_FALSE(f.new_framed);
			CU_ASSERT_EQUAL(f.tot_pages, 1000);
			break;
		case BMIGRATE_RELEASED:
			CU_ASSERT_TRUE(f.old_framed);
			CU_ASSERT_TRUE(f.new_framed);
			CU_ASSERT_EQUAL(f.tot_pages, 1001);
			break;
		}
		CU_ASSERT(f.old_framed || f.new_framed);
		CU_ASSERT(f.tot_pages <= f.max_pages);
		if (refuse & (1U << BMIGRATE_TAKE_OLD))
			CU_ASSERT_EQUAL(o, BMIGRATE_UNDONE);
		if (!(refuse & (1U << BMIGRATE_TAKE_OLD)) &&
		    !(refuse & (1U << BMIGRATE_GIVE_NEW)))
			CU_ASSERT_EQUAL(o, BMIGRATE_MOVED);
		if (!(refuse & (1U << BMIGRATE_TAKE_OLD)) &&
		    (refuse & (1U << BMIGRATE_GIVE_NEW)))
			CU_ASSERT_EQUAL(o, (refuse & (1U << BMIGRATE_GIVE_OLD)) ?
					BMIGRATE_RELEASED : BMIGRATE_UNDONE);
	}
}

/* A domain at its max_pages, or a host without a free frame: no move, no change. */
static void test_at_max_pages_or_host_full_nothing_changes(void)
{
	struct fake_move f;

	fresh(&f);
	f.max_pages = f.tot_pages;
	CU_ASSERT_EQUAL(run_move(&f), BMIGRATE_UNDONE);
	CU_ASSERT_EQUAL(f.steps, 1);
	CU_ASSERT_FALSE(f.old_framed);
	CU_ASSERT_TRUE(f.new_framed);
	CU_ASSERT_EQUAL(f.tot_pages, 1000);

	fresh(&f);
	f.host_free = 0;
	CU_ASSERT_EQUAL(run_move(&f), BMIGRATE_UNDONE);
	CU_ASSERT_TRUE(f.new_framed);
	CU_ASSERT_EQUAL(f.host_free, 0);
}

static void test_result_after_done_changes_nothing(void)
{
	struct bmigrate m;

	bmigrate_begin(&m);
	CU_ASSERT_EQUAL(bmigrate_next(&m), BMIGRATE_TAKE_OLD);
	bmigrate_result(&m, true);
	CU_ASSERT_EQUAL(bmigrate_next(&m), BMIGRATE_GIVE_NEW);
	bmigrate_result(&m, true);
	CU_ASSERT_EQUAL(bmigrate_next(&m), BMIGRATE_DONE);
	CU_ASSERT_EQUAL(m.outcome, BMIGRATE_MOVED);
	bmigrate_result(&m, false);
	CU_ASSERT_EQUAL(bmigrate_next(&m), BMIGRATE_DONE);
	CU_ASSERT_EQUAL(m.outcome, BMIGRATE_MOVED);
}

static void test_backoff_after_refusal(void)
{
	CU_ASSERT_TRUE(bmigrate_may_try(5, 0));	/* no refusal yet */
	CU_ASSERT_FALSE(bmigrate_may_try(1000, 1000));
	CU_ASSERT_FALSE(bmigrate_may_try(1000 + BMIGRATE_BACKOFF_MS - 1, 1000));
	CU_ASSERT_TRUE(bmigrate_may_try(1000 + BMIGRATE_BACKOFF_MS, 1000));
	CU_ASSERT_TRUE(bmigrate_may_try(10, 1000));	/* the clock went back */
	CU_ASSERT_FALSE(bmigrate_may_try(UINT64_MAX, UINT64_MAX - 1));
}

static void set_target_kib(struct bcore *c, uint64_t kib)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)kib);
	CU_ASSERT_EQUAL_FATAL(bcore_set_target(c, buf, strlen(buf)), BALLAST_OK);
}

static void setup(struct bcore *c, struct fake_world *w)
{
	struct bcore_config cfg;

	bcore_default_config(&cfg, PAGE_KIB);
	cfg.rate_min = cfg.rate_max = 4000;
	cfg.floor_pages = 64 * 256;
	cfg.avail_reserve_pages = 10;
	CU_ASSERT_FATAL(bcore_init(c, &cfg, BOOT_PAGES));
	fake_world_init(w, BOOT_PAGES);
}

/* Moves keep the balloon's size; they and refusals are counted. */
static void test_core_counts_moves(void)
{
	struct bmigrate_tally t = { .moved = 7, .refused = 2, .released = 0 };
	struct fake_world w;
	struct bcore c;

	setup(&c, &w);
	set_target_kib(&c, (BOOT_PAGES - 3000) * PAGE_KIB);
	bcore_tick(&c, &fake_ops, &w, LOTS, 1000);
	CU_ASSERT_EQUAL_FATAL(c.ballooned_pages, 3000);
	bcore_migrated(&c, &t);
	CU_ASSERT_EQUAL(c.cnt.migrated, 7);
	CU_ASSERT_EQUAL(c.cnt.migrate_refusals, 2);
	CU_ASSERT_EQUAL(c.ballooned_pages, 3000);
	CU_ASSERT_EQUAL(bcore_tick(&c, &fake_ops, &w, LOTS, 1000),
			BALLAST_STATE_AT_TARGET);
	bcore_migrated(&c, &t);
	CU_ASSERT_EQUAL(c.cnt.migrated, 14);
	CU_ASSERT_EQUAL(c.cnt.migrate_refusals, 4);
}

/* A released page left the balloon: the next run takes one again. */
static void test_released_pages_are_taken_again(void)
{
	struct bmigrate_tally t = { .moved = 0, .refused = 2, .released = 2 };
	struct fake_world w;
	struct bcore c;
	unsigned int calls;

	setup(&c, &w);
	set_target_kib(&c, (BOOT_PAGES - 3000) * PAGE_KIB);
	bcore_tick(&c, &fake_ops, &w, LOTS, 1000);
	CU_ASSERT_EQUAL_FATAL(c.ballooned_pages, 3000);
	/* The fake world saw both pages come back to the guest. */
	w.xen.held_frames -= 2;
	w.guest.free_pages += 2;
	bcore_migrated(&c, &t);
	CU_ASSERT_EQUAL(c.ballooned_pages, 2998);
	CU_ASSERT_EQUAL(c.cnt.migrate_refusals, 2);
	calls = w.inflate_calls;
	bcore_tick(&c, &fake_ops, &w, LOTS, 1000);
	CU_ASSERT_EQUAL(w.inflate_calls, calls + 1);
	CU_ASSERT_EQUAL(c.ballooned_pages, 3000);
	CU_ASSERT_EQUAL(w.xen.held_frames, 3000);
	/* Never below zero, whatever the glue says. */
	t.released = 1ULL << 40;
	bcore_migrated(&c, &t);
	CU_ASSERT_EQUAL(c.ballooned_pages, 0);
}

/* Counters saturate instead of wrapping. */
static void test_counters_saturate(void)
{
	struct bmigrate_tally t = { .moved = UINT64_MAX, .refused = UINT64_MAX,
				    .released = 0 };
	struct fake_world w;
	struct bcore c;

	setup(&c, &w);
	bcore_migrated(&c, &t);
	bcore_migrated(&c, &t);
	CU_ASSERT_EQUAL(c.cnt.migrated, UINT64_MAX);
	CU_ASSERT_EQUAL(c.cnt.migrate_refusals, UINT64_MAX);
}

int main(void)
{
	static const struct suite_case tests[] = {
		{ "a move", test_moved },
		{ "every refusal leaves a consistent state", test_every_refusal_leaves_a_consistent_state },
		{ "at max_pages or host full: nothing changes", test_at_max_pages_or_host_full_nothing_changes },
		{ "a result after the end changes nothing", test_result_after_done_changes_nothing },
		{ "backoff after a refusal", test_backoff_after_refusal },
		{ "the core counts moves", test_core_counts_moves },
		{ "released pages are taken again", test_released_pages_are_taken_again },
		{ "counters saturate", test_counters_saturate },
	};

	return RUN_SUITE("frontend balloon compaction", tests);
}
