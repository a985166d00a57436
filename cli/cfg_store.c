/* cfg_store — the committed configuration on disk (SQLite, WAL,
 * synchronous=FULL). See cfg_store.h.
 *
 * Layout (format version 2, PRAGMA user_version):
 *   revisions(seq INTEGER PRIMARY KEY, time, user, client, comment,
 *             base, prefix, suffix, len, hash, body BLOB)
 *   kv(key TEXT PRIMARY KEY, val TEXT)
 *
 * A revision is stored either as a snapshot (base NULL, body = the whole
 * text) or as a line delta against the previous revision (base = seq - 1):
 * the text is the first PREFIX bytes of the base, then BODY, then the last
 * SUFFIX bytes of the base. PREFIX and SUFFIX cover whole lines (display-set
 * output keeps its order, so a small change gives a small body). LEN and
 * HASH (XXH64, seed 0, as a signed 64-bit integer) are those of the
 * reconstructed text; every reconstruction is checked against them.
 *
 * A commit is a snapshot when there is nothing to delta against, when the
 * body would be more than a quarter of the text, or when the previous
 * revision is CFG_STORE_CHAIN - 1 deltas away from its snapshot: rebuilding
 * any revision reads at most CFG_STORE_CHAIN records.
 *
 * The ring is the newest CFG_STORE_KEEP rows. Older rows are deleted at
 * commit except those a kept delta still needs: everything from the newest
 * snapshot at or below the oldest kept revision is kept (at most
 * CFG_STORE_CHAIN - 1 extra rows, never listed nor returned). Keeping them
 * rather than rewriting the oldest kept revision as a snapshot matters: the
 * oldest kept revision changes at every commit, so a rewrite would store a
 * full text at nearly every commit.
 *
 * seq is the rowid. Only the oldest rows are ever deleted, so max(rowid)+1
 * (SQLite's choice for a new rowid) is monotonic and the seqs are always
 * consecutive; deltas and cfg_store_check() rely on that.
 *
 * The handle keeps the text of the newest revision in memory (loaded on
 * first need, checked against the newest row's seq and hash in every
 * commit, so another writer cannot make it stale), so a commit only
 * compares two buffers and writes the changed lines.
 *
 * Every statement is prepared once at open (SQLITE_PREPARE_PERSISTENT) and
 * kept in the handle. Revision bodies are bound with SQLITE_STATIC: SQLite
 * writes them straight from the caller's buffer into its pages.
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
#define CFG_STORE_VERSION 2
/* at most this many records (one snapshot + deltas) rebuild a revision */
#define CFG_STORE_CHAIN 16
/* Page size of a new database (an existing one keeps its own). Measured
   with 200 one-line commits on a 7 MB text (13 snapshots): 64 KiB pages
   against 4 KiB ones write 243 MB instead of 311 MB in all, make a snapshot
   commit ~40% faster and reading all 50 revisions ~10x faster (16x fewer
   overflow pages to chase); a delta commit writes one 64 KiB page instead
   of one 4 KiB page, which costs nothing measurable next to its fsync. */
#define CFG_STORE_PAGE_SIZE 65536
/* Checkpoint the WAL when it reaches this many pages (SQLite's default;
   64 MiB with 64 KiB pages, about 9 snapshots): the fewer checkpoints, the
   fewer times a page rewritten by several commits is copied. 256 and 128
   wrote 18% and 37% more for no better latency. */
#define CFG_STORE_WAL_PAGES 1000

enum {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_HEAD,
	ST_INSERT,
	ST_TRIM,
	ST_GET,
	ST_CHAIN,
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
	/* the newest revision and the newest snapshot */
	[ST_HEAD] = "SELECT seq, len, hash, (SELECT seq FROM revisions WHERE base IS NULL "
	            "ORDER BY seq DESC LIMIT 1) FROM revisions ORDER BY seq DESC LIMIT 1",
	[ST_INSERT] = "INSERT INTO revisions(time, user, client, comment, base, prefix, suffix, "
	              "len, hash, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	/* ?1 is the oldest revision of the ring: keep it and the records
	   rebuilding it, that is everything from the newest snapshot at or below
	   it. No such snapshot (a damaged store): delete nothing. */
	[ST_TRIM] = "DELETE FROM revisions WHERE seq < (SELECT seq FROM revisions "
	            "WHERE seq <= ?1 AND base IS NULL ORDER BY seq DESC LIMIT 1)",
	[ST_GET] = "SELECT seq, time, user, client, comment, len, hash FROM revisions "
	           "ORDER BY seq DESC LIMIT 1 OFFSET ?1",
	/* the records rebuilding revision ?1, oldest (the snapshot) first */
	[ST_CHAIN] = "SELECT seq, base, prefix, suffix, len, hash, body FROM revisions "
	             "WHERE seq <= ?1 AND seq >= (SELECT seq FROM revisions "
	             "WHERE seq <= ?1 AND base IS NULL ORDER BY seq DESC LIMIT 1) ORDER BY seq",
	[ST_LIST] = "SELECT seq, time, user, client, comment FROM revisions ORDER BY seq DESC "
	            "LIMIT ?1",
	[ST_KV_GET] = "SELECT val FROM kv WHERE key = ?1",
	[ST_KV_SET] = "INSERT INTO kv(key, val) VALUES (?1, ?2) "
	              "ON CONFLICT(key) DO UPDATE SET val = excluded.val",
	[ST_KV_DEL] = "DELETE FROM kv WHERE key = ?1",
};

