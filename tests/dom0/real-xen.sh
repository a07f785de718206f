#!/bin/bash
# ballastd and ballastctl against a real Xen 4.17 (libxenctrl, xenstored).
# A lab body, not part of `make check` (needs root and ~2 minutes):
#
#   make VARIANT=plain all && make -C linux-frontend
#   tests/e2e/lab-run tests/dom0/real-xen.sh
#
# Prints one "DOM0 OK what" or "DOM0 FAIL what: why" line per check and
# exits with the number of failures. Keys come from /e2e/schema.sh.
. /e2e/lib.sh
set -u
fails=0
ok() { echo "DOM0 OK $*"; }
bad() { echo "DOM0 FAIL $*"; fails=$((fails + 1)); }
CONF=/etc/ballast/ballastd.conf
LOG=$E2E_OUT/ballastd.log
D=/usr/local/sbin/ballastd
C=/usr/local/bin/ballastctl
[ -x "$D" ] && [ -x "$C" ] || { bad "binaries: missing $D or $C"; exit 1; }

mkdir -p /etc/ballast
write_conf() {
	cat > "$CONF" <<CONF
[host]
tick-ms = 1000
surplus = keep-free
slush = 32M
step = 64M
default-min = 96M
metrics-file = $E2E_OUT/metrics.prom
$1
[domain s1]
stock-balloon = yes
min = 96M
max = 192M
[domain d1]
min = 96M
max = 256M
CONF
}
write_conf ""

guest_create s1 stock 256 256 || bad "s1 did not boot"
guest_create d1 driver 256 256 || bad "d1 did not boot"
S1=$(domid s1) D1=$(domid d1)
xl list

# --- --once --dry-run: says what it would write, writes only its status ------
"$D" -c "$CONF" --once --dry-run > "$E2E_OUT/dry.log" 2>&1
cat "$E2E_OUT/dry.log"
if grep -q "dry-run: write $(dompath s1)/$XS_STOCK_TARGET = 196608" "$E2E_OUT/dry.log" &&
   [ "$(xs_get s1 "$XS_STOCK_TARGET")" = 262144 ] &&
   ! xenstore-read "$XS_TOOL_DIR/$XS_TOOL_DOMAIN" > /dev/null 2>&1 &&
   xenstore-ls "$XS_TOOL_DIR" | grep -q 'dry_run.*true'; then
	ok "dry-run printed the stock target and wrote only its status (dry_run true)"
else
	bad "dry-run: target now $(xs_get s1 "$XS_STOCK_TARGET")"
fi

# --- the daemon ---------------------------------------------------------------
setsid "$D" -c "$CONF" >> "$LOG" 2>&1 < /dev/null &
PID=$!
if wait_for 30 '[ "$(xs_get s1 "$XS_STOCK_TARGET")" = 196608 ]'; then
	ok "stock guest s1 driven through $XS_STOCK_TARGET to its max 196608"
else
	bad "s1 target is $(xs_get s1 "$XS_STOCK_TARGET")"
fi
if wait_for 30 '[ "$(xl_mem_mib s1)" -le 193 ]'; then
	ok "s1's stock balloon followed: xl list says $(xl_mem_mib s1) MiB"
else
	bad "s1 holds $(xl_mem_mib s1) MiB"
fi
if [ -n "$(data_get d1 "$XS_DATA_FRONTEND")" ]; then
	if wait_for 30 '[ -n "$(ctl_get d1 "$XS_CTL_TARGET")" ]'; then
		ok "d1 (ballast.ko) got $XS_CTL_DIR/target $(ctl_get d1 "$XS_CTL_TARGET")"
	else
		bad "d1 has no ballast target"
	fi
	perms=$(xenstore-ls -p "$(dompath d1)" 2>/dev/null | grep -E "^ *${XS_CTL_DIR#*/} " | head -n1)
	case "$perms" in
	*"(n0,r$D1)"*) ok "$XS_CTL_DIR perms: $perms" ;;
	*) bad "$XS_CTL_DIR perms: '$perms'" ;;
	esac
else
	echo "d1 has no ballast frontend (ballast.ko not built?): driver checks skipped"
fi

