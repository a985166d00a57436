/* jdm_sriov_ovs: emulated VF ports on a real Open vSwitch — an
 * ovsdb-server and an ovs-vswitchd (userspace datapath) started by the test
 * in its scratch directory inside a network namespace made for it
 * (test_netns.h), killed by PID afterwards — with a bridge ovs-sys-br as the
 * host-os switch row would make it: a port is added with its tag and owner,
 * retagged, a TAP of that name (made in the namespace) gets an OpenFlow
 * port, the port is removed; a foreign port of the same name and a missing
 * bridge or server are errors. Skipped without root or OVS. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test_common.h"

#include "jdm_sriov_ovs.h"

#include "test_netns.h"

#define OVSDB_SERVER "/usr/sbin/ovsdb-server"
#define VSWITCHD "/usr/sbin/ovs-vswitchd"
#define OVSDB_TOOL "/usr/bin/ovsdb-tool"
#define VSCTL "/usr/bin/ovs-vsctl"
#define SCHEMA "/usr/share/openvswitch/vswitch.ovsschema"

static char dir[256], sock[300], dbarg[320];
static pid_t server_pid = -1, vswitchd_pid = -1;

static bool have_ovs(void)
{
	return ut_ns[0] && access(OVSDB_SERVER, X_OK) == 0 && access(VSWITCHD, X_OK) == 0 &&
	       access(VSCTL, X_OK) == 0 && access(SCHEMA, R_OK) == 0;
}

static pid_t spawn(const char *const *argv)
{
	pid_t pid = fork();
	if (pid == 0) {
		setenv("OVS_RUNDIR", dir, 1);
		setenv("OVS_LOGDIR", dir, 1);
		setenv("OVS_DBDIR", dir, 1);
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

/* ovs-vsctl --db=... ARGS; its output into OUT. The exit status. */
static int vsctl(char *out, size_t n, const char *a1, const char *a2, const char *a3,
                 const char *a4, const char *a5, const char *a6)
{
	const char *argv[] = {VSCTL, dbarg, "--timeout=20", a1, a2, a3, a4, a5, a6, NULL};
	char tmp[4096];
	int rc = ut_run(argv, out ? out : tmp, out ? n : sizeof tmp);
	if (out)
		out[strcspn(out, "\n")] = '\0';
	return rc;
}

static int ovs_setup(void **state)
{
	(void)state;
	if (!have_ovs())
		return 0;
	static int n;
	snprintf(dir, sizeof dir, "%s/ovs%d", getenv(UT_TMP_ENV), ++n);
	mkdir(dir, 0700);
	snprintf(sock, sizeof sock, "%s/db.sock", dir);
	snprintf(dbarg, sizeof dbarg, "--db=unix:%s", sock);
	char db[300], remote[320], log[320], ctl[320], pidf[320];
	snprintf(db, sizeof db, "%s/conf.db", dir);
	const char *create[] = {OVSDB_TOOL, "create", db, SCHEMA, NULL};
	if (ut_run(create, NULL, 0) != 0)
		return -1;
	snprintf(remote, sizeof remote, "--remote=punix:%s", sock);
	snprintf(log, sizeof log, "--log-file=%s/ovsdb-server.log", dir);
	snprintf(ctl, sizeof ctl, "--unixctl=%s/ovsdb-server.ctl", dir);
	snprintf(pidf, sizeof pidf, "--pidfile=%s/ovsdb-server.pid", dir);
	const char *srv[] = {OVSDB_SERVER, db, remote, ctl, log, pidf, "--no-chdir", NULL};
	server_pid = spawn(srv);
	for (int i = 0; i < 200 && access(sock, F_OK) != 0; i++)
		usleep(50000);
	if (vsctl(NULL, 0, "--no-wait", "init", NULL, NULL, NULL, NULL) != 0)
		return -1;
	char vlog[320], vctl[320], vdb[320], vpid[320];
	snprintf(vdb, sizeof vdb, "unix:%s", sock);
	snprintf(vlog, sizeof vlog, "--log-file=%s/ovs-vswitchd.log", dir);
	snprintf(vctl, sizeof vctl, "--unixctl=%s/ovs-vswitchd.ctl", dir);
	snprintf(vpid, sizeof vpid, "--pidfile=%s/ovs-vswitchd.pid", dir);
	const char *vs[] = {VSWITCHD, vdb, vctl, vlog, vpid, "--no-chdir", NULL};
	vswitchd_pid = spawn(vs);
	/* the host-os switch: a userspace bridge (the host-os switch row's) */
	const char *br[] = {VSCTL, dbarg, "--timeout=20", "add-br", "ovs-sys-br", "--", "set",
	                    "Bridge", "ovs-sys-br", "datapath_type=netdev", NULL};
	if (ut_run(br, NULL, 0) != 0)
		return -1;
	return 0;
}

static void kill_pid(pid_t *p)
{
	if (*p > 0) {
		kill(*p, SIGKILL);
		waitpid(*p, NULL, 0);
		*p = -1;
	}
}

static int ovs_teardown(void **state)
{
	(void)state;
	kill_pid(&vswitchd_pid);
	kill_pid(&server_pid);
	return 0;
}

#define NEED_OVS()                                                                                 \
	do {                                                                                           \
		if (!have_ovs())                                                                           \
			skip();                                                                                \
	} while (0)

