#!/usr/bin/env bash
# The test VNF built by vnf-images/make-test-vnf boots under QEMU (TCG),
# takes a DHCP lease, applies its config-data disk, says
# "nfx-test-vnf ready" on the serial console, answers ping and gives a
# shell on the serial console. Everything network runs in a namespace made
# here (192.0.2.0/24 only); QEMU and the DHCP server are ended by PID and
# the namespace is deleted in the trap.
#
# NFX_CACHE (default /var/cache/nfx) is the make-test-vnf cache;
# NFX_TEST_DHCP=udhcpd uses busybox udhcpd instead of dnsmasq.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
MAKE="$ROOT/vnf-images/make-test-vnf"
CACHE="${NFX_CACHE:-/var/cache/nfx}"
BOOT_TIMEOUT=60

fail() { echo "FAIL: $*" >&2; [[ -f "${log:-}" ]] && { echo "--- serial log:" >&2; tail -n 40 "$log" >&2; }; exit 1; }
step() { echo "--- $*"; }

[[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root (netns, tap)"; exit 0; }
command -v qemu-system-x86_64 >/dev/null || fail "qemu-system-x86_64 not installed (qemu-system-x86)"

tmp="$(mktemp -d /tmp/nfx-it-vnfboot.XXXXXX)"
ns="nfx-vnfboot-$$"
qemu_pid=""
dhcp_pid=""
cleanup() {
	local p
	for p in "$qemu_pid" "$dhcp_pid"; do
		[[ -n "$p" ]] || continue
		kill "$p" 2>/dev/null || true
	done
	for p in "$qemu_pid" "$dhcp_pid"; do
		[[ -n "$p" ]] || continue
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step "build (or reuse) the test VNF image"
img="$tmp/test-vnf.qcow2"
"$MAKE" "$img" --cache "$CACHE" || fail "make-test-vnf failed"
[[ -s "$img" ]] || fail "make-test-vnf wrote no image"
qemu-img info "$img" | grep -q '^file format: qcow2' || fail "image is not qcow2"
echo "image: $(stat -c %s "$img") bytes"

step "overlay and config-data disk"
copy="$tmp/vnf-overlay.qcow2"
qemu-img create -q -f qcow2 -b "$img" -F qcow2 "$copy"
cfg="$tmp/config-data.img"
mkfs.vfat -n CONFIG-DATA -C "$cfg" 1440 >/dev/null
printf '# test config-data\neth0 192.0.2.77/24\n' > "$tmp/interfaces"
MTOOLS_SKIP_CHECK=1 mcopy -i "$cfg" "$tmp/interfaces" ::interfaces

step "namespace $ns with tap0 192.0.2.1/24"
ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" tuntap add tap0 mode tap
ip -n "$ns" addr add 192.0.2.1/24 dev tap0
ip -n "$ns" link set tap0 up

step "DHCP server"
if [[ "${NFX_TEST_DHCP:-}" != udhcpd ]] && command -v dnsmasq >/dev/null; then
	ip netns exec "$ns" dnsmasq --no-daemon --conf-file=/dev/null --interface=tap0 \
		--bind-interfaces --except-interface=lo --port=0 --no-ping \
		--dhcp-range=192.0.2.50,192.0.2.60,255.255.255.0,1h \
		--dhcp-leasefile="$tmp/dnsmasq.leases" --pid-file= \
		>"$tmp/dhcp.log" 2>&1 &
	dhcp_pid=$!
else
	cat > "$tmp/udhcpd.conf" <<EOF
interface tap0
start 192.0.2.50
end 192.0.2.60
lease_file $tmp/udhcpd.leases
pidfile $tmp/udhcpd.pid
option subnet 255.255.255.0
EOF
	: > "$tmp/udhcpd.leases"
	ip netns exec "$ns" busybox udhcpd -f "$tmp/udhcpd.conf" >"$tmp/dhcp.log" 2>&1 &
	dhcp_pid=$!
fi
sleep 0.3
kill -0 "$dhcp_pid" 2>/dev/null || { cat "$tmp/dhcp.log" >&2; fail "DHCP server did not start"; }

step "boot under TCG"
log="$tmp/serial.log"
sock="$tmp/serial.sock"
start=$(date +%s.%N)
ip netns exec "$ns" qemu-system-x86_64 -accel tcg -m 256 -nographic -monitor none \
	-chardev socket,id=ser0,path="$sock",server=on,wait=off,logfile="$log" \
	-serial chardev:ser0 \
	-drive file="$copy",if=virtio,format=qcow2 \
	-drive file="$cfg",if=virtio,format=raw,readonly=on \
	-netdev tap,id=n0,ifname=tap0,script=no,downscript=no \
	-device virtio-net-pci,netdev=n0,mac=52:54:00:c0:02:32 \
	-no-reboot </dev/null >"$tmp/qemu.log" 2>&1 &
qemu_pid=$!

ready=""
deadline=$(( $(date +%s) + BOOT_TIMEOUT ))
while (( $(date +%s) < deadline )); do
	kill -0 "$qemu_pid" 2>/dev/null || { cat "$tmp/qemu.log" >&2; fail "QEMU exited"; }
	ready="$(grep -a -o -m1 'nfx-test-vnf ready.*' "$log" 2>/dev/null | tr -d '\r' || true)"
	[[ -n "$ready" ]] && break
	sleep 0.2
done
[[ -n "$ready" ]] || fail "no 'nfx-test-vnf ready' within ${BOOT_TIMEOUT}s"
boot=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
echo "$ready"
echo "boot time: ${boot}s"

step "DHCP and config-data addresses"
dhcp_addr="$(grep -o 'eth0=192\.0\.2\.\(5[0-9]\|60\)/24' <<<"$ready" | head -n1 | sed 's/^eth0=//; s|/.*||')"
[[ -n "$dhcp_addr" ]] || fail "guest has no DHCP address from 192.0.2.50-60: $ready"
grep -q 'eth0=192\.0\.2\.77/24' <<<"$ready" || fail "config-data address 192.0.2.77/24 not applied: $ready"

step "ping $dhcp_addr and 192.0.2.77"
for a in "$dhcp_addr" 192.0.2.77; do
	ok=""
	for _ in $(seq 10); do
		if ip netns exec "$ns" ping -c 1 -W 1 "$a" >/dev/null 2>&1; then ok=1; break; fi
	done
	[[ -n "$ok" ]] || fail "guest $a does not answer ping"
	echo "$a answers ping"
done

step "shell on the serial console"
python3 - "$sock" <<'EOF' || fail "cannot talk to the serial console"
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.settimeout(0.5)
buf = b""
end = time.time() + 30
while time.time() < end and b"console-ok-42" not in buf:
    s.sendall(b"echo console-ok-$((40 + 2))\n")
    stop = time.time() + 2
    while time.time() < stop and b"console-ok-42" not in buf:
        try:
            d = s.recv(4096)
        except socket.timeout:
            continue
        if not d:
            break
        buf += d
sys.exit(0 if b"console-ok-42" in buf else 1)
EOF
echo "console answers"

echo "PASS: test VNF boots (${boot}s), DHCP $dhcp_addr, config-data, ping, console"
