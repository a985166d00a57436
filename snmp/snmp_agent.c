/* nfx-snmp-agent — the nfx AgentX subagent under Debian's snmpd.
 *
 * One process, one thread (Net-SNMP is not thread-safe): Net-SNMP's agent
 * library in subagent mode (NETSNMP_DS_AGENT_ROLE), connected to the master
 * socket snmpd has in jdmd's state directory, serving VM-MIB (RFC 7666) and
 * the nfx MIB from a cache (snmp_cache.h, snmp_snap.h) that replies as data
 * fill: jdmd's and jcpd's sockets, queried ('Q') as a read-only user and
 * subscribed to ('W') for vnf-event, commit-event and ipsec-event
 * (snmp_conn.h). An
 * event refreshes what it touches and may become a notification
 * (snmp_trap.h); everything is refreshed every --refresh seconds too.
 * A walk reads the cache only. When snmpd goes away the library pings and
 * reconnects (AgentX ping interval 1 s); when a daemon goes away its
 * connection retries once a second and refreshes all when back.
 *
 *   nfx-snmp-agent --agentx SOCK --jdm SOCK [--jcp SOCK] [--user NAME]
 *                  [--refresh SECONDS] [--root OID]
 * --user: drop to that account (Debian-snmp) before anything else: the
 * daemons let it in read-only (cfg_daemon_set_service_class).
 */
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "snmp_cache.h"
#include "snmp_conn.h"
#include "snmp_snap.h"
#include "snmp_trap.h"

#ifndef NFX_SNMP_ROOT
#define NFX_SNMP_ROOT "1.3.6.1.3.2501"
#endif

/* What the subagent last knew of one VNF, for notifications. */
struct vstate {
	char name[64];
	char state[32];
	char live[16];
	long restarts;
	bool seen;     /* in the newest list */
};

/* What the subagent last knew of one IPsec tunnel ("VPN/TS"): its state
 * (snmp_ipsec_state), for nfxIpsecTunnelUp/Down on a change. */
struct tstate {
	char name[160];
	int child;
};

static struct {
	struct snmp_cache *cache;
	struct tstate *t;
	size_t nt;
	struct snmp_snap *snap;
	struct snmp_conn *jdm, *jcp;
	struct vstate *v;
	size_t nv;
	bool loaded;   /* the first list came: later changes are news */
	bool huge_low[8];
	long refresh;
	time_t last_refresh;
	volatile sig_atomic_t stop;
	oid root[MAX_OID_LEN];
	size_t rootlen;
} A;

static struct vstate *vs(const char *name, bool make)
{
	for (size_t i = 0; i < A.nv; i++)
		if (!strcmp(A.v[i].name, name))
			return &A.v[i];
	if (!make)
		return NULL;
	struct vstate *n = realloc(A.v, (A.nv + 1) * sizeof *n);
	if (!n)
		abort();
	A.v = n;
	memset(&A.v[A.nv], 0, sizeof *A.v);
	snprintf(A.v[A.nv].name, sizeof A.v[A.nv].name, "%s", name);
	A.v[A.nv].restarts = -1;
	return &A.v[A.nv++];
}

/* ------------------------------------------------------------ queries */

static void query_vnf(const char *name)
{
	char key[128], cmd[160];
	snprintf(key, sizeof key, "vnf:%s", name);
	snprintf(cmd, sizeof cmd, "show virtual-network-functions %s detail", name);
	snmp_conn_query(A.jdm, key, cmd);
}

static void refresh_jdm(void)
{
	snmp_conn_query(A.jdm, "vnfs", "show virtual-network-functions");
	snmp_conn_query(A.jdm, "memory", "show system visibility memory");
	snmp_conn_query(A.jdm, "cpu", "show system visibility cpu");
	snmp_conn_query(A.jdm, "network", "show system visibility network");
	snmp_conn_query(A.jdm, "commit", "show system commit");
	snmp_conn_query(A.jdm, "vlans", "show host-os vlans");
	snmp_conn_query(A.jdm, "ike", "show security ike security-associations");
	snmp_conn_query(A.jdm, "ipsec", "show security ipsec security-associations");
	snmp_conn_query(A.jdm, "l2ext", "show host-os l2-extension");
}

static void refresh_jcp(void)
{
	if (!A.jcp)
		return;
	snmp_conn_query(A.jcp, "jcp-ifs", "show interfaces terse");
	snmp_conn_query(A.jcp, "jcp-vlans", "show vlans");
}

