// SPDX-License-Identifier: MIT
/* Configuration and snapshot validation: hostile input gives -EINVAL and
 * leaves the state as it was. */
#include <errno.h>
#include <string.h>

#include "fixture.h"
#include "suites.h"

static void test_defaults_valid(void)
{
	struct bsched_config cfg;
	const char *why = NULL;

	bsched_config_defaults(&cfg);
	CU_ASSERT_EQUAL(bsched_config_validate(&cfg, &why), 0);
	CU_ASSERT_EQUAL(cfg.slush_kib, 72 * MIB);
	CU_ASSERT_EQUAL(cfg.stuck_after_ms, 5000);
	CU_ASSERT_EQUAL(cfg.uncooperative_after_ms, 20000);
	CU_ASSERT(cfg.deadband_kib < cfg.step_max_kib);
	CU_ASSERT_EQUAL(cfg.faults, 0);
}

static void test_config_rejected(void)
{
	struct bsched_config base, c;
	const char *why;

	bsched_config_defaults(&base);
#define REJECT(field, value) do {				\
		c = base;					\
		c.field = value;				\
		why = NULL;					\
		CU_ASSERT_EQUAL(bsched_config_validate(&c, &why), -1); \
		CU_ASSERT_PTR_NOT_NULL(why);			\
	} while (0)
	REJECT(step_max_kib, 0);
	REJECT(stuck_after_ms, 0);
	REJECT(uncooperative_after_ms, 4999);
	REJECT(progress_kib, 0);
	REJECT(psi_stall_centipct, 10001);
	REJECT(buffer_pct, 1001);
	REJECT(psi_boost_pct, 101);
	REJECT(surplus, (enum bsched_surplus)7);
	REJECT(faults, 1u << 20);
	REJECT(slush_kib, UINT64_MAX);
#undef REJECT
	/* the boundaries themselves are valid: flagged as soon as stuck */
	c = base;
	c.uncooperative_after_ms = c.stuck_after_ms;
	CU_ASSERT_EQUAL(bsched_config_validate(&c, &why), 0);
	CU_ASSERT_EQUAL(bsched_config_validate(NULL, &why), -1);
}

static void test_tick_rejects_bad_config(void)
{
	struct fix f;

	fix_init(&f, 8 * GIB);
	fix_dom(&f, 1, 512 * MIB, 4 * GIB, 100, 2 * GIB, GIB);
	f.cfg.step_max_kib = 0;
	CU_ASSERT_EQUAL(fix_tick(&f), -EINVAL);
	CU_ASSERT_PTR_NULL(f.res.decisions);
	fix_fini(&f);
}

/* After a rejected snapshot, a good one still works from the old state. */
static void expect_einval_then_ok(struct fix *f, struct bsched_domain saved[],
				  size_t n)
{
	CU_ASSERT_EQUAL(fix_tick(f), -EINVAL);
	CU_ASSERT_EQUAL(f->res.n_decisions, 0);
	CU_ASSERT_PTR_NULL(f->res.decisions);
	memcpy(f->d, saved, n * sizeof(*saved));
	f->n = n;
	CU_ASSERT_EQUAL(fix_tick(f), 0);
}

/*
 * An inconsistent domain 2 costs domain 2 alone (issue 14): it is left
 * alone, bound "invalid", out of every sum, and domain 1 is decided.
 */
static void expect_alone(struct fix *f, struct bsched_domain saved[], size_t n)
{
	uint64_t free_kib = bsched_host_free_kib(&(struct bsched_host){
		.free_kib = fix_free(f) });

	CU_ASSERT_EQUAL_FATAL(fix_tick(f), 0);
	CU_ASSERT_EQUAL(f->res.n_decisions, n);
	CU_ASSERT_EQUAL(fix_dec(f, 2)->bound, BSCHED_BOUND_INVALID);
	CU_ASSERT_FALSE(fix_dec(f, 2)->target_changed);
	CU_ASSERT_FALSE(fix_dec(f, 2)->maxmem_changed);
	CU_ASSERT_NOT_EQUAL(fix_dec(f, 1)->bound, BSCHED_BOUND_INVALID);
	CU_ASSERT(fix_dec(f, 1)->target_kib >= 512 * MIB &&
		  fix_dec(f, 1)->target_kib <= 4 * GIB);
	/* the pool: free memory and domain 1, never domain 2 */
	CU_ASSERT(f->res.supply_kib <= free_kib + f->d[0].actual_kib);
	memcpy(f->d, saved, n * sizeof(*saved));
	f->n = n;
	CU_ASSERT_EQUAL(fix_tick(f), 0);
}

