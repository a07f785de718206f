// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ballast.ko: load, unload, the worker, suspend/resume.
 *
 * The worker runs every tick_ms (default 1 s) while the balloon is not at
 * its target, every idle_ms otherwise (statistics only), and at once when
 * the watch on memory/ballast fires. Work is never done in the watch
 * callback: it only queues the worker.
 *
 * Coexistence with the built-in stock balloon (drivers/xen/balloon.c),
 * which keeps watching memory/target: ballast's own balloon covers only the
 * memory below the size the guest had when ballast loaded (the stock
 * balloon's target then, "boot size"). A ballast target above it is handed
 * to the stock balloon through its exported balloon_set_new_target(), which
 * populates the frames between the boot size and maxmem. Each range has
 * one owner, so the two never hold pages for the same purpose. Do not use
 * xl mem-set on a guest ballast manages: it moves the stock balloon under
 * ballast's feet (ballast does not undo it, it only re-sends its own
 * stock target when that changes).
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/freezer.h>
#include <linux/jiffies.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/suspend.h>
#include <xen/balloon.h>
#include <xen/xen-ops.h>
#include <xen/xen.h>

#include "ballast.h"

/* Load-time parameters: read once into struct ballast, sysfs after that. */
static unsigned int tick_ms = 1000;
module_param(tick_ms, uint, 0444);
MODULE_PARM_DESC(tick_ms, "Period of the balloon loop while not at target, ms (default 1000)");

static unsigned int idle_ms = 2000;
module_param(idle_ms, uint, 0444);
MODULE_PARM_DESC(idle_ms, "Period of statistics sampling at target, ms (default 2000)");

static unsigned long long rate_min_kib_s;
module_param(rate_min_kib_s, ullong, 0444);
MODULE_PARM_DESC(rate_min_kib_s, "Lowest rate, KiB/s; overrides memory/ballast/rate-min (0: host's or 4096)");

static unsigned long long rate_max_kib_s;
module_param(rate_max_kib_s, ullong, 0444);
MODULE_PARM_DESC(rate_max_kib_s, "Highest rate, KiB/s; overrides memory/ballast/rate-max (0: host's or 262144)");

static unsigned long long rate_step_kib_s;
module_param(rate_step_kib_s, ullong, 0444);
MODULE_PARM_DESC(rate_step_kib_s, "Rate increase after each good tick, KiB/s (0: 4096)");

static unsigned int rate_div = 2;
module_param(rate_div, uint, 0444);
MODULE_PARM_DESC(rate_div, "Rate divided by this after a failed allocation, >= 2 (default 2)");

static bool constant_rate;
module_param(constant_rate, bool, 0444);
MODULE_PARM_DESC(constant_rate, "Always move at the highest rate, no adaptation (default off)");

static unsigned long long floor_kib;
module_param(floor_kib, ullong, 0444);
MODULE_PARM_DESC(floor_kib, "Never leave the guest less memory than this, KiB (0: from the guest's size, as Hyper-V)");

static bool scrub = true;
module_param(scrub, bool, 0444);
MODULE_PARM_DESC(scrub, "Clear pages before their frames go back to Xen (default on)");

static unsigned int oom_pages = 512;
module_param(oom_pages, uint, 0444);
MODULE_PARM_DESC(oom_pages, "Pages given back per OOM event (default 512)");

static unsigned int unload_wait_s = 60;
module_param(unload_wait_s, uint, 0444);
MODULE_PARM_DESC(unload_wait_s, "Unload waits at most this long without progress for Xen to give back frames, s; then it leaves them (logged) (default 60)");

/* Movable ballooned pages need the kernel's balloon compaction. */
static bool compaction = IS_ENABLED(CONFIG_BALLOON_COMPACTION);
module_param(compaction, bool, 0444);
MODULE_PARM_DESC(compaction, "Ballooned pages movable by the kernel's compaction, so they do not fragment memory (default on where the kernel has CONFIG_BALLOON_COMPACTION; off: unmovable pages)");

static unsigned int report_ms = 60000;
module_param(report_ms, uint, 0444);
MODULE_PARM_DESC(report_ms, "Write data/ballast at least this often, ms (default 60000)");

