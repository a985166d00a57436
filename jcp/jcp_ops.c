/* jcp_ops — JCP ports and operational commands. See jcp_ops.h. */
#include "jcp_ops.h"

#include "cfg_err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_cmd.h"
#include "cfg_reply.h"
#include "jcp_ifstate.h"
#include "jcp_pfe.h"

/* The port groups of the box: prefix, first and last number, what they are
 * (`show chassis hardware`). Every list of ports is made from this table. */
static const struct port_group {
	const char *pfx;
	int lo, hi;
	const char *what;
} GROUPS[] = {
	{"ge-0/0/", 0, 11, "12x GE RJ-45 front-panel ports"},
	{"xe-0/0/", 12, 13, "2x 10GE SFP+ front-panel ports"},
	{"sxe-0/0/", 0, 1, "2x internal 10GE ports to the host (hsxe0, hsxe1)"},
};
#define NGROUPS (sizeof GROUPS / sizeof *GROUPS)

size_t jcp_ops_port_count(void)
{
	size_t n = 0;
	for (size_t g = 0; g < NGROUPS; g++)
		n += (size_t)(GROUPS[g].hi - GROUPS[g].lo + 1);
	return n;
}

const char *jcp_ops_port(size_t i)
{
	static char names[32][16];
	static bool made;
	if (!made) {
		size_t k = 0;
		for (size_t g = 0; g < NGROUPS; g++)
			for (int p = GROUPS[g].lo; p <= GROUPS[g].hi && k < 32; p++)
				snprintf(names[k++], sizeof names[0], "%s%d", GROUPS[g].pfx, p);
		made = true;
	}
	return i < jcp_ops_port_count() && i < 32 ? names[i] : NULL;
}

bool jcp_ops_port_exists(const char *name)
{
	for (size_t g = 0; g < NGROUPS; g++) {
		size_t pl = strlen(GROUPS[g].pfx);
		if (strncmp(name, GROUPS[g].pfx, pl))
			continue;
		const char *num = name + pl;
		if (!*num || strlen(num) > 2 || (num[0] == '0' && num[1]))
			return false;
		char *end;
		long n = strtol(num, &end, 10);
		return !*end && n >= GROUPS[g].lo && n <= GROUPS[g].hi;
	}
	return false;
}

const char *jcp_ops_port_ranges(void)
{
	static char buf[128];
	if (!buf[0]) {
		size_t l = 0;
		for (size_t g = 0; g < NGROUPS && l < sizeof buf; g++)
			l += (size_t)snprintf(buf + l, sizeof buf - l, "%s%s%d..%d", g ? ", " : "", GROUPS[g].pfx,
			                      GROUPS[g].lo, GROUPS[g].hi);
	}
	return buf;
}

long jcp_ops_vlan_id(const struct cfg_node *root, const char *member)
{
	const struct cfg_node *v = cfg_node_child(cfg_node_child(root, "vlans", NULL, CFG_AT_ACTIVE), "vlan",
	                                          member, CFG_AT_ACTIVE);
	if (v) {
		const char *id = cfg_node_value(v, "vlan-id", CFG_AT_ACTIVE);
		return id ? strtol(id, NULL, 10) : -1;
	}
	char *end;
	long n = strtol(member, &end, 10);
	return *member && !*end && n >= 1 && n <= 4094 ? n : -1;
}

/* The ethernet-switching of UNIT, or NULL. */
static const struct cfg_node *eth_switching(const struct cfg_node *unit)
{
	return cfg_node_child(cfg_node_child(unit, "family", NULL, 0), "ethernet-switching", NULL, 0);
}

/* The admin state and link of PORT: from the Linux interface behind it
 * (ST), else from OVS (a patch port has no Linux interface). The link: 1
 * up, 0 down, -1 not known. */
static int port_link(struct jcp_pfe *pfe, const char *port, const struct jcp_ifstate *st, bool *admin)
{
	*admin = true;
	if (st) {
		*admin = st->admin_up;
		return st->link_up;
	}
	return pfe ? jcp_pfe_link(pfe, port, admin) : -1;
}

