/* jdm_vnf — VNFs on libvirt. See jdm_vnf.h. */
#include "jdm_vnf.h"
#include "nfx_netns.h"
#include "jdm_sriov.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdarg.h>

#include "cfg_diff.h"
#include "cfg_err.h"
#if __has_include("jdm_console.h")
#include "jdm_console.h"
#define HAVE_CONSOLE 1
#endif
#include "jdm_domain.h"
#include "jdm_hostos.h"
#include "jdm_hugepages.h"
#include "jdm_intnet.h"
#include "jdm_kvm.h"
#include "jdm_live.h"
#include "jdm_proc.h"
#include "jdm_sshcmd.h"
#include "cfg_term.h"
#include "cfg_notify.h"
#include "cfg_reply.h"
#include "cfg_session.h"
#include "jdm_virt.h"
#include "jdm_vswcfg.h"
#include "vnfimg.h"

#define MAX_STORAGE 16
#define JDM_VNF_MAX_DATA_NICS 24 /* data interfaces (eth2...) of one VNF */
#define MAX_IMAGE_DIRS 8
#define MAX_DESCRIPTOR (1 << 20) /* bytes of an init-descriptor */
#define MAX_PIN 64
#define DEFAULT_IMAGE_DIR "/var/third-party/images"
#define RESTART_BURST 5     /* more deaths than this within RESTART_WINDOW: give up */
#define RESTART_WINDOW 60

/* vCPUs and memory (KiB) of a definition, as virDomainGetInfo() says. */
struct vnf_facts {
	unsigned vcpus;          /* 0: not known */
	unsigned long max_kib;   /* maxMem */
	unsigned long cur_kib;   /* memory (of a running domain) */
};

/* Runtime state of one VNF, kept while it is configured. */
struct vnf_rt {
	char *name;
	char uuid[37], mac0[18], mac1[18], ip[16];
	char *xml;            /* the definition we made (also in the store) */
	bool stopping;        /* a stop is ours: its STOPPED event is expected */
	unsigned restarts;    /* automatic restarts after the VNF died */
	time_t last_death;
	char last_reason[48];
	time_t deaths[RESTART_BURST + 1];
	unsigned ndeaths;
	bool gave_up;
	bool seen;            /* mark for sweeping (converge) */
	/* what the last vnf-event said (published only on a change) */
	int live_raw;         /* jdm_live_state() == 1 when last looked at */
	int live_pub;         /* liveliness published: 1 alive, 0 down */
	char state_pub[16];   /* state published, "" before the first */
	/* What is known of its domain: the loop thread's show and event paths
	   read this and never libvirt (which makes them wait while a commit's
	   job holds the domain). Written from lifecycle events (loop thread)
	   and from what apply, converge and requests did and then saw of the
	   domain (rt_observe: libvirt asked by the thread that acted). */
	bool known;           /* the fields below come from libvirt */
	bool defined;         /* the hypervisor has a domain of this name */
	bool active;          /* it runs (started, maybe paused) */
	int dom_id;           /* its ID while active, else -1 */
	char state[16];       /* as state_str() names libvirt's states */
	unsigned ev_seq;      /* lifecycle events applied (an observation made
	                         before the last of them is older: not stored) */
	struct vnf_facts live; /* of the definition it runs with */
	struct vnf_facts def;  /* of its persistent definition (the next start) */
};

/* Threads: the commit's apply runs on the commit job's thread while the loop
 * thread runs show/request commands, the tick, libvirt lifecycle events and
 * the liveliness prober. MU guards the runtime table (rt, nrt and the fields
 * of its entries) and the liveliness prober; nobody keeps a struct vnf_rt
 * pointer across an unlock except the apply, which is also the only one that
 * frees entries (one apply at a time). MU is never held across a libvirt call
 * that can wait for a domain job (define, create, destroy, undefine), and
 * the loop thread's show and event paths (show_vnfs, publish_vnf,
 * live_targets, the hugepages in use) make no libvirt call at all: they
 * read the state each entry keeps (known, state, dom_id, facts), which
 * lifecycle events and the threads that act on domains keep up to date.
 * Before converge first looked at the domains (seen_all false: at start
 * only, when no commit can be applying) an entry not yet known is asked of
 * libvirt as it was before. NET_MU
 * guards the internal network (up, dnsmasq hosts, reaping); VIRT_MU the
 * opening of the hypervisor connection. */

struct jdm_vnf {
	struct cfg_daemon *d;
	jdm_vnf_extra_fn extra; /* rows that are no VNF (ipsec-nm), loop thread */
	void *extra_ctx;
	char *state_dir, *image_dir, *sysfs_root, *uri;
	char *image_dirs[MAX_IMAGE_DIRS]; /* where host files named by the
	                                     configuration may lie (image_dir first) */
	size_t n_image_dirs;
	bool none;            /* configuration only */
	pthread_t loop;       /* the thread of the daemon loop (jdm_vnf_new's) */
	pthread_mutex_t virt_mu;
	struct jdm_virt *virt;
	bool watched;         /* virt's fd is watched by the loop */
	bool closing;         /* jdm_vnf_free: events are dropped */
	int cb_id;
	pthread_mutex_t net_mu;
	struct jdm_intnet *net;
	bool net_up;
	pthread_mutex_t mu;
	struct jdm_live *live;
	char hugedir[PATH_MAX];
	bool huge_mounted;
	struct vnf_rt **rt;
	size_t nrt;
	bool seen_all;        /* converge has looked at every configured VNF (MU) */
	struct jdm_sriov *sriov; /* VFs of the data interfaces (borrowed; may be NULL) */
};

const char *const jdm_vnf_owns[] = {"virtual-network-functions", "system virtualization",
                                     "host-os datapath", NULL};
const char *const jdm_vnf_reads[] = {"system memory", "host-os", NULL};

/* ------------------------------------------------------------- helpers */

/* snprintf for paths: 0, or -1 (cfg_err set) when the result was cut. */
static int pathf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int pathf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return w < 0 || (size_t)w >= n ? cfg_err_set("path too long: %s", buf) : 0;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");
	if (!d)
		abort();
	return d;
}

/* Child of N with schema keyword NAME (active only). */
static struct cfg_node *child(const struct cfg_node *n, const char *name)
{
	return cfg_node_child(n, name, NULL, CFG_AT_ACTIVE);
}

static const char *leaf(const struct cfg_node *n, const char *name)
{
	return cfg_node_value(n, name, CFG_AT_ACTIVE);
}

static const char *leaf2(const struct cfg_node *n, const char *a, const char *b)
{
	return leaf(child(n, a), b);
}

/* The VNF list entries of T (callers skip inactive ones). */
static struct cfg_node *vnfs_first(const struct cfg_tree *t)
{
	struct cfg_node *c = cfg_tree_at(t, NULL, "virtual-network-functions", CFG_AT_ACTIVE);
	return cfg_node_child(c, "vnf", NULL, 0);
}

/* The active VNF NAME of T, or NULL. */
static struct cfg_node *vnf_node(const struct cfg_tree *t, const char *name)
{
	const char *w[] = {"virtual-network-functions", name, NULL};
	return name ? cfg_tree_atv(t, NULL, w, CFG_AT_ACTIVE) : NULL;
}

static const char *image_path(const struct cfg_node *vnf)
{
	return leaf(child(vnf, "image"), "path");
}

/* The first active VNF of T (the next: cfg_node_next_same(n, CFG_AT_ACTIVE)). */
static struct cfg_node *vnf_first_active(const struct cfg_tree *t)
{
	struct cfg_node *c = cfg_tree_at(t, NULL, "virtual-network-functions", CFG_AT_ACTIVE);
	return cfg_node_child(c, "vnf", NULL, CFG_AT_ACTIVE);
}

static void kv_key(char *buf, size_t n, const char *name, const char *what)
{
	snprintf(buf, n, "vnf/%s/%s", name, what);
}

/* The number in the first element TAG of XML (<TAG ...>N</TAG>), or 0. */
static unsigned long long xml_num(const char *xml, const char *tag)
{
	size_t tl = strlen(tag);
	for (const char *p = xml; p && (p = strchr(p, '<')); p++)
		if (!strncmp(p + 1, tag, tl) && (p[1 + tl] == ' ' || p[1 + tl] == '>')) {
			const char *gt = strchr(p, '>');
			return gt ? strtoull(gt + 1, NULL, 10) : 0;
		}
	return 0;
}

/* The facts of a domain XML of ours (jdm_domain_xml writes <memory
 * unit="KiB">, <currentMemory unit="KiB"> and <vcpu>); zeros for NULL. */
static void xml_facts(const char *xml, struct vnf_facts *f)
{
	f->vcpus = (unsigned)xml_num(xml, "vcpu");
	f->max_kib = (unsigned long)xml_num(xml, "memory");
	f->cur_kib = (unsigned long)xml_num(xml, "currentMemory");
}

/* --------------------------------------------------------- runtime state */

static struct vnf_rt *rt_find(struct jdm_vnf *v, const char *name)
{
	for (size_t i = 0; i < v->nrt; i++)
		if (strcmp(v->rt[i]->name, name) == 0)
			return v->rt[i];
	return NULL;
}

static bool ip_used(struct jdm_vnf *v, const char *ip, const struct vnf_rt *except)
{
	for (size_t i = 0; i < v->nrt; i++)
		if (v->rt[i] != except && strcmp(v->rt[i]->ip, ip) == 0)
			return true;
	return false;
}

/* The runtime state of NAME, with its identity from the store (made and
 * stored on first use). The caller holds v->mu. */
static struct vnf_rt *rt_get(struct jdm_vnf *v, const char *name)
{
	struct vnf_rt *r = rt_find(v, name);
	if (r)
		return r;
	r = calloc(1, sizeof *r);
	if (!r)
		abort();
	r->name = xstrdup(name);
	r->dom_id = -1;
	snprintf(r->state, sizeof r->state, "shut off");
	struct cfg_store *st = cfg_daemon_store(v->d);
	char key[256], *val = NULL;
	kv_key(key, sizeof key, name, "uuid");
	if (cfg_store_kv_get(st, key, &val) == 0 && strlen(val) == 36)
		snprintf(r->uuid, sizeof r->uuid, "%s", val);
	else if (jdm_domain_uuid(r->uuid) == 0)
		cfg_store_kv_set(st, key, r->uuid);
	free(val);
	val = NULL;
	const char *macs[2] = {"mac0", "mac1"};
	char *dst[2] = {r->mac0, r->mac1};
	for (int i = 0; i < 2; i++) {
		kv_key(key, sizeof key, name, macs[i]);
		if (cfg_store_kv_get(st, key, &val) == 0 && strlen(val) == 17)
			snprintf(dst[i], 18, "%s", val);
		else if (jdm_domain_mac(NULL, dst[i]) == 0)
			cfg_store_kv_set(st, key, dst[i]);
		free(val);
		val = NULL;
	}
	kv_key(key, sizeof key, name, "xml");
	if (cfg_store_kv_get(st, key, &val) == 0)
		r->xml = val;
	xml_facts(r->xml, &r->def);
	val = NULL;
	kv_key(key, sizeof key, name, "ip");
	if (cfg_store_kv_get(st, key, &val) == 0 && !ip_used(v, val, NULL))
		snprintf(r->ip, sizeof r->ip, "%s", val);
	free(val);
	if (!r->ip[0]) {
		const char *used[128];
		size_t nu = 0;
		for (size_t i = 0; i < v->nrt && nu < 128; i++)
			if (v->rt[i]->ip[0])
				used[nu++] = v->rt[i]->ip;
		if (jdm_intnet_pick_ip(used, nu, r->ip) == 0)
			cfg_store_kv_set(st, key, r->ip);
	}
	struct vnf_rt **n = realloc(v->rt, (v->nrt + 1) * sizeof *n);
	if (!n)
		abort();
	v->rt = n;
	v->rt[v->nrt++] = r;
	return r;
}

static void rt_free(struct vnf_rt *r)
{
	if (!r)
		return;
	free(r->name);
	free(r->xml);
	free(r);
}

/* A copy of the runtime state of NAME into *OUT (its name and xml NULL),
 * made first when MAKE; NULL when there is none. Takes v->mu. */
static struct vnf_rt *rt_copy(struct jdm_vnf *v, const char *name, bool make, struct vnf_rt *out)
{
	pthread_mutex_lock(&v->mu);
	struct vnf_rt *r = make ? rt_get(v, name) : rt_find(v, name);
	if (r) {
		*out = *r;
		out->name = NULL;
		out->xml = NULL;
	}
	pthread_mutex_unlock(&v->mu);
	return r ? out : NULL;
}

/* Remove NAME's entry from the table and free it (apply only). Takes v->mu. */
static void rt_forget(struct jdm_vnf *v, const char *name)
{
	pthread_mutex_lock(&v->mu);
	for (size_t i = 0; i < v->nrt; i++)
		if (strcmp(v->rt[i]->name, name) == 0) {
			rt_free(v->rt[i]);
			memmove(&v->rt[i], &v->rt[i + 1], (v->nrt - i - 1) * sizeof v->rt[0]);
			v->nrt--;
			break;
		}
	pthread_mutex_unlock(&v->mu);
}

