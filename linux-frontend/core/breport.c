// SPDX-License-Identifier: MIT
/*
 * Report thresholding: see breport.h.
 */
#include "breport.h"

#define DEFAULT_MEM_KIB		16384U
#define DEFAULT_RATE_KIB_S	4096U
#define DEFAULT_CENTIPCT	10U	/* 0.10 %: the probe's goal (POLICY.md) */
#define DEFAULT_EVENTS		1024U
#define DEFAULT_MAX_INTERVAL_MS	60000U
#define DEFAULT_SAMPLE_MS	10000U
#define DEFAULT_LOAD_CENTI	50U	/* half a runnable task */

enum kind {
	KIND_NONE = 0,	/* not part of the periodic report */
	KIND_ANY,	/* every change matters: states, failure counters */
	KIND_MEM,
	KIND_RATE,
	KIND_PCT,
	KIND_EVENTS,
	KIND_LOAD,	/* load-avg1, 0.01 */
};

static const unsigned char key_kind[BALLAST_K__COUNT] = {
	[BALLAST_K_CURRENT] = KIND_MEM,
	[BALLAST_K_BALLOONED] = KIND_MEM,
	[BALLAST_K_STATE] = KIND_ANY,
	[BALLAST_K_RATE] = KIND_RATE,
	[BALLAST_K_ALLOC_FAILURES] = KIND_ANY,
	[BALLAST_K_HOST_REFUSALS] = KIND_ANY,
	[BALLAST_K_BAD_TARGETS] = KIND_ANY,
	[BALLAST_K_OOM_DEFLATES] = KIND_ANY,
	[BALLAST_K_MEM_AVAILABLE] = KIND_MEM,
	[BALLAST_K_COMMITTED_AS] = KIND_MEM,
	[BALLAST_K_PSI_SOME_AVG10] = KIND_PCT,
	[BALLAST_K_PSI_FULL_AVG10] = KIND_PCT,
	[BALLAST_K_SWAP_IN] = KIND_EVENTS,
	[BALLAST_K_SWAP_OUT] = KIND_EVENTS,
	[BALLAST_K_MAJOR_FAULTS] = KIND_EVENTS,
	[BALLAST_K_OOM_KILLS] = KIND_ANY,
	[BALLAST_K_FLOOR] = KIND_ANY,
	/*
	 * CPU evidence: sampled with PSI (when a report is due, or every
	 * sample_ms); a change of load or CPU pressure makes a report due
	 * then, so the vCPU policy sees it within sample_ms, not a heartbeat
	 * later. A CPU coming or going, or a refusal, is news at once.
	 */
	[BALLAST_K_PSI_CPU_SOME_AVG10] = KIND_PCT,
	[BALLAST_K_LOAD_AVG1] = KIND_LOAD,
	[BALLAST_K_CPUS_ONLINE] = KIND_ANY,
	[BALLAST_K_CPU_OFFLINE_REFUSALS] = KIND_ANY,
	[BALLAST_K_CPU_REFUSED] = KIND_ANY,
};

void breport_default_thresholds(struct breport_thresholds *th)
{
	th->mem_kib = DEFAULT_MEM_KIB;
	th->rate_kib_s = DEFAULT_RATE_KIB_S;
	th->centipct = DEFAULT_CENTIPCT;
	th->events = DEFAULT_EVENTS;
	th->max_interval_ms = DEFAULT_MAX_INTERVAL_MS;
	th->sample_ms = DEFAULT_SAMPLE_MS;
	th->load_centi = DEFAULT_LOAD_CENTI;
}

void breport_init(struct breport *r, const struct breport_thresholds *th)
{
	struct breport z = { .th = *th };

	*r = z;
}

/* One presence bit per key in a u64. */
_Static_assert(BALLAST_K__COUNT <= 64, "breport_stats.present has 64 bits");

static uint64_t bit(enum ballast_key_id id)
{
	return (uint64_t)1 << id;
}

