// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ballast.ko: pages and frames, and the stock balloon for the range above
 * the boot size.
 *
 * The order follows the in-tree balloons. Pages are allocated (and
 * scrubbed) without b->lock, so the allocator's direct reclaim never runs
 * under a lock the OOM path needs (virtio_balloon allocates outside its
 * balloon_lock too). Under b->lock only the hypercalls and the splice onto
 * the ballooned list happen, one batch at a time. PV guests: the direct
 * map's entries are cleared, every vCPU's TLB is flushed, and only then do
 * the frames go to Xen (drivers/xen/balloon.c flushes at the same point):
 * a vCPU still caching the old translation could otherwise write into a
 * frame the guest no longer owns.
 *
 * b->bdi.pages_lock (a spinlock, irqsave) guards only the ballooned list:
 * the worker takes it for the splice, the OOM notifier to take pages off
 * the list, and with compaction on the kernel's balloon_mops to isolate a
 * page (take it off) or put it back. Pages off the list belong to whoever
 * took them.
 *
 * With compaction on (compact.c), a listed page is movable: its
 * page->mapping says balloon_mops and page->private our balloon_dev_info,
 * both set and cleared only under the page's lock and then pages_lock, as
 * <linux/balloon_compaction.h> asks, so a compactor that found the page by
 * its pfn sees it either listed and movable or neither. A page becomes
 * movable only once its frame is Xen's, and stops being movable as it
 * leaves the list, before its frame comes back. PageOffline is set before
 * the frame goes and cleared after it is back, as before.
 */
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/page-flags.h>
#include <linux/pagemap.h>
#include <asm/xen/hypercall.h>
#include <xen/balloon.h>
#include <xen/features.h>
#include <xen/mem-reservation.h>
#include <xen/page.h>

#include "ballast.h"

/*
 * Never the OOM killer, never the emergency reserves, no warning splat.
 * Movable with compaction (balloon_mapping_gfp_mask(): the page may come
 * from ZONE_MOVABLE or CMA, which is right only because it can be moved),
 * else unmovable, as before.
 */
#define BALLAST_GFP_FLAGS (__GFP_NORETRY | __GFP_NOMEMALLOC | __GFP_NOWARN)

gfp_t ballast_gfp(const struct ballast *b)
{
	return (b->knobs.compaction ? balloon_mapping_gfp_mask() : GFP_HIGHUSER) |
	       BALLAST_GFP_FLAGS;
}

u32 ballast_alloc_batch(struct ballast *b, u32 nr)
{
	gfp_t gfp = ballast_gfp(b);
	/* init_on_alloc=1 (Debian's default) zeroed the page already. */
	bool clear = b->knobs.scrub && !want_init_on_alloc(gfp);
	u32 taken = 0;

	nr = min_t(u32, nr, BCORE_BATCH_MAX);
	while (taken < nr) {
		struct page *page;

		/* The guest ran out of memory meanwhile: this is a failure. */
		if (test_bit(BALLAST_F_OOM, &b->flags))
			break;
		page = alloc_page(gfp);
		if (!page)
			break;
		/*
		 * Scrub ourselves: the stock helper's switch (xen_scrub_pages)
		 * is not exported to modules.
		 */
		if (clear)
			clear_highpage(page);
		b->batch_pages[taken++] = page;
	}
	return taken;
}

void ballast_free_batch(struct ballast *b, u32 from, u32 to)
{
	u32 i;

	for (i = from; i < to; i++)
		__free_page(b->batch_pages[i]);
}

/*
 * PV: the guest's page tables map machine frames, and clearing an entry
 * with update_va_mapping(..., 0) flushes no TLB. One MMUEXT_TLB_FLUSH_ALL
 * flushes every vCPU of the domain; the in-tree flush_tlb_all() is not
 * exported to modules, the hypercall is (through the static-call
 * trampoline every Xen module uses). Auto-translated guests (PVH, HVM):
 * the helpers leave the mappings alone and Xen flushes its own p2m.
 */
