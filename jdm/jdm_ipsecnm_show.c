/* jdm_ipsecnm_show — replies of the ipsec-nm show commands. See
 * jdm_ipsecnm_show.h. */
#include "jdm_ipsecnm_show.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *sv(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static const char *sd(const json_t *o, const char *k, const char *d)
{
	const char *v = sv(o, k);
	return v ? v : d;
}

/* Each list-sa event is {IKE-NAME: {...}}: call FN for each IKE SA. */
#define FOREACH_IKE(sas, name, ike)                                                                \
	for (size_t i_ = 0; i_ < json_array_size(sas); i_++)                                       \
		for (const char *name = NULL, *k_once_ = ""; k_once_; k_once_ = NULL)              \
			for (void *it_ = json_object_iter(json_array_get(sas, i_)); it_ &&         \
			     (name = json_object_iter_key(it_)) &&                                \
			     ((ike) = json_object_iter_value(it_));                               \
			     it_ = json_object_iter_next(json_array_get(sas, i_), it_))

void jdm_ipsecnm_show_status(struct cfg_rel *root, const struct jdm_ipsecnm_status *st,
                             const struct jdm_ipsecnm_tstate *t, size_t n)
{
	struct cfg_rel *s = cfg_rel_add(root, "ipsec-nm-status");
	cfg_rel_leaf(s, "container-state", st->container);
	cfg_rel_leaf(s, "esp-mode", st->esp_mode);
	cfg_rel_leaf(s, "esp-mode-description", st->esp_desc);
	if (st->pid > 0)
		cfg_rel_leaff(s, "charon-pid", "%d", st->pid);
	cfg_rel_leaff(s, "charon-restarts", "%u", st->restarts);
	for (size_t i = 0; i < n; i++) {
		struct cfg_rel *e = cfg_rel_add(root, "ipsec-nm-tunnel");
		cfg_rel_leaf(e, "vpn-name", t[i].vpn);
		cfg_rel_leaf(e, "traffic-selector-name", t[i].ts);
		cfg_rel_leaf(e, "gateway-name", t[i].gateway);
		cfg_rel_leaf(e, "remote-address", t[i].remote);
		cfg_rel_leaf(e, "tunnel-state", t[i].up ? "up" : "down");
		if (!t[i].up)
			cfg_rel_leaf(e, "reason", t[i].reason ? t[i].reason : "not established yet");
		if (t[i].since) {
			char tb[64];
			struct tm tm;
			gmtime_r(&t[i].since, &tm);
			strftime(tb, sizeof tb, "%Y-%m-%d %H:%M:%S UTC", &tm);
			cfg_rel_leaf(e, "last-change", tb);
		}
		cfg_rel_leaf(e, "establish-tunnels-note", t[i].note);
	}
}

