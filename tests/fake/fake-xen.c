// SPDX-License-Identifier: MIT
/*
 * The fake Xen: domains whose memory moves toward their balloon target at
 * a set rate, a host with a fixed total, a clock the test drives, and the
 * bio over it and the fake xenstore (fake-xenstore.c), with switches to
 * inject failures and vanishing domains.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ballast_path.h"
#include "ballast_schema.h"
#include "fake-xenstore.h"
#include "fake.h"

#define FAKE_MAX_DOMAINS	64

struct fdom {
	bool used;
	bool dying;
	bool building;		/* paused with a claim, as libxl builds it */
	uint32_t domid;
	uint64_t actual_kib;
	uint64_t maxmem_kib;
	uint64_t rate_kib_s;
	enum fake_balloon balloon;
	bool greedy;		/* takes every page maxmem lets it */
	unsigned int vanish_at_txn;	/* 0: never */
	bool hvm;		/* XEN_DOMINF_hvm_guest (HVM or PVH) */
	uint32_t max_vcpus;
	uint32_t online_vcpus;	/* a bitmap would be Xen's; a count is enough */
	enum fake_vcpu_guest vcpu_guest;
};

struct fake {
	struct fxs *xs;
	uint64_t total_kib;
	uint32_t nr_cpus;	/* physical CPUs */
	uint64_t now_ms;
	struct fdom doms[FAKE_MAX_DOMAINS];
	int fail_err[FAKE_OP__COUNT];
	unsigned int fail_left[FAKE_OP__COUNT];
	unsigned int maxmem_calls;
	void (*on_sleep)(void *arg);
	void *on_sleep_arg;
	void (*on_read)(struct fake *f, const char *path, void *arg);
	void *on_read_arg;
};

/* --- injected failures ------------------------------------------------------ */

static int injected(struct fake *f, enum fake_op op)
{
	if (!f->fail_left[op])
		return 0;
	f->fail_left[op]--;
	return f->fail_err[op];
}

void fake_inject_failure(struct fake *f, enum fake_op op, int err,
			 unsigned int count)
{
	f->fail_err[op] = err;
	f->fail_left[op] = count;
}

void fake_inject_eagain(struct fake *f, unsigned int count)
{
	fxs_inject_eagain(f->xs, count);
}

/* --- domains --------------------------------------------------------------- */

static struct fdom *dom_find(const struct fake *f, uint32_t domid)
{
	for (size_t i = 0; i < FAKE_MAX_DOMAINS; i++)
		if (f->doms[i].used && f->doms[i].domid == domid)
			return (struct fdom *)&f->doms[i];
	return NULL;
}

static void dom_path(char *buf, uint32_t domid, const char *rel)
{
	ballast_path(buf, FXS_PATH_MAX, BALLAST_AT_DOMAIN, domid, rel, NULL);
}

static void put_u64(struct fake *f, uint32_t domid, const char *rel, uint64_t v)
{
	char path[FXS_PATH_MAX], num[24];

	snprintf(num, sizeof(num), "%" PRIu64, v);
	dom_path(path, domid, rel);
	fxs_put(f->xs, path, num);
}

int fake_add_domain(struct fake *f, uint32_t domid, const char *name,
		    uint64_t mem_kib, uint64_t static_max_kib,
		    enum fake_balloon balloon, uint64_t rate_kib_s)
{
	/* As xl does: the domain may read its tree, dom0 owns it... */
	const struct bio_perm home[2] = {
		{ 0, BIO_PERM_NONE }, { domid, BIO_PERM_READ },
	};
	/* ...except its own writable corners (xl makes all of data/ guest-owned). */
	const struct bio_perm data[2] = {
		{ domid, BIO_PERM_NONE }, { domid, BIO_PERM_READ },
	};
	const struct bio_perm feature[1] = { { domid, BIO_PERM_NONE } };
	char path[FXS_PATH_MAX];
	struct fdom *d = NULL;

