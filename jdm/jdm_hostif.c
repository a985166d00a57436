/* jdm_hostif — IP interfaces and static routes of the host; see
 * jdm_hostif.h. */
#include "jdm_hostif.h"

#include <arpa/inet.h>
#include <limits.h>
#include <net/if.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cfg_diff.h"
#include "cfg_err.h"
#include "cfg_reply.h"
#include "jdm_hostif_ovs.h"
#include "jdm_net.h"
#include "jdm_vswcfg.h"
#include "nfx_log.h"
#include "nfx_netns.h"

#define A CFG_AT_ACTIVE
#define OWNER "host-os-interfaces"
#define TICK_EVERY_S 3

const char *const jdm_hostif_owns[] = {"host-os interfaces", "host-os routing-options",
                                       "host-os vlans", NULL};

struct jdm_hostif {
	struct cfg_daemon *d;
	char db_sock[PATH_MAX];
	bool none;
	pthread_mutex_t mu;
	bool converged;
	time_t last_check;
};

/* ------------------------------------------------------------ configuration */

static struct cfg_node *child(const struct cfg_node *n, const char *name)
{
	return n ? cfg_node_child(n, name, NULL, A) : NULL;
}

static int vlan_tag(const struct cfg_tree *t, const char *vlan)
{
	if (!vlan)
		return 0;
	struct cfg_node *vl = cfg_tree_at(t, NULL, "host-os vlans", A);
	for (struct cfg_node *v = child(vl, "vlan"); v; v = cfg_node_next_same(v, A))
		if (v->value && !strcmp(v->value, vlan)) {
			const char *id = cfg_node_value(v, "vlan-id", A);
			return id ? atoi(id) : 0;
		}
	return 0;
}

static uint32_t mask_of(unsigned plen)
{
	return plen ? htonl(0xffffffffu << (32 - plen)) : 0;
}

void jdm_hostif_build(const struct cfg_tree *t, struct jdm_hostif_cfg *c)
{
	memset(c, 0, sizeof *c);
	struct cfg_node *ifs = cfg_tree_at(t, NULL, "host-os interfaces", A);
	for (struct cfg_node *i = child(ifs, "interface"); i && c->nif < JDM_HOSTIF_MAX;
	     i = cfg_node_next_same(i, A)) {
		if (!i->value)
			continue;
		struct jdm_hostif_if *f = &c->ifs[c->nif++];
		f->name = i->value;
		f->node = i;
		f->vlan = cfg_node_value(i, "vlan", A);
		f->tag = vlan_tag(t, f->vlan);
		const char *a = cfg_node_value(i, "address", A);
		if (!a || jdm_hostif_nl_prefix(a, &f->addr, &f->plen) < 0)
			f->addr = 0;
		const char *m = cfg_node_value(i, "mtu", A);
		f->mtu = m ? atoi(m) : JDM_HOSTIF_MTU_DEFAULT;
	}
	struct cfg_node *st = cfg_tree_at(t, NULL, "host-os routing-options static", A);
	for (struct cfg_node *r = child(st, "route"); r && c->nroutes < JDM_HOSTIF_ROUTES_MAX;
	     r = cfg_node_next_same(r, A)) {
		struct jdm_hostif_route *rt = &c->routes[c->nroutes];
		const char *nh = cfg_node_value(r, "next-hop", A);
		if (!r->value || jdm_hostif_nl_prefix(r->value, &rt->dst, &rt->plen) < 0 || !nh ||
		    jdm_hostif_nl_addr(nh, &rt->gw) < 0)
			continue;
		rt->dst &= mask_of(rt->plen);
		c->route_nodes[c->nroutes++] = r;
	}
}

const struct jdm_hostif_if *jdm_hostif_by_addr(const struct jdm_hostif_cfg *c, uint32_t addr)
{
	for (size_t i = 0; i < c->nif; i++)
		if (c->ifs[i].addr && c->ifs[i].addr == addr)
			return &c->ifs[i];
	return NULL;
}

const struct jdm_hostif_if *jdm_hostif_connected(const struct jdm_hostif_cfg *c, uint32_t addr)
{
	for (size_t i = 0; i < c->nif; i++) {
		const struct jdm_hostif_if *f = &c->ifs[i];
		uint32_t m = mask_of(f->plen);
		if (f->addr && f->plen && (f->addr & m) == (addr & m) && f->addr != addr)
			return f;
	}
	return NULL;
}

static bool bad_ifname(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= IFNAMSIZ || !strcmp(s, ".") || !strcmp(s, ".."))
		return true;
	for (const char *p = s; *p; p++)
		if (*p == '/' || *p == ':' || *p == ' ')
			return true;
	return false;
}

