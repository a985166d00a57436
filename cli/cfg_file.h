/* cfg_file — `file list|show|copy|delete`, confined to the user's home and
 * the image directory.
 *
 * The `cli` process runs these as its user (the daemon asks it with an
 * ASK_FOP, cfg_proto.h): what touches the home is done with the user's own
 * rights. jdmd lists the image directory itself (cfg_file_list with no
 * HOME), and never writes there for a user; reading a file of the image
 * directory (`file show`, the source of `file copy`) or listing below it
 * is the cli's, as the user.
 *
 * A NAME is taken in HOME when relative; an absolute NAME must lie in HOME
 * or in IMGDIR (either as given or canonical). A `..` component is refused,
 * and no symbolic link is followed: each component is opened with
 * O_NOFOLLOW from the directory's descriptor, and a symbolic link as the
 * last component is refused too. Writes (`file copy` DST, `file delete`)
 * are only in HOME, never in the daemon's state directory (STATE_DIR); a
 * copy is written by the cli with cli_file_save() (0600, no link followed,
 * never onto another user's file).
 *
 * Output follows Junos: `file list` prints "\nDIR/:\n" and one name a line
 * (directories with a trailing '/'), `detail` the ls-like long lines and
 * "total files: N"; `file show` the file as it is; copy and delete print
 * nothing.
 *
 * Errors: -1 with cfg_err set (a message for the operator).
 */
#ifndef NFX_CFG_FILE_H
#define NFX_CFG_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg_buf.h"

/* Largest file `file show` and `file copy` handle. */
#define CFG_FILE_MAX (16u << 20)

/* `file list [NAME] [detail]` into OUT. HOME NULL: only IMGDIR (jdmd).
 * NAME NULL or "": the home directory. */
int cfg_file_list(const char *home, const char *imgdir, const char *name, bool detail,
                  struct cfg_buf *out);
/* `file show NAME` into OUT. */
int cfg_file_show(const char *home, const char *imgdir, const char *name, struct cfg_buf *out);
/* The contents of NAME (in HOME or IMGDIR; a regular file of at most
 * CFG_FILE_MAX bytes): malloc'ed, NUL-terminated, *LEN without the NUL;
 * caller frees. NULL with cfg_err set. (`file show`; `file copy` SRC, which
 * the cli then writes with cli_file_save().) */
char *cfg_file_read(const char *home, const char *imgdir, const char *name, size_t *len);
/* NAME (in HOME) is a directory: `file copy SRC DIR` writes DIR/basename. */
bool cfg_file_is_dir(const char *home, const char *name);
/* `file delete NAME` in HOME. */
int cfg_file_delete(const char *home, const char *state_dir, const char *name);

/* NAME lies (lexically, no `..`) in DIR or is DIR: where jdmd answers a
 * `file list` itself. */
bool cfg_file_in_dir(const char *name, const char *dir);

#endif
