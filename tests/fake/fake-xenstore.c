// SPDX-License-Identifier: MIT
/*
 * The fake xenstore. Transactions work on a full copy of the tree and
 * commit only if nothing was committed since they started (stricter than
 * xenstored, which is what a retry loop must survive). Permissions as
 * xenstored has them (docs/misc/xenstore.txt): a new node inherits its
 * parent's, and a guest that creates one becomes its owner; the owner and
 * dom0 may do anything, others get their entry or else the owner entry's
 * access; the nearest existing ancestor decides whether a guest may create.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake-xenstore.h"

#define FXS_MAX_TXNS	8

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

struct fwatch {
	char *path;
	char *token;
};

struct fevent {
	char *path;
	char *token;
};

struct fxs {
	struct ftree tree;
	uint64_t gen;
	struct ftxn txns[FXS_MAX_TXNS];
	struct fwatch *watches;
	size_t n_watches;
	struct fevent *events;
	size_t n_events;
	int pipe_fd[2];
	unsigned int eagain_left;
	unsigned int writes, refused_commits;
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
		char buf[FXS_PATH_MAX];
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
		char buf[FXS_PATH_MAX];

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

static void queue_event(struct fxs *s, const char *path, const char *token)
{
	struct fevent *ev = realloc(s->events, (s->n_events + 1) * sizeof(*ev));
	char byte = 1;

	if (!ev)
		return;
	s->events = ev;
	ev[s->n_events].path = strdup(path);
	ev[s->n_events].token = strdup(token);
	if (!ev[s->n_events].path || !ev[s->n_events].token) {
		free(ev[s->n_events].path);
		free(ev[s->n_events].token);
		return;
	}
	s->n_events++;
	if (write(s->pipe_fd[1], &byte, 1) < 0)
		return;	/* pipe full: it is readable anyway */
}

static void fire(struct fxs *s, const char *path)
{
	for (size_t i = 0; i < s->n_watches; i++) {
		const char *w = s->watches[i].path;

		if (w[0] == '@' ? !strcmp(w, path) : is_under(path, w))
			queue_event(s, path, s->watches[i].token);
	}
}

/* --- the toolstack's hand ---------------------------------------------------- */

int fxs_put(struct fxs *s, const char *path, const char *val)
{
	return tree_set(&s->tree, path, val, strlen(val));
}

int fxs_own(struct fxs *s, const char *path, const struct bio_perm *perms,
	    unsigned int n)
{
	struct fnode *node = tree_make(&s->tree, path);

	if (!node)
		return -ENOMEM;
	if (!n || n > BIO_PERMS_MAX)
		return -EINVAL;
	memcpy(node->perms, perms, n * sizeof(*perms));
	node->n_perms = n;
	return 0;
}

void fxs_rm_tree(struct fxs *s, const char *path)
{
	tree_rm(&s->tree, path);
}

void fxs_changed(struct fxs *s, const char *path)
{
	s->gen++;
	fire(s, path);
}