void jdm_hostif_validate_tree(const struct cfg_tree *t, struct cfg_findings *fs)
{
	struct cfg_node *ifs = cfg_tree_at(t, NULL, "host-os interfaces", A);
	size_t n = 0;
	for (struct cfg_node *i = child(ifs, "interface"); i; i = cfg_node_next_same(i, A))
		n++;
	if (n > JDM_HOSTIF_MAX)
		cfg_findings_add(fs, ifs, NULL, "at most %d host-os interfaces (%zu configured)",
		                 JDM_HOSTIF_MAX, n);
	struct jdm_hostif_cfg c;
	jdm_hostif_build(t, &c);
	struct jdm_vswcfg sw;
	bool have_sw = jdm_vswcfg_build(t, NULL, &sw) == 0;
	for (size_t k = 0; k < c.nif; k++) {
		const struct jdm_hostif_if *f = &c.ifs[k];
		if (bad_ifname(f->name)) {
			cfg_findings_add(fs, f->node, NULL,
			                 "%s is not a Linux interface name (1 to 15 characters, no '/', ':' "
			                 "or space)", f->name);
			continue;
		}
		if (!strcmp(f->name, JDM_VSWCFG_BRIDGE) || !strncmp(f->name, "vx", 2) ||
		    (have_sw && jdm_vswcfg_find(&sw, f->name)))
			cfg_findings_add(fs, f->node, NULL,
			                 "%s is the name of a port of the host-os switch (or reserved: "
			                 "%s, vxN): choose another name", f->name, JDM_VSWCFG_BRIDGE);
		const char *a = cfg_node_value(f->node, "address", A);
		if (a && !f->addr)
			cfg_findings_add(fs, f->node, "'address'", "address %s is not A.B.C.D/N", a);
		else if (a) {
			uint32_t m = mask_of(f->plen);
			if (f->plen == 0 || (f->plen < 31 && ((f->addr & ~m) == 0 || (f->addr & ~m) == ~m)))
				cfg_findings_add(fs, f->node, "'address'",
				                 "%s is not a host address of its subnet (network or broadcast "
				                 "address, or prefix length 0)", a);
			for (size_t j = 0; j < k; j++)
				if (c.ifs[j].addr == f->addr)
					cfg_findings_add(fs, f->node, "'address'",
					                 "address %s is already the address of host-os interface %s",
					                 a, c.ifs[j].name);
		}
	}
	if (have_sw)
		jdm_vswcfg_free(&sw);
	for (size_t r = 0; r < c.nroutes; r++) {
		char nh[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &c.routes[r].gw, nh, sizeof nh);
		if (jdm_hostif_by_addr(&c, c.routes[r].gw))
			cfg_findings_add(fs, c.route_nodes[r], "'next-hop'",
			                 "next-hop %s is an address of this host", nh);
		else if (!jdm_hostif_connected(&c, c.routes[r].gw))
			cfg_findings_add(fs, c.route_nodes[r], "'next-hop'",
			                 "next-hop %s is on no connected host-os interface (host-os interfaces "
			                 "NAME address)", nh);
	}
}

/* ------------------------------------------------------------ making it so */

static bool wait_link(const char *name, int ms)
{
	for (int i = 0; i < ms / 50; i++) {
		if (if_nametoindex(name))
			return true;
		struct timespec ts = {0, 50 * 1000000};
		nanosleep(&ts, NULL);
	}
	return if_nametoindex(name) != 0;
}

/* IPv4 only: no IPv6 link-local address, router solicitations or MLD
 * reports from the host onto a host-os VLAN (a WAN capture shows only what
 * nfx sends on purpose). /proc/sys/net is the calling thread's namespace's.
 * Best effort: a kernel without IPv6 has no such file. */
static void no_ipv6(const char *name)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "/proc/sys/net/ipv6/conf/%s/disable_ipv6", name);
	FILE *f = fopen(path, "we");
	if (!f)
		return;
	fputs("1\n", f);
	fclose(f);
}

