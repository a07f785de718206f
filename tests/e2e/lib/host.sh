# Host-side helpers shared by build-lab, lab-run, run-e2e, demo, bench-e2e.
# Sourced, never executed. Sets the lab's identity (kernel ABI, Xen version)
# and where the cache lives.

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOP=$(cd "$E2E_DIR/../.." && pwd)
LAB_CACHE_ROOT=${BALLAST_LAB_CACHE:-/var/cache/ballast-lab}
MIRROR=${BALLAST_LAB_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${BALLAST_LAB_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
# E2E_QEMU_LOCK: another lock file lets two labs run at once (each then
# runs at about half speed: the scenarios' time limits allow for that).
QEMU_LOCK=${E2E_QEMU_LOCK:-/tmp/ballast-qemu.lock}

# Packages the host needs to build and boot the lab (tell `make deps`).
HOST_PKGS="qemu-system-x86 debootstrap e2fsprogs cpio busybox-static kmod gcc make libc6-dev libxen-dev"

stage() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'lab: error: %s\n' "$*" >&2; exit 1; }

# The kernel ABI the module builds against: the linux-headers-amd64
# candidate, falling back to the newest installed headers when apt knows none.
lab_kver() {
	local k
	k=$(apt-cache depends linux-headers-amd64 2>/dev/null |
		sed -n 's/^ *Depends: linux-headers-\([0-9].*-amd64\)$/\1/p' | head -n1)
	if [ -z "$k" ]; then
		k=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n1)
		k=${k#/usr/src/linux-headers-}
	fi
	[ -n "$k" ] || die "cannot tell the kernel ABI (no linux-headers-amd64 candidate)"
	echo "$k"
}

# The Xen version: exactly the installed libxen-dev, else the candidate.
lab_xenver() {
	local v
	v=$(dpkg-query -W -f='${Version}' libxen-dev 2>/dev/null)
	[ -n "$v" ] || v=$(apt-cache policy libxen-dev 2>/dev/null | sed -n 's/^ *Candidate: //p')
	[ -n "$v" ] && [ "$v" != "(none)" ] || die "cannot tell the Xen version (libxen-dev)"
	echo "$v"
}

lab_init() {
	KVER=${KVER:-$(lab_kver)}
	XENVER=${XENVER:-$(lab_xenver)}
	LAB_CACHE="$LAB_CACHE_ROOT/$KVER-xen$(echo "$XENVER" | tr '+~:' '___')"
	BUILD_E2E="$TOP/build/e2e"
}
