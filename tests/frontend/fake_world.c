// SPDX-License-Identifier: MIT
/*
 * The fake guest OS and fake hypervisor: see fake_world.h.
 */
#include "fake_world.h"

static uint64_t min3(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t m = a < b ? a : b;

	return m < c ? m : c;
}

void fake_world_init(struct fake_world *w, uint64_t guest_free_pages)
{
	struct fake_world z = {
		.guest = { .free_pages = guest_free_pages,
			   .alloc_budget = FAKE_UNLIMITED },
		.xen = { .accept_budget = FAKE_UNLIMITED,
			 .give_budget = FAKE_UNLIMITED },
	};

	*w = z;
}

static void note_batch(struct fake_world *w, uint32_t nr)
{
	if (nr > w->largest_batch)
		w->largest_batch = nr;
}

static void fake_inflate(void *ctx, uint32_t nr, struct bcore_xfer *out)
{
	struct fake_world *w = ctx;
	uint64_t taken, done;

	w->inflate_calls++;
	note_batch(w, nr);
	taken = min3(nr, w->guest.free_pages, w->guest.alloc_budget);
	w->guest.free_pages -= taken;
	w->guest.alloc_budget -= w->guest.alloc_budget == FAKE_UNLIMITED ? 0 : taken;

	done = taken < w->xen.accept_budget ? taken : w->xen.accept_budget;
	w->xen.accept_budget -= w->xen.accept_budget == FAKE_UNLIMITED ? 0 : done;
	w->xen.held_frames += done;
	w->xen.host_free += done;
	/* Refused frames: the pages go back to the guest OS. */
	w->guest.free_pages += taken - done;

	out->taken = (uint32_t)taken + w->lie_by;
	out->done = (uint32_t)done + w->lie_by;
}

static uint32_t fake_deflate(void *ctx, uint32_t nr)
{
	struct fake_world *w = ctx;
	uint64_t got;

	w->deflate_calls++;
	note_batch(w, nr);
	got = min3(nr, w->xen.host_free, w->xen.give_budget);
	if (got > w->xen.held_frames)
		got = w->xen.held_frames;
	w->xen.give_budget -= w->xen.give_budget == FAKE_UNLIMITED ? 0 : got;
	w->xen.host_free -= got;
	w->xen.held_frames -= got;
	w->guest.free_pages += got;
	return (uint32_t)got + w->lie_by;
}

const struct bcore_ops fake_ops = {
	.inflate = fake_inflate,
	.deflate = fake_deflate,
};
