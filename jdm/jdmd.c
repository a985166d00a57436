/* jdmd — the JDM device manager daemon.
 *
 * The configuration database and CLI of the JDM (cfg_daemon), and the table
 * of its subsystems (cfg_subsys.h), in the order a commit applies them:
 *   accounts   jdm_ssh        system login, root-authentication, services ssh,
 *                             interfaces jmgmt0 (sshd + Unix accounts)
 *   system     jdm_syslog     system syslog (the appliance's rsyslogd), host-name,
 *                             name-server, ntp (files in --etc-dir)
 *   hugepages  jdm_hugepages  system memory hugepages (the pool; the budget)
 *   host-os-switch jdm_vswitch host-os, the VNFs' interface mappings (OVS
 *                             ovs-sys-br, its processes, VNF ports and taps)
 *   host-os-interfaces jdm_hostif host-os interfaces, routing-options (the host's
 *                             IP interfaces on host-os VLANs, static routes; order 35)
 *   sriov      jdm_sriov      the VFs of VNF interfaces mapped to hsxe0/hsxe1 (order 40)
 *   vnfs       jdm_vnf        virtual-network-functions, system virtualization
 *   snmp       jdm_snmp       snmp (snmpd as AgentX master, the nfx subagent)
 *   l2-extension jdm_l2ext    host-os l2-extension, host-os vlans V vxlan (VXLAN
 *                             inside IPsec to other sites; charon "l2ext"; order 75)
 *   ztp        jdm_ztp        system ztp (zero-touch provisioning of a
 *                             factory-default box; its tick does the work)
 * `request system reboot|halt|power-off` (cfg_system) ends the loop; jdmd
 * then stops its VNFs and exits with the status that tells its supervisor
 * (./nfx up) to start the appliance again or to stop it. Never the host.
 * Each module's header says what its row owns and reads; the registry calls
 * validate/apply/undo/converge/tick. Commands of features not built yet
 * answer "command is not available in this release" until their handlers are
 * registered.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg_daemon.h"
#include "cfg_err.h"
#include "cfg_schema_data.h"
#include "cfg_session.h"
#include "cfg_filecmd.h"
#include "jdm_hostos.h"
#include "jdm_hostif.h"
#include "jdm_l2ext.h"
#include "cfg_subsys.h"
#include "cfg_system.h"
#include "jdm_hugepages.h"
#include "cfg_shell.h"
#include "jdm_ssh.h"
#include "jdm_sriov.h"
#include "jdm_sriov_ovs.h"
#include "jdm_syslog.h"
#include "jdm_snmp.h"
#include "jdm_vnf.h"
#include "jdm_ztp.h"
#include "jdm_ztp_fetch.h"
#include "jdm_vswitch.h"

/* The `cli` binary: NFX_CLI, else beside the build tree of this jdmd
 * (BUILD/jdm/jdmd -> BUILD/cli/cli), else /usr/bin/cli. Writes into BUF. */
static const char *cli_path(char *buf, size_t n)
{
	const char *env = getenv("NFX_CLI");
	if (env && *env)
		return env;
	char exe[PATH_MAX];
	ssize_t l = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (l > 0) {
		exe[l] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			slash = strrchr(exe, '/');
			if (slash) {
				*slash = '\0';
				int w = snprintf(buf, n, "%.*s/cli/cli", (int)(n > 16 ? n - 16 : 0), exe);
				if (w > 0 && (size_t)w < n && access(buf, X_OK) == 0)
					return buf;
			}
		}
	}
	return "/usr/bin/cli";
}

/* `system syslog`, host-name, name-server, ntp (jdm_syslog.h): --log-dir DIR
 * (files; default STATE/log), --etc-dir DIR (default STATE/etc; /etc only
 * in the installed layout, as the systemd unit says). */
static const char *syslog_log_dir, *syslog_etc_dir;