/* ------------------------------------------------------------ news */

static void uuid_of(const char *name, unsigned char u[16], size_t *len)
{
	char key[128];
	snprintf(key, sizeof key, "vnf:%s", name);
	const struct cfg_reply *d = snmp_cache_get(A.cache, key);
	const char *t = d ? cfg_rel_value(cfg_rel_child(cfg_reply_root(d), "vnf-information"), "vnf-uuid") : NULL;
	*len = t && snmp_uuid_bytes(t, u) ? 16 : 0;
}

static bool crash_reason(const char *reason)
{
	return reason && strcmp(reason, "stopped by JDM") && strcmp(reason, "shut down by the guest");
}

/* VNF NAME is now in STATE (LIVE): notifications for what changed. */
static void vnf_news(const char *name, const char *state, const char *live, const char *reason)
{
	struct vstate *s = vs(name, true);
	long idx = snmp_cache_index(A.cache, name);
	unsigned char u[16];
	size_t ul;
	uuid_of(name, u, &ul);
	if (reason && A.loaded && snmp_oper_state(*s->state ? s->state : NULL) != 11) {
		/* it stopped (jdmd says why): an event may carry the state of after
		   JDM restarted it, so the stop is news of its own */
		int which = crash_reason(reason) ? SNMP_VM_CRASHED : SNMP_VM_SHUTDOWN;
		fprintf(stderr, "nfx-snmp-agent: %s stopped (%s): notification %d\n", name, reason, which);
		snmp_trap_vm(which, idx, name, u, ul, snmp_oper_state(*s->state ? s->state : NULL));
		snprintf(s->state, sizeof s->state, "shut off");
	}
	if (state && strcmp(state, s->state)) {
		int prev = snmp_oper_state(*s->state ? s->state : NULL);
		int now = snmp_oper_state(state);
		if (now == 4 && prev != 4)
			snmp_cache_set_up_since(A.cache, name, time(NULL));
		if (A.loaded) {
			int which = 0;
			if (now == 4 && prev != 4)
				which = SNMP_VM_RUNNING;
			else if (now == 10)
				which = SNMP_VM_SHUTTINGDOWN;
			else if (now == 8)
				which = SNMP_VM_PAUSED;
			else if (now == 6)
				which = SNMP_VM_SUSPENDED;
			else if (now == 12)
				which = SNMP_VM_CRASHED;
			else if (now == 11)
				which = SNMP_VM_SHUTDOWN; /* without a reason: seen in a list */
			if (which) {
				fprintf(stderr, "nfx-snmp-agent: %s: %s -> %s: notification %d\n", name, s->state, state,
				        which);
				snmp_trap_vm(which, idx, name, u, ul, prev);
			}
		}
		snprintf(s->state, sizeof s->state, "%s", state);
	}
	if (live && strcmp(live, s->live)) {
		bool alive = !strcmp(live, "alive");
		if (A.loaded && (alive || !strcmp(s->live, "alive")))
			snmp_trap_vnf(alive ? SNMP_NFX_LIVE_UP : SNMP_NFX_LIVE_DOWN, idx, name, alive ? 1 : 2);
		snprintf(s->live, sizeof s->live, "%s", live);
	}
}

static bool still_listed(const char *name, void *arg)
{
	(void)arg;
	struct vstate *s = vs(name, false);
	return s && s->seen;
}

/* A new VNF list: details for each, vmDeleted for the VNFs gone. */
static void on_list(const struct cfg_reply *r)
{
	for (size_t i = 0; i < A.nv; i++)
		A.v[i].seen = false;
	bool rows_changed = false;
	for (const struct cfg_rel *e = cfg_rel_child(cfg_reply_root(r), "vnf-information"); e;
	     e = cfg_rel_next_same(e)) {
		const char *name = cfg_rel_value(e, "vnf-name");
		if (!name || snmp_is_container(e))
			continue; /* a container (ipsec-nm) is no VM */
		if (!vs(name, false))
			rows_changed = true; /* a new row */
		vnf_news(name, cfg_rel_value(e, "vnf-state"), cfg_rel_value(e, "vnf-liveliness"), NULL);
		vs(name, true)->seen = true;
		query_vnf(name);
	}
	for (size_t i = 0; i < A.nv;) {
		if (!A.v[i].seen) {
			unsigned char u[16];
			size_t ul;
			uuid_of(A.v[i].name, u, &ul);
			if (A.loaded)
				snmp_trap_vm(SNMP_VM_DELETED, snmp_cache_index(A.cache, A.v[i].name), A.v[i].name, u, ul,
				             snmp_oper_state(A.v[i].state));
			A.v[i] = A.v[--A.nv];
			rows_changed = true;
		} else {
			i++;
		}
	}
	snmp_cache_drop_prefix(A.cache, "vnf:", still_listed, NULL);
	if (rows_changed)
		snmp_cache_touch_rows(A.cache);
	A.loaded = true;
}

