// SPDX-License-Identifier: MIT
/*
 * The simulator as a test suite: every scenario under tests/sim/scenarios
 * must meet all its expectations; each safety feature, switched off, must
 * make some scenario fail; and the scenario parser must reject bad files.
 * Run from the top of the tree.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "ballast_schema.h"
#include "sim.h"

#define SCENARIO_DIR	"tests/sim/scenarios"
#define MIN_SCENARIOS	8

/* Changes a scenario's policy settings before it runs. */
typedef void (*tweak_fn)(struct sim_scenario *scn);

/* Load and run with extra fault bits and @tweak (may be NULL); NULL if it
 * could not be run at all. On success free the trace and the scenario. */
static struct sim_scenario *load_run(const char *file, uint32_t faults,
				     tweak_fn tweak, struct sim_trace *tr)
{
	struct sim_scenario *scn = malloc(sizeof(*scn));
	char path[512], err[SIM_ERR_LEN];

	if (!scn)
		return NULL;
	snprintf(path, sizeof(path), "%s/%s", SCENARIO_DIR, file);
	if (sim_load(path, scn, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		free(scn);
		return NULL;
	}
	scn->cfg.faults |= faults;
	if (tweak)
		tweak(scn);
	if (sim_run(scn, tr, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", path, err);
		free(scn);
		return NULL;
	}
	return scn;
}

/* Load, run with extra fault bits and @tweak, return the number of failed
 * checks (or SIZE_MAX if the scenario could not be run at all). */
static size_t play_tweaked(const char *file, uint32_t faults, tweak_fn tweak,
			   FILE *report)
{
	struct sim_trace tr;
	struct sim_scenario *scn = load_run(file, faults, tweak, &tr);
	size_t failed;

	if (!scn)
		return SIZE_MAX;
	failed = sim_check(scn, &tr, report);
	sim_trace_free(&tr);
	free(scn);
	return failed;
}

static size_t play(const char *file, uint32_t faults, FILE *report)
{
	return play_tweaked(file, faults, NULL, report);
}

/* When the scenario's first reservation was first granted, or SIM_NEVER_MS. */
static uint64_t first_granted_ms(const char *file, uint32_t faults)
{
	struct sim_trace tr;
	struct sim_scenario *scn = load_run(file, faults, NULL, &tr);
	uint64_t at_ms;

	if (!scn)
		return 0;
	at_ms = tr.res_first_ms[0][BALLAST_RES_GRANTED];
	sim_trace_free(&tr);
	free(scn);
	return at_ms;
}

static void test_every_scenario_holds(void)
{
	DIR *dir = opendir(SCENARIO_DIR);
	struct dirent *de;
	size_t n = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	while ((de = readdir(dir))) {
		size_t len = strlen(de->d_name);
		size_t failed;

		if (len < 5 || strcmp(de->d_name + len - 4, ".scn"))
			continue;
		n++;
		failed = play(de->d_name, 0, NULL);
		if (failed)
			play(de->d_name, 0, stderr);	/* say which */
		CU_ASSERT_EQUAL(failed, 0);
	}
	closedir(dir);
	CU_ASSERT(n >= MIN_SCENARIOS);
}

/* Each fault switch, on its own, breaks a scenario that holds without it. */
static void test_two_phase_is_needed(void)
{
	CU_ASSERT_EQUAL(play("shifting.scn", 0, NULL), 0);
	CU_ASSERT(play("shifting.scn", BSCHED_FAULT_NO_TWO_PHASE, NULL) > 0);
}

static void test_stuck_detection_is_needed(void)
{
	CU_ASSERT_EQUAL(play("stuck-reservation.scn", 0, NULL), 0);
	CU_ASSERT(play("stuck-reservation.scn",
		       BSCHED_FAULT_NO_STUCK_DETECTION, NULL) > 0);
	CU_ASSERT(play("hidden-floor.scn",
		       BSCHED_FAULT_NO_STUCK_DETECTION, NULL) > 0);
}

static void test_slush_is_needed(void)
{
	CU_ASSERT_EQUAL(play("hidden-floor.scn", 0, NULL), 0);
	CU_ASSERT(play("hidden-floor.scn", BSCHED_FAULT_NO_SLUSH, NULL) > 0);
}

/* Balloons resting a little above their targets: counted by what they hold,
 * their overshoot is handed out again and the reservation stays pending. */
static void test_inaccuracy_compensation_is_needed(void)
{
	CU_ASSERT_EQUAL(play("overshoot.scn", 0, NULL), 0);
	CU_ASSERT(play("overshoot.scn",
		       BSCHED_FAULT_NO_INACCURACY_COMPENSATION, NULL) > 0);
	CU_ASSERT(first_granted_ms("overshoot.scn", 0) < SIM_NEVER_MS);
	CU_ASSERT_EQUAL(first_granted_ms("overshoot.scn",
					 BSCHED_FAULT_NO_INACCURACY_COMPENSATION),
			SIM_NEVER_MS);
	/* and with balloons slow to react, the memory is free at the first
	 * landing only with it */
	CU_ASSERT_EQUAL(play("reservation-tail.scn", 0, NULL), 0);
	CU_ASSERT(play("reservation-tail.scn",
		       BSCHED_FAULT_NO_INACCURACY_COMPENSATION, NULL) > 0);
}

static void share_unreported(struct sim_scenario *scn)
{
	scn->cfg.unreported = BSCHED_UNREPORTED_SHARE;
}

/* The last target the scenario's domain @domid was given, or 0. */
static uint64_t last_target_kib(const char *file, tweak_fn tweak,
				uint32_t domid)
{
	struct sim_trace tr;
	struct sim_scenario *scn = load_run(file, 0, tweak, &tr);
	uint64_t kib = 0;

	if (!scn)
		return 0;
	for (size_t i = 0; i < tr.n_rows; i++)
		if (tr.rows[i].dec.domid == domid)
			kib = tr.rows[i].dec.target_kib;
	sim_trace_free(&tr);
	free(scn);
	return kib;
}

/*
 * Evidence first: with unreported = share the stock guest, whose demand is
 * what it holds, halves what the idle guests leave with the growing guest,
 * which stays below its working set (the lab's OOM kill). The guests that
 * all report (liar.scn) split the same either way.
 */
static void test_evidence_first_is_needed(void)
{
	CU_ASSERT_EQUAL(play("pressure-unreported.scn", 0, NULL), 0);
	CU_ASSERT(play_tweaked("pressure-unreported.scn", 0, share_unreported,
			       NULL) > 0);
	CU_ASSERT(last_target_kib("pressure-unreported.scn", NULL, 1) >=
		  322 * 1024);
	CU_ASSERT(last_target_kib("pressure-unreported.scn", share_unreported,
				  1) < 270 * 1024);
	CU_ASSERT_EQUAL(play_tweaked("liar.scn", 0, share_unreported, NULL), 0);
	CU_ASSERT_EQUAL(last_target_kib("liar.scn", NULL, 1),
			last_target_kib("liar.scn", share_unreported, 1));
}

/*
 * The surplus ratchet: with unreported = share the stock guest's demand is
 * what it holds, last tick's share of the surplus included, and it climbs
 * to its max with the surplus of the guests that report. Taken to need its
 * min (yield), it settles at its min plus a third of the surplus.
 */
static void test_no_surplus_ratchet(void)
{
	CU_ASSERT_EQUAL(play("surplus-creep.scn", 0, NULL), 0);
	CU_ASSERT(play_tweaked("surplus-creep.scn", 0, share_unreported,
			       NULL) > 0);
	CU_ASSERT(last_target_kib("surplus-creep.scn", NULL, 3) < 3800 * 1024);
	CU_ASSERT_EQUAL(last_target_kib("surplus-creep.scn", share_unreported,
					3), 8 * 1024 * 1024);
}

static const char good_head[] = "host total=8G\nrun duration=10s tick=1s\n";

static int parse_with_head(const char *body, char *err, size_t len)
{
	struct sim_scenario *scn = malloc(sizeof(*scn));
	char text[1024];
	int rc;

	if (!scn)
		return -2;
	snprintf(text, sizeof(text), "%s%s", good_head, body);
	rc = sim_parse(text, "t", scn, err, len);
	free(scn);
	return rc;
}

static void no_backoff(struct sim_scenario *scn)
{
	scn->vcfg.backoff_ms = 0;
}

static void no_steal_rule(struct sim_scenario *scn)
{
	scn->vcfg.steal_max_centipct = 10000;
}

/* Every guest's CPU shares the same. */
static void equal_cpu_shares(struct sim_scenario *scn)
{
	for (size_t i = 0; i < scn->n_guests; i++)
		scn->guests[i].cpu_shares = 1;
}

/* e2e scenario 16's numbers: with equal shares the split turns round
 * (vcpu-shares-lab.scn), so the scenario tells 1:3 from 1:1. */
static void test_vcpu_shares_decide(void)
{
	CU_ASSERT_EQUAL(play("vcpu-shares-lab.scn", 0, NULL), 0);
	CU_ASSERT(play_tweaked("vcpu-shares-lab.scn", 0, equal_cpu_shares, NULL) > 0);
	CU_ASSERT(play_tweaked("vcpu-shares-lab.scn", 0, equal_cpu_shares, NULL) != SIZE_MAX);
}

/* Without the back-off a guest that cannot take a CPU down is asked again
 * every tick (vcpu-refuses.scn: the target is not back at 3 in between);
 * without the steal rule guests on a busy host are raised past what its
 * pCPUs can run (vcpu-steal.scn). */
static void test_vcpu_rules_are_needed(void)
{
	CU_ASSERT_EQUAL(play("vcpu-refuses.scn", 0, NULL), 0);
	CU_ASSERT(play_tweaked("vcpu-refuses.scn", 0, no_backoff, NULL) > 0);
	CU_ASSERT(play_tweaked("vcpu-refuses.scn", 0, no_backoff, NULL) != SIZE_MAX);
	CU_ASSERT_EQUAL(play("vcpu-steal.scn", 0, NULL), 0);
	CU_ASSERT(play_tweaked("vcpu-steal.scn", 0, no_steal_rule, NULL) > 0);
	CU_ASSERT(play_tweaked("vcpu-steal.scn", 0, no_steal_rule, NULL) != SIZE_MAX);
}

/* Every guest's probe off, or on (the scenario's own choice overridden). */
static void probe_set(struct sim_scenario *scn, bool on)
{
	for (size_t i = 0; i < scn->n_guests; i++)
		scn->guests[i].dom.probe = on;
}

static void probe_none(struct sim_scenario *scn)
{
	probe_set(scn, false);
}

static void probe_everyone(struct sim_scenario *scn)
{
	probe_set(scn, true);
}

/* The probing scenarios hold because of the probe: without it they fail,
 * and probe-off.scn fails with probing on for everyone. */
static void test_probe_is_needed(void)
{
	static const char *const files[] = {
		"probe-cache.scn", "probe-steady.scn", "probe-floor.scn",
		"probe-fleet.scn",
	};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		size_t failed = play_tweaked(files[i], 0, probe_none, NULL);

		CU_ASSERT(failed > 0 && failed != SIZE_MAX);
	}
	CU_ASSERT(play_tweaked("probe-off.scn", 0, probe_everyone, NULL) > 0);
	CU_ASSERT(play_tweaked("probe-off.scn", 0, probe_everyone, NULL) != SIZE_MAX);
}

static void test_parser_probe(void)
{
	struct sim_scenario *scn = malloc(sizeof(*scn));
	char err[SIM_ERR_LEN];

	CU_ASSERT_PTR_NOT_NULL_FATAL(scn);
	/* the config's probe= is the default of every dom without its own */
	CU_ASSERT_EQUAL(sim_parse("host total=4G\nrun duration=10s tick=1s\n"
				  "dom 1 max=2G actual=1G hot=64M\n"
				  "dom 2 max=2G actual=1G probe=no\n"
				  "config probe=yes probe_goal=20 probe_hold=30s\n"
				  "expect probe 1 probing by 5s\n"
				  "expect psi 1 <= 100 from 0s\n"
				  "expect stall 1 <= 0 from 0s\n",
				  "t", scn, err, sizeof(err)), 0);
	CU_ASSERT(scn->guests[0].dom.probe);
	CU_ASSERT_FALSE(scn->guests[1].dom.probe);
	CU_ASSERT_EQUAL(scn->guests[0].hot_kib, 64 * 1024);
	CU_ASSERT_EQUAL(scn->cfg.probe_goal_centipct, 20);
	CU_ASSERT_EQUAL(scn->cfg.probe_hold_ms, 30000);
	CU_ASSERT_NOT_EQUAL(sim_parse("host total=4G\nrun duration=10s tick=1s\n"
				      "dom 1 max=2G actual=1G\n"
				      "expect probe 1 hunting by 5s\n",
				      "t", scn, err, sizeof(err)), 0);
	CU_ASSERT_NOT_EQUAL(sim_parse("host total=4G\nrun duration=10s tick=1s\n"
				      "dom 1 max=2G actual=1G\n"
				      "expect stall 1 <= 5 at 3s\n",
				      "t", scn, err, sizeof(err)), 0);
	free(scn);
}

static void test_parser_cpus(void)
{
	struct sim_scenario *scn = malloc(sizeof(*scn));
	char err[SIM_ERR_LEN];

	CU_ASSERT_PTR_NOT_NULL_FATAL(scn);
	CU_ASSERT_EQUAL_FATAL(sim_parse("host total=8G\nrun duration=1s tick=1s\n"
					"cpus pcpus=6 overcommit=150 step=2 cooldown=5s steal=45\n"
					"dom 1 max=4G actual=1G vcpus=2 maxvcpus=8 "
					"vcpus_min=2 cpu_shares=300 pin=3\n"
					"dom 2 max=4G actual=1G vcpu_scaling=no\n"
					"load 1 at=2s threads=5\n"
					"expect vcpus 1 >= 2 from 0s\n"
					"expect online 1 <= 8 at 1s\n"
					"expect vcpu-refused 1 by 9s\n"
					"expect vcpus-stable from 3s\n", "t", scn,
					err, sizeof(err)), 0);
	CU_ASSERT(scn->cpus);
	CU_ASSERT_EQUAL(scn->pcpus, 6);
	CU_ASSERT_EQUAL(scn->vcfg.overcommit_pct, 150);
	CU_ASSERT_EQUAL(scn->vcfg.step_max, 2);
	CU_ASSERT_EQUAL(scn->vcfg.cooldown_ms, 5000);
	CU_ASSERT_EQUAL(scn->vcfg.steal_max_centipct, 4500);
	CU_ASSERT_EQUAL(scn->guests[0].vcpus, 2);
	CU_ASSERT_EQUAL(scn->guests[0].maxvcpus, 8);
	CU_ASSERT_EQUAL(scn->guests[0].vcpus_max, 8);
	CU_ASSERT_EQUAL(scn->guests[0].cpu_shares, 300);
	CU_ASSERT_EQUAL(scn->guests[0].pin, 3);
	/* defaults: 1 vCPU of 1, scaling on */
	CU_ASSERT_EQUAL(scn->guests[1].vcpus, 1);
	CU_ASSERT_EQUAL(scn->guests[1].maxvcpus, 1);
	CU_ASSERT_FALSE(scn->guests[1].vcpu_scaling);
	CU_ASSERT_EQUAL(scn->n_load, 1);
	CU_ASSERT_EQUAL(scn->load[0].threads, 5);
	CU_ASSERT_EQUAL(scn->expect[0].value_kib, 2);	/* a count, no unit */
	free(scn);
}

static void test_parser_accepts_minimal(void)
{
	char err[SIM_ERR_LEN] = "";

	CU_ASSERT_EQUAL(parse_with_head("dom 1 max=4G actual=1G\n", err,
					sizeof(err)), 0);
	CU_ASSERT_EQUAL(parse_with_head("dom 1 max=4G actual=1G  # c\n"
					"expect target 1 <= 4G from 0s\n",
					err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(parse_with_head("dom 1 max=4G actual=1G ceiling=2G lag=2s\n"
					"reserve 3 at=1s size=1G hold=2s build=1G\n"
					"cancel 3 at=2s\n"
					"set 1 at=3s min=1G shares=200\n"
					"expect stuck 1 between 1s 2s\n"
					"expect not-stuck 1 from 5s\n"
					"expect never-stuck 1\n"
					"expect blamed 1 by 9s\n"
					"expect never-blamed 1\n"
					"expect demand 1 >= 1G at 4s\n",
					err, sizeof(err)), 0);
}

static void test_parser_config_unreported(void)
{
	struct sim_scenario *scn = malloc(sizeof(*scn));
	char err[SIM_ERR_LEN];

	CU_ASSERT_PTR_NOT_NULL_FATAL(scn);
	CU_ASSERT_EQUAL_FATAL(sim_parse("host total=8G\nrun duration=1s tick=1s\n"
					"dom 1 max=4G actual=1G\n", "t", scn,
					err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(scn->cfg.unreported, BSCHED_UNREPORTED_YIELD);
	CU_ASSERT_EQUAL_FATAL(sim_parse("host total=8G\nrun duration=1s tick=1s\n"
					"config unreported=share\n"
					"dom 1 max=4G actual=1G\n", "t", scn,
					err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(scn->cfg.unreported, BSCHED_UNREPORTED_SHARE);
	free(scn);
}

static void test_parser_rejects_hostile(void)
{
	static const char *const bad[] = {
		"dom 1 max=4G\n",				/* no actual */
		"dom 1 max=-4G actual=1G\n",			/* sign */
		"dom 1 max=4X actual=1G\n",			/* unit */
		"dom 1 max=4G5 actual=1G\n",			/* trailing junk */
		"dom 1 max=99999999999999999999 actual=1G\n",	/* overflow */
		"dom 1 max=17179869184T actual=1G\n",		/* overflow by unit */
		"dom 1 min=5G max=4G actual=1G\n",		/* min > max */
		"dom 1 max=4G actual=1G\ndom 1 max=4G actual=1G\n", /* twice */
		"dom 1 max=4G actual=1G colour=blue\n",		/* unknown key */
		"dom 1 max=4G actual=1G shares=0\n",		/* no weight */
		"dom 1 max=4G actual=1G stuck=9s-3s\n",		/* backwards */
		"dom 1 max=4G actual=1G overshoot=5G\n",	/* above max */
		"dom 1 max=4G actual=1G fe=magic\n",
		"dom 99999 max=4G actual=1G\n",			/* not a domid */
		"dom 1 max=4G actual=1G\nexpect target 2 <= 1G at 1s\n",
		"dom 1 max=4G actual=1G\nexpect target 1 < 1G at 1s\n",
		"dom 1 max=4G actual=1G\nexpect target 1 <= 1G at 1\n",
		"dom 1 max=4G actual=1G\nexpect reservation 1 maybe by 1s\n",
		"dom 1 max=4G actual=1G\nexpect flagged 1 between 9s 3s\n",
		"dom 1 max=4G actual=1G\nexpect\n",
		/* found by tests/fuzz (fuzz-scn): refused without a reason */
		"dom 1 max=4G actual=1G\nexpect actual\n",
		"dom 1 max=4G actual=1G\nexpect target\n",
		"dom 1 max=4G actual=1G\nexpect flagged\n",
		"dom 1 max=4G actual=1G\nexpect never-flagged\n",
		"dom 1 max=4G actual=1G\nconfig faults=no-brakes\n",
		"dom 1 max=4G actual=1G\nconfig stuck_after=0s\n",
		"dom 1 max=4G actual=1G\nconfig step=0\n",
		"dom 1 max=4G actual=1G\nconfig unreported=hoard\n",
		"dom 1 max=4G actual=1G\nreserve 1 at=1s\n",
		"dom 1 max=4G actual=1G\nwork 7 at=1s used=1G\n",
		"dom 1 max=4G actual=1G\nfrobnicate\n",
		"dom 1 max=4G actual=1G ceiling=0\n",
		"dom 1 max=4G actual=1G\ncancel 1 at=1s\n",	/* no such */
		"dom 1 max=4G actual=1G\nreserve 1 at=5s size=1G\ncancel 1 at=2s\n",
		"dom 1 max=4G actual=1G\nreserve 1 at=1s size=1G\ncancel 1 at=2s\n"
		"cancel 1 at=3s\n",
		"dom 1 max=4G actual=1G\nset 1 min=1G\n",		/* no at= */
		"dom 1 max=4G actual=1G\nset 2 at=1s min=1G\n",
		"dom 1 max=4G actual=1G\nset 1 at=1s\n",		/* no change */
		"dom 1 max=4G actual=1G\nset 1 at=1s min=2G max=1G\n",
		"dom 1 max=4G actual=1G\nset 1 at=1s shares=0\n",
		"dom 1 max=4G actual=1G\nset 1 at=1s colour=red\n",
		"dom 1 max=4G actual=1G\nexpect stuck 1 at 1s\n",
		"dom 1 max=4G actual=1G\nexpect not-stuck 1 by 1s\n",
		"dom 1 max=4G actual=1G\nexpect never-stuck 1 by 1s\n",
		"dom 1 max=4G actual=1G\nexpect blamed 1 between 1s 2s\n",
		"dom 1 max=4G actual=1G\nexpect blamed 2 by 1s\n",
		"dom 1 max=4G actual=1G\nexpect demand 1 = 1G at 1s\n",
		"dom 1 max=4G actual=1G lag=64s\n",		/* too many ticks */
		"dom 1 max=4G actual=1G via=1\nreserve 1 at=1s size=1G build=1G\n",
		"dom 1 max=4G actual=1G\nreserve 1 at=1s size=1G build=0\n",
		"dom 1 max=4G actual=1G\nreserve 1 at=1s size=1G hold=5\n",
		"dom 1 max=4G actual=1G\nreserve 1 at=1s size=1G colour=1\n",
		"dom 1 max=4G actual=1G\nload 1 at=1s threads=2\n",	/* no cpus */
		"dom 1 max=4G actual=1G\nexpect vcpus 1 >= 1 at 1s\n",
		"cpus\ndom 1 max=4G actual=1G\n",		/* no pcpus */
		"cpus pcpus=0\ndom 1 max=4G actual=1G\n",
		"cpus pcpus=4\ncpus pcpus=4\ndom 1 max=4G actual=1G\n",
		"cpus pcpus=4 overcommit=0\ndom 1 max=4G actual=1G\n",
		"cpus pcpus=4 step=0\ndom 1 max=4G actual=1G\n",
		"cpus pcpus=4 steal=101\ndom 1 max=4G actual=1G\n",
		"cpus pcpus=4 colour=1\ndom 1 max=4G actual=1G\n",
		"cpus pcpus=4\ndom 1 max=4G actual=1G vcpus=0\n",
		"cpus pcpus=4\ndom 1 max=4G actual=1G vcpus=3 maxvcpus=2\n",
		"cpus pcpus=4\ndom 1 max=4G actual=1G maxvcpus=4 vcpus_min=3 vcpus_max=2\n",
		"cpus pcpus=4\ndom 1 max=4G actual=1G maxvcpus=4 pin=5\n",
		"cpus pcpus=4\ndom 1 max=4G actual=1G vcpus=4097\n",
		"cpus pcpus=4\ndom 1 max=4G actual=1G cpu_shares=0\n",
		"cpus pcpus=4\ndom 1 max=4G actual=1G\nload 2 at=1s threads=1\n",
		"cpus pcpus=4\ndom 1 max=4G actual=1G\nload 1 at=1s\n",
		"cpus pcpus=4\ndom 1 max=4G actual=1G\nload 1 threads=1 at=1\n",
		"cpus pcpus=4\ndom 1 max=4G actual=1G\nexpect vcpus 1 >= 1M at 1s\n",
		"cpus pcpus=4\ndom 1 max=4G actual=1G\nexpect vcpu-refused 1 at 1s\n",
		"",						/* no dom */
	};
	char err[SIM_ERR_LEN];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (parse_with_head(bad[i], err, sizeof(err)) != -1)
			fprintf(stderr, "accepted: %s", bad[i]);
		err[0] = '\0';	/* every refusal says why */
		CU_ASSERT_EQUAL(parse_with_head(bad[i], err, sizeof(err)), -1);
		CU_ASSERT(err[0] != '\0');
	}
}

static void test_parser_names_the_line(void)
{
	struct sim_scenario *scn = malloc(sizeof(*scn));
	char err[SIM_ERR_LEN];

	CU_ASSERT_PTR_NOT_NULL_FATAL(scn);
	CU_ASSERT_EQUAL(sim_parse("host total=8G\n\n# x\nrun tick=1s\n", "t",
				  scn, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(strncmp(err, "4: ", 3), 0);
	CU_ASSERT_EQUAL(sim_parse("host total=8G\nrun duration=1s\nhost\n", "t",
				  scn, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(strncmp(err, "2: ", 3), 0);
	free(scn);
}

static void test_load_missing_file(void)
{
	struct sim_scenario *scn = malloc(sizeof(*scn));
	char err[SIM_ERR_LEN];

	CU_ASSERT_PTR_NOT_NULL_FATAL(scn);
	CU_ASSERT_EQUAL(sim_load(SCENARIO_DIR "/no-such.scn", scn, err,
				 sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no-such.scn"));
	free(scn);
}

int main(void)
{
	CU_pSuite s;
	unsigned int failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("simulator", NULL, NULL);
	if (!s ||
	    !CU_add_test(s, "every scenario holds", test_every_scenario_holds) ||
	    !CU_add_test(s, "two-phase is needed", test_two_phase_is_needed) ||
	    !CU_add_test(s, "stuck detection is needed",
			 test_stuck_detection_is_needed) ||
	    !CU_add_test(s, "slush is needed", test_slush_is_needed) ||
	    !CU_add_test(s, "inaccuracy compensation is needed",
			 test_inaccuracy_compensation_is_needed) ||
	    !CU_add_test(s, "evidence first is needed",
			 test_evidence_first_is_needed) ||
	    !CU_add_test(s, "no surplus ratchet", test_no_surplus_ratchet) ||
	    !CU_add_test(s, "vCPU back-off and steal rule are needed",
			 test_vcpu_rules_are_needed) ||
	    !CU_add_test(s, "vCPU shares decide the split", test_vcpu_shares_decide) ||
	    !CU_add_test(s, "working-set probe is needed", test_probe_is_needed) ||
	    !CU_add_test(s, "parser: probe", test_parser_probe) ||
	    !CU_add_test(s, "parser: cpus", test_parser_cpus) ||
	    !CU_add_test(s, "parser accepts minimal", test_parser_accepts_minimal) ||
	    !CU_add_test(s, "parser: config unreported",
			 test_parser_config_unreported) ||
	    !CU_add_test(s, "parser rejects hostile", test_parser_rejects_hostile) ||
	    !CU_add_test(s, "parser names the line", test_parser_names_the_line) ||
	    !CU_add_test(s, "load of a missing file", test_load_missing_file)) {
		CU_cleanup_registry();
		return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures ? 1 : 0;
}
