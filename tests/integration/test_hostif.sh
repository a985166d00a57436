#!/usr/bin/env bash
# host-os interfaces and routing-options (jdm/jdm_hostif.c): an IP interface
# of the host (jdmd's namespace) on host-os VLAN wan, reached from a WAN host
# on front-panel port ge-0/0/0 (JCP: access wan; sxe-0/0/0 trunk to the
# host-os switch); its static route; `show host-os interfaces`; after
# ovs-vswitchd is killed (its internal ports come back as new taps) the
# row's tick puts the address and route back; deleting the interface removes
# its port, its tap and the route, nothing else.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
source "$ROOT/tests/integration/data_lib.bash"
data_init hostif
data_up
wait_for 60 test -S "$state/ovs/db.sock" || data_fail "no OVSDB socket"
wait_for 60 ovsctl br-exists ovs-sys-br || data_fail "no ovs-sys-br"
ns="$(appns)"

echo "--- wan0 on VLAN wan (10), a route via the WAN host"
commit_to jcp "set vlans wan vlan-id 10
set interfaces ge-0/0/0 unit 0 family ethernet-switching interface-mode access
set interfaces ge-0/0/0 unit 0 family ethernet-switching vlan members wan
set interfaces sxe-0/0/0 unit 0 family ethernet-switching interface-mode trunk
set interfaces sxe-0/0/0 unit 0 family ethernet-switching vlan members wan"
commit_to jdm "set host-os vlans wan vlan-id 10
set host-os interfaces wan0 vlan wan
set host-os interfaces wan0 address 203.0.113.1/25
set host-os interfaces wan0 mtu 1500
set host-os routing-options static route 198.51.100.0/24 next-hop 203.0.113.126"
[[ "$(ovsctl get port wan0 tag)" == 10 ]] || data_fail "wan0 is not tagged 10"
[[ "$(ovsctl get port wan0 external_ids:nfx-owner | tr -d '"')" == host-os-interfaces ]] ||
	data_fail "wan0 is not owned by host-os-interfaces"
[[ "$(ovsctl get interface wan0 type)" == internal ]] || data_fail "wan0 is not an internal port"
ip -n "$ns" -4 addr show wan0 | grep -q 'inet 203.0.113.1/25' || data_fail "no address on wan0"
ip -n "$ns" route | grep -q '^198.51.100.0/24 via 203.0.113.126 dev wan0 proto 77' ||
	data_fail "no route: $(ip -n "$ns" route)"
[[ "$(ip netns exec "$ns" cat /proc/sys/net/ipv6/conf/wan0/disable_ipv6)" == 1 ]] || data_fail "IPv6 on wan0"
h="$(lan_host ge-0/0/0 203.0.113.126/25)"
wait_for 60 pings "$h" 203.0.113.1 || data_fail "the WAN host does not reach wan0"
out="$(jdm -c 'show host-os interfaces')"
grep -Eq '^wan0 +wan +10 +203.0.113.1/25 +1500 +up$' <<<"$out" || { echo "$out"; data_fail "show"; }
grep -Eq '^198.51.100.0/24 +203.0.113.126 +wan0 +active$' <<<"$out" || { echo "$out"; data_fail "show route"; }

echo "--- ovs-vswitchd killed: wan0 comes back with its address and route"
kill "$(cat "$state/ovs/ovs-vswitchd.pid")"
wait_for 90 pings "$h" 203.0.113.1 || data_fail "wan0 did not come back"
wait_for 30 bash -c "ip -n '$ns' route | grep -q '^198.51.100.0/24 via 203.0.113.126'" ||
	data_fail "the route did not come back"

echo "--- deleting the interface removes its port, tap and route, nothing else"
before="$(ovsctl list-ports ovs-sys-br | grep -v '^wan0$' | sort | tr '\n' ' ')"
commit_to jdm "delete host-os interfaces
delete host-os routing-options"
wait_for 20 bash -c "! ip -n '$ns' link show wan0" || data_fail "wan0 still there"
! ip -n "$ns" route | grep -q 'proto 77' || data_fail "a route of nfx is left"
[[ "$(ovsctl list-ports ovs-sys-br | sort | tr '\n' ' ')" == "$before" ]] || data_fail "other ports changed"
echo "PASS"
