#!/usr/bin/env bash
# A service chain through two real QEMU/TCG guests on real OVS, and a trunk
# VNF interface, on one appliance whose sxe<->hsxe cables are OVS patch-port
# pairs (platform file `cable patch`):
#
#   LAN host h2 (ge-0/0/2, v100, 198.51.100.2, gateway vrtr1)
#     -> JCP ge-0/0/2 access v100 -> sxe-0/0/1 trunk -> hsxe1 -> ovs-sys-br
#     -> vrtr1 eth3 (v100, 198.51.100.10)  [forwarding on]
#        vrtr1 eth4 (v200, 203.0.113.1)
#     -> localserver eth2 (v200, 203.0.113.10; route 198.51.100.0/24 via vrtr1)
#
#   localserver eth3: trunk v300 + v301, guest sub-interfaces
#     eth3.300 192.0.2.65/26  <- LAN host h4 on ge-0/0/4 (access v300)
#     eth3.301 192.0.2.129/26 <- LAN host h5 on ge-0/0/5 (access v301)
#
# Checks: h2 pings localserver through vrtr1 (TTL one less: routed); h4 and
# h5 each reach their VLAN's sub-interface on the trunk; after `delete
# virtual-network-functions vrtr1 interfaces eth4` (committed) vrtr1 still
# answers h2 but localserver is no longer reachable.
# localserver's ports have names longer than a Linux interface name
# (localserver_eth2: 16 characters): jdmd gives them their stable short form
# (jdm_domain_ifname: localserve-XXXX), which vnf_port computes.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
# shellcheck source=tests/integration/data_lib.bash
. "$ROOT/tests/integration/data_lib.bash"
fail() { data_fail "$@"; }
LS=localserver

data_init chain
vnf_image vrtr1
vnf_image "$LS"
# This appliance's sxe<->hsxe cables are OVS patch-port pairs (`cable patch`
# in the platform file; test_data_fig30 runs on the default veth pairs).
"${NFX_JCPD:-$ROOT/build/jcp/jcpd}" --platform-default |
	sed -E '/^sxe-0\/0\/[01] /s/$/ cable patch/' >"$state/platform.conf"
grep -q '^sxe-0/0/1 .* cable patch$' "$state/platform.conf" || fail "no cable patch in platform.conf"
data_up

