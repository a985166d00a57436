/* jdm_sshcmd — the `ssh HOST` command of the JDM CLI.
 *
 * HOST is a VNF name (its internal address, jdm_vnf) or a host name or
 * address (letters, digits, `.`, `:`, `-`, `_`; no leading `-`). ssh runs on
 * a pty streamed to the operator (cfg_term) as the user who asked — the
 * session's peer uid (SO_PEERCRED), with that user's groups from the
 * password and group databases — never as jdmd: the child drops to the
 * user (setgroups, setgid, setuid, checked, and root cannot be regained)
 * before the exec. It gets a clean environment (PATH, HOME from the
 * password database, USER, LOGNAME, TERM; no SSH_AUTH_SOCK, so no agent of
 * root's), starts in the user's home, and uses the user's own keys, config
 * and known hosts (~/.ssh). Root asking runs ssh as root, the same way.
 *
 * Ownership: nothing to free; the command's context is the jdm_vnf handle
 * (borrowed, outlives the daemon's commands).
 */
#ifndef NFX_JDM_SSHCMD_H
#define NFX_JDM_SSHCMD_H

#include "cfg_daemon.h"

struct jdm_vnf;

/* Register the `ssh` command handler with D; V resolves VNF names (NULL:
 * host names only). 0 or -1 with cfg_err set. */
int jdm_sshcmd_register(struct cfg_daemon *d, struct jdm_vnf *v);

#endif
