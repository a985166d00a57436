/* nfx_loop — the event loop of the nfx daemons (jdmd, jcpd): one thread,
 * one poll() over watched file descriptors, timers, and a signalfd that
 * stops the loop on SIGTERM/SIGINT.
 *
 * A turn of the loop: the BEFORE hook (update watch events, e.g. POLLOUT
 * when output is queued), poll() until an fd is ready or the nearest timer
 * is due, the callbacks of the ready fds (in watch order), the AFTER hook
 * (flush, reap), then the timers that are due (in the order they fall due).
 *
 * Callbacks may watch, unwatch, add and cancel timers freely, the loop's
 * own fd and timer included: an fd unwatched during a turn gets no further
 * callback in that turn, even when the same fd number is watched again;
 * a timer cancelled before it fires does not fire.
 *
 * Errors: 0, or -1 with cfg_err set (cfg_err.h).
 *
 * Ownership: nfx_loop_new() returns a loop the caller frees with
 * nfx_loop_free() (NULL accepted), which closes the signalfd and restores
 * nothing else. The loop never closes a watched fd. CTX pointers are
 * borrowed and must stay valid while their watch or timer exists.
 */
#ifndef NFX_LOOP_H
#define NFX_LOOP_H

#include <stdbool.h>

struct nfx_loop;

typedef void (*nfx_loop_io_fn)(void *ctx, int fd, short revents);
typedef void (*nfx_loop_fn)(void *ctx);

/* A new loop with nothing watched. NULL with cfg_err set. */
struct nfx_loop *nfx_loop_new(void);
void nfx_loop_free(struct nfx_loop *l);

/* FN runs when FD has any of EVENTS (poll flags; POLLERR/POLLHUP/POLLNVAL
 * are always reported). A second watch of the same FD replaces the first
 * (events, function and context). 0 or -1. */
int nfx_loop_watch(struct nfx_loop *l, int fd, short events, nfx_loop_io_fn fn, void *ctx);
/* Change the events of a watched FD (0 = none for now); no-op if not watched. */
void nfx_loop_set_events(struct nfx_loop *l, int fd, short events);
/* Stop watching FD (no-op if not watched). */
void nfx_loop_unwatch(struct nfx_loop *l, int fd);
bool nfx_loop_watched(const struct nfx_loop *l, int fd);

/* A timer: FN(CTX) runs MS milliseconds from now (CLOCK_MONOTONIC), and
 * with PERIODIC every MS milliseconds after that (MS 0 with PERIODIC is
 * refused). Returns the timer's id (> 0), or 0 with cfg_err set. A
 * one-shot timer is gone once it has fired. */
unsigned nfx_loop_timer_add(struct nfx_loop *l, unsigned ms, bool periodic, nfx_loop_fn fn,
                            void *ctx);
/* Cancel timer ID (no-op when it fired already or does not exist; 0 is
 * never an id). */
void nfx_loop_timer_cancel(struct nfx_loop *l, unsigned id);
/* Milliseconds until timer ID fires (0 when due), or -1 when there is none. */
long nfx_loop_timer_left(const struct nfx_loop *l, unsigned id);

/* Hooks around each turn (either may be NULL), see above. */
void nfx_loop_set_hooks(struct nfx_loop *l, nfx_loop_fn before, nfx_loop_fn after, void *ctx);

/* Block SIGTERM, SIGINT and SIGHUP and receive them through a signalfd:
 * TERM and INT stop the loop, HUP is ignored. SIGPIPE is ignored. 0 or -1. */
int nfx_loop_stop_on_signals(struct nfx_loop *l);

/* One turn, waiting at most MAX_MS (-1: until something happens; 0: do
 * not wait). Returns 0, or -1 when poll() failed (cfg_err set). */
int nfx_loop_run_once(struct nfx_loop *l, int max_ms);
/* Turns until nfx_loop_stop() (or a stop signal). 0, or -1 as run_once. */
int nfx_loop_run(struct nfx_loop *l);
/* Ask the loop to return after the current turn. */
void nfx_loop_stop(struct nfx_loop *l);
bool nfx_loop_stopping(const struct nfx_loop *l);

#endif
