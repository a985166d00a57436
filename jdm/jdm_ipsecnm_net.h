/* jdm_ipsecnm_net — the links and routes of the ipsec-nm container, over
 * rtnetlink with libmnl (no helper programs):
 *   a veth pair whose outer end (in jdmd's network namespace, e.g.
 *   ipsec-nm_heth1) stays and whose inner end (heth1) is made in the
 *   container's namespace (IFLA_NET_NS_FD) in the same request;
 *   static IPv4 routes (protocol static, main table) and IPv4 forwarding in
 *   the namespace the calling thread is in (run them through
 *   jdm_charon_in_netns).
 * Errors: -1 with cfg_err set.
 */
#ifndef NFX_JDM_IPSECNM_NET_H
#define NFX_JDM_IPSECNM_NET_H

/* The veth OUTER (here) <-> INNER (in the namespace NETNS_FD), both left
 * down. An existing OUTER is kept (1). 0 made, 1 kept, -1. */
int jdm_ipsecnm_net_veth(const char *outer, const char *inner, int netns_fd);
/* Add (replace) or delete route DST ("A.B.C.D/N") via VIA. Deleting a
 * route that is not there is no error. VIA NULL: an "unreachable" route of
 * metric JDM_IPSECNM_GUARD_METRIC (the guard that keeps traffic for a
 * remote traffic selector from leaving in clear while its IPsec SA is down:
 * table 220 of kernel-libipsec comes first while it is up). */
#define JDM_IPSECNM_GUARD_METRIC 4242
int jdm_ipsecnm_net_route(const char *dst, const char *via, int add);
/* Turn off TX checksum offload of link IFNAME (this thread's namespace):
 * ovs-sys-br's userspace (netdev) datapath forwards a veth's packets with
 * the checksum still to be filled in, and the receiver drops UDP (IKE,
 * ESP-in-UDP) with a bad checksum. (ethtool -K IFNAME tx off) */
int jdm_ipsecnm_net_tx_csum_off(const char *ifname);
/* net.ipv4.ip_forward of this thread's namespace. */
int jdm_ipsecnm_net_forwarding(int on);

#endif
