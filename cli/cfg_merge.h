/* cfg_merge — three-way merge for `configure private`.
 *
 * BASE is the active configuration when the private session started, MINE
 * the session's private candidate, THEIRS the active configuration now.
 * The result is THEIRS with MINE's changes (BASE → MINE) applied. A conflict
 * is a statement both sides changed differently: a leaf given different
 * values, or a statement one side deleted and the other changed. Statements
 * are compared as the full `display set` lines (values, `deactivate`,
 * `annotate`), so the merge sees exactly what an operator sees.
 *
 * Ownership: the result is a new tree owned by the caller; NULL when there
 * are conflicts (each described on a line of CONFLICTS) or on error.
 */
#ifndef NFX_CFG_MERGE_H
#define NFX_CFG_MERGE_H

#include "cfg_buf.h"
#include "cfg_tree.h"

struct cfg_tree *cfg_merge3(const struct cfg_tree *base, const struct cfg_tree *mine,
                            const struct cfg_tree *theirs, struct cfg_buf *conflicts,
                            size_t *n_conflicts);

#endif
