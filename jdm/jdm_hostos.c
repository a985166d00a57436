/* jdm_hostos — host-os operational commands. See jdm_hostos.h. */
#include "jdm_hostos.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_reply.h"
#include "jdm_vswcfg.h"

static jdm_hostos_port_error_fn port_error_fn;
static void *port_error_ctx;

void jdm_hostos_set_port_errors(jdm_hostos_port_error_fn fn, void *ctx)
{
	port_error_fn = fn;
	port_error_ctx = ctx;
}

static void add_error(struct cfg_rel *e, const char *port)
{
	const char *err = port_error_fn ? port_error_fn(port_error_ctx, port) : NULL;
	if (err && *err)
		cfg_rel_leaf(e, "error", err);
}

static void host_vlans_text(struct cfg_buf *out, const struct cfg_reply *r, void *arg)
{
	(void)arg;
	cfg_buf_printf(out, "%-32s %-8s %s\n", "VLAN Name", "VLAN ID", "Member ports");
	for (const struct cfg_rel *v = cfg_rel_child(cfg_reply_root(r), "vlan"); v; v = cfg_rel_next_same(v)) {
		cfg_buf_printf(out, "%-32s %-8s", cfg_rel_str(v, "vlan-name", ""), cfg_rel_str(v, "vlan-id", "-"));
		bool first = true;
		for (const struct cfg_rel *m = cfg_rel_child(v, "member"); m; m = cfg_rel_next_same(m)) {
			const char *vnf = cfg_rel_value(m, "vnf-name");
			char who[96];
			if (vnf)
				snprintf(who, sizeof who, "%s %s, %s", vnf, cfg_rel_str(m, "interface-name", ""),
				         cfg_rel_str(m, "mode", ""));
			else
				snprintf(who, sizeof who, "uplink %s, %s", cfg_rel_str(m, "interface-name", ""),
				         cfg_rel_str(m, "mode", ""));
			const char *ln = cfg_rel_value(m, "long-name");
			const char *err = cfg_rel_value(m, "error");
			cfg_buf_printf(out, "%*s%s%s%s (%s)%s%s\n", first ? 1 : 42, "",
			               cfg_rel_str(m, "port-name", ""), ln ? " = " : "", ln ? ln : "", who,
			               err ? " error: " : "", err ? err : "");
			first = false;
		}
		if (first)
			cfg_buf_puts(out, "\n");
	}
}

/* `show host-os vlans`: the VLANs of the host-os switch and the ports of
 * ovs-sys-br that carry each (active config). */
static int show_host_vlans(struct cfg_cmd *c)
{
	const struct cfg_tree *t = cfg_daemon_active(c->d);
	struct cfg_reply *r = cfg_reply_new("host-os-vlan-information");
	struct jdm_vswcfg sw;
	bool have = jdm_vswcfg_build(t, NULL, &sw) == 0;
	struct cfg_node *vl = cfg_tree_at(t, NULL, "host-os vlans", CFG_AT_ACTIVE);
	for (struct cfg_node *v = cfg_node_child(vl, "vlan", NULL, CFG_AT_ACTIVE); v;
	     v = cfg_node_next_same(v, CFG_AT_ACTIVE)) {
		struct cfg_rel *e = cfg_rel_add(cfg_reply_root(r), "vlan");
		const char *id = cfg_node_value(v, "vlan-id", CFG_AT_ACTIVE);
		cfg_rel_leaf(e, "vlan-name", v->value);
		cfg_rel_leaf(e, "vlan-id", id);
		for (size_t i = 0; have && id && i < sw.n; i++) {
			const struct jdm_vswcfg_port *p = &sw.ports[i];
			if (!jdm_vswcfg_port_carries(p, atoi(id)))
				continue;
			struct cfg_rel *m = cfg_rel_add(e, "member");
			cfg_rel_leaf(m, "port-name", p->name);
			if (p->shortened)
				cfg_rel_leaf(m, "long-name", p->long_name);
			if (p->vnf)
				cfg_rel_leaf(m, "vnf-name", p->vnf);
			cfg_rel_leaf(m, "interface-name", p->ifname);
			cfg_rel_leaf(m, "mode", strcmp(p->vlan_mode, "access") ? "trunk" : "access");
			add_error(m, p->name);
		}
	}
	if (have)
		jdm_vswcfg_free(&sw);
	return cfg_reply_emit(r, &c->disp, c->out, host_vlans_text, NULL);
}

