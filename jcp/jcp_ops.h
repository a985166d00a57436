/* jcp_ops — the ports of the JCP switch (written once, here) and the JCP
 * operational commands: `show interfaces [NAME] [terse]`, `show vlans`,
 * `show ethernet-switching table`, `show chassis hardware`. Each fills a
 * reply (cfg_reply.h) whose elements are declared in
 * cli/schema/ops-jcp.xml; the text is rendered from it.
 *
 * The ports of the NFX250: ge-0/0/0..11, xe-0/0/12..13 and the internal
 * sxe-0/0/0 (facing hsxe0) and sxe-0/0/1 (facing hsxe1).
 *
 * Reads the daemon's active configuration and, once jcp_ops_set_pfe()
 * gave it the PFE switch, the live state: link state, addresses and kernel
 * counters over rtnetlink (jcp_ifstate), OVS's counters and learned MACs
 * (jcp_pfe). No state of its own.
 */
#ifndef NFX_JCP_OPS_H
#define NFX_JCP_OPS_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg_daemon.h"

/* Number of ports, and the I-th in display order (NULL past the end). */
size_t jcp_ops_port_count(void);
const char *jcp_ops_port(size_t i);
/* Is NAME one of the ports of the box? */
bool jcp_ops_port_exists(const char *name);
/* The ports written as ranges, for messages: "ge-0/0/0..11, xe-0/0/12..13, sxe-0/0/0..1". */
const char *jcp_ops_port_ranges(void);

/* The VLAN id a `vlan members` value stands for below the config ROOT (a
 * VLAN name of `vlans`, or a number 1..4094), or -1. */
long jcp_ops_vlan_id(const struct cfg_node *root, const char *member);

/* Register the JCP show handlers with D. 0 or -1. */
int jcp_ops_register(struct cfg_daemon *d);
/* Give `show interfaces` and `show ethernet-switching table` the PFE
 * switch PFE (borrowed; it must outlive D's handlers). 0 or -1. */
struct jcp_pfe;
int jcp_ops_set_pfe(struct cfg_daemon *d, struct jcp_pfe *pfe);

#endif
