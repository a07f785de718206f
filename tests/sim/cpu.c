// SPDX-License-Identifier: MIT
/*
 * The guests' processors: a CPU model and the processor policy
 * (bsched_vcpu_tick), one step per tick after the memory decision.
 *
 * Model (FORMAT.md, "Processors"): a guest runs the threads its `load`
 * directives give it. It reports the 1-minute load average (an
 * exponential average of the threads, 60 s), PSI cpu some avg10 (100 %
 * while it has more threads than online vCPUs, averaged over 10 s),
 * runnable = threads, and the steal the host imposes when the busy vCPUs
 * of all guests exceed its pCPUs. A guest with a frontend brings vCPUs
 * online at once when made available and takes them down at once, except
 * below its `pin`: it stops there and counts a refusal.
 */
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define LOAD_PERIOD_MS	60000u	/* the 1-minute load average */
#define PSI_PERIOD_MS	10000u	/* avg10 */
#define LOAD_UNIT	10000u	/* load kept in 1/10000 task */
#define FULL_CENTIPCT	10000u

struct cpu_rt {
	uint32_t online;		/* in Xen */
	uint32_t target;		/* published cpu/N/availability count */
	uint64_t load;			/* 1/10000 task */
	uint64_t psi;			/* 0.01 % */
	uint32_t steal;			/* 0.01 %, of the last tick */
	uint64_t refusals;		/* DATA/cpu-offline-refusals */
	bool seen;			/* present before */
};

struct sim_cpu {
	const struct sim_scenario *scn;
	struct bsched_vcpu_state *st;
	struct cpu_rt g[SIM_MAX_GUESTS];
	struct bsched_vcpu_domain doms[SIM_MAX_GUESTS];
};

struct sim_cpu *sim_cpu_new(const struct sim_scenario *scn)
{
	struct sim_cpu *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->scn = scn;
	c->st = bsched_vcpu_state_new();
	if (!c->st) {
		free(c);
		return NULL;
	}
	return c;
}

void sim_cpu_free(struct sim_cpu *c)
{
	if (!c)
		return;
	bsched_vcpu_state_free(c->st);
	free(c);
}

static uint32_t threads_at(const struct sim_scenario *scn, uint32_t domid,
			   uint64_t now_ms)
{
	uint32_t n = 0;
	uint64_t latest = 0;
	bool any = false;

	for (size_t k = 0; k < scn->n_load; k++) {
		const struct sim_load *l = &scn->load[k];

		if (l->domid != domid || l->at_ms > now_ms ||
		    (any && l->at_ms < latest))
			continue;
		n = l->threads;
		latest = l->at_ms;
		any = true;
	}
	return n;
}

static bool has_frontend(const struct sim_guest *sg)
{
	return sg->stats && (sg->dom.frontend == BSCHED_FE_DRIVER ||
			     sg->dom.frontend == BSCHED_FE_AGENT);
}

/* v moves toward goal by the share of the tick in @period_ms. */
static uint64_t average(uint64_t v, uint64_t goal, uint64_t tick_ms,
			uint64_t period_ms)
{
	if (tick_ms >= period_ms)
		return goal;
	if (goal > v)
		return v + (goal - v) * tick_ms / period_ms;
	return v - (v - goal) * tick_ms / period_ms;
}

static void build(struct sim_cpu *c, const struct sim_row *rows, size_t n,
		  uint64_t now_ms)
{
	for (size_t i = 0; i < n; i++) {
		const struct sim_guest *sg = &c->scn->guests[rows[i].guest];
		struct cpu_rt *g = &c->g[rows[i].guest];

		if (!g->seen) {
			g->online = sg->vcpus;
			g->target = sg->vcpus;
			g->seen = true;
		}
		c->doms[i] = (struct bsched_vcpu_domain) {
			.domid = sg->dom.domid,
			.enabled = sg->vcpu_scaling,
			.has_frontend = has_frontend(sg),
			.vcpus_min = sg->vcpus_min, .vcpus_max = sg->vcpus_max,
			.shares = sg->cpu_shares, .maxvcpus = sg->maxvcpus,
			.online_vcpus = g->online, .target_vcpus = g->target,
			.stats = {
				.present = has_frontend(sg),
				.psi_cpu_some_avg10_centipct = (uint32_t)g->psi,
				.load_avg1_centi = (uint32_t)(g->load / 100),
				.runnable = threads_at(c->scn, sg->dom.domid,
						       now_ms),
				.steal_centipct = g->steal,
				.offline_refusals = g->refusals,
			},
		};
	}
}

