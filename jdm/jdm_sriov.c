/* jdm_sriov — the "sriov" row of jdmd: VNF interfaces mapped to SR-IOV
 * virtual functions of hsxe0/hsxe1; see jdm_sriov.h. */
#include "jdm_sriov.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg_commit.h"
#include "cfg_diff.h"
#include "cfg_err.h"
#include "cfg_store.h"
#include "cfg_tree.h"
#include "nfx_platform.h"
#include "sriov_alloc.h"
#include "sriov_nl.h"
#include "sriov_sysfs.h"

const char *const jdm_sriov_owns[] = {"virtual-network-functions", NULL};

#define N_PF 2
static const char *const pf_names[N_PF] = {"hsxe0", "hsxe1"};
/* the JCP port each PF faces (the cable inside the box) */
static const char *const pf_jcp[N_PF] = {"sxe-0/0/0", "sxe-0/0/1"};
#define MAX_WANT 1024

struct jdm_sriov {
	struct cfg_daemon *d;
	char *sysfs_root, *platform;
	bool realise;
	pthread_mutex_t mu;           /* TAB, PREV, LOADED */
	struct sriov_alloc *tab;      /* what is held now (= the store) */
	struct sriov_alloc *prev;     /* the table before the last apply (undo) */
	bool loaded;                  /* TAB was read from the store */
	struct jdm_sriov_emu_ops emu;
	void *emu_ctx;
};

/* What is known of one PF. */
struct pfinfo {
	bool declared;                /* the platform file has its line */
	bool known;                   /* PF was read (real: from sysfs) */
	char err[300];                /* why not, when declared and not known */
	struct sriov_pf pf;
};

static char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");
	if (!d)
		abort();
	return d;
}

struct jdm_sriov *jdm_sriov_new(struct cfg_daemon *d, const struct jdm_sriov_opts *o)
{
	struct jdm_sriov *s = calloc(1, sizeof *s);
	if (!s)
		abort();
	s->d = d;
	s->sysfs_root = xstrdup(o && o->sysfs_root ? o->sysfs_root : "/");
	if (o && o->platform) {
		s->platform = xstrdup(o->platform);
	} else {
		char p[PATH_MAX];
		snprintf(p, sizeof p, "%s/platform.conf", d ? cfg_daemon_state_dir(d) : ".");
		s->platform = xstrdup(p);
	}
	s->realise = o && o->realise;
	pthread_mutex_init(&s->mu, NULL);
	s->tab = sriov_alloc_new();
	return s;
}

void jdm_sriov_free(struct jdm_sriov *s)
{
	if (!s)
		return;
	sriov_alloc_free(s->tab);
	sriov_alloc_free(s->prev);
	pthread_mutex_destroy(&s->mu);
	free(s->sysfs_root);
	free(s->platform);
	free(s);
}

void jdm_sriov_set_emu(struct jdm_sriov *s, const struct jdm_sriov_emu_ops *ops, void *ctx)
{
	pthread_mutex_lock(&s->mu);
	if (ops)
		s->emu = *ops;
	else
		memset(&s->emu, 0, sizeof s->emu);
	s->emu_ctx = ctx;
	pthread_mutex_unlock(&s->mu);
}

static int pf_index(const char *name)
{
	for (int i = 0; i < N_PF; i++)
		if (!strcmp(pf_names[i], name))
			return i;
	return -1;
}

/* The PFs as the platform file (and, with HOST, sysfs) say. */
static void load_pfs(const struct jdm_sriov *s, struct pfinfo pi[N_PF], bool host)
{
	memset(pi, 0, N_PF * sizeof *pi);
	/* no file, or one without ports (the package's commented template):
	   the built-in default table, as jcpd does */
	struct nfx_platform *p = access(s->platform, F_OK) == 0 ? nfx_platform_load(s->platform) : NULL;
	const char *src = s->platform;
	if ((!p && access(s->platform, F_OK) != 0) || (p && nfx_platform_count(p) == 0)) {
		nfx_platform_free(p);
		const char *def = nfx_platform_default_text();
		p = nfx_platform_parse(def, strlen(def), "default platform");
		src = "the default platform";
	}
	for (int i = 0; i < N_PF; i++) {
		const struct nfx_platform_port *port = p ? nfx_platform_find(p, pf_names[i]) : NULL;
		if (!port) {
			snprintf(pi[i].err, sizeof pi[i].err, "PF %s is not in the platform file (%s)",
			         pf_names[i], p ? src : cfg_err_msg());
			continue;
		}
		pi[i].declared = true;
		const char *mode = nfx_platform_get(port, "vf-mode");
		if (mode && !strcmp(mode, "emulated")) {
			const char *n = nfx_platform_get(port, "vfs");
			char *end = NULL;
			long cnt = n ? strtol(n, &end, 10) : 0;
			if (!n || *end || sriov_pf_emulated(pf_names[i], (unsigned)(cnt > 0 ? cnt : 0),
			                                    &pi[i].pf) < 0)
				snprintf(pi[i].err, sizeof pi[i].err,
				         "PF %s: emulated virtual functions need `vfs N` (1 to %d) in the "
				         "platform file",
				         pf_names[i], SRIOV_MAX_VFS);
			else
				pi[i].known = true;
			if (pi[i].known)
				snprintf(pi[i].pf.netdev, sizeof pi[i].pf.netdev, "%s", port->ifname);
			continue;
		}
		if (mode && strcmp(mode, "sriov")) {
			snprintf(pi[i].err, sizeof pi[i].err,
			         "PF %s: vf-mode '%s' in the platform file (sriov or emulated)", pf_names[i],
			         mode);
			continue;
		}
		if (!host)
			continue; /* configuration only: the host is not looked at */
		const char *dev = nfx_platform_get(port, "pci");
		if (sriov_pf_read(s->sysfs_root, pf_names[i], dev ? dev : port->ifname, &pi[i].pf) < 0)
			snprintf(pi[i].err, sizeof pi[i].err, "%s", cfg_err_msg());
		else
			pi[i].known = true;
	}
	nfx_platform_free(p);
}

