#!/usr/bin/env bash
# The DPDK datapath of the host-os switch, as configuration: `host-os
# datapath dpdk socket-memory 128 lcore-mask 0x1 no-pci` makes jdmd run
# Debian's ovs-vswitchd-dpdk (in the appliance namespace) with those EAL
# settings (other_config), and it comes up with dpdk_initialized=true on
# the hugepage pool; a VNF's data interface becomes a dpdkvhostuserclient
# port on the VNF's vhost-user socket that ovs-vswitchd takes (ofport, in
# the datapath, no error), and the domain XML carries a vhost-user
# interface (QEMU the socket server) on shared hugepage memory. Commit check
# refuses a VNF without hugepages on that datapath. Back to netdev: the
# plain ovs-vswitchd, a TAP port, an ethernet NIC. The VNF is not started:
# QEMU under TCG cannot run vhost-user guests, so the DPDK data path itself
# is not exercised here.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
DPDK=/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk
command -v ovs-vsctl >/dev/null || { echo "SKIP: no ovs-vsctl (openvswitch-switch)"; exit 77; }
[[ -x "$DPDK" ]] || { echo "SKIP: no $DPDK (openvswitch-switch-dpdk)"; exit 77; }
[[ -w /proc/sys/vm/nr_hugepages ]] || { echo "SKIP: cannot size the hugepage pool"; exit 77; }
source "$ROOT/tests/integration/data_lib.bash"
huge_before="$(cat /proc/sys/vm/nr_hugepages)"
# before data_cleanup's 'down': pages still in use become surplus and are
# freed when the VNF goes, so the pool ends as it was
dpdk_cleanup() {
	[[ -z "$state" ]] || tail -20 "$state/ovs/ovs-vswitchd.log" >&2 2>/dev/null || true
	echo "$huge_before" >/proc/sys/vm/nr_hugepages 2>/dev/null || true
}
DATA_CLEANUP_HOOK=dpdk_cleanup
data_init ovsd
fail() { data_fail "$@"; }
cli() { jdm "$@"; }
vsctl() { ovsctl "$@"; }
ns() { appns; }
vswitchd_cmd() { tr '\0' ' ' <"/proc/$(tr -dc '0-9' <"$state/ovs/ovs-vswitchd.pid")/cmdline"; }

vnf_image vd1
data_up
wait_for 60 vsctl br-exists ovs-sys-br || fail "no ovs-sys-br"
[[ "$(vswitchd_cmd)" != *-dpdk* ]] || fail "the DPDK build runs by default"

echo "--- commit check: a VNF without hugepages on the DPDK datapath"
out="$(cli <<EOF
configure
set host-os vlans v100 vlan-id 100
set host-os datapath dpdk socket-memory 128 lcore-mask 0x1 no-pci
set virtual-network-functions vd1 image $img/vd1.qcow2
set virtual-network-functions vd1 no-autostart
set virtual-network-functions vd1 memory size 65536
set virtual-network-functions vd1 interfaces eth2 mapping vlan members v100
commit
EOF
)" || true
grep -q '^\[edit virtual-network-functions vd1\]$' <<<"$out" || { echo "$out"; fail "no [edit] path"; }
grep -q 'VNF vd1 has data interfaces on the DPDK datapath: vhost-user needs memory the switch can share; set memory features hugepages' <<<"$out" ||
	{ echo "$out"; fail "no clear refusal"; }
[[ "$(vswitchd_cmd)" != *-dpdk* ]] || fail "the refused commit started the DPDK build"

echo "--- ovs-vswitchd-dpdk with the configured EAL settings, dpdk_initialized=true"
# the pool: 64 pages for DPDK's 128 MB, 32 for the VNF's 64 MB, some spare.
# The pool is the machine's: other tests here may hold its pages for a while
# (then the budget check or DPDK's EAL says so); try again for up to 3 min.
huge_ok=0
for _ in $(seq 36); do
	out="$(cli <<EOF
configure
set system memory hugepages page-size 2
set system memory hugepages page-count 120
set virtual-network-functions vd1 memory features hugepages
commit
EOF
)" || true
	if grep -q '^commit complete$' <<<"$out"; then huge_ok=1; break; fi
	grep -Eq 'are free in the pool|Cannot allocate memory|Not enough memory' <<<"$out" || { echo "$out"; fail "commit"; }
	sleep 5