void jdm_ipsecnm_show_ike(struct cfg_rel *root, const json_t *sas)
{
	const json_t *ike;
	FOREACH_IKE(sas, name, ike) {
		struct cfg_rel *e = cfg_rel_add(root, "ike-security-associations");
		const char *state = sd(ike, "state", "");
		cfg_rel_leaf(e, "ike-sa-index", sv(ike, "uniqueid"));
		cfg_rel_leaf(e, "ike-sa-gateway-name", name);
		cfg_rel_leaf(e, "ike-sa-remote-address", sv(ike, "remote-host"));
		cfg_rel_leaf(e, "ike-sa-remote-port", sv(ike, "remote-port"));
		cfg_rel_leaf(e, "ike-sa-local-address", sv(ike, "local-host"));
		cfg_rel_leaf(e, "ike-sa-state", !strcmp(state, "ESTABLISHED") ? "UP" : "DOWN");
		cfg_rel_leaf(e, "ike-sa-charon-state", state);
		cfg_rel_leaf(e, "ike-sa-initiator-cookie", sv(ike, "initiator-spi"));
		cfg_rel_leaf(e, "ike-sa-responder-cookie", sv(ike, "responder-spi"));
		cfg_rel_leaff(e, "ike-sa-exchange-type", "IKEv%s", sd(ike, "version", "2"));
		cfg_rel_leaf(e, "ike-sa-role", sv(ike, "initiator") ? "initiator" : "responder");
		if (sv(ike, "encr-alg"))
			cfg_rel_leaff(e, "ike-sa-encryption-algorithm", "%s%s%s", sv(ike, "encr-alg"),
			              sv(ike, "encr-keysize") ? "-" : "", sd(ike, "encr-keysize", ""));
		cfg_rel_leaf(e, "ike-sa-integrity-algorithm", sv(ike, "integ-alg"));
		cfg_rel_leaf(e, "ike-sa-prf-algorithm", sv(ike, "prf-alg"));
		cfg_rel_leaf(e, "ike-sa-dh-group", sv(ike, "dh-group"));
		cfg_rel_leaf(e, "ike-sa-local-identity", sv(ike, "local-id"));
		cfg_rel_leaf(e, "ike-sa-remote-identity", sv(ike, "remote-id"));
		cfg_rel_leaf(e, "ike-sa-established-seconds", sv(ike, "established"));
		cfg_rel_leaf(e, "ike-sa-rekey-seconds", sv(ike, "rekey-time"));
	}
}

/* AES_CBC 256 -> aes-cbc-256; AES_GCM_16 256 -> aes-gcm-256 */
static void enc_name(const json_t *c, char *b, size_t n)
{
	const char *a = sd(c, "encr-alg", "null");
	char low[32];
	size_t j = 0;
	for (size_t i = 0; a[i] && j + 1 < sizeof low; i++) {
		if (!strncmp(a + i, "_16", 3) && !a[i + 3])
			break; /* the ICV length of AES_GCM_16 */
		low[j++] = a[i] == '_' ? '-' : (char)(a[i] >= 'A' && a[i] <= 'Z' ? a[i] + 32 : a[i]);
	}
	low[j] = '\0';
	const char *ks = sv(c, "encr-keysize");
	snprintf(b, n, "%s%s%s", low, ks ? "-" : "", ks ? ks : "");
}

/* HMAC_SHA2_256_128 -> sha256 (brief) / hmac-sha256-128 (detail) */
static void integ_name(const json_t *c, char *brief, char *hmac, size_t n)
{
	const char *a = sv(c, "integ-alg");
	if (!a) {
		snprintf(brief, n, "none");
		snprintf(hmac, n, "none");
	} else if (!strcmp(a, "HMAC_SHA1_96")) {
		snprintf(brief, n, "sha1");
		snprintf(hmac, n, "hmac-sha1-96");
	} else if (!strcmp(a, "HMAC_SHA2_256_128")) {
		snprintf(brief, n, "sha256");
		snprintf(hmac, n, "hmac-sha256-128");
	} else if (!strcmp(a, "HMAC_SHA2_384_192")) {
		snprintf(brief, n, "sha384");
		snprintf(hmac, n, "hmac-sha384-192");
	} else {
		snprintf(brief, n, "%s", a);
		snprintf(hmac, n, "%s", a);
	}
}

static const char *list0(const json_t *c, const char *k)
{
	const json_t *a = json_object_get(c, k);
	return json_is_string(json_array_get(a, 0)) ? json_string_value(json_array_get(a, 0)) : NULL;
}

