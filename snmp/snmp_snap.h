/* snmp_snap — the values the subagent serves, as one sorted array of
 * (OID, value) built from the cache (snmp_cache.h) whenever it changed:
 * VM-MIB (RFC 7666, mib-2 236) and the nfx MIB (snmp/mibs/NFX-MIB.txt,
 * under the build's OID root). A GET is a binary search for the OID, a
 * GETNEXT for the first OID after it: every table and scalar the same way,
 * in OID order by construction, and no request ever waits on a daemon.
 * Values that move with the clock (vmHvUpTime, vmUpTime) are computed
 * when served.
 *
 * What each object is made of (the replies, by element name):
 *   vmTable      show virtual-network-functions (rows without <vnf-container/>)
 *                and NAME detail (vnf-name,
 *                vnf-uuid, vnf-state, vnf-autostart, vnf-vcpus,
 *                vnf-maximum-memory, vnf-used-memory)
 *   vmCpuAffinityTable  show system visibility cpu (vnf/pinning)
 *   vmStorageTable      vnf-image of the detail reply
 *   vmNetworkTable      show system visibility network (vnf/interface:
 *                device -> ifIndex, source -> parent ifIndex, model, mac)
 *   nfxVnfTable  vnf-liveliness, vnf-ip-address, vnf-restarts,
 *                vnf-last-stopped
 *   nfxHugepageTable    show system visibility memory (hugepage-pool)
 *   nfxHostVlanTable    show host-os vlans (vlan: vlan-name, vlan-id,
 *                vlan-member-interface when the reply has it)
 *   nfxJcpPortTable     jcpd's show interfaces terse (physical-interface:
 *                name, admin-status, oper-status, logical-interface
 *                interface-mode, vlan-member); ifIndex: the interface whose
 *                alias (ifAlias) or name is the port's name
 *   nfxConfig    show system commit (newest commit-history)
 *   nfxIpsecTunnelTable show security ipsec security-associations (key
 *                "ipsec": ipsec-nm-status esp-mode, ipsec-nm-tunnel per
 *                VPN/traffic selector, the CHILD SA blocks' sa-bytes and
 *                sa-packets) and show security ike security-associations
 *                (key "ike": ike-sa-state of the tunnel's gateway)
 *   nfxL2SiteTable      show host-os l2-extension (key "l2ext": <site>)
 *
 * Ownership: snmp_snap_new() returns a snapshot freed by snmp_snap_free().
 */
#ifndef NFX_SNMP_SNAP_H
#define NFX_SNMP_SNAP_H

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "snmp_cache.h"

/* VM-MIB's root, mib-2 236 */
extern const oid snmp_vm_mib[];
extern const size_t snmp_vm_mib_len;

struct snap_val {
	oid name[MAX_OID_LEN];
	size_t len;
	u_char type;   /* ASN_INTEGER, ASN_OCTET_STR, ASN_TIMETICKS, ASN_GAUGE, ASN_COUNTER, ASN_COUNTER64
	                  (l: 0..LONG_MAX), ASN_OBJECT_ID */
	long l;
	char *s;       /* octets (malloc'ed) */
	size_t slen;
	int dyn;       /* 0 fixed; 1 TimeTicks since `since`; 2 the host's uptime */
	time_t since;
	oid *objid;    /* ASN_OBJECT_ID (malloc'ed) */
	size_t objlen;
};

struct snmp_snap;

/* NFX_ROOT: the nfx MIB's root OID (the build setting). */
struct snmp_snap *snmp_snap_new(const oid *nfx_root, size_t nfx_len);
void snmp_snap_free(struct snmp_snap *s);

/* Rebuild from C when its generation moved. */
void snmp_snap_update(struct snmp_snap *s, struct snmp_cache *c);
/* The value at exactly NAME, or the first after it (NEXT); NULL if none. */
const struct snap_val *snmp_snap_find(const struct snmp_snap *s, const oid *name, size_t len, bool next);
size_t snmp_snap_count(const struct snmp_snap *s);

/* The value V as it is served now (TimeTicks computed). */
long snmp_snap_ticks(const struct snap_val *v);

/* A row of show virtual-network-functions that is a container of jdmd's
 * (<vnf-container/>: ipsec-nm), not a VM: VM-MIB and nfxVnfTable leave it
 * out. */
bool snmp_is_container(const struct cfg_rel *vnf);

/* VM-MIB's VirtualMachineOperState of a vnf-state ("running" -> 4...). */
int snmp_oper_state(const char *state);
/* 16 octets of a textual UUID into OUT; false when it is not one. */
bool snmp_uuid_bytes(const char *text, unsigned char out[16]);

/* nfxIpsecTunnel{Ike,Child}State of a state word: up(1) down(2)
 * connecting(3) unknown(4); nfxIpsecTunnelEspMode: kernel(1) userspace(2)
 * unknown(3). */
int snmp_ipsec_state(const char *state);
int snmp_ipsec_mode(const char *mode);
/* The first tunnel (<ipsec-nm-tunnel>) of an ipsec reply R (then
 * cfg_rel_next_same), and what the subagent's notifications need of one;
 * its key "VPN/TS" (the tunnel index is by key) into OUT. */
const struct cfg_rel *snmp_ipsec_first(const struct cfg_reply *r);
void snmp_ipsec_key(const struct cfg_rel *tunnel, char *out, size_t n);
const char *snmp_ipsec_name(const struct cfg_rel *vpn);
const char *snmp_ipsec_gateway(const struct cfg_rel *vpn);
int snmp_ipsec_child(const struct cfg_rel *vpn);
const char *snmp_ipsec_reason(const struct cfg_rel *vpn);

#endif
