/* cfg_tree: set/find/delete, ordering, index, copy/rename/move/merge/dup. */
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>

#include "cfg_load.h"
#include "cfg_parse.h"
#include "cfg_tree.h"

static const char XML[] =
	"<schema name='t'>"
	" <container name='sys'><leaf name='host' type='name'/>"
	"  <container name='svc'><container name='ssh' presence='true'/></container></container>"
	" <container name='os'><list name='vlans' key-type='name'>"
	"   <leaf name='id' type='int' min='1' max='4094'/><leaf-list name='tags' type='name'/>"
	" </list></container>"
	" <leaf name='flag' type='flag'/>"
	"</schema>";

struct fx {
	struct cfg_schema *s;
	struct cfg_tree *t;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	f->s = cfg_schema_load_mem(XML, sizeof XML - 1, "t");
	assert_non_null(f->s);
	f->t = cfg_tree_new(f->s);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	cfg_tree_free(f->t);
	cfg_schema_free(f->s);
	free(f);
	return 0;
}

static void load(struct fx *f, const char *text)
{
	struct cfg_buf e = {0};
	long bad = cfg_load_set(f->t, NULL, text, strlen(text), "t", 0, &e);
	if (bad)
		fail_msg("load: %s", e.p);
	cfg_buf_free(&e);
}

static const struct cfg_schema *S(const struct cfg_schema *s, const char *path)
{
	char buf[128];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *save, *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
		s = cfg_schema_child(s, t);
	return s;
}

static void order_and_find(void **state)
{
	struct fx *f = *state;
	/* set in reverse schema order: display order must follow the schema */
	load(f, "set flag\nset os vlans b id 2\nset os vlans a id 1\nset sys host r1\n");
	struct cfg_node *root = cfg_tree_root(f->t);
	assert_string_equal(root->child->schema->name, "sys");
	assert_string_equal(root->child->next->schema->name, "os");
	assert_string_equal(root->last->schema->name, "flag");
	struct cfg_node *os = root->child->next;
	/* list entries keep insertion order */
	assert_string_equal(os->child->value, "b");
	assert_string_equal(os->child->next->value, "a");
	struct cfg_step p[] = {{S(f->s, "os"), NULL}, {S(f->s, "os vlans"), "a"}, {S(f->s, "os vlans id"), NULL}};
	struct cfg_node *id = cfg_tree_find(f->t, NULL, p, 3);
	assert_non_null(id);
	assert_string_equal(id->value, "1");
	/* replace a leaf value with a longer one (own allocation) */
	load(f, "set os vlans a id 4000\n");
	assert_string_equal(id->value, "4000");
	assert_int_equal(cfg_tree_count(f->t), 8);
}

static void delete_prunes(void **state)
{
	struct fx *f = *state;
	load(f, "set sys host r1\nset sys svc ssh\nset os vlans a id 1\n");
	load(f, "delete sys host\n");
	/* sys stays: svc ssh is a presence container */
	struct cfg_node *root = cfg_tree_root(f->t);
	assert_string_equal(root->child->schema->name, "sys");
	load(f, "delete sys svc ssh\n");
	/* svc and sys are now empty non-presence containers: pruned */
	assert_string_equal(root->child->schema->name, "os");
	load(f, "delete os vlans a id\n");
	/* the list entry itself stays */
	assert_non_null(root->child->child);
	assert_string_equal(root->child->child->value, "a");
	load(f, "delete os vlans\n");
	assert_null(root->child);
	assert_int_equal(cfg_tree_count(f->t), 0);
}

static void many_entries_index(void **state)
{
	struct fx *f = *state;
	char line[64];
	for (int i = 0; i < 20000; i++) {
		snprintf(line, sizeof line, "set os vlans v%d id %d\n", i, i % 4094 + 1);
		load(f, line);
	}
	assert_int_equal(cfg_tree_count(f->t), 1 + 20000 * 2);
	for (int i = 0; i < 20000; i += 2) {
		snprintf(line, sizeof line, "delete os vlans v%d\n", i);
		load(f, line);
	}
	assert_int_equal(cfg_tree_count(f->t), 1 + 10000 * 2);
	const struct cfg_schema *vl = S(f->s, "os vlans");
	struct cfg_node *os = cfg_tree_root(f->t)->child;
	for (int i = 0; i < 20000; i++) {
		snprintf(line, sizeof line, "v%d", i);
		struct cfg_node *n = cfg_tree_child(f->t, os, vl, line);
		if (i % 2)
			assert_non_null(n);
		else
			assert_null(n);
	}
}

