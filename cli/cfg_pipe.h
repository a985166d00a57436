/* cfg_pipe — output pipes: `| match RE`, `| except RE`, `| find RE`,
 * `| count`, `| last [N]`, `| no-more`, `| save FILE`, `| display ...`
 * (display is handled by the command, which passes it here as already done:
 * a command with a reply renders `display xml|json` with cfg_reply_emit(),
 * the configuration shows also `display set` and `compare`; the dispatcher
 * refuses a display the command's schema `reply` cannot honour, before the
 * command runs — see cli/schema/FORMAT.md).
 *
 * Words after the first `|` are given as an array; several pipes chain.
 * Ownership: cfg_pipe_apply() replaces *OUT's contents in place.
 */
#ifndef NFX_CFG_PIPE_H
#define NFX_CFG_PIPE_H

#include "cfg_buf.h"
#include "cfg_parse.h"

/* What the command must do before the text pipes run. */
struct cfg_pipe_display {
	bool set, relative, xml, json, compare;
	int compare_rollback; /* -1 = against active */
	const char *compare_file; /* `| compare FILE`, borrowed from the words; NULL */
	bool nomore, hold;        /* `| no-more`, `| hold`: for the pager (the cli's) */
	/* set by the dispatcher, not by the pipe words: */
	bool bare;            /* display xml as the reply alone (the 'Q' frame's
	                         answer), not wrapped in Junos's <rpc-reply> */
	const char *banner;   /* the text of <cli><banner> (the line above the
	                         prompt: "{master:0}", "{master:0}[edit]"),
	                         borrowed for the command; NULL: "" */
};

/* Parse the pipe words [FIRST, END) of W. Fills DISP with the `display`
 * and `compare` pipes. Returns 0 or -1 with cfg_err set (e.g. "syntax error."). */
int cfg_pipe_parse(const struct cfg_words *w, size_t first, size_t end, struct cfg_pipe_display *disp);
/* The same; on an error *BAD (may be NULL) gets the index of the word at
 * fault, for the `^` under it. */
int cfg_pipe_parse_at(const struct cfg_words *w, size_t first, size_t end, struct cfg_pipe_display *disp,
                      size_t *bad);
/* `?` after a `|`: the candidates for the pipe word at END (the words
 * [FIRST, END) are whole, FIRST the command's first `|`) into OUT; CONF:
 * the command shows the configuration (compare, display set...). *WHOLE:
 * the last pipe is complete (`<[Enter]>` applies). 0, or -1 when the words
 * before do not parse. */
int cfg_pipe_complete(const struct cfg_words *w, size_t first, size_t end, bool conf,
                      struct cfg_compls *out, bool *whole);
/* The pipe word at END (the words [FIRST, END) whole, as for
 * cfg_pipe_complete()) is the number of `| compare rollback N`: `?` lists
 * the revisions there, as `rollback ?` does. */
bool cfg_pipe_at_rollback(const struct cfg_words *w, size_t first, size_t end);
/* `| save FILE`: the daemon writes no file. The pipe hands the file name as
 * typed (NAME) and the text so far (TEXT, LEN bytes, borrowed for the call)
 * to SAVE, which sends them to the client (cfg_proto 'F'): the `cli`, running
 * as the user, writes the file in the user's home and says so. Returns 0, or
 * -1 with cfg_err set. */
typedef int (*cfg_pipe_save_fn)(void *ctx, const char *name, const char *text, size_t len);
/* The lines of `| last` with no number when the session has no screen
 * length (a script): Junos's default screen. */
#define CFG_PIPE_SCREEN 24u
/* Apply the text pipes to OUT. SAVE (with SAVE_CTX) takes `| save FILE`
 * (NULL = save refused); the pipes after a save see no text. `| last` with
 * no number keeps the last screenful, as Junos: SCREEN_LENGTH lines (the
 * session's, cfg_session_screen_length()), CFG_PIPE_SCREEN when 0. Returns
 * 0 or -1 with cfg_err set. */
int cfg_pipe_apply(const struct cfg_words *w, size_t first, size_t end, struct cfg_buf *out,
                   cfg_pipe_save_fn save, void *save_ctx, unsigned screen_length);

#endif
