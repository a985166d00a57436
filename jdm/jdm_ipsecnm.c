/* jdm_ipsecnm — the ipsec-nm management container. See jdm_ipsecnm.h. */
#include "jdm_ipsecnm.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cfg_cmd.h"
#include "cfg_daemon.h"
#include "cfg_diff.h"
#include "cfg_err.h"
#include "cfg_notify.h"
#include "jdm_charon.h"
#include "jdm_ipsecnm_cfg.h"
#include "jdm_ipsecnm_net.h"
#include "jdm_ipsecnm_show.h"
#include "jdm_net.h"
#include "jdm_sriov_ovs.h"
#include "nfx_log.h"
#include "nfx_netns.h"
#include "nfx_vici.h"

#define NAME "ipsec-nm"
#define OWNER "ipsec-nm"
#define BRIDGE "ovs-sys-br"
#define START_MS 15000
#define VICI_MS 10000
#define POLL_S 2
#define INIT_EVERY_S 5   /* a connection without an IKE SA is initiated again after this */
#define RETRY_S 5        /* a realisation that failed is tried again after this */
#define STUCK_S 20       /* an IKE SA CONNECTING longer is terminated and initiated again */

/* a VLAN's id changing retags heth1/heth2's ports: owned too (as jdm_snmp
   owns jmgmt0's address) */
const char *const jdm_ipsecnm_owns[] = {"security ipsec-nm", "host-os vlans", NULL};
const char *const jdm_ipsecnm_reads[] = {"host-os", NULL};

static const char *const heth[2] = {"heth1", "heth2"};
static const char *const outer[2] = {"ipsec-nm_heth1", "ipsec-nm_heth2"};

struct tstate {
	char *child;
	bool up;
	char reason[256];
	time_t since;
};

struct event {
	char *vpn, *ts, *gw, *remote, *reason;
	bool up;
	time_t when;
};

struct gwinit {
	char *conn;
	time_t last;          /* last initiate or load */
	char connecting[32];  /* unique id of its IKE SA seen CONNECTING, since: */
	time_t conn_since;
};

struct jdm_ipsecnm {
	struct cfg_daemon *d;
	char *state_dir, *ovsdb;
	bool may_run;
	/* work: charon, its namespace, VICI loads (apply, converge, supervisor) */
	pthread_mutex_t work;
	struct jdm_charon *ch;
	struct jdm_ipsecnm_plan cur; /* what charon and the namespace have */
	bool have_cur;
	bool want;                   /* the container should run */
	bool started;                /* charon was started (a death is a restart) */
	struct cfg_tree *want_tree;  /* the configuration to realise (a failed attempt
	                                is tried again by the supervisor) */
	time_t last_try;
	struct jdm_ipsecnm_route *routes; /* routes set in the namespace */
	size_t n_routes;
	struct gwinit *gi;
	size_t n_gi;
	time_t last_poll;
	struct nfx_vici *logv; /* charon's "log" events: DPD retransmits (supervisor only) */
	/* st: the snapshot for the loop thread */
	pthread_mutex_t st;
	pthread_cond_t cv;
	bool stop, kick;
	char state[16]; /* running, stopped, disabled, config-only */
	int pid;
	enum jdm_charon_esp esp;
	unsigned restarts;
	struct jdm_ipsecnm_tunnel *tun; /* copies of cur's tunnels */
	struct tstate *ts;
	size_t n_tun;
	struct event *ev;
	size_t n_ev;
	char vici[PATH_MAX];
	char mgmt[32];  /* heth1's address, "" when none */
	pthread_t thr;
	bool thr_on;
};

/* ------------------------------------------------------------ snapshot (st held) */

static void set_state(struct jdm_ipsecnm *m, const char *s)
{
	pthread_mutex_lock(&m->st);
	snprintf(m->state, sizeof m->state, "%s", s);
	m->pid = m->ch ? jdm_charon_pid(m->ch) : -1;
	m->esp = m->ch ? jdm_charon_esp(m->ch) : JDM_CHARON_ESP_UNKNOWN;
	pthread_mutex_unlock(&m->st);
}

static void queue_event(struct jdm_ipsecnm *m, const struct jdm_ipsecnm_tunnel *t, bool up,
                        const char *reason)
{
	m->ev = realloc(m->ev, (m->n_ev + 1) * sizeof *m->ev);
	if (!m->ev)
		abort();
	struct event *e = &m->ev[m->n_ev++];
	e->vpn = strdup(t->vpn);
	e->ts = strdup(t->ts);
	e->gw = strdup(t->gateway);
	e->remote = strdup(t->remote ? t->remote : "");
	e->reason = strdup(reason ? reason : "");
	e->up = up;
	e->when = time(NULL);
}

static void free_tunnels(struct jdm_ipsecnm *m)
{
	for (size_t i = 0; i < m->n_tun; i++) {
		free(m->tun[i].vpn);
		free(m->tun[i].ts);
		free(m->tun[i].gateway);
		free(m->tun[i].child);
		free(m->tun[i].remote);
		free(m->tun[i].remote_ts);
		free(m->tun[i].note);
		free(m->ts[i].child);
	}
	free(m->tun);
	free(m->ts);
	m->tun = NULL;
	m->ts = NULL;
	m->n_tun = 0;
}

static char *dup0(const char *s) { return s ? strdup(s) : NULL; }

