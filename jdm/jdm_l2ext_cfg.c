/* jdm_l2ext_cfg — the layer-2 extension's configuration; see
 * jdm_l2ext_cfg.h. */
#include "jdm_l2ext_cfg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_err.h"
#include "jdm_hostif.h"
#include "jdm_hostif_nl.h"
#include "jdm_ipsecnm_psk.h"

#define A CFG_AT_ACTIVE

static struct cfg_node *child(const struct cfg_node *n, const char *name)
{
	return n ? cfg_node_child(n, name, NULL, A) : NULL;
}

static const char *leaf(const struct cfg_node *n, const char *name)
{
	return n ? cfg_node_value(n, name, A) : NULL;
}

static unsigned uval(const char *s, unsigned dflt)
{
	return s ? (unsigned)strtoul(s, NULL, 10) : dflt;
}

static void build_site(const struct cfg_node *n, struct jdm_l2ext_site *s)
{
	memset(s, 0, sizeof *s);
	s->name = n->value;
	s->node = n;
	s->address = leaf(n, "address");
	s->local = leaf(n, "local-address");
	if (jdm_hostif_nl_addr(s->address, &s->addr_n) < 0)
		s->addr_n = 0;
	if (jdm_hostif_nl_addr(s->local, &s->local_n) < 0)
		s->local_n = 0;
	s->psk = leaf(child(n, "pre-shared-key"), "ascii-text");
	const struct cfg_node *ike = child(n, "ike"), *esp = child(n, "ipsec");
	s->ike_enc = leaf(ike, "encryption-algorithm");
	s->ike_auth = leaf(ike, "authentication-algorithm");
	s->ike_dh = leaf(ike, "dh-group");
	s->ike_life = uval(leaf(ike, "lifetime-seconds"), 28800);
	s->esp_enc = leaf(esp, "encryption-algorithm");
	s->esp_auth = leaf(esp, "authentication-algorithm");
	s->esp_pfs = leaf(esp, "perfect-forward-secrecy");
	s->esp_life = uval(leaf(esp, "lifetime-seconds"), 3600);
	s->dpd = uval(leaf(child(n, "dead-peer-detection"), "interval"), JDM_L2EXT_DPD_DEFAULT);
}

static int vlan_tag(const struct cfg_node *v)
{
	const char *id = leaf(v, "vlan-id");
	return id ? atoi(id) : 0;
}

void jdm_l2ext_build(const struct cfg_tree *t, struct jdm_l2ext_cfg *c)
{
	memset(c, 0, sizeof *c);
	c->l2 = cfg_tree_at(t, NULL, "host-os l2-extension", A);
	const char *m = leaf(c->l2, "mtu");
	c->mtu_conf = m ? atoi(m) : 0;
	for (struct cfg_node *s = child(c->l2, "site"); s && c->nsites < JDM_L2EXT_SITES_MAX;
	     s = cfg_node_next_same(s, A))
		if (s->value)
			build_site(s, &c->sites[c->nsites++]);
	struct cfg_node *vl = cfg_tree_at(t, NULL, "host-os vlans", A);
	for (struct cfg_node *v = child(vl, "vlan"); v && c->nvnis < JDM_L2EXT_VNIS_MAX;
	     v = cfg_node_next_same(v, A)) {
		struct cfg_node *x = child(v, "vxlan");
		const char *vni = leaf(x, "vni");
		if (!x || !vni || !v->value)
			continue;
		struct jdm_l2ext_vni *e = &c->vnis[c->nvnis++];
		memset(e, 0, sizeof *e);
		e->vlan = v->value;
		e->tag = vlan_tag(v);
		e->vni = (uint32_t)strtoul(vni, NULL, 10);
		e->node = x;
		e->vlan_node = v;
		for (struct cfg_node *s = child(x, "sites"); s; s = cfg_node_next_same(s, A))
			for (size_t k = 0; s->value && k < c->nsites; k++)
				if (!strcmp(c->sites[k].name, s->value) && e->nsites < JDM_L2EXT_SITES_MAX) {
					e->sites[e->nsites++] = k;
					c->sites[k].used = true;
				}
	}
}

const struct jdm_l2ext_site *jdm_l2ext_site(const struct jdm_l2ext_cfg *c, const char *name)
{
	for (size_t i = 0; name && i < c->nsites; i++)
		if (!strcmp(c->sites[i].name, name))
			return &c->sites[i];
	return NULL;
}

