#!/bin/bash
# Lab smoke test (run with tests/e2e/lab-run tests/e2e/smoke.sh): boot one PV
# domU with only the stock balloon, list it, read its memory, move its
# target with xl mem-set, destroy it.
. /e2e/lib.sh
set -u
guest_create smoke stock 256 512 || { e2e_fail smoke "guest did not boot"; exit 1; }
xl list
total=$(guest_meminfo_kib smoke MemTotal)
log "guest MemTotal ${total} KiB"
xl mem-set smoke 200m
if wait_for 60 '[ "$(xl_mem_mib smoke)" -le 201 ]'; then
	log "after mem-set 200m: xl list says $(xl_mem_mib smoke) MiB, MemTotal $(guest_meminfo_kib smoke MemTotal) KiB"
else
	e2e_fail smoke "stock balloon did not reach 200 MiB ($(xl_mem_mib smoke) MiB)"
	exit 1
fi
xl destroy smoke
e2e_pass smoke
