#!/usr/bin/env bash
# `ssh HOST` from the JDM CLI runs as the user who asked, not as jdmd (root):
# a local super-user's `ssh nfxprobe` (a name only that user's own
# ~/.ssh/config knows: HostName 198.51.100.2, where a listener in the
# test's namespace accepts and never says a word) leaves an ssh child of jdmd
# waiting on the connection. While it waits, /proc shows it with the user's
# uid and gid (real, effective, saved, filesystem), no root group, started
# in the user's home, with exactly PATH HOME USER LOGNAME TERM in its
# environment — none of jdmd's, though jdmd runs with SSH_AUTH_SOCK set (a
# root agent). Root asking still runs ssh as root, with the same clean
# environment. Leaving the stream (end of input) ends ssh.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
BUILD="${NFX_BUILD:-$ROOT/build}"
# the installed cli (./nfx cli-path): the users a test runs as can execute
# it wherever the checkout is (a clone under /root too); jdmd gives it to logins
CLI="$("$ROOT/nfx" cli-path)"
export NFX_CLI="$CLI"
U="nfxsecs$$"
U="${U:0:30}"
NS="nfxsec-ssh-$$"
ADDR=198.51.100.2
state="$(mktemp -d /tmp/nfx-sec-ssh.XXXXXX)"
pid=""
made_user=0
made_ns=0
bg=()
cleanup() {
	local rc=$?
	exec 7>&- 2>/dev/null || true
	for p in "${bg[@]}"; do kill "$p" 2>/dev/null || true; done
	if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; fi
	if [[ $made_user -eq 1 ]]; then
		pkill -KILL -u "$U" 2>/dev/null || true # only processes of the user this test made
		userdel -r "$U" >/dev/null 2>&1 || userdel "$U" 2>/dev/null || true
	fi
	[[ $made_ns -eq 1 ]] && ip netns del "$NS" 2>/dev/null || true
	rm -rf "$state"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root (local users, namespaces)"; exit 77; }
[[ -x /usr/bin/ssh ]] || { echo "SKIP: no /usr/bin/ssh"; exit 77; }
id "$U" >/dev/null 2>&1 && fail "account $U exists already"
useradd -m -s /bin/sh "$U"
made_user=1
UHOME="$(getent passwd "$U" | cut -d: -f6)"
UID_U="$(id -u "$U")"
GID_U="$(id -g "$U")"
install -d -o "$U" -g "$GID_U" -m 0700 "$UHOME/.ssh"
printf 'Host nfxprobe\n    HostName %s\n    ConnectTimeout 120\n' "$ADDR" >"$UHOME/.ssh/config"
chown "$U:$GID_U" "$UHOME/.ssh/config"
chmod 0600 "$UHOME/.ssh/config"

# a namespace where $ADDR:22 accepts connections (the kernel's backlog) and
# never says a word: ssh waits for the server's banner
ip netns add "$NS"
made_ns=1
ip -n "$NS" link set lo up
ip -n "$NS" addr add "$ADDR/32" dev lo
ip netns exec "$NS" /usr/bin/python3 -c '
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 22))
s.listen(16)
open(sys.argv[2], "w").close()
time.sleep(600)' "$ADDR" "$state/listening" &
bg+=($!)
for _ in $(seq 200); do [[ -e "$state/listening" ]] && break; sleep 0.05; done
[[ -e "$state/listening" ]] || fail "silent listener did not start"

# jdmd with a root agent in its environment: none of it may reach ssh
SSH_AUTH_SOCK=/tmp/nfx-sec-root-agent.sock NFX_SEC_LEAK=jdmd-env NFX_HYPERVISOR=none \
	ip netns exec "$NS" "$BUILD/jdm/jdmd" --state-dir "$state" >"$state/jdmd.log" 2>&1 &
pid=$!
for _ in $(seq 500); do [[ -S "$state/jdm.sock" ]] && break; sleep 0.02; done
[[ -S "$state/jdm.sock" ]] || fail "jdmd did not start"
cli() { timeout 60 "$CLI" --socket "$state/jdm.sock" "$@"; }

out="$(printf 'configure\nset system login user %s class super-user\ncommit\n' "$U" | cli)"
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "login user commit"; }

