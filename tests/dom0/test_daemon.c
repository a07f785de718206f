// SPDX-License-Identifier: MIT
/* ballastd against the fake Xen: every behaviour the daemon promises. */
#include <CUnit/Basic.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "status-json.h"
#include "run_suite.h"

#define TARGET_REL	BALLAST_CTL_DIR "/" BALLAST_KEY_TARGET
#define UNCOOP_REL	BALLAST_CTL_DIR "/" BALLAST_KEY_UNCOOPERATIVE
#define RATE_MIN_REL	BALLAST_CTL_DIR "/" BALLAST_KEY_RATE_MIN
#define SEQ_REL		BALLAST_DATA_DIR "/" BALLAST_KEY_SEQ
#define PSI_REL		BALLAST_DATA_DIR "/" BALLAST_KEY_PSI_SOME_AVG10
#define STEP_KIB	(256 * MIB)	/* the policy's default step */
/* domain 1's saved state in @x */
#define STATE_PATH(x, key)	fx_path(x, BALLAST_AT_TOOL_DOMAIN, 1, key, NULL, NULL)
#define BOOST_PATH(x)		STATE_PATH(x, BALLAST_KEY_BOOST)
#define RSEQ_PATH(x)		STATE_PATH(x, BALLAST_KEY_REPORT_SEQ)
#define RMS_PATH(x)		STATE_PATH(x, BALLAST_KEY_REPORT_RECEIVED)

/* Host of 4 GiB, domain 1 "a" with the ballast driver: 1 of 2 GiB. */
static void setup_one(struct fx *x, const char *config)
{
	CU_ASSERT_FATAL(fx_setup(x, 4 * GIB, config, false) == 0);
	CU_ASSERT_FATAL(fake_add_domain(x->f, 1, "a", 1 * GIB, 2 * GIB,
					FAKE_BALLOON_BALLAST, 512 * MIB) == 0);
	fx_report(x, 1, 1, 1 * GIB, 800 * MIB);
}

static void test_join_leave(void)
{
	struct bio_perm perms[BIO_PERMS_MAX];
	unsigned int n = BIO_PERMS_MAX;
	char buf[64];
	struct fx x;
	uint64_t t;

	setup_one(&x, NULL);
	fx_run(&x, 1, 1000);
	t = fx_dom_u64(&x, 1, TARGET_REL);
	CU_ASSERT(t != UINT64_MAX && t > 1 * GIB && t <= 2 * GIB);
	CU_ASSERT(fx_logged(&x, "a (1): joined, driver"));
	CU_ASSERT(fx_dom_u64(&x, 1, RATE_MIN_REL) == x.bd.env.cfg.rate_min_kib_s);
	CU_ASSERT(fx_dom_u64(&x, 1, UNCOOP_REL) == 0);
	/* memory/ballast: dom0 owns it, the guest may only read */
	CU_ASSERT(x.bd.env.io.ops->get_perms(x.f, BIO_TXN_NONE,
					 fx_path(&x, BALLAST_AT_DOMAIN, 1, BALLAST_CTL_DIR,
						 NULL, NULL), perms, &n) == 0);
	CU_ASSERT(n == 2 && perms[0].domid == 0 && perms[0].access == BIO_PERM_NONE &&
		  perms[1].domid == 1 && perms[1].access == BIO_PERM_READ);
	CU_ASSERT(fx_guest(&x, 1, TARGET_REL, "999999999") == -EACCES);
	CU_ASSERT(fx_dom_u64(&x, 1, TARGET_REL) == t);
	CU_ASSERT_STRING_EQUAL(fx_status_field(&x, 1, "name", buf, sizeof(buf)), "a");

	/* a domain appears: the watch alone makes the daemon tick */
	CU_ASSERT(fake_add_domain(x.f, 2, "b", 512 * MIB, 1 * GIB,
				  FAKE_BALLOON_BALLAST, 512 * MIB) == 0);
	fx_report(&x, 2, 1, 512 * MIB, 300 * MIB);
	x.bd.tick_due = false;
	bd_handle_events(&x.bd);
	CU_ASSERT(x.bd.tick_due);
	fx_run(&x, 1, 1000);
	CU_ASSERT(fx_dom_u64(&x, 2, TARGET_REL) != UINT64_MAX);
	CU_ASSERT(x.bd.doms.n == 2);

	/* and goes: forgotten, its tool state cleaned */
	fake_remove_domain(x.f, 1);
	x.bd.tick_due = false;
	bd_handle_events(&x.bd);
	CU_ASSERT(x.bd.tick_due);
	fx_run(&x, 1, 1000);
	CU_ASSERT(fx_logged(&x, "a (1): left"));
	CU_ASSERT(x.bd.doms.n == 1);
	CU_ASSERT(fake_value(x.f, fx_path(&x, BALLAST_AT_TOOL_DOMAIN, 1,
					  NULL, NULL, NULL)) == NULL);
	CU_ASSERT(fake_value(x.f, fx_path(&x, BALLAST_AT_TOOL_DOMAIN, 2,
					  BALLAST_KEY_STATUS, NULL, NULL)) != NULL);
	fx_teardown(&x);
}

static void test_steady_state_is_silent(void)
{
	unsigned int writes;
	struct fx x;

	setup_one(&x, NULL);
	fx_run(&x, 8, 1000);	/* reaches its max by steps, then stays */
	CU_ASSERT(fx_dom_u64(&x, 1, TARGET_REL) == 2 * GIB);
	fx_log_clear(&x);
	writes = fake_writes(x.f);
	fx_run(&x, 5, 1000);
	CU_ASSERT(fake_writes(x.f) == writes);
	CU_ASSERT(x.log_len == x.log_mark);
	fx_teardown(&x);
}

static void test_stuck_flagged_and_excluded(void)
{
	char buf[32];
	struct fx x;

	CU_ASSERT_FATAL(fx_setup(&x, 4 * GIB, "[host]\nsurplus = keep-free\n", false) == 0);
	/* "s" never moves (rate 0); "h" is healthy */
	fake_add_domain(x.f, 1, "s", 1536 * MIB, 1536 * MIB, FAKE_BALLOON_BALLAST, 0);
	fake_add_domain(x.f, 2, "h", 1536 * MIB, 1536 * MIB, FAKE_BALLOON_BALLAST,
			512 * MIB);
	for (unsigned int i = 0; i < 25; i++) {
		fx_report(&x, 1, i + 1, 1536 * MIB, 1400 * MIB);
		fx_report(&x, 2, i + 1, fake_actual_kib(x.f, 2), 1400 * MIB);
		fx_run(&x, 1, 1000);
	}
	CU_ASSERT(fake_actual_kib(x.f, 1) == 1536 * MIB);
	CU_ASSERT(fx_dom_u64(&x, 1, UNCOOP_REL) == 1);
	CU_ASSERT_STRING_EQUAL(fx_status_field(&x, 1, "stuck", buf, sizeof(buf)), "true");
	CU_ASSERT_STRING_EQUAL(fx_status_field(&x, 1, "bound", buf, sizeof(buf)),
			       bsched_bound_str(BSCHED_BOUND_STUCK));
	CU_ASSERT(fx_logged(&x, "s (1): balloon makes no progress: flagged uncooperative"));
	/* the healthy one went on to its demand and is not flagged */
	CU_ASSERT(fx_dom_u64(&x, 2, UNCOOP_REL) == 0);
	CU_ASSERT(fake_actual_kib(x.f, 2) < 1536 * MIB);
	CU_ASSERT_STRING_EQUAL(fx_status_field(&x, 2, "stuck", buf, sizeof(buf)), "false");
	fx_teardown(&x);
}

