// SPDX-License-Identifier: MIT
/*
 * ballastctl's verbs explain, set and reserve, and the verb table (status
 * and top have their own files). They read Xen and what ballastd published
 * under /tool/ballast, and write requests there; every decision stays in
 * ballastd.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ballast_path.h"
#include "ballast_schema.h"
#include "ballastctl.h"
#include "ballastctl-status.h"
#include "ballastctl-top.h"
#include "ballastctl-view.h"
#include "bsched.h"

#define POLL_MS		1000
#define CMD_POLL_MS	200	/* how often reserve -- CMD looks at CMD */
#define KEEPALIVE_MS	2000	/* how often it tells ballastd it still runs */

/* --- explain ------------------------------------------------------------------------ */

/* One line per bound: each rule is argued once, in scheduler/POLICY.md. */

struct bound_text {
	enum bsched_bound bound;
	const char *why;
};

static const struct bound_text bound_texts[] = {
	{ BSCHED_BOUND_UNMANAGED, "not managed (dom0 without manage-dom0): left alone" },
	{ BSCHED_BOUND_NO_BALLOON, "no balloon to give memory back: held where it is" },
	{ BSCHED_BOUND_MIN, "held at its subscription minimum" },
	{ BSCHED_BOUND_MAX, "capped at its maximum (or memory/static-max)" },
	{ BSCHED_BOUND_DEMAND, "got what its demand asks for" },
	{ BSCHED_BOUND_SHARES, "memory is contended: this is its share of what is left" },
	{ BSCHED_BOUND_SURPLUS, "its demand plus its share of the surplus" },
	{ BSCHED_BOUND_STEP, "moving toward its ideal, limited by the per-tick step" },
	{ BSCHED_BOUND_DEADBAND, "the change would be too small to issue (deadband)" },
	{ BSCHED_BOUND_GROWTH_DEFERRED, "growth waits until other domains' shrinks free memory" },
	{ BSCHED_BOUND_STUCK, "left out: its balloon makes no progress" },
	{ BSCHED_BOUND_FLOOR, "held at the floor its guest reports (data/ballast/floor)" },
	{ BSCHED_BOUND_UNREPORTED, "memory is contended and it reports no fresh statistics: "
				   "served after the guests that do (evidence first, "
				   "see POLICY.md)" },
	{ BSCHED_BOUND_PROBE, "held at the cap of its working-set probe (probe = yes)" },
};

/* One line per state of the working-set probe (POLICY.md, "Working-set
 * probing"): why it probes, or why it stopped. */
struct probe_text {
	enum bsched_probe probe;
	const char *why;
};

static const struct probe_text probe_texts[] = {
	{ BSCHED_PROBE_NO_PSI, "asked for, but no ballast frontend reports PSI: no probing" },
	{ BSCHED_PROBE_STALE, "stopped: no fresh report, cap lifted" },
	{ BSCHED_PROBE_PROBING, "lowering its cap a step per interval while PSI stays under the goal" },
	{ BSCHED_PROBE_WAITING, "waiting for its balloon to come down to the cap, "
				"or for a report since the last step" },
	{ BSCHED_PROBE_BACKOFF, "stopped: PSI crossed the goal, cap raised and held" },
	{ BSCHED_PROBE_PRESSURE, "stopped: PSI above the stall threshold, cap lifted "
				 "(the demand rule decides)" },
	{ BSCHED_PROBE_AT_FLOOR, "stopped at its min or floor" },
};

static const char *probe_why(const char *word)
{
	for (size_t i = 0; i < sizeof(probe_texts) / sizeof(probe_texts[0]); i++)
		if (!strcmp(word, bsched_probe_str(probe_texts[i].probe)))
			return probe_texts[i].why;
	return NULL;
}

static const char *bound_why(const char *word)
{
	for (size_t i = 0; i < sizeof(bound_texts) / sizeof(bound_texts[0]); i++)
		if (!strcmp(word, bsched_bound_str(bound_texts[i].bound)))
			return bound_texts[i].why;
	return "(no decision published yet)";
}

