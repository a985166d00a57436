/* Unit tests of jdm_live (ICMP liveliness).
 *
 * Everything that sends a packet runs inside a network namespace made for
 * this test: main() (as root) creates "nfx-ut-<pid>", re-executes this
 * program under `ip netns exec`, waits for it and deletes the namespace
 * afterwards, also when the tests fail, crash or are interrupted. Without
 * root (or `ip netns`) those tests are skipped.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test_common.h"

#include "jdm_live.h"
#include "jdm_net.h"

#include "test_netns.h"

/* --- helpers --------------------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run L's loop (poll, input, tick with time(NULL)) until NAME's state is
 * WANT or SECONDS pass. The time it took, or -1. */
static double loop_until(struct jdm_live *l, const char *name, int want, double seconds)
{
	double t0 = now_s();
	while (now_s() - t0 < seconds) {
		jdm_live_tick(l, time(NULL));
		struct pollfd p = {.fd = jdm_live_fd(l), .events = POLLIN};
		if (poll(&p, 1, 100) > 0)
			jdm_live_input(l);
		if (jdm_live_state(l, name) == want)
			return now_s() - t0;
	}
	return -1;
}

/* Wait up to MS for replies and read them. */
static void drain(struct jdm_live *l, int ms)
{
	double t0 = now_s();
	while ((now_s() - t0) * 1000 < ms) {
		struct pollfd p = {.fd = jdm_live_fd(l), .events = POLLIN};
		if (poll(&p, 1, 20) > 0)
			jdm_live_input(l);
	}
}

static void write_sysctl(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, value, strlen(value)), (ssize_t)strlen(value));
	close(fd);
}

/* --- tests that send nothing ------------------------------------------------ */

static void test_targets_validation(void **state)
{
	(void)state;
	struct jdm_live *l = jdm_live_new();
	if (!l)
		skip(); /* neither ping nor raw sockets allowed here */
	struct jdm_live_target bad_ip[] = {{"vsrx", "192.168.1.300"}};
	assert_int_equal(jdm_live_set_targets(l, bad_ip, 1), -1);
	assert_non_null(strstr(cfg_err_msg(), "bad address"));
	struct jdm_live_target dup[] = {{"vsrx", "192.168.1.100"}, {"vsrx", "192.168.1.101"}};
	assert_int_equal(jdm_live_set_targets(l, dup, 2), -1);
	struct jdm_live_target noname[] = {{"", "192.168.1.100"}};
	assert_int_equal(jdm_live_set_targets(l, noname, 1), -1);
	struct jdm_live_target ok[] = {{"vsrx", "192.168.1.100"}, {"vrtr1", "192.168.1.101"}};
	assert_int_equal(jdm_live_set_targets(l, ok, 2), 0);
	assert_int_equal(jdm_live_state(l, "vsrx"), 0);
	assert_int_equal(jdm_live_state(l, "vrtr1"), 0);
	assert_int_equal(jdm_live_state(l, "nope"), -1);
	assert_int_equal(jdm_live_sent(l, "vsrx"), 0);
	assert_true(jdm_live_fd(l) >= 0);
	assert_true(!strcmp(jdm_live_socket_kind(l), "raw") || !strcmp(jdm_live_socket_kind(l), "ping"));
	/* an empty set */
	assert_int_equal(jdm_live_set_targets(l, NULL, 0), 0);
	assert_int_equal(jdm_live_state(l, "vsrx"), -1);
	jdm_live_free(l);
	jdm_live_free(NULL);
}

/* --- tests inside the namespace ---------------------------------------------- */

static int ns_setup(void **state)
{
	(void)state;
	if (ut_ns[0] && jdm_net_link_up("lo") != 0)
		return -1;
	return 0;
}

/* 127.0.0.1 answers: alive within a second or two. */
static void test_loopback_alive(void **state)
{
	(void)state;
	NEED_NETNS();
	struct jdm_live *l = jdm_live_new();
	assert_non_null(l);
	jdm_live_set_periods(l, 1, 1);
	struct jdm_live_target t[] = {{"self", "127.0.0.1"}};
	assert_int_equal(jdm_live_set_targets(l, t, 1), 0);
	assert_int_equal(jdm_live_state(l, "self"), 0);
	double took = loop_until(l, "self", 1, 5);
	assert_true(took >= 0);
	assert_true(jdm_live_received(l, "self") >= 1);
	jdm_live_free(l);
}

/* Nobody at 192.168.1.77 on a bridge of our own: stays down; probed
 * every DOWN period (1 s). */
static void test_unreachable_down(void **state)
{
	(void)state;
	NEED_NETNS();
	assert_int_equal(jdm_net_bridge_add("ut-br0"), 0);
	const char *a[] = {"192.168.1.254/24"};
	assert_int_equal(jdm_net_set_addrs("ut-br0", a, 1), 0);
	struct jdm_live *l = jdm_live_new();
	assert_non_null(l);
	struct jdm_live_target t[] = {{"ghost", "192.168.1.77"}};
	assert_int_equal(jdm_live_set_targets(l, t, 1), 0);
	assert_true(loop_until(l, "ghost", 1, 3.2) < 0);
	assert_int_equal(jdm_live_state(l, "ghost"), 0);
	unsigned sent = jdm_live_sent(l, "ghost");
	assert_true(sent >= 3 && sent <= 5);
	assert_int_equal(jdm_live_received(l, "ghost"), 0);
	jdm_live_free(l);
	assert_int_equal(jdm_net_link_del("ut-br0"), 0);
}

