/* jdm_l2ext — the layer-2 extension row; see jdm_l2ext.h. */
#include "jdm_l2ext.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cfg_diff.h"
#include "cfg_err.h"
#include "cfg_reply.h"
#include "jdm_charon.h"
#include "jdm_hostif.h"
#include "jdm_hostif_nl.h"
#include "jdm_hostif_ovs.h"
#include "jdm_l2ext_cfg.h"
#include "jdm_net.h"
#include "nfx_log.h"
#include "nfx_netns.h"
#include "nfx_vici.h"

#define A CFG_AT_ACTIVE
#define OWNER "l2-extension"
#define CHARON_START_MS 30000
#define VICI_MS 10000
#define TICK_S 2
#define SA_CHECK_S 10

const char *const jdm_l2ext_owns[] = {"host-os l2-extension", "host-os vlans", NULL};
const char *const jdm_l2ext_reads[] = {"host-os interfaces", NULL};

struct jdm_l2ext {
	struct cfg_daemon *d;
	char state_dir[PATH_MAX];
	char db_sock[PATH_MAX];
	bool none;
	pthread_mutex_t mu;
	struct jdm_charon *ch;
	bool converged;
	time_t last_tick, last_sa_check;
	unsigned restarts;
	int esp;                   /* enum jdm_charon_esp of the last start (atomic: validate reads it) */
	char reason[512];          /* why charon is not running (loop/commit thread under mu) */
};

static void dev_name(uint32_t vni, char out[IFNAMSIZ])
{
	snprintf(out, IFNAMSIZ, "vx%u", vni);
}

