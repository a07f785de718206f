/* SPDX-License-Identifier: MIT */
/*
 * Publishing for tools (ballastd-publish.c): each domain's status JSON in
 * /tool/ballast/domain/<id>/status, the daemon's in /tool/ballast/status
 * (both read by ballastctl; the fields are status-json.h's), and the
 * Prometheus metrics file. Writes only what changed.
 */
#ifndef BALLASTD_PUBLISH_H
#define BALLASTD_PUBLISH_H

#include "ballastd-domains.h"

/* @d as ballastd sees it; *@cache (@d->status_json) holds what is published. */
void bd_publish_status(struct bd_env *env, const struct bd_dom *d, char **cache);
/* The daemon: pid, tick, dry-run; @cache as for a domain. */
void bd_publish_daemon(struct bd_env *env, char **cache);
/* The metrics file, replaced atomically. 0, or -errno. */
int bd_write_metrics(struct bd_env *env, const struct bd_table *t);

#endif /* BALLASTD_PUBLISH_H */
