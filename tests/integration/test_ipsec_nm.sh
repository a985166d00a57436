#!/usr/bin/env bash
# Issue 11, the proof: management over IPsec to headquarters (thesis Figure
# 12, 29). The appliance (./nfx up) with JCP's WAN port ge-0/0/3 in VLAN wan
# (20, trunked to the host on sxe-0/0/0/hsxe0); HQ = the LAN host on
# ge-0/0/3 with its own charon, a NOC host behind it (ipsec_lib.bash).
# One commit of the branch side: host-os VLANs mgmt/wan, the ipsec-nm
# container (heth1 198.51.100.1/26 on mgmt, heth2 203.0.113.2/26 on wan,
# IKEv2 PSK to 203.0.113.1 with DPD, VPN 198.51.100.0/26 <-> 203.0.113.128/26),
# a test VNF on mgmt (198.51.100.10, route to HQ via .1), the appliance's
# own mgmt0 198.51.100.3 (host-os interfaces, when this tree has them) and
# SNMP. Then:
#   - the IKE SA and the tunnel are up within a bounded wait (both ends);
#     ipsec-nm is running/alive in show virtual-network-functions;
#   - the NOC host pings the container's heth1 and the VNF through the
#     tunnel and snmpwalks the appliance (198.51.100.3) through it;
#   - the SA counters of the show and of the SNMP tunnel table grow;
#     nfxIpsecTunnelTable says up (from the management LAN too);
#   - a capture on the WAN (HQ's eth0) holds only IKE (UDP 500/4500) and
#     ESP in UDP 4500: no clear ICMP, no SNMP;
#   - the pre-shared key is nowhere in plain text: the state directory
#     (store, files, logs), show configuration (| display set, json),
#     syslog, any process's command line.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
# shellcheck source=tests/integration/ipsec_lib.bash
. "$ROOT/tests/integration/ipsec_lib.bash"
fail() { ipsec_fail "$@"; }
for t in snmpwalk snmpget; do command -v "$t" >/dev/null || { echo "SKIP: no $t (package snmp)"; exit 77; }; done
[[ -x /usr/sbin/snmpd ]] || { echo "SKIP: no snmpd"; exit 77; }

ipsec_init ipsecnm
data_up
have_hostif=""
compgen -G "$ROOT/jdm/jdm_hostif*.c" >/dev/null && have_hostif=1

echo "--- JCP: ge-0/0/3 access wan (20), sxe-0/0/0 trunk wan"
ipsec_jcp
echo "--- HQ: charon on 203.0.113.1 (ge-0/0/3), NOC host 203.0.113.130 behind it"
ipsec_hq_up
capture_start "$hqdir/wan.pcap"

echo "--- JDM: host-os VLANs, ipsec-nm, VNF vnf1 on mgmt, SNMP${have_hostif:+, mgmt0 198.51.100.3}"
t0=$(date +%s%N)
commit_to jdm "$(ipsec_host_lines)
$(ipsec_nm_lines)
${have_hostif:+$(ipsec_hostif_lines)}
$(ipsec_vnf_lines vnf1)
$(ipsec_snmp_lines)"
wait_for 60 tunnel_up || fail "the tunnel is not up within 60 s of the commit"
echo "tunnel up $(( ($(date +%s%N) - t0) / 1000000 )) ms after the commit started"
ike_up || { ike_sas; fail "no IKE SA UP in show security ike security-associations"; }
ike_sas
ipsec_sas
ipsec_sas | has 'ESP: userspace' || ipsec_sas | has 'ESP: kernel' || fail "the show does not say which ESP"
wait_for 30 nm_running || { jdm -c "show virtual-network-functions"; fail "ipsec-nm is not running/alive"; }
nm_row

echo "--- the NOC host pings the container's heth1 through the tunnel; the counters grow"
wait_for 30 noc_pings "$BR_GW" || fail "NOC cannot ping $BR_GW through the tunnel"
p0="$(sa_sum sa-packets)"
b0="$(sa_sum sa-bytes)"
ip netns exec "$noc" ping -c 5 -i 0.2 -W 2 "$BR_GW" | tail -n 2
grown() { (($(sa_sum sa-packets) >= p0 + 10 && $(sa_sum sa-bytes) > b0)); }
wait_for 20 grown || { ipsec_sas; fail "SA counters did not grow by the 10 packets ($p0 -> $(sa_sum sa-packets))"; }
echo "SA packets $p0 -> $(sa_sum sa-packets), bytes $b0 -> $(sa_sum sa-bytes)"