/* R's definition is XML (NULL: none), also in the store. Takes v->mu. */
static void rt_set_xml(struct jdm_vnf *v, struct vnf_rt *r, const char *xml)
{
	pthread_mutex_lock(&v->mu);
	free(r->xml);
	r->xml = xml ? xstrdup(xml) : NULL;
	xml_facts(r->xml, &r->def);
	char key[256];
	kv_key(key, sizeof key, r->name, "xml");
	cfg_store_kv_set(cfg_daemon_store(v->d), key, xml);
	pthread_mutex_unlock(&v->mu);
}

/* -------------------------------------------------------------- hypervisor */

static void on_lifecycle_main(void *arg);

struct lc_event {
	struct jdm_vnf *v;
	char name[256];
	int event, detail;
	int id;               /* the domain's ID the event says (-1: none) */
};

/* libvirt's event thread: hand the event to the main loop. */
static int on_lifecycle(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
	(void)conn;
	struct jdm_vnf *v = opaque;
	struct lc_event *e = calloc(1, sizeof *e);
	if (!e)
		return 0;
	e->v = v;
	snprintf(e->name, sizeof e->name, "%s", virDomainGetName(dom));
	e->event = event;
	e->detail = detail;
	unsigned id = virDomainGetID(dom); /* the event's, no call into the driver */
	e->id = id == (unsigned)-1 ? -1 : (int)id;
	jdm_virt_post(v->virt, on_lifecycle_main, e);
	return 0;
}

static void virt_readable(void *ctx, int fd, short re)
{
	(void)fd;
	(void)re;
	struct jdm_vnf *v = ctx;
	pthread_mutex_lock(&v->virt_mu);
	struct jdm_virt *vt = v->virt;
	pthread_mutex_unlock(&v->virt_mu);
	if (vt)
		jdm_virt_dispatch(vt);
}

/* The loop watches virt's fd (callable on the loop thread only). */
static void watch_virt(struct jdm_vnf *v)
{
	pthread_mutex_lock(&v->virt_mu);
	if (v->virt && !v->watched) {
		cfg_daemon_watch(v->d, jdm_virt_fd(v->virt), POLLIN, virt_readable, v);
		v->watched = true;
	}
	pthread_mutex_unlock(&v->virt_mu);
}

static bool on_loop(const struct jdm_vnf *v) { return pthread_equal(pthread_self(), v->loop); }

/* Open the hypervisor on first need (any thread; off the loop, the loop
 * starts watching its fd at its next tick). 0, or -1 with cfg_err set. */
static int ensure_virt(struct jdm_vnf *v)
{
	if (v->none)
		return cfg_err_set("no hypervisor (jdmd runs with --hypervisor none)");
	pthread_mutex_lock(&v->virt_mu);
	int rc = 0;
	if (!v->virt) {
		/* the embed driver's QEMU takes hugepage memory from our mount */
		if (!v->huge_mounted && !strncmp(v->uri, "qemu:///embed", 13)) {
			pathf(v->hugedir, sizeof v->hugedir, "%s/hugepages", v->state_dir);
			mkdir(v->hugedir, 0700);
			v->huge_mounted = jdm_huge_mount(v->hugedir, 2048) == 0;
		}
		struct jdm_virt *vt = jdm_virt_open(v->uri, v->huge_mounted ? v->hugedir : NULL);
		/* QEMU (unprivileged) opens files under STATE: config-data disks,
		   console logs, the hugepage mount; it must be able to get there */
		if (vt && (jdm_virt_reach(vt, v->state_dir) < 0 ||
		           (v->huge_mounted && jdm_virt_reach(vt, v->hugedir) < 0))) {
			jdm_virt_close(vt);
			vt = NULL;
		}
		/* and the images (an image directory that is not there yet is
		   reached when it is: commit check refuses images outside) */
		for (size_t i = 0; vt && i < v->n_image_dirs; i++)
			if (access(v->image_dirs[i], F_OK) == 0 && jdm_virt_reach(vt, v->image_dirs[i]) < 0)
				fprintf(stderr, "jdmd: %s\n", cfg_err_msg());
		if (!vt) {
			rc = -1;
		} else {
			v->virt = vt;
			v->cb_id = virConnectDomainEventRegisterAny(jdm_virt_conn(vt), NULL,
			                                            VIR_DOMAIN_EVENT_ID_LIFECYCLE,
			                                            VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle),
			                                            v, NULL);
		}
	}
	pthread_mutex_unlock(&v->virt_mu);
	if (rc == 0 && on_loop(v))
		watch_virt(v);
	return rc;
}

/* The connection, or NULL when the hypervisor is not open (yet). */
static virConnectPtr conn_of(struct jdm_vnf *v)
{
	pthread_mutex_lock(&v->virt_mu);
	virConnectPtr c = v->virt ? jdm_virt_conn(v->virt) : NULL;
	pthread_mutex_unlock(&v->virt_mu);
	return c;
}

/* The internal network, once: only inside a namespace made for the
 * appliance (never in the host's own network namespace). */
static int ensure_net(struct jdm_vnf *v)
{
	pthread_mutex_lock(&v->net_mu);
	int rc = 0;
	if (!v->net_up) {
		if (!nfx_netns_may_network()) {
			rc = cfg_err_set("jdmd does not run in a network namespace made for the appliance: "
			                 "VNF networks are made only there (start it with ./nfx up)");
		} else {
			if (!v->net)
				v->net = jdm_intnet_new(v->state_dir);
			if (jdm_intnet_up(v->net) < 0)
				rc = -1;
			else
				v->net_up = true;
		}
	}
	pthread_mutex_unlock(&v->net_mu);
	return rc;
}

static virDomainPtr lookup(struct jdm_vnf *v, const char *name)
{
	virConnectPtr c = conn_of(v);
	if (!c)
		return NULL;
	virResetLastError();
	return virDomainLookupByName(c, name);
}

static bool dom_active(virDomainPtr d) { return d && virDomainIsActive(d) == 1; }

/* libvirt's domain state ST by the name `show virtual-network-functions`
 * uses. */
static const char *state_str(int st)
{
	switch (st) {
	case VIR_DOMAIN_RUNNING: return "running";
	case VIR_DOMAIN_BLOCKED: return "idle";
	case VIR_DOMAIN_PAUSED: return "paused";
	case VIR_DOMAIN_SHUTDOWN: return "in shutdown";
	case VIR_DOMAIN_CRASHED: return "crashed";
	case VIR_DOMAIN_PMSUSPENDED: return "suspended";
	default: return "shut off";
	}
}

/* What libvirt says of one domain. */
struct vnf_obs {
	bool defined, active;
	int id;                 /* while active */
	const char *state;      /* static */
	struct vnf_facts info;  /* active: of the running definition */
};

/* Ask libvirt about D (NULL: there is no such domain). This waits while a
 * job holds the domain: only the thread that acts on it (apply, converge,
 * a request) calls it, never a show path (but before seen_all). */
static void dom_observe(virDomainPtr d, struct vnf_obs *o)
{
	*o = (struct vnf_obs){.id = -1, .state = "shut off"};
	int st, reason;
	if (!d || virDomainGetState(d, &st, &reason, 0) < 0)
		return; /* gone meanwhile: not defined */
	o->defined = true;
	o->state = state_str(st);
	o->active = virDomainIsActive(d) == 1;
	virDomainInfo info = {0};
	if (virDomainGetInfo(d, &info) == 0)
		o->info = (struct vnf_facts){info.nrVirtCpu, info.maxMem, info.memory};
	if (o->active) {
		/* a fresh handle: D may be older than the domain's start */
		virDomainPtr f = virDomainLookupByName(virDomainGetConnect(d), virDomainGetName(d));
		if (f) {
			unsigned id = virDomainGetID(f);
			o->id = id == (unsigned)-1 ? -1 : (int)id;
			virDomainFree(f);
		}
	}
}

/* Store O in R (the caller holds v->mu): the facts always, the state only
 * when STATE. */
static void rt_store_obs(struct vnf_rt *r, const struct vnf_obs *o, bool state)
{
	if (o->defined && o->info.vcpus) {
		if (o->active)
			r->live = o->info;
		else
			r->def = o->info;
	}
	if (!state)
		return;
	r->known = true;
	r->defined = o->defined;
	r->active = o->active;
	r->dom_id = o->active ? o->id : -1;
	snprintf(r->state, sizeof r->state, "%s", o->state);
}

/* NAME's domain D was acted on (or first looked at) by this thread: what
 * libvirt says of it now goes into NAME's entry, unless a lifecycle event
 * came meanwhile (events come in order; the last one is the news). Takes
 * v->mu, not across the libvirt calls. */
static void rt_observe(struct jdm_vnf *v, const char *name, virDomainPtr d)
{
	pthread_mutex_lock(&v->mu);
	struct vnf_rt *r = rt_find(v, name);
	unsigned seq = r ? r->ev_seq : 0;
	pthread_mutex_unlock(&v->mu);
	if (!r)
		return;
	struct vnf_obs o;
	dom_observe(d, &o);
	pthread_mutex_lock(&v->mu);
	if ((r = rt_find(v, name)))
		rt_store_obs(r, &o, !r->known || r->ev_seq == seq);
	pthread_mutex_unlock(&v->mu);
}

/* A lifecycle EVENT of R's domain (its ID ID) on the loop thread, under
 * v->mu: the state it says. */
static void rt_event(struct vnf_rt *r, int event, int id)
{
	r->ev_seq++;
	r->known = true;
	const char *st = NULL;
	switch (event) {
	case VIR_DOMAIN_EVENT_DEFINED:
		r->defined = true;
		break;
	case VIR_DOMAIN_EVENT_UNDEFINED:
		r->defined = r->active; /* a running domain stays until it stops */
		break;
	case VIR_DOMAIN_EVENT_STARTED:
		r->defined = r->active = true;
		r->dom_id = id;
		if (r->def.vcpus) /* it runs its persistent definition */
			r->live = r->def;
		if (!r->live.cur_kib)
			r->live.cur_kib = r->live.max_kib;
		st = "running";
		break;
	case VIR_DOMAIN_EVENT_SUSPENDED: st = "paused"; break;
	case VIR_DOMAIN_EVENT_RESUMED: st = "running"; break;
	case VIR_DOMAIN_EVENT_SHUTDOWN: st = "in shutdown"; break;
	case VIR_DOMAIN_EVENT_PMSUSPENDED: st = "suspended"; break;
	case VIR_DOMAIN_EVENT_CRASHED: st = "crashed"; break;
	case VIR_DOMAIN_EVENT_STOPPED:
		r->active = false;
		r->dom_id = -1;
		st = "shut off";
		break;
	default:
		break;
	}
	if (st)
		snprintf(r->state, sizeof r->state, "%s", st);
}

/* ------------------------------------------------------------ the domain */

static const char *accel_of(const struct cfg_tree *t)
{
	const char *a = cfg_tree_value(t, NULL, "system virtualization accel", CFG_AT_ACTIVE);
	if (a)
		return a;
	const char *env = getenv("NFX_ACCEL");
	if (env && (!strcmp(env, "kvm") || !strcmp(env, "tcg")))
		return env;
	/* kvm where usable: /dev/kvm may exist while guests stall (nested) */
	return jdm_kvm_usable(NULL) ? "kvm" : "tcg";
}

/* A VNF name that can be a directory name (the schema's vnf-name type
 * says so first; this is the second line of defence). */
static bool dir_name_ok(const char *name)
{
	return name && *name && name[0] != '.' && name[0] != '-' && !strchr(name, '/') &&
	       strlen(name) <= 255;
}

/* Directory NAME under the directory fd AT, made if missing (MODE), never
 * through a symlink; its fd (O_DIRECTORY) or -1 with cfg_err set. */
static int subdir_at(int at, const char *shown, const char *name, mode_t mode)
{
	if (mkdirat(at, name, mode) < 0 && errno != EEXIST)
		return cfg_err_set("%s/%s: %s", shown, name, strerror(errno));
	int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return cfg_err_set("%s/%s: %s", shown, name,
		                   errno == ELOOP || errno == ENOTDIR ? "not a directory (a symlink?)"
		                                                      : strerror(errno));
	if (fchmod(fd, mode) < 0) {
		int e = errno;
		close(fd);
		return cfg_err_set("%s/%s: %s", shown, name, strerror(e));
	}
	return fd;
}

/* STATE/vnf/NAME into BUF, made if missing. 0711 (search only): QEMU runs
 * as the unprivileged QEMU user and opens config-data.img and console.log
 * itself (libvirt chowns the files, not the directories above them). Made
 * with mkdirat/openat under the state directory's fd, never following a
 * symlink, and only for a NAME that is a name. */
static int vnf_dir(struct jdm_vnf *v, const char *name, char *buf, size_t n)
{
	if (!dir_name_ok(name))
		return cfg_err_set("invalid VNF name '%s'", name ? name : "");
	if (pathf(buf, n, "%s/vnf/%s", v->state_dir, name) < 0)
		return -1;
	int sfd = open(v->state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sfd < 0)
		return cfg_err_set("%s: %s", v->state_dir, strerror(errno));
	int vfd = subdir_at(sfd, v->state_dir, "vnf", 0711);
	close(sfd);
	if (vfd < 0)
		return -1;
	char shown[PATH_MAX];
	snprintf(shown, sizeof shown, "%s/vnf", v->state_dir);
	int nfd = subdir_at(vfd, shown, name, 0711);
	close(vfd);
	if (nfd < 0)
		return -1;
	close(nfd);
	return 0;
}

