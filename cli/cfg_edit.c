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
