// SPDX-License-Identifier: MIT
/*
 * xenstore watches: domains coming and going and dom0's requests make the
 * daemon tick early; a guest's writes to data/ballast are only counted (in
 * its flood window), the report itself is read by the tick.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ballastd-watch.h"
#include "ballastd.h"

#define TOKEN_INTRODUCE		"introduce"
#define TOKEN_RELEASE		"release"
#define TOKEN_TOOL		"tool"
#define TOKEN_GUEST_FMT		"g%" PRIu32	/* a guest's data/ballast */
#define BD_MAX_EVENTS_PER_DRAIN	4096	/* then tick: events cannot stall us */

static int guest_watch(char *path, char *token, size_t token_size,
		       uint32_t domid)
{
	snprintf(token, token_size, TOKEN_GUEST_FMT, domid);
	return ballast_path(path, BALLAST_PATH_MAX, BALLAST_AT_DOMAIN, domid,
			    BALLAST_DATA_DIR, NULL);
}

void bd_watch_guest(struct bd_env *env, uint32_t domid, bool *watched)
{
	char path[BALLAST_PATH_MAX], token[16];

	if (*watched || guest_watch(path, token, sizeof(token), domid))
		return;
	*watched = env->io.ops->watch(env->io.ctx, path, token) == 0;
}

void bd_unwatch_guest(struct bd_env *env, uint32_t domid, bool *watched)
{
	char path[BALLAST_PATH_MAX], token[16];

	if (!*watched || guest_watch(path, token, sizeof(token), domid))
		return;
	env->io.ops->unwatch(env->io.ctx, path, token);
	*watched = false;
}

int bd_watch_setup(struct ballastd *bd)
{
	char policy[BALLAST_PATH_MAX], reserve[BALLAST_PATH_MAX];
	struct bio *io = &bd->env.io;
	int rc;

	if (ballast_path(policy, sizeof(policy), BALLAST_AT_TOOL, 0,
			 BALLAST_TOOL_POLICY, NULL) ||
	    ballast_path(reserve, sizeof(reserve), BALLAST_AT_TOOL, 0,
			 BALLAST_TOOL_RESERVE, NULL))
		return -ENAMETOOLONG;
	rc = io->ops->watch(io->ctx, "@introduceDomain", TOKEN_INTRODUCE);
	if (!rc)
		rc = io->ops->watch(io->ctx, "@releaseDomain", TOKEN_RELEASE);
	if (!rc)
		rc = io->ops->watch(io->ctx, policy, TOKEN_TOOL);
	if (!rc)
		rc = io->ops->watch(io->ctx, reserve, TOKEN_TOOL);
	bd->watches_set = rc == 0;
	return rc;
}

void bd_handle_events(struct ballastd *bd)
{
	struct bio *io = &bd->env.io;
	uint64_t now_ms = io->ops->now_ms(io->ctx);

	for (unsigned int i = 0; i < BD_MAX_EVENTS_PER_DRAIN; i++) {
		char *path = NULL, *token = NULL;
		struct bd_dom *d;
		uint64_t domid;
		int r = io->ops->next_event(io->ctx, &path, &token);

		if (r <= 0)
			break;
		if (token[0] == 'g' &&
		    ballast_parse_u64(token + 1, strlen(token + 1), &domid) == BALLAST_OK &&
		    domid <= UINT32_MAX) {
			d = bd_dom_get(&bd->doms, (uint32_t)domid, false);
			if (d)
				bd_guest_event(&bd->env, &d->guest, path, now_ms);
		} else {
			bd->tick_due = true;	/* domains or dom0 requests changed */
		}
		free(path);
		free(token);
	}
}
