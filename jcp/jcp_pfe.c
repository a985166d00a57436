/* jcp_pfe — the PFE switch on Open vSwitch. See jcp_pfe.h. */
#include "jcp_pfe.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cfg_err.h"
#include "jcp_ops.h"
#include "nfx_ovsdb.h"

#define A CFG_AT_ACTIVE
#define MAXP 32 /* ports of the box (jcp_ops) */
#define OVS_APPCTL "/usr/bin/ovs-appctl"

struct jcp_pfe {
	const struct nfx_platform *plat;
	char *ovs_dir, *sock;
	unsigned wait_ms;
	/* the ports of the box that the platform file places: name, ifname */
	const char *port[MAXP], *ifname[MAXP];
	const char *patch_peer[MAXP]; /* `cable patch`: the OVS patch port's peer, else NULL */
	size_t nport;

	pthread_mutex_t ovs_mu;   /* one writer to OVSDB at a time (apply, converge thread) */
	pthread_mutex_t state_mu; /* want, have_want, dirty, stop */
	pthread_cond_t cond;      /* dirty or stop */
	struct jcp_pfe_want want[MAXP];
	bool have_want;           /* converge or an apply has set want */
	bool dirty, stop;
	pthread_t thread;
	bool thread_started;

	/* the loop thread's */
	struct nfx_ovsdb *mon;
	json_t *rep_bridge, *rep_port, *rep_iface; /* uuid -> row */
	bool rep_valid;
};

/* ------------------------------------------------------------ what is wanted */

static void vid_set(uint64_t *v, int id)
{
	v[id / 64] |= (uint64_t)1 << (id % 64);
}

static bool vid_has(const uint64_t *v, int id)
{
	return v[id / 64] & ((uint64_t)1 << (id % 64));
}

void jcp_pfe_want_of(const struct cfg_node *root, const char *port, struct jcp_pfe_want *w)
{
	memset(w, 0, sizeof *w);
	const struct cfg_node *i =
	    cfg_node_child(cfg_node_child(root, "interfaces", NULL, A), "interface", port, A);
	const struct cfg_node *es = cfg_node_child(
	    cfg_node_child(cfg_node_child(i, "unit", "0", A), "family", NULL, A), "ethernet-switching", NULL, A);
	if (!es)
		return;
	const char *mode = cfg_node_value(es, "interface-mode", A);
	w->trunk = mode && !strcmp(mode, "trunk");
	const struct cfg_node *vl = cfg_node_child(es, "vlan", NULL, A);
	for (const struct cfg_node *m = cfg_node_child(vl, "members", NULL, A); m; m = cfg_node_next_same(m, A)) {
		long id = m->value ? jcp_ops_vlan_id(root, m->value) : -1;
		if (id < 1 || id > 4094)
			continue;
		if (!w->on)
			w->tag = (int)id;
		w->on = true;
		vid_set(w->vids, (int)id);
	}
	if (!w->trunk)
		memset(w->vids, 0, sizeof w->vids);
}

static bool want_eq(const struct jcp_pfe_want *a, const struct jcp_pfe_want *b)
{
	if (a->on != b->on)
		return false;
	if (!a->on)
		return true;
	if (a->trunk != b->trunk)
		return false;
	return a->trunk ? !memcmp(a->vids, b->vids, sizeof a->vids) : a->tag == b->tag;
}

static int port_index(const struct jcp_pfe *p, const char *port)
{
	for (size_t i = 0; i < p->nport; i++)
		if (!strcmp(p->port[i], port))
			return (int)i;
	return -1;
}

static int ifname_index(const struct jcp_pfe *p, const char *ifname)
{
	for (size_t i = 0; ifname && i < p->nport; i++)
		if (!strcmp(p->ifname[i], ifname))
			return (int)i;
	return -1;
}

/* --------------------------------------------------------------- OVSDB rows */

static json_t *empty_set(void)
{
	json_t *a = json_array();
	json_t *s = nfx_ovsdb_set(a);
	json_decref(a);
	return s;
}

/* Port columns for W: vlan_mode, tag, trunks. New reference. */
static json_t *port_cols(const struct jcp_pfe_want *w)
{
	json_t *row = json_object();
	json_object_set_new(row, "vlan_mode", json_string(w->trunk ? "trunk" : "access"));
	if (w->trunk) {
		json_object_set_new(row, "tag", empty_set());
		json_t *ids = json_array();
		for (int id = 1; id <= 4094; id++)
			if (vid_has(w->vids, id))
				json_array_append_new(ids, json_integer(id));
		json_object_set_new(row, "trunks", nfx_ovsdb_set(ids));
		json_decref(ids);
	} else {
		json_object_set_new(row, "tag", json_integer(w->tag));
		json_object_set_new(row, "trunks", empty_set());
	}
	return row;
}

