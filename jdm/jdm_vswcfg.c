/* jdm_vswcfg — the host-os switch as the configuration asks. See jdm_vswcfg.h. */
#include "jdm_vswcfg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_err.h"
#include "jdm_domain.h"

const char *const jdm_vswcfg_uplinks[2] = {"hsxe0", "hsxe1"};

#define A CFG_AT_ACTIVE

static struct cfg_node *child(const struct cfg_node *n, const char *name)
{
	return n ? cfg_node_child(n, name, NULL, A) : NULL;
}

static const char *leaf(const struct cfg_node *n, const char *name)
{
	return n ? cfg_node_value(n, name, A) : NULL;
}

/* N of "ethN", or -1. */
static int eth_num(const char *s)
{
	if (!s || strncmp(s, "eth", 3) || !s[3])
		return -1;
	char *end;
	long v = strtol(s + 3, &end, 10);
	if (*end || v < 0 || v > 999 || (s[3] == '0' && s[4]))
		return -1;
	return (int)v;
}

int jdm_vswcfg_port_name(const char *vnf, const char *ifname, char out[JDM_VSWCFG_PORT_MAX + 1])
{
	char want[72];
	snprintf(want, sizeof want, "%s_%s", vnf, ifname);
	if (jdm_domain_ifname(want, out) < 0)
		out[0] = '\0';
	return strcmp(out, want) != 0;
}

static const struct cfg_node *datapath(const struct cfg_tree *t)
{
	return cfg_tree_at(t, NULL, "host-os datapath", A);
}

bool jdm_vswcfg_is_dpdk(const struct cfg_tree *t)
{
	const char *ty = leaf(datapath(t), "type");
	return ty && !strcmp(ty, "dpdk");
}

