/* nfx_nl — one netlink request and its answers, over libmnl: the transport
 * under jdmd's rtnetlink and XFRM code (jdm_hostif_nl: routes, rules,
 * VXLAN, FDB; jdm_ipsecnm_net: the container's veths; sriov_nl: VF
 * settings; jdm_charon: the ESP probe).
 *
 * Each call opens a socket of its own in the calling thread's network
 * namespace (so a caller that setns()es a thread elsewhere talks to that
 * namespace), sends the message, runs the callback over the replies until
 * the kernel's ACK, NLMSG_DONE or an error, and closes it. Replies are
 * awaited for at most NFX_NL_TIMEOUT_S seconds.
 *
 * Threads: any; nothing is shared but a per-thread sequence counter.
 * Ownership: NLH and DATA are borrowed.
 */
#ifndef NFX_NL_H
#define NFX_NL_H

#include <stdint.h>

#include <libmnl/libmnl.h>

#define NFX_NL_TIMEOUT_S 5

/* A fresh sequence number (per thread). */
uint32_t nfx_nl_seq(void);

/* Send NLH on netlink bus BUS (NETLINK_ROUTE, NETLINK_XFRM) and run CB(DATA)
 * (may be NULL) over every reply. NLH's sequence number is used as it is,
 * or set with nfx_nl_seq() when 0. Returns 0, or -errno: the kernel's error
 * code (-EEXIST, -ENODEV...), or the socket's (-EAGAIN on the timeout). */
int nfx_nl_talk(int bus, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

#endif