/* ----------------------------------------------------------- show vlans */

static void vlans_text(struct cfg_buf *out, const struct cfg_reply *r, void *arg)
{
	(void)arg;
	cfg_buf_printf(out, "%-23s %-21s %-12s %s\n", "Routing instance", "VLAN name", "Tag", "Interfaces");
	for (const struct cfg_rel *v = cfg_rel_child(cfg_reply_root(r), "vlan"); v; v = cfg_rel_next_same(v)) {
		cfg_buf_printf(out, "%-23s %-21s %s\n", cfg_rel_str(v, "vlan-instance", ""),
		               cfg_rel_str(v, "vlan-name", ""), cfg_rel_str(v, "vlan-tag", ""));
		for (const struct cfg_rel *m = cfg_rel_child(v, "vlan-member-interface"); m; m = cfg_rel_next_same(m))
			cfg_buf_printf(out, "%-59s%s\n", "", m->text ? m->text : "");
	}
}

/* `show vlans`: each VLAN with its tag and member interfaces (committed);
 * as on Junos, a member whose link is up is marked with `*` (with the PFE
 * switch: the link of the interface behind the port). */
static int show_vlans(struct cfg_cmd *c)
{
	struct jcp_pfe *pfe = c->ctx;
	struct jcp_ifstate_tab *links = pfe ? jcp_ifstate_dump() : NULL;
	const struct cfg_node *root = cfg_tree_root(cfg_daemon_active(c->d));
	const struct cfg_node *ifs = cfg_node_child(root, "interfaces", NULL, 0);
	struct cfg_reply *r = cfg_reply_new("vlan-information");
	const struct cfg_node *vlans = cfg_node_child(root, "vlans", NULL, 0);
	for (const struct cfg_node *v = vlans ? vlans->child : NULL; v; v = v->next) {
		if (!v->value || (v->flags & CFG_N_INACTIVE))
			continue;
		const char *id = cfg_node_value(v, "vlan-id", 0);
		long want = id ? strtol(id, NULL, 10) : -1;
		struct cfg_rel *e = cfg_rel_add(cfg_reply_root(r), "vlan");
		cfg_rel_leaf(e, "vlan-instance", "default-switch");
		cfg_rel_leaf(e, "vlan-name", v->value);
		cfg_rel_leaf(e, "vlan-tag", id);
		for (const struct cfg_node *i = ifs ? ifs->child : NULL; i; i = i->next)
			for (const struct cfg_node *u = i->child; u; u = u->next) {
				if (strcmp(u->schema->name, "unit") || (u->flags & CFG_N_INACTIVE))
					continue;
				const struct cfg_node *vl = cfg_node_child(eth_switching(u), "vlan", NULL, 0);
				for (const struct cfg_node *m = vl ? vl->child : NULL; m; m = m->next)
					if (m->value && jcp_ops_vlan_id(root, m->value) == want) {
						const struct jcp_ifstate *st =
						    jcp_ifstate_find(links, jcp_pfe_ifname(pfe, i->value));
						bool admin;
						cfg_rel_leaff(e, "vlan-member-interface", "%s.%s%s", i->value, u->value,
						              port_link(pfe, i->value, st, &admin) == 1 ? "*" : "");
					}
			}
	}
	jcp_ifstate_free(links);
	return cfg_reply_emit(r, &c->disp, c->out, vlans_text, NULL);
}

/* ------------------------------------------------------ show interfaces */

