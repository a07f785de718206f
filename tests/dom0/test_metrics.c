// SPDX-License-Identifier: MIT
/*
 * The metrics file against Prometheus' text format conventions, read back
 * line by line as a scraper would: every sample's metric has HELP and TYPE
 * before it, names are ballast_ and in base units, label values are
 * escaped (a hostile domain name comes back intact), values are numbers.
 */
#include <CUnit/Basic.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ballastd-lock.h"
#include "ballastd-publish.h"
#include "run_suite.h"

#define MAX_METRICS	64
#define MIB		1024ULL

/* What the reader learned about one metric name. */
struct seen {
	char name[96];
	bool help, type;
	char kind[160];
	unsigned int samples;
};

struct parsed {
	struct seen m[MAX_METRICS];
	size_t n;
	bool bad;		/* some line broke the format (CU asserts say which) */
};

static struct seen *find(struct parsed *p, const char *name, bool add)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->m[i].name, name))
			return &p->m[i];
	if (!add || p->n == MAX_METRICS)
		return NULL;
	snprintf(p->m[p->n].name, sizeof(p->m[p->n].name), "%s", name);
	return &p->m[p->n++];
}

static bool valid_name(const char *s, size_t len)
{
	if (!len || !(isalpha((unsigned char)s[0]) || s[0] == '_' || s[0] == ':'))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == ':'))
			return false;
	return true;
}

/* One "# HELP name text" or "# TYPE name kind" line. */
static void comment_line(struct parsed *p, const char *line)
{
	char word[8], name[96], rest[160];
	struct seen *m;

	CU_ASSERT(sscanf(line, "# %7s %95s %159[^\n]", word, name, rest) == 3);
	m = find(p, name, true);
	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT(m->samples == 0);	/* before its samples */
	if (!strcmp(word, "HELP")) {
		CU_ASSERT(!m->help);
		m->help = true;
	} else {
		CU_ASSERT_STRING_EQUAL(word, "TYPE");
		CU_ASSERT(!m->type);
		m->type = true;
		snprintf(m->kind, sizeof(m->kind), "%s", rest);
		CU_ASSERT(!strcmp(rest, "gauge") || !strcmp(rest, "counter"));
	}
}

/*
 * Labels from @s (after '{') up to '}': domid="..." and name="...", the
 * name unescaped into @name_out. Returns the character after '}'.
 */
static const char *labels(const char *s, char *domid, char *name_out, size_t size)
{
	while (*s && *s != '}') {
		const char *eq = strchr(s, '=');
		char *out;
		size_t len = 0;

		CU_ASSERT_FATAL(eq && eq[1] == '"');
		CU_ASSERT(valid_name(s, (size_t)(eq - s)));
		out = !strncmp(s, "domid=", 6) ? domid : !strncmp(s, "name=", 5) ?
		      name_out : NULL;
		CU_ASSERT(out != NULL);
		for (s = eq + 2; *s && *s != '"'; s++) {
			char c = *s;

			CU_ASSERT(c != '\n');
			if (c == '\\') {
				s++;
				CU_ASSERT(*s == '\\' || *s == '"' || *s == 'n');
				c = *s == 'n' ? '\n' : *s;
			}
			if (out && len + 1 < size)
				out[len++] = c;
		}
		if (out)
			out[len] = '\0';
		CU_ASSERT_FATAL(*s == '"');
		s++;
		if (*s == ',')
			s++;
	}
	CU_ASSERT_FATAL(*s == '}');
	return s + 1;
}

/* One sample line; a domain's labels go to @domid and @name. */
static void sample_line(struct parsed *p, const char *line, char *domid,
			char *name, size_t size)
{
	size_t len = strcspn(line, "{ ");
	const char *rest = line + len;
	char metric[96], *end;
	struct seen *m;

	CU_ASSERT_FATAL(len < sizeof(metric));
	snprintf(metric, sizeof(metric), "%.*s", (int)len, line);
	CU_ASSERT(valid_name(metric, len));
	m = find(p, metric, false);
	CU_ASSERT(m && m->help && m->type);	/* HELP and TYPE came first */
	if (!m) {
		p->bad = true;
		return;
	}
	m->samples++;
	domid[0] = name[0] = '\0';
	if (*rest == '{')
		rest = labels(rest + 1, domid, name, size);
	CU_ASSERT_FATAL(*rest == ' ');
	strtod(rest + 1, &end);
	CU_ASSERT(end != rest + 1 && (*end == '\n' || *end == '\0'));
}

/* A hostile name of the domain, as a label value must keep it. */
static const char hostile[] = "we\"b\\1\nx";

struct fixture {
	struct bd_env env;
	struct bd_dom doms[2];
	struct bd_table t;
	struct bd_host_totals host;
};

