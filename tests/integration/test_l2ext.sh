#!/usr/bin/env bash
# Issue 14's proof, part 1: VLAN v100 extended between two appliances (site
# A, site B; two ./nfx up on this machine) as VNI 10100 in IPsec, the
# topology of tests/integration/l2ext_lib.bash.
#   - the WAN works host to host (wan0 of A <-> router <-> wan0 of B, through
#     JCP's ge-0/0/3 and sxe-0/0/0 and the host-os switch)
#   - before the extension, v100 does not cross; with it, the SA comes up
#     (show host-os l2-extension) and A's v100 host pings B's v100 host and
#     B's VNF (a test VNF with eth3 in v100, 198.51.100.22); v200 (not
#     extended) does not cross
#   - a WAN capture (router namespace) during the pings holds UDP 500/4500
#     only: no UDP 4789, no ICMP
#   - multicast to 239.0.0.10 sent at A's v100 host reaches B's v100 host,
#     not B's v200 host
#   - DF pings: 1400-byte IP packets cross, 1472-byte ones do not (the
#     inner MTU 1400)
#   - show host-os l2-extension lists remote MACs learned for VNI 10100
# Part 2 (test_l2ext_recover.sh): charon killed, the extension deleted.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
# shellcheck source=tests/integration/l2ext_lib.bash
. "$ROOT/tests/integration/l2ext_lib.bash"

WITH_VNF="${L2_WITH_VNF:-1}"
l2_init l2ext "$([[ $WITH_VNF == 1 ]] && echo vnf)"

step "two appliances up (site A $STATE_A, site B $STATE_B)"
l2_up
VNF_JDM=""
if [[ $WITH_VNF == 1 ]]; then
	at B vnf_image vb1
	VNF_JDM="set system virtualization accel tcg
$(at B vnf_lines vb1)
set virtual-network-functions vb1 interfaces eth3 mapping vlan mode access
set virtual-network-functions vb1 interfaces eth3 mapping vlan members v100
$(at B day0 vb1 interfaces "eth3 198.51.100.22/24")"
fi
step "VLANs wan/v100/v200 at both sites (JDM host-os vlans; JCP ports, sxe-0/0/0 trunk)${VNF_JDM:+; VNF vb1 at B (boots meanwhile)}"
l2_switching
[[ -z "$VNF_JDM" ]] || at B commit_to jdm "$VNF_JDM"

step "the WAN: router namespace on both ge-0/0/3; wan0 at each site"
l2_router
for s in A B; do l2_wan0 "$s"; done
have_hostif || echo "(this tree has no host-os interfaces: wan0 is a stand-in port tagged 20 on ovs-sys-br)"
l2_lan_hosts
l2_wan_check
echo "wan0 A ${L2_WAN[A]} <-> router <-> wan0 B ${L2_WAN[B]}: ok"
no_ping "${L2_NS[A100]}" "${L2_V100[B]}" || fail "v100 crosses without the extension"
echo "before the extension: A's v100 host does not reach B's (as it should)"

if ! have_l2ext; then
	echo "SKIP: this tree has no layer-2 extension yet (jdm/jdm_l2ext*.c); the two-appliance topology and the WAN were checked"
	exit 77
fi
