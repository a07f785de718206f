// SPDX-License-Identifier: MIT
/* `ballastctl top`: see ballastctl-top.h. */
#include <curses.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "ballast_schema.h"
#include "ballastctl-status.h"
#include "ballastctl-top.h"

#define HEAD_ROWS	3	/* the host, the sort or a prompt, the headers */
#define FOOT_ROWS	1	/* the keys */
#define KEY_ESCAPE	27
#define KEY_CTRL_L	12
#define KEY_DEL		127
#define ESC_DELAY_MS	25	/* Esc alone, not the start of an arrow's sequence */
/* A line of the table: every column at its widest, one space between. */
#define LINE_MAX_LEN	(BCTL_COL_COUNT * (BCTL_CELL_MAX + 1) + 1)

static const char keys_help[] =
	"q quit  d delay  <> or arrows: sort column  r reverse  "
	"n i f m t a x e h s p v l: sort by that column  up down PgUp PgDn: scroll";

/* --- the keys, without a terminal -------------------------------------------- */

void bctl_top_init(struct bctl_top_state *s, uint64_t delay_s)
{
	*s = (struct bctl_top_state){ .sort = BCTL_COL_ID, .delay_s = delay_s };
}

/* A new sort column: numbers biggest first, text from A, ids from 0. */
static void sort_by(struct bctl_top_state *s, enum bctl_col c)
{
	s->sort = c;
	s->reverse = !bctl_cols[c].left && c != BCTL_COL_ID;
}

/* After 'd': digits, Backspace, Enter sets the delay, Esc gives up. */
static enum bctl_top_action prompt_key(struct bctl_top_state *s, int key)
{
	size_t len = strlen(s->entry);
	uint64_t v;

	if (key == KEY_ESCAPE) {
		s->prompting = false;
		snprintf(s->message, sizeof(s->message), "delay unchanged");
	} else if (key == '\n' || key == '\r' || key == KEY_ENTER) {
		s->prompting = false;
		if (ballast_parse_u64(s->entry, len, &v) == BALLAST_OK && v >= 1 &&
		    v <= BCTL_MAX_SECONDS) {
			s->delay_s = v;
			snprintf(s->message, sizeof(s->message), "delay %" PRIu64 " s", v);
		} else {
			snprintf(s->message, sizeof(s->message),
				 "delay unchanged: 1 to %d seconds", BCTL_MAX_SECONDS);
		}
	} else if (key == KEY_BACKSPACE || key == KEY_DEL || key == '\b') {
		if (len)
			s->entry[len - 1] = '\0';
	} else if (key >= '0' && key <= '9' && len + 1 < sizeof(s->entry)) {
		s->entry[len] = (char)key;
		s->entry[len + 1] = '\0';
	} else {
		return BCTL_TOP_NONE;
	}
	return BCTL_TOP_REDRAW;
}

enum bctl_top_action bctl_top_key(struct bctl_top_state *s, int key,
				  size_t page_rows)
{
	enum bctl_col c;

	if (s->prompting)
		return prompt_key(s, key);
	s->message[0] = '\0';
	switch (key) {
	case 'q':
	case 'Q':
		return BCTL_TOP_QUIT;
	case 'd':
	case 'D':
		s->prompting = true;
		s->entry[0] = '\0';
		return BCTL_TOP_REDRAW;
	case 'r':
	case 'R':
		s->reverse = !s->reverse;
		return BCTL_TOP_REDRAW;
	case KEY_RIGHT:
	case '>':
		sort_by(s, (enum bctl_col)((s->sort + 1) % BCTL_COL_COUNT));
		return BCTL_TOP_REDRAW;
	case KEY_LEFT:
	case '<':
		sort_by(s, (enum bctl_col)((s->sort + BCTL_COL_COUNT - 1) % BCTL_COL_COUNT));
		return BCTL_TOP_REDRAW;
	case KEY_UP:
		if (s->first_row)
			s->first_row--;
		return BCTL_TOP_REDRAW;
	case KEY_DOWN:
		s->first_row++;		/* bctl_top_clamp() keeps it on the table */
		return BCTL_TOP_REDRAW;
	case KEY_PPAGE:
		s->first_row = s->first_row > page_rows ? s->first_row - page_rows : 0;
		return BCTL_TOP_REDRAW;
	case KEY_NPAGE:
		s->first_row += page_rows;
		return BCTL_TOP_REDRAW;
	case KEY_HOME:
		s->first_row = 0;
		return BCTL_TOP_REDRAW;
	case ' ':
	case KEY_CTRL_L:
		return BCTL_TOP_REFRESH;
	case KEY_RESIZE:
		return BCTL_TOP_REDRAW;
	}
	c = bctl_col_by_key(key >= 'A' && key <= 'Z' ? key - 'A' + 'a' : key);
	if (c == BCTL_COL_COUNT) {
		snprintf(s->message, sizeof(s->message),
			 "no such key: the keys are on the last line");
		return BCTL_TOP_REDRAW;
	}
	if (c == s->sort)
		s->reverse = !s->reverse;
	else
		sort_by(s, c);
	return BCTL_TOP_REDRAW;
}

