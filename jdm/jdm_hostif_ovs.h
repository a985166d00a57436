/* jdm_hostif_ovs — ports of ovs-sys-br that a row of jdmd other than the
 * host-os switch owns (external_ids nfx-owner=OWNER, which jdm_vswitch
 * leaves alone): the host's L3 interfaces (owner "host-os-interfaces",
 * type internal: with the userspace datapath a tap in jdmd's namespace) and
 * the layer-2 extension's VXLAN devices (owner "l2-extension", system
 * ports). Over OVSDB JSON-RPC (nfx_ovsdb), one transaction per call.
 *
 * Threads: any (a blocking connection per call).
 */
#ifndef NFX_JDM_HOSTIF_OVS_H
#define NFX_JDM_HOSTIF_OVS_H

#include <stdbool.h>
#include <stddef.h>

struct jdm_hostif_port {
	char name[16];
	int tag;            /* access VLAN (1..4094) */
	int mtu;            /* mtu_request; 0: none */
	bool internal;      /* type internal (else a system port of an existing netdev) */
};

/* Make the ports of ovs-sys-br owned by OWNER exactly P[0..N) (add, change
 * tag / mtu_request / type, remove the others), then wait until
 * ovs-vswitchd applied it. A port of that name owned by somebody else is an
 * error. DB_SOCK is the OVSDB server's unix socket. 0 or -1 (cfg_err). */
int jdm_hostif_ovs_sync(const char *db_sock, const char *owner, const struct jdm_hostif_port *p,
                        size_t n);

/* Set mtu_request of the existing interfaces NAMES[0..N) (ports of other
 * owners: the VNF taps of an extended VLAN), MTU 0 clears it. Names not in
 * the database are skipped. 0 or -1. */
int jdm_hostif_ovs_mtu_request(const char *db_sock, const char *const *names, size_t n, int mtu);

#endif
