#!/bin/bash
# 8. A domain destroyed while its balloon inflates: ballastd carries on
# (stays up, answers ballastctl, keeps steering the other guests).
# e2e-boots: pv2 pvh
. /e2e/lib.sh
scenario destroy-inflating
need_ballastd
need_ballastctl

cleanup() { xl destroy victim > /dev/null 2>&1; ballastctl set $D2 max=default > /dev/null 2>&1; }
trap cleanup EXIT

guest_create victim driver 384 384 || fail "cannot create the victim guest"
need_frontend victim
# An idle guest booted at 384 MiB is shrunk to its demand: it inflates.
wait_for 60 '[ "$(data_get victim "$XS_DATA_STATE")" = inflating ]' ||
	fail "victim never reported state inflating (state $(data_get victim "$XS_DATA_STATE"), target $(ctl_get victim "$XS_CTL_TARGET") KiB, xl $(xl_mem_mib victim) MiB)"
id=$(domid victim)
log "victim (domid $id) inflating at $(xl_mem_mib victim) MiB towards $(ctl_get victim "$XS_CTL_TARGET") KiB; destroying it"
xl destroy victim || fail "xl destroy victim failed"
sleep 5
[ -n "$(ballastd_pid)" ] || fail "ballastd died after the domain went away: $(tail -n 5 "$BALLASTD_LOG" | tr '\n' '|')"
out=$(ballastctl status 2>&1) || fail "ballastctl status failed after the destroy: $out"
echo "$out" | sed 's/^/    | /' | head -n 12
# Still steering: a new cap on D2 is applied.
ballastctl set $D2 max=128M > /dev/null 2>&1 || fail "ballastctl set $D2 max=128M failed"
wait_for 30 '[ "$(target_kib $D2)" -le $((128 * 1024)) ]' ||
	fail "ballastd no longer steers: $D2's target stays $(target_kib $D2) KiB after capping it at 128 MiB"
[ -n "$(ballastd_pid)" ] || fail "ballastd died"
stale=$(xenstore-ls "$XS_TOOL_DIR/$XS_TOOL_DOMAIN/$id" 2>/dev/null | head -n 3)
[ -z "$stale" ] || log "note: $XS_TOOL_DIR/$XS_TOOL_DOMAIN/$id still holds state for the dead domain"
pass
