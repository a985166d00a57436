/* cfg_schema — load the schema XML (cli/schema/FORMAT.md) into cfg_schema. */
#include "cfg_schema.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#define STR_(x) #x
#define STR(x) STR_(x)
#define CFG_VNFNAME_MAX_S STR(CFG_VNFNAME_MAX)

#include "cfg_err.h"
#include "cfg_perm.h"

static char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");
	if (!d)
		abort();
	return d;
}

/* Attribute NAME of N as a malloc'ed string, or NULL. */
static char *attr(xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	if (!v)
		return NULL;
	char *s = xstrdup((const char *)v);
	xmlFree(v);
	return s;
}

static bool attr_true(xmlNode *n, const char *name)
{
	char *v = attr(n, name);
	bool t = v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0 || strcmp(v, "yes") == 0);
	free(v);
	return t;
}

static int parse_type(const char *t, enum cfg_type *out)
{
	static const struct { const char *n; enum cfg_type t; } map[] = {
		{"flag", CFG_T_FLAG}, {"string", CFG_T_STRING}, {"name", CFG_T_NAME},
		{"vnf-name", CFG_T_VNFNAME},
		{"int", CFG_T_INT}, {"enum", CFG_T_ENUM}, {"ipv4", CFG_T_IPV4},
		{"ipv4prefix", CFG_T_IPV4PFX}, {"secret", CFG_T_SECRET},
		{"password", CFG_T_PASSWORD},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(t, map[i].n) == 0) {
			*out = map[i].t;
			return 0;
		}
	return -1;
}

static void split_enums(struct cfg_schema *s, const char *values)
{
	size_t cap = 4;
	s->enums = malloc(cap * sizeof *s->enums);
	char *copy = xstrdup(values), *save = NULL;
	for (char *t = strtok_r(copy, " \t\n", &save); t; t = strtok_r(NULL, " \t\n", &save)) {
		if (s->n_enums == cap) {
			cap *= 2;
			s->enums = realloc(s->enums, cap * sizeof *s->enums);
		}
		if (!s->enums)
			abort();
		s->enums[s->n_enums++] = xstrdup(t);
	}
	free(copy);
}

static int parse_i64(const char *v, int64_t *out)
{
	char *end;
	errno = 0;
	long long x = strtoll(v, &end, 10);
	if (errno || end == v || *end)
		return -1;
	*out = x;
	return 0;
}

static void schema_free_node(struct cfg_schema *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_children; i++)
		schema_free_node(s->children[i]);
	free(s->children);
	for (size_t i = 0; i < s->n_enums; i++)
		free((char *)s->enums[i]);
	free(s->enums);
	free((char *)s->name);
	free((char *)s->help);
	free((char *)s->dflt);
	free((char *)s->ref);
	free((char *)s->target);
	free((char *)s->transform);
	free((char *)s->handler);
	free((char *)s->reply);
	free((char *)s->perm);
	free((char *)s->key_name);
	free((char *)s->key_help);
	free((char *)s->unit);
	free(s);
}

void cfg_schema_free(struct cfg_schema *root) { schema_free_node(root); }

static int add_child(struct cfg_schema *p, struct cfg_schema *c)
{
	struct cfg_schema **ch = realloc(p->children, (p->n_children + 1) * sizeof *ch);
	if (!ch)
		abort();
	p->children = ch;
	c->index = (unsigned)p->n_children;
	c->parent = p;
	c->depth = p->depth + 1;
	ch[p->n_children++] = c;
	return 0;
}

/* Value-type attributes: TYPEATTR names the type attribute ("type" or
 * "key-type"); PFX is "" or "key-" for min/max/values. */
