/* cfg_diff — the structured diff between two configuration trees. See
 * cfg_diff.h.
 *
 * The walk compares the children of two matched nodes group by group
 * (children are kept grouped by schema, in schema index order); a list or
 * leaf-list group is merged with the hash index of the other tree, so a diff
 * costs one lookup per node. An order mismatch inside a group is detected
 * by the same merge.
 */
#include "cfg_diff.h"

#include <stdlib.h>
#include <string.h>

#include "cfg_err.h"

struct cfg_diff {
	const struct cfg_tree *old_t, *new_t; /* borrowed (or own) */
	struct cfg_tree *own;                 /* an empty tree standing for NULL, owned */
	enum cfg_diff_view view;
	struct cfg_diff_ent *e;
	size_t n, cap;
	/* does every node of the old / new tree count (nothing inactive, no
	   empty non-presence container)? 1 yes, 0 no, -1 not known yet; a
	   FULL walk sees every node and finds out on the way */
	signed char clean_old, clean_new;
};

static bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}


static bool exists(const struct cfg_diff *d, const struct cfg_node *n)
{
	return d->view == CFG_DIFF_FULL || cfg_node_counts(n);
}

/* N does not count by itself (inactive, or a non-presence container
 * without children). */
static bool unclean(const struct cfg_node *n)
{
	return (n->flags & CFG_N_INACTIVE) ||
	       (n->parent && !n->child && n->schema->kind == CFG_CONTAINER &&
	        !(n->schema->flags & CFG_F_PRESENCE));
}

static bool subtree_clean(const struct cfg_node *x)
{
	if (unclean(x))
		return false;
	for (const struct cfg_node *n = cfg_tree_next(x, x); n; n = cfg_tree_next(x, n))
		if (unclean(n))
			return false;
	return true;
}

static void note_subtree(struct cfg_diff *d, enum cfg_diff_op op, const struct cfg_node *o,
                         const struct cfg_node *n)
{
	if (d->view != CFG_DIFF_FULL)
		return;
	if (op == CFG_DIFF_ADD && d->clean_new == 1 && !subtree_clean(n))
		d->clean_new = 0;
	if (op == CFG_DIFF_DEL && d->clean_old == 1 && !subtree_clean(o))
		d->clean_old = 0;
}

static struct cfg_diff_ent *push(struct cfg_diff *d, enum cfg_diff_op op, const struct cfg_node *o,
                                 const struct cfg_node *n)
{
	if (d->n == d->cap) {
		size_t nc = d->cap ? d->cap * 2 : 16;
		struct cfg_diff_ent *ne = realloc(d->e, nc * sizeof *ne);
		if (!ne)
			abort(); /* as cfg_buf: out of memory is not an operator error */
		d->e = ne;
		d->cap = nc;
	}
	struct cfg_diff_ent *e = &d->e[d->n++];
	*e = (struct cfg_diff_ent){.op = op, .old_node = o, .new_node = n};
	return e;
}

static const struct cfg_node *group_next(const struct cfg_node *c)
{
	return c->next && c->next->schema == c->schema ? c->next : NULL;
}

static const struct cfg_node *group_end(const struct cfg_node *c)
{
	while (c && group_next(c))
		c = c->next;
	return c ? c->next : NULL;
}

static void diff_pair(struct cfg_diff *d, const struct cfg_node *o, const struct cfg_node *n);

/* The match of X (a child of one side) among the children of P in tree T. */
static const struct cfg_node *match(const struct cfg_diff *d, const struct cfg_tree *t,
                                    const struct cfg_node *p, const struct cfg_node *x)
{
	const struct cfg_node *m = cfg_tree_child(t, p, x->schema, x->value);
	return m && m->schema == x->schema && exists(d, m) ? m : NULL;
}

static const struct cfg_node *first_existing(const struct cfg_diff *d, const struct cfg_node *c)
{
	for (; c; c = group_next(c))
		if (exists(d, c))
			return c;
	return NULL;
}

static void push_sub(struct cfg_diff *d, enum cfg_diff_op op, const struct cfg_node *o,
                     const struct cfg_node *n)
{
	note_subtree(d, op, o, n);
	push(d, op, o, n);
}