static void on_detail(const char *name, const struct cfg_reply *r)
{
	const struct cfg_rel *d = cfg_rel_child(cfg_reply_root(r), "vnf-information");
	struct vstate *s = vs(name, false);
	if (!d || !s)
		return;
	long restarts = atol(cfg_rel_str(d, "vnf-restarts", "0"));
	if (s->restarts >= 0 && restarts > s->restarts)
		snmp_trap_vnf(SNMP_NFX_RESTARTED, snmp_cache_index(A.cache, name), name, restarts);
	s->restarts = restarts;
}

static void on_memory(const struct cfg_reply *r)
{
	unsigned i = 0;
	for (const struct cfg_rel *p = cfg_rel_child(cfg_reply_root(r), "hugepage-pool"); p && i < 8;
	     p = cfg_rel_next_same(p), i++) {
		long total = atol(cfg_rel_str(p, "total", "0")), fr = atol(cfg_rel_str(p, "free", "0"));
		bool low = total > 0 && fr * 10 < total; /* under 10% free */
		if (low && !A.huge_low[i])
			snmp_trap_huge(atol(cfg_rel_str(p, "page-size", "0")), total, fr);
		A.huge_low[i] = low;
	}
}

/* Tunnel KEY ("VPN/TS") is now CHILD (snmp_ipsec_state): the
 * notification when it went up or came down from up. The event and the
 * periodic reply both come here: one notification per change, whichever
 * is first. The first sight of a tunnel that is up is news (configured
 * later, or the subagent started with it up: the NOC learns it is up). */
static void tunnel_news(const char *key, const char *vpn, const char *ts, const char *gw, int child,
                        const char *reason)
{
	struct tstate *t = NULL;
	for (size_t i = 0; i < A.nt && !t; i++)
		if (!strcmp(A.t[i].name, key))
			t = &A.t[i];
	int prev = t ? t->child : 4;
	if (!t) {
		struct tstate *n = realloc(A.t, (A.nt + 1) * sizeof *n);
		if (!n)
			abort();
		A.t = n;
		t = &A.t[A.nt++];
		snprintf(t->name, sizeof t->name, "%s", key);
	}
	t->child = child;
	int which = 0;
	if (child == 1 && prev != 1)
		which = SNMP_NFX_IPSEC_UP;
	else if (child != 1 && prev == 1)
		which = SNMP_NFX_IPSEC_DOWN;
	if (!which)
		return;
	fprintf(stderr, "nfx-snmp-agent: IPsec tunnel %s %s%s%s\n", key, which == SNMP_NFX_IPSEC_UP ? "up" : "down",
	        reason && which == SNMP_NFX_IPSEC_DOWN ? ": " : "", reason && which == SNMP_NFX_IPSEC_DOWN ? reason : "");
	snmp_trap_ipsec(which, snmp_cache_tunnel_index(A.cache, key), vpn, ts, gw, child, reason);
}

static void on_ipsec(const struct cfg_reply *r)
{
	char key[160];
	for (const struct cfg_rel *e = snmp_ipsec_first(r); e; e = cfg_rel_next_same(e)) {
		if (!snmp_ipsec_name(e))
			continue;
		snmp_ipsec_key(e, key, sizeof key);
		tunnel_news(key, snmp_ipsec_name(e), cfg_rel_value(e, "traffic-selector-name"), snmp_ipsec_gateway(e),
		            snmp_ipsec_child(e), snmp_ipsec_reason(e));
	}
	/* a tunnel no longer listed (deleted, ipsec-nm disabled) is down */
	for (size_t i = 0; i < A.nt; i++) {
		bool listed = false;
		for (const struct cfg_rel *e = snmp_ipsec_first(r); e && !listed; e = cfg_rel_next_same(e)) {
			snmp_ipsec_key(e, key, sizeof key);
			listed = !strcmp(key, A.t[i].name);
		}
		if (!listed && A.t[i].child == 1) {
			char vpn[64];
			snprintf(vpn, sizeof vpn, "%.*s", (int)strcspn(A.t[i].name, "/"), A.t[i].name);
			const char *slash = strchr(A.t[i].name, '/');
			tunnel_news(A.t[i].name, vpn, slash ? slash + 1 : NULL, NULL, 2, "not configured");
		}
	}
}

