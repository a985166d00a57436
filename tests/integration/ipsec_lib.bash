# shellcheck shell=bash
# Helpers of the ipsec-nm tests (tests/integration/test_ipsec_*.sh) and
# bench/ipsec: headquarters for the branch appliance's IPsec management
# container (issue 11). On top of data_lib.bash (the appliance, ./nfx up):
#
#   NOC host ----- HQ (charon) ---- WAN ---- ge-0/0/3 [JCP] sxe-0/0/0 == hsxe0
#   203.0.113.130  .129 | 203.0.113.1/26     VLAN wan (20)    [ovs-sys-br]
#                                                 |
#       ipsec-nm: heth2 203.0.113.2/26 (wan)  heth1 198.51.100.1/26 (mgmt, 10)
#                                                 |
#       VNF eth3 198.51.100.10/26, host-os mgmt0 198.51.100.3/26 (snmpd)
#
# HQ is the `./nfx host ge-0/0/3` namespace (eth0) with its own charon
# (strongSwan, kernel-libipsec: ESP in UDP 4500, as the lead's spike in
# /work/notes/ipsec-common.md) in a private mount namespace, its files in
# $hqdir (outside the appliance's state dir: the key greps look at $state
# only); the NOC host a namespace of the test's own behind HQ (a veth).
# Tunnel: branch 198.51.100.0/26 <-> HQ 203.0.113.128/26.
# Everything HQ/NOC-side is ended by PID in ipsec_cleanup (data_cleanup's
# hook). The sourcing script sets ROOT. Not a test itself.

# shellcheck source=tests/integration/data_lib.bash
. "$ROOT/tests/integration/data_lib.bash"

HQ_WAN=203.0.113.1
BR_WAN=203.0.113.2
HQ_LAN=203.0.113.129
NOC_ADDR=203.0.113.130
HQ_NET=203.0.113.128/26
BR_NET=198.51.100.0/26
BR_GW=198.51.100.1       # ipsec-nm heth1: the management network's gateway
VNF_ADDR=198.51.100.10
HOST_ADDR=198.51.100.3   # host-os interfaces mgmt0 (snmpd)
IPSEC_PSK="${IPSEC_PSK:-Hq-Br4nch-Key-$$-q7Zx}"
VPN="hq-vpn"
hq=""        # HQ's namespace (./nfx host ge-0/0/3)
noc=""       # the NOC host's namespace
hqdir=""
hq_pid=""
ipsec_pids=() # other processes a test starts (tcpdump, snmptrapd, iperf3 -s): ended by PID

# has GREP-ARGS: grep that reads all its input (grep -q in a pipeline under
# pipefail makes the writer die of SIGPIPE: a false "no")
has() { grep "$@" >/dev/null; }

ipsec_cleanup() {
	local p
	for p in "${ipsec_pids[@]}" "$hq_pid"; do
		[[ -n "$p" ]] || continue
		kill "$p" 2>/dev/null || true
	done
	for p in "${ipsec_pids[@]}" "$hq_pid"; do
		[[ -n "$p" ]] || continue
		for _ in $(seq 30); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null || true
	done
	if [[ -n "$hqdir" && -d "$hqdir" ]]; then
		if [[ "${IPSEC_KEEP_LOGS:-}" == 1 || -n "${ipsec_failed:-}" ]]; then
			[[ -s "$hqdir/charon.log" ]] && { echo "---- HQ charon.log" >&2; tail -n 20 "$hqdir/charon.log" >&2; }
		fi
		rm -rf "$hqdir"
	fi
	if [[ -n "$noc" ]] && ip netns list | awk '{print $1}' | has -xF "$noc"; then ip netns del "$noc"; fi
	return 0
}

