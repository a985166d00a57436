/* cfg_opcmd — the commit/rollback and help commands Junos operators expect
 * beyond cfg_cmd's core: `show system rollback N [compare M]`,
 * `commit at TIME` and `clear system commit`, `help topic|reference|apropos WORD`, `show cli`.
 *
 * Handlers are found by the `handler` names of cli/schema/ops-*.xml and
 * cfgmode.xml; cfg_opcmd_register_all() registers them (cfg_cmd's
 * cfg_cmd_register_all() calls it).
 */
#ifndef NFX_CFG_OPCMD_H
#define NFX_CFG_OPCMD_H

#include "cfg_daemon.h"

/* `commit at TIME` (cfg_cmd's commit handler hands it here): check CAND
 * now, keep it in the store with the time, the session's user and COMMENT,
 * and commit it through the daemon's commit job at that time (also after a
 * restart); the session leaves configuration mode. 0, or -1 with cfg_err
 * set (findings printed). CAND is borrowed. */
int cfg_opcmd_commit_at(struct cfg_cmd *c, const struct cfg_tree *cand, const char *at,
                        const char *comment);
/* A `commit at` is pending: its time and who asked. */
bool cfg_opcmd_commit_pending(struct cfg_daemon *d, time_t *when, char *user, size_t ulen);

/* Register this module's handlers on D. 0 or -1. */
int cfg_opcmd_register_all(struct cfg_daemon *d);

#endif
