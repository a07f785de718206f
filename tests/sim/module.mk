# tests/sim: the simulator (ballast-sim, run by `make sim`) and the CUnit
# suite that plays every scenario and asserts its expectations.
SIM_CORE_OBJS := $(addprefix $(B)/tests/sim/,scn.o sim.o check.o cpu.o)
SIM_BIN := $(B)/tests/sim/ballast-sim

$(SIM_BIN): $(B)/tests/sim/main.o $(SIM_CORE_OBJS) $(BSCHED_LIB) $(SCHEMA_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^

BINS += $(SIM_BIN)

ifneq ($(HAVE_CUNIT),)
$(B)/tests/sim/test-sim: $(B)/tests/sim/test_sim.o $(SIM_CORE_OBJS) \
		$(BSCHED_LIB) $(SCHEMA_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcunit
TEST_BINS += $(B)/tests/sim/test-sim
endif
