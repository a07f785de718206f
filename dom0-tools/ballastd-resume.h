/* SPDX-License-Identifier: MIT */
/*
 * Restart state (ballastd-resume.c): what ballastd keeps only in memory and
 * a SIGKILLed ballastd needs back, saved in /tool/ballast/domain/<id>/
 * (SCHEMA.md, "What ballastd needs to restart"): the policy's PSI boost and
 * which report was used and when. Read back once when a domain joins; the
 * state of domains that went while no ballastd ran is removed.
 */
#ifndef BALLASTD_RESUME_H
#define BALLASTD_RESUME_H

#include "ballastd-env.h"

#define BD_RESUME_ITEMS	3	/* boost, report-seq, report-received */

/* Assigned in ballastd-resume.c only. */
struct bd_resume {
	bool state_read;		/* read once, when the domain joins */
	uint32_t boost_pct;		/* as saved */
	bool boost_known;		/* false: absent or garbage, (re)write it */
	struct bd_report_ref saved;	/* as saved; seq 0: absent or ignored */
	struct bd_report_ref resumed;	/* what a previous process saved, read back */
	bool known;			/* a previous process published it, by this name */
};

/*
 * Reads what a previous ballastd saved for the domain (once), and whether
 * it knew the domain: its status there names it (a domid used again by
 * another domain is not known), so a new process, such as each `--once`,
 * says "joined" only for what is new.
 */
void bd_resume_read(struct bd_env *env, const struct bd_who *who,
		    struct bd_resume *r, uint64_t now_ms);

/*
 * What to save with this tick's writes, into @items (BD_RESUME_ITEMS of
 * room): the boost of @dec and the report @used (NULL: no report), only
 * what changed. Returns the number of items.
 */
unsigned int bd_resume_plan(const struct bd_resume *r, uint32_t domid,
			    const struct bsched_decision *dec,
			    const struct bd_report_ref *used,
			    struct bd_item *items);

/* The items of bd_resume_plan() were committed. */
void bd_resume_saved(struct bd_resume *r, const struct bsched_decision *dec,
		     const struct bd_report_ref *used);

/*
 * Removes the saved state of every domain not in @present (the @n domids of
 * this tick's snapshot). Returns true when done, false to try next tick.
 */
bool bd_resume_remove_orphans(struct bd_env *env, const uint32_t *present,
			      size_t n);

#endif /* BALLASTD_RESUME_H */
