#!/usr/bin/env bash
# VNF events as data: one VNF (a copy of the test VNF, QEMU/TCG through
# libvirt's embedded driver) while `cli --watch vnf-event` and the socket
# client (ops_client.py) listen: starting it gives a <vnf-event> with state
# running, its first ping answer one with liveliness alive, and `request
# virtual-network-functions NAME stop` one with state shut off. Its
# `show virtual-network-functions` reply as data says the same.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
NFX="$ROOT/nfx"
CLIENT="$ROOT/tests/integration/ops_client.py"
PY=/usr/bin/python3
state="$(mktemp -d /tmp/nfx-it-events.XXXXXX)"
watch=""
cleanup() {
	local rc=$?
	if [[ $rc -ne 0 && -f "$state/jdmd.log" ]]; then tail -20 "$state/jdmd.log" >&2; fi
	[[ -n "$watch" ]] && kill "$watch" 2>/dev/null || true
	"$NFX" down --state-dir "$state" >/dev/null 2>&1 || true
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
event_with() { grep -q "$1" "$state/events"; }

mkdir -p "$state/images"
"$ROOT/vnf-images/make-test-vnf" "$state/images/ev1.qcow2" >/dev/null 2>&1 || fail "make-test-vnf"
NFX_IMAGE_DIR="$state/images" "$NFX" up --state-dir "$state" >/dev/null

echo "--- subscribe"
"$NFX" cli --state-dir "$state" --watch vnf-event >"$state/events" 2>"$state/watch.err" &
watch=$!
rm -f "$state/ready"
"$PY" "$CLIENT" "$state/jdm.sock" watch vnf-event --count 2 --timeout 120 --ready "$state/ready" \
	>"$state/client-events" 2>&1 &
client=$!
wait_for 10 test -e "$state/ready" || fail "the socket client did not subscribe"
sleep 0.5

echo "--- commit: the VNF starts"
out="$(cli <<IN
configure
set system virtualization accel tcg
set virtual-network-functions ev1 image $state/images/ev1.qcow2
set virtual-network-functions ev1 virtual-cpu count 1
set virtual-network-functions ev1 memory size 262144
commit
IN
)" || { echo "$out"; fail "commit"; }
wait_for 30 event_with '<vnf-state>running</vnf-state>' || { cat "$state/events"; fail "no running event"; }
echo "--- liveliness"
wait_for 120 event_with '<vnf-liveliness>alive</vnf-liveliness>' ||
	{ cat "$state/events"; cli -c "show virtual-network-functions"; fail "no alive event"; }
x="$("$PY" "$CLIENT" "$state/jdm.sock" query show virtual-network-functions ev1)" || fail "query"
grep -q '<vnf-liveliness>alive</vnf-liveliness>' <<<"$x" || fail "the reply disagrees: $x"
rc=0
wait "$client" || rc=$?
[[ $rc -eq 0 ]] || fail "the socket client saw no 2 events: $(cat "$state/client-events")"
xmllint --noout - < <(sed '/^--$/d' "$state/client-events" | "$PY" -c '
import sys; docs = sys.stdin.read().split("</vnf-event>\n")
print("<events>" + "".join(d + "</vnf-event>\n" for d in docs if d.strip()) + "</events>")') ||
	fail "events are not XML: $(cat "$state/client-events")"

echo "--- stop"
cli -c "request virtual-network-functions ev1 stop" | grep -q 'ev1 stopped' || fail "stop"
wait_for 30 event_with '<vnf-state>shut off</vnf-state>' || { cat "$state/events"; fail "no shut off event"; }
cat "$state/events"
echo "ops events: all checks passed"
