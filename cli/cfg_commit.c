/* cfg_commit — findings, generic validation and the commit pipeline.
 * See cfg_commit.h.
 */
#include "cfg_commit.h"

#include "cfg_diff.h"
#include "cfg_err.h"
#include "cfg_render.h"
#include "cfg_subsys.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- findings ---------------------------------------------------------- */

static char *xstrdup(const char *s)
{
	if (!s)
		return NULL;
	char *c = strdup(s);
	if (!c)
		abort(); /* as cfg_buf: out of memory is not an operator error */
	return c;
}

static char *xvasprintf(const char *fmt, va_list ap)
{
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	return s;
}

/* Append a finding; takes ownership of EDIT, STMT and MSG (malloc'ed). */
static struct cfg_finding *findings_push(struct cfg_findings *fs, char *edit, char *stmt, char *msg)
{
	if (fs->n == fs->cap) {
		size_t nc = fs->cap ? fs->cap * 2 : 8;
		struct cfg_finding *nf = realloc(fs->f, nc * sizeof *nf);
		if (!nf)
			abort();
		fs->f = nf;
		fs->cap = nc;
	}
	struct cfg_finding *f = &fs->f[fs->n++];
	f->edit = edit;
	f->stmt = stmt;
	f->msg = msg;
	f->mandatory = false;
	f->warning = false;
	return f;
}

static char *edit_path(const struct cfg_node *at)
{
	if (!at)
		return NULL;
	struct cfg_buf b;
	cfg_buf_init(&b);
	cfg_render_edit_path(&b, at);
	return cfg_buf_steal(&b);
}

static struct cfg_finding *findings_vadd(struct cfg_findings *fs, const struct cfg_node *at,
                                         const char *stmt, const char *fmt, va_list ap)
{
	char *msg = xvasprintf(fmt, ap);
	return findings_push(fs, edit_path(at), xstrdup(stmt), msg);
}

void cfg_findings_add(struct cfg_findings *fs, const struct cfg_node *at, const char *stmt,
                      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	findings_vadd(fs, at, stmt, fmt, ap);
	va_end(ap);
}

void cfg_findings_add_line(struct cfg_findings *fs, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	findings_push(fs, NULL, NULL, xvasprintf(fmt, ap));
	va_end(ap);
}

void cfg_findings_warn(struct cfg_findings *fs, const struct cfg_node *at, const char *stmt,
                       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	findings_vadd(fs, at, stmt, fmt, ap)->warning = true;
	va_end(ap);
}

size_t cfg_findings_errors(const struct cfg_findings *fs)
{
	size_t n = 0;
	for (size_t i = 0; fs && i < fs->n; i++)
		if (!fs->f[i].warning)
			n++;
	return n;
}

void cfg_findings_render(struct cfg_buf *b, const struct cfg_findings *fs)
{
	if (!fs)
		return;
	bool mandatory = false;
	size_t errors = 0;
	for (size_t i = 0; i < fs->n; i++) {
		const struct cfg_finding *f = &fs->f[i];
		const char *pfx = f->warning ? "warning: " : "";
		if (!f->warning) {
			errors++;
			mandatory |= f->mandatory;
		}
		if (!f->edit && !f->stmt) {
			cfg_buf_printf(b, "%s%s\n", f->warning ? "warning: " : "error: ", f->msg);
			continue;
		}
		if (f->edit)
			cfg_buf_printf(b, "%s\n", f->edit);
		if (f->stmt)
			cfg_buf_printf(b, "  %s\n    %s%s\n", f->stmt, pfx, f->msg);
		else
			cfg_buf_printf(b, "  %s%s\n", pfx, f->msg);
	}
	if (errors)
		cfg_buf_puts(b, mandatory ? "error: commit failed: (missing mandatory statements)\n"
		                          : "error: configuration check-out failed\n");
}

void cfg_findings_free(struct cfg_findings *fs)
{
	if (!fs)
		return;
	for (size_t i = 0; i < fs->n; i++) {
		free(fs->f[i].edit);
		free(fs->f[i].stmt);
		free(fs->f[i].msg);
	}
	free(fs->f);
	fs->f = NULL;
	fs->n = fs->cap = 0;
}

/* ---- validation -------------------------------------------------------- */


/* N and all its ancestors exist (used for the target of a `ref`). */
static bool node_exists_up(const struct cfg_node *n)
{
	if (!cfg_node_counts(n))
		return false;
	for (const struct cfg_node *p = n->parent; p && p->parent; p = p->parent)
		if (p->flags & CFG_N_INACTIVE)
			return false;
	return true;
}

/* "'members v999'", "'image'", "'\"a b\"'" — the statement as Junos quotes it. */
static char *stmt_text(const struct cfg_schema *s, const char *value)
{
	struct cfg_buf b;
	cfg_buf_init(&b);
	cfg_buf_putc(&b, '\'');
	bool kw = !(s->flags & CFG_F_POSITIONAL) || !value;
	if (kw)
		cfg_buf_puts(&b, s->name);
	if (value) {
		if (kw)
			cfg_buf_putc(&b, ' ');
		bool quote = !*value || strpbrk(value, " \t\";{}[]#'") != NULL;
		if (quote)
			cfg_buf_putc(&b, '"');
		for (const char *p = value; *p; p++) {
			if (quote && (*p == '"' || *p == '\\'))
				cfg_buf_putc(&b, '\\');
			cfg_buf_putc(&b, *p);
		}
		if (quote)
			cfg_buf_putc(&b, '"');
	}
	cfg_buf_putc(&b, '\'');
	return cfg_buf_steal(&b);
}

