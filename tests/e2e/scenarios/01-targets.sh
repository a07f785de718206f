#!/bin/bash
# 1. Targets flow: ballastd sets a target for every guest; each converges
# (xl list, the guest's MemTotal and its report agree within a tolerance);
# xenstore-ls shows exactly the documented schema, with valid values.
# e2e-boots: pv pvh hvm
. /e2e/lib.sh
scenario targets
need_ballastd
[ -z "${E2E_MISSING:-}" ] ||
	fail "guests that never came up: $E2E_MISSING ($(for g in $E2E_MISSING; do grep -m1 -h 'error' "$E2E_OUT/xl-create-$g.log" 2>/dev/null; done | head -n 1))"

TOL_MIB=12	# page tables, rounding, a tick's worth of movement

# Every guest gets a target from ballastd. The stock guest's memory/target
# exists from xl create, so it counts once it moved off the boot size: it has
# no statistics, so only its max (320 MiB, below its 384 MiB boot size) moves
# it.
for g in $E2E_DRIVERS $E2E_AGENTS; do
	need_frontend "$g"
	wait_for 60 '[ -n "$(ctl_get $g $XS_CTL_TARGET)" ]' ||
		fail "$g: no $XS_CTL_DIR/$XS_CTL_TARGET after 60 s"
done
for g in $E2E_STOCKS; do
	boot_kib=$(($(boot_xl_mib "$g") * 1024))
	wait_for 60 '[ "$(target_kib $g)" != "$boot_kib" ]' ||
		fail "$g: ballastd never moved its $XS_STOCK_TARGET off the boot value $boot_kib KiB (its max is below it)"
done

# Convergence: xl list's allocation follows the target, and the guest's
# MemTotal moved by as much as its allocation did since boot.
converged() {
	local g=$1 t_kib xl_mib mt_kib boot_mt boot_xl
	t_kib=$(target_kib "$g") xl_mib=$(xl_mem_mib "$g")
	[ -n "$t_kib" ] && [ -n "$xl_mib" ] || return 1
	within "$xl_mib" "$(mib "$t_kib")" "$TOL_MIB"
}
# The guests converge together, so they are waited for together, and their
# MemTotal is asked of all at once: one after the other (wait, then ask
# the guest), they took 20-135 s each under TCG, and four outlasted the
# scenario's 360 s while every guest was already at its target.
all_converged() { local g; for g in $E2E_GUESTS; do converged "$g" || return 1; done; }
if ! wait_for 180 all_converged; then
	for g in $E2E_GUESTS; do
		converged "$g" ||
			fail "$g did not converge in 180 s: target $(target_kib "$g") KiB, xl list $(xl_mem_mib "$g") MiB, report current=$(data_get "$g" "$XS_DATA_CURRENT") state=$(data_get "$g" "$XS_DATA_STATE")"
	done
fi
for g in $E2E_GUESTS; do
	guest_meminfo_kib "$g" MemTotal > "/tmp/01-memtotal-$g" &
done
wait
for g in $E2E_GUESTS; do
	t_kib=$(target_kib "$g") xl_mib=$(xl_mem_mib "$g")
	mt_kib=$(cat "/tmp/01-memtotal-$g")
	[ -n "$mt_kib" ] || fail "$g did not answer for its MemTotal"
	eval boot_mt=\$E2E_BOOT_MEMTOTAL_$g boot_xl=\$E2E_BOOT_XL_MIB_$g
	shrink_xl=$((boot_xl - xl_mib)) shrink_mt=$(mib $((boot_mt - mt_kib)))
	log "$g: target $(mib "$t_kib") MiB, xl $xl_mib MiB, MemTotal $(mib "$mt_kib") MiB (boot $(mib "$boot_mt")), report current=$(data_get "$g" "$XS_DATA_CURRENT") state=$(data_get "$g" "$XS_DATA_STATE")"
	# A stock guest is steered from its first moment: its balloon applies
	# the target while the kernel boots, before init records MemTotal, so
	# its "boot" MemTotal is already the shrunk one. Its convergence (xl
	# list against memory/target) is checked above.
	case " $E2E_STOCKS " in *" $g "*) continue ;; esac
	within "$shrink_mt" "$shrink_xl" "$TOL_MIB" ||
		fail "$g: xl list shrank by $shrink_xl MiB since boot but MemTotal by $shrink_mt MiB"
	cur=$(data_get "$g" "$XS_DATA_CURRENT")
	within "$(mib "${cur:-0}")" "$xl_mib" "$TOL_MIB" ||
		fail "$g: reports $XS_DATA_CURRENT=$cur KiB but xl list says $xl_mib MiB"
done

# Exactly the documented schema: every key under memory/ballast and
# data/ballast is in the table, has a valid value, and the essential ones
# are present. Nothing else appears in the guests' ballast directories.
check_dir() {	# NAME PLACE DIR "REQUIRED KEYS"
	local g=$1 place=$2 dir=$3 required=$4 key val why
	local listing
	listing=$(xenstore-ls "$(dompath "$g")/$dir" 2>&1) ||
		fail "$g: xenstore-ls $dir failed: $listing"
	while IFS= read -r line; do
		key=${line%% =*}
		case "$key" in " "*) fail "$g: $dir has a nested node: '$line'" ;; esac
		val=$(xs_get "$g" "$dir/$key")
		why=$(schema-env check "$place" "$key" "$val") ||
			fail "$g: $dir/$key: $why"
	done <<< "$listing"
	for key in $required; do
		grep -q "^$key = " <<< "$listing" || fail "$g: $dir/$key is missing; have: $(echo $listing)"
	done
}
# The guests run Debian's kernel, which has PSI: driver and agent report it.
for g in $E2E_DRIVERS $E2E_AGENTS; do
	check_dir "$g" CTL "$XS_CTL_DIR" "$XS_CTL_TARGET"
	check_dir "$g" DATA "$XS_DATA_DIR" \
		"$XS_DATA_FRONTEND $XS_DATA_PROTOCOL $XS_DATA_CURRENT $XS_DATA_STATE $XS_DATA_SEQ $XS_DATA_PSI_SOME_AVG10 $XS_DATA_PSI_FULL_AVG10"
done
for g in $E2E_DRIVERS $E2E_AGENTS; do
	want=$(guest_role "$g")
	[ "$(data_get "$g" "$XS_DATA_FRONTEND")" = "$want" ] ||
		fail "$g: $XS_DATA_FRONTEND=$(data_get "$g" "$XS_DATA_FRONTEND"), expected $want"
done
# The stock guest has no ballast frontend: nothing of ours may appear there
# except what dom0 writes.
for g in $E2E_STOCKS; do
	[ -z "$(xs_get "$g" "$XS_DATA_DIR" 2>/dev/null; xenstore-ls "$(dompath "$g")/$XS_DATA_DIR" 2>/dev/null)" ] ||
		fail "$g (stock balloon only) has a $XS_DATA_DIR directory"
done
pass
