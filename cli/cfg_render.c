/* cfg_render — configuration as text (see cfg_render.h).
 *
 * Also implements cfg_quote() (declared in cfg_parse.h) so that every
 * renderer and the parsers agree on one quoting rule.
 *
 * Nothing here allocates except the temporary index used by compare for
 * large lists (freed before returning); all output goes to the caller's
 * cfg_buf.
 */
#include "cfg_render.h"
#include "cfg_reply.h"
#include "cfg_parse.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------------ */
/* quoting                                                             */

static bool quote_needed(const char *v)
{
	if (!*v)
		return true;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		switch (*p) {
		case ' ': case '\t': case ';': case '{': case '}': case '[': case ']':
		case '#': case '"': case '\'':
			return true;
		case '/':
			if (p[1] == '*') /* would start a comment in the curly format */
				return true;
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				return true;
		}
	}
	return false;
}

static void quote_always(struct cfg_buf *b, const char *v)
{
	cfg_buf_putc(b, '"');
	const char *run = v;
	for (const char *p = v; *p; p++) {
		if (*p == '"' || *p == '\\') {
			cfg_buf_add(b, run, (size_t)(p - run));
			cfg_buf_putc(b, '\\');
			run = p;
		}
	}
	cfg_buf_puts(b, run);
	cfg_buf_putc(b, '"');
}

void cfg_quote(struct cfg_buf *b, const char *value)
{
	if (!value)
		value = "";
	if (quote_needed(value))
		quote_always(b, value);
	else
		cfg_buf_puts(b, value);
}

static bool is_secret(const struct cfg_schema *s) { return s->type == CFG_T_SECRET; }

/* N's value is a secret this output may not show. */
static bool hidden(const struct cfg_node *n, unsigned opts)
{
	return is_secret(n->schema) && n->value && !(opts & CFG_R_SECRETS);
}

static void put_value(struct cfg_buf *b, const struct cfg_node *n, unsigned opts)
{
	if (hidden(n, opts))
		cfg_buf_puts(b, CFG_RENDER_SECRET_HIDDEN);
	else if (is_secret(n->schema))
		quote_always(b, n->value ? n->value : "");
	else
		cfg_quote(b, n->value);
}

static bool is_flag(const struct cfg_schema *s)
{
	return s->kind == CFG_LEAF && (s->type == CFG_T_FLAG || s->type == CFG_T_PASSWORD);
}

static bool positional(const struct cfg_schema *s) { return (s->flags & CFG_F_POSITIONAL) != 0; }

static bool skip_node(const struct cfg_node *n, unsigned opts)
{
	return (opts & CFG_R_NOINACTIVE) && (n->flags & CFG_N_INACTIVE);
}

/* A leaf's, leaf-list item's or list entry's keyword (unless positional or
 * NOKW) and value: `vlan-id 200`, `v200`. */
static void put_kw_value(struct cfg_buf *b, const struct cfg_node *n, unsigned opts, bool nokw)
{
	if (!positional(n->schema) && !nokw) {
		cfg_buf_puts(b, n->schema->name);
		cfg_buf_putc(b, ' ');
	}
	put_value(b, n, opts);
}

/* ------------------------------------------------------------------ */
/* paths                                                               */

/* The words of one path element. LEAFVAL: include a single leaf's value
 * (positional leaves always show theirs: it is their only word). */
static void step_words(struct cfg_buf *b, const struct cfg_node *n, bool leafval, unsigned opts)
{
	const struct cfg_schema *s = n->schema;
	switch (s->kind) {
	case CFG_CONTAINER:
		cfg_buf_puts(b, s->name);
		break;
	case CFG_LIST:
	case CFG_LEAFLIST:
		put_kw_value(b, n, opts, false);
		break;
	case CFG_LEAF:
		if (is_flag(s) || !n->value) {
			cfg_buf_puts(b, s->name);
		} else if (positional(s)) {
			put_value(b, n, opts);
		} else {
			cfg_buf_puts(b, s->name);
			if (leafval) {
				cfg_buf_putc(b, ' ');
				put_value(b, n, opts);
			}
		}
		break;
	}
}

/* Words from below STOP (exclusive; NULL = the root) down to N. Returns
 * whether anything was written. Paths never show a secret value (edit
 * paths, headers and findings are read by everyone): OPTS 0 everywhere but
 * in `display set` lines. */
static bool path_words(struct cfg_buf *b, const struct cfg_node *n, const struct cfg_node *stop,
                       bool leafval, unsigned opts)
{
	if (!n || n == stop || !n->parent)
		return false;
	bool any = path_words(b, n->parent, stop, true, opts);
	if (any)
		cfg_buf_putc(b, ' ');
	step_words(b, n, leafval, opts);
	return true;
}

void cfg_render_path_words(struct cfg_buf *b, const struct cfg_node *n)
{
	cfg_buf_add(b, "", 0);
	path_words(b, n, NULL, true, 0);
}

void cfg_render_edit_path(struct cfg_buf *b, const struct cfg_node *n)
{
	cfg_buf_puts(b, "[edit");
	if (n && n->parent) {
		cfg_buf_putc(b, ' ');
		path_words(b, n, NULL, true, 0);
	}
	cfg_buf_putc(b, ']');
}

