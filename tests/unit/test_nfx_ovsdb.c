/* Unit tests of nfx_ovsdb (lib/): the OVSDB JSON-RPC client.
 *
 * Framing and echo replies are tested against a fake server on a unix
 * socket (the stream cut into pieces). Everything else runs against a real
 * ovsdb-server (vswitch.ovsschema, no ovs-vswitchd) started by the test in
 * its scratch directory, inside a network namespace made for this test
 * (test_netns.h: "nfx-ut-<pid>", deleted afterwards, leftover processes
 * killed by PID); the server is killed by its PID. Without root, or without
 * ovsdb-server, those tests are skipped.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cfg_err.h"
#include "nfx_loop.h"
#include "nfx_ovsdb.h"
#include "test_netns.h"

#include "test_ovsdb_server.h"



static int server_setup(void **state)
{
	(void)state;
	if (!ovsdb_server_usable())
		return 0;
	return ovsdb_server_new();
}

static int server_teardown(void **state)
{
	(void)state;
	kill_server();
	return 0;
}

#define NEED_SERVER()                                                                              \
	do {                                                                                           \
		if (!ut_ns[0] || access(OVSDB_SERVER, X_OK) != 0)                                          \
			skip();                                                                                \
	} while (0)

/* Ops adding bridge BR with one port/interface NAME to the root row. */
static json_t *add_bridge_ops(const char *br, const char *name)
{
	return json_pack(
	    "[{s:s, s:s, s:s, s:{s:s}},"
	    " {s:s, s:s, s:s, s:{s:s, s:[s, s]}},"
	    " {s:s, s:s, s:s, s:{s:s, s:[s, s]}},"
	    " {s:s, s:s, s:[], s:[[s, s, [s, [[s, s]]]]]}]",
	    "op", "insert", "table", "Interface", "uuid-name", "i1", "row", "name", name,
	    "op", "insert", "table", "Port", "uuid-name", "p1", "row", "name", name, "interfaces",
	    "named-uuid", "i1",
	    "op", "insert", "table", "Bridge", "uuid-name", "b1", "row", "name", br, "ports",
	    "named-uuid", "p1",
	    "op", "mutate", "table", "Open_vSwitch", "where", "mutations", "bridges", "insert", "set",
	    "named-uuid", "b1");
}

/* ------------------------------------------------------------ value helpers */

static void test_values(void **state)
{
	(void)state;
	json_t *items = json_pack("[s, s]", "a", "b");
	json_t *set = nfx_ovsdb_set(items);
	json_t *its, *one;
	assert_int_equal(nfx_ovsdb_set_items(set, &its, &one), 2);
	assert_string_equal(json_string_value(nfx_ovsdb_set_at(set, 1)), "b");
	json_t *atom = json_string("x");
	assert_int_equal(nfx_ovsdb_set_items(atom, &its, &one), 1);
	assert_ptr_equal(one, atom);
	json_t *u = nfx_ovsdb_uuid("0000");
	assert_string_equal(nfx_ovsdb_uuid_str(u), "0000");
	assert_null(nfx_ovsdb_uuid_str(atom));
	json_t *obj = json_pack("{s:s}", "dpdk-init", "true");
	json_t *map = nfx_ovsdb_map(obj);
	assert_string_equal(json_string_value(nfx_ovsdb_map_get(map, "dpdk-init")), "true");
	assert_null(nfx_ovsdb_map_get(map, "nope"));
	json_t *bad = json_pack("[{s:n}, {s:s, s:s}]", "uuid", "error", "constraint violation",
	                        "details", "no row");
	assert_int_equal(nfx_ovsdb_txn_check(bad, 2), -1);
	assert_non_null(strstr(cfg_err_msg(), "constraint violation: no row (operation 2)"));
	json_t *good = json_pack("[{}, {}]");
	assert_int_equal(nfx_ovsdb_txn_check(good, 2), 0);
	assert_int_equal(nfx_ovsdb_txn_check(good, 3), -1);
	json_decref(items), json_decref(set), json_decref(atom), json_decref(u);
	json_decref(obj), json_decref(map), json_decref(bad), json_decref(good);
}

/* ------------------------------------------------------------ fake server */

static void write_all(int fd, const char *s)
{
	size_t n = strlen(s);
	while (n) {
		ssize_t w = write(fd, s, n);
		assert_true(w > 0);
		s += w;
		n -= (size_t)w;
	}
}

