/* jdm_sriov_ovs — emulated VFs as ports of the host-os switch: the
 * jdm_sriov_emu_ops that jdmd gives the sriov row (jdm_sriov.h).
 *
 * An emulated VF of PF hsxe0/hsxe1 is the VNF's TAP `<vnf>_<ethN>` (libvirt
 * makes it: type='ethernet', jdm_domain) plugged into the host-os switch
 * BRIDGE (ovs-sys-br) as an access port with tag = the VF's vlan-id
 * (untagged without one), so its frames leave through the PF's trunk
 * uplink hsxeK toward JCP's sxe-0/0/K. This module owns only the Ports it
 * made: they carry external_ids nfx-owner=sriov and nfx-pf=hsxeK; each
 * change is one OVSDB transaction (nfx_ovsdb_commit: with the next_cfg
 * increment, waited for until ovs-vswitchd applied it), on a blocking
 * connection of its own (commit thread). The host-os switch itself (its
 * processes, the bridge and the uplinks) belongs to jdmd's host-os switch
 * row; a missing bridge is an error here, never made.
 *
 * Ownership: jdm_sriov_ovs_new() copies its arguments; free with
 * jdm_sriov_ovs_free() (NULL accepted). Errors: -1 with cfg_err set.
 */
#ifndef NFX_JDM_SRIOV_OVS_H
#define NFX_JDM_SRIOV_OVS_H

#include "jdm_sriov.h"

struct jdm_sriov_ovs;

/* DB_SOCK: the OVSDB server's unix socket (STATE/ovs/db.sock); BRIDGE the
 * host-os switch ("ovs-sys-br"). */
struct jdm_sriov_ovs *jdm_sriov_ovs_new(const char *db_sock, const char *bridge);
void jdm_sriov_ovs_free(struct jdm_sriov_ovs *o);

/* The ops for jdm_sriov_set_emu(s, &jdm_sriov_ovs_ops, o). */
extern const struct jdm_sriov_emu_ops jdm_sriov_ovs_ops;

/* Add (or retag) access port PORT with tag VLAN (0: untagged) for PF;
 * remove PORT (absent: nothing). 0 or -1. */
int jdm_sriov_ovs_port_add(void *ctx, const char *port, int vlan, const char *pf);
int jdm_sriov_ovs_port_del(void *ctx, const char *port);

/* The same for any row of jdmd that plugs its own links into the host-os
 * switch (jdm_ipsecnm's veths): access port PORT on BRIDGE with tag VLAN,
 * external_ids nfx-owner=OWNER (and nfx-pf=PF unless NULL), added or
 * retagged in one transaction; a port of that name owned by someone else is
 * refused. Del removes PORT only when OWNER's (absent: nothing). 0 or -1. */
int jdm_ovs_owned_port_add(const char *db_sock, const char *bridge, const char *port, int vlan,
                           const char *owner, const char *pf);
int jdm_ovs_owned_port_del(const char *db_sock, const char *bridge, const char *port,
                           const char *owner);

#endif
