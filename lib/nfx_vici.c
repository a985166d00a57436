/* nfx_vici — a client of strongSwan's VICI protocol. See nfx_vici.h. */
#include "nfx_vici.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cfg_err.h"

/* message elements */
enum {
	EL_SECTION_START = 1,
	EL_SECTION_END = 2,
	EL_KEY_VALUE = 3,
	EL_LIST_START = 4,
	EL_LIST_ITEM = 5,
	EL_LIST_END = 6,
};

/* packet types */
enum {
	PK_CMD_REQUEST = 0,
	PK_CMD_RESPONSE = 1,
	PK_CMD_UNKNOWN = 2,
	PK_EVENT_REGISTER = 3,
	PK_EVENT_UNREGISTER = 4,
	PK_EVENT_CONFIRM = 5,
	PK_EVENT_UNKNOWN = 6,
	PK_EVENT = 7,
};

#define VICI_MAX_DEPTH 32      /* sections nested deeper are refused */
#define VICI_MAX_QUEUED 4096   /* events held back while a command waits */

/* ------------------------------------------------------------ encoding */

struct buf {
	uint8_t *p;
	size_t len, cap;
};

static int buf_put(struct buf *b, const void *data, size_t n)
{
	if (b->len + n > NFX_VICI_MAX_MSG)
		return cfg_err_set("VICI message larger than %u bytes", NFX_VICI_MAX_MSG);
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *p = realloc(b->p, cap);
		if (!p)
			return cfg_err_set("out of memory");
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	return 0;
}

static int buf_u8(struct buf *b, unsigned v)
{
	uint8_t c = (uint8_t)v;
	return buf_put(b, &c, 1);
}

static int put_name(struct buf *b, const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > 255)
		return cfg_err_set("VICI name \"%.40s\" must be 1 to 255 bytes", name);
	if (buf_u8(b, (unsigned)n) < 0)
		return -1;
	return buf_put(b, name, n);
}

static int put_value(struct buf *b, const char *key, const char *s, size_t n)
{
	if (n > 65535)
		return cfg_err_set("VICI value of \"%.40s\" longer than 65535 bytes", key);
	uint8_t h[2] = {(uint8_t)(n >> 8), (uint8_t)n};
	if (buf_put(b, h, 2) < 0)
		return -1;
	return buf_put(b, s, n);
}

/* A scalar as a VICI value: a string as-is, an integer in decimal, true and
 * false as "yes"/"no" (strongSwan's booleans). */
static int scalar(const char *key, const json_t *v, char *tmp, size_t tmpsz, const char **s,
                  size_t *n)
{
	if (json_is_string(v)) {
		*s = json_string_value(v);
		*n = json_string_length(v);
		return 0;
	}
	if (json_is_integer(v)) {
		snprintf(tmp, tmpsz, "%lld", (long long)json_integer_value(v));
		*s = tmp;
		*n = strlen(tmp);
		return 0;
	}
	if (json_is_boolean(v)) {
		*s = json_is_true(v) ? "yes" : "no";
		*n = strlen(*s);
		return 0;
	}
	return cfg_err_set("VICI value of \"%.40s\" is not a string", key);
}

static int encode_obj(struct buf *b, const json_t *obj, int depth)
{
	if (depth > VICI_MAX_DEPTH)
		return cfg_err_set("VICI sections nested deeper than %d", VICI_MAX_DEPTH);
	const char *key;
	json_t *v;
	char tmp[32];
	json_object_foreach((json_t *)obj, key, v) {
		if (json_is_object(v)) {
			if (buf_u8(b, EL_SECTION_START) < 0 || put_name(b, key) < 0 ||
			    encode_obj(b, v, depth + 1) < 0 || buf_u8(b, EL_SECTION_END) < 0)
				return -1;
		} else if (json_is_array(v)) {
			if (buf_u8(b, EL_LIST_START) < 0 || put_name(b, key) < 0)
				return -1;
			size_t i;
			json_t *item;
			json_array_foreach(v, i, item) {
				const char *s;
				size_t n;
				if (scalar(key, item, tmp, sizeof tmp, &s, &n) < 0 ||
				    buf_u8(b, EL_LIST_ITEM) < 0 || put_value(b, key, s, n) < 0)
					return -1;
			}
			if (buf_u8(b, EL_LIST_END) < 0)
				return -1;
		} else {
			const char *s;
			size_t n;
			if (scalar(key, v, tmp, sizeof tmp, &s, &n) < 0 || buf_u8(b, EL_KEY_VALUE) < 0 ||
			    put_name(b, key) < 0 || put_value(b, key, s, n) < 0)
				return -1;
		}
	}
	return 0;
}

