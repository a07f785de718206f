# tests/cunit: what the one-suite CUnit binaries share (their main's body).
RUN_SUITE_OBJ := $(B)/tests/cunit/run_suite.o
