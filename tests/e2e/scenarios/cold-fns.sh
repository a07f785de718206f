# Working-set probing ("cold memory", issue 15) in real Xen: the helpers of
# scenario 18 (18-cold-memory.sh) and of bench-e2e's table "Cold memory
# given back (real Xen)" (dom0/bench-body). Sourced after /e2e/lib.sh.
#
# Two guests of one host, both probed (probe = yes in their [domain]s):
#   the cache guest   idle, with COLD_CACHE_MIB of page cache: brd.ko (a RAM
#                     block device, lab-images puts it in /lib/e2e-mods/)
#                     read once with dd. A diskless guest has no other
#                     cache it can drop: its files are in its initramfs,
#                     shmem, which nothing reclaims without swap.
#   the steady guest  memhog COLD_WS_MIB, its every page rewritten every
#                     COLD_WS_MIB / COLD_WS_RATE seconds (memhog -r): a hot
#                     working set, never reclaimable (no swap).
# ballastd runs with surplus = shares, so that without probing both hold
# their max (idle memory is handed back to them: what they hold "without
# probing", as in BENCHMARKS.md's simulator table), then restarts with
# probe = yes for the two. The probe's defaults but one: probe-step-min =
# 16M (COLD_STEP_MIN), the frontends' report threshold (breport.h: a 16 MiB
# change is reported at once). With the default 1 % (3.8 MiB of a 384 MiB
# guest) a step moves less than the policy's 8 MiB deadband and less than
# a report's threshold, and the probe waits for a fresh report after each
# step (POLICY.md, "waiting"): a frontend's 60 s heartbeat, so about 8 MiB
# every two minutes, too slow for a scenario.
#
# Samples (cold_sample), one line per guest, in COLD_SAMPLES:
#   T NAME TARGET_KIB XL_MIB LOWER_KIB AVG10_CENTIPCT SOME_US FULL_US PROBE HOG_RSS_KIB BUFFERS_KIB
# T: seconds since cold_run started; LOWER_KIB: the lowest target the
# policy may give (max of min and the floor, the floor bounded by
# ballast_default_floor_kib of static-max as dom0 bounds it); AVG10: the
# guest's own /proc/pressure/memory "some avg10" (what it reports, before
# the report thresholds); SOME_US, FULL_US: its "total=" counters; PROBE:
# the probe's state in `ballastctl explain` ("-" if none); HOG_RSS_KIB: the
# memhog's VmRSS ("-" without one, 0 if it is gone). "-" in AVG10, SOME_US,
# FULL_US and HOG_RSS_KIB: the guest did not answer in 20 s.

COLD_CACHE_MIB=${COLD_CACHE_MIB:-224}	# page cache in the cache guest
COLD_WS_MIB=${COLD_WS_MIB:-128}		# the steady guest's working set
COLD_WS_RATE=${COLD_WS_RATE:-32}	# MiB/s rewritten: each page every 4 s
COLD_STEP_MIN=${COLD_STEP_MIN:-16M}
COLD_GOAL_CENTIPCT=10			# probe-goal's default: 0.10 %
# shellcheck disable=SC2034 # read by scenario 18
COLD_STALL_CENTIPCT=1000		# psi-stall's default: the demand rule's 10 %
COLD_SAMPLES=${COLD_SAMPLES:-$E2E_OUT/cold-samples.txt}

# cold_lower_kib NAME MIN_KIB: the policy's lower bound for the guest.
cold_lower_kib() {
	local floor smax bound lo=$2
	floor=$(data_get "$1" "$XS_DATA_FLOOR")
	smax=$(xs_get "$1" memory/static-max)
	if [ -n "$floor" ] && [ -n "$smax" ]; then
		bound=$(schema-env default-floor "$smax")
		[ "$floor" -le "$bound" ] || floor=$bound
		[ "$floor" -le "$lo" ] || lo=$floor
	fi
	echo "$lo"
}

# cold_conf FILE CACHE_GUEST STEADY_GUEST: ballastd.conf FILE edited in
# place: surplus = shares, probe-step-min, and "probe = no" in the two's
# [domain]s (cold_probe turns it on). Both sections must exist.
cold_conf() {
	local f=$1 g
	sed -i -e 's/^surplus = .*/surplus = shares/' \
		-e "/^\\[host\\]\$/a probe-step-min = $COLD_STEP_MIN" "$f" || return 1
	for g in "$2" "$3"; do
		grep -q "^\\[domain $g\\]\$" "$f" || return 1
		sed -i "/^\\[domain $g\\]\$/a probe = no" "$f" || return 1
	done
}

