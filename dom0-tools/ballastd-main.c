// SPDX-License-Identifier: MIT
/* ballastd: parse the command line, construct, run, unwind. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <syslog.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "ballastd-lock.h"
#include "ballastd-notify.h"
#include "ballast_version.h"
#include "ballastd.h"

struct options {
	const char *config_path;
	bool once;
	bool dry_run;
	bool check_config;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ballastd [-c FILE] [--once] [--dry-run]\n"
		"       ballastd --check-config [-c FILE]\n"
		"  -c, --config FILE    configuration (default " BD_DEFAULT_CONFIG ")\n"
		"  -1, --once           one tick, then exit (for cron)\n"
		"  -n, --dry-run        print what would be written, write nothing\n"
		"  -t, --check-config   check the configuration (no Xen needed), print\n"
		"                       every error, exit 1 if there is one\n"
		"  -h, --help           this text\n"
		"  -V, --version        the version\n");
}

/* Returns 0, 1 for "exit 0 now" (help), -1 on a usage error. */
static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "once", no_argument, NULL, '1' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "check-config", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct options){ .config_path = BD_DEFAULT_CONFIG };
	while ((c = getopt_long(argc, argv, "c:1nthV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->config_path = optarg;
			break;
		case '1':
			o->once = true;
			break;
		case 'n':
			o->dry_run = true;
			break;
		case 't':
			o->check_config = true;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case 'V':
			printf("ballastd " BALLAST_VERSION "\n");
			return 1;
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc || (o->check_config && (o->once || o->dry_run))) {
		usage(stderr);
		return -1;
	}
	return 0;
}

/* As `sshd -t`: every error on stderr, or one OK line; Xen is not opened. */
static int check_config(const char *path)
{
	unsigned int n = bd_config_check(path, stderr);

	if (n) {
		fprintf(stderr, "ballastd: %s: %u error%s\n", path, n, n == 1 ? "" : "s");
		return 1;
	}
	printf("ballastd: %s: OK\n", path);
	return 0;
}

static int open_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

/* Returns true to keep running. */
static bool handle_signals(struct ballastd *bd, int sfd)
{
	struct signalfd_siginfo si;
	bool run = true;

	while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			sd_notify(0, "RELOADING=1");
			bd_reload(bd);
			sd_notify(0, "READY=1");
		} else {
			run = false;
		}
	}
	return run;
}

static int run(struct ballastd *bd, int sfd)
{
	struct bd_notify notify;
	bool ready = false;

	bd_notify_init(&notify);
	for (;;) {
		uint64_t now_ms = bd->env.io.ops->now_ms(bd->env.io.ctx);
		uint64_t next_ms = bd->last_tick_ms + bd->env.cfg.tick_ms;
		struct pollfd fds[2] = {
			{ .fd = bd->env.io.ops->watch_fd(bd->env.io.ctx), .events = POLLIN },
			{ .fd = sfd, .events = POLLIN },
		};
		int timeout;

		if (bd->tick_due && now_ms >= bd->last_tick_ms + BD_MIN_EVENT_GAP_MS)
			next_ms = now_ms;
		if (now_ms >= next_ms) {
			int rc = bd_tick(bd);

			bd_notify_tick(&notify, bd, rc, now_ms);
			if (!rc && !ready) {
				sd_notify(0, "READY=1");
				ready = true;
			}
			continue;
		}
		timeout = bd_notify_timeout_ms(&notify, now_ms, (int)(next_ms - now_ms));
		if (poll(fds, 2, timeout) < 0 && errno != EINTR)
			return -errno;
		bd_notify_keepalive(&notify, bd->env.io.ops->now_ms(bd->env.io.ctx));
		if (fds[0].revents)
			bd_handle_events(bd);
		if (fds[1].revents && !handle_signals(bd, sfd))
			return 0;
	}
}

int main(int argc, char **argv)
{
	char err[BD_ERR_MAX];
	struct ballastd bd;
	struct options o;
	struct bio io;
	int rc, sfd, lock_fd;

	rc = parse_args(argc, argv, &o);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (o.check_config)
		return check_config(o.config_path);
	openlog("ballastd", LOG_PID, LOG_DAEMON);
	if (bio_xen_open(&io))
		return 1;
	lock_fd = bd_lock_host(BD_LOCK_FILE, &io, "/proc", err, sizeof(err));
	if (lock_fd < 0) {
		fprintf(stderr, "ballastd: %s\n", err);
		bio_close(&io);
		return 1;
	}
	if (bd_init(&bd, &io, o.config_path, o.dry_run ? stdout : NULL, err,
		    sizeof(err))) {
		fprintf(stderr, "ballastd: %s\n", err);
		bio_close(&io);
		close(lock_fd);
		return 1;
	}
	bd.env.log_prio_prefix = bd_journal_stream_is(getenv("JOURNAL_STREAM"),
						      STDERR_FILENO);
	if (o.once) {
		rc = bd_tick(&bd);
		goto out_fini;
	}
	sfd = open_signals();
	if (sfd < 0) {
		rc = -errno;
		bd_log(&bd.env, LOG_ERR, "signalfd: %s", strerror(errno));
		goto out_fini;
	}
	rc = bd_watch_setup(&bd);
	if (rc) {
		bd_log(&bd.env, LOG_ERR, "xenstore watches: %s", strerror(-rc));
		goto out_signals;
	}
	bd_log(&bd.env, LOG_INFO, "started%s, tick %llu ms", o.dry_run ? " (dry-run)" : "",
	       (unsigned long long)bd.env.cfg.tick_ms);
	rc = run(&bd, sfd);
	sd_notify(0, "STOPPING=1");
	bd_log(&bd.env, LOG_INFO, "stopping");
out_signals:
	close(sfd);
out_fini:
	bd_fini(&bd);
	close(lock_fd);
	closelog();
	return rc ? 1 : 0;
}
