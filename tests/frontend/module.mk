# Frontend suites: the portable core against a fake guest OS and a fake
# hypervisor, balloon compaction's bookkeeping, report thresholding, the host's keys and the cycle, the PSI parser both frontends share, and
# the agent's proc-file parsers and its options.
ifeq ($(HAVE_CUNIT),y)
$(B)/tests/frontend/%.o: MOD_CFLAGS := -Ilinux-frontend/core -Ilinux-frontend/agent -Itests/frontend -Itests/cunit -Ischeduler

FE_TEST_CORE := $(B)/tests/frontend/test_core
$(FE_TEST_CORE): $(B)/tests/frontend/test_core.o $(RUN_SUITE_OBJ) $(B)/tests/frontend/fake_world.o \
		$(CORE_LIB) $(SCHEMA_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcunit

FE_TEST_MIGRATE := $(B)/tests/frontend/test_migrate
$(FE_TEST_MIGRATE): $(B)/tests/frontend/test_migrate.o $(RUN_SUITE_OBJ) $(B)/tests/frontend/fake_world.o \
		$(CORE_LIB) $(SCHEMA_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcunit

FE_TEST_REPORT := $(B)/tests/frontend/test_report
$(FE_TEST_REPORT): $(B)/tests/frontend/test_report.o $(RUN_SUITE_OBJ) $(CORE_LIB) $(BSCHED_LIB) $(SCHEMA_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcunit

FE_TEST_CTL := $(B)/tests/frontend/test_ctl
$(FE_TEST_CTL): $(B)/tests/frontend/test_ctl.o $(RUN_SUITE_OBJ) $(CORE_LIB) $(SCHEMA_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcunit

FE_TEST_PSI := $(B)/tests/frontend/test_psi
$(FE_TEST_PSI): $(B)/tests/frontend/test_psi.o $(RUN_SUITE_OBJ) $(CORE_LIB) $(SCHEMA_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcunit

FE_TEST_PROC := $(B)/tests/frontend/test_procstat
$(FE_TEST_PROC): $(B)/tests/frontend/test_procstat.o $(RUN_SUITE_OBJ) $(AGENT_PROC_LIB) $(CORE_LIB) $(SCHEMA_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcunit

FE_TEST_CPU := $(B)/tests/frontend/test_cpu
$(FE_TEST_CPU): $(B)/tests/frontend/test_cpu.o $(RUN_SUITE_OBJ) $(CORE_LIB) $(SCHEMA_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcunit

FE_TEST_AGENT_CPU := $(B)/tests/frontend/test_agent_cpu
$(FE_TEST_AGENT_CPU): $(B)/tests/frontend/test_agent_cpu.o $(RUN_SUITE_OBJ) $(AGENT_PROC_LIB) $(CORE_LIB) $(SCHEMA_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcunit

FE_TEST_OWNER := $(B)/tests/frontend/test_owner
$(FE_TEST_OWNER): $(B)/tests/frontend/test_owner.o $(RUN_SUITE_OBJ) \
		$(AGENT_PROC_LIB) $(CORE_LIB) $(SCHEMA_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcunit

FE_TEST_OPTS := $(B)/tests/frontend/test_options
$(B)/tests/frontend/test_options.o: MOD_CFLAGS := -Ilinux-frontend/core \
	-Ilinux-frontend/agent -Itests/frontend -Itests/cunit -Idom0-tools
$(FE_TEST_OPTS): $(B)/tests/frontend/test_options.o $(RUN_SUITE_OBJ) \
		$(AGENT_OPTS_LIB) $(SCHEMA_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcunit

TEST_BINS += $(FE_TEST_CORE) $(FE_TEST_MIGRATE) $(FE_TEST_REPORT) $(FE_TEST_CTL) $(FE_TEST_PSI) \
	$(FE_TEST_PROC) $(FE_TEST_OWNER) $(FE_TEST_OPTS) \
	$(FE_TEST_CPU) $(FE_TEST_AGENT_CPU)
endif

# The report cycle's idle cost (make bench; BENCHMARKS.md).
$(B)/tests/frontend/report-bench.o: MOD_CFLAGS := -Ilinux-frontend/core
$(B)/tests/frontend/report-bench: $(B)/tests/frontend/report-bench.o $(CORE_LIB) $(SCHEMA_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^
BENCH_BINS += $(B)/tests/frontend/report-bench
