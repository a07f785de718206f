// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ballast.ko: balloon compaction. With the `compaction` parameter on (the
 * default where the kernel has CONFIG_BALLOON_COMPACTION), ballooned pages
 * are allocated movable and listed as movable balloon pages (mem.c), so the
 * kernel's compaction, memory offlining and CMA may move them instead of
 * working around scattered unmovable pages; the kernel's balloon_mops
 * isolate a page (off our list) and put it back, and call
 * ballast_migratepage() to move it.
 *
 * A move keeps the balloon's size and the domain's frame count: the old
 * page gets a frame back from Xen, the new page's frame goes to Xen, the
 * order and every failure as core/bmigrate.h says (populate first: a
 * failed move must hand the new page back with its frame). Each step is
 * mem.c's verb for one page: ballast_frames_from_xen() (populate, p2m and
 * mapping on PV) and ballast_frames_to_xen() (mapping reset, the TLB flush
 * hypercall, decrease). Auto-translated guests (PVH, HVM): the helpers
 * leave p2m and mappings alone, as in the batch paths.
 *
 * Context: the kernel calls this with both pages locked, from compaction
 * (kcompactd, or direct compaction inside some task's allocation, which
 * may be the worker's own alloc_page()), offlining or CMA. It takes no
 * sleeping lock and allocates nothing: not b->lock (the worker holds it
 * around batches and may be the very task compacting), only pages_lock
 * for the list, as the kernel's isolate and putback do. The core is told
 * later, under b->lock, through three counters (ballast_migrate_fold()).
 * Unload sets BALLAST_F_NO_MIGRATE, after which every move is refused,
 * and waits for isolated pages to come back before the list goes.
 */
#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/vmstat.h>

#include "ballast.h"

void ballast_migrate_fold(struct ballast *b)
{
	struct bmigrate_tally t;

	lockdep_assert_held(&b->lock);
	t.moved = atomic_long_xchg(&b->migrate_moved, 0);
	t.refused = atomic_long_xchg(&b->migrate_refused, 0);
	t.released = atomic_long_xchg(&b->migrate_released, 0);
	if (t.moved || t.refused || t.released)
		bcore_migrated(&b->core, &t);
}

#ifdef CONFIG_BALLOON_COMPACTION

static u64 ms_now(void)
{
	return jiffies64_to_msecs(get_jiffies_64()) ?: 1;
}

/*
 * @newpage replaces @page in the balloon. Both are locked by the kernel;
 * @page is isolated (off our list, counted in isolated_pages), its frame
 * Xen's; @newpage is a free page the kernel gives, with its frame.
 */
static int ballast_migratepage(struct balloon_dev_info *bdi,
			       struct page *newpage, struct page *page,
			       enum migrate_mode mode)
{
	struct ballast *b = container_of(bdi, struct ballast, bdi);
	struct bmigrate m;
	unsigned long flags;
	xen_pfn_t frame;
	u64 now = ms_now();

	if (test_bit(BALLAST_F_NO_MIGRATE, &b->flags) ||
	    !bmigrate_may_try(now, READ_ONCE(b->migrate_refused_ms)))
		return -EBUSY;	/* not retried by this round; put back */

	/* The new page's frame goes to Xen with whatever it held. */
	if (b->knobs.scrub)
		clear_highpage(newpage);
	__SetPageOffline(newpage);
	adjust_managed_page_count(newpage, -1);

	bmigrate_begin(&m);
	while (bmigrate_next(&m) != BMIGRATE_DONE) {
		bool ok = false;

		switch (bmigrate_next(&m)) {
		case BMIGRATE_TAKE_OLD:
			ok = ballast_frames_from_xen(&page, &frame, 1) == 1;
			break;
		case BMIGRATE_GIVE_NEW:
			ok = ballast_frames_to_xen(&newpage, &frame, 1) == 1;
			break;
		case BMIGRATE_GIVE_OLD:
			ok = ballast_frames_to_xen(&page, &frame, 1) == 1;
			break;
		case BMIGRATE_DONE:
			break;
		}
		bmigrate_result(&m, ok);
	}

	if (m.outcome != BMIGRATE_MOVED) {
		/* The new page keeps its frame and goes back to the kernel. */
		adjust_managed_page_count(newpage, 1);
		__ClearPageOffline(newpage);
		atomic_long_inc(&b->migrate_refused);
		WRITE_ONCE(b->migrate_refused_ms, now);
		pr_warn_ratelimited("ballast: Xen refused a frame while compaction moved a ballooned page%s\n",
				    m.outcome == BMIGRATE_RELEASED ?
				    "; it took none back either: both pages go to the guest" :
				    "");
		if (m.outcome == BMIGRATE_UNDONE)
			return -EBUSY;	/* the kernel puts @page back */
		atomic_long_inc(&b->migrate_released);
	} else {
		/* The reference a listed page holds, the balloon's. */
		get_page(newpage);
		count_vm_event(BALLOON_MIGRATE);
		atomic_long_inc(&b->migrate_moved);
	}

	/* MOVED or RELEASED: @page has a frame and is the guest's again. */
	__ClearPageOffline(page);
	adjust_managed_page_count(page, 1);
	spin_lock_irqsave(&bdi->pages_lock, flags);
	__ClearPageMovable(page);
	set_page_private(page, 0);
	if (m.outcome == BMIGRATE_MOVED) {
		__SetPageMovable(newpage, &balloon_mops);
		set_page_private(newpage, (unsigned long)bdi);
		list_add(&newpage->lru, &bdi->pages);
	}
	/* The last touch of *b: unload waits for isolated_pages to be 0. */
	bdi->isolated_pages--;
	spin_unlock_irqrestore(&bdi->pages_lock, flags);
	put_page(page);		/* the balloon's; the kernel frees the page */
	return MIGRATEPAGE_SUCCESS;
}

void ballast_compaction_init(struct ballast *b)
{
	if (b->knobs.compaction)
		b->bdi.migratepage = ballast_migratepage;
}

#else /* !CONFIG_BALLOON_COMPACTION */

void ballast_compaction_init(struct ballast *b)
{
	b->knobs.compaction = false;
}

#endif /* CONFIG_BALLOON_COMPACTION */

#define ISOLATED_LOG_MS	10000U

void ballast_compaction_stop(struct ballast *b)
{
	unsigned long flags, isolated;
	unsigned int waited_ms = 0;

	set_bit(BALLAST_F_NO_MIGRATE, &b->flags);
	if (!b->knobs.compaction)
		return;
	/*
	 * An isolated page is the kernel's until it puts it back (every
	 * move is refused now, so it soon does): it must not find our list
	 * gone. The kernel never keeps one isolated indefinitely.
	 */
	for (;;) {
		spin_lock_irqsave(&b->bdi.pages_lock, flags);
		isolated = b->bdi.isolated_pages;
		spin_unlock_irqrestore(&b->bdi.pages_lock, flags);
		if (!isolated)
			break;
		if (waited_ms && waited_ms % ISOLATED_LOG_MS == 0)
			pr_warn("ballast: unload waits for %lu pages compaction holds\n",
				isolated);
		msleep(10);
		waited_ms += 10;
	}
}