static void interfaces_text(struct cfg_buf *out, const struct cfg_reply *r, void *arg)
{
	bool terse = *(const bool *)arg;
	if (terse)
		cfg_buf_printf(out, "%-23s %-5s %-4s %s\n", "Interface", "Admin", "Link", "Proto");
	bool first = true;
	for (const struct cfg_rel *p = cfg_rel_child(cfg_reply_root(r), "physical-interface"); p;
	     p = cfg_rel_next_same(p)) {
		const char *name = cfg_rel_str(p, "name", "");
		const char *oper = cfg_rel_value(p, "oper-status");
		if (terse) {
			cfg_buf_printf(out, "%-23s %-5s %s\n", name, cfg_rel_str(p, "admin-status", ""),
			               oper ? oper : "-");
		} else {
			if (!first)
				cfg_buf_putc(out, '\n');
			first = false;
			bool up = !strcmp(cfg_rel_str(p, "admin-status", "up"), "up");
			cfg_buf_printf(out, "Physical interface: %s, %s, Physical link is %s\n", name,
			               up ? "Enabled" : "Administratively down",
			               !oper ? "not reported by this release" : !strcmp(oper, "up") ? "Up" : "Down");
			const char *idx = cfg_rel_value(p, "local-index");
			if (idx)
				cfg_buf_printf(out, "  Interface index: %s, SNMP ifIndex: %s\n", idx,
				               cfg_rel_str(p, "snmp-index", idx));
			const char *desc = cfg_rel_value(p, "description");
			if (desc)
				cfg_buf_printf(out, "  Description: %s\n", desc);
			const char *mtu = cfg_rel_value(p, "mtu");
			if (mtu)
				cfg_buf_printf(out, "  Link-level type: Ethernet, MTU: %s\n", mtu);
			const char *mac = cfg_rel_value(p, "current-physical-address");
			if (mac)
				cfg_buf_printf(out, "  Current address: %s, Hardware address: %s\n", mac,
				               cfg_rel_str(p, "hardware-physical-address", mac));
			const char *err = cfg_rel_value(p, "interface-error");
			if (err)
				cfg_buf_printf(out, "  Active alarms  : %s\n", err);
		}
		for (const struct cfg_rel *u = cfg_rel_child(p, "logical-interface"); u; u = cfg_rel_next_same(u)) {
			const char *fam = cfg_rel_value(u, "address-family");
			if (terse) {
				cfg_buf_printf(out, "%-23s %-5s %-4s %s\n", cfg_rel_str(u, "name", ""),
				               cfg_rel_str(u, "admin-status", ""), cfg_rel_str(u, "oper-status", "-"),
				               fam ? fam : "");
				continue;
			}
			cfg_buf_printf(out, "\n  Logical interface %s\n", cfg_rel_str(u, "name", ""));
			const struct cfg_rel *ts = cfg_rel_child(u, "traffic-statistics");
			if (ts) {
				cfg_buf_printf(out, "    Input packets : %s\n", cfg_rel_str(ts, "input-packets", "0"));
				cfg_buf_printf(out, "    Output packets: %s\n", cfg_rel_str(ts, "output-packets", "0"));
			}
			if (fam) {
				cfg_buf_printf(out, "    Protocol %s, Interface mode: %s, VLANs:", fam,
				               cfg_rel_str(u, "interface-mode", "access"));
				for (const struct cfg_rel *m = cfg_rel_child(u, "vlan-member"); m; m = cfg_rel_next_same(m))
					cfg_buf_printf(out, " %s", m->text ? m->text : "");
				cfg_buf_putc(out, '\n');
			}
		}
	}
}

/* Counters of a port: OVS's Interface statistics when the port is on the
 * PFE bridge, else the kernel's (rtnetlink). */