/* Does the Port ROW (vlan_mode, tag, trunks columns) say what W says? */
static bool row_matches(json_t *row, const struct jcp_pfe_want *w)
{
	json_t *mode = nfx_ovsdb_set_at(json_object_get(row, "vlan_mode"), 0);
	const char *ms = json_is_string(mode) ? json_string_value(mode) : "";
	json_t *tags = json_object_get(row, "tag");
	json_t *tr = json_object_get(row, "trunks");
	json_t *items, *one;
	size_t ntag = nfx_ovsdb_set_items(tags, &items, &one);
	json_t *tag0 = nfx_ovsdb_set_at(tags, 0);
	size_t ntr = nfx_ovsdb_set_items(tr, &items, &one);
	if (!w->trunk)
		return !strcmp(ms, "access") && ntag == 1 && json_is_integer(tag0) &&
		       json_integer_value(tag0) == w->tag && ntr == 0;
	if (strcmp(ms, "trunk") || ntag != 0)
		return false;
	uint64_t v[64] = {0};
	for (size_t k = 0; k < ntr; k++) {
		json_t *x = nfx_ovsdb_set_at(tr, k);
		if (!json_is_integer(x) || json_integer_value(x) < 1 || json_integer_value(x) > 4094)
			return false;
		vid_set(v, (int)json_integer_value(x));
	}
	return !memcmp(v, w->vids, sizeof v);
}

/* Interface columns: type "" (a system interface) or, for a `cable patch`
 * port, type patch with options:peer PEER. New reference. */
static json_t *iface_cols(const char *peer)
{
	json_t *opts = json_object();
	if (peer)
		json_object_set_new(opts, "peer", json_string(peer));
	json_t *row = json_pack("{s:s,s:o}", "type", peer ? "patch" : "", "options", nfx_ovsdb_map(opts));
	json_decref(opts);
	return row;
}

/* Does the Interface row IR (type, options) say what iface_cols(PEER) says? */
static bool iface_matches(json_t *ir, const char *peer)
{
	json_t *t = json_object_get(ir, "type");
	const char *ts = json_is_string(t) ? json_string_value(t) : "";
	if (strcmp(ts, peer ? "patch" : ""))
		return false;
	json_t *pv = nfx_ovsdb_map_get(json_object_get(ir, "options"), "peer");
	if (!peer)
		return !pv;
	return json_is_string(pv) && !strcmp(json_string_value(pv), peer);
}

/* The row in IROWS of the (first) interface of the Port row PR, or NULL. */
static json_t *iface_row(json_t *irows, json_t *pr)
{
	const char *u = nfx_ovsdb_uuid_str(nfx_ovsdb_set_at(json_object_get(pr, "interfaces"), 0));
	for (size_t r = 0; u && r < json_array_size(irows); r++) {
		json_t *ir = json_array_get(irows, r);
		const char *iu = nfx_ovsdb_uuid_str(json_object_get(ir, "_uuid"));
		if (iu && !strcmp(iu, u))
			return ir;
	}
	return NULL;
}

static json_t *where_eq(const char *col, json_t *val)
{
	return json_pack("[[s,s,o]]", col, "==", val);
}

/* Bring the bridge's ports in SEL (all when NULL) to WANT, in one
 * transaction, on a connection of its own whose every wait (connect,
 * reply, cur_cfg) is at most WAIT_MS. FULL: also remove ports of the
 * bridge that are none of ours. 0; 1 when the database has no Open_vSwitch
 * row yet (jdmd has not initialised it: nothing done, try again later); or
 * -1 with cfg_err set. Caller holds ovs_mu. */
