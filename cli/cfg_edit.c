/* cfg_edit — see cfg_edit.h. */
#include "cfg_edit.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_cmd.h"
#include "cfg_err.h"
#include "cfg_parse.h"
#include "cfg_perm.h"
#include "cfg_render.h"
#include "cfg_session.h"

/* ----------------------------------------------------- replace pattern */

#define REPL_MAX 4096

struct repl {
	struct cfg_node *n;
	char *v; /* owned */
};

/* REPL with \1..\9 taken from the groups of M (shifted by one: group 1 is
 * the anchor's own) in S. NULL on allocation failure. */
static char *expand(const char *repl, const char *s, const regmatch_t *m, size_t nm)
{
	struct cfg_buf b;
	cfg_buf_init(&b);
	for (const char *p = repl; *p; p++) {
		if (*p == '\\' && p[1] >= '1' && p[1] <= '9') {
			size_t g = (size_t)(p[1] - '0') + 1;
			if (g < nm && m[g].rm_so >= 0)
				cfg_buf_add(&b, s + m[g].rm_so, (size_t)(m[g].rm_eo - m[g].rm_so));
			p++;
		} else if (*p == '\\' && p[1] == '\\') {
			cfg_buf_putc(&b, '\\');
			p++;
		} else {
			cfg_buf_putc(&b, *p);
		}
	}
	cfg_buf_add(&b, "", 0);
	return cfg_buf_steal(&b);
}

static bool replaceable(const struct cfg_node *n)
{
	const struct cfg_schema *s = n->schema;
	if (!n->value || s->type == CFG_T_SECRET || s->type == CFG_T_PASSWORD)
		return false;
	return s->kind == CFG_LIST || s->kind == CFG_LEAFLIST ||
	       (s->kind == CFG_LEAF && s->type != CFG_T_FLAG);
}

int cfg_edit_replace_pattern(struct cfg_cmd *c)
{
	size_t r = cfg_cmd_rest(c);
	const struct cfg_words *w = c->w;
	/* PATTERN with REPLACEMENT [upto N] */
	if (r >= c->end) {
		cfg_cmd_caret(c, w->w[c->end - 1].end + 1, "missing argument.");
		return -1;
	}
	if (r + 1 >= c->end || w->w[r + 1].quoted || strcmp(w->w[r + 1].s, "with")) {
		size_t at = r + 1 < c->end ? r + 1 : c->end - 1;
		cfg_cmd_caret(c, r + 1 < c->end ? w->w[at].col : w->w[at].end + 1,
		              "syntax error, expecting 'with'.");
		return -1;
	}
	if (r + 2 >= c->end) {
		cfg_cmd_caret(c, w->w[r + 1].end + 1, "missing argument.");
		return -1;
	}
	unsigned long upto = 0;
	if (r + 3 < c->end) {
		char *e = NULL;
		if (w->w[r + 3].quoted || strcmp(w->w[r + 3].s, "upto")) {
			cfg_cmd_caret(c, w->w[r + 3].col, "syntax error, expecting 'upto'.");
			return -1;
		}
		if (r + 4 >= c->end) {
			cfg_cmd_caret(c, w->w[r + 3].end + 1, "missing argument.");
			return -1;
		}
		upto = strtoul(w->w[r + 4].s, &e, 10);
		if (!*w->w[r + 4].s || *e || upto == 0 || r + 5 < c->end) {
			size_t at = r + 5 < c->end ? r + 5 : r + 4;
			cfg_cmd_caret(c, w->w[at].col, "syntax error.");
			return -1;
		}
	}
	const char *pat = w->w[r].s, *with = w->w[r + 2].s;

	struct cfg_tree *t = cfg_session_cand_rw(c->s, c->out);
	if (!t)
		return -1;
	struct cfg_node *top = cfg_session_edit_node(c->s, t);
	if (!top)
		return 0; /* the edit level does not exist yet: nothing to match */

	size_t pl = strlen(pat);
	char *anch = malloc(pl + 5);
	if (!anch)
		return cfg_err_set("out of memory");
	snprintf(anch, pl + 5, "^(%s)$", pat);
	regex_t re;
	int e = regcomp(&re, anch, REG_EXTENDED);
	free(anch);
	if (e) {
		char m[128];
		regerror(e, &re, m, sizeof m);
		return cfg_err_set("invalid regular expression '%s': %s", pat, m);
	}

	cfg_perms perms = cfg_session_perms(c->s);
	struct repl *todo = calloc(REPL_MAX, sizeof *todo);
	size_t k = 0;
	int rc = -1;
	if (!todo) {
		cfg_err_set("out of memory");
		goto out;
	}
	for (struct cfg_node *n = top->child ? top->child : NULL; n; n = cfg_tree_next(top, n)) {
		if (!replaceable(n) || !cfg_perm_may_view(perms, n->schema))
			continue;
		regmatch_t m[11];
		if (regexec(&re, n->value, 11, m, 0) != 0)
			continue;
		if (upto && k >= upto)
			break;
		if (k == REPL_MAX) {
			cfg_err_set("too many matches (more than %d)", REPL_MAX);
			goto out;
		}
		char *v = expand(with, n->value, m, 11);
		if (!v) {
			cfg_err_set("out of memory");
			goto out;
		}
		todo[k].n = n;
		todo[k++].v = v;
		if (!strcmp(v, n->value))
			continue;
		if (!cfg_perm_may_edit(perms, n->schema)) {
			cfg_buf_puts(c->out, "error: permission denied\n");
			goto out;
		}
		if (cfg_schema_check_value(n->schema, v) < 0) {
			/* the statement with its [edit ...] level, as commit reports */
			cfg_render_edit_path(c->out, n->parent);
			cfg_buf_puts(c->out, "\n  '");
			cfg_quote(c->out, n->value);
			cfg_buf_printf(c->out, "'\nerror: %s\n", cfg_err_msg());
			goto out;
		}
	}
	/* all checked: apply */
	for (size_t i = 0; i < k; i++) {
		struct cfg_node *n = todo[i].n;
		if (!strcmp(todo[i].v, n->value))
			continue;
		int x = n->schema->kind == CFG_LEAF ? cfg_tree_set_value(t, n, todo[i].v)
		                                    : cfg_tree_rename(t, n, todo[i].v);
		if (x < 0)
			goto out;
	}
	rc = 0;
out:
	for (size_t i = 0; todo && i < k; i++)
		free(todo[i].v);
	free(todo);
	regfree(&re);
	return rc;
}

