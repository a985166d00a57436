/* jdm_vswitch — the host-os switch on Open vSwitch. See jdm_vswitch.h. */
#include "jdm_vswitch.h"
#include "nfx_netns.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <net/if.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cfg_diff.h"
#include "cfg_err.h"
#include "nfx_log.h"
#include "jdm_hostos.h"
#include "jdm_net.h"
#include "jdm_ovsproc.h"
#include "jdm_vswcfg.h"
#include "nfx_ovsdb.h"
#include "nfx_platform.h"

#define OVSDB_TIMEOUT_MS 20000 /* connecting, answers, and ovs-vswitchd applying a change */

/* `system memory hugepages` too: the DPDK datapath lives on that pool (a
 * commit that changes it retries a DPDK switch that could not start) */
const char *const jdm_vsw_owns[] = {"host-os", "virtual-network-functions",
                                    "system memory hugepages", NULL};

struct port_err {
	char *name;
	char *error;
};

struct jdm_vsw {
	struct cfg_daemon *d;
	char state_dir[PATH_MAX];
	char platform[PATH_MAX];
	bool none;
	struct jdm_ovsproc *proc;
	pthread_mutex_t mu;      /* the OVS work of apply/converge and tick */
	bool converged;          /* converge ran (the tick then watches) */
	bool reconverge;         /* loop thread: an Interface went away: converge the bridge */
	uid_t qemu_uid;
	gid_t qemu_gid;
	/* loop thread: the Interface monitor */
	struct nfx_ovsdb *mon;
	struct port_err *errs;
	size_t nerrs;
};

/* ------------------------------------------------------------ helpers */

/* The Linux interfaces behind hsxe0 and hsxe1 into UP (platform file,
 * else the defaults), and into PEER (may be NULL) the PFE interface an
 * uplink is cabled to as an OVS patch port (a line `sxe-0/0/K IF peer
 * UPLINK cable patch`), else "". */
static void uplinks_peers(const struct jdm_vsw *w, char up[2][32], char (*peer)[32])
{
	for (int i = 0; i < 2; i++) {
		snprintf(up[i], 32, "%s", jdm_vswcfg_uplinks[i]);
		if (peer)
			peer[i][0] = '\0';
	}
	struct nfx_platform *p = nfx_platform_load(w->platform);
	if (!p)
		return;
	for (int i = 0; i < 2; i++) {
		const char *ifn = nfx_platform_ifname(p, jdm_vswcfg_uplinks[i]);
		if (ifn)
			snprintf(up[i], 32, "%s", ifn);
	}
	for (size_t k = 0; peer && k < nfx_platform_count(p); k++) {
		const struct nfx_platform_port *pp = nfx_platform_at(p, k);
		const char *pe = nfx_platform_get(pp, "peer");
		const char *cable = nfx_platform_get(pp, "cable");
		for (int i = 0; pe && cable && !strcmp(cable, "patch") && i < 2; i++)
			if (!strcmp(pe, up[i]))
				snprintf(peer[i], 32, "%s", pp->ifname);
	}
	nfx_platform_free(p);
}

static void uplinks(const struct jdm_vsw *w, char up[2][32])
{
	uplinks_peers(w, up, NULL);
}

static int build(const struct jdm_vsw *w, const struct cfg_tree *t, struct jdm_vswcfg *c)
{
	char up[2][32], peer[2][32];
	uplinks_peers(w, up, peer);
	const char *ups[2] = {up[0], up[1]};
	if (jdm_vswcfg_build(t, ups, c) < 0)
		return -1;
	for (size_t i = 0; i < c->n; i++)
		for (int u = 0; c->ports[i].uplink && u < 2; u++)
			if (!strcmp(c->ports[i].name, up[u]))
				snprintf(c->ports[i].patch_peer, sizeof c->ports[i].patch_peer, "%.15s", peer[u]);
	return 0;
}

/* Names of the ports in scope of one apply: a small set of strings. */
struct names {
	char **v;
	size_t n, cap;
	bool all;
};

static void names_add(struct names *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], name))
			return;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->v = realloc(s->v, s->cap * sizeof *s->v);
		if (!s->v)
			abort();
	}
	s->v[s->n] = strdup(name);
	if (!s->v[s->n])
		abort();
	s->n++;
}

static bool names_has(const struct names *s, const char *name)
{
	if (s->all)
		return true;
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], name))
			return true;
	return false;
}

static void names_free(struct names *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof *s);
}

/* ------------------------------------------------------------ OVSDB state */

/* What the database holds of our bridge. */
struct cur_port {
	const char *name;
	const char *uuid;
	const char *if_uuid;
	json_t *row;     /* Port row (borrowed from the result) */
	json_t *ifrow;   /* its Interface row, or NULL */
};

struct cur {
	json_t *res;        /* the select result (owned) */
	const char *root;   /* Open_vSwitch row uuid, or NULL when the table is empty */
	json_t *other_config;
	const char *bridge; /* ovs-sys-br uuid, or NULL */
	const char *dp_type;
	struct cur_port *ports;
	size_t n;
};

