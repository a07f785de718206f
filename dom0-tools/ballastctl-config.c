// SPDX-License-Identifier: MIT
/*
 * ballastctl show-config: each domain's min, max and shares as ballastd
 * resolves them (ballastd-sub.c: an override of `ballastctl set` over its
 * [domain] section over the [host] default), and where each one comes
 * from, with the overrides no running domain uses.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ballast_path.h"
#include "ballast_schema.h"
#include "ballastctl.h"
#include "config.h"
#include "size.h"

enum setting { S_MIN, S_MAX, S_SHARES, S__COUNT };

static const struct {
	const char *key;		/* in [domain] and under policy/<name>/ */
	enum ballast_key_id id;
} settings[S__COUNT] = {
	[S_MIN] = { BALLAST_KEY_MIN, BALLAST_K_POLICY_MIN },
	[S_MAX] = { BALLAST_KEY_MAX, BALLAST_K_POLICY_MAX },
	[S_SHARES] = { BALLAST_KEY_SHARES, BALLAST_K_POLICY_SHARES },
};

/*
 * The override @s of @name: 1 and *@v, 0 if none, -1 if one is stored
 * that ballastd refuses (as it does: ignored).
 */
static int read_override(struct bctl *ctl, const char *name, enum setting s,
			 uint64_t *v)
{
	char path[BALLAST_PATH_MAX], *val = NULL;
	size_t len = 0;
	int rc;

	if (ballast_path(path, sizeof(path), BALLAST_AT_TOOL, 0, BALLAST_TOOL_POLICY,
			 name, settings[s].key, NULL))
		return -1;
	if (bio_read(&ctl->io, BIO_TXN_NONE, path, &val, &len))
		return 0;
	rc = ballast_parse_key(settings[s].id, val, len, v) == BALLAST_OK ? 1 : -1;
	free(val);
	return rc;
}

static void value_str(enum setting s, uint64_t v, char *buf, size_t size)
{
	if (s == S_SHARES)
		snprintf(buf, size, "%" PRIu64, v);
	else
		ballast_size_str(v, buf, size);
}

/* The rows of one domain (@domid < 0: no running domain has @name). */
static void show_domain(struct bctl *ctl, const struct bd_config *cfg,
			const char *config_path, const char *name, int64_t domid)
{
	const struct bd_domain_conf *dc = bd_config_domain(cfg, name);
	char path[BALLAST_PATH_MAX], id[24], value[32], from[BALLAST_PATH_MAX + 64];
	uint64_t static_max = 0;
	bool has_static_max = false;

	if (domid >= 0) {
		char *val = NULL;
		size_t len = 0;

		snprintf(id, sizeof(id), "%" PRId64, domid);
		if (!ballast_path(path, sizeof(path), BALLAST_AT_DOMAIN, (uint32_t)domid,
				  BALLAST_STOCK_STATIC_MAX, NULL) &&
		    !bio_read(&ctl->io, BIO_TXN_NONE, path, &val, &len)) {
			has_static_max = ballast_parse_u64(val, len, &static_max) == BALLAST_OK;
			free(val);
		}
	} else {
		snprintf(id, sizeof(id), "-");
	}
	for (enum setting s = 0; s < S__COUNT; s++) {
		bool in_conf = dc && (s == S_MIN ? dc->has_min : s == S_MAX ?
				      dc->has_max : dc->has_shares);
		uint64_t v = 0;
		int o = read_override(ctl, name, s, &v);

		if (o > 0) {
			snprintf(from, sizeof(from), "override (ballastctl set)%s",
				 domid < 0 ? ", no such domain running" : "");
		} else if (in_conf) {
			v = s == S_MIN ? dc->min_kib : s == S_MAX ? dc->max_kib : dc->shares;
			snprintf(from, sizeof(from), "config ([domain %s] in %s)", name,
				 config_path);
		} else if (domid < 0) {
			continue;	/* a name only an override has */
		} else if (s == S_MIN) {
			v = cfg->default_min_kib;
			snprintf(from, sizeof(from), "default (default-min)");
		} else if (s == S_MAX) {
			v = static_max;
			snprintf(from, sizeof(from), "default (memory/static-max)");
		} else {
			v = cfg->default_shares;
			snprintf(from, sizeof(from), "default (default-shares)");
		}
		if (s == S_MAX && o <= 0 && !in_conf && !has_static_max)
			snprintf(value, sizeof(value), "-");
		else
			value_str(s, v, value, sizeof(value));
		if (o < 0)
			strncat(from, "; a stored override ballastd refuses is ignored",
				sizeof(from) - strlen(from) - 1);
		fprintf(ctl->out, "%-20s %5s %-7s %10s  %s\n", name, id,
			settings[s].key, value, from);
	}
}

