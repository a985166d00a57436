/* jdm_hostif_nl — rtnetlink for host routes, rules, VXLAN and FDB; see
 * jdm_hostif_nl.h. */
#include "jdm_hostif_nl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "cfg_err.h"
#include "nfx_nl.h"

#define NLBUF 8192
/* linux/if.h's operstates (it clashes with net/if.h) */
#define OPER_UNKNOWN 0
#define OPER_UP 6

int jdm_hostif_nl_addr(const char *s, uint32_t *addr)
{
	struct in_addr a;
	if (!s || inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*addr = a.s_addr;
	return 0;
}

int jdm_hostif_nl_prefix(const char *s, uint32_t *addr, unsigned *plen)
{
	char ip[32];
	const char *slash = s ? strchr(s, '/') : NULL;
	if (!slash || (size_t)(slash - s) >= sizeof ip || !slash[1])
		return -1;
	memcpy(ip, s, (size_t)(slash - s));
	ip[slash - s] = '\0';
	char *end;
	long l = strtol(slash + 1, &end, 10);
	if (*end || l < 0 || l > 32 || jdm_hostif_nl_addr(ip, addr) < 0)
		return -1;
	*plen = (unsigned)l;
	return 0;
}

/* ------------------------------------------------------------ transport */

static struct nlmsghdr *msg(char *buf, uint16_t type, uint16_t flags)
{
	memset(buf, 0, NLBUF);
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
	return nlh;
}

/* ------------------------------------------------------------ routes */

struct route_dump {
	struct jdm_hostif_route *v;
	size_t n, cap;
	bool any_proto;
};

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route_dump *d = data;
	const struct rtmsg *rm = mnl_nlmsg_get_payload(nlh);
	if (nlh->nlmsg_type != RTM_NEWROUTE || rm->rtm_family != AF_INET)
		return MNL_CB_OK;
	uint32_t table = rm->rtm_table;
	struct jdm_hostif_route r = {.plen = rm->rtm_dst_len};
	const struct nlattr *a;
	mnl_attr_for_each(a, nlh, sizeof *rm) {
		switch (mnl_attr_get_type(a)) {
		case RTA_TABLE:
			table = mnl_attr_get_u32(a);
			break;
		case RTA_DST:
			if (mnl_attr_get_payload_len(a) == 4)
				memcpy(&r.dst, mnl_attr_get_payload(a), 4);
			break;
		case RTA_GATEWAY:
			if (mnl_attr_get_payload_len(a) == 4)
				memcpy(&r.gw, mnl_attr_get_payload(a), 4);
			break;
		}
	}
	if (table != RT_TABLE_MAIN || (!d->any_proto && rm->rtm_protocol != JDM_HOSTIF_RTPROT))
		return MNL_CB_OK;
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		void *nv = realloc(d->v, d->cap * sizeof *d->v);
		if (!nv)
			return MNL_CB_ERROR;
		d->v = nv;
	}
	d->v[d->n++] = r;
	return MNL_CB_OK;
}

/* A dump the kernel interrupted because the table changed meanwhile
 * (NLM_F_DUMP_INTR: libmnl says EINTR) is asked again, a few times. */
#define DUMP_TRIES 5

static int route_dump(struct route_dump *d)
{
	int e = -EINTR;
	for (int i = 0; i < DUMP_TRIES && e == -EINTR; i++) {
		char buf[NLBUF];
		struct nlmsghdr *nlh = msg(buf, RTM_GETROUTE, NLM_F_DUMP);
		struct rtmsg *rm = mnl_nlmsg_put_extra_header(nlh, sizeof *rm);
		rm->rtm_family = AF_INET;
		d->n = 0;
		e = nfx_nl_talk(NETLINK_ROUTE, nlh, route_cb, d);
	}
	return e;
}