bool jdm_l2ext_active(const struct jdm_l2ext_cfg *c)
{
	for (size_t i = 0; i < c->nsites; i++)
		if (c->sites[i].used)
			return true;
	return false;
}

/* ------------------------------------------------------------ MTU */

static bool is_gcm(const char *enc)
{
	return enc && strstr(enc, "gcm");
}

int jdm_l2ext_esp_overhead(const struct jdm_l2ext_site *s)
{
	const char *enc = s && s->esp_enc ? s->esp_enc : "aes-256-cbc";
	const char *auth = s && s->esp_auth ? s->esp_auth : "hmac-sha-256-128";
	int outer = 20 + 8 + 8 + 2; /* IPv4, UDP (NAT-T), ESP header, pad length + next header */
	if (is_gcm(enc))
		return outer + 8 + 3 + 16;          /* IV, padding to 4, ICV */
	int icv = strcmp(auth, "hmac-sha1-96") ? 16 : 12;
	return outer + 16 + 15 + icv;           /* IV, padding to a 16-byte block, ICV */
}

int jdm_l2ext_mtu(const struct jdm_l2ext_cfg *c, enum jdm_charon_esp esp)
{
	if (c->mtu_conf)
		return c->mtu_conf;
	return esp == JDM_CHARON_ESP_LIBIPSEC ? JDM_L2EXT_TUN_MTU - JDM_L2EXT_VXLAN_OVERHEAD
	                                      : JDM_L2EXT_MTU_DEFAULT;
}

int jdm_l2ext_mtu_max(int wan_mtu, enum jdm_charon_esp esp)
{
	int m = wan_mtu - JDM_L2EXT_VXLAN_OVERHEAD;
	if (esp == JDM_CHARON_ESP_LIBIPSEC && m > JDM_L2EXT_TUN_MTU - JDM_L2EXT_VXLAN_OVERHEAD)
		m = JDM_L2EXT_TUN_MTU - JDM_L2EXT_VXLAN_OVERHEAD;
	return m;
}

/* ------------------------------------------------------------ check */

