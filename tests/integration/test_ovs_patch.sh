#!/usr/bin/env bash
# jdmd's half of the `cable patch` sxe<->hsxe cable (platform file line
# `sxe-0/0/1 sxe1 peer hsxe1 cable patch`): ovs-sys-br's uplink hsxe1 is an
# OVS patch port (options:peer=sxe1) still trunking the host-os VLANs;
# with jcpd's sxe1 (peer hsxe1) on pfe-br the pair links, and a LAN host
# in v100 on ge-0/0/2 reaches a "VNF" port (a veth to a namespace, added
# by the test with external_ids nfx-owner=test, which jdmd leaves alone)
# tagged 100 on ovs-sys-br. hsxe0 (the default veth cable) stays a system
# port.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
# shellcheck source=pfe_lib.bash
. "$ROOT/tests/integration/pfe_lib.bash"
vnf="" plat="$(mktemp /tmp/nfx-it-platform.XXXXXX)"
cleanup() {
	if [[ -n "$state" && -S "$state/ovs/db.sock" ]]; then vsctl --if-exists del-port vnf0 || true; fi
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
[[ "${own_ovs:-0}" == 0 ]] || fail "jdmd did not start OVS"
patched() { [[ "$(vsctl get Interface hsxe1 type)" == patch ]]; }
wait_for 60 patched || fail "hsxe1 is not a patch port: $(vsctl list Interface hsxe1)"
[[ "$(vsctl port-to-br hsxe1)" == ovs-sys-br ]] || fail "hsxe1 not on ovs-sys-br"
[[ "$(vsctl get Interface hsxe1 options:peer | tr -d '"')" == sxe1 ]] || fail "hsxe1's peer is not sxe1"
[[ "$(vsctl get Interface hsxe0 type)" == '""' ]] || fail "hsxe0 should stay a system port"

step "JDM: host-os vlans office vlan-id 100 (hsxe1 trunks it)"
out="$(timeout 60 "$NFX" cli --state-dir "$state" <<'EOF2'
configure
set host-os vlans office vlan-id 100
commit
EOF2
)" || { echo "$out"; fail "JDM commit failed"; }
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "JDM commit failed"; }
[[ "$(vsctl get Port hsxe1 trunks)" == "[100]" ]] || fail "hsxe1 trunks: $(vsctl get Port hsxe1 trunks)"
[[ "$(vsctl get Interface hsxe1 type)" == patch ]] || fail "the commit made hsxe1 a system port again"

step "JCP: ge-0/0/2 access v100, sxe-0/0/1 trunk v100"
jcli <<'EOF2' | grep -q '^commit complete$' || fail "commit failed"
configure
set vlans v100 vlan-id 100
set interfaces ge-0/0/2 unit 0 family ethernet-switching interface-mode access vlan members v100
set interfaces sxe-0/0/1.0 family ethernet-switching interface-mode trunk vlan members v100
commit
EOF2
no_err() { [[ "$(vsctl get Interface hsxe1 error)" == "[]" ]]; }
wait_for 30 no_err || fail "hsxe1: $(vsctl get Interface hsxe1 error)"
# a patch port has no Linux interface: jcpd reports its link from OVS
terse_up() { jcli -c 'show interfaces terse' | grep -Eq '^sxe-0/0/1 +up +up$'; }
wait_for 30 terse_up || { jcli -c 'show interfaces terse'; fail "sxe-0/0/1 (patch) not up/up"; }

step "a VNF port tagged 100 on ovs-sys-br"
vnf="${ns}-vnf"
ip netns add "$vnf"
ip -n "$vnf" link set lo up
ip -n "$ns" link add vnf0 type veth peer name eth0 netns "$vnf"
ip netns exec "$vnf" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1 >/dev/null
ip netns exec "$ns" sysctl -qw net.ipv6.conf.vnf0.disable_ipv6=1 >/dev/null
ip -n "$ns" link set vnf0 up
ip -n "$vnf" addr add 192.0.2.100/24 dev eth0
ip -n "$vnf" link set eth0 up
vsctl add-port ovs-sys-br vnf0 tag=100 -- set Port vnf0 external_ids:nfx-owner=test ||
	fail "cannot add the VNF port"

step "the v100 LAN host reaches the VNF over the patch cable"
h2="$("$NFX" host --state-dir "$state" ge-0/0/2)"
ip -n "$h2" addr add 192.0.2.12/24 dev eth0
wait_for 30 can_ping "$h2" 192.0.2.100 || fail "the v100 host does not reach the VNF"
echo "PASS"