static int flush_guest_tlbs(void)
{
	struct mmuext_op op = { .cmd = MMUEXT_TLB_FLUSH_ALL };

	if (xen_feature(XENFEAT_auto_translated_physmap))
		return 0;
	return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

u32 ballast_frames_to_xen(struct page **pages, xen_pfn_t *frames, u32 n)
{
	u32 done = 0, i;
	int rc;

	if (!n)
		return 0;
	for (i = 0; i < n; i++)
		frames[i] = xen_page_to_gfn(pages[i]);
	xenmem_reservation_va_mapping_reset(n, pages);
	rc = flush_guest_tlbs();
	if (rc) {
		pr_warn_ratelimited("ballast: TLB flush failed (%d): frames kept\n",
				    rc);
	} else {
		rc = xenmem_reservation_decrease(n, frames);
		/* Xen handles extents in order: the first rc are gone. */
		done = rc > 0 ? min_t(u32, rc, n) : 0;
	}
	/* Refused: on PV, frames still holds the frames we own. */
	if (done < n)
		xenmem_reservation_va_mapping_update(n - done, &pages[done],
						     &frames[done]);
	return done;
}

u32 ballast_frames_from_xen(struct page **pages, xen_pfn_t *frames, u32 n)
{
	u32 got, i;
	int rc;

	if (!n)
		return 0;
	for (i = 0; i < n; i++)
		frames[i] = page_to_xen_pfn(pages[i]);
	rc = xenmem_reservation_increase(n, frames);
	/* Partial success (Xen short of memory, max_pages) is accepted. */
	got = rc > 0 ? min_t(u32, rc, n) : 0;
	/* PV: frames now holds the new machine frames. */
	if (got)
		xenmem_reservation_va_mapping_update(got, pages, frames);
	return got;
}

/*
 * @n pages onto the list, their frames Xen's: movable with compaction, each
 * locked first then (a compactor holds a page's lock only for a moment, and
 * never waits for anything of ours while it does); else under one hold of
 * the lock. compact.c lists the page a move gives on its own: the kernel
 * holds that page's lock.
 */
void ballast_list_pages(struct ballast *b, struct page **pages, u32 n)
{
	unsigned long flags;
	u32 i;

	if (!n)
		return;
	if (!b->knobs.compaction) {
		spin_lock_irqsave(&b->bdi.pages_lock, flags);
		for (i = 0; i < n; i++)
			list_add(&pages[i]->lru, &b->bdi.pages);
		spin_unlock_irqrestore(&b->bdi.pages_lock, flags);
		return;
	}
	for (i = 0; i < n; i++) {
		lock_page(pages[i]);
		spin_lock_irqsave(&b->bdi.pages_lock, flags);
#ifdef CONFIG_BALLOON_COMPACTION
		__SetPageMovable(pages[i], &balloon_mops);
		set_page_private(pages[i], (unsigned long)&b->bdi);
#endif
		list_add(&pages[i]->lru, &b->bdi.pages);
		spin_unlock_irqrestore(&b->bdi.pages_lock, flags);
		unlock_page(pages[i]);
	}
}

/*
 * pages_lock and the page's lock held (or compaction off): @page leaves
 * the balloon's hands for compaction's; no longer movable.
 */
void ballast_unmovable(struct ballast *b, struct page *page)
{
#ifdef CONFIG_BALLOON_COMPACTION
	if (b->knobs.compaction) {
		__ClearPageMovable(page);
		set_page_private(page, 0);
	}
#endif
}

u32 ballast_give_batch(struct ballast *b, u32 n)
{
	u32 done, i;

	lockdep_assert_held(&b->lock);
	n = min_t(u32, n, BCORE_BATCH_MAX);
	if (!n)
		return 0;
	/*
	 * Offline before the frames go, as balloon_append() does: kdump and
	 * /proc/kcore skip PageOffline pages, and must not read one whose
	 * frame is already Xen's.
	 */
	for (i = 0; i < n; i++) {
		__SetPageOffline(b->batch_pages[i]);
		adjust_managed_page_count(b->batch_pages[i], -1);
	}
	done = ballast_frames_to_xen(b->batch_pages, b->batch_frames, n);
	ballast_list_pages(b, b->batch_pages, done);
	if (done < n) {
		for (i = done; i < n; i++) {
			adjust_managed_page_count(b->batch_pages[i], 1);
			__ClearPageOffline(b->batch_pages[i]);
		}
		ballast_free_batch(b, done, n);
	}
	return done;
}

/*
 * With compaction, a page whose lock someone holds (a compactor looking at
 * it, or one isolating it) is skipped this time: it may be leaving the
 * list; isolated pages are not on it at all.
 */
u32 ballast_take_listed(struct ballast *b, struct page **pages, u32 nr)
{
	struct page *page, *next;
	unsigned long flags;
	u32 n = 0;

	nr = min_t(u32, nr, BCORE_BATCH_MAX);
	spin_lock_irqsave(&b->bdi.pages_lock, flags);
	list_for_each_entry_safe(page, next, &b->bdi.pages, lru) {
		if (n == nr)
			break;
		if (b->knobs.compaction && !trylock_page(page))
			continue;
		list_del(&page->lru);
		if (b->knobs.compaction) {
			ballast_unmovable(b, page);
			unlock_page(page);
		}
		pages[n++] = page;
	}
	spin_unlock_irqrestore(&b->bdi.pages_lock, flags);
	return n;
}

u32 ballast_return_frames(struct ballast *b, struct page **pages,
			  xen_pfn_t *frames, u32 n)
{
	u32 got, i;

	got = ballast_frames_from_xen(pages, frames, n);
	for (i = 0; i < got; i++) {
		__ClearPageOffline(pages[i]);
		adjust_managed_page_count(pages[i], 1);
		__free_page(pages[i]);
	}
	ballast_list_pages(b, &pages[got], n - got);
	return got;
}

/* Drain's one op (it only deflates); b->lock held. */
static u32 mem_deflate(void *ctx, u32 nr)
{
	struct ballast *b = ctx;
	u32 n = ballast_take_listed(b, b->batch_pages, nr);

	return ballast_return_frames(b, b->batch_pages, b->batch_frames, n);
}

static void mem_inflate_unused(void *ctx, u32 nr, struct bcore_xfer *out)
{
	/* bcore_drain() never inflates; the worker inflates batch by batch. */
	out->taken = 0;
	out->done = 0;
}

const struct bcore_ops ballast_drain_ops = {
	.inflate = mem_inflate_unused,
	.deflate = mem_deflate,
};

/*
 * Above the boot size the stock balloon holds the frames (up to maxmem):
 * move its target, only when ours changed, so a toolstack's own xl mem-set
 * is not undone on every tick. Growth waits until our own balloon is
 * empty: both draw on the domain's one max_pages, and our pages first.
 */
void ballast_sync_stock(struct ballast *b)
{
	unsigned long goal = (unsigned long)bcore_stock_goal(&b->core);

	/* Beyond static-max the stock balloon would hot-add memory. */
	if (bcore_stock_clamped(&b->core) && !b->stock_clamp_logged)
		pr_warn("ballast: target above %s (%llu KiB): the stock balloon is asked for that much only\n",
			BALLAST_STOCK_STATIC_MAX,
			(unsigned long long)((b->core.cfg.stock_max_pages +
					      b->core.cfg.offset_pages) *
					     b->core.cfg.page_kib));
	b->stock_clamp_logged = bcore_stock_clamped(&b->core);

	if (goal == b->stock_target_pages) {
		/* It gave up after a few refusals: setting it again restarts it. */
		if (bcore_stock_nudge(&b->core))
			balloon_set_new_target(goal);
		return;
	}
	if (goal > b->stock_target_pages && b->core.ballooned_pages)
		return;
	b->stock_target_pages = goal;
	balloon_set_new_target(goal);
}

/* What the guest has now, in the unit of memory/target. */
u64 ballast_current_kib(struct ballast *b)
{
	u64 stock = READ_ONCE(balloon_stats.current_pages);
	u64 pages = stock > b->core.ballooned_pages ?
		    stock - b->core.ballooned_pages : 0;

	return (pages + b->core.cfg.offset_pages) * (PAGE_SIZE / SZ_1K);
}

u64 ballast_mem_available_pages(void)
{
	long avail = si_mem_available();

	return avail > 0 ? (u64)avail : 0;
}
