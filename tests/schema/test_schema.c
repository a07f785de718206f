// SPDX-License-Identifier: MIT
/*
 * The schema's validators against hostile values, and the key table against
 * its reference document (xenstore-schema/SCHEMA.md).
 */
#include <CUnit/Basic.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ballast_path.h"
#include "ballast_schema.h"
#include "schema_doc.h"

#define SCHEMA_DOC_PATH "xenstore-schema/SCHEMA.md"

static enum ballast_verdict parse(const char *s, uint64_t *out)
{
	return ballast_parse_u64(s, strlen(s), out);
}

static void test_u64_accepts_plain_decimals(void)
{
	uint64_t v = 7;

	CU_ASSERT_EQUAL(parse("0", &v), BALLAST_OK);
	CU_ASSERT_EQUAL(v, 0);
	CU_ASSERT_EQUAL(parse("524288", &v), BALLAST_OK);
	CU_ASSERT_EQUAL(v, 524288);
	CU_ASSERT_EQUAL(parse("18446744073709551615", &v), BALLAST_OK);
	CU_ASSERT_EQUAL(v, UINT64_MAX);
}

static void test_u64_refuses_hostile_values(void)
{
	static const struct {
		const char *s;
		enum ballast_verdict want;
	} cases[] = {
		{ "", BALLAST_E_EMPTY },
		{ "-1", BALLAST_E_SIGN },
		{ "+5", BALLAST_E_SIGN },
		{ " 5", BALLAST_E_NOT_NUMBER },
		{ "5 ", BALLAST_E_NOT_NUMBER },
		{ "5\n", BALLAST_E_NOT_NUMBER },
		{ "12a", BALLAST_E_NOT_NUMBER },
		{ "0x10", BALLAST_E_NOT_NUMBER },
		{ "1e9", BALLAST_E_NOT_NUMBER },
		{ "1.5", BALLAST_E_NOT_NUMBER },
		{ "0123", BALLAST_E_LEADING_ZERO },
		{ "00", BALLAST_E_LEADING_ZERO },
		{ "18446744073709551616", BALLAST_E_OVERFLOW },
		{ "99999999999999999999", BALLAST_E_OVERFLOW },
		{ "100000000000000000000", BALLAST_E_TOO_LONG },
		{ "1111111111111111111111111111111111111111", BALLAST_E_TOO_LONG },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t v = 42;
		enum ballast_verdict got = parse(cases[i].s, &v);

		if (got != cases[i].want)
			fprintf(stderr, "value \"%s\": got %s, want %s\n",
				cases[i].s, ballast_verdict_str(got),
				ballast_verdict_str(cases[i].want));
		CU_ASSERT_EQUAL(got, cases[i].want);
		CU_ASSERT_EQUAL(v, 42); /* untouched on refusal */
	}
}

static void test_u64_len_is_respected(void)
{
	uint64_t v = 0;
	const char with_nul[] = { '1', '\0', '2' };

	/* only the first len bytes count: xenstore values are not terminated */
	CU_ASSERT_EQUAL(ballast_parse_u64("12345", 3, &v), BALLAST_OK);
	CU_ASSERT_EQUAL(v, 123);
	CU_ASSERT_EQUAL(ballast_parse_u64(with_nul, 3, &v),
			BALLAST_E_NOT_NUMBER);
	CU_ASSERT_EQUAL(ballast_parse_u64(NULL, 0, &v), BALLAST_E_MISSING);
}

