/* cfg_curly — parse the curly-brace format (what `show` prints) into a tree,
 * for `load merge|override|replace|update terminal|FILE`.
 *
 *   merge:    statements are merged into the candidate (leaves replaced,
 *             lists merged by key)
 *   override: the candidate becomes exactly the loaded text
 *   replace:  like merge, but a statement tagged `replace:` replaces the
 *             whole existing statement
 *   update:   like override, but only differences are touched (same result)
 *
 * `inactive:` prefixes and C-style comments (annotations) before statements are kept
 * (flags / annotations). Errors are Junos-style:
 *     terminal:12:(9) syntax error: foo
 * and nothing changes in the candidate when there is any error.
 */
#ifndef NFX_CFG_CURLY_H
#define NFX_CFG_CURLY_H

#include "cfg_buf.h"
#include "cfg_tree.h"

enum cfg_curly_mode { CFG_CURLY_MERGE, CFG_CURLY_OVERRIDE, CFG_CURLY_REPLACE, CFG_CURLY_UPDATE };

/* Parse TEXT into a fresh tree with T's schema, then apply it to T at AT
 * (NULL = root; `load merge relative` passes the edit node) by MODE.
 * Returns the number of errors (0 = applied), -1 on fatal error. Error lines
 * go to ERRS (may be NULL). */
long cfg_curly_load(struct cfg_tree *t, struct cfg_node *at, const char *text, size_t len,
                    const char *source, enum cfg_curly_mode mode, struct cfg_buf *errs);

/* Parse only: a new tree (caller owns) or NULL with errors in ERRS. */
struct cfg_tree *cfg_curly_parse(const struct cfg_schema *root, const char *text, size_t len,
                                 const char *source, struct cfg_buf *errs, long *nerr);

#endif
