/* snmp_trap — the notifications the subagent sends (through its AgentX
 * master, which sends them to the trap targets of snmpd.conf): VM-MIB's
 * per-VM notifications and the nfx MIB's. Called on the subagent's one
 * thread only (Net-SNMP is not thread-safe).
 */
#ifndef NFX_SNMP_TRAP_H
#define NFX_SNMP_TRAP_H

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

/* VM-MIB vmNotifications numbers */
enum {
	SNMP_VM_RUNNING = 1, SNMP_VM_SHUTTINGDOWN = 2, SNMP_VM_SHUTDOWN = 3, SNMP_VM_PAUSED = 4,
	SNMP_VM_SUSPENDED = 6, SNMP_VM_CRASHED = 9, SNMP_VM_DELETED = 10,
};
/* nfx MIB nfxNotifications numbers */
enum {
	SNMP_NFX_LIVE_UP = 1, SNMP_NFX_LIVE_DOWN = 2, SNMP_NFX_RESTARTED = 3, SNMP_NFX_COMMIT = 4,
	SNMP_NFX_HUGE_LOW = 5, SNMP_NFX_IPSEC_UP = 6, SNMP_NFX_IPSEC_DOWN = 7,
};

/* The nfx MIB's root (set once at start). */
void snmp_trap_set_root(const oid *root, size_t len);

/* vmNotifications.WHICH with vmName, vmUUID (16 octets or empty) and
 * vmOperState (PREV_OPER: the state before, as RFC 7666 says) of INDEX. */
void snmp_trap_vm(int which, long index, const char *name, const unsigned char *uuid, size_t uuid_len,
                  int prev_oper);
/* nfxVnfLivelinessUp/Down (nfxVnfName, nfxVnfLiveliness), nfxVnfRestarted
 * (nfxVnfName, nfxVnfRestarts). */
void snmp_trap_vnf(int which, long index, const char *name, long value);
/* nfxCommitDone (nfxConfigRevision, nfxConfigLastCommitUser). */
void snmp_trap_commit(long revision, const char *user);
/* nfxHugepagesLow (nfxHugepageTotal, nfxHugepageFree of SIZE_KIB). */
void snmp_trap_huge(long size_kib, long total, long free_pages);

/* nfxIpsecTunnelUp/Down (WHICH) of tunnel INDEX: nfxIpsecTunnelVpnName,
 * nfxIpsecTunnelSelector (TS), nfxIpsecTunnelGateway,
 * nfxIpsecTunnelChildState (CHILD), and for Down nfxIpsecTunnelReason.
 * NULL strings are sent empty. */
void snmp_trap_ipsec(int which, long index, const char *name, const char *ts, const char *gateway, long child,
                     const char *reason);

#endif
