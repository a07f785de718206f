// SPDX-License-Identifier: MIT
/* Reading the host for ballastctl's verbs: see ballastctl-view.h. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "ballast_path.h"
#include "ballast_schema.h"
#include "ballastctl-view.h"
#include "status-json.h"

#define PUB(f_, key_, kind_, member_) \
	[f_] = { key_, kind_, offsetof(struct bctl_row, member_), \
		 sizeof(((struct bctl_row *)0)->member_), true }
#define GUEST(f_, key_, kind_, member_) \
	[f_] = { key_, kind_, offsetof(struct bctl_row, member_), \
		 sizeof(((struct bctl_row *)0)->member_), false }

const struct bctl_field_desc bctl_fields[BCTL_F_COUNT] = {
	PUB(BCTL_F_FRONTEND, SJ_FRONTEND, BCTL_STR, frontend),
	PUB(BCTL_F_MANAGED, SJ_MANAGED, BCTL_BOOL, managed),
	PUB(BCTL_F_MIN, SJ_MIN_KIB, BCTL_U64, min_kib),
	PUB(BCTL_F_TARGET, SJ_TARGET_KIB, BCTL_U64, target_kib),
	PUB(BCTL_F_MAX, SJ_MAX_KIB, BCTL_U64, max_kib),
	PUB(BCTL_F_SHARES, SJ_SHARES, BCTL_U64, shares),
	PUB(BCTL_F_DEMAND, SJ_DEMAND_KIB, BCTL_U64, demand_kib),
	PUB(BCTL_F_IDEAL, SJ_IDEAL_KIB, BCTL_U64, ideal_kib),
	PUB(BCTL_F_BOUND, SJ_BOUND, BCTL_STR, bound),
	PUB(BCTL_F_STUCK, SJ_STUCK, BCTL_BOOL, stuck),
	PUB(BCTL_F_UNCOOPERATIVE, SJ_UNCOOPERATIVE, BCTL_BOOL, uncooperative),
	PUB(BCTL_F_FLOODING, SJ_FLOODING, BCTL_BOOL, flooding),
	PUB(BCTL_F_REFUSED_REPORTS, SJ_REFUSED_REPORTS, BCTL_U64, refused_reports),
	PUB(BCTL_F_FLOOD_REFUSED, SJ_FLOOD_REFUSED, BCTL_U64, flood_refused),
	PUB(BCTL_F_LAST_REFUSAL, SJ_LAST_REFUSAL, BCTL_STR, last_refusal),
	PUB(BCTL_F_REFUSED_RESERVATION, SJ_REFUSED_RESERVATION, BCTL_U64,
	    refused_reservation),
	PUB(BCTL_F_PROBE, SJ_PROBE, BCTL_STR, probe),
	PUB(BCTL_F_PROBE_CAP, SJ_PROBE_CAP_KIB, BCTL_U64, probe_cap_kib),
	PUB(BCTL_F_VCPU_SCALING, SJ_VCPU_SCALING, BCTL_BOOL, vcpu_scaling),
	PUB(BCTL_F_VCPU_HVM, SJ_VCPU_HVM, BCTL_BOOL, vcpu_hvm),
	PUB(BCTL_F_VCPUS_ONLINE, SJ_VCPUS_ONLINE, BCTL_U64, vcpus_online),
	PUB(BCTL_F_VCPUS_TARGET, SJ_VCPUS_TARGET, BCTL_U64, vcpus_target),
	PUB(BCTL_F_VCPUS_WANT, SJ_VCPUS_WANT, BCTL_U64, vcpus_want),
	PUB(BCTL_F_VCPUS_MIN, SJ_VCPUS_MIN, BCTL_U64, vcpus_min),
	PUB(BCTL_F_VCPUS_MAX, SJ_VCPUS_MAX, BCTL_U64, vcpus_max),
	PUB(BCTL_F_MAXVCPUS, SJ_MAXVCPUS, BCTL_U64, maxvcpus),
	PUB(BCTL_F_CPU_SHARES, SJ_CPU_SHARES, BCTL_U64, cpu_shares),
	PUB(BCTL_F_VCPU_BOUND, SJ_VCPU_BOUND, BCTL_STR, vcpu_bound),
	PUB(BCTL_F_VCPU_REFUSALS, SJ_VCPU_REFUSALS, BCTL_U64, vcpu_refusals),
	GUEST(BCTL_F_STATE, SJ_STATE, BCTL_STR, state),
	GUEST(BCTL_F_PSI, SJ_PSI_SOME, BCTL_U64, psi_some_centipct),
};

static yajl_val read_json(struct bctl *ctl, const char *path)
{
	char *val = NULL, errbuf[128];
	yajl_val tree;

	if (bio_read(&ctl->io, BIO_TXN_NONE, path, &val, NULL))
		return NULL;
	tree = yajl_tree_parse(val, errbuf, sizeof(errbuf));
	free(val);
	return tree;
}

static yajl_val json_get(yajl_val t, const char *key, yajl_type type)
{
	const char *path[] = { key, NULL };

	return yajl_tree_get(t, path, type);
}

/* A published field as its table entry says; unknown if absent or mistyped. */
static void read_field(yajl_val t, struct bctl_row *r, enum bctl_field f)
{
	const struct bctl_field_desc *d = &bctl_fields[f];
	char *at = (char *)r + d->offset;
	yajl_val v;

	switch (d->kind) {
	case BCTL_U64:
		v = json_get(t, d->key, yajl_t_number);
		if (!v || !YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < 0)
			return;
		*(uint64_t *)(void *)at = (uint64_t)YAJL_GET_INTEGER(v);
		break;
	case BCTL_BOOL:
		v = json_get(t, d->key, yajl_t_any);
		if (!v || !(YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)))
			return;
		*(bool *)(void *)at = YAJL_IS_TRUE(v);
		break;
	case BCTL_STR:
		v = json_get(t, d->key, yajl_t_string);
		if (!v)
			return;
		snprintf(at, d->size, "%s", YAJL_GET_STRING(v));
		break;
	}
	bctl_set_known(r, f);
}

