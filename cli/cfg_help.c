/* cfg_help — see cfg_help.h. */
#include "cfg_help.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_cmd.h"
#include "cfg_err.h"
#include "cfg_perm.h"
#include "cfg_session.h"

#define HELP_DEPTH 64

/* The words of the `rest` leaf, joined by spaces (into B). */
static void rest_words(const struct cfg_cmd *c, struct cfg_buf *b)
{
	for (size_t i = cfg_cmd_rest(c); i < c->end; i++) {
		if (i > cfg_cmd_rest(c))
			cfg_buf_putc(b, ' ');
		cfg_buf_puts(b, c->w->w[i].s);
	}
}

/* One path element of S as `help apropos` and the hierarchy line show it:
 * a keyword, `keyword <key>` for a list, `<placeholder>` when positional. */
static void path_elem(struct cfg_buf *b, const struct cfg_schema *s)
{
	char ph[128];
	if (s->kind == CFG_LIST) {
		if (!(s->flags & CFG_F_POSITIONAL))
			cfg_buf_printf(b, "%s ", s->name);
		cfg_buf_puts(b, cfg_schema_placeholder(s, ph, sizeof ph));
	} else if (s->flags & CFG_F_POSITIONAL) {
		cfg_buf_puts(b, cfg_schema_placeholder(s, ph, sizeof ph));
	} else {
		cfg_buf_puts(b, s->name);
	}
}

/* The words from the root to S (S included), space separated. */
static void path_words(struct cfg_buf *b, const struct cfg_schema *s)
{
	const struct cfg_schema *up[HELP_DEPTH];
	size_t n = 0;
	for (const struct cfg_schema *p = s; p && p->parent && n < HELP_DEPTH; p = p->parent)
		up[n++] = p;
	while (n--) {
		path_elem(b, up[n]);
		if (n)
			cfg_buf_putc(b, ' ');
	}
}

/* The help text of S; a list entry without one says what its key is. */
static const char *help_of(const struct cfg_schema *s)
{
	if (s->help && *s->help)
		return s->help;
	if (s->kind == CFG_LIST && s->key_help)
		return s->key_help;
	return "";
}

/* The keyword (not a placeholder) or the help of S holds WORD. */
static bool mentions(const struct cfg_schema *s, const char *word)
{
	if (!(s->flags & CFG_F_POSITIONAL) && s->name && strcasestr(s->name, word))
		return true;
	return strcasestr(help_of(s), word) != NULL;
}

struct apropos {
	const char *word;
	cfg_perms perms;
	bool config; /* walking the configuration schema */
	const char *prefix;
	size_t hits;
	struct cfg_buf *out;
};

static void apropos_walk(struct apropos *a, const struct cfg_schema *s, unsigned depth)
{
	if (depth > HELP_DEPTH || (s->flags & CFG_F_HIDDEN))
		return;
	if (s->parent) {
		if (a->config ? !cfg_perm_may_view(a->perms, s) : !cfg_perm_may_reach(a->perms, s))
			return;
		/* command arguments that are values are not commands */
		bool listed = a->config || s->kind == CFG_CONTAINER ||
		              (s->kind == CFG_LEAF && !(s->flags & CFG_F_POSITIONAL));
		if (listed && mentions(s, a->word)) {
			cfg_buf_puts(a->out, a->prefix);
			path_words(a->out, s);
			cfg_buf_putc(a->out, '\n');
			if (*help_of(s))
				cfg_buf_printf(a->out, "    %s\n", help_of(s));
			a->hits++;
		}
	}
	for (size_t i = 0; i < s->n_children; i++)
		apropos_walk(a, s->children[i], depth + 1);
}

/* `help apropos STRING`: the commands of the session's mode, then the
 * configuration statements (as `set ...`), whose keyword or help text
 * mentions STRING (Junos: "help apropos -- find help information about a
 * topic"; its output lists each command or statement, its help indented
 * below it). */
static int h_help_apropos(struct cfg_cmd *c)
{
	struct cfg_buf word;
	cfg_buf_init(&word);
	rest_words(c, &word);
	if (!word.len) {
		cfg_buf_free(&word);
		return cfg_err_set("help apropos: missing string");
	}
	struct apropos a = {.word = word.p, .perms = cfg_session_perms(c->s), .out = c->out, .prefix = ""};
	bool conf = cfg_session_in_config(c->s);
	apropos_walk(&a, conf ? cfg_daemon_cfgmode_schema(c->d) : cfg_daemon_ops_schema(c->d), 0);
	a.config = true;
	a.prefix = "set ";
	apropos_walk(&a, cfg_daemon_schema(c->d), 0);
	if (!a.hits)
		cfg_buf_printf(c->out, "No matches found for '%s'\n", word.p);
	cfg_buf_free(&word);
	return 0;
}

/* ------------------------------------------------ reference and topic */

