// SPDX-License-Identifier: MIT
/*
 * The scenario parser. Strict: every number is checked to its end, every key
 * must be known, every reference must name something declared before it.
 * The format is in FORMAT.md.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ballast_schema.h"
#include "sim.h"

#define LINE_MAX_LEN	512
#define MAX_TOKENS	32
#define FILE_MAX_BYTES	(1 << 20)

struct parser {
	struct sim_scenario *scn;
	unsigned int line;
	char *tok[MAX_TOKENS];
	size_t n_tok;
	char *err;
	size_t err_len;
	bool have_host, have_run;
};

static int fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int off;

	off = snprintf(p->err, p->err_len, "%u: ", p->line);
	if (off < 0 || (size_t)off >= p->err_len)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->err + off, p->err_len - off, fmt, ap);
	va_end(ap);
	return -1;
}

/* Digits only, no sign, no overflow; *end is what follows the digits. */
static bool parse_digits(const char *s, uint64_t *out, const char **end)
{
	char *e;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &e, 10);
	if (errno == ERANGE)
		return false;
	*out = v;
	*end = e;
	return true;
}

static bool mul_ok(uint64_t v, uint64_t m, uint64_t *out)
{
	if (m && v > UINT64_MAX / m)
		return false;
	*out = v * m;
	return true;
}

/* SIZE: digits with K (default), M, G or T; the result in KiB. */
static bool parse_size(const char *s, uint64_t *kib)
{
	static const struct { const char *sfx; uint64_t mul; } units[] = {
		{ "", 1 }, { "K", 1 }, { "M", 1024 }, { "G", 1024 * 1024 },
		{ "T", 1024ULL * 1024 * 1024 },
	};
	const char *end;
	uint64_t v;

	if (!parse_digits(s, &v, &end))
		return false;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(end, units[i].sfx))
			return mul_ok(v, units[i].mul, kib);
	return false;
}

/* TIME: digits with "ms" or "s"; the result in milliseconds. */
static bool parse_time(const char *s, uint64_t *ms)
{
	const char *end;
	uint64_t v;

	if (!parse_digits(s, &v, &end))
		return false;
	if (!strcmp(end, "ms")) {
		*ms = v;
		return true;
	}
	if (!strcmp(end, "s"))
		return mul_ok(v, 1000, ms);
	return false;
}

static bool parse_count(const char *s, uint64_t max, uint64_t *out)
{
	const char *end;

	return parse_digits(s, out, &end) && *end == '\0' && *out <= max;
}

static bool parse_bool(const char *s, bool *out)
{
	if (!strcmp(s, "yes") || !strcmp(s, "1")) {
		*out = true;
		return true;
	}
	if (!strcmp(s, "no") || !strcmp(s, "0")) {
		*out = false;
		return true;
	}
	return false;
}

/* "key=value" into its halves (in place). */
static bool split_kv(char *tok, char **key, char **val)
{
	char *eq = strchr(tok, '=');

	if (!eq || eq == tok || eq[1] == '\0')
		return false;
	*eq = '\0';
	*key = tok;
	*val = eq + 1;
	return true;
}

static int do_host(struct parser *p)
{
	char *k, *v;

	for (size_t i = 1; i < p->n_tok; i++) {
		if (!split_kv(p->tok[i], &k, &v))
			return fail(p, "expected key=value, got '%s'", p->tok[i]);
		if (strcmp(k, "total") || !parse_size(v, &p->scn->total_kib) ||
		    p->scn->total_kib == 0)
			return fail(p, "host: bad '%s'", k);
	}
	p->have_host = p->scn->total_kib != 0;
	return p->have_host ? 0 : fail(p, "host: total= missing");
}

static int do_run(struct parser *p)
{
	char *k, *v;
	uint64_t *dst;

	for (size_t i = 1; i < p->n_tok; i++) {
		if (!split_kv(p->tok[i], &k, &v))
			return fail(p, "expected key=value, got '%s'", p->tok[i]);
		if (!strcmp(k, "duration"))
			dst = &p->scn->duration_ms;
		else if (!strcmp(k, "tick"))
			dst = &p->scn->tick_ms;
		else
			return fail(p, "run: unknown key '%s'", k);
		if (!parse_time(v, dst))
			return fail(p, "run: bad time '%s'", v);
	}
	if (!p->scn->tick_ms || !p->scn->duration_ms ||
	    p->scn->duration_ms / p->scn->tick_ms > 100000)
		return fail(p, "run: need duration= and tick= (<= 100000 ticks)");
	p->have_run = true;
	return 0;
}