static void test_key_ranges(void)
{
	uint64_t v = 0;
	char buf[32];
	unsigned int id;

	CU_ASSERT_EQUAL(ballast_parse_key(BALLAST_K_TARGET, "16383", 5, &v),
			BALLAST_E_BELOW_MIN);
	CU_ASSERT_EQUAL(ballast_parse_key(BALLAST_K_TARGET, "16384", 5, &v),
			BALLAST_OK);
	CU_ASSERT_EQUAL(v, 16384);
	CU_ASSERT_EQUAL(ballast_parse_key(BALLAST_K_TARGET, "17179869185",
					  11, &v), BALLAST_E_ABOVE_MAX);
	CU_ASSERT_EQUAL(ballast_parse_key(BALLAST_K_PSI_SOME_AVG10, "10001",
					  5, &v), BALLAST_E_ABOVE_MAX);
	CU_ASSERT_EQUAL(ballast_parse_key(BALLAST_K_SEQ, "0", 1, &v),
			BALLAST_E_BELOW_MIN);
	CU_ASSERT_EQUAL(ballast_parse_key(BALLAST_K_TARGET, NULL, 0, &v),
			BALLAST_E_MISSING);
	CU_ASSERT_EQUAL(ballast_parse_key(BALLAST_K__COUNT, "1", 1, &v),
			BALLAST_E_UNKNOWN_WORD);

	/* every numeric key takes its bounds and refuses one past them */
	for (id = 0; id < BALLAST_K__COUNT; id++) {
		const struct ballast_key_info *k = &ballast_keys[id];

		if (k->words)
			continue;
		snprintf(buf, sizeof(buf), "%" PRIu64, k->min);
		CU_ASSERT_EQUAL(ballast_parse_key(id, buf, strlen(buf), &v),
				BALLAST_OK);
		snprintf(buf, sizeof(buf), "%" PRIu64, k->max);
		CU_ASSERT_EQUAL(ballast_parse_key(id, buf, strlen(buf), &v),
				BALLAST_OK);
		snprintf(buf, sizeof(buf), "%" PRIu64, k->max + 1);
		CU_ASSERT_EQUAL(ballast_parse_key(id, buf, strlen(buf), &v),
				BALLAST_E_ABOVE_MAX);
		if (k->min > 0) {
			snprintf(buf, sizeof(buf), "%" PRIu64, k->min - 1);
			CU_ASSERT_EQUAL(ballast_parse_key(id, buf, strlen(buf),
							  &v),
					BALLAST_E_BELOW_MIN);
		}
	}
}

static void test_key_words(void)
{
	uint64_t v = 99;

	CU_ASSERT_EQUAL(ballast_parse_key(BALLAST_K_STATE, "inflating", 9, &v),
			BALLAST_OK);
	CU_ASSERT_EQUAL(v, BALLAST_STATE_INFLATING);
	CU_ASSERT_EQUAL(ballast_parse_key(BALLAST_K_FRONTEND, "agent", 5, &v),
			BALLAST_OK);
	CU_ASSERT_EQUAL(v, BALLAST_FRONTEND_AGENT);
	v = 99;
	/* prefixes, extensions and other cases are not words */
	CU_ASSERT_EQUAL(ballast_parse_key(BALLAST_K_STATE, "inflat", 6, &v),
			BALLAST_E_UNKNOWN_WORD);
	CU_ASSERT_EQUAL(ballast_parse_key(BALLAST_K_STATE, "inflatingx", 10,
					  &v), BALLAST_E_UNKNOWN_WORD);
	CU_ASSERT_EQUAL(ballast_parse_key(BALLAST_K_FRONTEND, "DRIVER", 6, &v),
			BALLAST_E_UNKNOWN_WORD);
	CU_ASSERT_EQUAL(ballast_parse_key(BALLAST_K_UNCOOPERATIVE, "2", 1, &v),
			BALLAST_E_UNKNOWN_WORD);
	CU_ASSERT_EQUAL(ballast_parse_key(BALLAST_K_STATE, "", 0, &v),
			BALLAST_E_EMPTY);
	CU_ASSERT_EQUAL(v, 99);
	CU_ASSERT_STRING_EQUAL(ballast_state_word(BALLAST_STATE_HOST_REFUSED),
			       "host-refused");
	CU_ASSERT_STRING_EQUAL(ballast_frontend_word(BALLAST_FRONTEND__COUNT),
			       "?");
	CU_ASSERT_STRING_EQUAL(ballast_reservation_word(BALLAST_RES_GRANTED),
			       "granted");
}