/* The schedule with a made-up clock: 5 s between probes while alive, 1 s
 * while down; down once no probe of the last 15 s was answered. */
static void test_schedule(void **state)
{
	(void)state;
	NEED_NETNS();
	struct jdm_live *l = jdm_live_new();
	assert_non_null(l);
	struct jdm_live_target t[] = {{"self", "127.0.0.1"}};
	assert_int_equal(jdm_live_set_targets(l, t, 1), 0);
	time_t T = 1000000;
	jdm_live_tick(l, T);
	assert_int_equal(jdm_live_sent(l, "self"), 1);
	drain(l, 300);
	assert_int_equal(jdm_live_state(l, "self"), 1);
	for (int i = 1; i < 5; i++) {
		jdm_live_tick(l, T + i);
		assert_int_equal(jdm_live_sent(l, "self"), 1);
	}
	/* replies from now on are left unread: as if the VNF stopped answering */
	jdm_live_tick(l, T + 5);
	assert_int_equal(jdm_live_sent(l, "self"), 2);
	jdm_live_tick(l, T + 10);
	assert_int_equal(jdm_live_sent(l, "self"), 3);
	jdm_live_tick(l, T + 14);
	assert_int_equal(jdm_live_state(l, "self"), 1);
	jdm_live_tick(l, T + 15); /* last answer was for the probe at T */
	assert_int_equal(jdm_live_state(l, "self"), 0);
	assert_int_equal(jdm_live_sent(l, "self"), 4);
	jdm_live_tick(l, T + 16); /* down: every second */
	assert_int_equal(jdm_live_sent(l, "self"), 5);
	jdm_live_tick(l, T + 17);
	assert_int_equal(jdm_live_sent(l, "self"), 6);
	/* answers arrive again (the queued ones, then fresh ones) */
	drain(l, 300);
	assert_int_equal(jdm_live_state(l, "self"), 1);
	jdm_live_free(l);
}

/* set_targets keeps the state of unchanged targets, resets changed ones;
 * jdm_live_probe adds a target and sends at once. */
static void test_targets_keep_state(void **state)
{
	(void)state;
	NEED_NETNS();
	struct jdm_live *l = jdm_live_new();
	assert_non_null(l);
	jdm_live_probe(l, "self", "127.0.0.1");
	assert_int_equal(jdm_live_sent(l, "self"), 1);
	drain(l, 300);
	assert_int_equal(jdm_live_state(l, "self"), 1);
	struct jdm_live_target t2[] = {{"other", "127.0.0.2"}, {"self", "127.0.0.1"}};
	assert_int_equal(jdm_live_set_targets(l, t2, 2), 0);
	assert_int_equal(jdm_live_state(l, "self"), 1);
	assert_int_equal(jdm_live_state(l, "other"), 0);
	struct jdm_live_target t3[] = {{"self", "127.0.0.3"}};
	assert_int_equal(jdm_live_set_targets(l, t3, 1), 0);
	assert_int_equal(jdm_live_state(l, "self"), 0);
	assert_int_equal(jdm_live_state(l, "other"), -1);
	jdm_live_probe(l, "self", "127.0.0.3"); /* answers from 127.0.0.3 */
	drain(l, 300);
	assert_int_equal(jdm_live_state(l, "self"), 1);
	jdm_live_free(l);
}

/* With net.ipv4.ping_group_range open (per namespace), the unprivileged
 * ping socket is used, and works the same. */
static void test_ping_socket(void **state)
{
	(void)state;
	NEED_NETNS();
	write_sysctl("/proc/sys/net/ipv4/ping_group_range", "0 2147483647");
	struct jdm_live *l = jdm_live_new();
	write_sysctl("/proc/sys/net/ipv4/ping_group_range", "1 0");
	assert_non_null(l);
	assert_string_equal(jdm_live_socket_kind(l), "ping");
	jdm_live_set_periods(l, 1, 1);
	struct jdm_live_target t[] = {{"self", "127.0.0.1"}};
	assert_int_equal(jdm_live_set_targets(l, t, 1), 0);
	assert_true(loop_until(l, "self", 1, 5) >= 0);
	jdm_live_free(l);
	/* and the raw socket when it is closed (we are root) */
	l = jdm_live_new();
	assert_non_null(l);
	assert_string_equal(jdm_live_socket_kind(l), "raw");
	jdm_live_free(l);
}

int main(int argc, char **argv)
{
	int rc = ut_enter_netns(argc, argv, false);
	if (rc >= 0)
		return rc;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_targets_validation),
		cmocka_unit_test(test_loopback_alive),
		cmocka_unit_test(test_unreachable_down),
		cmocka_unit_test(test_schedule),
		cmocka_unit_test(test_targets_keep_state),
		cmocka_unit_test(test_ping_socket),
	};
	return cmocka_run_group_tests(tests, ns_setup, NULL);
}
