/* SPDX-License-Identifier: MIT */
/*
 * ballastctl: a verb table in the manner of xl_cmdtable.c. Verbs read what
 * ballastd published and write dom0-only requests; they hold no policy.
 */
#ifndef BALLASTCTL_H
#define BALLASTCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bio.h"
#include "bsched.h"		/* BSCHED_NAME_MAX: the names ballastd knows */

#define BCTL_ERR_MAX		256
#define BCTL_DEFAULT_HOLD_S	30	/* see ballastctl(8): reserve */
#define BCTL_DEFAULT_TIMEOUT_S	60
#define BCTL_MAX_SECONDS	86400	/* --timeout, --delay: a day; in ms no wrap */
#define BCTL_XS_TRIES		16	/* a transaction that keeps conflicting */
#define BCTL_NAME_MAX		BSCHED_NAME_MAX

struct bctl {
	struct bio io;
	FILE *out;
	FILE *err;
	int tty_fd;		/* top reads 'q' here; -1: not interactive */
	bool check_signals;	/* reserve gives back on SIGINT/SIGTERM */
};

struct bctl_verb {
	const char *name;
	int (*run)(struct bctl *ctl, int argc, char **argv);
	const char *usage;
	const char *help;
};

extern const struct bctl_verb bctl_verbs[];
extern const unsigned int bctl_n_verbs;

const struct bctl_verb *bctl_find_verb(const char *name);

/* --- domains by name or domid (ballastctl-domain.c) ------------------------ */

struct bctl_domain {
	uint32_t domid;
	char name[BCTL_NAME_MAX];	/* the key of its overrides and [domain] */
};

/*
 * @arg as xl takes a domain: a domid if it is a number and such a domain
 * exists, else a name. Returns 0 and fills @out; -ENOENT (no such domain),
 * -ENAMETOOLONG (a name ballastd cannot know) or another -errno, with a
 * message in @err.
 */
int bctl_resolve_domain(struct bctl *ctl, const char *arg,
			struct bctl_domain *out, char *err, size_t err_len);

/* --- argument parsing (ballastctl-args.c) --------------------------------- */

struct bctl_set_args {
	const char *domain;
	bool has_min, has_max, has_shares;
	bool clear_min, clear_max, clear_shares;	/* "min=default" */
	uint64_t min_kib, max_kib;
	uint32_t shares;
	/* processors: vcpus-min=N vcpus-max=N cpu-shares=N vcpu-scaling=0|1 */
	bool has_vcpus_min, has_vcpus_max, has_cpu_shares, has_vcpu_scaling;
	bool clear_vcpus_min, clear_vcpus_max, clear_cpu_shares, clear_vcpu_scaling;
	uint32_t vcpus_min, vcpus_max, cpu_shares;
	bool vcpu_scaling;
};

struct bctl_reserve_args {
	uint64_t size_kib;
	uint64_t timeout_s;
	char **cmd;		/* after "--", NULL-terminated; NULL: none */
};

struct bctl_view_args {
	bool json;
	bool batch;		/* top: plain text frames, no terminal control */
	uint64_t iterations;	/* top: 0 = until 'q' */
	uint64_t delay_s;
};

struct bctl_show_args {
	const char *config_path;	/* ballastd.conf, as ballastd reads it */
	const char *domain;		/* NULL: every domain */
};

/* Each returns 0, or -1 with a message in @err. argv[0] is the verb. */
int bctl_parse_set(int argc, char **argv, struct bctl_set_args *out,
		   char *err, size_t err_len);
int bctl_parse_reserve(int argc, char **argv, struct bctl_reserve_args *out,
		       char *err, size_t err_len);
int bctl_parse_view(int argc, char **argv, struct bctl_view_args *out,
		    char *err, size_t err_len);
int bctl_parse_show(int argc, char **argv, struct bctl_show_args *out,
		    char *err, size_t err_len);
/* Exactly one DOMAIN (explain), into *@domain. */
int bctl_parse_domain_arg(int argc, char **argv, const char **domain,
			  char *err, size_t err_len);

/* --- show-config (ballastctl-config.c) -------------------------------------- */

int bctl_cmd_show_config(struct bctl *ctl, int argc, char **argv);

#endif /* BALLASTCTL_H */
