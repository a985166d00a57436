/* nc_yang — YANG from cli/schema. See nc_yang.h. */
#include "nc_yang.h"

#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "cfg_schema.h"
#include "cfg_schema_data.h"

static void ind(struct cfg_buf *b, unsigned n) { cfg_buf_indent(b, n * 2); }

static void qstr(struct cfg_buf *b, const char *s)
{
	cfg_buf_putc(b, '"');
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			cfg_buf_putc(b, '\\');
		if (*s == '\n')
			cfg_buf_puts(b, "\\n");
		else
			cfg_buf_putc(b, *s);
	}
	cfg_buf_putc(b, '"');
}

static void descr(struct cfg_buf *b, const struct cfg_schema *s, unsigned d)
{
	if (!s->help || !*s->help)
		return;
	ind(b, d);
	cfg_buf_puts(b, "description ");
	qstr(b, s->help);
	cfg_buf_puts(b, ";\n");
}

/* The YANG type of values of S (a leaf, leaf-list or a list's key). */
static void type(struct cfg_buf *b, const struct cfg_schema *s, unsigned d)
{
	ind(b, d);
	switch (s->type) {
	case CFG_T_FLAG:
		cfg_buf_puts(b, "type empty;\n");
		return;
	case CFG_T_INT:
		cfg_buf_printf(b, "type int64 {\n");
		ind(b, d + 1);
		cfg_buf_printf(b, "range \"%" PRId64 "..%" PRId64 "\";\n", s->min, s->max);
		break;
	case CFG_T_ENUM:
		cfg_buf_puts(b, "type enumeration {\n");
		for (size_t i = 0; i < s->n_enums; i++) {
			ind(b, d + 1);
			cfg_buf_puts(b, "enum ");
			qstr(b, s->enums[i]);
			cfg_buf_puts(b, ";\n");
		}
		break;
	case CFG_T_NAME:
		cfg_buf_puts(b, "type string {\n");
		ind(b, d + 1);
		cfg_buf_puts(b, "length \"1..64\";\n");
		break;
	case CFG_T_VNFNAME:
		cfg_buf_puts(b, "type string {\n");
		ind(b, d + 1);
		cfg_buf_puts(b, "length \"1..32\";\n");
		ind(b, d + 1);
		cfg_buf_puts(b, "pattern '[A-Za-z0-9_][A-Za-z0-9_.\\-]*';\n");
		break;
	case CFG_T_IPV4:
		cfg_buf_puts(b, "type string {\n");
		ind(b, d + 1);
		cfg_buf_puts(b, "pattern '[0-9]{1,3}(\\.[0-9]{1,3}){3}';\n");
		break;
	case CFG_T_IPV4PFX:
		cfg_buf_puts(b, "type string {\n");
		ind(b, d + 1);
		cfg_buf_puts(b, "pattern '[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}';\n");
		break;
	case CFG_T_STRING:
	case CFG_T_SECRET:
	default:
		cfg_buf_puts(b, "type string {\n");
		ind(b, d + 1);
		cfg_buf_puts(b, "length \"0..1024\";\n");
		break;
	}
	ind(b, d);
	cfg_buf_puts(b, "}\n");
}

static void node(struct cfg_buf *b, const struct cfg_schema *s, unsigned d, bool in_list);

static void children(struct cfg_buf *b, const struct cfg_schema *s, unsigned d, const char *skip,
                     bool in_list)
{
	for (size_t i = 0; i < s->n_children; i++)
		if (!skip || strcmp(s->children[i]->name, skip))
			node(b, s->children[i], d, in_list);
}

