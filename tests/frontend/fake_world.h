/* SPDX-License-Identifier: MIT */
/*
 * A fake guest OS and a fake hypervisor behind the core's two ops, able
 * to refuse allocations, refuse frames and give partial results.
 */
#ifndef FAKE_WORLD_H
#define FAKE_WORLD_H

#include <stdint.h>

#include "bcore.h"

#define FAKE_UNLIMITED UINT64_MAX

struct fake_guest {
	uint64_t free_pages;	/* pages the OS could hand out */
	uint64_t alloc_budget;	/* allocations it grants before refusing */
};

struct fake_xen {
	uint64_t held_frames;	/* frames taken from this guest */
	uint64_t host_free;	/* frames Xen could give back to anyone */
	uint64_t accept_budget;	/* frames it accepts before refusing */
	uint64_t give_budget;	/* frames it returns before refusing */
};

struct fake_world {
	struct fake_guest guest;
	struct fake_xen xen;
	unsigned int inflate_calls, deflate_calls;
	uint32_t largest_batch;
	uint32_t lie_by;	/* added to every answer: a buggy op */
};

void fake_world_init(struct fake_world *w, uint64_t guest_free_pages);

extern const struct bcore_ops fake_ops;

#endif /* FAKE_WORLD_H */
