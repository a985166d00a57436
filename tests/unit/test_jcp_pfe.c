/* Unit tests of jcp_pfe: what a port is to be on the bridge (from
 * configurations), and the subsystem row against a real ovsdb-server
 * (vswitch.ovsschema) in a namespace made for the test (test_netns.h),
 * with a thread that plays ovs-vswitchd (cur_cfg := next_cfg): apply from
 * the diff (one Port row per changed port, uuids kept), undo, converge
 * after the bridge is lost, a server that is gone (the commit fails) and
 * one that is not there yet (the commit is kept for later). Without root
 * or ovsdb-server the OVSDB tests are skipped.
 */
#include "test_common.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cfg_buf.h"
#include "cfg_diff.h"
#include "cfg_load.h"
#include "jcp_pfe.h"
#include "nfx_loop.h"
#include "nfx_ovsdb.h"
#include "nfx_platform.h"
#include "test_netns.h"

#include "test_ovsdb_server.h"

static struct cfg_schema *schema;

static struct cfg_tree *load(const char *text)
{
	struct cfg_tree *t = cfg_tree_new(schema);
	assert_non_null(t);
	assert_int_equal(cfg_load_set(t, NULL, text, strlen(text), "test", 0, NULL), 0);
	return t;
}

/* ------------------------------------------------------------ want_of */

static void test_want(void **state)
{
	(void)state;
	struct cfg_tree *t = load("set vlans v100 vlan-id 100\n"
	                          "set vlans v200 vlan-id 200\n"
	                          "set interfaces ge-0/0/2 unit 0 family ethernet-switching vlan members v100\n"
	                          "set interfaces ge-0/0/3 unit 0 family ethernet-switching interface-mode trunk\n"
	                          "set interfaces ge-0/0/3 unit 0 family ethernet-switching vlan members [ v100 v200 ]\n"
	                          "set interfaces ge-0/0/4 unit 0 family ethernet-switching interface-mode access\n"
	                          "set interfaces ge-0/0/5 unit 0 family ethernet-switching vlan members v200\n"
	                          "deactivate interfaces ge-0/0/5\n"
	                          "set interfaces ge-0/0/6 description uplink\n");
	const struct cfg_node *r = cfg_tree_root(t);
	struct jcp_pfe_want w, w2;
	jcp_pfe_want_of(r, "ge-0/0/2", &w);
	assert_true(w.on);
	assert_false(w.trunk);
	assert_int_equal(w.tag, 100);
	jcp_pfe_want_of(r, "ge-0/0/3", &w);
	assert_true(w.on && w.trunk);
	assert_true(w.vids[100 / 64] & (1ull << (100 % 64)));
	assert_true(w.vids[200 / 64] & (1ull << (200 % 64)));
	assert_false(w.vids[101 / 64] & (1ull << (101 % 64)));
	jcp_pfe_want_of(r, "ge-0/0/4", &w); /* no members: not switched */
	assert_false(w.on);
	jcp_pfe_want_of(r, "ge-0/0/5", &w); /* inactive */
	assert_false(w.on);
	jcp_pfe_want_of(r, "ge-0/0/6", &w);
	assert_false(w.on);
	jcp_pfe_want_of(r, "ge-0/0/7", &w2);
	assert_false(w2.on);
	cfg_tree_free(t);
}

/* ------------------------------------------------------- against OVSDB */

static pthread_t vsw;
static volatile bool vsw_stop;



/* A transact on a connection of its own; the result is the caller's. */
static json_t *txn(json_t *ops)
{
	struct nfx_ovsdb_sync *s = nfx_ovsdb_sync_open(sock, "Open_vSwitch", 10000);
	assert_non_null(s);
	json_t *res = NULL;
	assert_int_equal(nfx_ovsdb_sync_transact(s, ops, &res), 0);
	assert_int_equal(nfx_ovsdb_txn_check(res, json_array_size(ops)), 0);
	json_decref(ops);
	nfx_ovsdb_sync_close(s);
	return res;
}

