#!/usr/bin/env bash
# `file list|show|copy|delete` stay within the user's own home and the
# image directory: run as a local super-user, a user's own files work
# (list, show, copy — the copy is the user's own file, 0600 — delete); `..`,
# absolute paths outside, and symbolic links (as the file, or as a
# directory on the way) are refused, by show, copy (either side), delete
# and list; the image directory is listed (by jdmd) and read as the user (a
# root-only file there stays unreadable), never written or deleted in; an
# operator (no `maintenance`) is refused every file command.
# The JCP (jcpd, the same cfg_filecmd; jcp.xml has no `system login`, so
# root only): root's own files in /root work (in a directory of this
# test's, removed after); `..`, absolute paths outside /root and symbolic
# links are refused; there is no image directory on the JCP, so the JDM's
# one is outside like any other path; the JDM's super-user is not
# authorized there.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
BUILD="${NFX_BUILD:-$ROOT/build}"
# the installed cli (./nfx cli-path): the users a test runs as can execute
# it wherever the checkout is (a clone under /root too); jdmd gives it to logins
CLI="$("$ROOT/nfx" cli-path)"
export NFX_CLI="$CLI"
U="nfxfcs$$"; U="${U:0:30}"
OP="nfxfco$$"; OP="${OP:0:30}"
state="$(mktemp -d /tmp/nfx-sec-filecmds.XXXXXX)"
pid=""
jpid=""
RDIR="/root/nfx-filecmds-$$"
made=()
cleanup() {
	local rc=$?
	if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; fi
	if [[ -n "$jpid" ]]; then kill "$jpid" 2>/dev/null; wait "$jpid" 2>/dev/null || true; fi
	rm -rf "$RDIR"
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
for u in "$U" "$OP"; do
	id "$u" >/dev/null 2>&1 && fail "account $u exists already"
	useradd -m -s /bin/sh -c "nfx file commands test" "$u"
	made+=("$u")
done
chmod 0711 "$state"
UHOME="$(getent passwd "$U" | cut -d: -f6)"
IMG="$state/images"
install -d -m 0755 "$IMG"
echo "image checksum" >"$IMG/vrtr.qcow2.md5"
chmod 0644 "$IMG/vrtr.qcow2.md5"
echo "root only" >"$IMG/secret.key"
chmod 0600 "$IMG/secret.key"
echo "not yours" >"$state/outside.txt"
chmod 0644 "$state/outside.txt"
# the user's own files, and links out of the home
runuser -u "$U" -- sh -c 'cd && echo "my notes" >notes.txt && mkdir -p sub && echo deep >sub/deep.txt'
runuser -u "$U" -- ln -s /etc/passwd "$UHOME/passwd-link"
runuser -u "$U" -- ln -s "$state" "$UHOME/dir-link"
runuser -u "$U" -- ln -s "$IMG/vrtr.qcow2.md5" "$UHOME/img-link"

"$BUILD/jdm/jdmd" --state-dir "$state" --hypervisor none --image-dir "$IMG" >"$state/jdmd.log" 2>&1 &
pid=$!
for _ in $(seq 500); do [[ -S "$state/jdm.sock" ]] && break; sleep 0.02; done
[[ -S "$state/jdm.sock" ]] || { cat "$state/jdmd.log"; fail "jdmd did not start"; }

out="$(printf 'configure\nset system login user %s class super-user\nset system login user %s class operator\ncommit\n' "$U" "$OP" |
	timeout 60 "$CLI" --socket "$state/jdm.sock")"
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "login users commit"; }

# as WHO CMD: run one command as WHO; sets $r (output) and $rc
as() {
	rc=0
	r="$(timeout 60 runuser -u "$1" -- "$CLI" --socket "$state/jdm.sock" -c "$2" 2>&1)" || rc=$?
}
ok() { as "$U" "$1"; [[ $rc -eq 0 ]] || { echo "$r"; fail "'$1' failed"; }; }
refused() {
	as "$U" "$1"
	[[ $rc -ne 0 ]] || { echo "$r"; fail "'$1' was not refused"; }
	grep -q '^error: ' <<<"$r" || { echo "$r"; fail "'$1': no error message"; }
	[[ -z "${2:-}" ]] || grep -qF -- "$2" <<<"$r" || { echo "$r"; fail "'$1': expected '$2'"; }
}