#define REVISIONS_COLUMNS                                                                    \
	" seq INTEGER PRIMARY KEY,"                                                              \
	" time INTEGER NOT NULL,"                                                                \
	" user TEXT NOT NULL,"                                                                   \
	" client TEXT NOT NULL,"                                                                 \
	" comment TEXT NOT NULL,"                                                                \
	" base INTEGER,"           /* NULL: snapshot; else the seq the delta applies to */      \
	" prefix INTEGER NOT NULL," /* bytes of the base kept in front */                        \
	" suffix INTEGER NOT NULL," /* bytes of the base kept at the end */                      \
	" len INTEGER NOT NULL,"    /* length of the reconstructed text */                       \
	" hash INTEGER NOT NULL,"   /* XXH64 of the reconstructed text */                        \
	" body BLOB NOT NULL"       /* the text, or the middle of a delta; last: columns */      \
	                            /* before it are read without its overflow pages */

/* A text being rebuilt from records. */
struct rebuild {
	char *buf; /* NUL-terminated text of revision SEQ; owned */
	size_t len, cap;
	int64_t seq; /* 0: nothing yet */
};

struct cfg_store {
	sqlite3 *db;
	sqlite3_stmt *st[ST_N];
	char *path;
	/* text of the newest revision as last committed or read; cache.buf
	   NULL when not loaded. Valid for revision cache.seq with cache_hash. */
	struct rebuild cache;
	uint64_t cache_hash;
};

/* ---- hashing: XXH64, seed 0 (stored on disk: never change it) ---- */

#define XXH_P1 11400714785074694791ULL
#define XXH_P2 14029467366897019727ULL
#define XXH_P3 1609587929392839161ULL
#define XXH_P4 9650029242287828579ULL
#define XXH_P5 2870177450012600261ULL

static inline uint64_t xxh_rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static inline uint64_t xxh_rd64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static inline uint32_t xxh_rd32(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	return v;
}

static inline uint64_t xxh_round(uint64_t acc, uint64_t in)
{
	acc += in * XXH_P2;
	acc = xxh_rotl(acc, 31);
	return acc * XXH_P1;
}

static inline uint64_t xxh_merge(uint64_t h, uint64_t v)
{
	h ^= xxh_round(0, v);
	return h * XXH_P1 + XXH_P4;
}

static uint64_t store_hash(const void *data, size_t n)
{
	const unsigned char *p = data, *end = p + n;
	uint64_t h;
	if (n >= 32) {
		uint64_t v1 = XXH_P1 + XXH_P2, v2 = XXH_P2, v3 = 0, v4 = 0 - XXH_P1;
		const unsigned char *lim = end - 32;
		do {
			v1 = xxh_round(v1, xxh_rd64(p));
			v2 = xxh_round(v2, xxh_rd64(p + 8));
			v3 = xxh_round(v3, xxh_rd64(p + 16));
			v4 = xxh_round(v4, xxh_rd64(p + 24));
			p += 32;
		} while (p <= lim);
		h = xxh_rotl(v1, 1) + xxh_rotl(v2, 7) + xxh_rotl(v3, 12) + xxh_rotl(v4, 18);
		h = xxh_merge(h, v1);
		h = xxh_merge(h, v2);
		h = xxh_merge(h, v3);
		h = xxh_merge(h, v4);
	} else {
		h = XXH_P5;
	}
	h += (uint64_t)n;
	while (p + 8 <= end) {
		h ^= xxh_round(0, xxh_rd64(p));
		h = xxh_rotl(h, 27) * XXH_P1 + XXH_P4;
		p += 8;
	}
	if (p + 4 <= end) {
		h ^= (uint64_t)xxh_rd32(p) * XXH_P1;
		h = xxh_rotl(h, 23) * XXH_P2 + XXH_P3;
		p += 4;
	}
	while (p < end) {
		h ^= (uint64_t)*p * XXH_P5;
		h = xxh_rotl(h, 11) * XXH_P1;
		p++;
	}
	h ^= h >> 33;
	h *= XXH_P2;
	h ^= h >> 29;
	h *= XXH_P3;
	h ^= h >> 32;
	return h;
}

