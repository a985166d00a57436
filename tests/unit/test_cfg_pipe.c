/* cfg_pipe: parsing the pipe words, and the text pipes. */
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	int rc = cfg_pipe_apply(&w, w.pipe, w.n, &b, save ? save_cb : NULL, &saves, 0);
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
		assert_int_equal(cfg_pipe_apply(&w, w.pipe, w.n, &b, NULL, NULL, 0), 0);
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

/* `| last` with no number: the last screenful, as Junos (CLI User Guide,
 * "Display the End of the Output": "| last ... If you do not specify a
 * number, the last screen of output is displayed"): the session's screen
 * length, CFG_PIPE_SCREEN (24) for a session without one. */
static char *apply_screen(const char *line, const char *text, unsigned screen)
{
	struct cfg_words w = {0};
	size_t ec;
	assert_int_equal(cfg_lex(line, &w, &ec), 0);
	struct cfg_buf b;
	cfg_buf_init(&b);
	cfg_buf_puts(&b, text);
	if (cfg_pipe_apply(&w, w.pipe, w.n, &b, NULL, NULL, screen) != 0)
		fail_msg("%s: %s", line, cfg_err_msg());
	cfg_words_free(&w);
	return cfg_buf_steal(&b);
}

static void test_last_screen(void **state)
{
	(void)state;
	struct cfg_buf t;
	cfg_buf_init(&t);
	for (int i = 1; i <= 30; i++)
		cfg_buf_printf(&t, "line %d\n", i);
	struct cfg_pipe_display d;
	assert_int_equal(parse("show | last", &d), 0);
	assert_int_equal(parse("show | last | match line", &d), 0);
	/* no screen length: 24 lines, 7..30 */
	char *o = apply_screen("show | last", t.p, 0);
	assert_int_equal(strncmp(o, "line 7\n", 7), 0);
	assert_null(strstr(o, "line 6\n"));
	assert_int_equal(strlen(o), strlen(strstr(t.p, "line 7\n")));
	free(o);
	/* the session's screen length */
	o = apply_screen("show | last", t.p, 3);
	assert_string_equal(o, "line 28\nline 29\nline 30\n");
	free(o);
	o = apply_screen("show | last | match 2", t.p, 5);
	assert_string_equal(o, "line 26\nline 27\nline 28\nline 29\n");
	free(o);
	o = apply_screen("show | match 2 | last", t.p, 2);
	assert_string_equal(o, "line 28\nline 29\n");
	free(o);
	/* a number still wins */
	o = apply_screen("show | last 1", t.p, 5);
	assert_string_equal(o, "line 30\n");
	free(o);
	/* shorter than a screen: all of it */
	o = apply_screen("show | last", TEXT, 0);
	assert_string_equal(o, TEXT);
	free(o);
	cfg_buf_free(&t);
}

/* The index of the first `|` (as the session passes it), or n. */
static size_t bar(const struct cfg_words *w)
{
	return w->pipe > 0 && w->pipe <= w->n && !strcmp(w->w[w->pipe - 1].s, "|") ? w->pipe - 1 : w->n;
}

/* `?` after `| last` offers <[Enter]> (whole), and after `| compare
 * rollback` the revision number is where cfg_pipe_at_rollback() says. */
static void test_complete_last_rollback(void **state)
{
	(void)state;
	struct cfg_words w = {0};
	size_t ec;
	struct cfg_compls cs = {0};
	bool whole = false;
	assert_int_equal(cfg_lex("show | last ", &w, &ec), 0);
	assert_int_equal(cfg_pipe_complete(&w, bar(&w), w.n, false, &cs, &whole), 0);
	assert_true(whole);
	assert_int_equal(cs.n, 1);
	assert_string_equal(cs.c[0].word, "<lines>");
	cfg_compls_free(&cs);
	cfg_words_free(&w);
	static const struct {
		const char *line;
		bool at;
	} cases[] = {
		{"show | compare rollback ", true},
		{"show | compare rollback 1", true},
		{"show | compare rol ", true},
		{"show | match x | compare rollback ", true},
		{"show | compare rollback", false},
		{"show | compare ", false},
		{"show | compare foo ", false},
		{"show | compare \"rollback\" ", false},
		{"show | last rollback ", false},
		{"show | compare rollback 1 ", false},
		{"show configuration ", false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(&w, 0, sizeof w);
		assert_int_equal(cfg_lex(cases[i].line, &w, &ec), 0);
		size_t end = w.trailing_space ? w.n : w.n - 1;
		if (cfg_pipe_at_rollback(&w, bar(&w), end) != cases[i].at)
			fail_msg("'%s': at_rollback is not %d", cases[i].line, cases[i].at);
		cfg_words_free(&w);
	}
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
		cmocka_unit_test(test_last_screen),
		cmocka_unit_test(test_complete_last_rollback),
		cmocka_unit_test(test_save),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
