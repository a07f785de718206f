// SPDX-License-Identifier: MIT
/*
 * The guest's processors: see bcpu.h. Freestanding, like the rest of the
 * core.
 */
#include "bcpu.h"
#include "bpsi.h"

/* Index of the first @c in the @len bytes at @s, or @len. */
static size_t find(const char *s, size_t len, char c)
{
	size_t i;

	for (i = 0; i < len && s[i] != c; i++)
		;
	return i;
}

/* "D+.DD" exactly: hundredths. */
static bool parse_centi(const char *s, size_t len, uint64_t *out)
{
	size_t dot = find(s, len, '.');
	uint64_t whole, frac;

	if (dot == 0 || dot == len || len - dot - 1 != 2 ||
	    !bpsi_parse_dec(s, dot, &whole) ||
	    !bpsi_parse_dec(s + dot + 1, 2, &frac) ||
	    whole > (UINT64_MAX - frac) / 100)
		return false;
	*out = whole * 100 + frac;
	return true;
}

bool bcpu_parse_loadavg(const char *text, size_t len, uint64_t *load_centi,
			uint64_t *runnable)
{
	size_t sp = find(text, len, ' '), pos, slash;
	unsigned int field;

	if (!parse_centi(text, sp, load_centi))
		return false;
	/* skip avg5 and avg15 */
	pos = sp;
	for (field = 0; field < 2; field++) {
		if (pos >= len)
			return false;
		pos++;
		pos += find(text + pos, len - pos, ' ');
	}
	if (pos >= len)
		return false;
	pos++;
	slash = find(text + pos, len - pos, '/');
	if (pos + slash >= len || !bpsi_parse_dec(text + pos, slash, runnable))
		return false;
	if (*runnable)
		(*runnable)--;	/* the reader */
	return true;
}

bool bcpu_parse_stat_steal(const char *text, size_t len, uint64_t user_hz,
			   uint64_t *steal_ms)
{
	size_t end = find(text, len, '\n'), pos = 3;
	uint64_t v = 0;
	unsigned int field;

	if (user_hz == 0 || end < 4 || text[0] != 'c' || text[1] != 'p' ||
	    text[2] != 'u' || text[3] != ' ')
		return false;
	/* user nice system idle iowait irq softirq steal: the 8th */
	for (field = 0; field < 8; field++) {
		size_t n;

		while (pos < end && text[pos] == ' ')
			pos++;
		n = find(text + pos, end - pos, ' ');
		if (!bpsi_parse_dec(text + pos, n, &v))
			return false;
		pos += n;
	}
	if (v > UINT64_MAX / 1000)
		return false;
	*steal_ms = v * 1000 / user_hz;
	return true;
}

bool bcpu_parse_cpulist(const char *text, size_t len, uint64_t *count)
{
	uint64_t total = 0;
	size_t pos = 0;

	while (len && (text[len - 1] == '\n' || text[len - 1] == '\0'))
		len--;
	if (!len)
		return false;
	while (pos < len) {
		size_t n = find(text + pos, len - pos, ',');
		size_t dash = find(text + pos, n, '-');
		uint64_t lo, hi;

		if (!bpsi_parse_dec(text + pos, dash, &lo))
			return false;
		hi = lo;
		if (dash < n && !bpsi_parse_dec(text + pos + dash + 1, n - dash - 1, &hi))
			return false;
		if (hi < lo || hi - lo >= BALLAST_MAX_VCPUS ||
		    total + (hi - lo + 1) > BALLAST_MAX_VCPUS)
			return false;
		total += hi - lo + 1;
		pos += n;
		if (pos < len && ++pos == len)
			return false;	/* a trailing comma */
	}
	*count = total;
	return true;
}

