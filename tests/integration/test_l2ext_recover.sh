#!/usr/bin/env bash
# Issue 14's proof, part 2 (part 1: test_l2ext.sh; the topology of
# tests/integration/l2ext_lib.bash, v100 extended as VNI 10100 in IPsec):
#   - site B's charon killed by its PID (STATE_B/l2ext/charon.pid): jdmd
#     starts it again, the SA comes back by itself and A's v100 host's pings
#     to B's v100 host resume; while it is down, a WAN capture holds no UDP
#     4789 (VXLAN is never sent in clear)
#   - `delete host-os vlans v100 vxlan` at A removes A's VXLAN device of VNI
#     10100 and the site's child SA, nothing else: v200 and wan0 stay (their
#     OVS ports and tags, wan0's address and its route to the router)
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
# shellcheck source=tests/integration/l2ext_lib.bash
. "$ROOT/tests/integration/l2ext_lib.bash"

l2_init l2rec
l2_setup
have_l2ext || { echo "SKIP: this tree has no layer-2 extension yet (jdm/jdm_l2ext*.c); the two-appliance topology and the WAN were checked"; exit 77; }
l2_extend
A100="${L2_NS[A100]}" B100="${L2_NS[B100]}"
wait_for 60 pings "$A100" "${L2_V100[B]}" || fail "A's v100 host does not reach B's through the extension"

step "site B's charon killed by its PID; a WAN capture for UDP 4789 meanwhile"
old="$(charon_pid B)" || fail "no charon at site B ($STATE_B/l2ext/charon.pid)"
# (not ICMP errors: B's kernel answers ESP to its closed UDP 4500 with port
# unreachable while no charon listens: outer packets, nothing inner)
l2_capture restart
cap="$L2_CAPFILE"
# A keeps sending into v100 while B's side is down (ARP and pings)
ip netns exec "$A100" ping -i 0.2 -W 1 "${L2_V100[B]}" >"$STATE_A/ping-during.log" 2>&1 &
L2_PIDS+=("$!")
pinger=$!
t0=$(date +%s)
kill -KILL "$old"
echo "killed charon $old at site B"
new_charon() { local p; p="$(charon_pid B)" && [[ "$p" != "$old" ]]; }
wait_for 60 new_charon || fail "site B's charon was not started again"
echo "charon again at B: pid $(charon_pid B) after $(($(date +%s) - t0)) s"
for s in A B; do wait_for 120 l2_sa_up "$s" || { l2show "$s"; fail "site $s: the SA did not come back"; }; done
echo "SA up again at both sites $(($(date +%s) - t0)) s after the kill"
wait_for 60 pings "$A100" "${L2_V100[B]}" || fail "the pings did not resume after the charon restart"
echo "pings resumed $(($(date +%s) - t0)) s after the kill"
kill "$pinger" 2>/dev/null || true
wait "$pinger" 2>/dev/null || true
l2_capture_stop "$cap"
grep -E 'packets transmitted' "$STATE_A/ping-during.log" || true
clear="$(l2_pcap "$cap" 'udp port 4789 or (icmp and icmp[icmptype] != icmp-unreach)')"
[[ -z "$clear" ]] || { echo "$clear" | head -n 20; fail "UDP 4789 or ICMP in clear on the WAN around the charon restart"; }
echo "WAN meanwhile: $(l2_pcap "$cap" | wc -l) packets, $(l2_pcap "$cap" 'udp port 4500' | grep -c 'UDP-encap: ESP' || true) ESP in UDP 4500, $(l2_pcap "$cap" 'icmp' | wc -l) ICMP port unreachable (for UDP 4500, from B while no charon listened)"
echo "no UDP 4789 and no ICMP echo on the WAN while B's charon was down and coming back"

step "delete host-os vlans v100 vxlan at A: its VXLAN device and child SA go, nothing else"
a="$(app A)"
xa="$(vxlan_dev "$a" 10100)"
[[ -n "$xa" ]] || fail "site A has no VXLAN device of VNI 10100 in $a"
ports_before="$(at A ovsctl list-ports ovs-sys-br | grep -vxF "$xa" | sort)"
trunks_before="$(at A ovsctl get Port hsxe0 trunks)"
at A l2_commit jdm "delete host-os vlans v100 vxlan"
gone() { [[ -z "$(vxlan_dev "$a" 10100)" ]]; }
wait_for 30 gone || { ip -n "$a" -d link show type vxlan; fail "A's VXLAN device $xa of VNI 10100 is still there"; }
echo "A's VXLAN device $xa is gone (ip -n $a -d link show type vxlan: $(ip -n "$a" -d -o link show type vxlan | wc -l) VXLAN devices of the extension left)"
# "no" from l2_query is exit 1 (2: no reply to read, which is no answer)
q_no() { local rc=0; l2_query "$@" || rc=$?; [[ $rc -eq 1 ]]; }
no_child() { q_no A child-up && q_no A vni 10100; }
wait_for 30 no_child || { l2show A; fail "A still has a child SA for VNI 10100"; }
echo "A's show host-os l2-extension after the delete:"
l2show A
ports_after="$(at A ovsctl list-ports ovs-sys-br | sort)"
[[ "$ports_before" == "$ports_after" ]] || {
	diff <(echo "$ports_before") <(echo "$ports_after") || true
	fail "other ovs-sys-br ports changed with the delete"
}
trunks_after="$(at A ovsctl get Port hsxe0 trunks)"
[[ "$trunks_after" == "$trunks_before" ]] || fail "hsxe0's trunks changed: $trunks_before -> $trunks_after"
[[ "$trunks_after" == *200* && "$trunks_after" == *20* ]] || fail "hsxe0 no longer trunks v200/wan: $trunks_after"
pings "${L2_NS[HA]}" "${L2_GW[A]}" || fail "wan0 at A no longer reaches the router"
ip -n "${L2_NS[HA]}" -o addr show | grep -q "${L2_WAN[A]}/25" || fail "wan0 lost its address"
no_ping "$A100" "${L2_V100[B]}" || fail "v100 still crosses after the delete"
echo "ovs-sys-br's other ports, hsxe0's trunks $trunks_after (v200, wan), wan0 (address, route to the router) unchanged; v100 no longer crosses"
echo "PASS: charon killed at B -> SA and pings back, no VXLAN in clear meanwhile; deleting v100's vxlan removes only its device and child SA"