struct ref_cache {
	const struct cfg_schema *leaf;  /* the referring leaf/leaf-list schema */
	const struct cfg_schema *list;  /* the referenced list, NULL if the path is bad */
	const struct cfg_node *parent;  /* node holding the list entries, NULL if absent */
	const char *word;               /* the list's keyword, for messages */
};

struct unique_rec {
	const struct cfg_schema *leaf;
	const struct cfg_node *scope;   /* parent of the enclosing list's entries */
	const struct cfg_node *node;    /* the leaf node */
	const struct cfg_node *entry;   /* the enclosing list entry */
	size_t order;                   /* walk order, for stable output */
};

struct validate {
	const struct cfg_tree *tree;
	struct cfg_findings *fs;
	struct ref_cache *refs;
	size_t n_refs, cap_refs;
	struct unique_rec *uniq;
	size_t n_uniq, cap_uniq;
};

/* Resolve the absolute schema path of S->ref ("host-os vlans") once per
 * validation: the list schema and the tree node whose children are its
 * entries. Containers on the way must exist (and be active). */
static const struct ref_cache *ref_resolve(struct validate *v, const struct cfg_schema *s)
{
	for (size_t i = 0; i < v->n_refs; i++)
		if (v->refs[i].leaf == s)
			return &v->refs[i];
	if (v->n_refs == v->cap_refs) {
		size_t nc = v->cap_refs ? v->cap_refs * 2 : 4;
		struct ref_cache *nr = realloc(v->refs, nc * sizeof *nr);
		if (!nr)
			abort();
		v->refs = nr;
		v->cap_refs = nc;
	}
	struct ref_cache *r = &v->refs[v->n_refs++];
	r->leaf = s;
	r->list = NULL;
	r->parent = NULL;
	r->word = s->ref;

	const struct cfg_schema *sc = cfg_tree_schema(v->tree);
	const struct cfg_node *node = cfg_tree_root(v->tree);
	char *copy = xstrdup(s->ref), *save = NULL;
	for (char *w = strtok_r(copy, " \t", &save); w && sc; w = strtok_r(NULL, " \t", &save)) {
		const struct cfg_schema *c = cfg_schema_child(sc, w);
		if (!c) {
			sc = NULL;
			break;
		}
		if (c->kind == CFG_LIST) {
			/* must be the last word */
			if (strtok_r(NULL, " \t", &save)) {
				sc = NULL;
				break;
			}
			r->list = c;
			r->word = c->name;
			break;
		}
		if (c->kind != CFG_CONTAINER) {
			sc = NULL;
			break;
		}
		sc = c;
		if (node) {
			struct cfg_node *n = cfg_tree_child(v->tree, node, c, NULL);
			node = (n && !(n->flags & CFG_N_INACTIVE)) ? n : NULL;
		}
		/* `host-os vlans`: a container whose entries are its positional list */
		const struct cfg_schema *pos = cfg_schema_positional(c);
		if (pos && pos->kind == CFG_LIST && !save[strspn(save, " \t")]) {
			r->list = pos;
			r->word = c->name;
			break;
		}
	}
	free(copy);
	if (r->list)
		r->parent = node;
	return r;
}

static void check_ref(struct validate *v, const struct cfg_node *n)
{
	const struct cfg_schema *s = n->schema;
	if (!n->value)
		return;
	const struct ref_cache *r = ref_resolve(v, s);
	if (!r->list) {
		char *st = stmt_text(s, n->value);
		cfg_findings_add(v->fs, n->parent, st, "Schema error: bad reference path '%s'", s->ref);
		free(st);
		return;
	}
	if (r->parent) {
		const struct cfg_node *e = cfg_tree_child(v->tree, r->parent, r->list, n->value);
		if (e && e->schema == r->list && node_exists_up(e))
			return;
	}
	char *st = stmt_text(s, n->value);
	cfg_findings_add(v->fs, n->parent, st, "Referenced %s %s does not exist", r->word, n->value);
	free(st);
}

static void record_unique(struct validate *v, const struct cfg_node *n)
{
	if (!n->value)
		return;
	const struct cfg_node *entry = n->parent;
	while (entry && entry->parent && entry->schema->kind != CFG_LIST)
		entry = entry->parent;
	if (!entry || !entry->parent || entry->schema->kind != CFG_LIST)
		return; /* not inside a list: trivially unique */
	if (v->n_uniq == v->cap_uniq) {
		size_t nc = v->cap_uniq ? v->cap_uniq * 2 : 64;
		struct unique_rec *nu = realloc(v->uniq, nc * sizeof *nu);
		if (!nu)
			abort();
		v->uniq = nu;
		v->cap_uniq = nc;
	}
	v->uniq[v->n_uniq] = (struct unique_rec){
		.leaf = n->schema, .scope = entry->parent, .node = n, .entry = entry, .order = v->n_uniq,
	};
	v->n_uniq++;
}

static int ptrcmp(const void *a, const void *b) { return a < b ? -1 : a > b; }

static int unique_cmp(const void *pa, const void *pb)
{
	const struct unique_rec *a = pa, *b = pb;
	int c;
	if ((c = ptrcmp(a->leaf, b->leaf)) || (c = ptrcmp(a->scope, b->scope)))
		return c;
	if ((c = strcmp(a->node->value, b->node->value)))
		return c;
	return a->order < b->order ? -1 : a->order > b->order;
}

static int group_cmp(const void *pa, const void *pb)
{
	const struct unique_rec *const *a = pa, *const *b = pb;
	return (*a)->order < (*b)->order ? -1 : (*a)->order > (*b)->order;
}