static void rename_copy_move(void **state)
{
	struct fx *f = *state;
	load(f, "set os vlans a id 1\nset os vlans a tags [ x y ]\nset os vlans b id 2\n");
	struct cfg_node *os = cfg_tree_root(f->t)->child;
	const struct cfg_schema *vl = S(f->s, "os vlans");
	struct cfg_node *a = cfg_tree_child(f->t, os, vl, "a");
	assert_int_equal(cfg_tree_rename(f->t, a, "b"), -1);
	assert_int_equal(cfg_tree_rename(f->t, a, "c"), 0);
	assert_non_null(cfg_tree_child(f->t, os, vl, "c"));
	assert_null(cfg_tree_child(f->t, os, vl, "a"));
	struct cfg_node *d = cfg_tree_copy(f->t, a, "d");
	assert_non_null(d);
	assert_string_equal(d->child->value, "1");
	assert_string_equal(d->last->value, "y");
	struct cfg_node *b = cfg_tree_child(f->t, os, vl, "b");
	assert_int_equal(cfg_tree_move(f->t, d, a, true), 0);
	assert_ptr_equal(os->child, d);
	assert_ptr_equal(os->last, b);
	struct cfg_tree *dup = cfg_tree_dup(f->t);
	assert_true(cfg_tree_equal(cfg_tree_root(dup), cfg_tree_root(f->t)));
	cfg_tree_set_value(dup, cfg_tree_root(dup)->child->child->child, "7");
	assert_false(cfg_tree_equal(cfg_tree_root(dup), cfg_tree_root(f->t)));
	cfg_tree_free(dup);
}

static void merge_and_path(void **state)
{
	struct fx *f = *state;
	load(f, "set os vlans a id 1\n");
	struct cfg_tree *o = cfg_tree_new(f->s);
	struct cfg_buf e = {0};
	const char *t = "set os vlans a id 3\nset os vlans z id 9\nset flag\n";
	assert_int_equal(cfg_load_set(o, NULL, t, strlen(t), "t", 0, &e), 0);
	cfg_tree_merge(f->t, cfg_tree_root(f->t), cfg_tree_root(o));
	struct cfg_node *os = cfg_tree_root(f->t)->child;
	assert_string_equal(os->child->child->value, "3");
	assert_string_equal(os->last->value, "z");
	struct cfg_step p[8];
	assert_int_equal(cfg_tree_path(os->last->child, p, 8), 3);
	assert_string_equal(p[1].value, "z");
	assert_ptr_equal(cfg_tree_find(f->t, NULL, p, 3), os->last->child);
	/* iteration visits every node once */
	size_t n = 0;
	for (struct cfg_node *it = cfg_tree_next(cfg_tree_root(f->t), cfg_tree_root(f->t)); it;
	     it = cfg_tree_next(cfg_tree_root(f->t), it))
		n++;
	assert_int_equal(n, cfg_tree_count(f->t));
	cfg_tree_free(o);
	cfg_buf_free(&e);
}

static void all_or_nothing(void **state)
{
	struct fx *f = *state;
	load(f, "set sys host r1\n");
	struct cfg_buf e = {0};
	const char *t = "set sys host r2\nset os vlans a id 99999\n";
	assert_int_equal(cfg_load_set(f->t, NULL, t, strlen(t), "terminal", CFG_LOAD_ALL_OR_NOTHING, &e), 1);
	assert_string_equal(cfg_tree_root(f->t)->child->child->value, "r1");
	assert_string_equal(e.p, "terminal:2:(19) error: Value 99999 is not within range (1..4094) at '99999'\n");
	cfg_buf_free(&e);
}

/* A run of steps of one leaf-list (`tags [ x y ]`) adds siblings, never
 * nests one item under another. */
static void leaflist_run(void **state)
{
	struct fx *f = *state;
	const struct cfg_schema *vl = S(f->s, "os vlans"), *tags = cfg_schema_child(vl, "tags");
	struct cfg_step p[] = {{S(f->s, "os"), NULL}, {vl, "a"}, {tags, "x"}, {tags, "y"}, {tags, "z"}};
	struct cfg_node *last = cfg_tree_set(f->t, NULL, p, 5);
	assert_non_null(last);
	struct cfg_node *a = cfg_tree_root(f->t)->child->child;
	assert_string_equal(a->child->value, "x");
	assert_string_equal(a->child->next->value, "y");
	assert_string_equal(a->last->value, "z");
	assert_null(a->child->child);
	assert_ptr_equal(last->parent, a);
}

