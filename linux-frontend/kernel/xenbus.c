// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ballast.ko: the xenstore side. A watch on memory/ballast (dom0 writes,
 * we only read: never memory/target, which the built-in stock balloon
 * watches), and the reports under data/ballast (ours to write).
 */
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <xen/xen.h>
#include <xen/xenbus.h>

#include "ballast.h"

#define REPORT_TRIES	5	/* transaction retries on -EAGAIN */
#define LOG_VALUE_MAX	32	/* bytes of a refused value worth printing */

/* Watch callbacks must not block on our lock: only queue work. */
static void ctl_changed(struct xenbus_watch *watch, const char *path,
			const char *token)
{
	struct ballast *b = container_of(watch, struct ballast, ctl_watch);

	ballast_kick(b, true);
}

int ballast_watch_start(struct ballast *b)
{
	b->ctl_watch.node = BALLAST_CTL_DIR;
	b->ctl_watch.callback = ctl_changed;
	return register_xenbus_watch(&b->ctl_watch);
}

void ballast_watch_stop(struct ballast *b)
{
	unregister_xenbus_watch(&b->ctl_watch);
}

static void log_refused(struct ballast *b, const char *key, const char *s,
			unsigned int len, enum ballast_verdict v)
{
	if (!__ratelimit(&b->bad_value_rs))
		return;
	pr_warn("ballast: refused %s/%s \"%*pE\": %s; keeping the last valid value\n",
		BALLAST_CTL_DIR, key, (int)min_t(unsigned int, len, LOG_VALUE_MAX),
		s, ballast_verdict_str(v));
}

/* The keys of memory/ballast we read, in struct ballast_ctl_raw order. */
static const enum ballast_key_id ctl_keys[BALLAST_CTL_KEYS] = {
	BALLAST_K_TARGET, BALLAST_K_RATE_MIN, BALLAST_K_RATE_MAX,
	BALLAST_K_UNCOOPERATIVE,
};

void ballast_fetch_ctl(struct ballast_ctl_raw *raw)
{
	unsigned int i;

	for (i = 0; i < BALLAST_CTL_KEYS; i++) {
		char *s = xenbus_read(XBT_NIL, BALLAST_CTL_DIR,
				      ballast_keys[ctl_keys[i]].name,
				      &raw->len[i]);

		raw->val[i] = IS_ERR(s) ? NULL : s;	/* absent: not written yet */
	}
}

void ballast_free_ctl(struct ballast_ctl_raw *raw)
{
	unsigned int i;

	for (i = 0; i < BALLAST_CTL_KEYS; i++) {
		kfree(raw->val[i]);
		raw->val[i] = NULL;
	}
}

/* An optional number: absent is 0, refused keeps @cur. */
static u64 optional(struct ballast *b, const struct ballast_ctl_raw *raw,
		    unsigned int i, u64 cur)
{
	enum ballast_key_id id = ctl_keys[i];
	enum ballast_verdict v;
	u64 val;

	if (!raw->val[i])
		return 0;
	v = ballast_parse_key(id, raw->val[i], raw->len[i], &val);
	if (v == BALLAST_OK)
		return val;
	log_refused(b, ballast_keys[id].name, raw->val[i], raw->len[i], v);
	return cur;
}

void ballast_apply_ctl(struct ballast *b, const struct ballast_ctl_raw *raw)
{
	enum ballast_verdict v;

	if (raw->val[0]) {
		v = bcore_set_target(&b->core, raw->val[0], raw->len[0]);
		if (v != BALLAST_OK)
			log_refused(b, BALLAST_KEY_TARGET, raw->val[0],
				    raw->len[0], v);
	}
	b->host.rate_min_kib_s = optional(b, raw, 1, b->host.rate_min_kib_s);
	b->host.rate_max_kib_s = optional(b, raw, 2, b->host.rate_max_kib_s);
	b->host.uncooperative = optional(b, raw, 3, b->host.uncooperative) == 1;
}

/*
 * HVM and PVH guests: memory/target counts firmware and video frames the
 * stock balloon does not (its "target_diff"). Read it once, at load, to
 * translate our target into the stock balloon's pages. PV: none.
 */
u64 ballast_read_offset_pages(u64 stock_target_pages)
{
	unsigned long long kib;
	u64 pages;

	if (xen_pv_domain())
		return 0;
	if (xenbus_scanf(XBT_NIL, BALLAST_STOCK_TARGET, "", "%llu", &kib) != 1)
		return 0;
	pages = kib / (PAGE_SIZE / SZ_1K);
	return pages > stock_target_pages ? pages - stock_target_pages : 0;
}

static int write_u64(struct xenbus_transaction xbt, enum ballast_key_id id,
		     u64 v)
{
	return xenbus_printf(xbt, BALLAST_DATA_DIR, ballast_keys[id].name,
			     "%llu", (unsigned long long)v);
}

static int write_report(const struct breport_stats *s, u64 seq)
{
	struct xenbus_transaction xbt;
	unsigned int id;
	int err;

	err = xenbus_transaction_start(&xbt);
	if (err)
		return err;
	err = xenbus_write(xbt, BALLAST_DATA_DIR, BALLAST_KEY_FRONTEND,
			   ballast_frontend_word(BALLAST_FRONTEND_DRIVER));
	if (!err)
		err = write_u64(xbt, BALLAST_K_PROTOCOL, BALLAST_PROTOCOL_VERSION);
	for (id = 0; id < BALLAST_K__COUNT && !err; id++) {
		if (id == BALLAST_K_SEQ || !breport_has(s, id))
			continue;
		if (id == BALLAST_K_STATE)
			err = xenbus_write(xbt, BALLAST_DATA_DIR,
					   BALLAST_KEY_STATE,
					   ballast_state_word(s->v[id]));
		else
			err = write_u64(xbt, id, s->v[id]);
	}
	/* Last, so dom0 never sees a new seq with old values. */
	if (!err)
		err = write_u64(xbt, BALLAST_K_SEQ, seq);
	if (err) {
		xenbus_transaction_end(xbt, 1);
		return err;
	}
	return xenbus_transaction_end(xbt, 0);
}

u64 ballast_report_prepare(struct ballast *b, u64 now_ms, bool force,
			   const struct bpsi *psi, struct breport_stats *s)
{
	u64 seq;

	memset(s, 0, sizeof(*s));
	bcore_report_into(&b->core, s);
	breport_set(s, BALLAST_K_CURRENT, ballast_current_kib(b));
	ballast_sample(b, psi, s);
	seq = breport_due(&b->report, s, now_ms);
	if (force && !seq)
		seq = b->report.seq + 1;
	return seq;
}

int ballast_report_write(const struct breport_stats *s, u64 seq)
{
	unsigned int tries;
	int err = 0;

	for (tries = 0; tries < REPORT_TRIES; tries++) {
		err = write_report(s, seq);
		if (err != -EAGAIN)
			break;
	}
	return err;
}

void ballast_report_done(struct ballast *b, int err,
			 const struct breport_stats *s, u64 seq, u64 now_ms)
{
	if (err) {
		/* Tried again next tick; say so once, not every second. */
		if (!b->report_failed_logged)
			pr_warn("ballast: cannot write %s (%d), will retry\n",
				BALLAST_DATA_DIR, err);
		b->report_failed_logged = true;
		return;
	}
	b->report_failed_logged = false;
	breport_sent(&b->report, s, seq, now_ms);
}
