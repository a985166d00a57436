#!/usr/bin/env bash
# The daemon socket is open to every local user; a hostile one must not
# take the daemon down. From a small client (sock_flood.py, AF_UNIX):
#  - 1,000 idle connections of an unprivileged user (nobody) that never say
#    HELLO: all but the per-uid cap are refused at once with a message
#    frame, the rest closed by the HELLO timeout;
#  - 1,000 idle connections of root (not capped): closed by the timeout;
#  - connections announcing 64 MiB frames before HELLO: closed at once;
#  - a real (read-only) user pipelining 200,000 commands and never reading
#    the answers: no longer read once 4 MiB of answers wait;
# and all the while a real local user's `show version` is answered within
# a bounded time and jdmd's memory (VmRSS) stays bounded.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
NFX="$ROOT/nfx"
BUILD="${NFX_BUILD:-$ROOT/build}"
# the installed cli (./nfx cli-path): the users a test runs as can execute
# it wherever the checkout is (a clone under /root too); jdmd gives it to logins
CLI="$("$ROOT/nfx" cli-path)"
export NFX_CLI="$CLI"
RU=nfxsockro
ATTACKER=nobody
state="$(mktemp -d /tmp/nfx-sec-socket.XXXXXX)"
work="$(mktemp -d /tmp/nfx-sec-socket-work.XXXXXX)"
bg=()
cleanup() {
	local rc=$?
	for p in "${bg[@]}"; do kill "$p" 2>/dev/null || true; done
	"$NFX" down --state-dir "$state" >/dev/null 2>&1 || true
	if id "$RU" >/dev/null 2>&1 && grep -qx "$RU" "$state/sshd/accounts" 2>/dev/null; then
		userdel "$RU" 2>/dev/null || true
	fi
	rm -rf "$state" "$work"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*" >&2; tail -20 "$state/jdmd.log" >&2 2>/dev/null || true; exit 1; }
id "$RU" >/dev/null 2>&1 && fail "account $RU exists already; this test makes it"
id "$ATTACKER" >/dev/null 2>&1 || fail "no user $ATTACKER"

# the attacker's client and its reports live outside the (closed) state dir
cp "$ROOT/tests/security/sock_flood.py" "$work/"
chmod 755 "$work"
chmod 644 "$work/sock_flood.py"
mkdir "$work/out"
chmod 777 "$work/out"

"$NFX" up --state-dir "$state" >/dev/null
SOCK="$state/jdm.sock"
out="$(printf 'configure\nset system login user %s class read-only\ncommit\n' "$RU" |
	timeout 30 "$NFX" cli --state-dir "$state")" || { echo "$out"; fail "configure $RU"; }
id "$RU" >/dev/null || fail "jdmd did not create $RU"
pid="$(cat "$state/jdm.pid")"
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$pid/status"; }  # KiB
hwm() { awk '/^VmHWM:/ {print $2}' "/proc/$pid/status"; }
flood() { local u="$1"; shift; timeout 150 runuser -u "$u" -- /usr/bin/python3 "$work/sock_flood.py" "$SOCK" "$@"; }

# A real user's `show version`, answered within BOUND seconds.
answered() {
	local t0 t1 r
	t0=$(date +%s%N)
	r="$(timeout 20 runuser -u "$RU" -- "$CLI" --socket "$SOCK" -c "show version" 2>&1)" ||
		{ echo "$r"; fail "$1: the real user's show version failed"; }
	t1=$(date +%s%N)
	grep -q "^Junos: " <<<"$r" || { echo "$r"; fail "$1: no version in the answer"; }
	local ms=$(( (t1 - t0) / 1000000 ))
	echo "    show version answered in ${ms} ms"
	[[ $ms -lt 5000 ]] || fail "$1: show version took ${ms} ms"
}

answered "before"
rss0="$(rss)"
echo "    jdmd VmRSS before: ${rss0} KiB"
maxrss="$rss0"
sample() { local r; r="$(rss)"; [[ $r -gt $maxrss ]] && maxrss=$r; true; }

wait_file() { # FILE SECONDS
	local i
	for ((i = 0; i < $2 * 10; i++)); do [[ -e "$1" ]] && return 0; sleep 0.1; done
	return 1
}

echo "--- 1,000 idle connections of $ATTACKER (no HELLO)"
flood "$ATTACKER" idle 1000 "$work/out/idle1" "$work/out/ready1" &
bg+=($!)
fpid=$!
wait_file "$work/out/ready1" 60 || fail "the idle flood did not get going"
cat "$work/out/idle1"
sample
answered "during the idle flood of $ATTACKER"
sample
held="$(sed -n 's/.*held=\([0-9]*\).*/\1/p' "$work/out/idle1")"
refused="$(sed -n 's/.*refused=\([0-9]*\).*/\1/p' "$work/out/idle1")"
msg="$(sed -n 's/.*with_message=\([0-9]*\).*/\1/p' "$work/out/idle1")"
[[ $held -le 32 ]] || fail "$held idle connections of one user held (cap 32)"
[[ $((held + refused)) -eq 1000 ]] || fail "held $held + refused $refused != 1000"
[[ $msg -ge $((refused * 9 / 10)) ]] || fail "only $msg of $refused refusals said why"
grep -q 'message=error: too many connections' "$work/out/idle1" || fail "no clear refusal message"
wait "$fpid" || fail "the idle flood client failed"
bg=()
cat "$work/out/idle1"
grep -q "idle_closed=$held .*still_open=0" "$work/out/idle1" || fail "idle connections not closed by the HELLO timeout"
after="$(sed -n 's/.*after=\([0-9.]*\).*/\1/p' "$work/out/idle1")"
awk -v a="$after" 'BEGIN { exit !(a < 40) }' || fail "idle connections closed only after ${after} s"