/* jdmd's own options, taken out of ARGV before the daemon core parses it:
 * --hypervisor URI|none (env NFX_HYPERVISOR), --image-dir DIR (NFX_IMAGE_DIR),
 * --log-dir DIR, --etc-dir DIR (jdm_syslog),
 * --ztp-ca FILE (NFX_ZTP_CA), --ztp-retry SECS (NFX_ZTP_RETRY), NFX_ZTP
 * (auto|on|off), --ztp-identity (make the device identity, print its
 * certificate request, exit). */
static void own_opts(int *argc, char **argv, struct jdm_vnf_opts *vo, struct jdm_ztp_opts *zo,
                     bool *identity)
{
	vo->uri = getenv("NFX_HYPERVISOR");
	vo->image_dir = getenv("NFX_IMAGE_DIR");
	zo->anchor = getenv("NFX_ZTP_CA");
	zo->mode = getenv("NFX_ZTP");
	const char *retry = getenv("NFX_ZTP_RETRY");
	int j = 1;
	for (int i = 1; i < *argc; i++) {
		if (i + 1 < *argc && !strcmp(argv[i], "--hypervisor"))
			vo->uri = argv[++i];
		else if (i + 1 < *argc && !strcmp(argv[i], "--image-dir"))
			vo->image_dir = argv[++i];
		else if (i + 1 < *argc && !strcmp(argv[i], "--log-dir"))
			syslog_log_dir = argv[++i];
		else if (i + 1 < *argc && !strcmp(argv[i], "--etc-dir"))
			syslog_etc_dir = argv[++i];
		else if (i + 1 < *argc && !strcmp(argv[i], "--ztp-ca"))
			zo->anchor = argv[++i];
		else if (i + 1 < *argc && !strcmp(argv[i], "--ztp-retry"))
			retry = argv[++i];
		else if (!strcmp(argv[i], "--ztp-identity"))
			*identity = true;
		else
			argv[j++] = argv[i];
	}
	argv[j] = NULL;
	*argc = j;
	zo->image_dir = vo->image_dir;
	zo->retry_s = retry ? (unsigned)strtoul(retry, NULL, 10) : 0;
}

/* `jdmd --ztp-identity --state-dir DIR`: the device identity of ZTP
 * (DIR/ztp/device.key, serial, device.csr; jdm_ztp_fetch.h), made if
 * missing; the certificate request on stdout for the provisioning side. */
static int ztp_identity(const char *state_dir)
{
	char dir[PATH_MAX], serial[64], csr[PATH_MAX + 16];
	snprintf(dir, sizeof dir, "%s/ztp", state_dir);
	if (jdm_ztp_identity(dir, serial, sizeof serial) < 0) {
		fprintf(stderr, "jdmd: %s\n", cfg_err_msg());
		return 1;
	}
	snprintf(csr, sizeof csr, "%s/device.csr", dir);
	FILE *f = fopen(csr, "re");
	if (!f) {
		fprintf(stderr, "jdmd: %s: cannot read it\n", csr);
		return 1;
	}
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(f);
	return 0;
}

/* --platform FILE (env NFX_PLATFORM; default STATE/platform.conf): which
 * devices hsxe0/hsxe1 are, for the SR-IOV row. Taken out of ARGV. */
static const char *platform_opt(int *argc, char **argv)
{
	const char *p = getenv("NFX_PLATFORM");
	int j = 1;
	for (int i = 1; i < *argc; i++) {
		if (i + 1 < *argc && !strcmp(argv[i], "--platform"))
			p = argv[++i];
		else
			argv[j++] = argv[i];
	}
	argv[j] = NULL;
	*argc = j;
	return p && *p ? p : NULL;
}

