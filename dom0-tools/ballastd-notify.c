// SPDX-License-Identifier: MIT
/* ballastd under systemd: see ballastd-notify.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>

#include "ballastd-notify.h"

bool bd_journal_stream_is(const char *journal_stream, int fd)
{
	unsigned long long dev, ino;
	struct stat st;
	int end = 0;

	if (!journal_stream ||
	    sscanf(journal_stream, "%llu:%llu%n", &dev, &ino, &end) != 2 ||
	    journal_stream[end] != '\0' || fstat(fd, &st))
		return false;
	return (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

void bd_notify_init(struct bd_notify *n)
{
	uint64_t usec = 0;

	*n = (struct bd_notify){ 0 };
	if (sd_watchdog_enabled(0, &usec) > 0)
		n->watchdog_ms = usec / 1000 ? usec / 1000 : 1;
}

void bd_notify_status(const struct ballastd *bd, int tick_rc, char *buf,
		      size_t size)
{
	size_t managed = 0;

	if (tick_rc) {
		snprintf(buf, size, "tick failed: %s; %zu domains as last seen",
			 strerror(-tick_rc), bd->doms.n);
		return;
	}
	for (size_t i = 0; i < bd->doms.n; i++)
		managed += bd->doms.d[i].sub.managed;
	snprintf(buf, size, "%zu domains, %zu steered; host free %" PRIu64
		 " MiB; %" PRIu64 " ticks%s",
		 bd->doms.n, managed, bd->host.free_kib / 1024,
		 bd->env.count.ticks, bd->env.dry_run ? " (dry-run)" : "");
}

static void ping(struct bd_notify *n, uint64_t now_ms)
{
	if (!n->watchdog_ms)
		return;
	sd_notify(0, "WATCHDOG=1");
	n->pinged_ms = now_ms;
}

void bd_notify_tick(struct bd_notify *n, const struct ballastd *bd, int tick_rc,
		    uint64_t now_ms)
{
	char status[BD_STATUS_MAX], line[BD_STATUS_MAX + 16];

	ping(n, now_ms);
	bd_notify_status(bd, tick_rc, status, sizeof(status));
	if (!strcmp(status, n->status))
		return;
	snprintf(line, sizeof(line), "STATUS=%s", status);
	sd_notify(0, line);
	memcpy(n->status, status, sizeof(status));
}

int bd_notify_timeout_ms(const struct bd_notify *n, uint64_t now_ms,
			 int timeout_ms)
{
	uint64_t due_ms;

	if (!n->watchdog_ms)
		return timeout_ms;
	due_ms = n->pinged_ms + n->watchdog_ms / 2;
	if (due_ms <= now_ms)
		return 0;
	if (due_ms - now_ms < (uint64_t)timeout_ms)
		return (int)(due_ms - now_ms);
	return timeout_ms;
}

void bd_notify_keepalive(struct bd_notify *n, uint64_t now_ms)
{
	if (n->watchdog_ms && now_ms >= n->pinged_ms + n->watchdog_ms / 2)
		ping(n, now_ms);
}
