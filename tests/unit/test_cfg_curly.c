/* cfg_curly: parse the curly format, round trip with cfg_render_curly, load
 * modes, errors, speed. */
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cfg_curly.h"
#include "cfg_load.h"
#include "cfg_parse.h"
#include "cfg_render.h"
#include "cfg_tree.h"

static const char XML[] =
	"<schema name='t'>"
	" <container name='system'>"
	"  <leaf name='host-name' type='name'/>"
	"  <container name='root-authentication'><leaf name='encrypted-password' type='secret'/>"
	"   <leaf name='plain-text-password' type='password' target='encrypted-password'/></container>"
	"  <container name='services'><container name='ssh' presence='true'/></container>"
	"  <leaf name='description' type='string'/>"
	" </container>"
	" <list name='interfaces' key='interface-name' key-type='name' unit='unit'>"
	"  <list name='unit' key='logical-unit-number' key-type='int' key-min='0' key-max='16385'>"
	"   <container name='family'><container name='inet'>"
	"    <leaf name='dhcp' type='flag'/><leaf-list name='address' type='ipv4prefix'/>"
	"   </container></container>"
	"  </list>"
	" </list>"
	" <container name='host-os'>"
	"  <list name='vlans' key='name' key-type='name'><leaf name='vlan-id' type='int' min='1' max='4094'/></list>"
	" </container>"
	" <list name='virtual-network-functions' key='name' key-type='name'>"
	"  <container name='image'><leaf name='path' type='string' positional='true'/>"
	"   <leaf name='image-type' type='enum' values='qcow2 raw'/></container>"
	"  <container name='virtual-cpu'><leaf name='count' type='int' min='1' max='64'/>"
	"   <list name='vcpu' positional='true' key='vcpu' key-type='int' key-min='0' key-max='63'>"
	"    <leaf name='physical-cpu' type='int' min='0' max='255'/></list>"
	"  </container>"
	"  <list name='interfaces' key='interface-name' key-type='name'>"
	"   <container name='mapping'><container name='vlan'>"
	"    <leaf name='mode' type='enum' values='access trunk'/><leaf-list name='members' type='name'/>"
	"   </container></container>"
	"  </list>"
	"  <leaf name='no-autostart' type='flag'/>"
	" </list>"
	"</schema>";

struct fx {
	struct cfg_schema *s;
	struct cfg_tree *t;
	struct cfg_buf b, e;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	f->s = cfg_schema_load_mem(XML, sizeof XML - 1, "t");
	if (!f->s)
		fail_msg("schema: %s", cfg_err_msg());
	f->t = cfg_tree_new(f->s);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	cfg_buf_free(&f->b);
	cfg_buf_free(&f->e);
	cfg_tree_free(f->t);
	cfg_schema_free(f->s);
	free(f);
	return 0;
}

static void load_set(struct cfg_tree *t, const char *text)
{
	struct cfg_buf e = {0};
	long bad = cfg_load_set(t, NULL, text, strlen(text), "t", 0, &e);
	if (bad)
		fail_msg("load set: %s", e.p ? e.p : cfg_err_msg());
	cfg_buf_free(&e);
}

/* display set of T, for checking what a load produced */
static const char *sets(struct fx *f, const struct cfg_tree *t)
{
	cfg_buf_reset(&f->b);
	cfg_render_set(&f->b, cfg_tree_root(t), false, CFG_R_FULL | CFG_R_SECRETS);
	return f->b.p ? f->b.p : "";
}

static long load(struct fx *f, const char *text, enum cfg_curly_mode mode)
{
	cfg_buf_reset(&f->e);
	return cfg_curly_load(f->t, NULL, text, strlen(text), "terminal", mode, &f->e);
}

