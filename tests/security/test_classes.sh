#!/usr/bin/env bash
# The class table, tried as real local users against a running jdmd:
# every operational command (ops-jdm.xml), every top-level configuration
# hierarchy (jdm.xml) and every configuration-mode command (cfgmode.xml) as
# read-only and as operator (and a few as unauthorized), allowed exactly
# where the documented table (cli/schema/PERMISSIONS.md) and the schema's
# `perm` say: the expectations are generated from them by perm_cases.py.
# `?` offers exactly the commands the class may run. Then the class of an
# open session changes by a commit: narrowed (told, leaves configuration
# mode), then removed (told, session ended).
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
BUILD="${NFX_BUILD:-$ROOT/build}"
# the installed cli (./nfx cli-path): the users a test runs as can execute
# it wherever the checkout is (a clone under /root too); jdmd gives it to logins
CLI="$("$ROOT/nfx" cli-path)"
export NFX_CLI="$CLI"
CASES="$ROOT/tests/security/perm_cases.py"
PY=/usr/bin/python3
RO=nfxsecro
OP=nfxsecop
SU=nfxsecsu
UN=nfxsecun
USERS=("$RO" "$OP" "$SU" "$UN")
pyd=""
state="$(mktemp -d /tmp/nfx-sec-classes.XXXXXX)"
pid=""
bg=()
made=()
cleanup() {
	local rc=$?
	exec 3>&- 4>&- 2>/dev/null || true
	for p in "${bg[@]}"; do kill "$p" 2>/dev/null || true; done
	if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; fi
	for u in "${made[@]}"; do userdel "$u" 2>/dev/null || true; done
	rm -rf "$state" "$pyd"
	exit "$rc"
}
trap cleanup EXIT
# the Python helper, where the users this test runs as can read it (the
# checkout may sit under /root, which they cannot traverse)
pyd="$(mktemp -d /tmp/nfx-sec-py.XXXXXX)"
chmod 755 "$pyd"
cp "$CASES" "$pyd/"
chmod 644 "$pyd/$(basename "$CASES")"
CASES="$pyd/$(basename "$CASES")"
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root (useradd, runuser)"; exit 0; }

for u in "${USERS[@]}"; do
	id "$u" >/dev/null 2>&1 && fail "account $u exists already"
	useradd -M -N -d / -s /bin/sh -c "nfx security test" "$u"
	made+=("$u")
done
chmod 0711 "$state"

"$BUILD/jdm/jdmd" --state-dir "$state" --hypervisor none >"$state/jdmd.log" 2>&1 &
pid=$!
for _ in $(seq 500); do [[ -S "$state/jdm.sock" ]] && break; sleep 0.02; done
[[ -S "$state/jdm.sock" ]] || { cat "$state/jdmd.log"; fail "jdmd did not start"; }
cli() { timeout 30 "$CLI" --socket "$state/jdm.sock" "$@"; }
as() { local u=$1; shift; timeout 30 runuser -u "$u" -- "$CLI" --socket "$state/jdm.sock" "$@"; }

out="$(cli <<EOF
configure
set system login user $RO class read-only
set system login user $OP class operator
set system login user $SU class super-user
set system login user $UN class unauthorized
set host-os vlans nfxsec-v vlan-id 3001
commit
EOF
)"
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "commit of the test users"; }

# what root sees, to compare with after every attempt
snapshot() { cli -c "show configuration | display set"; cli -c "show system commit" | wc -l; }
before="$(snapshot)"

n=0
# check CLASS USER KIND: every case "allow|deny<TAB>COMMAND" of perm_cases.py
check() {
	local cls=$1 u=$2 kind=$3 exp cmd r rc
	while IFS=$'\t' read -r exp cmd; do
		set +e
		r="$(as "$u" -c "$cmd" </dev/null 2>&1)"
		rc=$?
		set -e
		if [[ $exp == deny ]]; then
			[[ $rc -ne 0 ]] && grep -q 'error: permission denied' <<<"$r" ||
				{ echo "$r"; fail "$cls ran '$cmd' (the table denies it)"; }
		else
			! grep -q 'permission denied' <<<"$r" ||
				{ echo "$r"; fail "$cls was refused '$cmd' (the table allows it)"; }
		fi
		n=$((n + 1))
	done < <("$PY" "$CASES" "$ROOT" "$kind" "$cls")
}

