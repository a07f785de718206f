/* SPDX-License-Identifier: MIT */
/*
 * What the /proc-text harnesses share: the input copied to a buffer of its
 * exact size (so ASan sees any read past its end), line splitting, and the
 * decimal of /proc files (digits, leading zeros allowed, at most 20 of them,
 * at most 2^64 - 1), read independently of bpsi_parse_dec().
 */
#ifndef FUZZ_LINES_H
#define FUZZ_LINES_H

#include <stdlib.h>
#include <string.h>

#include "fuzz_decimal.h"

static inline char *fuzz_copy(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);

	if (buf)
		memcpy(buf, data, size);
	return buf;
}

static inline bool fuzz_proc_decimal(const char *s, size_t len, uint64_t *v)
{
	uint64_t acc = 0;

	if (len == 0 || len > 20 || !fuzz_all_digits(s, len) ||
	    fuzz_digits_overflow(s, len))
		return false;
	for (size_t i = 0; i < len; i++)
		acc = acc * 10 + (uint64_t)(s[i] - '0');
	*v = acc;
	return true;
}

/* Next line of [*pos, len): its start and length; false at the end. */
static inline bool fuzz_next_line(const char *t, size_t len, size_t *pos,
				  const char **line, size_t *n)
{
	const char *nl;

	if (*pos >= len)
		return false;
	*line = t + *pos;
	nl = memchr(*line, '\n', len - *pos);
	*n = nl ? (size_t)(nl - *line) : len - *pos;
	*pos += *n + 1;
	return true;
}

static inline bool fuzz_starts(const char *line, size_t n, const char *lit)
{
	size_t l = strlen(lit);

	return n >= l && !memcmp(line, lit, l);
}

#endif /* FUZZ_LINES_H */
