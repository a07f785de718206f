#!/bin/bash
# PVH probe (issues 8 and 10), a lab body outside `make e2e`:
#   E2E_QEMU_SMP=3 E2E_HVM_AVOID_PCPUS=0 E2E_QEMU_CPU=qemu64,+svm,+npt \
#   E2E_TIMEOUT=1500 tests/e2e/lab-run tests/e2e/probes/pvh.sh
# A. The HVM/PVH offset in a PVH ballast.ko guest, no ballastd: rmmod, move
#    the stock balloon's target 64 MiB by sysfs (memory/target unchanged),
#    insmod, a target of 200 MiB: the guest must hold it in xl list (the
#    rule before issue 8's fix was off by the 64 MiB).
# B. ballastd steering the two PVH guests and a PV guest with 2 vCPUs for
#    3 min: prints the triple faults Xen logged (tests/e2e/README.md, "PVH
#    and HVM under TCG"). Prints PROBE lines; E2E PASS/FAIL probe-pvh-offset.
. /e2e/lib.sh
set -u
echo "PROBE avoid=${E2E_HVM_AVOID_PCPUS:-none} $(xl info | grep nr_cpus)"
GUEST_TYPE=pvh guest_start pd driver 384 384 || echo "PROBE create pd failed"
GUEST_TYPE=pvh guest_start pa agent 384 384 || echo "PROBE create pa failed"
for g in pd pa; do guest_wait $g && echo "PROBE $g up"; done
xl vcpu-list | sed 's/^/PROBE /'
tf() { xl dmesg | grep -c 'Triple fault'; }
stock=/sys/devices/system/xen_memory/xen_memory0/target_kb
xs_set pd "$XS_CTL_DIR/$XS_CTL_TARGET" $((300 * 1024))
wait_for 120 'within "$(xl_mem_mib pd)" 300 2' || echo "PROBE A: pd not at 300: $(xl_mem_mib pd)"
echo "PROBE A: pd at $(xl_mem_mib pd) MiB, reports current $(data_get pd "$XS_DATA_CURRENT") KiB, memory/target $(xs_get pd memory/target), static-max $(xs_get pd memory/static-max)"
guest_run pd 'rmmod ballast' > /dev/null || echo "PROBE A: rmmod failed"
wait_for 60 'within "$(xl_mem_mib pd)" 384 2'
st0=$(guest_run pd "cat $stock")
guest_run pd "echo $((st0 - 65536)) > $stock"
wait_for 90 '[ "$(xl_mem_mib pd)" -le 322 ]' || echo "PROBE A: stock did not shrink: $(xl_mem_mib pd)"
mt=$(xs_get pd memory/target) st1=$(guest_run pd "cat $stock")
echo "PROBE A: after rmmod and the sysfs write: xl $(xl_mem_mib pd) MiB, memory/target $mt KiB, stock target $st1 KiB (the old rule's offset: $((mt - st1)) KiB)"
guest_run pd "insmod $GUEST_KO" || echo "PROBE A: insmod failed"
xs_set pd "$XS_CTL_DIR/$XS_CTL_TARGET" $((200 * 1024))
verdict=PASS
wait_for 120 'within "$(xl_mem_mib pd)" 200 4' || verdict=FAIL
echo "PROBE A $verdict: target 200 MiB, xl $(xl_mem_mib pd) MiB, reports current $(data_get pd "$XS_DATA_CURRENT") KiB"
guest_run pd 'dmesg | grep -i ballast | tail -n 5' | sed 's/^/PROBE dmesg /'
echo "PROBE triple so far $(tf)"
write_ballastd_conf
ballastd_start && echo "PROBE ballastd up"
GUEST_VCPUS=2 GUEST_TYPE=pv guest_start v2 driver 384 384 || echo "PROBE create v2 failed"
guest_wait v2 && echo "PROBE v2 up"
for i in $(seq 1 12); do
	sleep 15
	echo "PROBE B t=$((i * 15)): pd $(xl_mem_mib pd) ($(domid pd)) pa $(xl_mem_mib pa) ($(domid pa)) v2 $(xl_mem_mib v2) triple $(tf)"
done
grep -E '^pd|^pa' "$BALLASTD_LOG" | tail -n 12
if [ "$verdict" = PASS ]; then e2e_pass probe-pvh-offset; else e2e_fail probe-pvh-offset "the guest did not reach its target after the reload"; fi
