/* cfg_daemon — the reusable configuration daemon core of jdmd and jcpd.
 *
 * One process owns one configuration database: the schema trees (config,
 * operational commands, configuration-mode commands, all loaded from the XML
 * embedded at build time), the store STATE/NAME.db, the active tree (loaded
 * at start from revision 0), the shared candidate, and the sessions of the
 * CLI clients connected to its unix socket (framing: cfg_proto.h).
 *
 * The event loop is lib/nfx_loop.h: a single-threaded poll() over the
 * listening socket, the clients (non-blocking), the daemon's own fds
 * (cfg_daemon_watch), a signalfd (SIGTERM/SIGINT: clean exit, socket and
 * pid file removed) and timers: the tick, the commit-confirmed deadline,
 * and those of cfg_daemon_timer_add().
 *
 * Commits are jobs, one at a time (the others queue): validation and the
 * diff run on the loop; the apply through the subsystem rows (and its undo)
 * runs on a worker thread while the loop keeps serving every session, the
 * timers and the daemon's fds; its end comes back through an eventfd
 * (cfg_daemon_watch), and the store write and the new active tree are done
 * on the loop. Converging at start and the commit confirmed rollback are
 * jobs too. The daemon's tick does not run while a worker applies.
 *
 * The socket is open to every local user (0666: logins run `cli` as
 * themselves; identity comes from SO_PEERCRED), so what a stranger can make
 * the daemon hold is bounded: until its HELLO a connection may send frames
 * of at most CFG_PROTO_HELLO_MAX bytes, read one at a time, and must say
 * HELLO within 10 s; a uid has at most 32 connections and all uids together
 * 256 (root and the daemon's owner are not counted); an extra connection
 * gets an 'O' frame saying why and a 'D' 'x', then is closed. A client that
 * does not read its answers is not read while 4 MiB of them wait. The state
 * directory is made 0700 (an existing one loses group/other read and write:
 * 0711 at most, so that logins reach the socket by name), the store and
 * the daemon's log (its stderr, when a file of its own) 0600; the log never
 * quotes configuration text (a revision that does not load is logged by
 * line and column).
 *
 * Commands are dispatched by the `handler` names of the command XML through
 * a registry: cfg_cmd.c registers the generic ones, the daemons add theirs
 * with cfg_daemon_register(). A command whose handler is not registered
 * answers "error: command is not available in this release".
 *
 * Ownership: cfg_daemon_new() returns a daemon the caller frees with
 * cfg_daemon_free() (NULL accepted). Trees and the store returned by the
 * accessors are owned by the daemon and valid until the next command runs
 * (a commit replaces the active tree).
 */
#ifndef NFX_CFG_DAEMON_H
#define NFX_CFG_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "cfg_buf.h"
#include "cfg_commit.h"
#include "cfg_parse.h"
#include "cfg_pipe.h"
#include "cfg_store.h"
#include "cfg_tree.h"

struct cfg_daemon;
struct cfg_session;

/* One command being run: what a handler gets. Everything is borrowed and
 * valid only during the call. */
struct cfg_cmd {
	struct cfg_session *s;
	struct cfg_daemon *d;
	const struct cfg_words *w;    /* the whole line */
	size_t first;                 /* first word of the command (after `run`) */
	size_t end;                   /* end of the command words (before `|`) */
	const struct cfg_parse *p;    /* the command parse against the command tree */
	const struct cfg_schema *cmd; /* the container whose handler runs */
	struct cfg_pipe_display disp; /* `| display ...` / `| compare` requested */
	bool has_pipe;
	struct cfg_buf *out;          /* append output here */
	const char *handler;          /* the handler name */
	void *ctx;                    /* what the handler was registered with */
};

/* A handler returns 0 (status '0'), -1 (failed: status '1'; if it printed
 * nothing, "error: <cfg_err_msg()>" is printed) or CFG_CMD_PENDING after
 * cfg_session_ask() (the answer continues the command). */
