// SPDX-License-Identifier: MIT
/*
 * ballastctl's argument parsers (ballastctl.h) on arbitrary argument
 * vectors: the input is split at NUL bytes into arguments, the first byte
 * picks set, reserve or a view verb. What an accepted command line may carry,
 * from ballastctl(8) and SCHEMA.md: set names a domain (not empty, no '/')
 * and sizes within POLICY/min and POLICY/max (16384..17179869184 KiB),
 * shares within 1..1000000, min <= max when both are given, and the same for
 * processors (POLICY/vcpus-min, vcpus-max 1..4096, cpu-shares 1..1000000,
 * vcpus-min <= vcpus-max); a field is never both set and cleared; reserve a size
 * within RESERVE/size (1..17179869184 KiB), a timeout >= 1 s and a command
 * inside argv; the views a delay >= 1 s.
 */
#include <string.h>

#include "ballastctl.h"
#include "fuzz_input.h"

/* SCHEMA.md: POLICY/min, POLICY/max and RESERVE/size */
#define MIN_KIB		16384ULL
#define MAX_KIB		17179869184ULL

/* SCHEMA.md: POLICY/vcpus-min and POLICY/vcpus-max */
#define VCPUS_LO	1U
#define VCPUS_HI	4096U

#define MAX_ARGS	24

static bool in_argv(char **p, char **argv, int argc)
{
	return p >= argv + 1 && p < argv + argc && p[-1] && !strcmp(p[-1], "--");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const verbs[] = { "set", "reserve", "status" };
	char *buf, *argv[MAX_ARGS + 1], err[BCTL_ERR_MAX];
	int argc = 1, rc, pick;
	size_t start = 1;

	if (size < 1)
		return 0;
	pick = data[0] % 3;
	buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[0] = (char *)verbs[pick];
	for (size_t i = 1; i <= size && argc < MAX_ARGS; i++)
		if (buf[i] == '\0') {
			argv[argc++] = buf + start;
			start = i + 1;
		}
	argv[argc] = NULL;

	err[0] = '\0';
	if (pick == 0) {
		struct bctl_set_args a;

		rc = bctl_parse_set(argc, argv, &a, err, sizeof(err));
		if (!rc) {
			FUZZ_ASSERT(a.domain && a.domain[0] && !strchr(a.domain, '/'));
			FUZZ_ASSERT(a.has_min || a.has_max || a.has_shares ||
				    a.clear_min || a.clear_max || a.clear_shares ||
				    a.has_vcpus_min || a.has_vcpus_max ||
				    a.has_cpu_shares || a.has_vcpu_scaling ||
				    a.clear_vcpus_min || a.clear_vcpus_max ||
				    a.clear_cpu_shares || a.clear_vcpu_scaling);
			FUZZ_ASSERT(!a.has_min || (a.min_kib >= MIN_KIB &&
						   a.min_kib <= MAX_KIB));
			FUZZ_ASSERT(!a.has_max || (a.max_kib >= MIN_KIB &&
						   a.max_kib <= MAX_KIB));
			FUZZ_ASSERT(!a.has_shares || (a.shares >= 1 && a.shares <= 1000000));
			FUZZ_ASSERT(!(a.has_min && a.has_max) || a.min_kib <= a.max_kib);
			FUZZ_ASSERT(!(a.has_min && a.clear_min));
			FUZZ_ASSERT(!(a.has_max && a.clear_max));
			FUZZ_ASSERT(!(a.has_shares && a.clear_shares));
			FUZZ_ASSERT(!a.has_vcpus_min || (a.vcpus_min >= VCPUS_LO &&
							 a.vcpus_min <= VCPUS_HI));
			FUZZ_ASSERT(!a.has_vcpus_max || (a.vcpus_max >= VCPUS_LO &&
							 a.vcpus_max <= VCPUS_HI));
			FUZZ_ASSERT(!(a.has_vcpus_min && a.has_vcpus_max) ||
				    a.vcpus_min <= a.vcpus_max);
			FUZZ_ASSERT(!a.has_cpu_shares ||
				    (a.cpu_shares >= 1 && a.cpu_shares <= 1000000));
			FUZZ_ASSERT(!(a.has_vcpus_min && a.clear_vcpus_min));
			FUZZ_ASSERT(!(a.has_vcpus_max && a.clear_vcpus_max));
			FUZZ_ASSERT(!(a.has_cpu_shares && a.clear_cpu_shares));
			FUZZ_ASSERT(!(a.has_vcpu_scaling && a.clear_vcpu_scaling));
		}
	} else if (pick == 1) {
		struct bctl_reserve_args a;

		rc = bctl_parse_reserve(argc, argv, &a, err, sizeof(err));
		if (!rc) {
			FUZZ_ASSERT(a.size_kib >= 1 && a.size_kib <= MAX_KIB);
			FUZZ_ASSERT(a.timeout_s >= 1);
			FUZZ_ASSERT(!a.cmd || (in_argv(a.cmd, argv, argc) && a.cmd[0]));
		}
	} else {
		struct bctl_view_args a;

		rc = bctl_parse_view(argc, argv, &a, err, sizeof(err));
		if (!rc)
			FUZZ_ASSERT(a.delay_s >= 1);
	}
	FUZZ_ASSERT(rc == 0 || rc == -1);
	FUZZ_ASSERT(rc == 0 || err[0]);		/* a refusal says why */
	free(buf);
	return 0;
}
