#!/bin/bash
# 18. Working-set probing in real Xen (issue 15, "cold memory"): "an idle
# guest with a large page cache and a guest with a steady working set both
# shrink toward their working sets without stalls above the goal".
# D1 (ballast.ko) is the idle guest: COLD_CACHE_MIB (224) of page cache,
# brd.ko's /dev/ram0 read once (cold-fns.sh says why a RAM disk). AG
# (ballast-agent) runs memhog COLD_WS_MIB (128) rewritten at 32 MiB/s, a hot
# working set that cannot be reclaimed (no swap). ballastd restarts with
# surplus = shares and probe = no for both: the surplus grows them to their
# max (what they hold without probing); then again with probe = yes for the
# two (probe-step-min = 16M, the frontends' report threshold, else the
# probe's defaults: cold-fns.sh). Sampled for RUN_S, about every 2 s
# (cold_sample: target, xl, the guest's own /proc/pressure/memory, the
# memhog's VmRSS, `ballastctl explain`):
#   - no target under the lower bound (min, or the floor the guest reports,
#     bounded as dom0 bounds it);
#   - each gave back at least DROP_MIB: what it held over the last WINDOW_S
#     against what it held before (fails if the mode does nothing);
#   - the guest's PSI some avg10 above the goal (0.10 %) in at most
#     ABOVE_MAX_PCT % of its samples (a probe finds the working set by
#     crossing the goal and backing off: the simulator shows 4-10 % of
#     guest-seconds, BENCHMARKS.md), and never above psi-stall (10 %);
#   - the memhog never OOM-killed, never short of its 128 MiB resident, the
#     same process at the end; no OOM kill in either guest;
#   - `ballastctl explain` said "probing" for each at least once.
# Prints the memory given back (percent of the two's max) and the stall
# (mean avg10; some/full total as a share of the run) as a COLD line.
# About 9 min on a quiet host (the run itself is RUN_S); not yet run in
# the lab.
# e2e-boots: cold
# e2e-timeout: 1200
. /e2e/lib.sh
scenario cold-memory
need_ballastd
need_ballastctl
. /e2e/scenarios/cold-fns.sh

GC=$D1 GW=$AG		# the cache guest, the steady one
RUN_S=420		# probing, sampled
WINDOW_S=120		# "what it holds now": the mean of the last WINDOW_S
DROP_MIB=64		# each gives back at least this
ABOVE_MAX_PCT=25	# samples over the goal, per guest
SAVED_CONF=/tmp/ballastd.conf.cold-memory
[ -n "$GC" ] && [ -n "$GW" ] || fail "cannot test: the cast needs a driver guest (D1 '$GC') and an agent guest (AG '$GW')"
need_frontend "$GC"
need_frontend "$GW"

cleanup() {
	guest_run "$GW" 'killall memhog' > /dev/null 2>&1
	guest_run "$GC" 'echo 1 > /proc/sys/vm/drop_caches; rmmod brd' > /dev/null 2>&1
	if [ -f "$SAVED_CONF" ]; then
		cp "$SAVED_CONF" "$BALLASTD_CONF"
		ballastd_restart > /dev/null 2>&1
	fi
}
trap cleanup EXIT

max_mib=$(mib "$E2E_MAX_KIB")
cp "$BALLASTD_CONF" "$SAVED_CONF"
cold_conf "$BALLASTD_CONF" "$GC" "$GW" || fail "cannot write the config: no [domain $GC] or [domain $GW] in $BALLASTD_CONF"
ballastd_restart || fail "ballastd did not restart with surplus = shares: $(tail -n 3 "$BALLASTD_LOG" | tr '\n' '|')"
wait_for 120 '[ "$(xl_mem_mib '"$GC"')" -ge $((max_mib - 8)) ] && [ "$(xl_mem_mib '"$GW"')" -ge $((max_mib - 8)) ]' ||
	fail "cannot test: with surplus = shares and no probing $GC holds $(xl_mem_mib "$GC") MiB, $GW $(xl_mem_mib "$GW") MiB, not their max $max_mib MiB"
buf=$(cold_fill_cache "$GC" "$COLD_CACHE_MIB") || fail "$GC: no $COLD_CACHE_MIB MiB of page cache from brd (Buffers ${buf:-?} KiB)"
pid=$(cold_start_ws "$GW" "$COLD_WS_MIB" $((RUN_S + 900))) || fail "$GW: memhog $COLD_WS_MIB did not start"
sleep 5
held0_c=$(xl_mem_mib "$GC") held0_w=$(xl_mem_mib "$GW")
tot_mib=$(($(xs_get "$GC" memory/static-max) / 1024 + $(xs_get "$GW" memory/static-max) / 1024))
log "unprobed: $GC $held0_c MiB (Buffers $(mib "$buf") MiB), $GW $held0_w MiB (memhog $COLD_WS_MIB MiB, pid $pid); their max $tot_mib MiB"

cold_probe yes "$GC" "$GW" || fail "ballastd did not restart with probe = yes: $(tail -n 3 "$BALLASTD_LOG" | tr '\n' '|')"
cold_run "$RUN_S" "$E2E_MIN_KIB" "$GC" "$GW" "$pid"