static void cur_free(struct cur *c)
{
	json_decref(c->res);
	free(c->ports);
	memset(c, 0, sizeof *c);
}

static json_t *find_uuid_row(json_t *rows, const char *uuid)
{
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		const char *u = nfx_ovsdb_uuid_str(json_object_get(r, "_uuid"));
		if (u && !strcmp(u, uuid))
			return r;
	}
	return NULL;
}

static int read_cur(struct nfx_ovsdb_sync *s, struct cur *c)
{
	memset(c, 0, sizeof *c);
	json_t *ops = json_pack(
	    "[{s:s, s:s, s:[], s:[s, s]},"
	    " {s:s, s:s, s:[[s, s, s]], s:[s, s, s]},"
	    " {s:s, s:s, s:[], s:[s, s, s, s, s, s, s]},"
	    " {s:s, s:s, s:[], s:[s, s, s, s]}]",
	    "op", "select", "table", "Open_vSwitch", "where", "columns", "_uuid", "other_config",
	    "op", "select", "table", "Bridge", "where", "name", "==", JDM_VSWCFG_BRIDGE, "columns",
	    "_uuid", "ports", "datapath_type",
	    "op", "select", "table", "Port", "where", "columns", "_uuid", "name", "tag", "trunks",
	    "vlan_mode", "interfaces", "external_ids",
	    "op", "select", "table", "Interface", "where", "columns", "_uuid", "name", "type", "options");
	int rc = nfx_ovsdb_sync_transact(s, ops, &c->res);
	if (rc == 0)
		rc = nfx_ovsdb_txn_check(c->res, 4);
	json_decref(ops);
	if (rc < 0) {
		cur_free(c);
		return -1;
	}
	json_t *root = json_array_get(json_object_get(json_array_get(c->res, 0), "rows"), 0);
	if (root) {
		c->root = nfx_ovsdb_uuid_str(json_object_get(root, "_uuid"));
		c->other_config = json_object_get(root, "other_config");
	}
	json_t *br = json_array_get(json_object_get(json_array_get(c->res, 1), "rows"), 0);
	if (!br)
		return 0;
	c->bridge = nfx_ovsdb_uuid_str(json_object_get(br, "_uuid"));
	c->dp_type = json_string_value(json_object_get(br, "datapath_type"));
	json_t *prow = json_object_get(json_array_get(c->res, 2), "rows");
	json_t *irow = json_object_get(json_array_get(c->res, 3), "rows");
	json_t *pv = json_object_get(br, "ports");
	json_t *items, *one;
	size_t n = nfx_ovsdb_set_items(pv, &items, &one);
	c->ports = calloc(n ? n : 1, sizeof *c->ports);
	if (!c->ports)
		abort();
	for (size_t i = 0; i < n; i++) {
		const char *pu = nfx_ovsdb_uuid_str(items ? json_array_get(items, i) : one);
		json_t *p = pu ? find_uuid_row(prow, pu) : NULL;
		if (!p)
			continue;
		struct cur_port *cp = &c->ports[c->n++];
		cp->name = json_string_value(json_object_get(p, "name"));
		cp->uuid = pu;
		cp->row = p;
		cp->if_uuid = nfx_ovsdb_uuid_str(nfx_ovsdb_set_at(json_object_get(p, "interfaces"), 0));
		cp->ifrow = cp->if_uuid ? find_uuid_row(irow, cp->if_uuid) : NULL;
		if (!cp->name)
			c->n--;
	}
	return 0;
}

static const struct cur_port *cur_find(const struct cur *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->ports[i].name, name))
			return &c->ports[i];
	return NULL;
}

/* A port another row of jdmd made on this bridge (external_ids
 * nfx-owner, e.g. sriov's emulated VFs): never removed here. */
static bool foreign(json_t *port_row)
{
	json_t *o = nfx_ovsdb_map_get(json_object_get(port_row, "external_ids"), "nfx-owner");
	return json_is_string(o) && strcmp(json_string_value(o), "host-os-switch");
}

/* ------------------------------------------------------------ ops */

static json_t *int_set(const int *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_integer(v[i]));
	json_t *s = nfx_ovsdb_set(a);
	json_decref(a);
	return s;
}

static json_t *empty_set(void)
{
	return json_pack("[s, []]", "set");
}

/* The vlan_mode column we write: only native-untagged is spelled out
 * (access and trunk follow from tag / trunks, as ovs-vsctl leaves them). */
static const char *mode_col(const struct jdm_vswcfg_port *p)
{
	return strcmp(p->vlan_mode, "native-untagged") ? NULL : p->vlan_mode;
}

