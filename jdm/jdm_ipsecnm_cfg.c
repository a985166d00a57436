/* jdm_ipsecnm_cfg — `security ipsec-nm` checked and translated into VICI
 * messages. See jdm_ipsecnm_cfg.h. */
#include "jdm_ipsecnm_cfg.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_err.h"
#include "jdm_ipsecnm_psk.h"

#define A CFG_AT_ACTIVE

static const char *const heth[2] = {"heth1", "heth2"};

static char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");
	if (!d)
		abort();
	return d;
}

/* ------------------------------------------------------------ proposals */

static const char *ike_enc(const char *e, bool *aead)
{
	*aead = false;
	if (!e || !strcmp(e, "aes-256-cbc"))
		return "aes256";
	if (!strcmp(e, "aes-128-cbc"))
		return "aes128";
	if (!strcmp(e, "aes-192-cbc"))
		return "aes192";
	*aead = true;
	if (!strcmp(e, "aes-128-gcm"))
		return "aes128gcm16";
	return "aes256gcm16"; /* aes-256-gcm */
}

static const char *hash(const char *a)
{
	if (!a || !strcmp(a, "sha-256") || !strcmp(a, "hmac-sha-256-128"))
		return "sha256";
	if (!strcmp(a, "sha-384"))
		return "sha384";
	return "sha1"; /* sha1, hmac-sha1-96 */
}

static const char *dh(const char *g)
{
	static const char *const m[][2] = {{"group1", "modp768"}, {"group2", "modp1024"},
	                                   {"group5", "modp1536"}, {"group14", "modp2048"},
	                                   {"group19", "ecp256"},  {"group20", "ecp384"}};
	if (!g)
		return "modp2048";
	for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
		if (!strcmp(g, m[i][0]))
			return m[i][1];
	return "modp2048";
}

void jdm_ipsecnm_ike_proposal(const char *enc, const char *auth, const char *group, char *buf,
                              size_t n)
{
	bool aead;
	const char *e = ike_enc(enc, &aead);
	/* an AEAD cipher has no integrity algorithm: the hash is the PRF */
	snprintf(buf, n, "%s-%s%s-%s", e, aead ? "prf" : "", hash(auth), dh(group));
}

void jdm_ipsecnm_esp_proposal(const char *enc, const char *auth, const char *pfs, char *buf,
                              size_t n)
{
	bool aead;
	const char *e = ike_enc(enc, &aead);
	int w = aead ? snprintf(buf, n, "%s", e) : snprintf(buf, n, "%s-%s", e, hash(auth));
	if (pfs && w > 0 && (size_t)w < n)
		snprintf(buf + w, n - (size_t)w, "-%s", dh(pfs));
}

/* ------------------------------------------------------------ helpers */

static struct cfg_node *ipsecnm(const struct cfg_tree *t)
{
	return cfg_tree_at(t, NULL, JDM_IPSECNM_PATH, A);
}

/* A.B.C.D/N -> address and prefix length; false when not one. */
static bool parse_pfx(const char *s, struct in_addr *a, int *len)
{
	char b[32];
	snprintf(b, sizeof b, "%s", s ? s : "");
	char *sl = strchr(b, '/');
	if (!sl)
		return false;
	*sl = '\0';
	char *end;
	long l = strtol(sl + 1, &end, 10);
	if (*end || l < 0 || l > 32 || inet_pton(AF_INET, b, a) != 1)
		return false;
	*len = (int)l;
	return true;
}

static bool same_net(struct in_addr a, struct in_addr b, int len)
{
	uint32_t m = len ? htonl(~0u << (32 - len)) : 0;
	return (a.s_addr & m) == (b.s_addr & m);
}

/* The address part of "A.B.C.D/N" into BUF. */
static const char *addr_of(const char *pfx, char *buf, size_t n)
{
	snprintf(buf, n, "%.*s", (int)strcspn(pfx, "/"), pfx);
	return buf;
}

static json_t *strs1(const char *s)
{
	return json_pack("[s]", s);
}

