/* cfg_filecmd — `file list [PATH] [detail]`, `file show FILE`, `file copy SRC
 * DST`, `file delete FILE` of the JDM and JCP CLIs (Junos's syntax; permission
 * `maintenance`, as Juniper's CLI reference gives for `file list`).
 *
 * What touches the user's home is done by the `cli` process as the user
 * (an ASK_FOP, cfg_proto.h; cfg_file.h says the confinement: the home and,
 * for reading, the image directory where the daemon has one — jdmd; jcpd
 * has none, its `file` commands are confined to the home; no `..`, no symbolic link followed, no
 * absolute path outside). A `file list` of the image directory itself is
 * answered by jdmd, which reads the listing only (names, sizes, times) and
 * never writes there for a user; below it the cli lists as the user.
 *
 * Ownership: the image directory string is copied.
 */
#ifndef NFX_CFG_FILECMD_H
#define NFX_CFG_FILECMD_H

#include "cfg_daemon.h"

struct cfg_filecmd;

/* Register the handlers (file_list, file_show, file_copy, file_delete)
 * with D; IMAGE_DIR is jdmd's --image-dir (DIR or DIR:DIR...: the first),
 * NULL for none (jcpd: the home only). NULL with cfg_err set. */
struct cfg_filecmd *cfg_filecmd_new(struct cfg_daemon *d, const char *image_dir);
void cfg_filecmd_free(struct cfg_filecmd *f);

#endif