ipsec_fail() {
	ipsec_failed=1
	echo "FAIL: $*" >&2
	if [[ -n "$state" && -d "$state/ipsec-nm" ]]; then
		local f
		for f in "$state"/ipsec-nm/*.log; do
			[[ -s "$f" ]] && { echo "---- $f" >&2; tail -n 20 "$f" >&2; }
		done
		echo "---- show security ipsec security-associations" >&2
		jdm -c "show security ipsec security-associations" >&2 2>&1 || true
		jdm -c "show security ike security-associations" >&2 2>&1 || true
	fi
	exit 1
}

# ipsec_init TAG: data_init TAG (appliance state, test VNF image, traps) and
# HQ's directory; skips (77) without strongSwan or a tree without ipsec-nm
ipsec_init() {
	local c
	for c in /usr/lib/ipsec/charon swanctl tcpdump unshare; do
		[[ -x "$c" ]] || command -v "$c" >/dev/null || { echo "SKIP: $c not installed"; exit 77; }
	done
	compgen -G "$ROOT/jdm/jdm_ipsecnm*.c" >/dev/null ||
		{ echo "SKIP: this tree has no ipsec-nm yet (jdm/jdm_ipsecnm*.c)"; exit 77; }
	data_init "$1"
	DATA_CLEANUP_HOOK=ipsec_cleanup
	hqdir="$(mktemp -d "/tmp/nfx-it-hq-$1.XXXXXX")"
	chmod 0700 "$hqdir"
}

# ipsec_hq_conf: HQ's strongswan.conf and swanctl.conf (PSK file 0600).
# A responder (the branch initiates at start and after DPD, libipsec has no
# trap policies): unique=replace, so the branch's new IKE SA after its
# container restarted replaces the dead one at once; DPD clears.
# Proposals: a few, so that the branch's choice (ipsec-reply.md) matches.
# shellcheck disable=SC2120 # the key: IPSEC_PSK unless given
ipsec_hq_conf() {
	cat >"$hqdir/strongswan.conf" <<EOF
charon {
  load_modular = no
  load = random nonce openssl kdf pem pkcs1 x509 revocation constraints pubkey kernel-libipsec kernel-netlink socket-default vici
  filelog { stderr { default = 1 } }
  plugins {
    vici { socket = unix://$hqdir/vici }
    kernel-libipsec { load = yes }
  }
  install_routes = yes
}
EOF
	(
		umask 077
		cat >"$hqdir/swanctl.conf" <<EOF
connections {
branch {
version=2
local_addrs=$HQ_WAN
remote_addrs=$BR_WAN
encap=yes
unique=replace
proposals=aes256-sha256-modp2048,aes128-sha256-modp2048,aes256-sha256-modp3072,aes256-sha384-modp2048,aes256-sha256-ecp256,aes128-sha1-modp2048,default
dpd_delay=3s
local {
auth=psk
id=$HQ_WAN
}
remote {
auth=psk
id=%any
}
children {
mgmt {
local_ts=$HQ_NET
remote_ts=$BR_NET
esp_proposals=aes256-sha256,aes128-sha256,aes256-sha1,aes128-sha1,aes256gcm16,aes256-sha256-modp2048,aes128-sha256-modp2048,default
dpd_action=clear
}
}
}
}
secrets {
ike-hq {
secret="${1:-$IPSEC_PSK}"
}
}
EOF
	)
}

# ipsec_hq_start: HQ's charon in HQ's namespace, /run private; waits for its
# VICI socket and loads swanctl.conf; sets hq_pid
ipsec_hq_start() {
	rm -f "$hqdir/vici"
	# ip netns exec, unshare and sh all exec: $! is charon
	ip netns exec "$hq" unshare -m --propagation private sh -c \
		'mount -t tmpfs tmpfs /run && STRONGSWAN_CONF="$1" exec /usr/lib/ipsec/charon' \
		sh "$hqdir/strongswan.conf" </dev/null >>"$hqdir/charon.log" 2>&1 &
	hq_pid=$!
	wait_for 30 test -S "$hqdir/vici" || ipsec_fail "HQ charon: no VICI socket (see $hqdir/charon.log)"
	ipsec_hq_load
}

# ipsec_hq_load: (re)load HQ's swanctl.conf over VICI
ipsec_hq_load() {
	STRONGSWAN_CONF="$hqdir/strongswan.conf" swanctl --load-all --noprompt --uri "unix://$hqdir/vici" \
		--file "$hqdir/swanctl.conf" >"$hqdir/load.log" 2>&1 || { cat "$hqdir/load.log" >&2; ipsec_fail "swanctl --load-all (HQ)"; }
}

# ipsec_hq_kill: HQ's charon ended by its PID (SIGKILL: no DELETE to the branch)
ipsec_hq_kill() {
	[[ -n "$hq_pid" ]] || return 0
	kill -KILL "$hq_pid" 2>/dev/null || true
	wait "$hq_pid" 2>/dev/null || true
	hq_pid=""
}

# hq_sas: HQ's view of its SAs (swanctl --list-sas)
hq_sas() { STRONGSWAN_CONF="$hqdir/strongswan.conf" swanctl --list-sas --uri "unix://$hqdir/vici" 2>/dev/null; }
hq_child_up() { hq_sas | has 'INSTALLED, TUNNEL'; }

# ipsec_jcp: JCP's VLAN wan (20) on the WAN port ge-0/0/3 and on the sxe-0/0/0
# trunk to the host (hsxe0 trunks every host-os VLAN), mgmt (10) defined
ipsec_jcp() {
	local lines
	lines="set vlans mgmt vlan-id 10
set vlans wan vlan-id 20
set interfaces ge-0/0/3 unit 0 family ethernet-switching interface-mode access
set interfaces ge-0/0/3 unit 0 family ethernet-switching vlan members wan
set interfaces sxe-0/0/0 unit 0 family ethernet-switching interface-mode trunk
set interfaces sxe-0/0/0 unit 0 family ethernet-switching vlan members wan"
	# right after ./nfx up jdmd may not have initialised OVS yet: jcpd takes
	# the commit and applies it when it has
	commit_to jcp "$lines"
}

# ipsec_hq_net: HQ (the LAN host on ge-0/0/3: eth0 203.0.113.1/26) routing,
# a veth to the NOC host (HQ .129, NOC .130, default via .129). IPv6 off on
# the WAN so the capture holds IPv4 only.
ipsec_hq_net() {
	hq="$(lan_host ge-0/0/3 "$HQ_WAN/26")"
	ip netns exec "$hq" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv4.ip_forward=1 >/dev/null
	# OVS's userspace datapath forwards frames as AF_PACKET reads them: no
	# partial checksums from HQ's end (bench/ovs-path)
	ip netns exec "$hq" ethtool -K eth0 tx off tso off gso off gro off >/dev/null 2>&1 || true
	noc="nfx-it-noc-$$"
	ip netns add "$noc"
	ip -n "$noc" link set lo up
	ip link add noc0 netns "$hq" type veth peer name eth0 netns "$noc"
	ip netns exec "$noc" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 >/dev/null
	ip -n "$hq" addr add "$HQ_LAN/26" dev noc0
	ip -n "$hq" link set noc0 up
	ip -n "$noc" addr add "$NOC_ADDR/26" dev eth0
	ip -n "$noc" link set eth0 up
	ip -n "$noc" route add default via "$HQ_LAN"
}

# ipsec_hq_up: HQ's network, files and charon
ipsec_hq_up() {
	ipsec_hq_net
	ipsec_hq_conf
	ipsec_hq_start
}

# The branch side (JDM), in ipsec-nm's vocabulary (cli/schema/jdm.xml,
# /work/notes/ipsec-reply.md).
# ipsec_host_lines: host-os VLANs mgmt and wan
ipsec_host_lines() {
	echo "set host-os vlans mgmt vlan-id 10
set host-os vlans wan vlan-id 20"
}

# ipsec_nm_lines [PSK]: the ipsec-nm container: ports, route, IKE/IPsec, VPN
ipsec_nm_lines() {
	local psk="${1:-$IPSEC_PSK}"
	echo "set security ipsec-nm interfaces heth1 vlan mgmt
set security ipsec-nm interfaces heth1 address $BR_GW/26
set security ipsec-nm interfaces heth2 vlan wan
set security ipsec-nm interfaces heth2 address $BR_WAN/26
set security ipsec-nm routing-options static route 0.0.0.0/0 next-hop $HQ_WAN
set security ipsec-nm ike proposal ike-p1 authentication-method pre-shared-keys
set security ipsec-nm ike proposal ike-p1 dh-group group14
set security ipsec-nm ike proposal ike-p1 encryption-algorithm aes-256-cbc
set security ipsec-nm ike proposal ike-p1 authentication-algorithm sha-256
set security ipsec-nm ike proposal ike-p1 lifetime-seconds 3600
set security ipsec-nm ike policy ike-pol proposals ike-p1
set security ipsec-nm ike policy ike-pol pre-shared-key ascii-text \"$psk\"
set security ipsec-nm ike gateway hq ike-policy ike-pol
set security ipsec-nm ike gateway hq address $HQ_WAN
set security ipsec-nm ike gateway hq version v2-only
set security ipsec-nm ike gateway hq dead-peer-detection interval 2
set security ipsec-nm ike gateway hq dead-peer-detection threshold 3
set security ipsec-nm ipsec proposal esp-p1 protocol esp
set security ipsec-nm ipsec proposal esp-p1 encryption-algorithm aes-256-cbc
set security ipsec-nm ipsec proposal esp-p1 authentication-algorithm hmac-sha-256-128
set security ipsec-nm ipsec policy esp-pol proposals esp-p1
set security ipsec-nm ipsec vpn $VPN ike gateway hq
set security ipsec-nm ipsec vpn $VPN ike ipsec-policy esp-pol
set security ipsec-nm ipsec vpn $VPN traffic-selector ts1 local-ip $BR_NET
set security ipsec-nm ipsec vpn $VPN traffic-selector ts1 remote-ip $HQ_NET
set security ipsec-nm ipsec vpn $VPN establish-tunnels immediately"
}

# ipsec_hostif_lines: the appliance's own address on VLAN mgmt (host-os
# interfaces, l2ext) and its route to HQ via the container
ipsec_hostif_lines() {
	echo "set host-os interfaces mgmt0 vlan mgmt
set host-os interfaces mgmt0 address $HOST_ADDR/26
set host-os routing-options static route $HQ_NET next-hop $BR_GW"
}

# ipsec_vnf_lines NAME: the test VNF with eth3 in VLAN mgmt at 198.51.100.10,
# its route to HQ via the container (config-data files interfaces, routes)
ipsec_vnf_lines() {
	vnf_image "$1"
	echo "set system virtualization accel tcg
$(vnf_lines "$1")
set virtual-network-functions $1 interfaces eth3 mapping vlan mode access
set virtual-network-functions $1 interfaces eth3 mapping vlan members mgmt
$(day0 "$1" interfaces "eth3 $VNF_ADDR/26")
$(day0 "$1" routes "$HQ_NET via $BR_GW")"
}

# snmp_on_hostif: this tree's snmp has `interface` (snmpd also listens on
# those host-os interfaces' addresses: the NOC reaches mgmt0 through the tunnel)
snmp_on_hostif() {
	python3 - "$ROOT/cli/schema/jdm.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
snmp = [e for e in root.iter() if e.get("name") == "snmp"]
sys.exit(0 if snmp and any(c.get("name") == "interface" for c in snmp[0]) else 1)
PY
}

# ipsec_snmp_lines: snmpd (v2c community nocRead) and a trap group to the
# management LAN (192.0.2.1:16200, reachable with or without the tunnel)
# and to the NOC (through it)
ipsec_snmp_lines() {
	echo "set interfaces jmgmt0 unit 0 family inet address 192.0.2.10/24
set snmp community nocRead authorization read-only
set snmp trap-group lan version v2 targets 192.0.2.1
set snmp trap-group lan destination-port 16200
set snmp trap-group noc version v2 targets $NOC_ADDR
set snmp trap-group noc destination-port 16200"
	# snmp interface: the addresses snmpd listens on (jmgmt0 for the LAN, mgmt0 for the NOC)
	if snmp_on_hostif && compgen -G "$ROOT/jdm/jdm_hostif*.c" >/dev/null; then
		echo "set snmp interface jmgmt0
set snmp interface mgmt0"
	fi
}

# The branch's shows (ipsec-reply.md)
ipsec_sas() { jdm -c "show security ipsec security-associations" 2>&1; }
ike_sas() { jdm -c "show security ike security-associations" 2>&1; }
ipsec_xml() { jdm -c "show security ipsec security-associations | display xml" 2>/dev/null; }
ike_xml() { jdm -c "show security ike security-associations | display xml" 2>/dev/null; }
# the VPN's tunnel (its one traffic selector) is up / the IKE SA is UP
child_up() { ipsec_xml | has '<tunnel-state>up</tunnel-state>'; }
ike_up() { ike_xml | has '<ike-sa-state>UP</ike-sa-state>'; }
# both ends agree: the branch says up and HQ has the child SA installed
tunnel_up() { child_up && hq_child_up; }
# sa_sum ELEMENT: the sum of ELEMENT (sa-bytes, sa-packets) over the SAs
sa_sum() { ipsec_xml | sed -n "s/.*<$1>\([0-9]*\)<\/$1>.*/\1/p" | awk '{s += $1} END {print s + 0}'; }
# nm_row: ipsec-nm's row of show virtual-network-functions
nm_row() { jdm -c "show virtual-network-functions" 2>&1 | grep -w 'ipsec-nm'; }
nm_running() { nm_row | has -Ei 'running +alive'; }

# noc_pings ADDR: one ping answered from the NOC host
noc_pings() { pings "$noc" "$1"; }

# ipsec_nm_pid: ipsec-nm's charon (STATE/ipsec-nm/charon.pid), if alive
ipsec_nm_pid() {
	local p
	p="$(tr -dc '0-9' <"$state/ipsec-nm/charon.pid" 2>/dev/null)" || return 1
	[[ -n "$p" && "$(cat "/proc/$p/comm" 2>/dev/null)" == charon* ]] || return 1
	echo "$p"
}

# capture_start FILE: tcpdump on HQ's WAN (eth0), IPv4 only; capture_stop
capture_pid=""
capture_start() {
	ip netns exec "$hq" tcpdump -i eth0 -nn -U --immediate-mode -Z root -s 128 -w "$1" ip </dev/null >"$1.log" 2>&1 &
	capture_pid=$!
	ipsec_pids+=("$capture_pid")
	wait_for 10 grep -q 'listening on' "$1.log" || ipsec_fail "tcpdump did not start: $(cat "$1.log")"
}
capture_stop() {
	[[ -n "$capture_pid" ]] || return 0
	kill -INT "$capture_pid" 2>/dev/null || true
	wait "$capture_pid" 2>/dev/null || true
	capture_pid=""
}

# capture_only_ipsec FILE: every IPv4 packet of the capture is IKE (UDP 500)
# or ESP in UDP 4500 between the two gateways; no clear ICMP, no SNMP.
# Prints a summary; fails with the offending lines.
capture_only_ipsec() {
	local all bad
	all="$(tcpdump -r "$1" -nn 2>/dev/null)"
	bad="$(grep -Ev "^[0-9:.]+ IP ($BR_WAN|$HQ_WAN)\\.(500|4500) > ($BR_WAN|$HQ_WAN)\\.(500|4500): " <<<"$all" || true)"
	echo "capture: $(wc -l <<<"$all") packets, $(grep -c 'UDP-encap: ESP' <<<"$all" || true) ESP-in-UDP," \
		"$(grep -c 'isakmp' <<<"$all" || true) IKE"
	[[ -z "$bad" ]] || { head -n 10 <<<"$bad" >&2; return 1; }
	grep -Eq 'ICMP|\.161[: ]|SNMP|\.16200' <<<"$all" && { grep -E 'ICMP|\.161[: ]|SNMP' <<<"$all" | head >&2; return 1; }
	grep -q 'UDP-encap: ESP' <<<"$all" || { echo "no ESP in the capture" >&2; return 1; }
	return 0
}
