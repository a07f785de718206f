// SPDX-License-Identifier: MIT
/*
 * In-memory Xen for the dom0 tests. Transactions work on a full copy of
 * the tree and commit only if nothing was committed since they started
 * (stricter than xenstored, which is what a retry loop must survive).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend-fake.h"
#include "ballast_schema.h"

#define FAKE_MAX_DOMAINS	64
#define FAKE_MAX_TXNS		8
#define FAKE_PATH_MAX		256

struct fnode {
	char *path;
	char *val;
	size_t len;
	struct bio_perm perms[BIO_PERMS_MAX];
	unsigned int n_perms;
};

struct ftree {
	struct fnode *nodes;
	size_t n, cap;
};

struct ftxn {
	bool used;
	uint64_t base_gen;
	struct ftree tree;
	char **changed;		/* paths to fire watches for on commit */
	size_t n_changed;
};

struct fdom {
	bool used;
	bool dying;
	bool building;		/* paused with a claim, as libxl builds it */
	uint32_t domid;
	uint64_t actual_kib;
	uint64_t maxmem_kib;
	uint64_t rate_kib_s;
	enum fake_balloon balloon;
	unsigned int vanish_at_txn;	/* 0: never */
};

struct fwatch {
	char *path;
	char *token;
};

struct fevent {
	char *path;
	char *token;
};

struct fake {
	uint64_t total_kib;
	uint64_t now_ms;
	struct ftree tree;
	uint64_t gen;
	struct ftxn txns[FAKE_MAX_TXNS];
	struct fdom doms[FAKE_MAX_DOMAINS];
	struct fwatch *watches;
	size_t n_watches;
	struct fevent *events;
	size_t n_events;
	int pipe_fd[2];
	unsigned int eagain_left;
	int fail_err[FAKE_OP__COUNT];
	unsigned int fail_left[FAKE_OP__COUNT];
	unsigned int writes, maxmem_calls, refused_commits;
	void (*on_sleep)(void *arg);
	void *on_sleep_arg;
};

/* --- tree ------------------------------------------------------------------ */

static void node_clear(struct fnode *n)
{
	free(n->path);
	free(n->val);
}

static void tree_clear(struct ftree *t)
{
	for (size_t i = 0; i < t->n; i++)
		node_clear(&t->nodes[i]);
	free(t->nodes);
	t->nodes = NULL;
	t->n = t->cap = 0;
}

static struct fnode *tree_find(const struct ftree *t, const char *path)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->nodes[i].path, path))
			return &t->nodes[i];
	return NULL;
}

static int tree_copy(struct ftree *dst, const struct ftree *src)
{
	dst->nodes = calloc(src->n ? src->n : 1, sizeof(*dst->nodes));
	if (!dst->nodes)
		return -ENOMEM;
	dst->cap = src->n ? src->n : 1;
	dst->n = 0;
	for (size_t i = 0; i < src->n; i++) {
		struct fnode *d = &dst->nodes[i];

		*d = src->nodes[i];
		d->path = strdup(src->nodes[i].path);
		d->val = malloc(src->nodes[i].len + 1);
		if (!d->path || !d->val) {
			free(d->path);
			free(d->val);
			tree_clear(dst);
			return -ENOMEM;
		}
		memcpy(d->val, src->nodes[i].val, src->nodes[i].len + 1);
		dst->n++;
	}
	return 0;
}

static const char *parent_end(const char *path)
{
	return strrchr(path, '/');
}

/* Creates @path (and its parents, inheriting perms) if missing. */
static struct fnode *tree_make(struct ftree *t, const char *path)
{
	struct fnode *n = tree_find(t, path);
	struct fnode *parent = NULL;
	const char *slash;

	if (n)
		return n;
	slash = parent_end(path);
	if (slash && slash != path) {
		char buf[FAKE_PATH_MAX];
		size_t plen = (size_t)(slash - path);

		if (plen >= sizeof(buf))
			return NULL;
		memcpy(buf, path, plen);
		buf[plen] = '\0';
		if (!tree_make(t, buf))
			return NULL;
		parent = tree_find(t, buf);
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 32;
		struct fnode *nodes = realloc(t->nodes, cap * sizeof(*nodes));

		if (!nodes)
			return NULL;
		t->nodes = nodes;
		t->cap = cap;
		if (parent)	/* realloc moved it */
			parent = NULL;
	}
	if (!parent && slash && slash != path) {
		char buf[FAKE_PATH_MAX];

		memcpy(buf, path, (size_t)(slash - path));
		buf[slash - path] = '\0';
		parent = tree_find(t, buf);
	}
	n = &t->nodes[t->n];
	memset(n, 0, sizeof(*n));
	n->path = strdup(path);
	n->val = strdup("");
	if (!n->path || !n->val) {
		node_clear(n);
		return NULL;
	}
	if (parent) {
		memcpy(n->perms, parent->perms, sizeof(n->perms));
		n->n_perms = parent->n_perms;
	} else {
		n->perms[0] = (struct bio_perm){ 0, BIO_PERM_NONE };
		n->n_perms = 1;
	}
	t->n++;
	return n;
}

