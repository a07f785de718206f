// SPDX-License-Identifier: MIT
/*
 * The real backend: libxenctrl for domains, host memory and maxmem,
 * libxenstore for the store and its watches. The only file that calls Xen.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xenctrl.h>
#include <xenstore.h>

#include "bio.h"

#define XEN_KIB_PER_PAGE	4
#define LIST_CHUNK		256	/* domains per getinfolist call */

struct xen_ctx {
	xc_interface *xch;
	struct xs_handle *xsh;
};

static int op_list_domains(void *ctx, struct bio_dominfo **out, size_t *n)
{
	struct xen_ctx *x = ctx;
	xc_domaininfo_t info[LIST_CHUNK];
	struct bio_dominfo *list = NULL;
	size_t count = 0;
	uint32_t first = 0;

	for (;;) {
		struct bio_dominfo *grown;
		int r = xc_domain_getinfolist(x->xch, first, LIST_CHUNK, info);

		if (r < 0) {
			int err = errno ? -errno : -EIO;

			free(list);
			return err;
		}
		if (r == 0)
			break;
		grown = realloc(list, (count + (size_t)r) * sizeof(*list));
		if (!grown) {
			free(list);
			return -ENOMEM;
		}
		list = grown;
		for (int i = 0; i < r; i++)
			list[count++] = (struct bio_dominfo){
				.domid = info[i].domain,
				.tot_kib = (uint64_t)info[i].tot_pages * XEN_KIB_PER_PAGE,
				.max_kib = (uint64_t)info[i].max_pages * XEN_KIB_PER_PAGE,
				.dying = info[i].flags & XEN_DOMINF_dying,
				.shutdown = info[i].flags & XEN_DOMINF_shutdown,
				.paused = info[i].flags & XEN_DOMINF_paused,
				.outstanding_kib = (uint64_t)info[i].outstanding_pages *
						   XEN_KIB_PER_PAGE,
				.hvm = info[i].flags & XEN_DOMINF_hvm_guest,
				.max_vcpus = info[i].max_vcpu_id + 1,
			};
		if (r < LIST_CHUNK)
			break;
		first = info[r - 1].domain + 1;
	}
	*out = list;
	*n = count;
	return 0;
}

static int op_physinfo(void *ctx, struct bio_physinfo *out)
{
	struct xen_ctx *x = ctx;
	xc_physinfo_t pi = { 0 };
	int r = xc_physinfo(x->xch, &pi);

	if (r)
		return errno ? -errno : -EIO;
	*out = (struct bio_physinfo){
		.total_kib = (uint64_t)pi.total_pages * XEN_KIB_PER_PAGE,
		.free_kib = (uint64_t)pi.free_pages * XEN_KIB_PER_PAGE,
		.scrub_kib = (uint64_t)pi.scrub_pages * XEN_KIB_PER_PAGE,
		.outstanding_kib = (uint64_t)pi.outstanding_pages * XEN_KIB_PER_PAGE,
		.nr_cpus = pi.nr_cpus,
	};
	return 0;
}

static int op_set_maxmem(void *ctx, uint32_t domid, uint64_t maxmem_kib)
{
	struct xen_ctx *x = ctx;
	int r = xc_domain_setmaxmem(x->xch, domid, maxmem_kib);

	return r ? (errno ? -errno : -EIO) : 0;
}

static int op_vcpus_online(void *ctx, uint32_t domid, uint32_t max_vcpus,
			   uint32_t *online)
{
	struct xen_ctx *x = ctx;
	uint32_t count = 0;

	for (uint32_t v = 0; v < max_vcpus; v++) {
		xc_vcpuinfo_t info = { 0 };
		int r = xc_vcpu_getinfo(x->xch, domid, v, &info);

		if (r < 0)
			return errno ? -errno : -EIO;
		if (info.online)
			count++;
	}
	*online = count;
	return 0;
}

static int op_txn_start(void *ctx, bio_txn *t)
{
	struct xen_ctx *x = ctx;
	xs_transaction_t xt = xs_transaction_start(x->xsh);

	if (xt == XBT_NULL)
		return errno ? -errno : -EIO;
	*t = xt;
	return 0;
}

static int op_txn_end(void *ctx, bio_txn t, bool abort)
{
	struct xen_ctx *x = ctx;

	return xs_transaction_end(x->xsh, t, abort) ? 0 : (errno ? -errno : -EIO);
}

static int op_read(void *ctx, bio_txn t, const char *path, char **val,
		   size_t *len)
{
	struct xen_ctx *x = ctx;
	unsigned int l = 0;
	char *v = xs_read(x->xsh, t, path, &l);

	if (!v)
		return errno ? -errno : -EIO;
	*val = v;	/* libxenstore NUL-terminates */
	*len = l;
	return 0;
}

static int op_write(void *ctx, bio_txn t, const char *path, const char *val,
		    size_t len)
{
	struct xen_ctx *x = ctx;

	return xs_write(x->xsh, t, path, val, (unsigned int)len) ? 0 :
	       (errno ? -errno : -EIO);
}

static int op_mkdir(void *ctx, bio_txn t, const char *path)
{
	struct xen_ctx *x = ctx;

	return xs_mkdir(x->xsh, t, path) ? 0 : (errno ? -errno : -EIO);
}

static int op_rm(void *ctx, bio_txn t, const char *path)
{
	struct xen_ctx *x = ctx;

	return xs_rm(x->xsh, t, path) ? 0 : (errno ? -errno : -EIO);
}

