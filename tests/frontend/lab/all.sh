#!/bin/sh
# One lab boot for every frontend body (boots are the slow part):
#   tests/frontend/lab/all.sh [E2E_RUN-name [PART...]]   (PART: driver oom agent)
# Builds a combined dom0 body from driver.sh, oom.sh and agent.sh (each in
# its own subshell, with its own guest) and runs it with tests/e2e/lab-run.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
run=${1:-fe-all}
[ $# -gt 0 ] && shift
parts=${*:-driver oom agent}
body=$(mktemp /tmp/ballast-fe-lab.XXXXXX)
trap 'rm -f "$body"' EXIT
{
	echo 'rc=0'
	for part in $parts; do
		echo "echo '=== frontend lab: $part'"
		echo '('
		cat "$here/$part.sh"
		echo ') || rc=1'
	done
	echo 'exit $rc'
} > "$body"
cd "$top"
E2E_RUN=$run tests/e2e/lab-run "$body"
