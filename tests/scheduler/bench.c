// SPDX-License-Identifier: MIT
/*
 * bsched-bench: decision time of bsched_tick for 100, 1,000 and 10,000
 * synthetic domains (a mix of frontends, shares, stats and pressure), as a
 * markdown table; two rows add the processor policy (bsched_vcpu_tick on
 * the same domains, timed together with the memory tick): on 512 pCPUs,
 * where the domains that keep their counts alone hold more than the cap
 * (every managed one is cut to its vcpus-min), and on 16,384, where the
 * cap leaves ~12,000 vCPUs for the shares to hand out one at a time each
 * tick. Between ticks the guests move halfway to their targets and bring
 * their online vCPUs to their vCPU targets, outside the timed region. Only
 * this program reads a clock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bsched.h"
#include "bsched_vcpu.h"

#define MIB		1024ULL
#define GIB		(1024ULL * 1024)
#define GOAL_MS		5.0

struct bench_size {
	size_t n_domains;
	int ticks;
	uint32_t pcpus;		/* the processor policy too, on that many */
	bool probe;		/* every domain asks for working-set probing */
	const char *label;	/* after the count */
};

static const struct bench_size sizes[] = {
	{ 100, 501, 0, false, "" }, { 1000, 201, 0, false, "" },
	{ 10000, 51, 0, false, "" }, { 10000, 51, 512, false, " + vCPUs" },
	{ 10000, 51, 16384, false, " + vCPU shares" },
	{ 10000, 51, 0, true, " + probe" },
};

static uint64_t lcg(uint64_t *s, uint64_t n)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (*s >> 33) % n;
}

/* vCPU subscriptions and CPU evidence, some of it busy, some idle. */
static void make_vcpu_domains(struct bsched_vcpu_domain *v, size_t n,
			      uint64_t *seed)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t maxv = 1 + (uint32_t)lcg(seed, 16);
		uint32_t online = 1 + (uint32_t)lcg(seed, maxv);

		v[i] = (struct bsched_vcpu_domain) {
			.domid = (uint32_t)(i + 1),
			.enabled = lcg(seed, 10) != 0,
			.has_frontend = lcg(seed, 5) != 0,
			.vcpus_min = 1, .vcpus_max = maxv, .maxvcpus = maxv,
			.shares = 1 + (uint32_t)lcg(seed, 1000),
			.online_vcpus = online, .target_vcpus = online,
			.stats = {
				.present = lcg(seed, 10) != 0,
				.load_avg1_centi = (uint32_t)lcg(seed, 200 * maxv),
				.psi_cpu_some_avg10_centipct =
					(uint32_t)lcg(seed, 4000),
				.runnable = (uint32_t)lcg(seed, 2 * maxv),
			},
		};
	}
}

/* Guests bring their online count to the target. */
static void move_vcpus(struct bsched_vcpu_domain *v, size_t n,
		       const struct bsched_vcpu_result *res)
{
	for (size_t i = 0; i < n; i++) {
		v[i].target_vcpus = res->decisions[i].target_vcpus;
		if (v[i].enabled && v[i].has_frontend)
			v[i].online_vcpus = v[i].target_vcpus;
	}
}

static void make_domains(struct bsched_domain *d, size_t n, uint64_t *seed,
			 uint64_t *total_kib)
{
	*total_kib = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t actual = 512 * MIB + lcg(seed, 4 * GIB);
		uint64_t used = lcg(seed, actual);

		d[i] = (struct bsched_domain) {
			.domid = (uint32_t)(i + 1),
			.frontend = (enum bsched_frontend)(1 + lcg(seed, 3)),
			.managed = lcg(seed, 20) != 0,
			.min_kib = 256 * MIB, .max_kib = 8 * GIB,
			.shares = 1 + (uint32_t)lcg(seed, 1000),
			.actual_kib = actual, .static_max_kib = 8 * GIB,
			.maxmem_kib = 8 * GIB,
			.stats = {
				.present = lcg(seed, 10) != 0,
				.mem_total_kib = actual,
				.mem_available_kib = actual - used,
				.psi_some_avg10_centipct = (uint32_t)lcg(seed, 3000),
			},
		};
		*total_kib += actual;
	}
	*total_kib += *total_kib / 10;
}

