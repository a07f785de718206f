/* SPDX-License-Identifier: MIT */
/*
 * SCHEMA.md's "Values" paragraph read independently of the schema's code:
 * an unsigned decimal is digits only, no sign, no leading zero (except "0"),
 * at most 20 bytes, at most 2^64 - 1. Overflow is decided by comparing the
 * text with "18446744073709551615", not by arithmetic, so a bug shared with
 * ballast_parse_u64()'s overflow test cannot hide.
 */
#ifndef FUZZ_DECIMAL_H
#define FUZZ_DECIMAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define FUZZ_U64_MAX_TEXT	"18446744073709551615"

static inline bool fuzz_all_digits(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Digits only, any length: does the number exceed 2^64 - 1? */
static inline bool fuzz_digits_overflow(const char *s, size_t len)
{
	size_t max_len = sizeof(FUZZ_U64_MAX_TEXT) - 1;

	while (len > 1 && s[0] == '0') {
		s++;
		len--;
	}
	if (len != max_len)
		return len > max_len;
	return memcmp(s, FUZZ_U64_MAX_TEXT, max_len) > 0;
}

/* True and *v if @s is a valid value (range not checked). */
static inline bool fuzz_strict_decimal(const char *s, size_t len, uint64_t *v)
{
	uint64_t acc = 0;

	if (len == 0 || len > 20 || !fuzz_all_digits(s, len))
		return false;
	if (len > 1 && s[0] == '0')
		return false;
	if (fuzz_digits_overflow(s, len))
		return false;
	for (size_t i = 0; i < len; i++)
		acc = acc * 10 + (uint64_t)(s[i] - '0');
	*v = acc;
	return true;
}

#endif /* FUZZ_DECIMAL_H */