static const char RICH[] =
	"set system host-name jdm\n"
	"set system root-authentication encrypted-password \"$6$salt$hash/with.chars\"\n"
	"set system services ssh\n"
	"set system description \"a \\\"quoted\\\" back\\\\slash; {x} #y\"\n"
	"set interfaces jmgmt0 unit 0 family inet address 10.0.0.1/24\n"
	"set interfaces jmgmt0 unit 0 family inet address 10.0.1.1/24\n"
	"set interfaces jmgmt0 unit 1 family inet dhcp\n"
	"set host-os vlans v100 vlan-id 100\n"
	"set host-os vlans v200 vlan-id 200\n"
	"set host-os vlans v300\n"
	"set virtual-network-functions vrtr1 image \"/var/images/with space.qcow2\"\n"
	"set virtual-network-functions vrtr1 image image-type qcow2\n"
	"set virtual-network-functions vrtr1 virtual-cpu count 2\n"
	"set virtual-network-functions vrtr1 virtual-cpu 0 physical-cpu 2\n"
	"set virtual-network-functions vrtr1 virtual-cpu 1\n"
	"set virtual-network-functions vrtr1 interfaces eth2 mapping vlan members v100\n"
	"set virtual-network-functions vrtr1 interfaces eth3 mapping vlan mode trunk\n"
	"set virtual-network-functions vrtr1 interfaces eth3 mapping vlan members v100\n"
	"set virtual-network-functions vrtr1 interfaces eth3 mapping vlan members v200\n"
	"set virtual-network-functions vrtr1 interfaces eth3 mapping vlan members v300\n"
	"set virtual-network-functions vrtr1 no-autostart\n"
	"set virtual-network-functions vsrx image /var/vsrx.qcow2\n"
	"deactivate system services\n"
	"deactivate host-os vlans v200\n"
	"deactivate virtual-network-functions vrtr1 interfaces eth3 mapping vlan members v300\n"
	"deactivate virtual-network-functions vrtr1 virtual-cpu count\n"
	"annotate system \"the box\"\n"
	"annotate host-os \"vlans (* and /) here\"\n"
	"annotate virtual-network-functions vsrx \"firewall\"\n";

static void test_round_trip(void **state)
{
	struct fx *f = *state;
	load_set(f->t, RICH);
	struct cfg_buf text = {0};
	cfg_render_curly(&text, cfg_tree_root(f->t), 0, CFG_R_SECRETS);
	long nerr = 0;
	struct cfg_tree *t2 = cfg_curly_parse(f->s, text.p, text.len, "terminal", &f->e, &nerr);
	if (!t2)
		fail_msg("parse: %s\n%s", f->e.p, text.p);
	assert_int_equal(nerr, 0);
	struct cfg_buf again = {0};
	cfg_render_curly(&again, cfg_tree_root(t2), 0, CFG_R_SECRETS);
	assert_string_equal(again.p, text.p);
	cfg_buf_free(&again);
	cfg_tree_free(t2);
	cfg_buf_free(&text);
}

/* parsed tree equals the original (values, order, flags, annotations) */
static void test_round_trip_equal(void **state)
{
	struct fx *f = *state;
	load_set(f->t, RICH);
	struct cfg_buf text = {0};
	cfg_render_curly(&text, cfg_tree_root(f->t), 0, CFG_R_SECRETS);
	long nerr = 0;
	struct cfg_tree *t2 = cfg_curly_parse(f->s, text.p, text.len, "terminal", &f->e, &nerr);
	assert_non_null(t2);
	assert_true(cfg_tree_equal(cfg_tree_root(f->t), cfg_tree_root(t2)));
	cfg_tree_free(t2);
	cfg_buf_free(&text);
}