	for (size_t i = 0; i < FAKE_MAX_DOMAINS && !d; i++)
		if (!f->doms[i].used)
			d = &f->doms[i];
	if (!d || dom_find(f, domid))
		return -EEXIST;
	*d = (struct fdom){ .used = true, .domid = domid,
			    .actual_kib = mem_kib,
			    .maxmem_kib = static_max_kib,
			    .rate_kib_s = rate_kib_s, .balloon = balloon,
			    .max_vcpus = 1, .online_vcpus = 1 };
	dom_path(path, domid, NULL);
	if (fxs_own(f->xs, path, home, 2))
		return -ENOMEM;
	dom_path(path, domid, BALLAST_STOCK_NAME);
	fxs_put(f->xs, path, name);
	put_u64(f, domid, BALLAST_STOCK_STATIC_MAX, static_max_kib);
	put_u64(f, domid, BALLAST_STOCK_TARGET, mem_kib);
	dom_path(path, domid, BALLAST_DATA_DIR);
	fxs_own(f->xs, path, data, 2);
	dom_path(path, domid, BALLAST_STOCK_FEATURE_BALLOON);
	fxs_own(f->xs, path, feature, 1);
	fxs_changed(f->xs, "@introduceDomain");
	return 0;
}

void fake_remove_domain(struct fake *f, uint32_t domid)
{
	struct fdom *d = dom_find(f, domid);
	char path[FXS_PATH_MAX];

	if (!d)
		return;
	d->used = false;
	dom_path(path, domid, NULL);
	fxs_rm_tree(f->xs, path);
	fxs_changed(f->xs, "@releaseDomain");
}

void fake_vanish_at_txn(struct fake *f, uint32_t domid, unsigned int nth)
{
	struct fdom *d = dom_find(f, domid);

	if (d)
		d->vanish_at_txn = nth;
}

void fake_set_rate(struct fake *f, uint32_t domid, uint64_t rate_kib_s)
{
	struct fdom *d = dom_find(f, domid);

	if (d)
		d->rate_kib_s = rate_kib_s;
}

void fake_set_greedy(struct fake *f, uint32_t domid, bool greedy)
{
	struct fdom *d = dom_find(f, domid);

	if (d)
		d->greedy = greedy;
}

void fake_set_dying(struct fake *f, uint32_t domid, bool dying)
{
	struct fdom *d = dom_find(f, domid);

	if (d)
		d->dying = dying;
}

void fake_set_building(struct fake *f, uint32_t domid, bool building)
{
	struct fdom *d = dom_find(f, domid);

	if (d)
		d->building = building;
}

/* --- vCPUs --------------------------------------------------------------------- */

static void put_availability(struct fake *f, uint32_t domid, uint32_t vcpu,
			     bool online)
{
	char rel[48], path[FXS_PATH_MAX];

	snprintf(rel, sizeof(rel), BALLAST_STOCK_CPU_AVAILABILITY_FMT, vcpu);
	dom_path(path, domid, rel);
	fxs_put(f->xs, path, online ? "online" : "offline");
}

int fake_set_vcpus(struct fake *f, uint32_t domid, uint32_t max_vcpus,
		   uint32_t online)
{
	struct fdom *d = dom_find(f, domid);

	if (!d || !max_vcpus || !online || online > max_vcpus)
		return -EINVAL;
	d->max_vcpus = max_vcpus;
	d->online_vcpus = online;
	for (uint32_t v = 0; v < max_vcpus; v++)
		put_availability(f, domid, v, v < online);
	return 0;
}

void fake_set_vcpu_guest(struct fake *f, uint32_t domid,
			 enum fake_vcpu_guest mode)
{
	struct fdom *d = dom_find(f, domid);

	if (d)
		d->vcpu_guest = mode;
}