static void add_tunnel(struct jdm_ipsecnm_plan *p, const char *vpn, const char *ts, const char *gw,
                       const char *remote, const char *remote_ts, const char *note)
{
	p->tun = realloc(p->tun, (p->n_tun + 1) * sizeof *p->tun);
	if (!p->tun)
		abort();
	struct jdm_ipsecnm_tunnel *t = &p->tun[p->n_tun++];
	size_t cl = strlen(vpn) + strlen(ts) + 2;
	t->child = malloc(cl);
	if (!t->child)
		abort();
	snprintf(t->child, cl, "%s/%s", vpn, ts);
	t->vpn = xstrdup(vpn);
	t->ts = xstrdup(ts);
	t->gateway = xstrdup(gw);
	t->remote = xstrdup(remote);
	t->remote_ts = xstrdup(remote_ts);
	t->note = note ? xstrdup(note) : NULL;
}

static const char *identity(const struct cfg_node *gw, const char *which, const char *dflt)
{
	struct cfg_node *id = cfg_node_child(gw, which, NULL, A);
	const char *v = cfg_node_value(id, "inet", A);
	if (!v)
		v = cfg_node_value(id, "hostname", A);
	return v ? v : dflt;
}

/* ------------------------------------------------------------ interfaces */

static void plan_ifs(const struct cfg_tree *t, struct cfg_node *nm, struct jdm_ipsecnm_plan *p,
                     struct cfg_findings *fs)
{
	struct cfg_node *ifs = cfg_node_child(nm, "interfaces", NULL, A);
	struct in_addr ia[2];
	int il[2];
	for (int i = 0; i < 2; i++) {
		struct cfg_node *n = cfg_node_child(ifs, "interface", heth[i], A);
		if (!n)
			continue;
		const char *vlan = cfg_node_value(n, "vlan", A);
		const char *addr = cfg_node_value(n, "address", A);
		if (!vlan)
			cfg_findings_add(fs, n, "'vlan'", "%s needs the host-os VLAN it is on", heth[i]);
		if (!addr)
			cfg_findings_add(fs, n, "'address'", "%s needs an address (A.B.C.D/N)", heth[i]);
		if (!vlan || !addr)
			continue;
		struct cfg_node *v = cfg_tree_atv(t, NULL, (const char *const[]){"host-os", "vlans", vlan, NULL}, A);
		const char *id = cfg_node_value(v, "vlan-id", A);
		if (!v || !id)
			continue; /* the schema's ref check says it */
		if (!parse_pfx(addr, &ia[i], &il[i]) || il[i] > 30) {
			cfg_findings_add(fs, n, "'address'", "%s: not a host address with a prefix of /30 or shorter",
			                 addr);
			continue;
		}
		uint32_t host = ntohl(ia[i].s_addr) & (il[i] ? ~(~0u << (32 - il[i])) : ~0u);
		uint32_t bcast = il[i] ? ~(~0u << (32 - il[i])) : ~0u;
		if (host == 0 || host == bcast) {
			cfg_findings_add(fs, n, "'address'", "%s is the network's %s address, not a host's", addr,
			                 host ? "broadcast" : "network");
			continue;
		}
		p->ifs[i].on = true;
		snprintf(p->ifs[i].vlan, sizeof p->ifs[i].vlan, "%s", vlan);
		p->ifs[i].vlan_id = atoi(id);
		snprintf(p->ifs[i].addr, sizeof p->ifs[i].addr, "%s", addr);
	}
	if (p->ifs[0].on && p->ifs[1].on) {
		if (!strcmp(p->ifs[0].vlan, p->ifs[1].vlan))
			cfg_findings_add(fs, ifs, NULL, "heth1 and heth2 are on the same VLAN (%s)", p->ifs[0].vlan);
		else if (same_net(ia[0], ia[1], il[0] < il[1] ? il[0] : il[1]))
			cfg_findings_add(fs, ifs, NULL, "heth1 and heth2 have addresses on the same network");
	}
	struct cfg_node *st = cfg_tree_at(t, nm, "routing-options static", A);
	for (struct cfg_node *r = cfg_node_child(st, "route", NULL, A); r; r = cfg_node_next_same(r, A)) {
		const char *nh = cfg_node_value(r, "next-hop", A);
		struct in_addr d, h;
		int dl;
		if (!r->value || !nh || !parse_pfx(r->value, &d, &dl) || inet_pton(AF_INET, nh, &h) != 1)
			continue;
		bool on = false;
		for (int i = 0; i < 2; i++)
			if (p->ifs[i].on && same_net(h, ia[i], il[i]))
				on = true;
		if (!on) {
			cfg_findings_add(fs, r, "'next-hop'", "next-hop %s is not on the network of heth1 or heth2", nh);
			continue;
		}
		p->routes = realloc(p->routes, (p->n_routes + 1) * sizeof *p->routes);
		if (!p->routes)
			abort();
		struct jdm_ipsecnm_route *rt = &p->routes[p->n_routes++];
		snprintf(rt->dst, sizeof rt->dst, "%s", r->value);
		snprintf(rt->via, sizeof rt->via, "%s", nh);
	}
}

