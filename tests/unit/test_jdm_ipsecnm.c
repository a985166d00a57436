/* ipsec-nm's pure parts: the Junos -> strongSwan proposal mapping, the
 * translation of `security ipsec-nm` into VICI load-conn / load-shared
 * messages (connections per gateway, children per traffic selector, encap
 * with userspace ESP, DPD, lifetimes, identities), the commit-check
 * findings and their [edit ...] paths, the pre-shared key stored sealed
 * (the "ipsec-psk" transform: never the key itself, same key -> same text,
 * another box's key refused), the log form never holding the key, and the
 * show replies built from a list-sas answer (checked against the
 * vocabulary of ops-jdm.xml). */
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg_buf.h"
#include "cfg_commit.h"
#include "cfg_load.h"
#include "cfg_reply.h"
#include "cfg_schema_data.h"
#include "cfg_tree.h"
#include "jdm_ipsecnm_cfg.h"
#include "jdm_ipsecnm_psk.h"
#include "jdm_ipsecnm_show.h"

static struct cfg_schema *schema;
static char dir[] = "/tmp/nfx-ut-ipsecnm-XXXXXX";

static struct cfg_tree *tree(const char *set)
{
	struct cfg_tree *t = cfg_tree_new(schema);
	struct cfg_buf e = {0};
	if (cfg_load_set(t, NULL, set, strlen(set), "terminal", 0, &e) != 0)
		fail_msg("load: %s %s", e.p ? e.p : "", cfg_err_msg());
	cfg_buf_free(&e);
	return t;
}

#define BASE                                                                                     \
	"set host-os vlans mgmt vlan-id 100\n"                                                   \
	"set host-os vlans wan vlan-id 200\n"                                                    \
	"set security ipsec-nm interfaces heth1 vlan mgmt\n"                                     \
	"set security ipsec-nm interfaces heth1 address 198.51.100.1/26\n"                       \
	"set security ipsec-nm interfaces heth2 vlan wan\n"                                      \
	"set security ipsec-nm interfaces heth2 address 203.0.113.2/26\n"                        \
	"set security ipsec-nm routing-options static route 0.0.0.0/0 next-hop 203.0.113.1\n"    \
	"set security ipsec-nm ike proposal p1 dh-group group19\n"                               \
	"set security ipsec-nm ike proposal p1 authentication-algorithm sha-384\n"               \
	"set security ipsec-nm ike proposal p1 encryption-algorithm aes-128-cbc\n"               \
	"set security ipsec-nm ike proposal p1 lifetime-seconds 28800\n"                         \
	"set security ipsec-nm ike policy pol proposals p1\n"                                    \
	"set security ipsec-nm ike policy pol pre-shared-key ascii-text \"k3y that is secret\"\n" \
	"set security ipsec-nm ike gateway hq ike-policy pol\n"                                  \
	"set security ipsec-nm ike gateway hq address 203.0.113.1\n"                             \
	"set security ipsec-nm ike gateway hq dead-peer-detection interval 2 threshold 3\n"      \
	"set security ipsec-nm ike gateway hq remote-identity hostname hq.example.net\n"         \
	"set security ipsec-nm ipsec proposal e1 encryption-algorithm aes-256-gcm\n"             \
	"set security ipsec-nm ipsec proposal e1 lifetime-seconds 3600\n"                        \
	"set security ipsec-nm ipsec policy ip proposals e1\n"                                   \
	"set security ipsec-nm ipsec policy ip perfect-forward-secrecy keys group14\n"           \
	"set security ipsec-nm ipsec vpn v ike gateway hq\n"                                     \
	"set security ipsec-nm ipsec vpn v ike ipsec-policy ip\n"                                \
	"set security ipsec-nm ipsec vpn v traffic-selector a local-ip 198.51.100.0/26\n"        \
	"set security ipsec-nm ipsec vpn v traffic-selector a remote-ip 192.0.2.0/24\n"          \
	"set security ipsec-nm ipsec vpn v traffic-selector b local-ip 198.51.100.0/26\n"        \
	"set security ipsec-nm ipsec vpn v traffic-selector b remote-ip 192.0.2.128/25\n"

