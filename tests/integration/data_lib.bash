# shellcheck shell=bash
# Helpers of the data-side tests (tests/integration/test_data_*.sh) and
# bench/ovs-path: one appliance (./nfx up in a temp state dir), its two CLIs,
# LAN hosts on front-panel ports (./nfx host), the host-os switch's OVSDB
# (STATE/ovs/db.sock) and the VNFs' serial consoles.
#
# The sourcing script sets ROOT; data_init makes $state and $img (the image
# directory jdmd may read) and the trap that takes everything down.
# Not a test itself (tests/run-integration.sh runs *.sh only).

NFX="$ROOT/nfx"
state=""
img=""
DATA_CLEANUP_HOOK="${DATA_CLEANUP_HOOK:-}"

data_fail() {
	echo "FAIL: $*" >&2
	exit 1
}

data_cleanup() {
	local rc=$? f
	trap '' INT TERM
	[[ -z "$DATA_CLEANUP_HOOK" ]] || "$DATA_CLEANUP_HOOK" || true
	if [[ -n "$state" && -d "$state" ]]; then
		if [[ $rc -ne 0 ]]; then
			for f in jdmd.log jcpd.log supervisor.log; do
				[[ -s "$state/$f" ]] && { echo "---- $f" >&2; tail -n 25 "$state/$f" >&2; }
			done
			for f in "$state"/vnf/*/console.log; do
				[[ -f "$f" ]] && { echo "---- $f" >&2; tail -n 8 "$f" | tr -d '\r' >&2; }
			done
			[[ -S "$state/ovs/db.sock" ]] && { echo "---- ovs-vsctl show" >&2; ovsctl show >&2 2>&1 || true; }
		fi
		"$NFX" down --state-dir "$state" >/dev/null 2>&1 || true
		rm -rf "$state"
	fi
	exit "$rc"
}

# data_init TAG: the state dir, the image dir with the test VNF image
# ($img/base.qcow2), the traps. Skips (77) where the test cannot run.
data_init() {
	[[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root (netns)"; exit 77; }
	local c
	for c in qemu-system-x86_64 ovs-vswitchd ovsdb-server ovs-vsctl; do
		command -v "$c" >/dev/null || { echo "SKIP: $c not installed"; exit 77; }
	done
	# the host-os switch (jdm/jdm_vswitch*) and the PFE bridge (jcp/jcp_pfe*)
	# are other branches' work: until both are in this tree, skip
	compgen -G "$ROOT/jdm/jdm_vswitch*.c" >/dev/null ||
		{ echo "SKIP: this tree has no host-os switch yet (jdm/jdm_vswitch*.c)"; exit 77; }
	compgen -G "$ROOT/jcp/jcp_pfe*.c" >/dev/null ||
		{ echo "SKIP: this tree has no PFE bridge yet (jcp/jcp_pfe*.c)"; exit 77; }
	state="$(mktemp -d "/tmp/nfx-it-$1.XXXXXX")"
	img="$state/images"
	trap data_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	mkdir -p "$img/day0"
	"$ROOT/vnf-images/make-test-vnf" "$img/base.qcow2" >/dev/null 2>"$state/make-test-vnf.log" ||
		{ cat "$state/make-test-vnf.log" >&2; data_fail "make-test-vnf"; }
}

# data_up: ./nfx up with $img as the image directory
data_up() {
	NFX_IMAGE_DIR="$img" "$NFX" up --state-dir "$state" >/dev/null || data_fail "./nfx up"
}

jdm() { timeout 120 "$NFX" cli --state-dir "$state" "$@"; }
jcp() { timeout 120 "$NFX" cli --state-dir "$state" --target jcp "$@"; }
ovsctl() { ovs-vsctl --db="unix:$state/ovs/db.sock" --timeout=20 "$@"; }
appns() { head -n1 "$state/netns-appliance" 2>/dev/null || head -n1 "$state/netns"; }

# commit_to jdm|jcp LINES: configure, load the set lines, commit; fails the
# test unless every line loaded and the commit completes (a commit of the
# lines that did load also says "commit complete").
commit_to() {
	local who="$1" lines="$2" out
	out="$(printf 'configure\nload set terminal\n%s\n\004\ncommit\nexit\n' "$lines" | "$who")" ||
		{ echo "$out"; data_fail "$who commit failed"; }
	! grep -Eq '^load complete \([1-9][0-9]* errors?\)' <<<"$out" ||
		{ echo "$out"; data_fail "$who: load set terminal refused lines"; }
	grep -q '^commit complete$' <<<"$out" || { echo "$out"; data_fail "$who: no commit complete"; }
}

# commit_ok: configure, the configure-mode lines on stdin, commit (jdm);
# fails the test unless the commit completes.
commit_ok() {
	local out
	out="$(jdm <<<"configure
$(cat)
commit")" || { echo "$out"; data_fail "commit"; }
	grep -q '^commit complete$' <<<"$out" || { echo "$out"; data_fail "no commit complete"; }
}

appctl() { timeout 30 ovs-appctl -t "$state/ovs/ovs-vswitchd.ctl" "$@"; }

# qemu_pid NAME: the QEMU process of VNF NAME in the appliance namespace
qemu_pid() {
	local p
	for p in $(ip netns pids "$(appns)"); do
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q "guest=$1," && { echo "$p"; return 0; }
	done
	return 1
}

# wait_for SECONDS COMMAND...: until the command succeeds
wait_for() {
	local t="$1" end
	shift
	end=$(($(date +%s) + t))
	while (($(date +%s) < end)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.5
	done
	return 1
}

# vnf_image NAME: a copy of the test VNF for VNF NAME ($img/NAME.qcow2)
vnf_image() { cp "$img/base.qcow2" "$img/$1.qcow2"; }

# vnf_lines NAME: the set lines of a small VNF (1 vCPU, 256 MiB, TCG)
vnf_lines() {
	local v="$1"
	echo "set virtual-network-functions $v image $img/$v.qcow2
set virtual-network-functions $v image image-type qcow2
set virtual-network-functions $v virtual-cpu count 1
set virtual-network-functions $v memory size 262144"
}

# day0 VNF FILE CONTENT: a config-data file of VNF and its set line
day0() {
	mkdir -p "$img/day0/$1"
	printf '%s\n' "$3" >"$img/day0/$1/$2"
	echo "set virtual-network-functions $1 config-data file $img/day0/$1/$2"
}

# ready VNF [N]: the VNF's console has said "nfx-test-vnf ready" N times
# (default 1; a restarted guest says it again)
ready_count() { grep -a -c 'nfx-test-vnf ready' "$state/vnf/$1/console.log" 2>/dev/null || true; }
ready() { [[ "$(ready_count "$1")" -ge "${2:-1}" ]]; }
ready_line() { grep -a 'nfx-test-vnf ready' "$state/vnf/$1/console.log" | tail -n1 | tr -d '\r'; }

# lan_host PORT ADDR/N [GATEWAY]: a LAN host on front-panel port PORT with
# that address (and default route); prints its namespace
lan_host() {
	local h
	h="$("$NFX" host --state-dir "$state" "$1")" || data_fail "./nfx host $1"
	ip -n "$h" addr add "$2" dev eth0
	[[ -z "${3:-}" ]] || ip -n "$h" route replace default via "$3"
	echo "$h"
}

# pings NS ADDR: one ping answered (1 s)
pings() { ip netns exec "$1" ping -c 1 -W 1 "$2" >/dev/null 2>&1; }
# no_ping NS ADDR: none of 3 pings answered
no_ping() { ! ip netns exec "$1" ping -c 3 -i 0.3 -W 1 "$2" >/dev/null 2>&1; }

# port_tag PORT: the access tag of OVS port PORT in `ovs-vsctl show` (empty if none)
port_tag() {
	ovsctl show | awk -v p="$1" '
		$1 == "Port" { cur = $2; gsub(/"/, "", cur); next }
		cur == p && $1 == "tag:" { print $2; exit }'
}
# has_tag PORT TAG: OVS port PORT exists with access tag TAG
has_tag() { [[ "$(port_tag "$1")" == "$2" ]]; }
# port_trunks PORT: the trunks of OVS port PORT in `ovs-vsctl show` ("[300, 301]")
port_trunks() {
	ovsctl show | awk -v p="$1" '
		$1 == "Port" { cur = $2; gsub(/"/, "", cur); next }
		cur == p && $1 == "trunks:" { sub(/^[^:]*: */, ""); print; exit }'
}
has_trunks() { [[ "$(port_trunks "$1")" == "$2" ]]; }
# vnf_port VNF ethN: the OVS port (the TAP) of that VNF interface: VNF_ethN,
# or, longer than 15 characters, what jdm_domain_ifname() makes of it (the
# first 10 characters, "-" and 16 bits of its FNV-1a hash)
vnf_port() {
	python3 - "$1_$2" <<'PY'
import sys
w = sys.argv[1]
if len(w) <= 15:
    print(w)
else:
    h = 0xcbf29ce484222325
    for c in w.encode():
        h = ((h ^ c) * 0x100000001b3) & 0xffffffffffffffff
    h16 = (h ^ (h >> 16) ^ (h >> 32) ^ (h >> 48)) & 0xffff
    print("%s-%04x" % (w[:10], h16))
PY
}
