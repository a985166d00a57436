/* cfg_xml — configuration XML into CLI text. See cfg_xml.h. */
#include "cfg_xml.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_err.h"
#include <libxml/parser.h>
#include "cfg_render.h"

#define MAX_DEPTH 64

enum op { OP_NONE, OP_MERGE, OP_REPLACE, OP_CREATE, OP_DELETE, OP_REMOVE };

struct walk {
	struct cfg_xml *c;
	struct cfg_step path[MAX_DEPTH];
	char *vals[MAX_DEPTH]; /* owned copies of path[i].value */
	size_t n;
};

static int fail(struct walk *w, const char *tag, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A word of a path as the CLI writes it (quoted when it must be). */
static void word(struct cfg_buf *b, const char *v)
{
	if (*v && !strpbrk(v, " \t\"'\\;{}[]#|")) {
		cfg_buf_puts(b, v);
		return;
	}
	cfg_buf_putc(b, '"');
	for (const char *p = v; *p; p++) {
		if (*p == '"' || *p == '\\')
			cfg_buf_putc(b, '\\');
		cfg_buf_putc(b, *p);
	}
	cfg_buf_putc(b, '"');
}

/* The words of the first N steps of W's path; a leaf's own value only
 * when WITH_LEAF_VALUE. */
static void path_words(struct cfg_buf *b, const struct walk *w, size_t n, bool with_leaf_value)
{
	for (size_t i = 0; i < n; i++) {
		const struct cfg_schema *s = w->path[i].schema;
		const char *v = w->path[i].value;
		bool pos = (s->flags & CFG_F_POSITIONAL) != 0;
		if (i)
			cfg_buf_putc(b, ' ');
		if (!pos || !v)
			cfg_buf_puts(b, s->name);
		if (v && (s->kind != CFG_LEAF || with_leaf_value || pos)) {
			if (!pos)
				cfg_buf_putc(b, ' ');
			word(b, v);
		}
	}
}

static int fail(struct walk *w, const char *tag, const char *fmt, ...)
{
	struct cfg_xml *c = w->c;
	if (c->err_msg)
		return -1;
	struct cfg_buf b = {0};
	cfg_buf_puts(&b, "[edit");
	if (w->n) {
		cfg_buf_putc(&b, ' ');
		path_words(&b, w, w->n, false);
	}
	cfg_buf_putc(&b, ']');
	c->err_path = cfg_buf_steal(&b);
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&c->err_msg, fmt, ap) < 0)
		c->err_msg = strdup("out of memory");
	va_end(ap);
	c->err_tag = tag;
	return -1;
}

static char *text_of(xmlNodePtr n)
{
	/* the usual case, one text node: no copy of the content to trim */
	xmlChar *t = NULL;
	const char *a;
	if (n->children && !n->children->next && n->children->type == XML_TEXT_NODE)
		a = (const char *)n->children->content;
	else
		a = (const char *)(t = xmlNodeGetContent(n));
	if (!a)
		a = "";
	/* Junos trims the whitespace around a value */
	while (*a == ' ' || *a == '\t' || *a == '\n' || *a == '\r')
		a++;
	size_t l = strlen(a);
	while (l && (a[l - 1] == ' ' || a[l - 1] == '\t' || a[l - 1] == '\n' || a[l - 1] == '\r'))
		l--;
	char *s = strndup(a, l);
	xmlFree(t);
	if (!s)
		abort();
	return s;
}

static bool is_elem(xmlNodePtr n) { return n && n->type == XML_ELEMENT_NODE; }

/* Junos's annotations and other junos: elements are not statements. */
static bool skipped(xmlNodePtr n)
{
	return n->ns && n->ns->prefix && !strcmp((const char *)n->ns->prefix, "junos");
}

static const char *attr(xmlNodePtr n, const char *name)
{
	for (xmlAttrPtr a = n->properties; a; a = a->next)
		if (!strcmp((const char *)a->name, name) && a->children && a->children->content)
			return (const char *)a->children->content;
	return NULL;
}

static int op_of(struct walk *w, xmlNodePtr n, enum op inherited, enum op *op, int *inactive)
{
	*op = inherited;
	*inactive = 0;
	const char *o = attr(n, "operation");
	if (o) {
		if (!strcmp(o, "merge")) *op = OP_MERGE;
		else if (!strcmp(o, "replace")) *op = OP_REPLACE;
		else if (!strcmp(o, "create")) *op = OP_CREATE;
		else if (!strcmp(o, "delete")) *op = OP_DELETE;
		else if (!strcmp(o, "remove")) *op = OP_REMOVE;
		else
			return fail(w, "bad-attribute", "invalid operation '%s'", o);
	}
	if ((o = attr(n, "delete")) && !strcmp(o, "delete"))
		*op = OP_REMOVE; /* Junos: deleting what is not there is no error */
	if ((o = attr(n, "replace")) && !strcmp(o, "replace") && *op != OP_REMOVE)
		*op = OP_REPLACE;
	if ((o = attr(n, "inactive")) && !strcmp(o, "inactive"))
		*inactive = 1;
	if ((o = attr(n, "active")) && !strcmp(o, "active"))
		*inactive = -1;
	return 0;
}

