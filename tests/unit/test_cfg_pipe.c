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

/* What `| save` handed over (the daemon writes no file: the session sends
 * it to the cli, which writes as the user; see test_cli_file). */
static char saved_name[256], saved_text[1024];
static int saves;

static int save_cb(void *ctx, const char *name, const char *text, size_t len)
{
	assert_ptr_equal(ctx, &saves);
	snprintf(saved_name, sizeof saved_name, "%s", name);
	snprintf(saved_text, sizeof saved_text, "%.*s", (int)len, text);
	saves++;
	return 0;
}

/* Run LINE's pipes over TEXT (with a save callback when SAVE); returns 0/-1,
 * output in *OUT (caller frees). */
static int run(const char *line, const char *text, bool save, char **out)
{
	struct cfg_words w = {0};
	size_t ec;
	assert_int_equal(cfg_lex(line, &w, &ec), 0);
	struct cfg_buf b;
	cfg_buf_init(&b);
	cfg_buf_puts(&b, text);
	int rc = cfg_pipe_apply(&w, w.pipe, w.n, &b, save ? save_cb : NULL, &saves);
	*out = cfg_buf_steal(&b);
	cfg_words_free(&w);
	return rc;
}

static void check(const char *line, const char *text, const char *want)
{
	char *out;
	if (run(line, text, false, &out) != 0)
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
		assert_int_equal(cfg_pipe_apply(&w, w.pipe, w.n, &b, NULL, NULL), 0);
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
	/* Junos's match, except and find ignore case (the thesis, Figure 25:
	 * `| find "VNF interfaces"` finds the section "VNF Interfaces") */
	check("show | match VLANS", TEXT,
	      "set host-os vlans v100 vlan-id 100\n"
	      "set host-os vlans v200 vlan-id 200\n");
	check("show | except SYSTEM | except Vlans", TEXT, "set virtual-network-functions vrtr1 no-autostart\n");
	check("x | find \"VNF interfaces\"", "VNF MAC Addresses\nVNF Interfaces\n---\n", "VNF Interfaces\n---\n");
	check("show | e host | f v", TEXT, "set system services ssh\nset virtual-network-functions vrtr1 no-autostart\n");
}

static void test_save(void **state)
{
	(void)state;
	char *out;
	saves = 0;
	assert_int_equal(run("show | match vlans | save vl.txt", TEXT, true, &out), 0);
	assert_int_equal(saves, 1);
	assert_string_equal(out, ""); /* the cli says "Wrote 2 lines ..." */
	free(out);
	assert_string_equal(saved_name, "vl.txt");
	assert_string_equal(saved_text, "set host-os vlans v100 vlan-id 100\nset host-os vlans v200 vlan-id 200\n");
	/* the name goes as typed: the cli decides where it may write */
	assert_int_equal(run("show | save ../x.txt", TEXT, true, &out), 0);
	assert_string_equal(saved_name, "../x.txt");
	free(out);
	/* what follows a save sees no text */
	assert_int_equal(run("show | save a | count", TEXT, true, &out), 0);
	assert_string_equal(out, "Count: 0 lines\n");
	free(out);
	/* no callback: refused, nothing handed over */
	saves = 0;
	assert_int_equal(run("show | save x.txt", TEXT, false, &out), -1);
	assert_int_equal(saves, 0);
	free(out);
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
