#!/usr/bin/env bash
# Zero-touch provisioning refuses what the trust anchor does not vouch for,
# each on a fresh factory-default box (./nfx up on an empty state) with a
# provisioning server on its management LAN (dnsmasq option 43 + 150, HTTPS
# requiring a client certificate): a tampered configuration (signature
# fails), one signed by a key another CA certifies, a server certificate
# from another CA, a box without an admitted identity (403), a hash-only
# option (no signature), a signed configuration whose hash differs from
# the option's, a box without a trust anchor. Each time the box stays
# factory default, jdmd stays up, `show system ztp` and the log say why,
# and it retries. (test_ztp_input: bad input, backoff, configured boxes.)
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
ztp_refusal_data
hash="$ZTP_HASH"

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
	"ztp/box.conf#sha256=$(sha256sum "$W/srv/ztp/tampered.conf" | cut -d' ' -f1)" \
	"does not match the sha256 of the DHCP option"
refused "a box without a trust anchor" admit-noanchor server "ztp/box.conf" \
	"no trust anchor .*: the server cannot be authenticated"
echo "OK"