/* The processor policy's side (POLICY.md, "Processors"). */
static void explain_vcpus(struct bctl *ctl, const struct bctl_row *r)
{
	if (!r->maxvcpus)
		return;		/* vcpu-scaling is off for the host */
	fprintf(ctl->out, "  vCPUs: %" PRIu64 " online of %" PRIu64 ", target %" PRIu64,
		r->vcpus_online, r->maxvcpus, r->vcpus_target);
	if (!r->vcpu_scaling) {
		fprintf(ctl->out, " - %s\n", r->vcpu_hvm ?
			"HVM: not driven (its count would need QEMU's cpu-add)" :
			"vcpu-scaling is off for it: its count is kept");
		return;
	}
	fprintf(ctl->out, " (%s), wants %" PRIu64 ", vcpus-min %" PRIu64 ", vcpus-max %" PRIu64
		", cpu shares %" PRIu64 "%s\n", r->vcpu_bound, r->vcpus_want,
		r->vcpus_min, r->vcpus_max, r->cpu_shares,
		r->vcpu_refusals ? ", the guest refused changes" : "");
}

static const struct bctl_row *find_row(const struct bctl_view *v, uint32_t domid)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->rows[i].domid == domid)
			return &v->rows[i];
	return NULL;
}

static int cmd_explain(struct bctl *ctl, int argc, char **argv)
{
	const struct bctl_row *r;
	struct bctl_domain dom;
	struct bctl_view v;
	char err[BCTL_ERR_MAX];
	const char *name;
	int rc = 0;

	if (bctl_parse_domain_arg(argc, argv, &name, err, sizeof(err))) {
		fprintf(ctl->err, "ballastctl explain: %s\n", err);
		return 2;
	}
	if (bctl_resolve_domain(ctl, name, &dom, err, sizeof(err))) {
		fprintf(ctl->err, "ballastctl explain: %s\n", err);
		return 1;
	}
	rc = bctl_view_read(ctl, &v);
	if (rc) {
		fprintf(ctl->err, "ballastctl explain: cannot read Xen's state: %s\n",
			strerror(-rc));
		return 1;
	}
	r = find_row(&v, dom.domid);
	if (!r) {
		fprintf(ctl->err, "ballastctl explain: no running domain %s\n", name);
		rc = 1;
	} else if (!r->published) {
		fprintf(ctl->err, "ballastctl explain: ballastd has published nothing for %s (%s)\n",
			name, v.daemon ? "not seen yet" : "ballastd is not running");
		rc = 1;
	} else {
		fprintf(ctl->out, "%s (id %" PRIu32 ", %s): target %" PRIu64 " MiB, actual %" PRIu64 " MiB\n"
			"  bound: %s - %s\n"
			"  demand %" PRIu64 " MiB, ideal %" PRIu64 " MiB, subscription %" PRIu64
			"..%" PRIu64 " MiB, shares %" PRIu64 "\n",
			r->name, r->domid, r->frontend, r->target_kib / 1024,
			r->actual_kib / 1024, r->bound, bound_why(r->bound),
			r->demand_kib / 1024, r->ideal_kib / 1024, r->min_kib / 1024,
			r->max_kib / 1024, r->shares);
		if (r->stuck || r->uncooperative)
			fprintf(ctl->out, "  balloon: %s%s\n", r->stuck ? "stuck " : "",
				r->uncooperative ? "uncooperative" : "");
		if (bctl_known(r, BCTL_F_PROBE) && probe_why(r->probe))
			fprintf(ctl->out, "  probe: %s - %s; cap %" PRIu64 " MiB\n",
				r->probe, probe_why(r->probe),
				r->probe_cap_kib / 1024);
		if (r->refused_reports || r->flood_refused)
			fprintf(ctl->out, "  guest input refused: %" PRIu64 " invalid, %" PRIu64
				" flooding; last: %s\n", r->refused_reports,
				r->flood_refused, r->last_refusal);
		explain_vcpus(ctl, r);
	}
	bctl_view_free(&v);
	return rc;
}

/* --- set ------------------------------------------------------------------------------ */

static int set_one(const struct bio *io, bio_txn t, const char *domain,
		   const char *key, bool has, bool clear, uint64_t v)
{
	char path[BALLAST_PATH_MAX];
	int rc;

	if (!has && !clear)
		return 0;
	rc = ballast_path(path, sizeof(path), BALLAST_AT_TOOL, 0,
			  BALLAST_TOOL_POLICY, domain, key, NULL);
	if (rc)
		return rc;
	rc = clear ? io->ops->rm(io->ctx, t, path) : bio_write_u64(io, t, path, v);
	return rc == -ENOENT && clear ? 0 : rc;
}

