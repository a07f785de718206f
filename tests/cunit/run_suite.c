// SPDX-License-Identifier: MIT
/* The one main() of the one-suite CUnit binaries: see run_suite.h. */
#include <CUnit/Basic.h>

#include "run_suite.h"

int run_suite(const char *suite_name, const struct suite_case *cases, size_t n)
{
	CU_pSuite suite;
	unsigned int failed;
	size_t i;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	suite = CU_add_suite(suite_name, NULL, NULL);
	if (!suite)
		goto out_registry;
	for (i = 0; i < n; i++)
		if (!CU_add_test(suite, cases[i].name, cases[i].fn))
			goto out_registry;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;

out_registry:
	CU_cleanup_registry();
	return 1;
}