/* ------------------------------------------------------ the mappings */

struct want {
	const struct cfg_node *vfn;   /* the virtual-function node */
	const char *vnf, *ifname;
	int pfi;                      /* index in pf_names */
	int vlan;                     /* 0: none */
};

static const struct cfg_node *vf_node_of(const struct cfg_node *ifn, int pfi)
{
	const struct cfg_node *m = cfg_node_child(ifn, "mapping", NULL, CFG_AT_ACTIVE);
	return cfg_node_child(cfg_node_child(m, pf_names[pfi], NULL, CFG_AT_ACTIVE), "virtual-function",
	                      NULL, CFG_AT_ACTIVE);
}

/* Every VF mapping of T's active VNFs, in display order, into W (at most
 * MAX_WANT). With FS, the findings of the mappings themselves. */
static size_t collect(const struct cfg_tree *t, struct want *w, struct cfg_findings *fs)
{
	size_t n = 0;
	struct cfg_node *vnfs = cfg_tree_at(t, NULL, "virtual-network-functions", CFG_AT_ACTIVE);
	for (struct cfg_node *v = cfg_node_child(vnfs, "vnf", NULL, CFG_AT_ACTIVE); v;
	     v = cfg_node_next_same(v, CFG_AT_ACTIVE)) {
		struct cfg_node *ifs = cfg_node_child(v, "interfaces", NULL, CFG_AT_ACTIVE);
		bool deflt = !cfg_node_child(v, "no-default-interfaces", NULL, CFG_AT_ACTIVE);
		for (struct cfg_node *i = cfg_node_child(ifs, "interface", NULL, CFG_AT_ACTIVE); i;
		     i = cfg_node_next_same(i, CFG_AT_ACTIVE)) {
			const struct cfg_node *vf[N_PF];
			int nvf = 0, first = -1;
			for (int k = 0; k < N_PF; k++)
				if ((vf[k] = vf_node_of(i, k)) && nvf++ == 0)
					first = k;
			if (first < 0)
				continue;
			const struct cfg_node *at = vf[first];
			if (fs && nvf > 1)
				cfg_findings_add(fs, at, NULL,
				                 "interface %s is mapped to virtual functions of both hsxe0 "
				                 "and hsxe1: a VF is claimed once, on one PF",
				                 i->value);
			/* a VF and `mapping vlan` on one interface: the host-os switch
			   row refuses it (jdm_vswcfg), not said twice here */
			if (fs && deflt && (!strcmp(i->value, "eth0") || !strcmp(i->value, "eth1")))
				cfg_findings_add(fs, at, NULL,
				                 "%s is an internal interface of the VNF; data interfaces "
				                 "(virtual functions) start at eth2",
				                 i->value);
			const char *vl = cfg_node_value(at, "vlan-id", CFG_AT_ACTIVE);
			long vlan = 0;
			if (vl) {
				char *end;
				vlan = strtol(vl, &end, 10);
				if (*end || vlan < 1 || vlan > 4094) {
					if (fs)
						cfg_findings_add(fs, at, "'vlan-id'",
						                 "vlan-id %s out of range (1 to 4094)", vl);
					vlan = 0;
				}
			}
			if (n < MAX_WANT)
				w[n++] = (struct want){.vfn = at, .vnf = v->value, .ifname = i->value,
				                       .pfi = first, .vlan = (int)vlan};
			else if (fs)
				cfg_findings_add(fs, at, NULL, "more than %d virtual functions", MAX_WANT);
		}
	}
	return n;
}

/* --------------------------------------------------------- commit check */

