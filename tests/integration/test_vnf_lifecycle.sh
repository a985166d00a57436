#!/usr/bin/env bash
# The thesis VNF deployment (Figures 20-22, 24) replayed on real QEMU (TCG)
# through libvirt's embedded driver, in the appliance's own namespace:
# vrtr1, vrtr2, localserver and vsrx from copies of the test VNF, with
# hugepages; all run and become alive; vrtr2 gets no-autostart (Figure 21);
# a killed QEMU is noticed and restarted; jdmd restarted duplicates nothing;
# hugepage over-commit, a corrupt qcow2 and a missing image fail commit check
# and change nothing; a deleted VNF is gone and its image kept.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
NFX="$ROOT/nfx"
state="$(mktemp -d /tmp/nfx-it-vnf.XXXXXX)"
huge_before="$(cat /proc/sys/vm/nr_hugepages)"
cleanup() {
	local rc=$?
	if [[ $rc -ne 0 && -f "$state/jdmd.log" ]]; then tail -20 "$state/jdmd.log" >&2; fi
	"$NFX" down --state-dir "$state" >/dev/null 2>&1 || true
	echo "$huge_before" >/proc/sys/vm/nr_hugepages 2>/dev/null || true
	rm -rf "$state"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*" >&2; exit 1; }
cli() { timeout 60 "$NFX" cli --state-dir "$state" "$@"; }
# wait_for SECONDS COMMAND... : until the command succeeds
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
vnf_row() { cli -c "show virtual-network-functions" | awk -v n="$1" '$2 == n'; }
row_is() { [[ "$(vnf_row "$1" | awk '{print $3, $4}')" == "$2" ]]; }

mkdir -p "$state/images"
"$ROOT/vnf-images/make-test-vnf" "$state/images/base.qcow2" >/dev/null 2>&1 || fail "make-test-vnf"
for v in vrtr1 vrtr2 localserver vsrx; do cp "$state/images/base.qcow2" "$state/images/$v.qcow2"; done
NFX_IMAGE_DIR="$state/images" "$NFX" up --state-dir "$state" >/dev/null

echo "--- deploy (Figure 20, sized for a 2-core machine)"
img="$state/images"
script="configure
set system virtualization accel tcg
set system memory hugepages page-size 2
set system memory hugepages page-count 512
load set terminal"
for v in vrtr1 vrtr2 localserver vsrx; do
	script+="
set virtual-network-functions $v image $img/$v.qcow2
set virtual-network-functions $v image image-type qcow2
set virtual-network-functions $v virtual-cpu count 1
set virtual-network-functions $v memory size 262144
set virtual-network-functions $v memory features hugepages"
done
# day-0 files, like images, must lie in the image directory
mkdir -p "$img/day0"
echo "eth1 198.51.100.7/24" >"$img/day0/interfaces"
script+="
set virtual-network-functions localserver config-data file $img/day0/interfaces"
script+=$'\n\004\ncommit'
out="$(cli <<<"$script")" || { echo "$out"; fail "deploy commit"; }
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "no commit complete"; }
[[ "$(cat /proc/sys/vm/nr_hugepages)" -ge 512 ]] || fail "hugepage pool not reserved"

for v in vrtr1 vrtr2 localserver vsrx; do
	wait_for 20 row_is "$v" "running down" || wait_for 1 row_is "$v" "running alive" ||
		{ cli -c "show virtual-network-functions"; fail "$v not running"; }
done
echo "--- liveliness (Figure 22)"
for v in vrtr1 vrtr2 localserver vsrx; do
	wait_for 90 row_is "$v" "running alive" || { cli -c "show virtual-network-functions"; fail "$v never alive"; }
done
cli -c "show virtual-network-functions"
info="$(cli -c "show virtual-network-functions vrtr1")"
echo "$info"
for f in 'Name:               vrtr1' 'IP Address:         192.168.1.1' 'Status:             Running' \
	'Liveliness:         Up' 'VCPUs:              1' 'Maximum Memory:     262144' 'Used Memory:        262144'; do
	grep -qF "$f" <<<"$info" || fail "Figure 24 field missing: $f"
done
cli -c "show system visibility network" | grep -q 'vrtr1_ethdef0' || fail "visibility network"
grep -q 'nfx-test-vnf ready.*eth1=198.51.100.7/24' "$state/vnf/localserver/console.log" ||
	fail "localserver did not read its config-data disk"

echo "--- console (Figure 23): the serial port through the CLI, ^] leaves"
out="$(printf 'request virtual-network-functions vsrx console\n\necho console-ok-$((6 * 7))\n^]\nshow virtual-network-functions\n' | cli)" ||
	{ echo "$out"; fail "console session"; }
grep -q '^Connected to domain vsrx' <<<"$out" || { echo "$out"; fail "no console banner"; }
grep -q '^Escape character is \^\]' <<<"$out" || { echo "$out"; fail "no escape line"; }
grep -q 'console-ok-42' <<<"$out" || { echo "$out"; fail "the guest did not answer on its console"; }
grep -q 'vsrx  *running' <<<"$out" || { echo "$out"; fail "no CLI after leaving the console"; }

echo "--- ssh <vnf> goes to the VNF's internal address (the test VNF runs no sshd: refused)"
vip="$(cli -c "show virtual-network-functions vsrx" | awk '/^IP Address:/ {print $3}')"
set +e
out="$(printf 'ssh vsrx\n' | cli 2>&1)"
set -e
grep -qF "connect to host $vip port 22: Connection refused" <<<"$out" || { echo "$out"; fail "ssh vsrx did not reach $vip"; }

