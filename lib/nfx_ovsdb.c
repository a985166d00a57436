/* nfx_ovsdb — OVSDB JSON-RPC client. See nfx_ovsdb.h. */
#include "nfx_ovsdb.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cfg_err.h"
#include "nfx_loop.h"

/* ------------------------------------------------------------ value helpers */

json_t *nfx_ovsdb_uuid(const char *uuid)
{
	return json_pack("[ss]", "uuid", uuid);
}

json_t *nfx_ovsdb_named_uuid(const char *name)
{
	return json_pack("[ss]", "named-uuid", name);
}

json_t *nfx_ovsdb_set(json_t *items)
{
	return json_pack("[sO]", "set", items);
}

json_t *nfx_ovsdb_map(json_t *obj)
{
	json_t *pairs = json_array();
	const char *k;
	json_t *v;
	json_object_foreach(obj, k, v)
		json_array_append_new(pairs, json_pack("[sO]", k, v));
	return json_pack("[so]", "map", pairs);
}

size_t nfx_ovsdb_set_items(json_t *value, json_t **items, json_t **one)
{
	*items = NULL;
	*one = NULL;
	if (!value)
		return 0;
	if (json_is_array(value) && json_array_size(value) == 2 &&
	    json_is_string(json_array_get(value, 0)) &&
	    strcmp(json_string_value(json_array_get(value, 0)), "set") == 0) {
		*items = json_array_get(value, 1);
		return json_array_size(*items);
	}
	*one = value;
	return 1;
}

json_t *nfx_ovsdb_set_at(json_t *value, size_t i)
{
	json_t *items, *one;
	size_t n = nfx_ovsdb_set_items(value, &items, &one);
	if (i >= n)
		return NULL;
	return items ? json_array_get(items, i) : one;
}

const char *nfx_ovsdb_uuid_str(json_t *value)
{
	if (json_is_array(value) && json_array_size(value) == 2 &&
	    json_is_string(json_array_get(value, 0)) &&
	    strcmp(json_string_value(json_array_get(value, 0)), "uuid") == 0)
		return json_string_value(json_array_get(value, 1));
	return NULL;
}

json_t *nfx_ovsdb_map_get(json_t *map, const char *key)
{
	if (!json_is_array(map) || json_array_size(map) != 2)
		return NULL;
	json_t *pairs = json_array_get(map, 1);
	size_t i;
	json_t *p;
	json_array_foreach(pairs, i, p) {
		const char *k = json_string_value(json_array_get(p, 0));
		if (k && strcmp(k, key) == 0)
			return json_array_get(p, 1);
	}
	return NULL;
}

int nfx_ovsdb_txn_check(json_t *result, size_t nops)
{
	if (!json_is_array(result))
		return cfg_err_set("ovsdb: the transaction got no result");
	size_t i;
	json_t *r;
	json_array_foreach(result, i, r) {
		const char *e = json_string_value(json_object_get(r, "error"));
		if (!e)
			continue;
		const char *d = json_string_value(json_object_get(r, "details"));
		if (i >= nops)
			return cfg_err_set("ovsdb: %s%s%s", e, d ? ": " : "", d ? d : "");
		return cfg_err_set("ovsdb: %s%s%s (operation %zu)", e, d ? ": " : "", d ? d : "", i + 1);
	}
	if (json_array_size(result) < nops)
		return cfg_err_set("ovsdb: the transaction was not completed");
	return 0;
}

/* ------------------------------------------------------------ framing */

/* The byte stream from the server: JSON texts one after another. The framer
 * only finds where one top-level object or array ends (strings and escapes
 * respected); jansson parses it. */
struct rx {
	char *buf;
	size_t len, cap;
	size_t scan;  /* next byte to look at */
	size_t start; /* where the current text began */
	int depth;
	bool in_str, esc;
};

static void rx_free(struct rx *r)
{
	free(r->buf);
	memset(r, 0, sizeof *r);
}

static int rx_reserve(struct rx *r, size_t more)
{
	if (r->len + more <= r->cap)
		return 0;
	size_t cap = r->cap ? r->cap : 8192;
	while (cap < r->len + more)
		cap *= 2;
	char *b = realloc(r->buf, cap);
	if (!b)
		return cfg_err_set("out of memory");
	r->buf = b;
	r->cap = cap;
	return 0;
}

