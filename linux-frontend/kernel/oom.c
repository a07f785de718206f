// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ballast.ko: the OOM notifier. Before the OOM killer picks a victim,
 * give back a bounded number of ballooned pages so the balloon never gets
 * a process killed. The core raises the effective target by as much, so
 * the next tick does not take them again; a new target from the host
 * starts over.
 */
#include <linux/oom.h>

#include "ballast.h"

static int ballast_oom_notify(struct notifier_block *nb, unsigned long unused,
			      void *parm)
{
	struct ballast *b = container_of(nb, struct ballast, oom_nb);
	unsigned long *freed = parm;
	u64 got;

	/*
	 * The worker may hold the lock inflating; never wait in OOM. It stops
	 * taking pages at its next allocation and gives the pages back as soon
	 * as it can (ballast_oom_deferred), too late for this OOM but in time
	 * for the next.
	 */
	if (!mutex_trylock(&b->lock)) {
		set_bit(BALLAST_F_OOM_MISSED, &b->flags);
		ballast_kick(b, false);
		return NOTIFY_OK;
	}
	clear_bit(BALLAST_F_OOM_MISSED, &b->flags);
	got = bcore_oom(&b->core, &ballast_mem_ops, b, b->knobs.oom_pages);
	mutex_unlock(&b->lock);
	if (got) {
		*freed += got;
		pr_info_ratelimited("ballast: out of memory, gave back %llu pages\n",
				    (unsigned long long)got);
		ballast_kick(b, false);	/* report it soon */
	}
	return NOTIFY_OK;
}

/* The relief an OOM could not get while the worker held the lock. Locked. */
void ballast_oom_deferred(struct ballast *b)
{
	u64 got;

	if (!test_and_clear_bit(BALLAST_F_OOM_MISSED, &b->flags))
		return;
	got = bcore_oom(&b->core, &ballast_mem_ops, b, b->knobs.oom_pages);
	if (got)
		pr_info_ratelimited("ballast: out of memory while inflating, gave back %llu pages\n",
				    (unsigned long long)got);
}

int ballast_oom_start(struct ballast *b)
{
	b->oom_nb.notifier_call = ballast_oom_notify;
	/* After virtio_balloon (80): a guest has one balloon or the other. */
	b->oom_nb.priority = 80;
	return register_oom_notifier(&b->oom_nb);
}

void ballast_oom_stop(struct ballast *b)
{
	unregister_oom_notifier(&b->oom_nb);
}
