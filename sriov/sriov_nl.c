/* sriov_nl — VF MAC/VLAN/spoof check over rtnetlink with libmnl; see
 * sriov_nl.h. */
#include "sriov_nl.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "cfg_err.h"
#include "nfx_nl.h"

size_t sriov_nl_build(void *buf, size_t size, uint32_t seq, int ifindex,
                      const struct sriov_nl_vf *c)
{
	/* header + ifinfomsg + 2 nests + the three attributes, aligned */
	size_t need = MNL_ALIGN(sizeof(struct nlmsghdr)) + MNL_ALIGN(sizeof(struct ifinfomsg)) +
	              2 * MNL_ATTR_HDRLEN + MNL_ATTR_HDRLEN + MNL_ALIGN(sizeof(struct ifla_vf_mac)) +
	              MNL_ATTR_HDRLEN + MNL_ALIGN(sizeof(struct ifla_vf_vlan)) + MNL_ATTR_HDRLEN +
	              MNL_ALIGN(sizeof(struct ifla_vf_spoofchk));
	if (!buf || size < need) {
		cfg_err_set("netlink buffer too small");
		return 0;
	}
	if (c->vlan > 4094) {
		cfg_err_set("VLAN %u out of range (1 to 4094)", c->vlan);
		return 0;
	}
	memset(buf, 0, need);
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_SETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	struct nlattr *list = mnl_attr_nest_start(nlh, IFLA_VFINFO_LIST);
	struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_VF_INFO);
	struct ifla_vf_mac mac = {.vf = c->vf};
	memcpy(mac.mac, c->mac, 6);
	mnl_attr_put(nlh, IFLA_VF_MAC, sizeof mac, &mac);
	struct ifla_vf_vlan vlan = {.vf = c->vf, .vlan = c->vlan, .qos = 0};
	mnl_attr_put(nlh, IFLA_VF_VLAN, sizeof vlan, &vlan);
	struct ifla_vf_spoofchk sp = {.vf = c->vf, .setting = c->spoofchk ? 1 : 0};
	mnl_attr_put(nlh, IFLA_VF_SPOOFCHK, sizeof sp, &sp);
	mnl_attr_nest_end(nlh, info);
	mnl_attr_nest_end(nlh, list);
	return nlh->nlmsg_len;
}

int sriov_nl_parse_mac(const char *s, unsigned char mac[6])
{
	unsigned b[6];
	char end;
	if (!s || strlen(s) != 17 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &end) !=
	        6)
		return cfg_err_set("'%s' is not a MAC address", s ? s : "");
	for (int i = 0; i < 6; i++)
		mac[i] = (unsigned char)b[i];
	return 0;
}

static int send_vf(int ifindex, const struct sriov_nl_vf *c)
{
	char buf[SRIOV_NL_BUF];
	uint32_t seq = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 8) ^ c->vf;
	size_t len = sriov_nl_build(buf, sizeof buf, seq, ifindex, c);
	if (!len)
		return -EINVAL;
	return nfx_nl_talk(NETLINK_ROUTE, (struct nlmsghdr *)buf, NULL, NULL);
}

int sriov_nl_set_vf(const char *pf, const char *netdev, const struct sriov_nl_vf *c)
{
	unsigned ifindex = netdev && *netdev ? if_nametoindex(netdev) : 0;
	if (!ifindex)
		return cfg_err_set("PF %s: no network device %s", pf, netdev ? netdev : "");
	if (c->vlan > 4094)
		return cfg_err_set("PF %s: VLAN %u out of range (1 to 4094)", pf, c->vlan);
	int r = send_vf((int)ifindex, c);
	if (r == 0)
		return 0;
	int e = -r;
	/* a refusal after the MAC (the kernel stops at the first): put the
	   VF back to cleared, as it was when free */
	if (e != EOPNOTSUPP) {
		struct sriov_nl_vf clr = {.vf = c->vf, .spoofchk = true};
		(void)send_vf((int)ifindex, &clr);
	}
	const unsigned char *m = c->mac;
	return cfg_err_set("PF %s (%s): the kernel refused virtual function %u (MAC "
	                   "%02x:%02x:%02x:%02x:%02x:%02x, VLAN %u): %s%s",
	                   pf, netdev, c->vf, m[0], m[1], m[2], m[3], m[4], m[5], c->vlan, strerror(e),
	                   e == EOPNOTSUPP ? " (the device has no SR-IOV virtual functions)" : "");
}

int sriov_nl_clear_vf(const char *pf, const char *netdev, unsigned vf)
{
	unsigned ifindex = netdev && *netdev ? if_nametoindex(netdev) : 0;
	if (!ifindex)
		return cfg_err_set("PF %s: no network device %s", pf, netdev ? netdev : "");
	struct sriov_nl_vf clr = {.vf = vf, .spoofchk = true};
	int r = send_vf((int)ifindex, &clr);
	if (r < 0)
		return cfg_err_set("PF %s (%s): cannot clear virtual function %u: %s", pf, netdev, vf,
		                   strerror(-r));
	return 0;
}
