/* jcpd — the JCP control-plane daemon (the vjunos0 switch of the NFX250).
 *
 * The configuration database and CLI of the JCP (cfg_daemon) with the JCP's
 * own commit checks: only the NFX250 front-panel and internal ports exist
 * (ge-0/0/0..11, xe-0/0/12..13, sxe-0/0/0..1), and the two sxe ports may not
 * carry the same VLAN (that would loop hsxe0 and hsxe1 through the host):
 *
 *   error: sxe interfaces (sxe-0/0/0.0 and sxe-0/0/1.0) cannot have same vlan member (1100)
 *   error: configuration check-out failed
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_commit.h"
#include "cfg_daemon.h"
#include "cfg_err.h"
#include "cfg_schema_data.h"
#include "jcp_ops.h"

static const struct cfg_node *child_named(const struct cfg_node *n, const char *name, const char *v)
{
	for (const struct cfg_node *c = n ? n->child : NULL; c; c = c->next)
		if (c->schema && !strcmp(c->schema->name, name) && (!v || (c->value && !strcmp(c->value, v))))
			return c;
	return NULL;
}

struct unitvlans {
	const char *unit;
	long ids[4096];
	size_t n;
};

static void collect(const struct cfg_node *root, const struct cfg_node *unit, struct unitvlans *u)
{
	u->unit = unit->value;
	u->n = 0;
	const struct cfg_node *m = child_named(unit, "family", NULL);
	m = child_named(m, "ethernet-switching", NULL);
	m = child_named(m, "vlan", NULL);
	for (const struct cfg_node *x = m ? m->child : NULL; x; x = x->next) {
		if (strcmp(x->schema->name, "members") || !x->value)
			continue;
		long id = jcp_ops_vlan_id(root, x->value);
		if (id > 0 && u->n < 4096)
			u->ids[u->n++] = id;
	}
}

static void jcp_validate(void *ctx, const struct cfg_tree *t, struct cfg_findings *fs)
{
	(void)ctx;
	const struct cfg_node *root = cfg_tree_root(t);
	const struct cfg_node *ifs = child_named(root, "interfaces", NULL);
	for (const struct cfg_node *i = ifs ? ifs->child : NULL; i; i = i->next)
		if (!strcmp(i->schema->name, "interface") && i->value && !jcp_ops_port_exists(i->value))
			cfg_findings_add(fs, i, NULL, "interface %s does not exist (%s)", i->value,
			                 jcp_ops_port_ranges());

	const struct cfg_node *a = child_named(ifs, "interface", "sxe-0/0/0");
	const struct cfg_node *b = child_named(ifs, "interface", "sxe-0/0/1");
	if (!a || !b)
		return;
	static struct unitvlans ua, ub;
	for (const struct cfg_node *x = a->child; x; x = x->next) {
		if (strcmp(x->schema->name, "unit") || !x->value)
			continue;
		collect(root, x, &ua);
		for (const struct cfg_node *y = b->child; y; y = y->next) {
			if (strcmp(y->schema->name, "unit") || !y->value)
				continue;
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

int main(int argc, char **argv)
{
	struct cfg_daemon_opts o = {
		.name = "jcp",
		.default_host = NULL, /* `root> ` as on the vjunos0 console */
		.schema_xml = cfg_schema_jcp, .schema_len = cfg_schema_jcp_len,
		.ops_xml = cfg_schema_ops_jcp, .ops_len = cfg_schema_ops_jcp_len,
		.cfgmode_xml = cfg_schema_cfgmode, .cfgmode_len = cfg_schema_cfgmode_len,
		.commit_says_check = true,
	};
	if (cfg_daemon_parse_args(argc, argv, &o) < 0)
		return 2;
	struct cfg_daemon *d = cfg_daemon_new(&o);
	if (!d) {
		fprintf(stderr, "jcpd: %s\n", cfg_err_msg());
		return 1;
	}
	jcp_ops_register(d);
	struct cfg_hooks h = {.ctx = d, .validate = jcp_validate};
	cfg_daemon_set_hooks(d, &h);
	int rc = cfg_daemon_run(d);
	if (rc < 0)
		fprintf(stderr, "jcpd: %s\n", cfg_err_msg());
	cfg_daemon_free(d);
	return rc < 0 ? 1 : 0;
}
