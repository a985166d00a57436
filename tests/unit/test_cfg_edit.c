/* cfg_edit: load patch (the show | compare format applied) and the
 * configure-private resolution after a conflict (the session wins), on the
 * JDM schema. */
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>

#include "cfg_edit.h"
#include "cfg_load.h"
#include "cfg_render.h"
#include "cfg_tree.h"

struct fx {
	struct cfg_schema *s;
	struct cfg_buf b, e;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	f->s = test_schema_jdm();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	cfg_buf_free(&f->b);
	cfg_buf_free(&f->e);
	cfg_schema_free(f->s);
	free(f);
	return 0;
}

static struct cfg_tree *tree(struct fx *f, const char *sets)
{
	struct cfg_tree *t = cfg_tree_new(f->s);
	struct cfg_buf e = {0};
	if (cfg_load_set(t, NULL, sets, strlen(sets), "t", 0, &e))
		fail_msg("load set: %s", e.p ? e.p : cfg_err_msg());
	cfg_buf_free(&e);
	return t;
}

static const char *sets(struct fx *f, const struct cfg_tree *t)
{
	cfg_buf_reset(&f->b);
	cfg_render_set(&f->b, cfg_tree_root(t), false, CFG_R_SECRETS);
	cfg_buf_add(&f->b, "", 0);
	return f->b.p;
}

static const char BASE[] =
	"set host-os vlans v100 vlan-id 100\n"
	"set host-os vlans v200 vlan-id 200\n"
	"set virtual-network-functions vrtr1 memory size 1048576\n"
	"set virtual-network-functions vrtr1 interfaces eth3 mapping vlan members v100\n";

/* what the compare of the change prints, applied to the old tree, gives the new one */
static void test_patch_roundtrip(void **state)
{
	struct fx *f = *state;
	struct cfg_tree *o = tree(f, BASE);
	struct cfg_tree *n = tree(f, BASE);
	struct cfg_buf e = {0};
	const char ops[] =
		"delete host-os vlans v200\n"
		"set host-os vlans v300 vlan-id 300\n"
		"set virtual-network-functions vrtr1 interfaces eth3 mapping vlan members v300\n"
		"set virtual-network-functions vrtr1 no-autostart\n"
		"deactivate virtual-network-functions vrtr1 memory size\n"
		"annotate host-os vlans v100 \"branch LAN\"\n"
		"set system login user bob class read-only\n";
	assert_int_equal(cfg_load_set(n, NULL, ops, strlen(ops), "t", 0, &e), 0);
	struct cfg_buf cmp = {0};
	cfg_render_compare(&cmp, cfg_tree_root(o), cfg_tree_root(n), CFG_R_SECRETS);
	cfg_buf_add(&cmp, "", 0);
	assert_int_equal(cfg_edit_patch(o, cmp.p, cmp.len, "terminal", &f->e), 0);
	assert_null(f->e.p && *f->e.p ? f->e.p : NULL);
	assert_true(cfg_tree_equal(cfg_tree_root(o), cfg_tree_root(n)));
	/* and back: the inverse compare undoes it */
	cfg_buf_reset(&cmp);
	struct cfg_tree *b = tree(f, BASE);
	cfg_render_compare(&cmp, cfg_tree_root(n), cfg_tree_root(b), CFG_R_SECRETS);
	cfg_buf_add(&cmp, "", 0);
	assert_int_equal(cfg_edit_patch(o, cmp.p, cmp.len, "terminal", &f->e), 0);
	char *want = strdup(sets(f, b));
	assert_string_equal(sets(f, o), want);
	free(want);
	cfg_buf_free(&cmp);
	cfg_buf_free(&e);
	cfg_tree_free(b);
	cfg_tree_free(o);
	cfg_tree_free(n);
}

static void test_patch_errors(void **state)
{
	struct fx *f = *state;
	struct cfg_tree *t = tree(f, BASE);
	static const char text[] =
		"+    v1;\n"                          /* before any header */
		"[edit host-os vlanz]\n"               /* bad header */
		"[edit host-os vlans]\n"
		"!    inactive: v999 { ... }\n"        /* no such statement */
		"x    v2;\n"                          /* no sign */
		"+    v3 {\n"
		"+        vlan-idd 3;\n"              /* bad statement: line 7 */
		"+    }\n";
	assert_int_equal(cfg_edit_patch(t, text, sizeof text - 1, "p", &f->e), 5);
	assert_string_equal(f->e.p,
		"p:1:(1) syntax error, expecting [edit ...]\n"
		"p:2:(1) syntax error in [edit ...] header\n"
		"p:4:(1) statement not found\n"
		"p:5:(1) syntax error, expecting '+', '-', '!' or ' '\n"
		"p:7:(10) syntax error: vlan-idd\n"
		"  [edit host-os vlans v3]\n"
		"    'vlan-idd 3;'\n"
		"      syntax error\n");
	cfg_tree_free(t);
}

/* after a conflict: THEIRS with the session's changes over it */
static void test_mine_wins(void **state)
{
	struct fx *f = *state;
	struct cfg_tree *base = tree(f, "set system host-name base\n"
	                                "set host-os vlans v1 vlan-id 1\n"
	                                "set host-os vlans v5 vlan-id 5\n");
	struct cfg_tree *mine = tree(f, "set system host-name mine\n"
	                                "set host-os vlans v1 vlan-id 11\n"
	                                "set host-os vlans v2 vlan-id 2\n");
	struct cfg_tree *theirs = tree(f, "set system host-name theirs\n"
	                                  "set host-os vlans v1 vlan-id 1\n"
	                                  "set host-os vlans v3 vlan-id 3\n"
	                                  "set host-os vlans v5 vlan-id 55\n");
	struct cfg_tree *r = cfg_edit_mine_wins(base, mine, theirs);
	assert_non_null(r);
	/* host-name and v1: mine; v2: mine's addition; v3: theirs; v5: mine deleted it */
	assert_string_equal(sets(f, r),
		"set system host-name mine\n"
		"set host-os vlans v1 vlan-id 11\n"
		"set host-os vlans v3 vlan-id 3\n"
		"set host-os vlans v2 vlan-id 2\n");
	cfg_tree_free(r);
	cfg_tree_free(base);
	cfg_tree_free(mine);
	cfg_tree_free(theirs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_patch_roundtrip),
		cmocka_unit_test(test_patch_errors),
		cmocka_unit_test(test_mine_wins),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
