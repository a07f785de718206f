#!/bin/bash
# 6. A guest cannot write its own target (xenstore refuses); garbage in its
# guest-writable keys is reported by ballastd and changes nothing else; and
# what it may write (state=unloading, frontend=driver) never gets it above
# its configured max + the 1 MiB slack (issue 14), even when it lets its
# stock balloon take every page Xen gives it.
. /e2e/lib.sh
scenario guest-writes
need_ballastd
need_ballastctl
need_frontend $D2

BALLOON_SYSFS=/sys/devices/system/xen_memory/xen_memory0/target_kb	# the stock balloon (KiB)
FLOOR_SYSFS=/sys/kernel/ballast/floor_kib
cleanup() { ballastctl set $D2 max=default > /dev/null 2>&1; }
trap cleanup EXIT

guest_run $D2 "xenstore-write -- $E2E_CHAN/probe 1" > /dev/null ||
	fail "cannot test: the guest cannot write even its own $E2E_CHAN/probe"
t_before=$(ctl_get $D2 "$XS_CTL_TARGET")
[ -n "$t_before" ] || fail "$D2 has no target to protect"
for key in "$XS_CTL_DIR/$XS_CTL_TARGET" "$XS_CTL_DIR/$XS_CTL_RATE_MAX" "$XS_STOCK_TARGET"; do
	if guest_run $D2 "xenstore-write -- $key 999999" > /dev/null; then
		fail "the guest could write its own $key"
	fi
	if guest_run $D2 "xenstore-rm $key" > /dev/null; then
		fail "the guest could remove its own $key"
	fi
done
[ "$(ctl_get $D2 "$XS_CTL_TARGET")" != 999999 ] || fail "$D2's target now reads 999999"
log "guest writes to $XS_CTL_DIR and $XS_STOCK_TARGET refused"

sleep 3
declare -A before
for g in $E2E_GUESTS; do before[$g]=$(target_kib "$g"); done
log_lines0=$(wc -l < "$BALLASTD_LOG")
id=$(domid $D2)
D=$XS_DATA_DIR
# One key at a time: each is a separate hostile report.
for kv in "$XS_DATA_CURRENT=-1" "$XS_DATA_STATE=exploding" \
	"$XS_DATA_MEM_AVAILABLE=99999999999999999999999" "$XS_DATA_PSI_SOME_AVG10=10001" \
	"$XS_DATA_SEQ=007" "$XS_DATA_COMMITTED_AS= 12" "not-a-key=1"; do
	out=$(guest_run $D2 "xenstore-write -- '$D/${kv%%=*}' '${kv#*=}'") ||
		fail "the guest cannot write its own $D/${kv%%=*}: $out (perms: $(xenstore-ls -p "$(dompath $D2)/$D" 2>/dev/null | grep "^${kv%%=*} " | sed 's/.*(/(/'))"
done
log "garbage written to $D2's $XS_DATA_DIR"
sleep 6

new_log=$(tail -n +"$((log_lines0 + 1))" "$BALLASTD_LOG")
echo "$new_log" | tail -n 8 | sed 's/^/    ballastd| /'
pidof ballastd > /dev/null || fail "ballastd died on garbage: $(echo "$new_log" | tail -n 3 | tr '\n' '|')"
echo "$new_log" | grep -E "$D2|dom(ain)?[ =]*$id\b|$(dompath $D2)/" |
	grep -qE "$XS_DATA_CURRENT|$XS_DATA_STATE|$XS_DATA_MEM_AVAILABLE|$XS_DATA_SEQ|$XS_DATA_PSI_SOME_AVG10|$XS_DATA_COMMITTED_AS|not-a-key" ||
	fail "ballastd's log does not report the bad values from $D2 (no new line naming $D2 or domain $id and a key)"
for g in $E2E_GUESTS; do
	t=$(target_kib "$g")
	within "$(mib "${t:-0}")" "$(mib "${before[$g]:-0}")" 16 ||
		fail "$g's target moved ${before[$g]} -> $t KiB after $D2's garbage"
