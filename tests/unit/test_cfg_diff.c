/* Unit tests of cfg_diff: the entries for every kind of change in both
 * views, touches / next_under / entries, the inverse, and the patch that
 * turns OLD into a tree equal to NEW. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_buf.h"
#include "cfg_diff.h"
#include "cfg_err.h"
#include "cfg_load.h"
#include "cfg_render.h"
#include "cfg_schema.h"
#include "cfg_tree.h"

static const char schema_xml[] =
	"<schema name=\"t\">\n"
	"  <container name=\"system\" help=\"System\">\n"
	"    <leaf name=\"host-name\" type=\"name\" help=\"Host name\"/>\n"
	"    <container name=\"services\" help=\"Services\">\n"
	"      <container name=\"ssh\" presence=\"true\" help=\"SSH\">\n"
	"        <leaf name=\"port\" type=\"int\" min=\"1\" max=\"65535\" help=\"Port\"/>\n"
	"      </container>\n"
	"    </container>\n"
	"    <leaf-list name=\"dns\" type=\"name\" help=\"Name servers\"/>\n"
	"  </container>\n"
	"  <container name=\"host-os\" help=\"Host OS\">\n"
	"    <container name=\"vlans\" help=\"VLANs\">\n"
	"      <list name=\"vlan\" positional=\"true\" key=\"name\" key-type=\"name\" key-help=\"VLAN name\" help=\"VLAN\">\n"
	"        <leaf name=\"vlan-id\" type=\"int\" min=\"1\" max=\"4094\" help=\"VLAN id\"/>\n"
	"        <leaf name=\"description\" type=\"string\" help=\"Text\"/>\n"
	"      </list>\n"
	"    </container>\n"
	"  </container>\n"
	"  <container name=\"vnfs\" help=\"VNFs\">\n"
	"  <list name=\"vnf\" positional=\"true\" key=\"name\" key-type=\"name\" key-help=\"VNF name\" help=\"VNFs\">\n"
	"    <leaf name=\"image\" type=\"string\" help=\"Image\"/>\n"
	"    <leaf name=\"no-autostart\" type=\"flag\" help=\"Do not start\"/>\n"
	"    <list name=\"interfaces\" key=\"name\" key-type=\"name\" key-help=\"Interface\" help=\"Ifs\">\n"
	"      <leaf-list name=\"members\" type=\"name\" ordered=\"true\" help=\"VLANs\"/>\n"
	"    </list>\n"
	"  </list>\n"
	"  </container>\n"
	"  <list name=\"rules\" key=\"name\" key-type=\"name\" key-help=\"Rule\" ordered=\"true\" help=\"Rules\">\n"
	"    <leaf name=\"action\" type=\"name\" help=\"Action\"/>\n"
	"  </list>\n"
	"</schema>\n";

static const char base[] =
	"set system host-name jdm\n"
	"set system services ssh port 22\n"
	"set system dns a\n"
	"set system dns b\n"
	"set host-os vlans v100 vlan-id 100\n"
	"set host-os vlans v200 vlan-id 200\n"
	"set vnfs r1 image /i/r1.qcow2\n"
	"set vnfs r1 interfaces eth1 members v100\n"
	"set vnfs r1 interfaces eth1 members v200\n"
	"set vnfs r2 image /i/r2.qcow2\n"
	"set rules x action allow\n"
	"set rules y action deny\n";

struct fx {
	struct cfg_schema *schema;
	struct cfg_tree *old_t, *new_t;
	struct cfg_diff *d;
};

static struct cfg_tree *load(struct cfg_schema *s, const char *text)
{
	struct cfg_tree *t = cfg_tree_new(s);
	assert_non_null(t);
	struct cfg_buf errs;
	cfg_buf_init(&errs);
	long bad = cfg_load_set(t, NULL, text, strlen(text), "test", 0, &errs);
	if (bad != 0)
		fail_msg("load: %ld bad lines: %s %s", bad, errs.p ? errs.p : "", cfg_err_msg());
	cfg_buf_free(&errs);
	return t;
}

static void more(struct cfg_tree *t, const char *text)
{
	struct cfg_buf errs;
	cfg_buf_init(&errs);
	long bad = cfg_load_set(t, NULL, text, strlen(text), "test", 0, &errs);
	if (bad != 0)
		fail_msg("load: %ld bad lines: %s %s", bad, errs.p ? errs.p : "", cfg_err_msg());
	cfg_buf_free(&errs);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->schema = cfg_schema_load_mem(schema_xml, sizeof schema_xml - 1, "test.xml");
	if (!f->schema)
		fail_msg("schema: %s", cfg_err_msg());
	f->old_t = load(f->schema, base);
	f->new_t = cfg_tree_dup(f->old_t);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	cfg_diff_free(f->d);
	cfg_tree_free(f->old_t);
	cfg_tree_free(f->new_t);
	cfg_schema_free(f->schema);
	free(f);
	return 0;
}

/* "ADD host-os vlans v300" — one line per entry: op and the path words of
 * the entry's node (new for ADD/CHG, old for DEL), "~" for a reorder. */
