// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ballast.ko: the guest's processors. dom0 (ballastd) makes vCPUs available
 * or not through cpu/N/availability; the stock drivers/xen/cpu_hotplug.c
 * takes a CPU down on "offline", but on "online" it only registers the CPU
 * and marks it present. So a watch on cpu/ has the worker look at every
 * node and bring each available, present CPU online with add_cpu() (the
 * kernel's CPU hotplug API for modules, which locks device hotplug and
 * onlines the CPU's device as a write to its sysfs "online" would), and
 * count the CPUs asked offline that the kernel kept (the core's tracker,
 * core/bcpu.c). The report's CPU evidence comes from here too.
 */
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/kernel_stat.h>
#include <linux/sched/loadavg.h>
#include <linux/slab.h>
#include <xen/xenbus.h>

#include "ballast.h"
#include "bcpu.h"

#define LOADAVG_PATH	"/proc/loadavg"
#define PSI_CPU_PATH	"/proc/pressure/cpu"

/* Sampled with PSI (report.c in main.c: when due or every sample_ms); carried between. */
static const enum ballast_key_id cpu_keys[] = {
	BALLAST_K_LOAD_AVG1, BALLAST_K_RUNNABLE, BALLAST_K_PSI_CPU_SOME_AVG10,
	BALLAST_K_STEAL,
};

/* Watch callbacks must not block on our lock: only queue work. */
static void cpu_changed(struct xenbus_watch *watch, const char *path,
			const char *token)
{
	struct ballast *b = container_of(watch, struct ballast, cpu_watch);

	set_bit(BALLAST_F_CPUS, &b->flags);
	ballast_kick(b, false);
}

int ballast_cpu_start(struct ballast *b)
{
	bcpu_hotplug_init(&b->cpu_hp);
	ratelimit_state_init(&b->cpu_rs, 60 * HZ, 3);
	set_bit(BALLAST_F_CPUS, &b->flags);	/* a first look at load */
	b->cpu_watch.node = BALLAST_STOCK_CPU_DIR;
	b->cpu_watch.callback = cpu_changed;
	return register_xenbus_watch(&b->cpu_watch);
}

void ballast_cpu_stop(struct ballast *b)
{
	unregister_xenbus_watch(&b->cpu_watch);
}

/* What cpu/@cpu/availability says; false if there is no such node. */
static bool read_avail(unsigned int cpu, enum bcpu_avail *a)
{
	char dir[16];
	unsigned int len;
	char *val;

	snprintf(dir, sizeof(dir), BALLAST_STOCK_CPU_DIR "/%u", cpu);
	val = xenbus_read(XBT_NIL, dir, "availability", &len);
	if (IS_ERR(val))
		return false;
	*a = bcpu_parse_avail(val, len);
	kfree(val);
	return true;
}

static void bring_online(struct ballast *b, unsigned int cpu)
{
	int err = add_cpu(cpu);

	if (!err) {
		pr_info("ballast: cpu%u: made available by dom0, brought online\n", cpu);
		return;
	}
	b->cpu_online_failures++;
	if (__ratelimit(&b->cpu_rs))
		pr_warn("ballast: cpu%u: made available, but the kernel refused to bring it online (%d); %llu refused so far\n",
			cpu, err, (unsigned long long)b->cpu_online_failures);
}

void ballast_cpu_run(struct ballast *b)
{
	unsigned int cpu, n = min_t(unsigned int, nr_cpu_ids, BCPU_MAX);
	bool again = false;

	if (!test_and_clear_bit(BALLAST_F_CPUS, &b->flags))
		return;
	/* one node per vCPU up to maxvcpus: the first missing one ends them */
	for (cpu = 0; cpu < n; cpu++) {
		enum bcpu_avail a;
		enum bcpu_action act;
		bool present;

		if (!read_avail(cpu, &a))
			break;
		/* a CPU without its device yet cannot be onlined: wait for it */
		present = cpu_present(cpu) && get_cpu_device(cpu);
		mutex_lock(&b->lock);
		act = bcpu_look(&b->cpu_hp, cpu, a, present, cpu_online(cpu),
				div_u64(ktime_get_boottime_ns(), NSEC_PER_MSEC));
		mutex_unlock(&b->lock);
		if (act == BCPU_WAIT)
			again = true;
		else if (act == BCPU_BRING_ONLINE)
			bring_online(b, cpu);
	}
	/* not settled (the stock driver not done yet): look again next run */
	if (again)
		set_bit(BALLAST_F_CPUS, &b->flags);
}

void ballast_cpu_report(struct ballast *b, struct breport_stats *s)
{
	unsigned int i;

	breport_set(s, BALLAST_K_CPUS_ONLINE, num_online_cpus());
	bcpu_hotplug_report(&b->cpu_hp, s);
	for (i = 0; i < ARRAY_SIZE(cpu_keys); i++)
		breport_carry(s, &b->report, cpu_keys[i]);
}

/* Steal of every CPU since boot, ms: the kernel's own count (ns). */
static u64 steal_ms(void)
{
	unsigned int cpu;
	u64 ns = 0;

	for_each_possible_cpu(cpu)
		ns += kcpustat_cpu(cpu).cpustat[CPUTIME_STEAL];
	return div_u64(ns, NSEC_PER_MSEC);
}

void ballast_cpu_sample(struct ballast *b, struct breport_stats *s)
{
	struct bcpu_evidence e = { .cpus_online = num_online_cpus() };
	char buf[BCPU_TEXT_MAX];
	struct bpsi psi;
	unsigned int i;
	size_t len;

	for (i = 0; i < ARRAY_SIZE(cpu_keys); i++)
		breport_unset(s, cpu_keys[i]);
	if (ballast_read_proc(LOADAVG_PATH, buf, sizeof(buf), &len) ||
	    !bcpu_parse_loadavg(buf, len, &e.load_avg1_centi, &e.runnable)) {
		if (!b->cpu_failure_logged)
			pr_info("ballast: cannot read %s: reports leave out the CPU load\n",
				LOADAVG_PATH);
		b->cpu_failure_logged = true;
		return;
	}
	e.has_psi = !ballast_read_proc(PSI_CPU_PATH, buf, sizeof(buf), &len) &&
		    bpsi_parse(buf, len, &psi);
	if (e.has_psi)
		e.psi_cpu_some_centipct = psi.some_avg10_centipct;
	e.has_steal = true;
	e.steal_ms = steal_ms();
	bcpu_report(&e, s);
}
