// SPDX-License-Identifier: MIT
/*
 * ballast-agent: one frontend per guest. See owner.h.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "bowner.h"
#include "owner.h"

int owner_check(const char *module_dir, const char *frontend,
		size_t frontend_len, const char *state, size_t state_len,
		char *why, size_t why_len)
{
	enum ballast_frontend holder;

	if (access(module_dir, F_OK) == 0) {
		snprintf(why, why_len,
			 "ballast.ko is loaded (%s) and drives this guest: one frontend per guest, so the agent does not start (unload the module first: modprobe -r ballast)",
			 module_dir);
		return -EBUSY;
	}
	if (bowner_may_drive(BALLAST_FRONTEND_AGENT, frontend, frontend_len,
			     state, state_len, &holder))
		return 0;
	snprintf(why, why_len,
		 "%s/%s says \"%s\" drives this guest (state \"%.*s\"): one frontend per guest, so the agent does not start (if it is gone without letting go, remove that key)",
		 BALLAST_DATA_DIR, BALLAST_KEY_FRONTEND, ballast_frontend_word(holder),
		 (int)(state_len < 32 ? state_len : 32), state);
	return -EBUSY;
}