/* vx<digits> */
static bool is_our_name(const char *n)
{
	if (strncmp(n, "vx", 2) || !n[2])
		return false;
	for (const char *p = n + 2; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	return true;
}

/* ------------------------------------------------------------ VICI */

static struct nfx_vici *vici(struct jdm_l2ext *l)
{
	return nfx_vici_connect(jdm_charon_vici_path(l->ch), VICI_MS);
}

static int call_ok(struct nfx_vici *v, const char *cmd, json_t *args, const char *what)
{
	json_t *reply = NULL;
	int rc = nfx_vici_call(v, cmd, args, &reply, VICI_MS);
	if (rc == 0)
		rc = nfx_vici_ok(reply);
	json_decref(reply);
	if (rc < 0)
		cfg_err_set("charon refused %s: %s", what, cfg_err_msg());
	return rc;
}

/* Names of the connections charon has (list-conns), into a JSON array. */
static json_t *conn_names(struct nfx_vici *v)
{
	json_t *events = NULL, *reply = NULL, *names = json_array();
	if (nfx_vici_call_stream(v, "list-conns", "list-conn", NULL, &events, &reply, VICI_MS) == 0) {
		size_t i;
		json_t *e;
		json_array_foreach(events, i, e) {
			const char *k;
			json_t *val;
			json_object_foreach(e, k, val)
				json_array_append_new(names, json_string(k));
		}
	}
	json_decref(events);
	json_decref(reply);
	return names;
}

/* The IKE SAs of charon (list-sas events), a JSON array; NULL on error. */
static json_t *list_sas(struct nfx_vici *v)
{
	json_t *events = NULL, *reply = NULL;
	if (nfx_vici_call_stream(v, "list-sas", "list-sa", NULL, &events, &reply, VICI_MS) < 0) {
		json_decref(events);
		events = NULL;
	}
	json_decref(reply);
	return events;
}

/* The IKE SA named NAME in SAS (borrowed), or NULL. */
static json_t *find_sa(json_t *sas, const char *name)
{
	size_t i;
	json_t *e;
	json_array_foreach(sas, i, e) {
		json_t *sa = json_object_get(e, name);
		if (sa)
			return sa;
	}
	return NULL;
}

/* Load the used sites of C into charon, unload the others. 0 or -1. */
static int load_sites(struct jdm_l2ext *l, const struct jdm_l2ext_cfg *c, struct cfg_findings *fs)
{
	struct nfx_vici *v = vici(l);
	if (!v) {
		cfg_findings_add(fs, c->l2, NULL, "cannot talk to the layer-2 extension's charon: %s",
		                 cfg_err_msg());
		return -1;
	}
	bool encap = jdm_charon_esp(l->ch) == JDM_CHARON_ESP_LIBIPSEC;
	int rc = 0;
	for (size_t i = 0; i < c->nsites; i++) {
		const struct jdm_l2ext_site *s = &c->sites[i];
		if (!s->used)
			continue;
		json_t *sh = jdm_l2ext_shared_msg(s);
		json_t *conn = jdm_l2ext_conn_msg(s, encap);
		char what[96];
		snprintf(what, sizeof what, "the pre-shared key of site %s", s->name);
		if (sh && call_ok(v, "load-shared", sh, what) < 0) {
			cfg_findings_add(fs, s->node, NULL, "%s", cfg_err_msg());
			rc = -1;
		}
		snprintf(what, sizeof what, "the connection of site %s", s->name);
		if (rc == 0 && call_ok(v, "load-conn", conn, what) < 0) {
			cfg_findings_add(fs, s->node, NULL, "%s", cfg_err_msg());
			rc = -1;
		}
		json_decref(sh);
		json_decref(conn);
	}
	/* connections of sites no VNI uses any more: unloaded, their SAs ended */
	json_t *names = conn_names(v);
	size_t i;
	json_t *n;
	json_array_foreach(names, i, n) {
		const char *name = json_string_value(n);
		const struct jdm_l2ext_site *s = jdm_l2ext_site(c, name);
		if (s && s->used)
			continue;
		json_t *a = json_pack("{s:s}", "name", name);
		(void)call_ok(v, "unload-conn", a, "unload-conn");
		json_decref(a);
		a = json_pack("{s:s, s:s, s:s}", "ike", name, "force", "yes", "timeout", "-1");
		json_t *ev = NULL, *rep = NULL;
		(void)nfx_vici_call_stream(v, "terminate", "control-log", a, &ev, &rep, VICI_MS);
		json_decref(ev);
		json_decref(rep);
		json_decref(a);
		char id[96];
		snprintf(id, sizeof id, "l2ext-%s", name);
		a = json_pack("{s:s}", "id", id);
		(void)call_ok(v, "unload-shared", a, "unload-shared");
		json_decref(a);
	}
	json_decref(names);
	nfx_vici_close(v);
	return rc;
}

/* Initiate the used sites of C that have no IKE SA. */
static void initiate_missing(struct jdm_l2ext *l, const struct jdm_l2ext_cfg *c)
{
	struct nfx_vici *v = vici(l);
	if (!v)
		return;
	json_t *sas = list_sas(v);
	for (size_t i = 0; sas && i < c->nsites; i++) {
		const struct jdm_l2ext_site *s = &c->sites[i];
		if (!s->used || find_sa(sas, s->name))
			continue;
		nfx_log(LOG_NOTICE, "l2-extension: site %s has no IKE SA: initiating", s->name);
		json_t *a = json_pack("{s:s, s:s, s:s}", "child", s->name, "ike", s->name, "timeout", "-1");
		json_t *ev = NULL, *rep = NULL;
		(void)nfx_vici_call_stream(v, "initiate", "control-log", a, &ev, &rep, VICI_MS);
		json_decref(ev);
		json_decref(rep);
		json_decref(a);
	}
	json_decref(sas);
	nfx_vici_close(v);
}

/* ------------------------------------------------------------ making it so */

static int ensure_charon(struct jdm_l2ext *l)
{
	if (!l->ch) {
		struct jdm_charon_opts o = {.name = "l2ext", .state_dir = l->state_dir,
		                            .own_netns = false, .fwmark = JDM_L2EXT_FWMARK};
		l->ch = jdm_charon_new(&o);
		if (!l->ch)
			return -1;
	}
	if (jdm_charon_alive(l->ch))
		return 0;
	int rc = jdm_charon_start(l->ch, CHARON_START_MS);
	if (rc < 0)
		snprintf(l->reason, sizeof l->reason, "%s", cfg_err_msg());
	else
		l->reason[0] = '\0';
	__atomic_store_n(&l->esp, (int)jdm_charon_esp(l->ch), __ATOMIC_RELEASE);
	return rc;
}

static bool site_wanted(const struct jdm_l2ext_cfg *c, uint32_t addr)
{
	for (size_t i = 0; i < c->nsites; i++)
		if (c->sites[i].used && c->sites[i].addr_n == addr)
			return true;
	return false;
}

static struct jdm_hostif_rule guard(uint32_t peer)
{
	return (struct jdm_hostif_rule){.priority = JDM_L2EXT_GUARD_PRIO, .dst = peer,
	                                .ipproto = IPPROTO_UDP, .dport = JDM_L2EXT_PORT};
}

/* With userspace ESP the decrypted VXLAN arrives on ipsec0: VXLAN arriving
 * in clear on the WAN interface IIF is somebody else's and dropped (kernel
 * ESP drops it by its inbound policy). */
static struct jdm_hostif_rule guard_in(const char *iif)
{
	struct jdm_hostif_rule r = {.priority = JDM_L2EXT_GUARD_IN_PRIO, .ipproto = IPPROTO_UDP,
	                            .dport = JDM_L2EXT_PORT};
	snprintf(r.iif, sizeof r.iif, "%s", iif);
	return r;
}

/* Is IIF the WAN interface of a used site of C (userspace ESP)? */
static bool wan_wanted(const struct jdm_l2ext_cfg *c, const struct jdm_hostif_cfg *h,
                       enum jdm_charon_esp esp, const char *iif)
{
	if (esp != JDM_CHARON_ESP_LIBIPSEC)
		return false;
	for (size_t i = 0; i < c->nsites; i++) {
		const struct jdm_hostif_if *f = jdm_hostif_by_addr(h, c->sites[i].local_n);
		if (c->sites[i].used && f && !strcmp(f->name, iif))
			return true;
	}
	return false;
}

static bool vni_wanted(const struct jdm_l2ext_cfg *c, const char *name)
{
	for (size_t v = 0; v < c->nvnis; v++) {
		char n[IFNAMSIZ];
		dev_name(c->vnis[v].vni, n);
		if (c->vnis[v].nsites && !strcmp(n, name))
			return true;
	}
	return false;
}

/* Make the world match T. Caller holds mu. 0 or -1 with findings. */
static int realise(struct jdm_l2ext *l, const struct cfg_tree *t, struct cfg_findings *fs)
{
	struct jdm_l2ext_cfg c;
	jdm_l2ext_build(t, &c);
	const struct cfg_node *at = c.l2 ? c.l2 : cfg_tree_at(t, NULL, "host-os", A);
	bool active = jdm_l2ext_active(&c);
	enum jdm_charon_esp esp = l->ch ? jdm_charon_esp(l->ch) : JDM_CHARON_ESP_UNKNOWN;
	if (active) {
		if (ensure_charon(l) < 0) {
			cfg_findings_add(fs, at, NULL, "the layer-2 extension's charon did not start: %s",
			                 cfg_err_msg());
			return -1;
		}
		esp = jdm_charon_esp(l->ch);
		/* the userspace ESP limit, now that the mode is known */
		struct cfg_findings chk = {0};
		jdm_l2ext_validate_tree(t, esp, &chk);
		int bad = -1;
		for (size_t i = 0; i < chk.n && bad < 0; i++)
			if (!chk.f[i].warning)
				bad = (int)i;
		if (bad >= 0) {
			cfg_findings_add(fs, at, chk.f[bad].stmt, "%s", chk.f[bad].msg);
			cfg_findings_free(&chk);
			return -1;
		}
		cfg_findings_free(&chk);
	}
	int mtu = jdm_l2ext_mtu(&c, esp);
	struct jdm_hostif_cfg h;
	jdm_hostif_build(t, &h);
	int rc = 0;
	/* 1. the guards before any VXLAN device can send to the site */
	for (size_t i = 0; i < c.nsites && rc == 0; i++)
		if (c.sites[i].used) {
			struct jdm_hostif_rule r = guard(c.sites[i].addr_n);
			const struct jdm_hostif_if *f = jdm_hostif_by_addr(&h, c.sites[i].local_n);
			struct jdm_hostif_rule in = guard_in(f ? f->name : "");
			if (jdm_hostif_nl_rule_blackhole_add(&r) < 0 ||
			    (f && esp == JDM_CHARON_ESP_LIBIPSEC && jdm_hostif_nl_rule_blackhole_add(&in) < 0)) {
				cfg_findings_add(fs, c.sites[i].node, NULL, "%s", cfg_err_msg());
				rc = -1;
			}
		}
	/* 2. the VXLAN devices and their flooding lists */
	struct jdm_hostif_port ports[JDM_L2EXT_VNIS_MAX];
	size_t np = 0;
	for (size_t v = 0; v < c.nvnis && rc == 0; v++) {
		const struct jdm_l2ext_vni *e = &c.vnis[v];
		if (!e->nsites)
			continue;
		char name[IFNAMSIZ];
		dev_name(e->vni, name);
		const struct jdm_l2ext_site *s0 = &c.sites[e->sites[0]];
		struct jdm_hostif_vxlan vx = {.name = name, .vni = e->vni, .local = s0->local_n,
		                              .port = JDM_L2EXT_PORT, .port_lo = JDM_L2EXT_PORT,
		                              .port_hi = JDM_L2EXT_PORT + 1, .mtu = mtu,
		                              .learning = true};
		uint32_t dst[JDM_L2EXT_SITES_MAX];
		for (size_t k = 0; k < e->nsites; k++)
			dst[k] = c.sites[e->sites[k]].addr_n;
		if (jdm_hostif_nl_vxlan_ensure(&vx) < 0 || jdm_hostif_nl_fdb_sync(name, dst, e->nsites) < 0) {
			cfg_findings_add(fs, e->node, NULL, "%s", cfg_err_msg());
			rc = -1;
			break;
		}
		memset(&ports[np], 0, sizeof ports[np]);
		snprintf(ports[np].name, sizeof ports[np].name, "%s", name);
		ports[np].tag = e->tag;
		np++;
	}
	/* 3. their ports on ovs-sys-br (the others of this row go) */
	if (rc == 0 && jdm_hostif_ovs_sync(l->db_sock, OWNER, ports, np) < 0) {
		cfg_findings_add(fs, at, NULL, "%s", cfg_err_msg());
		rc = -1;
	}
	/* 4. VXLAN devices of VNIs that went (their FDB goes with them) */
	if (rc == 0) {
		struct if_nameindex *ni = if_nameindex();
		for (struct if_nameindex *p = ni; p && p->if_index; p++) {
			char kind[32];
			if (!is_our_name(p->if_name) || vni_wanted(&c, p->if_name) ||
			    jdm_net_link_kind(p->if_name, kind, sizeof kind) != 0 || strcmp(kind, "vxlan"))
				continue;
			if (jdm_net_link_del(p->if_name) < 0)
				nfx_log(LOG_ERR, "l2-extension: %s", cfg_err_msg());
		}
		if (ni)
			if_freenameindex(ni);
	}
	/* 5. the tunnels */
	if (rc == 0 && active)
		rc = load_sites(l, &c, fs);
	/* 6. guards of sites no VNI uses any more (their devices are gone) */
	struct jdm_hostif_rule cur[64];
	int nr = rc == 0 ? jdm_hostif_nl_rule_list(JDM_L2EXT_GUARD_PRIO, cur, 64) : 0;
	for (int i = 0; i < nr; i++)
		if (!site_wanted(&c, cur[i].dst) && jdm_hostif_nl_rule_blackhole_del(&cur[i]) < 0)
			nfx_log(LOG_ERR, "l2-extension: %s", cfg_err_msg());
	nr = rc == 0 ? jdm_hostif_nl_rule_list(JDM_L2EXT_GUARD_IN_PRIO, cur, 64) : 0;
	for (int i = 0; i < nr; i++)
		if (!wan_wanted(&c, &h, esp, cur[i].iif) && jdm_hostif_nl_rule_blackhole_del(&cur[i]) < 0)
			nfx_log(LOG_ERR, "l2-extension: %s", cfg_err_msg());
	if (rc == 0 && !active && l->ch && jdm_charon_pid(l->ch) > 0)
		jdm_charon_stop(l->ch);
	return rc;
}

/* ------------------------------------------------------------ the row */

struct jdm_l2ext *jdm_l2ext_new(struct cfg_daemon *d, const struct jdm_l2ext_opts *o)
{
	struct jdm_l2ext *l = calloc(1, sizeof *l);
	if (!l)
		abort();
	l->d = d;
	l->none = o->config_only || !nfx_netns_may_network();
	snprintf(l->state_dir, sizeof l->state_dir, "%s", o->state_dir);
	snprintf(l->db_sock, sizeof l->db_sock, "%s/ovs/db.sock", o->state_dir);
	pthread_mutex_init(&l->mu, NULL);
	return l;
}

void jdm_l2ext_free(struct jdm_l2ext *l)
{
	if (!l)
		return;
	jdm_charon_free(l->ch);
	pthread_mutex_destroy(&l->mu);
	free(l);
}

void jdm_l2ext_validate(void *ctx, const struct cfg_tree *new_tree, const struct cfg_diff *diff,
                        struct cfg_findings *fs)
{
	(void)diff;
	struct jdm_l2ext *l = ctx;
	/* the ESP mode of a charon that ran (the loop thread: not under the lock) */
	enum jdm_charon_esp esp =
	    l ? (enum jdm_charon_esp)__atomic_load_n(&l->esp, __ATOMIC_ACQUIRE) : JDM_CHARON_ESP_UNKNOWN;
	jdm_l2ext_validate_tree(new_tree, esp, fs);
}

int jdm_l2ext_apply(void *ctx, const struct cfg_diff *diff, struct cfg_buf *out,
                    struct cfg_findings *fs)
{
	(void)out;
	struct jdm_l2ext *l = ctx;
	if (l->none)
		return 0;
	pthread_mutex_lock(&l->mu);
	int rc = realise(l, cfg_diff_new_tree(diff), fs);
	if (rc < 0) {
		struct cfg_findings ignore = {0};
		(void)realise(l, cfg_diff_old(diff), &ignore);
		cfg_findings_free(&ignore);
	}
	pthread_mutex_unlock(&l->mu);
	return rc;
}

int jdm_l2ext_converge(void *ctx, const struct cfg_tree *active, struct cfg_buf *out,
                       struct cfg_findings *fs)
{
	(void)out;
	struct jdm_l2ext *l = ctx;
	if (l->none)
		return 0;
	pthread_mutex_lock(&l->mu);
	int rc = realise(l, active, fs);
	l->converged = true;
	pthread_mutex_unlock(&l->mu);
	return rc;
}

/* Are the VXLAN devices of C all there? */
static bool devices_there(const struct jdm_l2ext_cfg *c)
{
	for (size_t v = 0; v < c->nvnis; v++) {
		char n[IFNAMSIZ];
		dev_name(c->vnis[v].vni, n);
		if (c->vnis[v].nsites && !if_nametoindex(n))
			return false;
	}
	return true;
}

void jdm_l2ext_tick(void *ctx)
{
	struct jdm_l2ext *l = ctx;
	if (l->none)
		return;
	time_t now = time(NULL);
	if (now - l->last_tick < TICK_S)
		return;
	l->last_tick = now;
	if (cfg_daemon_commit_busy(l->d) || pthread_mutex_trylock(&l->mu) != 0)
		return;
	if (!l->converged) {
		pthread_mutex_unlock(&l->mu);
		return;
	}
	const struct cfg_tree *t = cfg_daemon_active(l->d);
	struct jdm_l2ext_cfg c;
	jdm_l2ext_build(t, &c);
	if (jdm_l2ext_active(&c)) {
		bool dead = !l->ch || !jdm_charon_alive(l->ch);
		if (dead || !devices_there(&c)) {
			if (dead) {
				l->restarts++;
				nfx_log(LOG_WARNING, "l2-extension: charon is not running: starting it again");
			}
			struct cfg_findings fs = {0};
			if (realise(l, t, &fs) < 0)
				nfx_log(LOG_ERR, "l2-extension: %s", fs.n && fs.f[0].msg ? fs.f[0].msg : cfg_err_msg());
			else
				nfx_log(LOG_NOTICE, "l2-extension: %s", dead ? "charon restarted, sites loaded"
				                                              : "VXLAN devices put back");
			cfg_findings_free(&fs);
			l->last_sa_check = now;
		} else if (now - l->last_sa_check >= SA_CHECK_S) {
			l->last_sa_check = now;
			initiate_missing(l, &c);
		}
	}
	pthread_mutex_unlock(&l->mu);
}

/* ------------------------------------------------------------ show */

static const char *sa_str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : NULL;
}

