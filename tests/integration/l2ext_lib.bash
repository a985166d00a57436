# shellcheck shell=bash
# Helpers of the layer-2 extension tests (tests/integration/test_l2ext*.sh)
# and bench/l2ext (issue 14): TWO appliances on one machine, site A and site
# B, each from ./nfx up in a state dir of its own (its own namespaces), a WAN
# between them and LAN hosts on both. Sourced, not run.
#
#   site A                                        site B
#   LAN hosts (./nfx host):                       LAN hosts:
#     ge-0/0/2 v100 198.51.100.11/24                ge-0/0/2 v100 198.51.100.12/24
#     ge-0/0/4 v200 192.0.2.21/24                   ge-0/0/4 v200 192.0.2.22/24
#   JCP: ge-0/0/3 access wan (20), ge-0/0/2 access v100, ge-0/0/4 access v200,
#        sxe-0/0/0 trunk wan v100 v200 (to the host-os switch's hsxe0)
#   JDM: host-os vlans wan 20, v100 100, v200 200;
#        host-os interfaces wan0 vlan wan, 203.0.113.1/25 (A) / .130/25 (B),
#        default route via the router: 203.0.113.126 (A) / 203.0.113.254 (B)
#   The WAN: each appliance's ge-0/0/3 host (./nfx host) gives its eth0 to
#   the router namespace (l2_router: wanA 203.0.113.126/25, wanB
#   203.0.113.254/25, ip_forward=1), where the tests capture.
#
# data_lib.bash's helpers work on ONE appliance, named by its globals $state
# and $img: `at A|B CMD...` runs CMD with those set to site A's or B's (bash
# dynamic scoping: `local` in at() shadows them for CMD and what it calls),
# e.g. `at B l2_commit jdm "..."`, `h="$(at A lan_host ge-0/0/2 ADDR)"`.
# data_lib.bash is used as it is (its data_init/data_cleanup, which know one
# state dir, are not: l2_init and l2_cleanup are this file's).
#
# Everything made here is taken down by l2_cleanup (the EXIT trap l2_init
# sets), also on failure: background processes by PID (L2_PIDS), the
# extension's charons by PID (STATE/l2ext/charon.pid, only if that process is
# a charon), both appliances (./nfx down: their namespaces and LAN hosts),
# the router namespace and any namespace in L2_NETNS.

# shellcheck source=tests/integration/data_lib.bash
. "$ROOT/tests/integration/data_lib.bash"

STATE_A="" STATE_B="" IMG_A="" IMG_B=""
L2_ROUTER=""
L2_PIDS=()
L2_NETNS=()
L2_HOOK="${L2_HOOK:-}"
L2_T0=$(date +%s)
# site addressing (issue 14)
declare -A L2_WAN=([A]=203.0.113.1 [B]=203.0.113.130)
declare -A L2_GW=([A]=203.0.113.126 [B]=203.0.113.254)
declare -A L2_V100=([A]=198.51.100.11 [B]=198.51.100.12)
declare -A L2_V200=([A]=192.0.2.21 [B]=192.0.2.22)
declare -A L2_PEER=([A]=B [B]=A)
# the LAN and WAN host namespaces, by role: L2_NS[A100] L2_NS[B200] ...
declare -A L2_NS=()

fail() { data_fail "$@"; }
step() { echo "--- [$(($(date +%s) - L2_T0)) s] $*"; }

