/* nfx_platform — the platform file. See nfx_platform.h. */
#include "nfx_platform.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_err.h"

struct kv {
	char *key, *value;
};

/* One port: the public part first, so a port pointer is a struct entry. */
struct entry {
	struct nfx_platform_port pub;
	char *name, *ifname;
	struct kv *kv;
	size_t nkv;
};

struct nfx_platform {
	struct entry *e;
	size_t n, cap;
};

static const char DEFAULT_TEXT[] =
    "# nfx platform file: which Linux interface is behind each port of the box\n"
    "# (NAME IFNAME [KEY VALUE]...; lib/nfx_platform.h). Written by ./nfx up when\n"
    "# missing and never overwritten: edit it to change the hardware of the box.\n"
    "ge-0/0/0 ge-0-0-0\n"
    "ge-0/0/1 ge-0-0-1\n"
    "ge-0/0/2 ge-0-0-2\n"
    "ge-0/0/3 ge-0-0-3\n"
    "ge-0/0/4 ge-0-0-4\n"
    "ge-0/0/5 ge-0-0-5\n"
    "ge-0/0/6 ge-0-0-6\n"
    "ge-0/0/7 ge-0-0-7\n"
    "ge-0/0/8 ge-0-0-8\n"
    "ge-0/0/9 ge-0-0-9\n"
    "ge-0/0/10 ge-0-0-10\n"
    "ge-0/0/11 ge-0-0-11\n"
    "xe-0/0/12 xe-0-0-12\n"
    "xe-0/0/13 xe-0-0-13\n"
    "# the internal ports of the PFE switch, cabled to the host-os switch's ports\n"
    "sxe-0/0/0 sxe0 peer hsxe0\n"
    "sxe-0/0/1 sxe1 peer hsxe1\n"
    "# the host-os switch's ends of those cables; emulated SR-IOV VFs (sriov)\n"
    "hsxe0 hsxe0 vfs 8 vf-mode emulated\n"
    "hsxe1 hsxe1 vfs 8 vf-mode emulated\n";

const char *nfx_platform_default_text(void)
{
	return DEFAULT_TEXT;
}

void nfx_platform_free(struct nfx_platform *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		free(p->e[i].name);
		free(p->e[i].ifname);
		for (size_t k = 0; k < p->e[i].nkv; k++) {
			free(p->e[i].kv[k].key);
			free(p->e[i].kv[k].value);
		}
		free(p->e[i].kv);
	}
	free(p->e);
	free(p);
}

static char *xstrndup(const char *s, size_t n)
{
	char *r = strndup(s, n);
	if (!r)
		abort();
	return r;
}

static bool ifname_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > 15 || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (const char *c = s; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		      *c == '.' || *c == '_' || *c == '-'))
			return false;
	return true;
}

/* Split LINE (NUL-terminated, comment removed) into at most MAX words. */
static size_t split(char *line, char **w, size_t max, bool *more)
{
	size_t n = 0;
	*more = false;
	for (char *s = strtok(line, " \t\r\v\f"); s; s = strtok(NULL, " \t\r\v\f")) {
		if (n == max) {
			*more = true;
			break;
		}
		w[n++] = s;
	}
	return n;
}

#define MAXWORDS 66 /* NAME IFNAME + 32 pairs */

static int parse_line(struct nfx_platform *p, char *line, const char *src, size_t ln)
{
	char *hash = strchr(line, '#');
	if (hash)
		*hash = '\0';
	char *w[MAXWORDS];
	bool more;
	size_t n = split(line, w, MAXWORDS, &more);
	if (!n)
		return 0;
	if (more)
		return cfg_err_set("%s:%zu: too many words (at most 32 key/value pairs)", src, ln);
	if (n < 2)
		return cfg_err_set("%s:%zu: '%s' has no interface (NAME IFNAME [KEY VALUE]...)", src, ln, w[0]);
	if (strlen(w[0]) > 63)
		return cfg_err_set("%s:%zu: port name '%.20s...' is too long", src, ln, w[0]);
	if (!ifname_ok(w[1]))
		return cfg_err_set("%s:%zu: '%s' is not a Linux interface name (1..15 of A-Z a-z 0-9 . _ -)",
		                   src, ln, w[1]);
	if (n % 2)
		return cfg_err_set("%s:%zu: key '%s' has no value", src, ln, w[n - 1]);
	if (nfx_platform_find(p, w[0]))
		return cfg_err_set("%s:%zu: port %s is already defined on line %zu", src, ln, w[0],
		                   nfx_platform_find(p, w[0])->line);
	if (nfx_platform_find_ifname(p, w[1]))
		return cfg_err_set("%s:%zu: interface %s is already used by %s on line %zu", src, ln, w[1],
		                   nfx_platform_find_ifname(p, w[1])->name,
		                   nfx_platform_find_ifname(p, w[1])->line);
	for (size_t i = 2; i < n; i += 2)
		for (size_t j = 2; j < i; j += 2)
			if (!strcmp(w[i], w[j]))
				return cfg_err_set("%s:%zu: key '%s' given twice", src, ln, w[i]);
	const char *peer = NULL;
	for (size_t i = 2; i < n; i += 2)
		if (!strcmp(w[i], "peer"))
			peer = w[i + 1];
	if (peer && !ifname_ok(peer))
		return cfg_err_set("%s:%zu: peer '%s' is not a Linux interface name", src, ln, peer);
	for (size_t i = 2; i < n; i += 2)
		if (!strcmp(w[i], "cable") && strcmp(w[i + 1], "veth") && strcmp(w[i + 1], "patch"))
			return cfg_err_set("%s:%zu: cable '%s' is neither veth nor patch", src, ln, w[i + 1]);
		else if (!strcmp(w[i], "cable") && !peer)
			return cfg_err_set("%s:%zu: cable without a peer", src, ln);

	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 32;
		p->e = realloc(p->e, p->cap * sizeof *p->e);
		if (!p->e)
			abort();
	}
	struct entry *e = &p->e[p->n];
	memset(e, 0, sizeof *e);
	e->name = xstrndup(w[0], strlen(w[0]));
	e->ifname = xstrndup(w[1], strlen(w[1]));
	e->nkv = (n - 2) / 2;
	if (e->nkv) {
		e->kv = calloc(e->nkv, sizeof *e->kv);
		if (!e->kv)
			abort();
	}
	for (size_t k = 0; k < e->nkv; k++) {
		e->kv[k].key = xstrndup(w[2 + 2 * k], strlen(w[2 + 2 * k]));
		e->kv[k].value = xstrndup(w[3 + 2 * k], strlen(w[3 + 2 * k]));
	}
	e->pub.name = e->name;
	e->pub.ifname = e->ifname;
	e->pub.line = ln;
	p->n++;
	return 0;
}

