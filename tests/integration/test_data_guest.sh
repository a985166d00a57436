#!/usr/bin/env bash
# The test VNF as a hop of a chain, booted under QEMU (TCG) with plain taps
# (no jdmd): its config-data disk gives it data interfaces, VLAN
# sub-interfaces on a trunk NIC (802.1Q, the guest's 8021q module), routes
# and forwarding; its NICs are named deterministically (PCI order, ACPI
# index wins).
#
#   NICs (QEMU order)     guest name   config-data
#   tap0                  eth0         (DHCP: none here)
#   tap1                  eth1         -
#   tap4  acpi-index=5    eth4         eth4 198.51.100.10/24
#   tap2                  eth2         eth2.200 203.0.113.1/24, eth2.300 192.168.1.1/24
#
# tap2 is a trunk port (VLANs 200, 300) of a private OVS bridge (the
# host has no 8021q and no bridge VLAN filtering) whose access ports go to LAN hosts h200 (203.0.113.2, VLAN 200) and h300
# (192.168.1.2, VLAN 300); tap4 is cabled to host h4 (198.51.100.2, which
# also holds 192.0.2.129/32). routes: "192.0.2.128/25 via 198.51.100.2";
# forwarding on. Checks: both trunk hosts reach their sub-interface, h200
# reaches h4's 192.0.2.129 through the guest (route + forwarding), h200 and
# h300 reach each other only through the guest (routed, TTL drops by one).
# Everything lives in namespaces made here; QEMU is ended by PID.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
MAKE="$ROOT/vnf-images/make-test-vnf"
CACHE="${NFX_CACHE:-/var/cache/nfx}"
BOOT_TIMEOUT=120
# shellcheck source=tests/integration/data_ovs.bash
. "$ROOT/tests/integration/data_ovs.bash"

