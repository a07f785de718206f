/* SPDX-License-Identifier: MIT */
/*
 * ballastd under systemd (ballastd-notify.c): whether standard error is the
 * journal's stream, so that log lines carry sd-daemon's "<N>" priority
 * prefixes (`journalctl -p warning -u ballastd` then shows the warnings);
 * and, through libsystemd's sd_notify, STATUS= after each tick (when its
 * text changes) and WATCHDOG=1 (when WatchdogSec= set WATCHDOG_USEC).
 * READY=1, RELOADING=1 and STOPPING=1 are main()'s.
 */
#ifndef BALLASTD_NOTIFY_H
#define BALLASTD_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ballastd.h"

#define BD_STATUS_MAX	192

/*
 * True if @journal_stream (JOURNAL_STREAM's value, "<dev>:<inode>", or
 * NULL) names the file @fd is open on: systemd set it for a unit whose
 * output goes to the journal, and an inherited one no longer matches once
 * stderr is redirected (sd-daemon(3), systemd.exec(5)).
 */
bool bd_journal_stream_is(const char *journal_stream, int fd);

struct bd_notify {
	uint64_t watchdog_ms;		/* WATCHDOG_USEC / 1000; 0: no watchdog */
	uint64_t pinged_ms;		/* when WATCHDOG=1 was last sent */
	char status[BD_STATUS_MAX];	/* STATUS= as last sent */
};

/* Reads WATCHDOG_USEC (for this pid) through sd_watchdog_enabled(). */
void bd_notify_init(struct bd_notify *n);

/* The STATUS= text after a tick that returned @tick_rc. */
void bd_notify_status(const struct ballastd *bd, int tick_rc, char *buf,
		      size_t size);

/* After each tick: WATCHDOG=1 if enabled, STATUS= if its text changed. */
void bd_notify_tick(struct bd_notify *n, const struct ballastd *bd, int tick_rc,
		    uint64_t now_ms);

/*
 * @timeout_ms, shortened so the loop wakes to ping the watchdog at least
 * twice per period, however long tick-ms is; bd_notify_keepalive() pings
 * when half a period went by without a tick.
 */
int bd_notify_timeout_ms(const struct bd_notify *n, uint64_t now_ms,
			 int timeout_ms);
void bd_notify_keepalive(struct bd_notify *n, uint64_t now_ms);

#endif /* BALLASTD_NOTIFY_H */
