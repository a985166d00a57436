/* cfg_perm — see cfg_perm.h. */
#include "cfg_perm.h"

#include <stdio.h>
#include <string.h>

#include "cfg_err.h"

/* The permissions nfx knows: Junos's names, those that mean something on
 * this box. The order is the bit order (and the order of the docs table). */
static const char *const perm_names[] = {
	"admin",            /* see user accounts (system login) */
	"admin-control",    /* change user accounts */
	"clear",            /* clear (reset) learned state and statistics */
	"configure",        /* enter configuration mode, commit */
	"control",          /* all -control operations */
	"field",            /* field (debug) commands */
	"interface",        /* see interface configuration */
	"interface-control",/* change interface, VLAN configuration */
	"maintenance",      /* request system reboot|halt, VNF consoles, file */
	"network",          /* ping, ssh */
	"reset",            /* start, stop, restart VNFs and processes */
	"rollback",         /* rollback to an older configuration */
	"secret",           /* see secrets (password hashes, keys) */
	"secret-control",   /* change secrets */
	"security",         /* see security (IPsec) configuration */
	"security-control", /* change security configuration */
	"shell",            /* start shell */
	"snmp",             /* see SNMP configuration */
	"snmp-control",     /* change SNMP configuration */
	"system",           /* see system configuration */
	"system-control",   /* change system configuration, VNFs */
	"trace",            /* see trace (log) settings */
	"trace-control",    /* change trace settings */
	"view",             /* show commands, the configuration (not secrets) */
	"view-configuration", /* the whole configuration (not secrets) */
};
#define NPERM (sizeof perm_names / sizeof *perm_names)

_Static_assert(NPERM <= 64, "cfg_perms holds at most 64 permissions");

const char *cfg_perm_name(unsigned i) { return i < NPERM ? perm_names[i] : NULL; }

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
		if (!strcmp(name, perm_names[i])) {
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
			int k = snprintf(buf + len, n - len, "%s%s", len ? " " : "", perm_names[i]);
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
	return holds(p, n);
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
