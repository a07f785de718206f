// SPDX-License-Identifier: MIT
/*
 * ballastd's processors against the fake Xen: the count read from Xen, the
 * guest's CPU evidence validated, cpu/N/availability written as
 * libxl_set_vcpuonline() does, and the bad paths (hostile evidence, EAGAIN,
 * a domain vanishing mid-write, a guest that does not bring a CPU online).
 */
#include <CUnit/Basic.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ballastctl.h"
#include "fixture.h"
#include "status-json.h"
#include "run_suite.h"

#define HOST_ON		"[host]\nvcpu-scaling = yes\n"
#define DATA(key)	BALLAST_DATA_DIR "/" key

/* What the guest says about its CPUs; written before fx_report's seq. */
struct load {
	const char *load_avg1;		/* x 100 */
	const char *runnable;
	const char *psi;		/* 0.01 % */
	const char *steal;		/* cumulative ms; NULL: not said */
};

static const struct load BUSY = { "300", "3", "6000", NULL };
static const struct load IDLE = { "0", "0", "0", NULL };

/* cpu/<vcpu>/availability of domain @domid, or NULL. */
static const char *avail(struct fx *x, uint32_t domid, uint32_t vcpu)
{
	char rel[48];

	snprintf(rel, sizeof(rel), BALLAST_STOCK_CPU_AVAILABILITY_FMT, vcpu);
	return fx_dom_str(x, domid, rel);
}

/* Online nodes counted from vCPU 0; -1 if one above them is online too
 * (the online ones must be 0..k-1) or a node is missing. */
static int avail_count(struct fx *x, uint32_t domid, uint32_t max_vcpus)
{
	uint32_t k = 0;

	while (k < max_vcpus && avail(x, domid, k) && !strcmp(avail(x, domid, k), "online"))
		k++;
	for (uint32_t v = k; v < max_vcpus; v++)
		if (!avail(x, domid, v) || strcmp(avail(x, domid, v), "offline"))
			return -1;
	return (int)k;
}

static void cpu_report(struct fx *x, uint32_t domid, uint64_t seq,
		       const struct load *l)
{
	fx_guest(x, domid, DATA(BALLAST_KEY_LOAD_AVG1), l->load_avg1);
	fx_guest(x, domid, DATA(BALLAST_KEY_RUNNABLE), l->runnable);
	fx_guest(x, domid, DATA(BALLAST_KEY_PSI_CPU_SOME_AVG10), l->psi);
	if (l->steal)
		fx_guest(x, domid, DATA(BALLAST_KEY_STEAL), l->steal);
	fx_report(x, domid, seq, 1 * GIB, 800 * MIB);
}

/* @n ticks of 1 s, a new report of @l from domain 1 before each. */
static void run_load(struct fx *x, unsigned int n, const struct load *l,
		     uint64_t *seq)
{
	for (unsigned int i = 0; i < n; i++) {
		cpu_report(x, 1, ++*seq, l);
		fx_run(x, 1, 1000);
	}
}

/* Host with vCPU scaling on; domain 1 "a", a ballast driver, 1 of 4 vCPUs. */
static void setup_vcpu(struct fx *x, const char *config, uint64_t *seq)
{
	CU_ASSERT_FATAL(fx_setup(x, 4 * GIB, config, false) == 0);
	CU_ASSERT_FATAL(fake_add_domain(x->f, 1, "a", 1 * GIB, 2 * GIB,
					FAKE_BALLOON_BALLAST, 512 * MIB) == 0);
	CU_ASSERT_FATAL(fake_set_vcpus(x->f, 1, 4, 1) == 0);
	*seq = 0;
	run_load(x, 5, &IDLE, seq);	/* memory settles first */
	CU_ASSERT(avail_count(x, 1, 4) == 1);
}

static unsigned int ticks_to_online(struct fx *x, uint32_t want,
				    const struct load *l, uint64_t *seq,
				    unsigned int limit)
{
	unsigned int t = 0;

	while (t < limit && fake_vcpus_online(x->f, 1) != want) {
		run_load(x, 1, l, seq);
		t++;
	}
	return t;
}

