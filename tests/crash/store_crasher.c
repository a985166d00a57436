/* store-crasher — commits revisions to a cfg_store until killed, and checks
 * what a kill left behind. Driven by tests/crash/test_store_crash.sh.
 *
 *   store-crasher write DB      commit forever; after each commit print
 *                               "committed SEQ" (flushed) on stdout
 *   store-crasher check DB MIN  open DB, check it, and verify that every
 *                               kept revision is whole, the ring is
 *                               consecutive, the kv state matches the active
 *                               revision and the active seq is >= MIN (a
 *                               commit that returned is durable). Prints the
 *                               active seq. Exit 0 if all is well.
 *
 * A revision is self-describing: "rev SEQ LEN\n" followed by numbered lines
 * "0\n", "1\n", ... padded with '.' to exactly LEN bytes and a final
 * "end LEN\n". Sizes grow from 100 bytes to ~6 MB and wrap around, so kills
 * land in small and big commits alike; the size changes every 20 revisions,
 * and in between only the first line changes, so the store keeps most
 * revisions as deltas (and a snapshot at least every 16) and trims past
 * snapshots. The kv key "last" is set to SEQ in the same transaction
 * (cfg_store_commit_kv).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_err.h"
#include "cfg_store.h"

#define MAX_SIZE (6u << 20)

static char *make_rev(int64_t seq, size_t len)
{
	char *t = malloc(len + 1);
	if (!t)
		abort();
	char head[64], tail[64], line[32];
	int hn = snprintf(head, sizeof head, "rev %" PRId64 " %zu\n", seq, len);
	int tn = snprintf(tail, sizeof tail, "end %zu\n", len);
	size_t n = 0;
	memcpy(t, head, (size_t)hn);
	n = (size_t)hn;
	for (unsigned k = 0;; k++) {
		int ln = snprintf(line, sizeof line, "%u\n", k);
		if (n + (size_t)ln + (size_t)tn > len)
			break;
		memcpy(t + n, line, (size_t)ln);
		n += (size_t)ln;
	}
	memset(t + n, '.', len - (size_t)tn - n);
	memcpy(t + len - (size_t)tn, tail, (size_t)tn);
	t[len] = '\0';
	return t;
}

static size_t size_for(int64_t seq)
{
	/* geometric growth 100 B .. ~6 MB, then start again; the same size
	   for 20 revisions in a row */
	int64_t group = seq / 20;
	size_t len = 100;
	for (int64_t i = 0; i < group % 22; i++)
		len = len * 7 / 4;
	if (len > MAX_SIZE)
		len = MAX_SIZE;
	return len + (size_t)(group % 13);
}

/* Is TEXT exactly what make_rev(SEQ, ...) produced? */
static int rev_whole(const char *text, size_t len, int64_t seq)
{
	long long hs;
	size_t hl;
	int off = 0;
	if (sscanf(text, "rev %lld %zu\n%n", &hs, &hl, &off) != 2 || off == 0)
		return fprintf(stderr, "seq %" PRId64 ": bad header\n", seq), -1;
	if (hs != seq || hl != len)
		return fprintf(stderr, "seq %" PRId64 ": header says seq %lld len %zu, have len %zu\n",
		               seq, hs, hl, len), -1;
	char *want = make_rev(seq, len);
	int ok = memcmp(want, text, len) == 0;
	free(want);
	if (!ok)
		return fprintf(stderr, "seq %" PRId64 ": body differs\n", seq), -1;
	return 0;
}

static int do_write(const char *path)
{
	struct cfg_store *s = cfg_store_open(path);
	if (!s)
		return fprintf(stderr, "open: %s\n", cfg_err_msg()), 1;
	struct cfg_rev_info info;
	int64_t next = 1;
	int r = cfg_store_get(s, 0, NULL, NULL, &info);
	if (r < 0)
		return fprintf(stderr, "get: %s\n", cfg_err_msg()), 1;
	if (r == 0)
		next = info.seq + 1;
	for (;; next++) {
		size_t len = size_for(next);
		char *t = make_rev(next, len);
		char last[32];
		snprintf(last, sizeof last, "%" PRId64, next);
		const char *kv[] = { "last", last };
		int64_t got = 0;
		if (cfg_store_commit_kv(s, t, len, "crasher", "cli", last, kv, 1, &got) < 0)
			return fprintf(stderr, "commit: %s\n", cfg_err_msg()), 1;
		free(t);
		if (got != next)
			return fprintf(stderr, "commit got seq %" PRId64 ", expected %" PRId64 "\n", got,
			               next), 1;
		printf("committed %" PRId64 "\n", got);
		fflush(stdout);
	}
}

static int do_check(const char *path, int64_t min)
{
	struct cfg_store *s = cfg_store_open(path);
	if (!s)
		return fprintf(stderr, "open: %s\n", cfg_err_msg()), 1;
	int bad = 0;
	if (cfg_store_check(s) < 0) {
		fprintf(stderr, "check: %s\n", cfg_err_msg());
		bad = 1;
	}
	struct cfg_rev_info *infos = NULL;
	size_t n = 0;
	if (cfg_store_list(s, &infos, &n) < 0) {
		fprintf(stderr, "list: %s\n", cfg_err_msg());
		cfg_store_close(s);
		return 1;
	}
	if (n > CFG_STORE_KEEP) {
		fprintf(stderr, "%zu revisions kept\n", n);
		bad = 1;
	}
	int64_t active = 0;
	for (size_t i = 0; i < n; i++) {
		char *text = NULL;
		size_t len = 0;
		struct cfg_rev_info info;
		if (cfg_store_get(s, (unsigned)i, &text, &len, &info) != 0) {
			fprintf(stderr, "rollback %zu unreadable: %s\n", i, cfg_err_msg());
			bad = 1;
			continue;
		}
		if (info.seq != infos[i].seq || (i > 0 && infos[i].seq != infos[i - 1].seq - 1)) {
			fprintf(stderr, "rollback %zu has seq %" PRId64 "\n", i, info.seq);
			bad = 1;
		}
		char want_comment[32];
		snprintf(want_comment, sizeof want_comment, "%" PRId64, info.seq);
		if (strcmp(info.comment, want_comment) != 0 || strcmp(info.user, "crasher") != 0) {
			fprintf(stderr, "rollback %zu: comment '%s' user '%s'\n", i, info.comment,
			        info.user);
			bad = 1;
		}
		if (rev_whole(text, len, info.seq) < 0)
			bad = 1;
		if (i == 0)
			active = info.seq;
		free(text);
	}
	free(infos);
	/* once 50 commits happened the ring is full */
	if (active >= CFG_STORE_KEEP && n != CFG_STORE_KEEP) {
		fprintf(stderr, "active seq %" PRId64 " but %zu revisions kept\n", active, n);
		bad = 1;
	}
	char *last = NULL;
	int r = cfg_store_kv_get(s, "last", &last);
	if (n == 0 ? r != 1 : (r != 0 || strtoll(last, NULL, 10) != active)) {
		fprintf(stderr, "kv last = %s, active seq %" PRId64 "\n", r == 0 ? last : "(none)",
		        active);
		bad = 1;
	}
	free(last);
	if (active < min) {
		fprintf(stderr, "active seq %" PRId64 " < last reported commit %" PRId64 "\n", active,
		        min);
		bad = 1;
	}
	cfg_store_close(s);
	printf("%" PRId64 "\n", active);
	return bad;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "write"))
		return do_write(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "check"))
		return do_check(argv[2], strtoll(argv[3], NULL, 10));
	fprintf(stderr, "usage: store-crasher write DB | check DB MIN-SEQ\n");
	return 2;
}