/* ------------------------------------------------------------------ */
/* curly                                                               */

struct curly {
	struct cfg_buf *b;
	unsigned opts;
	char sign; /* compare: '+' / '-' in front of every line, or 0 */
	const char *prefix; /* keyword of a CFG_F_FLAT parent to print before the
	                       next statement's own keyword (`family inet`) */
};

/* Print and consume the flat parent's keyword. */
static void flat_prefix(struct curly *c)
{
	if (!c->prefix)
		return;
	cfg_buf_puts(c->b, c->prefix);
	cfg_buf_putc(c->b, ' ');
	c->prefix = NULL;
}

static void line_start(struct curly *c, unsigned indent)
{
	if (c->sign)
		cfg_buf_putc(c->b, c->sign);
	cfg_buf_indent(c->b, indent);
}

static void annotation(struct curly *c, const struct cfg_node *n, unsigned indent)
{
	if (!n->annotation)
		return;
	line_start(c, indent);
	cfg_buf_puts(c->b, "/* ");
	cfg_buf_puts(c->b, n->annotation);
	cfg_buf_puts(c->b, " */\n");
}

/* A run of leaf-list items that print as one statement: same schema, same
 * flags, no annotation after the first. */
static const struct cfg_node *leaflist_run_end(const struct cfg_node *first)
{
	const struct cfg_node *j = first->next;
	while (j && j->schema == first->schema && (j->flags & CFG_N_INACTIVE) == (first->flags & CFG_N_INACTIVE) && !j->annotation)
		j = j->next;
	return j;
}

/* One leaf-list statement for items [FIRST, END). */
static void curly_leaflist(struct curly *c, const struct cfg_node *first,
                           const struct cfg_node *end, unsigned indent)
{
	const struct cfg_schema *s = first->schema;
	annotation(c, first, indent);
	line_start(c, indent);
	if (first->flags & CFG_N_INACTIVE)
		cfg_buf_puts(c->b, "inactive: ");
	flat_prefix(c);
	if (!positional(s)) {
		cfg_buf_puts(c->b, s->name);
		cfg_buf_putc(c->b, ' ');
	}
	if (first->next == end) {
		put_value(c->b, first, c->opts);
	} else {
		cfg_buf_puts(c->b, "[ ");
		for (const struct cfg_node *i = first; i != end; i = i->next) {
			put_value(c->b, i, c->opts);
			cfg_buf_putc(c->b, ' ');
		}
		cfg_buf_putc(c->b, ']');
	}
	cfg_buf_puts(c->b, ";\n");
}

static void curly_children(struct curly *c, const struct cfg_node *parent, unsigned indent);

static bool has_shown_children(const struct curly *c, const struct cfg_node *n)
{
	for (const struct cfg_node *k = n->child; k; k = k->next)
		if (!skip_node(k, c->opts))
			return true;
	return false;
}

/* One statement (N and its subtree), not a leaf-list. NOKW: a list entry is
 * printed without its list keyword (compare, under `[edit ... list]`). */
static void curly_node(struct curly *c, const struct cfg_node *n, unsigned indent, bool nokw)
{
	const struct cfg_schema *s = n->schema;
	annotation(c, n, indent);
	line_start(c, indent);
	if (n->flags & CFG_N_INACTIVE)
		cfg_buf_puts(c->b, "inactive: ");
	flat_prefix(c);
	switch (s->kind) {
	case CFG_LEAF:
		if (is_flag(s) || !n->value) {
			cfg_buf_puts(c->b, s->name);
		} else {
			put_kw_value(c->b, n, c->opts, false);
		}
		cfg_buf_putc(c->b, ';');
		if (is_secret(s) && n->value && !hidden(n, c->opts))
			cfg_buf_puts(c->b, " ## SECRET-DATA");
		cfg_buf_putc(c->b, '\n');
		return;
	case CFG_LEAFLIST: /* a single item (callers group runs) */
		put_kw_value(c->b, n, c->opts, false);
		cfg_buf_puts(c->b, ";\n");
		return;
	case CFG_LIST:
		put_kw_value(c->b, n, c->opts, nokw);
		break;
	case CFG_CONTAINER:
		cfg_buf_puts(c->b, s->name);
		break;
	}
	if (!has_shown_children(c, n)) {
		cfg_buf_puts(c->b, ";\n");
		return;
	}
	cfg_buf_puts(c->b, " {\n");
	curly_children(c, n, indent + 4);
	line_start(c, indent);
	cfg_buf_puts(c->b, "}\n");
}

static void curly_children(struct curly *c, const struct cfg_node *parent, unsigned indent)
{
	const struct cfg_node *k = parent->child;
	while (k) {
		if (skip_node(k, c->opts)) {
			k = k->next;
			continue;
		}
		if (k->schema->kind == CFG_LEAFLIST) {
			const struct cfg_node *end = leaflist_run_end(k);
			curly_leaflist(c, k, end, indent);
			k = end;
			continue;
		}
		if ((k->schema->flags & CFG_F_FLAT) && !k->annotation && !(k->flags & CFG_N_INACTIVE) &&
		    has_shown_children(c, k)) {
			/* `family inet { ... }`: one statement per child */
			for (const struct cfg_node *ch = k->child; ch;) {
				if (skip_node(ch, c->opts)) {
					ch = ch->next;
					continue;
				}
				c->prefix = k->schema->name;
				if (ch->schema->kind == CFG_LEAFLIST) {
					const struct cfg_node *end = leaflist_run_end(ch);
					curly_leaflist(c, ch, end, indent);
					ch = end;
				} else {
					curly_node(c, ch, indent, false);
					ch = ch->next;
				}
			}
			k = k->next;
			continue;
		}
		curly_node(c, k, indent, false);
		k = k->next;
	}
}

