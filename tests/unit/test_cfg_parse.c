/* cfg_parse: lexer, path resolution (abbreviations, ambiguity, unit
 * shorthand, positional nodes, values), command trees, completion. */
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>

#include "cfg_load.h"
#include "cfg_parse.h"

static void lex_basic(void **state)
{
	(void)state;
	struct cfg_words w = {0};
	size_t col = 0;
	assert_int_equal(cfg_lex("  set a \"b c\" x\"y\\\"z\"|match  foo ", &w, &col), 0);
	assert_int_equal(w.n, 7);
	assert_string_equal(w.w[0].s, "set");
	assert_int_equal(w.w[0].col, 2);
	assert_string_equal(w.w[2].s, "b c");
	assert_true(w.w[2].quoted);
	assert_string_equal(w.w[3].s, "xy\"z");
	assert_string_equal(w.w[4].s, "|");
	assert_int_equal(w.pipe, 5);
	assert_string_equal(w.w[5].s, "match");
	assert_true(w.trailing_space);
	assert_int_equal(cfg_lex("set \"open", &w, &col), -1);
	assert_int_equal(col, 4);
	assert_int_equal(cfg_lex("set a\001b", &w, &col), -1);
	assert_int_equal(col, 5);
	char big[CFG_WORD_MAX + 16];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(cfg_lex(big, &w, &col), -1);
	assert_int_equal(cfg_lex("", &w, &col), 0);
	assert_int_equal(w.n, 0);
	cfg_words_free(&w);
}

struct pr {
	int rc;
	enum cfg_perr err;
	size_t col;
	char msg[256];
	size_t n;
	char path[512];
};

static struct pr parse(const struct cfg_schema *s, const char *line, enum cfg_pmode mode)
{
	struct cfg_words w = {0};
	struct cfg_parse p = {0};
	struct pr r = {0};
	size_t col;
	assert_int_equal(cfg_lex(line, &w, &col), 0);
	r.rc = cfg_parse_path(s, &w, 0, w.pipe < w.n ? w.pipe - 1 : w.n, mode, &p);
	r.err = p.err;
	r.col = p.err_col;
	snprintf(r.msg, sizeof r.msg, "%s", p.msg);
	r.n = p.n;
	size_t o = 0;
	for (size_t i = 0; i < p.n && o < sizeof r.path - 1; i++)
		o += (size_t)snprintf(r.path + o, sizeof r.path - o, "%s%s%s%s", i ? " " : "",
		                      p.steps[i].schema->name, p.steps[i].value ? "=" : "",
		                      p.steps[i].value ? p.steps[i].value : "");
	cfg_parse_free(&p);
	cfg_words_free(&w);
	return r;
}

static void paths(void **state)
{
	(void)state;
	struct cfg_schema *s = test_schema_jdm();
	struct pr r = parse(s, "interfaces jmgmt0.0 family inet dhcp", CFG_PM_SET);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.path, "interfaces interface=jmgmt0 unit=0 family inet dhcp");
	r = parse(s, "virtual-network-functions vrtr1 image /var/third-party/images/vrtr1.qcow2", CFG_PM_SET);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.path, "virtual-network-functions vnf=vrtr1 image path=/var/third-party/images/vrtr1.qcow2");
	r = parse(s, "virtual-network-functions vrtr1 virtual-cpu 0 physical-cpu 2", CFG_PM_SET);
	assert_string_equal(r.path, "virtual-network-functions vnf=vrtr1 virtual-cpu vcpu=0 physical-cpu=2");
	/* abbreviations of keywords, and of enum values */
	r = parse(s, "vir vrtr1 ima image-t qc", CFG_PM_SET);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.path, "virtual-network-functions vnf=vrtr1 image image-type=qcow2");
	/* leaf-list in brackets */
	r = parse(s, "virtual-network-functions a interfaces eth2 mapping vlan members [ v1 v2 ]", CFG_PM_SET);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.path, "virtual-network-functions vnf=a interfaces interface=eth2 mapping vlan members=v1 members=v2");
	cfg_schema_free(s);
}

