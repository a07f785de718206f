/* SPDX-License-Identifier: MIT */
/*
 * The per-domain record and the domain table (ballastd-domains.c). Each
 * part of a domain's record is assigned by one file only, named beside it;
 * the others get it read-only, so a function's signature says what it may
 * change.
 */
#ifndef BALLASTD_DOMAINS_H
#define BALLASTD_DOMAINS_H

#include "ballastd-env.h"
#include "ballastd-guest.h"
#include "ballastd-resume.h"
#include "ballastd-sub.h"
#include "ballastd-txn.h"
#include "ballastd-vcpu.h"

struct bd_dom {
	struct bd_who who;		/* domid: the table; name: ballastd-sub.c */
	struct bd_guest guest;		/* ballastd-guest.c: untrusted input */
	struct bd_sub sub;		/* ballastd-sub.c: facts and subscription */
	struct bd_resume resume;	/* ballastd-resume.c: restart state */
	struct bd_pub pub;		/* ballastd-txn.c: what is published */
	struct bd_vcpu vcpu;		/* ballastd-vcpu.c: its processors */
	char *status_json;		/* ballastd-publish.c: as last published */
	bool watched;			/* ballastd-watch.c: data/ballast watched */
	/* ballastd-tick.c: */
	bool present;			/* in this tick's snapshot */
	bool joined;			/* read whole once: "joined" said (here or by a previous process) */
	struct bd_log_limit broken_log;	/* unreadable, or inconsistent */
	struct bsched_decision last;	/* the policy's last decision */
	uint64_t actual_kib;		/* Xen's count at the last decision */
	uint32_t refused_reservation;	/* the last reservation it refused; 0: none */
};

struct bd_table {
	struct bd_dom *d;
	size_t n;
};

/* The domain @domid; NULL if unknown (or, with @create, out of memory). */
struct bd_dom *bd_dom_get(struct bd_table *t, uint32_t domid, bool create);
/* Removes the @i-th domain (the last one takes its place). */
void bd_dom_drop(struct bd_table *t, size_t i);
void bd_table_free(struct bd_table *t);

#endif /* BALLASTD_DOMAINS_H */
