// SPDX-License-Identifier: MIT
/* ballastctl's argument parsing, separate so the tests reach every path. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ballast_schema.h"
#include "ballastctl.h"
#include "config.h"		/* BD_DEFAULT_CONFIG */
#include "bsched.h"		/* BSCHED_NAME_MAX: the names ballastd knows */
#include "size.h"

#define CLEAR_WORD	"default"

static int bad(char *err, size_t err_len, const char *what, const char *arg)
{
	snprintf(err, err_len, "%s: %s", what, arg);
	return -1;
}

/* A size in the schema's range for the key it will be written to. */
static int size_for(enum ballast_key_id id, const char *what, const char *s,
		    uint64_t *kib, char *err, size_t err_len)
{
	return ballast_size_arg(what, s, ballast_keys[id].min, ballast_keys[id].max,
				kib, err, err_len);
}

/*
 * Every verb's options go through getopt_long, quietly (the verb names a
 * bad one); OPTSTRING starts with ':' so a missing value is told apart.
 */
static void start_opts(void)
{
	optind = 0;	/* glibc: a fresh scan, so a parse can run again */
	opterr = 0;
}

/* The option getopt_long refused (@c: '?' or ':'), as the user wrote it. */
static int bad_opt(int c, char *err, size_t err_len, int argc, char **argv)
{
	const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "?";

	if (c == ':')
		return bad(err, err_len, "a value expected after", arg);
	return bad(err, err_len, "unknown option", arg);
}

/* 1 to BCTL_MAX_SECONDS: in ms, a number of seconds must not wrap. */
static int parse_seconds(const char *s, uint64_t *out)
{
	uint64_t v;

	if (ballast_parse_u64(s, strlen(s), &v) != BALLAST_OK || v == 0 ||
	    v > BCTL_MAX_SECONDS)
		return -1;
	*out = v;
	return 0;
}

/*
 * A verb without options: any is refused, "--" is skipped. Returns the
 * index of the first argument, or -1. "+": no permutation, the arguments
 * stay in their order.
 */
static int no_options(int argc, char **argv, char *err, size_t err_len)
{
	static const struct option longs[] = { { NULL, 0, NULL, 0 } };
	int c;

	start_opts();
	c = getopt_long(argc, argv, "+:", longs, NULL);
	return c == -1 ? optind : bad_opt(c, err, err_len, argc, argv);
}

/* A processor setting of `set`: 1 if @key is one, 0 if not, -1 (with @err)
 * on a bad value. */
static int parse_vcpu_setting(const char *key, size_t klen, const char *val,
			      bool clear, struct bctl_set_args *out,
			      char *err, size_t err_len)
{
	static const struct {
		const char *name;
		enum ballast_key_id id;
	} keys[] = {
		{ BALLAST_KEY_VCPUS_MIN, BALLAST_K_POLICY_VCPUS_MIN },
		{ BALLAST_KEY_VCPUS_MAX, BALLAST_K_POLICY_VCPUS_MAX },
		{ BALLAST_KEY_CPU_SHARES, BALLAST_K_POLICY_CPU_SHARES },
		{ BALLAST_KEY_VCPU_SCALING, BALLAST_K_POLICY_VCPU_SCALING },
	};
	bool *has[] = { &out->has_vcpus_min, &out->has_vcpus_max,
			&out->has_cpu_shares, &out->has_vcpu_scaling };
	bool *cleared[] = { &out->clear_vcpus_min, &out->clear_vcpus_max,
			    &out->clear_cpu_shares, &out->clear_vcpu_scaling };
	uint64_t v = 0;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (klen != strlen(keys[i].name) || strncmp(key, keys[i].name, klen))
			continue;
		if (!clear && ballast_parse_key(keys[i].id, val, strlen(val), &v))
			return bad(err, err_len, i == 3 ?
				   "vcpu-scaling: 0 or 1" : i == 2 ?
				   "cpu-shares: a number from 1 to 1000000" :
				   "vcpus-min, vcpus-max: a number from 1 to 4096", val);
		*has[i] = !clear;
		*cleared[i] = clear;
		if (i == 0)
			out->vcpus_min = (uint32_t)v;
		else if (i == 1)
			out->vcpus_max = (uint32_t)v;
		else if (i == 2)
			out->cpu_shares = (uint32_t)v;
		else
			out->vcpu_scaling = v == 1;
		return 1;
	}
	return 0;
}

