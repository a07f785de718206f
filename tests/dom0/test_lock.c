// SPDX-License-Identifier: MIT
/* One ballastd per host (ballastd-lock.c): the lock file and the published pid. */
#include <CUnit/Basic.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ballast_path.h"
#include "ballast_schema.h"
#include "ballastd-lock.h"
#include "fake.h"
#include "run_suite.h"

struct dirs {
	char root[64];		/* removed by cleanup() */
	char lock[128];		/* <root>/run/ballastd.lock: run/ made by the lock */
	char proc[128];		/* <root>/proc: a fake /proc */
};

static void make_dirs(struct dirs *d)
{
	snprintf(d->root, sizeof(d->root), "/tmp/ballast-lock-XXXXXX");
	CU_ASSERT_FATAL(mkdtemp(d->root) != NULL);
	snprintf(d->lock, sizeof(d->lock), "%s/run/ballastd.lock", d->root);
	snprintf(d->proc, sizeof(d->proc), "%s/proc", d->root);
	CU_ASSERT_FATAL(mkdir(d->proc, 0755) == 0);
}

/* A fake /proc/<pid>/stat: "<pid> (<comm>) <state> 1 ...". */
static void fake_stat(const struct dirs *d, long pid, const char *comm, char state)
{
	char path[192];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%ld", d->proc, pid);
	CU_ASSERT_FATAL(mkdir(path, 0755) == 0 || errno == EEXIST);
	snprintf(path, sizeof(path), "%s/%ld/stat", d->proc, pid);
	f = fopen(path, "w");
	CU_ASSERT_FATAL(f != NULL);
	fprintf(f, "%ld (%s) %c 1 4242 4242 0 -1 4194560 1 0 0 0\n", pid, comm, state);
	fclose(f);
}

static void cleanup(const struct dirs *d)
{
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d->root);
	CU_ASSERT(system(cmd) == 0);
}

