/* jdm_net — host network settings of the JDM over rtnetlink: bring a link
 * up and set its IPv4 addresses (jmgmt0). Works in the network namespace
 * the daemon runs in. No helper programs are run.
 */
#ifndef NFX_JDM_NET_H
#define NFX_JDM_NET_H

#include <stddef.h>
#include <sys/types.h>

/* Make the IPv4 addresses of link IFNAME exactly ADDRS (N strings
 * "A.B.C.D/N"), and set the link up. Returns 0, 1 when the link does not
 * exist (nothing done), -1 on error (cfg_err set). */
int jdm_net_set_addrs(const char *ifname, const char *const *addrs, size_t n);

/* First IPv4 address of IFNAME as "A.B.C.D" into BUF (size N). 0, or -1
 * when the link has none. */
int jdm_net_first_addr(const char *ifname, char *buf, size_t n);

/* --- links (added for the JDM internal network) ---------------------- */

/* Create a Linux bridge NAME (RTM_NEWLINK, IFLA_INFO_KIND "bridge") and set
 * it up. Idempotent: an existing bridge of that name is only set up. 0, or
 * -1 (cfg_err set), also when NAME exists but is not a bridge. */
int jdm_net_bridge_add(const char *name);

/* Delete link NAME. 0 when deleted, 1 when it did not exist, -1 on error
 * (cfg_err set). */
int jdm_net_link_del(const char *name);

/* Set link NAME administratively up. 0, 1 when it does not exist, -1 on
 * error (cfg_err set). */
int jdm_net_link_up(const char *name);

/* Enslave link IFNAME to bridge MASTER (MASTER NULL: release it). 0, 1 when
 * either link does not exist, -1 on error (cfg_err set). */
int jdm_net_link_set_master(const char *ifname, const char *master);

/* The kind of link NAME ("bridge", "veth", "tun", ...; "" for a link
 * without IFLA_INFO_KIND such as a physical NIC or lo) into BUF (size N).
 * 0, 1 when the link does not exist, -1 on error (cfg_err set). */
int jdm_net_link_kind(const char *name, char *buf, size_t n);

/* The master (bridge) of link IFNAME as a name into BUF (size N); "" when
 * it has none. 0, 1 when the link does not exist, -1 on error. */
int jdm_net_link_master(const char *ifname, char *buf, size_t n);

/* --- taps (added for the host-os switch) ------------------------------- */

/* Set the interface alias (IFLA_IFALIAS, IF-MIB ifAlias) of link NAME.
 * 0, 1 when the link does not exist, -1 on error (cfg_err set). */
int jdm_net_link_set_alias(const char *name, const char *alias);

/* Create a persistent tap NAME (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR) owned by
 * OWNER:GROUP ((uid_t)-1 / (gid_t)-1: nobody in particular), so that QEMU
 * (or libvirt for it) attaches to it later. Idempotent: an existing tap is
 * left as it is. 0, or -1 (cfg_err set), also when NAME exists and is no
 * tap. Delete it with jdm_net_link_del(). */
int jdm_net_tap_add(const char *name, uid_t owner, gid_t group);

/* Create the persistent tap NAME, which must not exist, owned by OWNER
 * (the fast path of jdm_net_tap_add for many new taps). 0 or -1. */
int jdm_net_tap_new(const char *name, uid_t owner);

/* Set link NAME up and its alias to ALIAS in one request (a netlink
 * socket kept per thread). 0, 1 when the link does not exist, -1 on error
 * (cfg_err set). */
int jdm_net_link_up_alias(const char *name, const char *alias);

#endif