/* ---------------------------------------------------------- load patch */

#include "cfg_curly.h"

struct patch {
	struct cfg_tree *t;
	const char *src;
	struct cfg_buf *errs;
	long nerr;
	unsigned line;        /* of the current input line */
	struct cfg_parse hp;  /* the header's path (steps borrowed from it) */
	struct cfg_step lvl[256]; /* the level: the header's path (values owned) */
	char *vals[256];
	size_t nlvl;
	const char *kw;       /* `[edit ... user]`: the list keyword the entries lack */
	struct cfg_buf plus, minus;
	unsigned plus_line, minus_line; /* the input lines the fragments start at */
	char *cmt_plus, *cmt_minus; /* a comment waiting for its statement */
	bool has_hdr;
};

static void perr_line(struct patch *p, const char *msg)
{
	p->nerr++;
	cfg_buf_printf(p->errs, "%s:%u:(1) %s\n", p->src, p->line, msg);
}

/* The node of T at the path of N (a node of another tree of its schema). */
static struct cfg_node *counterpart(struct cfg_tree *t, const struct cfg_node *n)
{
	struct cfg_step path[256];
	int k = cfg_tree_path(n, path, 256);
	if (k < 0)
		return NULL;
	return k ? cfg_tree_find(t, NULL, path, (size_t)k) : cfg_tree_root(t);
}

/* cfg_curly_load of a fragment that starts at input line FIRST: its error
 * lines (`SRC:N:(C) ...`) renumbered to the input's lines. */
static long frag_load(struct patch *p, struct cfg_tree *t, struct cfg_node *at, const char *text,
                      size_t len, unsigned first)
{
	struct cfg_buf e;
	cfg_buf_init(&e);
	long bad = cfg_curly_load(t, at, text, len, p->src, CFG_CURLY_MERGE, &e);
	size_t sl = strlen(p->src);
	for (const char *l = e.p, *end = e.p ? e.p + e.len : NULL; l && l < end;) {
		const char *nl = memchr(l, '\n', (size_t)(end - l));
		size_t n = nl ? (size_t)(nl - l + 1) : (size_t)(end - l);
		char *x = NULL;
		unsigned long ln = 0;
		if (n > sl + 1 && !strncmp(l, p->src, sl) && l[sl] == ':' &&
		    (ln = strtoul(l + sl + 1, &x, 10)) > 0 && x && *x == ':') {
			cfg_buf_printf(p->errs, "%s:%lu", p->src, ln + first - 1);
			cfg_buf_add(p->errs, x, n - (size_t)(x - l));
		} else {
			cfg_buf_add(p->errs, l, n);
		}
		l += n;
	}
	cfg_buf_free(&e);
	return bad;
}

