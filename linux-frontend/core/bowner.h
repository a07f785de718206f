/* SPDX-License-Identifier: MIT */
/*
 * One frontend per guest, for both frontends (bowner.c): ballast.ko and
 * ballast-agent would each move the balloon toward the one target and
 * fight over it, so the second refuses to start. Each writes
 * data/ballast/frontend with every report and "unloading" as its last
 * state when it lets go (module unload, agent stop); a claim by the other
 * frontend stands while both keys are there and the state says anything
 * else. Portable like bcore.c.
 */
#ifndef BOWNER_H
#define BOWNER_H

#include "bcore_compat.h"
#include "ballast_schema.h"

/*
 * @frontend and @state: data/ballast/frontend and data/ballast/state as
 * read (NULL: absent), of @frontend_len and @state_len bytes. Returns true
 * if @self may drive the guest: no claim, its own, a let-go one, or a
 * value that is no frontend at all. False if the other frontend holds it;
 * then *@holder says which.
 */
bool bowner_may_drive(enum ballast_frontend self, const char *frontend,
		      size_t frontend_len, const char *state, size_t state_len,
		      enum ballast_frontend *holder);

#endif /* BOWNER_H */