echo "--- SNMP: the tunnel table (from the management LAN, jmgmt0 192.0.2.10)"
lan="$(cat "$state/netns-mgmt")"
T=1.3.6.1.3.2501.1.6.1
lan_v2() { timeout 20 ip netns exec "$lan" "$1" -v2c -c nocRead -t 2 -r 1 192.0.2.10 "${@:2}"; }
table_up() { [[ "$(lan_v2 snmpget -Oqv "$T.5.1" 2>/dev/null)" == 1 ]]; }
wait_for 60 table_up || { lan_v2 snmpwalk -On "$T" || true; fail "nfxIpsecTunnelChildState.1 is not up(1)"; }
w="$(lan_v2 snmpwalk -On "$T")"
echo "$w" | sed -n "s/^\\.$T\\.\\([2-6]\\|12\\)\\.1 = /  col \\1: /p"
grep -q "^\\.$T\\.2\\.1 = STRING: \"$VPN\"" <<<"$w" || fail "nfxIpsecTunnelVpnName.1 is not $VPN"
grep -q "^\\.$T\\.3\\.1 = STRING: \"$HQ_WAN\"" <<<"$w" || fail "nfxIpsecTunnelGateway.1 is not $HQ_WAN"
grep -q "^\\.$T\\.4\\.1 = INTEGER: 1" <<<"$w" || fail "nfxIpsecTunnelIkeState.1 is not up(1)"
snmp_pkts() { lan_v2 snmpget -Oqv "$T.9.1" 2>/dev/null | tr -dc '0-9'; }
s0="$(snmp_pkts)"
ip netns exec "$noc" ping -c 3 -i 0.2 -W 2 "$BR_GW" >/dev/null
snmp_grown() { local n; n="$(snmp_pkts)"; [[ -n "$n" && -n "$s0" ]] && ((n > s0)); }
wait_for 40 snmp_grown || fail "nfxIpsecTunnelInPkts.1 did not grow ($s0 -> $(snmp_pkts))"
echo "nfxIpsecTunnelInPkts.1 $s0 -> $(snmp_pkts)"

if [[ -n "$have_hostif" ]] && snmp_on_hostif; then
	echo "--- the NOC host snmpwalks the appliance (mgmt0 $HOST_ADDR) through the tunnel"
	noc_v2() { timeout 20 ip netns exec "$noc" "$1" -v2c -c nocRead -t 2 -r 1 "$HOST_ADDR" "${@:2}"; }
	noc_sys() { noc_v2 snmpget -Oqv 1.3.6.1.2.1.1.5.0; }
	wait_for 60 noc_sys || fail "the NOC host gets no SNMP answer from $HOST_ADDR through the tunnel"
	noc_v2 snmpwalk -On 1.3.6.1.2.1.1 | head -n 3
	noc_v2 snmpwalk -On "$T.5" | has "= INTEGER: 1" || fail "NOC: nfxIpsecTunnelChildState not up(1)"
	noc_v2 snmpwalk -On 1.3.6.1.2.1.236.1.4.1.2 | has '"vnf1"' || fail "NOC: vmName has no vnf1"
elif [[ -n "$have_hostif" ]]; then
	echo "--- (this tree's snmpd has no 'snmp interface': it does not listen on mgmt0, the NOC walk is left out)"
	echo "--- the NOC host pings the appliance (mgmt0 $HOST_ADDR) through the tunnel"
	wait_for 30 noc_pings "$HOST_ADDR" || fail "NOC cannot ping mgmt0 $HOST_ADDR through the tunnel"
else
	echo "--- (this tree has no host-os interfaces: no appliance address on mgmt, the NOC walk is left out)"
fi

echo "--- the NOC host pings the VNF (198.51.100.10) through the tunnel"
wait_for 150 ready vnf1 || fail "vnf1 never said 'nfx-test-vnf ready'"
ready_line vnf1
wait_for 60 noc_pings "$VNF_ADDR" || fail "NOC cannot ping the VNF $VNF_ADDR through the tunnel"
ip netns exec "$noc" ping -c 3 -i 0.3 -W 2 "$VNF_ADDR" | tail -n 2

echo "--- the WAN capture: IKE and ESP in UDP only"
capture_stop
capture_only_ipsec "$hqdir/wan.pcap" || { tcpdump -r "$hqdir/wan.pcap" -nn 2>/dev/null | tail -n 5; fail "clear traffic on the WAN"; }

echo "--- the key is nowhere in plain text (tunnel running)"
tunnel_up || fail "the tunnel went down"
leak=""
f="$(grep -rlaF -- "$IPSEC_PSK" "$state" 2>/dev/null || true)"
[[ -z "$f" ]] || leak+=" files: $f;"
for v in "show configuration" "show configuration | display set" "show configuration | display json" \
	"show configuration | display xml" "show configuration security ipsec-nm"; do
	out="$(jdm -c "$v" 2>&1)"
	grep -qF -- "$IPSEC_PSK" <<<"$out" && leak+=" '$v';"
	[[ "$v" == *"display set" ]] && { grep -q 'pre-shared-key' <<<"$out" || leak+=" no pre-shared-key line in '$v';"; }
done
ps -eo args | grep -v grep | has -F -- "$IPSEC_PSK" && leak+=" a command line;"
for f in /var/log/syslog /var/log/messages /var/log/daemon.log; do
	[[ -r "$f" ]] && grep -qaF -- "$IPSEC_PSK" "$f" && leak+=" $f;"
done
[[ -z "$leak" ]] || fail "the key in plain text:$leak"
perm="$(find "$state/ipsec-nm" \( -type f -perm /077 \) -o \( -type d -perm /077 \) 2>/dev/null | head -n 3)"
[[ -z "$perm" ]] || fail "group/other may read in $state/ipsec-nm: $perm"
walked=""
[[ -n "$have_hostif" ]] && snmp_on_hostif && walked=", the NOC's snmpwalk of mgmt0"
echo "PASS: ipsec-nm tunnel up, NOC -> container/VNF${have_hostif:+/mgmt0} through it$walked, counters and nfxIpsecTunnelTable, only IKE/ESP on the WAN, the key hidden"