/* PATH (WHAT, e.g. "config-data file") resolved into REAL when it lies in
 * an image directory; -1 with cfg_err set otherwise. */
static int confined(const struct jdm_vnf *v, const char *what, const char *path, char *real)
{
	return vnfimg_confine(what, path, (const char *const *)v->image_dirs, v->n_image_dirs,
	                      real) < 0 ? -1 : 0;
}

/* Where the config-data disk of VNF NAME lives (directories made). */
static int config_disk_path(struct jdm_vnf *v, const char *name, char *out, size_t n)
{
	char dir[PATH_MAX];
	if (vnf_dir(v, name, dir, sizeof dir) < 0)
		return -1;
	return pathf(out, n, "%s/config-data.img", dir);
}

/* A FAT disk with the VNF's day-0 files (config-data), labelled
 * CONFIG-DATA, made with mkfs.vfat and mcopy (argv, no shell). Made only
 * right before the VNF starts: never under a running guest. */
static int make_config_disk(struct jdm_vnf *v, const struct cfg_node *cd, const char *name)
{
	char out[PATH_MAX];
	if (config_disk_path(v, name, out, sizeof out) < 0)
		return -1;
	unlink(out);
	int fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, 4 << 20) < 0) {
		if (fd >= 0)
			close(fd);
		return cfg_err_set("%s: %s", out, strerror(errno));
	}
	close(fd);
	const char *mk[] = {"/usr/sbin/mkfs.vfat", "-n", "CONFIG-DATA", out, NULL};
	if (jdm_proc_run(mk) < 0)
		return cfg_err_set("cannot make the config-data disk: %s", cfg_err_msg());
	for (const struct cfg_node *f = cfg_node_child(cd, "file", NULL, CFG_AT_ACTIVE); f;
	     f = cfg_node_next_same(f, CFG_AT_ACTIVE)) {
		if (!f->value)
			continue;
		/* checked at commit check; again now, and copied from where it resolves */
		char real[VNFIMG_PATH_MAX];
		if (confined(v, "config-data file", f->value, real) < 0)
			return -1;
		const char *cp[] = {"/usr/bin/mcopy", "-o", "-i", out, real, "::", NULL};
		if (jdm_proc_run(cp) < 0)
			return cfg_err_set("config-data: cannot copy %s", f->value);
	}
	return 0;
}

/* What VNF N needs on disk before it starts: its config-data disk. */
static int prepare_start(struct jdm_vnf *v, const struct cfg_node *n)
{
	struct cfg_node *cd = child(n, "config-data");
	return child(cd, "file") ? make_config_disk(v, cd, n->value) : 0;
}

/* The domain XML of VNF node N (config T). Caller frees *XML. */
static int vnf_xml(struct jdm_vnf *v, const struct cfg_tree *t, const struct cfg_node *n,
                   struct vnf_rt *r, char **xml)
{
	struct jdm_domain_spec s = {0};
	s.name = n->value;
	s.uuid = leaf(n, "uuid") ? leaf(n, "uuid") : r->uuid;
	s.accel = accel_of(t);
	struct cfg_node *cpu = child(n, "virtual-cpu");
	const char *count = leaf(cpu, "count");
	s.vcpus = count ? (unsigned)strtoul(count, NULL, 10) : 1;
	s.host_passthrough = child(child(cpu, "features"), "hardware-virtualization") != NULL;
	int pin[MAX_PIN];
	bool any_pin = false;
	for (unsigned i = 0; i < MAX_PIN; i++)
		pin[i] = -1;
	for (struct cfg_node *c = cfg_node_child(cpu, "vcpu", NULL, CFG_AT_ACTIVE); c;
	     c = cfg_node_next_same(c, CFG_AT_ACTIVE))
		if (c->value) {
			unsigned idx = (unsigned)strtoul(c->value, NULL, 10);
			const char *p = leaf(c, "physical-cpu");
			if (idx < MAX_PIN && idx < s.vcpus && p) {
				pin[idx] = atoi(p);
				any_pin = true;
			}
		}
	s.pin = any_pin ? pin : NULL;
	struct cfg_node *mem = child(n, "memory");
	const char *size = leaf(mem, "size");
	s.memory_kib = size ? strtoull(size, NULL, 10) : JDM_DOMAIN_DEFAULT_MEMORY_KIB;
	struct cfg_node *hp = child(child(mem, "features"), "hugepages");
	s.hugepages = hp != NULL;
	const char *ps = leaf(hp, "page-size");
	s.hugepage_kib = ps && !strcmp(ps, "1024") ? 1048576 : 2048;
	struct cfg_node *img = child(n, "image");
	s.image = image_path(n);
	s.image_type = leaf(img, "image-type");
	s.bus = leaf(img, "bus-type");
	s.cache = leaf(img, "driver-cache");
	struct jdm_domain_disk disks[MAX_STORAGE];
	size_t nd = 0;
	for (struct cfg_node *c = cfg_node_child(n, "storage", NULL, CFG_AT_ACTIVE); c && nd < MAX_STORAGE;
	     c = cfg_node_next_same(c, CFG_AT_ACTIVE))
		if (c->value) {
			memset(&disks[nd], 0, sizeof disks[nd]);
			disks[nd].dev = c->value;
			disks[nd].type = leaf(c, "type");
			disks[nd].file = leaf2(c, "source", "file");
			nd++;
		}
	s.storage = disks;
	s.n_storage = nd;
	char cdisk[PATH_MAX];
	struct cfg_node *cd = child(n, "config-data");
	if (child(cd, "file")) {
		if (config_disk_path(v, n->value, cdisk, sizeof cdisk) < 0)
			return -1;
		s.config_data_disk = cdisk;
	}
	struct jdm_domain_nic nics[2 + JDM_VNF_MAX_DATA_NICS + JDM_SRIOV_MAX_NICS];
	char tap0[64], tap1[64];
	memset(nics, 0, sizeof nics);
	if (!child(n, "no-default-interfaces")) {
		snprintf(tap0, sizeof tap0, "%s_eth0", n->value);
		snprintf(tap1, sizeof tap1, "%s_eth1", n->value);
		nics[0] = (struct jdm_domain_nic){.name = "eth0", .mac = r->mac0, .bridge = "virbr0",
		                                  .vlan = -1, .target_dev = tap0};
		nics[1] = (struct jdm_domain_nic){.name = "eth1", .mac = r->mac1, .bridge = "eth0br",
		                                  .vlan = -1, .target_dev = tap1};
		s.nics = nics;
		s.n_nics = 2;
	}
	char log[PATH_MAX];
	if (vnf_dir(v, n->value, log, sizeof log) < 0)
		return -1;
	if (pathf(log, sizeof log, "%s/vnf/%s/console.log", v->state_dir, n->value) < 0)
		return -1;
	s.serial_log = log;
	char *init = NULL;
	const char *desc = leaf(n, "init-descriptor");
	if (desc) {
		/* confined at commit check; again now, read where it resolves */
		char real[VNFIMG_PATH_MAX];
		if (confined(v, "init-descriptor", desc, real) < 0)
			return -1;
		int fd = open(real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
		struct stat st;
		if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			int e = fd < 0 ? errno : EINVAL;
			if (fd >= 0)
				close(fd);
			return cfg_err_set("init-descriptor %s: %s", desc,
			                   e == EINVAL ? "not a regular file" : strerror(e));
		}
		struct cfg_buf b = {0};
		char chunk[4096];
		ssize_t got;
		while ((got = read(fd, chunk, sizeof chunk)) > 0 && b.len < MAX_DESCRIPTOR)
			cfg_buf_add(&b, chunk, (size_t)got);
		close(fd);
		if (b.len >= MAX_DESCRIPTOR) {
			cfg_buf_free(&b);
			return cfg_err_set("init-descriptor %s: larger than %d bytes", desc, MAX_DESCRIPTOR);
		}
		init = cfg_buf_steal(&b);
		if (!init)
			init = xstrdup(""); /* empty: not valid XML, jdm_domain says so */
		s.init_descriptor_xml = init;
	}
	/* data interfaces on the host-os switch (jdm_vswcfg), in ethN order:
	   a tap jdmd made (netdev) or the port's vhost-user socket (dpdk) */
	struct jdm_vswcfg_port dports[JDM_VNF_MAX_DATA_NICS];
	char vsock[JDM_VNF_MAX_DATA_NICS][108]; /* a unix socket path */
	size_t ndp = jdm_vswcfg_vnf_ports(t, n, dports, JDM_VNF_MAX_DATA_NICS);
	bool dpdk = jdm_vswcfg_is_dpdk(t);
	for (size_t k = 0; k < ndp; k++) {
		struct jdm_domain_nic *dn = &nics[s.n_nics++];
		*dn = (struct jdm_domain_nic){.name = dports[k].ifname, .mac = dports[k].mac, .vlan = -1,
		                              .link_down = dports[k].link_down, .mtu = dports[k].mtu,
		                              .acpi_index = dports[k].eth + 1};
		if (dpdk && jdm_vswcfg_vhost_path(v->state_dir, n->value, dports[k].name, vsock[k],
		                                  sizeof vsock[k]) == 0) {
			dn->vhostuser_socket = vsock[k];
		} else {
			dn->target_dev = dports[k].name;
			dn->tap_exists = true;
		}
	}
	s.nics = nics;
	/* data interfaces mapped to SR-IOV VFs (jdm_sriov), in ethN order */
	struct jdm_sriov_nicbuf vfbuf[JDM_SRIOV_MAX_NICS];
	int nvf = v->sriov ? jdm_sriov_nics(v->sriov, n, nics + s.n_nics, vfbuf, JDM_SRIOV_MAX_NICS) : 0;
	if (nvf < 0) {
		jdm_vswcfg_ports_release(dports, ndp);
		free(init);
		return -1;
	}
	s.n_nics += (size_t)nvf;
	int rc = jdm_domain_xml(&s, xml);
	jdm_vswcfg_ports_release(dports, ndp);
	free(init);
	return rc;
}

/* ------------------------------------------------------ what is shown */

/* What the loop thread shows of one VNF. */
struct vnf_view {
	bool has_rt;            /* it has runtime state, copied into RT */
	struct vnf_rt rt;       /* (its name and xml NULL) */
	bool defined, active, up;
	int id;                 /* while active, -1 if not known */
	char state[16];
	struct vnf_facts facts; /* of the definition shown (active: the live one) */
};

/* What is known of VNF NAME into *W, from its runtime state: no libvirt
 * call, so it never waits for a domain job, except before converge first
 * looked (seen_all: at start, before any commit can apply) when the state
 * of a VNF not yet known is asked of libvirt as it always was. Takes v->mu. */
static void vnf_view(struct jdm_vnf *v, const char *name, struct vnf_view *w)
{
	memset(w, 0, sizeof *w);
	w->id = -1;
	snprintf(w->state, sizeof w->state, "shut off");
	pthread_mutex_lock(&v->mu);
	struct vnf_rt *r = rt_find(v, name);
	if (r) {
		w->has_rt = true;
		w->rt = *r;
		w->rt.name = NULL;
		w->rt.xml = NULL;
	}
	bool known = r && r->known;
	bool ask = !known && !v->none && !v->seen_all;
	if (known) {
		w->defined = r->defined;
		w->active = r->active;
		w->id = r->dom_id;
		snprintf(w->state, sizeof w->state, "%s", r->state);
		w->facts = r->active ? r->live : r->def;
		w->up = r->active && v->live && jdm_live_state(v->live, name) == 1;
	}
	pthread_mutex_unlock(&v->mu);
	if (!ask)
		return;
	struct vnf_obs o;
	virDomainPtr d = ensure_virt(v) == 0 ? lookup(v, name) : NULL;
	dom_observe(d, &o);
	if (d)
		virDomainFree(d);
	w->defined = o.defined;
	w->active = o.active;
	w->id = o.id;
	snprintf(w->state, sizeof w->state, "%s", o.state);
	w->facts = o.info;
	pthread_mutex_lock(&v->mu);
	if ((r = rt_find(v, name)) && !r->known)
		rt_store_obs(r, &o, true);
	w->up = o.active && v->live && jdm_live_state(v->live, name) == 1;
	pthread_mutex_unlock(&v->mu);
}

/* ----------------------------------------------------------- commit check */

/* Commit check of one VNF N (added or changed): its image, init-descriptor,
 * config-data files; data interfaces are kept but not realised. */
