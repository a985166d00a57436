/* jdm_ipsecnm_net — veths and routes of the ipsec-nm container over
 * rtnetlink (libmnl). See jdm_ipsecnm_net.h. */
#include "jdm_ipsecnm_net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/ioctl.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "cfg_err.h"
#include "jdm_hostif_nl.h"
#include "nfx_nl.h"

/* One request and its ACK (lib/nfx_nl): 0 or -errno. */
static int transact(struct nlmsghdr *nlh)
{
	nlh->nlmsg_seq = 0; /* nfx_nl numbers it */
	return nfx_nl_talk(NETLINK_ROUTE, nlh, NULL, NULL);
}

int jdm_ipsecnm_net_veth(const char *outer, const char *inner, int netns_fd)
{
	if (strlen(outer) >= IFNAMSIZ || strlen(inner) >= IFNAMSIZ)
		return cfg_err_set("interface name too long: %s", outer);
	if (if_nametoindex(outer))
		return 1;
	char buf[1024];
	memset(buf, 0, sizeof buf);
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, outer);
	struct nlattr *li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	struct nlattr *data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	struct nlattr *peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	struct ifinfomsg *pi = mnl_nlmsg_put_extra_header(nlh, sizeof *pi);
	pi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, inner);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)netns_fd);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, li);
	int e = transact(nlh);
	if (e < 0)
		return cfg_err_set("cannot make the veth %s/%s: %s", outer, inner, strerror(-e));
	return 0;
}

int jdm_ipsecnm_net_route(const char *dst, const char *via, int add)
{
	uint32_t d, g = 0;
	unsigned len;
	if (jdm_hostif_nl_prefix(dst, &d, &len) < 0 || (via && jdm_hostif_nl_addr(via, &g) < 0))
		return cfg_err_set("bad route %s via %s", dst, via ? via : "(unreachable)");
	char buf[512];
	memset(buf, 0, sizeof buf);
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = add ? RTM_NEWROUTE : RTM_DELROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_REPLACE : 0);
	struct rtmsg *rt = mnl_nlmsg_put_extra_header(nlh, sizeof *rt);
	rt->rtm_family = AF_INET;
	rt->rtm_dst_len = (unsigned char)len;
	rt->rtm_table = RT_TABLE_MAIN;
	rt->rtm_protocol = RTPROT_STATIC;
	rt->rtm_scope = RT_SCOPE_UNIVERSE;
	rt->rtm_type = via ? RTN_UNICAST : RTN_UNREACHABLE;
	mnl_attr_put(nlh, RTA_DST, 4, &d);
	if (via)
		mnl_attr_put(nlh, RTA_GATEWAY, 4, &g);
	else
		mnl_attr_put_u32(nlh, RTA_PRIORITY, JDM_IPSECNM_GUARD_METRIC);
	int e = transact(nlh);
	if (e < 0 && !(e == -ESRCH && !add))
		return cfg_err_set("cannot %s route %s via %s: %s", add ? "add" : "delete", dst,
		                   via ? via : "(unreachable)", strerror(-e));
	return 0;
}

int jdm_ipsecnm_net_forwarding(int on)
{
	int fd = open("/proc/sys/net/ipv4/ip_forward", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return cfg_err_set("ip_forward: %s", strerror(errno));
	int ok = write(fd, on ? "1\n" : "0\n", 2) == 2;
	close(fd);
	return ok ? 0 : cfg_err_set("ip_forward: cannot set it");
}

int jdm_ipsecnm_net_tx_csum_off(const char *ifname)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return cfg_err_set("socket: %s", strerror(errno));
	struct ethtool_value ev = {.cmd = ETHTOOL_STXCSUM, .data = 0};
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
	ifr.ifr_data = (void *)&ev;
	int rc = ioctl(fd, SIOCETHTOOL, &ifr) < 0 ? cfg_err_set("%s: cannot turn off tx checksumming: %s",
	                                                          ifname, strerror(errno))
	                                           : 0;
	close(fd);
	return rc;
}