/* ------------------------------------------------------------ IKE */

/* The IKE proposals of policy POL as a JSON array, and the first one's
 * lifetime in *LIFE. */
static json_t *ike_props(struct cfg_node *ike, struct cfg_node *pol, bool v1, unsigned *life,
                         struct cfg_findings *fs)
{
	json_t *a = json_array();
	*life = 0;
	for (struct cfg_node *pr = cfg_node_child(pol, "proposals", NULL, A); pr;
	     pr = cfg_node_next_same(pr, A)) {
		struct cfg_node *p = cfg_node_child(ike, "proposal", pr->value, A);
		if (!p)
			continue; /* the schema's ref check */
		const char *m = cfg_node_value(p, "authentication-method", A);
		if (m && !strcmp(m, "rsa-signatures"))
			cfg_findings_add(fs, p, "'authentication-method'",
			                 "rsa-signatures is not supported by ipsec-nm (no certificates): use pre-shared-keys");
		const char *enc = cfg_node_value(p, "encryption-algorithm", A);
		if (v1 && enc && strstr(enc, "gcm"))
			cfg_findings_add(fs, p, "'encryption-algorithm'", "%s needs IKEv2 (version v2-only)", enc);
		char b[96];
		jdm_ipsecnm_ike_proposal(enc, cfg_node_value(p, "authentication-algorithm", A),
		                         cfg_node_value(p, "dh-group", A), b, sizeof b);
		json_array_append_new(a, json_string(b));
		const char *l = cfg_node_value(p, "lifetime-seconds", A);
		if (l && !*life)
			*life = (unsigned)strtoul(l, NULL, 10);
	}
	if (!json_array_size(a))
		json_array_append_new(a, json_string("aes256-sha256-modp2048"));
	return a;
}

static json_t *esp_props(struct cfg_node *ipsec, struct cfg_node *pol, unsigned *life,
                         struct cfg_findings *fs)
{
	json_t *a = json_array();
	*life = 0;
	const char *pfs = cfg_node_value(cfg_node_child(pol, "perfect-forward-secrecy", NULL, A), "keys", A);
	for (struct cfg_node *pr = cfg_node_child(pol, "proposals", NULL, A); pr;
	     pr = cfg_node_next_same(pr, A)) {
		struct cfg_node *p = cfg_node_child(ipsec, "proposal", pr->value, A);
		if (!p)
			continue;
		const char *proto = cfg_node_value(p, "protocol", A);
		if (proto && !strcmp(proto, "ah"))
			cfg_findings_add(fs, p, "'protocol'", "protocol ah is not supported by ipsec-nm: use esp");
		char b[96];
		jdm_ipsecnm_esp_proposal(cfg_node_value(p, "encryption-algorithm", A),
		                         cfg_node_value(p, "authentication-algorithm", A), pfs, b, sizeof b);
		json_array_append_new(a, json_string(b));
		const char *l = cfg_node_value(p, "lifetime-seconds", A);
		if (l && !*life)
			*life = (unsigned)strtoul(l, NULL, 10);
	}
	if (!json_array_size(a)) {
		char b[96];
		jdm_ipsecnm_esp_proposal(NULL, NULL, pfs, b, sizeof b);
		json_array_append_new(a, json_string(b));
	}
	return a;
}

static json_t *secs(unsigned s)
{
	char b[32];
	snprintf(b, sizeof b, "%us", s);
	return json_string(b);
}

/* The connection of gateway GW (used by a vpn) into P->conns, its key into
 * P->shared. false when GW cannot be used (findings said why). */