static void report_unique(struct validate *v)
{
	if (v->n_uniq < 2)
		return;
	qsort(v->uniq, v->n_uniq, sizeof *v->uniq, unique_cmp);
	/* the first record of each duplicate group, reported in walk order */
	const struct unique_rec **groups = malloc(v->n_uniq * sizeof *groups);
	if (!groups)
		abort();
	size_t ng = 0;
	for (size_t i = 0; i < v->n_uniq;) {
		size_t j = i + 1;
		while (j < v->n_uniq && v->uniq[j].leaf == v->uniq[i].leaf &&
		       v->uniq[j].scope == v->uniq[i].scope &&
		       !strcmp(v->uniq[j].node->value, v->uniq[i].node->value))
			j++;
		if (j - i > 1)
			groups[ng++] = &v->uniq[i];
		i = j;
	}
	qsort(groups, ng, sizeof *groups, group_cmp);
	for (size_t g = 0; g < ng; g++) {
		const struct unique_rec *first = groups[g];
		const struct unique_rec *end = first + 1;
		while (end < v->uniq + v->n_uniq && end->leaf == first->leaf &&
		       end->scope == first->scope && !strcmp(end->node->value, first->node->value))
			end++;
		struct cfg_buf names;
		cfg_buf_init(&names);
		for (const struct unique_rec *r = first; r < end; r++) {
			cfg_buf_putc(&names, ' ');
			cfg_buf_puts(&names, r->entry->value ? r->entry->value : "?");
		}
		/* reported at the second user of the value */
		const struct unique_rec *at = first + 1;
		char *st = stmt_text(at->leaf, at->node->value);
		cfg_findings_add(v->fs, at->node->parent, st, "%s %s is used by more than one %s:%s",
		                 at->leaf->name, at->node->value, first->entry->schema->name, names.p);
		free(st);
		cfg_buf_free(&names);
	}
	free(groups);
}

/* N exists (active): are its mandatory children there? */
static void check_mandatory(struct validate *v, const struct cfg_node *n)
{
	const struct cfg_schema *s = n->schema;
	size_t nc = s ? s->n_children : 0;
	if (!nc)
		return;
	bool any_mandatory = false;
	for (size_t i = 0; i < nc; i++)
		any_mandatory |= (s->children[i]->flags & CFG_F_MANDATORY) != 0;
	if (!any_mandatory)
		return;
	bool small[64];
	bool *seen = nc <= 64 ? small : calloc(nc, sizeof *seen);
	if (!seen)
		abort();
	memset(seen, 0, nc * sizeof *seen);
	const struct cfg_schema *last = NULL;
	for (const struct cfg_node *c = n->child; c; c = c->next) {
		if (c->schema == last || !cfg_node_counts(c))
			continue; /* entries of the same list: one is enough */
		size_t idx = c->schema->index;
		if (idx >= nc || s->children[idx] != c->schema)
			for (idx = 0; idx < nc && s->children[idx] != c->schema; idx++)
				;
		if (idx < nc) {
			seen[idx] = true;
			last = c->schema;
		}
	}
	for (size_t i = 0; i < nc; i++) {
		const struct cfg_schema *cs = s->children[i];
		if (!(cs->flags & CFG_F_MANDATORY) || seen[i])
			continue;
		char *st = stmt_text(cs, NULL);
		struct cfg_finding *f = findings_push(v->fs, edit_path(n), st, NULL);
		if (asprintf(&f->msg, "Missing mandatory statement: %s", st) < 0)
			abort();
		f->mandatory = true;
	}
	if (seen != small)
		free(seen);
}

static void validate_node(struct validate *v, const struct cfg_node *n);

/* C exists (active): its own checks, then its subtree. */
static void validate_child(struct validate *v, const struct cfg_node *c)
{
	const struct cfg_schema *cs = c->schema;
	if (cs->kind == CFG_LEAF || cs->kind == CFG_LEAFLIST) {
		if (cs->ref)
			check_ref(v, c);
		if (cs->flags & CFG_F_UNIQUE)
			record_unique(v, c);
	}
	if (cs->n_children)
		validate_node(v, c); /* also when empty: mandatory children */
}

/* N exists (active). Check its mandatory children, then walk them. */
static void validate_node(struct validate *v, const struct cfg_node *n)
{
	check_mandatory(v, n);
	for (const struct cfg_node *c = n->child; c; c = c->next)
		if (cfg_node_counts(c))
			validate_child(v, c);
}

void cfg_validate(const struct cfg_tree *tree, struct cfg_findings *fs)
{
	if (!tree || !fs)
		return;
	struct validate v = { .tree = tree, .fs = fs };
	validate_node(&v, cfg_tree_root(tree));
	report_unique(&v);
	free(v.refs);
	free(v.uniq);
}

/* ---- validation proportional to the change ------------------------------
 *
 * The active tree was valid when it was committed, so only what the diff
 * touches can be wrong now:
 *   an added subtree          all its checks (mandatory, refs, unique)
 *   a changed leaf            its ref, its uniqueness
 *   a deleted subtree         its parent's mandatory children; and when it
 *                             removes entries some `ref` may name (an entry of
 *                             a referenced list, or an ancestor of the list),
 *                             the whole tree is validated instead
 *   a reorder                 nothing
 * A unique value is checked against every entry of its scope. Small trees
 * are always validated whole (the findings then come in walk order). */

#define VALIDATE_WHOLE_BELOW 2048 /* nodes */

