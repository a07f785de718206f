// SPDX-License-Identifier: MIT
/*
 * ballastctl top: its keys without a terminal, then top itself on a
 * pseudo-terminal against the fake Xen: the alternate screen, a resize,
 * and the terminal as it was after every way out (q, Ctrl-C, SIGTERM, an
 * error).
 *
 *   test-ctl-top          the tests (TOP_DEBUG=1: what top wrote, when
 *                         a wait for it fails)
 *   test-ctl-top --show   top on the fake Xen in this terminal, to look at
 */
#include <CUnit/Basic.h>
#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "ballastctl-top.h"
#include "fixture.h"
#include "run_suite.h"

#define ARGC(a)		((int)(sizeof(a) / sizeof((a)[0])) - 1)
#define PAGE		10
#define WAIT_MS		10000	/* for a frame, or for top to end */
#define OUT_MAX		(1 << 20)
/* xterm's terminfo: enter and leave the alternate screen (smcup, rmcup) */
#define SMCUP		"\033[?1049h"
#define RMCUP		"\033[?1049l"

/* --- the keys ---------------------------------------------------------------- */

static enum bctl_top_action press(struct bctl_top_state *s, const char *keys)
{
	enum bctl_top_action a = BCTL_TOP_NONE;

	for (; *keys; keys++)
		a = bctl_top_key(s, (unsigned char)*keys, PAGE);
	return a;
}

static void test_keys_sort(void)
{
	struct bctl_top_state s;

	bctl_top_init(&s, 2);
	CU_ASSERT(s.sort == BCTL_COL_ID && !s.reverse && s.delay_s == 2);
	CU_ASSERT(press(&s, "t") == BCTL_TOP_REDRAW);
	CU_ASSERT(s.sort == BCTL_COL_TARGET && s.reverse);	/* biggest first */
	press(&s, "t");
	CU_ASSERT(s.sort == BCTL_COL_TARGET && !s.reverse);	/* again: flips */
	press(&s, "n");
	CU_ASSERT(s.sort == BCTL_COL_NAME && !s.reverse);	/* text from A */
	press(&s, "R");
	CU_ASSERT(s.sort == BCTL_COL_NAME && s.reverse);
	press(&s, "A");
	CU_ASSERT(s.sort == BCTL_COL_ACTUAL);
	CU_ASSERT(bctl_top_key(&s, KEY_RIGHT, PAGE) == BCTL_TOP_REDRAW);
	CU_ASSERT(s.sort == BCTL_COL_MAX);
	bctl_top_key(&s, KEY_LEFT, PAGE);
	bctl_top_key(&s, KEY_LEFT, PAGE);
	CU_ASSERT(s.sort == BCTL_COL_TARGET);
	press(&s, "v");
	CU_ASSERT(s.sort == BCTL_COL_VCPUS && s.reverse);	/* vCPUs, most first */
	press(&s, ">");
	CU_ASSERT(s.sort == BCTL_COL_FLAGS);			/* the flags stay last */
	press(&s, "n<");
	CU_ASSERT(s.sort == BCTL_COL_FLAGS);			/* wraps around */
	press(&s, ">");
	CU_ASSERT(s.sort == BCTL_COL_NAME);
	CU_ASSERT(press(&s, "Z") == BCTL_TOP_REDRAW && s.message[0]);
	CU_ASSERT(s.sort == BCTL_COL_NAME);
	CU_ASSERT(press(&s, "t") == BCTL_TOP_REDRAW && !s.message[0]);
	CU_ASSERT(press(&s, " ") == BCTL_TOP_REFRESH);
	CU_ASSERT(press(&s, "q") == BCTL_TOP_QUIT);
	CU_ASSERT(press(&s, "Q") == BCTL_TOP_QUIT);
}

