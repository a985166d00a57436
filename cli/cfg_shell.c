/* cfg_shell — `start shell` as the user who asked. See cfg_shell.h. */
#include "cfg_shell.h"

#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cfg_cmd.h"
#include "cfg_err.h"
#include "cfg_session.h"
#include "cfg_runas.h"
#include "cfg_term.h"

#define SU_PATH "/bin/su"

/* The first of PATHS (NULL-terminated) that can be run, or NULL. */
static const char *first_exec(const char *const *paths)
{
	for (size_t i = 0; paths[i]; i++)
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	return NULL;
}

/* A user name as the password database has them; never an option. */
static bool name_ok(const char *n)
{
	return n && *n && n[0] != '-' && strlen(n) <= 32 &&
	       strspn(n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
	               strlen(n);
}

static int cmd_start_shell(struct cfg_cmd *c)
{
	static const char *const def[] = {"/bin/bash", "/bin/sh", NULL};
	static const char *const sh[] = {"/bin/sh", NULL};
	static const char *const csh[] = {"/bin/csh", "/usr/bin/csh", "/bin/tcsh", "/usr/bin/tcsh", NULL};
	const char *kind = cfg_cmd_has(c, "csh") ? "csh" : cfg_cmd_has(c, "sh") ? "sh" : NULL;
	const char *shell = first_exec(!kind ? def : !strcmp(kind, "sh") ? sh : csh);
	if (!shell)
		return cfg_err_set("%s is not installed on this box", kind ? kind : "a shell");

	const char *other = cfg_cmd_has(c, "user") ? cfg_cmd_value(c, "user") : NULL;
	const char *me = cfg_session_user(c->s);
	if (other && !name_ok(other))
		return cfg_err_set("invalid user name '%s'", other);
	if (other && me && !strcmp(other, me))
		other = NULL;
	if (other) {
		struct passwd pw, *res = NULL;
		char buf[4096];
		if (getpwnam_r(other, &pw, buf, sizeof buf, &res) != 0 || !res)
			return cfg_err_set("user %s does not exist on this box", other);
		if (access(SU_PATH, X_OK) != 0)
			return cfg_err_set("cannot start a shell as %s: no %s", other, SU_PATH);
	}

	/* the prompt names the box, as the thesis' `jdm:~#` (the daemon's
	 * name where it has no host name: jcpd) */
	const char *host = cfg_daemon_host(c->d);
	if (!host || !*host)
		host = cfg_daemon_name(c->d);
	uid_t uid = cfg_session_uid(c->s);
	char eshell[300], ps1[200];
	snprintf(eshell, sizeof eshell, "SHELL=%s", shell);
	if (!strcmp(shell, "/bin/bash"))
		snprintf(ps1, sizeof ps1, "PS1=%s:\\w\\$ ", host ? host : "nfx");
	else
		snprintf(ps1, sizeof ps1, "PS1=%s:$PWD%s ", host ? host : "nfx", uid == 0 ? "#" : "$");
	const char *extra[] = {eshell, ps1, NULL};

	struct cfg_runas r = {0};
	int rc = -1;
	if (cfg_runas_prepare(&r, uid, "shell", extra) < 0)
		goto out; /* cfg_err says why */
	const char *argv_shell[] = {shell, "-i", NULL};
	/* su: NAME's own login shell, or the one asked for */
	const char *argv_su[] = {SU_PATH, "--login", "--", other, NULL};
	const char *argv_su_shell[] = {SU_PATH, "--login", "--shell", shell, "--", other, NULL};
	const char *const *argv = !other ? argv_shell : kind ? argv_su_shell : argv_su;
	if (cfg_term_start_env(c, argv, cfg_runas_env(&r), cfg_runas_child, &r) < 0)
		goto out; /* cfg_err says why */
	rc = 0;
out:
	cfg_runas_clear(&r);
	return rc;
}

int cfg_shell_register(struct cfg_daemon *d)
{
	return cfg_daemon_register(d, "start_shell", cmd_start_shell);
}
