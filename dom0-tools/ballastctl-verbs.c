// SPDX-License-Identifier: MIT
/*
 * ballastctl's verbs. They read Xen and what ballastd published under
 * /tool/ballast, and write requests there; every decision stays in ballastd.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "ballast_path.h"
#include "ballast_schema.h"
#include "ballastctl.h"
#include "bsched.h"
#include "status-json.h"

#define ROW_NAME_MAX	64
#define POLL_MS		1000
#define CMD_POLL_MS	200	/* how often reserve -- CMD looks at CMD */
#define KEEPALIVE_MS	2000	/* how often it tells ballastd it still runs */

struct bctl_row {
	uint32_t domid;
	char name[ROW_NAME_MAX];
	bool published;			/* ballastd wrote a status for it */
	char frontend[16];
	bool managed;
	uint64_t min_kib, target_kib, actual_kib, max_kib;
	uint64_t demand_kib, ideal_kib, shares;
	char bound[32];
	char state[16];
	bool has_pressure;
	uint64_t psi_some_centipct;
	bool stuck, uncooperative, flooding;
	uint64_t refused_reports, flood_refused;
	char last_refusal[96];
	uint64_t refused_reservation;
	/* processors (ballastd-vcpu.c) */
	bool vcpu_scaling, vcpu_hvm;
	uint64_t vcpus_online, vcpus_target, vcpus_want, vcpus_min, vcpus_max;
	uint64_t maxvcpus, cpu_shares, vcpu_refusals;
	char vcpu_bound[32];
};

struct bctl_view {
	struct bio_physinfo host;
	bool daemon;
	bool dry_run;			/* the daemon runs with --dry-run */
	struct bctl_row *rows;
	size_t n;
};

/* --- helpers ------------------------------------------------------------------ */

static yajl_val read_json(struct bctl *ctl, const char *path)
{
	char *val = NULL, errbuf[128];
	yajl_val tree;

	if (bio_read(&ctl->io, BIO_TXN_NONE, path, &val, NULL))
		return NULL;
	tree = yajl_tree_parse(val, errbuf, sizeof(errbuf));
	free(val);
	return tree;
}

static uint64_t json_u64(yajl_val t, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val v = yajl_tree_get(t, path, yajl_t_number);

	return v && YAJL_IS_INTEGER(v) && YAJL_GET_INTEGER(v) > 0 ?
	       (uint64_t)YAJL_GET_INTEGER(v) : 0;
}

static bool json_bool(yajl_val t, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val v = yajl_tree_get(t, path, yajl_t_true);

	return v != NULL;
}

static void json_str(yajl_val t, const char *key, char *out, size_t size)
{
	const char *path[] = { key, NULL };
	yajl_val v = yajl_tree_get(t, path, yajl_t_string);

	snprintf(out, size, "%s", v ? YAJL_GET_STRING(v) : "");
}

/*
 * ballastd publishes its pid; a pid that is gone means it is not running.
 * *@dry_run (if not NULL): it runs with --dry-run, and changes nothing.
 */
