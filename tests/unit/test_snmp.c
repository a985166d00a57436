/* SNMP: the v3 keys (RFC 3414 password-to-key, checked against Net-SNMP's
 * own generate_Ku), the "snmp-key" transform (a v3 password set is stored
 * as its key, never as itself), snmpd.conf from the `snmp` tree (no
 * password, no newline injection, communities and trap sinks), the row's
 * commit check, and the subagent's snapshot (replies as data -> sorted
 * OIDs: GET, GETNEXT, VM-MIB's state mapping, stable vmIndex), and the
 * IPsec tunnel table from ipsec-nm's reply (states, ESP mode, Counter64
 * counters, a stable index of its own) and the layer-2 extension's sites. */
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "cfg_buf.h"
#include "cfg_commit.h"
#include "cfg_load.h"
#include "cfg_render.h"
#include "cfg_reply.h"
#include "cfg_tree.h"
#include "cfg_xform.h"
#include "jdm_snmp.h"
#include "snmp_cache.h"
#include "snmp_snap.h"

static struct cfg_schema *schema;

static struct cfg_tree *tree(const char *set)
{
	struct cfg_tree *t = cfg_tree_new(schema);
	struct cfg_buf e = {0};
	if (cfg_load_set(t, NULL, set, strlen(set), "terminal", 0, &e) != 0)
		fail_msg("load: %s %s", e.p ? e.p : "", cfg_err_msg());
	cfg_buf_free(&e);
	return t;
}

static void hex_of(const u_char *k, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", k[i]);
}

static void keys_match_net_snmp(void **state)
{
	(void)state;
	const char *pw = "maplesyrup";
	char *stored = NULL;
	assert_int_equal(jdm_snmp_key_from_password(pw, &stored), 0);
	assert_non_null(strstr(stored, "$nfx-ku$"));
	assert_null(strstr(stored, pw));
	u_char ku[64];
	size_t kl = sizeof ku;
	char want[129], got[72];
	assert_int_equal(generate_Ku(usmHMACSHA1AuthProtocol, OID_LENGTH(usmHMACSHA1AuthProtocol),
	                             (u_char *)pw, strlen(pw), ku, &kl), SNMPERR_SUCCESS);
	hex_of(ku, kl, want);
	assert_int_equal(jdm_snmp_key_hex(stored, "sha1", got, sizeof got), 0);
	assert_string_equal(got, want);
	kl = sizeof ku;
	assert_int_equal(generate_Ku(usmHMAC192SHA256AuthProtocol, OID_LENGTH(usmHMAC192SHA256AuthProtocol),
	                             (u_char *)pw, strlen(pw), ku, &kl), SNMPERR_SUCCESS);
	hex_of(ku, kl, want);
	assert_int_equal(jdm_snmp_key_hex(stored, "sha256", got, sizeof got), 0);
	assert_string_equal(got, want);
	free(stored);
	assert_int_equal(jdm_snmp_key_from_password("short", &stored), -1);
	assert_int_equal(jdm_snmp_key_hex("plain text", "sha1", got, sizeof got), -1);
	assert_int_equal(jdm_snmp_key_hex("$nfx-ku$00$11", "sha1", got, sizeof got), -1);
}

static int xform(const char *in, char **out) { return jdm_snmp_key_from_password(in, out); }

