// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ballast.ko: the OOM notifier. Before the OOM killer picks a victim, give
 * back a bounded number of ballooned pages so the balloon never gets a
 * process killed, also when the balloon's own inflation caused the OOM.
 *
 * It never waits for b->lock (the worker may hold it for a hypercall):
 * it takes pages off the ballooned list under the short pages_lock, gets
 * their frames back itself, and leaves the count for the worker, which
 * folds it into the core under b->lock (ballast_oom_fold()) before its
 * next decision. The core raises the effective target by as much, so the
 * balloon does not take them again; a new target from the host starts
 * over. It also sets BALLAST_F_OOM: a worker allocating a batch right now
 * stops and frees what it holds instead of giving it to Xen.
 */
#include <linux/oom.h>

#include "ballast.h"

static int ballast_oom_notify(struct notifier_block *nb, unsigned long unused,
			      void *parm)
{
	struct ballast *b = container_of(nb, struct ballast, oom_nb);
	unsigned long *freed = parm;
	u32 want = b->knobs.oom_pages, got = 0;

	set_bit(BALLAST_F_OOM, &b->flags);
	/* The kernel serialises OOM notifiers (oom_lock); this is a guard. */
	if (!mutex_trylock(&b->oom_scratch_lock))
		goto out;
	while (got < want) {
		u32 n = ballast_take_listed(b, b->oom_batch_pages,
					    min_t(u32, want - got,
						  BCORE_BATCH_MAX));
		u32 r = ballast_return_frames(b, b->oom_batch_pages,
					      b->oom_batch_frames, n);

		got += r;
		if (!n || r < n)
			break;
	}
	mutex_unlock(&b->oom_scratch_lock);
	if (got) {
		atomic_long_add(got, &b->oom_returned_pages);
		atomic_long_inc(&b->oom_events);
		*freed += got;
		pr_info_ratelimited("ballast: out of memory, gave back %u pages\n",
				    got);
	}
out:
	ballast_kick(b, false);	/* fold it and report it soon */
	return NOTIFY_OK;
}

void ballast_oom_fold(struct ballast *b)
{
	long pages, events;

	lockdep_assert_held(&b->lock);
	pages = atomic_long_xchg(&b->oom_returned_pages, 0);
	events = atomic_long_xchg(&b->oom_events, 0);
	if (pages > 0 || events > 0)
		bcore_oom_returned(&b->core, pages > 0 ? pages : 0,
				   events > 0 ? events : 0);
}

int ballast_oom_start(struct ballast *b)
{
	b->oom_nb.notifier_call = ballast_oom_notify;
	/*
	 * virtio_balloon's priority (80): a guest has one balloon or the
	 * other, so their order does not matter.
	 */
	b->oom_nb.priority = 80;
	return register_oom_notifier(&b->oom_nb);
}

void ballast_oom_stop(struct ballast *b)
{
	unregister_oom_notifier(&b->oom_nb);
}