static void test_scale_up_and_down(void)
{
	uint64_t seq;
	char buf[64];
	struct fx x;

	setup_vcpu(&x, HOST_ON, &seq);
	/* three busy threads: up to 4, vCPU by vCPU, always 0..k-1 */
	CU_ASSERT(ticks_to_online(&x, 4, &BUSY, &seq, 20) < 20);
	CU_ASSERT(avail_count(&x, 1, 4) == 4);
	CU_ASSERT(fx_logged(&x, "a (1): vCPUs 1 -> 2 ("));
	run_load(&x, 1, &BUSY, &seq);
	CU_ASSERT_STRING_EQUAL(fx_status_field(&x, 1, SJ_VCPUS_ONLINE, buf, sizeof(buf)), "4");
	CU_ASSERT_STRING_EQUAL(fx_status_field(&x, 1, SJ_MAXVCPUS, buf, sizeof(buf)), "4");
	CU_ASSERT_STRING_EQUAL(fx_status_field(&x, 1, SJ_VCPU_SCALING, buf, sizeof(buf)), "true");

	/* the load stops: down to vcpus-min (2, by ballastctl set), no lower */
	CU_ASSERT(bio_write_str(&x.bd.env.io, BIO_TXN_NONE,
				fx_path(&x, BALLAST_AT_TOOL, 0, BALLAST_TOOL_POLICY, "a",
					BALLAST_KEY_VCPUS_MIN), "2") == 0);
	for (unsigned int i = 0; i < 120; i++) {
		run_load(&x, 1, &IDLE, &seq);
		CU_ASSERT(fake_vcpus_online(x.f, 1) >= 2);
		CU_ASSERT_STRING_EQUAL(avail(&x, 1, 0), "online");
	}
	CU_ASSERT(fake_vcpus_online(x.f, 1) == 2);
	CU_ASSERT(avail_count(&x, 1, 4) == 2);
	CU_ASSERT_STRING_EQUAL(fx_status_field(&x, 1, SJ_VCPUS_MIN, buf, sizeof(buf)), "2");
	fx_teardown(&x);
}

/* Off for the host (the default), for a [domain], by `ballastctl set`. */
static void test_switches(void)
{
	uint64_t seq;
	struct fx x;

	setup_vcpu(&x, NULL, &seq);
	fake_inject_failure(x.f, FAKE_OP_VCPUS, -EIO, 1000);	/* never asked */
	run_load(&x, 30, &BUSY, &seq);
	CU_ASSERT(fake_vcpus_online(x.f, 1) == 1);
	CU_ASSERT(avail_count(&x, 1, 4) == 1);
	CU_ASSERT(!fx_logged(&x, "vCPU"));
	fx_teardown(&x);

	setup_vcpu(&x, HOST_ON "[domain a]\nvcpu-scaling = no\n", &seq);
	run_load(&x, 30, &BUSY, &seq);
	CU_ASSERT(fake_vcpus_online(x.f, 1) == 1);
	CU_ASSERT(avail_count(&x, 1, 4) == 1);
	fx_teardown(&x);

	setup_vcpu(&x, HOST_ON, &seq);
	CU_ASSERT(bio_write_str(&x.bd.env.io, BIO_TXN_NONE,
				fx_path(&x, BALLAST_AT_TOOL, 0, BALLAST_TOOL_POLICY, "a",
					BALLAST_KEY_VCPU_SCALING), "0") == 0);
	run_load(&x, 30, &BUSY, &seq);
	CU_ASSERT(fake_vcpus_online(x.f, 1) == 1);
	/* and a [domain]'s vcpus-max caps it */
	fx_teardown(&x);
	setup_vcpu(&x, HOST_ON "[domain a]\nvcpus-max = 2\n", &seq);
	run_load(&x, 30, &BUSY, &seq);
	CU_ASSERT(fake_vcpus_online(x.f, 1) == 2);
	CU_ASSERT(avail_count(&x, 1, 4) == 2);
	fx_teardown(&x);
}

/* HVM proper is left alone (QEMU's cpu-add would be needed); PVH is driven. */
static void test_hvm_left_alone(void)
{
	uint64_t seq;
	struct fx x;

	setup_vcpu(&x, HOST_ON, &seq);
	fake_set_type(x.f, 1, "hvm");
	run_load(&x, 30, &BUSY, &seq);
	CU_ASSERT(fake_vcpus_online(x.f, 1) == 1);
	CU_ASSERT(avail_count(&x, 1, 4) == 1);
	CU_ASSERT(fx_log_count(&x, "a (1): HVM: its vCPU count is left alone") == 1);
	fake_set_type(x.f, 1, "pvh");
	CU_ASSERT(ticks_to_online(&x, 4, &BUSY, &seq, 20) < 20);
	fx_teardown(&x);
}