static void test_hostile_snapshots(void)
{
	struct bsched_domain saved[2];
	struct fix f;

	fix_init(&f, 8 * GIB);
	fix_dom(&f, 1, 512 * MIB, 4 * GIB, 100, 2 * GIB, GIB);
	fix_dom(&f, 2, 512 * MIB, 4 * GIB, 100, 2 * GIB, GIB);
	CU_ASSERT_EQUAL_FATAL(fix_run(&f, 3), 0);
	memcpy(saved, f.d, sizeof(saved));

	f.d[1].min_kib = 5 * GIB;			/* min > max */
	expect_alone(&f, saved, 2);
	f.d[1].domid = 1;				/* duplicate domid */
	expect_einval_then_ok(&f, saved, 2);
	f.d[1].shares = 0;				/* no weight */
	expect_alone(&f, saved, 2);
	f.d[1].actual_kib = UINT64_MAX;			/* absurd size */
	expect_alone(&f, saved, 2);
	f.d[1].frontend = (enum bsched_frontend)9;
	expect_alone(&f, saved, 2);
	f.now_ms -= 2 * TICK_MS;			/* time going backwards */
	CU_ASSERT_EQUAL(fix_tick(&f), -EINVAL);
	f.now_ms += 2 * TICK_MS;
	CU_ASSERT_EQUAL(fix_tick(&f), 0);
	f.r[0] = (struct bsched_reservation) { 4, GIB, 0 };
	f.r[1] = (struct bsched_reservation) { 4, GIB, 0 };
	f.nr = 2;					/* duplicate reservation */
	CU_ASSERT_EQUAL(fix_tick(&f), -EINVAL);
	f.r[1].id = 5;
	CU_ASSERT_EQUAL(fix_tick(&f), 0);
	CU_ASSERT_EQUAL(f.res.n_answers, 2);
	fix_fini(&f);
}

static void test_null_and_empty(void)
{
	struct bsched_config cfg;
	struct bsched_state *st = bsched_state_new();
	struct bsched_snapshot snap = { .now_ms = 1, .n_domains = 3 };
	struct bsched_result res;

	bsched_config_defaults(&cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(bsched_tick(st, &cfg, &snap, &res), -EINVAL);
	CU_ASSERT_EQUAL(bsched_tick(NULL, &cfg, &snap, &res), -EINVAL);
	CU_ASSERT_EQUAL(bsched_tick(st, &cfg, NULL, &res), -EINVAL);
	CU_ASSERT_EQUAL(bsched_tick(st, &cfg, &snap, NULL), -EINVAL);
	snap.n_domains = 0;
	CU_ASSERT_EQUAL(bsched_tick(st, &cfg, &snap, &res), 0);
	CU_ASSERT_EQUAL(res.n_decisions, 0);
	bsched_result_free(&res);
	bsched_result_free(NULL);
	bsched_state_free(st);
	bsched_state_free(NULL);
}

/* An unmanaged domain need not carry a sane policy: it is left alone. */
static void test_unmanaged_not_validated(void)
{
	struct fix f;
	struct bsched_domain *d;

	fix_init(&f, 8 * GIB);
	d = fix_dom(&f, 7, 5 * GIB, 4 * GIB, 0, 2 * GIB, GIB);
	d->managed = false;
	d->target_kib = 2 * GIB;
	CU_ASSERT_EQUAL_FATAL(fix_tick(&f), 0);
	CU_ASSERT_EQUAL(fix_dec(&f, 7)->bound, BSCHED_BOUND_UNMANAGED);
	CU_ASSERT_FALSE(fix_dec(&f, 7)->target_changed);
	CU_ASSERT_FALSE(fix_dec(&f, 7)->maxmem_changed);
	fix_fini(&f);
}

static void test_names(void)
{
	CU_ASSERT_STRING_EQUAL(bsched_bound_str(BSCHED_BOUND_SHARES), "shares");
	CU_ASSERT_STRING_EQUAL(bsched_bound_str(BSCHED_BOUND__COUNT), "unknown");
	for (int b = 0; b < BSCHED_BOUND__COUNT; b++)
		CU_ASSERT_STRING_NOT_EQUAL(bsched_bound_str(b), "unknown");
	CU_ASSERT_STRING_EQUAL(bsched_frontend_str(BSCHED_FE_STOCK), "stock");
	CU_ASSERT_STRING_EQUAL(bsched_frontend_str((enum bsched_frontend)9),
			       "unknown");
}

static void test_host_free(void)
{
	struct bsched_host h = { .total_kib = 100, .free_kib = 10,
				 .scrub_kib = 5, .outstanding_kib = 3 };

	CU_ASSERT_EQUAL(bsched_host_free_kib(&h), 12);
	h.outstanding_kib = 40;
	CU_ASSERT_EQUAL(bsched_host_free_kib(&h), 0);
}

int add_input_suite(void)
{
	CU_pSuite s = CU_add_suite("input", NULL, NULL);

	if (!s ||
	    !CU_add_test(s, "defaults are valid", test_defaults_valid) ||
	    !CU_add_test(s, "bad configs rejected", test_config_rejected) ||
	    !CU_add_test(s, "tick rejects bad config", test_tick_rejects_bad_config) ||
	    !CU_add_test(s, "hostile snapshots", test_hostile_snapshots) ||
	    !CU_add_test(s, "null and empty", test_null_and_empty) ||
	    !CU_add_test(s, "unmanaged not validated", test_unmanaged_not_validated) ||
	    !CU_add_test(s, "names", test_names) ||
	    !CU_add_test(s, "host free", test_host_free))
		return -1;
	return 0;
}
