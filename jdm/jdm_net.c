/* jdm_net — rtnetlink: link up, IPv4 addresses. */
#include "jdm_net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
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

/* --- links ------------------------------------------------------------ */

struct linkreq {
	struct nlmsghdr h;
	struct ifinfomsg i;
	char attrs[256];
};

static struct rtattr *nest_start(struct nlmsghdr *h, unsigned short type)
{
	struct rtattr *rta = (struct rtattr *)((char *)h + NLMSG_ALIGN(h->nlmsg_len));
	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(0);
	h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(rta->rta_len);
	return rta;
}

static void nest_end(struct nlmsghdr *h, struct rtattr *rta)
{
	rta->rta_len = (unsigned short)((char *)h + h->nlmsg_len - (char *)rta);
}

static void linkreq_init(struct linkreq *req, unsigned short type, unsigned short flags, int ifindex)
{
	memset(req, 0, sizeof *req);
	req->h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	req->h.nlmsg_type = type;
	req->h.nlmsg_flags = flags;
	req->i.ifi_family = AF_UNSPEC;
	req->i.ifi_index = ifindex;
}

static int nl_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		cfg_err_set("netlink: %s", strerror(errno));
	return fd;
}

/* RTM_GETLINK for IFINDEX: the reply's kind and master (either may be
 * NULL). 0, or -errno. */