static void password_is_stored_as_key(void **state)
{
	(void)state;
	assert_int_equal(cfg_xform_register("snmp-key", xform), 0);
	struct cfg_tree *t = tree("set snmp v3 usm local-engine user noc authentication-sha256 "
	                          "authentication-password \"Secret-Pass-1\"\n"
	                          "set snmp v3 usm local-engine user noc privacy-aes128 privacy-password "
	                          "\"Other-Pass-2\"\n");
	struct cfg_buf b = {0};
	cfg_render_set(&b, cfg_tree_root(t), false, CFG_R_FULL | CFG_R_SECRETS);
	assert_null(strstr(b.p, "Secret-Pass-1"));
	assert_null(strstr(b.p, "Other-Pass-2"));
	assert_null(strstr(b.p, "authentication-password"));
	assert_non_null(strstr(b.p, "authentication-sha256 authentication-key \"$nfx-ku$"));
	assert_non_null(strstr(b.p, "privacy-aes128 privacy-key \"$nfx-ku$"));
	/* without the secret permission: hidden */
	cfg_buf_reset(&b);
	cfg_render_set(&b, cfg_tree_root(t), false, CFG_R_FULL);
	assert_null(strstr(b.p, "$nfx-ku$"));
	/* and in snmpd.conf: master keys only */
	cfg_buf_reset(&b);
	jdm_snmp_conf(t, "/st/snmp/agentx.sock", &b);
	assert_null(strstr(b.p, "Secret-Pass-1"));
	assert_non_null(strstr(b.p, "createUser noc SHA-256 -m 0x"));
	assert_non_null(strstr(b.p, " AES -m 0x"));
	assert_non_null(strstr(b.p, "rouser noc priv\n"));
	cfg_tree_free(t);
	/* v3 trap targets: trapsess with the master keys, never the password */
	t = tree("set snmp v3 usm local-engine user noc authentication-sha "
	         "authentication-password \"Secret-Pass-1\"\n"
	         "set snmp trap-group g3 version v3 user noc targets 192.0.2.1\n");
	cfg_buf_reset(&b);
	jdm_snmp_conf(t, "/st/snmp/agentx.sock", &b);
	assert_non_null(strstr(b.p, "trapsess -v 3 -u noc -l authNoPriv -a SHA -3m 0x"));
	assert_non_null(strstr(b.p, " 192.0.2.1:162\n"));
	assert_non_null(strstr(b.p, "engineIDType 3\nengineIDNic jmgmt0\n"));
	assert_null(strstr(b.p, "Secret-Pass-1"));
	cfg_buf_free(&b);
	cfg_tree_free(t);
	/* a password too short is refused at the set */
	struct cfg_tree *t2 = cfg_tree_new(schema);
	struct cfg_buf e = {0};
	const char *bad = "set snmp v3 usm local-engine user x authentication-sha authentication-password short\n";
	assert_int_not_equal(cfg_load_set(t2, NULL, bad, strlen(bad), "terminal", 0, &e), 0);
	cfg_buf_free(&e);
	cfg_tree_free(t2);
}

static void conf_from_tree(void **state)
{
	(void)state;
	struct cfg_tree *t = tree("set interfaces jmgmt0 unit 0 family inet address 192.0.2.10/24\n"
	                          "set snmp location \"Rack 2\"\n"
	                          "set snmp port 1161\n"
	                          "set snmp community pub authorization read-only\n"
	                          "set snmp community pub clients 192.0.2.0/24\n"
	                          "set snmp community adm authorization read-write\n"
	                          "set snmp trap-group noc version all targets 192.0.2.1\n"
	                          "set snmp trap-group noc destination-port 16200\n");
	struct cfg_buf b = {0};
	jdm_snmp_conf(t, "/st/snmp/agentx.sock", &b);
	assert_non_null(strstr(b.p, "agentaddress udp:127.0.0.1:1161,udp:192.0.2.10:1161\n"));
	assert_non_null(strstr(b.p, "master agentx\nagentXSocket unix:/st/snmp/agentx.sock\n"));
	assert_non_null(strstr(b.p, "sysLocation Rack 2\n"));
	assert_non_null(strstr(b.p, "rocommunity pub 192.0.2.0/24\n"));
	assert_non_null(strstr(b.p, "rwcommunity adm default\n"));
	assert_non_null(strstr(b.p, "trapsink 192.0.2.1:16200 noc\n"));
	assert_non_null(strstr(b.p, "trap2sink 192.0.2.1:16200 noc\n"));
	cfg_tree_free(t);
	/* `snmp interface`: only the named interfaces (and loopback) */
	t = tree("set interfaces jmgmt0 unit 0 family inet address 192.0.2.10/24\n"
	         "set snmp interface jmgmt0\n");
	cfg_buf_reset(&b);
	jdm_snmp_conf(t, "/st/snmp/agentx.sock", &b);
	assert_non_null(strstr(b.p, "agentaddress udp:127.0.0.1:161,udp:192.0.2.10:161\n"));
	cfg_tree_free(t);
	t = tree("set interfaces jmgmt0 unit 0 family inet address 192.0.2.10/24\n"
	         "set host-os vlans mgmt vlan-id 10\n"
	         "set host-os interfaces mgmt0 vlan mgmt address 198.51.100.3/26\n"
	         "set snmp interface mgmt0\n");
	cfg_buf_reset(&b);
	jdm_snmp_conf(t, "/st/snmp/agentx.sock", &b);
	assert_non_null(strstr(b.p, "agentaddress udp:127.0.0.1:161,udp:198.51.100.3:161\n"));
	cfg_tree_free(t);
	cfg_buf_free(&b);
}