int nfx_vici_encode(const json_t *obj, uint8_t **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	if (obj && !json_is_object(obj))
		return cfg_err_set("VICI message must be an object");
	struct buf b = {0};
	if (obj && encode_obj(&b, obj, 0) < 0) {
		free(b.p);
		return -1;
	}
	if (!b.p) {
		b.p = malloc(1);
		if (!b.p)
			return cfg_err_set("out of memory");
	}
	*out = b.p;
	*len = b.len;
	return 0;
}

/* ------------------------------------------------------------ decoding */

static int get_name(const uint8_t *buf, size_t len, size_t *off, char name[256])
{
	if (*off >= len)
		return cfg_err_set("VICI message truncated at offset %zu (name length)", *off);
	size_t n = buf[(*off)++];
	if (n == 0)
		return cfg_err_set("VICI message has an empty name at offset %zu", *off - 1);
	if (n > len - *off)
		return cfg_err_set("VICI message truncated at offset %zu (name of %zu bytes)", *off, n);
	if (memchr(buf + *off, 0, n))
		return cfg_err_set("VICI message has a NUL in a name at offset %zu", *off);
	memcpy(name, buf + *off, n);
	name[n] = 0;
	*off += n;
	return 0;
}

static json_t *get_value(const uint8_t *buf, size_t len, size_t *off)
{
	if (len - *off < 2) {
		cfg_err_set("VICI message truncated at offset %zu (value length)", *off);
		return NULL;
	}
	size_t n = ((size_t)buf[*off] << 8) | buf[*off + 1];
	*off += 2;
	if (n > len - *off) {
		cfg_err_set("VICI message truncated at offset %zu (value of %zu bytes)", *off, n);
		return NULL;
	}
	json_t *s = json_stringn_nocheck((const char *)buf + *off, n);
	*off += n;
	if (!s)
		cfg_err_set("out of memory");
	return s;
}

json_t *nfx_vici_decode(const uint8_t *buf, size_t len)
{
	if (len > NFX_VICI_MAX_MSG) {
		cfg_err_set("VICI message larger than %u bytes", NFX_VICI_MAX_MSG);
		return NULL;
	}
	json_t *stack[VICI_MAX_DEPTH + 1];
	int depth = 0;
	json_t *root = json_object();
	if (!root) {
		cfg_err_set("out of memory");
		return NULL;
	}
	stack[0] = root;
	json_t *list = NULL; /* borrowed: the open list */
	char name[256];
	size_t off = 0;
	while (off < len) {
		size_t at = off;
		uint8_t el = buf[off++];
		if (list && el != EL_LIST_ITEM && el != EL_LIST_END) {
			cfg_err_set("VICI message: element %u inside a list at offset %zu", el, at);
			goto bad;
		}
		switch (el) {
		case EL_SECTION_START: {
			if (get_name(buf, len, &off, name) < 0)
				goto bad;
			if (depth >= VICI_MAX_DEPTH) {
				cfg_err_set("VICI message: sections nested deeper than %d at offset %zu",
				            VICI_MAX_DEPTH, at);
				goto bad;
			}
			json_t *sec = json_object();
			if (!sec || json_object_set_new(stack[depth], name, sec) < 0) {
				cfg_err_set("out of memory");
				goto bad;
			}
			stack[++depth] = sec;
			break;
		}
		case EL_SECTION_END:
			if (depth == 0) {
				cfg_err_set("VICI message: section end without a section at offset %zu", at);
				goto bad;
			}
			depth--;
			break;
		case EL_KEY_VALUE: {
			if (get_name(buf, len, &off, name) < 0)
				goto bad;
			json_t *s = get_value(buf, len, &off);
			if (!s || json_object_set_new(stack[depth], name, s) < 0) {
				if (s)
					cfg_err_set("out of memory");
				goto bad;
			}
			break;
		}
		case EL_LIST_START: {
			if (get_name(buf, len, &off, name) < 0)
				goto bad;
			json_t *a = json_array();
			if (!a || json_object_set_new(stack[depth], name, a) < 0) {
				cfg_err_set("out of memory");
				goto bad;
			}
			list = a;
			break;
		}
		case EL_LIST_ITEM: {
			if (!list) {
				cfg_err_set("VICI message: list item outside a list at offset %zu", at);
				goto bad;
			}
			json_t *s = get_value(buf, len, &off);
			if (!s || json_array_append_new(list, s) < 0) {
				if (s)
					cfg_err_set("out of memory");
				goto bad;
			}
			break;
		}
		case EL_LIST_END:
			if (!list) {
				cfg_err_set("VICI message: list end without a list at offset %zu", at);
				goto bad;
			}
			list = NULL;
			break;
		default:
			cfg_err_set("VICI message: unknown element type %u at offset %zu", el, at);
			goto bad;
		}
	}
	if (list || depth != 0) {
		cfg_err_set("VICI message truncated at offset %zu (unterminated %s)", len,
		            list ? "list" : "section");
		goto bad;
	}
	return root;
bad:
	json_decref(root);
	return NULL;
}

