// SPDX-License-Identifier: MIT
/*
 * Snapshot side of a tick: what Xen and xenstore say about one domain, and
 * the guest's own report. Everything under data/ballast is written by the
 * guest and goes through the schema validators before the policy sees it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ballastd.h"

/* Guest report keys that become policy statistics. */
struct stat_key {
	enum ballast_key_id id;
	const char *name;
	bool required;
};

enum stat_idx {
	S_CURRENT, S_MEM_AVAILABLE, S_COMMITTED_AS, S_PSI_SOME, S_PSI_FULL,
	S_SWAP_IN, S_SWAP_OUT, S_MAJOR_FAULTS, S_OOM_KILLS, S_FLOOR, S_STATE,
	S_PROTOCOL, N_STAT_KEYS
};

static const struct stat_key stat_keys[N_STAT_KEYS] = {
	[S_CURRENT] = { BALLAST_K_CURRENT, BALLAST_KEY_CURRENT, true },
	[S_MEM_AVAILABLE] = { BALLAST_K_MEM_AVAILABLE, BALLAST_KEY_MEM_AVAILABLE, false },
	[S_COMMITTED_AS] = { BALLAST_K_COMMITTED_AS, BALLAST_KEY_COMMITTED_AS, false },
	[S_PSI_SOME] = { BALLAST_K_PSI_SOME_AVG10, BALLAST_KEY_PSI_SOME_AVG10, false },
	[S_PSI_FULL] = { BALLAST_K_PSI_FULL_AVG10, BALLAST_KEY_PSI_FULL_AVG10, false },
	[S_SWAP_IN] = { BALLAST_K_SWAP_IN, BALLAST_KEY_SWAP_IN, false },
	[S_SWAP_OUT] = { BALLAST_K_SWAP_OUT, BALLAST_KEY_SWAP_OUT, false },
	[S_MAJOR_FAULTS] = { BALLAST_K_MAJOR_FAULTS, BALLAST_KEY_MAJOR_FAULTS, false },
	[S_OOM_KILLS] = { BALLAST_K_OOM_KILLS, BALLAST_KEY_OOM_KILLS, false },
	[S_FLOOR] = { BALLAST_K_FLOOR, BALLAST_KEY_FLOOR, false },
	[S_STATE] = { BALLAST_K_STATE, BALLAST_KEY_STATE, false },
	[S_PROTOCOL] = { BALLAST_K_PROTOCOL, BALLAST_KEY_PROTOCOL, false },
};

/* Reads and validates one key; BALLAST_E_MISSING when absent or unreadable. */
static enum ballast_verdict read_key(struct ballastd *bd, const char *path,
				     enum ballast_key_id id, uint64_t *out)
{
	enum ballast_verdict v;
	char *val = NULL;
	size_t len = 0;

	if (bio_read(&bd->io, BIO_TXN_NONE, path, &val, &len))
		return BALLAST_E_MISSING;
	v = ballast_parse_key(id, val, len, out);
	free(val);
	return v;
}

static enum ballast_verdict read_dom_key(struct ballastd *bd, uint32_t domid,
					 const char *dir, const char *key,
					 enum ballast_key_id id, uint64_t *out)
{
	char path[BD_PATH_MAX];

	if (bd_dom_path(path, domid, dir, key))
		return BALLAST_E_TOO_LONG;
	return read_key(bd, path, id, out);
}

/* A dom0-written KiB value such as memory/target: strict decimal. */
static int read_kib(struct ballastd *bd, uint32_t domid, const char *rel,
		    uint64_t *out)
{
	char path[BD_PATH_MAX], *val = NULL;
	size_t len = 0;
	int rc;

	if (bd_dom_path(path, domid, NULL, rel))
		return -ENAMETOOLONG;
	rc = bio_read(&bd->io, BIO_TXN_NONE, path, &val, &len);
	if (rc)
		return rc;
	rc = ballast_parse_u64(val, len, out) == BALLAST_OK ? 0 : -EINVAL;
	free(val);
	return rc;
}

static void refuse(struct ballastd *bd, struct bd_dom *d, uint64_t now_ms,
		   const char *key, enum ballast_verdict v)
{
	d->refused_reports++;
	bd->count.refused_reports++;
	snprintf(d->last_refusal, sizeof(d->last_refusal), "%s: %s", key,
		 ballast_verdict_str(v));
	bd_log_refusal(bd, d, now_ms, key, ballast_verdict_str(v));
}

/*
 * A guest updating its report more often than flood-limit per second is
 * ignored for the rest of that second (and the next): it cannot make the
 * daemon spin, and what it says meanwhile does not count.
 */
