/* SPDX-License-Identifier: MIT */
#ifndef BSCHED_TEST_SUITES_H
#define BSCHED_TEST_SUITES_H

#include <CUnit/CUnit.h>

/* Each returns 0, or -1 if CUnit could not register it. */
int add_input_suite(void);
int add_rules_suite(void);
int add_stuck_suite(void);
int add_reserve_suite(void);
int add_property_suite(void);
int add_probe_suite(void);
int add_vcpu_suite(void);
int add_vcpu_property_suite(void);

#endif