void jdm_ipsecnm_show_ipsec(struct cfg_rel *root, const json_t *sas)
{
	unsigned n = 0;
	const json_t *ike;
	FOREACH_IKE(sas, name, ike) {
		const json_t *cs = json_object_get(ike, "child-sas");
		const char *ck;
		const json_t *c;
		json_object_foreach((json_t *)cs, ck, c) {
			if (strcmp(sd(c, "state", ""), "INSTALLED"))
				continue;
			n++;
		}
	}
	cfg_rel_leaff(root, "total-active-tunnels", "%u", n);
	cfg_rel_leaff(root, "total-ipsec-sas", "%u", n);
	FOREACH_IKE(sas, name, ike) {
		const json_t *cs = json_object_get(ike, "child-sas");
		const char *ck;
		const json_t *c;
		json_object_foreach((json_t *)cs, ck, c) {
			if (strcmp(sd(c, "state", ""), "INSTALLED"))
				continue;
			struct cfg_rel *b = cfg_rel_add(root, "ipsec-security-associations-block");
			cfg_rel_leaf(b, "sa-block-state", "up");
			const char *cn = sd(c, "name", ck);
			const char *sl = strchr(cn, '/');
			if (sl) {
				cfg_rel_leaff(b, "sa-vpn-name", "%.*s", (int)(sl - cn), cn);
				cfg_rel_leaf(b, "sa-traffic-selector-name", sl + 1);
			} else {
				cfg_rel_leaf(b, "sa-vpn-name", cn);
			}
			cfg_rel_leaf(b, "sa-gateway-name", name);
			cfg_rel_leaf(b, "sa-local-gateway", sv(ike, "local-host"));
			cfg_rel_leaf(b, "sa-remote-gateway", sv(ike, "remote-host"));
			cfg_rel_leaf(b, "sa-local-identity", list0(c, "local-ts"));
			cfg_rel_leaf(b, "sa-remote-identity", list0(c, "remote-ts"));
			cfg_rel_leaff(b, "sa-ike-version", "IKEv%s", sd(ike, "version", "2"));
			char enc[48], ib[48], ih[48];
			enc_name(c, enc, sizeof enc);
			integ_name(c, ib, ih, sizeof ib);
			for (int dir = 0; dir < 2; dir++) {
				struct cfg_rel *e = cfg_rel_add(b, "ipsec-security-associations");
				cfg_rel_leaf(e, "sa-direction", dir ? ">" : "<");
				cfg_rel_leaf(e, "sa-tunnel-index", sv(c, "uniqueid"));
				cfg_rel_leaf(e, "sa-spi", sv(c, dir ? "spi-out" : "spi-in"));
				cfg_rel_leaf(e, "sa-aux-spi", "0");
				cfg_rel_leaf(e, "sa-remote-gateway", sv(ike, "remote-host"));
				cfg_rel_leaf(e, "sa-port", sd(ike, "remote-port", "500"));
				cfg_rel_leaf(e, "sa-vpn-monitoring-state", "-");
				cfg_rel_leaf(e, "sa-virtual-system", "root");
				cfg_rel_leaf(e, "sa-protocol", sd(c, "protocol", "ESP"));
				cfg_rel_leaf(e, "sa-esp-encryption-algorithm", enc);
				cfg_rel_leaf(e, "sa-hmac-algorithm", ih);
				cfg_rel_leaf(e, "sa-hard-lifetime", sd(c, "life-time", "0"));
				cfg_rel_leaf(e, "sa-soft-lifetime", sd(c, "rekey-time", "0"));
				cfg_rel_leaf(e, "sa-lifesize-remaining", "unlim");
				cfg_rel_leaf(e, "sa-mode", !strcmp(sd(c, "mode", "TUNNEL"), "TUNNEL") ? "tunnel" : "transport");
				if (sv(c, "encap"))
					cfg_rel_leaf(e, "sa-encapsulation", "UDP");
				cfg_rel_leaf(e, "sa-bytes", sd(c, dir ? "bytes-out" : "bytes-in", "0"));
				cfg_rel_leaf(e, "sa-packets", sd(c, dir ? "packets-out" : "packets-in", "0"));
			}
		}
	}
}

