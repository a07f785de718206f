// SPDX-License-Identifier: MIT
/*
 * The guest core's batch planning and state machine under a random
 * sequence of targets, ticks, OOM events, rate changes and unload, with ops
 * whose every answer (including lies above what was asked) comes from the
 * input. Invariants (bcore.h): every op call moves 1..BCORE_BATCH_MAX pages;
 * the core's balloon count is what the ops really hold (honest ops) and
 * never exceeds the boot size; a tick moves at most the rate (with the run
 * API: at most its batches), inflates only
 * towards the goal and never into the MemAvailable reserve; the rate stays
 * within its bounds; the state is the one reported; every report value a
 * validated configuration produces passes the schema.
 */
#include <stdio.h>
#include <string.h>

#include "bcore.h"
#include "fuzz_input.h"

/* SCHEMA.md: CTL/rate-min and CTL/rate-max, KiB/s */
#define RATE_MIN_KIB_S	4U
#define RATE_MAX_KIB_S	16777216U

/*
 * The core's run API (token bucket, bounded runs: linux-frontend's rework)
 * takes the time since the previous run and a batch bound; before it, a
 * tick moved at most the rate.
 */
#ifdef BCORE_RUN_BATCHES
#define TICK(c, ops, w, avail)	bcore_tick(c, ops, w, avail, (c)->cfg.tick_ms)
#define DRAIN(c, ops, w)	bcore_drain(c, ops, w, BCORE_RUN_BATCHES)
#define TICK_MAX_PAGES(c, rate)	((void)(rate), (uint64_t)BCORE_RUN_BATCHES * BCORE_BATCH_MAX)
#else
#define TICK(c, ops, w, avail)	bcore_tick(c, ops, w, avail)
#define DRAIN(c, ops, w)	bcore_drain(c, ops, w)
#define TICK_MAX_PAGES(c, rate)	((uint64_t)(rate))
#endif

struct world {
	struct fuzz_in *in;
	bool liar;
	uint64_t held;		/* frames the fake hypervisor has from us */
	uint64_t asked;		/* pages asked for in this tick */
};

static void op_inflate(void *ctx, uint32_t nr, struct bcore_xfer *out)
{
	struct world *w = ctx;
	uint64_t extra = w->liar ? 3 : 1;

	FUZZ_ASSERT(nr >= 1 && nr <= BCORE_BATCH_MAX);
	w->asked += nr;
	out->taken = (uint32_t)fuzz_below(w->in, nr + extra);
	out->done = (uint32_t)fuzz_below(w->in, (uint64_t)out->taken + extra);
	if (!w->liar)
		w->held += out->done;
}

static uint32_t op_deflate(void *ctx, uint32_t nr)
{
	struct world *w = ctx;
	uint32_t got;

	FUZZ_ASSERT(nr >= 1 && nr <= BCORE_BATCH_MAX);
	if (!w->liar)
		FUZZ_ASSERT(nr <= w->held);
	got = (uint32_t)fuzz_below(w->in, nr + (w->liar ? 3 : 1));
	if (!w->liar)
		w->held -= got;
	return got;
}

static const struct bcore_ops ops = { op_inflate, op_deflate };

static void set_target(struct fuzz_in *in, struct bcore *c)
{
	char buf[32];
	uint64_t kib = fuzz_u64(in, 5);	/* up to 1 TiB, below and above the range */
	int n = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)kib);

	bcore_set_target(c, buf, (size_t)n);
}

static void check_report(const struct bcore *c)
{
	struct breport_stats s = { 0 };

	bcore_report_into(c, &s);
	for (int id = 0; id < BALLAST_K__COUNT; id++) {
		char buf[32];
		uint64_t v;
		int n;

		if (!breport_has(&s, (enum ballast_key_id)id))
			continue;
		if (ballast_keys[id].words) {
			FUZZ_ASSERT(s.v[id] < BALLAST_STATE__COUNT);
			continue;
		}
		n = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)s.v[id]);
		FUZZ_ASSERT(ballast_parse_key((enum ballast_key_id)id, buf,
					      (size_t)n, &v) == BALLAST_OK);
	}
}

