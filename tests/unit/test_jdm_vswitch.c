/* Unit tests of jdm_vswcfg: what a JDM configuration asks of the host-os
 * switch (ports, VLANs, uplinks, datapath) and its commit check. Pure: the
 * OVS side (jdm_vswitch, jdm_ovsproc) is tested by
 * tests/integration/test_ovs_ports.sh and test_ovs_restart.sh against a
 * real Open vSwitch.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_common.h"

#include "cfg_buf.h"
#include "cfg_commit.h"
#include "cfg_load.h"
#include "cfg_tree.h"
#include "jdm_vswcfg.h"

static struct cfg_schema *schema;

static int setup(void **state)
{
	(void)state;
	schema = test_schema_jdm();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cfg_schema_free(schema);
	return 0;
}

static struct cfg_tree *tree(const char *set)
{
	struct cfg_tree *t = cfg_tree_new(schema);
	struct cfg_buf e = {0};
	if (cfg_load_set(t, NULL, set, strlen(set), "terminal", 0, &e) != 0)
		fail_msg("load: %s", e.p ? e.p : cfg_err_msg());
	cfg_buf_free(&e);
	return t;
}

/* The commit check of T rendered ("" when clean). Caller frees. */
static char *check(const struct cfg_tree *t)
{
	struct cfg_findings fs = {0};
	jdm_vswcfg_validate(t, &fs);
	struct cfg_buf b = {0};
	cfg_findings_render(&b, &fs);
	cfg_findings_free(&fs);
	char *s = strdup(b.p ? b.p : "");
	cfg_buf_free(&b);
	return s;
}

static const char VLANS[] = "set host-os vlans v100 vlan-id 100\n"
                            "set host-os vlans v200 vlan-id 200\n"
                            "set host-os vlans v300 vlan-id 300\n";

static void figure_27_and_35(void **state)
{
	(void)state;
	char set[4096];
	snprintf(set, sizeof set,
	         "%s"
	         "set virtual-network-functions vrtr1 image /i/a.qcow2\n"
	         "set virtual-network-functions vrtr1 interfaces eth2 mapping hsxe0 virtual-function\n"
	         "set virtual-network-functions vrtr1 interfaces eth3 mapping vlan mode access\n"
	         "set virtual-network-functions vrtr1 interfaces eth3 mapping vlan members v100\n"
	         "set virtual-network-functions sdwan image /i/b.qcow2\n"
	         "set virtual-network-functions sdwan interfaces eth4 mapping vlan mode access\n"
	         "set virtual-network-functions sdwan interfaces eth4 mapping vlan members v300\n"
	         "set virtual-network-functions sdwan interfaces eth2 mapping vlan mode access\n"
	         "set virtual-network-functions sdwan interfaces eth2 mapping vlan members v100\n"
	         "set virtual-network-functions sdwan interfaces eth3 mapping vlan mode access\n"
	         "set virtual-network-functions sdwan interfaces eth3 mapping vlan members v200\n",
	         VLANS);
	struct cfg_tree *t = tree(set);
	char *msg = check(t);
	assert_string_equal(msg, "");
	free(msg);
	struct jdm_vswcfg c;
	assert_int_equal(jdm_vswcfg_build(t, NULL, &c), 0);
	assert_false(c.dpdk);
	/* vrtr1_eth3, sdwan_eth2..4 (ethN order within a VNF), hsxe0, hsxe1 */
	assert_int_equal(c.n, 6);
	const char *names[] = {"vrtr1_eth3", "sdwan_eth2", "sdwan_eth3", "sdwan_eth4", "hsxe0", "hsxe1"};
	const int tags[] = {100, 100, 200, 300, 0, 0};
	for (size_t i = 0; i < 6; i++) {
		assert_string_equal(c.ports[i].name, names[i]);
		assert_int_equal(c.ports[i].tag, tags[i]);
	}
	assert_string_equal(c.ports[0].vnf, "vrtr1");
	assert_string_equal(c.ports[0].ifname, "eth3");
	assert_string_equal(c.ports[0].vlan_mode, "access");
	assert_int_equal(strlen(c.ports[0].mac), 17);
	assert_memory_equal(c.ports[0].mac, "30:b6:4f:", 9);
	/* the same MAC every time, another one for another interface */
	struct jdm_vswcfg c2;
	assert_int_equal(jdm_vswcfg_build(t, NULL, &c2), 0);
	assert_string_equal(c.ports[0].mac, c2.ports[0].mac);
	assert_string_not_equal(c.ports[1].mac, c.ports[2].mac);
	jdm_vswcfg_free(&c2);
	/* uplinks trunk every host-os VLAN */
	const struct jdm_vswcfg_port *u = jdm_vswcfg_find(&c, "hsxe1");
	assert_non_null(u);
	assert_true(u->uplink);
	assert_int_equal(u->ntrunks, 3);
	assert_int_equal(u->trunks[0], 100);
	assert_int_equal(u->trunks[2], 300);
	assert_true(jdm_vswcfg_port_carries(u, 200));
	assert_false(jdm_vswcfg_port_carries(&c.ports[0], 200));
	char buf[64];
	jdm_vswcfg_port_vlans(u, buf, sizeof buf);
	assert_string_equal(buf, "100 200 300");
	jdm_vswcfg_free(&c);
	jdm_vswcfg_free(NULL);

	/* the platform's interface names for the uplinks; one absent */
	const char *ups[2] = {"dpdk0", NULL};
	assert_int_equal(jdm_vswcfg_build(t, ups, &c), 0);
	assert_int_equal(c.n, 5);
	assert_string_equal(c.ports[4].name, "dpdk0");
	assert_string_equal(c.ports[4].ifname, "hsxe0");
	jdm_vswcfg_free(&c);

	/* the guest NICs of one VNF, in ethN order */
	struct jdm_vswcfg_port ps[8];
	struct cfg_node *sd = cfg_tree_at(t, NULL, "virtual-network-functions sdwan", CFG_AT_ACTIVE);
	size_t n = jdm_vswcfg_vnf_ports(t, sd, ps, 8);
	assert_int_equal(n, 3);
	assert_int_equal(ps[0].eth, 2);
	assert_int_equal(ps[2].eth, 4);
	jdm_vswcfg_ports_release(ps, n);
	cfg_tree_free(t);
}

