# Shared by the zero-touch provisioning tests (test_ztp*.sh); sourced, not a
# test. Everything that talks on a network runs inside namespaces: the box's
# udhcpc in the appliance namespace (./nfx up), dnsmasq and the HTTPS server
# (tests/integration/ztp_server.py) in the box's management-LAN namespace
# (DIR/netns-mgmt, 192.0.2.1/24 on mgmt0). Keys and certificates are made
# here with openssl, in the test's temp directory, and removed with it.
# The caller sets W (work dir) and calls ztp_cleanup from its trap.

ZTP_PY=/usr/bin/python3
ZTP_SERVER="$ROOT/tests/integration/ztp_server.py"
ZTP_PIDS=()
ZTP_BOXES=()
export NFX_ZTP_RETRY="${NFX_ZTP_RETRY:-2}" # short backoff under tests

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "--- $*"; }

ztp_need() {
	local p
	for p in /usr/bin/openssl /usr/sbin/dnsmasq /bin/busybox "$ZTP_PY"; do
		[[ -x "$p" ]] || { echo "SKIP: $p missing"; exit 77; }
	done
	[[ "$(id -u)" -eq 0 ]] || { echo "SKIP: needs root (namespaces)"; exit 77; }
}

# kill only what we started, by PID; stop the boxes
ztp_cleanup() {
	local p s
	for p in "${ZTP_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${ZTP_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	ZTP_PIDS=()
	for s in "${ZTP_BOXES[@]}"; do "$ROOT/nfx" down --state-dir "$s" >/dev/null 2>&1 || true; done
}

# ---------------------------------------------------------------- PKI

ossl() { openssl "$@" >/dev/null 2>&1 || fail "openssl $*"; }
# ztp_ca NAME: self-signed CA W/pki/NAME.{key,pem}
ztp_ca() {
	ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-keyout "$W/pki/$1.key" -out "$W/pki/$1.pem" -subj "/CN=$1 test CA"
}
# ztp_issue NAME CA [EXTFILE]: W/pki/NAME.{key,pem} issued by CA
ztp_issue() {
	ossl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$W/pki/$1.key" -out "$W/pki/$1.csr" -subj "/CN=$1"
	ossl x509 -req -in "$W/pki/$1.csr" -CA "$W/pki/$2.pem" -CAkey "$W/pki/$2.key" \
		-CAcreateserial -days 2 -out "$W/pki/$1.pem" ${3:+-extfile "$3"}
}
# The trust anchor (signs the server and the configuration signer), another
# CA (a rogue server), the device CA (admits boxes).
ztp_pki() {
	mkdir -p "$W/pki"
	ztp_ca anchor
	ztp_ca other
	ztp_ca devices
	printf 'subjectAltName=IP:192.0.2.1\nextendedKeyUsage=serverAuth\n' >"$W/pki/server.ext"
	ztp_issue server anchor "$W/pki/server.ext"
	ztp_issue rogue-server other "$W/pki/server.ext"
	ztp_issue signer anchor
	ztp_issue rogue-signer other
}
# ztp_sign FILE [SIGNER]: FILE.p7s, a detached CMS signature
ztp_sign() {
	local s="${2:-signer}"
	ossl cms -sign -binary -in "$1" -signer "$W/pki/$s.pem" -inkey "$W/pki/$s.key" \
		-outform DER -out "$1.p7s"
}

# ---------------------------------------------------------------- boxes

# ztp_box STATE [admit|noadmit [noanchor]]: a fresh factory-default box's
# state dir, with the trust anchor (unless noanchor), and (admit) a device
# certificate signed by the device CA from the CSR the box made.
ztp_box() {
	local s="$1"
	(umask 077 && mkdir -p "$s")
	if [[ "${3:-}" != noanchor ]]; then
		"$ROOT/nfx" ztp-ca --state-dir "$s" "$W/pki/anchor.pem" || fail "nfx ztp-ca"
	fi
	"$ROOT/nfx" ztp-identity --state-dir "$s" >"$s.csr" || fail "nfx ztp-identity"
	if [[ "${2:-admit}" == admit ]]; then
		ossl x509 -req -in "$s.csr" -CA "$W/pki/devices.pem" -CAkey "$W/pki/devices.key" \
			-CAcreateserial -days 2 -out "$s.crt"
		"$ROOT/nfx" ztp-identity --state-dir "$s" --install "$s.crt" 2>/dev/null ||
			fail "nfx ztp-identity --install"
	fi
	ZTP_BOXES+=("$s")
}

# ---------------------------------------------------------------- servers

hexs() { printf '%s' "$1" | od -An -tx1 -v | tr -s ' \n' ' ' | sed 's/^ //; s/ $//; s/ /:/g'; }
# tlv CODE TEXT: one option 43 sub-option, as dnsmasq hex
tlv() { printf '%02x:%02x:%s' "$1" "${#2}" "$(hexs "$2")"; }
# uri143 URI: one option 143 entry
uri143() { printf '00:%02x:%s' "${#1}" "$(hexs "$1")"; }