/* A scratch tree with TEXT loaded at the section's level; *AT the level. */
static struct cfg_tree *scratch(struct patch *p, const char *text, size_t len, struct cfg_node **at,
                                unsigned first)
{
	struct cfg_tree *s = cfg_tree_new(cfg_tree_schema(p->t));
	if (!s)
		return NULL;
	*at = p->nlvl ? cfg_tree_set(s, NULL, p->lvl, p->nlvl) : cfg_tree_root(s);
	long bad = *at ? frag_load(p, s, *at, text, len, first) : -1;
	if (bad != 0) {
		if (bad < 0)
			perr_line(p, *cfg_err_msg() ? cfg_err_msg() : "cannot load the statement");
		else
			p->nerr += bad;
		cfg_tree_free(s);
		return NULL;
	}
	return s;
}

static void del_rec(struct patch *p, const struct cfg_node *n)
{
	if (n->schema->kind == CFG_CONTAINER && n->child) {
		for (const struct cfg_node *k = n->child; k; k = k->next)
			del_rec(p, k);
		return;
	}
	struct cfg_node *x = counterpart(p->t, n);
	if (x)
		cfg_tree_delete(p->t, x);
}

/* The statement one line names (`v200 { ... }`, `inactive: size 1;`). */
static struct cfg_node *named(struct patch *p, const char *content)
{
	struct cfg_buf b;
	cfg_buf_init(&b);
	if (p->kw) {
		cfg_buf_puts(&b, p->kw);
		cfg_buf_putc(&b, ' ');
	}
	size_t n = strlen(content);
	if (n >= 8 && !strcmp(content + n - 8, " { ... }"))
		n -= 8;
	cfg_buf_add(&b, content, n);
	if (!n || content[n - 1] != ';')
		cfg_buf_putc(&b, ';');
	struct cfg_node *at, *r = NULL;
	struct cfg_tree *s = scratch(p, b.p, b.len, &at, p->line);
	cfg_buf_free(&b);
	if (!s)
		return NULL;
	const struct cfg_node *k = at->child;
	while (k && k->child)
		k = k->child;
	if (k)
		r = counterpart(p->t, k);
	if (!r)
		perr_line(p, "statement not found");
	cfg_tree_free(s);
	return r;
}

static void flush(struct patch *p)
{
	if (p->minus.len) {
		struct cfg_node *at;
		struct cfg_tree *s = scratch(p, p->minus.p, p->minus.len, &at, p->minus_line);
		if (s) {
			for (const struct cfg_node *k = at->child; k; k = k->next)
				del_rec(p, k);
			cfg_tree_free(s);
		}
	}
	if (p->plus.len) {
		struct cfg_node *at = p->nlvl ? cfg_tree_set(p->t, NULL, p->lvl, p->nlvl) : cfg_tree_root(p->t);
		long bad = at ? frag_load(p, p->t, at, p->plus.p, p->plus.len, p->plus_line) : -1;
		if (bad < 0)
			perr_line(p, *cfg_err_msg() ? cfg_err_msg() : "cannot load the statements");
		else
			p->nerr += bad;
	}
	cfg_buf_reset(&p->plus);
	cfg_buf_reset(&p->minus);
	free(p->cmt_plus);
	free(p->cmt_minus);
	p->cmt_plus = p->cmt_minus = NULL;
}