static void test_vcpu_keys(void)
{
	uint64_t v = 99;

	/* a guest has at least vCPU 0 online */
	CU_ASSERT_EQUAL(ballast_parse_key(BALLAST_K_CPUS_ONLINE, "0", 1, &v),
			BALLAST_E_BELOW_MIN);
	CU_ASSERT_EQUAL(ballast_parse_key(BALLAST_K_CPUS_ONLINE, "4097", 4, &v),
			BALLAST_E_ABOVE_MAX);
	/* vCPU 0 is never asked to go offline: it cannot be the refused one */
	CU_ASSERT_EQUAL(ballast_parse_key(BALLAST_K_CPU_REFUSED, "0", 1, &v),
			BALLAST_E_BELOW_MIN);
	CU_ASSERT_EQUAL(ballast_parse_key(BALLAST_K_CPU_REFUSED, "4096", 4, &v),
			BALLAST_E_ABOVE_MAX);
	CU_ASSERT_EQUAL(ballast_parse_key(BALLAST_K_PSI_CPU_SOME_AVG10,
					  "10001", 5, &v), BALLAST_E_ABOVE_MAX);
	/* load average in hundredths: "1.50" is not a value, "150" is */
	CU_ASSERT_EQUAL(ballast_parse_key(BALLAST_K_LOAD_AVG1, "1.50", 4, &v),
			BALLAST_E_NOT_NUMBER);
	CU_ASSERT_EQUAL(ballast_parse_key(BALLAST_K_LOAD_AVG1, "150", 3, &v),
			BALLAST_OK);
	CU_ASSERT_EQUAL(v, 150);
	CU_ASSERT_EQUAL(ballast_parse_key(BALLAST_K_LOAD_AVG1, "419430401", 9,
					  &v), BALLAST_E_ABOVE_MAX);
	CU_ASSERT_EQUAL(ballast_parse_key(BALLAST_K_RUNNABLE, "4194305", 7, &v),
			BALLAST_E_ABOVE_MAX);
	CU_ASSERT_EQUAL(ballast_parse_key(BALLAST_K_STEAL, "-1", 2, &v),
			BALLAST_E_SIGN);
	CU_ASSERT_EQUAL(ballast_parse_key(BALLAST_K_POLICY_VCPUS_MIN, "0", 1,
					  &v), BALLAST_E_BELOW_MIN);
	CU_ASSERT_EQUAL(ballast_parse_key(BALLAST_K_POLICY_CPU_SHARES, "0", 1,
					  &v), BALLAST_E_BELOW_MIN);
	CU_ASSERT_EQUAL(ballast_parse_key(BALLAST_K_POLICY_VCPU_SCALING, "1", 1,
					  &v), BALLAST_OK);
	CU_ASSERT_EQUAL(v, 1);
	CU_ASSERT_EQUAL(ballast_parse_key(BALLAST_K_POLICY_VCPU_SCALING, "yes",
					  3, &v), BALLAST_E_UNKNOWN_WORD);
	/* the frontends' report mask has one bit per key */
	CU_ASSERT(BALLAST_K__COUNT <= 64);
	/* evidence comes from the guest, policy overrides from dom0 */
	CU_ASSERT_EQUAL(ballast_keys[BALLAST_K_STEAL].writer,
			BALLAST_WRITER_GUEST);
	CU_ASSERT_EQUAL(ballast_keys[BALLAST_K_CPU_REFUSED].place,
			BALLAST_PLACE_DATA);
	CU_ASSERT_EQUAL(ballast_keys[BALLAST_K_POLICY_VCPUS_MAX].writer,
			BALLAST_WRITER_DOM0);
	CU_ASSERT_EQUAL(ballast_keys[BALLAST_K_POLICY_VCPUS_MAX].place,
			BALLAST_PLACE_TOOL_POLICY);
}