static bool is_under(const char *path, const char *top)
{
	size_t len = strlen(top);

	return !strncmp(path, top, len) && (path[len] == '\0' || path[len] == '/');
}

static void tree_rm(struct ftree *t, const char *path)
{
	size_t i = 0;

	while (i < t->n) {
		if (is_under(t->nodes[i].path, path)) {
			node_clear(&t->nodes[i]);
			t->nodes[i] = t->nodes[--t->n];
		} else {
			i++;
		}
	}
}

static int tree_set(struct ftree *t, const char *path, const char *val,
		    size_t len)
{
	struct fnode *n = tree_make(t, path);
	char *copy;

	if (!n)
		return -ENOMEM;
	copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, val, len);
	copy[len] = '\0';
	free(n->val);
	n->val = copy;
	n->len = len;
	return 0;
}

/* --- watches --------------------------------------------------------------- */

static void queue_event(struct fake *f, const char *path, const char *token)
{
	struct fevent *ev = realloc(f->events, (f->n_events + 1) * sizeof(*ev));
	char byte = 1;

	if (!ev)
		return;
	f->events = ev;
	ev[f->n_events].path = strdup(path);
	ev[f->n_events].token = strdup(token);
	if (!ev[f->n_events].path || !ev[f->n_events].token) {
		free(ev[f->n_events].path);
		free(ev[f->n_events].token);
		return;
	}
	f->n_events++;
	if (write(f->pipe_fd[1], &byte, 1) < 0)
		return;	/* pipe full: it is readable anyway */
}

static void fire(struct fake *f, const char *path)
{
	for (size_t i = 0; i < f->n_watches; i++) {
		const char *w = f->watches[i].path;

		if (w[0] == '@' ? !strcmp(w, path) : is_under(path, w))
			queue_event(f, path, f->watches[i].token);
	}
}

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
	f->eagain_left = count;
}

/* --- domains --------------------------------------------------------------- */

static struct fdom *dom_find(const struct fake *f, uint32_t domid)
{
	for (size_t i = 0; i < FAKE_MAX_DOMAINS; i++)
		if (f->doms[i].used && f->doms[i].domid == domid)
			return (struct fdom *)&f->doms[i];
	return NULL;
}

static void dom_path(char *buf, size_t size, uint32_t domid, const char *rel)
{
	int n = snprintf(buf, size, BALLAST_DOMAIN_FMT, domid);

	if (rel)
		snprintf(buf + n, size - (size_t)n, "/%s", rel);
}

int fake_add_domain(struct fake *f, uint32_t domid, const char *name,
		    uint64_t mem_kib, uint64_t static_max_kib,
		    enum fake_balloon balloon, uint64_t rate_kib_s)
{
	struct fdom *d = NULL;
	char path[FAKE_PATH_MAX], num[24];
	struct fnode *n;

	for (size_t i = 0; i < FAKE_MAX_DOMAINS && !d; i++)
		if (!f->doms[i].used)
			d = &f->doms[i];
	if (!d || dom_find(f, domid))
		return -EEXIST;
	*d = (struct fdom){ .used = true, .domid = domid,
			    .actual_kib = mem_kib,
			    .maxmem_kib = static_max_kib,
			    .rate_kib_s = rate_kib_s, .balloon = balloon };
	dom_path(path, sizeof(path), domid, NULL);
	n = tree_make(&f->tree, path);
	if (!n)
		return -ENOMEM;
	/* As xl does: the domain may read its tree, dom0 owns it. */
	n->perms[0] = (struct bio_perm){ 0, BIO_PERM_NONE };
	n->perms[1] = (struct bio_perm){ domid, BIO_PERM_READ };
	n->n_perms = 2;
	dom_path(path, sizeof(path), domid, BALLAST_STOCK_NAME);
	tree_set(&f->tree, path, name, strlen(name));
	snprintf(num, sizeof(num), "%" PRIu64, static_max_kib);
	dom_path(path, sizeof(path), domid, BALLAST_STOCK_STATIC_MAX);
	tree_set(&f->tree, path, num, strlen(num));
	snprintf(num, sizeof(num), "%" PRIu64, mem_kib);
	dom_path(path, sizeof(path), domid, BALLAST_STOCK_TARGET);
	tree_set(&f->tree, path, num, strlen(num));
	/* The guest's own writable corners (xl makes all of data/ guest-owned). */
	dom_path(path, sizeof(path), domid, BALLAST_DATA_DIR);
	n = tree_make(&f->tree, path);
	if (n)
		n->perms[0] = (struct bio_perm){ domid, BIO_PERM_NONE };
	dom_path(path, sizeof(path), domid, BALLAST_STOCK_FEATURE_BALLOON);
	n = tree_make(&f->tree, path);
	if (n) {
		n->perms[0] = (struct bio_perm){ domid, BIO_PERM_NONE };
		n->n_perms = 1;
	}
	f->gen++;
	fire(f, "@introduceDomain");
	return 0;
}

