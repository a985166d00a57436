#!/usr/bin/env bash
# Round trip of a generated 10k-statement configuration through the real
# daemon and cli: load set terminal + commit; `show configuration` (curly)
# fed back with load override terminal and `| display set` fed back with
# load set terminal: `show | compare` must be empty and the texts identical.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
BUILD="${NFX_BUILD:-$ROOT/build}"
CLI="$BUILD/cli/cli"
state="$(mktemp -d /tmp/nfx-it-roundtrip.XXXXXX)"
pid=""
cleanup() {
	local rc=$?
	if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; fi
	rm -rf "$state"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

# a configuration test: the generated VNFs' images do not exist
NFX_HYPERVISOR=none "$BUILD/jdm/jdmd" --state-dir "$state" >"$state/jdmd.log" 2>&1 &
pid=$!
for _ in $(seq 200); do [[ -S "$state/jdm.sock" ]] && break; sleep 0.02; done
[[ -S "$state/jdm.sock" ]] || fail "jdmd did not start"
cli() { timeout 120 "$CLI" --socket "$state/jdm.sock" "$@"; }

# 10k statements: VLANs, VNFs with every kind of statement, quoting, annotations
gen() {
	# the hugepage pool the 900 hugepage VNFs below draw from (202950 pages)
	echo "set system memory hugepages page-size 2"
	echo "set system memory hugepages page-count 262144"
	for i in $(seq 1 1000); do echo "set host-os vlans v$i vlan-id $i"; done
	for v in $(seq 1 900); do
		echo "set virtual-network-functions vnf$v image /var/third-party/images/vnf$v.qcow2"
		echo "set virtual-network-functions vnf$v image image-type qcow2"
		echo "set virtual-network-functions vnf$v virtual-cpu count $((v % 8 + 1))"
		echo "set virtual-network-functions vnf$v virtual-cpu features hardware-virtualization"
		echo "set virtual-network-functions vnf$v virtual-cpu 0 physical-cpu $((v % 2))"
		echo "set virtual-network-functions vnf$v memory size $((v * 1024))"
		echo "set virtual-network-functions vnf$v memory features hugepages page-size 2"
		echo "set virtual-network-functions vnf$v interfaces eth2 mapping vlan members [ v$((v % 1000 + 1)) v$(((v + 1) % 1000 + 1)) ]"
		echo "set virtual-network-functions vnf$v interfaces eth2 description \"uplink of vnf $v\""
		echo "set virtual-network-functions vnf$v no-autostart"
	done
}
gen >"$state/in.set"
n=$(grep -c '^set ' "$state/in.set")
[[ "$n" -ge 10000 ]] || fail "generated only $n statements"

{ echo configure; echo "load set terminal"; cat "$state/in.set"; printf '\004\n'; echo commit; } |
	cli >"$state/load.out" || { tail -20 "$state/load.out"; fail "load set + commit failed"; }
grep -q '^load complete$' "$state/load.out" || fail "no 'load complete'"
grep -q '^commit complete$' "$state/load.out" || fail "no 'commit complete'"

cli -c "show configuration" >"$state/curly"
cli -c "show configuration | display set" >"$state/set"
[[ "$(wc -l <"$state/set")" -ge 10000 ]] || fail "display set shows fewer than 10000 lines"

# curly back in with load override, set lines back in with load set
{ echo configure; echo "load override terminal"; cat "$state/curly"; printf '\004\n'
  echo "load set terminal"; cat "$state/set"; printf '\004\n'
  echo "show | compare"; echo "show | compare | count"; } | cli >"$state/back.out" ||
	{ tail -20 "$state/back.out"; fail "reload failed"; }
grep -q '^Count: 0 lines$' "$state/back.out" || { grep -A5 'show | compare' "$state/back.out" | head -40; fail "show | compare is not empty"; }
cli -c "show configuration | display set" | cmp -s - "$state/set" || fail "display set changed"
echo "round trip of $n statements: compare empty"
