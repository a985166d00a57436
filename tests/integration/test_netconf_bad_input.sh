#!/usr/bin/env bash
# Bad input to nfx-netconf, the NETCONF subsystem program, run as sshd runs it, on
# the daemon socket of fresh daemons: malformed XML, unknown elements and
# RPCs, out-of-range values, entity expansion, a 64 MiB message (either
# framing), broken chunked framing, no hello, and a client that disconnects
# mid-commit. Each is an <rpc-error> or a closed session; afterwards the
# daemon is up and the configuration untouched or wholly committed. The
# same program on jcp.sock edits and commits the JCP's configuration.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
NFX="$ROOT/nfx"
PY=/usr/bin/python3
export NFX_HYPERVISOR="${NFX_HYPERVISOR:-none}"
state="$(mktemp -d /tmp/nfx-it-ncbad.XXXXXX)"
cleanup() {
	local rc=$?
	"$NFX" down --state-dir "$state" >/dev/null 2>&1 || true
	rm -rf "$state"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*" >&2; exit 1; }
cli() { timeout 60 "$NFX" cli --state-dir "$state" "$@"; }

prog="$(dirname "$("$NFX" cli-path)")/nfx-netconf"
[[ -x "$prog" ]] || prog="$ROOT/build/netconf/nfx-netconf"
"$NFX" up --state-dir "$state" >/dev/null
cli >/dev/null <<<"configure
set host-os vlans v100 vlan-id 100
commit" || fail "baseline commit"
before="$(cli -c "show configuration | display set")"

timeout 280 "$PY" "$ROOT/tests/integration/netconf_bad.py" "$prog" "$state/jdm.sock" || fail "bad input"

timeout 120 "$PY" "$ROOT/tests/integration/netconf_bad.py" "$prog" "$state/jcp.sock" jcp || fail "jcp"
grep -q v1200 <<<"$(cli --target jcp -c "show configuration vlans")" || fail "the JCP CLI does not see v1200"

cli -c "show version" >/dev/null || fail "jdmd is not answering"
# the commit the client left behind ends; then the configuration is the
# baseline, or the baseline and both VLANs of that commit
for _ in $(seq 300); do
	grep -q 'locked\|commit in progress' <<<"$(cli -c "show system commit" 2>&1)" || break
	sleep 0.1
done
after="$(cli -c "show configuration | display set")"
if [[ "$after" != "$before" ]]; then
	grep -q 'set host-os vlans v500 vlan-id 500' <<<"$after" &&
		grep -q 'set host-os vlans v501 vlan-id 501' <<<"$after" ||
		fail "the configuration changed partly:
$after"
	echo "the mid-commit disconnect committed both VLANs"
else
	echo "the mid-commit disconnect committed nothing"
fi
grep -q 'vbad\|bogus' <<<"$after" && fail "bad input reached the configuration"
pgrep -f "nfx-netconf --socket $state/jdm.sock" >/dev/null && fail "a netconf program is left running"
echo "netconf bad input test passed"
