/* cfg_reply — operational replies as data. See cfg_reply.h. */
#include "cfg_reply.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "cfg_err.h"

struct cfg_reply {
	struct cfg_rel *root;
};

static char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");
	if (!d)
		abort();
	return d;
}

static struct cfg_rel *el_new(struct cfg_rel *p, const char *name, const char *text)
{
	struct cfg_rel *e = calloc(1, sizeof *e);
	if (!e)
		abort();
	e->name = xstrdup(name);
	e->text = text ? xstrdup(text) : NULL;
	e->parent = p;
	if (p) {
		if (p->last)
			p->last->next = e;
		else
			p->child = e;
		p->last = e;
	}
	return e;
}

static void el_free(struct cfg_rel *e)
{
	while (e) {
		struct cfg_rel *n = e->next;
		el_free(e->child);
		free(e->name);
		free(e->text);
		free(e);
		e = n;
	}
}

struct cfg_reply *cfg_reply_new(const char *root)
{
	struct cfg_reply *r = calloc(1, sizeof *r);
	if (!r)
		abort();
	r->root = el_new(NULL, root, NULL);
	return r;
}

void cfg_reply_free(struct cfg_reply *r)
{
	if (!r)
		return;
	el_free(r->root);
	free(r);
}

struct cfg_rel *cfg_reply_root(const struct cfg_reply *r) { return r ? r->root : NULL; }

struct cfg_rel *cfg_rel_add(struct cfg_rel *p, const char *name) { return el_new(p, name, NULL); }

struct cfg_rel *cfg_rel_leaf(struct cfg_rel *p, const char *name, const char *v)
{
	return v ? el_new(p, name, v) : NULL;
}

struct cfg_rel *cfg_rel_leaff(struct cfg_rel *p, const char *name, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	struct cfg_rel *e = el_new(p, name, s);
	free(s);
	return e;
}

struct cfg_rel *cfg_rel_flag(struct cfg_rel *p, const char *name) { return el_new(p, name, NULL); }

struct cfg_rel *cfg_rel_child(const struct cfg_rel *e, const char *name)
{
	for (struct cfg_rel *c = e ? e->child : NULL; c; c = c->next)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

struct cfg_rel *cfg_rel_next_same(const struct cfg_rel *e)
{
	for (struct cfg_rel *c = e ? e->next : NULL; c; c = c->next)
		if (!strcmp(c->name, e->name))
			return c;
	return NULL;
}

const char *cfg_rel_value(const struct cfg_rel *e, const char *name)
{
	struct cfg_rel *c = cfg_rel_child(e, name);
	return c ? c->text : NULL;
}

const char *cfg_rel_str(const struct cfg_rel *e, const char *name, const char *dflt)
{
	const char *v = cfg_rel_value(e, name);
	return v ? v : dflt;
}

/* ------------------------------------------------------------------ XML */

/* Length of the valid UTF-8 sequence at P (1..4), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *p)
{
	if (p[0] < 0x80)
		return 1;
	size_t n = p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 && p[0] < 0xe0 ? 2 : 0;
	if (!n)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if (n == 3 && p[0] == 0xe0 && p[1] < 0xa0)
		return 0; /* overlong */
	if (n == 3 && p[0] == 0xed && p[1] >= 0xa0)
		return 0; /* surrogate */
	if (n == 4 && ((p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90)))
		return 0;
	return n;
}

/* S made valid UTF-8 (invalid bytes become '?'); with XML, also without
 * the control characters XML 1.0 forbids. Caller frees. */
static char *clean_text(const char *s, bool xml)
{
	size_t l = strlen(s);
	char *o = malloc(l + 1);
	if (!o)
		abort();
	size_t j = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = utf8_len(p);
		if (!n) {
			o[j++] = '?';
			p++;
		} else if (n == 1 && xml && *p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') {
			o[j++] = '?';
			p++;
		} else {
			memcpy(o + j, p, n);
			j += n;
			p += n;
		}
	}
	o[j] = 0;
	return o;
}

static void xml_text(struct cfg_buf *b, const char *s)
{
	char *c = clean_text(s, true);
	for (const char *p = c; *p; p++) {
		switch (*p) {
		case '<': cfg_buf_puts(b, "&lt;"); break;
		case '>': cfg_buf_puts(b, "&gt;"); break;
		case '&': cfg_buf_puts(b, "&amp;"); break;
		case '"': cfg_buf_puts(b, "&quot;"); break;
		case '\r': cfg_buf_puts(b, "&#13;"); break;
		default: cfg_buf_putc(b, *p);
		}
	}
	free(c);
}

