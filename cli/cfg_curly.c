/* cfg_curly — the curly-brace configuration format into a tree (see
 * cfg_curly.h).
 *
 * Two linear passes: the lexer turns the whole text into a token array
 * (word text copied, unescaped and NUL-terminated, into one arena), then a
 * recursive-descent parser walks the tokens and builds a fresh tree with
 * cfg_tree_set() one step at a time (O(1) per statement through the tree's
 * index). Keywords are full words resolved by the schema; values are checked
 * with cfg_schema_check_value(). After an error the parser skips the bad
 * statement (to its `;` or over its `{ ... }` block) and goes on, so that
 * every error is reported; any error discards the parsed tree.
 */
#include "cfg_curly.h"
#include "cfg_err.h"
#include "cfg_parse.h"
#include "cfg_render.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum tok_type { T_WORD, T_LBRACE, T_RBRACE, T_SEMI, T_LBRACK, T_RBRACK, T_COMMENT, T_EOF };

struct tok {
	enum tok_type type;
	bool quoted;
	unsigned line, col; /* 1-based */
	size_t off;         /* text in the arena (words, comments) */
};

struct curly {
	const char *src;      /* SOURCE for messages */
	struct cfg_buf arena; /* NUL-terminated token texts */
	struct tok *t;
	size_t nt, cap, pos;
	struct cfg_tree *tree;
	struct cfg_buf *errs;
	long nerr;
	bool fatal;
	struct cfg_node **repl; /* statements tagged `replace:` (borrowed from tree) */
	size_t nrepl, caprepl;
	struct cfg_buf ann;   /* pending annotation text */
	struct cfg_node *ctx; /* the level of the statement being parsed */
	size_t stmt_tok;      /* its first token */
};

/* ------------------------------------------------------------------ */
/* errors                                                              */

static const char *tok_text(const struct curly *c, const struct tok *k);

/* The context lines Junos prints under a load error: the level, the
 * statement quoted, the reason (Junos OS CLI User Guide, "Loading a
 * Configuration from a File": `  [edit system]` / `    'hots-name foo;'` /
 * `      syntax error`). */
static void err_context(struct curly *c, const char *why)
{
	if (!c->errs || !c->ctx)
		return;
	struct cfg_buf st;
	cfg_buf_init(&st);
	bool first = true;
	for (size_t i = c->stmt_tok; i < c->nt; i++) {
		const struct tok *k = &c->t[i];
		if (k->type == T_EOF)
			break;
		if (k->type == T_LBRACE || k->type == T_RBRACE) {
			if (first) /* a stray brace is the statement */
				cfg_buf_puts(&st, tok_text(c, k));
			break;
		}
		if (k->type == T_COMMENT)
			continue;
		if (k->type == T_SEMI) {
			cfg_buf_putc(&st, ';');
			break;
		}
		if (!first)
			cfg_buf_putc(&st, ' ');
		first = false;
		if (k->quoted)
			cfg_quote(&st, tok_text(c, k));
		else
			cfg_buf_puts(&st, tok_text(c, k));
	}
	if (st.len) { /* no statement (the input ended): the error line alone */
		cfg_buf_puts(c->errs, "  ");
		cfg_render_edit_path(c->errs, c->ctx);
		cfg_buf_printf(c->errs, "\n    '%s'\n      %s\n", st.p, why);
	}
	cfg_buf_free(&st);
}

static void err_line(struct curly *c, const struct tok *k, const char *what, const char *word)
{
	c->nerr++;
	if (!c->errs)
		return;
	cfg_buf_printf(c->errs, "%s:%u:(%u) %s%s\n", c->src, k->line, k->col, what, word ? word : "");
	err_context(c, "syntax error");
}

static const char *tok_text(const struct curly *c, const struct tok *k)
{
	switch (k->type) {
	case T_WORD:
	case T_COMMENT: return c->arena.p + k->off;
	case T_LBRACE:  return "{";
	case T_RBRACE:  return "}";
	case T_SEMI:    return ";";
	case T_LBRACK:  return "[";
	case T_RBRACK:  return "]";
	case T_EOF:     break;
	}
	return "";
}