static int push(struct walk *w, const struct cfg_schema *s, char *v)
{
	if (w->n >= MAX_DEPTH) {
		free(v);
		return fail(w, "bad-element", "configuration nested too deeply");
	}
	w->path[w->n].schema = s;
	w->path[w->n].value = v;
	w->vals[w->n] = v;
	w->n++;
	return 0;
}

static void pop(struct walk *w)
{
	w->n--;
	free(w->vals[w->n]);
	w->vals[w->n] = NULL;
}

static void add_line(struct walk *w, struct cfg_buf *b, const char *verb)
{
	cfg_buf_puts(b, verb);
	cfg_buf_putc(b, ' ');
	/* `set` names a leaf's value; delete/(de)activate only a leaf-list's */
	path_words(b, w, w->n, !strcmp(verb, "set") || w->path[w->n - 1].schema->kind == CFG_LEAFLIST);
	cfg_buf_putc(b, '\n');
}

static int walk_children(struct walk *w, const struct cfg_schema *s, xmlNodePtr parent, enum op op,
                         xmlNodePtr skip_key);

static char *edit_path(const struct walk *w)
{
	struct cfg_buf b = {0};
	cfg_buf_puts(&b, "[edit");
	if (w->n) {
		cfg_buf_putc(&b, ' ');
		path_words(&b, w, w->n, false);
	}
	cfg_buf_putc(&b, ']');
	return cfg_buf_steal(&b);
}

/* Remember the statement at W's path for cfg_xml_check(). */
static void add_check(struct walk *w, bool create)
{
	struct cfg_xml *c = w->c;
	struct cfg_xml_check *k = realloc(c->checks, (c->n_checks + 1) * sizeof *k);
	if (!k)
		abort();
	c->checks = k;
	k += c->n_checks++;
	k->create = create;
	k->n = w->n;
	k->path = calloc(w->n ? w->n : 1, sizeof *k->path);
	if (!k->path)
		abort();
	for (size_t i = 0; i < w->n; i++) {
		k->path[i].schema = w->path[i].schema;
		/* a leaf is the statement whatever its value */
		bool leafval = w->path[i].schema->kind == CFG_LEAF;
		k->path[i].value = w->path[i].value && !leafval ? strdup(w->path[i].value) : NULL;
	}
	k->edit = edit_path(w);
}

/* The child of S the element NAME stands for: positional statements too
 * (their XML element is named by the schema, as cfg_render_xml writes it). */
static const struct cfg_schema *xml_child(const struct cfg_schema *s, const char *name)
{
	for (size_t i = 0; i < s->n_children; i++)
		if (!strcmp(s->children[i]->name, name))
			return s->children[i];
	return NULL;
}