"$C" status | tee "$E2E_OUT/status.txt"
grep -q "^s1 .* stock " "$E2E_OUT/status.txt" && ok "ballastctl status lists s1 as stock" ||
	bad "status: $(cat "$E2E_OUT/status.txt" | tr '\n' '|')"
"$C" status --json > "$E2E_OUT/status.json" && grep -q '"ballastd_running": true' "$E2E_OUT/status.json" &&
	ok "ballastctl status --json" || bad "status --json: $(head -c 300 "$E2E_OUT/status.json")"
"$C" explain s1 | tee "$E2E_OUT/explain.txt"
grep -q "bound: " "$E2E_OUT/explain.txt" && ok "ballastctl explain s1" || bad "explain"
grep -q "ballast_domain_target_bytes{domid=\"[0-9]*\",name=\"s1\"}" "$E2E_OUT/metrics.prom" 2>/dev/null &&
	ok "metrics file" || bad "metrics file missing or without s1"

# --- runtime override ------------------------------------------------------------
"$C" set s1 max=128M
if wait_for 30 '[ "$(xs_get s1 "$XS_STOCK_TARGET")" = 131072 ]'; then
	ok "ballastctl set s1 max=128M obeyed"
else
	bad "after set: s1 target $(xs_get s1 "$XS_STOCK_TARGET")"
fi

# --- SIGHUP with a broken file keeps the old configuration -------------------------
write_conf "nonsense = 1"
kill -HUP "$PID"
sleep 2
grep -q "keeping the previous configuration" "$LOG" && kill -0 "$PID" &&
	ok "bad reload refused, daemon still running" || bad "reload: $(tail -n 2 "$LOG" | tr '\n' '|')"
write_conf ""
kill -HUP "$PID"

# --- SIGKILL and restart: no target jump ---------------------------------------------
sleep 3
before=$(xs_get s1 "$XS_STOCK_TARGET")
kill -9 "$PID"
echo "=== restart" >> "$LOG"
setsid "$D" -c "$CONF" >> "$LOG" 2>&1 < /dev/null &
PID=$!
sleep 5
after=$(xs_get s1 "$XS_STOCK_TARGET")
if [ "$before" = "$after" ] && ! sed -n '/=== restart/,$p' "$LOG" | grep -q "s1 ($S1): target"; then
	ok "restart after SIGKILL: s1 target stays $after, nothing rewritten"
else
	bad "restart: s1 target $before -> $after; $(sed -n '/=== restart/,$p' "$LOG" | tr '\n' '|')"
fi

# --- reserve ---------------------------------------------------------------------------
# More than is free, less than the guests can give above their mins (96M)
# beyond the slush (32M).
free0=$(free_mib)
above=$(($(xl_mem_mib s1) - 96 + $(xl_mem_mib d1) - 96 - 32))
want=$((free0 + above / 2))
if [ "$above" -lt 16 ]; then
	bad "reserve: the guests hold only $above MiB to give"
elif timeout 120 "$C" reserve "${want}M" --timeout 60 > "$E2E_OUT/reserve.log" 2>&1; then
	ok "reserve ${want}M with $free0 MiB free: granted, free now $(free_mib) MiB"
else
	bad "reserve ${want}M (free $free0, guests above min $above): $(tail -n 3 "$E2E_OUT/reserve.log" | tr '\n' '|')"
fi
cat "$E2E_OUT/reserve.log"
if timeout 60 "$C" reserve 64G --timeout 10 > "$E2E_OUT/reserve-huge.log" 2>&1; then
	bad "reserve 64G succeeded"
else
	ok "reserve 64G refused: $(tail -n 1 "$E2E_OUT/reserve-huge.log")"
fi

# --- a domain goes -------------------------------------------------------------------------
xl destroy d1
if wait_for 20 'grep -q "d1 ($D1): left" "$LOG"' &&
   ! xenstore-read "$XS_TOOL_DIR/$XS_TOOL_DOMAIN/$D1" > /dev/null 2>&1; then
	ok "d1 destroyed: ballastd noticed and cleaned its tool state"
else
	bad "d1 destroy not noticed"
fi

kill -TERM "$PID"
wait_for 10 '! kill -0 $PID' && ok "SIGTERM: ballastd exited" || bad "ballastd ignored SIGTERM"
echo "--- ballastd log"
cat "$LOG"
echo "DOM0 failures: $fails"
exit "$fails"