static void test_second_refused(void)
{
	struct dirs d;
	char buf[32] = "";
	pid_t holder = -1;
	int fd, fd2;
	FILE *f;

	make_dirs(&d);
	fd = bd_lock_take(d.lock, &holder);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(holder == 0);
	CU_ASSERT(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	f = fopen(d.lock, "r");
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT(fgets(buf, sizeof(buf), f) != NULL);
	fclose(f);
	CU_ASSERT(atol(buf) == (long)getpid());

	/* a second open file, as a second ballastd has: refused, holder named */
	fd2 = bd_lock_take(d.lock, &holder);
	CU_ASSERT(fd2 == -EWOULDBLOCK);
	CU_ASSERT(holder == getpid());
	/* the holder's pid stays in the file */
	f = fopen(d.lock, "r");
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT(fgets(buf, sizeof(buf), f) != NULL);
	fclose(f);
	CU_ASSERT(atol(buf) == (long)getpid());

	/* the holder exits (or is killed): the next one takes it */
	close(fd);
	fd = bd_lock_take(d.lock, &holder);
	CU_ASSERT(fd >= 0);
	if (fd >= 0)
		close(fd);
	cleanup(&d);
}

/* Another process holds it: a child, as the daemon beside a cron --once. */
static void test_other_process_named(void)
{
	char err[256] = "", want[64];
	int ready[2], done[2];
	struct dirs d;
	struct bio io;
	struct fake *f;
	pid_t child;
	char c;
	int fd;

	make_dirs(&d);
	CU_ASSERT_FATAL(pipe(ready) == 0 && pipe(done) == 0);
	child = fork();
	CU_ASSERT_FATAL(child >= 0);
	if (child == 0) {
		pid_t h;
		int cfd = bd_lock_take(d.lock, &h);

		c = cfd >= 0 ? 'y' : 'n';
		if (write(ready[1], &c, 1) != 1 || read(done[0], &c, 1) != 1)
			_exit(1);
		_exit(0);
	}
	CU_ASSERT_FATAL(read(ready[0], &c, 1) == 1 && c == 'y');
	f = fake_new(1024 * 1024);
	CU_ASSERT_FATAL(f != NULL);
	fake_bio(f, &io);
	fd = bd_lock_host(d.lock, &io, d.proc, err, sizeof(err));
	CU_ASSERT(fd == -1);
	snprintf(want, sizeof(want), "ballastd (pid %ld) is running already", (long)child);
	CU_ASSERT(strstr(err, want) != NULL);
	CU_ASSERT(strstr(err, "one ballastd per host") != NULL);
	CU_ASSERT(write(done[1], "x", 1) == 1);
	CU_ASSERT(waitpid(child, NULL, 0) == child);
	/* gone: free to take */
	fd = bd_lock_host(d.lock, &io, d.proc, err, sizeof(err));
	CU_ASSERT(fd >= 0);
	if (fd >= 0)
		close(fd);
	bio_close(&io);
	fake_free(f);
	close(ready[0]);
	close(ready[1]);
	close(done[0]);
	close(done[1]);
	cleanup(&d);
}

static void publish_pid(struct bio *io, const char *json)
{
	char path[BALLAST_PATH_MAX];

	CU_ASSERT_FATAL(ballast_path(path, sizeof(path), BALLAST_AT_TOOL, 0,
				     BALLAST_KEY_STATUS, NULL) == 0);
	CU_ASSERT(bio_write_str(io, BIO_TXN_NONE, path, json) == 0);
}

/* A ballastd whose lock is not ours to see, by the pid it publishes. */
static void test_published_pid(void)
{
	char err[256] = "", json[64];
	struct dirs d;
	struct bio io;
	struct fake *f;
	int fd;

	make_dirs(&d);
	f = fake_new(1024 * 1024);
	CU_ASSERT_FATAL(f != NULL);
	fake_bio(f, &io);
	/* nothing published */
	CU_ASSERT(bd_lock_published(&io, d.proc, getpid()) == 0);
	publish_pid(&io, "{\"pid\":4242,\"tick_ms\":1000,\"dry_run\":false}");
	/* a pid that is gone, or is no ballastd (used again): not running */
	CU_ASSERT(bd_lock_published(&io, d.proc, getpid()) == 0);
	fake_stat(&d, 4242, "bash", 'S');
	CU_ASSERT(bd_lock_published(&io, d.proc, getpid()) == 0);
	fake_stat(&d, 4242, "ballastd) S (x", 'S');	/* a comm made to look like one */
	CU_ASSERT(bd_lock_published(&io, d.proc, getpid()) == 0);
	fake_stat(&d, 4242, "ballastd", 'Z');	/* SIGKILLed, not reaped yet */
	CU_ASSERT(bd_lock_published(&io, d.proc, getpid()) == 0);
	fake_stat(&d, 4242, "ballastd", 'S');
	CU_ASSERT(bd_lock_published(&io, d.proc, getpid()) == 4242);
	/* its own pid (a restart that kept it): not another */
	CU_ASSERT(bd_lock_published(&io, d.proc, 4242) == 0);

	fd = bd_lock_host(d.lock, &io, d.proc, err, sizeof(err));
	CU_ASSERT(fd == -1);
	CU_ASSERT(strstr(err, "ballastd (pid 4242) is running already") != NULL);
	/* the refusal let go of the file lock */
	fd = bd_lock_host(d.lock, &io, d.proc, err, sizeof(err));
	CU_ASSERT(fd == -1);
	publish_pid(&io, "{\"pid\":\"4242\"}");
	CU_ASSERT(bd_lock_published(&io, d.proc, getpid()) == 0);
	snprintf(json, sizeof(json), "not json");
	publish_pid(&io, json);
	fd = bd_lock_host(d.lock, &io, d.proc, err, sizeof(err));
	CU_ASSERT(fd >= 0);
	if (fd >= 0)
		close(fd);
	bio_close(&io);
	fake_free(f);
	cleanup(&d);
}

int main(void)
{
	static const struct suite_case tests[] = {
		{ "a second ballastd is refused, the holder named", test_second_refused },
		{ "a lock held by another process names its pid",
		  test_other_process_named },
		{ "a live ballastd's published pid refuses too", test_published_pid },
	};

	return RUN_SUITE("ballastd-lock", tests);
}
