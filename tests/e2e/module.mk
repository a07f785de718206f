# tests/e2e: host-side helpers for the real-Xen harness (tests/e2e/lab-run).
# schema-env prints the xenstore schema as shell variables for the scripts;
# memhog is the guest workload, static so the busybox initramfs needs no libc
# (plain variant only: the sanitizers cannot link statically).
E2E_SCHEMA_ENV := $(B)/tests/e2e/schema-env
$(E2E_SCHEMA_ENV): $(B)/tests/e2e/guest/schema-env.o $(SCHEMA_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^
BINS += $(E2E_SCHEMA_ENV)

ifeq ($(VARIANT),plain)
E2E_MEMHOG := $(B)/tests/e2e/memhog
$(E2E_MEMHOG): $(B)/tests/e2e/guest/memhog.o
	$(CC) $(ALL_LDFLAGS) -static -o $@ $^
BINS += $(E2E_MEMHOG)
endif
