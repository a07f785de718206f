// SPDX-License-Identifier: MIT
/* One ballastd per host: see ballastd-lock.h. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "ballast_path.h"
#include "ballast_schema.h"
#include "ballastd-lock.h"
#include "status-json.h"

/* The decimal pid a holder wrote in @fd; 0 if none. */
static pid_t read_holder(int fd)
{
	char buf[24];
	ssize_t r = pread(fd, buf, sizeof(buf) - 1, 0);
	char *end;
	long pid;

	if (r <= 0)
		return 0;
	buf[r] = '\0';
	pid = strtol(buf, &end, 10);
	if (end == buf || (*end && *end != '\n') || pid <= 0 || pid > INT_MAX)
		return 0;
	return (pid_t)pid;
}

static int make_dir_of(const char *path)
{
	char dir[PATH_MAX];

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return -ENAMETOOLONG;
	if (mkdir(dirname(dir), 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

int bd_lock_take(const char *path, pid_t *holder)
{
	char pid[24];
	int fd, rc, n;

	*holder = 0;
	rc = make_dir_of(path);
	if (rc)
		return rc;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		rc = -errno;
		if (rc == -EWOULDBLOCK)
			*holder = read_holder(fd);
		close(fd);
		return rc;
	}
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) || pwrite(fd, pid, (size_t)n, 0) != n) {
		rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

/*
 * True if @proc_root/@pid/stat is a ballastd's, not a zombie's: a
 * SIGKILLed daemon not yet reaped holds no lock and steers nothing.
 */
static bool is_ballastd(const char *proc_root, pid_t pid)
{
	char path[PATH_MAX], line[256], *open_paren, *close_paren;
	bool yes = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%ld/stat", proc_root, (long)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (fgets(line, sizeof(line), f)) {
		/* "<pid> (<comm>) <state> ...": comm may hold anything, ')' too */
		open_paren = strchr(line, '(');
		close_paren = strrchr(line, ')');
		yes = open_paren && close_paren > open_paren &&
		      close_paren - open_paren - 1 == 8 &&
		      !strncmp(open_paren + 1, "ballastd", 8) &&
		      close_paren[1] == ' ' && close_paren[2] &&
		      !strchr("ZX", close_paren[2]);
	}
	fclose(f);
	return yes;
}

pid_t bd_lock_published(const struct bio *io, const char *proc_root, pid_t self)
{
	static const char *pid_key[] = { SJ_PID, NULL };
	char path[BALLAST_PATH_MAX], *val = NULL;
	yajl_val tree, v;
	pid_t pid = 0;
	size_t len = 0;

	if (ballast_path(path, sizeof(path), BALLAST_AT_TOOL, 0,
			 BALLAST_KEY_STATUS, NULL) ||
	    bio_read(io, BIO_TXN_NONE, path, &val, &len))
		return 0;
	tree = yajl_tree_parse(val, NULL, 0);
	free(val);
	if (!tree)
		return 0;
	v = yajl_tree_get(tree, pid_key, yajl_t_number);
	if (v && YAJL_IS_INTEGER(v) && YAJL_GET_INTEGER(v) > 0 &&
	    YAJL_GET_INTEGER(v) <= INT_MAX)
		pid = (pid_t)YAJL_GET_INTEGER(v);
	yajl_tree_free(tree);
	if (!pid || pid == self || !is_ballastd(proc_root, pid))
		return 0;
	return pid;
}

int bd_lock_host(const char *path, const struct bio *io, const char *proc_root,
		 char *err, size_t err_len)
{
	pid_t holder;
	int fd = bd_lock_take(path, &holder);

	if (fd == -EWOULDBLOCK) {
		if (holder)
			snprintf(err, err_len,
				 "ballastd (pid %ld) is running already (it holds %s): one ballastd per host, this one does nothing",
				 (long)holder, path);
		else
			snprintf(err, err_len,
				 "another ballastd is running already (it holds %s): one ballastd per host, this one does nothing",
				 path);
		return -1;
	}
	if (fd < 0) {
		snprintf(err, err_len, "%s: %s (the lock that keeps ballastd to one per host)",
			 path, strerror(-fd));
		return -1;
	}
	holder = bd_lock_published(io, proc_root, getpid());
	if (holder) {
		snprintf(err, err_len,
			 "ballastd (pid %ld) is running already (its pid is in /tool/ballast/status): one ballastd per host, this one does nothing",
			 (long)holder);
		close(fd);
		return -1;
	}
	return fd;
}