echo "--- JDM: host-os VLANs, vrtr1 (eth3 v100, eth4 v200, forwarding), $LS (eth2 v200, eth3 trunk v300 v301)"
commit_to jdm "set system virtualization accel tcg
set host-os vlans v100 vlan-id 100
set host-os vlans v200 vlan-id 200
set host-os vlans v300 vlan-id 300
set host-os vlans v301 vlan-id 301
$(vnf_lines vrtr1)
set virtual-network-functions vrtr1 interfaces eth3 mapping vlan mode access
set virtual-network-functions vrtr1 interfaces eth3 mapping vlan members v100
set virtual-network-functions vrtr1 interfaces eth4 mapping vlan mode access
set virtual-network-functions vrtr1 interfaces eth4 mapping vlan members v200
$(day0 vrtr1 interfaces "eth3 198.51.100.10/24
eth4 203.0.113.1/24")
$(day0 vrtr1 forwarding on)
$(vnf_lines "$LS")
set virtual-network-functions $LS interfaces eth2 mapping vlan mode access
set virtual-network-functions $LS interfaces eth2 mapping vlan members v200
set virtual-network-functions $LS interfaces eth3 mapping vlan mode trunk
set virtual-network-functions $LS interfaces eth3 mapping vlan members v300
set virtual-network-functions $LS interfaces eth3 mapping vlan members v301
$(day0 "$LS" interfaces "eth2 203.0.113.10/24
eth3.300 192.0.2.65/26
eth3.301 192.0.2.129/26")
$(day0 "$LS" routes "198.51.100.0/24 via 203.0.113.1")"

echo "--- JCP: ge-0/0/2 access v100, ge-0/0/4 access v300, ge-0/0/5 access v301, sxe-0/0/1 trunk"
commit_to jcp "set vlans v100 vlan-id 100
set vlans v300 vlan-id 300
set vlans v301 vlan-id 301
set interfaces ge-0/0/2 unit 0 family ethernet-switching interface-mode access
set interfaces ge-0/0/2 unit 0 family ethernet-switching vlan members v100
set interfaces ge-0/0/4 unit 0 family ethernet-switching interface-mode access
set interfaces ge-0/0/4 unit 0 family ethernet-switching vlan members v300
set interfaces ge-0/0/5 unit 0 family ethernet-switching interface-mode access
set interfaces ge-0/0/5 unit 0 family ethernet-switching vlan members v301
set interfaces sxe-0/0/1 unit 0 family ethernet-switching interface-mode trunk
set interfaces sxe-0/0/1 unit 0 family ethernet-switching vlan members v100
set interfaces sxe-0/0/1 unit 0 family ethernet-switching vlan members v300
set interfaces sxe-0/0/1 unit 0 family ethernet-switching vlan members v301"

h2="$(lan_host ge-0/0/2 198.51.100.2/24 198.51.100.10)"
h4="$(lan_host ge-0/0/4 192.0.2.66/26)"
h5="$(lan_host ge-0/0/5 192.0.2.130/26)"

echo "--- the sxe-0/0/1 cable is a patch-port pair"
patch_cable() {
	[[ "$(ovsctl get interface hsxe1 type)" == patch && "$(ovsctl get interface sxe1 type)" == patch ]]
}
wait_for 60 patch_cable || { ovsctl show; fail "hsxe1/sxe1 are not patch ports"; }
echo "--- the VNF ports on ovs-sys-br"
wait_for 60 has_tag vrtr1_eth3 100 || { ovsctl show; fail "no vrtr1_eth3 with tag 100"; }
wait_for 60 has_tag vrtr1_eth4 200 || { ovsctl show; fail "no vrtr1_eth4 with tag 200"; }
ls2="$(vnf_port "$LS" eth2)" ls3="$(vnf_port "$LS" eth3)"
wait_for 60 has_tag "$ls2" 200 || { ovsctl show; fail "no $LS eth2 port $ls2 with tag 200"; }
wait_for 60 has_trunks "$ls3" "[300, 301]" || { ovsctl show; fail "no $LS eth3 port $ls3 with trunks [300, 301]"; }

echo "--- both VNFs boot (TCG) and apply their day-0 files"
for v in vrtr1 "$LS"; do
	wait_for 240 ready "$v" || fail "$v never said 'nfx-test-vnf ready'"
	ready_line "$v"
done
r="$(ready_line vrtr1)"
for w in eth3=198.51.100.10/24 eth4=203.0.113.1/24 forwarding=on; do
	grep -qw -- "$w" <<<"$r" || fail "vrtr1: ready line lacks $w"
done
r="$(ready_line "$LS")"
for w in eth2=203.0.113.10/24 eth3.300=192.0.2.65/26 eth3.301=192.0.2.129/26; do
	grep -qw -- "$w" <<<"$r" || fail "$LS: ready line lacks $w"
done

echo "--- chain: h2 -> vrtr1 -> $LS"
wait_for 120 pings "$h2" 198.51.100.10 || fail "h2 cannot ping vrtr1 eth3"
wait_for 120 pings "$h2" 203.0.113.10 || fail "h2 cannot ping $LS through vrtr1"
out="$(ip netns exec "$h2" ping -c 3 -i 0.3 -W 2 203.0.113.10 || true)"
echo "$out" | tail -n 2
grep -q 'ttl=63' <<<"$out" || { echo "$out"; fail "the reply did not come through one router (want ttl=63)"; }

echo "--- trunk: h4 (v300) and h5 (v301) reach $LS's eth3.300 and eth3.301"
wait_for 120 pings "$h4" 192.0.2.65 || fail "h4 (v300) cannot ping $LS eth3.300"
wait_for 120 pings "$h5" 192.0.2.129 || fail "h5 (v301) cannot ping $LS eth3.301"
no_ping "$h4" 192.0.2.129 || fail "h4 (v300) reaches the v301 sub-interface"

echo "--- delete vrtr1's eth4: the chain is cut"
n="$(ready_count vrtr1)"
commit_to jdm "delete virtual-network-functions vrtr1 interfaces eth4"
gone_port() { ! ovsctl list-ports ovs-sys-br | grep -qx vrtr1_eth4; }
wait_for 60 gone_port || fail "vrtr1_eth4 still on ovs-sys-br"
# vrtr1 may have been restarted for it: wait until it answers again
wait_for 180 pings "$h2" 198.51.100.10 || fail "vrtr1 no longer answers h2 after the delete"
no_ping "$h2" 203.0.113.10 || fail "h2 still reaches $LS without vrtr1's eth4"
[[ "$(ready_count vrtr1)" -gt "$n" ]] && echo "(vrtr1 was restarted for the change)"
echo "PASS: chain through vrtr1 to $LS, trunk sub-interfaces, chain cut by deleting eth4"