/* Every setting of one `set`, or none of them: one transaction. */
static int set_all(const struct bio *io, bio_txn t, void *arg)
{
	const struct bctl_set_args *a = arg;
	int rc;

	rc = set_one(io, t, a->domain, BALLAST_KEY_MIN, a->has_min, a->clear_min,
		     a->min_kib);
	if (!rc)
		rc = set_one(io, t, a->domain, BALLAST_KEY_MAX, a->has_max,
			     a->clear_max, a->max_kib);
	if (!rc)
		rc = set_one(io, t, a->domain, BALLAST_KEY_SHARES, a->has_shares,
			     a->clear_shares, a->shares);
	if (!rc)
		rc = set_one(io, t, a->domain, BALLAST_KEY_VCPUS_MIN, a->has_vcpus_min,
			     a->clear_vcpus_min, a->vcpus_min);
	if (!rc)
		rc = set_one(io, t, a->domain, BALLAST_KEY_VCPUS_MAX, a->has_vcpus_max,
			     a->clear_vcpus_max, a->vcpus_max);
	if (!rc)
		rc = set_one(io, t, a->domain, BALLAST_KEY_CPU_SHARES, a->has_cpu_shares,
			     a->clear_cpu_shares, a->cpu_shares);
	if (!rc)
		rc = set_one(io, t, a->domain, BALLAST_KEY_VCPU_SCALING,
			     a->has_vcpu_scaling, a->clear_vcpu_scaling, a->vcpu_scaling);
	return rc;
}

static int cmd_set(struct bctl *ctl, int argc, char **argv)
{
	struct bctl_set_args a;
	struct bctl_domain dom;
	char err[BCTL_ERR_MAX];
	bool dry = false;
	int rc;

	if (bctl_parse_set(argc, argv, &a, err, sizeof(err))) {
		fprintf(ctl->err, "ballastctl set: %s\n", err);
		return 2;
	}
	/*
	 * Overrides are stored by name, as ballastd reads them: "set 1" is
	 * domid 1's name. Clearing what a gone domain left needs no domain.
	 */
	rc = bctl_resolve_domain(ctl, a.domain, &dom, err, sizeof(err));
	if (rc && !(rc == -ENOENT && !a.has_min && !a.has_max && !a.has_shares)) {
		fprintf(ctl->err, "ballastctl set: %s (nothing changed)\n", err);
		return 1;
	}
	if (!rc)
		a.domain = dom.name;
	rc = bio_txn_run(&ctl->io, BCTL_XS_TRIES, set_all, &a, NULL);
	if (rc) {
		fprintf(ctl->err, "ballastctl set: %s: %s (nothing changed)\n",
			a.domain, strerror(-rc));
		return 1;
	}
	if (!bctl_daemon_running(ctl, &dry))
		fprintf(ctl->err, "ballastctl set: stored, but ballastd is not running\n");
	else if (dry)
		fprintf(ctl->err, "ballastctl set: stored, but ballastd runs with --dry-run\n");
	return 0;
}

/* --- reserve ------------------------------------------------------------------------------ */

struct reservation {
	uint32_t id;
	char dir[BALLAST_PATH_MAX];
	char size_path[BALLAST_PATH_MAX];
	char status_path[BALLAST_PATH_MAX];
	char keepalive_path[BALLAST_PATH_MAX];
	uint64_t keepalive;
	bool keepalive_warned;
};

static int reservation_make(struct bctl *ctl, struct reservation *r,
			    uint64_t size_kib)
{
	int rc;

	r->id = (uint32_t)getpid();
	rc = ballast_path(r->dir, sizeof(r->dir), BALLAST_AT_RESERVATION, r->id,
			  NULL);
	if (!rc)
		rc = ballast_path(r->size_path, sizeof(r->size_path),
				  BALLAST_AT_RESERVATION, r->id, BALLAST_KEY_SIZE, NULL);
	if (!rc)
		rc = ballast_path(r->status_path, sizeof(r->status_path),
				  BALLAST_AT_RESERVATION, r->id, BALLAST_KEY_STATUS, NULL);
	if (!rc)
		rc = ballast_path(r->keepalive_path, sizeof(r->keepalive_path),
				  BALLAST_AT_RESERVATION, r->id, BALLAST_KEY_KEEPALIVE,
				  NULL);
	if (!rc)
		rc = bio_write_u64(&ctl->io, BIO_TXN_NONE, r->size_path, size_kib);
	if (rc)
		fprintf(ctl->err, "ballastctl reserve: %s: %s\n", r->size_path, strerror(-rc));
	return rc;
}

