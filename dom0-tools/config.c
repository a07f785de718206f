// SPDX-License-Identifier: MIT
/* ballastd.conf with libinih: a declarative key table per section. */
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ballast_schema.h"
#include "config.h"
#include "size.h"

#define DOMAIN_PREFIX	"domain "
/* A section line as written: longer than libinih keeps (it cuts at 49). */
#define SECTION_MAX	(sizeof(DOMAIN_PREFIX) + BSCHED_NAME_MAX + 1)
#define NO_SCHEMA_KEY	BALLAST_K__COUNT
/*
 * The least slush accepted: Xen takes its own pages out of the free memory
 * the slush keeps (ballastd.conf(5) and POLICY.md, "host slush", say which).
 */
#define SLUSH_MIN_MIB	16
#define STR_(x)		#x
#define STR(x)		STR_(x)

enum key_type {
	KT_MS,		/* milliseconds, plain number */
	KT_SIZE,	/* size.h: MiB bare, or a K/M/G/T suffix */
	KT_U32,
	KT_BOOL,
	KT_SURPLUS,
	KT_UNREPORTED,
	KT_LOG,
	KT_PATH,
};

struct host_key {
	const char *name;
	enum key_type type;
	size_t offset;
	uint64_t max;	/* for numbers; 0: none beyond the type */
	/* published to guests as (or a bound of) this key: its range holds */
	enum ballast_key_id schema;
};

#define HK(name_, type_, field_, max_) \
	{ name_, type_, offsetof(struct bd_config, field_), max_, NO_SCHEMA_KEY }
#define HKS(name_, field_, schema_) \
	{ name_, KT_SIZE, offsetof(struct bd_config, field_), 0, schema_ }

static const struct host_key host_keys[] = {
	HK("tick-ms", KT_MS, tick_ms, 60000),
	HK("slush", KT_SIZE, policy.slush_kib, BALLAST_MAX_MEMORY_KIB),
	HK("surplus", KT_SURPLUS, policy.surplus, 0),
	HK("unreported", KT_UNREPORTED, policy.unreported, 0),
	HK("buffer-pct", KT_U32, policy.buffer_pct, 1000),
	HK("buffer-min", KT_SIZE, policy.buffer_min_kib, BALLAST_MAX_MEMORY_KIB),
	HK("psi-stall", KT_U32, policy.psi_stall_centipct, BALLAST_MAX_CENTIPCT),
	HK("psi-boost-pct", KT_U32, policy.psi_boost_pct, 1000),
	HK("stats-stale-ms", KT_MS, policy.stats_stale_ms, 0),
	HK("step", KT_SIZE, policy.step_max_kib, BALLAST_MAX_MEMORY_KIB),
	HK("deadband", KT_SIZE, policy.deadband_kib, BALLAST_MAX_MEMORY_KIB),
	HK("stuck-after-ms", KT_MS, policy.stuck_after_ms, 0),
	HK("uncooperative-after-ms", KT_MS, policy.uncooperative_after_ms, 0),
	HK("progress", KT_SIZE, policy.progress_kib, BALLAST_MAX_MEMORY_KIB),
	HK("frontend-allowance", KT_SIZE, policy.frontend_allowance_kib,
	   BALLAST_MAX_MEMORY_KIB),
	HK("release-limit-ms", KT_MS, policy.release_limit_ms, 0),
	HK("probe", KT_BOOL, probe, 0),
	HK("probe-goal", KT_U32, policy.probe_goal_centipct, BALLAST_MAX_CENTIPCT),
	HK("probe-step-pct", KT_U32, policy.probe_step_pct, 50),
	HK("probe-step-min", KT_SIZE, policy.probe_step_min_kib, BALLAST_MAX_MEMORY_KIB),
	HK("probe-interval-ms", KT_MS, policy.probe_interval_ms, 0),
	HK("probe-backoff-pct", KT_U32, policy.probe_backoff_pct, 100),
	HK("probe-hold-ms", KT_MS, policy.probe_hold_ms, 0),
	HKS("rate-min", rate_min_kib_s, BALLAST_K_RATE_MIN),
	HKS("rate-max", rate_max_kib_s, BALLAST_K_RATE_MAX),
	HK("manage-dom0", KT_BOOL, manage_dom0, 0),
	HKS("default-min", default_min_kib, BALLAST_K_POLICY_MIN),
	HK("default-shares", KT_U32, default_shares, BALLAST_MAX_SHARES),
	HK("flood-limit", KT_U32, flood_limit, 100000),
	HK("xs-tries", KT_U32, xs_tries, 1000),
	HK("reservation-expire-ms", KT_MS, reservation_expire_ms, 0),
	HK("reservation-hold-ms", KT_MS, reservation_hold_ms, 0),
	HK("reserve-overhead", KT_SIZE, policy.reserve_overhead_kib, BALLAST_MAX_MEMORY_KIB),
	HK("log", KT_LOG, log, 0),
	HK("metrics-file", KT_PATH, metrics_file, 0),
	HK("trace-file", KT_PATH, trace_file, 0),
	HK("trace-max-size", KT_SIZE, trace_max_kib, BALLAST_MAX_MEMORY_KIB),
	/* processors */
	HK("vcpu-scaling", KT_BOOL, vcpu_scaling, 0),
	HK("vcpu-overcommit-pct", KT_U32, vcpu_policy.overcommit_pct, 10000),
	HK("vcpu-cooldown-ms", KT_MS, vcpu_policy.cooldown_ms, 0),
	HK("vcpu-settle-ms", KT_MS, vcpu_policy.settle_ms, 0),
	HK("vcpu-step", KT_U32, vcpu_policy.step_max, BALLAST_MAX_VCPUS),
	HK("vcpu-steal-max", KT_U32, vcpu_policy.steal_max_centipct, BALLAST_MAX_CENTIPCT),
	HK("default-vcpus-min", KT_U32, default_vcpus_min, BALLAST_MAX_VCPUS),
	HK("default-cpu-shares", KT_U32, default_cpu_shares, BALLAST_MAX_SHARES),
};