/* The statement N (schema child S of the current level). */
static int walk_elem(struct walk *w, const struct cfg_schema *s, xmlNodePtr n, enum op inherited)
{
	enum op op;
	int inactive;
	if (op_of(w, n, inherited, &op, &inactive) < 0)
		return -1;
	char *v = NULL;
	xmlNodePtr key = NULL;
	switch (s->kind) {
	case CFG_LIST: {
		const char *kn = s->key_name ? s->key_name : "name";
		for (xmlNodePtr k = n->children; k; k = k->next)
			if (is_elem(k) && !strcmp((const char *)k->name, kn)) {
				key = k;
				break;
			}
		if (!key) {
			if (push(w, s, NULL) < 0)
				return -1;
			return fail(w, "missing-element", "%s: missing <%s>", s->name, kn);
		}
		v = text_of(key);
		break;
	}
	case CFG_LEAF:
		/* deleting a leaf names it, not its value */
		if (s->type != CFG_T_FLAG && op != OP_DELETE && op != OP_REMOVE)
			v = text_of(n);
		break;
	case CFG_LEAFLIST:
		if (s->type != CFG_T_FLAG)
			v = text_of(n);
		break;
	case CFG_CONTAINER:
		break;
	}
	if (push(w, s, v) < 0)
		return -1;
	if (s->type == CFG_T_PASSWORD)
		return fail(w, "operation-not-supported",
		            "%s needs a password prompt: send the encrypted password", s->name);
	if (v && cfg_schema_check_value(s, v) < 0) {
		bool leaf = s->kind != CFG_LIST;
		if (leaf) /* the path names the statement, the message the value */
			pop(w), push(w, s, NULL);
		return fail(w, "invalid-value", "%s", cfg_err_msg());
	}
	int rc = 0;
	const char *explicit_op = attr(n, "operation");
	if (explicit_op && (!strcmp(explicit_op, "create") || !strcmp(explicit_op, "delete")))
		add_check(w, op == OP_CREATE);
	if (op == OP_DELETE || op == OP_REMOVE) {
		add_line(w, &w->c->deletes, "delete");
	} else if (op == OP_NONE && s->kind != CFG_LEAF && s->kind != CFG_LEAFLIST) {
		rc = walk_children(w, s, n, op, key);
	} else if (op != OP_NONE) {
		if (op == OP_REPLACE)
			add_line(w, &w->c->deletes, "delete");
		bool hidden_secret = v && s->type == CFG_T_SECRET && !strcmp(v, CFG_RENDER_SECRET_HIDDEN);
		/* a container that is not a presence one exists through its
		   statements only (`set host-os` alone is no statement) */
		bool plain = s->kind == CFG_CONTAINER && !(s->flags & CFG_F_PRESENCE);
		if (!w->c->tree) {
			/* straight to set lines: a list entry only when nothing below
			   it names it */
			bool stmt = !hidden_secret && !plain;
			if (stmt && s->kind == CFG_LIST)
				for (xmlNodePtr k = n->children; k && stmt; k = k->next)
					if (is_elem(k) && k != key && !skipped(k))
						stmt = false;
			if (stmt)
				add_line(w, &w->c->lines, "set");
			if (inactive > 0)
				add_line(w, &w->c->activates, "deactivate");
		} else if (!hidden_secret && !plain) {
			struct cfg_node *at = cfg_tree_set(w->c->sets, NULL, w->path, w->n);
			if (!at)
				rc = fail(w, "resource-denied", "out of memory");
			else if (inactive > 0)
				cfg_tree_activate(at, false);
		}
		if (inactive < 0)
			add_line(w, &w->c->activates, "activate");
		if (rc == 0 && s->kind != CFG_LEAF && s->kind != CFG_LEAFLIST)
			rc = walk_children(w, s, n, op == OP_REPLACE || op == OP_CREATE ? OP_MERGE : op, key);
		if (rc == 0 && plain && inactive > 0 && w->c->tree) {
			struct cfg_node *at = cfg_tree_find(w->c->sets, NULL, w->path, w->n);
			if (at)
				cfg_tree_activate(at, false);
		}
	}
	pop(w);
	return rc;
}

static int walk_children(struct walk *w, const struct cfg_schema *s, xmlNodePtr parent, enum op op,
                         xmlNodePtr skip_key)
{
	for (xmlNodePtr k = parent->children; k; k = k->next) {
		if (k->type == XML_TEXT_NODE || k->type == XML_COMMENT_NODE ||
		    k->type == XML_CDATA_SECTION_NODE) {
			if (k->type == XML_TEXT_NODE && k->content &&
			    strspn((const char *)k->content, " \t\r\n") != strlen((const char *)k->content))
				return fail(w, "bad-element", "text where a statement belongs");
			continue;
		}
		if (!is_elem(k) || k == skip_key || skipped(k))
			continue;
		const struct cfg_schema *c = xml_child(s, (const char *)k->name);
		if (!c || (c->kind == CFG_CONTAINER && c->handler)) {
			/* the path down to here, then the word the CLI would flag */
			return fail(w, "unknown-element", "syntax error: %s", (const char *)k->name);
		}
		if (walk_elem(w, c, k, op) < 0)
			return -1;
	}
	return 0;
}

int cfg_xml_parse(struct cfg_xml *c, const struct cfg_schema *root, xmlNodePtr conf,
                    const char *defop, unsigned flags)
{
	memset(c, 0, sizeof *c);
	c->tree = (flags & CFG_XML_TREE) != 0;
	c->sets = cfg_tree_new(root);
	if (!c->sets)
		abort();
	struct walk w = {.c = c};
	enum op op = OP_MERGE;
	if (defop && !strcmp(defop, "none"))
		op = OP_NONE;
	else if (defop && !strcmp(defop, "replace"))
		op = OP_REPLACE;
	else if (defop && strcmp(defop, "merge"))
		return fail(&w, "bad-element", "invalid default-operation '%s'", defop);
	xmlNodePtr at = conf;
	if (!strcmp((const char *)conf->name, "config")) {
		for (xmlNodePtr k = conf->children; k; k = k->next)
			if (is_elem(k) && !strcmp((const char *)k->name, "configuration")) {
				at = k;
				break;
			}
	}
	if (op == OP_REPLACE) {
		/* default-operation replace: every top-level statement given is replaced */
		for (xmlNodePtr k = at->children; k; k = k->next)
			if (is_elem(k) && !skipped(k) && !attr(k, "operation"))
				xmlSetProp(k, (const xmlChar *)"operation", (const xmlChar *)"replace");
		op = OP_MERGE;
	}
	int rc = walk_children(&w, root, at, op, NULL);
	while (w.n)
		pop(&w);
	return rc;
}

