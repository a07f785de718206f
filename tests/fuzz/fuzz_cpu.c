// SPDX-License-Identifier: MIT
/*
 * The CPU evidence parsers both frontends share (core/bcpu.c) against
 * bcpu.h's description. The first byte picks the parser; the rest is the
 * file's text. cpulist is checked against an oracle written here (count
 * the CPUs of "A[-B](,A[-B])*" with a trailing newline allowed); loadavg,
 * the steal line and the availability word against the bounds the schema
 * gives their keys.
 */
#include <string.h>

#include "bcpu.h"
#include "fuzz_input.h"

/* A decimal of digits only (no sign), 1 to 20 of them, that fits in 64 bits. */
static bool dec(const char *s, size_t n, uint64_t *v)
{
	uint64_t x = 0;

	if (!n || n > 20)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (__builtin_mul_overflow(x, 10, &x) ||
		    __builtin_add_overflow(x, (uint64_t)(s[i] - '0'), &x))
			return false;
	}
	*v = x;
	return true;
}

static bool oracle_cpulist(const char *t, size_t len, uint64_t *count)
{
	uint64_t total = 0;
	size_t pos = 0;

	while (len && (t[len - 1] == '\n' || t[len - 1] == '\0'))
		len--;
	if (!len)
		return false;
	while (pos <= len) {
		size_t end = pos, dash = SIZE_MAX;
		uint64_t lo, hi;

		while (end < len && t[end] != ',') {
			if (t[end] == '-' && dash == SIZE_MAX)
				dash = end;
			end++;
		}
		if (dash == SIZE_MAX) {
			if (!dec(t + pos, end - pos, &lo))
				return false;
			hi = lo;
		} else if (!dec(t + pos, dash - pos, &lo) ||
			   !dec(t + dash + 1, end - dash - 1, &hi)) {
			return false;
		}
		if (hi < lo || hi - lo >= BALLAST_MAX_VCPUS ||
		    total + (hi - lo + 1) > BALLAST_MAX_VCPUS)
			return false;
		total += hi - lo + 1;
		if (end == len)
			break;
		pos = end + 1;
		if (pos == len)
			return false;	/* a trailing comma */
	}
	*count = total;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *t = (const char *)data + 1;
	size_t n = size ? size - 1 : 0;
	uint64_t a = 0, b = 0, want = 0;
	bool ok, exp;

	if (!size)
		return 0;
	switch (data[0] % 4) {
	case 0:
		ok = bcpu_parse_cpulist(t, n, &a);
		exp = oracle_cpulist(t, n, &want);
		FUZZ_ASSERT(ok == exp);
		FUZZ_ASSERT(!ok || (a == want && a >= 1 && a <= BALLAST_MAX_VCPUS));
		break;
	case 1:
		if (bcpu_parse_loadavg(t, n, &a, &b)) {
			/* the first field is "W.FF": a is W * 100 + FF */
			size_t sp = 0;
			uint64_t w, f;

			while (sp < n && t[sp] != ' ')
				sp++;
			FUZZ_ASSERT(sp >= 4 && t[sp - 3] == '.');
			FUZZ_ASSERT(dec(t, sp - 3, &w) && dec(t + sp - 2, 2, &f));
			FUZZ_ASSERT(a == w * 100 + f);
			FUZZ_ASSERT(sp < n);	/* the runnable field follows */
		}
		break;
	case 2:
		if (bcpu_parse_stat_steal(t, n, 100, &a))
			FUZZ_ASSERT(n >= 4 && !memcmp(t, "cpu ", 4));
		/* a zero tick rate is refused, never divided by */
		FUZZ_ASSERT(!bcpu_parse_stat_steal(t, n, 0, &a));
		break;
	default: {
		enum bcpu_avail v = bcpu_parse_avail(t, n);

		FUZZ_ASSERT(v == BCPU_AVAIL_UNKNOWN || v == BCPU_AVAIL_ONLINE ||
			    v == BCPU_AVAIL_OFFLINE);
		FUZZ_ASSERT(v != BCPU_AVAIL_ONLINE || (n >= 6 && !memcmp(t, "online", 6)));
		FUZZ_ASSERT(v != BCPU_AVAIL_OFFLINE || (n >= 7 && !memcmp(t, "offline", 7)));
		break;
	}
	}
	return 0;
}