done
[[ $huge_ok -eq 1 ]] || { echo "$out"; echo "the machine's hugepage pool stayed busy"; exit 77; }
[[ "$(vswitchd_cmd)" == *ovs-vswitchd-dpdk* ]] || fail "not the DPDK build: $(vswitchd_cmd)"
pid="$(tr -dc '0-9' <"$state/ovs/ovs-vswitchd.pid")"
[[ "$(readlink "/proc/$pid/ns/net")" == "$(ip netns exec "$(ns)" readlink /proc/self/ns/net)" ]] ||
	fail "ovs-vswitchd-dpdk is not in the appliance namespace"
[[ "$(vsctl get open_vswitch . dpdk_initialized)" == true ]] || fail "dpdk_initialized is not true"
oc="$(vsctl get open_vswitch . other_config)"
for kv in 'dpdk-init="true"' 'dpdk-socket-mem="128"' 'dpdk-lcore-mask="0x1"' 'dpdk-extra="--no-pci"'; do
	grep -qF "$kv" <<<"$oc" || fail "other_config lacks $kv: $oc"
done
grep -q 'EAL ARGS: .*--no-pci.*--socket-mem 128' "$state/ovs/ovs-vswitchd.log" || fail "EAL arguments"

echo "--- the VNF port: dpdkvhostuserclient on the VNF's socket, taken by ovs-vswitchd"
sock="$state/vnf/vd1/vd1_eth2.sock"
[[ "$(vsctl get interface vd1_eth2 type)" == dpdkvhostuserclient ]] || fail "type: $(vsctl get interface vd1_eth2 type)"
[[ "$(vsctl get interface vd1_eth2 options:vhost-server-path)" == "\"$sock\"" ]] ||
	fail "vhost-server-path: $(vsctl get interface vd1_eth2 options)"
[[ "$(vsctl get port vd1_eth2 tag)" == 100 ]] || fail "tag"
wait_for 30 bash -c "timeout 10 ovs-appctl -t $state/ovs/ovs-vswitchd.ctl dpif/show | grep -q 'vd1_eth2 .*dpdkvhostuserclient'" ||
	{ appctl dpif/show; fail "vd1_eth2 not in the datapath"; }
[[ "$(vsctl get interface vd1_eth2 error)" == "[]" ]] || fail "vd1_eth2 error: $(vsctl get interface vd1_eth2 error)"
[[ "$(vsctl get interface vd1_eth2 ofport)" -gt 0 ]] || fail "vd1_eth2 has no ofport"
ip -n "$(ns)" link show vd1_eth2 >/dev/null 2>&1 && fail "a tap vd1_eth2 exists on the DPDK datapath"
xml="$state/libvirt/etc/qemu/vd1.xml"
[[ -f "$xml" ]] || xml="$(find "$state/libvirt" -name vd1.xml | head -1)"
grep -A3 "<interface type='vhostuser'>" "$xml" | grep -q "<source type='unix' path='$sock' mode='server'/>" ||
	{ cat "$xml"; fail "no vhost-user interface in the domain XML"; }
sed -n '/<memoryBacking>/,/<\/memoryBacking>/p' "$xml" | grep -q "<access mode='shared'/>" || fail "memory not shared"
sed -n '/<memoryBacking>/,/<\/memoryBacking>/p' "$xml" | grep -q "<hugepages>" || fail "memory not on hugepages"
cli -c "show system visibility network" | grep -q 'vd1_eth2 .*vhostuser .*ovs-sys-br' || fail "visibility"

echo "--- back to netdev: plain ovs-vswitchd, a tap, an ethernet NIC"
commit_ok <<<"delete host-os datapath"
[[ "$(vswitchd_cmd)" != *-dpdk* ]] || fail "still the DPDK build"
[[ "$(vsctl get interface vd1_eth2 type)" == '""' ]] || fail "type after netdev: $(vsctl get interface vd1_eth2 type)"
[[ "$(vsctl get interface vd1_eth2 options)" == "{}" ]] || fail "options after netdev"
ip -n "$(ns)" -d link show vd1_eth2 | grep -q "tun type tap" || fail "no tap after netdev"
grep -q "<target dev='vd1_eth2' managed='no'/>" "$xml" || { cat "$xml"; fail "no ethernet NIC after netdev"; }
grep -q "<interface type='vhostuser'>" "$xml" && fail "vhost-user NIC left"
echo "PASS"