/* The value a leaf takes, in Junos's syntax notation: `(a | b)` for an
 * enumeration, `<placeholder>` otherwise (with its range for integers). */
static void value_syntax(struct cfg_buf *b, const struct cfg_schema *s)
{
	char ph[128];
	if (s->type == CFG_T_ENUM && s->n_enums) {
		cfg_buf_puts(b, "(");
		for (size_t i = 0; i < s->n_enums; i++)
			cfg_buf_printf(b, "%s%s", i ? " | " : "", s->enums[i]);
		cfg_buf_puts(b, ")");
		return;
	}
	snprintf(ph, sizeof ph, "<%s>", s->kind == CFG_LIST ? s->key_name : s->name);
	cfg_buf_puts(b, ph);
}

static void syntax(struct cfg_buf *b, const struct cfg_schema *s, unsigned ind, cfg_perms p,
                   unsigned depth)
{
	if (depth > HELP_DEPTH || (s->flags & CFG_F_HIDDEN) || !cfg_perm_may_view(p, s))
		return;
	cfg_buf_indent(b, ind);
	switch (s->kind) {
	case CFG_LEAF:
		if (!(s->flags & CFG_F_POSITIONAL))
			cfg_buf_puts(b, s->name);
		if (s->type != CFG_T_FLAG && s->type != CFG_T_PASSWORD) {
			if (!(s->flags & CFG_F_POSITIONAL))
				cfg_buf_putc(b, ' ');
			value_syntax(b, s);
		}
		cfg_buf_puts(b, ";\n");
		return;
	case CFG_LEAFLIST:
		if (!(s->flags & CFG_F_POSITIONAL))
			cfg_buf_printf(b, "%s ", s->name);
		cfg_buf_puts(b, "[ ");
		value_syntax(b, s);
		cfg_buf_puts(b, "... ];\n");
		return;
	case CFG_LIST:
		if (!(s->flags & CFG_F_POSITIONAL))
			cfg_buf_printf(b, "%s ", s->name);
		value_syntax(b, s);
		break;
	case CFG_CONTAINER:
		cfg_buf_puts(b, s->name);
		break;
	}
	if (!s->n_children) {
		cfg_buf_puts(b, ";\n");
		return;
	}
	cfg_buf_puts(b, " {\n");
	for (size_t i = 0; i < s->n_children; i++)
		syntax(b, s->children[i], ind + 4, p, depth + 1);
	cfg_buf_indent(b, ind);
	cfg_buf_puts(b, "}\n");
}

/* What the schema says of S's value besides its help, one line each
 * (Junos's reference pages: "Range: 1 through 4094", "Default: ..."). */
static void facts(struct cfg_buf *b, const struct cfg_schema *s, unsigned ind)
{
	if (s->type == CFG_T_INT && s->kind != CFG_LIST) {
		cfg_buf_indent(b, ind);
		cfg_buf_printf(b, "Range: %lld through %lld\n", (long long)s->min, (long long)s->max);
	}
	if (s->type == CFG_T_ENUM && s->kind != CFG_LIST && s->n_enums) {
		cfg_buf_indent(b, ind);
		cfg_buf_puts(b, "Values:");
		for (size_t i = 0; i < s->n_enums; i++)
			cfg_buf_printf(b, " %s", s->enums[i]);
		cfg_buf_putc(b, '\n');
	}
	if (s->dflt) {
		cfg_buf_indent(b, ind);
		cfg_buf_printf(b, "Default: %s\n", s->dflt);
	}
	if (s->flags & CFG_F_MANDATORY) {
		cfg_buf_indent(b, ind);
		cfg_buf_puts(b, "Mandatory\n");
	}
	if (s->ref) {
		cfg_buf_indent(b, ind);
		cfg_buf_printf(b, "Names an entry of [edit %s]\n", s->ref);
	}
}

/* One line per child of S: keyword, help, and what the schema says of it. */
static void options(struct cfg_buf *b, const struct cfg_schema *s, cfg_perms p)
{
	bool any = false;
	for (size_t i = 0; i < s->n_children; i++) {
		const struct cfg_schema *k = s->children[i];
		if ((k->flags & CFG_F_HIDDEN) || !cfg_perm_may_view(p, k))
			continue;
		if (!any)
			cfg_buf_puts(b, "\nOptions\n\n");
		any = true;
		struct cfg_buf w;
		cfg_buf_init(&w);
		path_elem(&w, k);
		cfg_buf_printf(b, "  %s\n      %s", w.p, help_of(k));
		cfg_buf_free(&w);
		cfg_buf_putc(b, '\n');
		facts(b, k, 6);
	}
}

static void hierarchy(struct cfg_buf *b, const struct cfg_schema *s)
{
	cfg_buf_puts(b, "\nHierarchy Level\n\n  [edit");
	if (s->parent && s->parent->parent) {
		cfg_buf_putc(b, ' ');
		path_words(b, s->parent);
	}
	cfg_buf_puts(b, "]\n");
}