/* A guest without a ballast frontend keeps its count. */
static void test_no_frontend_kept(void)
{
	uint64_t seq = 0;
	struct fx x;

	CU_ASSERT_FATAL(fx_setup(&x, 4 * GIB, HOST_ON "[domain s]\nstock-balloon = yes\n",
				 false) == 0);
	CU_ASSERT_FATAL(fake_add_domain(x.f, 1, "s", 1 * GIB, 2 * GIB,
					FAKE_BALLOON_STOCK, 512 * MIB) == 0);
	CU_ASSERT_FATAL(fake_set_vcpus(x.f, 1, 4, 3) == 0);
	fx_run(&x, 60, 1000);
	CU_ASSERT(fake_vcpus_online(x.f, 1) == 3);
	CU_ASSERT(avail_count(&x, 1, 4) == 3);
	(void)seq;
	fx_teardown(&x);
}

/* Hostile CPU evidence: the whole report is refused, nothing moves. */
static void test_hostile_evidence(void)
{
	static const struct { const char *key, *val; } bad[] = {
		{ BALLAST_KEY_LOAD_AVG1, "-300" },
		{ BALLAST_KEY_LOAD_AVG1, "3.00" },
		{ BALLAST_KEY_LOAD_AVG1, "419430401" },
		{ BALLAST_KEY_LOAD_AVG1, "99999999999999999999999" },
		{ BALLAST_KEY_RUNNABLE, "4194305" },
		{ BALLAST_KEY_PSI_CPU_SOME_AVG10, "10001" },
		{ BALLAST_KEY_CPUS_ONLINE, "0" },
		{ BALLAST_KEY_CPUS_ONLINE, "4097" },
		{ BALLAST_KEY_CPU_REFUSED, "0" },
		{ BALLAST_KEY_STEAL, "0x10" },
		{ BALLAST_KEY_CPU_OFFLINE_REFUSALS, "" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char key[64];
		uint64_t seq, refused;
		struct fx x;

		setup_vcpu(&x, HOST_ON, &seq);
		refused = x.bd.doms.d[0].guest.refused_reports;
		for (unsigned int t = 0; t < 20; t++) {
			fx_guest(&x, 1, DATA(BALLAST_KEY_LOAD_AVG1), "300");
			fx_guest(&x, 1, DATA(BALLAST_KEY_PSI_CPU_SOME_AVG10), "6000");
			snprintf(key, sizeof(key), DATA("%s"), bad[i].key);
			fx_guest(&x, 1, key, bad[i].val);
			fx_report(&x, 1, ++seq, 1 * GIB, 800 * MIB);
			fx_run(&x, 1, 1000);
		}
		CU_ASSERT(fake_vcpus_online(x.f, 1) == 1);
		CU_ASSERT(avail_count(&x, 1, 4) == 1);
		CU_ASSERT(x.bd.doms.d[0].guest.refused_reports > refused);
		if (fake_vcpus_online(x.f, 1) != 1)
			fprintf(stderr, "accepted %s = '%s'\n", bad[i].key, bad[i].val);
		fx_teardown(&x);
	}
}

/* Steal at or above 30 % of the online vCPUs' time: pressure is not answered. */
static void test_steal_holds(void)
{
	struct load l = IDLE;
	char steal[24];
	uint64_t seq, ms = 0;
	struct fx x;

	setup_vcpu(&x, HOST_ON, &seq);
	for (unsigned int t = 0; t < 20; t++) {
		ms += 500;		/* half of one vCPU's second */
		snprintf(steal, sizeof(steal), "%" PRIu64, ms);
		l.steal = steal;
		run_load(&x, 1, &l, &seq);
		if (t == 2)	/* busy once the steal is known */
			l = BUSY;
	}
	CU_ASSERT(fake_vcpus_online(x.f, 1) == 1);
	CU_ASSERT(x.bd.doms.d[0].vcpu.stats.steal_centipct == 5000);
	/* a counter going backwards (a restart, or a lie) is no steal */
	l.steal = "0";
	CU_ASSERT(ticks_to_online(&x, 4, &l, &seq, 20) < 20);
	fx_teardown(&x);
}

/* Every node in one transaction: EAGAIN retried; given up, nothing half-done. */
static void test_eagain(void)
{
	uint64_t seq;
	struct fx x;

	setup_vcpu(&x, HOST_ON, &seq);
	fake_inject_eagain(x.f, 2);
	run_load(&x, 1, &BUSY, &seq);
	CU_ASSERT(avail_count(&x, 1, 4) == 2);
	CU_ASSERT(x.bd.env.count.xs_retries == 2);
	fx_teardown(&x);

	setup_vcpu(&x, HOST_ON, &seq);
	fake_inject_eagain(x.f, 1000);
	run_load(&x, 3, &BUSY, &seq);
	CU_ASSERT(avail_count(&x, 1, 4) == 1);	/* all or nothing */
	CU_ASSERT(x.bd.env.count.xs_giveups >= 1);
	CU_ASSERT(fx_log_count(&x, "a (1): writing cpu/N/availability failed "
			       "(xenstore kept conflicting)") == 1);
	fake_inject_eagain(x.f, 0);
	CU_ASSERT(ticks_to_online(&x, 4, &BUSY, &seq, 20) < 20);
	CU_ASSERT(fx_logged(&x, "a (1): cpu/N/availability writes: working again"));
	fx_teardown(&x);
}

/* Gone while its write is open: nothing of it is resurrected. */
static void test_vanish_mid_write(void)
{
	uint64_t seq;
	struct fx x;

	setup_vcpu(&x, HOST_ON, &seq);
	cpu_report(&x, 1, ++seq, &BUSY);
	fake_vanish_at_txn(x.f, 1, 1);
	fx_run(&x, 1, 1000);
	CU_ASSERT(fx_dom_str(&x, 1, "name") == NULL);
	CU_ASSERT(avail(&x, 1, 0) == NULL && avail(&x, 1, 1) == NULL);
	CU_ASSERT(x.bd.env.count.vanished >= 1);
	CU_ASSERT(!fx_logged(&x, "failed"));
	fx_run(&x, 1, 1000);
	CU_ASSERT(x.bd.doms.n == 0);
	fx_teardown(&x);

	/* or between the list and the read of its vCPUs */
	setup_vcpu(&x, HOST_ON, &seq);
	fake_inject_failure(x.f, FAKE_OP_VCPUS, -ESRCH, 1);
	run_load(&x, 1, &BUSY, &seq);
	CU_ASSERT(!fx_logged(&x, "unreadable"));
	CU_ASSERT(ticks_to_online(&x, 4, &BUSY, &seq, 20) < 20);
	fx_teardown(&x);
}

/*
 * The stock kernel only marks a CPU present on "online": without a frontend
 * bringing it up, the change never lands. Refused after settle-ms: the
 * nodes go back to what Xen has online, and the next try waits.
 */
static void test_guest_does_not_online(void)
{
	uint64_t seq;
	char buf[64];
	struct fx x;

	setup_vcpu(&x, HOST_ON, &seq);
	fake_set_vcpu_guest(x.f, 1, FAKE_VCPU_STOCK);
	run_load(&x, 2, &BUSY, &seq);
	CU_ASSERT(avail_count(&x, 1, 4) == 2);
	CU_ASSERT(fake_vcpus_online(x.f, 1) == 1);
	run_load(&x, 12, &BUSY, &seq);		/* past settle-ms (10 s) */
	CU_ASSERT(fx_logged(&x, "a (1): the guest did not take its vCPU count to 2"));
	CU_ASSERT(avail_count(&x, 1, 4) == 1);
	CU_ASSERT(strcmp(fx_status_field(&x, 1, SJ_VCPU_REFUSALS, buf, sizeof(buf)), "0") != 0);
	CU_ASSERT(fake_vcpus_online(x.f, 1) == 1);
	fx_teardown(&x);
}

/* A guest that keeps a CPU asked offline, and says so: refused at once,
 * the nodes go back to what it holds, lowering backs off. */
static void test_guest_refuses_offline(void)
{
	uint64_t seq;
	char n[24];
	struct fx x;

	setup_vcpu(&x, HOST_ON, &seq);
	CU_ASSERT(ticks_to_online(&x, 4, &BUSY, &seq, 20) < 20);
	fake_set_vcpu_guest(x.f, 1, FAKE_VCPU_STUCK);
	for (unsigned int t = 0; t < 60 && avail_count(&x, 1, 4) == 4; t++)
		run_load(&x, 1, &IDLE, &seq);
	CU_ASSERT(avail_count(&x, 1, 4) < 4);	/* asked to lower */
	fx_guest(&x, 1, DATA(BALLAST_KEY_CPU_OFFLINE_REFUSALS), "1");
	fx_guest(&x, 1, DATA(BALLAST_KEY_CPU_REFUSED), "3");
	run_load(&x, 2, &IDLE, &seq);
	CU_ASSERT(fx_logged(&x, "a (1): the guest did not take its vCPU count to"));
	CU_ASSERT(avail_count(&x, 1, 4) == 4);	/* back to what it holds */
	CU_ASSERT(fake_vcpus_online(x.f, 1) == 4);
	/* and it is not asked again at once */
	run_load(&x, 10, &IDLE, &seq);
	CU_ASSERT(avail_count(&x, 1, 4) == 4);
	CU_ASSERT_STRING_EQUAL(fx_status_field(&x, 1, SJ_VCPU_BOUND, n, sizeof(n)), "backoff");
	fx_teardown(&x);
}

static void test_config(void)
{
	static const char *const bad[] = {
		"[host]\nvcpu-scaling = maybe\n",
		"[host]\ndefault-vcpus-min = 0\n",
		"[host]\nvcpu-overcommit-pct = 0\n",
		"[domain a]\nvcpus-min = 0\n",
		"[domain a]\nvcpus-max = 4097\n",
		"[domain a]\nvcpus-min = 3\nvcpus-max = 2\n",
		"[domain a]\ncpu-shares = 0\n",
		"[domain a]\nvcpu-scaling = 2\n",
	};
	struct fx x;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT(fx_setup(&x, 4 * GIB, bad[i], false) == -1);
		fx_teardown(&x);
	}
	CU_ASSERT(fx_setup(&x, 4 * GIB, "[host]\nvcpu-steal-max = 10001\n", false) == -1);
	fx_teardown(&x);
	CU_ASSERT_FATAL(fx_setup(&x, 4 * GIB, HOST_ON "vcpu-overcommit-pct = 150\n"
				 "vcpu-steal-max = 6000\n"
				 "default-vcpus-min = 2\n[domain a]\nvcpus-min = 1\n"
				 "vcpus-max = 3\ncpu-shares = 7\nvcpu-scaling = no\n",
				 false) == 0);
	CU_ASSERT(x.bd.env.cfg.vcpu_scaling);
	CU_ASSERT(x.bd.env.cfg.vcpu_policy.overcommit_pct == 150);
	CU_ASSERT(x.bd.env.cfg.vcpu_policy.steal_max_centipct == 6000);
	CU_ASSERT(x.bd.env.cfg.default_vcpus_min == 2);
	CU_ASSERT(x.bd.env.cfg.domains[0].vcpus_max == 3 &&
		  x.bd.env.cfg.domains[0].cpu_shares == 7 &&
		  x.bd.env.cfg.domains[0].has_vcpu_scaling &&
		  !x.bd.env.cfg.domains[0].vcpu_scaling);
	fx_teardown(&x);
}

