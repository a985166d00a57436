/* cfg_store — the committed configuration on disk (SQLite, WAL,
 * synchronous=FULL). See cfg_store.h.
 *
 * Layout:
 *   revisions(seq INTEGER PRIMARY KEY, time, user, client, comment, text BLOB)
 *   kv(key TEXT PRIMARY KEY, val TEXT)
 *
 * seq is the rowid. Only the oldest revisions are ever deleted, so
 * max(rowid)+1 (SQLite's choice for a new rowid) is monotonic and the kept
 * seqs are always consecutive; cfg_store_check() relies on that.
 *
 * Every statement is prepared once at open (SQLITE_PREPARE_PERSISTENT) and
 * kept in the handle. The revision text is bound with SQLITE_STATIC: SQLite
 * writes it straight from the caller's buffer into its pages.
 */
#include "cfg_store.h"

#include "cfg_err.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CFG_STORE_BUSY_MS 10000
#define CFG_STORE_VERSION 1

enum {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_INSERT,
	ST_TRIM,
	ST_GET,
	ST_LIST,
	ST_KV_GET,
	ST_KV_SET,
	ST_KV_DEL,
	ST_N
};

static const char *const cfg_store_sql[ST_N] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_INSERT] = "INSERT INTO revisions(time, user, client, comment, text) "
	              "VALUES (?1, ?2, ?3, ?4, ?5)",
	/* keep the newest CFG_STORE_KEEP: delete everything at or below the
	   (KEEP+1)-th newest seq */
	[ST_TRIM] = "DELETE FROM revisions WHERE seq <= "
	            "(SELECT seq FROM revisions ORDER BY seq DESC LIMIT 1 OFFSET ?1)",
	[ST_GET] = "SELECT seq, time, user, client, comment, text FROM revisions "
	           "ORDER BY seq DESC LIMIT 1 OFFSET ?1",
	[ST_LIST] = "SELECT seq, time, user, client, comment FROM revisions ORDER BY seq DESC",
	[ST_KV_GET] = "SELECT val FROM kv WHERE key = ?1",
	[ST_KV_SET] = "INSERT INTO kv(key, val) VALUES (?1, ?2) "
	              "ON CONFLICT(key) DO UPDATE SET val = excluded.val",
	[ST_KV_DEL] = "DELETE FROM kv WHERE key = ?1",
};

struct cfg_store {
	sqlite3 *db;
	sqlite3_stmt *st[ST_N];
	char *path;
};

static int store_err(struct cfg_store *s, const char *what)
{
	return cfg_err_set("configuration database %s: %s: %s", s->path ? s->path : "?", what,
	                   s->db ? sqlite3_errmsg(s->db) : "out of memory");
}

