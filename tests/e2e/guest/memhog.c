// SPDX-License-Identifier: MIT
/*
 * memhog: a guest workload for the end-to-end tests, linked statically so
 * the busybox initramfs needs no libc.
 *
 *   memhog [-v] [-t THREADS] [-r REWRITE_MIB_S] SIZE_MIB [SECONDS [GROW_MIB_S]]
 *
 * Allocates SIZE_MIB MiB one MiB at a time, writing every page so the
 * memory is really resident (at most GROW_MIB_S MiB per second when given,
 * so a balloon has time to follow), then keeps rewriting all of it until
 * SECONDS have passed (0, the default: stop after the first pass). Prints one line
 * per second while running and a summary at the end:
 *   memhog: done resident_mib=N passes=P write_mib_s=R
 * Exit 0 when all SIZE_MIB were allocated, 2 when an allocation failed (it
 * still reports what it got), 1 on bad arguments.
 *
 * -v (verify): every word written is a known function of (chunk, its
 * generation, word), and is checked before it is rewritten; fresh memory
 * must read as zeros; each pass also gives back and maps again one chunk
 * in eight, so pages keep moving through the guest's allocator (and the
 * balloon). -t THREADS: the rewrite runs in THREADS threads, thread t on
 * CPU t (mod the CPUs there are), each owning every THREADS-th chunk. Then
 * the summary has a second line
 *   memhog: verify bad_words=B bad_fresh=Z checked_mib=C
 * and the exit status is 3 if B or Z is not 0 (the first few are printed).
 * -r REWRITE_MIB_S: the rewrite writes at most that many MiB per second (all
 * threads together), so a steady working set stays hot (every page written
 * every SIZE_MIB / REWRITE_MIB_S seconds) without taking a whole vCPU;
 * without it (or 0) the rewrite runs as fast as it can.
 * SIGTERM/SIGINT end the run early, with the summary as if SECONDS had passed.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define CHUNK_BYTES	(1024u * 1024u)
#define PAGE_BYTES	4096u
#define MAX_MIB		(1u << 20)
#define MAX_THREADS	64u
#define CHURN_EVERY	8u	/* verify mode: one chunk in 8 remapped per pass */
#define SHOW_BAD	5u	/* mismatches printed */

static volatile sig_atomic_t stop_now;

static void on_stop(int sig)
{
	(void)sig;
	stop_now = 1;
}

struct hog {
	unsigned char **chunks;
	size_t want_mib;
	size_t have_mib;
	uint64_t grow_mib_s;		/* 0: as fast as possible */
	uint64_t rewrite_mib_s;		/* 0: as fast as possible */
	uint64_t written_mib;
	uint64_t passes;
	bool verify;
	unsigned int threads;
	uint32_t *gen;			/* verify: each chunk's generation */
	atomic_ullong bad_words, bad_fresh, checked_mib, shown;
	atomic_int alloc_failed;
};

struct worker {
	pthread_t tid;
	struct hog *hog;
	unsigned int index;
	uint64_t deadline_ms;
	uint64_t passes, written_mib;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The deadline, or a stop signal. */
static bool past(uint64_t deadline_ms)
{
	return stop_now || now_ms() >= deadline_ms;
}

static int parse_count(const char *s, unsigned long long limit, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end != '\0' || s[0] == '-' || v > limit)
		return -1;
	*out = v;
	return 0;
}

/* Write one byte per page: enough to make each page resident and dirty. */
static void touch_chunk(unsigned char *chunk, uint64_t pass)
{
	for (size_t off = 0; off < CHUNK_BYTES; off += PAGE_BYTES)
		chunk[off] = (unsigned char)(pass + off / PAGE_BYTES);
}

/* The steady workload writes every byte: memory-bound, as a benchmark wants. */
static void fill_chunk(unsigned char *chunk, uint64_t pass)
{
	memset(chunk, (int)(pass & 0xff), CHUNK_BYTES);
}

