#!/usr/bin/env bash
# Security tests: every tests/security/*.sh (or the ones named), each as a
# real local (or SSH) user against running daemons; run the way
# tests/run-integration.sh runs its tests (timeout, PASS/FAIL, the log of a
# failed test, "N passed, M failed").
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
DIR="$ROOT/tests/security"

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
[[ ${#tests[@]} -gt 0 ]] || { echo "0 passed, 0 failed"; exit 0; }
exec "$ROOT/tests/run-integration.sh" "${tests[@]}"