static void add_stats(struct cfg_rel *e, struct jcp_pfe *pfe, const char *port, const struct jcp_ifstate *st)
{
	struct jcp_pfe_stats ps;
	struct cfg_rel *ts;
	if (pfe && jcp_pfe_stats(pfe, port, &ps)) {
		ts = cfg_rel_add(e, "traffic-statistics");
		cfg_rel_leaff(ts, "input-bytes", "%llu", (unsigned long long)ps.rx_bytes);
		cfg_rel_leaff(ts, "output-bytes", "%llu", (unsigned long long)ps.tx_bytes);
		cfg_rel_leaff(ts, "input-packets", "%llu", (unsigned long long)ps.rx_packets);
		cfg_rel_leaff(ts, "output-packets", "%llu", (unsigned long long)ps.tx_packets);
	} else if (st) {
		ts = cfg_rel_add(e, "traffic-statistics");
		cfg_rel_leaff(ts, "input-bytes", "%llu", (unsigned long long)st->rx_bytes);
		cfg_rel_leaff(ts, "output-bytes", "%llu", (unsigned long long)st->tx_bytes);
		cfg_rel_leaff(ts, "input-packets", "%llu", (unsigned long long)st->rx_packets);
		cfg_rel_leaff(ts, "output-packets", "%llu", (unsigned long long)st->tx_packets);
	}
}

/* `show interfaces [NAME] [terse]`: the ports, their state (the Linux
 * interface behind each, when jcpd runs with the PFE switch) and their
 * configured units. */
static int show_interfaces(struct cfg_cmd *c)
{
	const char *want = cfg_cmd_value(c, "name");
	bool terse = cfg_cmd_has(c, "terse");
	struct jcp_pfe *pfe = c->ctx;
	const struct cfg_node *root = cfg_tree_root(cfg_daemon_active(c->d));
	const struct cfg_node *ifs = cfg_node_child(root, "interfaces", NULL, 0);
	if (want && !jcp_ops_port_exists(want)) {
		return cfg_err_set("device %s not found", want);
	}
	struct jcp_ifstate_tab *links = pfe ? jcp_ifstate_dump() : NULL;
	struct cfg_reply *r = cfg_reply_new("interface-information");
	for (size_t p = 0; p < jcp_ops_port_count(); p++) {
		const char *port = jcp_ops_port(p);
		if (want && strcmp(want, port))
			continue;
		const struct jcp_ifstate *st = jcp_ifstate_find(links, jcp_pfe_ifname(pfe, port));
		const struct cfg_node *pn = cfg_node_child(ifs, "interface", port, 0);
		struct cfg_rel *pe = cfg_rel_add(cfg_reply_root(r), "physical-interface");
		cfg_rel_leaf(pe, "name", port);
		bool admin;
		int link = port_link(pfe, port, st, &admin);
		cfg_rel_leaf(pe, "admin-status", admin ? "up" : "down");
		if (link >= 0)
			cfg_rel_leaf(pe, "oper-status", link ? "up" : "down");
		if (!terse) {
			if (st) {
				cfg_rel_leaff(pe, "local-index", "%d", st->ifindex);
				cfg_rel_leaff(pe, "snmp-index", "%d", st->ifindex);
			}
			cfg_rel_leaf(pe, "description", cfg_node_value(pn, "description", CFG_AT_ACTIVE));
			if (st) {
				cfg_rel_leaff(pe, "mtu", "%u", st->mtu + 14); /* Junos counts the Ethernet header */
				if (st->mac[0]) {
					cfg_rel_leaf(pe, "current-physical-address", st->mac);
					cfg_rel_leaf(pe, "hardware-physical-address", st->mac);
				}
			}
			cfg_rel_leaf(pe, "interface-error", pfe ? jcp_pfe_error(pfe, port) : NULL);
		}
		for (const struct cfg_node *u = pn ? pn->child : NULL; u; u = u->next) {
			if (strcmp(u->schema->name, "unit") || (u->flags & CFG_N_INACTIVE))
				continue;
			const struct cfg_node *es = eth_switching(u);
			struct cfg_rel *ue = cfg_rel_add(pe, "logical-interface");
			cfg_rel_leaff(ue, "name", "%s.%s", port, u->value);
			cfg_rel_leaf(ue, "admin-status", "up");
			if (link >= 0)
				cfg_rel_leaf(ue, "oper-status", link ? "up" : "down");
			if (!terse && (st || link >= 0) && !strcmp(u->value, "0"))
				add_stats(ue, pfe, port, st);
			if (!es)
				continue;
			cfg_rel_leaf(ue, "address-family", "eth-switch");
			cfg_rel_leaf(ue, "interface-mode", cfg_node_value(es, "interface-mode", 0));
			const struct cfg_node *vl = cfg_node_child(es, "vlan", NULL, 0);
			for (const struct cfg_node *m = vl ? vl->child : NULL; m; m = m->next)
				cfg_rel_leaf(ue, "vlan-member", m->value);
		}
	}
	jcp_ifstate_free(links);
	return cfg_reply_emit(r, &c->disp, c->out, interfaces_text, &terse);
}

