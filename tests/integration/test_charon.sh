#!/usr/bin/env bash
# jdm_charon and nfx_vici against the real charon. Inside a network
# namespace made here, tests/tools/charon-probe (a driver of the two
# modules, one command a line on stdin) starts two charons: "a" with a
# network namespace of its own, "b" in the test's namespace. Checked: each
# charon.pid is alive and PID 1 of its own PID namespace; a's namespace has
# only lo (+ ipsec0 with userspace ESP); VICI version answers; the ESP mode
# is reported; charon killed by its PID is seen dead and starts again in the
# same held namespace (a bridge made there with jdm_charon_in_netns is still
# there). Then a and b, joined by a veth, bring up an IKEv2 PSK tunnel
# through nfx_vici (load-conn, load-shared, initiate streamed, list-sas
# streamed shows the CHILD_SA INSTALLED) and a ping crosses it. Freeing the
# handles leaves no process behind.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
BUILD="${NFX_BUILD:-$ROOT/build}"
PROBE_BIN="$BUILD/tests/charon-probe"
[[ "$(id -u)" -eq 0 ]] || { echo "needs root"; exit 77; }
[[ -x /usr/lib/ipsec/charon ]] || { echo "no /usr/lib/ipsec/charon (strongswan-charon)"; exit 77; }
[[ -x "$PROBE_BIN" ]] || { echo "no $PROBE_BIN (build first)"; exit 77; }
command -v nsenter >/dev/null || { echo "no nsenter"; exit 77; }

ns="nfx-it-charon-$$"
state="$(mktemp -d /tmp/nfx-it-charon.XXXXXX)"
chmod 0700 "$state"
probe=""
pids=() # every charon PID seen, to be sure none is left

