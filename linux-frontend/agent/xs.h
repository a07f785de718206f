/* SPDX-License-Identifier: MIT */
/*
 * ballast-agent: xenstore through libxenstore (/dev/xen/xenbus in a
 * guest). Paths are relative to the guest's home, /local/domain/<id>.
 */
#ifndef AGENT_XS_H
#define AGENT_XS_H

#include <stdbool.h>
#include <stdint.h>

#include "breport.h"

struct xs_handle;

/* Opens and watches BALLAST_CTL_DIR. NULL on failure (errno set). */
struct xs_handle *axs_open(void);
void axs_close(struct xs_handle *h);

/* The fd to poll for watch events. */
int axs_fd(struct xs_handle *h);

/* Consumes pending watch events; true if there was any. */
bool axs_drain_events(struct xs_handle *h);

/*
 * Reads @dir/@key. Returns a malloc'd value of *@len bytes, or NULL if
 * absent or unreadable.
 */
char *axs_read(struct xs_handle *h, const char *dir, const char *key,
	       unsigned int *len);

/*
 * Writes a report under BALLAST_DATA_DIR in one transaction: frontend
 * "agent", protocol, every key present in @s, then seq. 0 or -errno.
 */
int axs_write_report(struct xs_handle *h, const struct breport_stats *s,
		     uint64_t seq);

#endif /* AGENT_XS_H */
