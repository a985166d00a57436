#!/usr/bin/env bash
# `request system reboot|halt` restart or stop the appliance's own daemons,
# never the host: ./nfx up, commit a configuration on JDM and JCP,
# `request system reboot` answered yes on JDM -> both daemons come back (new
# pids, under the same supervisor) with the committed configuration and
# their sockets answer again; `request system halt` answered yes on JCP ->
# both daemons stop; ./nfx down still cleans up. The prompts and messages
# follow Juniper's CLI reference (request system reboot, sample output).
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
NFX="$ROOT/nfx"
CLI="${NFX_CLI:-${NFX_BUILD_DIR:-$ROOT/build}/cli/cli}"
[[ "$(id -u)" -eq 0 ]] || { echo "needs root (./nfx up)"; exit 77; }
export NFX_HYPERVISOR="${NFX_HYPERVISOR:-none}"
state="$(mktemp -d /tmp/nfx-it-reboot.XXXXXX)"
boot_before="$(awk '/^btime/ {print $2}' /proc/stat)"
cleanup() {
	"$NFX" down --state-dir "$state" >/dev/null 2>&1 || true
	rm -rf "$state"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
	echo "FAIL: $*" >&2
	for f in "$state"/*.log; do [[ -f "$f" ]] && { echo "--- $f"; tail -n 20 "$f"; }; done >&2
	exit 1
}
step() { echo "--- $*"; }
pid_of() { tr -dc '0-9' <"$state/$1.pid" 2>/dev/null || true; }
alive() { [[ -n "$1" && -d "/proc/$1" ]] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
# wait_for SECONDS CMD...: until CMD succeeds (checked every 0.1 s)
wait_for() {
	local secs="$1" i; shift
	for ((i = 0; i < secs * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
answers() { "$CLI" --socket "$state/$1.sock" -c "show configuration" >/dev/null 2>&1; }
both_answer() { [[ "$(pid_of jdm)" != "$1" && "$(pid_of jcp)" != "$2" ]] && answers jdm && answers jcp; }
gone() { ! alive "$1" && ! alive "$2"; }

step "up"
"$NFX" up --state-dir "$state"
sup="$(cat "$state/.supervisor.pid")"
jdm1="$(pid_of jdm)"
jcp1="$(pid_of jcp)"
[[ -n "$jdm1" && -n "$jcp1" ]] || fail "no pid files after up"

step "commit on JDM and JCP"
out="$("$CLI" --socket "$state/jdm.sock" <<'IN'
configure
set system host-name jdm-reboot
set host-os vlans v100 vlan-id 100
commit
IN
)" || fail "JDM commit failed: $out"
grep -qx 'commit complete' <<<"$out" || fail "no JDM commit complete: $out"
out="$("$CLI" --socket "$state/jcp.sock" <<'IN'
configure
set vlans v200 vlan-id 200
commit
IN
)" || fail "JCP commit failed: $out"
grep -qx 'commit complete' <<<"$out" || fail "no JCP commit complete: $out"

step "request system reboot answered no: nothing happens"
out="$(printf 'request system reboot\nno\n' | "$CLI" --socket "$state/jdm.sock" 2>&1)" || fail "reboot/no: $out"
grep -qF 'Reboot the system ? [yes,no] (no) ' <<<"$out" || fail "no Junos reboot prompt: $out"
! grep -q 'Shutdown NOW' <<<"$out" || fail "answered no, shut down anyway: $out"
[[ "$(pid_of jdm)" == "$jdm1" ]] && alive "$jdm1" || fail "jdmd changed after answering no"

step "request system reboot answered yes: the daemons restart"
out="$(printf 'request system reboot\nyes\n' | "$CLI" --socket "$state/jdm.sock" 2>&1)" || true
echo "$out"
grep -qx 'Shutdown NOW!' <<<"$out" || fail "no 'Shutdown NOW!': $out"
grep -qx '\*\*\* FINAL System shutdown message from root@jdm-reboot \*\*\*' <<<"$out" ||
	fail "no FINAL shutdown message: $out"
grep -qx 'System going down IMMEDIATELY' <<<"$out" || fail "no 'System going down IMMEDIATELY': $out"
wait_for 30 gone "$jdm1" "$jcp1" || fail "the old daemons did not exit"
wait_for 30 both_answer "$jdm1" "$jcp1" || fail "the daemons did not come back"
alive "$sup" || fail "the supervisor is gone after reboot"
set_jdm="$("$CLI" --socket "$state/jdm.sock" -c "show configuration | display set")"
grep -qxF 'set host-os vlans v100 vlan-id 100' <<<"$set_jdm" || fail "JDM lost its commit: $set_jdm"
grep -qxF 'set system host-name jdm-reboot' <<<"$set_jdm" || fail "JDM lost its host-name: $set_jdm"
set_jcp="$("$CLI" --socket "$state/jcp.sock" -c "show configuration | display set")"
grep -qxF 'set vlans v200 vlan-id 200' <<<"$set_jcp" || fail "JCP lost its commit: $set_jcp"

step "request system halt on JCP answered yes: everything stops"
jdm2="$(pid_of jdm)"
jcp2="$(pid_of jcp)"
out="$(printf 'request system halt\nyes\n' | "$CLI" --socket "$state/jcp.sock" 2>&1)" || true
echo "$out"
grep -qF 'Halt the system ? [yes,no] (no) ' <<<"$out" || fail "no Junos halt prompt: $out"
grep -qx 'System going down IMMEDIATELY' <<<"$out" || fail "no shutdown message: $out"
wait_for 30 gone "$jdm2" "$jcp2" || fail "the daemons did not stop after halt"
wait_for 30 gone "$sup" "$sup" || fail "the supervisor did not end after halt"
[[ ! -S "$state/jdm.sock" && ! -S "$state/jcp.sock" ]] || fail "sockets left after halt"

step "the host was not touched"
[[ "$(awk '/^btime/ {print $2}' /proc/stat)" == "$boot_before" ]] || fail "the host's boot time changed"

step "down still cleans up"
ns="$(cat "$state/netns")"
"$NFX" down --state-dir "$state"
if ip netns list | awk '{print $1}' | grep -qxF "$ns"; then fail "netns $ns still there after down"; fi
echo OK
