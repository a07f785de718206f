# Helpers of the vCPU scenarios (13, 15: vcpus-lib.sh; 16), sourced after
# /e2e/lib.sh: the host switch, and vCPU counts as Xen, xenstore, the guest
# and ballastctl see them.

# host_scaling yes|no [KEY=VALUE...]: [host] vcpu-scaling (the first one in
# the file: the cast's [domain]s have theirs, which ballastd_restart
# KEY=VALUE would change too), and ballastd restarted with the other [host]
# keys given.
host_scaling() {
	local on=$1
	shift
	sed -i "0,/^vcpu-scaling = .*/s//vcpu-scaling = $on/" "$BALLASTD_CONF" &&
		ballastd_restart "$@"
}

# xl_online NAME: vCPUs Xen has online (xl vcpu-list shows CPU "-" for the others).
xl_online() { xl vcpu-list "$1" 2>/dev/null | awk 'NR > 1 && $4 != "-"' | wc -l; }
# vcpu0_online NAME
vcpu0_online() { xl vcpu-list "$1" 2>/dev/null | awk 'NR > 1 && $3 == 0 && $4 != "-"' | grep -q .; }
# guest_online NAME: CPUs online in the guest, counted from its cpu list ("0-2,4").
guest_online() {
	guest_run "$1" 'cat /sys/devices/system/cpu/online' 20 |
		tr ',' '\n' | awk -F- 'NF == 2 { n += $2 - $1 + 1; next } NF == 1 && $1 != "" { n++ } END { print n + 0 }'
}
vcpu_status() {
	echo "xl $(xl_online "$1"), nodes $(for i in 0 1 2 3; do xs_get "$1" "$(printf "$XS_STOCK_CPU_AVAILABILITY_FMT" $i)" | cut -c1-3; done | tr '\n' ' ')" \
		"report load $(data_get "$1" "$XS_DATA_LOAD_AVG1") psi $(data_get "$1" "$XS_DATA_PSI_CPU_SOME_AVG10") online $(data_get "$1" "$XS_DATA_CPUS_ONLINE");" \
		"$(ballastctl explain "$1" 2>&1 | grep vCPUs | sed 's/^ *//')"
}
