// SPDX-License-Identifier: MIT
/*
 * procstat_parse_vmstat() against procstat.h: pswpin, pswpout, pgmajfault
 * and oom_kill each needed, each "name digits" with the exact name (not
 * pgmajfault_s); a malformed one refuses the file; the last one counts.
 */
#include <errno.h>

#include "fuzz_input.h"
#include "fuzz_lines.h"
#include "procstat.h"

static const char *const names[4] = { "pswpin ", "pswpout ", "pgmajfault ", "oom_kill " };

static bool oracle(const char *t, size_t len, uint64_t want[4])
{
	const char *line;
	size_t pos = 0, n;
	unsigned int seen = 0;

	while (fuzz_next_line(t, len, &pos, &line, &n))
		for (int k = 0; k < 4; k++) {
			size_t l = strlen(names[k]);

			if (!fuzz_starts(line, n, names[k]))
				continue;
			if (!fuzz_proc_decimal(line + l, n - l, &want[k]))
				return false;
			seen |= 1u << k;
		}
	return seen == 15;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *t = fuzz_copy(data, size);
	struct vmstat got;
	uint64_t want[4];
	int rc;

	if (!t)
		return 0;
	rc = procstat_parse_vmstat(t, size, &got);
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL);
	FUZZ_ASSERT((rc == 0) == oracle(t, size, want));
	if (rc == 0) {
		FUZZ_ASSERT(got.pswpin == want[0] && got.pswpout == want[1]);
		FUZZ_ASSERT(got.pgmajfault == want[2] && got.oom_kill == want[3]);
	}
	free(t);
	return 0;
}
