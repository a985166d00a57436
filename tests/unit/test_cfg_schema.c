/* cfg_schema: loading the embedded schemas and value checks. */
#include "test_common.h"

static void all_embedded_load(void **state)
{
	(void)state;
	static const struct { const char *d; const size_t *n; const char *name; } files[] = {
		{cfg_schema_jdm, &cfg_schema_jdm_len, "jdm"},
		{cfg_schema_jcp, &cfg_schema_jcp_len, "jcp"},
		{cfg_schema_ops_jdm, &cfg_schema_ops_jdm_len, "ops-jdm"},
		{cfg_schema_ops_jcp, &cfg_schema_ops_jcp_len, "ops-jcp"},
		{cfg_schema_cfgmode, &cfg_schema_cfgmode_len, "cfgmode"},
	};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		struct cfg_schema *s = cfg_schema_load_mem(files[i].d, *files[i].n, files[i].name);
		if (!s)
			fail_msg("%s: %s", files[i].name, cfg_err_msg());
		assert_true(s->n_children > 0);
		cfg_schema_free(s);
	}
}

static void structure(void **state)
{
	(void)state;
	struct cfg_schema *s = test_schema_jdm();
	const struct cfg_schema *vnfs = cfg_schema_child(s, "virtual-network-functions");
	assert_non_null(vnfs);
	assert_int_equal(vnfs->kind, CFG_CONTAINER);
	/* Junos shows `virtual-network-functions { vrtr1 { ... } }`: the entries
	   are a positional list inside the container */
	const struct cfg_schema *vnf = cfg_schema_positional(vnfs);
	assert_int_equal(vnf->kind, CFG_LIST);
	const struct cfg_schema *img = cfg_schema_child(vnf, "image");
	assert_non_null(img);
	assert_true(img->flags & CFG_F_MANDATORY);
	const struct cfg_schema *path = cfg_schema_positional(img);
	assert_non_null(path);
	assert_int_equal(path->kind, CFG_LEAF);
	const struct cfg_schema *ifs = cfg_schema_positional(cfg_schema_child(s, "interfaces"));
	assert_true(ifs->flags & CFG_F_UNIT);
	const struct cfg_schema *vl =
		cfg_schema_positional(cfg_schema_child(cfg_schema_child(s, "host-os"), "vlans"));
	const struct cfg_schema *id = cfg_schema_child(vl, "vlan-id");
	assert_int_equal(id->min, 1);
	assert_int_equal(id->max, 4094);
	assert_ptr_equal(id->parent, vl);
	cfg_schema_free(s);
}

static void values(void **state)
{
	(void)state;
	struct cfg_schema *s = test_schema_jdm();
	const struct cfg_schema *vl =
		cfg_schema_positional(cfg_schema_child(cfg_schema_child(s, "host-os"), "vlans"));
	const struct cfg_schema *id = cfg_schema_child(vl, "vlan-id");
	assert_int_equal(cfg_schema_check_value(id, "100"), 0);
	assert_int_equal(cfg_schema_check_value(id, "5000"), -1);
	assert_string_equal(cfg_err_msg(), "Value 5000 is not within range (1..4094)");
	assert_int_equal(cfg_schema_check_value(id, "12a"), -1);
	assert_int_equal(cfg_schema_check_value(id, "99999999999999999999999"), -1);
	assert_int_equal(cfg_schema_check_value(vl, "v100"), 0);
	assert_int_equal(cfg_schema_check_value(vl, "-x"), -1);
	assert_int_equal(cfg_schema_check_value(vl, "bad\001"), -1);
	/* a VNF name is a name: also a file and domain name */
	const struct cfg_schema *vnf =
		cfg_schema_positional(cfg_schema_child(s, "virtual-network-functions"));
	assert_int_equal(vnf->type, CFG_T_VNFNAME);
	static const char *const good[] = {"vsrx", "a", "A_b-c.d", "x..y",
	                                   "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_int_equal(cfg_schema_check_value(vnf, good[i]), 0);
	static const char *const bad[] = {"", ".", "..", "../x", "a/b", "-x", ".hidden", "a b",
	                                  "a:b", "a*", "a\001b", "x/..",
	                                  "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(cfg_schema_check_value(vnf, bad[i]), -1);
	assert_int_equal(cfg_schema_check_value(vnf, "../x"), -1);
	assert_string_equal(cfg_err_msg(), "invalid VNF name '../x' (it must not start with '.' or '-')");
	const struct cfg_schema *ifs = cfg_schema_positional(cfg_schema_child(s, "interfaces"));
	const struct cfg_schema *unit = cfg_schema_child(ifs, "unit");
	const struct cfg_schema *inet =
		cfg_schema_child(cfg_schema_child(unit, "family"), "inet");
	const struct cfg_schema *addr = cfg_schema_child(inet, "address");
	assert_int_equal(cfg_schema_check_value(addr, "192.0.2.1/24"), 0);
	assert_int_equal(cfg_schema_check_value(addr, "192.0.2.1"), -1);
	assert_int_equal(cfg_schema_check_value(addr, "192.0.2.300/24"), -1);
	assert_int_equal(cfg_schema_check_value(addr, "192.0.2.1/33"), -1);
	cfg_schema_free(s);
}

static void bad_xml(void **state)
{
	(void)state;
	const char *x1 = "<schema><container name='a'><leaf name='b' type='nope'/></container></schema>";
	assert_null(cfg_schema_load_mem(x1, strlen(x1), "x1"));
	assert_non_null(strstr(cfg_err_msg(), "unknown type"));
	const char *x2 = "<schema><container name='a'>";
	assert_null(cfg_schema_load_mem(x2, strlen(x2), "x2"));
	const char *x3 = "<schema><leaf name='a'/><leaf name='a'/></schema>";
	assert_null(cfg_schema_load_mem(x3, strlen(x3), "x3"));
	assert_non_null(strstr(cfg_err_msg(), "duplicate"));
	const char *x4 = "<schema><leaf name='e' type='enum'/></schema>";
	assert_null(cfg_schema_load_mem(x4, strlen(x4), "x4"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(all_embedded_load),
		cmocka_unit_test(structure),
		cmocka_unit_test(values),
		cmocka_unit_test(bad_xml),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
