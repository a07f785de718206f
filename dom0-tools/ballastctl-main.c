// SPDX-License-Identifier: MIT
/* ballastctl: pick the verb, open Xen, run it. Help needs no Xen. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ballast_version.h"
#include "ballastctl.h"
#include "config.h"		/* BD_DEFAULT_CONFIG */
#include "size.h"

/* Each verb's options, for `ballastctl help VERB` and --help. */
static const struct {
	const char *verb;
	const char *options;
} verb_options[] = {
	{ "status", "  -j, --json             as JSON, with the host's memory\n" },
	{ "set", "  DOMAIN                 a name or a domid, as xl takes it\n"
		 "  min=SIZE max=SIZE      the subscription (16M to 16T)\n"
		 "  shares=N               1 to 1000000; VALUE 'default' removes an override\n" },
	{ "reserve", "  -t, --timeout S        give up after S seconds (1 to 86400, default 60)\n"
		     "  -- CMD...              run CMD while the memory is held, then give it back\n" },
	{ "top", "  -b, --batch            plain text frames for scripts, not the screen\n"
		 "  -n, --iterations N     N frames, then exit\n"
		 "  -d, --delay S          seconds between frames (1 to 86400, default 1)\n" },
	{ "explain", "  DOMAIN                 a name or a domid, as xl takes it\n" },
	{ "show-config", "  -c, --config FILE      ballastd.conf (default " BD_DEFAULT_CONFIG ")\n"
			 "  DOMAIN                 only this one (a name or a domid)\n" },
};

static const char *options_of(const char *verb)
{
	for (size_t i = 0; i < sizeof(verb_options) / sizeof(verb_options[0]); i++)
		if (!strcmp(verb_options[i].verb, verb))
			return verb_options[i].options;
	return "";
}

static void verb_help(FILE *f, const struct bctl_verb *v)
{
	fprintf(f, "usage: ballastctl %s\n%s\n%s", v->usage, v->help, options_of(v->name));
}

static void usage(FILE *f)
{
	fprintf(f, "usage: ballastctl [-h | --help] [-V | --version] VERB [ARGS]\n"
		   "       ballastctl help VERB, ballastctl VERB --help: one verb\n");
	for (unsigned int i = 0; i < bctl_n_verbs; i++) {
		const char *o = options_of(bctl_verbs[i].name), *nl;

		fprintf(f, "  %-46s %s\n", bctl_verbs[i].usage, bctl_verbs[i].help);
		/* under its verb, indented */
		for (; *o; o = nl + 1) {
			nl = strchr(o, '\n');
			if (!nl)
				break;
			fprintf(f, "    %.*s\n", (int)(nl - o), o);
		}
	}
	fprintf(f, "SIZE: %s (as in xl: 2048 is 2 GiB).\n"
		   "DOMAIN: a name or a domid, as xl takes it.\n", BALLAST_SIZE_SYNTAX);
}

/* -h or --help among a verb's own arguments (not in CMD after "--"). */
static bool asks_help(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

/* Returns the exit status, or -1 to go on with the verb at argv[optind]. */
static int parse_global(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	/* "+": the verb's options are the verb's */
	while ((c = getopt_long(argc, argv, "+hV", longs, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("ballastctl " BALLAST_VERSION "\n");
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind == argc) {
		usage(stderr);
		return 2;
	}
	return -1;
}

int main(int argc, char **argv)
{
	const struct bctl_verb *verb;
	struct bctl ctl = { .out = stdout, .err = stderr, .tty_fd = -1 };
	sigset_t stop;
	int rc;

	rc = parse_global(argc, argv);
	if (rc >= 0)
		return rc;
	argc -= optind;
	argv += optind;
	if (!strcmp(argv[0], "help")) {
		if (argc == 1) {
			usage(stdout);
			return 0;
		}
		verb = bctl_find_verb(argv[1]);
		if (!verb || argc > 2) {
			fprintf(stderr, "ballastctl help: unknown verb '%s'\n", argv[1]);
			usage(stderr);
			return 2;
		}
		verb_help(stdout, verb);
		return 0;
	}
	verb = bctl_find_verb(argv[0]);
	if (!verb) {
		fprintf(stderr, "ballastctl: unknown verb '%s'\n", argv[0]);
		usage(stderr);
		return 2;
	}
	if (asks_help(argc, argv)) {
		verb_help(stdout, verb);
		return 0;
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
	rc = verb->run(&ctl, argc, argv);
	bio_close(&ctl.io);
	return rc;
}