#define CFG_CMD_PENDING 1
typedef int (*cfg_handler_fn)(struct cfg_cmd *c);

struct cfg_daemon_opts {
	const char *name;          /* "jdm" / "jcp": STATE/NAME.db, NAME.pid, NAME.sock */
	const char *state_dir;     /* required */
	const char *socket_path;   /* NULL: STATE/NAME.sock */
	const char *default_host;  /* host name in prompts when system host-name is
	                              not configured; NULL = none (`root> `) */
	const char *schema_xml;     size_t schema_len;     /* configuration schema */
	const char *ops_xml;        size_t ops_len;        /* operational commands */
	const char *cfgmode_xml;    size_t cfgmode_len;    /* configuration-mode commands */
	bool commit_says_check;    /* `commit` prints "configuration check succeeds" first (JCP) */
};

/* Parse `--state-dir DIR [--socket PATH] [--foreground]` into O (strings
 * borrowed from ARGV). Returns 0, or -1 with a usage message on stderr. */
int cfg_daemon_parse_args(int argc, char **argv, struct cfg_daemon_opts *o);

/* Create the daemon: load schemas, open the store, load the active tree,
 * register the generic handlers. Does not listen yet. NULL with cfg_err set. */
struct cfg_daemon *cfg_daemon_new(const struct cfg_daemon_opts *o);
void cfg_daemon_free(struct cfg_daemon *d);

/* Map handler NAME (as in the command XML) to FN; a later registration of
 * the same name replaces the earlier one. NAME is copied; CTX (borrowed,
 * may be NULL) reaches FN as cfg_cmd.ctx. 0 or -1. */
int cfg_daemon_register_ctx(struct cfg_daemon *d, const char *name, cfg_handler_fn fn, void *ctx);
int cfg_daemon_register(struct cfg_daemon *d, const char *name, cfg_handler_fn fn);
/* The function registered for NAME (and its context in *CTX, if CTX), or NULL. */
cfg_handler_fn cfg_daemon_handler(const struct cfg_daemon *d, const char *name, void **ctx);
/* The daemon's subsystem rows (cfg_subsys.h): add a row with
 * cfg_daemon_add_subsys() (or cfg_subsys_add() on the registry) before
 * cfg_daemon_run(). Commits apply through the rows the diff touches; at
 * start every row converges to the active configuration. */
struct cfg_subsys;
struct cfg_subsys_reg;
struct cfg_subsys_reg *cfg_daemon_subsys(struct cfg_daemon *d);
int cfg_daemon_add_subsys(struct cfg_daemon *d, const struct cfg_subsys *row);
/* Compatibility: the daemon's commit hooks (copied), registered as one row
 * "hooks" owning the whole tree (cfg_commit_add_hooks). */
void cfg_daemon_set_hooks(struct cfg_daemon *d, const struct cfg_hooks *h);

/* Listen, write the pid file, converge (apply hook with the active tree),
 * and run the event loop until SIGTERM/SIGINT. Returns 0 on a clean exit,
 * -1 if it could not start (cfg_err set). */
int cfg_daemon_run(struct cfg_daemon *d);
/* Ask the loop to stop after the current iteration (tests). */
void cfg_daemon_stop(struct cfg_daemon *d);

/* Extra file descriptors of the daemon's own work (libvirt events, the
 * liveliness prober, children's pipes): FN runs from the event loop when FD
 * has any of EVENTS (poll flags). A second watch of the same FD replaces the
 * first. The daemon never closes FD. Callable before cfg_daemon_run(); a
 * callback may watch and unwatch any fd (an fd unwatched during a turn gets
 * no further callback in it). 0, or -1 with cfg_err set. */
typedef void (*cfg_daemon_io_fn)(void *ctx, int fd, short revents);
int cfg_daemon_watch(struct cfg_daemon *d, int fd, short events, cfg_daemon_io_fn fn, void *ctx);
void cfg_daemon_unwatch(struct cfg_daemon *d, int fd);
/* FN runs from the event loop every MS milliseconds (0 = no tick); a later
 * call replaces the tick. */