static void syntax_error(struct curly *c, const struct tok *k)
{
	if (k->type == T_EOF)
		err_line(c, k, "syntax error, expecting '}'", NULL);
	else
		err_line(c, k, "syntax error: ", tok_text(c, k));
}

/* ------------------------------------------------------------------ */
/* lexer                                                               */

static struct tok *tok_push(struct curly *c, enum tok_type type, unsigned line, unsigned col)
{
	if (c->nt == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		struct tok *t = realloc(c->t, cap * sizeof *t);
		if (!t)
			abort();
		c->t = t;
		c->cap = cap;
	}
	struct tok *k = &c->t[c->nt++];
	k->type = type;
	k->quoted = false;
	k->line = line;
	k->col = col;
	k->off = 0;
	return k;
}

static bool word_char(char ch)
{
	switch (ch) {
	case ' ': case '\t': case '\r': case '\n': case '\f': case '\v':
	case ';': case '{': case '}': case '[': case ']': case '"':
		return false;
	default:
		return true;
	}
}

/* Returns 0, or -1 after reporting a lexical error (fatal for the parse). */
static int lex(struct curly *c, const char *s, size_t len)
{
	const char *p = s, *end = s + len, *bol = s;
	unsigned line = 1;
	while (p < end) {
		char ch = *p;
		unsigned col = (unsigned)(p - bol) + 1;
		if (ch == '\n') {
			line++;
			bol = ++p;
			continue;
		}
		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v') {
			p++;
			continue;
		}
		if (ch == '#') { /* comment to the end of the line (## SECRET-DATA) */
			while (p < end && *p != '\n')
				p++;
			continue;
		}
		if (ch == '/' && p + 1 < end && p[1] == '*') {
			struct tok *k = tok_push(c, T_COMMENT, line, col);
			const char *q = p + 2;
			while (q + 1 < end && !(q[0] == '*' && q[1] == '/'))
				q++;
			if (q + 1 >= end) {
				err_line(c, k, "error: unterminated comment", NULL);
				return -1;
			}
			const char *a = p + 2, *z = q;
			while (a < z && (*a == ' ' || *a == '\t' || *a == '\n' || *a == '\r'))
				a++;
			while (z > a && (z[-1] == ' ' || z[-1] == '\t' || z[-1] == '\n' || z[-1] == '\r'))
				z--;
			k->off = c->arena.len;
			cfg_buf_add(&c->arena, a, (size_t)(z - a));
			cfg_buf_putc(&c->arena, '\0');
			for (const char *x = p; x < q; x++)
				if (*x == '\n') {
					line++;
					bol = x + 1;
				}
			p = q + 2;
			continue;
		}
		enum tok_type single = T_EOF;
		switch (ch) {
		case '{': single = T_LBRACE; break;
		case '}': single = T_RBRACE; break;
		case ';': single = T_SEMI; break;
		case '[': single = T_LBRACK; break;
		case ']': single = T_RBRACK; break;
		default: break;
		}
		if (single != T_EOF) {
			tok_push(c, single, line, col);
			p++;
			continue;
		}
		struct tok *k = tok_push(c, T_WORD, line, col);
		k->off = c->arena.len;
		if (ch == '"') {
			k->quoted = true;
			const char *q = p + 1, *run = q;
			for (;;) {
				if (q >= end) {
					err_line(c, k, "error: unterminated quoted string", NULL);
					return -1;
				}
				if (*q == '"')
					break;
				if (*q == '\\' && q + 1 < end) {
					cfg_buf_add(&c->arena, run, (size_t)(q - run));
					q++;
					run = q; /* the escaped byte starts the next run */
				}
				if (*q == '\n') {
					line++;
					bol = q + 1;
				}
				q++;
			}
			cfg_buf_add(&c->arena, run, (size_t)(q - run));
			p = q + 1;
		} else {
			const char *q = p;
			while (q < end && word_char(*q))
				q++;
			cfg_buf_add(&c->arena, p, (size_t)(q - p));
			p = q;
		}
		cfg_buf_putc(&c->arena, '\0');
	}
	tok_push(c, T_EOF, line, (unsigned)(p - bol) + 1);
	return 0;
}

