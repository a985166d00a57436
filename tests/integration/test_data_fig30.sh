#!/usr/bin/env bash
# The thesis' data side, Figures 27-30, end to end on real OVS and a real
# QEMU/TCG guest: JDM `host-os vlans v100 vlan-id 100` (Figure 28) and vrtr1's
# eth3 in VLAN v100 (Figure 27); JCP `vlans v100`, ge-0/0/2 access v100 and
# sxe-0/0/1 trunk v100 (Figure 30). A LAN host on ge-0/0/2 pings vrtr1's eth3
# address (198.51.100.10 from vrtr1's config-data); a LAN host on ge-0/0/3 in
# VLAN v200 (also trunked on sxe-0/0/1, also a host-os VLAN) cannot.
# `ovs-vsctl show` on the appliance's OVSDB (STATE/ovs/db.sock) shows Port
# vrtr1_eth3 with tag: 100 (Figure 29).
# Then ovs-vswitchd is killed (by its PID) under the running appliance: it is
# started again, vrtr1_eth3 comes back and the LAN host's ping works again.
# Everything runs in the appliance's namespaces; ./nfx down in the trap.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
# shellcheck source=tests/integration/data_lib.bash
. "$ROOT/tests/integration/data_lib.bash"
fail() { data_fail "$@"; }

data_init fig30
vnf_image vrtr1
data_up

echo "--- JDM: host-os VLANs (Figure 28), vrtr1 eth3 access v100 (Figure 27)"
# The guest names its NICs by the ACPI index jdmd's domain XML gives each
# (ethN: N+1; vnf-images/make-test-vnf): JDM's eth3 is the guest's eth3
# although there is no eth2.
commit_to jdm "set system virtualization accel tcg
set host-os vlans v100 vlan-id 100
set host-os vlans v200 vlan-id 200
$(vnf_lines vrtr1)
set virtual-network-functions vrtr1 interfaces eth3 mapping vlan mode access
set virtual-network-functions vrtr1 interfaces eth3 mapping vlan members v100
$(day0 vrtr1 interfaces "eth3 198.51.100.10/24")"

echo "--- JCP: vlans, ge-0/0/2 access v100, ge-0/0/3 access v200, sxe-0/0/1 trunk (Figure 30)"
commit_to jcp "set vlans v100 vlan-id 100
set vlans v200 vlan-id 200
set interfaces ge-0/0/2 unit 0 family ethernet-switching interface-mode access
set interfaces ge-0/0/2 unit 0 family ethernet-switching vlan members v100
set interfaces ge-0/0/3 unit 0 family ethernet-switching interface-mode access
set interfaces ge-0/0/3 unit 0 family ethernet-switching vlan members v200
set interfaces sxe-0/0/1 unit 0 family ethernet-switching interface-mode trunk
set interfaces sxe-0/0/1 unit 0 family ethernet-switching vlan members v100
set interfaces sxe-0/0/1 unit 0 family ethernet-switching vlan members v200"

h2="$(lan_host ge-0/0/2 198.51.100.2/24)"
h3="$(lan_host ge-0/0/3 198.51.100.3/24)"

echo "--- Figure 29: ovs-vsctl show on $state/ovs/db.sock"
wait_for 60 test -S "$state/ovs/db.sock" || fail "no OVSDB socket $state/ovs/db.sock"
wait_for 60 has_tag vrtr1_eth3 100 || { ovsctl show; fail "no Port vrtr1_eth3 with tag: 100"; }
ovsctl show | sed -n '/Port "\{0,1\}vrtr1_eth3"\{0,1\}$/,/Interface/p'

echo "--- vrtr1 boots (TCG) and applies its day-0 interfaces"
wait_for 180 ready vrtr1 || fail "vrtr1 never said 'nfx-test-vnf ready'"
ready_line vrtr1
ready_line vrtr1 | grep -q 'eth3=198\.51\.100\.10/24' || fail "vrtr1 has no eth3 198.51.100.10/24"

echo "--- the LAN host on ge-0/0/2 (v100) pings vrtr1's eth3"
wait_for 120 pings "$h2" 198.51.100.10 || fail "ge-0/0/2 host cannot ping vrtr1 eth3 198.51.100.10"
ip netns exec "$h2" ping -c 3 -i 0.3 198.51.100.10 | tail -n 2
echo "--- the LAN host on ge-0/0/3 (v200) cannot"
no_ping "$h3" 198.51.100.10 || fail "ge-0/0/3 host (v200) reaches vrtr1's eth3 in v100"

echo "--- ovs-vswitchd killed under the running appliance"
vs_pid() { # the ovs-vswitchd of the appliance (its pid file, else its namespace)
	local p f
	for f in "$state/ovs/ovs-vswitchd.pid" "$state/ovs/vswitchd.pid"; do
		[[ -f "$f" ]] || continue
		p="$(tr -dc '0-9' <"$f")"
		[[ -n "$p" && "$(cat "/proc/$p/comm" 2>/dev/null)" == ovs-vswitchd* ]] && { echo "$p"; return 0; }
	done
	for p in $(ip netns pids "$(appns)"); do
		[[ "$(cat "/proc/$p/comm" 2>/dev/null)" == ovs-vswitchd* ]] && { echo "$p"; return 0; }
	done
	return 1
}
new_vs() { local p; p="$(vs_pid)" && [[ "$p" != "$1" ]]; }
old="$(vs_pid)" || fail "no ovs-vswitchd for the appliance"
kill -KILL "$old"
echo "killed ovs-vswitchd $old"
wait_for 60 new_vs "$old" || fail "ovs-vswitchd was not started again"
echo "ovs-vswitchd again: pid $(vs_pid)"
wait_for 60 has_tag vrtr1_eth3 100 || { ovsctl show; fail "vrtr1_eth3 did not come back"; }
wait_for 120 pings "$h2" 198.51.100.10 || fail "the ping did not work again after the vswitchd restart"
no_ping "$h3" 198.51.100.10 || fail "after the restart the v200 host reaches v100"
echo "PASS: Figures 27-30 end to end; vswitchd restart recovers the data path"