void bctl_top_clamp(struct bctl_top_state *s, size_t n, size_t page_rows)
{
	size_t last = n > page_rows ? n - page_rows : 0;

	if (s->first_row > last)
		s->first_row = last;
}

/* --- the screen ------------------------------------------------------------------ */

static size_t page_rows(void)
{
	return LINES > HEAD_ROWS + FOOT_ROWS ? (size_t)(LINES - HEAD_ROWS - FOOT_ROWS) : 0;
}

static void put_line(int y, const char *text, int cols)
{
	move(y, 0);
	clrtoeol();
	addnstr(text, cols);
}

static void host_line(const struct bctl_view *v, char *buf, size_t size,
		      bool with_clock)
{
	char clock[16] = "";
	struct tm tm;
	time_t now = time(NULL);

	if (with_clock && localtime_r(&now, &tm))
		strftime(clock, sizeof(clock), " %H:%M:%S", &tm);
	snprintf(buf, size, "ballast top -%s host %" PRIu64 " MiB, free %" PRIu64
		 " MiB, scrub %" PRIu64 " MiB, ballastd %s%s", clock,
		 v->host.total_kib / 1024, v->host.free_kib / 1024,
		 v->host.scrub_kib / 1024, v->daemon ? "running" : "NOT running",
		 v->daemon && v->dry_run ? " (--dry-run)" : "");
}

/* The headers in reverse video, the sort column's in bold. */
static void header_line(const struct bctl_layout *l, enum bctl_col sort, int cols)
{
	char line[LINE_MAX_LEN];
	size_t x = 0;

	bctl_format_line(l, NULL, line, sizeof(line));
	attron(A_REVERSE);
	move(HEAD_ROWS - 1, 0);
	clrtoeol();
	addnstr(line, cols);
	for (int i = (int)strlen(line); i < cols; i++)
		addch(' ');
	attroff(A_REVERSE);
	for (int c = 0; c < BCTL_COL_COUNT; c++) {
		if (!l->width[c])
			continue;
		if (c == (int)sort && x < (size_t)cols && x < strlen(line)) {
			attron(A_BOLD | A_UNDERLINE);
			mvaddnstr(HEAD_ROWS - 1, (int)x, line + x, (int)l->width[c]);
			attroff(A_BOLD | A_UNDERLINE);
		}
		x += l->width[c] + 1;
	}
}