/* Make the world match T. 0 or -1 with findings. Caller holds mu. */
static int realise(struct jdm_hostif *h, const struct cfg_tree *t, struct cfg_findings *fs)
{
	struct jdm_hostif_cfg c;
	jdm_hostif_build(t, &c);
	struct jdm_hostif_port ports[JDM_HOSTIF_MAX];
	for (size_t i = 0; i < c.nif; i++) {
		memset(&ports[i], 0, sizeof ports[i]);
		snprintf(ports[i].name, sizeof ports[i].name, "%s", c.ifs[i].name);
		ports[i].tag = c.ifs[i].tag;
		ports[i].mtu = c.ifs[i].mtu;
		ports[i].internal = true;
	}
	if (jdm_hostif_ovs_sync(h->db_sock, OWNER, ports, c.nif) < 0) {
		struct cfg_node *at = cfg_tree_at(t, NULL, "host-os interfaces", A);
		if (at)
			cfg_findings_add(fs, at, NULL, "%s", cfg_err_msg());
		else
			cfg_findings_add_line(fs, "host-os interfaces: %s", cfg_err_msg());
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; i < c.nif; i++) {
		const struct jdm_hostif_if *f = &c.ifs[i];
		if (!wait_link(f->name, 10000)) {
			cfg_findings_add(fs, f->node, NULL,
			                 "ovs-vswitchd made no network device %s for the internal port", f->name);
			rc = -1;
			continue;
		}
		no_ipv6(f->name);
		char a[INET_ADDRSTRLEN + 4];
		inet_ntop(AF_INET, &f->addr, a, INET_ADDRSTRLEN);
		snprintf(a + strlen(a), 4, "/%u", f->plen);
		const char *addrs[1] = {a};
		if (jdm_net_set_addrs(f->name, addrs, f->addr ? 1 : 0) < 0) {
			cfg_findings_add(fs, f->node, NULL, "%s", cfg_err_msg());
			rc = -1;
		}
	}
	size_t failed = 0;
	if (jdm_hostif_nl_routes_sync(c.routes, c.nroutes, &failed) < 0) {
		struct cfg_node *at = cfg_tree_at(t, NULL, "host-os routing-options static", A);
		if (at)
			cfg_findings_add(fs, at, NULL, "%s", cfg_err_msg());
		else
			cfg_findings_add_line(fs, "host-os routing-options: %s", cfg_err_msg());
		rc = -1;
	}
	return rc;
}

struct jdm_hostif *jdm_hostif_new(struct cfg_daemon *d, const struct jdm_hostif_opts *o)
{
	struct jdm_hostif *h = calloc(1, sizeof *h);
	if (!h)
		abort();
	h->d = d;
	h->none = o->config_only || !nfx_netns_may_network();
	snprintf(h->db_sock, sizeof h->db_sock, "%s/ovs/db.sock", o->state_dir);
	pthread_mutex_init(&h->mu, NULL);
	return h;
}

void jdm_hostif_free(struct jdm_hostif *h)
{
	if (!h)
		return;
	pthread_mutex_destroy(&h->mu);
	free(h);
}

bool jdm_hostif_config_only(const struct jdm_hostif *h)
{
	return !h || h->none;
}

void jdm_hostif_validate(void *ctx, const struct cfg_tree *new_tree, const struct cfg_diff *diff,
                         struct cfg_findings *fs)
{
	(void)ctx;
	(void)diff;
	jdm_hostif_validate_tree(new_tree, fs);
}

int jdm_hostif_apply(void *ctx, const struct cfg_diff *diff, struct cfg_buf *out,
                     struct cfg_findings *fs)
{
	(void)out;
	struct jdm_hostif *h = ctx;
	if (h->none)
		return 0;
	pthread_mutex_lock(&h->mu);
	int rc = realise(h, cfg_diff_new_tree(diff), fs);
	if (rc < 0) {
		/* this row's own part goes back to the old tree */
		struct cfg_findings ignore = {0};
		(void)realise(h, cfg_diff_old(diff), &ignore);
		cfg_findings_free(&ignore);
	}
	pthread_mutex_unlock(&h->mu);
	return rc;
}

int jdm_hostif_converge(void *ctx, const struct cfg_tree *active, struct cfg_buf *out,
                        struct cfg_findings *fs)
{
	(void)out;
	struct jdm_hostif *h = ctx;
	if (h->none)
		return 0;
	pthread_mutex_lock(&h->mu);
	int rc = realise(h, active, fs);
	h->converged = true;
	pthread_mutex_unlock(&h->mu);
	return rc;
}

/* Is everything of C in place (links up with their address, routes)? */
static bool in_place(const struct jdm_hostif_cfg *c)
{
	for (size_t i = 0; i < c->nif; i++) {
		const struct jdm_hostif_if *f = &c->ifs[i];
		bool up = false;
		if (jdm_hostif_nl_link_state(f->name, &up, NULL) != 0 || !up)
			return false;
		char a[INET_ADDRSTRLEN], want[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &f->addr, want, sizeof want);
		if (f->addr && (jdm_net_first_addr(f->name, a, sizeof a) < 0 || strcmp(a, want)))
			return false;
	}
	for (size_t r = 0; r < c->nroutes; r++)
		if (!jdm_hostif_nl_route_present(&c->routes[r]))
			return false;
	return true;
}

