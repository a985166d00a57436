#!/usr/bin/env bash
# The Debian package, end to end: build it once from a copy of the tree
# (dpkg-buildpackage -us -uc -b; the time it takes is printed), lintian
# reports no errors, `dpkg -i` installs it, `systemd-analyze verify` passes
# on the installed units; then jdmd and jcpd are started from the installed
# files by the units' ExecStart lines (no systemd runs as PID 1 here) inside
# a network namespace made for the test (jmgmt0 cabled to a management-LAN
# namespace, 192.0.2.0/24), a read-only user's CLI works on the default
# socket /run/nfx/jdm.sock (and is refused configuration mode), a VNF
# commits and runs under QEMU (TCG), a VLAN commits on the JCP, stopping and
# starting both daemons brings the VNF and both configurations back. At the end the package is
# purged and nothing it or the test added is left: /etc/nfx, /var/lib/nfx,
# /var/log/nfx, /run/nfx, /var/third-party, the nfx group, the test's user,
# the units' enablement links.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
[[ "$(id -u)" -eq 0 ]] || { echo "needs root (dpkg -i, ip netns)"; exit 77; }
for t in dpkg-buildpackage lintian systemd-analyze dpkg ip runuser useradd; do
	command -v "$t" >/dev/null || { echo "no $t"; exit 77; }
done
# One package test at a time on a machine (checkouts side by side run their
# tests at once): an flock on /var/lib/dpkg, which always exists (dpkg's own
# locks are fcntl locks on files in it, which this does not touch), so the
# lock leaves no file behind.
exec 9</var/lib/dpkg
flock -w 900 9 || { echo "another package test holds the lock"; exit 77; }
# Only on a machine where nfx is not installed: the test purges it at the end.
if dpkg-query -W -f='${db:Status-Status}' nfx 2>/dev/null | grep -qx installed; then
	echo "the nfx package is installed on this machine already"; exit 77
fi
for p in /etc/nfx /var/lib/nfx /var/log/nfx /var/third-party /run/nfx; do
	[[ ! -e "$p" ]] || { echo "$p exists already (not the test's to purge)"; exit 77; }
done
getent group nfx >/dev/null && { echo "group nfx exists already"; exit 77; }

work="$(mktemp -d /tmp/nfx-it-deb.XXXXXX)"
NS="nfx-debt-$$"
LAN="$NS-mgmt"
RO="nfxdebro$$"
IMG=/var/third-party/images/nfxdeb.qcow2
pj="" pc="" rpid="" made_user=0 installed=0

