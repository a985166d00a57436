/* jdm_hostos — operational commands of the host OS switch: `show host-os
 * vlans` (reply <host-os-vlan-information>, cli/schema/ops-jdm.xml: each
 * VLAN with the ports of ovs-sys-br that carry it, jdm_vswcfg), and the
 * data interfaces of `show system visibility network` (<data-interface>
 * of each <vnf>, and the "VNF Data Interfaces" table).
 *
 * Reads only the daemon's active configuration. No state of its own.
 */
#ifndef NFX_JDM_HOSTOS_H
#define NFX_JDM_HOSTOS_H

#include "cfg_daemon.h"
#include "cfg_reply.h"

/* Register the handler show_host_vlans with D. 0 or -1. */
int jdm_hostos_register(struct cfg_daemon *d);

/* Where the shows learn a port's OVS error (the Interface table's error
 * column, as jdm_vswitch's monitor last saw it): FN(CTX, port) returns the
 * text or NULL (borrowed, loop thread). NULL FN: no errors shown. */
typedef const char *(*jdm_hostos_port_error_fn)(void *ctx, const char *port);
void jdm_hostos_set_port_errors(jdm_hostos_port_error_fn fn, void *ctx);

/* Add VNF's data interfaces (host-os switch ports) to its <vnf> element E,
 * from configuration T. */
void jdm_hostos_visibility(const struct cfg_tree *t, const struct cfg_node *vnf, struct cfg_rel *e);
/* The "VNF Data Interfaces" table of a network-visibility reply (nothing
 * when no VNF has one). */
void jdm_hostos_visibility_text(struct cfg_buf *out, const struct cfg_reply *rep);

#endif