static void trunks(void **state)
{
	(void)state;
	char set[2048];
	snprintf(set, sizeof set,
	         "%s"
	         "set virtual-network-functions fw image /i/a.qcow2\n"
	         "set virtual-network-functions fw interfaces eth2 mapping vlan mode trunk\n"
	         "set virtual-network-functions fw interfaces eth2 mapping vlan members [ v200 v100 ]\n"
	         "set virtual-network-functions fw interfaces eth3 mapping vlan mode trunk\n"
	         "set virtual-network-functions fw interfaces eth3 mapping vlan members v100\n"
	         "set virtual-network-functions fw interfaces eth3 mapping vlan native-vlan-id 300\n"
	         "set virtual-network-functions fw interfaces eth4 mapping vlan members [ v100 v300 ]\n",
	         VLANS);
	struct cfg_tree *t = tree(set);
	char *msg = check(t);
	assert_string_equal(msg, "");
	free(msg);
	struct jdm_vswcfg c;
	assert_int_equal(jdm_vswcfg_build(t, NULL, &c), 0);
	const struct jdm_vswcfg_port *p = jdm_vswcfg_find(&c, "fw_eth2");
	assert_string_equal(p->vlan_mode, "trunk");
	assert_int_equal(p->tag, 0);
	assert_int_equal(p->ntrunks, 2);
	assert_int_equal(p->trunks[0], 100); /* ascending */
	assert_int_equal(p->trunks[1], 200);
	p = jdm_vswcfg_find(&c, "fw_eth3");
	assert_string_equal(p->vlan_mode, "native-untagged");
	assert_int_equal(p->tag, 300);
	assert_int_equal(p->ntrunks, 2); /* the native VLAN is carried too */
	char buf[64];
	jdm_vswcfg_port_vlans(p, buf, sizeof buf);
	assert_string_equal(buf, "100 300 (native 300)");
	/* no mode and two members: a trunk */
	p = jdm_vswcfg_find(&c, "fw_eth4");
	assert_string_equal(p->vlan_mode, "trunk");
	assert_false(jdm_vswcfg_port_same_vlans(p, jdm_vswcfg_find(&c, "fw_eth2")));
	assert_true(jdm_vswcfg_port_same_vlans(p, p));
	jdm_vswcfg_free(&c);
	cfg_tree_free(t);
}