/* ----------------------------------------- show ethernet-switching table */

/* The Junos (ELS) layout of `show ethernet-switching table`. */
static void eth_table_text(struct cfg_buf *out, const struct cfg_reply *r, void *arg)
{
	(void)arg;
	const struct cfg_rel *root = cfg_reply_root(r);
	cfg_buf_puts(out, "MAC flags (S - static MAC, D - dynamic MAC, L - locally learned, P - Persistent static\n"
	                  "           SE - statistics enabled, NM - non configured MAC, R - remote PE MAC, O - ovsdb MAC)\n\n\n");
	cfg_buf_printf(out, "Ethernet switching table : %s entries, %s learned\n",
	               cfg_rel_str(root, "mac-count", "0"), cfg_rel_str(root, "mac-count", "0"));
	cfg_buf_printf(out, "Routing instance : %s\n", cfg_rel_str(root, "vlan-instance", ""));
	cfg_buf_printf(out, "   %-19s %-19s %-11s %-6s %-22s %-9s %s\n", "Vlan", "MAC", "MAC", "Age", "Logical", "NH",
	               "RTR");
	cfg_buf_printf(out, "   %-19s %-19s %-11s %-6s %-22s %-9s %s\n", "name", "address", "flags", "", "interface",
	               "Index", "ID");
	for (const struct cfg_rel *e = cfg_rel_child(root, "mac-table-entry"); e; e = cfg_rel_next_same(e))
		cfg_buf_printf(out, "   %-19s %-19s %-11s %6s   %-22s %-9s %s\n", cfg_rel_str(e, "vlan-name", ""),
		               cfg_rel_str(e, "mac-address", ""), cfg_rel_str(e, "mac-flags", ""),
		               cfg_rel_str(e, "mac-age", "-"), cfg_rel_str(e, "interface-name", ""), "0", "0");
}

/* The name of the VLAN with id ID in the configuration ROOT, or NULL. */
static const char *vlan_name(const struct cfg_node *root, int id)
{
	const struct cfg_node *vlans = cfg_node_child(root, "vlans", NULL, CFG_AT_ACTIVE);
	for (const struct cfg_node *v = cfg_node_child(vlans, "vlan", NULL, CFG_AT_ACTIVE); v;
	     v = cfg_node_next_same(v, CFG_AT_ACTIVE)) {
		const char *s = cfg_node_value(v, "vlan-id", CFG_AT_ACTIVE);
		if (s && strtol(s, NULL, 10) == id)
			return v->value;
	}
	return NULL;
}

/* `show ethernet-switching table`: the MACs the PFE bridge has learned
 * (ovs-vswitchd's table, jcp_pfe_macs), by VLAN name. Empty when the
 * switch is not running. */
