#!/usr/bin/env bash
# Hostile VNF names are refused at the parser, before anything touches the
# disk: `..` (which once chmod-ed the state directory), `../x`, `a/b`, `-x`,
# `.hidden`, `.`, 200 characters, control bytes, blanks — by `set`, by
# `load set terminal` and by `load merge terminal` (curly). Nothing of them
# reaches the candidate, no directory appears under STATE/vnf (or next to
# the state directory), and the state directory keeps its mode and owner.
# Names of 1..32 of [A-Za-z0-9_.-] not starting with '.' or '-' are taken.
# Runs against real daemons (default hypervisor: the embedded QEMU driver).
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
NFX="$ROOT/nfx"
parent="$(mktemp -d /tmp/nfx-sec-names.XXXXXX)"
state="$parent/state"
mkdir -m 0700 "$state"
img="$state/images"
cleanup() {
	local rc=$?
	if [[ $rc -ne 0 && -f "$state/jdmd.log" ]]; then tail -20 "$state/jdmd.log" >&2; fi
	"$NFX" down --state-dir "$state" >/dev/null 2>&1 || true
	rm -rf "$parent"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*" >&2; exit 1; }
cli() { timeout 60 "$NFX" cli --state-dir "$state" "$@"; }

mkdir -p "$img"
: >"$img/base.qcow2"
NFX_IMAGE_DIR="$img" "$NFX" up --state-dir "$state" >/dev/null

mode_before="$(stat -c '%a %U %G' "$state")"
parent_before="$(ls -A "$parent")"

long="$(printf 'a%.0s' $(seq 200))"
names=('..' '../x' 'a/b' '-x' '.hidden' '.' '../../etc' "$long" "$(printf 'a\001b')"
	"$(printf 'a\033[2Jb')" 'a b' 'a;b' '/abs' 'x/..' "$(printf 'a%.0s' $(seq 33))")

echo "--- set"
for n in "${names[@]}"; do
	set +e
	out="$(printf 'configure\nset virtual-network-functions "%s" image %s/base.qcow2\nshow | display set\n' \
		"$n" "$img" | cli 2>&1)"
	set -e
	grep -qE "invalid VNF name|invalid control character|syntax error" <<<"$out" ||
		{ echo "$out"; fail "name $(printf %q "$n") not refused by the parser"; }
	grep -q '^set virtual-network-functions' <<<"$out" &&
		{ echo "$out"; fail "name $(printf %q "$n") reached the candidate"; }
done
out="$(printf 'configure\nset virtual-network-functions ../x image %s/base.qcow2\n' "$img" | cli 2>&1 || true)"
echo "$out" | grep -A1 -F "invalid VNF name" | head -2
grep -qF "invalid VNF name '../x'" <<<"$out" || { echo "$out"; fail "no clear error for ../x"; }

echo "--- load set terminal, load merge terminal"
set +e
out="$(printf 'configure\nload set terminal\nset virtual-network-functions .. image %s/base.qcow2\n\004\nshow | display set\n' "$img" | cli 2>&1)"
set -e
shown() { sed -n '/# show | display set$/,$p' <<<"$1" | grep '^set virtual-network-functions'; }
shown "$out" && { echo "$out"; fail "load set took '..'"; }
grep -q "invalid VNF name" <<<"$out" || { echo "$out"; fail "load set: no error for '..'"; }
set +e
out="$(printf 'configure\nload merge terminal\nvirtual-network-functions {\n    ../x {\n        image %s/base.qcow2;\n    }\n}\n\004\nshow | display set\n' "$img" | cli 2>&1)"
set -e
shown "$out" && { echo "$out"; fail "load merge took '../x'"; }
grep -q "invalid VNF name" <<<"$out" || { echo "$out"; fail "load merge: no error for '../x'"; }

echo "--- nothing on the disk"
if [[ -d "$state/vnf" ]]; then
	[[ -z "$(ls -A "$state/vnf")" ]] || { ls -la "$state/vnf"; fail "entries under STATE/vnf"; }
fi
[[ "$(stat -c '%a %U %G' "$state")" == "$mode_before" ]] ||
	fail "state directory changed: $mode_before -> $(stat -c '%a %U %G' "$state")"
[[ "$(ls -A "$parent")" == "$parent_before" ]] || { ls -la "$parent"; fail "something appeared next to the state directory"; }
[[ ! -e "$state/x" && ! -e "$parent/x" && ! -e "$state/a" ]] || fail "a path of a hostile name exists"
[[ -z "$(cli -c 'show configuration virtual-network-functions')" ]] || fail "the active configuration has VNFs"

echo "--- good names are names"
good=('vsrx' 'vrtr1' 'a' 'A_b-c.d' 'x..y' "$(printf 'b%.0s' $(seq 32))")
script="configure"
for n in "${good[@]}"; do script+=$'\n'"set virtual-network-functions $n image $img/base.qcow2"; done
script+=$'\nshow | display set\nrollback 0'
out="$(cli <<<"$script" 2>&1)" || { echo "$out"; fail "good names refused"; }
for n in "${good[@]}"; do
	grep -qxF "set virtual-network-functions $n image $img/base.qcow2" <<<"$out" ||
		{ echo "$out"; fail "good name $n not in the candidate"; }
done
echo "--- second line of defence: STATE/vnf is never followed through a symlink"
"$ROOT/vnf-images/make-test-vnf" "$img/real.qcow2" >/dev/null 2>&1 || fail "make-test-vnf"
decoy="$parent/decoy"
mkdir -m 0755 "$decoy"
rm -rf "$state/vnf"
ln -s "$decoy" "$state/vnf"
def="configure
set system virtualization accel tcg
set virtual-network-functions good image $img/real.qcow2
set virtual-network-functions good no-autostart
set virtual-network-functions good no-default-interfaces
commit"
set +e
out="$(cli <<<"$def" 2>&1)"
set -e
grep -q '^commit complete$' <<<"$out" && { echo "$out"; fail "commit went through a symlinked STATE/vnf"; }
grep -q 'a symlink' <<<"$out" || { echo "$out"; fail "no reason for refusing STATE/vnf"; }
[[ -z "$(ls -A "$decoy")" ]] || { ls -la "$decoy"; fail "a directory was made through the symlink"; }
[[ "$(stat -c %a "$decoy")" == 755 ]] || fail "the symlink's target was chmod-ed"
rm "$state/vnf"
out="$(cli <<<"$def" 2>&1)" || { echo "$out"; fail "commit of good"; }
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "good not committed"; }
[[ -d "$state/vnf/good" && ! -L "$state/vnf" ]] || fail "STATE/vnf/good not made"
[[ "$(stat -c %a "$state/vnf/good")" == 711 ]] || fail "STATE/vnf/good is not 0711"
echo "vnf names test passed"
