#!/usr/bin/env bash
# SNMP, without VNFs: a commit of `snmp` makes jdmd run Debian's snmpd in the
# appliance namespace (AgentX master socket in the state directory) and the
# nfx subagent as Debian-snmp; from the management-LAN namespace:
#   - the system group says what was configured, VM-MIB and the nfx MIB
#     answer through the subagent, IF-MIB shows jmgmt0's alias (ifAlias);
#     the JCP port table names jcpd's ports (its reply as data), a committed
#     host-os VLAN appears in nfxHostVlanTable;
#   - a wrong community, a wrong v3 key and an unknown v3 user get nothing;
#     a read-only community cannot set anything;
#   - the v3 passwords are nowhere in the state directory (store, snmpd's
#     file, logs) nor on a command line; a read-only user sees the keys and
#     the community as SECRET-DATA;
#   - snmpd killed (by pid): jdmd starts it again and the subagent
#     reconnects; jdmd killed (by pid) and started again: it takes over the
#     running snmpd and subagent, and the subagent reconnects to it;
#   - a v3 trap-group (trapsess with master keys) delivers nfxCommitDone to
#     snmptrapd (v3 authPriv) in the LAN namespace; an snmp commit restarts
#     snmpd, keeps the subagent and the engine ID;
#   - a new jmgmt0 address alone moves snmpd there;
#   - deleting `snmp` stops both.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
NFX="$ROOT/nfx"
PY=/usr/bin/python3
for t in snmpget snmpwalk snmpset; do command -v "$t" >/dev/null || { echo "no $t (package snmp)"; exit 77; }; done
[[ -x /usr/sbin/snmpd ]] || { echo "no /usr/sbin/snmpd (package snmpd)"; exit 77; }
id Debian-snmp >/dev/null 2>&1 || { echo "no Debian-snmp account (package snmpd)"; exit 77; }
state="$(mktemp -d /tmp/nfx-it-snmp.XXXXXX)"
trapd=""
cleanup() {
	local rc=$?
	[[ -n "$trapd" ]] && kill "$trapd" 2>/dev/null || true
	if [[ $rc -ne 0 ]]; then
		tail -20 "$state/jdmd.log" >&2 2>/dev/null || true
		grep -v '^Connection from' "$state/snmp/subagent.log" 2>/dev/null | tail -20 >&2 || true
		grep -v '^Connection from' "$state/snmp/snmpd.log" 2>/dev/null | tail -10 >&2 || true
	fi
	"$NFX" down --state-dir "$state" >/dev/null 2>&1 || true
	rm -rf "$state"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*" >&2; exit 1; }
cli() { timeout 60 "$NFX" cli --state-dir "$state" "$@"; }
wait_for() {
	local t="$1"; shift
	for _ in $(seq $((t * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
	return 1
}

AUTHPW='auth-Secret-7x'
PRIVPW='priv-Secret-9y'
"$NFX" up --state-dir "$state" >/dev/null
ns="$(cat "$state/netns")"
lan="$(cat "$state/netns-mgmt")"
# every SNMP packet stays in the test's namespaces: from the LAN namespace
# to jmgmt0's documentation address
lan_do() { timeout 20 ip netns exec "$lan" "$@"; }
v2() { lan_do "$1" -v2c -c n0cRead -t 2 -r 1 192.0.2.10 "${@:2}"; }
v3() { lan_do "$1" -v3 -l authPriv -u noc -a SHA-256 -A "$AUTHPW" -x AES -X "$PRIVPW" -t 2 -r 1 \
	192.0.2.10 "${@:2}"; }

echo "--- no snmp statement: no snmpd"
[[ ! -e "$state/snmp/snmpd.pid" ]] || fail "snmpd state without snmp configuration"

echo "--- commit snmp"
out="$(cli <<IN
configure
set interfaces jmgmt0 unit 0 family inet address 192.0.2.10/24
set snmp location "Branch 7, rack 2"
set snmp contact noc@example.net
set snmp community n0cRead authorization read-only
set snmp community n0cRead clients 192.0.2.0/24
set snmp v3 usm local-engine user noc authentication-sha256 authentication-password "$AUTHPW"
set snmp v3 usm local-engine user noc privacy-aes128 privacy-password "$PRIVPW"
commit
IN
)" || { echo "$out"; fail "commit"; }
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "no commit complete"; }
vm_number() { v2 snmpget -Oqv 1.3.6.1.2.1.236.1.2.0 | grep -qx 0; }
wait_for 60 vm_number || { v2 snmpget 1.3.6.1.2.1.236.1.2.0 || true; fail "vmNumber does not answer"; }

echo "--- what it serves"
get() { v2 snmpget -Oqv "$1" | tr -d '"'; }
[[ "$(get 1.3.6.1.2.1.1.6.0)" == 'Branch 7, rack 2' ]] || fail "sysLocation: $(get 1.3.6.1.2.1.1.6.0)"
[[ "$(get 1.3.6.1.2.1.1.4.0)" == 'noc@example.net' ]] || fail "sysContact: $(get 1.3.6.1.2.1.1.4.0)"
w="$(v2 snmpwalk -On 1.3.6.1.2.1.236.1.1)"
grep -q '^.1.3.6.1.2.1.236.1.1.1.0 = STRING: "QEMU' <<<"$w" || { echo "$w"; fail "vmHvSoftware"; }
grep -q '^.1.3.6.1.2.1.236.1.1.4.0 = Timeticks' <<<"$w" || { echo "$w"; fail "vmHvUpTime"; }
# nfxConfigLastCommitUser (the build's default root)
[[ "$(get 1.3.6.1.3.2501.1.5.3.0)" == 'root' ]] || fail "nfxConfigLastCommitUser: $(get 1.3.6.1.3.2501.1.5.3.0)"
ip -n "$ns" link set jmgmt0 alias "mgmt-uplink-test"
alias_seen() { v2 snmpwalk -Oqv 1.3.6.1.2.1.31.1.1.1.18 | grep -q 'mgmt-uplink-test'; }
wait_for 30 alias_seen || fail "ifAlias of jmgmt0 not in IF-MIB"

echo "--- JCP ports and host-os VLANs, as the replies say"
jcp_names="$("$PY" "$ROOT/tests/integration/ops_client.py" "$state/jcp.sock" query show interfaces terse |
	sed -n 's/^ *<name>\([^<.]*\)<\/name>$/\1/p' | sort -u)"
[[ -n "$jcp_names" ]] || fail "jcpd lists no ports"
walk_names() { v2 snmpwalk -Oqv 1.3.6.1.3.2501.1.4.1.2 | tr -d '"' | sort -u; }
same_ports() { [[ "$(walk_names)" == "$jcp_names" ]]; }
wait_for 30 same_ports || { echo "jcpd: $jcp_names"; echo "walk: $(walk_names)"; fail "nfxJcpPortTable"; }
out="$(printf 'configure\nset host-os vlans mgmt-v vlan-id 42\ncommit\n' | cli)" || { echo "$out"; fail "vlan commit"; }
vlan_seen() { [[ "$(get 1.3.6.1.3.2501.1.3.1.2.42)" == mgmt-v ]]; }
wait_for 30 vlan_seen || fail "nfxHostVlanName.42"

echo "--- v3"
[[ "$(v3 snmpget -Oqv 1.3.6.1.2.1.236.1.2.0)" == 0 ]] || fail "v3 authPriv"
! lan_do snmpget -v3 -l authPriv -u noc -a SHA-256 -A "wrong-Auth-123" -x AES -X "$PRIVPW" -t 1 -r 0 \
	192.0.2.10 1.3.6.1.2.1.1.6.0 >/dev/null 2>&1 || fail "a wrong v3 auth key got an answer"
! lan_do snmpget -v3 -l authPriv -u noc -a SHA-256 -A "$AUTHPW" -x AES -X "wrong-Priv-123" -t 1 -r 0 \
	192.0.2.10 1.3.6.1.2.1.1.6.0 >/dev/null 2>&1 || fail "a wrong v3 privacy key got an answer"
! lan_do snmpget -v3 -l authPriv -u nobody -a SHA-256 -A "$AUTHPW" -x AES -X "$PRIVPW" -t 1 -r 0 \
	192.0.2.10 1.3.6.1.2.1.1.6.0 >/dev/null 2>&1 || fail "an unknown v3 user got an answer"
! lan_do snmpget -v2c -c wrong -t 1 -r 0 192.0.2.10 1.3.6.1.2.1.1.6.0 >/dev/null 2>&1 ||
	fail "a wrong community got an answer"

echo "--- read-only cannot set"
! v2 snmpset 1.3.6.1.2.1.1.5.0 s hacked >/dev/null 2>&1 || fail "read-only community set sysName"
! v2 snmpset 1.3.6.1.2.1.236.1.9.0 i 2 >/dev/null 2>&1 || fail "read-only community set a VM-MIB object"
! v3 snmpset 1.3.6.1.2.1.1.5.0 s hacked >/dev/null 2>&1 || fail "the read-only v3 user set sysName"

echo "--- secrets"
if grep -rqaF -e "$AUTHPW" -e "$PRIVPW" "$state"; then
	grep -rlaF -e "$AUTHPW" -e "$PRIVPW" "$state" >&2
	fail "a v3 password is stored in plain text"
fi
[[ "$(stat -c %a "$state/snmp/snmpd.conf")" == 600 ]] || fail "snmpd.conf is not 0600"
grep -q '^createUser noc SHA-256 -m 0x[0-9a-f]\{64\} AES -m 0x[0-9a-f]\{64\}$' "$state/snmp/snmpd.conf" ||
	{ cat "$state/snmp/snmpd.conf"; fail "snmpd.conf has no master-key createUser"; }
for p in "$(cat "$state/snmp/snmpd.pid")" "$(cat "$state/snmp/subagent.pid")"; do
	if tr '\0' ' ' <"/proc/$p/cmdline" | grep -qE -e "$AUTHPW|$PRIVPW|0x[0-9a-f]{40}|n0cRead"; then
		fail "a secret on the command line of pid $p"
	fi
done
c="$(cli -c 'show configuration snmp')"
grep -q 'authentication-key ".*"; ## SECRET-DATA' <<<"$c" || { echo "$c"; fail "root sees no key"; }
login_cli="$("$NFX" cli-path)"
ro="$(timeout 30 runuser -u Debian-snmp -- "$login_cli" --socket "$state/jdm.sock" -c 'show configuration snmp')" ||
	{ echo "$ro"; fail "read-only show configuration"; }
grep -q 'authentication-key /\* SECRET-DATA \*/;' <<<"$ro" || { echo "$ro"; fail "a read-only user sees the key"; }
grep -q 'community /\* SECRET-DATA \*/' <<<"$ro" || { echo "$ro"; fail "a read-only user sees the community"; }
! grep -q n0cRead <<<"$ro" || fail "a read-only user sees the community string"
! timeout 30 runuser -u Debian-snmp -- "$login_cli" --socket "$state/jdm.sock" -c 'configure' 2>/dev/null |
	grep -q '\[edit\]' || fail "the subagent's identity may configure"

echo "--- snmpd killed: restarted, the subagent reconnects"
spid="$(cat "$state/snmp/snmpd.pid")"
apid="$(cat "$state/snmp/subagent.pid")"
kill -9 "$spid"
new_snmpd() { [[ "$(cat "$state/snmp/snmpd.pid")" != "$spid" ]]; }
wait_for 30 new_snmpd || fail "snmpd not restarted"
wait_for 60 vm_number || fail "the walk does not answer after snmpd's restart"
[[ "$(cat "$state/snmp/subagent.pid")" == "$apid" ]] || fail "the subagent was restarted, not reconnected"

echo "--- jdmd killed: the next one takes over, the subagent reconnects"
spid="$(cat "$state/snmp/snmpd.pid")"
jpid="$(cat "$state/jdm.pid")"
kill -9 "$jpid"
wait_for 10 bash -c "! kill -0 $jpid 2>/dev/null" || fail "jdmd did not die"
grep -q 'lost jdmd' "$state/snmp/subagent.log" || wait_for 10 grep -q 'lost jdmd' "$state/snmp/subagent.log" ||
	fail "the subagent did not notice jdmd go"
kill -0 "$apid" || fail "the subagent died with jdmd"
setsid ip netns exec "$ns" "$ROOT/build/jdm/jdmd" --state-dir "$state" </dev/null >>"$state/jdmd.log" 2>&1 &
wait_for 20 test -S "$state/jdm.sock" || fail "jdmd did not come back"
reconnected() { [[ "$(grep -c 'connected to jdmd' "$state/snmp/subagent.log")" -ge 2 ]]; }
wait_for 30 reconnected || fail "the subagent did not reconnect to the new jdmd"
[[ "$(cat "$state/snmp/snmpd.pid")" == "$spid" ]] || fail "a second snmpd was started"
[[ "$(cat "$state/snmp/subagent.pid")" == "$apid" ]] || fail "a second subagent was started"
wait_for 30 vm_number || fail "the walk does not answer after jdmd's restart"

echo "--- v3 traps (trap-group version v3 user noc) into snmptrapd"
eid="$(v3 snmpget -Ox -Oqv 1.3.6.1.6.3.10.2.1.1.0 | tr -d ' "')"
[[ -n "$eid" ]] || fail "no snmpEngineID"
printf 'createUser -e 0x%s noc SHA-256 %s AES %s\nauthUser log noc priv\n' "$eid" "$AUTHPW" "$PRIVPW" \
	>"$state/snmptrapd.conf"
chmod 600 "$state/snmptrapd.conf"
: >"$state/traps.log"
ip netns exec "$lan" /usr/sbin/snmptrapd -f -C -c "$state/snmptrapd.conf" -On -Lf "$state/traps.log" \
	-M /nonexistent -m "" udp:192.0.2.1:16262 </dev/null >/dev/null 2>&1 &
trapd=$!
out="$(printf 'configure\nset snmp trap-group v3noc version v3 user noc targets 192.0.2.1\nset snmp trap-group v3noc destination-port 16262\ncommit\n' | cli)" ||
	{ echo "$out"; fail "v3 trap-group commit"; }
grep -q "^trapsess -v 3 -u noc -l authPriv -a SHA-256 -3m 0x[0-9a-f]* -x AES -3M 0x[0-9a-f]* 192.0.2.1:16262$" \
	"$state/snmp/snmpd.conf" || { grep trapsess "$state/snmp/snmpd.conf"; fail "no v3 trapsess line"; }
wait_for 60 vm_number || fail "no answer after the v3 trap-group commit"
[[ "$(v3 snmpget -Ox -Oqv 1.3.6.1.6.3.10.2.1.1.0 | tr -d ' "')" == "$eid" ]] || fail "the engine ID changed"
[[ "$(cat "$state/snmp/subagent.pid")" == "$apid" ]] || fail "an snmp commit restarted the subagent"
# a commit outside snmp (snmpd stays): the subagent sends nfxCommitDone
v3_commit_trap() {
	printf 'configure\nset system host-name "jdm-%s"\ncommit\n' "$RANDOM" | cli >/dev/null
	wait_for 10 grep -q 'OID: .1.3.6.1.3.2501.0.4' "$state/traps.log"
}
wait_for 60 v3_commit_trap || { cat "$state/traps.log"; fail "no v3 nfxCommitDone at snmptrapd"; }
kill "$trapd"
trapd=""

echo "--- jmgmt0's address changed alone: snmpd listens on the new one"
out="$(printf 'configure\ndelete interfaces jmgmt0 unit 0 family inet address 192.0.2.10/24\nset interfaces jmgmt0 unit 0 family inet address 192.0.2.11/24\ncommit\n' | cli)" ||
	{ echo "$out"; fail "address commit"; }
on_new() { lan_do snmpget -v2c -c n0cRead -t 2 -r 1 -Oqv 192.0.2.11 1.3.6.1.2.1.236.1.2.0 | grep -qx 0; }
wait_for 60 on_new || { grep agentaddress "$state/snmp/snmpd.conf"; fail "snmpd does not answer on 192.0.2.11"; }
spid="$(cat "$state/snmp/snmpd.pid")"

echo "--- delete snmp: both stop"
out="$(printf 'configure\ndelete snmp\ncommit\n' | cli)" || { echo "$out"; fail "delete commit"; }
gone() { ! kill -0 "$spid" 2>/dev/null && ! kill -0 "$apid" 2>/dev/null; }
wait_for 20 gone || fail "snmpd or the subagent still run without snmp"
echo "snmp agent: all checks passed"
