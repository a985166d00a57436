/* cfg_tree — configuration tree with a (parent, schema, value) hash index.
 *
 * Memory: a node is one allocation holding the struct and, inline, the value
 * it was created with (a later longer value gets its own allocation, marked
 * CFG_N_OWNVAL). The index is an open-addressing table of node pointers
 * (linear probing, backward-shift deletion), so a node costs about
 * 64 + value + 12 bytes.
 */
#include "cfg_tree.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_err.h"
#include "cfg_xform.h"

#define CFG_N_OWNVAL 0x100u /* value is a separate allocation */

struct cfg_tree {
	struct cfg_node root;
	const struct cfg_schema *schema;
	struct cfg_node **slots;
	size_t nslots; /* power of two */
	size_t count;  /* nodes in the index (= nodes below root) */
};

/* Lists and leaf-lists are indexed by value; leaves and containers by schema
 * alone (a leaf is found whatever its value). */
static const char *index_value(const struct cfg_schema *s, const char *v)
{
	return (s->kind == CFG_LIST || s->kind == CFG_LEAFLIST) ? v : NULL;
}

static uint64_t hash_key(const struct cfg_node *parent, const struct cfg_schema *s, const char *v)
{
	uint64_t h = (uint64_t)(uintptr_t)parent * 0x9E3779B97F4A7C15ull;
	h ^= (uint64_t)(uintptr_t)s * 0xC2B2AE3D27D4EB4Full;
	h ^= h >> 29;
	if (v)
		for (const unsigned char *p = (const unsigned char *)v; *p; p++)
			h = (h ^ *p) * 0x100000001B3ull;
	h ^= h >> 32;
	return h;
}

static uint64_t hash_node(const struct cfg_node *n)
{
	return hash_key(n->parent, n->schema, index_value(n->schema, n->value));
}

static bool key_eq(const struct cfg_node *n, const struct cfg_node *parent,
                   const struct cfg_schema *s, const char *v)
{
	if (n->parent != parent || n->schema != s)
		return false;
	if (!v)
		return true;
	return n->value && strcmp(n->value, v) == 0;
}

static void index_insert_raw(struct cfg_tree *t, struct cfg_node *n)
{
	size_t mask = t->nslots - 1, i = (size_t)hash_node(n) & mask;
	while (t->slots[i])
		i = (i + 1) & mask;
	t->slots[i] = n;
}

static void index_grow(struct cfg_tree *t)
{
	size_t old = t->nslots;
	struct cfg_node **os = t->slots;
	t->nslots = old ? old * 2 : 64;
	t->slots = calloc(t->nslots, sizeof *t->slots);
	if (!t->slots)
		abort();
	for (size_t i = 0; i < old; i++)
		if (os[i])
			index_insert_raw(t, os[i]);
	free(os);
}

static void index_insert(struct cfg_tree *t, struct cfg_node *n)
{
	if ((t->count + 1) * 10 > t->nslots * 7)
		index_grow(t);
	index_insert_raw(t, n);
	t->count++;
}

static void index_remove(struct cfg_tree *t, struct cfg_node *n)
{
	size_t mask = t->nslots - 1, i = (size_t)hash_node(n) & mask;
	while (t->slots[i] && t->slots[i] != n)
		i = (i + 1) & mask;
	if (!t->slots[i])
		return;
	t->slots[i] = NULL;
	t->count--;
	/* backward shift: move later entries of the run into the hole */
	size_t j = i;
	for (;;) {
		j = (j + 1) & mask;
		struct cfg_node *m = t->slots[j];
		if (!m)
			break;
		size_t home = (size_t)hash_node(m) & mask;
		/* can m move to i? yes if home is not in (i, j] cyclically */
		bool move = (i <= j) ? (home <= i || home > j) : (home <= i && home > j);
		if (move) {
			t->slots[i] = m;
			t->slots[j] = NULL;
			i = j;
		}
	}
}

static struct cfg_node *node_new(const struct cfg_schema *s, const char *v)
{
	size_t vl = v ? strlen(v) + 1 : 0;
	struct cfg_node *n = malloc(sizeof *n + vl);
	if (!n)
		abort();
	memset(n, 0, sizeof *n);
	n->schema = s;
	if (v) {
		n->value = (char *)(n + 1);
		memcpy(n->value, v, vl);
	}
	return n;
}

