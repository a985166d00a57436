/* cfg_merge — three-way merge on display-set statements. */
#include "cfg_merge.h"

#include <stdlib.h>
#include <string.h>

#include "cfg_err.h"
#include "cfg_load.h"
#include "cfg_parse.h"
#include "cfg_render.h"

/* A statement: its line, and its key — the line without a single-valued
 * leaf's value (so `set system host-name a` and `... b` share a key). */
struct stmt {
	char *line;
	size_t keylen;
	uint64_t lh, kh;
	bool secret; /* the value is a secret: conflict messages hide it */
};

struct stmts {
	struct stmt *s;
	size_t n;
	char *text; /* owns the lines */
	size_t *tab; /* open addressing over lines: index+1, 0 = empty */
	size_t *ktab; /* over keys */
	size_t cap;
};

static uint64_t hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

/* Length of the key of LINE: up to the value of a single-valued leaf. */
static size_t key_len(const struct cfg_schema *root, char *line, struct cfg_words *w,
                      struct cfg_parse *p, bool *secret)
{
	size_t len = strlen(line), col;
	*secret = false;
	if (strncmp(line, "set ", 4) != 0 || cfg_lex(line, w, &col) < 0 || w->n < 3)
		return len;
	if (cfg_parse_path(root, w, 1, w->n, CFG_PM_SET, p) < 0 || p->n == 0)
		return len;
	const struct cfg_schema *last = p->steps[p->n - 1].schema;
	if (last->kind != CFG_LEAF || last->type == CFG_T_FLAG)
		return len;
	*secret = last->type == CFG_T_SECRET;
	return w->w[w->n - 1].col; /* up to the value word */
}

static void stmts_build(struct stmts *st, const struct cfg_tree *t)
{
	struct cfg_buf b = {0};
	cfg_render_set(&b, cfg_tree_root(t), false, CFG_R_FULL | CFG_R_SECRETS);
	st->text = cfg_buf_steal(&b);
	size_t lines = 0;
	for (char *p = st->text; *p; p++)
		lines += *p == '\n';
	st->s = calloc(lines + 1, sizeof *st->s);
	st->cap = 16;
	while (st->cap < 2 * (lines + 1))
		st->cap *= 2;
	st->tab = calloc(st->cap, sizeof *st->tab);
	st->ktab = calloc(st->cap, sizeof *st->ktab);
	if (!st->s || !st->tab || !st->ktab)
		abort();
	struct cfg_words w = {0};
	struct cfg_parse p = {0};
	const struct cfg_schema *root = cfg_tree_schema(t);
	for (char *l = st->text; *l;) {
		char *nl = strchr(l, '\n');
		if (nl)
			*nl = '\0';
		struct stmt *s = &st->s[st->n];
		s->line = l;
		s->keylen = key_len(root, l, &w, &p, &s->secret);
		s->lh = hash(l, strlen(l));
		s->kh = hash(l, s->keylen);
		size_t mask = st->cap - 1, i = s->lh & mask;
		while (st->tab[i])
			i = (i + 1) & mask;
		st->tab[i] = st->n + 1;
		i = s->kh & mask;
		while (st->ktab[i])
			i = (i + 1) & mask;
		st->ktab[i] = st->n + 1;
		st->n++;
		if (!nl)
			break;
		l = nl + 1;
	}
	cfg_words_free(&w);
	cfg_parse_free(&p);
}

static void stmts_free(struct stmts *st)
{
	free(st->s);
	free(st->text);
	free(st->tab);
	free(st->ktab);
}

static bool has_line(const struct stmts *st, const struct stmt *x)
{
	size_t mask = st->cap - 1;
	for (size_t i = x->lh & mask; st->tab[i]; i = (i + 1) & mask)
		if (strcmp(st->s[st->tab[i] - 1].line, x->line) == 0)
			return true;
	return false;
}

/* The statement of ST with X's key, or NULL. */
static const struct stmt *by_key(const struct stmts *st, const struct stmt *x)
{
	size_t mask = st->cap - 1;
	for (size_t i = x->kh & mask; st->ktab[i]; i = (i + 1) & mask) {
		const struct stmt *s = &st->s[st->ktab[i] - 1];
		if (s->keylen == x->keylen && strncmp(s->line, x->line, x->keylen) == 0)
			return s;
	}
	return NULL;
}

/* X's line for a message: the merge compares full lines (secrets
 * included), but what it says is read by users who may not see secrets. */
static const char *shown(const struct stmt *x, struct cfg_buf *tmp)
{
	if (!x->secret)
		return x->line;
	cfg_buf_reset(tmp);
	cfg_buf_printf(tmp, "%.*s%s", (int)x->keylen, x->line, CFG_RENDER_SECRET_HIDDEN);
	return tmp->p;
}