void jdm_ipsecnm_show_stats(struct cfg_rel *root, const json_t *sas)
{
	unsigned long long v[4] = {0}; /* enc bytes, dec bytes, enc pkts, dec pkts */
	static const char *const keys[4] = {"bytes-out", "bytes-in", "packets-out", "packets-in"};
	const json_t *ike;
	FOREACH_IKE(sas, name, ike) {
		(void)name;
		const char *ck;
		const json_t *c;
		json_object_foreach(json_object_get(ike, "child-sas"), ck, c)
			for (int i = 0; i < 4; i++)
				v[i] += strtoull(sd(c, keys[i], "0"), NULL, 10);
	}
	struct cfg_rel *e = cfg_rel_add(root, "esp-statistics");
	cfg_rel_leaff(e, "esp-encrypted-bytes", "%llu", v[0]);
	cfg_rel_leaff(e, "esp-decrypted-bytes", "%llu", v[1]);
	cfg_rel_leaff(e, "esp-encrypted-packets", "%llu", v[2]);
	cfg_rel_leaff(e, "esp-decrypted-packets", "%llu", v[3]);
}

/* ------------------------------------------------------------ text */

static void status_text(struct cfg_buf *out, const struct cfg_rel *root)
{
	const struct cfg_rel *s = cfg_rel_child(root, "ipsec-nm-status");
	const char *cs = cfg_rel_str(s, "container-state", "");
	if (strcmp(cs, "running")) {
		cfg_buf_printf(out, "ipsec-nm: %s\n",
		               !strcmp(cs, "disabled")      ? "disabled (security ipsec-nm disable)"
		               : !strcmp(cs, "config-only") ? "not running (this JDM keeps the configuration only)"
		                                            : "not running");
		return;
	}
	cfg_buf_printf(out, "ESP: %s\n", cfg_rel_str(s, "esp-mode-description", "unknown"));
}

static void down_text(struct cfg_buf *out, const struct cfg_rel *root)
{
	for (const struct cfg_rel *t = cfg_rel_child(root, "ipsec-nm-tunnel"); t; t = cfg_rel_next_same(t)) {
		if (!strcmp(cfg_rel_str(t, "tunnel-state", ""), "down"))
			cfg_buf_printf(out, "VPN %s/%s (gateway %s, %s): down: %s\n", cfg_rel_str(t, "vpn-name", ""),
			               cfg_rel_str(t, "traffic-selector-name", ""), cfg_rel_str(t, "gateway-name", ""),
			               cfg_rel_str(t, "remote-address", "-"), cfg_rel_str(t, "reason", ""));
		if (cfg_rel_child(t, "establish-tunnels-note"))
			cfg_buf_printf(out, "VPN %s: %s\n", cfg_rel_str(t, "vpn-name", ""),
			               cfg_rel_str(t, "establish-tunnels-note", ""));
	}
}

