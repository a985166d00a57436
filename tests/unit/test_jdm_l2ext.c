/* Unit tests of the pure parts of host-os interfaces (jdm_hostif_build,
 * jdm_hostif_validate_tree) and of the layer-2 extension (jdm_l2ext_cfg:
 * the commit check with paths, the MTU arithmetic, the VICI messages of a
 * site). The system side (OVS ports, rtnetlink, charon) is exercised by
 * tests/integration/test_l2ext_*.sh.
 */
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "test_common.h"

#include "cfg_buf.h"
#include "cfg_commit.h"
#include "cfg_load.h"
#include "cfg_tree.h"
#include "jdm_hostif.h"
#include "jdm_ipsecnm_psk.h"
#include "jdm_l2ext_cfg.h"

static struct cfg_schema *schema;
static char dir[] = "/tmp/nfx-ut-l2ext.XXXXXX"; /* the box key (jdm_ipsecnm_psk) */

static int setup(void **state)
{
	(void)state;
	schema = test_schema_jdm();
	if (!mkdtemp(dir) || jdm_ipsecnm_psk_init(dir) < 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cfg_schema_free(schema);
	char kp[64];
	snprintf(kp, sizeof kp, "%s/ipsec-nm.key", dir);
	unlink(kp);
	rmdir(dir);
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

static char *render(struct cfg_findings *fs)
{
	struct cfg_buf b = {0};
	cfg_findings_render(&b, fs);
	cfg_findings_free(fs);
	char *s = strdup(b.p ? b.p : "");
	cfg_buf_free(&b);
	return s;
}

static char *check_hostif(const struct cfg_tree *t)
{
	struct cfg_findings fs = {0};
	jdm_hostif_validate_tree(t, &fs);
	return render(&fs);
}

static char *check_l2(const struct cfg_tree *t, enum jdm_charon_esp esp)
{
	struct cfg_findings fs = {0};
	jdm_l2ext_validate_tree(t, esp, &fs);
	return render(&fs);
}

static const char BASE[] =
    "set host-os vlans wan vlan-id 10\n"
    "set host-os vlans v100 vlan-id 100\n"
    "set host-os vlans v200 vlan-id 200\n"
    "set host-os interfaces wan0 vlan wan\n"
    "set host-os interfaces wan0 address 203.0.113.1/25\n"
    "set host-os routing-options static route 0.0.0.0/0 next-hop 203.0.113.126\n";

static const char SITE_B[] =
    "set host-os l2-extension site siteB address 203.0.113.130\n"
    "set host-os l2-extension site siteB local-address 203.0.113.1\n"
    "set host-os l2-extension site siteB pre-shared-key ascii-text nfx-test-only-psk\n"
    "set host-os vlans v100 vxlan vni 10100\n"
    "set host-os vlans v100 vxlan sites siteB\n";

static struct cfg_tree *tree2(const char *a, const char *b)
{
	char buf[4096];
	snprintf(buf, sizeof buf, "%s%s", a, b);
	return tree(buf);
}

static void hostif_build_and_check(void **state)
{
	(void)state;
	struct cfg_tree *t = tree(BASE);
	struct jdm_hostif_cfg c;
	jdm_hostif_build(t, &c);
	assert_int_equal(c.nif, 1);
	assert_string_equal(c.ifs[0].name, "wan0");
	assert_int_equal(c.ifs[0].tag, 10);
	assert_int_equal(c.ifs[0].plen, 25);
	assert_int_equal(c.ifs[0].mtu, JDM_HOSTIF_MTU_DEFAULT);
	assert_int_equal(c.nroutes, 1);
	assert_int_equal(c.routes[0].plen, 0);
	uint32_t nh;
	assert_int_equal(jdm_hostif_nl_addr("203.0.113.126", &nh), 0);
	assert_int_equal(c.routes[0].gw, nh);
	assert_ptr_equal(jdm_hostif_connected(&c, nh), &c.ifs[0]);
	uint32_t self;
	jdm_hostif_nl_addr("203.0.113.1", &self);
	assert_null(jdm_hostif_connected(&c, self));
	assert_ptr_equal(jdm_hostif_by_addr(&c, self), &c.ifs[0]);
	char *msg = check_hostif(t);
	assert_string_equal(msg, "");
	free(msg);
	cfg_tree_free(t);

	t = tree2(BASE, "set host-os interfaces lan0 vlan v100\n"
	                "set host-os interfaces lan0 address 203.0.113.1/24\n"
	                "set host-os interfaces lan1 vlan v100\n"
	                "set host-os interfaces lan1 address 192.0.2.255/24\n"
	                "set host-os routing-options static route 198.51.100.0/24 next-hop 192.168.1.1\n");
	msg = check_hostif(t);
	assert_non_null(strstr(msg, "[edit host-os interfaces lan0]\n  'address'\n    address "
	                            "203.0.113.1/24 is already the address of host-os interface wan0"));
	assert_non_null(strstr(msg, "[edit host-os interfaces lan1]\n  'address'\n    192.0.2.255/24 "
	                            "is not a host address"));
	assert_non_null(strstr(msg, "[edit host-os routing-options static route 198.51.100.0/24]\n"
	                            "  'next-hop'\n    next-hop 192.168.1.1 is on no connected"));
	free(msg);
	cfg_tree_free(t);
}

static void l2ext_build(void **state)
{
	(void)state;
	struct cfg_tree *t = tree2(BASE, SITE_B);
	struct jdm_l2ext_cfg c;
	jdm_l2ext_build(t, &c);
	assert_int_equal(c.nsites, 1);
	assert_true(c.sites[0].used);
	/* stored sealed with the box key, never in plain text */
	assert_non_null(c.sites[0].psk);
	assert_int_equal(strncmp(c.sites[0].psk, JDM_IPSECNM_PSK_TAG, strlen(JDM_IPSECNM_PSK_TAG)), 0);
	assert_null(strstr(c.sites[0].psk, "nfx-test-only-psk"));
	assert_int_equal(c.sites[0].dpd, JDM_L2EXT_DPD_DEFAULT);
	assert_int_equal(c.nvnis, 1);
	assert_int_equal(c.vnis[0].vni, 10100);
	assert_int_equal(c.vnis[0].tag, 100);
	assert_int_equal(c.vnis[0].nsites, 1);
	assert_true(jdm_l2ext_active(&c));
	char *msg = check_l2(t, JDM_CHARON_ESP_LIBIPSEC);
	assert_string_equal(msg, "");
	free(msg);
	cfg_tree_free(t);
	/* no VNI extends to the site: not active */
	t = tree2(BASE, "set host-os l2-extension site siteB address 203.0.113.130\n"
	                "set host-os l2-extension site siteB local-address 203.0.113.1\n"
	                "set host-os l2-extension site siteB pre-shared-key ascii-text k\n");
	jdm_l2ext_build(t, &c);
	assert_false(jdm_l2ext_active(&c));
	cfg_tree_free(t);
}

static void l2ext_commit_check(void **state)
{
	(void)state;
	struct cfg_tree *t = tree2(BASE, "set host-os vlans v100 vxlan vni 10100\n"
	                                 "set host-os vlans v100 vxlan sites siteB\n"
	                                 "set host-os vlans v200 vxlan vni 10100\n"
	                                 "set host-os vlans v200 vxlan sites siteC\n"
	                                 "set host-os vlans wan vxlan vni 7\n"
	                                 "set host-os vlans wan vxlan sites siteB\n"
	                                 "set host-os l2-extension site siteB address 203.0.113.130\n"
	                                 "set host-os l2-extension site siteB local-address 203.0.113.1\n"
	                                 "set host-os l2-extension site siteC address 203.0.113.130\n"
	                                 "set host-os l2-extension site siteC local-address 192.0.2.1\n");
	char *msg = check_l2(t, JDM_CHARON_ESP_UNKNOWN);
	assert_non_null(strstr(msg, "[edit host-os vlans v200 vxlan]\n  'vni'\n    VNI 10100 is "
	                            "already the VNI of VLAN v100"));
	assert_non_null(strstr(msg, "[edit host-os l2-extension site siteC]\n  'local-address'\n    "
	                            "local-address 192.0.2.1 is the address of no host-os interface"));
	assert_non_null(strstr(msg, "[edit host-os l2-extension site siteC]\n  'address'\n    address "
	                            "203.0.113.130 is already the address of site siteB"));
	assert_non_null(strstr(msg, "[edit host-os l2-extension site siteB]\n  'pre-shared-key'\n"));
	assert_non_null(strstr(msg, "[edit host-os vlans wan vxlan]\n  VLAN wan carries the tunnel"));
	free(msg);
	cfg_tree_free(t);
	/* a site that does not exist: the schema's ref (cfg_validate) */
	t = tree2(BASE, "set host-os vlans v100 vxlan vni 10100\n"
	                "set host-os vlans v100 vxlan sites nosuch\n");
	struct cfg_findings fs = {0};
	cfg_validate(t, &fs);
	msg = render(&fs);
	assert_non_null(strstr(msg, "[edit host-os vlans v100 vxlan]\n  'sites nosuch'\n    "
	                            "Referenced site nosuch does not exist"));
	free(msg);
	cfg_tree_free(t);
}

static void mtu_arithmetic(void **state)
{
	(void)state;
	/* the defaults: aes-256-cbc + hmac-sha-256-128: 20+8+8+16+2+15+16 */
	assert_int_equal(jdm_l2ext_esp_overhead(NULL), 85);
	struct jdm_l2ext_site s = {.esp_enc = "aes-256-gcm"};
	assert_int_equal(jdm_l2ext_esp_overhead(&s), 65);
	s = (struct jdm_l2ext_site){.esp_enc = "aes-128-cbc", .esp_auth = "hmac-sha1-96"};
	assert_int_equal(jdm_l2ext_esp_overhead(&s), 81);
	assert_int_equal(jdm_l2ext_mtu_max(1500, JDM_CHARON_ESP_KERNEL), 1450);
	assert_int_equal(jdm_l2ext_mtu_max(1500, JDM_CHARON_ESP_LIBIPSEC), 1350);
	assert_int_equal(jdm_l2ext_mtu_max(1380, JDM_CHARON_ESP_LIBIPSEC), 1330);
	struct jdm_l2ext_cfg c = {0};
	assert_int_equal(jdm_l2ext_mtu(&c, JDM_CHARON_ESP_KERNEL), 1400);
	assert_int_equal(jdm_l2ext_mtu(&c, JDM_CHARON_ESP_LIBIPSEC), 1350);
	c.mtu_conf = 1300;
	assert_int_equal(jdm_l2ext_mtu(&c, JDM_CHARON_ESP_LIBIPSEC), 1300);

	/* 1400 with userspace ESP: refused; with kernel ESP: fits a 1500 WAN (a warning: the ESP
	   packets are fragmented) */
	struct cfg_tree *t = tree2(BASE, "set host-os l2-extension site siteB address 203.0.113.130\n"
	                                 "set host-os l2-extension site siteB local-address 203.0.113.1\n"
	                                 "set host-os l2-extension site siteB pre-shared-key ascii-text k\n"
	                                 "set host-os vlans v100 vxlan vni 10100\n"
	                                 "set host-os vlans v100 vxlan sites siteB\n"
	                                 "set host-os l2-extension mtu 1400\n");
	char *msg = check_l2(t, JDM_CHARON_ESP_LIBIPSEC);
	assert_non_null(strstr(msg, "[edit host-os l2-extension]\n  'mtu'\n    inner MTU 1400 cannot "
	                            "carry the overhead: with userspace ESP"));
	assert_non_null(strstr(msg, "at most 1350"));
	free(msg);
	msg = check_l2(t, JDM_CHARON_ESP_KERNEL);
	assert_null(strstr(msg, "error"));
	assert_non_null(strstr(msg, "warning: ESP packets of full-size frames (1535 bytes"));
	free(msg);
	cfg_tree_free(t);
	/* a WAN MTU the VXLAN packet does not fit */
	t = tree2(BASE, "set host-os interfaces wan0 mtu 1400\n"
	                "set host-os l2-extension site siteB address 203.0.113.130\n"
	                "set host-os l2-extension site siteB local-address 203.0.113.1\n"
	                "set host-os l2-extension site siteB pre-shared-key ascii-text k\n"
	                "set host-os vlans v100 vxlan vni 10100\n"
	                "set host-os vlans v100 vxlan sites siteB\n");
	msg = check_l2(t, JDM_CHARON_ESP_KERNEL);
	assert_non_null(strstr(msg, "inner MTU 1400 cannot carry the overhead: the WAN interface's MTU "
	                            "is 1400, VXLAN adds 50: at most 1350"));
	free(msg);
	cfg_tree_free(t);
}

static void vici_messages(void **state)
{
	(void)state;
	struct cfg_tree *t = tree2(BASE, SITE_B);
	struct jdm_l2ext_cfg c;
	jdm_l2ext_build(t, &c);
	const struct jdm_l2ext_site *s = jdm_l2ext_site(&c, "siteB");
	assert_non_null(s);
	char ike[64], esp[64];
	jdm_l2ext_proposals(s, ike, sizeof ike, esp, sizeof esp);
	assert_string_equal(ike, "aes256-sha256-modp2048");
	assert_string_equal(esp, "aes256-sha256");
	json_t *m = jdm_l2ext_conn_msg(s, true);
	char *txt = json_dumps(m, JSON_COMPACT);
	assert_non_null(strstr(txt, "{\"siteB\":{\"version\":\"2\",\"local_addrs\":[\"203.0.113.1\"],"
	                            "\"remote_addrs\":[\"203.0.113.130\"],\"encap\":\"yes\""));
	assert_non_null(strstr(txt, "\"local\":{\"auth\":\"psk\",\"id\":\"203.0.113.1\"}"));
	assert_non_null(strstr(txt, "\"remote\":{\"auth\":\"psk\",\"id\":\"203.0.113.130\"}"));
	assert_non_null(strstr(txt, "\"children\":{\"siteB\":{\"local_ts\":[\"203.0.113.1/32[udp/4789]\"],"
	                            "\"remote_ts\":[\"203.0.113.130/32[udp/4789]\"],\"mode\":\"tunnel\""));
	assert_non_null(strstr(txt, "\"start_action\":\"start\",\"dpd_action\":\"restart\","
	                            "\"close_action\":\"start\""));
	assert_non_null(strstr(txt, "\"dpd_delay\":\"10s\""));
	/* the key is not in the connection */
	assert_null(strstr(txt, "nfx-test-only-psk"));
	free(txt);
	json_decref(m);
	m = jdm_l2ext_conn_msg(s, false);
	txt = json_dumps(m, JSON_COMPACT);
	assert_non_null(strstr(txt, "\"encap\":\"no\""));
	free(txt);
	json_decref(m);
	m = jdm_l2ext_shared_msg(s);
	txt = json_dumps(m, JSON_COMPACT);
	assert_string_equal(txt, "{\"id\":\"l2ext-siteB\",\"type\":\"IKE\",\"data\":\"nfx-test-only-psk\","
	                         "\"owners\":[\"203.0.113.130\"]}");
	free(txt);
	json_decref(m);
	cfg_tree_free(t);

	/* proposals from the statements */
	t = tree2(BASE, "set host-os l2-extension site siteB address 203.0.113.130\n"
	                "set host-os l2-extension site siteB ike encryption-algorithm aes-128-gcm\n"
	                "set host-os l2-extension site siteB ike dh-group group19\n"
	                "set host-os l2-extension site siteB ipsec encryption-algorithm aes-256-gcm\n"
	                "set host-os l2-extension site siteB ipsec perfect-forward-secrecy group20\n"
	                "set host-os l2-extension site siteB dead-peer-detection interval 3\n");
	jdm_l2ext_build(t, &c);
	s = jdm_l2ext_site(&c, "siteB");
	jdm_l2ext_proposals(s, ike, sizeof ike, esp, sizeof esp);
	assert_string_equal(ike, "aes128gcm16-prfsha256-ecp256");
	assert_string_equal(esp, "aes256gcm16-ecp384");
	assert_null(jdm_l2ext_shared_msg(s));
	m = jdm_l2ext_conn_msg(s, true);
	txt = json_dumps(m, JSON_COMPACT);
	assert_non_null(strstr(txt, "\"dpd_delay\":\"3s\""));
	free(txt);
	json_decref(m);
	cfg_tree_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hostif_build_and_check),
		cmocka_unit_test(l2ext_build),
		cmocka_unit_test(l2ext_commit_check),
		cmocka_unit_test(mtu_arithmetic),
		cmocka_unit_test(vici_messages),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