for pair in "read-only:$RO" "operator:$OP" "unauthorized:$UN"; do
	cls=${pair%%:*} u=${pair#*:}
	echo "--- $cls: operational commands and configuration hierarchies"
	check "$cls" "$u" ops
	check "$cls" "$u" hier
	echo "--- $cls: '?' offers exactly what the class may run"
	want="$("$PY" "$CASES" "$ROOT" top "$cls")"
	got="$(runuser -u "$u" -- "$PY" "$CASES" - help "$state/jdm.sock" "" | sort)"
	[[ "$got" == "$want" ]] || { diff <(echo "$want") <(echo "$got") || true; fail "$cls: '?' offers other commands"; }
	echo "--- $cls: show cli authorization says the table's permissions"
	want="$("$PY" "$CASES" "$ROOT" perms "$cls")"
	if [[ $cls != unauthorized ]]; then
		got="$(as "$u" -c "show cli authorization" | sed -n 's/^    \([a-z-]*\) .*/\1/p' | sort)"
		[[ "$got" == "$want" ]] || { echo "got: $got"; fail "$cls: permissions differ from the table"; }
	fi
	echo "--- $cls: no configuration-mode command changes anything"
	if ! "$PY" "$CASES" "$ROOT" ops "$cls" | grep -qx $'allow\tconfigure'; then
		while IFS= read -r cmd; do
			set +e
			r="$(printf 'configure\n%s\n' "$cmd" | as "$u" 2>&1)"
			set -e
			n=$((n + 1))
		done < <("$PY" "$CASES" "$ROOT" cfgmode)
		[[ "$(snapshot)" == "$before" ]] || fail "$cls changed the configuration in configuration mode"
	fi
done
echo "$n commands tried"

echo "--- a super-user changes what it may (and root can check it)"
out="$(printf 'configure\nset host-os vlans nfxsec-s vlan-id 3002\ncommit\n' | as "$SU")"
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "super-user commit"; }
cli -c "show configuration host-os" | grep -q 'nfxsec-s' || fail "super-user change not committed"

# an open session, fed through a fifo; waits on what it printed
wait_for() { # FILE REGEX WHAT
	for _ in $(seq 300); do grep -q -- "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
	cat "$1"; fail "$3"
}
echo "--- the class of an open session narrows at the commit that changes it"
mkfifo "$state/su.in"
runuser -u "$SU" -- "$CLI" --socket "$state/jdm.sock" <"$state/su.in" >"$state/su.out" 2>&1 &
bg+=($!)
exec 3>"$state/su.in"
echo "configure" >&3
echo "show host-os" >&3
wait_for "$state/su.out" 'nfxsec-s' "the super-user session did not enter configuration mode"
out="$(printf 'configure\nset system login user %s class operator\ncommit\n' "$SU" | cli)"
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "class change commit"; }
echo "set host-os vlans nfxsec-t vlan-id 3003" >&3
wait_for "$state/su.out" "login class of user $SU changed by a commit: now operator" \
	"the session was not told its class changed"
wait_for "$state/su.out" 'Exiting configuration mode' "the narrowed session stayed in configuration mode"
echo "request virtual-network-functions nfxsec-x start" >&3
echo "configure" >&3
wait_for "$state/su.out" 'error: permission denied' "the narrowed session could still configure"
echo "show cli authorization" >&3
wait_for "$state/su.out" "class 'operator'" "show cli authorization does not say the new class"
! cli -c "show configuration host-os" | grep -q 'nfxsec-t' || fail "a set after the narrowing reached the candidate"

echo "--- a deactivated user's open session ends"
out="$(printf 'configure\ndeactivate system login user %s\ncommit\n' "$SU" | cli)"
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "deactivate commit"; }
echo "show version" >&3
wait_for "$state/su.out" "user $SU is no longer authorized to use this system" \
	"the session of a deactivated user was not ended"
# the cli exits once the daemon ended the session
for _ in $(seq 300); do kill -0 "${bg[-1]}" 2>/dev/null || break; sleep 0.05; done
! kill -0 "${bg[-1]}" 2>/dev/null || fail "the cli of an ended session is still running"
exec 3>&-
r="$(as "$SU" -c "show version" 2>&1)" || true
grep -q 'not authorized' <<<"$r" && ! grep -q '^Junos: ' <<<"$r" || { echo "$r"; fail "a deactivated user logged in"; }
echo "classes test passed"
