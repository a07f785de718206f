// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ballast.ko: the xenstore side. A watch on memory/ballast (dom0 writes,
 * we only read: never memory/target, which the built-in stock balloon
 * watches), and the reports under data/ballast (ours to write).
 */
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <xen/balloon.h>
#include <xen/xen.h>
#include <xen/xenbus.h>

#include "ballast.h"
#include "bowner.h"

#define REPORT_TRIES	5	/* transaction retries on -EAGAIN */
#define LOG_VALUE_MAX	32	/* bytes of a refused value worth printing */

/* Watch callbacks must not block on our lock: only queue work. */
static void ctl_changed(struct xenbus_watch *watch, const char *path,
			const char *token)
{
	struct ballast *b = container_of(watch, struct ballast, ctl_watch);

	ballast_kick(b, true);
}

/* A data/ballast key as xenbus gives it, or NULL (absent or unreadable). */
static char *read_data_key(const char *key, unsigned int *len)
{
	char *v = xenbus_read(XBT_NIL, BALLAST_DATA_DIR, key, len);

	if (IS_ERR(v)) {
		*len = 0;
		return NULL;
	}
	return v;
}

int ballast_check_owner(void)
{
	unsigned int frontend_len, state_len;
	enum ballast_frontend holder;
	char *frontend, *state;
	bool free_to_drive;

	frontend = read_data_key(BALLAST_KEY_FRONTEND, &frontend_len);
	state = read_data_key(BALLAST_KEY_STATE, &state_len);
	free_to_drive = bowner_may_drive(BALLAST_FRONTEND_DRIVER, frontend,
					 frontend_len, state, state_len, &holder);
	if (!free_to_drive)
		pr_err("ballast: %s/%s says \"%s\" drives this guest (state \"%.*s\"): one frontend per guest, so the module does not load (stop it first: systemctl stop ballast-agent; if it is gone without letting go, remove that key)\n",
		       BALLAST_DATA_DIR, BALLAST_KEY_FRONTEND,
		       ballast_frontend_word(holder),
		       (int)min_t(unsigned int, state_len, LOG_VALUE_MAX), state);
	kfree(frontend);
	kfree(state);
	return free_to_drive ? 0 : -EBUSY;
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

/* Told by bctl_apply() of each refused value; rate-limited. */
static void log_refused(void *ctx, enum ballast_key_id id, const char *s,
			size_t len, enum ballast_verdict v)
{
	struct ballast *b = ctx;

	if (!__ratelimit(&b->bad_value_rs))
		return;
	pr_warn("ballast: refused %s/%s \"%*pE\": %s; keeping the last valid value\n",
		BALLAST_CTL_DIR, ballast_keys[id].name,
		(int)min_t(size_t, len, LOG_VALUE_MAX), s,
		ballast_verdict_str(v));
}

void ballast_fetch_ctl(struct bctl_raw *raw)
{
	unsigned int i, len;

	for (i = 0; i < BCTL__COUNT; i++) {
		char *s = xenbus_read(XBT_NIL, BALLAST_CTL_DIR,
				      ballast_keys[bctl_keys[i]].name, &len);

		/* Absent: not written yet. */
		raw->val[i] = IS_ERR(s) ? NULL : s;
		raw->len[i] = IS_ERR(s) ? 0 : len;
	}
}

void ballast_free_ctl(struct bctl_raw *raw)
{
	unsigned int i;

	for (i = 0; i < BCTL__COUNT; i++) {
		kfree(raw->val[i]);
		raw->val[i] = NULL;
	}
}

void ballast_apply_ctl(struct ballast *b, const struct bctl_raw *raw)
{
	bctl_apply(&b->core, &b->host, raw, log_refused, b);
}

/*
 * HVM and PVH guests: memory/target counts firmware and video frames the
 * stock balloon does not. Every page the guest has or ballooned (its own
 * and ours: we leave balloon_stats.current_pages alone) is what it booted
 * with, so @static_max_kib minus that is xen-balloon's target_diff at any
 * time (bcore_offset_pages()). PV and dom0: none.
 */
u64 ballast_read_offset_pages(u64 static_max_kib)
{
	u64 total = READ_ONCE(balloon_stats.current_pages) +
		    READ_ONCE(balloon_stats.balloon_low) +
		    READ_ONCE(balloon_stats.balloon_high);

	return bcore_offset_pages(!xen_pv_domain() && !xen_initial_domain(),
				  static_max_kib, total,
				  PAGE_SIZE / SZ_1K);
}

u64 ballast_read_static_max_kib(void)
{
	unsigned long long kib;

	/* Older toolstacks wrote only the second, as xen-balloon reads it. */
	if (xenbus_scanf(XBT_NIL, BALLAST_STOCK_STATIC_MAX, "", "%llu", &kib) == 1 ||
	    xenbus_scanf(XBT_NIL, BALLAST_STOCK_STATIC_MAX_OLD, "", "%llu", &kib) == 1)
		return kib;
	return 0;
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

/* PSI is sampled only when a report is due: carried until then. */
static const enum ballast_key_id psi_keys[] = {
	BALLAST_K_PSI_SOME_AVG10, BALLAST_K_PSI_FULL_AVG10,
};

u64 ballast_report_prepare(struct ballast *b, u64 now_ms, bool force,
			   struct breport_stats *s)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	bcore_report_into(&b->core, s);
	breport_set(s, BALLAST_K_CURRENT, ballast_current_kib(b));
	ballast_sample(b, s);
	ballast_cpu_report(b, s);
	for (i = 0; i < ARRAY_SIZE(psi_keys); i++)
		breport_carry(s, &b->report, psi_keys[i]);
	return breport_next(&b->report, s, now_ms, force);
}

void ballast_report_psi(struct breport_stats *s, const struct bpsi *psi)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(psi_keys); i++)
		breport_unset(s, psi_keys[i]);
	if (psi)
		bpsi_report(psi, s);
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
	/* Tried again next run; said once, not every second. */
	if (breport_result(&b->report, err, s, seq, now_ms))
		pr_warn("ballast: cannot write %s (%d), will retry\n",
			BALLAST_DATA_DIR, err);
}
