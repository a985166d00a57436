/* snmp_snap — the served values as one sorted OID array. See snmp_snap.h. */
#include "snmp_snap.h"

#include <ctype.h>
#include <limits.h>
#include <dirent.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const oid snmp_vm_mib[] = {1, 3, 6, 1, 2, 1, 236};
const size_t snmp_vm_mib_len = 7;

struct snmp_snap {
	struct snap_val *v;
	size_t n, cap;
	unsigned long gen;
	bool built;
	oid root[MAX_OID_LEN];
	size_t rootlen;
};

struct snmp_snap *snmp_snap_new(const oid *nfx_root, size_t nfx_len)
{
	struct snmp_snap *s = calloc(1, sizeof *s);
	if (!s)
		abort();
	memcpy(s->root, nfx_root, nfx_len * sizeof(oid));
	s->rootlen = nfx_len;
	return s;
}

static void clear(struct snmp_snap *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].s);
		free(s->v[i].objid);
	}
	s->n = 0;
}

void snmp_snap_free(struct snmp_snap *s)
{
	if (!s)
		return;
	clear(s);
	free(s->v);
	free(s);
}

size_t snmp_snap_count(const struct snmp_snap *s) { return s->n; }

/* ------------------------------------------------------------ building */

/* A new value at BASE.SUB... (SUB: N sub-identifiers). */
static struct snap_val *add(struct snmp_snap *s, u_char type, const oid *base, size_t blen,
                            const oid *sub, size_t n)
{
	if (blen + n > MAX_OID_LEN)
		return NULL;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->v = realloc(s->v, s->cap * sizeof *s->v);
		if (!s->v)
			abort();
	}
	struct snap_val *v = &s->v[s->n++];
	memset(v, 0, sizeof *v);
	memcpy(v->name, base, blen * sizeof(oid));
	memcpy(v->name + blen, sub, n * sizeof(oid));
	v->len = blen + n;
	v->type = type;
	return v;
}

static void add_int(struct snmp_snap *s, u_char type, const oid *base, size_t blen, const oid *sub,
                    size_t n, long val)
{
	struct snap_val *v = add(s, type, base, blen, sub, n);
	if (v)
		v->l = val;
}

static void add_str(struct snmp_snap *s, const oid *base, size_t blen, const oid *sub, size_t n,
                    const void *p, size_t len)
{
	struct snap_val *v = add(s, ASN_OCTET_STR, base, blen, sub, n);
	if (!v)
		return;
	if (len > 255)
		len = 255; /* SnmpAdminString / DisplayString (SIZE (0..255)) */
	v->s = malloc(len + 1);
	if (!v->s)
		abort();
	memcpy(v->s, p, len);
	v->s[len] = '\0';
	v->slen = len;
}

static void add_text(struct snmp_snap *s, const oid *base, size_t blen, const oid *sub, size_t n,
                     const char *t)
{
	add_str(s, base, blen, sub, n, t ? t : "", t ? strlen(t) : 0);
}

static long num(const char *t, long dflt)
{
	if (!t || !*t)
		return dflt;
	char *end;
	long v = strtol(t, &end, 10);
	return *end ? dflt : v;
}

bool snmp_is_container(const struct cfg_rel *vnf) { return cfg_rel_child(vnf, "vnf-container") != NULL; }

int snmp_oper_state(const char *st)
{
	if (!st)
		return 1; /* unknown */
	if (!strcmp(st, "running") || !strcmp(st, "idle"))
		return 4;
	if (!strcmp(st, "paused"))
		return 8;
	if (!strcmp(st, "in shutdown"))
		return 10;
	if (!strcmp(st, "shut off"))
		return 11;
	if (!strcmp(st, "crashed"))
		return 12;
	if (!strcmp(st, "suspended"))
		return 6;
	return 2; /* other */
}

bool snmp_uuid_bytes(const char *t, unsigned char out[16])
{
	size_t k = 0;
	for (const char *p = t; p && *p; p++) {
		if (*p == '-')
			continue;
		if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1]) || k == 16)
			return false;
		unsigned x;
		sscanf(p, "%2x", &x);
		out[k++] = (unsigned char)x;
		p++;
	}
	return k == 16;
}

