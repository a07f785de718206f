# The Debian packages the lab installs ballast from (`make deb`, in
# build/deb/): finding them, telling whether they are older than the
# sources, building them. Sourced after host.sh, never executed.
#
# E2E_DEBS=DIR      take the .debs from DIR as they are (never rebuilt:
#                   packages built elsewhere, a CI artifact)
# E2E_FROM_BUILD=1  no packages: lab-images copies the build tree's
#                   programs and module instead (quick iteration only)

DEBS_DIR=${E2E_DEBS:-$TOP/build/deb}
# The three binary packages of debian/control: dom0, guest agent, guest
# module source.
DEB_PACKAGES="ballast ballast-agent ballast-dkms"

from_build() { [ "${E2E_FROM_BUILD:-0}" = 1 ]; }

# debs_one PACKAGE: the path of PACKAGE's one .deb in DEBS_DIR, checked
# whole (control and every file of its payload); exits non-zero after
# saying what is wrong: none, several, not that package, truncated.
debs_one() {
	local pkg=$1 f found=()
	for f in "$DEBS_DIR/${pkg}_"*.deb; do
		[ -e "$f" ] && found+=("$f")
	done
	case ${#found[@]} in
	1) f=${found[0]} ;;
	0)
		echo "lab: error: no ${pkg}_*.deb in $DEBS_DIR (make deb builds them; E2E_FROM_BUILD=1 tests the build tree instead)" >&2
		return 1 ;;
	*)
		echo "lab: error: several ${pkg}_*.deb in $DEBS_DIR: ${found[*]##*/} (make deb starts from an empty build/deb)" >&2
		return 1 ;;
	esac
	if [ "$(dpkg-deb -f "$f" Package 2>/dev/null)" != "$pkg" ] ||
		! dpkg-deb --fsys-tarfile "$f" > /dev/null 2>&1; then
		echo "lab: error: $f is not a whole $pkg package (dpkg-deb cannot read it; make deb again)" >&2
		return 1
	fi
	echo "$f"
}

# debs_find: DEB_BALLAST, DEB_AGENT, DEB_DKMS, or exit naming what is missing.
debs_find() {
	DEB_BALLAST=$(debs_one ballast) || exit 1
	DEB_AGENT=$(debs_one ballast-agent) || exit 1
	DEB_DKMS=$(debs_one ballast-dkms) || exit 1
}

# debs_stale: true if a package is missing from DEBS_DIR or a source file
# is newer than the oldest of them. The sources are what tests/deb/build-deb
# packs: the files git knows (tracked, or untracked and not ignored), else
# every file outside build/.
debs_stale() {
	local pkg f oldest=""
	for pkg in $DEB_PACKAGES; do
		f=$(debs_one "$pkg" 2> /dev/null) || return 0
		if [ -z "$oldest" ] || [ "$f" -ot "$oldest" ]; then oldest=$f; fi
	done
	if git -C "$TOP" rev-parse --is-inside-work-tree > /dev/null 2>&1; then
		(cd "$TOP" && git ls-files -z --cached --others --exclude-standard |
			xargs -0 -r sh -c 'find "$@" -maxdepth 0 -newer "$0" -print 2>/dev/null' "$oldest" |
			grep -q .)
	else
		find "$TOP" -path "$TOP/build" -prune -o -type f -newer "$oldest" -print | grep -q .
	fi
}

# debs_ensure: for run-e2e, demo and bench-e2e: `make deb` when a package
# is missing or older than the sources (build/e2e/build-deb.log), then
# debs_find. A failed build stops the run: the lab never falls back to the
# build tree on its own. Nothing to do under E2E_FROM_BUILD=1; the
# packages of E2E_DEBS are taken as they are.
debs_ensure() {
	if from_build; then
		stage "build: E2E_FROM_BUILD=1: the lab runs the build tree's programs and module, not the .debs"
		return 0
	fi
	if [ -n "${E2E_DEBS:-}" ]; then
		stage "build: the .debs of E2E_DEBS=$E2E_DEBS, as they are"
	elif debs_stale; then
		stage "build: make deb (the .debs in ${DEBS_DIR#"$TOP"/} are missing or older than the sources; log build/e2e/build-deb.log)"
		mkdir -p "$TOP/build/e2e"
		if ! make -C "$TOP" deb > "$TOP/build/e2e/build-deb.log" 2>&1; then
			tail -n 15 "$TOP/build/e2e/build-deb.log" | sed 's/^/    /' >&2
			die "make deb failed (build/e2e/build-deb.log; make deps-deb installs what it needs; E2E_FROM_BUILD=1 tests the build tree instead)"
		fi
	else
		stage "build: the .debs in ${DEBS_DIR#"$TOP"/} are up to date"
	fi
	debs_find
}
