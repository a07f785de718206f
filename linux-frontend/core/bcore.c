// SPDX-License-Identifier: MIT
/*
 * The frontend core: see bcore.h. No libc, no kernel headers.
 */
#include "bcore.h"

/* Defaults, in MiB/s; converted to pages per tick by the page size. */
#define DEFAULT_RATE_MIN_MIB	4U
#define DEFAULT_RATE_MAX_MIB	256U
#define DEFAULT_RATE_STEP_MIB	4U
#define DEFAULT_RATE_DIV	2U
#define DEFAULT_TICK_MS		1000U
#define DEFAULT_AVAIL_RESERVE_MIB	32U

enum outcome {
	OUT_IDLE = 0,		/* already at the goal */
	OUT_PROGRESS,		/* moved the whole step */
	OUT_GUEST_REFUSED,	/* guest OS gave fewer pages (or no room) */
	OUT_HOST_REFUSED,	/* hypervisor refused or withheld frames */
};

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t mib_to_pages(uint64_t mib, uint32_t page_kib)
{
	return mib * 1024 / page_kib;
}

void bcore_default_config(struct bcore_config *cfg, uint32_t page_kib)
{
	struct bcore_config d = {
		.page_kib = page_kib,
		.tick_ms = DEFAULT_TICK_MS,
		.rate_min = (uint32_t)mib_to_pages(DEFAULT_RATE_MIN_MIB, page_kib),
		.rate_max = (uint32_t)mib_to_pages(DEFAULT_RATE_MAX_MIB, page_kib),
		.rate_step = (uint32_t)mib_to_pages(DEFAULT_RATE_STEP_MIB, page_kib),
		.rate_div = DEFAULT_RATE_DIV,
		.constant_rate = false,
		.floor_pages = 0,
		.offset_pages = 0,
	};

	*cfg = d;
}

/* The schema's formula: dom0 caps the floors it honours with the same one. */
uint64_t bcore_default_floor(uint64_t total_pages, uint32_t page_kib)
{
	if (!page_kib)
		return 0;
	return ballast_default_floor_kib(total_pages * page_kib) / page_kib;
}

uint64_t bcore_offset_pages(bool auto_translated, uint64_t static_max_kib,
			    uint64_t total_pages, uint32_t page_kib)
{
	uint64_t static_max_pages;

	if (!auto_translated || !page_kib)
		return 0;
	static_max_pages = static_max_kib / page_kib;
	return static_max_pages > total_pages ? static_max_pages - total_pages : 0;
}

