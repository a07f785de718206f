# Frontend suites: the portable core against a fake guest OS and a fake
# hypervisor, report thresholding, the host's keys and the cycle, the PSI parser both frontends share, and
# the agent's proc-file parsers.
ifeq ($(HAVE_CUNIT),y)
$(B)/tests/frontend/%.o: MOD_CFLAGS := -Ilinux-frontend/core -Ilinux-frontend/agent -Itests/frontend

FE_TEST_CORE := $(B)/tests/frontend/test_core
$(FE_TEST_CORE): $(B)/tests/frontend/test_core.o $(B)/tests/frontend/run_suite.o $(B)/tests/frontend/fake_world.o \
		$(CORE_LIB) $(SCHEMA_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcunit

FE_TEST_REPORT := $(B)/tests/frontend/test_report
$(FE_TEST_REPORT): $(B)/tests/frontend/test_report.o $(B)/tests/frontend/run_suite.o $(CORE_LIB) $(SCHEMA_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcunit

FE_TEST_CTL := $(B)/tests/frontend/test_ctl
$(FE_TEST_CTL): $(B)/tests/frontend/test_ctl.o $(B)/tests/frontend/run_suite.o $(CORE_LIB) $(SCHEMA_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcunit

FE_TEST_PSI := $(B)/tests/frontend/test_psi
$(FE_TEST_PSI): $(B)/tests/frontend/test_psi.o $(B)/tests/frontend/run_suite.o $(CORE_LIB) $(SCHEMA_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcunit

FE_TEST_PROC := $(B)/tests/frontend/test_procstat
$(FE_TEST_PROC): $(B)/tests/frontend/test_procstat.o $(B)/tests/frontend/run_suite.o $(AGENT_PROC_LIB) $(CORE_LIB) $(SCHEMA_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcunit

FE_TEST_CPU := $(B)/tests/frontend/test_cpu
$(FE_TEST_CPU): $(B)/tests/frontend/test_cpu.o $(B)/tests/frontend/run_suite.o $(CORE_LIB) $(SCHEMA_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcunit

FE_TEST_AGENT_CPU := $(B)/tests/frontend/test_agent_cpu
$(FE_TEST_AGENT_CPU): $(B)/tests/frontend/test_agent_cpu.o $(B)/tests/frontend/run_suite.o $(AGENT_PROC_LIB) $(CORE_LIB) $(SCHEMA_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcunit

TEST_BINS += $(FE_TEST_AGENT_CPU) $(FE_TEST_CORE) $(FE_TEST_REPORT) $(FE_TEST_CTL) $(FE_TEST_PSI) \
	$(FE_TEST_PROC) $(FE_TEST_CPU)
endif