/* The tunnels of P become the snapshot's; states of tunnels kept. */
static void set_tunnels(struct jdm_ipsecnm *m, const struct jdm_ipsecnm_plan *p)
{
	pthread_mutex_lock(&m->st);
	struct jdm_ipsecnm_tunnel *tun = calloc(p->n_tun + 1, sizeof *tun);
	struct tstate *ts = calloc(p->n_tun + 1, sizeof *ts);
	if (!tun || !ts)
		abort();
	for (size_t i = 0; i < p->n_tun; i++) {
		const struct jdm_ipsecnm_tunnel *s = &p->tun[i];
		tun[i] = (struct jdm_ipsecnm_tunnel){dup0(s->vpn), dup0(s->ts), dup0(s->gateway), dup0(s->child),
		                                     dup0(s->remote), dup0(s->remote_ts), dup0(s->note)};
		ts[i].child = strdup(s->child);
		snprintf(ts[i].reason, sizeof ts[i].reason, "not established yet");
		ts[i].since = time(NULL);
		for (size_t j = 0; j < m->n_tun; j++)
			if (!strcmp(m->ts[j].child, s->child)) {
				ts[i].up = m->ts[j].up;
				memcpy(ts[i].reason, m->ts[j].reason, sizeof ts[i].reason);
				ts[i].since = m->ts[j].since;
			}
	}
	free_tunnels(m);
	m->tun = tun;
	m->ts = ts;
	m->n_tun = p->n_tun;
	pthread_mutex_unlock(&m->st);
}

static void count_restart(struct jdm_ipsecnm *m)
{
	pthread_mutex_lock(&m->st);
	m->restarts++;
	pthread_mutex_unlock(&m->st);
}

/* Tunnel CHILD is UP (or down for REASON; a WEAK reason does not replace a
 * better one found before, such as an initiate's failure); an event when
 * it changed. */
static void note_tunnel_w(struct jdm_ipsecnm *m, const char *child, bool up, const char *reason,
                          bool weak)
{
	pthread_mutex_lock(&m->st);
	for (size_t i = 0; i < m->n_tun; i++) {
		if (strcmp(m->ts[i].child, child))
			continue;
		if (m->ts[i].up != up) {
			m->ts[i].up = up;
			m->ts[i].since = time(NULL);
			if (up)
				m->ts[i].reason[0] = '\0';
			else
				snprintf(m->ts[i].reason, sizeof m->ts[i].reason, "%s",
				         reason ? reason : "the IPsec SA went away (deleted by the peer, rekey or DPD)");
			queue_event(m, &m->tun[i], up, up ? "" : m->ts[i].reason);
		} else if (!up && reason && reason[0] &&
		           (!weak || !m->ts[i].reason[0] || !strcmp(m->ts[i].reason, "not established yet"))) {
			snprintf(m->ts[i].reason, sizeof m->ts[i].reason, "%s", reason);
		}
	}
	pthread_mutex_unlock(&m->st);
}

static void note_tunnel(struct jdm_ipsecnm *m, const char *child, bool up, const char *reason)
{
	note_tunnel_w(m, child, up, reason, false);
}

/* Every tunnel down for REASON. */
static void all_down(struct jdm_ipsecnm *m, const char *reason)
{
	for (size_t i = 0; i < m->cur.n_tun; i++)
		note_tunnel(m, m->cur.tun[i].child, false, reason);
}

/* ------------------------------------------------------------ the namespace */

struct ns_job {
	struct jdm_ipsecnm *m;
	const struct jdm_ipsecnm_plan *p;
};

static int ns_setup(void *arg)
{
	struct ns_job *j = arg;
	struct jdm_ipsecnm *m = j->m;
	const struct jdm_ipsecnm_plan *p = j->p;
	jdm_net_link_up("lo");
	for (int i = 0; i < 2; i++) {
		if (!p->ifs[i].on)
			continue;
		const char *a = p->ifs[i].addr;
		if (jdm_ipsecnm_net_tx_csum_off(heth[i]) < 0)
			return -1;
		if (jdm_net_set_addrs(heth[i], &a, 1) != 0)
			return cfg_err_set("%s: %s", heth[i], cfg_err_msg());
	}
	/* routes: drop the ones no longer wanted, then set the wanted */
	for (size_t i = 0; i < m->n_routes; i++) {
		bool keep = false;
		for (size_t k = 0; k < p->n_routes && !keep; k++)
			keep = !strcmp(p->routes[k].dst, m->routes[i].dst) && !strcmp(p->routes[k].via, m->routes[i].via);
		if (!keep)
			jdm_ipsecnm_net_route(m->routes[i].dst, m->routes[i].via[0] ? m->routes[i].via : NULL, 0);
	}
	for (size_t k = 0; k < p->n_routes; k++)
		if (jdm_ipsecnm_net_route(p->routes[k].dst, p->routes[k].via[0] ? p->routes[k].via : NULL, 1) < 0)
			return -1;
	return jdm_ipsecnm_net_forwarding(1);
}