/* a * b, or UINT64_MAX if that does not fit */
static uint64_t sat_mul(uint64_t a, uint64_t b)
{
	return b && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

static bool config_ok(const struct bcore_config *cfg)
{
	return cfg->page_kib && cfg->tick_ms && cfg->rate_min &&
	       cfg->rate_max >= cfg->rate_min && cfg->rate_div >= 2 &&
	       sat_mul(cfg->floor_pages, cfg->page_kib) <=
	       ballast_keys[BALLAST_K_FLOOR].max;
}

bool bcore_init(struct bcore *c, const struct bcore_config *cfg,
		uint64_t boot_pages)
{
	struct bcore z = { .cfg = *cfg };

	if (!config_ok(cfg))
		return false;
	z.boot_pages = boot_pages;
	if (!z.cfg.avail_reserve_pages)
		z.cfg.avail_reserve_pages =
			max_u64(mib_to_pages(DEFAULT_AVAIL_RESERVE_MIB,
					     cfg->page_kib), boot_pages / 32);
	z.rate = cfg->constant_rate ? cfg->rate_max : cfg->rate_min;
	/* A full bucket: the first target moves at once. */
	z.budget_pms = (uint64_t)z.rate * cfg->tick_ms;
	z.state = BALLAST_STATE_AT_TARGET;
	*c = z;
	return true;
}

bool bcore_set_rate_bounds(struct bcore *c, uint32_t rate_min,
			   uint32_t rate_max)
{
	if (!rate_min || rate_max < rate_min)
		return false;
	c->cfg.rate_min = rate_min;
	c->cfg.rate_max = rate_max;
	if (c->cfg.constant_rate)
		c->rate = rate_max;
	else
		c->rate = (uint32_t)max_u64(rate_min, min_u64(c->rate, rate_max));
	return true;
}

enum ballast_verdict bcore_set_target(struct bcore *c, const char *s,
				      size_t len)
{
	enum ballast_verdict v;
	uint64_t kib, pages;

	v = ballast_parse_key(BALLAST_K_TARGET, s, len, &kib);
	if (v != BALLAST_OK) {
		c->cnt.bad_targets++;
		return v;
	}
	/* Round up: the guest never gets less than it was promised. */
	pages = kib / c->cfg.page_kib + (kib % c->cfg.page_kib != 0);
	pages = pages > c->cfg.offset_pages ? pages - c->cfg.offset_pages : 0;
	if (!c->have_target || pages != c->target_pages)
		c->oom_relief_pages = 0;
	c->target_pages = pages;
	c->have_target = true;
	return BALLAST_OK;
}

static uint64_t effective_target(const struct bcore *c)
{
	return sat_add(c->target_pages, c->oom_relief_pages);
}

bool bcore_floor_limited(const struct bcore *c)
{
	return c->have_target && effective_target(c) < c->cfg.floor_pages &&
	       c->boot_pages > effective_target(c);
}

uint64_t bcore_own_goal(const struct bcore *c)
{
	uint64_t eff, want, room;

	if (!c->have_target)
		return 0;
	eff = effective_target(c);
	want = c->boot_pages > eff ? c->boot_pages - eff : 0;
	room = c->boot_pages > c->cfg.floor_pages ?
	       c->boot_pages - c->cfg.floor_pages : 0;
	return min_u64(want, room);
}

static uint64_t stock_wish(const struct bcore *c)
{
	if (!c->have_target)
		return c->boot_pages;
	return max_u64(c->boot_pages, effective_target(c));
}

uint64_t bcore_stock_goal(const struct bcore *c)
{
	uint64_t wish = stock_wish(c), cap = c->cfg.stock_max_pages;

	/* Never below the boot size: that range is ours, not the cap's. */
	if (cap && wish > cap)
		return max_u64(cap, c->boot_pages);
	return wish;
}

bool bcore_stock_clamped(const struct bcore *c)
{
	return bcore_stock_goal(c) < stock_wish(c);
}

static void adapt_rate(struct bcore *c, enum outcome out)
{
	const struct bcore_config *cfg = &c->cfg;
	uint64_t r = c->rate;

	if (cfg->constant_rate) {
		c->rate = cfg->rate_max;
		return;
	}
	/* Grow once per tick of elapsed time, however many runs it held. */
	if (out == OUT_PROGRESS && c->since_ramp_ms >= cfg->tick_ms) {
		r = min_u64(sat_add(r, cfg->rate_step), cfg->rate_max);
		c->since_ramp_ms = 0;
	} else if (out == OUT_GUEST_REFUSED || out == OUT_HOST_REFUSED) {
		/* At once: backing off early is the safe side. */
		r = max_u64(r / cfg->rate_div, cfg->rate_min);
		c->since_ramp_ms = 0;
	}
	c->rate = (uint32_t)r;
}

/* Pages the stock balloon may stay off its target: it rounds, we do not. */
#define STOCK_SLACK_PAGES	256U

void bcore_note_stock(struct bcore *c, uint64_t stock_pages)
{
	c->stock_pages = stock_pages;
}

/* Our own balloon is at its goal: is the stock balloon still moving? */
static enum ballast_state stock_state(const struct bcore *c)
{
	uint64_t goal = bcore_stock_goal(c);

	if (!c->have_target || !c->stock_pages || goal <= c->boot_pages)
		return BALLAST_STATE_AT_TARGET;
	if (c->stock_pages + STOCK_SLACK_PAGES < goal)
		return BALLAST_STATE_DEFLATING;
	return BALLAST_STATE_AT_TARGET;
}

/* The one place the state is decided. */
static enum ballast_state next_state(const struct bcore *c, enum outcome out)
{
	uint64_t goal = bcore_own_goal(c);

	if (c->unloading)
		return BALLAST_STATE_UNLOADING;
	if (out == OUT_HOST_REFUSED)
		return BALLAST_STATE_HOST_REFUSED;
	if (out == OUT_GUEST_REFUSED)
		return BALLAST_STATE_BACKING_OFF;
	if (c->ballooned_pages == goal)
		return bcore_floor_limited(c) ? BALLAST_STATE_AT_FLOOR :
						stock_state(c);
	return c->ballooned_pages < goal ? BALLAST_STATE_INFLATING :
					   BALLAST_STATE_DEFLATING;
}

/* The stock balloon is off its goal by more than its rounding. */
static bool stock_off_goal(const struct bcore *c)
{
	uint64_t goal = bcore_stock_goal(c);

	if (!c->have_target || !c->stock_pages)
		return false;
	return c->stock_pages + STOCK_SLACK_PAGES < goal ||
	       c->stock_pages > goal + STOCK_SLACK_PAGES;
}

static void note_stock_progress(struct bcore *c, uint32_t elapsed_ms)
{
	if (stock_off_goal(c) && c->stock_pages == c->stock_last_pages)
		c->stock_still_ms = (uint32_t)min_u64((uint64_t)c->stock_still_ms +
						      elapsed_ms,
						      BCORE_STOCK_NUDGE_MS);
	else
		c->stock_still_ms = 0;
	c->stock_last_pages = c->stock_pages;
}

bool bcore_stock_nudge(struct bcore *c)
{
	if (c->stock_still_ms < BCORE_STOCK_NUDGE_MS)
		return false;
	c->stock_still_ms = 0;
	return true;
}

/* What may be taken now without eating into the reserve the guest keeps. */
static uint64_t inflate_room(const struct bcore *c, uint64_t mem_available_pages)
{
	uint64_t reserve = c->cfg.avail_reserve_pages;

	return mem_available_pages > reserve ? mem_available_pages - reserve : 0;
}

static uint64_t budget_cap(const struct bcore *c)
{
	return (uint64_t)c->rate * c->cfg.tick_ms;
}

/* Pages the budget allows now. */
static uint64_t budget_pages(const struct bcore *c)
{
	return c->budget_pms / c->cfg.tick_ms;
}

static void spend(struct bcore *c, uint64_t pages)
{
	uint64_t cost = pages * c->cfg.tick_ms;

	c->budget_pms = c->budget_pms > cost ? c->budget_pms - cost : 0;
}

void bcore_run_begin(struct bcore *c, uint32_t elapsed_ms,
		     uint64_t mem_available_pages)
{
	struct bcore_run z = { .active = true, .outcome = OUT_IDLE };

	z.room_pages = inflate_room(c, mem_available_pages);
	c->run = z;
	c->budget_pms = min_u64(sat_add(c->budget_pms,
					(uint64_t)c->rate * elapsed_ms),
				budget_cap(c));
	c->since_ramp_ms = (uint32_t)min_u64((uint64_t)c->since_ramp_ms +
					     elapsed_ms, c->cfg.tick_ms);
	note_stock_progress(c, elapsed_ms);
}

/* The run ends with @out unless a failure already ended it. */
static bool run_stop(struct bcore *c, enum outcome out)
{
	c->run.stopped = true;
	c->run.outcome = out;
	return false;
}

bool bcore_run_next(struct bcore *c, struct bcore_batch *b)
{
	uint64_t goal = bcore_own_goal(c), want, allow;
	struct bcore_run *r = &c->run;

	b->inflate = false;
	b->nr = 0;
	if (!r->active || r->stopped || c->unloading)
		return false;
	if (goal == c->ballooned_pages)
		return false;
	want = goal > c->ballooned_pages ? goal - c->ballooned_pages :
					   c->ballooned_pages - goal;
	allow = min_u64(want, budget_pages(c));
	if (goal > c->ballooned_pages) {
		/*
		 * The stock balloon still holds memory above the boot size:
		 * it shrinks first (both draw on one max_pages, and its pages
		 * are the ones to give back first), then ours inflates.
		 */
		if (c->stock_pages > c->boot_pages + STOCK_SLACK_PAGES)
			return false;
		if (!r->room_pages) {
			if (r->batches)
				return false;	/* the room is spent: done */
			/* No room at all: the guest refused before we asked. */
			c->cnt.alloc_failures++;
			return run_stop(c, OUT_GUEST_REFUSED);
		}
		allow = min_u64(allow, r->room_pages);
		b->inflate = true;
	}
	if (!allow)
		return false;	/* budget spent: more when time has passed */
	if (r->batches == BCORE_RUN_BATCHES) {
		r->more = true;
		return false;
	}
	b->nr = (uint32_t)min_u64(allow, BCORE_BATCH_MAX);
	r->batches++;
	if (r->outcome == OUT_IDLE)
		r->outcome = OUT_PROGRESS;
	return true;
}

void bcore_run_inflated(struct bcore *c, uint32_t asked,
			const struct bcore_xfer *x)
{
	/* Trust no op to report more than it was asked for. */
	uint32_t taken = (uint32_t)min_u64(x->taken, asked);
	uint32_t done = (uint32_t)min_u64(x->done, taken);

	c->ballooned_pages += done;
	spend(c, done);
	c->run.room_pages -= min_u64(done, c->run.room_pages);
	if (done < taken) {
		c->cnt.host_refusals++;
		run_stop(c, OUT_HOST_REFUSED);
	} else if (taken < asked) {
		c->cnt.alloc_failures++;
		run_stop(c, OUT_GUEST_REFUSED);
	}
}

void bcore_run_deflated(struct bcore *c, uint32_t asked, uint32_t got)
{
	got = (uint32_t)min_u64(min_u64(got, asked), c->ballooned_pages);
	c->ballooned_pages -= got;
	spend(c, got);
	if (got < asked) {
		c->cnt.host_refusals++;
		run_stop(c, OUT_HOST_REFUSED);
	}
}

void bcore_run_nothing_listed(struct bcore *c)
{
	/* Not a refusal: no rate cut, no host-refused state. */
	run_stop(c, c->run.outcome);
}

enum ballast_state bcore_run_end(struct bcore *c)
{
	enum outcome out = (enum outcome)c->run.outcome;

	c->run.active = false;
	adapt_rate(c, out);
	c->state = next_state(c, out);
	return c->state;
}

bool bcore_run_more(const struct bcore *c)
{
	return c->run.more;
}

uint32_t bcore_inflate_wanted(const struct bcore *c, uint32_t nr)
{
	uint64_t goal = bcore_own_goal(c);

	if (c->unloading || goal <= c->ballooned_pages)
		return 0;
	return (uint32_t)min_u64(goal - c->ballooned_pages, nr);
}

enum ballast_state bcore_tick(struct bcore *c, const struct bcore_ops *ops,
			      void *ctx, uint64_t mem_available_pages,
			      uint32_t elapsed_ms)
{
	struct bcore_batch b;

	bcore_run_begin(c, elapsed_ms, mem_available_pages);
	while (bcore_run_next(c, &b)) {
		if (b.inflate) {
			struct bcore_xfer x = { 0, 0 };

			ops->inflate(ctx, b.nr, &x);
			bcore_run_inflated(c, b.nr, &x);
		} else {
			bcore_run_deflated(c, b.nr, ops->deflate(ctx, b.nr));
		}
	}
	return bcore_run_end(c);
}

/* Returns pages given back; stops at the first short batch. */
static uint64_t deflate_up_to(struct bcore *c, const struct bcore_ops *ops,
			      void *ctx, uint64_t want, uint32_t max_batches)
{
	uint64_t left = min_u64(want, c->ballooned_pages);
	uint64_t got_total = 0;
	uint32_t batches;

	for (batches = 0; left && batches < max_batches; batches++) {
		uint32_t nr = (uint32_t)min_u64(left, BCORE_BATCH_MAX);
		uint32_t got = (uint32_t)min_u64(ops->deflate(ctx, nr), nr);

		got = (uint32_t)min_u64(got, c->ballooned_pages);
		c->ballooned_pages -= got;
		got_total += got;
		left -= got;
		if (got < nr) {
			c->cnt.host_refusals++;
			break;
		}
	}
	return got_total;
}

uint64_t bcore_oom(struct bcore *c, const struct bcore_ops *ops, void *ctx,
		   uint32_t max_pages)
{
	uint64_t got;

	got = deflate_up_to(c, ops, ctx, max_pages, UINT32_MAX);
	if (got) {
		c->oom_relief_pages = sat_add(c->oom_relief_pages, got);
		c->cnt.oom_deflates++;
	}
	return got;
}

void bcore_oom_returned(struct bcore *c, uint64_t pages, uint64_t events)
{
	pages = min_u64(pages, c->ballooned_pages);
	c->ballooned_pages -= pages;
	c->oom_relief_pages = sat_add(c->oom_relief_pages, pages);
	c->cnt.oom_deflates = sat_add(c->cnt.oom_deflates, events);
}

void bcore_migrated(struct bcore *c, const struct bmigrate_tally *t)
{
	c->cnt.migrated = sat_add(c->cnt.migrated, t->moved);
	c->cnt.migrate_refusals = sat_add(c->cnt.migrate_refusals, t->refused);
	c->ballooned_pages -= min_u64(t->released, c->ballooned_pages);
}

void bcore_begin_unload(struct bcore *c)
{
	c->unloading = true;
	c->state = next_state(c, OUT_IDLE);
}

uint64_t bcore_drain(struct bcore *c, const struct bcore_ops *ops, void *ctx,
		     uint32_t max_batches)
{
	deflate_up_to(c, ops, ctx, c->ballooned_pages, max_batches);
	return c->ballooned_pages;
}
enum ballast_verdict bcore_parse_knob(enum ballast_key_id id, const char *s,
				      size_t len, uint64_t *out)
{
	if (s && len && s[len - 1] == '\n')
		len--;
	if (s && len == 1 && s[0] == '0') {
		*out = 0;
		return BALLAST_OK;
	}
	return ballast_parse_key(id, s, len, out);
}

uint64_t bcore_rate_kib_s(const struct bcore *c, uint32_t rate_pages)
{
	return (uint64_t)rate_pages * c->cfg.page_kib * 1000 / c->cfg.tick_ms;
}

uint32_t bcore_kib_s_to_rate(const struct bcore *c, uint64_t kib_s)
{
	uint64_t per_tick_kib = sat_mul(kib_s, c->cfg.tick_ms) / 1000;
	uint64_t pages = per_tick_kib / c->cfg.page_kib;

	if (pages < 1)
		return 1;
	return (uint32_t)min_u64(pages, UINT32_MAX);
}

void bcore_report_into(const struct bcore *c, struct breport_stats *s)
{
	breport_set(s, BALLAST_K_BALLOONED,
		    c->ballooned_pages * c->cfg.page_kib);
	/* saturated, never wrapped: too large a floor is refused by dom0 */
	breport_set(s, BALLAST_K_FLOOR, sat_mul(c->cfg.floor_pages, c->cfg.page_kib));
	breport_set(s, BALLAST_K_STATE, c->state);
	breport_set(s, BALLAST_K_RATE, bcore_rate_kib_s(c, c->rate));
	breport_set(s, BALLAST_K_ALLOC_FAILURES, c->cnt.alloc_failures);
	breport_set(s, BALLAST_K_HOST_REFUSALS, c->cnt.host_refusals);
	breport_set(s, BALLAST_K_BAD_TARGETS, c->cnt.bad_targets);
	breport_set(s, BALLAST_K_OOM_DEFLATES, c->cnt.oom_deflates);
}