int bctl_parse_set(int argc, char **argv, struct bctl_set_args *out,
		   char *err, size_t err_len)
{
	int first;

	*out = (struct bctl_set_args){ 0 };
	first = no_options(argc, argv, err, err_len);
	if (first < 0)
		return -1;
	argc -= first - 1;
	argv += first - 1;
	if (argc < 3)
		return bad(err, err_len, "usage", "set DOMAIN min=SIZE max=SIZE shares=N");
	out->domain = argv[1];
	/* as ballastd knows names: a longer one would be another domain's */
	if (!out->domain[0] || strchr(out->domain, '/') ||
	    strlen(out->domain) >= BSCHED_NAME_MAX)
		return bad(err, err_len, "not a domain name or domid (1 to 63 bytes, no '/')",
			   out->domain);
	for (int i = 2; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		const char *val = eq ? eq + 1 : NULL;
		size_t klen = eq ? (size_t)(eq - argv[i]) : 0;
		bool clear = val && !strcmp(val, CLEAR_WORD);
		uint64_t v = 0;

		if (!eq || !val[0])
			return bad(err, err_len, "expected KEY=VALUE", argv[i]);
		if (klen == 3 && !strncmp(argv[i], "min", 3)) {
			if (!clear && size_for(BALLAST_K_POLICY_MIN, "min", val, &v,
					       err, err_len))
				return -1;
			out->has_min = !clear;
			out->clear_min = clear;
			out->min_kib = v;
		} else if (klen == 3 && !strncmp(argv[i], "max", 3)) {
			if (!clear && size_for(BALLAST_K_POLICY_MAX, "max", val, &v,
					       err, err_len))
				return -1;
			out->has_max = !clear;
			out->clear_max = clear;
			out->max_kib = v;
		} else if (klen == 6 && !strncmp(argv[i], "shares", 6)) {
			if (!clear && (ballast_parse_u64(val, strlen(val), &v) ||
				       v == 0 || v > BALLAST_MAX_SHARES))
				return bad(err, err_len, "shares: a number from 1 to 1000000", val);
			out->has_shares = !clear;
			out->clear_shares = clear;
			out->shares = (uint32_t)v;
		} else {
			int r = parse_vcpu_setting(argv[i], klen, val, clear, out,
						   err, err_len);

			if (r < 0)
				return r;
			if (!r)
				return bad(err, err_len, "unknown setting (min, max, shares, "
					   "vcpus-min, vcpus-max, cpu-shares, vcpu-scaling)",
					   argv[i]);
		}
	}
	if (out->has_min && out->has_max && out->min_kib > out->max_kib)
		return bad(err, err_len, "min above max", argv[1]);
	if (out->has_vcpus_min && out->has_vcpus_max && out->vcpus_min > out->vcpus_max)
		return bad(err, err_len, "vcpus-min above vcpus-max", argv[1]);
	return 0;
}

int bctl_parse_reserve(int argc, char **argv, struct bctl_reserve_args *out,
		       char *err, size_t err_len)
{
	static const struct option longs[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	int c, end = argc;

	*out = (struct bctl_reserve_args){ .timeout_s = BCTL_DEFAULT_TIMEOUT_S };
	/* CMD is whatever follows "--", options of its own included */
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			if (i + 1 == argc)
				return bad(err, err_len, "a command expected after", "--");
			out->cmd = &argv[i + 1];
			end = i;
			break;
		}
	start_opts();
	while ((c = getopt_long(end, argv, ":t:", longs, NULL)) != -1) {
		if (c != 't')
			return bad_opt(c, err, err_len, end, argv);
		if (parse_seconds(optarg, &out->timeout_s))
			return bad(err, err_len, "--timeout: seconds (1 to 86400) expected",
				   optarg);
	}
	if (optind == end)
		return bad(err, err_len, "usage", "reserve SIZE [--timeout S] [-- CMD...]");
	if (optind + 1 < end)
		return bad(err, err_len, "one SIZE only, extra", argv[optind + 1]);
	return size_for(BALLAST_K_RES_SIZE, "SIZE", argv[optind], &out->size_kib,
			err, err_len);
}

int bctl_parse_view(int argc, char **argv, struct bctl_view_args *out,
		    char *err, size_t err_len)
{
	static const struct option longs[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "batch", no_argument, NULL, 'b' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "delay", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*out = (struct bctl_view_args){ .delay_s = 1 };
	start_opts();
	while ((c = getopt_long(argc, argv, ":jbn:d:", longs, NULL)) != -1) {
		switch (c) {
		case 'j':
			out->json = true;
			break;
		case 'b':
			out->batch = true;
			break;
		case 'n':
			if (ballast_parse_u64(optarg, strlen(optarg), &out->iterations) !=
			    BALLAST_OK || out->iterations == 0)
				return bad(err, err_len, "--iterations: a positive number expected",
					   optarg);
			break;
		case 'd':
			if (parse_seconds(optarg, &out->delay_s))
				return bad(err, err_len, "--delay: seconds (1 to 86400) expected",
					   optarg);
			break;
		default:
			return bad_opt(c, err, err_len, argc, argv);
		}
	}
	if (optind < argc)
		return bad(err, err_len, "unknown argument", argv[optind]);
	return 0;
}

int bctl_parse_show(int argc, char **argv, struct bctl_show_args *out,
		    char *err, size_t err_len)
{
	static const struct option longs[] = {
		{ "config", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*out = (struct bctl_show_args){ .config_path = BD_DEFAULT_CONFIG };
	start_opts();
	while ((c = getopt_long(argc, argv, ":c:", longs, NULL)) != -1) {
		if (c != 'c')
			return bad_opt(c, err, err_len, argc, argv);
		out->config_path = optarg;
	}
	if (optind + 1 < argc)
		return bad(err, err_len, "one DOMAIN only, extra", argv[optind + 1]);
	out->domain = optind < argc ? argv[optind] : NULL;
	return 0;
}

int bctl_parse_domain_arg(int argc, char **argv, const char **domain,
			  char *err, size_t err_len)
{
	int first = no_options(argc, argv, err, err_len);

	if (first < 0)
		return -1;
	if (first + 1 != argc)
		return bad(err, err_len, "usage", first < argc ?
			   "one DOMAIN only" : "a DOMAIN (name or domid) expected");
	*domain = argv[first];
	return 0;
}
