/* sriov_nl — a VF's MAC, VLAN and spoof check set on its PF over rtnetlink.
 *
 * One RTM_SETLINK request on the PF's ifindex carries everything for one
 * VF, written with libmnl:
 *   ifinfomsg { AF_UNSPEC, ifi_index = PF }
 *   IFLA_VFINFO_LIST (nested)
 *     IFLA_VF_INFO (nested)
 *       IFLA_VF_MAC      struct ifla_vf_mac      { vf, mac[32] (6 used) }
 *       IFLA_VF_VLAN     struct ifla_vf_vlan     { vf, vlan (0 = none), qos 0 }
 *       IFLA_VF_SPOOFCHK struct ifla_vf_spoofchk { vf, setting }
 * The kernel applies them in that order and stops at the first refusal; a
 * device without SR-IOV (a veth) refuses the MAC, the first one, with
 * EOPNOTSUPP, so nothing is applied. Should a later attribute be refused
 * by a real NIC, the VF is put back to cleared (no MAC, no VLAN) before
 * the error is returned, as it was free before jdmd took it.
 *
 * The socket is opened in the calling thread's network namespace.
 *
 * Ownership: nothing allocated; buffers are the caller's. Errors follow
 * cfg_err.h.
 */
#ifndef NFX_SRIOV_NL_H
#define NFX_SRIOV_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What one VF gets. */
struct sriov_nl_vf {
	unsigned vf;              /* VF number on the PF */
	unsigned char mac[6];     /* all zero: cleared */
	unsigned vlan;            /* 0 = untagged, else 1..4094 */
	bool spoofchk;            /* MAC spoof check */
};

/* Room for one request (a page is plenty). */
#define SRIOV_NL_BUF 1024

/* Write the RTM_SETLINK request for C on IFINDEX with sequence SEQ into BUF
 * (SIZE bytes, SRIOV_NL_BUF is enough). Returns the message length, or 0
 * with cfg_err set (BUF too small, VLAN out of range). */
size_t sriov_nl_build(void *buf, size_t size, uint32_t seq, int ifindex,
                      const struct sriov_nl_vf *c);

/* "30:b6:4f:01:02:03" into MAC: 0, or -1 with cfg_err set. */
int sriov_nl_parse_mac(const char *s, unsigned char mac[6]);

/* Set C on the VF of the PF whose netdev is NETDEV (PF is the name used in
 * messages: "hsxe0"). 0, or -1 with cfg_err set: "PF hsxe0 (veth0): the
 * kernel refused virtual function 0 (MAC ..., VLAN 1100): Operation not
 * supported (the device has no SR-IOV virtual functions)". */
int sriov_nl_set_vf(const char *pf, const char *netdev, const struct sriov_nl_vf *c);

/* Clear VF (MAC 00:00:00:00:00:00, no VLAN, spoof check on): what a freed
 * VF gets. 0 or -1. */
int sriov_nl_clear_vf(const char *pf, const char *netdev, unsigned vf);

#endif