read -r n_c ab_c abp_c max_c mean_c st_c fu_c low_c hw_c pr_c un_c _ <<< "$(cold_stats "$GC" "$WINDOW_S")"
read -r n_w ab_w abp_w max_w mean_w st_w fu_w low_w hw_w pr_w un_w rb_w <<< "$(cold_stats "$GW" "$WINDOW_S")"
for g in "$GC:$held0_c:$low_c:$hw_c:$n_c:$ab_c:$max_c:$mean_c:$st_c:$fu_c" "$GW:$held0_w:$low_w:$hw_w:$n_w:$ab_w:$max_w:$mean_w:$st_w:$fu_w"; do
	IFS=: read -r name h0 lo hw n ab mx mean st fu <<< "$g"
	log "$name: held $h0 -> $hw MiB (last ${WINDOW_S} s), lowest target $lo MiB; avg10 over the goal in $ab of $n samples, max $(pct_str "$mx") %, mean $(pct_str "$mean") %; stalled (some) $(pct_str "$st") % of the run, full $(pct_str "$fu") %"
done
for g in "$GC" "$GW"; do
	log "$g: probe states (samples): $(awk -v g="$g" '$2 == g {print $9}' "$COLD_SAMPLES" | sort | uniq -c | awk '{printf "%s %s, ", $2, $1}')samples in $COLD_SAMPLES (the run's logs: cold-samples.txt)"
done
given=$((held0_c - hw_c + held0_w - hw_w))
echo "COLD given_back_mib=$given of_mib=$tot_mib pct=$(pct_str $((given * 10000 / (tot_mib > 0 ? tot_mib : 1)))) held_mib=$((hw_c + hw_w)) $GC:some=$(pct_str "$st_c")%,full=$(pct_str "$fu_c")%,above_goal=$ab_c/$n_c,max_avg10=$(pct_str "$max_c")% $GW:some=$(pct_str "$st_w")%,full=$(pct_str "$fu_w")%,above_goal=$ab_w/$n_w,max_avg10=$(pct_str "$max_w")%"
log "$GC: $(guest_run "$GC" "grep -E '^(MemTotal|MemAvailable|Buffers):' /proc/meminfo" | tr -s ' \n' ' ')"
log "$GW: $(guest_run "$GW" "grep -E '^(MemTotal|MemAvailable|Buffers):' /proc/meminfo" | tr -s ' \n' ' ')"
grep -E "^($GC|$GW) \\([0-9]+\\):.*probe" "$BALLASTD_LOG" | tail -n 6 | sed 's/^/    | /'

[ "$n_c" -ge 10 ] && [ "$n_w" -ge 10 ] || fail "only $n_c and $n_w samples in $RUN_S s"
[ "$un_c" = 0 ] || fail "$GC: a target under its min or floor in $un_c samples ($(awk -v g="$GC" '$2 == g && $3 != "-" && $3 < $5' "$COLD_SAMPLES" | head -n 1))"
[ "$un_w" = 0 ] || fail "$GW: a target under its min or floor in $un_w samples ($(awk -v g="$GW" '$2 == g && $3 != "-" && $3 < $5' "$COLD_SAMPLES" | head -n 1))"
oom=$(guest_oom "$GW")
[ -z "$oom" ] || fail "$GW: OOM while probed: $oom"
oom=$(guest_oom "$GC")
[ -z "$oom" ] || fail "$GC: OOM while probed: $oom"
[ "$rb_w" = 0 ] || fail "$GW: its memhog was gone or short of $COLD_WS_MIB MiB resident in $rb_w samples"
[ "$(guest_run "$GW" 'pidof memhog')" = "$pid" ] || fail "$GW: memhog (pid $pid) is gone: $(guest_run "$GW" 'tail -n 2 /tmp/cold-ws.out' | tr '\n' '|')"
[ "$pr_c" -ge 1 ] || fail "$GC: ballastctl explain never said probing ($(awk -v g="$GC" '$2 == g {print $9}' "$COLD_SAMPLES" | sort | uniq -c | tr -s ' \n' ' '))"
[ "$pr_w" -ge 1 ] || fail "$GW: ballastctl explain never said probing ($(awk -v g="$GW" '$2 == g {print $9}' "$COLD_SAMPLES" | sort | uniq -c | tr -s ' \n' ' '))"
[ $((held0_c - hw_c)) -ge $DROP_MIB ] || fail "$GC gave back only $((held0_c - hw_c)) MiB ($held0_c -> $hw_c MiB) with $COLD_CACHE_MIB MiB of cold cache: the probe did not take it"
[ $((held0_w - hw_w)) -ge $DROP_MIB ] || fail "$GW gave back only $((held0_w - hw_w)) MiB ($held0_w -> $hw_w MiB) with a $COLD_WS_MIB MiB working set"
[ "$abp_c" -le $ABOVE_MAX_PCT ] || fail "$GC: PSI some avg10 over the goal in $ab_c of $n_c samples (${abp_c} %, at most $ABOVE_MAX_PCT %)"
[ "$abp_w" -le $ABOVE_MAX_PCT ] || fail "$GW: PSI some avg10 over the goal in $ab_w of $n_w samples (${abp_w} %, at most $ABOVE_MAX_PCT %)"
[ "$max_c" -le "$COLD_STALL_CENTIPCT" ] || fail "$GC: PSI some avg10 reached $(pct_str "$max_c") %, above psi-stall"
[ "$max_w" -le "$COLD_STALL_CENTIPCT" ] || fail "$GW: PSI some avg10 reached $(pct_str "$max_w") %, above psi-stall"
pass
