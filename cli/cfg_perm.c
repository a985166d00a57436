/* cfg_perm — see cfg_perm.h. */
#include "cfg_perm.h"

#include <stdio.h>
#include <string.h>

#include "cfg_err.h"

/* The permissions nfx knows: Junos's names, those that mean something on
 * this box. The order is the bit order (and the order of the docs table). */
static const struct {
	const char *name, *help; /* help: as `show cli authorization` says it */
} perms[] = {
	{"admin", "Can view user accounts"},
	{"admin-control", "Can modify user accounts"},
	{"clear", "Can clear learned network information and statistics"},
	{"configure", "Can enter configuration mode and commit"},
	{"control", "Can modify any configuration"},
	{"field", "Can use field debug commands"},
	{"interface", "Can view interface and VLAN configuration"},
	{"interface-control", "Can modify interface and VLAN configuration"},
	{"maintenance", "Can reboot the system, use VNF consoles and file commands"},
	{"network", "Can access the network (ping, ssh)"},
	{"reset", "Can start, stop and restart VNFs"},
	{"rollback", "Can roll back to previous configurations"},
	{"secret", "Can view secret statements (password hashes, keys)"},
	{"secret-control", "Can modify secret statements"},
	{"security", "Can view security configuration"},
	{"security-control", "Can modify security configuration"},
	{"shell", "Can start a local shell"},
	{"snmp", "Can view SNMP configuration"},
	{"snmp-control", "Can modify SNMP configuration"},
	{"system", "Can view system configuration"},
	{"system-control", "Can modify system configuration and VNFs"},
	{"trace", "Can view trace file settings"},
	{"trace-control", "Can modify trace file settings"},
	{"view", "Can view current values, statistics and the configuration"},
	{"view-configuration", "Can view all configuration (not secrets)"},
};
#define NPERM (sizeof perms / sizeof *perms)

_Static_assert(NPERM <= 64, "cfg_perms holds at most 64 permissions");

const char *cfg_perm_name(unsigned i) { return i < NPERM ? perms[i].name : NULL; }
const char *cfg_perm_help(unsigned i) { return i < NPERM ? perms[i].help : NULL; }

cfg_perms cfg_perm_all(void) { return NPERM == 64 ? ~(cfg_perms)0 : (((cfg_perms)1 << NPERM) - 1); }

int cfg_perm_lookup(const char *name, cfg_perms *bit)
{
	if (!strcmp(name, "none")) {
		*bit = 0;
		return 0;
	}
	if (!strcmp(name, "all")) {
		*bit = cfg_perm_all();
		return 0;
	}
	for (unsigned i = 0; i < NPERM; i++)
		if (!strcmp(name, perms[i].name)) {
			*bit = (cfg_perms)1 << i;
			return 0;
		}
	return cfg_err_set("unknown permission '%s'", name);
}

static cfg_perms bit(const char *name)
{
	cfg_perms b = 0;
	return cfg_perm_lookup(name, &b) == 0 ? b : 0;
}

/* ---------------------------------------------------------------- classes
 * THE class table (docs/PERMISSIONS.md shows the same). */
static const struct {
	enum cfg_class c;
	const char *name;
	const char *perms; /* space-separated, "all", or "" */
} classes[] = {
	{CFG_CLASS_UNAUTHORIZED, "unauthorized", ""},
	{CFG_CLASS_READ_ONLY, "read-only", "view"},
	{CFG_CLASS_OPERATOR, "operator", "clear network reset trace view"},
	{CFG_CLASS_SUPER, "super-user", "all"},
	{CFG_CLASS_ZTP, "ztp", "configure control secret view view-configuration"},
};

cfg_perms cfg_perm_class(enum cfg_class c)
{
	for (size_t i = 0; i < sizeof classes / sizeof *classes; i++) {
		if (classes[i].c != c)
			continue;
		cfg_perms p = 0;
		char w[32];
		for (const char *s = classes[i].perms; *s;) {
			size_t l = strcspn(s, " ");
			if (l && l < sizeof w) {
				memcpy(w, s, l);
				w[l] = 0;
				p |= bit(w);
			}
			s += l;
			s += strspn(s, " ");
		}
		return p;
	}
	return 0;
}

