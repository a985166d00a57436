/* jdmd — the JDM device manager daemon.
 *
 * For now: the configuration database and CLI of the JDM (cfg_daemon) and
 * the JDM operational commands that need no hypervisor. The VNF, OVS,
 * SR-IOV and IPsec features come later; their commands answer "command is
 * not available in this release" until their handlers are registered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_daemon.h"
#include "cfg_err.h"
#include "cfg_schema_data.h"
#include "cfg_session.h"

static const struct cfg_node *child_named(const struct cfg_node *n, const char *name)
{
	for (const struct cfg_node *c = n ? n->child : NULL; c; c = c->next)
		if (c->schema && !strcmp(c->schema->name, name) && !(c->flags & CFG_N_INACTIVE))
			return c;
	return NULL;
}

/* `show host-os vlans`: the VLANs of the host-os switch (active config). */
static int show_host_vlans(struct cfg_cmd *c)
{
	const struct cfg_node *hv = child_named(cfg_tree_root(cfg_daemon_active(c->d)), "host-os");
	hv = child_named(hv, "vlans");
	cfg_buf_printf(c->out, "%-32s %s\n", "VLAN Name", "VLAN ID");
	for (const struct cfg_node *v = hv ? hv->child : NULL; v; v = v->next) {
		if (strcmp(v->schema->name, "vlan") || !v->value || (v->flags & CFG_N_INACTIVE))
			continue;
		const struct cfg_node *id = child_named(v, "vlan-id");
		cfg_buf_printf(c->out, "%-32s %s\n", v->value, id && id->value ? id->value : "-");
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct cfg_daemon_opts o = {
		.name = "jdm",
		.default_host = "jdm",
		.schema_xml = cfg_schema_jdm, .schema_len = cfg_schema_jdm_len,
		.ops_xml = cfg_schema_ops_jdm, .ops_len = cfg_schema_ops_jdm_len,
		.cfgmode_xml = cfg_schema_cfgmode, .cfgmode_len = cfg_schema_cfgmode_len,
	};
	if (cfg_daemon_parse_args(argc, argv, &o) < 0)
		return 2;
	struct cfg_daemon *d = cfg_daemon_new(&o);
	if (!d) {
		fprintf(stderr, "jdmd: %s\n", cfg_err_msg());
		return 1;
	}
	cfg_daemon_register(d, "show_host_vlans", show_host_vlans);
	int rc = cfg_daemon_run(d);
	if (rc < 0)
		fprintf(stderr, "jdmd: %s\n", cfg_err_msg());
	cfg_daemon_free(d);
	return rc < 0 ? 1 : 0;
}
