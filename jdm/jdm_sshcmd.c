/* jdm_sshcmd — `ssh HOST` as the user who asked. See jdm_sshcmd.h. */
#include "jdm_sshcmd.h"

#include <string.h>

#include "cfg_err.h"
#include "cfg_session.h"
#include "cfg_runas.h"
#include "cfg_term.h"
#include "jdm_vnf.h"

#define SSH_PATH "/usr/bin/ssh"

/* The host name of the command (its positional step). */
static const char *host_of(const struct cfg_cmd *c)
{
	for (size_t i = 0; i < c->p->n; i++)
		if ((c->p->steps[i].schema->flags & CFG_F_POSITIONAL) && c->p->steps[i].value)
			return c->p->steps[i].value;
	return NULL;
}

static bool host_ok(const char *host)
{
	return host && *host && host[0] != '-' &&
	       strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.:-_") ==
	               strlen(host);
}

/* `ssh HOST`: a VNF name means its internal address (the name entry JDM
 * keeps for it); anything else must look like a host name or address. */
static int cmd_ssh(struct cfg_cmd *c)
{
	struct jdm_vnf *v = c->ctx;
	const char *host = host_of(c);
	if (!host_ok(host)) {
		return cfg_err_set("invalid host name '%s'", host ? host : "");
	}
	char ip[64];
	const char *addr = host;
	int k = v ? jdm_vnf_internal_addr(v, host, ip, sizeof ip) : 0;
	if (k < 0) {
		return -1; /* cfg_err says why */
	}
	if (k > 0)
		addr = ip;
	struct cfg_runas r = {0};
	int rc = -1;
	if (cfg_runas_prepare(&r, cfg_session_uid(c->s), "ssh", NULL) < 0) {
		goto out; /* cfg_err says why */
	}
	const char *user = cfg_session_user(c->s);
	const char *argv[] = {SSH_PATH, "-o", "StrictHostKeyChecking=accept-new",
	                      "-l", user && *user ? user : "root", "--", addr, NULL};
	if (cfg_term_start_env(c, argv, cfg_runas_env(&r), cfg_runas_child, &r) < 0) {
		goto out; /* cfg_err says why */
	}
	rc = 0;
out:
	cfg_runas_clear(&r);
	return rc;
}

int jdm_sshcmd_register(struct cfg_daemon *d, struct jdm_vnf *v)
{
	return cfg_daemon_register_ctx(d, "ssh", cmd_ssh, v);
}
