#!/usr/bin/env bash
# SR-IOV admission and allocation through the real jdmd and cli (./nfx up in
# a temp state dir and netns; configuration only, NFX_HYPERVISOR=none): the
# platform file declares 2 emulated VFs on hsxe1. A commit of three VNFs
# that each want one fails as a whole under the third one's interface path
# and nothing is taken; an interface mapped to hsxe0 and hsxe1 is refused;
# two fit, shown with `emulated` in show system visibility network (text and
# XML) and in show system inventory; after ./nfx down and up (a restart of
# the box) each VNF has the same VF and MAC; deleting a VNF frees its VF for
# the next one.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
NFX="$ROOT/nfx"
BUILD="${NFX_BUILD_DIR:-$ROOT/build}"
CLI="${NFX_CLI:-$BUILD/cli/cli}"
[[ "$(id -u)" -eq 0 ]] || { echo "needs root (./nfx up)"; exit 77; }
export NFX_HYPERVISOR=none
state="$(mktemp -d /tmp/nfx-it-sriov.XXXXXX)"
cleanup() {
	"$NFX" down --state-dir "$state" >/dev/null 2>&1 || true
	rm -rf "$state"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() {
	echo "FAIL: $*" >&2
	for f in "$state"/*.log; do [[ -f "$f" ]] && { echo "--- $f"; tail -n 20 "$f"; }; done >&2
	exit 1
}
step() { echo "--- $*"; }
cli() { timeout 60 "$CLI" --socket "$state/jdm.sock" "$@"; }
has() { grep -qF -- "$2" <<<"$1" || { echo "$1" >&2; fail "expected: $2"; }; }
hasnt() { ! grep -qF -- "$2" <<<"$1" || { echo "$1" >&2; fail "not expected: $2"; }; }

# the box's platform file, with emulated VFs: hsxe0 8, hsxe1 2
"$BUILD/jcp/jcpd" --platform-default |
	sed -e 's/^hsxe0 .*/hsxe0 hsxe0 vfs 8 vf-mode emulated/' \
	    -e 's/^hsxe1 .*/hsxe1 hsxe1 vfs 2 vf-mode emulated/' >"$state/platform.conf"
grep -q '^hsxe1 hsxe1 vfs 2 vf-mode emulated$' "$state/platform.conf" || fail "platform file"

step "up"
"$NFX" up --state-dir "$state" >/dev/null

vnf() { # NAME PF VLAN
	echo "set virtual-network-functions $1 image /var/third-party/images/$1.qcow2"
	echo "set virtual-network-functions $1 interfaces eth2 mapping $2 virtual-function vlan-id $3"
}

step "three VNFs, two VFs: the commit fails as a whole"
before="$(cli -c "show configuration | display set")"
set +e
out="$({ echo configure; echo rollback; echo "load set terminal"; vnf va hsxe1 10; vnf vb hsxe1 20; vnf vc hsxe1 30
	printf '\004\n'; echo commit; } | cli 2>&1)"
set -e
has "$out" "[edit virtual-network-functions vc interfaces eth2 mapping hsxe1 virtual-function]"
has "$out" "  no free virtual function on PF hsxe1 (emulated): 3 interfaces are mapped to it, it has 2"
has "$out" "error: configuration check-out failed"
[[ "$(cli -c "show configuration | display set")" == "$before" ]] || fail "the configuration changed"
out="$(cli -c "show system visibility network")"
hasnt "$out" "SR-IOV"

step "an interface mapped to both PFs"
set +e
out="$({ echo configure; echo rollback; vnf va hsxe1 10
	echo "set virtual-network-functions va interfaces eth2 mapping hsxe0 virtual-function"
	echo commit; } | cli 2>&1)"
set -e
has "$out" "[edit virtual-network-functions va interfaces eth2 mapping hsxe0 virtual-function]"
has "$out" "interface eth2 is mapped to virtual functions of both hsxe0 and hsxe1"

step "vlan-id out of range"
set +e
out="$({ echo configure; echo rollback; echo "set virtual-network-functions va interfaces eth2 mapping hsxe1 virtual-function vlan-id 4095"; } | cli 2>&1)"
set -e
has "$out" "4095"
hasnt "$out" "commit complete"

step "two fit"
out="$({ echo configure; echo rollback; echo "load set terminal"; vnf va hsxe1 10; vnf vb hsxe1 20; vnf vr hsxe0 1100
	printf '\004\n'; echo commit; } | cli 2>&1)"
has "$out" "commit complete"
vis="$(cli -c "show system visibility network")"
has "$vis" "VNF SR-IOV Virtual Functions"
grep -Eq '^va +eth2 +emulated +hsxe1 +0 +emulated +10 +30:b6:4f' <<<"$vis" || { echo "$vis"; fail "va's VF"; }
grep -Eq '^vb +eth2 +emulated +hsxe1 +1 +emulated +20 ' <<<"$vis" || { echo "$vis"; fail "vb's VF"; }
grep -Eq '^vr +eth2 +emulated +hsxe0 +0 +emulated +1100 ' <<<"$vis" || { echo "$vis"; fail "vr's VF"; }
xml="$(cli -c "show system visibility network | display xml")"
has "$xml" "<sriov-vf>"
has "$xml" "<emulated/>"
has "$xml" "<pf-name>hsxe1</pf-name>"
inv="$(cli -c "show system inventory")"
grep -Eq '^hsxe1 +hsxe1 +emulated +sxe-0/0/1 +emulated +2 +2 +2$' <<<"$inv" || { echo "$inv"; fail "hsxe1 in the inventory"; }
grep -Eq '^hsxe0 +hsxe0 +emulated +sxe-0/0/0 +emulated +8 +8 +1$' <<<"$inv" || { echo "$inv"; fail "hsxe0 in the inventory"; }
mac_va="$(grep -E '^va ' <<<"$vis" | awk '{print $NF}')"
det="$(cli -c "show virtual-network-functions va detail")"
grep -Eq "^Interface eth2: +$mac_va \(hsxe1 VF 0 emulated, sr-iov, VLAN 10\)\$" <<<"$det" ||
	{ echo "$det"; fail "va's VF in show virtual-network-functions va detail"; }

step "restart: the same VFs and MACs"
"$NFX" down --state-dir "$state" >/dev/null
"$NFX" up --state-dir "$state" >/dev/null
vis2="$(cli -c "show system visibility network")"
grep -Eq "^va +eth2 +emulated +hsxe1 +0 +emulated +10 +$mac_va\$" <<<"$vis2" || { echo "$vis2"; fail "va after the restart"; }
grep -Eq '^vb +eth2 +emulated +hsxe1 +1 ' <<<"$vis2" || { echo "$vis2"; fail "vb after the restart"; }

step "deleting a VNF frees its VF"
out="$({ echo configure; echo rollback; echo "delete virtual-network-functions va"; echo commit; } | cli 2>&1)"
has "$out" "commit complete"
out="$({ echo configure; echo rollback; vnf vd hsxe1 40; echo commit; } | cli 2>&1)"
has "$out" "commit complete"
vis3="$(cli -c "show system visibility network")"
grep -Eq '^vd +eth2 +emulated +hsxe1 +0 +emulated +40 ' <<<"$vis3" || { echo "$vis3"; fail "vd takes va's VF"; }
hasnt "$vis3" "va                   eth2"
echo "PASS"