static void l2ext_text(struct cfg_buf *out, const struct cfg_reply *r, void *arg)
{
	(void)arg;
	const struct cfg_rel *root = cfg_reply_root(r);
	cfg_buf_printf(out, "Layer-2 extension: %s", cfg_rel_str(root, "state", "-"));
	const char *esp = cfg_rel_value(root, "esp-mode");
	if (esp)
		cfg_buf_printf(out, ", ESP %s", esp);
	cfg_buf_printf(out, ", inner MTU %s, overhead %s\n", cfg_rel_str(root, "mtu", "-"),
	               cfg_rel_str(root, "overhead", "-"));
	const char *why = cfg_rel_value(root, "reason");
	if (why)
		cfg_buf_printf(out, "  reason: %s\n", why);
	if (cfg_rel_child(root, "site")) {
		cfg_buf_printf(out, "\n%-16s %-16s %-16s %-12s %-12s %-21s %s\n", "Site", "Address",
		               "Local address", "IKE", "Child", "Bytes in/out", "VNIs");
		for (const struct cfg_rel *s = cfg_rel_child(root, "site"); s; s = cfg_rel_next_same(s)) {
			char bytes[48];
			snprintf(bytes, sizeof bytes, "%s/%s", cfg_rel_str(s, "bytes-in", "0"),
			         cfg_rel_str(s, "bytes-out", "0"));
			cfg_buf_printf(out, "%-16s %-16s %-16s %-12s %-12s %-21s %s\n",
			               cfg_rel_str(s, "site-name", ""), cfg_rel_str(s, "address", "-"),
			               cfg_rel_str(s, "local-address", "-"), cfg_rel_str(s, "ike-state", "-"),
			               cfg_rel_str(s, "child-state", "-"), bytes,
			               cfg_rel_str(s, "vni-list", "-"));
		}
	}
	if (cfg_rel_child(root, "vxlan")) {
		cfg_buf_printf(out, "\n%-16s %-7s %-9s %-11s %-18s %-5s %s\n", "VLAN", "VLAN ID", "VNI",
		               "Device", "State", "MTU", "Sites");
		for (const struct cfg_rel *v = cfg_rel_child(root, "vxlan"); v; v = cfg_rel_next_same(v)) {
			char sites[256] = "";
			size_t off = 0;
			for (const struct cfg_rel *s = cfg_rel_child(v, "site-name"); s && off < sizeof sites;
			     s = cfg_rel_next_same(s)) {
				const char *txt = s->text ? s->text : "";
				int w = snprintf(sites + off, sizeof sites - off, "%s%s", off ? " " : "", txt);
				if (w > 0)
					off += (size_t)w;
			}
			cfg_buf_printf(out, "%-16s %-7s %-9s %-11s %-18s %-5s %s\n",
			               cfg_rel_str(v, "vlan-name", ""), cfg_rel_str(v, "vlan-id", "-"),
			               cfg_rel_str(v, "vni", "-"), cfg_rel_str(v, "device", "-"),
			               cfg_rel_str(v, "state", "-"), cfg_rel_str(v, "mtu", "-"), sites);
			for (const struct cfg_rel *m = cfg_rel_child(v, "remote-mac"); m; m = cfg_rel_next_same(m))
				cfg_buf_printf(out, "  remote MAC %s behind %s (%s)\n",
				               cfg_rel_str(m, "mac-address", "-"), cfg_rel_str(m, "site-name", "-"),
				               cfg_rel_str(m, "remote-address", "-"));
		}
	}
}