/* heth1/heth2, their switch ports, addresses and routes as P says. */
static int realise_net(struct jdm_ipsecnm *m, const struct jdm_ipsecnm_plan *p)
{
	int nsfd = jdm_charon_netns_fd(m->ch);
	if (nsfd < 0)
		return cfg_err_set("the ipsec-nm container has no network namespace");
	for (int i = 0; i < 2; i++) {
		if (!p->ifs[i].on) {
			jdm_ovs_owned_port_del(m->ovsdb, BRIDGE, outer[i], OWNER);
			jdm_net_link_del(outer[i]);
			continue;
		}
		if (jdm_ipsecnm_net_veth(outer[i], heth[i], nsfd) < 0)
			return -1;
		if (jdm_ovs_owned_port_add(m->ovsdb, BRIDGE, outer[i], p->ifs[i].vlan_id, OWNER, NULL) < 0)
			return cfg_err_set("%s on %s: %s", outer[i], BRIDGE, cfg_err_msg());
		if (jdm_ipsecnm_net_tx_csum_off(outer[i]) < 0 || jdm_net_link_up(outer[i]) < 0)
			return -1;
	}
	struct ns_job j = {m, p};
	if (jdm_charon_in_netns(m->ch, ns_setup, &j) < 0)
		return -1;
	free(m->routes);
	m->routes = NULL;
	m->n_routes = p->n_routes;
	if (p->n_routes) {
		m->routes = malloc(p->n_routes * sizeof *m->routes);
		if (!m->routes)
			abort();
		memcpy(m->routes, p->routes, p->n_routes * sizeof *m->routes);
	}
	return 0;
}

static void remove_ports(struct jdm_ipsecnm *m)
{
	for (int i = 0; i < 2; i++) {
		if (access(m->ovsdb, F_OK) == 0)
			jdm_ovs_owned_port_del(m->ovsdb, BRIDGE, outer[i], OWNER);
		jdm_net_link_del(outer[i]);
	}
}

/* ------------------------------------------------------------ VICI */

static struct nfx_vici *vici(struct jdm_ipsecnm *m)
{
	return nfx_vici_connect(jdm_charon_vici_path(m->ch), VICI_MS);
}

/* CMD with ARGS: 0, or -1 with cfg_err = charon's reason. */
static int vcall(struct nfx_vici *v, const char *cmd, const json_t *args)
{
	json_t *r = NULL;
	int rc = nfx_vici_call(v, cmd, args, &r, VICI_MS);
	if (rc == 0)
		rc = nfx_vici_ok(r);
	json_decref(r);
	return rc;
}

static void gi_touch(struct jdm_ipsecnm *m, const char *conn, time_t when)
{
	for (size_t i = 0; i < m->n_gi; i++)
		if (!strcmp(m->gi[i].conn, conn)) {
			m->gi[i].last = when;
			return;
		}
	m->gi = realloc(m->gi, (m->n_gi + 1) * sizeof *m->gi);
	if (!m->gi)
		abort();
	memset(&m->gi[m->n_gi], 0, sizeof m->gi[m->n_gi]);
	m->gi[m->n_gi].conn = strdup(conn);
	m->gi[m->n_gi++].last = when;
}

static struct gwinit *gi_get(struct jdm_ipsecnm *m, const char *conn)
{
	for (size_t i = 0; i < m->n_gi; i++)
		if (!strcmp(m->gi[i].conn, conn))
			return &m->gi[i];
	gi_touch(m, conn, 0);
	return &m->gi[m->n_gi - 1];
}

/* Load into charon what NEW has and OLD (NULL: nothing known; FULL: load
 * everything) lacks or has otherwise; unload what only OLD has. On a
 * refusal: *BAD_CONN the connection charon refused (borrowed from NEW or
 * NULL), -1 with cfg_err = charon's reason. */
static int load(struct jdm_ipsecnm *m, const struct jdm_ipsecnm_plan *old, const struct jdm_ipsecnm_plan *new,
                const char **bad_conn)
{
	*bad_conn = NULL;
	struct nfx_vici *v = vici(m);
	if (!v)
		return -1;
	int rc = 0;
	const char *k;
	json_t *val;
	if (old) {
		json_object_foreach(old->conns, k, val)
			if (!json_object_get(new->conns, k)) {
				json_t *a = json_pack("{s:s}", "name", k);
				if (vcall(v, "unload-conn", a) < 0)
					nfx_log(LOG_WARNING, NAME ": unload-conn %s: %s", k, cfg_err_msg());
				json_decref(a);
			}
		json_object_foreach(old->shared, k, val)
			if (!json_object_get(new->shared, k)) {
				json_t *a = json_pack("{s:s}", "id", k);
				vcall(v, "unload-shared", a);
				json_decref(a);
			}
	}
	json_object_foreach(new->shared, k, val) {
		json_t *o = old ? json_object_get(old->shared, k) : NULL;
		if (o && json_equal(o, val))
			continue;
		if (vcall(v, "load-shared", val) < 0) {
			*bad_conn = NULL;
			rc = cfg_err_set("charon refused the pre-shared key %s: %s", k, cfg_err_msg());
			goto out;
		}
	}
	time_t now = time(NULL);
	json_object_foreach(new->conns, k, val) {
		json_t *o = old ? json_object_get(old->conns, k) : NULL;
		if (o && json_equal(o, val))
			continue;
		char *lf = jdm_ipsecnm_log_form(val);
		if (vcall(v, "load-conn", val) < 0) {
			nfx_log(LOG_ERR, NAME ": charon refused connection %s: %s (%s)", k, cfg_err_msg(), lf);
			free(lf);
			*bad_conn = k;
			rc = -1;
			goto out;
		}
		free(lf);
		gi_touch(m, k, now);
	}
out:
	nfx_vici_close(v);
	return rc;
}

