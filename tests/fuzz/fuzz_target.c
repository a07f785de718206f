// SPDX-License-Identifier: MIT
/*
 * The guest core's target parser, bcore_set_target(): a value is taken iff
 * SCHEMA.md's CTL/target rules accept it (16384..17179869184 KiB, strict
 * decimal, fuzz_decimal.h), becomes ceil(KiB / page) - offset pages
 * (at least 0), and a refused one is counted and changes nothing.
 * Input: page size choice, offset (4 bytes), a previous valid target, then
 * the value's bytes.
 */
#include "bcore.h"
#include "fuzz_decimal.h"
#include "fuzz_input.h"
#include "fuzz_lines.h"

static const uint32_t page_kibs[] = { 4, 16, 64, 1, 3 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct bcore_config cfg;
	struct bcore c, before;
	uint32_t page_kib = page_kibs[fuzz_below(&in, 5)];
	bool prior = fuzz_bool(&in);
	uint64_t kib = 0, want;
	char *value;
	bool ok;
	enum ballast_verdict v;

	bcore_default_config(&cfg, page_kib);
	if (!cfg.rate_min)
		cfg.rate_min = 1;
	cfg.offset_pages = fuzz_u64(&in, 4);
	FUZZ_ASSERT(bcore_init(&c, &cfg, 1u << 20));
	if (prior)
		FUZZ_ASSERT(bcore_set_target(&c, "1048576", 7) == BALLAST_OK);
	c.oom_relief_pages = 5;
	before = c;

	value = fuzz_copy(in.p, in.left);
	if (!value)
		return 0;
	v = bcore_set_target(&c, value, in.left);
	ok = fuzz_strict_decimal(value, in.left, &kib) &&
	     kib >= BALLAST_MIN_TARGET_KIB && kib <= BALLAST_MAX_MEMORY_KIB;
	FUZZ_ASSERT((v == BALLAST_OK) == ok);
	if (!ok) {
		FUZZ_ASSERT(c.cnt.bad_targets == before.cnt.bad_targets + 1);
		FUZZ_ASSERT(c.target_pages == before.target_pages);
		FUZZ_ASSERT(c.have_target == before.have_target);
		FUZZ_ASSERT(c.oom_relief_pages == before.oom_relief_pages);
	} else {
		want = (kib + page_kib - 1) / page_kib;
		want = want > cfg.offset_pages ? want - cfg.offset_pages : 0;
		FUZZ_ASSERT(c.have_target && c.target_pages == want);
		FUZZ_ASSERT(c.cnt.bad_targets == before.cnt.bad_targets);
		/* OOM relief is forgotten only when the target changes */
		FUZZ_ASSERT(c.oom_relief_pages ==
			    (before.have_target && want == before.target_pages ? 5u : 0u));
		/* never less than promised: the pages cover the KiB */
		FUZZ_ASSERT((want + cfg.offset_pages) * page_kib >= kib ||
			    cfg.offset_pages > (kib + page_kib - 1) / page_kib);
	}
	free(value);
	return 0;
}
