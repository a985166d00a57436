#!/usr/bin/env bash
# The host-os switch on real Open vSwitch (userspace netdev datapath) in the
# appliance's namespace, with a real QEMU (TCG) VNF: thesis Figures 27-29
# (vrtr1 eth3 access v100 -> port vrtr1_eth3 tag 100 in `ovs-vsctl show`
# on STATE/ovs/db.sock), Figure 35 (sdwan with three access interfaces on
# v100, v200, v300 -> three tagged ports), the hsxe0/hsxe1 trunks carrying
# the host-os VLANs; the taps (owned by QEMU's user, ifAlias = port name)
# and the domain XML that uses them; a VLAN change on the running vrtr1
# changes the tag and keeps its QEMU pid; a trunk with native-vlan-id;
# deleting an interface or a VNF removes exactly its ports (and taps); a
# VNF whose port name would not fit 15 bytes gets a stable short name that
# the shows print beside the long one (the tap's ifAlias is the long one);
# a bad mapping is refused at commit check and nothing changes.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
command -v ovs-vsctl >/dev/null || { echo "SKIP: no ovs-vsctl (openvswitch-switch)"; exit 77; }
source "$ROOT/tests/integration/data_lib.bash"
data_init ovs
fail() { data_fail "$@"; }
cli() { jdm "$@"; }
vsctl() { ovsctl "$@"; }
ns() { appns; }
# the `ovs-vsctl show` stanza of port $1 (its lines up to the next Port)
port_block() { vsctl show | awk -v p="$1" '$1 == "Port" { on = ($2 == p || $2 == "\"" p "\"") } on'; }
port_tag() { vsctl get port "$1" tag; }
ports() { vsctl list-ports ovs-sys-br | sort | tr '\n' ' '; }

for v in vrtr1 sdwan; do vnf_image "$v"; done
data_up

echo "--- OVS runs in the appliance namespace, on its own run directory"
wait_for 60 test -S "$state/ovs/db.sock" || fail "no $state/ovs/db.sock"
for prog in ovsdb-server ovs-vswitchd; do
	wait_for 60 test -s "$state/ovs/$prog.pid" || fail "no $prog.pid"
	pid="$(cat "$state/ovs/$prog.pid")"
	[[ "$(readlink "/proc/$pid/ns/net")" == "$(ip netns exec "$(ns)" readlink /proc/self/ns/net)" ]] ||
		fail "$prog is not in the appliance namespace"
done
wait_for 60 vsctl br-exists ovs-sys-br || fail "no ovs-sys-br"
[[ "$(vsctl get bridge ovs-sys-br datapath_type)" == netdev ]] || fail "datapath_type not netdev"

echo "--- Figures 27-29 and 35: host-os VLANs, vrtr1 eth3 on v100, sdwan on v100/v200/v300"
commit_ok <<EOF
set system virtualization accel tcg
set host-os vlans v100 vlan-id 100
set host-os vlans v200 vlan-id 200
set host-os vlans v300 vlan-id 300
set virtual-network-functions vrtr1 image $img/vrtr1.qcow2
set virtual-network-functions vrtr1 virtual-cpu count 1
set virtual-network-functions vrtr1 memory size 262144
set virtual-network-functions vrtr1 interfaces eth3 mapping vlan mode access
set virtual-network-functions vrtr1 interfaces eth3 mapping vlan members v100
set virtual-network-functions sdwan image $img/sdwan.qcow2
set virtual-network-functions sdwan image image-type qcow2
set virtual-network-functions sdwan virtual-cpu count 1
set virtual-network-functions sdwan interfaces eth2 mapping vlan mode access
set virtual-network-functions sdwan interfaces eth2 mapping vlan members v100
set virtual-network-functions sdwan interfaces eth3 mapping vlan mode access
set virtual-network-functions sdwan interfaces eth3 mapping vlan members v200
set virtual-network-functions sdwan interfaces eth4 mapping vlan mode access
set virtual-network-functions sdwan interfaces eth4 mapping vlan members v300
set virtual-network-functions sdwan memory size 262144
set virtual-network-functions sdwan no-autostart
EOF
port_block vrtr1_eth3 | grep -q 'tag: 100' || { vsctl show; fail "vrtr1_eth3 has no tag: 100 in ovs-vsctl show"; }
for p in "sdwan_eth2 100" "sdwan_eth3 200" "sdwan_eth4 300"; do
	set -- $p
	port_block "$1" | grep -q "tag: $2" || { vsctl show; fail "$1 has no tag: $2"; }
done
for u in hsxe0 hsxe1; do
	[[ "$(vsctl get port "$u" trunks)" == "[100, 200, 300]" ]] || { vsctl show; fail "$u does not trunk 100,200,300"; }