/* ballastctl's verb @argv[0] on @x's xenstore; its stdout in *@out (free it). */
static int ctl(struct fx *x, char **argv, char **out)
{
	struct bctl c = { .tty_fd = -1 };
	size_t out_len = 0, err_len = 0;
	char *err = NULL;
	int argc = 0, rc;

	while (argv[argc])
		argc++;
	fake_bio(x->f, &c.io);
	c.out = open_memstream(out, &out_len);
	c.err = open_memstream(&err, &err_len);
	rc = bctl_find_verb(argv[0])->run(&c, argc, argv);
	fclose(c.out);
	fclose(c.err);
	free(err);
	return rc;
}

/* `ballastctl set DOM vcpus-min=N vcpus-max=N` reaches the policy; explain says it. */
static void test_ctl_set_and_explain(void)
{
	char *set[] = { "set", "a", "vcpus-min=2", "vcpus-max=3", "cpu-shares=5", NULL };
	char *clear[] = { "set", "a", "vcpus-max=default", NULL };
	char *bad[][5] = {
		{ "set", "a", "vcpus-min=0", NULL },
		{ "set", "a", "vcpus-max=4097", NULL },
		{ "set", "a", "vcpus-min=3", "vcpus-max=2", NULL },
		{ "set", "a", "vcpu-scaling=yes", NULL },
		{ "set", "a", "cpu-shares=-1", NULL },
	};
	char *only_cpu[] = { "set", "2", "cpu-shares=2", NULL };
	char *explain[] = { "explain", "a", NULL };
	char *text = NULL, buf[64];
	struct bctl_set_args a;
	char err[BCTL_ERR_MAX];
	uint64_t seq;
	struct fx x;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int argc = 0;

		while (bad[i][argc])
			argc++;
		CU_ASSERT(bctl_parse_set(argc, bad[i], &a, err, sizeof(err)) == -1);
	}
	/* a processor setting alone is a whole command (fuzz_ctl_args found it) */
	CU_ASSERT(bctl_parse_set(3, only_cpu, &a, err, sizeof(err)) == 0);
	CU_ASSERT(a.has_cpu_shares && a.cpu_shares == 2);
	CU_ASSERT(!a.has_min && !a.has_max && !a.has_shares && !a.has_vcpus_max);
	setup_vcpu(&x, HOST_ON, &seq);
	CU_ASSERT(ctl(&x, set, &text) == 0);
	free(text);
	CU_ASSERT(fx_u64(&x, fx_path(&x, BALLAST_AT_TOOL, 0, BALLAST_TOOL_POLICY, "a",
				     BALLAST_KEY_VCPUS_MAX)) == 3);
	run_load(&x, 30, &IDLE, &seq);
	CU_ASSERT(fake_vcpus_online(x.f, 1) == 2);	/* raised to vcpus-min */
	run_load(&x, 30, &BUSY, &seq);
	CU_ASSERT(fake_vcpus_online(x.f, 1) == 3);	/* capped at vcpus-max */
	CU_ASSERT_STRING_EQUAL(fx_status_field(&x, 1, SJ_CPU_SHARES, buf, sizeof(buf)), "5");
	CU_ASSERT(ctl(&x, explain, &text) == 0);
	CU_ASSERT(text && strstr(text, "vCPUs: 3 online of 4, target 3 (vcpus-max)"));
	CU_ASSERT(text && strstr(text, "vcpus-min 2, vcpus-max 3, cpu shares 5"));
	free(text);
	CU_ASSERT(ctl(&x, clear, &text) == 0);
	free(text);
	CU_ASSERT(ticks_to_online(&x, 4, &BUSY, &seq, 30) < 30);
	fx_teardown(&x);
}