# at A|B CMD...: CMD with data_lib's $state/$img those of that site
at() {
	local state img
	case "$1" in
	A) state="$STATE_A" img="$IMG_A" ;;
	B) state="$STATE_B" img="$IMG_B" ;;
	*) data_fail "at: no site '$1'" ;;
	esac
	shift
	"$@"
}
# l2_try_commit jdm|jcp LINES: configure, load the set lines, commit; 0 if
# every line loaded and the commit completed, else 1 with the cli's output
# (the PSK masked) in L2_COMMIT_OUT. l2_commit: the same, failing the test.
# (data_lib's commit_to only wants "commit complete", which a commit of the
# lines that did load also says.)
L2_COMMIT_OUT=""
l2_try_commit() {
	local who="$1" lines="$2" out
	out="$(printf 'configure\nload set terminal\n%s\n\004\ncommit\nexit\n' "$lines" | "$who" 2>&1)" || true
	L2_COMMIT_OUT="$(l2_mask <<<"$out")"
	grep -q '^commit complete$' <<<"$out" && ! grep -Eq '^load complete \([1-9][0-9]* errors?\)' <<<"$out"
}
l2_commit() {
	l2_try_commit "$1" "$2" || { echo "$L2_COMMIT_OUT"; data_fail "$1: the commit failed or load refused lines"; }
}

# l2_mask: stdin to stdout with the run's pre-shared key masked
l2_mask() { if [[ -n "$L2_PSK" ]]; then sed "s/$L2_PSK/<the PSK>/g"; else cat; fi; }

# st A|B: the state dir of that site
st() { if [[ "$1" == A ]]; then echo "$STATE_A"; else echo "$STATE_B"; fi; }
# app A|B: the appliance namespace of that site
app() { head -n1 "$(st "$1")/netns-appliance"; }

# charon_pid A|B: the PID of the site's extension charon (its pid file), if
# that process is alive and a charon
charon_pid() {
	local f p
	f="$(st "$1")/l2ext/charon.pid"
	p="$(tr -dc '0-9' 2>/dev/null <"$f" || true)"
	[[ -n "$p" && "$(cat "/proc/$p/comm" 2>/dev/null)" == charon* ]] && echo "$p"
}

