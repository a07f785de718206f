// SPDX-License-Identifier: MIT
/*
 * What the host asks in memory/ballast: see bctl.h.
 */
#include "bctl.h"

const enum ballast_key_id bctl_keys[BCTL__COUNT] = {
	[BCTL_TARGET] = BALLAST_K_TARGET,
	[BCTL_RATE_MIN] = BALLAST_K_RATE_MIN,
	[BCTL_RATE_MAX] = BALLAST_K_RATE_MAX,
	[BCTL_UNCOOPERATIVE] = BALLAST_K_UNCOOPERATIVE,
};

enum ballast_verdict bctl_optional(enum ballast_key_id id, const char *s,
				   size_t len, uint64_t cur, uint64_t *out)
{
	enum ballast_verdict v;
	uint64_t val;

	if (!s) {
		*out = 0;
		return BALLAST_OK;
	}
	v = ballast_parse_key(id, s, len, &val);
	*out = v == BALLAST_OK ? val : cur;
	return v;
}

static uint64_t optional_slot(const struct bctl_raw *raw, enum bctl_slot i,
			      uint64_t cur, bctl_refused_fn *refused, void *ctx)
{
	enum ballast_verdict v;
	uint64_t val;

	v = bctl_optional(bctl_keys[i], raw->val[i], raw->len[i], cur, &val);
	if (v != BALLAST_OK && refused)
		refused(ctx, bctl_keys[i], raw->val[i], raw->len[i], v);
	return val;
}

void bctl_apply(struct bcore *c, struct bctl_host *h, const struct bctl_raw *raw,
		bctl_refused_fn *refused, void *ctx)
{
	enum ballast_verdict v;

	if (raw->val[BCTL_TARGET]) {
		v = bcore_set_target(c, raw->val[BCTL_TARGET],
				     raw->len[BCTL_TARGET]);
		if (v != BALLAST_OK && refused)
			refused(ctx, BALLAST_K_TARGET, raw->val[BCTL_TARGET],
				raw->len[BCTL_TARGET], v);
	}
	h->rates.min_kib_s = optional_slot(raw, BCTL_RATE_MIN,
					   h->rates.min_kib_s, refused, ctx);
	h->rates.max_kib_s = optional_slot(raw, BCTL_RATE_MAX,
					   h->rates.max_kib_s, refused, ctx);
	h->uncooperative = optional_slot(raw, BCTL_UNCOOPERATIVE,
					 h->uncooperative, refused, ctx) == 1;
}

static uint64_t first_given(uint64_t a, uint64_t b, uint64_t c)
{
	return a ? a : b ? b : c;
}

bool bctl_apply_rates(struct bcore *c, const struct bctl_rates *override,
		      const struct bctl_host *h, const struct bctl_rates *dflt)
{
	uint32_t rmin = bcore_kib_s_to_rate(c, first_given(override->min_kib_s,
							   h->rates.min_kib_s,
							   dflt->min_kib_s));
	uint32_t rmax = bcore_kib_s_to_rate(c, first_given(override->max_kib_s,
							   h->rates.max_kib_s,
							   dflt->max_kib_s));

	return bcore_set_rate_bounds(c, rmin, rmax > rmin ? rmax : rmin);
}