static int route_req(uint16_t type, uint16_t flags, const struct jdm_hostif_route *r)
{
	char buf[NLBUF];
	struct nlmsghdr *nlh = msg(buf, type, (uint16_t)(NLM_F_ACK | flags));
	struct rtmsg *rm = mnl_nlmsg_put_extra_header(nlh, sizeof *rm);
	rm->rtm_family = AF_INET;
	rm->rtm_dst_len = (unsigned char)r->plen;
	rm->rtm_table = RT_TABLE_MAIN;
	rm->rtm_protocol = JDM_HOSTIF_RTPROT;
	rm->rtm_scope = RT_SCOPE_UNIVERSE;
	rm->rtm_type = RTN_UNICAST;
	if (r->plen)
		mnl_attr_put(nlh, RTA_DST, 4, &r->dst);
	if (r->gw)
		mnl_attr_put(nlh, RTA_GATEWAY, 4, &r->gw);
	return nfx_nl_talk(NETLINK_ROUTE, nlh, NULL, NULL);
}

static bool route_eq(const struct jdm_hostif_route *a, const struct jdm_hostif_route *b)
{
	return a->dst == b->dst && a->plen == b->plen && a->gw == b->gw;
}

int jdm_hostif_nl_routes_sync(const struct jdm_hostif_route *r, size_t n, size_t *failed)
{
	struct route_dump cur = {0};
	int e = route_dump(&cur);
	if (failed)
		*failed = 0;
	if (e < 0) {
		free(cur.v);
		return cfg_err_set("cannot read the routing table: %s", strerror(-e));
	}
	int rc = 0;
	for (size_t i = 0; i < cur.n; i++) {
		bool want = false;
		for (size_t k = 0; k < n && !want; k++)
			want = route_eq(&cur.v[i], &r[k]);
		if (!want)
			(void)route_req(RTM_DELROUTE, 0, &cur.v[i]);
	}
	for (size_t k = 0; k < n; k++) {
		bool have = false;
		for (size_t i = 0; i < cur.n && !have; i++)
			have = route_eq(&cur.v[i], &r[k]);
		if (have)
			continue;
		e = route_req(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, &r[k]);
		if (e < 0) {
			char d[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];
			inet_ntop(AF_INET, &r[k].dst, d, sizeof d);
			inet_ntop(AF_INET, &r[k].gw, g, sizeof g);
			if (rc == 0)
				cfg_err_set("route %s/%u next-hop %s: %s", d, r[k].plen, g, strerror(-e));
			rc = -1;
			if (failed)
				(*failed)++;
		}
	}
	free(cur.v);
	return rc;
}

bool jdm_hostif_nl_route_present(const struct jdm_hostif_route *r)
{
	struct route_dump cur = {.any_proto = true};
	bool found = false;
	if (route_dump(&cur) == 0)
		for (size_t i = 0; i < cur.n && !found; i++)
			found = route_eq(&cur.v[i], r);
	free(cur.v);
	return found;
}

/* ------------------------------------------------------------ links */

struct link_info {
	bool up;
	int mtu;
	char kind[32];
	bool is_vxlan_data;
	uint32_t vni, local;
	int learning;  /* -1 unknown */
};

static int link_data_cb(const struct nlattr *a, void *data)
{
	struct link_info *li = data;
	if (mnl_attr_get_type(a) == IFLA_VXLAN_ID && mnl_attr_get_payload_len(a) == 4)
		li->vni = mnl_attr_get_u32(a);
	else if (mnl_attr_get_type(a) == IFLA_VXLAN_LOCAL && mnl_attr_get_payload_len(a) == 4)
		memcpy(&li->local, mnl_attr_get_payload(a), 4);
	else if (mnl_attr_get_type(a) == IFLA_VXLAN_LEARNING && mnl_attr_get_payload_len(a) >= 1)
		li->learning = mnl_attr_get_u8(a) ? 1 : 0;
	return MNL_CB_OK;
}