static bool flood_check(struct ballastd *bd, struct bd_dom *d, uint64_t now_ms,
			uint64_t seq)
{
	uint64_t elapsed = now_ms - d->last_report_ms;
	uint64_t allowed = bd->cfg.flood_limit * (elapsed / BD_FLOOD_WINDOW_MS + 1);

	bd_flood_window(bd, d, now_ms);
	if (d->last_seq && seq > d->last_seq && seq - d->last_seq > allowed)
		d->flooding = true;
	if (!d->flooding)
		return false;
	d->flood_refused++;
	bd->count.flood_refused++;
	snprintf(d->last_refusal, sizeof(d->last_refusal),
		 "more than %" PRIu32 " updates per second", bd->cfg.flood_limit);
	bd_log_refusal(bd, d, now_ms, BALLAST_KEY_SEQ, "flooding");
	d->last_seq = seq;	/* the flood itself is not held against it later */
	return true;
}

/* Reads the frontend word; keeps the last valid one if the guest scribbles. */
static void read_frontend(struct ballastd *bd, struct bd_dom *d,
			  uint64_t now_ms)
{
	enum ballast_verdict v;
	uint64_t fe;

	v = read_dom_key(bd, d->domid, BALLAST_DATA_DIR, BALLAST_KEY_FRONTEND,
			 BALLAST_K_FRONTEND, &fe);
	if (v == BALLAST_E_MISSING) {
		if (d->frontend == BSCHED_FE_DRIVER || d->frontend == BSCHED_FE_AGENT)
			d->frontend = BSCHED_FE_NONE;	/* the agent went away */
		return;
	}
	if (v != BALLAST_OK) {
		refuse(bd, d, now_ms, BALLAST_KEY_FRONTEND, v);
		return;
	}
	d->frontend = fe == BALLAST_FRONTEND_DRIVER ? BSCHED_FE_DRIVER :
						      BSCHED_FE_AGENT;
}

/* Reads the whole report; nothing of it counts unless every value is valid. */
static void read_report(struct ballastd *bd, struct bd_dom *d, uint64_t now_ms)
{
	uint64_t vals[N_STAT_KEYS] = { 0 };
	bool got[N_STAT_KEYS] = { false };
	uint64_t seq, seq_after;
	enum ballast_verdict v;

	bd_flood_window(bd, d, now_ms);	/* a quiet guest is no longer flooding */
	v = read_dom_key(bd, d->domid, BALLAST_DATA_DIR, BALLAST_KEY_SEQ,
			 BALLAST_K_SEQ, &seq);
	if (v == BALLAST_E_MISSING)
		return;
	if (v != BALLAST_OK) {
		refuse(bd, d, now_ms, BALLAST_KEY_SEQ, v);
		return;
	}
	if (seq == d->last_seq && d->last_report_ms)
		return;		/* nothing new */
	v = ballast_check_seq(d->last_seq, seq);
	if (v != BALLAST_OK) {
		refuse(bd, d, now_ms, BALLAST_KEY_SEQ, v);
		return;
	}
	if (flood_check(bd, d, now_ms, seq))
		return;
	for (size_t i = 0; i < N_STAT_KEYS; i++) {
		v = read_dom_key(bd, d->domid, BALLAST_DATA_DIR,
				 stat_keys[i].name, stat_keys[i].id, &vals[i]);
		if (v == BALLAST_E_MISSING && !stat_keys[i].required)
			continue;
		if (v != BALLAST_OK) {
			refuse(bd, d, now_ms, stat_keys[i].name, v);
			return;
		}
		got[i] = true;
	}
	if (got[S_PROTOCOL] && vals[S_PROTOCOL] != BALLAST_PROTOCOL_VERSION) {
		refuse(bd, d, now_ms, BALLAST_KEY_PROTOCOL, BALLAST_E_ABOVE_MAX);
		return;
	}
	/* A report rewritten while we read it is taken next tick instead. */
	v = read_dom_key(bd, d->domid, BALLAST_DATA_DIR, BALLAST_KEY_SEQ,
			 BALLAST_K_SEQ, &seq_after);
	if (v != BALLAST_OK || seq_after != seq)
		return;
	d->last_seq = d->used_seq = seq;
	/* the report a previous process used: as old as it was then */
	d->last_report_ms = seq == d->resume_seq ? d->resume_report_ms : now_ms;
	d->resume_seq = 0;
	d->stats = (struct bsched_stats){
		.present = true,
		.mem_total_kib = vals[S_CURRENT],
		.mem_available_kib = vals[S_MEM_AVAILABLE],
		.committed_as_kib = vals[S_COMMITTED_AS],
		.psi_some_avg10_centipct = (uint32_t)vals[S_PSI_SOME],
		.psi_full_avg10_centipct = (uint32_t)vals[S_PSI_FULL],
		.swap_in = vals[S_SWAP_IN],
		.swap_out = vals[S_SWAP_OUT],
		.major_faults = vals[S_MAJOR_FAULTS],
		.oom_kills = vals[S_OOM_KILLS],
		.floor_kib = vals[S_FLOOR],
	};
	d->guest_state = got[S_STATE] ? (int)vals[S_STATE] : -1;
}

