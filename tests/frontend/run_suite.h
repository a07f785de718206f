/* SPDX-License-Identifier: MIT */
#ifndef FE_RUN_SUITE_H
#define FE_RUN_SUITE_H

#include <CUnit/CUnit.h>
#include <stddef.h>

struct fe_test {
	const char *name;
	CU_TestFunc fn;
};

/* Registers @n tests as one suite, runs them verbosely; the exit status. */
int fe_run_suite(const char *suite_name, const struct fe_test *tests, size_t n);

#endif
