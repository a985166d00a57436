/* Unit tests of cfg_store: the SQLite revision ring and key-value state. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "cfg_err.h"
#include "cfg_store.h"

struct fixture {
	char dir[64];
	char path[128];
	struct cfg_store *s;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	snprintf(f->dir, sizeof f->dir, "/tmp/nfx-test-store-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/config.db", f->dir);
	f->s = cfg_store_open(f->path);
	if (!f->s)
		fail_msg("open: %s", cfg_err_msg());
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	cfg_store_close(f->s);
	char p[256];
	const char *sfx[] = { "", "-wal", "-shm", "-journal" };
	for (size_t i = 0; i < sizeof sfx / sizeof *sfx; i++) {
		snprintf(p, sizeof p, "%s%s", f->path, sfx[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static void commit_str(struct cfg_store *s, const char *text, const char *comment, int64_t *seq)
{
	if (cfg_store_commit(s, text, strlen(text), "root", "cli", comment, seq) != 0)
		fail_msg("commit: %s", cfg_err_msg());
}

static void test_empty(void **state)
{
	struct fixture *f = *state;
	char *text = (char *)0x1;
	size_t len = 7;
	assert_int_equal(cfg_store_get(f->s, 0, &text, &len, NULL), 1);
	assert_ptr_equal(text, (char *)0x1); /* untouched */
	assert_int_equal(cfg_store_get(f->s, 49, &text, &len, NULL), 1);
	assert_int_equal(cfg_store_get(f->s, 50, &text, &len, NULL), 1);
	struct cfg_rev_info *infos = NULL;
	size_t n = 99;
	assert_int_equal(cfg_store_list(f->s, &infos, &n), 0);
	assert_int_equal(n, 0);
	free(infos);
	assert_int_equal(cfg_store_check(f->s), 0);
}