/* One key of the saved state; says why once if it is there but invalid. */
static enum ballast_verdict read_state_key(struct ballastd *bd,
					   struct bd_dom *d, const char *key,
					   enum ballast_key_id id, uint64_t *out)
{
	char path[BD_PATH_MAX], num[16];
	enum ballast_verdict v;

	snprintf(num, sizeof(num), "%" PRIu32, d->domid);
	if (bd_tool_path(path, BALLAST_TOOL_DOMAIN, num, key))
		return BALLAST_E_TOO_LONG;
	v = read_key(bd, path, id, out);
	if (v != BALLAST_OK && v != BALLAST_E_MISSING)
		bd_log(bd, LOG_WARNING, "%s (%" PRIu32 "): saved %s ignored: %s",
		       d->name, d->domid, key, ballast_verdict_str(v));
	return v;
}

/*
 * What a previous ballastd saved for this domain (ballastd-write.c plan_state):
 * its PSI boost, and the report it had used and when it took it, so that
 * report keeps its age and goes stale on time. dom0-only, still validated:
 * anything invalid is ignored (and rewritten with what this process knows).
 */
static void read_saved_state(struct ballastd *bd, struct bd_dom *d,
			     uint64_t now_ms)
{
	enum ballast_verdict vs, vr;
	uint64_t boost, seq = 0, ms = 0;

	d->state_read = true;
	if (read_state_key(bd, d, BALLAST_KEY_BOOST, BALLAST_K_DOM_BOOST,
			   &boost) == BALLAST_OK) {
		d->pub_boost = (uint32_t)boost;
		d->pub_boost_known = true;
	}
	vs = read_state_key(bd, d, BALLAST_KEY_REPORT_SEQ,
			    BALLAST_K_DOM_REPORT_SEQ, &seq);
	vr = read_state_key(bd, d, BALLAST_KEY_REPORT_RECEIVED,
			    BALLAST_K_DOM_REPORT_RECEIVED, &ms);
	if (vs != BALLAST_OK || vr != BALLAST_OK) {
		/* an invalid one said why; one alone is worth nothing */
		if (vs == BALLAST_OK && vr == BALLAST_E_MISSING)
			bd_log(bd, LOG_WARNING, "%s (%" PRIu32 "): saved %s without %s: ignored",
			       d->name, d->domid, BALLAST_KEY_REPORT_SEQ,
			       BALLAST_KEY_REPORT_RECEIVED);
		if (vr == BALLAST_OK && vs == BALLAST_E_MISSING)
			bd_log(bd, LOG_WARNING, "%s (%" PRIu32 "): saved %s without %s: ignored",
			       d->name, d->domid, BALLAST_KEY_REPORT_RECEIVED,
			       BALLAST_KEY_REPORT_SEQ);
		return;
	}
	if (ms > now_ms) {	/* not this boot's clock */
		bd_log(bd, LOG_WARNING, "%s (%" PRIu32 "): saved %s ignored: in the future",
		       d->name, d->domid, BALLAST_KEY_REPORT_RECEIVED);
		return;
	}
	d->pub_report_seq = d->resume_seq = seq;
	d->pub_report_ms = d->resume_report_ms = ms;
}

static void read_stock_feature(struct ballastd *bd, struct bd_dom *d)
{
	char path[BD_PATH_MAX], *val = NULL;
	size_t len = 0;

	d->stock_feature = false;
	if (bd_dom_path(path, d->domid, NULL, BALLAST_STOCK_FEATURE_BALLOON))
		return;
	if (bio_read(&bd->io, BIO_TXN_NONE, path, &val, &len))
		return;
	d->stock_feature = len == 1 && val[0] == '1';
	free(val);
}