/* Run one statement (or several) that returns no rows we care about. */
static int store_exec(struct cfg_store *s, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		cfg_err_set("configuration database %s: %s", s->path, msg ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* Step a cached statement that returns no row, then reset it. */
static int store_step_done(struct cfg_store *s, int which, const char *what)
{
	sqlite3_stmt *st = s->st[which];
	int rc = sqlite3_step(st);
	int ret = 0;
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		ret = store_err(s, what);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return ret;
}

static void store_copy(char *dst, size_t n, const unsigned char *src)
{
	snprintf(dst, n, "%s", src ? (const char *)src : "");
}

struct cfg_store *cfg_store_open(const char *path)
{
	if (!path || !*path) {
		cfg_err_set("configuration database: no path");
		return NULL;
	}
	struct cfg_store *s = calloc(1, sizeof *s);
	if (!s || !(s->path = strdup(path))) {
		free(s);
		cfg_err_set("configuration database %s: out of memory", path);
		return NULL;
	}

	/* The revisions hold password hashes: create the file private. SQLite
	   gives the -wal and -shm files the permissions of the database. */
	if (strcmp(path, ":memory:") != 0) {
		int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0) {
			cfg_err_set("configuration database %s: %s", path, strerror(errno));
			free(s->path);
			free(s);
			return NULL;
		}
		close(fd);
	}

	int rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		store_err(s, "cannot open");
		cfg_store_close(s);
		return NULL;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, CFG_STORE_BUSY_MS);

	/* journal_mode returns the resulting mode; "memory" for :memory:. */
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode=WAL", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		store_err(s, "cannot enable WAL");
		sqlite3_finalize(st);
		cfg_store_close(s);
		return NULL;
	}
	const char *mode = (const char *)sqlite3_column_text(st, 0);
	bool ok = mode && (!strcmp(mode, "wal") || !strcmp(mode, "memory"));
	if (!ok)
		cfg_err_set("configuration database %s: cannot enable WAL (journal mode %s)", path,
		            mode ? mode : "?");
	sqlite3_finalize(st);
	if (!ok) {
		cfg_store_close(s);
		return NULL;
	}

	if (store_exec(s, "PRAGMA synchronous=FULL;"
	                  "PRAGMA foreign_keys=OFF;"
	                  "BEGIN IMMEDIATE;"
	                  "CREATE TABLE IF NOT EXISTS revisions ("
	                  " seq INTEGER PRIMARY KEY,"
	                  " time INTEGER NOT NULL,"
	                  " user TEXT NOT NULL,"
	                  " client TEXT NOT NULL,"
	                  " comment TEXT NOT NULL,"
	                  " text BLOB NOT NULL);"
	                  "CREATE TABLE IF NOT EXISTS kv ("
	                  " key TEXT PRIMARY KEY,"
	                  " val TEXT NOT NULL);"
	                  "COMMIT;") < 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		cfg_store_close(s);
		return NULL;
	}
	{
		int v = -1;
		if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
		if (v == 0) {
			char sql[64];
			snprintf(sql, sizeof sql, "PRAGMA user_version=%d", CFG_STORE_VERSION);
			if (store_exec(s, sql) < 0) {
				cfg_store_close(s);
				return NULL;
			}
		} else if (v != CFG_STORE_VERSION) {
			cfg_err_set("configuration database %s: unknown format version %d", path, v);
			cfg_store_close(s);
			return NULL;
		}
	}

	for (int i = 0; i < ST_N; i++) {
		if (sqlite3_prepare_v3(s->db, cfg_store_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->st[i],
		                       NULL) != SQLITE_OK) {
			store_err(s, "cannot prepare statement");
			cfg_store_close(s);
			return NULL;
		}
	}
	return s;
}

void cfg_store_close(struct cfg_store *s)
{
	if (!s)
		return;
	for (int i = 0; i < ST_N; i++)
		sqlite3_finalize(s->st[i]);
	if (s->db)
		sqlite3_close_v2(s->db);
	free(s->path);
	free(s);
}

static int store_kv_bind_set(struct cfg_store *s, const char *key, const char *val)
{
	if (!key)
		return cfg_err_set("configuration database: no key");
	if (val) {
		sqlite3_bind_text(s->st[ST_KV_SET], 1, key, -1, SQLITE_STATIC);
		sqlite3_bind_text(s->st[ST_KV_SET], 2, val, -1, SQLITE_STATIC);
		return store_step_done(s, ST_KV_SET, "cannot store state");
	}
	sqlite3_bind_text(s->st[ST_KV_DEL], 1, key, -1, SQLITE_STATIC);
	return store_step_done(s, ST_KV_DEL, "cannot delete state");
}

