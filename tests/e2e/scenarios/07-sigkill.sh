#!/bin/bash
# 7. ballastd SIGKILLed in the middle of a rebalance and started again
# converges, with no target jump: no target moves by more than a step at a
# time, and the first targets after the restart continue from the last ones.
# e2e-boots: pv pvh
. /e2e/lib.sh
scenario sigkill
need_ballastd
need_frontend $AG

STEP_MIB=64	# ballastd.conf step
SLACK_MIB=8

cleanup() { guest_run $AG 'killall memhog' > /dev/null 2>&1; [ -n "$(ballastd_pid)" ] || ballastd_start; }
trap cleanup EXIT

TICK_MS=1000	# ballastd.conf tick-ms
declare -A last last_ms
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# sample WHEN: record the targets; fail if one moved by more than a step
# per tick since it was last read (reading is slower than a tick here).
sample() {
	local g t now ticks
	for g in $E2E_GUESTS; do
		t=$(target_kib "$g") now=$(now_ms)
		[ -n "$t" ] || continue
		if [ -n "${last[$g]:-}" ]; then
			ticks=$(((now - last_ms[$g] + TICK_MS - 1) / TICK_MS))
			within "$(mib "$t")" "$(mib "${last[$g]}")" $((STEP_MIB * ticks + SLACK_MIB)) ||
				fail "$g's target jumped ${last[$g]} -> $t KiB within $((now - last_ms[$g])) ms ($1)"
		fi
		[ "$t" -ge "$E2E_MIN_KIB" ] || fail "$g's target $t KiB is below its min ($1)"
		last[$g]=$t last_ms[$g]=$now
	done
}

avail=$(guest_meminfo_kib $AG MemAvailable)
hog_mib=$(($(mib "$avail") + 120))
[ "$hog_mib" -le 250 ] || hog_mib=250
# 2 MiB/s: while ballastd is dead nobody can grow the guest, and under TCG a
# kill + restart takes several seconds; the 64 MiB buffer must outlast it
# (at 4 MiB/s a 10 s gap plus a report's lag OOM-killed the hog in CI).
guest_run $AG "memhog $hog_mib 150 2 > /dev/console 2>&1 &"
log "$AG: memhog $hog_mib MiB growing at 2 MiB/s ($AG at $(xl_mem_mib $AG) MiB); rebalancing"
for i in $(seq 3); do sample "before the kill"; sleep 0.5; done

pid=$(ballastd_pid)
kill -9 "$pid"
log "ballastd (pid $pid) SIGKILLed; targets: $(for g in $E2E_GUESTS; do printf '%s=%s ' "$g" "${last[$g]:-}"; done)"
sample "while ballastd is dead"
ballastd_start || fail "ballastd did not start again: $(tail -n 3 "$BALLASTD_LOG" | tr '\n' '|')"
log "ballastd restarted (pid $(ballastd_pid)); $AG's target $(target_kib $AG) KiB"
for i in $(seq 12); do	# each pass reads 4 keys: ~5 s under TCG
	sample "after the restart"
	[ -n "$(ballastd_pid)" ] || fail "the restarted ballastd died: $(tail -n 3 "$BALLASTD_LOG" | tr '\n' '|')"
	sleep 0.5
done
wait_for 150 'grep -q "memhog: resident_mib=$hog_mib after" "$(guest_log $AG)" || [ -n "$(guest_oom $AG)" ]'
oom=$(guest_oom $AG)
[ -z "$oom" ] || fail "OOM in $AG: $oom"
grep -q "memhog: resident_mib=$hog_mib after" "$(guest_log $AG)" ||
	fail "$AG's workload never got its $hog_mib MiB after the restart ($AG at $(xl_mem_mib $AG) MiB, target $(target_kib $AG) KiB)"
t=$(target_kib $AG)
wait_for 30 'within "$(xl_mem_mib $AG)" "$(mib "$(target_kib $AG)")" 12' ||
	fail "$AG did not converge after the restart: target $(target_kib $AG) KiB, xl $(xl_mem_mib $AG) MiB"
log "converged: $AG target $(target_kib $AG) KiB, xl $(xl_mem_mib $AG) MiB"
pass