/*
 * A stuck balloon has its maxmem pinned below what it holds; when its driver
 * unloads and says so, ballastd lets go: the toolstack's maxmem comes back
 * (static-max + 1 MiB) so the guest can return to its boot size.
 */
static void test_unloading_releases(void)
{
	struct fx x;
	unsigned int i;

	CU_ASSERT_FATAL(fx_setup(&x, 4 * GIB, "[host]\nsurplus = keep-free\n", false) == 0);
	fake_add_domain(x.f, 1, "s", 1536 * MIB, 1536 * MIB, FAKE_BALLOON_BALLAST, 0);
	for (i = 0; i < 25; i++) {
		fx_report(&x, 1, i + 1, 1536 * MIB, 1400 * MIB);
		fx_run(&x, 1, 1000);
	}
	CU_ASSERT(fx_dom_u64(&x, 1, UNCOOP_REL) == 1);
	CU_ASSERT(fake_maxmem_kib(x.f, 1) < 1536 * MIB);

	CU_ASSERT(fx_guest(&x, 1, BALLAST_DATA_DIR "/" BALLAST_KEY_STATE,
			   "unloading") == 0);
	CU_ASSERT(fx_guest(&x, 1, SEQ_REL, "26") == 0);
	fx_run(&x, 1, 1000);
	CU_ASSERT_EQUAL(fake_maxmem_kib(x.f, 1), 1536 * MIB + 1024);
	CU_ASSERT(fx_dom_u64(&x, 1, UNCOOP_REL) == 0);
	fx_teardown(&x);
}

/*
 * A domain libxl is still building (paused, with a claim) is counted but
 * never steered: no target, no maxmem. Once it runs, it is.
 */
static void test_domain_being_built(void)
{
	struct fx x;
	unsigned int maxmem_calls;

	CU_ASSERT_FATAL(fx_setup(&x, 4 * GIB, "[domain st]\nstock-balloon = yes\nmax = 256M\n",
				 false) == 0);
	CU_ASSERT_FATAL(fake_add_domain(x.f, 4, "st", 384 * MIB, 384 * MIB,
					FAKE_BALLOON_STOCK, 64 * MIB) == 0);
	fake_set_building(x.f, 4, true);
	maxmem_calls = fake_maxmem_calls(x.f);
	fx_run(&x, 5, 1000);
	CU_ASSERT_EQUAL(fake_maxmem_calls(x.f), maxmem_calls);
	CU_ASSERT_EQUAL(fake_maxmem_kib(x.f, 4), 384 * MIB);
	CU_ASSERT_EQUAL(fx_dom_u64(&x, 4, BALLAST_STOCK_TARGET), 384 * MIB);
	CU_ASSERT(fx_logged(&x, "st (4): joined, stock"));
	CU_ASSERT(fx_logged(&x, "being built"));

	fake_set_building(x.f, 4, false);
	fx_run(&x, 3, 1000);
	CU_ASSERT(fx_logged(&x, "st (4): running: steered from now on"));
	CU_ASSERT(fake_maxmem_calls(x.f) > maxmem_calls);
	CU_ASSERT_EQUAL(fx_dom_u64(&x, 4, BALLAST_STOCK_TARGET), 256 * MIB);
	CU_ASSERT_EQUAL(fake_maxmem_kib(x.f, 4), 256 * MIB + 1024);
	fx_teardown(&x);
}

static void test_stock_balloon(void)
{
	struct fx x;

	CU_ASSERT_FATAL(fx_setup(&x, 4 * GIB,
		"[domain s]\nstock-balloon = yes\nmax = 1G\n"
		"[domain n]\nmax = 1G\n", false) == 0);
	fake_add_domain(x.f, 1, "s", 1536 * MIB, 1536 * MIB, FAKE_BALLOON_STOCK, 512 * MIB);
	fake_add_domain(x.f, 2, "n", 1536 * MIB, 1536 * MIB, FAKE_BALLOON_STOCK, 512 * MIB);
	fx_run(&x, 3, 1000);
	/* driven through the standard key, maxmem = target + 1 MiB like libxl */
	CU_ASSERT(fx_dom_u64(&x, 1, BALLAST_STOCK_TARGET) == 1 * GIB);
	CU_ASSERT(fake_maxmem_kib(x.f, 1) == 1 * GIB + 1024);
	CU_ASSERT(fake_actual_kib(x.f, 1) == 1 * GIB);
	CU_ASSERT(fx_dom_str(&x, 1, BALLAST_CTL_DIR) == NULL);
	CU_ASSERT(fx_logged(&x, "s (1): joined, stock"));
	/* "auto" and no control/feature-balloon: no balloon, left alone, said once */
	CU_ASSERT(fx_dom_u64(&x, 2, BALLAST_STOCK_TARGET) == 1536 * MIB);
	CU_ASSERT(fake_maxmem_kib(x.f, 2) == 1536 * MIB);
	CU_ASSERT(fx_log_count(&x, "n (2): no balloon") == 1);
	/* the guest announces its balloon: now it is driven */
	CU_ASSERT(fx_guest(&x, 2, BALLAST_STOCK_FEATURE_BALLOON, "1") == 0);
	fx_run(&x, 1, 1000);
	CU_ASSERT(fx_dom_u64(&x, 2, BALLAST_STOCK_TARGET) == 1 * GIB);
	CU_ASSERT(fake_maxmem_kib(x.f, 2) == 1 * GIB + 1024);
	fx_teardown(&x);
}

static void test_restart_no_jump(void)
{
	uint64_t before, after;
	struct fx x;

	setup_one(&x, NULL);
	fx_run(&x, 2, 1000);	/* on its way up, by steps */
	before = fx_dom_u64(&x, 1, TARGET_REL);
	CU_ASSERT(before > 1 * GIB && before < 2 * GIB);
	CU_ASSERT(fx_restart(&x) == 0);	/* all daemon memory lost */
	fx_run(&x, 1, 1000);
	after = fx_dom_u64(&x, 1, TARGET_REL);
	/* resumed from xenstore: one step on, not back to actual nor a leap */
	CU_ASSERT(after >= before && after - before <= STEP_KIB);
	/* at steady state a restart writes no target at all */
	fx_run(&x, 6, 1000);
	before = fx_dom_u64(&x, 1, TARGET_REL);
	CU_ASSERT(fx_restart(&x) == 0);
	fx_log_clear(&x);
	fx_run(&x, 2, 1000);
	CU_ASSERT(fx_dom_u64(&x, 1, TARGET_REL) == before);
	CU_ASSERT(!fx_logged(&x, "target"));
	fx_teardown(&x);
}

/*
 * Issue 13: every `ballastd --once` is a new process. At steady state it
 * says nothing: a domain the previous process published is not "joined"
 * again. A domain new to it joins, and so does a domid used again by
 * another domain.
 */