/* ------------------------------------------------------------ connection */

struct queued {
	struct queued *next;
	char *name;
	json_t *msg;
};

struct nfx_vici {
	int fd;
	uint8_t *rx; /* bytes read, not yet a whole packet */
	size_t rxlen, rxcap;
	struct queued *qhead, *qtail;
	size_t nqueued;
	json_t *registered; /* object: event name -> true */
	bool broken;
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left until DEADLINE (-1: none) for poll(). */
static int left_ms(long long deadline)
{
	if (deadline < 0)
		return -1;
	long long l = deadline - now_ms();
	return l < 0 ? 0 : (l > 1000000000 ? 1000000000 : (int)l);
}

static long long deadline_of(int timeout_ms)
{
	return timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
}

struct nfx_vici *nfx_vici_connect(const char *path, int timeout_ms)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (!path || strlen(path) >= sizeof sa.sun_path) {
		cfg_err_set("VICI socket path too long");
		return NULL;
	}
	strcpy(sa.sun_path, path);
	long long deadline = deadline_of(timeout_ms < 0 ? 0 : timeout_ms);
	for (;;) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			cfg_err_set("socket: %s", strerror(errno));
			return NULL;
		}
		if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
			struct nfx_vici *v = calloc(1, sizeof *v);
			if (!v) {
				close(fd);
				cfg_err_set("out of memory");
				return NULL;
			}
			v->fd = fd;
			v->registered = json_object();
			return v;
		}
		int e = errno;
		close(fd);
		if ((e != ENOENT && e != ECONNREFUSED && e != EAGAIN && e != EINTR) ||
		    left_ms(deadline) == 0) {
			cfg_err_set("cannot connect to VICI socket %s: %s", path, strerror(e));
			return NULL;
		}
		struct timespec ts = {0, 20 * 1000000};
		nanosleep(&ts, NULL);
	}
}

static void queue_free(struct nfx_vici *v)
{
	while (v->qhead) {
		struct queued *q = v->qhead;
		v->qhead = q->next;
		free(q->name);
		json_decref(q->msg);
		free(q);
	}
	v->qtail = NULL;
	v->nqueued = 0;
}

void nfx_vici_close(struct nfx_vici *v)
{
	if (!v)
		return;
	if (v->fd >= 0)
		close(v->fd);
	free(v->rx);
	queue_free(v);
	json_decref(v->registered);
	free(v);
}

int nfx_vici_fd(const struct nfx_vici *v)
{
	return v ? v->fd : -1;
}

size_t nfx_vici_pending(const struct nfx_vici *v)
{
	return v ? v->nqueued : 0;
}

static int broken(struct nfx_vici *v)
{
	v->broken = true;
	return -1;
}

