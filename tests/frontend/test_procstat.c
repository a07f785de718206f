// SPDX-License-Identifier: MIT
/*
 * CUnit suite for ballast-agent's /proc parsers (procstat.c), on real
 * shapes and on malformed files. The PSI parser is the core's: test_psi.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <CUnit/Basic.h>

#include "run_suite.h"
#include "procstat.h"
#include "stock.h"

static const char meminfo_ok[] =
	"MemTotal:        1004552 kB\n"
	"MemFree:          611004 kB\n"
	"MemAvailable:     754320 kB\n"
	"Buffers:           22116 kB\n"
	"Committed_AS:     312880 kB\n"
	"HugePages_Total:       0\n";

static const char vmstat_ok[] =
	"nr_free_pages 152751\n"
	"pswpin 17\n"
	"pswpout 4242\n"
	"pgmajfault_s 99\n"
	"pgmajfault 1234\n"
	"oom_kill 2\n";

static const char psi_ok[] =
	"some avg10=12.34 avg60=1.00 avg300=0.00 total=123456\n"
	"full avg10=0.05 avg60=0.00 avg300=0.00 total=42\n";

static int parse_meminfo(const char *t, struct meminfo *m)
{
	return procstat_parse_meminfo(t, strlen(t), m);
}

static void test_meminfo(void)
{
	struct meminfo m;

	CU_ASSERT_EQUAL(parse_meminfo(meminfo_ok, &m), 0);
	CU_ASSERT_EQUAL(m.mem_total_kib, 1004552);
	CU_ASSERT_EQUAL(m.mem_available_kib, 754320);
	CU_ASSERT_EQUAL(m.committed_as_kib, 312880);
	/* Without a trailing newline too. */
	CU_ASSERT_EQUAL(parse_meminfo("MemTotal: 1 kB\nMemAvailable: 2 kB\n"
				      "Committed_AS: 3 kB", &m), 0);
	CU_ASSERT_EQUAL(m.committed_as_kib, 3);
}

static void test_meminfo_malformed(void)
{
	static const char *const bad[] = {
		"",
		"MemTotal: 1 kB\nMemAvailable: 2 kB\n",		/* no Committed_AS */
		"MemTotal: 1 kB\nMemAvailable: -2 kB\nCommitted_AS: 3 kB\n",
		"MemTotal: 1 kB\nMemAvailable: 2 MB\nCommitted_AS: 3 kB\n",
		"MemTotal: 1 kB\nMemAvailable: 2\nCommitted_AS: 3 kB\n",
		"MemTotal: 1 kB\nMemAvailable: kB\nCommitted_AS: 3 kB\n",
		"MemTotal: 1 kB\nMemAvailable: 2x kB\nCommitted_AS: 3 kB\n",
		"MemTotal: 1 kB\nMemAvailable: 99999999999999999999999 kB\n"
		"Committed_AS: 3 kB\n",
	};
	struct meminfo m;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(parse_meminfo(bad[i], &m), -EINVAL);
}

static void test_vmstat(void)
{
	struct vmstat v;

	CU_ASSERT_EQUAL(procstat_parse_vmstat(vmstat_ok, strlen(vmstat_ok), &v), 0);
	CU_ASSERT_EQUAL(v.pswpin, 17);
	CU_ASSERT_EQUAL(v.pswpout, 4242);
	CU_ASSERT_EQUAL(v.pgmajfault, 1234);	/* not pgmajfault_s */
	CU_ASSERT_EQUAL(v.oom_kill, 2);
}

static void test_vmstat_malformed(void)
{
	static const char *const bad[] = {
		"pswpin 1\npswpout 2\npgmajfault 3\n",		/* no oom_kill */
		"pswpin 1\npswpout 2\npgmajfault 3\noom_kill x\n",
		"pswpin 1\npswpout 2\npgmajfault 3\noom_kill \n",
		"pswpin 1\npswpout 2\npgmajfault -3\noom_kill 0\n",
		"pswpin 1\npswpout 2\npgmajfault 3 4\noom_kill 0\n",
	};
	struct vmstat v;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(procstat_parse_vmstat(bad[i], strlen(bad[i]), &v),
				-EINVAL);
}

static char *write_temp(const char *text)
{
	char *path = strdup("/tmp/ballast-procstat-XXXXXX");
	int fd;

	if (!path)
		return NULL;
	fd = mkstemp(path);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		if (fd >= 0)
			close(fd);
		free(path);
		return NULL;
	}
	close(fd);
	return path;
}