static void check_vnf(struct jdm_vnf *v, const struct cfg_node *n, struct cfg_findings *fs)
{
	struct cfg_node *ifs = child(n, "interfaces");
	for (struct cfg_node *i = cfg_node_child(ifs, "interface", NULL, CFG_AT_ACTIVE); i;
	     i = cfg_node_next_same(i, CFG_AT_ACTIVE))
		if (i->value && strcmp(i->value, "eth0") && strcmp(i->value, "eth1") && child(i, "mapping") &&
		    !child(child(i, "mapping"), "vlan") && /* vlan: the host-os switch (jdm_vswitch) */
		    !(v->sriov && jdm_sriov_mapped(i)))       /* hsxeK: SR-IOV (jdm_sriov) */
			cfg_findings_warn(fs, i, NULL,
			                  "data interface %s is kept in the configuration; the data "
			                  "path (host-os switch, SR-IOV) is not realised by this release",
			                  i->value);
	const char *path = image_path(n);
	if (!path)
		return; /* the generic check reports the missing image */
	struct cfg_node *img = child(n, "image");
	const char *type = leaf(img, "image-type");
	/* every host file the VNF names lies in an image directory (after
	   symlinks and ".."), and backing files stay in the image's one */
	char real[VNFIMG_PATH_MAX];
	int which = vnfimg_confine("image", path, (const char *const *)v->image_dirs,
	                           v->n_image_dirs, real);
	if (which < 0) {
		cfg_findings_add(fs, img, NULL, "%s", cfg_err_msg());
	} else {
		struct vnfimg_info info;
		if (vnfimg_inspect(path, type ? type : "qcow2", v->image_dirs[which], &info) < 0)
			cfg_findings_add(fs, img, NULL, "%s", cfg_err_msg());
	}
	for (struct cfg_node *c = cfg_node_child(n, "storage", NULL, CFG_AT_ACTIVE); c;
	     c = cfg_node_next_same(c, CFG_AT_ACTIVE)) {
		const char *file = leaf2(c, "source", "file");
		char what[128];
		snprintf(what, sizeof what, "storage %s source file", c->value ? c->value : "");
		if (file && confined(v, what, file, real) < 0)
			cfg_findings_add(fs, c, NULL, "%s", cfg_err_msg());
	}
	const char *desc = leaf(n, "init-descriptor");
	if (desc) {
		if (confined(v, "init-descriptor", desc, real) < 0)
			cfg_findings_add(fs, n, NULL, "%s", cfg_err_msg());
		else if (access(real, R_OK) != 0)
			cfg_findings_add(fs, n, NULL, "init-descriptor %s: %s", desc, strerror(errno));
	}
	struct cfg_node *cd = child(n, "config-data");
	for (struct cfg_node *f = cfg_node_child(cd, "file", NULL, CFG_AT_ACTIVE); f;
	     f = cfg_node_next_same(f, CFG_AT_ACTIVE)) {
		if (!f->value)
			continue;
		if (confined(v, "config-data file", f->value, real) < 0)
			cfg_findings_add(fs, cd, NULL, "%s", cfg_err_msg());
		else if (access(real, R_OK) != 0)
			cfg_findings_add(fs, cd, NULL, "config-data file %s: %s", f->value, strerror(errno));
	}
}

struct check_ctx {
	struct jdm_vnf *v;
	struct cfg_findings *fs;
};

static void check_entry(void *ctx, enum cfg_diff_op op, const struct cfg_node *old_entry,
                        const struct cfg_node *new_entry)
{
	(void)old_entry;
	struct check_ctx *c = ctx;
	if (op != CFG_DIFF_DEL && new_entry && new_entry->value)
		check_vnf(c->v, new_entry, c->fs);
}

void jdm_vnf_validate(void *ctx, const struct cfg_tree *new_tree, const struct cfg_diff *diff,
                      struct cfg_findings *fs)
{
	struct jdm_vnf *v = ctx;
	if (v->none)
		return; /* images and files are the host's: not checked without one */
	/* on the loop thread: the hypervisor is opened here (its fd is watched
	   by the loop) before an apply on the commit job's thread needs it */
	if (vnf_first_active(new_tree))
		ensure_virt(v);
	struct check_ctx c = {v, fs};
	cfg_diff_entries(diff, "virtual-network-functions", check_entry, &c);
}

unsigned long jdm_vnf_huge_in_use(void *ctx, unsigned page_kib)
{
	struct jdm_vnf *v = ctx;
	unsigned long in_use = 0;
	if (v->none || !conn_of(v))
		return 0;
	const struct cfg_tree *act = cfg_daemon_active(v->d);
	for (struct cfg_node *n = vnf_first_active(act); n; n = cfg_node_next_same(n, CFG_AT_ACTIVE)) {
		if (!n->value)
			continue;
		struct cfg_node *mem = child(n, "memory");
		struct cfg_node *hp = child(child(mem, "features"), "hugepages");
		if (!hp)
			continue;
		struct vnf_view w;
		vnf_view(v, n->value, &w);
		if (w.active) {
			const char *size = leaf(mem, "size");
			in_use += jdm_huge_pages_for(size ? strtoull(size, NULL, 10) : JDM_DOMAIN_DEFAULT_MEMORY_KIB,
			                             page_kib);
		}
	}
	return in_use;
}

/* ----------------------------------------------------------------- apply */

/* Liveliness watches the running VNFs that have an address (as their
 * runtime state says: no libvirt call). Under MU. */
static void live_targets(struct jdm_vnf *v)
{
	if (!v->live)
		return;
	pthread_mutex_lock(&v->mu);
	struct jdm_live_target *tg = calloc(v->nrt ? v->nrt : 1, sizeof *tg);
	if (!tg)
		abort();
	size_t nt = 0;
	for (size_t i = 0; i < v->nrt; i++) {
		struct vnf_rt *r = v->rt[i];
		if (r->ip[0] && r->known && r->active && strlen(r->name) < 64) /* jdm_live's names */
			tg[nt++] = (struct jdm_live_target){r->name, r->ip};
	}
	jdm_live_set_targets(v->live, tg, nt);
	pthread_mutex_unlock(&v->mu);
	free(tg);
}

static void dhcp_hosts(struct jdm_vnf *v)
{
	struct jdm_intnet_host *h = NULL;
	char (*names)[64] = NULL;
	char (*macs)[18] = NULL;
	char (*ips)[16] = NULL;
	size_t n = 0;
	pthread_mutex_lock(&v->mu);
	size_t cap = v->nrt ? v->nrt : 1;
	h = calloc(cap, sizeof *h);
	names = calloc(cap, sizeof *names);
	macs = calloc(cap, sizeof *macs);
	ips = calloc(cap, sizeof *ips);
	if (!h || !names || !macs || !ips)
		abort();
	for (size_t i = 0; i < v->nrt; i++)
		if (v->rt[i]->ip[0] && strlen(v->rt[i]->name) < sizeof names[0]) {
			snprintf(names[n], sizeof names[n], "%s", v->rt[i]->name);
			snprintf(macs[n], sizeof macs[n], "%s", v->rt[i]->mac0);
			snprintf(ips[n], sizeof ips[n], "%s", v->rt[i]->ip);
			h[n] = (struct jdm_intnet_host){names[n], macs[n], ips[n]};
			n++;
		}
	pthread_mutex_unlock(&v->mu);
	pthread_mutex_lock(&v->net_mu);
	if (v->net_up && jdm_intnet_set_hosts(v->net, h, n) < 0)
		fprintf(stderr, "jdmd: dhcp hosts: %s\n", cfg_err_msg());
	pthread_mutex_unlock(&v->net_mu);
	free(h);
	free(names);
	free(macs);
	free(ips);
}

/* A start of NAME by us: its death count starts again. */
static void rt_started(struct jdm_vnf *v, const char *name)
{
	pthread_mutex_lock(&v->mu);
	struct vnf_rt *r = rt_find(v, name);
	if (r) {
		r->gave_up = false;
		r->ndeaths = 0;
	}
	pthread_mutex_unlock(&v->mu);
}

static int start_dom(struct jdm_vnf *v, virDomainPtr d, const char *name)
{
	rt_started(v, name);
	return virDomainCreate(d);
}

/* Stop D (VNF NAME) when it runs; the STOPPED event that follows is ours. */
static void stop_dom(struct jdm_vnf *v, virDomainPtr d, const char *name)
{
	if (!dom_active(d))
		return;
	pthread_mutex_lock(&v->mu);
	struct vnf_rt *r = rt_find(v, name);
	if (r)
		r->stopping = true;
	pthread_mutex_unlock(&v->mu);
	if (virDomainDestroy(d) < 0) {
		pthread_mutex_lock(&v->mu);
		if ((r = rt_find(v, name)))
			r->stopping = false;
		pthread_mutex_unlock(&v->mu);
	}
	rt_observe(v, name, d);
}

/* Is NAME a domain we made (it has a store record)? */
static bool ours(struct jdm_vnf *v, const char *name)
{
	char key[256], *val = NULL;
	kv_key(key, sizeof key, name, "uuid");
	pthread_mutex_lock(&v->mu); /* the store's statements: one user at a time here */
	bool r = cfg_store_kv_get(cfg_daemon_store(v->d), key, &val) == 0;
	pthread_mutex_unlock(&v->mu);
	free(val);
	return r;
}

/* VNF NAME left the configuration: stop and undefine its domain when it is
 * ours (its image files are never touched), forget its runtime state. */
static void remove_vnf(struct jdm_vnf *v, const char *name, struct cfg_buf *out)
{
	virDomainPtr d = lookup(v, name);
	if (d && ours(v, name)) {
		bool was = dom_active(d);
		stop_dom(v, d, name);
		if (virDomainUndefine(d) == 0 && was)
			cfg_buf_printf(out, "%s: stopped and removed (its image is kept)\n", name);
	}
	if (d)
		virDomainFree(d);
	pthread_mutex_lock(&v->mu);
	struct vnf_rt *r = rt_find(v, name);
	pthread_mutex_unlock(&v->mu);
	if (r)
		rt_set_xml(v, r, NULL);
	rt_forget(v, name);
}

/* Converge: any domain of ours that T does not have is removed. */
static void remove_stale(struct jdm_vnf *v, const struct cfg_tree *t, struct cfg_buf *out)
{
	virConnectPtr c = conn_of(v);
	virDomainPtr *doms = NULL;
	int n = c ? virConnectListAllDomains(c, &doms, 0) : 0;
	for (int i = 0; i < n; i++) {
		const char *name = virDomainGetName(doms[i]);
		if (name && !vnf_node(t, name) && ours(v, name))
			remove_vnf(v, name, out);
		virDomainFree(doms[i]);
	}
	free(doms);
}

/* Domains of one commit stop and start in parallel: QEMU start-up and
 * shut-down (and libvirt's work around them) are mostly waiting, and 8 VNFs
 * should not queue. */
struct starter {
	struct jdm_vnf *v;
	virDomainPtr d;      /* owned reference */
	const struct cfg_node *n; /* the VNF's configuration node (for findings) */
	bool restart;        /* it runs with the old definition: stop it first, say so */
	pthread_t th;
	bool threaded;       /* th runs it (else it ran inline) */
	int rc;
	bool prep_failed;    /* its config-data disk could not be made */
	char err[256];
};

static void *starter_run(void *arg)
{
	struct starter *st = arg;
	if (st->restart)
		stop_dom(st->v, st->d, st->n->value);
	/* the config-data disk is made only now: never under a running guest */
	if (prepare_start(st->v, st->n) < 0) {
		st->rc = -1;
		st->prep_failed = true;
		snprintf(st->err, sizeof st->err, "%s", cfg_err_msg());
		return NULL;
	}
	st->rc = virDomainCreate(st->d);
	if (st->rc < 0)
		snprintf(st->err, sizeof st->err, "%s", jdm_virt_error());
	rt_observe(st->v, st->n->value, st->d); /* on this thread: it may wait */
	return NULL;
}

/* Start all of ST (N of them); findings for those that fail. 0 or -1. */
static int start_all(struct jdm_vnf *v, struct starter *st, size_t n, struct cfg_buf *out,
                     struct cfg_findings *fs)
{
	for (size_t i = 0; i < n; i++) {
		rt_started(v, st[i].n->value);
		st[i].threaded = pthread_create(&st[i].th, NULL, starter_run, &st[i]) == 0;
		if (!st[i].threaded)
			starter_run(&st[i]);
	}
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		if (st[i].threaded)
			pthread_join(st[i].th, NULL);
		if (st[i].prep_failed) {
			cfg_findings_add(fs, st[i].n, NULL, "%s", st[i].err);
			rc = -1;
		} else if (st[i].rc < 0) {
			cfg_findings_add(fs, st[i].n, NULL, "cannot %s: %s", st[i].restart ? "restart" : "start",
			                 st[i].err);
			rc = -1;
		} else if (st[i].restart) {
			cfg_buf_printf(out, "%s: restarted to apply the configuration change\n", st[i].n->value);
		}
		virDomainFree(st[i].d);
	}
	return rc;
}

/* One commit's (or converge's) work on the VNFs. */
struct work {
	struct jdm_vnf *v;
	const struct cfg_tree *t; /* the configuration being made real */
	struct cfg_buf *out;
	struct cfg_findings *fs;
	struct starter *st;       /* to start, in parallel, at the end */
	size_t nst;
	int rc;
};

/* Make VNF N of W->t real: define (again) when its definition changed,
 * restart it when it ran with the old one, start it unless no-autostart.
 * The start itself is queued in W. */