typedef void (*cfg_daemon_tick_fn)(void *ctx);
void cfg_daemon_set_tick(struct cfg_daemon *d, unsigned ms, cfg_daemon_tick_fn fn, void *ctx);
/* A timer of the daemon's loop: FN(CTX) runs from the loop MS milliseconds
 * from now, and with PERIODIC every MS after that. Returns its id (> 0), or
 * 0 with cfg_err set. A one-shot timer is gone once it fired. Usable before
 * cfg_daemon_run() (it fires once the loop runs). CTX is borrowed. */
unsigned cfg_daemon_timer_add(struct cfg_daemon *d, unsigned ms, bool periodic,
                              cfg_daemon_tick_fn fn, void *ctx);
/* Cancel timer ID (no-op when gone or 0). */
void cfg_daemon_timer_cancel(struct cfg_daemon *d, unsigned id);
/* The daemon's event loop (owned by the daemon), for modules that take one. */
struct nfx_loop;
struct nfx_loop *cfg_daemon_loop(const struct cfg_daemon *d);

/* Accessors (owned by the daemon). */
const char *cfg_daemon_socket_path(const struct cfg_daemon *d);
/* Seq of the active revision (0 when nothing was committed); reads only the
 * revision's metadata. */
int64_t cfg_daemon_active_seq(const struct cfg_daemon *d);
/* When the daemon was created (`show system uptime`). */
time_t cfg_daemon_started(const struct cfg_daemon *d);
const char *cfg_daemon_name(const struct cfg_daemon *d);
const char *cfg_daemon_state_dir(const struct cfg_daemon *d);
const struct cfg_schema *cfg_daemon_schema(const struct cfg_daemon *d);
const struct cfg_schema *cfg_daemon_ops_schema(const struct cfg_daemon *d);
const struct cfg_schema *cfg_daemon_cfgmode_schema(const struct cfg_daemon *d);
struct cfg_store *cfg_daemon_store(const struct cfg_daemon *d);
const struct cfg_tree *cfg_daemon_active(const struct cfg_daemon *d);
const struct cfg_hooks *cfg_daemon_hooks(const struct cfg_daemon *d);
bool cfg_daemon_commit_says_check(const struct cfg_daemon *d);
/* The host name for prompts: `system host-name` of the active config, else
 * the default (may be NULL). */
const char *cfg_daemon_host(const struct cfg_daemon *d);

/* ---- used by cfg_session.c / cfg_cmd.c (not by daemons) ---- */

/* The shared candidate (created from the active tree on first use). */
struct cfg_tree *cfg_daemon_candidate(struct cfg_daemon *d);
/* Replace the shared candidate by T (takes ownership; NULL resets it to a
 * copy of the active tree). */
void cfg_daemon_set_candidate(struct cfg_daemon *d, struct cfg_tree *t);
/* The session holding the exclusive lock, or NULL. */
struct cfg_session *cfg_daemon_lock_owner(const struct cfg_daemon *d);
void cfg_daemon_set_lock_owner(struct cfg_daemon *d, struct cfg_session *s);
/* Sessions, for `status` and lock messages: the I-th, NULL past the end. */
struct cfg_session *cfg_daemon_session_at(const struct cfg_daemon *d, size_t i);

/* Commit CAND as a job (see above). DONE(CTX, d, S, rc, RES) runs on the
 * loop thread when the job ends (S is NULL when the session went away
 * meanwhile): RC 0 or -1, RES the result lines (warnings, "configuration
 * check succeeds" for JCP, the rows' progress text, or the errors), which
 * the callback prints before its own. CAND is borrowed and must not change
 * until DONE (sessions refuse edits of a tree a job reads, see
 * cfg_daemon_tree_busy; a tree released meanwhile is kept by the job); or
 * OWNED (a tree the job takes and frees). Without a running event loop the
 * job runs to its end before this returns. 0, or -1 (cfg_err set; DONE is
 * not called). On success the active tree becomes equal to CAND, and the
 * shared candidate follows when it had no changes of its own. CONFIRM: <0
 * leaves the commit-confirmed deadline alone, 0 cancels it, >0 arms it for
 * that many minutes, stored in the same transaction as the revision. */