static unsigned long long report_threshold_kib = 16384;
module_param(report_threshold_kib, ullong, 0444);
MODULE_PARM_DESC(report_threshold_kib, "Memory change that is reported at once, KiB (default 16384)");

/* module_exit() takes no argument: the one instance, set once at load. */
static struct ballast *the_ballast;

#define DRAIN_LOG_EVERY	10	/* seconds between "still waiting" lines */
#define DRAIN_RETRY_MS	1000	/* between tries when Xen has no frames */

static u64 kib_to_pages_up(const struct ballast *b, u64 kib)
{
	u32 pk = b->core.cfg.page_kib;

	return kib / pk + (kib % pk != 0);
}

/* Effective bounds: sysfs/parameter override, else the host's, else default. */
void ballast_apply_knobs(struct ballast *b)
{
	struct bctl_rates override = {
		.min_kib_s = b->knobs.rate_min_kib_s,
		.max_kib_s = b->knobs.rate_max_kib_s,
	};

	b->core.cfg.constant_rate = b->knobs.constant_rate;
	bctl_apply_rates(&b->core, &override, &b->host, &b->default_rates);
	b->core.cfg.floor_pages =
		kib_to_pages_up(b, b->knobs.floor_kib ?: b->default_floor_kib);
}

/*
 * A report, if due: prepared under the lock, PSI read and the transaction
 * written without it (both allocate). PSI is read when a report is due and
 * every sample_ms between reports (not every run): a change in it makes a
 * report due on its own, without waiting for the heartbeat.
 */
static void report(struct ballast *b, u64 now_ms, bool force)
{
	struct breport_stats *s = &b->report_scratch;
	struct bpsi psi;
	bool sample;
	u64 seq;
	int err;

	mutex_lock(&b->lock);
	seq = ballast_report_prepare(b, now_ms, force, s);
	sample = breport_sample_due(&b->report, b->psi_sampled_ms, now_ms,
				    seq != 0);
	mutex_unlock(&b->lock);
	if (!sample)
		return;
	/* Only the worker (or unload, after it) touches report_scratch. */
	ballast_report_psi(s, ballast_psi_sample(b, &psi) ? &psi : NULL);
	ballast_cpu_sample(b, s);
	b->psi_sampled_ms = now_ms ?: 1;
	if (!seq) {
		mutex_lock(&b->lock);
		seq = breport_next(&b->report, s, now_ms, false);
		mutex_unlock(&b->lock);
		if (!seq)
			return;
	}
	err = ballast_report_write(s, seq);
	mutex_lock(&b->lock);
	ballast_report_done(b, err, s, seq, now_ms);
	ballast_publish(b);
	mutex_unlock(&b->lock);
}

static u64 now_ms(void)
{
	return div_u64(ktime_get_boottime_ns(), NSEC_PER_MSEC);
}

/*
 * One inflate batch: pages allocated and scrubbed without the lock, then
 * under it only what is still wanted (an OOM may have come meanwhile)
 * goes to Xen.
 */
static void inflate_batch(struct ballast *b, u32 nr)
{
	struct bcore_xfer x = { 0, 0 };
	u32 taken, keep;

	taken = ballast_alloc_batch(b, nr);
	mutex_lock(&b->lock);
	ballast_fold(b);
	keep = test_bit(BALLAST_F_OOM, &b->flags) ? 0 :
	       bcore_inflate_wanted(&b->core, taken);
	x.taken = keep;
	x.done = ballast_give_batch(b, keep);
	bcore_run_inflated(&b->core, nr, &x);
	mutex_unlock(&b->lock);
	ballast_free_batch(b, keep, taken);
}

static void deflate_batch(struct ballast *b, u32 nr)
{
	u32 n, got;

	mutex_lock(&b->lock);
	n = ballast_take_listed(b, b->batch_pages, nr);
	got = ballast_return_frames(b, b->batch_pages, b->batch_frames, n);
	/*
	 * Fewer on the list than asked: the OOM notifier took them; fold its
	 * count so the core does not see a refusal. None at all: the run
	 * ends, and Xen refused nothing.
	 */
	ballast_fold(b);
	if (n)
		bcore_run_deflated(&b->core, n, got);
	else
		bcore_run_nothing_listed(&b->core);
	mutex_unlock(&b->lock);
}

