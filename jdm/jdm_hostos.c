/* jdm_hostos — host-os operational commands. See jdm_hostos.h. */
#include "jdm_hostos.h"

#include "cfg_reply.h"

static void host_vlans_text(struct cfg_buf *out, const struct cfg_reply *r, void *arg)
{
	(void)arg;
	cfg_buf_printf(out, "%-32s %s\n", "VLAN Name", "VLAN ID");
	for (const struct cfg_rel *v = cfg_rel_child(cfg_reply_root(r), "vlan"); v; v = cfg_rel_next_same(v))
		cfg_buf_printf(out, "%-32s %s\n", cfg_rel_str(v, "vlan-name", ""), cfg_rel_str(v, "vlan-id", "-"));
}

/* `show host-os vlans`: the VLANs of the host-os switch (active config). */
static int show_host_vlans(struct cfg_cmd *c)
{
	const struct cfg_tree *t = cfg_daemon_active(c->d);
	struct cfg_reply *r = cfg_reply_new("host-os-vlan-information");
	struct cfg_node *vl = cfg_tree_at(t, NULL, "host-os vlans", CFG_AT_ACTIVE);
	for (struct cfg_node *v = cfg_node_child(vl, "vlan", NULL, CFG_AT_ACTIVE); v;
	     v = cfg_node_next_same(v, CFG_AT_ACTIVE)) {
		struct cfg_rel *e = cfg_rel_add(cfg_reply_root(r), "vlan");
		cfg_rel_leaf(e, "vlan-name", v->value);
		cfg_rel_leaf(e, "vlan-id", cfg_node_value(v, "vlan-id", CFG_AT_ACTIVE));
	}
	return cfg_reply_emit(r, &c->disp, c->out, host_vlans_text, NULL);
}

int jdm_hostos_register(struct cfg_daemon *d)
{
	return cfg_daemon_register(d, "show_host_vlans", show_host_vlans);
}
