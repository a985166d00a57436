#!/usr/bin/env bash
# tests/run-security.sh [NAME...]: every tests/security/test_*.sh (or the
# NAMEs given, with or without test_ and .sh), each as root under a timeout
# against its own daemons; prints PASS/FAIL per script and "N passed, M
# failed"; exit status non-zero if any failed.
set -uo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
LIMIT="${NFX_SECURITY_TIMEOUT:-900}"
scripts=()
if [[ $# -gt 0 ]]; then
	for n in "$@"; do
		n="${n%.sh}"; n="${n#test_}"
		scripts+=("$ROOT/tests/security/test_$n.sh")
	done
else
	scripts=("$ROOT"/tests/security/test_*.sh)
fi
pass=0 failn=0
for s in "${scripts[@]}"; do
	name="$(basename "$s" .sh)"
	if [[ ! -f "$s" ]]; then echo "FAIL $name (no such test)"; failn=$((failn + 1)); continue; fi
	log="$(mktemp)"
	if timeout -k 10 "$LIMIT" bash "$s" >"$log" 2>&1; then
		echo "PASS $name"; pass=$((pass + 1))
	else
		echo "FAIL $name"; tail -n 30 "$log" | sed 's/^/    /'; failn=$((failn + 1))
	fi
	rm -f "$log"
done
echo "$pass passed, $failn failed"
[[ $failn -eq 0 ]]