/* ---- line deltas ---- */

#define CMP_BLOCK 4096

static size_t common_prefix(const char *a, const char *b, size_t n)
{
	size_t i = 0;
	while (i + CMP_BLOCK <= n && memcmp(a + i, b + i, CMP_BLOCK) == 0)
		i += CMP_BLOCK;
	while (i < n && a[i] == b[i])
		i++;
	return i;
}

/* Common suffix of A (NA bytes) and B (NB bytes), at most MAX bytes. */
static size_t common_suffix(const char *a, size_t na, const char *b, size_t nb, size_t max)
{
	size_t i = 0;
	while (i + CMP_BLOCK <= max && memcmp(a + na - i - CMP_BLOCK, b + nb - i - CMP_BLOCK,
	                                      CMP_BLOCK) == 0)
		i += CMP_BLOCK;
	while (i < max && a[na - i - 1] == b[nb - i - 1])
		i++;
	return i;
}

static bool line_start(const char *t, size_t i)
{
	return i == 0 || t[i - 1] == '\n';
}

struct plan {
	bool snapshot;
	size_t prefix, suffix; /* 0 for a snapshot */
};

/* How to store NEW (NL bytes) after OLD (OL bytes; OLD NULL: no base to
   delta against). DEPTH: deltas between OLD and its snapshot. */
static void store_plan(const char *old, size_t ol, const char *nw, size_t nl, int64_t depth,
                       struct plan *pl)
{
	memset(pl, 0, sizeof *pl);
	pl->snapshot = true;
	if (!old || depth < 0 || depth + 1 >= CFG_STORE_CHAIN)
		return;
	size_t min = ol < nl ? ol : nl;
	size_t p = common_prefix(old, nw, min);
	if (!line_start(nw, p)) { /* the bytes before p are common: same in OLD */
		const char *q = memrchr(nw, '\n', p);
		p = q ? (size_t)(q - nw) + 1 : 0;
	}
	size_t s = common_suffix(old, ol, nw, nl, min - p);
	if (!line_start(nw, nl - s) || !line_start(old, ol - s)) {
		/* move to the first line start inside the common part */
		const char *q = s ? memchr(nw + nl - s, '\n', s) : NULL;
		s = q ? nl - (size_t)(q - nw) - 1 : 0;
	}
	size_t mid = nl - p - s;
	if (mid > nl / 4)
		return;
	pl->snapshot = false;
	pl->prefix = p;
	pl->suffix = s;
}

/* ---- errors and helpers ---- */

static int store_err(struct cfg_store *s, const char *what)
{
	return cfg_err_set("configuration database %s: %s: %s", s->path ? s->path : "?", what,
	                   s->db ? sqlite3_errmsg(s->db) : "out of memory");
}

/* Binding can fail too (a value too big, out of memory): then the
 * parameter stays NULL and stepping would store NULL. BIND(b, call) keeps
 * the first failure in B (SQLITE_OK while all succeeded). */
#define BIND(b, call) do { int bind_rc_ = (call); if ((b) == SQLITE_OK) (b) = bind_rc_; } while (0)

static int store_bind_err(struct cfg_store *s, sqlite3_stmt *st, int b, const char *what)
{
	sqlite3_clear_bindings(st);
	return cfg_err_set("configuration database %s: %s: %s", s->path ? s->path : "?", what,
	                   sqlite3_errstr(b));
}

static int store_oom(struct cfg_store *s)
{
	return cfg_err_set("configuration database %s: out of memory", s->path);
}

/* Revision SEQ (rollback RB, -1 unknown) cannot be rebuilt: record REC is
   wrong (WHY). */
