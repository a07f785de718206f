/* SPDX-License-Identifier: MIT */
/*
 * `ballastctl top`: the domain table refreshed every --delay seconds, on
 * ncurses like xentop (the terminal's size, resizes, the alternate screen,
 * keys to sort and to change the delay), or as plain text frames with
 * --batch or off a terminal. What the keys do is kept apart from the
 * terminal (bctl_top_key) so that tests press them without one.
 */
#ifndef BALLASTCTL_TOP_H
#define BALLASTCTL_TOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ballastctl-columns.h"

#define BCTL_TOP_ENTRY_MAX	8	/* digits of a delay being typed, and NUL */
#define BCTL_TOP_MESSAGE_MAX	80

/* What the keys changed; the screen shows it. */
struct bctl_top_state {
	enum bctl_col sort;
	bool reverse;			/* descending */
	uint64_t delay_s;		/* 1 to BCTL_MAX_SECONDS */
	bool prompting;			/* after 'd': a delay being typed */
	char entry[BCTL_TOP_ENTRY_MAX];
	char message[BCTL_TOP_MESSAGE_MAX];	/* until the next key */
	size_t first_row;		/* rows scrolled off the top */
};

enum bctl_top_action {
	BCTL_TOP_NONE,		/* nothing to show */
	BCTL_TOP_REDRAW,	/* draw the same view again */
	BCTL_TOP_REFRESH,	/* read the host again, then draw */
	BCTL_TOP_QUIT,
};

/* Sorted by domid, as xl lists them. */
void bctl_top_init(struct bctl_top_state *s, uint64_t delay_s);

/*
 * One key (a character or an ncurses KEY_ code), with @page_rows domain
 * rows on the screen (for page up and down). The keys are in ballastctl(8).
 */
enum bctl_top_action bctl_top_key(struct bctl_top_state *s, int key,
				  size_t page_rows);

/* Keeps first_row so that the last page is full (@n rows, @page_rows shown). */
void bctl_top_clamp(struct bctl_top_state *s, size_t n, size_t page_rows);

/* The verb, for the table in ballastctl-verbs.c. */
int cmd_top(struct bctl *ctl, int argc, char **argv);

#endif /* BALLASTCTL_TOP_H */