static void header(struct patch *p, const char *l)
{
	flush(p);
	cfg_parse_free(&p->hp);
	memset(&p->hp, 0, sizeof p->hp);
	p->nlvl = 0;
	p->kw = NULL;
	p->has_hdr = false;
	size_t n = strlen(l);
	if (strncmp(l, "[edit", 5) || (l[5] != ' ' && l[5] != ']') || l[n - 1] != ']') {
		perr_line(p, "syntax error, expecting [edit ...]");
		return;
	}
	char *mid = strndup(l + 5, n - 6);
	struct cfg_words w = {0};
	size_t ec = 0;
	if (!mid || cfg_lex(mid, &w, &ec) < 0 ||
	    (w.n && cfg_parse_path(cfg_tree_schema(p->t), &w, 0, w.n, CFG_PM_PATH, &p->hp) < 0)) {
		perr_line(p, "syntax error in [edit ...] header");
		cfg_words_free(&w);
		free(mid);
		return;
	}
	/* the steps point into the words for their values: keep copies */
	size_t ns = 0;
	const struct cfg_step *st = w.n ? cfg_parse_stmt(&p->hp, 0, &ns) : NULL;
	struct cfg_step *lv = p->lvl;
	char **vals = p->vals;
	for (size_t i = 0; i < 256; i++) {
		free(vals[i]);
		vals[i] = NULL;
	}
	for (size_t i = 0; i < ns && i < 256; i++) {
		lv[i].schema = st[i].schema;
		lv[i].value = st[i].value ? (vals[i] = strdup(st[i].value)) : NULL;
	}
	p->nlvl = ns < 256 ? ns : 256;
	if (p->nlvl && lv[p->nlvl - 1].schema->kind == CFG_LIST && !lv[p->nlvl - 1].value) {
		p->kw = lv[p->nlvl - 1].schema->name; /* `[edit system login user]` */
		p->nlvl--;
	}
	p->has_hdr = true;
	cfg_words_free(&w);
	free(mid);
}

static bool is_comment(const char *s)
{
	size_t n = strlen(s);
	return n >= 4 && !strncmp(s, "/*", 2) && !strcmp(s + n - 2, "*/");
}

/* One body line: SIGN and CONTENT (what follows the sign, indentation kept). */
static void body(struct patch *p, char sign, const char *content)
{
	const char *c = content;
	while (*c == ' ')
		c++;
	size_t ind = (size_t)(c - content);
	if (!p->has_hdr) {
		perr_line(p, "syntax error, expecting [edit ...]");
		return;
	}
	if ((sign == '+' || sign == '-') && ind == 4 && is_comment(c)) {
		char **slot = sign == '+' ? &p->cmt_plus : &p->cmt_minus;
		free(*slot);
		*slot = strndup(c + 2, strlen(c) - 4);
		return;
	}
	if (sign == '+' || sign == '-') {
		struct cfg_buf *b = sign == '+' ? &p->plus : &p->minus;
		char **cm = sign == '+' ? &p->cmt_plus : &p->cmt_minus;
		if (!b->len)
			*(sign == '+' ? &p->plus_line : &p->minus_line) = p->line - (*cm ? 1 : 0);
		if (*cm) {
			cfg_buf_printf(b, "/*%s*/\n", *cm);
			free(*cm);
			*cm = NULL;
		}
		/* the sign's column kept (a space): errors point where the input has it */
		cfg_buf_putc(b, ' ');
		cfg_buf_add(b, content, ind);
		if (p->kw && ind == 4 && *c != '}')
			cfg_buf_printf(b, "%s ", p->kw);
		cfg_buf_puts(b, c);
		cfg_buf_putc(b, '\n');
		return;
	}
	/* ' ' context or '!' (in)activation: the statement named on the line */
	bool inact = !strncmp(c, "inactive: ", 10), act = !strncmp(c, "active: ", 8);
	const char *stmt = inact ? c + 10 : act ? c + 8 : c;
	if (sign == '!' && !inact && !act) {
		perr_line(p, "syntax error, expecting 'inactive:' or 'active:'");
		return;
	}
	struct cfg_node *n = named(p, stmt);
	if (!n)
		return;
	if (sign == '!')
		cfg_tree_activate(n, act);
	if (p->cmt_plus) {
		char *t = p->cmt_plus;
		size_t tl = strlen(t);
		while (tl && t[tl - 1] == ' ')
			t[--tl] = 0;
		cfg_tree_annotate(n, t[0] == ' ' ? t + 1 : t);
	} else if (p->cmt_minus) {
		cfg_tree_annotate(n, NULL);
	}
	free(p->cmt_plus);
	free(p->cmt_minus);
	p->cmt_plus = p->cmt_minus = NULL;
}