static void test_commit_get_list(void **state)
{
	struct fixture *f = *state;
	int64_t s1 = 0, s2 = 0;
	time_t t0 = time(NULL);
	commit_str(f->s, "set system host-name a\n", "first", &s1);
	if (cfg_store_commit(f->s, "set system host-name b\n", 23, "admin", "ssh", NULL, &s2) != 0)
		fail_msg("commit: %s", cfg_err_msg());
	assert_true(s2 > s1);

	char *text = NULL;
	size_t len = 0;
	struct cfg_rev_info info;
	assert_int_equal(cfg_store_get(f->s, 0, &text, &len, &info), 0);
	assert_string_equal(text, "set system host-name b\n");
	assert_int_equal(len, 23);
	assert_int_equal(info.seq, s2);
	assert_string_equal(info.user, "admin");
	assert_string_equal(info.client, "ssh");
	assert_string_equal(info.comment, "");
	assert_true(info.time >= t0 && info.time <= time(NULL) + 1);
	free(text);

	assert_int_equal(cfg_store_get(f->s, 1, &text, NULL, &info), 0);
	assert_string_equal(text, "set system host-name a\n");
	assert_int_equal(info.seq, s1);
	assert_string_equal(info.user, "root");
	assert_string_equal(info.client, "cli");
	assert_string_equal(info.comment, "first");
	free(text);

	/* info only */
	assert_int_equal(cfg_store_get(f->s, 1, NULL, &len, &info), 0);
	assert_int_equal(len, 23);
	assert_int_equal(cfg_store_get(f->s, 2, &text, &len, &info), 1);

	struct cfg_rev_info *infos = NULL;
	size_t n = 0;
	assert_int_equal(cfg_store_list(f->s, &infos, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(infos[0].seq, s2);
	assert_int_equal(infos[1].seq, s1);
	assert_string_equal(infos[1].comment, "first");
	free(infos);
	assert_int_equal(cfg_store_check(f->s), 0);
}

static void test_empty_text_and_binary(void **state)
{
	struct fixture *f = *state;
	/* an empty configuration is a valid revision */
	assert_int_equal(cfg_store_commit(f->s, "", 0, "root", "cli", NULL, NULL), 0);
	char *text = NULL;
	size_t len = 9;
	assert_int_equal(cfg_store_get(f->s, 0, &text, &len, NULL), 0);
	assert_int_equal(len, 0);
	assert_string_equal(text, "");
	free(text);
	/* NUL bytes survive (blob, not text) */
	assert_int_equal(cfg_store_commit(f->s, "a\0b", 3, "root", "cli", NULL, NULL), 0);
	assert_int_equal(cfg_store_get(f->s, 0, &text, &len, NULL), 0);
	assert_int_equal(len, 3);
	assert_memory_equal(text, "a\0b", 4);
	free(text);
	assert_int_equal(cfg_store_check(f->s), 0);
}

static void test_ring_keeps_50(void **state)
{
	struct fixture *f = *state;
	int64_t seqs[60];
	char buf[64];
	for (int i = 0; i < 60; i++) {
		snprintf(buf, sizeof buf, "set system host-name r%d\n", i);
		commit_str(f->s, buf, NULL, &seqs[i]);
		if (i)
			assert_int_equal(seqs[i], seqs[i - 1] + 1);
	}
	char *text = NULL;
	struct cfg_rev_info info;
	/* rollback 0 is the 60th commit */
	assert_int_equal(cfg_store_get(f->s, 0, &text, NULL, &info), 0);
	assert_string_equal(text, "set system host-name r59\n");
	assert_int_equal(info.seq, seqs[59]);
	free(text);
	/* rollback 49 is the 11th commit */
	assert_int_equal(cfg_store_get(f->s, 49, &text, NULL, &info), 0);
	assert_string_equal(text, "set system host-name r10\n");
	assert_int_equal(info.seq, seqs[10]);
	free(text);
	/* rollback 50 does not exist */
	text = NULL;
	assert_int_equal(cfg_store_get(f->s, 50, &text, NULL, &info), 1);
	assert_null(text);

	struct cfg_rev_info *infos = NULL;
	size_t n = 0;
	assert_int_equal(cfg_store_list(f->s, &infos, &n), 0);
	assert_int_equal(n, CFG_STORE_KEEP);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(infos[i].seq, seqs[59 - i]);
	free(infos);
	assert_int_equal(cfg_store_check(f->s), 0);

	/* seq stays monotonic after trimming */
	int64_t s = 0;
	commit_str(f->s, "x\n", NULL, &s);
	assert_int_equal(s, seqs[59] + 1);
}

static void test_kv(void **state)
{
	struct fixture *f = *state;
	char *v = NULL;
	assert_int_equal(cfg_store_kv_get(f->s, "uuid:vrtr1", &v), 1);
	assert_null(v);
	assert_int_equal(cfg_store_kv_set(f->s, "uuid:vrtr1", "1b4e28ba-2fa1-11d2-883f-0016d3cca427"), 0);
	assert_int_equal(cfg_store_kv_get(f->s, "uuid:vrtr1", &v), 0);
	assert_string_equal(v, "1b4e28ba-2fa1-11d2-883f-0016d3cca427");
	free(v);
	assert_int_equal(cfg_store_kv_set(f->s, "uuid:vrtr1", "other"), 0);
	assert_int_equal(cfg_store_kv_get(f->s, "uuid:vrtr1", &v), 0);
	assert_string_equal(v, "other");
	free(v);
	assert_int_equal(cfg_store_kv_set(f->s, "uuid:vrtr1", NULL), 0);
	assert_int_equal(cfg_store_kv_get(f->s, "uuid:vrtr1", &v), 1);
	/* deleting an absent key is fine */
	assert_int_equal(cfg_store_kv_set(f->s, "nope", NULL), 0);

	/* kv set together with a commit */
	const char *kv[] = { "confirm-deadline", "1700000000", "mac:vrtr1", "52:54:00:00:00:01" };
	int64_t seq = 0;
	assert_int_equal(cfg_store_commit_kv(f->s, "a\n", 2, "root", "commit confirmed", NULL, kv, 2,
	                                     &seq), 0);
	assert_true(seq > 0);
	assert_int_equal(cfg_store_kv_get(f->s, "confirm-deadline", &v), 0);
	assert_string_equal(v, "1700000000");
	free(v);
	const char *kv2[] = { "confirm-deadline", NULL };
	assert_int_equal(cfg_store_commit_kv(f->s, "b\n", 2, "root", "cli", NULL, kv2, 1, NULL), 0);
	assert_int_equal(cfg_store_kv_get(f->s, "confirm-deadline", &v), 1);
	assert_int_equal(cfg_store_kv_get(f->s, "mac:vrtr1", &v), 0);
	assert_string_equal(v, "52:54:00:00:00:01");
	free(v);
}

static void test_reopen(void **state)
{
	struct fixture *f = *state;
	int64_t s1 = 0;
	commit_str(f->s, "set a\n", "one", NULL);
	commit_str(f->s, "set b\n", "two", &s1);
	assert_int_equal(cfg_store_kv_set(f->s, "k", "v"), 0);
	cfg_store_close(f->s);
	f->s = cfg_store_open(f->path);
	if (!f->s)
		fail_msg("reopen: %s", cfg_err_msg());
	assert_int_equal(cfg_store_check(f->s), 0);
	char *text = NULL;
	struct cfg_rev_info info;
	assert_int_equal(cfg_store_get(f->s, 0, &text, NULL, &info), 0);
	assert_string_equal(text, "set b\n");
	assert_string_equal(info.comment, "two");
	assert_int_equal(info.seq, s1);
	free(text);
	assert_int_equal(cfg_store_get(f->s, 1, &text, NULL, &info), 0);
	assert_string_equal(text, "set a\n");
	free(text);
	char *v = NULL;
	assert_int_equal(cfg_store_kv_get(f->s, "k", &v), 0);
	assert_string_equal(v, "v");
	free(v);
	/* seq continues */
	int64_t s2 = 0;
	commit_str(f->s, "set c\n", NULL, &s2);
	assert_int_equal(s2, s1 + 1);

	/* the database file is private (it holds password hashes) */
	struct stat st;
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 077, 0);
}

static void test_big_revision(void **state)
{
	struct fixture *f = *state;
	/* ~6 MB: the size of a 100k-statement configuration */
	size_t n = 0, cap = 6u << 20;
	char *big = malloc(cap + 128);
	assert_non_null(big);
	for (unsigned i = 0; n < cap; i++)
		n += (size_t)sprintf(big + n, "set host-os vlans v%u vlan-id %u description \"x\"\n", i,
		                     i % 4094 + 1);
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	int64_t seq = 0;
	assert_int_equal(cfg_store_commit(f->s, big, n, "root", "cli", "big", &seq), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
	print_message("6 MB commit: %.1f ms\n", ms);
	assert_true(ms < 5000);

	char *text = NULL;
	size_t len = 0;
	assert_int_equal(cfg_store_get(f->s, 0, &text, &len, NULL), 0);
	assert_int_equal(len, n);
	assert_memory_equal(text, big, n);
	assert_int_equal(text[len], '\0');
	free(text);

	/* a second big one, then a small one: the ring and check stay fine */
	big[0] = 'S';
	assert_int_equal(cfg_store_commit(f->s, big, n, "root", "cli", NULL, NULL), 0);
	commit_str(f->s, "small\n", NULL, NULL);
	assert_int_equal(cfg_store_get(f->s, 1, &text, &len, NULL), 0);
	assert_int_equal(len, n);
	assert_memory_equal(text, big, n);
	free(text);
	free(big);
	assert_int_equal(cfg_store_check(f->s), 0);
}

/* ---- revisions stored as line deltas ---- */

/* A growable text of lines. */
struct text {
	char *p;
	size_t len, cap;
};

static void text_set(struct text *t, const char *p, size_t len)
{
	if (len + 1 > t->cap) {
		t->cap = len + 1 + len / 2;
		t->p = realloc(t->p, t->cap);
		assert_non_null(t->p);
	}
	memcpy(t->p, p, len);
	t->len = len;
	t->p[len] = '\0';
}

/* Replace bytes [at, at+del) of T with INS. */
static void text_splice(struct text *t, size_t at, size_t del, const char *ins, size_t n)
{
	assert_true(at + del <= t->len);
	size_t len = t->len - del + n;
	if (len + 1 > t->cap) {
		t->cap = len + 1 + len / 2;
		t->p = realloc(t->p, t->cap);
		assert_non_null(t->p);
	}
	memmove(t->p + at + n, t->p + at + del, t->len - at - del);
	memcpy(t->p + at, ins, n);
	t->len = len;
	t->p[len] = '\0';
}

static uint32_t rng_state = 12345;
static uint32_t rng(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return rng_state >> 8;
}

/* Start of the line containing byte I (or the end). */
static size_t line_at(const struct text *t, size_t i)
{
	while (i > 0 && t->p[i - 1] != '\n')
		i--;
	return i;
}

static size_t line_len(const struct text *t, size_t at)
{
	const char *nl = memchr(t->p + at, '\n', t->len - at);
	return nl ? (size_t)(nl - (t->p + at)) + 1 : t->len - at;
}

/* One small random edit: change, insert or delete a line. */
static void text_mutate(struct text *t, unsigned i)
{
	char line[96];
	int n = snprintf(line, sizeof line, "set host-os vlans edit%u vlan-id %u\n", i, rng() % 4094);
	size_t at = t->len ? line_at(t, rng() % t->len) : 0;
	switch (rng() % 3) {
	case 0: /* change */
		text_splice(t, at, at < t->len ? line_len(t, at) : 0, line, (size_t)n);
		break;
	case 1: /* insert */
		text_splice(t, at, 0, line, (size_t)n);
		break;
	default: /* delete (keep at least one line) */
		if (at < t->len && line_len(t, at) < t->len)
			text_splice(t, at, line_len(t, at), "", 0);
		else
			text_splice(t, at, 0, line, (size_t)n);
	}
}

/* Change line I*37 (mod the line count) of T: never an empty delta. */
static void text_change(struct text *t, unsigned i)
{
	char line[96];
	int n = snprintf(line, sizeof line, "set host-os vlans edit%u vlan-id %u\n", i, i);
	size_t at = 0;
	for (unsigned k = (i * 37) % 500; k > 0 && at < t->len; k--)
		at += line_len(t, at);
	text_splice(t, at, at < t->len ? line_len(t, at) : 0, line, (size_t)n);
}

static void make_lines(struct text *t, unsigned n, const char *tag)
{
	t->len = 0;
	char line[96];
	for (unsigned i = 0; i < n; i++) {
		int k = snprintf(line, sizeof line, "set host-os vlans %s%u vlan-id %u\n", tag, i,
		                 i % 4094 + 1);
		text_splice(t, t->len, 0, line, (size_t)k);
	}
}

static void commit_text(struct cfg_store *s, const struct text *t, int64_t *seq)
{
	if (cfg_store_commit(s, t->p, t->len, "root", "cli", NULL, seq) != 0)
		fail_msg("commit: %s", cfg_err_msg());
}

/* Rollback N must be exactly WANT. */
static void expect_rev(struct cfg_store *s, unsigned n, const struct text *want)
{
	char *text = NULL;
	size_t len = 0;
	if (cfg_store_get(s, n, &text, &len, NULL) != 0)
		fail_msg("rollback %u: %s", n, cfg_err_msg());
	if (len != want->len || memcmp(text, want->p, len) != 0 || text[len] != '\0')
		fail_msg("rollback %u differs (%zu bytes, want %zu)", n, len, want->len);
	free(text);
	/* info-only get gives the length too */
	assert_int_equal(cfg_store_get(s, n, NULL, &len, NULL), 0);
	assert_int_equal(len, want->len);
}

/* The raw rows: how many, how many snapshots, and the longest delta chain
   (records needed to rebuild a revision). */
static void raw_shape(const char *path, int *rows, int *snaps, int *chain)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT base IS NULL FROM revisions ORDER BY seq",
	                                    -1, &st, NULL), SQLITE_OK);
	*rows = *snaps = *chain = 0;
	int cur = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		(*rows)++;
		if (sqlite3_column_int(st, 0)) {
			(*snaps)++;
			cur = 1;
		} else {
			assert_true(*rows > 1); /* the oldest row is always a snapshot */
			cur++;
		}
		if (cur > *chain)
			*chain = cur;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void raw_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "?");
	sqlite3_close(db);
}

