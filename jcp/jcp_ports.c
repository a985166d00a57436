/* jcp_ports — see jcp_ports.h. */
#include "jcp_ports.h"

#include <stdbool.h>
#include <string.h>

#include "jcp_ops.h"

#define A CFG_AT_ACTIVE

struct unitvlans {
	const char *unit;
	long ids[4096];
	size_t n;
};

/* The VLAN ids a unit's `family ethernet-switching vlan members` name. */
static void collect(const struct cfg_node *root, const struct cfg_node *unit, struct unitvlans *u)
{
	u->unit = unit->value;
	u->n = 0;
	const struct cfg_node *vl =
	    cfg_node_child(cfg_node_child(cfg_node_child(unit, "family", NULL, A), "ethernet-switching", NULL, A),
	                   "vlan", NULL, A);
	for (const struct cfg_node *m = cfg_node_child(vl, "members", NULL, A); m; m = cfg_node_next_same(m, A)) {
		long id = m->value ? jcp_ops_vlan_id(root, m->value) : -1;
		if (id > 0 && u->n < 4096)
			u->ids[u->n++] = id;
	}
}

static void ports_validate(void *ctx, const struct cfg_tree *t, const struct cfg_diff *diff,
                           struct cfg_findings *fs)
{
	(void)ctx;
	(void)diff;
	const struct cfg_node *root = cfg_tree_root(t);
	const struct cfg_node *ifs = cfg_node_child(root, "interfaces", NULL, A);
	for (const struct cfg_node *i = cfg_node_child(ifs, "interface", NULL, A); i; i = cfg_node_next_same(i, A))
		if (i->value && !jcp_ops_port_exists(i->value))
			cfg_findings_add(fs, i, NULL, "interface %s does not exist (%s)", i->value,
			                 jcp_ops_port_ranges());

	/* what the PFE switch can realise: ethernet-switching on unit 0, an
	 * access port in one VLAN */
	for (const struct cfg_node *i = cfg_node_child(ifs, "interface", NULL, A); i; i = cfg_node_next_same(i, A))
		for (const struct cfg_node *u = cfg_node_child(i, "unit", NULL, A); u; u = cfg_node_next_same(u, A)) {
			const struct cfg_node *es =
			    cfg_node_child(cfg_node_child(u, "family", NULL, A), "ethernet-switching", NULL, A);
			if (!es)
				continue;
			if (strcmp(u->value ? u->value : "", "0")) {
				cfg_findings_add(fs, u, "'family ethernet-switching'",
				                 "family ethernet-switching is supported on unit 0 only (%s.%s)", i->value,
				                 u->value);
				continue;
			}
			const char *mode = cfg_node_value(es, "interface-mode", A);
			if (mode && !strcmp(mode, "trunk"))
				continue;
			static struct unitvlans uv; /* loop thread only */
			collect(root, u, &uv);
			size_t distinct = 0;
			for (size_t k = 0; k < uv.n; k++) {
				bool dup = false;
				for (size_t j = 0; j < k && !dup; j++)
					dup = uv.ids[j] == uv.ids[k];
				distinct += !dup;
			}
			if (distinct > 1)
				cfg_findings_add(fs, es, "'vlan'",
				                 "Access interface %s.%s can be a member of one VLAN only "
				                 "(interface-mode trunk carries several)",
				                 i->value, u->value);
		}

	const struct cfg_node *a = cfg_node_child(ifs, "interface", "sxe-0/0/0", A);
	const struct cfg_node *b = cfg_node_child(ifs, "interface", "sxe-0/0/1", A);
	if (!a || !b)
		return;
	static struct unitvlans ua, ub; /* validate runs on the loop thread only */
	for (const struct cfg_node *x = cfg_node_child(a, "unit", NULL, A); x; x = cfg_node_next_same(x, A)) {
		collect(root, x, &ua);
		for (const struct cfg_node *y = cfg_node_child(b, "unit", NULL, A); y; y = cfg_node_next_same(y, A)) {
			collect(root, y, &ub);
			for (size_t k = 0; k < ua.n; k++) {
				bool dup = false;
				for (size_t j = 0; j < k && !dup; j++)
					dup = ua.ids[j] == ua.ids[k];
				if (dup)
					continue;
				for (size_t j = 0; j < ub.n; j++)
					if (ub.ids[j] == ua.ids[k]) {
						cfg_findings_add_line(fs,
						    "sxe interfaces (sxe-0/0/0.%s and sxe-0/0/1.%s) cannot have same vlan member (%ld)",
						    ua.unit, ub.unit, ua.ids[k]);
						break;
					}
			}
		}
	}
}

static const char *const ports_owns[] = {"interfaces", NULL};
static const char *const ports_reads[] = {"vlans", NULL};

const struct cfg_subsys jcp_ports_row = {
	.name = "ports", .order = 10, .owns = ports_owns, .reads = ports_reads,
	.validate = ports_validate,
};