void cfg_render_curly(struct cfg_buf *b, const struct cfg_node *at, unsigned indent, unsigned opts)
{
	cfg_buf_add(b, "", 0);
	if (!at)
		return;
	struct curly c = { b, opts, 0 };
	if (at->parent && (at->schema->kind == CFG_LEAF || at->schema->kind == CFG_LEAFLIST)) {
		if (!skip_node(at, opts))
			curly_node(&c, at, indent, false);
		return;
	}
	curly_children(&c, at, indent);
}

void cfg_render_curly_node(struct cfg_buf *b, const struct cfg_node *n, unsigned indent, unsigned opts)
{
	cfg_buf_add(b, "", 0);
	if (!n || skip_node(n, opts))
		return;
	struct curly c = { b, opts, 0 };
	if (!n->parent) {
		curly_children(&c, n, indent);
		return;
	}
	curly_node(&c, n, indent, false);
}

/* ------------------------------------------------------------------ */
/* display set                                                         */

struct setr {
	struct cfg_buf *b;
	struct cfg_buf path; /* words of the current parent's path (below the
	                        stop node): extended going down, cut going up, so
	                        each line costs one step, not its whole depth */
	unsigned opts;
};

static void set_line(struct setr *r, const char *verb, const struct cfg_node *n, bool leafval)
{
	cfg_buf_puts(r->b, verb);
	cfg_buf_putc(r->b, ' ');
	if (r->path.len) {
		cfg_buf_add(r->b, r->path.p, r->path.len);
		cfg_buf_putc(r->b, ' ');
	}
	step_words(r->b, n, leafval, r->opts);
}

static void set_meta(struct setr *r, const struct cfg_node *n)
{
	bool val = positional(n->schema) || n->schema->kind != CFG_LEAF;
	if (n->flags & CFG_N_INACTIVE) {
		set_line(r, "deactivate", n, val);
		cfg_buf_putc(r->b, '\n');
	}
	if ((r->opts & CFG_R_FULL) && n->annotation) {
		set_line(r, "annotate", n, val);
		cfg_buf_putc(r->b, ' ');
		quote_always(r->b, n->annotation);
		cfg_buf_putc(r->b, '\n');
	}
}

static void set_node(struct setr *r, const struct cfg_node *n)
{
	if (skip_node(n, r->opts))
		return;
	if (n->child) {
		size_t keep = r->path.len;
		if (keep)
			cfg_buf_putc(&r->path, ' ');
		step_words(&r->path, n, true, r->opts);
		bool any = false;
		for (const struct cfg_node *k = n->child; k; k = k->next) {
			if (!skip_node(k, r->opts)) {
				set_node(r, k);
				any = true;
			}
		}
		r->path.len = keep;
		r->path.p[keep] = '\0';
		if (!any) { /* every child hidden: the node alone */
			set_line(r, "set", n, true);
			cfg_buf_putc(r->b, '\n');
		}
	} else {
		set_line(r, "set", n, true);
		cfg_buf_putc(r->b, '\n');
	}
	set_meta(r, n);
}

void cfg_render_set(struct cfg_buf *b, const struct cfg_node *at, bool relative, unsigned opts)
{
	cfg_buf_add(b, "", 0);
	if (!at)
		return;
	struct setr r = { b, {0}, opts };
	cfg_buf_add(&r.path, "", 0);
	if (at->parent && !at->child) { /* a leaf or empty statement: itself */
		if (!relative)
			path_words(&r.path, at->parent, NULL, true, opts);
		set_node(&r, at);
		cfg_buf_free(&r.path);
		return;
	}
	if (skip_node(at, opts)) {
		cfg_buf_free(&r.path);
		return;
	}
	if (!relative)
		path_words(&r.path, at, NULL, true, opts);
	for (const struct cfg_node *k = at->child; k; k = k->next)
		set_node(&r, k);
	if (!relative && at->parent) { /* AT's own deactivate / annotate */
		cfg_buf_reset(&r.path);
		path_words(&r.path, at->parent, NULL, true, opts);
		set_meta(&r, at);
	}
	cfg_buf_free(&r.path);
}

/* ------------------------------------------------------------------ */
/* compare                                                             */

struct cmp {
	struct cfg_buf *b;
	const struct cfg_node *hdr_node;  /* level of the last header printed */
	const struct cfg_schema *hdr_list;
	bool hdr_valid;
	unsigned opts; /* CFG_R_SECRETS or 0 */
};

