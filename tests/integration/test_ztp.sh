#!/usr/bin/env bash
# Zero-touch provisioning, the happy path: a factory-default box (./nfx up
# on an empty state) with a trust anchor and an admitted device identity
# finds its provisioning server by DHCP (dnsmasq: option 143, and option 43
# + 150 as the fallback), fetches its signed configuration over HTTPS with
# its client certificate (ztp_server.py), fetches and checks the VNF image
# the configuration names (signed sha256 list), and commits it as user ztp
# with a comment naming the source; the VNF runs and turns alive.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
W="$(mktemp -d /tmp/nfx-it-ztp.XXXXXX)"
# shellcheck source=ztp_common.bash
source "$ROOT/tests/integration/ztp_common.bash"
cleanup() {
	local rc=$?
	if [[ $rc -ne 0 ]]; then
		for f in "$W"/box/jdmd.log "$W"/https.log "$W"/dnsmasq.log "$W"/box/ztp/udhcpc.log; do
			[[ -f "$f" ]] && { echo "---- $f" >&2; tail -n 25 "$f" >&2; }
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
img="$W/images"
mkdir -p "$img" "$W/srv/ztp"
"$ROOT/vnf-images/make-test-vnf" "$W/srv/ztp/vnf1.qcow2" >/dev/null 2>&1 || fail "make-test-vnf"
cat >"$W/srv/ztp/box.conf" <<EOC
# the branch box's configuration, signed by the provisioning side
set system host-name ztp-box
set system virtualization accel tcg
set virtual-network-functions vnf1 image $img/vnf1.qcow2
set virtual-network-functions vnf1 image image-type qcow2
set virtual-network-functions vnf1 virtual-cpu count 1
set virtual-network-functions vnf1 memory size 262144
EOC
ztp_sign "$W/srv/ztp/box.conf"
(cd "$W/srv/ztp" && sha256sum vnf1.qcow2 >box.conf.images)
ztp_sign "$W/srv/ztp/box.conf.images"

step "a factory-default box"
box="$W/box"
ztp_box "$box" admit
NFX_IMAGE_DIR="$img" "$ROOT/nfx" up --state-dir "$box" >/dev/null
zcli "$box" -c "show system ztp"
[[ -z "$(zcli "$box" -c "show configuration | display set")" ]] || fail "not an empty store"

# the events an SNMP agent would trap on
timeout 300 "$ROOT/nfx" cli --state-dir "$box" --watch ztp-event >"$W/events" 2>&1 &
ZTP_PIDS+=($!)

step "DHCP (option 143 first; option 43 + 150 behind it) and HTTPS"
ztp_dhcp "$box" "143,$(uri143 "https://192.0.2.1/ztp/box.conf")" \
	"43,$(tlv 1 ztp/box.conf):$(tlv 3 https)" "150,192.0.2.1"
ztp_https "$box" 443

step "committed by ztp within a bounded wait"
ztp_wait "$box" 150 '^  State: provisioned$' || fail "not provisioned"
out="$(zcli "$box" -c "show system ztp")"
echo "$out"
grep -q 'Configuration: https://192.0.2.1/ztp/box.conf' <<<"$out" || fail "source not shown"
grep -q 'Signed by: .*CN=signer' <<<"$out" || fail "signer not shown"
grep -q 'Device certificate: .*CN=NFX' <<<"$out" || fail "device certificate not shown"
commits="$(zcli "$box" -c "show system commit")"
echo "$commits"
head -n 3 <<<"$commits" | grep -E '^0 .* by ztp via ztp' || fail "revision 0 is not ztp's"
grep -qF 'ztp: https://192.0.2.1/ztp/box.conf' <<<"$commits" || fail "commit comment does not name the source"
zcli "$box" -c "show configuration | display set" | grep -qxF 'set system host-name ztp-box' ||
	fail "configuration not active"
[[ -f "$img/vnf1.qcow2.sha256" ]] || fail "no checked sidecar for the fetched image"
cmp -s "$img/vnf1.qcow2" "$W/srv/ztp/vnf1.qcow2" || fail "image differs"
zcli "$box" -c "show system ztp | display xml" | grep -q '<ztp-state>provisioned</ztp-state>' ||
	fail "reply data"
grep -q 'jdmd: ztp: committed the configuration from https://192.0.2.1/ztp/box.conf' "$box/jdmd.log" ||
	fail "no log line"
for ((i = 0; i < 20; i++)); do grep -q '<ztp-state>provisioned</ztp-state>' "$W/events" && break; sleep 0.5; done
grep -q '<ztp-state>provisioned</ztp-state>' "$W/events" || { cat "$W/events"; fail "no ztp-event"; }
grep -q '<ztp-state>fetching</ztp-state>' "$W/events" || fail "no ztp-event for fetching"
stat -c %a "$box/ztp/device.key" | grep -qx 600 || fail "device key not 0600"

step "the VNF runs and is alive"
for ((i = 0; i < 300; i++)); do
	row="$(zcli "$box" -c "show virtual-network-functions" | awk '$2 == "vnf1" {print $3, $4}')"
	[[ "$row" == "running alive" ]] && break
	sleep 0.5
done
zcli "$box" -c "show virtual-network-functions"
[[ "$row" == "running alive" ]] || fail "vnf1 not running alive ($row)"

step "insecure transfer only where allowed: http + unsigned with system ztp allow-unsigned"
ztp_cleanup
# the curly format this time
printf 'system {\n    host-name plain-box;\n}\n' >"$W/srv/ztp/plain.conf"
box2="$W/box2"
ztp_box "$box2" admit
"$ROOT/nfx" up --state-dir "$box2" >/dev/null
out="$(printf 'configure\nset system ztp allow-unsigned\ncommit\n' | zcli "$box2")" ||
	{ echo "$out"; fail "commit allow-unsigned"; }
zcli "$box2" -c "show system ztp" | grep -q '^  State: \(waiting\|discovering\|fetching\)$' ||
	fail "system ztp statements alone must leave the box factory default"
ztp_dhcp "$box2" "43,$(tlv 1 ztp/plain.conf):$(tlv 3 http)" "150,192.0.2.1"
ztp_https "$box2" 80 server --plain
ztp_wait "$box2" 60 '^  State: provisioned$' || fail "plain box not provisioned"
zcli "$box2" -c "show system ztp" | grep -q 'Configuration: http://192.0.2.1/ztp/plain.conf' ||
	fail "plain URL"
[[ "$(zcli "$box2" -c "show configuration | display set")" == "set system host-name plain-box" ]] ||
	fail "load override did not replace the configuration"
grep -q 'unsigned (allowed by system ztp allow-unsigned)' "$box2/jdmd.log" || fail "no warning logged"
ztp_cleanup

step "... and TFTP (dnsmasq's TFTP server), with a matching hash in option 43"
box3="$W/box3"
ztp_box "$box3" admit
"$ROOT/nfx" up --state-dir "$box3" >/dev/null
out="$(printf 'configure\nset system ztp allow-unsigned\ncommit\n' | zcli "$box3")" ||
	{ echo "$out"; fail "commit allow-unsigned"; }
h="$(sha256sum "$W/srv/ztp/plain.conf" | cut -d' ' -f1)"
ztp_dhcp "$box3" "43,$(tlv 1 "ztp/plain.conf#sha256=$h"):$(tlv 3 tftp)" "150,192.0.2.1" \
	--enable-tftp --tftp-root="$W/srv"
ztp_wait "$box3" 60 '^  State: provisioned$' || fail "tftp box not provisioned"
zcli "$box3" -c "show system ztp" | grep -q 'Configuration: tftp://192.0.2.1/ztp/plain.conf' ||
	fail "tftp URL"
ztp_cleanup
echo "OK"