void fake_remove_domain(struct fake *f, uint32_t domid)
{
	struct fdom *d = dom_find(f, domid);
	char path[FAKE_PATH_MAX];

	if (!d)
		return;
	d->used = false;
	dom_path(path, sizeof(path), domid, NULL);
	tree_rm(&f->tree, path);
	f->gen++;
	fire(f, "@releaseDomain");
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

static bool dom_target(const struct fake *f, const struct fdom *d,
		       uint64_t *target_kib)
{
	char path[FAKE_PATH_MAX];
	const struct fnode *n;
	char *end;

	if (d->balloon == FAKE_BALLOON_NONE)
		return false;
	dom_path(path, sizeof(path), d->domid,
		 d->balloon == FAKE_BALLOON_STOCK ? BALLAST_STOCK_TARGET :
		 BALLAST_CTL_DIR "/" BALLAST_KEY_TARGET);
	n = tree_find(&f->tree, path);
	if (!n || !n->len)
		return false;
	*target_kib = strtoull(n->val, &end, 10);
	return *end == '\0';
}

void fake_advance(struct fake *f, uint64_t ms)
{
	f->now_ms += ms;
	for (size_t i = 0; i < FAKE_MAX_DOMAINS; i++) {
		struct fdom *d = &f->doms[i];
		uint64_t target, step, room;

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

void fake_on_sleep(struct fake *f, void (*fn)(void *arg), void *arg)
{
	f->on_sleep = fn;
	f->on_sleep_arg = arg;
}

/* --- permissions ------------------------------------------------------------ */

static bool may_write(const struct fnode *n, uint32_t domid)
{
	if (domid == 0 || n->perms[0].domid == domid)
		return true;
	for (unsigned int i = 1; i < n->n_perms; i++)
		if (n->perms[i].domid == domid)
			return n->perms[i].access == BIO_PERM_WRITE ||
			       n->perms[i].access == BIO_PERM_BOTH;
	return n->perms[0].access == BIO_PERM_WRITE ||
	       n->perms[0].access == BIO_PERM_BOTH;
}

int fake_guest_write(struct fake *f, uint32_t domid, const char *path,
		     const char *val)
{
	char buf[FAKE_PATH_MAX];
	const struct fnode *n;
	int rc;

	snprintf(buf, sizeof(buf), "%s", path);
	/* The nearest existing ancestor decides, as in xenstored. */
	while (!(n = tree_find(&f->tree, buf))) {
		char *slash = strrchr(buf, '/');

		if (!slash || slash == buf)
			return -EACCES;
		*slash = '\0';
	}
	if (!may_write(n, domid))
		return -EACCES;
	rc = tree_set(&f->tree, path, val, strlen(val));
	if (rc)
		return rc;
	if (strcmp(buf, path)) {	/* created: the guest owns it */
		struct fnode *made = tree_find(&f->tree, path);

		made->perms[0] = (struct bio_perm){ domid, BIO_PERM_NONE };
		made->n_perms = 1;
	}
	f->gen++;
	fire(f, path);
	return 0;
}

/* --- bio ops ----------------------------------------------------------------- */

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
			.outstanding_kib = d->building ? d->maxmem_kib : 0 };
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
				      .free_kib = f->total_kib - used_kib(f) };
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

static struct ftxn *txn_get(struct fake *f, bio_txn t)
{
	if (t == BIO_TXN_NONE || t > FAKE_MAX_TXNS || !f->txns[t - 1].used)
		return NULL;
	return &f->txns[t - 1];
}

static struct ftree *tree_of(struct fake *f, bio_txn t)
{
	struct ftxn *x = txn_get(f, t);

	return x ? &x->tree : &f->tree;
}

static void txn_forget(struct ftxn *x)
{
	tree_clear(&x->tree);
	for (size_t i = 0; i < x->n_changed; i++)
		free(x->changed[i]);
	free(x->changed);
	x->changed = NULL;
	x->n_changed = 0;
	x->used = false;
}

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

	if (rc)
		return rc;
	for (unsigned int i = 0; i < FAKE_MAX_TXNS; i++) {
		struct ftxn *x = &f->txns[i];

		if (x->used)
			continue;
		rc = tree_copy(&x->tree, &f->tree);
		if (rc)
			return rc;
		x->used = true;
		x->base_gen = f->gen;
		*t = i + 1;
		/* The domain goes after the snapshot: the commit must notice. */
		vanish_due(f);
		return 0;
	}
	return -EBUSY;
}