static int nl_getlink(int fd, int ifindex, char *kind, size_t nkind, int *master)
{
	struct linkreq req;
	linkreq_init(&req, RTM_GETLINK, NLM_F_REQUEST, ifindex);
	static unsigned seq = 0x10000;
	req.h.nlmsg_seq = ++seq;
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	if (sendto(fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof sa) < 0)
		return -errno;
	if (kind && nkind)
		kind[0] = '\0';
	if (master)
		*master = 0;
	char buf[16384];
	for (;;) {
		ssize_t len = recv(fd, buf, sizeof buf, 0);
		if (len < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (struct nlmsghdr *r = (struct nlmsghdr *)buf; NLMSG_OK(r, (unsigned)len);
		     r = NLMSG_NEXT(r, len)) {
			if (r->nlmsg_seq != req.h.nlmsg_seq)
				continue;
			if (r->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(r);
				return e->error ? e->error : -EPROTO;
			}
			if (r->nlmsg_type != RTM_NEWLINK)
				continue;
			struct ifinfomsg *ifi = NLMSG_DATA(r);
			int alen = (int)IFLA_PAYLOAD(r);
			for (struct rtattr *rta = IFLA_RTA(ifi); RTA_OK(rta, alen); rta = RTA_NEXT(rta, alen)) {
				if (rta->rta_type == IFLA_MASTER && master &&
				    RTA_PAYLOAD(rta) >= sizeof(int)) {
					memcpy(master, RTA_DATA(rta), sizeof(int));
				} else if (rta->rta_type == IFLA_LINKINFO && kind && nkind) {
					int nlen = (int)RTA_PAYLOAD(rta);
					for (struct rtattr *n = RTA_DATA(rta); RTA_OK(n, nlen); n = RTA_NEXT(n, nlen))
						if (n->rta_type == IFLA_INFO_KIND) {
							size_t l = RTA_PAYLOAD(n);
							const char *s = RTA_DATA(n);
							while (l > 0 && s[l - 1] == '\0')
								l--;
							if (l >= nkind)
								l = nkind - 1;
							memcpy(kind, s, l);
							kind[l] = '\0';
						}
				}
			}
			return 0;
		}
	}
}

static int set_up(int fd, const char *name, int ifindex)
{
	struct linkreq req;
	linkreq_init(&req, RTM_NEWLINK, 0, ifindex);
	req.i.ifi_flags = IFF_UP;
	req.i.ifi_change = IFF_UP;
	int e = nl_talk(fd, &req.h);
	if (e < 0)
		return cfg_err_set("%s: cannot set link up: %s", name, strerror(-e));
	return 0;
}

int jdm_net_bridge_add(const char *name)
{
	if (!name || !*name || strlen(name) >= IFNAMSIZ)
		return cfg_err_set("bad bridge name \"%s\"", name ? name : "");
	int fd = nl_open();
	if (fd < 0)
		return -1;
	int rc = -1;
	int ifindex = (int)if_nametoindex(name);
	if (!ifindex) {
		struct linkreq req;
		linkreq_init(&req, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
		add_attr(&req.h, IFLA_IFNAME, name, strlen(name) + 1);
		struct rtattr *li = nest_start(&req.h, IFLA_LINKINFO);
		add_attr(&req.h, IFLA_INFO_KIND, "bridge", strlen("bridge"));
		nest_end(&req.h, li);
		int e = nl_talk(fd, &req.h);
		if (e < 0 && e != -EEXIST) {
			cfg_err_set("%s: cannot create bridge: %s", name, strerror(-e));
			goto out;
		}
		ifindex = (int)if_nametoindex(name);
		if (!ifindex) {
			cfg_err_set("%s: bridge vanished after creation", name);
			goto out;
		}
	}
	char kind[32];
	int e = nl_getlink(fd, ifindex, kind, sizeof kind, NULL);
	if (e < 0) {
		cfg_err_set("%s: cannot read link: %s", name, strerror(-e));
		goto out;
	}
	if (strcmp(kind, "bridge") != 0) {
		cfg_err_set("%s exists and is not a bridge (%s)", name, *kind ? kind : "device");
		goto out;
	}
	rc = set_up(fd, name, ifindex);
out:
	close(fd);
	return rc;
}

int jdm_net_link_del(const char *name)
{
	int ifindex = (int)if_nametoindex(name);
	if (!ifindex)
		return 1;
	int fd = nl_open();
	if (fd < 0)
		return -1;
	struct linkreq req;
	linkreq_init(&req, RTM_DELLINK, 0, ifindex);
	int e = nl_talk(fd, &req.h);
	close(fd);
	if (e == -ENODEV)
		return 1;
	if (e < 0)
		return cfg_err_set("%s: cannot delete link: %s", name, strerror(-e));
	return 0;
}

int jdm_net_link_up(const char *name)
{
	int ifindex = (int)if_nametoindex(name);
	if (!ifindex)
		return 1;
	int fd = nl_open();
	if (fd < 0)
		return -1;
	int rc = set_up(fd, name, ifindex);
	close(fd);
	return rc;
}

int jdm_net_link_set_master(const char *ifname, const char *master)
{
	int ifindex = (int)if_nametoindex(ifname);
	int mindex = master ? (int)if_nametoindex(master) : 0;
	if (!ifindex || (master && !mindex))
		return 1;
	int fd = nl_open();
	if (fd < 0)
		return -1;
	struct linkreq req;
	linkreq_init(&req, RTM_NEWLINK, 0, ifindex);
	add_attr(&req.h, IFLA_MASTER, &mindex, sizeof mindex);
	int e = nl_talk(fd, &req.h);
	close(fd);
	if (e < 0)
		return master ? cfg_err_set("%s: cannot add to bridge %s: %s", ifname, master, strerror(-e))
		              : cfg_err_set("%s: cannot release from bridge: %s", ifname, strerror(-e));
	return 0;
}

int jdm_net_link_kind(const char *name, char *buf, size_t n)
{
	int ifindex = (int)if_nametoindex(name);
	if (!ifindex)
		return 1;
	int fd = nl_open();
	if (fd < 0)
		return -1;
	int e = nl_getlink(fd, ifindex, buf, n, NULL);
	close(fd);
	if (e == -ENODEV)
		return 1;
	if (e < 0)
		return cfg_err_set("%s: cannot read link: %s", name, strerror(-e));
	return 0;
}

int jdm_net_link_master(const char *ifname, char *buf, size_t n)
{
	int ifindex = (int)if_nametoindex(ifname);
	if (!ifindex)
		return 1;
	int fd = nl_open();
	if (fd < 0)
		return -1;
	int master = 0;
	int e = nl_getlink(fd, ifindex, NULL, 0, &master);
	close(fd);
	if (e == -ENODEV)
		return 1;
	if (e < 0)
		return cfg_err_set("%s: cannot read link: %s", ifname, strerror(-e));
	char name[IF_NAMESIZE] = "";
	if (master && !if_indextoname((unsigned)master, name))
		name[0] = '\0';
	snprintf(buf, n, "%s", name);
	return 0;
}

/* --- taps (the host-os switch's VNF ports) ---------------------------- */

int jdm_net_link_set_alias(const char *name, const char *alias)
{
	int ifindex = (int)if_nametoindex(name);
	if (!ifindex)
		return 1;
	size_t len = strlen(alias);
	if (len >= 128)
		return cfg_err_set("%s: alias too long", name);
	int fd = nl_open();
	if (fd < 0)
		return -1;
	struct linkreq req;
	linkreq_init(&req, RTM_NEWLINK, 0, ifindex);
	add_attr(&req.h, IFLA_IFALIAS, alias, len);
	int e = nl_talk(fd, &req.h);
	close(fd);
	if (e < 0)
		return cfg_err_set("%s: cannot set the alias: %s", name, strerror(-e));
	return 0;
}

int jdm_net_tap_add(const char *name, uid_t owner, gid_t group)
{
	if (strlen(name) >= IFNAMSIZ)
		return cfg_err_set("tap name %s longer than %d characters", name, IFNAMSIZ - 1);
	if (if_nametoindex(name)) {
		char kind[32];
		int k = jdm_net_link_kind(name, kind, sizeof kind);
		if (k == 0)
			return strcmp(kind, "tun") == 0 ? 0 : cfg_err_set("%s exists and is not a tap", name);
	}
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return cfg_err_set("/dev/net/tun: %s", strerror(errno));
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
	int rc = 0;
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		rc = cfg_err_set("cannot create tap %s: %s", name, strerror(errno));
	else if ((owner != (uid_t)-1 && ioctl(fd, TUNSETOWNER, (unsigned long)owner) < 0) ||
	         (group != (gid_t)-1 && ioctl(fd, TUNSETGROUP, (unsigned long)group) < 0))
		rc = cfg_err_set("tap %s: cannot set its owner: %s", name, strerror(errno));
	else if (ioctl(fd, TUNSETPERSIST, 1) < 0)
		rc = cfg_err_set("tap %s: cannot make it persistent: %s", name, strerror(errno));
	close(fd);
	return rc;
}

int jdm_net_link_up_alias(const char *name, const char *alias)
{
	int ifindex = (int)if_nametoindex(name);
	if (!ifindex)
		return 1;
	size_t len = strlen(alias);
	if (len >= 128)
		return cfg_err_set("%s: alias too long", name);
	static __thread int fd = -1; /* one socket per thread, kept: many taps in a row */
	if (fd < 0 && (fd = nl_open()) < 0)
		return -1;
	struct linkreq req;
	linkreq_init(&req, RTM_NEWLINK, 0, ifindex);
	req.i.ifi_flags = IFF_UP;
	req.i.ifi_change = IFF_UP;
	add_attr(&req.h, IFLA_IFALIAS, alias, len);
	int e = nl_talk(fd, &req.h);
	if (e < 0)
		return cfg_err_set("%s: cannot set it up with alias %s: %s", name, alias, strerror(-e));
	return 0;
}

int jdm_net_tap_new(const char *name, uid_t owner)
{
	if (strlen(name) >= IFNAMSIZ)
		return cfg_err_set("tap name %s longer than %d characters", name, IFNAMSIZ - 1);
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return cfg_err_set("/dev/net/tun: %s", strerror(errno));
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
	int rc = 0;
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		rc = cfg_err_set("cannot create tap %s: %s", name, strerror(errno));
	else if (owner != (uid_t)-1 && ioctl(fd, TUNSETOWNER, (unsigned long)owner) < 0)
		rc = cfg_err_set("tap %s: cannot set its owner: %s", name, strerror(errno));
	else if (ioctl(fd, TUNSETPERSIST, 1) < 0)
		rc = cfg_err_set("tap %s: cannot make it persistent: %s", name, strerror(errno));
	close(fd);
	return rc;
}