/*
 * The batches of one run, each under the lock for its hypercall only, with
 * a scheduling point between them; at most BCORE_RUN_BATCHES (the core
 * stops there and asks for another run).
 */
static void run_batches(struct ballast *b)
{
	struct bcore_batch bt;
	bool next;

	for (;;) {
		mutex_lock(&b->lock);
		ballast_fold(b);
		next = bcore_run_next(&b->core, &bt);
		mutex_unlock(&b->lock);
		if (!next)
			break;
		if (bt.inflate)
			inflate_batch(b, bt.nr);
		else
			deflate_batch(b, bt.nr);
		cond_resched();
	}
}

static void ballast_work(struct work_struct *work)
{
	struct ballast *b = container_of(to_delayed_work(work), struct ballast,
					 work);
	struct bctl_raw raw = { { NULL } };
	unsigned int delay_ms;
	u32 elapsed_ms;
	bool reread, resumed, more;

	resumed = test_and_clear_bit(BALLAST_F_RESUMED, &b->flags);
	ballast_cpu_run(b);
	mutex_lock(&b->lock);
	reread = bcycle_begin(&b->cycle, &b->core, now_ms(),
			      test_and_clear_bit(BALLAST_F_REREAD, &b->flags) ||
			      resumed, &elapsed_ms);
	mutex_unlock(&b->lock);
	if (reread)
		ballast_fetch_ctl(&raw);

	mutex_lock(&b->lock);
	if (reread) {
		ballast_apply_ctl(b, &raw);
		ballast_apply_knobs(b);
	}
	bcore_note_stock(&b->core, READ_ONCE(balloon_stats.current_pages));
	ballast_fold(b);
	bcore_run_begin(&b->core, elapsed_ms, ballast_mem_available_pages());
	mutex_unlock(&b->lock);
	ballast_free_ctl(&raw);

	run_batches(b);

	mutex_lock(&b->lock);
	ballast_fold(b);
	bcore_run_end(&b->core);
	more = bcore_run_more(&b->core);
	/* This run saw the OOM (and backed off); the next may try again. */
	clear_bit(BALLAST_F_OOM, &b->flags);
	ballast_sync_stock(b);
	ballast_publish(b);
	delay_ms = bcycle_delay_ms(&b->core, b->knobs.idle_ms);
	mutex_unlock(&b->lock);

	/* More of this tick's budget left: run again at once, report later. */
	if (!more || resumed)
		report(b, now_ms(), resumed);
	queue_delayed_work(b->wq, &b->work, msecs_to_jiffies(delay_ms));
}

/* Resume, restore, thaw: the target may have moved while we slept. */
static int ballast_pm_notify(struct notifier_block *nb, unsigned long action,
			     void *data)
{
	struct ballast *b = container_of(nb, struct ballast, pm_nb);

	if (action == PM_POST_SUSPEND || action == PM_POST_HIBERNATION ||
	    action == PM_POST_RESTORE)
		ballast_kick(b, true);
	return NOTIFY_OK;
}

/*
 * Xen's save/restore and live migration do not go through the PM notifier
 * chain (drivers/xen/manage.c suspends on its own). After a restore we run
 * in a new domain: its data/ballast is empty and dom0 does not know us until
 * we report, so report at once rather than at the next interval. The watch
 * on memory/ballast is re-registered by xenbus and fires by itself.
 * 6.1's do_suspend() calls this chain right after stop_machine(), before
 * xenstore has resumed and while tasks and freezable workqueues are still
 * frozen: so it only sets a bit and queues work, which runs after the thaw.
 */
static int ballast_xen_resume_notify(struct notifier_block *nb,
				     unsigned long action, void *data)
{
	struct ballast *b = container_of(nb, struct ballast, xen_resume_nb);

	set_bit(BALLAST_F_RESUMED, &b->flags);
	ballast_kick(b, true);
	return NOTIFY_OK;
}