static bool fake_state;
static void on_state(void *ctx, bool up)
{
	(void)ctx;
	fake_state = up;
}

static void test_framing_echo(void **state)
{
	(void)state;
	char path[108];
	snprintf(path, sizeof path, "/tmp/nfx-ut-ovsdb-%ld.sock", (long)getpid());
	unlink(path);
	int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	strcpy(sa.sun_path, path);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(lfd, 4), 0);
	struct nfx_loop *l = nfx_loop_new();
	struct nfx_ovsdb *c = nfx_ovsdb_new(l, path, "Open_vSwitch", 50);
	nfx_ovsdb_on_state(c, on_state, NULL);
	assert_true(nfx_ovsdb_connected(c));
	int fd = accept(lfd, NULL, NULL);
	assert_true(fd >= 0);
	/* an echo whose string holds braces and an escaped quote, in pieces,
	   followed at once by a second echo */
	write_all(fd, "  {\"method\":\"echo\",\"params\":[\"a}\\\"{");
	nfx_loop_run_once(l, 50);
	write_all(fd, "]\"],\"id\":\"e1\"}\n{\"id\":\"e2\",\"method\":\"echo\",\"params\":[]}");
	char buf[512] = "";
	size_t len = 0;
	for (int i = 0; i < 100 && !strstr(buf, "e2"); i++) {
		nfx_loop_run_once(l, 20);
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, 20) > 0) {
			ssize_t r = read(fd, buf + len, sizeof buf - 1 - len);
			if (r > 0)
				len += (size_t)r;
			buf[len] = '\0';
		}
	}
	json_error_t je;
	json_t *r1 = json_loadb(buf, len, JSON_DISABLE_EOF_CHECK, &je);
	assert_non_null(r1);
	assert_string_equal(json_string_value(json_object_get(r1, "id")), "e1");
	assert_string_equal(json_string_value(json_array_get(json_object_get(r1, "result"), 0)),
	                    "a}\"{]");
	assert_non_null(strstr(buf, "\"e2\""));
	json_decref(r1);
	/* garbage: the client drops the connection and retries */
	write_all(fd, "hello");
	for (int i = 0; i < 100 && fake_state; i++)
		nfx_loop_run_once(l, 20);
	assert_false(fake_state);
	close(fd);
	/* it comes back by itself */
	for (int i = 0; i < 100 && !fake_state; i++)
		nfx_loop_run_once(l, 20);
	assert_true(fake_state);
	nfx_ovsdb_free(c);
	nfx_loop_free(l);
	close(lfd);
	unlink(path);
}

/* ------------------------------------------------------------ real server */

static void test_sync_transact(void **state)
{
	(void)state;
	NEED_SERVER();
	struct nfx_ovsdb_sync *s = nfx_ovsdb_sync_open(sock, "Open_vSwitch", 10000);
	assert_non_null(s);
	json_t *ops = add_bridge_ops("br-t", "p1");
	json_t *res;
	assert_int_equal(nfx_ovsdb_sync_transact(s, ops, &res), 0);
	assert_int_equal(nfx_ovsdb_txn_check(res, json_array_size(ops)), 0);
	json_decref(res);
	json_decref(ops);
	json_t *sel = json_pack("[{s:s, s:s, s:[[s, s, s]], s:[s]}]", "op", "select", "table", "Bridge",
	                        "where", "name", "==", "br-t", "columns", "ports");
	assert_int_equal(nfx_ovsdb_sync_transact(s, sel, &res), 0);
	json_t *rows = json_object_get(json_array_get(res, 0), "rows");
	assert_int_equal(json_array_size(rows), 1);
	assert_non_null(nfx_ovsdb_uuid_str(json_object_get(json_array_get(rows, 0), "ports")));
	json_decref(res);
	json_decref(sel);
	/* a second bridge with the same port name violates nothing in the
	   schema, but a bridge of the same name does (index) */
	ops = add_bridge_ops("br-t", "p2");
	assert_int_equal(nfx_ovsdb_sync_transact(s, ops, &res), 0);
	assert_int_equal(nfx_ovsdb_txn_check(res, json_array_size(ops)), -1);
	assert_non_null(strstr(cfg_err_msg(), "ovsdb: constraint violation"));
	json_decref(res);
	json_decref(ops);
	/* a bad operation */
	json_t *bad = json_pack("[{s:s, s:s}]", "op", "frobnicate", "table", "Bridge");
	assert_int_equal(nfx_ovsdb_sync_transact(s, bad, &res), 0);
	assert_int_equal(nfx_ovsdb_txn_check(res, 1), -1);
	json_decref(res);
	json_decref(bad);
	/* unknown database: the server's error member */
	nfx_ovsdb_sync_close(s);
	s = nfx_ovsdb_sync_open(sock, "Nope", 10000);
	json_t *none = json_array();
	assert_int_equal(nfx_ovsdb_sync_transact(s, none, NULL), -1);
	assert_non_null(strstr(cfg_err_msg(), "ovsdb: "));
	json_decref(none);
	nfx_ovsdb_sync_close(s);
	nfx_ovsdb_sync_close(NULL);
}

