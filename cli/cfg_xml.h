/* cfg_xml — configuration XML (NETCONF <config>, Junos <configuration>)
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
 * Ownership: cfg_xml_parse() fills a struct cfg_xml the caller
 * releases with cfg_xml_free().
 */
#ifndef NFX_CFG_XML_H
#define NFX_CFG_XML_H

#include <stdbool.h>

#include <libxml/tree.h>

#include "cfg_buf.h"
#include "cfg_schema.h"
#include "cfg_tree.h"

struct cfg_xml {
	bool tree;                /* CFG_XML_TREE: SETS holds what is merged */
	struct cfg_tree *sets;    /* what is merged (CFG_XML_TREE) */
	struct cfg_buf lines;     /* else: its "set PATH\n" lines */
	struct cfg_buf deletes;   /* "delete PATH\n" lines, before the sets */
	struct cfg_buf activates; /* "activate PATH\n" lines, after them */
	/* NETCONF create/delete: what must be absent/present in the candidate */
	struct cfg_xml_check {
		bool create;
		struct cfg_step *path; /* values owned */
		size_t n;
		char *edit;            /* its [edit ...] path */
	} *checks;
	size_t n_checks;
	/* the first error: NETCONF error-tag, the [edit ...] path, the message */
	const char *err_tag;
	char *err_path, *err_msg;
};

/* Build the merged statements as a tree (for cfg_xml_curly_text); without
 * it they become set lines as they are read (faster). */
#define CFG_XML_TREE 0x1u

/* Read the statements under CONF (a <config> or <configuration> element;
 * a <configuration> directly below <config> is entered) against the schema
 * ROOT with default operation DEFOP ("merge", "replace" or "none"). 0, or
 * -1 with C->err_* set. */
int cfg_xml_parse(struct cfg_xml *c, const struct cfg_schema *root, xmlNodePtr conf,
                    const char *defop, unsigned flags);
/* RFC 6241 create (the statement must not exist) and delete (it must) against
 * the candidate CAND. 0, or -1 with C->err_* set (data-exists, data-missing). */
int cfg_xml_check(struct cfg_xml *c, const struct cfg_tree *cand);
/* The `load set terminal` text of C. */
void cfg_xml_set_text(const struct cfg_xml *c, struct cfg_buf *out);
/* The curly text of C's merged statements (`load override terminal`;
 * parsed with CFG_XML_TREE). */
void cfg_xml_curly_text(const struct cfg_xml *c, struct cfg_buf *out);
void cfg_xml_free(struct cfg_xml *c);

/* TEXT (LEN bytes) is XML (its first non-blank byte is '<'): `load merge|
 * replace|override|update` read it as configuration XML, as Junos does. */
bool cfg_xml_detect(const char *text, size_t len);
/* The XML document TEXT (a <configuration>, possibly inside an
 * <rpc-reply> as `| display xml` prints it) under schema ROOT as set lines
 * (CURLY false: merge, with delete lines for replace/delete attributes) or
 * curly text (CURLY true: override/update) into OUT. 0, or -1 with one
 * error line "SOURCE: [edit ...] message" in ERRS (nothing to load). */
int cfg_xml_to_text(const struct cfg_schema *root, const char *text, size_t len, const char *source,
                    bool curly, struct cfg_buf *out, struct cfg_buf *errs);

#endif
