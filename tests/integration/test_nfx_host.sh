#!/usr/bin/env bash
# ./nfx up makes the box's hardware from STATE/platform.conf (and never
# overwrites an edited one); ./nfx host plugs a LAN host into a front-panel
# port (eth0 up, no address; idempotent; the port's link comes up); bad
# ports are refused with a clear message; ./nfx down removes the hosts and
# the hardware.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
NFX="$ROOT/nfx"
[[ "$(id -u)" -eq 0 ]] || { echo "SKIP: needs root"; exit 77; }
state="$(mktemp -d /tmp/nfx-it-host.XXXXXX)"
cleanup() {
	"$NFX" down --state-dir "$state" >/dev/null 2>&1 || true
	rm -rf "$state"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "--- $*"; }
in_ns() { ip netns list | awk '{print $1}' | grep -qxF "$1"; }

step "up: platform.conf and the hardware"
"$NFX" up --state-dir "$state"
ns="$(cat "$state/netns-appliance")"
[[ -f "$state/platform.conf" ]] || fail "no platform.conf after up"
grep -qx 'ge-0/0/2 ge-0-0-2' "$state/platform.conf" || fail "platform.conf lacks ge-0/0/2"
"$ROOT/build/jcp/jcpd" --platform-default | cmp -s - "$state/platform.conf" || fail "platform.conf is not the default"
for i in ge-0-0-0 ge-0-0-11 xe-0-0-12 xe-0-0-13 sxe0 sxe1 hsxe0 hsxe1; do
	ip -n "$ns" link show "$i" >/dev/null 2>&1 || fail "$i missing in $ns"
done
ip -n "$ns" -d link show ge-0-0-2 | grep -q 'alias ge-0/0/2' || fail "ge-0-0-2 has no alias ge-0/0/2"
ip -n "$ns" -d link show sxe1 | grep -q 'alias sxe-0/0/1' || fail "sxe1 has no alias sxe-0/0/1"
ip -n "$ns" link show sxe0 | grep -q 'LOWER_UP' || fail "sxe0 has no link"
ip -n "$ns" link show hsxe1 | grep -q 'LOWER_UP' || fail "hsxe1 has no link"
ip -n "$ns" link show ge-0-0-2 | grep -q 'NO-CARRIER' || fail "uncabled ge-0-0-2 has a link"
jcp_terse() { timeout 60 "$NFX" cli --state-dir "$state" --target jcp -c 'show interfaces terse'; }
jcp_terse | grep -Eq '^ge-0/0/2 +up +down$' || fail "uncabled ge-0/0/2 not up/down on the JCP"

step "host: a LAN host on ge-0/0/2"
h="$("$NFX" host --state-dir "$state" ge-0/0/2)" || fail "./nfx host failed"
echo "$h"
in_ns "$h" || fail "no namespace $h"
[[ "$("$NFX" host --state-dir "$state" ge-0/0/2)" == "$h" ]] || fail "second ./nfx host printed another name"
ip -n "$h" -br link show eth0 | grep -q 'UP' || fail "eth0 not up in $h"
[[ -z "$(ip -n "$h" -br addr show eth0 | awk '{print $3}')" ]] || fail "eth0 has an address"
grep -qxF "$h" "$state/netns-hosts" || fail "$h not recorded"
ip -n "$ns" link show ge-0-0-2 | grep -q 'LOWER_UP' || fail "ge-0-0-2 has no link with a host plugged in"
jcp_terse | grep -Eq '^ge-0/0/2 +up +up$' || fail "ge-0/0/2 not up/up on the JCP"
h11="$("$NFX" host --state-dir "$state" xe-0/0/13)" || fail "./nfx host xe-0/0/13 failed"
[[ "$h11" != "$h" ]] || fail "two ports, one host"

step "bad ports are refused"
for bad in ge-0/0/99 sxe-0/0/0 hsxe1 ''; do
	if err="$("$NFX" host --state-dir "$state" $bad 2>&1)"; then fail "./nfx host '$bad' succeeded"; fi
	echo "$err"
	[[ -n "$err" ]] || fail "no message for '$bad'"
done

step "down removes hosts and hardware"
"$NFX" down --state-dir "$state"
in_ns "$h" && fail "$h still there"
in_ns "$h11" && fail "$h11 still there"
in_ns "$ns" && fail "$ns still there"

step "an edited platform.conf is kept by the next up"
sed -i 's/^ge-0\/0\/11 ge-0-0-11$/ge-0\/0\/11 lan11/' "$state/platform.conf"
"$NFX" up --state-dir "$state"
grep -qx 'ge-0/0/11 lan11' "$state/platform.conf" || fail "up overwrote the edited platform.conf"
ns="$(cat "$state/netns-appliance")"
ip -n "$ns" -d link show lan11 | grep -q 'alias ge-0/0/11' || fail "no lan11 for ge-0/0/11"

step "a malformed platform.conf: up fails with FILE:LINE"
"$NFX" down --state-dir "$state"
echo 'ge-0/0/1' >>"$state/platform.conf"
if out="$("$NFX" up --state-dir "$state" 2>&1)"; then fail "up accepted a malformed platform.conf"; fi
echo "$out"
grep -q "platform.conf:$(wc -l <"$state/platform.conf"): 'ge-0/0/1' has no interface" <<<"$out" ||
	fail "no FILE:LINE message"
echo "OK"