static void test_new_process_quiet(void)
{
	struct fx x;

	setup_one(&x, NULL);
	fx_run(&x, 8, 1000);
	CU_ASSERT(fx_dom_u64(&x, 1, TARGET_REL) == 2 * GIB);
	CU_ASSERT(fx_restart(&x) == 0);
	fx_log_clear(&x);
	fx_run(&x, 2, 1000);
	CU_ASSERT(x.log_len == x.log_mark);
	CU_ASSERT(!fx_logged(&x, "joined"));

	CU_ASSERT(fake_add_domain(x.f, 2, "b", 512 * MIB, 1 * GIB,
				  FAKE_BALLOON_BALLAST, 512 * MIB) == 0);
	fx_report(&x, 2, 1, 512 * MIB, 300 * MIB);
	CU_ASSERT(fake_add_domain(x.f, 3, "c", 512 * MIB, 1 * GIB,
				  FAKE_BALLOON_BALLAST, 512 * MIB) == 0);
	fx_report(&x, 3, 1, 512 * MIB, 300 * MIB);
	/* what a process before left of an earlier domain 3 */
	CU_ASSERT(bio_write_str(&x.bd.env.io, BIO_TXN_NONE,
				fx_path(&x, BALLAST_AT_TOOL_DOMAIN, 3, BALLAST_KEY_STATUS,
					NULL, NULL), "{\"domid\":3,\"name\":\"old\"}") == 0);
	CU_ASSERT(fx_restart(&x) == 0);
	fx_log_clear(&x);
	fx_run(&x, 1, 1000);
	CU_ASSERT(!fx_logged(&x, "a (1): joined"));
	CU_ASSERT(fx_logged(&x, "b (2): joined"));
	CU_ASSERT(fx_logged(&x, "c (3): joined"));
	fx_teardown(&x);
}

static uint64_t status_u64(struct fx *x, uint32_t domid, const char *field)
{
	char buf[32];

	return strtoull(fx_status_field(x, domid, field, buf, sizeof(buf)),
			NULL, 10);
}

/*
 * The twin run (issue 4): one guest whose workload grows and which stalls
 * (PSI some 25 %) at first, reporting every third tick, then silent long
 * enough for its last report to go stale (after 8 s here), then stalling
 * again and reporting every fourth tick. Keep-free, so the target is the
 * demand, a step of 64 MiB as in the lab. One daemon ticks throughout; the
 * other is SIGKILLed before tick @kill_at (its memory lost, nothing
 * cleaned) and a new one started on the same xenstore.
 */
#define TWIN_TICKS	60
#define TWIN_CONFIG	"[host]\nsurplus = keep-free\nstep = 64M\nstats-stale-ms = 8000\n"

struct twin_trace {
	uint64_t target_kib[TWIN_TICKS];
	uint64_t demand_kib[TWIN_TICKS];
	uint64_t boost_pct[TWIN_TICKS];		/* as saved in xenstore */
};

static void twin_guest(struct fx *x, unsigned int i, uint64_t *seq)
{
	bool report = i < 24 ? i % 3 == 0 : i >= 40 && i % 4 == 0;
	uint64_t used = 200 * MIB + i * 12 * MIB, cur = fake_actual_kib(x->f, 1);

	if (!report)
		return;
	fx_guest(x, 1, PSI_REL, i < 9 || i >= 18 ? "2500" : "500");
	fx_report(x, 1, ++*seq, cur, cur > used ? cur - used : 0);
}

static void twin_run(unsigned int kill_at, struct twin_trace *t)
{
	uint64_t seq = 0;
	struct fx x;

	CU_ASSERT_FATAL(fx_setup(&x, 8 * GIB, TWIN_CONFIG, false) == 0);
	CU_ASSERT_FATAL(fake_add_domain(x.f, 1, "a", 512 * MIB, 4 * GIB,
					FAKE_BALLOON_BALLAST, 256 * MIB) == 0);
	for (unsigned int i = 0; i < TWIN_TICKS; i++) {
		if (i == kill_at)
			CU_ASSERT_FATAL(fx_restart(&x) == 0);
		twin_guest(&x, i, &seq);
		fx_run(&x, 1, 1000);
		t->target_kib[i] = fx_dom_u64(&x, 1, TARGET_REL);
		t->demand_kib[i] = status_u64(&x, 1, "demand_kib");
		t->boost_pct[i] = fx_u64(&x, BOOST_PATH(&x));
	}
	fx_teardown(&x);
}

/* SIGKILLed before whichever tick, the daemon decides as if it never was. */
static void test_restart_twin(void)
{
	static struct twin_trace cont, killed;
	unsigned int diverged = 0;
	bool boosted = false;

	twin_run(TWIN_TICKS, &cont);
	/* the scenario has what it is about: a boost, growth, a stale hold */
	for (unsigned int i = 0; i < TWIN_TICKS; i++)
		boosted |= cont.boost_pct[i] != UINT64_MAX && cont.boost_pct[i] > 0;
	CU_ASSERT(boosted);
	CU_ASSERT(cont.target_kib[23] > cont.target_kib[3]);
	CU_ASSERT(cont.target_kib[39] == cont.target_kib[33]);
	CU_ASSERT(cont.target_kib[TWIN_TICKS - 1] > cont.target_kib[39]);
	for (unsigned int n = 1; n < TWIN_TICKS; n++) {
		twin_run(n, &killed);
		for (unsigned int i = 0; i < TWIN_TICKS; i++) {
			if (killed.target_kib[i] == cont.target_kib[i] &&
			    killed.demand_kib[i] == cont.demand_kib[i] &&
			    killed.boost_pct[i] == cont.boost_pct[i])
				continue;
			fprintf(stderr, "\nkilled before tick %u: tick %u: target %" PRIu64
				" KiB, demand %" PRIu64 " KiB, boost %" PRIu64
				" %%; without the kill %" PRIu64 ", %" PRIu64 ", %" PRIu64,
				n, i, killed.target_kib[i], killed.demand_kib[i],
				killed.boost_pct[i], cont.target_kib[i],
				cont.demand_kib[i], cont.boost_pct[i]);
			diverged++;
			break;
		}
	}
	CU_ASSERT_EQUAL(diverged, 0);
}

/*
 * A report the guest stopped repeating goes stale (stats-stale-ms, 30 s
 * here; 180 s by default) and the target holds. Killed then, the next daemon finds the same seq in
 * xenstore: still the old report, still stale, still held; until the guest
 * reports again, which counts as new.
 */
static void test_restart_keeps_report_age(void)
{
	uint64_t target, received;
	struct fx x;

	/* a boost of 5 % per tick is still growing when the report goes stale */
	CU_ASSERT_FATAL(fx_setup(&x, 8 * GIB, "[host]\nsurplus = keep-free\n"
				 "psi-boost-pct = 5\nstats-stale-ms = 30000\n",
				 false) == 0);
	CU_ASSERT_FATAL(fake_add_domain(x.f, 1, "a", 1 * GIB, 4 * GIB,
					FAKE_BALLOON_BALLAST, 256 * MIB) == 0);
	fx_guest(&x, 1, PSI_REL, "2500");	/* stalling: the boost grows while fresh */
	fx_report(&x, 1, 1, 1 * GIB, 600 * MIB);
	received = x.bd.env.io.ops->now_ms(x.bd.env.io.ctx);
	fx_run(&x, 1, 1000);
	CU_ASSERT_EQUAL(fx_u64(&x, RSEQ_PATH(&x)), 1);
	CU_ASSERT_EQUAL(fx_u64(&x, RMS_PATH(&x)), received);
	CU_ASSERT_EQUAL(fx_u64(&x, BOOST_PATH(&x)), 5);
	fx_run(&x, 34, 1000);			/* 35 s old: stale for 4 ticks */
	target = fx_dom_u64(&x, 1, TARGET_REL);
	CU_ASSERT_EQUAL(status_u64(&x, 1, "demand_kib"), target);
	CU_ASSERT_EQUAL(fx_u64(&x, BOOST_PATH(&x)), 5 * 31);

	CU_ASSERT(fx_restart(&x) == 0);
	fx_log_clear(&x);
	fx_run(&x, 3, 1000);
	CU_ASSERT_EQUAL(fx_dom_u64(&x, 1, TARGET_REL), target);
	CU_ASSERT_EQUAL(status_u64(&x, 1, "demand_kib"), target);
	CU_ASSERT(!fx_logged(&x, "target"));
	CU_ASSERT_EQUAL(fx_u64(&x, RMS_PATH(&x)), received);	/* not taken again */
	CU_ASSERT_EQUAL(fx_u64(&x, BOOST_PATH(&x)), 5 * 31);

	/* the guest reports again, no longer stalling: a new report, used */
	fx_guest(&x, 1, PSI_REL, "0");
	fx_report(&x, 1, 2, fake_actual_kib(x.f, 1), 2 * GIB);
	fx_run(&x, 1, 1000);
	CU_ASSERT_EQUAL(fx_u64(&x, RSEQ_PATH(&x)), 2);
	CU_ASSERT_EQUAL(fx_u64(&x, RMS_PATH(&x)), received + 38 * 1000);
	CU_ASSERT_EQUAL(fx_u64(&x, BOOST_PATH(&x)), 5 * 31 / 2);	/* no stall: halved */
	CU_ASSERT(fx_dom_u64(&x, 1, TARGET_REL) < target);
	fx_teardown(&x);
}