/* The next complete message: 1 (*MSG the caller's), 0 (need more bytes),
 * -1 (not JSON-RPC: cfg_err set). */
static int rx_next(struct rx *r, json_t **msg)
{
	*msg = NULL;
	while (r->scan < r->len) {
		char ch = r->buf[r->scan++];
		if (r->depth == 0) {
			if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t')
				continue;
			if (ch != '{' && ch != '[')
				return cfg_err_set("ovsdb: the server sent something that is not JSON-RPC");
			r->start = r->scan - 1;
			r->depth = 1;
			continue;
		}
		if (r->in_str) {
			if (r->esc)
				r->esc = false;
			else if (ch == '\\')
				r->esc = true;
			else if (ch == '"')
				r->in_str = false;
			continue;
		}
		if (ch == '"')
			r->in_str = true;
		else if (ch == '{' || ch == '[')
			r->depth++;
		else if ((ch == '}' || ch == ']') && --r->depth == 0) {
			json_error_t je;
			*msg = json_loadb(r->buf + r->start, r->scan - r->start, 0, &je);
			memmove(r->buf, r->buf + r->scan, r->len - r->scan);
			r->len -= r->scan;
			r->scan = r->start = 0;
			if (!*msg)
				return cfg_err_set("ovsdb: bad JSON from the server: %s", je.text);
			return 1;
		}
	}
	return 0;
}

static int unix_connect(const char *path, bool nonblock)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof sa.sun_path)
		return cfg_err_set("ovsdb socket path too long: %s", path);
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), 0);
	if (fd < 0)
		return cfg_err_set("socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		int e = errno;
		close(fd);
		return cfg_err_set("cannot connect to ovsdb at %s: %s", path, strerror(e));
	}
	return fd;
}