static void test_cpu_availability(void)
{
	uint64_t v = 99;

	CU_ASSERT_EQUAL(ballast_parse_cpu_availability("online", 6, &v),
			BALLAST_OK);
	CU_ASSERT_EQUAL(v, BALLAST_CPU_ONLINE);
	CU_ASSERT_EQUAL(ballast_parse_cpu_availability("offline", 7, &v),
			BALLAST_OK);
	CU_ASSERT_EQUAL(v, BALLAST_CPU_OFFLINE);
	v = 99;
	CU_ASSERT_EQUAL(ballast_parse_cpu_availability("onlinex", 7, &v),
			BALLAST_E_UNKNOWN_WORD);
	CU_ASSERT_EQUAL(ballast_parse_cpu_availability("onlin", 5, &v),
			BALLAST_E_UNKNOWN_WORD);
	CU_ASSERT_EQUAL(ballast_parse_cpu_availability("Online", 6, &v),
			BALLAST_E_UNKNOWN_WORD);
	CU_ASSERT_EQUAL(ballast_parse_cpu_availability("online\n", 7, &v),
			BALLAST_E_UNKNOWN_WORD);
	CU_ASSERT_EQUAL(ballast_parse_cpu_availability("1", 1, &v),
			BALLAST_E_UNKNOWN_WORD);
	CU_ASSERT_EQUAL(ballast_parse_cpu_availability("", 0, &v),
			BALLAST_E_EMPTY);
	CU_ASSERT_EQUAL(ballast_parse_cpu_availability(NULL, 0, &v),
			BALLAST_E_MISSING);
	CU_ASSERT_EQUAL(ballast_parse_cpu_availability(
				"offlineofflineoffline", 21, &v),
			BALLAST_E_TOO_LONG);
	CU_ASSERT_EQUAL(v, 99);
	CU_ASSERT_STRING_EQUAL(ballast_cpu_availability_word(BALLAST_CPU_OFFLINE),
			       "offline");
	CU_ASSERT_STRING_EQUAL(ballast_cpu_availability_word(BALLAST_CPU__COUNT),
			       "?");
}

static void test_seq(void)
{
	CU_ASSERT_EQUAL(ballast_check_seq(0, 1), BALLAST_OK);
	CU_ASSERT_EQUAL(ballast_check_seq(5, 6), BALLAST_OK);
	CU_ASSERT_EQUAL(ballast_check_seq(5, 5), BALLAST_E_STALE_SEQ);
	CU_ASSERT_EQUAL(ballast_check_seq(5, 4), BALLAST_E_STALE_SEQ);
	/* a restarted frontend counts from 1 again */
	CU_ASSERT_EQUAL(ballast_check_seq(5, 1), BALLAST_OK);
	CU_ASSERT_EQUAL(ballast_check_seq(5, 0), BALLAST_E_BELOW_MIN);
	CU_ASSERT_EQUAL(ballast_check_seq(5, UINT64_MAX), BALLAST_E_ABOVE_MAX);
}

static void test_verdict_strings_distinct(void)
{
	unsigned int i, j;

	for (i = 0; i < BALLAST_E__COUNT; i++) {
		CU_ASSERT_PTR_NOT_NULL(ballast_verdict_str(i));
		for (j = 0; j < i; j++)
			CU_ASSERT_STRING_NOT_EQUAL(ballast_verdict_str(i),
						   ballast_verdict_str(j));
	}
	CU_ASSERT_STRING_EQUAL(ballast_verdict_str(BALLAST_E__COUNT),
			       "unknown verdict");
}

static void test_key_names_unique_per_place(void)
{
	unsigned int i, j;

	for (i = 0; i < BALLAST_K__COUNT; i++) {
		CU_ASSERT_EQUAL(ballast_keys[i].id, i);
		for (j = 0; j < i; j++)
			if (ballast_keys[i].place == ballast_keys[j].place)
				CU_ASSERT_STRING_NOT_EQUAL(ballast_keys[i].name,
							   ballast_keys[j].name);
	}
}

/*
 * ballast_default_floor_kib(), band by band as ballast_schema.h gives it:
 * 8 MiB + 1/2 below 128 MiB, 40 MiB + 1/4 below 512 MiB, 104 MiB + 1/8
 * below 2 GiB, 232 MiB + 1/16 below 8 GiB, 488 MiB + 1/32 above; and
 * continuous at every step.
 */