/* The "a" row of `ballastctl status --json` text: from its name to the next '}'. */
static const char *json_row_of_a(const char *text, char *buf, size_t size)
{
	const char *at = text ? strstr(text, "\"name\": \"a\"") : NULL;
	const char *end = at ? strchr(at, '}') : NULL;

	buf[0] = '\0';
	if (at && end)
		snprintf(buf, size, "%.*s", (int)(end - at), at);
	return buf;
}

/* status, --json: the counts ballastd read, null where it read none. */
static void test_status_json(void)
{
	char *json[] = { "status", "--json", NULL };
	char *table[] = { "status", NULL };
	char *text = NULL, row[4096], buf[64];
	uint64_t seq;
	struct fx x;

	/* the host switch off: nothing read, nothing published but the switch */
	setup_vcpu(&x, NULL, &seq);
	CU_ASSERT_STRING_EQUAL(fx_status_field(&x, 1, SJ_VCPU_SCALING, buf, sizeof(buf)), "false");
	CU_ASSERT_STRING_EQUAL(fx_status_field(&x, 1, SJ_VCPUS_ONLINE, buf, sizeof(buf)), "");
	CU_ASSERT(ctl(&x, json, &text) == 0);
	json_row_of_a(text, row, sizeof(row));
	CU_ASSERT(strstr(row, "\"vcpu_scaling\": false") != NULL);
	CU_ASSERT(strstr(row, "\"vcpus_online\": null") != NULL);
	CU_ASSERT(strstr(row, "\"vcpus_target\": null") != NULL);
	CU_ASSERT(strstr(row, "\"maxvcpus\": null") != NULL);
	CU_ASSERT(strstr(row, "\"cpu_shares\": null") != NULL);
	free(text);
	fx_teardown(&x);

	/* on: every count explain shows, and the table's online/target */
	setup_vcpu(&x, HOST_ON "[domain a]\ncpu-shares = 3\n", &seq);
	CU_ASSERT(ticks_to_online(&x, 4, &BUSY, &seq, 20) < 20);
	run_load(&x, 1, &BUSY, &seq);
	CU_ASSERT(ctl(&x, json, &text) == 0);
	json_row_of_a(text, row, sizeof(row));
	CU_ASSERT(strstr(row, "\"vcpu_scaling\": true") != NULL);
	CU_ASSERT(strstr(row, "\"vcpus_online\": 4") != NULL);
	CU_ASSERT(strstr(row, "\"vcpus_target\": 4") != NULL);
	CU_ASSERT(strstr(row, "\"vcpus_min\": 1") != NULL);
	CU_ASSERT(strstr(row, "\"vcpus_max\": 4") != NULL);
	CU_ASSERT(strstr(row, "\"maxvcpus\": 4") != NULL);
	CU_ASSERT(strstr(row, "\"cpu_shares\": 3") != NULL);
	CU_ASSERT(strstr(row, "\"vcpu_bound\": \"") != NULL);
	CU_ASSERT(strstr(row, "\"vcpu_refusals\": 0") != NULL);
	CU_ASSERT(strstr(row, "\"vcpus_want\": 4") != NULL);
	free(text);
	CU_ASSERT(ctl(&x, table, &text) == 0);
	CU_ASSERT(text && strstr(text, " VCPUs ") && strstr(text, " 4/4 "));
	free(text);
	fx_teardown(&x);
}