static void proposals(void **state)
{
	(void)state;
	char b[96];
	jdm_ipsecnm_ike_proposal("aes-256-cbc", "sha-256", "group14", b, sizeof b);
	assert_string_equal(b, "aes256-sha256-modp2048");
	jdm_ipsecnm_ike_proposal(NULL, NULL, NULL, b, sizeof b);
	assert_string_equal(b, "aes256-sha256-modp2048");
	jdm_ipsecnm_ike_proposal("aes-128-cbc", "sha1", "group2", b, sizeof b);
	assert_string_equal(b, "aes128-sha1-modp1024");
	jdm_ipsecnm_ike_proposal("aes-192-cbc", "sha-384", "group19", b, sizeof b);
	assert_string_equal(b, "aes192-sha384-ecp256");
	jdm_ipsecnm_ike_proposal("aes-256-gcm", "sha-384", "group20", b, sizeof b);
	assert_string_equal(b, "aes256gcm16-prfsha384-ecp384");
	jdm_ipsecnm_ike_proposal("aes-128-gcm", NULL, "group5", b, sizeof b);
	assert_string_equal(b, "aes128gcm16-prfsha256-modp1536");
	jdm_ipsecnm_esp_proposal("aes-256-cbc", "hmac-sha-256-128", NULL, b, sizeof b);
	assert_string_equal(b, "aes256-sha256");
	jdm_ipsecnm_esp_proposal("aes-128-cbc", "hmac-sha1-96", "group14", b, sizeof b);
	assert_string_equal(b, "aes128-sha1-modp2048");
	jdm_ipsecnm_esp_proposal("aes-256-gcm", "hmac-sha1-96", "group19", b, sizeof b);
	assert_string_equal(b, "aes256gcm16-ecp256");
	jdm_ipsecnm_esp_proposal(NULL, NULL, NULL, b, sizeof b);
	assert_string_equal(b, "aes256-sha256");
}