static void test_junos_text(void **state)
{
	struct fx *f = *state;
	static const char text[] =
		"## Last changed: 2024-01-01 10:00:00 UTC\n"
		"system {\n"
		"\thost-name jdm; # trailing comment\n"
		"    root-authentication {\n"
		"        encrypted-password \"$6$x\"; ## SECRET-DATA\n"
		"    }\n"
		"    services { ssh; }\n"
		"}\n"
		"interfaces jmgmt0.0 { family inet { address [ 10.0.0.1/24 10.0.1.1/24 ]; } }\n"
		"/* my vlans */\n"
		"host-os { vlans v1 { vlan-id 1; } inactive: vlans v2 { vlan-id 2; } vlans v3; }\n"
		"virtual-network-functions vrtr1 {\n"
		"    image { /p.qcow2; image-type raw; }\n"
		"    virtual-cpu { 0 { physical-cpu 3; } 1; }\n"
		"    virtual-cpu 2 physical-cpu 4;\n"
		"    interfaces eth2 { mapping { vlan { members v1; members v2; } } }\n"
		"    no-autostart;\n"
		"}\r\n";
	if (load(f, text, CFG_CURLY_MERGE) != 0)
		fail_msg("%s", f->e.p);
	assert_string_equal(sets(f, f->t),
		"set system host-name jdm\n"
		"set system root-authentication encrypted-password \"$6$x\"\n"
		"set system services ssh\n"
		"set interfaces jmgmt0 unit 0 family inet address 10.0.0.1/24\n"
		"set interfaces jmgmt0 unit 0 family inet address 10.0.1.1/24\n"
		"set host-os vlans v1 vlan-id 1\n"
		"set host-os vlans v2 vlan-id 2\n"
		"deactivate host-os vlans v2\n"
		"set host-os vlans v3\n"
		"annotate host-os \"my vlans\"\n"
		"set virtual-network-functions vrtr1 image /p.qcow2\n"
		"set virtual-network-functions vrtr1 image image-type raw\n"
		"set virtual-network-functions vrtr1 virtual-cpu 0 physical-cpu 3\n"
		"set virtual-network-functions vrtr1 virtual-cpu 1\n"
		"set virtual-network-functions vrtr1 virtual-cpu 2 physical-cpu 4\n"
		"set virtual-network-functions vrtr1 interfaces eth2 mapping vlan members v1\n"
		"set virtual-network-functions vrtr1 interfaces eth2 mapping vlan members v2\n"
		"set virtual-network-functions vrtr1 no-autostart\n");
}