# ztp_dhcp STATE OPTION...: dnsmasq on the box's management LAN with the
# given --dhcp-option-force values (e.g. "43,HEX" "150,192.0.2.1"); words
# starting with -- are dnsmasq options as they are.
ztp_dhcp() {
	local s="$1"; shift
	local lan o args=()
	lan="$(cat "$s/netns-mgmt")"
	for o in "$@"; do
		if [[ "$o" == --* ]]; then args+=("$o"); else args+=("--dhcp-option-force=$o"); fi
	done
	ip netns exec "$lan" /usr/sbin/dnsmasq --no-daemon --conf-file=/dev/null --port=0 \
		--interface=mgmt0 --bind-interfaces --dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0,10m \
		--dhcp-leasefile="$W/leases.$$" --pid-file= --log-dhcp "${args[@]}" \
		>>"$W/dnsmasq.log" 2>&1 &
	ZTP_PIDS+=($!)
}

# ztp_https STATE PORT [CERTNAME [--plain]]: the provisioning server for W/srv
ztp_https() {
	local s="$1" port="$2" c="${3:-server}" lan
	lan="$(cat "$s/netns-mgmt")"
	ip netns exec "$lan" "$ZTP_PY" "$ZTP_SERVER" --dir "$W/srv" --cert "$W/pki/$c.pem" \
		--key "$W/pki/$c.key" --client-ca "$W/pki/devices.pem" --bind 192.0.2.1 --port "$port" \
		${4:+"$4"} >>"$W/https.log" 2>&1 &
	ZTP_PIDS+=($!)
}

ztp_servers_stop() { ztp_cleanup_pids; }
ztp_cleanup_pids() {
	local p
	for p in "${ZTP_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${ZTP_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	ZTP_PIDS=()
}

# ---------------------------------------------------------------- checks

zcli() { timeout 60 "$ROOT/nfx" cli --state-dir "$1" "${@:2}"; }
ztp_state() { zcli "$1" -c "show system ztp" | sed -n 's/^  State: //p'; }
# ztp_wait STATE SECONDS PATTERN: until `show system ztp` matches PATTERN
ztp_wait() {
	local s="$1" t="$2" pat="$3" i
	for ((i = 0; i < t * 2; i++)); do
		zcli "$s" -c "show system ztp" 2>/dev/null | grep -qE -- "$pat" && return 0
		sleep 0.5
	done
	zcli "$s" -c "show system ztp" >&2 || true
	tail -n 20 "$s/jdmd.log" >&2 || true
	return 1
}
# no revision was committed: the box is still factory default
ztp_factory() {
	local out
	out="$(zcli "$1" -c "show configuration | display set")"
	[[ -z "$out" ]] || { echo "$out" >&2; fail "the box is not factory default"; }
	zcli "$1" -c "show system commit" | grep -q ' ztp ' && fail "ztp committed something"
	return 0
}

# ---------------------------------------------------------------- refusals

# The data of the refusal tests in W/srv/ztp: box.conf (signed), a tampered
# copy, one signed by a key the anchor does not certify, an unsigned copy
# (its hash in ZTP_HASH), a configuration whose VNF image is not the one the
# signed image list names.
ztp_refusal_data() {
	ztp_pki
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
	# shellcheck disable=SC2034 # read by the tests
	ZTP_HASH="$(sha256sum "$W/srv/ztp/unsigned.conf" | cut -d' ' -f1)"
	# a VNF image that is not the one the signed image list names
	printf 'set system host-name ztp-box\nset virtual-network-functions v1 image %s\n' \
		"$W/images/bad.qcow2" >"$W/srv/ztp/imgbad.conf"
	ztp_sign "$W/srv/ztp/imgbad.conf"
	head -c 65536 /dev/urandom >"$W/srv/ztp/bad.qcow2"
	echo "$(printf 'x' | sha256sum | cut -d' ' -f1)  bad.qcow2" >"$W/srv/ztp/imgbad.conf.images"
	ztp_sign "$W/srv/ztp/imgbad.conf.images"
}

ZTP_N=0
# refused NAME admit|noadmit[-noanchor] SERVERCERT CONFIGNAME PATTERN [MODE]:
# a fresh box provisioned from CONFIGNAME (raw:HEX: option 43 as it is)
# must stay factory default saying PATTERN
refused() {
	local name="$1" admit="$2" cert="$3" conf="$4" pat="$5" mode="${6:-https}" box o43
	ZTP_N=$((ZTP_N + 1))
	box="$W/box$ZTP_N"
	step "$name"
	ztp_box "$box" "${admit%-noanchor}" "$([[ $admit == *-noanchor ]] && echo noanchor)"
	local ca=()
	# no anchor at all, whatever this machine has in /etc/nfx
	[[ $admit != *-noanchor ]] || ca=("NFX_ZTP_CA=$box/ztp/absent.pem")
	env "${ca[@]}" NFX_IMAGE_DIR="$W/images" "$ROOT/nfx" up --state-dir "$box" >/dev/null
	o43="$(tlv 1 "$conf"):$(tlv 3 "$mode")"
	[[ "$conf" != raw:* ]] || o43="${conf#raw:}"
	ztp_dhcp "$box" "43,$o43" "150,192.0.2.1"
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

