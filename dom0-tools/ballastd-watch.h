/* SPDX-License-Identifier: MIT */
/* A guest's data/ballast watch (ballastd-watch.c), set when it joins. */
#ifndef BALLASTD_WATCH_H
#define BALLASTD_WATCH_H

#include "ballastd-env.h"

/* Watches @domid's data/ballast unless *@watched; sets *@watched. */
void bd_watch_guest(struct bd_env *env, uint32_t domid, bool *watched);
void bd_unwatch_guest(struct bd_env *env, uint32_t domid, bool *watched);

#endif /* BALLASTD_WATCH_H */
