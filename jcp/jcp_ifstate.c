/* jcp_ifstate — Linux link state over rtnetlink. See jcp_ifstate.h. */
#include "jcp_ifstate.h"

#include <errno.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "cfg_err.h"

struct jcp_ifstate_tab {
	struct jcp_ifstate *e;
	size_t n, cap;
};

void jcp_ifstate_free(struct jcp_ifstate_tab *t)
{
	if (!t)
		return;
	free(t->e);
	free(t);
}

const struct jcp_ifstate *jcp_ifstate_find(const struct jcp_ifstate_tab *t, const char *name)
{
	for (size_t i = 0; t && name && i < t->n; i++)
		if (!strcmp(t->e[i].name, name))
			return &t->e[i];
	return NULL;
}

static void add_link(struct jcp_ifstate_tab *t, struct nlmsghdr *h)
{
	struct ifinfomsg *ifi = NLMSG_DATA(h);
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof *ifi))
		return;
	struct jcp_ifstate st;
	memset(&st, 0, sizeof st);
	st.ifindex = ifi->ifi_index;
	st.admin_up = ifi->ifi_flags & IFF_UP;
	bool lower = ifi->ifi_flags & IFF_LOWER_UP;
	int oper = -1;
	int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof *ifi);
	for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		void *d = RTA_DATA(a);
		size_t dl = RTA_PAYLOAD(a);
		switch (a->rta_type) {
		case IFLA_IFNAME:
			snprintf(st.name, sizeof st.name, "%.*s", (int)strnlen(d, dl), (const char *)d);
			break;
		case IFLA_MTU:
			if (dl >= 4)
				memcpy(&st.mtu, d, 4);
			break;
		case IFLA_OPERSTATE:
			if (dl >= 1)
				oper = *(unsigned char *)d;
			break;
		case IFLA_ADDRESS:
			if (dl == 6) {
				const unsigned char *m = d;
				snprintf(st.mac, sizeof st.mac, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
				         m[4], m[5]);
			}
			break;
		case IFLA_STATS64:
			if (dl >= sizeof(struct rtnl_link_stats64)) {
				struct rtnl_link_stats64 s;
				memcpy(&s, d, sizeof s);
				st.rx_packets = s.rx_packets;
				st.tx_packets = s.tx_packets;
				st.rx_bytes = s.rx_bytes;
				st.tx_bytes = s.tx_bytes;
				st.rx_errors = s.rx_errors;
				st.tx_errors = s.tx_errors;
				st.rx_dropped = s.rx_dropped;
				st.tx_dropped = s.tx_dropped;
			}
			break;
		}
	}
	st.link_up = st.admin_up && lower && oper != IF_OPER_DOWN && oper != IF_OPER_LOWERLAYERDOWN;
	if (!st.name[0])
		return;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 32;
		t->e = realloc(t->e, t->cap * sizeof *t->e);
		if (!t->e)
			abort();
	}
	t->e[t->n++] = st;
}

struct jcp_ifstate_tab *jcp_ifstate_dump(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0) {
		cfg_err_set("rtnetlink: %s", strerror(errno));
		return NULL;
	}
	struct timeval tv = {.tv_sec = 2};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	struct {
		struct nlmsghdr h;
		struct ifinfomsg i;
	} req;
	memset(&req, 0, sizeof req);
	req.h.nlmsg_len = sizeof req;
	req.h.nlmsg_type = RTM_GETLINK;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.h.nlmsg_seq = 1;
	req.i.ifi_family = AF_UNSPEC;
	if (send(fd, &req, sizeof req, 0) < 0) {
		cfg_err_set("rtnetlink: %s", strerror(errno));
		close(fd);
		return NULL;
	}
	struct jcp_ifstate_tab *t = calloc(1, sizeof *t);
	if (!t)
		abort();
	static __thread char buf[32768];
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof buf, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			cfg_err_set("rtnetlink: %s", strerror(errno));
			goto fail;
		}
		/* NLMSG_OK/NLMSG_NEXT written out with sizes, so every compiler's
		   sign checks pass (clang -Wsign-compare in the fuzz build) */
		struct nlmsghdr *h;
		for (size_t off = 0;
		     off + sizeof *h <= (size_t)n && (h = (struct nlmsghdr *)(buf + off))->nlmsg_len >= sizeof *h &&
		     h->nlmsg_len <= (size_t)n - off;
		     off += NLMSG_ALIGN(h->nlmsg_len)) {
			if (h->nlmsg_type == NLMSG_DONE)
				goto done;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);
				cfg_err_set("rtnetlink: %s", strerror(-e->error));
				goto fail;
			}
			if (h->nlmsg_type == RTM_NEWLINK)
				add_link(t, h);
		}
		if (n == 0)
			break;
	}
done:
	close(fd);
	return t;
fail:
	close(fd);
	jcp_ifstate_free(t);
	return NULL;
}
