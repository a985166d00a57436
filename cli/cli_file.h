/* cli_file — the files of `save FILE` / `| save FILE` and `load ... FILE`,
 * opened by the `cli` process itself, with the rights of the user who runs
 * it: the daemons (root) open no path on a user's behalf (cfg_proto.h 'F'
 * and ASK_FILE).
 *
 * Save, as Junos saves to the user's home: HOME must be a directory the
 * user owns (not a shared "/"); a relative NAME is taken in HOME;
 * an absolute NAME must lie inside HOME; a `..` component is refused; no
 * symbolic link is followed below HOME (each component is opened with
 * O_NOFOLLOW from the home directory's descriptor); nothing is written inside
 * the daemon's state directory (STATE_DIR: the directory of the socket the
 * cli talks to), nor onto an existing file that is not a regular file owned
 * by the user with a single link. A new file is made 0600.
 *
 * Load: a relative NAME is taken in HOME; the file is read as the user (any
 * path the user can read), a regular file of at most MAX bytes.
 *
 * Errors: -1 / NULL with cfg_err set to a message for the operator (load:
 * the bare reason, e.g. "Permission denied", that the daemon prints after
 * "could not open configuration file: NAME: ").
 */
#ifndef NFX_CLI_FILE_H
#define NFX_CLI_FILE_H

#include <stddef.h>

/* Write LEN bytes of TEXT to NAME (see above). STATE_DIR may be NULL (no
 * daemon directory to keep out of). On success *LINES is the number of lines
 * written (a last line without a newline counts). 0 or -1. */
int cli_file_save(const char *home, const char *state_dir, const char *name, const char *text,
                  size_t len, size_t *lines);

/* Read NAME (relative to HOME). Returns the contents (malloc'ed, NUL
 * terminated, caller frees; *LEN without the NUL) or NULL. */
char *cli_file_read(const char *home, const char *name, size_t max, size_t *len);

/* The home directory of the real uid (from the password database, not
 * $HOME), or NULL. Borrowed (static storage). */
const char *cli_file_home(void);

#endif
