// SPDX-License-Identifier: MIT
/*
 * CUnit suite for the core's PSI parser (bpsi.c), which ballast.ko and
 * ballast-agent share: real shapes of /proc/pressure/memory and malformed
 * ones.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "run_suite.h"
#include "bpsi.h"

static const char psi_ok[] =
	"some avg10=12.34 avg60=1.00 avg300=0.00 total=123456\n"
	"full avg10=0.05 avg60=0.00 avg300=0.00 total=42\n";

static bool parse(const char *t, struct bpsi *p)
{
	return bpsi_parse(t, strlen(t), p);
}

static void test_real_file(void)
{
	struct bpsi p;

	CU_ASSERT_TRUE(parse(psi_ok, &p));
	CU_ASSERT_EQUAL(p.some_avg10_centipct, 1234);
	CU_ASSERT_EQUAL(p.full_avg10_centipct, 5);
	CU_ASSERT_TRUE(p.has_full);
	/* An idle guest. */
	CU_ASSERT_TRUE(parse("some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"
			     "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n", &p));
	CU_ASSERT_EQUAL(p.some_avg10_centipct, 0);
	CU_ASSERT_EQUAL(p.full_avg10_centipct, 0);
	CU_ASSERT_TRUE(p.has_full);
	/* No trailing newline; lines in either order; unknown lines ignored. */
	CU_ASSERT_TRUE(parse("full avg10=7.00 avg60=0.00\n"
			     "irq avg10=99.99\n"
			     "some avg10=8.01 avg60=0.00", &p));
	CU_ASSERT_EQUAL(p.some_avg10_centipct, 801);
	CU_ASSERT_EQUAL(p.full_avg10_centipct, 700);
	/* avg10 alone on its line. */
	CU_ASSERT_TRUE(parse("some avg10=3.50\n", &p));
	CU_ASSERT_EQUAL(p.some_avg10_centipct, 350);
}

static void test_missing_full(void)
{
	struct bpsi p;

	p.has_full = true;
	CU_ASSERT_TRUE(parse("some avg10=1.00 avg60=0.00 avg300=0.00 total=1\n", &p));
	CU_ASSERT_EQUAL(p.some_avg10_centipct, 100);
	CU_ASSERT_FALSE(p.has_full);
}

static void test_bounds(void)
{
	struct bpsi p;

	CU_ASSERT_TRUE(parse("some avg10=100.00 avg60=0.00\n", &p));
	CU_ASSERT_EQUAL(p.some_avg10_centipct, 10000);
	CU_ASSERT_TRUE(parse("some avg10=99.99 avg60=0.00\n"
			     "full avg10=100.00 avg60=100.00\n", &p));
	CU_ASSERT_EQUAL(p.some_avg10_centipct, 9999);
	CU_ASSERT_EQUAL(p.full_avg10_centipct, 10000);
	CU_ASSERT_FALSE(parse("some avg10=100.01 avg60=0.00\n", &p));
	CU_ASSERT_FALSE(parse("some avg10=101.00 avg60=0.00\n", &p));
	CU_ASSERT_FALSE(parse("some avg10=1000.00 avg60=0.00\n", &p));
	CU_ASSERT_FALSE(parse("some avg10=0.00\nfull avg10=100.50\n", &p));
}

/* The kernel prints exactly two decimals ("%lu.%02lu"). */
static void test_decimals(void)
{
	static const char *const bad[] = {
		"some avg10=1.2 avg60=0.00\n",
		"some avg10=1.234 avg60=0.00\n",
		"some avg10=1. avg60=0.00\n",
		"some avg10=.12 avg60=0.00\n",
		"some avg10=12 avg60=0.00\n",
		"some avg10=1.2.3 avg60=0.00\n",
		"some avg10=0.00\nfull avg10=0.5\n",
	};
	struct bpsi p;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_FALSE(parse(bad[i], &p));
}

static void test_garbage(void)
{
	static const char *const bad[] = {
		"",
		"\n\n",
		"garbage\n",
		"some\n",
		"some \n",
		"full avg10=0.05 avg60=0.00\n",			/* no some */
		"some avg60=1.00 avg10=1.00\n",			/* avg10 not first */
		"some  avg10=1.00 avg60=0.00\n",
		"some avg10= 1.00 avg60=0.00\n",
		"some avg10=-1.00 avg60=0.00\n",
		"some avg10=+1.00 avg60=0.00\n",
		"some avg10=1,00 avg60=0.00\n",
		"some avg10=1x.00 avg60=0.00\n",
		"some avg10=1.0x avg60=0.00\n",
		"some avg10=1.00\tavg60=0.00\n",
		"some avg10=0x1.00 avg60=0.00\n",
		"some avg10=\n",
		"some avg10=1.00 avg60=0.00\nfull avg10=abc avg60=0.00\n",
	};
	struct bpsi p;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_FALSE(parse(bad[i], &p));
	/* A NUL inside the text is a byte like any other, not an end. */
	CU_ASSERT_FALSE(bpsi_parse("some avg10=1\0.00\n", 17, &p));
}