void jdm_sriov_validate(void *ctx, const struct cfg_tree *new_tree, const struct cfg_diff *diff,
                        struct cfg_findings *fs)
{
	(void)diff;
	struct jdm_sriov *s = ctx;
	struct want *w = calloc(MAX_WANT, sizeof *w);
	if (!w)
		abort();
	size_t before = fs->n;
	size_t n = collect(new_tree, w, fs);
	if (!n) {
		free(w);
		return;
	}
	struct pfinfo pi[N_PF];
	load_pfs(s, pi, s->realise);
	bool bad_pf[N_PF] = {false};
	for (size_t i = 0; i < n; i++) {
		struct pfinfo *p = &pi[w[i].pfi];
		if (p->known || (!s->realise && p->declared && !p->err[0]))
			continue;
		if (!s->realise && !p->declared)
			continue; /* configuration only, no platform: nothing to say */
		cfg_findings_add(fs, w[i].vfn, NULL, "%s", p->err);
		bad_pf[w[i].pfi] = true;
	}
	if (fs->n > before) {
		free(w);
		return;
	}
	/* the budget of the whole configuration: those holding a VF keep it */
	pthread_mutex_lock(&s->mu);
	if (!s->loaded) {
		if (sriov_alloc_load(s->tab, cfg_daemon_store(s->d)) == 0)
			s->loaded = true;
	}
	for (int k = 0; k < N_PF; k++) {
		if (!pi[k].known || bad_pf[k])
			continue;
		unsigned total = pi[k].pf.total_vfs, kept = 0, used = 0;
		for (size_t i = 0; i < n; i++) {
			const struct sriov_alloc_ent *e = sriov_alloc_find(s->tab, w[i].vnf, w[i].ifname);
			if (w[i].pfi == k && e && !strcmp(e->pf, pf_names[k]) && e->vf < total)
				kept++;
		}
		unsigned mapped = 0;
		for (size_t i = 0; i < n; i++)
			mapped += w[i].pfi == k;
		used = kept;
		for (size_t i = 0; i < n; i++) {
			if (w[i].pfi != k)
				continue;
			const struct sriov_alloc_ent *e = sriov_alloc_find(s->tab, w[i].vnf, w[i].ifname);
			if (e && !strcmp(e->pf, pf_names[k]) && e->vf < total)
				continue;
			if (used < total) {
				used++;
				continue;
			}
			cfg_findings_add(fs, w[i].vfn, NULL,
			                 "no free virtual function on PF %s%s: %u interfaces are mapped to "
			                 "it, it has %u",
			                 pf_names[k], pi[k].pf.emulated ? " (emulated)" : "", mapped, total);
		}
	}
	pthread_mutex_unlock(&s->mu);
	free(w);
}

/* ------------------------------------------------------------ apply */

/* The table T becomes for the configuration TREE: entries of interfaces
 * no longer mapped (or mapped to the other PF) go, the others are taken.
 * 0, or -1 with a finding (no free VF: validate was not asked). */
static int follow(struct sriov_alloc *t, const struct cfg_tree *tree, const struct pfinfo pi[N_PF],
                  struct cfg_findings *fs)
{
	struct want *w = calloc(MAX_WANT, sizeof *w);
	if (!w)
		abort();
	size_t n = tree ? collect(tree, w, NULL) : 0;
	for (size_t i = 0; i < sriov_alloc_count(t);) {
		const struct sriov_alloc_ent *e = sriov_alloc_at(t, i);
		bool keep = false;
		for (size_t j = 0; j < n && !keep; j++)
			keep = !strcmp(w[j].vnf, e->vnf) && !strcmp(w[j].ifname, e->ifname) &&
			       !strcmp(pf_names[w[j].pfi], e->pf) &&
			       (!pi[w[j].pfi].known || e->vf < pi[w[j].pfi].pf.total_vfs);
		if (keep) {
			i++;
			continue;
		}
		char vnf[sizeof e->vnf], ifn[sizeof e->ifname];
		snprintf(vnf, sizeof vnf, "%s", e->vnf);
		snprintf(ifn, sizeof ifn, "%s", e->ifname);
		sriov_alloc_release(t, vnf, ifn, NULL);
	}
	int rc = 0;
	for (size_t j = 0; j < n; j++) {
		const struct pfinfo *p = &pi[w[j].pfi];
		if (!p->known)
			continue; /* configuration only: nothing to allocate from */
		char seed[96], mac[18];
		snprintf(seed, sizeof seed, "%s %s", w[j].vnf, w[j].ifname);
		if (jdm_domain_mac(seed, mac) < 0)
			mac[0] = '\0';
		if (!sriov_alloc_take(t, pf_names[w[j].pfi], p->pf.total_vfs, w[j].vnf, w[j].ifname,
		                      mac[0] ? mac : NULL, w[j].vlan)) {
			cfg_findings_add(fs, w[j].vfn, NULL, "%s", cfg_err_msg());
			rc = -1;
		}
	}
	free(w);
	return rc;
}

static bool same_ent(const struct sriov_alloc_ent *a, const struct sriov_alloc_ent *b)
{
	return a && b && !strcmp(a->pf, b->pf) && a->vf == b->vf && !strcmp(a->vnf, b->vnf) &&
	       !strcmp(a->ifname, b->ifname) && !strcmp(a->mac, b->mac) && a->vlan == b->vlan;
}