static int store_damaged(struct cfg_store *s, int64_t seq, int64_t rb, int64_t rec,
                         const char *why)
{
	char where[96] = "";
	int n = 0;
	if (rb >= 0 && rb < CFG_STORE_KEEP)
		n = snprintf(where, sizeof where, "rollback %lld: ", (long long)rb);
	else if (rb >= CFG_STORE_KEEP)
		n = snprintf(where, sizeof where, "kept to rebuild newer revisions: ");
	if (rec != seq && n >= 0 && (size_t)n < sizeof where)
		snprintf(where + n, sizeof where - (size_t)n, "record %lld: ", (long long)rec);
	return cfg_err_set("configuration database %s: revision %lld is damaged (%s%s)", s->path,
	                   (long long)seq, where, why);
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

/* End a transaction after an error without overwriting the message. */
static void store_abort(struct cfg_store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
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

/* ---- rebuilding texts ---- */

static int rebuild_reserve(struct rebuild *r, size_t len)
{
	if (len < r->cap)
		return 0;
	size_t cap = len + 1 + len / 8;
	char *b = realloc(r->buf, cap);
	if (!b)
		return -1;
	r->buf = b;
	r->cap = cap;
	return 0;
}

static const char rebuild_oom[] = "out of memory";

/* Apply the record in the current row of ST (columns seq, base, prefix,
   suffix, len, hash, body) to R. NULL, rebuild_oom, or why it is damaged. */
static const char *rebuild_step(struct rebuild *r, sqlite3_stmt *st)
{
	int64_t seq = sqlite3_column_int64(st, 0);
	bool snap = sqlite3_column_type(st, 1) == SQLITE_NULL;
	int64_t base = sqlite3_column_int64(st, 1);
	int64_t pre = sqlite3_column_int64(st, 2), suf = sqlite3_column_int64(st, 3);
	int64_t len = sqlite3_column_int64(st, 4);
	if (sqlite3_column_type(st, 6) != SQLITE_BLOB)
		return "its body is not a blob";
	/* column_blob first, then bytes (the documented safe order) */
	const char *body = sqlite3_column_blob(st, 6);
	size_t blen = (size_t)sqlite3_column_bytes(st, 6);
	if (len < 0 || len > INT32_MAX || pre < 0 || suf < 0 || pre > INT32_MAX ||
	    suf > INT32_MAX)
		return "bad lengths";
	if (snap) {
		if (pre || suf || blen != (size_t)len)
			return "snapshot of the wrong length";
		if (rebuild_reserve(r, blen) < 0)
			return rebuild_oom;
		if (blen)
			memcpy(r->buf, body, blen);
	} else {
		if (!r->seq || base != r->seq || seq != base + 1)
			return "the revision it is based on is missing";
		if ((size_t)pre + (size_t)suf > r->len ||
		    (size_t)pre + blen + (size_t)suf != (size_t)len)
			return "delta does not fit the revision it is based on";
		if (rebuild_reserve(r, (size_t)len > r->len ? (size_t)len : r->len) < 0)
			return rebuild_oom;
		memmove(r->buf + pre + blen, r->buf + r->len - suf, (size_t)suf);
		if (blen)
			memcpy(r->buf + pre, body, blen);
	}
	r->len = (size_t)len;
	r->buf[r->len] = '\0';
	r->seq = seq;
	return NULL;
}

/* Rebuild revision SEQ (rollback RB, -1 unknown) into R and check its hash.
   0, or -1 with cfg_err set (R then holds nothing useful). */
static int store_build(struct cfg_store *s, int64_t seq, int64_t rb, struct rebuild *r)
{
	sqlite3_stmt *st = s->st[ST_CHAIN];
	sqlite3_bind_int64(st, 1, seq);
	r->seq = 0;
	r->len = 0;
	const char *why = NULL;
	int64_t rec = seq, want = 0;
	int rc, ret = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rec = sqlite3_column_int64(st, 0);
		if (!r->seq && sqlite3_column_type(st, 1) != SQLITE_NULL) {
			why = "no snapshot to rebuild it from";
			break;
		}
		if ((why = rebuild_step(r, st)))
			break;
		want = sqlite3_column_int64(st, 5);
	}
	if (why == rebuild_oom)
		ret = store_oom(s);
	else if (why)
		ret = store_damaged(s, seq, rb, rec, why);
	else if (rc != SQLITE_DONE)
		ret = store_err(s, "cannot read revision");
	else if (r->seq != seq)
		ret = store_damaged(s, seq, rb, seq, "no snapshot to rebuild it from");
	else if (store_hash(r->buf, r->len) != (uint64_t)want)
		ret = store_damaged(s, seq, rb, seq, "its text does not match its hash");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (ret < 0)
		r->seq = 0;
	return ret;
}

static void store_cache_drop(struct cfg_store *s)
{
	free(s->cache.buf);
	memset(&s->cache, 0, sizeof s->cache);
	s->cache_hash = 0;
}

/* Check every record of the store in order: the ring shape and that every
   revision rebuilds to its length and hash. The caller holds a (read or
   write) transaction. */
static int store_walk(struct cfg_store *s)
{
	sqlite3_stmt *st = NULL;
	int64_t n = 0, head = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT count(*), max(seq) FROM revisions", -1, &st, NULL) !=
	        SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return store_err(s, "ring check");
	}
	n = sqlite3_column_int64(st, 0);
	head = sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	if (n == 0)
		return 0;
	/* rows older than the ring: at most what rebuilding its oldest needs */
	int64_t extra = n > CFG_STORE_KEEP ? n - CFG_STORE_KEEP : 0;
	if (extra > CFG_STORE_CHAIN - 1)
		return cfg_err_set("configuration database %s: %lld revisions kept (at most %d)",
		                   s->path, (long long)n, CFG_STORE_KEEP + CFG_STORE_CHAIN - 1);

	if (sqlite3_prepare_v2(s->db,
	                       "SELECT seq, base, prefix, suffix, len, hash, body, typeof(time), "
	                       "typeof(prefix) || typeof(suffix) || typeof(len) || typeof(hash) "
	                       "FROM revisions ORDER BY seq",
	                       -1, &st, NULL) != SQLITE_OK)
		return store_err(s, "ring check");
	struct rebuild r = {0};
	int64_t prev = 0, i = 0;
	int rc, ret = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t seq = sqlite3_column_int64(st, 0);
		bool snap = sqlite3_column_type(st, 1) == SQLITE_NULL;
		const char *tt = (const char *)sqlite3_column_text(st, 7);
		const char *ti = (const char *)sqlite3_column_text(st, 8);
		if (seq <= 0 || (i > 0 && seq != prev + 1)) {
			ret = cfg_err_set("configuration database %s: revision ring broken at seq %lld "
			                  "(after %lld)", s->path, (long long)seq, (long long)prev);
			break;
		}
		if (!tt || strcmp(tt, "integer") != 0 || !ti ||
		    strcmp(ti, "integerintegerintegerinteger") != 0 ||
		    (!snap && sqlite3_column_type(st, 1) != SQLITE_INTEGER)) {
			ret = cfg_err_set("configuration database %s: revision %lld is malformed", s->path,
			                  (long long)seq);
			break;
		}
		if (snap && i > 0 && i <= extra) {
			ret = cfg_err_set("configuration database %s: revision ring broken: revision "
			                  "%lld is kept but not needed", s->path, (long long)(seq - 1));
			break;
		}
		const char *why = rebuild_step(&r, st);
		if (why == rebuild_oom) {
			ret = store_oom(s);
			break;
		}
		if (why || store_hash(r.buf, r.len) != (uint64_t)sqlite3_column_int64(st, 5)) {
			ret = store_damaged(s, seq, head - seq, seq,
			                    why ? why : "its text does not match its hash");
			break;
		}
		prev = seq;
		i++;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = store_err(s, "ring check");
	sqlite3_finalize(st);
	free(r.buf);
	return ret;
}

