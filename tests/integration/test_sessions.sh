#!/usr/bin/env bash
# Many CLI sessions against one jdmd: 32 at once on the shared candidate;
# an exclusive lock refuses others, names its holder and dies with its
# session; two private sessions merge at commit and a conflict is reported;
# a local read-only user (SO_PEERCRED) cannot enter configuration mode.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
BUILD="${NFX_BUILD:-$ROOT/build}"
CLI="$BUILD/cli/cli"
# The local user runs the installed cli (./nfx setup installs it where every
# user can reach it; the checkout may be in a directory they cannot enter);
# jdmd is told the same one (NFX_CLI) for the logins it sets up.
LOGIN_CLI="$("$ROOT/nfx" cli-path)"
RO=nfxtestro2
state="$(mktemp -d /tmp/nfx-it-sessions.XXXXXX)"
pid=""
bg=()
cleanup() {
	local rc=$?
	for p in "${bg[@]}"; do kill "$p" 2>/dev/null || true; done
	if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; fi
	if id "$RO" >/dev/null 2>&1 && grep -qx "$RO" "$state/sshd/accounts" 2>/dev/null; then
		userdel "$RO" 2>/dev/null || true
	fi
	rm -rf "$state"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

NFX_CLI="$LOGIN_CLI" "$BUILD/jdm/jdmd" --state-dir "$state" >"$state/jdmd.log" 2>&1 &
pid=$!
for _ in $(seq 200); do [[ -S "$state/jdm.sock" ]] && break; sleep 0.02; done
[[ -S "$state/jdm.sock" ]] || fail "jdmd did not start"
cli() { timeout 30 "$CLI" --socket "$state/jdm.sock" "$@"; }

echo "--- 32 sessions at once on the shared candidate"
for i in $(seq 1 32); do
	{ printf 'configure\nset host-os vlans s%d vlan-id %d\n' "$i" "$((100 + i))"; sleep 3; } |
		cli >"$state/s$i.out" 2>&1 &
	bg+=($!)
done
sleep 1.5
n="$(cli -c "status" 2>/dev/null | grep -c 'terminal' || true)"
# `status` is a configuration-mode command; count the sessions from one
st="$(printf 'configure\nstatus\n' | cli)"
n="$(grep -c ' terminal ' <<<"$st" || true)"
[[ "$n" -ge 33 ]] || { echo "$st"; fail "only $n sessions editing, expected 33"; }
out="$(printf 'configure\ncommit\n' | cli)"
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "commit of the shared candidate"; }
wait "${bg[@]}" 2>/dev/null || true
bg=()
n="$(cli -c "show configuration host-os | display set" | grep -c 'vlans s')"
[[ "$n" -eq 32 ]] || fail "$n of 32 VLANs committed"

echo "--- exclusive lock: refused for others, dies with its session"
{ printf 'configure exclusive\nset system host-name locked\n'; sleep 30; } | cli >"$state/x.out" 2>&1 &
xpid=$!
bg+=($xpid)
sleep 0.5
set +e
out="$(printf 'configure\nset system host-name other\ncommit\n' | cli)"
rc=$?
set -e
[[ $rc -ne 0 ]] || fail "a change under another's exclusive lock succeeded"
grep -q 'configuration database locked by:' <<<"$out" || { echo "$out"; fail "no lock message"; }
grep -q 'exclusive' <<<"$out" || fail "lock holder not named"
kill "$xpid"
wait "$xpid" 2>/dev/null || true
bg=()
sleep 0.3
out="$(printf 'configure\nset system host-name free\ncommit\n' | cli)"
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "lock not released when its session died"; }
cli -c "show configuration system host-name" | grep -q 'host-name free;' || fail "host-name not committed"

echo "--- private sessions merge at commit"
{ printf 'configure private\nset host-os vlans pa vlan-id 901\nset system host-name mine\n'; sleep 1.5
  printf 'commit\n'; } | cli >"$state/pa.out" 2>&1 &
pa=$!
sleep 0.5
out="$(printf 'configure private\nset host-os vlans pb vlan-id 902\ncommit\n' | cli)"
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "private commit b"; }
wait "$pa" || true
grep -q '^commit complete$' "$state/pa.out" || { cat "$state/pa.out"; fail "private commit a did not merge"; }
set_lines="$(cli -c "show configuration | display set")"
grep -q 'vlans pa vlan-id 901' <<<"$set_lines" || fail "merge lost pa"
grep -q 'vlans pb vlan-id 902' <<<"$set_lines" || fail "merge lost pb"
{ printf 'configure private\nset system host-name c1\n'; sleep 1.5; printf 'commit\n'; } | cli >"$state/c1.out" 2>&1 &
c1=$!
sleep 0.5
printf 'configure\nset system host-name c2\ncommit\n' | cli >/dev/null
wait "$c1" || true
grep -q "conflict: 'set system host-name mine' was changed to 'set system host-name c2'" "$state/c1.out" ||
	{ cat "$state/c1.out"; fail "conflict not reported"; }
cli -c "show configuration system host-name" | grep -q 'host-name c2;' || fail "conflicting private commit changed the config"

echo "--- a local read-only user"
id "$RO" >/dev/null 2>&1 && fail "account $RO exists already"
out="$(printf 'configure\nset system login user %s class read-only\ncommit\n' "$RO" | cli)"
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "login user commit"; }
id "$RO" >/dev/null || fail "jdmd did not create $RO"
r="$(runuser -u "$RO" -- "$LOGIN_CLI" --socket "$state/jdm.sock" -c "show configuration system login" 2>&1)" ||
	{ echo "$r"; fail "read-only user cannot show configuration"; }
set +e
r="$(runuser -u "$RO" -- "$LOGIN_CLI" --socket "$state/jdm.sock" -c "configure" 2>&1)"
rc=$?
set -e
[[ $rc -ne 0 ]] && grep -q 'permission denied' <<<"$r" || { echo "$r"; fail "read-only user entered configuration mode"; }
printf 'configure\ndelete system login\ncommit\n' | cli >/dev/null
id "$RO" >/dev/null 2>&1 && fail "$RO not removed"
# this jdmd runs in the machine's own network namespace (started by hand,
# not by ./nfx up): its host-os switch stays configuration only; no Open
# vSwitch, no ovs-sys-br appears here (lib/nfx_netns.h)
grep -q 'host-os switch is configuration only' "$state/jdmd.log" || fail "jdmd did not say its host-os switch is configuration only"
! ip link show ovs-sys-br >/dev/null 2>&1 || fail "ovs-sys-br appeared in the machine's own network namespace"
echo "sessions test passed"