static char *dump(json_t *msg)
{
	char *s = json_dumps(msg, JSON_COMPACT);
	if (!s)
		cfg_err_set("out of memory");
	return s;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* cur_cfg of the Open_vSwitch row in table-updates U (or -1). */
static int64_t updates_cur_cfg(json_t *u)
{
	json_t *t = json_object_get(u, "Open_vSwitch");
	const char *k;
	json_t *row;
	json_object_foreach(t, k, row) {
		json_t *n = json_object_get(row, "new");
		json_t *c = json_object_get(n, "cur_cfg");
		if (json_is_integer(c))
			return json_integer_value(c);
	}
	return -1;
}

static const char CFG_MON_ID[] = "nfx-cur-cfg";

static json_t *cfg_monitor_req(const char *db)
{
	return json_pack("{s:s, s:[s, s, {s:{s:[s]}}], s:i}", "method", "monitor", "params", db,
	                 CFG_MON_ID, "Open_vSwitch", "columns", "cur_cfg", "id", 0);
}

/* ------------------------------------------------------------ async client */

enum pend_kind { P_REPLY, P_MONITOR, P_IGNORE };

struct pend {
	json_int_t id;
	enum pend_kind kind;
	nfx_ovsdb_reply_fn fn;
	void *ctx;
	unsigned mon;
	struct pend *next;
};

struct mon {
	unsigned id;
	json_t *req;
	nfx_ovsdb_update_fn fn;
	void *ctx;
	struct mon *next;
};

struct waiter {
	struct nfx_ovsdb *c;
	int64_t target;
	nfx_ovsdb_cfg_fn fn;
	void *ctx;
	unsigned timer;
	struct waiter *next;
};

struct nfx_ovsdb {
	struct nfx_loop *loop;
	char *path, *db;
	unsigned retry_ms;
	int fd;
	unsigned retry_timer;
	struct rx rx;
	char *out;
	size_t outlen, outcap;
	json_int_t next_id;
	struct pend *pend;
	struct mon *mons;
	unsigned next_mon;
	unsigned cfg_mon; /* our own monitor of cur_cfg, once a wait asked */
	int64_t cur_cfg;
	struct waiter *waiters;
	nfx_ovsdb_state_fn state_fn;
	void *state_ctx;
};

static void c_connect(void *ctx);
static void c_drop(struct nfx_ovsdb *c, const char *why);

static void c_flush(struct nfx_ovsdb *c)
{
	while (c->fd >= 0 && c->outlen > 0) {
		ssize_t w = send(c->fd, c->out, c->outlen, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			c_drop(c, strerror(errno));
			return;
		}
		memmove(c->out, c->out + w, c->outlen - (size_t)w);
		c->outlen -= (size_t)w;
	}
	if (c->fd >= 0)
		nfx_loop_set_events(c->loop, c->fd, POLLIN | (c->outlen ? POLLOUT : 0));
}

static int c_send(struct nfx_ovsdb *c, json_t *msg)
{
	char *s = dump(msg);
	if (!s)
		return -1;
	size_t n = strlen(s);
	if (c->outlen + n > c->outcap) {
		size_t cap = c->outcap ? c->outcap : 8192;
		while (cap < c->outlen + n)
			cap *= 2;
		char *b = realloc(c->out, cap);
		if (!b) {
			free(s);
			return cfg_err_set("out of memory");
		}
		c->out = b;
		c->outcap = cap;
	}
	memcpy(c->out + c->outlen, s, n);
	c->outlen += n;
	free(s);
	c_flush(c);
	return 0;
}

/* Send request MSG (its "id" set here) and remember what to do with the reply. */
static int c_request(struct nfx_ovsdb *c, json_t *msg, enum pend_kind kind, nfx_ovsdb_reply_fn fn,
                     void *ctx, unsigned mon)
{
	if (c->fd < 0)
		return cfg_err_set("not connected to ovsdb at %s", c->path);
	struct pend *p = calloc(1, sizeof *p);
	if (!p)
		return cfg_err_set("out of memory");
	p->id = ++c->next_id;
	p->kind = kind;
	p->fn = fn;
	p->ctx = ctx;
	p->mon = mon;
	json_object_set_new(msg, "id", json_integer(p->id));
	p->next = c->pend;
	c->pend = p;
	return c_send(c, msg);
}

static int c_send_monitor(struct nfx_ovsdb *c, struct mon *m)
{
	char mid[32];
	snprintf(mid, sizeof mid, "m%u", m->id);
	json_t *msg = json_pack("{s:s, s:[s, s, O]}", "method", "monitor", "params", c->db, mid, m->req);
	int rc = c_request(c, msg, P_MONITOR, NULL, NULL, m->id);
	json_decref(msg);
	return rc;
}

static void waiters_check(struct nfx_ovsdb *c)
{
	struct waiter **pp = &c->waiters;
	while (*pp) {
		struct waiter *w = *pp;
		if (c->cur_cfg >= 0 && c->cur_cfg >= w->target) {
			*pp = w->next;
			nfx_loop_timer_cancel(c->loop, w->timer);
			w->fn(w->ctx, true);
			free(w);
			pp = &c->waiters; /* the callback may have changed the list */
			continue;
		}
		pp = &w->next;
	}
}

static void cfg_update(void *ctx, json_t *updates, bool initial)
{
	(void)initial;
	struct nfx_ovsdb *c = ctx;
	int64_t v = updates_cur_cfg(updates);
	if (v >= 0)
		c->cur_cfg = v;
	waiters_check(c);
}

static struct mon *mon_find(struct nfx_ovsdb *c, unsigned id)
{
	for (struct mon *m = c->mons; m; m = m->next)
		if (m->id == id)
			return m;
	return NULL;
}

static void c_handle(struct nfx_ovsdb *c, json_t *msg)
{
	json_t *method = json_object_get(msg, "method");
	if (json_is_string(method)) {
		const char *m = json_string_value(method);
		json_t *params = json_object_get(msg, "params");
		if (strcmp(m, "echo") == 0) {
			json_t *r = json_pack("{s:O, s:O, s:n}", "id", json_object_get(msg, "id"), "result",
			                      params ? params : json_null(), "error");
			c_send(c, r);
			json_decref(r);
		} else if (strcmp(m, "update") == 0 && json_array_size(params) == 2) {
			const char *mid = json_string_value(json_array_get(params, 0));
			if (mid && mid[0] == 'm') {
				struct mon *mo = mon_find(c, (unsigned)strtoul(mid + 1, NULL, 10));
				if (mo)
					mo->fn(mo->ctx, json_array_get(params, 1), false);
			}
		}
		return;
	}
	json_t *idv = json_object_get(msg, "id");
	if (!json_is_integer(idv))
		return;
	json_int_t id = json_integer_value(idv);
	struct pend **pp = &c->pend;
	while (*pp && (*pp)->id != id)
		pp = &(*pp)->next;
	struct pend *p = *pp;
	if (!p)
		return;
	*pp = p->next;
	json_t *err = json_object_get(msg, "error");
	json_t *res = json_object_get(msg, "result");
	const char *etext = NULL;
	char ebuf[512];
	if (err && !json_is_null(err)) {
		const char *e = json_is_string(err) ? json_string_value(err)
		                                    : json_string_value(json_object_get(err, "error"));
		const char *d = json_string_value(json_object_get(err, "details"));
		snprintf(ebuf, sizeof ebuf, "%s%s%s", e ? e : "error", d ? ": " : "", d ? d : "");
		etext = ebuf;
	}
	if (p->kind == P_REPLY && p->fn)
		p->fn(p->ctx, etext ? NULL : res, etext);
	else if (p->kind == P_MONITOR) {
		struct mon *mo = mon_find(c, p->mon);
		if (mo && !etext)
			mo->fn(mo->ctx, res, true);
		else if (mo)
			fprintf(stderr, "ovsdb: monitor refused: %s\n", etext);
	}
	free(p);
}

static void c_io(void *ctx, int fd, short rev)
{
	(void)fd;
	struct nfx_ovsdb *c = ctx;
	if (rev & POLLOUT)
		c_flush(c);
	if (c->fd < 0 || !(rev & (POLLIN | POLLHUP | POLLERR)))
		return;
	if (rx_reserve(&c->rx, 65536) < 0)
		return;
	ssize_t n = recv(c->fd, c->rx.buf + c->rx.len, c->rx.cap - c->rx.len, 0);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		c_drop(c, n == 0 ? "the server closed the connection" : strerror(errno));
		return;
	}
	c->rx.len += (size_t)n;
	for (;;) {
		json_t *msg;
		int r = rx_next(&c->rx, &msg);
		if (r < 0) {
			c_drop(c, cfg_err_msg());
			return;
		}
		if (r == 0)
			break;
		c_handle(c, msg);
		json_decref(msg);
		if (c->fd < 0)
			return;
	}
}

