/* SPDX-License-Identifier: MIT */
/*
 * A reservation's whole life (ballastd-reserve.c): `ballastctl reserve`
 * asks for memory under /tool/ballast/reservation/<id>/size; ballastd reads
 * it, hands it to the policy, writes its answer to .../status, holds a
 * granted one reservation-hold-ms for `xl create` (counted from the last
 * change of .../keepalive, which `ballastctl reserve -- CMD` bumps while CMD
 * runs), and lets one nobody removed expire after reservation-expire-ms
 * (also counted from the last keepalive).
 */
#ifndef BALLASTD_RESERVE_H
#define BALLASTD_RESERVE_H

#include "ballastd-env.h"

struct bd_res {
	uint32_t id;
	uint64_t size_kib;
	uint64_t since_ms;
	bool present;
	int pub_status;			/* -1: not written by us yet */
	uint64_t granted_ms;		/* 0: not granted yet */
	bool has_keepalive;
	uint64_t keepalive;		/* the last value seen */
	uint64_t alive_ms;		/* when it last changed (0: never) */
};

/* Assigned in ballastd-reserve.c only. */
struct bd_reservations {
	struct bd_res *res;
	size_t n;
};

/* Reads what ballastctl asked for, expires what is due. 0 or -errno. */
int bd_res_read(struct bd_env *env, struct bd_reservations *rs,
		uint64_t now_ms);

/* The reservations as the policy takes them (malloc()ed, @rs->n of them). */
int bd_res_snapshot(const struct bd_reservations *rs,
		    struct bsched_reservation **out);

/* The policy's answer to the @i-th reservation: published if it changed. */
void bd_res_answer(struct bd_env *env, struct bd_reservations *rs, size_t i,
		   const struct bsched_answer *ans);

void bd_res_free(struct bd_reservations *rs);

#endif /* BALLASTD_RESERVE_H */
