# linux-frontend, user-space parts: the portable core as a library (the
# kernel module compiles the same files through linux-frontend/Kbuild), and
# ballast-agent, the user-level frontend. The module itself is built by
# `make -C linux-frontend` (see linux-frontend/Makefile).

FE_CORE_OBJS := $(B)/linux-frontend/core/bcore.o $(B)/linux-frontend/core/breport.o \
	$(B)/linux-frontend/core/bctl.o $(B)/linux-frontend/core/bcycle.o \
	$(B)/linux-frontend/core/bpsi.o $(B)/linux-frontend/core/bowner.o \
	$(B)/linux-frontend/core/bcpu.o $(B)/linux-frontend/core/bmigrate.o
CORE_LIB := $(B)/libballast_core.a
$(CORE_LIB): $(FE_CORE_OBJS)
LIBS += $(CORE_LIB)

$(B)/linux-frontend/%.o: MOD_CFLAGS := -Ilinux-frontend/core -Ilinux-frontend/agent
# The agent's options take sizes as ballastd.conf and ballastctl do: one
# parser, dom0-tools/size.c (libc only), linked in; xenstore-free, so the
# tests link them alone.
$(B)/linux-frontend/agent/options.o: MOD_CFLAGS := -Ilinux-frontend/core \
	-Ilinux-frontend/agent -Idom0-tools
$(B)/linux-frontend/agent/options.o: $(VERSION_H)
AGENT_OPTS_LIB := $(B)/libballast_agentopts.a
$(AGENT_OPTS_LIB): $(B)/linux-frontend/agent/options.o $(B)/dom0-tools/size.o
LIBS += $(AGENT_OPTS_LIB)

# The agent's proc and sysfs file handling, xenstore-free, so tests link
# them alone.
FE_PROC_OBJS := $(B)/linux-frontend/agent/procstat.o $(B)/linux-frontend/agent/stock.o \
	$(B)/linux-frontend/agent/owner.o \
	$(B)/linux-frontend/agent/cpu.o
AGENT_PROC_LIB := $(B)/libballast_agentproc.a
$(AGENT_PROC_LIB): $(FE_PROC_OBJS)
LIBS += $(AGENT_PROC_LIB)

ifeq ($(HAVE_XEN),y)
AGENT_BIN := $(B)/linux-frontend/ballast-agent
AGENT_OBJS := $(B)/linux-frontend/agent/main.o $(B)/linux-frontend/agent/agent.o \
	$(B)/linux-frontend/agent/xs.o
$(AGENT_BIN): $(AGENT_OBJS) $(AGENT_OPTS_LIB) $(AGENT_PROC_LIB) $(CORE_LIB) $(SCHEMA_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lxenstore
BINS += $(AGENT_BIN)
PROGRAMS += $(AGENT_BIN)

# /etc/default/ballast-agent holds the agent's options (read by the unit);
# an existing one is kept.
install-agent: $(AGENT_BIN)
	install -D -m 0755 $(AGENT_BIN) $(DESTDIR)$(PREFIX)/sbin/ballast-agent
	install -D -m 0644 linux-frontend/agent/ballast-agent.service \
	  $(DESTDIR)$(UNITDIR)/ballast-agent.service
	sed -i 's|@SBINDIR@|$(PREFIX)/sbin|' \
	  $(DESTDIR)$(UNITDIR)/ballast-agent.service
	install -D -m 0644 linux-frontend/man/ballast-agent.8 \
	  $(DESTDIR)$(PREFIX)/share/man/man8/ballast-agent.8
	test -e $(DESTDIR)/etc/default/ballast-agent || \
	  install -D -m 0644 linux-frontend/agent/ballast-agent.default \
	    $(DESTDIR)/etc/default/ballast-agent
INSTALL_TARGETS += install-agent
.PHONY: install-agent
endif

# Keeps /etc/default/ballast-agent, as a package removal keeps a conffile.
uninstall-agent:
	rm -f $(DESTDIR)$(PREFIX)/sbin/ballast-agent \
	  $(DESTDIR)$(UNITDIR)/ballast-agent.service \
	  $(DESTDIR)$(PREFIX)/share/man/man8/ballast-agent.8
UNINSTALL_TARGETS += uninstall-agent
.PHONY: uninstall-agent

# Kernel module sources for DKMS: /usr/src/ballast-<version>/, and ballast(4).
FE_DKMS_VERSION := $(shell sed -n 's/^VERSION := //p' linux-frontend/Makefile)
install-dkms:
	$(MAKE) -C linux-frontend dkms-src DKMS_DEST=$(DESTDIR)/usr/src
	install -D -m 0644 linux-frontend/man/ballast.4 \
	  $(DESTDIR)$(PREFIX)/share/man/man4/ballast.4
INSTALL_TARGETS += install-dkms
.PHONY: install-dkms

# A module DKMS still knows is removed from DKMS first.
uninstall-dkms:
	if [ -z "$(DESTDIR)" ] && command -v dkms >/dev/null && \
	   dkms status -m ballast -v $(FE_DKMS_VERSION) | grep -q .; then \
	  dkms remove -m ballast -v $(FE_DKMS_VERSION) --all; \
	fi
	rm -rf $(DESTDIR)/usr/src/ballast-$(FE_DKMS_VERSION)
	rm -f $(DESTDIR)$(PREFIX)/share/man/man4/ballast.4
UNINSTALL_TARGETS += uninstall-dkms
.PHONY: uninstall-dkms
