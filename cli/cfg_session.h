/* cfg_session — one CLI connection to a daemon.
 *
 * A session knows its user (from the peer's uid, never from frames) and
 * login class, its mode (operational / configuration), its edit path, which
 * candidate it edits (the shared one, the shared one under an exclusive
 * lock, or a private copy), a pending ASK continuation (password prompts,
 * `load ... terminal`, the exit confirmation) and its command history.
 *
 * Frames in: cfg_session_frame(). Frames out are encoded into the session's
 * transmit queue (cfg_session_txq()), which the daemon writes to the socket;
 * without a socket (fd -1, unit tests) the caller reads the queue itself.
 *
 * Ownership: cfg_session_new() returns a session owned by the caller (the
 * daemon); cfg_session_free() accepts NULL and releases the lock and private
 * candidate. It does not close the fd.
 */
#ifndef NFX_CFG_SESSION_H
#define NFX_CFG_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cfg_buf.h"
#include "cfg_daemon.h"
#include "cfg_perm.h"

/* Login classes (enum cfg_class) and their permissions: cfg_perm.h. */

enum cfg_cand_mode { CFG_CAND_SHARED, CFG_CAND_EXCLUSIVE, CFG_CAND_PRIVATE };

/* Continuation of an ASK: INPUT is the answer (for CFG_ASK_MULTI the first
 * byte '0'/'1' already removed: *EOF tells), CTX what the asker passed.
 * Returns like a handler (0, -1, or CFG_CMD_PENDING after asking again). */
typedef int (*cfg_ask_fn)(struct cfg_session *s, void *ctx, const char *input, size_t len,
                          bool eof, struct cfg_buf *out);

/* New session for the peer UID/PID on FD (-1: no socket). Returns NULL if
 * out of memory. */
struct cfg_session *cfg_session_new(struct cfg_daemon *d, int fd, uid_t uid, pid_t pid);
void cfg_session_free(struct cfg_session *s);

/* Handle one received frame. Returns 0, or -1 when the peer misbehaved
 * (the daemon drops the connection). */
int cfg_session_frame(struct cfg_session *s, char type, const char *payload, size_t len);
/* Encoded frames waiting to be written (owned by the session). */
struct cfg_buf *cfg_session_txq(struct cfg_session *s);
/* A DONE 'x' was queued: close once the queue is written. */
bool cfg_session_over(const struct cfg_session *s);
int cfg_session_fd(const struct cfg_session *s);

/* ---- for handlers ---- */
const char *cfg_session_user(const struct cfg_session *s);
/* The user's login class and its permissions, as the active configuration
 * says now: re-read after every commit (cfg_session_reclass_all). */
enum cfg_class cfg_session_class(const struct cfg_session *s);
cfg_perms cfg_session_perms(const struct cfg_session *s);
/* The session's class holds permission NAME (e.g. "secret"). */
bool cfg_session_has_perm(const struct cfg_session *s, const char *name);
pid_t cfg_session_pid(const struct cfg_session *s);
uid_t cfg_session_uid(const struct cfg_session *s);
/* The session's user has the `secret` permission: renderers may show the
 * values of secret leaves (CFG_R_SECRETS, cfg_render.h); everyone else sees
 * them hidden. The one place that decides it (until the permission table
 * of the class decides: super-user yes, operator and read-only no). */
bool cfg_session_may_see_secrets(const struct cfg_session *s);
unsigned cfg_session_id(const struct cfg_session *s);  /* p0, p1, ... in `status` */
time_t cfg_session_since(const struct cfg_session *s);
const char *cfg_session_client(const struct cfg_session *s); /* "cli", "ssh" */
bool cfg_session_tty(const struct cfg_session *s);
unsigned cfg_session_cols(const struct cfg_session *s);

bool cfg_session_in_config(const struct cfg_session *s);
enum cfg_cand_mode cfg_session_cand_mode(const struct cfg_session *s);
/* Enter configuration mode with MODE (candidate set up by the caller's
 * checks); leave it (discarding a private copy, releasing the lock). */
int cfg_session_enter_config(struct cfg_session *s, enum cfg_cand_mode mode);
void cfg_session_leave_config(struct cfg_session *s);

/* The candidate this session reads (shared or private). */
struct cfg_tree *cfg_session_cand(struct cfg_session *s);
/* The candidate for a change: NULL after printing the Junos lock message to
 * OUT when another session holds the exclusive lock, or a message when a
 * commit job reads this candidate (it may not change until the job ends). */
struct cfg_tree *cfg_session_cand_rw(struct cfg_session *s, struct cfg_buf *out);
/* The candidate to commit: NULL after the lock message like
 * cfg_session_cand_rw(), but a candidate a commit job reads is fine (the
 * commit waits its turn). */
struct cfg_tree *cfg_session_cand_commit(struct cfg_session *s, struct cfg_buf *out);
/* Replace the session's candidate by T (takes ownership). */
void cfg_session_set_cand(struct cfg_session *s, struct cfg_tree *t);
/* The candidate differs from the active configuration. */
bool cfg_session_cand_changed(struct cfg_session *s);
/* Private candidate: start again from the active configuration (after a
 * commit), keeping the edit path. */