/* Send one packet: TYPE, NAME for the named types, then BODY. */
static int send_packet(struct nfx_vici *v, unsigned type, const char *name, const uint8_t *body,
                       size_t blen, long long deadline)
{
	if (v->broken)
		return cfg_err_set("VICI connection broken");
	size_t nlen = name ? strlen(name) : 0;
	if (name && (nlen == 0 || nlen > 255))
		return cfg_err_set("VICI name \"%.40s\" must be 1 to 255 bytes", name);
	size_t plen = 1 + (name ? 1 + nlen : 0) + blen;
	if (plen > NFX_VICI_MAX_MSG)
		return cfg_err_set("VICI packet larger than %u bytes", NFX_VICI_MAX_MSG);
	uint8_t *p = malloc(4 + plen);
	if (!p)
		return cfg_err_set("out of memory");
	p[0] = (uint8_t)(plen >> 24);
	p[1] = (uint8_t)(plen >> 16);
	p[2] = (uint8_t)(plen >> 8);
	p[3] = (uint8_t)plen;
	p[4] = (uint8_t)type;
	size_t o = 5;
	if (name) {
		p[o++] = (uint8_t)nlen;
		memcpy(p + o, name, nlen);
		o += nlen;
	}
	if (blen)
		memcpy(p + o, body, blen);
	size_t total = 4 + plen, off = 0;
	while (off < total) {
		ssize_t w = send(v->fd, p + off, total - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w > 0) {
			off += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd pfd = {.fd = v->fd, .events = POLLOUT};
			int r = poll(&pfd, 1, left_ms(deadline));
			if (r == 0) {
				free(p);
				cfg_err_set("VICI: timed out sending");
				return broken(v);
			}
			continue;
		}
		int e = w < 0 ? errno : EPIPE;
		free(p);
		cfg_err_set("VICI: send: %s", strerror(e));
		return broken(v);
	}
	free(p);
	return 0;
}

/* Read one whole packet within DEADLINE: 1 with *TYPE, *NAME (NUL-ended,
 * "" for unnamed types) and the message BODY, BLEN pointing into v->rx (valid
 * until the next read; *CONSUMED bytes to drop after use), 0 on timeout with
 * nothing lost, -1 on a broken connection or a protocol error. */
static int read_packet(struct nfx_vici *v, long long deadline, unsigned *type, char name[256],
                       const uint8_t **body, size_t *blen, size_t *consumed)
{
	if (v->broken)
		return cfg_err_set("VICI connection broken");
	for (;;) {
		if (v->rxlen >= 4) {
			size_t plen = ((size_t)v->rx[0] << 24) | ((size_t)v->rx[1] << 16) |
			              ((size_t)v->rx[2] << 8) | v->rx[3];
			if (plen == 0 || plen > NFX_VICI_MAX_MSG) {
				cfg_err_set("VICI: bad packet length %zu", plen);
				return broken(v);
			}
			if (v->rxlen >= 4 + plen) {
				const uint8_t *p = v->rx + 4;
				*type = p[0];
				size_t o = 1;
				name[0] = 0;
				if (*type == PK_EVENT || *type == PK_CMD_REQUEST ||
				    *type == PK_EVENT_REGISTER || *type == PK_EVENT_UNREGISTER) {
					if (o >= plen || p[o] == 0 || p[o] > plen - o - 1) {
						cfg_err_set("VICI: bad packet name");
						return broken(v);
					}
					size_t n = p[o++];
					memcpy(name, p + o, n);
					name[n] = 0;
					o += n;
				} else if (*type > PK_EVENT) {
					cfg_err_set("VICI: unknown packet type %u", *type);
					return broken(v);
				}
				*body = p + o;
				*blen = plen - o;
				*consumed = 4 + plen;
				return 1;
			}
			if (v->rxcap < 4 + plen) {
				uint8_t *n = realloc(v->rx, 4 + plen);
				if (!n)
					return cfg_err_set("out of memory");
				v->rx = n;
				v->rxcap = 4 + plen;
			}
		} else if (v->rxcap < 4096) {
			uint8_t *n = realloc(v->rx, 4096);
			if (!n)
				return cfg_err_set("out of memory");
			v->rx = n;
			v->rxcap = 4096;
		}
		struct pollfd pfd = {.fd = v->fd, .events = POLLIN};
		int r = poll(&pfd, 1, left_ms(deadline));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			cfg_err_set("VICI: poll: %s", strerror(errno));
			return broken(v);
		}
		if (r == 0)
			return 0;
		size_t want;
		if (v->rxlen >= 4) { /* not past this packet: the next stays in the socket */
			size_t plen = ((size_t)v->rx[0] << 24) | ((size_t)v->rx[1] << 16) |
			              ((size_t)v->rx[2] << 8) | v->rx[3];
			want = 4 + plen - v->rxlen;
		} else {
			want = 4 - v->rxlen;
		}
		ssize_t n = recv(v->fd, v->rx + v->rxlen, want, MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
			continue;
		if (n <= 0) {
			cfg_err_set("VICI: %s", n == 0 ? "connection closed by charon" : strerror(errno));
			return broken(v);
		}
		v->rxlen += (size_t)n;
	}
}

