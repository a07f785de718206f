// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ballast.ko: /sys/kernel/ballast. Read-only views of the balloon, and
 * the knobs that override the host's wishes (0 gives the choice back).
 * Memory in KiB, rates in KiB/s, as in xenstore.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "ballast.h"

static struct ballast *to_ballast(struct kobject *kobj)
{
	return container_of(kobj, struct ballast, kobj);
}

static u64 pages_kib(const struct ballast *b, u64 pages)
{
	return pages * b->core.cfg.page_kib;
}

void ballast_publish(struct ballast *b)
{
	const struct bcore *c = &b->core;
	struct ballast_view *v = &b->view;

	lockdep_assert_held(&b->lock);
	WRITE_ONCE(v->target_kib, c->have_target ?
		   pages_kib(b, c->target_pages + c->cfg.offset_pages) : 0);
	WRITE_ONCE(v->current_kib, ballast_current_kib(b));
	WRITE_ONCE(v->ballooned_kib, pages_kib(b, c->ballooned_pages));
	WRITE_ONCE(v->boot_kib, pages_kib(b, c->boot_pages + c->cfg.offset_pages));
	WRITE_ONCE(v->stock_target_kib, pages_kib(b, b->stock_target_pages));
	WRITE_ONCE(v->oom_relief_kib, pages_kib(b, c->oom_relief_pages));
	WRITE_ONCE(v->rate, bcore_rate_kib_s(c, c->rate));
	WRITE_ONCE(v->rate_min, bcore_rate_kib_s(c, c->cfg.rate_min));
	WRITE_ONCE(v->rate_max, bcore_rate_kib_s(c, c->cfg.rate_max));
	WRITE_ONCE(v->floor_kib, pages_kib(b, c->cfg.floor_pages));
	WRITE_ONCE(v->alloc_failures, c->cnt.alloc_failures);
	WRITE_ONCE(v->host_refusals, c->cnt.host_refusals);
	WRITE_ONCE(v->bad_targets, c->cnt.bad_targets);
	WRITE_ONCE(v->oom_deflates, c->cnt.oom_deflates);
	WRITE_ONCE(v->migrated_pages, c->cnt.migrated);
	WRITE_ONCE(v->migrate_failures, c->cnt.migrate_refusals);
	WRITE_ONCE(v->compaction, b->knobs.compaction);
	WRITE_ONCE(v->report_seq, b->report.seq);
	WRITE_ONCE(v->uncooperative, b->host.uncooperative);
	WRITE_ONCE(v->constant_rate, c->cfg.constant_rate);
	WRITE_ONCE(v->state, c->state);
}

/* A u64 view of an attribute: a snapshot, no lock. */
#define BALLAST_SHOW(name_)						\
static ssize_t name_##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	struct ballast *b = to_ballast(kobj);				\
									\
	return sysfs_emit(buf, "%llu\n",				\
			  (unsigned long long)READ_ONCE(b->view.name_)); \
}

/* One read-only u64 view per attribute. */
#define BALLAST_RO(name_)						\
BALLAST_SHOW(name_)							\
static struct kobj_attribute name_##_attr = __ATTR_RO(name_)

BALLAST_RO(target_kib);
BALLAST_RO(current_kib);
BALLAST_RO(ballooned_kib);
BALLAST_RO(boot_kib);
BALLAST_RO(stock_target_kib);
BALLAST_RO(oom_relief_kib);
BALLAST_RO(rate);
BALLAST_RO(alloc_failures);
BALLAST_RO(host_refusals);
BALLAST_RO(bad_targets);
BALLAST_RO(oom_deflates);
BALLAST_RO(migrated_pages);
BALLAST_RO(migrate_failures);
BALLAST_RO(compaction);
BALLAST_RO(report_seq);
BALLAST_RO(uncooperative);

static ssize_t state_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	struct ballast *b = to_ballast(kobj);

	return sysfs_emit(buf, "%s\n",
			  ballast_state_word((enum ballast_state)
					     READ_ONCE(b->view.state)));
}
static struct kobj_attribute state_attr = __ATTR_RO(state);

/* A new override: kicked, so the worker applies it at once. */
static void knob_changed(struct ballast *b)
{
	mutex_lock(&b->lock);
	ballast_apply_knobs(b);
	ballast_publish(b);
	mutex_unlock(&b->lock);
	ballast_kick(b, false);
}

/*
 * Effective bound (KiB/s, KiB) on read, override on write: checked as the
 * host's key of the same meaning is (bcore_parse_knob()), 0 gives it back.
 */
#define BALLAST_KNOB(name_, key_, field_)				\
BALLAST_SHOW(name_)							\
static ssize_t name_##_store(struct kobject *kobj,			\
			     struct kobj_attribute *attr,		\
			     const char *buf, size_t count)		\
{									\
	struct ballast *b = to_ballast(kobj);				\
	u64 v;								\
									\
	if (bcore_parse_knob(key_, buf, count, &v) != BALLAST_OK)	\
		return -EINVAL;						\
	mutex_lock(&b->lock);						\
	b->knobs.field_ = v;						\
	mutex_unlock(&b->lock);						\
	knob_changed(b);						\
	return count;							\
}									\
static struct kobj_attribute name_##_attr = __ATTR_RW(name_)

BALLAST_KNOB(rate_min, BALLAST_K_RATE_MIN, rate_min_kib_s);
BALLAST_KNOB(rate_max, BALLAST_K_RATE_MAX, rate_max_kib_s);
BALLAST_KNOB(floor_kib, BALLAST_K_FLOOR, floor_kib);

static ssize_t constant_rate_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	struct ballast *b = to_ballast(kobj);

	return sysfs_emit(buf, "%d\n", !!READ_ONCE(b->view.constant_rate));
}

static ssize_t constant_rate_store(struct kobject *kobj,
				   struct kobj_attribute *attr,
				   const char *buf, size_t count)
{
	struct ballast *b = to_ballast(kobj);
	bool v;
	int err;

	err = kstrtobool(buf, &v);
	if (err)
		return err;
	mutex_lock(&b->lock);
	b->knobs.constant_rate = v;
	mutex_unlock(&b->lock);
	knob_changed(b);
	return count;
}
static struct kobj_attribute constant_rate_attr = __ATTR_RW(constant_rate);

static struct attribute *ballast_attrs[] = {
	&target_kib_attr.attr,
	&current_kib_attr.attr,
	&ballooned_kib_attr.attr,
	&boot_kib_attr.attr,
	&stock_target_kib_attr.attr,
	&oom_relief_kib_attr.attr,
	&state_attr.attr,
	&rate_attr.attr,
	&rate_min_attr.attr,
	&rate_max_attr.attr,
	&floor_kib_attr.attr,
	&constant_rate_attr.attr,
	&alloc_failures_attr.attr,
	&host_refusals_attr.attr,
	&bad_targets_attr.attr,
	&oom_deflates_attr.attr,
	&compaction_attr.attr,
	&migrated_pages_attr.attr,
	&migrate_failures_attr.attr,
	&report_seq_attr.attr,
	&uncooperative_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(ballast);

/* The kobject owns the struct: freed when the last sysfs user lets go. */
static void ballast_release(struct kobject *kobj)
{
	kfree(to_ballast(kobj));
}

const struct kobj_type ballast_ktype = {
	.release = ballast_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = ballast_groups,
};