static const char *check(const char *set, struct cfg_buf *out)
{
	struct cfg_tree *t = tree(set);
	struct cfg_findings fs = {0};
	jdm_snmp_validate(NULL, t, NULL, &fs);
	cfg_buf_reset(out);
	cfg_findings_render(out, &fs);
	cfg_findings_free(&fs);
	cfg_tree_free(t);
	return out->len ? out->p : "";
}

static void validate(void **state)
{
	(void)state;
	assert_string_equal(jdm_snmp_owns[0], "snmp");
	assert_string_equal(jdm_snmp_owns[1], "interfaces jmgmt0"); /* snmpd's addresses */
	assert_string_equal(jdm_snmp_owns[2], "host-os interfaces");
	assert_null(jdm_snmp_owns[3]);
	struct cfg_buf out = {0};
	assert_string_equal(check("set snmp community pub authorization read-only\n", &out), "");
	/* listen interfaces must have an address */
	assert_non_null(strstr(check("set snmp interface jmgmt0\n", &out),
	                       "interface jmgmt0 has no address to listen on"));
	assert_non_null(strstr(check("set snmp interface nope\n", &out),
	                       "interface nope is neither jmgmt0 nor a host-os interface"));
	/* a value that would be a line of its own in snmpd.conf */
	assert_non_null(strstr(check("set snmp contact \"a\\\"b\"\n", &out), "[edit snmp"));
	assert_non_null(strstr(check("set snmp community \"a b\" authorization read-only\n", &out),
	                       "community names"));
	/* a user without a key (set directly, not from a password) */
	assert_non_null(strstr(check("set snmp v3 usm local-engine user u authentication-sha "
	                             "authentication-key nonsense\n", &out),
	                       "needs an authentication password"));
	assert_non_null(strstr(check("set snmp trap-group g version v3 targets 192.0.2.1\n", &out),
	                       "needs the user"));
	cfg_buf_free(&out);
}

/* ------------------------------------------------------------ snapshot */

static struct cfg_reply *xml(const char *s)
{
	struct cfg_reply *r = cfg_reply_parse_xml(s, strlen(s));
	assert_non_null(r);
	return r;
}

static const oid root[] = {1, 3, 6, 1, 3, 2501};

static long int_at(struct snmp_snap *s, const oid *o, size_t n)
{
	const struct snap_val *v = snmp_snap_find(s, o, n, false);
	assert_non_null(v);
	return v->l;
}

