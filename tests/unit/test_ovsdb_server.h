/* A real ovsdb-server (vswitch.ovsschema, no ovs-vswitchd) for unit tests
 * that run inside their own network namespace (test_netns.h): started in a
 * fresh directory under the test's scratch directory, with the root
 * Open_vSwitch row inserted as ovs-vsctl init makes it. Shared by
 * test_nfx_ovsdb.c and test_jcp_pfe.c (include it once, after
 * test_netns.h and nfx_ovsdb.h).
 *
 * Ownership: the server is the test's child, killed by its PID
 * (kill_server()). The globals are this header's; tests read dir and sock.
 */
#ifndef NFX_TEST_OVSDB_SERVER_H
#define NFX_TEST_OVSDB_SERVER_H

#define OVSDB_SERVER "/usr/sbin/ovsdb-server"
#define OVSDB_TOOL "/usr/bin/ovsdb-tool"
#define SCHEMA "/usr/share/openvswitch/vswitch.ovsschema"

static char dir[256];  /* this server's directory */
static char sock[300]; /* its unix socket: dir/db.sock */
static pid_t server_pid = -1;

/* Can the OVSDB tests run here (inside the test namespace, OVS installed)? */
static bool ovsdb_server_usable(void)
{
	return ut_ns[0] && access(OVSDB_SERVER, X_OK) == 0 && access(SCHEMA, R_OK) == 0;
}

/* (Re)start ovsdb-server on the database in dir. */
static void start_server(void)
{
	char db[300], log[300], ctl[300], remote[320];
	snprintf(db, sizeof db, "%s/conf.db", dir);
	snprintf(log, sizeof log, "--log-file=%s/ovsdb-server.log", dir);
	snprintf(ctl, sizeof ctl, "--unixctl=%s/ovsdb-server.ctl", dir);
	snprintf(remote, sizeof remote, "--remote=punix:%s", sock);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		setenv("OVS_RUNDIR", dir, 1);
		setenv("OVS_LOGDIR", dir, 1);
		setenv("OVS_DBDIR", dir, 1);
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		execl(OVSDB_SERVER, OVSDB_SERVER, db, remote, ctl, log, "--no-chdir", (char *)NULL);
		_exit(127);
	}
	server_pid = pid;
}

static void kill_server(void)
{
	if (server_pid > 0) {
		kill(server_pid, SIGKILL);
		waitpid(server_pid, NULL, 0);
		server_pid = -1;
	}
}

/* A new directory, database and server with the root row. 0, or -1. */
static int ovsdb_server_new(void)
{
	static int n;
	snprintf(dir, sizeof dir, "%s/ovs%d", getenv(UT_TMP_ENV), ++n);
	mkdir(dir, 0700);
	snprintf(sock, sizeof sock, "%s/db.sock", dir);
	char db[300];
	snprintf(db, sizeof db, "%s/conf.db", dir);
	const char *create[] = {OVSDB_TOOL, "create", db, SCHEMA, NULL};
	if (ut_run(create, NULL, 0) != 0)
		return -1;
	start_server();
	struct nfx_ovsdb_sync *s = nfx_ovsdb_sync_open(sock, "Open_vSwitch", 10000);
	if (!s)
		return -1;
	json_t *ops = json_pack("[{s:s, s:s, s:{}}]", "op", "insert", "table", "Open_vSwitch", "row");
	json_t *res;
	int rc = nfx_ovsdb_sync_transact(s, ops, &res);
	json_decref(ops);
	if (rc == 0)
		rc = nfx_ovsdb_txn_check(res, 1);
	json_decref(res);
	nfx_ovsdb_sync_close(s);
	return rc;
}

#endif
