/* SPDX-License-Identifier: MIT */
/*
 * `ballastctl status`: the domain table as text, like `xl list`, or as
 * JSON (--json) with every field `explain` shows and null where a value
 * is unknown. The rendering takes a view, not Xen, so tests call it on
 * rows they build.
 */
#ifndef BALLASTCTL_STATUS_H
#define BALLASTCTL_STATUS_H

#include <stdio.h>

#include "ballastctl-view.h"

/* The table at full width, then a line if ballastd is not running or dry. */
void bctl_status_text(FILE *out, const struct bctl_view *v);

/* The view as one JSON object (status-json.h's keys). 0, or -ENOMEM. */
int bctl_status_json(FILE *out, const struct bctl_view *v);

/* The verb, for the table in ballastctl-verbs.c. */
int cmd_status(struct bctl *ctl, int argc, char **argv);

#endif /* BALLASTCTL_STATUS_H */
