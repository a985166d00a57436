/* cfg_term — a program on a pseudo-terminal as a CLI stream: what `ssh HOST`
 * from the JDM CLI and `start shell` (JDM and JCP) run. Output of the program goes to the operator, what
 * the operator types goes to the program; the stream ends when the program
 * exits, or when the operator leaves with ^] (the program then gets SIGHUP).
 *
 * Ownership: cfg_term_start() makes a terminal owned by the stream; it is
 * freed when the stream ends.
 */
#ifndef NFX_CFG_TERM_H
#define NFX_CFG_TERM_H

#include "cfg_daemon.h"

/* Start ARGV (absolute path first, copied) on a new pty for command C. 0
 * (the handler returns CFG_CMD_PENDING), or -1 with cfg_err set. */
int cfg_term_start(struct cfg_cmd *c, const char *const *argv);

/* The same, with ENVP as the program's whole environment (NULL: the
 * daemon's) and SETUP(ARG), when not NULL, run in the child just before the
 * exec (after the descriptors above 2 are closed; the pty is its standard
 * input, output and error): it must be async-signal-safe (the daemons have threads)
 * and returns 0, or -1 after writing why to standard error, and the program
 * is not run (the stream ends with status 1). `ssh HOST` drops to the
 * asking user's uid there (jdm_sshcmd). */
int cfg_term_start_env(struct cfg_cmd *c, const char *const *argv, const char *const *envp,
                       int (*setup)(void *arg), void *arg);

#endif
