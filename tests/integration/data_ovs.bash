# shellcheck shell=bash
# A private Open vSwitch (userspace "netdev" datapath) inside a network
# namespace, for tests and benches that need a VLAN-aware switch of their
# own: its database, sockets, pid and log files all live in one directory
# (OVS_RUNDIR/OVS_DBDIR/OVS_LOGDIR), never the system's /run/openvswitch.
# Sourced by tests/integration/test_data_*.sh and bench/ovs-path.
#
#   povs_start DIR NETNS    start ovsdb-server and ovs-vswitchd in NETNS
#   povs_vsctl DIR ARGS...  ovs-vsctl on that database
#   povs_stop DIR           stop both (by their pid files), TERM then KILL

povs_env() { # DIR: the environment OVS tools need for DIR
	echo "OVS_RUNDIR=$1" "OVS_DBDIR=$1" "OVS_LOGDIR=$1" "OVS_SYSCONFDIR=$1" "OVS_PKGDATADIR=/usr/share/openvswitch"
}

povs_start() {
	local dir="$1" ns="$2" i
	mkdir -p "$dir"
	ovsdb-tool create "$dir/conf.db" /usr/share/openvswitch/vswitch.ovsschema
	# shellcheck disable=SC2046
	ip netns exec "$ns" env $(povs_env "$dir") ovsdb-server "$dir/conf.db" \
		--remote="punix:$dir/db.sock" --pidfile="$dir/ovsdb-server.pid" \
		--unixctl="$dir/ovsdb-server.ctl" --log-file="$dir/ovsdb-server.log" -vconsole:off --detach --no-chdir 2>>"$dir/start.err"
	povs_vsctl "$dir" --no-wait init
	# shellcheck disable=SC2046
	ip netns exec "$ns" env $(povs_env "$dir") ovs-vswitchd "unix:$dir/db.sock" \
		--pidfile="$dir/ovs-vswitchd.pid" --unixctl="$dir/ovs-vswitchd.ctl" \
		--log-file="$dir/ovs-vswitchd.log" -vconsole:off --detach --no-chdir 2>>"$dir/start.err"
	for ((i = 0; i < 300; i++)); do
		povs_vsctl "$dir" --timeout=2 get Open_vSwitch . cur_cfg >/dev/null 2>&1 &&
			[[ -S "$dir/ovs-vswitchd.ctl" ]] && return 0
		sleep 0.2
	done
	echo "private OVS in $dir did not start" >&2
	return 1
}

povs_vsctl() {
	local dir="$1"; shift
	ovs-vsctl --db="unix:$dir/db.sock" --timeout=30 "$@"
}

povs_stop() {
	local dir="$1" f pid i
	for f in ovs-vswitchd ovsdb-server; do
		[[ -f "$dir/$f.pid" ]] || continue
		pid="$(tr -dc '0-9' <"$dir/$f.pid")"
		[[ -n "$pid" ]] || continue
		tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$f" || continue
		kill -TERM "$pid" 2>/dev/null || true
		for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null || true
	done
}
