#!/usr/bin/env bash
# Thesis Figure 30 end to end on emulated VFs, real OVS and a real QEMU/TCG
# guest: the platform file gives hsxe0 emulated VFs; JDM
# `vrtr1 interfaces eth2 mapping hsxe0 virtual-function vlan-id 1100`
# (Figure 27's mapping with the VLAN of Figure 30) and vrtr1's day-0
# `eth2 198.51.100.10/24`; JCP `vlans v1100 vlan-id 1100`, ge-0/0/0 access
# v1100, sxe-0/0/0 trunk v1100. The emulated VF is the access port
# vrtr1_eth2 tag 1100 on ovs-sys-br, carried by the hsxe0 trunk to
# sxe-0/0/0. A LAN host on ge-0/0/0 pings vrtr1's eth2; with sxe-0/0/0 not
# carrying v1100 it cannot. The shows say `emulated`. Everything runs in
# the appliance's namespaces; ./nfx down in the trap (data_lib.bash).
# OVS: jdmd's own (the host-os switch row, branch ovs) when this tree has
# it; until then the test starts ovsdb-server and ovs-vswitchd in the
# appliance namespace itself (files under STATE/ovs, stopped by PID) and
# makes a stand-in ovs-sys-br with hsxe0 trunking 1100, as the host-os
# switch row will; everything of SR-IOV, JCP and the guest is the real one.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
# shellcheck source=tests/integration/data_lib.bash
. "$ROOT/tests/integration/data_lib.bash"
fail() { data_fail "$@"; }
BUILD="${NFX_BUILD_DIR:-$ROOT/build}"

own_ovs=0
stop_own_ovs() { # the OVS daemons this test started, by PID
	[[ $own_ovs -eq 1 && -n "$state" ]] || return 0
	local f p
	for f in "$state/ovs/ovs-vswitchd.pid" "$state/ovs/ovsdb-server.pid"; do
		p="$(tr -dc '0-9' <"$f" 2>/dev/null || true)"
		[[ -z "$p" ]] || kill -TERM "$p" 2>/dev/null || true
	done
}
DATA_CLEANUP_HOOK=stop_own_ovs
if compgen -G "$ROOT/jdm/jdm_vswitch*.c" >/dev/null; then
	data_init sriov-fig30
