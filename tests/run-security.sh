#!/usr/bin/env bash
# Security tests: every tests/security/*.sh (or the ones named), each run
# with bash under a timeout (NFX_SECURITY_TIMEOUT, default 300 s), as root:
# a test makes the local users it attacks with and removes them. Prints
# PASS/FAIL per test and "N passed, M failed"; the log of a failed test is
# shown. (Modelled on tests/run-integration.sh.)
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
DIR="$ROOT/tests/security"
TMO="${NFX_SECURITY_TIMEOUT:-300}"

tests=()
if [[ $# -gt 0 ]]; then
	for a in "$@"; do
		[[ -f "$a" ]] && tests+=("$a") || tests+=("$DIR/$(basename "${a%.sh}").sh")
	done
else
	for f in "$DIR"/*.sh; do
		[[ -e "$f" ]] && tests+=("$f")
	done
fi

log="$(mktemp /tmp/nfx-security.XXXXXX)"
trap 'rm -f "$log"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

passed=0
failed=0
for t in "${tests[@]}"; do
	name="$(basename "${t%.sh}")"
	rc=0
	# TERM first, so the test's trap can clean up; KILL 30 s later.
	(cd "$ROOT" && timeout --kill-after=30 "$TMO" bash "$t") >"$log" 2>&1 </dev/null || rc=$?
	if [[ $rc -eq 0 ]]; then
		echo "PASS $name"
		passed=$((passed + 1))
	else
		if [[ $rc -eq 124 || $rc -eq 137 ]]; then
			echo "FAIL $name (timed out after ${TMO}s)"
		else
			echo "FAIL $name (exit $rc)"
		fi
		tail -n 60 "$log" | sed 's/^/    | /'
		failed=$((failed + 1))
	fi
done

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