static void snapshot(void **state)
{
	(void)state;
	struct snmp_cache *c = snmp_cache_new();
	struct snmp_snap *s = snmp_snap_new(root, 6);
	snmp_cache_put(c, "vnfs", xml("<virtual-network-functions-information>"
	                              "<vnf-information><vnf-name>vrtr1</vnf-name><vnf-state>running</vnf-state>"
	                              "<vnf-liveliness>alive</vnf-liveliness></vnf-information>"
	                              "<vnf-information><vnf-name>vsrx</vnf-name><vnf-state>shut off</vnf-state>"
	                              "<vnf-liveliness>down</vnf-liveliness></vnf-information>"
	                              "</virtual-network-functions-information>"));
	snmp_cache_put(c, "vnf:vrtr1",
	               xml("<virtual-network-functions-information><vnf-information>"
	                   "<vnf-name>vrtr1</vnf-name><vnf-state>running</vnf-state>"
	                   "<vnf-ip-address>192.168.1.2</vnf-ip-address><vnf-vcpus>2</vnf-vcpus>"
	                   "<vnf-maximum-memory>262144</vnf-maximum-memory><vnf-used-memory>262144</vnf-used-memory>"
	                   "<vnf-uuid>0123456789abcdef0123456789abcdef</vnf-uuid><vnf-image>/i/vrtr1.qcow2</vnf-image>"
	                   "<vnf-autostart>yes</vnf-autostart><vnf-restarts>3</vnf-restarts>"
	                   "</vnf-information></virtual-network-functions-information>"));
	snmp_cache_put(c, "memory", xml("<memory-visibility-information><hugepage-pool><page-size>2048</page-size>"
	                                "<total>64</total><free>60</free></hugepage-pool>"
	                                "</memory-visibility-information>"));
	snmp_cache_put(c, "vlans", xml("<host-os-vlan-information><vlan><vlan-name>v10</vlan-name>"
	                               "<vlan-id>10</vlan-id><vlan-member-interface>vrtr1_eth3</vlan-member-interface>"
	                               "<member-port>ge-0/0/2</member-port></vlan></host-os-vlan-information>"));
	snmp_snap_update(s, c);
	const oid mem[] = {1, 3, 6, 1, 3, 2501, 1, 3, 1, 3, 10};
	const struct snap_val *mv = snmp_snap_find(s, mem, 11, false);
	assert_non_null(mv);
	assert_string_equal(mv->s, "vrtr1_eth3,ge-0/0/2");
	const oid vmnum[] = {1, 3, 6, 1, 2, 1, 236, 1, 2, 0};
	assert_int_equal(int_at(s, vmnum, 10), 2);
	/* vmIndex by first sight: vrtr1 1, vsrx 2 */
	const oid oper1[] = {1, 3, 6, 1, 2, 1, 236, 1, 4, 1, 6, 1}, oper2[] = {1, 3, 6, 1, 2, 1, 236, 1, 4, 1, 6, 2};
	assert_int_equal(int_at(s, oper1, 12), 4);
	assert_int_equal(int_at(s, oper2, 12), 11);
	const oid cpus[] = {1, 3, 6, 1, 2, 1, 236, 1, 4, 1, 9, 1};
	assert_int_equal(int_at(s, cpus, 12), 2);
	const oid uuid[] = {1, 3, 6, 1, 2, 1, 236, 1, 4, 1, 3, 1};
	const struct snap_val *u = snmp_snap_find(s, uuid, 12, false);
	assert_int_equal(u->slen, 16);
	assert_int_equal((unsigned char)u->s[0], 0x01);
	/* GETNEXT from the table's column walks rows in order */
	const oid col2[] = {1, 3, 6, 1, 2, 1, 236, 1, 4, 1, 2};
	const struct snap_val *n = snmp_snap_find(s, col2, 11, true);
	assert_string_equal(n->s, "vrtr1");
	n = snmp_snap_find(s, n->name, n->len, true);
	assert_string_equal(n->s, "vsrx");
	/* nfx MIB: restarts, liveliness, hugepages */
	const oid rs[] = {1, 3, 6, 1, 3, 2501, 1, 1, 1, 5, 1}, lv[] = {1, 3, 6, 1, 3, 2501, 1, 1, 1, 3, 2};
	assert_int_equal(int_at(s, rs, 11), 3);
	assert_int_equal(int_at(s, lv, 11), 2);
	const oid hf[] = {1, 3, 6, 1, 3, 2501, 1, 2, 1, 3, 2048};
	assert_int_equal(int_at(s, hf, 11), 60);
	/* the whole array is sorted, nothing after the last */
	size_t cnt = snmp_snap_count(s);
	assert_true(cnt > 20);
	const oid end[] = {1, 3, 6, 1, 3, 2501, 9};
	assert_null(snmp_snap_find(s, end, 7, true));
	/* a VNF gone and back keeps its index */
	assert_int_equal(snmp_cache_index(c, "vsrx"), 2);
	assert_int_equal(snmp_cache_index(c, "new"), 3);
	assert_int_equal(snmp_oper_state("paused"), 8);
	assert_int_equal(snmp_oper_state("in shutdown"), 10);
	assert_int_equal(snmp_oper_state("crashed"), 12);
	unsigned char b[16];
	assert_false(snmp_uuid_bytes("xyz", b));
	assert_true(snmp_uuid_bytes("01234567-89ab-cdef-0123-456789abcdef", b));
	snmp_snap_free(s);
	snmp_cache_free(c);
}

/* ipsec-nm's `show security ipsec security-associations` as data
 * (/work/notes/ipsec-reply.md): hq-vpn/ts1 up with its CHILD SA, dc2/ts1
 * down (no SA) */
