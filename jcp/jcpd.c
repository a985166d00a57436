/* jcpd — the JCP control-plane daemon (the vjunos0 switch of the NFX250).
 *
 * The configuration database and CLI of the JCP (cfg_daemon), its operational
 * commands (jcp_ops) and its subsystem rows: the ports (jcp_ports, the
 * commit checks) and the PFE switch (jcp_pfe, an OVS bridge of its own on
 * the interfaces of the platform file, lib/nfx_platform.h); `start
 * shell` (cfg_shell) and the `file` commands (cfg_filecmd, confined to the
 * user's home: the JCP has no image directory), shared with jdmd.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg_daemon.h"
#include "cfg_err.h"
#include "cfg_filecmd.h"
#include "cfg_schema_data.h"
#include "cfg_shell.h"
#include "cfg_system.h"
#include "jcp_ops.h"
#include "jcp_pfe.h"
#include "jcp_ports.h"
#include "nfx_platform.h"

/* jcpd's own options, taken out of ARGV before the daemon core parses it:
 * --platform FILE (the platform file, default STATE/platform.conf) and
 * --platform-default (print the default platform file and exit: what
 * ./nfx up writes). */
static void own_opts(int *argc, char **argv, const char **platform, bool *print_default)
{
	int j = 1;
	for (int i = 1; i < *argc; i++) {
		if (i + 1 < *argc && !strcmp(argv[i], "--platform"))
			*platform = argv[++i];
		else if (!strcmp(argv[i], "--platform-default"))
			*print_default = true;
		else
			argv[j++] = argv[i];
	}
	argv[j] = NULL;
	*argc = j;
}

int main(int argc, char **argv)
{
	struct cfg_daemon_opts o = {
		.name = "jcp",
		.default_host = NULL, /* `root> ` as on the vjunos0 console */
		.schema_xml = cfg_schema_jcp, .schema_len = cfg_schema_jcp_len,
		.ops_xml = cfg_schema_ops_jcp, .ops_len = cfg_schema_ops_jcp_len,
		.cfgmode_xml = cfg_schema_cfgmode, .cfgmode_len = cfg_schema_cfgmode_len,
		.commit_says_check = true,
	};
	const char *platform_path = NULL;
	bool print_default = false;
	own_opts(&argc, argv, &platform_path, &print_default);
	if (print_default) {
		fputs(nfx_platform_default_text(), stdout);
		return fflush(stdout) ? 1 : 0;
	}
	if (cfg_daemon_parse_args(argc, argv, &o) < 0)
		return 2;
	struct cfg_daemon *d = cfg_daemon_new(&o);
	if (!d) {
		fprintf(stderr, "jcpd: %s\n", cfg_err_msg());
		return 1;
	}
	/* the platform file: which Linux interface is behind each port */
	char *ppath = NULL, *ovs_dir = NULL;
	if (asprintf(&ppath, "%s/platform.conf", o.state_dir) < 0 ||
	    asprintf(&ovs_dir, "%s/ovs", o.state_dir) < 0)
		return 1;
	struct nfx_platform *plat = NULL;
	if (!platform_path && access(ppath, F_OK) != 0) {
		fprintf(stderr, "jcpd: no %s: using the default ports\n", ppath);
		plat = nfx_platform_parse(nfx_platform_default_text(), strlen(nfx_platform_default_text()),
		                          "default platform");
	} else {
		plat = nfx_platform_load(platform_path ? platform_path : ppath);
	}
	if (!plat) {
		fprintf(stderr, "jcpd: %s\n", cfg_err_msg());
		return 1;
	}
	struct jcp_pfe_opts po = {.ovs_dir = ovs_dir, .platform = plat};
	struct jcp_pfe *pfe = jcp_pfe_new(cfg_daemon_loop(d), &po);
	if (!pfe) {
		fprintf(stderr, "jcpd: %s\n", cfg_err_msg());
		return 1;
	}
	jcp_ops_register(d);
	jcp_ops_set_pfe(d, pfe);
	cfg_shell_register(d);
	/* the subsystem rows: the commit checks of the ports, then the PFE switch */
	struct cfg_subsys pfe_row = jcp_pfe_row(pfe);
	if (cfg_daemon_add_subsys(d, &jcp_ports_row) < 0 || cfg_daemon_add_subsys(d, &pfe_row) < 0) {
		fprintf(stderr, "jcpd: %s\n", cfg_err_msg());
		return 1;
	}
	/* request system reboot|halt|power-off: the exit status tells ./nfx up */
	struct cfg_system *sys = cfg_system_new(d);
	struct cfg_filecmd *files = cfg_filecmd_new(d, NULL);
	if (!sys || !files) {
		fprintf(stderr, "jcpd: %s\n", cfg_err_msg());
		return 1;
	}
	int rc = cfg_daemon_run(d);
	if (rc < 0)
		fprintf(stderr, "jcpd: %s\n", cfg_err_msg());
	int status = cfg_system_exit_status(sys, rc);
	cfg_system_free(sys);
	cfg_filecmd_free(files);
	jcp_pfe_free(pfe);
	cfg_daemon_free(d);
	nfx_platform_free(plat);
	free(ppath);
	free(ovs_dir);
	return status;
}