static void drop(struct nfx_vici *v, size_t consumed)
{
	memmove(v->rx, v->rx + consumed, v->rxlen - consumed);
	v->rxlen -= consumed;
}

static int enqueue(struct nfx_vici *v, const char *name, const uint8_t *body, size_t blen)
{
	json_t *msg = nfx_vici_decode(body, blen);
	if (!msg)
		return broken(v);
	if (v->nqueued >= VICI_MAX_QUEUED) {
		json_decref(msg);
		cfg_err_set("VICI: more than %d events queued", VICI_MAX_QUEUED);
		return broken(v);
	}
	struct queued *q = calloc(1, sizeof *q);
	char *n = strdup(name);
	if (!q || !n) {
		free(q);
		free(n);
		json_decref(msg);
		return cfg_err_set("out of memory");
	}
	q->name = n;
	q->msg = msg;
	if (v->qtail)
		v->qtail->next = q;
	else
		v->qhead = q;
	v->qtail = q;
	v->nqueued++;
	return 0;
}

/* Wait for the answer to a request: the types it may be (EXPECT_A,
 * EXPECT_B). Events meanwhile go to STREAM (those named STREAM_NAME) or the
 * queue. Returns the type (body decoded into *REPLY for a CMD_RESPONSE when
 * REPLY is given), or -1. */
static int await(struct nfx_vici *v, const char *what, long long deadline, json_t **reply,
                 const char *stream_name, json_t *stream)
{
	for (;;) {
		unsigned type;
		char name[256];
		const uint8_t *body;
		size_t blen, consumed;
		int r = read_packet(v, deadline, &type, name, &body, &blen, &consumed);
		if (r < 0)
			return -1;
		if (r == 0) {
			cfg_err_set("VICI: no answer to %s in time", what);
			return broken(v); /* a late answer would be taken for the next one's */
		}
		if (type == PK_EVENT) {
			if (stream && strcmp(name, stream_name) == 0) {
				json_t *m = nfx_vici_decode(body, blen);
				if (!m)
					return broken(v);
				json_array_append_new(stream, m);
			} else if (enqueue(v, name, body, blen) < 0) {
				return -1;
			}
			drop(v, consumed);
			continue;
		}
		if (type == PK_CMD_RESPONSE && reply) {
			*reply = nfx_vici_decode(body, blen);
			drop(v, consumed);
			if (!*reply)
				return broken(v);
			return (int)type;
		}
		drop(v, consumed);
		if (type == PK_CMD_RESPONSE || type == PK_CMD_UNKNOWN || type == PK_EVENT_CONFIRM ||
		    type == PK_EVENT_UNKNOWN)
			return (int)type;
		cfg_err_set("VICI: unexpected packet type %u waiting for %s", type, what);
		return broken(v);
	}
}

static int do_call(struct nfx_vici *v, const char *cmd, const json_t *args, json_t **reply,
                   long long deadline, const char *stream_name, json_t *stream)
{
	uint8_t *body;
	size_t blen;
	if (nfx_vici_encode(args, &body, &blen) < 0)
		return -1;
	int r = send_packet(v, PK_CMD_REQUEST, cmd, body, blen, deadline);
	free(body);
	if (r < 0)
		return -1;
	r = await(v, cmd, deadline, reply, stream_name, stream);
	if (r < 0)
		return -1;
	if (r == PK_CMD_UNKNOWN)
		return cfg_err_set("VICI: charon does not know the command \"%s\"", cmd);
	if (r != PK_CMD_RESPONSE)
		return cfg_err_set("VICI: unexpected answer (type %d) to \"%s\"", r, cmd);
	return 0;
}

