#!/usr/bin/env bash
# The data path of the thesis (section 6.2) through the JCP half: a LAN host
# in v100 on ge-0/0/2 reaches, through pfe-br and the sxe-0/0/1<->hsxe1
# link, a "VNF" port (a veth to a namespace) tagged 100 on the host-os
# switch; a host in v200 does not, and neither does the v100 host once
# sxe-0/0/1 stops carrying v100. The host-os switch is jdmd's ovs-sys-br
# (its hsxe1 trunk carries the JDM's `host-os vlans office vlan-id 100`: the
# VLAN joins the two switches by its id, the names differ), the VNF port
# added by the test with external_ids nfx-owner=test (jdmd leaves such
# ports alone); where this jdmd has no ovs-sys-br with hsxe1, a stand-in
# bridge the test makes (hsxe1 trunk 100).
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
# shellcheck source=pfe_lib.bash
. "$ROOT/tests/integration/pfe_lib.bash"
vnf=""
cleanup() {
	if [[ -n "$state" && -S "$state/ovs/db.sock" ]]; then
		vsctl --if-exists del-br test-sys-br || true
		vsctl --if-exists del-port vnf0 || true
	fi
	if [[ -n "$vnf" ]] && ip netns list | awk '{print $1}' | grep -qxF "$vnf"; then ip netns del "$vnf"; fi
	pfe_cleanup
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step "up, with OVS"
pfe_up
sysbr=""
if [[ "$(vsctl port-to-br hsxe1 2>/dev/null || true)" == ovs-sys-br ]]; then
	sysbr=ovs-sys-br
	step "JDM: host-os vlans office vlan-id 100 (hsxe1 trunks it)"
	out="$(timeout 60 "$NFX" cli --state-dir "$state" <<'EOF2'
configure
set host-os vlans office vlan-id 100
commit
EOF2
)" || { echo "$out"; fail "JDM commit failed"; }
	grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "JDM commit failed"; }
	trunk100() { [[ "$(vsctl get Port hsxe1 trunks)" == *100* ]]; }
	wait_for 30 trunk100 || fail "hsxe1 does not trunk 100: $(vsctl get Port hsxe1 trunks)"
elif vsctl port-to-br hsxe1 >/dev/null 2>&1; then
	echo "SKIP: hsxe1 is on a bridge $(vsctl port-to-br hsxe1) this test does not know"
	exit 77
fi

step "JCP: ge-0/0/2 access v100, ge-0/0/3 access v200, sxe-0/0/1 trunk v100"
jcli <<'EOF2' | grep -q '^commit complete$' || fail "commit failed"
configure
set vlans v100 vlan-id 100
set vlans v200 vlan-id 200
set interfaces ge-0/0/2 unit 0 family ethernet-switching interface-mode access vlan members v100
set interfaces ge-0/0/3 unit 0 family ethernet-switching interface-mode access vlan members v200
set interfaces sxe-0/0/1 unit 0 family ethernet-switching interface-mode trunk vlan members v100
commit
EOF2

step "a VNF port tagged 100 on the host-os switch ${sysbr:-(a stand-in: hsxe1 trunk 100)}"
vnf="${ns}-vnf"
ip netns add "$vnf"
ip -n "$vnf" link set lo up
ip -n "$ns" link add vnf0 type veth peer name eth0 netns "$vnf"
ip netns exec "$vnf" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1 >/dev/null
ip netns exec "$ns" sysctl -qw net.ipv6.conf.vnf0.disable_ipv6=1 >/dev/null
ip -n "$ns" link set vnf0 up
ip -n "$vnf" addr add 192.0.2.100/24 dev eth0
ip -n "$vnf" link set eth0 up
if [[ -n "$sysbr" ]]; then
	vsctl add-port "$sysbr" vnf0 tag=100 -- set Port vnf0 external_ids:nfx-owner=test ||
		fail "cannot add the VNF port to $sysbr"
else
	vsctl add-br test-sys-br -- set Bridge test-sys-br datapath_type=netdev \
		-- add-port test-sys-br hsxe1 trunks=100 -- add-port test-sys-br vnf0 tag=100 ||
		fail "cannot make the stand-in host-os switch"
fi

step "LAN hosts"
h2="$("$NFX" host --state-dir "$state" ge-0/0/2)"
h3="$("$NFX" host --state-dir "$state" ge-0/0/3)"
ip -n "$h2" addr add 192.0.2.12/24 dev eth0
ip -n "$h3" addr add 192.0.2.13/24 dev eth0

step "v100 on ge-0/0/2 reaches the VNF through sxe-0/0/1 <-> hsxe1; v200 does not"
wait_for 30 can_ping "$h2" 192.0.2.100 || fail "the v100 host does not reach the VNF"
if can_ping "$h3" 192.0.2.100 || can_ping "$h3" 192.0.2.100; then fail "the v200 host reaches the VNF"; fi

step "sxe-0/0/1 carries v200 instead of v100: the v100 host no longer reaches it"
jcli <<'EOF2' | grep -q '^commit complete$' || fail "commit failed"
configure
set interfaces sxe-0/0/1 unit 0 family ethernet-switching vlan members v200
delete interfaces sxe-0/0/1 unit 0 family ethernet-switching vlan members v100
commit
EOF2
[[ "$(vsctl get Port sxe1 trunks)" == "[200]" ]] || fail "sxe1 trunks not [200]"
ip -n "$h2" neigh flush all
if can_ping "$h2" 192.0.2.100 || can_ping "$h2" 192.0.2.100; then fail "v100 still reaches the VNF"; fi
echo "OK"
