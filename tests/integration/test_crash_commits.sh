#!/usr/bin/env bash
# jdmd killed with SIGKILL at random moments during 100 commits: after each
# restart the active configuration is whole (exactly the old one, or the old
# one plus this commit's statements), the rollback ring is intact and the
# database passes its integrity check.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
BUILD="${NFX_BUILD:-$ROOT/build}"
JDMD="$BUILD/jdm/jdmd"
CLI="$BUILD/cli/cli"
ROUNDS="${ROUNDS:-100}"
state="$(mktemp -d /tmp/nfx-it-crash.XXXXXX)"
pid=""
cleanup() {
	local rc=$?
	if [[ -n "$pid" ]]; then kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; fi
	rm -rf "$state"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*" >&2; [[ -f "$state/jdmd.log" ]] && tail -20 "$state/jdmd.log" >&2; exit 1; }

start() {
	rm -f "$state/jdm.sock"
	"$JDMD" --state-dir "$state" >>"$state/jdmd.log" 2>&1 &
	pid=$!
	for _ in $(seq 200); do
		[[ -S "$state/jdm.sock" ]] && return 0
		kill -0 "$pid" 2>/dev/null || fail "jdmd exited at start"
		sleep 0.02
	done
	fail "jdmd did not open its socket"
}
show_set() { timeout 20 "$CLI" --socket "$state/jdm.sock" -c "show configuration | display set" | sort; }

start
show_set >"$state/prev"
ok_new=0 ok_old=0
for i in $(seq "$ROUNDS"); do
	printf 'configure\nset system host-name h%d\nset host-os vlans v%d vlan-id %d\ncommit comment "round %d"\n' \
		"$i" "$i" "$i" "$i" | timeout 20 "$CLI" --socket "$state/jdm.sock" >/dev/null 2>&1 &
	cpid=$!
	# odd rounds: 0-9 ms (before or inside the commit), even: 0-39 ms
	if ((i % 2)); then sleep "0.00$((RANDOM % 10))"; else sleep "0.0$((RANDOM % 40))"; fi
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	wait "$cpid" 2>/dev/null || true
	pid=""
	start
	show_set >"$state/now"
	# what the commit would have made of the previous configuration
	{ grep -v '^set system host-name ' "$state/prev" || true
	  echo "set system host-name h$i"
	  echo "set host-os vlans v$i vlan-id $i"; } | sort >"$state/new"
	if cmp -s "$state/now" "$state/prev"; then
		ok_old=$((ok_old + 1))
	elif cmp -s "$state/now" "$state/new"; then
		ok_new=$((ok_new + 1))
	else
		echo "--- previous"; cat "$state/prev"; echo "--- now"; cat "$state/now"
		fail "round $i: active configuration is neither the old nor the new one"
	fi
	cp "$state/now" "$state/prev"
	# the ring: revisions numbered 0..N-1 without gaps, at most 50
	nums="$(timeout 20 "$CLI" --socket "$state/jdm.sock" -c "show system commit" | awk '/^[0-9]+ /{print $1}')"
	n="$(wc -w <<<"$nums")"
	[[ "$n" -le 50 ]] || fail "round $i: $n revisions kept"
	[[ "$nums" == "$(seq 0 $((n - 1)))" || "$n" -eq 0 ]] || fail "round $i: ring has gaps: $nums"
done
integrity="$(sqlite3 "$state/jdm.db" 'PRAGMA integrity_check;')"
[[ "$integrity" == "ok" ]] || fail "integrity_check: $integrity"
echo "crash test: $ROUNDS kills, $ok_new commits survived whole, $ok_old rolled back whole"
[[ $((ok_new + ok_old)) -eq "$ROUNDS" ]] || fail "count mismatch"