static int load_type(xmlNode *x, struct cfg_schema *s, const char *typeattr, const char *pfx,
                     const char *file)
{
	char an[32];
	char *t = attr(x, typeattr);
	if (!t)
		t = xstrdup(s->kind == CFG_CONTAINER ? "" : "string");
	if (*t && parse_type(t, &s->type) < 0) {
		cfg_err_set("%s:%d: unknown type '%s'", file, x->line, t);
		free(t);
		return -1;
	}
	free(t);
	snprintf(an, sizeof an, "%smin", pfx);
	char *mn = attr(x, an);
	snprintf(an, sizeof an, "%smax", pfx);
	char *mx = attr(x, an);
	snprintf(an, sizeof an, "%svalues", pfx);
	char *vals = attr(x, an);
	s->min = INT64_MIN;
	s->max = INT64_MAX;
	if (s->type == CFG_T_INT) {
		s->min = 0;
		s->max = 4294967295LL;
	}
	int rc = 0;
	if ((mn && parse_i64(mn, &s->min) < 0) || (mx && parse_i64(mx, &s->max) < 0))
		rc = cfg_err_set("%s:%d: bad min/max", file, x->line);
	if (s->type == CFG_T_ENUM) {
		if (!vals)
			rc = cfg_err_set("%s:%d: enum without values", file, x->line);
		else
			split_enums(s, vals);
	}
	free(mn);
	free(mx);
	free(vals);
	return rc;
}

static struct cfg_schema *load_node(xmlNode *x, const char *file);

static int load_children(xmlNode *x, struct cfg_schema *s, const char *file)
{
	for (xmlNode *c = x->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		/* <reply> at the top of an operational schema: the vocabulary of a
		   command's reply, read by cfg_reply (cfg_reply_vocab_load) */
		if (x->parent && x->parent->type == XML_DOCUMENT_NODE && !strcmp((const char *)c->name, "reply"))
			continue;
		struct cfg_schema *ch = load_node(c, file);
		if (!ch)
			return -1;
		if (cfg_schema_child(s, ch->name) && !(ch->flags & CFG_F_POSITIONAL)) {
			cfg_err_set("%s:%d: duplicate statement '%s'", file, c->line, ch->name);
			schema_free_node(ch);
			return -1;
		}
		add_child(s, ch);
	}
	return 0;
}

static struct cfg_schema *load_node(xmlNode *x, const char *file)
{
	struct cfg_schema *s = calloc(1, sizeof *s);
	if (!s)
		abort();
	const char *el = (const char *)x->name;
	if (strcmp(el, "container") == 0)
		s->kind = CFG_CONTAINER;
	else if (strcmp(el, "list") == 0)
		s->kind = CFG_LIST;
	else if (strcmp(el, "leaf") == 0)
		s->kind = CFG_LEAF;
	else if (strcmp(el, "leaf-list") == 0)
		s->kind = CFG_LEAFLIST;
	else {
		cfg_err_set("%s:%d: unknown element <%s>", file, x->line, el);
		free(s);
		return NULL;
	}
	s->name = attr(x, "name");
	if (!s->name || !*s->name) {
		cfg_err_set("%s:%d: <%s> without name", file, x->line, el);
		schema_free_node(s);
		return NULL;
	}
	s->help = attr(x, "help");
	if (!s->help)
		s->help = xstrdup("");
	s->dflt = attr(x, "default");
	s->ref = attr(x, "ref");
	s->target = attr(x, "target");
	s->transform = attr(x, "transform");
	s->handler = attr(x, "handler");
	s->reply = attr(x, "reply");
	s->unit = attr(x, "unit");
	s->perm = attr(x, "perm");
	if (s->perm) {
		cfg_perms pb;
		if (cfg_perm_lookup(s->perm, &pb) < 0) {
			cfg_err_set("%s:%d: unknown permission '%s'", file, x->line, s->perm);
			schema_free_node(s);
			return NULL;
		}
	}
	if (attr_true(x, "mandatory"))
		s->flags |= CFG_F_MANDATORY;
	if (attr_true(x, "presence"))
		s->flags |= CFG_F_PRESENCE;
	if (attr_true(x, "positional"))
		s->flags |= CFG_F_POSITIONAL;
	if (attr_true(x, "ordered"))
		s->flags |= CFG_F_ORDERED;
	if (attr_true(x, "unique"))
		s->flags |= CFG_F_UNIQUE;
	if (attr_true(x, "hidden"))
		s->flags |= CFG_F_HIDDEN;
	if (attr_true(x, "multi"))
		s->flags |= CFG_F_MULTI;
	if (attr_true(x, "rest"))
		s->flags |= CFG_F_REST;
	if (attr_true(x, "flat"))
		s->flags |= CFG_F_FLAT;
	if (attr_true(x, "nopipe"))
		s->flags |= CFG_F_NOPIPE;
	if (s->unit)
		s->flags |= CFG_F_UNIT;

