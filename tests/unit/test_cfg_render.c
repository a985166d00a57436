/* cfg_render: curly, display set (relative, full), compare, xml, json, quoting. */
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>

#include "cfg_load.h"
#include "cfg_parse.h"
#include "cfg_render.h"
#include "cfg_tree.h"

/* virtual-network-functions before host-os, as in the compare example of
 * docs/CLI.md */
static const char XML[] =
	"<schema name='t'>"
	" <container name='system'>"
	"  <leaf name='host-name' type='name'/>"
	"  <container name='root-authentication'><leaf name='encrypted-password' type='secret'/></container>"
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
	" <container name='host-os'>"
	"  <list name='vlans' key='name' key-type='name'><leaf name='vlan-id' type='int' min='1' max='4094'/></list>"
	" </container>"
	"</schema>";

struct fx {
	struct cfg_schema *s;
	struct cfg_tree *t;
	struct cfg_buf b;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	f->s = cfg_schema_load_mem(XML, sizeof XML - 1, "t");
	if (!f->s)
		fail_msg("schema: %s", cfg_err_msg());
	f->t = cfg_tree_new(f->s);
	cfg_buf_init(&f->b);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	cfg_buf_free(&f->b);
	cfg_tree_free(f->t);
	cfg_schema_free(f->s);
	free(f);
	return 0;
}

static void load_into(struct cfg_tree *t, const char *text)
{
	struct cfg_buf e;
	cfg_buf_init(&e);
	long bad = cfg_load_set(t, NULL, text, strlen(text), "t", 0, &e);
	if (bad)
		fail_msg("load: %s", e.p ? e.p : cfg_err_msg());
	cfg_buf_free(&e);
}

static void load(struct fx *f, const char *text) { load_into(f->t, text); }

#define assert_text(buf, want) assert_string_equal((buf)->p ? (buf)->p : "", want)

static const char *curly(struct fx *f, unsigned opts)
{
	cfg_buf_reset(&f->b);
	cfg_render_curly(&f->b, cfg_tree_root(f->t), 0, opts);
	return f->b.p ? f->b.p : "";
}

static struct cfg_node *find(struct fx *f, const char *path)
{
	struct cfg_words w = {0};
	struct cfg_parse p = {0};
	size_t ec;
	assert_int_equal(cfg_lex(path, &w, &ec), 0);
	if (cfg_parse_path(f->s, &w, 0, w.n, CFG_PM_PATH, &p) != 0)
		fail_msg("path %s: %s", path, p.msg);
	struct cfg_node *n = cfg_tree_find(f->t, NULL, p.steps, p.n);
	cfg_parse_free(&p);
	cfg_words_free(&w);
	assert_non_null(n);
	return n;
}

/* ------------------------------------------------------------------ */