const char *cfg_perm_class_name(enum cfg_class c)
{
	for (size_t i = 0; i < sizeof classes / sizeof *classes; i++)
		if (classes[i].c == c)
			return classes[i].name;
	return NULL;
}

enum cfg_class cfg_perm_class_lookup(const char *name)
{
	for (size_t i = 0; name && i < sizeof classes / sizeof *classes; i++)
		if (!strcmp(classes[i].name, name))
			return classes[i].c;
	return CFG_CLASS_NONE;
}

const char *cfg_perm_format(cfg_perms p, char *buf, size_t n)
{
	if (!n)
		return buf;
	buf[0] = 0;
	if (p == cfg_perm_all()) {
		snprintf(buf, n, "all");
		return buf;
	}
	if (!p) {
		snprintf(buf, n, "none");
		return buf;
	}
	size_t len = 0;
	for (unsigned i = 0; i < NPERM && len < n; i++)
		if (p & ((cfg_perms)1 << i)) {
			int k = snprintf(buf + len, n - len, "%s%s", len ? " " : "", perms[i].name);
			if (k < 0)
				break;
			len += (size_t)k;
		}
	return buf;
}

/* ------------------------------------------------------------- the schema */

const char *cfg_perm_declared(const struct cfg_schema *s)
{
	for (; s; s = s->parent)
		if (s->perm)
			return s->perm;
	return NULL;
}

/* P holds the permission named NAME (NULL: declared nowhere, default deny). */
static bool holds(cfg_perms p, const char *name)
{
	if (p == cfg_perm_all())
		return true;
	if (!name)
		return false;
	cfg_perms b;
	if (cfg_perm_lookup(name, &b) < 0)
		return false;
	return (p & b) == b;
}

bool cfg_perm_may_run(cfg_perms p, const struct cfg_schema *s)
{
	return holds(p, cfg_perm_declared(s));
}

bool cfg_perm_may_reach(cfg_perms p, const struct cfg_schema *s)
{
	if (s->handler && cfg_perm_may_run(p, s))
		return true;
	if (s->kind != CFG_CONTAINER && s->kind != CFG_LIST)
		return cfg_perm_may_run(p, s); /* an argument: as its command */
	for (size_t i = 0; i < s->n_children; i++) {
		const struct cfg_schema *c = s->children[i];
		if ((c->kind == CFG_CONTAINER || c->kind == CFG_LIST) && cfg_perm_may_reach(p, c))
			return true;
	}
	return false;
}

/* FAMILY-control */
static bool holds_control(cfg_perms p, const char *family)
{
	if (!family)
		return p == cfg_perm_all();
	char n[64];
	if (snprintf(n, sizeof n, "%s-control", family) >= (int)sizeof n)
		return false;
	cfg_perms b;
	if (cfg_perm_lookup(n, &b) < 0)
		return false; /* no such family */
	return holds(p, n) || holds(p, "control"); /* control: every -control */
}

bool cfg_perm_may_view(cfg_perms p, const struct cfg_schema *s)
{
	if (p == cfg_perm_all())
		return true;
	const char *f = cfg_perm_declared(s);
	if (!f)
		return false;
	return holds(p, "view") || holds(p, "view-configuration") || holds(p, f) ||
	       holds_control(p, f);
}

bool cfg_perm_may_edit(cfg_perms p, const struct cfg_schema *s)
{
	if (p == cfg_perm_all())
		return true;
	return holds(p, "configure") && holds_control(p, cfg_perm_declared(s));
}

bool cfg_perm_may_edit_tree(cfg_perms p, const struct cfg_schema *s)
{
	if (p == cfg_perm_all())
		return true;
	if (s->parent && !cfg_perm_may_edit(p, s))
		return false;
	for (size_t i = 0; i < s->n_children; i++)
		if (!cfg_perm_may_edit_tree(p, s->children[i]))
			return false;
	return true;
}