static void realise_vnf(struct work *w, const struct cfg_node *n)
{
	struct jdm_vnf *v = w->v;
	if (w->rc < 0 || !n->value)
		return;
	pthread_mutex_lock(&v->mu);
	struct vnf_rt *r = rt_get(v, n->value); /* ours until this apply ends */
	r->seen = true;
	char *old_xml = r->xml ? xstrdup(r->xml) : NULL;
	pthread_mutex_unlock(&v->mu);
	if (!child(n, "no-default-interfaces") && ensure_net(v) < 0) {
		cfg_findings_add(w->fs, n, NULL, "%s", cfg_err_msg());
		w->rc = -1;
		free(old_xml);
		return;
	}
	char *xml = NULL;
	if (vnf_xml(v, w->t, n, r, &xml) < 0) {
		cfg_findings_add(w->fs, n, NULL, "%s", cfg_err_msg());
		w->rc = -1;
		free(old_xml);
		return;
	}
	bool autostart = !child(n, "no-autostart");
	virDomainPtr d = lookup(v, n->value);
	bool changed = !old_xml || strcmp(old_xml, xml) != 0;
	free(old_xml);
	bool was_active = dom_active(d);
	if (!d || changed) {
		virDomainPtr nd = virDomainDefineXML(conn_of(v), xml);
		if (!nd) {
			cfg_findings_add(w->fs, n, NULL, "libvirt refused the VNF: %s", jdm_virt_error());
			free(xml);
			if (d)
				virDomainFree(d);
			w->rc = -1;
			return;
		}
		if (d)
			virDomainFree(d);
		d = nd;
		rt_set_xml(v, r, xml);
	}
	free(xml);
	rt_observe(v, n->value, d); /* known before anything is done to it */
	bool restart = changed && was_active; /* it runs again, with the change */
	if (!(restart || (autostart && !was_active))) {
		virDomainFree(d);
		return;
	}
	struct starter *ns = realloc(w->st, (w->nst + 1) * sizeof *ns);
	if (!ns)
		abort();
	w->st = ns;
	w->st[w->nst++] = (struct starter){.v = v, .d = d, .n = n, .restart = restart};
}

/* Start what W queued (nothing when it failed already). */
static void work_finish(struct work *w)
{
	if (w->rc == 0) {
		w->rc = start_all(w->v, w->st, w->nst, w->out, w->fs);
	} else {
		for (size_t i = 0; i < w->nst; i++)
			virDomainFree(w->st[i].d);
	}
	free(w->st);
	w->st = NULL;
	w->nst = 0;
	dhcp_hosts(w->v);
	live_targets(w->v);
}

/* Open what the VNFs of T need. 1: go on, 0: nothing to do (nothing
 * configured and nothing ever defined: the hypervisor is left alone; with
 * qemu:///system, libvirtd may not even run), -1: failed (finding added). */
static int work_begin(struct jdm_vnf *v, const struct cfg_tree *t, struct cfg_findings *fs)
{
	char vnfs[PATH_MAX], libvirt_dir[PATH_MAX];
	pathf(vnfs, sizeof vnfs, "%s/vnf", v->state_dir);
	pathf(libvirt_dir, sizeof libvirt_dir, "%s/libvirt", v->state_dir);
	if (!vnf_first_active(t) && !conn_of(v) && access(vnfs, F_OK) != 0 && access(libvirt_dir, F_OK) != 0)
		return 0;
	if (ensure_virt(v) < 0) {
		struct cfg_node *at = cfg_tree_at(t, NULL, "virtual-network-functions", CFG_AT_ACTIVE);
		if (at)
			cfg_findings_add(fs, at, NULL, "%s", cfg_err_msg());
		else
			cfg_findings_add_line(fs, "%s", cfg_err_msg());
		return -1;
	}
	return 1;
}

struct entries {
	struct work *w;
	bool all;       /* every VNF is looked at (a change they all depend on) */
};

static void apply_entry(void *ctx, enum cfg_diff_op op, const struct cfg_node *old_entry,
                        const struct cfg_node *new_entry)
{
	struct entries *e = ctx;
	if (e->w->rc < 0)
		return;
	if (op == CFG_DIFF_DEL) {
		if (old_entry->value)
			remove_vnf(e->w->v, old_entry->value, e->w->out);
	} else if (!e->all) {
		realise_vnf(e->w, new_entry);
	}
}

/* The diff's changes made real: removed VNFs removed, added and changed ones
 * realised; the VNFs the diff does not touch are not looked at, unless ALL
 * (`system virtualization` changed: every definition may change). */
static int apply_diff(struct jdm_vnf *v, const struct cfg_diff *diff, struct cfg_buf *out,
                      struct cfg_findings *fs)
{
	const struct cfg_tree *t = cfg_diff_new_tree(diff);
	int b = work_begin(v, t, fs);
	if (b <= 0)
		return b;
	struct work w = {.v = v, .t = t, .out = out, .fs = fs};
	/* the datapath decides every data NIC (tap or vhost-user) */
	struct entries e = {.w = &w, .all = cfg_diff_touches(diff, "system virtualization") ||
	                                    cfg_diff_touches(diff, "host-os datapath")};
	cfg_diff_entries(diff, "virtual-network-functions", apply_entry, &e);
	if (e.all)
		for (struct cfg_node *n = vnf_first_active(t); n && w.rc == 0;
		     n = cfg_node_next_same(n, CFG_AT_ACTIVE))
			realise_vnf(&w, n);
	work_finish(&w);
	return w.rc;
}

int jdm_vnf_apply(void *ctx, const struct cfg_diff *diff, struct cfg_buf *out,
                  struct cfg_findings *fs)
{
	struct jdm_vnf *v = ctx;
	if (v->none)
		return 0;
	int rc = apply_diff(v, diff, out, fs);
	if (rc < 0) {
		/* undo this row's own partial work: the inverse of the diff (VNFs
		   the failed apply did not reach are unchanged: nothing to do) */
		struct cfg_diff *inv = cfg_diff_inverse(diff);
		struct cfg_buf junk = {0};
		struct cfg_findings ufs = {0};
		if (!inv || apply_diff(v, inv, &junk, &ufs) < 0)
			cfg_findings_add_line(fs, "the VNFs could not all be put back as they were: %s",
			                      ufs.n && ufs.f[0].msg ? ufs.f[0].msg : cfg_err_msg());
		cfg_findings_free(&ufs);
		cfg_buf_free(&junk);
		cfg_diff_free(inv);
	}
	return rc;
}

int jdm_vnf_converge(void *ctx, const struct cfg_tree *active, struct cfg_buf *out,
                     struct cfg_findings *fs)
{
	struct jdm_vnf *v = ctx;
	if (v->none)
		return 0;
	int b = work_begin(v, active, fs);
	if (b <= 0) {
		pthread_mutex_lock(&v->mu);
		v->seen_all = true; /* nothing to ask libvirt about (or no libvirt) */
		pthread_mutex_unlock(&v->mu);
		return b;
	}
	/* first one look at every configured VNF: from then on the show paths
	   read only what the runtime state says */
	for (struct cfg_node *n = vnf_first_active(active); n; n = cfg_node_next_same(n, CFG_AT_ACTIVE)) {
		if (!n->value)
			continue;
		pthread_mutex_lock(&v->mu);
		rt_get(v, n->value);
		pthread_mutex_unlock(&v->mu);
		virDomainPtr d = lookup(v, n->value);
		rt_observe(v, n->value, d);
		if (d)
			virDomainFree(d);
	}
	pthread_mutex_lock(&v->mu);
	v->seen_all = true;
	pthread_mutex_unlock(&v->mu);
	remove_stale(v, active, out);
	pthread_mutex_lock(&v->mu);
	for (size_t i = 0; i < v->nrt; i++)
		v->rt[i]->seen = false;
	pthread_mutex_unlock(&v->mu);
	struct work w = {.v = v, .t = active, .out = out, .fs = fs};
	for (struct cfg_node *n = vnf_first_active(active); n; n = cfg_node_next_same(n, CFG_AT_ACTIVE))
		realise_vnf(&w, n);
	/* forget runtime state of VNFs that are not configured */
	pthread_mutex_lock(&v->mu);
	size_t j = 0;
	for (size_t i = 0; i < v->nrt; i++) {
		if (v->rt[i]->seen || w.rc < 0)
			v->rt[j++] = v->rt[i];
		else
			rt_free(v->rt[i]);
	}
	v->nrt = j;
	pthread_mutex_unlock(&v->mu);
	work_finish(&w);
	return w.rc;
}

/* ------------------------------------------------------------- events */

/* Publish a <vnf-event> (cfg_notify.h) with NAME's state and liveliness
 * now, and REASON (may be NULL) when it stopped; nothing when neither
 * changed since the last one and there is no reason. */
static void publish_vnf(struct jdm_vnf *v, const char *name, const char *reason)
{
	/* what the runtime state says (no libvirt: the loop never waits here) */
	struct vnf_view w;
	vnf_view(v, name, &w);
	bool up = w.up;
	const char *st = w.state;
	pthread_mutex_lock(&v->mu);
	struct vnf_rt *r = rt_find(v, name);
	bool same = r && !reason && r->live_pub == up && !strcmp(r->state_pub, st);
	if (r && !same) {
		r->live_pub = up;
		snprintf(r->state_pub, sizeof r->state_pub, "%s", st);
	}
	pthread_mutex_unlock(&v->mu);
	if (same)
		return;
	struct cfg_reply *rep = cfg_reply_new(CFG_EVENT_VNF);
	struct cfg_rel *e = cfg_reply_root(rep);
	cfg_rel_leaf(e, "vnf-name", name);
	cfg_rel_leaf(e, "vnf-state", st);
	cfg_rel_leaf(e, "vnf-liveliness", up ? "alive" : "down");
	cfg_rel_leaf(e, "reason", reason);
	cfg_notify_publish(v->d, rep);
}

/* Liveliness changes since the last look: one <vnf-event> each (the names
 * are collected under MU, published without it). */
static void live_changes(struct jdm_vnf *v)
{
	if (!v->live)
		return;
	pthread_mutex_lock(&v->mu);
	char **names = NULL;
	size_t nn = 0;
	for (size_t i = 0; i < v->nrt; i++) {
		struct vnf_rt *r = v->rt[i];
		int now = jdm_live_state(v->live, r->name) == 1;
		if (now != r->live_raw) {
			r->live_raw = now;
			char **nv = realloc(names, (nn + 1) * sizeof *nv);
			if (!nv)
				abort();
			names = nv;
			names[nn++] = xstrdup(r->name);
		}
	}
	pthread_mutex_unlock(&v->mu);
	for (size_t i = 0; i < nn; i++) {
		publish_vnf(v, names[i], NULL);
		free(names[i]);
	}
	free(names);
}

static void on_lifecycle_main(void *arg)
{
	struct lc_event *e = arg;
	struct jdm_vnf *v = e->v;
	if (v->closing) {
		free(e);
		return;
	}
	bool restart = false;
	pthread_mutex_lock(&v->mu);
	struct vnf_rt *r = rt_find(v, e->name);
	bool known = r != NULL;
	if (r)
		rt_event(r, e->event, e->id);
	const char *ev_reason = NULL; /* for the vnf-event */
	if (e->event == VIR_DOMAIN_EVENT_STOPPED && v->live)
		jdm_live_reset(v->live, e->name);
	if (r && e->event == VIR_DOMAIN_EVENT_STOPPED) {
		if (r->stopping) {
			r->stopping = false;
			ev_reason = "stopped by JDM";
		} else {
			time_t now = time(NULL);
			static const char *const why[] = {
				[VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN] = "shut down by the guest",
				[VIR_DOMAIN_EVENT_STOPPED_DESTROYED] = "destroyed",
				[VIR_DOMAIN_EVENT_STOPPED_CRASHED] = "crashed",
				[VIR_DOMAIN_EVENT_STOPPED_MIGRATED] = "migrated",
				[VIR_DOMAIN_EVENT_STOPPED_SAVED] = "saved",
				[VIR_DOMAIN_EVENT_STOPPED_FAILED] = "QEMU died",
				[VIR_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT] = "snapshot",
			};
			const char *reason = e->detail >= 0 && e->detail < (int)(sizeof why / sizeof why[0]) &&
			                             why[e->detail] ? why[e->detail] : "stopped";
			snprintf(r->last_reason, sizeof r->last_reason, "%s", reason);
			ev_reason = r->last_reason;
			r->last_death = now;
			/* deaths in the last RESTART_WINDOW seconds */
			unsigned k = 0;
			for (unsigned i = 0; i < r->ndeaths; i++)
				if (now - r->deaths[i] < RESTART_WINDOW)
					r->deaths[k++] = r->deaths[i];
			r->ndeaths = k;
			if (r->ndeaths <= RESTART_BURST)
				r->deaths[r->ndeaths++] = now;
			struct cfg_node *n = vnf_node(cfg_daemon_active(v->d), e->name);
			fprintf(stderr, "jdmd: VNF %s stopped (%s)\n", e->name, reason);
			if (n && !child(n, "no-autostart")) {
				if (r->ndeaths > RESTART_BURST) {
					r->gave_up = true;
					fprintf(stderr, "jdmd: VNF %s died %u times in %d s: not restarting\n",
					        e->name, r->ndeaths, RESTART_WINDOW);
				} else {
					restart = true;
				}
			}
		}
	}
	pthread_mutex_unlock(&v->mu);
	if (restart) {
		virDomainPtr d = lookup(v, e->name);
		if (d && virDomainCreate(d) == 0) {
			pthread_mutex_lock(&v->mu);
			if ((r = rt_find(v, e->name)))
				r->restarts++;
			pthread_mutex_unlock(&v->mu);
			rt_observe(v, e->name, d);
			fprintf(stderr, "jdmd: VNF %s restarted\n", e->name);
		} else {
			fprintf(stderr, "jdmd: VNF %s: restart failed: %s\n", e->name, jdm_virt_error());
		}
		if (d)
			virDomainFree(d);
	}
	live_targets(v);
	if (known)
		publish_vnf(v, e->name, ev_reason);
	free(e);
}