static void draw(const struct bctl_view *v, struct bctl_top_state *s)
{
	char line[LINE_MAX_LEN];
	int cols = COLS > 0 ? COLS : 1;
	size_t page = page_rows();
	struct bctl_layout l;

	bctl_layout(v->rows, v->n, (size_t)cols, s->sort, &l);
	bctl_top_clamp(s, v->n, page);
	host_line(v, line, sizeof(line), true);
	put_line(0, line, cols);
	if (s->prompting)
		snprintf(line, sizeof(line), "delay in seconds (1 to %d; Enter sets, "
			 "Esc cancels): %s_", BCTL_MAX_SECONDS, s->entry);
	else if (s->message[0])
		snprintf(line, sizeof(line), "%s", s->message);
	else
		snprintf(line, sizeof(line), "%zu domains, sorted by %s %s, every %"
			 PRIu64 " s", v->n, bctl_cols[s->sort].header,
			 s->reverse ? "descending" : "ascending", s->delay_s);
	put_line(1, line, cols);
	header_line(&l, s->sort, cols);
	for (size_t i = 0; i < page; i++) {
		size_t r = s->first_row + i;

		if (r < v->n)
			bctl_format_line(&l, &v->rows[r], line, sizeof(line));
		else
			line[0] = '\0';
		put_line(HEAD_ROWS + (int)i, line, cols);
	}
	if (LINES > HEAD_ROWS) {
		attron(A_DIM);
		put_line(LINES - 1, keys_help, cols);
		attroff(A_DIM);
	}
	refresh();
}

struct screen_loop {
	struct bctl *ctl;
	const struct bctl_view_args *args;
	struct bctl_top_state s;
	struct bctl_view v;
	bool have_view;
	uint64_t frames, shown_ms;
	char err[BCTL_ERR_MAX];
};

static int refresh_view(struct screen_loop *t)
{
	int r;

	if (t->have_view)
		bctl_view_free(&t->v);
	t->have_view = false;
	r = bctl_view_read(t->ctl, &t->v);
	if (r) {
		snprintf(t->err, sizeof(t->err), "cannot read Xen's state: %s", strerror(-r));
		return -1;
	}
	t->have_view = true;
	t->frames++;
	t->shown_ms = t->ctl->io.ops->now_ms(t->ctl->io.ctx);
	return 0;
}

/*
 * The terminal's new size, from the descriptor: SIGWINCH comes through the
 * signal descriptor, so that one sent while a frame is drawn is not lost
 * (as it would be to ncurses' handler until the next key or frame).
 */