static void ports(void **state)
{
	(void)state;
	NEED_OVS();
	struct jdm_sriov_ovs *o = jdm_sriov_ovs_new(sock, "ovs-sys-br");
	char out[4096];
	assert_int_equal(jdm_sriov_ovs_port_add(o, "vrtr1_eth2", 1100, "hsxe0"), 0);
	assert_int_equal(vsctl(out, sizeof out, "get", "Port", "vrtr1_eth2", "tag", NULL, NULL), 0);
	assert_string_equal(out, "1100");
	assert_int_equal(vsctl(out, sizeof out, "get", "Port", "vrtr1_eth2", "external_ids:nfx-owner",
	                       NULL, NULL),
	                 0);
	assert_string_equal(out, "sriov");
	assert_int_equal(vsctl(out, sizeof out, "get", "Port", "vrtr1_eth2", "external_ids:nfx-pf",
	                       NULL, NULL),
	                 0);
	assert_string_equal(out, "hsxe0");
	assert_int_equal(vsctl(out, sizeof out, "port-to-br", "vrtr1_eth2", NULL, NULL, NULL, NULL), 0);
	assert_string_equal(out, "ovs-sys-br");

	/* the VNF's TAP appears (libvirt makes it when the domain starts):
	   ovs-vswitchd takes it as an OpenFlow port */
	const char *tap[] = {ut_ip(), "tuntap", "add", "dev", "vrtr1_eth2", "mode", "tap", NULL};
	assert_int_equal(ut_run(tap, NULL, 0), 0);
	const char *up[] = {ut_ip(), "link", "set", "vrtr1_eth2", "up", NULL};
	ut_run(up, NULL, 0);
	long ofport = -1;
	for (int i = 0; i < 300 && ofport <= 0; i++) {
		if (vsctl(out, sizeof out, "get", "Interface", "vrtr1_eth2", "ofport", NULL, NULL) == 0)
			ofport = strtol(out, NULL, 10);
		if (ofport <= 0)
			usleep(100000);
	}
	assert_true(ofport > 0);

	/* again: retagged, not duplicated; untagged */
	assert_int_equal(jdm_sriov_ovs_port_add(o, "vrtr1_eth2", 1200, "hsxe0"), 0);
	assert_int_equal(vsctl(out, sizeof out, "get", "Port", "vrtr1_eth2", "tag", NULL, NULL), 0);
	assert_string_equal(out, "1200");
	assert_int_equal(jdm_sriov_ovs_port_add(o, "vrtr1_eth2", 0, "hsxe1"), 0);
	assert_int_equal(vsctl(out, sizeof out, "get", "Port", "vrtr1_eth2", "tag", NULL, NULL), 0);
	assert_string_equal(out, "[]");
	assert_int_equal(vsctl(out, sizeof out, "list-ports", "ovs-sys-br", NULL, NULL, NULL, NULL), 0);
	assert_string_equal(out, "vrtr1_eth2");

	/* removed; removing again is nothing */
	assert_int_equal(jdm_sriov_ovs_port_del(o, "vrtr1_eth2"), 0);
	assert_int_not_equal(vsctl(out, sizeof out, "get", "Port", "vrtr1_eth2", "tag", NULL, NULL), 0);
	assert_int_equal(jdm_sriov_ovs_port_del(o, "vrtr1_eth2"), 0);

	/* a port of the same name that is not ours is left alone */
	assert_int_equal(vsctl(NULL, 0, "add-port", "ovs-sys-br", "hsxe0", NULL, NULL, NULL), 0);
	assert_int_equal(jdm_sriov_ovs_port_add(o, "hsxe0", 10, "hsxe0"), -1);
	assert_string_equal(cfg_err_msg(), "port hsxe0 on ovs-sys-br is not an emulated virtual function's");
	assert_int_equal(jdm_sriov_ovs_port_del(o, "hsxe0"), 0);
	assert_int_equal(vsctl(out, sizeof out, "port-to-br", "hsxe0", NULL, NULL, NULL, NULL), 0);
	jdm_sriov_ovs_free(o);

	/* no such bridge: an error, nothing made */
	o = jdm_sriov_ovs_new(sock, "no-such-br");
	assert_int_equal(jdm_sriov_ovs_port_add(o, "v_eth2", 10, "hsxe0"), -1);
	assert_string_equal(cfg_err_msg(), "the host-os switch has no bridge no-such-br");
	assert_int_not_equal(vsctl(out, sizeof out, "get", "Port", "v_eth2", "tag", NULL, NULL), 0);
	jdm_sriov_ovs_free(o);

	/* no server */
	char nos[400];
	snprintf(nos, sizeof nos, "%s/nothing.sock", dir);
	o = jdm_sriov_ovs_new(nos, "ovs-sys-br");
	assert_int_equal(jdm_sriov_ovs_port_add(o, "v_eth2", 10, "hsxe0"), -1);
	assert_non_null(strstr(cfg_err_msg(), "the host-os switch is not running"));
	jdm_sriov_ovs_free(o);
}

int main(int argc, char **argv)
{
	int rc = ut_enter_netns(argc, argv, false);
	if (rc >= 0)
		return rc;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(ports, ovs_setup, ovs_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