#define N_SMALL 130

static void test_delta_small_changes(void **state)
{
	struct fixture *f = *state;
	struct text hist[N_SMALL] = { 0 };
	struct text cur = { 0 };
	make_lines(&cur, 3000, "v");
	rng_state = 1;
	for (unsigned i = 0; i < N_SMALL; i++) {
		if (i)
			text_mutate(&cur, i);
		text_set(&hist[i], cur.p, cur.len);
		int64_t seq = 0;
		commit_text(f->s, &cur, &seq);
		assert_int_equal(seq, (int64_t)i + 1);
		/* every kept revision after every commit: trimming crosses
		   snapshot boundaries many times */
		unsigned kept = i + 1 < CFG_STORE_KEEP ? i + 1 : CFG_STORE_KEEP;
		for (unsigned n = 0; n < kept; n += (i % 7 == 0 ? 1 : 6))
			expect_rev(f->s, n, &hist[i - n]);
		expect_rev(f->s, kept - 1, &hist[i + 1 - kept]);
		char *t = NULL;
		assert_int_equal(cfg_store_get(f->s, kept, &t, NULL, NULL), 1);
	}
	for (unsigned n = 0; n < CFG_STORE_KEEP; n++)
		expect_rev(f->s, n, &hist[N_SMALL - 1 - n]);
	assert_int_equal(cfg_store_check(f->s), 0);

	/* list shows exactly the ring */
	struct cfg_rev_info *infos = NULL;
	size_t n = 0;
	assert_int_equal(cfg_store_list(f->s, &infos, &n), 0);
	assert_int_equal(n, CFG_STORE_KEEP);
	assert_int_equal(infos[0].seq, N_SMALL);
	assert_int_equal(infos[n - 1].seq, N_SMALL - CFG_STORE_KEEP + 1);
	free(infos);

	/* stored as deltas: a snapshot every 16 revisions, at most 15 rows
	   kept beyond the ring to rebuild its oldest */
	int rows, snaps, chain;
	raw_shape(f->path, &rows, &snaps, &chain);
	assert_true(rows >= CFG_STORE_KEEP && rows <= CFG_STORE_KEEP + 15);
	assert_true(chain <= 16);
	assert_true(snaps >= 3 && snaps <= 5);

	/* reopen: the cache is loaded again, the next commit is a delta */
	cfg_store_close(f->s);
	f->s = cfg_store_open(f->path);
	if (!f->s)
		fail_msg("reopen: %s", cfg_err_msg());
	text_mutate(&cur, 999);
	int64_t seq = 0;
	commit_text(f->s, &cur, &seq);
	assert_int_equal(seq, N_SMALL + 1);
	expect_rev(f->s, 0, &cur);
	for (unsigned k = 1; k < CFG_STORE_KEEP; k++)
		expect_rev(f->s, k, &hist[N_SMALL - k]);
	int rows2, snaps2, chain2;
	raw_shape(f->path, &rows2, &snaps2, &chain2);
	assert_true(chain2 <= 16);
	assert_int_equal(cfg_store_check(f->s), 0);

	for (unsigned i = 0; i < N_SMALL; i++)
		free(hist[i].p);
	free(cur.p);
}