/* Saved state is dom0's own, and still never trusted blindly. */
static void test_restart_saved_garbage(void)
{
	static const struct {
		const char *boost, *seq, *received;
		unsigned int lines;	/* warnings expected */
		const char *says;	/* one of them */
	} cases[] = {
		{ "lots", "-1", "0123", 3, "saved report-received ignored: leading zero" },
		{ "201", "1", NULL, 2, "saved report-seq without report-received: ignored" },
		{ NULL, "1", "99999999", 1, "saved report-received ignored: in the future" },
		{ "", "9223372036854775808", "1000", 2, "saved boost ignored: empty" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fx x;

		setup_one(&x, "[host]\nsurplus = keep-free\n");
		fx_run(&x, 1, 1000);	/* report 1 used at 1000 */
		fx_run(&x, 40, 1000);	/* and stale by now */
		if (cases[i].boost)
			CU_ASSERT(bio_write_str(&x.bd.env.io, BIO_TXN_NONE, BOOST_PATH(&x),
						cases[i].boost) == 0);
		x.bd.env.io.ops->rm(x.bd.env.io.ctx, BIO_TXN_NONE, RMS_PATH(&x));
		CU_ASSERT(bio_write_str(&x.bd.env.io, BIO_TXN_NONE, RSEQ_PATH(&x),
					cases[i].seq) == 0);
		if (cases[i].received)
			CU_ASSERT(bio_write_str(&x.bd.env.io, BIO_TXN_NONE, RMS_PATH(&x),
						cases[i].received) == 0);
		CU_ASSERT(fx_restart(&x) == 0);
		fx_log_clear(&x);
		fx_run(&x, 1, 1000);
		if (fx_log_count(&x, "a (1): saved ") != cases[i].lines)
			fprintf(stderr, "\ncase %zu: %u lines", i,
				fx_log_count(&x, "a (1): saved "));
		CU_ASSERT_EQUAL(fx_log_count(&x, "a (1): saved "), cases[i].lines);
		CU_ASSERT(fx_logged(&x, cases[i].says));
		/* no pair to trust: the report counts as new, and is fresh */
		CU_ASSERT_EQUAL(status_u64(&x, 1, "demand_kib"),
				(1 * GIB - 800 * MIB) + 64 * MIB);
		/* and what is saved is made right again */
		CU_ASSERT_EQUAL(fx_u64(&x, BOOST_PATH(&x)), 0);
		CU_ASSERT_EQUAL(fx_u64(&x, RSEQ_PATH(&x)), 1);
		CU_ASSERT_EQUAL(fx_u64(&x, RMS_PATH(&x)), 1000 + 41 * 1000);
		fx_run(&x, 2, 1000);
		CU_ASSERT_EQUAL(fx_log_count(&x, "a (1): saved "), cases[i].lines);
		fx_teardown(&x);
	}
}

/* State left by domains that went while no daemon ran is removed at start. */
static void test_restart_removes_orphans(void)
{
	struct fx x;

	setup_one(&x, NULL);
	fx_run(&x, 1, 1000);
	CU_ASSERT(bio_write_str(&x.bd.env.io, BIO_TXN_NONE,
				fx_path(&x, BALLAST_AT_TOOL_DOMAIN, 7,
					BALLAST_KEY_BOOST, NULL, NULL), "150") == 0);
	CU_ASSERT(fx_restart(&x) == 0);
	fx_run(&x, 1, 1000);
	CU_ASSERT(fake_value(x.f, fx_path(&x, BALLAST_AT_TOOL_DOMAIN, 7,
					  NULL, NULL, NULL)) == NULL);
	CU_ASSERT(fx_logged(&x, "domain 7 went while ballastd was not running"));
	CU_ASSERT_EQUAL(fx_u64(&x, RSEQ_PATH(&x)), 1);
	fx_teardown(&x);
}

struct garbage {
	const char *key;
	const char *value;
	enum ballast_verdict verdict;
	const char *good;	/* put back afterwards */
};

/*
 * A guest's reported floor reaches the policy: under keep-free, an idle guest
 * shrinks to its min (256 MiB), or to its floor when it reports one.
 */
static void test_reported_floor(void)
{
	char buf[64];
	struct fx x;

	setup_one(&x, "[host]\nsurplus = keep-free\n");
	CU_ASSERT_FATAL(fake_add_domain(x.f, 2, "b", 1 * GIB, 2 * GIB,
					FAKE_BALLOON_BALLAST, 512 * MIB) == 0);
	fx_report(&x, 1, 1, 1 * GIB, 1000 * MIB);
	fx_report(&x, 2, 1, 1 * GIB, 1000 * MIB);
	CU_ASSERT(fx_guest(&x, 2, BALLAST_DATA_DIR "/" BALLAST_KEY_FLOOR,
			   "327680") == 0);
	fx_report(&x, 2, 2, 1 * GIB, 1000 * MIB);
	fx_run(&x, 10, 1000);
	CU_ASSERT_EQUAL(fx_dom_u64(&x, 1, TARGET_REL), 256 * MIB);
	CU_ASSERT_EQUAL(fx_dom_u64(&x, 2, TARGET_REL), 320 * MIB);
	CU_ASSERT_STRING_EQUAL(fx_status_field(&x, 2, "bound", buf, sizeof(buf)),
			       "floor");
	/* a hostile floor is refused like any other value */
	CU_ASSERT(fx_guest(&x, 2, BALLAST_DATA_DIR "/" BALLAST_KEY_FLOOR,
			   "-5") == 0);
	fx_report(&x, 2, 3, 1 * GIB, 1000 * MIB);
	fx_run(&x, 1, 1000);
	CU_ASSERT(fx_logged(&x, "floor"));
	fx_teardown(&x);
}

static void test_garbage_refused(void)
{
	static const struct garbage cases[] = {
		{ BALLAST_KEY_CURRENT, "", BALLAST_E_EMPTY, NULL },
		{ BALLAST_KEY_CURRENT, "123456789012345678901", BALLAST_E_TOO_LONG, NULL },
		{ BALLAST_KEY_CURRENT, "-5", BALLAST_E_SIGN, NULL },
		{ BALLAST_KEY_CURRENT, "+5", BALLAST_E_SIGN, NULL },
		{ BALLAST_KEY_MEM_AVAILABLE, "12a", BALLAST_E_NOT_NUMBER, NULL },
		{ BALLAST_KEY_MEM_AVAILABLE, "1 ", BALLAST_E_NOT_NUMBER, NULL },
		{ BALLAST_KEY_MEM_AVAILABLE, "0123", BALLAST_E_LEADING_ZERO, NULL },
		{ BALLAST_KEY_MEM_AVAILABLE, "99999999999999999999", BALLAST_E_OVERFLOW, NULL },
		{ BALLAST_KEY_CURRENT, "17179869185", BALLAST_E_ABOVE_MAX, NULL },
		{ BALLAST_KEY_PSI_SOME_AVG10, "10001", BALLAST_E_ABOVE_MAX, "0" },
		{ BALLAST_KEY_OOM_KILLS, "x", BALLAST_E_NOT_NUMBER, "0" },
		{ BALLAST_KEY_STATE, "exploding", BALLAST_E_UNKNOWN_WORD, NULL },
		{ BALLAST_KEY_FRONTEND, "rootkit", BALLAST_E_UNKNOWN_WORD, NULL },
		{ BALLAST_KEY_PROTOCOL, "0", BALLAST_E_BELOW_MIN, NULL },
		/* in the schema's range, but a protocol this ballastd does not know */
		{ BALLAST_KEY_PROTOCOL, "2", BALLAST_E_ABOVE_MAX, "1" },
		{ BALLAST_KEY_SEQ, "0", BALLAST_E_BELOW_MIN, NULL },
	};
	uint64_t seq = 10, target;
	char rel[96], buf[128];
	struct fx x;

	setup_one(&x, "[host]\nsurplus = keep-free\n");
	fx_report(&x, 1, seq, 1 * GIB, 800 * MIB);
	fx_run(&x, 3, 1000);
	target = fx_dom_u64(&x, 1, TARGET_REL);
	fx_log_clear(&x);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct garbage *g = &cases[i];
		uint64_t refused = x.bd.doms.d[0].guest.refused_reports;
		char seqbuf[24];

		fx_report(&x, 1, ++seq, 1 * GIB, 800 * MIB);	/* all good... */
		fx_guest(&x, 1, fx_path(&x, BALLAST_AT_HOME, 0, BALLAST_DATA_DIR,
					g->key, NULL), g->value);	/* ...but one */
		if (strcmp(g->key, BALLAST_KEY_SEQ)) {
			snprintf(seqbuf, sizeof(seqbuf), "%" PRIu64, ++seq);
			fx_guest(&x, 1, SEQ_REL, seqbuf);
		}
		fx_run(&x, 1, 1000);
		CU_ASSERT(x.bd.doms.d[0].guest.refused_reports == refused + 1);
		snprintf(rel, sizeof(rel), "%s: %s", g->key, ballast_verdict_str(g->verdict));
		fx_status_field(&x, 1, "last_refusal", buf, sizeof(buf));
		if (strcmp(buf, rel))
			fprintf(stderr, "case %zu: got '%s' want '%s'\n", i, buf, rel);
		CU_ASSERT_STRING_EQUAL(buf, rel);
		/* nothing the guest said moved its target or its kind */
		CU_ASSERT(fx_dom_u64(&x, 1, TARGET_REL) == target);
		CU_ASSERT(x.bd.doms.d[0].sub.frontend == BSCHED_FE_DRIVER);
		if (g->good)
			fx_guest(&x, 1, fx_path(&x, BALLAST_AT_HOME, 0, BALLAST_DATA_DIR,
						g->key, NULL), g->good);
	}
	/* a stale sequence number: an old report replayed */
	fx_report(&x, 1, 5, 1 * GIB, 800 * MIB);
	fx_run(&x, 1, 1000);
	fx_status_field(&x, 1, "last_refusal", buf, sizeof(buf));
	snprintf(rel, sizeof(rel), "%s: %s", BALLAST_KEY_SEQ,
		 ballast_verdict_str(BALLAST_E_STALE_SEQ));
	CU_ASSERT_STRING_EQUAL(buf, rel);
	/* logged, but within the guest's budget of lines for the minute */
	CU_ASSERT(fx_log_count(&x, "a (1): refused guest value") >= 1);
	CU_ASSERT(fx_log_count(&x, "a (1): ") <= BD_GUEST_LINES);
	/* a good report is taken again */
	fx_report(&x, 1, ++seq, 1 * GIB, 800 * MIB);
	fx_run(&x, 1, 1000);
	CU_ASSERT(x.bd.doms.d[0].guest.last_seq == seq);
	fx_teardown(&x);
}