static int link_info_cb(const struct nlattr *a, void *data)
{
	struct link_info *li = data;
	if (mnl_attr_get_type(a) == IFLA_INFO_KIND) {
		snprintf(li->kind, sizeof li->kind, "%.*s", (int)mnl_attr_get_payload_len(a),
		         (const char *)mnl_attr_get_payload(a));
	} else if (mnl_attr_get_type(a) == IFLA_INFO_DATA) {
		li->is_vxlan_data = true;
		mnl_attr_parse_nested(a, link_data_cb, li);
	}
	return MNL_CB_OK;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_info *li = data;
	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	li->up = (ifi->ifi_flags & IFF_UP) != 0;
	const struct nlattr *a;
	mnl_attr_for_each(a, nlh, sizeof *ifi) {
		if (mnl_attr_get_type(a) == IFLA_MTU)
			li->mtu = (int)mnl_attr_get_u32(a);
		else if (mnl_attr_get_type(a) == IFLA_OPERSTATE)
			li->up = li->up && (mnl_attr_get_u8(a) == OPER_UP ||
			                    mnl_attr_get_u8(a) == OPER_UNKNOWN);
		else if (mnl_attr_get_type(a) == IFLA_LINKINFO)
			mnl_attr_parse_nested(a, link_info_cb, li);
	}
	return MNL_CB_OK;
}

static int link_get(int ifindex, struct link_info *li)
{
	memset(li, 0, sizeof *li);
	li->learning = -1;
	char buf[NLBUF];
	/* with the ACK after the answer: nfx_nl_talk() stops at it */
	struct nlmsghdr *nlh = msg(buf, RTM_GETLINK, NLM_F_ACK);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	return nfx_nl_talk(NETLINK_ROUTE, nlh, link_cb, li);
}

int jdm_hostif_nl_link_state(const char *name, bool *up, int *mtu)
{
	int ifindex = (int)if_nametoindex(name);
	if (!ifindex)
		return 1;
	struct link_info li;
	int e = link_get(ifindex, &li);
	if (e == -ENODEV)
		return 1;
	if (e < 0)
		return cfg_err_set("%s: cannot read link: %s", name, strerror(-e));
	if (up)
		*up = li.up;
	if (mtu)
		*mtu = li.mtu;
	return 0;
}

static int link_set(int ifindex, int mtu, bool up)
{
	char buf[NLBUF];
	struct nlmsghdr *nlh = msg(buf, RTM_NEWLINK, NLM_F_ACK);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	if (up) {
		ifi->ifi_flags = IFF_UP;
		ifi->ifi_change = IFF_UP;
	}
	if (mtu > 0)
		mnl_attr_put_u32(nlh, IFLA_MTU, (uint32_t)mtu);
	return nfx_nl_talk(NETLINK_ROUTE, nlh, NULL, NULL);
}

int jdm_hostif_nl_link_mtu(const char *name, int mtu)
{
	int ifindex = (int)if_nametoindex(name);
	if (!ifindex)
		return 1;
	int e = link_set(ifindex, mtu, false);
	if (e < 0)
		return cfg_err_set("%s: cannot set MTU %d: %s", name, mtu, strerror(-e));
	return 0;
}

/* ------------------------------------------------------------ VXLAN */

static int vxlan_add(const struct jdm_hostif_vxlan *v)
{
	char buf[NLBUF];
	struct nlmsghdr *nlh = msg(buf, RTM_NEWLINK, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, v->name);
	if (v->mtu > 0)
		mnl_attr_put_u32(nlh, IFLA_MTU, (uint32_t)v->mtu);
	struct nlattr *li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_str(nlh, IFLA_INFO_KIND, "vxlan");
	struct nlattr *data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u32(nlh, IFLA_VXLAN_ID, v->vni);
	mnl_attr_put(nlh, IFLA_VXLAN_LOCAL, 4, &v->local);
	mnl_attr_put_u16(nlh, IFLA_VXLAN_PORT, htons(v->port));
	struct ifla_vxlan_port_range pr = {.low = htons(v->port_lo), .high = htons(v->port_hi)};
	mnl_attr_put(nlh, IFLA_VXLAN_PORT_RANGE, sizeof pr, &pr);
	mnl_attr_put_u8(nlh, IFLA_VXLAN_LEARNING, v->learning ? 1 : 0);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, li);
	return nfx_nl_talk(NETLINK_ROUTE, nlh, NULL, NULL);
}

