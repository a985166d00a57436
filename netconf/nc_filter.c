/* nc_filter — subtree filters. See nc_filter.h. */
#include "nc_filter.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlsave.h>

static bool is_elem(xmlNodePtr n) { return n && n->type == XML_ELEMENT_NODE; }

static bool has_elem_child(xmlNodePtr n)
{
	for (xmlNodePtr k = n->children; k; k = k->next)
		if (is_elem(k))
			return true;
	return false;
}

/* The trimmed text of N compared with S. */
static bool text_is(xmlNodePtr n, const char *s)
{
	xmlChar *t = xmlNodeGetContent(n);
	const char *a = t ? (const char *)t : "";
	while (isspace((unsigned char)*a))
		a++;
	size_t l = strlen(a);
	while (l && isspace((unsigned char)a[l - 1]))
		l--;
	bool r = strlen(s) == l && !strncmp(a, s, l);
	xmlFree(t);
	return r;
}

static char *trimmed(xmlNodePtr n)
{
	xmlChar *t = xmlNodeGetContent(n);
	const char *a = t ? (const char *)t : "";
	while (isspace((unsigned char)*a))
		a++;
	size_t l = strlen(a);
	while (l && isspace((unsigned char)a[l - 1]))
		l--;
	char *r = strndup(a, l);
	xmlFree(t);
	return r;
}

static bool is_content_match(xmlNodePtr f)
{
	if (has_elem_child(f))
		return false;
	char *t = trimmed(f);
	bool r = t && *t;
	free(t);
	return r;
}

static bool same_name(xmlNodePtr a, xmlNodePtr b) { return !strcmp((const char *)a->name, (const char *)b->name); }

/* D filtered by the children of F into a new node (NULL: not selected). */
static xmlNodePtr filt(xmlNodePtr d, xmlNodePtr f, xmlDocPtr doc)
{
	if (!has_elem_child(f))
		return xmlDocCopyNode(d, doc, 1);
	/* every content match must hold */
	bool others = false;
	for (xmlNodePtr c = f->children; c; c = c->next) {
		if (!is_elem(c))
			continue;
		if (!is_content_match(c)) {
			others = true;
			continue;
		}
		char *want = trimmed(c);
		bool found = false;
		for (xmlNodePtr k = d->children; k && !found; k = k->next)
			found = is_elem(k) && same_name(k, c) && text_is(k, want);
		free(want);
		if (!found)
			return NULL;
	}
	if (!others)
		return xmlDocCopyNode(d, doc, 1);
	xmlNodePtr r = xmlDocCopyNode(d, doc, 2);
	bool any = false;
	for (xmlNodePtr k = d->children; k; k = k->next) {
		if (!is_elem(k))
			continue;
		bool cm = false;
		xmlNodePtr sel = NULL;
		for (xmlNodePtr c = f->children; c; c = c->next)
			if (is_elem(c) && same_name(k, c)) {
				if (is_content_match(c))
					cm = true;
				else
					sel = sel ? sel : c;
			}
		if (cm) {
			xmlAddChild(r, xmlDocCopyNode(k, doc, 1));
			continue;
		}
		if (!sel)
			continue;
		/* several filter nodes of one name (list entries): the first that selects */
		for (xmlNodePtr c = sel; c; c = c->next) {
			if (!is_elem(c) || !same_name(k, c) || is_content_match(c))
				continue;
			xmlNodePtr x = filt(k, c, doc);
			if (x) {
				xmlAddChild(r, x);
				any = true;
				break;
			}
		}
	}
	if (!any) {
		xmlFreeNode(r);
		return NULL;
	}
	return r;
}

void nc_filter_apply(struct cfg_buf *out, const char *conf, size_t len, xmlNodePtr filter)
{
	xmlDocPtr in = xmlReadMemory(conf, (int)len, "config.xml", NULL,
	                             XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	                                 XML_PARSE_NOBLANKS | XML_PARSE_HUGE);
	xmlNodePtr root = in ? xmlDocGetRootElement(in) : NULL;
	if (!root) {
		xmlFreeDoc(in);
		return;
	}
	/* the filter as a <configuration> element */
	xmlNodePtr f = filter;
	for (xmlNodePtr k = filter->children; k; k = k->next)
		if (is_elem(k) && !strcmp((const char *)k->name, "configuration")) {
			f = k;
			break;
		}
	xmlDocPtr od = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr r = has_elem_child(f) ? filt(root, f, od) : xmlDocCopyNode(root, od, 1);
	if (!r && f == filter && !has_elem_child(f))
		r = xmlDocCopyNode(root, od, 1);
	if (!r && has_elem_child(f))
		r = xmlDocCopyNode(root, od, 2); /* nothing matched: an empty <configuration> */
	if (r) {
		xmlDocSetRootElement(od, r);
		xmlBufferPtr xb = xmlBufferCreate();
		xmlSaveCtxtPtr sc = xmlSaveToBuffer(xb, "UTF-8", XML_SAVE_NO_DECL | XML_SAVE_FORMAT);
		xmlSaveDoc(sc, od);
		xmlSaveClose(sc);
		cfg_buf_add(out, (const char *)xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
		xmlBufferFree(xb);
	}
	xmlFreeDoc(od);
	xmlFreeDoc(in);
}
