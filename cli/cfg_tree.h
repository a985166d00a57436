/* cfg_tree — a configuration (candidate, active, or a revision) as a tree.
 *
 * Every node points at its schema node. Children of a node are kept in
 * display order: by schema index, and among entries of the same list or
 * leaf-list in insertion (or `insert`) order. A hash index makes finding a
 * child by (schema, value) O(1), so loading 100k lines stays linear.
 *
 * Ownership: a cfg_tree owns all its nodes and their strings. Node pointers
 * stay valid until the node is deleted or the tree is freed.
 */
#ifndef NFX_CFG_TREE_H
#define NFX_CFG_TREE_H

#include "cfg_schema.h"

#define CFG_N_INACTIVE 0x1u /* `deactivate`d: shown as `inactive:`, ignored by commit */

struct cfg_node {
	const struct cfg_schema *schema; /* the schema root for the tree root */
	struct cfg_node *parent;
	struct cfg_node *child, *last;   /* first and last child */
	struct cfg_node *next, *prev;    /* siblings */
	char *value;      /* list key, leaf value, leaf-list item; NULL for
	                     containers and flags. Owned by the tree. */
	char *annotation; /* `annotate` comment text or NULL. Owned. */
	unsigned flags;   /* CFG_N_* */
};

struct cfg_tree; /* opaque: root node + index */

/* Path step: a schema node and (for lists, leaves, leaf-lists) its value.
 * A path is what the parser produces from `set a b c value`. */
struct cfg_step {
	const struct cfg_schema *schema;
	const char *value; /* borrowed; NULL for containers and flags */
};

struct cfg_tree *cfg_tree_new(const struct cfg_schema *root);
void cfg_tree_free(struct cfg_tree *t);
/* Deep copy, sharing the schema. Caller owns the result. */
struct cfg_tree *cfg_tree_dup(const struct cfg_tree *t);
struct cfg_node *cfg_tree_root(const struct cfg_tree *t);
const struct cfg_schema *cfg_tree_schema(const struct cfg_tree *t);
/* Number of nodes below the root (statistics, bench). */
size_t cfg_tree_count(const struct cfg_tree *t);

/* Child of PARENT with schema S and value V (V NULL for containers/flags).
 * For a single-valued leaf, V is ignored: the leaf's node is returned. */
struct cfg_node *cfg_tree_child(const struct cfg_tree *t, const struct cfg_node *parent,
                                const struct cfg_schema *s, const char *v);

/* Walk PATH (N steps) from FROM (NULL = root). Returns the node or NULL. */
struct cfg_node *cfg_tree_find(const struct cfg_tree *t, struct cfg_node *from,
                               const struct cfg_step *path, size_t n);

/* `set`: create every missing node of PATH below FROM (NULL = root). A leaf
 * gets its value replaced; a leaf-list gets the value appended if absent (a
 * run of steps of the same leaf-list adds each value: `members [ a b ]`).
 * Returns the last node; -1/NULL only on allocation failure. */
struct cfg_node *cfg_tree_set(struct cfg_tree *t, struct cfg_node *from,
                              const struct cfg_step *path, size_t n);

/* Change a leaf's value in place (copies V). */
int cfg_tree_set_value(struct cfg_tree *t, struct cfg_node *n, const char *v);

/* `delete`: remove N and its subtree, then remove ancestors that became empty
 * and are neither presence containers, list entries, nor the root. */
void cfg_tree_delete(struct cfg_tree *t, struct cfg_node *n);
/* Remove all children of N (used by `load override`/`replace`). */
void cfg_tree_clear(struct cfg_tree *t, struct cfg_node *n);

/* Rename a list entry / leaf-list item (keeps its position). -1 if a sibling
 * with that value exists (cfg_err set). */