static int pfe_sync(struct jcp_pfe *p, const struct jcp_pfe_want *want, const bool *sel, bool full,
                    unsigned wait_ms, int *changed)
{
	*changed = 0;
	struct nfx_ovsdb_sync *s = nfx_ovsdb_sync_open(p->sock, "Open_vSwitch", (int)wait_ms);
	if (!s)
		return -1;
	int rc = -1;
	json_t *res = NULL, *ops = json_array();
	json_t *rd = json_pack(
	    "[{s:s,s:s,s:o,s:[s,s]},{s:s,s:s,s:[],s:[s,s,s,s,s,s]},{s:s,s:s,s:[],s:[s]},{s:s,s:s,s:[],s:[s,s,s]}]",
	    "op", "select", "table", "Bridge", "where", where_eq("name", json_string(JCP_PFE_BRIDGE)),
	    "columns", "_uuid", "ports",
	    "op", "select", "table", "Port", "where", "columns", "_uuid", "name", "tag", "trunks", "vlan_mode",
	    "interfaces",
	    "op", "select", "table", "Open_vSwitch", "where", "columns", "_uuid",
	    "op", "select", "table", "Interface", "where", "columns", "_uuid", "type", "options");
	if (nfx_ovsdb_sync_transact(s, rd, &res) < 0 || nfx_ovsdb_txn_check(res, 4) < 0)
		goto out;
	json_t *irows = json_object_get(json_array_get(res, 3), "rows");
	json_t *brows = json_object_get(json_array_get(res, 0), "rows");
	json_t *prows = json_object_get(json_array_get(res, 1), "rows");
	json_t *orows = json_object_get(json_array_get(res, 2), "rows");
	json_t *br = json_array_get(brows, 0);
	const char *br_uuid = br ? nfx_ovsdb_uuid_str(json_object_get(br, "_uuid")) : NULL;
	json_t *bports = br ? json_object_get(br, "ports") : NULL;

	/* our ports on the bridge now: index -> row */
	json_t *have[MAXP] = {0};
	json_t *del = json_array(), *ins = json_array();
	json_t *items, *one;
	size_t nb = bports ? nfx_ovsdb_set_items(bports, &items, &one) : 0;
	for (size_t k = 0; k < nb; k++) {
		const char *u = nfx_ovsdb_uuid_str(nfx_ovsdb_set_at(bports, k));
		json_t *row = NULL;
		for (size_t r = 0; u && r < json_array_size(prows); r++) {
			json_t *pr = json_array_get(prows, r);
			const char *pu = nfx_ovsdb_uuid_str(json_object_get(pr, "_uuid"));
			if (pu && !strcmp(pu, u)) {
				row = pr;
				break;
			}
		}
		const char *name = row ? json_string_value(json_object_get(row, "name")) : NULL;
		int i = ifname_index(p, name);
		if (i >= 0 && !have[i])
			have[i] = row;
		else if (full && u)
			json_array_append_new(del, nfx_ovsdb_uuid(u));
	}
	for (size_t i = 0; i < p->nport; i++) {
		if (sel && !sel[i])
			continue;
		const struct jcp_pfe_want *w = &want[i];
		if (w->on && have[i]) {
			json_t *ir = iface_row(irows, have[i]);
			if (ir && !iface_matches(ir, p->patch_peer[i])) {
				json_array_append_new(ops, json_pack("{s:s,s:s,s:o,s:o}", "op", "update", "table",
				                                     "Interface", "where",
				                                     where_eq("_uuid", json_incref(json_object_get(ir, "_uuid"))),
				                                     "row", iface_cols(p->patch_peer[i])));
				(*changed)++;
			}
			if (row_matches(have[i], w))
				continue;
			const char *u = nfx_ovsdb_uuid_str(json_object_get(have[i], "_uuid"));
			json_array_append_new(ops, json_pack("{s:s,s:s,s:o,s:o}", "op", "update", "table", "Port",
			                                     "where", where_eq("_uuid", nfx_ovsdb_uuid(u)), "row",
			                                     port_cols(w)));
			(*changed)++;
		} else if (w->on) {
			char iname[32], pname[32];
			snprintf(iname, sizeof iname, "iface%zu", i);
			snprintf(pname, sizeof pname, "port%zu", i);
			json_t *icols = iface_cols(p->patch_peer[i]);
			json_object_set_new(icols, "name", json_string(p->ifname[i]));
			json_array_append_new(ops, json_pack("{s:s,s:s,s:s,s:o}", "op", "insert", "table",
			                                     "Interface", "uuid-name", iname, "row", icols));
			json_t *cols = port_cols(w);
			json_object_set_new(cols, "name", json_string(p->ifname[i]));
			json_object_set_new(cols, "interfaces", nfx_ovsdb_named_uuid(iname));
			json_array_append_new(ops, json_pack("{s:s,s:s,s:s,s:o}", "op", "insert", "table", "Port",
			                                     "uuid-name", pname, "row", cols));
			json_array_append_new(ins, nfx_ovsdb_named_uuid(pname));
			(*changed)++;
		} else if (have[i]) {
			json_array_append_new(del, json_incref(json_object_get(have[i], "_uuid")));
			(*changed)++;
		}
	}
	if (!br_uuid) {
		/* the bridge itself, with the ports to insert */
		json_t *ovs = json_array_get(orows, 0);
		const char *ou = ovs ? nfx_ovsdb_uuid_str(json_object_get(ovs, "_uuid")) : NULL;
		if (!ou) {
			/* jdmd, which owns OVS, has not initialised the database yet
			   (right after start): like no ovsdb-server, later */
			json_decref(del);
			json_decref(ins);
			rc = 1;
			goto out;
		}
		json_array_append_new(ops, json_pack("{s:s,s:s,s:s,s:{s:s,s:s,s:o}}", "op", "insert", "table",
		                                     "Bridge", "uuid-name", "pfebr", "row", "name", JCP_PFE_BRIDGE,
		                                     "datapath_type", "netdev", "ports", nfx_ovsdb_set(ins)));
		json_array_append_new(ops, json_pack("{s:s,s:s,s:o,s:[[s,s,o]]}", "op", "mutate", "table",
		                                     "Open_vSwitch", "where", where_eq("_uuid", nfx_ovsdb_uuid(ou)),
		                                     "mutations", "bridges", "insert", nfx_ovsdb_named_uuid("pfebr")));
		(*changed)++;
	} else if (json_array_size(ins) || json_array_size(del)) {
		json_t *muts = json_array();
		if (json_array_size(ins))
			json_array_append_new(muts, json_pack("[s,s,o]", "ports", "insert", nfx_ovsdb_set(ins)));
		if (json_array_size(del))
			json_array_append_new(muts, json_pack("[s,s,o]", "ports", "delete", nfx_ovsdb_set(del)));
		json_array_append_new(ops, json_pack("{s:s,s:s,s:o,s:o}", "op", "mutate", "table", "Bridge", "where",
		                                     where_eq("_uuid", nfx_ovsdb_uuid(br_uuid)), "mutations", muts));
	}
	json_decref(del);
	json_decref(ins);
	if (json_array_size(ops) == 0) {
		rc = 0;
		goto out;
	}
	json_t *cres = NULL;
	rc = nfx_ovsdb_commit(s, ops, true, &cres);
	json_decref(cres);
out:
	json_decref(rd);
	json_decref(res);
	json_decref(ops);
	nfx_ovsdb_sync_close(s);
	return rc;
}

