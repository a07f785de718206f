# Helpers for test bodies running in the lab's dom0 (installed as /e2e/lib.sh).
# Source it: `. /e2e/lib.sh`. Every xenstore key comes from /e2e/schema.sh
# (generated from ballast_schema.h), never spelled here.
. /e2e/schema.sh
# What the host passed on (lab-images): E2E_SCENARIO_TIMEOUT, E2E_HVM_AVOID_PCPUS.
[ ! -f /e2e/env ] || . /e2e/env

E2E_OUT=/e2e/out
E2E_CHAN=data/e2e		# the harness's own command channel, not ballast's

log() { echo "  [$(cut -d' ' -f1 /proc/uptime)] $*"; }

# Scenario markers: exactly one per scenario, parsed by run-e2e.
e2e_pass() { echo "E2E PASS $1"; }
e2e_fail() { local name=$1; shift; echo "E2E FAIL $name: $*"; }

# wait_for SECONDS 'CONDITION': evaluate the shell CONDITION every half
# second until it holds (quote it, so that $(...) inside is re-run each time).
wait_for() {
	local deadline=$(($(date +%s) + $1))
	while ! eval "$2" > /dev/null 2>&1; do
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.5
	done
}

domid() { xl domid "$1" 2>/dev/null; }
dompath() { echo "/local/domain/$(domid "$1")"; }

# xs_get NAME KEY: read a key relative to the guest's home (empty if absent).
xs_get() { xenstore-read "$(dompath "$1")/$2" 2>/dev/null; }
xs_set() { xenstore-write "$(dompath "$1")/$2" "$3"; }

# guest_start NAME ROLE MEM_MIB MAXMEM_MIB [EXTRA_CMDLINE]: xl create a domU
# from /e2e/vmlinuz + /e2e/domU-initrd.gz; guest_wait NAME waits until it
# serves commands. guest_create does both. $GUEST_VCPUS vCPUs online at boot (1)
# of $GUEST_MAXVCPUS (as many), on the pCPUs $GUEST_CPUS (xl's cpus=; a PV
# guest runs anywhere, a PVH or HVM guest gets a pCPU of its own,
# hvm_free_pcpu). The guest's type (pv, pvh, hvm)
# is GUEST_TYPE if set, else its type in the cast (E2E_TYPE_NAME), else the
# boot's (E2E_TYPE, default pv). An hvm guest boots the same kernel directly
# (no disk), with Xen's device model and its console on the emulated serial.
guest_start() {
	local name=$1 role=$2 mem=$3 maxmem=$4 extra=${5:-} cfg=/tmp/$1.cfg type console=hvc0 more=""
	local cpus=${GUEST_CPUS:-}
	eval "type=\${GUEST_TYPE:-\${E2E_TYPE_$name:-\${E2E_TYPE:-pv}}}"
	eval "E2E_TYPE_$name=\$type"	# for guest_log and guest_type in this shell
	if [ "$type" != pv ] && [ -z "$cpus" ]; then
		cpus=$(hvm_free_pcpu)
		if [ -z "$cpus" ]; then
			log "guest_start $name: every pCPU already runs a PVH/HVM guest, and two on one pCPU crash under QEMU's TCG (tests/e2e/README.md): not created"
			return 1
		fi
	fi
	case "$type" in
	pv | pvh) ;;
	hvm)
		# The emulated serial, written by the device model to the file
		# guest_log names (xenconsoled serves PV consoles only). Fewer
		# kernel messages: each byte is an emulated port write.
		console="ttyS0 loglevel=4"
		more="serial = \"file:$(guest_log "$name")\"
vga = \"none\"
nographic = 1
xen_platform_pci = 1"
		;;
	*) log "guest_start $name: unknown guest type '$type'"; return 1 ;;
	esac
	cat > "$cfg" <<CFG