static void emu_port(const struct sriov_alloc_ent *e, char out[48])
{
	char want[96];
	snprintf(want, sizeof want, "%s_%s", e->vnf, e->ifname);
	if (jdm_domain_ifname(want, out) < 0)
		snprintf(out, 48, "%s", "-");
}

/* The finding for entry E: under its mapping in TREE when it is there. */
static void finding(struct cfg_findings *fs, const struct cfg_tree *tree,
                    const struct sriov_alloc_ent *e, const char *msg)
{
	const char *words[] = {"virtual-network-functions", e->vnf, "interfaces", e->ifname,
	                       "mapping", e->pf, "virtual-function", NULL};
	const struct cfg_node *at = tree ? cfg_tree_atv(tree, NULL, words, 0) : NULL;
	if (at)
		cfg_findings_add(fs, at, NULL, "%s", msg);
	else
		cfg_findings_add_line(fs, "%s %s: %s", e->vnf, e->ifname, msg);
}

/* Make the host go from table OLD to table NEW (FORCE: set every VF of NEW
 * again). Findings under the mappings of TREE. Every step is tried; 0, or
 * -1 if any failed. Emulated VFs: the ports (S->emu). */
static int realise(struct jdm_sriov *s, const struct sriov_alloc *old, const struct sriov_alloc *new,
                   const struct pfinfo pi[N_PF], bool force, const struct cfg_tree *tree,
                   struct cfg_buf *out, struct cfg_findings *fs)
{
	int rc = 0;
	struct pfinfo cur[N_PF];
	memcpy(cur, pi, sizeof cur);
	/* freed (or moved) VFs first */
	for (size_t i = 0; i < sriov_alloc_count(old); i++) {
		const struct sriov_alloc_ent *e = sriov_alloc_at(old, i);
		const struct sriov_alloc_ent *h = sriov_alloc_holder(new, e->pf, e->vf);
		bool gone = !h || strcmp(h->vnf, e->vnf) || strcmp(h->ifname, e->ifname);
		int k = pf_index(e->pf);
		if (!gone || k < 0 || !cur[k].known)
			continue;
		if (cur[k].pf.emulated) {
			char port[48];
			emu_port(e, port);
			const struct sriov_alloc_ent *again = sriov_alloc_find(new, e->vnf, e->ifname);
			bool same_port = again && pf_index(again->pf) >= 0 &&
			                 cur[pf_index(again->pf)].pf.emulated;
			if (!same_port && s->emu.port_del && s->emu.port_del(s->emu_ctx, port) < 0) {
				finding(fs, tree, e, cfg_err_msg());
				rc = -1;
			}
		} else if (e->vf < cur[k].pf.num_vfs &&
		           sriov_nl_clear_vf(e->pf, cur[k].pf.netdev, e->vf) < 0) {
			finding(fs, tree, e, cfg_err_msg());
			rc = -1;
		}
		if (out)
			cfg_buf_printf(out, "%s %s: virtual function %u of %s%s freed\n", e->vnf, e->ifname,
			               e->vf, e->pf, cur[k].pf.emulated ? " (emulated)" : "");
	}
	/* enough VFs enabled on each real PF */
	for (int k = 0; k < N_PF; k++) {
		if (!cur[k].known || cur[k].pf.emulated)
			continue;
		unsigned hi = 0;
		sriov_alloc_used(new, pf_names[k], &hi);
		unsigned old_hi = 0;
		bool in_use = sriov_alloc_used(old, pf_names[k], &old_hi) > 0 && old_hi > 0;
		if (hi > cur[k].pf.num_vfs &&
		    sriov_pf_enable(s->sysfs_root, &cur[k].pf, hi, in_use) < 0) {
			cfg_findings_add_line(fs, "%s", cfg_err_msg());
			rc = -1;
		}
	}
	for (size_t i = 0; i < sriov_alloc_count(new); i++) {
		const struct sriov_alloc_ent *e = sriov_alloc_at(new, i);
		const struct sriov_alloc_ent *o = sriov_alloc_holder(old, e->pf, e->vf);
		int k = pf_index(e->pf);
		if (k < 0 || !cur[k].known || (!force && same_ent(e, o)))
			continue;
		if (cur[k].pf.emulated) {
			char port[48];
			emu_port(e, port);
			if (s->emu.port_add && s->emu.port_add(s->emu_ctx, port, e->vlan, e->pf) < 0) {
				finding(fs, tree, e, cfg_err_msg());
				rc = -1;
				continue;
			}
		} else {
			struct sriov_nl_vf c = {.vf = e->vf, .vlan = (unsigned)e->vlan, .spoofchk = true};
			if (e->vf >= cur[k].pf.num_vfs || sriov_nl_parse_mac(e->mac, c.mac) < 0 ||
			    sriov_nl_set_vf(e->pf, cur[k].pf.netdev, &c) < 0) {
				finding(fs, tree, e, e->vf >= cur[k].pf.num_vfs
				                         ? "the virtual function is not enabled"
				                         : cfg_err_msg());
				rc = -1;
				continue;
			}
		}
		if (out && !same_ent(e, o)) {
			if (e->vlan)
				cfg_buf_printf(out, "%s %s: virtual function %u of %s%s, VLAN %d\n", e->vnf,
				               e->ifname, e->vf, e->pf, cur[k].pf.emulated ? " (emulated)" : "",
				               e->vlan);
			else
				cfg_buf_printf(out, "%s %s: virtual function %u of %s%s\n", e->vnf, e->ifname,
				               e->vf, e->pf, cur[k].pf.emulated ? " (emulated)" : "");
		}
	}
	return rc;
}

