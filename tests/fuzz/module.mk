# tests/fuzz: libFuzzer harnesses, built only by `make fuzz` (VARIANT=fuzz,
# clang). One harness per parser; each links only the library it fuzzes.
ifeq ($(VARIANT),fuzz)
FZ := $(B)/tests/fuzz
FUZZ_LINK = $(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $^

$(FZ)/%.o: MOD_CFLAGS := -Itests/fuzz -Ilinux-frontend/core -Ilinux-frontend/agent \
	-Idom0-tools -Itests/sim -DFUZZ_SCHEMA_MD='"$(CURDIR)/xenstore-schema/SCHEMA.md"'

$(FZ)/fuzz-schema: $(FZ)/fuzz_schema.o $(SCHEMA_LIB)
	$(FUZZ_LINK)
$(FZ)/fuzz-policy: $(FZ)/fuzz_policy.o $(BSCHED_LIB) $(SCHEMA_LIB)
	$(FUZZ_LINK)
$(FZ)/fuzz-psi: $(FZ)/fuzz_psi.o $(CORE_LIB) $(SCHEMA_LIB)
	$(FUZZ_LINK)
$(FZ)/fuzz-meminfo: $(FZ)/fuzz_meminfo.o $(AGENT_PROC_LIB) $(CORE_LIB) $(SCHEMA_LIB)
	$(FUZZ_LINK)
$(FZ)/fuzz-vmstat: $(FZ)/fuzz_vmstat.o $(AGENT_PROC_LIB) $(CORE_LIB) $(SCHEMA_LIB)
	$(FUZZ_LINK)
$(FZ)/fuzz-target: $(FZ)/fuzz_target.o $(CORE_LIB) $(SCHEMA_LIB)
	$(FUZZ_LINK)
$(FZ)/fuzz-batch: $(FZ)/fuzz_batch.o $(CORE_LIB) $(SCHEMA_LIB)
	$(FUZZ_LINK)
$(FZ)/fuzz-cpu: $(FZ)/fuzz_cpu.o $(CORE_LIB) $(SCHEMA_LIB)
	$(FUZZ_LINK)
# (tests/sim/module.mk comes later, so its SIM_CORE_OBJS is not set yet:
# name the same objects here)
$(FZ)/fuzz-scn: $(FZ)/fuzz_scn.o $(addprefix $(B)/tests/sim/,scn.o sim.o check.o cpu.o) $(BSCHED_LIB) $(SCHEMA_LIB)
	$(FUZZ_LINK)
FUZZ_BINS += $(addprefix $(FZ)/fuzz-,schema policy psi meminfo vmstat target \
	batch scn cpu)

ifneq ($(DOM0_DEPS_OK),)
$(FZ)/fuzz-config: $(FZ)/fuzz_config.o $(DOM0_LIB) $(BSCHED_LIB) $(SCHEMA_LIB)
	$(FUZZ_LINK) $(DOM0_LDLIBS)
$(FZ)/fuzz-ctl-args: $(FZ)/fuzz_ctl_args.o $(DOM0_LIB) $(BSCHED_LIB) $(SCHEMA_LIB)
	$(FUZZ_LINK) $(DOM0_LDLIBS)
FUZZ_BINS += $(FZ)/fuzz-config $(FZ)/fuzz-ctl-args

# ballastd end to end on the fake Xen of tests/fake, through the tests/dom0
# fixture (built only where that layout exists).
ifneq ($(wildcard tests/fake/fake.h),)
$(FZ)/fuzz_daemon.o: MOD_CFLAGS := -Itests/fuzz -Idom0-tools -Itests/dom0 -Itests/fake
$(FZ)/fuzz-daemon: $(FZ)/fuzz_daemon.o $(B)/tests/dom0/fixture.o \
		$(B)/tests/fake/fake-xen.o $(B)/tests/fake/fake-xenstore.o \
		$(DOM0_LIB) $(BSCHED_LIB) $(SCHEMA_LIB)
	$(FUZZ_LINK) $(DOM0_LDLIBS)
FUZZ_BINS += $(FZ)/fuzz-daemon
endif
endif
endif
