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
		cmocka_unit_test(test_open_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