void jdm_ipsecnm_ike_text(struct cfg_buf *out, const struct cfg_reply *r, void *arg)
{
	bool detail = arg && *(bool *)arg;
	const struct cfg_rel *root = cfg_reply_root(r);
	status_text(out, root);
	const struct cfg_rel *e = cfg_rel_child(root, "ike-security-associations");
	if (!e) {
		cfg_buf_puts(out, "Total active IKE SAs: 0\n");
	} else if (!detail) {
		cfg_buf_printf(out, "%-7s %-6s %-17s %-17s %-14s %s\n", "Index", "State", "Initiator cookie",
		               "Responder cookie", "Mode", "Remote Address");
		for (; e; e = cfg_rel_next_same(e))
			cfg_buf_printf(out, "%-7s %-6s %-17s %-17s %-14s %s\n", cfg_rel_str(e, "ike-sa-index", ""),
			               cfg_rel_str(e, "ike-sa-state", ""), cfg_rel_str(e, "ike-sa-initiator-cookie", ""),
			               cfg_rel_str(e, "ike-sa-responder-cookie", ""),
			               cfg_rel_str(e, "ike-sa-exchange-type", ""), cfg_rel_str(e, "ike-sa-remote-address", ""));
	} else {
		for (; e; e = cfg_rel_next_same(e)) {
			cfg_buf_printf(out, "IKE peer %s, Index %s, Gateway Name: %s\n",
			               cfg_rel_str(e, "ike-sa-remote-address", ""), cfg_rel_str(e, "ike-sa-index", ""),
			               cfg_rel_str(e, "ike-sa-gateway-name", ""));
			cfg_buf_printf(out, "  Role: %s, State: %s (%s)\n", cfg_rel_str(e, "ike-sa-role", ""),
			               cfg_rel_str(e, "ike-sa-state", ""), cfg_rel_str(e, "ike-sa-charon-state", ""));
			cfg_buf_printf(out, "  Initiator cookie: %s, Responder cookie: %s\n",
			               cfg_rel_str(e, "ike-sa-initiator-cookie", ""), cfg_rel_str(e, "ike-sa-responder-cookie", ""));
			cfg_buf_printf(out, "  Exchange type: %s, Authentication method: Pre-shared-keys\n",
			               cfg_rel_str(e, "ike-sa-exchange-type", ""));
			cfg_buf_printf(out, "  Local: %s, Remote: %s:%s\n", cfg_rel_str(e, "ike-sa-local-address", ""),
			               cfg_rel_str(e, "ike-sa-remote-address", ""), cfg_rel_str(e, "ike-sa-remote-port", ""));
			cfg_buf_printf(out, "  Local identity: %s\n  Remote identity: %s\n",
			               cfg_rel_str(e, "ike-sa-local-identity", "-"), cfg_rel_str(e, "ike-sa-remote-identity", "-"));
			cfg_buf_printf(out, "  Algorithms:\n   Encryption: %s\n   Integrity: %s\n   Pseudo random function: %s\n"
			               "   Diffie-Hellman group: %s\n",
			               cfg_rel_str(e, "ike-sa-encryption-algorithm", "-"),
			               cfg_rel_str(e, "ike-sa-integrity-algorithm", "-"),
			               cfg_rel_str(e, "ike-sa-prf-algorithm", "-"), cfg_rel_str(e, "ike-sa-dh-group", "-"));
			cfg_buf_printf(out, "  Established: %s seconds ago, Rekey in %s seconds\n\n",
			               cfg_rel_str(e, "ike-sa-established-seconds", "0"), cfg_rel_str(e, "ike-sa-rekey-seconds", "-"));
		}
	}
	down_text(out, root);
}