/* Runtime overrides from ballastctl set, dom0-only, still validated. */
static void read_overrides(struct ballastd *bd, struct bd_dom *d)
{
	static const struct {
		const char *key;
		enum ballast_key_id id;
	} keys[] = {
		{ BALLAST_KEY_MIN, BALLAST_K_POLICY_MIN },
		{ BALLAST_KEY_MAX, BALLAST_K_POLICY_MAX },
		{ BALLAST_KEY_SHARES, BALLAST_K_POLICY_SHARES },
	};
	char path[BD_PATH_MAX];
	uint64_t v;

	if (!d->name[0])
		return;
	for (size_t i = 0; i < 3; i++) {
		if (bd_tool_path(path, BALLAST_TOOL_POLICY, d->name, keys[i].key))
			return;
		if (read_key(bd, path, keys[i].id, &v) != BALLAST_OK)
			continue;
		if (i == 0)
			d->min_kib = v;
		else if (i == 1)
			d->max_kib = v;
		else if (v)
			d->shares = (uint32_t)v;
	}
}

static void resolve_subscription(struct ballastd *bd, struct bd_dom *d)
{
	const struct bd_domain_conf *dc = bd_config_domain(&bd->cfg, d->name);

	d->min_kib = dc && dc->has_min ? dc->min_kib : bd->cfg.default_min_kib;
	d->max_kib = dc && dc->has_max ? dc->max_kib : d->static_max_kib;
	d->shares = dc && dc->has_shares ? dc->shares : bd->cfg.default_shares;
	read_overrides(bd, d);
	if (d->max_kib > d->static_max_kib)
		d->max_kib = d->static_max_kib;
	if (d->min_kib > d->max_kib)
		d->min_kib = d->max_kib;
}

static enum bsched_frontend stock_frontend(struct ballastd *bd,
					   const struct bd_dom *d)
{
	const struct bd_domain_conf *dc = bd_config_domain(&bd->cfg, d->name);
	enum bd_stock_mode mode = dc ? dc->stock : BD_STOCK_AUTO;

	if (mode == BD_STOCK_YES || (mode == BD_STOCK_AUTO && d->stock_feature))
		return BSCHED_FE_STOCK;
	return BSCHED_FE_NONE;
}

int bd_read_domain(struct ballastd *bd, struct bd_dom *d,
		   const struct bio_dominfo *info, uint64_t now_ms,
		   struct bsched_domain *out)
{
	char path[BD_PATH_MAX], *name = NULL;
	uint64_t v;
	bool was_building;
	int rc;

	if (bd_dom_path(path, d->domid, NULL, BALLAST_STOCK_NAME) == 0 &&
	    (rc = bio_read(&bd->io, BIO_TXN_NONE, path, &name, NULL)) == 0) {
		snprintf(d->name, sizeof(d->name), "%s", name);
		free(name);
		/* It ends up in logs, JSON and metrics labels: printable only. */
		for (char *c = d->name; *c; c++)
			if (*c < 0x21 || *c > 0x7e || *c == '"' || *c == '\\')
				*c = '_';
	} else if (d->domid != 0) {
		/* xl writes the name before the domain runs: no tree, gone. */
		return -ESRCH;
	}
	if (read_kib(bd, d->domid, BALLAST_STOCK_STATIC_MAX, &d->static_max_kib))
		d->static_max_kib = info->max_kib;
	/* dom0's max_pages is "unlimited": cap it so sums stay meaningful. */
	if (d->static_max_kib > BALLAST_MAX_MEMORY_KIB)
		d->static_max_kib = info->tot_kib;

	read_frontend(bd, d, now_ms);
	if (d->frontend != BSCHED_FE_DRIVER && d->frontend != BSCHED_FE_AGENT) {
		read_stock_feature(bd, d);
		d->frontend = stock_frontend(bd, d);
	}
	if (!d->state_read)
		read_saved_state(bd, d, now_ms);
	read_report(bd, d, now_ms);
	resolve_subscription(bd, d);
	/*
	 * libxl builds a domain paused, with a claim on the memory it is about
	 * to populate: a target or maxmem set then makes `xl create` fail
	 * (seen in real Xen). Such a domain, or one paused by hand, is seen and
	 * counted but not steered until it runs.
	 */
	was_building = d->building;
	d->building = info->paused || info->outstanding_kib > 0;
	if (was_building && !d->building)
		bd_log(bd, LOG_INFO, "%s (%" PRIu32 "): running: steered from now on",
		       d->name, d->domid);
	d->managed = (d->domid != 0 || bd->cfg.manage_dom0) && !d->building;