cleanup() {
	local rc=$?
	set +e
	set +u # bash unsets the coproc's variables when it ends
	if [[ -n "$probe" ]]; then
		# EOF on its stdin: the probe frees its handles (stops its charons) and exits
		[[ -z "${PROBE[1]:-}" ]] || exec {PROBE[1]}>&-
		for _ in $(seq 100); do kill -0 "$probe" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$probe" 2>/dev/null
	fi
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
	for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
	ip netns del "$ns" 2>/dev/null
	if [[ $rc -ne 0 ]]; then
		for n in a b; do
			[[ -f "$state/$n/charon.log" ]] && { echo "--- charon $n"; tail -25 "$state/$n/charon.log"; } >&2
		done
	fi
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

ip netns add "$ns"
ip -n "$ns" link set lo up
coproc PROBE { exec ip netns exec "$ns" "$PROBE_BIN" 2>>"$state/probe.err"; }
probe="$PROBE_PID"

R=""
ask() { # one command to the probe; its answer in R
	echo "$*" >&"${PROBE[1]}"
	IFS= read -r -t 120 R <&"${PROBE[0]}" || fail "probe: no answer to '$1 $2'"
}
ok() { ask "$@"; [[ "$R" == ok* ]] || fail "$1 $2: $R"; }
jget() { # JSON on stdin, a python expression on j
	python3 -c 'import json,sys; j=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}
nsinode() { stat -L -c %i "$1"; }
in_a() { nsenter --net="/proc/$(cat "$state/a/charon.pid")/ns/net" "$@"; }

# --- two charons: a (own network namespace), b (the test's)
ok new a "$state" own
ok start a 60000
echo "start a: $R"
esp="$(sed -n 's/.* esp=\([a-z]*\).*/\1/p' <<<"$R")"
[[ "$esp" == kernel || "$esp" == libipsec ]] || fail "no ESP mode in '$R'"
pa="$(tr -dc 0-9 <"$state/a/charon.pid")"
pids+=("$pa")
[[ "$R" == *"pid=$pa "* ]] || fail "charon.pid $pa is not the started pid ($R)"
kill -0 "$pa" || fail "charon a ($pa) not alive"
nspid="$(awk '/^NSpid:/ {print $NF}' "/proc/$pa/status")"
[[ "$nspid" == 1 ]] || fail "charon a is PID $nspid in its PID namespace, not 1"
[[ "$(readlink "/proc/$pa/exe")" == /usr/lib/ipsec/charon ]] || fail "pid $pa is not charon"
[[ "$(stat -c %a "$state/a")" == 700 ]] || fail "STATE/a not 0700"
for f in strongswan.conf charon.log charon.pid vici; do
	m="$(stat -c %a "$state/a/$f")"
	[[ "$m" == 600 ]] || fail "$f is $m, not 0600"
done
want="lo"; [[ "$esp" == libipsec ]] && want="lo ipsec0"
ask links a
[[ "$R" == "$want" ]] || fail "a's namespace has '$R', not '$want'"
got="$(in_a ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort | tr '\n' ' ')"
[[ "$got" == "$(tr ' ' '\n' <<<"$want" | sort | tr '\n' ' ')" ]] || fail "nsenter sees '$got' in a's namespace"
ask call a version
[[ "$(jget 'j["daemon"]' <<<"$R")" == charon ]] || fail "version: $R"
ask netns a
ino_a="$R"
[[ "$ino_a" == "$(nsinode "/proc/$pa/ns/net")" ]] || fail "held namespace $ino_a is not charon's"
[[ "$ino_a" != "$(nsinode "/run/netns/$ns")" ]] || fail "a runs in the test's namespace"

ok new b "$state" shared
ok start b 60000
pb="$(tr -dc 0-9 <"$state/b/charon.pid")"
pids+=("$pb")
[[ "$(awk '/^NSpid:/ {print $NF}' "/proc/$pb/status")" == 1 ]] || fail "charon b not PID 1 in its PID namespace"
[[ "$(nsinode "/proc/$pb/ns/net")" == "$(nsinode "/run/netns/$ns")" ]] || fail "b is not in the test's namespace"
[[ "$(nsinode "/proc/$pb/ns/mnt")" != "$(nsinode "/proc/$pa/ns/mnt")" ]] || fail "a and b share a mount namespace"
ask netns b
[[ "$R" == -1 ]] || fail "b (no own_netns) has a namespace fd: $R"
ask call b version
[[ "$(jget 'j["daemon"]' <<<"$R")" == charon ]] || fail "version b: $R"

# --- restart in the held namespace
ok bridge a br-keep
kill -KILL "$pa"
for _ in $(seq 100); do ask alive a; [[ "$R" == no ]] && break; sleep 0.1; done
[[ "$R" == no ]] || fail "killed charon a still alive"
ask deaths a
[[ "$R" == 1 ]] || fail "deaths a = $R"
[[ ! -e "/proc/$pa" ]] || fail "killed charon $pa not reaped"
ok start a 60000
pa2="$(tr -dc 0-9 <"$state/a/charon.pid")"
pids+=("$pa2")
[[ "$pa2" != "$pa" ]] || fail "same pid after restart"
[[ "$(nsinode "/proc/$pa2/ns/net")" == "$ino_a" ]] || fail "restarted charon a is not in the held namespace"
ask links a
[[ " $R " == *" br-keep "* ]] || fail "br-keep gone after the restart: $R"
echo "restart: pid $pa -> $pa2, namespace $ino_a kept"

# --- a tunnel: a (198.51.100.2, LAN 192.0.2.1) to b (198.51.100.1, LAN 203.0.113.1)
ip -n "$ns" link add wb type veth peer name wa
ip -n "$ns" link set wa netns "$pa2"
in_a ip addr add 198.51.100.2/24 dev wa
in_a ip link set wa up
in_a ip addr add 192.0.2.1/32 dev lo
ip -n "$ns" addr add 198.51.100.1/24 dev wb
ip -n "$ns" link set wb up
ip -n "$ns" addr add 203.0.113.1/32 dev lo
wait_for 30 in_a ping -c1 -W1 198.51.100.1 || fail "no ping over the veth"

conn() { # NAME LOCAL REMOTE LID RID LTS RTS
	cat <<EOF
{"$1":{"version":"2","local_addrs":["$2"],"remote_addrs":["$3"],"encap":"yes",
"proposals":["aes256-sha256-modp2048"],"local":{"auth":"psk","id":"$4"},
"remote":{"auth":"psk","id":"$5"},"children":{"net":{"local_ts":["$6"],"remote_ts":["$7"],
"esp_proposals":["aes256-sha256"]}}}}
EOF
}
psk='{"id":"k1","type":"IKE","data":"nfx-test-only-psk","owners":["branch","hq"]}'
ask call a load-conn "$(conn hq 198.51.100.2 198.51.100.1 branch hq 192.0.2.1/32 203.0.113.1/32 | tr -d '\n')"
[[ "$(jget 'j["success"]' <<<"$R")" == yes ]] || fail "load-conn a: $R"
ask call b load-conn "$(conn br 198.51.100.1 198.51.100.2 hq branch 203.0.113.1/32 192.0.2.1/32 | tr -d '\n')"
[[ "$(jget 'j["success"]' <<<"$R")" == yes ]] || fail "load-conn b: $R"
for n in a b; do
	ask call "$n" load-shared "$psk"
	[[ "$(jget 'j["success"]' <<<"$R")" == yes ]] || fail "load-shared $n: $R"
done
ask call a get-shared
[[ "$R" != *nfx-test-only-psk* ]] || fail "get-shared shows the key"
ask call a list-conns-bad
[[ "$R" == err*"does not know the command"* ]] || fail "unknown command: $R"

ask stream a initiate control-log '{"child":"net","ike":"hq","timeout":"20000"}'
[[ "$(jget 'j["reply"]["success"]' <<<"$R")" == yes ]] || fail "initiate: $R"
[[ "$(jget 'len(j["events"])' <<<"$R")" -gt 0 ]] || fail "initiate streamed no control-log: $R"
child_state() { # charon: the state of CHILD_SA net
	ask stream "$1" list-sas list-sa '{}'
	jget '[c["state"] for e in j["events"] for ike in e.values() for c in ike.get("child-sas",{}).values()]' <<<"$R"
}
st="$(child_state a)"
[[ "$st" == *INSTALLED* ]] || fail "a: CHILD_SA not installed: $st ($R)"
st="$(child_state b)"
[[ "$st" == *INSTALLED* ]] || fail "b: CHILD_SA not installed: $st ($R)"
echo "tunnel: CHILD_SA INSTALLED on both ends"
wait_for 30 in_a ping -c1 -W1 -I 192.0.2.1 203.0.113.1 || fail "no ping through the tunnel"
echo "tunnel: ping 192.0.2.1 -> 203.0.113.1"

# --- events on a kept connection: terminating the IKE SA reports ike-updown
ok watch a ike-updown
ask call a terminate '{"ike":"hq","timeout":"10000"}'
[[ "$(jget 'j["success"]' <<<"$R")" == yes ]] || fail "terminate: $R"
ask event a 10000
[[ "$R" == *'"name":"ike-updown"'* ]] || fail "no ike-updown event: $R"

# --- free: nothing left
ok free a
ok free b
for p in "$pa2" "$pb"; do [[ ! -e "/proc/$p" ]] || fail "charon $p left after free"; done
left="$(ip netns pids "$ns" | grep -vx "$probe" || true)"
[[ -z "$left" ]] || fail "processes left in $ns: $left"
[[ ! -e "$state/a/charon.pid" ]] || fail "charon.pid left after free"
echo "PASS"
