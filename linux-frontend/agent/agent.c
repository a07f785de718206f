// SPDX-License-Identifier: MIT
/*
 * ballast-agent: the loop. See agent.h.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "owner.h"
#include "stock.h"
#include "xs.h"

#define PAGE_KIB		4U
#define POLL_STEP_MS		20U	/* while waiting for the stock balloon */
#define BAD_LOG_EVERY_MS	60000U
#define SHRINK_WAIT_MS		10000U	/* stock balloon back to boot size */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void sleep_ms(uint32_t ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

void agent_default_config(struct agent_config *cfg)
{
	struct agent_config d = {
		.stock_dir = STOCK_SYSFS_DIR,
		.module_dir = OWNER_MODULE_DIR,
		.proc = { "/proc/meminfo", "/proc/vmstat", "/proc/pressure/memory" },
		.cpu = { "/proc/loadavg", "/proc/stat", "/proc/pressure/cpu",
			 "/sys/devices/system/cpu" },
		.tick_ms = 1000,
		.idle_ms = 2000,
		.settle_ms = 2000,
		.report_ms = 60000,
	};

	*cfg = d;
}

/*
 * Move the stock target by @delta_kib (negative: take memory) and wait
 * until the stock balloon got there or settle_ms passed. Returns the KiB
 * it moved past the previous target (not past where it happened to be: it
 * may still be settling from an earlier change). On a shortfall the target
 * is pulled back to where the balloon stopped, so it does not keep trying
 * behind the rate controller.
 */
static uint64_t move_stock(struct agent *a, int64_t delta_kib)
{
	uint64_t prev = a->stock_target_kib, cur = prev, goal;
	uint32_t waited = 0;

	goal = (uint64_t)((int64_t)prev + delta_kib);
	if (stock_write_target_kib(a->cfg.stock_dir, goal))
		return 0;
	a->stock_target_kib = goal;
	for (;;) {
		if (stock_read_current_kib(a->cfg.stock_dir, &cur))
			cur = prev;
		if (delta_kib < 0 ? cur <= goal : cur >= goal)
			break;
		if (waited >= a->cfg.settle_ms) {
			if (stock_write_target_kib(a->cfg.stock_dir, cur) == 0)
				a->stock_target_kib = cur;
			break;
		}
		sleep_ms(POLL_STEP_MS);
		waited += POLL_STEP_MS;
	}
	if (delta_kib < 0)
		return prev > cur ? prev - (cur > goal ? cur : goal) : 0;
	return cur > prev ? (cur < goal ? cur : goal) - prev : 0;
}

/* The stock balloon's failures look alike: pages it could not get. */
static void agent_inflate(void *ctx, uint32_t nr, struct bcore_xfer *out)
{
	struct agent *a = ctx;
	uint64_t kib = move_stock(a, -(int64_t)nr * PAGE_KIB);
	uint64_t pages = kib / PAGE_KIB;

	out->taken = (uint32_t)(pages < nr ? pages : nr);
	out->done = out->taken;
}

static uint32_t agent_deflate(void *ctx, uint32_t nr)
{
	struct agent *a = ctx;
	uint64_t pages = move_stock(a, (int64_t)nr * PAGE_KIB) / PAGE_KIB;

	return (uint32_t)(pages < nr ? pages : nr);
}

static const struct bcore_ops agent_ops = {
	.inflate = agent_inflate,
	.deflate = agent_deflate,
};

/* Told by bctl_apply() of each refused value; once a minute at most. */
static void log_refused(void *ctx, enum ballast_key_id id, const char *s,
			size_t len, enum ballast_verdict v)
{
	struct agent *a = ctx;
	uint64_t t = now_ms();

	if (a->last_bad_log_ms && t - a->last_bad_log_ms < BAD_LOG_EVERY_MS)
		return;
	a->last_bad_log_ms = t;
	fprintf(stderr, "ballast-agent: refused %s/%s (%zu bytes, \"%.*s\"): %s; keeping the last valid value\n",
		BALLAST_CTL_DIR, ballast_keys[id].name, len,
		(int)(len < 32 ? len : 32), s, ballast_verdict_str(v));
}

static void apply_bounds(struct agent *a)
{
	struct bctl_rates override = {
		.min_kib_s = a->cfg.rate_min_kib_s,
		.max_kib_s = a->cfg.rate_max_kib_s,
	};

	bctl_apply_rates(&a->core, &override, &a->host, &a->default_rates);
}

