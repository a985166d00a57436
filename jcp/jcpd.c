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

static const struct cfg_node *child_named(const struct cfg_node *n, const char *name, const char *v)
{
	for (const struct cfg_node *c = n ? n->child : NULL; c; c = c->next)
		if (c->schema && !strcmp(c->schema->name, name) && (!v || (c->value && !strcmp(c->value, v))))
			return c;
	return NULL;
}

/* Is NAME one of the ports of the box? */
static bool port_exists(const char *name)
{
	static const struct { const char *pfx; long lo, hi; } ports[] = {
		{"ge-0/0/", 0, 11}, {"xe-0/0/", 12, 13}, {"sxe-0/0/", 0, 1},
	};
	for (size_t i = 0; i < sizeof ports / sizeof *ports; i++) {
		size_t pl = strlen(ports[i].pfx);
		if (strncmp(name, ports[i].pfx, pl))
			continue;
		const char *num = name + pl;
		if (!*num || strlen(num) > 2 || (num[0] == '0' && num[1]))
			return false;
		char *end;
		long n = strtol(num, &end, 10);
		return !*end && n >= ports[i].lo && n <= ports[i].hi;
	}
	return false;
}

/* The VLAN id a `vlan members` value stands for (a VLAN name, or a number). */
static long member_vlan_id(const struct cfg_node *root, const char *member)
{
	const struct cfg_node *v = child_named(child_named(root, "vlans", NULL), "vlan", member);
	if (v) {
		const struct cfg_node *id = child_named(v, "vlan-id", NULL);
		return id && id->value ? strtol(id->value, NULL, 10) : -1;
	}
	char *end;
	long n = strtol(member, &end, 10);
	return *member && !*end && n >= 1 && n <= 4094 ? n : -1;
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
		long id = member_vlan_id(root, x->value);
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
		if (!strcmp(i->schema->name, "interface") && i->value && !port_exists(i->value))
			cfg_findings_add(fs, i, NULL,
			                 "interface %s does not exist (ge-0/0/0..11, xe-0/0/12..13, sxe-0/0/0..1)",
			                 i->value);

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

/* The ports of the box, in order. */
static const char *const PORTS[] = {
	"ge-0/0/0", "ge-0/0/1", "ge-0/0/2", "ge-0/0/3", "ge-0/0/4", "ge-0/0/5", "ge-0/0/6",
	"ge-0/0/7", "ge-0/0/8", "ge-0/0/9", "ge-0/0/10", "ge-0/0/11", "xe-0/0/12", "xe-0/0/13",
	"sxe-0/0/0", "sxe-0/0/1",
};

/* The ethernet-switching of UNIT, or NULL. */
static const struct cfg_node *eth_switching(const struct cfg_node *unit)
{
	return child_named(child_named(unit, "family", NULL), "ethernet-switching", NULL);
}

/* `show vlans`: each VLAN with its tag and member interfaces (committed). */
static int show_vlans(struct cfg_cmd *c)
{
	const struct cfg_node *root = cfg_tree_root(cfg_daemon_active(c->d));
	const struct cfg_node *ifs = child_named(root, "interfaces", NULL);
	cfg_buf_printf(c->out, "%-23s %-21s %-12s %s\n", "Routing instance", "VLAN name", "Tag", "Interfaces");
	for (const struct cfg_node *v = child_named(root, "vlans", NULL) ? child_named(root, "vlans", NULL)->child
	                                                                : NULL;
	     v; v = v->next) {
		if (!v->value || (v->flags & CFG_N_INACTIVE))
			continue;
		const struct cfg_node *id = child_named(v, "vlan-id", NULL);
		cfg_buf_printf(c->out, "%-23s %-21s %s\n", "default-switch", v->value, id && id->value ? id->value : "");
		for (const struct cfg_node *i = ifs ? ifs->child : NULL; i; i = i->next)
			for (const struct cfg_node *u = i->child; u; u = u->next) {
				if (strcmp(u->schema->name, "unit") || (u->flags & CFG_N_INACTIVE))
					continue;
				const struct cfg_node *es = eth_switching(u);
				const struct cfg_node *vl = child_named(es, "vlan", NULL);
				for (const struct cfg_node *m = vl ? vl->child : NULL; m; m = m->next)
					if (m->value && member_vlan_id(root, m->value) == (id && id->value ? strtol(id->value, NULL, 10) : -1)) {
						char name[96];
						snprintf(name, sizeof name, "%s.%s", i->value, u->value);
						cfg_buf_printf(c->out, "%-59s%s\n", "", name);
					}
			}
	}
	return 0;
}

/* `show interfaces [NAME] [terse]`: the ports and their configured units. */
static int show_interfaces(struct cfg_cmd *c)
{
	const char *want = NULL;
	bool terse = false;
	for (size_t i = 0; i < c->p->n; i++) {
		if (!strcmp(c->p->steps[i].schema->name, "name"))
			want = c->p->steps[i].value;
		if (!strcmp(c->p->steps[i].schema->name, "terse"))
			terse = true;
	}
	const struct cfg_node *root = cfg_tree_root(cfg_daemon_active(c->d));
	const struct cfg_node *ifs = child_named(root, "interfaces", NULL);
	if (want && !port_exists(want)) {
		cfg_buf_printf(c->out, "error: device %s not found\n", want);
		return -1;
	}
	if (terse)
		cfg_buf_printf(c->out, "%-23s %-5s %-4s %s\n", "Interface", "Admin", "Link", "Proto");
	for (size_t p = 0; p < sizeof PORTS / sizeof *PORTS; p++) {
		if (want && strcmp(want, PORTS[p]))
			continue;
		const struct cfg_node *port = child_named(ifs, "interface", PORTS[p]);
		if (terse)
			cfg_buf_printf(c->out, "%-23s %-5s %s\n", PORTS[p], "up", "-");
		else
			cfg_buf_printf(c->out, "Physical interface: %s, Enabled, Physical link is %s\n", PORTS[p],
			               "not reported by this release");
		for (const struct cfg_node *u = port ? port->child : NULL; u; u = u->next) {
			if (strcmp(u->schema->name, "unit") || (u->flags & CFG_N_INACTIVE))
				continue;
			const struct cfg_node *es = eth_switching(u);
			char name[96];
			snprintf(name, sizeof name, "%s.%s", PORTS[p], u->value);
			if (terse) {
				cfg_buf_printf(c->out, "%-23s %-5s %-4s %s\n", name, "up", "-", es ? "eth-switch" : "");
				continue;
			}
			const struct cfg_node *mode = child_named(es, "interface-mode", NULL);
			cfg_buf_printf(c->out, "  Logical interface %s\n", name);
			if (es) {
				cfg_buf_printf(c->out, "    Protocol eth-switch, Interface mode: %s, VLANs:",
				               mode && mode->value ? mode->value : "access");
				const struct cfg_node *vl = child_named(es, "vlan", NULL);
				for (const struct cfg_node *m = vl ? vl->child : NULL; m; m = m->next)
					if (m->value)
						cfg_buf_printf(c->out, " %s", m->value);
				cfg_buf_putc(c->out, '\n');
			}
		}
	}
	return 0;
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
	cfg_daemon_register(d, "show_vlans", show_vlans);
	cfg_daemon_register(d, "show_interfaces", show_interfaces);
	struct cfg_hooks h = {.ctx = d, .validate = jcp_validate};
	cfg_daemon_set_hooks(d, &h);
	int rc = cfg_daemon_run(d);
	if (rc < 0)
		fprintf(stderr, "jcpd: %s\n", cfg_err_msg());
	cfg_daemon_free(d);
	return rc < 0 ? 1 : 0;
}
