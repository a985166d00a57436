#!/usr/bin/env bash
# The sxe<->hsxe cable as an OVS patch-port pair (`cable patch` in the
# platform file): ./nfx up makes no veth for it, jcpd makes sxe-0/0/1 a
# patch port (peer hsxe1) on pfe-br, show interfaces reports its link from
# OVS, and a LAN host in v100 reaches a VNF port tagged 100 on a stand-in
# host-os switch whose hsxe1 is the other half (made by the test: jdmd's
# own bridge is the ovs engineer's; skipped when jdmd has hsxe1 already).
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
# shellcheck source=pfe_lib.bash
. "$ROOT/tests/integration/pfe_lib.bash"
vnf="" plat="$(mktemp /tmp/nfx-it-platform.XXXXXX)"
cleanup() {
	if [[ -n "$state" && -S "$state/ovs/db.sock" ]]; then vsctl --if-exists del-br test-sys-br || true; fi
	if [[ -n "$vnf" ]] && ip netns list | awk '{print $1}' | grep -qxF "$vnf"; then ip netns del "$vnf"; fi
	rm -f "$plat"
	pfe_cleanup
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$ROOT/build/jcp/jcpd" --platform-default |
	sed 's/^sxe-0\/0\/1 sxe1 peer hsxe1$/sxe-0\/0\/1 sxe1 peer hsxe1 cable patch/' >"$plat"
grep -q 'cable patch' "$plat" || fail "could not write the patch platform file"

step "up with sxe-0/0/1 <-> hsxe1 as a patch cable"
pfe_up "$plat"
if ip -n "$ns" link show sxe1 >/dev/null 2>&1 || ip -n "$ns" link show hsxe1 >/dev/null 2>&1; then
	fail "./nfx up made a veth for a patch cable"
fi
ip -n "$ns" link show sxe0 >/dev/null 2>&1 || fail "sxe0 (veth cable) missing"
if vsctl port-to-br hsxe1 >/dev/null 2>&1; then
	echo "SKIP: jdmd put hsxe1 on $(vsctl port-to-br hsxe1) itself: jdmd does not make its half of 'cable patch' (yet)"
	exit 77
fi

step "JCP: ge-0/0/2 access v100, sxe-0/0/1 trunk v100"
jcli <<'EOF2' | grep -q '^commit complete$' || fail "commit failed"
configure
set vlans v100 vlan-id 100
set interfaces ge-0/0/2 unit 0 family ethernet-switching interface-mode access vlan members v100
set interfaces sxe-0/0/1.0 family ethernet-switching interface-mode trunk vlan members v100
commit
EOF2
[[ "$(vsctl get Interface sxe1 type)" == patch ]] || fail "sxe1 is not a patch port"
[[ "$(vsctl get Interface sxe1 options:peer | tr -d '"')" == hsxe1 ]] || fail "sxe1's peer is not hsxe1"

step "a stand-in host-os switch: hsxe1 (patch, peer sxe1) trunk 100, a VNF port tagged 100"
vnf="${ns}-vnf"
ip netns add "$vnf"
ip -n "$ns" link add vnf0 type veth peer name eth0 netns "$vnf"
ip netns exec "$vnf" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1 >/dev/null
ip netns exec "$ns" sysctl -qw net.ipv6.conf.vnf0.disable_ipv6=1 >/dev/null
ip -n "$ns" link set vnf0 up
ip -n "$vnf" addr add 192.0.2.100/24 dev eth0
ip -n "$vnf" link set eth0 up
vsctl add-br test-sys-br -- set Bridge test-sys-br datapath_type=netdev \
	-- add-port test-sys-br hsxe1 trunks=100 -- set Interface hsxe1 type=patch options:peer=sxe1 \
	-- add-port test-sys-br vnf0 tag=100 || fail "cannot make the stand-in host-os switch"

step "the patch cable's link, from OVS"
terse_up() { jcli -c 'show interfaces terse' | grep -Eq '^sxe-0/0/1 +up +up$'; }
wait_for 30 terse_up || { jcli -c 'show interfaces terse'; fail "sxe-0/0/1 not up/up"; }

step "the v100 LAN host reaches the VNF over the patch cable"
h2="$("$NFX" host --state-dir "$state" ge-0/0/2)"
ip -n "$h2" addr add 192.0.2.12/24 dev eth0
wait_for 30 can_ping "$h2" 192.0.2.100 || fail "the v100 host does not reach the VNF"
echo "OK"
