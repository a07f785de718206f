/* SPDX-License-Identifier: MIT */
/*
 * Balloon compaction: one ballooned page moved by the guest kernel's
 * compaction (or memory offlining, CMA) to a new page. The balloon keeps
 * as many pages as before and the hypervisor as many frames: the old page
 * gets a frame back and the new page's frame goes to the hypervisor.
 *
 * The order: the old page first gets its frame (populate), then the new
 * page's frame goes (decrease). Every failure then ends in a state the
 * kernel's migration can take:
 *
 *   take old  refused   nothing changed                    UNDONE
 *   give new  done      the move                           MOVED
 *   give new  refused   give the old page's frame back:
 *     give old  done    nothing changed                    UNDONE
 *     give old  refused both pages have frames: both go    RELEASED
 *                       to the guest, the balloon is one
 *                       page smaller
 *
 * The other order (decrease first) keeps the domain's frame count under
 * its max_pages, but if the populate then fails and so does populating the
 * new page again, both pages are without frames: the kernel frees the new
 * page (or hands it to the next migration) when the callback fails, so it
 * must never be left without its frame. So populate first; its cost: no
 * page moves while the domain is at its max_pages (ballastd leaves at
 * least 1 MiB above the target) or the host has no free frame.
 *
 * UNDONE is a failed migration (the kernel puts the old page back on the
 * balloon's list); MOVED and RELEASED are a success to the kernel (the old
 * page is freed; for MOVED the new page joins the balloon).
 *
 * Portable and pure: the caller does each step and tells the result.
 */
#ifndef BMIGRATE_H
#define BMIGRATE_H

#include "bcore_compat.h"

enum bmigrate_step {
	BMIGRATE_TAKE_OLD,	/* a frame from the hypervisor for the old page */
	BMIGRATE_GIVE_NEW,	/* the new page's frame to the hypervisor */
	BMIGRATE_GIVE_OLD,	/* undo: the old page's new frame back */
	BMIGRATE_DONE,
};

enum bmigrate_outcome {
	BMIGRATE_UNDONE,	/* as before: the migration failed */
	BMIGRATE_MOVED,		/* new page ballooned, old page the guest's */
	BMIGRATE_RELEASED,	/* both pages the guest's: one page less */
};

struct bmigrate {
	enum bmigrate_step step;
	enum bmigrate_outcome outcome;	/* once step is BMIGRATE_DONE */
};

void bmigrate_begin(struct bmigrate *m);
/* The step the caller does next; BMIGRATE_DONE: read m->outcome. */
enum bmigrate_step bmigrate_next(const struct bmigrate *m);
/* The hypervisor did (@ok) or refused the step bmigrate_next() gave. */
void bmigrate_result(struct bmigrate *m, bool ok);

/*
 * After a refusal, no migration is tried for this long: each try costs up
 * to three hypercalls, and a host without a free frame (or a domain at its
 * max_pages) refuses the next one too, while compaction keeps asking.
 */
#define BMIGRATE_BACKOFF_MS	1000U

/* True unless a refusal at @refused_ms (0: none yet) is under the backoff. */
bool bmigrate_may_try(uint64_t now_ms, uint64_t refused_ms);

/* Outcomes the caller collected, for the core (bcore_migrated()). */
struct bmigrate_tally {
	uint64_t moved;		/* MOVED */
	uint64_t refused;	/* UNDONE and RELEASED: the hypervisor refused */
	uint64_t released;	/* RELEASED: pages that left the balloon */
};

#endif /* BMIGRATE_H */
