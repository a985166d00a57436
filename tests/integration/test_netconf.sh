#!/usr/bin/env bash
# NETCONF over SSH (issue 12) with ncclient from Debian: `set system services
# netconf ssh` makes jdm's sshd serve the netconf subsystem on port 830 of
# jmgmt0; from the management-LAN namespace root edits the candidate,
# validates and commits (the CLI's `show system commit` sees it), a CLI
# user's `configure exclusive` makes NETCONF's lock fail with lock-denied and
# the holder's session-id (its pid), a read-only user's edit-config is
# access-denied and its get-config hides secrets, bad values and unknown elements are rpc-errors with the
# CLI's [edit ...] path, a commit notification arrives, and a confirmed
# commit that nobody confirms rolls itself back.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
NFX="$ROOT/nfx"
PY=/usr/bin/python3
RO=nfxtestncro
export NFX_HYPERVISOR="${NFX_HYPERVISOR:-none}"
"$PY" -c 'import ncclient' 2>/dev/null || { echo "SKIP: python3-ncclient missing"; exit 77; }
state="$(mktemp -d /tmp/nfx-it-netconf.XXXXXX)"
holder="" hold=""
cleanup() {
	local rc=$?
	[[ -z "$holder" ]] || kill "$holder" 2>/dev/null || true
	[[ -z "$hold" ]] || kill "$hold" 2>/dev/null || true
	exec 7>&- 2>/dev/null || true
	"$NFX" down --state-dir "$state" >/dev/null 2>&1 || true
	if id "$RO" >/dev/null 2>&1 && grep -qx "$RO" "$state/sshd/accounts" 2>/dev/null; then
		userdel -r "$RO" 2>/dev/null || true
	fi
	rm -rf "$state"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*" >&2; tail -15 "$state/sshd/sshd.log" 2>/dev/null >&2 || true; exit 1; }
step() { echo "--- $*"; }
id "$RO" >/dev/null 2>&1 && fail "account $RO exists already; this test makes it"

mkdir -p "$state/keys"
ssh-keygen -q -t ed25519 -N "" -f "$state/keys/root" -C root@test
ssh-keygen -q -t ed25519 -N "" -f "$state/keys/ro" -C ro@test

"$NFX" up --state-dir "$state" >/dev/null
lan="$(cat "$state/netns-mgmt")"
cli() { timeout 60 "$NFX" cli --state-dir "$state" "$@"; }

step "configure netconf ssh"
script="configure
set interfaces jmgmt0 unit 0 family inet address 192.0.2.10/24
set system services netconf ssh
set system root-authentication ssh-ed25519 \"$(cat "$state/keys/root.pub")\"
set system login user $RO class read-only
set system login user $RO authentication ssh-ed25519 \"$(cat "$state/keys/ro.pub")\"
set system login user $RO authentication encrypted-password \"\$6\$nfxtest\$abcdefgh\"
commit"
out="$(cli <<<"$script")" || { echo "$out"; fail "configure netconf"; }
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "no commit complete"; }
grep -q '^Port 830$' "$state/sshd/sshd_config" || fail "sshd_config has no Port 830"
grep -q '^Subsystem netconf ' "$state/sshd/sshd_config" || fail "sshd_config has no netconf subsystem"
! grep -q '^Port 22$' "$state/sshd/sshd_config" || fail "port 22 open without system services ssh"
for _ in $(seq 100); do
	ip netns exec "$lan" bash -c 'exec 3<>/dev/tcp/192.0.2.10/830' 2>/dev/null && break
	sleep 0.2
done
ip netns exec "$lan" bash -c 'exec 3<>/dev/tcp/192.0.2.10/830' 2>/dev/null || fail "nothing listens on 830"

NC() { ip netns exec "$lan" timeout 280 "$PY" "$ROOT/tests/integration/netconf_client.py" "$@"; }
ROOTC=(192.0.2.10 830 root "$state/keys/root")

step "edit-config, validate, commit, discard, lock (ncclient)"
NC basic "${ROOTC[@]}" || fail "basic"
c="$(cli -c "show system commit")"
echo "$c" | head -3
grep -q 'by root via netconf' <<<"$c" || fail "show system commit does not list the NETCONF commit"
grep -q 'v201' <<<"$(cli -c "show configuration host-os")" || fail "the CLI does not see v201"

step "bad values and unknown elements"
NC errors "${ROOTC[@]}" || fail "errors"

step "lock held by a CLI configure exclusive"
mkfifo "$state/holder.in"
"$("$NFX" cli-path)" --socket "$state/jdm.sock" <"$state/holder.in" >"$state/holder.out" 2>&1 &
holder=$!
exec 7>"$state/holder.in"
echo "configure exclusive" >&7
for _ in $(seq 100); do grep -q 'Entering configuration mode' "$state/holder.out" && break; sleep 0.1; done
grep -q 'Entering configuration mode' "$state/holder.out" || fail "the CLI holder did not get the lock"
NC lock-denied "${ROOTC[@]}" "$holder" || fail "lock-denied"
echo "exit" >&7
exec 7>&-
wait "$holder" 2>/dev/null || true
holder=""

step "read-only user"
NC read-only 192.0.2.10 830 "$RO" "$state/keys/ro" || fail "read-only"

step "kill-session frees the lock of the killed session"
NC kill "${ROOTC[@]}" || fail "kill-session"

step "kill-session of another user's session is access-denied"
# (ip netns exec and then timeout exec: $! is timeout, which passes a TERM on)
ip netns exec "$lan" timeout 280 "$PY" "$ROOT/tests/integration/netconf_client.py" hold \
	"${ROOTC[@]}" "$state/hold.sid" &
hold=$!
for _ in $(seq 300); do [[ -s "$state/hold.sid" ]] && break; sleep 0.1; done
[[ -s "$state/hold.sid" ]] || fail "the holding session did not start"
NC kill-denied 192.0.2.10 830 "$RO" "$state/keys/ro" "$(cat "$state/hold.sid")" || fail "kill-denied"
kill "$hold" 2>/dev/null || true
wait "$hold" 2>/dev/null || true

step "notification after a commit"
NC notify "${ROOTC[@]}" || fail "notify"

step "get-schema, and yanglint accepts what it returns"
NC schema "${ROOTC[@]}" "$state/nfx-jdm.yang" || fail "schema"
if command -v yanglint >/dev/null; then
	yanglint "$state/nfx-jdm.yang" || fail "yanglint refuses nfx-jdm"
fi

step "cancel-commit"
NC cancel "${ROOTC[@]}" || fail "cancel-commit"

step "confirmed commit rolls itself back"
NC confirmed "${ROOTC[@]}" || fail "confirmed"
pgrep -f "nfx-netconf --socket $state/jdm.sock" >/dev/null && fail "a netconf subsystem outlived its session"
pgrep -F "$state/jdm.pid" >/dev/null 2>&1 || [[ -S "$state/jdm.sock" ]] || fail "jdmd died"
echo "netconf test passed"
