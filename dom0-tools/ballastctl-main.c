// SPDX-License-Identifier: MIT
/* ballastctl: pick the verb, open Xen, run it. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ballastctl.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: ballastctl VERB [ARGS]\n");
	for (unsigned int i = 0; i < bctl_n_verbs; i++)
		fprintf(f, "  %-46s %s\n", bctl_verbs[i].usage, bctl_verbs[i].help);
	fprintf(f, "SIZE: a number of KiB, or with a K, M, G or T suffix.\n");
}

int main(int argc, char **argv)
{
	const struct bctl_verb *verb;
	struct bctl ctl = { .out = stdout, .err = stderr, .tty_fd = -1 };
	sigset_t stop;
	int rc;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	verb = bctl_find_verb(argv[1]);
	if (!verb) {
		fprintf(stderr, "ballastctl: unknown verb '%s'\n", argv[1]);
		usage(stderr);
		return 2;
	}
	if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		ctl.tty_fd = STDIN_FILENO;
	/* reserve notices these and gives the reservation back before exiting */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	if (!strcmp(verb->name, "reserve") && !sigprocmask(SIG_BLOCK, &stop, NULL))
		ctl.check_signals = true;
	if (bio_xen_open(&ctl.io))
		return 1;
	rc = verb->run(&ctl, argc - 1, argv + 1);
	bio_close(&ctl.io);
	return rc;
}