/* Names with overrides stored (malloc()ed block, or NULL and 0). */
static int override_names(struct bctl *ctl, char ***names, unsigned int *n)
{
	char path[BALLAST_PATH_MAX];
	int rc;

	*names = NULL;
	*n = 0;
	rc = ballast_path(path, sizeof(path), BALLAST_AT_TOOL, 0, BALLAST_TOOL_POLICY,
			  NULL);
	if (!rc)
		rc = ctl->io.ops->directory(ctl->io.ctx, BIO_TXN_NONE, path, names, n);
	return rc == -ENOENT ? 0 : rc;
}

static int show(struct bctl *ctl, const struct bd_config *cfg,
		const struct bctl_show_args *a)
{
	struct bio_dominfo *info = NULL;
	char **names = NULL, err[BCTL_ERR_MAX];
	unsigned int n_names = 0;
	size_t n = 0;
	int rc;

	if (a->domain) {
		struct bctl_domain dom;

		if (bctl_resolve_domain(ctl, a->domain, &dom, err, sizeof(err))) {
			fprintf(ctl->err, "ballastctl show-config: %s\n", err);
			return 1;
		}
		show_domain(ctl, cfg, a->config_path, dom.name, dom.domid);
		return 0;
	}
	rc = ctl->io.ops->list_domains(ctl->io.ctx, &info, &n);
	if (!rc)
		rc = override_names(ctl, &names, &n_names);
	if (rc) {
		fprintf(ctl->err, "ballastctl show-config: cannot read Xen's state: %s\n",
			strerror(-rc));
		free(info);
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		struct bctl_domain dom;
		char id[16];

		snprintf(id, sizeof(id), "%" PRIu32, info[i].domid);
		if (info[i].dying || bctl_resolve_domain(ctl, id, &dom, err, sizeof(err)))
			continue;
		show_domain(ctl, cfg, a->config_path, dom.name, dom.domid);
		for (unsigned int j = 0; j < n_names; j++)
			if (names[j] && !strcmp(names[j], dom.name))
				names[j] = NULL;	/* shown */
	}
	for (unsigned int j = 0; j < n_names; j++)
		if (names[j])
			show_domain(ctl, cfg, a->config_path, names[j], -1);
	free(names);
	free(info);
	return 0;
}

int bctl_cmd_show_config(struct bctl *ctl, int argc, char **argv)
{
	struct bctl_show_args a;
	struct bd_config cfg;
	char err[BD_ERR_MAX];
	int rc;

	if (bctl_parse_show(argc, argv, &a, err, sizeof(err))) {
		fprintf(ctl->err, "ballastctl show-config: %s\n", err);
		return 2;
	}
	bd_config_defaults(&cfg);
	if (bd_config_load(a.config_path, &cfg, err, sizeof(err))) {
		fprintf(ctl->err, "ballastctl show-config: %s\n", err);
		return 1;
	}
	fprintf(ctl->out, "%-20s %5s %-7s %10s  %s\n", "Name", "ID", "Setting",
		"Value", "From");
	rc = show(ctl, &cfg, &a);
	bd_config_free(&cfg);
	return rc;
}
