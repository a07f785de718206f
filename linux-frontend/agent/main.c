// SPDX-License-Identifier: MIT
/*
 * ballast-agent: parse, construct, run, unwind. No policy here.
 */
#include <errno.h>
#include <stdio.h>

#include "agent.h"
#include "options.h"
#include "owner.h"

int main(int argc, char **argv)
{
	struct agent_config cfg;
	struct agent a;
	int rc;

	agent_default_config(&cfg);
	rc = agent_parse_args(argc, argv, &cfg, stdout, stderr);
	if (rc > 0)
		return 0;
	if (rc) {
		agent_usage(stderr);
		return 2;
	}
	rc = agent_start(&a, &cfg);
	if (rc)
		return rc == -EBUSY ? OWNER_EXIT_REFUSED : 1;
	rc = agent_run(&a);
	agent_stop(&a);
	return rc ? 1 : 0;
}