/* The ifIndex of the interface named NAME, or whose alias is NAME (the
 * Junos/VNF names the switch modules set); 0 if none. */
static long ifindex_of(const char *name)
{
	if (!name || !*name)
		return 0;
	unsigned i = if_nametoindex(name);
	if (i)
		return (long)i;
	DIR *d = opendir("/sys/class/net");
	if (!d)
		return 0;
	struct dirent *e;
	long found = 0;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[512], alias[256];
		snprintf(path, sizeof path, "/sys/class/net/%s/ifalias", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(alias, sizeof alias, f)) {
			alias[strcspn(alias, "\n")] = '\0';
			if (!strcmp(alias, name))
				found = (long)if_nametoindex(e->d_name);
		}
		fclose(f);
	}
	closedir(d);
	return found;
}

static bool mac_bytes(const char *t, unsigned char out[6])
{
	unsigned b[6];
	if (!t || sscanf(t, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		return false;
	for (int i = 0; i < 6; i++)
		out[i] = (unsigned char)b[i];
	return true;
}

/* The <vnf> of NAME in a visibility reply R. */
static const struct cfg_rel *vis_vnf(const struct cfg_reply *r, const char *name)
{
	for (const struct cfg_rel *e = cfg_rel_child(r ? cfg_reply_root(r) : NULL, "vnf"); e;
	     e = cfg_rel_next_same(e))
		if (!strcmp(cfg_rel_str(e, "vnf-name", ""), name))
			return e;
	return NULL;
}

static void build_vnf(struct snmp_snap *s, struct snmp_cache *c, const struct cfg_rel *brief)
{
	const char *name = cfg_rel_value(brief, "vnf-name");
	if (!name)
		return;
	long idx = snmp_cache_index(c, name);
	char key[128];
	snprintf(key, sizeof key, "vnf:%s", name);
	const struct cfg_reply *dr = snmp_cache_get(c, key);
	const struct cfg_rel *d = dr ? cfg_rel_child(cfg_reply_root(dr), "vnf-information") : NULL;
	/* state and liveliness: the newest of the list and the detail (the
	   list is refreshed on every event) */
	const char *state = cfg_rel_value(brief, "vnf-state");
	const char *live = cfg_rel_value(brief, "vnf-liveliness");
	const oid vme[] = {1, 3, 6, 1, 2, 1, 236, 1, 4, 1}; /* vmEntry */
	const size_t vl = 10;
	oid sub[4];
	sub[1] = (oid)idx;
#define COL(n) (sub[0] = (n), sub)
	add_text(s, vme, vl, COL(2), 2, name);
	unsigned char u[16];
	const char *uuid = cfg_rel_value(d, "vnf-uuid");
	if (uuid && snmp_uuid_bytes(uuid, u))
		add_str(s, vme, vl, COL(3), 2, u, 16);
	else
		add_str(s, vme, vl, COL(3), 2, "", 0);
	add_text(s, vme, vl, COL(4), 2, "");
	int op = snmp_oper_state(state);
	bool autostart = !d || strcmp(cfg_rel_str(d, "vnf-autostart", "yes"), "no") != 0;
	const struct cfg_rel *ls = cfg_rel_child(d, "vnf-last-stopped");
	bool gave_up = ls && cfg_rel_child(ls, "not-restarted");
	int admin = op == 8 ? 3 : (op == 4 || op == 10 || (autostart && !gave_up)) ? 1 : 4;
	add_int(s, ASN_INTEGER, vme, vl, COL(5), 2, admin);
	add_int(s, ASN_INTEGER, vme, vl, COL(6), 2, op);
	add_int(s, ASN_INTEGER, vme, vl, COL(7), 2, d ? (autostart ? 2 : 3) : 1);
	add_int(s, ASN_INTEGER, vme, vl, COL(8), 2, 2); /* persistent: JDM defines its domains */
	if (d) {
		long vcpus = num(cfg_rel_value(d, "vnf-vcpus"), 0);
		add_int(s, ASN_INTEGER, vme, vl, COL(9), 2, op == 4 || op == 8 ? vcpus : 0);
		add_int(s, ASN_INTEGER, vme, vl, COL(10), 2, vcpus);
		add_int(s, ASN_INTEGER, vme, vl, COL(11), 2, vcpus);
		add_int(s, ASN_INTEGER, vme, vl, COL(12), 2, 1024); /* KiB */
		add_int(s, ASN_INTEGER, vme, vl, COL(13), 2, num(cfg_rel_value(d, "vnf-used-memory"), 0));
		add_int(s, ASN_INTEGER, vme, vl, COL(14), 2, num(cfg_rel_value(d, "vnf-maximum-memory"), -1));
		add_int(s, ASN_INTEGER, vme, vl, COL(15), 2, num(cfg_rel_value(d, "vnf-maximum-memory"), -1));
	}
	struct snap_val *up = add(s, ASN_TIMETICKS, vme, vl, COL(16), 2);
	if (up) {
		up->dyn = 1;
		up->since = op == 4 ? snmp_cache_up_since(c, name) : 0;
	}
	/* vmCpuAffinityTable: vmIndex.vcpu.pcpu (1-based) = enable(1) */
	const oid aff[] = {1, 3, 6, 1, 2, 1, 236, 1, 6, 1, 3};
	for (const struct cfg_rel *p = cfg_rel_child(vis_vnf(snmp_cache_get(c, "cpu"), name), "pinning"); p;
	     p = cfg_rel_next_same(p)) {
		long vc = num(cfg_rel_value(p, "virtual-cpu"), -1), pc = num(cfg_rel_value(p, "physical-cpu"), -1);
		if (vc < 0 || pc < 0)
			continue;
		oid a[3] = {(oid)idx, (oid)vc + 1, (oid)pc + 1};
		add_int(s, ASN_INTEGER, aff, 11, a, 3, 1);
	}
	/* vmStorageTable: the image, vmStorageVmIndex.1 */
	const char *img = cfg_rel_value(d, "vnf-image");
	if (img) {
		const oid ste[] = {1, 3, 6, 1, 2, 1, 236, 1, 7, 1};
		oid si[3] = {0, (oid)idx, 1};
		bool qcow = strlen(img) > 6 && !strcmp(img + strlen(img) - 6, ".qcow2");
#define SCOL(n) (si[0] = (n), si)
		add_int(s, ASN_INTEGER, ste, 10, SCOL(3), 3, 0);
		add_int(s, ASN_INTEGER, ste, 10, SCOL(4), 3, qcow ? 5 : 4); /* sparse / raw */
		add_text(s, ste, 10, SCOL(5), 3, qcow ? "qcow2" : "raw");
		add_text(s, ste, 10, SCOL(6), 3, img);
		add_int(s, ASN_INTEGER, ste, 10, SCOL(7), 3, 2);   /* readwrite */
		add_int(s, ASN_INTEGER, ste, 10, SCOL(8), 3, 3);   /* hardDisk */
		add_text(s, ste, 10, SCOL(9), 3, "virtio");
		add_int(s, ASN_INTEGER, ste, 10, SCOL(10), 3, 1048576);
		add_int(s, ASN_INTEGER, ste, 10, SCOL(11), 3, -1);
		add_int(s, ASN_INTEGER, ste, 10, SCOL(12), 3, -1);
	}
	/* vmNetworkTable: vmIndex.N, from the network visibility */
	const oid nte[] = {1, 3, 6, 1, 2, 1, 236, 1, 8, 1};
	oid ni[3] = {0, (oid)idx, 0};
	unsigned k = 0;
	for (const struct cfg_rel *f = cfg_rel_child(vis_vnf(snmp_cache_get(c, "network"), name), "interface");
	     f; f = cfg_rel_next_same(f)) {
		ni[2] = ++k;
		ni[0] = 2;
		add_int(s, ASN_INTEGER, nte, 10, ni, 3, ifindex_of(cfg_rel_value(f, "device")));
		ni[0] = 3;
		add_int(s, ASN_INTEGER, nte, 10, ni, 3, ifindex_of(cfg_rel_value(f, "source")));
		ni[0] = 4;
		add_text(s, nte, 10, ni, 3, cfg_rel_str(f, "model", ""));
		unsigned char mac[6];
		ni[0] = 5;
		if (mac_bytes(cfg_rel_value(f, "mac-address"), mac))
			add_str(s, nte, 10, ni, 3, mac, 6);
		else
			add_str(s, nte, 10, ni, 3, "", 0);
	}
	/* nfxVnfTable: root.1.1.1.COL.vmIndex */
	oid nv[MAX_OID_LEN];
	memcpy(nv, s->root, s->rootlen * sizeof(oid));
	size_t nl = s->rootlen;
	nv[nl++] = 1;
	nv[nl++] = 1;
	nv[nl++] = 1;
	add_text(s, nv, nl, COL(2), 2, name);
	add_int(s, ASN_INTEGER, nv, nl, COL(3), 2, live && !strcmp(live, "alive") ? 1 : 2);
	add_text(s, nv, nl, COL(4), 2, cfg_rel_value(d, "vnf-ip-address"));
	add_int(s, ASN_COUNTER, nv, nl, COL(5), 2, num(cfg_rel_value(d, "vnf-restarts"), 0));
	add_text(s, nv, nl, COL(6), 2, cfg_rel_value(ls, "date-time"));
	add_text(s, nv, nl, COL(7), 2, cfg_rel_value(ls, "reason"));
#undef COL
}

/* ------------------------------------------------------------ IPsec */

/* ipsec-nm's vocabulary (cli/schema/ops-jdm.xml): both show replies carry
 * <ipsec-nm-status> (esp-mode kernel|userspace) and one <ipsec-nm-tunnel>
 * per configured VPN and traffic selector (vpn-name,
 * traffic-selector-name, gateway-name, remote-address, tunnel-state
 * up|down, reason); the ipsec reply one <ipsec-security-associations-block>
 * per CHILD SA (sa-vpn-name, sa-traffic-selector-name, and per direction
 * an <ipsec-security-associations>: sa-direction < in, > out, sa-bytes,
 * sa-packets); the ike reply one <ike-security-associations> per IKE SA
 * (ike-sa-gateway-name, ike-sa-state UP|DOWN). */

int snmp_ipsec_state(const char *st)
{
	if (!st || !*st)
		return 4; /* unknown */
	static const char *const up[] = {"up", "established", "installed", "UP", "ESTABLISHED", "INSTALLED", NULL};
	/* charon's CONNECTING, REKEYING, INSTALLING...: connecting(3) below */
	static const char *const down[] = {"down", "deleting", "destroying", "failed", "DOWN", "DELETING", NULL};
	for (size_t i = 0; up[i]; i++)
		if (!strcmp(st, up[i]))
			return 1;
	for (size_t i = 0; down[i]; i++)
		if (!strcmp(st, down[i]))
			return 2;
	return 3; /* connecting, rekeying, created, installing... */
}

int snmp_ipsec_mode(const char *m)
{
	if (!m || !*m)
		return 3;
	if (strstr(m, "libipsec") || strstr(m, "userspace"))
		return 2;
	if (strstr(m, "kernel"))
		return 1;
	return 3;
}

static long counter(const char *t)
{
	if (!t)
		return 0;
	char *end;
	unsigned long long v = strtoull(t, &end, 10);
	return end == t || v > (unsigned long long)LONG_MAX ? 0 : (long)v;
}

const struct cfg_rel *snmp_ipsec_first(const struct cfg_reply *r)
{
	return cfg_rel_child(r ? cfg_reply_root(r) : NULL, "ipsec-nm-tunnel");
}

void snmp_ipsec_key(const struct cfg_rel *t, char *out, size_t n)
{
	const char *ts = cfg_rel_value(t, "traffic-selector-name");
	snprintf(out, n, "%s%s%s", cfg_rel_str(t, "vpn-name", ""), ts ? "/" : "", ts ? ts : "");
}

const char *snmp_ipsec_name(const struct cfg_rel *t) { return cfg_rel_value(t, "vpn-name"); }
const char *snmp_ipsec_gateway(const struct cfg_rel *t) { return cfg_rel_value(t, "remote-address"); }
int snmp_ipsec_child(const struct cfg_rel *t) { return snmp_ipsec_state(cfg_rel_value(t, "tunnel-state")); }
const char *snmp_ipsec_reason(const struct cfg_rel *t) { return cfg_rel_value(t, "reason"); }

/* The CHILD SA block of tunnel T in reply R, or NULL */
static const struct cfg_rel *sa_block(const struct cfg_reply *r, const struct cfg_rel *t)
{
	const char *vpn = cfg_rel_str(t, "vpn-name", ""), *ts = cfg_rel_str(t, "traffic-selector-name", "");
	for (const struct cfg_rel *b = cfg_rel_child(cfg_reply_root(r), "ipsec-security-associations-block"); b;
	     b = cfg_rel_next_same(b))
		if (!strcmp(cfg_rel_str(b, "sa-vpn-name", ""), vpn) &&
		    !strcmp(cfg_rel_str(b, "sa-traffic-selector-name", ""), ts))
			return b;
	return NULL;
}

/* IKE SA state of gateway GW in the ike reply IKE: up(1) if one is UP,
 * down(2) if there is none or none is up, unknown(4) without a reply */
static int ike_state(const struct cfg_reply *ike, const char *gw)
{
	if (!ike)
		return 4;
	int st = 2;
	for (const struct cfg_rel *e = cfg_rel_child(cfg_reply_root(ike), "ike-security-associations"); e;
	     e = cfg_rel_next_same(e))
		if (gw && !strcmp(cfg_rel_str(e, "ike-sa-gateway-name", ""), gw)) {
			int s = snmp_ipsec_state(cfg_rel_value(e, "ike-sa-state"));
			if (s == 1 || st == 2)
				st = s;
		}
	return st;
}

/* nfxIpsecTunnelTable root.1.6.1.COL.index */
static void build_ipsec(struct snmp_snap *s, struct snmp_cache *c, const oid *b, size_t bl)
{
	const struct cfg_reply *r = snmp_cache_get(c, "ipsec"), *ike = snmp_cache_get(c, "ike");
	const struct cfg_rel *st = cfg_rel_child(r ? cfg_reply_root(r) : NULL, "ipsec-nm-status");
	int mode = snmp_ipsec_mode(cfg_rel_value(st, "esp-mode"));
	for (const struct cfg_rel *t = snmp_ipsec_first(r); t; t = cfg_rel_next_same(t)) {
		char key[160];
		if (!snmp_ipsec_name(t))
			continue;
		snmp_ipsec_key(t, key, sizeof key);
		oid ix = (oid)snmp_cache_tunnel_index(c, key);
		long cnt[4] = {0, 0, 0, 0}; /* in octets, out octets, in packets, out packets */
		const struct cfg_rel *blk = sa_block(r, t);
		for (const struct cfg_rel *d = cfg_rel_child(blk, "ipsec-security-associations"); d;
		     d = cfg_rel_next_same(d)) {
			bool out = !strcmp(cfg_rel_str(d, "sa-direction", ""), ">");
			cnt[out ? 1 : 0] += counter(cfg_rel_value(d, "sa-bytes"));
			cnt[out ? 3 : 2] += counter(cfg_rel_value(d, "sa-packets"));
		}
		int child = snmp_ipsec_child(t);
		add_text(s, b, bl, (oid[]){2, ix}, 2, snmp_ipsec_name(t));
		add_text(s, b, bl, (oid[]){3, ix}, 2, snmp_ipsec_gateway(t));
		add_int(s, ASN_INTEGER, b, bl, (oid[]){4, ix}, 2, ike_state(ike, cfg_rel_value(t, "gateway-name")));
		add_int(s, ASN_INTEGER, b, bl, (oid[]){5, ix}, 2, child);
		add_int(s, ASN_INTEGER, b, bl, (oid[]){6, ix}, 2, mode);
		for (oid k = 0; k < 4; k++)
			add_int(s, ASN_COUNTER64, b, bl, (oid[]){7 + k, ix}, 2, cnt[k]);
		add_text(s, b, bl, (oid[]){11, ix}, 2, child == 1 ? "" : snmp_ipsec_reason(t));
		add_text(s, b, bl, (oid[]){12, ix}, 2, cfg_rel_value(t, "traffic-selector-name"));
	}
}

/* ------------------------------------------------------------ L2 sites */

/* nfxL2SiteTable root.1.7.1.COL.index from `show host-os l2-extension`
 * (key "l2ext"; /work/notes/l2ext-reply.md: <site> site-name, address,
 * local-address, ike-state, child-state, esp-mode, bytes-in/-out,
 * packets-in/-out, vni-list) */
static void build_l2sites(struct snmp_snap *s, struct snmp_cache *c, const oid *b, size_t bl)
{
	const struct cfg_reply *r = snmp_cache_get(c, "l2ext");
	const struct cfg_rel *root = r ? cfg_reply_root(r) : NULL;
	const char *mode_all = cfg_rel_value(root, "esp-mode");
	for (const struct cfg_rel *t = cfg_rel_child(root, "site"); t; t = cfg_rel_next_same(t)) {
		const char *name = cfg_rel_value(t, "site-name");
		if (!name)
			continue;
		oid ix = (oid)snmp_cache_site_index(c, name);
		const char *mode = cfg_rel_value(t, "esp-mode");
		add_text(s, b, bl, (oid[]){2, ix}, 2, name);
		add_text(s, b, bl, (oid[]){3, ix}, 2, cfg_rel_value(t, "address"));
		add_text(s, b, bl, (oid[]){4, ix}, 2, cfg_rel_value(t, "local-address"));
		add_int(s, ASN_INTEGER, b, bl, (oid[]){5, ix}, 2, snmp_ipsec_state(cfg_rel_value(t, "ike-state")));
		add_int(s, ASN_INTEGER, b, bl, (oid[]){6, ix}, 2, snmp_ipsec_state(cfg_rel_value(t, "child-state")));
		add_int(s, ASN_INTEGER, b, bl, (oid[]){7, ix}, 2, snmp_ipsec_mode(mode ? mode : mode_all));
		static const char *const cnt[] = {"bytes-in", "bytes-out", "packets-in", "packets-out"};
		for (oid k = 0; k < 4; k++)
			add_int(s, ASN_COUNTER64, b, bl, (oid[]){8 + k, ix}, 2, counter(cfg_rel_value(t, cnt[k])));
		add_text(s, b, bl, (oid[]){12, ix}, 2, cfg_rel_value(t, "vni-list"));
	}
}

/* nfx root + SUB... */
static void nfx_oid(const struct snmp_snap *s, oid *out, size_t *len, const oid *sub, size_t n)
{
	memcpy(out, s->root, s->rootlen * sizeof(oid));
	memcpy(out + s->rootlen, sub, n * sizeof(oid));
	*len = s->rootlen + n;
}

static int cmp_val(const void *a, const void *b)
{
	const struct snap_val *x = a, *y = b;
	return snmp_oid_compare(x->name, x->len, y->name, y->len);
}

void snmp_snap_update(struct snmp_snap *s, struct snmp_cache *c)
{
	if (s->built && s->gen == snmp_cache_gen(c))
		return;
	clear(s);
	const oid hv[] = {1, 3, 6, 1, 2, 1, 236, 1, 1};
	add_text(s, hv, 9, (oid[]){1, 0}, 2, "QEMU/KVM via libvirt (nfx JDM)");
	add_text(s, hv, 9, (oid[]){2, 0}, 2, NFX_VERSION);
	struct snap_val *o = add(s, ASN_OBJECT_ID, hv, 9, (oid[]){3, 0}, 2);
	if (o) {
		o->objid = malloc(s->rootlen * sizeof(oid));
		if (!o->objid)
			abort();
		memcpy(o->objid, s->root, s->rootlen * sizeof(oid));
		o->objlen = s->rootlen;
	}
	struct snap_val *hu = add(s, ASN_TIMETICKS, hv, 9, (oid[]){4, 0}, 2);
	if (hu)
		hu->dyn = 2;
	const oid vo[] = {1, 3, 6, 1, 2, 1, 236, 1};
	const struct cfg_reply *list = snmp_cache_get(c, "vnfs");
	long nvnf = 0;
	for (const struct cfg_rel *e = cfg_rel_child(list ? cfg_reply_root(list) : NULL, "vnf-information"); e;
	     e = cfg_rel_next_same(e)) {
		if (snmp_is_container(e))
			continue; /* ipsec-nm: not a VM (its tunnels: nfxIpsecTunnelTable) */
		nvnf++;
		build_vnf(s, c, e);
	}
	add_int(s, ASN_INTEGER, vo, 8, (oid[]){2, 0}, 2, nvnf);
	struct snap_val *lc = add(s, ASN_TIMETICKS, vo, 8, (oid[]){3, 0}, 2);
	if (lc) {
		/* vmHvUpTime at the last row change: the host's uptime then */
		lc->dyn = 3;
		lc->since = snmp_cache_last_change(c);
	}
	add_int(s, ASN_INTEGER, vo, 8, (oid[]){9, 0}, 2, 1);  /* vmPerVMNotificationsEnabled true */
	add_int(s, ASN_INTEGER, vo, 8, (oid[]){10, 0}, 2, 2); /* vmBulkNotificationsEnabled false */

	oid b[MAX_OID_LEN];
	size_t bl;
	/* nfxHugepageTable root.1.2.1.COL.pagesize */
	const struct cfg_reply *mem = snmp_cache_get(c, "memory");
	for (const struct cfg_rel *p = cfg_rel_child(mem ? cfg_reply_root(mem) : NULL, "hugepage-pool"); p;
	     p = cfg_rel_next_same(p)) {
		long sz = num(cfg_rel_value(p, "page-size"), -1);
		if (sz <= 0)
			continue;
		nfx_oid(s, b, &bl, (oid[]){1, 2, 1}, 3);
		add_int(s, ASN_GAUGE, b, bl, (oid[]){2, (oid)sz}, 2, num(cfg_rel_value(p, "total"), 0));
		add_int(s, ASN_GAUGE, b, bl, (oid[]){3, (oid)sz}, 2, num(cfg_rel_value(p, "free"), 0));
	}
	/* nfxHostVlanTable root.1.3.1.COL.vlanid */
	const struct cfg_reply *vl = snmp_cache_get(c, "vlans");
	for (const struct cfg_rel *v = cfg_rel_child(vl ? cfg_reply_root(vl) : NULL, "vlan"); v;
	     v = cfg_rel_next_same(v)) {
		long id = num(cfg_rel_value(v, "vlan-id"), -1);
		if (id < 1 || id > 4094)
			continue;
		/* member ports: by the element name jcpd's `show vlans` uses, or the
		   names a richer host-os reply may use */
		static const char *const member_els[] = {"vlan-member-interface", "member-interface",
		                                         "member-port", "interface-name", NULL};
		char members[256] = "";
		for (size_t k = 0; member_els[k]; k++)
			for (const struct cfg_rel *m = cfg_rel_child(v, member_els[k]); m; m = cfg_rel_next_same(m))
				if (m->text && strlen(members) + strlen(m->text) + 2 < sizeof members)
					snprintf(members + strlen(members), sizeof members - strlen(members), "%s%s",
					         *members ? "," : "", m->text);
		nfx_oid(s, b, &bl, (oid[]){1, 3, 1}, 3);
		add_text(s, b, bl, (oid[]){2, (oid)id}, 2, cfg_rel_value(v, "vlan-name"));
		add_text(s, b, bl, (oid[]){3, (oid)id}, 2, members);
	}
	/* nfxJcpPortTable root.1.4.1.COL.N */
	const struct cfg_reply *ifs = snmp_cache_get(c, "jcp-ifs");
	oid pn = 0;
	for (const struct cfg_rel *p = cfg_rel_child(ifs ? cfg_reply_root(ifs) : NULL, "physical-interface"); p;
	     p = cfg_rel_next_same(p)) {
		const char *name = cfg_rel_value(p, "name");
		if (!name)
			continue;
		pn++;
		const char *adm = cfg_rel_value(p, "admin-status"), *opr = cfg_rel_value(p, "oper-status");
		const struct cfg_rel *lu = cfg_rel_child(p, "logical-interface");
		char vlans[256] = "";
		for (const struct cfg_rel *m = cfg_rel_child(lu, "vlan-member"); m; m = cfg_rel_next_same(m))
			if (m->text && strlen(vlans) + strlen(m->text) + 2 < sizeof vlans)
				snprintf(vlans + strlen(vlans), sizeof vlans - strlen(vlans), "%s%s", *vlans ? "," : "",
				         m->text);
		nfx_oid(s, b, &bl, (oid[]){1, 4, 1}, 3);
		add_text(s, b, bl, (oid[]){2, pn}, 2, name);
		add_int(s, ASN_INTEGER, b, bl, (oid[]){3, pn}, 2, ifindex_of(name));
		add_int(s, ASN_INTEGER, b, bl, (oid[]){4, pn}, 2, !adm ? 3 : !strcmp(adm, "up") ? 1 : 2);
		add_int(s, ASN_INTEGER, b, bl, (oid[]){5, pn}, 2, !opr ? 3 : !strcmp(opr, "up") ? 1 : 2);
		add_text(s, b, bl, (oid[]){6, pn}, 2, cfg_rel_value(lu, "interface-mode"));
		add_text(s, b, bl, (oid[]){7, pn}, 2, vlans);
	}
	/* nfxConfig root.1.5.N.0 */
	const struct cfg_reply *ev = snmp_cache_get(c, "commit-event");
	const struct cfg_reply *cm = snmp_cache_get(c, "commit");
	const struct cfg_rel *newest = cfg_rel_child(cm ? cfg_reply_root(cm) : NULL, "commit-history");
	const struct cfg_rel *evr = ev ? cfg_reply_root(ev) : NULL;
	nfx_oid(s, b, &bl, (oid[]){1, 5}, 2);
	add_int(s, ASN_UNSIGNED, b, bl, (oid[]){1, 0}, 2, num(cfg_rel_value(evr, "sequence-number"), 0));
	add_text(s, b, bl, (oid[]){2, 0}, 2, cfg_rel_value(newest, "date-time"));
	add_text(s, b, bl, (oid[]){3, 0}, 2, cfg_rel_value(newest, "user"));
	nfx_oid(s, b, &bl, (oid[]){1, 6, 1}, 3);
	build_ipsec(s, c, b, bl);
	nfx_oid(s, b, &bl, (oid[]){1, 7, 1}, 3);
	build_l2sites(s, c, b, bl);
	qsort(s->v, s->n, sizeof *s->v, cmp_val);
	s->gen = snmp_cache_gen(c);
	s->built = true;
}

/* ------------------------------------------------------------ lookups */

const struct snap_val *snmp_snap_find(const struct snmp_snap *s, const oid *name, size_t len, bool next)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) { /* first value >= name */
		size_t mid = (lo + hi) / 2;
		if (snmp_oid_compare(s->v[mid].name, s->v[mid].len, name, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == s->n)
		return NULL;
	int c = snmp_oid_compare(s->v[lo].name, s->v[lo].len, name, len);
	if (!next)
		return c == 0 ? &s->v[lo] : NULL;
	if (c == 0)
		lo++;
	return lo < s->n ? &s->v[lo] : NULL;
}

static long host_uptime_ticks(void)
{
	FILE *f = fopen("/proc/uptime", "r");
	double up = 0;
	if (f) {
		if (fscanf(f, "%lf", &up) != 1)
			up = 0;
		fclose(f);
	}
	return (long)(up * 100);
}

long snmp_snap_ticks(const struct snap_val *v)
{
	time_t now = time(NULL);
	switch (v->dyn) {
	case 1:
		return v->since > 0 && now >= v->since ? (long)(now - v->since) * 100 : 0;
	case 2:
		return host_uptime_ticks();
	case 3: {
		long t = host_uptime_ticks() - (long)(now - v->since) * 100;
		return t > 0 ? t : 0;
	}
	default:
		return v->l;
	}
}
