/* cfg_cmd — the generic command handlers: configuration mode (set, delete,
 * edit, show, commit, rollback, load, ...) and the operational commands
 * every daemon has (configure, show configuration, show system commit,
 * show cli history, exit).
 *
 * Handlers are found by the `handler` names of cli/schema/cfgmode.xml and
 * ops-*.xml; cfg_cmd_register_all() registers them (cfg_daemon_new() calls
 * it). The helpers below read a command's arguments from its parse.
 */
#ifndef NFX_CFG_CMD_H
#define NFX_CFG_CMD_H

#include "cfg_daemon.h"

/* Register every generic handler. 0 or -1. */
int cfg_cmd_register_all(struct cfg_daemon *d);

/* What the words of a handler's `rest` leaf are, for TAB and `?`. */
enum cfg_rest_kind {
	CFG_REST_NONE,   /* not completed (file names, comments) */
	CFG_REST_SET,    /* a configuration statement below the edit path (`set`) */
	CFG_REST_PATH,   /* a configuration path below the edit path (delete, show, edit...) */
	CFG_REST_ACTIVE, /* a configuration path from the root of the active config */
	CFG_REST_OPS,    /* an operational command (`run`) */
	CFG_REST_CFGCMD, /* a configuration-mode command (`top <command>`) */
};
enum cfg_rest_kind cfg_cmd_rest_kind(const char *handler);

/* The step of the command parse whose schema keyword is NAME, or NULL. */
const struct cfg_step *cfg_cmd_step(const struct cfg_cmd *c, const char *name);
/* NAME was given (keyword, flag or argument). */
bool cfg_cmd_has(const struct cfg_cmd *c, const char *name);
/* The value given for NAME: the step's own value, else the value of a
 * positional leaf right after it; NULL if absent. Borrowed. */
const char *cfg_cmd_value(const struct cfg_cmd *c, const char *name);
/* Index of the first word taken by a `rest` leaf, or C->end when none. */
size_t cfg_cmd_rest(const struct cfg_cmd *c);

/* Junos error with a caret under column COL of the line:
 *     <spaces up to prompt + COL>^
 *     MSG                                                              */
void cfg_cmd_caret(const struct cfg_cmd *c, size_t col, const char *msg);

/* Render the help line of one `?` candidate: "> word<pad>help". */
void cfg_cmd_help_line(struct cfg_buf *b, char kind, const char *word, const char *help);

#endif