void cfg_reply_xml_el(struct cfg_buf *b, const struct cfg_rel *e, unsigned indent)
{
	cfg_buf_indent(b, indent);
	if (e->text) {
		cfg_buf_printf(b, "<%s>", e->name);
		xml_text(b, e->text);
		cfg_buf_printf(b, "</%s>\n", e->name);
		return;
	}
	if (!e->child) {
		cfg_buf_printf(b, "<%s/>\n", e->name);
		return;
	}
	cfg_buf_printf(b, "<%s>\n", e->name);
	for (const struct cfg_rel *c = e->child; c; c = c->next)
		cfg_reply_xml_el(b, c, indent + 4);
	cfg_buf_indent(b, indent);
	cfg_buf_printf(b, "</%s>\n", e->name);
}

void cfg_reply_xml(struct cfg_buf *b, const struct cfg_reply *r)
{
	if (r && r->root)
		cfg_reply_xml_el(b, r->root, 0);
}

void cfg_reply_rpc_open(struct cfg_buf *b)
{
	cfg_buf_puts(b, "<rpc-reply xmlns:junos=\"" CFG_REPLY_JUNOS_NS "\">\n");
}

void cfg_reply_rpc_close(struct cfg_buf *b, const char *banner)
{
	cfg_buf_puts(b, "    <cli>\n        <banner>");
	xml_text(b, banner ? banner : "");
	cfg_buf_puts(b, "</banner>\n    </cli>\n</rpc-reply>\n");
}

void cfg_reply_xml_rpc(struct cfg_buf *b, const struct cfg_reply *r, const char *banner)
{
	cfg_reply_rpc_open(b);
	if (r && r->root)
		cfg_reply_xml_el(b, r->root, 4);
	cfg_reply_rpc_close(b, banner);
}

/* ----------------------------------------------------------------- JSON */

static json_t *json_el(const struct cfg_rel *e);

/* The members of E: one array per element name, in first-seen order. */
static json_t *json_members(const struct cfg_rel *e)
{
	json_t *o = json_object();
	if (!o)
		abort();
	for (const struct cfg_rel *c = e->child; c; c = c->next) {
		json_t *a = json_object_get(o, c->name);
		if (!a) {
			a = json_array();
			if (!a || json_object_set_new(o, c->name, a) < 0)
				abort();
		}
		json_array_append_new(a, json_el(c));
	}
	return o;
}

static json_t *json_el(const struct cfg_rel *e)
{
	if (e->text) {
		char *c = clean_text(e->text, false);
		json_t *o = json_pack("{s:s}", "data", c);
		free(c);
		if (!o)
			abort();
		return o;
	}
	if (!e->child)
		return json_null(); /* a flag, as Junos's [null] */
	return json_members(e);
}