void fake_set_type(struct fake *f, uint32_t domid, const char *type)
{
	struct fdom *d = dom_find(f, domid);
	char path[FXS_PATH_MAX];

	if (!d)
		return;
	d->hvm = strcmp(type, "pv") != 0;
	if (!ballast_path(path, sizeof(path), BALLAST_AT_LIBXL, domid,
			  BALLAST_STOCK_LIBXL_TYPE, NULL))
		fxs_put(f->xs, path, type);
}

void fake_set_pcpus(struct fake *f, uint32_t nr_cpus)
{
	f->nr_cpus = nr_cpus;
}

uint32_t fake_vcpus_online(const struct fake *f, uint32_t domid)
{
	const struct fdom *d = dom_find(f, domid);

	return d ? d->online_vcpus : 0;
}

/* The guest acts on its cpu/N/availability nodes; vCPU 0 never goes down. */
static void vcpus_follow(struct fake *f, struct fdom *d)
{
	uint32_t online = 0;

	if (d->vcpu_guest == FAKE_VCPU_STUCK)
		return;
	for (uint32_t v = 0; v < d->max_vcpus; v++) {
		char rel[48], path[FXS_PATH_MAX];
		const char *val;
		bool up = v < d->online_vcpus;

		snprintf(rel, sizeof(rel), BALLAST_STOCK_CPU_AVAILABILITY_FMT, v);
		dom_path(path, d->domid, rel);
		val = fxs_value(f->xs, path);
		if (val && !strcmp(val, "offline") && v > 0)
			up = false;
		else if (val && !strcmp(val, "online") &&
			 d->vcpu_guest == FAKE_VCPU_FOLLOW)
			up = true;
		online += up;
	}
	d->online_vcpus = online ? online : 1;
}

uint64_t fake_actual_kib(const struct fake *f, uint32_t domid)
{
	const struct fdom *d = dom_find(f, domid);

	return d ? d->actual_kib : 0;
}

uint64_t fake_maxmem_kib(const struct fake *f, uint32_t domid)
{
	const struct fdom *d = dom_find(f, domid);

	return d ? d->maxmem_kib : 0;
}

static uint64_t used_kib(const struct fake *f)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < FAKE_MAX_DOMAINS; i++)
		if (f->doms[i].used)
			sum += f->doms[i].actual_kib;
	return sum;
}

/* The target the domain's balloon follows, if it has one and it is a number. */
static bool dom_target(const struct fake *f, const struct fdom *d,
		       uint64_t *target_kib)
{
	char path[FXS_PATH_MAX];
	const char *val;
	char *end;

	if (d->greedy) {
		*target_kib = d->maxmem_kib;
		return true;
	}
	if (d->balloon == FAKE_BALLOON_NONE)
		return false;
	dom_path(path, d->domid,
		 d->balloon == FAKE_BALLOON_STOCK ? BALLAST_STOCK_TARGET :
		 BALLAST_CTL_DIR "/" BALLAST_KEY_TARGET);
	val = fxs_value(f->xs, path);
	if (!val || !val[0])
		return false;
	*target_kib = strtoull(val, &end, 10);
	return *end == '\0';
}

void fake_advance(struct fake *f, uint64_t ms)
{
	f->now_ms += ms;
	for (size_t i = 0; i < FAKE_MAX_DOMAINS; i++) {
		struct fdom *d = &f->doms[i];
		uint64_t target, step, room;

		if (d->used)
			vcpus_follow(f, d);
		if (!d->used || !dom_target(f, d, &target))
			continue;
		if (target > d->maxmem_kib)
			target = d->maxmem_kib;
		step = d->rate_kib_s * ms / 1000;
		if (d->actual_kib > target) {
			d->actual_kib -= step < d->actual_kib - target ?
					 step : d->actual_kib - target;
		} else {
			room = f->total_kib - used_kib(f);
			if (step > target - d->actual_kib)
				step = target - d->actual_kib;
			d->actual_kib += step < room ? step : room;
		}
	}
}

