/* SPDX-License-Identifier: MIT */
/*
 * ballast-agent: the guest's memory statistics from /proc. Paths are
 * parameters so tests feed fake and malformed files. Parsers are strict:
 * a line that does not have the expected shape is refused, never guessed.
 */
#ifndef PROCSTAT_H
#define PROCSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "breport.h"

#define PROCSTAT_MAX_FILE	65536	/* /proc/vmstat is ~ 5 KiB */

struct procstat_paths {
	const char *meminfo;	/* /proc/meminfo */
	const char *vmstat;	/* /proc/vmstat */
	const char *psi_memory;	/* /proc/pressure/memory; may be absent */
};

struct meminfo {
	uint64_t mem_total_kib;
	uint64_t mem_available_kib;
	uint64_t committed_as_kib;
};

struct vmstat {
	uint64_t pswpin, pswpout, pgmajfault, oom_kill;
};

/*
 * Each parser takes @len bytes of @text (no NUL needed). Returns 0, or
 * -EINVAL if a needed line is missing or malformed; *@out is then
 * unspecified.
 */
int procstat_parse_meminfo(const char *text, size_t len, struct meminfo *out);
int procstat_parse_vmstat(const char *text, size_t len, struct vmstat *out);
/* /proc/pressure/memory: bpsi_parse() in the core (core/bpsi.h). */

/*
 * Reads a whole (small) file into @buf of @size. Returns its length, or
 * -errno (-EFBIG if it does not fit).
 */
long procstat_read(const char *path, char *buf, size_t size);

/*
 * Samples the three files into @s (mem-available, committed-as, swap-in,
 * swap-out, major-faults, oom-kills; psi-*-avg10 when the PSI file
 * exists and parses). Returns 0, or -errno from the first file that could
 * not be read or parsed (PSI missing is not an error: the keys are then
 * left out). Fills *@mem when non-NULL.
 */
int procstat_collect(const struct procstat_paths *p, struct breport_stats *s,
		     struct meminfo *mem);

#endif /* PROCSTAT_H */
