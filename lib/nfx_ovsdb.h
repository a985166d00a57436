/* nfx_ovsdb — an OVSDB JSON-RPC (RFC 7047) client over a unix socket, shared
 * by jdmd and jcpd. JSON is jansson's; this module only frames the stream
 * (one JSON object after another) and matches replies to requests.
 *
 * Two ways to talk:
 *   nfx_ovsdb (async)   one connection driven by an nfx_loop (loop thread
 *                       only): transact with a reply callback, monitors
 *                       with an update callback (re-sent, with a fresh
 *                       initial state, after every reconnect), echo replies,
 *                       automatic reconnect while the server is away, and a
 *                       wait until Open_vSwitch cur_cfg reaches a next_cfg.
 *   nfx_ovsdb_sync      a blocking connection of its own, for the commit
 *                       worker thread (or tests, tools): transact, and wait
 *                       for cur_cfg; every call has a timeout. One thread
 *                       at a time per connection; separate connections are
 *                       independent.
 *
 * nfx_ovsdb_txn_check() turns a transact result into 0 or -1 with the
 * server's error (cfg_err), and nfx_ovsdb_commit() is the "one transaction
 * per commit" helper: it appends the next_cfg increment to the ops, checks
 * the result and waits until ovs-vswitchd has applied it.
 *
 * Errors: 0, or -1 with cfg_err set (cfg_err.h); NULL likewise.
 *
 * Ownership: values passed as "ops" / "requests" are borrowed (the module
 * takes its own reference), callbacks get borrowed values valid only during
 * the call (json_incref to keep them). Results returned through a json_t **
 * belong to the caller (json_decref). CTX pointers are borrowed and must
 * stay valid while the request or monitor exists. Destructors accept NULL.
 */
#ifndef NFX_OVSDB_H
#define NFX_OVSDB_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct nfx_loop;

/* ------------------------------------------------------------ value helpers */

/* ["uuid", S] / ["named-uuid", S] / ["set", ITEMS] / ["map", [[k,v]...]] from
 * an object of string values. New references; ITEMS and OBJ are borrowed. */
json_t *nfx_ovsdb_uuid(const char *uuid);
json_t *nfx_ovsdb_named_uuid(const char *name);
json_t *nfx_ovsdb_set(json_t *items);
json_t *nfx_ovsdb_map(json_t *obj);
/* The atoms of an OVSDB value: a ["set", [...]] gives its items, any other
 * value (an atom, a ["uuid", x]) is a set of one. Returns the count and
 * sets *ITEMS to a borrowed array (for a single atom: *ITEMS is NULL and
 * *ONE the atom). */
size_t nfx_ovsdb_set_items(json_t *value, json_t **items, json_t **one);
/* The I-th atom of VALUE (as nfx_ovsdb_set_items), borrowed, or NULL. */
json_t *nfx_ovsdb_set_at(json_t *value, size_t i);
/* The string of a ["uuid", S] value, or NULL. Borrowed. */
const char *nfx_ovsdb_uuid_str(json_t *value);
/* The value for string key KEY in a ["map", ...] value, or NULL. Borrowed. */
json_t *nfx_ovsdb_map_get(json_t *map, const char *key);

/* 0 when every operation of a transact RESULT (an array) succeeded; else
 * -1 with cfg_err "ovsdb: <error>: <details>". NOPS is the number of
 * operations sent (a result longer than that carries a commit error). */
int nfx_ovsdb_txn_check(json_t *result, size_t nops);

/* ------------------------------------------------------------ async client */

struct nfx_ovsdb;

/* Reply to a transact: RESULT (borrowed) is the "result" member, or NULL
 * when ERROR (borrowed text) says why there is none (the server's error
 * member, or "connection to ovsdb lost"). */
typedef void (*nfx_ovsdb_reply_fn)(void *ctx, json_t *result, const char *error);
/* A monitor's table-updates (borrowed): INITIAL for the first, full state
 * after every (re)connect (forget what you knew), else a change. */
