/* nfx_loop: fds dispatch, watch replacement and unwatch inside a callback,
 * one-shot and periodic timers (order, cancel, added from a callback),
 * hooks, stop and the signalfd stop. Waits are bounded generously. */
#include "test_common.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "nfx_loop.h"

static int64_t ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Turn L until *DONE or LIMIT_MS passed. Returns true if *DONE. */
static bool turn_until(struct nfx_loop *l, const bool *done, int limit_ms)
{
	int64_t end = ms_now() + limit_ms;
	while (!*done && ms_now() < end)
		assert_int_equal(nfx_loop_run_once(l, 100), 0);
	return *done;
}

struct ioctx {
	struct nfx_loop *l;
	int calls;
	int fd_to_unwatch; /* -1: none */
	int other_fd;
	char last;
	bool done;
};

static void on_read(void *ctx, int fd, short re)
{
	struct ioctx *x = ctx;
	assert_true(re & POLLIN);
	char c;
	if (read(fd, &c, 1) == 1)
		x->last = c;
	x->calls++;
	x->done = true;
	if (x->fd_to_unwatch >= 0)
		nfx_loop_unwatch(x->l, x->fd_to_unwatch);
}

static void fds(void **state)
{
	(void)state;
	struct nfx_loop *l = nfx_loop_new();
	assert_non_null(l);
	int p[2];
	assert_int_equal(pipe(p), 0);
	struct ioctx x = {.l = l, .fd_to_unwatch = -1};
	assert_int_equal(nfx_loop_watch(l, p[0], POLLIN, on_read, &x), 0);
	assert_true(nfx_loop_watched(l, p[0]));
	/* nothing ready: a bounded turn returns without a call */
	assert_int_equal(nfx_loop_run_once(l, 10), 0);
	assert_int_equal(x.calls, 0);
	assert_int_equal(write(p[1], "a", 1), 1);
	assert_true(turn_until(l, &x.done, 5000));
	assert_int_equal(x.calls, 1);
	assert_int_equal(x.last, 'a');
	/* events 0: not polled for now */
	nfx_loop_set_events(l, p[0], 0);
	assert_int_equal(write(p[1], "b", 1), 1);
	assert_int_equal(nfx_loop_run_once(l, 20), 0);
	assert_int_equal(x.calls, 1);
	nfx_loop_set_events(l, p[0], POLLIN);
	x.done = false;
	assert_true(turn_until(l, &x.done, 5000));
	assert_int_equal(x.last, 'b');
	/* unwatched: no more calls */
	nfx_loop_unwatch(l, p[0]);
	assert_false(nfx_loop_watched(l, p[0]));
	assert_int_equal(write(p[1], "c", 1), 1);
	assert_int_equal(nfx_loop_run_once(l, 20), 0);
	assert_int_equal(x.calls, 2);
	/* bad arguments are refused with an error */
	assert_int_equal(nfx_loop_watch(l, -1, POLLIN, on_read, &x), -1);
	assert_int_equal(nfx_loop_watch(l, p[0], POLLIN, NULL, &x), -1);
	close(p[0]);
	close(p[1]);
	nfx_loop_free(l);
	nfx_loop_free(NULL);
}

/* Two fds ready in the same turn: the first callback unwatches the second,
 * which then gets no call, not even when its fd is watched again. */