void jdm_ipsecnm_ipsec_text(struct cfg_buf *out, const struct cfg_reply *r, void *arg)
{
	bool detail = arg && *(bool *)arg;
	const struct cfg_rel *root = cfg_reply_root(r);
	status_text(out, root);
	cfg_buf_printf(out, "  Total active tunnels: %s     Total Ipsec sas: %s\n",
	               cfg_rel_str(root, "total-active-tunnels", "0"), cfg_rel_str(root, "total-ipsec-sas", "0"));
	const struct cfg_rel *b = cfg_rel_child(root, "ipsec-security-associations-block");
	if (!detail && b)
		cfg_buf_puts(out, "  ID    Algorithm       SPI      Life:sec/kb  Mon lsys Port  Gateway\n");
	for (; b; b = cfg_rel_next_same(b)) {
		const struct cfg_rel *e = cfg_rel_child(b, "ipsec-security-associations");
		if (detail) {
			cfg_buf_printf(out, "  ID: %s Virtual-system: root, VPN Name: %s\n", cfg_rel_str(e, "sa-tunnel-index", ""),
			               cfg_rel_str(b, "sa-vpn-name", ""));
			cfg_buf_printf(out, "  Local Gateway: %s, Remote Gateway: %s\n", cfg_rel_str(b, "sa-local-gateway", ""),
			               cfg_rel_str(b, "sa-remote-gateway", ""));
			cfg_buf_printf(out, "  Local Identity: ipv4_subnet(any:0,[0..7]=%s)\n", cfg_rel_str(b, "sa-local-identity", ""));
			cfg_buf_printf(out, "  Remote Identity: ipv4_subnet(any:0,[0..7]=%s)\n", cfg_rel_str(b, "sa-remote-identity", ""));
			cfg_buf_printf(out, "  Version: %s\n", cfg_rel_str(b, "sa-ike-version", ""));
			cfg_buf_printf(out, "    Port: %s, Traffic selector: %s, Gateway: %s\n", cfg_rel_str(e, "sa-port", ""),
			               cfg_rel_str(b, "sa-traffic-selector-name", "-"), cfg_rel_str(b, "sa-gateway-name", ""));
		}
		for (; e; e = cfg_rel_next_same(e)) {
			bool in = !strcmp(cfg_rel_str(e, "sa-direction", ""), "<");
			if (!detail) {
				char alg[96];
				const char *h = cfg_rel_str(e, "sa-hmac-algorithm", "none");
				snprintf(alg, sizeof alg, "%s:%s/%s", cfg_rel_str(e, "sa-protocol", "ESP"),
				         cfg_rel_str(e, "sa-esp-encryption-algorithm", ""),
				         !strncmp(h, "hmac-", 5) ? (!strncmp(h + 5, "sha256", 6) ? "sha256"
				                                    : !strncmp(h + 5, "sha384", 6) ? "sha384" : "sha1")
				                                 : h);
				cfg_buf_printf(out, "  %s%-5s %s %s %s/ %s %s %s %s %s\n", cfg_rel_str(e, "sa-direction", ""),
				               cfg_rel_str(e, "sa-tunnel-index", ""), alg, cfg_rel_str(e, "sa-spi", ""),
				               cfg_rel_str(e, "sa-hard-lifetime", ""), cfg_rel_str(e, "sa-lifesize-remaining", ""),
				               cfg_rel_str(e, "sa-vpn-monitoring-state", "-"), cfg_rel_str(e, "sa-virtual-system", "root"),
				               cfg_rel_str(e, "sa-port", ""), cfg_rel_str(e, "sa-remote-gateway", ""));
				continue;
			}
			cfg_buf_printf(out, "  Direction: %s, SPI: %s, AUX-SPI: 0\n", in ? "inbound" : "outbound",
			               cfg_rel_str(e, "sa-spi", ""));
			cfg_buf_printf(out, "                              , VPN Monitoring: -\n");
			cfg_buf_printf(out, "    Hard lifetime: Expires in %s seconds\n", cfg_rel_str(e, "sa-hard-lifetime", ""));
			cfg_buf_printf(out, "    Lifesize Remaining:  Unlimited\n");
			cfg_buf_printf(out, "    Soft lifetime: Expires in %s seconds\n", cfg_rel_str(e, "sa-soft-lifetime", ""));
			cfg_buf_printf(out, "    Mode: %s, Type: dynamic, State: installed%s\n",
			               !strcmp(cfg_rel_str(e, "sa-mode", ""), "tunnel") ? "Tunnel(0 0)" : "Transport",
			               cfg_rel_child(e, "sa-encapsulation") ? ", Encapsulation: UDP" : "");
			cfg_buf_printf(out, "    Protocol: %s, Authentication: %s, Encryption: %s\n",
			               cfg_rel_str(e, "sa-protocol", "ESP"), cfg_rel_str(e, "sa-hmac-algorithm", ""),
			               cfg_rel_str(e, "sa-esp-encryption-algorithm", ""));
			cfg_buf_printf(out, "    Bytes: %s, Packets: %s\n\n", cfg_rel_str(e, "sa-bytes", "0"),
			               cfg_rel_str(e, "sa-packets", "0"));
		}
	}
	down_text(out, root);
}

