/* jdm_net — host network settings of the JDM over rtnetlink: bring a link
 * up and set its IPv4 addresses (jmgmt0). Works in the network namespace
 * the daemon runs in. No helper programs are run.
 */
#ifndef NFX_JDM_NET_H
#define NFX_JDM_NET_H

#include <stddef.h>

/* Make the IPv4 addresses of link IFNAME exactly ADDRS (N strings
 * "A.B.C.D/N"), and set the link up. Returns 0, 1 when the link does not
 * exist (nothing done), -1 on error (cfg_err set). */
int jdm_net_set_addrs(const char *ifname, const char *const *addrs, size_t n);

/* First IPv4 address of IFNAME as "A.B.C.D" into BUF (size N). 0, or -1
 * when the link has none. */
int jdm_net_first_addr(const char *ifname, char *buf, size_t n);

#endif
