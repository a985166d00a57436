/* sriov_alloc — the VF allocation table and its record in the store; see
 * sriov_alloc.h. */
#include "sriov_alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_buf.h"
#include "cfg_err.h"

struct sriov_alloc {
	struct sriov_alloc_ent *e;
	size_t n, cap;
};

struct sriov_alloc *sriov_alloc_new(void)
{
	struct sriov_alloc *a = calloc(1, sizeof *a);
	if (!a)
		abort();
	return a;
}

struct sriov_alloc *sriov_alloc_dup(const struct sriov_alloc *a)
{
	struct sriov_alloc *d = sriov_alloc_new();
	if (a && a->n) {
		d->e = malloc(a->n * sizeof *d->e);
		if (!d->e)
			abort();
		memcpy(d->e, a->e, a->n * sizeof *d->e);
		d->n = d->cap = a->n;
	}
	return d;
}

void sriov_alloc_free(struct sriov_alloc *a)
{
	if (!a)
		return;
	free(a->e);
	free(a);
}

static bool fits(const char *s, size_t n)
{
	return s && *s && strlen(s) < n && !strpbrk(s, " \t\n");
}

/* Append an entry (the caller checked the fields). */
static struct sriov_alloc_ent *add(struct sriov_alloc *a, const char *pf, unsigned vf,
                                   const char *vnf, const char *ifname, const char *mac, int vlan)
{
	if (a->n == a->cap) {
		size_t nc = a->cap ? a->cap * 2 : 8;
		struct sriov_alloc_ent *ne = realloc(a->e, nc * sizeof *ne);
		if (!ne)
			abort();
		a->e = ne;
		a->cap = nc;
	}
	struct sriov_alloc_ent *e = &a->e[a->n++];
	memset(e, 0, sizeof *e);
	snprintf(e->pf, sizeof e->pf, "%s", pf);
	e->vf = vf;
	snprintf(e->vnf, sizeof e->vnf, "%s", vnf);
	snprintf(e->ifname, sizeof e->ifname, "%s", ifname);
	snprintf(e->mac, sizeof e->mac, "%s", mac && fits(mac, sizeof e->mac) ? mac : "-");
	e->vlan = vlan > 0 && vlan < 4095 ? vlan : 0;
	return e;
}

static bool parse_line(char *line, struct sriov_alloc_ent *e)
{
	char *sv = NULL;
	char *f[6];
	int k = 0;
	for (char *t = strtok_r(line, " ", &sv); t && k < 6; t = strtok_r(NULL, " ", &sv))
		f[k++] = t;
	if (k != 6 || strtok_r(NULL, " ", &sv))
		return false;
	char *end;
	unsigned long vf = strtoul(f[1], &end, 10);
	if (*end || vf >= 4096)
		return false;
	long vlan = strtol(f[5], &end, 10);
	if (*end || vlan < 0 || vlan > 4094)
		return false;
	if (!fits(f[0], sizeof e->pf) || !fits(f[2], sizeof e->vnf) || !fits(f[3], sizeof e->ifname) ||
	    !fits(f[4], sizeof e->mac))
		return false;
	memset(e, 0, sizeof *e);
	snprintf(e->pf, sizeof e->pf, "%s", f[0]);
	e->vf = (unsigned)vf;
	snprintf(e->vnf, sizeof e->vnf, "%s", f[2]);
	snprintf(e->ifname, sizeof e->ifname, "%s", f[3]);
	snprintf(e->mac, sizeof e->mac, "%s", f[4]);
	e->vlan = (int)vlan;
	return true;
}

int sriov_alloc_load(struct sriov_alloc *a, struct cfg_store *st)
{
	char *val = NULL;
	int r = cfg_store_kv_get(st, SRIOV_ALLOC_KEY, &val);
	if (r < 0)
		return -1;
	a->n = 0;
	if (r > 0)
		return 0;
	char *sv = NULL;
	for (char *line = strtok_r(val, "\n", &sv); line; line = strtok_r(NULL, "\n", &sv)) {
		struct sriov_alloc_ent e;
		if (!parse_line(line, &e))
			continue;
		/* a VF or an interface twice (a damaged record): the first wins */
		if (sriov_alloc_holder(a, e.pf, e.vf) || sriov_alloc_find(a, e.vnf, e.ifname))
			continue;
		add(a, e.pf, e.vf, e.vnf, e.ifname, e.mac, e.vlan);
	}
	free(val);
	return 0;
}

char *sriov_alloc_text(const struct sriov_alloc *a)
{
	struct cfg_buf b = {0};
	for (size_t i = 0; i < a->n; i++) {
		const struct sriov_alloc_ent *e = &a->e[i];
		cfg_buf_printf(&b, "%s %u %s %s %s %d\n", e->pf, e->vf, e->vnf, e->ifname, e->mac,
		               e->vlan);
	}
	char *s = cfg_buf_steal(&b);
	if (!s) {
		s = strdup("");
		if (!s)
			abort();
	}
	return s;
}