/* The statement that undoes LINE: set → delete, deactivate → activate,
 * annotate PATH "x" → annotate PATH "". */
static void undo_line(struct cfg_buf *b, const char *line)
{
	if (strncmp(line, "set ", 4) == 0) {
		cfg_buf_printf(b, "delete %s\n", line + 4);
	} else if (strncmp(line, "deactivate ", 11) == 0) {
		cfg_buf_printf(b, "activate %s\n", line + 11);
	} else if (strncmp(line, "annotate ", 9) == 0) {
		/* the comment is the last word (quoted, may hold spaces) */
		struct cfg_words w = {0};
		size_t col;
		if (cfg_lex(line, &w, &col) == 0 && w.n >= 3)
			cfg_buf_printf(b, "%.*s \"\"\n", (int)w.w[w.n - 1].col, line);
		cfg_words_free(&w);
	}
}

/* List entries MINE deleted whole leave an empty entry behind after their
 * statements are deleted from THEIRS: remove those (they were in BASE, are
 * not in MINE, and have nothing left). */
static void prune_deleted_entries(struct cfg_tree *r, const struct cfg_tree *base,
                                  const struct cfg_tree *mine)
{
	struct cfg_node *root = cfg_tree_root(r);
	struct cfg_step path[64];
	for (struct cfg_node *n = cfg_tree_next(root, root); n;) {
		if (n->schema->kind == CFG_LIST && !n->child) {
			int d = cfg_tree_path(n, path, 64);
			if (d > 0 && cfg_tree_find(base, NULL, path, (size_t)d) &&
			    !cfg_tree_find(mine, NULL, path, (size_t)d)) {
				/* restart the walk: the delete may prune ancestors */
				cfg_tree_delete(r, n);
				n = cfg_tree_next(root, root);
				continue;
			}
		}
		n = cfg_tree_next(root, n);
	}
}

struct cfg_tree *cfg_merge3(const struct cfg_tree *base, const struct cfg_tree *mine,
                            const struct cfg_tree *theirs, struct cfg_buf *conflicts,
                            size_t *n_conflicts)
{
	struct stmts B = {0}, M = {0}, T = {0};
	stmts_build(&B, base);
	stmts_build(&M, mine);
	stmts_build(&T, theirs);
	struct cfg_buf ops = {0}, t1 = {0}, t2 = {0};
	size_t nc = 0;
	/* MINE removed or changed: B lines not in M */
	for (size_t i = 0; i < B.n; i++) {
		const struct stmt *b = &B.s[i];
		if (has_line(&M, b))
			continue;
		const struct stmt *m = by_key(&M, b); /* changed value, or NULL: removed */
		bool in_t = has_line(&T, b);
		const struct stmt *t = in_t ? NULL : by_key(&T, b);
		if (!in_t && t && (!m || strcmp(m->line, t->line) != 0)) {
			cfg_buf_printf(conflicts, "conflict: '%s' was changed to '%s' by another commit, "
			               "but this session %s it\n", shown(b, &t1), shown(t, &t2),
			               m ? "changed" : "deleted");
			nc++;
			continue;
		}
		if (!m && in_t)
			undo_line(&ops, b->line);
	}
	/* MINE added or changed: M lines not in B */
	for (size_t i = 0; i < M.n; i++) {
		const struct stmt *m = &M.s[i];
		if (has_line(&B, m) || has_line(&T, m))
			continue;
		const struct stmt *b = by_key(&B, m);
		const struct stmt *t = by_key(&T, m);
		if (b && !t && m->keylen < strlen(m->line)) {
			cfg_buf_printf(conflicts, "conflict: '%s' was deleted by another commit, "
			               "but this session changed it to '%s'\n", shown(b, &t1), shown(m, &t2));
			nc++;
			continue;
		}
		if (b && t && strcmp(b->line, t->line) != 0)
			continue; /* reported above */
		cfg_buf_printf(&ops, "%s\n", m->line);
	}
	struct cfg_tree *r = NULL;
	if (nc == 0) {
		r = cfg_tree_dup(theirs);
		struct cfg_buf errs = {0};
		/* a change whose parent the other side deleted does not apply: report it */
		long bad = cfg_load_set(r, NULL, ops.p ? ops.p : "", ops.len, "merge", 0, &errs);
		if (bad > 0) {
			cfg_buf_printf(conflicts, "conflict: %s", errs.p);
			nc += (size_t)bad;
			cfg_tree_free(r);
			r = NULL;
		}
		cfg_buf_free(&errs);
		if (r)
			prune_deleted_entries(r, base, mine);
	}
	*n_conflicts = nc;
	cfg_buf_free(&ops);
	cfg_buf_free(&t1);
	cfg_buf_free(&t2);
	stmts_free(&B);
	stmts_free(&M);
	stmts_free(&T);
	return r;
}
