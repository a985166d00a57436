/* jdm_hostos — operational commands of the host OS switch: `show host-os
 * vlans` (reply <host-os-vlan-information>, cli/schema/ops-jdm.xml).
 *
 * Reads only the daemon's active configuration. No state of its own.
 */
#ifndef NFX_JDM_HOSTOS_H
#define NFX_JDM_HOSTOS_H

#include "cfg_daemon.h"

/* Register the handler show_host_vlans with D. 0 or -1. */
int jdm_hostos_register(struct cfg_daemon *d);

#endif