name = "$name"
type = "$type"
kernel = "/e2e/vmlinuz"
ramdisk = "/e2e/domU-initrd.gz"
extra = "console=$console e2e_role=$role $extra"
memory = $mem
maxmem = $maxmem
vcpus = ${GUEST_VCPUS:-1}
maxvcpus = ${GUEST_MAXVCPUS:-${GUEST_VCPUS:-1}}
${cpus:+cpus = \"$cpus\"}
on_crash = "preserve"
$more
CFG
	if ! xl create "$cfg" > "$E2E_OUT/xl-create-$name.log" 2>&1; then
		log "xl create $name ($type) failed: $(tail -n 3 "$E2E_OUT/xl-create-$name.log")"
		return 1
	fi
}
# hvm_free_pcpu: a pCPU that no running PVH or HVM guest may use (empty:
# none). Under QEMU 7.2's TCG (the lab), two HVM-container vCPUs that share
# an emulated pCPU corrupt each other: the second guest triple-faults or
# panics while it boots, with or without Xen's asid=0, with one TCG thread
# or several; pinned one per pCPU they run (tests/e2e/README.md). PV
# guests and dom0 may share any pCPU. E2E_HVM_AVOID_PCPUS: pCPUs never
# given to one (e.g. "0", where Xen takes the lab's device interrupts).
hvm_free_pcpu() {
	local n c g used=" ${E2E_HVM_AVOID_PCPUS:-} "
	n=$(xl info 2>/dev/null | awk '/^nr_cpus/ {print $3}')
	for g in $(xl list 2>/dev/null | awk 'NR > 2 {print $1}'); do
		xl list -l "$g" 2>/dev/null | grep -qE '"type": "(pvh|hvm)"' || continue
		# Hard affinity: a number, or a set ("all", "0-1"): every pCPU.
		used="$used $(xl vcpu-list "$g" 2>/dev/null |
			awk 'NR > 1 { print ($7 ~ /^[0-9]+$/) ? $7 : "all" }')"
	done
	case " $used " in *" all "*) return 0 ;; esac
	for ((c = 0; c < ${n:-0}; c++)); do
		case " $used " in *" $c "*) ;; *) echo "$c"; return 0 ;; esac
	done
}
guest_wait() {
	local name=$1
	if ! wait_for 180 '[ "$(xs_get "$name" $E2E_CHAN/ready)" = 1 ]'; then
		log "$name did not come up; console tail:"
		tail -n 20 "$(guest_log "$name")" 2>/dev/null | sed 's/^/    | /'
		return 1
	fi
	log "$name up (domid $(domid "$name"), $(grep -m1 '^guest: role' "$(guest_log "$name")"))"
}
guest_create() { guest_start "$@" && guest_wait "$1"; }

# guest_run NAME CMD [TIMEOUT_S]: run CMD with sh in the guest, print its
# output (last 1800 bytes), return its exit status (255: no answer).
guest_run() {
	local name=$1 cmd=$2 timeout=${3:-60} home seq
	home=$(dompath "$name")
	# A fresh number each time, not done + 1: after xl restore the guest's
	# home is new (done is gone) but the guest remembers the last one.
	seq=$(date +%s%N)
	xenstore-write "$home/$E2E_CHAN/cmd" "$cmd" "$home/$E2E_CHAN/seq" "$seq" || return 255
	if ! wait_for "$timeout" '[ "$(xenstore-read "$home/$E2E_CHAN/done")" = "$seq" ]'; then
		log "$name: no answer to '$cmd' in ${timeout}s"
		return 255
	fi
	xenstore-read "$home/$E2E_CHAN/out"
	return "$(xenstore-read "$home/$E2E_CHAN/rc")"
}

# guest_meminfo_kib NAME FIELD: a /proc/meminfo field of the guest, in KiB.
guest_meminfo_kib() {
	guest_run "$1" "grep '^$2:' /proc/meminfo" | awk '{print $2}'
}

# xl_mem_mib NAME: the domain's memory as `xl list` reports it (MiB).
xl_mem_mib() { xl list "$1" 2>/dev/null | awk 'NR == 2 {print $3}'; }

# free_mib: Xen's free memory.
free_mib() { xl info 2>/dev/null | awk '/^free_memory/ {print $3}'; }
# accounted_mib: Xen's free memory plus what every domain holds. Ballooning
# only moves memory between the two, so this stays put (to a few MiB of
# rounding) while ballastd shifts memory among the guests.
accounted_mib() {
	echo $(($(free_mib) + $(xl list 2>/dev/null | awk 'NR > 1 {s += $3} END {print s + 0}')))
}