static bool sock_exists(const struct jcp_pfe *p)
{
	struct stat st;
	return stat(p->sock, &st) == 0 && S_ISSOCK(st.st_mode);
}

static void mark_dirty(struct jcp_pfe *p)
{
	pthread_mutex_lock(&p->state_mu);
	p->dirty = true;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->state_mu);
}

/* ------------------------------------------------------------ subsystem row */

struct touched {
	struct jcp_pfe *p;
	bool sel[MAXP];
};

static void touched_entry(void *ctx, enum cfg_diff_op op, const struct cfg_node *o, const struct cfg_node *n)
{
	(void)op;
	struct touched *t = ctx;
	const struct cfg_node *e = n ? n : o;
	int i = e && e->value ? port_index(t->p, e->value) : -1;
	if (i >= 0)
		t->sel[i] = true;
}

static int pfe_apply(void *ctx, const struct cfg_diff *diff, struct cfg_buf *out, struct cfg_findings *fs)
{
	(void)out;
	struct jcp_pfe *p = ctx;
	const struct cfg_node *oroot = cfg_tree_root(cfg_diff_old(diff));
	const struct cfg_node *nroot = cfg_tree_root(cfg_diff_new_tree(diff));
	struct touched t = {.p = p};
	if (cfg_diff_touches(diff, "vlans"))
		for (size_t i = 0; i < p->nport; i++)
			t.sel[i] = true;
	else
		cfg_diff_entries(diff, "interfaces", touched_entry, &t);
	struct jcp_pfe_want nw[MAXP];
	bool any = false;
	for (size_t i = 0; i < p->nport; i++) {
		struct jcp_pfe_want ow;
		jcp_pfe_want_of(nroot, p->port[i], &nw[i]);
		if (!t.sel[i])
			continue;
		jcp_pfe_want_of(oroot, p->port[i], &ow);
		t.sel[i] = !want_eq(&ow, &nw[i]);
		any |= t.sel[i];
	}
	pthread_mutex_lock(&p->ovs_mu);
	int rc = 0, changed = 0;
	bool later = any && !sock_exists(p);
	if (any && !later) {
		rc = pfe_sync(p, nw, t.sel, false, p->wait_ms, &changed);
		if (rc < 0)
			cfg_findings_add_line(fs, "PFE switch %s: %s", JCP_PFE_BRIDGE, cfg_err_msg());
		later = rc == 1;
		if (later)
			rc = 0;
	}
	if (later)
		fprintf(stderr, "jcpd: %s: no initialised ovsdb-server yet (%s): the change is applied when it comes\n",
		        JCP_PFE_BRIDGE, p->sock);
	if (rc == 0) {
		pthread_mutex_lock(&p->state_mu);
		memcpy(p->want, nw, sizeof nw);
		p->have_want = true;
		if (later) {
			p->dirty = true;
			pthread_cond_signal(&p->cond);
		}
		pthread_mutex_unlock(&p->state_mu);
	}
	pthread_mutex_unlock(&p->ovs_mu);
	return rc;
}