void cfg_xml_set_text(const struct cfg_xml *c, struct cfg_buf *out)
{
	cfg_buf_add(out, c->deletes.p ? c->deletes.p : "", c->deletes.len);
	if (c->tree)
		cfg_render_set(out, cfg_tree_root(c->sets), false, CFG_R_SECRETS | CFG_R_FULL);
	else
		cfg_buf_add(out, c->lines.p ? c->lines.p : "", c->lines.len);
	cfg_buf_add(out, c->activates.p ? c->activates.p : "", c->activates.len);
}

void cfg_xml_curly_text(const struct cfg_xml *c, struct cfg_buf *out)
{
	cfg_buf_add(out, "", 0);
	cfg_render_curly(out, cfg_tree_root(c->sets), 0, CFG_R_SECRETS);
}

int cfg_xml_check(struct cfg_xml *c, const struct cfg_tree *cand)
{
	for (size_t i = 0; i < c->n_checks; i++) {
		const struct cfg_xml_check *k = &c->checks[i];
		bool there = cfg_tree_find(cand, NULL, k->path, k->n) != NULL;
		if (there == k->create) {
			free(c->err_path);
			free(c->err_msg);
			c->err_tag = k->create ? "data-exists" : "data-missing";
			c->err_path = strdup(k->edit);
			c->err_msg = strdup(k->create ? "statement exists already (create)"
			                              : "statement not found (delete)");
			return -1;
		}
	}
	return 0;
}

void cfg_xml_free(struct cfg_xml *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_checks; i++) {
		for (size_t j = 0; j < c->checks[i].n; j++)
			free((char *)c->checks[i].path[j].value);
		free(c->checks[i].path);
		free(c->checks[i].edit);
	}
	free(c->checks);
	cfg_tree_free(c->sets);
	cfg_buf_free(&c->deletes);
	cfg_buf_free(&c->lines);
	cfg_buf_free(&c->activates);
	free(c->err_path);
	free(c->err_msg);
	memset(c, 0, sizeof *c);
}

bool cfg_xml_detect(const char *text, size_t len)
{
	size_t i = 0;
	while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
		i++;
	return i < len && text[i] == '<';
}

/* The <configuration> element at or below N (an <rpc-reply> wrapper). */
static xmlNodePtr find_configuration(xmlNodePtr n)
{
	for (; n; n = n->next) {
		if (!is_elem(n))
			continue;
		if (!strcmp((const char *)n->name, "configuration"))
			return n;
		xmlNodePtr c = find_configuration(n->children);
		if (c)
			return c;
	}
	return NULL;
}

int cfg_xml_to_text(const struct cfg_schema *root, const char *text, size_t len, const char *source,
                    bool curly, struct cfg_buf *out, struct cfg_buf *errs)
{
	if (len > 0x7fffffff)
		len = 0x7fffffff;
	xmlDocPtr d = xmlReadMemory(text, (int)len, source, NULL,
	                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	                                XML_PARSE_NOBLANKS | XML_PARSE_HUGE);
	xmlNodePtr conf = d ? find_configuration(xmlDocGetRootElement(d)) : NULL;
	if (!conf) {
		const xmlError *e = xmlGetLastError();
		cfg_buf_printf(errs, "%s:%d: %s\n", source, e ? e->line : 0,
		               d ? "no <configuration> element" : "malformed XML");
		xmlFreeDoc(d);
		return -1;
	}
	struct cfg_xml c;
	int rc = cfg_xml_parse(&c, root, conf, "merge", curly ? CFG_XML_TREE : 0);
	if (rc < 0) {
		cfg_buf_printf(errs, "%s: %s\n  %s\n", source, c.err_path, c.err_msg);
	} else if (curly) {
		cfg_xml_curly_text(&c, out);
	} else {
		cfg_xml_set_text(&c, out);
		cfg_buf_add(out, "", 0);
	}
	cfg_xml_free(&c);
	xmlFreeDoc(d);
	return rc;
}