/* Go to the table for TREE (the new configuration), realising it; keep
 * the table before in s->prev. FORCE: converge. */
static int go(struct jdm_sriov *s, const struct cfg_tree *tree, bool force, struct cfg_buf *out,
              struct cfg_findings *fs)
{
	struct pfinfo pi[N_PF];
	load_pfs(s, pi, s->realise);
	pthread_mutex_lock(&s->mu);
	struct cfg_store *st = cfg_daemon_store(s->d);
	if (!s->loaded || force) {
		if (sriov_alloc_load(s->tab, st) < 0) {
			pthread_mutex_unlock(&s->mu);
			cfg_findings_add_line(fs, "SR-IOV allocations: %s", cfg_err_msg());
			return -1;
		}
		s->loaded = true;
	}
	struct sriov_alloc *old = sriov_alloc_dup(s->tab);
	struct sriov_alloc *next = sriov_alloc_dup(s->tab);
	pthread_mutex_unlock(&s->mu);
	/* with the host not looked at, entries of real PFs are kept as they are */
	if (follow(next, tree, pi, fs) < 0) {
		sriov_alloc_free(old);
		sriov_alloc_free(next);
		return -1;
	}
	int rc = 0;
	if (s->realise && realise(s, force ? NULL : old, next, pi, force, tree, out, fs) < 0) {
		rc = -1;
		if (!force) {
			/* put back what was there: nothing half-applied */
			struct cfg_findings ignore = {0};
			realise(s, next, old, pi, false, tree, NULL, &ignore);
			cfg_findings_free(&ignore);
			/* VFs this apply enabled on a PF none of whose VFs is held */
			for (int k = 0; k < N_PF; k++) {
				struct sriov_pf now;
				if (!pi[k].known || pi[k].pf.emulated || pi[k].pf.num_vfs != 0 ||
				    sriov_alloc_used(old, pf_names[k], NULL) ||
				    sriov_pf_read(s->sysfs_root, pf_names[k],
				                  pi[k].pf.pci[0] ? pi[k].pf.pci : pi[k].pf.netdev, &now) < 0)
					continue;
				sriov_pf_disable(s->sysfs_root, &now);
			}
		}
	}
	if (force && s->realise && old) {
		/* converge: VFs the store held that the configuration does not */
		struct cfg_findings ignore = {0};
		struct sriov_alloc *none = sriov_alloc_new();
		for (size_t i = 0; i < sriov_alloc_count(old); i++) {
			const struct sriov_alloc_ent *e = sriov_alloc_at(old, i);
			if (!sriov_alloc_find(next, e->vnf, e->ifname)) {
				struct sriov_alloc *one = sriov_alloc_new();
				sriov_alloc_claim(one, e->pf, SRIOV_MAX_VFS, e->vf, e->vnf, e->ifname, e->mac,
				                  e->vlan);
				realise(s, one, none, pi, false, NULL, NULL, &ignore);
				sriov_alloc_free(one);
			}
		}
		sriov_alloc_free(none);
		cfg_findings_free(&ignore);
	}
	if (rc == 0 || force) {
		pthread_mutex_lock(&s->mu);
		char *a = sriov_alloc_text(s->tab), *b = sriov_alloc_text(next);
		bool changed = strcmp(a, b) != 0;
		free(a);
		free(b);
		if (changed && sriov_alloc_save(next, st) < 0) {
			cfg_findings_add_line(fs, "SR-IOV allocations not stored: %s", cfg_err_msg());
			rc = -1;
		}
		if (rc == 0 || force) {
			sriov_alloc_free(s->prev);
			s->prev = s->tab;
			s->tab = next;
			next = NULL;
		}
		pthread_mutex_unlock(&s->mu);
	}
	sriov_alloc_free(next);
	sriov_alloc_free(old);
	return rc;
}

int jdm_sriov_apply(void *ctx, const struct cfg_diff *diff, struct cfg_buf *out,
                    struct cfg_findings *fs)
{
	return go(ctx, cfg_diff_new_tree(diff), false, out, fs);
}

