/* SPDX-License-Identifier: MIT */
/*
 * The per-domain write transaction and maxmem ordering (ballastd-txn.c):
 * a decision becomes xenstore writes and a maxmem call, only for values
 * that changed, each domain's writes in one transaction that first checks
 * the domain still exists (a domain vanishing mid-write is normal), with
 * maxmem raised before a target that grows and lowered after one that
 * shrinks. Also what is published there, read back for the snapshot.
 */
#ifndef BALLASTD_TXN_H
#define BALLASTD_TXN_H

#include "ballastd-env.h"
#include "ballastd-resume.h"

/* What is published in memory/ballast (a cache of xenstore). Assigned in
 * ballastd-txn.c only. */
struct bd_pub {
	bool ctl_ready;			/* memory/ballast made with our perms */
	uint64_t rate_min_kib_s, rate_max_kib_s;
	bool uncooperative;
	bool no_balloon_reported;	/* "no balloon: left alone" said */
	struct bd_log_limit write_log;	/* xenstore writes failing */
	struct bd_log_limit maxmem_log;	/* xc_domain_setmaxmem failing */
};

/* The published target (and uncooperative flag) into @out's target_kib and
 * uncooperative, for @out->frontend. */
void bd_pub_read(struct bd_env *env, struct bd_pub *pub,
		 struct bsched_domain *out);

/*
 * Carries out @dec for the domain @in describes: the balloon's keys, maxmem,
 * and the restart state of @r (with the report @used, NULL if none). What
 * it says, once committed, goes through the guest's line budget @lines.
 */
void bd_txn_apply(struct bd_env *env, const struct bd_who *who,
		  struct bd_pub *pub, struct bd_resume *r,
		  const struct bd_report_ref *used,
		  const struct bsched_domain *in,
		  const struct bsched_decision *dec,
		  struct bd_log_budget *lines);

#endif /* BALLASTD_TXN_H */
