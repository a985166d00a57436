#!/usr/bin/env bash
# jdmd on qemu:///system: a libvirtd of the test's own (the production
# set-up, minus systemd) runs inside the appliance's network namespace, so
# QEMU and its taps live there; jdmd is pointed at it with NFX_HYPERVISOR.
# A committed VNF runs and becomes alive; `virsh` on the same URI lists it
# with the UUID that `show virtual-network-functions NAME detail` gives;
# deleted from the configuration, virsh no longer lists it. A domain jdmd
# did not define is left alone.
#
# The daemon is private without touching the machine's libvirt set-up:
#   - its sockets are in a temp dir (libvirtd.conf unix_sock_dir), the URI
#     is qemu:///system?socket=DIR/libvirt-sock;
#   - a privileged libvirtd keeps state under fixed paths (/run/libvirt,
#     /var/lib/libvirt, /var/log/libvirt, /var/cache/libvirt, domain XML in
#     /etc/libvirt/qemu): temp dirs are bind-mounted over them in the mount
#     namespace `ip netns exec` gives it (mounts do not propagate back);
#   - /etc/libvirt/qemu.conf is read as it is (defaults: QEMU as
#     libvirt-qemu, dynamic ownership, virtlogd for the QEMU logs), so the
#     test also runs a virtlogd of its own in that mount namespace (systemd
#     would socket-activate it).
# QEMU runs as libvirt-qemu: the image dir is 0755.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
NFX="$ROOT/nfx"
VNF=sysvnf
state="$(mktemp -d /tmp/nfx-it-vsys.XXXXXX)"
lv="$(mktemp -d /tmp/nfx-it-lv.XXXXXX)" # the private libvirtd's world
chmod 0755 "$lv"
img="$lv/images"
ns="nfx-vsys-$(basename "$lv" | cut -d. -f2 | tr '[:upper:]' '[:lower:]')"
URI="qemu:///system?socket=$lv/sock/libvirt-sock"
ns_made=0