/* memory/ballast: target, rate-min, rate-max (uncooperative is not read). */
static void read_ctl(struct agent *a)
{
	static const enum bctl_slot slots[] = {
		BCTL_TARGET, BCTL_RATE_MIN, BCTL_RATE_MAX,
	};
	struct bctl_raw raw;
	char *val[BCTL__COUNT] = { NULL };
	unsigned int i, len;

	memset(&raw, 0, sizeof(raw));
	for (i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
		enum bctl_slot k = slots[i];

		val[k] = axs_read(a->xs, BALLAST_CTL_DIR,
				  ballast_keys[bctl_keys[k]].name, &len);
		raw.val[k] = val[k];
		raw.len[k] = val[k] ? len : 0;
	}
	bctl_apply(&a->core, &a->host, &raw, log_refused, a);
	for (i = 0; i < BCTL__COUNT; i++)
		free(val[i]);
	apply_bounds(a);
}

/* Above the boot size: the stock balloon's own range, set directly. */
static void sync_above_boot(struct agent *a)
{
	uint64_t goal_kib = bcore_stock_goal(&a->core) * PAGE_KIB, cur;
	uint32_t waited;

	if (a->core.ballooned_pages || goal_kib == a->stock_target_kib)
		return;
	if (goal_kib < a->boot_kib)
		goal_kib = a->boot_kib;
	if (goal_kib == a->stock_target_kib ||
	    stock_write_target_kib(a->cfg.stock_dir, goal_kib))
		return;
	a->stock_target_kib = goal_kib;
	/*
	 * Coming down to the boot size: let the stock balloon get there
	 * before the rate controller counts pages below it.
	 */
	for (waited = 0; waited < SHRINK_WAIT_MS; waited += POLL_STEP_MS) {
		if (stock_read_current_kib(a->cfg.stock_dir, &cur) ||
		    cur <= goal_kib)
			break;
		sleep_ms(POLL_STEP_MS);
	}
}

/* cpu/<cpu>/availability, for agent_cpu_hotplug(). */
static char *read_availability(void *ctx, uint32_t cpu, unsigned int *len)
{
	char dir[32];

	snprintf(dir, sizeof(dir), BALLAST_STOCK_CPU_DIR "/%u", cpu);
	return axs_read(ctx, dir, "availability", len);
}

static void report(struct agent *a, bool force)
{
	struct breport_stats s, slow;
	uint64_t cur, t = now_ms(), seq;
	int rc;

	memset(&s, 0, sizeof(s));
	bcore_report_into(&a->core, &s);
	if (stock_read_current_kib(a->cfg.stock_dir, &cur) == 0)
		breport_set(&s, BALLAST_K_CURRENT, cur);
	rc = procstat_collect(&a->cfg.proc, &s, NULL);
	if (rc)
		fprintf(stderr, "ballast-agent: statistics: %s, reporting without them\n",
			strerror(-rc));
	agent_cpu_sample(&a->cpu, &s);
	agent_cpu_hotplug(&a->cpu, &s, read_availability, a->xs, t);
	/*
	 * PSI is read every run, but alone makes a report due only every
	 * sample_ms, as in ballast.ko (breport.h); with any other change the
	 * report carries it fresh.
	 */
	slow = s;
	breport_carry_slow(&slow, &a->report);
	seq = breport_next(&a->report, &slow, t, force);
	if (!seq && breport_sample_due(&a->report, a->psi_sampled_ms, t, false)) {
		a->psi_sampled_ms = t ? t : 1;
		seq = breport_next(&a->report, &s, t, false);
	}
	if (!seq)
		return;
	a->psi_sampled_ms = t ? t : 1;	/* reported fresh */
	rc = axs_write_report(a->xs, &s, seq);
	if (breport_result(&a->report, rc, &s, seq, t))
		fprintf(stderr, "ballast-agent: cannot write %s: %s, will retry\n",
			BALLAST_DATA_DIR, strerror(-rc));
}

/* One frontend per guest: not while ballast.ko drives it (owner.h). */
static int check_owner(struct agent *a)
{
	unsigned int frontend_len = 0, state_len = 0;
	char *frontend, *state, why[320];
	int rc;

	frontend = axs_read(a->xs, BALLAST_DATA_DIR, BALLAST_KEY_FRONTEND,
			    &frontend_len);
	state = axs_read(a->xs, BALLAST_DATA_DIR, BALLAST_KEY_STATE, &state_len);
	rc = owner_check(a->cfg.module_dir, frontend, frontend ? frontend_len : 0,
			 state, state ? state_len : 0, why, sizeof(why));
	if (rc)
		fprintf(stderr, "ballast-agent: %s\n", why);
	free(frontend);
	free(state);
	return rc;
}

static int open_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