void cfg_session_private_rebase(struct cfg_session *s);
/* The active configuration the private candidate started from (owned by
 * the session), NULL outside private mode. */
const struct cfg_tree *cfg_session_priv_base_tree(const struct cfg_session *s);
/* Private candidate: seq of the revision it was copied from. */
int64_t cfg_session_priv_base(const struct cfg_session *s);
/* Private candidate: from now on based on the active configuration as it
 * is (the candidate itself kept): after a conflict, the next commit applies
 * the candidate as it stands. */
void cfg_session_private_base_now(struct cfg_session *s);

/* Edit path: steps from the root (values owned by the session). */
const struct cfg_step *cfg_session_edit(const struct cfg_session *s, size_t *n);
/* Replace the edit path by PATH (N steps, values copied). 0 or -1. */
int cfg_session_set_edit(struct cfg_session *s, const struct cfg_step *path, size_t n);
/* The stack of edit levels `exit` returns to, as Junos's: `edit` pushes
 * DEPTH, the depth of the level it starts from, `exit` pops it (cfg_session_edit_pop false: no
 * `edit` to return from), `top` and leaving configuration mode forget it. */
void cfg_session_edit_push(struct cfg_session *s, size_t depth);
bool cfg_session_edit_pop(struct cfg_session *s, size_t *depth);
void cfg_session_edit_forget(struct cfg_session *s);
/* The schema node the edit path leads to (the config root at [edit]). */
const struct cfg_schema *cfg_session_edit_schema(const struct cfg_session *s);
/* The node of the edit path in T, or NULL when it does not exist (yet). */
struct cfg_node *cfg_session_edit_node(const struct cfg_session *s, const struct cfg_tree *t);
/* `[edit a b c]`. */
void cfg_session_render_edit(const struct cfg_session *s, struct cfg_buf *b);

/* One line of `status` / the lock message:
 * "  root terminal p0 (pid 1234) on since 2026-11-21 06:10:00 UTC\n". */
void cfg_session_describe(const struct cfg_session *s, struct cfg_buf *b);

/* Length of the current prompt (for the `^` column). */
size_t cfg_session_prompt_len(const struct cfg_session *s);

/* Report a failed parse P of words [FIRST, ...) of W Junos-style to OUT:
 * the `^` line, the message, and for an ambiguous word the possible
 * completions (from START, with TREE/AT for list keys, in MODE). */
void cfg_session_parse_error(struct cfg_session *s, struct cfg_buf *out, const struct cfg_words *w,
                             const struct cfg_parse *p, const struct cfg_schema *start,
                             const struct cfg_tree *tree, const struct cfg_node *at, size_t first,
                             enum cfg_pmode mode);

/* Ask the client (flags CFG_ASK_*); FN continues with the answer. OUT (the
 * output so far) is sent before the ASK. CTX is freed with CTX_FREE (may be
 * NULL) when the session ends or the ask is abandoned. Returns
 * CFG_CMD_PENDING for the handler to return. */
int cfg_session_ask(struct cfg_session *s, unsigned flags, const char *prompt, cfg_ask_fn fn,
                    void *ctx, void (*ctx_free)(void *), struct cfg_buf *out);

/* Apply the output pipes of W (from W->pipe on) to OUT as the dispatcher
 * does: `| save` goes to the client, `| last` uses the session's screen
 * length. 0, or -1 with cfg_err set. */
int cfg_session_apply_pipes(struct cfg_session *s, const struct cfg_words *w, struct cfg_buf *out);

/* `save FILE` (CONFIGURATION: configuration mode's), `| save FILE`: queue a
 * FILE frame (kind, NAME, NUL, TEXT) for the client to write as its own user
 * (cfg_proto.h 'F'; the daemon writes no file for a save). OUT (output so
 * far, may be NULL) is sent first. 0, or -1 with cfg_err set (no name, a
 * name with a newline, text too large). */
int cfg_session_save(struct cfg_session *s, struct cfg_buf *out, bool configuration,
                     const char *name, const char *text, size_t len);

/* `| compare FILE`: ask the client for FILE (read as the user, as `load
 * FILE` does, CFG_ASK_FILE); with its answer the command line runs again,
 * and cfg_session_compare_text() gives the file's text (LEN bytes,
 * borrowed) to the command, NULL otherwise. Returns like
 * cfg_session_ask(), or -1 with cfg_err set. */
int cfg_session_compare_file(struct cfg_session *s, const char *file, struct cfg_buf *out);
const char *cfg_session_compare_text(const struct cfg_session *s, size_t *len);

/* ---- waiting for a daemon job (a commit applied off the event loop) ----
 * The handler calls cfg_session_wait() (OUT, the output so far, is sent) and
 * returns what it returns (CFG_CMD_PENDING); frames the client sends
 * meanwhile are held. When the job ends, cfg_session_resume() sends OUT
 * and the DONE with RC's status (0 / -1), then runs the held frames. */
int cfg_session_wait(struct cfg_session *s, struct cfg_buf *out);
void cfg_session_resume(struct cfg_session *s, int rc, struct cfg_buf *out);
bool cfg_session_waiting(const struct cfg_session *s);

