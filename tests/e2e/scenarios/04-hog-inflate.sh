#!/bin/bash
# 4. A guest running a memory hog while being inflated: no OOM kill (none
# in dmesg), the hog survives; the balloon backs off and says so (its
# report's state or failure counters).
# e2e-boots: pv pvh
. /e2e/lib.sh
scenario hog-inflate
need_ballastd
need_ballastctl
need_frontend $D2

cleanup() { ballastctl set $D2 min=default max=default > /dev/null 2>&1; guest_run $D2 'killall memhog' > /dev/null 2>&1; }
trap cleanup EXIT

# Give D2 room first (a min of 320 MiB), fill it with a hog, then cap it at
# 200 MiB: far below what the hog holds, but above any frontend floor.
out=$(ballastctl set $D2 min=320M 2>&1) || fail "ballastctl set $D2 min=320M: $out"
wait_for 60 '[ "$(xl_mem_mib $D2)" -ge 310 ]' ||
	fail "$D2 did not grow to its new min of 320 MiB (xl $(xl_mem_mib $D2) MiB, target $(target_kib $D2) KiB)"
avail=$(guest_meminfo_kib $D2 MemAvailable)
hog_mib=$(($(mib "$avail") - 24))
[ "$hog_mib" -ge 150 ] || fail "cannot test: $D2 has only $(mib "$avail") MiB available at $(xl_mem_mib $D2) MiB"
fail0=$(data_get $D2 "$XS_DATA_ALLOC_FAILURES") oomd0=$(data_get $D2 "$XS_DATA_OOM_DEFLATES")
guest_run $D2 "memhog $hog_mib 900 > /dev/console 2>&1 &"
# 150 s: writing ~200 MiB took most of 60 s under TCG on a loaded 2-core
# host, and a limit must hold on a machine half as fast.
wait_for 150 'grep -q "memhog: resident_mib=$hog_mib after" "$(guest_log $D2)"' ||
	fail "$D2's memhog could not take $hog_mib MiB in 150 s before the test began ($(grep memhog "$(guest_log $D2)" | tail -n 1))"
log "$D2: memhog holds $hog_mib MiB ($D2 at $(xl_mem_mib $D2) MiB); now capping $D2 at 200 MiB"

out=$(ballastctl set $D2 min=default max=200M 2>&1) || fail "ballastctl set $D2 max=200M: $out"
wait_for 30 '[ "$(target_kib $D2)" -le $((200 * 1024)) ]' ||
	fail "$D2's target did not drop after capping it: $(target_kib $D2) KiB"
states="" said=""
end=$(($(date +%s) + 40))
while [ "$(date +%s)" -lt "$end" ]; do
	s=$(data_get $D2 "$XS_DATA_STATE")
	case " $states " in *" $s "*) ;; *) states="$states $s" ;; esac
	f=$(data_get $D2 "$XS_DATA_ALLOC_FAILURES") o=$(data_get $D2 "$XS_DATA_OOM_DEFLATES")
	if [ "$s" = backing-off ] || [ "${f:-0}" -gt "${fail0:-0}" ] || [ "${o:-0}" -gt "${oomd0:-0}" ]; then
		said="state $s, $XS_DATA_ALLOC_FAILURES ${fail0:-0}->${f:-0}, $XS_DATA_OOM_DEFLATES ${oomd0:-0}->${o:-0}"
	fi
	sleep 1
done
log "$D2: states seen:$states; target $(target_kib $D2) KiB, xl $(xl_mem_mib $D2) MiB"
oom=$(guest_oom $D2)
[ -z "$oom" ] || fail "OOM in $D2 while inflating: $oom"
guest_run $D2 'pidof memhog' > /dev/null || fail "$D2's memhog is gone (killed?) while inflating; console: $(tail -n 5 "$(guest_log $D2)" | tr '\n' '|')"
[ -n "$said" ] || fail "the balloon never said it backed off: states seen:$states, $XS_DATA_ALLOC_FAILURES ${f:-absent}, $XS_DATA_OOM_DEFLATES ${o:-absent}"
log "backed off: $said"
pass