static void test_flood_rate_limited(void)
{
	uint64_t seq = 1, ticks;
	char buf[32];
	struct fx x;

	setup_one(&x, NULL);
	fx_run(&x, 1, 1000);
	fx_log_clear(&x);
	/* reports of many keys, four a second, are no flood (24 key writes) */
	for (unsigned int i = 0; i < 6; i++) {
		for (unsigned int r = 0; r < 4; r++)
			fx_report(&x, 1, ++seq, 1 * GIB, 800 * MIB);
		fx_run(&x, 1, 1000);
	}
	CU_ASSERT(x.bd.doms.d[0].guest.flood_refused == 0);
	CU_ASSERT(x.bd.doms.d[0].guest.last_seq == seq);
	ticks = x.bd.env.count.ticks;
	for (unsigned int s = 0; s < 4; s++) {
		for (unsigned int i = 0; i < 100; i++) {
			char v[24];

			snprintf(v, sizeof(v), "%" PRIu64, ++seq);
			fx_guest(&x, 1, SEQ_REL, v);
		}
		bd_handle_events(&x.bd);
		/* guest writes never make the daemon tick more often */
		CU_ASSERT(!x.bd.tick_due);
		fx_run(&x, 1, 1000);
	}
	CU_ASSERT(x.bd.env.count.ticks == ticks + 4);
	CU_ASSERT(x.bd.doms.d[0].guest.flood_refused == 4);
	CU_ASSERT_STRING_EQUAL(fx_status_field(&x, 1, "flooding", buf, sizeof(buf)), "true");
	CU_ASSERT(fx_log_count(&x, "flooding") >= 1);
	CU_ASSERT(fx_log_count(&x, "a (1): ") <= BD_GUEST_LINES);
	/* quiet again: two windows later its next report counts */
	fx_run(&x, 2, 1000);
	fx_report(&x, 1, ++seq, 1 * GIB, 800 * MIB);
	fx_run(&x, 1, 1000);
	CU_ASSERT(x.bd.doms.d[0].guest.last_seq == seq);
	CU_ASSERT(!x.bd.doms.d[0].guest.flooding);
	/* scribbling on any other key floods just the same */
	for (unsigned int i = 0; i < 2000; i++)
		fx_guest(&x, 1, BALLAST_DATA_DIR "/" BALLAST_KEY_MEM_AVAILABLE, "819200");
	bd_handle_events(&x.bd);
	CU_ASSERT(x.bd.doms.d[0].guest.flooding);
	fx_teardown(&x);
}

static void test_eagain_retried_then_given_up(void)
{
	struct fx x;

	setup_one(&x, NULL);
	fake_inject_eagain(x.f, 3);
	fx_run(&x, 1, 1000);
	CU_ASSERT(fx_dom_u64(&x, 1, TARGET_REL) != UINT64_MAX);
	CU_ASSERT(x.bd.env.count.xs_retries == 3);
	CU_ASSERT(fx_logged(&x, "committed after 4 tries"));

	fake_inject_eagain(x.f, 1000);
	CU_ASSERT(fake_add_domain(x.f, 2, "b", 512 * MIB, 1 * GIB,
				  FAKE_BALLOON_BALLAST, 512 * MIB) == 0);
	fx_report(&x, 2, 1, 512 * MIB, 300 * MIB);
	fx_run(&x, 1, 1000);
	CU_ASSERT(fx_dom_u64(&x, 2, TARGET_REL) == UINT64_MAX);
	CU_ASSERT(x.bd.env.count.xs_giveups >= 1);
	CU_ASSERT(fx_logged(&x, "gave up after 16 tries"));
	fake_inject_eagain(x.f, 0);
	fx_run(&x, 1, 1000);
	CU_ASSERT(fx_dom_u64(&x, 2, TARGET_REL) != UINT64_MAX);
	fx_teardown(&x);
}