typedef void (*nfx_ovsdb_update_fn)(void *ctx, json_t *updates, bool initial);
/* Connection came up (true) or went away (false). */
typedef void (*nfx_ovsdb_state_fn)(void *ctx, bool connected);
/* A wait for cur_cfg finished: OK true when cur_cfg >= the target. */
typedef void (*nfx_ovsdb_cfg_fn)(void *ctx, bool ok);

/* A client of the server at unix socket PATH (copied), driven by LOOP
 * (borrowed). It connects at once and keeps reconnecting (every
 * RETRY_MS, 0 = 500) while the server is not there. DB is the database
 * name ("Open_vSwitch"). Caller frees with nfx_ovsdb_free(). */
struct nfx_ovsdb *nfx_ovsdb_new(struct nfx_loop *loop, const char *path, const char *db,
                                unsigned retry_ms);
/* Close the connection; pending replies get the error "client closed". */
void nfx_ovsdb_free(struct nfx_ovsdb *c);
void nfx_ovsdb_on_state(struct nfx_ovsdb *c, nfx_ovsdb_state_fn fn, void *ctx);
bool nfx_ovsdb_connected(const struct nfx_ovsdb *c);

/* Send a transact of OPS (a JSON array of operations, borrowed) and call
 * FN(CTX, ...) with the reply (FN may be NULL). -1 when not connected. */
int nfx_ovsdb_transact(struct nfx_ovsdb *c, json_t *ops, nfx_ovsdb_reply_fn fn, void *ctx);
/* Monitor REQUESTS (an object: table -> monitor-request(s), as in RFC 7047
 * 4.1.5, borrowed), now (if connected) and after every reconnect; FN gets
 * every update. Returns the monitor's id (> 0), 0 on error. */
unsigned nfx_ovsdb_monitor(struct nfx_ovsdb *c, json_t *requests, nfx_ovsdb_update_fn fn,
                           void *ctx);
/* Stop monitor ID (sends monitor_cancel when connected). */
void nfx_ovsdb_monitor_cancel(struct nfx_ovsdb *c, unsigned id);
/* FN(CTX, true) once Open_vSwitch cur_cfg >= TARGET (now, if it is), or
 * FN(CTX, false) after TIMEOUT_MS. The client monitors cur_cfg itself. */
int nfx_ovsdb_wait_cfg(struct nfx_ovsdb *c, int64_t target, unsigned timeout_ms,
                       nfx_ovsdb_cfg_fn fn, void *ctx);
/* The last cur_cfg seen (-1 when unknown). */
int64_t nfx_ovsdb_cur_cfg(const struct nfx_ovsdb *c);

/* ------------------------------------------------------------ blocking client */

struct nfx_ovsdb_sync;

/* Connect to PATH, waiting at most TIMEOUT_MS for the server (it may be
 * starting). Every later call waits at most TIMEOUT_MS too. Caller frees
 * with nfx_ovsdb_sync_close(). */
struct nfx_ovsdb_sync *nfx_ovsdb_sync_open(const char *path, const char *db, int timeout_ms);
void nfx_ovsdb_sync_close(struct nfx_ovsdb_sync *s);
/* Transact OPS (borrowed); *RESULT (may be NULL: dropped) gets the result
 * array, the caller's. 0, or -1 (transport error, or the server's error
 * member). The operations' own errors are not checked: nfx_ovsdb_txn_check. */
int nfx_ovsdb_sync_transact(struct nfx_ovsdb_sync *s, json_t *ops, json_t **result);
/* Wait until Open_vSwitch cur_cfg >= TARGET. 0, or -1 after the timeout
 * ("ovs-vswitchd did not apply the change within N s"). */
int nfx_ovsdb_sync_wait_cfg(struct nfx_ovsdb_sync *s, int64_t target, int timeout_ms);
/* The whole change of a commit: OPS (borrowed) plus a mutate of the
 * Open_vSwitch row's next_cfg and a select of it, sent as one transaction,
 * checked (nfx_ovsdb_txn_check), then, with WAIT, a wait for cur_cfg to
 * reach the new next_cfg. *RESULT (may be NULL) gets the result array. */
int nfx_ovsdb_commit(struct nfx_ovsdb_sync *s, json_t *ops, bool wait, json_t **result);

#endif