int cfg_reply_json(struct cfg_buf *b, const struct cfg_reply *r)
{
	if (!r || !r->root)
		return cfg_err_set("no reply");
	json_t *top = json_object();
	json_t *a = json_array();
	if (!top || !a)
		abort();
	json_array_append_new(a, json_el(r->root));
	json_object_set_new(top, r->root->name, a);
	char *s = json_dumps(top, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
	json_decref(top);
	if (!s)
		return cfg_err_set("cannot render the reply as JSON");
	cfg_buf_puts(b, s);
	cfg_buf_putc(b, '\n');
	free(s);
	return 0;
}

int cfg_reply_emit(struct cfg_reply *r, const struct cfg_pipe_display *disp, struct cfg_buf *out,
                   cfg_reply_text_fn text, void *arg)
{
	int rc = 0;
	if (disp && disp->xml && disp->bare)
		cfg_reply_xml(out, r);
	else if (disp && disp->xml)
		cfg_reply_xml_rpc(out, r, disp->banner);
	else if (disp && disp->json)
		rc = cfg_reply_json(out, r);
	else if (text)
		text(out, r, arg);
	cfg_reply_free(r);
	return rc;
}

static void from_xml(struct cfg_rel *p, xmlNode *x)
{
	bool kids = false;
	for (xmlNode *c = x->children; c; c = c->next)
		kids |= c->type == XML_ELEMENT_NODE;
	if (!kids) {
		xmlChar *t = xmlNodeGetContent(x);
		if (t && *t)
			p->text = xstrdup((const char *)t);
		xmlFree(t);
		return;
	}
	for (xmlNode *c = x->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			from_xml(cfg_rel_add(p, (const char *)c->name), c);
}

struct cfg_reply *cfg_reply_parse_xml(const char *buf, size_t len)
{
	xmlDoc *doc = xmlReadMemory(buf, (int)len, "reply", NULL,
	                            XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
	                                XML_PARSE_NOWARNING);
	xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (!root) {
		const xmlError *e = xmlGetLastError();
		cfg_err_set("reply:%d: %s", e ? e->line : 0, e && e->message ? e->message : "not XML");
		xmlFreeDoc(doc);
		return NULL;
	}
	struct cfg_reply *r = cfg_reply_new((const char *)root->name);
	from_xml(r->root, root);
	xmlFreeDoc(doc);
	return r;
}

/* ----------------------------------------------------------- vocabulary */

struct cfg_reply_vocab {
	xmlDoc *doc;
};

struct cfg_reply_vocab *cfg_reply_vocab_load(const char *buf, size_t len, const char *name)
{
	xmlDoc *doc = xmlReadMemory(buf, (int)len, name, NULL,
	                            XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
	                                XML_PARSE_NOWARNING);
	if (!doc) {
		const xmlError *e = xmlGetLastError();
		cfg_err_set("%s:%d: %s", name, e ? e->line : 0, e && e->message ? e->message : "bad XML");
		return NULL;
	}
	struct cfg_reply_vocab *v = calloc(1, sizeof *v);
	if (!v)
		abort();
	v->doc = doc;
	return v;
}

void cfg_reply_vocab_free(struct cfg_reply_vocab *v)
{
	if (!v)
		return;
	xmlFreeDoc(v->doc);
	free(v);
}

static bool is_el(const xmlNode *x, const char *el)
{
	return x->type == XML_ELEMENT_NODE && !strcmp((const char *)x->name, el);
}

static bool named(xmlNode *x, const char *name)
{
	xmlChar *n = xmlGetProp(x, (const xmlChar *)"name");
	bool eq = n && !strcmp((const char *)n, name);
	xmlFree(n);
	return eq;
}

/* The child <EL name="NAME"> of X, or NULL. */
static xmlNode *decl_child(xmlNode *x, const char *el, const char *name)
{
	for (xmlNode *c = x ? x->children : NULL; c; c = c->next)
		if (is_el(c, el) && named(c, name))
			return c;
	return NULL;
}

static bool has_elements(const xmlNode *x)
{
	for (const xmlNode *c = x->children; c; c = c->next)
		if (is_el(c, "element"))
			return true;
	return false;
}

static xmlNode *reply_decl(const struct cfg_reply_vocab *v, const char *root)
{
	return v ? decl_child(xmlDocGetRootElement(v->doc), "reply", root) : NULL;
}

bool cfg_reply_vocab_has(const struct cfg_reply_vocab *v, const char *root)
{
	return reply_decl(v, root) != NULL;
}

static void el_path(const struct cfg_rel *e, char *buf, size_t n)
{
	if (e->parent) {
		el_path(e->parent, buf, n);
		size_t l = strlen(buf);
		snprintf(buf + l, n - l, "/%s", e->name);
	} else {
		snprintf(buf, n, "%s", e->name);
	}
}

static int check_el(xmlNode *decl, const struct cfg_rel *e)
{
	char path[512];
	bool container = has_elements(decl);
	if (e->text && container) {
		el_path(e, path, sizeof path);
		return cfg_err_set("element %s has text but is declared with elements", path);
	}
	for (const struct cfg_rel *c = e->child; c; c = c->next) {
		xmlNode *d = decl_child(decl, "element", c->name);
		if (!d) {
			el_path(c, path, sizeof path);
			return cfg_err_set("element %s is not declared in the reply schema", path);
		}
		if (check_el(d, c) < 0)
			return -1;
	}
	return 0;
}

int cfg_reply_check(const struct cfg_reply_vocab *v, const struct cfg_reply *r)
{
	if (!r || !r->root)
		return cfg_err_set("no reply");
	xmlNode *d = reply_decl(v, r->root->name);
	if (!d)
		return cfg_err_set("reply %s is not declared in the reply schema", r->root->name);
	return check_el(d, r->root);
}