int nfx_vici_call(struct nfx_vici *v, const char *cmd, const json_t *args, json_t **reply,
                  int timeout_ms)
{
	*reply = NULL;
	if (!v || !cmd)
		return cfg_err_set("VICI: no connection or command");
	return do_call(v, cmd, args, reply, deadline_of(timeout_ms), NULL, NULL);
}

static int reg(struct nfx_vici *v, unsigned type, const char *event, long long deadline)
{
	if (send_packet(v, type, event, NULL, 0, deadline) < 0)
		return -1;
	int r = await(v, event, deadline, NULL, NULL, NULL);
	if (r < 0)
		return -1;
	if (r == PK_EVENT_UNKNOWN)
		return cfg_err_set("VICI: charon does not know the event \"%s\"", event);
	if (r != PK_EVENT_CONFIRM)
		return cfg_err_set("VICI: unexpected answer (type %d) to registering \"%s\"", r, event);
	return 0;
}

int nfx_vici_call_stream(struct nfx_vici *v, const char *cmd, const char *event,
                         const json_t *args, json_t **events, json_t **reply, int timeout_ms)
{
	*events = NULL;
	*reply = NULL;
	if (!v || !cmd || !event)
		return cfg_err_set("VICI: no connection, command or event");
	long long deadline = deadline_of(timeout_ms);
	/* already subscribed (nfx_vici_register): keep that subscription */
	bool mine = !json_object_get(v->registered, event);
	if (mine && reg(v, PK_EVENT_REGISTER, event, deadline) < 0)
		return -1;
	json_t *stream = json_array();
	int r = do_call(v, cmd, args, reply, deadline, event, stream);
	if (mine && !v->broken) {
		/* the unregister's confirmation may follow more of this stream */
		if (reg(v, PK_EVENT_UNREGISTER, event, deadline) < 0 && r == 0)
			r = -1;
	}
	if (r < 0) {
		json_decref(stream);
		json_decref(*reply);
		*reply = NULL;
		return -1;
	}
	*events = stream;
	return 0;
}

int nfx_vici_register(struct nfx_vici *v, const char *event)
{
	if (!v || !event)
		return cfg_err_set("VICI: no connection or event");
	if (json_object_get(v->registered, event))
		return 0;
	if (reg(v, PK_EVENT_REGISTER, event, deadline_of(5000)) < 0)
		return -1;
	json_object_set_new(v->registered, event, json_true());
	return 0;
}

int nfx_vici_read_event(struct nfx_vici *v, char **name, json_t **msg, int timeout_ms)
{
	*name = NULL;
	*msg = NULL;
	if (!v)
		return cfg_err_set("VICI: no connection");
	if (v->qhead) {
		struct queued *q = v->qhead;
		v->qhead = q->next;
		if (!v->qhead)
			v->qtail = NULL;
		v->nqueued--;
		*name = q->name;
		*msg = q->msg;
		free(q);
		return 1;
	}
	unsigned type;
	char n[256];
	const uint8_t *body;
	size_t blen, consumed;
	int r = read_packet(v, deadline_of(timeout_ms), &type, n, &body, &blen, &consumed);
	if (r <= 0)
		return r;
	if (type != PK_EVENT) {
		drop(v, consumed);
		cfg_err_set("VICI: unexpected packet type %u while waiting for events", type);
		return broken(v);
	}
	json_t *m = nfx_vici_decode(body, blen);
	drop(v, consumed);
	if (!m)
		return broken(v);
	*name = strdup(n);
	if (!*name) {
		json_decref(m);
		return cfg_err_set("out of memory");
	}
	*msg = m;
	return 1;
}

int nfx_vici_ok(const json_t *reply)
{
	const char *s = json_string_value(json_object_get(reply, "success"));
	if (s && strcmp(s, "yes") == 0)
		return 0;
	const char *e = json_string_value(json_object_get(reply, "errmsg"));
	return cfg_err_set("%s", e && *e ? e : "no reason given");
}
