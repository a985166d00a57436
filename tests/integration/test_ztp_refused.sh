#!/usr/bin/env bash
# Zero-touch provisioning refuses what the trust anchor does not vouch for,
# each on a fresh factory-default box (./nfx up on an empty state) with a
# provisioning server on its management LAN (dnsmasq option 43 + 150, HTTPS
# requiring a client certificate): a tampered configuration (signature
# fails), one signed by a key another CA certifies, a server certificate
# from another CA, a box without an admitted identity (403), a hash-only
# option (no signature), the http transfer mode while unsigned data is not
# allowed, a VNF image that does not match its signed hash. Each time the box stays factory default, jdmd stays
# up, `show system ztp` and the log say why, and it retries with backoff.
# Last, an already configured box: ZTP does nothing (no DHCP at all).
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
W="$(mktemp -d /tmp/nfx-it-ztpno.XXXXXX)"
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
ztp_pki
mkdir -p "$W/srv/ztp" "$W/images"
printf 'set system host-name ztp-box\nset host-os vlans v100 vlan-id 100\n' >"$W/srv/ztp/box.conf"
ztp_sign "$W/srv/ztp/box.conf"
# tampered: one byte changed after signing
sed 's/v100 vlan-id 100/v100 vlan-id 101/' "$W/srv/ztp/box.conf" >"$W/srv/ztp/tampered.conf"
cp "$W/srv/ztp/box.conf.p7s" "$W/srv/ztp/tampered.conf.p7s"
# signed, but by a key the anchor does not certify
cp "$W/srv/ztp/box.conf" "$W/srv/ztp/rogue.conf"
ztp_sign "$W/srv/ztp/rogue.conf" rogue-signer
# unsigned; its hash goes into the DHCP option
cp "$W/srv/ztp/box.conf" "$W/srv/ztp/unsigned.conf"
hash="$(sha256sum "$W/srv/ztp/unsigned.conf" | cut -d' ' -f1)"
# a VNF image that is not the one the signed image list names
printf 'set system host-name ztp-box\nset virtual-network-functions v1 image %s\n' \
	"$W/images/bad.qcow2" >"$W/srv/ztp/imgbad.conf"
ztp_sign "$W/srv/ztp/imgbad.conf"
head -c 65536 /dev/urandom >"$W/srv/ztp/bad.qcow2"
echo "$(printf 'x' | sha256sum | cut -d' ' -f1)  bad.qcow2" >"$W/srv/ztp/imgbad.conf.images"
ztp_sign "$W/srv/ztp/imgbad.conf.images"

n=0
# refused NAME admit|noadmit SERVERCERT CONFIGNAME PATTERN: a fresh box
# provisioned from CONFIGNAME must stay factory default saying PATTERN
refused() {
	local name="$1" admit="$2" cert="$3" conf="$4" pat="$5" mode="${6:-https}" box
	n=$((n + 1))
	box="$W/box$n"
	step "$name"
	ztp_box "$box" "$admit"
	NFX_IMAGE_DIR="$W/images" "$ROOT/nfx" up --state-dir "$box" >/dev/null
	ztp_dhcp "$box" "43,$(tlv 1 "$conf"):$(tlv 3 "$mode")" "150,192.0.2.1"
	ztp_https "$box" 443 "$cert"
	ztp_wait "$box" 90 "Reason: .*$pat" || fail "$name: no reason matching '$pat'"
	zcli "$box" -c "show system ztp" | sed -n '1,8p'
	ztp_wait "$box" 30 '^  State: (waiting|discovering|fetching)$' || fail "$name: not retrying"
	ztp_factory "$box"
	grep -qE "jdmd: ztp: attempt [0-9]+ failed: .*$pat.*; next attempt in [0-9]+ s" "$box/jdmd.log" ||
		fail "$name: no log line"
	zcli "$box" -c "show system ztp | display xml" | grep -q '<ztp-last-result>failed</ztp-last-result>' ||
		fail "$name: reply data"
	ztp_cleanup_pids
	"$ROOT/nfx" down --state-dir "$box" >/dev/null
}

refused "a tampered configuration" admit server "ztp/tampered.conf" "signature verification failed"
refused "a configuration signed by another CA's key" admit server "ztp/rogue.conf" \
	"signature verification failed"
refused "a server certificate from another CA" admit rogue-server "ztp/box.conf" \
	"not vouched for by the trust anchor"
refused "a box without an admitted identity" noadmit server "ztp/box.conf" \
	"HTTP 403: identity not admitted"
refused "a hash-only DHCP option" admit server "ztp/unsigned.conf#sha256=$hash" \
	"no valid signature .*a hash in a DHCP option is not enough"

refused "a signed configuration whose sha256 is not the one of option 43" admit server \
	"ztp/box.conf#sha256=$(sha256sum "$W/srv/ztp/tampered.conf" | cut -d' ' -f1)" "does not match the sha256 of the DHCP option"
refused "transfer mode http without allow-unsigned" admit server "ztp/unsigned.conf" \
	"transfer mode http is refused: it needs .system ztp allow-unsigned." http
refused "a VNF image that does not match its signed sha256" admit server "ztp/imgbad.conf" \
	"image bad.qcow2: sha256 [0-9a-f]+ is not the signed"
[[ ! -e "$W/images/bad.qcow2" ]] || fail "the bad image was kept"
left=("$W"/images/* "$W"/images/.[!.]*)
for f in "${left[@]}"; do [[ -e "$f" ]] && fail "left in the image directory: $f"; done

step "backoff: the attempts go on, further apart"
box="$W/box$n"
NFX_IMAGE_DIR="$W/images" "$ROOT/nfx" up --state-dir "$box" >/dev/null
ztp_wait "$box" 60 '^  Attempts: [3-9]' || fail "no retries"
grep -o 'next attempt in [0-9]* s' "$box/jdmd.log" | tail -n 3
gaps="$(grep -o 'next attempt in [0-9]* s' "$box/jdmd.log" | awk '{print $4}' | tail -n 2 | tr '\n' ' ')"
read -r g1 g2 <<<"$gaps"
[[ "$g2" -gt "$g1" ]] || fail "backoff does not grow ($gaps)"
"$ROOT/nfx" down --state-dir "$box" >/dev/null

step "an already configured box: ZTP does nothing"
n=$((n + 1))
box="$W/box$n"
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
n=$((n + 1))
box="$W/box$n"
ztp_box "$box" admit
NFX_IMAGE_DIR="$W/images" "$ROOT/nfx" up --state-dir "$box" >/dev/null
out="$(printf 'configure\nset system ztp disable\ncommit\n' | zcli "$box")" || { echo "$out"; fail "commit"; }
ztp_wait "$box" 30 '^  State: disabled$' || fail "not 'disabled'"
zcli "$box" -c "show system ztp" | grep -q 'Reason: system ztp disable' || fail "no reason"
echo "OK"
