#!/usr/bin/env bash
# SNMP and VNFs: the thesis' four VNFs (vrtr1, vrtr2, localserver, vsrx:
# copies of the test VNF, QEMU/TCG, 1 vCPU, 256 MiB; NFX_SNMP_VNFS="vrtr1
# vsrx" runs two where four are too slow), snmpd and the nfx
# subagent run by jdmd, snmptrapd in the management-LAN namespace on
# 192.0.2.1:16200 (trap-group, v2c). From there:
#   - snmpwalk of VM-MIB and the nfx MIB agrees, field by field, with the
#     replies as data ('Q': show virtual-network-functions NAME detail,
#     show system visibility memory; snmp_compare.py);
#   - vrtr1's QEMU killed (by pid): vmCrashed and nfxVnfLivelinessDown, then
#     vmRunning and nfxVnfRestarted when JDM starts it again;
#   - a commit gives nfxCommitDone; vsrx, no-autostart, stopped by
#     `request ... stop`: vmShutdown.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
NFX="$ROOT/nfx"
CLIENT="$ROOT/tests/integration/ops_client.py"
COMPARE="$ROOT/tests/integration/snmp_compare.py"
PY=/usr/bin/python3
for t in snmpwalk snmpget; do command -v "$t" >/dev/null || { echo "no $t (package snmp)"; exit 77; }; done
[[ -x /usr/sbin/snmpd && -x /usr/sbin/snmptrapd ]] || { echo "no snmpd/snmptrapd"; exit 77; }
state="$(mktemp -d /tmp/nfx-it-snmpvnf.XXXXXX)"
trapd=""
cleanup() {
	local rc=$?
	if [[ $rc -ne 0 ]]; then
		tail -20 "$state/jdmd.log" >&2 2>/dev/null || true
		grep -v '^Connection from' "$state/snmp/subagent.log" 2>/dev/null | tail -20 >&2 || true
		cat "$state/traps.log" >&2 2>/dev/null || true
	fi
	[[ -n "$trapd" ]] && kill "$trapd" 2>/dev/null || true
	"$NFX" down --state-dir "$state" >/dev/null 2>&1 || true
	rm -rf "$state"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*" >&2; exit 1; }
cli() { timeout 120 "$NFX" cli --state-dir "$state" "$@"; }
wait_for() {
	local t="$1"; shift
	for _ in $(seq $((t * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
	return 1
}
q() { "$PY" "$CLIENT" "$state/jdm.sock" query "$@"; }
qemu_pid() {
	local p
	for p in $(ip netns pids "$(cat "$state/netns")"); do
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q "guest=$1," && { echo "$p"; return 0; }
	done
	return 1
}
is_alive() { q show virtual-network-functions "$1" | grep -q '<vnf-liveliness>alive</vnf-liveliness>'; }
has_trap() { grep -q "OID: $1\b" "$state/traps.log"; }
# a trap whose notification is $1 and that names $2 (vmName or nfxVnfName)
trap_for() { awk -v t="OID: $1" -v n="\"$2\"" 'index($0, t) && index($0, n) {f=1} END {exit !f}' "$state/traps.log"; }

mkdir -p "$state/images"
"$ROOT/vnf-images/make-test-vnf" "$state/images/base.qcow2" >/dev/null 2>&1 || fail "make-test-vnf"
VNFS="${NFX_SNMP_VNFS:-vrtr1 vrtr2 localserver vsrx}"
read -ra vnfs <<<"$VNFS"
[[ " $VNFS " == *" vrtr1 "* && " $VNFS " == *" vsrx "* ]] || fail "NFX_SNMP_VNFS must hold vrtr1 and vsrx"
for v in "${vnfs[@]}"; do cp "$state/images/base.qcow2" "$state/images/$v.qcow2"; done
NFX_IMAGE_DIR="$state/images" "$NFX" up --state-dir "$state" >/dev/null
lan="$(cat "$state/netns-mgmt")"
lan_do() { timeout 30 ip netns exec "$lan" "$@"; }

echo "--- snmptrapd in the management LAN"
printf 'authCommunity log nfxtraps\n' >"$state/snmptrapd.conf"
: >"$state/traps.log"
# 'ip netns exec' execs: $! is snmptrapd itself
ip netns exec "$lan" /usr/sbin/snmptrapd -f -C -c "$state/snmptrapd.conf" -On -Lf "$state/traps.log" \
	-M /nonexistent -m "" udp:192.0.2.1:16200 </dev/null >/dev/null 2>&1 &
trapd=$!

echo "--- commit snmp and ${#vnfs[@]} VNFs"
img="$state/images"
out="$(cli <<IN
configure
set interfaces jmgmt0 unit 0 family inet address 192.0.2.10/24
set system virtualization accel tcg
set system memory hugepages page-size 2
set system memory hugepages page-count 16
set snmp community n0cRead authorization read-only
set snmp trap-group nfxtraps version v2 targets 192.0.2.1
set snmp trap-group nfxtraps destination-port 16200
$(for v in "${vnfs[@]}"; do
	echo "set virtual-network-functions $v image $img/$v.qcow2"
	echo "set virtual-network-functions $v virtual-cpu count 1"
	echo "set virtual-network-functions $v memory size 262144"
done)
commit
IN
)" || { echo "$out"; fail "commit"; }
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "no commit complete"; }
v2() { lan_do "$1" -v2c -c n0cRead -t 3 -r 2 192.0.2.10 "${@:2}"; }
all_rows() { [[ "$(v2 snmpget -Oqv 1.3.6.1.2.1.236.1.2.0)" == "${#vnfs[@]}" ]]; }
wait_for 90 all_rows || fail "vmNumber is not ${#vnfs[@]}"
for v in "${vnfs[@]}"; do
	wait_for 300 is_alive "$v" || { q show virtual-network-functions; fail "$v not alive"; }
done

echo "--- the walk agrees with the replies"
agree() {
	for v in "${vnfs[@]}"; do q show virtual-network-functions "$v" detail >"$state/$v.xml" || return 1; done
	q show system visibility memory >"$state/memory.xml" || return 1
	v2 snmpwalk -On -Ox 1.3.6.1.2.1.236 >"$state/walk" || return 1
	v2 snmpwalk -On -Ox 1.3.6.1.3.2501 >>"$state/walk" || return 1
	"$PY" "$COMPARE" "$state/walk" 1.3.6.1.3.2501 "$state" "${vnfs[@]}" >"$state/compare"
}
# the cache follows events and a periodic refresh: allow it a few rounds
wait_for 60 agree || { cat "$state/compare"; fail "the walk disagrees with the replies"; }
cat "$state/compare"
grep -q '^.1.3.6.1.3.2501.1.2.1.2.2048 = Gauge32: ' "$state/walk" || fail "hugepage pool not in the walk"

echo "--- vrtr1's QEMU killed"
pid="$(qemu_pid vrtr1)" || fail "no QEMU for vrtr1"
kill -9 "$pid"
wait_for 60 trap_for .1.3.6.1.2.1.236.0.9 vrtr1 || fail "no vmCrashed for vrtr1"
wait_for 60 trap_for .1.3.6.1.3.2501.0.2 vrtr1 || fail "no nfxVnfLivelinessDown for vrtr1"
wait_for 60 trap_for .1.3.6.1.2.1.236.0.1 vrtr1 || fail "no vmRunning for vrtr1"
wait_for 60 trap_for .1.3.6.1.3.2501.0.3 vrtr1 || fail "no nfxVnfRestarted for vrtr1"

echo "--- vsrx, no-autostart, stopped"
out="$(printf 'configure\nset virtual-network-functions vsrx no-autostart\ncommit\n' | cli)"
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "no-autostart commit"; }
wait_for 30 has_trap .1.3.6.1.3.2501.0.4 || fail "no nfxCommitDone"
cli -c "request virtual-network-functions vsrx stop" | grep -q 'vsrx stopped' || fail "stop"
wait_for 60 trap_for .1.3.6.1.2.1.236.0.3 vsrx || fail "no vmShutdown for vsrx"
! trap_for .1.3.6.1.2.1.236.0.9 vsrx || fail "vsrx's stop reported as a crash"
stopped() { [[ "$(v2 snmpget -Oqv "1.3.6.1.2.1.236.1.4.1.6.$1")" == 11 ]]; }
idx="$(v2 snmpwalk -On 1.3.6.1.2.1.236.1.4.1.2 | awk -F' = ' '/"vsrx"/ {n=split($1, a, "."); print a[n]}')"
wait_for 30 stopped "$idx" || fail "vmOperState of vsrx is not shutdown(11)"
echo "snmp vnfs: all checks passed"