/* A failure that repeats every tick is said once a minute, not every tick. */
static void test_repeated_failure_logged_once(void)
{
	struct fx x;

	CU_ASSERT_FATAL(fx_setup(&x, 4 * GIB, "[domain s]\nstock-balloon = yes\nmax = 1G\n",
				 false) == 0);
	fake_add_domain(x.f, 1, "s", 1536 * MIB, 1536 * MIB, FAKE_BALLOON_STOCK, 512 * MIB);
	fake_inject_failure(x.f, FAKE_OP_MAXMEM, -EPERM, 40);
	fx_run(&x, 40, 1000);
	/* retried every tick (the 39 held back below), said once */
	CU_ASSERT(fx_log_count(&x, "s (1): setting maxmem") == 1);
	CU_ASSERT(fx_logged(&x, "Operation not permitted"));
	CU_ASSERT(fake_maxmem_kib(x.f, 1) == 1536 * MIB);
	/* the 41st call works: said once, with what was held back */
	fx_run(&x, 1, 1000);
	CU_ASSERT(fake_maxmem_kib(x.f, 1) == 1 * GIB + 1024);
	CU_ASSERT(fx_log_count(&x, "s (1): maxmem: working again (failures not logged: 39)") == 1);
	/* failing for over a minute: a second line that counts the repeats */
	fx_log_clear(&x);
	fake_inject_failure(x.f, FAKE_OP_WRITE, -EIO, 1000);
	CU_ASSERT_FATAL(fx_write_config(&x, "[domain s]\nstock-balloon = yes\nmax = 768M\n") == 0);
	CU_ASSERT(bd_reload(&x.bd) == 0);
	fx_run(&x, 70, 1000);
	CU_ASSERT(fx_log_count(&x, "s (1): xenstore write failed") == 2);
	CU_ASSERT(fx_logged(&x, "(repeats since the last line: "));
	fx_teardown(&x);
}

static void test_vanish_mid_transaction(void)
{
	struct fx x;

	setup_one(&x, NULL);
	fake_add_domain(x.f, 2, "b", 512 * MIB, 1 * GIB, FAKE_BALLOON_BALLAST, 512 * MIB);
	fx_report(&x, 2, 1, 512 * MIB, 300 * MIB);
	fake_vanish_at_txn(x.f, 1, 1);	/* gone while its first write is open */
	fx_run(&x, 1, 1000);
	CU_ASSERT(fake_value(x.f, fx_path(&x, BALLAST_AT_DOMAIN, 1,
					  NULL, NULL, NULL)) == NULL);
	CU_ASSERT(fx_dom_str(&x, 1, TARGET_REL) == NULL);	/* not resurrected */
	CU_ASSERT(x.bd.env.count.vanished >= 1);
	CU_ASSERT(!fx_logged(&x, "failed"));
	CU_ASSERT(fx_dom_u64(&x, 2, TARGET_REL) != UINT64_MAX);	/* others go on */
	fx_run(&x, 1, 1000);
	CU_ASSERT(fx_logged(&x, "a (1): left"));
	CU_ASSERT(x.bd.doms.n == 1);
	fx_teardown(&x);
}

/*
 * Nothing that steers anything is written: no target, no maxmem, no saved
 * state. Only the daemon's own status, which says it is a dry run.
 */
static void test_dry_run_writes_nothing(void)
{
	char line[BALLAST_PATH_MAX + 32];
	const char *status;
	struct fx x;

	CU_ASSERT_FATAL(fx_setup(&x, 4 * GIB, "[domain s]\nstock-balloon = yes\nmax = 1G\n",
				 true) == 0);
	fake_add_domain(x.f, 1, "a", 1 * GIB, 2 * GIB, FAKE_BALLOON_BALLAST, 512 * MIB);
	fx_report(&x, 1, 1, 1 * GIB, 800 * MIB);
	fake_add_domain(x.f, 2, "s", 1536 * MIB, 1536 * MIB, FAKE_BALLOON_STOCK, 512 * MIB);
	fx_run(&x, 3, 1000);
	CU_ASSERT(fake_writes(x.f) == 1);	/* the daemon's status, once */
	CU_ASSERT(fake_maxmem_calls(x.f) == 0);
	CU_ASSERT(fx_dom_str(&x, 1, BALLAST_CTL_DIR) == NULL);
	CU_ASSERT(fx_dom_u64(&x, 2, BALLAST_STOCK_TARGET) == 1536 * MIB);
	CU_ASSERT(fake_value(x.f, fx_path(&x, BALLAST_AT_TOOL, 0, BALLAST_TOOL_DOMAIN,
					  NULL, NULL)) == NULL);
	status = fake_value(x.f, fx_path(&x, BALLAST_AT_TOOL, 0, BALLAST_KEY_STATUS,
					 NULL, NULL));
	CU_ASSERT(status && strstr(status, "\"" SJ_DRY_RUN "\":true"));
	snprintf(line, sizeof(line), "dry-run: write %s = ",
		 fx_path(&x, BALLAST_AT_TOOL_DOMAIN, 1, BALLAST_KEY_BOOST, NULL, NULL));
	CU_ASSERT(fx_dry_has(&x, line));	/* said, not done */
	snprintf(line, sizeof(line), "dry-run: write %s = ",
		 fx_path(&x, BALLAST_AT_DOMAIN, 1, TARGET_REL, NULL, NULL));
	CU_ASSERT(fx_dry_has(&x, line));
	snprintf(line, sizeof(line), "dry-run: write %s = 1048576",
		 fx_path(&x, BALLAST_AT_DOMAIN, 2, BALLAST_STOCK_TARGET, NULL, NULL));
	CU_ASSERT(fx_dry_has(&x, line));
	CU_ASSERT(fx_dry_has(&x, "dry-run: maxmem 2 = 1049600 KiB"));
	fx_teardown(&x);
}

static void test_overrides_and_metrics(void)
{
	char cfg[256], path[64], *text = NULL;
	size_t len = 0;
	FILE *f;
	struct fx x;

	snprintf(path, sizeof(path), "/tmp/ballast-metrics-%d", (int)getpid());
	snprintf(cfg, sizeof(cfg), "[host]\nmetrics-file = %s\n", path);
	setup_one(&x, cfg);
	/* ballastctl set a max=1200M (dom0-only key): the daemon obeys */
	CU_ASSERT(bio_write_str(&x.bd.env.io, BIO_TXN_NONE,
				fx_path(&x, BALLAST_AT_TOOL, 0, BALLAST_TOOL_POLICY,
					"a", BALLAST_KEY_MAX), "1228800") == 0);
	/* an invalid override is ignored, never obeyed */
	CU_ASSERT(bio_write_str(&x.bd.env.io, BIO_TXN_NONE,
				fx_path(&x, BALLAST_AT_TOOL, 0, BALLAST_TOOL_POLICY,
					"a", BALLAST_KEY_MIN), "lots") == 0);
	fx_run(&x, 6, 1000);
	CU_ASSERT(fx_dom_u64(&x, 1, TARGET_REL) == 1228800);
	CU_ASSERT(x.bd.doms.d[0].sub.min_kib == x.bd.env.cfg.default_min_kib);
	f = fopen(path, "r");
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT(getdelim(&text, &len, '\0', f) > 0);
	fclose(f);
	CU_ASSERT(text && strstr(text, "ballast_domain_target_bytes{domid=\"1\",name=\"a\"} 1258291200\n"));
	CU_ASSERT(text && strstr(text, "\nballast_dry_run 0\n"));
	free(text);
	unlink(path);
	fx_teardown(&x);
}