/* Is S (a schema node) the list some `ref` names, or an ancestor of one? */
static bool schema_holds_ref_target(const struct cfg_schema *root, const struct cfg_schema *x,
                                    const struct cfg_schema *s)
{
	for (size_t i = 0; i < s->n_children; i++) {
		const struct cfg_schema *c = s->children[i];
		if (c->ref) {
			/* resolve "host-os vlans" to its list, schema only */
			const struct cfg_schema *sc = root, *list = NULL;
			char *copy = xstrdup(c->ref), *save = NULL;
			for (char *w = strtok_r(copy, " \t", &save); w && sc;
			     w = strtok_r(NULL, " \t", &save)) {
				const struct cfg_schema *k = cfg_schema_child(sc, w);
				if (!k)
					break;
				if (k->kind == CFG_LIST) {
					list = k;
					break;
				}
				sc = k;
				const struct cfg_schema *pos = cfg_schema_positional(k);
				if (pos && pos->kind == CFG_LIST && !save[strspn(save, " \t")]) {
					list = pos;
					break;
				}
			}
			free(copy);
			if (!list)
				return true; /* a bad path: let the whole validation say so */
			for (const struct cfg_schema *a = list; a; a = a->parent)
				if (a == x)
					return true;
		}
		if (schema_holds_ref_target(root, x, c))
			return true;
	}
	return false;
}

/* The node of T at N's place (N from another tree of the same schema). */
static const struct cfg_node *same_place(const struct cfg_tree *t, const struct cfg_node *n)
{
	struct cfg_step path[128];
	int k = cfg_tree_path(n, path, sizeof path / sizeof *path);
	return k < 0 ? NULL : cfg_tree_find(t, NULL, path, (size_t)k);
}

/* Check every recorded unique leaf against all entries of its scope. */
static void unique_against_scope(struct validate *v)
{
	for (size_t i = 0; i < v->n_uniq; i++) {
		const struct unique_rec *r = &v->uniq[i];
		bool done = false;
		for (size_t k = 0; k < i && !done; k++)
			done = v->uniq[k].leaf == r->leaf && v->uniq[k].scope == r->scope &&
			       !strcmp(v->uniq[k].node->value, r->node->value);
		if (done)
			continue;
		/* the schema steps from the entry down to the leaf */
		const struct cfg_schema *steps[32];
		size_t ns = 0;
		for (const struct cfg_node *x = r->node; x != r->entry && ns < 32; x = x->parent)
			steps[ns++] = x->schema;
		if (ns == 32)
			continue;
		struct cfg_buf names;
		cfg_buf_init(&names);
		const struct cfg_node *users[2] = {NULL, NULL};
		size_t nusers = 0;
		for (const struct cfg_node *e = r->scope->child; e; e = e->next) {
			if (e->schema != r->entry->schema || !cfg_node_counts(e))
				continue;
			const struct cfg_node *x = e;
			for (size_t k = ns; k-- > 0 && x;) {
				x = cfg_tree_child(v->tree, x, steps[k], NULL);
				if (x && (x->flags & CFG_N_INACTIVE))
					x = NULL;
			}
			if (!x || !x->value || strcmp(x->value, r->node->value))
				continue;
			if (nusers < 2)
				users[nusers] = x;
			nusers++;
			cfg_buf_putc(&names, ' ');
			cfg_buf_puts(&names, e->value ? e->value : "?");
		}
		if (nusers > 1) {
			char *st = stmt_text(r->leaf, users[1]->value);
			cfg_findings_add(v->fs, users[1]->parent, st, "%s %s is used by more than one %s:%s",
			                 r->leaf->name, users[1]->value, r->entry->schema->name, names.p);
			free(st);
		}
		cfg_buf_free(&names);
	}
}

/* Validate CAND knowing only DIFF (EFFECTIVE, from a valid active tree)
 * changed. false: it cannot (the caller validates the whole tree). */
static bool validate_change(const struct cfg_tree *cand, const struct cfg_diff *d,
                            struct cfg_findings *fs)
{
	const struct cfg_tree *old_t = cfg_diff_old(d);
	if (cfg_tree_count(cand) < VALIDATE_WHOLE_BELOW || !old_t || !cfg_tree_count(old_t))
		return false;
	const struct cfg_schema *root = cfg_tree_schema(cand);
	for (size_t i = 0; i < cfg_diff_count(d); i++) {
		const struct cfg_diff_ent *e = cfg_diff_at(d, i);
		if (e->op == CFG_DIFF_DEL && schema_holds_ref_target(root, e->old_node->schema, root))
			return false;
	}
	struct validate v = { .tree = cand, .fs = fs };
	size_t mark = fs->n;
	for (size_t i = 0; i < cfg_diff_count(d); i++) {
		const struct cfg_diff_ent *e = cfg_diff_at(d, i);
		if (v.n_uniq > 64)
			goto whole;
		if (e->op == CFG_DIFF_ADD) {
			if (e->new_node->parent)
				validate_child(&v, e->new_node);
			else
				validate_node(&v, e->new_node);
		} else if (e->op == CFG_DIFF_DEL) {
			const struct cfg_node *p = e->old_node->parent ? same_place(cand, e->old_node->parent)
			                                               : NULL;
			if (p && node_exists_up(p))
				check_mandatory(&v, p);
		} else if (!e->reorder && e->new_node) {
			const struct cfg_node *n = e->new_node;
			const struct cfg_schema *cs = n->schema;
			if (cs->kind == CFG_LEAF || cs->kind == CFG_LEAFLIST) {
				if (cs->ref)
					check_ref(&v, n);
				if (cs->flags & CFG_F_UNIQUE)
					record_unique(&v, n);
			}
		}
	}
	if (v.n_uniq > 64)
		goto whole;
	unique_against_scope(&v);
	free(v.refs);
	free(v.uniq);
	return true;
whole:
	/* a large change: checking each unique value against its scope would
	   cost more than the whole validation */
	for (size_t k = mark; k < fs->n; k++) {
		free(fs->f[k].edit);
		free(fs->f[k].stmt);
		free(fs->f[k].msg);
	}
	fs->n = mark;
	free(v.refs);
	free(v.uniq);
	return false;
}

