/* SPDX-License-Identifier: MIT */
/*
 * A domain's facts and subscription (ballastd-sub.c): its name and
 * memory/static-max from the toolstack, whether libxl is still building
 * it, the balloon ballastd steers, and min/max/shares from ballastd.conf
 * and the runtime overrides of `ballastctl set`.
 */
#ifndef BALLASTD_SUB_H
#define BALLASTD_SUB_H

#include "ballastd-env.h"
#include "ballastd-guest.h"

/* Assigned in ballastd-sub.c only. */
struct bd_sub {
	enum bsched_frontend frontend;	/* the guest's, or the stock balloon (config) */
	uint64_t static_max_kib;
	uint64_t min_kib, max_kib;
	uint32_t shares;
	bool lift_above_max;		/* [domain] lift-above-max */
	bool probe;			/* [domain] probe, else [host] probe */
	bool name_cut;			/* longer than a bd_who holds: no [domain], no override */
	bool building;			/* paused or claiming: not steered yet */
	bool managed;
};

/* The name (into @who) and static-max. -ESRCH: the domain has no tree,
 * gone; another -errno: its name could not be read this time. */
int bd_sub_identify(struct bd_env *env, struct bd_who *who, struct bd_sub *s,
		    const struct bio_dominfo *info);

/* The balloon, the subscription and whether it is steered, this tick. */
void bd_sub_resolve(struct bd_env *env, const struct bd_who *who,
		    struct bd_sub *s, const struct bd_guest *g,
		    const struct bio_dominfo *info);

#endif /* BALLASTD_SUB_H */