/* ------------------------------------------------------------ callbacks */

static void conn_up(void *arg, struct snmp_conn *c)
{
	(void)arg;
	fprintf(stderr, "nfx-snmp-agent: connected to %s\n", c == A.jdm ? "jdmd" : "jcpd");
	if (c == A.jdm)
		refresh_jdm();
	else
		refresh_jcp();
}

static void conn_down(void *arg, struct snmp_conn *c)
{
	(void)arg;
	fprintf(stderr, "nfx-snmp-agent: lost %s; the cache stays until it is back\n",
	        c == A.jdm ? "jdmd" : "jcpd");
}

static void conn_reply(void *arg, struct snmp_conn *c, const char *key, struct cfg_reply *r)
{
	(void)arg;
	(void)c;
	if (!r)
		return; /* refused (a VNF just deleted...): keep what we had */
	if (!strcmp(key, "vnfs"))
		on_list(r);
	else if (!strncmp(key, "vnf:", 4))
		on_detail(key + 4, r);
	else if (!strcmp(key, "memory"))
		on_memory(r);
	else if (!strcmp(key, "ipsec"))
		on_ipsec(r);
	if (!strncmp(key, "vnf:", 4) && !vs(key + 4, false)) {
		cfg_reply_free(r); /* deleted meanwhile */
		return;
	}
	snmp_cache_put(A.cache, key, r);
}

static void conn_event(void *arg, struct snmp_conn *c, struct cfg_reply *ev)
{
	(void)arg;
	(void)c;
	const struct cfg_rel *e = cfg_reply_root(ev);
	if (!strcmp(e->name, "vnf-event")) {
		const char *name = cfg_rel_value(e, "vnf-name");
		if (name && vs(name, false)) {
			vnf_news(name, cfg_rel_value(e, "vnf-state"), cfg_rel_value(e, "vnf-liveliness"),
			         cfg_rel_value(e, "reason"));
			query_vnf(name);
		}
		snmp_conn_query(A.jdm, "vnfs", "show virtual-network-functions");
		snmp_conn_query(A.jdm, "cpu", "show system visibility cpu");
		snmp_conn_query(A.jdm, "network", "show system visibility network");
		snmp_conn_query(A.jdm, "memory", "show system visibility memory");
		cfg_reply_free(ev);
	} else if (!strcmp(e->name, "commit-event")) {
		snmp_trap_commit(atol(cfg_rel_str(e, "sequence-number", "0")), cfg_rel_value(e, "user"));
		snmp_cache_put(A.cache, "commit-event", ev);
		refresh_jdm();
		refresh_jcp();
	} else if (!strcmp(e->name, "ipsec-event")) {
		/* a tunnel went up or down: the event says which and why; the
		   replies asked for right away fill the table */
		const char *vpn = cfg_rel_value(e, "vpn-name"), *ts = cfg_rel_value(e, "traffic-selector-name");
		const char *st = cfg_rel_value(e, "tunnel-state");
		if (vpn && st) {
			char key[160];
			snprintf(key, sizeof key, "%s%s%s", vpn, ts ? "/" : "", ts ? ts : "");
			tunnel_news(key, vpn, ts, cfg_rel_value(e, "remote-address"), snmp_ipsec_state(st),
			            cfg_rel_value(e, "reason"));
		}
		snmp_conn_query(A.jdm, "ike", "show security ike security-associations");
		snmp_conn_query(A.jdm, "ipsec", "show security ipsec security-associations");
		cfg_reply_free(ev);
	} else {
		cfg_reply_free(ev);
	}
}

/* ------------------------------------------------------------ the MIB */