/*
 * Issue 14, defect 4: a failed read of a domain's name (not "not found")
 * leaves it alone for the tick: not forgotten, its restart state kept. A
 * domain listed before its name exists says nothing until it joins.
 */
static void test_unreadable_name_is_not_gone(void)
{
	char path[BALLAST_PATH_MAX], state[BALLAST_PATH_MAX];
	struct fx x;

	setup_one(&x, NULL);
	snprintf(state, sizeof(state), "%s",
		 fx_path(&x, BALLAST_AT_TOOL_DOMAIN, 1, NULL, NULL, NULL));
	fx_run(&x, 2, 1000);
	CU_ASSERT_FATAL(fake_value(x.f, state) != NULL);
	fake_inject_failure(x.f, FAKE_OP_READ, -EIO, 1);
	fx_run(&x, 1, 1000);
	CU_ASSERT_FALSE(fx_logged(&x, "a (1): left"));
	CU_ASSERT(fx_logged(&x, "a (1): unreadable, left alone this tick"));
	CU_ASSERT(fake_value(x.f, state) != NULL);
	CU_ASSERT_EQUAL(x.bd.doms.n, 1);
	fx_run(&x, 1, 1000);
	CU_ASSERT_EQUAL(fx_log_count(&x, "a (1): joined"), 1);

	/* domain 2 has no name yet: nothing is said, every tick */
	CU_ASSERT_FATAL(fake_add_domain(x.f, 2, "b", 512 * MIB, 1 * GIB,
					FAKE_BALLOON_BALLAST, 512 * MIB) == 0);
	snprintf(path, sizeof(path), "%s",
		 fx_path(&x, BALLAST_AT_DOMAIN, 2, BALLAST_STOCK_NAME, NULL, NULL));
	CU_ASSERT_FATAL(x.bd.env.io.ops->rm(x.f, BIO_TXN_NONE, path) == 0);
	fx_run(&x, 3, 1000);
	CU_ASSERT_FALSE(fx_logged(&x, "(2): left"));
	CU_ASSERT_FALSE(fx_logged(&x, "(2): joined"));
	CU_ASSERT(x.bd.env.io.ops->write(x.f, BIO_TXN_NONE, path, "b", 1) == 0);
	fx_run(&x, 1, 1000);
	CU_ASSERT_EQUAL(fx_log_count(&x, "b (2): joined"), 1);
	fx_teardown(&x);
}

/*
 * Issue 14, defect 5: a guest moving its target every tick with valid
 * reports, and one whose writes conflict with every commit, cause at most
 * the guest's budget of lines a minute; a target not committed is not said.
 */
static void test_guest_lines_budgeted(void)
{
	uint64_t seq = 1;
	struct fx x;

	setup_one(&x, "[host]\nsurplus = keep-free\ndeadband = 1M\nstep = 32M\n");
	fx_run(&x, 2, 1000);
	fx_log_clear(&x);
	for (unsigned int i = 0; i < 50; i++) {
		fx_report(&x, 1, ++seq, fake_actual_kib(x.f, 1),
			  i % 2 ? 900 * MIB : 100 * MIB);
		fx_run(&x, 1, 1000);
	}
	CU_ASSERT(fx_log_count(&x, "a (1): ") <= BD_GUEST_LINES);
	CU_ASSERT(fx_logged(&x, "a (1): target"));

	/* every commit conflicts: nothing is committed, nothing is said */
	fx_run(&x, 15, 1000);		/* a new minute */
	fx_log_clear(&x);
	fake_inject_eagain(x.f, 1000);
	for (unsigned int i = 0; i < 4; i++) {
		fx_report(&x, 1, ++seq, fake_actual_kib(x.f, 1),
			  i % 2 ? 900 * MIB : 100 * MIB);
		fx_run(&x, 1, 1000);
	}
	CU_ASSERT_FALSE(fx_logged(&x, "a (1): target"));
	CU_ASSERT(fx_log_count(&x, "gave up") == 1);
	fx_teardown(&x);
}

/*
 * Issue 14: a domain smaller than the default min has its min clamped to
 * its max and is steered; the others are steered whatever one domain is.
 */
static void test_small_domain_steered(void)
{
	struct fx x;

	setup_one(&x, NULL);
	CU_ASSERT_FATAL(fake_add_domain(x.f, 2, "tiny", 128 * MIB, 128 * MIB,
					FAKE_BALLOON_BALLAST, 64 * MIB) == 0);
	fx_report(&x, 2, 1, 128 * MIB, 100 * MIB);
	fx_run(&x, 3, 1000);
	CU_ASSERT_EQUAL(fx_dom_u64(&x, 2, TARGET_REL), 128 * MIB);
	CU_ASSERT(fx_dom_u64(&x, 1, TARGET_REL) != UINT64_MAX);
	CU_ASSERT_FALSE(fx_logged(&x, "inconsistent"));
	CU_ASSERT_FALSE(fx_logged(&x, "tick failed"));
	fx_teardown(&x);
}

/*
 * memory/ballast gets n0 r<id> even where its parent is the guest's (a new
 * node inherits its parent's permissions): the guest can never own it.
 */
static void test_ctl_perms_under_guest_owned_parent(void)
{
	const struct bio_perm guest_owned[1] = { { 1, BIO_PERM_NONE } };
	struct bio_perm perms[BIO_PERMS_MAX];
	unsigned int n = BIO_PERMS_MAX;
	char path[BALLAST_PATH_MAX];
	struct fx x;

	CU_ASSERT_FATAL(fx_setup(&x, 4 * GIB, NULL, false) == 0);
	CU_ASSERT_FATAL(fake_add_domain(x.f, 1, "a", 1 * GIB, 2 * GIB,
					FAKE_BALLOON_BALLAST, 512 * MIB) == 0);
	snprintf(path, sizeof(path), "%s",
		 fx_path(&x, BALLAST_AT_DOMAIN, 1, "memory", NULL, NULL));
	CU_ASSERT_FATAL(x.bd.env.io.ops->set_perms(x.f, BIO_TXN_NONE, path,
						   guest_owned, 1) == 0);
	fx_report(&x, 1, 1, 1 * GIB, 800 * MIB);
	fx_run(&x, 2, 1000);
	snprintf(path, sizeof(path), "%s",
		 fx_path(&x, BALLAST_AT_DOMAIN, 1, BALLAST_CTL_DIR, NULL, NULL));
	CU_ASSERT(x.bd.env.io.ops->get_perms(x.f, BIO_TXN_NONE, path, perms, &n) == 0);
	CU_ASSERT(n == 2 && perms[0].domid == 0 && perms[0].access == BIO_PERM_NONE &&
		  perms[1].domid == 1 && perms[1].access == BIO_PERM_READ);
	CU_ASSERT(fx_guest(&x, 1, TARGET_REL, "999999999") == -EACCES);
	CU_ASSERT(fx_guest(&x, 1, BALLAST_CTL_DIR "/new", "1") == -EACCES);
	/* what the guest creates in its own corner it owns, as in xenstored */
	CU_ASSERT(fx_guest(&x, 1, BALLAST_DATA_DIR "/x/y", "1") == 0);
	n = BIO_PERMS_MAX;
	snprintf(path, sizeof(path), "%s",
		 fx_path(&x, BALLAST_AT_DOMAIN, 1, BALLAST_DATA_DIR, "x", NULL));
	CU_ASSERT(x.bd.env.io.ops->get_perms(x.f, BIO_TXN_NONE, path, perms, &n) == 0);
	CU_ASSERT(n >= 1 && perms[0].domid == 1);
	fx_teardown(&x);
}