static void test_delta_large_changes(void **state)
{
	struct fixture *f = *state;
	struct text a = { 0 }, b = { 0 }, c = { 0 };
	make_lines(&a, 2000, "a");
	make_lines(&b, 2000, "b");
	/* alternate two unrelated texts: every revision a snapshot */
	for (int i = 0; i < 6; i++)
		commit_text(f->s, i % 2 ? &b : &a, NULL);
	int rows, snaps, chain;
	raw_shape(f->path, &rows, &snaps, &chain);
	assert_int_equal(rows, 6);
	assert_int_equal(snaps, 6);
	for (unsigned n = 0; n < 6; n++) /* rollback 0 is the 6th: b */
		expect_rev(f->s, n, n % 2 ? &a : &b);

	/* changes at both ends: the middle is most of the text -> snapshot */
	text_set(&c, a.p, a.len);
	text_splice(&c, 0, line_len(&c, 0), "set first\n", 10);
	text_splice(&c, line_at(&c, c.len - 1), line_len(&c, line_at(&c, c.len - 1)), "set last\n",
	            9);
	commit_text(f->s, &c, NULL);
	raw_shape(f->path, &rows, &snaps, &chain);
	assert_int_equal(snaps, 7);
	/* a change near the end only: a delta */
	text_splice(&c, line_at(&c, c.len - 100), 0, "set near-end\n", 13);
	commit_text(f->s, &c, NULL);
	raw_shape(f->path, &rows, &snaps, &chain);
	assert_int_equal(rows, 8);
	assert_int_equal(snaps, 7);
	expect_rev(f->s, 0, &c);
	expect_rev(f->s, 2, &b);
	assert_int_equal(cfg_store_check(f->s), 0);
	free(a.p);
	free(b.p);
	free(c.p);
}