static double ms_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1e3 + (b->tv_nsec - a->tv_nsec) / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Guests move halfway toward their new targets. */
static uint64_t move_guests(struct bsched_domain *d, size_t n,
			    const struct bsched_result *res)
{
	uint64_t held = 0;

	for (size_t i = 0; i < n; i++) {
		d[i].target_kib = res->decisions[i].target_kib;
		d[i].maxmem_kib = res->decisions[i].maxmem_kib;
		d[i].uncooperative = res->decisions[i].uncooperative;
		if (d[i].managed && d[i].target_kib)
			d[i].actual_kib = (d[i].actual_kib + d[i].target_kib) / 2;
		d[i].stats.mem_total_kib = d[i].actual_kib;
		if (d[i].stats.mem_available_kib > d[i].actual_kib)
			d[i].stats.mem_available_kib = d[i].actual_kib / 4;
		held += d[i].actual_kib;
	}
	return held;
}

static int run_size(const struct bench_size *sz, uint64_t *seed)
{
	struct bsched_domain *d = calloc(sz->n_domains, sizeof(*d));
	struct bsched_vcpu_domain *v = calloc(sz->n_domains, sizeof(*v));
	double *ms = calloc(sz->ticks, sizeof(*ms));
	struct bsched_state *st = bsched_state_new();
	struct bsched_vcpu_state *vst = bsched_vcpu_state_new();
	struct bsched_config cfg;
	struct bsched_vcpu_config vcfg;
	uint64_t total, held;
	int rc = -1;

	if (!d || !v || !ms || !st || !vst) {
		fprintf(stderr, "out of memory\n");
		goto out;
	}
	bsched_config_defaults(&cfg);
	bsched_vcpu_config_defaults(&vcfg);
	make_domains(d, sz->n_domains, seed, &total);
	for (size_t i = 0; sz->probe && i < sz->n_domains; i++) {
		d[i].probe = true;
		d[i].stats.psi_present = true;
	}
	if (sz->pcpus)
		make_vcpu_domains(v, sz->n_domains, seed);
	held = total - total / 11;
	for (int t = 0; t < sz->ticks; t++) {
		struct bsched_snapshot snap = {
			.now_ms = 1000 * (uint64_t)(t + 1),
			.host = { .total_kib = total,
				  .free_kib = total > held ? total - held : 0 },
			.domains = d, .n_domains = sz->n_domains,
		};
		struct bsched_vcpu_snapshot vsnap = {
			.now_ms = snap.now_ms, .host_pcpus = sz->pcpus,
			.domains = v, .n_domains = sz->n_domains,
		};
		struct bsched_result res;
		struct bsched_vcpu_result vres = { 0 };
		struct timespec a, b;
		int r, vr = 0;

		clock_gettime(CLOCK_MONOTONIC, &a);
		r = bsched_tick(st, &cfg, &snap, &res);
		if (!r && sz->pcpus)
			vr = bsched_vcpu_tick(vst, &vcfg, &vsnap, &vres);
		clock_gettime(CLOCK_MONOTONIC, &b);
		if (r || vr) {
			fprintf(stderr, "bsched_tick: %d, bsched_vcpu_tick: %d\n",
				r, vr);
			if (!r)
				bsched_result_free(&res);
			goto out;
		}
		ms[t] = ms_between(&a, &b);
		held = move_guests(d, sz->n_domains, &res);
		bsched_result_free(&res);
		if (sz->pcpus) {
			move_vcpus(v, sz->n_domains, &vres);
			bsched_vcpu_result_free(&vres);
		}
	}
	qsort(ms, sz->ticks, sizeof(*ms), cmp_double);
	printf("| %6zu%s | %5d | %9.3f | %9.3f | %9.3f | %s |\n", sz->n_domains,
	       sz->label, sz->ticks, ms[sz->ticks / 2], ms[sz->ticks * 9 / 10],
	       ms[sz->ticks - 1], ms[sz->ticks / 2] < GOAL_MS ? "yes" : "NO");
	rc = 0;
out:
	bsched_state_free(st);
	bsched_vcpu_state_free(vst);
	free(ms);
	free(v);
	free(d);
	return rc;
}

int main(void)
{
	uint64_t seed = 2026;

	printf("bsched_tick decision time (goal: 10,000 domains under %.0f ms)\n\n",
	       GOAL_MS);
	printf("| domains | ticks | median ms | p90 ms | max ms | under goal |\n");
	printf("|--------:|------:|----------:|-------:|-------:|:----------:|\n");
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (run_size(&sizes[i], &seed))
			return 1;
	return 0;
}