/* ---- the lookup API (cfg_tree_at & co.) ---- */

static void lookup_paths(void **state)
{
	struct fx *f = *state;
	load(f, "set sys host h1\nset sys svc ssh\nset os vlans a id 1\nset os vlans b id 2\n"
	        "set os vlans b tags x\nset os vlans b tags y\nset flag\n");
	/* containers, leaves, flags, keyed list entries (key as the next word) */
	struct cfg_node *sys = cfg_tree_at(f->t, NULL, "sys", 0);
	assert_non_null(sys);
	assert_ptr_equal(cfg_tree_at(f->t, NULL, "sys svc ssh", 0), cfg_tree_at(f->t, sys, "svc ssh", 0));
	assert_string_equal(cfg_tree_value(f->t, NULL, "sys host", 0), "h1");
	assert_non_null(cfg_tree_at(f->t, NULL, "flag", 0));
	assert_null(cfg_tree_value(f->t, NULL, "flag", 0)); /* a flag has no value */
	struct cfg_node *b = cfg_tree_at(f->t, NULL, "os vlans b", 0);
	assert_non_null(b);
	assert_string_equal(b->value, "b");
	assert_string_equal(cfg_tree_value(f->t, NULL, "os vlans b id", 0), "2");
	assert_string_equal(cfg_tree_value(f->t, b, "id", 0), "2");
	/* leaf-lists: an item by value, or the first one */
	assert_string_equal(cfg_tree_value(f->t, NULL, "os vlans b tags", 0), "x");
	assert_string_equal(cfg_tree_value(f->t, NULL, "os vlans b tags y", 0), "y");
	assert_null(cfg_tree_at(f->t, NULL, "os vlans b tags z", 0));
	/* extra spaces are separators */
	assert_string_equal(cfg_tree_value(f->t, NULL, "  os  vlans a   id ", 0), "1");
	/* missing: unknown words, absent entries, a list without its key, leaves below leaves */
	assert_null(cfg_tree_at(f->t, NULL, "nosuch", 0));
	assert_null(cfg_tree_at(f->t, NULL, "os vlans c", 0));
	assert_null(cfg_tree_at(f->t, NULL, "os vlans", 0));
	assert_null(cfg_tree_at(f->t, NULL, "os vlans a tags", 0));
	assert_null(cfg_tree_at(f->t, NULL, "sys host h1 more", 0));
	assert_null(cfg_tree_value(f->t, NULL, "sys svc", 0));
	assert_null(cfg_tree_at(f->t, NULL, NULL, 0));
	assert_ptr_equal(cfg_tree_at(f->t, NULL, "", 0), cfg_tree_root(f->t));
	/* the array form (keys that contain spaces) */
	const char *const words[] = {"os", "vlans", "a", "id", NULL};
	struct cfg_node *n = cfg_tree_atv(f->t, NULL, words, 0);
	assert_non_null(n);
	assert_string_equal(n->value, "1");
	const char *const none[] = {NULL};
	assert_ptr_equal(cfg_tree_atv(f->t, NULL, none, 0), cfg_tree_root(f->t));
	assert_null(cfg_tree_atv(f->t, NULL, NULL, 0));
	/* node helpers */
	struct cfg_node *os = cfg_tree_at(f->t, NULL, "os", 0);
	struct cfg_node *a = cfg_node_child(os, "vlans", NULL, 0);
	assert_non_null(a);
	assert_string_equal(a->value, "a");
	assert_ptr_equal(cfg_node_child(os, "vlans", "b", 0), b);
	assert_null(cfg_node_child(os, "vlans", "zz", 0));
	assert_null(cfg_node_child(os, "nosuch", NULL, 0));
	assert_null(cfg_node_child(NULL, "vlans", NULL, 0));
	assert_ptr_equal(cfg_node_next_same(a, 0), b);
	assert_null(cfg_node_next_same(b, 0));
	assert_null(cfg_node_next_same(NULL, 0));
	struct cfg_node *tx = cfg_node_child(b, "tags", NULL, 0);
	assert_string_equal(cfg_node_next_same(tx, 0)->value, "y");
	assert_null(cfg_node_next_same(cfg_node_next_same(tx, 0), 0));
	assert_null(cfg_node_next_same(cfg_node_child(b, "id", NULL, 0), 0)); /* next is another schema */
	assert_string_equal(cfg_node_value(b, "id", 0), "2");
	assert_null(cfg_node_value(b, "nosuch", 0));
	assert_null(cfg_node_value(NULL, "id", 0));
}

