#!/usr/bin/env bash
# `commit at TIME` runs through the commit job at its time: the statements
# become active, `show system commit` lists the revision by its user and no
# longer a pending commit. A pending commit survives a restart of jdmd, both
# when its time comes while the daemon runs again and when it passed while
# the daemon was down. Waits on conditions (generous bounds), no fixed sleeps.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
BUILD="${NFX_BUILD:-$ROOT/build}"
JDMD="$BUILD/jdm/jdmd"
CLI="$BUILD/cli/cli"
export NFX_HYPERVISOR="${NFX_HYPERVISOR:-none}"
state="$(mktemp -d /tmp/nfx-it-commit-at.XXXXXX)"
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
	for _ in $(seq 500); do
		[[ -S "$state/jdm.sock" ]] && return 0
		kill -0 "$pid" 2>/dev/null || fail "jdmd exited at start"
		sleep 0.02
	done
	fail "jdmd did not open its socket"
}
stop() {
	kill -TERM "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	pid=""
}
cli() { timeout 30 "$CLI" --socket "$state/jdm.sock" "$@"; }
# at SECONDS VLAN: schedule `set host-os vlans VLAN` for now + SECONDS; prints the epoch
at() {
	local due=$(( $(date +%s) + $1 ))
	local when; when="$(date -u -d "@$due" '+%Y-%m-%d %H:%M:%S')"
	local out
	out="$(printf 'configure\nset host-os vlans %s vlan-id %s\ncommit at "%s"\n' "$2" "${2#v}" "$when" |
		cli 2>&1)" || true
	grep -qxF "commit at will be executed at $when UTC" <<<"$out" || { echo "$out" >&2; fail "commit at $when not accepted"; }
	grep -qx "commit requested by root via cli at $when UTC" <<<"$(cli -c 'show system commit')" ||
		fail "show system commit does not list the pending commit"
	echo "$due"
}
# wait_vlan VLAN: up to 60 s for it to be in the active configuration
wait_vlan() {
	for _ in $(seq 600); do
		cli -c "show configuration | display set" 2>/dev/null | grep -qx "set host-os vlans $1 vlan-id ${1#v}" && return 0
		sleep 0.1
	done
	fail "the scheduled commit of $1 did not happen"
}

start
echo "--- commit at, with the daemon running"
at 3 v100 >/dev/null
cli -c "show configuration | display set" | grep -q "v100" && fail "v100 committed before its time"
wait_vlan v100
r="$(cli -c 'show system commit')"
grep -q '^commit requested' <<<"$r" && { echo "$r"; fail "still pending after it ran"; }
grep -qE '^0 +[0-9-]+ [0-9:]+ UTC by root via cli' <<<"$r" || { echo "$r"; fail "no revision 0 by root via cli"; }

echo "--- pending across a restart, due while running again"
at 4 v200 >/dev/null
stop
start
wait_vlan v200

echo "--- pending across a restart, due while the daemon was down"
due="$(at 2 v300)"
stop
for _ in $(seq 600); do (( $(date +%s) > due )) && break; sleep 0.1; done
start
wait_vlan v300
grep -q '^commit requested' <<<"$(cli -c 'show system commit')" && fail "still pending after the restart"

echo "--- clear system commit cancels it"
due="$(at 3 v400)"
[[ "$(cli -c 'clear system commit')" == "Pending commit cleared" ]] || fail "clear system commit"
for _ in $(seq 600); do (( $(date +%s) > due + 2 )) && break; sleep 0.1; done
cli -c "show configuration | display set" | grep -q "v400" && fail "a cleared commit ran"
echo "PASS"