int jdm_hostif_nl_vxlan_ensure(const struct jdm_hostif_vxlan *v)
{
	if (!v->name || !*v->name || strlen(v->name) >= IFNAMSIZ)
		return cfg_err_set("bad VXLAN device name");
	int ifindex = (int)if_nametoindex(v->name);
	if (ifindex) {
		struct link_info li;
		int e = link_get(ifindex, &li);
		if (e < 0)
			return cfg_err_set("%s: cannot read link: %s", v->name, strerror(-e));
		if (strcmp(li.kind, "vxlan") || li.vni != v->vni || li.local != v->local ||
		    (li.learning >= 0 && li.learning != (v->learning ? 1 : 0))) {
			char buf[NLBUF];
			struct nlmsghdr *nlh = msg(buf, RTM_DELLINK, NLM_F_ACK);
			struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
			ifi->ifi_family = AF_UNSPEC;
			ifi->ifi_index = ifindex;
			e = nfx_nl_talk(NETLINK_ROUTE, nlh, NULL, NULL);
			if (e < 0 && e != -ENODEV)
				return cfg_err_set("%s: cannot delete the old device: %s", v->name, strerror(-e));
			ifindex = 0;
		}
	}
	if (!ifindex) {
		int e = vxlan_add(v);
		if (e < 0 && e != -EEXIST)
			return cfg_err_set("%s: cannot create the VXLAN device (VNI %u): %s", v->name, v->vni,
			                   strerror(-e));
		ifindex = (int)if_nametoindex(v->name);
		if (!ifindex)
			return cfg_err_set("%s: the VXLAN device vanished after creation", v->name);
	}
	int e = link_set(ifindex, v->mtu, true);
	if (e < 0)
		return cfg_err_set("%s: cannot set it up (MTU %d): %s", v->name, v->mtu, strerror(-e));
	return 0;
}

/* ------------------------------------------------------------ FDB */

struct fdb_dump {
	int ifindex;
	struct jdm_hostif_fdb *v;
	size_t n, max;
};

static int fdb_cb(const struct nlmsghdr *nlh, void *data)
{
	struct fdb_dump *d = data;
	const struct ndmsg *nd = mnl_nlmsg_get_payload(nlh);
	if (nlh->nlmsg_type != RTM_NEWNEIGH || nd->ndm_family != AF_BRIDGE ||
	    nd->ndm_ifindex != d->ifindex || d->n >= d->max)
		return MNL_CB_OK;
	struct jdm_hostif_fdb f = {.permanent = (nd->ndm_state & NUD_PERMANENT) != 0};
	bool mac = false;
	const struct nlattr *a;
	mnl_attr_for_each(a, nlh, sizeof *nd) {
		if (mnl_attr_get_type(a) == NDA_LLADDR && mnl_attr_get_payload_len(a) == 6) {
			memcpy(f.mac, mnl_attr_get_payload(a), 6);
			mac = true;
		} else if (mnl_attr_get_type(a) == NDA_DST && mnl_attr_get_payload_len(a) == 4) {
			memcpy(&f.dst, mnl_attr_get_payload(a), 4);
		}
	}
	if (mac)
		d->v[d->n++] = f;
	return MNL_CB_OK;
}

int jdm_hostif_nl_fdb_dump(const char *name, struct jdm_hostif_fdb *out, size_t max)
{
	int ifindex = (int)if_nametoindex(name);
	if (!ifindex)
		return cfg_err_set("%s: no such device", name);
	struct fdb_dump d = {.ifindex = ifindex, .v = out, .max = max};
	int e = -EINTR;
	for (int i = 0; i < DUMP_TRIES && e == -EINTR; i++) {
		char buf[NLBUF];
		struct nlmsghdr *nlh = msg(buf, RTM_GETNEIGH, NLM_F_DUMP);
		struct ndmsg *nd = mnl_nlmsg_put_extra_header(nlh, sizeof *nd);
		nd->ndm_family = AF_BRIDGE;
		nd->ndm_ifindex = ifindex;
		d.n = 0;
		e = nfx_nl_talk(NETLINK_ROUTE, nlh, fdb_cb, &d);
	}
	if (e < 0)
		return cfg_err_set("%s: cannot read the FDB: %s", name, strerror(-e));
	return (int)d.n;
}