/* Initiate every child of connection CONN; the reason of a failure goes
 * to its tunnels. (work held) */
static void initiate(struct jdm_ipsecnm *m, const char *conn)
{
	json_t *c = json_object_get(json_object_get(m->cur.conns, conn), conn);
	json_t *children = json_object_get(c, "children");
	gi_touch(m, conn, time(NULL));
	struct nfx_vici *v = vici(m);
	if (!v)
		return;
	const char *ck;
	json_t *cv;
	json_object_foreach(children, ck, cv) {
		(void)cv;
		json_t *a = json_pack("{s:s, s:s, s:s}", "child", ck, "ike", conn, "timeout", "5000");
		json_t *events = NULL, *reply = NULL;
		int rc = nfx_vici_call_stream(v, "initiate", "control-log", a, &events, &reply, 8000);
		json_decref(a);
		if (rc < 0) {
			json_decref(events);
			json_decref(reply);
			break; /* broken connection: next round */
		}
		if (nfx_vici_ok(reply) < 0) {
			char why[256];
			const char *em = json_string_value(json_object_get(reply, "errmsg"));
			jdm_ipsecnm_failure_reason(events, em, why, sizeof why);
			note_tunnel(m, ck, false, why);
			nfx_log(LOG_WARNING, NAME ": initiating %s failed: %s", ck, why);
		}
		json_decref(events);
		json_decref(reply);
		break; /* one child brings the IKE SA; the others follow it (start_action) */
	}
	nfx_vici_close(v);
}

static void terminate(struct jdm_ipsecnm *m, const char *ike_id)
{
	struct nfx_vici *v = vici(m);
	if (!v)
		return;
	json_t *a = json_pack("{s:s, s:s, s:s}", "ike-id", ike_id, "force", "yes", "timeout", "-1");
	vcall(v, "terminate", a);
	json_decref(a);
	nfx_vici_close(v);
}

static void note_tunnels_of(struct jdm_ipsecnm *m, const char *gw, const char *reason)
{
	for (size_t i = 0; i < m->cur.n_tun; i++)
		if (!strcmp(m->cur.tun[i].gateway, gw))
			note_tunnel(m, m->cur.tun[i].child, false, reason);
}

/* List the SAs: tunnel states, and connections without an IKE SA get
 * initiated again. (work held) */
static void poll_sas(struct jdm_ipsecnm *m)
{
	m->last_poll = time(NULL);
	struct nfx_vici *v = vici(m);
	if (!v)
		return;
	json_t *sas = NULL, *reply = NULL;
	int rc = nfx_vici_call_stream(v, "list-sas", "list-sa", NULL, &sas, &reply, VICI_MS);
	nfx_vici_close(v);
	json_decref(reply);
	if (rc < 0) {
		json_decref(sas);
		return;
	}
	for (size_t i = 0; i < m->cur.n_tun; i++) {
		const struct jdm_ipsecnm_tunnel *t = &m->cur.tun[i];
		bool up = jdm_ipsecnm_child_up(sas, t->child);
		note_tunnel_w(m, t->child, up,
		              up || jdm_ipsecnm_ike_present(sas, t->gateway) ? NULL : "no IKE SA with the peer", true);
	}
	time_t now = time(NULL);
	const char *k;
	json_t *val;
	json_object_foreach(m->cur.conns, k, val) {
		(void)val;
		struct gwinit *g = gi_get(m, k);
		char id[32];
		const char *state = jdm_ipsecnm_ike_state(sas, k, id, sizeof id);
		if (state && !strcmp(state, "CONNECTING")) {
			/* charon's retransmits back off to minutes: an IKE SA that
			   does not come up within STUCK_S is started afresh */
			if (strcmp(g->connecting, id)) {
				snprintf(g->connecting, sizeof g->connecting, "%s", id);
				g->conn_since = now;
			} else if (now - g->conn_since >= STUCK_S) {
				terminate(m, id);
				g->connecting[0] = '\0';
				note_tunnels_of(m, k, "peer not responding (no answer to IKE_SA_INIT)");
				initiate(m, k);
			}
		} else if (!state && now - g->last >= INIT_EVERY_S) {
			initiate(m, k);
		}
	}
	json_decref(sas);
}

/* Junos' dead-peer-detection threshold: an established IKE SA whose DPD
 * (or other INFORMATIONAL) request went THRESHOLD times unanswered is
 * dead now, not after charon's global retransmit schedule: terminated and
 * initiated again. Reads charon's "log" events. (work held) */