long cfg_edit_patch(struct cfg_tree *t, const char *text, size_t len, const char *source,
                    struct cfg_buf *errs)
{
	struct patch p;
	memset(&p, 0, sizeof p);
	p.t = t;
	p.src = source ? source : "terminal";
	p.errs = errs;
	cfg_buf_init(&p.plus);
	cfg_buf_init(&p.minus);
	const char *s = text, *end = text + len;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		char *l = strndup(s, n);
		if (!l)
			break;
		while (n && (l[n - 1] == '\r' || l[n - 1] == ' '))
			l[--n] = 0;
		p.line++;
		if (!n) {
			/* blank */
		} else if (l[0] == '[') {
			header(&p, l);
		} else if (strchr("+-! ", l[0])) {
			body(&p, l[0], l + 1);
		} else {
			perr_line(&p, "syntax error, expecting '+', '-', '!' or ' '");
		}
		free(l);
		s = nl ? nl + 1 : end;
	}
	flush(&p);
	cfg_parse_free(&p.hp);
	for (size_t i = 0; i < 256; i++)
		free(p.vals[i]);
	cfg_buf_free(&p.plus);
	cfg_buf_free(&p.minus);
	return p.nerr;
}

/* ------------------------------------------- private: the session wins */

#include "cfg_diff.h"

/* The node of R at N's place (a leaf by its schema alone: values differ). */
static struct cfg_node *place_of(struct cfg_tree *r, const struct cfg_node *n)
{
	if (n->schema->kind != CFG_LEAF)
		return counterpart(r, n);
	struct cfg_node *p = counterpart(r, n->parent);
	for (struct cfg_node *k = p ? p->child : NULL; k; k = k->next)
		if (k->schema == n->schema)
			return k;
	return NULL;
}

/* Create N's place in R (its ancestors as in N's tree) and copy N there:
 * value, flags, annotation and, with DEEP, its subtree. */
static struct cfg_node *graft(struct cfg_tree *r, const struct cfg_node *n, bool deep)
{
	struct cfg_step path[256];
	int k = cfg_tree_path(n, path, 256);
	if (k <= 0)
		return k == 0 ? cfg_tree_root(r) : NULL;
	struct cfg_node *x = cfg_tree_set(r, NULL, path, (size_t)k);
	if (!x)
		return NULL;
	if (deep)
		cfg_tree_merge(r, x, n);
	cfg_tree_activate(x, !(n->flags & CFG_N_INACTIVE));
	cfg_tree_annotate(x, n->annotation);
	return x;
}

struct cfg_tree *cfg_edit_mine_wins(const struct cfg_tree *base, const struct cfg_tree *mine,
                                    const struct cfg_tree *theirs)
{
	struct cfg_tree *r = cfg_tree_dup(theirs);
	struct cfg_diff *d = r ? cfg_diff_new(base, mine, CFG_DIFF_FULL) : NULL;
	if (!d) {
		cfg_tree_free(r);
		if (!*cfg_err_msg())
			cfg_err_set("out of memory");
		return NULL;
	}
	for (size_t i = 0; i < cfg_diff_count(d); i++) {
		const struct cfg_diff_ent *e = cfg_diff_at(d, i);
		if (e->op == CFG_DIFF_DEL) {
			struct cfg_node *x = place_of(r, e->old_node);
			if (x)
				cfg_tree_delete(r, x);
		} else if (e->op == CFG_DIFF_ADD) {
			struct cfg_node *x = place_of(r, e->new_node);
			if (x && e->new_node->schema->kind != CFG_LEAF)
				cfg_tree_delete(r, x); /* theirs made it too: mine as a whole */
			graft(r, e->new_node, true);
		} else if (e->reorder) {
			/* the run of entries in MINE's order */
			const struct cfg_node *first = e->new_node;
			struct cfg_node *p = counterpart(r, first->parent);
			if (!p)
				continue;
			for (struct cfg_node *k = p->child, *nx; k; k = nx) {
				nx = k->next;
				if (k->schema == first->schema && first->schema->kind == CFG_LEAFLIST)
					cfg_tree_delete(r, k);
			}
			for (const struct cfg_node *k = first; k && k->schema == first->schema; k = k->next)
				graft(r, k, true);
		} else {
			graft(r, e->new_node, false); /* a value, a flag, a comment */
		}
	}
	cfg_diff_free(d);
	return r;
}