static int pfe_converge(void *ctx, const struct cfg_tree *active, struct cfg_buf *out,
                        struct cfg_findings *fs)
{
	(void)out;
	(void)fs;
	struct jcp_pfe *p = ctx;
	struct jcp_pfe_want nw[MAXP];
	for (size_t i = 0; i < p->nport; i++)
		jcp_pfe_want_of(cfg_tree_root(active), p->port[i], &nw[i]);
	pthread_mutex_lock(&p->state_mu);
	memcpy(p->want, nw, sizeof nw);
	p->have_want = true;
	p->dirty = true;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->state_mu);
	return 0;
}

static const char *const pfe_owns[] = {"interfaces", "vlans", NULL};

struct cfg_subsys jcp_pfe_row(struct jcp_pfe *p)
{
	struct cfg_subsys r = {
		.name = "pfe", .order = 20, .owns = pfe_owns, .ctx = p,
		.apply = pfe_apply, .converge = pfe_converge,
	};
	return r;
}

/* The converge thread: bring the whole bridge to the desired state when
 * dirty (retrying every 2 s while it fails or the server is not there). */
static void *converge_thread(void *arg)
{
	struct jcp_pfe *p = arg;
	bool failed = false;
	char last_err[512] = "";
	pthread_mutex_lock(&p->state_mu);
	while (!p->stop) {
		if (!p->dirty || !p->have_want || failed) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += failed ? 2 : 5;
			pthread_cond_timedwait(&p->cond, &p->state_mu, &ts);
			failed = false;
			continue;
		}
		pthread_mutex_unlock(&p->state_mu);
		if (!sock_exists(p)) {
			failed = true;
			pthread_mutex_lock(&p->state_mu);
			continue;
		}
		pthread_mutex_lock(&p->ovs_mu);
		pthread_mutex_lock(&p->state_mu);
		struct jcp_pfe_want w[MAXP];
		memcpy(w, p->want, sizeof w);
		p->dirty = false;
		pthread_mutex_unlock(&p->state_mu);
		int changed = 0;
		/* short waits: it retries, and jcpd's shutdown waits for it */
		int rc = pfe_sync(p, w, NULL, true, p->wait_ms < 5000 ? p->wait_ms : 5000, &changed);
		pthread_mutex_unlock(&p->ovs_mu);
		/* a failure is logged once until it changes or the bridge converged */
		if (rc < 0 && strcmp(last_err, cfg_err_msg())) {
			fprintf(stderr, "jcpd: %s: converging failed, retrying: %s\n", JCP_PFE_BRIDGE, cfg_err_msg());
			snprintf(last_err, sizeof last_err, "%s", cfg_err_msg());
		} else if (rc == 0) {
			last_err[0] = '\0';
		}
		if (rc == 0 && changed)
			fprintf(stderr, "jcpd: %s: converged (%d change%s)\n", JCP_PFE_BRIDGE, changed,
			        changed == 1 ? "" : "s");
		pthread_mutex_lock(&p->state_mu);
		if (rc != 0) { /* failed, or the database is not initialised yet (1) */
			p->dirty = true;
			failed = true;
		}
	}
	pthread_mutex_unlock(&p->state_mu);
	return NULL;
}

/* ------------------------------------------------------------ the replica */

static json_t *rep_table(struct jcp_pfe *p, const char *t)
{
	if (!strcmp(t, "Bridge"))
		return p->rep_bridge;
	if (!strcmp(t, "Port"))
		return p->rep_port;
	if (!strcmp(t, "Interface"))
		return p->rep_iface;
	return NULL;
}

static json_t *our_bridge(const struct jcp_pfe *p)
{
	const char *k;
	json_t *row;
	json_object_foreach(p->rep_bridge, k, row) {
		json_t *n = json_object_get(row, "name");
		if (json_is_string(n) && !strcmp(json_string_value(n), JCP_PFE_BRIDGE))
			return row;
	}
	return NULL;
}

