/* cfg_store — the committed configuration on disk (SQLite, WAL,
 * synchronous=FULL).
 *
 * A revision is the configuration text in the full `display set` format
 * (cfg_render_set with CFG_R_FULL) plus who/when/how/comment. The newest
 * revision is the active one (rollback 0); 50 are kept (0..49). A commit is
 * one SQLite transaction: insert the new revision, trim the ring to 50 and
 * (optionally) set key-value state, so a process killed at any moment leaves
 * either the old or the new revision, never a mix.
 *
 * Storage: a revision is kept as a whole text (snapshot) or as the lines
 * that changed since the previous one (common leading and trailing lines
 * are not stored again); any revision is rebuilt from at most 16 records,
 * and every rebuilt text is checked against the length and 64-bit hash
 * stored with it. The handle keeps the active text in memory, so a
 * one-line commit on a large configuration writes about one page. The
 * format is versioned (PRAGMA user_version 2); a version 1 database is
 * converted on open, an unknown version refused untouched.
 *
 * Ownership: cfg_store_open() returns a handle the caller closes; strings
 * returned through out-parameters are malloc'ed and owned by the caller.
 */
#ifndef NFX_CFG_STORE_H
#define NFX_CFG_STORE_H

#include <stddef.h>
#include <stdint.h>

#define CFG_STORE_KEEP 50

struct cfg_store;

struct cfg_rev_info {
	int64_t seq;       /* monotonically increasing commit number */
	int64_t time;      /* unix seconds */
	char user[64];
	char client[32];   /* "cli", "ssh", "commit confirmed", "rollback", ... */
	char comment[512];
};

/* Open or create the database at PATH. Returns NULL with cfg_err set. */
struct cfg_store *cfg_store_open(const char *path);
void cfg_store_close(struct cfg_store *s);

/* Store TEXT as the new active revision. Returns 0 or -1 (cfg_err set; the
 * store is unchanged). *SEQ gets the new revision's seq (may be NULL). */
int cfg_store_commit(struct cfg_store *s, const char *text, size_t len, const char *user,
                     const char *client, const char *comment, int64_t *seq);

/* Same, and in the same transaction set key-value state: KV holds N_KV
 * pairs as 2*N_KV strings (key, value; a NULL value deletes the key). Either
 * the revision and all pairs are stored, or nothing is. KV is borrowed. */
int cfg_store_commit_kv(struct cfg_store *s, const char *text, size_t len, const char *user,
                        const char *client, const char *comment, const char *const *kv,
                        size_t n_kv, int64_t *seq);

/* Revision N (0 = active, up to 49). *TEXT is malloc'ed and NUL-terminated.
 * Returns 0, 1 when there is no such revision (an empty store has none), -1
 * on error (among them "revision SEQ is damaged (...)" when the text cannot
 * be rebuilt or does not match its hash). INFO may be NULL; with TEXT NULL
 * only INFO and *LEN are read (nothing is rebuilt). */
int cfg_store_get(struct cfg_store *s, unsigned n, char **text, size_t *len,
                  struct cfg_rev_info *info);

/* All kept revisions, newest first. *INFOS malloc'ed (caller frees). */
int cfg_store_list(struct cfg_store *s, struct cfg_rev_info **infos, size_t *n);

/* Small persistent key-value state (stable UUIDs and MACs, pending commit
 * confirmed deadline). get: 0 found (*VAL malloc'ed), 1 absent, -1 error. */
int cfg_store_kv_get(struct cfg_store *s, const char *key, char **val);
int cfg_store_kv_set(struct cfg_store *s, const char *key, const char *val); /* val NULL deletes */

/* Check the database: PRAGMA integrity_check, the ring shape, and that
 * every kept revision rebuilds to its stored length and hash (else -1 with
 * "revision SEQ is damaged (...)"). 0 if whole. Reads every revision. */
int cfg_store_check(struct cfg_store *s);

#endif
