#!/bin/bash
# 11. OOM relief when the balloon's own inflation causes the OOM: d2 is
# capped at 160 MiB and inflates fast while a hog grows to more than the
# cap leaves; the hog must not be OOM-killed, and d2's kernel log must show
# the notifier giving pages back (the balloon, not a process, pays).
. /e2e/lib.sh
scenario oom-relief
need_ballastd
need_ballastctl
need_frontend d2

cleanup() { ballastctl set d2 min=default max=default > /dev/null 2>&1; guest_run d2 'killall memhog' > /dev/null 2>&1; }
trap cleanup EXIT

out=$(ballastctl set d2 min=352M 2>&1) || fail "ballastctl set d2 min=352M: $out"
wait_for 90 '[ "$(xl_mem_mib d2)" -ge 336 ]' ||
	fail "d2 did not grow to 352 MiB (xl $(xl_mem_mib d2) MiB, target $(target_kib d2) KiB)"
avail=$(guest_meminfo_kib d2 MemAvailable)
# What the hog takes: what d2 has now, less 16 MiB: far more than the cap leaves.
hog_mib=$(($(mib "$avail") - 16))
[ "$hog_mib" -ge 200 ] || fail "cannot test: d2 has only $(mib "$avail") MiB available at $(xl_mem_mib d2) MiB"
oomd0=$(data_get d2 "$XS_DATA_OOM_DEFLATES")
guest_run d2 'dmesg -c > /dev/null' > /dev/null

out=$(ballastctl set d2 min=default max=160M 2>&1) || fail "ballastctl set d2 max=160M: $out"
wait_for 30 '[ "$(data_get d2 "$XS_DATA_BALLOONED")" -ge $((48 * 1024)) ]' ||
	fail "d2 did not start inflating (ballooned $(data_get d2 "$XS_DATA_BALLOONED") KiB)"
log "d2 inflating (ballooned $(data_get d2 "$XS_DATA_BALLOONED") KiB, rate $(data_get d2 "$XS_DATA_RATE") KiB/s); memhog grows to $hog_mib MiB at 32 MiB/s"
guest_run d2 "memhog $hog_mib 40 32 > /dev/console 2>&1 &" > /dev/null
wait_for 90 'grep -q "memhog: resident_mib=$hog_mib after" "$(guest_log d2)"' ||
	fail "d2's memhog did not reach $hog_mib MiB: $(tail -n 3 "$(guest_log d2)" | tr '\n' '|'); $(guest_oom d2)"
sleep 3
oom=$(guest_oom d2)
relief=$(guest_run d2 'dmesg | grep -c "ballast: out of memory"')
o=$(data_get d2 "$XS_DATA_OOM_DEFLATES")
log "d2: memhog holds $hog_mib MiB at xl $(xl_mem_mib d2) MiB; notifier lines $relief, $XS_DATA_OOM_DEFLATES ${oomd0:-0}->${o:-0}, ballooned $(data_get d2 "$XS_DATA_BALLOONED") KiB"
guest_run d2 'dmesg | grep -m 2 "ballast: out of memory"' | sed 's/^/    | /'
[ -z "$oom" ] || fail "OOM kill in d2 while the balloon inflated: $oom"
guest_run d2 'pidof memhog' > /dev/null || fail "d2's memhog is gone: $(tail -n 5 "$(guest_log d2)" | tr '\n' '|')"
[ "${relief:-0}" -ge 1 ] ||
	fail "no OOM came (the notifier never ran): nothing proved; $XS_DATA_OOM_DEFLATES ${oomd0:-0}->${o:-0}"
[ "${o:-0}" -gt "${oomd0:-0}" ] || fail "the report's $XS_DATA_OOM_DEFLATES did not grow (${oomd0:-0}->${o:-0})"
pass
