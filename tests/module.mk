# Each test directory adds its suites to TEST_BINS from its own module.mk.
include $(sort $(wildcard tests/*/module.mk))
