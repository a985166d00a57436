#!/usr/bin/env bash
# Bad input against the real daemon: every line of the malformed set-line
# corpus (plus 4095-byte words and raw control bytes) is refused with an
# error, both typed one by one and pasted with `load set terminal`; garbage
# and oversized frames on the socket only drop that client. jdmd stays up
# and its configuration is untouched.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
BUILD="${NFX_BUILD:-$ROOT/build}"
CLI="$BUILD/cli/cli"
CORPUS="$ROOT/tests/corpus/bad-set-lines.txt"
state="$(mktemp -d /tmp/nfx-it-badinput.XXXXXX)"
pid=""
cleanup() {
	local rc=$?
	if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; fi
	rm -rf "$state"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*" >&2; tail -5 "$state/jdmd.log" >&2 || true; exit 1; }

NFX_HYPERVISOR=none "$BUILD/jdm/jdmd" --state-dir "$state" >"$state/jdmd.log" 2>&1 &
pid=$!
for _ in $(seq 200); do [[ -S "$state/jdm.sock" ]] && break; sleep 0.02; done
[[ -S "$state/jdm.sock" ]] || fail "jdmd did not start"
cli() { timeout 30 "$CLI" --socket "$state/jdm.sock" "$@"; }
printf 'configure\nset system host-name keep\ncommit\n' | cli >/dev/null
before="$(cli -c "show configuration | display set")"

# the corpus and the generated lines
grep -v '^#' "$CORPUS" | grep -v '^$' >"$state/lines"
{ printf 'set system host-name %s\n' "$(head -c 4095 /dev/zero | tr '\0' x)"
  printf 'set host-os vlans %s vlan-id 10\n' "$(head -c 4095 /dev/zero | tr '\0' v)"
  for c in 01 02 03 05 06 07 08 0b 0c 0e 0f 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1e 1f 7f; do
	printf "set system host-name a\\x${c}b\n"
  done; } >>"$state/lines"
n="$(wc -l <"$state/lines")"

echo "--- $n bad lines typed one by one"
i=0
while IFS= read -r line; do
	i=$((i + 1))
	set +e
	out="$(printf 'configure\n%s\n' "$line" | cli 2>&1)"
	rc=$?
	set -e
	[[ $rc -ne 0 ]] || { echo "$out"; fail "line $i was accepted: ${line:0:80}"; }
	kill -0 "$pid" 2>/dev/null || fail "jdmd died on line $i"
done <"$state/lines"

echo "--- the same lines pasted with load set terminal"
set +e
out="$( { echo configure; echo "load set terminal"; cat "$state/lines"; printf '\004\n'; } | cli 2>&1)"
set -e
grep -q "^load complete ($n errors)\$" <<<"$out" || { echo "$out" | tail -5; fail "expected 'load complete ($n errors)'"; }

echo "--- garbage on the socket"
python3 - "$state/jdm.sock" <<'PY'
import os, socket, struct, sys
path = sys.argv[1]
def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.settimeout(5); s.connect(path); return s
for payload in [os.urandom(4096), b'L' + struct.pack('>I', 0xffffffff) + b'x',
                b'h' + struct.pack('>I', 5) + b'tty=0' + b'Z' + struct.pack('>I', 3) + b'abc',
                b'L' + struct.pack('>I', 4) + b'show', b'\x00' * 65536]:
    s = conn()
    try:
        s.sendall(payload)
        s.recv(65536)
    except OSError:
        pass
    s.close()
# many half-open clients at once
socks = [conn() for _ in range(40)]
for s in socks: s.close()
PY
kill -0 "$pid" 2>/dev/null || fail "jdmd died on socket garbage"
after="$(cli -c "show configuration | display set")"
[[ "$after" == "$before" ]] || { echo "$after"; fail "the configuration changed"; }
out="$(printf 'configure\nshow | compare\n' | cli)"
grep -q '^set \|^\[edit' <<<"$(sed -n '/show | compare/,$p' <<<"$out" | tail -n +2)" && fail "the candidate changed"
echo "bad input test passed: $n lines refused, daemon up, configuration intact"