static int op_directory(void *ctx, bio_txn t, const char *path,
			char ***names, unsigned int *n)
{
	struct xen_ctx *x = ctx;
	char **v = xs_directory(x->xsh, t, path, n);

	if (!v)
		return errno ? -errno : -EIO;
	*names = v;	/* one block, as bio promises */
	return 0;
}

static unsigned int to_xs(enum bio_perm_access a)
{
	switch (a) {
	case BIO_PERM_READ:
		return XS_PERM_READ;
	case BIO_PERM_WRITE:
		return XS_PERM_WRITE;
	case BIO_PERM_BOTH:
		return XS_PERM_READ | XS_PERM_WRITE;
	case BIO_PERM_NONE:
		break;
	}
	return XS_PERM_NONE;
}

static enum bio_perm_access from_xs(unsigned int p)
{
	p &= XS_PERM_READ | XS_PERM_WRITE;
	if (p == (XS_PERM_READ | XS_PERM_WRITE))
		return BIO_PERM_BOTH;
	if (p == XS_PERM_READ)
		return BIO_PERM_READ;
	if (p == XS_PERM_WRITE)
		return BIO_PERM_WRITE;
	return BIO_PERM_NONE;
}

static int op_set_perms(void *ctx, bio_txn t, const char *path,
			const struct bio_perm *perms, unsigned int n)
{
	struct xen_ctx *x = ctx;
	struct xs_permissions xp[BIO_PERMS_MAX];

	if (!n || n > BIO_PERMS_MAX)
		return -EINVAL;
	for (unsigned int i = 0; i < n; i++)
		xp[i] = (struct xs_permissions){ .id = perms[i].domid,
						 .perms = to_xs(perms[i].access) };
	return xs_set_permissions(x->xsh, t, path, xp, n) ? 0 :
	       (errno ? -errno : -EIO);
}

static int op_get_perms(void *ctx, bio_txn t, const char *path,
			struct bio_perm *perms, unsigned int *n)
{
	struct xen_ctx *x = ctx;
	unsigned int count = 0;
	struct xs_permissions *xp = xs_get_permissions(x->xsh, t, path, &count);

	if (!xp)
		return errno ? -errno : -EIO;
	if (count > *n) {
		free(xp);
		return -E2BIG;
	}
	for (unsigned int i = 0; i < count; i++)
		perms[i] = (struct bio_perm){ xp[i].id, from_xs(xp[i].perms) };
	*n = count;
	free(xp);
	return 0;
}

static int op_watch(void *ctx, const char *path, const char *token)
{
	struct xen_ctx *x = ctx;

	return xs_watch(x->xsh, path, token) ? 0 : (errno ? -errno : -EIO);
}

static int op_unwatch(void *ctx, const char *path, const char *token)
{
	struct xen_ctx *x = ctx;

	return xs_unwatch(x->xsh, path, token) ? 0 : (errno ? -errno : -EIO);
}

static int op_watch_fd(void *ctx)
{
	struct xen_ctx *x = ctx;

	return xs_fileno(x->xsh);
}

static int op_next_event(void *ctx, char **path, char **token)
{
	struct xen_ctx *x = ctx;
	char **vec = xs_check_watch(x->xsh);

	if (!vec)
		return errno == EAGAIN ? 0 : (errno ? -errno : -EIO);
	*path = strdup(vec[XS_WATCH_PATH]);
	*token = strdup(vec[XS_WATCH_TOKEN]);
	free(vec);
	if (!*path || !*token) {
		free(*path);
		free(*token);
		return -ENOMEM;
	}
	return 1;
}

static uint64_t op_now_ms(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	/* since boot, for every process: saved times outlive a restart */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void op_sleep_ms(void *ctx, uint64_t ms)
{
	struct timespec ts = { .tv_sec = (time_t)(ms / 1000),
			       .tv_nsec = (long)(ms % 1000) * 1000000 };

	(void)ctx;
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void op_close(void *ctx)
{
	struct xen_ctx *x = ctx;

	xs_close(x->xsh);
	xc_interface_close(x->xch);
	free(x);
}

static const struct bio_ops xen_ops = {
	.list_domains = op_list_domains,
	.physinfo = op_physinfo,
	.vcpus_online = op_vcpus_online,
	.set_maxmem = op_set_maxmem,
	.txn_start = op_txn_start,
	.txn_end = op_txn_end,
	.read = op_read,
	.write = op_write,
	.mkdir = op_mkdir,
	.rm = op_rm,
	.directory = op_directory,
	.set_perms = op_set_perms,
	.get_perms = op_get_perms,
	.watch = op_watch,
	.unwatch = op_unwatch,
	.watch_fd = op_watch_fd,
	.next_event = op_next_event,
	.now_ms = op_now_ms,
	.sleep_ms = op_sleep_ms,
	.close = op_close,
};

int bio_xen_open(struct bio *io)
{
	struct xen_ctx *x = calloc(1, sizeof(*x));
	int rc;

	if (!x)
		return -ENOMEM;
	x->xch = xc_interface_open(NULL, NULL, 0);
	if (!x->xch) {
		rc = errno ? -errno : -EIO;
		fprintf(stderr, "cannot open libxenctrl (is this a Xen dom0, as root?): %s\n",
			strerror(-rc));
		goto out_free;
	}
	x->xsh = xs_open(0);
	if (!x->xsh) {
		rc = errno ? -errno : -EIO;
		fprintf(stderr, "cannot connect to xenstore (is xenstored running?): %s\n",
			strerror(-rc));
		goto out_xc;
	}
	io->ops = &xen_ops;
	io->ctx = x;
	return 0;

out_xc:
	xc_interface_close(x->xch);
out_free:
	free(x);
	return rc;
}