/* ------------------------------------------------------------------ */
/* parser                                                              */

static const struct tok *cur(const struct curly *c) { return &c->t[c->pos]; }

static void advance(struct curly *c)
{
	if (c->t[c->pos].type != T_EOF)
		c->pos++;
}

static bool is_word(const struct tok *k, const struct curly *c, const char *w)
{
	return k->type == T_WORD && !k->quoted && strcmp(c->arena.p + k->off, w) == 0;
}

/* Skip the rest of a bad statement from the current token: up to and
 * including its `;`, or over its `{ ... }` block; stops before a `}` that
 * closes the enclosing block. */
static void skip_statement(struct curly *c)
{
	unsigned depth = 0;
	for (;;) {
		const struct tok *k = cur(c);
		switch (k->type) {
		case T_EOF:
			return;
		case T_LBRACE:
			depth++;
			break;
		case T_RBRACE:
			if (depth == 0)
				return;
			if (--depth == 0) {
				advance(c);
				return;
			}
			break;
		case T_SEMI:
			if (depth == 0) {
				advance(c);
				return;
			}
			break;
		default:
			break;
		}
		advance(c);
	}
}

struct tags {
	bool inactive, replace;
	bool has_ann;
};

static void add_repl(struct curly *c, struct cfg_node *n)
{
	if (c->nrepl == c->caprepl) {
		size_t cap = c->caprepl ? c->caprepl * 2 : 16;
		struct cfg_node **r = realloc(c->repl, cap * sizeof *r);
		if (!r)
			abort();
		c->repl = r;
		c->caprepl = cap;
	}
	c->repl[c->nrepl++] = n;
}

/* Apply the statement's tags to N (ANN: also the pending annotation). */
static int tag_node(struct curly *c, struct cfg_node *n, const struct tags *tg, bool ann)
{
	if (tg->inactive)
		n->flags |= CFG_N_INACTIVE;
	if (tg->replace)
		add_repl(c, n);
	if (ann && tg->has_ann) {
		char *a = strdup(c->ann.p ? c->ann.p : "");
		if (!a)
			return -1;
		free(n->annotation);
		n->annotation = a;
	}
	return 0;
}

static struct cfg_node *make(struct curly *c, struct cfg_node *parent, const struct cfg_schema *s,
                             const char *v)
{
	struct cfg_step st = { s, v };
	struct cfg_node *n = cfg_tree_set(c->tree, parent, &st, 1);
	if (!n)
		c->fatal = true;
	return n;
}

/* Value check; reports `error: MSG` at K. */
static bool value_ok(struct curly *c, const struct cfg_schema *s, const struct tok *k)
{
	const char *v = c->arena.p + k->off;
	if (cfg_schema_check_value(s, v) == 0)
		return true;
	c->nerr++;
	if (c->errs) /* as load set words it */
	{
		char m[256];
		snprintf(m, sizeof m, "%s", cfg_err_msg());
		cfg_buf_printf(c->errs, "%s:%u:(%u) error: %s at '%s'\n", c->src, k->line, k->col, m, v);
		err_context(c, m);
	}
	return false;
}

static void parse_block(struct curly *c, struct cfg_node *node, bool nested);
static void parse_block_in(struct curly *c, struct cfg_node *node, bool nested);
static void statement(struct curly *c, struct cfg_node *parent, const struct tags *tg);

/* After the list key / container keyword: `{ ... }` or `;`. N is the node
 * the block goes into. Returns false on a syntax error (not consumed). */
static bool block_or_semi(struct curly *c, struct cfg_node *n)
{
	const struct tok *k = cur(c);
	if (k->type == T_SEMI) {
		advance(c);
		return true;
	}
	if (k->type == T_LBRACE) {
		advance(c);
		parse_block(c, n, true);
		return true;
	}
	return false;
}

/* `name.N` on a CFG_F_UNIT list: split into NAME and the unit number. */
static bool unit_split(const struct cfg_schema *s, const char *key, size_t *dot)
{
	if (!(s->flags & CFG_F_UNIT) || !s->unit)
		return false;
	const char *d = strrchr(key, '.');
	if (!d || d == key || !d[1])
		return false;
	for (const char *x = d + 1; *x; x++)
		if (*x < '0' || *x > '9')
			return false;
	*dot = (size_t)(d - key);
	return true;
}