# accounted_settled [S]: wait (at most S s, 120) until accounted_mib stays
# within 2 MiB over 5 s. A domain destroyed a moment ago (an earlier
# scenario's) is gone from xl list but gives its pages back to Xen over
# seconds, more under emulation: until then the sum creeps up (seen in real
# Xen: +33 MiB during scenario 05, after 03 destroyed a 893 MiB domain).
accounted_settled() {
	local end=$(($(date +%s) + ${1:-120})) a b
	a=$(accounted_mib)
	while [ "$(date +%s)" -lt "$end" ]; do
		sleep 5
		b=$(accounted_mib)
		[ $((b - a)) -le 2 ] && [ $((a - b)) -le 2 ] && return 0
		a=$b
	done
	return 1
}

# guest_log NAME: path of the guest's console log (xenconsoled's; for an
# HVM guest, its serial port's, see guest_start).
guest_log() {
	if [ "$(guest_type "$1")" = hvm ]; then
		echo "/var/log/xen/console/hvm-$1.log"
	else
		echo "/var/log/xen/console/guest-$1.log"
	fi
}

# within A B TOL: |A - B| <= TOL (integers).
within() { local d=$(($1 - $2)); [ "${d#-}" -le "$3" ]; }

# --- ballast-specific helpers -------------------------------------------------

# --- the cast -------------------------------------------------------------
# A boot's cast (tests/e2e/boots/BOOT, given to dom0/e2e-body) is a list of
# NAME:ROLE:TYPE, ROLE driver|agent|stock, TYPE pv|pvh|hvm; every guest boots
# at 384 MiB. Scenarios never spell a guest's name: they use
#   E2E_GUESTS, E2E_DRIVERS, E2E_AGENTS, E2E_STOCKS   (the guests that came up)
#   D1, D2   the first and second driver guest of the cast
#   AG       the first agent guest;  ST  the first stock guest
#   E2E_TYPE the type of D1, for guests a scenario creates itself
E2E_CAST_PV="d1:driver:pv d2:driver:pv ag:agent:pv st:stock:pv"
# cast_set SPEC: set the variables above (and E2E_ROLE_NAME, E2E_TYPE_NAME)
# from a cast.
cast_set() {
	local entry name role type
	E2E_CAST=$1 E2E_GUESTS="" E2E_DRIVERS="" E2E_AGENTS="" E2E_STOCKS=""
	D1="" D2="" AG="" ST="" E2E_TYPE=""
	for entry in $1; do
		name=${entry%%:*} role=${entry#*:} type=${entry##*:}
		role=${role%%:*}
		[ "$type" != "$entry" ] && [ "$role" != "$type" ] || type=pv
		eval "E2E_ROLE_$name=\$role E2E_TYPE_$name=\$type"
		E2E_GUESTS="${E2E_GUESTS:+$E2E_GUESTS }$name"
		case "$role" in
		driver)
			E2E_DRIVERS="${E2E_DRIVERS:+$E2E_DRIVERS }$name"
			if [ -z "$D1" ]; then D1=$name; elif [ -z "$D2" ]; then D2=$name; fi
			;;
		agent) E2E_AGENTS="${E2E_AGENTS:+$E2E_AGENTS }$name"; [ -n "$AG" ] || AG=$name ;;
		stock) E2E_STOCKS="${E2E_STOCKS:+$E2E_STOCKS }$name"; [ -n "$ST" ] || ST=$name ;;
		esac
		[ -n "$E2E_TYPE" ] || E2E_TYPE=$type
	done
	[ -z "$D1" ] || eval "E2E_TYPE=\$E2E_TYPE_$D1"
}
cast_set "$E2E_CAST_PV"
# guest_role NAME, guest_type NAME: the guest's role and type in the cast.
guest_role() { eval "echo \${E2E_ROLE_$1:-}"; }
guest_type() { eval "echo \${E2E_TYPE_$1:-\$E2E_TYPE}"; }
BALLASTD_CONF=/etc/ballast/ballastd.conf
BALLASTD_LOG=$E2E_OUT/ballastd.log
# Where the ballast package installs them (lab-images; /e2e/installed says
# whether they came from the .debs or the build tree).
BALLASTD=/usr/sbin/ballastd
BALLASTCTL=/usr/sbin/ballastctl
# In a guest: where DKMS installs the module (for guest_run).
GUEST_KO='/lib/modules/$(uname -r)/updates/dkms/ballast.ko'