/* The Port row of interface IFNAME on our bridge, or NULL. */
static json_t *bridge_port(const struct jcp_pfe *p, const char *ifname)
{
	json_t *br = our_bridge(p);
	json_t *ports = br ? json_object_get(br, "ports") : NULL;
	json_t *items, *one;
	size_t n = ports ? nfx_ovsdb_set_items(ports, &items, &one) : 0;
	for (size_t k = 0; k < n; k++) {
		const char *u = nfx_ovsdb_uuid_str(nfx_ovsdb_set_at(ports, k));
		json_t *row = u ? json_object_get(p->rep_port, u) : NULL;
		json_t *nm = row ? json_object_get(row, "name") : NULL;
		if (json_is_string(nm) && !strcmp(json_string_value(nm), ifname))
			return row;
	}
	return NULL;
}

/* The Interface row of the port row PR. */
static json_t *port_iface(const struct jcp_pfe *p, json_t *pr)
{
	const char *u = pr ? nfx_ovsdb_uuid_str(nfx_ovsdb_set_at(json_object_get(pr, "interfaces"), 0)) : NULL;
	return u ? json_object_get(p->rep_iface, u) : NULL;
}

/* Does the replica show the bridge as wanted? (loop thread) */
static void check_replica(struct jcp_pfe *p)
{
	if (!p->rep_valid)
		return;
	pthread_mutex_lock(&p->state_mu);
	bool have = p->have_want;
	struct jcp_pfe_want w[MAXP];
	memcpy(w, p->want, sizeof w);
	pthread_mutex_unlock(&p->state_mu);
	if (!have)
		return;
	bool ok = our_bridge(p) != NULL;
	for (size_t i = 0; ok && i < p->nport; i++) {
		json_t *pr = bridge_port(p, p->ifname[i]);
		ok = w[i].on ? pr && row_matches(pr, &w[i]) : !pr;
	}
	if (!ok)
		mark_dirty(p);
}

static void on_update(void *ctx, json_t *updates, bool initial)
{
	struct jcp_pfe *p = ctx;
	if (initial) {
		json_object_clear(p->rep_bridge);
		json_object_clear(p->rep_port);
		json_object_clear(p->rep_iface);
	}
	const char *tname, *uuid;
	json_t *tu, *ru;
	json_object_foreach(updates, tname, tu) {
		json_t *t = rep_table(p, tname);
		if (!t || !json_is_object(tu))
			continue;
		json_object_foreach(tu, uuid, ru) {
			json_t *nw = json_object_get(ru, "new");
			json_t *cur = json_object_get(t, uuid);
			if (!nw)
				json_object_del(t, uuid);
			else if (cur)
				json_object_update(cur, nw);
			else
				json_object_set_new(t, uuid, json_deep_copy(nw));
			if (nw && !strcmp(tname, "Interface")) {
				json_t *err = nfx_ovsdb_set_at(json_object_get(nw, "error"), 0);
				json_t *nm = json_object_get(nw, "name");
				if (json_is_string(err) && json_is_string(nm) &&
				    ifname_index(p, json_string_value(nm)) >= 0)
					fprintf(stderr, "jcpd: %s: interface %s: %s\n", JCP_PFE_BRIDGE,
					        json_string_value(nm), json_string_value(err));
			}
		}
	}
	p->rep_valid = true;
	check_replica(p);
}

static void on_state(void *ctx, bool connected)
{
	struct jcp_pfe *p = ctx;
	if (!connected) {
		p->rep_valid = false;
		fprintf(stderr, "jcpd: %s: connection to ovsdb-server lost\n", JCP_PFE_BRIDGE);
		return;
	}
	/* a (re)started server: converge the whole bridge */
	mark_dirty(p);
}

/* -------------------------------------------------------------------- life */