done
[[ "$(ports)" == "hsxe0 hsxe1 sdwan_eth2 sdwan_eth3 sdwan_eth4 vrtr1_eth3 " ]] || fail "ports: $(ports)"

echo "--- taps: made by jdmd, QEMU's, ifAlias = port name; the domain XML uses them"
link="$(ip -n "$(ns)" -d link show vrtr1_eth3)" || fail "no tap vrtr1_eth3"
grep -q "tun type tap" <<<"$link" || fail "vrtr1_eth3 is not a tap: $link"
grep -q "persist on" <<<"$link" || fail "vrtr1_eth3 not persistent"
grep -q "alias vrtr1_eth3" <<<"$link" || fail "vrtr1_eth3 has no alias: $link"
if id libvirt-qemu >/dev/null 2>&1; then grep -q "user libvirt-qemu" <<<"$link" || fail "tap not QEMU's: $link"; fi
wait_for 60 qemu_pid vrtr1 || fail "vrtr1 QEMU not running"
xml="$state/libvirt/etc/qemu/vrtr1.xml"
[[ -f "$xml" ]] || xml="$(find "$state/libvirt" -name vrtr1.xml | head -1)"
grep -A3 "<interface type='ethernet'>" "$xml" | grep -q "<target dev='vrtr1_eth3' managed='no'/>" ||
	{ cat "$xml"; fail "domain XML has no unmanaged tap vrtr1_eth3"; }
grep -q "<acpi index='4'/>" "$xml" || fail "eth3 has no ACPI index 4"
# the tap is in use by the running guest (carrier)
wait_for 30 bash -c "ip -n $(ns) link show vrtr1_eth3 | grep -q LOWER_UP" || fail "vrtr1_eth3 has no carrier"
[[ "$(vsctl get interface vrtr1_eth3 error)" == "[]" ]] || fail "vrtr1_eth3 error: $(vsctl get interface vrtr1_eth3 error)"

echo "--- OVS changed behind jdmd's back: an error is shown, a removed port comes back"
vsctl set interface sdwan_eth3 type=nfx-bogus
wait_for 60 bash -c "[[ \"\$(timeout 10 ovs-vsctl --db=unix:$state/ovs/db.sock get interface sdwan_eth3 error)\" != '[]' ]]" ||
	fail "no OVS error for the bogus type"
err="$(vsctl get interface sdwan_eth3 error | tr -d '"')"
wait_for 30 bash -c "timeout 20 '$NFX' cli --state-dir '$state' -c 'show host-os vlans' | grep -qF 'sdwan_eth3 (sdwan eth3, access) error: $err'" ||
	{ cli -c "show host-os vlans"; fail "show host-os vlans does not show the port's error ($err)"; }
cli -c "show system visibility network" | grep -qF "error: $err" || fail "visibility does not show the port's error"
grep -qF "host-os switch: interface sdwan_eth3: $err" "$state/jdmd.log" || fail "jdmd did not log the port's error"
vsctl set interface sdwan_eth3 type='""'
vsctl del-port ovs-sys-br sdwan_eth2
wait_for 60 bash -c "timeout 10 ovs-vsctl --db=unix:$state/ovs/db.sock list-ports ovs-sys-br | grep -qx sdwan_eth2" ||
	fail "the removed port did not come back"
[[ "$(port_tag sdwan_eth2)" == 100 ]] || fail "sdwan_eth2 came back without its tag"
wait_for 30 bash -c "! timeout 20 '$NFX' cli --state-dir '$state' -c 'show host-os vlans' | grep -q 'error:'" ||
	{ cli -c "show host-os vlans"; fail "errors still shown"; }

echo "--- VLAN change on the running vrtr1: tag changes, QEMU pid does not"
q1="$(qemu_pid vrtr1)"
commit_ok <<EOF
delete virtual-network-functions vrtr1 interfaces eth3 mapping vlan members v100
set virtual-network-functions vrtr1 interfaces eth3 mapping vlan members v200
EOF
[[ "$(port_tag vrtr1_eth3)" == 200 ]] || fail "tag did not change: $(port_tag vrtr1_eth3)"
q2="$(qemu_pid vrtr1)" || fail "vrtr1 QEMU gone"
[[ "$q1" == "$q2" ]] || fail "vrtr1 was restarted ($q1 -> $q2)"
# a host-os VLAN renumbered: every port of it follows
commit_ok <<<"set host-os vlans v300 vlan-id 301"
[[ "$(port_tag sdwan_eth4)" == 301 ]] || fail "sdwan_eth4 did not follow v300 to 301"
[[ "$(vsctl get port hsxe0 trunks)" == "[100, 200, 301]" ]] || fail "hsxe0 trunks: $(vsctl get port hsxe0 trunks)"