int jdm_sriov_undo(void *ctx, const struct cfg_diff *diff, struct cfg_buf *out,
                   struct cfg_findings *fs)
{
	(void)out;
	struct jdm_sriov *s = ctx;
	struct pfinfo pi[N_PF];
	load_pfs(s, pi, s->realise);
	pthread_mutex_lock(&s->mu);
	if (!s->prev) {
		pthread_mutex_unlock(&s->mu);
		return go(s, cfg_diff_old(diff), false, NULL, fs);
	}
	struct sriov_alloc *back = s->prev, *cur = s->tab;
	s->prev = NULL;
	pthread_mutex_unlock(&s->mu);
	int rc = 0;
	if (s->realise && realise(s, cur, back, pi, false, cfg_diff_old(diff), NULL, fs) < 0)
		rc = -1;
	pthread_mutex_lock(&s->mu);
	if (sriov_alloc_save(back, cfg_daemon_store(s->d)) < 0) {
		cfg_findings_add_line(fs, "SR-IOV allocations not stored: %s", cfg_err_msg());
		rc = -1;
	}
	s->tab = back;
	pthread_mutex_unlock(&s->mu);
	sriov_alloc_free(cur);
	return rc;
}

int jdm_sriov_converge(void *ctx, const struct cfg_tree *active, struct cfg_buf *out,
                       struct cfg_findings *fs)
{
	(void)out;
	return go(ctx, active, true, NULL, fs);
}

/* ------------------------------------------------------- the domain */

static long eth_num(const char *s);

int jdm_sriov_nic(struct jdm_sriov *s, const char *vnf, const struct cfg_node *ifn,
                  struct jdm_domain_nic *nic, struct jdm_sriov_nicbuf *buf)
{
	int pfi = -1;
	for (int k = 0; k < N_PF && pfi < 0; k++)
		if (vf_node_of(ifn, k))
			pfi = k;
	if (pfi < 0 || !ifn->value)
		return 0;
	pthread_mutex_lock(&s->mu);
	if (!s->loaded && sriov_alloc_load(s->tab, cfg_daemon_store(s->d)) == 0)
		s->loaded = true;
	const struct sriov_alloc_ent *e = sriov_alloc_find(s->tab, vnf, ifn->value);
	struct sriov_alloc_ent ent;
	bool have = e && !strcmp(e->pf, pf_names[pfi]);
	if (have)
		ent = *e;
	pthread_mutex_unlock(&s->mu);
	if (!have)
		return cfg_err_set("%s %s: no virtual function of %s is allocated", vnf, ifn->value,
		                   pf_names[pfi]);
	struct pfinfo pi[N_PF];
	load_pfs(s, pi, s->realise);
	if (!pi[pfi].known)
		return cfg_err_set("%s", pi[pfi].err[0] ? pi[pfi].err : "PF not known");
	memset(nic, 0, sizeof *nic);
	memset(buf, 0, sizeof *buf);
	snprintf(buf->name, sizeof buf->name, "%s", ifn->value);
	snprintf(buf->mac, sizeof buf->mac, "%s", ent.mac);
	nic->name = buf->name;
	nic->mac = strcmp(buf->mac, "-") ? buf->mac : NULL;
	long eth = eth_num(ifn->value);
	if (eth < 1000)
		nic->acpi_index = (unsigned)eth + 1; /* the guest's ethN, as the host-os switch's NICs */
	if (pi[pfi].pf.emulated) {
		emu_port(&ent, buf->tap);
		nic->target_dev = buf->tap;
		nic->vlan = -1; /* the tag is the switch port's */
		return 1;
	}
	struct sriov_vf vf;
	if (sriov_vf_read(s->sysfs_root, &pi[pfi].pf, ent.vf, &vf) < 0)
		return -1;
	snprintf(buf->pci, sizeof buf->pci, "%s", vf.pci);
	nic->hostdev_pci = buf->pci;
	nic->vlan = ent.vlan > 0 ? ent.vlan : -1;
	return 1;
}

bool jdm_sriov_mapped(const struct cfg_node *ifn)
{
	for (int k = 0; k < N_PF; k++)
		if (vf_node_of(ifn, k))
			return true;
	return false;
}

/* ethN's N (a name that is not ethN sorts last, by name) */
static long eth_num(const char *s)
{
	char *end;
	if (strncmp(s, "eth", 3) || !s[3])
		return 100000;
	long n = strtol(s + 3, &end, 10);
	return *end ? 100000 : n;
}

static int by_eth(const void *a, const void *b)
{
	const struct cfg_node *x = *(const struct cfg_node *const *)a;
	const struct cfg_node *y = *(const struct cfg_node *const *)b;
	long nx = eth_num(x->value), ny = eth_num(y->value);
	if (nx != ny)
		return nx < ny ? -1 : 1;
	return strcmp(x->value, y->value);
}

int jdm_sriov_nics(struct jdm_sriov *s, const struct cfg_node *vnf, struct jdm_domain_nic *nics,
                   struct jdm_sriov_nicbuf *bufs, int max)
{
	const struct cfg_node *ifn[JDM_SRIOV_MAX_NICS];
	int n = 0;
	struct cfg_node *ifs = cfg_node_child(vnf, "interfaces", NULL, CFG_AT_ACTIVE);
	for (struct cfg_node *i = cfg_node_child(ifs, "interface", NULL, CFG_AT_ACTIVE); i;
	     i = cfg_node_next_same(i, CFG_AT_ACTIVE))
		if (i->value && jdm_sriov_mapped(i)) {
			if (n >= max || n >= JDM_SRIOV_MAX_NICS)
				return cfg_err_set("%s: more than %d virtual function interfaces", vnf->value,
				                   max);
			ifn[n++] = i;
		}
	qsort(ifn, (size_t)n, sizeof ifn[0], by_eth);
	for (int i = 0; i < n; i++)
		if (jdm_sriov_nic(s, vnf->value, ifn[i], &nics[i], &bufs[i]) < 0)
			return -1;
	return n;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return x < y ? -1 : x > y;
}

