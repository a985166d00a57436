/* snmp_conn — a non-blocking data client of a daemon socket. See snmp_conn.h. */
#include "snmp_conn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cfg_err.h"
#include "cfg_proto.h"

#define MAX_PENDING 1024

struct snmp_conn {
	char *path, *watch;
	struct snmp_conn_cbs cbs;
	void *arg;
	int fd;
	bool up;           /* HELLO answered */
	struct cfg_proto_rx rx;
	char **keys;       /* FIFO of what each awaited 'D' answers: "\1hello", "\1watch", query keys */
	unsigned head, n;
	char *xml;         /* the 'X' of the query at the head */
	size_t xml_len;
	time_t last_try;
};

struct snmp_conn *snmp_conn_new(const char *path, const char *watch, const struct snmp_conn_cbs *cbs,
                                void *arg)
{
	struct snmp_conn *c = calloc(1, sizeof *c);
	if (!c)
		abort();
	c->path = strdup(path);
	c->watch = watch ? strdup(watch) : NULL;
	c->keys = calloc(MAX_PENDING, sizeof *c->keys);
	if (!c->path || !c->keys || (watch && !c->watch))
		abort();
	c->cbs = *cbs;
	c->arg = arg;
	c->fd = -1;
	return c;
}

static void push(struct snmp_conn *c, const char *key)
{
	char *k = strdup(key);
	if (!k)
		abort();
	c->keys[(c->head + c->n) % MAX_PENDING] = k;
	c->n++;
}

static char *pop(struct snmp_conn *c)
{
	if (!c->n)
		return NULL;
	char *k = c->keys[c->head];
	c->keys[c->head] = NULL;
	c->head = (c->head + 1) % MAX_PENDING;
	c->n--;
	return k;
}

static void drop(struct snmp_conn *c)
{
	bool was_up = c->up;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->up = false;
	cfg_proto_rx_free(&c->rx);
	memset(&c->rx, 0, sizeof c->rx);
	char *k;
	while ((k = pop(c)))
		free(k);
	free(c->xml);
	c->xml = NULL;
	if (was_up && c->cbs.down)
		c->cbs.down(c->arg, c);
}

void snmp_conn_free(struct snmp_conn *c)
{
	if (!c)
		return;
	c->cbs.down = NULL;
	drop(c);
	free(c->keys);
	free(c->path);
	free(c->watch);
	free(c);
}

int snmp_conn_fd(const struct snmp_conn *c) { return c->fd; }
bool snmp_conn_is_up(const struct snmp_conn *c) { return c->up; }
unsigned snmp_conn_pending(const struct snmp_conn *c) { return c->n; }

static int send_frame(struct snmp_conn *c, char type, const char *p, size_t len)
{
	/* the socket is non-blocking for reads; a frame out is small: wait
	   for room briefly rather than split it */
	int fl = fcntl(c->fd, F_GETFL);
	fcntl(c->fd, F_SETFL, fl & ~O_NONBLOCK);
	struct timeval tv = {2, 0};
	setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	int rc = cfg_proto_send(c->fd, type, p, len);
	fcntl(c->fd, F_SETFL, fl);
	return rc;
}

void snmp_conn_tick(struct snmp_conn *c)
{
	if (c->fd >= 0)
		return;
	time_t now = time(NULL);
	if (now == c->last_try)
		return;
	c->last_try = now;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", c->path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		close(fd);
		return;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	c->fd = fd;
	static const char hello[] = "tty=0\nclient=cli\n";
	if (send_frame(c, CFG_P_HELLO, hello, sizeof hello - 1) < 0) {
		drop(c);
		return;
	}
	push(c, "\1hello");
}

void snmp_conn_query(struct snmp_conn *c, const char *key, const char *cmd)
{
	if (!c->up || c->n >= MAX_PENDING - 1)
		return;
	if (send_frame(c, CFG_P_QUERY, cmd, strlen(cmd)) < 0) {
		drop(c);
		return;
	}
	push(c, key);
}

static void on_done(struct snmp_conn *c, const char *payload, size_t len)
{
	char *k = pop(c);
	if (!k)
		return;
	bool ok = len > 0 && payload[0] == '0';
	if (!strcmp(k, "\1hello")) {
		free(k);
		if (!ok) {
			fprintf(stderr, "nfx-snmp-agent: %s refused the connection\n", c->path);
			drop(c);
			return;
		}
		if (c->watch) {
			if (send_frame(c, CFG_P_WATCH, c->watch, strlen(c->watch)) < 0) {
				drop(c);
				return;
			}
			push(c, "\1watch");
		}
		c->up = true;
		if (c->cbs.up)
			c->cbs.up(c->arg, c);
		return;
	}
	if (!strcmp(k, "\1watch")) {
		free(k);
		return;
	}
	struct cfg_reply *r = NULL;
	if (ok && c->xml) {
		r = cfg_reply_parse_xml(c->xml, c->xml_len);
		if (!r)
			fprintf(stderr, "nfx-snmp-agent: reply to %s: %s\n", k, cfg_err_msg());
	}
	free(c->xml);
	c->xml = NULL;
	if (c->cbs.reply)
		c->cbs.reply(c->arg, c, k, r);
	else
		cfg_reply_free(r);
	free(k);
}

void snmp_conn_input(struct snmp_conn *c)
{
	if (c->fd < 0)
		return;
	char buf[65536];
	for (;;) {
		ssize_t n = read(c->fd, buf, sizeof buf);
		if (n == 0) {
			drop(c);
			return;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				drop(c);
			break;
		}
		if (cfg_proto_rx_feed(&c->rx, buf, (size_t)n) < 0) {
			drop(c);
			return;
		}
		if ((size_t)n < sizeof buf)
			break;
	}
	for (;;) {
		char type;
		char *p;
		size_t len;
		int rc = cfg_proto_rx_next(&c->rx, &type, &p, &len);
		if (rc == 0)
			return;
		if (rc < 0) {
			drop(c);
			return;
		}
		switch (type) {
		case CFG_P_XML:
			free(c->xml);
			c->xml = p;
			c->xml_len = len;
			p = NULL;
			break;
		case CFG_P_DONE:
			on_done(c, p, len);
			break;
		case CFG_P_NOTIFY:
			if (c->cbs.event) {
				struct cfg_reply *ev = cfg_reply_parse_xml(p, len);
				if (ev)
					c->cbs.event(c->arg, c, ev);
			}
			break;
		default: /* 'O' (an error's text), 'P' ...: nothing to keep */
			break;
		}
		free(p);
		if (c->fd < 0)
			return;
	}
}