int main(int argc, char **argv)
{
	struct jdm_vnf_opts vo = {0};
	struct jdm_ztp_opts zo = {0};
	bool identity = false;
	const char *platform = platform_opt(&argc, argv);
	own_opts(&argc, argv, &vo, &zo, &identity);
	struct cfg_daemon_opts o = {
		.name = "jdm",
		.default_host = "jdm",
		.schema_xml = cfg_schema_jdm, .schema_len = cfg_schema_jdm_len,
		.ops_xml = cfg_schema_ops_jdm, .ops_len = cfg_schema_ops_jdm_len,
		.cfgmode_xml = cfg_schema_cfgmode, .cfgmode_len = cfg_schema_cfgmode_len,
	};
	if (cfg_daemon_parse_args(argc, argv, &o) < 0)
		return 2;
	if (identity)
		return ztp_identity(o.state_dir);
	if (jdm_ztp_fetch_init() < 0) {
		fprintf(stderr, "jdmd: %s\n", cfg_err_msg());
		return 1;
	}
	struct cfg_daemon *d = cfg_daemon_new(&o);
	if (!d) {
		fprintf(stderr, "jdmd: %s\n", cfg_err_msg());
		return 1;
	}
	jdm_hostos_register(d);
	cfg_shell_register(d);
	char cli[PATH_MAX];
	struct jdm_ssh *ssh = jdm_ssh_new(cfg_daemon_state_dir(d), cli_path(cli, sizeof cli),
	                                  cfg_daemon_socket_path(d));
	struct jdm_sriov_opts so = {.sysfs_root = vo.sysfs_root, .platform = platform,
	                            .realise = !(vo.uri && !strcmp(vo.uri, "none"))};
	struct jdm_sriov *sriov = jdm_sriov_new(d, &so);
	/* emulated VFs: tagged ports on the host-os switch (STATE/ovs/db.sock) */
	char ovsdb[PATH_MAX];
	snprintf(ovsdb, sizeof ovsdb, "%s/ovs/db.sock", cfg_daemon_state_dir(d));
	struct jdm_sriov_ovs *sriov_ovs = jdm_sriov_ovs_new(ovsdb, "ovs-sys-br");
	jdm_sriov_set_emu(sriov, &jdm_sriov_ovs_ops, sriov_ovs);
	vo.sriov = sriov;
	struct jdm_vnf *vnf = jdm_vnf_new(d, &vo);
	struct jdm_syslog *slog = jdm_syslog_new(cfg_daemon_state_dir(d), syslog_log_dir, syslog_etc_dir);
	struct jdm_huge *huge = jdm_huge_new(jdm_vnf_sysfs_root(vnf), !jdm_vnf_config_only(vnf),
	                                     jdm_vnf_huge_in_use, vnf);
	char jcp_sock[PATH_MAX];
	snprintf(jcp_sock, sizeof jcp_sock, "%s/jcp.sock", cfg_daemon_state_dir(d));
	struct jdm_snmp *snmp = jdm_snmp_new(d, cfg_daemon_state_dir(d), cfg_daemon_socket_path(d), jcp_sock);
	struct jdm_ztp *ztp = jdm_ztp_new(d, &zo);
	struct jdm_vsw_opts wo = {.state_dir = cfg_daemon_state_dir(d), .platform = platform,
	                          .config_only = jdm_vnf_config_only(vnf)};
	struct jdm_vsw *vsw = jdm_vsw_new(d, &wo);
	if (!vsw) {
		fprintf(stderr, "jdmd: %s\n", cfg_err_msg());
		return 1;
	}
	struct jdm_hostif_opts ho = {.state_dir = cfg_daemon_state_dir(d),
	                             .config_only = jdm_vnf_config_only(vnf)};
	struct jdm_hostif *hostif = jdm_hostif_new(d, &ho);
	jdm_hostif_register(d, hostif);
	struct jdm_l2ext_opts lo = {.state_dir = cfg_daemon_state_dir(d),
	                            .config_only = jdm_vnf_config_only(vnf)};
	struct jdm_l2ext *l2ext = jdm_l2ext_new(d, &lo);
	jdm_l2ext_register(d, l2ext);
	/* orders leave room for SNMP (60), IPsec (70) */
	const struct cfg_subsys rows[] = {
		{.name = "accounts", .order = 10, .owns = jdm_ssh_owns, .ctx = ssh,
		 .validate = jdm_ssh_validate, .apply = jdm_ssh_apply, .converge = jdm_ssh_converge,
		 .tick = jdm_ssh_tick},
		{.name = "system", .order = 15, .owns = jdm_syslog_owns, .ctx = slog,
		 .validate = jdm_syslog_validate, .apply = jdm_syslog_apply,
		 .converge = jdm_syslog_converge, .tick = jdm_syslog_tick},
		{.name = "hugepages", .order = 20, .owns = jdm_huge_owns, .reads = jdm_huge_reads,
		 .ctx = huge, .validate = jdm_huge_validate, .apply = jdm_huge_apply,
		 .converge = jdm_huge_converge},
		{.name = "host-os-switch", .order = 30, .owns = jdm_vsw_owns, .ctx = vsw,
		 .validate = jdm_vsw_validate, .apply = jdm_vsw_apply, .converge = jdm_vsw_converge,
		 .tick = jdm_vsw_tick},
		{.name = "host-os-interfaces", .order = 35, .owns = jdm_hostif_owns, .ctx = hostif,
		 .validate = jdm_hostif_validate, .apply = jdm_hostif_apply,
		 .converge = jdm_hostif_converge, .tick = jdm_hostif_tick},
		{.name = "sriov", .order = 40, .owns = jdm_sriov_owns, .ctx = sriov,
		 .validate = jdm_sriov_validate, .apply = jdm_sriov_apply, .undo = jdm_sriov_undo,
		 .converge = jdm_sriov_converge},
		{.name = "vnfs", .order = 50, .owns = jdm_vnf_owns, .reads = jdm_vnf_reads, .ctx = vnf,
		 .validate = jdm_vnf_validate, .apply = jdm_vnf_apply, .converge = jdm_vnf_converge,
		 .tick = jdm_vnf_tick},
		{.name = "snmp", .order = 60, .owns = jdm_snmp_owns, .ctx = snmp,
		 .validate = jdm_snmp_validate, .apply = jdm_snmp_apply, .converge = jdm_snmp_converge,
		 .tick = jdm_snmp_tick},
		{.name = "l2-extension", .order = 75, .owns = jdm_l2ext_owns, .reads = jdm_l2ext_reads,
		 .ctx = l2ext, .validate = jdm_l2ext_validate, .apply = jdm_l2ext_apply,
		 .converge = jdm_l2ext_converge, .tick = jdm_l2ext_tick},
		{.name = "ztp", .order = 90, .owns = jdm_ztp_owns, .ctx = ztp, .apply = jdm_ztp_apply,
		 .converge = jdm_ztp_converge, .tick = jdm_ztp_tick},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		if (cfg_daemon_add_subsys(d, &rows[i]) < 0) {
			fprintf(stderr, "jdmd: %s\n", cfg_err_msg());
			return 1;
		}
	struct cfg_system *sys = cfg_system_new(d);
	struct cfg_filecmd *files = cfg_filecmd_new(d, vo.image_dir ? vo.image_dir : "/var/third-party/images");
	if (!sys || !files) {
		fprintf(stderr, "jdmd: %s\n", cfg_err_msg());
		return 1;
	}
	int rc = cfg_daemon_run(d);
	if (rc < 0)
		fprintf(stderr, "jdmd: %s\n", cfg_err_msg());
	if (cfg_system_requested(sys) != CFG_SYSTEM_NONE) {
		fprintf(stderr, "jdmd: %s requested: stopping the VNFs\n",
		        cfg_system_requested(sys) == CFG_SYSTEM_REBOOT ? "reboot" : "halt");
		if (jdm_vnf_stop_all(vnf) < 0)
			fprintf(stderr, "jdmd: %s\n", cfg_err_msg());
	}
	int status = cfg_system_exit_status(sys, rc);
	jdm_snmp_free(snmp);
	jdm_ztp_free(ztp);
	jdm_vnf_free(vnf);
	jdm_sriov_free(sriov);
	jdm_sriov_ovs_free(sriov_ovs);
	jdm_l2ext_free(l2ext);
	jdm_hostif_free(hostif);
	jdm_vsw_free(vsw);
	jdm_huge_free(huge);
	jdm_ssh_free(ssh);
	jdm_syslog_free(slog);
	cfg_system_free(sys);
	cfg_filecmd_free(files);
	cfg_daemon_free(d);
	return status;
}