struct nfx_platform *nfx_platform_parse(const char *buf, size_t len, const char *source)
{
	struct nfx_platform *p = calloc(1, sizeof *p);
	if (!p)
		abort();
	const char *src = source ? source : "platform";
	size_t ln = 0;
	for (size_t off = 0; off < len;) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t l = nl ? (size_t)(nl - (buf + off)) : len - off;
		ln++;
		if (memchr(buf + off, '\0', l)) {
			cfg_err_set("%s:%zu: NUL byte in the line", src, ln);
			nfx_platform_free(p);
			return NULL;
		}
		char *line = xstrndup(buf + off, l);
		int rc = parse_line(p, line, src, ln);
		free(line);
		if (rc < 0) {
			nfx_platform_free(p);
			return NULL;
		}
		off += l + (nl ? 1 : 0);
	}
	return p;
}

struct nfx_platform *nfx_platform_load(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		cfg_err_set("cannot read platform file %s: %s", path, strerror(errno));
		return NULL;
	}
	char *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len + 4096 > cap) {
			cap = cap ? 2 * cap : 8192;
			if (cap > (1u << 20)) {
				free(buf);
				fclose(f);
				cfg_err_set("platform file %s is larger than 1 MiB", path);
				return NULL;
			}
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		size_t r = fread(buf + len, 1, cap - len, f);
		len += r;
		if (r == 0)
			break;
	}
	bool err = ferror(f);
	fclose(f);
	if (err) {
		free(buf);
		cfg_err_set("cannot read platform file %s", path);
		return NULL;
	}
	struct nfx_platform *p = nfx_platform_parse(buf ? buf : "", len, path);
	free(buf);
	return p;
}

size_t nfx_platform_count(const struct nfx_platform *p)
{
	return p ? p->n : 0;
}

const struct nfx_platform_port *nfx_platform_at(const struct nfx_platform *p, size_t i)
{
	return p && i < p->n ? &p->e[i].pub : NULL;
}

const struct nfx_platform_port *nfx_platform_find(const struct nfx_platform *p, const char *name)
{
	for (size_t i = 0; p && name && i < p->n; i++)
		if (!strcmp(p->e[i].name, name))
			return &p->e[i].pub;
	return NULL;
}

const struct nfx_platform_port *nfx_platform_find_ifname(const struct nfx_platform *p,
                                                         const char *ifname)
{
	for (size_t i = 0; p && ifname && i < p->n; i++)
		if (!strcmp(p->e[i].ifname, ifname))
			return &p->e[i].pub;
	return NULL;
}

const struct nfx_platform_port *nfx_platform_peer_of(const struct nfx_platform *p,
                                                     const char *ifname)
{
	for (size_t i = 0; p && ifname && i < p->n; i++) {
		const char *peer = nfx_platform_get(&p->e[i].pub, "peer");
		if (peer && !strcmp(peer, ifname))
			return &p->e[i].pub;
	}
	return NULL;
}

const char *nfx_platform_ifname(const struct nfx_platform *p, const char *name)
{
	const struct nfx_platform_port *port = nfx_platform_find(p, name);
	return port ? port->ifname : NULL;
}

const char *nfx_platform_get(const struct nfx_platform_port *port, const char *key)
{
	const struct entry *e = (const struct entry *)port;
	for (size_t k = 0; e && key && k < e->nkv; k++)
		if (!strcmp(e->kv[k].key, key))
			return e->kv[k].value;
	return NULL;
}

size_t nfx_platform_nkeys(const struct nfx_platform_port *port)
{
	return port ? ((const struct entry *)port)->nkv : 0;
}

int nfx_platform_key_at(const struct nfx_platform_port *port, size_t i, const char **key,
                        const char **value)
{
	const struct entry *e = (const struct entry *)port;
	if (!e || i >= e->nkv)
		return -1;
	*key = e->kv[i].key;
	*value = e->kv[i].value;
	return 0;
}