# cold_probe yes|no NAME...: their probe key, then ballastd restarted.
cold_probe() {
	local v=$1 g
	shift
	for g in "$@"; do
		sed -i "/^\\[domain $g\\]\$/,/^\\[/ s/^probe = .*/probe = $v/" "$BALLASTD_CONF"
	done
	ballastd_restart
}

# cold_fill_cache NAME MIB: brd.ko loaded in the guest (once) with one
# ramdisk of MIB, read whole into its page cache; prints the guest's
# Buffers (KiB) after, fails if less than 90 % of MIB are there. A sleep
# keeps /dev/ram0 open (the kernel drops a block device's page cache when
# its last opener closes it). Not yet working: both lab runs (2026-12-02),
# the second with the device held open, found Buffers 0 KiB after the read.
cold_fill_cache() {
	local out buf
	# One line: the command travels through xenstore.
	out=$(guest_run "$1" "[ -b /dev/ram0 ] || for m in /lib/e2e-mods/*.ko; do case \$m in *-brd.ko) insmod \$m rd_nr=1 rd_size=$(($2 * 1024)) ;; *) insmod \$m ;; esac || exit 1; done; [ -b /dev/ram0 ] || exit 2; sleep 2147483647 < /dev/ram0 > /dev/null 2>&1 & dd if=/dev/ram0 of=/dev/null bs=1M 2>&1 | tail -n 1; grep '^Buffers:' /proc/meminfo" 300) || {
		log "$1: brd/dd failed: $out" >&2
		return 1
	}
	buf=$(echo "$out" | awk '/^Buffers:/ {print $2}')
	echo "${buf:-0}"
	[ "${buf:-0}" -ge $(($2 * 1024 * 9 / 10)) ] && return 0
	# Twice in the lab (2026-12-02) Buffers was 0 after the read: say what the guest said.
	log "$1: brd read gave: $(echo "$out" | tr '\n' '|')" >&2
	return 1
}

# cold_start_ws NAME MIB SECONDS: memhog MIB in the guest for SECONDS, its
# memory rewritten at COLD_WS_RATE; waits until it is resident, prints its pid.
cold_start_ws() {
	local pid
	# one memhog: its pid is the one sampled
	guest_run "$1" "killall memhog; memhog -r $COLD_WS_RATE $2 $3 > /tmp/cold-ws.out 2>&1 &" > /dev/null || return 1
	wait_for 120 "guest_run '$1' 'grep -q \"resident_mib=$2 after\" /tmp/cold-ws.out'" || {
		log "$1: memhog $2 not resident: $(guest_run "$1" 'tail -n 3 /tmp/cold-ws.out')"
		return 1
	}
	pid=$(guest_run "$1" 'pidof memhog')
	[ -n "$pid" ] || return 1
	echo "$pid"
}

# cold_sample T NAME MIN_KIB [PID]: one sample line of the guest on stdout.
cold_sample() {
	local t=$1 g=$2 min=$3 pid=${4:-} tgt xl lo probe cmd out
	tgt=$(target_kib "$g") xl=$(xl_mem_mib "$g") lo=$(cold_lower_kib "$g" "$min")
	probe=$(ballastctl explain "$g" 2> /dev/null | sed -n 's/^ *probe: \([a-z-]*\) - .*/\1/p' | head -n 1)
	cmd="cat /proc/pressure/memory; grep '^Buffers:' /proc/meminfo"
	if [ -n "$pid" ]; then
		cmd="$cmd; grep '^VmRSS:' /proc/$pid/status 2> /dev/null || echo 'VmRSS: 0 kB'"
	fi
	out=$(guest_run "$g" "$cmd" 20)
	echo "$out" | awk -v t="$t" -v g="$g" -v tgt="${tgt:--}" -v xl="${xl:--}" -v lo="$lo" \
		-v probe="${probe:--}" -v haspid="${pid:+1}" '
		function field(k, i) { for (i = 2; i <= NF; i++) if (index($i, k "=") == 1) return substr($i, length(k) + 2); return "" }
		$1 == "some" { avg = field("avg10"); some = field("total") }
		$1 == "full" { full = field("total") }
		$1 == "Buffers:" { buf = $2 }
		$1 == "VmRSS:" { rss = $2 }
		END {
			# no answer from the guest: nothing known, not a memhog gone
			if (avg == "") { avg10 = "-"; rss = "-" } else { avg10 = int(avg * 100 + 0.5) }
			if (!haspid) rss = "-"
			printf "%s %s %s %s %s %s %s %s %s %s %s\n", t, g, tgt, xl, lo, avg10,
				(some == "" ? "-" : some), (full == "" ? "-" : full), probe,
				(rss == "" ? 0 : rss), (buf == "" ? "-" : buf)
		}'
}