static void node_free(struct cfg_node *n)
{
	if (n->flags & CFG_N_OWNVAL)
		free(n->value);
	free(n->annotation);
	free(n);
}

struct cfg_tree *cfg_tree_new(const struct cfg_schema *root)
{
	struct cfg_tree *t = calloc(1, sizeof *t);
	if (!t)
		abort();
	t->schema = root;
	t->root.schema = root;
	return t;
}

static void free_children(struct cfg_tree *t, struct cfg_node *n, bool unindex)
{
	struct cfg_node *c = n->child;
	while (c) {
		struct cfg_node *next = c->next;
		free_children(t, c, unindex);
		if (unindex)
			index_remove(t, c);
		node_free(c);
		c = next;
	}
	n->child = n->last = NULL;
}

void cfg_tree_free(struct cfg_tree *t)
{
	if (!t)
		return;
	free_children(t, &t->root, false);
	free(t->root.annotation);
	free(t->slots);
	free(t);
}

struct cfg_node *cfg_tree_root(const struct cfg_tree *t) { return (struct cfg_node *)&t->root; }
const struct cfg_schema *cfg_tree_schema(const struct cfg_tree *t) { return t->schema; }
size_t cfg_tree_count(const struct cfg_tree *t) { return t->count; }

struct cfg_node *cfg_tree_child(const struct cfg_tree *t, const struct cfg_node *parent,
                                const struct cfg_schema *s, const char *v)
{
	if (!t->nslots)
		return NULL;
	v = index_value(s, v);
	size_t mask = t->nslots - 1, i = (size_t)hash_key(parent, s, v) & mask;
	for (struct cfg_node *n; (n = t->slots[i]); i = (i + 1) & mask)
		if (key_eq(n, parent, s, v))
			return n;
	return NULL;
}

/* Link N as a child of P at its display position. */
static void link_child(struct cfg_node *p, struct cfg_node *n)
{
	n->parent = p;
	struct cfg_node *after = p->last;
	while (after && after->schema->index > n->schema->index)
		after = after->prev;
	n->prev = after;
	n->next = after ? after->next : p->child;
	if (n->next)
		n->next->prev = n;
	else
		p->last = n;
	if (after)
		after->next = n;
	else
		p->child = n;
}

static void unlink_child(struct cfg_node *n)
{
	struct cfg_node *p = n->parent;
	if (n->prev)
		n->prev->next = n->next;
	else
		p->child = n->next;
	if (n->next)
		n->next->prev = n->prev;
	else
		p->last = n->prev;
	n->next = n->prev = NULL;
}

static struct cfg_node *add_child(struct cfg_tree *t, struct cfg_node *p, const struct cfg_schema *s,
                                  const char *v)
{
	struct cfg_node *n = node_new(s, v);
	link_child(p, n);
	index_insert(t, n);
	return n;
}

struct cfg_node *cfg_tree_find(const struct cfg_tree *t, struct cfg_node *from,
                               const struct cfg_step *path, size_t n)
{
	struct cfg_node *cur = from ? from : cfg_tree_root(t);
	for (size_t i = 0; i < n && cur; i++) {
		const struct cfg_step *st = &path[i];
		struct cfg_node *c = cfg_tree_child(t, cur, st->schema, st->value);
		/* a leaf matches only with its value when a value is given */
		if (c && st->schema->kind == CFG_LEAF && st->value && c->value &&
		    strcmp(c->value, st->value) != 0 && i + 1 < n)
			c = NULL;
		cur = c;
	}
	return cur;
}

int cfg_tree_set_value(struct cfg_tree *t, struct cfg_node *n, const char *v)
{
	(void)t;
	if (!v) {
		if (n->flags & CFG_N_OWNVAL)
			free(n->value);
		n->flags &= ~CFG_N_OWNVAL;
		n->value = NULL;
		return 0;
	}
	size_t nl = strlen(v);
	if (n->value && strlen(n->value) >= nl) {
		memmove(n->value, v, nl + 1);
		return 0;
	}
	char *d = strdup(v);
	if (!d)
		abort();
	if (n->flags & CFG_N_OWNVAL)
		free(n->value);
	n->value = d;
	n->flags |= CFG_N_OWNVAL;
	return 0;
}