/* Deltas at the edges: no trailing newline, empty texts, repeated lines,
   identical commits, growing and shrinking at either end, NUL bytes. */
static void test_delta_edges(void **state)
{
	struct fixture *f = *state;
	static const char *const texts[] = {
		"a\nb\nc\nd\ne\nf\ng\nh\n",
		"a\nb\nc\nd\ne\nf\ng\nh\n",       /* identical */
		"a\nb\nc\nd\ne\nf\ng\nh\ni\n",    /* append */
		"0\na\nb\nc\nd\ne\nf\ng\nh\ni\n", /* prepend */
		"0\na\nb\nc\nd\ne\nf\ng\nh\ni",   /* no final newline */
		"0\na\nb\nc\nd\ne\nf\ng\nh\nij",  /* last line changed */
		"0\na\nb\nc\nd\ne\nf\ng\nh\n",
		"x\nx\nx\nx\nx\nx\nx\nx\nx\nx\n",
		"x\nx\nx\nx\nx\nx\nx\nx\nx\n", /* repeated lines: prefix and suffix overlap */
		"x\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx\n",
		"",
		"",
		"x\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx\n",
		"xx\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx\n",
		"xx\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx",
		"xx\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx",
		"xx\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx\n\n\n",
		"xx\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx\n\n",
	};
	size_t nt = sizeof texts / sizeof *texts;
	for (size_t i = 0; i < nt; i++) {
		commit_str(f->s, texts[i], NULL, NULL);
		for (size_t n = 0; n <= i; n++) {
			char *t = NULL;
			size_t len = 0;
			if (cfg_store_get(f->s, (unsigned)n, &t, &len, NULL) != 0)
				fail_msg("after %zu: rollback %zu: %s", i, n, cfg_err_msg());
			assert_int_equal(len, strlen(texts[i - n]));
			assert_string_equal(t, texts[i - n]);
			free(t);
		}
	}
	/* NUL bytes in a delta */
	char bin[64] = "line1\nline2\nli\0e3\nline4\nline5\nline6\nline7\n";
	size_t bl = 41;
	assert_int_equal(cfg_store_commit(f->s, bin, bl, "root", "cli", NULL, NULL), 0);
	bin[20] = '\0';
	assert_int_equal(cfg_store_commit(f->s, bin, bl, "root", "cli", NULL, NULL), 0);
	char *t = NULL;
	size_t len = 0;
	assert_int_equal(cfg_store_get(f->s, 0, &t, &len, NULL), 0);
	assert_int_equal(len, bl);
	assert_memory_equal(t, bin, bl);
	free(t);
	assert_int_equal(cfg_store_check(f->s), 0);
}