void jdm_hostos_visibility(const struct cfg_tree *t, const struct cfg_node *vnf, struct cfg_rel *e)
{
	struct jdm_vswcfg_port ps[32];
	size_t n = jdm_vswcfg_vnf_ports(t, vnf, ps, 32);
	bool dpdk = jdm_vswcfg_is_dpdk(t);
	for (size_t i = 0; i < n; i++) {
		struct cfg_rel *f = cfg_rel_add(e, "data-interface");
		char vl[256];
		jdm_vswcfg_port_vlans(&ps[i], vl, sizeof vl);
		cfg_rel_leaf(f, "interface-name", ps[i].ifname);
		cfg_rel_leaf(f, "device", ps[i].name);
		if (ps[i].shortened)
			cfg_rel_leaf(f, "long-name", ps[i].long_name);
		cfg_rel_leaf(f, "type", dpdk ? "vhostuser" : "ethernet");
		cfg_rel_leaf(f, "source", JDM_VSWCFG_BRIDGE);
		cfg_rel_leaf(f, "model", "virtio");
		cfg_rel_leaf(f, "mac-address", ps[i].mac);
		cfg_rel_leaf(f, "vlans", vl);
		add_error(f, ps[i].name);
	}
	jdm_vswcfg_ports_release(ps, n);
}

void jdm_hostos_visibility_text(struct cfg_buf *out, const struct cfg_reply *rep)
{
	bool any = false;
	for (const struct cfg_rel *e = cfg_rel_child(cfg_reply_root(rep), "vnf"); e && !any;
	     e = cfg_rel_next_same(e))
		any = cfg_rel_child(e, "data-interface") != NULL;
	if (!any)
		return;
	/* the columns of "VNF Interfaces", the device as wide as a port name */
	cfg_buf_puts(out, "\nVNF Data Interfaces\n");
	static const unsigned w[] = {20, 15, 9, 12, 10, 17, 12};
	unsigned total = 0;
	for (size_t k = 0; k < sizeof w / sizeof w[0]; k++)
		total += w[k] + (k ? 1 : 0);
	for (unsigned k = 0; k < total; k++)
		cfg_buf_putc(out, '-');
	cfg_buf_printf(out, "\n%-20s %-15s %-9s %-12s %-10s %-17s %s\n", "VNF", "Interface", "Type",
	               "Source", "Model", "MAC", "VLANs");
	for (size_t k = 0; k < sizeof w / sizeof w[0]; k++) {
		if (k)
			cfg_buf_putc(out, ' ');
		for (unsigned j = 0; j < w[k]; j++)
			cfg_buf_putc(out, '-');
	}
	cfg_buf_putc(out, '\n');
	for (const struct cfg_rel *e = cfg_rel_child(cfg_reply_root(rep), "vnf"); e; e = cfg_rel_next_same(e))
		for (const struct cfg_rel *f = cfg_rel_child(e, "data-interface"); f; f = cfg_rel_next_same(f)) {
			const char *ln = cfg_rel_value(f, "long-name");
			const char *err = cfg_rel_value(f, "error");
			cfg_buf_printf(out, "%-20s %-15s %-9s %-12s %-10s %-17s %s%s%s%s%s\n",
			               cfg_rel_str(e, "vnf-name", "-"), cfg_rel_str(f, "device", "-"),
			               cfg_rel_str(f, "type", "-"), cfg_rel_str(f, "source", "-"),
			               cfg_rel_str(f, "model", "-"), cfg_rel_str(f, "mac-address", "-"),
			               cfg_rel_str(f, "vlans", "-"), ln ? "  port of " : "", ln ? ln : "",
			               err ? "  error: " : "", err ? err : "");
		}
}

int jdm_hostos_register(struct cfg_daemon *d)
{
	return cfg_daemon_register(d, "show_host_vlans", show_host_vlans);
}
