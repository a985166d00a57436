/* nc_dmn — connection to the management daemon. See nc_dmn.h. */
#include "nc_dmn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cfg_err.h"
#include "cfg_proto.h"

struct ev {
	struct ev *next;
	char *xml;
};

struct nc_dmn {
	int fd;
	bool over;
	bool config; /* the last prompt was configuration mode's ("user@host# ") */
	struct ev *head, *tail;
};

int nc_dmn_fd(const struct nc_dmn *d) { return d ? d->fd : -1; }
bool nc_dmn_over(const struct nc_dmn *d) { return d->over; }
bool nc_dmn_in_config(const struct nc_dmn *d) { return d && d->config; }

static void queue_event(struct nc_dmn *d, char *xml)
{
	struct ev *e = calloc(1, sizeof *e);
	if (!e) {
		free(xml);
		return;
	}
	e->xml = xml;
	if (d->tail)
		d->tail->next = e;
	else
		d->head = e;
	d->tail = e;
}

char *nc_dmn_next_event(struct nc_dmn *d)
{
	struct ev *e = d->head;
	if (!e)
		return NULL;
	d->head = e->next;
	if (!d->head)
		d->tail = NULL;
	char *x = e->xml;
	free(e);
	return x;
}

static int send_frame(struct nc_dmn *d, char type, const void *p, size_t n)
{
	if (cfg_proto_send(d->fd, type, p, n) < 0) {
		d->over = true;
		return -1;
	}
	return 0;
}

/* Answer an ASK (P: flags byte + prompt). */
static int answer(struct nc_dmn *d, const char *p, size_t n, const char *input, size_t ilen,
                  bool *input_used)
{
	unsigned flags = n ? (unsigned char)p[0] : CFG_ASK_LINE;
	if (flags & (CFG_ASK_FILE | CFG_ASK_FOP))
		return send_frame(d, CFG_P_INPUT, "1not available over NETCONF", 27);
	if (flags & CFG_ASK_MULTI) {
		if (*input_used || !input)
			return send_frame(d, CFG_P_INPUT, "1", 1);
		*input_used = true;
		struct cfg_buf b = {0};
		cfg_buf_putc(&b, '0');
		cfg_buf_add(&b, input, ilen);
		int rc = send_frame(d, CFG_P_INPUT, b.p, b.len);
		cfg_buf_free(&b);
		return rc;
	}
	if (flags & CFG_ASK_NOECHO)
		return send_frame(d, CFG_P_INPUT, "", 0); /* no password prompts here */
	return send_frame(d, CFG_P_INPUT, "yes", 3);  /* [yes,no] questions */
}

/* Frames until DONE. XML frames go to OUT too. 0/1 like nc_dmn_run. */
static int until_done(struct nc_dmn *d, const char *input, size_t ilen, struct cfg_buf *out)
{
	bool used = false;
	for (;;) {
		char type;
		char *p = NULL;
		size_t n = 0;
		int r = cfg_proto_recv(d->fd, &type, &p, &n);
		if (r != 0) {
			free(p);
			d->over = true;
			return cfg_err_set("connection to the management daemon lost");
		}
		switch (type) {
		case CFG_P_OUT:
		case CFG_P_XML:
			cfg_buf_add(out, p, n);
			break;
		case CFG_P_ASK:
			if (answer(d, p, n, input, ilen, &used) < 0) {
				free(p);
				return cfg_err_set("connection to the management daemon lost");
			}
			break;
		case CFG_P_STREAM:
			send_frame(d, CFG_P_END, "", 0); /* no consoles over NETCONF */
			break;
		case CFG_P_NOTIFY:
			queue_event(d, p);
			p = NULL;
			break;
		case CFG_P_DONE: {
			char st = n ? p[0] : '1';
			/* status, text, NUL, prompt: the prompt tells the mode */
			size_t tl = n ? strnlen(p + 1, n - 1) : 0;
			if (n && tl + 1 < n) {
				const char *prompt = p + 1 + tl + 1;
				size_t pl = strlen(prompt);
				d->config = pl >= 2 && prompt[pl - 2] == '#';
			}
			free(p);
			if (st == 'x')
				d->over = true;
			return st == '0' ? 0 : 1;
		}
		default:
			break; /* 'F' (save), 'P' (pager), 'C': nothing to do here */
		}
		free(p);
	}
}

struct nc_dmn *nc_dmn_open(const char *path)
{
	struct sockaddr_un sa;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sa.sun_path) {
		cfg_err_set("%s: %s", path, strerror(ENAMETOOLONG));
		return NULL;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		cfg_err_set("socket: %s", strerror(errno));
		return NULL;
	}
	int r;
	do
		r = connect(fd, (struct sockaddr *)&sa, sizeof sa);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		cfg_err_set("the management daemon is not running (%s: %s)", path, strerror(errno));
		close(fd);
		return NULL;
	}
	struct nc_dmn *d = calloc(1, sizeof *d);
	if (!d) {
		close(fd);
		cfg_err_set("out of memory");
		return NULL;
	}
	d->fd = fd;
	static const char hello[] = "tty=0\ncols=200\nclient=netconf\n";
	struct cfg_buf out = {0};
	int rc = send_frame(d, CFG_P_HELLO, hello, sizeof hello - 1) < 0 ? -1
	         : until_done(d, NULL, 0, &out);
	if (rc != 0 || d->over) {
		if (rc >= 0)
			cfg_err_set("%s", out.len ? out.p : "not authorized");
		cfg_buf_free(&out);
		nc_dmn_close(d);
		return NULL;
	}
	cfg_buf_free(&out);
	return d;
}

void nc_dmn_close(struct nc_dmn *d)
{
	if (!d)
		return;
	if (d->fd >= 0)
		close(d->fd);
	char *x;
	while ((x = nc_dmn_next_event(d)))
		free(x);
	free(d);
}

int nc_dmn_run(struct nc_dmn *d, const char *line, const char *input, size_t ilen,
               struct cfg_buf *out)
{
	cfg_buf_add(out, "", 0);
	if (d->over)
		return cfg_err_set("the management session is over");
	if (send_frame(d, CFG_P_LINE, line, strlen(line)) < 0)
		return -1;
	return until_done(d, input, ilen, out);
}

int nc_dmn_query(struct nc_dmn *d, const char *line, struct cfg_buf *out)
{
	cfg_buf_add(out, "", 0);
	if (d->over)
		return cfg_err_set("the management session is over");
	if (send_frame(d, CFG_P_QUERY, line, strlen(line)) < 0)
		return -1;
	return until_done(d, NULL, 0, out);
}

int nc_dmn_watch(struct nc_dmn *d, const char *events)
{
	if (send_frame(d, CFG_P_WATCH, events, strlen(events)) < 0)
		return -1;
	struct cfg_buf out = {0};
	int rc = until_done(d, NULL, 0, &out);
	cfg_buf_free(&out);
	return rc == 0 ? 0 : -1;
}

int nc_dmn_pump(struct nc_dmn *d)
{
	char type;
	char *p = NULL;
	size_t n = 0;
	if (cfg_proto_recv(d->fd, &type, &p, &n) != 0) {
		free(p);
		d->over = true;
		return -1;
	}
	if (type == CFG_P_NOTIFY) {
		queue_event(d, p);
		return 0;
	}
	if (type == CFG_P_DONE && n && p[0] == 'x')
		d->over = true;
	free(p); /* a broadcast ('O') between commands: nothing to show */
	return d->over ? -1 : 0;
}
