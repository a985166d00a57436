/* jdm_term — a program on a pseudo-terminal as a CLI stream: what `ssh HOST`
 * from the JDM CLI runs. Output of the program goes to the operator, what
 * the operator types goes to the program; the stream ends when the program
 * exits, or when the operator leaves with ^] (the program then gets SIGHUP).
 *
 * Ownership: jdm_term_start() makes a terminal owned by the stream; it is
 * freed when the stream ends.
 */
#ifndef NFX_JDM_TERM_H
#define NFX_JDM_TERM_H

#include "cfg_daemon.h"

/* Start ARGV (absolute path first, copied) on a new pty for command C. 0
 * (the handler returns CFG_CMD_PENDING), or -1 with cfg_err set. */
int jdm_term_start(struct cfg_cmd *c, const char *const *argv);

#endif