static bool plan_gateway(struct cfg_node *nm, struct cfg_node *gw, bool libipsec, bool open_keys,
                         struct jdm_ipsecnm_plan *p, struct cfg_findings *fs)
{
	struct cfg_node *ike = cfg_node_child(nm, "ike", NULL, A);
	const char *addr = cfg_node_value(gw, "address", A);
	const char *polname = cfg_node_value(gw, "ike-policy", A);
	bool ok = true;
	if (!addr) {
		cfg_findings_add(fs, gw, "'address'", "the gateway needs the peer's address");
		ok = false;
	}
	if (!polname) {
		cfg_findings_add(fs, gw, "'ike-policy'", "the gateway needs an ike-policy");
		ok = false;
	}
	struct cfg_node *pol = polname ? cfg_node_child(ike, "policy", polname, A) : NULL;
	if (!pol)
		return false; /* a missing policy: the schema's ref check */
	const char *ext = cfg_node_value(gw, "external-interface", A);
	int xi = ext && !strcmp(ext, "heth1") ? 0 : 1;
	char local[32] = "";
	if (p->ifs[xi].on)
		addr_of(p->ifs[xi].addr, local, sizeof local);
	else if (ext)
		cfg_findings_add(fs, gw, "'external-interface'", "%s has no address (security ipsec-nm interfaces %s)",
		                 ext, ext);
	const char *ver = cfg_node_value(gw, "version", A);
	bool v1 = ver && !strcmp(ver, "v1-only");
	const char *mode = cfg_node_value(pol, "mode", A);
	if (mode && !strcmp(mode, "aggressive") && !v1)
		cfg_findings_add(fs, pol, "'mode'", "mode aggressive is IKEv1 only (gateway %s is IKEv2)", gw->value);
	/* the key */
	const char *stored = cfg_node_value(cfg_node_child(pol, "pre-shared-key", NULL, A), "ascii-text", A);
	char *key = NULL;
	if (!stored) {
		cfg_findings_add(fs, pol, "'pre-shared-key'", "the policy needs a pre-shared-key (ascii-text)");
		ok = false;
	} else if (jdm_ipsecnm_psk_open(stored, &key) < 0) {
		cfg_findings_add(fs, cfg_node_child(pol, "pre-shared-key", NULL, A), "'ascii-text'", "%s",
		                 cfg_err_msg());
		ok = false;
	}
	unsigned life = 0;
	json_t *props = ike_props(ike, pol, v1, &life, fs);
	if (!addr) { /* everything else checked: nothing to load */
		json_decref(props);
		if (key) {
			explicit_bzero(key, strlen(key));
			free(key);
		}
		return false;
	}
	const char *lid = identity(gw, "local-identity", local[0] ? local : "%any");
	const char *rid = identity(gw, "remote-identity", addr);
	json_t *c = json_object();
	json_object_set_new(c, "version", json_string(v1 ? "1" : "2"));
	if (local[0])
		json_object_set_new(c, "local_addrs", strs1(local));
	json_object_set_new(c, "remote_addrs", strs1(addr));
	json_object_set_new(c, "proposals", props);
	if (v1 && mode && !strcmp(mode, "aggressive"))
		json_object_set_new(c, "aggressive", json_string("yes"));
	if (libipsec)
		json_object_set_new(c, "encap", json_string("yes"));
	struct cfg_node *dpd = cfg_node_child(gw, "dead-peer-detection", NULL, A);
	if (dpd) {
		const char *iv = cfg_node_value(dpd, "interval", A), *th = cfg_node_value(dpd, "threshold", A);
		unsigned i = iv ? (unsigned)atoi(iv) : 10, n = th ? (unsigned)atoi(th) : 5;
		json_object_set_new(c, "dpd_delay", secs(i));
		json_object_set_new(p->dpd, gw->value, json_integer(n));
		if (v1)
			json_object_set_new(c, "dpd_timeout", secs(i * n));
	}
	if (life) {
		json_object_set_new(c, "rekey_time", secs(life - life / 10));
		json_object_set_new(c, "over_time", secs(life / 10));
	}
	json_object_set_new(c, "keyingtries", json_string("0"));
	json_object_set_new(c, "local", json_pack("{s:s, s:s}", "auth", "psk", "id", lid));
	json_object_set_new(c, "remote", json_pack("{s:s, s:s}", "auth", "psk", "id", rid));
	json_object_set_new(c, "children", json_object());
	json_object_set_new(p->conns, gw->value, json_pack("{s:o}", gw->value, c));
	if (key) {
		char id[160];
		snprintf(id, sizeof id, "psk-%s", gw->value);
		json_t *owners = json_array();
		json_array_append_new(owners, json_string(lid));
		if (strcmp(lid, rid))
			json_array_append_new(owners, json_string(rid));
		json_object_set_new(p->shared, id,
		                    json_pack("{s:s, s:s, s:s, s:o}", "id", id, "type", "IKE", "data",
		                              open_keys ? key : "<checked>", "owners", owners));
		explicit_bzero(key, strlen(key));
		free(key);
	}
	return ok;
}