static void watch_dpd(struct jdm_ipsecnm *m)
{
	if (!m->logv) {
		m->logv = nfx_vici_connect(jdm_charon_vici_path(m->ch), 1000);
		if (m->logv && nfx_vici_register(m->logv, "log") < 0) {
			nfx_vici_close(m->logv);
			m->logv = NULL;
		}
		if (!m->logv)
			return;
	}
	for (int i = 0; i < 1000; i++) {
		char *name = NULL;
		json_t *msg = NULL;
		int r = nfx_vici_read_event(m->logv, &name, &msg, 0);
		if (r < 0) {
			nfx_vici_close(m->logv);
			m->logv = NULL;
			return;
		}
		if (r == 0)
			return;
		char ike[128], id[32];
		unsigned n = jdm_ipsecnm_retransmit(msg, ike, sizeof ike, id, sizeof id);
		json_t *th = n ? json_object_get(m->cur.dpd, ike) : NULL;
		if (th && n >= (unsigned)json_integer_value(th)) {
			char why[160];
			snprintf(why, sizeof why, "peer not responding (dead peer detection: %u requests unanswered)", n);
			nfx_log(LOG_WARNING, NAME ": gateway %s: %s", ike, why);
			terminate(m, id);
			note_tunnels_of(m, ike, why);
			gi_touch(m, ike, 0); /* initiated again at the next poll */
			m->last_poll = 0;
		}
		free(name);
		json_decref(msg);
	}
}

/* ------------------------------------------------------------ realise */

/* Charon running with the namespace's links, and P loaded. (work held) */
static int bring_up(struct jdm_ipsecnm *m, const struct cfg_tree *t, struct cfg_findings *fs,
                    struct cfg_node *at)
{
	if (!jdm_charon_alive(m->ch)) {
		if (m->started)
			count_restart(m);
		if (jdm_charon_start(m->ch, START_MS) < 0) {
			set_state(m, "stopped");
			if (fs)
				cfg_findings_add(fs, at, NULL, "cannot start the ipsec-nm container: %s", cfg_err_msg());
			return -1;
		}
		m->started = true;
		m->have_cur = false; /* a new charon knows nothing */
		set_state(m, "running");
		nfx_log(LOG_INFO, NAME ": charon started (pid %d, ESP %s)", (int)jdm_charon_pid(m->ch),
		        jdm_charon_esp_name(jdm_charon_esp(m->ch)));
	}
	struct jdm_ipsecnm_plan np;
	struct cfg_findings local = {0};
	bool libipsec = jdm_charon_esp(m->ch) == JDM_CHARON_ESP_LIBIPSEC;
	if (jdm_ipsecnm_plan(t, libipsec, true, &np, fs ? fs : &local) < 0) {
		jdm_ipsecnm_plan_free(&np);
		cfg_findings_free(&local);
		return -1;
	}
	cfg_findings_free(&local);
	if (realise_net(m, &np) < 0) {
		if (fs)
			cfg_findings_add(fs, at, NULL, "%s", cfg_err_msg());
		else
			nfx_log(LOG_ERR, NAME ": %s", cfg_err_msg());
		jdm_ipsecnm_plan_free(&np);
		return -1;
	}
	const char *bad = NULL;
	if (load(m, m->have_cur ? &m->cur : NULL, &np, &bad) < 0) {
		char why[512];
		snprintf(why, sizeof why, "%s", cfg_err_msg());
		if (fs) {
			struct cfg_node *g = bad ? cfg_tree_atv(t, NULL,
			                                        (const char *const[]){"security", "ipsec-nm", "ike", "gateway", bad, NULL},
			                                        CFG_AT_ACTIVE)
			                         : NULL;
			cfg_findings_add(fs, g ? g : at, NULL, "strongSwan refused the configuration: %s", why);
		} else {
			nfx_log(LOG_ERR, NAME ": strongSwan refused the configuration: %s", why);
		}
		/* nothing changes: what charon had before is loaded again */
		const char *b2;
		if (m->have_cur && load(m, &np, &m->cur, &b2) < 0)
			nfx_log(LOG_ERR, NAME ": loading the previous configuration again: %s", cfg_err_msg());
		jdm_ipsecnm_plan_free(&np);
		return -1;
	}
	/* a gateway whose key changed authenticates again with it now (a wrong
	   key shows at once, a fixed one brings the tunnel up) */
	if (m->have_cur) {
		const char *k;
		json_t *val;
		json_object_foreach(np.shared, k, val) {
			json_t *o = json_object_get(m->cur.shared, k);
			if (o && !json_equal(o, val) && !strncmp(k, "psk-", 4)) {
				struct nfx_vici *v = vici(m);
				json_t *a = json_pack("{s:s, s:s, s:s}", "ike", k + 4, "force", "yes", "timeout", "-1");
				if (v)
					vcall(v, "terminate", a);
				json_decref(a);
				nfx_vici_close(v);
				gi_touch(m, k + 4, 0);
			}
		}
	}
	if (m->have_cur)
		jdm_ipsecnm_plan_free(&m->cur);
	m->cur = np;
	m->have_cur = true;
	set_tunnels(m, &m->cur);
	pthread_mutex_lock(&m->st);
	snprintf(m->mgmt, sizeof m->mgmt, "%.*s", (int)strcspn(np.ifs[0].addr, "/"), np.ifs[0].on ? np.ifs[0].addr : "");
	pthread_mutex_unlock(&m->st);
	return 0;
}

static void bring_down(struct jdm_ipsecnm *m, const char *state)
{
	if (m->ch)
		jdm_charon_destroy(m->ch);
	remove_ports(m);
	m->started = false;
	if (m->have_cur)
		jdm_ipsecnm_plan_free(&m->cur);
	m->have_cur = false;
	free(m->routes);
	m->routes = NULL;
	m->n_routes = 0;
	struct jdm_ipsecnm_plan empty = {0};
	set_tunnels(m, &empty);
	set_state(m, state);
}

