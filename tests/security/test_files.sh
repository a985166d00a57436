#!/usr/bin/env bash
# `save` and `load ... FILE` as a real local user (a super-user of the CLI)
# and as root: the cli process writes and reads the files with its own user's
# rights, the daemon opens none of them.
#   - save onto the store (its absolute path; `jdm.db` lands in the home,
#     not on the store), onto sshd's keys, through a symbolic link to the
#     store or to the state directory, with `..`, outside the home: refused,
#     and the store intact (PRAGMA integrity_check = ok, the configuration
#     unchanged);
#   - a normal save (`| save`, configuration-mode `save`) lands in the
#     user's home, owned by the user, with what `show` printed;
#   - `load merge` of a root-only 0600 file is refused with the OS's reason
#     ("Permission denied") and changes nothing; of a file in the home works.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
BUILD="${NFX_BUILD:-$ROOT/build}"
# the installed cli (./nfx cli-path): the users a test runs as can execute
# it wherever the checkout is (a clone under /root too); jdmd gives it to logins
CLI="$("$ROOT/nfx" cli-path)"
export NFX_CLI="$CLI"
U="nfxsecf$$"
U="${U:0:30}"
J="nfxsecj$$"      # an account jdmd makes for `system login user`
J="${J:0:30}"
state="$(mktemp -d /tmp/nfx-sec-files.XXXXXX)"
secret="$(mktemp /tmp/nfx-sec-secret.XXXXXX)"
outside="$(mktemp -d /tmp/nfx-sec-outside.XXXXXX)"
rtag="nfx-sec-files-$$"   # prefix of what this test leaves in root's home
pid=""
made_user=0
cleanup() {
	local rc=$?
	if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; fi
	if [[ $made_user -eq 1 ]]; then userdel -r "$U" >/dev/null 2>&1 || userdel "$U" 2>/dev/null || true; fi
	if id "$J" >/dev/null 2>&1 && grep -qx "$J" "$state/sshd/accounts" 2>/dev/null; then
		userdel -r "$J" >/dev/null 2>&1 || true
	fi
	rm -rf "$state" "$outside" "$secret" /root/"$rtag"*
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root (local users)"; exit 77; }
id "$U" >/dev/null 2>&1 && fail "account $U exists already"
id "$J" >/dev/null 2>&1 && fail "account $J exists already"
useradd -m -s /bin/sh "$U"
made_user=1
UHOME="$(getent passwd "$U" | cut -d: -f6)"
[[ -d "$UHOME" ]] || fail "no home for $U"

NFX_HYPERVISOR=none "$BUILD/jdm/jdmd" --state-dir "$state" >"$state/jdmd.log" 2>&1 &
pid=$!
for _ in $(seq 500); do [[ -S "$state/jdm.sock" ]] && break; sleep 0.02; done
[[ -S "$state/jdm.sock" ]] || fail "jdmd did not start"
DB="$state/jdm.db"
[[ -f "$DB" ]] || fail "no store at $DB"
cli() { timeout 30 "$CLI" --socket "$state/jdm.sock" "$@"; }
ucli() { timeout 30 runuser -u "$U" -- "$CLI" --socket "$state/jdm.sock" "$@"; }

out="$(printf 'configure\nset system host-name files-test\nset host-os vlans v100 vlan-id 100\nset system login user %s class super-user\ncommit\n' "$U" | cli)"
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "seed commit"; }
ref="$(cli -c "show configuration | display set")"
grep -q 'host-name files-test' <<<"$ref" || fail "seed configuration not shown"
cli -c "show configuration" >"$state/show.txt"

# The store: still a SQLite database, integrity ok, the configuration as
# committed (jdmd itself writes to it, so its bytes may change).
store_intact() {
	local ic
	[[ "$(head -c 15 "$DB")" == "SQLite format 3" ]] || fail "$1: the store is no SQLite database any more"
	ic="$(sqlite3 "$DB" 'PRAGMA integrity_check')" || fail "$1: sqlite3 cannot read the store"
	[[ "$ic" == ok ]] || fail "$1: store integrity: $ic"
	[[ "$(cli -c "show configuration | display set")" == "$ref" ]] || fail "$1: configuration changed"
}

# refused WHO LINE PATTERN: LINE fails (exit status) with an error matching PATTERN
refused() {
	local who="$1" line="$2" pat="$3" r rc=0
	if [[ $who == root ]]; then r="$(cli -c "$line" 2>&1)" || rc=$?; else r="$(ucli -c "$line" 2>&1)" || rc=$?; fi
	[[ $rc -ne 0 ]] || { echo "$r"; fail "$who: '$line' succeeded"; }
	[[ -n "${NFX_TEST_VERBOSE:-}" ]] && echo "    $who: $line -> $r"
	grep -qE "$pat" <<<"$r" || { echo "$r"; fail "$who: '$line': expected /$pat/"; }
	grep -q '^Wrote ' <<<"$r" && { echo "$r"; fail "$who: '$line' says it wrote"; }
	store_intact "$who: $line"
}

