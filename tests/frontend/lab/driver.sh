# ballast.ko in a real Xen: a dom0 body for tests/e2e/lab-run.
#   tests/e2e/lab-run tests/frontend/lab/driver.sh
# Prints what it sees; ends with "LAB DRIVER PASS" or "LAB DRIVER FAIL: why".
. /e2e/lib.sh
set -u
fail() { log "FAIL: $*"; guest_run g1 'dmesg | grep -i ballast | tail -n 30'; echo "LAB DRIVER FAIL: $*"; exit 1; }
data() { xs_get g1 "$XS_DATA_DIR/$1"; }
show() {
	log "xl: $(xl_mem_mib g1) MiB; data: current=$(data $XS_DATA_CURRENT) ballooned=$(data $XS_DATA_BALLOONED) state=$(data $XS_DATA_STATE) rate=$(data $XS_DATA_RATE) seq=$(data $XS_DATA_SEQ) bad=$(data $XS_DATA_BAD_TARGETS)"
}
settle() {	# settle TARGET_KIB TIMEOUT
	xs_set g1 "$XS_CTL_DIR/$XS_CTL_TARGET" "$1"
	log "target $1 KiB"
	wait_for "$2" '[ "$(data $XS_DATA_STATE)" = at-target ] && within "$(data $XS_DATA_CURRENT)" '"$1"' 8192' || { show; return 1; }
	show
}

guest_create g1 driver 512 768 || fail "guest did not start"
wait_for 20 '[ -n "$(data $XS_DATA_SEQ)" ]' || fail "no report"
log "frontend=$(data $XS_DATA_FRONTEND) protocol=$(data $XS_DATA_PROTOCOL)"
xenstore-ls "$(dompath g1)/$XS_DATA_DIR" | sed 's/^/    /'
guest_run g1 'ls /sys/kernel/ballast; cat /sys/kernel/ballast/boot_kib /sys/kernel/ballast/floor_kib /sys/kernel/ballast/state'
guest_run g1 'grep -E "MemTotal|MemAvailable" /proc/meminfo'
# PSI: the driver reports it whenever the guest's kernel has it.
if guest_run g1 'cat /proc/pressure/memory'; then
	wait_for 20 '[ -n "$(data $XS_DATA_PSI_SOME_AVG10)" ] && [ -n "$(data $XS_DATA_PSI_FULL_AVG10)" ]' ||
		fail "the guest has PSI, the report has no psi-*-avg10"
	log "psi: some=$(data $XS_DATA_PSI_SOME_AVG10) full=$(data $XS_DATA_PSI_FULL_AVG10) (0.01 %)"
else
	log "psi: the guest's kernel has none, so the report has none"
fi

t0=$(date +%s)
settle 262144 120 || fail "did not reach 256 MiB"
log "256 MiB reached in $(( $(date +%s) - t0 )) s"
guest_run g1 'grep -E "MemTotal|MemAvailable" /proc/meminfo; cat /sys/kernel/ballast/ballooned_kib'

before=$(data $XS_DATA_BAD_TARGETS)
xs_set g1 "$XS_CTL_DIR/$XS_CTL_TARGET" "12x"
wait_for 10 '[ "$(data $XS_DATA_BAD_TARGETS)" = $((before + 1)) ]' || fail "bad target not counted"
show
guest_run g1 'cat /sys/kernel/ballast/target_kib; dmesg | grep "refused" | tail -n 2'

# Xen's max_pages is the boot size + 1 MiB (libxl): only dom0 can raise it.
xl mem-max g1 768 || fail "xl mem-max"
settle 655360 120 || fail "did not grow above boot size to 640 MiB"
guest_run g1 'grep MemTotal /proc/meminfo; cat /sys/kernel/ballast/stock_target_kib /sys/devices/system/xen_memory/xen_memory0/target_kb'

settle 393216 120 || fail "did not come back to 384 MiB"
guest_run g1 'echo 4096 > /sys/kernel/ballast/rate_max; cat /sys/kernel/ballast/rate_max'
xs_set g1 "$XS_CTL_DIR/$XS_CTL_TARGET" 327680
sleep 3
show
guest_run g1 'echo 0 > /sys/kernel/ballast/rate_max; cat /sys/kernel/ballast/rate_max'
settle 327680 120 || fail "did not reach 320 MiB"

guest_run g1 'rmmod ballast; echo rc=$?; grep MemTotal /proc/meminfo; dmesg | grep ballast | tail -n 5' 120
log "after rmmod: xl $(xl_mem_mib g1) MiB"
show
[ "$(data $XS_DATA_BALLOONED)" = 0 ] || fail "last report still shows pages ballooned"
echo "LAB DRIVER PASS"