static void errors(void **state)
{
	(void)state;
	struct cfg_schema *s = test_schema_jdm();
	struct pr r = parse(s, "foo bar", CFG_PM_SET);
	assert_int_equal(r.err, CFG_PE_SYNTAX);
	assert_int_equal(r.col, 0);
	assert_string_equal(r.msg, "syntax error.");
	r = parse(s, "s", CFG_PM_SET);
	assert_int_equal(r.err, CFG_PE_AMBIGUOUS);
	assert_string_equal(r.msg, "error: 's' is ambiguous.");
	r = parse(s, "system host-name", CFG_PM_SET);
	assert_int_equal(r.err, CFG_PE_MISSING);
	assert_int_equal(r.col, 17);
	assert_string_equal(r.msg, "missing argument.");
	r = parse(s, "host-os vlans v1 vlan-id 5000", CFG_PM_SET);
	assert_int_equal(r.err, CFG_PE_VALUE);
	assert_int_equal(r.col, 25);
	assert_string_equal(r.msg, "Value 5000 is not within range (1..4094) at '5000'");
	r = parse(s, "system", CFG_PM_SET);
	assert_int_equal(r.err, CFG_PE_INCOMPLETE);
	r = parse(s, "system", CFG_PM_PATH);
	assert_int_equal(r.rc, 0);
	r = parse(s, "virtual-network-functions v image image-type qcow3", CFG_PM_SET);
	assert_int_equal(r.err, CFG_PE_SYNTAX);
	r = parse(s, "virtual-network-functions v no-autostart extra", CFG_PM_SET);
	assert_int_equal(r.err, CFG_PE_SYNTAX);
	/* quoted words are values, never keywords */
	r = parse(s, "\"system\" host-name a", CFG_PM_SET);
	assert_int_equal(r.err, CFG_PE_SYNTAX);
	cfg_schema_free(s);
}

/* Several statements of one level in one set line, as Junos allows. */
static void siblings(void **state)
{
	(void)state;
	struct cfg_schema *s = test_schema_jdm();
	struct cfg_words w = {0};
	struct cfg_parse p = {0};
	size_t col, n;
	assert_int_equal(cfg_lex("system memory hugepages page-size 1024 page-count 5", &w, &col), 0);
	assert_int_equal(cfg_parse_path(s, &w, 0, w.n, CFG_PM_SET, &p), 0);
	assert_int_equal(p.nstmt, 2);
	const struct cfg_step *st = cfg_parse_stmt(&p, 0, &n);
	assert_int_equal(n, 4);
	assert_string_equal(st[3].schema->name, "page-size");
	assert_string_equal(st[3].value, "1024");
	st = cfg_parse_stmt(&p, 1, &n);
	assert_int_equal(n, 4); /* system memory hugepages repeated */
	assert_string_equal(st[0].schema->name, "system");
	assert_string_equal(st[2].schema->name, "hugepages");
	assert_string_equal(st[3].schema->name, "page-count");
	assert_string_equal(st[3].value, "5");
	/* one statement: the whole parse */
	assert_int_equal(cfg_lex("system host-name jdm", &w, &col), 0);
	assert_int_equal(cfg_parse_path(s, &w, 0, w.n, CFG_PM_SET, &p), 0);
	assert_int_equal(p.nstmt, 1);
	st = cfg_parse_stmt(&p, 0, &n);
	assert_ptr_equal(st, p.steps);
	assert_int_equal(n, p.n);
	cfg_parse_free(&p);
	cfg_words_free(&w);

	/* a flag after a leaf, going down into a sibling container */
	struct pr r = parse(s, "virtual-network-functions v virtual-cpu count 2 features hardware-virtualization", CFG_PM_SET);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.path, "virtual-network-functions vnf=v virtual-cpu count=2 "
	                            "virtual-network-functions vnf=v virtual-cpu features hardware-virtualization");
	/* a leaf-list after a leaf; a leaf-list alone is unchanged */
	r = parse(s, "virtual-network-functions v interfaces eth3 mapping vlan mode trunk members v100", CFG_PM_SET);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.path, "mode=trunk virtual-network-functions vnf=v interfaces interface=eth3 mapping vlan members=v100"));
	r = parse(s, "virtual-network-functions v interfaces eth3 mapping vlan members v100", CFG_PM_SET);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.path, "virtual-network-functions vnf=v interfaces interface=eth3 mapping vlan members=v100");
	/* flags after flags, a positional leaf then a sibling */
	r = parse(s, "virtual-network-functions v no-autostart no-default-interfaces", CFG_PM_SET);
	assert_int_equal(r.rc, 0);
	r = parse(s, "virtual-network-functions v image /a.qcow2 image-type raw", CFG_PM_SET);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.path, "virtual-network-functions vnf=v image path=/a.qcow2 "
	                            "virtual-network-functions vnf=v image image-type=raw");
	/* a bad word gets the caret under it */
	r = parse(s, "system memory hugepages page-size 2 bogus 7", CFG_PM_SET);
	assert_int_equal(r.err, CFG_PE_SYNTAX);
	assert_int_equal(r.col, 36);
	assert_string_equal(r.msg, "syntax error.");
	/* a sibling is a keyword: not quoted, not a positional value */
	r = parse(s, "virtual-network-functions v virtual-cpu count 2 \"features\"", CFG_PM_SET);
	assert_int_equal(r.err, CFG_PE_SYNTAX);
	assert_int_equal(r.col, 48);
	r = parse(s, "virtual-network-functions v virtual-cpu count 2 3 physical-cpu 1", CFG_PM_SET);
	assert_int_equal(r.err, CFG_PE_SYNTAX);
	r = parse(s, "virtual-network-functions v image /a /b", CFG_PM_SET);
	assert_int_equal(r.err, CFG_PE_SYNTAX);
	assert_int_equal(r.col, 37);
	/* the last statement is checked like a single one */
	r = parse(s, "system memory hugepages page-size 2 page-count", CFG_PM_SET);
	assert_int_equal(r.err, CFG_PE_MISSING);
	r = parse(s, "virtual-network-functions v virtual-cpu count 2 features", CFG_PM_SET);
	assert_int_equal(r.err, CFG_PE_INCOMPLETE);
	r = parse(s, "host-os vlans v1 vlan-id 5 vlan-id 5000", CFG_PM_SET);
	assert_int_equal(r.err, CFG_PE_VALUE);
	/* only set lines: paths and commands are unchanged */
	r = parse(s, "system memory hugepages page-size 2 page-count 5", CFG_PM_PATH);
	assert_int_equal(r.err, CFG_PE_SYNTAX);
	cfg_schema_free(s);
}