/* One list / leaf-list group: OG.. in O and NG.. in N (either may be NULL). */
static void diff_group_multi(struct cfg_diff *d, const struct cfg_node *o, const struct cfg_node *og,
                             const struct cfg_node *n, const struct cfg_node *ng)
{
	size_t start = d->n;
	const struct cfg_node *i = og, *j = ng;
	bool mismatch = false;
	for (;;) {
		while (i && !exists(d, i))
			i = group_next(i);
		while (j && !exists(d, j))
			j = group_next(j);
		if (!i && !j)
			break;
		if (i && j && str_eq(i->value, j->value)) {
			/* same key at the same place (the common case): no lookup */
			diff_pair(d, i, j);
			i = group_next(i);
			j = group_next(j);
			continue;
		}
		const struct cfg_node *mi = NULL, *mj = NULL;
		if (i && !(mi = match(d, d->new_t, n, i))) {
			push_sub(d, CFG_DIFF_DEL, i, NULL);
			i = group_next(i);
			continue;
		}
		if (j && !(mj = match(d, d->old_t, o, j))) {
			push_sub(d, CFG_DIFF_ADD, NULL, j);
			j = group_next(j);
			continue;
		}
		if (i && j && mi == j) {
			diff_pair(d, i, j);
			i = group_next(i);
			j = group_next(j);
			continue;
		}
		mismatch = true;
		break;
	}
	if (!mismatch)
		return;
	/* the order differs from here on: the rest in new order, then what
	   went away */
	for (; j; j = group_next(j)) {
		if (!exists(d, j))
			continue;
		const struct cfg_node *mj = match(d, d->old_t, o, j);
		if (mj)
			diff_pair(d, mj, j);
		else
			push_sub(d, CFG_DIFF_ADD, NULL, j);
	}
	for (; i; i = group_next(i))
		if (exists(d, i) && !match(d, d->new_t, n, i))
			push_sub(d, CFG_DIFF_DEL, i, NULL);
	const struct cfg_schema *s = (og ? og : ng)->schema;
	if (d->view == CFG_DIFF_FULL || (s->flags & CFG_F_ORDERED)) {
		/* the reorder entry comes first in the group */
		push(d, CFG_DIFF_CHG, NULL, NULL);
		memmove(&d->e[start + 1], &d->e[start], (d->n - 1 - start) * sizeof *d->e);
		d->e[start] = (struct cfg_diff_ent){
			.op = CFG_DIFF_CHG, .old_node = first_existing(d, og),
			.new_node = first_existing(d, ng), .reorder = true,
		};
	}
}

static void diff_children(struct cfg_diff *d, const struct cfg_node *o, const struct cfg_node *n)
{
	const struct cfg_node *oc = o->child, *nc = n->child;
	while (oc || nc) {
		const struct cfg_schema *s;
		if (!oc)
			s = nc->schema;
		else if (!nc)
			s = oc->schema;
		else
			s = oc->schema->index <= nc->schema->index ? oc->schema : nc->schema;
		const struct cfg_node *og = oc && oc->schema == s ? oc : NULL;
		const struct cfg_node *ng = nc && nc->schema == s ? nc : NULL;
		const struct cfg_node *oend = og ? group_end(og) : oc;
		const struct cfg_node *nend = ng ? group_end(ng) : nc;
		if (s->kind == CFG_LIST || s->kind == CFG_LEAFLIST) {
			diff_group_multi(d, o, og, n, ng);
		} else {
			bool oe = og && exists(d, og), ne = ng && exists(d, ng);
			if (oe && ne)
				diff_pair(d, og, ng);
			else if (oe)
				push_sub(d, CFG_DIFF_DEL, og, NULL);
			else if (ne)
				push_sub(d, CFG_DIFF_ADD, NULL, ng);
		}
		oc = oend;
		nc = nend;
	}
}

