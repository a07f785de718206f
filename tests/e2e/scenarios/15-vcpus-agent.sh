#!/bin/bash
# 15. Scenario 13 (vCPUs follow CPU load) with ballast-agent in a guest of
# its own, va: its online vCPUs rise under 3 CPU-bound threads, fall back to
# vcpus-min when they stop, never below, vCPU 0 never offline (the body is
# vcpus-lib.sh).
# e2e-boots: pv2
. /e2e/lib.sh
scenario vcpus-agent
need_ballastd
need_ballastctl
VG=va VROLE=agent
. /e2e/scenarios/vcpus-lib.sh