const char *fxs_value(const struct fxs *s, const char *path)
{
	const struct fnode *n = tree_find(&s->tree, path);

	return n ? n->val : NULL;
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

/* Every node from @path up to (not including) its first @keep bytes. */
static void own_created(struct ftree *t, const char *path, size_t keep,
			uint32_t domid)
{
	char buf[FXS_PATH_MAX];
	struct fnode *n;
	char *slash;

	snprintf(buf, sizeof(buf), "%s", path);
	while (strlen(buf) > keep) {
		n = tree_find(t, buf);
		if (n)
			n->perms[0].domid = domid;
		slash = strrchr(buf, '/');
		if (!slash)
			return;
		*slash = '\0';
	}
}

int fxs_guest_write(struct fxs *s, uint32_t domid, const char *path,
		    const char *val)
{
	char buf[FXS_PATH_MAX];
	const struct fnode *n;
	int rc;

	snprintf(buf, sizeof(buf), "%s", path);
	/* The nearest existing ancestor decides, as in xenstored. */
	while (!(n = tree_find(&s->tree, buf))) {
		char *slash = strrchr(buf, '/');

		if (!slash || slash == buf)
			return -EACCES;
		*slash = '\0';
	}
	if (!may_write(n, domid))
		return -EACCES;
	rc = tree_set(&s->tree, path, val, strlen(val));
	if (rc)
		return rc;
	/*
	 * What it created (the node and any missing parents) inherited its
	 * parent's permissions, as every new node does in xenstored; an
	 * unprivileged creator then owns it: the owner entry becomes the guest,
	 * the rest of the list stays the parent's.
	 */
	own_created(&s->tree, path, strlen(buf), domid);
	s->gen++;
	fire(s, path);
	return 0;
}

/* --- transactions -------------------------------------------------------------- */

static struct ftxn *txn_get(struct fxs *s, bio_txn t)
{
	if (t == BIO_TXN_NONE || t > FXS_MAX_TXNS || !s->txns[t - 1].used)
		return NULL;
	return &s->txns[t - 1];
}

static struct ftree *tree_of(struct fxs *s, bio_txn t)
{
	struct ftxn *x = txn_get(s, t);

	return x ? &x->tree : &s->tree;
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

int fxs_txn_start(struct fxs *s, bio_txn *t)
{
	int rc;

	for (unsigned int i = 0; i < FXS_MAX_TXNS; i++) {
		struct ftxn *x = &s->txns[i];

		if (x->used)
			continue;
		rc = tree_copy(&x->tree, &s->tree);
		if (rc)
			return rc;
		x->used = true;
		x->base_gen = s->gen;
		*t = i + 1;
		return 0;
	}
	return -EBUSY;
}

int fxs_txn_end(struct fxs *s, bio_txn t, bool abort)
{
	struct ftxn *x = txn_get(s, t);

	if (!x)
		return -EINVAL;
	if (abort) {
		txn_forget(x);
		return 0;
	}
	if (s->eagain_left || x->base_gen != s->gen) {
		if (s->eagain_left)
			s->eagain_left--;
		s->refused_commits++;
		txn_forget(x);
		return -EAGAIN;
	}
	tree_clear(&s->tree);
	s->tree = x->tree;
	x->tree = (struct ftree){ 0 };
	if (x->n_changed)
		s->gen++;
	for (size_t i = 0; i < x->n_changed; i++)
		fire(s, x->changed[i]);
	txn_forget(x);
	return 0;
}

static void note_change(struct fxs *s, bio_txn t, const char *path)
{
	struct ftxn *x = txn_get(s, t);
	char **changed;

	s->writes++;
	if (!x) {
		s->gen++;
		fire(s, path);
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

int fxs_read(struct fxs *s, bio_txn t, const char *path, char **val,
	     size_t *len)
{
	const struct fnode *n = tree_find(tree_of(s, t), path);

	if (!n)
		return -ENOENT;
	*val = malloc(n->len + 1);
	if (!*val)
		return -ENOMEM;
	memcpy(*val, n->val, n->len + 1);
	*len = n->len;
	return 0;
}

int fxs_write(struct fxs *s, bio_txn t, const char *path, const char *val,
	      size_t len)
{
	int rc = tree_set(tree_of(s, t), path, val, len);

	if (!rc)
		note_change(s, t, path);
	return rc;
}

int fxs_mkdir(struct fxs *s, bio_txn t, const char *path)
{
	if (tree_find(tree_of(s, t), path))
		return 0;
	if (!tree_make(tree_of(s, t), path))
		return -ENOMEM;
	note_change(s, t, path);
	return 0;
}

int fxs_rm(struct fxs *s, bio_txn t, const char *path)
{
	struct ftree *tree = tree_of(s, t);

	if (!tree_find(tree, path))
		return -ENOENT;
	tree_rm(tree, path);
	note_change(s, t, path);
	return 0;
}

int fxs_directory(struct fxs *s, bio_txn t, const char *path,
		  char ***names, unsigned int *n)
{
	const struct ftree *tree = tree_of(s, t);
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

int fxs_set_perms(struct fxs *s, bio_txn t, const char *path,
		  const struct bio_perm *perms, unsigned int n)
{
	struct fnode *node = tree_find(tree_of(s, t), path);

	if (!node)
		return -ENOENT;
	if (!n || n > BIO_PERMS_MAX)
		return -EINVAL;
	memcpy(node->perms, perms, n * sizeof(*perms));
	node->n_perms = n;
	note_change(s, t, path);
	return 0;
}

int fxs_get_perms(struct fxs *s, bio_txn t, const char *path,
		  struct bio_perm *perms, unsigned int *n)
{
	const struct fnode *node = tree_find(tree_of(s, t), path);

	if (!node)
		return -ENOENT;
	if (*n < node->n_perms)
		return -E2BIG;
	memcpy(perms, node->perms, node->n_perms * sizeof(*perms));
	*n = node->n_perms;
	return 0;
}

int fxs_watch(struct fxs *s, const char *path, const char *token)
{
	struct fwatch *w = realloc(s->watches, (s->n_watches + 1) * sizeof(*w));

	if (!w)
		return -ENOMEM;
	s->watches = w;
	w[s->n_watches].path = strdup(path);
	w[s->n_watches].token = strdup(token);
	if (!w[s->n_watches].path || !w[s->n_watches].token) {
		free(w[s->n_watches].path);
		free(w[s->n_watches].token);
		return -ENOMEM;
	}
	s->n_watches++;
	queue_event(s, path, token);	/* xenstore fires a new watch once */
	return 0;
}

int fxs_unwatch(struct fxs *s, const char *path, const char *token)
{

	for (size_t i = 0; i < s->n_watches; i++) {
		if (strcmp(s->watches[i].path, path) ||
		    strcmp(s->watches[i].token, token))
			continue;
		free(s->watches[i].path);
		free(s->watches[i].token);
		s->watches[i] = s->watches[--s->n_watches];
		return 0;
	}
	return -ENOENT;
}

int fxs_watch_fd(struct fxs *s)
{
	return s->pipe_fd[0];
}

int fxs_next_event(struct fxs *s, char **path, char **token)
{
	char drain[64];

	if (!s->n_events) {
		while (read(s->pipe_fd[0], drain, sizeof(drain)) > 0)
			;
		return 0;
	}
	*path = s->events[0].path;
	*token = s->events[0].token;
	memmove(s->events, s->events + 1, --s->n_events * sizeof(*s->events));
	return 1;
}

/* --- life, switches, statistics -------------------------------------------- */

struct fxs *fxs_new(void)
{
	struct fxs *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	if (pipe2(s->pipe_fd, O_NONBLOCK | O_CLOEXEC)) {
		free(s);
		return NULL;
	}
	return s;
}

void fxs_free(struct fxs *s)
{
	if (!s)
		return;
	tree_clear(&s->tree);
	for (unsigned int i = 0; i < FXS_MAX_TXNS; i++)
		if (s->txns[i].used)
			txn_forget(&s->txns[i]);
	for (size_t i = 0; i < s->n_watches; i++) {
		free(s->watches[i].path);
		free(s->watches[i].token);
	}
	free(s->watches);
	for (size_t i = 0; i < s->n_events; i++) {
		free(s->events[i].path);
		free(s->events[i].token);
	}
	free(s->events);
	close(s->pipe_fd[0]);
	close(s->pipe_fd[1]);
	free(s);
}

void fxs_inject_eagain(struct fxs *s, unsigned int count)
{
	s->eagain_left = count;
}

unsigned int fxs_writes(const struct fxs *s)
{
	return s->writes;
}

unsigned int fxs_commits_refused(const struct fxs *s)
{
	return s->refused_commits;
}
