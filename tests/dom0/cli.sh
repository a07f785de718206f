#!/bin/sh
# cli.sh: ballastd's and ballastctl's command lines where no Xen is needed
# (issue 13): --version from the one version string, per-verb help, and
# `ballastd --check-config`, which names file, line, section and key.
#
#   tests/dom0/cli.sh BALLASTD BALLASTCTL VERSION
set -u
ballastd=$1 ballastctl=$2 version=$3
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0

ok() { echo "ok $1"; }
bad() { echo "FAIL $1"; fail=1; }

# expect NAME STATUS NEEDLE CMD...: CMD exits STATUS, its output has NEEDLE
expect() {
	name=$1 status=$2 needle=$3
	shift 3
	"$@" > "$tmp/out" 2>&1
	rc=$?
	if [ "$rc" -ne "$status" ]; then
		bad "$name: exit $rc, not $status: $(head -c 300 "$tmp/out")"
	elif ! grep -qF -- "$needle" "$tmp/out"; then
		bad "$name: no \"$needle\" in: $(head -c 300 "$tmp/out")"
	else
		ok "$name"
	fi
}

expect "ballastd --version" 0 "ballastd $version" "$ballastd" --version
expect "ballastd -V" 0 "ballastd $version" "$ballastd" -V
expect "ballastctl --version" 0 "ballastctl $version" "$ballastctl" --version
expect "ballastctl help" 0 "show-config" "$ballastctl" help
expect "ballastctl help set" 0 "usage: ballastctl set DOMAIN" "$ballastctl" help set
expect "ballastctl set --help" 0 "usage: ballastctl set DOMAIN" "$ballastctl" set --help
expect "ballastctl reserve -h" 0 "--timeout S" "$ballastctl" reserve 1G -h
expect "ballastctl reserve --help before --" 0 "usage: ballastctl reserve" \
	"$ballastctl" reserve --help -- xl create
expect "ballastctl help nosuch" 2 "unknown verb 'nosuch'" "$ballastctl" help nosuch
expect "ballastctl --bogus" 2 "usage: ballastctl" "$ballastctl" --bogus

cat > "$tmp/good.conf" <<'CONF'
[host]
slush = 64
step = 128M
rate-max = 64M
[domain web]
min = 512
max = 2g
CONF
expect "check-config: good" 0 "ballastd: $tmp/good.conf: OK" \
	"$ballastd" --check-config -c "$tmp/good.conf"

cat > "$tmp/bad.conf" <<'CONF'
[host]
slush = 12Q
tick-ms = 500
colour = blue
[domain web]
max = 99999999
CONF
for needle in "$tmp/bad.conf:2: [host] slush: not a size" \
	      "$tmp/bad.conf:4: [host] colour: unknown key" \
	      "$tmp/bad.conf:6: [domain web] max: not a size from 16M to 16T" \
	      "ballastd: $tmp/bad.conf: 3 errors"; do
	expect "check-config: bad: $needle" 1 "$needle" \
		"$ballastd" -t -c "$tmp/bad.conf"
done
printf '[domain web]\nmin = 2G\nmax = 1G\n' > "$tmp/cross.conf"
expect "check-config: min above max" 1 "[domain web] min above max" \
	"$ballastd" --check-config --config "$tmp/cross.conf"
expect "check-config: missing file" 1 "$tmp/none.conf: No such file" \
	"$ballastd" --check-config -c "$tmp/none.conf"
expect "check-config with --once" 2 "usage: ballastd" \
	"$ballastd" --check-config --once -c "$tmp/good.conf"
# the shipped example, every setting uncommented
sed 's/^#\([a-z[]\)/\1/' dom0-tools/ballastd.conf.example > "$tmp/example.conf"
expect "check-config: the shipped example" 0 "OK" \
	"$ballastd" --check-config -c "$tmp/example.conf"

if [ "$fail" -eq 0 ]; then echo "cli.sh: passed"; else echo "cli.sh: FAILED"; fi
exit "$fail"