/*
 * Every page goes back before unload, one batch at a time under the lock
 * with a scheduling point between. If Xen has no frames (host short,
 * ballastd down), wait freezably (so xl save/migrate can freeze this task,
 * also between batches) for at most unload_wait_s without progress, then
 * leave the rest: their pages stay out of the guest's memory (offline,
 * never freed) until reboot, and the log says how much. A fatal signal to
 * rmmod (kill -9) gives up at once the same way; the freezer's does not.
 */
static void ballast_drain(struct ballast *b)
{
	unsigned long wait = (unsigned long)b->knobs.unload_wait_s * HZ;
	unsigned long deadline = jiffies + wait;
	unsigned int waited_s = 0;
	u64 left, before;

	mutex_lock(&b->lock);
	left = b->core.ballooned_pages;
	while (left > 0) {
		before = left;
		left = bcore_drain(&b->core, &ballast_drain_ops, b, 1);
		mutex_unlock(&b->lock);
		if (left < before) {
			/* unload_wait_s counts from the last progress */
			deadline = jiffies + wait;
		} else {
			/*
			 * Only a fatal signal gives up: the freezer's fake
			 * signal (xl save/migrate) must not.
			 */
			if (time_after_eq(jiffies, deadline) ||
			    fatal_signal_pending(current))
				break;
			if (waited_s % DRAIN_LOG_EVERY == 0)
				pr_warn("ballast: Xen cannot give back %llu frames yet; unload waits and retries (%u of %u s)\n",
					(unsigned long long)left, waited_s,
					b->knobs.unload_wait_s);
			set_current_state(TASK_KILLABLE | TASK_FREEZABLE);
			schedule_timeout(msecs_to_jiffies(DRAIN_RETRY_MS));
			waited_s++;
		}
		/* No lock held: a save may freeze this task between batches. */
		try_to_freeze();
		cond_resched();
		mutex_lock(&b->lock);
	}
	if (left == 0)
		mutex_unlock(&b->lock);
	if (left)
		pr_err("ballast: gave up after %u s: %llu frames (%llu KiB) stay with Xen; their pages stay offline until reboot\n",
		       waited_s, (unsigned long long)left,
		       (unsigned long long)(left * b->core.cfg.page_kib));
	else if (waited_s)
		pr_info("ballast: all frames back after %u s\n", waited_s);
}

/*
 * Pages whose frames Xen never gave back stay offline until reboot; they
 * leave the list first, since the list head goes with the module.
 */
static void ballast_orphan_leftovers(struct ballast *b)
{
	struct page *page, *next;
	unsigned long flags;
	bool done;

	/*
	 * No longer movable either: the kernel's balloon_mops would find our
	 * balloon_dev_info in page->private, and it goes with us. A page
	 * whose lock a compactor holds, or one it isolated (it comes back:
	 * every move is refused now), is taken on a later pass.
	 */
	for (;;) {
		spin_lock_irqsave(&b->bdi.pages_lock, flags);
		list_for_each_entry_safe(page, next, &b->bdi.pages, lru) {
			if (b->knobs.compaction && !trylock_page(page))
				continue;
			list_del_init(&page->lru);
			ballast_unmovable(b, page);
			if (b->knobs.compaction)
				unlock_page(page);
		}
		done = list_empty(&b->bdi.pages) && !b->bdi.isolated_pages;
		spin_unlock_irqrestore(&b->bdi.pages_lock, flags);
		if (done)
			break;
		msleep(10);
	}
}

/*
 * After the worker has stopped for good (unload, or a failed load after
 * it may already have inflated): every frame back, as far as Xen allows.
 */
static void ballast_give_all_back(struct ballast *b)
{
	ballast_compaction_stop(b);
	mutex_lock(&b->lock);
	ballast_fold(b);
	bcore_begin_unload(&b->core);
	mutex_unlock(&b->lock);
	ballast_drain(b);
	ballast_orphan_leftovers(b);
}

static void take_params(struct ballast *b)
{
	struct ballast_knobs k = {
		.rate_min_kib_s = rate_min_kib_s,
		.rate_max_kib_s = rate_max_kib_s,
		.floor_kib = floor_kib,
		.constant_rate = constant_rate,
		.scrub = scrub,
		.oom_pages = oom_pages,
		.unload_wait_s = unload_wait_s,
		.tick_ms = tick_ms ?: 1,
		.idle_ms = idle_ms ?: 1,
		.compaction = compaction,
	};

	b->knobs = k;
}