static void cmp_header(struct cmp *c, const struct cfg_node *level, const struct cfg_schema *list)
{
	if (c->hdr_valid && c->hdr_node == level && c->hdr_list == list)
		return;
	c->hdr_valid = true;
	c->hdr_node = level;
	c->hdr_list = list;
	cfg_buf_puts(c->b, "[edit");
	if (level->parent) {
		cfg_buf_putc(c->b, ' ');
		path_words(c->b, level, NULL, true, 0);
	}
	if (list) {
		cfg_buf_putc(c->b, ' ');
		cfg_buf_puts(c->b, list->name);
	}
	cfg_buf_puts(c->b, "]\n");
}

/* Print a whole statement with SIGN under the header of LEVEL. */
static void cmp_stmt(struct cmp *c, char sign, const struct cfg_node *level, const struct cfg_node *n)
{
	const struct cfg_schema *s = n->schema;
	bool kwlist = s->kind == CFG_LIST && !positional(s);
	struct curly cu = { c->b, c->opts & CFG_R_SECRETS, sign, NULL };
	if ((level->schema->flags & CFG_F_FLAT) && level->parent && !kwlist) {
		/* under `family`: `[edit ... unit 0]` then `+    family inet {` */
		cmp_header(c, level->parent, NULL);
		cu.prefix = level->schema->name;
	} else {
		cmp_header(c, level, kwlist ? s : NULL);
	}
	curly_node(&cu, n, 4, kwlist);
}

static void cmp_leaflist(struct cmp *c, char sign, const struct cfg_node *level,
                         const struct cfg_node *first, const struct cfg_node *end)
{
	cmp_header(c, level, NULL);
	struct curly cu = { c->b, c->opts & CFG_R_SECRETS, sign, NULL };
	const struct cfg_node *k = first;
	while (k != end) {
		const struct cfg_node *e = leaflist_run_end(k);
		/* never run past END */
		const struct cfg_node *x = k->next;
		while (x != e && x != end)
			x = x->next;
		curly_leaflist(&cu, k, x, 4);
		k = x;
	}
}

static bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool same_head(const struct cfg_node *a, const struct cfg_node *b)
{
	return (a->flags & CFG_N_INACTIVE) == (b->flags & CFG_N_INACTIVE) &&
	       str_eq(a->annotation, b->annotation);
}

static void cmp_level(struct cmp *c, const struct cfg_node *o, const struct cfg_node *n);

/* The head of statement N on one line, its subtree abbreviated as Junos
 * abbreviates it in `show | compare` (`v200 { ... }`, `vlan-id 200;`),
 * after SIGN and WHAT ("inactive: ", "active: " or ""). */
static void cmp_head_line(struct cmp *c, char sign, const char *what, const struct cfg_node *level,
                          const struct cfg_node *n)
{
	const struct cfg_schema *s = n->schema;
	bool kwlist = s->kind == CFG_LIST && !positional(s);
	struct curly cu = { c->b, c->opts & CFG_R_SECRETS, sign, NULL };
	if ((level->schema->flags & CFG_F_FLAT) && level->parent && !kwlist) {
		cmp_header(c, level->parent, NULL);
		cu.prefix = level->schema->name;
	} else {
		cmp_header(c, level, kwlist ? s : NULL);
	}
	line_start(&cu, 4);
	cfg_buf_puts(c->b, what);
	flat_prefix(&cu);
	switch (s->kind) {
	case CFG_LEAF:
		if (is_flag(s) || !n->value) {
			cfg_buf_puts(c->b, s->name);
		} else {
			put_kw_value(c->b, n, c->opts, false);
		}
		cfg_buf_puts(c->b, ";\n");
		return;
	case CFG_LEAFLIST:
	case CFG_LIST:
		put_kw_value(c->b, n, c->opts, kwlist);
		break;
	case CFG_CONTAINER:
		cfg_buf_puts(c->b, s->name);
		break;
	}
	cfg_buf_puts(c->b, n->child ? " { ... }\n" : ";\n");
}

/* O and N are the same statement with another inactive flag or annotation:
 * Junos shows `!    inactive: v200 { ... }` (`!    active: ...` when
 * activated) and a changed comment alone, `-`/`+` before the statement's
 * head (Junos OS CLI User Guide, "Display the Differences": deactivate and
 * annotate), then what changed inside. */
static void cmp_meta(struct cmp *c, const struct cfg_node *level, const struct cfg_node *o,
                     const struct cfg_node *n)
{
	bool oi = (o->flags & CFG_N_INACTIVE) != 0, ni = (n->flags & CFG_N_INACTIVE) != 0;
	if (!str_eq(o->annotation, n->annotation)) {
		struct curly cu = { c->b, c->opts & CFG_R_SECRETS, 0, NULL };
		const struct cfg_schema *s = n->schema;
		bool kwlist = s->kind == CFG_LIST && !positional(s);
		if ((level->schema->flags & CFG_F_FLAT) && level->parent && !kwlist)
			cmp_header(c, level->parent, NULL);
		else
			cmp_header(c, level, kwlist ? s : NULL);
		if (o->annotation) {
			cu.sign = '-';
			annotation(&cu, o, 4);
		}
		if (n->annotation) {
			cu.sign = '+';
			annotation(&cu, n, 4);
		}
		if (oi == ni)
			cmp_head_line(c, ' ', ni ? "inactive: " : "", level, n);
	}
	if (oi != ni)
		cmp_head_line(c, '!', ni ? "inactive: " : "active: ", level, n);
}