static void live_readable(void *ctx, int fd, short re)
{
	(void)fd;
	(void)re;
	struct jdm_vnf *v = ctx;
	pthread_mutex_lock(&v->mu);
	jdm_live_input(v->live);
	pthread_mutex_unlock(&v->mu);
	live_changes(v);
}

void jdm_vnf_tick(void *ctx)
{
	struct jdm_vnf *v = ctx;
	watch_virt(v); /* a hypervisor opened off the loop */
	if (v->live) {
		pthread_mutex_lock(&v->mu);
		jdm_live_tick(v->live, time(NULL));
		pthread_mutex_unlock(&v->mu);
		live_changes(v);
	}
	if (pthread_mutex_trylock(&v->net_mu) == 0) {
		if (v->net_up)
			jdm_intnet_reap(v->net);
		pthread_mutex_unlock(&v->net_mu);
	}
}

/* ------------------------------------------------------------- commands */

/* The value of the first positional step (VNF name) of the command. */
static const char *cmd_name(const struct cfg_cmd *c)
{
	for (size_t i = 0; i < c->p->n; i++)
		if ((c->p->steps[i].schema->flags & CFG_F_POSITIONAL) && c->p->steps[i].value)
			return c->p->steps[i].value;
	return NULL;
}

static bool cmd_has(const struct cfg_cmd *c, const char *word)
{
	for (size_t i = 0; i < c->p->n; i++)
		if (!strcmp(c->p->steps[i].schema->name, word))
			return true;
	return false;
}


/* How `show virtual-network-functions` shows its reply. */
struct vnfs_view {
	bool one;    /* one VNF named */
	bool detail;
};

static void vnfs_text(struct cfg_buf *out, const struct cfg_reply *rep, void *arg)
{
	const struct vnfs_view *vw = arg;
	const struct cfg_rel *root = cfg_reply_root(rep);
	if (!vw->one) {
		cfg_buf_printf(out, "%-8s %-49s %-10s %s\n", "ID", "Name", "State", "Liveliness");
		cfg_buf_puts(out, "--------------------------------------------------------------------------------\n");
		for (const struct cfg_rel *e = cfg_rel_child(root, "vnf-information"); e; e = cfg_rel_next_same(e))
			cfg_buf_printf(out, "%-8s %-49s %-10s %s\n", cfg_rel_str(e, "vnf-id", "-"),
			               cfg_rel_str(e, "vnf-name", ""), cfg_rel_str(e, "vnf-state", ""),
			               cfg_rel_str(e, "vnf-liveliness", ""));
		return;
	}
	const struct cfg_rel *e = cfg_rel_child(root, "vnf-information");
	char stc[32];
	snprintf(stc, sizeof stc, "%s", cfg_rel_str(e, "vnf-state", ""));
	stc[0] = (char)(stc[0] - 'a' + 'A');
	bool up = !strcmp(cfg_rel_str(e, "vnf-liveliness", ""), "alive");
	cfg_buf_puts(out, "Virtual Machine Information\n---------------------------\n");
	cfg_buf_printf(out, "%-20s%s\n", "Name:", cfg_rel_str(e, "vnf-name", ""));
	cfg_buf_printf(out, "%-20s%s\n", "IP Address:", cfg_rel_str(e, "vnf-ip-address", "-"));
	cfg_buf_printf(out, "%-20s%s\n", "Status:", stc);
	cfg_buf_printf(out, "%-20s%s\n", "Liveliness:", up ? "Up" : "Down");
	cfg_buf_printf(out, "%-20s%s\n", "VCPUs:", cfg_rel_str(e, "vnf-vcpus", "1"));
	cfg_buf_printf(out, "%-20s%s\n", "Maximum Memory:", cfg_rel_str(e, "vnf-maximum-memory", "-"));
	cfg_buf_printf(out, "%-20s%s\n", "Used Memory:", cfg_rel_str(e, "vnf-used-memory", "0"));
	if (!vw->detail)
		return;
	cfg_buf_printf(out, "%-20s%s\n", "UUID:", cfg_rel_str(e, "vnf-uuid", "-"));
	cfg_buf_printf(out, "%-20s%s\n", "Image:", cfg_rel_str(e, "vnf-image", "-"));
	cfg_buf_printf(out, "%-20s%s\n", "Autostart:", cfg_rel_str(e, "vnf-autostart", "yes"));
	cfg_buf_printf(out, "%-20s%s\n", "Hypervisor:", cfg_rel_str(e, "hypervisor", ""));
	cfg_buf_printf(out, "%-20s%s\n", "Restarts:", cfg_rel_str(e, "vnf-restarts", "0"));
	const struct cfg_rel *ls = cfg_rel_child(e, "vnf-last-stopped");
	if (ls)
		cfg_buf_printf(out, "%-20s%s (%s)%s\n", "Last stopped:", cfg_rel_str(ls, "date-time", ""),
		               cfg_rel_str(ls, "reason", ""),
		               cfg_rel_child(ls, "not-restarted") ? ", not restarted: it keeps dying" : "");
	for (const struct cfg_rel *f = cfg_rel_child(e, "vnf-interface"); f; f = cfg_rel_next_same(f)) {
		char label[48];
		snprintf(label, sizeof label, "Interface %s:", cfg_rel_str(f, "interface-name", ""));
		cfg_buf_printf(out, "%-20s%s", label, cfg_rel_str(f, "mac-address", ""));
		if (cfg_rel_child(f, "ip-address"))
			cfg_buf_printf(out, " %s", cfg_rel_str(f, "ip-address", ""));
		cfg_buf_printf(out, " (%s, %s)\n", cfg_rel_str(f, "bridge", ""), cfg_rel_str(f, "role", ""));
	}
	cfg_buf_printf(out, "%-20s%s\n", "Console log:", cfg_rel_str(e, "console-log", ""));
}

/* The <vnf-information> of VNF N (configured, active) into ROOT: state and
 * liveliness always; with ONE the memory, CPUs and address; with DETAIL
 * everything `detail` shows. */
static void vnf_info(struct jdm_vnf *v, struct cfg_rel *root, struct cfg_node *n, bool one, bool detail)
{
	const char *name = n->value;
	struct cfg_rel *e = cfg_rel_add(root, "vnf-information");
	struct vnf_view w;
	vnf_view(v, name, &w); /* the runtime state: no libvirt call */
	if (w.active && w.id >= 0)
		cfg_rel_leaff(e, "vnf-id", "%d", w.id);
	cfg_rel_leaf(e, "vnf-name", name);
	cfg_rel_leaf(e, "vnf-state", w.state);
	cfg_rel_leaf(e, "vnf-liveliness", w.up ? "alive" : "down");
	if (!one)
		return;
	struct vnf_rt *r = w.has_rt ? &w.rt : NULL;
	if (r && r->ip[0])
		cfg_rel_leaf(e, "vnf-ip-address", r->ip);
	if (w.defined && w.facts.vcpus) {
		cfg_rel_leaff(e, "vnf-vcpus", "%u", w.facts.vcpus);
		cfg_rel_leaff(e, "vnf-maximum-memory", "%lu", w.facts.max_kib);
		cfg_rel_leaff(e, "vnf-used-memory", "%lu", w.active ? w.facts.cur_kib : 0UL);
	} else {
		const char *cnt = cfg_node_value(cfg_node_child(n, "virtual-cpu", NULL, CFG_AT_ACTIVE), "count",
		                                 CFG_AT_ACTIVE);
		cfg_rel_leaf(e, "vnf-vcpus", cnt ? cnt : "1");
		cfg_rel_leaf(e, "vnf-maximum-memory", cfg_node_value(cfg_node_child(n, "memory", NULL, CFG_AT_ACTIVE),
		                                                       "size", CFG_AT_ACTIVE));
		cfg_rel_leaf(e, "vnf-used-memory", "0");
	}
	if (detail) {
		if (r)
			cfg_rel_leaf(e, "vnf-uuid", r->uuid);
		cfg_rel_leaf(e, "vnf-image", image_path(n));
		cfg_rel_leaf(e, "vnf-autostart", cfg_node_child(n, "no-autostart", NULL, CFG_AT_ACTIVE) ? "no" : "yes");
		cfg_rel_leaf(e, "hypervisor", v->none ? "none" : v->uri);
		cfg_rel_leaff(e, "vnf-restarts", "%u", r ? r->restarts : 0);
		if (r && r->last_death) {
			char tb[64];
			struct tm tm;
			gmtime_r(&r->last_death, &tm);
			strftime(tb, sizeof tb, "%Y-%m-%d %H:%M:%S UTC", &tm);
			struct cfg_rel *ls = cfg_rel_add(e, "vnf-last-stopped");
			cfg_rel_leaf(ls, "date-time", tb);
			cfg_rel_leaf(ls, "reason", r->last_reason);
			if (r->gave_up)
				cfg_rel_flag(ls, "not-restarted");
		}
		if (r && r->mac0[0] && !cfg_node_child(n, "no-default-interfaces", NULL, CFG_AT_ACTIVE)) {
			struct cfg_rel *f = cfg_rel_add(e, "vnf-interface");
			cfg_rel_leaf(f, "interface-name", "eth0");
			cfg_rel_leaf(f, "mac-address", r->mac0);
			cfg_rel_leaf(f, "ip-address", r->ip);
			cfg_rel_leaf(f, "bridge", "virbr0");
			cfg_rel_leaf(f, "role", "internal");
			f = cfg_rel_add(e, "vnf-interface");
			cfg_rel_leaf(f, "interface-name", "eth1");
			cfg_rel_leaf(f, "mac-address", r->mac1);
			cfg_rel_leaf(f, "bridge", "eth0br");
			cfg_rel_leaf(f, "role", "management");
		}
		if (v->sriov)
			jdm_sriov_vnf_interfaces(v->sriov, name, e);
		cfg_rel_leaff(e, "console-log", "%s/vnf/%s/console.log", v->state_dir, name);
	}
}

static int show_vnfs(struct cfg_cmd *c)
{
	struct jdm_vnf *v = c->ctx;
	const char *name = cmd_name(c);
	const struct cfg_tree *act = cfg_daemon_active(c->d);
	struct vnfs_view vw = {.one = name != NULL, .detail = cmd_has(c, "detail")};
	struct cfg_node *one = NULL;
	struct cfg_reply *r = cfg_reply_new("virtual-network-functions-information");
	if (name && !(one = vnf_node(act, name)) &&
	    !(v->extra && v->extra(v->extra_ctx, cfg_reply_root(r), name) > 0)) {
		cfg_reply_free(r);
		return cfg_err_set("virtual network function %s does not exist", name);
	}
	if (one) {
		vnf_info(v, cfg_reply_root(r), one, true, vw.detail);
	} else if (!name) {
		for (struct cfg_node *n = vnfs_first(act); n; n = n->next)
			if (n->value && !(n->flags & CFG_N_INACTIVE))
				vnf_info(v, cfg_reply_root(r), n, false, false);
		if (v->extra)
			v->extra(v->extra_ctx, cfg_reply_root(r), NULL);
	}
	return cfg_reply_emit(r, &c->disp, c->out, vnfs_text, &vw);
}

void jdm_vnf_set_extra_rows(struct jdm_vnf *v, jdm_vnf_extra_fn fn, void *ctx)
{
	v->extra = fn;
	v->extra_ctx = ctx;
}

