/* nc_config — configuration XML (NETCONF <config>, Junos <configuration>)
 * into the text the CLI loads.
 *
 * Owns the mapping of configuration XML onto the schema (cli/schema/jdm.xml, jcp.xml):
 * the XML is exactly what `show configuration | display xml` prints
 * (cfg_render.c: an element per statement named by its keyword, a list
 * entry holding its key as a child element named by the list's `key`, a
 * leaf-list repeated, a flag empty). NETCONF `operation` attributes
 * (merge, replace, create, delete, remove) and Junos's `delete="delete"`,
 * `replace="replace"`, `inactive="inactive"`, `active="active"` are
 * honoured. The result is `delete`/`set`/`deactivate`/`activate` lines for
 * `load set terminal` (the same parser and permission checks as a typed
 * `set`), or curly text for `load override|update terminal`.
 *
 * Every element and value is checked against the schema here first, so a
 * bad document changes nothing: the first error is reported with the
 * `[edit ...]` path of the statement and the message the CLI gives.
 *
 * Ownership: nc_config_parse() fills a struct nc_config the caller
 * releases with nc_config_free().
 */
#ifndef NFX_NC_CONFIG_H
#define NFX_NC_CONFIG_H

#include <stdbool.h>

#include <libxml/tree.h>

#include "cfg_buf.h"
#include "cfg_schema.h"
#include "cfg_tree.h"

struct nc_config {
	bool tree;                /* NC_CONFIG_TREE: SETS holds what is merged */
	struct cfg_tree *sets;    /* what is merged (NC_CONFIG_TREE) */
	struct cfg_buf lines;     /* else: its "set PATH\n" lines */
	struct cfg_buf deletes;   /* "delete PATH\n" lines, before the sets */
	struct cfg_buf activates; /* "activate PATH\n" lines, after them */
	/* the first error: NETCONF error-tag, the [edit ...] path, the message */
	const char *err_tag;
	char *err_path, *err_msg;
};

/* Build the merged statements as a tree (for nc_config_curly_text); without
 * it they become set lines as they are read (faster). */
#define NC_CONFIG_TREE 0x1u

/* Read the statements under CONF (a <config> or <configuration> element;
 * a <configuration> directly below <config> is entered) against the schema
 * ROOT with default operation DEFOP ("merge", "replace" or "none"). 0, or
 * -1 with C->err_* set. */
int nc_config_parse(struct nc_config *c, const struct cfg_schema *root, xmlNodePtr conf,
                    const char *defop, unsigned flags);
/* The `load set terminal` text of C. */
void nc_config_set_text(const struct nc_config *c, struct cfg_buf *out);
/* The curly text of C's merged statements (`load override terminal`;
 * parsed with NC_CONFIG_TREE). */
void nc_config_curly_text(const struct nc_config *c, struct cfg_buf *out);
void nc_config_free(struct nc_config *c);

#endif
