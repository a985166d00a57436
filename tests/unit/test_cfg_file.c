/* cfg_file: `file list|show|delete` (and the source of `file copy`) stay in
 * the home and the image directory: `..`, absolute paths outside and
 * symbolic links (as the file or as a directory on the way) are refused;
 * the image directory is read, never deleted in; the listing has Junos's
 * shape. */
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg_buf.h"
#include "cfg_err.h"
#include "cfg_file.h"

static char top[64], home[96], img[96], path[256];

static const char *at(const char *dir, const char *name)
{
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return path;
}

static void put(const char *dir, const char *name, const char *text)
{
	FILE *f = fopen(at(dir, name), "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **st)
{
	(void)st;
	snprintf(top, sizeof top, "/tmp/nfx-cfgfile-XXXXXX");
	if (!mkdtemp(top))
		return -1;
	snprintf(home, sizeof home, "%s/home", top);
	snprintf(img, sizeof img, "%s/images", top);
	if (mkdir(home, 0700) < 0 || mkdir(img, 0755) < 0 || mkdir(at(home, "sub"), 0700) < 0)
		return -1;
	put(home, "notes.txt", "my notes\n");
	put(home, "sub/deep.txt", "deep\n");
	put(img, "vrtr.qcow2.md5", "sum\n");
	put(top, "outside.txt", "outside\n");
	char target[256];
	snprintf(target, sizeof target, "%s/outside.txt", top);
	if (symlink(target, at(home, "flink")) < 0 || symlink(top, at(home, "dlink")) < 0)
		return -1;
	return 0;
}

static int teardown(void **st)
{
	(void)st;
	const char *names[] = {"home/notes.txt", "home/sub/deep.txt", "home/sub", "home/flink",
	                       "home/dlink", "home/gone.txt", "home", "images/vrtr.qcow2.md5",
	                       "images", "outside.txt", NULL};
	for (size_t i = 0; names[i]; i++)
		if (unlink(at(top, names[i])) < 0)
			rmdir(at(top, names[i]));
	rmdir(top);
	return 0;
}

static void test_list(void **st)
{
	(void)st;
	struct cfg_buf b;
	cfg_buf_init(&b);
	assert_int_equal(cfg_file_list(home, img, NULL, false, &b), 0);
	char want[512];
	snprintf(want, sizeof want, "\n%s/:\ndlink@\nflink@\nnotes.txt\nsub/\n", home);
	assert_string_equal(b.p, want);
	cfg_buf_reset(&b);
	assert_int_equal(cfg_file_list(home, img, "sub", true, &b), 0);
	assert_non_null(strstr(b.p, " deep.txt\n"));
	assert_non_null(strstr(b.p, "total files: 1\n"));
	/* jdmd: the image directory only */
	cfg_buf_reset(&b);
	assert_int_equal(cfg_file_list(NULL, img, img, false, &b), 0);
	assert_non_null(strstr(b.p, "\nvrtr.qcow2.md5\n"));
	assert_int_equal(cfg_file_list(NULL, img, home, false, &b), -1);
	assert_int_equal(cfg_file_list(home, img, "dlink", false, &b), -1);
	assert_non_null(strstr(cfg_err_msg(), "symbolic link"));
	assert_int_equal(cfg_file_list(home, img, "..", false, &b), -1);
	assert_int_equal(cfg_file_list(home, img, "/", false, &b), -1);
	cfg_buf_free(&b);
}

static void test_read(void **st)
{
	(void)st;
	size_t len;
	char *t = cfg_file_read(home, img, "notes.txt", &len);
	assert_non_null(t);
	assert_string_equal(t, "my notes\n");
	free(t);
	char abs[256];
	snprintf(abs, sizeof abs, "%s/sub/deep.txt", home);
	t = cfg_file_read(home, img, abs, &len);
	assert_non_null(t);
	free(t);
	snprintf(abs, sizeof abs, "%s/vrtr.qcow2.md5", img);
	t = cfg_file_read(home, img, abs, &len);
	assert_non_null(t);
	assert_string_equal(t, "sum\n");
	free(t);
	assert_null(cfg_file_read(home, NULL, abs, &len)); /* no image directory given */
	assert_null(cfg_file_read(home, img, "../outside.txt", &len));
	assert_non_null(strstr(cfg_err_msg(), "'..' is not allowed"));
	assert_null(cfg_file_read(home, img, at(top, "outside.txt"), &len));
	assert_non_null(strstr(cfg_err_msg(), "not in your home directory"));
	assert_null(cfg_file_read(home, img, "flink", &len));
	assert_non_null(strstr(cfg_err_msg(), "symbolic link"));
	assert_null(cfg_file_read(home, img, "dlink/outside.txt", &len));
	assert_non_null(strstr(cfg_err_msg(), "symbolic link"));
	assert_null(cfg_file_read(home, img, "sub", &len));
	assert_true(cfg_file_is_dir(home, "sub"));
	assert_false(cfg_file_is_dir(home, "dlink"));
}

static void test_delete(void **st)
{
	(void)st;
	put(home, "gone.txt", "x\n");
	assert_int_equal(cfg_file_delete(home, NULL, "gone.txt"), 0);
	assert_int_not_equal(access(at(home, "gone.txt"), F_OK), 0);
	assert_int_equal(cfg_file_delete(home, NULL, "flink"), -1);
	assert_int_equal(cfg_file_delete(home, NULL, "dlink/outside.txt"), -1);
	assert_int_equal(cfg_file_delete(home, NULL, at(img, "vrtr.qcow2.md5")), -1);
	assert_int_equal(cfg_file_delete(home, NULL, "sub"), -1);
	assert_int_equal(cfg_file_delete(home, home, "notes.txt"), -1); /* the state directory */
	assert_int_equal(access(at(top, "outside.txt"), F_OK), 0);
	assert_int_equal(access(at(img, "vrtr.qcow2.md5"), F_OK), 0);
	assert_int_equal(access(at(home, "notes.txt"), F_OK), 0);
}

static void test_in_dir(void **st)
{
	(void)st;
	assert_true(cfg_file_in_dir("/var/third-party/images", "/var/third-party/images"));
	assert_true(cfg_file_in_dir("/var/third-party/images/a.qcow2", "/var/third-party/images/"));
	assert_false(cfg_file_in_dir("/var/third-party/images/../x", "/var/third-party/images"));
	assert_false(cfg_file_in_dir("/var/third-party/imagesx", "/var/third-party/images"));
	assert_false(cfg_file_in_dir("images", "/var/third-party/images"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_delete),
		cmocka_unit_test(test_in_dir),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