void jdm_hostif_tick(void *ctx)
{
	struct jdm_hostif *h = ctx;
	if (h->none)
		return;
	time_t now = time(NULL);
	if (now - h->last_check < TICK_EVERY_S)
		return;
	h->last_check = now;
	if (cfg_daemon_commit_busy(h->d) || pthread_mutex_trylock(&h->mu) != 0)
		return;
	if (h->converged) {
		const struct cfg_tree *t = cfg_daemon_active(h->d);
		struct jdm_hostif_cfg c;
		jdm_hostif_build(t, &c);
		if ((c.nif || c.nroutes) && !in_place(&c)) {
			struct cfg_findings fs = {0};
			if (realise(h, t, &fs) < 0)
				nfx_log(LOG_ERR, "host-os interfaces: %s",
				        fs.n && fs.f[0].msg ? fs.f[0].msg : cfg_err_msg());
			else
				nfx_log(LOG_NOTICE, "host-os interfaces: addresses and routes put back");
			cfg_findings_free(&fs);
		}
	}
	pthread_mutex_unlock(&h->mu);
}

/* ------------------------------------------------------------ show */

static void hostif_text(struct cfg_buf *out, const struct cfg_reply *r, void *arg)
{
	(void)arg;
	const struct cfg_rel *root = cfg_reply_root(r);
	cfg_buf_printf(out, "%-16s %-16s %-7s %-19s %-5s %s\n", "Interface", "VLAN", "VLAN ID",
	               "Address", "MTU", "State");
	for (const struct cfg_rel *i = cfg_rel_child(root, "interface"); i; i = cfg_rel_next_same(i))
		cfg_buf_printf(out, "%-16s %-16s %-7s %-19s %-5s %s\n", cfg_rel_str(i, "interface-name", ""),
		               cfg_rel_str(i, "vlan-name", "-"), cfg_rel_str(i, "vlan-id", "-"),
		               cfg_rel_str(i, "address", "-"), cfg_rel_str(i, "mtu", "-"),
		               cfg_rel_str(i, "state", "-"));
	if (!cfg_rel_child(root, "route"))
		return;
	cfg_buf_printf(out, "\n%-19s %-16s %-16s %s\n", "Destination", "Next hop", "Interface", "State");
	for (const struct cfg_rel *i = cfg_rel_child(root, "route"); i; i = cfg_rel_next_same(i))
		cfg_buf_printf(out, "%-19s %-16s %-16s %s\n", cfg_rel_str(i, "destination", ""),
		               cfg_rel_str(i, "next-hop", "-"), cfg_rel_str(i, "interface-name", "-"),
		               cfg_rel_str(i, "state", "-"));
}

/* `show host-os interfaces`: the host's interfaces and static routes
 * (active configuration) and their state in jdmd's namespace. */
static int show_host_interfaces(struct cfg_cmd *cmd)
{
	struct jdm_hostif *h = cmd->ctx;
	const struct cfg_tree *t = cfg_daemon_active(cmd->d);
	struct jdm_hostif_cfg c;
	jdm_hostif_build(t, &c);
	struct cfg_reply *r = cfg_reply_new("host-os-interface-information");
	struct cfg_rel *root = cfg_reply_root(r);
	bool none = jdm_hostif_config_only(h);
	for (size_t i = 0; i < c.nif; i++) {
		const struct jdm_hostif_if *f = &c.ifs[i];
		struct cfg_rel *e = cfg_rel_add(root, "interface");
		cfg_rel_leaf(e, "interface-name", f->name);
		cfg_rel_leaf(e, "vlan-name", f->vlan);
		if (f->tag)
			cfg_rel_leaff(e, "vlan-id", "%d", f->tag);
		const char *a = cfg_node_value(f->node, "address", A);
		if (a)
			cfg_rel_leaf(e, "address", a);
		cfg_rel_leaff(e, "mtu", "%d", f->mtu);
		bool up = false;
		int st = none ? 2 : jdm_hostif_nl_link_state(f->name, &up, NULL);
		cfg_rel_leaf(e, "state", st == 2 ? "configuration only" : st == 1 ? "absent" : st < 0 ? "unknown" : up ? "up" : "down");
	}
	for (size_t k = 0; k < c.nroutes; k++) {
		const struct jdm_hostif_route *rt = &c.routes[k];
		struct cfg_rel *e = cfg_rel_add(root, "route");
		char d[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &rt->dst, d, sizeof d);
		inet_ntop(AF_INET, &rt->gw, g, sizeof g);
		cfg_rel_leaff(e, "destination", "%s/%u", d, rt->plen);
		cfg_rel_leaf(e, "next-hop", g);
		const struct jdm_hostif_if *f = jdm_hostif_connected(&c, rt->gw);
		if (f)
			cfg_rel_leaf(e, "interface-name", f->name);
		cfg_rel_leaf(e, "state", none ? "configuration only"
		                              : jdm_hostif_nl_route_present(rt) ? "active" : "not installed");
	}
	return cfg_reply_emit(r, &cmd->disp, cmd->out, hostif_text, NULL);
}

int jdm_hostif_register(struct cfg_daemon *d, struct jdm_hostif *h)
{
	return cfg_daemon_register_ctx(d, "show_host_interfaces", show_host_interfaces, h);
}