# cold_run SECONDS MIN_KIB CACHE_GUEST STEADY_GUEST STEADY_PID: sample both
# for SECONDS (one round of both every second at most) into COLD_SAMPLES.
cold_run() {
	local secs=$1 min=$2 gc=$3 gw=$4 pid=$5 t0 t next=0
	: > "$COLD_SAMPLES"
	t0=$(date +%s)
	while :; do
		t=$(($(date +%s) - t0))
		[ "$t" -lt "$secs" ] || break
		cold_sample "$t" "$gc" "$min" >> "$COLD_SAMPLES"
		cold_sample "$t" "$gw" "$min" "$pid" >> "$COLD_SAMPLES"
		[ $(($(date +%s) - t0)) -gt "$t" ] || sleep 1
		if [ "$t" -ge "$next" ]; then
			next=$((t + 30))
			log "t=${t}s: $(tail -n 2 "$COLD_SAMPLES" | awk '{printf "%s target %d MiB (xl %s), avg10 %s, probe %s; ", $2, $3 / 1024, $4, $6, $9}')"
		fi
	done
}

# cold_stats NAME WINDOW_S: one line of figures of the guest from
# COLD_SAMPLES: "samples above_goal above_pct max_avg10 mean_avg10_centipct
# stall_pct full_pct low_target_mib held_window_mib probing_seen low_under rss_bad"
#   above_goal: samples whose avg10 is above the goal; max/mean avg10 in
#   hundredths of a percent; stall_pct, full_pct: the some/full total
#   counters' growth over the run as a percent of its length (x100, an
#   integer: 12 is 0.12 %); low_target_mib: its lowest target;
#   held_window_mib: what it held (xl) on average over the last WINDOW_S;
#   probing_seen: samples whose explain said "probing"; low_under: samples
#   with a target under the lower bound; rss_bad: samples whose memhog was
#   gone or short of COLD_WS_MIB (steady guest only).
cold_stats() {
	awk -v g="$1" -v win="$2" -v goal="$COLD_GOAL_CENTIPCT" -v ws=$((COLD_WS_MIB * 1024)) '
		$2 != g { next }
		{
			n++; t[n] = $1; xl[n] = $4
			if ($6 != "-") { m++; sum += $6; if ($6 > goal) above++; if ($6 > max) max = $6 }
			if ($7 != "-") { if (s0 == "") { s0 = $7; ts0 = $1 } s1 = $7; ts1 = $1 }
			if ($8 != "-") { if (f0 == "") f0 = $8; f1 = $8 }
			if ($3 != "-" && (low == "" || $3 < low)) low = $3
			if ($3 != "-" && $3 < $5) under++
			if ($9 == "probing") probing++
			if ($10 != "-" && $10 < ws - 1024) rssbad++
			last = $1
		}
		END {
			for (i = 1; i <= n; i++) if (t[i] >= last - win && xl[i] != "-") { hw += xl[i]; hn++ }
			el = ts1 - ts0
			printf "%d %d %d %d %d %d %d %d %d %d %d %d\n", n, above, (m ? above * 100 / m : 0), max,
				(m ? sum / m + 0.5 : 0),
				(el > 0 ? (s1 - s0) / (el * 1e6) * 10000 + 0.5 : 0),
				(el > 0 ? (f1 - f0) / (el * 1e6) * 10000 + 0.5 : 0),
				(low == "" ? 0 : low / 1024), (hn ? hw / hn + 0.5 : 0), probing, under, rssbad
		}' "$COLD_SAMPLES"
}

# pct_str X100: "0.12" for 12 (a percent kept as hundredths).
pct_str() { awk -v v="$1" 'BEGIN { printf "%.2f", v / 100 }'; }
