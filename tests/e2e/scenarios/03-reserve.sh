#!/bin/bash
# 3. `ballastctl reserve SIZE` frees enough that `xl create` of a new
# domain succeeds where it failed before.
# e2e-boots: pv pvh
. /e2e/lib.sh
scenario reserve
need_ballastd
need_ballastctl

cleanup() { xl destroy big > /dev/null 2>&1; ballastd_restart surplus=keep-free > /dev/null 2>&1; }
trap cleanup EXIT

# With surplus=shares the idle guests soak up free memory (up to their
# max), so a new domain only fits if ballastd takes some back.
ballastd_restart surplus=shares || fail "ballastd did not restart with surplus=shares"
wait_for 60 '[ "$(free_mib)" -le 160 ] || { [ "$(xl_mem_mib $D1)" -ge 360 ] && [ "$(xl_mem_mib $AG)" -ge 360 ]; }' ||
	log "note: guests did not fill up under surplus=shares (free $(free_mib) MiB)"
sleep 3
free0=$(free_mib)
reclaim=0
for g in $E2E_GUESTS; do
	reclaim=$((reclaim + $(xl_mem_mib "$g") - 160))	# 160: above any frontend floor
done
big_mib=$((free0 + 96))
log "free $free0 MiB, guests hold $reclaim MiB above 160 MiB each; a $big_mib MiB domain needs more than is free"
[ "$reclaim" -ge 192 ] ||
	fail "cannot test: the guests hold only $reclaim MiB above 160 MiB each under surplus=shares (need 192)"
cat > /tmp/big.cfg <<CFG
name = "big"
type = "pv"
kernel = "/e2e/vmlinuz"
ramdisk = "/e2e/domU-initrd.gz"
extra = "console=hvc0 e2e_role=stock"
memory = $big_mib
maxmem = $big_mib
CFG

if xl create /tmp/big.cfg > "$E2E_OUT/xl-create-big-before.log" 2>&1; then
	fail "xl create of $big_mib MiB succeeded with only $free0 MiB free: the test proves nothing"
fi
log "before: xl create failed as expected ($(grep -m1 -i 'memory\|error' "$E2E_OUT/xl-create-big-before.log"))"
xl destroy big > /dev/null 2>&1

# The reservation holds while the command runs, however long it takes to
# reach its populate; the domain then keeps what it was given. The command
# waits 40 s first, longer than reservation-hold-ms (30 s): seen in this lab,
# xl create of a 512 MiB guest spent that long decompressing the kernel, the
# memory went back to the guests when the hold ran out, and xl create failed
# with ENOMEM (issue 9, defect 6). ballastctl now keeps it alive.
held0=$(grep -c "reservation [0-9]*: held after" "$BALLASTD_LOG" 2>/dev/null)
if ! timeout 240 ballastctl reserve "${big_mib}M" --timeout 120 -- \
	sh -c 'sleep 40; xl create /tmp/big.cfg' \
	> "$E2E_OUT/ballastctl-reserve.log" 2>&1; then
	fail "ballastctl reserve ${big_mib}M -- (40 s, then) xl create failed: $(tail -n 4 "$E2E_OUT/ballastctl-reserve.log" | tr '\n' '|') (free now $(free_mib) MiB)"
fi
[ "$(grep -c "reservation [0-9]*: held after" "$BALLASTD_LOG" 2>/dev/null)" = "$held0" ] ||
	fail "ballastd released the reservation while the command still ran: $(grep 'reservation [0-9]*: held after' "$BALLASTD_LOG" | tail -n 1)"
[ -n "$(domid big)" ] || fail "ballastctl reserve succeeded but domain big is not running"
log "after reserve: big runs with $(xl_mem_mib big) MiB; free $(free_mib) MiB"
for g in $E2E_GUESTS; do
	t=$(target_kib "$g")
	[ -z "$t" ] || [ "$t" -ge "$E2E_MIN_KIB" ] || fail "$g pushed below its min for the reservation: target $t KiB"
done
pass
