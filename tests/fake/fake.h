/* SPDX-License-Identifier: MIT */
/*
 * An in-memory Xen for tests: a xenstore tree with permissions and
 * snapshot transactions, watches on a pipe, domains whose memory moves
 * toward their balloon target at a set rate, a clock the test drives, and
 * switches to inject EAGAIN conflicts, failures and vanishing domains.
 * The fake Xen is fake-xen.c, its xenstore fake-xenstore.c. The product
 * never links it: ballastd and ballastctl have only the real backend.
 */
#ifndef BALLAST_FAKE_H
#define BALLAST_FAKE_H

#include "bio.h"

struct fake;

enum fake_op {
	FAKE_OP_LIST = 0,
	FAKE_OP_PHYSINFO,
	FAKE_OP_MAXMEM,
	FAKE_OP_READ,
	FAKE_OP_WRITE,
	FAKE_OP_TXN_START,
	FAKE_OP_VCPUS,
	FAKE_OP__COUNT
};

/* Which xenstore key a fake domain's memory follows. */
enum fake_balloon {
	FAKE_BALLOON_NONE = 0,
	FAKE_BALLOON_STOCK,	/* memory/target */
	FAKE_BALLOON_BALLAST,	/* memory/ballast/target */
};

struct fake *fake_new(uint64_t host_total_kib);
void fake_free(struct fake *f);
/* A bio over the fake; closing it does not free the fake. */
void fake_bio(struct fake *f, struct bio *io);

/* Adds a running domain with {name,memory/static-max,memory/target} in its home. */
int fake_add_domain(struct fake *f, uint32_t domid, const char *name,
		    uint64_t mem_kib, uint64_t static_max_kib,
		    enum fake_balloon balloon, uint64_t rate_kib_s);
/* Removes the domain and its tree at once and fires @releaseDomain. */
void fake_remove_domain(struct fake *f, uint32_t domid);
/* The domain disappears when the @nth next transaction starts (1 = next). */
void fake_vanish_at_txn(struct fake *f, uint32_t domid, unsigned int nth);
void fake_set_rate(struct fake *f, uint32_t domid, uint64_t rate_kib_s);
/* A hostile guest: its memory grows to maxmem, whatever its target says. */
void fake_set_greedy(struct fake *f, uint32_t domid, bool greedy);
void fake_set_dying(struct fake *f, uint32_t domid, bool dying);
/* Paused with an outstanding claim, as libxl holds a domain it is building. */
void fake_set_building(struct fake *f, uint32_t domid, bool building);
uint64_t fake_actual_kib(const struct fake *f, uint32_t domid);
uint64_t fake_maxmem_kib(const struct fake *f, uint32_t domid);

/* What a fake guest does with cpu/N/availability (as fake_advance runs). */
enum fake_vcpu_guest {
	FAKE_VCPU_FOLLOW = 0,	/* a ballast frontend: up on online, down on offline */
	FAKE_VCPU_STOCK,	/* the stock kernel: down on offline, never up */
	FAKE_VCPU_STUCK,	/* nothing moves: every offline is refused */
};

/*
 * Gives the domain @max_vcpus vCPUs of which 0..@online-1 are online, and
 * writes cpu/N/availability as libxl does at creation. A domain not given
 * any has 1 vCPU and no cpu/ nodes.
 */
int fake_set_vcpus(struct fake *f, uint32_t domid, uint32_t max_vcpus,
		   uint32_t online);
void fake_set_vcpu_guest(struct fake *f, uint32_t domid,
			 enum fake_vcpu_guest mode);
/* "pv" (the default), "pvh" or "hvm": the hvm flag and /libxl/<id>/type. */
void fake_set_type(struct fake *f, uint32_t domid, const char *type);
/* The host's physical CPUs (4 unless set). */
void fake_set_pcpus(struct fake *f, uint32_t nr_cpus);
/* vCPUs Xen has online now; 0 for an unknown domain. */
uint32_t fake_vcpus_online(const struct fake *f, uint32_t domid);

/* Time passes: domains move toward their targets. */
void fake_advance(struct fake *f, uint64_t ms);
/* Called by sleep_ms() after the clock moved (lets a test run a daemon). */
void fake_on_sleep(struct fake *f, void (*fn)(void *arg), void *arg);

/* Called after each read by the bio, with its path: lets a test play a
 * guest that writes between two reads of the daemon. NULL: none. */
void fake_on_read(struct fake *f,
		  void (*fn)(struct fake *f, const char *path, void *arg),
		  void *arg);

/* The next @count commits fail with -EAGAIN. */
void fake_inject_eagain(struct fake *f, unsigned int count);
/* The next @count calls of @op fail with @err (negative errno). */
void fake_inject_failure(struct fake *f, enum fake_op op, int err,
			 unsigned int count);

/* A write as guest @domid would do it, honouring permissions: 0 or -EACCES. */
int fake_guest_write(struct fake *f, uint32_t domid, const char *path,
		     const char *val);

/* Statistics for assertions. */
unsigned int fake_writes(const struct fake *f);	/* committed writes/rm/mkdir/perms */
unsigned int fake_maxmem_calls(const struct fake *f);
unsigned int fake_commits_refused(const struct fake *f);
/* A value as stored now, or NULL. Points into the fake; do not keep it. */
const char *fake_value(const struct fake *f, const char *path);

#endif /* BALLAST_FAKE_H */