/* O and N match (same schema and key) and both exist in the view. */
static void diff_pair(struct cfg_diff *d, const struct cfg_node *o, const struct cfg_node *n)
{
	if (d->view == CFG_DIFF_FULL) {
		if (d->clean_old == 1 && unclean(o))
			d->clean_old = 0;
		if (d->clean_new == 1 && unclean(n))
			d->clean_new = 0;
	}
	bool meta = d->view == CFG_DIFF_FULL &&
	            (((o->flags ^ n->flags) & CFG_N_INACTIVE) || !str_eq(o->annotation, n->annotation));
	if (o->parent && o->schema->kind == CFG_LEAF) {
		if (meta || !str_eq(o->value, n->value))
			push(d, CFG_DIFF_CHG, o, n);
		return;
	}
	if (meta)
		push(d, CFG_DIFF_CHG, o, n);
	diff_children(d, o, n);
}

struct cfg_diff *cfg_diff_new(const struct cfg_tree *old_tree, const struct cfg_tree *new_tree,
                              enum cfg_diff_view view)
{
	if (!old_tree && !new_tree) {
		cfg_err_set("diff: no configuration");
		return NULL;
	}
	struct cfg_diff *d = calloc(1, sizeof *d);
	if (!d) {
		cfg_err_set("out of memory");
		return NULL;
	}
	d->view = view;
	if (!old_tree || !new_tree) {
		d->own = cfg_tree_new(cfg_tree_schema(old_tree ? old_tree : new_tree));
		if (!d->own) {
			free(d);
			cfg_err_set("out of memory");
			return NULL;
		}
	}
	d->old_t = old_tree ? old_tree : d->own;
	d->new_t = new_tree ? new_tree : d->own;
	d->clean_old = d->clean_new = view == CFG_DIFF_FULL ? 1 : -1;
	diff_pair(d, cfg_tree_root(d->old_t), cfg_tree_root(d->new_t));
	return d;
}

void cfg_diff_free(struct cfg_diff *d)
{
	if (!d)
		return;
	free(d->e);
	cfg_tree_free(d->own);
	free(d);
}

struct cfg_diff *cfg_diff_inverse(const struct cfg_diff *d)
{
	if (!d) {
		cfg_err_set("diff: none");
		return NULL;
	}
	struct cfg_diff *r = calloc(1, sizeof *r);
	if (!r) {
		cfg_err_set("out of memory");
		return NULL;
	}
	r->view = d->view;
	r->old_t = d->new_t;
	r->new_t = d->old_t;
	r->clean_old = d->clean_new;
	r->clean_new = d->clean_old;
	if (d->n) {
		r->e = malloc(d->n * sizeof *r->e);
		if (!r->e)
			abort();
		r->n = r->cap = d->n;
	}
	for (size_t i = 0; i < d->n; i++) {
		const struct cfg_diff_ent *e = &d->e[i];
		enum cfg_diff_op op = e->op == CFG_DIFF_ADD ? CFG_DIFF_DEL
		                      : e->op == CFG_DIFF_DEL ? CFG_DIFF_ADD : CFG_DIFF_CHG;
		r->e[i] = (struct cfg_diff_ent){
			.op = op, .old_node = e->new_node, .new_node = e->old_node, .reorder = e->reorder,
		};
	}
	return r;
}

/* ---- the effective view of a full diff --------------------------------- */

/* N counts in the effective view of its tree: neither it nor an ancestor is
 * inactive, and it is not a container without anything that counts. */
static bool eff_present(const struct cfg_node *n)
{
	if (!n)
		return false;
	for (const struct cfg_node *a = n; a && a->parent; a = a->parent)
		if (a->flags & CFG_N_INACTIVE)
			return false;
	return cfg_node_counts(n);
}

/* The node of tree T at the place N has in the other tree (same schema). */
static const struct cfg_node *counterpart(const struct cfg_tree *t, const struct cfg_node *n)
{
	struct cfg_step path[128];
	int k = cfg_tree_path(n, path, sizeof path / sizeof *path);
	return k < 0 ? NULL : cfg_tree_find(t, NULL, path, (size_t)k);
}

/* X (present in its tree) appears or disappears: the topmost ancestor of X
 * whose counterpart in OTHER is not present either. */
static const struct cfg_node *topmost_change(const struct cfg_tree *other, const struct cfg_node *x)
{
	const struct cfg_node *a = x;
	while (a->parent && a->parent->parent) {
		if (eff_present(counterpart(other, a->parent)))
			break;
		a = a->parent;
	}
	return a;
}

