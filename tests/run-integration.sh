#!/usr/bin/env bash
# Integration tests: every tests/integration/*.sh (or the ones named), each
# run with bash under a timeout (NFX_INTEGRATION_TIMEOUT, default 300 s).
# A test starts the real daemons itself (./nfx up in a temp state dir and
# netns) and cleans up after itself in a trap. A test that cannot run here
# (a missing tool, not root) exits 77: it is skipped, not passed. Prints
# PASS/FAIL/SKIP NAME per test and a last line "N passed, M failed" (with
# ", K skipped" when some were) that ./nfx test adds up; the log of a failed
# test is shown, the reason (last line) of a skipped one.
# NFX_TEST_SUITE picks another folder of tests/ run the same way
# (tests/run-security.sh: security).
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
SUITE="${NFX_TEST_SUITE:-integration}"
DIR="$ROOT/tests/$SUITE"
TMO="${NFX_INTEGRATION_TIMEOUT:-300}"

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

log="$(mktemp "/tmp/nfx-$SUITE.XXXXXX")"
trap 'rm -f "$log"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

passed=0
failed=0
skipped=0
for t in "${tests[@]}"; do
	name="$(basename "${t%.sh}")"
	rc=0
	# TERM first, so the test's trap can clean up; KILL 30 s later.
	(cd "$ROOT" && timeout --kill-after=30 "$TMO" bash "$t") >"$log" 2>&1 </dev/null || rc=$?
	if [[ $rc -eq 0 ]]; then
		echo "PASS $name"
		passed=$((passed + 1))
	elif [[ $rc -eq 77 ]]; then
		echo "SKIP $name ($(tail -n 1 "$log"))"
		skipped=$((skipped + 1))
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

if [[ $skipped -gt 0 ]]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[[ $failed -eq 0 ]]