/* The VLAN id of host-os VLAN NAME, or 0. */
static int vlan_id(const struct cfg_tree *t, const char *name)
{
	const char *w[] = {"host-os", "vlans", name, "vlan-id", NULL};
	const char *v = NULL;
	struct cfg_node *n = cfg_tree_atv(t, NULL, w, A);
	if (n)
		v = n->value;
	return v ? atoi(v) : 0;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static void add_trunk(struct jdm_vswcfg_port *p, int id)
{
	for (size_t i = 0; i < p->ntrunks; i++)
		if (p->trunks[i] == id)
			return;
	int *nt = realloc(p->trunks, (p->ntrunks + 1) * sizeof *nt);
	if (!nt)
		abort();
	p->trunks = nt;
	p->trunks[p->ntrunks++] = id;
}

/* The vlan mapping of interface I of VNF VNF_NAME, or NULL when it has
 * none or it is not a data interface. */
static const struct cfg_node *vlan_map(const struct cfg_node *i)
{
	return child(child(i, "mapping"), "vlan");
}

/* Is the vlan mapping VM a trunk: `mode trunk`, or no mode and more than
 * one member (`members [ v100 v200 ]` alone)? */
static bool is_trunk(const struct cfg_node *vm)
{
	const char *mode = leaf(vm, "mode");
	if (mode)
		return !strcmp(mode, "trunk");
	size_t nm = 0;
	for (struct cfg_node *m = child(vm, "members"); m; m = cfg_node_next_same(m, A))
		nm++;
	return nm > 1;
}

/* Port of interface I into *P (trunks allocated). 0, or -1 when I does not
 * make a valid port (validate says why). */
static int make_port(const struct cfg_tree *t, const char *vnf, const struct cfg_node *i,
                     struct jdm_vswcfg_port *p)
{
	memset(p, 0, sizeof *p);
	const struct cfg_node *vm = vlan_map(i);
	int eth = eth_num(i->value);
	if (!vm || eth < 2)
		return -1;
	p->shortened = jdm_vswcfg_port_name(vnf, i->value, p->name) == 1;
	snprintf(p->long_name, sizeof p->long_name, "%s_%s", vnf, i->value);
	p->vnf = vnf;
	p->ifname = i->value;
	p->eth = (unsigned)eth;
	p->node = i;
	bool trunk = is_trunk(vm);
	size_t nm = 0;
	for (struct cfg_node *m = child(vm, "members"); m; m = cfg_node_next_same(m, A)) {
		int id = vlan_id(t, m->value);
		if (id <= 0)
			continue;
		nm++;
		if (trunk)
			add_trunk(p, id);
		else
			p->tag = id;
	}
	const char *nat = leaf(vm, "native-vlan-id");
	if (trunk) {
		if (nm == 0) {
			free(p->trunks);
			p->trunks = NULL;
			return -1;
		}
		p->vlan_mode = "trunk";
		if (nat) {
			p->tag = atoi(nat);
			p->vlan_mode = "native-untagged";
			add_trunk(p, p->tag);
		}
		qsort(p->trunks, p->ntrunks, sizeof *p->trunks, cmp_int);
	} else {
		if (nm != 1)
			return -1;
		p->vlan_mode = "access";
	}
	const char *mac = leaf(i, "mac-address");
	if (mac && strlen(mac) == 17) {
		snprintf(p->mac, sizeof p->mac, "%s", mac);
	} else {
		char seed[96];
		snprintf(seed, sizeof seed, "%s %s", vnf, i->value);
		jdm_domain_mac(seed, p->mac);
	}
	p->link_down = child(child(i, "link"), "disable") != NULL;
	const char *mtu = leaf(i, "mtu");
	p->mtu = mtu ? (unsigned)atoi(mtu) : 0;
	return 0;
}

static int cmp_eth(const void *a, const void *b)
{
	const struct jdm_vswcfg_port *x = a, *y = b;
	return (int)x->eth - (int)y->eth;
}

size_t jdm_vswcfg_vnf_ports(const struct cfg_tree *t, const struct cfg_node *vnf,
                            struct jdm_vswcfg_port *out, size_t max)
{
	size_t n = 0;
	if (!vnf || !vnf->value)
		return 0;
	for (struct cfg_node *i = child(child(vnf, "interfaces"), "interface"); i && n < max;
	     i = cfg_node_next_same(i, A))
		if (make_port(t, vnf->value, i, &out[n]) == 0)
			n++;
	qsort(out, n, sizeof *out, cmp_eth);
	return n;
}

void jdm_vswcfg_ports_release(struct jdm_vswcfg_port *p, size_t n)
{
	for (size_t i = 0; p && i < n; i++) {
		free(p[i].trunks);
		p[i].trunks = NULL;
		p[i].ntrunks = 0;
	}
}

static int push(struct jdm_vswcfg *c, size_t *cap, const struct jdm_vswcfg_port *p)
{
	if (c->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		struct jdm_vswcfg_port *np = realloc(c->ports, nc * sizeof *np);
		if (!np)
			return cfg_err_set("out of memory");
		c->ports = np;
		*cap = nc;
	}
	c->ports[c->n++] = *p;
	return 0;
}

int jdm_vswcfg_build(const struct cfg_tree *t, const char *const *uplink_ifs,
                     struct jdm_vswcfg *out)
{
	memset(out, 0, sizeof *out);
	const struct cfg_node *dp = datapath(t);
	out->dpdk = jdm_vswcfg_is_dpdk(t);
	const char *sm = leaf(dp, "socket-memory");
	out->socket_mem = sm ? (unsigned)atoi(sm) : 128;
	out->lcore_mask = leaf(dp, "lcore-mask");
	out->no_pci = child(dp, "no-pci") != NULL;
	size_t cap = 0;
	struct cfg_node *vnfs = cfg_tree_at(t, NULL, "virtual-network-functions", A);
	for (struct cfg_node *v = child(vnfs, "vnf"); v; v = cfg_node_next_same(v, A)) {
		struct jdm_vswcfg_port ps[64];
		size_t n = jdm_vswcfg_vnf_ports(t, v, ps, 64);
		for (size_t k = 0; k < n; k++)
			if (push(out, &cap, &ps[k]) < 0) {
				jdm_vswcfg_ports_release(ps + k, n - k);
				jdm_vswcfg_free(out);
				return -1;
			}
	}
	struct cfg_node *vl = cfg_tree_at(t, NULL, "host-os vlans", A);
	for (int u = 0; u < 2; u++) {
		const char *ifn = uplink_ifs ? uplink_ifs[u] : jdm_vswcfg_uplinks[u];
		if (!ifn || strlen(ifn) > JDM_VSWCFG_PORT_MAX)
			continue;
		struct jdm_vswcfg_port p = {0};
		snprintf(p.name, sizeof p.name, "%s", ifn);
		snprintf(p.long_name, sizeof p.long_name, "%s", ifn);
		p.ifname = jdm_vswcfg_uplinks[u];
		p.uplink = true;
		p.vlan_mode = "trunk";
		for (struct cfg_node *v = child(vl, "vlan"); v; v = cfg_node_next_same(v, A)) {
			const char *id = leaf(v, "vlan-id");
			if (id)
				add_trunk(&p, atoi(id));
		}
		/* the VLANs of the virtual functions on this uplink (emulated VFs
		   are ports of this bridge: sriov's) */
		for (struct cfg_node *v = child(vnfs, "vnf"); v; v = cfg_node_next_same(v, A))
			for (struct cfg_node *i = child(child(v, "interfaces"), "interface"); i;
			     i = cfg_node_next_same(i, A)) {
				const char *id = leaf(child(child(child(i, "mapping"), jdm_vswcfg_uplinks[u]),
				                            "virtual-function"),
				                      "vlan-id");
				if (id)
					add_trunk(&p, atoi(id));
			}
		qsort(p.trunks, p.ntrunks, sizeof *p.trunks, cmp_int);
		if (push(out, &cap, &p) < 0) {
			free(p.trunks);
			jdm_vswcfg_free(out);
			return -1;
		}
	}
	return 0;
}

void jdm_vswcfg_free(struct jdm_vswcfg *c)
{
	if (!c)
		return;
	jdm_vswcfg_ports_release(c->ports, c->n);
	free(c->ports);
	c->ports = NULL;
	c->n = 0;
}

const struct jdm_vswcfg_port *jdm_vswcfg_find(const struct jdm_vswcfg *c, const char *name)
{
	for (size_t i = 0; c && i < c->n; i++)
		if (!strcmp(c->ports[i].name, name))
			return &c->ports[i];
	return NULL;
}

bool jdm_vswcfg_port_same_vlans(const struct jdm_vswcfg_port *a, const struct jdm_vswcfg_port *b)
{
	if (a->tag != b->tag || strcmp(a->vlan_mode, b->vlan_mode) || a->ntrunks != b->ntrunks)
		return false;
	for (size_t i = 0; i < a->ntrunks; i++)
		if (a->trunks[i] != b->trunks[i])
			return false;
	return true;
}

bool jdm_vswcfg_port_carries(const struct jdm_vswcfg_port *p, int id)
{
	if (p->tag == id)
		return true;
	if (!strcmp(p->vlan_mode, "access"))
		return false;
	if (p->ntrunks == 0)
		return true;
	for (size_t i = 0; i < p->ntrunks; i++)
		if (p->trunks[i] == id)
			return true;
	return false;
}

void jdm_vswcfg_port_vlans(const struct jdm_vswcfg_port *p, char *buf, size_t n)
{
	buf[0] = '\0';
	if (!strcmp(p->vlan_mode, "access")) {
		snprintf(buf, n, "%d", p->tag);
		return;
	}
	if (p->ntrunks == 0) {
		snprintf(buf, n, "all");
		return;
	}
	size_t len = 0;
	for (size_t i = 0; i < p->ntrunks && len + 8 < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%d", i ? " " : "", p->trunks[i]);
	if (p->tag && !strcmp(p->vlan_mode, "native-untagged") && len + 16 < n)
		snprintf(buf + len, n - len, " (native %d)", p->tag);
}

int jdm_vswcfg_vhost_path(const char *state_dir, const char *vnf, const char *port, char *buf,
                          size_t n)
{
	int w = snprintf(buf, n, "%s/vnf/%s/%s.sock", state_dir, vnf, port);
	if (w < 0 || (size_t)w >= n || w >= 108)
		return cfg_err_set("vhost-user socket path of %s too long", port);
	return 0;
}

static bool vlan_known(const struct cfg_tree *t, int id)
{
	struct cfg_node *vl = cfg_tree_at(t, NULL, "host-os vlans", A);
	for (struct cfg_node *v = child(vl, "vlan"); v; v = cfg_node_next_same(v, A)) {
		const char *s = leaf(v, "vlan-id");
		if (s && atoi(s) == id)
			return true;
	}
	return false;
}

void jdm_vswcfg_validate(const struct cfg_tree *t, struct cfg_findings *fs)
{
	bool dpdk = jdm_vswcfg_is_dpdk(t);
	const struct cfg_node *dp = datapath(t);
	const char *lm = leaf(dp, "lcore-mask");
	if (lm) {
		const char *h = !strncmp(lm, "0x", 2) || !strncmp(lm, "0X", 2) ? lm + 2 : lm;
		bool ok = *h != '\0';
		for (const char *c = h; *c; c++)
			if (!strchr("0123456789abcdefABCDEF", *c))
				ok = false;
		if (!ok)
			cfg_findings_add(fs, dp, "'lcore-mask'",
			                 "lcore-mask %s is not a hexadecimal CPU mask (e.g. 0x1)", lm);
	}
	if (!dpdk && dp && (leaf(dp, "socket-memory") || lm || child(dp, "no-pci")))
		cfg_findings_warn(fs, dp, NULL,
		                  "socket-memory, lcore-mask and no-pci apply to the dpdk datapath only");
	struct cfg_node *vnfs = cfg_tree_at(t, NULL, "virtual-network-functions", A);
	for (struct cfg_node *v = child(vnfs, "vnf"); v; v = cfg_node_next_same(v, A)) {
		if (!v->value)
			continue;
		bool any = false;
		for (struct cfg_node *i = child(child(v, "interfaces"), "interface"); i;
		     i = cfg_node_next_same(i, A)) {
			const struct cfg_node *vm = vlan_map(i);
			if (!vm || !i->value)
				continue;
			struct cfg_node *map = child(i, "mapping");
			if (child(map, "hsxe0") || child(map, "hsxe1"))
				cfg_findings_add(fs, i, NULL,
				                 "interface %s is mapped both to the host-os switch (vlan) and "
				                 "to an SR-IOV port: choose one", i->value);
			int eth = eth_num(i->value);
			if (eth < 0) {
				cfg_findings_add(fs, i, NULL, "VNF interface names are eth0, eth1, eth2, ...: %s",
				                 i->value);
				continue;
			}
			if (eth < 2) {
				cfg_findings_add(fs, i, NULL,
				                 "%s is a default interface (internal network, management); "
				                 "data interfaces on the host-os switch start at eth2",
				                 i->value);
				continue;
			}
			bool trunk = is_trunk(vm);
			size_t nm = 0;
			for (struct cfg_node *m = child(vm, "members"); m; m = cfg_node_next_same(m, A))
				nm++;
			if (!trunk && nm != 1)
				cfg_findings_add(fs, i, NULL,
				                 nm ? "an access interface is a member of exactly one VLAN (%zu given)"
				                    : "mapping vlan needs members (the VLAN of the access port)%.0zu",
				                 nm);
			if (trunk && nm == 0)
				cfg_findings_add(fs, i, NULL, "a trunk interface needs at least one VLAN member");
			const char *nat = leaf(vm, "native-vlan-id");
			if (nat && !trunk)
				cfg_findings_add(fs, i, "'native-vlan-id'",
				                 "native-vlan-id is for trunk interfaces (mode trunk)");
			if (nat && trunk && !vlan_known(t, atoi(nat)))
				cfg_findings_add(fs, i, "'native-vlan-id'",
				                 "native-vlan-id %s is no VLAN of the host-os switch (host-os vlans)",
				                 nat);
			any = true;
		}
		if (any && dpdk && !child(child(child(v, "memory"), "features"), "hugepages"))
			cfg_findings_add(fs, v, NULL,
			                 "VNF %s has data interfaces on the DPDK datapath: vhost-user needs "
			                 "memory the switch can share; set memory features hugepages",
			                 v->value);
	}
	/* two long names with the same short form (or a short form that is
	   another port's name) */
	struct jdm_vswcfg c;
	if (jdm_vswcfg_build(t, NULL, &c) < 0)
		return;
	for (size_t i = 0; i < c.n; i++)
		for (size_t k = 0; k < i; k++)
			if (!strcmp(c.ports[i].name, c.ports[k].name))
				cfg_findings_add(fs, c.ports[i].node, NULL,
				                 "port name %s of %s is already the port name of %s: rename "
				                 "the VNF", c.ports[i].name, c.ports[i].long_name,
				                 c.ports[k].long_name);
	jdm_vswcfg_free(&c);
}