echo "--- 1,000 idle connections of root (not capped; the HELLO timeout closes them)"
flood root idle 1000 "$work/out/idle2" "$work/out/ready2" &
bg+=($!)
fpid=$!
wait_file "$work/out/ready2" 60 || fail "the root idle flood did not get going"
cat "$work/out/idle2"
sample
answered "during the idle flood of root"
sample
wait "$fpid" || fail "the root idle flood client failed"
bg=()
cat "$work/out/idle2"
grep -q "still_open=0" "$work/out/idle2" || fail "root's idle connections were not closed"

echo "--- idle connections of 9 local accounts, 32 each: the total cap (256)"
# system accounts, no class: anyone with a login on the box
ACCTS=(daemon bin sys games man lp mail news uucp)
for u in "${ACCTS[@]}"; do id "$u" >/dev/null 2>&1 || fail "no account $u"; done
fps=()
for u in "${ACCTS[@]}"; do
	flood "$u" idle 32 "$work/out/tot-$u" "$work/out/ready-tot-$u" &
	bg+=($!)
	fps+=($!)
done
for u in "${ACCTS[@]}"; do
	wait_file "$work/out/ready-tot-$u" 60 || fail "the idle flood of $u did not get going"
done
total=0
for u in "${ACCTS[@]}"; do
	h="$(sed -n 's/.*held=\([0-9]*\).*/\1/p' "$work/out/tot-$u")"
	total=$((total + h))
done
echo "    held $total of $((32 * ${#ACCTS[@]}))"
[[ $total -eq 256 ]] || { cat "$work/out"/tot-*; fail "$total connections held in all, want the cap 256"; }
grep -qh 'message=error: too many connections to jdmd' "$work/out"/tot-* ||
	{ cat "$work/out"/tot-*; fail "no refusal names the total cap"; }
sample
# root is not capped: the box's owner still gets in
t0=$(date +%s%N)
r="$(timeout 20 "$CLI" --socket "$SOCK" -c "show version" 2>&1)" || { echo "$r"; fail "root refused under the total cap"; }
echo "    root's show version answered in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
for p in "${fps[@]}"; do wait "$p" || fail "an idle flood client failed"; done
bg=()
for u in "${ACCTS[@]}"; do
	grep -q "still_open=0" "$work/out/tot-$u" || fail "idle connections of $u not closed"
done
answered "after the total cap was full"

echo "--- 64 MiB frames announced before HELLO"
for u in "$ATTACKER" root; do
	flood "$u" bighdr 30 "$work/out/big-$u" &
	bg+=($!)
	fpid=$!
	sample
	answered "during the 64 MiB headers of $u"
	wait "$fpid" || fail "the big header client of $u failed"
	bg=()
	sample
	cat "$work/out/big-$u"
	grep -q "closed=30 of=30" "$work/out/big-$u" || fail "64 MiB headers of $u were not refused"
done
grep -q 'connection \(refused\|dropped\)' "$state/jdmd.log" || fail "the refusals are not in the log"

echo "--- a real user who sends commands and never reads the answers"
# a configuration of some size, so that every answer is a few KiB
{ printf 'configure\n'; for i in $(seq 1 60); do printf 'set host-os vlans v%d vlan-id %d\n' "$i" "$((100 + i))"; done
  printf 'commit\n'; } | timeout 60 "$NFX" cli --state-dir "$state" >/dev/null || fail "vlans commit"
flood "$RU" pipeline 200000 "$work/out/pipe" "$work/out/ready-pipe" &
bg+=($!)
fpid=$!
wait_file "$work/out/ready-pipe" 60 || fail "the pipelining client did not get going"
cat "$work/out/pipe"
sample
answered "while $RU does not read"
sample
echo "    jdmd VmRSS now $(rss) KiB"
wait "$fpid" || fail "the pipelining client failed"
bg=()
answered "after the pipelining client left"

echo "--- memory stayed bounded"
sample
rss1="$(rss)"
peak="$(hwm)"
echo "    jdmd VmRSS before ${rss0} KiB, highest sample ${maxrss} KiB, after ${rss1} KiB, VmHWM ${peak} KiB"
[[ $((maxrss - rss0)) -lt $((48 * 1024)) ]] || fail "VmRSS grew by $(( (maxrss - rss0) / 1024 )) MiB"
[[ $((peak - rss0)) -lt $((96 * 1024)) ]] || fail "VmHWM is $(( (peak - rss0) / 1024 )) MiB above the start"
answered "after"

printf 'configure\ndelete system login\ncommit\n' | timeout 30 "$NFX" cli --state-dir "$state" >/dev/null
echo "socket test passed"