static void commit_check(void **state)
{
	(void)state;
	char set[4096];
	snprintf(set, sizeof set,
	         "%s"
	         "set virtual-network-functions longname123 image /i/a.qcow2\n"
	         "set virtual-network-functions longname123 interfaces eth2 mapping vlan members v100\n"
	         "set virtual-network-functions longname12 image /i/a.qcow2\n"
	         "set virtual-network-functions longname12 interfaces eth2 mapping vlan members v100\n"
	         "set virtual-network-functions a image /i/a.qcow2\n"
	         "set virtual-network-functions a interfaces eth1 mapping vlan members v100\n"
	         "set virtual-network-functions a interfaces eth2 mapping vlan mode access\n"
	         "set virtual-network-functions a interfaces eth2 mapping vlan members [ v100 v200 ]\n"
	         "set virtual-network-functions a interfaces eth3 mapping vlan mode trunk\n"
	         "set virtual-network-functions a interfaces eth4 mapping vlan members v100\n"
	         "set virtual-network-functions a interfaces eth4 mapping vlan native-vlan-id 100\n"
	         "set virtual-network-functions a interfaces eth5 mapping vlan members v100\n"
	         "set virtual-network-functions a interfaces eth5 mapping hsxe0 virtual-function\n"
	         "set virtual-network-functions a interfaces lan0 mapping vlan members v100\n",
	         VLANS);
	struct cfg_tree *t = tree(set);
	char *msg = check(t);
	const char *want[] = {
	    "[edit virtual-network-functions a interfaces eth1]\n"
	    "  eth1 is a default interface (internal network, management); data interfaces on the "
	    "host-os switch start at eth2\n",
	    "[edit virtual-network-functions a interfaces eth2]\n"
	    "  an access interface is a member of exactly one VLAN (2 given)\n",
	    "[edit virtual-network-functions a interfaces eth3]\n"
	    "  a trunk interface needs at least one VLAN member\n",
	    "[edit virtual-network-functions a interfaces eth4]\n"
	    "  'native-vlan-id'\n    native-vlan-id is for trunk interfaces (mode trunk)\n",
	    "[edit virtual-network-functions a interfaces eth5]\n"
	    "  interface eth5 is mapped both to the host-os switch (vlan) and to an SR-IOV port",
	    "[edit virtual-network-functions a interfaces lan0]\n"
	    "  VNF interface names are eth0, eth1, eth2, ...: lan0\n",
	    "error: configuration check-out failed",
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		if (!strstr(msg, want[i]))
			fail_msg("missing:\n%s\nin:\n%s", want[i], msg);
	assert_null(strstr(msg, "longname12"));
	free(msg);
	/* invalid ports are left out of what is built; a long name gets its
	   stable short form */
	struct jdm_vswcfg c;
	assert_int_equal(jdm_vswcfg_build(t, NULL, &c), 0);
	assert_null(jdm_vswcfg_find(&c, "a_eth2"));
	const struct jdm_vswcfg_port *p = jdm_vswcfg_find(&c, "longname12_eth2");
	assert_non_null(p);
	assert_false(p->shortened);
	char pn[JDM_VSWCFG_PORT_MAX + 1];
	assert_int_equal(jdm_vswcfg_port_name("longname123", "eth2", pn), 1);
	assert_int_equal(strlen(pn), 15);
	assert_memory_equal(pn, "longname12-", 11);
	p = jdm_vswcfg_find(&c, pn);
	assert_non_null(p);
	assert_true(p->shortened);
	assert_string_equal(p->long_name, "longname123_eth2");
	jdm_vswcfg_free(&c);
	cfg_tree_free(t);
	assert_int_equal(jdm_vswcfg_port_name("abcdefghij", "eth2", pn), 0);
	assert_string_equal(pn, "abcdefghij_eth2");
	/* the same short form every time; another one for another name */
	char pn2[JDM_VSWCFG_PORT_MAX + 1];
	assert_int_equal(jdm_vswcfg_port_name("localserver", "eth2", pn), 1);
	assert_int_equal(jdm_vswcfg_port_name("localserver", "eth2", pn2), 1);
	assert_string_equal(pn, pn2);
	assert_int_equal(jdm_vswcfg_port_name("localserver", "eth3", pn2), 1);
	assert_string_not_equal(pn, pn2);
}

static void dpdk_datapath(void **state)
{
	(void)state;
	char set[2048];
	snprintf(set, sizeof set,
	         "%s"
	         "set host-os datapath dpdk socket-memory 256 lcore-mask 0x2 no-pci\n"
	         "set virtual-network-functions v1 image /i/a.qcow2\n"
	         "set virtual-network-functions v1 interfaces eth2 mapping vlan members v100\n"
	         "set virtual-network-functions v2 image /i/a.qcow2\n"
	         "set virtual-network-functions v2 memory features hugepages\n"
	         "set virtual-network-functions v2 interfaces eth2 mapping vlan members v100\n",
	         VLANS);
	struct cfg_tree *t = tree(set);
	assert_true(jdm_vswcfg_is_dpdk(t));
	char *msg = check(t);
	assert_non_null(strstr(msg, "[edit virtual-network-functions v1]\n"
	                            "  VNF v1 has data interfaces on the DPDK datapath: vhost-user needs "
	                            "memory the switch can share; set memory features hugepages\n"));
	assert_null(strstr(msg, "VNF v2"));
	free(msg);
	struct jdm_vswcfg c;
	assert_int_equal(jdm_vswcfg_build(t, NULL, &c), 0);
	assert_true(c.dpdk);
	assert_int_equal(c.socket_mem, 256);
	assert_string_equal(c.lcore_mask, "0x2");
	assert_true(c.no_pci);
	jdm_vswcfg_free(&c);
	char path[256];
	assert_int_equal(jdm_vswcfg_vhost_path("/s", "v2", "v2_eth2", path, sizeof path), 0);
	assert_string_equal(path, "/s/vnf/v2/v2_eth2.sock");
	cfg_tree_free(t);
	t = tree("set host-os datapath dpdk lcore-mask zz\n");
	msg = check(t);
	assert_non_null(strstr(msg, "lcore-mask zz is not a hexadecimal CPU mask"));
	free(msg);
	cfg_tree_free(t);
	t = tree("set host-os datapath netdev socket-memory 256\n");
	msg = check(t);
	assert_non_null(strstr(msg, "warning: socket-memory, lcore-mask and no-pci apply to the dpdk "
	                            "datapath only"));
	free(msg);
	cfg_tree_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(figure_27_and_35),
		cmocka_unit_test(trunks),
		cmocka_unit_test(commit_check),
		cmocka_unit_test(dpdk_datapath),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