static const char *site_of(const struct jdm_l2ext_cfg *c, uint32_t addr)
{
	for (size_t i = 0; i < c->nsites; i++)
		if (c->sites[i].addr_n == addr)
			return c->sites[i].name;
	return NULL;
}

/* `show host-os l2-extension` */
static int show_l2ext(struct cfg_cmd *cmd)
{
	struct jdm_l2ext *l = cmd->ctx;
	const struct cfg_tree *t = cfg_daemon_active(cmd->d);
	struct jdm_l2ext_cfg c;
	jdm_l2ext_build(t, &c);
	struct jdm_hostif_cfg h;
	jdm_hostif_build(t, &h);
	struct cfg_reply *r = cfg_reply_new("host-os-l2-extension-information");
	struct cfg_rel *root = cfg_reply_root(r);
	bool locked = l && !l->none && pthread_mutex_trylock(&l->mu) == 0;
	enum jdm_charon_esp esp =
	    l ? (enum jdm_charon_esp)__atomic_load_n(&l->esp, __ATOMIC_ACQUIRE) : JDM_CHARON_ESP_UNKNOWN;
	json_t *sas = NULL;
	const char *state;
	if (!l || l->none)
		state = "configuration only";
	else if (!jdm_l2ext_active(&c))
		state = "not configured";
	else if (!locked)
		state = "starting";
	else if (l->ch && jdm_charon_pid(l->ch) > 0) {
		state = "running";
		struct nfx_vici *v = nfx_vici_connect(jdm_charon_vici_path(l->ch), 2000);
		if (v) {
			sas = list_sas(v);
			nfx_vici_close(v);
		}
	} else
		state = "down";
	cfg_rel_leaf(root, "state", state);
	if (esp != JDM_CHARON_ESP_UNKNOWN)
		cfg_rel_leaf(root, "esp-mode", jdm_charon_esp_name(esp));
	if (locked && l->ch && jdm_charon_pid(l->ch) > 0)
		cfg_rel_leaff(root, "charon-pid", "%d", (int)jdm_charon_pid(l->ch));
	if (l && !l->none)
		cfg_rel_leaff(root, "charon-restarts", "%u", l->restarts);
	if (locked && l->reason[0] && strcmp(state, "running"))
		cfg_rel_leaf(root, "reason", l->reason);
	int mtu = jdm_l2ext_mtu(&c, esp);
	cfg_rel_leaff(root, "mtu", "%d", mtu);
	int esp_ov = 0;
	for (size_t i = 0; i < c.nsites; i++)
		if (jdm_l2ext_esp_overhead(&c.sites[i]) > esp_ov)
			esp_ov = jdm_l2ext_esp_overhead(&c.sites[i]);
	cfg_rel_leaff(root, "overhead", "%d", JDM_L2EXT_VXLAN_OVERHEAD + (esp_ov ? esp_ov : jdm_l2ext_esp_overhead(NULL)));
	for (size_t i = 0; i < c.nsites; i++) {
		const struct jdm_l2ext_site *s = &c.sites[i];
		struct cfg_rel *e = cfg_rel_add(root, "site");
		cfg_rel_leaf(e, "site-name", s->name);
		cfg_rel_leaf(e, "address", s->address);
		cfg_rel_leaf(e, "local-address", s->local);
		const struct jdm_hostif_if *f = jdm_hostif_by_addr(&h, s->local_n);
		if (f)
			cfg_rel_leaf(e, "local-interface", f->name);
		/* every IKE SA of the site (both ends initiating make two for a moment)
		   and every child of it: the best state, the counters summed */
		const char *ike_state = NULL, *child_state = NULL;
		unsigned long long ctr[4] = {0};
		static const char *const ctr_names[] = {"bytes-in", "bytes-out", "packets-in", "packets-out"};
		size_t ei;
		json_t *ev;
		json_array_foreach(sas, ei, ev) {
			json_t *sa = json_object_get(ev, s->name);
			if (!sa)
				continue;
			const char *st = sa_str(sa, "state");
			if (st && (!ike_state || !strcmp(st, "ESTABLISHED")))
				ike_state = st;
			const char *ck;
			json_t *cv;
			json_object_foreach(json_object_get(sa, "child-sas"), ck, cv) {
				const char *n = sa_str(cv, "name");
				const char *cs = sa_str(cv, "state");
				if (!n || strcmp(n, s->name))
					continue;
				if (cs && (!child_state || !strcmp(cs, "INSTALLED")))
					child_state = cs;
				for (size_t k = 0; k < 4; k++) {
					const char *vv = sa_str(cv, ctr_names[k]);
					ctr[k] += vv ? strtoull(vv, NULL, 10) : 0;
				}
			}
		}
		cfg_rel_leaf(e, "ike-state", ike_state ? ike_state : "down");
		cfg_rel_leaf(e, "child-state", child_state ? child_state : "down");
		if (esp != JDM_CHARON_ESP_UNKNOWN)
			cfg_rel_leaf(e, "esp-mode", jdm_charon_esp_name(esp));
		for (size_t k = 0; k < 4; k++)
			cfg_rel_leaff(e, ctr_names[k], "%llu", ctr[k]);
		char vl[512] = "";
		size_t off = 0;
		for (size_t v = 0; v < c.nvnis; v++)
			for (size_t k = 0; k < c.vnis[v].nsites; k++)
				if (c.vnis[v].sites[k] == i && off < sizeof vl) {
					int w = snprintf(vl + off, sizeof vl - off, "%s%u", off ? " " : "", c.vnis[v].vni);
					if (w > 0)
						off += (size_t)w;
				}
		if (off)
			cfg_rel_leaf(e, "vni-list", vl);
	}
	for (size_t v = 0; v < c.nvnis; v++) {
		const struct jdm_l2ext_vni *x = &c.vnis[v];
		struct cfg_rel *e = cfg_rel_add(root, "vxlan");
		char name[IFNAMSIZ];
		dev_name(x->vni, name);
		cfg_rel_leaf(e, "vlan-name", x->vlan);
		cfg_rel_leaff(e, "vlan-id", "%d", x->tag);
		cfg_rel_leaff(e, "vni", "%u", x->vni);
		cfg_rel_leaf(e, "device", name);
		bool up = false;
		int st = !l || l->none ? 2 : jdm_hostif_nl_link_state(name, &up, NULL);
		cfg_rel_leaf(e, "state", st == 2 ? "configuration only" : st == 1 ? "absent" : st < 0 ? "unknown" : up ? "up" : "down");
		cfg_rel_leaff(e, "mtu", "%d", mtu);
		for (size_t k = 0; k < x->nsites; k++)
			cfg_rel_leaf(e, "site-name", c.sites[x->sites[k]].name);
		if (st != 0)
			continue;
		struct jdm_hostif_fdb fdb[256];
		int n = jdm_hostif_nl_fdb_dump(name, fdb, 256);
		static const unsigned char zero[6];
		for (int k = 0; k < n; k++) {
			if (!memcmp(fdb[k].mac, zero, 6))
				continue;
			const unsigned char *m = fdb[k].mac;
			/* the device's own address and its multicast entries are no remote MACs */
			if (!fdb[k].dst || (m[0] & 1))
				continue;
			struct cfg_rel *rm = cfg_rel_add(e, "remote-mac");
			cfg_rel_leaff(rm, "mac-address", "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
			              m[3], m[4], m[5]);
			const char *sn = site_of(&c, fdb[k].dst);
			if (sn)
				cfg_rel_leaf(rm, "site-name", sn);
			char d[INET_ADDRSTRLEN];
			inet_ntop(AF_INET, &fdb[k].dst, d, sizeof d);
			cfg_rel_leaf(rm, "remote-address", d);
		}
	}
	json_decref(sas);
	if (locked)
		pthread_mutex_unlock(&l->mu);
	return cfg_reply_emit(r, &cmd->disp, cmd->out, l2ext_text, NULL);
}

int jdm_l2ext_register(struct cfg_daemon *d, struct jdm_l2ext *l)
{
	return cfg_daemon_register_ctx(d, "show_host_l2ext", show_l2ext, l);
}
