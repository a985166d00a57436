/* cfg_opcmd — the commit/rollback and help commands Junos operators expect
 * beyond cfg_cmd's core: `show system rollback N [compare M]`,
 * `help topic|reference|apropos WORD`, `show cli`.
 *
 * Handlers are found by the `handler` names of cli/schema/ops-*.xml and
 * cfgmode.xml; cfg_opcmd_register_all() registers them (cfg_cmd's
 * cfg_cmd_register_all() calls it).
 */
#ifndef NFX_CFG_OPCMD_H
#define NFX_CFG_OPCMD_H

#include "cfg_daemon.h"

/* Register this module's handlers on D. 0 or -1. */
int cfg_opcmd_register_all(struct cfg_daemon *d);

#endif