static void c_schedule(struct nfx_ovsdb *c)
{
	if (!c->retry_timer)
		c->retry_timer = nfx_loop_timer_add(c->loop, c->retry_ms, false, c_connect, c);
}

static void c_drop(struct nfx_ovsdb *c, const char *why)
{
	if (c->fd < 0)
		return;
	nfx_loop_unwatch(c->loop, c->fd);
	close(c->fd);
	c->fd = -1;
	c->outlen = 0;
	rx_free(&c->rx);
	c->cur_cfg = -1;
	char msg[600];
	snprintf(msg, sizeof msg, "connection to ovsdb lost (%s)", why ? why : "");
	struct pend *p = c->pend;
	c->pend = NULL;
	while (p) {
		struct pend *n = p->next;
		if (p->kind == P_REPLY && p->fn)
			p->fn(p->ctx, NULL, msg);
		free(p);
		p = n;
	}
	if (c->state_fn)
		c->state_fn(c->state_ctx, false);
	c_schedule(c);
}

static void c_connect(void *ctx)
{
	struct nfx_ovsdb *c = ctx;
	c->retry_timer = 0;
	if (c->fd >= 0)
		return;
	int fd = unix_connect(c->path, true);
	if (fd < 0) {
		c_schedule(c);
		return;
	}
	if (nfx_loop_watch(c->loop, fd, POLLIN, c_io, c) < 0) {
		close(fd);
		c_schedule(c);
		return;
	}
	c->fd = fd;
	for (struct mon *m = c->mons; m && c->fd >= 0; m = m->next)
		c_send_monitor(c, m);
	if (c->fd >= 0 && c->state_fn)
		c->state_fn(c->state_ctx, true);
}

struct nfx_ovsdb *nfx_ovsdb_new(struct nfx_loop *loop, const char *path, const char *db,
                                unsigned retry_ms)
{
	struct nfx_ovsdb *c = calloc(1, sizeof *c);
	if (!c) {
		cfg_err_set("out of memory");
		return NULL;
	}
	c->loop = loop;
	c->path = strdup(path);
	c->db = strdup(db ? db : "Open_vSwitch");
	c->retry_ms = retry_ms ? retry_ms : 500;
	c->fd = -1;
	c->cur_cfg = -1;
	if (!c->path || !c->db) {
		nfx_ovsdb_free(c);
		cfg_err_set("out of memory");
		return NULL;
	}
	c_connect(c);
	return c;
}