struct parse_ctx {
	struct bd_config *cfg;
	FILE *file;
	const char *path;
	FILE *report;			/* NULL: stop at the first error */
	unsigned int n_errors;
	unsigned int line;
	bool failed;			/* stop reading */
	unsigned int err_line;		/* 0: not at a line */
	char err[BD_ERR_MAX];
	char section[SECTION_MAX];	/* the last [section] line, uncut */
	const char *in_section;		/* "[host] " while in an entry, or NULL */
};

/* An error at the current line; with a report, every one is printed. */
static int fail(struct parse_ctx *pc, const char *fmt, const char *a,
		const char *b)
{
	char msg[BD_ERR_MAX - 64];

	if (pc->failed)
		return 0;
	snprintf(msg, sizeof(msg), fmt, a, b);
	pc->n_errors++;
	if (pc->report) {
		fprintf(pc->report, "%s:%u: %s%s\n", pc->path, pc->line,
			pc->in_section ? pc->in_section : "", msg);
		return 1;	/* inih: go on, to find the next one */
	}
	pc->failed = true;
	pc->err_line = pc->line;
	snprintf(pc->err, sizeof(pc->err), "%s%s",
		 pc->in_section ? pc->in_section : "", msg);
	return 0;	/* inih: error */
}

/* An error after which nothing more is read (a broken line). */
static void fail_stop(struct parse_ctx *pc, const char *fmt, const char *a)
{
	fail(pc, fmt, a, "");
	pc->failed = true;
}

static int parse_number(const char *value, uint64_t max, uint64_t *out)
{
	uint64_t v;

	if (ballast_parse_u64(value, strlen(value), &v) != BALLAST_OK)
		return -1;
	if (max && v > max)
		return -1;
	*out = v;
	return 0;
}

