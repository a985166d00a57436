#!/usr/bin/env bash
# PyEZ (python3-junos-eznc from Debian) against the appliance over NETCONF
# (port 830 of jmgmt0, from the management-LAN namespace): Device.open()
# with facts, Config.load of set lines, diff/pdiff, commit_check, commit with
# a comment, rpc.get_config (xml with a filter, text, set), an XML load,
# rollback, cli("show virtual-network-functions"), get-software-information,
# a bad load refused, lock/unlock; the CLI's `show system commit` lists the
# PyEZ commit with its comment.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
NFX="$ROOT/nfx"
PY=/usr/bin/python3
export NFX_HYPERVISOR="${NFX_HYPERVISOR:-none}"
"$PY" -c 'import jnpr.junos' 2>/dev/null || { echo "SKIP: python3-junos-eznc missing"; exit 77; }
state="$(mktemp -d /tmp/nfx-it-pyez-nc.XXXXXX)"
cleanup() {
	local rc=$?
	"$NFX" down --state-dir "$state" >/dev/null 2>&1 || true
	rm -rf "$state"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*" >&2; tail -15 "$state/sshd/sshd.log" 2>/dev/null >&2 || true; exit 1; }

mkdir -p "$state/keys"
ssh-keygen -q -t ed25519 -N "" -f "$state/keys/root" -C root@test
"$NFX" up --state-dir "$state" >/dev/null
lan="$(cat "$state/netns-mgmt")"
cli() { timeout 60 "$NFX" cli --state-dir "$state" "$@"; }

script="configure
set interfaces jmgmt0 unit 0 family inet address 192.0.2.10/24
set system services netconf ssh port 830
set system root-authentication ssh-ed25519 \"$(cat "$state/keys/root.pub")\"
commit"
out="$(cli <<<"$script")" || { echo "$out"; fail "configure netconf"; }
for _ in $(seq 100); do
	ip netns exec "$lan" bash -c 'exec 3<>/dev/tcp/192.0.2.10/830' 2>/dev/null && break
	sleep 0.2
done
ip netns exec "$lan" timeout 280 "$PY" "$ROOT/tests/integration/netconf_client.py" pyez \
	192.0.2.10 830 root "$state/keys/root" || fail "pyez"
c="$(cli -c "show system commit")"
echo "$c" | head -4
grep -q 'by root via netconf' <<<"$c" || fail "show system commit does not list the PyEZ commit"
grep -q 'from pyez' <<<"$c" || fail "the commit comment is not in show system commit"
grep -q 'pyez-box' <<<"$(cli -c "show configuration system")" || fail "the CLI does not see the PyEZ commit"
echo "netconf pyez test passed"