/* Port columns for P: tag, trunks, vlan_mode. */
static json_t *port_vlan_cols(const struct jdm_vswcfg_port *p)
{
	json_t *row = json_object();
	bool access = !strcmp(p->vlan_mode, "access");
	json_object_set_new(row, "tag", p->tag ? json_integer(p->tag) : empty_set());
	json_object_set_new(row, "trunks", access ? empty_set() : int_set(p->trunks, p->ntrunks));
	const char *m = mode_col(p);
	json_object_set_new(row, "vlan_mode", m ? json_string(m) : empty_set());
	return row;
}

/* Do the current Port row's VLAN columns equal P's? */
static bool port_vlans_equal(json_t *row, const struct jdm_vswcfg_port *p)
{
	json_t *tag = json_object_get(row, "tag");
	int t = json_is_integer(tag) ? (int)json_integer_value(tag) : 0;
	if (t != p->tag)
		return false;
	bool access = !strcmp(p->vlan_mode, "access");
	json_t *items, *one;
	size_t n = nfx_ovsdb_set_items(json_object_get(row, "trunks"), &items, &one);
	size_t want = access ? 0 : p->ntrunks;
	if (n != want)
		return false;
	for (size_t i = 0; i < n; i++) {
		json_t *v = items ? json_array_get(items, i) : one;
		bool found = false;
		for (size_t k = 0; k < want; k++)
			if (json_integer_value(v) == p->trunks[k])
				found = true;
		if (!found)
			return false;
	}
	const char *m = json_string_value(json_object_get(row, "vlan_mode"));
	const char *wm = mode_col(p);
	return (!m && !wm) || (m && wm && !strcmp(m, wm));
}

/* Interface type and its one option (key "" for none) of P under datapath
 * DPDK: a system port, a dpdkvhostuserclient port on the VNF's socket, or
 * (an uplink cabled so) a patch port to the PFE's interface. */
struct iface {
	const char *type;
	const char *key;
	char val[PATH_MAX];
};

static void iface_cols(const struct jdm_vsw *w, const struct jdm_vswcfg_port *p, bool dpdk,
                       struct iface *f)
{
	f->type = "";
	f->key = "";
	f->val[0] = '\0';
	if (dpdk && !p->uplink) {
		f->type = "dpdkvhostuserclient";
		f->key = "vhost-server-path";
		jdm_vswcfg_vhost_path(w->state_dir, p->vnf, p->name, f->val, sizeof f->val);
	} else if (p->uplink && p->patch_peer[0]) {
		f->type = "patch";
		f->key = "peer";
		snprintf(f->val, sizeof f->val, "%s", p->patch_peer);
	}
}

static json_t *iface_options(const struct iface *f)
{
	json_t *o = json_object();
	if (*f->key)
		json_object_set_new(o, f->key, json_string(f->val));
	json_t *m = nfx_ovsdb_map(o);
	json_decref(o);
	return m;
}

static bool iface_equal(json_t *ifrow, const struct iface *f)
{
	if (!ifrow)
		return false;
	const char *t = json_string_value(json_object_get(ifrow, "type"));
	if (strcmp(t ? t : "", f->type))
		return false;
	json_t *opts = json_object_get(ifrow, "options");
	size_t nopts = json_array_size(json_array_get(opts, 1));
	if (*f->key) {
		const char *have = json_string_value(nfx_ovsdb_map_get(opts, f->key));
		return have && !strcmp(have, f->val) && nopts == 1;
	}
	return nopts == 0;
}

static void op_insert_port(const struct jdm_vsw *w, json_t *ops, json_t *named,
                           const struct jdm_vswcfg_port *p, bool dpdk, unsigned k)
{
	struct iface f;
	iface_cols(w, p, dpdk, &f);
	char in[32], pn[32];
	snprintf(in, sizeof in, "i%u", k);
	snprintf(pn, sizeof pn, "p%u", k);
	json_array_append_new(ops, json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:o}}", "op", "insert",
	                                     "table", "Interface", "uuid-name", in, "row", "name",
	                                     p->name, "type", f.type, "options", iface_options(&f)));
	json_t *row = port_vlan_cols(p);
	json_object_set_new(row, "name", json_string(p->name));
	json_object_set_new(row, "interfaces", nfx_ovsdb_named_uuid(in));
	json_t *ext = json_object();
	json_object_set_new(ext, "nfx-owner", json_string("host-os-switch"));
	if (p->vnf) {
		json_object_set_new(ext, "nfx-vnf", json_string(p->vnf));
		json_object_set_new(ext, "nfx-interface", json_string(p->ifname));
		json_object_set_new(ext, "nfx-name", json_string(p->long_name));
	} else {
		json_object_set_new(ext, "nfx-uplink", json_string(p->ifname));
	}
	json_object_set_new(row, "external_ids", nfx_ovsdb_map(ext));
	json_decref(ext);
	json_array_append_new(ops, json_pack("{s:s, s:s, s:s, s:o}", "op", "insert", "table", "Port",
	                                     "uuid-name", pn, "row", row));
	json_array_append_new(named, nfx_ovsdb_named_uuid(pn));
}