static void lookup_inactive(void **state)
{
	struct fx *f = *state;
	load(f, "set sys host h1\nset sys svc ssh\nset os vlans a id 1\nset os vlans b id 2\n"
	        "set os vlans c id 3\nset os vlans b tags x\nset os vlans b tags y\n"
	        "deactivate os vlans b\ndeactivate sys host\n");
	/* a deactivated leaf counts as absent with CFG_AT_ACTIVE, not without */
	assert_string_equal(cfg_tree_value(f->t, NULL, "sys host", 0), "h1");
	assert_null(cfg_tree_value(f->t, NULL, "sys host", CFG_AT_ACTIVE));
	assert_null(cfg_node_value(cfg_tree_at(f->t, NULL, "sys", 0), "host", CFG_AT_ACTIVE));
	assert_non_null(cfg_tree_at(f->t, NULL, "sys svc ssh", CFG_AT_ACTIVE));
	/* everything under an inactive entry is inactive */
	assert_non_null(cfg_tree_at(f->t, NULL, "os vlans b id", 0));
	assert_null(cfg_tree_at(f->t, NULL, "os vlans b", CFG_AT_ACTIVE));
	assert_null(cfg_tree_value(f->t, NULL, "os vlans b id", CFG_AT_ACTIVE));
	assert_null(cfg_tree_value(f->t, NULL, "os vlans b tags", CFG_AT_ACTIVE));
	struct cfg_node *b = cfg_tree_at(f->t, NULL, "os vlans b", 0);
	struct cfg_node *bid = cfg_tree_at(f->t, NULL, "os vlans b id", 0);
	assert_false(cfg_node_active(b));
	assert_false(cfg_node_active(bid));
	assert_true(cfg_node_active(cfg_tree_at(f->t, NULL, "os vlans a id", 0)));
	assert_true(cfg_node_active(cfg_tree_root(f->t)));
	/* FROM inactive (or under an inactive ancestor): nothing is active below */
	assert_null(cfg_tree_at(f->t, b, "id", CFG_AT_ACTIVE));
	assert_null(cfg_tree_at(f->t, bid, "", CFG_AT_ACTIVE));
	assert_ptr_equal(cfg_tree_at(f->t, b, "id", 0), bid);
	/* iteration skips inactive entries */
	struct cfg_node *os = cfg_tree_at(f->t, NULL, "os", 0);
	struct cfg_node *a = cfg_node_child(os, "vlans", NULL, CFG_AT_ACTIVE);
	assert_string_equal(a->value, "a");
	struct cfg_node *c = cfg_node_next_same(a, CFG_AT_ACTIVE);
	assert_string_equal(c->value, "c");
	assert_null(cfg_node_next_same(c, CFG_AT_ACTIVE));
	assert_ptr_equal(cfg_node_next_same(a, 0), b);
	assert_null(cfg_node_child(os, "vlans", "b", CFG_AT_ACTIVE));
	assert_ptr_equal(cfg_node_child(os, "vlans", "b", 0), b);
	/* the first item inactive: the first active item is the leaf-list's value */
	load(f, "set os vlans a tags p\nset os vlans a tags q\ndeactivate os vlans a tags p\n");
	assert_string_equal(cfg_tree_value(f->t, NULL, "os vlans a tags", 0), "p");
	assert_string_equal(cfg_tree_value(f->t, NULL, "os vlans a tags", CFG_AT_ACTIVE), "q");
	assert_null(cfg_tree_at(f->t, NULL, "os vlans a tags p", CFG_AT_ACTIVE));
}

/* activate/deactivate and annotate, the one implementation behind the
 * interactive commands and `load set`. */
