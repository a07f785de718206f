// SPDX-License-Identifier: MIT
/* ballastd under systemd (ballastd-notify.c, and bd_log's priorities). */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ballastd-notify.h"
#include "run_suite.h"

/* JOURNAL_STREAM names stderr's file: only an exact dev:ino matches. */
static void test_journal_stream(void)
{
	char tmp[] = "/tmp/ballast-journal-XXXXXX", val[64];
	struct stat st;
	int fd = mkstemp(tmp);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(fstat(fd, &st) == 0);
	snprintf(val, sizeof(val), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	CU_ASSERT(bd_journal_stream_is(val, fd));
	/* inherited, then stderr redirected elsewhere: no match */
	snprintf(val, sizeof(val), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino + 1);
	CU_ASSERT(!bd_journal_stream_is(val, fd));
	snprintf(val, sizeof(val), "%llu:%llux", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	CU_ASSERT(!bd_journal_stream_is(val, fd));
	CU_ASSERT(!bd_journal_stream_is("", fd));
	CU_ASSERT(!bd_journal_stream_is("12", fd));
	CU_ASSERT(!bd_journal_stream_is(NULL, fd));
	CU_ASSERT(!bd_journal_stream_is(val, -1));
	close(fd);
	unlink(tmp);
}

/* Each line: "<N>" for the journal, plain otherwise. */
static void test_priority_prefix(void)
{
	struct bd_env env = { 0 };
	size_t len = 0;
	char *text = NULL;

	env.cfg.log = BD_LOG_STDERR;
	env.log_out = open_memstream(&text, &len);
	CU_ASSERT_FATAL(env.log_out != NULL);
	bd_log(&env, LOG_WARNING, "w %d", 1);
	env.log_prio_prefix = true;
	bd_log(&env, LOG_WARNING, "w %d", 2);
	bd_log(&env, LOG_ERR, "e");
	bd_log(&env, LOG_INFO, "i");
	bd_log(&env, LOG_DEBUG, "d");
	fclose(env.log_out);
	CU_ASSERT_STRING_EQUAL(text, "w 1\n<4>w 2\n<3>e\n<6>i\n");
	free(text);
}

static void test_status_text(void)
{
	struct ballastd bd;
	struct bd_dom doms[3];
	char buf[BD_STATUS_MAX];

	memset(&bd, 0, sizeof(bd));
	memset(doms, 0, sizeof(doms));
	doms[0].sub.managed = doms[2].sub.managed = true;
	bd.doms = (struct bd_table){ .d = doms, .n = 3 };
	bd.host.free_kib = 1536 * 1024;
	bd.env.count.ticks = 42;
	bd_notify_status(&bd, 0, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "3 domains, 2 steered; host free 1536 MiB; 42 ticks");
	bd_notify_status(&bd, -EIO, buf, sizeof(buf));
	CU_ASSERT(strstr(buf, "tick failed: ") == buf);
}

/* With WatchdogSec= the loop wakes at half the period, whatever tick-ms. */
static void test_watchdog_timeout(void)
{
	struct bd_notify n = { 0 };

	CU_ASSERT(bd_notify_timeout_ms(&n, 5000, 60000) == 60000);	/* off */
	n.watchdog_ms = 10000;
	n.pinged_ms = 1000;
	CU_ASSERT(bd_notify_timeout_ms(&n, 2000, 60000) == 4000);
	CU_ASSERT(bd_notify_timeout_ms(&n, 2000, 1000) == 1000);
	CU_ASSERT(bd_notify_timeout_ms(&n, 7000, 1000) == 0);
	bd_notify_keepalive(&n, 5000);		/* not due yet */
	CU_ASSERT(n.pinged_ms == 1000);
	bd_notify_keepalive(&n, 6000);		/* due: pinged */
	CU_ASSERT(n.pinged_ms == 6000);
}

int main(void)
{
	static const struct suite_case tests[] = {
		{ "JOURNAL_STREAM matches stderr's dev:ino", test_journal_stream },
		{ "journal lines carry <N> priorities", test_priority_prefix },
		{ "STATUS= text", test_status_text },
		{ "the watchdog is fed at half its period", test_watchdog_timeout },
	};

	return RUN_SUITE("ballastd under systemd", tests);
}