static bool under_or_at(const struct cfg_node *x, const struct cfg_node *a)
{
	for (; x; x = x->parent)
		if (x == a)
			return true;
	return false;
}

/* Emit ADD/DEL of X unless an earlier ADD/DEL of the same tree covers it. */
static void push_covered(struct cfg_diff *d, enum cfg_diff_op op, const struct cfg_node *x)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct cfg_diff_ent *e = &d->e[i];
		if (e->op == op && under_or_at(x, op == CFG_DIFF_ADD ? e->new_node : e->old_node))
			return;
	}
	/* a change under it was emitted first (it came earlier in the full
	   diff): this entry covers those */
	size_t j = 0;
	for (size_t i = 0; i < d->n; i++) {
		const struct cfg_diff_ent *e = &d->e[i];
		const struct cfg_node *m = op == CFG_DIFF_ADD ? e->new_node : e->old_node;
		bool covered = m && under_or_at(m, x) && (e->op == op || e->op == CFG_DIFF_CHG);
		if (!covered)
			d->e[j++] = *e;
	}
	d->n = j;
	if (op == CFG_DIFF_ADD)
		push(d, op, NULL, x);
	else
		push(d, op, x, NULL);
}

/* A FULL reorder of the run at OLD/NEW: does the order of the entries that
 * count in both trees differ? */
static bool eff_order_differs(const struct cfg_diff *d, const struct cfg_node *o, const struct cfg_node *n)
{
	const struct cfg_node *po = o->parent, *pn = n->parent;
	const struct cfg_node *i = o, *j = n;
	for (;;) {
		while (i && !(cfg_node_counts(i) && match(d, d->new_t, pn, i)))
			i = group_next(i);
		while (j && !(cfg_node_counts(j) && match(d, d->old_t, po, j)))
			j = group_next(j);
		if (!i || !j)
			return (i != NULL) != (j != NULL);
		if (!str_eq(i->value, j->value))
			return true;
		i = group_next(i);
		j = group_next(j);
	}
}

struct cfg_diff *cfg_diff_effective(const struct cfg_diff *full)
{
	if (!full) {
		cfg_err_set("diff: none");
		return NULL;
	}
	if (full->view != CFG_DIFF_FULL || full->n > 256 || full->own)
		return cfg_diff_new(full->old_t == full->own ? NULL : full->old_t,
		                    full->new_t == full->own ? NULL : full->new_t, CFG_DIFF_EFFECTIVE);
	struct cfg_diff *d = calloc(1, sizeof *d);
	if (!d) {
		cfg_err_set("out of memory");
		return NULL;
	}
	d->view = CFG_DIFF_EFFECTIVE;
	d->old_t = full->old_t;
	d->new_t = full->new_t;
	d->clean_old = full->clean_old;
	d->clean_new = full->clean_new;
	for (size_t k = 0; k < full->n; k++) {
		const struct cfg_diff_ent *e = &full->e[k];
		if (e->op == CFG_DIFF_ADD) {
			if (eff_present(e->new_node))
				push_covered(d, CFG_DIFF_ADD, topmost_change(d->old_t, e->new_node));
			continue;
		}
		if (e->op == CFG_DIFF_DEL) {
			if (eff_present(e->old_node))
				push_covered(d, CFG_DIFF_DEL, topmost_change(d->new_t, e->old_node));
			continue;
		}
		const struct cfg_node *o = e->old_node, *n = e->new_node;
		if (!o || !n || !o->parent)
			continue; /* the root's annotation */
		if (e->reorder) {
			if ((o->schema->flags & CFG_F_ORDERED) && eff_present(o->parent) &&
			    eff_present(n->parent) && eff_order_differs(d, o, n)) {
				const struct cfg_node *fo = first_existing(d, o), *fn = first_existing(d, n);
				if (fo && fn) {
					struct cfg_diff_ent *r = push(d, CFG_DIFF_CHG, fo, fn);
					r->reorder = true;
				}
			}
			continue;
		}
		bool op = eff_present(o), np = eff_present(n);
		if (op && np) {
			if (o->schema->kind == CFG_LEAF && !str_eq(o->value, n->value))
				push(d, CFG_DIFF_CHG, o, n);
		} else if (op) {
			push_covered(d, CFG_DIFF_DEL, topmost_change(d->new_t, o));
		} else if (np) {
			push_covered(d, CFG_DIFF_ADD, topmost_change(d->old_t, n));
		}
	}
	return d;
}