else
	# data_init without its wait for the host-os switch: the stand-in below
	[[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root (netns)"; exit 77; }
	for c in qemu-system-x86_64 ovs-vswitchd ovsdb-server ovs-vsctl ovsdb-tool; do
		command -v "$c" >/dev/null || { echo "SKIP: $c not installed"; exit 77; }
	done
	compgen -G "$ROOT/jcp/jcp_pfe*.c" >/dev/null ||
		{ echo "SKIP: this tree has no PFE bridge yet (jcp/jcp_pfe*.c)"; exit 77; }
	state="$(mktemp -d "/tmp/nfx-it-sriov-fig30.XXXXXX")"
	img="$state/images"
	trap data_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	mkdir -p "$img/day0"
	"$ROOT/vnf-images/make-test-vnf" "$img/base.qcow2" >/dev/null 2>"$state/make-test-vnf.log" ||
		{ cat "$state/make-test-vnf.log" >&2; fail "make-test-vnf"; }
fi
vnf_image vrtr1

# the box's platform file with emulated VFs on hsxe0/hsxe1 (./nfx up keeps it)
"$BUILD/jcp/jcpd" --platform-default |
	sed -e 's/^hsxe0 .*/hsxe0 hsxe0 vfs 8 vf-mode emulated/' \
	    -e 's/^hsxe1 .*/hsxe1 hsxe1 vfs 8 vf-mode emulated/' >"$state/platform.conf"
data_up
if ! wait_for 15 test -S "$state/ovs/db.sock"; then
	ns="$(appns)"
	echo "(jdmd runs no OVS here: the test starts it in $ns, with a stand-in ovs-sys-br)"
	own_ovs=1
	mkdir -p "$state/ovs"
	ovsdb-tool create "$state/ovs/conf.db" /usr/share/openvswitch/vswitch.ovsschema
	ip netns exec "$ns" ovsdb-server "$state/ovs/conf.db" --remote="punix:$state/ovs/db.sock" \
		--unixctl="$state/ovs/ovsdb-server.ctl" --pidfile="$state/ovs/ovsdb-server.pid" \
		--log-file="$state/ovs/ovsdb-server.log" --detach --no-chdir || fail "ovsdb-server"
	ovsctl --no-wait init || fail "ovs-vsctl init"
	ip netns exec "$ns" ovs-vswitchd "unix:$state/ovs/db.sock" \
		--unixctl="$state/ovs/ovs-vswitchd.ctl" --pidfile="$state/ovs/ovs-vswitchd.pid" \
		--log-file="$state/ovs/ovs-vswitchd.log" --detach --no-chdir || fail "ovs-vswitchd"
	ovsctl add-br ovs-sys-br -- set Bridge ovs-sys-br datapath_type=netdev \
		-- add-port ovs-sys-br hsxe0 trunks=1100 || fail "the stand-in ovs-sys-br"
fi
wait_for 60 ovsctl br-exists pfe-br || fail "jcpd did not make pfe-br"
wait_for 60 ovsctl br-exists ovs-sys-br || fail "no ovs-sys-br"

echo "--- JDM: vrtr1 eth2 mapping hsxe0 virtual-function vlan-id 1100"
commit_to jdm "set system virtualization accel tcg
$(vnf_lines vrtr1)
set virtual-network-functions vrtr1 interfaces eth2 mapping hsxe0 virtual-function vlan-id 1100
$(day0 vrtr1 interfaces "eth2 198.51.100.10/24")"

echo "--- JCP: v1100, ge-0/0/0 access v1100, sxe-0/0/0 trunk v1100 (Figure 30)"
commit_to jcp "set vlans v1100 vlan-id 1100
set interfaces ge-0/0/0 unit 0 family ethernet-switching interface-mode access
set interfaces ge-0/0/0 unit 0 family ethernet-switching vlan members v1100
set interfaces sxe-0/0/0 unit 0 family ethernet-switching interface-mode trunk
set interfaces sxe-0/0/0 unit 0 family ethernet-switching vlan members v1100"

h0="$(lan_host ge-0/0/0 198.51.100.2/24)"

echo "--- the emulated VF: port vrtr1_eth2 tag 1100 on ovs-sys-br"
wait_for 60 test "$(port_tag vrtr1_eth2)" = 1100 || { ovsctl show; fail "no Port vrtr1_eth2 with tag: 1100"; }
[[ "$(ovsctl port-to-br vrtr1_eth2)" == ovs-sys-br ]] || fail "vrtr1_eth2 is not on ovs-sys-br"
[[ "$(ovsctl get Port vrtr1_eth2 external_ids:nfx-pf | tr -d '"')" == hsxe0 ]] || fail "vrtr1_eth2 is not hsxe0's"
vis="$(jdm -c "show system visibility network")"
echo "$vis" | sed -n '/SR-IOV/,$p'
grep -Eq '^vrtr1 +eth2 +emulated +hsxe0 +0 +emulated +1100 ' <<<"$vis" || fail "show system visibility network"
inv="$(jdm -c "show system inventory")"
grep -Eq '^hsxe0 +hsxe0 +emulated +sxe-0/0/0 +emulated +8 +8 +1$' <<<"$inv" || { echo "$inv"; fail "show system inventory"; }

echo "--- vrtr1 boots (TCG) and applies its day-0 interfaces"
wait_for 240 ready vrtr1 || fail "vrtr1 never said 'nfx-test-vnf ready'"
ready_line vrtr1
ready_line vrtr1 | grep -Eq 'eth2=198\.51\.100\.10/24' || fail "vrtr1 has no eth2 198.51.100.10/24"

echo "--- the LAN host on ge-0/0/0 pings vrtr1's eth2 through sxe-0/0/0 and the VF"
wait_for 120 pings "$h0" 198.51.100.10 || fail "ge-0/0/0 host cannot ping vrtr1 eth2 198.51.100.10"
ip netns exec "$h0" ping -c 3 -i 0.3 198.51.100.10 | tail -n 2

echo "--- sxe-0/0/0 no longer carries v1100: no ping"
commit_to jcp "set vlans v1200 vlan-id 1200
delete interfaces sxe-0/0/0 unit 0 family ethernet-switching vlan members v1100
set interfaces sxe-0/0/0 unit 0 family ethernet-switching vlan members v1200"
ip -n "$h0" neigh flush all 2>/dev/null || true
wait_for 30 no_ping "$h0" 198.51.100.10 || fail "the LAN host reaches vrtr1 without v1100 on sxe-0/0/0"

echo "--- v1100 back on sxe-0/0/0: the ping works again"
commit_to jcp "set interfaces sxe-0/0/0 unit 0 family ethernet-switching vlan members v1100"
wait_for 120 pings "$h0" 198.51.100.10 || fail "no ping after v1100 is back on sxe-0/0/0"

echo "--- the box restarts (./nfx down, up): the same VF and MAC, the port again, the ping again"
mac1="$(grep -E '^vrtr1 +eth2 ' <<<"$vis" | awk '{print $NF}')"
[[ $own_ovs -eq 0 ]] || { echo "(the stand-in OVS does not survive ./nfx down: not restarted)"; echo "PASS: Figure 30 on an emulated VF of hsxe0"; exit 0; }
"$NFX" down --state-dir "$state" >/dev/null || fail "./nfx down"
data_up
wait_for 60 test "$(port_tag vrtr1_eth2)" = 1100 || { ovsctl show; fail "vrtr1_eth2 not back after the restart"; }
vis2="$(jdm -c "show system visibility network")"
grep -Eq "^vrtr1 +eth2 +emulated +hsxe0 +0 +emulated +1100 +$mac1\$" <<<"$vis2" ||
	{ echo "$vis2"; fail "another VF or MAC after the restart"; }
h0="$(lan_host ge-0/0/0 198.51.100.2/24)"
wait_for 240 ready vrtr1 2 || fail "vrtr1 did not boot again after the restart"
wait_for 120 pings "$h0" 198.51.100.10 || fail "no ping after the restart"
echo "PASS: Figure 30 on an emulated VF of hsxe0"