static void set_cur_cfg(int64_t v)
{
	struct nfx_ovsdb_sync *s = nfx_ovsdb_sync_open(sock, "Open_vSwitch", 10000);
	assert_non_null(s);
	json_t *ops = json_pack("[{s:s, s:s, s:[], s:{s:I}}]", "op", "update", "table", "Open_vSwitch",
	                        "where", "row", "cur_cfg", (json_int_t)v);
	json_t *res;
	assert_int_equal(nfx_ovsdb_sync_transact(s, ops, &res), 0);
	assert_int_equal(nfx_ovsdb_txn_check(res, 1), 0);
	json_decref(res);
	json_decref(ops);
	nfx_ovsdb_sync_close(s);
}

/* plays ovs-vswitchd: after a moment, cur_cfg := next_cfg */
static void *fake_vswitchd(void *arg)
{
	(void)arg;
	struct timespec ts = {0, 200 * 1000000};
	nanosleep(&ts, NULL);
	struct nfx_ovsdb_sync *s = nfx_ovsdb_sync_open(sock, "Open_vSwitch", 10000);
	json_t *sel = json_pack("[{s:s, s:s, s:[], s:[s]}]", "op", "select", "table", "Open_vSwitch",
	                        "where", "columns", "next_cfg");
	json_t *res;
	nfx_ovsdb_sync_transact(s, sel, &res);
	json_int_t nc = json_integer_value(
	    json_object_get(json_array_get(json_object_get(json_array_get(res, 0), "rows"), 0), "next_cfg"));
	json_decref(res);
	json_decref(sel);
	nfx_ovsdb_sync_close(s);
	set_cur_cfg(nc);
	return NULL;
}

static void test_commit_wait(void **state)
{
	(void)state;
	NEED_SERVER();
	struct nfx_ovsdb_sync *s = nfx_ovsdb_sync_open(sock, "Open_vSwitch", 2000);
	assert_non_null(s);
	/* nobody applies it: the wait times out with a clear message */
	json_t *ops = add_bridge_ops("br-a", "pa");
	assert_int_equal(nfx_ovsdb_commit(s, ops, true, NULL), -1);
	assert_non_null(strstr(cfg_err_msg(), "ovs-vswitchd did not apply the change"));
	json_decref(ops);
	/* a fake vswitchd catches up: the wait returns */
	pthread_t th;
	pthread_create(&th, NULL, fake_vswitchd, NULL);
	ops = add_bridge_ops("br-b", "pb");
	json_t *res;
	assert_int_equal(nfx_ovsdb_commit(s, ops, true, &res), 0);
	assert_int_equal(json_array_size(res), json_array_size(ops) + 2);
	json_decref(res);
	json_decref(ops);
	pthread_join(th, NULL);
	/* a failing transaction changes nothing and says why */
	ops = add_bridge_ops("br-b", "pc");
	assert_int_equal(nfx_ovsdb_commit(s, ops, true, NULL), -1);
	assert_non_null(strstr(cfg_err_msg(), "constraint violation"));
	json_decref(ops);
	nfx_ovsdb_sync_close(s);
}

struct async_state {
	bool up;
	int updates, initials;
	bool saw_port;
	int replies;
	char error[256];
	int cfg_done; /* 1 ok, -1 timeout */
};

static void a_state(void *ctx, bool up)
{
	((struct async_state *)ctx)->up = up;
}

static void a_update(void *ctx, json_t *u, bool initial)
{
	struct async_state *a = ctx;
	a->updates++;
	if (initial)
		a->initials++;
	const char *k;
	json_t *row;
	json_object_foreach(json_object_get(u, "Interface"), k, row) {
		const char *n = json_string_value(json_object_get(json_object_get(row, "new"), "name"));
		if (n && strcmp(n, "mon1") == 0)
			a->saw_port = true;
	}
}