static int set_host_key(struct parse_ctx *pc, const struct host_key *k,
			const char *value)
{
	char *field = (char *)pc->cfg + k->offset;
	uint64_t v;
	bool b;

	switch (k->type) {
	case KT_MS:
		if (parse_number(value, k->max, &v))
			return fail(pc, "%s: not a number of milliseconds: %s",
				    k->name, value);
		memcpy(field, &v, sizeof(v));
		return 1;
	case KT_SIZE: {
		/* what a guest is told keeps the schema's range (SCHEMA.md) */
		uint64_t lo = k->schema != NO_SCHEMA_KEY ? ballast_keys[k->schema].min : 0;
		uint64_t hi = k->schema != NO_SCHEMA_KEY ? ballast_keys[k->schema].max : k->max;
		char why[BD_ERR_MAX - 64];

		if (ballast_size_arg(k->name, value, lo, hi, &v, why, sizeof(why)))
			return fail(pc, "%s%s", why, "");
		memcpy(field, &v, sizeof(v));
		return 1;
	}
	case KT_U32: {
		uint32_t v32;

		if (parse_number(value, k->max ? k->max : UINT32_MAX, &v))
			return fail(pc, "%s: not a number in range: %s",
				    k->name, value);
		v32 = (uint32_t)v;
		memcpy(field, &v32, sizeof(v32));
		return 1;
	}
	case KT_BOOL:
		if (bd_parse_bool(value, &b))
			return fail(pc, "%s: expected yes or no: %s", k->name,
				    value);
		memcpy(field, &b, sizeof(b));
		return 1;
	case KT_SURPLUS: {
		enum bsched_surplus s;

		if (!strcmp(value, "shares"))
			s = BSCHED_SURPLUS_SHARES;
		else if (!strcmp(value, "keep-free"))
			s = BSCHED_SURPLUS_KEEP_FREE;
		else
			return fail(pc, "%s: expected shares or keep-free: %s",
				    k->name, value);
		memcpy(field, &s, sizeof(s));
		return 1;
	}
	case KT_UNREPORTED: {
		enum bsched_unreported u;

		if (!strcmp(value, "yield"))
			u = BSCHED_UNREPORTED_YIELD;
		else if (!strcmp(value, "share"))
			u = BSCHED_UNREPORTED_SHARE;
		else
			return fail(pc, "%s: expected yield or share: %s",
				    k->name, value);
		memcpy(field, &u, sizeof(u));
		return 1;
	}
	case KT_LOG: {
		enum bd_log_target t;

		if (!strcmp(value, "syslog"))
			t = BD_LOG_SYSLOG;
		else if (!strcmp(value, "stderr"))
			t = BD_LOG_STDERR;
		else
			return fail(pc, "%s: expected syslog or stderr: %s",
				    k->name, value);
		memcpy(field, &t, sizeof(t));
		return 1;
	}
	case KT_PATH:
		if (strlen(value) >= PATH_MAX || (value[0] && value[0] != '/'))
			return fail(pc, "%s: expected an absolute path: %s",
				    k->name, value);
		strcpy(field, value);
		return 1;
	}
	return fail(pc, "%s: internal: unknown type%s", k->name, "");
}

static struct bd_domain_conf *domain_section(struct parse_ctx *pc,
					     const char *name)
{
	struct bd_config *cfg = pc->cfg;
	struct bd_domain_conf *d;

	for (size_t i = 0; i < cfg->n_domains; i++)
		if (!strcmp(cfg->domains[i].name, name))
			return &cfg->domains[i];
	d = realloc(cfg->domains, (cfg->n_domains + 1) * sizeof(*d));
	if (!d)
		return NULL;
	cfg->domains = d;
	d = &d[cfg->n_domains++];
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", name);
	return d;
}

/* A [domain]'s processor keys: 1 if @key is one (0 on a bad value), -1 if not. */
static int set_domain_vcpu_key(struct parse_ctx *pc, struct bd_domain_conf *d,
			       const char *key, const char *value)
{
	uint64_t v;

	if (!strcmp(key, "vcpu-scaling")) {
		if (bd_parse_bool(value, &d->vcpu_scaling))
			return fail(pc, "vcpu-scaling: expected yes or no: %s", value, "");
		d->has_vcpu_scaling = true;
		return 1;
	}
	if (!strcmp(key, "vcpus-min") || !strcmp(key, "vcpus-max")) {
		if (parse_number(value, BALLAST_MAX_VCPUS, &v) || v == 0)
			return fail(pc, "%s: a number from 1 to 4096 expected: %s", key, value);
		if (!strcmp(key, "vcpus-min")) {
			d->vcpus_min = (uint32_t)v;
			d->has_vcpus_min = true;
		} else {
			d->vcpus_max = (uint32_t)v;
			d->has_vcpus_max = true;
		}
		return 1;
	}
	if (!strcmp(key, "cpu-shares")) {
		if (parse_number(value, BALLAST_MAX_SHARES, &v) || v == 0)
			return fail(pc, "cpu-shares: a number from 1 to 1000000 expected: %s",
				    value, "");
		d->cpu_shares = (uint32_t)v;
		d->has_cpu_shares = true;
		return 1;
	}
	return -1;
}