int sriov_alloc_save(const struct sriov_alloc *a, struct cfg_store *st)
{
	char *t = sriov_alloc_text(a);
	int r = cfg_store_kv_set(st, SRIOV_ALLOC_KEY, *t ? t : NULL);
	free(t);
	return r;
}

size_t sriov_alloc_count(const struct sriov_alloc *a)
{
	return a ? a->n : 0;
}

const struct sriov_alloc_ent *sriov_alloc_at(const struct sriov_alloc *a, size_t i)
{
	return a && i < a->n ? &a->e[i] : NULL;
}

const struct sriov_alloc_ent *sriov_alloc_find(const struct sriov_alloc *a, const char *vnf,
                                               const char *ifname)
{
	for (size_t i = 0; a && i < a->n; i++)
		if (!strcmp(a->e[i].vnf, vnf) && !strcmp(a->e[i].ifname, ifname))
			return &a->e[i];
	return NULL;
}

const struct sriov_alloc_ent *sriov_alloc_holder(const struct sriov_alloc *a, const char *pf,
                                                 unsigned vf)
{
	for (size_t i = 0; a && i < a->n; i++)
		if (a->e[i].vf == vf && !strcmp(a->e[i].pf, pf))
			return &a->e[i];
	return NULL;
}

unsigned sriov_alloc_used(const struct sriov_alloc *a, const char *pf, unsigned *highest)
{
	unsigned n = 0, h = 0;
	for (size_t i = 0; a && i < a->n; i++)
		if (!strcmp(a->e[i].pf, pf)) {
			n++;
			if (a->e[i].vf + 1 > h)
				h = a->e[i].vf + 1;
		}
	if (highest)
		*highest = h;
	return n;
}

static int check_names(const char *pf, const char *vnf, const char *ifname)
{
	struct sriov_alloc_ent e;
	if (!fits(pf, sizeof e.pf) || !fits(vnf, sizeof e.vnf) || !fits(ifname, sizeof e.ifname))
		return cfg_err_set("bad PF, VNF or interface name for a virtual function");
	return 0;
}

const struct sriov_alloc_ent *sriov_alloc_take(struct sriov_alloc *a, const char *pf,
                                               unsigned total, const char *vnf,
                                               const char *ifname, const char *mac, int vlan)
{
	if (check_names(pf, vnf, ifname) < 0)
		return NULL;
	struct sriov_alloc_ent *cur = (struct sriov_alloc_ent *)sriov_alloc_find(a, vnf, ifname);
	if (cur && !strcmp(cur->pf, pf) && cur->vf < total) {
		cur->vlan = vlan > 0 && vlan < 4095 ? vlan : 0;
		if (!strcmp(cur->mac, "-") && mac && fits(mac, sizeof cur->mac))
			snprintf(cur->mac, sizeof cur->mac, "%s", mac);
		return cur;
	}
	unsigned vf = 0;
	while (vf < total && sriov_alloc_holder(a, pf, vf))
		vf++;
	if (vf >= total) {
		cfg_err_set("no free virtual function on PF %s (all %u in use)", pf, total);
		return NULL;
	}
	if (cur)
		sriov_alloc_release(a, vnf, ifname, NULL);
	return add(a, pf, vf, vnf, ifname, mac, vlan);
}

int sriov_alloc_claim(struct sriov_alloc *a, const char *pf, unsigned total, unsigned vf,
                      const char *vnf, const char *ifname, const char *mac, int vlan)
{
	if (check_names(pf, vnf, ifname) < 0)
		return -1;
	if (vf >= total)
		return cfg_err_set("PF %s has no virtual function %u (it has %u)", pf, vf, total);
	const struct sriov_alloc_ent *h = sriov_alloc_holder(a, pf, vf);
	if (h && (strcmp(h->vnf, vnf) || strcmp(h->ifname, ifname)))
		return cfg_err_set("virtual function %u of PF %s is already held by %s %s", vf, pf,
		                   h->vnf, h->ifname);
	if (h) {
		struct sriov_alloc_ent *m = (struct sriov_alloc_ent *)h;
		m->vlan = vlan > 0 && vlan < 4095 ? vlan : 0;
		return 0;
	}
	sriov_alloc_release(a, vnf, ifname, NULL);
	add(a, pf, vf, vnf, ifname, mac, vlan);
	return 0;
}

bool sriov_alloc_release(struct sriov_alloc *a, const char *vnf, const char *ifname,
                         struct sriov_alloc_ent *out)
{
	for (size_t i = 0; a && i < a->n; i++)
		if (!strcmp(a->e[i].vnf, vnf) && !strcmp(a->e[i].ifname, ifname)) {
			if (out)
				*out = a->e[i];
			memmove(&a->e[i], &a->e[i + 1], (a->n - i - 1) * sizeof *a->e);
			a->n--;
			return true;
		}
	return false;
}
