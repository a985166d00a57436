/* jdm_console — see jdm_console.h.
 *
 * Threads: on_event() runs on libvirt's event thread and touches only the
 * atomics of struct jdm_console and the stream's event mask; everything else
 * runs on jdmd's main loop (the session handler, the stream ops, on_main()).
 *
 * Flow control of the event thread: the stream callback is level-triggered,
 * so on_event() switches the stream's events off and posts one notification;
 * on_main() reads what is there and switches them on again. While the events
 * are off a notification is always pending or running, so nothing is missed.
 *
 * References (refs): one for the session (dropped in con_end), one for
 * libvirt's callback registration (dropped by libvirt through con_ff when
 * the callback is removed, possibly later on the event thread), one per
 * notification in the mailbox (dropped by on_main).
 */
#include "jdm_console.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/virterror.h>

#include "cfg_err.h"
#include "cfg_session.h"

#define PEND_MAX 65536    /* typed bytes the guest has not taken yet */
#define READ_ROUNDS 64    /* reads of 4 KiB per notification, then others' turn */
#define EV_ALL (VIR_STREAM_EVENT_READABLE | VIR_STREAM_EVENT_ERROR | VIR_STREAM_EVENT_HANGUP)

struct jdm_console {
	atomic_int refs;
	atomic_int events;        /* VIR_STREAM_EVENT_* seen by on_event, not yet handled */
	atomic_bool posted;       /* a notification waits in the mailbox */
	struct jdm_virt *v;       /* borrowed */
	struct cfg_session *s;    /* borrowed; NULL once the stream ended */
	virStreamPtr st;          /* owned; NULL once closed */
	bool cb;                  /* the stream callback is registered */
	char *name;               /* owned */
	bool at_bol;              /* the last byte shown was a newline (or none yet) */
	unsigned char pend[PEND_MAX];
	size_t npend;
};

static void con_ref(struct jdm_console *c)
{
	atomic_fetch_add(&c->refs, 1);
}

static void con_unref(struct jdm_console *c)
{
	if (atomic_fetch_sub(&c->refs, 1) == 1) {
		free(c->name);
		free(c);
	}
}

/* libvirt: the callback is gone (any thread). */
static void con_ff(void *opaque)
{
	con_unref(opaque);
}

/* Stop the stream (main loop). The caller holds a reference. */
static void con_close(struct jdm_console *c)
{
	if (!c->st)
		return;
	if (c->cb) {
		virStreamEventRemoveCallback(c->st);
		c->cb = false;
	}
	virStreamAbort(c->st);
	virStreamFree(c->st);
	c->st = NULL;
	c->npend = 0;
}

static void con_rearm(struct jdm_console *c)
{
	if (c->st && c->cb)
		virStreamEventUpdateCallback(c->st, EV_ALL | (c->npend ? VIR_STREAM_EVENT_WRITABLE : 0));
}

/* The console closed under us (the VNF stopped, libvirt failed). */
static void con_gone(struct jdm_console *c)
{
	con_close(c);
	char msg[512];
	snprintf(msg, sizeof msg, "%serror: console of %s closed\n", c->at_bol ? "" : "\n",
	         c->name);
	cfg_session_stream_finish(c->s, -1, msg); /* runs con_end */
}

/* Write what the guest has not taken yet. -1 when the stream failed. */
static int con_flush_input(struct jdm_console *c)
{
	while (c->npend) {
		int n = virStreamSend(c->st, (const char *)c->pend, c->npend);
		if (n == -2)
			return 0;
		if (n <= 0)
			return -1;
		memmove(c->pend, c->pend + n, c->npend - (size_t)n);
		c->npend -= (size_t)n;
	}
	return 0;
}

/* Main loop: a notification from on_event. */
static void on_main(void *arg)
{
	struct jdm_console *c = arg;
	atomic_store(&c->posted, false);
	int ev = atomic_exchange(&c->events, 0);
	if (!c->st || !c->s) {
		con_unref(c);
		return;
	}
	bool gone = false;
	char buf[4096];
	for (int i = 0; i < READ_ROUNDS; i++) {
		int n = virStreamRecv(c->st, buf, sizeof buf);
		if (n > 0) {
			cfg_session_stream_output(c->s, buf, (size_t)n);
			c->at_bol = buf[n - 1] == '\n';
			continue;
		}
		if (n != -2)
			gone = true; /* 0: end of the stream, -1: error */
		break;
	}
	if (!gone && (ev & (VIR_STREAM_EVENT_ERROR | VIR_STREAM_EVENT_HANGUP)))
		gone = true;
	if (!gone && c->npend && con_flush_input(c) < 0)
		gone = true;
	if (gone)
		con_gone(c);
	else
		con_rearm(c);
	con_unref(c);
}