static int set_domain_key(struct parse_ctx *pc, const char *section,
			  const char *key, const char *value)
{
	const char *name = section + strlen(DOMAIN_PREFIX);
	struct bd_domain_conf *d;
	uint64_t v;
	int r;

	if (!name[0] || strlen(name) >= BSCHED_NAME_MAX)
		return fail(pc, "a domain name of 1 to 63 bytes expected%s%s",
			    "", "");
	d = domain_section(pc, name);
	if (!d)
		return fail(pc, "out of memory%s%s", "", "");
	if (!strcmp(key, "min") || !strcmp(key, "max")) {
		const struct ballast_key_info *ki =
			&ballast_keys[key[1] == 'i' ? BALLAST_K_POLICY_MIN : BALLAST_K_POLICY_MAX];
		char why[BD_ERR_MAX - 64];

		if (ballast_size_arg(key, value, ki->min, ki->max, &v, why, sizeof(why)))
			return fail(pc, "%s%s", why, "");
		if (key[1] == 'i') {
			d->min_kib = v;
			d->has_min = true;
		} else {
			d->max_kib = v;
			d->has_max = true;
		}
		return 1;
	}
	if (!strcmp(key, "shares")) {
		if (parse_number(value, BALLAST_MAX_SHARES, &v) || v == 0)
			return fail(pc, "shares: a number from 1 to 1000000 expected: %s",
				    value, "");
		d->shares = (uint32_t)v;
		d->has_shares = true;
		return 1;
	}
	if (!strcmp(key, "stock-balloon")) {
		bool b;

		if (!strcmp(value, "auto"))
			d->stock = BD_STOCK_AUTO;
		else if (!bd_parse_bool(value, &b))
			d->stock = b ? BD_STOCK_YES : BD_STOCK_NO;
		else
			return fail(pc, "stock-balloon: expected yes, no or auto: %s",
				    value, "");
		return 1;
	}
	if (!strcmp(key, "frontend")) {
		static const char *const words[] = {
			[BD_FRONTEND_AUTO] = "auto", [BD_FRONTEND_DRIVER] = "driver",
			[BD_FRONTEND_AGENT] = "agent", [BD_FRONTEND_STOCK] = "stock",
			[BD_FRONTEND_NONE] = "none",
		};

		for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
			if (!strcmp(value, words[i])) {
				d->frontend = (enum bd_frontend_mode)i;
				return 1;
			}
		return fail(pc, "frontend: expected auto, driver, agent, stock or none: %s",
			    value, "");
	}
	if (!strcmp(key, "lift-above-max")) {
		if (bd_parse_bool(value, &d->lift_above_max))
			return fail(pc, "lift-above-max: expected yes or no: %s",
				    value, "");
		return 1;
	}
	if (!strcmp(key, "probe")) {
		if (bd_parse_bool(value, &d->probe))
			return fail(pc, "probe: expected yes or no: %s", value, "");
		d->has_probe = true;
		return 1;
	}
	r = set_domain_vcpu_key(pc, d, key, value);
	if (r >= 0)
		return r;
	return fail(pc, "%s: unknown key%s", key, "");
}

static int on_entry(void *user, const char *section, const char *key,
		    const char *value)
{
	struct parse_ctx *pc = user;
	size_t cut = strlen(section);
	char where[SECTION_MAX + 4];
	int rc;

	if (pc->failed)
		return 0;
	/* libinih cuts a long section name: the line as written decides */
	if (!strncmp(pc->section, section, cut) && pc->section[cut])
		section = pc->section;
	/* every error in an entry names its section (and its key) */
	snprintf(where, sizeof(where), "[%s] ", section);
	pc->in_section = where;
	if (!strcmp(section, "host")) {
		rc = -1;
		for (size_t i = 0; i < sizeof(host_keys) / sizeof(host_keys[0]); i++)
			if (!strcmp(key, host_keys[i].name))
				rc = set_host_key(pc, &host_keys[i], value);
		if (rc < 0)
			rc = fail(pc, "%s: unknown key%s", key, "");
	} else if (!strncmp(section, DOMAIN_PREFIX, strlen(DOMAIN_PREFIX))) {
		rc = set_domain_key(pc, section, key, value);
	} else {
		pc->in_section = NULL;
		rc = fail(pc, "unknown section [%s]%s", section, "");
	}
	pc->in_section = NULL;
	return rc;
}

