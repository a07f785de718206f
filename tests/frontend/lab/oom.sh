# ballast.ko's OOM notifier in a real Xen: a dom0 body for tests/e2e/lab-run.
#   tests/e2e/lab-run tests/frontend/lab/oom.sh
# Balloon a guest down, then run a workload larger than what is left: the
# notifier must give pages back so that nothing is OOM-killed.
. /e2e/lib.sh
set -u
data() { xs_get g3 "$XS_DATA_DIR/$1"; }
show() { log "xl $(xl_mem_mib g3) MiB; ballooned=$(data $XS_DATA_BALLOONED) state=$(data $XS_DATA_STATE) oom-deflates=$(data $XS_DATA_OOM_DEFLATES) oom-kills=$(data $XS_DATA_OOM_KILLS) mem-available=$(data $XS_DATA_MEM_AVAILABLE)"; }
fail() { show; guest_run g3 'dmesg | grep -iE "ballast|oom|killed" | tail -n 20'; echo "LAB OOM FAIL: $*"; exit 1; }

guest_create g3 driver 512 512 || fail "guest did not start"
xs_set g3 "$XS_CTL_DIR/$XS_CTL_TARGET" 204800
wait_for 120 '[ "$(data $XS_DATA_STATE)" = at-target ]' || fail "did not reach 200 MiB"
show
guest_run g3 'grep -E "MemTotal|MemAvailable" /proc/meminfo'
# ~150 MiB are available; ask for 240 MiB, resident.
guest_run g3 'memhog 240; echo memhog_rc=$?' 300
sleep 3
show
guest_run g3 'grep -E "MemTotal|MemAvailable" /proc/meminfo; cat /sys/kernel/ballast/oom_relief_kib; dmesg | grep -E "ballast|Killed process" | tail -n 5'
[ "$(data $XS_DATA_OOM_DEFLATES)" -gt 0 ] || fail "the notifier never gave pages back"
[ "$(data $XS_DATA_OOM_KILLS)" = 0 ] || fail "a process was OOM-killed"
# The relief holds: the balloon does not take the pages straight back.
b1=$(data $XS_DATA_BALLOONED); sleep 5; b2=$(data $XS_DATA_BALLOONED)
[ "$b2" -le "$b1" ] || fail "re-inflated after OOM ($b1 -> $b2)"
echo "LAB OOM PASS"