static int realise(struct jdm_ipsecnm *m, const struct cfg_tree *t, struct cfg_findings *fs)
{
	struct cfg_node *nm = cfg_tree_at(t, NULL, JDM_IPSECNM_PATH, CFG_AT_ACTIVE);
	bool disabled = nm && cfg_node_child(nm, "disable", NULL, CFG_AT_ACTIVE);
	pthread_mutex_lock(&m->work);
	int rc = 0;
	if (!m->may_run) {
		m->want = false;
		set_state(m, disabled ? "disabled" : "config-only");
	} else if (disabled) {
		m->want = false;
		bring_down(m, "disabled");
		nfx_log(LOG_INFO, NAME ": disabled: container removed");
	} else {
		m->want = true;
		rc = bring_up(m, t, fs, nm);
	}
	cfg_tree_free(m->want_tree);
	m->want_tree = m->want ? cfg_tree_dup(t) : NULL;
	m->last_try = time(NULL);
	pthread_mutex_unlock(&m->work);
	pthread_mutex_lock(&m->st);
	m->kick = true;
	pthread_cond_signal(&m->cv);
	pthread_mutex_unlock(&m->st);
	return rc;
}

/* ------------------------------------------------------------ supervisor */

static void *supervise(void *arg)
{
	struct jdm_ipsecnm *m = arg;
	pthread_mutex_lock(&m->st);
	while (!m->stop) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		while (!m->stop && !m->kick &&
		       pthread_cond_timedwait(&m->cv, &m->st, &ts) != ETIMEDOUT)
			;
		bool kick = m->kick;
		m->kick = false;
		if (m->stop)
			break;
		pthread_mutex_unlock(&m->st);
		if (pthread_mutex_trylock(&m->work) == 0) {
			if (m->want && m->have_cur && !jdm_charon_alive(m->ch)) {
				nfx_log(LOG_WARNING, NAME ": charon died: starting it again");
				all_down(m, "charon died (restarted)");
				struct jdm_ipsecnm_plan keep = m->cur; /* the configuration it had */
				m->have_cur = false;
				set_state(m, "stopped");
				count_restart(m);
				if (jdm_charon_start(m->ch, START_MS) == 0) {
					set_state(m, "running");
					const char *bad;
					/* its namespace (and links) stayed: only the configuration */
					if (load(m, NULL, &keep, &bad) < 0)
						nfx_log(LOG_ERR, NAME ": reloading charon: %s", cfg_err_msg());
					m->cur = keep;
					m->have_cur = true;
					m->last_poll = 0;
				} else {
					/* tried again from the configuration, every RETRY_S */
					nfx_log(LOG_ERR, NAME ": restarting charon: %s", cfg_err_msg());
					jdm_ipsecnm_plan_free(&keep);
					m->last_try = time(NULL);
				}
			}
			if (m->want && !m->have_cur && m->want_tree && time(NULL) - m->last_try >= RETRY_S) {
				/* converge or a commit could not finish (the host-os
				   switch not up yet, charon not starting): again */
				m->last_try = time(NULL);
				if (bring_up(m, m->want_tree, NULL, NULL) == 0)
					nfx_log(LOG_INFO, NAME ": configured on a later attempt");
			}
			if (m->want && m->have_cur && jdm_charon_alive(m->ch))
				watch_dpd(m);
			else if (m->logv) {
				nfx_vici_close(m->logv);
				m->logv = NULL;
			}
			/* nothing to watch in an unconfigured container (the default
			   on every box): no VICI round trip every POLL_S then */
			if (m->want && m->have_cur && m->cur.n_tun > 0 && jdm_charon_alive(m->ch) &&
			    (kick || time(NULL) - m->last_poll >= POLL_S))
				poll_sas(m);
			pthread_mutex_unlock(&m->work);
		}
		pthread_mutex_lock(&m->st);
	}
	pthread_mutex_unlock(&m->st);
	return NULL;
}

/* ------------------------------------------------------------ row */

void jdm_ipsecnm_validate(void *ctx, const struct cfg_tree *t, const struct cfg_diff *diff,
                          struct cfg_findings *fs)
{
	(void)ctx;
	(void)diff;
	struct jdm_ipsecnm_plan p;
	jdm_ipsecnm_plan(t, true, false, &p, fs);
	jdm_ipsecnm_plan_free(&p);
}

int jdm_ipsecnm_apply(void *ctx, const struct cfg_diff *diff, struct cfg_buf *out,
                      struct cfg_findings *fs)
{
	(void)out;
	struct jdm_ipsecnm *m = ctx;
	return realise(m, cfg_diff_new_tree(diff), fs);
}

int jdm_ipsecnm_converge(void *ctx, const struct cfg_tree *active, struct cfg_buf *out,
                         struct cfg_findings *fs)
{
	(void)out;
	return realise(ctx, active, fs);
}

