/* SPDX-License-Identifier: MIT */
/*
 * bio: the one door to Xen for ballastd and ballastctl (squeezed's `io`
 * record). Everything that touches the hypervisor, xenstore or the clock
 * goes through a struct bio; backend-xen.c is the only file that calls
 * libxenctrl/libxenstore; tests/fake/ is an in-memory stand-in for tests.
 *
 * Conventions: functions returning int give 0 or -errno. Strings and arrays
 * handed out are malloc()ed and belong to the caller. A transaction id of
 * BIO_TXN_NONE means "outside any transaction". txn_end() returns -EAGAIN when
 * xenstore refused the commit because of a concurrent change (retry it).
 */
#ifndef BALLAST_BIO_H
#define BALLAST_BIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define BIO_TXN_NONE	0u

typedef uint32_t bio_txn;

struct bio_dominfo {
	uint32_t domid;
	uint64_t tot_kib;	/* tot_pages * 4 */
	uint64_t max_kib;	/* max_pages * 4 */
	bool dying;
	bool shutdown;
	bool paused;
	uint64_t outstanding_kib;	/* claimed, not yet allocated */
	/* XEN_DOMINF_hvm_guest: HVM, and PVH too (an HVM container; libxl
	 * tells the two apart by /libxl/<domid>/type) */
	bool hvm;
	uint32_t max_vcpus;	/* max_vcpu_id + 1: fixed at creation */
};

struct bio_physinfo {
	uint64_t total_kib;
	uint64_t free_kib;
	uint64_t scrub_kib;
	uint64_t outstanding_kib;
	uint32_t nr_cpus;	/* physical CPUs (xc_physinfo nr_cpus) */
};

/* One xenstore permission entry; the first is the owner + everyone's access. */
enum bio_perm_access {
	BIO_PERM_NONE = 0,
	BIO_PERM_READ,
	BIO_PERM_WRITE,
	BIO_PERM_BOTH,
};

struct bio_perm {
	uint32_t domid;
	enum bio_perm_access access;
};

#define BIO_PERMS_MAX	8

struct bio_ops {
	/* Every domain Xen knows, dying ones included. */
	int (*list_domains)(void *ctx, struct bio_dominfo **out, size_t *n);
	int (*physinfo)(void *ctx, struct bio_physinfo *out);
	int (*set_maxmem)(void *ctx, uint32_t domid, uint64_t maxmem_kib);
	/* How many of vCPUs 0..@max_vcpus-1 Xen has online
	 * (xc_vcpu_getinfo().online). -ESRCH if the domain is gone. */
	int (*vcpus_online)(void *ctx, uint32_t domid, uint32_t max_vcpus,
			    uint32_t *online);

	int (*txn_start)(void *ctx, bio_txn *t);
	int (*txn_end)(void *ctx, bio_txn t, bool abort);
	/* NUL-terminated copy in *val, its length in *len. -ENOENT if absent. */
	int (*read)(void *ctx, bio_txn t, const char *path, char **val,
		    size_t *len);
	int (*write)(void *ctx, bio_txn t, const char *path, const char *val,
		     size_t len);
	int (*mkdir)(void *ctx, bio_txn t, const char *path);
	int (*rm)(void *ctx, bio_txn t, const char *path);
	/* Child names as one malloc()ed block (free(*names) frees all). */
	int (*directory)(void *ctx, bio_txn t, const char *path, char ***names,
			 unsigned int *n);
	int (*set_perms)(void *ctx, bio_txn t, const char *path,
			 const struct bio_perm *perms, unsigned int n);
	int (*get_perms)(void *ctx, bio_txn t, const char *path,
			 struct bio_perm *perms, unsigned int *n);

	int (*watch)(void *ctx, const char *path, const char *token);
	int (*unwatch)(void *ctx, const char *path, const char *token);
	/* A descriptor that polls readable when a watch event may be queued. */
	int (*watch_fd)(void *ctx);
	/* Non-blocking: 1 and the event (malloc()ed), 0 if none, or -errno. */
	int (*next_event)(void *ctx, char **path, char **token);

	/* CLOCK_MONOTONIC in ms: one clock for every process of a boot, so
	 * times ballastd saves in xenstore mean the same after a restart */
	uint64_t (*now_ms)(void *ctx);
	void (*sleep_ms)(void *ctx, uint64_t ms);
	void (*close)(void *ctx);
};

struct bio {
	const struct bio_ops *ops;
	void *ctx;
};

/* Returns 0 and fills *io, or -errno (with a message on stderr). */
int bio_xen_open(struct bio *io);

/*
 * The dry-run bio over @inner (bio-dryrun.c): reads go to @inner, every
 * change is printed on @out as "dry-run: ..." and not made, except writes
 * of @pass_path (NULL: none) outside transactions. Takes @inner (closing
 * @io closes it). Returns 0 or -ENOMEM (and @inner is still the caller's).
 */
int bio_dryrun_open(struct bio *io, const struct bio *inner, FILE *out,
		    const char *pass_path);

static inline void bio_close(struct bio *io)
{
	if (io->ops)
		io->ops->close(io->ctx);
	io->ops = NULL;
	io->ctx = NULL;
}

/* --- helpers on top of the ops (bio-util.c) ------------------------------ */

/* Reads a value; -ENOENT if absent. *val is NUL-terminated. */
int bio_read(const struct bio *io, bio_txn t, const char *path, char **val,
	     size_t *len);
int bio_write_str(const struct bio *io, bio_txn t, const char *path,
		  const char *val);
int bio_write_u64(const struct bio *io, bio_txn t, const char *path,
		  uint64_t v);

/*
 * Runs @fn inside a transaction, retrying a commit that fails with -EAGAIN
 * up to @max_tries times. @fn returning non-zero aborts the transaction and
 * that value is returned. Returns 0, @fn's error, -EAGAIN after the last
 * retry, or the backend's error. *@tries (if not NULL) gets the attempts made.
 */
int bio_txn_run(const struct bio *io, unsigned int max_tries,
		int (*fn)(const struct bio *io, bio_txn t, void *arg), void *arg,
		unsigned int *tries);

#endif /* BALLAST_BIO_H */