static int op_txn_end(void *ctx, bio_txn t, bool abort)
{
	struct fake *f = ctx;
	struct ftxn *x = txn_get(f, t);

	if (!x)
		return -EINVAL;
	if (abort) {
		txn_forget(x);
		return 0;
	}
	if (f->eagain_left || x->base_gen != f->gen) {
		if (f->eagain_left)
			f->eagain_left--;
		f->refused_commits++;
		txn_forget(x);
		return -EAGAIN;
	}
	tree_clear(&f->tree);
	f->tree = x->tree;
	x->tree = (struct ftree){ 0 };
	if (x->n_changed)
		f->gen++;
	for (size_t i = 0; i < x->n_changed; i++)
		fire(f, x->changed[i]);
	txn_forget(x);
	return 0;
}

static void note_change(struct fake *f, bio_txn t, const char *path)
{
	struct ftxn *x = txn_get(f, t);
	char **changed;

	f->writes++;
	if (!x) {
		f->gen++;
		fire(f, path);
		return;
	}
	changed = realloc(x->changed, (x->n_changed + 1) * sizeof(*changed));
	if (!changed)
		return;
	x->changed = changed;
	changed[x->n_changed] = strdup(path);
	if (changed[x->n_changed])
		x->n_changed++;
}

static int op_read(void *ctx, bio_txn t, const char *path, char **val,
		   size_t *len)
{
	struct fake *f = ctx;
	const struct fnode *n;
	int rc = injected(f, FAKE_OP_READ);

	if (rc)
		return rc;
	n = tree_find(tree_of(f, t), path);
	if (!n)
		return -ENOENT;
	*val = malloc(n->len + 1);
	if (!*val)
		return -ENOMEM;
	memcpy(*val, n->val, n->len + 1);
	*len = n->len;
	return 0;
}

static int op_write(void *ctx, bio_txn t, const char *path, const char *val,
		    size_t len)
{
	struct fake *f = ctx;
	int rc = injected(f, FAKE_OP_WRITE);

	if (rc)
		return rc;
	rc = tree_set(tree_of(f, t), path, val, len);
	if (!rc)
		note_change(f, t, path);
	return rc;
}

static int op_mkdir(void *ctx, bio_txn t, const char *path)
{
	struct fake *f = ctx;

	if (tree_find(tree_of(f, t), path))
		return 0;
	if (!tree_make(tree_of(f, t), path))
		return -ENOMEM;
	note_change(f, t, path);
	return 0;
}

static int op_rm(void *ctx, bio_txn t, const char *path)
{
	struct fake *f = ctx;
	struct ftree *tree = tree_of(f, t);

	if (!tree_find(tree, path))
		return -ENOENT;
	tree_rm(tree, path);
	note_change(f, t, path);
	return 0;
}

static int op_directory(void *ctx, bio_txn t, const char *path,
			char ***names, unsigned int *n)
{
	struct fake *f = ctx;
	const struct ftree *tree = tree_of(f, t);
	size_t plen = strlen(path), bytes = 0;
	unsigned int count = 0;
	char **vec, *text;

	if (!tree_find(tree, path))
		return -ENOENT;
	for (size_t i = 0; i < tree->n; i++) {
		const char *p = tree->nodes[i].path;

		if (!strncmp(p, path, plen) && p[plen] == '/' &&
		    !strchr(p + plen + 1, '/')) {
			count++;
			bytes += strlen(p + plen + 1) + 1;
		}
	}
	vec = malloc((count + 1) * sizeof(*vec) + bytes);
	if (!vec)
		return -ENOMEM;
	text = (char *)(vec + count + 1);
	count = 0;
	for (size_t i = 0; i < tree->n; i++) {
		const char *p = tree->nodes[i].path;

		if (!strncmp(p, path, plen) && p[plen] == '/' &&
		    !strchr(p + plen + 1, '/')) {
			vec[count++] = text;
			strcpy(text, p + plen + 1);
			text += strlen(text) + 1;
		}
	}
	vec[count] = NULL;
	*names = vec;
	*n = count;
	return 0;
}