void nfx_ovsdb_free(struct nfx_ovsdb *c)
{
	if (!c)
		return;
	c->state_fn = NULL;
	if (c->fd >= 0) {
		nfx_loop_unwatch(c->loop, c->fd);
		close(c->fd);
		c->fd = -1;
	}
	if (c->retry_timer)
		nfx_loop_timer_cancel(c->loop, c->retry_timer);
	struct pend *p = c->pend;
	while (p) {
		struct pend *n = p->next;
		if (p->kind == P_REPLY && p->fn)
			p->fn(p->ctx, NULL, "client closed");
		free(p);
		p = n;
	}
	struct mon *m = c->mons;
	while (m) {
		struct mon *n = m->next;
		json_decref(m->req);
		free(m);
		m = n;
	}
	struct waiter *w = c->waiters;
	while (w) {
		struct waiter *n = w->next;
		nfx_loop_timer_cancel(c->loop, w->timer);
		free(w);
		w = n;
	}
	rx_free(&c->rx);
	free(c->out);
	free(c->path);
	free(c->db);
	free(c);
}

void nfx_ovsdb_on_state(struct nfx_ovsdb *c, nfx_ovsdb_state_fn fn, void *ctx)
{
	c->state_fn = fn;
	c->state_ctx = ctx;
}

bool nfx_ovsdb_connected(const struct nfx_ovsdb *c)
{
	return c && c->fd >= 0;
}

int nfx_ovsdb_transact(struct nfx_ovsdb *c, json_t *ops, nfx_ovsdb_reply_fn fn, void *ctx)
{
	if (!json_is_array(ops))
		return cfg_err_set("ovsdb transact: the operations are not an array");
	json_t *params = json_pack("[s]", c->db);
	json_array_extend(params, ops);
	json_t *msg = json_pack("{s:s, s:o}", "method", "transact", "params", params);
	int rc = c_request(c, msg, P_REPLY, fn, ctx, 0);
	json_decref(msg);
	return rc;
}

unsigned nfx_ovsdb_monitor(struct nfx_ovsdb *c, json_t *requests, nfx_ovsdb_update_fn fn,
                           void *ctx)
{
	struct mon *m = calloc(1, sizeof *m);
	if (!m) {
		cfg_err_set("out of memory");
		return 0;
	}
	m->id = ++c->next_mon;
	m->req = json_incref(requests);
	m->fn = fn;
	m->ctx = ctx;
	m->next = c->mons;
	c->mons = m;
	if (c->fd >= 0)
		c_send_monitor(c, m);
	return m->id;
}

void nfx_ovsdb_monitor_cancel(struct nfx_ovsdb *c, unsigned id)
{
	struct mon **pp = &c->mons;
	while (*pp && (*pp)->id != id)
		pp = &(*pp)->next;
	struct mon *m = *pp;
	if (!m)
		return;
	*pp = m->next;
	if (c->fd >= 0) {
		char mid[32];
		snprintf(mid, sizeof mid, "m%u", id);
		json_t *msg = json_pack("{s:s, s:[s]}", "method", "monitor_cancel", "params", mid);
		c_request(c, msg, P_IGNORE, NULL, NULL, 0);
		json_decref(msg);
	}
	json_decref(m->req);
	free(m);
}

static void waiter_timeout(void *ctx)
{
	struct waiter *w = ctx;
	struct nfx_ovsdb *c = w->c;
	struct waiter **pp = &c->waiters;
	while (*pp && *pp != w)
		pp = &(*pp)->next;
	if (*pp)
		*pp = w->next;
	w->fn(w->ctx, false);
	free(w);
}

int nfx_ovsdb_wait_cfg(struct nfx_ovsdb *c, int64_t target, unsigned timeout_ms,
                       nfx_ovsdb_cfg_fn fn, void *ctx)
{
	if (!c->cfg_mon) {
		json_t *req = json_pack("{s:{s:[s]}}", "Open_vSwitch", "columns", "cur_cfg");
		c->cfg_mon = nfx_ovsdb_monitor(c, req, cfg_update, c);
		json_decref(req);
		if (!c->cfg_mon)
			return -1;
	}
	struct waiter *w = calloc(1, sizeof *w);
	if (!w)
		return cfg_err_set("out of memory");
	w->c = c;
	w->target = target;
	w->fn = fn;
	w->ctx = ctx;
	w->timer = nfx_loop_timer_add(c->loop, timeout_ms, false, waiter_timeout, w);
	if (!w->timer) {
		free(w);
		return -1;
	}
	w->next = c->waiters;
	c->waiters = w;
	waiters_check(c);
	return 0;
}