echo "--- the user's own files"
ok "file list"
grep -qx "$UHOME/:" <<<"$r" || { echo "$r"; fail "file list: no '$UHOME/:' header"; }
grep -qx "notes.txt" <<<"$r" && grep -qx "sub/" <<<"$r" || { echo "$r"; fail "file list misses the user's files"; }
ok "file list sub detail"
grep -q ' deep.txt$' <<<"$r" && grep -qx 'total files: 1' <<<"$r" || { echo "$r"; fail "file list detail"; }
ok "file show notes.txt"
grep -qx "my notes" <<<"$r" || { echo "$r"; fail "file show notes.txt"; }
ok "file show $UHOME/sub/deep.txt"
grep -qx "deep" <<<"$r" || { echo "$r"; fail "file show of an absolute path in the home"; }
ok "file copy notes.txt notes-copy.txt"
[[ "$(stat -c '%U %a' "$UHOME/notes-copy.txt")" == "$U 600" ]] || fail "the copy is not the user's own 0600 file"
ok "file copy notes.txt sub"
[[ -f "$UHOME/sub/notes.txt" ]] || fail "file copy into a directory"
ok "file delete notes-copy.txt"
[[ ! -e "$UHOME/notes-copy.txt" ]] || fail "file delete left the file"

echo "--- .. and absolute paths outside are refused"
refused "file show ../../etc/passwd" "'..' is not allowed"
refused "file show sub/../../../etc/passwd" "'..' is not allowed"
refused "file show /etc/passwd" "not in your home directory"
refused "file show $state/outside.txt" "not in your home directory"
refused "file list /" "not in your home directory"
refused "file list /etc"
refused "file list .." "'..' is not allowed"
refused "file copy /etc/passwd mine.txt"
[[ ! -e "$UHOME/mine.txt" ]] || fail "a file outside was copied in"
refused "file copy notes.txt /tmp/nfx-leak-$$"
[[ ! -e "/tmp/nfx-leak-$$" ]] || { rm -f "/tmp/nfx-leak-$$"; fail "a copy went outside the home"; }
refused "file copy notes.txt ../notes.txt" "'..' is not allowed"
refused "file delete $state/outside.txt"
refused "file delete ../$OP/.profile"
[[ -f "$state/outside.txt" ]] || fail "a file outside was deleted"

echo "--- symbolic links are not followed"
refused "file show passwd-link" "symbolic link"
refused "file show dir-link/outside.txt" "symbolic link"
refused "file show img-link" "symbolic link"
refused "file list dir-link" "symbolic link"
refused "file copy passwd-link mine.txt" "symbolic link"
refused "file copy notes.txt dir-link/planted.txt" "symbolic link"
[[ ! -e "$state/planted.txt" ]] || fail "a copy went through a symbolic link"
refused "file copy notes.txt passwd-link" "symbolic link"
refused "file delete passwd-link" "symbolic link"
refused "file delete dir-link/outside.txt" "symbolic link"
[[ -L "$UHOME/passwd-link" && -f "$state/outside.txt" ]] || fail "a link or its target was deleted"

echo "--- the image directory: listed and read, never written"
ok "file list $IMG"
grep -qx "vrtr.qcow2.md5" <<<"$r" && grep -qx "$IMG/:" <<<"$r" || { echo "$r"; fail "file list of the image directory"; }
ok "file list $IMG detail"
grep -q ' vrtr.qcow2.md5$' <<<"$r" || { echo "$r"; fail "file list detail of the image directory"; }
# below the image directory the cli lists, as the user: a root-only directory stays closed
install -d -m 0700 "$IMG/private"
echo "hidden" >"$IMG/private/hidden.qcow2"
refused "file list $IMG/private" "Permission denied"
grep -q "hidden.qcow2" <<<"$r" && fail "a root-only directory of the image directory was listed"
ok "file show $IMG/vrtr.qcow2.md5"
grep -qx "image checksum" <<<"$r" || { echo "$r"; fail "file show of an image directory file"; }
refused "file show $IMG/secret.key" "Permission denied"
grep -q "root only" <<<"$r" && fail "a root-only file of the image directory was shown"
ok "file copy $IMG/vrtr.qcow2.md5 md5-copy"
[[ "$(stat -c %U "$UHOME/md5-copy")" == "$U" ]] || fail "the copy from the image directory is not the user's"
refused "file copy notes.txt $IMG/planted.txt" "not in your home directory"
refused "file delete $IMG/vrtr.qcow2.md5" "not in your home directory"
refused "file show $IMG/../outside.txt" "'..' is not allowed"
refused "file list $IMG/../" "'..' is not allowed"
[[ -f "$IMG/vrtr.qcow2.md5" && ! -e "$IMG/planted.txt" ]] || fail "the image directory was changed"

echo "--- an operator has no file commands"
for cmd in "file list" "file show .profile" "file copy .profile x" "file delete .profile"; do
	as "$OP" "$cmd"
	[[ $rc -ne 0 ]] && grep -qx 'error: permission denied' <<<"$r" || { echo "$r"; fail "operator: '$cmd' not denied"; }
done