void jdm_l2ext_validate_tree(const struct cfg_tree *t, enum jdm_charon_esp esp,
                             struct cfg_findings *fs)
{
	struct jdm_l2ext_cfg c;
	jdm_l2ext_build(t, &c);
	struct jdm_hostif_cfg h;
	jdm_hostif_build(t, &h);
	for (size_t i = 0; i < c.nsites; i++) {
		const struct jdm_l2ext_site *s = &c.sites[i];
		if (s->address && !s->addr_n)
			cfg_findings_add(fs, s->node, "'address'", "%s is not an IPv4 address", s->address);
		if (s->addr_n && jdm_hostif_by_addr(&h, s->addr_n))
			cfg_findings_add(fs, s->node, "'address'",
			                 "%s is an address of this host, not of a remote site", s->address);
		for (size_t k = 0; k < i; k++)
			if (s->addr_n && c.sites[k].addr_n == s->addr_n)
				cfg_findings_add(fs, s->node, "'address'",
				                 "address %s is already the address of site %s", s->address,
				                 c.sites[k].name);
		if (s->local_n && !jdm_hostif_by_addr(&h, s->local_n))
			cfg_findings_add(fs, s->node, "'local-address'",
			                 "local-address %s is the address of no host-os interface "
			                 "(host-os interfaces NAME address)", s->local);
		char *key = NULL;
		if (!s->psk)
			cfg_findings_add(fs, s->node, "'pre-shared-key'",
			                 "site %s needs a pre-shared key (pre-shared-key ascii-text)", s->name);
		else if (jdm_ipsecnm_psk_open(s->psk, &key) < 0)
			cfg_findings_add(fs, s->node, "'pre-shared-key'", "%s", cfg_err_msg());
		if (key) {
			explicit_bzero(key, strlen(key));
			free(key);
		}
		bool gcm_ike = is_gcm(s->ike_enc);
		if (gcm_ike && s->ike_auth && !strcmp(s->ike_auth, "sha1"))
			cfg_findings_warn(fs, s->node, NULL, "IKE with GCM uses sha1 as PRF only");
	}
	int max_mtu = 0;  /* the smallest WAN limit of an extended VLAN */
	int wan_min = 0;
	for (size_t v = 0; v < c.nvnis; v++) {
		const struct jdm_l2ext_vni *e = &c.vnis[v];
		for (size_t k = 0; k < v; k++)
			if (c.vnis[k].vni == e->vni)
				cfg_findings_add(fs, e->node, "'vni'",
				                 "VNI %u is already the VNI of VLAN %s", e->vni, c.vnis[k].vlan);
		if (!e->nsites && !child(e->node, "sites"))
			cfg_findings_add(fs, e->node, "'sites'",
			                 "VLAN %s is extended to no site (vxlan sites NAME)", e->vlan);
		const struct jdm_l2ext_site *first = e->nsites ? &c.sites[e->sites[0]] : NULL;
		for (size_t k = 1; k < e->nsites; k++) {
			const struct jdm_l2ext_site *s = &c.sites[e->sites[k]];
			if (first->local_n != s->local_n)
				cfg_findings_add(fs, e->node, "'sites'",
				                 "sites %s and %s of VNI %u have different local addresses "
				                 "(%s, %s): one VXLAN device has one source address",
				                 first->name, s->name, e->vni, first->local ? first->local : "-",
				                 s->local ? s->local : "-");
		}
		const struct jdm_hostif_if *wan = first ? jdm_hostif_by_addr(&h, first->local_n) : NULL;
		if (!wan)
			continue;
		if (wan->vlan && !strcmp(wan->vlan, e->vlan))
			cfg_findings_add(fs, e->node, NULL,
			                 "VLAN %s carries the tunnel itself (host-os interface %s): it "
			                 "cannot be extended", e->vlan, wan->name);
		int m = jdm_l2ext_mtu_max(wan->mtu, esp);
		if (!max_mtu || m < max_mtu)
			max_mtu = m;
		if (!wan_min || wan->mtu < wan_min)
			wan_min = wan->mtu;
	}
	if (!max_mtu)
		return;
	int mtu = jdm_l2ext_mtu(&c, esp);
	if (mtu > max_mtu) {
		const struct cfg_node *at = c.l2 ? c.l2 : cfg_tree_at(t, NULL, "host-os", A);
		if (esp == JDM_CHARON_ESP_LIBIPSEC && max_mtu == JDM_L2EXT_TUN_MTU - JDM_L2EXT_VXLAN_OVERHEAD)
			cfg_findings_add(fs, at, "'mtu'",
			                 "inner MTU %d cannot carry the overhead: with userspace ESP "
			                 "(kernel-libipsec) a VXLAN packet (inner + %d) must fit its %d-byte "
			                 "TUN device: at most %d", mtu, JDM_L2EXT_VXLAN_OVERHEAD,
			                 JDM_L2EXT_TUN_MTU, max_mtu);
		else
			cfg_findings_add(fs, at, "'mtu'",
			                 "inner MTU %d cannot carry the overhead: the WAN interface's MTU is "
			                 "%d, VXLAN adds %d: at most %d", mtu, wan_min,
			                 JDM_L2EXT_VXLAN_OVERHEAD, max_mtu);
		return;
	}
	/* the ESP packet of a full-size frame on the WAN */
	int esp_ov = 0;
	for (size_t i = 0; i < c.nsites; i++)
		if (c.sites[i].used && jdm_l2ext_esp_overhead(&c.sites[i]) > esp_ov)
			esp_ov = jdm_l2ext_esp_overhead(&c.sites[i]);
	int pkt = mtu + JDM_L2EXT_VXLAN_OVERHEAD + esp_ov;
	/* (before charon ran, the default MTU is not known yet: no warning for it) */
	if (pkt > wan_min && c.l2 && (c.mtu_conf || esp != JDM_CHARON_ESP_UNKNOWN))
		cfg_findings_warn(fs, c.l2, "'mtu'",
		                  "ESP packets of full-size frames (%d bytes: inner MTU %d + VXLAN %d + "
		                  "ESP %d) exceed the WAN interface MTU %d: they are fragmented on the "
		                  "WAN", pkt, mtu, JDM_L2EXT_VXLAN_OVERHEAD, esp_ov, wan_min);
}

/* ------------------------------------------------------------ VICI */

static const char *enc_name(const char *e)
{
	if (!e || !strcmp(e, "aes-256-cbc"))
		return "aes256";
	if (!strcmp(e, "aes-128-cbc"))
		return "aes128";
	if (!strcmp(e, "aes-128-gcm"))
		return "aes128gcm16";
	if (!strcmp(e, "aes-256-gcm"))
		return "aes256gcm16";
	return "aes256";
}

