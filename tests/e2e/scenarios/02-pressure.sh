#!/bin/bash
# 2. A guest whose workload grows gets memory from idle ones (pressure
# driven), never above its max; the idle ones never go below their min.
# A filler domain (not managed by ballastd) first takes most of Xen's free
# memory, so that the growth must come out of the idle guests. The growing
# guest is D1 (the first driver guest of the boot's cast).
# e2e-boots: pv pvh hvm
. /e2e/lib.sh
scenario pressure
need_ballastd
need_frontend "$D1"
[ -z "$D2" ] || need_frontend "$D2"

IDLE=$(echo " $E2E_GUESTS " | sed "s/ $D1 / /")	# everyone but D1
MARGIN_MIB=4

cleanup() { guest_run "$D1" 'killall memhog' > /dev/null 2>&1; xl destroy filler > /dev/null 2>&1; }
trap cleanup EXIT

# Let the targets settle, then fill the host.
sleep 5
free0=$(free_mib)
filler_mib=$((free0 - 32 - 64))	# leave the slush and 64 MiB
if [ "$filler_mib" -ge 64 ]; then
	# PV whatever the boot: it only holds memory, and boots fastest.
	GUEST_TYPE=pv guest_create filler stock "$filler_mib" "$filler_mib" || fail "cannot create the filler domain ($filler_mib MiB, free $free0 MiB)"
fi
sleep 3
idle0=0
for g in $IDLE; do idle0=$((idle0 + $(xl_mem_mib "$g"))); done
d1_0=$(xl_mem_mib "$D1")
avail=$(guest_meminfo_kib "$D1" MemAvailable)
log "free $(free_mib) MiB (filler $filler_mib MiB), $D1 $d1_0 MiB (MemAvailable $(mib "$avail") MiB), idle guests $idle0 MiB"

# Ask for about 160 MiB more than D1 has free: 64 can come from Xen, the
# rest only from the idle guests. Grow at 4 MiB/s so the policy can follow.
hog_mib=$(($(mib "$avail") + 160))
[ "$hog_mib" -le 250 ] || hog_mib=250	# what a 384 MiB guest can hold
guest_run "$D1" "memhog $hog_mib 150 4 > /dev/console 2>&1 &"
log "$D1: memhog $hog_mib MiB started"

d1_max=0 idle_min_low="" low_guest="" over=""
deadline=$(($(date +%s) + 150))
while [ "$(date +%s)" -lt "$deadline" ]; do
	d1=$(xl_mem_mib "$D1") t1=$(target_kib "$D1")
	[ "$d1" -gt "$d1_max" ] && d1_max=$d1
	[ -n "$t1" ] && [ "$t1" -gt "$E2E_MAX_KIB" ] && over="$D1 target $t1 KiB > max $E2E_MAX_KIB KiB"
	[ "$d1" -gt $(($(mib "$E2E_MAX_KIB") + MARGIN_MIB)) ] && over="$D1 holds $d1 MiB > max"
	idle=0
	for g in $IDLE; do
		m=$(xl_mem_mib "$g") t=$(target_kib "$g")
		idle=$((idle + m))
		if [ -n "$t" ] && [ "$t" -lt "$E2E_MIN_KIB" ]; then low_guest="$g target $t KiB < min $E2E_MIN_KIB KiB"; fi
		if [ "$m" -lt $(($(mib "$E2E_MIN_KIB") - MARGIN_MIB)) ]; then low_guest="$g holds $m MiB < min"; fi
	done
	[ -z "$idle_min_low" ] || [ "$idle" -lt "$idle_min_low" ] && idle_min_low=$idle
	grep -q "memhog: resident_mib=$hog_mib after" "$(guest_log $D1)" && break
	grep -q "Killed process .*memhog\|memhog: allocation failed" "$(guest_log $D1)" && break
	sleep 1
done
sleep 2
d1_1=$(xl_mem_mib $D1)
log "$D1 grew $d1_0 -> $d1_1 MiB (peak $d1_max), idle guests $idle0 -> lowest $idle_min_low MiB, free $(free_mib) MiB"
for g in $IDLE $D1; do log "  $g: target $(target_kib "$g") KiB, xl $(xl_mem_mib "$g") MiB, state $(data_get "$g" "$XS_DATA_STATE")"; done

[ -z "$over" ] || fail "$over"
[ -z "$low_guest" ] || fail "$low_guest"
oom=$(guest_oom $D1)
[ -z "$oom" ] || fail "$D1 OOM while growing: $oom"
grep -q "memhog: resident_mib=$hog_mib after" "$(guest_log $D1)" ||
	fail "$D1's memhog did not get its $hog_mib MiB in 150 s ($D1 at $d1_1 MiB): $(grep memhog "$(guest_log $D1)" | tail -n 2 | tr '\n' '|')"
[ $((d1_max - d1_0)) -ge 96 ] || fail "$D1 grew only $((d1_max - d1_0)) MiB under a $hog_mib MiB workload"
[ $((idle0 - idle_min_low)) -ge 32 ] ||
	fail "the idle guests gave only $((idle0 - idle_min_low)) MiB ($idle0 -> $idle_min_low MiB): $D1's growth did not come from them"
pass