static void test_errors(void **state)
{
	struct fx *f = *state;
	load_set(f->t, "set system host-name old\n");
	static const char text[] =
		"system {\n"
		"    host-name jdm;\n"
		"    foo bar;\n"
		"    services {\n"
		"        telnet { x; }\n"
		"        ssh;\n"
		"    }\n"
		"}\n"
		"host-os {\n"
		"    vlans v1 {\n"
		"        vlan-id 5000;\n"
		"    }\n"
		"    vlans v2 { vlan-id 2 }\n"
		"}\n"
		"system { host-name; }\n"
		"}\n";
	assert_int_equal(load(f, text, CFG_CURLY_MERGE), 6);
	/* each error with the context lines Junos prints under it */
	assert_string_equal(f->e.p,
		"terminal:3:(5) syntax error: foo\n"
		"  [edit system]\n"
		"    'foo bar;'\n"
		"      syntax error\n"
		"terminal:5:(9) syntax error: telnet\n"
		"  [edit system services]\n"
		"    'telnet'\n"
		"      syntax error\n"
		"terminal:11:(17) error: Value 5000 is not within range (1..4094) at '5000'\n"
		"  [edit host-os vlans v1]\n"
		"    'vlan-id 5000;'\n"
		"      Value 5000 is not within range (1..4094)\n"
		"terminal:13:(26) syntax error: }\n"
		"  [edit host-os vlans v2]\n"
		"    'vlan-id 2'\n"
		"      syntax error\n"
		"terminal:15:(19) syntax error: ;\n"
		"  [edit system]\n"
		"    'host-name;'\n"
		"      syntax error\n"
		"terminal:16:(1) syntax error: }\n"
		"  [edit]\n"
		"    '}'\n"
		"      syntax error\n");
	/* nothing applied */
	assert_string_equal(sets(f, f->t), "set system host-name old\n");

	/* missing closing brace, bad keyword form, password leaf, lexical errors */
	assert_int_equal(load(f, "system {\n    host-name x;\n", CFG_CURLY_MERGE), 1);
	assert_string_equal(f->e.p, "terminal:3:(1) syntax error, expecting '}'\n");
	assert_int_equal(load(f, "system { root-authentication { plain-text-password; } }\n",
	                      CFG_CURLY_MERGE), 1);
	assert_string_equal(f->e.p, "terminal:1:(32) syntax error: plain-text-password\n"
		"  [edit system root-authentication]\n    'plain-text-password;'\n      syntax error\n");
	assert_int_equal(load(f, "system { host-name \"x;\n", CFG_CURLY_MERGE), 1);
	assert_string_equal(f->e.p, "terminal:1:(20) error: unterminated quoted string\n");
	assert_int_equal(load(f, "system { /* x ; }\n", CFG_CURLY_MERGE), 1);
	assert_string_equal(f->e.p, "terminal:1:(10) error: unterminated comment\n");
	assert_int_equal(load(f, "\"system\" { }\n", CFG_CURLY_MERGE), 1);
	assert_string_equal(f->e.p, "terminal:1:(1) syntax error: system\n"
		"  [edit]\n    'system'\n      syntax error\n");
	assert_int_equal(load(f, "sys { }\n", CFG_CURLY_MERGE), 1); /* no abbreviations */
	assert_string_equal(f->e.p, "terminal:1:(1) syntax error: sys\n"
		"  [edit]\n    'sys'\n      syntax error\n");
	assert_string_equal(sets(f, f->t), "set system host-name old\n");

	long nerr = -5;
	struct cfg_buf e = {0};
	assert_null(cfg_curly_parse(f->s, "x;", 2, "f.conf", &e, &nerr));
	assert_int_equal(nerr, 1);
	assert_string_equal(e.p, "f.conf:1:(1) syntax error: x\n"
		"  [edit]\n    'x;'\n      syntax error\n");
	cfg_buf_free(&e);
}

static void test_modes(void **state)
{
	struct fx *f = *state;
	load_set(f->t, "set system host-name old\n"
	               "set system services ssh\n"
	               "set host-os vlans v1 vlan-id 1\n"
	               "set host-os vlans v2 vlan-id 2\n"
	               "set virtual-network-functions a interfaces eth2 mapping vlan members v1\n"
	               "set virtual-network-functions a interfaces eth2 mapping vlan members v2\n");
	/* merge: leaves replaced, lists merged by key */
	assert_int_equal(load(f, "system { host-name new; } host-os { vlans v3 { vlan-id 3; } }",
	                      CFG_CURLY_MERGE), 0);
	assert_string_equal(sets(f, f->t),
		"set system host-name new\n"
		"set system services ssh\n"
		"set host-os vlans v1 vlan-id 1\n"
		"set host-os vlans v2 vlan-id 2\n"
		"set host-os vlans v3 vlan-id 3\n"
		"set virtual-network-functions a interfaces eth2 mapping vlan members v1\n"
		"set virtual-network-functions a interfaces eth2 mapping vlan members v2\n");
	/* merge ignores replace: tags; replace honours them */
	static const char repl[] =
		"replace: host-os { vlans v9 { vlan-id 9; } }\n"
		"virtual-network-functions a { interfaces eth2 { mapping { vlan {\n"
		"    replace: members [ v2 v9 ]; } } } }\n";
	assert_int_equal(load(f, repl, CFG_CURLY_REPLACE), 0);
	assert_string_equal(sets(f, f->t),
		"set system host-name new\n"
		"set system services ssh\n"
		"set host-os vlans v9 vlan-id 9\n"
		"set virtual-network-functions a interfaces eth2 mapping vlan members v2\n"
		"set virtual-network-functions a interfaces eth2 mapping vlan members v9\n");
	/* override: exactly the text */
	assert_int_equal(load(f, "system { host-name only; }\n", CFG_CURLY_OVERRIDE), 0);
	assert_string_equal(sets(f, f->t), "set system host-name only\n");
	assert_int_equal(load(f, "host-os { vlans v1 { vlan-id 1; } }\n", CFG_CURLY_UPDATE), 0);
	assert_string_equal(sets(f, f->t), "set host-os vlans v1 vlan-id 1\n");
	/* merge with inactive: marks the statement */
	assert_int_equal(load(f, "host-os { inactive: vlans v1 { vlan-id 4; } }\n", CFG_CURLY_MERGE), 0);
	assert_string_equal(sets(f, f->t), "set host-os vlans v1 vlan-id 4\ndeactivate host-os vlans v1\n");
	/* errors leave everything alone, whatever the mode */
	assert_int_equal(load(f, "bogus;\n", CFG_CURLY_OVERRIDE), 1);
	assert_string_equal(sets(f, f->t), "set host-os vlans v1 vlan-id 4\ndeactivate host-os vlans v1\n");
}