static int fdb_req(uint16_t type, uint16_t flags, int ifindex, uint32_t dst)
{
	char buf[NLBUF];
	struct nlmsghdr *nlh = msg(buf, type, (uint16_t)(NLM_F_ACK | flags));
	struct ndmsg *nd = mnl_nlmsg_put_extra_header(nlh, sizeof *nd);
	nd->ndm_family = AF_BRIDGE;
	nd->ndm_ifindex = ifindex;
	nd->ndm_state = NUD_NOARP | NUD_PERMANENT;
	nd->ndm_flags = NTF_SELF;
	static const unsigned char zero[6];
	mnl_attr_put(nlh, NDA_LLADDR, 6, zero);
	mnl_attr_put(nlh, NDA_DST, 4, &dst);
	return nfx_nl_talk(NETLINK_ROUTE, nlh, NULL, NULL);
}

int jdm_hostif_nl_fdb_sync(const char *name, const uint32_t *dst, size_t n)
{
	int ifindex = (int)if_nametoindex(name);
	if (!ifindex)
		return 1;
	struct jdm_hostif_fdb cur[256];
	int nc = jdm_hostif_nl_fdb_dump(name, cur, 256);
	if (nc < 0)
		return -1;
	static const unsigned char zero[6];
	for (int i = 0; i < nc; i++) {
		if (memcmp(cur[i].mac, zero, 6) || !cur[i].dst)
			continue;
		bool want = false;
		for (size_t k = 0; k < n && !want; k++)
			want = cur[i].dst == dst[k];
		if (!want)
			(void)fdb_req(RTM_DELNEIGH, 0, ifindex, cur[i].dst);
	}
	for (size_t k = 0; k < n; k++) {
		bool have = false;
		for (int i = 0; i < nc && !have; i++)
			have = !memcmp(cur[i].mac, zero, 6) && cur[i].dst == dst[k];
		if (have)
			continue;
		int e = fdb_req(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_APPEND, ifindex, dst[k]);
		if (e < 0 && e != -EEXIST) {
			char d[INET_ADDRSTRLEN];
			inet_ntop(AF_INET, &dst[k], d, sizeof d);
			return cfg_err_set("%s: cannot add the flooding entry to %s: %s", name, d,
			                   strerror(-e));
		}
	}
	return 0;
}

/* ------------------------------------------------------------ rules */

static int rule_req(uint16_t type, uint16_t flags, const struct jdm_hostif_rule *r)
{
	char buf[NLBUF];
	struct nlmsghdr *nlh = msg(buf, type, (uint16_t)(NLM_F_ACK | flags));
	struct fib_rule_hdr *fh = mnl_nlmsg_put_extra_header(nlh, sizeof *fh);
	fh->family = AF_INET;
	fh->dst_len = r->dst ? 32 : 0;
	fh->action = FR_ACT_BLACKHOLE;
	mnl_attr_put_u32(nlh, FRA_PRIORITY, r->priority);
	if (r->dst)
		mnl_attr_put(nlh, FRA_DST, 4, &r->dst);
	if (r->iif[0])
		mnl_attr_put_strz(nlh, FRA_IIFNAME, r->iif);
	if (r->ipproto)
		mnl_attr_put_u8(nlh, FRA_IP_PROTO, r->ipproto);
	if (r->dport) {
		struct fib_rule_port_range pr = {.start = r->dport, .end = r->dport};
		mnl_attr_put(nlh, FRA_DPORT_RANGE, sizeof pr, &pr);
	}
	mnl_attr_put_u8(nlh, FRA_PROTOCOL, JDM_HOSTIF_RTPROT);
	return nfx_nl_talk(NETLINK_ROUTE, nlh, NULL, NULL);
}