# Scenario verdicts: `scenario NAME` once at the top, then pass or fail.
scenario() { E2E_NAME=$1; echo "--- scenario $1"; }
pass() { e2e_pass "$E2E_NAME"; exit 0; }
fail() { diagnose; e2e_fail "$E2E_NAME" "$*"; exit 1; }

# diagnose: what the host looked like when a scenario failed, on stdout so it
# reaches the run's summary (CI keeps nothing else).
diagnose() {
	echo "  diagnostics for $E2E_NAME at $(cut -d' ' -f1 /proc/uptime):"
	echo "    free $(free_mib) MiB; xl list:"
	xl list 2>&1 | sed 's/^/    | /'
	if [ -x "$BALLASTCTL" ] && [ -n "$(ballastd_pid)" ]; then
		echo "    ballastctl status:"
		timeout 10 ballastctl status 2>&1 | sed 's/^/    | /'
	fi
	echo "    ballastd log, last 25 lines:"
	tail -n 25 "$BALLASTD_LOG" 2>/dev/null | sed 's/^/    | /'
}

# Values the setup recorded (the cast, boot MemTotal, config mins/maxes).
E2E_STATE=/tmp/e2e-state.sh
[ -f "$E2E_STATE" ] && . "$E2E_STATE"
state_set() { echo "$1=$2" >> "$E2E_STATE"; eval "$1=$2"; }	# $2 as the file has it
# boot_xl_mib NAME, boot_memtotal_kib NAME: what the setup recorded at boot.
boot_xl_mib() { eval "echo \${E2E_BOOT_XL_MIB_$1:-0}"; }
boot_memtotal_kib() { eval "echo \${E2E_BOOT_MEMTOTAL_$1:-0}"; }

ballastd_pid() { pidof ballastd 2>/dev/null | awk '{print $1}'; }

# ballastd_start: in the background, logging to $BALLASTD_LOG (appended).
ballastd_start() {
	[ -x "$BALLASTD" ] || return 1
	echo "=== ballastd start at $(cut -d' ' -f1 /proc/uptime)" >> "$BALLASTD_LOG"
	setsid "$BALLASTD" -c "$BALLASTD_CONF" >> "$BALLASTD_LOG" 2>&1 < /dev/null &
	sleep 1
	[ -n "$(ballastd_pid)" ]
}

# ballastd_restart [KEY=VALUE...]: stop ballastd (SIGTERM), change [host]
# keys of its config, start it again.
# ballastd_stop: SIGTERM, SIGKILL if it is still there after 15 s.
ballastd_stop() {
	local pid
	pid=$(ballastd_pid)
	[ -n "$pid" ] || return 0
	kill -TERM "$pid"
	wait_for 15 '[ -z "$(ballastd_pid)" ]' || kill -KILL "$pid" 2> /dev/null
}
ballastd_restart() {
	local kv
	ballastd_stop
	for kv in "$@"; do
		sed -i "s|^${kv%%=*} = .*|${kv%%=*} = ${kv#*=}|" "$BALLASTD_CONF"
	done
	ballastd_start
}

# need_ballastd: fail the scenario unless ballastd runs.
need_ballastd() {
	[ -x "$BALLASTD" ] || fail "ballastd is not installed ($BALLASTD missing; $(cat /e2e/installed))"
	[ -n "$(ballastd_pid)" ] || fail "ballastd is not running; its log ends: $(tail -n 3 "$BALLASTD_LOG" | tr '\n' '|')"
}
need_ballastctl() {
	[ -x "$BALLASTCTL" ] || fail "ballastctl is not installed ($BALLASTCTL missing; $(cat /e2e/installed))"
}
# need_frontend NAME: the guest's frontend reports through the schema.
need_frontend() {
	[ -n "$(domid "$1")" ] || fail "guest $1 is not running"
	[ -n "$(data_get "$1" "$XS_DATA_FRONTEND")" ] ||
		fail "guest $1 has no $XS_DATA_DIR/$XS_DATA_FRONTEND: its frontend is not running ($(grep -m1 -E 'insmod|ballast' "$(guest_log "$1")" 2>/dev/null))"
}

