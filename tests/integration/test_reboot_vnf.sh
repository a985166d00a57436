#!/usr/bin/env bash
# `request system reboot|halt` with a VNF on real QEMU (TCG, libvirt's
# embedded driver, in the appliance's namespace): reboot answered yes ->
# jdmd stops the VNF (its QEMU is gone) before it exits, and the VNF runs
# again (a new QEMU) once the daemons are back; halt answered yes -> the
# VNF is stopped and no QEMU is left, the daemons are gone. The host is
# never touched (its boot time stays).
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
NFX="$ROOT/nfx"
CLI="${NFX_CLI:-${NFX_BUILD_DIR:-$ROOT/build}/cli/cli}"
[[ "$(id -u)" -eq 0 ]] || { echo "needs root (./nfx up)"; exit 77; }
state="$(mktemp -d /tmp/nfx-it-rebootvnf.XXXXXX)"
boot_before="$(awk '/^btime/ {print $2}' /proc/stat)"
cleanup() {
	local rc=$?
	if [[ $rc -ne 0 ]]; then
		for f in "$state"/*.log; do [[ -f "$f" ]] && { echo "--- $f"; tail -n 20 "$f"; }; done >&2
	fi
	"$NFX" down --state-dir "$state" >/dev/null 2>&1 || true
	rm -rf "$state"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*" >&2; exit 1; }
cli() { timeout 60 "$CLI" --socket "$state/jdm.sock" "$@"; }
wait_for() {
	local t="$1"; shift
	for _ in $(seq $((t * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
	return 1
}
qemu_pid() { # QEMU process of VNF $1 in the appliance namespace
	local p
	for p in $(ip netns pids "$(cat "$state/netns")"); do
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q "guest=$1," && { echo "$p"; return 0; }
	done
	return 1
}
alive() { [[ -n "$1" && -d "/proc/$1" ]] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
gone() { ! alive "$1"; }
running() { cli -c "show virtual-network-functions" | awk '$2 == "vrtr1" {print $3}' | grep -qx running; }
new_qemu() { local p; p="$(qemu_pid vrtr1)" && [[ "$p" != "$1" ]]; }
no_qemu() { ! qemu_pid vrtr1 >/dev/null; }

mkdir -p "$state/images"
"$ROOT/vnf-images/make-test-vnf" "$state/images/vrtr1.qcow2" >/dev/null 2>&1 || fail "make-test-vnf"
NFX_IMAGE_DIR="$state/images" "$NFX" up --state-dir "$state" >/dev/null

echo "--- a VNF on QEMU"
out="$(cli <<IN
configure
set system virtualization accel tcg
set virtual-network-functions vrtr1 image $state/images/vrtr1.qcow2
set virtual-network-functions vrtr1 virtual-cpu count 1
set virtual-network-functions vrtr1 memory size 262144
commit
IN
)" || { echo "$out"; fail "commit"; }
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "no commit complete"; }
wait_for 60 running || { cli -c "show virtual-network-functions"; fail "vrtr1 not running"; }
q1="$(qemu_pid vrtr1)" || fail "no QEMU for vrtr1"
jdm1="$(cat "$state/jdm.pid")"

echo "--- reboot: the VNF is stopped, then runs again"
out="$(printf 'request system reboot\nyes\n' | cli 2>&1)" || true
grep -qx 'Shutdown NOW!' <<<"$out" || { echo "$out"; fail "no shutdown message"; }
wait_for 60 gone "$q1" || fail "the VNF's QEMU $q1 still runs after the reboot"
wait_for 60 gone "$jdm1" || fail "jdmd $jdm1 did not exit"
grep -q 'reboot requested: stopping the VNFs' "$state/jdmd.log" || fail "jdmd did not stop its VNFs itself"
wait_for 60 new_qemu "$q1" || fail "vrtr1 did not start again after the reboot"
wait_for 60 running || { cli -c "show virtual-network-functions"; fail "vrtr1 not running after the reboot"; }

echo "--- halt: the VNF and the daemons stop"
q2="$(qemu_pid vrtr1)" || fail "no QEMU for vrtr1 after the reboot"
jdm2="$(cat "$state/jdm.pid")"
out="$(printf 'request system halt\nyes\n' | cli 2>&1)" || true
grep -qx 'System going down IMMEDIATELY' <<<"$out" || { echo "$out"; fail "no shutdown message"; }
wait_for 60 gone "$q2" || fail "the VNF's QEMU $q2 still runs after halt"
wait_for 60 gone "$jdm2" || fail "jdmd did not exit after halt"
wait_for 30 no_qemu || fail "a QEMU was started again after halt"
[[ "$(awk '/^btime/ {print $2}' /proc/stat)" == "$boot_before" ]] || fail "the host's boot time changed"
echo OK
