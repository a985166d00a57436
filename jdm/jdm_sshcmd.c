/* jdm_sshcmd — `ssh HOST` as the user who asked. See jdm_sshcmd.h. */
#include "jdm_sshcmd.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg_err.h"
#include "cfg_session.h"
#include "jdm_term.h"
#include "jdm_vnf.h"

#define SSH_PATH "/usr/bin/ssh"
#define USER_PATH "PATH=/usr/local/bin:/usr/bin:/bin"
#define ROOT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Who ssh runs as, prepared in the daemon before the fork: the child only
 * makes system calls (jdmd has threads: no NSS, no malloc after fork). */
struct runas {
	uid_t uid;
	gid_t gid;
	bool drop;       /* switch credentials (the daemon is root, the user is not) */
	gid_t *groups;   /* owned; supplementary groups of the user */
	int ngroups;
	char home[PATH_MAX];
};

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

static void say(const char *m)
{
	size_t n = strlen(m);
	while (n > 0) {
		ssize_t w = write(STDERR_FILENO, m, n);
		if (w <= 0)
			return;
		m += w;
		n -= (size_t)w;
	}
}

/* In the child, before exec (async-signal-safe): become the user, check it
 * took and cannot be undone, start in the home directory. */
static int child_setup(void *arg)
{
	const struct runas *r = arg;
	if (r->drop) {
		if (setgroups((size_t)r->ngroups, r->groups) != 0 || setgid(r->gid) != 0 ||
		    setuid(r->uid) != 0) {
			say("error: ssh: cannot switch to the user's identity\r\n");
			return -1;
		}
		uid_t ru, eu, su;
		gid_t rg, eg, sg;
		if (getresuid(&ru, &eu, &su) != 0 || ru != r->uid || eu != r->uid || su != r->uid ||
		    getresgid(&rg, &eg, &sg) != 0 || rg != r->gid || eg != r->gid || sg != r->gid ||
		    setuid(0) == 0 || seteuid(0) == 0) {
			say("error: ssh: the switch to the user's identity did not hold\r\n");
			return -1;
		}
	}
	if (chdir(r->home) != 0 && chdir("/") != 0)
		return -1;
	return 0;
}

/* Fill R for the session's user; ENV gets the environment strings (caller
 * frees them). 0 or -1 with cfg_err set. */
static int prepare(struct cfg_cmd *c, struct runas *r, char **env, size_t nenv)
{
	uid_t uid = cfg_session_uid(c->s);
	struct passwd pw, *res = NULL;
	char buf[8192];
	if (getpwuid_r(uid, &pw, buf, sizeof buf, &res) != 0 || !res)
		return cfg_err_set("no account for uid %u on this box", (unsigned)uid);
	r->uid = uid;
	r->gid = pw.pw_gid;
	snprintf(r->home, sizeof r->home, "%s", pw.pw_dir && *pw.pw_dir ? pw.pw_dir : "/");
	uid_t me = geteuid();
	if (uid != me) {
		if (me != 0)
			return cfg_err_set("cannot run ssh as %s: the management daemon is not root",
			                   pw.pw_name);
		r->drop = true;
		int n = 64;
		for (int tries = 0; tries < 4; tries++) {
			gid_t *g = realloc(r->groups, (size_t)n * sizeof *g);
			if (!g)
				return cfg_err_set("out of memory");
			r->groups = g;
			int got = n;
			if (getgrouplist(pw.pw_name, pw.pw_gid, r->groups, &got) >= 0) {
				r->ngroups = got;
				break;
			}
			n = got > n ? got : n * 2;
		}
		if (r->ngroups <= 0) {
			r->groups[0] = pw.pw_gid;
			r->ngroups = 1;
		}
	}
	const char *term = getenv("TERM");
	if (!term || !*term || strlen(term) > 64 || strchr(term, '/'))
		term = "xterm";
	if (nenv < 6)
		return cfg_err_set("internal error: environment");
	env[0] = strdup(uid == 0 ? ROOT_PATH : USER_PATH);
	if (asprintf(&env[1], "HOME=%s", r->home) < 0)
		env[1] = NULL;
	if (asprintf(&env[2], "USER=%s", pw.pw_name) < 0)
		env[2] = NULL;
	if (asprintf(&env[3], "LOGNAME=%s", pw.pw_name) < 0)
		env[3] = NULL;
	if (asprintf(&env[4], "TERM=%s", term) < 0)
		env[4] = NULL;
	env[5] = NULL;
	for (int i = 0; i < 5; i++)
		if (!env[i])
			return cfg_err_set("out of memory");
	return 0;
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
	struct runas r = {0};
	char *env[6] = {0};
	int rc = -1;
	if (prepare(c, &r, env, 6) < 0) {
		goto out; /* cfg_err says why */
	}
	const char *user = cfg_session_user(c->s);
	const char *argv[] = {SSH_PATH, "-o", "StrictHostKeyChecking=accept-new",
	                      "-l", user && *user ? user : "root", "--", addr, NULL};
	if (jdm_term_start_env(c, argv, (const char *const *)env, child_setup, &r) < 0) {
		goto out; /* cfg_err says why */
	}
	rc = 0;
out:
	for (int i = 0; i < 6; i++)
		free(env[i]);
	free(r.groups);
	return rc;
}

int jdm_sshcmd_register(struct cfg_daemon *d, struct jdm_vnf *v)
{
	return cfg_daemon_register_ctx(d, "ssh", cmd_ssh, v);
}