static void test_default_floor_bands(void)
{
	const uint64_t mib = 1024;
	static const uint64_t steps_mib[] = { 128, 512, 2048, 8192 };

	CU_ASSERT_EQUAL(ballast_default_floor_kib(0), 8 * mib);
	CU_ASSERT_EQUAL(ballast_default_floor_kib(100 * mib), 58 * mib);
	CU_ASSERT_EQUAL(ballast_default_floor_kib(300 * mib), 115 * mib);
	CU_ASSERT_EQUAL(ballast_default_floor_kib(1000 * mib), 229 * mib);
	CU_ASSERT_EQUAL(ballast_default_floor_kib(4000 * mib), 482 * mib);
	CU_ASSERT_EQUAL(ballast_default_floor_kib(16384 * mib), 1000 * mib);
	for (size_t i = 0; i < sizeof(steps_mib) / sizeof(steps_mib[0]); i++) {
		uint64_t at = steps_mib[i] * mib;

		CU_ASSERT(ballast_default_floor_kib(at) -
			  ballast_default_floor_kib(at - 1) <= 1);
	}
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	long len;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0)
		goto out;
	buf = malloc((size_t)len + 1);
	if (!buf)
		goto out;
	if (fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		buf = NULL;
		goto out;
	}
	buf[len] = '\0';
out:
	fclose(f);
	return buf;
}

static void test_doc_matches_header(void)
{
	char *doc = read_file(SCHEMA_DOC_PATH);
	char why[512] = "";
	int rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	rc = schema_doc_check(doc, why, sizeof(why));
	if (rc != 0)
		fprintf(stderr, "%s disagrees with ballast_schema.c: %s\n",
			SCHEMA_DOC_PATH, why);
	CU_ASSERT_EQUAL(rc, 0);
	free(doc);
}

/* The comparator itself must catch each kind of disagreement. */
static void expect_mutation_caught(const char *doc, const char *from,
				   const char *to)
{
	char *hit = strstr(doc, from);
	char *mutated;
	char why[512] = "";
	size_t pre;

	CU_ASSERT_PTR_NOT_NULL_FATAL(hit);
	pre = (size_t)(hit - doc);
	mutated = malloc(strlen(doc) - strlen(from) + strlen(to) + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mutated);
	memcpy(mutated, doc, pre);
	strcpy(mutated + pre, to);
	strcat(mutated, hit + strlen(from));
	CU_ASSERT_NOT_EQUAL(schema_doc_check(mutated, why, sizeof(why)), 0);
	CU_ASSERT_NOT_EQUAL(why[0], '\0');
	free(mutated);
}

static void test_doc_check_catches_drift(void)
{
	char *doc = read_file(SCHEMA_DOC_PATH);

	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	/* renamed key, wrong writer, wrong unit, wrong range, wrong words,
	 * a row dropped, an extra row, the markers lost */
	expect_mutation_caught(doc, "`CTL/target`", "`CTL/targets`");
	expect_mutation_caught(doc, "`CTL/rate-min` | dom0", "`CTL/rate-min` | guest");
	expect_mutation_caught(doc, "| KiB | 0..1099511627776", "| MiB | 0..1099511627776");
	expect_mutation_caught(doc, "1..65535", "1..65536");
	expect_mutation_caught(doc, "driver, agent", "driver, agent, other");
	expect_mutation_caught(doc, "| `DATA/seq` |", "| `DATA/seq-gone` |");
	expect_mutation_caught(doc, "<!-- schema-table-end -->",
			       "| `DATA/extra` | guest | dom0 | count | 0..1 | never |\n"
			       "<!-- schema-table-end -->");
	expect_mutation_caught(doc, "<!-- schema-table-begin", "<!-- nothing");
	free(doc);
}

