/* SPDX-License-Identifier: MIT */
/*
 * The harnesses' common parts: a reader that turns libFuzzer's bytes into
 * choices (running out of bytes reads zeros, so every input is usable), and
 * FUZZ_ASSERT, which aborts so libFuzzer keeps the input as a crash.
 */
#ifndef FUZZ_INPUT_H
#define FUZZ_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_ASSERT(cond)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: invariant broken: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

struct fuzz_in {
	const uint8_t *p;
	size_t left;
};

static inline uint64_t fuzz_u64(struct fuzz_in *in, unsigned int bytes)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < bytes; i++) {
		v = v << 8;
		if (in->left) {
			v |= *in->p++;
			in->left--;
		}
	}
	return v;
}

/* A value in [0, n), n > 0, from as few bytes as it needs. */
static inline uint64_t fuzz_below(struct fuzz_in *in, uint64_t n)
{
	unsigned int bytes = 1;

	while (bytes < 8 && (n - 1) >> (8 * bytes))
		bytes++;
	return fuzz_u64(in, bytes) % n;
}

static inline bool fuzz_bool(struct fuzz_in *in)
{
	return fuzz_u64(in, 1) & 1;
}

#endif /* FUZZ_INPUT_H */
