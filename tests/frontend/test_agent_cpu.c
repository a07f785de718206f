// SPDX-License-Identifier: MIT
/*
 * CUnit suite for ballast-agent's processors (agent/cpu.c) on a fake /proc
 * and /sys/devices/system/cpu in a temporary directory: the CPU evidence
 * read, a CPU made available brought online by writing 1 to its online
 * file, a guest that refuses (the write fails), and an offline refusal.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "cpu.h"
#include "run_suite.h"

static char root[64];
static char paths[4][128];
static const char *avail[8];	/* the fake xenstore: cpu/N/availability */

static void put(const char *rel, const char *text)
{
	char path[192];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	CU_ASSERT_FATAL(f != NULL);
	fputs(text, f);
	fclose(f);
}

static const char *get(const char *rel, char *buf, size_t size)
{
	char path[192];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "r");
	if (!f)
		return "";
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static char *read_node(void *ctx, uint32_t cpu, unsigned int *len)
{
	(void)ctx;
	if (cpu >= 8 || !avail[cpu])
		return NULL;
	*len = (unsigned int)strlen(avail[cpu]);
	return strdup(avail[cpu]);
}

static void make_world(struct agent_cpu *c)
{
	struct agent_cpu_paths p;
	char dir[192];

	snprintf(root, sizeof(root), "/tmp/ballast-cpu-XXXXXX");
	CU_ASSERT_FATAL(mkdtemp(root) != NULL);
	snprintf(dir, sizeof(dir), "%s/sys", root);
	mkdir(dir, 0755);
	for (int i = 0; i < 3; i++) {
		snprintf(dir, sizeof(dir), "%s/sys/cpu%d", root, i);
		mkdir(dir, 0755);
	}
	put("sys/cpu1/online", "0\n");
	put("sys/cpu2/online", "1\n");
	put("sys/online", "0,2\n");
	put("loadavg", "2.50 1.00 0.50 3/120 999\n");
	put("stat", "cpu  10 0 10 100 0 0 0 250 0 0\ncpu0 10 0 10 100 0 0 0 250 0 0\n");
	put("psi", "some avg10=40.00 avg60=1.00 avg300=0.00 total=9\n");
	snprintf(paths[0], sizeof(paths[0]), "%s/loadavg", root);
	snprintf(paths[1], sizeof(paths[1]), "%s/stat", root);
	snprintf(paths[2], sizeof(paths[2]), "%s/psi", root);
	snprintf(paths[3], sizeof(paths[3]), "%s/sys", root);
	p = (struct agent_cpu_paths){ paths[0], paths[1], paths[2], paths[3] };
	agent_cpu_init(c, &p);
	c->user_hz = 100;
}

static void drop_world(void)
{
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	CU_ASSERT(system(cmd) == 0);
}

static void test_sample(void)
{
	struct breport_stats s;
	struct agent_cpu c;

	make_world(&c);
	memset(&s, 0, sizeof(s));
	agent_cpu_sample(&c, &s);
	CU_ASSERT_EQUAL(s.v[BALLAST_K_CPUS_ONLINE], 2);
	CU_ASSERT_EQUAL(s.v[BALLAST_K_LOAD_AVG1], 250);
	CU_ASSERT_EQUAL(s.v[BALLAST_K_RUNNABLE], 2);	/* 3 less the reader */
	CU_ASSERT_EQUAL(s.v[BALLAST_K_PSI_CPU_SOME_AVG10], 4000);
	CU_ASSERT_EQUAL(s.v[BALLAST_K_STEAL], 2500);
	/* no PSI file: the key is left out, the rest stays */
	put("psi", "garbage\n");
	memset(&s, 0, sizeof(s));
	agent_cpu_sample(&c, &s);
	CU_ASSERT_FALSE(breport_has(&s, BALLAST_K_PSI_CPU_SOME_AVG10));
	CU_ASSERT_TRUE(breport_has(&s, BALLAST_K_LOAD_AVG1));
	/* no load: no CPU evidence */
	put("loadavg", "x\n");
	memset(&s, 0, sizeof(s));
	agent_cpu_sample(&c, &s);
	CU_ASSERT_FALSE(breport_has(&s, BALLAST_K_LOAD_AVG1));
	CU_ASSERT_FALSE(breport_has(&s, BALLAST_K_STEAL));
	drop_world();
}

static void test_hotplug(void)
{
	struct breport_stats s;
	struct agent_cpu c;
	char buf[16];

	make_world(&c);
	/* cpu1 made available: brought online; cpu2 asked offline, kept */
	avail[0] = "online";
	avail[1] = "online";
	avail[2] = "offline";
	avail[3] = NULL;
	memset(&s, 0, sizeof(s));
	agent_cpu_hotplug(&c, &s, read_node, NULL, 1000);
	CU_ASSERT_EQUAL(get("sys/cpu1/online", buf, sizeof(buf))[0], '1');
	CU_ASSERT_EQUAL(s.v[BALLAST_K_CPU_OFFLINE_REFUSALS], 0);
	/* still up a second later: the stock driver may still be at it */
	agent_cpu_hotplug(&c, &s, read_node, NULL, 2000);
	CU_ASSERT_EQUAL(s.v[BALLAST_K_CPU_OFFLINE_REFUSALS], 0);
	/* still up after the grace: refused */
	agent_cpu_hotplug(&c, &s, read_node, NULL, 1000 + BCPU_REFUSE_GRACE_MS);
	CU_ASSERT_EQUAL(s.v[BALLAST_K_CPU_OFFLINE_REFUSALS], 1);
	CU_ASSERT_EQUAL(s.v[BALLAST_K_CPU_REFUSED], 2);
	/* a CPU not present yet is left for the next look */
	avail[3] = "online";
	agent_cpu_hotplug(&c, &s, read_node, NULL, 2000 + BCPU_REFUSE_GRACE_MS);
	CU_ASSERT_EQUAL(c.online_failures, 0);
	drop_world();
}

/* A guest that refuses to bring a CPU online: its online file reads as
 * offline and takes no write (/dev/full: ENOSPC). */
static void test_refused_online(void)
{
	struct breport_stats s;
	struct agent_cpu c;
	char p[192];

	make_world(&c);
	snprintf(p, sizeof(p), "%s/sys/cpu1/online", root);
	CU_ASSERT(unlink(p) == 0);
	CU_ASSERT(symlink("/dev/full", p) == 0);
	avail[0] = "online";
	avail[1] = "online";
	avail[2] = NULL;
	memset(&s, 0, sizeof(s));
	agent_cpu_hotplug(&c, &s, read_node, NULL, 1000);
	CU_ASSERT_EQUAL(c.online_failures, 1);
	agent_cpu_hotplug(&c, &s, read_node, NULL, 2000);	/* tried again, said once */
	CU_ASSERT_EQUAL(c.online_failures, 2);
	drop_world();
}

int main(void)
{
	static const struct suite_case tests[] = {
		{ "CPU evidence from /proc and sysfs", test_sample },
		{ "available CPUs brought online, offline refusals counted", test_hotplug },
		{ "a CPU the guest refuses to bring online", test_refused_online },
	};

	return RUN_SUITE("agent cpu", tests);
}