int cfg_store_commit_kv(struct cfg_store *s, const char *text, size_t len, const char *user,
                        const char *client, const char *comment, const char *const *kv,
                        size_t n_kv, int64_t *seq)
{
	if (!s)
		return cfg_err_set("configuration database: not open");
	if (len > (size_t)INT32_MAX)
		return cfg_err_set("configuration database %s: configuration too large (%zu bytes)",
		                   s->path, len);
	if (store_step_done(s, ST_BEGIN, "cannot begin transaction") < 0)
		return -1;

	sqlite3_stmt *ins = s->st[ST_INSERT];
	sqlite3_bind_int64(ins, 1, (sqlite3_int64)time(NULL));
	sqlite3_bind_text(ins, 2, user ? user : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 3, client ? client : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 4, comment ? comment : "", -1, SQLITE_STATIC);
	/* a non-NULL pointer so an empty configuration is an empty blob, not NULL */
	sqlite3_bind_blob(ins, 5, text ? text : "", (int)len, SQLITE_STATIC);
	if (store_step_done(s, ST_INSERT, "cannot store revision") < 0)
		goto fail;
	int64_t newseq = sqlite3_last_insert_rowid(s->db);

	sqlite3_bind_int(s->st[ST_TRIM], 1, CFG_STORE_KEEP);
	if (store_step_done(s, ST_TRIM, "cannot trim revisions") < 0)
		goto fail;

	for (size_t i = 0; i < n_kv; i++)
		if (store_kv_bind_set(s, kv[2 * i], kv[2 * i + 1]) < 0)
			goto fail;

	if (store_step_done(s, ST_COMMIT, "cannot commit transaction") < 0)
		goto fail;
	if (seq)
		*seq = newseq;
	return 0;

fail:
	/* keep the first message; ROLLBACK must not overwrite it */
	if (!sqlite3_get_autocommit(s->db)) {
		sqlite3_step(s->st[ST_ROLLBACK]);
		sqlite3_reset(s->st[ST_ROLLBACK]);
	}
	return -1;
}

int cfg_store_commit(struct cfg_store *s, const char *text, size_t len, const char *user,
                     const char *client, const char *comment, int64_t *seq)
{
	return cfg_store_commit_kv(s, text, len, user, client, comment, NULL, 0, seq);
}

static void store_row_info(sqlite3_stmt *st, struct cfg_rev_info *info)
{
	memset(info, 0, sizeof *info);
	info->seq = sqlite3_column_int64(st, 0);
	info->time = sqlite3_column_int64(st, 1);
	store_copy(info->user, sizeof info->user, sqlite3_column_text(st, 2));
	store_copy(info->client, sizeof info->client, sqlite3_column_text(st, 3));
	store_copy(info->comment, sizeof info->comment, sqlite3_column_text(st, 4));
}