static json_t *where_uuid(const char *uuid)
{
	return json_pack("[[s, s, o]]", "_uuid", "==", nfx_ovsdb_uuid(uuid));
}

/* The DPDK keys of other_config that C wants (an object), and whether the
 * current map differs. */
static const char *const dpdk_keys[] = {"dpdk-init", "dpdk-socket-mem", "dpdk-lcore-mask",
                                        "dpdk-extra"};

static json_t *dpdk_want(const struct jdm_vswcfg *c)
{
	json_t *o = json_object();
	if (!c->dpdk)
		return o;
	char mem[32];
	snprintf(mem, sizeof mem, "%u", c->socket_mem);
	json_object_set_new(o, "dpdk-init", json_string("true"));
	json_object_set_new(o, "dpdk-socket-mem", json_string(mem));
	if (c->lcore_mask)
		json_object_set_new(o, "dpdk-lcore-mask", json_string(c->lcore_mask));
	if (c->no_pci)
		json_object_set_new(o, "dpdk-extra", json_string("--no-pci"));
	return o;
}

static bool dpdk_differs(json_t *other_config, json_t *want)
{
	for (size_t i = 0; i < sizeof dpdk_keys / sizeof dpdk_keys[0]; i++) {
		const char *have = json_string_value(nfx_ovsdb_map_get(other_config, dpdk_keys[i]));
		const char *w = json_string_value(json_object_get(want, dpdk_keys[i]));
		if ((!have) != (!w) || (have && strcmp(have, w)))
			return true;
	}
	return false;
}

static void op_dpdk(json_t *ops, json_t *want)
{
	json_t *keys = json_array();
	for (size_t i = 0; i < sizeof dpdk_keys / sizeof dpdk_keys[0]; i++)
		json_array_append_new(keys, json_string(dpdk_keys[i]));
	json_t *ks = nfx_ovsdb_set(keys);
	json_decref(keys);
	json_array_append_new(ops, json_pack("{s:s, s:s, s:[], s:[[s, s, o], [s, s, o]]}", "op",
	                                     "mutate", "table", "Open_vSwitch", "where", "mutations",
	                                     "other_config", "delete", ks, "other_config", "insert",
	                                     nfx_ovsdb_map(want)));
}

/* ------------------------------------------------------------ taps */

static bool is_tap(const char *name)
{
	char kind[32];
	return jdm_net_link_kind(name, kind, sizeof kind) == 0 && !strcmp(kind, "tun");
}

/* Make P's tap (netdev datapath). *MADE: it did not exist before. */
static int tap_make(const struct jdm_vsw *w, const struct jdm_vswcfg_port *p, bool *made)
{
	*made = if_nametoindex(p->name) == 0;
	if (!*made && jdm_net_tap_add(p->name, w->qemu_uid, w->qemu_gid) < 0)
		return -1;
	if (*made && jdm_net_tap_new(p->name, w->qemu_uid) < 0)
		return -1;
	return jdm_net_link_up_alias(p->name, p->long_name) < 0 ? -1 : 0;
}

/* ------------------------------------------------------------ sync */