static void test_keys_delay(void)
{
	struct bctl_top_state s;

	bctl_top_init(&s, 1);
	CU_ASSERT(press(&s, "d") == BCTL_TOP_REDRAW && s.prompting);
	CU_ASSERT(press(&s, "q") == BCTL_TOP_NONE);	/* typing: not a quit */
	press(&s, "15\n");
	CU_ASSERT(!s.prompting && s.delay_s == 15);
	CU_ASSERT(strstr(s.message, "15 s") != NULL);
	press(&s, "d7");
	bctl_top_key(&s, KEY_BACKSPACE, PAGE);
	press(&s, "3");
	bctl_top_key(&s, KEY_ENTER, PAGE);
	CU_ASSERT(s.delay_s == 3);
	press(&s, "d0\r");			/* out of range: unchanged */
	CU_ASSERT(s.delay_s == 3 && strstr(s.message, "unchanged") != NULL);
	press(&s, "d86401\n");
	CU_ASSERT(s.delay_s == 3);
	press(&s, "d86400\n");
	CU_ASSERT(s.delay_s == BCTL_MAX_SECONDS);
	press(&s, "d\n");			/* nothing typed */
	CU_ASSERT(s.delay_s == BCTL_MAX_SECONDS);
	press(&s, "d99999999999999999999\n");	/* cut at the entry's size */
	CU_ASSERT(s.delay_s == BCTL_MAX_SECONDS && strlen(s.entry) < BCTL_TOP_ENTRY_MAX);
	press(&s, "d5\033");			/* Esc gives up */
	CU_ASSERT(!s.prompting && s.delay_s == BCTL_MAX_SECONDS);
	CU_ASSERT(press(&s, "q") == BCTL_TOP_QUIT);
}

static void test_keys_scroll(void)
{
	struct bctl_top_state s;

	bctl_top_init(&s, 1);
	bctl_top_key(&s, KEY_UP, PAGE);
	CU_ASSERT(s.first_row == 0);
	bctl_top_key(&s, KEY_NPAGE, PAGE);
	bctl_top_key(&s, KEY_DOWN, PAGE);
	CU_ASSERT(s.first_row == PAGE + 1);
	bctl_top_clamp(&s, 15, PAGE);		/* the last page full */
	CU_ASSERT(s.first_row == 5);
	bctl_top_key(&s, KEY_PPAGE, PAGE);
	CU_ASSERT(s.first_row == 0);
	bctl_top_key(&s, KEY_NPAGE, PAGE);
	bctl_top_key(&s, KEY_HOME, PAGE);
	CU_ASSERT(s.first_row == 0);
	bctl_top_key(&s, KEY_DOWN, PAGE);
	bctl_top_clamp(&s, 3, PAGE);		/* all on one page */
	CU_ASSERT(s.first_row == 0);
	CU_ASSERT(bctl_top_key(&s, KEY_RESIZE, PAGE) == BCTL_TOP_REDRAW);
}

/* --- top on a pseudo-terminal ------------------------------------------------------ */

