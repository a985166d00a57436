/* nfx_loop — see nfx_loop.h. */
#include "nfx_loop.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "cfg_err.h"

struct watch {
	int fd;
	short events;
	nfx_loop_io_fn fn;
	void *ctx;
	uint64_t gen; /* which watch of this fd: a new watch gets a new one */
};

struct timer {
	unsigned id;
	int64_t due;   /* CLOCK_MONOTONIC, ms */
	unsigned period; /* 0: one-shot */
	nfx_loop_fn fn;
	void *ctx;
};

struct nfx_loop {
	struct watch *w;
	size_t nw, capw;
	uint64_t gen;
	struct timer *t;
	size_t nt, capt;
	unsigned next_id;
	struct pollfd *pfd;   /* the turn's poll set */
	uint64_t *pgen;       /* the watch generation of each pollfd */
	size_t cappfd;
	nfx_loop_fn before, after;
	void *hctx;
	int sfd;
	bool stop;
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct nfx_loop *nfx_loop_new(void)
{
	struct nfx_loop *l = calloc(1, sizeof *l);
	if (!l) {
		cfg_err_set("out of memory");
		return NULL;
	}
	l->sfd = -1;
	l->next_id = 1;
	return l;
}

void nfx_loop_free(struct nfx_loop *l)
{
	if (!l)
		return;
	if (l->sfd >= 0)
		close(l->sfd);
	free(l->w);
	free(l->t);
	free(l->pfd);
	free(l->pgen);
	free(l);
}

static struct watch *find_watch(const struct nfx_loop *l, int fd)
{
	for (size_t i = 0; i < l->nw; i++)
		if (l->w[i].fd == fd)
			return &l->w[i];
	return NULL;
}

int nfx_loop_watch(struct nfx_loop *l, int fd, short events, nfx_loop_io_fn fn, void *ctx)
{
	if (fd < 0 || !fn)
		return cfg_err_set("event loop: watch of fd %d without a callback", fd);
	struct watch *w = find_watch(l, fd);
	if (w) {
		*w = (struct watch){fd, events, fn, ctx, ++l->gen};
		return 0;
	}
	if (l->nw == l->capw) {
		size_t nc = l->capw ? l->capw * 2 : 16;
		struct watch *n = realloc(l->w, nc * sizeof *n);
		if (!n)
			return cfg_err_set("out of memory");
		l->w = n;
		l->capw = nc;
	}
	l->w[l->nw++] = (struct watch){fd, events, fn, ctx, ++l->gen};
	return 0;
}

void nfx_loop_set_events(struct nfx_loop *l, int fd, short events)
{
	struct watch *w = find_watch(l, fd);
	if (w)
		w->events = events;
}

void nfx_loop_unwatch(struct nfx_loop *l, int fd)
{
	for (size_t i = 0; i < l->nw; i++)
		if (l->w[i].fd == fd) {
			/* keep the order: callbacks run in watch order */
			memmove(&l->w[i], &l->w[i + 1], (l->nw - i - 1) * sizeof *l->w);
			l->nw--;
			return;
		}
}

bool nfx_loop_watched(const struct nfx_loop *l, int fd) { return find_watch(l, fd) != NULL; }

unsigned nfx_loop_timer_add(struct nfx_loop *l, unsigned ms, bool periodic, nfx_loop_fn fn,
                            void *ctx)
{
	if (!fn || (periodic && ms == 0)) {
		cfg_err_set("event loop: a timer needs a callback (and a period)");
		return 0;
	}
	if (l->nt == l->capt) {
		size_t nc = l->capt ? l->capt * 2 : 8;
		struct timer *n = realloc(l->t, nc * sizeof *n);
		if (!n) {
			cfg_err_set("out of memory");
			return 0;
		}
		l->t = n;
		l->capt = nc;
	}
	unsigned id = l->next_id++;
	if (l->next_id == 0)
		l->next_id = 1;
	l->t[l->nt++] = (struct timer){id, now_ms() + ms, periodic ? ms : 0, fn, ctx};
	return id;
}

static struct timer *find_timer(const struct nfx_loop *l, unsigned id)
{
	for (size_t i = 0; id && i < l->nt; i++)
		if (l->t[i].id == id)
			return &l->t[i];
	return NULL;
}

void nfx_loop_timer_cancel(struct nfx_loop *l, unsigned id)
{
	struct timer *t = find_timer(l, id);
	if (t)
		*t = l->t[--l->nt];
}

long nfx_loop_timer_left(const struct nfx_loop *l, unsigned id)
{
	const struct timer *t = find_timer(l, id);
	if (!t)
		return -1;
	int64_t left = t->due - now_ms();
	return left < 0 ? 0 : (long)left;
}

void nfx_loop_set_hooks(struct nfx_loop *l, nfx_loop_fn before, nfx_loop_fn after, void *ctx)
{
	l->before = before;
	l->after = after;
	l->hctx = ctx;
}

static void on_signal(void *ctx, int fd, short revents)
{
	(void)revents;
	struct nfx_loop *l = ctx;
	struct signalfd_siginfo si;
	while (read(fd, &si, sizeof si) == (ssize_t)sizeof si)
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
			l->stop = true;
}

int nfx_loop_stop_on_signals(struct nfx_loop *l)
{
	if (l->sfd >= 0)
		return 0;
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return cfg_err_set("sigprocmask: %s", strerror(errno));
	signal(SIGPIPE, SIG_IGN);
	l->sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (l->sfd < 0)
		return cfg_err_set("signalfd: %s", strerror(errno));
	if (nfx_loop_watch(l, l->sfd, POLLIN, on_signal, l) < 0) {
		close(l->sfd);
		l->sfd = -1;
		return -1;
	}
	return 0;
}

/* Milliseconds until the nearest timer (-1: no timer), capped at INT_MAX. */
static int next_timeout(const struct nfx_loop *l)
{
	if (!l->nt)
		return -1;
	int64_t due = l->t[0].due;
	for (size_t i = 1; i < l->nt; i++)
		if (l->t[i].due < due)
			due = l->t[i].due;
	int64_t left = due - now_ms();
	if (left < 0)
		return 0;
	return left > INT_MAX ? INT_MAX : (int)left;
}

/* Fire the timers due now, earliest first. A timer added by a callback
 * waits for the next turn, even with 0 ms. */
static void run_timers(struct nfx_loop *l)
{
	int64_t now = now_ms();
	unsigned limit = l->next_id; /* ids from here on were added during this turn */
	for (;;) {
		struct timer *best = NULL;
		for (size_t i = 0; i < l->nt; i++) {
			struct timer *t = &l->t[i];
			if (t->due > now || t->id >= limit)
				continue;
			if (!best || t->due < best->due || (t->due == best->due && t->id < best->id))
				best = t;
		}
		if (!best)
			return;
		nfx_loop_fn fn = best->fn;
		void *ctx = best->ctx;
		if (best->period) {
			/* the next period from when it was due, never in the past */
			best->due += best->period;
			if (best->due <= now)
				best->due = now + best->period;
		} else {
			nfx_loop_timer_cancel(l, best->id);
		}
		fn(ctx); /* may add or cancel timers: BEST is not used after this */
	}
}

int nfx_loop_run_once(struct nfx_loop *l, int max_ms)
{
	if (l->before)
		l->before(l->hctx);
	if (l->cappfd < l->nw) {
		size_t nc = l->nw * 2;
		struct pollfd *p = realloc(l->pfd, nc * sizeof *p);
		if (!p)
			return cfg_err_set("out of memory");
		l->pfd = p;
		uint64_t *g = realloc(l->pgen, nc * sizeof *g);
		if (!g)
			return cfg_err_set("out of memory");
		l->pgen = g;
		l->cappfd = nc;
	}
	size_t n = l->nw;
	for (size_t i = 0; i < n; i++) {
		l->pfd[i] = (struct pollfd){.fd = l->w[i].fd, .events = l->w[i].events};
		l->pgen[i] = l->w[i].gen;
	}
	int timeout = next_timeout(l);
	if (max_ms >= 0 && (timeout < 0 || max_ms < timeout))
		timeout = max_ms;
	if (l->stop)
		timeout = 0;
	int r = poll(l->pfd, n, timeout);
	if (r < 0 && errno != EINTR)
		return cfg_err_set("poll: %s", strerror(errno));
	for (size_t i = 0; r > 0 && i < n; i++) {
		short re = l->pfd[i].revents;
		if (!re)
			continue;
		/* the watch may have gone (or been replaced) during this turn */
		struct watch *w = find_watch(l, l->pfd[i].fd);
		if (!w || w->gen != l->pgen[i])
			continue;
		w->fn(w->ctx, w->fd, re);
	}
	if (l->after)
		l->after(l->hctx);
	run_timers(l);
	return 0;
}

int nfx_loop_run(struct nfx_loop *l)
{
	while (!l->stop)
		if (nfx_loop_run_once(l, -1) < 0)
			return -1;
	return 0;
}

void nfx_loop_stop(struct nfx_loop *l) { l->stop = true; }
bool nfx_loop_stopping(const struct nfx_loop *l) { return l->stop; }
