# ballast-agent in a real Xen: a dom0 body for tests/e2e/lab-run.
#   tests/e2e/lab-run tests/frontend/lab/agent.sh
. /e2e/lib.sh
set -u
data() { xs_get g2 "$XS_DATA_DIR/$1"; }
show() { log "xl $(xl_mem_mib g2) MiB; current=$(data $XS_DATA_CURRENT) ballooned=$(data $XS_DATA_BALLOONED) state=$(data $XS_DATA_STATE) rate=$(data $XS_DATA_RATE) psi=$(data $XS_DATA_PSI_SOME_AVG10) seq=$(data $XS_DATA_SEQ) bad=$(data $XS_DATA_BAD_TARGETS)"; }
fail() { show; tail -n 20 "$(guest_log g2)"; echo "LAB AGENT FAIL: $*"; exit 1; }
settle() {
	xs_set g2 "$XS_CTL_DIR/$XS_CTL_TARGET" "$1"
	log "target $1 KiB"
	wait_for "$2" '[ "$(data $XS_DATA_STATE)" = at-target ] && within "$(data $XS_DATA_CURRENT)" '"$1"' 8192' || return 1
	show
}

guest_create g2 agent 512 768 || fail "guest did not start"
wait_for 30 '[ -n "$(data $XS_DATA_SEQ)" ]' || fail "no report"
log "frontend=$(data $XS_DATA_FRONTEND)"
[ "$(data $XS_DATA_FRONTEND)" = agent ] || fail "frontend is not agent"
xenstore-ls "$(dompath g2)/$XS_DATA_DIR" | sed 's/^/    /'
t0=$(date +%s)
settle 262144 120 || fail "did not reach 256 MiB"
log "256 MiB in $(( $(date +%s) - t0 )) s"
guest_run g2 'grep MemTotal /proc/meminfo; cat /sys/devices/system/xen_memory/xen_memory0/target_kb'
xs_set g2 "$XS_CTL_DIR/$XS_CTL_TARGET" "5e3"
wait_for 10 '[ "$(data $XS_DATA_BAD_TARGETS)" = 1 ]' || fail "bad target not counted"
xl mem-max g2 768 || fail "xl mem-max"
settle 655360 120 || fail "did not grow to 640 MiB"
settle 393216 120 || fail "did not come back to 384 MiB"
guest_run g2 'kill $(pidof ballast-agent); sleep 3; cat /sys/devices/system/xen_memory/xen_memory0/target_kb'
grep ballast-agent "$(guest_log g2)" | tail -n 5
echo "LAB AGENT PASS"