static char *describe(const struct cfg_diff *d)
{
	struct cfg_buf b;
	cfg_buf_init(&b);
	for (size_t i = 0; i < cfg_diff_count(d); i++) {
		const struct cfg_diff_ent *e = cfg_diff_at(d, i);
		static const char *ops[] = {"ADD", "DEL", "CHG"};
		cfg_buf_printf(&b, "%s%s ", ops[e->op], e->reorder ? "~" : "");
		const struct cfg_node *n = e->op == CFG_DIFF_DEL ? e->old_node : e->new_node;
		if (n && n->parent)
			cfg_render_path_words(&b, n);
		cfg_buf_putc(&b, '\n');
	}
	return cfg_buf_steal(&b);
}

static void expect(struct fx *f, enum cfg_diff_view view, const char *want)
{
	cfg_diff_free(f->d);
	f->d = cfg_diff_new(f->old_t, f->new_t, view);
	assert_non_null(f->d);
	char *got = describe(f->d);
	assert_string_equal(got ? got : "", want);
	free(got);
}

/* the FULL diff patches a copy of OLD (and OLD itself) into NEW */
static void check_patch(struct fx *f)
{
	struct cfg_diff *d = cfg_diff_new(f->old_t, f->new_t, CFG_DIFF_FULL);
	assert_non_null(d);
	struct cfg_tree *t = cfg_tree_dup(f->old_t);
	if (cfg_diff_patch(t, d) < 0)
		fail_msg("patch: %s", cfg_err_msg());
	if (!cfg_tree_equal(cfg_tree_root(t), cfg_tree_root(f->new_t))) {
		struct cfg_buf a, b;
		cfg_buf_init(&a);
		cfg_buf_init(&b);
		cfg_render_set(&a, cfg_tree_root(t), false, CFG_R_FULL);
		cfg_render_set(&b, cfg_tree_root(f->new_t), false, CFG_R_FULL);
		fail_msg("patched:\n%s\nwanted:\n%s", a.p ? a.p : "", b.p ? b.p : "");
	}
	cfg_tree_free(t);
	/* the inverse patches NEW back into OLD */
	struct cfg_diff *inv = cfg_diff_inverse(d);
	assert_non_null(inv);
	t = cfg_tree_dup(f->new_t);
	assert_int_equal(cfg_diff_patch(t, inv), 0);
	assert_true(cfg_tree_equal(cfg_tree_root(t), cfg_tree_root(f->old_t)));
	cfg_tree_free(t);
	cfg_diff_free(inv);
	cfg_diff_free(d);
	/* patching OLD itself */
	struct cfg_tree *o = cfg_tree_dup(f->old_t);
	d = cfg_diff_new(o, f->new_t, CFG_DIFF_FULL);
	assert_int_equal(cfg_diff_patch(o, d), 0);
	cfg_diff_free(d);
	assert_true(cfg_tree_equal(cfg_tree_root(o), cfg_tree_root(f->new_t)));
	cfg_tree_free(o);
}

