# tests/scheduler: CUnit suites of the policy library, and its benchmark.
BSCHED_TEST_OBJS := $(addprefix $(B)/tests/scheduler/,test_main.o fixture.o \
	test_input.o test_rules.o test_stuck.o test_reserve.o test_props.o \
	test_probe.o \
	vfix.o test_vcpu.o test_vcpu_props.o)

ifneq ($(HAVE_CUNIT),)
$(B)/tests/scheduler/test-bsched: $(BSCHED_TEST_OBJS) $(BSCHED_LIB) $(SCHEMA_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcunit
TEST_BINS += $(B)/tests/scheduler/test-bsched
endif

$(B)/tests/scheduler/bsched-bench: $(B)/tests/scheduler/bench.o $(BSCHED_LIB) $(SCHEMA_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^
BENCH_BINS += $(B)/tests/scheduler/bsched-bench