/* The builder's own test is the one place a path is spelled out in full. */
static void test_path_builder(void)
{
	char buf[BALLAST_PATH_MAX], tiny[16];

	CU_ASSERT_EQUAL(ballast_path(buf, sizeof(buf), BALLAST_AT_DOMAIN, 7,
				     BALLAST_CTL_DIR, BALLAST_KEY_TARGET, NULL), 0);
	CU_ASSERT_STRING_EQUAL(buf, "/local/domain/7/memory/ballast/target");
	CU_ASSERT_EQUAL(ballast_path(buf, sizeof(buf), BALLAST_AT_DOMAIN, 4294967295u,
				     NULL), 0);
	CU_ASSERT_STRING_EQUAL(buf, "/local/domain/4294967295");
	CU_ASSERT_EQUAL(ballast_path(buf, sizeof(buf), BALLAST_AT_HOME, 7,
				     BALLAST_DATA_DIR, BALLAST_KEY_SEQ, NULL), 0);
	CU_ASSERT_STRING_EQUAL(buf, "data/ballast/seq");
	CU_ASSERT_EQUAL(ballast_path(buf, sizeof(buf), BALLAST_AT_TOOL, 0,
				     BALLAST_TOOL_POLICY, "web", BALLAST_KEY_MIN, NULL), 0);
	CU_ASSERT_STRING_EQUAL(buf, "/tool/ballast/policy/web/min");
	CU_ASSERT_EQUAL(ballast_path(buf, sizeof(buf), BALLAST_AT_TOOL, 0, NULL), 0);
	CU_ASSERT_STRING_EQUAL(buf, "/tool/ballast");
	CU_ASSERT_EQUAL(ballast_path(buf, sizeof(buf), BALLAST_AT_TOOL_DOMAIN, 3,
				     BALLAST_KEY_STATUS, NULL), 0);
	CU_ASSERT_STRING_EQUAL(buf, "/tool/ballast/domain/3/status");
	CU_ASSERT_EQUAL(ballast_path(buf, sizeof(buf), BALLAST_AT_RESERVATION, 12,
				     NULL), 0);
	CU_ASSERT_STRING_EQUAL(buf, "/tool/ballast/reservation/12");
	CU_ASSERT_EQUAL(ballast_path(buf, sizeof(buf), BALLAST_AT_LIBXL, 5,
				     BALLAST_STOCK_LIBXL_TYPE, NULL), 0);
	CU_ASSERT_STRING_EQUAL(buf, "/libxl/5/type");
	/* too long: refused whole, never cut */
	CU_ASSERT_EQUAL(ballast_path(tiny, sizeof(tiny), BALLAST_AT_DOMAIN, 7,
				     BALLAST_CTL_DIR, NULL), -ENAMETOOLONG);
	CU_ASSERT_STRING_EQUAL(tiny, "");
	CU_ASSERT_EQUAL(ballast_path(tiny, sizeof(tiny), BALLAST_AT_HOME, 0,
				     "0123456789", "01234", NULL), -ENAMETOOLONG);
	CU_ASSERT_EQUAL(ballast_path(tiny, sizeof(tiny), BALLAST_AT_HOME, 0,
				     "0123456789", "0123", NULL), 0);
	CU_ASSERT_STRING_EQUAL(tiny, "0123456789/0123");
}

int main(void)
{
	CU_pSuite s;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("schema", NULL, NULL);
	if (!s ||
	    !CU_add_test(s, "u64 accepts plain decimals", test_u64_accepts_plain_decimals) ||
	    !CU_add_test(s, "u64 refuses hostile values", test_u64_refuses_hostile_values) ||
	    !CU_add_test(s, "u64 respects len", test_u64_len_is_respected) ||
	    !CU_add_test(s, "key ranges", test_key_ranges) ||
	    !CU_add_test(s, "key words", test_key_words) ||
	    !CU_add_test(s, "vCPU keys", test_vcpu_keys) ||
	    !CU_add_test(s, "cpu availability words", test_cpu_availability) ||
	    !CU_add_test(s, "sequence numbers", test_seq) ||
	    !CU_add_test(s, "default floor bands", test_default_floor_bands) ||
	    !CU_add_test(s, "verdict strings distinct", test_verdict_strings_distinct) ||
	    !CU_add_test(s, "key names unique per place", test_key_names_unique_per_place) ||
	    !CU_add_test(s, "SCHEMA.md matches the header", test_doc_matches_header) ||
	    !CU_add_test(s, "doc check catches drift", test_doc_check_catches_drift) ||
	    !CU_add_test(s, "path builder", test_path_builder)) {
		CU_cleanup_registry();
		return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