static int handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
                   netsnmp_agent_request_info *ri, netsnmp_request_info *req)
{
	(void)h;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	snmp_snap_update(A.snap, A.cache);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	if (ms > 20)
		fprintf(stderr, "nfx-snmp-agent: slow: %ld ms rebuilding the snapshot\n", ms);
	for (; req; req = req->next) {
		if (req->processed)
			continue;
		netsnmp_variable_list *vb = req->requestvb;
		const struct snap_val *v;
		switch (ri->mode) {
		case MODE_GET:
			v = snmp_snap_find(A.snap, vb->name, vb->name_length, false);
			if (!v) {
				netsnmp_set_request_error(ri, req, SNMP_NOSUCHINSTANCE);
				continue;
			}
			break;
		case MODE_GETNEXT:
			v = snmp_snap_find(A.snap, vb->name, vb->name_length, true);
			if (!v || netsnmp_oid_is_subtree(reg->rootoid, reg->rootoid_len, v->name, v->len) != 0)
				continue; /* past this subtree: the agent asks the next one */
			snmp_set_var_objid(vb, v->name, v->len);
			break;
		default:
			netsnmp_set_request_error(ri, req, SNMP_ERR_NOTWRITABLE);
			continue;
		}
		switch (v->type) {
		case ASN_OCTET_STR:
			snmp_set_var_typed_value(vb, ASN_OCTET_STR, (const u_char *)v->s, v->slen);
			break;
		case ASN_OBJECT_ID:
			snmp_set_var_typed_value(vb, ASN_OBJECT_ID, (const u_char *)v->objid, v->objlen * sizeof(oid));
			break;
		case ASN_COUNTER64: {
			struct counter64 c64 = {(u_long)((unsigned long long)v->l >> 32), (u_long)(v->l & 0xffffffffL)};
			snmp_set_var_typed_value(vb, ASN_COUNTER64, (const u_char *)&c64, sizeof c64);
			break;
		}
		case ASN_TIMETICKS:
		case ASN_GAUGE:
		case ASN_COUNTER: { /* ASN_UNSIGNED is ASN_GAUGE */
			u_long u = (u_long)(v->type == ASN_TIMETICKS ? snmp_snap_ticks(v) : v->l);
			snmp_set_var_typed_value(vb, v->type, (const u_char *)&u, sizeof u);
			break;
		}
		default: {
			long l = v->l;
			snmp_set_var_typed_value(vb, ASN_INTEGER, (const u_char *)&l, sizeof l);
			break;
		}
		}
	}
	return SNMP_ERR_NOERROR;
}

/* IF-MIB ifAlias (ifXEntry 18): Debian's snmpd 5.9 does not read the
 * kernel's interface aliases (newer Net-SNMP does), and the switch modules
 * put the Junos/VNF names there (ge-0/0/2, vrtr1_eth3). This subagent
 * registers the one column, more specific than snmpd's IF-MIB, and serves
 * /sys/class/net/NAME/ifalias by ifindex (read each request: aliases change
 * without a daemon event). Read-only, as the rest. */
static const oid ifalias_oid[] = {1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 18};

struct alias_row {
	long ifindex;
	char alias[256];
};

