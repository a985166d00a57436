/* nc_rpc — the NETCONF operations of one session, on the daemon's
 * sessions, candidates, locks and commit pipeline.
 *
 * Owns the meaning of every RPC: the RFC 6241 operations (get, get-config,
 * edit-config, copy-config, discard-changes, lock/unlock, validate,
 * commit with :confirmed-commit:1.1, cancel-commit, close-session),
 * RFC 5277 create-subscription (netconf-config-change, RFC 6470), RFC 6022
 * get-schema, and the Junos XML RPCs PyEZ and Ansible send
 * (get-configuration, load-configuration, commit-configuration,
 * lock-/unlock-/open-/close-configuration, command, and `get-REPLY` for
 * every operational command with a reply in cli/schema/ops-*.xml, e.g.
 * get-software-information). Each is done as the CLI does it, over the
 * daemon socket (nc_dmn.h) as the logged-in user: a NETCONF lock is
 * `configure exclusive`, validate is `commit check`, edit-config is `load
 * set terminal` of the statements, so permissions, secrets and locks are
 * decided by the daemon. Errors come back as <rpc-error> with error-tag,
 * error-path ([edit ...]) and error-message as the CLI prints them.
 *
 * Permissions: no RPC has one of its own; each is the CLI command below,
 * which the daemon checks against the user's class (perm= in cli/schema):
 *   get-config running, get, get-configuration committed   show configuration (view)
 *   get-config candidate, get-configuration                configure + show (configure, view)
 *   edit-config, load-configuration, copy-config to cand.  configure + load set|merge|override
 *                                                          terminal (configure + the hierarchy's
 *                                                          FAMILY-control per statement)
 *   discard-changes, load-configuration rollback=N         rollback N (rollback)
 *   lock, lock-configuration                               configure exclusive (configure)
 *   open-configuration <private/>                          configure private (configure)
 *   validate, commit, commit-configuration, cancel-commit  commit [check|confirmed N|at] (configure)
 *   command, get-REPLY                                     the operational command's own perm
 *   create-subscription                                    the daemon's event watch ('W')
 *   get-schema, <get> netconf-state                        any user the daemon let in (the schema
 *                                                          is what `?` shows everyone)
 *   kill-session                                           kill(2): own sessions, root any
 * Secrets are hidden by the daemon's renderers unless the class has `secret`.
 *
 * Ownership: nc_rpc_new() returns a session the caller frees with
 * nc_rpc_free() (it closes the daemon connection it was given).
 */
#ifndef NFX_NC_RPC_H
#define NFX_NC_RPC_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg_buf.h"
#include "nc_dmn.h"

#define NC_NS_BASE "urn:ietf:params:xml:ns:netconf:base:1.0"

struct nc_rpc;

/* A session for daemon connection D (taken; may be NULL in tests: every
 * RPC that needs the daemon then fails) on target TARGET ("jdm" or "jcp"),
 * NETCONF session-id SID. */
struct nc_rpc *nc_rpc_new(struct nc_dmn *d, const char *target, unsigned sid);
void nc_rpc_free(struct nc_rpc *r);

/* Our <hello> (capabilities, session-id) into OUT. */
void nc_rpc_hello(struct nc_rpc *r, struct cfg_buf *out);
/* The client's <hello> MSG: 0 (*BASE11: both sides speak base:1.1), or -1
 * (not a hello: the session must close). */
int nc_rpc_client_hello(struct nc_rpc *r, const char *msg, size_t len, bool *base11);
/* Handle one message MSG (an <rpc>): the reply document into OUT (nothing
 * for a message that gets none). Returns 0, or 1 when the session ends
 * after OUT is sent (close-session, the daemon went away). */
int nc_rpc_handle(struct nc_rpc *r, const char *msg, size_t len, struct cfg_buf *out);
/* The next event from the daemon as a <notification> document into OUT
 * (called after each reply and when the daemon's socket is readable):
 * true if there was one. */
bool nc_rpc_notification(struct nc_rpc *r, struct cfg_buf *out);
struct nc_dmn *nc_rpc_dmn(struct nc_rpc *r);

#endif