/* small open-addressing index: value -> position, for list matching */
static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static void cmp_list(struct cmp *c, const struct cfg_node *level, const struct cfg_node *os,
                     const struct cfg_node *oe, const struct cfg_node *ns, const struct cfg_node *ne)
{
	size_t no = 0;
	for (const struct cfg_node *k = os; k != oe; k = k->next)
		no++;
	const struct cfg_node **ov = malloc((no ? no : 1) * sizeof *ov);
	bool *matched = calloc(no ? no : 1, sizeof *matched);
	size_t cap = 16;
	while (cap < no * 2)
		cap *= 2;
	size_t *slot = malloc(cap * sizeof *slot); /* index + 1, 0 = empty */
	if (!ov || !matched || !slot)
		abort();
	memset(slot, 0, cap * sizeof *slot);
	size_t i = 0;
	for (const struct cfg_node *k = os; k != oe; k = k->next, i++) {
		ov[i] = k;
		size_t h = (size_t)str_hash(k->value ? k->value : "") & (cap - 1);
		while (slot[h])
			h = (h + 1) & (cap - 1);
		slot[h] = i + 1;
	}
	size_t op = 0; /* old entries before op are handled */
	for (const struct cfg_node *e = ns; e != ne; e = e->next) {
		const char *v = e->value ? e->value : "";
		size_t h = (size_t)str_hash(v) & (cap - 1);
		size_t j = SIZE_MAX;
		while (slot[h]) {
			size_t cand = slot[h] - 1;
			if (!matched[cand] && strcmp(ov[cand]->value ? ov[cand]->value : "", v) == 0) {
				j = cand;
				break;
			}
			h = (h + 1) & (cap - 1);
		}
		if (j == SIZE_MAX) {
			cmp_stmt(c, '+', level, e);
			continue;
		}
		matched[j] = true;
		for (; op < j; op++)
			if (!matched[op])
				cmp_stmt(c, '-', level, ov[op]);
		if (op == j)
			op++;
		if (!same_head(ov[j], e))
			cmp_meta(c, level, ov[j], e);
		cmp_level(c, ov[j], e);
	}
	for (; op < no; op++)
		if (!matched[op])
			cmp_stmt(c, '-', level, ov[op]);
	free(slot);
	free(matched);
	free(ov);
}

static bool leaflist_equal(const struct cfg_node *os, const struct cfg_node *oe,
                           const struct cfg_node *ns, const struct cfg_node *ne)
{
	while (os != oe && ns != ne) {
		if (!str_eq(os->value, ns->value) || !same_head(os, ns))
			return false;
		os = os->next;
		ns = ns->next;
	}
	return os == oe && ns == ne;
}

static const struct cfg_node *group_end(const struct cfg_node *k)
{
	const struct cfg_schema *s = k->schema;
	while (k && k->schema == s)
		k = k->next;
	return k;
}

/* Compare the children of O and N (the same place; either may be NULL). */
static void cmp_level(struct cmp *c, const struct cfg_node *o, const struct cfg_node *n)
{
	const struct cfg_node *level = n ? n : o;
	const struct cfg_node *ok = o ? o->child : NULL, *nk = n ? n->child : NULL;
	while (ok || nk) {
		const struct cfg_schema *s;
		if (!ok)
			s = nk->schema;
		else if (!nk)
			s = ok->schema;
		else
			s = ok->schema->index <= nk->schema->index ? ok->schema : nk->schema;
		const struct cfg_node *os = NULL, *oe = NULL, *ns = NULL, *ne = NULL;
		if (ok && ok->schema == s) {
			os = ok;
			oe = ok = group_end(ok);
		}
		if (nk && nk->schema == s) {
			ns = nk;
			ne = nk = group_end(nk);
		}
		switch (s->kind) {
		case CFG_LIST:
			cmp_list(c, level, os, oe, ns, ne);
			break;
		case CFG_LEAFLIST:
			if (!leaflist_equal(os, oe, ns, ne)) {
				if (os)
					cmp_leaflist(c, '-', level, os, oe);
				if (ns)
					cmp_leaflist(c, '+', level, ns, ne);
			}
			break;
		case CFG_LEAF:
			if (os && ns && str_eq(os->value, ns->value) && same_head(os, ns))
				break;
			if (os && ns && str_eq(os->value, ns->value)) {
				cmp_meta(c, level, os, ns);
				break;
			}
			if (os)
				cmp_stmt(c, '-', level, os);
			if (ns)
				cmp_stmt(c, '+', level, ns);
			break;
		case CFG_CONTAINER:
			if (os && ns) {
				if (!same_head(os, ns))
					cmp_meta(c, level, os, ns);
				cmp_level(c, os, ns);
				break;
			}
			if (os)
				cmp_stmt(c, '-', level, os);
			if (ns)
				cmp_stmt(c, '+', level, ns);
			break;
		}
	}
}

