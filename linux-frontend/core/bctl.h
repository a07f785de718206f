/* SPDX-License-Identifier: MIT */
/*
 * What the host asks in memory/ballast, for both frontends (ballast.ko and
 * ballast-agent): the raw values they read, applied in one place; the
 * optional-value reader; and the choice of the rate bounds among the
 * frontend's override, the host's wish and the default.
 * Portable like bcore.c; the caller serialises calls.
 */
#ifndef BCTL_H
#define BCTL_H

#include "bcore.h"

/* The keys of memory/ballast, in struct bctl_raw order. */
enum bctl_slot {
	BCTL_TARGET,
	BCTL_RATE_MIN,
	BCTL_RATE_MAX,
	BCTL_UNCOOPERATIVE,	/* ballast.ko shows it; the agent leaves it out */
	BCTL__COUNT,
};

/* The schema's key of each slot. */
extern const enum ballast_key_id bctl_keys[BCTL__COUNT];

/* Raw values as read (no NUL needed); val NULL when absent or not read. */
struct bctl_raw {
	const char *val[BCTL__COUNT];
	size_t len[BCTL__COUNT];
};

/* A pair of rate bounds in KiB/s; 0: not given. */
struct bctl_rates {
	uint64_t min_kib_s;
	uint64_t max_kib_s;
};

/* The host's wishes besides the target, as last read. */
struct bctl_host {
	struct bctl_rates rates;
	bool uncooperative;	/* informational */
};

/* Told about each refused value (to log it, rate-limited). */
typedef void bctl_refused_fn(void *ctx, enum ballast_key_id id,
			     const char *s, size_t len, enum ballast_verdict v);

/*
 * An optional key: absent (@s NULL) is 0; a valid value is taken; a
 * refused one keeps @cur. Returns the verdict (BALLAST_OK when absent).
 */
enum ballast_verdict bctl_optional(enum ballast_key_id id, const char *s,
				   size_t len, uint64_t cur, uint64_t *out);

/*
 * What was read: the target into the core (bcore_set_target()), the rest
 * into @h; @refused (may be NULL) hears of every refused value.
 */
void bctl_apply(struct bcore *c, struct bctl_host *h, const struct bctl_raw *raw,
		bctl_refused_fn *refused, void *ctx);

/*
 * The core's rate bounds, each by precedence: @override (module parameter,
 * sysfs, command line) > the host's wish > @dflt. A minimum above the
 * maximum wins: it is the safer wish. Returns bcore_set_rate_bounds()'s.
 */
bool bctl_apply_rates(struct bcore *c, const struct bctl_rates *override,
		      const struct bctl_host *h, const struct bctl_rates *dflt);

#endif /* BCTL_H */