int64_t nfx_ovsdb_cur_cfg(const struct nfx_ovsdb *c)
{
	return c->cur_cfg;
}

/* ------------------------------------------------------------ blocking client */

struct nfx_ovsdb_sync {
	int fd;
	char *db;
	int timeout_ms;
	struct rx rx;
	json_int_t next_id;
	bool cfg_mon;
	int64_t cur_cfg;
};

struct nfx_ovsdb_sync *nfx_ovsdb_sync_open(const char *path, const char *db, int timeout_ms)
{
	int64_t until = now_ms() + timeout_ms;
	int fd;
	for (;;) {
		fd = unix_connect(path, false);
		if (fd >= 0 || now_ms() >= until)
			break;
		struct timespec ts = {0, 50 * 1000000};
		nanosleep(&ts, NULL);
	}
	if (fd < 0)
		return NULL;
	struct nfx_ovsdb_sync *s = calloc(1, sizeof *s);
	if (!s || !(s->db = strdup(db ? db : "Open_vSwitch"))) {
		free(s);
		close(fd);
		cfg_err_set("out of memory");
		return NULL;
	}
	s->fd = fd;
	s->timeout_ms = timeout_ms;
	s->cur_cfg = -1;
	return s;
}

void nfx_ovsdb_sync_close(struct nfx_ovsdb_sync *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	rx_free(&s->rx);
	free(s->db);
	free(s);
}

static int s_send(struct nfx_ovsdb_sync *s, json_t *msg)
{
	char *t = dump(msg);
	if (!t)
		return -1;
	size_t n = strlen(t), off = 0;
	while (off < n) {
		ssize_t w = send(s->fd, t + off, n - off, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			int e = errno;
			free(t);
			return cfg_err_set("ovsdb: cannot send: %s", strerror(e));
		}
		off += (size_t)w;
	}
	free(t);
	return 0;
}

/* Read until a reply with id ID arrives (answering echoes, noting cur_cfg
 * updates on the way) or, with ID < 0, until one message was handled.
 * *REPLY gets the reply (caller's). 0 or -1 (timeout: "ovsdb did not
 * answer within N s"; closed connection). */
static int s_read(struct nfx_ovsdb_sync *s, json_int_t id, int64_t until, json_t **reply)
{
	*reply = NULL;
	for (;;) {
		json_t *msg;
		int r = rx_next(&s->rx, &msg);
		if (r < 0)
			return -1;
		if (r > 0) {
			json_t *method = json_object_get(msg, "method");
			if (json_is_string(method)) {
				const char *m = json_string_value(method);
				json_t *params = json_object_get(msg, "params");
				if (strcmp(m, "echo") == 0) {
					json_t *rp = json_pack("{s:O, s:O, s:n}", "id", json_object_get(msg, "id"),
					                       "result", params ? params : json_null(), "error");
					s_send(s, rp);
					json_decref(rp);
				} else if (strcmp(m, "update") == 0) {
					int64_t v = updates_cur_cfg(json_array_get(params, 1));
					if (v >= 0)
						s->cur_cfg = v;
				}
				json_decref(msg);
				if (id < 0)
					return 0;
				continue;
			}
			json_t *idv = json_object_get(msg, "id");
			if (json_is_integer(idv) && json_integer_value(idv) == id) {
				*reply = msg;
				return 0;
			}
			json_decref(msg);
			continue;
		}
		int left = (int)(until - now_ms());
		if (left <= 0)
			return cfg_err_set("ovsdb did not answer within %d s", (s->timeout_ms + 999) / 1000);
		struct pollfd pfd = {.fd = s->fd, .events = POLLIN};
		int pr = poll(&pfd, 1, left);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr < 0)
			return cfg_err_set("poll: %s", strerror(errno));
		if (pr == 0)
			continue;
		if (rx_reserve(&s->rx, 65536) < 0)
			return -1;
		ssize_t n = recv(s->fd, s->rx.buf + s->rx.len, s->rx.cap - s->rx.len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return cfg_err_set("connection to ovsdb lost");
		s->rx.len += (size_t)n;
	}
}