static void test_equal(void **state)
{
	struct fx *f = *state;
	expect(f, CFG_DIFF_EFFECTIVE, "");
	expect(f, CFG_DIFF_FULL, "");
	assert_true(cfg_diff_empty(f->d));
	assert_false(cfg_diff_touches(f->d, ""));
	check_patch(f);
}

static void test_leaf_add_delete_change(void **state)
{
	struct fx *f = *state;
	more(f->new_t, "set host-os vlans v100 description \"the users\"\n"
	               "delete system host-name\n"
	               "set host-os vlans v200 vlan-id 201\n");
	const char *want = "DEL system host-name jdm\n"
	                   "ADD host-os vlans v100 description \"the users\"\n"
	                   "CHG host-os vlans v200 vlan-id 201\n";
	expect(f, CFG_DIFF_EFFECTIVE, want);
	const struct cfg_diff_ent *e = cfg_diff_at(f->d, 2);
	assert_string_equal(e->old_node->value, "200");
	assert_string_equal(e->new_node->value, "201");
	expect(f, CFG_DIFF_FULL, want);
	check_patch(f);
}

static void test_subtree_add_delete(void **state)
{
	struct fx *f = *state;
	more(f->new_t, "delete vnfs r1\n"
	               "set vnfs r3 image /i/r3.qcow2\n"
	               "set vnfs r3 interfaces eth1 members v100\n"
	               "delete system services\n");
	/* one entry per subtree; `services` went because it became empty */
	expect(f, CFG_DIFF_EFFECTIVE, "DEL system services\nDEL vnfs r1\nADD vnfs r3\n");
	check_patch(f);
	assert_int_equal(cfg_diff_count(f->d), 3);
}

static void test_leaf_list(void **state)
{
	struct fx *f = *state;
	more(f->new_t, "delete system dns a\nset system dns c\n"
	               "set vnfs r1 interfaces eth1 members v300\n");
	expect(f, CFG_DIFF_EFFECTIVE, "DEL system dns a\nADD system dns c\n"
	                              "ADD vnfs r1 interfaces eth1 members v300\n");
	check_patch(f);
}

static void test_ordered_reorder(void **state)
{
	struct fx *f = *state;
	/* ordered list: y before x */
	struct cfg_node *y = cfg_tree_at(f->new_t, NULL, "rules y", 0);
	struct cfg_node *x = cfg_tree_at(f->new_t, NULL, "rules x", 0);
	assert_non_null(x);
	assert_non_null(y);
	assert_int_equal(cfg_tree_move(f->new_t, y, x, true), 0);
	/* ordered leaf-list: v200 before v100 */
	struct cfg_node *eth1 = cfg_tree_at(f->new_t, NULL, "vnfs r1 interfaces eth1", 0);
	struct cfg_node *m1 = cfg_node_child(eth1, "members", "v100", 0);
	struct cfg_node *m2 = cfg_node_child(eth1, "members", "v200", 0);
	assert_non_null(m1);
	assert_non_null(m2);
	assert_int_equal(cfg_tree_move(f->new_t, m2, m1, true), 0);
	expect(f, CFG_DIFF_EFFECTIVE, "CHG~ vnfs r1 interfaces eth1 members v200\nCHG~ rules y\n");
	const struct cfg_diff_ent *e = cfg_diff_at(f->d, 1);
	assert_string_equal(e->old_node->value, "x");
	assert_string_equal(e->new_node->value, "y");
	assert_true(cfg_diff_touches(f->d, "rules x"));
	assert_true(cfg_diff_touches(f->d, ""));
	assert_false(cfg_diff_touches(f->d, "vnfs r2"));
	assert_true(cfg_diff_touches(f->d, "vnfs r1"));
	check_patch(f);
}

static void test_unordered_reorder(void **state)
{
	struct fx *f = *state;
	/* an unordered list's order is not a change for subsystems, but the
	   stored text differs: FULL has it */
	struct cfg_node *a = cfg_tree_at(f->new_t, NULL, "host-os vlans v100", 0);
	struct cfg_node *b = cfg_tree_at(f->new_t, NULL, "host-os vlans v200", 0);
	assert_int_equal(cfg_tree_move(f->new_t, b, a, true), 0);
	more(f->new_t, "set host-os vlans v100 vlan-id 101\n");
	expect(f, CFG_DIFF_EFFECTIVE, "CHG host-os vlans v100 vlan-id 101\n");
	expect(f, CFG_DIFF_FULL, "CHG~ host-os vlans v200\nCHG host-os vlans v100 vlan-id 101\n");
	check_patch(f);
}