bool cfg_diff_all_count(const struct cfg_diff *d, bool new_side)
{
	if (!d)
		return true;
	signed char *c = (signed char *)(new_side ? &d->clean_new : &d->clean_old);
	if (*c < 0) {
		/* not known from a walk: look (cached in the diff) */
		const struct cfg_node *root = cfg_tree_root(new_side ? d->new_t : d->old_t);
		*c = 1;
		for (const struct cfg_node *n = root->child; n && *c; n = n->next)
			if (!subtree_clean(n))
				*c = 0;
	}
	return *c == 1;
}

const struct cfg_tree *cfg_diff_old(const struct cfg_diff *d) { return d ? d->old_t : NULL; }
const struct cfg_tree *cfg_diff_new_tree(const struct cfg_diff *d) { return d ? d->new_t : NULL; }
enum cfg_diff_view cfg_diff_view(const struct cfg_diff *d) { return d ? d->view : CFG_DIFF_EFFECTIVE; }
size_t cfg_diff_count(const struct cfg_diff *d) { return d ? d->n : 0; }
bool cfg_diff_empty(const struct cfg_diff *d) { return !d || d->n == 0; }

const struct cfg_diff_ent *cfg_diff_at(const struct cfg_diff *d, size_t i)
{
	return d && i < d->n ? &d->e[i] : NULL;
}

/* ---- where an entry is ------------------------------------------------- */

/* Does entry node E (in the same tree as P, the node at the path) touch P:
 * E is P or an ancestor of it, or lies below P? A reorder entry stands for
 * its whole run: it touches P when P is at or below one of the run's
 * entries, or above the run. */
static bool node_touches(const struct cfg_node *e, bool reorder, const struct cfg_node *p)
{
	if (!e || !p)
		return false;
	if (reorder) {
		for (const struct cfg_node *x = p; x; x = x->parent)
			if (x->parent == e->parent && x->schema == e->schema)
				return true;
		for (const struct cfg_node *x = e->parent; x; x = x->parent)
			if (x == p)
				return true;
		return false;
	}
	for (const struct cfg_node *x = p; x; x = x->parent)
		if (x == e)
			return true;
	for (const struct cfg_node *x = e->parent; x; x = x->parent)
		if (x == p)
			return true;
	return false;
}

static bool ent_touches(const struct cfg_diff_ent *e, const struct cfg_node *po,
                        const struct cfg_node *pn)
{
	return node_touches(e->old_node, e->reorder, po) || node_touches(e->new_node, e->reorder, pn);
}

static void resolve(const struct cfg_diff *d, const char *path, const struct cfg_node **po,
                    const struct cfg_node **pn)
{
	const char *p = path ? path : "";
	*po = cfg_tree_at(d->old_t, NULL, p, 0);
	*pn = cfg_tree_at(d->new_t, NULL, p, 0);
}

bool cfg_diff_touches(const struct cfg_diff *d, const char *path)
{
	if (!d || !d->n)
		return false;
	const struct cfg_node *po, *pn;
	resolve(d, path, &po, &pn);
	if (!po && !pn)
		return false;
	for (size_t i = 0; i < d->n; i++)
		if (ent_touches(&d->e[i], po, pn))
			return true;
	return false;
}

const struct cfg_diff_ent *cfg_diff_next_under(const struct cfg_diff *d, const char *path, size_t *i)
{
	if (!d || !i)
		return NULL;
	const struct cfg_node *po, *pn;
	resolve(d, path, &po, &pn);
	if (!po && !pn)
		return NULL;
	for (; *i < d->n; (*i)++)
		if (ent_touches(&d->e[*i], po, pn))
			return &d->e[(*i)++];
	return NULL;
}

/* The child of P that is X or X's ancestor, or NULL when P is not above X. */
static const struct cfg_node *child_toward(const struct cfg_node *p, const struct cfg_node *x)
{
	if (!p || !x)
		return NULL;
	for (; x && x->parent; x = x->parent)
		if (x->parent == p)
			return x;
	return NULL;
}