static int cmp_alias(const void *a, const void *b)
{
	const struct alias_row *x = a, *y = b;
	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

static size_t read_aliases(struct alias_row *rows, size_t max)
{
	DIR *d = opendir("/sys/class/net");
	size_t n = 0;
	struct dirent *e;
	while (d && n < max && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[512];
		snprintf(path, sizeof path, "/sys/class/net/%s/ifindex", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		long idx = 0;
		if (fscanf(f, "%ld", &idx) != 1)
			idx = 0;
		fclose(f);
		if (idx <= 0)
			continue;
		rows[n].ifindex = idx;
		rows[n].alias[0] = '\0';
		snprintf(path, sizeof path, "/sys/class/net/%s/ifalias", e->d_name);
		if ((f = fopen(path, "r"))) {
			if (fgets(rows[n].alias, sizeof rows[n].alias, f))
				rows[n].alias[strcspn(rows[n].alias, "\n")] = '\0';
			fclose(f);
		}
		n++;
	}
	if (d)
		closedir(d);
	qsort(rows, n, sizeof *rows, cmp_alias);
	return n;
}

static int ifalias_handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
                           netsnmp_agent_request_info *ri, netsnmp_request_info *req)
{
	(void)h;
	(void)reg;
	static struct alias_row rows[512];
	size_t n = read_aliases(rows, 512);
	const size_t bl = sizeof ifalias_oid / sizeof ifalias_oid[0];
	for (; req; req = req->next) {
		if (req->processed)
			continue;
		netsnmp_variable_list *vb = req->requestvb;
		const struct alias_row *hit = NULL;
		oid name[MAX_OID_LEN];
		memcpy(name, ifalias_oid, sizeof ifalias_oid);
		for (size_t i = 0; i < n && !hit; i++) {
			name[bl] = (oid)rows[i].ifindex;
			int c = snmp_oid_compare(name, bl + 1, vb->name, vb->name_length);
			if (ri->mode == MODE_GET ? c == 0 : c > 0)
				hit = &rows[i];
		}
		if (ri->mode != MODE_GET && ri->mode != MODE_GETNEXT) {
			netsnmp_set_request_error(ri, req, SNMP_ERR_NOTWRITABLE);
			continue;
		}
		if (!hit) {
			if (ri->mode == MODE_GET)
				netsnmp_set_request_error(ri, req, SNMP_NOSUCHINSTANCE);
			continue;
		}
		name[bl] = (oid)hit->ifindex;
		if (ri->mode == MODE_GETNEXT)
			snmp_set_var_objid(vb, name, bl + 1);
		snmp_set_var_typed_value(vb, ASN_OCTET_STR, (const u_char *)hit->alias, strlen(hit->alias));
	}
	return SNMP_ERR_NOERROR;
}

static void register_mibs(void)
{
	netsnmp_handler_registration *ra = netsnmp_create_handler_registration(
		"if-alias", ifalias_handler, ifalias_oid, sizeof ifalias_oid / sizeof ifalias_oid[0], HANDLER_CAN_RONLY);
	if (!ra || netsnmp_register_handler(ra) != MIB_REGISTERED_OK)
		fprintf(stderr, "nfx-snmp-agent: cannot register ifAlias\n");
	netsnmp_handler_registration *r =
		netsnmp_create_handler_registration("vm-mib", handler, snmp_vm_mib, snmp_vm_mib_len,
		                                    HANDLER_CAN_RONLY);
	if (!r || netsnmp_register_handler(r) != MIB_REGISTERED_OK)
		fprintf(stderr, "nfx-snmp-agent: cannot register VM-MIB\n");
	r = netsnmp_create_handler_registration("nfx-mib", handler, A.root, A.rootlen, HANDLER_CAN_RONLY);
	if (!r || netsnmp_register_handler(r) != MIB_REGISTERED_OK)
		fprintf(stderr, "nfx-snmp-agent: cannot register the nfx MIB\n");
}

/* ------------------------------------------------------------ main */

static void on_signal(int sig)
{
	(void)sig;
	A.stop = 1;
}

static int drop_to(const char *user)
{
	struct passwd *pw = getpwnam(user);
	if (!pw) {
		fprintf(stderr, "nfx-snmp-agent: no user %s\n", user);
		return -1;
	}
	if (getuid() == pw->pw_uid)
		return 0;
	if (setgroups(0, NULL) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0) {
		fprintf(stderr, "nfx-snmp-agent: cannot become %s: %s\n", user, strerror(errno));
		return -1;
	}
	return 0;
}

static int parse_oid(const char *s, oid *out, size_t *len)
{
	size_t n = 0;
	while (*s && n < MAX_OID_LEN) {
		char *end;
		unsigned long v = strtoul(s, &end, 10);
		if (end == s)
			return -1;
		out[n++] = (oid)v;
		s = *end == '.' ? end + 1 : end;
		if (*end && *end != '.')
			return -1;
	}
	*len = n;
	return n >= 2 ? 0 : -1;
}

int main(int argc, char **argv)
{
	const char *agentx = NULL, *jdm = NULL, *jcp = NULL, *user = NULL, *root = NFX_SNMP_ROOT;
	int ping = 1;
	A.refresh = 10;
	for (int i = 1; i < argc; i += 2) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v)
			goto usage;
		if (!strcmp(a, "--agentx"))
			agentx = v;
		else if (!strcmp(a, "--jdm"))
			jdm = v;
		else if (!strcmp(a, "--jcp"))
			jcp = v;
		else if (!strcmp(a, "--user"))
			user = v;
		else if (!strcmp(a, "--refresh"))
			A.refresh = atol(v) > 0 ? atol(v) : 10;
		else if (!strcmp(a, "--root"))
			root = v;
		else if (!strcmp(a, "--ping"))
			ping = atoi(v) > 0 ? atoi(v) : 1;
		else
			goto usage;
	}
	if (!agentx || !jdm)
		goto usage;
	if (parse_oid(root, A.root, &A.rootlen) < 0) {
		fprintf(stderr, "nfx-snmp-agent: bad --root %s\n", root);
		return 2;
	}
	if (user && drop_to(user) < 0)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);

	A.cache = snmp_cache_new();
	A.snap = snmp_snap_new(A.root, A.rootlen);
	snmp_trap_set_root(A.root, A.rootlen);
	const struct snmp_conn_cbs cbs = {conn_up, conn_down, conn_reply, conn_event};
	A.jdm = snmp_conn_new(jdm, "vnf-event commit-event ipsec-event", &cbs, NULL);
	if (jcp)
		A.jcp = snmp_conn_new(jcp, NULL, &cbs, NULL);

	/* Net-SNMP: an AgentX subagent, no configuration or state files, no
	   MIB files (it serves numbers; the NOC loads snmp/mibs/) */
	setenv("MIBS", "", 1);
	setenv("MIBDIRS", "/nonexistent", 1);
	snmp_enable_stderrlog();
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
	netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET, agentx);
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL, ping);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	init_agent("nfx-snmp-agent");
	register_mibs();
	init_snmp("nfx-snmp-agent");
	fprintf(stderr, "nfx-snmp-agent: serving VM-MIB and the nfx MIB (%s) via %s\n", root, agentx);

	while (!A.stop) {
		snmp_conn_tick(A.jdm);
		if (A.jcp)
			snmp_conn_tick(A.jcp);
		time_t now = time(NULL);
		if (now - A.last_refresh >= A.refresh) {
			A.last_refresh = now;
			if (snmp_conn_is_up(A.jdm) && snmp_conn_pending(A.jdm) < 64)
				refresh_jdm();
			if (A.jcp && snmp_conn_is_up(A.jcp) && snmp_conn_pending(A.jcp) < 8)
				refresh_jcp();
		}
		int numfds = 0, block = 0;
		fd_set fds;
		FD_ZERO(&fds);
		struct timeval tv = {1, 0};
		snmp_select_info(&numfds, &fds, &tv, &block);
		if (block || tv.tv_sec >= 1) {
			tv.tv_sec = 1;
			tv.tv_usec = 0;
		}
		int jfd = snmp_conn_fd(A.jdm), cfd = A.jcp ? snmp_conn_fd(A.jcp) : -1;
		if (jfd >= 0) {
			FD_SET(jfd, &fds);
			if (jfd >= numfds)
				numfds = jfd + 1;
		}
		if (cfd >= 0) {
			FD_SET(cfd, &fds);
			if (cfd >= numfds)
				numfds = cfd + 1;
		}
		int n = select(numfds, &fds, NULL, NULL, &tv);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (jfd >= 0 && FD_ISSET(jfd, &fds)) {
			FD_CLR(jfd, &fds);
			struct timespec t0, t1;
			clock_gettime(CLOCK_MONOTONIC, &t0);
			snmp_conn_input(A.jdm);
			clock_gettime(CLOCK_MONOTONIC, &t1);
			long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
			if (ms > 20) /* the one thread was busy: a walk waited this long */
				fprintf(stderr, "nfx-snmp-agent: slow: %ld ms reading jdmd\n", ms);
		}
		if (cfd >= 0 && FD_ISSET(cfd, &fds)) {
			FD_CLR(cfd, &fds);
			snmp_conn_input(A.jcp);
		}
		if (n > 0)
			snmp_read(&fds);
		else
			snmp_timeout();
		run_alarms();
		netsnmp_check_outstanding_agent_requests();
	}
	snmp_shutdown("nfx-snmp-agent");
	snmp_conn_free(A.jdm);
	snmp_conn_free(A.jcp);
	snmp_snap_free(A.snap);
	snmp_cache_free(A.cache);
	free(A.v);
	free(A.t);
	return 0;
usage:
	fprintf(stderr, "usage: nfx-snmp-agent --agentx SOCK --jdm SOCK [--jcp SOCK] [--user NAME] "
	                "[--refresh SECONDS] [--root OID]\n");
	return 2;
}