void cfg_render_compare(struct cfg_buf *b, const struct cfg_node *old_at, const struct cfg_node *new_at,
                        unsigned opts)
{
	cfg_buf_add(b, "", 0);
	if (!old_at && !new_at)
		return;
	struct cmp c = { b, NULL, NULL, false, opts };
	cmp_level(&c, old_at, new_at);
}

/* ------------------------------------------------------------------ */
/* XML                                                                 */

static void xml_text(struct cfg_buf *b, const char *s)
{
	const char *run = s;
	for (const char *p = s; *p; p++) {
		const char *rep = NULL;
		switch (*p) {
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '&': rep = "&amp;"; break;
		case '"': rep = "&quot;"; break;
		default: break;
		}
		if (rep) {
			cfg_buf_add(b, run, (size_t)(p - run));
			cfg_buf_puts(b, rep);
			run = p + 1;
		}
	}
	cfg_buf_puts(b, run);
}

static const char *key_elem(const struct cfg_schema *s) { return s->key_name ? s->key_name : "name"; }

static void xml_open(struct cfg_buf *b, const struct cfg_node *n, unsigned indent, bool empty)
{
	cfg_buf_indent(b, indent);
	cfg_buf_putc(b, '<');
	cfg_buf_puts(b, n->schema->name);
	if (n->flags & CFG_N_INACTIVE)
		cfg_buf_puts(b, " inactive=\"inactive\"");
	cfg_buf_puts(b, empty ? "/>\n" : ">");
}

static void xml_close(struct cfg_buf *b, const struct cfg_node *n, unsigned indent)
{
	cfg_buf_indent(b, indent);
	cfg_buf_printf(b, "</%s>\n", n->schema->name);
}

static void xml_key(struct cfg_buf *b, const struct cfg_node *n, unsigned indent)
{
	cfg_buf_indent(b, indent);
	cfg_buf_printf(b, "<%s>", key_elem(n->schema));
	xml_text(b, n->value ? n->value : "");
	cfg_buf_printf(b, "</%s>\n", key_elem(n->schema));
}

static void xml_node(struct cfg_buf *b, const struct cfg_node *n, unsigned indent, unsigned opts)
{
	const struct cfg_schema *s = n->schema;
	if (n->annotation) {
		cfg_buf_indent(b, indent);
		cfg_buf_puts(b, "<junos:comment>/* ");
		xml_text(b, n->annotation);
		cfg_buf_puts(b, " */</junos:comment>\n");
	}
	switch (s->kind) {
	case CFG_LEAF:
	case CFG_LEAFLIST:
		if (is_flag(s) || !n->value) {
			xml_open(b, n, indent, true);
			return;
		}
		xml_open(b, n, indent, false);
		xml_text(b, hidden(n, opts) ? CFG_RENDER_SECRET_HIDDEN : n->value);
		cfg_buf_printf(b, "</%s>\n", s->name);
		return;
	case CFG_LIST:
		xml_open(b, n, indent, false);
		cfg_buf_putc(b, '\n');
		xml_key(b, n, indent + 4);
		break;
	case CFG_CONTAINER:
		if (!n->child) {
			xml_open(b, n, indent, true);
			return;
		}
		xml_open(b, n, indent, false);
		cfg_buf_putc(b, '\n');
		break;
	}
	for (const struct cfg_node *k = n->child; k; k = k->next)
		xml_node(b, k, indent + 4, opts);
	xml_close(b, n, indent);
}

/* Open the ancestors of AT (below the root); returns the indent inside. */
static unsigned xml_ancestors(struct cfg_buf *b, const struct cfg_node *n, unsigned indent)
{
	if (!n || !n->parent)
		return indent;
	indent = xml_ancestors(b, n->parent, indent);
	xml_open(b, n, indent, false);
	cfg_buf_putc(b, '\n');
	if (n->schema->kind == CFG_LIST)
		xml_key(b, n, indent + 4);
	return indent + 4;
}

static void xml_close_ancestors(struct cfg_buf *b, const struct cfg_node *n, unsigned indent)
{
	for (; n && n->parent; n = n->parent) {
		indent -= 4;
		xml_close(b, n, indent);
	}
}

/* <configuration ATTRS> at INDENT, its contents at INNER spaces. */
static void xml_config(struct cfg_buf *b, const struct cfg_node *at, unsigned opts, unsigned indent,
                       unsigned inner, const char *attrs)
{
	cfg_buf_indent(b, indent);
	cfg_buf_printf(b, "<configuration%s>\n", attrs ? attrs : "");
	if (at) {
		if (at->parent && (at->schema->kind == CFG_LEAF || at->schema->kind == CFG_LEAFLIST)) {
			unsigned in = xml_ancestors(b, at->parent, inner);
			xml_node(b, at, in, opts);
			xml_close_ancestors(b, at->parent, in);
		} else {
			unsigned in = xml_ancestors(b, at, inner);
			for (const struct cfg_node *k = at->child; k; k = k->next)
				xml_node(b, k, in, opts);
			xml_close_ancestors(b, at, in);
		}
	}
	cfg_buf_indent(b, indent);
	cfg_buf_puts(b, "</configuration>\n");
}

void cfg_render_xml(struct cfg_buf *b, const struct cfg_node *at, unsigned opts)
{
	xml_config(b, at, opts, 0, 4, NULL);
}