#define IPSEC_REPLY(hq_state, hq_in)                                                                       \
	"<ipsec-security-associations-information>"                                                          \
	"<ipsec-nm-status><container-state>running</container-state><esp-mode>userspace</esp-mode>"          \
	"</ipsec-nm-status><total-active-tunnels>1</total-active-tunnels>"                                    \
	"<ipsec-security-associations-block><sa-block-state>up</sa-block-state>"                             \
	"<sa-vpn-name>hq-vpn</sa-vpn-name><sa-traffic-selector-name>ts1</sa-traffic-selector-name>"         \
	"<ipsec-security-associations><sa-direction>&lt;</sa-direction><sa-bytes>" hq_in "</sa-bytes>"       \
	"<sa-packets>12</sa-packets></ipsec-security-associations>"                                          \
	"<ipsec-security-associations><sa-direction>&gt;</sa-direction><sa-bytes>2048</sa-bytes>"            \
	"<sa-packets>13</sa-packets></ipsec-security-associations></ipsec-security-associations-block>"      \
	"<ipsec-nm-tunnel><vpn-name>hq-vpn</vpn-name><traffic-selector-name>ts1</traffic-selector-name>"    \
	"<gateway-name>hq</gateway-name><remote-address>203.0.113.1</remote-address>"                       \
	"<tunnel-state>" hq_state "</tunnel-state></ipsec-nm-tunnel>"                                        \
	"<ipsec-nm-tunnel><vpn-name>dc2</vpn-name><traffic-selector-name>ts1</traffic-selector-name>"       \
	"<gateway-name>dc</gateway-name><remote-address>192.0.2.1</remote-address>"                         \
	"<tunnel-state>down</tunnel-state><reason>AUTHENTICATION_FAILED</reason></ipsec-nm-tunnel>"        \
	"</ipsec-security-associations-information>"