static void reservation_drop(struct bctl *ctl, const struct reservation *r)
{
	ctl->io.ops->rm(ctl->io.ctx, BIO_TXN_NONE, r->dir);
}

/* -1 while ballastd has not answered. */
static int reservation_status(struct bctl *ctl, const struct reservation *r)
{
	char *val = NULL;
	size_t len = 0;
	uint64_t v;
	int status = -1;

	if (bio_read(&ctl->io, BIO_TXN_NONE, r->status_path, &val, &len))
		return -1;
	if (ballast_parse_key(BALLAST_K_RES_STATUS, val, len, &v) == BALLAST_OK)
		status = (int)v;
	free(val);
	return status;
}

static void name_refusers(struct bctl *ctl, const struct reservation *r)
{
	struct bctl_view v;
	unsigned int named = 0;

	if (bctl_view_read(ctl, &v))
		return;
	for (size_t i = 0; i < v.n; i++) {
		if (v.rows[i].refused_reservation != r->id)
			continue;
		fprintf(ctl->err, "  %s (id %" PRIu32 ") did not give memory back (target %"
			PRIu64 " MiB, actual %" PRIu64 " MiB)\n", v.rows[i].name,
			v.rows[i].domid, v.rows[i].target_kib / 1024,
			v.rows[i].actual_kib / 1024);
		named++;
	}
	if (!named)
		fprintf(ctl->err, "  (ballastd named no domain)\n");
	bctl_view_free(&v);
}

static bool interrupted(const struct bctl *ctl)
{
	sigset_t pending;

	if (!ctl->check_signals || sigpending(&pending))
		return false;
	return sigismember(&pending, SIGINT) || sigismember(&pending, SIGTERM);
}

/*
 * A sign of life for ballastd, which holds a granted reservation until
 * reservation-hold-ms after the last one (ballastd-reserve.c): the memory
 * stays free for as long as CMD runs, not a fixed 30 s.
 */
static void reservation_keepalive(struct bctl *ctl, struct reservation *r)
{
	int rc;

	r->keepalive = (r->keepalive + 1) & UINT32_MAX;
	rc = bio_write_u64(&ctl->io, BIO_TXN_NONE, r->keepalive_path, r->keepalive);
	if (rc && !r->keepalive_warned) {
		fprintf(ctl->err, "ballastctl reserve: %s: %s: ballastd may release the "
			"memory reservation-hold-ms after it was granted\n",
			r->keepalive_path, strerror(-rc));
		r->keepalive_warned = true;
	}
}