static void test_quote(void **state)
{
	(void)state;
	struct cfg_buf b;
	cfg_buf_init(&b);
	static const struct { const char *in, *out; } cases[] = {
		{ "plain", "plain" },
		{ "/var/a.qcow2", "/var/a.qcow2" },
		{ "", "\"\"" },
		{ "two words", "\"two words\"" },
		{ "tab\there", "\"tab\there\"" },
		{ "a;b", "\"a;b\"" },
		{ "{", "\"{\"" },
		{ "x]", "\"x]\"" },
		{ "#c", "\"#c\"" },
		{ "say \"hi\"", "\"say \\\"hi\\\"\"" },
		{ "it's", "\"it's\"" },
		{ "back\\slash x", "\"back\\\\slash x\"" },
		{ "/*c", "\"/*c\"" },
		{ "ctl\x01", "\"ctl\x01\"" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cfg_buf_reset(&b);
		cfg_quote(&b, cases[i].in);
		assert_string_equal(b.p, cases[i].out);
	}
	cfg_buf_free(&b);
}

static void test_curly_basic(void **state)
{
	struct fx *f = *state;
	load(f, "set system host-name jdm\n"
	        "set system services ssh\n"
	        "set system description \"branch box\"\n"
	        "set host-os vlans v100 vlan-id 100\n"
	        "set host-os vlans v200 vlan-id 200\n"
	        "set interfaces jmgmt0 unit 0 family inet dhcp\n");
	assert_string_equal(curly(f, 0),
		"system {\n"
		"    host-name jdm;\n"
		"    services {\n"
		"        ssh;\n"
		"    }\n"
		"    description \"branch box\";\n"
		"}\n"
		"interfaces jmgmt0 {\n"
		"    unit 0 {\n"
		"        family {\n"
		"            inet {\n"
		"                dhcp;\n"
		"            }\n"
		"        }\n"
		"    }\n"
		"}\n"
		"host-os {\n"
		"    vlans v100 {\n"
		"        vlan-id 100;\n"
		"    }\n"
		"    vlans v200 {\n"
		"        vlan-id 200;\n"
		"    }\n"
		"}\n");
}

/* a CFG_F_UNIT list renders like any list; a leaf-list of one value */
static void test_curly_list_keyword(void **state)
{
	struct fx *f = *state;
	load(f, "set interfaces jmgmt0 unit 0 family inet address 192.168.1.2/24\n");
	assert_string_equal(curly(f, 0),
		"interfaces jmgmt0 {\n"
		"    unit 0 {\n"
		"        family {\n"
		"            inet {\n"
		"                address 192.168.1.2/24;\n"
		"            }\n"
		"        }\n"
		"    }\n"
		"}\n");
}

static void test_curly_leaflist_positional(void **state)
{
	struct fx *f = *state;
	load(f, "set virtual-network-functions vrtr1 image /var/third-party/images/vrtr.qcow2\n"
	        "set virtual-network-functions vrtr1 image image-type qcow2\n"
	        "set virtual-network-functions vrtr1 virtual-cpu count 2\n"
	        "set virtual-network-functions vrtr1 virtual-cpu 0 physical-cpu 2\n"
	        "set virtual-network-functions vrtr1 virtual-cpu 1\n"
	        "set virtual-network-functions vrtr1 interfaces eth2 mapping vlan members v100\n"
	        "set virtual-network-functions vrtr1 interfaces eth3 mapping vlan mode trunk\n"
	        "set virtual-network-functions vrtr1 interfaces eth3 mapping vlan members v100\n"
	        "set virtual-network-functions vrtr1 interfaces eth3 mapping vlan members v200\n"
	        "set virtual-network-functions vrtr1 interfaces eth4\n"
	        "set virtual-network-functions vrtr1 no-autostart\n");
	assert_string_equal(curly(f, 0),
		"virtual-network-functions vrtr1 {\n"
		"    image {\n"
		"        /var/third-party/images/vrtr.qcow2;\n"
		"        image-type qcow2;\n"
		"    }\n"
		"    virtual-cpu {\n"
		"        count 2;\n"
		"        0 {\n"
		"            physical-cpu 2;\n"
		"        }\n"
		"        1;\n"
		"    }\n"
		"    interfaces eth2 {\n"
		"        mapping {\n"
		"            vlan {\n"
		"                members v100;\n"
		"            }\n"
		"        }\n"
		"    }\n"
		"    interfaces eth3 {\n"
		"        mapping {\n"
		"            vlan {\n"
		"                mode trunk;\n"
		"                members [ v100 v200 ];\n"
		"            }\n"
		"        }\n"
		"    }\n"
		"    interfaces eth4;\n"
		"    no-autostart;\n"
		"}\n");
}

static void test_curly_secret_inactive_annotation(void **state)
{
	struct fx *f = *state;
	load(f, "set system host-name jdm\n"
	        "set system root-authentication encrypted-password \"$6$salt$hash\"\n"
	        "set system services ssh\n"
	        "deactivate system services\n"
	        "annotate system \"the box\"\n"
	        "set host-os vlans v100 vlan-id 100\n"
	        "deactivate host-os vlans v100 vlan-id\n");
	assert_string_equal(curly(f, CFG_R_SECRETS),
		"/* the box */\n"
		"system {\n"
		"    host-name jdm;\n"
		"    root-authentication {\n"
		"        encrypted-password \"$6$salt$hash\"; ## SECRET-DATA\n"
		"    }\n"
		"    inactive: services {\n"
		"        ssh;\n"
		"    }\n"
		"}\n"
		"host-os {\n"
		"    vlans v100 {\n"
		"        inactive: vlan-id 100;\n"
		"    }\n"
		"}\n");
	/* what commit applies: inactive statements left out */
	assert_string_equal(curly(f, CFG_R_NOINACTIVE | CFG_R_SECRETS),
		"/* the box */\n"
		"system {\n"
		"    host-name jdm;\n"
		"    root-authentication {\n"
		"        encrypted-password \"$6$salt$hash\"; ## SECRET-DATA\n"
		"    }\n"
		"}\n"
		"host-os {\n"
		"    vlans v100;\n"
		"}\n");
}

/* Without CFG_R_SECRETS a secret value is never printed, in any format. */
static void test_secret_hidden(void **state)
{
	struct fx *f = *state;
	load(f, "set system host-name jdm\n"
	        "set system root-authentication encrypted-password \"$6$salt$hash\"\n");
	const char *hid = "/* SECRET-DATA */";
	assert_string_equal(curly(f, 0),
		"system {\n"
		"    host-name jdm;\n"
		"    root-authentication {\n"
		"        encrypted-password /* SECRET-DATA */;\n"
		"    }\n"
		"}\n");
	cfg_buf_reset(&f->b);
	cfg_render_set(&f->b, cfg_tree_root(f->t), false, 0);
	assert_text(&f->b, "set system host-name jdm\n"
	                   "set system root-authentication encrypted-password /* SECRET-DATA */\n");
	cfg_buf_reset(&f->b);
	cfg_render_set(&f->b, find(f, "system root-authentication"), true, CFG_R_FULL);
	assert_text(&f->b, "set encrypted-password /* SECRET-DATA */\n");
	cfg_buf_reset(&f->b);
	cfg_render_set(&f->b, find(f, "system root-authentication encrypted-password"), false, 0);
	assert_text(&f->b, "set system root-authentication encrypted-password /* SECRET-DATA */\n");
	cfg_buf_reset(&f->b);
	cfg_render_curly_node(&f->b, find(f, "system root-authentication encrypted-password"), 0, 0);
	assert_text(&f->b, "encrypted-password /* SECRET-DATA */;\n");
	cfg_buf_reset(&f->b);
	cfg_render_xml(&f->b, cfg_tree_root(f->t), 0);
	assert_non_null(strstr(f->b.p, "<encrypted-password>/* SECRET-DATA */</encrypted-password>"));
	assert_null(strstr(f->b.p, "$6$"));
	cfg_buf_reset(&f->b);
	cfg_render_xml(&f->b, find(f, "system root-authentication encrypted-password"), 0);
	assert_null(strstr(f->b.p, "$6$"));
	cfg_buf_reset(&f->b);
	cfg_render_json(&f->b, cfg_tree_root(f->t), 0);
	assert_non_null(strstr(f->b.p, "\"encrypted-password\" : \"/* SECRET-DATA */\""));
	assert_null(strstr(f->b.p, "$6$"));
	cfg_buf_reset(&f->b);
	cfg_render_json(&f->b, find(f, "system root-authentication encrypted-password"), 0);
	assert_null(strstr(f->b.p, "$6$"));
	/* edit paths never show it */
	cfg_buf_reset(&f->b);
	cfg_render_edit_path(&f->b, find(f, "system root-authentication encrypted-password"));
	assert_null(strstr(f->b.p, "$6$"));
	cfg_buf_reset(&f->b);
	cfg_render_path_words(&f->b, find(f, "system root-authentication encrypted-password"));
	assert_null(strstr(f->b.p, "$6$"));
	/* compare: a changed secret shows as changed, both sides hidden */
	struct cfg_tree *o = cfg_tree_new(f->s);
	load_into(o, "set system root-authentication encrypted-password \"$6$old$old\"\n");
	cfg_buf_reset(&f->b);
	cfg_render_compare(&f->b, cfg_tree_root(o), cfg_tree_root(f->t), 0);
	assert_text(&f->b, "[edit system]\n"
	                   "+    host-name jdm;\n"
	                   "[edit system root-authentication]\n"
	                   "-    encrypted-password /* SECRET-DATA */;\n"
	                   "+    encrypted-password /* SECRET-DATA */;\n");
	cfg_buf_reset(&f->b);
	cfg_render_compare(&f->b, NULL, cfg_tree_root(o), 0);
	assert_null(strstr(f->b.p, "$6$"));
	cfg_buf_reset(&f->b);
	cfg_render_compare(&f->b, cfg_tree_root(o), cfg_tree_root(f->t), CFG_R_SECRETS);
	assert_non_null(strstr(f->b.p, "$6$old$old"));
	cfg_tree_free(o);
	(void)hid;
}

static void test_curly_at_and_node(void **state)
{
	struct fx *f = *state;
	load(f, "set host-os vlans v100 vlan-id 100\nset system host-name jdm\n");
	cfg_render_curly(&f->b, find(f, "host-os"), 4, 0);
	assert_text(&f->b,
		"    vlans v100 {\n"
		"        vlan-id 100;\n"
		"    }\n");
	cfg_buf_reset(&f->b);
	cfg_render_curly_node(&f->b, find(f, "host-os vlans v100"), 0, 0);
	assert_text(&f->b, "vlans v100 {\n    vlan-id 100;\n}\n");
	cfg_buf_reset(&f->b);
	cfg_render_curly(&f->b, find(f, "system host-name"), 0, 0);
	assert_text(&f->b, "host-name jdm;\n");
}

/* Trees built directly with cfg_tree_set and hand-made steps. */
static void test_curly_steps(void **state)
{
	struct fx *f = *state;
	const struct cfg_schema *hos = cfg_schema_child(f->s, "host-os");
	const struct cfg_schema *vl = cfg_schema_child(hos, "vlans");
	const struct cfg_schema *id = cfg_schema_child(vl, "vlan-id");
	struct cfg_step p[] = { { hos, NULL }, { vl, "my vlan" }, { id, "7" } };
	assert_non_null(cfg_tree_set(f->t, NULL, p, 3));
	assert_string_equal(curly(f, 0),
		"host-os {\n"
		"    vlans \"my vlan\" {\n"
		"        vlan-id 7;\n"
		"    }\n"
		"}\n");
	cfg_buf_reset(&f->b);
	cfg_render_set(&f->b, cfg_tree_root(f->t), false, 0);
	assert_text(&f->b, "set host-os vlans \"my vlan\" vlan-id 7\n");
}

static void test_edit_path(void **state)
{
	struct fx *f = *state;
	load(f, "set virtual-network-functions vrtr1 interfaces eth3 mapping vlan mode access\n");
	cfg_render_edit_path(&f->b, cfg_tree_root(f->t));
	assert_text(&f->b, "[edit]");
	cfg_buf_reset(&f->b);
	cfg_render_edit_path(&f->b, find(f, "virtual-network-functions vrtr1 interfaces eth3"));
	assert_text(&f->b, "[edit virtual-network-functions vrtr1 interfaces eth3]");
	cfg_buf_reset(&f->b);
	cfg_render_path_words(&f->b, find(f, "virtual-network-functions vrtr1 interfaces eth3 mapping vlan mode"));
	assert_text(&f->b, "virtual-network-functions vrtr1 interfaces eth3 mapping vlan mode access");
}

static const char SETS[] =
	"set system host-name jdm\n"
	"set system root-authentication encrypted-password \"$6$salt$hash\"\n"
	"set system services ssh\n"
	"set system description \"branch \\\"box\\\"\"\n"
	"set interfaces jmgmt0 unit 0 family inet address 10.0.0.1/24\n"
	"set interfaces jmgmt0 unit 0 family inet address 10.0.1.1/24\n"
	"set virtual-network-functions vrtr1 image /var/vrtr.qcow2\n"
	"set virtual-network-functions vrtr1 virtual-cpu 0 physical-cpu 2\n"
	"set virtual-network-functions vrtr1 virtual-cpu 1\n"
	"set virtual-network-functions vrtr1 interfaces eth3 mapping vlan members v100\n"
	"set virtual-network-functions vrtr1 interfaces eth3 mapping vlan members v200\n"
	"set virtual-network-functions vrtr1 interfaces eth4\n"
	"set virtual-network-functions vrtr1 no-autostart\n"
	"set host-os vlans v100 vlan-id 100\n"
	"set host-os vlans v200 vlan-id 200\n";

static void test_display_set(void **state)
{
	struct fx *f = *state;
	load(f, SETS);
	cfg_render_set(&f->b, cfg_tree_root(f->t), false, CFG_R_SECRETS);
	assert_text(&f->b, SETS);
	/* relative to an edit path */
	cfg_buf_reset(&f->b);
	cfg_render_set(&f->b, find(f, "virtual-network-functions vrtr1"), true, 0);
	assert_text(&f->b,
		"set image /var/vrtr.qcow2\n"
		"set virtual-cpu 0 physical-cpu 2\n"
		"set virtual-cpu 1\n"
		"set interfaces eth3 mapping vlan members v100\n"
		"set interfaces eth3 mapping vlan members v200\n"
		"set interfaces eth4\n"
		"set no-autostart\n");
	/* full paths from a sub-node */
	cfg_buf_reset(&f->b);
	cfg_render_set(&f->b, find(f, "host-os"), false, 0);
	assert_text(&f->b,
		"set host-os vlans v100 vlan-id 100\n"
		"set host-os vlans v200 vlan-id 200\n");
}

static void test_display_set_inactive_full(void **state)
{
	struct fx *f = *state;
	load(f, SETS);
	load(f, "deactivate system services\n"
	        "deactivate host-os vlans v200\n"
	        "deactivate virtual-network-functions vrtr1 interfaces eth3 mapping vlan members v200\n"
	        "annotate system \"main \\\"system\\\"\"\n"
	        "annotate host-os \"vlans here\"\n");
	cfg_render_set(&f->b, find(f, "host-os"), false, 0);
	assert_text(&f->b,
		"set host-os vlans v100 vlan-id 100\n"
		"set host-os vlans v200 vlan-id 200\n"
		"deactivate host-os vlans v200\n");
	cfg_buf_reset(&f->b);
	cfg_render_set(&f->b, find(f, "host-os"), false, CFG_R_FULL);
	assert_text(&f->b,
		"set host-os vlans v100 vlan-id 100\n"
		"set host-os vlans v200 vlan-id 200\n"
		"deactivate host-os vlans v200\n"
		"annotate host-os \"vlans here\"\n");
	cfg_buf_reset(&f->b);
	cfg_render_set(&f->b, find(f, "host-os"), false, CFG_R_NOINACTIVE);
	assert_text(&f->b, "set host-os vlans v100 vlan-id 100\n");

	/* the full text loads back into an identical tree */
	cfg_buf_reset(&f->b);
	cfg_render_set(&f->b, cfg_tree_root(f->t), false, CFG_R_FULL | CFG_R_SECRETS);
	struct cfg_tree *t2 = cfg_tree_new(f->s);
	load_into(t2, f->b.p);
	assert_true(cfg_tree_equal(cfg_tree_root(f->t), cfg_tree_root(t2)));
	cfg_tree_free(t2);
}

/* ------------------------------------------------------------------ */
/* compare                                                             */

static char *compare(struct fx *f, const char *old_sets, const char *new_sets)
{
	struct cfg_tree *o = cfg_tree_new(f->s), *n = cfg_tree_new(f->s);
	load_into(o, old_sets);
	load_into(n, new_sets);
	struct cfg_buf b;
	cfg_buf_init(&b);
	cfg_render_compare(&b, cfg_tree_root(o), cfg_tree_root(n), CFG_R_SECRETS);
	cfg_tree_free(o);
	cfg_tree_free(n);
	return cfg_buf_steal(&b);
}

static const char BASE[] =
	"set virtual-network-functions vrtr1 image /var/vrtr.qcow2\n"
	"set virtual-network-functions vrtr1 interfaces eth3 mapping vlan members v100\n"
	"set host-os vlans v100 vlan-id 100\n"
	"set host-os vlans v200 vlan-id 200\n";

static void test_compare_doc_example(void **state)
{
	struct fx *f = *state;
	char *s = compare(f, BASE,
		"set virtual-network-functions vrtr1 image /var/vrtr.qcow2\n"
		"set virtual-network-functions vrtr1 interfaces eth3 mapping vlan members v100\n"
		"set virtual-network-functions vrtr1 no-autostart\n"
		"set host-os vlans v100 vlan-id 100\n"
		"set host-os vlans v200 vlan-id 200\n"
		"set host-os vlans v300 vlan-id 300\n");
	assert_string_equal(s,
		"[edit virtual-network-functions vrtr1]\n"
		"+    no-autostart;\n"
		"[edit host-os vlans]\n"
		"+    v300 {\n"
		"+        vlan-id 300;\n"
		"+    }\n");
	free(s);
	s = compare(f, BASE, BASE);
	assert_string_equal(s, "");
	free(s);
}

static void test_compare_changes(void **state)
{
	struct fx *f = *state;
	/* changed leaf value, deleted entry, whole new top-level statement */
	char *s = compare(f, BASE,
		"set system host-name jdm\n"
		"set virtual-network-functions vrtr1 image /var/vrtr2.qcow2\n"
		"set virtual-network-functions vrtr1 interfaces eth3 mapping vlan members v100\n"
		"set host-os vlans v100 vlan-id 101\n");
	assert_string_equal(s,
		"[edit]\n"
		"+    system {\n"
		"+        host-name jdm;\n"
		"+    }\n"
		"[edit virtual-network-functions vrtr1 image]\n"
		"-    /var/vrtr.qcow2;\n"
		"+    /var/vrtr2.qcow2;\n"
		"[edit host-os vlans v100]\n"
		"-    vlan-id 100;\n"
		"+    vlan-id 101;\n"
		"[edit host-os vlans]\n"
		"-    v200 {\n"
		"-        vlan-id 200;\n"
		"-    }\n");
	free(s);
	/* removing everything */
	s = compare(f, "set host-os vlans v100 vlan-id 100\n", "");
	assert_string_equal(s,
		"[edit]\n"
		"-    host-os {\n"
		"-        vlans v100 {\n"
		"-            vlan-id 100;\n"
		"-        }\n"
		"-    }\n");
	free(s);
}

static void test_compare_leaflist(void **state)
{
	struct fx *f = *state;
	char *s = compare(f, BASE,
		"set virtual-network-functions vrtr1 image /var/vrtr.qcow2\n"
		"set virtual-network-functions vrtr1 interfaces eth3 mapping vlan members v100\n"
		"set virtual-network-functions vrtr1 interfaces eth3 mapping vlan members v200\n"
		"set host-os vlans v100 vlan-id 100\n"
		"set host-os vlans v200 vlan-id 200\n");
	assert_string_equal(s,
		"[edit virtual-network-functions vrtr1 interfaces eth3 mapping vlan]\n"
		"-    members v100;\n"
		"+    members [ v100 v200 ];\n");
	free(s);
}

static void test_compare_inactive_and_null(void **state)
{
	struct fx *f = *state;
	struct cfg_tree *o = cfg_tree_new(f->s), *n = cfg_tree_new(f->s);
	load_into(o, "set host-os vlans v100 vlan-id 100\n");
	load_into(n, "set host-os vlans v100 vlan-id 100\ndeactivate host-os vlans v100\n");
	cfg_render_compare(&f->b, cfg_tree_root(o), cfg_tree_root(n), CFG_R_SECRETS);
	assert_text(&f->b,
		/* Junos: the deactivated statement on one `!` line, subtree elided */
		"[edit host-os vlans]\n"
		"!    inactive: v100 { ... }\n");
	/* only one side: everything added */
	cfg_buf_reset(&f->b);
	cfg_render_compare(&f->b, NULL, cfg_tree_root(o), CFG_R_SECRETS);
	assert_text(&f->b,
		"[edit]\n"
		"+    host-os {\n"
		"+        vlans v100 {\n"
		"+            vlan-id 100;\n"
		"+        }\n"
		"+    }\n");
	cfg_buf_reset(&f->b);
	cfg_render_compare(&f->b, NULL, NULL, CFG_R_SECRETS);
	assert_text(&f->b, "");
	cfg_tree_free(o);
	cfg_tree_free(n);
}

/* a big list compares in linear time */
static void test_compare_big(void **state)
{
	struct fx *f = *state;
	struct cfg_buf a, b;
	cfg_buf_init(&a);
	cfg_buf_init(&b);
	for (int i = 1; i <= 20000; i++) {
		cfg_buf_printf(&a, "set host-os vlans v%d vlan-id %d\n", i, i % 4094 + 1);
		if (i != 777)
			cfg_buf_printf(&b, "set host-os vlans v%d vlan-id %d\n", i, i % 4094 + 1);
	}
	char *s = compare(f, a.p, b.p);
	assert_string_equal(s, "[edit host-os vlans]\n-    v777 {\n-        vlan-id 778;\n-    }\n");
	free(s);
	cfg_buf_free(&a);
	cfg_buf_free(&b);
}

/* ------------------------------------------------------------------ */

static void test_xml(void **state)
{
	struct fx *f = *state;
	load(f, "set system host-name jdm\n"
	        "set system services ssh\n"
	        "set system description \"a<b & c>\"\n"
	        "set host-os vlans v1 vlan-id 100\n");
	cfg_render_xml(&f->b, cfg_tree_root(f->t), CFG_R_SECRETS);
	assert_text(&f->b,
		"<configuration>\n"
		"    <system>\n"
		"        <host-name>jdm</host-name>\n"
		"        <services>\n"
		"            <ssh/>\n"
		"        </services>\n"
		"        <description>a&lt;b &amp; c&gt;</description>\n"
		"    </system>\n"
		"    <host-os>\n"
		"        <vlans>\n"
		"            <name>v1</name>\n"
		"            <vlan-id>100</vlan-id>\n"
		"        </vlans>\n"
		"    </host-os>\n"
		"</configuration>\n");
	cfg_buf_reset(&f->b);
	cfg_render_xml(&f->b, find(f, "host-os vlans v1"), CFG_R_SECRETS);
	assert_text(&f->b,
		"<configuration>\n"
		"    <host-os>\n"
		"        <vlans>\n"
		"            <name>v1</name>\n"
		"            <vlan-id>100</vlan-id>\n"
		"        </vlans>\n"
		"    </host-os>\n"
		"</configuration>\n");
}

static void test_json(void **state)
{
	struct fx *f = *state;
	load(f, "set system host-name jdm\n"
	        "set system services ssh\n"
	        "set host-os vlans v100 vlan-id 100\n"
	        "set host-os vlans v200 vlan-id 200\n"
	        "set virtual-network-functions vrtr1 interfaces eth3 mapping vlan members v100\n"
	        "set virtual-network-functions vrtr1 interfaces eth3 mapping vlan members v200\n"
	        "set virtual-network-functions vrtr1 no-autostart\n");
	cfg_render_json(&f->b, cfg_tree_root(f->t), CFG_R_SECRETS);
	assert_text(&f->b,
		"{\n"
		"    \"configuration\" : {\n"
		"        \"system\" : {\n"
		"            \"host-name\" : \"jdm\",\n"
		"            \"services\" : {\n"
		"                \"ssh\" : [null]\n"
		"            }\n"
		"        },\n"
		"        \"virtual-network-functions\" : [\n"
		"            {\n"
		"                \"name\" : \"vrtr1\",\n"
		"                \"interfaces\" : [\n"
		"                    {\n"
		"                        \"interface-name\" : \"eth3\",\n"
		"                        \"mapping\" : {\n"
		"                            \"vlan\" : {\n"
		"                                \"members\" : [\"v100\", \"v200\"]\n"
		"                            }\n"
		"                        }\n"
		"                    }\n"
		"                ],\n"
		"                \"no-autostart\" : [null]\n"
		"            }\n"
		"        ],\n"
		"        \"host-os\" : {\n"
		"            \"vlans\" : [\n"
		"                {\n"
		"                    \"name\" : \"v100\",\n"
		"                    \"vlan-id\" : \"100\"\n"
		"                },\n"
		"                {\n"
		"                    \"name\" : \"v200\",\n"
		"                    \"vlan-id\" : \"200\"\n"
		"                }\n"
		"            ]\n"
		"        }\n"
		"    }\n"
		"}\n");
	cfg_buf_reset(&f->b);
	cfg_render_json(&f->b, find(f, "host-os vlans v100"), CFG_R_SECRETS);
	assert_text(&f->b,
		"{\n"
		"    \"configuration\" : {\n"
		"        \"host-os\" : {\n"
		"            \"vlans\" : [\n"
		"                {\n"
		"                    \"name\" : \"v100\",\n"
		"                    \"vlan-id\" : \"100\"\n"
		"                }\n"
		"            ]\n"
		"        }\n"
		"    }\n"
		"}\n");
}

/* As Junos's CLI prints `show configuration | display xml|json`: the RPC
 * reply wrapper, the commit's attributes (Juniper's Junos XML Management
 * Protocol guide: junos:commit-seconds, -localtime, -user), statements at
 * 12 spaces, the <cli><banner> trailer; in JSON the "@" member. */
static void test_xml_json_meta(void **state)
{
	struct fx *f = *state;
	load(f, "set system host-name jdm\n"
	        "set host-os vlans v1 vlan-id 100\n");
	struct cfg_render_meta m = { 1796115851, "root", "{master:0}" };
	cfg_render_xml_rpc(&f->b, find(f, "host-os"), CFG_R_SECRETS, &m);
	assert_text(&f->b,
		"<rpc-reply xmlns:junos=\"http://xml.juniper.net/junos/" NFX_VERSION "/junos\">\n"
		"    <configuration junos:commit-seconds=\"1796115851\" junos:commit-localtime=\"2026-12-01 09:04:11 UTC\" junos:commit-user=\"root\">\n"
		"            <host-os>\n"
		"                <vlans>\n"
		"                    <name>v1</name>\n"
		"                    <vlan-id>100</vlan-id>\n"
		"                </vlans>\n"
		"            </host-os>\n"
		"    </configuration>\n"
		"    <cli>\n"
		"        <banner>{master:0}</banner>\n"
		"    </cli>\n"
		"</rpc-reply>\n");
	cfg_buf_reset(&f->b);
	struct cfg_render_meta cm = { 1796115851, NULL, "{master:0}[edit]" };
	cfg_render_xml_rpc(&f->b, cfg_tree_root(f->t), CFG_R_SECRETS, &cm);
	assert_non_null(strstr(f->b.p, "    <configuration junos:changed-seconds=\"1796115851\" "
	                                "junos:changed-localtime=\"2026-12-01 09:04:11 UTC\">\n"
	                                "            <system>\n"));
	assert_non_null(strstr(f->b.p, "<banner>{master:0}[edit]</banner>"));
	cfg_buf_reset(&f->b);
	cfg_render_json_meta(&f->b, cfg_tree_root(f->t), CFG_R_SECRETS, &m);
	assert_text(&f->b,
		"{\n"
		"    \"configuration\" : {\n"
		"        \"@\" : {\n"
		"            \"junos:commit-seconds\" : \"1796115851\",\n"
		"            \"junos:commit-localtime\" : \"2026-12-01 09:04:11 UTC\",\n"
		"            \"junos:commit-user\" : \"root\"\n"
		"        },\n"
		"        \"system\" : {\n"
		"            \"host-name\" : \"jdm\"\n"
		"        },\n"
		"        \"host-os\" : {\n"
		"            \"vlans\" : [\n"
		"                {\n"
		"                    \"name\" : \"v1\",\n"
		"                    \"vlan-id\" : \"100\"\n"
		"                }\n"
		"            ]\n"
		"        }\n"
		"    }\n"
		"}\n");
	cfg_buf_reset(&f->b);
	cfg_render_json_meta(&f->b, find(f, "host-os vlans v1"), CFG_R_SECRETS, &cm);
	assert_text(&f->b,
		"{\n"
		"    \"configuration\" : {\n"
		"        \"@\" : {\n"
		"            \"junos:changed-seconds\" : \"1796115851\",\n"
		"            \"junos:changed-localtime\" : \"2026-12-01 09:04:11 UTC\"\n"
		"        },\n"
		"        \"host-os\" : {\n"
		"            \"vlans\" : [\n"
		"                {\n"
		"                    \"name\" : \"v1\",\n"
		"                    \"vlan-id\" : \"100\"\n"
		"                }\n"
		"            ]\n"
		"        }\n"
		"    }\n"
		"}\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quote),
		cmocka_unit_test_setup_teardown(test_curly_basic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_curly_list_keyword, setup, teardown),
		cmocka_unit_test_setup_teardown(test_curly_leaflist_positional, setup, teardown),
		cmocka_unit_test_setup_teardown(test_curly_secret_inactive_annotation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secret_hidden, setup, teardown),
		cmocka_unit_test_setup_teardown(test_curly_at_and_node, setup, teardown),
		cmocka_unit_test_setup_teardown(test_curly_steps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edit_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_display_set, setup, teardown),
		cmocka_unit_test_setup_teardown(test_display_set_inactive_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compare_doc_example, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compare_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compare_leaflist, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compare_inactive_and_null, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compare_big, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xml, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xml_json_meta, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
