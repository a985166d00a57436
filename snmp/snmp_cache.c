/* snmp_cache — the subagent's cache of replies. See snmp_cache.h. */
#include "snmp_cache.h"

#include <stdlib.h>
#include <string.h>

struct entry {
	char *key;
	struct cfg_reply *r;
};

struct vidx {
	char *name;
	int index;
	time_t up_since;
};

struct snmp_cache {
	struct entry *e;
	size_t n, cap;
	struct vidx *v;
	size_t nv, capv;
	struct vidx *t; /* the IPsec tunnels' indexes */
	size_t nt, capt;
	struct vidx *l; /* the layer-2 extension sites' indexes */
	size_t nl, capl;
	unsigned long gen;
	time_t last_change;
};

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		abort();
	return p;
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p)
		abort();
	return p;
}

struct snmp_cache *snmp_cache_new(void)
{
	struct snmp_cache *c = calloc(1, sizeof *c);
	if (!c)
		abort();
	c->last_change = time(NULL);
	return c;
}

void snmp_cache_free(struct snmp_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->e[i].key);
		cfg_reply_free(c->e[i].r);
	}
	for (size_t i = 0; i < c->nv; i++)
		free(c->v[i].name);
	for (size_t i = 0; i < c->nt; i++)
		free(c->t[i].name);
	for (size_t i = 0; i < c->nl; i++)
		free(c->l[i].name);
	free(c->l);
	free(c->e);
	free(c->v);
	free(c->t);
	free(c);
}

void snmp_cache_put(struct snmp_cache *c, const char *key, struct cfg_reply *r)
{
	c->gen++;
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->e[i].key, key) == 0) {
			cfg_reply_free(c->e[i].r);
			if (r) {
				c->e[i].r = r;
			} else {
				free(c->e[i].key);
				c->e[i] = c->e[--c->n];
			}
			return;
		}
	if (!r)
		return;
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->e = xrealloc(c->e, c->cap * sizeof *c->e);
	}
	c->e[c->n].key = xstrdup(key);
	c->e[c->n].r = r;
	c->n++;
}

const struct cfg_reply *snmp_cache_get(const struct snmp_cache *c, const char *key)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->e[i].key, key) == 0)
			return c->e[i].r;
	return NULL;
}

void snmp_cache_drop_prefix(struct snmp_cache *c, const char *prefix, bool (*keep)(const char *name, void *arg),
                            void *arg)
{
	size_t pl = strlen(prefix);
	for (size_t i = 0; i < c->n;) {
		if (strncmp(c->e[i].key, prefix, pl) == 0 && !keep(c->e[i].key + pl, arg)) {
			free(c->e[i].key);
			cfg_reply_free(c->e[i].r);
			c->e[i] = c->e[--c->n];
			c->gen++;
		} else {
			i++;
		}
	}
}

static struct vidx *find_in(struct vidx *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

static struct vidx *find(const struct snmp_cache *c, const char *name) { return find_in(c->v, c->nv, name); }

/* NAME's index in the map V (N entries, CAP allocated): found or appended */
static int index_in(struct vidx **v, size_t *n, size_t *cap, const char *name)
{
	struct vidx *e = find_in(*v, *n, name);
	if (e)
		return e->index;
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		*v = xrealloc(*v, *cap * sizeof **v);
	}
	(*v)[*n] = (struct vidx){xstrdup(name), (int)*n + 1, 0};
	return (*v)[(*n)++].index;
}

int snmp_cache_index(struct snmp_cache *c, const char *name) { return index_in(&c->v, &c->nv, &c->capv, name); }

int snmp_cache_tunnel_index(struct snmp_cache *c, const char *name)
{
	return index_in(&c->t, &c->nt, &c->capt, name);
}

int snmp_cache_site_index(struct snmp_cache *c, const char *name) { return index_in(&c->l, &c->nl, &c->capl, name); }

time_t snmp_cache_up_since(const struct snmp_cache *c, const char *name)
{
	struct vidx *v = find(c, name);
	return v ? v->up_since : 0;
}

void snmp_cache_set_up_since(struct snmp_cache *c, const char *name, time_t t)
{
	snmp_cache_index(c, name);
	find(c, name)->up_since = t;
	c->gen++;
}

unsigned long snmp_cache_gen(const struct snmp_cache *c) { return c->gen; }
time_t snmp_cache_last_change(const struct snmp_cache *c) { return c->last_change; }
void snmp_cache_touch_rows(struct snmp_cache *c)
{
	c->last_change = time(NULL);
	c->gen++;
}
