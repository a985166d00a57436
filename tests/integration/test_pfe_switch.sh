#!/usr/bin/env bash
# The PFE switch on real Open vSwitch (issue 8, JCP half): a JCP commit of
# VLANs and access/trunk ports realises on jcpd's bridge pfe-br (Port tag /
# trunks), LAN hosts from ./nfx host switch within their VLAN and not
# across, show interfaces terse / show interfaces / show ethernet-switching
# table report the live state, a VLAN change on one port touches that one
# Port row, deleting a membership removes it, and the bridge comes back
# after ovs-vswitchd and ovsdb-server are killed. ./nfx down removes the
# LAN hosts.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
# shellcheck source=pfe_lib.bash
. "$ROOT/tests/integration/pfe_lib.bash"
trap pfe_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step "up, with OVS"
pfe_up

step "commit VLANs and ports on the JCP"
out="$(jcli <<'EOF2'
configure
set vlans v100 vlan-id 100
set vlans v200 vlan-id 200
set interfaces ge-0/0/2 unit 0 family ethernet-switching interface-mode access vlan members v100
set interfaces ge-0/0/3 unit 0 family ethernet-switching interface-mode access vlan members v200
set interfaces ge-0/0/4 unit 0 family ethernet-switching interface-mode access vlan members v100
set interfaces sxe-0/0/1.0 family ethernet-switching interface-mode trunk vlan members [ v100 v200 ]
commit
EOF2
)" || { echo "$out"; fail "commit failed"; }
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "no commit complete"; }

step "ovs-vsctl show: ge-0-0-2 tag 100, sxe1 trunks [100, 200]"
show="$(vsctl show)"
echo "$show"
grep -A3 'Port ge-0-0-2$' <<<"$show" | grep -q 'tag: 100' || fail "ge-0-0-2 has no tag: 100"
grep -A3 'Port sxe1$' <<<"$show" | grep -q 'trunks: \[100, 200\]' || fail "sxe1 has no trunks: [100, 200]"
[[ "$(vsctl get Port ge-0-0-3 tag)" == 200 ]] || fail "ge-0-0-3 tag is not 200"
[[ "$(vsctl get Bridge pfe-br datapath_type)" == netdev ]] || fail "pfe-br is not netdev"
[[ "$(vsctl port-to-br ge-0-0-2)" == pfe-br ]] || fail "ge-0-0-2 not on pfe-br"
if vsctl port-to-br ge-0-0-5 2>/dev/null; then fail "unconfigured ge-0-0-5 is on the bridge"; fi

step "LAN hosts on ge-0/0/2, ge-0/0/4 (v100) and ge-0/0/3 (v200)"
h2="$("$NFX" host --state-dir "$state" ge-0/0/2)" || fail "./nfx host ge-0/0/2 failed"
h3="$("$NFX" host --state-dir "$state" ge-0/0/3)" || fail "./nfx host ge-0/0/3 failed"
h4="$("$NFX" host --state-dir "$state" ge-0/0/4)" || fail "./nfx host ge-0/0/4 failed"
[[ "$("$NFX" host --state-dir "$state" ge-0/0/2)" == "$h2" ]] || fail "./nfx host is not idempotent"
ip -n "$h2" -br link show eth0 | grep -q UP || fail "eth0 of $h2 not up"
[[ -z "$(ip -n "$h2" -br addr show eth0 | awk '{print $3}')" ]] || fail "eth0 of $h2 has an address"
ip -n "$h2" addr add 192.0.2.12/24 dev eth0
ip -n "$h3" addr add 192.0.2.13/24 dev eth0
ip -n "$h4" addr add 192.0.2.14/24 dev eth0

step "v100 hosts reach each other, not the v200 host"
wait_for 30 can_ping "$h2" 192.0.2.14 || fail "ge-0/0/2 host cannot ping the ge-0/0/4 host"
if can_ping "$h2" 192.0.2.13 || can_ping "$h2" 192.0.2.13; then fail "v100 host reaches the v200 host"; fi
if can_ping "$h3" 192.0.2.14; then fail "v200 host reaches a v100 host"; fi

