#!/bin/bash
# 6. A guest cannot write its own target (xenstore refuses); garbage in its
# guest-writable keys is reported by ballastd and changes nothing else.
# e2e-boots: pv pvh
. /e2e/lib.sh
scenario guest-writes
need_ballastd
need_frontend $D2

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
echo "$new_log" | grep -E "$D2|dom(ain)?[ =]*$id\b|/local/domain/$id/" |
	grep -qE "$XS_DATA_CURRENT|$XS_DATA_STATE|$XS_DATA_MEM_AVAILABLE|$XS_DATA_SEQ|$XS_DATA_PSI_SOME_AVG10|$XS_DATA_COMMITTED_AS|not-a-key" ||
	fail "ballastd's log does not report the bad values from $D2 (no new line naming $D2 or domain $id and a key)"
for g in $E2E_GUESTS; do
	t=$(target_kib "$g")
	within "$(mib "${t:-0}")" "$(mib "${before[$g]:-0}")" 16 ||
		fail "$g's target moved ${before[$g]} -> $t KiB after $D2's garbage"
done
pass