static void node(struct cfg_buf *b, const struct cfg_schema *s, unsigned d, bool in_list)
{
	if (s->type == CFG_T_PASSWORD || s->handler)
		return; /* prompts for a password (stored in its secret sibling); commands */
	ind(b, d);
	switch (s->kind) {
	case CFG_CONTAINER:
		cfg_buf_printf(b, "container %s {\n", s->name);
		if (s->flags & CFG_F_PRESENCE) {
			ind(b, d + 1);
			cfg_buf_puts(b, "presence ");
			qstr(b, s->help ? s->help : s->name);
			cfg_buf_puts(b, ";\n");
		}
		descr(b, s, d + 1);
		children(b, s, d + 1, NULL, false);
		break;
	case CFG_LIST: {
		const char *k = s->key_name ? s->key_name : "name";
		cfg_buf_printf(b, "list %s {\n", s->name);
		ind(b, d + 1);
		cfg_buf_printf(b, "key \"%s\";\n", k);
		if (s->flags & CFG_F_ORDERED) {
			ind(b, d + 1);
			cfg_buf_puts(b, "ordered-by user;\n");
		}
		descr(b, s, d + 1);
		ind(b, d + 1);
		cfg_buf_printf(b, "leaf %s {\n", k);
		type(b, s, d + 2);
		if (s->key_help) {
			ind(b, d + 2);
			cfg_buf_puts(b, "description ");
			qstr(b, s->key_help);
			cfg_buf_puts(b, ";\n");
		}
		ind(b, d + 1);
		cfg_buf_puts(b, "}\n");
		children(b, s, d + 1, k, true);
		break;
	}
	case CFG_LEAF:
		cfg_buf_printf(b, "leaf %s {\n", s->name);
		type(b, s, d + 1);
		/* mandatory only inside list entries: a mandatory leaf of a
		   non-presence container would make its ancestors mandatory */
		if ((s->flags & CFG_F_MANDATORY) && in_list) {
			ind(b, d + 1);
			cfg_buf_puts(b, "mandatory true;\n");
		}
		descr(b, s, d + 1);
		break;
	case CFG_LEAFLIST:
		cfg_buf_printf(b, "leaf-list %s {\n", s->name);
		type(b, s, d + 1);
		if (s->flags & CFG_F_ORDERED) {
			ind(b, d + 1);
			cfg_buf_puts(b, "ordered-by user;\n");
		}
		descr(b, s, d + 1);
		break;
	}
	ind(b, d);
	cfg_buf_puts(b, "}\n");
}

static const struct {
	const char *module, *prefix, *what;
	const char *xml;
	const size_t *len;
} MODS[] = {
	{"nfx-jdm", "jdm", "the JDM (device manager)", cfg_schema_jdm, &cfg_schema_jdm_len},
	{"nfx-jcp", "jcp", "the JCP (control plane, front-panel switch)", cfg_schema_jcp, &cfg_schema_jcp_len},
};

int nc_yang_module(const char *name, struct cfg_buf *out)
{
	for (size_t i = 0; i < sizeof MODS / sizeof MODS[0]; i++) {
		if (strcmp(name, MODS[i].module))
			continue;
		struct cfg_schema *s = cfg_schema_load_mem(MODS[i].xml, *MODS[i].len, MODS[i].prefix);
		if (!s)
			return -1;
		cfg_buf_printf(out,
		               "module %s {\n"
		               "  yang-version 1.1;\n"
		               "  namespace \"" NC_YANG_NS_PREFIX "%s\";\n"
		               "  prefix %s;\n\n"
		               "  organization \"nfx\";\n"
		               "  description\n"
		               "    \"The configuration of %s, generated from cli/schema/%s.xml:\n"
		               "     what `show configuration | display xml` prints.\";\n\n"
		               "  revision " NC_YANG_REVISION " {\n"
		               "    description \"Generated from the schema.\";\n"
		               "  }\n\n"
		               "  container configuration {\n"
		               "    description \"The configuration.\";\n",
		               MODS[i].module, MODS[i].module, MODS[i].prefix, MODS[i].what, MODS[i].prefix);
		children(out, s, 2, NULL, false);
		cfg_buf_puts(out, "  }\n}\n");
		cfg_schema_free(s);
		return 0;
	}
	return -1;
}

void nc_yang_capabilities(struct cfg_buf *out)
{
	for (size_t i = 0; i < sizeof MODS / sizeof MODS[0]; i++)
		cfg_buf_printf(out,
		               "<capability>" NC_YANG_NS_PREFIX "%s?module=%s&amp;revision=" NC_YANG_REVISION
		               "</capability>\n",
		               MODS[i].module, MODS[i].module);
}

void nc_yang_schemas(struct cfg_buf *out)
{
	cfg_buf_puts(out, "<schemas>\n");
	for (size_t i = 0; i < sizeof MODS / sizeof MODS[0]; i++)
		cfg_buf_printf(out,
		               "<schema>\n<identifier>%s</identifier>\n<version>" NC_YANG_REVISION
		               "</version>\n<format>yang</format>\n<namespace>" NC_YANG_NS_PREFIX
		               "%s</namespace>\n<location>NETCONF</location>\n</schema>\n",
		               MODS[i].module, MODS[i].module);
	cfg_buf_puts(out, "</schemas>\n");
}
