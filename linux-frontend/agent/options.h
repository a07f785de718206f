/* SPDX-License-Identifier: MIT */
/*
 * ballast-agent's command line (options.c), apart from main so the tests
 * reach every option: sizes as ballastd.conf and ballastctl take them.
 */
#ifndef AGENT_OPTIONS_H
#define AGENT_OPTIONS_H

#include <stdio.h>

#include "agent.h"

/*
 * Parses @argv over the values already in @cfg. Returns 0; 1 when --help
 * or --version printed on @out (exit 0); -EINVAL with the reason on @err.
 */
int agent_parse_args(int argc, char **argv, struct agent_config *cfg,
		     FILE *out, FILE *err);

/* The options, for --help and after a usage error. */
void agent_usage(FILE *f);

#endif /* AGENT_OPTIONS_H */
