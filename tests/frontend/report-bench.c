// SPDX-License-Identifier: MIT
/*
 * Idle cost of the report cycle (`make bench`): xenstore transactions and
 * key writes one idle guest makes in an hour, with the old 10 s heartbeat
 * and the default one, over the same seeded model of an idle guest (worker
 * run every 2 s; page cache drifting, a cron job every 15 min, a few major
 * faults, no PSI stall). Both frontends run breport_next() per run and
 * write every present key plus seq when it says so.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "breport.h"

#define RUN_MS		2000U
#define HOUR_MS		3600000ULL

struct idle_guest {
	uint64_t rng;
	uint64_t mem_available_kib;
	uint64_t committed_as_kib;
	uint64_t major_faults;
};

static uint64_t rnd(struct idle_guest *g)
{
	g->rng ^= g->rng << 13;
	g->rng ^= g->rng >> 7;
	g->rng ^= g->rng << 17;
	return g->rng;
}

/* One worker run's sample of an idle 1 GiB guest at its target. */
static void idle_sample(struct idle_guest *g, uint64_t now_ms,
			struct breport_stats *s)
{
	int64_t drift = (int64_t)(rnd(g) % 1025) - 512;	/* +-512 KiB */

	g->mem_available_kib += (uint64_t)drift;
	if (now_ms % (15 * 60 * 1000) == 892000)	/* cron: 24 MiB of cache */
		g->mem_available_kib -= 24576;
	g->committed_as_kib += (uint64_t)((int64_t)(rnd(g) % 257) - 128);
	g->major_faults += rnd(g) % 4;

	memset(s, 0, sizeof(*s));
	breport_set(s, BALLAST_K_CURRENT, 1048576);
	breport_set(s, BALLAST_K_BALLOONED, 262144);
	breport_set(s, BALLAST_K_STATE, BALLAST_STATE_AT_TARGET);
	breport_set(s, BALLAST_K_RATE, 16384);
	breport_set(s, BALLAST_K_ALLOC_FAILURES, 0);
	breport_set(s, BALLAST_K_HOST_REFUSALS, 0);
	breport_set(s, BALLAST_K_BAD_TARGETS, 0);
	breport_set(s, BALLAST_K_OOM_DEFLATES, 0);
	breport_set(s, BALLAST_K_MEM_AVAILABLE, g->mem_available_kib);
	breport_set(s, BALLAST_K_COMMITTED_AS, g->committed_as_kib);
	breport_set(s, BALLAST_K_PSI_SOME_AVG10, 0);
	breport_set(s, BALLAST_K_PSI_FULL_AVG10, 0);
	breport_set(s, BALLAST_K_SWAP_IN, 0);
	breport_set(s, BALLAST_K_SWAP_OUT, 0);
	breport_set(s, BALLAST_K_MAJOR_FAULTS, g->major_faults);
	breport_set(s, BALLAST_K_OOM_KILLS, 0);
	breport_set(s, BALLAST_K_FLOOR, 131072);
}

static unsigned int popcount64(uint64_t v)
{
	unsigned int n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

struct cost {
	uint64_t transactions;
	uint64_t keys;
};

static struct cost idle_hour(uint64_t max_interval_ms)
{
	struct idle_guest g = {
		.rng = 0x9e3779b97f4a7c15ULL,
		.mem_available_kib = 600000,
		.committed_as_kib = 400000,
	};
	struct breport_thresholds th;
	struct breport_stats s;
	struct cost c = { 0, 0 };
	struct breport r;
	uint64_t now_ms, seq;

	breport_default_thresholds(&th);
	th.max_interval_ms = max_interval_ms;
	breport_init(&r, &th);
	/* The first report (at load) is not idle cost: start after it. */
	idle_sample(&g, RUN_MS, &s);
	breport_result(&r, 0, &s, breport_next(&r, &s, RUN_MS, false), RUN_MS);
	for (now_ms = 2 * RUN_MS; now_ms <= HOUR_MS + RUN_MS; now_ms += RUN_MS) {
		idle_sample(&g, now_ms, &s);
		seq = breport_next(&r, &s, now_ms, false);
		if (!seq)
			continue;
		c.transactions++;
		c.keys += popcount64(s.present) + 1;	/* + seq */
		breport_result(&r, 0, &s, seq, now_ms);
	}
	return c;
}

int main(void)
{
	struct breport_thresholds th;
	struct cost before, now;

	breport_default_thresholds(&th);
	before = idle_hour(10000);
	now = idle_hour(th.max_interval_ms);
	printf("## Idle report cost per guest per hour (report-bench)\n\n");
	printf("| heartbeat | transactions/h | key writes/h | at 1,000 guests, transactions/s |\n");
	printf("|---:|---:|---:|---:|\n");
	printf("| 10 s (before) | %" PRIu64 " | %" PRIu64 " | %.1f |\n",
	       before.transactions, before.keys, before.transactions * 1000.0 / 3600);
	printf("| %" PRIu64 " s (default) | %" PRIu64 " | %" PRIu64 " | %.1f |\n",
	       th.max_interval_ms / 1000, now.transactions, now.keys,
	       now.transactions * 1000.0 / 3600);
	printf("\nratio (before / default): %.1f\n\n",
	       now.transactions ? (double)before.transactions / now.transactions : 0.0);
	return now.transactions < before.transactions ? 0 : 1;
}
