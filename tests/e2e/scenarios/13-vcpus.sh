#!/bin/bash
# 13. vCPUs follow CPU load (issue 11), with ballast.ko (15: the same with
# ballast-agent; the body is vcpus-lib.sh). A guest of its own, vd, created with vcpus = 1 and
# maxvcpus = 4; ballastd restarted with vcpu-scaling = yes (the cast keeps
# its counts: vcpu-scaling = no in its [domain]s). One guest after the
# other (two spinning at once on the lab's 2 pCPUs would be held by the
# steal rule), each runs 3 CPU-bound threads: its online vCPUs rise, seen
# in `xl vcpu-list` and in the guest's /sys/devices/system/cpu/online
# (the frontend brought them online: the stock kernel only marks them
# present); the threads stop: the count falls back to vcpus-min, never
# below it, and vCPU 0 is never offline. Both run with vcpus-min = 2 by
# `ballastctl set`: an idle lab guest is not idle (its command loop forks
# xenstore-read every 0.3 s, under TCG a load of ~0.9, seen in the lab),
# which holds 2 vCPUs by the policy's hysteresis (0.9 / 2 = 45 %, between
# lower 40 % and raise 90 %): the first run failed waiting for 1.
# e2e-boots: pv2
. /e2e/lib.sh
scenario vcpus
need_ballastd
need_ballastctl
VG=vd VROLE=driver
. /e2e/scenarios/vcpus-lib.sh