static void unwatch_in_callback(void **state)
{
	(void)state;
	struct nfx_loop *l = nfx_loop_new();
	int a[2], b[2];
	assert_int_equal(pipe(a), 0);
	assert_int_equal(pipe(b), 0);
	struct ioctx xa = {.l = l, .fd_to_unwatch = b[0]};
	struct ioctx xb = {.l = l, .fd_to_unwatch = -1};
	assert_int_equal(nfx_loop_watch(l, a[0], POLLIN, on_read, &xa), 0);
	assert_int_equal(nfx_loop_watch(l, b[0], POLLIN, on_read, &xb), 0);
	assert_int_equal(write(a[1], "x", 1), 1);
	assert_int_equal(write(b[1], "y", 1), 1);
	assert_true(turn_until(l, &xa.done, 5000));
	assert_int_equal(xa.calls, 1);
	assert_int_equal(xb.calls, 0);
	assert_false(nfx_loop_watched(l, b[0]));
	/* the callback unwatches itself and re-watches the other: the new
	 * watch starts with the next turn */
	xa.fd_to_unwatch = a[0];
	xa.done = false;
	assert_int_equal(write(a[1], "z", 1), 1);
	assert_true(turn_until(l, &xa.done, 5000));
	assert_false(nfx_loop_watched(l, a[0]));
	assert_int_equal(nfx_loop_watch(l, b[0], POLLIN, on_read, &xb), 0);
	assert_true(turn_until(l, &xb.done, 5000));
	assert_int_equal(xb.calls, 1);
	assert_int_equal(xb.last, 'y');
	/* a second watch of an fd replaces the first */
	struct ioctx xc = {.l = l, .fd_to_unwatch = -1};
	assert_int_equal(nfx_loop_watch(l, b[0], POLLIN, on_read, &xc), 0);
	xb.done = false;
	assert_int_equal(write(b[1], "w", 1), 1);
	assert_true(turn_until(l, &xc.done, 5000));
	assert_int_equal(xb.calls, 1);
	assert_int_equal(xc.last, 'w');
	for (int i = 0; i < 2; i++) {
		close(a[i]);
		close(b[i]);
	}
	nfx_loop_free(l);
}

struct tctx {
	struct nfx_loop *l;
	int fired;
	int64_t at[8];
	char *order; /* appended to on each firing */
	char tag;
	unsigned cancel; /* a timer to cancel when fired */
	unsigned added;  /* a one-shot this callback added */
	struct tctx *child;
	bool done;
};

static void on_timer(void *ctx)
{
	struct tctx *x = ctx;
	if (x->fired < 8)
		x->at[x->fired] = ms_now();
	x->fired++;
	x->done = true;
	if (x->order) {
		size_t n = strlen(x->order);
		x->order[n] = x->tag;
		x->order[n + 1] = '\0';
	}
	if (x->cancel)
		nfx_loop_timer_cancel(x->l, x->cancel);
	if (x->child && !x->added)
		x->added = nfx_loop_timer_add(x->l, 0, false, on_timer, x->child);
}

static void timers(void **state)
{
	(void)state;
	struct nfx_loop *l = nfx_loop_new();
	char order[32] = "";
	/* one-shot: fires once, after its delay, in due order */
	struct tctx late = {.l = l, .order = order, .tag = 'L'};
	struct tctx early = {.l = l, .order = order, .tag = 'E'};
	int64_t t0 = ms_now();
	unsigned idl = nfx_loop_timer_add(l, 120, false, on_timer, &late);
	unsigned ide = nfx_loop_timer_add(l, 40, false, on_timer, &early);
	assert_true(idl > 0 && ide > 0 && idl != ide);
	assert_true(nfx_loop_timer_left(l, idl) > 40);
	assert_true(turn_until(l, &late.done, 5000));
	assert_string_equal(order, "EL");
	assert_true(early.at[0] - t0 >= 40);
	assert_true(late.at[0] - t0 >= 120);
	assert_int_equal(nfx_loop_timer_left(l, idl), -1); /* gone */
	for (int i = 0; i < 5; i++)
		assert_int_equal(nfx_loop_run_once(l, 20), 0);
	assert_int_equal(late.fired, 1);
	assert_int_equal(early.fired, 1);

	/* periodic: fires again and again until cancelled */
	struct tctx per = {.l = l};
	unsigned idp = nfx_loop_timer_add(l, 20, true, on_timer, &per);
	int64_t end = ms_now() + 10000;
	while (per.fired < 4 && ms_now() < end)
		assert_int_equal(nfx_loop_run_once(l, 200), 0);
	assert_true(per.fired >= 4);
	for (int i = 1; i < 4; i++)
		assert_true(per.at[i] - per.at[i - 1] >= 15);
	nfx_loop_timer_cancel(l, idp);
	int n = per.fired;
	for (int i = 0; i < 4; i++)
		assert_int_equal(nfx_loop_run_once(l, 30), 0);
	assert_int_equal(per.fired, n);
	assert_int_equal(nfx_loop_timer_left(l, idp), -1);
	nfx_loop_timer_cancel(l, idp); /* twice: harmless */
	nfx_loop_timer_cancel(l, 0);

	/* a callback cancels another timer due in the same turn, and adds one:
	 * the cancelled one never fires, the added one fires on a later turn */
	struct tctx victim = {.l = l};
	struct tctx child = {.l = l};
	struct tctx killer = {.l = l, .child = &child};
	unsigned idk = nfx_loop_timer_add(l, 10, false, on_timer, &killer);
	unsigned idv = nfx_loop_timer_add(l, 10, false, on_timer, &victim);
	assert_true(idk && idv);
	killer.cancel = idv;
	assert_true(turn_until(l, &killer.done, 5000));
	assert_int_equal(victim.fired, 0);
	assert_true(killer.added > 0);
	assert_int_equal(child.fired, 0); /* not in the turn that added it */
	assert_true(turn_until(l, &child.done, 5000));
	assert_int_equal(child.fired, 1);
	assert_int_equal(victim.fired, 0);

	/* a periodic timer needs a period; a timer needs a callback */
	assert_int_equal(nfx_loop_timer_add(l, 0, true, on_timer, &per), 0);
	assert_int_equal(nfx_loop_timer_add(l, 10, false, NULL, &per), 0);
	/* freeing a loop with timers pending is fine */
	assert_true(nfx_loop_timer_add(l, 100000, false, on_timer, &per) > 0);
	nfx_loop_free(l);
}

