// SPDX-License-Identifier: MIT
/*
 * ballast-sim SCENARIO.scn [TRACE.csv]: play a scenario, write its trace,
 * print a line per expectation. Exit 0 if all hold, 1 if any fails, 2 if
 * the scenario cannot be read or run.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

int main(int argc, char **argv)
{
	struct sim_scenario *scn;
	struct sim_trace tr;
	char err[SIM_ERR_LEN];
	FILE *out = stdout;
	size_t failed;
	int rc = 2;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s SCENARIO.scn [TRACE.csv]\n", argv[0]);
		return 2;
	}
	scn = malloc(sizeof(*scn));
	if (!scn) {
		fprintf(stderr, "out of memory\n");
		return 2;
	}
	if (sim_load(argv[1], scn, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		goto out_scn;
	}
	if (sim_run(scn, &tr, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", argv[1], err);
		goto out_scn;
	}
	if (argc == 3) {
		out = fopen(argv[2], "w");
		if (!out) {
			fprintf(stderr, "%s: %s\n", argv[2], strerror(errno));
			goto out_trace;
		}
		if (sim_write_csv(scn, &tr, out) || fclose(out)) {
			fprintf(stderr, "%s: write failed\n", argv[2]);
			goto out_trace;
		}
	}
	failed = sim_check(scn, &tr, stdout);
	printf("%s: %zu of %zu expectations failed\n", scn->name, failed,
	       scn->n_expect);
	rc = failed ? 1 : 0;
out_trace:
	sim_trace_free(&tr);
out_scn:
	free(scn);
	return rc;
}
