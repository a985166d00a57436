/* jdm_net — rtnetlink: link up, IPv4 addresses. */
#include "jdm_net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cfg_err.h"

struct nlreq {
	struct nlmsghdr h;
	union {
		struct ifaddrmsg a;
		struct ifinfomsg i;
	} u;
	char attrs[64];
};

static void add_attr(struct nlmsghdr *h, unsigned short type, const void *data, size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)h + NLMSG_ALIGN(h->nlmsg_len));
	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* Send one request and wait for its ACK. Returns 0 or -errno. */
static int nl_talk(int fd, struct nlmsghdr *h)
{
	static unsigned seq;
	h->nlmsg_seq = ++seq;
	h->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	if (sendto(fd, h, h->nlmsg_len, 0, (struct sockaddr *)&sa, sizeof sa) < 0)
		return -errno;
	char buf[8192];
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof buf, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (struct nlmsghdr *r = (struct nlmsghdr *)buf; NLMSG_OK(r, (unsigned)n);
		     r = NLMSG_NEXT(r, n)) {
			if (r->nlmsg_seq != h->nlmsg_seq)
				continue;
			if (r->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(r);
				return e->error;
			}
		}
	}
}

/* Current IPv4 addresses of IFINDEX: up to MAX, as (addr, prefixlen). */
static int dump_addrs(int fd, int ifindex, struct in_addr *a, unsigned char *plen, size_t max,
                      size_t *n)
{
	struct nlreq req = {0};
	req.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
	req.h.nlmsg_type = RTM_GETADDR;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.h.nlmsg_seq = 0x7e57;
	req.u.a.ifa_family = AF_INET;
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	if (sendto(fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof sa) < 0)
		return -1;
	*n = 0;
	char buf[16384];
	for (;;) {
		ssize_t len = recv(fd, buf, sizeof buf, 0);
		if (len < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (struct nlmsghdr *r = (struct nlmsghdr *)buf; NLMSG_OK(r, (unsigned)len);
		     r = NLMSG_NEXT(r, len)) {
			if (r->nlmsg_type == NLMSG_DONE)
				return 0;
			if (r->nlmsg_type == NLMSG_ERROR)
				return -1;
			if (r->nlmsg_type != RTM_NEWADDR)
				continue;
			struct ifaddrmsg *ifa = NLMSG_DATA(r);
			if ((int)ifa->ifa_index != ifindex)
				continue;
			int alen = (int)IFA_PAYLOAD(r);
			for (struct rtattr *rta = IFA_RTA(ifa); RTA_OK(rta, alen); rta = RTA_NEXT(rta, alen))
				if (rta->rta_type == IFA_LOCAL && *n < max) {
					memcpy(&a[*n], RTA_DATA(rta), 4);
					plen[*n] = ifa->ifa_prefixlen;
					(*n)++;
				}
		}
	}
}

static int parse_prefix(const char *s, struct in_addr *a, unsigned char *plen)
{
	char ip[32];
	const char *slash = strchr(s, '/');
	if (!slash || (size_t)(slash - s) >= sizeof ip)
		return -1;
	memcpy(ip, s, (size_t)(slash - s));
	ip[slash - s] = '\0';
	int l = atoi(slash + 1);
	if (inet_pton(AF_INET, ip, a) != 1 || l < 0 || l > 32)
		return -1;
	*plen = (unsigned char)l;
	return 0;
}

static int addr_req(int fd, int type, unsigned flags, int ifindex, struct in_addr a,
                    unsigned char plen)
{
	struct nlreq req = {0};
	req.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
	req.h.nlmsg_type = (unsigned short)type;
	req.h.nlmsg_flags = (unsigned short)flags;
	req.u.a.ifa_family = AF_INET;
	req.u.a.ifa_prefixlen = plen;
	req.u.a.ifa_index = (unsigned)ifindex;
	add_attr(&req.h, IFA_LOCAL, &a, 4);
	add_attr(&req.h, IFA_ADDRESS, &a, 4);
	return nl_talk(fd, &req.h);
}

int jdm_net_set_addrs(const char *ifname, const char *const *addrs, size_t n)
{
	int ifindex = (int)if_nametoindex(ifname);
	if (!ifindex)
		return 1;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return cfg_err_set("netlink: %s", strerror(errno));
	int rc = 0;
	struct in_addr cur[32];
	unsigned char curlen[32];
	size_t ncur = 0;
	if (dump_addrs(fd, ifindex, cur, curlen, 32, &ncur) < 0) {
		rc = cfg_err_set("%s: cannot read addresses: %s", ifname, strerror(errno));
		goto out;
	}
	/* remove what is not wanted */
	for (size_t i = 0; i < ncur; i++) {
		bool keep = false;
		for (size_t j = 0; j < n && !keep; j++) {
			struct in_addr a;
			unsigned char l;
			keep = parse_prefix(addrs[j], &a, &l) == 0 && a.s_addr == cur[i].s_addr && l == curlen[i];
		}
		if (!keep)
			addr_req(fd, RTM_DELADDR, 0, ifindex, cur[i], curlen[i]);
	}
	for (size_t j = 0; j < n; j++) {
		struct in_addr a;
		unsigned char l;
		if (parse_prefix(addrs[j], &a, &l) < 0) {
			rc = cfg_err_set("%s: bad address %s", ifname, addrs[j]);
			goto out;
		}
		int e = addr_req(fd, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, ifindex, a, l);
		if (e < 0 && e != -EEXIST) {
			rc = cfg_err_set("%s: cannot add %s: %s", ifname, addrs[j], strerror(-e));
			goto out;
		}
	}
	/* link up */
	struct nlreq req = {0};
	req.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	req.h.nlmsg_type = RTM_NEWLINK;
	req.u.i.ifi_family = AF_UNSPEC;
	req.u.i.ifi_index = ifindex;
	req.u.i.ifi_flags = IFF_UP;
	req.u.i.ifi_change = IFF_UP;
	int e = nl_talk(fd, &req.h);
	if (e < 0)
		rc = cfg_err_set("%s: cannot set link up: %s", ifname, strerror(-e));
out:
	close(fd);
	return rc;
}

int jdm_net_first_addr(const char *ifname, char *buf, size_t n)
{
	int ifindex = (int)if_nametoindex(ifname);
	if (!ifindex)
		return -1;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -1;
	struct in_addr a[4];
	unsigned char l[4];
	size_t na = 0;
	int rc = dump_addrs(fd, ifindex, a, l, 4, &na);
	close(fd);
	if (rc < 0 || na == 0)
		return -1;
	return inet_ntop(AF_INET, &a[0], buf, (socklen_t)n) ? 0 : -1;
}