static void test_relative(void **state)
{
	struct fx *f = *state;
	load_set(f->t, "set virtual-network-functions a image /a.qcow2\n"
	               "set virtual-network-functions b image /b.qcow2\n");
	const struct cfg_schema *vnf = cfg_schema_child(f->s, "virtual-network-functions");
	struct cfg_step p[] = { { vnf, "a" } };
	struct cfg_node *a = cfg_tree_find(f->t, NULL, p, 1);
	assert_non_null(a);
	static const char text[] = "no-autostart;\nimage { image-type raw; }\n";
	cfg_buf_reset(&f->e);
	assert_int_equal(cfg_curly_load(f->t, a, text, strlen(text), "terminal", CFG_CURLY_MERGE, &f->e), 0);
	assert_string_equal(sets(f, f->t),
		"set virtual-network-functions a image /a.qcow2\n"
		"set virtual-network-functions a image image-type raw\n"
		"set virtual-network-functions a no-autostart\n"
		"set virtual-network-functions b image /b.qcow2\n");
	static const char text2[] = "virtual-cpu { count 4; }\n";
	assert_int_equal(cfg_curly_load(f->t, a, text2, strlen(text2), "terminal", CFG_CURLY_OVERRIDE, &f->e), 0);
	assert_string_equal(sets(f, f->t),
		"set virtual-network-functions a virtual-cpu count 4\n"
		"set virtual-network-functions b image /b.qcow2\n");
}

static void test_speed(void **state)
{
	struct fx *f = *state;
	struct cfg_buf text = {0};
	cfg_buf_puts(&text, "host-os {\n");
	for (int i = 0; i < 100000; i++)
		cfg_buf_printf(&text, "    vlans v%d {\n        vlan-id %d;\n    }\n", i, i % 4094 + 1);
	cfg_buf_puts(&text, "}\n");
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	long nerr = 0;
	struct cfg_tree *t = cfg_curly_parse(f->s, text.p, text.len, "terminal", &f->e, &nerr);
	clock_gettime(CLOCK_MONOTONIC, &b);
	assert_non_null(t);
	assert_int_equal(cfg_tree_count(t), 1 + 2 * 100000);
	double secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	if (secs > 1.0)
		fail_msg("100k statements took %.2f s", secs);
	/* and back */
	struct cfg_buf out = {0};
	cfg_render_curly(&out, cfg_tree_root(t), 0, CFG_R_SECRETS);
	assert_string_equal(out.p, text.p);
	cfg_buf_free(&out);
	cfg_tree_free(t);
	cfg_buf_free(&text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trip_equal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_junos_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relative, setup, teardown),
		cmocka_unit_test_setup_teardown(test_speed, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