step "show interfaces terse: ge-0/0/2 up/up, uncabled ge-0/0/5 up/down"
terse="$(jcli -c 'show interfaces terse')"
echo "$terse"
grep -Eq '^ge-0/0/2 +up +up$' <<<"$terse" || fail "ge-0/0/2 not up/up"
grep -Eq '^ge-0/0/2\.0 +up +up +eth-switch$' <<<"$terse" || fail "ge-0/0/2.0 not up/up eth-switch"
grep -Eq '^ge-0/0/5 +up +down$' <<<"$terse" || fail "uncabled ge-0/0/5 not up/down"

step "TCP across the PFE (a LAN host's offloads are off)"
srv_pid=""
trap '[[ -z "$srv_pid" ]] || kill "$srv_pid" 2>/dev/null || true; pfe_cleanup' EXIT
ip netns exec "$h4" python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("192.0.2.14", 5201)); s.listen(1); s.settimeout(60)
c, _ = s.accept(); c.sendall(b"x" * 200000); c.close()' &
srv_pid=$!
got=0
for ((i = 0; i < 50; i++)); do
	got="$(ip netns exec "$h2" timeout 20 python3 -c '
import socket, sys
try:
    c = socket.create_connection(("192.0.2.14", 5201), timeout=5)
except OSError:
    print(0); sys.exit()
n = 0
while True:
    b = c.recv(65536)
    if not b: break
    n += len(b)
print(n)' || echo 0)"
	[[ "$got" == 0 ]] || break
	sleep 0.2
done
[[ "$got" == 200000 ]] || fail "TCP across pfe-br: got $got of 200000 bytes"
wait "$srv_pid" 2>/dev/null || true
srv_pid=""

step "show vlans: members with a link marked *"
vl="$(jcli -c 'show vlans')"
echo "$vl"
grep -Eq '^ +ge-0/0/2\.0\*$' <<<"$vl" || fail "ge-0/0/2.0 not marked up in show vlans"
grep -Eq '^ +sxe-0/0/1\.0\*$' <<<"$vl" || fail "sxe-0/0/1.0 not marked up in show vlans"

step "show interfaces ge-0/0/2: counters grow"
inpk() { jcli -c 'show interfaces ge-0/0/2' | awk '/Input packets :/ {print $4}'; }
jcli -c 'show interfaces ge-0/0/2'
before="$(inpk)"
[[ -n "$before" ]] || fail "no Input packets in show interfaces ge-0/0/2"
ip netns exec "$h2" ping -c 5 -i 0.2 -W 1 192.0.2.14 >/dev/null || fail "ping failed"
grows() { [[ "$(inpk)" -gt "$before" ]]; }
wait_for 30 grows || fail "Input packets of ge-0/0/2 did not grow from $before"
echo "input packets: $before -> $(inpk)"

step "show ethernet-switching table: the hosts' MACs on their ports"
table="$(jcli -c 'show ethernet-switching table')"
echo "$table"
m2="$(host_mac "$h2")" m4="$(host_mac "$h4")"
grep -Eq "^ +v100 +$m2 +D +[0-9]+ +ge-0/0/2\.0 +0 +0$" <<<"$table" || fail "MAC $m2 not on ge-0/0/2.0 in v100"
grep -Eq "^ +v100 +$m4 +D +[0-9]+ +ge-0/0/4\.0 +0 +0$" <<<"$table" || fail "MAC $m4 not on ge-0/0/4.0 in v100"

step "ge-0/0/4 to v200 touches only that port"
uuids() { vsctl --format=csv --no-headings --columns=_uuid,name,tag,trunks,vlan_mode list Port | sort; }
b_uu="$(uuids)"
jcli <<'EOF2' | grep -q '^commit complete$' || fail "commit ge-0/0/4 v200 failed"
configure
set interfaces ge-0/0/4 unit 0 family ethernet-switching vlan members v200
delete interfaces ge-0/0/4 unit 0 family ethernet-switching vlan members v100
commit
EOF2
a_uu="$(uuids)"
[[ "$(vsctl get Port ge-0-0-4 tag)" == 200 ]] || fail "ge-0-0-4 tag is not 200"
changed="$(diff <(echo "$b_uu") <(echo "$a_uu") | grep '^[<>]' || true)"
echo "$changed"
[[ "$(grep -c '^<' <<<"$changed")" == 1 && "$(grep -c '^>' <<<"$changed")" == 1 ]] ||
	fail "more than one Port row changed"