static void sleep_ms(uint64_t ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* Sleep until @done_mib MiB written since @start_ms is no faster than
 * @mib_s MiB per second (0: no limit). */
static void pace(uint64_t start_ms, uint64_t done_mib, uint64_t mib_s)
{
	uint64_t due_ms, now;

	if (!mib_s)
		return;
	due_ms = start_ms + done_mib * 1000u / mib_s;
	now = now_ms();
	if (due_ms > now)
		sleep_ms(due_ms - now);
}

static uint64_t pattern(size_t chunk, uint32_t gen, size_t word)
{
	return ((uint64_t)chunk << 44) ^ ((uint64_t)gen << 24) ^ word ^
	       0x9e3779b97f4a7c15ull;
}

static void note_bad(struct hog *hog, const char *what, size_t chunk,
		     size_t word, uint64_t want, uint64_t got)
{
	if (atomic_fetch_add(&hog->shown, 1) < SHOW_BAD) {
		printf("memhog: BAD %s chunk=%zu word=%zu want=%016llx got=%016llx\n",
		       what, chunk, word, (unsigned long long)want,
		       (unsigned long long)got);
		fflush(stdout);
	}
}

/* Fresh anonymous memory must read as zeros; then the first generation. */
static void fresh_chunk(struct hog *hog, size_t i, uint32_t gen)
{
	uint64_t *w = (uint64_t *)(void *)hog->chunks[i];
	size_t words = CHUNK_BYTES / sizeof(*w), j, bad = 0;

	for (j = 0; j < words; j++) {
		if (w[j] && !bad++)
			note_bad(hog, "fresh", i, j, 0, w[j]);
		w[j] = pattern(i, gen, j);
	}
	if (bad)
		atomic_fetch_add(&hog->bad_fresh, 1);
	hog->gen[i] = gen;
}

/* Check generation gen[i], write the next one. */
static void verify_chunk(struct hog *hog, size_t i)
{
	uint64_t *w = (uint64_t *)(void *)hog->chunks[i];
	size_t words = CHUNK_BYTES / sizeof(*w), j;
	uint32_t g = hog->gen[i];
	uint64_t bad = 0;

	for (j = 0; j < words; j++) {
		uint64_t want = pattern(i, g, j);

		if (w[j] != want) {
			if (!bad)
				note_bad(hog, "data", i, j, want, w[j]);
			bad++;
		}
		w[j] = pattern(i, g + 1, j);
	}
	hog->gen[i] = g + 1;
	if (bad)
		atomic_fetch_add(&hog->bad_words, bad);
	atomic_fetch_add(&hog->checked_mib, 1);
}

/* Give the chunk back to the guest and take a fresh one. */
static int churn_chunk(struct hog *hog, size_t i)
{
	void *p;

	verify_chunk(hog, i);
	munmap(hog->chunks[i], CHUNK_BYTES);
	p = mmap(NULL, CHUNK_BYTES, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		hog->chunks[i] = NULL;
		atomic_store(&hog->alloc_failed, 1);
		return -1;
	}
	hog->chunks[i] = p;
	fresh_chunk(hog, i, hog->gen[i] + 1);
	return 0;
}

static int hog_grow(struct hog *hog, uint64_t start_ms)
{
	while (hog->have_mib < hog->want_mib && !stop_now) {
		void *p;

		pace(start_ms, hog->have_mib, hog->grow_mib_s);
		p = mmap(NULL, CHUNK_BYTES, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			printf("memhog: allocation failed at %zu MiB: %s\n",
			       hog->have_mib, strerror(errno));
			return -1;
		}
		hog->chunks[hog->have_mib] = p;
		if (hog->verify)
			fresh_chunk(hog, hog->have_mib, 0);
		else
			touch_chunk(p, 0);
		hog->have_mib++;
		hog->written_mib++;
		if (hog->have_mib % 64 == 0) {
			printf("memhog: growing resident_mib=%zu\n", hog->have_mib);
			fflush(stdout);
		}
	}
	return 0;
}

static void hog_rewrite(struct hog *hog, uint64_t deadline_ms)
{
	uint64_t start_ms = now_ms(), next_report_ms = start_ms + 1000, done_mib = 0;

	do {
		hog->passes++;
		for (size_t i = 0; i < hog->have_mib && !past(deadline_ms); i++) {
			fill_chunk(hog->chunks[i], hog->passes);
			hog->written_mib++;
			pace(start_ms, ++done_mib, hog->rewrite_mib_s);
		}
		if (now_ms() >= next_report_ms) {
			printf("memhog: resident_mib=%zu passes=%llu\n", hog->have_mib,
			       (unsigned long long)hog->passes);
			fflush(stdout);
			next_report_ms += 1000;
		}
	} while (!past(deadline_ms));
}

static void *worker_main(void *arg)
{
	struct worker *wk = arg;
	struct hog *hog = wk->hog;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	/* each thread its share of the rewrite rate, at least 1 MiB/s */
	uint64_t mib_s = hog->rewrite_mib_s ?
			 (hog->rewrite_mib_s + hog->threads - 1) / hog->threads : 0;
	uint64_t start_ms = now_ms(), done_mib = 0;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(wk->index % (unsigned int)(cpus > 0 ? cpus : 1), &set);
	sched_setaffinity(0, sizeof(set), &set);	/* best effort */
	do {
		wk->passes++;
		for (size_t i = wk->index; i < hog->have_mib; i += hog->threads) {
			if (!hog->chunks[i])
				continue;
			if (hog->verify && (wk->passes + i) % CHURN_EVERY == 0)
				churn_chunk(hog, i);
			else if (hog->verify)
				verify_chunk(hog, i);
			else
				fill_chunk(hog->chunks[i], wk->passes);
			wk->written_mib++;
			pace(start_ms, ++done_mib, mib_s);
			if (past(wk->deadline_ms))
				break;
		}
	} while (!past(wk->deadline_ms));
	return NULL;
}

/* The rewrite in hog->threads threads; progress printed once a second. */
static void hog_rewrite_threads(struct hog *hog, uint64_t deadline_ms)
{
	struct worker wk[MAX_THREADS];
	unsigned int t, started = 0;

	memset(wk, 0, sizeof(wk));
	for (t = 0; t < hog->threads; t++) {
		wk[t].hog = hog;
		wk[t].index = t;
		wk[t].deadline_ms = deadline_ms;
		if (pthread_create(&wk[t].tid, NULL, worker_main, &wk[t]))
			break;
		started++;
	}
	if (started < hog->threads)
		printf("memhog: only %u of %u threads started\n", started, hog->threads);
	while (!past(deadline_ms)) {
		sleep_ms(1000);
		printf("memhog: resident_mib=%zu checked_mib=%llu bad_words=%llu\n",
		       hog->have_mib, (unsigned long long)atomic_load(&hog->checked_mib),
		       (unsigned long long)atomic_load(&hog->bad_words));
		fflush(stdout);
	}
	for (t = 0; t < started; t++) {
		pthread_join(wk[t].tid, NULL);
		hog->passes += wk[t].passes;
		hog->written_mib += wk[t].written_mib;
	}
}

static int parse_opts(int argc, char **argv, struct hog *hog, int *first)
{
	unsigned long long v;
	int i = 1;

	hog->threads = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-v")) {
			hog->verify = true;
		} else if (!strcmp(argv[i], "-t") && i + 1 < argc &&
			   !parse_count(argv[i + 1], MAX_THREADS, &v) && v) {
			hog->threads = (unsigned int)v;
			i++;
		} else if (!strcmp(argv[i], "-r") && i + 1 < argc &&
			   !parse_count(argv[i + 1], MAX_MIB, &v)) {
			hog->rewrite_mib_s = v;
			i++;
		} else {
			return -1;
		}
	}
	*first = i;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long long size_mib, seconds = 0, grow_mib_s = 0;
	struct hog hog = { 0 };
	uint64_t start_ms, elapsed_ms;
	int rc = 0, a = 1, n;

	if (parse_opts(argc, argv, &hog, &a))
		a = argc;	/* usage */
	n = argc - a;
	if (n < 1 || n > 3 || parse_count(argv[a], MAX_MIB, &size_mib) ||
	    size_mib == 0 || (n >= 2 && parse_count(argv[a + 1], 86400, &seconds)) ||
	    (n == 3 && parse_count(argv[a + 2], MAX_MIB, &grow_mib_s))) {
		fprintf(stderr, "usage: memhog [-v] [-t THREADS] [-r REWRITE_MIB_S] SIZE_MIB [SECONDS [GROW_MIB_S]]\n");
		return 1;
	}
	signal(SIGTERM, on_stop);
	signal(SIGINT, on_stop);
	hog.want_mib = size_mib;
	hog.grow_mib_s = grow_mib_s;
	hog.chunks = calloc(size_mib, sizeof(*hog.chunks));
	hog.gen = calloc(size_mib, sizeof(*hog.gen));
	if (!hog.chunks || !hog.gen) {
		fprintf(stderr, "memhog: no memory for the chunk table\n");
		return 2;
	}
	start_ms = now_ms();
	if (hog_grow(&hog, start_ms))
		rc = 2;
	printf("memhog: resident_mib=%zu after %llu ms\n", hog.have_mib,
	       (unsigned long long)(now_ms() - start_ms));
	fflush(stdout);
	if (seconds && (hog.verify || hog.threads > 1))
		hog_rewrite_threads(&hog, start_ms + seconds * 1000u);
	else if (seconds)
		hog_rewrite(&hog, start_ms + seconds * 1000u);
	if (atomic_load(&hog.alloc_failed))
		rc = 2;
	elapsed_ms = now_ms() - start_ms;
	printf("memhog: done resident_mib=%zu passes=%llu write_mib_s=%llu\n",
	       hog.have_mib, (unsigned long long)hog.passes,
	       (unsigned long long)(hog.written_mib * 1000u / (elapsed_ms ? elapsed_ms : 1)));
	if (hog.verify) {
		/* A last check of what every chunk holds now. */
		for (size_t i = 0; i < hog.have_mib; i++)
			if (hog.chunks[i])
				verify_chunk(&hog, i);
		printf("memhog: verify bad_words=%llu bad_fresh=%llu checked_mib=%llu\n",
		       (unsigned long long)atomic_load(&hog.bad_words),
		       (unsigned long long)atomic_load(&hog.bad_fresh),
		       (unsigned long long)atomic_load(&hog.checked_mib));
		if (atomic_load(&hog.bad_words) || atomic_load(&hog.bad_fresh))
			rc = 3;
	}
	for (size_t i = 0; i < hog.have_mib; i++)
		if (hog.chunks[i])
			munmap(hog.chunks[i], CHUNK_BYTES);
	free(hog.chunks);
	free(hog.gen);
	return rc;
}