/* The time attributes' values: seconds and "YYYY-MM-DD HH:MM:SS UTC". */
static void meta_times(const struct cfg_render_meta *m, char *secs, size_t ns, char *local, size_t nl)
{
	time_t t = (time_t)m->seconds;
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(secs, ns, "%lld", (long long)m->seconds);
	strftime(local, nl, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

void cfg_render_xml_rpc(struct cfg_buf *b, const struct cfg_node *at, unsigned opts,
                        const struct cfg_render_meta *m)
{
	struct cfg_buf a;
	cfg_buf_init(&a);
	cfg_buf_add(&a, "", 0);
	if (m && m->seconds >= 0) {
		char secs[32], local[64];
		meta_times(m, secs, sizeof secs, local, sizeof local);
		if (m->user) {
			cfg_buf_printf(&a, " junos:commit-seconds=\"%s\" junos:commit-localtime=\"%s\" junos:commit-user=\"",
			               secs, local);
			xml_text(&a, m->user);
			cfg_buf_putc(&a, '"');
		} else {
			cfg_buf_printf(&a, " junos:changed-seconds=\"%s\" junos:changed-localtime=\"%s\"", secs, local);
		}
	}
	cfg_reply_rpc_open(b);
	/* Junos indents the statements by 12, the element itself by 4 */
	xml_config(b, at, opts, 4, 12, a.p);
	cfg_reply_rpc_close(b, m ? m->banner : NULL);
	cfg_buf_free(&a);
}

/* ------------------------------------------------------------------ */
/* JSON (Junos style: `"name" : value`, flags as [null])               */

static void json_str(struct cfg_buf *b, const char *s)
{
	cfg_buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			cfg_buf_putc(b, '\\');
			cfg_buf_putc(b, (char)*p);
		} else if (*p == '\n') {
			cfg_buf_puts(b, "\\n");
		} else if (*p == '\t') {
			cfg_buf_puts(b, "\\t");
		} else if (*p < 0x20) {
			cfg_buf_printf(b, "\\u%04x", *p);
		} else {
			cfg_buf_putc(b, (char)*p);
		}
	}
	cfg_buf_putc(b, '"');
}

/* member separator + indentation */
static void json_member(struct cfg_buf *b, bool *first, unsigned indent)
{
	if (!*first)
		cfg_buf_putc(b, ',');
	cfg_buf_putc(b, '\n');
	*first = false;
	cfg_buf_indent(b, indent);
}

static void json_meta(struct cfg_buf *b, const struct cfg_node *n, const char *name, bool *first,
                      unsigned indent)
{
	if (!(n->flags & CFG_N_INACTIVE) && !n->annotation)
		return;
	json_member(b, first, indent);
	cfg_buf_puts(b, "\"@");
	cfg_buf_puts(b, name);
	cfg_buf_puts(b, "\" : {");
	bool f = true;
	if (n->flags & CFG_N_INACTIVE) {
		f = false;
		cfg_buf_puts(b, "\"inactive\" : true");
	}
	if (n->annotation) {
		if (!f)
			cfg_buf_puts(b, ", ");
		cfg_buf_puts(b, "\"junos:comment\" : ");
		struct cfg_buf t;
		cfg_buf_init(&t);
		cfg_buf_printf(&t, "/* %s */", n->annotation);
		json_str(b, t.p);
		cfg_buf_free(&t);
	}
	cfg_buf_putc(b, '}');
}

static void json_members(struct cfg_buf *b, const struct cfg_node *parent, unsigned indent, bool *first,
                         unsigned opts);

static void json_object(struct cfg_buf *b, const struct cfg_node *n, unsigned indent, unsigned opts)
{
	cfg_buf_putc(b, '{');
	bool first = true;
	json_meta(b, n, "", &first, indent + 4);
	if (n->schema->kind == CFG_LIST) {
		json_member(b, &first, indent + 4);
		json_str(b, key_elem(n->schema));
		cfg_buf_puts(b, " : ");
		json_str(b, n->value ? n->value : "");
	}
	json_members(b, n, indent + 4, &first, opts);
	cfg_buf_putc(b, '\n');
	cfg_buf_indent(b, indent);
	cfg_buf_putc(b, '}');
}