static void publish(struct jdm_ipsecnm *m, const struct event *e)
{
	nfx_log(e->up ? LOG_INFO : LOG_WARNING, NAME ": VPN %s/%s (gateway %s, %s) %s%s%s", e->vpn, e->ts,
	        e->gw, e->remote, e->up ? "up" : "down", e->up ? "" : ": ", e->up ? "" : e->reason);
	struct cfg_reply *r = cfg_reply_new(CFG_EVENT_IPSEC);
	struct cfg_rel *root = cfg_reply_root(r);
	cfg_rel_leaf(root, "vpn-name", e->vpn);
	cfg_rel_leaf(root, "traffic-selector-name", e->ts);
	cfg_rel_leaf(root, "gateway-name", e->gw);
	cfg_rel_leaf(root, "remote-address", e->remote);
	cfg_rel_leaf(root, "tunnel-state", e->up ? "up" : "down");
	if (!e->up)
		cfg_rel_leaf(root, "reason", e->reason);
	char tb[64];
	struct tm tm;
	gmtime_r(&e->when, &tm);
	strftime(tb, sizeof tb, "%Y-%m-%d %H:%M:%S UTC", &tm);
	cfg_rel_leaf(root, "date-time", tb);
	cfg_notify_publish(m->d, r);
}

void jdm_ipsecnm_tick(void *ctx)
{
	struct jdm_ipsecnm *m = ctx;
	pthread_mutex_lock(&m->st);
	struct event *ev = m->ev;
	size_t n = m->n_ev;
	m->ev = NULL;
	m->n_ev = 0;
	pthread_mutex_unlock(&m->st);
	for (size_t i = 0; i < n; i++) {
		publish(m, &ev[i]);
		free(ev[i].vpn);
		free(ev[i].ts);
		free(ev[i].gw);
		free(ev[i].remote);
		free(ev[i].reason);
	}
	free(ev);
}

/* ------------------------------------------------------------ commands */

/* The status and tunnels of the snapshot into ROOT; the VICI socket path
 * into VPATH ("" when charon does not run). */
static void status(struct jdm_ipsecnm *m, struct cfg_rel *root, char *vpath, size_t n)
{
	pthread_mutex_lock(&m->st);
	struct jdm_ipsecnm_status s = {
		.container = m->state,
		.esp_mode = m->esp == JDM_CHARON_ESP_KERNEL     ? "kernel"
		            : m->esp == JDM_CHARON_ESP_LIBIPSEC ? "userspace"
		                                                : NULL,
		.esp_desc = m->esp ? jdm_charon_esp_name(m->esp) : NULL,
		.pid = m->pid,
		.restarts = m->restarts,
	};
	struct jdm_ipsecnm_tstate *t = calloc(m->n_tun + 1, sizeof *t);
	if (!t)
		abort();
	for (size_t i = 0; i < m->n_tun; i++)
		t[i] = (struct jdm_ipsecnm_tstate){m->tun[i].vpn, m->tun[i].ts, m->tun[i].gateway, m->tun[i].remote,
		                                   m->tun[i].note, m->ts[i].up, m->ts[i].reason[0] ? m->ts[i].reason : NULL,
		                                   m->ts[i].since};
	jdm_ipsecnm_show_status(root, &s, t, m->n_tun);
	free(t);
	snprintf(vpath, n, "%s", !strcmp(m->state, "running") ? m->vici : "");
	pthread_mutex_unlock(&m->st);
}

static json_t *list_sas(const char *vpath)
{
	if (!vpath[0])
		return json_array();
	struct nfx_vici *v = nfx_vici_connect(vpath, 2000);
	json_t *sas = NULL, *reply = NULL;
	if (!v || nfx_vici_call_stream(v, "list-sas", "list-sa", NULL, &sas, &reply, 5000) < 0) {
		json_decref(sas);
		sas = NULL;
	}
	nfx_vici_close(v);
	json_decref(reply);
	return sas ? sas : json_array();
}

enum which { IKE, IPSEC, STATS };

static int show(struct cfg_cmd *c, enum which w)
{
	struct jdm_ipsecnm *m = c->ctx;
	static const char *const roots[] = {"ike-security-associations-information",
	                                    "ipsec-security-associations-information",
	                                    "usp-ipsec-total-statistics-information"};
	struct cfg_reply *r = cfg_reply_new(roots[w]);
	struct cfg_rel *root = cfg_reply_root(r);
	char vpath[PATH_MAX];
	status(m, root, vpath, sizeof vpath);
	json_t *sas = list_sas(vpath);
	if (w == IKE)
		jdm_ipsecnm_show_ike(root, sas);
	else if (w == IPSEC)
		jdm_ipsecnm_show_ipsec(root, sas);
	else
		jdm_ipsecnm_show_stats(root, sas);
	json_decref(sas);
	bool detail = cfg_cmd_has(c, "detail");
	return cfg_reply_emit(r, &c->disp, c->out,
	                      w == IKE ? jdm_ipsecnm_ike_text : w == IPSEC ? jdm_ipsecnm_ipsec_text : jdm_ipsecnm_stats_text,
	                      &detail);
}

static int show_ike(struct cfg_cmd *c) { return show(c, IKE); }
static int show_ipsec(struct cfg_cmd *c) { return show(c, IPSEC); }
static int show_stats(struct cfg_cmd *c) { return show(c, STATS); }