static int run_command(struct bctl *ctl, struct reservation *r, char **cmd)
{
	uint64_t quiet_ms = 0;
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		fprintf(ctl->err, "ballastctl reserve: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execvp(cmd[0], cmd);
		fprintf(stderr, "ballastctl reserve: %s: %s\n", cmd[0], strerror(errno));
		_exit(127);
	}
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return 1;
		if (quiet_ms >= KEEPALIVE_MS) {
			reservation_keepalive(ctl, r);
			quiet_ms = 0;
		}
		ctl->io.ops->sleep_ms(ctl->io.ctx, CMD_POLL_MS);
		quiet_ms += CMD_POLL_MS;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int cmd_reserve(struct bctl *ctl, int argc, char **argv)
{
	struct bctl_reserve_args a;
	struct reservation r;
	char err[BCTL_ERR_MAX];
	uint64_t start_ms, free_kib = 0;
	int status = -1, rc;
	bool dry = false;

	if (bctl_parse_reserve(argc, argv, &a, err, sizeof(err))) {
		fprintf(ctl->err, "ballastctl reserve: %s\n", err);
		return 2;
	}
	if (!bctl_daemon_running(ctl, &dry) || dry) {
		fprintf(ctl->err, "ballastctl reserve: ballastd %s: nobody would free the memory\n",
			dry ? "runs with --dry-run" : "is not running");
		return 1;
	}
	if (reservation_make(ctl, &r, a.size_kib))
		return 1;
	start_ms = ctl->io.ops->now_ms(ctl->io.ctx);
	for (;;) {
		struct bio_physinfo host;
		struct bsched_host h;

		status = reservation_status(ctl, &r);
		if (ctl->io.ops->physinfo(ctl->io.ctx, &host) == 0) {
			h = (struct bsched_host){ host.total_kib, host.free_kib,
						  host.scrub_kib, host.outstanding_kib };
			free_kib = bsched_host_free_kib(&h);
		}
		fprintf(ctl->out, "reserve %" PRIu32 ": %" PRIu64 " of %" PRIu64 " MiB free, %s\n",
			r.id, free_kib / 1024, a.size_kib / 1024,
			status < 0 ? "waiting for ballastd" :
			ballast_reservation_word((enum ballast_reservation_status)status));
		fflush(ctl->out);
		if (status == BALLAST_RES_GRANTED && free_kib >= a.size_kib)
			break;
		if (status == BALLAST_RES_IMPOSSIBLE || status == BALLAST_RES_REFUSED ||
		    interrupted(ctl) ||
		    ctl->io.ops->now_ms(ctl->io.ctx) - start_ms >= a.timeout_s * 1000)
			goto out_failed;
		ctl->io.ops->sleep_ms(ctl->io.ctx, POLL_MS);
	}
	if (!a.cmd) {
		fprintf(ctl->out, "reserve %" PRIu32 ": %" PRIu64 " MiB free; ballastd holds it "
			"for reservation-hold-ms (default 30 s) for xl create\n",
			r.id, free_kib / 1024);
		return 0;
	}
	reservation_keepalive(ctl, &r);
	rc = run_command(ctl, &r, a.cmd);
	reservation_drop(ctl, &r);
	return rc;

out_failed:
	if (status == BALLAST_RES_IMPOSSIBLE) {
		/* nobody refused: no domain to name; say what bounds it */
		fprintf(ctl->err, "ballastctl reserve: %" PRIu64 " MiB is more than the host can free\n"
			"  (even with every balloon at its min, or at the floor its guest reports\n"
			"  if higher, beside the slush; ballastd adds its reserve-overhead to the\n"
			"  size; ballastctl explain DOMAIN shows each domain's bounds)\n",
			a.size_kib / 1024);
	} else {
		if (interrupted(ctl))
			fprintf(ctl->err, "ballastctl reserve: interrupted\n");
		else
			fprintf(ctl->err, "ballastctl reserve: only %" PRIu64 " of %" PRIu64
				" MiB free after %" PRIu64 " s (%s)\n", free_kib / 1024,
				a.size_kib / 1024, a.timeout_s,
				status < 0 ? "ballastd did not answer" :
				ballast_reservation_word((enum ballast_reservation_status)status));
		name_refusers(ctl, &r);
	}
	reservation_drop(ctl, &r);
	return 1;
}

/* --- the table ------------------------------------------------------------------------------ */

const struct bctl_verb bctl_verbs[] = {
	{ "status", cmd_status, "status [--json]",
	  "domains, their subscriptions, targets and flags" },
	{ "set", cmd_set, "set DOMAIN [min=SIZE] [max=SIZE] [shares=N] [vcpus-min=N] [vcpus-max=N] [cpu-shares=N] [vcpu-scaling=0|1]",
	  "override a domain's subscription at runtime (VALUE 'default' clears)" },
	{ "reserve", cmd_reserve, "reserve SIZE [--timeout S] [-- CMD...]",
	  "free SIZE of host memory for a domain about to start" },
	{ "top", cmd_top, "top [--batch] [--iterations N] [--delay S]",
	  "a live view like xentop (keys: ballastctl(8)); q quits" },
	{ "explain", cmd_explain, "explain DOMAIN",
	  "which rule bound a domain's target" },
	{ "show-config", bctl_cmd_show_config, "show-config [--config FILE] [DOMAIN]",
	  "each domain's min, max and shares and where each comes from" },
};

const unsigned int bctl_n_verbs = sizeof(bctl_verbs) / sizeof(bctl_verbs[0]);

const struct bctl_verb *bctl_find_verb(const char *name)
{
	for (unsigned int i = 0; i < bctl_n_verbs; i++)
		if (!strcmp(bctl_verbs[i].name, name))
			return &bctl_verbs[i];
	return NULL;
}
