#!/usr/bin/env bash
# jdmd owns the appliance's Open vSwitch: ovs-vswitchd killed (by its pid)
# under a running appliance with a running VNF is started again and takes
# its ports back (the datapath lists them, the VNF's port has no error);
# the same for ovsdb-server (the database keeps the rows; ovs-vswitchd and
# jdmd reconnect; commits work again). A commit while OVS cannot be reached
# (ovsdb-server stopped with SIGSTOP) fails with a clear error and changes
# nothing: neither OVS nor the active configuration.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
command -v ovs-vsctl >/dev/null || { echo "SKIP: no ovs-vsctl (openvswitch-switch)"; exit 77; }
source "$ROOT/tests/integration/data_lib.bash"
stopped=""
cont_stopped() { [[ -z "$stopped" ]] || kill -CONT "$stopped" 2>/dev/null || true; }
DATA_CLEANUP_HOOK=cont_stopped
data_init ovsr
fail() { data_fail "$@"; }
cli() { jdm "$@"; }
vsctl() { ovsctl "$@"; }
ns() { appns; }
pidof_ovs() { # running pid of $1 (ovsdb-server|ovs-vswitchd) from its pid file
	local p
	p="$(tr -dc '0-9' <"$state/ovs/$1.pid" 2>/dev/null)" || return 1
	[[ -n "$p" ]] && tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q "$1" && echo "$p"
}
new_pid() { local p; p="$(pidof_ovs "$1")" && [[ "$p" != "$2" ]]; }
# ovs-vswitchd has the port in its datapath and no error on it
port_live() {
	appctl dpif/show 2>/dev/null | grep -q "$1 " &&
		[[ "$(vsctl get interface "$1" error)" == "[]" ]] &&
		[[ "$(vsctl get interface "$1" ofport)" -gt 0 ]]
}

vnf_image vrtr1
data_up
out="$(cli <<EOF
configure
set system virtualization accel tcg
set host-os vlans v100 vlan-id 100
set host-os vlans v200 vlan-id 200
set virtual-network-functions vrtr1 image $img/vrtr1.qcow2
set virtual-network-functions vrtr1 virtual-cpu count 1
set virtual-network-functions vrtr1 memory size 262144
set virtual-network-functions vrtr1 interfaces eth3 mapping vlan mode access
set virtual-network-functions vrtr1 interfaces eth3 mapping vlan members v100
commit
EOF
)" || { echo "$out"; fail "commit"; }
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "no commit complete"; }
wait_for 60 qemu_pid vrtr1 || fail "vrtr1 not running"
wait_for 60 port_live vrtr1_eth3 || fail "vrtr1_eth3 not in the datapath"
wait_for 60 port_live hsxe0 || fail "hsxe0 not in the datapath"
q1="$(qemu_pid vrtr1)"

echo "--- ovs-vswitchd killed: restarted, ports back"
sw="$(pidof_ovs ovs-vswitchd)" || fail "no ovs-vswitchd"
kill -KILL "$sw"
wait_for 60 new_pid ovs-vswitchd "$sw" || fail "ovs-vswitchd was not restarted"
wait_for 60 port_live vrtr1_eth3 || { appctl dpif/show; fail "vrtr1_eth3 not back"; }
wait_for 60 port_live hsxe1 || fail "hsxe1 not back"
[[ "$(vsctl get port vrtr1_eth3 tag)" == 100 ]] || fail "tag lost"
grep -q "ovs-vswitchd is not running: starting it again" "$state/jdmd.log" || fail "jdmd did not say it restarted ovs-vswitchd"
[[ "$(qemu_pid vrtr1)" == "$q1" ]] || fail "the VNF was restarted"

echo "--- ovsdb-server killed: restarted, database and ports kept"
db="$(pidof_ovs ovsdb-server)" || fail "no ovsdb-server"
kill -KILL "$db"
wait_for 60 new_pid ovsdb-server "$db" || fail "ovsdb-server was not restarted"
wait_for 60 vsctl br-exists ovs-sys-br || fail "ovs-sys-br gone"
wait_for 60 port_live vrtr1_eth3 || fail "vrtr1_eth3 not live after the database came back"
out="$(cli <<EOF
configure
delete virtual-network-functions vrtr1 interfaces eth3 mapping vlan members v100
set virtual-network-functions vrtr1 interfaces eth3 mapping vlan members v200
commit
EOF
)" || true
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "commit after the database restart"; }
[[ "$(vsctl get port vrtr1_eth3 tag)" == 200 ]] || fail "tag not changed after the database restart"

echo "--- a commit while OVS does not answer fails clearly and changes nothing"
db="$(pidof_ovs ovsdb-server)"
kill -STOP "$db"
stopped="$db"
out="$(cli <<EOF
configure
delete virtual-network-functions vrtr1 interfaces eth3 mapping vlan members v200
set virtual-network-functions vrtr1 interfaces eth3 mapping vlan members v100
set host-os vlans v300 vlan-id 300
commit
EOF
)" || true
grep -q 'commit complete' <<<"$out" && { echo "$out"; fail "committed while OVS was unreachable"; }
grep -q 'the host-os switch cannot be reached' <<<"$out" || { echo "$out"; fail "no clear error"; }
kill -CONT "$db"
stopped=""
[[ "$(vsctl get port vrtr1_eth3 tag)" == 200 ]] || fail "OVS changed by the failed commit"
[[ "$(vsctl get port hsxe0 trunks)" == "[100, 200]" ]] || fail "uplinks changed by the failed commit"
cli -c "show configuration host-os" | grep -q v300 && fail "the failed commit reached the active configuration"
cli -c "show configuration virtual-network-functions vrtr1 interfaces" | grep -q v200 ||
	fail "active configuration changed"
# and once it answers again, the same commit goes through
out="$(cli <<<$'configure\ncommit')" || true
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "commit after OVS came back"; }
[[ "$(vsctl get port vrtr1_eth3 tag)" == 100 ]] || fail "tag after the retry"
[[ "$(vsctl get port hsxe0 trunks)" == "[100, 200, 300]" ]] || fail "trunks after the retry"
pgrep -f "jdmd --state-dir $state" >/dev/null || fail "jdmd died"
echo "PASS"