static void test_deactivate_activate(void **state)
{
	struct fx *f = *state;
	more(f->new_t, "deactivate vnfs r2\ndeactivate system services ssh port\n");
	/* EFFECTIVE: deactivation is deletion (ssh is a presence container:
	   it stays) */
	expect(f, CFG_DIFF_EFFECTIVE, "DEL system services ssh port 22\nDEL vnfs r2\n");
	expect(f, CFG_DIFF_FULL, "CHG system services ssh port 22\nCHG vnfs r2\n");
	check_patch(f);
	/* and activation is addition */
	struct cfg_tree *t = f->old_t;
	f->old_t = f->new_t;
	f->new_t = t;
	expect(f, CFG_DIFF_EFFECTIVE, "ADD system services ssh port 22\nADD vnfs r2\n");
	check_patch(f);
}

static void test_deactivate_container_contents(void **state)
{
	struct fx *f = *state;
	/* all of `host-os vlans` inactive: the non-presence container counts
	   as absent, its deletion is the topmost entry */
	more(f->new_t, "deactivate host-os vlans v100\ndeactivate host-os vlans v200\n");
	expect(f, CFG_DIFF_EFFECTIVE, "DEL host-os\n");
	check_patch(f);
}

static void test_annotations_full_only(void **state)
{
	struct fx *f = *state;
	more(f->new_t, "annotate vnfs r1 \"the router\"\n");
	expect(f, CFG_DIFF_EFFECTIVE, "");
	expect(f, CFG_DIFF_FULL, "CHG vnfs r1\n");
	check_patch(f);
}

static void test_rename(void **state)
{
	struct fx *f = *state;
	struct cfg_node *r1 = cfg_tree_at(f->new_t, NULL, "vnfs r1", 0);
	assert_int_equal(cfg_tree_rename(f->new_t, r1, "r9"), 0);
	expect(f, CFG_DIFF_EFFECTIVE, "DEL vnfs r1\nADD vnfs r9\n");
	check_patch(f);
}

static void test_from_empty(void **state)
{
	struct fx *f = *state;
	struct cfg_diff *d = cfg_diff_new(NULL, f->new_t, CFG_DIFF_EFFECTIVE);
	assert_non_null(d);
	char *got = describe(d);
	assert_string_equal(got, "ADD system\nADD host-os\nADD vnfs\nADD rules x\nADD rules y\n");
	free(got);
	assert_non_null(cfg_diff_old(d));
	assert_int_equal(cfg_tree_count(cfg_diff_old(d)), 0);
	assert_true(cfg_diff_touches(d, "system services ssh"));
	assert_false(cfg_diff_touches(d, "system login"));
	struct cfg_diff *full = cfg_diff_new(NULL, f->new_t, CFG_DIFF_FULL);
	struct cfg_tree *t = cfg_tree_new(f->schema);
	assert_int_equal(cfg_diff_patch(t, full), 0);
	assert_true(cfg_tree_equal(cfg_tree_root(t), cfg_tree_root(f->new_t)));
	/* patch needs FULL */
	assert_int_equal(cfg_diff_patch(t, d), -1);
	cfg_tree_free(t);
	cfg_diff_free(full);
	cfg_diff_free(d);
}