static void make(struct fixture *x)
{
	memset(x, 0, sizeof(*x));
	x->env.cfg.tick_ms = 1500;
	x->env.count.ticks = 7;
	x->doms[0].who.domid = 1;
	snprintf(x->doms[0].who.name, sizeof(x->doms[0].who.name), "%s", hostile);
	x->doms[0].actual_kib = 1000 * MIB;
	x->doms[0].last.target_kib = 1200 * MIB;
	x->doms[0].last.demand_kib = 900 * MIB;
	x->doms[0].sub.min_kib = 256 * MIB;
	x->doms[0].sub.max_kib = 2048 * MIB;
	x->doms[0].sub.managed = true;
	x->doms[1].who.domid = 22;
	snprintf(x->doms[1].who.name, sizeof(x->doms[1].who.name), "db");
	x->t = (struct bd_table){ .d = x->doms, .n = 2 };
	x->host = (struct bd_host_totals){ .total_kib = 8192 * MIB, .free_kib = 512 * MIB,
					   .slush_kib = 64 * MIB, .reserved_kib = 128 * MIB,
					   .pcpus = 12 };
	/* processors: domain 1's read this tick, 22's not */
	x->env.cfg.vcpu_scaling = true;
	x->doms[0].vcpu = (struct bd_vcpu){ .known = true, .enabled = true,
					    .max_vcpus = 8, .online_vcpus = 3,
					    .target_vcpus = 3, .vcpus_min = 2,
					    .vcpus_max = 6 };
	x->doms[0].vcpu.last.target_vcpus = 5;
}

/*
 * The value of the first sample that starts with @sample: a whole name and
 * a space, or the start of its labels. -1 if there is none.
 */
static double value_of(const char *text, const char *sample)
{
	const char *at = strstr(text, sample), *v;

	if (!at)
		return -1;
	at += strlen(sample);
	v = at[-1] == ' ' ? at : strchr(at, ' ');
	return v ? strtod(v, NULL) : -1;
}

static void test_format(void)
{
	char domid[16], name[64], *text = NULL, *line = NULL;
	size_t text_len = 0, line_cap = 0;
	unsigned int hostile_seen = 0;
	struct parsed p = { 0 };
	struct fixture x;
	FILE *f;

	make(&x);
	f = open_memstream(&text, &text_len);
	CU_ASSERT_FATAL(f != NULL);
	bd_metrics_print(f, &x.env, &x.t, &x.host);
	fclose(f);
	f = fmemopen(text, text_len, "r");
	CU_ASSERT_FATAL(f != NULL);
	while (getline(&line, &line_cap, f) > 0) {
		CU_ASSERT(line[strlen(line) - 1] == '\n');
		if (line[0] == '#') {
			comment_line(&p, line);
			continue;
		}
		sample_line(&p, line, domid, name, sizeof(name));
		if (domid[0] && !strcmp(domid, "1")) {
			CU_ASSERT_STRING_EQUAL(name, hostile);
			hostile_seen++;
		}
	}
	fclose(f);
	free(line);
	CU_ASSERT(!p.bad);
	for (size_t i = 0; i < p.n; i++) {
		const char *n = p.m[i].name;

		CU_ASSERT(!strncmp(n, "ballast_", 8));
		CU_ASSERT(strstr(n, "kib") == NULL && strstr(n, "_ms") == NULL);
		CU_ASSERT(p.m[i].samples > 0);
		/* counters end in _total, and only they */
		CU_ASSERT(!strcmp(p.m[i].kind, "counter") ==
			  (strlen(n) > 6 && !strcmp(n + strlen(n) - 6, "_total")));
	}
	CU_ASSERT(hostile_seen >= 5);
	/* host totals and each domain's five sizes, in bytes */
	CU_ASSERT(value_of(text, "\nballast_host_memory_total_bytes ") == 8192.0 * MIB * 1024);
	CU_ASSERT(value_of(text, "\nballast_host_memory_free_bytes ") == 512.0 * MIB * 1024);
	CU_ASSERT(value_of(text, "\nballast_host_memory_slush_bytes ") == 64.0 * MIB * 1024);
	CU_ASSERT(value_of(text, "\nballast_host_memory_reserved_bytes ") == 128.0 * MIB * 1024);
	CU_ASSERT(value_of(text, "\nballast_tick_interval_seconds ") == 1.5);
	CU_ASSERT(value_of(text, "\nballast_domain_actual_bytes{domid=\"1\",name=\"we\\\"b\\\\1\\nx\"} ") ==
		  1000.0 * MIB * 1024);
	CU_ASSERT(value_of(text, "\nballast_domain_target_bytes{domid=\"1\",") > 0);
	CU_ASSERT(value_of(text, "\nballast_domain_min_bytes{domid=\"22\",name=\"db\"} ") == 0);
	CU_ASSERT(value_of(text, "\nballast_domain_max_bytes{domid=\"1\",") > 0);
	CU_ASSERT(value_of(text, "\nballast_domain_demand_bytes{domid=\"1\",") > 0);
	/* processors: the host's pCPUs; the counts of a domain read this tick */
	CU_ASSERT(value_of(text, "\nballast_host_pcpus ") == 12);
	CU_ASSERT(value_of(text, "\nballast_domain_vcpus_online{domid=\"1\",") == 3);
	CU_ASSERT(value_of(text, "\nballast_domain_vcpus_target{domid=\"1\",") == 5);
	CU_ASSERT(value_of(text, "\nballast_domain_vcpus_min{domid=\"1\",") == 2);
	CU_ASSERT(value_of(text, "\nballast_domain_vcpus_max{domid=\"1\",") == 6);
	CU_ASSERT(strstr(text, "ballast_domain_vcpus_online{domid=\"22\"") == NULL);
	CU_ASSERT(strstr(text, "ballast_domain_vcpus_max{domid=\"22\"") == NULL);
	CU_ASSERT(find(&p, "ballast_domain_vcpus_online", false) &&
		  !strcmp(find(&p, "ballast_domain_vcpus_online", false)->kind, "gauge"));
	free(text);
}