/* The invariants of bsched_vcpu.h, every tick. */
static void check(const struct sim_guest *sg, const struct cpu_rt *g,
		  const struct bsched_vcpu_decision *d, uint64_t now_ms,
		  struct sim_trace *tr)
{
	uint32_t hi = sg->vcpus_max < sg->maxvcpus ? sg->vcpus_max :
		      sg->maxvcpus;
	uint32_t lo = sg->vcpus_min < hi ? sg->vcpus_min : hi;

	if (d->target_vcpus < 1 || d->target_vcpus > sg->maxvcpus)
		sim_note_break(tr, "dom %u vCPU target %u outside [1,%u] at %llu ms",
			       sg->dom.domid, d->target_vcpus, sg->maxvcpus,
			       (unsigned long long)now_ms);
	if (sg->vcpu_scaling && has_frontend(sg) && g->target >= lo &&
	    g->target <= hi && (d->target_vcpus < lo || d->target_vcpus > hi))
		sim_note_break(tr, "dom %u vCPU target %u outside [%u,%u] at %llu ms",
			       sg->dom.domid, d->target_vcpus, lo, hi,
			       (unsigned long long)now_ms);
	if ((!sg->vcpu_scaling || !has_frontend(sg)) &&
	    d->target_vcpus != g->target)
		sim_note_break(tr, "dom %u vCPU count changed without a frontend at %llu ms",
			       sg->dom.domid, (unsigned long long)now_ms);
}

/* The guest follows its published count; below its pin it refuses. */
static void follow(const struct sim_guest *sg, struct cpu_rt *g)
{
	uint32_t t = g->target;

	if (!sg->vcpu_scaling || !has_frontend(sg))
		return;
	if (t < g->online && sg->pin && t < sg->pin) {
		t = sg->pin < g->online ? sg->pin : g->online;
		g->refusals++;
	}
	g->online = t;
}

/* Load, PSI and steal over the tick that follows. */
static void run_tick(struct sim_cpu *c, const struct sim_row *rows, size_t n,
		     uint64_t now_ms)
{
	uint64_t busy = 0, tick = c->scn->tick_ms;

	for (size_t i = 0; i < n; i++) {
		const struct sim_guest *sg = &c->scn->guests[rows[i].guest];
		uint32_t th = threads_at(c->scn, sg->dom.domid, now_ms);
		const struct cpu_rt *g = &c->g[rows[i].guest];

		busy += th < g->online ? th : g->online;
	}
	for (size_t i = 0; i < n; i++) {
		const struct sim_guest *sg = &c->scn->guests[rows[i].guest];
		struct cpu_rt *g = &c->g[rows[i].guest];
		uint32_t th = threads_at(c->scn, sg->dom.domid, now_ms);

		g->load = average(g->load, (uint64_t)th * LOAD_UNIT, tick,
				  LOAD_PERIOD_MS);
		g->psi = average(g->psi, th > g->online ? FULL_CENTIPCT : 0,
				 tick, PSI_PERIOD_MS);
		g->steal = th && busy > c->scn->pcpus ?
			   (uint32_t)(FULL_CENTIPCT * (busy - c->scn->pcpus) / busy) : 0;
	}
}

int sim_cpu_step(struct sim_cpu *c, uint64_t now_ms, struct sim_row *rows,
		 size_t n, struct sim_trace *tr, char *err, size_t err_len)
{
	struct bsched_vcpu_snapshot snap = {
		.now_ms = now_ms, .host_pcpus = c->scn->pcpus,
		.domains = c->doms, .n_domains = n,
	};
	struct bsched_vcpu_result res;
	int r;

	build(c, rows, n, now_ms);
	r = bsched_vcpu_tick(c->st, &c->scn->vcfg, &snap, &res);
	if (r) {
		snprintf(err, err_len, "bsched_vcpu_tick at %llu ms: %s",
			 (unsigned long long)now_ms, strerror(-r));
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const struct sim_guest *sg = &c->scn->guests[rows[i].guest];
		struct cpu_rt *g = &c->g[rows[i].guest];

		check(sg, g, &res.decisions[i], now_ms, tr);
		rows[i].has_cpu = true;
		rows[i].vdec = res.decisions[i];
		rows[i].online_vcpus = g->online;
		rows[i].threads = c->doms[i].stats.runnable;
		g->target = res.decisions[i].target_vcpus;
		follow(sg, g);
	}
	bsched_vcpu_result_free(&res);
	run_tick(c, rows, n, now_ms);
	return 0;
}