typedef void (*cfg_daemon_commit_fn)(void *ctx, struct cfg_daemon *d, struct cfg_session *s,
                                     int rc, struct cfg_buf *res);
int cfg_daemon_commit_start(struct cfg_daemon *d, struct cfg_session *s, const struct cfg_tree *cand,
                            struct cfg_tree *owned, const char *user, const char *client,
                            const char *comment, int confirm, cfg_daemon_commit_fn done,
                            void *ctx);
/* The same, synchronously on the calling thread (tools and tests; -1 when
 * a job runs). Result lines go to OUT. */
int cfg_daemon_commit(struct cfg_daemon *d, const struct cfg_tree *cand, const char *user,
                      const char *client, const char *comment, struct cfg_buf *out);
/* A commit job runs or waits. */
bool cfg_daemon_commit_busy(const struct cfg_daemon *d);
/* A commit job reads T (the candidate it commits). */
bool cfg_daemon_tree_busy(const struct cfg_daemon *d, const struct cfg_tree *t);
/* Free T (a candidate), or hand it to the job that still reads it. */
void cfg_daemon_release_tree(struct cfg_daemon *d, struct cfg_tree *t);
/* Session S is being freed: jobs stop waiting for it. */
void cfg_daemon_session_gone(struct cfg_daemon *d, struct cfg_session *s);
/* The shared candidate may have changes of its own (a session took it
 * for a change); cfg_daemon_candidate_clean() is true when it certainly
 * has none (it was copied from, or committed as, the active tree). */
void cfg_daemon_candidate_dirty(struct cfg_daemon *d);
bool cfg_daemon_candidate_clean(const struct cfg_daemon *d);
/* When the shared candidate last changed, 0 when it has no changes of its
 * own (`## Last changed:` of `show` in configuration mode). */
time_t cfg_daemon_candidate_changed(struct cfg_daemon *d);
/* The shared candidate differs from the active tree (a compare only when
 * it may have changes; it is not created). */
bool cfg_daemon_candidate_modified(struct cfg_daemon *d);
/* Arm (MINUTES > 0) or cancel (0) the commit-confirmed rollback. */
void cfg_daemon_confirm_arm(struct cfg_daemon *d, unsigned minutes);
/* The same, SECONDS from now (tests: the deadline of a pending commit
 * confirmed, without waiting minutes). */
void cfg_daemon_confirm_arm_secs(struct cfg_daemon *d, unsigned seconds);
/* Seconds left before the automatic rollback, or -1 when none is pending. */
long cfg_daemon_confirm_left(const struct cfg_daemon *d);

/* Load the set text of revision N into a new tree (caller owns). NULL with
 * cfg_err set when there is no such revision or it does not load. */
struct cfg_tree *cfg_daemon_load_rev(struct cfg_daemon *d, unsigned n);

/* uid of the daemon process (its owner is a super-user). */
unsigned cfg_daemon_owner_uid(const struct cfg_daemon *d);

/* Service identities: a helper process of the daemon that runs as UID (the
 * SNMP subagent as Debian-snmp) is let in with class CLS (a cfg_perm.h
 * enum cfg_class, e.g. read-only) without a `system login` entry. At most
 * 4; a later call for the same uid replaces the class. Loop thread. */
void cfg_daemon_set_service_class(struct cfg_daemon *d, unsigned uid, int cls);
/* The class of UID as a service identity, or -1 when it is none. */
int cfg_daemon_service_class(const struct cfg_daemon *d, unsigned uid);

#endif
