#!/usr/bin/env bash
# `start shell` (thesis, chapter 5) opens a shell as the user who asked, for
# classes with the `shell` permission only (PERMISSIONS.md: super-user):
# a local super-user's shell, run on jdmd's pty, answers `id -u` with that
# user's uid, and /proc shows the shell with the user's uid and gid (real,
# effective, saved, filesystem), no root group, in the user's home, with a
# clean environment; `start shell sh` runs /bin/sh the same way; `start
# shell user root` runs su as the user (real uid the user's: su asks root's
# password, as if the user ran it); root's shell is root's. A read-only and an operator user are refused (`error:
# permission denied`, exit status non-zero) and no shell is started.
# The JCP (jcpd, the same cfg_shell): root's shell there is root's, in
# /root, with a clean environment; jcp.xml has no `system login`, so the
# local super-user of the JDM is not authorized on the JCP and no shell is
# started there.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
BUILD="${NFX_BUILD:-$ROOT/build}"
# the installed cli (./nfx cli-path): the users a test runs as can execute
# it wherever the checkout is (a clone under /root too); jdmd gives it to logins
CLI="$("$ROOT/nfx" cli-path)"
export NFX_CLI="$CLI"
SU="nfxshs$$"; SU="${SU:0:30}"
RO="nfxshr$$"; RO="${RO:0:30}"
OP="nfxsho$$"; OP="${OP:0:30}"
state="$(mktemp -d /tmp/nfx-sec-shell.XXXXXX)"
pid=""
jpid=""
bg=()
made=()
cleanup() {
	local rc=$?
	exec 7>&- 2>/dev/null || true
	for p in "${bg[@]}"; do kill "$p" 2>/dev/null || true; done
	if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; fi
	if [[ -n "$jpid" ]]; then kill "$jpid" 2>/dev/null; wait "$jpid" 2>/dev/null || true; fi
	for u in "${made[@]}"; do
		pkill -KILL -u "$u" 2>/dev/null || true # only processes of users this test made
		userdel -r "$u" >/dev/null 2>&1 || userdel "$u" 2>/dev/null || true
	done
	rm -rf "$state"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root (local users)"; exit 77; }
for u in "$SU" "$RO" "$OP"; do
	id "$u" >/dev/null 2>&1 && fail "account $u exists already"
	useradd -m -s /bin/sh -c "nfx shell test" "$u"
	made+=("$u")
done
chmod 0711 "$state"
UHOME="$(getent passwd "$SU" | cut -d: -f6)"
UID_U="$(id -u "$SU")"
GID_U="$(id -g "$SU")"

NFX_SEC_LEAK=jdmd-env "$BUILD/jdm/jdmd" --state-dir "$state" --hypervisor none >"$state/jdmd.log" 2>&1 &
pid=$!
for _ in $(seq 500); do [[ -S "$state/jdm.sock" ]] && break; sleep 0.02; done
[[ -S "$state/jdm.sock" ]] || { cat "$state/jdmd.log"; fail "jdmd did not start"; }
cli() { timeout 60 "$CLI" --socket "$state/jdm.sock" "$@"; }
# the daemon the shells are asked of: its socket and pid (run_shell, shell_child)
sock="$state/jdm.sock"
parent="$pid"

out="$(printf 'configure\nset system login user %s class super-user\nset system login user %s class read-only\nset system login user %s class operator\ncommit\n' "$SU" "$RO" "$OP" | cli)"
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "login users commit"; }

# shell_child PROG: the child of jdmd running PROG (at most 20 s)
shell_child() {
	local p
	for _ in $(seq 200); do
		p="$(pgrep -P "$parent" -x "$1" | head -1 || true)"
		[[ -n "$p" ]] && { echo "$p"; return 0; }
		sleep 0.1
	done
	return 1
}

# run_shell WHO CMD PROG: CMD (`start shell ...`) in a CLI session of WHO
# whose input (a fifo, fd 7) stays open until end_shell; $sp is the shell
# (the child of the daemon named PROG, $sock, $parent), $cp the CLI
run_shell() {
	local who="$1"
	rm -f "$state/in"
	mkfifo -m 0666 "$state/in"
	if [[ $who == root ]]; then
		timeout 60 "$CLI" --socket "$sock" <"$state/in" >"$state/$who.out" 2>&1 &
	else
		timeout 60 runuser -u "$who" -- "$CLI" --socket "$sock" <"$state/in" >"$state/$who.out" 2>&1 &
	fi
	cp=$!
	bg+=("$cp")
	exec 7>"$state/in"
	printf '%s\n' "$2" >&7
	sp="$(shell_child "$3")" || { cat "$state/$who.out"; tail -5 "$state/jdmd.log" "$state/jcpd.log" 2>/dev/null; fail "$who: no $3 child of the daemon ($sock) for '$2'"; }
}

# says WHO TEXT: the session's output holds TEXT (at most 20 s); the
# command typed is echoed too, so TEXT is what only its output can hold
says() {
	for _ in $(seq 200); do
		grep -qF -- "$2" "$state/$1.out" && return 0
		sleep 0.1
	done
	cat -A "$state/$1.out" | tail -20
	fail "$1: the shell did not print '$2'"
}