static long long tnow(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Make ovs-sys-br match C for the ports in SCOPE (all: also remove ports
 * the configuration does not have). One transaction; with WAIT until
 * ovs-vswitchd applied it. CHANGED counts the ports written. 0 or -1
 * (cfg_err set; nothing written). */
static int sync_bridge(struct jdm_vsw *w, const struct jdm_vswcfg *c, const struct names *scope,
                       bool wait, size_t *changed)
{
	*changed = 0;
	long long t_start = tnow();
	struct nfx_ovsdb_sync *s =
	    nfx_ovsdb_sync_open(jdm_ovsproc_db_sock(w->proc), "Open_vSwitch", OVSDB_TIMEOUT_MS);
	if (!s)
		return cfg_err_set("the host-os switch cannot be reached: %s", cfg_err_msg());
	/* the read is a round trip of its own: a server that does not answer
	   is found out before anything is sent that it could apply later */
	struct cur cur;
	if (read_cur(s, &cur) < 0) {
		nfx_ovsdb_sync_close(s);
		return cfg_err_set("the host-os switch cannot be reached: %s", cfg_err_msg());
	}
	if (getenv("NFX_VSW_TIMING"))
		nfx_log(LOG_DEBUG, "host-os switch timing: read %lld us", (long long)(tnow() - t_start));
	json_t *ops = json_array();
	json_t *named = json_array();
	json_t *del = json_array();
	unsigned k = 0;
	if (!cur.root)
		json_array_append_new(ops, json_pack("{s:s, s:s, s:{}}", "op", "insert", "table",
		                                     "Open_vSwitch", "row"));
	json_t *want = dpdk_want(c);
	if (dpdk_differs(cur.other_config, want))
		op_dpdk(ops, want);
	json_decref(want);
	/* taps first: a port finds its tap when ovs-vswitchd adds it */
	char **made = calloc(c->n + 1, sizeof *made);
	size_t nmade = 0;
	int rc = 0;
	for (size_t i = 0; i < c->n && rc == 0; i++) {
		const struct jdm_vswcfg_port *p = &c->ports[i];
		if (p->uplink || c->dpdk || !names_has(scope, p->name))
			continue;
		bool m;
		rc = tap_make(w, p, &m);
		if (m)
			made[nmade++] = strdup(p->name);
	}
	for (size_t i = 0; i < c->n && rc == 0; i++) {
		const struct jdm_vswcfg_port *p = &c->ports[i];
		if (!names_has(scope, p->name))
			continue;
		const struct cur_port *cp = cur.bridge ? cur_find(&cur, p->name) : NULL;
		if (!cp) {
			op_insert_port(w, ops, named, p, c->dpdk, k++);
			(*changed)++;
			continue;
		}
		bool touched = false;
		if (!port_vlans_equal(cp->row, p)) {
			json_array_append_new(ops, json_pack("{s:s, s:s, s:o, s:o}", "op", "update", "table",
			                                     "Port", "where", where_uuid(cp->uuid), "row",
			                                     port_vlan_cols(p)));
			touched = true;
		}
		struct iface f;
		iface_cols(w, p, c->dpdk, &f);
		if (cp->if_uuid && !iface_equal(cp->ifrow, &f)) {
			json_array_append_new(ops, json_pack("{s:s, s:s, s:o, s:{s:s, s:o}}", "op", "update",
			                                     "table", "Interface", "where",
			                                     where_uuid(cp->if_uuid), "row", "type", f.type,
			                                     "options", iface_options(&f)));
			touched = true;
		}
		if (touched)
			(*changed)++;
	}
	/* ports that left the configuration */
	struct names gone = {0};
	for (size_t i = 0; i < cur.n && rc == 0; i++) {
		const struct cur_port *cp = &cur.ports[i];
		if (!strcmp(cp->name, JDM_VSWCFG_BRIDGE) || !names_has(scope, cp->name) ||
		    jdm_vswcfg_find(c, cp->name) || foreign(cp->row))
			continue;
		json_array_append_new(del, nfx_ovsdb_uuid(cp->uuid));
		names_add(&gone, cp->name);
		(*changed)++;
	}
	if (rc == 0 && !cur.bridge) {
		json_array_append_new(ops, json_pack("{s:s, s:s, s:s, s:{s:s, s:s}}", "op", "insert",
		                                     "table", "Interface", "uuid-name", "ibr", "row",
		                                     "name", JDM_VSWCFG_BRIDGE, "type", "internal"));
		json_array_append_new(ops, json_pack("{s:s, s:s, s:s, s:{s:s, s:[s, s]}}", "op",
		                                     "insert", "table", "Port", "uuid-name", "pbr", "row",
		                                     "name", JDM_VSWCFG_BRIDGE, "interfaces",
		                                     "named-uuid", "ibr"));
		json_array_append_new(named, nfx_ovsdb_named_uuid("pbr"));
		json_array_append_new(ops, json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:o}}", "op",
		                                     "insert", "table", "Bridge", "uuid-name", "br", "row",
		                                     "name", JDM_VSWCFG_BRIDGE, "datapath_type", "netdev",
		                                     "ports", nfx_ovsdb_set(named)));
		json_array_append_new(ops, json_pack("{s:s, s:s, s:[], s:[[s, s, [s, [[s, s]]]]]}", "op",
		                                     "mutate", "table", "Open_vSwitch", "where",
		                                     "mutations", "bridges", "insert", "set",
		                                     "named-uuid", "br"));
	} else if (rc == 0) {
		if (!cur.dp_type || strcmp(cur.dp_type, "netdev"))
			json_array_append_new(ops, json_pack("{s:s, s:s, s:o, s:{s:s}}", "op", "update",
			                                     "table", "Bridge", "where",
			                                     where_uuid(cur.bridge), "row", "datapath_type",
			                                     "netdev"));
		json_t *muts = json_array();
		if (json_array_size(del))
			json_array_append_new(muts, json_pack("[s, s, o]", "ports", "delete", nfx_ovsdb_set(del)));
		if (json_array_size(named))
			json_array_append_new(muts, json_pack("[s, s, o]", "ports", "insert", nfx_ovsdb_set(named)));
		if (json_array_size(muts))
			json_array_append_new(ops, json_pack("{s:s, s:s, s:o, s:O}", "op", "mutate", "table",
			                                     "Bridge", "where", where_uuid(cur.bridge),
			                                     "mutations", muts));
		json_decref(muts);
	}
	if (getenv("NFX_VSW_TIMING"))
		nfx_log(LOG_DEBUG, "host-os switch timing: taps+ops %lld us", (long long)(tnow() - t_start));
	if (rc == 0 && json_array_size(ops) > 0) {
		rc = nfx_ovsdb_commit(s, ops, wait, NULL);
		if (getenv("NFX_VSW_TIMING"))
			nfx_log(LOG_DEBUG, "host-os switch timing: +commit %lld us", (long long)(tnow() - t_start));
		if (rc < 0)
			cfg_err_set("the host-os switch refused the change: %s", cfg_err_msg());
	}
	if (rc < 0) {
		/* nothing was written: the taps made for it go again */
		char msg[1024];
		snprintf(msg, sizeof msg, "%s", cfg_err_msg());
		for (size_t i = 0; i < nmade; i++)
			jdm_net_link_del(made[i]);
		cfg_err_set("%s", msg);
	} else {
		for (size_t i = 0; i < gone.n; i++)
			if (is_tap(gone.v[i]))
				jdm_net_link_del(gone.v[i]);
		/* the dpdk datapath has no taps */
		for (size_t i = 0; c->dpdk && i < c->n; i++)
			if (!c->ports[i].uplink && names_has(scope, c->ports[i].name) &&
			    is_tap(c->ports[i].name))
				jdm_net_link_del(c->ports[i].name);
	}
	for (size_t i = 0; i < nmade; i++)
		free(made[i]);
	free(made);
	names_free(&gone);
	json_decref(ops);
	json_decref(named);
	json_decref(del);
	cur_free(&cur);
	nfx_ovsdb_sync_close(s);
	return rc;
}