void bcpu_report(const struct bcpu_evidence *e, struct breport_stats *s)
{
	/* only values the schema accepts: a guest never sends what dom0 refuses */
	if (e->cpus_online >= 1 && e->cpus_online <= BALLAST_MAX_VCPUS)
		breport_set(s, BALLAST_K_CPUS_ONLINE, e->cpus_online);
	if (e->load_avg1_centi <= BALLAST_MAX_LOAD_CENTI)
		breport_set(s, BALLAST_K_LOAD_AVG1, e->load_avg1_centi);
	if (e->runnable <= BALLAST_MAX_TASKS)
		breport_set(s, BALLAST_K_RUNNABLE, e->runnable);
	if (e->has_psi && e->psi_cpu_some_centipct <= BALLAST_MAX_CENTIPCT)
		breport_set(s, BALLAST_K_PSI_CPU_SOME_AVG10, e->psi_cpu_some_centipct);
	if (e->has_steal && e->steal_ms <= BALLAST_MAX_COUNTER)
		breport_set(s, BALLAST_K_STEAL, e->steal_ms);
}

enum bcpu_avail bcpu_parse_avail(const char *s, size_t len)
{
	uint64_t a;

	if (!s || ballast_parse_cpu_availability(s, len, &a) != BALLAST_OK)
		return BCPU_AVAIL_UNKNOWN;
	return a == BALLAST_CPU_ONLINE ? BCPU_AVAIL_ONLINE : BCPU_AVAIL_OFFLINE;
}

void bcpu_hotplug_init(struct bcpu_hotplug *h)
{
	struct bcpu_hotplug z = { .offline_refusals = 0 };

	*h = z;
}

static bool test_bit64(const uint64_t *map, uint32_t cpu)
{
	return map[cpu / 64] & ((uint64_t)1 << (cpu % 64));
}

static void put_bit64(uint64_t *map, uint32_t cpu, bool on)
{
	uint64_t b = (uint64_t)1 << (cpu % 64);

	if (on)
		map[cpu / 64] |= b;
	else
		map[cpu / 64] &= ~b;
}

static bool any_asked_off(const struct bcpu_hotplug *h)
{
	for (unsigned int i = 0; i < BCPU_MAX / 64; i++)
		if (h->asked_off[i])
			return true;
	return false;
}

enum bcpu_action bcpu_look(struct bcpu_hotplug *h, uint32_t cpu,
			   enum bcpu_avail avail, bool present, bool online,
			   uint64_t now_ms)
{
	bool stuck_on = avail == BCPU_AVAIL_OFFLINE && online && cpu != 0;

	if (cpu >= BCPU_MAX)
		return BCPU_NOTHING;
	if (!stuck_on) {
		put_bit64(h->asked_off, cpu, false);
		put_bit64(h->refused, cpu, false);
		if (!any_asked_off(h))
			h->pending_since_ms = 0;
		if (avail != BCPU_AVAIL_ONLINE || online)
			return BCPU_NOTHING;
		return present ? BCPU_BRING_ONLINE : BCPU_WAIT;
	}
	if (!test_bit64(h->asked_off, cpu)) {
		put_bit64(h->asked_off, cpu, true);
		if (!h->pending_since_ms)
			h->pending_since_ms = now_ms ? now_ms : 1;
		return BCPU_WAIT;
	}
	/* a clock that went back (resume) starts the grace again */
	if (now_ms < h->pending_since_ms)
		h->pending_since_ms = now_ms ? now_ms : 1;
	if (test_bit64(h->refused, cpu))
		return BCPU_NOTHING;
	if (now_ms - h->pending_since_ms < BCPU_REFUSE_GRACE_MS)
		return BCPU_WAIT;
	if (!test_bit64(h->refused, cpu)) {
		put_bit64(h->refused, cpu, true);
		if (h->offline_refusals < BALLAST_MAX_COUNTER)
			h->offline_refusals++;
		h->refused_cpu = cpu;
	}
	return BCPU_NOTHING;
}

void bcpu_hotplug_report(const struct bcpu_hotplug *h, struct breport_stats *s)
{
	breport_set(s, BALLAST_K_CPU_OFFLINE_REFUSALS, h->offline_refusals);
	if (h->refused_cpu >= 1 && h->refused_cpu < BALLAST_MAX_VCPUS)
		breport_set(s, BALLAST_K_CPU_REFUSED, h->refused_cpu);
}