/* The name of a [section] line, uncut, into pc->section. */
static void note_section(struct parse_ctx *pc, const char *line)
{
	const char *start = line + strspn(line, " \t"), *end;

	if (*start != '[')
		return;
	end = strchr(start, ']');
	if (!end)
		return;		/* inih says so */
	if ((size_t)(end - start - 1) >= sizeof(pc->section)) {
		fail_stop(pc, "a section name too long%s", "");
		return;
	}
	memcpy(pc->section, start + 1, (size_t)(end - start - 1));
	pc->section[end - start - 1] = '\0';
}

/*
 * inih's reader: one line per call, so the handler knows the line number.
 * A line libinih would split (its buffer is @size) is refused rather than
 * let its tail become a setting; a read error is an error, not the end.
 */
static char *read_line(char *buf, int size, void *stream)
{
	struct parse_ctx *pc = stream;
	char *s;
	size_t len;
	int c;

	if (pc->failed)
		return NULL;
	s = fgets(buf, size, pc->file);
	if (!s) {
		if (ferror(pc->file))
			fail_stop(pc, "read error: %s", strerror(errno));
		return NULL;
	}
	pc->line++;
	len = strlen(buf);
	if (len + 1 == (size_t)size && buf[len - 1] != '\n') {
		c = fgetc(pc->file);
		if (c != '\n' && c != EOF) {
			char limit[16];

			snprintf(limit, sizeof(limit), "%d", size - 2);
			fail_stop(pc, "line longer than %s bytes", limit);
			return NULL;
		}
	}
	note_section(pc, buf);
	return pc->failed ? NULL : s;
}

static int check_vcpu_config(const struct bd_config *cfg, const char **why)
{
	if (bsched_vcpu_config_validate(&cfg->vcpu_policy, why))
		return -1;
	if (!cfg->default_vcpus_min || !cfg->default_cpu_shares) {
		*why = "default-vcpus-min and default-cpu-shares must be >= 1";
		return -1;
	}
	for (size_t i = 0; i < cfg->n_domains; i++) {
		const struct bd_domain_conf *d = &cfg->domains[i];

		if (d->has_vcpus_min && d->has_vcpus_max && d->vcpus_min > d->vcpus_max) {
			*why = "a [domain] has vcpus-min above vcpus-max";
			return -1;
		}
	}
	return 0;
}

/* The [host] settings together. */
static int check_config(struct bd_config *cfg, const char **why)
{
	if (bsched_config_validate(&cfg->policy, why) ||
	    check_vcpu_config(cfg, why))
		return -1;
	if (cfg->policy.slush_kib < SLUSH_MIN_MIB * 1024ULL) {
		*why = "slush below " STR(SLUSH_MIN_MIB) "M, what Xen needs free for itself "
		       "(ballastd.conf(5))";
		return -1;
	}
	if (cfg->tick_ms < 10) {
		*why = "tick-ms below 10";
		return -1;
	}
	if (cfg->rate_min_kib_s > cfg->rate_max_kib_s) {
		*why = "rate-min above rate-max";
		return -1;
	}
	if (!cfg->xs_tries || !cfg->flood_limit || !cfg->default_shares) {
		*why = "xs-tries, flood-limit and default-shares must be >= 1";
		return -1;
	}
	return 0;
}

/* Each [domain]'s settings together; the first wrong one into @err. */
static int check_domains(const struct bd_config *cfg, char *err, size_t err_len)
{
	for (size_t i = 0; i < cfg->n_domains; i++) {
		const struct bd_domain_conf *d = &cfg->domains[i];
		const char *why = NULL;

		if (d->has_min && d->has_max && d->min_kib > d->max_kib)
			why = "min above max";
		else if ((d->stock == BD_STOCK_YES && d->frontend != BD_FRONTEND_AUTO &&
			  d->frontend != BD_FRONTEND_STOCK) ||
			 (d->stock == BD_STOCK_NO && d->frontend == BD_FRONTEND_STOCK))
			why = "frontend and stock-balloon disagree";
		if (why) {
			snprintf(err, err_len, "[" DOMAIN_PREFIX "%s] %s", d->name, why);
			return -1;
		}
	}
	return 0;
}