static void test_touches(void **state)
{
	struct fx *f = *state;
	more(f->new_t, "set vnfs r2 no-autostart\ndelete system services ssh\n");
	expect(f, CFG_DIFF_EFFECTIVE, "DEL system services\nADD vnfs r2 no-autostart\n");
	assert_true(cfg_diff_touches(f->d, ""));
	assert_true(cfg_diff_touches(f->d, "system"));                /* above */
	assert_true(cfg_diff_touches(f->d, "system services ssh"));   /* below a deleted ancestor */
	assert_true(cfg_diff_touches(f->d, "system services ssh port"));
	assert_false(cfg_diff_touches(f->d, "system host-name"));
	assert_false(cfg_diff_touches(f->d, "system login"));        /* nowhere */
	assert_true(cfg_diff_touches(f->d, "vnfs"));
	assert_true(cfg_diff_touches(f->d, "vnfs r2"));
	assert_true(cfg_diff_touches(f->d, "vnfs r2 no-autostart"));
	assert_false(cfg_diff_touches(f->d, "vnfs r1"));
	assert_false(cfg_diff_touches(f->d, "host-os vlans"));
	/* next_under */
	size_t i = 0;
	const struct cfg_diff_ent *e = cfg_diff_next_under(f->d, "vnfs", &i);
	assert_non_null(e);
	assert_int_equal(e->op, CFG_DIFF_ADD);
	assert_null(cfg_diff_next_under(f->d, "vnfs", &i));
	i = 0;
	assert_non_null(cfg_diff_next_under(f->d, "", &i));
	assert_non_null(cfg_diff_next_under(f->d, "", &i));
	assert_null(cfg_diff_next_under(f->d, "", &i));
	check_patch(f);
}

struct seen {
	char buf[512];
};

static void on_entry(void *ctx, enum cfg_diff_op op, const struct cfg_node *o, const struct cfg_node *n)
{
	struct seen *s = ctx;
	static const char *ops[] = {"ADD", "DEL", "CHG"};
	const struct cfg_node *e = o ? o : n;
	if (op == CFG_DIFF_CHG) {
		assert_non_null(o);
		assert_non_null(n);
		assert_string_equal(o->value, n->value);
	}
	size_t l = strlen(s->buf);
	snprintf(s->buf + l, sizeof s->buf - l, "%s %s;", ops[op], e->value);
}

static void test_entries(void **state)
{
	struct fx *f = *state;
	more(f->new_t, "set vnfs r1 image /i/new.qcow2\n"
	               "set vnfs r1 interfaces eth2 members v100\n"
	               "delete vnfs r2\n"
	               "set vnfs r4 image /i/r4.qcow2\n"
	               "set host-os vlans v300 vlan-id 300\n");
	f->d = cfg_diff_new(f->old_t, f->new_t, CFG_DIFF_EFFECTIVE);
	struct seen s = {{0}};
	cfg_diff_entries(f->d, "vnfs", on_entry, &s);
	assert_string_equal(s.buf, "CHG r1;DEL r2;ADD r4;");
	memset(&s, 0, sizeof s);
	cfg_diff_entries(f->d, "", on_entry, &s); /* root: its own list entries only */
	assert_string_equal(s.buf, "");
	memset(&s, 0, sizeof s);
	cfg_diff_entries(f->d, "host-os vlans", on_entry, &s);
	assert_string_equal(s.buf, "ADD v300;");
	memset(&s, 0, sizeof s);
	cfg_diff_entries(f->d, "vnfs r1 interfaces", on_entry, &s); /* nothing here is a list... */
	cfg_diff_entries(f->d, "vnfs r1", on_entry, &s);           /* ...but r1's interfaces are */
	assert_string_equal(s.buf, "ADD eth2;");
	/* the container itself added or deleted: every entry */
	struct cfg_tree *empty = cfg_tree_new(f->schema);
	struct cfg_diff *d = cfg_diff_new(empty, f->new_t, CFG_DIFF_EFFECTIVE);
	memset(&s, 0, sizeof s);
	cfg_diff_entries(d, "host-os vlans", on_entry, &s);
	assert_string_equal(s.buf, "ADD v100;ADD v200;ADD v300;");
	cfg_diff_free(d);
	d = cfg_diff_new(f->new_t, empty, CFG_DIFF_EFFECTIVE);
	memset(&s, 0, sizeof s);
	cfg_diff_entries(d, "host-os vlans", on_entry, &s);
	assert_string_equal(s.buf, "DEL v100;DEL v200;DEL v300;");
	cfg_diff_free(d);
	cfg_tree_free(empty);
}

