/* SPDX-License-Identifier: MIT */
/*
 * The fake xenstore behind tests/fake/fake.h: a tree with permissions,
 * snapshot transactions and watches on a pipe. Functions named like a bio
 * op behave as that op (see dom0-tools/bio.h); the others are what the fake
 * Xen uses to build and tear down a domain's tree as the toolstack would.
 */
#ifndef FAKE_XENSTORE_H
#define FAKE_XENSTORE_H

#include "bio.h"

#define FXS_PATH_MAX	256

struct fxs;

struct fxs *fxs_new(void);
void fxs_free(struct fxs *s);

/* --- the toolstack's hand: no watch fires, nothing is counted ------------ */

/* Sets @path (and its parents, inheriting perms) to @val. */
int fxs_put(struct fxs *s, const char *path, const char *val);
/* Creates @path if missing and gives it @perms. */
int fxs_own(struct fxs *s, const char *path, const struct bio_perm *perms,
	    unsigned int n);
/* Removes @path and everything under it. */
void fxs_rm_tree(struct fxs *s, const char *path);
/* Something changed at @path (or a special watch such as @releaseDomain):
 * commits started before now fail, watches on it fire. */
void fxs_changed(struct fxs *s, const char *path);
/* A value as stored now (outside transactions), or NULL. */
const char *fxs_value(const struct fxs *s, const char *path);

/* A write as guest @domid would do it, honouring permissions: 0 or -EACCES. */
int fxs_guest_write(struct fxs *s, uint32_t domid, const char *path,
		    const char *val);

/* --- the bio's xenstore ops ---------------------------------------------- */

int fxs_txn_start(struct fxs *s, bio_txn *t);
int fxs_txn_end(struct fxs *s, bio_txn t, bool abort);
int fxs_read(struct fxs *s, bio_txn t, const char *path, char **val,
	     size_t *len);
int fxs_write(struct fxs *s, bio_txn t, const char *path, const char *val,
	      size_t len);
int fxs_mkdir(struct fxs *s, bio_txn t, const char *path);
int fxs_rm(struct fxs *s, bio_txn t, const char *path);
int fxs_directory(struct fxs *s, bio_txn t, const char *path, char ***names,
		  unsigned int *n);
int fxs_set_perms(struct fxs *s, bio_txn t, const char *path,
		  const struct bio_perm *perms, unsigned int n);
int fxs_get_perms(struct fxs *s, bio_txn t, const char *path,
		  struct bio_perm *perms, unsigned int *n);
int fxs_watch(struct fxs *s, const char *path, const char *token);
int fxs_unwatch(struct fxs *s, const char *path, const char *token);
int fxs_watch_fd(struct fxs *s);
int fxs_next_event(struct fxs *s, char **path, char **token);

/* --- switches and statistics --------------------------------------------- */

/* The next @count commits fail with -EAGAIN. */
void fxs_inject_eagain(struct fxs *s, unsigned int count);
unsigned int fxs_writes(const struct fxs *s);	/* committed writes/rm/mkdir/perms */
unsigned int fxs_commits_refused(const struct fxs *s);

#endif /* FAKE_XENSTORE_H */