int agent_start(struct agent *a, const struct agent_config *cfg)
{
	struct breport_thresholds th;
	struct bcore_config cc;
	int rc;

	memset(a, 0, sizeof(*a));
	a->cfg = *cfg;
	a->signal_fd = -1;
	rc = stock_read_target_kib(cfg->stock_dir, &a->boot_kib);
	if (rc) {
		fprintf(stderr, "ballast-agent: no stock balloon at %s: %s\n",
			cfg->stock_dir, strerror(-rc));
		return rc;
	}
	a->stock_target_kib = a->boot_kib;

	bcore_default_config(&cc, PAGE_KIB);
	cc.tick_ms = cfg->tick_ms;
	cc.constant_rate = cfg->constant_rate;
	cc.floor_pages = cfg->floor_kib ? (cfg->floor_kib + PAGE_KIB - 1) / PAGE_KIB :
		bcore_default_floor(a->boot_kib / PAGE_KIB, PAGE_KIB);
	if (!bcore_init(&a->core, &cc, a->boot_kib / PAGE_KIB)) {
		fprintf(stderr, "ballast-agent: bad rate configuration\n");
		return -EINVAL;
	}
	a->default_rates.min_kib_s = bcore_rate_kib_s(&a->core, cc.rate_min);
	a->default_rates.max_kib_s = bcore_rate_kib_s(&a->core, cc.rate_max);
	apply_bounds(a);

	agent_cpu_init(&a->cpu, &cfg->cpu);
	breport_default_thresholds(&th);
	th.max_interval_ms = cfg->report_ms;
	breport_init(&a->report, &th);

	a->xs = axs_open();
	if (!a->xs) {
		rc = -errno;
		fprintf(stderr, "ballast-agent: xenstore: %s\n", strerror(errno));
		return rc ? rc : -EIO;
	}
	rc = check_owner(a);
	if (rc)
		goto out_close_xs;
	a->signal_fd = open_signals();
	if (a->signal_fd < 0) {
		rc = -errno;
		fprintf(stderr, "ballast-agent: signalfd: %s\n", strerror(errno));
		goto out_close_xs;
	}
	fprintf(stderr, "ballast-agent: started; boot size %llu KiB, floor %llu KiB, stock balloon %s\n",
		(unsigned long long)a->boot_kib,
		(unsigned long long)(a->core.cfg.floor_pages * PAGE_KIB),
		cfg->stock_dir);
	return 0;

out_close_xs:
	axs_close(a->xs);
	a->xs = NULL;
	return rc;
}

/* Waits up to @ms for a watch event or a signal. Returns false on a signal. */
static bool wait_event(struct agent *a, uint32_t ms, bool *reread)
{
	struct pollfd fds[2] = {
		{ .fd = axs_fd(a->xs), .events = POLLIN },
		{ .fd = a->signal_fd, .events = POLLIN },
	};
	int r = poll(fds, 2, (int)ms);

	if (r < 0)
		return errno == EINTR;
	if (fds[1].revents & POLLIN)
		return false;
	if (fds[0].revents & POLLIN)
		*reread = axs_drain_events(a->xs) || *reread;
	return true;
}

int agent_run(struct agent *a)
{
	bool reread = true;

	for (;;) {
		struct meminfo mi;
		struct breport_stats scratch;
		uint64_t avail_pages = 0, stock_kib;
		uint32_t elapsed_ms;

		if (bcycle_begin(&a->cycle, &a->core, now_ms(), reread,
				 &elapsed_ms))
			read_ctl(a);
		reread = false;
		memset(&scratch, 0, sizeof(scratch));
		if (procstat_collect(&a->cfg.proc, &scratch, &mi) == 0)
			avail_pages = mi.mem_available_kib / PAGE_KIB;
		if (stock_read_current_kib(a->cfg.stock_dir, &stock_kib) == 0)
			bcore_note_stock(&a->core, stock_kib / PAGE_KIB);
		/* Down to the boot size first: the balloon works below it. */
		sync_above_boot(a);
		bcore_tick(&a->core, &agent_ops, a, avail_pages, elapsed_ms);
		sync_above_boot(a);
		report(a, false);
		if (a->cfg.once)
			return 0;
		if (!wait_event(a, bcycle_delay_ms(&a->core, a->cfg.idle_ms),
				&reread))
			return 0;
	}
}

void agent_stop(struct agent *a)
{
	/* Tell dom0 first: it stops counting on us and restores maxmem. */
	if (a->xs) {
		bcore_begin_unload(&a->core);
		report(a, true);
	}
	if (a->stock_target_kib != a->boot_kib &&
	    stock_write_target_kib(a->cfg.stock_dir, a->boot_kib))
		fprintf(stderr, "ballast-agent: could not restore target_kb %llu\n",
			(unsigned long long)a->boot_kib);
	if (a->signal_fd >= 0)
		close(a->signal_fd);
	axs_close(a->xs);
	a->xs = NULL;
	fprintf(stderr, "ballast-agent: stopped; stock balloon target back to %llu KiB\n",
		(unsigned long long)a->boot_kib);
}
