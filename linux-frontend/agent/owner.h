/* SPDX-License-Identifier: MIT */
/*
 * ballast-agent's side of one frontend per guest (core/bowner.h): it does
 * not start while ballast.ko drives the guest. xenstore-free, so tests
 * link it alone (the caller reads the keys).
 */
#ifndef AGENT_OWNER_H
#define AGENT_OWNER_H

#include <stddef.h>

#define OWNER_MODULE_DIR	"/sys/module/ballast"	/* ballast.ko is loaded */

/* The agent's exit status when it refuses (RestartPreventExitStatus=). */
#define OWNER_EXIT_REFUSED	3

/*
 * 0 if the agent may drive: no @module_dir (ballast.ko is not loaded) and
 * no live claim by it in data/ballast (@frontend, @state as read, NULL:
 * absent). Otherwise -EBUSY with a line for the operator in @why.
 */
int owner_check(const char *module_dir, const char *frontend,
		size_t frontend_len, const char *state, size_t state_len,
		char *why, size_t why_len);

#endif /* AGENT_OWNER_H */