static int setup_core(struct ballast *b)
{
	struct breport_thresholds th;
	struct bcore_config cfg;
	u64 boot, static_max_kib, static_max_pages;

	bcore_default_config(&cfg, PAGE_SIZE / SZ_1K);
	cfg.tick_ms = b->knobs.tick_ms;
	cfg.rate_div = rate_div;
	cfg.constant_rate = b->knobs.constant_rate;
	/* The stock balloon is at rest at load: its target is our boot size. */
	boot = READ_ONCE(balloon_stats.target_pages);
	static_max_kib = ballast_read_static_max_kib();
	cfg.offset_pages = ballast_read_offset_pages(static_max_kib);
	static_max_pages = static_max_kib / cfg.page_kib;
	cfg.stock_max_pages = static_max_pages > cfg.offset_pages ?
			      static_max_pages - cfg.offset_pages : 0;
	if (!bcore_init(&b->core, &cfg, boot))
		return -EINVAL;
	if (rate_step_kib_s)
		b->core.cfg.rate_step = bcore_kib_s_to_rate(&b->core,
							    rate_step_kib_s);
	b->default_rates.min_kib_s = bcore_rate_kib_s(&b->core, cfg.rate_min);
	b->default_rates.max_kib_s = bcore_rate_kib_s(&b->core, cfg.rate_max);
	b->default_floor_kib = cfg.page_kib *
		bcore_default_floor(boot + cfg.offset_pages, cfg.page_kib);
	ballast_apply_knobs(b);
	b->stock_target_pages = boot;

	breport_default_thresholds(&th);
	th.max_interval_ms = report_ms;
	th.mem_kib = report_threshold_kib;
	breport_init(&b->report, &th);
	mutex_lock(&b->lock);
	ballast_publish(b);
	mutex_unlock(&b->lock);
	return 0;
}

