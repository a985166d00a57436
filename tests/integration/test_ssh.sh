#!/usr/bin/env bash
# SSH access: `set system services ssh` runs sshd in the appliance namespace
# on jmgmt0's address; from the management-LAN namespace root and a
# read-only user log in with keys and land in the CLI; the read-only user's
# `configure` is refused; a wrong key is refused; deleting the user from the
# configuration removes the account jdmd made.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
NFX="$ROOT/nfx"
RO=nfxtestro
state="$(mktemp -d /tmp/nfx-it-ssh.XXXXXX)"
cleanup() {
	local rc=$?
	"$NFX" down --state-dir "$state" >/dev/null 2>&1 || true
	if id "$RO" >/dev/null 2>&1 && grep -qx "$RO" "$state/sshd/accounts" 2>/dev/null; then
		userdel "$RO" 2>/dev/null || true
	fi
	rm -rf "$state"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*" >&2; tail -15 "$state/sshd/sshd.log" 2>/dev/null >&2 || true; exit 1; }
id "$RO" >/dev/null 2>&1 && fail "account $RO exists already; this test makes it"

mkdir -p "$state/keys"
ssh-keygen -q -t ed25519 -N "" -f "$state/keys/root" -C root@test
ssh-keygen -q -t ed25519 -N "" -f "$state/keys/ro" -C ro@test
ssh-keygen -q -t ed25519 -N "" -f "$state/keys/other" -C other@test

"$NFX" up --state-dir "$state" >/dev/null
lan="$(cat "$state/netns-mgmt")"
cli() { timeout 30 "$NFX" cli --state-dir "$state" "$@"; }

script="configure
set interfaces jmgmt0 unit 0 family inet address 192.0.2.10/24
set system services ssh
set system root-authentication ssh-ed25519 \"$(cat "$state/keys/root.pub")\"
set system login user $RO class read-only
set system login user $RO authentication ssh-ed25519 \"$(cat "$state/keys/ro.pub")\"
commit"
out="$(cli <<<"$script")" || { echo "$out"; fail "configure ssh"; }
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "no commit complete"; }
# commit prints only what Junos prints; the news goes to the daemon's log
! grep -q 'ssh service started' <<<"$out" || { echo "$out"; fail "commit printed the ssh news"; }
for _ in $(seq 100); do grep -q 'ssh service started on 192.0.2.10' "$state/jdmd.log" && break; sleep 0.1; done
grep -q 'ssh service started on 192.0.2.10' "$state/jdmd.log" || fail "no ssh news in jdmd.log"
id "$RO" >/dev/null || fail "account $RO was not created"
# logins run the installed cli (reachable for every user wherever the
# checkout is), not the build tree's
login_cli="$("$NFX" cli-path)"
grep -qxF "ForceCommand $login_cli --socket $state/jdm.sock" "$state/sshd/sshd_config" ||
	{ grep ForceCommand "$state/sshd/sshd_config" >&2; fail "sshd does not run $login_cli"; }
runuser -u "$RO" -- test -x "$login_cli" || fail "$RO cannot run $login_cli"

for _ in $(seq 50); do
	ip netns exec "$lan" bash -c 'exec 3<>/dev/tcp/192.0.2.10/22' 2>/dev/null && break
	sleep 0.1
done
SSH=(ip netns exec "$lan" timeout 30 ssh -o BatchMode=yes -o StrictHostKeyChecking=no
     -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=10)

echo "--- root over ssh"
r="$("${SSH[@]}" -i "$state/keys/root" root@192.0.2.10 "show configuration system services")" ||
	fail "root ssh login"
echo "$r"
grep -q 'ssh;' <<<"$r" || fail "root did not get the CLI output"

echo "--- read-only user over ssh"
r="$("${SSH[@]}" -i "$state/keys/ro" "$RO@192.0.2.10" "show configuration | display set")" ||
	fail "read-only ssh login"
grep -q "set system login user $RO class read-only" <<<"$r" || fail "read-only user cannot show configuration"
set +e
r="$("${SSH[@]}" -i "$state/keys/ro" "$RO@192.0.2.10" configure 2>&1)"
rc=$?
set -e
echo "$r"
[[ $rc -ne 0 ]] || fail "read-only configure exited 0"
grep -q 'permission denied' <<<"$r" || fail "read-only configure was not refused"

echo "--- a shell is never given: the command is a CLI command"
set +e
r="$("${SSH[@]}" -i "$state/keys/ro" "$RO@192.0.2.10" "cat /etc/shadow" 2>&1)"
set -e
grep -q 'root:' <<<"$r" && fail "a shell command ran"
grep -q 'unknown command' <<<"$r" || { echo "$r"; fail "shell command not treated as CLI command"; }

echo "--- wrong key refused"
if "${SSH[@]}" -i "$state/keys/other" root@192.0.2.10 "show version" >/dev/null 2>&1; then
	fail "login with an unknown key"
fi

echo "--- deleting the user removes the account"
out="$(printf 'configure\ndelete system login user %s\ncommit\n' "$RO" | cli)" || { echo "$out"; fail "delete user"; }
id "$RO" >/dev/null 2>&1 && fail "account $RO still exists"
echo "ssh test passed"