/* ---- commit ------------------------------------------------------------ */

struct cfg_tree *cfg_commit_effective(const struct cfg_tree *t)
{
	if (!t) {
		cfg_err_set("no configuration");
		return NULL;
	}
	struct cfg_tree *e = cfg_tree_dup(t);
	if (!e) {
		if (!*cfg_err_msg())
			cfg_err_set("out of memory");
		return NULL;
	}
	/* Delete what does not count: inactive nodes, and non-presence
	   containers whose contents are all inactive (as cfg_validate sees it). */
	struct cfg_node *root = cfg_tree_root(e);
	struct cfg_node *n = cfg_tree_next(root, root);
	while (n) {
		if (cfg_node_counts(n)) {
			n = cfg_tree_next(root, n);
			continue;
		}
		/* the next node outside N's subtree: never N's ancestor, so it
		   survives the deletion of N and of ancestors left empty */
		struct cfg_node *next = NULL;
		for (struct cfg_node *p = n; p && p != root; p = p->parent)
			if (p->next) {
				next = p->next;
				break;
			}
		cfg_tree_delete(e, n);
		n = next;
	}
	return e;
}

/* ---- the pipeline ----------------------------------------------------- */

struct cfg_commit_plan {
	const struct cfg_tree *active, *cand; /* borrowed */
	const struct cfg_subsys_reg *reg;     /* borrowed, may be NULL */
	struct cfg_diff *diff;                /* owned: EFFECTIVE, active -> cand */
	struct cfg_diff *full;                /* owned: FULL, the same (diff derives from it) */
};

struct cfg_commit_plan *cfg_commit_prepare(const struct cfg_tree *active, const struct cfg_tree *cand,
                                           const struct cfg_subsys_reg *r, struct cfg_findings *fs)
{
	if (!cand || !fs) {
		cfg_err_set("no configuration");
		return NULL;
	}
	struct cfg_commit_plan *p = calloc(1, sizeof *p);
	if (!p) {
		cfg_err_set("out of memory");
		return NULL;
	}
	p->active = active;
	p->cand = cand;
	p->reg = r;
	size_t before = cfg_findings_errors(fs);
	bool rows = r && cfg_subsys_count(r);
	if (rows || (active && cfg_tree_count(cand) >= VALIDATE_WHOLE_BELOW)) {
		/* one walk: the full diff; the effective one comes from its entries */
		if (!(p->full = cfg_diff_new(active, cand, CFG_DIFF_FULL)) ||
		    !(p->diff = cfg_diff_effective(p->full))) {
			cfg_commit_plan_free(p);
			return NULL;
		}
	}
	if (!p->diff || !validate_change(cand, p->diff, fs))
		cfg_validate(cand, fs);
	if (rows)
		cfg_subsys_validate(r, cand, p->diff, fs);
	if (cfg_findings_errors(fs) > before) {
		cfg_commit_plan_free(p);
		cfg_err_set("configuration check-out failed");
		return NULL;
	}
	return p;
}

const struct cfg_diff *cfg_commit_plan_diff(const struct cfg_commit_plan *p)
{
	return p ? p->diff : NULL;
}

struct cfg_diff *cfg_commit_plan_take_full(struct cfg_commit_plan *p)
{
	if (!p)
		return NULL;
	struct cfg_diff *f = p->full;
	p->full = NULL;
	return f;
}

/* Does the plan's diff touch a row that applies (and, with ON_LOOP, one
 * that must apply on the loop thread)? */
static bool plan_touches(const struct cfg_commit_plan *p, bool on_loop)
{
	if (!p || !p->diff)
		return false;
	for (size_t i = 0; i < cfg_subsys_count(p->reg); i++) {
		const struct cfg_subsys *row = cfg_subsys_at(p->reg, i);
		if ((!on_loop || row->on_loop) && row->apply && cfg_subsys_touched(row, p->diff, false))
			return true;
	}
	return false;
}

bool cfg_commit_plan_applies(const struct cfg_commit_plan *p) { return plan_touches(p, false); }
bool cfg_commit_plan_on_loop(const struct cfg_commit_plan *p) { return plan_touches(p, true); }

int cfg_commit_apply(struct cfg_commit_plan *p, struct cfg_buf *out, struct cfg_findings *fs)
{
	if (!p)
		return cfg_err_set("commit: nothing prepared");
	if (!p->diff)
		return 0;
	struct cfg_buf scratch;
	cfg_buf_init(&scratch);
	int rc = cfg_subsys_apply(p->reg, p->diff, out ? out : &scratch, fs);
	cfg_buf_free(&scratch);
	return rc;
}

int cfg_commit_store(struct cfg_commit_plan *p, struct cfg_store *st, const char *text, size_t len,
                     const char *user, const char *client, const char *comment,
                     const char *const *kv, size_t n_kv, struct cfg_findings *fs)
{
	if (!p || !st)
		return cfg_err_set("commit: no configuration database");
	struct cfg_buf b;
	cfg_buf_init(&b);
	if (!text) {
		cfg_render_set(&b, cfg_tree_root(p->cand), false, CFG_R_FULL | CFG_R_SECRETS);
		text = b.p ? b.p : "";
		len = b.len;
	}
	int rc = cfg_store_commit_kv(st, text, len, user, client, comment, kv, n_kv, NULL);
	cfg_buf_free(&b);
	if (rc < 0) {
		char *why = xstrdup(cfg_err_msg());
		cfg_findings_add_line(fs, "%s", why);
		cfg_err_set("%s", why);
		free(why);
		return -1;
	}
	return 0;
}