static void ipsec_table(void **state)
{
	(void)state;
	struct snmp_cache *c = snmp_cache_new();
	struct snmp_snap *s = snmp_snap_new(root, 6);
	/* the ipsec-nm container's row is no VM: not in VM-MIB */
	snmp_cache_put(c, "vnfs", xml("<virtual-network-functions-information><vnf-information>"
	                              "<vnf-id>509</vnf-id><vnf-name>ipsec-nm</vnf-name><vnf-state>running</vnf-state>"
	                              "<vnf-liveliness>alive</vnf-liveliness><vnf-container/></vnf-information>"
	                              "<vnf-information>"
	                              "<vnf-name>vrtr1</vnf-name><vnf-state>running</vnf-state>"
	                              "</vnf-information></virtual-network-functions-information>"));
	snmp_cache_put(c, "ipsec", xml(IPSEC_REPLY("up", "6000000000")));
	snmp_cache_put(c, "ike", xml("<ike-security-associations-information><ike-security-associations>"
	                             "<ike-sa-gateway-name>hq</ike-sa-gateway-name><ike-sa-state>UP</ike-sa-state>"
	                             "</ike-security-associations></ike-security-associations-information>"));
	snmp_snap_update(s, c);
	/* root.1.6.1.COL.INDEX; hq 1, dc2 2 (first sight), VNFs numbered apart */
	const oid name1[] = {1, 3, 6, 1, 3, 2501, 1, 6, 1, 2, 1}, gw2[] = {1, 3, 6, 1, 3, 2501, 1, 6, 1, 3, 2};
	assert_string_equal(snmp_snap_find(s, name1, 11, false)->s, "hq-vpn");
	assert_string_equal(snmp_snap_find(s, gw2, 11, false)->s, "192.0.2.1");
	assert_int_equal(snmp_cache_index(c, "vrtr1"), 1);
	const oid vmnum[] = {1, 3, 6, 1, 2, 1, 236, 1, 2, 0}, vmname1[] = {1, 3, 6, 1, 2, 1, 236, 1, 4, 1, 2, 1};
	assert_int_equal(int_at(s, vmnum, 10), 1);
	assert_string_equal(snmp_snap_find(s, vmname1, 12, false)->s, "vrtr1");
	const oid ike1[] = {1, 3, 6, 1, 3, 2501, 1, 6, 1, 4, 1}, ike2[] = {1, 3, 6, 1, 3, 2501, 1, 6, 1, 4, 2};
	const oid ch1[] = {1, 3, 6, 1, 3, 2501, 1, 6, 1, 5, 1}, ch2[] = {1, 3, 6, 1, 3, 2501, 1, 6, 1, 5, 2};
	const oid md1[] = {1, 3, 6, 1, 3, 2501, 1, 6, 1, 6, 1}, md2[] = {1, 3, 6, 1, 3, 2501, 1, 6, 1, 6, 2};
	assert_int_equal(int_at(s, ike1, 11), 1);
	assert_int_equal(int_at(s, ike2, 11), 2); /* no IKE SA of its gateway */
	assert_int_equal(int_at(s, ch1, 11), 1);
	assert_int_equal(int_at(s, ch2, 11), 2);
	assert_int_equal(int_at(s, md1, 11), 2); /* userspace (kernel-libipsec) */
	assert_int_equal(int_at(s, md2, 11), 2);
	/* Counter64: past 2^32 */
	const oid in1[] = {1, 3, 6, 1, 3, 2501, 1, 6, 1, 7, 1};
	const struct snap_val *v = snmp_snap_find(s, in1, 11, false);
	assert_int_equal(v->type, ASN_COUNTER64);
	assert_true(v->l == 6000000000L);
	const oid op1[] = {1, 3, 6, 1, 3, 2501, 1, 6, 1, 10, 1}, in2[] = {1, 3, 6, 1, 3, 2501, 1, 6, 1, 9, 2};
	assert_int_equal(int_at(s, op1, 11), 13);
	assert_int_equal(int_at(s, in2, 11), 0); /* no counters: 0 */
	const oid rs2[] = {1, 3, 6, 1, 3, 2501, 1, 6, 1, 11, 2}, rs1[] = {1, 3, 6, 1, 3, 2501, 1, 6, 1, 11, 1};
	assert_string_equal(snmp_snap_find(s, rs2, 11, false)->s, "AUTHENTICATION_FAILED");
	assert_string_equal(snmp_snap_find(s, rs1, 11, false)->s, "");
	const oid ts1[] = {1, 3, 6, 1, 3, 2501, 1, 6, 1, 12, 1};
	assert_string_equal(snmp_snap_find(s, ts1, 11, false)->s, "ts1");
	/* a walk of the table: column by column, rows in index order */
	const oid tbl[] = {1, 3, 6, 1, 3, 2501, 1, 6};
	const struct snap_val *n = snmp_snap_find(s, tbl, 8, true);
	assert_string_equal(n->s, "hq-vpn");
	n = snmp_snap_find(s, n->name, n->len, true);
	assert_string_equal(n->s, "dc2");
	/* the reply again with the VPNs in the other order: the same indexes */
	snmp_cache_put(c, "ipsec",
	               xml("<ipsec-security-associations-information>"
	                   "<ipsec-nm-tunnel><vpn-name>dc2</vpn-name><traffic-selector-name>ts1</traffic-selector-name>"
	                   "<tunnel-state>up</tunnel-state></ipsec-nm-tunnel>"
	                   "<ipsec-nm-tunnel><vpn-name>hq-vpn</vpn-name><traffic-selector-name>ts1</traffic-selector-name>"
	                   "<tunnel-state>down</tunnel-state></ipsec-nm-tunnel>"
	                   "</ipsec-security-associations-information>"));
	snmp_snap_update(s, c);
	assert_int_equal(int_at(s, ch1, 11), 2);
	assert_int_equal(int_at(s, ch2, 11), 1);
	/* no ipsec reply (ipsec-nm disabled): no rows */
	snmp_cache_put(c, "ipsec", NULL);
	snmp_snap_update(s, c);
	assert_null(snmp_snap_find(s, name1, 11, false));
	n = snmp_snap_find(s, tbl, 8, true);
	assert_true(n == NULL || snmp_oid_compare(n->name, 8, tbl, 8) != 0);
	/* the word mappings */
	assert_int_equal(snmp_ipsec_state(NULL), 4);
	assert_int_equal(snmp_ipsec_state("up"), 1);
	assert_int_equal(snmp_ipsec_state("deleting"), 2);
	assert_int_equal(snmp_ipsec_state("rekeying"), 3);
	assert_int_equal(snmp_ipsec_mode("kernel"), 1);
	assert_int_equal(snmp_ipsec_mode("userspace"), 2);
	assert_int_equal(snmp_ipsec_mode("kernel-libipsec"), 2);
	assert_int_equal(snmp_ipsec_mode(""), 3);
	snmp_snap_free(s);
	snmp_cache_free(c);
}

