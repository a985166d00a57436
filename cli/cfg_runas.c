/* cfg_runas — a program for a CLI user, as that user. See cfg_runas.h. */
#include "cfg_runas.h"

#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg_err.h"

#define USER_PATH "PATH=/usr/local/bin:/usr/bin:/bin"
#define ROOT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

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

int cfg_runas_child(void *arg)
{
	const struct cfg_runas *r = arg;
	if (r->drop) {
		if (setgroups((size_t)r->ngroups, r->groups) != 0 || setgid(r->gid) != 0 ||
		    setuid(r->uid) != 0) {
			say(r->err_switch);
			return -1;
		}
		uid_t ru, eu, su;
		gid_t rg, eg, sg;
		if (getresuid(&ru, &eu, &su) != 0 || ru != r->uid || eu != r->uid || su != r->uid ||
		    getresgid(&rg, &eg, &sg) != 0 || rg != r->gid || eg != r->gid || sg != r->gid ||
		    setuid(0) == 0 || seteuid(0) == 0) {
			say(r->err_held);
			return -1;
		}
	}
	if (chdir(r->home) != 0 && chdir("/") != 0)
		return -1;
	return 0;
}

static int add_env(struct cfg_runas *r, size_t *n, char *s)
{
	if (!s)
		return cfg_err_set("out of memory");
	if (*n >= CFG_RUNAS_MAX_ENV) {
		free(s);
		return cfg_err_set("internal error: environment");
	}
	r->env[(*n)++] = s;
	r->env[*n] = NULL;
	return 0;
}

static char *fmt(const char *f, const char *a)
{
	char *s = NULL;
	return asprintf(&s, f, a) < 0 ? NULL : s;
}

int cfg_runas_prepare(struct cfg_runas *r, uid_t uid, const char *what, const char *const *extra)
{
	struct passwd pw, *res = NULL;
	char buf[8192];
	if (getpwuid_r(uid, &pw, buf, sizeof buf, &res) != 0 || !res)
		return cfg_err_set("no account for uid %u on this box", (unsigned)uid);
	r->uid = uid;
	r->gid = pw.pw_gid;
	snprintf(r->home, sizeof r->home, "%s", pw.pw_dir && *pw.pw_dir ? pw.pw_dir : "/");
	snprintf(r->name, sizeof r->name, "%s", pw.pw_name);
	snprintf(r->err_switch, sizeof r->err_switch,
	         "error: %s: cannot switch to the user's identity\r\n", what);
	snprintf(r->err_held, sizeof r->err_held,
	         "error: %s: the switch to the user's identity did not hold\r\n", what);
	uid_t me = geteuid();
	if (uid != me) {
		if (me != 0)
			return cfg_err_set("cannot run %s as %s: the management daemon is not root", what,
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
	size_t n = 0;
	if (add_env(r, &n, strdup(uid == 0 ? ROOT_PATH : USER_PATH)) < 0 ||
	    add_env(r, &n, fmt("HOME=%s", r->home)) < 0 ||
	    add_env(r, &n, fmt("USER=%s", pw.pw_name)) < 0 ||
	    add_env(r, &n, fmt("LOGNAME=%s", pw.pw_name)) < 0 ||
	    add_env(r, &n, fmt("TERM=%s", term)) < 0)
		return -1;
	for (size_t i = 0; extra && extra[i]; i++)
		if (add_env(r, &n, strdup(extra[i])) < 0)
			return -1;
	return 0;
}

const char *const *cfg_runas_env(const struct cfg_runas *r)
{
	return (const char *const *)r->env;
}

void cfg_runas_clear(struct cfg_runas *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < CFG_RUNAS_MAX_ENV && r->env[i]; i++) {
		free(r->env[i]);
		r->env[i] = NULL;
	}
	free(r->groups);
	r->groups = NULL;
	r->ngroups = 0;
}