static void rule_text(const struct jdm_hostif_rule *r, char *buf, size_t n)
{
	char d[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &r->dst, d, sizeof d);
	snprintf(buf, n, "rule %u to %s%s%s ipproto %u dport %u blackhole", r->priority,
	         r->dst ? d : "all", r->iif[0] ? " iif " : "", r->iif, r->ipproto, r->dport);
}

int jdm_hostif_nl_rule_blackhole_add(const struct jdm_hostif_rule *r)
{
	int e = rule_req(RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, r);
	if (e < 0 && e != -EEXIST) {
		char t[128];
		rule_text(r, t, sizeof t);
		return cfg_err_set("cannot add the %s: %s", t, strerror(-e));
	}
	return 0;
}

int jdm_hostif_nl_rule_blackhole_del(const struct jdm_hostif_rule *r)
{
	int e = rule_req(RTM_DELRULE, 0, r);
	if (e == -ENOENT)
		return 1;
	if (e < 0) {
		char t[128];
		rule_text(r, t, sizeof t);
		return cfg_err_set("cannot delete the %s: %s", t, strerror(-e));
	}
	return 0;
}

struct rule_dump {
	uint32_t prio;
	struct jdm_hostif_rule *v;
	size_t n, max;
};

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rule_dump *d = data;
	const struct fib_rule_hdr *fh = mnl_nlmsg_get_payload(nlh);
	if (nlh->nlmsg_type != RTM_NEWRULE || fh->family != AF_INET || fh->action != FR_ACT_BLACKHOLE)
		return MNL_CB_OK;
	struct jdm_hostif_rule r = {0};
	unsigned proto = 0;
	const struct nlattr *a;
	mnl_attr_for_each(a, nlh, sizeof *fh) {
		switch (mnl_attr_get_type(a)) {
		case FRA_PRIORITY:
			r.priority = mnl_attr_get_u32(a);
			break;
		case FRA_DST:
			if (mnl_attr_get_payload_len(a) == 4)
				memcpy(&r.dst, mnl_attr_get_payload(a), 4);
			break;
		case FRA_IIFNAME:
			snprintf(r.iif, sizeof r.iif, "%.*s", (int)mnl_attr_get_payload_len(a),
			         (const char *)mnl_attr_get_payload(a));
			break;
		case FRA_IP_PROTO:
			r.ipproto = mnl_attr_get_u8(a);
			break;
		case FRA_DPORT_RANGE:
			if (mnl_attr_get_payload_len(a) == sizeof(struct fib_rule_port_range)) {
				const struct fib_rule_port_range *pr = mnl_attr_get_payload(a);
				r.dport = pr->start;
			}
			break;
		case FRA_PROTOCOL:
			proto = mnl_attr_get_u8(a);
			break;
		}
	}
	if (r.priority == d->prio && proto == JDM_HOSTIF_RTPROT && d->n < d->max)
		d->v[d->n++] = r;
	return MNL_CB_OK;
}

int jdm_hostif_nl_rule_list(uint32_t prio, struct jdm_hostif_rule *out, size_t max)
{
	struct rule_dump d = {.prio = prio, .v = out, .max = max};
	int e = -EINTR;
	for (int i = 0; i < DUMP_TRIES && e == -EINTR; i++) {
		char buf[NLBUF];
		struct nlmsghdr *nlh = msg(buf, RTM_GETRULE, NLM_F_DUMP);
		struct fib_rule_hdr *fh = mnl_nlmsg_put_extra_header(nlh, sizeof *fh);
		fh->family = AF_INET;
		d.n = 0;
		e = nfx_nl_talk(NETLINK_ROUTE, nlh, rule_cb, &d);
	}
	if (e < 0)
		return cfg_err_set("cannot read the policy rules: %s", strerror(-e));
	return (int)d.n;
}
