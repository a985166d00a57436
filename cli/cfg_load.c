/* cfg_load — set-format text into a tree (load set, and the store's format). */
#include "cfg_load.h"

#include <stdlib.h>
#include <string.h>

#include "cfg_err.h"
#include "cfg_parse.h"

struct cfg_node *cfg_load_apply_set(struct cfg_tree *t, struct cfg_node *from,
                                    const struct cfg_parse *p)
{
	if (p->n == 0) {
		cfg_err_set("nothing to set");
		return NULL;
	}
	/* check every statement first: a line applies whole or not at all */
	size_t nst = p->nstmt ? p->nstmt : 1;
	for (size_t k = 0; k < nst; k++) {
		size_t n;
		const struct cfg_step *st = cfg_parse_stmt(p, k, &n);
		const struct cfg_schema *last = n ? st[n - 1].schema : NULL;
		if (last && last->type == CFG_T_PASSWORD) {
			cfg_err_set("'%s' needs the password typed at a prompt", last->name);
			return NULL;
		}
	}
	struct cfg_node *node = NULL;
	for (size_t k = 0; k < nst; k++) {
		size_t n;
		const struct cfg_step *st = cfg_parse_stmt(p, k, &n);
		node = cfg_tree_set(t, from, st, n);
		if (!node)
			return NULL;
	}
	return node;
}

/* One error line: SOURCE:LINE:(COL) syntax error: WORD, or ... error: MSG. */
static void line_error(struct cfg_buf *errs, const char *source, size_t lineno, size_t col,
                       const char *word, const char *msg, bool syntax)
{
	if (!errs)
		return;
	if (syntax)
		cfg_buf_printf(errs, "%s:%zu:(%zu) syntax error: %s\n", source, lineno, col + 1,
		               word ? word : "");
	else
		cfg_buf_printf(errs, "%s:%zu:(%zu) error: %s\n", source, lineno, col + 1, msg);
}

enum op { OP_SET, OP_DELETE, OP_ACTIVATE, OP_DEACTIVATE, OP_ANNOTATE };

static int do_line(struct cfg_tree *t, struct cfg_node *at, const struct cfg_schema *start,
                   struct cfg_words *w, struct cfg_parse *p, const char *source, size_t lineno,
                   struct cfg_buf *errs)
{
	static const struct { const char *kw; enum op op; } ops[] = {
		{"set", OP_SET}, {"delete", OP_DELETE}, {"activate", OP_ACTIVATE},
		{"deactivate", OP_DEACTIVATE}, {"annotate", OP_ANNOTATE},
	};
	const char *kw = w->w[0].s;
	int op = -1;
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if (!w->w[0].quoted && strcmp(kw, ops[i].kw) == 0)
			op = (int)ops[i].op;
	if (op < 0) {
		line_error(errs, source, lineno, w->w[0].col, kw, NULL, true);
		return -1;
	}
	size_t end = w->n;
	if (w->pipe < w->n) {
		line_error(errs, source, lineno, w->w[w->pipe - 1].col, "|", NULL, true);
		return -1;
	}
	if (op == OP_ANNOTATE) {
		if (end < 3) {
			line_error(errs, source, lineno, end ? w->w[end - 1].end : 0, NULL,
			           "missing argument.", false);
			return -1;
		}
		end--; /* the last word is the comment */
	}
	if (cfg_parse_path(start, w, 1, end, op == OP_SET ? CFG_PM_SET : CFG_PM_PATH, p) < 0) {
		size_t wi = p->err_word < w->n ? p->err_word : (w->n ? w->n - 1 : 0);
		bool syntax = p->err == CFG_PE_SYNTAX || p->err == CFG_PE_INCOMPLETE ||
		              p->err == CFG_PE_AMBIGUOUS;
		const char *word = w->n ? w->w[wi].s : "";
		line_error(errs, source, lineno, p->err_col, word, p->msg, syntax);
		return -1;
	}
	if (op == OP_SET) {
		if (!cfg_load_apply_set(t, at, p)) {
			line_error(errs, source, lineno, w->w[w->n - 1].col, NULL, cfg_err_msg(), false);
			return -1;
		}
		return 0;
	}
	if (p->want && p->want->kind == CFG_LIST && p->steps[p->n - 1].value == NULL) {
		/* `delete vlans` with no key: all entries of the list */
		struct cfg_node *parent = cfg_tree_find(t, at, p->steps, p->n - 1);
		if (op != OP_DELETE || !parent) {
			line_error(errs, source, lineno, w->w[w->n - 1].end, NULL, "missing argument.", false);
			return -1;
		}
		for (struct cfg_node *c = parent->child, *next; c; c = next) {
			next = c->next;
			if (c->schema == p->want)
				cfg_tree_delete(t, c);
		}
		return 0;
	}
	struct cfg_node *n = cfg_tree_find(t, at, p->steps, p->n);
	if (!n) {
		if (op == OP_DELETE) /* Junos: deleting what isn't there is a warning */
			return 0;
		line_error(errs, source, lineno, w->w[1].col, NULL, "statement not found", false);
		return -1;
	}
	switch (op) {
	case OP_DELETE:
		cfg_tree_delete(t, n);
		break;
	case OP_ACTIVATE:
	case OP_DEACTIVATE:
		cfg_tree_activate(n, op == OP_ACTIVATE);
		break;
	case OP_ANNOTATE:
		if (cfg_tree_annotate(n, w->w[w->n - 1].s) < 0) {
			line_error(errs, source, lineno, w->w[w->n - 1].col, NULL, cfg_err_msg(), false);
			return -1;
		}
		break;
	}
	return 0;
}