/* ------------------------------------------------------------ the plan */

int jdm_ipsecnm_plan(const struct cfg_tree *t, bool libipsec, bool open_keys,
                     struct jdm_ipsecnm_plan *p, struct cfg_findings *fs)
{
	memset(p, 0, sizeof *p);
	p->conns = json_object();
	p->shared = json_object();
	p->dpd = json_object();
	size_t errs0 = cfg_findings_errors(fs);
	struct cfg_node *nm = ipsecnm(t);
	if (!nm)
		return 0; /* enabled, unconfigured */
	p->disabled = cfg_node_child(nm, "disable", NULL, A) != NULL;
	plan_ifs(t, nm, p, fs);
	struct cfg_node *ike = cfg_node_child(nm, "ike", NULL, A);
	struct cfg_node *ipsec = cfg_node_child(nm, "ipsec", NULL, A);
	json_t *failed = json_object(); /* gateways that cannot be loaded */
	/* two gateways to the same peer: a responder picks one of them */
	for (struct cfg_node *g = cfg_node_child(ike, "gateway", NULL, A); g; g = cfg_node_next_same(g, A)) {
		const char *a = cfg_node_value(g, "address", A);
		for (struct cfg_node *h = cfg_node_next_same(g, A); a && h; h = cfg_node_next_same(h, A)) {
			const char *b = cfg_node_value(h, "address", A);
			if (b && !strcmp(a, b))
				cfg_findings_add(fs, h, "'address'", "gateways %s and %s have the same address %s", g->value,
				                 h->value, a);
		}
	}
	for (struct cfg_node *v = cfg_node_child(ipsec, "vpn", NULL, A); v; v = cfg_node_next_same(v, A)) {
		struct cfg_node *vi = cfg_node_child(v, "ike", NULL, A);
		const char *gname = cfg_node_value(vi, "gateway", A);
		if (!gname) {
			cfg_findings_add(fs, v, "'ike gateway'", "the vpn needs an ike gateway");
			continue;
		}
		struct cfg_node *gw = cfg_node_child(ike, "gateway", gname, A);
		if (!gw)
			continue; /* ref */
		if (!json_object_get(p->conns, gname) && !json_object_get(failed, gname) &&
		    !plan_gateway(nm, gw, libipsec, open_keys, p, fs))
			json_object_set_new(failed, gname, json_true());
		/* without a connection (its gateway failed) the vpn is still checked */
		json_t *conn = json_object_get(json_object_get(p->conns, gname), gname);
		json_t *scratch = conn ? NULL : json_pack("{s:{}}", "children");
		if (!conn)
			conn = scratch;
		const char *pname = cfg_node_value(vi, "ipsec-policy", A);
		struct cfg_node *pol = pname ? cfg_node_child(ipsec, "policy", pname, A) : NULL;
		if (pname && !pol)
			continue; /* ref */
		unsigned life = 0;
		json_t *esp = esp_props(ipsec, pol, &life, fs);
		const char *est = cfg_node_value(v, "establish-tunnels", A);
		bool trap = est && !strcmp(est, "on-traffic");
		const char *note = trap && libipsec
		                       ? "establish-tunnels on-traffic: initiated at start anyway (userspace ESP "
		                         "drops the packets of on-demand tunnels)"
		                       : NULL;
		size_t n_ts = 0;
		for (struct cfg_node *ts = cfg_node_child(v, "traffic-selector", NULL, A); ts;
		     ts = cfg_node_next_same(ts, A)) {
			const char *l = cfg_node_value(ts, "local-ip", A), *r = cfg_node_value(ts, "remote-ip", A);
			if (!l)
				cfg_findings_add(fs, ts, "'local-ip'", "the traffic selector needs local-ip");
			if (!r)
				cfg_findings_add(fs, ts, "'remote-ip'", "the traffic selector needs remote-ip");
			n_ts++;
			if (!l || !r)
				continue;
			json_t *ch = json_object();
			json_object_set_new(ch, "mode", json_string("tunnel"));
			json_object_set_new(ch, "local_ts", strs1(l));
			json_object_set_new(ch, "remote_ts", strs1(r));
			json_object_set_new(ch, "esp_proposals", json_deep_copy(esp));
			if (life) {
				json_object_set_new(ch, "life_time", secs(life));
				json_object_set_new(ch, "rekey_time", secs(life - life / 10));
			}
			json_object_set_new(ch, "start_action", json_string(trap && !libipsec ? "trap" : "start"));
			json_object_set_new(ch, "dpd_action", json_string("restart"));
			json_object_set_new(ch, "close_action", json_string("restart"));
			char cname[256];
			snprintf(cname, sizeof cname, "%s/%s", v->value, ts->value);
			json_object_set_new(json_object_get(conn, "children"), cname, ch);
			if (!scratch)
				add_tunnel(p, v->value, ts->value, gname, cfg_node_value(gw, "address", A), r, note);
		}
		json_decref(esp);
		json_decref(scratch);
		if (!n_ts)
			cfg_findings_add(fs, v, "'traffic-selector'",
			                 "the vpn needs a traffic-selector (local-ip and remote-ip)");
	}
	json_decref(failed);
	/* the guards: a remote selector is unreachable unless its SA is up
	   (not when it holds the peer itself: IKE goes there in clear) */
	for (size_t i = 0; i < p->n_tun; i++) {
		struct in_addr d, g;
		int dl;
		if (!parse_pfx(p->tun[i].remote_ts, &d, &dl) || inet_pton(AF_INET, p->tun[i].remote, &g) != 1 ||
		    same_net(d, g, dl))
			continue;
		bool dup = false;
		for (size_t k = 0; k < p->n_routes; k++)
			dup |= !p->routes[k].via[0] && !strcmp(p->routes[k].dst, p->tun[i].remote_ts);
		if (dup)
			continue;
		p->routes = realloc(p->routes, (p->n_routes + 1) * sizeof *p->routes);
		if (!p->routes)
			abort();
		snprintf(p->routes[p->n_routes].dst, sizeof p->routes[0].dst, "%s", p->tun[i].remote_ts);
		p->routes[p->n_routes++].via[0] = '\0';
	}
	/* a gateway whose vpns all failed has no child: not loaded */
	const char *k;
	json_t *val;
	void *tmp;
	json_object_foreach_safe(p->conns, tmp, k, val) {
		if (!json_object_size(json_object_get(json_object_get(val, k), "children")))
			json_object_del(p->conns, k);
	}
	return cfg_findings_errors(fs) > errs0 ? -1 : 0;
}