echo "--- the JCP: root's files, confined to /root"
"$BUILD/jcp/jcpd" --state-dir "$state" >"$state/jcpd.log" 2>&1 &
jpid=$!
for _ in $(seq 500); do [[ -S "$state/jcp.sock" ]] && break; sleep 0.02; done
[[ -S "$state/jcp.sock" ]] || { cat "$state/jcpd.log"; fail "jcpd did not start"; }
[[ "$(getent passwd root | cut -d: -f6)" == /root ]] || fail "root's home is not /root"
[[ ! -e "$RDIR" ]] || fail "$RDIR exists already"
install -d -m 0700 "$RDIR"
R="${RDIR#/root/}"
echo "root notes" >"$RDIR/notes.txt"
ln -s /etc/passwd "$RDIR/passwd-link"
ln -s "$state" "$RDIR/dir-link"
# jcp WHO CMD: one command on the JCP; sets $r and $rc
jcp() {
	rc=0
	if [[ $1 == root ]]; then
		r="$(timeout 60 "$CLI" --socket "$state/jcp.sock" -c "$2" 2>&1)" || rc=$?
	else
		r="$(timeout 60 runuser -u "$1" -- "$CLI" --socket "$state/jcp.sock" -c "$2" 2>&1)" || rc=$?
	fi
}
jok() { jcp root "$1"; [[ $rc -eq 0 ]] || { echo "$r"; fail "jcp: '$1' failed"; }; }
jrefused() {
	jcp root "$1"
	[[ $rc -ne 0 ]] || { echo "$r"; fail "jcp: '$1' was not refused"; }
	grep -q '^error: ' <<<"$r" || { echo "$r"; fail "jcp: '$1': no error message"; }
	[[ -z "${2:-}" ]] || grep -qF -- "$2" <<<"$r" || { echo "$r"; fail "jcp: '$1': expected '$2'"; }
}
jok "file list"
grep -qx "/root/:" <<<"$r" && grep -qx "$R/" <<<"$r" || { echo "$r"; fail "jcp: file list of /root"; }
jok "file list $R detail"
grep -q ' notes.txt$' <<<"$r" || { echo "$r"; fail "jcp: file list detail"; }
jok "file show $R/notes.txt"
grep -qx "root notes" <<<"$r" || { echo "$r"; fail "jcp: file show"; }
jok "file copy $R/notes.txt $R/copy.txt"
[[ "$(stat -c '%U %a' "$RDIR/copy.txt")" == "root 600" ]] || fail "jcp: the copy is not root's 0600 file"
jok "file delete $R/copy.txt"
[[ ! -e "$RDIR/copy.txt" ]] || fail "jcp: file delete left the file"
jrefused "file show /etc/passwd" "not in your home directory"
grep -q "image directory" <<<"$r" && { echo "$r"; fail "jcp: the refusal names an image directory the JCP has not"; }
jrefused "file show $state/outside.txt" "not in your home directory"
jrefused "file list /" "not in your home directory"
jrefused "file list $IMG" "not in your home directory"
jrefused "file show $IMG/vrtr.qcow2.md5" "not in your home directory"
jrefused "file show ../etc/passwd" "'..' is not allowed"
jrefused "file list $R/.." "'..' is not allowed"
jrefused "file copy /etc/passwd $R/mine.txt"
[[ ! -e "$RDIR/mine.txt" ]] || fail "jcp: a file outside was copied in"
jrefused "file copy $R/notes.txt /tmp/nfx-leak-$$"
[[ ! -e "/tmp/nfx-leak-$$" ]] || { rm -f "/tmp/nfx-leak-$$"; fail "jcp: a copy went outside the home"; }
jrefused "file delete $state/outside.txt" "not in your home directory"
jrefused "file show $R/passwd-link" "symbolic link"
jrefused "file show $R/dir-link/outside.txt" "symbolic link"
jrefused "file copy $R/notes.txt $R/dir-link/planted.txt" "symbolic link"
[[ ! -e "$state/planted.txt" ]] || fail "jcp: a copy went through a symbolic link"
jrefused "file delete $R/passwd-link" "symbolic link"
[[ -L "$RDIR/passwd-link" && -f "$state/outside.txt" && -f /etc/passwd ]] || fail "jcp: a link or its target was deleted"

echo "--- the JCP: $U (no system login there) is not authorized"
jcp "$U" "file show notes.txt"
grep -q "^error: user $U is not authorized to use this system" <<<"$r" || { echo "$r"; fail "jcp: $U not refused"; }
[[ $rc -ne 0 ]] || fail "jcp: the cli of a refused user exited 0"
grep -q "my notes" <<<"$r" && fail "jcp: $U's file was shown"
echo "file commands test passed"
