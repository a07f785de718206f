// SPDX-License-Identifier: MIT
/*
 * A domain's facts and subscription: what the toolstack says about it,
 * and what ballastd.conf and `ballastctl set` subscribe it to.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ballastd-sub.h"

/* Its [domain] section; none for a name cut to fit (it would be another's). */
static const struct bd_domain_conf *conf_of(const struct bd_env *env,
					    const struct bd_who *who,
					    const struct bd_sub *s)
{
	return s->name_cut ? NULL : bd_config_domain(&env->cfg, who->name);
}

/*
 * memory/static-max, else the value known from before, else the configured
 * max, else maxmem as first seen: never maxmem later, which is what ballastd
 * set itself (read back as a bound, it would ratchet up a slack a tick).
 */
static void read_static_max(struct bd_env *env, const struct bd_who *who,
			    struct bd_sub *s, const struct bio_dominfo *info)
{
	const struct bd_domain_conf *dc = conf_of(env, who, s);
	char path[BALLAST_PATH_MAX];
	uint64_t v;

	if (!ballast_path(path, sizeof(path), BALLAST_AT_DOMAIN, who->domid,
			  BALLAST_STOCK_STATIC_MAX, NULL) &&
	    !bd_read_u64(env, path, &v)) {
		s->static_max_kib = v;
		return;
	}
	if (s->static_max_kib)
		return;
	s->static_max_kib = dc && dc->has_max ? dc->max_kib : info->max_kib;
}

int bd_sub_identify(struct bd_env *env, struct bd_who *who, struct bd_sub *s,
		    const struct bio_dominfo *info)
{
	char path[BALLAST_PATH_MAX], *name = NULL;
	int rc;

	rc = ballast_path(path, sizeof(path), BALLAST_AT_DOMAIN, who->domid,
			  BALLAST_STOCK_NAME, NULL);
	if (!rc)
		rc = bio_read(&env->io, BIO_TXN_NONE, path, &name, NULL);
	if (!rc) {
		s->name_cut = strlen(name) >= sizeof(who->name);
		snprintf(who->name, sizeof(who->name), "%s", name);
		free(name);
		/* It ends up in logs, JSON and metrics labels: printable only. */
		for (char *c = who->name; *c; c++)
			if (*c < 0x21 || *c > 0x7e || *c == '"' || *c == '\\')
				*c = '_';
	} else if (who->domid != 0) {
		/* xl writes the name before the domain runs: no tree, gone.
		 * Any other error says nothing about the domain. */
		return rc == -ENOENT ? -ESRCH : rc < 0 ? rc : -EIO;
	}
	read_static_max(env, who, s, info);
	/* dom0's max_pages is "unlimited": cap it so sums stay meaningful. */
	if (s->static_max_kib > BALLAST_MAX_MEMORY_KIB)
		s->static_max_kib = info->tot_kib;
	return 0;
}

/* Runtime overrides from ballastctl set, dom0-only, still validated. */
static void read_overrides(struct bd_env *env, const struct bd_who *who,
			   struct bd_sub *s)
{
	static const struct {
		const char *key;
		enum ballast_key_id id;
	} keys[] = {
		{ BALLAST_KEY_MIN, BALLAST_K_POLICY_MIN },
		{ BALLAST_KEY_MAX, BALLAST_K_POLICY_MAX },
		{ BALLAST_KEY_SHARES, BALLAST_K_POLICY_SHARES },
	};
	char path[BALLAST_PATH_MAX];
	uint64_t v;

	if (!who->name[0] || s->name_cut)
		return;
	for (size_t i = 0; i < 3; i++) {
		if (ballast_path(path, sizeof(path), BALLAST_AT_TOOL, 0,
				 BALLAST_TOOL_POLICY, who->name, keys[i].key, NULL))
			return;
		if (bd_read_key(env, path, keys[i].id, &v) != BALLAST_OK)
			continue;
		if (i == 0)
			s->min_kib = v;
		else if (i == 1)
			s->max_kib = v;
		else if (v)
			s->shares = (uint32_t)v;
	}
}

static void resolve_subscription(struct bd_env *env, const struct bd_who *who,
				 struct bd_sub *s)
{
	const struct bd_domain_conf *dc = conf_of(env, who, s);

	s->min_kib = dc && dc->has_min ? dc->min_kib : env->cfg.default_min_kib;
	s->max_kib = dc && dc->has_max ? dc->max_kib : s->static_max_kib;
	s->shares = dc && dc->has_shares ? dc->shares : env->cfg.default_shares;
	s->lift_above_max = dc && dc->lift_above_max;
	s->probe = dc && dc->has_probe ? dc->probe : env->cfg.probe;
	read_overrides(env, who, s);
	if (s->max_kib > s->static_max_kib)
		s->max_kib = s->static_max_kib;
	if (s->min_kib > s->max_kib)
		s->min_kib = s->max_kib;
}

/*
 * The admin's word first: [domain] frontend, or stock-balloon = yes (the
 * guest has the stock balloon), whatever the guest writes; a guest's claim
 * cannot change how much it may hold. Else the guest's ballast frontend if
 * it runs one, else the stock balloon if its feature flag says so (auto).
 */
static enum bsched_frontend balloon_of(const struct bd_env *env,
				       const struct bd_who *who,
				       const struct bd_sub *s,
				       const struct bd_guest *g)
{
	const struct bd_domain_conf *dc = conf_of(env, who, s);
	enum bd_stock_mode mode = dc ? dc->stock : BD_STOCK_AUTO;

	switch (dc ? dc->frontend : BD_FRONTEND_AUTO) {
	case BD_FRONTEND_DRIVER:
		return BSCHED_FE_DRIVER;
	case BD_FRONTEND_AGENT:
		return BSCHED_FE_AGENT;
	case BD_FRONTEND_STOCK:
		return BSCHED_FE_STOCK;
	case BD_FRONTEND_NONE:
		return BSCHED_FE_NONE;
	case BD_FRONTEND_AUTO:
		break;
	}
	if (mode == BD_STOCK_YES)
		return BSCHED_FE_STOCK;
	if (g->frontend == BSCHED_FE_DRIVER || g->frontend == BSCHED_FE_AGENT)
		return g->frontend;
	if (mode == BD_STOCK_AUTO && g->stock_feature)
		return BSCHED_FE_STOCK;
	return BSCHED_FE_NONE;
}

void bd_sub_resolve(struct bd_env *env, const struct bd_who *who,
		    struct bd_sub *s, const struct bd_guest *g,
		    const struct bio_dominfo *info)
{
	bool was_building = s->building;

	s->frontend = balloon_of(env, who, s, g);
	resolve_subscription(env, who, s);
	/*
	 * libxl builds a domain paused, with a claim on the memory it is about
	 * to populate: a target or maxmem set then makes `xl create` fail
	 * (seen in real Xen). Such a domain, or one paused by hand, is seen and
	 * counted but not steered until it runs.
	 */
	s->building = info->paused || info->outstanding_kib > 0;
	if (was_building && !s->building)
		bd_log(env, LOG_INFO, "%s (%" PRIu32 "): running: steered from now on",
		       who->name, who->domid);
	s->managed = (who->domid != 0 || env->cfg.manage_dom0) && !s->building;
}
