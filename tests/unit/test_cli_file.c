/* cli_file: where `save FILE` may write (the user's home, no symlink, not
 * the daemon's state directory, only the user's own regular files) and how
 * `load ... FILE` reads. */
#include "test_common.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg_err.h"
#include "cli_file.h"

static char home[64], state[128], outside[64];

static char *slurp(const char *path)
{
	size_t len;
	char *t = cli_file_read(NULL, path, 1 << 20, &len);
	if (!t)
		fail_msg("%s: %s", path, cfg_err_msg());
	return t;
}

static int save(const char *name, const char *text)
{
	size_t lines = 0;
	int rc = cli_file_save(home, state, name, text, strlen(text), &lines);
	if (rc == 0)
		assert_int_equal(lines, (size_t)(strchr(text, '\n') ? 2 : 1));
	return rc;
}

static int setup(void **st)
{
	(void)st;
	snprintf(home, sizeof home, "/tmp/nfx-clifile-XXXXXX");
	snprintf(outside, sizeof outside, "/tmp/nfx-clifile-out-XXXXXX");
	if (!mkdtemp(home) || !mkdtemp(outside))
		return -1;
	snprintf(state, sizeof state, "%s/box", home);
	if (mkdir(state, 0700) < 0)
		return -1;
	return 0;
}

static int teardown(void **st)
{
	(void)st;
	char cmd[256];
	const char *argv[] = {home, outside};
	for (int i = 0; i < 2; i++) {
		/* small trees of our own: remove them file by file */
		snprintf(cmd, sizeof cmd, "%s", argv[i]);
		const char *names[] = {"a.txt", "sub/b.txt", "sub", "box/jdm.db", "box", "link",
		                       "dlink/x", "dlink", "fifo", "victim", "abs.txt", "hard", NULL};
		for (size_t k = 0; names[k]; k++) {
			char p[PATH_MAX];
			snprintf(p, sizeof p, "%s/%s", cmd, names[k]);
			if (unlink(p) < 0)
				rmdir(p);
		}
		rmdir(cmd);
	}
	return 0;
}

static void test_save_in_home(void **st)
{
	(void)st;
	char p[PATH_MAX];
	assert_int_equal(save("a.txt", "one\ntwo\n"), 0);
	snprintf(p, sizeof p, "%s/a.txt", home);
	char *t = slurp(p);
	assert_string_equal(t, "one\ntwo\n");
	free(t);
	struct stat sb;
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(sb.st_uid, geteuid());
	/* overwrite: truncated first */
	assert_int_equal(save("a.txt", "x"), 0);
	t = slurp(p);
	assert_string_equal(t, "x");
	free(t);
	/* an absolute name inside the home, a subdirectory */
	snprintf(p, sizeof p, "%s/sub", home);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof p, "%s/sub/b.txt", home);
	assert_int_equal(save(p, "b\nc"), 0);
	assert_int_equal(save("./sub//b.txt", "b\nc"), 0);
}

static void test_save_refused(void **st)
{
	(void)st;
	char p[PATH_MAX], q[PATH_MAX];
	/* `..` anywhere, outside the home, the home itself */
	assert_int_equal(save("../x.txt", "x"), -1);
	assert_non_null(strstr(cfg_err_msg(), "'..'"));
	assert_int_equal(save("sub/../../x.txt", "x"), -1);
	snprintf(p, sizeof p, "%s/abs.txt", outside);
	assert_int_equal(save(p, "x"), -1);
	assert_non_null(strstr(cfg_err_msg(), "not in your home directory"));
	assert_int_equal(access(p, F_OK), -1);
	assert_int_equal(save("/etc/x.txt", "x"), -1);
	assert_int_equal(save(".", "x"), -1);
	assert_int_equal(save("", "x"), -1);
	/* the daemon's state directory, by relative and absolute name */
	snprintf(p, sizeof p, "%s/jdm.db", state);
	int fd = open(p, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "SQLite", 6), 6);
	close(fd);
	assert_int_equal(save("box/jdm.db", "x"), -1);
	assert_non_null(strstr(cfg_err_msg(), "state directory"));
	assert_int_equal(save(p, "x"), -1);
	assert_int_equal(save("box/new", "x"), -1);
	/* a symbolic link: the last component, and a directory on the way */
	snprintf(q, sizeof q, "%s/link", home);
	assert_int_equal(symlink(p, q), 0);
	assert_int_equal(save("link", "x"), -1);
	assert_non_null(strstr(cfg_err_msg(), "symbolic link"));
	snprintf(q, sizeof q, "%s/dlink", home);
	assert_int_equal(symlink(outside, q), 0);
	assert_int_equal(save("dlink/x", "x"), -1);
	assert_non_null(strstr(cfg_err_msg(), "symbolic link"));
	snprintf(q, sizeof q, "%s/x", outside);
	assert_int_equal(access(q, F_OK), -1);
	char *t = slurp(p);
	assert_string_equal(t, "SQLite"); /* the "store" is intact */
	free(t);
	/* not a regular file */
	snprintf(q, sizeof q, "%s/fifo", home);
	assert_int_equal(mkfifo(q, 0600), 0);
	assert_int_equal(save("fifo", "x"), -1);
	assert_non_null(strstr(cfg_err_msg(), "not a regular file"));
	assert_int_equal(save("sub", "x"), -1);
	/* a second link to a file elsewhere */
	snprintf(p, sizeof p, "%s/victim", outside);
	fd = open(p, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);
	snprintf(q, sizeof q, "%s/hard", home);
	assert_int_equal(link(p, q), 0);
	assert_int_equal(save("hard", "x"), -1);
	assert_non_null(strstr(cfg_err_msg(), "other links"));
	/* a home that is not the user's own (as "/" would be) */
	if (geteuid() == 0) {
		assert_int_equal(chown(home, 12345, (gid_t)-1), 0);
		assert_int_equal(save("a.txt", "x"), -1);
		assert_non_null(strstr(cfg_err_msg(), "is not yours"));
		assert_int_equal(chown(home, 0, (gid_t)-1), 0);
	}
	/* no home */
	size_t lines;
	assert_int_equal(cli_file_save(NULL, NULL, "a.txt", "x", 1, &lines), -1);
}

static void test_read(void **st)
{
	(void)st;
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/a.txt", home);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "set system host-name x\n", 23), 23);
	close(fd);
	size_t len;
	char *t = cli_file_read(home, "a.txt", 1 << 20, &len);
	assert_non_null(t);
	assert_int_equal(len, 23);
	free(t);
	t = cli_file_read(home, p, 1 << 20, &len);
	assert_non_null(t);
	free(t);
	assert_null(cli_file_read(home, "a.txt", 10, &len));
	assert_non_null(strstr(cfg_err_msg(), "too large"));
	assert_null(cli_file_read(home, "nosuchfile", 1 << 20, &len));
	assert_string_equal(cfg_err_msg(), "No such file or directory");
	assert_null(cli_file_read(home, "sub", 1 << 20, &len));
	assert_string_equal(cfg_err_msg(), "Is a directory");
	assert_null(cli_file_read(home, "fifo", 1 << 20, &len));
	assert_string_equal(cfg_err_msg(), "not a regular file");
	if (geteuid() != 0) {
		assert_int_equal(chmod(p, 0), 0);
		assert_null(cli_file_read(home, "a.txt", 1 << 20, &len));
		assert_string_equal(cfg_err_msg(), "Permission denied");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_save_in_home),
		cmocka_unit_test(test_save_refused),
		cmocka_unit_test(test_read),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