static void test_overlong(void)
{
	static const char *const bad[] = {
		/* 21 digits, more than a u64 can have */
		"some avg10=000000000000000000001.00 avg60=0.00\n",
		/* UINT64_MAX + 1 */
		"some avg10=18446744073709551616.00 avg60=0.00\n",
		/* UINT64_MAX: parses, then is no percentage */
		"some avg10=18446744073709551615.00 avg60=0.00\n",
		"some avg10=1.000000000000000000000 avg60=0.00\n",
	};
	char big[4096];
	struct bpsi p;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_FALSE(parse(bad[i], &p));

	/* Only avg10 is read: whatever follows it on its line is not. */
	memset(big, 'x', sizeof(big));
	memcpy(big, "some avg10=2.00 ", 16);
	CU_ASSERT_TRUE(bpsi_parse(big, sizeof(big), &p));
	CU_ASSERT_EQUAL(p.some_avg10_centipct, 200);
	/* A field that runs to the end of a long text is refused. */
	memcpy(big, "some avg10=2.00x", 16);
	CU_ASSERT_FALSE(bpsi_parse(big, sizeof(big), &p));
}

/* @len bounds the text: nothing after it is read. */
static void test_len_is_the_end(void)
{
	static const char t[] = "some avg10=12.345";
	struct bpsi p;

	CU_ASSERT_TRUE(bpsi_parse(t, strlen(t) - 1, &p));
	CU_ASSERT_EQUAL(p.some_avg10_centipct, 1234);
	CU_ASSERT_FALSE(bpsi_parse(t, strlen(t) - 2, &p));
	CU_ASSERT_FALSE(bpsi_parse(t, 0, &p));
}

/* The longest file the kernel can print fits BPSI_TEXT_MAX, with room. */
static void test_text_max(void)
{
	char text[2 * BPSI_TEXT_MAX];
	struct bpsi p;
	int n;

	n = snprintf(text, sizeof(text),
		     "some avg10=100.00 avg60=100.00 avg300=100.00 total=%" PRIu64 "\n"
		     "full avg10=100.00 avg60=100.00 avg300=100.00 total=%" PRIu64 "\n",
		     UINT64_MAX, UINT64_MAX);
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_TRUE((size_t)n < BPSI_TEXT_MAX);
	CU_ASSERT_TRUE(bpsi_parse(text, (size_t)n, &p));
	CU_ASSERT_EQUAL(p.full_avg10_centipct, 10000);
}

static void test_report(void)
{
	struct breport_stats s;
	struct bpsi p;

	memset(&s, 0, sizeof(s));
	CU_ASSERT_FATAL(parse(psi_ok, &p));
	bpsi_report(&p, &s);
	CU_ASSERT_TRUE(breport_has(&s, BALLAST_K_PSI_SOME_AVG10));
	CU_ASSERT_EQUAL(s.v[BALLAST_K_PSI_SOME_AVG10], 1234);
	CU_ASSERT_TRUE(breport_has(&s, BALLAST_K_PSI_FULL_AVG10));
	CU_ASSERT_EQUAL(s.v[BALLAST_K_PSI_FULL_AVG10], 5);

	/* No full line: the key is left out, not zero. */
	memset(&s, 0, sizeof(s));
	CU_ASSERT_FATAL(parse("some avg10=0.42\n", &p));
	bpsi_report(&p, &s);
	CU_ASSERT_EQUAL(s.v[BALLAST_K_PSI_SOME_AVG10], 42);
	CU_ASSERT_FALSE(breport_has(&s, BALLAST_K_PSI_FULL_AVG10));
}

int main(void)
{
	static const struct suite_case tests[] = {
		{ "real file", test_real_file },
		{ "missing full line", test_missing_full },
		{ "0.00 to 100.00", test_bounds },
		{ "exactly two decimals", test_decimals },
		{ "garbage", test_garbage },
		{ "overlong", test_overlong },
		{ "len is the end", test_len_is_the_end },
		{ "BPSI_TEXT_MAX", test_text_max },
		{ "report keys", test_report },
	};

	return RUN_SUITE("core psi", tests);
}