static void read_pid(struct bctl *ctl, uint64_t *pid, bool *dry)
{
	char path[BALLAST_PATH_MAX];
	yajl_val t, v;

	*pid = 0;
	*dry = false;
	if (ballast_path(path, sizeof(path), BALLAST_AT_TOOL, 0, BALLAST_KEY_STATUS,
			 NULL))
		return;
	t = read_json(ctl, path);
	if (!t)
		return;
	v = json_get(t, SJ_PID, yajl_t_number);
	if (v && YAJL_IS_INTEGER(v) && YAJL_GET_INTEGER(v) > 0)
		*pid = (uint64_t)YAJL_GET_INTEGER(v);
	*dry = YAJL_IS_TRUE(json_get(t, SJ_DRY_RUN, yajl_t_any));
	yajl_tree_free(t);
}

bool bctl_daemon_running(struct bctl *ctl, bool *dry_run)
{
	uint64_t pid;
	bool dry;

	read_pid(ctl, &pid, &dry);
	if (dry_run)
		*dry_run = dry;
	return pid && pid < INT32_MAX &&
	       (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

/* The guest's own report: its balloon's state and its memory pressure. */
static void read_guest(struct bctl *ctl, struct bctl_row *r)
{
	char path[BALLAST_PATH_MAX], *val = NULL;
	size_t len = 0;
	uint64_t v;

	if (!ballast_path(path, sizeof(path), BALLAST_AT_DOMAIN, r->domid,
			  BALLAST_DATA_DIR, BALLAST_KEY_STATE, NULL) &&
	    !bio_read(&ctl->io, BIO_TXN_NONE, path, &val, &len)) {
		if (ballast_parse_key(BALLAST_K_STATE, val, len, &v) == BALLAST_OK)
			snprintf(r->state, sizeof(r->state), "%s",
				 ballast_state_word((enum ballast_state)v));
		else
			snprintf(r->state, sizeof(r->state), "invalid");
		bctl_set_known(r, BCTL_F_STATE);
		free(val);
	}
	val = NULL;
	if (!ballast_path(path, sizeof(path), BALLAST_AT_DOMAIN, r->domid,
			  BALLAST_DATA_DIR, BALLAST_KEY_PSI_SOME_AVG10, NULL) &&
	    !bio_read(&ctl->io, BIO_TXN_NONE, path, &val, &len)) {
		if (ballast_parse_key(BALLAST_K_PSI_SOME_AVG10, val, len, &v) == BALLAST_OK) {
			r->psi_some_centipct = v;
			bctl_set_known(r, BCTL_F_PSI);
		}
		free(val);
	}
}

static void read_row(struct bctl *ctl, const struct bio_dominfo *info,
		     struct bctl_row *r)
{
	char path[BALLAST_PATH_MAX], *name = NULL;
	yajl_val t, v;

	*r = (struct bctl_row){ .domid = info->domid, .actual_kib = info->tot_kib };
	if (!ballast_path(path, sizeof(path), BALLAST_AT_DOMAIN, r->domid,
			  BALLAST_STOCK_NAME, NULL) &&
	    !bio_read(&ctl->io, BIO_TXN_NONE, path, &name, NULL)) {
		snprintf(r->name, sizeof(r->name), "%s", name);
		free(name);
	}
	read_guest(ctl, r);
	if (ballast_path(path, sizeof(path), BALLAST_AT_TOOL_DOMAIN, r->domid,
			 BALLAST_KEY_STATUS, NULL))
		return;
	t = read_json(ctl, path);
	if (!t)
		return;
	r->published = true;
	v = json_get(t, SJ_NAME, yajl_t_string);
	if (!r->name[0] && v)
		snprintf(r->name, sizeof(r->name), "%s", YAJL_GET_STRING(v));
	for (int f = 0; f < BCTL_F_COUNT; f++)
		if (bctl_fields[f].published)
			read_field(t, r, (enum bctl_field)f);
	/* ballastd sets no target for a domain it does not manage */
	if (!bctl_known(r, BCTL_F_MANAGED) || !r->managed)
		r->known &= ~(1u << BCTL_F_TARGET);
	yajl_tree_free(t);
}

void bctl_view_free(struct bctl_view *v)
{
	free(v->rows);
	v->rows = NULL;
	v->n = 0;
}

int bctl_view_read(struct bctl *ctl, struct bctl_view *v)
{
	struct bio_dominfo *info = NULL;
	size_t n = 0;
	int rc;

	*v = (struct bctl_view){ 0 };
	rc = ctl->io.ops->physinfo(ctl->io.ctx, &v->host);
	if (!rc)
		rc = ctl->io.ops->list_domains(ctl->io.ctx, &info, &n);
	if (rc)
		return rc;
	v->rows = calloc(n ? n : 1, sizeof(*v->rows));
	if (!v->rows) {
		free(info);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		if (!info[i].dying)
			read_row(ctl, &info[i], &v->rows[v->n++]);
	free(info);
	v->daemon = bctl_daemon_running(ctl, &v->dry_run);
	return 0;
}

const struct bctl_row *bctl_view_find(const struct bctl_view *v, const char *key)
{
	uint64_t id;
	bool numeric = ballast_parse_u64(key, strlen(key), &id) == BALLAST_OK;

	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(v->rows[i].name, key) ||
		    (numeric && v->rows[i].domid == id))
			return &v->rows[i];
	return NULL;
}
