// SPDX-License-Identifier: MIT
/* ballastctl's argument parsing, separate so the tests reach every path. */
#include <stdio.h>
#include <string.h>

#include "ballast_schema.h"
#include "ballastctl.h"
#include "bsched.h"		/* BSCHED_NAME_MAX: the names ballastd knows */
#include "size.h"

#define CLEAR_WORD	"default"

static int bad(char *err, size_t err_len, const char *what, const char *arg)
{
	snprintf(err, err_len, "%s: %s", what, arg);
	return -1;
}

/* The schema's range for the key the value will be written to. */
static bool in_range(enum ballast_key_id id, uint64_t v)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	uint64_t ignored;

	return ballast_parse_key(id, buf, (size_t)n, &ignored) == BALLAST_OK;
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
	*out = (struct bctl_set_args){ 0 };
	if (argc < 3)
		return bad(err, err_len, "usage", "set DOMAIN min=SIZE max=SIZE shares=N");
	out->domain = argv[1];
	/* as ballastd knows names: a longer one would be another domain's */
	if (!out->domain[0] || strchr(out->domain, '/') ||
	    strlen(out->domain) >= BSCHED_NAME_MAX)
		return bad(err, err_len, "not a domain name (1 to 63 bytes, no '/')",
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
			if (!clear && (ballast_parse_size(val, &v) ||
				       !in_range(BALLAST_K_POLICY_MIN, v)))
				return bad(err, err_len, "min: not a size from 16M to 16T", val);
			out->has_min = !clear;
			out->clear_min = clear;
			out->min_kib = v;
		} else if (klen == 3 && !strncmp(argv[i], "max", 3)) {
			if (!clear && (ballast_parse_size(val, &v) ||
				       !in_range(BALLAST_K_POLICY_MAX, v)))
				return bad(err, err_len, "max: not a size from 16M to 16T", val);
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
	bool have_size = false;

	*out = (struct bctl_reserve_args){ .timeout_s = BCTL_DEFAULT_TIMEOUT_S };
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			if (i + 1 == argc)
				return bad(err, err_len, "a command expected after", "--");
			out->cmd = &argv[i + 1];
			break;
		}
		if (!strcmp(argv[i], "--timeout") || !strcmp(argv[i], "-t")) {
			if (i + 1 == argc || parse_seconds(argv[i + 1], &out->timeout_s))
				return bad(err, err_len, "--timeout: seconds (1 to 86400) expected",
					   i + 1 < argc ? argv[i + 1] : "(nothing)");
			i++;
			continue;
		}
		if (argv[i][0] == '-')
			return bad(err, err_len, "unknown option", argv[i]);
		if (have_size)
			return bad(err, err_len, "one SIZE only, extra", argv[i]);
		if (ballast_parse_size(argv[i], &out->size_kib) ||
		    !in_range(BALLAST_K_RES_SIZE, out->size_kib))
			return bad(err, err_len, "not a size (K/M/G/T suffix, KiB by default)", argv[i]);
		have_size = true;
	}
	if (!have_size)
		return bad(err, err_len, "usage", "reserve SIZE [--timeout S] [-- CMD...]");
	return 0;
}

int bctl_parse_view(int argc, char **argv, struct bctl_view_args *out,
		    char *err, size_t err_len)
{
	*out = (struct bctl_view_args){ .delay_s = 1 };
	for (int i = 1; i < argc; i++) {
		uint64_t *target = NULL;
		int rc;

		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j")) {
			out->json = true;
			continue;
		}
		if (!strcmp(argv[i], "--iterations") || !strcmp(argv[i], "-n"))
			target = &out->iterations;
		else if (!strcmp(argv[i], "--delay") || !strcmp(argv[i], "-d"))
			target = &out->delay_s;
		else
			return bad(err, err_len, "unknown argument", argv[i]);
		if (i + 1 == argc)
			return bad(err, err_len, "a positive number expected after", argv[i]);
		if (target == &out->delay_s)
			rc = parse_seconds(argv[i + 1], target);
		else
			rc = ballast_parse_u64(argv[i + 1], strlen(argv[i + 1]), target) !=
			     BALLAST_OK || *target == 0;
		if (rc)
			return bad(err, err_len, target == &out->delay_s ?
				   "seconds (1 to 86400) expected after" :
				   "a positive number expected after", argv[i]);
		i++;
	}
	return 0;
}