/* `show host-os l2-extension` (/work/notes/l2ext-reply.md) -> nfxL2SiteTable */
static void l2_sites(void **state)
{
	(void)state;
	struct snmp_cache *c = snmp_cache_new();
	struct snmp_snap *s = snmp_snap_new(root, 6);
	snmp_cache_put(c, "l2ext",
	               xml("<host-os-l2-extension-information><state>running</state>"
	                   "<esp-mode>userspace (kernel-libipsec, UDP 4500)</esp-mode>"
	                   "<site><site-name>siteB</site-name><address>203.0.113.2</address>"
	                   "<local-address>203.0.113.1</local-address><ike-state>ESTABLISHED</ike-state>"
	                   "<child-state>INSTALLED</child-state><bytes-in>3504</bytes-in><bytes-out>3505</bytes-out>"
	                   "<packets-in>20</packets-in><packets-out>21</packets-out><vni-list>10100 10200</vni-list></site>"
	                   "<site><site-name>siteC</site-name><address>192.0.2.7</address>"
	                   "<ike-state>CONNECTING</ike-state><child-state>down</child-state><esp-mode>kernel</esp-mode></site>"
	                   "</host-os-l2-extension-information>"));
	snmp_snap_update(s, c);
	const oid n1[] = {1, 3, 6, 1, 3, 2501, 1, 7, 1, 2, 1}, a2[] = {1, 3, 6, 1, 3, 2501, 1, 7, 1, 3, 2};
	assert_string_equal(snmp_snap_find(s, n1, 11, false)->s, "siteB");
	assert_string_equal(snmp_snap_find(s, a2, 11, false)->s, "192.0.2.7");
	const oid ike1[] = {1, 3, 6, 1, 3, 2501, 1, 7, 1, 5, 1}, ike2[] = {1, 3, 6, 1, 3, 2501, 1, 7, 1, 5, 2};
	const oid ch1[] = {1, 3, 6, 1, 3, 2501, 1, 7, 1, 6, 1}, ch2[] = {1, 3, 6, 1, 3, 2501, 1, 7, 1, 6, 2};
	const oid md1[] = {1, 3, 6, 1, 3, 2501, 1, 7, 1, 7, 1}, md2[] = {1, 3, 6, 1, 3, 2501, 1, 7, 1, 7, 2};
	assert_int_equal(int_at(s, ike1, 11), 1);
	assert_int_equal(int_at(s, ike2, 11), 3);
	assert_int_equal(int_at(s, ch1, 11), 1);
	assert_int_equal(int_at(s, ch2, 11), 2);
	assert_int_equal(int_at(s, md1, 11), 2); /* the reply's esp-mode */
	assert_int_equal(int_at(s, md2, 11), 1); /* the site's own */
	const oid out1[] = {1, 3, 6, 1, 3, 2501, 1, 7, 1, 9, 1}, pin1[] = {1, 3, 6, 1, 3, 2501, 1, 7, 1, 10, 1};
	assert_int_equal(int_at(s, out1, 11), 3505);
	assert_int_equal(int_at(s, pin1, 11), 20);
	const oid vn1[] = {1, 3, 6, 1, 3, 2501, 1, 7, 1, 12, 1};
	assert_string_equal(snmp_snap_find(s, vn1, 11, false)->s, "10100 10200");
	/* sites and tunnels are numbered apart */
	assert_int_equal(snmp_cache_tunnel_index(c, "hq-vpn/ts1"), 1);
	assert_int_equal(snmp_cache_site_index(c, "siteC"), 2);
	snmp_snap_free(s);
	snmp_cache_free(c);
}

int main(void)
{
	schema = test_schema_jdm();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keys_match_net_snmp),
		cmocka_unit_test(password_is_stored_as_key),
		cmocka_unit_test(conf_from_tree),
		cmocka_unit_test(validate),
		cmocka_unit_test(snapshot),
		cmocka_unit_test(ipsec_table),
		cmocka_unit_test(l2_sites),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	cfg_schema_free(schema);
	return rc;
}
