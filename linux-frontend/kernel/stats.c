// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ballast.ko: the guest's memory statistics for the report.
 *
 * PSI averages are not reachable from a module (psi_system is not
 * exported), so the driver leaves psi-*-avg10 out, as the schema allows;
 * ballast-agent reports them from /proc/pressure/memory.
 */
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/vmstat.h>

#include "ballast.h"

static u64 pages_to_kib(u64 pages)
{
	return pages * (PAGE_SIZE / SZ_1K);
}

void ballast_sample(struct ballast *b, struct breport_stats *s)
{
	all_vm_events(b->vm_events);
	breport_set(s, BALLAST_K_MEM_AVAILABLE,
		    pages_to_kib(ballast_mem_available_pages()));
	breport_set(s, BALLAST_K_COMMITTED_AS,
		    pages_to_kib(vm_memory_committed()));
	breport_set(s, BALLAST_K_SWAP_IN, b->vm_events[PSWPIN]);
	breport_set(s, BALLAST_K_SWAP_OUT, b->vm_events[PSWPOUT]);
	breport_set(s, BALLAST_K_MAJOR_FAULTS, b->vm_events[PGMAJFAULT]);
	breport_set(s, BALLAST_K_OOM_KILLS, b->vm_events[OOM_KILL]);
}