static int request_vnf(struct cfg_cmd *c, const char *what)
{
	struct jdm_vnf *v = c->ctx;
	const char *name = cmd_name(c);
	struct cfg_node *n = name ? vnf_node(cfg_daemon_active(c->d), name) : NULL;
	if (!n) {
		return cfg_err_set("virtual network function %s does not exist", name ? name : "");
	}
	if (ensure_virt(v) < 0) {
		return -1; /* cfg_err says why */
	}
	virDomainPtr d = lookup(v, name);
	if (!d) {
		return cfg_err_set("%s is not defined in the hypervisor", name);
	}
	pthread_mutex_lock(&v->mu);
	rt_get(v, name);
	pthread_mutex_unlock(&v->mu);
	int rc = 0;
	if (!strcmp(what, "console")) {
		if (!dom_active(d)) {
			rc = cfg_err_set("VNF %s is not running", name);
		} else {
#ifdef HAVE_CONSOLE
			rc = jdm_console_start(c, v->virt, d, name); /* cfg_err says why */
#else
			rc = cfg_err_set("the console is not available in this build");
#endif
		}
		virDomainFree(d);
		return rc;
	}
	if (!strcmp(what, "stop") || !strcmp(what, "restart")) {
		if (!dom_active(d) && !strcmp(what, "stop")) {
			cfg_buf_printf(c->out, "%s is not running\n", name);
		} else {
			stop_dom(v, d, name);
			if (!strcmp(what, "stop"))
				cfg_buf_printf(c->out, "%s stopped\n", name);
		}
	}
	if (!strcmp(what, "start") || !strcmp(what, "restart")) {
		if (dom_active(d)) {
			cfg_buf_printf(c->out, "%s is already running\n", name);
		} else if (prepare_start(v, n) < 0) {
			rc = cfg_err_set("cannot start %s: %s", name, cfg_err_msg());
		} else if (start_dom(v, d, name) < 0) {
			rc = cfg_err_set("cannot start %s: %s", name, jdm_virt_error());
		} else {
			cfg_buf_printf(c->out, "%s %s\n", name, !strcmp(what, "start") ? "started" : "restarted");
		}
	}
	rt_observe(v, name, d); /* what the request did, now (its events follow) */
	virDomainFree(d);
	live_targets(v);
	return rc;
}

static int request_vnf_start(struct cfg_cmd *c) { return request_vnf(c, "start"); }
static int request_vnf_stop(struct cfg_cmd *c) { return request_vnf(c, "stop"); }
static int request_vnf_restart(struct cfg_cmd *c) { return request_vnf(c, "restart"); }
static int request_vnf_console(struct cfg_cmd *c) { return request_vnf(c, "console"); }

int jdm_vnf_internal_addr(struct jdm_vnf *v, const char *name, char *ip, size_t n)
{
	if (v->none || !vnf_node(cfg_daemon_active(v->d), name))
		return 0;
	struct vnf_rt rs, *r = rt_copy(v, name, true, &rs);
	if (!r || !r->ip[0])
		return cfg_err_set("%s has no internal address", name);
	snprintf(ip, n, "%s", r->ip);
	return 1;
}

/* `show system visibility network`: <network-visibility-information>,
 * shown by jdm_intnet_render_visibility() (thesis Figure 25). */
static void visibility_network_text(struct cfg_buf *out, const struct cfg_reply *rep, void *arg)
{
	(void)arg;
	struct jdm_intnet_vnf vn[128];
	struct jdm_intnet_if ifs[128][8];
	size_t n = 0;
	for (const struct cfg_rel *e = cfg_rel_child(cfg_reply_root(rep), "vnf"); e && n < 128;
	     e = cfg_rel_next_same(e)) {
		vn[n] = (struct jdm_intnet_vnf){.name = cfg_rel_value(e, "vnf-name"),
		                                .ip = cfg_rel_str(e, "ip-address", "-")};
		size_t k = 0;
		for (const struct cfg_rel *f = cfg_rel_child(e, "interface"); f && k < 8; f = cfg_rel_next_same(f))
			ifs[n][k++] = (struct jdm_intnet_if){cfg_rel_value(f, "device"), cfg_rel_value(f, "type"),
			                                     cfg_rel_value(f, "source"), cfg_rel_value(f, "model"),
			                                     cfg_rel_value(f, "mac-address")};
		vn[n].ifs = k ? ifs[n] : NULL;
		vn[n].n_ifs = k;
		n++;
	}
	jdm_intnet_render_visibility(out, vn, n);
	jdm_hostos_visibility_text(out, rep);
	jdm_sriov_visibility_text(out, rep);
}

static void if_el(struct cfg_rel *p, const char *dev, const char *source, const char *mac)
{
	struct cfg_rel *f = cfg_rel_add(p, "interface");
	cfg_rel_leaf(f, "device", dev);
	cfg_rel_leaf(f, "type", "bridge");
	cfg_rel_leaf(f, "source", source);
	cfg_rel_leaf(f, "model", "virtio");
	cfg_rel_leaf(f, "mac-address", mac);
}

static int show_visibility_network(struct cfg_cmd *c)
{
	struct jdm_vnf *v = c->ctx;
	const struct cfg_tree *act = cfg_daemon_active(c->d);
	struct cfg_reply *rep = cfg_reply_new("network-visibility-information");
	size_t n = 0;
	for (struct cfg_node *node = vnfs_first(act); node && n < 128; node = node->next) {
		if (!node->value || (node->flags & CFG_N_INACTIVE))
			continue;
		struct vnf_rt rs, *r = v->none ? NULL : rt_copy(v, node->value, true, &rs);
		struct cfg_rel *e = cfg_rel_add(cfg_reply_root(rep), "vnf");
		cfg_rel_leaf(e, "vnf-name", node->value);
		if (r)
			cfg_rel_leaf(e, "ip-address", r->ip);
		if (r && !cfg_node_child(node, "no-default-interfaces", NULL, CFG_AT_ACTIVE)) {
			char want[64], tap[32];
			snprintf(want, sizeof want, "%s_eth0", node->value);
			jdm_domain_ifname(want, tap);
			if_el(e, tap, "virbr0", r->mac0);
			snprintf(want, sizeof want, "%s_eth1", node->value);
			jdm_domain_ifname(want, tap);
			if_el(e, tap, "eth0br", r->mac1);
		}
		jdm_hostos_visibility(act, node, e);
		n++;
	}
	if (v->sriov)
		jdm_sriov_visibility(v->sriov, cfg_reply_root(rep));
	return cfg_reply_emit(rep, &c->disp, c->out, visibility_network_text, NULL);
}

static unsigned long meminfo(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	unsigned long val = 0;
	size_t kl = strlen(key);
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, key, kl) && line[kl] == ':')
			val = strtoul(line + kl + 1, NULL, 10);
	if (f)
		fclose(f);
	return val;
}

/* `show system visibility cpu`: <cpu-visibility-information> */
static void visibility_cpu_text(struct cfg_buf *out, const struct cfg_reply *rep, void *arg)
{
	(void)arg;
	const struct cfg_rel *root = cfg_reply_root(rep);
	cfg_buf_puts(out, "CPU Information\n---------------\n");
	cfg_buf_printf(out, "%-20s%s\n", "Host CPUs:", cfg_rel_str(root, "host-cpus", ""));
	cfg_buf_printf(out, "%-20s%s\n\n", "Accelerator:", cfg_rel_str(root, "accelerator", ""));
	cfg_buf_printf(out, "%-20s %-6s %s\n", "VNF", "vCPUs", "Pinning (vCPU:CPU)");
	cfg_buf_puts(out, "-------------------- ------ ------------------\n");
	for (const struct cfg_rel *e = cfg_rel_child(root, "vnf"); e; e = cfg_rel_next_same(e)) {
		struct cfg_buf pin = {0};
		for (const struct cfg_rel *p = cfg_rel_child(e, "pinning"); p; p = cfg_rel_next_same(p))
			cfg_buf_printf(&pin, "%s%s:%s", pin.len ? " " : "", cfg_rel_str(p, "virtual-cpu", ""),
			               cfg_rel_str(p, "physical-cpu", ""));
		cfg_buf_printf(out, "%-20s %-6s %s\n", cfg_rel_str(e, "vnf-name", ""), cfg_rel_str(e, "vcpus", ""),
		               pin.len ? pin.p : "-");
		cfg_buf_free(&pin);
	}
}

static int show_visibility_cpu(struct cfg_cmd *c)
{
	struct cfg_reply *rep = cfg_reply_new("cpu-visibility-information");
	struct cfg_rel *root = cfg_reply_root(rep);
	cfg_rel_leaff(root, "host-cpus", "%ld", sysconf(_SC_NPROCESSORS_ONLN));
	cfg_rel_leaf(root, "accelerator", accel_of(cfg_daemon_active(c->d)));
	for (struct cfg_node *n = vnfs_first(cfg_daemon_active(c->d)); n; n = n->next) {
		if (!n->value || (n->flags & CFG_N_INACTIVE))
			continue;
		struct cfg_node *cpu = cfg_node_child(n, "virtual-cpu", NULL, CFG_AT_ACTIVE);
		const char *cnt = cfg_node_value(cpu, "count", CFG_AT_ACTIVE);
		struct cfg_rel *e = cfg_rel_add(root, "vnf");
		cfg_rel_leaf(e, "vnf-name", n->value);
		cfg_rel_leaf(e, "vcpus", cnt ? cnt : "1");
		for (struct cfg_node *p = cpu ? cpu->child : NULL; p; p = p->next)
			if (p->schema->kind == CFG_LIST && cfg_node_value(p, "physical-cpu", CFG_AT_ACTIVE)) {
				struct cfg_rel *pe = cfg_rel_add(e, "pinning");
				cfg_rel_leaf(pe, "virtual-cpu", p->value);
				cfg_rel_leaf(pe, "physical-cpu", cfg_node_value(p, "physical-cpu", CFG_AT_ACTIVE));
			}
	}
	return cfg_reply_emit(rep, &c->disp, c->out, visibility_cpu_text, NULL);
}

/* `show system visibility memory`: <memory-visibility-information> */
static void visibility_memory_text(struct cfg_buf *out, const struct cfg_reply *rep, void *arg)
{
	(void)arg;
	const struct cfg_rel *root = cfg_reply_root(rep);
	cfg_buf_puts(out, "Memory Information\n------------------\n");
	cfg_buf_printf(out, "%-20s%s KiB\n", "Host Memory:", cfg_rel_str(root, "host-memory", "0"));
	cfg_buf_printf(out, "%-20s%s KiB\n", "Available Memory:", cfg_rel_str(root, "available-memory", "0"));
	for (const struct cfg_rel *p = cfg_rel_child(root, "hugepage-pool"); p; p = cfg_rel_next_same(p))
		cfg_buf_printf(out, "Hugepages %-9s %s total, %s free\n",
		               !strcmp(cfg_rel_str(p, "page-size", ""), "2048") ? "2 MiB:" : "1 GiB:",
		               cfg_rel_str(p, "total", ""), cfg_rel_str(p, "free", ""));
	cfg_buf_printf(out, "\n%-20s %-14s %s\n", "VNF", "Memory (KiB)", "Hugepages");
	cfg_buf_puts(out, "-------------------- -------------- ---------\n");
	for (const struct cfg_rel *e = cfg_rel_child(root, "vnf"); e; e = cfg_rel_next_same(e))
		cfg_buf_printf(out, "%-20s %-14s %s\n", cfg_rel_str(e, "vnf-name", ""),
		               cfg_rel_str(e, "memory-size", ""), cfg_rel_str(e, "hugepages", ""));
}

static int show_visibility_memory(struct cfg_cmd *c)
{
	struct jdm_vnf *v = c->ctx;
	struct cfg_reply *rep = cfg_reply_new("memory-visibility-information");
	struct cfg_rel *root = cfg_reply_root(rep);
	cfg_rel_leaff(root, "host-memory", "%lu", meminfo("MemTotal"));
	cfg_rel_leaff(root, "available-memory", "%lu", meminfo("MemAvailable"));
	unsigned sizes[2] = {2048, 1048576};
	for (int i = 0; i < 2; i++) {
		struct jdm_huge_pool p;
		if (jdm_huge_read(v->sysfs_root, sizes[i], &p) == 0) {
			struct cfg_rel *e = cfg_rel_add(root, "hugepage-pool");
			cfg_rel_leaff(e, "page-size", "%u", sizes[i]);
			cfg_rel_leaff(e, "total", "%lu", p.total);
			cfg_rel_leaff(e, "free", "%lu", p.free);
		}
	}
	for (struct cfg_node *n = vnfs_first(cfg_daemon_active(c->d)); n; n = n->next) {
		if (!n->value || (n->flags & CFG_N_INACTIVE))
			continue;
		struct cfg_node *mem = cfg_node_child(n, "memory", NULL, CFG_AT_ACTIVE);
		const char *sz = cfg_node_value(mem, "size", CFG_AT_ACTIVE);
		struct cfg_node *hp = cfg_node_child(cfg_node_child(mem, "features", NULL, CFG_AT_ACTIVE), "hugepages", NULL,
		                                     CFG_AT_ACTIVE);
		const char *ps = cfg_node_value(hp, "page-size", CFG_AT_ACTIVE);
		struct cfg_rel *e = cfg_rel_add(root, "vnf");
		cfg_rel_leaf(e, "vnf-name", n->value);
		cfg_rel_leaf(e, "memory-size", sz ? sz : "1048576");
		cfg_rel_leaf(e, "hugepages", hp ? (ps && !strcmp(ps, "1024") ? "1 GiB" : "2 MiB") : "no");
	}
	return cfg_reply_emit(rep, &c->disp, c->out, visibility_memory_text, NULL);
}

/* `show system inventory`: <system-inventory-information> */
/* What confines QEMU (known once the hypervisor is open) as a
 * <qemu-confinement> of the inventory reply. */