[[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root (netns, tap)"; exit 77; }
command -v qemu-system-x86_64 >/dev/null || { echo "SKIP: qemu-system-x86_64 not installed"; exit 77; }
command -v ovs-vswitchd >/dev/null || { echo "SKIP: ovs-vswitchd not installed (openvswitch-switch)"; exit 77; }

tmp="$(mktemp -d /tmp/nfx-it-dguest.XXXXXX)"
tag="$$"
sw="nfx-dg-sw-$tag"   # the switch: bridge and taps, QEMU runs here
hosts=(h200 h300 h4)
qemu_pid=""
log="$tmp/serial.log"
fail() {
	echo "FAIL: $*" >&2
	[[ -f "$log" ]] && { echo "--- serial log:" >&2; tail -n 30 "$log" >&2; }
	exit 1
}
cleanup() {
	local h
	if [[ -n "$qemu_pid" ]]; then
		kill "$qemu_pid" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$qemu_pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$qemu_pid" 2>/dev/null || true
		wait "$qemu_pid" 2>/dev/null || true
	fi
	povs_stop "$tmp/ovs"
	for h in "${hosts[@]}"; do ip netns del "nfx-dg-$h-$tag" 2>/dev/null || true; done
	ip netns del "$sw" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
hx() { local h="$1"; shift; ip netns exec "nfx-dg-$h-$tag" "$@"; }
# ping_ok HOST ADDR [TRIES]: one answered ping within TRIES (default 20) tries
ping_ok() {
	local i
	for ((i = 0; i < ${3:-20}; i++)); do
		hx "$1" ping -c 1 -W 1 "$2" >/dev/null 2>&1 && return 0
	done
	return 1
}

echo "--- image and config-data disk"
"$MAKE" "$tmp/base.qcow2" --cache "$CACHE" >/dev/null 2>"$tmp/make.log" || { cat "$tmp/make.log" >&2; fail "make-test-vnf"; }
qemu-img create -q -f qcow2 -b "$tmp/base.qcow2" -F qcow2 "$tmp/vnf.qcow2"
mkdir "$tmp/cd"
printf 'eth4 198.51.100.10/24\r\n# trunk: two VLANs\neth2.200 203.0.113.1/24\neth2.300 192.168.1.1/24\n' >"$tmp/cd/interfaces"
printf '192.0.2.128/25 via 198.51.100.2\n' >"$tmp/cd/routes"
printf 'on\n' >"$tmp/cd/forwarding"
mkfs.vfat -n CONFIG-DATA -C "$tmp/cd.img" 1440 >/dev/null
MTOOLS_SKIP_CHECK=1 mcopy -i "$tmp/cd.img" "$tmp/cd/interfaces" "$tmp/cd/routes" "$tmp/cd/forwarding" ::

echo "--- switch namespace: a private OVS bridge (netdev datapath), taps, LAN hosts"
ip netns add "$sw"
ip -n "$sw" link set lo up
povs_start "$tmp/ovs" "$sw" || fail "private OVS"
povs_vsctl "$tmp/ovs" add-br br0 -- set bridge br0 datapath_type=netdev
for t in tap0 tap1 tap2 tap4; do ip -n "$sw" tuntap add "$t" mode tap; ip -n "$sw" link set "$t" up; done
povs_vsctl "$tmp/ovs" add-port br0 tap2 trunks=200,300 -- add-port br0 tap4 tag=400
declare -A vid=([h200]=200 [h300]=300 [h4]=400)
declare -A addr=([h200]=203.0.113.2/24 [h300]=192.168.1.2/24 [h4]=198.51.100.2/24)
for h in "${hosts[@]}"; do
	ns="nfx-dg-$h-$tag"
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	ip link add "p-$h" netns "$sw" type veth peer name eth0 netns "$ns"
	ip -n "$sw" link set "p-$h" up
	povs_vsctl "$tmp/ovs" add-port br0 "p-$h" tag="${vid[$h]}"
	ip -n "$ns" addr add "${addr[$h]}" dev eth0
	ip -n "$ns" link set eth0 up
done
ip -n "nfx-dg-h4-$tag" addr add 192.0.2.129/32 dev lo
ip -n "nfx-dg-h4-$tag" route add 203.0.113.0/24 via 198.51.100.10
ip -n "nfx-dg-h200-$tag" route add default via 203.0.113.1
ip -n "nfx-dg-h300-$tag" route add default via 192.168.1.1

echo "--- boot under TCG"
ip netns exec "$sw" qemu-system-x86_64 -accel tcg -m 192 -smp 1 -nographic -monitor none \
	-chardev file,id=ser0,path="$log" -serial chardev:ser0 \
	-drive file="$tmp/vnf.qcow2",if=virtio,format=qcow2 \
	-drive file="$tmp/cd.img",if=virtio,format=raw,readonly=on \
	-netdev tap,id=n0,ifname=tap0,script=no,downscript=no -device virtio-net-pci,netdev=n0,mac=52:54:00:00:00:10 \
	-netdev tap,id=n1,ifname=tap1,script=no,downscript=no -device virtio-net-pci,netdev=n1,mac=52:54:00:00:00:11 \
	-netdev tap,id=n4,ifname=tap4,script=no,downscript=no -device virtio-net-pci,netdev=n4,mac=52:54:00:00:00:14,acpi-index=5 \
	-netdev tap,id=n2,ifname=tap2,script=no,downscript=no -device virtio-net-pci,netdev=n2,mac=52:54:00:00:00:12 \
	-no-reboot </dev/null >"$tmp/qemu.log" 2>&1 &
qemu_pid=$!
ready=""
deadline=$(($(date +%s) + BOOT_TIMEOUT))
while (($(date +%s) < deadline)); do
	kill -0 "$qemu_pid" 2>/dev/null || { cat "$tmp/qemu.log" >&2; fail "QEMU exited"; }
	ready="$(grep -a -o -m1 'nfx-test-vnf ready.*' "$log" 2>/dev/null | tr -d '\r' || true)"
	[[ -n "$ready" ]] && break
	sleep 0.5
done
[[ -n "$ready" ]] || fail "no 'nfx-test-vnf ready' within ${BOOT_TIMEOUT}s"
echo "$ready"
for want in eth4=198.51.100.10/24 eth2.200=203.0.113.1/24 eth2.300=192.168.1.1/24 forwarding=on; do
	grep -qw -- "$want" <<<"$ready" || fail "ready line lacks $want"
done

echo "--- the NIC with ACPI index 5 is eth4 (h4 reaches it), the next one eth2 (the trunk)"
ping_ok h4 198.51.100.10 40 || fail "h4 cannot ping the guest's eth4"
echo "--- trunk: a LAN host in each VLAN reaches its sub-interface"
ping_ok h200 203.0.113.1 || fail "h200 (VLAN 200) cannot ping eth2.200"
ping_ok h300 192.168.1.1 || fail "h300 (VLAN 300) cannot ping eth2.300"
echo "--- routes + forwarding: h200 reaches 192.0.2.129 behind h4 through the guest"
ping_ok h200 192.0.2.129 || fail "h200 cannot reach 192.0.2.129 through the guest"
echo "--- h200 and h300 (different VLANs) reach each other only routed by the guest"
out="$(hx h200 ping -c 3 -W 2 192.168.1.2 || true)"
grep -q 'ttl=63' <<<"$out" || { echo "$out"; fail "h200 -> h300 not routed by the guest (want ttl=63)"; }
echo "PASS: guest data interfaces, VLAN sub-interfaces, routes, forwarding, NIC naming"