static void json_members(struct cfg_buf *b, const struct cfg_node *parent, unsigned indent, bool *first,
                         unsigned opts)
{
	const struct cfg_node *k = parent->child;
	while (k) {
		const struct cfg_schema *s = k->schema;
		const struct cfg_node *end = group_end(k);
		switch (s->kind) {
		case CFG_LEAF:
			json_meta(b, k, s->name, first, indent);
			json_member(b, first, indent);
			json_str(b, s->name);
			cfg_buf_puts(b, " : ");
			if (is_flag(s) || !k->value)
				cfg_buf_puts(b, "[null]");
			else
				json_str(b, hidden(k, opts) ? CFG_RENDER_SECRET_HIDDEN : k->value);
			break;
		case CFG_LEAFLIST:
			json_member(b, first, indent);
			json_str(b, s->name);
			cfg_buf_puts(b, " : [");
			for (const struct cfg_node *i = k; i != end; i = i->next) {
				if (i != k)
					cfg_buf_puts(b, ", ");
				json_str(b, hidden(i, opts) ? CFG_RENDER_SECRET_HIDDEN : i->value ? i->value : "");
			}
			cfg_buf_putc(b, ']');
			break;
		case CFG_CONTAINER:
			json_member(b, first, indent);
			json_str(b, s->name);
			cfg_buf_puts(b, " : ");
			if (!k->child && !k->annotation && !(k->flags & CFG_N_INACTIVE))
				cfg_buf_puts(b, "[null]");
			else
				json_object(b, k, indent, opts);
			break;
		case CFG_LIST:
			json_member(b, first, indent);
			json_str(b, s->name);
			cfg_buf_puts(b, " : [");
			for (const struct cfg_node *i = k; i != end; i = i->next) {
				if (i != k)
					cfg_buf_putc(b, ',');
				cfg_buf_putc(b, '\n');
				cfg_buf_indent(b, indent + 4);
				json_object(b, i, indent + 4, opts);
			}
			cfg_buf_putc(b, '\n');
			cfg_buf_indent(b, indent);
			cfg_buf_putc(b, ']');
			break;
		}
		k = end;
	}
}

/* Open the ancestors of N as nested objects; returns the indent inside. */
static unsigned json_ancestors(struct cfg_buf *b, const struct cfg_node *n, unsigned indent)
{
	if (!n || !n->parent)
		return indent;
	indent = json_ancestors(b, n->parent, indent);
	cfg_buf_putc(b, '\n');
	cfg_buf_indent(b, indent);
	json_str(b, n->schema->name);
	cfg_buf_puts(b, " : ");
	if (n->schema->kind == CFG_LIST) {
		cfg_buf_puts(b, "[\n");
		cfg_buf_indent(b, indent + 4);
		cfg_buf_puts(b, "{\n");
		cfg_buf_indent(b, indent + 8);
		json_str(b, key_elem(n->schema));
		cfg_buf_puts(b, " : ");
		json_str(b, n->value ? n->value : "");
		return indent + 8;
	}
	cfg_buf_putc(b, '{');
	return indent + 4;
}

static void json_close_ancestors(struct cfg_buf *b, const struct cfg_node *n, unsigned indent)
{
	for (; n && n->parent; n = n->parent) {
		cfg_buf_putc(b, '\n');
		if (n->schema->kind == CFG_LIST) {
			indent -= 4;
			cfg_buf_indent(b, indent);
			cfg_buf_puts(b, "}\n");
			indent -= 4;
			cfg_buf_indent(b, indent);
			cfg_buf_putc(b, ']');
		} else {
			indent -= 4;
			cfg_buf_indent(b, indent);
			cfg_buf_putc(b, '}');
		}
	}
}

void cfg_render_json(struct cfg_buf *b, const struct cfg_node *at, unsigned opts)
{
	cfg_render_json_meta(b, at, opts, NULL);
}

void cfg_render_json_meta(struct cfg_buf *b, const struct cfg_node *at, unsigned opts,
                          const struct cfg_render_meta *m)
{
	cfg_buf_puts(b, "{\n    \"configuration\" : {");
	bool meta = m && m->seconds >= 0;
	if (meta) {
		/* Junos: the configuration's attributes as its "@" member */
		char secs[32], local[64];
		meta_times(m, secs, sizeof secs, local, sizeof local);
		const char *w = m->user ? "commit" : "changed";
		cfg_buf_printf(b, "\n        \"@\" : {\n            \"junos:%s-seconds\" : \"%s\",\n"
		                  "            \"junos:%s-localtime\" : \"%s\"", w, secs, w, local);
		if (m->user) {
			cfg_buf_puts(b, ",\n            \"junos:commit-user\" : ");
			json_str(b, m->user);
		}
		cfg_buf_puts(b, "\n        }");
	}
	if (at) {
		const struct cfg_node *base = at;
		bool self = at->parent && (at->schema->kind == CFG_LEAF || at->schema->kind == CFG_LEAFLIST);
		if (self)
			base = at->parent;
		if (meta && base->parent)
			cfg_buf_putc(b, ',');
		unsigned in = json_ancestors(b, base, 8);
		/* inside a list entry the key member was written already; after
		   the "@" member at the top */
		bool first = !(base->parent && base->schema->kind == CFG_LIST) && !(meta && !base->parent);
		if (self) {
			/* just this statement */
			const struct cfg_schema *s = at->schema;
			json_member(b, &first, in);
			json_str(b, s->name);
			cfg_buf_puts(b, " : ");
			if (s->kind == CFG_LEAFLIST) {
				cfg_buf_putc(b, '[');
				json_str(b, hidden(at, opts) ? CFG_RENDER_SECRET_HIDDEN
				                             : at->value ? at->value : "");
				cfg_buf_putc(b, ']');
			} else if (is_flag(s) || !at->value) {
				cfg_buf_puts(b, "[null]");
			} else {
				json_str(b, hidden(at, opts) ? CFG_RENDER_SECRET_HIDDEN : at->value);
			}
		} else {
			json_members(b, base, in, &first, opts);
		}
		json_close_ancestors(b, base, in);
	}
	cfg_buf_puts(b, "\n    }\n}\n");
}
