// SPDX-License-Identifier: MIT
/*
 * One frontend per guest: see bowner.h.
 */
#include "bowner.h"

bool bowner_may_drive(enum ballast_frontend self, const char *frontend,
		      size_t frontend_len, const char *state, size_t state_len,
		      enum ballast_frontend *holder)
{
	uint64_t who, what;

	if (ballast_parse_key(BALLAST_K_FRONTEND, frontend, frontend_len,
			      &who) != BALLAST_OK ||
	    who == (uint64_t)self)
		return true;
	/* both keys go in one transaction: a claim without a state is none */
	if (ballast_parse_key(BALLAST_K_STATE, state, state_len, &what) !=
	    BALLAST_OK || what == BALLAST_STATE_UNLOADING)
		return true;
	*holder = (enum ballast_frontend)who;
	return false;
}