	*out = (struct bsched_domain){
		.domid = d->domid,
		.frontend = d->frontend,
		.managed = d->managed,
		.min_kib = d->min_kib,
		.max_kib = d->max_kib,
		.shares = d->shares,
		.actual_kib = info->tot_kib,
		.static_max_kib = d->static_max_kib,
		.maxmem_kib = info->max_kib,
		.uncooperative = d->uncooperative,
		.stats = d->stats,
		.releasing = d->guest_state == BALLAST_STATE_UNLOADING,
		.resume_boost_pct = d->pub_boost,
	};
	snprintf(out->name, sizeof(out->name), "%s", d->name);
	if (d->stats.present)
		out->stats.age_ms = now_ms - d->last_report_ms;
	if (d->frontend == BSCHED_FE_DRIVER || d->frontend == BSCHED_FE_AGENT) {
		if (read_dom_key(bd, d->domid, BALLAST_CTL_DIR, BALLAST_KEY_TARGET,
				 BALLAST_K_TARGET, &v) == BALLAST_OK)
			out->target_kib = v;
		if (read_dom_key(bd, d->domid, BALLAST_CTL_DIR,
				 BALLAST_KEY_UNCOOPERATIVE,
				 BALLAST_K_UNCOOPERATIVE, &v) == BALLAST_OK)
			out->uncooperative = d->uncooperative = v == 1;
	} else if (read_kib(bd, d->domid, BALLAST_STOCK_TARGET, &v) == 0) {
		out->target_kib = v;
	}
	return 0;
}

static struct bd_res *res_get(struct ballastd *bd, uint32_t id, uint64_t now_ms)
{
	struct bd_res *r;

	for (size_t i = 0; i < bd->n_res; i++)
		if (bd->res[i].id == id)
			return &bd->res[i];
	r = realloc(bd->res, (bd->n_res + 1) * sizeof(*r));
	if (!r)
		return NULL;
	bd->res = r;
	r = &r[bd->n_res++];
	*r = (struct bd_res){ .id = id, .since_ms = now_ms, .pub_status = -1 };
	return r;
}

/*
 * A granted reservation is held reservation-hold-ms for `xl create`; one that
 * nobody removed (ballastctl killed) goes after reservation-expire-ms.
 */
static bool res_due(const struct ballastd *bd, const struct bd_res *r,
		    uint64_t now_ms)
{
	if (r->granted_ms && now_ms - r->granted_ms >= bd->cfg.reservation_hold_ms)
		return true;
	return now_ms - r->since_ms >= bd->cfg.reservation_expire_ms;
}

static void res_expire(struct ballastd *bd, struct bd_res *r, uint64_t now_ms)
{
	char path[BD_PATH_MAX], id[16];

	snprintf(id, sizeof(id), "%" PRIu32, r->id);
	bd_log(bd, LOG_INFO, "reservation %s: %s after %" PRIu64 " ms, released",
	       id, r->granted_ms ? "held" : "nobody removed it",
	       now_ms - r->since_ms);
	r->present = false;
	if (bd->dry_run || bd_tool_path(path, BALLAST_TOOL_RESERVE, id, NULL))
		return;
	bd->io.ops->rm(bd->io.ctx, BIO_TXN_NONE, path);
}

/* The reservations ballastctl asked for; ids are decimal, sizes validated. */
int bd_read_reservations(struct ballastd *bd, uint64_t now_ms)
{
	char path[BD_PATH_MAX], **names = NULL;
	unsigned int n = 0;
	int rc;

	for (size_t i = 0; i < bd->n_res; i++)
		bd->res[i].present = false;
	if (bd_tool_path(path, BALLAST_TOOL_RESERVE, NULL, NULL))
		return -ENAMETOOLONG;
	rc = bd->io.ops->directory(bd->io.ctx, BIO_TXN_NONE, path, &names, &n);
	if (rc)
		return rc == -ENOENT ? 0 : rc;
	for (unsigned int i = 0; i < n; i++) {
		uint64_t id, size;
		struct bd_res *r;

		if (ballast_parse_u64(names[i], strlen(names[i]), &id) ||
		    id == 0 || id > UINT32_MAX)
			continue;
		if (bd_tool_path(path, BALLAST_TOOL_RESERVE, names[i],
				 BALLAST_KEY_SIZE) ||
		    read_key(bd, path, BALLAST_K_RES_SIZE, &size) != BALLAST_OK)
			continue;
		r = res_get(bd, (uint32_t)id, now_ms);
		if (!r) {
			free(names);
			return -ENOMEM;
		}
		r->size_kib = size;
		r->present = true;
		if (res_due(bd, r, now_ms))
			res_expire(bd, r, now_ms);
	}
	free(names);
	/* Forget the ones that went away. */
	for (size_t i = 0; i < bd->n_res;) {
		if (!bd->res[i].present)
			bd->res[i] = bd->res[--bd->n_res];
		else
			i++;
	}
	return 0;
}