done

# never_above NAME MAX_MIB SECONDS: xl list's memory of NAME stays at or
# below MAX_MIB + 1 (the maxmem slack), sampled every half second.
never_above() {
	local name=$1 max=$2 end=$(($(date +%s) + $3)) m peak=0
	while [ "$(date +%s)" -lt "$end" ]; do
		m=$(xl_mem_mib "$name")
		[ "${m:-0}" -le "$peak" ] || peak=$m
		[ "${m:-0}" -le $((max + 1)) ] ||
			fail "$name holds $m MiB, above its max $max MiB + 1 (maxmem $(xl list -l "$name" 2>/dev/null | grep -m1 '"max_memkb"'))"
		sleep 0.5
	done
	log "$name peaked at $peak MiB (max $max MiB)"
}
# greedy NAME KNOB: the guest's root asks for every page up to its boot
# size through KNOB (the stock balloon's target, or ballast.ko's floor: a
# floor at the boot size gives every ballooned page back); only maxmem
# stops it. ungreedy NAME KNOB VALUE puts it back.
greedy() {
	guest_run "$1" "echo $((384 * 1024)) > $2" > /dev/null ||
		fail "cannot test: $1 cannot set its own $2"
}
ungreedy() { guest_run "$1" "echo $3 > $2" > /dev/null; }

# $D2 (ballast.ko) with a max below its static max says its driver unloads
# and holds its whole boot size in the balloon, and raises its driver's
# floor to its boot size: it may take back up to its max, not to its
# static max.
out=$(ballastctl set $D2 max=320M 2>&1) || fail "ballastctl set $D2 max=320M: $out"
wait_for 30 '[ "$(xl_mem_mib $D2)" -le 321 ]' || fail "$D2 did not come down to its max 320 MiB"
guest_run $D2 "cat $FLOOR_SYSFS" > /dev/null || fail "cannot test: $D2 has no $FLOOR_SYSFS"
seq=$(data_get $D2 "$XS_DATA_SEQ")
guest_run $D2 "xenstore-write -- $D/$XS_DATA_BALLOONED $((384 * 1024)) $D/$XS_DATA_STATE unloading $D/$XS_DATA_SEQ $((seq + 1))" > /dev/null ||
	fail "$D2 cannot write its own report"
greedy $D2 "$FLOOR_SYSFS"
never_above $D2 320 10
ungreedy $D2 "$FLOOR_SYSFS" 0		# 0: the driver's own floor again
ballastctl set $D2 max=default > /dev/null || fail "ballastctl set $D2 max=default failed"
log "$D2 writing unloading stayed within its max"

# $ST, stock balloon by the admin's word (stock-balloon = yes, max 320 MiB,
# boot 384), claims a ballast driver that unloads.
st_id=$(domid $ST)
[ -n "$st_id" ] || fail "guest $ST is not running"
guest_run $ST "xenstore-write -- $D/$XS_DATA_FRONTEND driver $D/$XS_DATA_PROTOCOL $XS_PROTOCOL_VERSION $D/$XS_DATA_CURRENT $((320 * 1024)) $D/$XS_DATA_BALLOONED $((64 * 1024)) $D/$XS_DATA_STATE unloading $D/$XS_DATA_SEQ 1" > /dev/null ||
	fail "$ST cannot write its own $D"
st_target=$(xs_get $ST "$XS_STOCK_TARGET")
greedy $ST "$BALLOON_SYSFS"
never_above $ST 320 10
[ -z "$(xs_get $ST "$XS_CTL_DIR/$XS_CTL_TARGET")" ] ||
	fail "ballastd took $ST's claim: it has a $XS_CTL_DIR/$XS_CTL_TARGET"
ungreedy $ST "$BALLOON_SYSFS" "$st_target"
guest_run $ST "xenstore-rm $D" > /dev/null
log "$ST claiming a driver stayed a stock guest within its max"
pass