	int rc = 0;
	if (s->kind == CFG_LIST) {
		s->key_name = attr(x, "key");
		if (!s->key_name)
			s->key_name = xstrdup("name");
		s->key_help = attr(x, "key-help");
		if (!s->key_help)
			s->key_help = xstrdup("");
		rc = load_type(x, s, "key-type", "key-", file);
	} else if (s->kind == CFG_LEAF || s->kind == CFG_LEAFLIST) {
		rc = load_type(x, s, "type", "", file);
	}
	if (rc == 0 && s->transform && !s->target)
		rc = cfg_err_set("%s:%d: transform leaf '%s' without target", file, x->line, s->name);
	if (rc == 0 && s->type == CFG_T_PASSWORD && !s->target)
		rc = cfg_err_set("%s:%d: password leaf '%s' without target", file, x->line, s->name);
	if (rc == 0 && (s->kind == CFG_CONTAINER || s->kind == CFG_LIST))
		rc = load_children(x, s, file);
	else if (rc == 0 && x->children) {
		for (xmlNode *c = x->children; c; c = c->next)
			if (c->type == XML_ELEMENT_NODE) {
				rc = cfg_err_set("%s:%d: <%s> cannot have children", file, x->line, el);
				break;
			}
	}
	if (rc < 0) {
		schema_free_node(s);
		return NULL;
	}
	return s;
}

static struct cfg_schema *load_doc(xmlDoc *doc, const char *file)
{
	xmlNode *root = xmlDocGetRootElement(doc);
	if (!root || strcmp((const char *)root->name, "schema") != 0) {
		cfg_err_set("%s: root element must be <schema>", file);
		return NULL;
	}
	struct cfg_schema *s = calloc(1, sizeof *s);
	if (!s)
		abort();
	s->kind = CFG_CONTAINER;
	s->name = attr(root, "name");
	if (!s->name)
		s->name = xstrdup("");
	s->help = xstrdup("");
	if (load_children(root, s, file) < 0) {
		schema_free_node(s);
		return NULL;
	}
	return s;
}

struct cfg_schema *cfg_schema_load_mem(const char *buf, size_t len, const char *name)
{
	xmlDoc *doc = xmlReadMemory(buf, (int)len, name, NULL,
	                            XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
	                                XML_PARSE_NOWARNING);
	if (!doc) {
		const xmlError *e = xmlGetLastError();
		cfg_err_set("%s:%d: %s", name, e ? e->line : 0, e && e->message ? e->message : "bad XML");
		return NULL;
	}
	struct cfg_schema *s = load_doc(doc, name);
	xmlFreeDoc(doc);
	return s;
}

struct cfg_schema *cfg_schema_load(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		cfg_err_set("%s: %s", path, strerror(errno));
		return NULL;
	}
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	char chunk[65536];
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (len + n > cap) {
			cap = (len + n) * 2;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		memcpy(buf + len, chunk, n);
		len += n;
	}
	fclose(f);
	struct cfg_schema *s = cfg_schema_load_mem(buf ? buf : "", len, path);
	free(buf);
	return s;
}

const struct cfg_schema *cfg_schema_child(const struct cfg_schema *s, const char *name)
{
	for (size_t i = 0; i < s->n_children; i++) {
		const struct cfg_schema *c = s->children[i];
		if (!(c->flags & CFG_F_POSITIONAL) && strcmp(c->name, name) == 0)
			return c;
	}
	return NULL;
}

const struct cfg_schema *cfg_schema_positional(const struct cfg_schema *s)
{
	for (size_t i = 0; i < s->n_children; i++)
		if (s->children[i]->flags & CFG_F_POSITIONAL)
			return s->children[i];
	return NULL;
}