struct jcp_pfe *jcp_pfe_new(struct nfx_loop *loop, const struct jcp_pfe_opts *o)
{
	struct jcp_pfe *p = calloc(1, sizeof *p);
	if (!p)
		abort();
	p->plat = o->platform;
	p->wait_ms = o->wait_ms ? o->wait_ms : 15000;
	if (asprintf(&p->ovs_dir, "%s", o->ovs_dir) < 0 || asprintf(&p->sock, "%s/db.sock", o->ovs_dir) < 0)
		abort();
	for (size_t i = 0; i < jcp_ops_port_count() && p->nport < MAXP; i++) {
		const char *port = jcp_ops_port(i);
		const char *ifn = nfx_platform_ifname(o->platform, port);
		if (!ifn) {
			fprintf(stderr, "jcpd: %s: no interface for %s in the platform file: not switched\n",
			        JCP_PFE_BRIDGE, port);
			continue;
		}
		p->port[p->nport] = port;
		const struct nfx_platform_port *pl = nfx_platform_find(o->platform, port);
		const char *cable = nfx_platform_get(pl, "cable");
		if (cable && !strcmp(cable, "patch"))
			p->patch_peer[p->nport] = nfx_platform_get(pl, "peer");
		p->ifname[p->nport++] = ifn;
	}
	pthread_mutex_init(&p->ovs_mu, NULL);
	pthread_mutex_init(&p->state_mu, NULL);
	pthread_cond_init(&p->cond, NULL);
	p->rep_bridge = json_object();
	p->rep_port = json_object();
	p->rep_iface = json_object();
	p->mon = nfx_ovsdb_new(loop, p->sock, "Open_vSwitch", 500);
	if (!p->mon) {
		jcp_pfe_free(p);
		return NULL;
	}
	nfx_ovsdb_on_state(p->mon, on_state, p);
	json_t *req = json_pack("{s:{s:[s,s]},s:{s:[s,s,s,s,s]},s:{s:[s,s,s,s,s,s,s]}}",
	    "Bridge", "columns", "name", "ports",
	    "Port", "columns", "name", "tag", "trunks", "vlan_mode", "interfaces",
	    "Interface", "columns", "name", "ofport", "error", "link_state", "admin_state", "statistics",
	    "mac_in_use");
	unsigned id = nfx_ovsdb_monitor(p->mon, req, on_update, p);
	json_decref(req);
	if (!id) {
		jcp_pfe_free(p);
		return NULL;
	}
	if (pthread_create(&p->thread, NULL, converge_thread, p)) {
		cfg_err_set("cannot start the PFE converge thread");
		jcp_pfe_free(p);
		return NULL;
	}
	p->thread_started = true;
	return p;
}

void jcp_pfe_free(struct jcp_pfe *p)
{
	if (!p)
		return;
	if (p->thread_started) {
		pthread_mutex_lock(&p->state_mu);
		p->stop = true;
		pthread_cond_signal(&p->cond);
		pthread_mutex_unlock(&p->state_mu);
		pthread_join(p->thread, NULL);
	}
	nfx_ovsdb_free(p->mon);
	json_decref(p->rep_bridge);
	json_decref(p->rep_port);
	json_decref(p->rep_iface);
	pthread_mutex_destroy(&p->ovs_mu);
	pthread_mutex_destroy(&p->state_mu);
	pthread_cond_destroy(&p->cond);
	free(p->ovs_dir);
	free(p->sock);
	free(p);
}

/* ------------------------------------------------------------------ show */

const char *jcp_pfe_ifname(const struct jcp_pfe *p, const char *port)
{
	int i = p ? port_index(p, port) : -1;
	return i >= 0 ? p->ifname[i] : NULL;
}

bool jcp_pfe_on_bridge(const struct jcp_pfe *p, const char *port)
{
	const char *ifn = jcp_pfe_ifname(p, port);
	return ifn && p->rep_valid && bridge_port(p, ifn);
}