static int request_restart(struct cfg_cmd *c)
{
	struct jdm_ipsecnm *m = c->ctx;
	if (!m->may_run)
		return cfg_err_set("ipsec-nm does not run here (this JDM keeps the configuration only)");
	if (pthread_mutex_trylock(&m->work) != 0)
		return cfg_err_set("ipsec-nm is being configured: try again");
	int rc = 0;
	if (!m->want) {
		rc = cfg_err_set("ipsec-nm is disabled (security ipsec-nm disable)");
	} else {
		nfx_log(LOG_INFO, NAME ": restart requested");
		jdm_charon_stop(m->ch);
		all_down(m, "ipsec-nm restarted");
		struct jdm_ipsecnm_plan keep = m->cur;
		bool had = m->have_cur;
		m->have_cur = false;
		if (jdm_charon_start(m->ch, START_MS) < 0) {
			rc = cfg_err_set("cannot start the ipsec-nm container: %s", cfg_err_msg());
			set_state(m, "stopped");
		} else {
			set_state(m, "running");
			const char *bad;
			if (had && load(m, NULL, &keep, &bad) < 0)
				rc = cfg_err_set("loading the configuration: %s", cfg_err_msg());
		}
		m->cur = keep;
		m->have_cur = had;
		m->last_poll = 0;
	}
	pthread_mutex_unlock(&m->work);
	if (rc == 0)
		cfg_buf_puts(c->out, "ipsec-nm restarted\n");
	return rc;
}

int jdm_ipsecnm_vnf_rows(void *ctx, struct cfg_rel *root, const char *name)
{
	struct jdm_ipsecnm *m = ctx;
	if (name && strcmp(name, NAME))
		return 0;
	pthread_mutex_lock(&m->st);
	bool run = !strcmp(m->state, "running"), stopped = !strcmp(m->state, "stopped");
	int pid = m->pid;
	char mgmt[32];
	snprintf(mgmt, sizeof mgmt, "%s", m->mgmt);
	pthread_mutex_unlock(&m->st);
	if (!run && !stopped)
		return 0;
	struct cfg_rel *e = cfg_rel_add(root, "vnf-information");
	if (run && pid > 0)
		cfg_rel_leaff(e, "vnf-id", "%d", pid);
	cfg_rel_leaf(e, "vnf-name", NAME);
	cfg_rel_leaf(e, "vnf-state", run ? "running" : "shut off");
	cfg_rel_leaf(e, "vnf-liveliness", run ? "alive" : "down");
	if (mgmt[0])
		cfg_rel_leaf(e, "vnf-ip-address", mgmt); /* heth1: the management network's gateway */
	cfg_rel_flag(e, "vnf-container");
	return 1;
}

/* ------------------------------------------------------------ life */

struct jdm_ipsecnm *jdm_ipsecnm_new(struct cfg_daemon *d, bool config_only)
{
	struct jdm_ipsecnm *m = calloc(1, sizeof *m);
	if (!m)
		abort();
	m->d = d;
	m->state_dir = strdup(cfg_daemon_state_dir(d));
	if (!m->state_dir || asprintf(&m->ovsdb, "%s/ovs/db.sock", m->state_dir) < 0)
		abort();
	m->may_run = !config_only && nfx_netns_may_network();
	pthread_mutex_init(&m->work, NULL);
	pthread_mutex_init(&m->st, NULL);
	pthread_cond_init(&m->cv, NULL);
	snprintf(m->state, sizeof m->state, "%s", m->may_run ? "stopped" : "config-only");
	struct jdm_charon_opts o = {.name = NAME, .state_dir = m->state_dir, .own_netns = true};
	if (m->may_run) {
		m->ch = jdm_charon_new(&o);
		if (!m->ch) {
			nfx_log(LOG_ERR, NAME ": %s", cfg_err_msg());
			m->may_run = false;
			snprintf(m->state, sizeof m->state, "config-only");
		} else {
			snprintf(m->vici, sizeof m->vici, "%s", jdm_charon_vici_path(m->ch));
			/* signals stay with the daemon's signalfd: the supervisor
			   blocks them all (a SIGTERM delivered to it would kill jdmd
			   without its clean exit, leaving charon behind) */
			sigset_t all, old;
			sigfillset(&all);
			pthread_sigmask(SIG_SETMASK, &all, &old);
			m->thr_on = pthread_create(&m->thr, NULL, supervise, m) == 0;
			pthread_sigmask(SIG_SETMASK, &old, NULL);
		}
	}
	cfg_daemon_register_ctx(d, "show_ike_sas", show_ike, m);
	cfg_daemon_register_ctx(d, "show_ipsec_sas", show_ipsec, m);
	cfg_daemon_register_ctx(d, "show_ipsec_statistics", show_stats, m);
	cfg_daemon_register_ctx(d, "request_ipsecnm_restart", request_restart, m);
	return m;
}

void jdm_ipsecnm_free(struct jdm_ipsecnm *m)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->st);
	m->stop = true;
	pthread_cond_signal(&m->cv);
	pthread_mutex_unlock(&m->st);
	if (m->thr_on)
		pthread_join(m->thr, NULL);
	nfx_vici_close(m->logv);
	jdm_charon_free(m->ch);
	cfg_tree_free(m->want_tree);
	if (m->have_cur)
		jdm_ipsecnm_plan_free(&m->cur);
	free_tunnels(m);
	jdm_ipsecnm_tick(m); /* frees queued events (publishing them) */
	for (size_t i = 0; i < m->n_gi; i++)
		free(m->gi[i].conn);
	free(m->gi);
	free(m->routes);
	pthread_cond_destroy(&m->cv);
	pthread_mutex_destroy(&m->st);
	pthread_mutex_destroy(&m->work);
	free(m->ovsdb);
	free(m->state_dir);
	free(m);
}
