/* cfg_pipe: parsing the pipe words, and the text pipes. */
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cfg_buf.h"
#include "cfg_parse.h"
#include "cfg_pipe.h"

static const char TEXT[] =
	"set system host-name jdm\n"
	"set system services ssh\n"
	"set host-os vlans v100 vlan-id 100\n"
	"set host-os vlans v200 vlan-id 200\n"
	"set virtual-network-functions vrtr1 no-autostart\n";

/* Run LINE's pipes over TEXT; returns 0/-1, output in *OUT (caller frees). */
static int run(const char *line, const char *text, const char *dir, char **out)
{
	struct cfg_words w = {0};
	size_t ec;
	assert_int_equal(cfg_lex(line, &w, &ec), 0);
	struct cfg_buf b;
	cfg_buf_init(&b);
	cfg_buf_puts(&b, text);
	int rc = cfg_pipe_apply(&w, w.pipe, w.n, &b, dir);
	*out = cfg_buf_steal(&b);
	cfg_words_free(&w);
	return rc;
}

static void check(const char *line, const char *text, const char *want)
{
	char *out;
	if (run(line, text, NULL, &out) != 0)
		fail_msg("%s: %s", line, cfg_err_msg());
	assert_string_equal(out, want);
	free(out);
}

static int parse(const char *line, struct cfg_pipe_display *d)
{
	struct cfg_words w = {0};
	size_t ec;
	assert_int_equal(cfg_lex(line, &w, &ec), 0);
	int rc = cfg_pipe_parse(&w, w.pipe, w.n, d);
	if (rc == 0) { /* apply accepts whatever parse accepts */
		struct cfg_buf b = {0};
		assert_int_equal(cfg_pipe_apply(&w, w.pipe, w.n, &b, NULL), 0);
		cfg_buf_free(&b);
	}
	cfg_words_free(&w);
	return rc;
}

static void test_parse_display(void **state)
{
	(void)state;
	struct cfg_pipe_display d;
	assert_int_equal(parse("show configuration", &d), 0);
	assert_false(d.set || d.xml || d.json || d.compare || d.relative);
	assert_int_equal(parse("show configuration | display set", &d), 0);
	assert_true(d.set);
	assert_false(d.relative);
	assert_int_equal(parse("show | disp s rel | match foo", &d), 0);
	assert_true(d.set && d.relative);
	assert_int_equal(parse("show | display xml", &d), 0);
	assert_true(d.xml && !d.set);
	assert_int_equal(parse("show | display json | no-more", &d), 0);
	assert_true(d.json);
	assert_int_equal(parse("show | compare", &d), 0);
	assert_true(d.compare);
	assert_int_equal(d.compare_rollback, -1);
	assert_int_equal(parse("show | compare rollback 3 | count", &d), 0);
	assert_true(d.compare);
	assert_int_equal(d.compare_rollback, 3);
}

static void test_parse_errors(void **state)
{
	(void)state;
	struct cfg_pipe_display d;
	assert_int_equal(parse("show | frobnicate", &d), -1);
	assert_string_equal(cfg_err_msg(), "syntax error.");
	assert_int_equal(parse("show | display html", &d), -1);
	assert_string_equal(cfg_err_msg(), "syntax error.");
	assert_int_equal(parse("show | c", &d), -1); /* count / compare */
	assert_string_equal(cfg_err_msg(), "'c' is ambiguous.");
	assert_int_equal(parse("show | match", &d), -1);
	assert_string_equal(cfg_err_msg(), "missing argument.");
	assert_int_equal(parse("show | last x", &d), -1);
	assert_int_equal(parse("show | compare rollback 50", &d), -1);
	assert_string_equal(cfg_err_msg(), "Value 50 is not within range (0..49)");
	assert_int_equal(parse("show | count extra", &d), -1);
	assert_string_equal(cfg_err_msg(), "syntax error.");
	assert_int_equal(parse("show | match \"(\"", &d), -1);
}

static void test_text_pipes(void **state)
{
	(void)state;
	check("show | match vlans", TEXT,
	      "set host-os vlans v100 vlan-id 100\n"
	      "set host-os vlans v200 vlan-id 200\n");
	check("show | m \"v(1|2)00 vlan\"", TEXT,
	      "set host-os vlans v100 vlan-id 100\n"
	      "set host-os vlans v200 vlan-id 200\n");
	check("show | except system", TEXT,
	      "set host-os vlans v100 vlan-id 100\n"
	      "set host-os vlans v200 vlan-id 200\n"
	      "set virtual-network-functions vrtr1 no-autostart\n");
	check("show | find vlans", TEXT,
	      "set host-os vlans v100 vlan-id 100\n"
	      "set host-os vlans v200 vlan-id 200\n"
	      "set virtual-network-functions vrtr1 no-autostart\n");
	check("show | find nothing-like-this", TEXT, "");
	check("show | count", TEXT, "Count: 5 lines\n");
	check("show | count", "", "Count: 0 lines\n");
	check("show | count", "no newline", "Count: 1 lines\n");
	check("show | last 2", TEXT,
	      "set host-os vlans v200 vlan-id 200\n"
	      "set virtual-network-functions vrtr1 no-autostart\n");
	check("show | last 10", TEXT, TEXT);
	check("show | no-more", TEXT, TEXT);
	check("show | display set | match ^set.system | count", TEXT, "Count: 2 lines\n");
	check("show | match vlans | last 1 | no-more", TEXT, "set host-os vlans v200 vlan-id 200\n");
	check("show | e host | f v", TEXT, "set system services ssh\nset virtual-network-functions vrtr1 no-autostart\n");
}

static void test_save(void **state)
{
	(void)state;
	char dir[] = "/tmp/nfx-pipe-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *out;
	assert_int_equal(run("show | match vlans | save vl.txt", TEXT, dir, &out), 0);
	assert_string_equal(out, "Wrote 2 lines of output to 'vl.txt'\n");
	free(out);
	char path[256];
	snprintf(path, sizeof path, "%s/vl.txt", dir);
	FILE *fp = fopen(path, "r");
	assert_non_null(fp);
	char buf[256] = {0};
	size_t n = fread(buf, 1, sizeof buf - 1, fp);
	fclose(fp);
	assert_int_equal(n, strlen(buf));
	assert_string_equal(buf, "set host-os vlans v100 vlan-id 100\nset host-os vlans v200 vlan-id 200\n");
	/* absolute inside the directory is fine */
	char line[300];
	snprintf(line, sizeof line, "show | save %s/abs.txt", dir);
	assert_int_equal(run(line, TEXT, dir, &out), 0);
	free(out);
	snprintf(path, sizeof path, "%s/abs.txt", dir);
	assert_int_equal(access(path, F_OK), 0);
	unlink(path);
	/* refused */
	assert_int_equal(run("show | save ../x.txt", TEXT, dir, &out), -1);
	free(out);
	assert_int_equal(run("show | save a/../../x.txt", TEXT, dir, &out), -1);
	free(out);
	assert_int_equal(run("show | save /etc/x.txt", TEXT, dir, &out), -1);
	free(out);
	assert_int_equal(run("show | save x.txt", TEXT, NULL, &out), -1);
	free(out);
	snprintf(path, sizeof path, "%s/vl.txt", dir);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_display),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_text_pipes),
		cmocka_unit_test(test_save),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