bool jcp_pfe_stats(const struct jcp_pfe *p, const char *port, struct jcp_pfe_stats *st)
{
	const char *ifn = jcp_pfe_ifname(p, port);
	json_t *ir = ifn && p->rep_valid ? port_iface(p, bridge_port(p, ifn)) : NULL;
	json_t *m = ir ? json_object_get(ir, "statistics") : NULL;
	if (!m)
		return false;
	json_t *v;
	memset(st, 0, sizeof *st);
	bool any = false;
#define STAT(f)                                                                   \
	if ((v = nfx_ovsdb_map_get(m, #f)) && json_is_integer(v)) {               \
		st->f = (uint64_t)json_integer_value(v);                          \
		any = true;                                                       \
	}
	STAT(rx_packets) STAT(tx_packets) STAT(rx_bytes) STAT(tx_bytes)
#undef STAT
	return any;
}

int jcp_pfe_link(const struct jcp_pfe *p, const char *port, bool *admin_up)
{
	const char *ifn = jcp_pfe_ifname(p, port);
	json_t *ir = ifn && p->rep_valid ? port_iface(p, bridge_port(p, ifn)) : NULL;
	json_t *ls = ir ? nfx_ovsdb_set_at(json_object_get(ir, "link_state"), 0) : NULL;
	json_t *as = ir ? nfx_ovsdb_set_at(json_object_get(ir, "admin_state"), 0) : NULL;
	if (!json_is_string(ls))
		return -1;
	*admin_up = !json_is_string(as) || !strcmp(json_string_value(as), "up");
	return !strcmp(json_string_value(ls), "up");
}

const char *jcp_pfe_error(const struct jcp_pfe *p, const char *port)
{
	const char *ifn = jcp_pfe_ifname(p, port);
	json_t *ir = ifn && p->rep_valid ? port_iface(p, bridge_port(p, ifn)) : NULL;
	json_t *e = ir ? nfx_ovsdb_set_at(json_object_get(ir, "error"), 0) : NULL;
	return json_is_string(e) ? json_string_value(e) : NULL;
}

/* Run ARGV, its standard output into BUF (at most CAP-1 bytes, NUL
 * terminated), waiting at most MS. 0 when it exited 0, else -1. */
static int run_capture(char *const argv[], char *buf, size_t cap, int ms)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return cfg_err_set("pipe: %s", strerror(errno));
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return cfg_err_set("fork: %s", strerror(errno));
	}
	if (pid == 0) {
		dup2(fds[1], 1);
		int dn = open("/dev/null", O_RDWR);
		if (dn >= 0) {
			dup2(dn, 0);
			dup2(dn, 2);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	size_t len = 0;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		long left = ms - ((now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0)
			break;
		struct pollfd pfd = {.fd = fds[0], .events = POLLIN};
		int r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		char tmp[4096];
		ssize_t n = read(fds[0], tmp, sizeof tmp);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		size_t c = (size_t)n < cap - 1 - len ? (size_t)n : cap - 1 - len;
		memcpy(buf + len, tmp, c);
		len += c;
	}
	buf[len] = '\0';
	close(fds[0]);
	int status = 0;
	if (waitpid(pid, &status, WNOHANG) == 0) {
		/* still running after the timeout (or closed its output early): give it a moment */
		for (int i = 0; i < 20 && waitpid(pid, &status, WNOHANG) == 0; i++)
			usleep(10000);
		if (kill(pid, 0) == 0 && waitpid(pid, &status, WNOHANG) == 0) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return cfg_err_set("%s did not answer in %d ms", argv[0], ms);
		}
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return cfg_err_set("%s failed", argv[0]);
	return 0;
}

/* The unixctl socket of ovs-vswitchd in the private run directory:
 * OVS_DIR/ovs-vswitchd.ctl when it was started with --unixctl, else the
 * default OVS_DIR/ovs-vswitchd.PID.ctl of its pid file. */
static int vswitchd_ctl(const struct jcp_pfe *p, char *path, size_t cap)
{
	struct stat st;
	snprintf(path, cap, "%s/ovs-vswitchd.ctl", p->ovs_dir);
	if (stat(path, &st) == 0)
		return 0;
	char pf[4096];
	snprintf(pf, sizeof pf, "%s/ovs-vswitchd.pid", p->ovs_dir);
	FILE *f = fopen(pf, "r");
	long pid = 0;
	if (f) {
		if (fscanf(f, "%ld", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	if (pid <= 0)
		return cfg_err_set("ovs-vswitchd is not running (no %s)", pf);
	snprintf(path, cap, "%s/ovs-vswitchd.%ld.ctl", p->ovs_dir, pid);
	return 0;
}

int jcp_pfe_macs(const struct jcp_pfe *p, struct jcp_pfe_mac *macs, int max)
{
	char ctl[4096];
	if (!p || vswitchd_ctl(p, ctl, sizeof ctl) < 0)
		return -1;
	/* the MAC table lives in ovs-vswitchd only (not in OVSDB): ask it over
	 * its unixctl socket with ovs-appctl, by argv */
	char *argv[] = {OVS_APPCTL, "-t", ctl, "--timeout=3", "fdb/show", JCP_PFE_BRIDGE, NULL};
	static char out[1 << 18]; /* loop thread only */
	if (run_capture(argv, out, sizeof out, 4000) < 0)
		return -1;
	int n = 0;
	for (char *line = strtok(out, "\n"); line && n < max; line = strtok(NULL, "\n")) {
		char port[32], mac[32];
		int vlan, age;
		if (sscanf(line, " %31s %d %31s %d", port, &vlan, mac, &age) != 4)
			continue;
		char *end;
		long ofp = strtol(port, &end, 10);
		if (*end)
			continue; /* LOCAL */
		/* the OpenFlow port number -> our port, through the replica */
		for (size_t i = 0; i < p->nport; i++) {
			json_t *ir = p->rep_valid ? port_iface(p, bridge_port(p, p->ifname[i])) : NULL;
			json_t *of = ir ? nfx_ovsdb_set_at(json_object_get(ir, "ofport"), 0) : NULL;
			if (json_is_integer(of) && json_integer_value(of) == ofp) {
				snprintf(macs[n].port, sizeof macs[n].port, "%s", p->port[i]);
				macs[n].vlan = vlan;
				snprintf(macs[n].mac, sizeof macs[n].mac, "%.17s", mac);
				macs[n].age = age;
				n++;
				break;
			}
		}
	}
	return n;
}
