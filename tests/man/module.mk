# tests/man: every program's --help against its man page (check-options),
# run by `make check`.
CHECK_MAN_PAIRS := $(if $(BALLASTD),$(BALLASTD) dom0-tools/man/ballastd.8) \
	$(if $(BALLASTCTL),$(BALLASTCTL) dom0-tools/man/ballastctl.8) \
	$(if $(AGENT_BIN),$(AGENT_BIN) linux-frontend/man/ballast-agent.8)

.PHONY: check-man
check-man: check-missing $(BALLASTD) $(BALLASTCTL) $(AGENT_BIN)
	tests/man/check-options $(CHECK_MAN_PAIRS)