echo "--- a trunk with a native VLAN"
commit_ok <<EOF
set virtual-network-functions sdwan interfaces eth5 mapping vlan mode trunk
set virtual-network-functions sdwan interfaces eth5 mapping vlan members [ v100 v200 ]
set virtual-network-functions sdwan interfaces eth5 mapping vlan native-vlan-id 301
EOF
[[ "$(vsctl get port sdwan_eth5 trunks)" == "[100, 200, 301]" ]] || fail "sdwan_eth5 trunks: $(vsctl get port sdwan_eth5 trunks)"
[[ "$(vsctl get port sdwan_eth5 tag)" == 301 && "$(vsctl get port sdwan_eth5 vlan_mode)" == native-untagged ]] ||
	fail "sdwan_eth5 native VLAN"

echo "--- deleting an interface, then a VNF, removes exactly its ports"
commit_ok <<<"delete virtual-network-functions sdwan interfaces eth4"
[[ "$(ports)" == "hsxe0 hsxe1 sdwan_eth2 sdwan_eth3 sdwan_eth5 vrtr1_eth3 " ]] || fail "after eth4: $(ports)"
ip -n "$(ns)" link show sdwan_eth4 >/dev/null 2>&1 && fail "tap sdwan_eth4 left behind"
commit_ok <<<"delete virtual-network-functions sdwan"
[[ "$(ports)" == "hsxe0 hsxe1 vrtr1_eth3 " ]] || fail "after sdwan: $(ports)"
ip -n "$(ns)" link show sdwan_eth2 >/dev/null 2>&1 && fail "tap sdwan_eth2 left behind"
[[ "$(qemu_pid vrtr1)" == "$q1" ]] || fail "vrtr1 restarted by the other VNF's removal"

echo "--- a port name longer than 15 bytes: its stable short form, the long name beside it"
commit_ok <<EOF
set virtual-network-functions longname123 image $img/sdwan.qcow2
set virtual-network-functions longname123 no-autostart
set virtual-network-functions longname123 interfaces eth2 mapping vlan members v100
EOF
short="$(vsctl list-ports ovs-sys-br | grep -E '^longname12-[0-9a-f]{4}$')" || fail "no short port: $(ports)"
[[ "$(port_tag "$short")" == 100 ]] || fail "$short tag"
ip -n "$(ns)" -d link show "$short" | grep -q "alias longname123_eth2" || fail "$short has not the long name as ifAlias"
cli -c "show host-os vlans" | grep -q "$short = longname123_eth2 (longname123 eth2, access)" ||
	{ cli -c "show host-os vlans"; fail "show host-os vlans without the long name"; }
cli -c "show system visibility network" | grep -q "$short .*port of longname123_eth2" ||
	{ cli -c "show system visibility network"; fail "visibility without the long name"; }
commit_ok <<<"delete virtual-network-functions longname123"
[[ "$(ports)" == "hsxe0 hsxe1 vrtr1_eth3 " ]] || fail "after longname123: $(ports)"
ip -n "$(ns)" link show "$short" >/dev/null 2>&1 && fail "tap $short left behind"

echo "--- bad mappings are refused at commit check, nothing changes"
before="$(vsctl show)"
# an access interface with two VLANs is refused too
out="$(cli <<EOF
configure
set virtual-network-functions vrtr1 interfaces eth4 mapping vlan mode access
set virtual-network-functions vrtr1 interfaces eth4 mapping vlan members [ v100 v200 ]
commit
EOF
)" || true
grep -q '^\[edit virtual-network-functions vrtr1 interfaces eth4\]$' <<<"$out" || { echo "$out"; fail "no [edit] path"; }
grep -q 'an access interface is a member of exactly one VLAN (2 given)' <<<"$out" || { echo "$out"; fail "two access VLANs accepted"; }
grep -q 'commit complete' <<<"$out" && fail "two access VLANs committed"
[[ "$(vsctl show)" == "$before" ]] || fail "OVS changed by a refused commit"
cli <<<$'configure\nrollback 0\ncommit' >/dev/null

echo "--- jdmd restarted: nothing duplicated, ports as configured"
"$NFX" down --state-dir "$state" >/dev/null
NFX_IMAGE_DIR="$img" "$NFX" up --state-dir "$state" >/dev/null
wait_for 60 bash -c "[[ \"\$(timeout 10 ovs-vsctl --db=unix:$state/ovs/db.sock list-ports ovs-sys-br | sort | tr '\n' ' ')\" == 'hsxe0 hsxe1 vrtr1_eth3 ' ]]" ||
	fail "after restart: $(ports)"
[[ "$(port_tag vrtr1_eth3)" == 200 ]] || fail "tag after restart"
echo "PASS"
