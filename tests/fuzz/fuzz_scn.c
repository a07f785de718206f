// SPDX-License-Identifier: MIT
/*
 * The simulator's scenario parser, sim_parse() (tests/sim/FORMAT.md), on
 * arbitrary text; a short scenario it accepts is also played, and the
 * policy must keep min <= target <= max on every tick (the simulator's own
 * invariant count).
 */
#include <string.h>

#include "fuzz_input.h"
#include "fuzz_lines.h"
#include "sim.h"

#define PLAY_MAX_TICKS	200

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sim_scenario scn;
	char err[SIM_ERR_LEN] = "", *text = malloc(size + 1);
	int rc;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	rc = sim_parse(text, "fuzz", &scn, err, sizeof(err));
	free(text);
	FUZZ_ASSERT(rc == 0 || rc == -1);
	if (rc) {
		FUZZ_ASSERT(err[0]);
		return 0;
	}
	FUZZ_ASSERT(scn.n_guests <= SIM_MAX_GUESTS && scn.n_work <= SIM_MAX_WORK);
	FUZZ_ASSERT(scn.n_reserve <= SIM_MAX_RESERVE && scn.n_expect <= SIM_MAX_EXPECT);
	FUZZ_ASSERT(scn.tick_ms > 0);
	if (scn.duration_ms / scn.tick_ms <= PLAY_MAX_TICKS) {
		struct sim_trace tr;

		memset(&tr, 0, sizeof(tr));
		if (sim_run(&scn, &tr, err, sizeof(err)) == 0) {
			if (tr.n_invariant_breaks)
				fprintf(stderr, "%s\n", tr.first_break);
			FUZZ_ASSERT(tr.n_invariant_breaks == 0);
			sim_check(&scn, &tr, NULL);
		}
		sim_trace_free(&tr);
	}
	return 0;
}