struct cfg_node *cfg_tree_set(struct cfg_tree *t, struct cfg_node *from,
                              const struct cfg_step *path, size_t n)
{
	struct cfg_node *cur = from ? from : cfg_tree_root(t);
	for (size_t i = 0; i < n; i++) {
		const struct cfg_step *st = &path[i];
		struct cfg_step xst;
		char *xval = NULL;
		if (st->schema->kind == CFG_LEAF && st->schema->transform && st->value) {
			/* stored as its transform, in the target sibling (cfg_xform.h) */
			const struct cfg_schema *tg = st->schema->parent
			                                  ? cfg_schema_child(st->schema->parent, st->schema->target)
			                                  : NULL;
			if (!tg) {
				cfg_err_set("no place to store %s", st->schema->name);
				return NULL;
			}
			if (cfg_xform_run(st->schema->transform, st->value, &xval) < 0)
				return NULL;
			xst.schema = tg;
			xst.value = xval;
			st = &xst;
		}
		/* `members [ a b ]` is a run of steps of one leaf-list: its items
		   are siblings (a leaf-list item never has children) */
		if (st->schema->kind == CFG_LEAFLIST && cur->schema == st->schema && cur->parent)
			cur = cur->parent;
		struct cfg_node *c = cfg_tree_child(t, cur, st->schema, st->value);
		if (!c) {
			c = add_child(t, cur, st->schema,
			              st->schema->kind == CFG_CONTAINER ? NULL : st->value);
		} else if (st->schema->kind == CFG_LEAF && st->value &&
		           (!c->value || strcmp(c->value, st->value) != 0)) {
			cfg_tree_set_value(t, c, st->value);
		}
		if (xval) {
			explicit_bzero(xval, strlen(xval));
			free(xval);
		}
		cur = c;
	}
	return cur;
}

static bool prunable(const struct cfg_node *n)
{
	return n->parent && n->schema->kind == CFG_CONTAINER && !(n->schema->flags & CFG_F_PRESENCE) &&
	       !n->child && !n->annotation && !(n->flags & CFG_N_INACTIVE);
}

void cfg_tree_delete(struct cfg_tree *t, struct cfg_node *n)
{
	if (!n)
		return;
	if (!n->parent) { /* the root: delete everything */
		cfg_tree_clear(t, n);
		return;
	}
	struct cfg_node *p = n->parent;
	free_children(t, n, true);
	index_remove(t, n);
	unlink_child(n);
	node_free(n);
	while (p && prunable(p)) {
		struct cfg_node *pp = p->parent;
		index_remove(t, p);
		unlink_child(p);
		node_free(p);
		p = pp;
	}
}

void cfg_tree_clear(struct cfg_tree *t, struct cfg_node *n) { free_children(t, n, true); }

int cfg_tree_rename(struct cfg_tree *t, struct cfg_node *n, const char *newval)
{
	if (n->schema->kind != CFG_LIST && n->schema->kind != CFG_LEAFLIST)
		return cfg_err_set("only list entries can be renamed");
	if (cfg_tree_child(t, n->parent, n->schema, newval))
		return cfg_err_set("statement already exists: %s", newval);
	index_remove(t, n);
	cfg_tree_set_value(t, n, newval);
	index_insert(t, n);
	return 0;
}

/* Deep-copy the children of SRC under DST (DST in tree T). */
static void copy_children(struct cfg_tree *t, struct cfg_node *dst, const struct cfg_node *src)
{
	for (const struct cfg_node *c = src->child; c; c = c->next) {
		struct cfg_node *n = node_new(c->schema, c->value);
		n->flags = c->flags & CFG_N_INACTIVE;
		if (c->annotation && !(n->annotation = strdup(c->annotation)))
			abort();
		/* source order is display order: append */
		n->parent = dst;
		n->prev = dst->last;
		if (dst->last)
			dst->last->next = n;
		else
			dst->child = n;
		dst->last = n;
		index_insert(t, n);
		copy_children(t, n, c);
	}
}

struct cfg_node *cfg_tree_copy(struct cfg_tree *t, struct cfg_node *src, const char *newval)
{
	if (src->schema->kind != CFG_LIST && src->schema->kind != CFG_LEAFLIST) {
		cfg_err_set("only list entries can be copied");
		return NULL;
	}
	if (cfg_tree_child(t, src->parent, src->schema, newval)) {
		cfg_err_set("statement already exists: %s", newval);
		return NULL;
	}
	struct cfg_node *n = add_child(t, src->parent, src->schema, newval);
	n->flags = src->flags & CFG_N_INACTIVE;
	copy_children(t, n, src);
	return n;
}