void jdm_ipsecnm_stats_text(struct cfg_buf *out, const struct cfg_reply *r, void *arg)
{
	(void)arg;
	const struct cfg_rel *root = cfg_reply_root(r);
	status_text(out, root);
	const struct cfg_rel *e = cfg_rel_child(root, "esp-statistics");
	cfg_buf_printf(out, "ESP Statistics:\n");
	cfg_buf_printf(out, "  Encrypted bytes: %16s\n", cfg_rel_str(e, "esp-encrypted-bytes", "0"));
	cfg_buf_printf(out, "  Decrypted bytes: %16s\n", cfg_rel_str(e, "esp-decrypted-bytes", "0"));
	cfg_buf_printf(out, "  Encrypted packets: %14s\n", cfg_rel_str(e, "esp-encrypted-packets", "0"));
	cfg_buf_printf(out, "  Decrypted packets: %14s\n", cfg_rel_str(e, "esp-decrypted-packets", "0"));
	cfg_buf_printf(out, "AH Statistics:\n  Input bytes: %20s\n  Output bytes: %19s\n", "0", "0");
	down_text(out, root);
}

/* ------------------------------------------------------------ tracking */

bool jdm_ipsecnm_child_up(const json_t *sas, const char *child)
{
	const json_t *ike;
	FOREACH_IKE(sas, name, ike) {
		(void)name;
		if (strcmp(sd(ike, "state", ""), "ESTABLISHED"))
			continue;
		const char *ck;
		const json_t *c;
		json_object_foreach(json_object_get(ike, "child-sas"), ck, c)
			if (!strcmp(sd(c, "name", ck), child) && !strcmp(sd(c, "state", ""), "INSTALLED"))
				return true;
	}
	return false;
}

bool jdm_ipsecnm_ike_present(const json_t *sas, const char *conn)
{
	const json_t *ike;
	FOREACH_IKE(sas, name, ike) {
		(void)ike;
		if (!strcmp(name, conn))
			return true;
	}
	return false;
}

const char *jdm_ipsecnm_ike_state(const json_t *sas, const char *conn, char *id, size_t n)
{
	const json_t *ike;
	FOREACH_IKE(sas, name, ike) {
		if (!strcmp(name, conn)) {
			snprintf(id, n, "%s", sd(ike, "uniqueid", ""));
			return sd(ike, "state", "");
		}
	}
	id[0] = '\0';
	return NULL;
}

unsigned jdm_ipsecnm_retransmit(const json_t *msg, char *ike, size_t n, char *id, size_t idn)
{
	const char *m = sv(msg, "msg"), *name = sv(msg, "ikesa-name"), *uid = sv(msg, "ikesa-uniqueid");
	unsigned count = 0, mid = 0;
	if (!m || !name || !uid || sscanf(m, "retransmit %u of request with message ID %u", &count, &mid) != 2 ||
	    mid <= 1)
		return 0;
	snprintf(ike, n, "%s", name);
	snprintf(id, idn, "%s", uid);
	return count;
}

void jdm_ipsecnm_failure_reason(const json_t *log, const char *errmsg, char *buf, size_t n)
{
	buf[0] = '\0';
	const char *generic = NULL;
	for (size_t i = 0; i < json_array_size(log); i++) {
		const char *m = sv(json_array_get(log, i), "msg");
		if (!m)
			continue;
		const char *p;
		char notify[64];
		if ((p = strstr(m, "received ")) && sscanf(p, "received %63[A-Z_] notify error", notify) == 1) {
			if (!strcmp(notify, "AUTHENTICATION_FAILED"))
				snprintf(buf, n, "AUTHENTICATION_FAILED (the peer refused our authentication: "
				                 "check the pre-shared key and the identities)");
			else
				snprintf(buf, n, "%s (notify from the peer)", notify);
			return;
		}
		if ((p = strstr(m, "giving up after"))) {
			snprintf(buf, n, "peer not responding (%s)", p);
			return;
		}
		if (strstr(m, "no shared key found")) {
			snprintf(buf, n, "no pre-shared key for these identities (%s)", m);
			return;
		}
		if (strstr(m, "failed") || strstr(m, "no proposal") || strstr(m, "unable"))
			generic = m;
	}
	if (generic)
		snprintf(buf, n, "%s", generic);
	else if (errmsg)
		snprintf(buf, n, "%s", errmsg);
}