long cfg_load_set(struct cfg_tree *t, struct cfg_node *at, const char *text, size_t len,
                  const char *source, unsigned flags, struct cfg_buf *errs)
{
	struct cfg_tree *work = t;
	struct cfg_node *wat = at;
	if (flags & CFG_LOAD_ALL_OR_NOTHING) {
		/* apply to a copy; the caller's tree changes only if all lines are good */
		struct cfg_step path[64];
		int depth = at ? cfg_tree_path(at, path, 64) : 0;
		if (depth < 0)
			return cfg_err_set("edit path too deep");
		work = cfg_tree_dup(t);
		wat = depth ? cfg_tree_find(work, NULL, path, (size_t)depth) : NULL;
	}
	const struct cfg_schema *start = wat ? wat->schema : cfg_tree_schema(work);
	struct cfg_words w = {0};
	struct cfg_parse p = {0};
	char *line = NULL;
	size_t linecap = 0, lineno = 0;
	long bad = 0;
	const char *s = text, *e = text + len;
	while (s < e) {
		const char *nl = memchr(s, '\n', (size_t)(e - s));
		size_t ll = nl ? (size_t)(nl - s) : (size_t)(e - s);
		lineno++;
		if (ll + 1 > linecap) {
			linecap = ll + 64;
			free(line);
			line = malloc(linecap);
			if (!line)
				abort();
		}
		memcpy(line, s, ll);
		line[ll] = '\0';
		if (ll && line[ll - 1] == '\r')
			line[--ll] = '\0';
		s = nl ? nl + 1 : e;
		if (memchr(line, '\0', ll)) {
			line_error(errs, source, lineno, strlen(line), NULL, "invalid NUL byte", false);
			bad++;
			continue;
		}
		size_t errcol = 0;
		if (cfg_lex(line, &w, &errcol) < 0) {
			line_error(errs, source, lineno, errcol, NULL, cfg_err_msg(), false);
			bad++;
			continue;
		}
		if (w.n == 0 || w.w[0].s[0] == '#')
			continue;
		if (do_line(work, wat, start, &w, &p, source, lineno, errs) < 0)
			bad++;
	}
	free(line);
	cfg_words_free(&w);
	cfg_parse_free(&p);
	if (work != t) {
		if (bad == 0) {
			/* swap contents: replace T's children by WORK's */
			struct cfg_node *troot = cfg_tree_root(t);
			cfg_tree_clear(t, troot);
			cfg_tree_merge(t, troot, cfg_tree_root(work));
		}
		cfg_tree_free(work);
	}
	return bad;
}