void breport_set(struct breport_stats *s, enum ballast_key_id id, uint64_t v)
{
	if ((unsigned int)id >= BALLAST_K__COUNT)
		return;
	s->v[id] = v;
	s->present |= bit(id);
}

void breport_unset(struct breport_stats *s, enum ballast_key_id id)
{
	if ((unsigned int)id >= BALLAST_K__COUNT)
		return;
	s->v[id] = 0;
	s->present &= ~bit(id);
}

bool breport_has(const struct breport_stats *s, enum ballast_key_id id)
{
	return (unsigned int)id < BALLAST_K__COUNT && (s->present & bit(id));
}

static uint64_t threshold(const struct breport_thresholds *th, enum kind k)
{
	switch (k) {
	case KIND_MEM:
		return th->mem_kib;
	case KIND_RATE:
		return th->rate_kib_s;
	case KIND_PCT:
		return th->centipct;
	case KIND_EVENTS:
		return th->events;
	case KIND_LOAD:
		return th->load_centi;
	default:
		return 0;
	}
}

static bool significant(const struct breport_thresholds *th, enum kind k,
			uint64_t before, uint64_t now)
{
	uint64_t delta = before > now ? before - now : now - before;
	uint64_t t = threshold(th, k);

	if (!delta)
		return false;
	return t == 0 || delta >= t;
}

uint64_t breport_due(const struct breport *r, const struct breport_stats *now,
		     uint64_t now_ms)
{
	unsigned int id;

	if (r->seq == 0)
		return 1;
	if (r->seq >= BALLAST_MAX_COUNTER)
		return 0;	/* 2^63 reports: not in this universe */
	if (now_ms < r->last_ms || now_ms - r->last_ms >= r->th.max_interval_ms)
		return r->seq + 1;
	/* A key appearing or vanishing (PSI switched on) is news. */
	if (now->present != r->last.present)
		return r->seq + 1;
	for (id = 0; id < BALLAST_K__COUNT; id++) {
		enum kind k = (enum kind)key_kind[id];

		if (k == KIND_NONE || !(now->present & bit(id)))
			continue;
		if (significant(&r->th, k, r->last.v[id], now->v[id]))
			return r->seq + 1;
	}
	return 0;
}

void breport_sent(struct breport *r, const struct breport_stats *s,
		  uint64_t seq, uint64_t now_ms)
{
	r->last = *s;
	r->seq = seq;
	r->last_ms = now_ms;
}

uint64_t breport_next(const struct breport *r, const struct breport_stats *s,
		      uint64_t now_ms, bool force)
{
	uint64_t seq = breport_due(r, s, now_ms);

	if (!seq && force && r->seq < BALLAST_MAX_COUNTER)
		seq = r->seq + 1;
	return seq;
}

bool breport_result(struct breport *r, int err, const struct breport_stats *s,
		    uint64_t seq, uint64_t now_ms)
{
	bool first;

	if (!err) {
		r->failing = false;
		breport_sent(r, s, seq, now_ms);
		return false;
	}
	first = !r->failing;
	r->failing = true;
	return first;
}

bool breport_sample_due(const struct breport *r, uint64_t sampled_ms,
			uint64_t now_ms, bool due)
{
	if (due || !sampled_ms || now_ms < sampled_ms)
		return true;
	return now_ms - sampled_ms >= r->th.sample_ms;
}

void breport_carry_slow(struct breport_stats *s, const struct breport *r)
{
	unsigned int id;

	for (id = 0; id < BALLAST_K__COUNT; id++) {
		if (key_kind[id] != KIND_PCT && key_kind[id] != KIND_LOAD)
			continue;
		breport_unset(s, (enum ballast_key_id)id);
		breport_carry(s, r, (enum ballast_key_id)id);
	}
}

void breport_carry(struct breport_stats *s, const struct breport *r,
		   enum ballast_key_id id)
{
	if (breport_has(&r->last, id))
		breport_set(s, id, r->last.v[id]);
}