static int show_ethernet_switching_table(struct cfg_cmd *c)
{
	struct jcp_pfe *pfe = c->ctx;
	static struct jcp_pfe_mac macs[4096]; /* loop thread only */
	int n = pfe ? jcp_pfe_macs(pfe, macs, 4096) : 0;
	if (n < 0)
		n = 0;
	const struct cfg_node *root = cfg_tree_root(cfg_daemon_active(c->d));
	struct cfg_reply *r = cfg_reply_new("ethernet-switching-table-information");
	cfg_rel_leaf(cfg_reply_root(r), "vlan-instance", "default-switch");
	int shown = 0;
	for (int i = 0; i < n; i++)
		shown += macs[i].vlan >= 1 && macs[i].vlan <= 4094;
	cfg_rel_leaff(cfg_reply_root(r), "mac-count", "%d", shown);
	for (int i = 0; i < n; i++) {
		if (macs[i].vlan < 1 || macs[i].vlan > 4094)
			continue;
		struct cfg_rel *e = cfg_rel_add(cfg_reply_root(r), "mac-table-entry");
		const char *vn = vlan_name(root, macs[i].vlan);
		if (vn)
			cfg_rel_leaf(e, "vlan-name", vn);
		else
			cfg_rel_leaff(e, "vlan-name", "vlan-%d", macs[i].vlan);
		cfg_rel_leaf(e, "mac-address", macs[i].mac);
		cfg_rel_leaf(e, "mac-flags", "D");
		cfg_rel_leaff(e, "mac-age", "%d", macs[i].age);
		cfg_rel_leaff(e, "interface-name", "%s.0", macs[i].port);
	}
	return cfg_reply_emit(r, &c->disp, c->out, eth_table_text, NULL);
}

/* ------------------------------------------------ show chassis hardware */

static void chassis_text(struct cfg_buf *out, const struct cfg_reply *r, void *arg)
{
	(void)arg;
	const struct cfg_rel *ch = cfg_rel_child(cfg_reply_root(r), "chassis");
	cfg_buf_puts(out, "Hardware inventory:\n");
	cfg_buf_printf(out, "%-20s %s\n", "Item", "Description");
	cfg_buf_printf(out, "%-20s %s\n", cfg_rel_str(ch, "name", ""), cfg_rel_str(ch, "description", ""));
	for (const struct cfg_rel *m = cfg_rel_child(ch, "chassis-module"); m; m = cfg_rel_next_same(m))
		cfg_buf_printf(out, "  %-18s %s\n", cfg_rel_str(m, "name", ""), cfg_rel_str(m, "description", ""));
}

static int show_chassis_hardware(struct cfg_cmd *c)
{
	struct cfg_reply *r = cfg_reply_new("chassis-inventory");
	struct cfg_rel *ch = cfg_rel_add(cfg_reply_root(r), "chassis");
	cfg_rel_leaf(ch, "name", "Chassis");
	cfg_rel_leaf(ch, "description", "nfx (NFX250-style branch appliance)");
	for (size_t g = 0; g < NGROUPS; g++) {
		struct cfg_rel *m = cfg_rel_add(ch, "chassis-module");
		cfg_rel_leaff(m, "name", "PIC %zu", g);
		cfg_rel_leaff(m, "description", "%s (%s%d..%d)", GROUPS[g].what, GROUPS[g].pfx, GROUPS[g].lo,
		              GROUPS[g].hi);
	}
	return cfg_reply_emit(r, &c->disp, c->out, chassis_text, NULL);
}

int jcp_ops_set_pfe(struct cfg_daemon *d, struct jcp_pfe *pfe)
{
	if (cfg_daemon_register_ctx(d, "show_interfaces", show_interfaces, pfe) < 0 ||
	    cfg_daemon_register_ctx(d, "show_vlans", show_vlans, pfe) < 0 ||
	    cfg_daemon_register_ctx(d, "show_ethernet_switching_table", show_ethernet_switching_table, pfe) < 0)
		return -1;
	return 0;
}

int jcp_ops_register(struct cfg_daemon *d)
{
	if (cfg_daemon_register(d, "show_vlans", show_vlans) < 0 ||
	    cfg_daemon_register(d, "show_interfaces", show_interfaces) < 0 ||
	    cfg_daemon_register(d, "show_ethernet_switching_table", show_ethernet_switching_table) < 0 ||
	    cfg_daemon_register(d, "show_chassis_hardware", show_chassis_hardware) < 0)
		return -1;
	return 0;
}
