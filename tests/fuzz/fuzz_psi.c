// SPDX-License-Identifier: MIT
/*
 * bpsi_parse() (/proc/pressure/memory) against bpsi.h's description:
 * needs a "some" line, "full" optional, other lines ignored; a some/full
 * line is "TAG avg10=D.DD ..." with exactly two decimals, at most 100.00.
 */
#include "bpsi.h"
#include "fuzz_input.h"
#include "fuzz_lines.h"

/* "avg10=W.FF" then a space or the end of the line. */
static bool oracle_avg10(const char *s, size_t n, uint64_t *centipct)
{
	size_t end = 0, dot;
	uint64_t whole, frac;

	if (!fuzz_starts(s, n, "avg10="))
		return false;
	s += 6;
	n -= 6;
	while (end < n && s[end] != ' ')
		end++;
	if (end < 4 || s[end - 3] != '.')
		return false;
	dot = end - 3;
	if (!fuzz_proc_decimal(s, dot, &whole) ||
	    !fuzz_proc_decimal(s + dot + 1, 2, &frac))
		return false;
	if (whole > 100 || (whole == 100 && frac))
		return false;
	*centipct = whole * 100 + frac;
	return true;
}

static bool oracle(const char *t, size_t len, struct bpsi *want)
{
	const char *line;
	size_t pos = 0, n;
	bool some = false;

	want->has_full = false;
	while (fuzz_next_line(t, len, &pos, &line, &n)) {
		if (fuzz_starts(line, n, "some ")) {
			if (!oracle_avg10(line + 5, n - 5, &want->some_avg10_centipct))
				return false;
			some = true;
		} else if (fuzz_starts(line, n, "full ")) {
			if (!oracle_avg10(line + 5, n - 5, &want->full_avg10_centipct))
				return false;
			want->has_full = true;
		}
	}
	return some;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *t = fuzz_copy(data, size);
	struct bpsi got, want;
	bool ok, ok_want;

	if (!t)
		return 0;
	ok = bpsi_parse(t, size, &got);
	ok_want = oracle(t, size, &want);
	FUZZ_ASSERT(ok == ok_want);
	if (ok) {
		struct breport_stats s = { 0 };

		FUZZ_ASSERT(got.some_avg10_centipct == want.some_avg10_centipct);
		FUZZ_ASSERT(got.has_full == want.has_full);
		FUZZ_ASSERT(!got.has_full ||
			    got.full_avg10_centipct == want.full_avg10_centipct);
		FUZZ_ASSERT(got.some_avg10_centipct <= BALLAST_MAX_CENTIPCT);
		bpsi_report(&got, &s);
		FUZZ_ASSERT(breport_has(&s, BALLAST_K_PSI_SOME_AVG10));
		FUZZ_ASSERT(breport_has(&s, BALLAST_K_PSI_FULL_AVG10) == got.has_full);
	}
	free(t);
	return 0;
}