int cfg_tree_move(struct cfg_tree *t, struct cfg_node *n, struct cfg_node *ref, bool before)
{
	(void)t;
	if (n == ref)
		return 0;
	if (n->parent != ref->parent || n->schema != ref->schema)
		return cfg_err_set("can only insert among entries of the same list");
	unlink_child(n);
	struct cfg_node *p = ref->parent;
	n->parent = p;
	if (before) {
		n->prev = ref->prev;
		n->next = ref;
		if (ref->prev)
			ref->prev->next = n;
		else
			p->child = n;
		ref->prev = n;
	} else {
		n->next = ref->next;
		n->prev = ref;
		if (ref->next)
			ref->next->prev = n;
		else
			p->last = n;
		ref->next = n;
	}
	return 0;
}

struct cfg_tree *cfg_tree_dup(const struct cfg_tree *t)
{
	struct cfg_tree *d = cfg_tree_new(t->schema);
	d->nslots = t->nslots;
	if (d->nslots && !(d->slots = calloc(d->nslots, sizeof *d->slots)))
		abort();
	copy_children(d, &d->root, &t->root);
	if (t->root.annotation && !(d->root.annotation = strdup(t->root.annotation)))
		abort();
	return d;
}

int cfg_tree_merge(struct cfg_tree *t, struct cfg_node *dst, const struct cfg_node *src)
{
	for (const struct cfg_node *c = src->child; c; c = c->next) {
		struct cfg_node *m = cfg_tree_child(t, dst, c->schema, c->value);
		if (!m)
			m = add_child(t, dst, c->schema, c->schema->kind == CFG_CONTAINER ? NULL : c->value);
		else if (c->schema->kind == CFG_LEAF)
			cfg_tree_set_value(t, m, c->value);
		m->flags = (m->flags & ~CFG_N_INACTIVE) | (c->flags & CFG_N_INACTIVE);
		if (c->annotation) {
			free(m->annotation);
			if (!(m->annotation = strdup(c->annotation)))
				abort();
		}
		cfg_tree_merge(t, m, c);
	}
	return 0;
}

static bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

bool cfg_tree_equal(const struct cfg_node *a, const struct cfg_node *b)
{
	if (!a || !b)
		return a == b;
	if (a->schema != b->schema && strcmp(a->schema->name, b->schema->name) != 0)
		return false;
	if (!str_eq(a->value, b->value) || !str_eq(a->annotation, b->annotation) ||
	    (a->flags & CFG_N_INACTIVE) != (b->flags & CFG_N_INACTIVE))
		return false;
	const struct cfg_node *x = a->child, *y = b->child;
	for (; x && y; x = x->next, y = y->next)
		if (!cfg_tree_equal(x, y))
			return false;
	return !x && !y;
}

int cfg_tree_path(const struct cfg_node *n, struct cfg_step *path, size_t max)
{
	size_t depth = 0;
	for (const struct cfg_node *p = n; p->parent; p = p->parent)
		depth++;
	if (depth > max)
		return -1;
	size_t i = depth;
	for (const struct cfg_node *p = n; p->parent; p = p->parent) {
		i--;
		path[i].schema = p->schema;
		path[i].value = p->value;
	}
	return (int)depth;
}

struct cfg_node *cfg_tree_next(const struct cfg_node *root, const struct cfg_node *n)
{
	if (n->child)
		return n->child;
	while (n && n != root) {
		if (n->next)
			return n->next;
		n = n->parent;
	}
	return NULL;
}

/* ---- lookup ------------------------------------------------------------ */

bool cfg_node_counts(const struct cfg_node *n)
{
	if (n->flags & CFG_N_INACTIVE)
		return false;
	const struct cfg_schema *s = n->schema;
	if (!s || !n->parent || s->kind != CFG_CONTAINER || (s->flags & CFG_F_PRESENCE))
		return true;
	for (const struct cfg_node *c = n->child; c; c = c->next)
		if (cfg_node_counts(c))
			return true;
	return false;
}

bool cfg_node_active(const struct cfg_node *n)
{
	for (; n; n = n->parent)
		if (n->flags & CFG_N_INACTIVE)
			return false;
	return true;
}