size_t jdm_sriov_emu_vlans(const struct cfg_tree *t, const char *platform, const char *pf,
                           int *out, size_t max)
{
	int k = pf_index(pf ? pf : "");
	if (k < 0 || !t || !platform)
		return 0;
	struct jdm_sriov s = {.platform = (char *)platform, .sysfs_root = (char *)"/"};
	struct pfinfo pi[N_PF];
	load_pfs(&s, pi, false);
	if (!pi[k].known || !pi[k].pf.emulated)
		return 0;
	struct want *w = calloc(MAX_WANT, sizeof *w);
	if (!w)
		abort();
	size_t n = collect(t, w, NULL), m = 0;
	for (size_t i = 0; i < n; i++) {
		if (w[i].pfi != k || w[i].vlan <= 0)
			continue;
		bool dup = false;
		for (size_t j = 0; j < m && !dup; j++)
			dup = out[j] == w[i].vlan;
		if (!dup && m < max)
			out[m++] = w[i].vlan;
	}
	free(w);
	qsort(out, m, sizeof *out, cmp_int);
	return m;
}

/* ------------------------------------------------------------ shows */

void jdm_sriov_visibility(struct jdm_sriov *s, struct cfg_rel *root)
{
	struct pfinfo pi[N_PF];
	load_pfs(s, pi, s->realise);
	pthread_mutex_lock(&s->mu);
	if (!s->loaded && sriov_alloc_load(s->tab, cfg_daemon_store(s->d)) == 0)
		s->loaded = true;
	struct sriov_alloc *t = sriov_alloc_dup(s->tab);
	pthread_mutex_unlock(&s->mu);
	for (size_t i = 0; i < sriov_alloc_count(t); i++) {
		const struct sriov_alloc_ent *e = sriov_alloc_at(t, i);
		int k = pf_index(e->pf);
		bool emu = k >= 0 && pi[k].known && pi[k].pf.emulated;
		struct cfg_rel *v = cfg_rel_add(root, "sriov-vf");
		cfg_rel_leaf(v, "vnf-name", e->vnf);
		cfg_rel_leaf(v, "interface-name", e->ifname);
		cfg_rel_leaf(v, "type", emu ? "emulated" : "hostdev");
		if (emu)
			cfg_rel_flag(v, "emulated");
		cfg_rel_leaf(v, "pf-name", e->pf);
		cfg_rel_leaff(v, "vf-number", "%u", e->vf);
		struct sriov_vf vf;
		if (!emu && k >= 0 && pi[k].known && sriov_vf_read(s->sysfs_root, &pi[k].pf, e->vf, &vf) == 0)
			cfg_rel_leaf(v, "pci-address", vf.pci);
		if (emu) {
			char port[48];
			emu_port(e, port);
			cfg_rel_leaf(v, "port", port);
		}
		if (e->vlan)
			cfg_rel_leaff(v, "vlan-id", "%d", e->vlan);
		if (strcmp(e->mac, "-"))
			cfg_rel_leaf(v, "mac-address", e->mac);
	}
	sriov_alloc_free(t);
}

void jdm_sriov_vnf_interfaces(struct jdm_sriov *s, const char *vnf, struct cfg_rel *e)
{
	struct cfg_reply *r = cfg_reply_new("network-visibility-information");
	jdm_sriov_visibility(s, cfg_reply_root(r));
	for (const struct cfg_rel *v = cfg_rel_child(cfg_reply_root(r), "sriov-vf"); v;
	     v = cfg_rel_next_same(v)) {
		if (strcmp(cfg_rel_str(v, "vnf-name", ""), vnf))
			continue;
		struct cfg_rel *f = cfg_rel_add(e, "vnf-interface");
		cfg_rel_leaf(f, "interface-name", cfg_rel_value(v, "interface-name"));
		cfg_rel_leaf(f, "mac-address", cfg_rel_value(v, "mac-address"));
		bool emu = cfg_rel_child(v, "emulated") != NULL;
		cfg_rel_leaff(f, "bridge", "%s VF %s %s", cfg_rel_str(v, "pf-name", "-"),
		              cfg_rel_str(v, "vf-number", "-"),
		              emu ? "emulated" : cfg_rel_str(v, "pci-address", "-"));
		if (cfg_rel_child(v, "vlan-id"))
			cfg_rel_leaff(f, "role", "sr-iov, VLAN %s", cfg_rel_str(v, "vlan-id", ""));
		else
			cfg_rel_leaf(f, "role", "sr-iov");
	}
	cfg_reply_free(r);
}

