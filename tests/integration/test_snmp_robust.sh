#!/usr/bin/env bash
# The subagent under hostile input:
#   - a hostile AgentX master (agentx_fuzz.py, on a unix socket in a temp
#     directory) sends garbage, a 4 GiB header, a 200-sub-identifier OID, a
#     truncated PDU, an unknown PDU type, a GetNext of 2000 ranges...: the
#     subagent (as Debian-snmp) stays up and reconnects after each;
#   - through the real snmpd (appliance namespace, from the management-LAN
#     namespace): 400 varbinds in one Get, a GetBulk of 10000 repetitions,
#     a 60 KB garbage datagram and truncated BER to port 161: the subagent
#     keeps its pid and the walk answers.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
NFX="$ROOT/nfx"
AGENT="$ROOT/build/snmp/nfx-snmp-agent"
PY=/usr/bin/python3
[[ -x "$AGENT" ]] || { echo "no $AGENT (build first)"; exit 77; }
for t in snmpget snmpbulkget snmpwalk; do command -v "$t" >/dev/null || { echo "no $t"; exit 77; }; done
[[ -x /usr/sbin/snmpd ]] || { echo "no snmpd"; exit 77; }
id Debian-snmp >/dev/null 2>&1 || { echo "no Debian-snmp account"; exit 77; }
state="$(mktemp -d /tmp/nfx-it-snmprob.XXXXXX)"
agent=""
cleanup() {
	local rc=$?
	[[ $rc -ne 0 ]] && tail -20 "$state/fuzz-agent.log" >&2 2>/dev/null || true
	[[ -n "$agent" ]] && kill "$agent" 2>/dev/null || true
	"$NFX" down --state-dir "$state" >/dev/null 2>&1 || true
	rm -rf "$state"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*" >&2; exit 1; }
wait_for() {
	local t="$1"; shift
	for _ in $(seq $((t * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
	return 1
}

echo "--- a hostile AgentX master"
fz="$state/fuzz"
chmod 0711 "$state"
mkdir -m 0711 "$fz"
"$PY" "$ROOT/tests/integration/agentx_fuzz.py" "$fz/agentx.sock" "$fz/agent.pid" >"$fz/out" 2>&1 &
fuzz=$!
wait_for 10 test -S "$fz/agentx.sock" || fail "the fuzzing master did not start"
"$AGENT" --agentx "$fz/agentx.sock" --jdm "$fz/no-jdm.sock" --user Debian-snmp \
	</dev/null >"$state/fuzz-agent.log" 2>&1 &
agent=$!
echo "$agent" >"$fz/agent.pid"
rc=0
wait "$fuzz" || rc=$?
cat "$fz/out"
[[ $rc -eq 0 ]] || fail "the subagent did not survive the hostile master"
kill -0 "$agent" || fail "the subagent is gone"
kill "$agent"
wait "$agent" 2>/dev/null || true
agent=""

echo "--- oversized and malformed requests through snmpd"
"$NFX" up --state-dir "$state" >/dev/null
lan="$(cat "$state/netns-mgmt")"
lan_do() { timeout 60 ip netns exec "$lan" "$@"; }
out="$(timeout 60 "$NFX" cli --state-dir "$state" <<'IN'
configure
set interfaces jmgmt0 unit 0 family inet address 192.0.2.10/24
set snmp community n0cRead authorization read-only
commit
IN
)" || { echo "$out"; fail "commit"; }
vm_number() { lan_do snmpget -v2c -c n0cRead -t 2 -r 1 -Oqv 192.0.2.10 1.3.6.1.2.1.236.1.2.0 | grep -qx 0; }
wait_for 60 vm_number || fail "vmNumber does not answer"
apid="$(cat "$state/snmp/subagent.pid")"
oids=()
for i in $(seq 400); do oids+=("1.3.6.1.2.1.236.1.4.1.2.$i"); done
lan_do snmpget -v2c -c n0cRead -t 5 -r 0 192.0.2.10 "${oids[@]}" >/dev/null 2>&1 || true
lan_do snmpbulkget -v2c -c n0cRead -t 10 -r 0 -Cn0 -Cr10000 192.0.2.10 1.3.6.1.2.1.236 >/dev/null 2>&1 || true
lan_do "$PY" - <<'PYEOF'
import socket, random
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
r = random.Random(161)
s.sendto(bytes(r.randrange(256) for _ in range(60000)), ("192.0.2.10", 161))
# a v2c GetNext whose BER lengths lie (truncated, then overlong)
s.sendto(bytes.fromhex("302902010104076e30635265616ca11b0204"), ("192.0.2.10", 161))
s.sendto(bytes.fromhex("3084ffffffff020101040770756262"), ("192.0.2.10", 161))
PYEOF
wait_for 30 vm_number || fail "no answer after the oversized requests"
[[ "$(cat "$state/snmp/subagent.pid")" == "$apid" ]] && kill -0 "$apid" || fail "the subagent was restarted"
echo "snmp robust: all checks passed"