/* A list entry: the key token is current. */
static void stmt_list(struct curly *c, struct cfg_node *parent, const struct cfg_schema *s,
                      const struct tags *tg)
{
	const struct tok *kt = cur(c);
	if (kt->type != T_WORD) {
		syntax_error(c, kt);
		skip_statement(c);
		return;
	}
	const char *key = c->arena.p + kt->off;
	size_t dot;
	struct cfg_node *entry;
	if (unit_split(s, key, &dot)) {
		const struct cfg_schema *us = cfg_schema_child(s, s->unit);
		char *name = strndup(key, dot);
		if (!name) {
			c->fatal = true;
			return;
		}
		int bad = !us || cfg_schema_check_value(s, name) != 0 ||
		          cfg_schema_check_value(us, key + dot + 1) != 0;
		if (bad) {
			free(name);
			value_ok(c, s, kt);
			skip_statement(c);
			return;
		}
		struct cfg_node *e = make(c, parent, s, name);
		free(name);
		if (!e)
			return;
		entry = make(c, e, us, key + dot + 1);
	} else {
		if (!value_ok(c, s, kt)) {
			skip_statement(c);
			return;
		}
		entry = make(c, parent, s, key);
	}
	if (!entry)
		return;
	advance(c);
	if (cur(c)->type == T_WORD) { /* `vlans v1 vlan-id 1;` */
		statement(c, entry, tg);
		return;
	}
	if (tag_node(c, entry, tg, true) != 0) {
		c->fatal = true;
		return;
	}
	if (!block_or_semi(c, entry)) {
		syntax_error(c, cur(c));
		skip_statement(c);
	}
}

/* Expect `;` ending a statement; reports and recovers otherwise. */
static void end_semi(struct curly *c)
{
	if (cur(c)->type == T_SEMI) {
		advance(c);
		return;
	}
	syntax_error(c, cur(c));
	skip_statement(c);
}

/* A leaf-list: the value or `[` is current. */
static void stmt_leaflist(struct curly *c, struct cfg_node *parent, const struct cfg_schema *s,
                          const struct tags *tg)
{
	const struct tok *k = cur(c);
	bool first = true;
	if (k->type == T_WORD) {
		if (!value_ok(c, s, k)) {
			skip_statement(c);
			return;
		}
		struct cfg_node *n = make(c, parent, s, c->arena.p + k->off);
		if (!n || tag_node(c, n, tg, true) != 0) {
			c->fatal = true;
			return;
		}
		advance(c);
		end_semi(c);
		return;
	}
	if (k->type != T_LBRACK) {
		syntax_error(c, k);
		skip_statement(c);
		return;
	}
	/* check all values first: a bad one drops the whole statement */
	size_t i = c->pos + 1;
	for (; c->t[i].type == T_WORD; i++) {
		if (!value_ok(c, s, &c->t[i])) {
			c->pos = i;
			skip_statement(c);
			return;
		}
	}
	if (c->t[i].type != T_RBRACK) {
		c->pos = i;
		syntax_error(c, cur(c));
		skip_statement(c);
		return;
	}
	for (size_t j = c->pos + 1; j < i; j++) {
		struct cfg_node *n = make(c, parent, s, c->arena.p + c->t[j].off);
		if (!n || tag_node(c, n, tg, first) != 0) {
			c->fatal = true;
			return;
		}
		first = false;
	}
	c->pos = i + 1;
	end_semi(c);
}

/* A single-valued leaf: the value is current. */
static void stmt_leaf(struct curly *c, struct cfg_node *parent, const struct cfg_schema *s,
                      const struct tags *tg)
{
	const struct tok *k = cur(c);
	if (k->type != T_WORD) {
		syntax_error(c, k);
		skip_statement(c);
		return;
	}
	if (!value_ok(c, s, k)) {
		skip_statement(c);
		return;
	}
	struct cfg_node *n = make(c, parent, s, c->arena.p + k->off);
	if (!n || tag_node(c, n, tg, true) != 0) {
		c->fatal = true;
		return;
	}
	advance(c);
	end_semi(c);
}

