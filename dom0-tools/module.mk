# dom0-tools: ballastd (the scheduler daemon) and ballastctl, on the bio
# backend interface (the fake Xen for the tests is in tests/fake).
DOM0_LIB := $(B)/libballast_dom0.a
DOM0_CORE := bio-util.c bio-dryrun.c size.c config.c status-json.c \
	ballastd-env.c ballastd-domains.c ballastd-guest.c ballastd-sub.c \
	ballastd-resume.c ballastd-reserve.c ballastd-txn.c ballastd-publish.c \
	ballastd-watch.c ballastd-trace.c ballastd-tick.c ballastd-vcpu.c ballastd-vcpu-tick.c ballastd-lock.c ballastd-notify.c \
	ballastctl-verbs.c ballastctl-args.c ballastctl-domain.c ballastctl-config.c \
	ballastctl-view.c ballastctl-columns.c ballastctl-status.c ballastctl-top.c
DOM0_CORE_OBJS := $(addprefix $(B)/dom0-tools/,$(DOM0_CORE:.c=.o))
DOM0_DEPS_OK := $(and $(HAVE_XEN),$(HAVE_INIH),$(HAVE_YAJL),$(HAVE_SYSTEMD),$(HAVE_NCURSES))
DOM0_LDLIBS := -linih -lyajl
# ballastctl top's terminal (ballastd does not link it)
BALLASTCTL_LDLIBS := -lncursesw -ltinfo

$(B)/dom0-tools/%.o: MOD_CFLAGS := -Idom0-tools
# Xen's public headers use anonymous unions, a GNU extension.
$(B)/dom0-tools/backend-xen.o: MOD_CFLAGS := -Idom0-tools -std=gnu11

ifneq ($(DOM0_DEPS_OK),)
$(DOM0_LIB): $(DOM0_CORE_OBJS)
LIBS += $(DOM0_LIB)

BALLASTD := $(B)/dom0-tools/ballastd
BALLASTCTL := $(B)/dom0-tools/ballastctl
BINS += $(BALLASTD) $(BALLASTCTL)
PROGRAMS += $(BALLASTD) $(BALLASTCTL)

$(BALLASTD): $(B)/dom0-tools/ballastd-main.o $(B)/dom0-tools/backend-xen.o \
		$(DOM0_LIB) $(BSCHED_LIB) $(SCHEMA_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DOM0_LDLIBS) -lxenctrl -lxenstore -lsystemd

$(BALLASTCTL): $(B)/dom0-tools/ballastctl-main.o $(B)/dom0-tools/backend-xen.o \
		$(DOM0_LIB) $(BSCHED_LIB) $(SCHEMA_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DOM0_LDLIBS) $(BALLASTCTL_LDLIBS) -lxenctrl -lxenstore

INSTALL_TARGETS += install-dom0
.PHONY: install-dom0
install-dom0: $(BALLASTD) $(BALLASTCTL)
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/share/man/man8 \
		$(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)/etc/ballast \
		$(DESTDIR)$(UNITDIR)
	install -m 0755 $(BALLASTD) $(BALLASTCTL) $(DESTDIR)$(PREFIX)/sbin/
	install -m 0644 dom0-tools/man/ballastd.8 dom0-tools/man/ballastctl.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/
	install -m 0644 dom0-tools/man/ballastd.conf.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	sed 's|/usr/local/sbin|$(PREFIX)/sbin|g' dom0-tools/systemd/ballastd.service \
		> $(DESTDIR)$(UNITDIR)/ballastd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/ballastd.service
	test -e $(DESTDIR)/etc/ballast/ballastd.conf || \
		install -m 0644 dom0-tools/ballastd.conf.example $(DESTDIR)/etc/ballast/ballastd.conf

# Keeps /etc/ballast/ballastd.conf, as a package removal keeps a conffile.
UNINSTALL_TARGETS += uninstall-dom0
.PHONY: uninstall-dom0
uninstall-dom0:
	rm -f $(DESTDIR)$(PREFIX)/sbin/ballastd $(DESTDIR)$(PREFIX)/sbin/ballastctl \
		$(DESTDIR)$(PREFIX)/share/man/man8/ballastd.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/ballastctl.8 \
		$(DESTDIR)$(PREFIX)/share/man/man5/ballastd.conf.5 \
		$(DESTDIR)$(UNITDIR)/ballastd.service
endif

$(B)/dom0-tools/ballastd-main.o $(B)/dom0-tools/ballastctl-main.o: $(VERSION_H)
