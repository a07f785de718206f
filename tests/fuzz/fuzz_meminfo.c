// SPDX-License-Identifier: MIT
/*
 * procstat_parse_meminfo() against procstat.h: MemTotal, MemAvailable and
 * Committed_AS each needed, each "Name:" spaces digits " kB"; a malformed
 * one refuses the file; other lines are ignored; the last of a repeated
 * line counts.
 */
#include <errno.h>

#include "fuzz_input.h"
#include "fuzz_lines.h"
#include "procstat.h"

static const char *const names[3] = { "MemTotal:", "MemAvailable:", "Committed_AS:" };

static bool value(const char *line, size_t n, size_t name_len, uint64_t *v)
{
	size_t i = name_len;

	while (i < n && line[i] == ' ')
		i++;
	if (n < i + 3 || memcmp(line + n - 3, " kB", 3))
		return false;
	return fuzz_proc_decimal(line + i, n - 3 - i, v);
}

static bool oracle(const char *t, size_t len, uint64_t want[3])
{
	const char *line;
	size_t pos = 0, n;
	unsigned int seen = 0;

	while (fuzz_next_line(t, len, &pos, &line, &n))
		for (int k = 0; k < 3; k++)
			if (fuzz_starts(line, n, names[k])) {
				if (!value(line, n, strlen(names[k]), &want[k]))
					return false;
				seen |= 1u << k;
			}
	return seen == 7;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *t = fuzz_copy(data, size);
	struct meminfo got;
	uint64_t want[3];
	int rc;

	if (!t)
		return 0;
	rc = procstat_parse_meminfo(t, size, &got);
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL);
	FUZZ_ASSERT((rc == 0) == oracle(t, size, want));
	if (rc == 0) {
		FUZZ_ASSERT(got.mem_total_kib == want[0]);
		FUZZ_ASSERT(got.mem_available_kib == want[1]);
		FUZZ_ASSERT(got.committed_as_kib == want[2]);
	}
	free(t);
	return 0;
}