static void test_inverse(void **state)
{
	struct fx *f = *state;
	more(f->new_t, "delete vnfs r1\nset system host-name box\nset system dns z\n");
	f->d = cfg_diff_new(f->old_t, f->new_t, CFG_DIFF_EFFECTIVE);
	struct cfg_diff *inv = cfg_diff_inverse(f->d);
	assert_ptr_equal(cfg_diff_old(inv), f->new_t);
	assert_ptr_equal(cfg_diff_new_tree(inv), f->old_t);
	assert_int_equal(cfg_diff_count(inv), cfg_diff_count(f->d));
	for (size_t i = 0; i < cfg_diff_count(inv); i++) {
		const struct cfg_diff_ent *a = cfg_diff_at(f->d, i), *b = cfg_diff_at(inv, i);
		assert_ptr_equal(a->old_node, b->new_node);
		assert_ptr_equal(a->new_node, b->old_node);
		if (a->op == CFG_DIFF_ADD)
			assert_int_equal(b->op, CFG_DIFF_DEL);
		else if (a->op == CFG_DIFF_DEL)
			assert_int_equal(b->op, CFG_DIFF_ADD);
		else
			assert_int_equal(b->op, CFG_DIFF_CHG);
	}
	/* the same entries as a fresh diff of the other direction */
	struct cfg_diff *back = cfg_diff_new(f->new_t, f->old_t, CFG_DIFF_EFFECTIVE);
	assert_int_equal(cfg_diff_count(back), cfg_diff_count(inv));
	cfg_diff_free(back);
	cfg_diff_free(inv);
	check_patch(f);
}

/* many random edits: the patch always equals NEW */
static void test_patch_random(void **state)
{
	struct fx *f = *state;
	srand(7);
	for (int round = 0; round < 200; round++) {
		cfg_tree_free(f->new_t);
		f->new_t = cfg_tree_dup(f->old_t);
		for (int k = 0; k < 6; k++) {
			char line[160];
			int r = rand() % 10, v = rand() % 6;
			switch (r) {
			case 0: snprintf(line, sizeof line, "set host-os vlans v%d vlan-id %d\n", v, v + 1); break;
			case 1: snprintf(line, sizeof line, "delete host-os vlans v%d\n", v * 100); break;
			case 2: snprintf(line, sizeof line, "set vnfs r%d image /i/%d\n", v, rand() % 3); break;
			case 3: snprintf(line, sizeof line, "delete vnfs r%d\n", v); break;
			case 4: snprintf(line, sizeof line, "deactivate vnfs r%d\n", v % 3); break;
			case 5: snprintf(line, sizeof line, "set rules q%d action a%d\n", v, v); break;
			case 6: snprintf(line, sizeof line, "annotate system \"c%d\"\n", v); break;
			case 7: snprintf(line, sizeof line, "set vnfs r1 interfaces eth%d members v%d\n", v % 2, v); break;
			case 8: snprintf(line, sizeof line, "delete system dns %c\n", 'a' + v % 2); break;
			default: snprintf(line, sizeof line, "activate vnfs r%d\n", v % 3); break;
			}
			struct cfg_buf errs;
			cfg_buf_init(&errs);
			cfg_load_set(f->new_t, NULL, line, strlen(line), "r", 0, &errs); /* some fail: fine */
			cfg_buf_free(&errs);
		}
		if (rand() % 3 == 0) {
			struct cfg_node *y = cfg_tree_at(f->new_t, NULL, "rules y", 0);
			struct cfg_node *x = cfg_tree_at(f->new_t, NULL, "rules x", 0);
			if (x && y)
				cfg_tree_move(f->new_t, y, x, true);
		}
		check_patch(f);
		/* and the same from the changed tree onwards */
		if (round % 4 == 3) {
			cfg_tree_free(f->old_t);
			f->old_t = cfg_tree_dup(f->new_t);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_equal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_leaf_add_delete_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_subtree_add_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_leaf_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ordered_reorder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unordered_reorder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deactivate_activate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deactivate_container_contents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_annotations_full_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rename, setup, teardown),
		cmocka_unit_test_setup_teardown(test_from_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_touches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inverse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_patch_random, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
