// SPDX-License-Identifier: MIT
/* Human-friendly values shared by ballastd.conf, ballastctl and ballast-agent. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "size.h"

#define MIB_SHIFT	10	/* KiB to MiB: a bare number */

/* The shift from the unit to KiB, or -1. */
static int unit_shift(char c)
{
	switch (toupper((unsigned char)c)) {
	case 'K':
		return 0;
	case 'M':
		return 10;
	case 'G':
		return 20;
	case 'T':
		return 30;
	default:
		return -1;
	}
}

int ballast_parse_size(const char *s, uint64_t *kib)
{
	unsigned long long v;
	int shift = MIB_SHIFT;
	char *end;

	if (!s || !isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	if (*end) {
		shift = unit_shift(*end++);
		if (shift < 0)
			return -1;
		/* xl's "4GiB" and "512MB" are the same sizes */
		if (*end == 'i' || *end == 'I')
			end++;
		if (*end == 'b' || *end == 'B')
			end++;
		else if (end[-1] == 'i' || end[-1] == 'I')
			return -1;	/* "4Gi" */
		if (*end)
			return -1;
	}
	if (v > (UINT64_MAX >> shift))
		return -1;
	*kib = (uint64_t)v << shift;
	return 0;
}

void ballast_size_str(uint64_t kib, char *buf, size_t size)
{
	static const char units[] = "KMGT";
	unsigned int u = 0;

	while (kib && !(kib & 1023) && u + 1 < sizeof(units) - 1) {
		kib >>= 10;
		u++;
	}
	if (!kib)
		snprintf(buf, size, "0");
	else
		snprintf(buf, size, "%llu%c", (unsigned long long)kib, units[u]);
}

int ballast_size_arg(const char *what, const char *s, uint64_t min_kib,
		     uint64_t max_kib, uint64_t *kib, char *err, size_t err_len)
{
	char lo[24], hi[24];
	uint64_t v;

	if (!ballast_parse_size(s, &v) && v >= min_kib && v <= max_kib) {
		*kib = v;
		return 0;
	}
	ballast_size_str(min_kib, lo, sizeof(lo));
	ballast_size_str(max_kib, hi, sizeof(hi));
	snprintf(err, err_len, "%s: not a size from %s to %s (%s): %s", what, lo,
		 hi, BALLAST_SIZE_SYNTAX, s ? s : "(nothing)");
	return -1;
}

int bd_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -1;
}
