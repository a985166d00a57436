/* jcp_ports — the JCP's ports as a subsystem row of jcpd (cli/cfg_subsys.h).
 *
 * Owns `interfaces` (reads `vlans`): the commit checks. Only the NFX250
 * front-panel and internal ports exist (the port table of jcp_ops);
 * `family ethernet-switching` only on unit 0; an access port in one VLAN;
 * and the two sxe ports may not carry the same VLAN (that would loop
 * hsxe0 and hsxe1 through the host):
 *
 *   error: sxe interfaces (sxe-0/0/0.0 and sxe-0/0/1.0) cannot have same vlan member (1100)
 *   error: configuration check-out failed
 *
 * It applies nothing: the PFE switch (jcp_pfe) makes the ports real.
 * Inactive nodes count as absent.
 *
 * Ownership: the row's strings are static; it has no context.
 */
#ifndef NFX_JCP_PORTS_H
#define NFX_JCP_PORTS_H

#include "cfg_subsys.h"

/* The row to add with cfg_daemon_add_subsys(). */
extern const struct cfg_subsys jcp_ports_row;

#endif