/* ------------------------------------------------------------ the monitor */

static void errs_clear(struct jdm_vsw *w)
{
	for (size_t i = 0; i < w->nerrs; i++) {
		free(w->errs[i].name);
		free(w->errs[i].error);
	}
	free(w->errs);
	w->errs = NULL;
	w->nerrs = 0;
}

static void errs_set(struct jdm_vsw *w, const char *name, const char *error)
{
	for (size_t i = 0; i < w->nerrs; i++)
		if (!strcmp(w->errs[i].name, name)) {
			free(w->errs[i].error);
			w->errs[i].error = error ? strdup(error) : NULL;
			return;
		}
	if (!error)
		return;
	struct port_err *ne = realloc(w->errs, (w->nerrs + 1) * sizeof *ne);
	if (!ne)
		return;
	w->errs = ne;
	w->errs[w->nerrs++] = (struct port_err){strdup(name), strdup(error)};
}

static void on_iface_update(void *ctx, json_t *updates, bool initial)
{
	struct jdm_vsw *w = ctx;
	if (initial)
		errs_clear(w);
	const char *uuid;
	json_t *row;
	json_object_foreach(json_object_get(updates, "Interface"), uuid, row) {
		json_t *nw = json_object_get(row, "new");
		json_t *old = json_object_get(row, "old");
		const char *name = json_string_value(json_object_get(nw ? nw : old, "name"));
		if (!name)
			continue;
		if (!nw) {
			errs_set(w, name, NULL);
			/* a port of ours that somebody removed comes back (a commit's own
			   removals make this a no-op) */
			w->reconverge = true;
			continue;
		}
		/* "new" holds every monitored column; "old" only those that changed */
		const char *es = json_string_value(json_object_get(nw, "error")); /* a set when none */
		if (es && (!old || json_object_get(old, "error")))
			nfx_log(LOG_WARNING, "host-os switch: interface %s: %s", name, es);
		errs_set(w, name, es);
	}
}

static void start_monitor(struct jdm_vsw *w)
{
	if (w->mon)
		return;
	w->mon = nfx_ovsdb_new(cfg_daemon_loop(w->d), jdm_ovsproc_db_sock(w->proc), "Open_vSwitch",
	                       1000);
	if (!w->mon)
		return;
	json_t *req = json_pack("{s:{s:[s, s]}}", "Interface", "columns", "name", "error");
	nfx_ovsdb_monitor(w->mon, req, on_iface_update, w);
	json_decref(req);
}

static const char *port_error(void *ctx, const char *name)
{
	return jdm_vsw_port_error(ctx, name);
}

const char *jdm_vsw_port_error(const struct jdm_vsw *w, const char *name)
{
	for (size_t i = 0; w && i < w->nerrs; i++)
		if (!strcmp(w->errs[i].name, name))
			return w->errs[i].error;
	return NULL;
}

/* ------------------------------------------------------------ the row */

