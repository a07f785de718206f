// SPDX-License-Identifier: MIT
/*
 * ballast-agent: /proc/meminfo, /proc/vmstat, /proc/pressure/memory (parsed
 * by the core's bpsi.c, which ballast.ko shares).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpsi.h"
#include "procstat.h"

/* One line of @text: [*pos, end of line). Advances *pos past the newline. */
static bool next_line(const char *text, size_t len, size_t *pos,
		      const char **line, size_t *line_len)
{
	const char *nl;

	if (*pos >= len)
		return false;
	*line = text + *pos;
	nl = memchr(*line, '\n', len - *pos);
	*line_len = nl ? (size_t)(nl - *line) : len - *pos;
	*pos += *line_len + (nl != NULL);
	return true;
}

static bool starts_with(const char *line, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(line, prefix, n) == 0;
}

/* "Name:" spaces digits " kB" */
static bool meminfo_value(const char *line, size_t len, const char *name,
			  uint64_t *out)
{
	size_t n = strlen(name), i;

	if (len < n + 1 || memcmp(line, name, n) != 0 || line[n] != ':')
		return false;
	i = n + 1;
	while (i < len && line[i] == ' ')
		i++;
	if (len < i + 3 || memcmp(line + len - 3, " kB", 3) != 0)
		return false;
	return bpsi_parse_dec(line + i, len - 3 - i, out);
}

int procstat_parse_meminfo(const char *text, size_t len, struct meminfo *out)
{
	enum { TOTAL = 1, AVAIL = 2, COMMITTED = 4, ALL = 7 };
	const char *line;
	size_t pos = 0, n;
	unsigned int seen = 0;

	while (next_line(text, len, &pos, &line, &n)) {
		if (starts_with(line, n, "MemTotal:")) {
			if (!meminfo_value(line, n, "MemTotal", &out->mem_total_kib))
				return -EINVAL;
			seen |= TOTAL;
		} else if (starts_with(line, n, "MemAvailable:")) {
			if (!meminfo_value(line, n, "MemAvailable",
					   &out->mem_available_kib))
				return -EINVAL;
			seen |= AVAIL;
		} else if (starts_with(line, n, "Committed_AS:")) {
			if (!meminfo_value(line, n, "Committed_AS",
					   &out->committed_as_kib))
				return -EINVAL;
			seen |= COMMITTED;
		}
	}
	return seen == ALL ? 0 : -EINVAL;
}

/* "name digits" */
static bool vmstat_value(const char *line, size_t len, const char *name,
			 uint64_t *out)
{
	size_t n = strlen(name);

	if (len < n + 2 || memcmp(line, name, n) != 0 || line[n] != ' ')
		return false;
	return bpsi_parse_dec(line + n + 1, len - n - 1, out);
}

int procstat_parse_vmstat(const char *text, size_t len, struct vmstat *out)
{
	static const struct {
		const char *name;
		size_t offset;
	} keys[] = {
		{ "pswpin", offsetof(struct vmstat, pswpin) },
		{ "pswpout", offsetof(struct vmstat, pswpout) },
		{ "pgmajfault", offsetof(struct vmstat, pgmajfault) },
		{ "oom_kill", offsetof(struct vmstat, oom_kill) },
	};
	const size_t nkeys = sizeof(keys) / sizeof(keys[0]);
	const char *line;
	size_t pos = 0, n, k;
	unsigned int seen = 0;

	while (next_line(text, len, &pos, &line, &n)) {
		for (k = 0; k < nkeys; k++) {
			size_t kl = strlen(keys[k].name);

			/* Exact name: pgmajfault is not pgmajfault_s. */
			if (n <= kl || memcmp(line, keys[k].name, kl) != 0 ||
			    line[kl] != ' ')
				continue;
			if (!vmstat_value(line, n, keys[k].name,
					  (uint64_t *)((char *)out + keys[k].offset)))
				return -EINVAL;
			seen |= 1U << k;
		}
	}
	return seen == (1U << nkeys) - 1 ? 0 : -EINVAL;
}

long procstat_read(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t r = read(fd, buf + len, size - len);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			close(fd);
			return err;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len == size) {
			close(fd);
			return -EFBIG;
		}
	}
	close(fd);
	return (long)len;
}

int procstat_collect(const struct procstat_paths *p, struct breport_stats *s,
		     struct meminfo *mem)
{
	struct meminfo mi;
	struct vmstat vs;
	struct bpsi psi;
	char *buf;
	long len;
	int rc;

	buf = malloc(PROCSTAT_MAX_FILE);
	if (!buf)
		return -ENOMEM;

	len = procstat_read(p->meminfo, buf, PROCSTAT_MAX_FILE);
	rc = len < 0 ? (int)len : procstat_parse_meminfo(buf, (size_t)len, &mi);
	if (rc)
		goto out_buf;
	len = procstat_read(p->vmstat, buf, PROCSTAT_MAX_FILE);
	rc = len < 0 ? (int)len : procstat_parse_vmstat(buf, (size_t)len, &vs);
	if (rc)
		goto out_buf;

	breport_set(s, BALLAST_K_MEM_AVAILABLE, mi.mem_available_kib);
	breport_set(s, BALLAST_K_COMMITTED_AS, mi.committed_as_kib);
	breport_set(s, BALLAST_K_SWAP_IN, vs.pswpin);
	breport_set(s, BALLAST_K_SWAP_OUT, vs.pswpout);
	breport_set(s, BALLAST_K_MAJOR_FAULTS, vs.pgmajfault);
	breport_set(s, BALLAST_K_OOM_KILLS, vs.oom_kill);

	/* No PSI (CONFIG_PSI off, psi=0): leave the keys out, not zero. */
	len = p->psi_memory ? procstat_read(p->psi_memory, buf, PROCSTAT_MAX_FILE) : -ENOENT;
	if (len >= 0 && bpsi_parse(buf, (size_t)len, &psi))
		bpsi_report(&psi, s);
	if (mem)
		*mem = mi;
out_buf:
	free(buf);
	return rc;
}
