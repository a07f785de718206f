// SPDX-License-Identifier: MIT
/* A reservation's whole life: see ballastd-reserve.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ballastd-reserve.h"

static struct bd_res *res_get(struct bd_reservations *rs, uint32_t id,
			      uint64_t now_ms)
{
	struct bd_res *r;

	for (size_t i = 0; i < rs->n; i++)
		if (rs->res[i].id == id)
			return &rs->res[i];
	r = realloc(rs->res, (rs->n + 1) * sizeof(*r));
	if (!r)
		return NULL;
	rs->res = r;
	r = &r[rs->n++];
	*r = (struct bd_res){ .id = id, .since_ms = now_ms, .pub_status = -1 };
	return r;
}

/*
 * A granted reservation is held reservation-hold-ms for `xl create`; one that
 * nobody removed (ballastctl killed) goes after reservation-expire-ms. Both
 * count from the last keepalive too: `ballastctl reserve -- CMD` keeps it
 * while CMD runs, however long `xl create` takes to reach its populate
 * (under emulation it decompressed the kernel for longer than the hold, and
 * found the memory handed back: ENOMEM).
 */
static bool res_due(const struct bd_env *env, const struct bd_res *r,
		    uint64_t now_ms)
{
	uint64_t since_ms = r->alive_ms > r->since_ms ? r->alive_ms : r->since_ms;

	if (r->granted_ms) {
		uint64_t held_ms = r->alive_ms > r->granted_ms ? r->alive_ms :
							       r->granted_ms;

		if (now_ms - held_ms >= env->cfg.reservation_hold_ms)
			return true;
	}
	return now_ms - since_ms >= env->cfg.reservation_expire_ms;
}

/* A new keepalive value is a sign of life; the first one seen counts too. */
static void res_keepalive(struct bd_env *env, struct bd_res *r, uint64_t now_ms)
{
	char path[BALLAST_PATH_MAX];
	uint64_t v;

	if (ballast_path(path, sizeof(path), BALLAST_AT_RESERVATION, r->id,
			 BALLAST_KEY_KEEPALIVE, NULL) ||
	    bd_read_key(env, path, BALLAST_K_RES_KEEPALIVE, &v) != BALLAST_OK)
		return;
	if (!r->has_keepalive || v != r->keepalive)
		r->alive_ms = now_ms;
	r->has_keepalive = true;
	r->keepalive = v;
}

static void res_expire(struct bd_env *env, struct bd_res *r, uint64_t now_ms)
{
	char path[BALLAST_PATH_MAX];

	bd_log(env, LOG_INFO, "reservation %" PRIu32 ": %s after %" PRIu64 " ms, released",
	       r->id, r->granted_ms ? "held" : "nobody removed it",
	       now_ms - r->since_ms);
	r->present = false;
	if (ballast_path(path, sizeof(path), BALLAST_AT_RESERVATION, r->id, NULL))
		return;
	env->io.ops->rm(env->io.ctx, BIO_TXN_NONE, path);
}

/* The reservations ballastctl asked for; ids are decimal, sizes validated. */
int bd_res_read(struct bd_env *env, struct bd_reservations *rs,
		uint64_t now_ms)
{
	char path[BALLAST_PATH_MAX], **names = NULL;
	unsigned int n = 0;
	int rc;

	for (size_t i = 0; i < rs->n; i++)
		rs->res[i].present = false;
	if (ballast_path(path, sizeof(path), BALLAST_AT_TOOL, 0,
			 BALLAST_TOOL_RESERVE, NULL))
		return -ENAMETOOLONG;
	rc = env->io.ops->directory(env->io.ctx, BIO_TXN_NONE, path, &names, &n);
	if (rc)
		return rc == -ENOENT ? 0 : rc;
	for (unsigned int i = 0; i < n; i++) {
		uint64_t id, size;
		struct bd_res *r;

		if (ballast_parse_u64(names[i], strlen(names[i]), &id) ||
		    id == 0 || id > UINT32_MAX)
			continue;
		if (ballast_path(path, sizeof(path), BALLAST_AT_RESERVATION,
				 (uint32_t)id, BALLAST_KEY_SIZE, NULL) ||
		    bd_read_key(env, path, BALLAST_K_RES_SIZE, &size) != BALLAST_OK)
			continue;
		r = res_get(rs, (uint32_t)id, now_ms);
		if (!r) {
			free(names);
			return -ENOMEM;
		}
		r->size_kib = size;
		r->present = true;
		res_keepalive(env, r, now_ms);
		if (res_due(env, r, now_ms))
			res_expire(env, r, now_ms);
	}
	free(names);
	/* Forget the ones that went away. */
	for (size_t i = 0; i < rs->n;) {
		if (!rs->res[i].present)
			rs->res[i] = rs->res[--rs->n];
		else
			i++;
	}
	return 0;
}

int bd_res_snapshot(const struct bd_reservations *rs,
		    struct bsched_reservation **out)
{
	struct bsched_reservation *r = calloc(rs->n ? rs->n : 1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	for (size_t i = 0; i < rs->n; i++)
		r[i] = (struct bsched_reservation){ .id = rs->res[i].id,
						    .size_kib = rs->res[i].size_kib,
						    .since_ms = rs->res[i].since_ms };
	*out = r;
	return 0;
}

void bd_res_answer(struct bd_env *env, struct bd_reservations *rs, size_t i,
		   const struct bsched_answer *ans)
{
	const char *word = ballast_reservation_word(ans->status);
	struct bd_res *r = &rs->res[i];
	char path[BALLAST_PATH_MAX];

	if (ans->status == BALLAST_RES_GRANTED && !r->granted_ms)
		r->granted_ms = env->io.ops->now_ms(env->io.ctx);
	if (r->pub_status == ans->status)
		return;
	if (ballast_path(path, sizeof(path), BALLAST_AT_RESERVATION, r->id,
			 BALLAST_KEY_STATUS, NULL))
		return;
	bd_log(env, LOG_INFO, "reservation %" PRIu32 " of %" PRIu64 " KiB: %s (%zu domains refused)",
	       r->id, r->size_kib, word, ans->n_refusers);
	if (bio_write_str(&env->io, BIO_TXN_NONE, path, word) == 0)
		r->pub_status = ans->status;
}

void bd_res_free(struct bd_reservations *rs)
{
	free(rs->res);
	*rs = (struct bd_reservations){ 0 };
}
