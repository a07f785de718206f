// SPDX-License-Identifier: MIT
/*
 * ballast-agent: reading and writing the stock balloon's sysfs files.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ballast_schema.h"
#include "procstat.h"
#include "stock.h"

static int path_of(char *buf, size_t size, const char *dir, const char *file)
{
	int n = snprintf(buf, size, "%s/%s", dir, file);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static int read_kib(const char *dir, const char *file, uint64_t *kib)
{
	char path[PATH_MAX], buf[32];
	long len;
	int rc;

	rc = path_of(path, sizeof(path), dir, file);
	if (rc)
		return rc;
	len = procstat_read(path, buf, sizeof(buf));
	if (len < 0)
		return (int)len;
	/* sysfs ends the number with a newline; nothing else may follow. */
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (ballast_parse_u64(buf, (size_t)len, kib) != BALLAST_OK)
		return -EINVAL;
	return 0;
}

int stock_read_target_kib(const char *dir, uint64_t *kib)
{
	return read_kib(dir, "target_kb", kib);
}

int stock_read_current_kib(const char *dir, uint64_t *kib)
{
	return read_kib(dir, "info/current_kb", kib);
}

int stock_write_target_kib(const char *dir, uint64_t kib)
{
	char path[PATH_MAX], buf[32];
	int fd, n, rc = 0;

	rc = path_of(path, sizeof(path), dir, "target_kb");
	if (rc)
		return rc;
	n = snprintf(buf, sizeof(buf), "%llu\n", (unsigned long long)kib);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, (size_t)n) != n)
		rc = errno ? -errno : -EIO;
	if (close(fd) && !rc)
		rc = -errno;
	return rc;
}