/* The guest writes a new report while the daemon reads the old one. */
struct rewrite {
	struct fx *x;
	uint64_t seq;
	bool done;
};

static void rewrite_on_read(struct fake *f, const char *path, void *arg)
{
	struct rewrite *rw = arg;
	char seq[24];

	if (rw->done || !strstr(path, "/" BALLAST_KEY_CURRENT))
		return;
	rw->done = true;
	snprintf(seq, sizeof(seq), "%" PRIu64, rw->seq);
	fake_guest_write(f, 1, fx_path(rw->x, BALLAST_AT_DOMAIN, 1, BALLAST_DATA_DIR,
				       BALLAST_KEY_MEM_AVAILABLE, NULL), "102400");
	fake_guest_write(f, 1, fx_path(rw->x, BALLAST_AT_DOMAIN, 1, SEQ_REL, NULL, NULL),
			 seq);
}

/* A report rewritten while it is read is not taken; the next tick takes
 * the new one whole. */
static void test_report_rewritten_while_read(void)
{
	struct rewrite rw;
	struct fx x;

	setup_one(&x, NULL);
	fx_run(&x, 2, 1000);
	CU_ASSERT_FATAL(x.bd.doms.d[0].guest.last_seq == 1);
	rw = (struct rewrite){ .x = &x, .seq = 3 };
	fx_report(&x, 1, 2, 1 * GIB, 900 * MIB);
	fake_on_read(x.f, rewrite_on_read, &rw);
	fx_run(&x, 1, 1000);
	fake_on_read(x.f, NULL, NULL);
	CU_ASSERT(rw.done);
	CU_ASSERT_EQUAL(x.bd.doms.d[0].guest.last_seq, 1);
	CU_ASSERT_EQUAL(x.bd.doms.d[0].guest.stats.mem_available_kib, 800 * MIB);
	fx_run(&x, 1, 1000);
	CU_ASSERT_EQUAL(x.bd.doms.d[0].guest.last_seq, 3);
	CU_ASSERT_EQUAL(x.bd.doms.d[0].guest.stats.mem_available_kib, 100 * MIB);
	fx_teardown(&x);
}

/*
 * The flood limit's exact boundary: flood-limit updates per second since
 * the report last taken are allowed, one more is a flood.
 */
static void test_flood_boundary(void)
{
	uint64_t seq = 2, limit;
	struct fx x;

	setup_one(&x, NULL);
	limit = x.bd.env.cfg.flood_limit;
	fx_run(&x, 1, 1000);
	fx_report(&x, 1, seq, 1 * GIB, 800 * MIB);
	fx_run(&x, 1, 1000);		/* taken; a second passes */
	CU_ASSERT_FATAL(x.bd.doms.d[0].guest.last_seq == seq);
	seq += 2 * limit;		/* a second and the one it is in */
	fx_report(&x, 1, seq, 1 * GIB, 800 * MIB);
	fx_run(&x, 1, 1000);
	CU_ASSERT_EQUAL(x.bd.doms.d[0].guest.flood_refused, 0);
	CU_ASSERT_EQUAL(x.bd.doms.d[0].guest.last_seq, seq);
	seq += 2 * limit + 1;
	fx_report(&x, 1, seq, 1 * GIB, 800 * MIB);
	fx_run(&x, 1, 1000);
	CU_ASSERT_EQUAL(x.bd.doms.d[0].guest.flood_refused, 1);
	fx_teardown(&x);
}

/* A name too long to keep is not matched to the [domain] of its prefix. */
static void test_long_name_not_matched(void)
{
	char name[2][80], conf[200];
	struct fx x;

	memset(name[0], 'n', 63);
	name[0][63] = '\0';
	memcpy(name[1], name[0], 63);
	memcpy(name[1] + 63, "x", 2);
	snprintf(conf, sizeof(conf), "[domain %s]\nmax = 1G\n", name[0]);
	CU_ASSERT_FATAL(fx_setup(&x, 8 * GIB, conf, false) == 0);
	CU_ASSERT_FATAL(fake_add_domain(x.f, 1, name[0], 1536 * MIB, 2 * GIB,
					FAKE_BALLOON_BALLAST, 512 * MIB) == 0);
	CU_ASSERT_FATAL(fake_add_domain(x.f, 2, name[1], 1536 * MIB, 2 * GIB,
					FAKE_BALLOON_BALLAST, 512 * MIB) == 0);
	fx_report(&x, 1, 1, 1536 * MIB, 1200 * MIB);
	fx_report(&x, 2, 1, 1536 * MIB, 1200 * MIB);
	fx_run(&x, 3, 1000);
	CU_ASSERT_EQUAL(fx_dom_u64(&x, 1, TARGET_REL), 1 * GIB);
	CU_ASSERT_EQUAL(fx_dom_u64(&x, 2, TARGET_REL), 2 * GIB);
	fx_teardown(&x);
}

int main(void)
{
	static const struct suite_case tests[] = {
		{ "join and leave without restart", test_join_leave },
		{ "steady state: no writes, no logs", test_steady_state_is_silent },
		{ "stuck guest excluded and flagged", test_stuck_flagged_and_excluded },
		{ "unloading driver gets its maxmem back", test_unloading_releases },
		{ "domain being built is not steered", test_domain_being_built },
		{ "stock balloon via memory/target and maxmem", test_stock_balloon },
		{ "restart from xenstore: no jump", test_restart_no_jump },
		{ "a new process (--once) at steady state is quiet",
		  test_new_process_quiet },
		{ "SIGKILL and restart: the same targets as without", test_restart_twin },
		{ "restart: a stale report stays stale, a new one is used",
		  test_restart_keeps_report_age },
		{ "restart: invalid saved state ignored", test_restart_saved_garbage },
		{ "restart: state of departed domains removed",
		  test_restart_removes_orphans },
		{ "reported floor reaches the policy", test_reported_floor },
		{ "garbage guest values refused", test_garbage_refused },
		{ "flooding guest rate-limited", test_flood_rate_limited },
		{ "EAGAIN retried, then given up", test_eagain_retried_then_given_up },
		{ "repeated failure logged once a minute",
		  test_repeated_failure_logged_once },
		{ "domain vanishing mid-transaction", test_vanish_mid_transaction },
		{ "dry-run writes nothing", test_dry_run_writes_nothing },
		{ "runtime overrides and metrics", test_overrides_and_metrics },
		{ "an unreadable name is not a domain gone",
		  test_unreadable_name_is_not_gone },
		{ "lines a guest causes: one budget, after commit",
		  test_guest_lines_budgeted },
		{ "a domain below the default min is steered",
		  test_small_domain_steered },
		{ "memory/ballast perms under a guest-owned parent",
		  test_ctl_perms_under_guest_owned_parent },
		{ "a report rewritten while it is read is refused",
		  test_report_rewritten_while_read },
		{ "flood limit: the exact boundary", test_flood_boundary },
		{ "a long name is not its prefix's [domain]",
		  test_long_name_not_matched },
	};

	return RUN_SUITE("ballastd", tests);
}
