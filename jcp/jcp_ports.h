/* jcp_ports — the JCP's ports as a subsystem row of jcpd (cli/cfg_subsys.h).
 *
 * Owns `interfaces` (reads `vlans`). Its commit check: only the NFX250
 * front-panel and internal ports exist (the port table of jcp_ops), and the
 * two sxe ports may not carry the same VLAN (that would loop hsxe0 and hsxe1
 * through the host):
 *
 *   error: sxe interfaces (sxe-0/0/0.0 and sxe-0/0/1.0) cannot have same vlan member (1100)
 *   error: configuration check-out failed
 *
 * Nothing is applied yet: the PFE switch that makes ports real comes with
 * the data side. Inactive nodes count as absent.
 *
 * Ownership: the row's strings are static; it has no context.
 */
#ifndef NFX_JCP_PORTS_H
#define NFX_JCP_PORTS_H

#include "cfg_subsys.h"

/* The row to add with cfg_daemon_add_subsys(). */
extern const struct cfg_subsys jcp_ports_row;

#endif
