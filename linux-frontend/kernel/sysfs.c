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

/* A u64 view of an attribute, computed under the lock. */
#define BALLAST_SHOW(name_, expr_)					\
static ssize_t name_##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	struct ballast *b = to_ballast(kobj);				\
	unsigned long long v;						\
									\
	mutex_lock(&b->lock);						\
	v = (expr_);							\
	mutex_unlock(&b->lock);						\
	return sysfs_emit(buf, "%llu\n", v);				\
}

/* One read-only u64 view per attribute. */
#define BALLAST_RO(name_, expr_)					\
BALLAST_SHOW(name_, expr_)						\
static struct kobj_attribute name_##_attr = __ATTR_RO(name_)

BALLAST_RO(target_kib, b->core.have_target ?
	   pages_kib(b, b->core.target_pages + b->core.cfg.offset_pages) : 0);
BALLAST_RO(current_kib, ballast_current_kib(b));
BALLAST_RO(ballooned_kib, pages_kib(b, b->core.ballooned_pages));
BALLAST_RO(boot_kib, pages_kib(b, b->core.boot_pages + b->core.cfg.offset_pages));
BALLAST_RO(stock_target_kib, pages_kib(b, b->stock_target_pages));
BALLAST_RO(oom_relief_kib, pages_kib(b, b->core.oom_relief_pages));
BALLAST_RO(rate, bcore_rate_kib_s(&b->core, b->core.rate));
BALLAST_RO(alloc_failures, b->core.cnt.alloc_failures);
BALLAST_RO(host_refusals, b->core.cnt.host_refusals);
BALLAST_RO(bad_targets, b->core.cnt.bad_targets);
BALLAST_RO(oom_deflates, b->core.cnt.oom_deflates);
BALLAST_RO(report_seq, b->report.seq);
BALLAST_RO(uncooperative, b->host.uncooperative);

static ssize_t state_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	struct ballast *b = to_ballast(kobj);
	enum ballast_state st;

	mutex_lock(&b->lock);
	st = b->core.state;
	mutex_unlock(&b->lock);
	return sysfs_emit(buf, "%s\n", ballast_state_word(st));
}
static struct kobj_attribute state_attr = __ATTR_RO(state);

/* Effective bound (KiB/s) on read, override on write. */
#define BALLAST_KNOB(name_, show_expr_, field_)				\
BALLAST_SHOW(name_, show_expr_)						\
static ssize_t name_##_store(struct kobject *kobj,			\
			     struct kobj_attribute *attr,		\
			     const char *buf, size_t count)		\
{									\
	struct ballast *b = to_ballast(kobj);				\
	u64 v;								\
	int err;							\
									\
	err = kstrtou64(buf, 10, &v);					\
	if (err)							\
		return err;						\
	mutex_lock(&b->lock);						\
	b->knobs.field_ = v;						\
	ballast_apply_knobs(b);						\
	mutex_unlock(&b->lock);						\
	ballast_kick(b, false);						\
	return count;							\
}									\
static struct kobj_attribute name_##_attr = __ATTR_RW(name_)

BALLAST_KNOB(rate_min, bcore_rate_kib_s(&b->core, b->core.cfg.rate_min),
	     rate_min_kib_s);
BALLAST_KNOB(rate_max, bcore_rate_kib_s(&b->core, b->core.cfg.rate_max),
	     rate_max_kib_s);
BALLAST_KNOB(floor_kib, pages_kib(b, b->core.cfg.floor_pages), floor_kib);

static ssize_t constant_rate_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	struct ballast *b = to_ballast(kobj);
	bool v;

	mutex_lock(&b->lock);
	v = b->core.cfg.constant_rate;
	mutex_unlock(&b->lock);
	return sysfs_emit(buf, "%d\n", v);
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
	ballast_apply_knobs(b);
	mutex_unlock(&b->lock);
	ballast_kick(b, false);
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
