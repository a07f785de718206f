// SPDX-License-Identifier: MIT
/* Restart state: see ballastd-resume.h and SCHEMA.md. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "ballastd-resume.h"
#include "status-json.h"

/* One key of the saved state; says why once if it is there but invalid. */
static enum ballast_verdict read_state_key(struct bd_env *env,
					   const struct bd_who *who,
					   const char *key,
					   enum ballast_key_id id, uint64_t *out)
{
	char path[BALLAST_PATH_MAX];
	enum ballast_verdict v;

	if (ballast_path(path, sizeof(path), BALLAST_AT_TOOL_DOMAIN, who->domid,
			 key, NULL))
		return BALLAST_E_TOO_LONG;
	v = bd_read_key(env, path, id, out);
	if (v != BALLAST_OK && v != BALLAST_E_MISSING)
		bd_log(env, LOG_WARNING, "%s (%" PRIu32 "): saved %s ignored: %s",
		       who->name, who->domid, key, ballast_verdict_str(v));
	return v;
}

static void log_alone(struct bd_env *env, const struct bd_who *who,
		      const char *key, const char *missing)
{
	bd_log(env, LOG_WARNING, "%s (%" PRIu32 "): saved %s without %s: ignored",
	       who->name, who->domid, key, missing);
}

/* The status a previous process published names @who. */
static bool published_before(struct bd_env *env, const struct bd_who *who)
{
	static const char *name_key[] = { SJ_NAME, NULL };
	char path[BALLAST_PATH_MAX], *val = NULL;
	size_t len = 0;
	yajl_val tree, v;
	bool same;

	if (ballast_path(path, sizeof(path), BALLAST_AT_TOOL_DOMAIN, who->domid,
			 BALLAST_KEY_STATUS, NULL) ||
	    bio_read(&env->io, BIO_TXN_NONE, path, &val, &len))
		return false;
	tree = yajl_tree_parse(val, NULL, 0);
	free(val);
	if (!tree)
		return false;
	v = yajl_tree_get(tree, name_key, yajl_t_string);
	same = v && v->u.string && !strcmp(v->u.string, who->name);
	yajl_tree_free(tree);
	return same;
}

/*
 * The PSI boost, and the report used and when it was taken, so that report
 * keeps its age and goes stale on time. dom0-only, still validated:
 * anything invalid is ignored (and rewritten with what this process knows).
 */
void bd_resume_read(struct bd_env *env, const struct bd_who *who,
		    struct bd_resume *r, uint64_t now_ms)
{
	enum ballast_verdict vs, vr;
	uint64_t boost, seq = 0, ms = 0;

	r->state_read = true;
	r->known = published_before(env, who);
	if (read_state_key(env, who, BALLAST_KEY_BOOST, BALLAST_K_DOM_BOOST,
			   &boost) == BALLAST_OK) {
		r->boost_pct = (uint32_t)boost;
		r->boost_known = true;
	}
	vs = read_state_key(env, who, BALLAST_KEY_REPORT_SEQ,
			    BALLAST_K_DOM_REPORT_SEQ, &seq);
	vr = read_state_key(env, who, BALLAST_KEY_REPORT_RECEIVED,
			    BALLAST_K_DOM_REPORT_RECEIVED, &ms);
	if (vs != BALLAST_OK || vr != BALLAST_OK) {
		/* an invalid one said why; one alone is worth nothing */
		if (vs == BALLAST_OK && vr == BALLAST_E_MISSING)
			log_alone(env, who, BALLAST_KEY_REPORT_SEQ,
				  BALLAST_KEY_REPORT_RECEIVED);
		if (vr == BALLAST_OK && vs == BALLAST_E_MISSING)
			log_alone(env, who, BALLAST_KEY_REPORT_RECEIVED,
				  BALLAST_KEY_REPORT_SEQ);
		return;
	}
	if (ms > now_ms) {	/* not this boot's clock */
		bd_log(env, LOG_WARNING, "%s (%" PRIu32 "): saved %s ignored: in the future",
		       who->name, who->domid, BALLAST_KEY_REPORT_RECEIVED);
		return;
	}
	r->saved = r->resumed = (struct bd_report_ref){ .seq = seq, .taken_ms = ms };
}

/*
 * Saved in the same transaction as the target the boost went into, so a
 * SIGKILL never leaves one without the other.
 */
unsigned int bd_resume_plan(const struct bd_resume *r, uint32_t domid,
			    const struct bsched_decision *dec,
			    const struct bd_report_ref *used,
			    struct bd_item *items)
{
	unsigned int n = 0;

	if (dec->boost_pct != r->boost_pct || !r->boost_known)
		n += bd_item_set(&items[n], BALLAST_AT_TOOL_DOMAIN, domid, NULL,
				 BALLAST_KEY_BOOST, dec->boost_pct);
	if (used && (used->seq != r->saved.seq ||
		     used->taken_ms != r->saved.taken_ms)) {
		n += bd_item_set(&items[n], BALLAST_AT_TOOL_DOMAIN, domid, NULL,
				 BALLAST_KEY_REPORT_SEQ, used->seq);
		n += bd_item_set(&items[n], BALLAST_AT_TOOL_DOMAIN, domid, NULL,
				 BALLAST_KEY_REPORT_RECEIVED, used->taken_ms);
	}
	return n;
}

void bd_resume_saved(struct bd_resume *r, const struct bsched_decision *dec,
		     const struct bd_report_ref *used)
{
	r->boost_pct = dec->boost_pct;
	r->boost_known = true;
	if (used)
		r->saved = *used;
}

static bool present_in(const uint32_t *present, size_t n, uint64_t domid)
{
	for (size_t i = 0; i < n; i++)
		if (present[i] == domid)
			return true;
	return false;
}

/*
 * Saved state of domains that went while no ballastd ran (killed, then the
 * domain destroyed): nobody would remove it, and a domid used again must
 * not resume a stranger's boost.
 */
bool bd_resume_remove_orphans(struct bd_env *env, const uint32_t *present,
			      size_t n)
{
	char path[BALLAST_PATH_MAX], **names = NULL;
	unsigned int n_names = 0;
	int rc;

	if (ballast_path(path, sizeof(path), BALLAST_AT_TOOL, 0,
			 BALLAST_TOOL_DOMAIN, NULL))
		return true;
	rc = env->io.ops->directory(env->io.ctx, BIO_TXN_NONE, path, &names,
				    &n_names);
	if (rc)
		return rc == -ENOENT;	/* else: next tick */
	for (unsigned int i = 0; i < n_names; i++) {
		uint64_t id;

		if (ballast_parse_u64(names[i], strlen(names[i]), &id) ||
		    id > UINT32_MAX || present_in(present, n, id) ||
		    ballast_path(path, sizeof(path), BALLAST_AT_TOOL_DOMAIN,
				 (uint32_t)id, NULL))
			continue;
		bd_log(env, LOG_INFO, "domain %s went while ballastd was not running: its saved state removed",
		       names[i]);
		env->io.ops->rm(env->io.ctx, BIO_TXN_NONE, path);
	}
	free(names);
	return true;
}
