/* cfg_edit — configuration-mode editing commands beyond the basic ones of
 * cfg_cmd: `replace pattern X with Y [upto N]` and `load patch`.
 *
 * Handlers follow cfg_daemon.h's convention (0, or -1 with cfg_err set or
 * the error printed); cfg_cmd_register_all() registers them by the
 * `handler` names of cli/schema/cfgmode.xml.
 */
#ifndef NFX_CFG_EDIT_H
#define NFX_CFG_EDIT_H

#include "cfg_buf.h"
#include "cfg_daemon.h"
#include "cfg_tree.h"

/* `replace pattern PATTERN with REPLACEMENT [upto N]` (handler
 * "replace_pattern"): every identifier (list key, leaf-list item) and
 * value at and below the edit level that PATTERN, a POSIX extended regular
 * expression, matches as a whole becomes REPLACEMENT (`\1`..`\9` its
 * groups, `\\` a backslash); at most N objects with `upto N`. Keywords and
 * secrets are not touched. Nothing changes when one new value is invalid. */
int cfg_edit_replace_pattern(struct cfg_cmd *c);

/* `load patch`: apply TEXT, in the format `show | compare` prints, to T:
 * under each `[edit PATH]` header, `-` statements are deleted, `+`
 * statements merged, `!    inactive: X` / `!    active: X` deactivate or
 * activate X, and a `+`/`-` comment before a context line (` X { ... }`)
 * sets or removes X's annotation. Errors go to ERRS as
 * `SOURCE:LINE:(COL) ...`. Returns the number of errors (T is then
 * partly patched: apply to a copy), or -1 on allocation failure. */
long cfg_edit_patch(struct cfg_tree *t, const char *text, size_t len, const char *source,
                    struct cfg_buf *errs);

/* `configure private` after a reported conflict: THEIRS (the active
 * configuration now) with every change of this session (BASE to MINE)
 * applied over it, the session's side winning where both changed a
 * statement: what the session's next commit applies, as Junos does. A new
 * tree (caller owns), or NULL (cfg_err set). */
struct cfg_tree *cfg_edit_mine_wins(const struct cfg_tree *base, const struct cfg_tree *mine,
                                    const struct cfg_tree *theirs);

#endif