static const char *dh_name(const char *g)
{
	if (!g || !strcmp(g, "group14"))
		return "modp2048";
	if (!strcmp(g, "group15"))
		return "modp3072";
	if (!strcmp(g, "group19"))
		return "ecp256";
	if (!strcmp(g, "group20"))
		return "ecp384";
	return "modp2048";
}

static const char *ike_auth_name(const char *a)
{
	if (!a || !strcmp(a, "sha-256"))
		return "sha256";
	if (!strcmp(a, "sha1"))
		return "sha1";
	return "sha384";
}

void jdm_l2ext_proposals(const struct jdm_l2ext_site *s, char *ike, size_t nike, char *esp,
                         size_t nesp)
{
	const char *ia = ike_auth_name(s->ike_auth);
	if (is_gcm(s->ike_enc))
		snprintf(ike, nike, "%s-prf%s-%s", enc_name(s->ike_enc), ia, dh_name(s->ike_dh));
	else
		snprintf(ike, nike, "%s-%s-%s", enc_name(s->ike_enc), ia, dh_name(s->ike_dh));
	char pfs[16] = "";
	if (s->esp_pfs)
		snprintf(pfs, sizeof pfs, "-%s", dh_name(s->esp_pfs));
	if (is_gcm(s->esp_enc))
		snprintf(esp, nesp, "%s%s", enc_name(s->esp_enc), pfs);
	else
		snprintf(esp, nesp, "%s-%s%s", enc_name(s->esp_enc),
		         s->esp_auth && !strcmp(s->esp_auth, "hmac-sha1-96") ? "sha1" : "sha256", pfs);
}

json_t *jdm_l2ext_conn_msg(const struct jdm_l2ext_site *s, bool encap)
{
	char ike[64], esp[64], lts[64], rts[64], dpd[16], rekey[16], life[16];
	jdm_l2ext_proposals(s, ike, sizeof ike, esp, sizeof esp);
	snprintf(lts, sizeof lts, "%s/32[udp/%d]", s->local ? s->local : "0.0.0.0", JDM_L2EXT_PORT);
	snprintf(rts, sizeof rts, "%s/32[udp/%d]", s->address ? s->address : "0.0.0.0", JDM_L2EXT_PORT);
	snprintf(dpd, sizeof dpd, "%us", s->dpd);
	/* rekey at 90% of the lifetime, the SA ends at the lifetime */
	snprintf(rekey, sizeof rekey, "%us", s->esp_life - s->esp_life / 10);
	snprintf(life, sizeof life, "%us", s->esp_life);
	char ikerekey[16];
	snprintf(ikerekey, sizeof ikerekey, "%us", s->ike_life - s->ike_life / 10);
	json_t *child = json_pack("{s:[s], s:[s], s:s, s:[s], s:s, s:s, s:s, s:s, s:s}",
	                          "local_ts", lts, "remote_ts", rts, "mode", "tunnel",
	                          "esp_proposals", esp, "start_action", "start", "dpd_action",
	                          "restart", "close_action", "start", "rekey_time", rekey,
	                          "life_time", life);
	json_t *children = json_object();
	json_object_set_new(children, s->name, child);
	json_t *conn = json_pack("{s:s, s:[s], s:[s], s:s, s:[s], s:s, s:s, s:s, s:s,"
	                         " s:{s:s, s:s}, s:{s:s, s:s}, s:o}",
	                         "version", "2", "local_addrs", s->local ? s->local : "",
	                         "remote_addrs", s->address ? s->address : "", "encap",
	                         encap ? "yes" : "no", "proposals", ike, "dpd_delay", dpd,
	                         "rekey_time", ikerekey, "over_time", "10m", "unique", "replace",
	                         "local", "auth", "psk", "id", s->local ? s->local : "",
	                         "remote", "auth", "psk", "id", s->address ? s->address : "",
	                         "children", children);
	json_t *msg = json_object();
	json_object_set_new(msg, s->name, conn);
	return msg;
}

json_t *jdm_l2ext_shared_msg(const struct jdm_l2ext_site *s)
{
	char *key = NULL;
	if (!s->psk || jdm_ipsecnm_psk_open(s->psk, &key) < 0)
		return NULL;
	char id[80];
	snprintf(id, sizeof id, "l2ext-%s", s->name);
	json_t *m = json_pack("{s:s, s:s, s:s, s:[s]}", "id", id, "type", "IKE", "data", key, "owners",
	                      s->address ? s->address : "");
	explicit_bzero(key, strlen(key));
	free(key);
	return m;
}