static int op_set_perms(void *ctx, bio_txn t, const char *path,
			const struct bio_perm *perms, unsigned int n)
{
	struct fake *f = ctx;
	struct fnode *node = tree_find(tree_of(f, t), path);

	if (!node)
		return -ENOENT;
	if (!n || n > BIO_PERMS_MAX)
		return -EINVAL;
	memcpy(node->perms, perms, n * sizeof(*perms));
	node->n_perms = n;
	note_change(f, t, path);
	return 0;
}

static int op_get_perms(void *ctx, bio_txn t, const char *path,
			struct bio_perm *perms, unsigned int *n)
{
	struct fake *f = ctx;
	const struct fnode *node = tree_find(tree_of(f, t), path);

	if (!node)
		return -ENOENT;
	if (*n < node->n_perms)
		return -E2BIG;
	memcpy(perms, node->perms, node->n_perms * sizeof(*perms));
	*n = node->n_perms;
	return 0;
}

static int op_watch(void *ctx, const char *path, const char *token)
{
	struct fake *f = ctx;
	struct fwatch *w = realloc(f->watches, (f->n_watches + 1) * sizeof(*w));

	if (!w)
		return -ENOMEM;
	f->watches = w;
	w[f->n_watches].path = strdup(path);
	w[f->n_watches].token = strdup(token);
	if (!w[f->n_watches].path || !w[f->n_watches].token) {
		free(w[f->n_watches].path);
		free(w[f->n_watches].token);
		return -ENOMEM;
	}
	f->n_watches++;
	queue_event(f, path, token);	/* xenstore fires a new watch once */
	return 0;
}

static int op_unwatch(void *ctx, const char *path, const char *token)
{
	struct fake *f = ctx;

	for (size_t i = 0; i < f->n_watches; i++) {
		if (strcmp(f->watches[i].path, path) ||
		    strcmp(f->watches[i].token, token))
			continue;
		free(f->watches[i].path);
		free(f->watches[i].token);
		f->watches[i] = f->watches[--f->n_watches];
		return 0;
	}
	return -ENOENT;
}

static int op_watch_fd(void *ctx)
{
	struct fake *f = ctx;

	return f->pipe_fd[0];
}

static int op_next_event(void *ctx, char **path, char **token)
{
	struct fake *f = ctx;
	char drain[64];

	if (!f->n_events) {
		while (read(f->pipe_fd[0], drain, sizeof(drain)) > 0)
			;
		return 0;
	}
	*path = f->events[0].path;
	*token = f->events[0].token;
	memmove(f->events, f->events + 1, --f->n_events * sizeof(*f->events));
	return 1;
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

static const struct bio_ops fake_ops = {
	.list_domains = op_list_domains,
	.physinfo = op_physinfo,
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

struct fake *fake_new(uint64_t host_total_kib)
{
	struct fake *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	if (pipe2(f->pipe_fd, O_NONBLOCK | O_CLOEXEC)) {
		free(f);
		return NULL;
	}
	f->total_kib = host_total_kib;
	f->now_ms = 1000;
	return f;
}

void fake_free(struct fake *f)
{
	if (!f)
		return;
	tree_clear(&f->tree);
	for (unsigned int i = 0; i < FAKE_MAX_TXNS; i++)
		if (f->txns[i].used)
			txn_forget(&f->txns[i]);
	for (size_t i = 0; i < f->n_watches; i++) {
		free(f->watches[i].path);
		free(f->watches[i].token);
	}
	free(f->watches);
	for (size_t i = 0; i < f->n_events; i++) {
		free(f->events[i].path);
		free(f->events[i].token);
	}
	free(f->events);
	close(f->pipe_fd[0]);
	close(f->pipe_fd[1]);
	free(f);
}

void fake_bio(struct fake *f, struct bio *io)
{
	io->ops = &fake_ops;
	io->ctx = f;
}

unsigned int fake_writes(const struct fake *f)
{
	return f->writes;
}

unsigned int fake_maxmem_calls(const struct fake *f)
{
	return f->maxmem_calls;
}

unsigned int fake_commits_refused(const struct fake *f)
{
	return f->refused_commits;
}

const char *fake_value(const struct fake *f, const char *path)
{
	const struct fnode *n = tree_find(&f->tree, path);

	return n ? n->val : NULL;
}