static void confinement_info(struct jdm_vnf *v, struct cfg_rel *e)
{
	struct cfg_rel *q = cfg_rel_add(e, "qemu-confinement");
	if (ensure_virt(v) < 0) {
		cfg_rel_leaf(q, "error", cfg_err_msg());
		return;
	}
	pthread_mutex_lock(&v->virt_mu);
	const struct jdm_virt_confinement *k = v->virt ? jdm_virt_confinement(v->virt) : NULL;
	if (k) {
		cfg_rel_leaf(q, "qemu-user", k->user);
		if (k->user_why[0])
			cfg_rel_leaf(q, "qemu-user-reason", k->user_why);
		cfg_rel_leaf(q, "dynamic-ownership", k->dynamic_ownership ? "yes" : "no");
		if (!strncmp(v->uri, "qemu:///embed", 13)) {
			cfg_rel_leaf(q, "namespaces", k->mount_ns ? "mount" : "none");
			if (!k->mount_ns)
				cfg_rel_leaf(q, "namespaces-reason", k->ns_why);
			cfg_rel_leaf(q, "cgroups", k->n_cgroups ? k->cgroups : "none");
			if (k->cg_why[0])
				cfg_rel_leaf(q, "cgroups-reason", k->cg_why);
		} else {
			cfg_rel_leaf(q, "namespaces", "daemon");
			cfg_rel_leaf(q, "namespaces-reason", k->ns_why);
			cfg_rel_leaf(q, "cgroups", "daemon");
			cfg_rel_leaf(q, "cgroups-reason", k->cg_why);
		}
		if (k->kvm_dev[0])
			cfg_rel_leaf(q, "kvm-device", k->kvm_dev);
		if (k->reached[0])
			cfg_rel_leaf(q, "search-granted", k->reached);
	}
	pthread_mutex_unlock(&v->virt_mu);
}

static void inventory_text_base(struct cfg_buf *out, const struct cfg_reply *rep);

static void inventory_text(struct cfg_buf *out, const struct cfg_reply *rep, void *arg)
{
	(void)arg;
	inventory_text_base(out, rep);
	jdm_sriov_inventory_text(out, rep);
}

static void inventory_text_base(struct cfg_buf *out, const struct cfg_reply *rep)
{
	const struct cfg_rel *e = cfg_reply_root(rep);
	cfg_buf_puts(out, "System Inventory\n----------------\n");
	cfg_buf_printf(out, "%-20s%s\n", "Platform:", cfg_rel_str(e, "platform", ""));
	cfg_buf_printf(out, "%-20s%s\n", "CPU:", cfg_rel_str(e, "cpu-model", ""));
	cfg_buf_printf(out, "%-20s%s\n", "CPU cores:", cfg_rel_str(e, "cpu-cores", ""));
	cfg_buf_printf(out, "%-20s%s KiB\n", "Memory:", cfg_rel_str(e, "memory", ""));
	cfg_buf_printf(out, "%-20s%s (%s)\n", "KVM:", cfg_rel_str(e, "kvm-usable", ""),
	               cfg_rel_str(e, "kvm-reason", ""));
	cfg_buf_printf(out, "%-20s%s\n", "VNFs configured:", cfg_rel_str(e, "vnfs-configured", ""));
	cfg_buf_printf(out, "%-20s%s\n", "Hypervisor:", cfg_rel_str(e, "hypervisor", ""));
	const struct cfg_rel *q = cfg_rel_child(e, "qemu-confinement");
	if (!q)
		return;
	if (cfg_rel_child(q, "error")) {
		cfg_buf_printf(out, "%-20s%s\n", "QEMU confinement:", cfg_rel_str(q, "error", ""));
		return;
	}
	if (!cfg_rel_child(q, "qemu-user"))
		return;
	const char *uw = cfg_rel_str(q, "qemu-user-reason", "");
	cfg_buf_printf(out, "%-20s%s%s%s%s\n", "QEMU user:", cfg_rel_str(q, "qemu-user", ""), *uw ? " (" : "",
	               uw, *uw ? ")" : "");
	cfg_buf_printf(out, "%-20s%s\n", "Dynamic ownership:",
	               !strcmp(cfg_rel_str(q, "dynamic-ownership", ""), "yes")
	                   ? "yes (disks, config-data disk, console log, hugepage directories chowned to "
	                     "QEMU's user while it runs)"
	                   : "no");
	const char *ns = cfg_rel_str(q, "namespaces", ""), *nw = cfg_rel_str(q, "namespaces-reason", "");
	const char *cg = cfg_rel_str(q, "cgroups", ""), *cw = cfg_rel_str(q, "cgroups-reason", "");
	if (!strcmp(ns, "daemon")) {
		cfg_buf_printf(out, "%-20sas %s sets them\n", "Namespaces:", nw);
		cfg_buf_printf(out, "%-20sas %s sets them\n", "Cgroups:", cw);
	} else {
		if (!strcmp(ns, "none"))
			cfg_buf_printf(out, "%-20snone (%s)\n", "Namespaces:", nw);
		else
			cfg_buf_printf(out, "%-20s%s\n", "Namespaces:", ns);
		if (!strcmp(cg, "none"))
			cfg_buf_printf(out, "%-20snone (%s)\n", "Cgroups:", cw);
		else
			cfg_buf_printf(out, "%-20s%s%s%s%s\n", "Cgroups:", cg, *cw ? " (not: " : "", cw, *cw ? ")" : "");
	}
	if (cfg_rel_child(q, "kvm-device"))
		cfg_buf_printf(out, "%-20s%s\n", "KVM device:", cfg_rel_str(q, "kvm-device", ""));
	if (cfg_rel_child(q, "search-granted"))
		cfg_buf_printf(out, "%-20s%s (ACL search entries for QEMU's user)\n", "Search granted:",
		               cfg_rel_str(q, "search-granted", ""));
}

static int show_inventory(struct cfg_cmd *c)
{
	char model[256] = "unknown";
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "model name", 10)) {
			char *colon = strchr(line, ':');
			if (colon) {
				snprintf(model, sizeof model, "%s", colon + 2);
				model[strcspn(model, "\n")] = '\0';
			}
			break;
		}
	if (f)
		fclose(f);
	size_t nv = 0;
	for (struct cfg_node *n = vnfs_first(cfg_daemon_active(c->d)); n; n = n->next)
		nv += n->value != NULL;
	struct jdm_vnf *v = c->ctx;
	const char *why;
	bool kvm = jdm_kvm_usable(&why);
	struct cfg_reply *rep = cfg_reply_new("system-inventory-information");
	struct cfg_rel *e = cfg_reply_root(rep);
	cfg_rel_leaf(e, "platform", "nfx (NFX250-style branch appliance)");
	cfg_rel_leaf(e, "cpu-model", model);
	cfg_rel_leaff(e, "cpu-cores", "%ld", sysconf(_SC_NPROCESSORS_ONLN));
	cfg_rel_leaff(e, "memory", "%lu", meminfo("MemTotal"));
	cfg_rel_leaf(e, "kvm-usable", kvm ? "yes" : "no");
	cfg_rel_leaf(e, "kvm-reason", why);
	cfg_rel_leaff(e, "vnfs-configured", "%zu", nv);
	cfg_rel_leaf(e, "hypervisor", v->none ? "none" : v->uri);
	if (!v->none)
		confinement_info(v, e);
	if (v->sriov)
		jdm_sriov_inventory(v->sriov, e);
	return cfg_reply_emit(rep, &c->disp, c->out, inventory_text, NULL);
}

/* `show vnf-images`: <vnf-image-information> (vnfimg_list_reply), shown
 * by vnfimg_list_text(). */
static void vnf_images_text(struct cfg_buf *out, const struct cfg_reply *rep, void *arg)
{
	(void)arg;
	vnfimg_list_text(out, rep);
}

static int show_vnf_images(struct cfg_cmd *c)
{
	const struct jdm_vnf *v = c->ctx;
	struct cfg_reply *rep = cfg_reply_new("vnf-image-information");
	if (vnfimg_list_reply(v->image_dir, cfg_reply_root(rep)) < 0) {
		cfg_reply_free(rep);
		return -1; /* cfg_err says why */
	}
	return cfg_reply_emit(rep, &c->disp, c->out, vnf_images_text, NULL);
}

/* ------------------------------------------------------------- lifecycle */

struct jdm_vnf *jdm_vnf_new(struct cfg_daemon *d, const struct jdm_vnf_opts *o)
{
	struct jdm_vnf *v = calloc(1, sizeof *v);
	if (!v)
		abort();
	v->d = d;
	v->loop = pthread_self();
	pthread_mutex_init(&v->mu, NULL);
	pthread_mutex_init(&v->net_mu, NULL);
	pthread_mutex_init(&v->virt_mu, NULL);
	v->cb_id = -1;
	v->state_dir = xstrdup(cfg_daemon_state_dir(d));
	/* DIR or DIR:DIR:... (the first is the one `show vnf-images` lists) */
	char *dirs = xstrdup(o && o->image_dir && *o->image_dir ? o->image_dir : DEFAULT_IMAGE_DIR);
	char *save = NULL;
	for (char *t = strtok_r(dirs, ":", &save); t && v->n_image_dirs < MAX_IMAGE_DIRS;
	     t = strtok_r(NULL, ":", &save))
		v->image_dirs[v->n_image_dirs++] = xstrdup(t);
	free(dirs);
	if (!v->n_image_dirs)
		v->image_dirs[v->n_image_dirs++] = xstrdup(DEFAULT_IMAGE_DIR);
	v->image_dir = xstrdup(v->image_dirs[0]);
	v->sysfs_root = xstrdup(o && o->sysfs_root ? o->sysfs_root : "/");
	v->sriov = o ? o->sriov : NULL;
	const char *uri = o ? o->uri : NULL;
	if (uri && !strcmp(uri, "none")) {
		v->none = true;
		v->uri = xstrdup("none");
	} else if (uri && *uri) {
		v->uri = xstrdup(uri);
	} else {
		char buf[PATH_MAX + 64];
		pathf(buf, sizeof buf, "qemu:///embed?root=%s/libvirt", v->state_dir);
		v->uri = xstrdup(buf);
	}
	if (!v->none) {
		v->live = jdm_live_new();
		if (v->live)
			cfg_daemon_watch(d, jdm_live_fd(v->live), POLLIN, live_readable, v);
	}
	cfg_daemon_register_ctx(d, "show_vnfs", show_vnfs, v);
	cfg_daemon_register_ctx(d, "request_vnf_start", request_vnf_start, v);
	cfg_daemon_register_ctx(d, "request_vnf_stop", request_vnf_stop, v);
	cfg_daemon_register_ctx(d, "request_vnf_restart", request_vnf_restart, v);
	cfg_daemon_register_ctx(d, "request_vnf_console", request_vnf_console, v);
	cfg_daemon_register_ctx(d, "show_visibility_network", show_visibility_network, v);
	cfg_daemon_register_ctx(d, "show_visibility_cpu", show_visibility_cpu, v);
	cfg_daemon_register_ctx(d, "show_visibility_memory", show_visibility_memory, v);
	cfg_daemon_register_ctx(d, "show_inventory", show_inventory, v);
	cfg_daemon_register_ctx(d, "show_vnf_images", show_vnf_images, v);
	jdm_sshcmd_register(d, v);
	return v;
}

void jdm_vnf_free(struct jdm_vnf *v)
{
	if (!v)
		return;
	if (v->virt) {
		if (v->cb_id >= 0)
			virConnectDomainEventDeregisterAny(jdm_virt_conn(v->virt), v->cb_id);
		v->closing = true;
		jdm_virt_dispatch(v->virt); /* what is still posted (events dropped) */
		if (v->watched)
			cfg_daemon_unwatch(v->d, jdm_virt_fd(v->virt));
		jdm_virt_close(v->virt);
	}
	if (v->live)
		cfg_daemon_unwatch(v->d, jdm_live_fd(v->live));
	jdm_live_free(v->live);
	jdm_intnet_free(v->net);
	for (size_t i = 0; i < v->nrt; i++)
		rt_free(v->rt[i]);
	free(v->rt);
	free(v->state_dir);
	free(v->image_dir);
	for (size_t i = 0; i < v->n_image_dirs; i++)
		free(v->image_dirs[i]);
	free(v->sysfs_root);
	free(v->uri);
	pthread_mutex_destroy(&v->mu);
	pthread_mutex_destroy(&v->net_mu);
	pthread_mutex_destroy(&v->virt_mu);
	free(v);
}

bool jdm_vnf_config_only(const struct jdm_vnf *v) { return v->none; }
const char *jdm_vnf_sysfs_root(const struct jdm_vnf *v) { return v->sysfs_root; }

int jdm_vnf_stop_all(struct jdm_vnf *v)
{
	if (!v || v->none)
		return 0;
	const struct cfg_tree *act = cfg_daemon_active(v->d);
	if (!vnfs_first(act))
		return 0;
	if (ensure_virt(v) < 0)
		return -1; /* cfg_err says why */
	for (struct cfg_node *n = vnfs_first(act); n; n = n->next) {
		if (!n->value)
			continue;
		virDomainPtr d = lookup(v, n->value);
		if (!d)
			continue;
		stop_dom(v, d, n->value);
		virDomainFree(d);
	}
	return 0;
}
