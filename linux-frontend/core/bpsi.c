// SPDX-License-Identifier: MIT
/*
 * Memory pressure (PSI) text: see bpsi.h. Freestanding (no string
 * functions from either world), like the rest of the core.
 */
#include "bpsi.h"

#define DEC_MAX_DIGITS	20	/* UINT64_MAX has 20 */

/* @lit (NUL-terminated) is a prefix of the @len bytes at @s. */
static bool has_prefix(const char *s, size_t len, const char *lit)
{
	size_t i;

	for (i = 0; lit[i]; i++)
		if (i >= len || s[i] != lit[i])
			return false;
	return true;
}

/* Index of the first @c in the @len bytes at @s, or @len. */
static size_t find(const char *s, size_t len, char c)
{
	size_t i;

	for (i = 0; i < len && s[i] != c; i++)
		;
	return i;
}

bool bpsi_parse_dec(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0 || len > DEC_MAX_DIGITS)
		return false;
	for (i = 0; i < len; i++) {
		uint64_t d;

		if (s[i] < '0' || s[i] > '9')
			return false;
		d = (uint64_t)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/* "avg10=D+.DD" at the start of @s, up to a space or the end; 0.01 %. */
static bool avg10(const char *s, size_t len, uint64_t *centipct)
{
	static const char key[] = "avg10=";
	const size_t key_len = sizeof(key) - 1;
	size_t field, dot;
	uint64_t whole, frac;

	if (!has_prefix(s, len, key))
		return false;
	s += key_len;
	len -= key_len;
	field = find(s, len, ' ');
	dot = find(s, field, '.');
	if (dot == field || field - dot - 1 != 2)
		return false;
	if (!bpsi_parse_dec(s, dot, &whole) || !bpsi_parse_dec(s + dot + 1, 2, &frac))
		return false;
	if (whole > 100 || (whole == 100 && frac))
		return false;
	*centipct = whole * 100 + frac;
	return true;
}

bool bpsi_parse(const char *text, size_t len, struct bpsi *out)
{
	static const char some[] = "some ", full[] = "full ";
	const size_t tag_len = sizeof(some) - 1;
	bool has_some = false;
	size_t pos = 0;

	out->has_full = false;
	while (pos < len) {
		const char *line = text + pos;
		size_t n = find(line, len - pos, '\n');

		pos += n + 1;	/* past the newline, or past the end */
		if (has_prefix(line, n, some)) {
			if (!avg10(line + tag_len, n - tag_len,
				   &out->some_avg10_centipct))
				return false;
			has_some = true;
		} else if (has_prefix(line, n, full)) {
			if (!avg10(line + tag_len, n - tag_len,
				   &out->full_avg10_centipct))
				return false;
			out->has_full = true;
		}
	}
	return has_some;
}

void bpsi_report(const struct bpsi *p, struct breport_stats *s)
{
	breport_set(s, BALLAST_K_PSI_SOME_AVG10, p->some_avg10_centipct);
	if (p->has_full)
		breport_set(s, BALLAST_K_PSI_FULL_AVG10, p->full_avg10_centipct);
}