static bool child_ok(const struct cfg_node *c, const char *name, const char *v, unsigned flags)
{
	if (!c->schema || strcmp(c->schema->name, name))
		return false;
	if (v && (!c->value || strcmp(c->value, v)))
		return false;
	return !((flags & CFG_AT_ACTIVE) && (c->flags & CFG_N_INACTIVE));
}

struct cfg_node *cfg_node_child(const struct cfg_node *n, const char *name, const char *v,
                                unsigned flags)
{
	if (!n || !name)
		return NULL;
	for (struct cfg_node *c = n->child; c; c = c->next)
		if (child_ok(c, name, v, flags))
			return c;
	return NULL;
}

struct cfg_node *cfg_node_next_same(const struct cfg_node *c, unsigned flags)
{
	if (!c)
		return NULL;
	for (struct cfg_node *x = c->next; x; x = x->next) {
		if (x->schema != c->schema)
			return NULL; /* children are grouped by schema */
		if (!((flags & CFG_AT_ACTIVE) && (x->flags & CFG_N_INACTIVE)))
			return x;
	}
	return NULL;
}

const char *cfg_node_value(const struct cfg_node *n, const char *name, unsigned flags)
{
	const struct cfg_node *c = cfg_node_child(n, name, NULL, flags);
	return c ? c->value : NULL;
}

struct cfg_node *cfg_tree_atv(const struct cfg_tree *t, const struct cfg_node *from,
                              const char *const *words, unsigned flags)
{
	if (!t || !words)
		return NULL;
	struct cfg_node *n = from ? (struct cfg_node *)from : cfg_tree_root(t);
	if ((flags & CFG_AT_ACTIVE) && !cfg_node_active(n))
		return NULL;
	const struct cfg_schema *s = n->schema;
	for (size_t i = 0; words[i] && n; i++) {
		const struct cfg_schema *c = cfg_schema_child(s, words[i]);
		if (c && c->kind == CFG_LIST && !(c->flags & CFG_F_POSITIONAL)) {
			if (!words[i + 1])
				return NULL;
			n = cfg_tree_child(t, n, c, words[++i]);
		} else if (c && c->kind == CFG_LEAFLIST) {
			/* "members v100": that item; "members" last: the first item */
			if (words[i + 1])
				n = cfg_tree_child(t, n, c, words[++i]);
			else
				n = cfg_node_child(n, c->name, NULL, flags);
		} else if (c) {
			n = cfg_tree_child(t, n, c, NULL);
		} else {
			c = cfg_schema_positional(s);
			if (!c || c->kind != CFG_LIST)
				return NULL;
			n = cfg_tree_child(t, n, c, words[i]);
		}
		if (n && (flags & CFG_AT_ACTIVE) && (n->flags & CFG_N_INACTIVE))
			return NULL;
		s = c;
	}
	return n;
}

struct cfg_node *cfg_tree_at(const struct cfg_tree *t, const struct cfg_node *from,
                             const char *path, unsigned flags)
{
	if (!path)
		return NULL;
	char buf[512];
	const char *words[64];
	size_t len = strlen(path), nw = 0;
	if (len >= sizeof buf)
		return NULL;
	memcpy(buf, path, len + 1);
	for (char *p = buf; *p && nw < 63;) {
		while (*p == ' ')
			*p++ = '\0';
		if (!*p)
			break;
		words[nw++] = p;
		while (*p && *p != ' ')
			p++;
	}
	words[nw] = NULL;
	return cfg_tree_atv(t, from, words, flags);
}

const char *cfg_tree_value(const struct cfg_tree *t, const struct cfg_node *from,
                           const char *path, unsigned flags)
{
	const struct cfg_node *n = cfg_tree_at(t, from, path, flags);
	return n ? n->value : NULL;
}

void cfg_tree_activate(struct cfg_node *n, bool on)
{
	if (!n)
		return;
	if (on)
		n->flags &= ~CFG_N_INACTIVE;
	else
		n->flags |= CFG_N_INACTIVE;
}

int cfg_tree_annotate(struct cfg_node *n, const char *text)
{
	char *dup = NULL;
	if (text && *text && !(dup = strdup(text)))
		return cfg_err_set("out of memory");
	free(n->annotation);
	n->annotation = dup;
	return 0;
}