/* ---- schema ---- */

/* Convert a format 1 store (revisions(seq, time, user, client, comment,
   text), every row a full text) to format 2 inside the caller's
   transaction, storing deltas where they pay, and check the result. */
static int store_migrate_v1(struct cfg_store *s)
{
	if (store_exec(s, "CREATE TABLE revisions_v2 (" REVISIONS_COLUMNS ")") < 0)
		return -1;
	sqlite3_stmt *sel = NULL, *ins = NULL;
	if (sqlite3_prepare_v2(s->db,
	                       "SELECT seq, time, user, client, comment, text FROM revisions "
	                       "ORDER BY seq",
	                       -1, &sel, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db,
	                       "INSERT INTO revisions_v2(seq, time, user, client, comment, base, "
	                       "prefix, suffix, len, hash, body) "
	                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	                       -1, &ins, NULL) != SQLITE_OK) {
		store_err(s, "cannot convert format version 1");
		sqlite3_finalize(sel);
		sqlite3_finalize(ins);
		return -1;
	}
	struct rebuild prev = {0};
	int64_t depth = 0;
	int rc, ret = 0;
	while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
		int64_t seq = sqlite3_column_int64(sel, 0);
		const char *t = sqlite3_column_blob(sel, 5);
		size_t len = (size_t)sqlite3_column_bytes(sel, 5);
		if (!t)
			t = "";
		struct plan pl;
		store_plan(prev.seq && seq == prev.seq + 1 ? prev.buf : NULL, prev.len, t, len, depth,
		           &pl);
		int b = SQLITE_OK;
		BIND(b, sqlite3_bind_int64(ins, 1, seq));
		BIND(b, sqlite3_bind_value(ins, 2, sqlite3_column_value(sel, 1)));
		BIND(b, sqlite3_bind_value(ins, 3, sqlite3_column_value(sel, 2)));
		BIND(b, sqlite3_bind_value(ins, 4, sqlite3_column_value(sel, 3)));
		BIND(b, sqlite3_bind_value(ins, 5, sqlite3_column_value(sel, 4)));
		if (pl.snapshot)
			BIND(b, sqlite3_bind_null(ins, 6));
		else
			BIND(b, sqlite3_bind_int64(ins, 6, prev.seq));
		BIND(b, sqlite3_bind_int64(ins, 7, (sqlite3_int64)pl.prefix));
		BIND(b, sqlite3_bind_int64(ins, 8, (sqlite3_int64)pl.suffix));
		BIND(b, sqlite3_bind_int64(ins, 9, (sqlite3_int64)len));
		BIND(b, sqlite3_bind_int64(ins, 10, (sqlite3_int64)store_hash(t, len)));
		BIND(b, sqlite3_bind_blob(ins, 11, t + pl.prefix, (int)(len - pl.prefix - pl.suffix),
		                          SQLITE_STATIC));
		if (b != SQLITE_OK) {
			ret = store_bind_err(s, ins, b, "cannot convert format version 1");
			break;
		}
		int irc = sqlite3_step(ins);
		sqlite3_reset(ins);
		sqlite3_clear_bindings(ins);
		if (irc != SQLITE_DONE) {
			ret = store_err(s, "cannot convert format version 1");
			break;
		}
		depth = pl.snapshot ? 0 : depth + 1;
		if (rebuild_reserve(&prev, len) < 0) {
			ret = store_oom(s);
			break;
		}
		memcpy(prev.buf, t, len);
		prev.len = len;
		prev.seq = seq;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = store_err(s, "cannot convert format version 1");
	sqlite3_finalize(sel);
	sqlite3_finalize(ins);
	free(prev.buf);
	if (ret < 0)
		return -1;
	char sql[128];
	snprintf(sql, sizeof sql,
	         "DROP TABLE revisions;"
	         "ALTER TABLE revisions_v2 RENAME TO revisions;"
	         "PRAGMA user_version=%d;",
	         CFG_STORE_VERSION);
	if (store_exec(s, sql) < 0)
		return -1;
	if (store_walk(s) < 0)
		return cfg_err_set("configuration database %s: conversion from format version 1 "
		                   "failed, database left unchanged: %s", s->path, cfg_err_msg());
	return 0;
}

