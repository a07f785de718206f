// SPDX-License-Identifier: MIT
/*
 * ballast-agent: xenstore. Key names come from the schema only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "ballast_path.h"
#include "ballast_schema.h"
#include "xs.h"

#define WATCH_TOKEN	"ballast-agent"
#define REPORT_TRIES	5	/* transaction retries on EAGAIN */

struct xs_handle *axs_open(void)
{
	struct xs_handle *h = xs_open(0);

	if (!h)
		return NULL;
	if (!xs_watch(h, BALLAST_CTL_DIR, WATCH_TOKEN)) {
		int err = errno;

		xs_close(h);
		errno = err;
		return NULL;
	}
	/* dom0 making CPUs available wakes us too (agent_cpu_hotplug);
	 * without the watch it is seen at the next tick */
	xs_watch(h, BALLAST_STOCK_CPU_DIR, WATCH_TOKEN);
	return h;
}

void axs_close(struct xs_handle *h)
{
	if (h)
		xs_close(h);
}

int axs_fd(struct xs_handle *h)
{
	return xs_fileno(h);
}

bool axs_drain_events(struct xs_handle *h)
{
	bool any = false;
	char **ev;

	while ((ev = xs_check_watch(h)) != NULL) {
		free(ev);
		any = true;
	}
	return any;
}

/* @dir/@key, relative to the guest's home. */
static int key_path(char *buf, const char *dir, const char *key)
{
	return ballast_path(buf, BALLAST_PATH_MAX, BALLAST_AT_HOME, 0, dir, key,
			    NULL);
}

char *axs_read(struct xs_handle *h, const char *dir, const char *key,
	       unsigned int *len)
{
	char path[BALLAST_PATH_MAX];

	if (key_path(path, dir, key))
		return NULL;
	return xs_read(h, XBT_NULL, path, len);
}

static bool write_str(struct xs_handle *h, xs_transaction_t t,
		      const char *key, const char *val)
{
	char path[BALLAST_PATH_MAX];

	if (key_path(path, BALLAST_DATA_DIR, key))
		return false;
	return xs_write(h, t, path, val, (unsigned int)strlen(val));
}

static bool write_u64(struct xs_handle *h, xs_transaction_t t,
		      const char *key, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	return write_str(h, t, key, buf);
}

static bool write_all(struct xs_handle *h, xs_transaction_t t,
		      const struct breport_stats *s, uint64_t seq)
{
	unsigned int id;

	if (!write_str(h, t, BALLAST_KEY_FRONTEND,
		       ballast_frontend_word(BALLAST_FRONTEND_AGENT)) ||
	    !write_u64(h, t, BALLAST_KEY_PROTOCOL, BALLAST_PROTOCOL_VERSION))
		return false;
	for (id = 0; id < BALLAST_K__COUNT; id++) {
		const char *key = ballast_keys[id].name;
		bool ok;

		if (id == BALLAST_K_SEQ || !breport_has(s, id))
			continue;
		if (id == BALLAST_K_STATE)
			ok = write_str(h, t, key,
				       ballast_state_word((enum ballast_state)s->v[id]));
		else
			ok = write_u64(h, t, key, s->v[id]);
		if (!ok)
			return false;
	}
	/* Last: dom0 never sees a new seq with old values. */
	return write_u64(h, t, BALLAST_KEY_SEQ, seq);
}

int axs_write_report(struct xs_handle *h, const struct breport_stats *s,
		     uint64_t seq)
{
	unsigned int tries;

	for (tries = 0; tries < REPORT_TRIES; tries++) {
		xs_transaction_t t = xs_transaction_start(h);

		if (t == XBT_NULL)
			return -errno;
		if (!write_all(h, t, s, seq)) {
			int err = errno ? errno : EIO;

			xs_transaction_end(h, t, true);
			return -err;
		}
		if (xs_transaction_end(h, t, false))
			return 0;
		if (errno != EAGAIN)
			return -errno;
	}
	return -EAGAIN;
}