/* The metrics file after ticks: the host's pCPUs, each domain's counts. */
static void test_metrics_file(void)
{
	char config[256], path[64], *text = NULL;
	size_t len = 0;
	uint64_t seq;
	struct fx x;
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/ballast-vcpu-metrics-%d", (int)getpid());
	snprintf(config, sizeof(config), HOST_ON "metrics-file = %s\n"
		 "[domain a]\nvcpus-max = 3\n", path);
	setup_vcpu(&x, config, &seq);
	fake_set_pcpus(x.f, 6);
	CU_ASSERT(ticks_to_online(&x, 3, &BUSY, &seq, 20) < 20);
	run_load(&x, 1, &BUSY, &seq);
	f = fopen(path, "r");
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT(getdelim(&text, &len, '\0', f) > 0);
	fclose(f);
	CU_ASSERT(text && strstr(text, "\nballast_host_pcpus 6\n"));
	CU_ASSERT(text && strstr(text, "\nballast_domain_vcpus_online{domid=\"1\",name=\"a\"} 3\n"));
	CU_ASSERT(text && strstr(text, "\nballast_domain_vcpus_target{domid=\"1\",name=\"a\"} 3\n"));
	CU_ASSERT(text && strstr(text, "\nballast_domain_vcpus_min{domid=\"1\",name=\"a\"} 1\n"));
	CU_ASSERT(text && strstr(text, "\nballast_domain_vcpus_max{domid=\"1\",name=\"a\"} 3\n"));
	CU_ASSERT(text && strstr(text, "# TYPE ballast_domain_vcpus_online gauge\n"));
	free(text);
	unlink(path);
	fx_teardown(&x);
}

int main(void)
{
	static const struct suite_case tests[] = {
		{ "scale up under load, down to vcpus-min", test_scale_up_and_down },
		{ "host, [domain] and ballastctl switches", test_switches },
		{ "HVM left alone, PVH driven", test_hvm_left_alone },
		{ "no frontend: count kept", test_no_frontend_kept },
		{ "hostile CPU evidence refused", test_hostile_evidence },
		{ "steal holds a raise", test_steal_holds },
		{ "EAGAIN retried, given up all or nothing", test_eagain },
		{ "domain vanishing mid-write", test_vanish_mid_write },
		{ "a guest that does not bring a CPU online",
		  test_guest_does_not_online },
		{ "a guest that refuses to take a CPU down", test_guest_refuses_offline },
		{ "ballastd.conf vCPU keys", test_config },
		{ "ballastctl set vcpus-min/max, explain", test_ctl_set_and_explain },
		{ "status and --json: counts, null when not read", test_status_json },
		{ "the metrics file: pCPUs, vCPU counts", test_metrics_file },
	};

	return RUN_SUITE("ballastd vCPUs", tests);
}