static const char *s_at(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static void translation(void **state)
{
	(void)state;
	struct cfg_tree *t = tree(BASE);
	struct jdm_ipsecnm_plan p;
	struct cfg_findings fs = {0};
	assert_int_equal(jdm_ipsecnm_plan(t, true, true, &p, &fs), 0);
	assert_int_equal(fs.n, 0);
	assert_false(p.disabled);
	assert_true(p.ifs[0].on && p.ifs[1].on);
	assert_int_equal(p.ifs[0].vlan_id, 100);
	assert_int_equal(p.ifs[1].vlan_id, 200);
	assert_string_equal(p.ifs[1].addr, "203.0.113.2/26");
	assert_int_equal(p.n_routes, 3);
	assert_string_equal(p.routes[0].via, "203.0.113.1");
	/* the guards: remote selectors unreachable (in clear) while their SA is down */
	assert_string_equal(p.routes[1].dst, "192.0.2.0/24");
	assert_string_equal(p.routes[1].via, "");
	assert_string_equal(p.routes[2].dst, "192.0.2.128/25");
	assert_string_equal(p.tun[0].remote_ts, "192.0.2.0/24");
	/* one connection for the gateway, named after it */
	assert_int_equal(json_object_size(p.conns), 1);
	json_t *c = json_object_get(json_object_get(p.conns, "hq"), "hq");
	assert_non_null(c);
	assert_string_equal(s_at(c, "version"), "2");
	assert_string_equal(json_string_value(json_array_get(json_object_get(c, "local_addrs"), 0)), "203.0.113.2");
	assert_string_equal(json_string_value(json_array_get(json_object_get(c, "remote_addrs"), 0)), "203.0.113.1");
	assert_string_equal(json_string_value(json_array_get(json_object_get(c, "proposals"), 0)),
	                    "aes128-sha384-ecp256");
	assert_string_equal(s_at(c, "encap"), "yes");
	assert_string_equal(s_at(c, "dpd_delay"), "2s");
	assert_int_equal(json_integer_value(json_object_get(p.dpd, "hq")), 3);
	assert_null(json_object_get(c, "dpd_timeout")); /* IKEv2: retransmits decide */
	assert_string_equal(s_at(c, "rekey_time"), "25920s");
	assert_string_equal(s_at(c, "over_time"), "2880s");
	assert_string_equal(s_at(json_object_get(c, "local"), "id"), "203.0.113.2");
	assert_string_equal(s_at(json_object_get(c, "remote"), "id"), "hq.example.net");
	assert_string_equal(s_at(json_object_get(c, "remote"), "auth"), "psk");
	/* one child per traffic selector */
	json_t *ch = json_object_get(c, "children");
	assert_int_equal(json_object_size(ch), 2);
	json_t *a = json_object_get(ch, "v/a");
	assert_non_null(a);
	assert_string_equal(json_string_value(json_array_get(json_object_get(a, "remote_ts"), 0)), "192.0.2.0/24");
	assert_string_equal(json_string_value(json_array_get(json_object_get(json_object_get(ch, "v/b"), "remote_ts"), 0)),
	                    "192.0.2.128/25");
	assert_string_equal(json_string_value(json_array_get(json_object_get(a, "esp_proposals"), 0)),
	                    "aes256gcm16-modp2048");
	assert_string_equal(s_at(a, "start_action"), "start");
	assert_string_equal(s_at(a, "dpd_action"), "restart");
	assert_string_equal(s_at(a, "life_time"), "3600s");
	assert_string_equal(s_at(a, "rekey_time"), "3240s");
	assert_int_equal(p.n_tun, 2);
	assert_string_equal(p.tun[0].child, "v/a");
	assert_string_equal(p.tun[0].gateway, "hq");
	assert_string_equal(p.tun[0].remote, "203.0.113.1");
	assert_null(p.tun[0].note);
	assert_non_null(jdm_ipsecnm_plan_tunnel(&p, "v/b"));
	/* the key, opened for charon, owned by both identities */
	json_t *k = json_object_get(p.shared, "psk-hq");
	assert_string_equal(s_at(k, "data"), "k3y that is secret");
	assert_string_equal(s_at(k, "type"), "IKE");
	assert_int_equal(json_array_size(json_object_get(k, "owners")), 2);
	/* the log form never holds it */
	char *lf = jdm_ipsecnm_log_form(k);
	assert_null(strstr(lf, "k3y"));
	assert_non_null(strstr(lf, "<secret>"));
	free(lf);
	jdm_ipsecnm_plan_free(&p);
	/* kernel ESP: no encap; on-traffic becomes a trap there, is started
	   anyway with userspace ESP (and says so) */
	cfg_tree_free(t);
	t = tree(BASE "set security ipsec-nm ipsec vpn v establish-tunnels on-traffic\n"
	              "set security ipsec-nm ike gateway hq version v1-only\n");
	assert_int_equal(jdm_ipsecnm_plan(t, false, false, &p, &fs), 0);
	c = json_object_get(json_object_get(p.conns, "hq"), "hq");
	assert_null(json_object_get(c, "encap"));
	assert_string_equal(s_at(c, "version"), "1");
	assert_string_equal(s_at(c, "dpd_timeout"), "6s");
	assert_string_equal(s_at(json_object_get(json_object_get(c, "children"), "v/a"), "start_action"), "trap");
	/* not opened: a placeholder */
	assert_string_equal(s_at(json_object_get(p.shared, "psk-hq"), "data"), "<checked>");
	jdm_ipsecnm_plan_free(&p);
	assert_int_equal(jdm_ipsecnm_plan(t, true, false, &p, &fs), 0);
	c = json_object_get(json_object_get(p.conns, "hq"), "hq");
	assert_string_equal(s_at(json_object_get(json_object_get(c, "children"), "v/a"), "start_action"), "start");
	assert_non_null(p.tun[0].note);
	jdm_ipsecnm_plan_free(&p);
	cfg_findings_free(&fs);
	cfg_tree_free(t);
	/* a remote selector that holds the peer itself gets no guard (IKE goes
	   there in clear) */
	t = tree(BASE "set security ipsec-nm ipsec vpn v traffic-selector b remote-ip 203.0.113.0/24\n");
	assert_int_equal(jdm_ipsecnm_plan(t, true, false, &p, &fs), 0);
	assert_int_equal(p.n_routes, 2);
	assert_string_equal(p.routes[1].dst, "192.0.2.0/24");
	jdm_ipsecnm_plan_free(&p);
	cfg_tree_free(t);
	/* nothing configured: enabled, nothing to load */
	t = tree("set system host-name x\n");
	assert_int_equal(jdm_ipsecnm_plan(t, true, true, &p, &fs), 0);
	assert_int_equal(json_object_size(p.conns), 0);
	assert_false(p.disabled);
	jdm_ipsecnm_plan_free(&p);
	cfg_tree_free(t);
	t = tree("set security ipsec-nm disable\n");
	assert_int_equal(jdm_ipsecnm_plan(t, true, true, &p, &fs), 0);
	assert_true(p.disabled);
	jdm_ipsecnm_plan_free(&p);
	cfg_tree_free(t);
}

/* The rendered findings of checking SET. */
static char *check(const char *set)
{
	struct cfg_tree *t = tree(set);
	struct jdm_ipsecnm_plan p;
	struct cfg_findings fs = {0};
	jdm_ipsecnm_plan(t, true, false, &p, &fs);
	jdm_ipsecnm_plan_free(&p);
	struct cfg_buf b = {0};
	cfg_findings_render(&b, &fs);
	cfg_findings_free(&fs);
	cfg_tree_free(t);
	return b.p ? b.p : strdup("");
}

static void errors_with_paths(void **state)
{
	(void)state;
	char *r = check(BASE "delete security ipsec-nm ike gateway hq address\n");
	assert_non_null(strstr(r, "[edit security ipsec-nm ike gateway hq]"));
	assert_non_null(strstr(r, "the gateway needs the peer's address"));
	free(r);
	r = check(BASE "delete security ipsec-nm ike policy pol pre-shared-key\n");
	assert_non_null(strstr(r, "[edit security ipsec-nm ike policy pol]"));
	assert_non_null(strstr(r, "needs a pre-shared-key"));
	free(r);
	r = check(BASE "delete security ipsec-nm interfaces heth2 address\n");
	assert_non_null(strstr(r, "[edit security ipsec-nm interfaces heth2]"));
	assert_non_null(strstr(r, "heth2 needs an address"));
	free(r);
	r = check(BASE "set security ipsec-nm interfaces heth2 vlan mgmt\n");
	assert_non_null(strstr(r, "same VLAN (mgmt)"));
	free(r);
	r = check(BASE "set security ipsec-nm interfaces heth1 address 198.51.100.0/26\n");
	assert_non_null(strstr(r, "network's network address"));
	free(r);
	r = check(BASE "set security ipsec-nm routing-options static route 10.0.0.0/8 next-hop 192.168.1.1\n");
	assert_non_null(strstr(r, "[edit security ipsec-nm routing-options static route 10.0.0.0/8]"));
	assert_non_null(strstr(r, "not on the network of heth1 or heth2"));
	free(r);
	r = check(BASE "delete security ipsec-nm ipsec vpn v traffic-selector\n");
	assert_non_null(strstr(r, "[edit security ipsec-nm ipsec vpn v]"));
	assert_non_null(strstr(r, "needs a traffic-selector"));
	free(r);
	r = check(BASE "delete security ipsec-nm ipsec vpn v traffic-selector b remote-ip\n");
	assert_non_null(strstr(r, "[edit security ipsec-nm ipsec vpn v traffic-selector b]"));
	free(r);
	r = check(BASE "delete security ipsec-nm ipsec vpn v ike gateway\n");
	assert_non_null(strstr(r, "needs an ike gateway"));
	free(r);
	r = check(BASE "set security ipsec-nm ike proposal p1 authentication-method rsa-signatures\n");
	assert_non_null(strstr(r, "[edit security ipsec-nm ike proposal p1]"));
	assert_non_null(strstr(r, "rsa-signatures is not supported"));
	free(r);
	r = check(BASE "set security ipsec-nm ipsec proposal e1 protocol ah\n");
	assert_non_null(strstr(r, "protocol ah is not supported"));
	free(r);
	r = check(BASE "set security ipsec-nm ike policy pol mode aggressive\n");
	assert_non_null(strstr(r, "aggressive is IKEv1 only"));
	free(r);
	r = check(BASE "set security ipsec-nm ike gateway hq version v1-only\n"
	               "set security ipsec-nm ike proposal p1 encryption-algorithm aes-256-gcm\n");
	assert_non_null(strstr(r, "needs IKEv2"));
	free(r);
	r = check(BASE "set security ipsec-nm ike gateway hq2 address 203.0.113.1\n");
	assert_non_null(strstr(r, "the same address"));
	free(r);
	r = check(BASE "delete security ipsec-nm interfaces heth2\n"
	               "delete security ipsec-nm routing-options\n"
	               "set security ipsec-nm ike gateway hq external-interface heth2\n");
	assert_non_null(strstr(r, "heth2 has no address"));
	free(r);
	/* a key that is not sealed with this box's key */
	r = check(BASE "set security ipsec-nm ike policy pol pre-shared-key ascii-text "
	               "\"$nfx-psk$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"\n");
	assert_non_null(strstr(r, "[edit security ipsec-nm ike policy pol pre-shared-key]"));
	assert_non_null(strstr(r, "cannot be decrypted"));
	free(r);
	r = check(BASE);
	assert_string_equal(r, "");
	free(r);
}

static void psk_sealed(void **state)
{
	(void)state;
	char *a = NULL, *b = NULL, *c = NULL, *plain = NULL;
	assert_int_equal(jdm_ipsecnm_psk_seal("k3y that is secret", &a), 0);
	assert_non_null(strstr(a, JDM_IPSECNM_PSK_TAG));
	assert_null(strstr(a, "k3y"));
	assert_int_equal(jdm_ipsecnm_psk_seal("k3y that is secret", &b), 0);
	assert_string_equal(a, b); /* the same key: the same text (no spurious change) */
	assert_int_equal(jdm_ipsecnm_psk_seal(a, &c), 0);
	assert_string_equal(a, c); /* already sealed: kept */
	assert_int_equal(jdm_ipsecnm_psk_open(a, &plain), 0);
	assert_string_equal(plain, "k3y that is secret");
	free(plain);
	free(b);
	assert_int_equal(jdm_ipsecnm_psk_seal("another", &b), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(jdm_ipsecnm_psk_open("plain", &plain), -1);
	a[strlen(JDM_IPSECNM_PSK_TAG) + 20] ^= 1; /* tampered */
	assert_int_equal(jdm_ipsecnm_psk_open(a, &plain), -1);
	assert_int_equal(jdm_ipsecnm_psk_seal("", &plain), -1);
	free(a);
	free(b);
	free(c);
	/* the store holds the sealed text: the box key file is 0600 */
	char kp[64];
	snprintf(kp, sizeof kp, "%s/ipsec-nm.key", dir);
	struct stat st;
	assert_int_equal(stat(kp, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* set through the schema: the tree never holds the key */
	struct cfg_tree *t = tree("set security ipsec-nm ike policy pol pre-shared-key ascii-text plainkey1\n");
	const char *v = cfg_tree_value(t, NULL, "security ipsec-nm ike policy pol pre-shared-key ascii-text", 0);
	assert_non_null(v);
	assert_null(strstr(v, "plainkey1"));
	assert_int_equal(strncmp(v, JDM_IPSECNM_PSK_TAG, strlen(JDM_IPSECNM_PSK_TAG)), 0);
	cfg_tree_free(t);
}

static const char *SAS =
	"[{\"hq\": {\"uniqueid\": \"3\", \"version\": \"2\", \"state\": \"ESTABLISHED\","
	" \"local-host\": \"203.0.113.2\", \"local-port\": \"4500\", \"local-id\": \"203.0.113.2\","
	" \"remote-host\": \"203.0.113.1\", \"remote-port\": \"4500\", \"remote-id\": \"203.0.113.1\","
	" \"initiator\": \"yes\", \"initiator-spi\": \"3a3fff147debd03a\", \"responder-spi\": \"01aec86726ab4ab8\","
	" \"encr-alg\": \"AES_CBC\", \"encr-keysize\": \"256\", \"integ-alg\": \"HMAC_SHA2_256_128\","
	" \"prf-alg\": \"PRF_HMAC_SHA2_256\", \"dh-group\": \"MODP_2048\", \"established\": \"14\","
	" \"rekey-time\": \"13800\", \"child-sas\": {\"v/a-1\": {\"name\": \"v/a\", \"uniqueid\": \"1\","
	" \"state\": \"INSTALLED\", \"mode\": \"TUNNEL\", \"protocol\": \"ESP\", \"encap\": \"yes\","
	" \"spi-in\": \"8c95a9d4\", \"spi-out\": \"b38baf23\", \"encr-alg\": \"AES_GCM_16\","
	" \"encr-keysize\": \"256\", \"bytes-in\": \"84\", \"packets-in\": \"1\", \"bytes-out\": \"168\","
	" \"packets-out\": \"2\", \"rekey-time\": \"3364\", \"life-time\": \"3946\","
	" \"local-ts\": [\"198.51.100.0/26\"], \"remote-ts\": [\"192.0.2.0/24\"]}}}},"
	" {\"hq2\": {\"uniqueid\": \"4\", \"version\": \"2\", \"state\": \"CONNECTING\","
	" \"remote-host\": \"198.51.100.9\", \"initiator-spi\": \"aa\", \"responder-spi\": \"0000000000000000\","
	" \"child-sas\": {}}}]";

static struct cfg_reply_vocab *vocab(void)
{
	struct cfg_reply_vocab *v = cfg_reply_vocab_load(cfg_schema_ops_jdm, cfg_schema_ops_jdm_len, "ops-jdm.xml");
	assert_non_null(v);
	return v;
}

static void show_replies(void **state)
{
	(void)state;
	json_error_t je;
	json_t *sas = json_loads(SAS, 0, &je);
	assert_non_null(sas);
	struct cfg_reply_vocab *v = vocab();
	struct jdm_ipsecnm_status st = {"running", "userspace", "userspace (kernel-libipsec, UDP 4500)", 42, 1};
	struct jdm_ipsecnm_tstate ts[2] = {
		{"v", "a", "hq", "203.0.113.1", NULL, true, NULL, 1},
		{"v", "b", "hq", "203.0.113.1", NULL, false, "AUTHENTICATION_FAILED (x)", 1},
	};
	/* ike */
	struct cfg_reply *r = cfg_reply_new("ike-security-associations-information");
	jdm_ipsecnm_show_status(cfg_reply_root(r), &st, ts, 2);
	jdm_ipsecnm_show_ike(cfg_reply_root(r), sas);
	assert_int_equal(cfg_reply_check(v, r), 0);
	struct cfg_buf b = {0};
	bool detail = false;
	jdm_ipsecnm_ike_text(&b, r, &detail);
	assert_non_null(strstr(b.p, "ESP: userspace (kernel-libipsec, UDP 4500)\n"));
	assert_non_null(strstr(b.p, "Index   State  Initiator cookie  Responder cookie  Mode           Remote Address\n"));
	assert_non_null(strstr(b.p, "3       UP     3a3fff147debd03a  01aec86726ab4ab8  IKEv2          203.0.113.1\n"));
	assert_non_null(strstr(b.p, "4       DOWN   aa"));
	assert_non_null(strstr(b.p, "VPN v/b (gateway hq, 203.0.113.1): down: AUTHENTICATION_FAILED (x)\n"));
	assert_null(strstr(b.p, "VPN v/a"));
	cfg_buf_free(&b);
	cfg_reply_free(r);
	/* ipsec */
	r = cfg_reply_new("ipsec-security-associations-information");
	jdm_ipsecnm_show_status(cfg_reply_root(r), &st, ts, 2);
	jdm_ipsecnm_show_ipsec(cfg_reply_root(r), sas);
	assert_int_equal(cfg_reply_check(v, r), 0);
	assert_string_equal(cfg_rel_value(cfg_reply_root(r), "total-active-tunnels"), "1");
	jdm_ipsecnm_ipsec_text(&b, r, &detail);
	assert_non_null(strstr(b.p, "  Total active tunnels: 1"));
	assert_non_null(strstr(b.p, "  <1     ESP:aes-gcm-256/none 8c95a9d4 3946/ unlim - root 4500 203.0.113.1\n"));
	assert_non_null(strstr(b.p, "  >1     ESP:aes-gcm-256/none b38baf23 3946/ unlim - root 4500 203.0.113.1\n"));
	cfg_buf_free(&b);
	detail = true;
	jdm_ipsecnm_ipsec_text(&b, r, &detail);
	assert_non_null(strstr(b.p, "VPN Name: v\n"));
	assert_non_null(strstr(b.p, "Direction: outbound, SPI: b38baf23"));
	assert_non_null(strstr(b.p, "    Bytes: 168, Packets: 2\n"));
	cfg_buf_free(&b);
	cfg_reply_free(r);
	/* statistics */
	r = cfg_reply_new("usp-ipsec-total-statistics-information");
	jdm_ipsecnm_show_status(cfg_reply_root(r), &st, NULL, 0);
	jdm_ipsecnm_show_stats(cfg_reply_root(r), sas);
	assert_int_equal(cfg_reply_check(v, r), 0);
	assert_string_equal(cfg_rel_value(cfg_rel_child(cfg_reply_root(r), "esp-statistics"), "esp-encrypted-bytes"), "168");
	cfg_reply_free(r);
	/* tracking */
	assert_true(jdm_ipsecnm_child_up(sas, "v/a"));
	assert_false(jdm_ipsecnm_child_up(sas, "v/b"));
	assert_true(jdm_ipsecnm_ike_present(sas, "hq2"));
	assert_false(jdm_ipsecnm_ike_present(sas, "hq3"));
	char id[16];
	assert_string_equal(jdm_ipsecnm_ike_state(sas, "hq2", id, sizeof id), "CONNECTING");
	assert_string_equal(id, "4");
	/* not running: it says so */
	struct jdm_ipsecnm_status off = {"config-only", NULL, NULL, 0, 0};
	r = cfg_reply_new("ike-security-associations-information");
	jdm_ipsecnm_show_status(cfg_reply_root(r), &off, NULL, 0);
	assert_int_equal(cfg_reply_check(v, r), 0);
	jdm_ipsecnm_ike_text(&b, r, NULL);
	assert_string_equal(b.p, "ipsec-nm: not running (this JDM keeps the configuration only)\nTotal active IKE SAs: 0\n");
	cfg_buf_free(&b);
	cfg_reply_free(r);
	cfg_reply_vocab_free(v);
	json_decref(sas);
}

static void failure_reasons(void **state)
{
	(void)state;
	char b[256];
	json_t *log = json_loads("[{\"msg\": \"authentication of '203.0.113.2' (myself) with pre-shared key\"},"
	                         " {\"msg\": \"received AUTHENTICATION_FAILED notify error\"},"
	                         " {\"msg\": \"establishing connection 'hq' failed\"}]", 0, NULL);
	jdm_ipsecnm_failure_reason(log, "establishing CHILD_SA 'v/a' failed", b, sizeof b);
	assert_int_equal(strncmp(b, "AUTHENTICATION_FAILED (", 23), 0);
	json_decref(log);
	log = json_loads("[{\"msg\": \"received NO_PROPOSAL_CHOSEN notify error\"}]", 0, NULL);
	jdm_ipsecnm_failure_reason(log, NULL, b, sizeof b);
	assert_string_equal(b, "NO_PROPOSAL_CHOSEN (notify from the peer)");
	json_decref(log);
	log = json_loads("[{\"msg\": \"giving up after 5 retransmits\"}]", 0, NULL);
	jdm_ipsecnm_failure_reason(log, NULL, b, sizeof b);
	assert_string_equal(b, "peer not responding (giving up after 5 retransmits)");
	json_decref(log);
	jdm_ipsecnm_failure_reason(NULL, "timeout", b, sizeof b);
	assert_string_equal(b, "timeout");
	/* DPD: retransmits of an established SA's requests (message ID > 1) */
	char ike[32], id[16];
	log = json_loads("{\"ikesa-name\": \"hq\", \"ikesa-uniqueid\": \"7\","
	                 " \"msg\": \"retransmit 3 of request with message ID 5\"}", 0, NULL);
	assert_int_equal(jdm_ipsecnm_retransmit(log, ike, sizeof ike, id, sizeof id), 3);
	assert_string_equal(ike, "hq");
	assert_string_equal(id, "7");
	json_decref(log);
	log = json_loads("{\"ikesa-name\": \"hq\", \"ikesa-uniqueid\": \"7\","
	                 " \"msg\": \"retransmit 2 of request with message ID 0\"}", 0, NULL);
	assert_int_equal(jdm_ipsecnm_retransmit(log, ike, sizeof ike, id, sizeof id), 0); /* IKE_SA_INIT */
	json_decref(log);
}

int main(void)
{
	schema = test_schema_jdm();
	if (!mkdtemp(dir))
		return 1;
	if (jdm_ipsecnm_psk_init(dir) < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(proposals),          cmocka_unit_test(translation),
		cmocka_unit_test(errors_with_paths),  cmocka_unit_test(psk_sealed),
		cmocka_unit_test(show_replies),       cmocka_unit_test(failure_reasons),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char kp[64];
	snprintf(kp, sizeof kp, "%s/ipsec-nm.key", dir);
	unlink(kp);
	rmdir(dir);
	cfg_schema_free(schema);
	return rc;
}