# PID from pid file $1 if that process is alive and its command line names $2.
pid_of() {
	local pid
	[[ -f "$1" ]] || return 1
	pid="$(tr -dc '0-9' <"$1")"
	[[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null &&
		tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$2" && echo "$pid"
}
# stop_pid PID: TERM, up to 10 s, then KILL.
stop_pid() {
	kill -TERM "$1" 2>/dev/null || return 0
	for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.2; done
	kill -KILL "$1" 2>/dev/null || true
}
cleanup() {
	local rc=$? p d
	trap '' INT TERM # a signal now would leave the namespace and daemons behind
	if [[ $rc -ne 0 ]]; then
		[[ -f "$state/jdmd.log" ]] && { echo "---- jdmd.log" >&2; tail -20 "$state/jdmd.log" >&2; }
		[[ -f "$lv/libvirtd.log" ]] && { echo "---- libvirtd.log" >&2; tail -20 "$lv/libvirtd.log" >&2; }
		for p in "$lv"/log/qemu/*.log; do
			[[ -f "$p" ]] && { echo "---- $p" >&2; tail -5 "$p" >&2; }
		done
	fi
	"$NFX" down --state-dir "$state" >/dev/null 2>&1 || true
	# the domains go with the daemon that runs them
	if [[ -S "$lv/sock/libvirt-sock" ]]; then
		for d in $(timeout 10 virsh -q -c "$URI" list --all --name 2>/dev/null); do
			timeout 20 virsh -c "$URI" destroy "$d" >/dev/null 2>&1 || true
			timeout 10 virsh -c "$URI" undefine "$d" >/dev/null 2>&1 || true
		done
	fi
	p="$(pid_of "$lv/libvirtd.pid" libvirtd || true)"
	[[ -n "$p" ]] && stop_pid "$p"
	p="$(pid_of "$lv/virtlogd.pid" virtlogd || true)"
	[[ -n "$p" ]] && stop_pid "$p"
	if [[ $ns_made -eq 1 ]]; then
		# whatever is left in the namespace was started by this test
		p="$(ip netns pids "$ns" 2>/dev/null || true)"
		if [[ -n "$p" ]]; then
			# shellcheck disable=SC2086 # one PID a word
			kill -TERM $p 2>/dev/null || true
			sleep 1
			p="$(ip netns pids "$ns" 2>/dev/null || true)"
			# shellcheck disable=SC2086
			if [[ -n "$p" ]]; then kill -KILL $p 2>/dev/null || true; fi
		fi
		ip netns del "$ns" 2>/dev/null || true
	fi
	rm -rf "$state" "$lv"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*" >&2; exit 1; }
cli() { timeout 60 "$NFX" cli --state-dir "$state" "$@"; }
vsh() { timeout 30 virsh -c "$URI" "$@"; }
# wait_for SECONDS COMMAND... : until the command succeeds
wait_for() {
	local t="$1"; shift
	for _ in $(seq $((t * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
	return 1
}
vnf_row() { cli -c "show virtual-network-functions" | awk -v n="$1" '$2 == n'; }
row_is() { [[ "$(vnf_row "$1" | awk '{print $3, $4}')" == "$2" ]]; }
# grep reads to the end: with -q it may exit first and virsh dies of SIGPIPE (pipefail)
virsh_has() { vsh list --all --name | grep -xF "$1" >/dev/null; }

for c in libvirtd virtlogd virsh; do
	command -v "$c" >/dev/null || fail "$c is needed (libvirt-daemon-system, libvirt-clients)"
done

mkdir -p "$img" "$lv"/{sock,run,lib,log,cache,etc-qemu}
chmod 0755 "$img" "$lv"/{run,lib,log,cache,etc-qemu}
chmod 0700 "$lv/sock"
"$ROOT/vnf-images/make-test-vnf" "$img/base.qcow2" >/dev/null 2>&1 || fail "make-test-vnf"
cp "$img/base.qcow2" "$img/$VNF.qcow2"

echo "--- a private libvirtd in the appliance namespace"
cat >"$lv/libvirtd.conf" <<EOF
unix_sock_dir = "$lv/sock"
unix_sock_group = "root"
unix_sock_ro_perms = "0700"
unix_sock_rw_perms = "0700"
unix_sock_admin_perms = "0700"
auth_unix_ro = "none"
auth_unix_rw = "none"
listen_tls = 0
listen_tcp = 0
log_outputs = "3:file:$lv/libvirtd.log"
EOF
# /dev/kvm as Debian's udev rule makes it (0660 root:kvm; libvirt-qemu is in
# group kvm), for this libvirtd only. Where it is not (here: 0600 root, no
# udev), libvirt's capability cache is never valid: the probe QEMU opens
# /dev/kvm (it keeps CAP_DAC_OVERRIDE) and records KVM, the validity check
# asks whether libvirt-qemu may open it, finds not, and every lookup probes
# QEMU again (seconds each, several per `virsh define`; minutes cold). The
# node is bind-mounted over /dev/kvm in the daemon's mount namespace only.
kvm_node=""
if [[ -c /dev/kvm ]] && ! runuser -u libvirt-qemu -- test -r /dev/kvm -a -w /dev/kvm 2>/dev/null &&
	getent group kvm >/dev/null; then
	mknod -m 0660 "$lv/kvm" c "0x$(stat -c %t /dev/kvm)" "0x$(stat -c %T /dev/kvm)" || fail "mknod $lv/kvm"
	chgrp kvm "$lv/kvm"
	kvm_node="$lv/kvm"
	echo "(/dev/kvm is not usable by libvirt-qemu: the private libvirtd sees a 0660 root:kvm node)"
fi
ip netns add "$ns" || fail "ip netns add $ns"
ns_made=1
ip -n "$ns" link set lo up
# ip netns exec gives the command a mount namespace of its own (slave of
# the host's): the bind mounts are seen only by virtlogd, libvirtd and QEMU.
# shellcheck disable=SC2016 # expanded by that sh, from its $1 and $2
setsid ip netns exec "$ns" sh -c '
	lv=$1
	mount --bind "$lv/run" /run/libvirt &&
	mount --bind "$lv/lib" /var/lib/libvirt &&
	mount --bind "$lv/log" /var/log/libvirt &&
	mount --bind "$lv/cache" /var/cache/libvirt &&
	mount --bind "$lv/etc-qemu" /etc/libvirt/qemu &&
	{ [ -z "$2" ] || mount --bind "$2" /dev/kvm; } &&
	virtlogd --daemon --pid-file "$lv/virtlogd.pid" &&
	exec libvirtd --config "$lv/libvirtd.conf" --pid-file "$lv/libvirtd.pid"' \
	sh "$lv" "$kvm_node" </dev/null >>"$lv/libvirtd.out" 2>&1 &
wait_for 30 vsh uri || { cat "$lv/libvirtd.out" >&2; fail "libvirtd did not answer on $URI"; }
pid_of "$lv/libvirtd.pid" libvirtd >/dev/null || fail "no libvirtd pid"
pid_of "$lv/virtlogd.pid" virtlogd >/dev/null || fail "no virtlogd pid"
[[ -S "$lv/run/virtlogd-sock" ]] || fail "virtlogd socket not in the private /run/libvirt"
[[ "$(ip netns identify "$(pid_of "$lv/libvirtd.pid" libvirtd)")" == "$ns" ]] || fail "libvirtd not in $ns"

# a domain jdmd did not define (never started): it must be left alone
cat >"$lv/bystander.xml" <<EOF
<domain type='qemu'><name>bystander</name><memory unit='KiB'>65536</memory><vcpu>1</vcpu>
<os><type arch='x86_64'>hvm</type></os></domain>
EOF
# A fresh libvirtd probes QEMU's capabilities (runs QEMU, asks it over QMP)
# before it can define a domain: a few seconds on a warm machine, minutes on
# a cold one (QEMU and its firmware not yet in the page cache). Wait for that
# probe explicitly, with a generous bound and saying what is awaited, so the
# define itself keeps a tight bound and a real hang there still fails.
echo "--- waiting for libvirtd's QEMU capability probe (at most ${NFX_CAPS_TIMEOUT:-240} s)"
t0=$SECONDS
timeout "${NFX_CAPS_TIMEOUT:-240}" virsh -c "$URI" domcapabilities --virttype qemu --arch x86_64 >"$lv/domcaps.xml" ||
	fail "libvirtd did not finish probing QEMU's capabilities in ${NFX_CAPS_TIMEOUT:-240} s"
echo "capabilities probed in $((SECONDS - t0)) s"
t0=$SECONDS
vsh define "$lv/bystander.xml" >/dev/null || fail "virsh define bystander (30 s, after the capability probe)"
echo "bystander defined in $((SECONDS - t0)) s"

NFX_HYPERVISOR="$URI" NFX_IMAGE_DIR="$img" "$NFX" up --state-dir "$state" --netns "$ns" >/dev/null

echo "--- commit a VNF"
out="$(cli <<EOF
configure
set system virtualization accel tcg
set virtual-network-functions $VNF image $img/$VNF.qcow2
set virtual-network-functions $VNF image image-type qcow2
set virtual-network-functions $VNF virtual-cpu count 1
set virtual-network-functions $VNF memory size 262144
commit
EOF
)" || { echo "$out"; fail "commit"; }
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "no commit complete"; }
wait_for 30 row_is "$VNF" "running down" || wait_for 1 row_is "$VNF" "running alive" ||
	{ cli -c "show virtual-network-functions"; fail "$VNF not running"; }
wait_for 120 row_is "$VNF" "running alive" ||
	{ cli -c "show virtual-network-functions"; fail "$VNF never alive"; }
cli -c "show virtual-network-functions"
detail="$(cli -c "show virtual-network-functions $VNF detail")"
echo "$detail"
uuid="$(awk '$1 == "UUID:" {print $2}' <<<"$detail")"
[[ "$uuid" =~ ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ ]] || fail "no UUID in detail"
grep -qF "Hypervisor:         $URI" <<<"$detail" || fail "detail does not name $URI"

echo "--- virsh -c $URI"
list="$(vsh list --all)"
echo "$list"
awk -v n="$VNF" '$2 == n && $3 == "running"' <<<"$list" | grep -q . || fail "virsh does not list $VNF running"
info="$(vsh dominfo "$VNF")"
echo "$info"
[[ "$(awk '$1 == "UUID:" {print $2}' <<<"$info")" == "$uuid" ]] || fail "virsh UUID differs from $uuid"
grep -qE '^State: +running$' <<<"$info" || fail "dominfo: not running"
[[ "$(vsh domuuid "$VNF" | head -1)" == "$uuid" ]] || fail "domuuid differs"
vsh dumpxml "$VNF" | grep -F "$img/$VNF.qcow2" >/dev/null || fail "domain XML without the image"
# QEMU runs in the appliance namespace, as the unprivileged QEMU user
qpid="$(cat "$lv/run/qemu/$VNF.pid" 2>/dev/null || true)"
[[ -n "$qpid" ]] || fail "no QEMU pid file"
[[ "$(ip netns identify "$qpid")" == "$ns" ]] || fail "QEMU not in $ns"
quser="$(ps -o user= -p "$qpid" | tr -d ' ')"
[[ "$quser" == libvirt-qemu ]] || fail "QEMU runs as '$quser', not libvirt-qemu (qemu.conf defaults)"
awk '/^(Uid|Gid):/ {for (i = 2; i <= 5; i++) if ($i == 0) exit 1}' "/proc/$qpid/status" ||
	{ grep -E '^(Uid|Gid):' "/proc/$qpid/status"; fail "QEMU has a uid or gid 0"; }
inv="$(cli -c "show system inventory")"
grep -q '^QEMU user: *libvirt-qemu:' <<<"$inv" || { echo "$inv"; fail "inventory does not say QEMU's user"; }
for t in "${VNF}_eth0" "${VNF}_eth1"; do
	ip -n "$ns" link show dev "$t" >/dev/null 2>&1 || fail "no tap $t in $ns"
done

echo "--- deleted in the configuration: gone from virsh"
out="$(printf 'configure\ndelete virtual-network-functions %s\ncommit\n' "$VNF" | cli)"
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "delete commit"; }
for _ in $(seq 50); do virsh_has "$VNF" || break; sleep 0.2; done
virsh_has "$VNF" && { vsh list --all; fail "virsh still lists $VNF"; }
vsh list --all
vnf_row "$VNF" | grep -q . && fail "$VNF still shown"
[[ -f "$img/$VNF.qcow2" ]] || fail "image deleted"
virsh_has bystander || fail "jdmd removed a domain it did not define"
echo "vnf system test passed"
