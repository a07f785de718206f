/* SPDX-License-Identifier: MIT */
/* A fake Xen, a ballastd on it, and helpers to play guest and clock. */
#ifndef DOM0_FIXTURE_H
#define DOM0_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "fake.h"
#include "ballastd.h"

#define MIB	1024ULL
#define GIB	(1024ULL * 1024)

struct fx {
	struct fake *f;
	struct ballastd bd;
	bool bd_up;
	char cfg_path[64];
	char *log;
	size_t log_len;
	size_t log_mark;	/* fx_log_clear(): only what came after counts */
	FILE *log_f;
	char *dry;
	size_t dry_len;
	FILE *dry_f;
	char paths[8][BALLAST_PATH_MAX];	/* fx_path()'s, used in turn */
	unsigned int next_path;
};

/* @config: INI text or NULL for defaults. Returns 0 or -1 (config refused). */
int fx_setup(struct fx *x, uint64_t host_kib, const char *config, bool dry_run);
void fx_teardown(struct fx *x);
/* SIGKILL and start again on the same xenstore: the daemon's memory is lost. */
int fx_restart(struct fx *x);
/* A guest's ballast driver report, written as the guest (perms honoured). */
void fx_report(struct fx *x, uint32_t domid, uint64_t seq, uint64_t current_kib,
	       uint64_t available_kib);
int fx_guest(struct fx *x, uint32_t domid, const char *rel, const char *val);
/* Events, tick, then @step_ms passes; @n times. */
void fx_run(struct fx *x, unsigned int n, uint64_t step_ms);
/* The value at an absolute @path as a number; UINT64_MAX if absent or not one. */
uint64_t fx_u64(struct fx *x, const char *path);
/* The value at /local/domain/<id>/<rel> as a number; UINT64_MAX if absent. */
uint64_t fx_dom_u64(struct fx *x, uint32_t domid, const char *rel);
const char *fx_dom_str(struct fx *x, uint32_t domid, const char *rel);
bool fx_logged(struct fx *x, const char *needle);
unsigned int fx_log_count(struct fx *x, const char *needle);
bool fx_dry_has(struct fx *x, const char *needle);
void fx_log_clear(struct fx *x);
/* A JSON field of /tool/ballast/domain/<id>/status, as text ("" if none). */
const char *fx_status_field(struct fx *x, uint32_t domid, const char *field,
			    char *buf, size_t size);
int fx_write_config(struct fx *x, const char *text);
/*
 * ballast_path() of @root, @id and the parts @a, @b, @c (those after the
 * first NULL are left out), in one of 8 buffers of @x used in turn: valid
 * until 8 more calls. "" if it does not fit.
 */
const char *fx_path(struct fx *x, enum ballast_root root, uint32_t id,
		    const char *a, const char *b, const char *c);

#endif /* DOM0_FIXTURE_H */