/* A word that is not a keyword: a positional child's value. The word is
 * current. Returns false when no positional child takes it. */
static bool stmt_positional(struct curly *c, struct cfg_node *parent, const struct tags *tg)
{
	const struct cfg_schema *ps = parent->schema;
	const struct tok *k = cur(c);
	enum tok_type after = c->t[c->pos + 1].type;
	const char *v = c->arena.p + k->off;
	const struct cfg_schema *pick = NULL, *first = NULL;
	for (size_t i = 0; i < ps->n_children; i++) {
		const struct cfg_schema *s = ps->children[i];
		if (!(s->flags & CFG_F_POSITIONAL))
			continue;
		bool blockish = after == T_LBRACE;
		if (blockish != (s->kind == CFG_LIST))
			continue;
		if (!first)
			first = s;
		if (cfg_schema_check_value(s, v) == 0) {
			pick = s;
			break;
		}
	}
	if (!pick) {
		/* `key;` of a positional list with no children */
		for (size_t i = 0; !first && i < ps->n_children; i++) {
			const struct cfg_schema *s = ps->children[i];
			if ((s->flags & CFG_F_POSITIONAL) && s->kind == CFG_LIST)
				first = s;
		}
		if (first && first->kind == CFG_LIST && after == T_SEMI &&
		    cfg_schema_check_value(first, v) == 0)
			pick = first;
	}
	if (!pick)
		pick = first; /* reports its value error below */
	if (!pick)
		return false;
	switch (pick->kind) {
	case CFG_LIST:
		stmt_list(c, parent, pick, tg);
		break;
	case CFG_LEAFLIST:
		stmt_leaflist(c, parent, pick, tg);
		break;
	default:
		stmt_leaf(c, parent, pick, tg);
		break;
	}
	return true;
}

static const struct cfg_schema *positional_leaflist(const struct cfg_schema *ps)
{
	for (size_t i = 0; i < ps->n_children; i++) {
		const struct cfg_schema *s = ps->children[i];
		if ((s->flags & CFG_F_POSITIONAL) && s->kind == CFG_LEAFLIST)
			return s;
	}
	return NULL;
}

/* One statement; the current token is its first token (after tags). */
static void statement(struct curly *c, struct cfg_node *parent, const struct tags *tg)
{
	const struct tok *k = cur(c);
	const struct cfg_schema *ps = parent->schema;
	if (k->type == T_LBRACK) {
		const struct cfg_schema *ll = positional_leaflist(ps);
		if (ll) {
			stmt_leaflist(c, parent, ll, tg);
			return;
		}
	}
	if (k->type != T_WORD) {
		syntax_error(c, k);
		skip_statement(c);
		return;
	}
	const char *w = c->arena.p + k->off;
	const struct cfg_schema *s = k->quoted ? NULL : cfg_schema_child(ps, w);
	if (s && (s->flags & CFG_F_POSITIONAL))
		s = NULL; /* placeholder names are not keywords */
	if (!s) {
		if (!stmt_positional(c, parent, tg)) {
			syntax_error(c, k);
			skip_statement(c);
		}
		return;
	}
	const struct tok *kw = k;
	advance(c);
	switch (s->kind) {
	case CFG_CONTAINER: {
		const struct tok *n = cur(c);
		if (n->type == T_SEMI && !(s->flags & CFG_F_PRESENCE)) {
			advance(c); /* `name;` of a plain container: nothing */
			return;
		}
		if (n->type == T_WORD) {
			/* `family inet { ... }`: a path of keywords in one statement;
			 * the tags belong to the last one */
			struct cfg_node *node = make(c, parent, s, NULL);
			if (node)
				statement(c, node, tg);
			return;
		}
		if (n->type != T_SEMI && n->type != T_LBRACE) {
			syntax_error(c, n);
			skip_statement(c);
			return;
		}
		struct cfg_node *node = make(c, parent, s, NULL);
		if (!node || tag_node(c, node, tg, true) != 0) {
			c->fatal = true;
			return;
		}
		block_or_semi(c, node);
		return;
	}
	case CFG_LIST:
		stmt_list(c, parent, s, tg);
		return;
	case CFG_LEAFLIST:
		stmt_leaflist(c, parent, s, tg);
		return;
	case CFG_LEAF:
		if (s->type == CFG_T_PASSWORD) { /* prompts; cannot be loaded */
			syntax_error(c, kw);
			c->pos = (size_t)(kw - c->t);
			skip_statement(c);
			return;
		}
		if (s->type == CFG_T_FLAG) {
			if (cur(c)->type != T_SEMI) {
				syntax_error(c, cur(c));
				skip_statement(c);
				return;
			}
			struct cfg_node *node = make(c, parent, s, NULL);
			if (!node || tag_node(c, node, tg, true) != 0) {
				c->fatal = true;
				return;
			}
			advance(c);
			return;
		}
		stmt_leaf(c, parent, s, tg);
		return;
	}
}

