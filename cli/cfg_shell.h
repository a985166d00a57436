/* cfg_shell — `start shell [sh|csh] [user NAME]` of the JDM and JCP CLIs (the NFX250
 * transcripts of the thesis, chapter 5: `root@jdm> start shell`, then
 * `jdm:~#`).
 *
 * The schema gives it permission `shell` (PERMISSIONS.md: super-user only
 * among the predefined classes); the daemon's permission check refuses the
 * others before this runs. The shell runs on a pty streamed to the operator
 * (cfg_term) as the user who asked — the session's peer uid, with the
 * privilege drop and clean environment of cfg_runas (the same as `ssh`),
 * plus SHELL and a prompt naming the box (`jdm:~$`) — never as the daemon. It
 * starts in the user's home. Leaving the shell (exit, ^D) returns to the
 * CLI; ^] leaves it too (the shell gets SIGHUP).
 *
 * Which shell: none given, bash (/bin/sh where there is no bash); `sh`
 * /bin/sh; `csh` /bin/csh when installed. `user NAME` for another user runs
 * `su --login NAME` as the asking user: su asks NAME's password, exactly as
 * if the user ran it (nothing is granted by the daemon); NAME the asker's own
 * name is the plain shell.
 *
 * Ownership: nothing to free.
 */
#ifndef NFX_CFG_SHELL_H
#define NFX_CFG_SHELL_H

#include "cfg_daemon.h"

/* Register the `start shell` handler (start_shell) with D. 0 or -1 with
 * cfg_err set. */
int cfg_shell_register(struct cfg_daemon *d);

#endif
