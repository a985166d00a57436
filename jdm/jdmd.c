/* jdmd — the JDM device manager daemon.
 *
 * The configuration database and CLI of the JDM (cfg_daemon), SSH access
 * (jdm_ssh: sshd + accounts + jmgmt0) and the JDM operational commands.
 * Commands of features not built yet answer "command is not available in
 * this release" until their handlers are registered.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg_daemon.h"
#include "cfg_err.h"
#include "cfg_schema_data.h"
#include "cfg_session.h"
#include "jdm_hostos.h"
#include "jdm_ssh.h"
#include "jdm_vnf.h"

/* Everything jdmd owns besides the configuration daemon. */
struct jdm {
	struct cfg_daemon *d;
	struct jdm_ssh *ssh;
	struct jdm_vnf *vnf;
};

static void jdm_validate(void *ctx, const struct cfg_tree *t, struct cfg_findings *fs)
{
	struct jdm *j = ctx;
	jdm_ssh_validate(t, fs);
	jdm_vnf_validate(j->vnf, t, fs);
}

/* Make the world match NEW (also run at start to converge). */
static int jdm_apply(void *ctx, const struct cfg_tree *old_tree, const struct cfg_tree *new_tree,
                     struct cfg_buf *out, struct cfg_findings *fs)
{
	struct jdm *j = ctx;
	if (jdm_ssh_apply(j->ssh, new_tree, out) < 0) {
		/* under the statement it comes from: sshd, or the login accounts */
		static const char *const w_ssh[] = {"system", "services", "ssh", NULL};
		static const char *const w_login[] = {"system", "login", NULL};
		struct cfg_node *at = jdm_cfg_at(new_tree, NULL, w_ssh);
		if (!at)
			at = jdm_cfg_at(new_tree, NULL, w_login);
		if (at)
			cfg_findings_add(fs, at, NULL, "%s", cfg_err_msg());
		else
			cfg_findings_add_line(fs, "%s", cfg_err_msg());
		return -1;
	}
	return jdm_vnf_apply(j->vnf, old_tree, new_tree, out, fs);
}

/* Once a second: a dead sshd is started again from the active config. */
static void jdm_tick(void *ctx)
{
	struct jdm *j = ctx;
	jdm_vnf_tick(j->vnf);
	if (jdm_ssh_reap(j->ssh)) {
		struct cfg_buf out = {0};
		struct cfg_tree *eff = cfg_commit_effective(cfg_daemon_active(j->d));
		if (jdm_ssh_apply(j->ssh, eff, &out) < 0)
			fprintf(stderr, "jdmd: restarting sshd: %s\n", cfg_err_msg());
		cfg_tree_free(eff);
		cfg_buf_free(&out);
	}
}

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

/* jdmd's own options, taken out of ARGV before the daemon core parses it:
 * --hypervisor URI|none (env NFX_HYPERVISOR), --image-dir DIR (NFX_IMAGE_DIR). */
static void own_opts(int *argc, char **argv, struct jdm_vnf_opts *vo)
{
	vo->uri = getenv("NFX_HYPERVISOR");
	vo->image_dir = getenv("NFX_IMAGE_DIR");
	int j = 1;
	for (int i = 1; i < *argc; i++) {
		if (i + 1 < *argc && !strcmp(argv[i], "--hypervisor"))
			vo->uri = argv[++i];
		else if (i + 1 < *argc && !strcmp(argv[i], "--image-dir"))
			vo->image_dir = argv[++i];
		else
			argv[j++] = argv[i];
	}
	argv[j] = NULL;
	*argc = j;
}

int main(int argc, char **argv)
{
	struct jdm_vnf_opts vo = {0};
	own_opts(&argc, argv, &vo);
	struct cfg_daemon_opts o = {
		.name = "jdm",
		.default_host = "jdm",
		.schema_xml = cfg_schema_jdm, .schema_len = cfg_schema_jdm_len,
		.ops_xml = cfg_schema_ops_jdm, .ops_len = cfg_schema_ops_jdm_len,
		.cfgmode_xml = cfg_schema_cfgmode, .cfgmode_len = cfg_schema_cfgmode_len,
	};
	if (cfg_daemon_parse_args(argc, argv, &o) < 0)
		return 2;
	struct cfg_daemon *d = cfg_daemon_new(&o);
	if (!d) {
		fprintf(stderr, "jdmd: %s\n", cfg_err_msg());
		return 1;
	}
	jdm_hostos_register(d);
	char cli[PATH_MAX];
	struct jdm j = {.d = d};
	j.ssh = jdm_ssh_new(cfg_daemon_state_dir(d), cli_path(cli, sizeof cli), cfg_daemon_socket_path(d));
	j.vnf = jdm_vnf_new(d, &vo);
	struct cfg_hooks h = {.ctx = &j, .validate = jdm_validate, .apply = jdm_apply};
	cfg_daemon_set_hooks(d, &h);
	cfg_daemon_set_tick(d, 1000, jdm_tick, &j);
	int rc = cfg_daemon_run(d);
	if (rc < 0)
		fprintf(stderr, "jdmd: %s\n", cfg_err_msg());
	jdm_vnf_free(j.vnf);
	jdm_ssh_free(j.ssh);
	cfg_daemon_free(d);
	return rc < 0 ? 1 : 0;
}