/* Statements until the closing `}` (NESTED) or the end of input. */
static void parse_block(struct curly *c, struct cfg_node *node, bool nested)
{
	struct cfg_node *octx = c->ctx;
	size_t otok = c->stmt_tok;
	parse_block_in(c, node, nested);
	c->ctx = octx;
	c->stmt_tok = otok;
}

static void parse_block_in(struct curly *c, struct cfg_node *node, bool nested)
{
	while (!c->fatal) {
		c->ctx = node;
		c->stmt_tok = c->pos;
		struct tags tg = { false, false, false };
		cfg_buf_reset(&c->ann);
		for (;;) {
			const struct tok *k = cur(c);
			if (k->type == T_COMMENT) {
				if (tg.has_ann)
					cfg_buf_putc(&c->ann, '\n');
				cfg_buf_puts(&c->ann, c->arena.p + k->off);
				tg.has_ann = true;
			} else if (is_word(k, c, "inactive:")) {
				tg.inactive = true;
			} else if (is_word(k, c, "replace:")) {
				tg.replace = true;
			} else if (is_word(k, c, "protect:") || is_word(k, c, "active:")) {
				/* accepted, no meaning here */
			} else {
				break;
			}
			advance(c);
		}
		const struct tok *k = cur(c);
		switch (k->type) {
		case T_EOF:
			if (nested)
				syntax_error(c, k);
			return;
		case T_RBRACE:
			if (nested) {
				advance(c);
				return;
			}
			syntax_error(c, k);
			advance(c);
			continue;
		case T_SEMI:
			advance(c); /* empty statement */
			continue;
		default:
			statement(c, node, &tg);
			continue;
		}
	}
}

static void curly_free(struct curly *c)
{
	cfg_buf_free(&c->arena);
	cfg_buf_free(&c->ann);
	free(c->t);
	free(c->repl);
}

/* Parse TEXT into a new tree over ROOT (the schema root). When AT_PATH is
 * given (N steps), the statements go below that path, which is created
 * first; *INTO receives that node. Returns the tree (caller owns) or NULL;
 * *NERR = number of errors (-1 fatal). Replace-tagged nodes are handed to
 * the caller in C (C->repl). */
static struct cfg_tree *parse_into(struct curly *c, const struct cfg_schema *root,
                                   const struct cfg_step *at_path, size_t n, const char *text,
                                   size_t len, struct cfg_node **into)
{
	c->tree = cfg_tree_new(root);
	if (!c->tree)
		return NULL;
	struct cfg_node *node = cfg_tree_root(c->tree);
	if (n) {
		node = cfg_tree_set(c->tree, NULL, at_path, n);
		if (!node) {
			cfg_tree_free(c->tree);
			c->tree = NULL;
			return NULL;
		}
	}
	if (into)
		*into = node;
	/* a lexical error is counted in c->nerr and stops the parse */
	if (lex(c, text ? text : "", text ? len : 0) == 0)
		parse_block(c, node, false);
	if (c->fatal) {
		cfg_tree_free(c->tree);
		c->tree = NULL;
		cfg_err_set("out of memory while loading configuration");
		return NULL;
	}
	return c->tree;
}