static int set_fault(struct parser *p, char *list)
{
	static const struct { const char *word; uint32_t bit; } faults[] = {
		{ "no-two-phase", BSCHED_FAULT_NO_TWO_PHASE },
		{ "no-stuck-detection", BSCHED_FAULT_NO_STUCK_DETECTION },
		{ "no-deadband", BSCHED_FAULT_NO_DEADBAND },
		{ "no-step-limit", BSCHED_FAULT_NO_STEP_LIMIT },
		{ "no-slush", BSCHED_FAULT_NO_SLUSH },
		{ "no-inaccuracy-compensation",
		  BSCHED_FAULT_NO_INACCURACY_COMPENSATION },
	};
	char *save, *w;

	for (w = strtok_r(list, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
			if (!strcmp(w, faults[i].word))
				break;
		if (i == sizeof(faults) / sizeof(faults[0]))
			return fail(p, "unknown fault '%s'", w);
		p->scn->cfg.faults |= faults[i].bit;
	}
	return 0;
}

static int config_kv(struct parser *p, const char *k, char *v)
{
	struct bsched_config *c = &p->scn->cfg;
	uint64_t n;
	bool ok;

	if (!strcmp(k, "slush"))
		ok = parse_size(v, &c->slush_kib);
	else if (!strcmp(k, "buffer_min"))
		ok = parse_size(v, &c->buffer_min_kib);
	else if (!strcmp(k, "step"))
		ok = parse_size(v, &c->step_max_kib);
	else if (!strcmp(k, "deadband"))
		ok = parse_size(v, &c->deadband_kib);
	else if (!strcmp(k, "progress"))
		ok = parse_size(v, &c->progress_kib);
	else if (!strcmp(k, "stale"))
		ok = parse_time(v, &c->stats_stale_ms);
	else if (!strcmp(k, "stuck_after"))
		ok = parse_time(v, &c->stuck_after_ms);
	else if (!strcmp(k, "uncooperative_after"))
		ok = parse_time(v, &c->uncooperative_after_ms);
	else if (!strcmp(k, "buffer_pct") || !strcmp(k, "psi_stall") ||
		 !strcmp(k, "psi_boost")) {
		ok = parse_count(v, 10000, &n);
		if (ok && k[0] == 'b')
			c->buffer_pct = (uint32_t)n;
		else if (ok && !strcmp(k, "psi_stall"))
			c->psi_stall_centipct = (uint32_t)n;
		else if (ok)
			c->psi_boost_pct = (uint32_t)n;
	} else if (!strcmp(k, "surplus")) {
		ok = !strcmp(v, "shares") || !strcmp(v, "keep-free");
		c->surplus = !strcmp(v, "shares") ? BSCHED_SURPLUS_SHARES :
						    BSCHED_SURPLUS_KEEP_FREE;
	} else if (!strcmp(k, "unreported")) {
		ok = !strcmp(v, "yield") || !strcmp(v, "share");
		c->unreported = !strcmp(v, "share") ? BSCHED_UNREPORTED_SHARE :
						      BSCHED_UNREPORTED_YIELD;
	} else if (!strcmp(k, "faults")) {
		return set_fault(p, v);
	} else if (!strcmp(k, "probe")) {
		ok = parse_bool(v, &p->scn->probe);
	} else if (!strcmp(k, "probe_step_min")) {
		ok = parse_size(v, &c->probe_step_min_kib);
	} else if (!strcmp(k, "probe_interval")) {
		ok = parse_time(v, &c->probe_interval_ms);
	} else if (!strcmp(k, "probe_hold")) {
		ok = parse_time(v, &c->probe_hold_ms);
	} else if (!strcmp(k, "probe_goal") || !strcmp(k, "probe_step_pct") ||
		   !strcmp(k, "probe_backoff_pct")) {
		ok = parse_count(v, 10000, &n);
		if (ok && !strcmp(k, "probe_goal"))
			c->probe_goal_centipct = (uint32_t)n;
		else if (ok && !strcmp(k, "probe_step_pct"))
			c->probe_step_pct = (uint32_t)n;
		else if (ok)
			c->probe_backoff_pct = (uint32_t)n;
	} else {
		return fail(p, "config: unknown key '%s'", k);
	}
	return ok ? 0 : fail(p, "config: bad value '%s' for %s", v, k);
}

static int do_config(struct parser *p)
{
	const char *why;
	char *k, *v;

	for (size_t i = 1; i < p->n_tok; i++) {
		if (!split_kv(p->tok[i], &k, &v))
			return fail(p, "expected key=value, got '%s'", p->tok[i]);
		if (config_kv(p, k, v))
			return -1;
	}
	if (bsched_config_validate(&p->scn->cfg, &why))
		return fail(p, "config: %s", why);
	return 0;
}

/* "cpus pcpus=N [overcommit=PCT] [cooldown=TIME] [settle=TIME] [step=N]
 * [backoff=TIME] [steal=PCT]": the processor policy runs, on a host of N
 * pCPUs (steal=100: the steal rule never holds a raise). */
static int do_cpus(struct parser *p)
{
	struct bsched_vcpu_config *c = &p->scn->vcfg;
	const char *why;
	uint64_t n = 0;
	char *k, *v;

	if (p->scn->cpus)
		return fail(p, "cpus: given twice");
	for (size_t i = 1; i < p->n_tok; i++) {
		bool ok;

		if (!split_kv(p->tok[i], &k, &v))
			return fail(p, "expected key=value, got '%s'", p->tok[i]);
		if (!strcmp(k, "pcpus")) {
			ok = parse_count(v, 65536, &n) && n > 0;
			p->scn->pcpus = (uint32_t)n;
		} else if (!strcmp(k, "overcommit")) {
			ok = parse_count(v, 10000, &n);
			c->overcommit_pct = (uint32_t)n;
		} else if (!strcmp(k, "step")) {
			ok = parse_count(v, BALLAST_MAX_VCPUS, &n);
			c->step_max = (uint32_t)n;
		} else if (!strcmp(k, "cooldown")) {
			ok = parse_time(v, &c->cooldown_ms);
		} else if (!strcmp(k, "settle")) {
			ok = parse_time(v, &c->settle_ms);
		} else if (!strcmp(k, "backoff")) {
			ok = parse_time(v, &c->backoff_ms);
		} else if (!strcmp(k, "steal")) {
			ok = parse_count(v, 100, &n);
			c->steal_max_centipct = (uint32_t)n * 100;
		} else {
			return fail(p, "cpus: unknown key '%s'", k);
		}
		if (!ok)
			return fail(p, "cpus: bad value '%s' for %s", v, k);
	}
	if (!p->scn->pcpus)
		return fail(p, "cpus: pcpus= is required");
	if (bsched_vcpu_config_validate(c, &why))
		return fail(p, "cpus: %s", why);
	p->scn->cpus = true;
	return 0;
}

static struct sim_guest *find_guest(struct sim_scenario *scn, uint64_t domid)
{
	for (size_t i = 0; i < scn->n_guests; i++)
		if (scn->guests[i].dom.domid == domid)
			return &scn->guests[i];
	return NULL;
}

static bool parse_fe(const char *v, enum bsched_frontend *fe)
{
	for (int f = BSCHED_FE_NONE; f <= BSCHED_FE_DRIVER; f++) {
		if (!strcmp(v, bsched_frontend_str(f))) {
			*fe = f;
			return true;
		}
	}
	return false;
}

/* stuck=always | stuck=T- | stuck=T-T */
static bool parse_window(char *v, uint64_t *from, uint64_t *until)
{
	char *dash;

	if (!strcmp(v, "always")) {
		*from = 0;
		*until = SIM_NEVER_MS;
		return true;
	}
	dash = strchr(v, '-');
	if (!dash)
		return false;
	*dash = '\0';
	if (!parse_time(v, from))
		return false;
	if (dash[1] == '\0') {
		*until = SIM_NEVER_MS;
		return true;
	}
	return parse_time(dash + 1, until) && *until > *from;
}

/* The guest's vCPU count named @k (vcpus=, maxvcpus=, ...), or NULL. */
static uint32_t *vcpu_count_key(struct sim_guest *g, const char *k)
{
	const struct {
		const char *key;
		uint32_t *count;
	} keys[] = {
		{ "vcpus", &g->vcpus }, { "maxvcpus", &g->maxvcpus },
		{ "vcpus_min", &g->vcpus_min }, { "vcpus_max", &g->vcpus_max },
		{ "pin", &g->pin },
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(k, keys[i].key))
			return keys[i].count;
	return NULL;
}

static int guest_kv(struct parser *p, struct sim_guest *g, const char *k,
		    char *v)
{
	struct bsched_domain *d = &g->dom;
	uint32_t *count;
	uint64_t n = 0;
	bool ok;

	if (!strcmp(k, "name")) {
		ok = strlen(v) < sizeof(d->name);
		if (ok)
			strcpy(d->name, v);
	} else if (!strcmp(k, "fe")) {
		ok = parse_fe(v, &d->frontend);
	} else if (!strcmp(k, "managed")) {
		ok = parse_bool(v, &d->managed);
	} else if (!strcmp(k, "stats")) {
		ok = parse_bool(v, &g->stats);
	} else if (!strcmp(k, "uncooperative")) {
		ok = parse_bool(v, &d->uncooperative);
	} else if (!strcmp(k, "shares")) {
		ok = parse_count(v, BALLAST_MAX_SHARES, &n) && n > 0;
		d->shares = (uint32_t)n;
	} else if (!strcmp(k, "min")) {
		ok = parse_size(v, &d->min_kib);
	} else if (!strcmp(k, "max")) {
		ok = parse_size(v, &d->max_kib);
	} else if (!strcmp(k, "static_max")) {
		ok = parse_size(v, &d->static_max_kib);
	} else if (!strcmp(k, "target")) {
		ok = parse_size(v, &d->target_kib);
	} else if (!strcmp(k, "actual")) {
		ok = parse_size(v, &g->actual_kib);
	} else if (!strcmp(k, "rate")) {
		ok = parse_size(v, &g->rate_kib_s);
	} else if (!strcmp(k, "used")) {
		ok = parse_size(v, &g->used_kib);
	} else if (!strcmp(k, "hot")) {
		ok = parse_size(v, &g->hot_kib);
	} else if (!strcmp(k, "probe")) {
		ok = parse_bool(v, &d->probe);
		g->has_probe = true;
	} else if (!strcmp(k, "claim")) {
		ok = parse_size(v, &g->claim_kib);
	} else if (!strcmp(k, "floor")) {
		ok = parse_size(v, &g->floor_kib);
	} else if (!strcmp(k, "ceiling")) {
		ok = parse_size(v, &g->ceiling_kib) && g->ceiling_kib;
	} else if (!strcmp(k, "told_floor")) {
		ok = parse_size(v, &g->told_floor_kib);
	} else if (!strcmp(k, "overshoot")) {
		ok = parse_size(v, &g->overshoot_kib);
	} else if (!strcmp(k, "lag")) {
		ok = parse_time(v, &g->lag_ms);
	} else if (!strcmp(k, "join")) {
		ok = parse_time(v, &g->join_ms);
	} else if (!strcmp(k, "leave")) {
		ok = parse_time(v, &g->leave_ms);
	} else if (!strcmp(k, "via")) {
		ok = parse_count(v, UINT32_MAX, &n);
		g->via_res = (uint32_t)n;
		g->has_via = true;
	} else if (!strcmp(k, "intermittent")) {
		ok = parse_time(v, &g->intermittent_ms) && g->intermittent_ms;
	} else if (!strcmp(k, "stuck")) {
		ok = parse_window(v, &g->stuck_from_ms, &g->stuck_until_ms);
	} else if ((count = vcpu_count_key(g, k))) {
		ok = parse_count(v, BALLAST_MAX_VCPUS, &n) && n > 0;
		*count = (uint32_t)n;
	} else if (!strcmp(k, "cpu_shares")) {
		ok = parse_count(v, BALLAST_MAX_SHARES, &n) && n > 0;
		g->cpu_shares = (uint32_t)n;
	} else if (!strcmp(k, "vcpu_scaling")) {
		ok = parse_bool(v, &g->vcpu_scaling);
	} else {
		return fail(p, "dom: unknown key '%s'", k);
	}
	return ok ? 0 : fail(p, "dom: bad value '%s' for %s", v, k);
}

static int do_dom(struct parser *p)
{
	struct sim_scenario *scn = p->scn;
	struct sim_guest *g;
	uint64_t domid;
	char *k, *v;

	if (p->n_tok < 2 || !parse_count(p->tok[1], 0x7fef, &domid))
		return fail(p, "dom: need a domid (0..32751)");
	if (find_guest(scn, domid))
		return fail(p, "dom: %llu declared twice", (unsigned long long)domid);
	if (scn->n_guests == SIM_MAX_GUESTS)
		return fail(p, "dom: more than %d guests", SIM_MAX_GUESTS);
	g = &scn->guests[scn->n_guests];
	*g = (struct sim_guest) {
		.dom = { .domid = (uint32_t)domid, .frontend = BSCHED_FE_DRIVER,
			 .managed = true, .shares = 100 },
		.rate_kib_s = 64 * 1024,
		.stats = true,
		.leave_ms = SIM_NEVER_MS,
		.stuck_from_ms = SIM_NEVER_MS,
		.stuck_until_ms = SIM_NEVER_MS,
		.vcpus = 1, .vcpus_min = 1, .cpu_shares = 100,
		.vcpu_scaling = true,
	};
	for (size_t i = 2; i < p->n_tok; i++) {
		if (!split_kv(p->tok[i], &k, &v))
			return fail(p, "expected key=value, got '%s'", p->tok[i]);
		if (guest_kv(p, g, k, v))
			return -1;
	}
	if (!g->dom.max_kib || !g->actual_kib)
		return fail(p, "dom: max= and actual= are required");
	if (g->dom.min_kib > g->dom.max_kib)
		return fail(p, "dom: min above max");
	if (g->overshoot_kib > g->dom.max_kib)
		return fail(p, "dom: overshoot above max");
	if (!g->dom.static_max_kib)
		g->dom.static_max_kib = g->dom.max_kib;
	if (!g->used_kib)
		g->used_kib = g->actual_kib / 2;
	if (g->leave_ms <= g->join_ms)
		return fail(p, "dom: leaves before it joins");
	if (!g->maxvcpus)
		g->maxvcpus = g->vcpus;
	if (!g->vcpus_max)
		g->vcpus_max = g->maxvcpus;
	if (g->vcpus > g->maxvcpus || g->vcpus_min > g->vcpus_max ||
	    g->pin > g->maxvcpus)
		return fail(p, "dom: need vcpus <= maxvcpus, vcpus_min <= vcpus_max, pin <= maxvcpus");
	g->dom.maxmem_kib = g->dom.static_max_kib;
	scn->n_guests++;
	return 0;
}

/* "work ID at=T used=SIZE" and
 * "reserve ID at=T size=SIZE [hold=TIME] [build=SIZE]" */
static int do_timed(struct parser *p, bool reserve)
{
	struct sim_scenario *scn = p->scn;
	uint64_t id, at = SIM_NEVER_MS, size = 0, hold = 0, build = 0;
	char *k, *v;

	if ((reserve ? p->n_tok < 4 || p->n_tok > 6 : p->n_tok != 4) ||
	    !parse_count(p->tok[1], UINT32_MAX, &id))
		return fail(p, "%s: need ID at=TIME %s=SIZE", p->tok[0],
			    reserve ? "size" : "used");
	for (size_t i = 2; i < p->n_tok; i++) {
		if (!split_kv(p->tok[i], &k, &v))
			return fail(p, "expected key=value, got '%s'", p->tok[i]);
		if (!strcmp(k, "at") ? !parse_time(v, &at) :
		    !strcmp(k, reserve ? "size" : "used") ? !parse_size(v, &size) :
		    reserve && !strcmp(k, "hold") ? !parse_time(v, &hold) :
		    reserve && !strcmp(k, "build") ? !parse_size(v, &build) || !build :
		    true)
			return fail(p, "%s: bad '%s'", p->tok[0], k);
	}
	if (at == SIM_NEVER_MS || (reserve && !size))
		return fail(p, "%s: at= and a size are required", p->tok[0]);
	if (reserve) {
		for (size_t i = 0; i < scn->n_reserve; i++)
			if (scn->reserve[i].id == id)
				return fail(p, "reserve: id %llu twice",
					    (unsigned long long)id);
		if (scn->n_reserve == SIM_MAX_RESERVE)
			return fail(p, "reserve: too many");
		scn->reserve[scn->n_reserve++] = (struct sim_reserve) {
			(uint32_t)id, at, size, SIM_NEVER_MS, hold, build };
		return 0;
	}
	if (!find_guest(scn, id))
		return fail(p, "work: no dom %llu", (unsigned long long)id);
	if (scn->n_work == SIM_MAX_WORK)
		return fail(p, "work: too many");
	scn->work[scn->n_work++] = (struct sim_work) { (uint32_t)id, at, size };
	return 0;
}
/* "load ID at=TIME threads=N": guest ID runs N CPU-bound threads from TIME. */
static int do_load(struct parser *p)
{
	struct sim_scenario *scn = p->scn;
	uint64_t id, at = SIM_NEVER_MS, threads = 0;
	bool have_threads = false;
	char *k, *v;

	if (p->n_tok != 4 || !parse_count(p->tok[1], UINT32_MAX, &id))
		return fail(p, "load: need ID at=TIME threads=N");
	for (size_t i = 2; i < p->n_tok; i++) {
		if (!split_kv(p->tok[i], &k, &v))
			return fail(p, "expected key=value, got '%s'", p->tok[i]);
		if (!strcmp(k, "at") ? !parse_time(v, &at) :
		    !strcmp(k, "threads") ?
			!(have_threads = parse_count(v, BALLAST_MAX_TASKS, &threads)) :
		    true)
			return fail(p, "load: bad '%s'", k);
	}
	if (at == SIM_NEVER_MS || !have_threads)
		return fail(p, "load: at= and threads= are required");
	if (!find_guest(scn, id))
		return fail(p, "load: no dom %llu", (unsigned long long)id);
	if (scn->n_load == SIM_MAX_LOAD)
		return fail(p, "load: too many");
	scn->load[scn->n_load++] = (struct sim_load) {
		(uint32_t)id, at, (uint32_t)threads };
	return 0;
}

/* "cancel RESID at=TIME": the reservation is withdrawn at TIME. */
static int do_cancel(struct parser *p)
{
	struct sim_scenario *scn = p->scn;
	uint64_t id, at;
	char *k, *v;
	size_t i;

	if (p->n_tok != 3 || !parse_count(p->tok[1], UINT32_MAX, &id) ||
	    !split_kv(p->tok[2], &k, &v) || strcmp(k, "at") ||
	    !parse_time(v, &at))
		return fail(p, "cancel: need RESID at=TIME");
	for (i = 0; i < scn->n_reserve; i++)
		if (scn->reserve[i].id == id)
			break;
	if (i == scn->n_reserve)
		return fail(p, "cancel: no reservation %llu", (unsigned long long)id);
	if (scn->reserve[i].cancel_ms != SIM_NEVER_MS)
		return fail(p, "cancel: reservation %llu twice", (unsigned long long)id);
	if (at <= scn->reserve[i].at_ms)
		return fail(p, "cancel: before the reservation is asked for");
	scn->reserve[i].cancel_ms = at;
	return 0;
}

/* "set DOM at=TIME [min=SIZE] [max=SIZE] [shares=N]" */
static int do_set(struct parser *p)
{
	struct sim_scenario *scn = p->scn;
	struct sim_set *c;
	uint64_t id, n;
	bool have_at = false;
	char *k, *v;

	if (p->n_tok < 4 || !parse_count(p->tok[1], UINT32_MAX, &id) ||
	    !find_guest(scn, id))
		return fail(p, "set: need a declared DOM, at=TIME and a change");
	if (scn->n_set == SIM_MAX_SET)
		return fail(p, "set: too many");
	c = &scn->set[scn->n_set];
	*c = (struct sim_set) { .domid = (uint32_t)id };
	for (size_t i = 2; i < p->n_tok; i++) {
		bool ok;

		if (!split_kv(p->tok[i], &k, &v))
			return fail(p, "expected key=value, got '%s'", p->tok[i]);
		if (!strcmp(k, "at")) {
			ok = parse_time(v, &c->at_ms);
			have_at = true;
		} else if (!strcmp(k, "min")) {
			ok = parse_size(v, &c->min_kib);
			c->has_min = true;
		} else if (!strcmp(k, "max")) {
			ok = parse_size(v, &c->max_kib) && c->max_kib;
			c->has_max = true;
		} else if (!strcmp(k, "shares")) {
			ok = parse_count(v, BALLAST_MAX_SHARES, &n) && n > 0;
			c->shares = (uint32_t)n;
			c->has_shares = true;
		} else {
			return fail(p, "set: unknown key '%s'", k);
		}
		if (!ok)
			return fail(p, "set: bad value '%s' for %s", v, k);
	}
	if (!have_at)
		return fail(p, "set: at= is required");
	if (c->has_min && c->has_max && c->min_kib > c->max_kib)
		return fail(p, "set: min above max");
	scn->n_set++;
	return 0;
}

static int need_dom(struct parser *p, const char *s, uint32_t *domid)
{
	uint64_t v;

	if (!parse_count(s, UINT32_MAX, &v) || !find_guest(p->scn, v))
		return fail(p, "expect: '%s' is not a declared dom", s);
	*domid = (uint32_t)v;
	return 0;
}

static int expect_res(struct parser *p, struct sim_expect *e)
{
	uint64_t id;
	int st;

	if (p->n_tok != 6 || strcmp(p->tok[4], "by") ||
	    !parse_count(p->tok[2], UINT32_MAX, &id) ||
	    !parse_time(p->tok[5], &e->t2_ms))
		return fail(p, "expect reservation ID STATUS by TIME");
	for (st = 0; st < BALLAST_RES__COUNT; st++)
		if (!strcmp(p->tok[3], ballast_reservation_word(st)))
			break;
	if (st == BALLAST_RES__COUNT)
		return fail(p, "expect: unknown status '%s'", p->tok[3]);
	e->id = (uint32_t)id;
	e->status = st;
	return 0;
}

/* flagged / unflagged / stuck / blamed DOM by T, flagged / stuck DOM
 * between T1 T2, never-flagged / never-stuck / never-blamed DOM, not-stuck
 * DOM from T */
static int expect_flag(struct parser *p, struct sim_expect *e)
{
	bool between_ok = e->kind == SIM_EX_FLAGGED || e->kind == SIM_EX_STUCK;

	if (p->n_tok < 3 || need_dom(p, p->tok[2], &e->id))
		return -1;
	if (e->kind == SIM_EX_NEVER_FLAGGED || e->kind == SIM_EX_NEVER_STUCK ||
	    e->kind == SIM_EX_NEVER_BLAMED)
		return p->n_tok == 3 ? 0 : fail(p, "expect %s DOM", p->tok[1]);
	if (e->kind == SIM_EX_NOT_STUCK) {
		e->from = true;
		if (p->n_tok == 5 && !strcmp(p->tok[3], "from") &&
		    parse_time(p->tok[4], &e->t1_ms))
			return 0;
		return fail(p, "expect not-stuck DOM from TIME");
	}
	if (p->n_tok == 5 && !strcmp(p->tok[3], "by") &&
	    parse_time(p->tok[4], &e->t2_ms))
		return 0;
	if (between_ok && p->n_tok == 6 &&
	    !strcmp(p->tok[3], "between") && parse_time(p->tok[4], &e->t1_ms) &&
	    parse_time(p->tok[5], &e->t2_ms) && e->t1_ms <= e->t2_ms)
		return 0;
	return fail(p, "expect %s DOM by TIME | between TIME TIME", p->tok[1]);
}

/* [DOM] OP SIZE at|from TIME, starting at token @i */
static int expect_cmp(struct parser *p, struct sim_expect *e, size_t i)
{
	if (p->n_tok != i + 4)
		return fail(p, "expect %s: wrong number of words", p->tok[1]);
	if (!strcmp(p->tok[i], "<=") || !strcmp(p->tok[i], ">="))
		e->at_most = p->tok[i][0] == '<';
	else
		return fail(p, "expect: operator must be <= or >=");
	if (!parse_size(p->tok[i + 1], &e->value_kib))
		return fail(p, "expect: bad size '%s'", p->tok[i + 1]);
	if (strcmp(p->tok[i + 2], "at") && strcmp(p->tok[i + 2], "from"))
		return fail(p, "expect: 'at' or 'from' expected");
	e->from = p->tok[i + 2][0] == 'f';
	if (!parse_time(p->tok[i + 3], &e->t1_ms))
		return fail(p, "expect: bad time '%s'", p->tok[i + 3]);
	return 0;
}

/* probe DOM WORD by TIME | from TIME: the probe's state (bsched_probe_str) */
static int expect_probe(struct parser *p, struct sim_expect *e)
{
	int st;

	if (p->n_tok != 6 || need_dom(p, p->tok[2], &e->id) ||
	    (strcmp(p->tok[4], "by") && strcmp(p->tok[4], "from")) ||
	    !parse_time(p->tok[5], &e->t1_ms))
		return fail(p, "expect probe DOM STATE by|from TIME");
	for (st = 0; st < BSCHED_PROBE__COUNT; st++)
		if (!strcmp(p->tok[3], bsched_probe_str(st)))
			break;
	if (st == BSCHED_PROBE__COUNT)
		return fail(p, "expect: unknown probe state '%s'", p->tok[3]);
	e->status = st;
	e->from = p->tok[4][0] == 'f';
	e->t2_ms = e->t1_ms;
	return 0;
}

static int do_expect(struct parser *p)
{
	static const struct { const char *word; enum sim_expect_kind kind; } kinds[] = {
		{ "reservation", SIM_EX_RESERVATION }, { "flagged", SIM_EX_FLAGGED },
		{ "unflagged", SIM_EX_UNFLAGGED },
		{ "never-flagged", SIM_EX_NEVER_FLAGGED },
		{ "target", SIM_EX_TARGET }, { "actual", SIM_EX_ACTUAL },
		{ "stable", SIM_EX_STABLE }, { "fits", SIM_EX_FITS },
		{ "free", SIM_EX_FREE }, { "demand", SIM_EX_DEMAND },
		{ "stuck", SIM_EX_STUCK }, { "not-stuck", SIM_EX_NOT_STUCK },
		{ "never-stuck", SIM_EX_NEVER_STUCK },
		{ "blamed", SIM_EX_BLAMED }, { "never-blamed", SIM_EX_NEVER_BLAMED },
		{ "psi", SIM_EX_PSI }, { "probe", SIM_EX_PROBE },
		{ "stall", SIM_EX_STALL },
		{ "vcpus", SIM_EX_VCPUS }, { "online", SIM_EX_ONLINE },
		{ "vcpu-refused", SIM_EX_VCPU_REFUSED },
		{ "vcpus-stable", SIM_EX_VCPU_STABLE },
	};
	struct sim_scenario *scn = p->scn;
	struct sim_expect *e;
	size_t k;

	if (p->n_tok < 2)
		return fail(p, "expect what?");
	if (scn->n_expect == SIM_MAX_EXPECT)
		return fail(p, "expect: more than %d", SIM_MAX_EXPECT);
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (!strcmp(p->tok[1], kinds[k].word))
			break;
	if (k == sizeof(kinds) / sizeof(kinds[0]))
		return fail(p, "expect: unknown kind '%s'", p->tok[1]);
	e = &scn->expect[scn->n_expect];
	*e = (struct sim_expect) { .kind = kinds[k].kind, .line = p->line };
	switch (e->kind) {
	case SIM_EX_RESERVATION:
		if (expect_res(p, e))
			return -1;
		break;
	case SIM_EX_FLAGGED:
	case SIM_EX_UNFLAGGED:
	case SIM_EX_NEVER_FLAGGED:
	case SIM_EX_STUCK:
	case SIM_EX_NOT_STUCK:
	case SIM_EX_NEVER_STUCK:
	case SIM_EX_BLAMED:
	case SIM_EX_NEVER_BLAMED:
		if (expect_flag(p, e))
			return -1;
		break;
	case SIM_EX_TARGET:
	case SIM_EX_ACTUAL:
	case SIM_EX_DEMAND:
		if (p->n_tok < 3 || need_dom(p, p->tok[2], &e->id) ||
		    expect_cmp(p, e, 3))
			return -1;
		break;
	case SIM_EX_FREE:
		if (expect_cmp(p, e, 2))
			return -1;
		e->from = true;
		break;
	case SIM_EX_PSI:
	case SIM_EX_STALL:
		/* centi-%, a count: no suffix */
		if (p->n_tok < 3 || need_dom(p, p->tok[2], &e->id) ||
		    expect_cmp(p, e, 3))
			return -1;
		if (!parse_count(p->tok[4], 10000, &e->value_kib))
			return fail(p, "expect %s: bad centi-%% '%s'", p->tok[1],
				    p->tok[4]);
		if (e->kind == SIM_EX_STALL && !e->from)
			return fail(p, "expect stall DOM OP N from TIME");
		break;
	case SIM_EX_PROBE:
		if (expect_probe(p, e))
			return -1;
		break;
	case SIM_EX_VCPUS:
	case SIM_EX_ONLINE:
		/* a count, not a size: no suffix */
		if (p->n_tok < 3 || need_dom(p, p->tok[2], &e->id) ||
		    expect_cmp(p, e, 3))
			return -1;
		if (!parse_count(p->tok[4], BALLAST_MAX_VCPUS, &e->value_kib))
			return fail(p, "expect %s: bad count '%s'", p->tok[1],
				    p->tok[4]);
		break;
	case SIM_EX_VCPU_REFUSED:
		if (p->n_tok != 5 || need_dom(p, p->tok[2], &e->id) ||
		    strcmp(p->tok[3], "by") || !parse_time(p->tok[4], &e->t2_ms))
			return fail(p, "expect vcpu-refused DOM by TIME");
		break;
	case SIM_EX_VCPU_STABLE:
	case SIM_EX_STABLE:
	case SIM_EX_FITS:
		if (p->n_tok != 4 || strcmp(p->tok[2], "from") ||
		    !parse_time(p->tok[3], &e->t1_ms))
			return fail(p, "expect %s from TIME", p->tok[1]);
		e->from = true;
		break;
	}
	scn->n_expect++;
	return 0;
}

static int do_line(struct parser *p)
{
	const char *d = p->tok[0];

	if (!strcmp(d, "host"))
		return do_host(p);
	if (!strcmp(d, "run"))
		return do_run(p);
	if (!strcmp(d, "config"))
		return do_config(p);
	if (!strcmp(d, "dom"))
		return do_dom(p);
	if (!strcmp(d, "work"))
		return do_timed(p, false);
	if (!strcmp(d, "reserve"))
		return do_timed(p, true);
	if (!strcmp(d, "cancel"))
		return do_cancel(p);
	if (!strcmp(d, "set"))
		return do_set(p);
	if (!strcmp(d, "cpus"))
		return do_cpus(p);
	if (!strcmp(d, "load"))
		return do_load(p);
	if (!strcmp(d, "expect"))
		return do_expect(p);
	return fail(p, "unknown directive '%s'", d);
}

static int tokenize(struct parser *p, char *line)
{
	char *hash = strchr(line, '#'), *save, *t;

	if (hash)
		*hash = '\0';
	p->n_tok = 0;
	for (t = strtok_r(line, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save)) {
		if (p->n_tok == MAX_TOKENS)
			return fail(p, "too many words");
		p->tok[p->n_tok++] = t;
	}
	return 0;
}

/* What only the whole file can tell: lag= within the history kept, and a
 * guest built from a reservation (via=) is built at once (no build=). */
static int check_refs(struct parser *p)
{
	const struct sim_scenario *scn = p->scn;

	for (size_t i = 0; !scn->cpus && i < scn->n_expect; i++)
		if (scn->expect[i].kind >= SIM_EX_VCPUS)
			return fail(p, "expect %s needs a cpus directive",
				    scn->expect[i].kind == SIM_EX_ONLINE ? "online" :
				    "vcpus");
	if (!scn->cpus && scn->n_load)
		return fail(p, "load needs a cpus directive");
	for (size_t i = 0; i < scn->n_guests; i++) {
		const struct sim_guest *g = &scn->guests[i];

		if (g->lag_ms / scn->tick_ms >= SIM_LAG_TICKS)
			return fail(p, "dom %u: lag= of %d ticks or more",
				    g->dom.domid, SIM_LAG_TICKS);
		for (size_t k = 0; g->has_via && k < scn->n_reserve; k++)
			if (scn->reserve[k].id == g->via_res &&
			    scn->reserve[k].build_kib_s)
				return fail(p, "dom %u: via= a reservation with build=",
					    g->dom.domid);
	}
	return 0;
}

int sim_parse(const char *text, const char *name, struct sim_scenario *scn,
	      char *err, size_t err_len)
{
	struct parser p = { .scn = scn, .err = err, .err_len = err_len };
	char line[LINE_MAX_LEN];

	memset(scn, 0, sizeof(*scn));
	if (err_len)
		err[0] = '\0';
	snprintf(scn->name, sizeof(scn->name), "%s", name);
	bsched_config_defaults(&scn->cfg);
	bsched_vcpu_config_defaults(&scn->vcfg);
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);

		p.line++;
		if (len >= sizeof(line))
			return fail(&p, "line longer than %d bytes", LINE_MAX_LEN - 1);
		memcpy(line, text, len);
		line[len] = '\0';
		text += len + (nl ? 1 : 0);
		if (tokenize(&p, line))
			return -1;
		if (p.n_tok && do_line(&p)) {
			/* every refusal says why, even one a check forgot */
			if (err_len && !err[0])
				fail(&p, "malformed '%s' line", p.tok[0]);
			return -1;
		}
	}
	p.line = 0;
	if (!p.have_host || !p.have_run || !scn->n_guests)
		return fail(&p, "need a host, a run and at least one dom");
	for (size_t i = 0; i < scn->n_guests; i++)
		if (!scn->guests[i].has_probe)
			scn->guests[i].dom.probe = scn->probe;
	return check_refs(&p);
	return 0;
}

int sim_load(const char *path, struct sim_scenario *scn, char *err,
	     size_t err_len)
{
	FILE *f = fopen(path, "r");
	const char *base = strrchr(path, '/');
	char *text, msg[SIM_ERR_LEN];
	size_t len;
	int rc = -1;

	if (!f) {
		snprintf(err, err_len, "%s: %s", path, strerror(errno));
		return -1;
	}
	text = malloc(FILE_MAX_BYTES + 1);
	if (!text) {
		snprintf(err, err_len, "%s: out of memory", path);
		goto out_close;
	}
	len = fread(text, 1, FILE_MAX_BYTES + 1, f);
	if (ferror(f) || len > FILE_MAX_BYTES) {
		snprintf(err, err_len, "%s: unreadable or too large", path);
		goto out_text;
	}
	text[len] = '\0';
	if (strlen(text) != len) {
		snprintf(err, err_len, "%s: NUL byte in file", path);
		goto out_text;
	}
	rc = sim_parse(text, base ? base + 1 : path, scn, msg, sizeof(msg));
	if (rc)
		snprintf(err, err_len, "%s:%s", path, msg);
out_text:
	free(text);
out_close:
	fclose(f);
	return rc;
}
