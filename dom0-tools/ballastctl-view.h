/* SPDX-License-Identifier: MIT */
/*
 * What ballastctl's verbs read of one host: Xen's domains and memory, what
 * ballastd published for each (/tool/ballast/domain/<id>/status) and what
 * the guest reports. A value ballastctl could not read is unknown, not 0:
 * each row says which fields it knows (status shows "-", --json null).
 */
#ifndef BALLASTCTL_VIEW_H
#define BALLASTCTL_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ballastctl.h"
#include "bsched.h"		/* BSCHED_NAME_MAX: the names ballastd knows */

/* The fields of a row that may be unknown, in the order --json prints them. */
enum bctl_field {
	BCTL_F_FRONTEND,
	BCTL_F_MANAGED,
	BCTL_F_MIN,
	BCTL_F_TARGET,		/* unknown too where ballastd does not manage it */
	BCTL_F_MAX,
	BCTL_F_SHARES,
	BCTL_F_DEMAND,
	BCTL_F_IDEAL,
	BCTL_F_BOUND,
	BCTL_F_STUCK,
	BCTL_F_UNCOOPERATIVE,
	BCTL_F_FLOODING,
	BCTL_F_REFUSED_REPORTS,
	BCTL_F_FLOOD_REFUSED,
	BCTL_F_LAST_REFUSAL,
	BCTL_F_REFUSED_RESERVATION,
	BCTL_F_PROBE,		/* the working-set probe's state */
	BCTL_F_PROBE_CAP,
	BCTL_F_VCPU_SCALING,	/* the processor policy's (ballastd-vcpu.c) */
	BCTL_F_VCPU_HVM,
	BCTL_F_VCPUS_ONLINE,
	BCTL_F_VCPUS_TARGET,
	BCTL_F_VCPUS_WANT,
	BCTL_F_VCPUS_MIN,
	BCTL_F_VCPUS_MAX,
	BCTL_F_MAXVCPUS,
	BCTL_F_CPU_SHARES,
	BCTL_F_VCPU_BOUND,
	BCTL_F_VCPU_REFUSALS,
	BCTL_F_STATE,		/* the guest's data/ballast/state */
	BCTL_F_PSI,		/* the guest's PSI some avg10 */
	BCTL_F_COUNT
};

enum bctl_kind { BCTL_U64, BCTL_BOOL, BCTL_STR };

/* One field: its --json key (status-json.h), its type and where it is. */
struct bctl_field_desc {
	const char *key;
	enum bctl_kind kind;
	size_t offset;		/* in struct bctl_row */
	size_t size;		/* of a BCTL_STR's buffer */
	bool published;		/* read from ballastd's status (else the guest's) */
};

extern const struct bctl_field_desc bctl_fields[BCTL_F_COUNT];

struct bctl_row {
	uint32_t domid;
	char name[BSCHED_NAME_MAX];	/* "" if unknown */
	bool published;			/* ballastd wrote a status for it */
	uint32_t known;			/* 1 << enum bctl_field */
	uint64_t actual_kib;		/* Xen's: always known */
	char frontend[16];
	bool managed;
	uint64_t min_kib, target_kib, max_kib, shares;
	uint64_t demand_kib, ideal_kib;
	char bound[32];
	bool stuck, uncooperative, flooding;
	uint64_t refused_reports, flood_refused;
	char last_refusal[96];
	uint64_t refused_reservation;
	char probe[16];
	uint64_t probe_cap_kib;
	bool vcpu_scaling, vcpu_hvm;
	uint64_t vcpus_online, vcpus_target, vcpus_want, vcpus_min, vcpus_max;
	uint64_t maxvcpus, cpu_shares, vcpu_refusals;
	char vcpu_bound[32];
	char state[16];
	uint64_t psi_some_centipct;
};

struct bctl_view {
	struct bio_physinfo host;
	bool daemon;
	bool dry_run;			/* the daemon runs with --dry-run */
	struct bctl_row *rows;
	size_t n;
};

static inline bool bctl_known(const struct bctl_row *r, enum bctl_field f)
{
	return r->known & (1u << f);
}

/* Marks @f known (a test builds rows by hand with it). */
static inline void bctl_set_known(struct bctl_row *r, enum bctl_field f)
{
	r->known |= 1u << f;
}

/*
 * The host now, one row per domain that is not dying, in Xen's order.
 * Returns 0, or a negative errno (Xen unreadable, no memory) with nothing
 * to free and nothing printed. bctl_view_free() after a 0.
 */
int bctl_view_read(struct bctl *ctl, struct bctl_view *v);
void bctl_view_free(struct bctl_view *v);

/* The row of a domain by name, or by domid if @key is a number; NULL. */
const struct bctl_row *bctl_view_find(const struct bctl_view *v, const char *key);

/*
 * ballastd publishes its pid; a pid that is gone means it is not running.
 * *@dry_run (if not NULL): it runs with --dry-run, and changes nothing.
 */
bool bctl_daemon_running(struct bctl *ctl, bool *dry_run);

#endif /* BALLASTCTL_VIEW_H */