/* Statements the words name: the statement at that path from the root, or
 * (one word that is no top-level statement) every statement with that
 * keyword. Fills SS (at most MAX), returns the count. */
static size_t find_stmts(struct cfg_cmd *c, const struct cfg_schema *root, const char *word,
                         const struct cfg_schema **ss, size_t max)
{
	size_t n = 0;
	size_t first = cfg_cmd_rest(c);
	/* the path from the root: keywords (unique prefixes as everywhere);
	   a word that is no keyword is the value of the positional list or
	   leaf there; a list's keywords may follow without a value, as the
	   reference names statements, not entries */
	const struct cfg_schema *s = root;
	size_t i;
	for (i = first; i < c->end; i++) {
		bool amb = false;
		const char *wd = c->w->w[i].s;
		const struct cfg_schema *k = cfg_parse_keyword(s, wd, &amb);
		const struct cfg_schema *pos = cfg_schema_positional(s);
		if (!k && !amb && pos && pos->kind == CFG_LIST)
			k = cfg_parse_keyword(pos, wd, &amb);
		if (k)
			s = k;
		else if (pos && !amb)
			s = pos; /* the word is its value */
		else
			break;
	}
	if (i == c->end && s != root) {
		ss[n++] = s;
		return n;
	}
	if (c->end - first != 1)
		return 0;
	/* breadth-first over the schema: every node named WORD */
	const struct cfg_schema *q[1024];
	size_t qh = 0, qt = 0;
	q[qt++] = root;
	while (qh < qt && n < max) {
		const struct cfg_schema *s = q[qh++];
		for (size_t i = 0; i < s->n_children; i++) {
			const struct cfg_schema *k = s->children[i];
			if (!strcmp(k->name, word) && n < max)
				ss[n++] = k;
			if (qt < sizeof q / sizeof *q)
				q[qt++] = k;
		}
	}
	return n;
}

static int help_stmt(struct cfg_cmd *c, bool reference)
{
	struct cfg_buf word;
	cfg_buf_init(&word);
	rest_words(c, &word);
	if (!word.len) {
		cfg_buf_free(&word);
		return cfg_err_set("help %s: missing statement", reference ? "reference" : "topic");
	}
	const struct cfg_schema *ss[16];
	cfg_perms p = cfg_session_perms(c->s);
	size_t n = find_stmts(c, cfg_daemon_schema(c->d), word.p, ss, 16);
	size_t shown = 0;
	for (size_t i = 0; i < n; i++) {
		const struct cfg_schema *s = ss[i];
		if ((s->flags & CFG_F_HIDDEN) || !cfg_perm_may_view(p, s))
			continue;
		if (shown++)
			cfg_buf_putc(c->out, '\n');
		struct cfg_buf t;
		cfg_buf_init(&t);
		path_elem(&t, s);
		cfg_buf_printf(c->out, "%s\n", t.p);
		cfg_buf_free(&t);
		if (reference) {
			cfg_buf_puts(c->out, "\nSyntax\n\n");
			syntax(c->out, s, 2, p, 0);
			hierarchy(c->out, s);
		}
		cfg_buf_printf(c->out, "\nDescription\n\n  %s\n", help_of(s));
		facts(c->out, s, 2);
		if (!reference) {
			cfg_buf_puts(c->out, "\nStatement\n\n  ");
			if (s->parent && s->parent->parent) {
				cfg_buf_puts(c->out, "[edit ");
				path_words(c->out, s->parent);
				cfg_buf_puts(c->out, "] ");
			} else {
				cfg_buf_puts(c->out, "[edit] ");
			}
			path_elem(c->out, s);
			cfg_buf_putc(c->out, '\n');
		}
		options(c->out, s, p);
	}
	if (!shown) {
		cfg_err_set("no help found for '%s'", word.p);
		cfg_buf_free(&word);
		return -1;
	}
	cfg_buf_free(&word);
	return 0;
}

/* `help reference STATEMENT` (Junos: the statement's reference page:
 * Syntax, Hierarchy Level, Description, Options), here from the schema. */
static int h_help_reference(struct cfg_cmd *c) { return help_stmt(c, true); }
/* `help topic STATEMENT`: nfx has no prose topics; the description, where
 * the statement sits and what it holds, from the schema. */
static int h_help_topic(struct cfg_cmd *c) { return help_stmt(c, false); }

int cfg_help_register_all(struct cfg_daemon *d)
{
	if (cfg_daemon_register(d, "help_apropos", h_help_apropos) < 0 ||
	    cfg_daemon_register(d, "help_reference", h_help_reference) < 0 ||
	    cfg_daemon_register(d, "help_topic", h_help_topic) < 0)
		return -1;
	return 0;
}
