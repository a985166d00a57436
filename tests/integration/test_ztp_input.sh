#!/usr/bin/env bash
# Zero-touch provisioning and bad input, each on a fresh factory-default
# box with a provisioning server on its management LAN: a malformed option
# 43, the http transfer mode while unsigned data is not allowed, a VNF image
# that does not match its signed sha256 (nothing left in the image
# directory): the box stays factory default, says why, retries; the retries
# come further and further apart (backoff). An already configured box is
# never touched (no DHCP at all), nor one with `set system ztp disable`.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
W="$(mktemp -d /tmp/nfx-it-ztpin.XXXXXX)"
# shellcheck source=ztp_common.bash
source "$ROOT/tests/integration/ztp_common.bash"
cleanup() {
	local rc=$?
	if [[ $rc -ne 0 ]]; then
		for f in "$W"/https.log "$W"/dnsmasq.log; do
			[[ -f "$f" ]] && { echo "---- $f" >&2; tail -n 15 "$f" >&2; }
		done
	fi
	ztp_cleanup
	rm -rf "$W"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
ztp_need

step "PKI and the provisioning data"
ztp_refusal_data

refused "a malformed option 43 (sub-option longer than the option)" admit server \
	"raw:01:30:61:62:63" "no bootstrap server .*option 43: sub-option 1 is truncated"
refused "transfer mode http without allow-unsigned" admit server "ztp/unsigned.conf" \
	"transfer mode http is refused: it needs .system ztp allow-unsigned." http
refused "a VNF image that does not match its signed sha256" admit server "ztp/imgbad.conf" \
	"image bad.qcow2: sha256 [0-9a-f]+ is not the signed"
[[ ! -e "$W/images/bad.qcow2" ]] || fail "the bad image was kept"
left=("$W"/images/* "$W"/images/.[!.]*)
for f in "${left[@]}"; do [[ -e "$f" ]] && fail "left in the image directory: $f"; done

step "backoff: the attempts go on, further apart"
box="$W/box$ZTP_N"
NFX_IMAGE_DIR="$W/images" "$ROOT/nfx" up --state-dir "$box" >/dev/null
ztp_wait "$box" 60 '^  Attempts: [3-9]' || fail "no retries"
grep -o 'next attempt in [0-9]* s' "$box/jdmd.log" | tail -n 3
gaps="$(grep -o 'next attempt in [0-9]* s' "$box/jdmd.log" | awk '{print $4}' | tail -n 2 | tr '\n' ' ')"
read -r g1 g2 <<<"$gaps"
[[ "$g2" -gt "$g1" ]] || fail "backoff does not grow ($gaps)"
"$ROOT/nfx" down --state-dir "$box" >/dev/null

step "an already configured box: ZTP does nothing"
ZTP_N=$((ZTP_N + 1))
box="$W/box$ZTP_N"
ztp_box "$box" admit
NFX_IMAGE_DIR="$W/images" "$ROOT/nfx" up --state-dir "$box" >/dev/null
out="$(printf 'configure\nset system host-name configured-box\ncommit\n' | zcli "$box")" ||
	{ echo "$out"; fail "commit"; }
ztp_wait "$box" 30 '^  State: configured$' || fail "not 'configured'"
: >"$W/dnsmasq.log"
ztp_dhcp "$box" "43,$(tlv 1 ztp/box.conf):$(tlv 3 https)" "150,192.0.2.1"
ztp_https "$box" 443
# for three backoff periods nothing changes and nobody asks for a lease
for ((i = 0; i < 16; i++)); do
	[[ "$(ztp_state "$box")" == configured ]] || fail "state left 'configured'"
	sleep 0.5
done
! grep -q DHCPDISCOVER "$W/dnsmasq.log" || fail "a configured box sent DHCP"
[[ "$(zcli "$box" -c "show configuration | display set")" == "set system host-name configured-box" ]] ||
	fail "the configuration changed"
! zcli "$box" -c "show system commit" | grep -q ' by ztp ' || fail "ztp committed"
zcli "$box" -c "show system ztp"
ztp_cleanup_pids
"$ROOT/nfx" down --state-dir "$box" >/dev/null

step "set system ztp disable: a factory-default box that does not provision itself"
ZTP_N=$((ZTP_N + 1))
box="$W/box$ZTP_N"
ztp_box "$box" admit
NFX_IMAGE_DIR="$W/images" "$ROOT/nfx" up --state-dir "$box" >/dev/null
out="$(printf 'configure\nset system ztp disable\ncommit\n' | zcli "$box")" || { echo "$out"; fail "commit"; }
ztp_wait "$box" 30 '^  State: disabled$' || fail "not 'disabled'"
zcli "$box" -c "show system ztp" | grep -q 'Reason: system ztp disable' || fail "no reason"
echo "OK"
