// SPDX-License-Identifier: MIT
/*
 * memhog: a guest workload for the end-to-end tests, linked statically so
 * the busybox initramfs needs no libc.
 *
 *   memhog SIZE_MIB [SECONDS [GROW_MIB_S]]
 *
 * Allocates SIZE_MIB MiB one MiB at a time, writing every page so the
 * memory is really resident (at most GROW_MIB_S MiB per second when given,
 * so a balloon has time to follow), then keeps rewriting all of it until
 * SECONDS have passed (0, the default: stop after the first pass). Prints one line
 * per second while running and a summary at the end:
 *   memhog: done resident_mib=N passes=P write_mib_s=R
 * Exit 0 when all SIZE_MIB were allocated, 2 when an allocation failed (it
 * still reports what it got), 1 on bad arguments.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define CHUNK_BYTES	(1024u * 1024u)
#define PAGE_BYTES	4096u
#define MAX_MIB		(1u << 20)

struct hog {
	unsigned char **chunks;
	size_t want_mib;
	size_t have_mib;
	uint64_t grow_mib_s;		/* 0: as fast as possible */
	uint64_t written_mib;
	uint64_t passes;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
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

static int hog_grow(struct hog *hog, uint64_t start_ms)
{
	while (hog->have_mib < hog->want_mib) {
		void *p;

		if (hog->grow_mib_s) {
			uint64_t due_ms = start_ms + hog->have_mib * 1000u / hog->grow_mib_s;
			uint64_t now = now_ms();

			if (due_ms > now)
				sleep_ms(due_ms - now);
		}
		p = mmap(NULL, CHUNK_BYTES, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			printf("memhog: allocation failed at %zu MiB: %s\n",
			       hog->have_mib, strerror(errno));
			return -1;
		}
		touch_chunk(p, 0);
		hog->chunks[hog->have_mib++] = p;
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
	uint64_t next_report_ms = now_ms() + 1000;

	do {
		hog->passes++;
		for (size_t i = 0; i < hog->have_mib; i++) {
			fill_chunk(hog->chunks[i], hog->passes);
			hog->written_mib++;
		}
		if (now_ms() >= next_report_ms) {
			printf("memhog: resident_mib=%zu passes=%llu\n", hog->have_mib,
			       (unsigned long long)hog->passes);
			fflush(stdout);
			next_report_ms += 1000;
		}
	} while (now_ms() < deadline_ms);
}

int main(int argc, char **argv)
{
	unsigned long long size_mib, seconds = 0, grow_mib_s = 0;
	struct hog hog = { 0 };
	uint64_t start_ms, elapsed_ms;
	int rc = 0;

	if (argc < 2 || argc > 4 || parse_count(argv[1], MAX_MIB, &size_mib) ||
	    size_mib == 0 || (argc >= 3 && parse_count(argv[2], 86400, &seconds)) ||
	    (argc == 4 && parse_count(argv[3], MAX_MIB, &grow_mib_s))) {
		fprintf(stderr, "usage: memhog SIZE_MIB [SECONDS [GROW_MIB_S]]\n");
		return 1;
	}
	hog.want_mib = size_mib;
	hog.grow_mib_s = grow_mib_s;
	hog.chunks = calloc(size_mib, sizeof(*hog.chunks));
	if (!hog.chunks) {
		fprintf(stderr, "memhog: no memory for the chunk table\n");
		return 2;
	}
	start_ms = now_ms();
	if (hog_grow(&hog, start_ms))
		rc = 2;
	printf("memhog: resident_mib=%zu after %llu ms\n", hog.have_mib,
	       (unsigned long long)(now_ms() - start_ms));
	fflush(stdout);
	if (seconds)
		hog_rewrite(&hog, start_ms + seconds * 1000u);
	elapsed_ms = now_ms() - start_ms;
	printf("memhog: done resident_mib=%zu passes=%llu write_mib_s=%llu\n",
	       hog.have_mib, (unsigned long long)hog.passes,
	       (unsigned long long)(hog.written_mib * 1000u / (elapsed_ms ? elapsed_ms : 1)));
	for (size_t i = 0; i < hog.have_mib; i++)
		munmap(hog.chunks[i], CHUNK_BYTES);
	free(hog.chunks);
	return rc;
}