/* Two handles on one database: each one's cached text may go stale. */
static void test_two_writers(void **state)
{
	struct fixture *f = *state;
	struct cfg_store *o = cfg_store_open(f->path);
	if (!o)
		fail_msg("open: %s", cfg_err_msg());
	struct text t = { 0 }, hist[40] = { 0 };
	make_lines(&t, 500, "w");
	rng_state = 7;
	for (unsigned i = 0; i < 40; i++) {
		if (i)
			text_mutate(&t, i);
		text_set(&hist[i], t.p, t.len);
		commit_text(i % 3 ? f->s : o, &t, NULL);
		expect_rev(i % 2 ? f->s : o, 0, &t);
	}
	for (unsigned n = 0; n < 40; n++) {
		expect_rev(f->s, n, &hist[39 - n]);
		expect_rev(o, n, &hist[39 - n]);
	}
	assert_int_equal(cfg_store_check(o), 0);
	cfg_store_close(o);
	for (unsigned i = 0; i < 40; i++)
		free(hist[i].p);
	free(t.p);
}

static void test_damaged(void **state)
{
	struct fixture *f = *state;
	struct text t = { 0 }, hist[10] = { 0 };
	make_lines(&t, 1000, "d");
	rng_state = 3;
	for (unsigned i = 0; i < 10; i++) {
		if (i)
			text_change(&t, i);
		text_set(&hist[i], t.p, t.len);
		commit_text(f->s, &t, NULL);
	}
	int rows, snaps, chain;
	raw_shape(f->path, &rows, &snaps, &chain);
	assert_int_equal(snaps, 1); /* seq 1 the snapshot, 2..10 deltas */
	cfg_store_close(f->s);

	/* flip a byte in the body of delta 5 (rollback 5); same length */
	raw_exec(f->path, "UPDATE revisions SET body = CAST(replace(CAST(body AS TEXT), 'e', 'E') "
	                  "AS BLOB) WHERE seq = 5");
	f->s = cfg_store_open(f->path);
	if (!f->s)
		fail_msg("reopen: %s", cfg_err_msg());
	char *text = NULL;
	cfg_err_clear();
	assert_int_equal(cfg_store_get(f->s, 5, &text, NULL, NULL), -1);
	assert_non_null(strstr(cfg_err_msg(), "revision 5 is damaged"));
	/* the revisions built on it are damaged too; the older ones are fine */
	assert_int_equal(cfg_store_get(f->s, 0, &text, NULL, NULL), -1);
	assert_non_null(strstr(cfg_err_msg(), "revision 10 is damaged"));
	expect_rev(f->s, 6, &hist[3]);
	/* info still readable */
	struct cfg_rev_info info;
	assert_int_equal(cfg_store_get(f->s, 5, NULL, NULL, &info), 0);
	assert_int_equal(info.seq, 5);
	cfg_err_clear();
	assert_int_equal(cfg_store_check(f->s), -1);
	assert_non_null(strstr(cfg_err_msg(), "revision 5 is damaged"));

	/* a commit on a damaged active revision stores a whole text: the
	   store is usable again from there */
	text_change(&t, 100);
	commit_text(f->s, &t, NULL);
	expect_rev(f->s, 0, &t);
	cfg_store_close(f->s);

	/* a delta that does not fit its base, and a wrong hash */
	raw_exec(f->path, "UPDATE revisions SET prefix = 100000000 WHERE seq = 3");
	raw_exec(f->path, "UPDATE revisions SET hash = hash + 1 WHERE seq = 2");
	f->s = cfg_store_open(f->path);
	if (!f->s)
		fail_msg("reopen: %s", cfg_err_msg());
	assert_int_equal(cfg_store_get(f->s, 9, &text, NULL, NULL), -1);
	assert_non_null(strstr(cfg_err_msg(), "revision 2 is damaged"));
	assert_non_null(strstr(cfg_err_msg(), "hash"));
	assert_int_equal(cfg_store_get(f->s, 8, &text, NULL, NULL), -1);
	assert_non_null(strstr(cfg_err_msg(), "revision 3 is damaged"));
	expect_rev(f->s, 10, &hist[0]);
	expect_rev(f->s, 0, &t);
	assert_int_equal(cfg_store_check(f->s), -1);
	assert_non_null(strstr(cfg_err_msg(), "revision 2 is damaged"));
	for (unsigned i = 0; i < 10; i++)
		free(hist[i].p);
	free(t.p);
}