grep -q '^<.*ge-0-0-4' <<<"$changed" || fail "the changed row is not ge-0-0-4"
[[ "$(grep "^<" <<<"$changed" | cut -c3- | cut -d, -f1)" == "$(grep "^>" <<<"$changed" | cut -c3- | cut -d, -f1)" ]] ||
	fail "ge-0-0-4 was replaced, not updated"
wait_for 30 can_ping "$h3" 192.0.2.14 || fail "v200 hosts do not reach each other"
if can_ping "$h2" 192.0.2.14; then fail "ge-0/0/4 still in v100"; fi

step "deleting VLAN memberships removes them"
jcli <<'EOF2' | grep -q '^commit complete$' || fail "commit of the deletions failed"
configure
delete interfaces sxe-0/0/1 unit 0 family ethernet-switching vlan members v200
delete interfaces ge-0/0/3 unit 0 family ethernet-switching vlan members v200
commit
EOF2
[[ "$(vsctl get Port sxe1 trunks)" == "[100]" ]] || fail "sxe1 trunks not [100]: $(vsctl get Port sxe1 trunks)"
if vsctl port-to-br ge-0-0-3 2>/dev/null; then fail "ge-0-0-3 still on the bridge without VLANs"; fi
if can_ping "$h3" 192.0.2.14; then fail "ge-0/0/3 still switches"; fi

step "a port whose interface is gone: the error is shown, jcpd stays up"
ip -n "$ns" link del ge-0-0-7
jcli <<'EOF2' | grep -q '^commit complete$' || fail "commit ge-0/0/7 failed"
configure
set interfaces ge-0/0/7 unit 0 family ethernet-switching vlan members v100
commit
EOF2
alarm() { jcli -c 'show interfaces ge-0/0/7' | grep -q 'Active alarms  : .*ge-0-0-7'; }
wait_for 30 alarm || { jcli -c 'show interfaces ge-0/0/7'; fail "no alarm for the missing ge-0-0-7"; }
jcli -c 'show interfaces ge-0/0/7'
jcli -c 'show interfaces terse' | grep -Eq '^ge-0/0/2 +up +up$' || fail "jcpd not answering after the error"

step "kill ovs-vswitchd: the ports come back"
pfe_restart_vswitchd
jcli <<'EOF2' | grep -q '^commit complete$' || fail "commit ge-0/0/4 v100 failed"
configure
set interfaces ge-0/0/4 unit 0 family ethernet-switching vlan members v100
delete interfaces ge-0/0/4 unit 0 family ethernet-switching vlan members v200
commit
EOF2
wait_for 60 can_ping "$h2" 192.0.2.14 || fail "no ping across pfe-br after the ovs-vswitchd restart"

step "kill ovsdb-server: jcpd converges its bridge again"
pfe_restart_ovsdb
back() { [[ "$(vsctl get Port ge-0-0-2 tag)" == 100 && "$(vsctl get Port sxe1 trunks)" == "[100]" ]]; }
wait_for 60 back || fail "pfe-br ports not back after the ovsdb-server restart"
wait_for 60 can_ping "$h2" 192.0.2.14 || fail "no ping across pfe-br after the ovsdb-server restart"
grep -q 'connection to ovsdb-server lost' "$state/jcpd.log" || fail "jcpd did not notice the restart"

step "down removes the LAN hosts"
stop_own_ovs
"$NFX" down --state-dir "$state"
for h in "$h2" "$h3" "$h4"; do
	if ip netns list | awk '{print $1}' | grep -qxF "$h"; then fail "netns $h still there after down"; fi
done
[[ ! -f "$state/netns-hosts" ]] || fail "netns-hosts record still there"
echo "OK"
