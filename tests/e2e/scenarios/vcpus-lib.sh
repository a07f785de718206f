# vCPUs follow CPU load: the body of scenarios 13 (ballast.ko) and 15
# (ballast-agent), one guest each so that each fits its time limit (both in
# one scenario ran past 600 s in the lab). Sourced with VG (the guest's
# name) and VROLE (driver or agent) set; see 13-vcpus.sh for what it checks.

MEM=224 MAXV=4
UP_S=150	# threads start -> more vCPUs online (TCG: onlining takes seconds)
DOWN_S=180	# threads stop -> back to vcpus-min (the 1-minute load average decays)
. /e2e/scenarios/vcpus-fns.sh
cleanup() {
	local g
	xl destroy "$VG" > /dev/null 2>&1
	ballastctl set "$VG" vcpus-min=default > /dev/null 2>&1
	host_scaling no > /dev/null 2>&1
}
trap cleanup EXIT

host_scaling yes || fail "ballastd did not restart with vcpu-scaling = yes: $(tail -n 3 "$BALLASTD_LOG" | tr '\n' '|')"
for g in "$VG:$VROLE"; do
	GUEST_VCPUS=1 GUEST_MAXVCPUS=$MAXV guest_start "${g%%:*}" "${g#*:}" $MEM $MEM ||
		fail "cannot create guest ${g%%:*} (${g#*:}, vcpus 1 of $MAXV)"
done
for g in "$VG"; do
	guest_wait $g || fail "guest $g did not come up"
	need_frontend $g
done
for g in "$VG"; do
	out=$(ballastctl set $g vcpus-min=2 2>&1) || fail "ballastctl set $g vcpus-min=2: $out"
done

# run_one NAME VCPUS_MIN
run_one() {
	local g=$1 vmin=$2 n peak=0 t0 t_up=""
	wait_for 90 '[ "$(xl_online '$g')" -eq '$vmin' ]' ||
		fail "$g idle: $(xl_online $g) vCPUs online, expected its vcpus-min $vmin ($(vcpu_status $g))"
	log "$g idle at $vmin vCPU(s): $(vcpu_status $g)"
	guest_run $g 'rm -f /tmp/spin.pids; for i in 1 2 3; do (while :; do :; done) > /dev/null 2>&1 & echo $! >> /tmp/spin.pids; done' > /dev/null ||
		fail "$g: cannot start the spinning threads"
	t0=$(date +%s)
	while [ $(($(date +%s) - t0)) -lt $UP_S ]; do
		n=$(xl_online $g)
		vcpu0_online $g || fail "$g: vCPU 0 offline under load ($(vcpu_status $g))"
		[ "$n" -le "$peak" ] || { peak=$n; log "$g: $n vCPUs online after $(($(date +%s) - t0)) s"; }
		[ -n "$t_up" ] || [ "$n" -le "$vmin" ] || t_up=$(($(date +%s) - t0))
		[ -z "$t_up" ] || break
		sleep 4	# each xl call costs dom0 time, which the guest sees as steal
	done
	[ -n "$t_up" ] || fail "$g: 3 CPU-bound threads for $UP_S s, still $(xl_online $g) vCPU(s) online ($(vcpu_status $g))"
	# the same count in the guest (a change in flight: a few seconds)
	wait_for 30 '[ "$(guest_online '$g')" -eq "$(xl_online '$g')" ]' ||
		fail "$g: Xen has $(xl_online $g) vCPUs online, the guest's /sys/devices/system/cpu/online says $(guest_online $g): the frontend did not bring them online"
	log "$g: rose from $vmin to $peak vCPUs (first change seen in Xen after $t_up s; the guest agrees): $(vcpu_status $g)"

	guest_run $g 'kill $(cat /tmp/spin.pids)' > /dev/null
	t0=$(date +%s)
	while [ $(($(date +%s) - t0)) -lt $DOWN_S ]; do
		n=$(xl_online $g)
		vcpu0_online $g || fail "$g: vCPU 0 offline ($(vcpu_status $g))"
		[ "$n" -ge "$vmin" ] || fail "$g: $n vCPUs online, below its vcpus-min $vmin ($(vcpu_status $g))"
		[ "$n" -gt "$vmin" ] || break
		sleep 4
	done
	[ "$(xl_online $g)" -eq "$vmin" ] ||
		fail "$g: threads stopped $DOWN_S s ago, still $(xl_online $g) vCPUs online, vcpus-min $vmin ($(vcpu_status $g))"
	sleep 10	# and it stays there
	n=$(xl_online $g)
	[ "$n" -eq "$vmin" ] || fail "$g: went to $n vCPUs after falling back to $vmin ($(vcpu_status $g))"
	wait_for 30 '[ "$(guest_online '$g')" -eq '$vmin' ]' ||
		fail "$g: back at $vmin in Xen, but the guest says $(guest_online $g) CPUs online"
	log "$g: back to $vmin vCPU(s) $(($(date +%s) - t0 - 10)) s after the threads stopped: $(vcpu_status $g)"
}

run_one "$VG" 2
grep -E "^$VG \\([0-9]+\\): (vCPUs|the guest did not)" "$BALLASTD_LOG" | tail -n 12 | sed 's/^/    | /'
pass