/* plays ovs-vswitchd: cur_cfg := next_cfg, every 20 ms */
static void *fake_vswitchd(void *arg)
{
	(void)arg;
	while (!vsw_stop) {
		struct nfx_ovsdb_sync *s = nfx_ovsdb_sync_open(sock, "Open_vSwitch", 2000);
		if (s) {
			json_t *sel = json_pack("[{s:s,s:s,s:[],s:[s,s]}]", "op", "select", "table", "Open_vSwitch",
			                        "where", "columns", "next_cfg", "cur_cfg");
			json_t *res = NULL;
			if (nfx_ovsdb_sync_transact(s, sel, &res) == 0) {
				json_t *row = json_array_get(json_object_get(json_array_get(res, 0), "rows"), 0);
				json_int_t nc = json_integer_value(json_object_get(row, "next_cfg"));
				json_int_t cc = json_integer_value(json_object_get(row, "cur_cfg"));
				if (row && nc != cc) {
					json_t *up = json_pack("[{s:s,s:s,s:[],s:{s:I}}]", "op", "update", "table",
					                       "Open_vSwitch", "where", "row", "cur_cfg", nc);
					json_t *r2 = NULL;
					nfx_ovsdb_sync_transact(s, up, &r2);
					json_decref(r2);
					json_decref(up);
				}
			}
			json_decref(res);
			json_decref(sel);
			nfx_ovsdb_sync_close(s);
		}
		struct timespec ts = {0, 20 * 1000000};
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static int server_setup(void **state)
{
	(void)state;
	if (!ovsdb_server_usable())
		return 0;
	if (ovsdb_server_new() < 0)
		return -1;
	vsw_stop = false;
	pthread_create(&vsw, NULL, fake_vswitchd, NULL);
	return 0;
}

static int server_teardown(void **state)
{
	(void)state;
	if (server_pid > 0) {
		vsw_stop = true;
		pthread_join(vsw, NULL);
	}
	kill_server();
	return 0;
}

#define NEED_SERVER()                                                  \
	do {                                                               \
		if (!ut_ns[0] || access(OVSDB_SERVER, X_OK) != 0)              \
			skip();                                                    \
	} while (0)

/* The bridge's ports as "name uuid tag trunks" lines, sorted by name. */
static void bridge_ports(char *buf, size_t cap)
{
	json_t *res = txn(json_pack("[{s:s,s:s,s:[[s,s,s]],s:[s]},{s:s,s:s,s:[],s:[s,s,s,s]}]",
	                            "op", "select", "table", "Bridge", "where", "name", "==", "pfe-br",
	                            "columns", "ports",
	                            "op", "select", "table", "Port", "where", "columns", "_uuid", "name", "tag",
	                            "trunks"));
	json_t *br = json_array_get(json_object_get(json_array_get(res, 0), "rows"), 0);
	json_t *ports = json_object_get(br, "ports");
	json_t *prows = json_object_get(json_array_get(res, 1), "rows");
	char lines[32][200];
	size_t n = 0;
	json_t *items, *one;
	size_t np = ports ? nfx_ovsdb_set_items(ports, &items, &one) : 0;
	for (size_t k = 0; k < np && n < 32; k++) {
		const char *u = nfx_ovsdb_uuid_str(nfx_ovsdb_set_at(ports, k));
		for (size_t r = 0; r < json_array_size(prows); r++) {
			json_t *pr = json_array_get(prows, r);
			if (strcmp(nfx_ovsdb_uuid_str(json_object_get(pr, "_uuid")), u))
				continue;
			char *tag = json_dumps(json_object_get(pr, "tag"), JSON_COMPACT | JSON_ENCODE_ANY);
			char *tr = json_dumps(json_object_get(pr, "trunks"), JSON_COMPACT | JSON_ENCODE_ANY);
			snprintf(lines[n++], sizeof lines[0], "%s %s %s %s",
			         json_string_value(json_object_get(pr, "name")), u, tag, tr);
			free(tag);
			free(tr);
		}
	}
	qsort(lines, n, sizeof lines[0], (int (*)(const void *, const void *))strcmp);
	size_t l = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		l += (size_t)snprintf(buf + l, cap - l, "%s%s\n", br ? "" : "?", lines[i]);
	if (!br)
		snprintf(buf, cap, "no bridge");
	json_decref(res);
}

/* The line of port NAME in a bridge_ports() text, without its end. */
static const char *line_of(const char *text, const char *name, char *out, size_t cap)
{
	char key[64];
	snprintf(key, sizeof key, "%s ", name);
	const char *p = strstr(text, key);
	if (!p || (p != text && p[-1] != '\n'))
		return NULL;
	const char *nl = strchr(p, '\n');
	snprintf(out, cap, "%.*s", (int)(nl ? (size_t)(nl - p) : strlen(p)), p);
	return out;
}

struct fx {
	struct nfx_loop *loop;
	struct nfx_platform *plat;
	struct jcp_pfe *pfe;
	struct cfg_subsys row;
	struct cfg_buf out;
	struct cfg_findings fs;
};

static void fx_open(struct fx *f, const char *ovs_dir)
{
	memset(f, 0, sizeof *f);
	f->loop = nfx_loop_new();
	assert_non_null(f->loop);
	const char *t = nfx_platform_default_text();
	f->plat = nfx_platform_parse(t, strlen(t), "default");
	assert_non_null(f->plat);
	struct jcp_pfe_opts o = {.ovs_dir = ovs_dir, .platform = f->plat, .wait_ms = 5000};
	f->pfe = jcp_pfe_new(f->loop, &o);
	assert_non_null(f->pfe);
	f->row = jcp_pfe_row(f->pfe);
	cfg_buf_init(&f->out);
}

static void fx_close(struct fx *f)
{
	cfg_findings_free(&f->fs);
	jcp_pfe_free(f->pfe);
	nfx_platform_free(f->plat);
	nfx_loop_free(f->loop);
	cfg_buf_free(&f->out);
}

static int apply(struct fx *f, const struct cfg_tree *a, const struct cfg_tree *b)
{
	struct cfg_diff *d = cfg_diff_new(a, b, CFG_DIFF_EFFECTIVE);
	cfg_findings_free(&f->fs);
	memset(&f->fs, 0, sizeof f->fs);
	int rc = f->row.apply(f->row.ctx, d, &f->out, &f->fs);
	cfg_diff_free(d);
	return rc;
}

static const char *const T1 =
    "set vlans v100 vlan-id 100\n"
    "set interfaces ge-0/0/2 unit 0 family ethernet-switching vlan members v100\n"
    "set interfaces ge-0/0/3 unit 0 family ethernet-switching vlan members v100\n"
    "set interfaces sxe-0/0/1 unit 0 family ethernet-switching interface-mode trunk vlan members v100\n";

static const char *const T2 =
    "set vlans v100 vlan-id 100\n"
    "set vlans v200 vlan-id 200\n"
    "set interfaces ge-0/0/2 unit 0 family ethernet-switching vlan members v100\n"
    "set interfaces ge-0/0/3 unit 0 family ethernet-switching vlan members v200\n"
    "set interfaces ge-0/0/4 unit 0 family ethernet-switching vlan members v100\n"
    "set interfaces sxe-0/0/1 unit 0 family ethernet-switching interface-mode trunk vlan members v100\n";

static void test_apply_diff(void **state)
{
	(void)state;
	NEED_SERVER();
	struct fx f;
	fx_open(&f, dir);
	struct cfg_tree *t0 = cfg_tree_new(schema), *t1 = load(T1);
	char b1[4096], b2[4096], l1[256], l2[256];

	assert_int_equal(apply(&f, t0, t1), 0);
	bridge_ports(b1, sizeof b1);
	assert_non_null(line_of(b1, "ge-0-0-2", l1, sizeof l1));
	assert_non_null(strstr(l1, " 100 [\"set\",[]]"));
	assert_non_null(line_of(b1, "sxe1", l1, sizeof l1));
	assert_non_null(strstr(l1, "[\"set\",[]] 100"));
	assert_null(line_of(b1, "ge-0-0-4", l1, sizeof l1));

	/* ge-0/0/3 moves to v200, ge-0/0/4 joins: the other rows stay as they were */
	struct cfg_tree *t2 = load(T2);
	assert_int_equal(apply(&f, t1, t2), 0);
	bridge_ports(b2, sizeof b2);
	assert_string_equal(line_of(b1, "ge-0-0-2", l1, sizeof l1), line_of(b2, "ge-0-0-2", l2, sizeof l2));
	assert_string_equal(line_of(b1, "sxe1", l1, sizeof l1), line_of(b2, "sxe1", l2, sizeof l2));
	line_of(b1, "ge-0-0-3", l1, sizeof l1);
	line_of(b2, "ge-0-0-3", l2, sizeof l2);
	assert_memory_equal(l1, l2, strlen("ge-0-0-3 ") + 36); /* the same row (uuid) */
	assert_non_null(strstr(l2, " 200 "));
	assert_non_null(line_of(b2, "ge-0-0-4", l2, sizeof l2));

	/* undo (the inverse diff): back to T1 */
	assert_int_equal(apply(&f, t2, t1), 0);
	bridge_ports(b2, sizeof b2);
	assert_null(line_of(b2, "ge-0-0-4", l2, sizeof l2));
	assert_non_null(strstr(line_of(b2, "ge-0-0-3", l2, sizeof l2), " 100 "));

	/* a VLAN's id changes: every port of that VLAN follows, in place */
	struct cfg_tree *t3 = load(T1);
	assert_int_equal(cfg_load_set(t3, NULL, "set vlans v100 vlan-id 300\n", strlen("set vlans v100 vlan-id 300\n"),
	                              "test", 0, NULL), 0);
	bridge_ports(b1, sizeof b1);
	assert_int_equal(apply(&f, t1, t3), 0);
	bridge_ports(b2, sizeof b2);
	assert_non_null(strstr(line_of(b2, "ge-0-0-2", l2, sizeof l2), " 300 "));
	assert_non_null(strstr(line_of(b2, "sxe1", l2, sizeof l2), "[\"set\",[]] 300"));
	line_of(b1, "ge-0-0-2", l1, sizeof l1);
	line_of(b2, "ge-0-0-2", l2, sizeof l2);
	assert_memory_equal(l1, l2, strlen("ge-0-0-2 ") + 36);
	assert_int_equal(apply(&f, t3, t1), 0);
	cfg_tree_free(t3);

	/* deleting everything leaves the bridge empty */
	assert_int_equal(apply(&f, t1, t0), 0);
	bridge_ports(b2, sizeof b2);
	assert_string_equal(b2, "");

	cfg_tree_free(t0);
	cfg_tree_free(t1);
	cfg_tree_free(t2);
	fx_close(&f);
}

static void test_converge_and_monitor(void **state)
{
	(void)state;
	NEED_SERVER();
	struct fx f;
	fx_open(&f, dir);
	struct cfg_tree *t1 = load(T1);
	assert_int_equal(f.row.converge(f.row.ctx, t1, &f.out, &f.fs), 0);
	/* the converge thread makes the bridge; the monitor sees it */
	char b[4096], l[256];
	for (int i = 0; i < 500 && !jcp_pfe_on_bridge(f.pfe, "sxe-0/0/1"); i++)
		nfx_loop_run_once(f.loop, 20);
	assert_true(jcp_pfe_on_bridge(f.pfe, "sxe-0/0/1"));
	assert_true(jcp_pfe_on_bridge(f.pfe, "ge-0/0/2"));
	assert_false(jcp_pfe_on_bridge(f.pfe, "ge-0/0/4"));
	assert_string_equal(jcp_pfe_ifname(f.pfe, "xe-0/0/13"), "xe-0-0-13");

	/* someone deletes the bridge: the monitor notices, the thread makes it again */
	json_t *res = txn(json_pack("[{s:s,s:s,s:[],s:{s:[s,[]]}}]", "op", "update", "table", "Open_vSwitch",
	                            "where", "row", "bridges", "set"));
	json_decref(res);
	for (int i = 0; i < 500; i++) {
		nfx_loop_run_once(f.loop, 20);
		bridge_ports(b, sizeof b);
		if (line_of(b, "ge-0-0-3", l, sizeof l))
			break;
	}
	assert_non_null(line_of(b, "ge-0-0-3", l, sizeof l));
	cfg_tree_free(t1);
	fx_close(&f);
}

static void test_server_gone(void **state)
{
	(void)state;
	NEED_SERVER();
	struct fx f;
	fx_open(&f, dir);
	struct cfg_tree *t0 = cfg_tree_new(schema), *t1 = load(T1);
	vsw_stop = true;
	pthread_join(vsw, NULL);
	kill_server(); /* the socket file stays, nobody answers */
	assert_int_equal(apply(&f, t0, t1), -1);
	assert_true(f.fs.n >= 1);
	cfg_tree_free(t0);
	cfg_tree_free(t1);
	fx_close(&f);
}

static void test_no_server_yet(void **state)
{
	(void)state;
	struct fx f;
	char none[300];
	snprintf(none, sizeof none, "/nonexistent-nfx-ut-%d", (int)getpid());
	fx_open(&f, none);
	struct cfg_tree *t0 = cfg_tree_new(schema), *t1 = load(T1);
	assert_int_equal(apply(&f, t0, t1), 0); /* kept for when the server comes */
	assert_false(jcp_pfe_on_bridge(f.pfe, "ge-0/0/2"));
	struct jcp_pfe_mac macs[4];
	assert_int_equal(jcp_pfe_macs(f.pfe, macs, 4), -1);
	assert_non_null(strstr(cfg_err_msg(), "ovs-vswitchd is not running"));
	cfg_tree_free(t0);
	cfg_tree_free(t1);
	fx_close(&f);
}

int main(int argc, char **argv)
{
	int rc = ut_enter_netns(argc, argv, false);
	if (rc >= 0)
		return rc;
	schema = test_schema_jcp();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_want),
		cmocka_unit_test(test_no_server_yet),
		cmocka_unit_test_setup_teardown(test_apply_diff, server_setup, server_teardown),
		cmocka_unit_test_setup_teardown(test_converge_and_monitor, server_setup, server_teardown),
		cmocka_unit_test_setup_teardown(test_server_gone, server_setup, server_teardown),
	};
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	cfg_schema_free(schema);
	return rc;
}
