// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ballast.ko: pages and frames. The core's two ops, and the stock
 * balloon for the range above the boot size.
 *
 * Inflate: pages from the page allocator that may fail rather than push
 * the guest into the OOM killer; scrubbed; unmapped (PV); frames to Xen
 * with XENMEM_decrease_reservation through the kernel's xenmem_reservation
 * helpers, which handle PV p2m and auto-translated guests alike.
 * Deflate: XENMEM_populate_physmap, mappings restored, pages freed.
 */
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/page-flags.h>
#include <xen/balloon.h>
#include <xen/mem-reservation.h>
#include <xen/page.h>

#include "ballast.h"

/* Never the OOM killer, never the emergency reserves, no warning splat. */
#define BALLAST_GFP (GFP_HIGHUSER | __GFP_NORETRY | __GFP_NOMEMALLOC | \
		     __GFP_NOWARN)

/* Pages Xen refused: map them again and give them back to the guest. */
static void unwind_refused(struct ballast *b, u32 from, u32 to)
{
	u32 i;

	if (from >= to)
		return;
	/* PV: batch_frames still holds the machine frames we own. */
	xenmem_reservation_va_mapping_update(to - from, &b->batch_pages[from],
					     &b->batch_frames[from]);
	for (i = from; i < to; i++)
		__free_page(b->batch_pages[i]);
}

static void mem_inflate(void *ctx, u32 nr, struct bcore_xfer *out)
{
	struct ballast *b = ctx;
	u32 taken = 0, done, i;
	int rc;

	out->taken = 0;
	out->done = 0;
	nr = min_t(u32, nr, BCORE_BATCH_MAX);
	while (taken < nr) {
		struct page *page;

		/* The guest ran out of memory meanwhile: this is a failure. */
		if (test_bit(BALLAST_F_OOM_MISSED, &b->flags))
			break;
		page = alloc_page(BALLAST_GFP);
		if (!page)
			break;
		/*
		 * Scrub ourselves: the stock helper's switch (xen_scrub_pages)
		 * is not exported to modules.
		 */
		if (b->knobs.scrub)
			clear_highpage(page);
		b->batch_pages[taken] = page;
		b->batch_frames[taken] = xen_page_to_gfn(page);
		taken++;
	}
	out->taken = taken;
	if (!taken)
		return;

	xenmem_reservation_va_mapping_reset(taken, b->batch_pages);
	rc = xenmem_reservation_decrease(taken, b->batch_frames);
	/* Xen handles extents in order: the first rc are gone. */
	done = rc > 0 ? min_t(u32, rc, taken) : 0;
	for (i = 0; i < done; i++) {
		struct page *page = b->batch_pages[i];

		adjust_managed_page_count(page, -1);
		__SetPageOffline(page);
		list_add(&page->lru, &b->pages);
	}
	unwind_refused(b, done, taken);
	out->done = done;
}

static u32 mem_deflate(void *ctx, u32 nr)
{
	struct ballast *b = ctx;
	struct page *page;
	u32 n = 0, i, got;
	int rc;

	nr = min_t(u32, nr, BCORE_BATCH_MAX);
	list_for_each_entry(page, &b->pages, lru) {
		if (n == nr)
			break;
		b->batch_pages[n] = page;
		b->batch_frames[n] = page_to_xen_pfn(page);
		n++;
	}
	if (!n)
		return 0;
	rc = xenmem_reservation_increase(n, b->batch_frames);
	/* Partial success (Xen short of memory, max_pages) is accepted. */
	got = rc > 0 ? min_t(u32, rc, n) : 0;
	for (i = 0; i < got; i++) {
		page = b->batch_pages[i];
		list_del(&page->lru);
		/* PV: batch_frames now holds the new machine frames. */
		xenmem_reservation_va_mapping_update(1, &page, &b->batch_frames[i]);
		__ClearPageOffline(page);
		adjust_managed_page_count(page, 1);
		__free_page(page);
	}
	return got;
}

const struct bcore_ops ballast_mem_ops = {
	.inflate = mem_inflate,
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

	if (goal == b->stock_target_pages)
		return;
	if (goal > b->stock_target_pages && b->core.ballooned_pages)
		return;
	b->stock_target_pages = goal;
	balloon_set_new_target(goal);
}

/* Unload: the stock balloon goes back to where the toolstack left it. */
void ballast_restore_stock(struct ballast *b)
{
	if (b->stock_target_pages != b->core.boot_pages)
		balloon_set_new_target((unsigned long)b->core.boot_pages);
	b->stock_target_pages = b->core.boot_pages;
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