/* A format 1 store (every revision a full text) is converted on open. */
static void test_migrate_v1(void **state)
{
	struct fixture *f = *state;
	cfg_store_close(f->s);
	f->s = NULL;
	char path[160];
	snprintf(path, sizeof path, "%s/v1.db", f->dir);
	struct text a = { 0 }, b = { 0 };
	make_lines(&a, 1000, "m");
	text_set(&b, a.p, a.len);
	text_splice(&b, line_at(&b, b.len / 2), 0, "set inserted\n", 13);
	{
		sqlite3 *db = NULL;
		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db,
		                              "PRAGMA journal_mode=WAL;"
		                              "CREATE TABLE revisions (seq INTEGER PRIMARY KEY, time "
		                              "INTEGER NOT NULL, user TEXT NOT NULL, client TEXT NOT "
		                              "NULL, comment TEXT NOT NULL, text BLOB NOT NULL);"
		                              "CREATE TABLE kv (key TEXT PRIMARY KEY, val TEXT NOT NULL);"
		                              "INSERT INTO kv VALUES ('k', 'v');"
		                              "PRAGMA user_version=1;",
		                              NULL, NULL, NULL),
		                 SQLITE_OK);
		sqlite3_stmt *st = NULL;
		assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO revisions VALUES (?1, 1700000000, "
		                                        "'root', 'cli', ?2, ?3)", -1, &st, NULL),
		                 SQLITE_OK);
		for (int i = 5; i <= 8; i++) { /* seqs 5..8 (older ones trimmed) */
			const struct text *t = i % 2 ? &b : &a;
			char c[16];
			snprintf(c, sizeof c, "c%d", i);
			sqlite3_bind_int(st, 1, i);
			sqlite3_bind_text(st, 2, c, -1, SQLITE_TRANSIENT);
			sqlite3_bind_blob(st, 3, t->p, (int)t->len, SQLITE_STATIC);
			assert_int_equal(sqlite3_step(st), SQLITE_DONE);
			sqlite3_reset(st);
		}
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	struct cfg_store *s = cfg_store_open(path);
	if (!s)
		fail_msg("open v1: %s", cfg_err_msg());
	assert_int_equal(cfg_store_check(s), 0);
	for (unsigned n = 0; n < 4; n++) {
		struct cfg_rev_info info;
		expect_rev(s, n, n % 2 ? &b : &a); /* seq 8 (rollback 0) is a */
		assert_int_equal(cfg_store_get(s, n, NULL, NULL, &info), 0);
		assert_int_equal(info.seq, 8 - (int)n);
		char c[16];
		snprintf(c, sizeof c, "c%d", 8 - (int)n);
		assert_string_equal(info.comment, c);
		assert_int_equal(info.time, 1700000000);
	}
	char *v = NULL;
	assert_int_equal(cfg_store_kv_get(s, "k", &v), 0);
	assert_string_equal(v, "v");
	free(v);
	int64_t seq = 0;
	commit_text(s, &a, &seq);
	assert_int_equal(seq, 9);
	cfg_store_close(s);
	int rows, snaps, chain;
	raw_shape(path, &rows, &snaps, &chain);
	assert_int_equal(rows, 5);
	assert_int_equal(snaps, 1); /* converted to deltas where they pay */

	/* a format this code does not know is refused and left alone */
	raw_exec(path, "PRAGMA user_version=99");
	cfg_err_clear();
	assert_null(cfg_store_open(path));
	assert_non_null(strstr(cfg_err_msg(), "unknown format version 99"));
	{
		sqlite3 *db = NULL;
		sqlite3_stmt *st = NULL;
		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL),
		                 SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(st, 0), 99);
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	char p[200];
	const char *sfx[] = { "", "-wal", "-shm" };
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s%s", path, sfx[i]);
		unlink(p);
	}
	free(a.p);
	free(b.p);
}

static void test_open_errors(void **state)
{
	(void)state;
	cfg_err_clear();
	assert_null(cfg_store_open("/nonexistent-dir/x/config.db"));
	assert_true(strlen(cfg_err_msg()) > 0);
	assert_null(cfg_store_open(NULL));
	cfg_store_close(NULL); /* accepts NULL */

	/* not a database */
	char dir[] = "/tmp/nfx-test-store-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char p[128];
	snprintf(p, sizeof p, "%s/junk.db", dir);
	FILE *fp = fopen(p, "w");
	assert_non_null(fp);
	for (int i = 0; i < 1000; i++)
		fputs("this is not a database file at all\n", fp);
	fclose(fp);
	cfg_err_clear();
	struct cfg_store *s = cfg_store_open(p);
	assert_null(s);
	assert_true(strlen(cfg_err_msg()) > 0);
	unlink(p);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commit_get_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_text_and_binary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ring_keeps_50, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_big_revision, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delta_small_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delta_large_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delta_edges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_writers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_v1, setup, teardown),
		cmocka_unit_test(test_open_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