void fake_on_read(struct fake *f,
		  void (*fn)(struct fake *f, const char *path, void *arg),
		  void *arg)
{
	f->on_read = fn;
	f->on_read_arg = arg;
}

void fake_on_sleep(struct fake *f, void (*fn)(void *arg), void *arg)
{
	f->on_sleep = fn;
	f->on_sleep_arg = arg;
}

int fake_guest_write(struct fake *f, uint32_t domid, const char *path,
		     const char *val)
{
	return fxs_guest_write(f->xs, domid, path, val);
}

/* --- bio ops: Xen ----------------------------------------------------------- */

static int op_list_domains(void *ctx, struct bio_dominfo **out, size_t *n)
{
	struct fake *f = ctx;
	struct bio_dominfo *list;
	size_t count = 0;
	int rc = injected(f, FAKE_OP_LIST);

	if (rc)
		return rc;
	list = calloc(FAKE_MAX_DOMAINS, sizeof(*list));
	if (!list)
		return -ENOMEM;
	for (size_t i = 0; i < FAKE_MAX_DOMAINS; i++) {
		const struct fdom *d = &f->doms[i];

		if (!d->used)
			continue;
		list[count++] = (struct bio_dominfo){
			.domid = d->domid, .tot_kib = d->actual_kib,
			.max_kib = d->maxmem_kib, .dying = d->dying,
			.paused = d->building,
			.outstanding_kib = d->building ? d->maxmem_kib : 0,
			.hvm = d->hvm, .max_vcpus = d->max_vcpus };
	}
	*out = list;
	*n = count;
	return 0;
}

static int op_physinfo(void *ctx, struct bio_physinfo *out)
{
	struct fake *f = ctx;
	int rc = injected(f, FAKE_OP_PHYSINFO);

	if (rc)
		return rc;
	*out = (struct bio_physinfo){ .total_kib = f->total_kib,
				      .free_kib = f->total_kib - used_kib(f),
				      .nr_cpus = f->nr_cpus };
	return 0;
}

static int op_set_maxmem(void *ctx, uint32_t domid, uint64_t maxmem_kib)
{
	struct fake *f = ctx;
	struct fdom *d = dom_find(f, domid);
	int rc = injected(f, FAKE_OP_MAXMEM);

	if (rc)
		return rc;
	if (!d)
		return -ESRCH;
	d->maxmem_kib = maxmem_kib;
	f->maxmem_calls++;
	return 0;
}

static int op_vcpus_online(void *ctx, uint32_t domid, uint32_t max_vcpus,
			   uint32_t *online)
{
	struct fake *f = ctx;
	struct fdom *d = dom_find(f, domid);
	int rc = injected(f, FAKE_OP_VCPUS);

	if (rc)
		return rc;
	if (!d)
		return -ESRCH;
	*online = d->online_vcpus < max_vcpus ? d->online_vcpus : max_vcpus;
	return 0;
}

static uint64_t op_now_ms(void *ctx)
{
	struct fake *f = ctx;

	return f->now_ms;
}

static void op_sleep_ms(void *ctx, uint64_t ms)
{
	struct fake *f = ctx;

	fake_advance(f, ms);
	if (f->on_sleep)
		f->on_sleep(f->on_sleep_arg);
}

static void op_close(void *ctx)
{
	(void)ctx;
}

/* --- bio ops: xenstore, with the failures and vanishings injected here ------- */

static void vanish_due(struct fake *f)
{
	for (size_t i = 0; i < FAKE_MAX_DOMAINS; i++) {
		struct fdom *d = &f->doms[i];

		if (d->used && d->vanish_at_txn && --d->vanish_at_txn == 0)
			fake_remove_domain(f, d->domid);
	}
}

