#!/usr/bin/env bash
# ./nfx up in a temp state dir (own netns), read and commit configuration
# through ./nfx cli, ./nfx down, ./nfx up again: the commit must survive.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
NFX="$ROOT/nfx"
state="$(mktemp -d /tmp/nfx-it-updown.XXXXXX)"
cleanup() {
	"$NFX" down --state-dir "$state" >/dev/null 2>&1 || true
	rm -rf "$state"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "--- $*"; }

step "up"
"$NFX" up --state-dir "$state"
[[ -S "$state/jdm.sock" && -S "$state/jcp.sock" ]] || fail "sockets missing after up"
[[ -s "$state/jdm.pid" && -s "$state/jcp.pid" ]] || fail "pid files missing after up"
ns="$(cat "$state/netns")"
ip netns list | awk '{print $1}' | grep -qxF "$ns" || fail "netns $ns missing after up"

step "show configuration on a fresh box"
"$NFX" cli --state-dir "$state" -c "show configuration" || fail "show configuration failed"

step "commit through the CLI's standard input"
out="$("$NFX" cli --state-dir "$state" <<'EOF'
configure
set host-os vlans v100 vlan-id 100
set system host-name nfx-it
commit
EOF
)" || { echo "$out"; fail "configure/commit failed"; }
echo "$out"
grep -q '^commit complete$' <<<"$out" || fail "no 'commit complete'"

step "JCP answers too"
"$NFX" cli --state-dir "$state" --target jcp -c "show configuration" || fail "jcp show configuration failed"

step "down"
"$NFX" down --state-dir "$state"
[[ ! -f "$state/netns" ]] || fail "netns record still there after down"
if ip netns list | awk '{print $1}' | grep -qxF "$ns"; then fail "netns $ns still there after down"; fi
for p in jdm jcp; do
	if [[ -s "$state/$p.pid" ]]; then
		pid="$(cat "$state/$p.pid")"
		if [[ -d "/proc/$pid" ]] && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; then
			fail "${p}d (pid $pid) still running after down"
		fi
	fi
done
[[ -f "$state/jdm.db" ]] || fail "jdm.db gone after down"

step "up again: the commit survived"
"$NFX" up --state-dir "$state"
set_lines="$("$NFX" cli --state-dir "$state" -c "show configuration | display set")" \
	|| fail "show configuration | display set failed"
echo "$set_lines"
grep -qxF 'set host-os vlans v100 vlan-id 100' <<<"$set_lines" || fail "v100 lost across down/up"
grep -qxF 'set system host-name nfx-it' <<<"$set_lines" || fail "host-name lost across down/up"

step "down after jdmd was killed: the ipsec-nm container's charon goes too"
# ipsec-nm runs by default where jdmd networks; its charon lives in a
# network namespace of its own, out of reach of the namespace sweep
cpid=""
for _ in $(seq 120); do
	cpid="$(tr -dc '0-9' <"$state/ipsec-nm/charon.pid" 2>/dev/null || true)"
	[[ -n "$cpid" ]] && kill -0 "$cpid" 2>/dev/null && break
	cpid=""
	sleep 0.5
done
if [[ -n "$cpid" ]]; then
	sup="$(cat "$state/.supervisor.pid")"
	kill -STOP "$sup" # so it does not start jdmd again
	kill -KILL "$(cat "$state/jdm.pid")"
	sleep 0.5
	kill -CONT "$sup"
	"$NFX" down --state-dir "$state"
	if kill -0 "$cpid" 2>/dev/null; then fail "ipsec-nm's charon (pid $cpid) still running after down"; fi
else
	echo "NOTE: no ipsec-nm container here (jdmd does not network); skipped"
	"$NFX" down --state-dir "$state"
fi
echo "OK"