/* Send request MSG (id set here) and wait for its reply's result (caller's). */
static int s_call(struct nfx_ovsdb_sync *s, json_t *msg, json_t **result)
{
	*result = NULL;
	json_int_t id = ++s->next_id;
	json_object_set_new(msg, "id", json_integer(id));
	if (s_send(s, msg) < 0)
		return -1;
	json_t *reply;
	if (s_read(s, id, now_ms() + s->timeout_ms, &reply) < 0)
		return -1;
	json_t *err = json_object_get(reply, "error");
	if (err && !json_is_null(err)) {
		const char *e = json_is_string(err) ? json_string_value(err)
		                                    : json_string_value(json_object_get(err, "error"));
		const char *d = json_string_value(json_object_get(err, "details"));
		cfg_err_set("ovsdb: %s%s%s", e ? e : "error", d ? ": " : "", d ? d : "");
		json_decref(reply);
		return -1;
	}
	*result = json_incref(json_object_get(reply, "result"));
	json_decref(reply);
	return 0;
}

int nfx_ovsdb_sync_transact(struct nfx_ovsdb_sync *s, json_t *ops, json_t **result)
{
	if (result)
		*result = NULL;
	if (!json_is_array(ops))
		return cfg_err_set("ovsdb transact: the operations are not an array");
	json_t *params = json_pack("[s]", s->db);
	json_array_extend(params, ops);
	json_t *msg = json_pack("{s:s, s:o}", "method", "transact", "params", params);
	json_t *res;
	int rc = s_call(s, msg, &res);
	json_decref(msg);
	if (rc < 0)
		return -1;
	if (result)
		*result = res;
	else
		json_decref(res);
	return 0;
}

int nfx_ovsdb_sync_wait_cfg(struct nfx_ovsdb_sync *s, int64_t target, int timeout_ms)
{
	if (!s->cfg_mon) {
		json_t *msg = cfg_monitor_req(s->db);
		json_t *res;
		int rc = s_call(s, msg, &res);
		json_decref(msg);
		if (rc < 0)
			return -1;
		s->cfg_mon = true;
		int64_t v = updates_cur_cfg(res);
		if (v >= 0)
			s->cur_cfg = v;
		json_decref(res);
	}
	int64_t until = now_ms() + timeout_ms;
	while (s->cur_cfg < target) {
		json_t *none;
		if (now_ms() >= until || s_read(s, -1, until, &none) < 0) {
			if (strstr(cfg_err_msg(), "lost"))
				return -1;
			return cfg_err_set("ovs-vswitchd did not apply the change within %d s",
			                   (timeout_ms + 999) / 1000);
		}
	}
	return 0;
}

int nfx_ovsdb_commit(struct nfx_ovsdb_sync *s, json_t *ops, bool wait, json_t **result)
{
	if (result)
		*result = NULL;
	if (!json_is_array(ops))
		return cfg_err_set("ovsdb transact: the operations are not an array");
	json_t *all = json_copy(ops);
	size_t nops = json_array_size(all);
	json_array_append_new(all, json_pack("{s:s, s:s, s:[], s:[[s, s, i]]}", "op", "mutate", "table",
	                                     "Open_vSwitch", "where", "mutations", "next_cfg", "+=", 1));
	json_array_append_new(all, json_pack("{s:s, s:s, s:[], s:[s]}", "op", "select", "table",
	                                     "Open_vSwitch", "where", "columns", "next_cfg"));
	json_t *res;
	int rc = nfx_ovsdb_sync_transact(s, all, &res);
	json_decref(all);
	if (rc < 0)
		return -1;
	if (nfx_ovsdb_txn_check(res, nops + 2) < 0) {
		json_decref(res);
		return -1;
	}
	json_t *rows = json_object_get(json_array_get(res, nops + 1), "rows");
	json_t *nc = json_object_get(json_array_get(rows, 0), "next_cfg");
	if (wait && json_is_integer(nc) &&
	    nfx_ovsdb_sync_wait_cfg(s, json_integer_value(nc), s->timeout_ms) < 0) {
		json_decref(res);
		return -1;
	}
	if (result)
		*result = res;
	else
		json_decref(res);
	return 0;
}