static void a_reply(void *ctx, json_t *result, const char *error)
{
	struct async_state *a = ctx;
	a->replies++;
	if (error)
		snprintf(a->error, sizeof a->error, "%s", error);
	else if (nfx_ovsdb_txn_check(result, 1) < 0)
		snprintf(a->error, sizeof a->error, "%s", cfg_err_msg());
}

static void a_cfg(void *ctx, bool ok)
{
	((struct async_state *)ctx)->cfg_done = ok ? 1 : -1;
}

#define RUN_UNTIL(l, cond)                                                                         \
	do {                                                                                           \
		for (int _i = 0; _i < 500 && !(cond); _i++)                                                \
			nfx_loop_run_once(l, 20);                                                              \
		assert_true(cond);                                                                         \
	} while (0)

static void test_async(void **state)
{
	(void)state;
	NEED_SERVER();
	struct async_state a = {0};
	struct nfx_loop *l = nfx_loop_new();
	struct nfx_ovsdb *c = nfx_ovsdb_new(l, sock, "Open_vSwitch", 100);
	nfx_ovsdb_on_state(c, a_state, &a);
	assert_true(nfx_ovsdb_connected(c));
	json_t *req = json_pack("{s:{s:[s, s]}}", "Interface", "columns", "name", "error");
	assert_true(nfx_ovsdb_monitor(c, req, a_update, &a) > 0);
	json_decref(req);
	RUN_UNTIL(l, a.initials == 1);
	json_t *ops = add_bridge_ops("br-m", "mon1");
	assert_int_equal(nfx_ovsdb_transact(c, ops, a_reply, &a), 0);
	json_decref(ops);
	RUN_UNTIL(l, a.replies == 1 && a.saw_port);
	assert_string_equal(a.error, "");

	/* wait for cur_cfg: already there, then one that a fake vswitchd reaches */
	a.cfg_done = 0;
	assert_int_equal(nfx_ovsdb_wait_cfg(c, 0, 5000, a_cfg, &a), 0);
	RUN_UNTIL(l, a.cfg_done == 1);
	a.cfg_done = 0;
	assert_int_equal(nfx_ovsdb_wait_cfg(c, 7, 10000, a_cfg, &a), 0);
	nfx_loop_run_once(l, 50);
	assert_int_equal(a.cfg_done, 0);
	set_cur_cfg(7);
	RUN_UNTIL(l, a.cfg_done == 1);
	assert_int_equal(nfx_ovsdb_cur_cfg(c), 7);
	a.cfg_done = 0;
	assert_int_equal(nfx_ovsdb_wait_cfg(c, 99, 200, a_cfg, &a), 0);
	RUN_UNTIL(l, a.cfg_done == -1);

	/* a transaction in flight when the server dies gets an error */
	json_t *blocker = json_pack("[{s:s, s:i, s:s, s:[], s:[s], s:s, s:[{s:i}]}]", "op", "wait",
	                            "timeout", 60000, "table", "Open_vSwitch", "where", "columns",
	                            "cur_cfg", "until", "==", "rows", "cur_cfg", 12345);
	assert_int_equal(nfx_ovsdb_transact(c, blocker, a_reply, &a), 0);
	json_decref(blocker);
	nfx_loop_run_once(l, 50);
	assert_int_equal(a.replies, 1);
	kill_server();
	RUN_UNTIL(l, !a.up && a.replies == 2);
	assert_non_null(strstr(a.error, "connection to ovsdb lost"));
	json_t *empty = json_array();
	assert_int_equal(nfx_ovsdb_transact(c, empty, NULL, NULL), -1);
	assert_non_null(strstr(cfg_err_msg(), "not connected"));
	json_decref(empty);

	/* it reconnects to the restarted server and monitors again */
	a.saw_port = false;
	start_server();
	RUN_UNTIL(l, a.up && a.initials == 2 && a.saw_port);
	nfx_ovsdb_free(c);
	nfx_ovsdb_free(NULL);
	nfx_loop_free(l);
}

int main(int argc, char **argv)
{
	int rc = ut_enter_netns(argc, argv, false);
	if (rc >= 0)
		return rc;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_framing_echo),
		cmocka_unit_test_setup_teardown(test_sync_transact, server_setup, server_teardown),
		cmocka_unit_test_setup_teardown(test_commit_wait, server_setup, server_teardown),
		cmocka_unit_test_setup_teardown(test_async, server_setup, server_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
