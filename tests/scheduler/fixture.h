/* SPDX-License-Identifier: MIT */
/*
 * A small host for the policy tests: domains, a clock, and "ideal" guests
 * that reach their target at once when told to (fix_settle).
 */
#ifndef BSCHED_TEST_FIXTURE_H
#define BSCHED_TEST_FIXTURE_H

#include "bsched.h"

#define FIX_MAX_DOMS	64
#define MIB		1024ULL
#define GIB		(1024ULL * 1024)
#define TICK_MS		1000ULL

struct fix {
	struct bsched_config cfg;
	struct bsched_state *st;
	struct bsched_domain d[FIX_MAX_DOMS];
	size_t n;
	struct bsched_reservation r[8];
	size_t nr;
	uint64_t total_kib;
	uint64_t external_kib;		/* held by what the policy does not see */
	uint64_t now_ms;
	struct bsched_result res;
	bool have_res;
};

void fix_init(struct fix *f, uint64_t total_kib);
void fix_fini(struct fix *f);
/* Adds a managed driver domain using @used_kib, at @actual_kib. */
struct bsched_domain *fix_dom(struct fix *f, uint32_t domid, uint64_t min_kib,
			      uint64_t max_kib, uint32_t shares,
			      uint64_t actual_kib, uint64_t used_kib);
void fix_used(struct bsched_domain *d, uint64_t used_kib);
uint64_t fix_free(const struct fix *f);
/* One tick at now_ms (then the clock advances); publishes the decisions. */
int fix_tick(struct fix *f);
/* Ideal guests: actual := published target (growth limited by free). */
void fix_settle(struct fix *f);
/* fix_tick + fix_settle, @n times; returns the first error. */
int fix_run(struct fix *f, int n);
const struct bsched_decision *fix_dec(const struct fix *f, uint32_t domid);

#endif /* BSCHED_TEST_FIXTURE_H */