static bool is_above_or_at(const struct cfg_node *e, const struct cfg_node *p)
{
	for (const struct cfg_node *x = p; x; x = x->parent)
		if (x == e)
			return true;
	return false;
}

struct visit {
	cfg_diff_entry_fn fn;
	void *ctx;
	enum cfg_diff_op op;
	const struct cfg_node *o, *n;
	bool any;
};

static void visit(struct visit *v, enum cfg_diff_op op, const struct cfg_node *o,
                  const struct cfg_node *n)
{
	const struct cfg_node *e = o ? o : n;
	if (!e || e->schema->kind != CFG_LIST)
		return;
	if (v->any && v->op == op && v->o == o && v->n == n)
		return; /* several entries inside the same list entry */
	v->any = true;
	v->op = op;
	v->o = o;
	v->n = n;
	v->fn(v->ctx, op, o, n);
}

void cfg_diff_entries(const struct cfg_diff *d, const char *path, cfg_diff_entry_fn fn, void *ctx)
{
	if (!d || !fn || !d->n)
		return;
	const struct cfg_node *po, *pn;
	resolve(d, path, &po, &pn);
	if (!po && !pn)
		return;
	struct visit v = {.fn = fn, .ctx = ctx};
	for (size_t i = 0; i < d->n; i++) {
		const struct cfg_diff_ent *e = &d->e[i];
		if (e->op == CFG_DIFF_DEL || e->op == CFG_DIFF_ADD) {
			bool del = e->op == CFG_DIFF_DEL;
			const struct cfg_node *x = del ? e->old_node : e->new_node;
			const struct cfg_node *p = del ? po : pn;
			if (!p)
				continue;
			if (is_above_or_at(x, p)) {
				/* the container itself (or an ancestor) came or went */
				for (const struct cfg_node *c = p->child; c; c = c->next)
					if (c->schema->kind == CFG_LIST && exists(d, c))
						visit(&v, e->op, del ? c : NULL, del ? NULL : c);
				continue;
			}
			const struct cfg_node *a = child_toward(p, x);
			if (!a)
				continue;
			if (a == x) {
				visit(&v, e->op, del ? a : NULL, del ? NULL : a);
				continue;
			}
			const struct cfg_node *other = del ? pn : po;
			const struct cfg_node *b = other ? match(d, del ? d->new_t : d->old_t, other, a) : NULL;
			if (b)
				visit(&v, CFG_DIFF_CHG, del ? a : b, del ? b : a);
			continue;
		}
		/* CHG: inside one list entry below the container */
		const struct cfg_node *x = e->old_node;
		if (!x || !po || !pn)
			continue;
		if (e->reorder && x->parent == po)
			continue; /* the entries' order, not their contents */
		const struct cfg_node *a = child_toward(po, x);
		if (!a)
			continue;
		const struct cfg_node *b = match(d, d->new_t, pn, a);
		if (b)
			visit(&v, CFG_DIFF_CHG, a, b);
	}
}

/* ---- patch ------------------------------------------------------------- */

/* The node of T at the place X has in its own tree, or NULL. */
static struct cfg_node *map_node(struct cfg_tree *t, const struct cfg_node *x)
{
	struct cfg_step path[128];
	int n = cfg_tree_path(x, path, sizeof path / sizeof *path);
	if (n < 0)
		return NULL;
	return cfg_tree_find(t, NULL, path, (size_t)n);
}

static void copy_meta(struct cfg_node *dst, const struct cfg_node *src)
{
	dst->flags = (dst->flags & ~CFG_N_INACTIVE) | (src->flags & CFG_N_INACTIVE);
	if (!str_eq(dst->annotation, src->annotation)) {
		free(dst->annotation);
		dst->annotation = NULL;
		if (src->annotation && !(dst->annotation = strdup(src->annotation)))
			abort();
	}
}