int cfg_commit_undo(struct cfg_commit_plan *p, struct cfg_buf *out, struct cfg_findings *fs)
{
	if (!p || !p->diff)
		return 0;
	struct cfg_buf scratch;
	cfg_buf_init(&scratch);
	int rc = cfg_subsys_undo_all(p->reg, p->diff, out ? out : &scratch, fs);
	cfg_buf_free(&scratch);
	return rc;
}

void cfg_commit_plan_free(struct cfg_commit_plan *p)
{
	if (!p)
		return;
	cfg_diff_free(p->diff);
	cfg_diff_free(p->full);
	free(p);
}

int cfg_commit_check(const struct cfg_tree *active, const struct cfg_tree *cand,
                     const struct cfg_subsys_reg *r, struct cfg_findings *fs)
{
	if (!cand || !fs)
		return cfg_err_set("no configuration");
	struct cfg_commit_plan *p = cfg_commit_prepare(active, cand, r, fs);
	if (!p)
		return -1;
	cfg_commit_plan_free(p);
	return 0;
}

int cfg_commit(struct cfg_store *st, const struct cfg_tree *active, const struct cfg_tree *cand,
               const struct cfg_subsys_reg *r, const char *user, const char *client,
               const char *comment, struct cfg_buf *out, struct cfg_findings *fs)
{
	if (!st || !cand || !fs)
		return cfg_err_set("commit: no configuration database or candidate");
	struct cfg_commit_plan *p = cfg_commit_prepare(active, cand, r, fs);
	if (!p)
		return -1;
	/* render first: nothing can fail between a successful apply and the
	   store except the store itself */
	struct cfg_buf text;
	cfg_buf_init(&text);
	cfg_render_set(&text, cfg_tree_root(cand), false, CFG_R_FULL | CFG_R_SECRETS);
	int ret = -1;
	if (cfg_commit_apply(p, out, fs) < 0)
		goto done;
	if (cfg_commit_store(p, st, text.p ? text.p : "", text.len, user, client, comment, NULL, 0,
	                     fs) < 0) {
		char *why = xstrdup(cfg_err_msg());
		cfg_commit_undo(p, out, fs);
		cfg_err_set("%s", why);
		free(why);
		goto done;
	}
	ret = 0;
done:
	cfg_buf_free(&text);
	cfg_commit_plan_free(p);
	return ret;
}

/* ---- the stored text, by chunks ---------------------------------------- */

struct chunk {
	const struct cfg_schema *s1, *s2; /* top-level statement; the node below it (NULL: whole) */
	char *v1, *v2;                    /* their values (owned), NULL for containers */
	size_t off, len;                  /* in the text */
};

struct chunks {
	struct chunk *c;
	size_t n, cap;
	struct cfg_buf text;
};

struct cfg_commit_text {
	struct chunks cur;   /* of the last accepted tree */
	struct chunks next;  /* built, not yet accepted */
	bool valid;          /* CUR describes a tree */
	size_t *hash;        /* index+1 of CUR's chunks by key, lazily built */
	size_t nhash;
};

static void chunks_free(struct chunks *k)
{
	for (size_t i = 0; i < k->n; i++) {
		free(k->c[i].v1);
		free(k->c[i].v2);
	}
	free(k->c);
	cfg_buf_free(&k->text);
	memset(k, 0, sizeof *k);
}

struct cfg_commit_text *cfg_commit_text_new(void)
{
	struct cfg_commit_text *c = calloc(1, sizeof *c);
	if (!c)
		cfg_err_set("out of memory");
	return c;
}

void cfg_commit_text_free(struct cfg_commit_text *c)
{
	if (!c)
		return;
	chunks_free(&c->cur);
	chunks_free(&c->next);
	free(c->hash);
	free(c);
}

static bool str_same(const char *a, const char *b)
{
	return (!a || !b) ? a == b : !strcmp(a, b);
}

/* A top-level statement is cut into the chunks of its children unless it
 * is a leaf or carries its own deactivate / annotate line (which comes
 * after its children's lines). */
static bool split_top(const struct cfg_node *c)
{
	return c->child && !(c->flags & CFG_N_INACTIVE) && !c->annotation;
}

static uint64_t key_hash(const struct cfg_schema *s1, const char *v1, const struct cfg_schema *s2,
                         const char *v2)
{
	uint64_t h = (uint64_t)(uintptr_t)s1 * 0x9E3779B97F4A7C15ull ^ (uint64_t)(uintptr_t)s2;
	for (const char *v = v1; v && *v; v++)
		h = (h ^ (unsigned char)*v) * 0x100000001B3ull;
	h ^= 0xff;
	for (const char *v = v2; v && *v; v++)
		h = (h ^ (unsigned char)*v) * 0x100000001B3ull;
	return h ^ (h >> 29);
}

static bool key_is(const struct chunk *k, const struct cfg_node *n1, const struct cfg_node *n2)
{
	return k->s1 == n1->schema && str_same(k->v1, n1->value) &&
	       k->s2 == (n2 ? n2->schema : NULL) && str_same(k->v2, n2 ? n2->value : NULL);
}

