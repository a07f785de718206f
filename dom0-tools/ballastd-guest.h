/* SPDX-License-Identifier: MIT */
/*
 * Untrusted guest input (ballastd-guest.c): everything a guest writes, its
 * report under data/ballast and the stock balloon's feature flag, goes
 * through the schema validators here before the policy sees any of it; a
 * guest that writes too often is held off by the flood window.
 */
#ifndef BALLASTD_GUEST_H
#define BALLASTD_GUEST_H

#include "ballastd-env.h"

#define BD_FLOOD_WINDOW_MS	1000	/* flood-limit counts per this window */
#define BD_KEYS_PER_REPORT	32	/* other key writes allowed per report */

/* The CPU evidence of the report in stats, as the guest said it (SCHEMA.md,
 * "vCPUs"); ballastd-vcpu.c turns it into the processor policy's terms. */
struct bd_guest_cpu {
	bool present;			/* the report carried load-avg1 */
	uint64_t cpus_online;		/* 0: not said */
	uint64_t psi_cpu_some_centipct;
	uint64_t load_avg1_centi;
	uint64_t runnable;
	bool has_steal;
	uint64_t steal_ms;		/* cumulative */
	uint64_t offline_refusals;	/* cumulative */
	uint64_t refused_cpu;		/* 0: none said */
};

/* What a guest said, accepted or refused. Assigned in ballastd-guest.c only. */
struct bd_guest {
	/* what it runs: BSCHED_FE_DRIVER, _AGENT, or _NONE (no valid word yet) */
	enum bsched_frontend frontend;
	bool stock_feature;		/* control/feature-balloon = 1 */

	/* its reports */
	uint64_t last_seq;		/* the last seq accepted (or held off) */
	struct bd_report_ref used;	/* the report in stats, and when it was taken */
	bool took_report;		/* this process took one */
	struct bsched_stats stats;
	struct bd_guest_cpu cpu;	/* of the same report */
	int state;			/* enum ballast_state, -1 unknown */
	uint64_t unloading_since_ms;	/* first report saying "unloading", 0: none */

	/* refusals */
	uint64_t refused_reports;
	uint64_t flood_refused;
	char last_refusal[96];
	/* every line this guest can cause, here and in ballastd-txn.c */
	struct bd_log_budget lines;

	/* the flood window */
	uint32_t events_in_window;	/* seq writes */
	uint32_t other_events_in_window;
	uint64_t window_start_ms;
	bool flooding;
};

void bd_guest_init(struct bd_guest *g);

/* data/ballast/frontend (the last valid word is kept against scribbling),
 * and, without a ballast frontend, control/feature-balloon. */
void bd_guest_read_frontend(struct bd_env *env, const struct bd_who *who,
			    struct bd_guest *g);

/*
 * Takes a new report if there is one and every value of it is valid. The
 * first report this process takes is as old as @resumed says if it is that
 * report (a previous ballastd used it; see ballastd-resume.c).
 */
void bd_guest_read_report(struct bd_env *env, const struct bd_who *who,
			  struct bd_guest *g, const struct bd_report_ref *resumed,
			  uint64_t now_ms);

/* A watch fired on the guest's data/ballast/@path: counted in the window. */
void bd_guest_event(struct bd_env *env, struct bd_guest *g, const char *path,
		    uint64_t now_ms);

#endif /* BALLASTD_GUEST_H */
