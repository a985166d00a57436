#!/usr/bin/env bash
# Host paths named by the configuration are confined to the image directory
# (NFX_IMAGE_DIR): the image, `storage ... source file`, `config-data file`
# and `init-descriptor`, judged after symlinks and `..` are resolved, on a
# directory boundary. `..` escapes, symlinks out of the image directory (to
# a file and through a directory), a sibling directory that only shares the
# prefix, the store itself and /etc/shadow as a storage file, as config-data
# and as init-descriptor: each refused at commit check with the path under
# the VNF's [edit ...] line; the configuration, the state directory and
# /etc/shadow are unchanged. The same VNF with its files inside the image
# directory passes the check. Real daemons, default (embedded QEMU) driver.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
NFX="$ROOT/nfx"
parent="$(mktemp -d /tmp/nfx-sec-paths.XXXXXX)"
state="$parent/state"
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
cli() { timeout 120 "$NFX" cli --state-dir "$state" "$@"; }

mkdir -p "$img" "$state/images-evil"
"$ROOT/vnf-images/make-test-vnf" "$img/base.qcow2" >/dev/null 2>&1 || fail "make-test-vnf"
cp "$img/base.qcow2" "$parent/outside.qcow2"
cp "$img/base.qcow2" "$state/images-evil/x.qcow2"
ln -s "$parent/outside.qcow2" "$img/link.qcow2"
ln -s /etc/shadow "$img/shadow.img"
ln -s /etc "$img/etc"
truncate -s 1M "$img/data.img"
echo "hostname p" >"$img/day0.txt"
cat >"$img/desc.xml" <<'EOF'
<domain type='qemu'><name>p</name><memory>1</memory><os><type>hvm</type></os></domain>
EOF
echo '<domain/>' >"$parent/outside.xml"
NFX_IMAGE_DIR="$img" "$NFX" up --state-dir "$state" >/dev/null

shadow_before="$(stat -c '%U %G %a %Y %s' /etc/shadow)"
cfg_before="$(cli -c "show configuration | display set")"
base="set system virtualization accel tcg
set virtual-network-functions p image $img/base.qcow2
set virtual-network-functions p memory size 131072"

# refused LINES EDIT-PATH TEXT...: commit check fails, [edit EDIT-PATH] is
# printed and every TEXT is in the output
refused() {
	local lines="$1" at="$2" o
	shift 2
	set +e
	o="$(printf 'configure\n%s\n%s\ncommit check\nrollback 0\nexit\n' "$base" "$lines" | cli 2>&1)"
	set -e
	grep -q 'error: configuration check-out failed' <<<"$o" || { echo "$o"; fail "not refused: $lines"; }
	grep -qxF "[edit $at]" <<<"$o" || { echo "$o"; fail "no [edit $at] for: $lines"; }
	for t in "$@"; do
		grep -qF -- "$t" <<<"$o" || { echo "$o"; fail "expected '$t' for: $lines"; }
	done
	grep -A1 -xF "[edit $at]" <<<"$o" | tail -1
}
out_of="is outside the image directory $img"

echo "--- images"
refused "set virtual-network-functions p image $img/../../outside.qcow2" \
	"virtual-network-functions p image" "$img/../../outside.qcow2 ($parent/outside.qcow2) $out_of"
refused "set virtual-network-functions p image $img/link.qcow2" \
	"virtual-network-functions p image" "$img/link.qcow2 ($parent/outside.qcow2) $out_of"
refused "set virtual-network-functions p image $state/images-evil/x.qcow2" \
	"virtual-network-functions p image" "$state/images-evil/x.qcow2 $out_of"
refused "set virtual-network-functions p image images/base.qcow2" \
	"virtual-network-functions p image" "not an absolute path"

echo "--- storage files"
refused "set virtual-network-functions p storage vdb source file /etc/shadow" \
	"virtual-network-functions p storage vdb" "storage vdb source file /etc/shadow $out_of"
refused "set virtual-network-functions p storage vdb source file $img/shadow.img" \
	"virtual-network-functions p storage vdb" "$img/shadow.img (/etc/shadow) $out_of"
refused "set virtual-network-functions p storage vdc source file $img/../jdm.db" \
	"virtual-network-functions p storage vdc" "($state/jdm.db) $out_of"

echo "--- config-data files"
refused "set virtual-network-functions p config-data file /etc/shadow" \
	"virtual-network-functions p config-data" "config-data file /etc/shadow $out_of"
refused "set virtual-network-functions p config-data file $img/etc/shadow" \
	"virtual-network-functions p config-data" "$img/etc/shadow (/etc/shadow) $out_of"

echo "--- init-descriptors"
refused "set virtual-network-functions p init-descriptor /etc/shadow" \
	"virtual-network-functions p" "init-descriptor /etc/shadow $out_of"
refused "set virtual-network-functions p init-descriptor $img/../../outside.xml" \
	"virtual-network-functions p" "($parent/outside.xml) $out_of"

echo "--- nothing changed"
[[ "$(cli -c "show configuration | display set")" == "$cfg_before" ]] || fail "configuration changed"
[[ ! -e "$state/vnf/p" ]] || fail "STATE/vnf/p made by a refused commit"
[[ "$(stat -c '%U %G %a %Y %s' /etc/shadow)" == "$shadow_before" ]] || fail "/etc/shadow changed"
[[ -z "$(cli -c 'show virtual-network-functions' | awk 'NR > 2 && $2 != "ipsec-nm"')" ]] || fail "a VNF is defined"

echo "--- the same files inside the image directory pass"
o="$(printf 'configure\n%s\n%s\ncommit check\nrollback 0\nexit\n' "$base" \
	"set virtual-network-functions p storage vdb source file $img/data.img
set virtual-network-functions p config-data file $img/day0.txt
set virtual-network-functions p init-descriptor $img/desc.xml" | cli 2>&1)" || { echo "$o"; fail "check of good paths"; }
grep -q '^configuration check succeeds$' <<<"$o" || { echo "$o"; fail "good paths refused"; }
echo "paths test passed"