static void hash_build(struct cfg_commit_text *c)
{
	free(c->hash);
	c->nhash = 64;
	while (c->nhash < c->cur.n * 2)
		c->nhash *= 2;
	c->hash = calloc(c->nhash, sizeof *c->hash);
	if (!c->hash)
		abort();
	for (size_t i = 0; i < c->cur.n; i++) {
		const struct chunk *k = &c->cur.c[i];
		size_t h = (size_t)key_hash(k->s1, k->v1, k->s2, k->v2) & (c->nhash - 1);
		while (c->hash[h])
			h = (h + 1) & (c->nhash - 1);
		c->hash[h] = i + 1;
	}
}

/* The chunk of CUR with the key of (N1, N2), or NULL. */
static struct chunk *cur_find(struct cfg_commit_text *c, const struct cfg_node *n1,
                              const struct cfg_node *n2)
{
	if (!c->hash)
		hash_build(c);
	size_t h = (size_t)key_hash(n1->schema, n1->value, n2 ? n2->schema : NULL,
	                            n2 ? n2->value : NULL) & (c->nhash - 1);
	for (; c->hash[h]; h = (h + 1) & (c->nhash - 1)) {
		struct chunk *k = &c->cur.c[c->hash[h] - 1];
		if (key_is(k, n1, n2))
			return k;
	}
	return NULL;
}

/* What the diff touches, by chunk key: (top, NULL) = all of a top-level
 * statement, (top, child) = one chunk. */
struct dirty {
	const struct cfg_node **n1, **n2; /* nodes of either tree */
	size_t n, cap;
	bool all;
};

static void dirty_add(struct dirty *dt, const struct cfg_node *x)
{
	if (!x || !x->parent)
		return; /* the root's annotation is not in the text */
	const struct cfg_node *a1 = x, *a2 = NULL;
	while (a1->parent && a1->parent->parent) {
		a2 = a1;
		a1 = a1->parent;
	}
	if (dt->n == dt->cap) {
		size_t nc = dt->cap ? dt->cap * 2 : 16;
		const struct cfg_node **m1 = realloc(dt->n1, nc * sizeof *m1);
		if (!m1)
			abort();
		dt->n1 = m1;
		const struct cfg_node **m2 = realloc(dt->n2, nc * sizeof *m2);
		if (!m2)
			abort();
		dt->n2 = m2;
		dt->cap = nc;
	}
	dt->n1[dt->n] = a1;
	dt->n2[dt->n] = a1 == x ? NULL : a2;
	dt->n++;
}

static bool same_key(const struct cfg_node *a, const struct cfg_node *b)
{
	return a->schema == b->schema && str_same(a->value, b->value);
}

static bool is_dirty(const struct dirty *dt, const struct cfg_node *n1, const struct cfg_node *n2)
{
	if (dt->all)
		return true;
	for (size_t i = 0; i < dt->n; i++) {
		if (!same_key(dt->n1[i], n1))
			continue;
		if (!dt->n2[i] || !n2 || same_key(dt->n2[i], n2))
			return true;
	}
	return false;
}

static void chunk_push(struct chunks *k, const struct cfg_node *n1, const struct cfg_node *n2,
                       struct chunk *reuse, const char *from)
{
	if (k->n == k->cap) {
		size_t nc = k->cap ? k->cap * 2 : 256;
		struct chunk *m = realloc(k->c, nc * sizeof *m);
		if (!m)
			abort();
		k->c = m;
		k->cap = nc;
	}
	struct chunk *c = &k->c[k->n++];
	c->s1 = n1->schema;
	c->s2 = n2 ? n2->schema : NULL;
	c->off = k->text.len;
	if (reuse) {
		/* the key moves over; the text is copied */
		c->v1 = reuse->v1;
		c->v2 = reuse->v2;
		reuse->v1 = reuse->v2 = NULL;
		reuse->s1 = NULL; /* taken: matches nothing any more */
		cfg_buf_add(&k->text, from + reuse->off, reuse->len);
	} else {
		c->v1 = n1->value ? xstrdup(n1->value) : NULL;
		c->v2 = n2 && n2->value ? xstrdup(n2->value) : NULL;
		cfg_render_set(&k->text, n2 ? n2 : n1, false, CFG_R_FULL | CFG_R_SECRETS);
	}
	c->len = k->text.len - c->off;
}

int cfg_commit_text_build(struct cfg_commit_text *c, const struct cfg_tree *cand,
                          const struct cfg_diff *full, const char **text, size_t *len)
{
	if (!c || !cand)
		return cfg_err_set("commit text: no cache or tree");
	chunks_free(&c->next);
	struct dirty dt = {0};
	dt.all = !c->valid || !full || cfg_diff_view(full) != CFG_DIFF_FULL || cfg_diff_count(full) > 4096;
	for (size_t i = 0; !dt.all && i < cfg_diff_count(full); i++) {
		const struct cfg_diff_ent *e = cfg_diff_at(full, i);
		dirty_add(&dt, e->old_node);
		dirty_add(&dt, e->new_node);
	}
	/* a reused chunk's text is copied from CUR's text */
	const char *from = c->cur.text.p;
	size_t k = 0; /* CUR's chunks in order: the usual match is the next one */
	cfg_buf_add(&c->next.text, "", 0);
	const struct cfg_node *root = cfg_tree_root(cand);
	for (const struct cfg_node *n1 = root->child; n1; n1 = n1->next) {
		bool split = split_top(n1);
		for (const struct cfg_node *n2 = split ? n1->child : NULL; n2 || !split;
		     n2 = split ? n2->next : NULL) {
			struct chunk *reuse = NULL;
			if (!is_dirty(&dt, n1, n2)) {
				if (k < c->cur.n && key_is(&c->cur.c[k], n1, n2))
					reuse = &c->cur.c[k];
				else
					reuse = cur_find(c, n1, n2);
				if (reuse)
					k = (size_t)(reuse - c->cur.c) + 1;
			}
			chunk_push(&c->next, n1, n2, reuse, from);
			if (!split)
				break;
		}
	}
	free(dt.n1);
	free(dt.n2);
	*text = c->next.text.p;
	*len = c->next.text.len;
	return 0;
}

