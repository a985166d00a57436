#!/usr/bin/env bash
# `system syslog` under ./nfx up: a real rsyslogd in the management-LAN
# namespace (192.0.2.1, UDP 514) stands for the operator's syslog server;
# `set system syslog host 192.0.2.1 any any` makes jdmd start the
# appliance's rsyslogd, and the receiver gets the commit messages of jdmd
# and jcpd (UI_COMMIT ... with the comment, the host-name as the sender).
# `file messages any notice` writes them to STATE/log/messages. Deleting
# `system syslog` stops the appliance's rsyslogd. host-name, name-server and
# ntp server land in STATE/etc (never the machine's /etc: its hostname and
# resolv.conf stay as they were).
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
NFX="$ROOT/nfx"
CLI="${NFX_CLI:-${NFX_BUILD_DIR:-$ROOT/build}/cli/cli}"
[[ "$(id -u)" -eq 0 ]] || { echo "needs root (./nfx up)"; exit 77; }
[[ -x /usr/sbin/rsyslogd ]] || { echo "no rsyslogd"; exit 77; }
state="$(mktemp -d /tmp/nfx-it-syslog.XXXXXX)"
recv="$(mktemp -d /tmp/nfx-it-syslog-recv.XXXXXX)"
host_before="$(hostname)"
resolv_before="$(sha256sum /etc/resolv.conf 2>/dev/null || true)"
rpid=""
cleanup() {
	local rc=$?
	if [[ $rc -ne 0 ]]; then
		for f in "$state"/*.log "$state"/syslog/*.log "$recv"/*.log; do
			[[ -f "$f" ]] && { echo "--- $f"; tail -n 20 "$f"; }
		done >&2
	fi
	if [[ -n "$rpid" ]] && kill -0 "$rpid" 2>/dev/null; then
		kill -TERM "$rpid" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$rpid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$rpid" 2>/dev/null || true
	fi
	"$NFX" down --state-dir "$state" >/dev/null 2>&1 || true
	rm -rf "$state" "$recv"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*" >&2; exit 1; }
cli() { timeout 60 "$CLI" --socket "$state/jdm.sock" "$@"; }
jcli() { timeout 60 "$CLI" --socket "$state/jcp.sock" "$@"; }
wait_for() {
	local t="$1"; shift
	for _ in $(seq $((t * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
	return 1
}
received() { grep -q -- "$1" "$recv/received.log"; }

"$NFX" up --state-dir "$state" >/dev/null
lan="$(cat "$state/netns-mgmt")"

echo "--- the syslog receiver: rsyslogd in the management LAN ($lan), 192.0.2.1 udp/514"
cat >"$recv/rsyslog.conf" <<EOF
global(workDirectory="$recv")
module(load="imudp")
input(type="imudp" address="192.0.2.1" port="514")
template(name="withhost" type="string" string="%HOSTNAME% %syslogtag%%msg%\n")
*.* action(type="omfile" file="$recv/received.log" template="withhost")
EOF
: >"$recv/received.log"
ip netns exec "$lan" /usr/sbin/rsyslogd -n -f "$recv/rsyslog.conf" -i "$recv/rsyslogd.pid" \
	</dev/null >"$recv/receiver.log" 2>&1 &
rpid=$!
wait_for 30 ip netns exec "$lan" ss -Hlun 'sport = :514' || fail "the receiver does not listen"
ip netns exec "$lan" ss -Hlun 'sport = :514' | grep -q 192.0.2.1 || fail "receiver not on 192.0.2.1"

echo "--- system syslog host 192.0.2.1 any any; file messages any notice"
out="$(cli <<IN
configure
set system host-name nfxsys
set system name-server 192.0.2.53
set system ntp server 192.0.2.123
set interfaces jmgmt0 unit 0 family inet address 192.0.2.10/24
set system syslog host 192.0.2.1 any any
set system syslog file messages any notice
commit comment "syslog on"
IN
)" || { echo "$out"; fail "commit"; }
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "no commit complete"; }
wait_for 30 test -S "$state/syslog/log" || fail "the appliance's rsyslogd has no socket"
grep -q 'target="192.0.2.1"' "$state/syslog/rsyslog.conf" || fail "no forwarding rule"
grep -q '^\*\.\* action(type="omfwd"' "$state/syslog/rsyslog.conf" || fail "any any is not *.*"

out="$(cli <<IN
configure
set system syslog file messages interactive-commands info
commit comment "second commit"
IN
)" || { echo "$out"; fail "second commit"; }
wait_for 30 received "UI_COMMIT: User 'root' requested 'commit' operation (comment: second commit)" ||
	fail "the receiver did not get jdmd's commit message"
grep "comment: second commit" "$recv/received.log" | head -n1 | grep -q '^nfxsys jdmd\[' ||
	{ cat "$recv/received.log"; fail "the message does not come from nfxsys jdmd"; }
grep -q "comment: second commit" "$state/log/messages" || fail "no commit message in STATE/log/messages"

echo "--- jcpd's commits reach the receiver too"
out="$(jcli <<IN
configure
set interfaces ge-0/0/3 description nfx-syslog-test
commit comment "jcp commit"
IN
)" || true
if grep -q 'commit complete' <<<"$out"; then
	wait_for 30 received "jcpd\[.*comment: jcp commit" || fail "no jcpd commit message"
else
	echo "(jcp: $(tail -n 2 <<<"$out" | tr '\n' ' '))"
	out="$(printf 'configure\nset system root-authentication ssh-ed25519 "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHnfx nfx@test"\ncommit comment "jcp commit"\n' | jcli)" || true
	grep -q 'commit complete' <<<"$out" || { echo "$out"; fail "jcp commit"; }
	wait_for 30 received "jcpd\[.*comment: jcp commit" || fail "no jcpd commit message"
fi

echo "--- host-name, name-server, ntp in STATE/etc; the machine's own are untouched"
grep -qx nfxsys "$state/etc/hostname" || fail "STATE/etc/hostname"
grep -qx 'nameserver 192.0.2.53' "$state/etc/resolv.conf" || fail "STATE/etc/resolv.conf"
grep -qx 'NTP=192.0.2.123' "$state/etc/systemd/timesyncd.conf.d/nfx.conf" || fail "ntp"
[[ "$(hostname)" == "$host_before" ]] || fail "the machine's hostname changed"
[[ "$(sha256sum /etc/resolv.conf 2>/dev/null || true)" == "$resolv_before" ]] || fail "/etc/resolv.conf changed"

echo "--- a bad file name is refused with its [edit] path"
out="$(printf 'configure\nset system syslog file a..b any any\nset system syslog file .hidden any any\ncommit\n' | cli 2>&1)" || true
grep -q "\[edit system syslog file .hidden\]" <<<"$out" || { echo "$out"; fail "no [edit] path for a bad file"; }

echo "--- delete system syslog: the appliance's rsyslogd stops"
rs="$(cat "$state/syslog/rsyslogd.pid")"
[[ -n "$rs" ]] && kill -0 "$rs" || fail "no rsyslogd pid"
out="$(printf 'configure\nrollback 0\ndelete system syslog\ncommit\n' | cli 2>&1)" || true
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "commit without syslog"; }
wait_for 30 bash -c "! kill -0 $rs 2>/dev/null" || fail "rsyslogd $rs still runs"
[[ ! -e "$state/syslog/log" ]] || fail "the socket is left"
echo PASS