int cfg_store_get(struct cfg_store *s, unsigned n, char **text, size_t *len,
                  struct cfg_rev_info *info)
{
	if (!s)
		return cfg_err_set("configuration database: not open");
	if (n >= CFG_STORE_KEEP)
		return 1;
	sqlite3_stmt *st = s->st[ST_GET];
	sqlite3_bind_int(st, 1, (int)n);
	int rc = sqlite3_step(st);
	int ret;
	if (rc == SQLITE_DONE) {
		ret = 1;
	} else if (rc != SQLITE_ROW) {
		ret = store_err(s, "cannot read revision");
	} else {
		ret = 0;
		if (info)
			store_row_info(st, info);
		if (text) {
			/* column_blob first, then bytes (the documented safe order) */
			const void *p = sqlite3_column_blob(st, 5);
			size_t n_bytes = (size_t)sqlite3_column_bytes(st, 5);
			char *t = malloc(n_bytes + 1);
			if (!t) {
				ret = cfg_err_set("configuration database %s: out of memory", s->path);
			} else {
				if (n_bytes)
					memcpy(t, p, n_bytes);
				t[n_bytes] = '\0';
				*text = t;
				if (len)
					*len = n_bytes;
			}
		} else if (len) {
			*len = (size_t)sqlite3_column_bytes(st, 5);
		}
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return ret;
}

int cfg_store_list(struct cfg_store *s, struct cfg_rev_info **infos, size_t *n)
{
	if (!s)
		return cfg_err_set("configuration database: not open");
	sqlite3_stmt *st = s->st[ST_LIST];
	struct cfg_rev_info *v = NULL;
	size_t cnt = 0, cap = 0;
	int rc, ret = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (cnt == cap) {
			size_t nc = cap ? cap * 2 : CFG_STORE_KEEP;
			struct cfg_rev_info *nv = realloc(v, nc * sizeof *nv);
			if (!nv) {
				ret = cfg_err_set("configuration database %s: out of memory", s->path);
				break;
			}
			v = nv;
			cap = nc;
		}
		store_row_info(st, &v[cnt++]);
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = store_err(s, "cannot list revisions");
	sqlite3_reset(st);
	if (ret < 0) {
		free(v);
		return -1;
	}
	*infos = v;
	*n = cnt;
	return 0;
}

int cfg_store_kv_get(struct cfg_store *s, const char *key, char **val)
{
	if (!s)
		return cfg_err_set("configuration database: not open");
	if (!key)
		return cfg_err_set("configuration database: no key");
	sqlite3_stmt *st = s->st[ST_KV_GET];
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st), ret;
	if (rc == SQLITE_DONE) {
		ret = 1;
	} else if (rc != SQLITE_ROW) {
		ret = store_err(s, "cannot read state");
	} else {
		const unsigned char *t = sqlite3_column_text(st, 0);
		char *c = strdup(t ? (const char *)t : "");
		if (!c) {
			ret = cfg_err_set("configuration database %s: out of memory", s->path);
		} else {
			ret = 0;
			if (val)
				*val = c;
			else
				free(c);
		}
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return ret;
}

int cfg_store_kv_set(struct cfg_store *s, const char *key, const char *val)
{
	if (!s)
		return cfg_err_set("configuration database: not open");
	return store_kv_bind_set(s, key, val);
}

int cfg_store_check(struct cfg_store *s)
{
	if (!s)
		return cfg_err_set("configuration database: not open");
	sqlite3_stmt *st = NULL;
	int ret = 0;

	if (sqlite3_prepare_v2(s->db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK)
		return store_err(s, "integrity check");
	int rc, rows = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *r = (const char *)sqlite3_column_text(st, 0);
		if (!r || strcmp(r, "ok") != 0) {
			if (ret == 0)
				cfg_err_set("configuration database %s: integrity check: %s", s->path,
				            r ? r : "?");
			ret = -1;
		}
		rows++;
	}
	if (rc != SQLITE_DONE && ret == 0)
		ret = store_err(s, "integrity check");
	sqlite3_finalize(st);
	if (ret < 0)
		return -1;
	if (rows == 0)
		return cfg_err_set("configuration database %s: integrity check gave no result", s->path);

	/* Ring shape: at most KEEP rows, seqs positive, strictly increasing in
	   rowid order and consecutive (only the oldest are ever deleted), every
	   text a blob. */
	if (sqlite3_prepare_v2(s->db,
	                       "SELECT seq, typeof(text), typeof(time) FROM revisions ORDER BY rowid",
	                       -1, &st, NULL) != SQLITE_OK)
		return store_err(s, "ring check");
	int64_t prev = 0;
	size_t n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t seq = sqlite3_column_int64(st, 0);
		const char *ty = (const char *)sqlite3_column_text(st, 1);
		const char *tt = (const char *)sqlite3_column_text(st, 2);
		if (seq <= 0 || (n > 0 && seq != prev + 1)) {
			ret = cfg_err_set("configuration database %s: revision ring broken at seq %lld "
			                  "(after %lld)", s->path, (long long)seq, (long long)prev);
			break;
		}
		if (!ty || strcmp(ty, "blob") != 0 || !tt || strcmp(tt, "integer") != 0) {
			ret = cfg_err_set("configuration database %s: revision %lld is malformed", s->path,
			                  (long long)seq);
			break;
		}
		prev = seq;
		n++;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = store_err(s, "ring check");
	sqlite3_finalize(st);
	if (ret == 0 && n > CFG_STORE_KEEP)
		ret = cfg_err_set("configuration database %s: %zu revisions kept (at most %d)", s->path,
		                  n, CFG_STORE_KEEP);
	return ret;
}