static void wipe_keys(json_t *shared)
{
	const char *k;
	json_t *v;
	json_object_foreach(shared, k, v) {
		json_t *d = json_object_get(v, "data");
		if (json_is_string(d))
			explicit_bzero((char *)json_string_value(d), json_string_length(d));
	}
}

void jdm_ipsecnm_plan_free(struct jdm_ipsecnm_plan *p)
{
	if (!p)
		return;
	wipe_keys(p->shared);
	json_decref(p->shared);
	json_decref(p->conns);
	json_decref(p->dpd);
	for (size_t i = 0; i < p->n_tun; i++) {
		free(p->tun[i].vpn);
		free(p->tun[i].ts);
		free(p->tun[i].gateway);
		free(p->tun[i].child);
		free(p->tun[i].remote);
		free(p->tun[i].remote_ts);
		free(p->tun[i].note);
	}
	free(p->tun);
	free(p->routes);
	memset(p, 0, sizeof *p);
}

const struct jdm_ipsecnm_tunnel *jdm_ipsecnm_plan_tunnel(const struct jdm_ipsecnm_plan *p,
                                                         const char *child)
{
	for (size_t i = 0; child && i < p->n_tun; i++)
		if (!strcmp(p->tun[i].child, child))
			return &p->tun[i];
	return NULL;
}

static void hide(json_t *v)
{
	const char *k;
	json_t *c;
	if (!json_is_object(v))
		return;
	json_object_foreach(v, k, c) {
		if (!strcmp(k, "data")) {
			if (json_is_string(c))
				explicit_bzero((char *)json_string_value(c), json_string_length(c));
			json_object_set_new(v, k, json_string("<secret>"));
		}
		else
			hide(c);
	}
}

char *jdm_ipsecnm_log_form(const json_t *msg)
{
	json_t *c = json_deep_copy(msg);
	hide(c);
	char *s = json_dumps(c, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(c);
	if (!s)
		abort();
	return s;
}