static void sibling_completion(void **state)
{
	(void)state;
	struct cfg_schema *s = test_schema_jdm();
	struct cfg_words w = {0};
	struct cfg_compls c = {0};
	size_t col;
	assert_int_equal(cfg_lex("system memory hugepages page-size 1024 ", &w, &col), 0);
	assert_int_equal(cfg_complete(s, NULL, NULL, &w, 0, w.n, CFG_PM_SET, &c), 0);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.c[0].word, "page-count");
	assert_string_equal(c.c[1].word, "page-size");
	cfg_compls_free(&c);
	assert_int_equal(cfg_lex("virtual-network-functions v virtual-cpu count 2 f", &w, &col), 0);
	assert_int_equal(cfg_complete(s, NULL, NULL, &w, 0, w.n, CFG_PM_SET, &c), 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.c[0].word, "features");
	cfg_compls_free(&c);
	/* no positional <vcpu> after a leaf: a sibling starts with a keyword */
	assert_int_equal(cfg_lex("virtual-network-functions v virtual-cpu count 2 ", &w, &col), 0);
	assert_int_equal(cfg_complete(s, NULL, NULL, &w, 0, w.n, CFG_PM_SET, &c), 0);
	for (size_t i = 0; i < c.n; i++)
		assert_false(c.c[i].value);
	cfg_compls_free(&c);
	/* the value of the second statement's leaf */
	assert_int_equal(cfg_lex("virtual-network-functions v image /a image-type ", &w, &col), 0);
	assert_int_equal(cfg_complete(s, NULL, NULL, &w, 0, w.n, CFG_PM_SET, &c), 0);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.c[0].word, "qcow2");
	cfg_compls_free(&c);
	/* other modes still end after a leaf */
	assert_int_equal(cfg_lex("system memory hugepages page-size 1024 ", &w, &col), 0);
	assert_int_equal(cfg_complete(s, NULL, NULL, &w, 0, w.n, CFG_PM_PATH, &c), 0);
	assert_int_equal(c.n, 0);
	cfg_compls_free(&c);
	cfg_words_free(&w);
	cfg_schema_free(s);
}

