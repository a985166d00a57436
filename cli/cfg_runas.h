/* cfg_runas — run a program for a CLI user as that user: what `ssh HOST`
 * (jdm_sshcmd) and `start shell` (cfg_shell) run on a pty (cfg_term).
 *
 * cfg_runas_prepare() looks the user (the session's peer uid, SO_PEERCRED)
 * up in the password and group databases in the daemon, before the fork
 * (the daemons have threads: the child makes only system calls, no NSS, no malloc).
 * cfg_runas_child(), the setup of cfg_term_start_env(), then drops to the
 * user in the child before the exec: setgroups (the user's groups), setgid,
 * setuid, checked (real, effective and saved ids), and root cannot be
 * regained; it starts in the user's home. The environment is clean: PATH,
 * HOME from the password database, USER, LOGNAME, TERM, and the caller's
 * EXTRA strings; nothing of the daemon's (no SSH_AUTH_SOCK). Root asking
 * runs the program as root, the same way. A daemon that is not root runs
 * nothing for another user.
 *
 * Ownership: a struct cfg_runas is the caller's (zero it first); free what
 * prepare made with cfg_runas_clear() (also after a failed prepare).
 */
#ifndef NFX_CFG_RUNAS_H
#define NFX_CFG_RUNAS_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#define CFG_RUNAS_MAX_ENV 12

struct cfg_runas {
	uid_t uid;
	gid_t gid;
	bool drop;       /* switch credentials (the daemon is root, the user is not) */
	gid_t *groups;   /* owned; supplementary groups of the user */
	int ngroups;
	char home[PATH_MAX];
	char name[256];  /* the user's name */
	char err_switch[160], err_held[160]; /* the child's messages, made before the fork */
	char *env[CFG_RUNAS_MAX_ENV + 1]; /* owned, NULL-terminated */
};

/* Fill R for UID; WHAT names the program in messages ("ssh", "shell");
 * EXTRA (NULL-terminated, may be NULL; copied) are more environment
 * strings. 0, or -1 with cfg_err set. */
int cfg_runas_prepare(struct cfg_runas *r, uid_t uid, const char *what, const char *const *extra);
/* The environment for cfg_term_start_env() (borrowed from R). */
const char *const *cfg_runas_env(const struct cfg_runas *r);
/* In the child, before the exec (async-signal-safe; ARG is the struct
 * cfg_runas): become the user, check it held, start in the home. 0 or -1. */
int cfg_runas_child(void *arg);
void cfg_runas_clear(struct cfg_runas *r);

#endif