/* Bounds from KiB/s as the frontends set them, after validating them. */
static void set_bounds(struct fuzz_in *in, struct bcore *c)
{
	uint64_t min_kib = fuzz_u64(in, 4), max_kib = fuzz_u64(in, 4);
	uint32_t rmin, rmax;

	if (min_kib < RATE_MIN_KIB_S || min_kib > RATE_MAX_KIB_S ||
	    max_kib < RATE_MIN_KIB_S || max_kib > RATE_MAX_KIB_S)
		return;
	rmin = bcore_kib_s_to_rate(c, min_kib);
	rmax = bcore_kib_s_to_rate(c, max_kib);
	FUZZ_ASSERT(rmin >= 1);
	FUZZ_ASSERT(bcore_set_rate_bounds(c, rmin, rmax > rmin ? rmax : rmin));
	FUZZ_ASSERT(c->rate >= c->cfg.rate_min && c->rate <= c->cfg.rate_max);
}

/* The conversion is monotonic and at least 1, for any u64 (never wraps). */
static void check_conversion(struct fuzz_in *in, const struct bcore *c)
{
	uint64_t a = fuzz_u64(in, 8), b = fuzz_u64(in, 8);
	uint64_t lo = a < b ? a : b, hi = a < b ? b : a;

	FUZZ_ASSERT(bcore_kib_s_to_rate(c, lo) <= bcore_kib_s_to_rate(c, hi));
	FUZZ_ASSERT(bcore_kib_s_to_rate(c, lo) >= 1);
}

static void tick(struct fuzz_in *in, struct world *w, struct bcore *c)
{
	uint64_t avail = fuzz_u64(in, 3);
	uint64_t before = c->ballooned_pages, goal = bcore_own_goal(c);
	uint64_t reserve = c->cfg.avail_reserve_pages;
	uint32_t rate = c->rate;
	enum ballast_state st;

	w->asked = 0;
	st = TICK(c, &ops, w, avail);
	FUZZ_ASSERT(st == c->state && st < BALLAST_STATE__COUNT);
	if (c->ballooned_pages > before) {
		FUZZ_ASSERT(c->ballooned_pages - before <= TICK_MAX_PAGES(c, rate));
		FUZZ_ASSERT(c->ballooned_pages <= goal);
	} else {
		FUZZ_ASSERT(before - c->ballooned_pages <= TICK_MAX_PAGES(c, rate));
	}
	FUZZ_ASSERT(w->asked <= (avail > reserve ? avail - reserve : 0));
	FUZZ_ASSERT(c->rate >= c->cfg.rate_min && c->rate <= c->cfg.rate_max);
	if (c->unloading)
		FUZZ_ASSERT(st == BALLAST_STATE_UNLOADING);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct world w = { .in = &in };
	struct bcore_config cfg;
	struct bcore c;
	uint64_t boot = 1 + fuzz_u64(&in, 3);

	w.liar = fuzz_bool(&in);
	bcore_default_config(&cfg, 4);
	cfg.constant_rate = fuzz_bool(&in);
	cfg.rate_div = 2 + (uint32_t)fuzz_below(&in, 8);
	/* sometimes beyond DATA/floor's range: init must refuse it */
	cfg.floor_pages = fuzz_u64(&in, fuzz_bool(&in) ? 8 : 3);
	cfg.avail_reserve_pages = fuzz_u64(&in, 2);
	cfg.offset_pages = fuzz_u64(&in, 2);
	if (!bcore_init(&c, &cfg, boot))
		return 0;
	for (int step = 0; step < 64 && in.left; step++) {
		switch (fuzz_below(&in, 8)) {
		case 0:
		case 1:
			set_target(&in, &c);
			break;
		case 2:
		case 3:
			tick(&in, &w, &c);
			break;
		case 4:
			bcore_oom(&c, &ops, &w, (uint32_t)fuzz_u64(&in, 2));
			break;
		case 5:
			bcore_note_stock(&c, fuzz_u64(&in, 3));
			break;
		case 6:
			set_bounds(&in, &c);
			check_conversion(&in, &c);
			break;
		case 7:
			if (fuzz_bool(&in)) {
				bcore_begin_unload(&c);
				FUZZ_ASSERT(c.state == BALLAST_STATE_UNLOADING);
				DRAIN(&c, &ops, &w);
			}
			break;
		}
		if (!w.liar)
			FUZZ_ASSERT(c.ballooned_pages == w.held);
		FUZZ_ASSERT(c.ballooned_pages <= c.boot_pages);
		check_report(&c);
	}
	return 0;
}
