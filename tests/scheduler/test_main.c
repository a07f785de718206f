// SPDX-License-Identifier: MIT
/* The policy library's CUnit suites, in one binary. */
#include <CUnit/Basic.h>

#include "suites.h"

int main(void)
{
	unsigned int failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	if (add_input_suite() || add_rules_suite() || add_stuck_suite() ||
	    add_reserve_suite() || add_property_suite() || add_probe_suite() ||
	    add_vcpu_suite() || add_vcpu_property_suite()) {
		CU_cleanup_registry();
		return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures ? 1 : 0;
}