void cfg_commit_text_accept(struct cfg_commit_text *c, bool ok)
{
	if (!c)
		return;
	if (ok) {
		chunks_free(&c->cur);
		c->cur = c->next;
		memset(&c->next, 0, sizeof c->next);
		c->valid = true;
	} else {
		/* keys moved into NEXT are lost to CUR: start over next time */
		chunks_free(&c->next);
		chunks_free(&c->cur);
		c->valid = false;
	}
	free(c->hash);
	c->hash = NULL;
	c->nhash = 0;
}

/* ---- the compatibility row --------------------------------------------- */

/* T itself when every node of it counts (CLEAN: nothing inactive; the
 * common case, no copy), else its effective copy. *OWN gets what to free. */
static const struct cfg_tree *effective_view(const struct cfg_tree *t, bool clean, struct cfg_tree **own)
{
	*own = NULL;
	if (clean)
		return t;
	*own = cfg_commit_effective(t);
	return *own;
}

struct hooks_pair {
	const struct cfg_tree *old_eff, *new_eff;
	struct cfg_tree *own_old, *own_new; /* owned copies, or NULL */
};

static int hooks_pair(const struct cfg_diff *diff, struct hooks_pair *hp)
{
	hp->old_eff = effective_view(cfg_diff_old(diff), cfg_diff_all_count(diff, false), &hp->own_old);
	hp->new_eff = effective_view(cfg_diff_new_tree(diff), cfg_diff_all_count(diff, true),
	                             &hp->own_new);
	if (!hp->old_eff || !hp->new_eff) {
		cfg_tree_free(hp->own_old);
		cfg_tree_free(hp->own_new);
		return -1;
	}
	return 0;
}

static void hooks_pair_free(struct hooks_pair *hp)
{
	cfg_tree_free(hp->own_old);
	cfg_tree_free(hp->own_new);
}

static void hooks_validate(void *ctx, const struct cfg_tree *new_tree, const struct cfg_diff *diff,
                           struct cfg_findings *fs)
{
	const struct cfg_hooks *h = ctx;
	if (!h->validate)
		return;
	struct cfg_tree *own;
	const struct cfg_tree *eff = effective_view(new_tree, cfg_diff_new_tree(diff) == new_tree &&
	                                                      cfg_diff_all_count(diff, true), &own);
	if (!eff) {
		cfg_findings_add_line(fs, "%s", cfg_err_msg());
		return;
	}
	h->validate(h->ctx, eff, fs);
	cfg_tree_free(own);
}

/* Put the world back to OLD after NEW was (partly) applied. */
static void hooks_restore(const struct cfg_hooks *h, const struct cfg_tree *old_eff,
                          const struct cfg_tree *new_eff, struct cfg_buf *out,
                          struct cfg_findings *fs)
{
	struct cfg_findings undo = { 0 };
	if (h->apply(h->ctx, new_eff, old_eff, out, &undo) != 0) {
		for (size_t i = 0; i < undo.n; i++) {
			struct cfg_finding *f = &undo.f[i];
			struct cfg_finding *d = findings_push(fs, f->edit, f->stmt, f->msg);
			d->mandatory = f->mandatory;
			d->warning = f->warning;
		}
		free(undo.f);
		cfg_findings_add_line(fs, "could not restore the previous configuration; "
		                          "the system may be partly configured");
	} else {
		cfg_findings_free(&undo);
	}
}

static int hooks_apply(void *ctx, const struct cfg_diff *diff, struct cfg_buf *out,
                       struct cfg_findings *fs)
{
	const struct cfg_hooks *h = ctx;
	if (!h->apply)
		return 0;
	struct hooks_pair hp;
	if (hooks_pair(diff, &hp) < 0)
		return -1;
	size_t before = cfg_findings_errors(fs);
	cfg_err_clear();
	int rc = h->apply(h->ctx, hp.old_eff, hp.new_eff, out, fs);
	if (rc != 0) {
		/* the row's own partial work is its to undo */
		if (cfg_findings_errors(fs) == before)
			cfg_findings_add_line(fs, "%s", *cfg_err_msg() ? cfg_err_msg()
			                                               : "could not apply the configuration");
		hooks_restore(h, hp.old_eff, hp.new_eff, out, fs);
		rc = -1;
	}
	hooks_pair_free(&hp);
	return rc;
}

static int hooks_undo(void *ctx, const struct cfg_diff *diff, struct cfg_buf *out,
                      struct cfg_findings *fs)
{
	const struct cfg_hooks *h = ctx;
	if (!h->apply)
		return 0;
	struct hooks_pair hp;
	if (hooks_pair(diff, &hp) < 0)
		return -1;
	int rc = h->apply(h->ctx, hp.new_eff, hp.old_eff, out, fs);
	hooks_pair_free(&hp);
	return rc != 0 ? -1 : 0;
}

int cfg_commit_add_hooks(struct cfg_subsys_reg *r, const struct cfg_hooks *h)
{
	static const char *const whole[] = {"", NULL};
	struct cfg_subsys row = {
		.name = "hooks", .order = 0, .owns = whole, .ctx = (void *)h,
		.validate = hooks_validate, .apply = hooks_apply, .undo = hooks_undo,
		.on_loop = true,
	};
	return cfg_subsys_add(r, &row);
}
