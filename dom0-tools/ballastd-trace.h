/* SPDX-License-Identifier: MIT */
/*
 * The trace recorder (ballastd.conf trace-file, off by default): after each
 * tick, one CSV row per domain with what the policy saw and decided, for
 * plotting a real host's run (tests/sim/plot-trace) the way the simulator's
 * runs are plotted. The columns are documented once, in ballastd.conf(5),
 * TRACE FILE; BD_TRACE_HEADER is that header line.
 */
#ifndef BALLASTD_TRACE_H
#define BALLASTD_TRACE_H

#include "ballastd-env.h"

#define BD_TRACE_HEADER \
	"time_s,domid,name,frontend,managed,min_kib,max_kib,shares," \
	"target_kib,actual_kib,demand_kib,available_kib,psi_some_pct," \
	"psi_full_pct,oom_kills,bound,stuck,uncooperative,xen_free_kib"
#define BD_TRACE_OLD_SUFFIX	".1"	/* the one older generation kept */

/* ballastd-trace.c owns it; zeroed is "nothing traced yet". */
struct bd_trace {
	bool started;
	uint64_t start_ms;		/* the first traced tick: time_s 0 */
	struct bd_log_limit log;	/* the file cannot be written */
};

/*
 * Appends this tick's rows (@s in, @r out, same order) to cfg.trace_file;
 * nothing without one. A file that has reached cfg.trace_max_kib is first
 * renamed to FILE.1 (replacing the one there), and every new file starts
 * with the header, so the trace takes at most twice trace-max-size. A
 * failure is logged (once a minute) and ignored: the trace never stops a
 * tick.
 */
void bd_trace_tick(struct bd_env *env, struct bd_trace *tr,
		   const struct bsched_snapshot *s, const struct bsched_result *r);

#endif /* BALLASTD_TRACE_H */