int cfg_tree_rename(struct cfg_tree *t, struct cfg_node *n, const char *newval);
/* Copy subtree SRC as a new sibling entry with value NEWVAL. */
struct cfg_node *cfg_tree_copy(struct cfg_tree *t, struct cfg_node *src, const char *newval);
/* Move list entry N before (BEFORE=true) or after REF, both same schema/parent. */
int cfg_tree_move(struct cfg_tree *t, struct cfg_node *n, struct cfg_node *ref, bool before);

/* `activate` (ON) / `deactivate` (!ON) N: the one place that sets or
 * clears CFG_N_INACTIVE for the statements (interactive and `load set`). */
void cfg_tree_activate(struct cfg_node *n, bool on);
/* `annotate`: N's comment becomes TEXT (copied; "" or NULL removes it).
 * 0, or -1 with cfg_err set (out of memory; N unchanged). */
int cfg_tree_annotate(struct cfg_node *n, const char *text);

/* Graft a deep copy of SRC's subtree (from another tree with the same schema)
 * as children merged into DST: leaves replaced, lists merged by key. */
int cfg_tree_merge(struct cfg_tree *t, struct cfg_node *dst, const struct cfg_node *src);

/* Two trees equal (values, order, flags, annotations)? */
bool cfg_tree_equal(const struct cfg_node *a, const struct cfg_node *b);

/* Fill PATH (capacity MAX) with the steps from the root to N; returns the
 * number of steps, or -1 if MAX is too small. */
int cfg_tree_path(const struct cfg_node *n, struct cfg_step *path, size_t max);

/* Depth-first iteration: next node after N in display order below ROOT. */
struct cfg_node *cfg_tree_next(const struct cfg_node *root, const struct cfg_node *n);

/* ---- looking things up (the one lookup API: daemons and subsystems read
 * configuration through these, never through hand-written walks) ---- */

#define CFG_AT_ACTIVE 0x1u /* skip deactivated nodes and everything under them
                              (what a commit and the daemons see) */

/* Does N count in the effective configuration (what a commit and the
 * effective diff see): N is not deactivated and, if a non-presence
 * container, holds at least one child that counts? (Ancestors are not
 * looked at: see cfg_node_active().) */
bool cfg_node_counts(const struct cfg_node *n);

/* Is N in effect: neither N nor an ancestor is deactivated? */
bool cfg_node_active(const struct cfg_node *n);

/* The first child of N (NULL: none) whose schema is named NAME and, unless V
 * is NULL, whose value is V; with CFG_AT_ACTIVE inactive children are skipped.
 * Linear in N's children: for one keyed entry among many use cfg_tree_child(). */
struct cfg_node *cfg_node_child(const struct cfg_node *n, const char *name, const char *v,
                                unsigned flags);
/* The next sibling of C with the same schema (iterating list entries and
 * leaf-list items), honouring FLAGS as cfg_node_child() does. */
struct cfg_node *cfg_node_next_same(const struct cfg_node *c, unsigned flags);
/* Value of the child leaf NAME of N, or NULL. */
const char *cfg_node_value(const struct cfg_node *n, const char *name, unsigned flags);

/* The node at keyword path PATH below FROM (NULL = root): words separated by
 * single spaces, as in a set line; a list step takes its key as the next word
 * ("virtual-network-functions vrtr1 memory"), a positional list its key
 * directly; a leaf-list step takes an item as the next word, or, as the
 * last word, names its first item. Uses the hash index: O(depth). NULL when absent (or, with
 * CFG_AT_ACTIVE, when any node on the way is inactive or FROM itself is).
 * Keys containing spaces need cfg_tree_atv(). */
struct cfg_node *cfg_tree_at(const struct cfg_tree *t, const struct cfg_node *from,
                             const char *path, unsigned flags);
/* The same with the words as a NULL-terminated array. */
struct cfg_node *cfg_tree_atv(const struct cfg_tree *t, const struct cfg_node *from,
                              const char *const *words, unsigned flags);
/* Value of the leaf at PATH (cfg_tree_at), or NULL. */
const char *cfg_tree_value(const struct cfg_tree *t, const struct cfg_node *from,
                           const char *path, unsigned flags);

#endif
