// SPDX-License-Identifier: MIT
/*
 * The dry-run bio: ballastd --dry-run runs on it, and this file alone
 * decides what a dry run does. Everything that reads (Xen's domain list,
 * xenstore values, watches, the clock) goes to the real backend; every
 * change (a write, mkdir, rm, permission or maxmem) is printed as
 * "dry-run: ..." and reported done, so the daemon goes on as if it had
 * been made. The one write that goes through is the daemon's own status
 * (@pass_path), so that tools can tell a dry-running ballastd is there.
 * Transactions are pretend ones: their reads see the store as it is.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "bio.h"

#define DRY_TXN		1u	/* the pretend transaction's id */

struct dryrun {
	struct bio inner;
	FILE *out;
	char *pass_path;
};

static int dr_list_domains(void *ctx, struct bio_dominfo **out, size_t *n)
{
	struct dryrun *d = ctx;

	return d->inner.ops->list_domains(d->inner.ctx, out, n);
}

static int dr_physinfo(void *ctx, struct bio_physinfo *out)
{
	struct dryrun *d = ctx;

	return d->inner.ops->physinfo(d->inner.ctx, out);
}

static int dr_vcpus_online(void *ctx, uint32_t domid, uint32_t max_vcpus,
			   uint32_t *online)
{
	struct dryrun *d = ctx;

	return d->inner.ops->vcpus_online(d->inner.ctx, domid, max_vcpus, online);
}

static int dr_set_maxmem(void *ctx, uint32_t domid, uint64_t maxmem_kib)
{
	struct dryrun *d = ctx;

	fprintf(d->out, "dry-run: maxmem %" PRIu32 " = %" PRIu64 " KiB\n", domid,
		maxmem_kib);
	return 0;
}

static int dr_txn_start(void *ctx, bio_txn *t)
{
	(void)ctx;
	*t = DRY_TXN;
	return 0;
}

static int dr_txn_end(void *ctx, bio_txn t, bool abort)
{
	(void)ctx;
	(void)abort;
	return t == DRY_TXN ? 0 : -EINVAL;
}

static int dr_read(void *ctx, bio_txn t, const char *path, char **val,
		   size_t *len)
{
	struct dryrun *d = ctx;

	(void)t;
	return d->inner.ops->read(d->inner.ctx, BIO_TXN_NONE, path, val, len);
}

static int dr_write(void *ctx, bio_txn t, const char *path, const char *val,
		    size_t len)
{
	struct dryrun *d = ctx;

	if (t == BIO_TXN_NONE && d->pass_path && !strcmp(path, d->pass_path))
		return d->inner.ops->write(d->inner.ctx, BIO_TXN_NONE, path, val, len);
	fprintf(d->out, "dry-run: write %s = %.*s\n", path, (int)len, val);
	return 0;
}

static int dr_mkdir(void *ctx, bio_txn t, const char *path)
{
	struct dryrun *d = ctx;

	(void)t;
	fprintf(d->out, "dry-run: mkdir %s\n", path);
	return 0;
}

static int dr_rm(void *ctx, bio_txn t, const char *path)
{
	struct dryrun *d = ctx;

	(void)t;
	fprintf(d->out, "dry-run: rm %s\n", path);
	return 0;
}

static int dr_directory(void *ctx, bio_txn t, const char *path, char ***names,
			unsigned int *n)
{
	struct dryrun *d = ctx;

	(void)t;
	return d->inner.ops->directory(d->inner.ctx, BIO_TXN_NONE, path, names, n);
}

/* As xenstore-chmod writes them: n0 r7 ... */
static int dr_set_perms(void *ctx, bio_txn t, const char *path,
			const struct bio_perm *perms, unsigned int n)
{
	static const char letter[] = { 'n', 'r', 'w', 'b' };
	struct dryrun *d = ctx;

	(void)t;
	fprintf(d->out, "dry-run: perms %s", path);
	for (unsigned int i = 0; i < n; i++)
		fprintf(d->out, " %c%" PRIu32, letter[perms[i].access & 3],
			perms[i].domid);
	fputc('\n', d->out);
	return 0;
}

static int dr_get_perms(void *ctx, bio_txn t, const char *path,
			struct bio_perm *perms, unsigned int *n)
{
	struct dryrun *d = ctx;

	(void)t;
	return d->inner.ops->get_perms(d->inner.ctx, BIO_TXN_NONE, path, perms, n);
}

static int dr_watch(void *ctx, const char *path, const char *token)
{
	struct dryrun *d = ctx;

	return d->inner.ops->watch(d->inner.ctx, path, token);
}

static int dr_unwatch(void *ctx, const char *path, const char *token)
{
	struct dryrun *d = ctx;

	return d->inner.ops->unwatch(d->inner.ctx, path, token);
}

static int dr_watch_fd(void *ctx)
{
	struct dryrun *d = ctx;

	return d->inner.ops->watch_fd(d->inner.ctx);
}

static int dr_next_event(void *ctx, char **path, char **token)
{
	struct dryrun *d = ctx;

	return d->inner.ops->next_event(d->inner.ctx, path, token);
}

static uint64_t dr_now_ms(void *ctx)
{
	struct dryrun *d = ctx;

	return d->inner.ops->now_ms(d->inner.ctx);
}

static void dr_sleep_ms(void *ctx, uint64_t ms)
{
	struct dryrun *d = ctx;

	d->inner.ops->sleep_ms(d->inner.ctx, ms);
}

static void dr_close(void *ctx)
{
	struct dryrun *d = ctx;

	bio_close(&d->inner);
	free(d->pass_path);
	free(d);
}

static const struct bio_ops dryrun_ops = {
	.list_domains = dr_list_domains,
	.physinfo = dr_physinfo,
	.vcpus_online = dr_vcpus_online,
	.set_maxmem = dr_set_maxmem,
	.txn_start = dr_txn_start,
	.txn_end = dr_txn_end,
	.read = dr_read,
	.write = dr_write,
	.mkdir = dr_mkdir,
	.rm = dr_rm,
	.directory = dr_directory,
	.set_perms = dr_set_perms,
	.get_perms = dr_get_perms,
	.watch = dr_watch,
	.unwatch = dr_unwatch,
	.watch_fd = dr_watch_fd,
	.next_event = dr_next_event,
	.now_ms = dr_now_ms,
	.sleep_ms = dr_sleep_ms,
	.close = dr_close,
};

int bio_dryrun_open(struct bio *io, const struct bio *inner, FILE *out,
		    const char *pass_path)
{
	struct dryrun *d = calloc(1, sizeof(*d));

	if (!d)
		return -ENOMEM;
	if (pass_path) {
		d->pass_path = strdup(pass_path);
		if (!d->pass_path) {
			free(d);
			return -ENOMEM;
		}
	}
	d->inner = *inner;
	d->out = out;
	io->ops = &dryrun_ops;
	io->ctx = d;
	return 0;
}