struct hctx {
	int before, after;
	struct nfx_loop *l;
	int stop_after;
};

static void h_before(void *ctx) { ((struct hctx *)ctx)->before++; }
static void h_after(void *ctx)
{
	struct hctx *h = ctx;
	if (++h->after == h->stop_after)
		nfx_loop_stop(h->l);
}

static void hooks_and_stop(void **state)
{
	(void)state;
	struct nfx_loop *l = nfx_loop_new();
	struct hctx h = {.l = l, .stop_after = 3};
	nfx_loop_set_hooks(l, h_before, h_after, &h);
	/* a periodic timer keeps the loop turning; the after hook stops it */
	struct tctx per = {.l = l};
	assert_true(nfx_loop_timer_add(l, 5, true, on_timer, &per) > 0);
	assert_false(nfx_loop_stopping(l));
	assert_int_equal(nfx_loop_run(l), 0);
	assert_true(nfx_loop_stopping(l));
	assert_int_equal(h.before, 3);
	assert_int_equal(h.after, 3);
	/* stopped: run returns at once */
	assert_int_equal(nfx_loop_run(l), 0);
	assert_int_equal(h.after, 3);
	nfx_loop_free(l);
}

static void on_alarm_timer(void *ctx)
{
	(void)ctx;
	kill(getpid(), SIGTERM); /* blocked: it arrives through the signalfd */
}

static bool safety_fired;
static void on_safety(void *ctx)
{
	safety_fired = true;
	nfx_loop_stop(ctx);
}

static void signal_stops(void **state)
{
	(void)state;
	struct nfx_loop *l = nfx_loop_new();
	assert_int_equal(nfx_loop_stop_on_signals(l), 0);
	assert_int_equal(nfx_loop_stop_on_signals(l), 0); /* once is enough */
	assert_true(nfx_loop_timer_add(l, 20, false, on_alarm_timer, NULL) > 0);
	/* a safety net: a long timer that fails the test if reached */
	assert_true(nfx_loop_timer_add(l, 20000, false, on_safety, l) > 0);
	assert_int_equal(nfx_loop_run(l), 0);
	assert_false(safety_fired);
	assert_true(nfx_loop_stopping(l));
	nfx_loop_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fds),
		cmocka_unit_test(unwatch_in_callback),
		cmocka_unit_test(timers),
		cmocka_unit_test(hooks_and_stop),
		cmocka_unit_test(signal_stops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