void jdm_sriov_visibility_text(struct cfg_buf *out, const struct cfg_reply *rep)
{
	const struct cfg_rel *root = cfg_reply_root(rep);
	const struct cfg_rel *v = cfg_rel_child(root, "sriov-vf");
	if (!v)
		return;
	cfg_buf_puts(out, "\nVNF SR-IOV Virtual Functions\n");
	cfg_buf_puts(out, "-----------------------------------------------------------------------"
	                  "---------------\n");
	cfg_buf_printf(out, "%-20s %-9s %-8s %-5s %-3s %-12s %-4s %s\n", "VNF", "Interface", "Type",
	               "PF", "VF", "PCI address", "VLAN", "MAC");
	cfg_buf_puts(out, "-------------------- --------- -------- ----- --- ------------ ---- "
	                  "-----------------\n");
	for (; v; v = cfg_rel_next_same(v))
		cfg_buf_printf(out, "%-20s %-9s %-8s %-5s %-3s %-12s %-4s %s\n",
		               cfg_rel_str(v, "vnf-name", "-"), cfg_rel_str(v, "interface-name", "-"),
		               cfg_rel_str(v, "type", "-"), cfg_rel_str(v, "pf-name", "-"),
		               cfg_rel_str(v, "vf-number", "-"),
		               cfg_rel_child(v, "emulated") ? "emulated"
		                                            : cfg_rel_str(v, "pci-address", "-"),
		               cfg_rel_str(v, "vlan-id", "-"), cfg_rel_str(v, "mac-address", "-"));
}

void jdm_sriov_inventory(struct jdm_sriov *s, struct cfg_rel *root)
{
	struct pfinfo pi[N_PF];
	load_pfs(s, pi, s->realise);
	pthread_mutex_lock(&s->mu);
	if (!s->loaded && sriov_alloc_load(s->tab, cfg_daemon_store(s->d)) == 0)
		s->loaded = true;
	unsigned used[N_PF];
	for (int k = 0; k < N_PF; k++)
		used[k] = sriov_alloc_used(s->tab, pf_names[k], NULL);
	pthread_mutex_unlock(&s->mu);
	for (int k = 0; k < N_PF; k++) {
		if (!pi[k].declared)
			continue;
		struct cfg_rel *p = cfg_rel_add(root, "sriov-pf");
		cfg_rel_leaf(p, "pf-name", pf_names[k]);
		cfg_rel_leaf(p, "jcp-port", pf_jcp[k]);
		if (!pi[k].known) {
			cfg_rel_leaf(p, "mode", "sriov");
			cfg_rel_leaf(p, "error", pi[k].err[0] ? pi[k].err : "not looked at (configuration only)");
			cfg_rel_leaff(p, "used-vfs", "%u", used[k]);
			continue;
		}
		cfg_rel_leaf(p, "device", pi[k].pf.netdev[0] ? pi[k].pf.netdev : NULL);
		cfg_rel_leaf(p, "pci-address", pi[k].pf.pci[0] ? pi[k].pf.pci : NULL);
		cfg_rel_leaf(p, "mode", pi[k].pf.emulated ? "emulated" : "sriov");
		if (pi[k].pf.emulated)
			cfg_rel_flag(p, "emulated");
		cfg_rel_leaff(p, "total-vfs", "%u", pi[k].pf.total_vfs);
		cfg_rel_leaff(p, "enabled-vfs", "%u", pi[k].pf.num_vfs);
		cfg_rel_leaff(p, "used-vfs", "%u", used[k]);
	}
}

void jdm_sriov_inventory_text(struct cfg_buf *out, const struct cfg_reply *rep)
{
	const struct cfg_rel *p = cfg_rel_child(cfg_reply_root(rep), "sriov-pf");
	if (!p)
		return;
	cfg_buf_puts(out, "\nSR-IOV Physical Functions\n");
	cfg_buf_puts(out, "-------------------------\n");
	cfg_buf_printf(out, "%-5s %-10s %-12s %-9s %-9s %-5s %-7s %-4s\n", "PF", "Device",
	               "PCI address", "JCP port", "Mode", "Total", "Enabled", "Used");
	cfg_buf_puts(out, "----- ---------- ------------ --------- --------- ----- ------- ----\n");
	for (; p; p = cfg_rel_next_same(p)) {
		bool emu = cfg_rel_child(p, "emulated") != NULL;
		cfg_buf_printf(out, "%-5s %-10s %-12s %-9s %-9s %-5s %-7s %s\n",
		               cfg_rel_str(p, "pf-name", "-"), cfg_rel_str(p, "device", "-"),
		               emu ? "emulated" : cfg_rel_str(p, "pci-address", "-"),
		               cfg_rel_str(p, "jcp-port", "-"), cfg_rel_str(p, "mode", "-"),
		               cfg_rel_str(p, "total-vfs", "-"), cfg_rel_str(p, "enabled-vfs", "-"),
		               cfg_rel_str(p, "used-vfs", "-"));
		if (cfg_rel_child(p, "error"))
			cfg_buf_printf(out, "      %s\n", cfg_rel_str(p, "error", ""));
	}
}
