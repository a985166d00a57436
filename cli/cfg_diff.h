/* cfg_diff — one structured diff between two configuration trees of the
 * same schema: what a commit changes.
 *
 * Two views, chosen at creation:
 *   CFG_DIFF_EFFECTIVE  what subsystems see: inactive nodes (and everything
 *                       under them) count as absent, so `deactivate X` is a
 *                       deletion of X and `activate X` an addition;
 *                       annotations are ignored.
 *   CFG_DIFF_FULL       everything the store keeps: inactive flags and
 *                       annotations are changes too (used to patch the
 *                       active tree after a commit instead of copying it).
 *
 * Entries are the topmost nodes that differ:
 *   CFG_DIFF_ADD  NEW is the root of a subtree that OLD does not have
 *   CFG_DIFF_DEL  OLD is the root of a subtree that NEW does not have
 *   CFG_DIFF_CHG  a leaf whose value changed (OLD and NEW both set), or an
 *                 ordered list / leaf-list whose order changed (OLD and NEW
 *                 are the first entries of the run; the whole run is to be
 *                 re-read), or (FULL only) a node whose inactive flag or
 *                 annotation changed.
 * A subtree that is added or deleted gives one entry, not one per node. The
 * order of entries is display order of the new tree, deletions at the place
 * the old node had.
 *
 * Ownership: cfg_diff_new() returns a diff the caller frees with
 * cfg_diff_free() (NULL accepted). The diff borrows OLD and NEW: they must
 * outlive it and not change while it is used. Entries are owned by the diff.
 */
#ifndef NFX_CFG_DIFF_H
#define NFX_CFG_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg_tree.h"

enum cfg_diff_view { CFG_DIFF_EFFECTIVE, CFG_DIFF_FULL };
enum cfg_diff_op { CFG_DIFF_ADD, CFG_DIFF_DEL, CFG_DIFF_CHG };

struct cfg_diff_ent {
	enum cfg_diff_op op;
	const struct cfg_node *old_node; /* in OLD (DEL, CHG), else NULL */
	const struct cfg_node *new_node; /* in NEW (ADD, CHG), else NULL */
	bool reorder;                    /* CHG of the order of the run of list entries /
	                                    leaf-list items starting at OLD / NEW */
};

struct cfg_diff;

/* The diff from OLD to NEW (either may be NULL: an empty configuration;
 * the diff then owns an empty tree of the other's schema, which
 * cfg_diff_old()/cfg_diff_new_tree() return). Both NULL is an error.
 * NULL only on allocation failure (cfg_err set). */
struct cfg_diff *cfg_diff_new(const struct cfg_tree *old_tree, const struct cfg_tree *new_tree,
                              enum cfg_diff_view view);
void cfg_diff_free(struct cfg_diff *d);

/* The inverse diff (NEW to OLD): what undoing the change applies. The result
 * borrows the same trees (also an empty tree D owns: free it before D);
 * caller frees it. */
struct cfg_diff *cfg_diff_inverse(const struct cfg_diff *d);

const struct cfg_tree *cfg_diff_old(const struct cfg_diff *d);
const struct cfg_tree *cfg_diff_new_tree(const struct cfg_diff *d);
enum cfg_diff_view cfg_diff_view(const struct cfg_diff *d);

size_t cfg_diff_count(const struct cfg_diff *d);
const struct cfg_diff_ent *cfg_diff_at(const struct cfg_diff *d, size_t i);
bool cfg_diff_empty(const struct cfg_diff *d);

/* Did anything at, above-into, or below keyword path PATH change? PATH as in
 * cfg_tree_at() ("system services ssh", "virtual-network-functions vrtr1");
 * an entry that adds or deletes an ancestor of PATH counts. */
bool cfg_diff_touches(const struct cfg_diff *d, const char *path);

/* The entries at or below the node at PATH (or adding/deleting an ancestor
 * of it), in order: call with *I = 0 and repeat until NULL. */
const struct cfg_diff_ent *cfg_diff_next_under(const struct cfg_diff *d, const char *path, size_t *i);

/* For each list entry directly below the container at PATH (e.g. the VNFs
 * under "virtual-network-functions"), whether it was added, deleted or
 * changed somewhere inside: FN(CTX, op, old_entry, new_entry) once per
 * entry that differs (op ADD: old NULL; DEL: new NULL; CHG: both), in order.
 * Entries that did not change are not visited. */
typedef void (*cfg_diff_entry_fn)(void *ctx, enum cfg_diff_op op, const struct cfg_node *old_entry,
                                  const struct cfg_node *new_entry);
void cfg_diff_entries(const struct cfg_diff *d, const char *path, cfg_diff_entry_fn fn, void *ctx);

/* Patch T (a tree equal to the diff's OLD, e.g. OLD itself) into a copy of
 * NEW by applying a CFG_DIFF_FULL diff: O(size of the changes), not of the
 * tree. 0, or -1 (cfg_err set; T is then unspecified). */
int cfg_diff_patch(struct cfg_tree *t, const struct cfg_diff *d);

#endif
