# tests/dom0: ballastd and ballastctl against the fake Xen (tests/fake).
ifneq ($(and $(HAVE_CUNIT),$(DOM0_DEPS_OK)),)
DOM0_TEST_LIBS := $(RUN_SUITE_OBJ) $(DOM0_LIB) $(BSCHED_LIB) $(SCHEMA_LIB)
DOM0_TEST_FIX := $(B)/tests/dom0/fixture.o $(B)/tests/fake/fake-xen.o \
	$(B)/tests/fake/fake-xenstore.o
$(B)/tests/dom0/%.o $(B)/tests/fake/%.o: MOD_CFLAGS := -Idom0-tools -Itests/dom0 -Itests/fake \
	-Itests/cunit

$(B)/tests/dom0/test-ballastd: $(B)/tests/dom0/test_daemon.o $(DOM0_TEST_FIX) \
		$(DOM0_TEST_LIBS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcunit $(DOM0_LDLIBS)

$(B)/tests/dom0/test-ballastctl: $(B)/tests/dom0/test_ctl.o $(DOM0_TEST_FIX) \
		$(DOM0_TEST_LIBS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcunit $(DOM0_LDLIBS) $(BALLASTCTL_LDLIBS)

# status and top's rendering, on rows the tests build; top on a pseudo-terminal
$(B)/tests/dom0/test-ctl-status: $(B)/tests/dom0/test_status.o $(DOM0_TEST_LIBS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcunit $(DOM0_LDLIBS) $(BALLASTCTL_LDLIBS)

$(B)/tests/dom0/test-ctl-top: $(B)/tests/dom0/test_top.o $(DOM0_TEST_FIX) \
		$(DOM0_TEST_LIBS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcunit $(DOM0_LDLIBS) $(BALLASTCTL_LDLIBS)

$(B)/tests/dom0/test-bounds: $(B)/tests/dom0/test_bounds.o $(DOM0_TEST_FIX) \
		$(DOM0_TEST_LIBS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcunit $(DOM0_LDLIBS)

$(B)/tests/dom0/test-ballastd-vcpu: $(B)/tests/dom0/test_vcpu.o $(DOM0_TEST_FIX) \
		$(DOM0_TEST_LIBS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcunit $(DOM0_LDLIBS) $(BALLASTCTL_LDLIBS)

$(B)/tests/dom0/test-trace: $(B)/tests/dom0/test_trace.o $(DOM0_TEST_FIX) \
		$(DOM0_TEST_LIBS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcunit $(DOM0_LDLIBS)

$(B)/tests/dom0/test-lock: $(B)/tests/dom0/test_lock.o $(B)/tests/fake/fake-xen.o \
		$(B)/tests/fake/fake-xenstore.o $(DOM0_TEST_LIBS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcunit $(DOM0_LDLIBS)

$(B)/tests/dom0/test-metrics: $(B)/tests/dom0/test_metrics.o $(DOM0_TEST_LIBS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcunit $(DOM0_LDLIBS)

$(B)/tests/dom0/test-notify: $(B)/tests/dom0/test_notify.o $(DOM0_TEST_LIBS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcunit $(DOM0_LDLIBS) -lsystemd

TEST_BINS += $(B)/tests/dom0/test-ballastd $(B)/tests/dom0/test-ballastctl \
	$(B)/tests/dom0/test-bounds $(B)/tests/dom0/test-lock \
	$(B)/tests/dom0/test-metrics $(B)/tests/dom0/test-notify \
	$(B)/tests/dom0/test-ctl-status $(B)/tests/dom0/test-ctl-top \
	$(B)/tests/dom0/test-trace $(B)/tests/dom0/test-ballastd-vcpu
endif

# The command lines without Xen (tests/dom0/cli.sh), run by `make check`.
.PHONY: check-cli
check-cli: $(BALLASTD) $(BALLASTCTL)
	$(if $(BALLASTD),tests/dom0/cli.sh $(BALLASTD) $(BALLASTCTL) $(BALLAST_VERSION))