static void test_collect(void)
{
	char *mi = write_temp(meminfo_ok), *vs = write_temp(vmstat_ok);
	char *psi = write_temp(psi_ok), *junk = write_temp("garbage\n");
	struct procstat_paths p = { mi, vs, psi };
	struct breport_stats s;
	struct meminfo m;

	CU_ASSERT_FATAL(mi && vs && psi && junk);
	memset(&s, 0, sizeof(s));
	CU_ASSERT_EQUAL(procstat_collect(&p, &s, &m), 0);
	CU_ASSERT_EQUAL(s.v[BALLAST_K_MEM_AVAILABLE], 754320);
	CU_ASSERT_EQUAL(s.v[BALLAST_K_COMMITTED_AS], 312880);
	CU_ASSERT_EQUAL(s.v[BALLAST_K_SWAP_OUT], 4242);
	CU_ASSERT_EQUAL(s.v[BALLAST_K_OOM_KILLS], 2);
	CU_ASSERT_EQUAL(s.v[BALLAST_K_PSI_SOME_AVG10], 1234);
	CU_ASSERT_TRUE(breport_has(&s, BALLAST_K_PSI_FULL_AVG10));
	CU_ASSERT_EQUAL(m.mem_total_kib, 1004552);

	/* PSI absent or garbage: keys left out, not an error. */
	memset(&s, 0, sizeof(s));
	p.psi_memory = "/nonexistent/pressure/memory";
	CU_ASSERT_EQUAL(procstat_collect(&p, &s, NULL), 0);
	CU_ASSERT_FALSE(breport_has(&s, BALLAST_K_PSI_SOME_AVG10));
	p.psi_memory = junk;
	CU_ASSERT_EQUAL(procstat_collect(&p, &s, NULL), 0);
	CU_ASSERT_FALSE(breport_has(&s, BALLAST_K_PSI_SOME_AVG10));

	/* meminfo missing or malformed: an error. */
	p.meminfo = "/nonexistent/meminfo";
	CU_ASSERT_EQUAL(procstat_collect(&p, &s, NULL), -ENOENT);
	p.meminfo = junk;
	CU_ASSERT_EQUAL(procstat_collect(&p, &s, NULL), -EINVAL);
	p.meminfo = mi;
	p.vmstat = junk;
	CU_ASSERT_EQUAL(procstat_collect(&p, &s, NULL), -EINVAL);

	unlink(mi);
	unlink(vs);
	unlink(psi);
	unlink(junk);
	free(mi);
	free(vs);
	free(psi);
	free(junk);
}

static void test_read_too_big(void)
{
	char buf[8];
	char *path = write_temp("0123456789");

	CU_ASSERT_FATAL(path != NULL);
	CU_ASSERT_EQUAL(procstat_read(path, buf, sizeof(buf)), -EFBIG);
	CU_ASSERT_EQUAL(procstat_read("/nonexistent", buf, sizeof(buf)), -ENOENT);
	unlink(path);
	free(path);
}

static int put(const char *dir, const char *file, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* A fake xen_memory0 directory: target_kb and info/current_kb. */
static void test_stock_files(void)
{
	char dir[] = "/tmp/ballast-stock-XXXXXX", sub[64], path[96];
	uint64_t kib = 0;

	CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
	snprintf(sub, sizeof(sub), "%s/info", dir);
	CU_ASSERT_FATAL(mkdir(sub, 0700) == 0);
	CU_ASSERT_EQUAL(stock_read_target_kib(dir, &kib), -ENOENT);
	CU_ASSERT_FATAL(put(dir, "target_kb", "524288\n") == 0);
	CU_ASSERT_FATAL(put(dir, "info/current_kb", "524284\n") == 0);
	CU_ASSERT_EQUAL(stock_read_target_kib(dir, &kib), 0);
	CU_ASSERT_EQUAL(kib, 524288);
	CU_ASSERT_EQUAL(stock_read_current_kib(dir, &kib), 0);
	CU_ASSERT_EQUAL(kib, 524284);
	CU_ASSERT_EQUAL(stock_write_target_kib(dir, 262144), 0);
	CU_ASSERT_EQUAL(stock_read_target_kib(dir, &kib), 0);
	CU_ASSERT_EQUAL(kib, 262144);
	/* Garbage is refused, not half-read. */
	CU_ASSERT_FATAL(put(dir, "target_kb", "12 kB\n") == 0);
	CU_ASSERT_EQUAL(stock_read_target_kib(dir, &kib), -EINVAL);
	CU_ASSERT_FATAL(put(dir, "target_kb", "") == 0);
	CU_ASSERT_EQUAL(stock_read_target_kib(dir, &kib), -EINVAL);
	CU_ASSERT_FATAL(put(dir, "target_kb", "-5\n") == 0);
	CU_ASSERT_EQUAL(stock_read_target_kib(dir, &kib), -EINVAL);
	CU_ASSERT_EQUAL(kib, 262144);

	snprintf(path, sizeof(path), "%s/target_kb", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/info/current_kb", dir);
	unlink(path);
	rmdir(sub);
	rmdir(dir);
}

int main(void)
{
	static const struct suite_case tests[] = {
		{ "meminfo", test_meminfo },
		{ "meminfo malformed", test_meminfo_malformed },
		{ "vmstat", test_vmstat },
		{ "vmstat malformed", test_vmstat_malformed },
		{ "collect", test_collect },
		{ "read too big", test_read_too_big },
		{ "stock balloon files", test_stock_files },
	};

	return RUN_SUITE("agent procstat", tests);
}