/* ---- streams: a command that becomes a raw byte stream (a VNF console) ----
 *
 * The handler calls cfg_session_stream_begin() and returns CFG_CMD_PENDING
 * (0 is taken the same way; -1 ends the stream at once, status '1'). The
 * client gets 'S' (the output the command printed so far goes out before
 * it), then 'O' frames from cfg_session_stream_output() until
 * cfg_session_stream_finish() or the client's 'E' queues the 'D'. What the
 * operator types arrives through OPS->input.
 *
 * OPS->end(CTX) runs exactly once, whatever ends the stream: the client's
 * 'E' (end() may call cfg_session_stream_finish() to choose the status and
 * a last message; if it does not, the session finishes with status 0), the
 * session being freed (client gone; the session must not be used from
 * end() then: stream calls are no-ops), or cfg_session_stream_finish()
 * (end() runs after the 'D' is queued). After end() the owner of CTX must
 * not use the session any more; stream calls on a session without a stream
 * are no-ops, so a late output or finish is harmless.
 * OPS and CTX are borrowed until end() returns. */
struct cfg_session_stream_ops {
	/* Bytes from the client's 'R' frames (LEN > 0). */
	void (*input)(void *ctx, const void *data, size_t len);
	/* The stream ended (see above). */
	void (*end)(void *ctx);
};

/* Start a stream on S (queues 'S' with the escape byte). 0, or -1 with
 * cfg_err set when S already streams or waits for an answer. */
int cfg_session_stream_begin(struct cfg_session *s, const struct cfg_session_stream_ops *ops,
                             void *ctx);
/* Queue DATA (LEN bytes, copied) as 'O' frames. Callable from the daemon's
 * main loop at any time (the loop writes the queue on its next turn); a
 * no-op without a stream. */
void cfg_session_stream_output(struct cfg_session *s, const void *data, size_t len);
/* End the stream: MSG (may be NULL) as 'O', then the 'D' with status
 * STATUS (0 ok, -1 failed) and the usual text before the prompt, then
 * OPS->end(CTX). A no-op without a stream. */
void cfg_session_stream_finish(struct cfg_session *s, int status, const char *msg);
/* S streams now. */
bool cfg_session_streaming(const struct cfg_session *s);

/* Run words [FIRST, ...) of W as a command of TREE (the operational tree
 * for `run`, the configuration-mode tree for `top <command>`), pipes
 * included. Returns like a handler. */
int cfg_session_dispatch(struct cfg_session *s, const struct cfg_words *w, size_t first,
                         const struct cfg_schema *tree, struct cfg_buf *out);

/* Command history (`show cli history`): the I-th entry, NULL past the end;
 * *WHEN its time. */
const char *cfg_session_history(const struct cfg_session *s, size_t i, time_t *when);

/* Ask the session to end after this command (exit from operational mode). */
void cfg_session_end(struct cfg_session *s);

/* ---- events (cfg_notify.h) ---- */
/* S subscribed ('W' frame) to events named NAME (a reply root element). */
bool cfg_session_wants_event(const struct cfg_session *s, const char *name);
/* Queue the event XML (LEN bytes) as an 'N' frame. */
void cfg_session_put_event(struct cfg_session *s, const char *xml, size_t len);

/* ---- login classes ---- */
/* After a commit: re-read the class of every session of D from the new
 * active configuration. A session whose user lost the class (deleted,
 * deactivated) is told so and ended; one whose class changed is told so,
 * and narrowed: it leaves configuration mode without `configure`, and a
 * pending prompt or stream is abandoned. The session running the command
 * that committed gets this after the command's own output. */
void cfg_session_reclass_all(struct cfg_daemon *d);

/* ---- CLI settings (`set cli ...`, `show cli`) ---- */
/* Record `set cli screen-length LENGTH` / `screen-width WIDTH` (a negative
 * value leaves that one as it is). */
void cfg_session_set_screen(struct cfg_session *s, long length, long width);
/* The screen length: as set, else 24 on a terminal and 0 (no paging) for
 * scripts. The screen width: as set, else the terminal's columns. */
unsigned cfg_session_screen_length(const struct cfg_session *s);
unsigned cfg_session_screen_width(const struct cfg_session *s);
/* Tell every session of D TEXT (one line, no newline), as Junos's
 * broadcast messages do ("Broadcast Message from root@HOST", the time,
 * then TEXT): a session at its prompt gets it at once (the cli shows it
 * above the line being edited), one running a command with its output. */
void cfg_session_broadcast(struct cfg_daemon *d, const char *text);

/* `set cli screen-length N`: the interactive output of the session's
 * commands is paged N lines a screen by the cli (cfg_proto.h 'P'); 0 = not
 * paged (the default until screen-length is set); scripts (HELLO tty=0) are
 * never paged. */
unsigned cfg_session_page_length(const struct cfg_session *s);

/* Format T as Junos does: "2026-11-21 06:10:00 UTC". BUF >= 32 bytes. */
const char *cfg_session_fmt_time(time_t t, char *buf, size_t n);

#endif
