#!/usr/bin/env bash
# QEMU does not run as root. A real VNF (the test VNF under TCG) on the
# embedded driver, with hugepages and a config-data disk, from a state
# directory inside a 0700 directory (as under /root): its QEMU process has
# no uid or gid 0 and no effective capabilities (/proc/PID/status), runs in
# a mount namespace of its own when `show system inventory` says so, the
# image is owned by QEMU's user while it runs and given back when the VNF
# is deleted; the guest still boots, reads its config-data disk, logs its
# console and answers liveliness; killed, it is restarted — unprivileged
# again. `show system inventory` says what confines QEMU.
# (qemu:///system: tests/integration/test_vnf_system.sh checks the QEMU of
# its private libvirtd runs as libvirt-qemu.)
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
NFX="$ROOT/nfx"
parent="$(mktemp -d /tmp/nfx-sec-quid.XXXXXX)" # 0700, like /root
state="$parent/state"
img="$state/images"
huge_before="$(cat /proc/sys/vm/nr_hugepages)"
cleanup() {
	local rc=$?
	if [[ $rc -ne 0 && -f "$state/jdmd.log" ]]; then tail -20 "$state/jdmd.log" >&2; fi
	"$NFX" down --state-dir "$state" >/dev/null 2>&1 || true
	echo "$huge_before" >/proc/sys/vm/nr_hugepages 2>/dev/null || true
	rm -rf "$parent"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*" >&2; exit 1; }
cli() { timeout 90 "$NFX" cli --state-dir "$state" "$@"; }
wait_for() {
	local t="$1"; shift
	for _ in $(seq $((t * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
	return 1
}
qemu_pid() {
	local p
	for p in $(ip netns pids "$(cat "$state/netns")"); do
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q "guest=$1," && { echo "$p"; return 0; }
	done
	return 1
}
row_is() { [[ "$(cli -c "show virtual-network-functions" | awk -v n="$1" '$2 == n {print $3, $4}')" == "$2" ]]; }
# unprivileged PID: no 0 among the real/effective/saved/fs uids and gids, no capabilities
unprivileged() {
	local st
	st="$(cat "/proc/$1/status")"
	awk '/^Uid:/ {for (i = 2; i <= 5; i++) if ($i == 0) exit 1}' <<<"$st" || { grep '^Uid:' <<<"$st"; return 1; }
	awk '/^Gid:/ {for (i = 2; i <= 5; i++) if ($i == 0) exit 1}' <<<"$st" || { grep '^Gid:' <<<"$st"; return 1; }
	grep -qE '^CapEff:\s+0+$' <<<"$st" || { grep '^CapEff:' <<<"$st"; return 1; }
}

mkdir -m 0700 "$state"
mkdir -p "$img/day0"
"$ROOT/vnf-images/make-test-vnf" "$img/q.qcow2" >/dev/null 2>&1 || fail "make-test-vnf"
echo "eth1 198.51.100.9/24" >"$img/day0/interfaces"
chmod 0700 "$img" # QEMU's user must be let in, not the world
NFX_IMAGE_DIR="$img" "$NFX" up --state-dir "$state" >/dev/null

echo "--- a hugepage VNF with a config-data disk"
out="$(cli <<EOF
configure
set system virtualization accel tcg
set system memory hugepages page-size 2
set system memory hugepages page-count 128
set virtual-network-functions q image $img/q.qcow2
set virtual-network-functions q virtual-cpu count 1
set virtual-network-functions q memory size 262144
set virtual-network-functions q memory features hugepages
set virtual-network-functions q config-data file $img/day0/interfaces
commit
EOF
)" || { echo "$out"; fail "commit"; }
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "no commit complete"; }
wait_for 60 qemu_pid q || fail "no QEMU for q"
pid="$(qemu_pid q)"
grep -E '^(Uid|Gid|CapEff):' "/proc/$pid/status"
unprivileged "$pid" || fail "QEMU $pid is privileged"
[[ "$(stat -c %U "/proc/$pid")" == libvirt-qemu ]] || fail "QEMU not owned by libvirt-qemu"
tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "$state/hugepages" || fail "QEMU memory not on the hugepage mount"
[[ "$(stat -c %U "$img/q.qcow2")" == libvirt-qemu ]] || fail "image not owned by QEMU's user while it runs"

inv="$(cli -c "show system inventory")"
echo "$inv" | sed -n '/^QEMU user:/,$p'
grep -q '^QEMU user: *libvirt-qemu:kvm$' <<<"$inv" || fail "inventory: QEMU user"
grep -q '^Dynamic ownership: *yes' <<<"$inv" || fail "inventory: dynamic ownership"
grep -q '^Namespaces: ' <<<"$inv" || fail "inventory: namespaces"
grep -q '^Cgroups: ' <<<"$inv" || fail "inventory: cgroups"
if grep -q '^Namespaces: *mount$' <<<"$inv"; then
	[[ "$(readlink "/proc/$pid/ns/mnt")" != "$(readlink "/proc/$(cat "$state/jdm.pid")/ns/mnt")" ]] ||
		fail "inventory says mount namespace, QEMU shares jdmd's"
fi

echo "--- the guest works"
wait_for 120 row_is q "running alive" || { cli -c "show virtual-network-functions"; fail "q never alive"; }
wait_for 30 grep -q 'nfx-test-vnf ready.*eth1=198.51.100.9/24' "$state/vnf/q/console.log" ||
	fail "q did not log its console or read its config-data disk"

echo "--- killed: restarted, unprivileged again"
kill -9 "$pid"
wait_for 20 bash -c "qemu_pid() { for p in \$(ip netns pids $(cat "$state/netns")); do tr '\\0' ' ' <\"/proc/\$p/cmdline\" 2>/dev/null | grep -q 'guest=q,' && [[ \$p != $pid ]] && return 0; done; return 1; }; qemu_pid" ||
	fail "q not restarted"
pid2="$(qemu_pid q)"
[[ "$pid2" != "$pid" ]] || fail "same QEMU"
unprivileged "$pid2" || fail "restarted QEMU $pid2 is privileged"
wait_for 120 row_is q "running alive" || fail "q not alive after its restart"

echo "--- deleted: the image is root's again"
out="$(printf 'configure\ndelete virtual-network-functions q\ncommit\n' | cli)"
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "delete commit"; }
wait_for 20 bash -c "[[ \$(stat -c %u '$img/q.qcow2') == 0 ]]" || fail "image still owned by $(stat -c %U "$img/q.qcow2")"
echo "qemu uid test passed"