l2_cleanup() {
	local rc=$? s p n f
	trap '' INT TERM
	[[ -z "$L2_HOOK" ]] || "$L2_HOOK" || true
	for p in "${L2_PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	for s in A B; do
		state="$(st "$s")"
		[[ -n "$state" && -d "$state" ]] || continue
		if [[ $rc -ne 0 && $rc -ne 77 ]]; then
			for f in jdmd.log jcpd.log l2ext/charon.log; do
				[[ -s "$state/$f" ]] && { echo "---- site $s: $f" >&2; tail -n 25 "$state/$f" >&2; }
			done
			for f in "$state"/vnf/*/console.log; do
				[[ -f "$f" ]] && { echo "---- site $s: $f" >&2; tail -n 8 "$f" | tr -d '\r' >&2; }
			done
		fi
		"$NFX" down --state-dir "$state" >/dev/null 2>&1 || true
		# jdmd ends its charon; should one outlive it, by its PID
		p="$(charon_pid "$s" || true)"
		[[ -z "$p" ]] || kill "$p" 2>/dev/null || true
	done
	for n in "$L2_ROUTER" "${L2_NETNS[@]}"; do
		if [[ -n "$n" ]]; then ip netns del "$n" 2>/dev/null || true; fi
	done
	for s in "$STATE_A" "$STATE_B"; do [[ -z "$s" ]] || rm -rf "$s"; done
	state=""
	exit "$rc"
}

# l2_init TAG [vnf]: checks (skip 77), both state dirs (and, with "vnf", the
# test VNF image in site B's image dir), the traps
l2_init() {
	[[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root (netns)"; exit 77; }
	local c
	for c in ovs-vswitchd ovsdb-server ovs-vsctl tcpdump python3 ethtool; do
		command -v "$c" >/dev/null || { echo "SKIP: $c not installed"; exit 77; }
	done
	compgen -G "$ROOT/jdm/jdm_vswitch*.c" >/dev/null ||
		{ echo "SKIP: this tree has no host-os switch yet (jdm/jdm_vswitch*.c)"; exit 77; }
	compgen -G "$ROOT/jcp/jcp_pfe*.c" >/dev/null ||
		{ echo "SKIP: this tree has no PFE bridge yet (jcp/jcp_pfe*.c)"; exit 77; }
	trap l2_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	STATE_A="$(mktemp -d "/tmp/nfx-it-$1-A.XXXXXX")"
	STATE_B="$(mktemp -d "/tmp/nfx-it-$1-B.XXXXXX")"
	IMG_A="$STATE_A/images" IMG_B="$STATE_B/images"
	L2_PSK="$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32)"
	mkdir -p "$IMG_A/day0" "$IMG_B/day0"
	if [[ "${2:-}" == vnf ]]; then
		command -v qemu-system-x86_64 >/dev/null || { echo "SKIP: qemu-system-x86_64 not installed"; exit 77; }
		"$ROOT/vnf-images/make-test-vnf" "$IMG_B/base.qcow2" >/dev/null 2>"$STATE_B/make-test-vnf.log" ||
			{ cat "$STATE_B/make-test-vnf.log" >&2; data_fail "make-test-vnf"; }
	fi
}

# have_hostif / have_l2ext: this tree has the host's L3 ports / the extension
have_hostif() { compgen -G "$ROOT/jdm/jdm_hostif*.c" >/dev/null; }
have_l2ext() { compgen -G "$ROOT/jdm/jdm_l2ext*.c" >/dev/null; }

# l2_up: both appliances up (one after the other: two jdmd/jcpd, two OVS)
l2_up() {
	local s
	for s in A B; do
		at "$s" data_up
	done
	for s in A B; do
		at "$s" wait_for 60 test -S "$(st "$s")/ovs/db.sock" || data_fail "site $s: no OVSDB socket"
	done
}

# l2_switching [EXTRA_JDM [EXTRA_JCP]]: the VLANs of both sites (JDM host-os
# vlans, JCP vlans and ports, sxe-0/0/0 trunk); EXTRA_* more set lines (the
# same at both sites)
# shellcheck disable=SC2120 # bench/l2ext passes the extra lines
l2_switching() {
	local s
	for s in A B; do
		at "$s" l2_commit jdm "set host-os vlans wan vlan-id 20
set host-os vlans v100 vlan-id 100
set host-os vlans v200 vlan-id 200${1:+
$1}"
		at "$s" l2_commit jcp "set vlans wan vlan-id 20
set vlans v100 vlan-id 100
set vlans v200 vlan-id 200
set interfaces ge-0/0/3 unit 0 family ethernet-switching interface-mode access
set interfaces ge-0/0/3 unit 0 family ethernet-switching vlan members wan
set interfaces ge-0/0/2 unit 0 family ethernet-switching interface-mode access
set interfaces ge-0/0/2 unit 0 family ethernet-switching vlan members v100
set interfaces ge-0/0/4 unit 0 family ethernet-switching interface-mode access
set interfaces ge-0/0/4 unit 0 family ethernet-switching vlan members v200
set interfaces sxe-0/0/0 unit 0 family ethernet-switching interface-mode trunk
set interfaces sxe-0/0/0 unit 0 family ethernet-switching vlan members wan
set interfaces sxe-0/0/0 unit 0 family ethernet-switching vlan members v100
set interfaces sxe-0/0/0 unit 0 family ethernet-switching vlan members v200${2:+
$2}"
	done
}

offloads_off() { # NS IF
	ip netns exec "$1" ethtool -K "$2" tx off tso off gso off gro off >/dev/null 2>&1 || true
}

# l2_router: the WAN. Each site's ge-0/0/3 host gives its eth0 (the cable
# to the front-panel port) to the router namespace as wanA / wanB.
l2_router() {
	local s h
	L2_ROUTER="nfx-l2r-$$"
	ip netns add "$L2_ROUTER" || data_fail "ip netns add $L2_ROUTER"
	ip -n "$L2_ROUTER" link set lo up
	ip netns exec "$L2_ROUTER" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.disable_ipv6=1 >/dev/null
	for s in A B; do
		h="$("$NFX" host --state-dir "$(st "$s")" ge-0/0/3)" || data_fail "./nfx host ge-0/0/3 at site $s"
		L2_NS[W$s]="$h"
		ip -n "$h" link set eth0 down
		ip -n "$h" link set eth0 netns "$L2_ROUTER" name "wan$s" || data_fail "cannot move $h's eth0 into the router"
		ip -n "$L2_ROUTER" addr add "${L2_GW[$s]}/25" dev "wan$s"
		offloads_off "$L2_ROUTER" "wan$s"
		ip -n "$L2_ROUTER" link set "wan$s" up
	done
}

# l2_wan0 A|B: the site's host L3 port on VLAN wan: `host-os interfaces` and
# `host-os routing-options` where this tree has them (jdm/jdm_hostif*);
# otherwise a stand-in the test makes (a namespace cabled by a veth to a
# port tagged 20 on ovs-sys-br, as test_pfe_sxe's VNF port), so that the
# WAN path through JCP and the host-os switch is checked all the same.
# Sets L2_NS[H$s] to the namespace that holds wan0.
l2_wan0() {
	local s="$1" a n
	a="$(app "$s")"
	if have_hostif; then
		at "$s" l2_commit jdm "set host-os interfaces wan0 vlan wan
set host-os interfaces wan0 address ${L2_WAN[$s]}/25
set host-os routing-options static route 0.0.0.0/0 next-hop ${L2_GW[$s]}"
		L2_NS[H$s]="$a"
		return 0
	fi
	n="nfx-l2h$s-$$"
	L2_NETNS+=("$n")
	ip netns add "$n"
	ip -n "$n" link set lo up
	ip link add "wan0-$s" netns "$a" type veth peer name wan0 netns "$n"
	ip netns exec "$a" sysctl -qw "net.ipv6.conf.wan0-$s.disable_ipv6=1" >/dev/null
	ip netns exec "$n" sysctl -qw net.ipv6.conf.wan0.disable_ipv6=1 >/dev/null
	ip -n "$a" link set "wan0-$s" up
	ip -n "$n" addr add "${L2_WAN[$s]}/25" dev wan0
	ip -n "$n" link set wan0 up
	offloads_off "$n" wan0
	ip -n "$n" route add default via "${L2_GW[$s]}"
	at "$s" wait_for 60 ovsctl br-exists ovs-sys-br || data_fail "site $s: no ovs-sys-br"
	at "$s" ovsctl add-port ovs-sys-br "wan0-$s" tag=20 -- set port "wan0-$s" external_ids:nfx-owner=test ||
		data_fail "site $s: cannot add the stand-in wan0 port"
	L2_NS[H$s]="$n"
}

# l2_lan_hosts: the v100 and v200 LAN hosts of both sites (L2_NS[A100] ...)
l2_lan_hosts() {
	local s
	for s in A B; do
		L2_NS[${s}100]="$(at "$s" lan_host ge-0/0/2 "${L2_V100[$s]}/24")"
		L2_NS[${s}200]="$(at "$s" lan_host ge-0/0/4 "${L2_V200[$s]}/24")"
	done
}

# l2_wan_check: wan0 of each site reaches the router and the other site
l2_wan_check() {
	wait_for 60 pings "${L2_NS[HA]}" "${L2_GW[A]}" || data_fail "site A's wan0 does not reach the router ${L2_GW[A]}"
	wait_for 60 pings "${L2_NS[HB]}" "${L2_GW[B]}" || data_fail "site B's wan0 does not reach the router ${L2_GW[B]}"
	wait_for 30 pings "${L2_NS[HA]}" "${L2_WAN[B]}" || data_fail "site A's wan0 does not reach site B's ${L2_WAN[B]}"
	wait_for 30 pings "${L2_NS[HB]}" "${L2_WAN[A]}" || data_fail "site B's wan0 does not reach site A's ${L2_WAN[A]}"
}

# l2_psk: the pre-shared key of both sites, random, made by l2_init (never
# on a command line: the set lines go to the cli on stdin)
l2_psk() { echo "$L2_PSK"; }
L2_PSK=""

# l2_site_lines A|B: the set lines of the extension at that site (the
# peer's site and v100 extended to it as VNI 10100)
l2_site_lines() {
	local s="$1" p="${L2_PEER[$1]}"
	echo "set host-os l2-extension site site$p address ${L2_WAN[$p]}
set host-os l2-extension site site$p local-address ${L2_WAN[$s]}
set host-os l2-extension site site$p pre-shared-key ascii-text \"$(l2_psk)\"
set host-os vlans v100 vxlan vni 10100
set host-os vlans v100 vxlan sites site$p"
}

l2show() { at "$1" jdm -c 'show host-os l2-extension' 2>&1 | l2_mask; }
l2show_fmt() { at "$1" jdm -c "show host-os l2-extension | display $2" 2>&1; }

# l2_query A|B WHAT [VNI]: asks `show host-os l2-extension | display json`
# (the reply host-os-l2-extension-information, cli/schema/ops-jdm.xml; JSON
# in the Junos form: each element a list of objects, a value under "data"):
#   sa-up        exit 0 if a site's ike-state is ESTABLISHED and its
#                child-state INSTALLED
#   child-up     exit 0 if a site's child-state is INSTALLED
#   vni VNI      exit 0 if VNI is in the reply (a vxlan or a site's vni-list)
#   macs VNI     prints the remote MACs learned for VNI, one a line
#   mtu          prints the inner MTU
l2_query() {
	l2show_fmt "$1" json | python3 -c '
import json, sys
what, arg = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "")
try:
    d = json.loads(sys.stdin.read())
except ValueError:
    sys.exit(2)
def kids(n, k):
    v = n.get(k, []) if isinstance(n, dict) else []
    return v if isinstance(v, list) else [v]
def val(n, k):
    for x in kids(n, k):
        if isinstance(x, dict) and "data" in x:
            return str(x["data"])
    return ""
info = (kids(d, "host-os-l2-extension-information") or [{}])[0]
sites, vx = kids(info, "site"), kids(info, "vxlan")
if what == "sa-up":
    sys.exit(0 if any(val(s, "ike-state").upper() == "ESTABLISHED" and val(s, "child-state").upper() == "INSTALLED" for s in sites) else 1)
if what == "child-up":
    sys.exit(0 if any(val(s, "child-state").upper() == "INSTALLED" for s in sites) else 1)
if what == "vni":
    sys.exit(0 if any(val(x, "vni") == arg for x in vx) or any(arg in val(s, "vni-list").split() for s in sites) else 1)
if what == "macs":
    for x in vx:
        if val(x, "vni") == arg:
            for m in kids(x, "remote-mac"):
                print(val(m, "mac-address").lower())
    sys.exit(0)
if what == "mtu":
    print(val(info, "mtu"))
    sys.exit(0)
sys.exit(2)' "${@:2}"
}
# l2_sa_up A|B: the site's SA to its peer is up (IKE ESTABLISHED, child INSTALLED)
l2_sa_up() { l2_query "$1" sa-up; }

# l2_capture NAME [FILTER]: tcpdump in the router on wanA (the WAN side of
# site A: everything between the sites crosses it) into a pcap, its file in
# L2_CAPFILE (not in a subshell: the PID is remembered for l2_cleanup).
# l2_capture_stop FILE: stop it (SIGINT, by PID), wait until the file is
# complete.
declare -A L2_CAP=()
# shellcheck disable=SC2034 # read by the tests
L2_CAPFILE=""
l2_capture() {
	local f="$STATE_A/$1.pcap"
	ip netns exec "$L2_ROUTER" tcpdump -i wanA -U -n -s 256 -w "$f" ${2:+$2} >"$STATE_A/$1.tcpdump.log" 2>&1 &
	L2_PIDS+=("$!")
	L2_CAP[$f]="$!"
	wait_for 10 grep -q 'listening on' "$STATE_A/$1.tcpdump.log" || data_fail "tcpdump did not start"
	# shellcheck disable=SC2034 # read by the tests
	L2_CAPFILE="$f"
}
l2_capture_stop() {
	local p="${L2_CAP[$1]}"
	kill -INT "$p" 2>/dev/null || true
	wait "$p" 2>/dev/null || true
}
# l2_pcap FILE [FILTER]: the capture read back (-nn)
l2_pcap() { tcpdump -nn -r "$1" ${2:+$2} 2>/dev/null; }

# bg CMD...: CMD in the background, its PID in L2_LAST and remembered for
# l2_cleanup (call it in this shell, not in $(...))
L2_LAST=""
bg() {
	"$@" &
	L2_LAST=$!
	L2_PIDS+=("$L2_LAST")
}

# l2_vnf_lines: the set lines of test VNF vb1 at site B, its eth3
# 198.51.100.22/24 access v100 (image copied into site B's image dir)
l2_vnf_lines() {
	at B vnf_image vb1
	echo "set system virtualization accel tcg
$(at B vnf_lines vb1)
set virtual-network-functions vb1 interfaces eth3 mapping vlan mode access
set virtual-network-functions vb1 interfaces eth3 mapping vlan members v100
$(at B day0 vb1 interfaces "eth3 198.51.100.22/24")"
}

# l2_setup [vnf]: the whole topology without the extension: both sites up,
# their VLANs, (with "vnf": VNF vb1 at B, booting meanwhile), the WAN
# router, wan0 at both sites, the LAN hosts; checks the WAN host to host and
# that v100 does not cross yet
l2_setup() {
	local vnf="" s
	step "two appliances up (site A $STATE_A, site B $STATE_B)"
	l2_up
	[[ "${1:-}" != vnf ]] || vnf="$(l2_vnf_lines)"
	step "VLANs wan/v100/v200 at both sites (JDM host-os vlans; JCP ports, sxe-0/0/0 trunk)${vnf:+; VNF vb1 at B (boots meanwhile)}"
	l2_switching
	[[ -z "$vnf" ]] || at B l2_commit jdm "$vnf"
	step "the WAN: a router namespace on both ge-0/0/3; wan0 at each site; LAN hosts"
	l2_router
	for s in A B; do l2_wan0 "$s"; done
	have_hostif || echo "(this tree has no host-os interfaces: wan0 is a stand-in port tagged 20 on ovs-sys-br)"
	l2_lan_hosts
	l2_wan_check
	echo "wan0 A ${L2_WAN[A]} <-> router <-> wan0 B ${L2_WAN[B]}: ok"
	no_ping "${L2_NS[A100]}" "${L2_V100[B]}" || data_fail "v100 crosses without the extension"
	echo "before the extension: A's v100 host does not reach B's (as it should)"
}

# l2_extend: the extension at both sites (site lines, v100 VNI 10100), and
# the SA up at both within a bounded wait
l2_extend() {
	local s t0
	step "the extension: site siteB at A, siteA at B, v100 vxlan vni 10100"
	for s in A B; do at "$s" l2_commit jdm "$(l2_site_lines "$s")"; done
	t0=$(date +%s)
	for s in A B; do
		wait_for 90 l2_sa_up "$s" || { l2show "$s"; data_fail "site $s: the SA is not up within 90 s"; }
	done
	echo "SA up at both sites after $(($(date +%s) - t0)) s"
}

# vxlan_dev NS VNI: the name of the VXLAN device of that VNI in NS (empty if none)
vxlan_dev() {
	ip -n "$1" -d -o link show type vxlan 2>/dev/null |
		awk -v v="$2" '{ for (i = 1; i < NF; i++) if ($i == "id" && $(i + 1) == v && $(i - 1) == "vxlan") { n = $2; sub(/@.*/, "", n); sub(/:$/, "", n); print n; exit } }'
}
# host_mac NS: the MAC of eth0 in NS
host_mac() { ip -n "$1" -br link show eth0 | awk '{ print $3 }'; }