echo "--- no-autostart (Figure 21): defined, not stopped"
out="$(printf 'configure\nset virtual-network-functions vrtr2 no-autostart\ncommit\n' | cli)"
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "no-autostart commit"; }
row_is vrtr2 "running alive" || fail "vrtr2 stopped by no-autostart"

echo "--- a killed QEMU is noticed and restarted"
pid="$(qemu_pid vrtr1)" || fail "no QEMU for vrtr1"
kill -9 "$pid"
wait_for 10 bash -c "! ip netns pids $(cat "$state/netns") | grep -qx $pid" || fail "QEMU $pid did not die"
wait_for 10 qemu_pid vrtr1 || fail "vrtr1 not restarted"
[[ "$(qemu_pid vrtr1)" != "$pid" ]] || fail "same QEMU"
wait_for 5 row_is vrtr1 "running down" || fail "liveliness did not drop after the restart"
wait_for 90 row_is vrtr1 "running alive" || fail "vrtr1 not alive after its restart"
cli -c "show virtual-network-functions vrtr1 detail" | grep -q 'Restarts:           1' || fail "restart not counted"

echo "--- jdmd restarted: nothing duplicated"
before="$(ip netns pids "$(cat "$state/netns")" | while read -r p; do tr '\0' ' ' <"/proc/$p/cmdline" | grep -o 'guest=[a-z0-9]*' || true; done | sort)"
jpid="$(cat "$state/jdm.pid")"
kill "$jpid"
wait_for 10 bash -c "! kill -0 $jpid 2>/dev/null" || fail "jdmd did not stop"
setsid ip netns exec "$(cat "$state/netns")" env NFX_IMAGE_DIR="$img" "$ROOT/build/jdm/jdmd" \
	--state-dir "$state" </dev/null >>"$state/jdmd.log" 2>&1 &
wait_for 10 test -S "$state/jdm.sock" || fail "jdmd did not come back"
sleep 1
after="$(ip netns pids "$(cat "$state/netns")" | while read -r p; do tr '\0' ' ' <"/proc/$p/cmdline" | grep -o 'guest=[a-z0-9]*' || true; done | sort)"
[[ "$before" == "$after" ]] || { echo "before: $before"; echo "after: $after"; fail "QEMUs changed across the jdmd restart"; }
[[ "$(cli -c "show virtual-network-functions" | grep -v " ipsec-nm " | grep -c running)" -eq 4 ]] || fail "not 4 running VNFs"

echo "--- bad input fails commit check and changes nothing"
before="$(cli -c "show configuration | display set")"
check() { # $1: set lines, $2: expected text in the output
	local o
	set +e
	o="$(printf 'configure\n%s\ncommit check\nrollback 0\nexit\n' "$1" | cli)"
	set -e
	grep -q "$2" <<<"$o" || { echo "$o"; fail "expected '$2'"; }
	grep -q 'error: configuration check-out failed' <<<"$o" || { echo "$o"; fail "check did not fail"; }
}
check "set virtual-network-functions vsrx memory size 4194304" "vsrx"
head -c 4096 /dev/urandom >"$img/corrupt.qcow2"
check "set virtual-network-functions vsrx image $img/corrupt.qcow2" "not a qcow2 image"
check "set virtual-network-functions vsrx image $img/missing.qcow2" "does not exist"
[[ "$(cli -c "show configuration | display set")" == "$before" ]] || fail "configuration changed"

echo "--- a commit that fails while applying is undone; the error is under the VNF; the candidate stays"
set +e
out="$(printf 'configure\nset virtual-network-functions broken image %s\nset virtual-network-functions broken storage vdb type disk\nset virtual-network-functions broken storage vdb source file %s\ncommit\nshow | compare | count\nrollback 0\n' \
	"$img/base.qcow2" "$img/not-there.img" | cli)"
set -e
echo "$out" | sed -n '/# commit$/,/Count:/p'
grep -q '^\[edit virtual-network-functions broken\]' <<<"$out" || fail "no error under [edit virtual-network-functions broken]"
grep -q 'not-there.img' <<<"$out" || fail "the libvirt/QEMU error does not name the missing disk"
grep -q '^commit complete$' <<<"$out" && fail "the failing commit completed"
grep -q '^Count: [1-9]' <<<"$out" || fail "the candidate lost the change"
cli -c "show configuration virtual-network-functions broken" | grep -q . && fail "broken became active"
for _ in $(seq 25); do qemu_pid broken >/dev/null || break; sleep 0.2; done
qemu_pid broken >/dev/null && fail "broken left running"
[[ "$(cli -c "show virtual-network-functions" | grep -v " ipsec-nm " | grep -c running)" -eq 4 ]] || fail "the others were disturbed"

echo "--- a deleted VNF is gone, its image kept"
out="$(printf 'configure\ndelete virtual-network-functions localserver\ncommit\n' | cli)"
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "delete commit"; }
for _ in $(seq 50); do qemu_pid localserver >/dev/null || break; sleep 0.2; done
qemu_pid localserver >/dev/null && fail "localserver still running"
[[ -f "$img/localserver.qcow2" ]] || fail "image deleted"
vnf_row localserver | grep -q . && fail "localserver still listed"
echo "vnf lifecycle test passed"
