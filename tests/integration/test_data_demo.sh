#!/usr/bin/env bash
# ./nfx demo deploys the thesis' data side: before its CLI opens it prints
# how to get a shell on a LAN host plugged into a front-panel port (an
# `ip netns exec NS bash` line) and the addresses the VNFs answer it from;
# from that namespace every one of them answers ping once booted (vsrx
# directly, vrtr1, vrtr2 and the local server routed by vsrx). The CLI is
# the demo's stdin (a FIFO here): `show virtual-network-functions` lists the
# four, and closing it ends the demo, which removes its namespaces and state
# directory. The demo is ended by its PID (TERM: its trap cleans up) if the
# test fails first.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
[[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root"; exit 77; }
compgen -G "$ROOT/jdm/jdm_vswitch*.c" >/dev/null && compgen -G "$ROOT/jcp/jcp_pfe*.c" >/dev/null ||
	{ echo "SKIP: this tree has no host-os switch or PFE bridge yet"; exit 77; }

tmp="$(mktemp -d /tmp/nfx-it-demo.XXXXXX)"
out="$tmp/demo.out"
demo_pid=""
cleanup() {
	local rc=$?
	exec 7>&- 2>/dev/null || true
	if [[ -n "$demo_pid" ]] && kill -0 "$demo_pid" 2>/dev/null; then
		kill -TERM "$demo_pid" 2>/dev/null || true
		for _ in $(seq 150); do kill -0 "$demo_pid" 2>/dev/null || break; sleep 0.2; done
		kill -KILL "$demo_pid" 2>/dev/null || true
	fi
	[[ $rc -eq 0 || ! -f "$out" ]] || { echo "---- demo output" >&2; tail -n 30 "$out" >&2; }
	rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

mkfifo "$tmp/stdin"
"$ROOT/nfx" demo <"$tmp/stdin" >"$out" 2>&1 &
demo_pid=$!
exec 7>"$tmp/stdin" # the CLI's input stays open until we close it

echo "--- the demo prints the LAN host's shell before the CLI opens"
for _ in $(seq 300); do
	grep -q '^{master:0}' "$out" 2>/dev/null && break
	kill -0 "$demo_pid" 2>/dev/null || fail "the demo exited"
	sleep 0.5
done
grep -q '^{master:0}' "$out" || fail "the demo's CLI did not open"
sed -n '/^nfx demo: a LAN host/,/^{master:0}/p' "$out"
dir="$(grep -o 'cli --state-dir [^ ]*' "$out" | head -n1 | awk '{print $3}')"
lan="$(grep -o 'ip netns exec [^ ]* bash' "$out" | head -n1 | awk '{print $4}')"
[[ -n "$dir" && -d "$dir" ]] || fail "no state directory in the demo's output"
[[ -n "$lan" ]] && ip netns list | awk '{print $1}' | grep -qxF "$lan" || fail "no LAN host namespace '$lan'"
mapfile -t answers < <(sed -n 's/^ *ping \([0-9.]*\) *# \(.*\)$/\2 \1/p' "$out")
[[ ${#answers[@]} -eq 4 ]] || fail "expected 4 VNF addresses, got ${#answers[@]}"

echo "--- every VNF answers the LAN host (TCG boots: up to 180 s)"
end=$(($(date +%s) + 180))
for a in "${answers[@]}"; do
	v="${a% *}" ip="${a#* }" ok=""
	while (($(date +%s) < end)); do
		if ip netns exec "$lan" ping -c 1 -W 1 "$ip" >/dev/null 2>&1; then ok=1; break; fi
		sleep 0.5
	done
	[[ -n "$ok" ]] || fail "$v ($ip) does not answer the LAN host"
	echo "$v $ip answers"
done

echo "--- the CLI is the demo's; closing it ends the demo and removes everything"
echo "show virtual-network-functions" >&7
for _ in $(seq 60); do
	[[ "$(grep -c ' running ' "$out")" -ge 4 ]] && break
	sleep 0.5
done
[[ "$(grep -c ' running ' "$out")" -ge 4 ]] || fail "show virtual-network-functions does not list 4 running VNFs"
exec 7>&-
for _ in $(seq 150); do kill -0 "$demo_pid" 2>/dev/null || break; sleep 0.2; done
kill -0 "$demo_pid" 2>/dev/null && fail "the demo did not end when its CLI did"
demo_pid=""
[[ ! -e "$dir" ]] || fail "the demo left $dir"
ip netns list | awk '{print $1}' | grep -qxF "$lan" && fail "the demo left the namespace $lan"
echo "PASS: the demo's LAN host reaches all four VNFs; the demo cleans up"