/* Create the tables of a new store, or convert an older one; refuse a
   format this code does not know. One transaction: a kill leaves the store
   as it was. */
static int store_schema(struct cfg_store *s)
{
	if (store_exec(s, "BEGIN IMMEDIATE") < 0)
		return -1;
	sqlite3_stmt *st = NULL;
	int v = -1, has_rev = 0;
	if (sqlite3_prepare_v2(s->db,
	                       "SELECT (SELECT user_version FROM pragma_user_version), "
	                       "EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
	                       "name = 'revisions')",
	                       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		store_err(s, "cannot read format version");
		sqlite3_finalize(st);
		store_abort(s);
		return -1;
	}
	v = sqlite3_column_int(st, 0);
	has_rev = sqlite3_column_int(st, 1);
	sqlite3_finalize(st);

	int ret = 0;
	if (v == CFG_STORE_VERSION) {
		/* nothing to do */
	} else if (v == 0 && !has_rev) {
		char sql[512];
		snprintf(sql, sizeof sql,
		         "CREATE TABLE revisions (" REVISIONS_COLUMNS ");"
		         "CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, val TEXT NOT NULL);"
		         "PRAGMA user_version=%d;",
		         CFG_STORE_VERSION);
		ret = store_exec(s, sql);
	} else if (v == 1 || v == 0) {
		/* version 0 with tables: version 1 killed between creating them
		   and setting the version */
		ret = store_exec(s, "CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, "
		                    "val TEXT NOT NULL)");
		if (ret == 0)
			ret = store_migrate_v1(s);
	} else {
		ret = cfg_err_set("configuration database %s: unknown format version %d (this "
		                  "software knows 1 to %d); not touching it",
		                  s->path, v, CFG_STORE_VERSION);
	}
	if (ret == 0 && store_exec(s, "COMMIT") < 0)
		ret = -1;
	if (ret < 0)
		store_abort(s);
	return ret;
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

	/* only a database without pages yet takes it (before WAL is set) */
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA page_size=%d", CFG_STORE_PAGE_SIZE);
	if (store_exec(s, sql) < 0) {
		cfg_store_close(s);
		return NULL;
	}

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

	snprintf(sql, sizeof sql, "PRAGMA wal_autocheckpoint=%d", CFG_STORE_WAL_PAGES);
	if (store_exec(s, sql) < 0) {
		cfg_store_close(s);
		return NULL;
	}
	if (store_exec(s, "PRAGMA synchronous=FULL;"
	                  "PRAGMA foreign_keys=OFF;") < 0 ||
	    store_schema(s) < 0) {
		cfg_store_close(s);
		return NULL;
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
	store_cache_drop(s);
	free(s->path);
	free(s);
}

static int store_kv_bind_set(struct cfg_store *s, const char *key, const char *val)
{
	if (!key)
		return cfg_err_set("configuration database: no key");
	int b = SQLITE_OK;
	if (val) {
		BIND(b, sqlite3_bind_text(s->st[ST_KV_SET], 1, key, -1, SQLITE_STATIC));
		BIND(b, sqlite3_bind_text(s->st[ST_KV_SET], 2, val, -1, SQLITE_STATIC));
		if (b != SQLITE_OK)
			return store_bind_err(s, s->st[ST_KV_SET], b, "cannot store state");
		return store_step_done(s, ST_KV_SET, "cannot store state");
	}
	BIND(b, sqlite3_bind_text(s->st[ST_KV_DEL], 1, key, -1, SQLITE_STATIC));
	if (b != SQLITE_OK)
		return store_bind_err(s, s->st[ST_KV_DEL], b, "cannot delete state");
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
	if (!text)
		text = "";
	if (store_step_done(s, ST_BEGIN, "cannot begin transaction") < 0)
		return -1;

	/* the newest revision: the base of a delta, and its distance from its
	   snapshot */
	sqlite3_stmt *hd = s->st[ST_HEAD];
	int64_t head = 0, snap = 0;
	size_t head_len = 0;
	uint64_t head_hash = 0;
	int rc = sqlite3_step(hd);
	if (rc == SQLITE_ROW) {
		head = sqlite3_column_int64(hd, 0);
		head_len = (size_t)sqlite3_column_int64(hd, 1);
		head_hash = (uint64_t)sqlite3_column_int64(hd, 2);
		snap = sqlite3_column_int64(hd, 3); /* 0 if NULL */
	}
	sqlite3_reset(hd);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_err(s, "cannot read the active revision");
		goto fail;
	}

	/* the cached text must be the newest revision (another writer, or a
	   COMMIT that failed after all, may have moved it) */
	bool have_base = false;
	if (head) {
		if (s->cache.buf && s->cache.seq == head && s->cache.len == head_len &&
		    s->cache_hash == head_hash) {
			have_base = true;
		} else if (store_build(s, head, 0, &s->cache) == 0) {
			s->cache_hash = head_hash;
			have_base = true;
		} else {
			/* cannot rebuild the active revision: store a whole text,
			   which makes the store whole again from here on. An SQLite
			   error may have ended the transaction: then give up. */
			store_cache_drop(s);
			if (sqlite3_get_autocommit(s->db))
				return -1;
		}
	}

	struct plan pl;
	store_plan(have_base && snap ? s->cache.buf : NULL, s->cache.len, text, len, head - snap,
	           &pl);
	size_t mid = len - pl.prefix - pl.suffix;
	uint64_t hash = store_hash(text, len);

	sqlite3_stmt *ins = s->st[ST_INSERT];
	int b = SQLITE_OK;
	BIND(b, sqlite3_bind_int64(ins, 1, (sqlite3_int64)time(NULL)));
	BIND(b, sqlite3_bind_text(ins, 2, user ? user : "", -1, SQLITE_STATIC));
	BIND(b, sqlite3_bind_text(ins, 3, client ? client : "", -1, SQLITE_STATIC));
	BIND(b, sqlite3_bind_text(ins, 4, comment ? comment : "", -1, SQLITE_STATIC));
	if (pl.snapshot)
		BIND(b, sqlite3_bind_null(ins, 5));
	else
		BIND(b, sqlite3_bind_int64(ins, 5, head));
	BIND(b, sqlite3_bind_int64(ins, 6, (sqlite3_int64)pl.prefix));
	BIND(b, sqlite3_bind_int64(ins, 7, (sqlite3_int64)pl.suffix));
	BIND(b, sqlite3_bind_int64(ins, 8, (sqlite3_int64)len));
	BIND(b, sqlite3_bind_int64(ins, 9, (sqlite3_int64)hash));
	/* a non-NULL pointer so an empty body is an empty blob, not NULL */
	BIND(b, sqlite3_bind_blob(ins, 10, mid ? text + pl.prefix : "", (int)mid, SQLITE_STATIC));
	if (b != SQLITE_OK) {
		store_bind_err(s, ins, b, "cannot store revision");
		goto fail;
	}
	if (store_step_done(s, ST_INSERT, "cannot store revision") < 0)
		goto fail;
	int64_t newseq = sqlite3_last_insert_rowid(s->db);
	if (head && newseq != head + 1) {
		cfg_err_set("configuration database %s: revision %lld stored as %lld", s->path,
		            (long long)head + 1, (long long)newseq);
		goto fail;
	}

	b = sqlite3_bind_int64(s->st[ST_TRIM], 1, newseq - (CFG_STORE_KEEP - 1));
	if (b != SQLITE_OK) {
		store_bind_err(s, s->st[ST_TRIM], b, "cannot trim revisions");
		goto fail;
	}
	if (store_step_done(s, ST_TRIM, "cannot trim revisions") < 0)
		goto fail;

	for (size_t i = 0; i < n_kv; i++)
		if (store_kv_bind_set(s, kv[2 * i], kv[2 * i + 1]) < 0)
			goto fail;

	if (store_step_done(s, ST_COMMIT, "cannot commit transaction") < 0)
		goto fail;

	/* the new text becomes the cached one: patch the old in place when it
	   is there (prefix and suffix are already right), else copy */
	if (have_base && !pl.snapshot &&
	    rebuild_reserve(&s->cache, len > s->cache.len ? len : s->cache.len) == 0) {
		memmove(s->cache.buf + pl.prefix + mid, s->cache.buf + s->cache.len - pl.suffix,
		        pl.suffix);
		memcpy(s->cache.buf + pl.prefix, text + pl.prefix, mid);
	} else if (rebuild_reserve(&s->cache, len) == 0) {
		memcpy(s->cache.buf, text, len);
	} else {
		store_cache_drop(s); /* loaded again when needed */
		goto done;
	}
	s->cache.len = len;
	s->cache.buf[len] = '\0';
	s->cache.seq = newseq;
	s->cache_hash = hash;
done:
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
	/* ST_GET stays active until the text is rebuilt: the records read
	   belong to the same snapshot of the database */
	sqlite3_stmt *st = s->st[ST_GET];
	sqlite3_bind_int(st, 1, (int)n);
	int rc = sqlite3_step(st);
	int ret = 0;
	if (rc == SQLITE_DONE) {
		ret = 1;
	} else if (rc != SQLITE_ROW) {
		ret = store_err(s, "cannot read revision");
	} else if (text) {
		struct cfg_rev_info tmp;
		store_row_info(st, &tmp);
		uint64_t hash = (uint64_t)sqlite3_column_int64(st, 6);
		size_t rlen = (size_t)sqlite3_column_int64(st, 5);
		char *t = NULL;
		size_t tl = 0;
		if (s->cache.buf && s->cache.seq == tmp.seq && s->cache.len == rlen &&
		    s->cache_hash == hash) {
			t = malloc(s->cache.len + 1);
			if (t) {
				memcpy(t, s->cache.buf, s->cache.len + 1);
				tl = s->cache.len;
			} else {
				ret = store_oom(s);
			}
		} else {
			struct rebuild r = {0};
			if (store_build(s, tmp.seq, n, &r) < 0) {
				ret = -1;
			} else if (n == 0) {
				/* the active revision: keep it for the next commit */
				t = malloc(r.len + 1);
				if (!t) {
					ret = store_oom(s);
				} else {
					memcpy(t, r.buf, r.len + 1);
					tl = r.len;
					store_cache_drop(s);
					s->cache = r;
					s->cache_hash = hash;
					r.buf = NULL;
				}
			} else {
				t = r.buf; /* the caller's */
				tl = r.len;
				r.buf = NULL;
			}
			free(r.buf);
		}
		if (ret == 0) {
			*text = t;
			if (len)
				*len = tl;
			if (info)
				*info = tmp;
		}
	} else {
		if (info)
			store_row_info(st, info);
		if (len)
			*len = (size_t)sqlite3_column_int64(st, 5);
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
	sqlite3_bind_int(st, 1, CFG_STORE_KEEP);
	struct cfg_rev_info *v = NULL;
	size_t cnt = 0, cap = 0;
	int rc, ret = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (cnt == cap) {
			size_t nc = cap ? cap * 2 : CFG_STORE_KEEP;
			struct cfg_rev_info *nv = realloc(v, nc * sizeof *nv);
			if (!nv) {
				ret = store_oom(s);
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
	sqlite3_clear_bindings(st);
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
			ret = store_oom(s);
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

	/* Ring shape and every revision rebuilt, in one read transaction. */
	if (store_exec(s, "BEGIN") < 0)
		return -1;
	ret = store_walk(s);
	if (ret == 0)
		ret = store_exec(s, "COMMIT");
	store_abort(s);
	return ret;
}