static int check_name(const char *v)
{
	size_t n = strlen(v);
	if (n == 0 || n > 64 || v[0] == '-')
		return -1;
	for (const char *p = v; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.:/*-", *p))
			return -1;
	return 0;
}

/* CFG_T_VNFNAME: the reason V is not one, or NULL. */
static const char *vnfname_bad(const char *v)
{
	size_t n = strlen(v);
	if (n == 0)
		return "empty";
	if (n > CFG_VNFNAME_MAX)
		return "longer than " CFG_VNFNAME_MAX_S " characters";
	if (v[0] == '.' || v[0] == '-')
		return "it must not start with '.' or '-'";
	for (const char *p = v; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.-", *p))
			return "only letters, digits, '_', '.' and '-' are allowed";
	return NULL;
}

static int check_ipv4(const char *v)
{
	struct in_addr a;
	int dots = 0;
	for (const char *p = v; *p; p++) {
		if (*p == '.')
			dots++;
		else if (!isdigit((unsigned char)*p))
			return -1;
	}
	return dots == 3 && inet_pton(AF_INET, v, &a) == 1 ? 0 : -1;
}

int cfg_schema_check_value(const struct cfg_schema *s, const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return cfg_err_set("invalid control character in value");
	switch (s->type) {
	case CFG_T_NONE:
	case CFG_T_FLAG:
	case CFG_T_PASSWORD:
		return cfg_err_set("statement takes no value");
	case CFG_T_STRING:
	case CFG_T_SECRET:
		if (strlen(v) > 1024)
			return cfg_err_set("value too long (max 1024 characters)");
		return 0;
	case CFG_T_NAME:
		if (check_name(v) < 0)
			return cfg_err_set("invalid name '%s'", v);
		return 0;
	case CFG_T_VNFNAME: {
		const char *why = vnfname_bad(v);
		if (why)
			return cfg_err_set("invalid VNF name '%.*s%s' (%s)", 40, v, strlen(v) > 40 ? "..." : "",
			                   why);
		return 0;
	}
	case CFG_T_INT: {
		int64_t x;
		const char *p = v;
		if (*p == '-')
			p++;
		if (!*p || strspn(p, "0123456789") != strlen(p) || strlen(p) > 18 || parse_i64(v, &x) < 0)
			return cfg_err_set("invalid numeric value: '%s'", v);
		if (x < s->min || x > s->max)
			return cfg_err_set("Value %s is not within range (%" PRId64 "..%" PRId64 ")", v, s->min,
			                   s->max);
		return 0;
	}
	case CFG_T_ENUM:
		for (size_t i = 0; i < s->n_enums; i++)
			if (strcmp(s->enums[i], v) == 0)
				return 0;
		return cfg_err_set("invalid value '%s'", v);
	case CFG_T_IPV4:
		if (check_ipv4(v) < 0)
			return cfg_err_set("invalid ip address or hostname: %s", v);
		return 0;
	case CFG_T_IPV4PFX: {
		const char *slash = strchr(v, '/');
		char ip[32];
		if (!slash || (size_t)(slash - v) >= sizeof ip)
			return cfg_err_set("invalid prefix: %s (expected A.B.C.D/N)", v);
		memcpy(ip, v, (size_t)(slash - v));
		ip[slash - v] = '\0';
		const char *len = slash + 1;
		if (check_ipv4(ip) < 0 || !*len || strlen(len) > 2 || strspn(len, "0123456789") != strlen(len) ||
		    atoi(len) > 32)
			return cfg_err_set("invalid prefix: %s (expected A.B.C.D/N)", v);
		return 0;
	}
	}
	return 0;
}

const char *cfg_schema_placeholder(const struct cfg_schema *s, char *buf, size_t n)
{
	const char *nm = s->kind == CFG_LIST ? s->key_name : s->name;
	if (s->kind == CFG_LIST || (s->flags & CFG_F_POSITIONAL) || s->kind == CFG_LEAF ||
	    s->kind == CFG_LEAFLIST)
		snprintf(buf, n, "<%s>", nm);
	else
		snprintf(buf, n, "%s", nm);
	return buf;
}