void bd_config_defaults(struct bd_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	bsched_config_defaults(&cfg->policy);
	cfg->tick_ms = 1000;
	cfg->rate_min_kib_s = 4096;		/* 4 MiB/s */
	cfg->rate_max_kib_s = 262144;		/* 256 MiB/s */
	cfg->default_min_kib = 262144;		/* 256 MiB */
	cfg->default_shares = 1000;
	cfg->flood_limit = 20;
	cfg->xs_tries = 16;
	cfg->reservation_expire_ms = 300000;
	cfg->reservation_hold_ms = 30000;
	cfg->log = BD_LOG_STDERR;
	cfg->trace_max_kib = 65536;		/* 64 MiB */
	bsched_vcpu_config_defaults(&cfg->vcpu_policy);
	cfg->default_vcpus_min = 1;
	cfg->default_cpu_shares = 1000;
}

/* An error found after the parse: printed to @report, or into @err. */
static unsigned int emit(FILE *report, char *err, size_t err_len,
			 const char *msg)
{
	if (report)
		fprintf(report, "%s\n", msg);
	else
		snprintf(err, err_len, "%s", msg);
	return 1;
}

/*
 * Reads @path over defaults into @next. Returns the number of errors, 0 if
 * none: without @report the first is in @err, with it each one is printed
 * there as it is found.
 */
static unsigned int load(const char *path, struct bd_config *next,
			 FILE *report, char *err, size_t err_len)
{
	struct parse_ctx pc = { .cfg = next, .path = path, .report = report };
	char msg[BD_ERR_MAX], why_buf[BD_ERR_MAX - 64];
	const char *why = NULL;
	struct stat st;
	int r;

	bd_config_defaults(next);
	pc.file = fopen(path, "re");
	if (!pc.file) {
		snprintf(msg, sizeof(msg), "%s: %s", path, strerror(errno));
		return emit(report, err, err_len, msg);
	}
	/* a directory opens, and reads as nothing: that is not an empty file */
	if (fstat(fileno(pc.file), &st) || !S_ISREG(st.st_mode)) {
		fclose(pc.file);
		snprintf(msg, sizeof(msg), "%s: not a regular file", path);
		return emit(report, err, err_len, msg);
	}
	r = ini_parse_stream(read_line, &pc, on_entry, &pc);
	fclose(pc.file);
	if (pc.failed && !report) {
		if (pc.err_line)
			snprintf(err, err_len, "%s:%u: %s", path, pc.err_line, pc.err);
		else
			snprintf(err, err_len, "%s: %s", path, pc.err);
		return 1;
	}
	/* the handler refused nothing (or went on): r is a syntax error */
	if (r && !pc.failed) {
		snprintf(msg, sizeof(msg),
			 "%s:%d: syntax error (expected [section] or key = value)", path, r);
		pc.n_errors += emit(report, err, err_len, msg);
	}
	if (pc.n_errors)
		return pc.n_errors;
	if (check_config(next, &why)) {
		snprintf(msg, sizeof(msg), "%s: [host] %s", path, why);
		return emit(report, err, err_len, msg);
	}
	if (check_domains(next, why_buf, sizeof(why_buf))) {
		snprintf(msg, sizeof(msg), "%s: %s", path, why_buf);
		return emit(report, err, err_len, msg);
	}
	return 0;
}

int bd_config_load(const char *path, struct bd_config *cfg, char *err,
		   size_t err_len)
{
	struct bd_config next;

	if (load(path, &next, NULL, err, err_len)) {
		bd_config_free(&next);
		return -1;
	}
	bd_config_free(cfg);
	*cfg = next;
	return 0;
}

unsigned int bd_config_check(const char *path, FILE *report)
{
	struct bd_config next;
	unsigned int n = load(path, &next, report, NULL, 0);

	bd_config_free(&next);
	return n;
}

void bd_config_free(struct bd_config *cfg)
{
	free(cfg->domains);
	cfg->domains = NULL;
	cfg->n_domains = 0;
}

const struct bd_domain_conf *bd_config_domain(const struct bd_config *cfg,
					      const char *name)
{
	for (size_t i = 0; i < cfg->n_domains; i++)
		if (!strcmp(cfg->domains[i].name, name))
			return &cfg->domains[i];
	return NULL;
}
