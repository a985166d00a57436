# Shared by the tests/integration/test_pfe_*.sh tests (sourced, not run):
# an appliance from ./nfx up with Open vSwitch in its namespace, and helpers.
#
# OVS: jdmd starts ovsdb-server and ovs-vswitchd itself (STATE/ovs,
# jdm_ovsproc); should this jdmd not, the test starts them the same way in
# the appliance namespace (files under STATE/ovs) and stops them by PID.
# pfe_restart_vswitchd / pfe_restart_ovsdb kill the daemon and, when the
# test runs OVS itself, start it again (as jdmd would).

NFX="$ROOT/nfx"
OVS_SCHEMA=/usr/share/openvswitch/vswitch.ovsschema
state=""
own_ovs=0

fail() { echo "FAIL: $*" >&2; [[ -z "$state" ]] || tail -n 20 "$state/jcpd.log" >&2; exit 1; }
step() { echo "--- $*"; }

# wait_for SECONDS CMD...: poll CMD every 0.2 s until it succeeds.
wait_for() {
	local secs="$1" i
	shift
	for ((i = 0; i < secs * 5; i++)); do
		if "$@" >/dev/null 2>&1; then return 0; fi
		sleep 0.2
	done
	return 1
}

jcli() { timeout 60 "$NFX" cli --state-dir "$state" --target jcp "$@"; }
vsctl() { timeout 30 ovs-vsctl --db="unix:$state/ovs/db.sock" --timeout=20 "$@"; }

# The PID in pid file $1 if that process is alive, else nothing.
pid_of() {
	local p
	p="$(tr -dc '0-9' <"$1" 2>/dev/null || true)"
	[[ -n "$p" && -d "/proc/$p" ]] && echo "$p" || true
}

start_ovsdb() {
	ip netns exec "$ns" ovsdb-server "$state/ovs/conf.db" --remote="punix:$state/ovs/db.sock" \
		--unixctl="$state/ovs/ovsdb-server.ctl" --pidfile="$state/ovs/ovsdb-server.pid" \
		--log-file="$state/ovs/ovsdb-server.log" --detach --no-chdir ||
		fail "cannot start ovsdb-server"
	vsctl --no-wait init || fail "ovs-vsctl init failed"
}

start_vswitchd() {
	ip netns exec "$ns" ovs-vswitchd "unix:$state/ovs/db.sock" \
		--unixctl="$state/ovs/ovs-vswitchd.ctl" --pidfile="$state/ovs/ovs-vswitchd.pid" \
		--log-file="$state/ovs/ovs-vswitchd.log" --detach --no-chdir ||
		fail "cannot start ovs-vswitchd"
}

# Stop the OVS daemons the test started (by PID).
stop_own_ovs() {
	[[ $own_ovs -eq 1 && -n "$state" ]] || return 0
	local f p
	for f in "$state/ovs/ovs-vswitchd.pid" "$state/ovs/ovsdb-server.pid"; do
		p="$(pid_of "$f")"
		[[ -z "$p" ]] || kill -TERM "$p" 2>/dev/null || true
	done
}

pfe_cleanup() {
	stop_own_ovs
	if [[ -n "$state" ]]; then
		"$NFX" down --state-dir "$state" >/dev/null 2>&1 || true
		rm -rf "$state"
	fi
}

# ./nfx up in a new state dir (with platform file $1 if given), OVS there,
# jcpd's bridge made.
pfe_up() {
	command -v ovs-vswitchd >/dev/null || { echo "SKIP: no Open vSwitch"; exit 77; }
	[[ "$(id -u)" -eq 0 ]] || { echo "SKIP: needs root"; exit 77; }
	state="$(mktemp -d /tmp/nfx-it-pfe.XXXXXX)"
	[[ -z "${1:-}" ]] || cp "$1" "$state/platform.conf"
	"$NFX" up --state-dir "$state" || fail "./nfx up failed"
	ns="$(cat "$state/netns-appliance")"
	if ! wait_for 15 test -S "$state/ovs/db.sock"; then
		echo "(jdmd runs no OVS here: the test starts it in $ns)"
		own_ovs=1
		mkdir -p "$state/ovs"
		ovsdb-tool create "$state/ovs/conf.db" "$OVS_SCHEMA" || fail "ovsdb-tool create failed"
		start_ovsdb
		start_vswitchd
	fi
	wait_for 60 vsctl br-exists pfe-br || fail "jcpd did not make pfe-br"
}

# Kill ovs-vswitchd; start it again when the test runs OVS; wait until a
# new one runs.
pfe_restart_vswitchd() {
	local old
	old="$(pid_of "$state/ovs/ovs-vswitchd.pid")"
	[[ -n "$old" ]] || fail "no ovs-vswitchd running"
	kill -KILL "$old"
	wait_for 10 bash -c "! test -d /proc/$old" || fail "ovs-vswitchd $old did not die"
	if [[ $own_ovs -eq 1 ]]; then
		rm -f "$state/ovs/ovs-vswitchd.pid"
		start_vswitchd
	fi
	wait_for 60 bash -c "p=\$(tr -dc 0-9 <'$state/ovs/ovs-vswitchd.pid' 2>/dev/null); [[ -n \$p && \$p != $old && -d /proc/\$p ]]" ||
		fail "ovs-vswitchd did not come back"
}

# Kill ovsdb-server; when the test runs OVS, start it again on a fresh
# database (the worst case: jcpd must make its bridge again).
pfe_restart_ovsdb() {
	local old
	old="$(pid_of "$state/ovs/ovsdb-server.pid")"
	[[ -n "$old" ]] || fail "no ovsdb-server running"
	kill -KILL "$old"
	wait_for 10 bash -c "! test -d /proc/$old" || fail "ovsdb-server $old did not die"
	if [[ $own_ovs -eq 1 ]]; then
		rm -f "$state/ovs/ovsdb-server.pid" "$state/ovs/db.sock" "$state/ovs/conf.db"
		ovsdb-tool create "$state/ovs/conf.db" "$OVS_SCHEMA" || fail "ovsdb-tool create failed"
		start_ovsdb
		# ovs-vswitchd reconnects by itself
	fi
	wait_for 60 bash -c "p=\$(tr -dc 0-9 <'$state/ovs/ovsdb-server.pid' 2>/dev/null); [[ -n \$p && \$p != $old && -d /proc/\$p ]]" ||
		fail "ovsdb-server did not come back"
}

# The MAC address of eth0 in namespace $1.
host_mac() { ip -n "$1" -br link show eth0 | awk '{print $3}'; }
# ping from namespace $1 to $2: succeeds within a few tries.
can_ping() { ip netns exec "$1" ping -c 1 -W 1 "$2" >/dev/null 2>&1; }