ctl_get() { xs_get "$1" "$XS_CTL_DIR/$2"; }
data_get() { xs_get "$1" "$XS_DATA_DIR/$2"; }

# target_kib NAME: what ballastd asks of the guest: the ballast target for
# ballast frontends, memory/target for the stock balloon.
target_kib() {
	case " $E2E_STOCKS " in
	*" $1 "*) xs_get "$1" "$XS_STOCK_TARGET" ;;
	*) ctl_get "$1" "$XS_CTL_TARGET" ;;
	esac
}

# guest_oom NAME: the guest's kernel log lines about OOM kills (empty: none).
guest_oom() { guest_run "$1" "dmesg | grep -iE 'invoked oom-killer|Killed process' | head -n 2"; }

# mib KIB: KiB to MiB, rounded down.
mib() { echo $(($1 / 1024)); }

# write_ballastd_conf: the lab's ballastd.conf, for the cast (cast_set).
write_ballastd_conf() {
	local g
	mkdir -p "$(dirname "$BALLASTD_CONF")"
	{
		cat <<-CONF
		# ballastd.conf for the e2e lab: a fast tick so scenarios finish quickly;
		# idle guests shrink to their demand and leave the rest free (keep-free),
		# so that growth must come from free memory or, once that is gone, from
		# the idle guests.
		[host]
		tick-ms = 1000
		log = stderr
		slush = 32M
		surplus = keep-free
		step = 64M
		rate-min = 4M
		rate-max = 256M
		default-min = 96M
		# vCPUs: off but for scenario 13, which restarts ballastd with
		# vcpu-scaling = yes. 2 pCPUs hold 7 vCPUs of the cast and dom0:
		# no contention cap; onlining under TCG takes seconds; a guest
		# spinning on 2 vCPUs beside dom0's emulation sees steal that a
		# real host would not.
		vcpu-scaling = no
		vcpu-overcommit-pct = 1000
		vcpu-steal-max = 6000
		vcpu-settle-ms = 30000
		vcpu-cooldown-ms = 10000
		CONF
		for g in $E2E_GUESTS; do
			echo
			echo "[domain $g]"
			echo "vcpu-scaling = no"	# the cast keeps its counts
			if [ "$(guest_role "$g")" = stock ]; then
				cat <<-CONF
				# The stock Linux balloon does not announce itself (control/feature-balloon):
				# the admin says it is there. It reports no statistics, so ballastd holds
				# it where it is unless its subscription or contention move it: its max
				# is below its boot size, so its target must come down to 320 MiB.
				stock-balloon = yes
				min = 96M
				max = 320M
				CONF
			else
				printf 'min = 96M\nmax = 384M\n'
			fi
		done
		cat <<-CONF

		# Scenario 2's filler: holds host memory, not managed.
		[domain filler]
		stock-balloon = no
		CONF
	} > "$BALLASTD_CONF"
}

# state_cast SPEC: cast_set SPEC and record it for the scenarios.
state_cast() {
	local g
	cast_set "$1"
	state_set E2E_CAST "'$1'"
	for g in $E2E_GUESTS; do
		state_set "E2E_ROLE_$g" "$(guest_role "$g")"
		state_set "E2E_TYPE_$g" "$(guest_type "$g")"
	done
	state_set D1 "$D1"
	state_set D2 "$D2"
	state_set AG "$AG"
	state_set ST "$ST"
	state_set E2E_TYPE "$E2E_TYPE"
	state_set E2E_DRIVERS "'$E2E_DRIVERS'"
	state_set E2E_AGENTS "'$E2E_AGENTS'"
	state_set E2E_STOCKS "'$E2E_STOCKS'"
	state_set E2E_GUESTS "'$E2E_GUESTS'"
}