static int patch_del(struct cfg_tree *t, const struct cfg_diff *d, const struct cfg_diff_ent *e)
{
	struct cfg_node *tn = map_node(t, e->old_node);
	if (!tn || !tn->parent)
		return cfg_err_set("patch: a deleted statement is not in the tree");
	/* cfg_tree_delete() prunes containers left empty; NEW may keep one */
	const struct cfg_node *pnew = map_node((struct cfg_tree *)d->new_t, e->old_node->parent);
	cfg_tree_delete(t, tn);
	if (pnew && pnew->parent) {
		struct cfg_step path[128];
		int n = cfg_tree_path(pnew, path, sizeof path / sizeof *path);
		if (n < 0)
			return cfg_err_set("patch: path too deep");
		if (!cfg_tree_find(t, NULL, path, (size_t)n) && !cfg_tree_set(t, NULL, path, (size_t)n))
			return cfg_err_set("out of memory");
	}
	return 0;
}

static int patch_add(struct cfg_tree *t, const struct cfg_diff_ent *e)
{
	const struct cfg_node *x = e->new_node;
	struct cfg_node *tp = map_node(t, x->parent);
	if (!tp)
		return cfg_err_set("patch: the parent of an added statement is not in the tree");
	struct cfg_step st = {x->schema, x->schema->kind == CFG_CONTAINER ? NULL : x->value};
	struct cfg_node *tn = cfg_tree_set(t, tp, &st, 1);
	if (!tn)
		return cfg_err_set("out of memory");
	copy_meta(tn, x);
	if (x->child && cfg_tree_merge(t, tn, x) < 0)
		return -1;
	/* place it where NEW has it among its siblings of the same list */
	if (x->prev && x->prev->schema == x->schema) {
		struct cfg_node *ref = cfg_tree_child(t, tp, x->schema, x->prev->value);
		if (ref && ref != tn && cfg_tree_move(t, tn, ref, false) < 0)
			return -1;
	} else if (x->next && x->next->schema == x->schema) {
		struct cfg_node *first = tp->child;
		while (first && first->schema != x->schema)
			first = first->next;
		if (first && first != tn && cfg_tree_move(t, tn, first, true) < 0)
			return -1;
	}
	return 0;
}

static int patch_chg(struct cfg_tree *t, const struct cfg_diff_ent *e)
{
	struct cfg_node *tn = map_node(t, e->old_node);
	if (!tn)
		return cfg_err_set("patch: a changed statement is not in the tree");
	if (tn->parent && tn->schema->kind == CFG_LEAF && !str_eq(tn->value, e->new_node->value) &&
	    cfg_tree_set_value(t, tn, e->new_node->value) < 0)
		return -1;
	copy_meta(tn, e->new_node);
	return 0;
}

static int patch_order(struct cfg_tree *t, const struct cfg_diff_ent *e)
{
	const struct cfg_node *x = e->new_node;
	if (!x)
		return 0;
	struct cfg_node *tp = map_node(t, x->parent);
	if (!tp)
		return cfg_err_set("patch: a reordered list is not in the tree");
	struct cfg_node *prev = NULL;
	for (; x; x = group_next(x)) {
		struct cfg_node *tx = cfg_tree_child(t, tp, x->schema, x->value);
		if (!tx)
			return cfg_err_set("patch: an entry of a reordered list is missing");
		if (prev) {
			if (prev->next != tx && cfg_tree_move(t, tx, prev, false) < 0)
				return -1;
		} else {
			struct cfg_node *first = tp->child;
			while (first && first->schema != x->schema)
				first = first->next;
			if (first && first != tx && cfg_tree_move(t, tx, first, true) < 0)
				return -1;
		}
		prev = tx;
	}
	return 0;
}

int cfg_diff_patch(struct cfg_tree *t, const struct cfg_diff *d)
{
	if (!t || !d)
		return cfg_err_set("patch: no tree or diff");
	if (d->view != CFG_DIFF_FULL)
		return cfg_err_set("patch: needs a full diff");
	for (size_t i = 0; i < d->n; i++) {
		const struct cfg_diff_ent *e = &d->e[i];
		int r = 0;
		if (e->op == CFG_DIFF_DEL)
			r = patch_del(t, d, e);
		else if (e->op == CFG_DIFF_ADD)
			r = patch_add(t, e);
		else if (!e->reorder)
			r = patch_chg(t, e);
		if (r < 0)
			return -1;
	}
	for (size_t i = 0; i < d->n; i++)
		if (d->e[i].reorder && patch_order(t, &d->e[i]) < 0)
			return -1;
	return 0;
}