alive() { [[ -n "${1:-}" && -d "/proc/$1" ]] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
gone() { ! alive "$1"; }
# stop PID: TERM, then KILL after 30 s
stop_pid() {
	local p="${1:-}" i
	alive "$p" || return 0
	kill -TERM "$p" 2>/dev/null || true
	for ((i = 0; i < 300; i++)); do alive "$p" || return 0; sleep 0.1; done
	kill -KILL "$p" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do alive "$p" || return 0; sleep 0.1; done
}
# what is left in the appliance namespace once the daemons are gone (the
# VNFs' QEMU, which libvirt daemonizes): killed, as systemd's KillMode=mixed
# does with what is left in the unit's cgroup
kill_ns_rest() {
	local pids i
	pids="$(ip netns pids "$NS" 2>/dev/null || true)"
	[[ -n "$pids" ]] || return 0
	kill -TERM $pids 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		pids="$(ip netns pids "$NS" 2>/dev/null || true)"
		[[ -n "$pids" ]] || return 0
		sleep 0.1
	done
	kill -KILL $pids 2>/dev/null || true
}
stop_daemons() {
	[[ -z "$pc" ]] || stop_pid "$pc"
	[[ -z "$pj" ]] || stop_pid "$pj"
	pc="" pj=""
	kill_ns_rest
}
purge() {
	dpkg --purge nfx >"$work/purge.log" 2>&1 || { cat "$work/purge.log"; return 1; }
	installed=0
}
cleanup() {
	local rc=$?
	if [[ $rc -ne 0 ]]; then
		for f in "$work"/*.log; do [[ -f "$f" ]] && { echo "--- $f"; tail -n 25 "$f"; }; done >&2
	fi
	stop_daemons
	stop_pid "$rpid"
	ip netns del "$NS" 2>/dev/null || true
	ip netns del "$LAN" 2>/dev/null || true
	rm -f "$IMG"
	[[ $installed -eq 0 ]] || purge || true
	if [[ $made_user -eq 1 ]] && id "$RO" >/dev/null 2>&1; then userdel -r "$RO" >/dev/null 2>&1 || userdel "$RO" || true; fi
	rm -rf "$work"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*" >&2; exit 1; }
wait_for() {
	local t="$1"; shift
	for _ in $(seq $((t * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
	return 1
}

echo "--- build the package (dpkg-buildpackage -us -uc -b) from a copy of the tree"
mkdir -p "$work/src/nfx"
(cd "$ROOT" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$work/src/nfx")
t0=$(date +%s)
(cd "$work/src/nfx" && timeout 1200 dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1 ||
	{ tail -n 40 "$work/build.log"; fail "dpkg-buildpackage"; }
echo "package built in $(($(date +%s) - t0)) s"
deb="$(ls "$work"/src/nfx_*_amd64.deb 2>/dev/null | head -n1)"
[[ -f "$deb" ]] || fail "no .deb"

echo "--- lintian: no errors"
lintian --fail-on error "$deb" >"$work/lintian.log" 2>&1 || { cat "$work/lintian.log"; fail "lintian errors"; }
grep '^E:' "$work/lintian.log" && fail "lintian errors"

echo "--- dpkg -i"
installed=1
dpkg -i "$deb" >"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "dpkg -i"; }
for f in /usr/sbin/jdmd /usr/sbin/jcpd /usr/bin/cli /lib/systemd/system/jdmd.service \
	/lib/systemd/system/jcpd.service /etc/nfx/platform.conf /usr/share/nfx/schema/jdm.xml \
	/usr/lib/nfx/make-test-vnf; do
	[[ -e "$f" ]] || fail "$f not installed"
done
[[ -d /var/lib/nfx && -d /run/nfx && -d /var/third-party/images && -d /var/log/nfx ]] ||
	fail "the directories of the installed layout are missing"
getent group nfx >/dev/null || fail "no nfx group"
grep -qx /etc/nfx/platform.conf /var/lib/dpkg/info/nfx.conffiles || fail "/etc/nfx/platform.conf is no conffile"
grep -qx /etc/nfx/nfx.conf /var/lib/dpkg/info/nfx.conffiles || fail "/etc/nfx/nfx.conf is no conffile"
grep -qx 'EnvironmentFile=-/etc/nfx/nfx.conf' /lib/systemd/system/jdmd.service || fail "no EnvironmentFile"

echo "--- an operator's change to /etc/nfx survives a reinstall (conffiles)"
echo "# the operator was here" >>/etc/nfx/platform.conf
dpkg -i "$deb" >"$work/reinstall.log" 2>&1 || { cat "$work/reinstall.log"; fail "dpkg -i (again)"; }
grep -qx "# the operator was here" /etc/nfx/platform.conf || fail "the reinstall overwrote /etc/nfx/platform.conf"
[[ "$(readlink /var/lib/nfx/platform.conf)" == /etc/nfx/platform.conf ]] || fail "no STATE/platform.conf link"

echo "--- systemd-analyze verify on the installed units"
systemd-analyze verify /lib/systemd/system/jdmd.service /lib/systemd/system/jcpd.service \
	>"$work/verify.log" 2>&1 || { cat "$work/verify.log"; fail "systemd-analyze verify"; }
[[ ! -s "$work/verify.log" ]] || { cat "$work/verify.log"; fail "systemd-analyze verify has complaints"; }

echo "--- the appliance's namespace, jmgmt0 cabled to the management LAN"
ip netns add "$NS"
ip netns add "$LAN"
ip -n "$NS" link set lo up
ip -n "$LAN" link set lo up
ip link add jmgmt0 netns "$NS" type veth peer name mgmt0 netns "$LAN"
ip -n "$LAN" addr add 192.0.2.1/24 dev mgmt0
ip -n "$LAN" link set mgmt0 up
ip -n "$NS" link set jmgmt0 up

# the operator's syslog server on the management LAN: a real rsyslogd
# (192.0.2.1, UDP 514), for `system syslog host 192.0.2.1 any any`
mkdir -p "$work/recv"
cat >"$work/recv/rsyslog.conf" <<EOF
global(workDirectory="$work/recv")
module(load="imudp")
input(type="imudp" address="192.0.2.1" port="514")
template(name="withhost" type="string" string="%HOSTNAME% %syslogtag%%msg%\n")
*.* action(type="omfile" file="$work/recv/received.log" template="withhost")
EOF
: >"$work/recv/received.log"
ip netns exec "$LAN" /usr/sbin/rsyslogd -n -f "$work/recv/rsyslog.conf" -i "$work/recv/rsyslogd.pid" \
	</dev/null >"$work/receiver.log" 2>&1 &
rpid=$!

# The ExecStart line of an installed unit, as words (no quoting in ours).
execstart() { sed -n 's/^ExecStart=//p' "/lib/systemd/system/$1.service" | tail -n1; }
read -ra JDMD_CMD <<<"$(execstart jdmd)"
read -ra JCPD_CMD <<<"$(execstart jcpd)"
[[ "${JDMD_CMD[0]}" == /usr/sbin/jdmd && "${JCPD_CMD[0]}" == /usr/sbin/jcpd ]] ||
	fail "ExecStart lines: ${JDMD_CMD[*]} / ${JCPD_CMD[*]}"
# jdmd realises `system host-name` and `name-server` in /etc (its unit says
# --etc-dir /etc) and sets the hostname: here in a UTS namespace of its own
# and a mount namespace where /etc is an overlay whose writes land in
# $work/etc/up, so the machine's /etc/hostname, /etc/resolv.conf and
# hostname stay as they are.
mkdir -p "$work/etc/up" "$work/etc/work"
# The units' EnvironmentFile (/etc/nfx/nfx.conf: KEY=VALUE lines) as
# systemd reads it; Environment=NFX_LOG=syslog is not taken: no journal runs
# here, the daemons' stderr goes to the test's log files.
ENVF=()
while IFS= read -r l; do
	[[ "$l" =~ ^[A-Z_]+=.*$ ]] && ENVF+=("$l")
done < <(sed -n 's/^EnvironmentFile=-\{0,1\}//p' /lib/systemd/system/jdmd.service | xargs -r cat 2>/dev/null)
start_daemons() {
	ip netns exec "$NS" env ${ENVF[@]+"${ENVF[@]}"} unshare --uts --mount --propagation private -- \
		bash -c 'mount -t overlay nfx-etc -o "lowerdir=/etc,upperdir=$1/up,workdir=$1/work" /etc && shift && exec "$@"' \
		nfx-etc "$work/etc" "${JDMD_CMD[@]}" </dev/null >>"$work/jdmd.log" 2>&1 &
	pj=$!
	ip netns exec "$NS" "${JCPD_CMD[@]}" </dev/null >>"$work/jcpd.log" 2>&1 &
	pc=$!
	wait_for 60 test -S /run/nfx/jdm.sock || fail "no /run/nfx/jdm.sock"
	wait_for 60 test -S /run/nfx/jcp.sock || fail "no /run/nfx/jcp.sock"
	wait_for 60 cli -c "show version" || fail "jdmd does not answer"
}
cli() { timeout 60 /usr/bin/cli "$@"; }
ro() { timeout 60 runuser -u "$RO" -- /usr/bin/cli "$@"; }
running() { cli -c "show virtual-network-functions" | awk '$2 == "nfxdeb" {print $3}' | grep -qx running; }

host_before="$(hostname)"
etc_before="$(cat /etc/hostname /etc/resolv.conf 2>/dev/null | sha256sum)"
useradd -M -N -d / -s /bin/sh -c "nfx package test" "$RO"
made_user=1

echo "--- start jdmd and jcpd by their ExecStart lines: ${JDMD_CMD[*]}; ${JCPD_CMD[*]}"
start_daemons
cli --socket /run/nfx/jcp.sock -c "show configuration" >/dev/null || fail "jcpd does not answer"

echo "--- a read-only user and a VNF"
/usr/lib/nfx/make-test-vnf "$IMG" >"$work/make-test-vnf.log" 2>&1 || fail "make-test-vnf"
out="$(cli <<IN
configure
set system host-name nfxdeb
set system name-server 192.0.2.53
set system syslog host 192.0.2.1 any any
set system syslog file messages any notice
set system login user $RO class read-only
set system virtualization accel tcg
set interfaces jmgmt0 unit 0 family inet address 192.0.2.10/24
set virtual-network-functions nfxdeb image $IMG
set virtual-network-functions nfxdeb virtual-cpu count 1
set virtual-network-functions nfxdeb memory size 262144
commit
IN
)" || { echo "$out"; fail "commit"; }
grep -q '^commit complete$' <<<"$out" || { echo "$out"; fail "no commit complete"; }
wait_for 120 running || { cli -c "show virtual-network-functions"; fail "nfxdeb not running"; }
out="$(cli --socket /run/nfx/jcp.sock <<IN
configure
set vlans nfxdeb-v vlan-id 3010
commit
IN
)" || { echo "$out"; fail "jcp commit"; }
grep -q 'commit complete' <<<"$out" || { echo "$out"; fail "jcp: no commit complete"; }

echo "--- system syslog: the receiver on the management LAN and /var/log/nfx/messages get the commits"
received() { grep -q -- "$1" "$work/recv/received.log"; }
wait_for 30 received "nfxdeb jcpd\[[0-9]*\]: UI_COMMIT: User 'root' requested 'commit' operation" ||
	{ cat "$work/recv/received.log"; fail "the receiver did not get jcpd's commit"; }
out="$(printf 'configure\nset system syslog file messages interactive-commands info\ncommit comment "deb syslog"\n' | cli)" ||
	{ echo "$out"; fail "commit"; }
wait_for 30 received "nfxdeb jdmd\[[0-9]*\]: UI_COMMIT: .*(comment: deb syslog)" ||
	{ cat "$work/recv/received.log"; fail "the receiver did not get jdmd's commit"; }
grep -q "comment: deb syslog" /var/log/nfx/messages || fail "no commit in /var/log/nfx/messages"

echo "--- host-name and name-server in jdmd's /etc and hostname, not the machine's"
[[ "$(nsenter -t "$pj" -u hostname)" == nfxdeb ]] || fail "jdmd's hostname is not nfxdeb"
nsenter -t "$pj" -m cat /etc/hostname | grep -qx nfxdeb || fail "/etc/hostname (jdmd's)"
nsenter -t "$pj" -m cat /etc/resolv.conf | grep -qx 'nameserver 192.0.2.53' || fail "/etc/resolv.conf (jdmd's)"
[[ "$(hostname)" == "$host_before" ]] || fail "the machine's hostname changed"
[[ "$(cat /etc/hostname /etc/resolv.conf 2>/dev/null | sha256sum)" == "$etc_before" ]] ||
	fail "the machine's /etc/hostname or /etc/resolv.conf changed"

echo "--- the read-only user's CLI (default socket /run/nfx/jdm.sock)"
r="$(ro -c "show virtual-network-functions" 2>&1)" || { echo "$r"; fail "read-only user: show"; }
grep -q nfxdeb <<<"$r" || { echo "$r"; fail "read-only user does not see the VNF"; }
r="$(ro -c "show configuration system host-name" 2>&1)" || { echo "$r"; fail "read-only user: show configuration"; }
grep -q nfxdeb <<<"$r" || { echo "$r"; fail "read-only user: no host-name"; }
set +e
r="$(ro -c "configure" 2>&1)"
set -e
grep -q 'permission denied' <<<"$r" || { echo "$r"; fail "read-only user entered configuration mode"; }

echo "--- stop both daemons, start them again: everything comes back"
stop_daemons
[[ ! -e /var/lib/nfx/jdm.pid ]] || fail "jdmd left its pid file"
start_daemons
wait_for 120 running || { cli -c "show virtual-network-functions"; fail "nfxdeb not running after the restart"; }
cli -c "show configuration system host-name" | grep -q nfxdeb || fail "configuration lost"
r="$(ro -c "show virtual-network-functions" 2>&1)" || { echo "$r"; fail "read-only user after the restart"; }
grep -q nfxdeb <<<"$r" || { echo "$r"; fail "read-only user: no VNF after the restart"; }
cli --socket /run/nfx/jcp.sock -c "show configuration vlans" | grep -q 'vlan-id 3010' ||
	fail "jcpd's configuration (vlans nfxdeb-v) did not come back"

echo "--- remove keeps the state, purge deletes it and leaves nothing"
stop_daemons
rm -f "$IMG"
dpkg --remove nfx >"$work/remove.log" 2>&1 || { cat "$work/remove.log"; fail "dpkg --remove"; }
[[ -f /var/lib/nfx/jdm.db ]] || fail "remove deleted the state"
[[ -f /etc/nfx/platform.conf ]] || fail "remove deleted the conffile"
[[ ! -e /usr/sbin/jdmd ]] || fail "remove left /usr/sbin/jdmd"
purge || fail "dpkg --purge"
if [[ $made_user -eq 1 ]]; then userdel "$RO" 2>/dev/null || true; made_user=0; fi
for p in /etc/nfx /var/lib/nfx /var/log/nfx /run/nfx /var/third-party /usr/lib/nfx /usr/share/nfx \
	/lib/systemd/system/jdmd.service /etc/systemd/system/multi-user.target.wants/jdmd.service \
	/etc/systemd/system/multi-user.target.wants/jcpd.service /usr/lib/tmpfiles.d/nfx.conf; do
	[[ ! -e "$p" && ! -L "$p" ]] || fail "$p is left after the purge"
done
! getent group nfx >/dev/null || fail "group nfx is left after the purge"
! id "$RO" >/dev/null 2>&1 || fail "user $RO is left"
echo "PASS"
