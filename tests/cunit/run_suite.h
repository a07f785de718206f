/* SPDX-License-Identifier: MIT */
/*
 * The one main() of the CUnit suites that are one suite each (tests/dom0,
 * tests/frontend): a table of cases, registered and run verbosely, the
 * exit status tests/run-suites sums.
 */
#ifndef TESTS_RUN_SUITE_H
#define TESTS_RUN_SUITE_H

#include <CUnit/CUnit.h>
#include <stddef.h>

struct suite_case {
	const char *name;
	CU_TestFunc fn;
};

/* Registers @n cases as one suite, runs them verbosely; the exit status. */
int run_suite(const char *suite_name, const struct suite_case *cases, size_t n);

/* run_suite() of a whole array @cases. */
#define RUN_SUITE(suite_name, cases) \
	run_suite(suite_name, cases, sizeof(cases) / sizeof((cases)[0]))

#endif /* TESTS_RUN_SUITE_H */