mkdir -p "$state/sshd/keys"
echo "ssh-ed25519 AAAAroot" >"$state/sshd/keys/root"
keys_sum="$(sha256sum "$state/sshd/keys/root")"

for who in "$U" root; do
	if [[ $who == root ]]; then home=/root; tag="$rtag"; run=(cli); as=(); else home="$UHOME"; tag="f"; run=(ucli); as=(runuser -u "$U" --); fi
	echo "--- save as $who (home $home)"
	refused "$who" "show configuration | save $DB" "not in your home directory"
	refused "$who" "show configuration | save $state/sshd/keys/root" "not in your home directory"
	refused "$who" "show configuration | save sshd/keys/root" "could not open"
	refused "$who" "show configuration | save ../$tag-up.txt" "'\.\.' is not allowed"
	refused "$who" "show configuration | save $home/../$tag-up.txt" "'\.\.' is not allowed"
	refused "$who" "show configuration | save /tmp/$tag-tmp.txt" "not in your home directory"
	[[ ! -e "/tmp/$tag-tmp.txt" && ! -e "$(dirname "$home")/$tag-up.txt" ]] || fail "$who: a refused save wrote"
	"${as[@]}" ln -s "$DB" "$home/$tag-store-link"
	refused "$who" "show configuration | save $tag-store-link" "symbolic link"
	"${as[@]}" ln -s "$state" "$home/$tag-state-link"
	refused "$who" "show configuration | save $tag-state-link/jdm.db" "symbolic link"
	"${as[@]}" ln -s "$outside" "$home/$tag-out-link"
	refused "$who" "show configuration | save $tag-out-link/x" "symbolic link"
	[[ -z "$(ls -A "$outside")" ]] || fail "$who: wrote through a symlinked directory"
	"${as[@]}" mkfifo "$home/$tag-fifo"
	refused "$who" "show configuration | save $tag-fifo" "not a regular file"
	[[ "$(sha256sum "$state/sshd/keys/root")" == "$keys_sum" ]] || fail "$who: sshd keys changed"

	# `jdm.db` is a name in the home: the store is not touched
	r="$("${run[@]}" -c "show configuration | save $tag-jdm.db")" || { echo "$r"; fail "$who: save $tag-jdm.db"; }
	n="$(wc -l <"$state/show.txt")"
	[[ "$r" == "Wrote $n lines of output to '$tag-jdm.db'" ]] || { echo "$r"; fail "$who: save message"; }
	cmp -s "$state/show.txt" "$home/$tag-jdm.db" || fail "$who: saved text differs from show configuration"
	[[ "$(stat -c %U "$home/$tag-jdm.db")" == "$who" ]] || fail "$who: saved file not owned by $who"
	store_intact "$who: save in home"
	# an absolute name inside the home, and configuration mode's save
	r="$("${run[@]}" -c "show configuration | display set | save $home/$tag-set.txt")" || { echo "$r"; fail "$who: absolute save in home"; }
	[[ "$(cat "$home/$tag-set.txt")" == "$ref" ]] || fail "$who: display set save differs"
	r="$(printf 'configure\nedit host-os\nsave %s-cfg.txt\n' "$tag" | "${run[@]}")" || { echo "$r"; fail "$who: configuration-mode save"; }
	grep -q "^Wrote 5 lines of configuration to '$tag-cfg.txt'\$" <<<"$r" || { echo "$r"; fail "$who: configuration-mode save message"; }
	grep -q 'vlan-id 100;' "$home/$tag-cfg.txt" || fail "$who: configuration-mode save content"
	[[ "$(stat -c %U "$home/$tag-cfg.txt")" == "$who" ]] || fail "$who: cfg save not owned by $who"
	store_intact "$who: saves"
done

echo "--- an account jdmd made has a home of its own: the save lands there"
out="$(printf 'configure\nset system login user %s class super-user\ncommit\n' "$J" | cli)"
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "commit of login user $J"; }
JHOME="$(getent passwd "$J" | cut -d: -f6)"
[[ -n "$JHOME" && "$JHOME" != / && -d "$JHOME" ]] || fail "jdmd made $J without a home ($JHOME)"
[[ "$(stat -c %U "$JHOME")" == "$J" ]] || fail "$JHOME is not $J's"
r="$(timeout 30 runuser -u "$J" -- "$CLI" --socket "$state/jdm.sock" -c "show configuration | save mine.txt")" ||
	{ echo "$r"; fail "$J: save"; }
