#!/bin/bash
# 9. `xl save` + `xl restore` of guests whose balloons hold memory: the
# restored domain (a new domid, an empty xenstore home) keeps its balloon,
# announces its frontend again, ballastd steers it again, and the balloon
# both deflates (populate_physmap into the restored domain) and inflates in
# the new domain. Done for the driver (D2) and the
# agent (AG).
# e2e-boots: pv2 pvh
. /e2e/lib.sh
scenario save-restore
need_ballastd
need_ballastctl
need_frontend $D2
need_frontend $AG

SAVE=/tmp/e2e-save.img
cleanup() {
	rm -f "$SAVE"
	guest_run $D2 'killall memhog' > /dev/null 2>&1
	guest_run $AG 'killall memhog' > /dev/null 2>&1
}
trap cleanup EXIT

# save_restore NAME EXPECTED_FRONTEND
save_restore() {
	local g=$1 fe=$2 id0 id1 xl0 xl1 mt0 mt1 t0 rc
	id0=$(domid "$g") xl0=$(xl_mem_mib "$g") mt0=$(guest_meminfo_kib "$g" MemTotal)
	log "$g (domid $id0): xl $xl0 MiB, MemTotal $(mib "$mt0") MiB, ballooned $(data_get "$g" "$XS_DATA_BALLOONED") KiB; saving"
	t0=$(date +%s)
	xl save "$g" "$SAVE" > "$E2E_OUT/xl-save-$g.log" 2>&1 ||
		fail "xl save $g failed: $(tail -n 3 "$E2E_OUT/xl-save-$g.log" | tr '\n' '|')"
	xl restore "$SAVE" > "$E2E_OUT/xl-restore-$g.log" 2>&1 ||
		fail "xl restore $g failed: $(tail -n 3 "$E2E_OUT/xl-restore-$g.log" | tr '\n' '|')"
	rm -f "$SAVE"
	id1=$(domid "$g")
	[ -n "$id1" ] && [ "$id1" != "$id0" ] || fail "$g: no new domain after restore (domid '$id1')"
	log "$g restored as domid $id1 in $(($(date +%s) - t0)) s"

	# The guest runs and its frontend speaks again in the new home.
	out=$(guest_run "$g" 'echo alive' 60) || fail "$g does not answer after restore: $out"
	wait_for 30 '[ "$(data_get "$g" "$XS_DATA_FRONTEND")" = "$fe" ]' ||
		fail "$g's frontend did not announce itself after restore ($XS_DATA_DIR/$XS_DATA_FRONTEND='$(data_get "$g" "$XS_DATA_FRONTEND")')"
	wait_for 30 '[ -n "$(ctl_get "$g" "$XS_CTL_TARGET")" ]' ||
		fail "ballastd does not steer $g after restore (no $XS_CTL_DIR/$XS_CTL_TARGET); log: $(tail -n 3 "$BALLASTD_LOG" | tr '\n' '|')"

	# Restore must not hand the ballooned memory back behind the balloon's back.
	xl1=$(xl_mem_mib "$g") mt1=$(guest_meminfo_kib "$g" MemTotal)
	log "$g after restore: xl $xl1 MiB, MemTotal $(mib "$mt1") MiB, target $(target_kib "$g") KiB"
	within "$(mib "$mt1")" "$(mib "$mt0")" 16 ||
		fail "$g's MemTotal changed across save/restore: $(mib "$mt0") -> $(mib "$mt1") MiB"

	# Deflate: frames must come back into the restored domain (a workload
	# raises its demand); then inflate again once the workload is gone.
	guest_run "$g" "memhog 80 30 4 > /dev/console 2>&1 &" > /dev/null
	wait_for 90 '[ "$(xl_mem_mib "$g")" -ge 170 ]' ||
		fail "$g did not deflate after restore (xl $(xl_mem_mib "$g") MiB, target $(target_kib "$g") KiB, state $(data_get "$g" "$XS_DATA_STATE"))"
	rc=$(guest_oom "$g")
	[ -z "$rc" ] || fail "OOM in $g after restore: $rc"
	# The workload may already be over and the balloon back down: measure
	# from the 170 MiB it reached, not from wherever it is now.
	xl1=$(xl_mem_mib "$g")
	[ "$xl1" -ge 170 ] || xl1=170
	guest_run "$g" 'killall memhog' > /dev/null 2>&1
	wait_for 90 '[ "$(xl_mem_mib "$g")" -le $((xl1 - 16)) ]' ||
		fail "$g did not inflate again after restore (xl $(xl_mem_mib "$g") MiB from $xl1 MiB, target $(target_kib "$g") KiB, state $(data_get "$g" "$XS_DATA_STATE"))"
	log "$g after restore: deflated to >= $xl1 MiB under a workload, inflated back to $(xl_mem_mib "$g") MiB after it"
	! grep -qE 'BUG:|Oops|kernel BUG' "$(guest_log "$g")" ||
		fail "$g's kernel complained: $(grep -m2 -E 'BUG:|Oops' "$(guest_log "$g")" | tr '\n' '|')"
}

save_restore $D2 driver
save_restore $AG agent
pass