struct jdm_vsw *jdm_vsw_new(struct cfg_daemon *d, const struct jdm_vsw_opts *o)
{
	struct jdm_vsw *w = calloc(1, sizeof *w);
	if (!w) {
		cfg_err_set("out of memory");
		return NULL;
	}
	w->d = d;
	/* outside a network namespace made for the appliance (a jdmd a test
	   starts by hand in the machine's own), the host-os switch is
	   configuration only, as with no hypervisor: no OVS is started there */
	w->none = o->config_only || !nfx_netns_may_network();
	if (w->none && !o->config_only)
		fprintf(stderr, "jdmd: not in the appliance's network namespace: the host-os switch "
		                "is configuration only (no Open vSwitch)\n");
	pthread_mutex_init(&w->mu, NULL);
	snprintf(w->state_dir, sizeof w->state_dir, "%s", o->state_dir);
	if (o->platform)
		snprintf(w->platform, sizeof w->platform, "%s", o->platform);
	else
		snprintf(w->platform, sizeof w->platform, "%s/platform.conf", o->state_dir);
	w->qemu_uid = (uid_t)-1;
	w->qemu_gid = (gid_t)-1;
	const char *force = getenv("NFX_QEMU_USER");
	struct passwd *pw = force && !strcmp(force, "root") ? NULL : getpwnam("libvirt-qemu");
	struct group *gr = getgrnam("kvm");
	if (pw && gr) {
		w->qemu_uid = pw->pw_uid;
		w->qemu_gid = gr->gr_gid;
	}
	if (!w->none && !(w->proc = jdm_ovsproc_new(o->state_dir))) {
		jdm_vsw_free(w);
		return NULL;
	}
	if (!w->none)
		jdm_hostos_set_port_errors(port_error, w);
	return w;
}

void jdm_vsw_free(struct jdm_vsw *w)
{
	if (!w)
		return;
	if (!w->none)
		jdm_hostos_set_port_errors(NULL, NULL);
	nfx_ovsdb_free(w->mon);
	errs_clear(w);
	jdm_ovsproc_free(w->proc);
	pthread_mutex_destroy(&w->mu);
	free(w);
}

void jdm_vsw_validate(void *ctx, const struct cfg_tree *new_tree, const struct cfg_diff *diff,
                      struct cfg_findings *fs)
{
	(void)ctx;
	(void)diff;
	jdm_vswcfg_validate(new_tree, fs);
}

/* Ports of the VNF entries the diff touches, old and new. */
static void scope_entry(void *ctx, enum cfg_diff_op op, const struct cfg_node *old_entry,
                        const struct cfg_node *new_entry)
{
	(void)op;
	struct names *s = ctx;
	const struct cfg_node *e[2] = {old_entry, new_entry};
	for (int k = 0; k < 2; k++) {
		if (!e[k] || !e[k]->value)
			continue;
		/* every interface of the VNF, mapped or not (a mapping may have
		   gone): names as they would be */
		for (struct cfg_node *i = cfg_node_child(cfg_node_child(e[k], "interfaces", NULL, 0),
		                                         "interface", NULL, 0);
		     i; i = cfg_node_next_same(i, 0)) {
			char pn[JDM_VSWCFG_PORT_MAX + 1];
			if (i->value && jdm_vswcfg_port_name(e[k]->value, i->value, pn) >= 0 && pn[0])
				names_add(s, pn);
		}
	}
}

/* The last error line of ovs-vswitchd's output (its DPDK EAL messages),
 * after the last '|', into BUF. */
static void last_error(const struct jdm_vsw *w, char *buf, size_t n)
{
	char path[PATH_MAX + 32], line[512];
	snprintf(buf, n, "see %s/ovs-vswitchd.log", jdm_ovsproc_dir(w->proc));
	snprintf(path, sizeof path, "%s/ovs-vswitchd.out", jdm_ovsproc_dir(w->proc));
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof line, f))
		if (strstr(line, "|ERR|") || strstr(line, "|EMER|")) {
			line[strcspn(line, "\n")] = '\0';
			const char *bar = strrchr(line, '|');
			snprintf(buf, n, "%.380s", bar ? bar + 1 : line);
		}
	fclose(f);
}

/* After ovs-vswitchd-dpdk started: until Open_vSwitch dpdk_initialized is
 * true. 0, or -1 (cfg_err: why DPDK did not come up). */
static int wait_dpdk(struct jdm_vsw *w)
{
	struct nfx_ovsdb_sync *s =
	    nfx_ovsdb_sync_open(jdm_ovsproc_db_sock(w->proc), "Open_vSwitch", OVSDB_TIMEOUT_MS);
	if (!s)
		return -1;
	json_t *sel = json_pack("[{s:s, s:s, s:[], s:[s]}]", "op", "select", "table", "Open_vSwitch",
	                        "where", "columns", "dpdk_initialized");
	int rc = -1;
	for (int i = 0; i < OVSDB_TIMEOUT_MS / 200; i++) {
		json_t *res;
		if (nfx_ovsdb_sync_transact(s, sel, &res) < 0)
			break;
		json_t *v = json_object_get(
		    json_array_get(json_object_get(json_array_get(res, 0), "rows"), 0), "dpdk_initialized");
		bool up = json_is_true(v);
		json_decref(res);
		if (up) {
			rc = 0;
			break;
		}
		if (i > 2 && jdm_ovsproc_pid(w->proc, JDM_OVS_SWITCH) < 0)
			break; /* it gave up: EAL said why */
		struct timespec ts = {0, 200 * 1000000};
		nanosleep(&ts, NULL);
	}
	json_decref(sel);
	nfx_ovsdb_sync_close(s);
	if (rc < 0) {
		char why[400];
		last_error(w, why, sizeof why);
		cfg_err_set("ovs-vswitchd-dpdk did not initialize DPDK: %s", why);
	}
	return rc;
}