static int __init ballast_init(void)
{
	struct ballast *b;
	int err;

	if (!xen_domain() || xen_initial_domain())
		return -ENODEV;
	if (rate_div < 2) {
		pr_err("ballast: rate_div must be >= 2\n");
		return -EINVAL;
	}
	if (floor_kib > ballast_keys[BALLAST_K_FLOOR].max) {
		pr_err("ballast: floor_kib %llu is above the schema's %llu KiB\n",
		       (unsigned long long)floor_kib,
		       (unsigned long long)ballast_keys[BALLAST_K_FLOOR].max);
		return -EINVAL;
	}
	/* One OOM event returns at most this many pages (a bounded loop). */
	if (oom_pages > BALLAST_OOM_PAGES_MAX) {
		pr_err("ballast: oom_pages must be 0..%u\n", BALLAST_OOM_PAGES_MAX);
		return -EINVAL;
	}
	err = ballast_check_owner();
	if (err)
		return err;
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	/* From here on the kobject owns b: kobject_put() frees it. */
	kobject_init(&b->kobj, &ballast_ktype);
	mutex_init(&b->lock);
	balloon_devinfo_init(&b->bdi);
	atomic_long_set(&b->migrate_moved, 0);
	atomic_long_set(&b->migrate_refused, 0);
	atomic_long_set(&b->migrate_released, 0);
	mutex_init(&b->oom_scratch_lock);
	atomic_long_set(&b->oom_returned_pages, 0);
	atomic_long_set(&b->oom_events, 0);
	ratelimit_state_init(&b->bad_value_rs, 60 * HZ, 3);
	INIT_DELAYED_WORK(&b->work, ballast_work);
	take_params(b);
	if (compaction && !IS_ENABLED(CONFIG_BALLOON_COMPACTION))
		pr_info("ballast: this kernel has no CONFIG_BALLOON_COMPACTION: ballooned pages stay unmovable\n");
	ballast_compaction_init(b);

	err = setup_core(b);
	if (err)
		goto out_put;
	b->wq = alloc_ordered_workqueue("ballast", WQ_FREEZABLE | WQ_MEM_RECLAIM);
	if (!b->wq) {
		err = -ENOMEM;
		goto out_put;
	}
	err = kobject_add(&b->kobj, kernel_kobj, "ballast");
	if (err)
		goto out_destroy_wq;
	err = ballast_oom_start(b);
	if (err)
		goto out_del_kobj;
	b->pm_nb.notifier_call = ballast_pm_notify;
	err = register_pm_notifier(&b->pm_nb);
	if (err)
		goto out_stop_oom;
	b->xen_resume_nb.notifier_call = ballast_xen_resume_notify;
	xen_resume_notifier_register(&b->xen_resume_nb);
	err = ballast_watch_start(b);
	if (err)
		goto out_unregister_resume;
	err = ballast_cpu_start(b);
	if (err)
		goto out_stop_watch;

	the_ballast = b;
	ballast_kick(b, true);
	pr_info("ballast: loaded; boot size %llu KiB, floor %llu KiB, rate %llu-%llu KiB/s, compaction %s; target in %s/%s\n",
		(unsigned long long)((b->core.boot_pages + b->core.cfg.offset_pages) *
				     b->core.cfg.page_kib),
		(unsigned long long)(b->core.cfg.floor_pages * b->core.cfg.page_kib),
		(unsigned long long)bcore_rate_kib_s(&b->core, b->core.cfg.rate_min),
		(unsigned long long)bcore_rate_kib_s(&b->core, b->core.cfg.rate_max),
		b->knobs.compaction ? "on" : "off",
		BALLAST_CTL_DIR, BALLAST_KEY_TARGET);
	return 0;

out_stop_watch:
	ballast_watch_stop(b);
out_unregister_resume:
	xen_resume_notifier_unregister(&b->xen_resume_nb);
	unregister_pm_notifier(&b->pm_nb);
out_stop_oom:
	ballast_oom_stop(b);
out_del_kobj:
	kobject_del(&b->kobj);
out_destroy_wq:
	/*
	 * A sysfs write or a notifier may have queued the worker already, and
	 * its first run may have inflated: those frames come back first.
	 */
	cancel_delayed_work_sync(&b->work);
	destroy_workqueue(b->wq);
	if (b->core.ballooned_pages)
		ballast_give_all_back(b);
out_put:
	kobject_put(&b->kobj);
	return err;
}

static void __exit ballast_exit(void)
{
	struct ballast *b = the_ballast;

	/* Stop everything that can queue work, then the worker itself. */
	ballast_cpu_stop(b);
	ballast_watch_stop(b);
	xen_resume_notifier_unregister(&b->xen_resume_nb);
	unregister_pm_notifier(&b->pm_nb);
	ballast_oom_stop(b);
	kobject_del(&b->kobj);
	cancel_delayed_work_sync(&b->work);
	destroy_workqueue(b->wq);

	/* No move from now on; the kernel's isolated pages back on the list. */
	ballast_compaction_stop(b);
	/* Tell dom0 first: it stops counting on us and restores maxmem. */
	mutex_lock(&b->lock);
	ballast_fold(b);
	bcore_begin_unload(&b->core);
	mutex_unlock(&b->lock);
	report(b, now_ms(), true);
	ballast_drain(b);
	ballast_orphan_leftovers(b);
	/*
	 * The stock balloon keeps its target: above the boot size it is what
	 * the host gave this guest, and shrinking at unload would take memory
	 * a workload may be using.
	 */
	if (b->stock_target_pages != b->core.boot_pages)
		pr_info("ballast: the stock balloon keeps its target of %lu KiB\n",
			b->stock_target_pages * (PAGE_SIZE / SZ_1K));
	/* Last words for dom0: what is still ballooned (0 normally). */
	report(b, now_ms(), true);
	pr_info("ballast: unloaded\n");
	the_ballast = NULL;
	kobject_put(&b->kobj);
}

module_init(ballast_init);
module_exit(ballast_exit);

MODULE_DESCRIPTION("ballast: adaptive-rate memory balloon for Xen guests");
MODULE_AUTHOR("ballast developers");
/* GPL-only exports: xenmem_reservation_*, balloon_set_new_target, xenbus. */
MODULE_LICENSE("Dual MIT/GPL");
MODULE_VERSION("1.0");
