/* cfg_merge: three-way merge of `configure private`. */
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>

#include "cfg_load.h"
#include "cfg_merge.h"
#include "cfg_render.h"

static struct cfg_tree *tree(const struct cfg_schema *s, const char *text)
{
	struct cfg_tree *t = cfg_tree_new(s);
	struct cfg_buf e = {0};
	if (cfg_load_set(t, NULL, text, strlen(text), "t", 0, &e) != 0)
		fail_msg("%s", e.p);
	cfg_buf_free(&e);
	return t;
}

static char *set_text(const struct cfg_tree *t)
{
	struct cfg_buf b = {0};
	cfg_render_set(&b, cfg_tree_root(t), false, CFG_R_FULL);
	return cfg_buf_steal(&b);
}

/* merge and compare the result's set text, or expect N conflicts */
static void check(const char *base, const char *mine, const char *theirs, const char *want,
                  size_t want_conflicts)
{
	struct cfg_schema *s = test_schema_jdm();
	struct cfg_tree *b = tree(s, base), *m = tree(s, mine), *t = tree(s, theirs);
	struct cfg_buf conf = {0};
	size_t n = 99;
	struct cfg_tree *r = cfg_merge3(b, m, t, &conf, &n);
	assert_int_equal(n, want_conflicts);
	if (want_conflicts) {
		assert_null(r);
		assert_non_null(strstr(conf.p, "conflict: "));
	} else {
		assert_non_null(r);
		char *got = set_text(r);
		assert_string_equal(got, want);
		free(got);
	}
	cfg_tree_free(r);
	cfg_tree_free(b);
	cfg_tree_free(m);
	cfg_tree_free(t);
	cfg_buf_free(&conf);
	cfg_schema_free(s);
}

static void disjoint(void **state)
{
	(void)state;
	check("set host-os vlans a vlan-id 1\n",
	      "set host-os vlans a vlan-id 1\nset host-os vlans b vlan-id 2\n",
	      "set host-os vlans a vlan-id 1\nset system host-name x\n",
	      "set system host-name x\nset host-os vlans a vlan-id 1\nset host-os vlans b vlan-id 2\n", 0);
}

static void deletes_apply(void **state)
{
	(void)state;
	check("set host-os vlans a vlan-id 1\nset host-os vlans b vlan-id 2\n",
	      "set host-os vlans a vlan-id 1\n",
	      "set host-os vlans a vlan-id 1\nset host-os vlans b vlan-id 2\nset system host-name x\n",
	      "set system host-name x\nset host-os vlans a vlan-id 1\n", 0);
}

static void same_leaf_conflict(void **state)
{
	(void)state;
	check("set system host-name a\n", "set system host-name mine\n", "set system host-name theirs\n",
	      NULL, 1);
	/* both made the same change: no conflict */
	check("set system host-name a\n", "set system host-name z\n", "set system host-name z\n",
	      "set system host-name z\n", 0);
}

static void delete_vs_change(void **state)
{
	(void)state;
	check("set system host-name a\n", "", "set system host-name theirs\n", NULL, 1);
	check("set system host-name a\n", "set system host-name mine\n", "", NULL, 1);
}

static void leaflist_and_flags(void **state)
{
	(void)state;
	const char *base = "set host-os vlans v1 vlan-id 1\nset host-os vlans v2 vlan-id 2\n"
	                   "set virtual-network-functions r image /i.qcow2\n";
	check(base,
	      "set host-os vlans v1 vlan-id 1\nset host-os vlans v2 vlan-id 2\n"
	      "set virtual-network-functions r image /i.qcow2\n"
	      "set virtual-network-functions r interfaces eth2 mapping vlan members [ v1 v2 ]\n",
	      "set host-os vlans v1 vlan-id 1\nset host-os vlans v2 vlan-id 2\n"
	      "set virtual-network-functions r image /i.qcow2\nset virtual-network-functions r no-autostart\n"
	      "deactivate host-os vlans v2\n",
	      "set virtual-network-functions r image /i.qcow2\n"
	      "set virtual-network-functions r interfaces eth2 mapping vlan members v1\n"
	      "set virtual-network-functions r interfaces eth2 mapping vlan members v2\n"
	      "set virtual-network-functions r no-autostart\n"
	      "set host-os vlans v1 vlan-id 1\nset host-os vlans v2 vlan-id 2\n"
	      "deactivate host-os vlans v2\n", 0);
}

/* a conflict on a secret says so without printing either secret */
static void secret_conflict_hidden(void **state)
{
	(void)state;
	struct cfg_schema *s = test_schema_jdm();
	const char *w = "set system root-authentication encrypted-password ";
	char bt[256], mt[256], tt[256];
	snprintf(bt, sizeof bt, "%s\"$6$base$b\"\n", w);
	snprintf(mt, sizeof mt, "%s\"$6$mine$m\"\n", w);
	snprintf(tt, sizeof tt, "%s\"$6$theirs$t\"\n", w);
	const char *texts[][3] = { {bt, mt, tt}, {bt, "", tt}, {bt, mt, ""} };
	for (size_t i = 0; i < 3; i++) {
		struct cfg_tree *b = tree(s, texts[i][0]), *m = tree(s, texts[i][1]), *t = tree(s, texts[i][2]);
		struct cfg_buf conf = {0};
		size_t n = 0;
		struct cfg_tree *r = cfg_merge3(b, m, t, &conf, &n);
		assert_null(r);
		assert_int_equal(n, 1);
		assert_null(strstr(conf.p, "$6$"));
		assert_non_null(strstr(conf.p, "encrypted-password /* SECRET-DATA */"));
		cfg_buf_free(&conf);
		cfg_tree_free(b);
		cfg_tree_free(m);
		cfg_tree_free(t);
	}
	cfg_schema_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(disjoint),
		cmocka_unit_test(deletes_apply),
		cmocka_unit_test(same_leaf_conflict),
		cmocka_unit_test(delete_vs_change),
		cmocka_unit_test(leaflist_and_flags),
		cmocka_unit_test(secret_conflict_hidden),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