/* vcpu-scaling off for the host: no vCPU metrics at all, pCPUs still. */
static void test_vcpus_off(void)
{
	char *text = NULL;
	size_t len = 0;
	struct fixture x;
	FILE *f;

	make(&x);
	x.env.cfg.vcpu_scaling = false;
	x.doms[0].vcpu.known = false;
	f = open_memstream(&text, &len);
	CU_ASSERT_FATAL(f != NULL);
	bd_metrics_print(f, &x.env, &x.t, &x.host);
	fclose(f);
	CU_ASSERT(strstr(text, "vcpus") == NULL);
	CU_ASSERT(value_of(text, "\nballast_host_pcpus ") == 12);
	free(text);
}

/* The file: replaced whole, the temporary gone, no file when none is set. */
static void test_file(void)
{
	char *text = NULL;
	size_t len = 0;
	struct fixture x;
	FILE *f;

	make(&x);
	CU_ASSERT(bd_write_metrics(&x.env, &x.t, &x.host) == 0);	/* none set */
	snprintf(x.env.cfg.metrics_file, sizeof(x.env.cfg.metrics_file),
		 "/tmp/ballast-metrics-test-%d.prom", (int)getpid());
	CU_ASSERT(bd_write_metrics(&x.env, &x.t, &x.host) == 0);
	f = fopen(x.env.cfg.metrics_file, "r");
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT(getdelim(&text, &len, '\0', f) > 0);
	fclose(f);
	CU_ASSERT(text && !strncmp(text, "# HELP ballast_", 15));
	free(text);
	CU_ASSERT(unlink(x.env.cfg.metrics_file) == 0);
	snprintf(x.env.cfg.metrics_file, sizeof(x.env.cfg.metrics_file),
		 "/nonexistent-dir/m.prom");
	CU_ASSERT(bd_write_metrics(&x.env, &x.t, &x.host) < 0);
}

/* The whole of @path (from the top of the tree), or NULL. */
static char *slurp(const char *path)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	if (getdelim(&text, &len, '\0', f) < 0) {
		free(text);
		text = NULL;
	}
	fclose(f);
	return text;
}

/*
 * The documented path works under the shipped unit: it is in the one
 * directory the unit lets the daemon write (RuntimeDirectory=, which is
 * also where the lock goes), and the example, both man pages and the unit
 * say the same path and the same default (none).
 */
#define DOC_METRICS	"/run/ballast/metrics.prom"
static void test_documented_path(void)
{
	char *unit = slurp("dom0-tools/systemd/ballastd.service");
	char *example = slurp("dom0-tools/ballastd.conf.example");
	char *conf5 = slurp("dom0-tools/man/ballastd.conf.5");
	char *man8 = slurp("dom0-tools/man/ballastd.8");
	struct bd_config cfg;

	CU_ASSERT_FATAL(unit && example && conf5 && man8);
	CU_ASSERT(strstr(unit, "\nRuntimeDirectory=ballast\n") != NULL);
	CU_ASSERT(strstr(unit, "\nProtectSystem=strict\n") != NULL);
	CU_ASSERT(strstr(unit, "\nReadWritePaths=") == NULL);	/* none needed */
	CU_ASSERT(!strncmp(DOC_METRICS, BD_RUN_DIR "/", strlen(BD_RUN_DIR) + 1));
	CU_ASSERT_STRING_EQUAL(BD_RUN_DIR, "/run/ballast");
	CU_ASSERT(strstr(example, "\n#metrics-file = " DOC_METRICS "\n") != NULL);
	CU_ASSERT(strstr(conf5, "None by default.") != NULL);
	CU_ASSERT(strstr(conf5, "/run/ballast/metrics.prom") != NULL);
	CU_ASSERT(strstr(man8, "none by default") != NULL);
	CU_ASSERT(strstr(man8, "/run/ballast/metrics.prom") != NULL);
	bd_config_defaults(&cfg);
	CU_ASSERT_STRING_EQUAL(cfg.metrics_file, "");
	bd_config_free(&cfg);
	free(unit);
	free(example);
	free(conf5);
	free(man8);
}

int main(void)
{
	static const struct suite_case tests[] = {
		{ "text format: HELP, TYPE, base units, escaped labels", test_format },
		{ "the file is replaced whole", test_file },
		{ "the documented path works under the shipped unit",
		  test_documented_path },
		{ "no vCPU metrics with vcpu-scaling off", test_vcpus_off },
	};

	return RUN_SUITE("ballastd metrics", tests);
}