# end_shell: `exit` in the shell, end of input; the CLI and the shell are gone
end_shell() {
	printf 'exit\n' >&7
	exec 7>&-
	for _ in $(seq 200); do kill -0 "$cp" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$cp" 2>/dev/null && fail "the CLI did not come back from the shell"
	wait "$cp" 2>/dev/null || true
	for _ in $(seq 200); do [[ -d "/proc/$sp" ]] || break; sleep 0.1; done
	[[ -d "/proc/$sp" ]] && fail "shell $sp still runs after the session ended"
	return 0
}

check_child() {
	local who="$1" uid="$2" gid="$3" home="$4" env
	grep -qP "^Uid:\t$uid\t$uid\t$uid\t$uid\$" "/proc/$sp/status" ||
		{ grep -E '^(Uid|Gid|Groups)' "/proc/$sp/status"; fail "$who: the shell does not run as uid $uid"; }
	grep -qP "^Gid:\t$gid\t$gid\t$gid\t$gid\$" "/proc/$sp/status" ||
		{ grep -E '^(Uid|Gid|Groups)' "/proc/$sp/status"; fail "$who: the shell does not run with gid $gid"; }
	if [[ $uid -ne 0 ]]; then
		grep -E '^Groups:' "/proc/$sp/status" | grep -qw 0 && fail "$who: the shell keeps group 0"
	fi
	env="$(tr '\0' '\n' <"/proc/$sp/environ")"
	grep -q NFX_SEC_LEAK <<<"$env" && fail "$who: the daemon's environment reached the shell"
	grep -qx "HOME=$home" <<<"$env" || { echo "$env"; fail "$who: HOME is not $home"; }
	grep -qx "USER=$who" <<<"$env" || { echo "$env"; fail "$who: USER is not $who"; }
	[[ "$(readlink "/proc/$sp/cwd")" == "$home" ]] || fail "$who: the shell does not start in $home"
	return 0
}

echo "--- start shell as the local super-user $SU (uid $UID_U)"
run_shell "$SU" "start shell" bash
check_child "$SU" "$UID_U" "$GID_U" "$UHOME"
printf 'echo "uid:$(id -u):end"\n' >&7
says "$SU" "uid:$UID_U:end"
end_shell

echo "--- start shell sh: /bin/sh, as the same user"
sh_name=sh # comm is the name exec was given
run_shell "$SU" "start shell sh" "$sh_name"
check_child "$SU" "$UID_U" "$GID_U" "$UHOME"
printf 'echo "uid:$(id -u):end"\n' >&7
says "$SU" "uid:$UID_U:end"
end_shell

echo "--- start shell user root: su, run as $SU (it asks root's password; nothing is granted)"
run_shell "$SU" "start shell user root" su
grep -qP "^Uid:\t$UID_U\t" "/proc/$sp/status" ||
	{ grep -E '^(Uid|Gid)' "/proc/$sp/status"; fail "su does not run for $SU (real uid)"; }
says "$SU" "Password:"
end_shell

echo "--- root's shell is root's"
run_shell root "start shell" bash
check_child root 0 0 /root
printf 'echo "uid:$(id -u):end"\n' >&7
says root "uid:0:end"
end_shell

for u in "$RO" "$OP"; do
	echo "--- $u (a class without shell) is refused"
	rc=0
	r="$(printf 'start shell\n' | timeout 60 runuser -u "$u" -- "$CLI" --socket "$state/jdm.sock" 2>&1)" || rc=$?
	[[ $rc -ne 0 ]] || { echo "$r"; fail "$u: start shell succeeded"; }
	grep -qx 'error: permission denied' <<<"$r" || { echo "$r"; fail "$u: no 'error: permission denied'"; }
	r="$(printf 'start shell sh user root\n' | timeout 60 runuser -u "$u" -- "$CLI" --socket "$state/jdm.sock" 2>&1)" &&
		{ echo "$r"; fail "$u: start shell sh user root succeeded"; }
	if pgrep -P "$pid" >/dev/null; then ps -o pid,user,args --ppid "$pid"; fail "$u: jdmd has a child"; fi
done

echo "--- the JCP: root's shell is root's"
NFX_SEC_LEAK=jcpd-env "$BUILD/jcp/jcpd" --state-dir "$state" >"$state/jcpd.log" 2>&1 &
jpid=$!
for _ in $(seq 500); do [[ -S "$state/jcp.sock" ]] && break; sleep 0.02; done
[[ -S "$state/jcp.sock" ]] || { cat "$state/jcpd.log"; fail "jcpd did not start"; }
sock="$state/jcp.sock"
parent="$jpid"
run_shell root "start shell" bash
check_child root 0 0 /root
printf 'echo "uid:$(id -u):end"\n' >&7
says root "uid:0:end"
end_shell
run_shell root "start shell sh" sh
check_child root 0 0 /root
printf 'echo "uid:$(id -u):end"\n' >&7
says root "uid:0:end"
end_shell

echo "--- the JCP: $SU (no system login there) is not authorized, no shell starts"
r="$(printf 'start shell\n' | timeout 60 runuser -u "$SU" -- "$CLI" --socket "$state/jcp.sock" 2>&1 || true)"
grep -q "^error: user $SU is not authorized to use this system" <<<"$r" || { echo "$r"; fail "$SU: not refused on the JCP"; }
# the refusal is answered before any handler runs: no child of jcpd now
if pgrep -P "$jpid" >/dev/null; then ps -o pid,user,args --ppid "$jpid"; fail "$SU: jcpd has a child"; fi
echo "shell test passed"