static void resized(struct screen_loop *t)
{
	struct winsize ws;

	if (ioctl(t->ctl->tty_fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
		resizeterm(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE);		/* paint all of it again */
}

/*
 * Waits for a key, a signal or the next frame. Returns what to do next, or
 * BCTL_TOP_QUIT with *@rc set (0 for q, 128 + the signal, 1 on an error).
 */
static enum bctl_top_action wait_event(struct screen_loop *t, int sig_fd, int *rc)
{
	uint64_t now = t->ctl->io.ops->now_ms(t->ctl->io.ctx);
	uint64_t due = t->shown_ms + t->s.delay_s * 1000;
	struct pollfd p[2] = { { .fd = t->ctl->tty_fd, .events = POLLIN },
			       { .fd = sig_fd, .events = POLLIN } };
	enum bctl_top_action next = BCTL_TOP_NONE, a;
	int n, key;

	n = poll(p, 2, due > now ? (int)(due - now) : 0);
	if (n < 0 && errno != EINTR) {
		snprintf(t->err, sizeof(t->err), "poll: %s", strerror(errno));
		*rc = 1;
		return BCTL_TOP_QUIT;
	}
	if (n > 0 && (p[1].revents & POLLIN)) {
		struct signalfd_siginfo si;

		while (read(sig_fd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo != SIGWINCH) {
				*rc = 128 + (int)si.ssi_signo;
				return BCTL_TOP_QUIT;
			}
			resized(t);
			next = BCTL_TOP_REDRAW;
		}
		if (next == BCTL_TOP_REDRAW)
			return next;	/* draw before getch() paints the old size */
	}
	if (n > 0 && (p[0].revents & (POLLHUP | POLLERR | POLLNVAL))) {
		*rc = 128 + SIGHUP;	/* the terminal went away */
		return BCTL_TOP_QUIT;
	}
	while ((key = getch()) != ERR) {
		if (key == KEY_CTRL_L)
			clearok(curscr, TRUE);	/* paint all of it again */
		a = bctl_top_key(&t->s, key, page_rows());
		if (a == BCTL_TOP_QUIT) {
			*rc = 0;
			return a;
		}
		if (a > next)
			next = a;
	}
	if (n == 0 || t->ctl->io.ops->now_ms(t->ctl->io.ctx) >= due) {
		if (t->args->iterations && t->frames >= t->args->iterations) {
			*rc = 0;
			return BCTL_TOP_QUIT;
		}
		next = BCTL_TOP_REFRESH;
	}
	return next;
}

/*
 * INT, TERM, HUP and WINCH come through a descriptor: no handler, no
 * global, no signal lost between two polls.
 */
static int screen(struct bctl *ctl, const struct bctl_view_args *args)
{
	struct screen_loop t = { .ctl = ctl, .args = args };
	enum bctl_top_action next = BCTL_TOP_REFRESH;
	sigset_t stop, saved;
	SCREEN *scr = NULL;
	const char *term = getenv("TERM");
	int sig_fd = -1, rc = 0;

	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	sigaddset(&stop, SIGWINCH);
	if (sigprocmask(SIG_BLOCK, &stop, &saved)) {
		fprintf(ctl->err, "ballastctl top: sigprocmask: %s\n", strerror(errno));
		return 1;
	}
	sig_fd = signalfd(-1, &stop, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sig_fd < 0) {
		snprintf(t.err, sizeof(t.err), "signalfd: %s", strerror(errno));
		rc = 1;
		goto out;
	}
	bctl_top_init(&t.s, args->delay_s);
	fflush(ctl->out);
	scr = newterm(NULL, stdout, stdin);	/* NULL, not exit(), if it cannot */
	if (!scr) {
		snprintf(t.err, sizeof(t.err), "cannot drive this terminal (TERM=%s): "
			 "use --batch", term ? term : "unset");
		rc = 1;
		goto out;
	}
	set_escdelay(ESC_DELAY_MS);
	cbreak();
	noecho();
	nodelay(stdscr, TRUE);
	keypad(stdscr, TRUE);
	curs_set(0);
	for (;;) {
		if (next == BCTL_TOP_REFRESH && refresh_view(&t)) {
			rc = 1;
			break;
		}
		if (next != BCTL_TOP_NONE) {
			bctl_sort_rows(t.v.rows, t.v.n, t.s.sort, t.s.reverse);
			draw(&t.v, &t.s);
		}
		next = wait_event(&t, sig_fd, &rc);
		if (next == BCTL_TOP_QUIT)
			break;
	}
out:
	if (scr) {
		endwin();
		delscreen(scr);
	}
	if (t.have_view)
		bctl_view_free(&t.v);
	if (sig_fd >= 0)
		close(sig_fd);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	if (t.err[0])
		fprintf(ctl->err, "ballastctl top: %s\n", t.err);
	return rc;
}

/* --- batch ------------------------------------------------------------------------ */

/* Plain frames for scripts: what status prints, under a line for the host. */
static int batch(struct bctl *ctl, const struct bctl_view_args *a)
{
	char line[BCTL_ERR_MAX];
	struct bctl_view v;
	int r;

	for (uint64_t i = 0; !a->iterations || i < a->iterations; i++) {
		if (i)
			ctl->io.ops->sleep_ms(ctl->io.ctx, a->delay_s * 1000);
		r = bctl_view_read(ctl, &v);
		if (r) {
			fprintf(ctl->err, "ballastctl top: cannot read Xen's state: %s\n",
				strerror(-r));
			return 1;
		}
		host_line(&v, line, sizeof(line), false);
		fprintf(ctl->out, "%s\n", line);
		bctl_status_text(ctl->out, &v);
		fflush(ctl->out);
		bctl_view_free(&v);
	}
	return 0;
}

int cmd_top(struct bctl *ctl, int argc, char **argv)
{
	struct bctl_view_args a;
	char err[BCTL_ERR_MAX];

	if (bctl_parse_view(argc, argv, &a, err, sizeof(err)) || a.json) {
		fprintf(ctl->err, "ballastctl top: %s\n",
			a.json ? "no --json here (use status --json)" : err);
		return 2;
	}
	if (a.batch || ctl->tty_fd < 0)
		return batch(ctl, &a);
	return screen(ctl, &a);
}