static int op_txn_start(void *ctx, bio_txn *t)
{
	struct fake *f = ctx;
	int rc = injected(f, FAKE_OP_TXN_START);

	if (!rc)
		rc = fxs_txn_start(f->xs, t);
	if (!rc)
		vanish_due(f);	/* after the snapshot: the commit must notice */
	return rc;
}

static int op_txn_end(void *ctx, bio_txn t, bool abort)
{
	struct fake *f = ctx;

	return fxs_txn_end(f->xs, t, abort);
}

static int op_read(void *ctx, bio_txn t, const char *path, char **val,
		   size_t *len)
{
	struct fake *f = ctx;
	int rc = injected(f, FAKE_OP_READ);

	if (rc)
		return rc;
	rc = fxs_read(f->xs, t, path, val, len);
	if (f->on_read)
		f->on_read(f, path, f->on_read_arg);
	return rc;
}

static int op_write(void *ctx, bio_txn t, const char *path, const char *val,
		    size_t len)
{
	struct fake *f = ctx;
	int rc = injected(f, FAKE_OP_WRITE);

	return rc ? rc : fxs_write(f->xs, t, path, val, len);
}

static int op_mkdir(void *ctx, bio_txn t, const char *path)
{
	struct fake *f = ctx;

	return fxs_mkdir(f->xs, t, path);
}

static int op_rm(void *ctx, bio_txn t, const char *path)
{
	struct fake *f = ctx;

	return fxs_rm(f->xs, t, path);
}

static int op_directory(void *ctx, bio_txn t, const char *path,
			char ***names, unsigned int *n)
{
	struct fake *f = ctx;

	return fxs_directory(f->xs, t, path, names, n);
}

static int op_set_perms(void *ctx, bio_txn t, const char *path,
			const struct bio_perm *perms, unsigned int n)
{
	struct fake *f = ctx;

	return fxs_set_perms(f->xs, t, path, perms, n);
}

static int op_get_perms(void *ctx, bio_txn t, const char *path,
			struct bio_perm *perms, unsigned int *n)
{
	struct fake *f = ctx;

	return fxs_get_perms(f->xs, t, path, perms, n);
}

static int op_watch(void *ctx, const char *path, const char *token)
{
	struct fake *f = ctx;

	return fxs_watch(f->xs, path, token);
}

static int op_unwatch(void *ctx, const char *path, const char *token)
{
	struct fake *f = ctx;

	return fxs_unwatch(f->xs, path, token);
}

static int op_watch_fd(void *ctx)
{
	struct fake *f = ctx;

	return fxs_watch_fd(f->xs);
}

static int op_next_event(void *ctx, char **path, char **token)
{
	struct fake *f = ctx;

	return fxs_next_event(f->xs, path, token);
}

static const struct bio_ops fake_ops = {
	.list_domains = op_list_domains,
	.physinfo = op_physinfo,
	.set_maxmem = op_set_maxmem,
	.vcpus_online = op_vcpus_online,
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

/* --- life and statistics ------------------------------------------------------ */

struct fake *fake_new(uint64_t host_total_kib)
{
	struct fake *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->xs = fxs_new();
	if (!f->xs) {
		free(f);
		return NULL;
	}
	f->total_kib = host_total_kib;
	f->now_ms = 1000;
	f->nr_cpus = 4;
	return f;
}

void fake_free(struct fake *f)
{
	if (!f)
		return;
	fxs_free(f->xs);
	free(f);
}

void fake_bio(struct fake *f, struct bio *io)
{
	io->ops = &fake_ops;
	io->ctx = f;
}

unsigned int fake_writes(const struct fake *f)
{
	return fxs_writes(f->xs);
}

unsigned int fake_maxmem_calls(const struct fake *f)
{
	return f->maxmem_calls;
}

unsigned int fake_commits_refused(const struct fake *f)
{
	return fxs_commits_refused(f->xs);
}

const char *fake_value(const struct fake *f, const char *path)
{
	return fxs_value(f->xs, path);
}