/* Start OVS (the build T's datapath needs), then make the bridge match T
 * for SCOPE. */
static int realise(struct jdm_vsw *w, const struct cfg_tree *t, const struct names *scope,
                   bool wait, struct cfg_buf *out, struct cfg_findings *fs)
{
	(void)out;
	struct jdm_vswcfg c;
	if (build(w, t, &c) < 0) {
		cfg_findings_add_line(fs, "host-os switch: %s", cfg_err_msg());
		return -1;
	}
	pthread_mutex_lock(&w->mu);
	int rc = 0;
	size_t changed = 0;
	if (c.dpdk != jdm_ovsproc_dpdk(w->proc) || jdm_ovsproc_pid(w->proc, JDM_OVS_DB) < 0 ||
	    jdm_ovsproc_pid(w->proc, JDM_OVS_SWITCH) < 0) {
		/* the other build of ovs-vswitchd reads its DPDK settings at start:
		   the database has them first */
		if (jdm_ovsproc_pid(w->proc, JDM_OVS_DB) < 0 && jdm_ovsproc_ensure(w->proc, jdm_ovsproc_dpdk(w->proc)) < 0)
			rc = -1;
		struct names none = {0};
		if (rc == 0 && c.dpdk)
			rc = sync_bridge(w, &c, &none, false, &changed);
		if (rc == 0)
			rc = jdm_ovsproc_ensure(w->proc, c.dpdk);
		if (rc == 0 && c.dpdk)
			rc = wait_dpdk(w);
	}
	if (rc == 0)
		rc = sync_bridge(w, &c, scope, wait, &changed);
	pthread_mutex_unlock(&w->mu);
	if (rc < 0) {
		struct cfg_node *at = cfg_tree_at(t, NULL, "host-os", CFG_AT_ACTIVE);
		if (at)
			cfg_findings_add(fs, at, NULL, "%s", cfg_err_msg());
		else
			cfg_findings_add_line(fs, "%s", cfg_err_msg());
	}
	jdm_vswcfg_free(&c);
	return rc;
}

int jdm_vsw_apply(void *ctx, const struct cfg_diff *diff, struct cfg_buf *out,
                  struct cfg_findings *fs)
{
	struct jdm_vsw *w = ctx;
	if (w->none)
		return 0;
	struct names scope = {0};
	if (cfg_diff_touches(diff, "host-os") || cfg_diff_touches(diff, "system memory hugepages"))
		scope.all = true;
	else {
		cfg_diff_entries(diff, "virtual-network-functions", scope_entry, &scope);
		/* the uplinks carry the VFs' VLANs too: looked at, written only
		   when they change */
		if (scope.n)
			for (int u = 0; u < 2; u++) {
				char up[2][32];
				uplinks(w, up);
				names_add(&scope, up[u]);
			}
	}
	int rc = 0;
	if (scope.all || scope.n)
		rc = realise(w, cfg_diff_new_tree(diff), &scope, true, out, fs);
	names_free(&scope);
	return rc;
}

int jdm_vsw_converge(void *ctx, const struct cfg_tree *active, struct cfg_buf *out,
                     struct cfg_findings *fs)
{
	struct jdm_vsw *w = ctx;
	if (w->none)
		return 0;
	struct names all = {.all = true};
	int rc = realise(w, active, &all, true, out, fs);
	pthread_mutex_lock(&w->mu);
	w->converged = true;
	pthread_mutex_unlock(&w->mu);
	return rc;
}

void jdm_vsw_tick(void *ctx)
{
	struct jdm_vsw *w = ctx;
	if (w->none)
		return;
	pthread_mutex_lock(&w->mu);
	bool go = w->converged;
	pthread_mutex_unlock(&w->mu);
	if (!go)
		return;
	start_monitor(w);
	int r = jdm_ovsproc_check(w->proc);
	if (r < 0) {
		nfx_log(LOG_ERR, "host-os switch: %s", cfg_err_msg());
		return;
	}
	if (r == 0 && !w->reconverge)
		return;
	/* while a commit runs, the active tree is the one it replaces (and this
	   row may have applied the new one already): converge after it */
	if (cfg_daemon_commit_busy(w->d)) {
		w->reconverge = true;
		return;
	}
	w->reconverge = false;
	/* it came back: put the bridge back as the configuration has it */
	struct cfg_findings fs = {0};
	struct names all = {.all = true};
	if (realise(w, cfg_daemon_active(w->d), &all, false, NULL, &fs) < 0)
		nfx_log(LOG_ERR, "host-os switch: %s",
		        fs.n && fs.f[0].msg ? fs.f[0].msg : cfg_err_msg());
	else
		nfx_log(LOG_NOTICE, "host-os switch: ovs-sys-br converged (%s)",
		        r > 0 ? "after the restart" : "a port had gone");
	cfg_findings_free(&fs);
}