/* libvirt's event thread: hand over to the main loop, nothing else. */
static void on_event(virStreamPtr st, int events, void *opaque)
{
	struct jdm_console *c = opaque;
	atomic_fetch_or(&c->events, events);
	virStreamEventUpdateCallback(st, 0); /* until on_main has looked */
	if (!atomic_exchange(&c->posted, true)) {
		con_ref(c);
		jdm_virt_post(c->v, on_main, c);
	}
}

/* Session: bytes typed by the operator. */
static void con_input(void *ctx, const void *data, size_t len)
{
	struct jdm_console *c = ctx;
	if (!c->st)
		return;
	con_ref(c); /* con_gone may end the session's reference */
	const char *p = data;
	if (!c->npend) {
		int n = virStreamSend(c->st, p, len);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
		} else if (n != -2) {
			con_gone(c);
			con_unref(c);
			return;
		}
	}
	if (len) {
		size_t room = PEND_MAX - c->npend;
		if (len > room)
			len = room; /* a paste larger than the guest takes: the rest is lost */
		memcpy(c->pend + c->npend, p, len);
		c->npend += len;
		con_rearm(c); /* wait until writable */
	}
	con_unref(c);
}

/* Session: the stream ended (Ctrl-], client gone, or con_gone). */
static void con_end(void *ctx)
{
	struct jdm_console *c = ctx;
	struct cfg_session *s = c->s;
	c->s = NULL;
	con_close(c);
	cfg_session_stream_finish(s, 0, NULL); /* Ctrl-]: status 0; otherwise a no-op */
	con_unref(c);
}

static const struct cfg_session_stream_ops con_ops = {con_input, con_end};

int jdm_console_start(struct cfg_cmd *cmd, struct jdm_virt *v, virDomainPtr dom, const char *name)
{
	int active = virDomainIsActive(dom);
	if (active < 0) {
		virErrorPtr e = virGetLastError();
		if (e && e->code == VIR_ERR_NO_DOMAIN) /* a transient domain that stopped */
			return cfg_err_set("VNF %s is not running", name);
		return cfg_err_set("VNF %s: %s", name, jdm_virt_error());
	}
	if (active == 0)
		return cfg_err_set("VNF %s is not running", name);
	struct jdm_console *c = calloc(1, sizeof *c);
	if (!c || !(c->name = strdup(name))) {
		free(c);
		return cfg_err_set("out of memory");
	}
	atomic_init(&c->refs, 1); /* the session's */
	atomic_init(&c->events, 0);
	atomic_init(&c->posted, false);
	c->v = v;
	c->st = virStreamNew(jdm_virt_conn(v), VIR_STREAM_NONBLOCK);
	if (!c->st) {
		cfg_err_set("cannot open the console of VNF %s: %s", name, jdm_virt_error());
		con_unref(c);
		return -1;
	}
	if (virDomainOpenConsole(dom, NULL, c->st, VIR_DOMAIN_CONSOLE_FORCE) < 0) {
		cfg_err_set("cannot open the console of VNF %s: %s", name, jdm_virt_error());
		con_close(c);
		con_unref(c);
		return -1;
	}
	con_ref(c); /* libvirt's, dropped through con_ff */
	if (virStreamEventAddCallback(c->st, EV_ALL, on_event, c, con_ff) < 0) {
		cfg_err_set("cannot watch the console of VNF %s: %s", name, jdm_virt_error());
		atomic_fetch_sub(&c->refs, 1);
		con_close(c);
		con_unref(c);
		return -1;
	}
	c->cb = true;
	if (cfg_session_stream_begin(cmd->s, &con_ops, c) < 0) {
		con_close(c);
		con_unref(c);
		return -1;
	}
	c->s = cmd->s;
	c->at_bol = true;
	char banner[512];
	int n = snprintf(banner, sizeof banner, "Connected to domain %s\nEscape character is ^]\n",
	                 name);
	cfg_session_stream_output(c->s, banner, n > 0 && (size_t)n < sizeof banner ? (size_t)n
	                                                                           : strlen(banner));
	return 0;
}