# the ssh child of jdmd, once there is one (at most 20 s)
ssh_child() {
	local p
	for _ in $(seq 200); do
		p="$(pgrep -P "$pid" -x ssh | head -1 || true)"
		if [[ -n "$p" ]] && tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q -- "$1"; then
			echo "$p"
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# check WHO UID GID HOME: the ssh child (pid in $sp) runs as that user
check_child() {
	local who="$1" uid="$2" gid="$3" home="$4" env names
	grep -qP "^Uid:\t$uid\t$uid\t$uid\t$uid\$" "/proc/$sp/status" ||
		{ grep -E '^(Uid|Gid|Groups)' "/proc/$sp/status"; fail "$who: ssh does not run as uid $uid"; }
	grep -qP "^Gid:\t$gid\t$gid\t$gid\t$gid\$" "/proc/$sp/status" ||
		{ grep -E '^(Uid|Gid|Groups)' "/proc/$sp/status"; fail "$who: ssh does not run with gid $gid"; }
	if [[ $uid -ne 0 ]]; then
		grep -E '^Groups:' "/proc/$sp/status" | grep -qw 0 && fail "$who: ssh keeps group 0"
		want_groups="$(id -G "$U" | tr ' ' '\n' | sort -n | tr '\n' ' ')"
		have_groups="$(grep -E '^Groups:' "/proc/$sp/status" | cut -f2 | tr ' ' '\n' | grep . | sort -n | tr '\n' ' ')"
		[[ "$have_groups" == "$want_groups" ]] || fail "$who: groups '$have_groups', expected '$want_groups'"
	fi
	env="$(tr '\0' '\n' <"/proc/$sp/environ")"
	names="$(cut -d= -f1 <<<"$env" | sort | tr '\n' ' ')"
	[[ "$names" == "HOME LOGNAME PATH TERM USER " ]] || { echo "$env"; fail "$who: environment has '$names'"; }
	grep -q SSH_AUTH_SOCK <<<"$env" && fail "$who: SSH_AUTH_SOCK reached ssh"
	grep -qx "HOME=$home" <<<"$env" || { echo "$env"; fail "$who: HOME is not $home"; }
	grep -qx "USER=$who" <<<"$env" || { echo "$env"; fail "$who: USER is not $who"; }
	[[ "$(readlink "/proc/$sp/cwd")" == "$home" ]] || fail "$who: ssh does not start in $home"
	return 0
}

# connected WHO: the ssh child $sp holds a connection to $ADDR:22 (at most 20 s)
connected() {
	for _ in $(seq 200); do
		ip netns exec "$NS" ss -Htnp state established dst "$ADDR" dport = 22 2>/dev/null |
			grep -q "pid=$sp," && return 0
		sleep 0.1
	done
	ip netns exec "$NS" ss -tnp || true
	fail "$1: ssh $sp is not connected to $ADDR:22"
}

# run_ssh WHO HOST PATTERN: `ssh HOST` in a CLI session of WHO whose input
# (a fifo, fd 7) stays open until end_ssh; sets $sp to the ssh child (its
# command line matching PATTERN) and $cp to the CLI
run_ssh() {
	local who="$1" host="$2"
	rm -f "$state/in"
	mkfifo -m 0666 "$state/in"
	if [[ $who == root ]]; then
		timeout 60 "$CLI" --socket "$state/jdm.sock" <"$state/in" >"$state/$who.out" 2>&1 &
	else
		timeout 60 runuser -u "$U" -- "$CLI" --socket "$state/jdm.sock" <"$state/in" >"$state/$who.out" 2>&1 &
	fi
	cp=$!
	bg+=("$cp")
	exec 7>"$state/in"
	printf 'ssh %s\n' "$host" >&7
	sp="$(ssh_child "$3")" || { cat "$state/$who.out"; ps -o pid,ppid,user,args --ppid "$pid" || true; tail -5 "$state/jdmd.log"; fail "$who: no ssh child of jdmd for 'ssh $host'"; }
}

# end_ssh: leave the stream (end of input); the CLI exits and ssh is gone
# (at most 20 s each)
end_ssh() {
	exec 7>&-
	for _ in $(seq 200); do kill -0 "$cp" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$cp" 2>/dev/null && fail "the CLI did not leave the ssh stream"
	wait "$cp" 2>/dev/null || true
	for _ in $(seq 200); do [[ -d "/proc/$sp" ]] || break; sleep 0.1; done
	[[ -d "/proc/$sp" ]] && fail "ssh $sp still runs after the stream ended"
	return 0
}

echo "--- ssh as the local super-user $U (uid $UID_U)"
run_ssh "$U" nfxprobe nfxprobe
check_child "$U" "$UID_U" "$GID_U" "$UHOME"
# only $U's own ~/.ssh/config turns nfxprobe into $ADDR
connected "$U"
end_ssh
grep -q "ssh nfxprobe" "$state/$U.out" || { cat "$state/$U.out"; fail "transcript lacks the command"; }

echo "--- ssh as root still runs as root, with a clean environment"
run_ssh root "$ADDR" "$ADDR"
check_child root 0 0 /root
connected root
end_ssh

echo "--- a host name that is an option is still refused"
r="$(printf 'ssh -oProxyCommand=x\n' | cli 2>&1)" && { echo "$r"; fail "ssh with an option as host succeeded"; }
grep -q "error: invalid host name" <<<"$r" || { echo "$r"; fail "no invalid host name error"; }
echo "ssh user test passed"