static void activate_annotate(void **state)
{
	struct fx *f = *state;
	load(f, "set sys host h1\nset os vlans a id 1\n");
	struct cfg_node *a = cfg_tree_at(f->t, NULL, "os vlans a", 0);
	cfg_tree_activate(a, false);
	assert_true(a->flags & CFG_N_INACTIVE);
	assert_null(cfg_tree_at(f->t, NULL, "os vlans a id", CFG_AT_ACTIVE));
	cfg_tree_activate(a, true);
	assert_false(a->flags & CFG_N_INACTIVE);
	cfg_tree_activate(NULL, true); /* harmless */
	assert_int_equal(cfg_tree_annotate(a, "note"), 0);
	assert_string_equal(a->annotation, "note");
	assert_int_equal(cfg_tree_annotate(a, ""), 0);
	assert_null(a->annotation);
	assert_int_equal(cfg_tree_annotate(a, "again"), 0);
	assert_int_equal(cfg_tree_annotate(a, NULL), 0);
	assert_null(a->annotation);
	/* load set goes through the same functions */
	load(f, "deactivate sys host\nannotate os vlans a \"from load\"\n");
	assert_true(cfg_tree_at(f->t, NULL, "sys host", 0)->flags & CFG_N_INACTIVE);
	assert_string_equal(a->annotation, "from load");
	load(f, "activate sys host\n");
	assert_string_equal(cfg_tree_value(f->t, NULL, "sys host", CFG_AT_ACTIVE), "h1");
}

/* Positional lists (the JDM schema): the key follows its container directly. */
static void lookup_positional(void **state)
{
	(void)state;
	struct cfg_schema *s = test_schema_jdm();
	struct cfg_tree *t = cfg_tree_new(s);
	const char *txt = "set system host-name jdm1\n"
	                  "set system login user alice class operator\n"
	                  "set system login user bob class read-only\n"
	                  "set host-os vlans v100 vlan-id 100\n"
	                  "set virtual-network-functions vrtr1 virtual-cpu count 2\n"
	                  "set virtual-network-functions vrtr1 virtual-cpu 0 physical-cpu 3\n"
	                  "set virtual-network-functions vrtr1 interfaces eth2 mapping vlan members v100\n"
	                  "set virtual-network-functions vrtr1 image /i.qcow2\n"
	                  "deactivate system login user bob\n";
	assert_int_equal(cfg_load_set(t, NULL, txt, strlen(txt), "t", 0, NULL), 0);
	assert_string_equal(cfg_tree_value(t, NULL, "system host-name", CFG_AT_ACTIVE), "jdm1");
	assert_string_equal(cfg_tree_value(t, NULL, "host-os vlans v100 vlan-id", 0), "100");
	assert_string_equal(cfg_tree_value(t, NULL, "virtual-network-functions vrtr1 virtual-cpu count", 0), "2");
	assert_string_equal(cfg_tree_value(t, NULL, "virtual-network-functions vrtr1 virtual-cpu 0 physical-cpu", 0), "3");
	assert_null(cfg_tree_at(t, NULL, "virtual-network-functions vrtr1 virtual-cpu 1", 0));
	assert_string_equal(cfg_tree_value(t, NULL, "virtual-network-functions vrtr1 interfaces eth2 mapping vlan members", 0), "v100");
	assert_null(cfg_tree_at(t, NULL, "virtual-network-functions vrtr2", 0));
	struct cfg_node *img = cfg_tree_at(t, NULL, "virtual-network-functions vrtr1 image", 0);
	assert_string_equal(cfg_node_value(img, "path", 0), "/i.qcow2"); /* a positional leaf by name */
	/* keyed list `system login user NAME`, one of them deactivated */
	assert_string_equal(cfg_tree_value(t, NULL, "system login user alice class", CFG_AT_ACTIVE), "operator");
	assert_string_equal(cfg_tree_value(t, NULL, "system login user bob class", 0), "read-only");
	assert_null(cfg_tree_value(t, NULL, "system login user bob class", CFG_AT_ACTIVE));
	struct cfg_node *vnfs = cfg_tree_at(t, NULL, "virtual-network-functions", 0);
	struct cfg_node *v = cfg_node_child(vnfs, "vnf", NULL, CFG_AT_ACTIVE);
	assert_string_equal(v->value, "vrtr1");
	assert_null(cfg_node_next_same(v, CFG_AT_ACTIVE));
	cfg_tree_free(t);
	cfg_schema_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(order_and_find, setup, teardown),
		cmocka_unit_test_setup_teardown(delete_prunes, setup, teardown),
		cmocka_unit_test_setup_teardown(many_entries_index, setup, teardown),
		cmocka_unit_test_setup_teardown(rename_copy_move, setup, teardown),
		cmocka_unit_test_setup_teardown(merge_and_path, setup, teardown),
		cmocka_unit_test_setup_teardown(all_or_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(leaflist_run, setup, teardown),
		cmocka_unit_test_setup_teardown(lookup_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(lookup_inactive, setup, teardown),
		cmocka_unit_test(lookup_positional),
		cmocka_unit_test_setup_teardown(activate_annotate, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
