/* cfg_load — text into a candidate tree.
 *
 * `load set terminal|FILE` (and `load set relative`): every line is a
 * configuration-mode statement (set, delete, activate, deactivate, annotate,
 * and blank/#-comment lines). All lines are parsed first; only if the caller
 * wants it (CFG_LOAD_ALL_OR_NOTHING) is the tree left untouched on any error,
 * otherwise good lines apply and bad ones are reported, as Junos does:
 *     terminal:3:(5) syntax error: foo
 * The same function reads the store's revision text back (CFG_R_FULL output).
 *
 * `load merge|override|replace|update` read the curly format (cfg_curly.h).
 */
#ifndef NFX_CFG_LOAD_H
#define NFX_CFG_LOAD_H

#include "cfg_buf.h"
#include "cfg_tree.h"

#define CFG_LOAD_ALL_OR_NOTHING 0x1u

/* Apply the set-format TEXT (LEN bytes) to T. AT is the node paths are
 * relative to (NULL = root; `load set relative` passes the edit node).
 * SOURCE names the input in messages ("terminal" or the file name). Error
 * lines go to ERRS (may be NULL). Returns the number of bad lines (0 = all
 * good), or -1 on a fatal error (cfg_err set). */
long cfg_load_set(struct cfg_tree *t, struct cfg_node *at, const char *text, size_t len,
                  const char *source, unsigned flags, struct cfg_buf *errs);

/* Apply a parsed `set` (P from cfg_parse_path in CFG_PM_SET mode, relative
 * to FROM; NULL = root): creates the nodes, replaces a leaf's value, adds
 * leaf-list values (`members [ a b ]` gives several steps), for each of the
 * line's statements (`page-size 1024 page-count 5`). Returns the node the
 * last statement set, or NULL with cfg_err set (e.g. a password leaf,
 * which needs a prompt and is handled by the session; then nothing is
 * set). */
struct cfg_parse;
struct cfg_node *cfg_load_apply_set(struct cfg_tree *t, struct cfg_node *from,
                                    const struct cfg_parse *p);

#endif