grep -q "^Wrote [0-9]* lines of output to 'mine.txt'\$" <<<"$r" || { echo "$r"; fail "$J: save message"; }
[[ "$(stat -c %U "$JHOME/mine.txt")" == "$J" ]] || fail "$J: saved file not owned by $J"
ref="$(cli -c "show configuration | display set")"
store_intact "$J: save"
out="$(printf 'configure\ndelete system login user %s\ncommit\n' "$J" | cli)"
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "delete login user $J"; }
id "$J" >/dev/null 2>&1 && fail "$J not removed"
[[ ! -e "$JHOME" ]] || fail "$J's home $JHOME left behind"
ref="$(cli -c "show configuration | display set")"

echo "--- root, with the daemon's state directory inside root's home: the store by its relative name"
box="/root/$rtag-box"
mkdir -m 0700 "$box"
NFX_HYPERVISOR=none "$BUILD/jdm/jdmd" --state-dir "$box" >"$state/jdmd2.log" 2>&1 &
pid2=$!
for _ in $(seq 500); do [[ -S "$box/jdm.sock" ]] && break; sleep 0.02; done
[[ -S "$box/jdm.sock" ]] || { kill $pid2; fail "second jdmd did not start"; }
set +e
r="$(timeout 30 "$CLI" --socket "$box/jdm.sock" -c "show configuration | save $rtag-box/jdm.db" 2>&1)"; rc=$?
r2="$(timeout 30 "$CLI" --socket "$box/jdm.sock" -c "show configuration | save $box/jdm.db" 2>&1)"; rc2=$?
r3="$(timeout 30 "$CLI" --socket "$box/jdm.sock" -c "show configuration | save $rtag-box/new.txt" 2>&1)"; rc3=$?
# reached through a symbolic link to its socket: still the same directory
ln -s "$box/jdm.sock" "$state/link.sock"
r4="$(timeout 30 "$CLI" --socket "$state/link.sock" -c "show configuration | save $rtag-box/jdm.db" 2>&1)"; rc4=$?
set -e
ic="$(sqlite3 "$box/jdm.db" 'PRAGMA integrity_check' 2>&1)"
kill $pid2; wait $pid2 2>/dev/null || true
[[ $rc -ne 0 && $rc2 -ne 0 && $rc3 -ne 0 && $rc4 -ne 0 ]] || { echo "$r / $r2 / $r3 / $r4"; fail "save into the state directory succeeded"; }
for x in "$r" "$r2" "$r3" "$r4"; do
	grep -q "in the management daemon's state directory" <<<"$x" || { echo "$x"; fail "no state-directory refusal"; }
done
[[ "$ic" == ok && ! -e "$box/new.txt" ]] || fail "state directory in the home: store $ic"

echo "--- load merge of a root-only file as $U: refused with the OS's reason"
printf 'system {\n    host-name pwned;\n}\n' >"$secret"
chmod 0600 "$secret"
r="$(printf 'configure\nload merge %s\nshow | compare\n' "$secret" | ucli 2>&1)" && { echo "$r"; fail "load of a root-only file succeeded"; }
grep -qF "error: could not open configuration file: $secret: Permission denied" <<<"$r" || { echo "$r"; fail "no 'Permission denied'"; }
grep -q 'pwned' <<<"$r" && { echo "$r"; fail "the root-only file's content reached the candidate"; }
r="$(printf 'configure\nload set %s\n' "$secret" | ucli 2>&1)" && { echo "$r"; fail "load set of a root-only file succeeded"; }
grep -q 'Permission denied' <<<"$r" || { echo "$r"; fail "load set: no 'Permission denied'"; }
store_intact "load refused"

echo "--- load merge of the user's own file (relative to the home) works"
printf 'system {\n    host-name mine;\n}\n' | runuser -u "$U" -- tee "$UHOME/mine.conf" >/dev/null
r="$(printf 'configure\nload merge mine.conf\nshow | compare\n' | ucli 2>&1)" || { echo "$r"; fail "load merge mine.conf"; }
grep -q '^load complete$' <<<"$r" || { echo "$r"; fail "no load complete"; }
grep -q '^+    host-name mine;' <<<"$r" || { echo "$r"; fail "loaded file not in the candidate"; }
r="$(printf 'configure\nload merge %s/mine.conf\n' "$UHOME" | ucli 2>&1)" || { echo "$r"; fail "load merge by absolute path"; }
grep -q '^load complete$' <<<"$r" || { echo "$r"; fail "absolute: no load complete"; }
store_intact "loads (not committed)"
echo "files test passed"