struct cfg_tree *cfg_curly_parse(const struct cfg_schema *root, const char *text, size_t len,
                                 const char *source, struct cfg_buf *errs, long *nerr)
{
	struct curly c;
	memset(&c, 0, sizeof c);
	c.src = source ? source : "terminal";
	c.errs = errs;
	struct cfg_tree *t = parse_into(&c, root, NULL, 0, text, len, NULL);
	long ne = t ? c.nerr : -1;
	if (t && c.nerr) {
		cfg_tree_free(t);
		t = NULL;
	}
	if (nerr)
		*nerr = ne;
	curly_free(&c);
	return t;
}

/* The node of T below FROM matching SRC (below SRCROOT) by path, or NULL. */
static struct cfg_node *counterpart(struct cfg_tree *t, struct cfg_node *from,
                                    const struct cfg_node *srcroot, const struct cfg_node *src)
{
	if (src == srcroot)
		return from;
	struct cfg_node *p = counterpart(t, from, srcroot, src->parent);
	if (!p)
		return NULL;
	return cfg_tree_child(t, p, src->schema, src->value);
}

static bool in_subtree(const struct cfg_node *n, const struct cfg_node *top)
{
	for (; n; n = n->parent)
		if (n == top)
			return true;
	return false;
}

long cfg_curly_load(struct cfg_tree *t, struct cfg_node *at, const char *text, size_t len,
                    const char *source, enum cfg_curly_mode mode, struct cfg_buf *errs)
{
	struct cfg_node *target = at ? at : cfg_tree_root(t);
	size_t n = 0;
	struct cfg_step *path = NULL;
	if (target->parent) {
		size_t max = 1; /* the node's depth (the schema's is relative to where it was built) */
		for (const struct cfg_node *a = target; a->parent; a = a->parent)
			max++;
		path = calloc(max, sizeof *path);
		if (!path)
			return cfg_err_set("out of memory while loading configuration");
		int r = cfg_tree_path(target, path, max);
		if (r < 0) {
			free(path);
			return cfg_err_set("configuration path too deep");
		}
		n = (size_t)r;
	}
	struct curly c;
	memset(&c, 0, sizeof c);
	c.src = source ? source : "terminal";
	c.errs = errs;
	struct cfg_node *src = NULL;
	struct cfg_tree *pt = parse_into(&c, cfg_tree_schema(t), path, n, text, len, &src);
	free(path);
	if (!pt) {
		curly_free(&c);
		return -1;
	}
	long ret = c.nerr;
	if (ret) {
		cfg_tree_free(pt);
		curly_free(&c);
		return ret;
	}
	if (mode == CFG_CURLY_OVERRIDE || mode == CFG_CURLY_UPDATE)
		cfg_tree_clear(t, target);
	if (mode == CFG_CURLY_REPLACE) {
		for (size_t i = 0; i < c.nrepl; i++) {
			const struct cfg_node *r = c.repl[i];
			if (!in_subtree(r, src) || r->schema->kind == CFG_LEAF ||
			    r->schema->kind == CFG_LEAFLIST)
				continue; /* leaves are replaced by the merge; leaf-lists below */
			struct cfg_node *old = counterpart(t, target, src, r);
			if (old)
				cfg_tree_clear(t, old);
		}
	}
	if (cfg_tree_merge(t, target, src) != 0)
		ret = -1;
	if (ret == 0 && mode == CFG_CURLY_REPLACE) {
		/* replace: leaf-lists keep exactly the loaded values */
		for (size_t i = 0; i < c.nrepl; i++) {
			const struct cfg_node *r = c.repl[i];
			if (r->schema->kind != CFG_LEAFLIST || !in_subtree(r, src))
				continue;
			struct cfg_node *parent = counterpart(t, target, src, r->parent);
			if (!parent)
				continue;
			struct cfg_node *k = parent->child, *nx;
			for (; k; k = nx) {
				nx = k->next;
				if (k->schema != r->schema)
					continue;
				if (!cfg_tree_child(pt, r->parent, r->schema, k->value))
					cfg_tree_delete(t, k);
			}
		}
	}
	cfg_tree_free(pt);
	curly_free(&c);
	return ret;
}