static void commands(void **state)
{
	(void)state;
	struct cfg_schema *ops = cfg_schema_load_mem(cfg_schema_ops_jdm, cfg_schema_ops_jdm_len, "ops");
	assert_non_null(ops);
	struct pr r = parse(ops, "sh conf", CFG_PM_COMMAND);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.path, "show configuration");
	r = parse(ops, "show configuration virtual-network-functions vrtr1 | display set", CFG_PM_COMMAND);
	assert_int_equal(r.rc, 0);
	r = parse(ops, "show virtual-network-functions vrtr1 detail", CFG_PM_COMMAND);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.path, "vrtr1"));
	assert_non_null(strstr(r.path, "detail"));
	r = parse(ops, "show", CFG_PM_COMMAND);
	assert_int_equal(r.err, CFG_PE_INCOMPLETE);
	r = parse(ops, "shw", CFG_PM_COMMAND);
	assert_int_equal(r.err, CFG_PE_SYNTAX);
	cfg_schema_free(ops);
	struct cfg_schema *cm = cfg_schema_load_mem(cfg_schema_cfgmode, cfg_schema_cfgmode_len, "cm");
	r = parse(cm, "commit confirmed 5", CFG_PM_COMMAND);
	assert_int_equal(r.rc, 0);
	r = parse(cm, "load set relative terminal", CFG_PM_COMMAND);
	assert_int_equal(r.rc, 0);
	r = parse(cm, "rollback 50", CFG_PM_COMMAND);
	assert_int_equal(r.err, CFG_PE_VALUE);
	cfg_schema_free(cm);
}

static void completion(void **state)
{
	(void)state;
	struct cfg_schema *s = test_schema_jdm();
	struct cfg_tree *t = cfg_tree_new(s);
	const char *txt = "set virtual-network-functions vrtr1 no-autostart\n"
	                  "set virtual-network-functions vrtr2 no-autostart\n"
	                  "set host-os vlans v100 vlan-id 100\n";
	assert_int_equal(cfg_load_set(t, NULL, txt, strlen(txt), "t", 0, NULL), 0);
	struct cfg_words w = {0};
	struct cfg_compls c = {0};
	size_t col;
	assert_int_equal(cfg_lex("virtual-network-functions ", &w, &col), 0);
	assert_int_equal(cfg_complete(s, t, NULL, &w, 0, w.n, CFG_PM_SET, &c), 0);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.c[0].word, "<name>");
	assert_true(c.c[0].value);
	assert_string_equal(c.c[1].word, "vrtr1");
	assert_string_equal(c.c[2].word, "vrtr2");
	cfg_compls_free(&c);
	assert_int_equal(cfg_lex("sy", &w, &col), 0);
	assert_int_equal(cfg_complete(s, t, NULL, &w, 0, w.n, CFG_PM_SET, &c), 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.c[0].word, "system");
	cfg_compls_free(&c);
	/* referenced VLAN names are offered for members */
	assert_int_equal(cfg_lex("virtual-network-functions vrtr1 interfaces eth2 mapping vlan members ", &w, &col), 0);
	assert_int_equal(cfg_complete(s, t, NULL, &w, 0, w.n, CFG_PM_SET, &c), 0);
	bool found = false;
	for (size_t i = 0; i < c.n; i++)
		found |= strcmp(c.c[i].word, "v100") == 0;
	assert_true(found);
	cfg_compls_free(&c);
	assert_int_equal(cfg_lex("virtual-network-functions vrtr1 image image-type ", &w, &col), 0);
	assert_int_equal(cfg_complete(s, t, NULL, &w, 0, w.n, CFG_PM_SET, &c), 0);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.c[0].word, "qcow2");
	cfg_compls_free(&c);
	cfg_words_free(&w);
	cfg_tree_free(t);
	cfg_schema_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lex_basic),
		cmocka_unit_test(paths),
		cmocka_unit_test(errors),
		cmocka_unit_test(siblings),
		cmocka_unit_test(sibling_completion),
		cmocka_unit_test(commands),
		cmocka_unit_test(completion),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