static bool daemon_running(struct bctl *ctl, bool *dry_run)
{
	char path[BALLAST_PATH_MAX];
	yajl_val t;
	uint64_t pid;
	bool dry;

	if (dry_run)
		*dry_run = false;
	if (ballast_path(path, sizeof(path), BALLAST_AT_TOOL, 0, BALLAST_KEY_STATUS,
			 NULL))
		return false;
	t = read_json(ctl, path);
	if (!t)
		return false;
	pid = json_u64(t, SJ_PID);
	dry = json_bool(t, SJ_DRY_RUN);
	yajl_tree_free(t);
	if (dry_run)
		*dry_run = dry;
	return pid && pid < INT32_MAX &&
	       (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

static void read_guest(struct bctl *ctl, struct bctl_row *r)
{
	char path[BALLAST_PATH_MAX], *val = NULL;
	size_t len = 0;
	uint64_t v;

	if (!ballast_path(path, sizeof(path), BALLAST_AT_DOMAIN, r->domid,
			  BALLAST_DATA_DIR, BALLAST_KEY_STATE, NULL) &&
	    !bio_read(&ctl->io, BIO_TXN_NONE, path, &val, &len)) {
		if (ballast_parse_key(BALLAST_K_STATE, val, len, &v) == BALLAST_OK)
			snprintf(r->state, sizeof(r->state), "%s",
				 ballast_state_word((enum ballast_state)v));
		else
			snprintf(r->state, sizeof(r->state), "invalid");
		free(val);
	}
	val = NULL;
	if (!ballast_path(path, sizeof(path), BALLAST_AT_DOMAIN, r->domid,
			  BALLAST_DATA_DIR, BALLAST_KEY_PSI_SOME_AVG10, NULL) &&
	    !bio_read(&ctl->io, BIO_TXN_NONE, path, &val, &len)) {
		if (ballast_parse_key(BALLAST_K_PSI_SOME_AVG10, val, len, &v) == BALLAST_OK) {
			r->has_pressure = true;
			r->psi_some_centipct = v;
		}
		free(val);
	}
}

static void read_row(struct bctl *ctl, const struct bio_dominfo *info,
		     struct bctl_row *r)
{
	char path[BALLAST_PATH_MAX], *name = NULL;
	yajl_val t;

	*r = (struct bctl_row){ .domid = info->domid, .actual_kib = info->tot_kib };
	snprintf(r->state, sizeof(r->state), "-");
	if (!ballast_path(path, sizeof(path), BALLAST_AT_DOMAIN, r->domid,
			  BALLAST_STOCK_NAME, NULL) &&
	    !bio_read(&ctl->io, BIO_TXN_NONE, path, &name, NULL)) {
		snprintf(r->name, sizeof(r->name), "%s", name);
		free(name);
	}
	read_guest(ctl, r);
	if (ballast_path(path, sizeof(path), BALLAST_AT_TOOL_DOMAIN, r->domid,
			 BALLAST_KEY_STATUS, NULL))
		return;
	t = read_json(ctl, path);
	if (!t)
		return;
	r->published = true;
	if (!r->name[0])
		json_str(t, SJ_NAME, r->name, sizeof(r->name));
	json_str(t, SJ_FRONTEND, r->frontend, sizeof(r->frontend));
	json_str(t, SJ_BOUND, r->bound, sizeof(r->bound));
	json_str(t, SJ_LAST_REFUSAL, r->last_refusal, sizeof(r->last_refusal));
	r->managed = json_bool(t, SJ_MANAGED);
	r->min_kib = json_u64(t, SJ_MIN_KIB);
	r->max_kib = json_u64(t, SJ_MAX_KIB);
	r->target_kib = json_u64(t, SJ_TARGET_KIB);
	r->demand_kib = json_u64(t, SJ_DEMAND_KIB);
	r->ideal_kib = json_u64(t, SJ_IDEAL_KIB);
	r->shares = json_u64(t, SJ_SHARES);
	r->stuck = json_bool(t, SJ_STUCK);
	r->uncooperative = json_bool(t, SJ_UNCOOPERATIVE);
	r->flooding = json_bool(t, SJ_FLOODING);
	r->refused_reports = json_u64(t, SJ_REFUSED_REPORTS);
	r->flood_refused = json_u64(t, SJ_FLOOD_REFUSED);
	r->refused_reservation = json_u64(t, SJ_REFUSED_RESERVATION);
	r->vcpu_scaling = json_bool(t, SJ_VCPU_SCALING);
	r->vcpu_hvm = json_bool(t, SJ_VCPU_HVM);
	r->vcpus_online = json_u64(t, SJ_VCPUS_ONLINE);
	r->vcpus_target = json_u64(t, SJ_VCPUS_TARGET);
	r->vcpus_want = json_u64(t, SJ_VCPUS_WANT);
	r->vcpus_min = json_u64(t, SJ_VCPUS_MIN);
	r->vcpus_max = json_u64(t, SJ_VCPUS_MAX);
	r->maxvcpus = json_u64(t, SJ_MAXVCPUS);
	r->cpu_shares = json_u64(t, SJ_CPU_SHARES);
	r->vcpu_refusals = json_u64(t, SJ_VCPU_REFUSALS);
	json_str(t, SJ_VCPU_BOUND, r->vcpu_bound, sizeof(r->vcpu_bound));
	yajl_tree_free(t);
}

static void view_free(struct bctl_view *v)
{
	free(v->rows);
	v->rows = NULL;
	v->n = 0;
}

static int view_read(struct bctl *ctl, struct bctl_view *v)
{
	struct bio_dominfo *info = NULL;
	size_t n = 0;
	int rc;

	*v = (struct bctl_view){ 0 };
	rc = ctl->io.ops->physinfo(ctl->io.ctx, &v->host);
	if (!rc)
		rc = ctl->io.ops->list_domains(ctl->io.ctx, &info, &n);
	if (rc) {
		fprintf(ctl->err, "ballastctl: cannot read Xen's state: %s\n", strerror(-rc));
		return rc;
	}
	v->rows = calloc(n ? n : 1, sizeof(*v->rows));
	if (!v->rows) {
		free(info);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		if (!info[i].dying)
			read_row(ctl, &info[i], &v->rows[v->n++]);
	free(info);
	v->daemon = daemon_running(ctl, &v->dry_run);
	return 0;
}

static void row_flags(const struct bctl_row *r, char *buf)
{
	char *p = buf;

	if (!r->managed)
		*p++ = 'x';
	if (r->stuck)
		*p++ = 's';
	if (r->uncooperative)
		*p++ = 'u';
	if (r->flooding)
		*p++ = 'f';
	if (r->refused_reports)
		*p++ = 'g';
	if (r->refused_reservation)
		*p++ = 'r';
	if (p == buf)
		*p++ = '-';
	*p = '\0';
}

static void mib(char *buf, size_t size, uint64_t kib, bool known)
{
	if (known)
		snprintf(buf, size, "%" PRIu64, kib / 1024);
	else
		snprintf(buf, size, "-");
}

static void print_table(struct bctl *ctl, const struct bctl_view *v)
{
	fprintf(ctl->out, "%-20s %5s %-8s %8s %8s %8s %8s %6s %-12s %6s %s\n",
		"Name", "ID", "Frontend", "Min(M)", "Target", "Actual", "Max(M)",
		"Shares", "State", "Psi%", "Flags");
	for (size_t i = 0; i < v->n; i++) {
		const struct bctl_row *r = &v->rows[i];
		char mn[24], tg[24], ac[24], mx[24], psi[48], flags[8];

		mib(mn, sizeof(mn), r->min_kib, r->published);
		mib(tg, sizeof(tg), r->target_kib, r->published && r->managed);
		mib(ac, sizeof(ac), r->actual_kib, true);
		mib(mx, sizeof(mx), r->max_kib, r->published);
		if (r->has_pressure)
			snprintf(psi, sizeof(psi), "%" PRIu64 ".%02" PRIu64,
				 r->psi_some_centipct / 100, r->psi_some_centipct % 100);
		else
			snprintf(psi, sizeof(psi), "-");
		row_flags(r, flags);
		fprintf(ctl->out, "%-20s %5" PRIu32 " %-8s %8s %8s %8s %8s %6" PRIu64
			" %-12s %6s %s\n", r->name[0] ? r->name : "?", r->domid,
			r->published ? r->frontend : "-", mn, tg, ac, mx, r->shares,
			r->state, psi, flags);
	}
	if (!v->daemon)
		fprintf(ctl->out, "(ballastd is not running: targets are as last published)\n");
	else if (v->dry_run)
		fprintf(ctl->out, "(ballastd runs with --dry-run: it prints targets, sets none)\n");
}

static int print_json(struct bctl *ctl, const struct bctl_view *v)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;

	if (!g)
		return -ENOMEM;
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_map_open(g);
	sj_bool(g, SJ_BALLASTD_RUNNING, v->daemon);
	sj_bool(g, SJ_DRY_RUN, v->daemon && v->dry_run);
	sj_key(g, SJ_HOST);
	yajl_gen_map_open(g);
	sj_u64(g, SJ_TOTAL_KIB, v->host.total_kib);
	sj_u64(g, SJ_FREE_KIB, v->host.free_kib);
	sj_u64(g, SJ_SCRUB_KIB, v->host.scrub_kib);
	sj_u64(g, SJ_OUTSTANDING_KIB, v->host.outstanding_kib);
	yajl_gen_map_close(g);
	sj_key(g, SJ_DOMAINS);
	yajl_gen_array_open(g);
	for (size_t i = 0; i < v->n; i++) {
		const struct bctl_row *r = &v->rows[i];

		yajl_gen_map_open(g);
		sj_str(g, SJ_NAME, r->name);
		sj_u64(g, SJ_DOMID, r->domid);
		sj_bool(g, SJ_PUBLISHED, r->published);
		sj_str(g, SJ_FRONTEND, r->frontend);
		sj_bool(g, SJ_MANAGED, r->managed);
		sj_u64(g, SJ_MIN_KIB, r->min_kib);
		sj_u64(g, SJ_TARGET_KIB, r->target_kib);
		sj_u64(g, SJ_ACTUAL_KIB, r->actual_kib);
		sj_u64(g, SJ_MAX_KIB, r->max_kib);
		sj_u64(g, SJ_SHARES, r->shares);
		sj_str(g, SJ_STATE, r->state);
		if (r->has_pressure)
			sj_u64(g, SJ_PSI_SOME, r->psi_some_centipct);
		sj_str(g, SJ_BOUND, r->bound);
		sj_bool(g, SJ_STUCK, r->stuck);
		sj_bool(g, SJ_UNCOOPERATIVE, r->uncooperative);
		sj_bool(g, SJ_FLOODING, r->flooding);
		sj_u64(g, SJ_REFUSED_REPORTS, r->refused_reports);
		sj_bool(g, SJ_VCPU_SCALING, r->vcpu_scaling);
		sj_u64(g, SJ_VCPUS_ONLINE, r->vcpus_online);
		sj_u64(g, SJ_VCPUS_TARGET, r->vcpus_target);
		sj_u64(g, SJ_VCPUS_MIN, r->vcpus_min);
		sj_u64(g, SJ_VCPUS_MAX, r->vcpus_max);
		sj_u64(g, SJ_MAXVCPUS, r->maxvcpus);
		sj_u64(g, SJ_CPU_SHARES, r->cpu_shares);
		sj_str(g, SJ_VCPU_BOUND, r->vcpu_bound);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
		fwrite(buf, 1, len, ctl->out);
	yajl_gen_free(g);
	return 0;
}

/* --- status, top ------------------------------------------------------------------ */

static int cmd_status(struct bctl *ctl, int argc, char **argv)
{
	struct bctl_view_args a;
	struct bctl_view v;
	char err[BCTL_ERR_MAX];
	int rc;

	if (bctl_parse_view(argc, argv, &a, err, sizeof(err)) || a.iterations) {
		fprintf(ctl->err, "ballastctl status: %s\n", a.iterations ? "no --iterations here" : err);
		return 2;
	}
	rc = view_read(ctl, &v);
	if (rc)
		return 1;
	if (a.json)
		rc = print_json(ctl, &v);
	else
		print_table(ctl, &v);
	view_free(&v);
	return rc ? 1 : 0;
}

/* Waits @ms for a key; returns true if it was 'q'. */
static bool wait_key(struct bctl *ctl, uint64_t ms)
{
	struct pollfd p = { .fd = ctl->tty_fd, .events = POLLIN };
	char c;

	if (poll(&p, 1, (int)ms) <= 0)
		return false;
	return read(ctl->tty_fd, &c, 1) == 1 && (c == 'q' || c == 'Q');
}

static int cmd_top(struct bctl *ctl, int argc, char **argv)
{
	bool interactive = ctl->tty_fd >= 0;
	struct termios saved, raw;
	struct bctl_view_args a;
	char err[BCTL_ERR_MAX];
	int rc = 0;

	if (bctl_parse_view(argc, argv, &a, err, sizeof(err)) || a.json) {
		fprintf(ctl->err, "ballastctl top: %s\n", a.json ? "no --json here (use status --json)" : err);
		return 2;
	}
	if (!interactive && !a.iterations) {
		fprintf(ctl->err, "ballastctl top: not a terminal: give --iterations N\n");
		return 2;
	}
	if (interactive && tcgetattr(ctl->tty_fd, &saved) == 0) {
		raw = saved;
		raw.c_lflag &= (tcflag_t)~(ICANON | ECHO);
		tcsetattr(ctl->tty_fd, TCSANOW, &raw);
	}
	for (uint64_t i = 0; !a.iterations || i < a.iterations; i++) {
		struct bctl_view v;

		if (view_read(ctl, &v)) {
			rc = 1;
			break;
		}
		if (interactive)
			fputs("\033[H\033[2J", ctl->out);
		fprintf(ctl->out, "ballast top - host %" PRIu64 " MiB, free %" PRIu64
			" MiB, scrub %" PRIu64 " MiB, ballastd %s%s\n",
			v.host.total_kib / 1024, v.host.free_kib / 1024,
			v.host.scrub_kib / 1024, v.daemon ? "running" : "NOT running",
			interactive ? "   (q quits)" : "");
		print_table(ctl, &v);
		fflush(ctl->out);
		view_free(&v);
		if (a.iterations && i + 1 == a.iterations)
			break;
		if (interactive ? wait_key(ctl, a.delay_s * 1000) : false)
			break;
		if (!interactive)
			ctl->io.ops->sleep_ms(ctl->io.ctx, a.delay_s * 1000);
	}
	if (interactive)
		tcsetattr(ctl->tty_fd, TCSANOW, &saved);
	return rc;
}

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
};

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

static const struct bctl_row *find_row(const struct bctl_view *v, const char *key)
{
	uint64_t id;
	bool numeric = ballast_parse_u64(key, strlen(key), &id) == BALLAST_OK;

	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(v->rows[i].name, key) ||
		    (numeric && v->rows[i].domid == id))
			return &v->rows[i];
	return NULL;
}

static int cmd_explain(struct bctl *ctl, int argc, char **argv)
{
	const struct bctl_row *r;
	struct bctl_view v;
	int rc = 0;

	if (argc != 2) {
		fprintf(ctl->err, "usage: ballastctl explain DOMAIN\n");
		return 2;
	}
	if (view_read(ctl, &v))
		return 1;
	r = find_row(&v, argv[1]);
	if (!r) {
		fprintf(ctl->err, "ballastctl explain: no running domain %s\n", argv[1]);
		rc = 1;
	} else if (!r->published) {
		fprintf(ctl->err, "ballastctl explain: ballastd has published nothing for %s (%s)\n",
			argv[1], v.daemon ? "not seen yet" : "ballastd is not running");
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
		if (r->refused_reports || r->flood_refused)
			fprintf(ctl->out, "  guest input refused: %" PRIu64 " invalid, %" PRIu64
				" flooding; last: %s\n", r->refused_reports,
				r->flood_refused, r->last_refusal);
		explain_vcpus(ctl, r);
	}
	view_free(&v);
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
	char err[BCTL_ERR_MAX];
	bool dry = false;
	int rc;

	if (bctl_parse_set(argc, argv, &a, err, sizeof(err))) {
		fprintf(ctl->err, "ballastctl set: %s\n", err);
		return 2;
	}
	rc = bio_txn_run(&ctl->io, BCTL_XS_TRIES, set_all, &a, NULL);
	if (rc) {
		fprintf(ctl->err, "ballastctl set: %s: %s (nothing changed)\n",
			a.domain, strerror(-rc));
		return 1;
	}
	if (!daemon_running(ctl, &dry))
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

	if (view_read(ctl, &v))
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
	view_free(&v);
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
	if (!daemon_running(ctl, &dry) || dry) {
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
	if (status == BALLAST_RES_IMPOSSIBLE)
		fprintf(ctl->err, "ballastctl reserve: %" PRIu64 " MiB is more than the host can free\n",
			a.size_kib / 1024);
	else if (interrupted(ctl))
		fprintf(ctl->err, "ballastctl reserve: interrupted\n");
	else
		fprintf(ctl->err, "ballastctl reserve: only %" PRIu64 " of %" PRIu64
			" MiB free after %" PRIu64 " s (%s)\n", free_kib / 1024,
			a.size_kib / 1024, a.timeout_s,
			status < 0 ? "ballastd did not answer" :
			ballast_reservation_word((enum ballast_reservation_status)status));
	name_refusers(ctl, &r);
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
	{ "top", cmd_top, "top [--iterations N] [--delay S]",
	  "a live view, refreshed every second; q quits" },
	{ "explain", cmd_explain, "explain DOMAIN",
	  "which rule bound a domain's target" },
};

const unsigned int bctl_n_verbs = sizeof(bctl_verbs) / sizeof(bctl_verbs[0]);

const struct bctl_verb *bctl_find_verb(const char *name)
{
	for (unsigned int i = 0; i < bctl_n_verbs; i++)
		if (!strcmp(bctl_verbs[i].name, name))
			return &bctl_verbs[i];
	return NULL;
}
