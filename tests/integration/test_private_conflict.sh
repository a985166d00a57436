#!/usr/bin/env bash
# configure private, Junos-style: a session that enters configuration mode
# while others edit is shown who they are ("Users currently editing the
# configuration:" and one line per session); a private commit that
# conflicts with another commit is refused once, with the conflict, and the
# same session's next commit applies its changes over the other's (the
# other's non-conflicting changes kept).
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
BUILD="${NFX_BUILD:-$ROOT/build}"
CLI="$BUILD/cli/cli"
state="$(mktemp -d /tmp/nfx-it-private.XXXXXX)"
pid=""
apid=""
cleanup() {
	local rc=$?
	exec 3>&- 2>/dev/null || true
	if [[ -n "$apid" ]]; then kill "$apid" 2>/dev/null; wait "$apid" 2>/dev/null || true; fi
	if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; fi
	rm -rf "$state"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

NFX_HYPERVISOR=none "$BUILD/jdm/jdmd" --hypervisor none --state-dir "$state" >"$state/jdmd.log" 2>&1 &
pid=$!
for _ in $(seq 500); do [[ -S "$state/jdm.sock" ]] && break; sleep 0.02; done
[[ -S "$state/jdm.sock" ]] || fail "jdmd did not start"
cli() { timeout 30 "$CLI" --socket "$state/jdm.sock" "$@"; }
# wait (up to 30 s) until FILE holds N lines matching RE
wait_for() {
	local file="$1" re="$2" n="${3:-1}"
	for _ in $(seq 1500); do
		[[ "$(grep -c -- "$re" "$file" 2>/dev/null || true)" -ge "$n" ]] && return 0
		sleep 0.02
	done
	cat "$file" >&2
	fail "timed out waiting for '$re' in $(basename "$file")"
}

printf 'configure\nset system host-name base\nset host-os vlans v1 vlan-id 1\ncommit\n' | cli >/dev/null

echo "--- session A: configure private, kept open"
mkfifo "$state/a.in"
cli <"$state/a.in" >"$state/a.out" 2>&1 &
apid=$!
exec 3>"$state/a.in"
printf 'configure private\nset system host-name mine\nset host-os vlans v2 vlan-id 2\n' >&3
wait_for "$state/a.out" 'set host-os vlans v2 vlan-id 2'
wait_for "$state/a.out" '^root@.*# $\|\[edit\]' 3

echo "--- session B: configure lists A"
out="$(printf 'configure\nset system host-name theirs\nset host-os vlans v3 vlan-id 3\ncommit\n' | cli 2>&1)"
grep -q '^Users currently editing the configuration:$' <<<"$out" || { echo "$out"; fail "no editor list"; }
grep -Eq '^  [a-z0-9_-]+ terminal p[0-9]+ \(pid [0-9]+\) on since [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} [A-Z]+$' <<<"$out" ||
	{ echo "$out"; fail "editor line not in Junos's form"; }
grep -q '^      private \[edit\]$' <<<"$out" || { echo "$out"; fail "A's level not shown"; }
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "B's commit"; }

echo "--- A commits: the conflict is reported, nothing changes"
printf 'commit\n' >&3
wait_for "$state/a.out" '^error: commit failed'
grep -q "conflict: 'set system host-name base' was changed to 'set system host-name theirs'" "$state/a.out" ||
	{ cat "$state/a.out"; fail "conflict not reported"; }
cli -c "show configuration system host-name" | grep -q 'host-name theirs;' || fail "the refused commit changed the config"

echo "--- A commits again: its changes apply over B's"
printf 'commit\n' >&3
wait_for "$state/a.out" '^commit complete$'
set_lines="$(cli -c "show configuration | display set")"
grep -q '^set system host-name mine$' <<<"$set_lines" || { echo "$set_lines"; fail "A's host-name not applied"; }
grep -q '^set host-os vlans v2 vlan-id 2$' <<<"$set_lines" || { echo "$set_lines"; fail "A's vlan lost"; }
grep -q '^set host-os vlans v3 vlan-id 3$' <<<"$set_lines" || { echo "$set_lines"; fail "B's vlan lost"; }
grep -q '^set host-os vlans v1 vlan-id 1$' <<<"$set_lines" || { echo "$set_lines"; fail "v1 lost"; }
printf 'exit\nexit\n' >&3
exec 3>&-
wait "$apid" || true
apid=""
echo "PASS"