struct pty_top {
	struct fx x;
	int master, slave;
	pid_t pid;
	struct termios before;
	char *out;
	size_t len;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* What top wrote since the last call, appended to pt->out. */
static void drain(struct pty_top *pt, int ms)
{
	struct pollfd p = { .fd = pt->master, .events = POLLIN };
	ssize_t n;

	while (poll(&p, 1, ms) > 0) {
		if (pt->len + 4096 >= OUT_MAX)
			return;
		n = read(pt->master, pt->out + pt->len, 4096);
		if (n <= 0)
			return;
		pt->len += (size_t)n;
		pt->out[pt->len] = '\0';
		ms = 0;
	}
}

/* Waits until top's output from @from on holds @needle. */
static bool wait_for(struct pty_top *pt, size_t from, const char *needle)
{
	uint64_t end = now_ms() + WAIT_MS;

	while (now_ms() < end) {
		drain(pt, 50);
		if (pt->len > from && strstr(pt->out + from, needle))
			return true;
	}
	fprintf(stderr, "top never wrote \"%s\"\n", needle);
	if (getenv("TOP_DEBUG"))
		fwrite(pt->out + from, 1, pt->len - from, stderr);
	return false;
}

/* Host 4 GiB, ballastd on it, "a" (id 1) and "plain" (id 2). */
static void pty_setup(struct pty_top *pt, unsigned short cols, unsigned short rows)
{
	struct winsize ws = { .ws_row = rows, .ws_col = cols };

	memset(pt, 0, sizeof(*pt));
	pt->out = calloc(1, OUT_MAX);
	CU_ASSERT_FATAL(pt->out != NULL);
	CU_ASSERT_FATAL(fx_setup(&pt->x, 4 * GIB, NULL, false) == 0);
	fake_add_domain(pt->x.f, 1, "a", 3 * GIB, 3 * GIB, FAKE_BALLOON_BALLAST, 512 * MIB);
	fx_report(&pt->x, 1, 1, 3 * GIB, 2800 * MIB);
	fake_add_domain(pt->x.f, 2, "plain", 256 * MIB, 256 * MIB, FAKE_BALLOON_NONE, 0);
	fx_run(&pt->x, 2, 1000);
	CU_ASSERT_FATAL(openpty(&pt->master, &pt->slave, NULL, NULL, &ws) == 0);
	CU_ASSERT_FATAL(tcgetattr(pt->slave, &pt->before) == 0);
}

/* top in a child whose terminal is the pty's slave. */
static void pty_start(struct pty_top *pt, int argc, char **argv)
{
	fflush(stdout);		/* not written twice, once by the child */
	fflush(stderr);
	pt->pid = fork();
	CU_ASSERT_FATAL(pt->pid >= 0);
	if (pt->pid == 0) {
		struct bctl ctl = { .tty_fd = STDIN_FILENO };

		close(pt->master);
		setsid();
		ioctl(pt->slave, TIOCSCTTY, 0);
		dup2(pt->slave, STDIN_FILENO);
		dup2(pt->slave, STDOUT_FILENO);
		dup2(pt->slave, STDERR_FILENO);
		setenv("TERM", "xterm", 1);
		fake_bio(pt->x.f, &ctl.io);
		ctl.out = stdout;
		ctl.err = stderr;
		_exit(cmd_top(&ctl, argc, argv));
	}
}

/* Waits for top to end (reading what it writes); its exit status, or -1. */
static int pty_wait(struct pty_top *pt)
{
	uint64_t end = now_ms() + WAIT_MS;
	int status;

	while (now_ms() < end) {
		pid_t w = waitpid(pt->pid, &status, WNOHANG);

		if (w == pt->pid) {
			drain(pt, 0);
			return WIFEXITED(status) ? WEXITSTATUS(status) : 256 + WTERMSIG(status);
		}
		drain(pt, 20);
	}
	kill(pt->pid, SIGKILL);
	waitpid(pt->pid, &status, 0);
	fprintf(stderr, "top did not end\n");
	return -1;
}

/* The terminal as top found it: line editing, echo, signals, output. */
static void assert_restored(struct pty_top *pt)
{
	struct termios after;
	const char *enter, *leave;
	const tcflag_t lmask = ICANON | ECHO | ISIG | IEXTEN;

	CU_ASSERT_FATAL(tcgetattr(pt->slave, &after) == 0);
	CU_ASSERT((after.c_lflag & lmask) == (pt->before.c_lflag & lmask));
	CU_ASSERT(after.c_iflag == pt->before.c_iflag);
	CU_ASSERT(after.c_oflag == pt->before.c_oflag);
	CU_ASSERT(after.c_cc[VMIN] == pt->before.c_cc[VMIN]);
	/* left the alternate screen after the last time it entered it */
	enter = strstr(pt->out, SMCUP);
	CU_ASSERT(enter != NULL);
	leave = enter ? strstr(enter, RMCUP) : NULL;
	CU_ASSERT(leave != NULL);
	while (leave && enter && (enter = strstr(enter + 1, SMCUP)) != NULL)
		CU_ASSERT(enter < leave);
}

static void pty_teardown(struct pty_top *pt)
{
	close(pt->master);
	close(pt->slave);
	free(pt->out);
	fx_teardown(&pt->x);
}

/* One way out: @how after the first frame, then top ends with @want. */
static void quit_by(const char *how, int want)
{
	char *argv[] = { "top", "--delay", "1", NULL };
	struct pty_top pt;

	pty_setup(&pt, 160, 30);
	pty_start(&pt, ARGC(argv), argv);
	CU_ASSERT(wait_for(&pt, 0, "Target(MiB)"));
	CU_ASSERT(wait_for(&pt, 0, "plain"));
	if (!strcmp(how, "SIGTERM"))
		kill(pt.pid, SIGTERM);
	else
		CU_ASSERT(write(pt.master, how, strlen(how)) == (ssize_t)strlen(how));
	CU_ASSERT(pty_wait(&pt) == want);
	assert_restored(&pt);
	pty_teardown(&pt);
}

static void test_quit_q(void)
{
	quit_by("q", 0);
}

static void test_quit_ctrl_c(void)
{
	quit_by("\003", 128 + SIGINT);		/* the tty sends SIGINT */
}

static void test_quit_sigterm(void)
{
	quit_by("SIGTERM", 128 + SIGTERM);
}

/* Xen unreadable: the message after the terminal is back, exit 1. */
static void test_quit_error(void)
{
	char *argv[] = { "top", NULL };
	struct pty_top pt;

	pty_setup(&pt, 100, 30);
	fake_inject_failure(pt.x.f, FAKE_OP_PHYSINFO, -EIO, 1);
	pty_start(&pt, ARGC(argv), argv);
	CU_ASSERT(pty_wait(&pt) == 1);
	assert_restored(&pt);
	CU_ASSERT(strstr(pt.out, "cannot read Xen's state") != NULL);
	CU_ASSERT(strstr(pt.out, RMCUP) && strstr(pt.out, "cannot read Xen's state") >
					      strstr(pt.out, RMCUP));
	pty_teardown(&pt);
}

/* --iterations on a terminal: that many frames, then out as from q. */
static void test_iterations(void)
{
	char *argv[] = { "top", "--iterations", "2", "--delay", "1", NULL };
	struct pty_top pt;

	pty_setup(&pt, 160, 30);
	pty_start(&pt, ARGC(argv), argv);
	CU_ASSERT(pty_wait(&pt) == 0);
	assert_restored(&pt);
	CU_ASSERT(strstr(pt.out, "Target(MiB)") != NULL);
	pty_teardown(&pt);
}

/* Narrowed, top draws the columns that fit; widened, all of them. */
static void test_resize(void)
{
	char *argv[] = { "top", "--delay", "60", NULL };
	struct winsize narrow = { .ws_row = 30, .ws_col = 60 };
	struct winsize wide = { .ws_row = 30, .ws_col = 200 };
	struct pty_top pt;
	size_t mark;

	pty_setup(&pt, 200, 30);
	pty_start(&pt, ARGC(argv), argv);
	CU_ASSERT(wait_for(&pt, 0, "Frontend"));
	CU_ASSERT(wait_for(&pt, 0, "PgDn: scroll"));	/* the frame's last line */
	mark = pt.len;
	CU_ASSERT(ioctl(pt.master, TIOCSWINSZ, &narrow) == 0);	/* SIGWINCH */
	CU_ASSERT(wait_for(&pt, mark, "Target(MiB)"));
	drain(&pt, 300);
	CU_ASSERT(strstr(pt.out + mark, "Frontend") == NULL);
	CU_ASSERT(strstr(pt.out + mark, "Demand(MiB)") == NULL);
	mark = pt.len;
	CU_ASSERT(ioctl(pt.master, TIOCSWINSZ, &wide) == 0);
	CU_ASSERT(wait_for(&pt, mark, "Frontend"));
	CU_ASSERT(write(pt.master, "q", 1) == 1);
	CU_ASSERT(pty_wait(&pt) == 0);
	assert_restored(&pt);
	pty_teardown(&pt);
}

/* --show: the fixture's host in this terminal, ballastd ticking meanwhile. */
static int show(void)
{
	char *argv[] = { "top", NULL };
	struct bctl ctl = { .tty_fd = STDIN_FILENO, .out = stdout, .err = stderr };
	struct fx x;
	int rc;

	if (fx_setup(&x, 8 * GIB, NULL, false))
		return 1;
	fake_add_domain(x.f, 1, "web", 3 * GIB, 3 * GIB, FAKE_BALLOON_BALLAST, 512 * MIB);
	fx_report(&x, 1, 1, 3 * GIB, 2800 * MIB);
	fake_add_domain(x.f, 2, "db-with-a-rather-long-name-for-the-column", 2 * GIB,
			2 * GIB, FAKE_BALLOON_BALLAST, 512 * MIB);
	fx_report(&x, 2, 1, 2 * GIB, 1000 * MIB);
	fake_add_domain(x.f, 3, "legacy", 1 * GIB, 1 * GIB, FAKE_BALLOON_NONE, 0);
	fx_run(&x, 5, 1000);
	fake_bio(x.f, &ctl.io);
	rc = cmd_top(&ctl, ARGC(argv), argv);
	fx_teardown(&x);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct suite_case tests[] = {
		{ "keys: sort", test_keys_sort },
		{ "keys: delay", test_keys_delay },
		{ "keys: scroll", test_keys_scroll },
		{ "q restores the terminal", test_quit_q },
		{ "Ctrl-C restores the terminal", test_quit_ctrl_c },
		{ "SIGTERM restores the terminal", test_quit_sigterm },
		{ "an error restores the terminal", test_quit_error },
		{ "--iterations on a terminal", test_iterations },
		{ "a resize relays the columns", test_resize },
	};

	if (argc == 2 && !strcmp(argv[1], "--show"))
		return show();
	return RUN_SUITE("ballastctl top", tests);
}
