/* Unit tests of cfg_perm: the class table, and that every runnable command
 * and every configuration hierarchy of the schemas declares the permission
 * it needs (default deny: forgetting one would lock everyone but super-user
 * out, and this test says where). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg_daemon.h"
#include "cfg_err.h"
#include "cfg_perm.h"
#include "cfg_proto.h"
#include "cfg_schema.h"
#include "cfg_schema_data.h"
#include "cfg_session.h"

static struct cfg_schema *load(const char *xml, size_t len, const char *name)
{
	struct cfg_schema *s = cfg_schema_load_mem(xml, len, name);
	if (!s)
		fprintf(stderr, "%s: %s\n", name, cfg_err_msg());
	assert_non_null(s);
	return s;
}

static cfg_perms perms(const char *names)
{
	cfg_perms p = 0;
	char buf[256];
	snprintf(buf, sizeof buf, "%s", names);
	for (char *sv, *w = strtok_r(buf, " ", &sv); w; w = strtok_r(NULL, " ", &sv)) {
		cfg_perms b;
		assert_int_equal(cfg_perm_lookup(w, &b), 0);
		p |= b;
	}
	return p;
}

static void test_class_table(void **state)
{
	(void)state;
	char b[512];
	assert_int_equal(cfg_perm_class(CFG_CLASS_READ_ONLY), perms("view"));
	assert_int_equal(cfg_perm_class(CFG_CLASS_OPERATOR), perms("clear network reset trace view"));
	assert_int_equal(cfg_perm_class(CFG_CLASS_SUPER), cfg_perm_all());
	assert_int_equal(cfg_perm_class(CFG_CLASS_UNAUTHORIZED), 0);
	assert_int_equal(cfg_perm_class(CFG_CLASS_NONE), 0);
	assert_string_equal(cfg_perm_format(cfg_perm_class(CFG_CLASS_OPERATOR), b, sizeof b),
	                    "clear network reset trace view");
	assert_string_equal(cfg_perm_format(cfg_perm_all(), b, sizeof b), "all");
	assert_string_equal(cfg_perm_format(0, b, sizeof b), "none");
	assert_int_equal(cfg_perm_class_lookup("read-only"), CFG_CLASS_READ_ONLY);
	assert_int_equal(cfg_perm_class_lookup("operator"), CFG_CLASS_OPERATOR);
	assert_int_equal(cfg_perm_class_lookup("super-user"), CFG_CLASS_SUPER);
	assert_int_equal(cfg_perm_class_lookup("unauthorized"), CFG_CLASS_UNAUTHORIZED);
	assert_int_equal(cfg_perm_class_lookup("wheel"), CFG_CLASS_NONE);
	cfg_perms x;
	assert_int_equal(cfg_perm_lookup("root-shell", &x), -1);
	/* every permission name looks itself up to one distinct bit */
	cfg_perms seen = 0;
	for (unsigned i = 0; cfg_perm_name(i); i++) {
		assert_int_equal(cfg_perm_lookup(cfg_perm_name(i), &x), 0);
		assert_int_equal(x & seen, 0);
		seen |= x;
	}
	assert_int_equal(seen, cfg_perm_all());
}

/* An unknown permission name in the schema is a load error. */
static void test_schema_unknown_perm(void **state)
{
	(void)state;
	static const char xml[] = "<schema name=\"x\"><container name=\"a\" perm=\"wizard\"/></schema>";
	assert_null(cfg_schema_load_mem(xml, sizeof xml - 1, "x.xml"));
	assert_non_null(strstr(cfg_err_msg(), "unknown permission 'wizard'"));
}

static void path_of(const struct cfg_schema *s, char *buf, size_t n)
{
	if (!s->parent) {
		snprintf(buf, n, "%s", "");
		return;
	}
	path_of(s->parent, buf, n);
	size_t l = strlen(buf);
	snprintf(buf + l, n - l, "%s%s", l ? " " : "", s->name);
}

/* Every runnable command declares (or inherits) a permission. */
static int commands_undeclared(const struct cfg_schema *s, const char *file)
{
	int bad = 0;
	if (s->handler && !cfg_perm_declared(s)) {
		char p[512];
		path_of(s, p, sizeof p);
		fprintf(stderr, "%s: command '%s' declares no permission (perm=...)\n", file, p);
		bad++;
	}
	for (size_t i = 0; i < s->n_children; i++)
		bad += commands_undeclared(s->children[i], file);
	return bad;
}

static void test_every_command_declares(void **state)
{
	(void)state;
	static const struct { const char *xml; const size_t *len; const char *name; } t[] = {
		{cfg_schema_ops_jdm, &cfg_schema_ops_jdm_len, "ops-jdm.xml"},
		{cfg_schema_ops_jcp, &cfg_schema_ops_jcp_len, "ops-jcp.xml"},
		{cfg_schema_cfgmode, &cfg_schema_cfgmode_len, "cfgmode.xml"},
	};
	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		struct cfg_schema *s = load(t[i].xml, *t[i].len, t[i].name);
		assert_int_equal(commands_undeclared(s, t[i].name), 0);
		/* and every command name is a permission (not a family) or none */
		cfg_schema_free(s);
	}
}

/* Configuration: every top-level hierarchy declares its own family, and
 * every family declared anywhere has its -control permission. */
static int families_bad(const struct cfg_schema *s, const char *file)
{
	int bad = 0;
	if (s->perm) {
		char n[96];
		cfg_perms b;
		snprintf(n, sizeof n, "%s-control", s->perm);
		if (cfg_perm_lookup(n, &b) < 0) {
			char p[512];
			path_of(s, p, sizeof p);
			fprintf(stderr, "%s: '%s': perm=\"%s\" is no family (no %s)\n", file, p, s->perm, n);
			bad++;
		}
	}
	for (size_t i = 0; i < s->n_children; i++)
		bad += families_bad(s->children[i], file);
	return bad;
}

static void test_every_hierarchy_declares(void **state)
{
	(void)state;
	static const struct { const char *xml; const size_t *len; const char *name; } t[] = {
		{cfg_schema_jdm, &cfg_schema_jdm_len, "jdm.xml"},
		{cfg_schema_jcp, &cfg_schema_jcp_len, "jcp.xml"},
	};
	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		struct cfg_schema *s = load(t[i].xml, *t[i].len, t[i].name);
		for (size_t k = 0; k < s->n_children; k++) {
			if (!s->children[k]->perm)
				fprintf(stderr, "%s: hierarchy '%s' declares no permission family\n", t[i].name,
				        s->children[k]->name);
			assert_non_null(s->children[k]->perm);
		}
		assert_int_equal(families_bad(s, t[i].name), 0);
		cfg_schema_free(s);
	}
}

static const struct cfg_schema *at(const struct cfg_schema *s, const char *path)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *sv, *w = strtok_r(buf, " ", &sv); w && s; w = strtok_r(NULL, " ", &sv)) {
		const struct cfg_schema *n = cfg_schema_child(s, w);
		for (size_t i = 0; !n && i < s->n_children; i++)
			if (!strcmp(s->children[i]->name, w))
				n = s->children[i]; /* positional */
		s = n;
	}
	assert_non_null(s);
	return s;
}

/* The decisions the class table and the schema make together. */
static void test_decisions(void **state)
{
	(void)state;
	struct cfg_schema *ops = load(cfg_schema_ops_jdm, cfg_schema_ops_jdm_len, "ops-jdm.xml");
	struct cfg_schema *cfg = load(cfg_schema_jdm, cfg_schema_jdm_len, "jdm.xml");
	cfg_perms ro = cfg_perm_class(CFG_CLASS_READ_ONLY), op = cfg_perm_class(CFG_CLASS_OPERATOR),
	          su = cfg_perm_class(CFG_CLASS_SUPER), un = cfg_perm_class(CFG_CLASS_UNAUTHORIZED);
	assert_true(cfg_perm_may_run(ro, at(ops, "show configuration")));
	assert_false(cfg_perm_may_run(ro, at(ops, "configure")));
	assert_false(cfg_perm_may_run(op, at(ops, "configure")));
	assert_true(cfg_perm_may_run(su, at(ops, "configure")));
	assert_false(cfg_perm_may_run(ro, at(ops, "ping")));
	assert_true(cfg_perm_may_run(op, at(ops, "ping")));
	assert_true(cfg_perm_may_run(op, at(ops, "request virtual-network-functions name start")));
	assert_false(cfg_perm_may_run(op, at(ops, "request virtual-network-functions name console")));
	assert_false(cfg_perm_may_run(op, at(ops, "request system reboot")));
	assert_false(cfg_perm_may_run(op, at(ops, "start shell")));
	assert_true(cfg_perm_may_run(un, at(ops, "exit")));
	assert_false(cfg_perm_may_run(un, at(ops, "show version")));
	assert_false(cfg_perm_may_reach(ro, at(ops, "request")));
	assert_true(cfg_perm_may_reach(op, at(ops, "request")));
	assert_true(cfg_perm_may_view(ro, at(cfg, "system login")));
	assert_false(cfg_perm_may_view(un, at(cfg, "system")));
	assert_false(cfg_perm_may_edit(ro, at(cfg, "system host-name")));
	assert_true(cfg_perm_may_edit(su, at(cfg, "system login")));
	/* a finer class: configure + system-control changes the system but not
	   its accounts, nor the secrets */
	cfg_perms sys = perms("configure system-control view");
	assert_true(cfg_perm_may_edit(sys, at(cfg, "system host-name")));
	assert_false(cfg_perm_may_edit(sys, at(cfg, "system login user class")));
	assert_false(cfg_perm_may_edit_tree(sys, at(cfg, "system")));
	assert_false(cfg_perm_may_edit(perms("configure admin-control"),
	                               at(cfg, "system login user authentication encrypted-password")));
	assert_true(cfg_perm_may_edit(perms("configure admin-control"), at(cfg, "system login user class")));
	assert_false(cfg_perm_may_edit_tree(sys, cfg));
	cfg_schema_free(ops);
	cfg_schema_free(cfg);
}

/* ---- sessions of a real local user (nobody), without sockets ---- */

static char *drain(struct cfg_session *s)
{
	struct cfg_buf *q = cfg_session_txq(s);
	struct cfg_buf r;
	cfg_buf_init(&r);
	size_t i = 0;
	while (i + 5 <= q->len) {
		size_t n = ((size_t)(unsigned char)q->p[i + 1] << 24) | ((size_t)(unsigned char)q->p[i + 2] << 16) |
		           ((size_t)(unsigned char)q->p[i + 3] << 8) | (size_t)(unsigned char)q->p[i + 4];
		cfg_buf_putc(&r, q->p[i]);
		cfg_buf_putc(&r, ':');
		for (size_t k = 0; k < n; k++)
			cfg_buf_putc(&r, q->p[i + 5 + k] ? q->p[i + 5 + k] : '|');
		cfg_buf_putc(&r, '\n');
		i += 5 + n;
	}
	cfg_buf_reset(q);
	cfg_buf_puts(&r, "");
	return cfg_buf_steal(&r);
}

static char *frame(struct cfg_session *s, char type, const char *l)
{
	assert_int_equal(cfg_session_frame(s, type, l, strlen(l)), 0);
	return drain(s);
}

struct fx {
	char dir[64];
	struct cfg_daemon *d;
	struct cfg_session *root;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	strcpy(f->dir, "/tmp/test_cfg_perm.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	struct cfg_daemon_opts o = {
		.name = "jdm", .state_dir = f->dir, .default_host = "jdm",
		.schema_xml = cfg_schema_jdm, .schema_len = cfg_schema_jdm_len,
		.ops_xml = cfg_schema_ops_jdm, .ops_len = cfg_schema_ops_jdm_len,
		.cfgmode_xml = cfg_schema_cfgmode, .cfgmode_len = cfg_schema_cfgmode_len,
	};
	f->d = cfg_daemon_new(&o);
	assert_non_null(f->d);
	f->root = cfg_session_new(f->d, -1, 0, 1);
	free(frame(f->root, CFG_P_HELLO, "tty=0\n"));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	cfg_session_free(f->root);
	cfg_daemon_free(f->d);
	static const char *const ext[] = {".db", ".db-wal", ".db-shm"};
	for (size_t i = 0; i < 3; i++) {
		char p[128];
		snprintf(p, sizeof p, "%s/jdm%s", f->dir, ext[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static struct cfg_session *as_class(struct fx *f, const char *cls, uid_t *uid)
{
	struct passwd *pw = getpwnam("nobody");
	if (!pw || pw->pw_uid == 0 || pw->pw_uid == geteuid())
		return NULL;
	*uid = pw->pw_uid;
	char l[128];
	free(frame(f->root, CFG_P_LINE, "configure"));
	snprintf(l, sizeof l, "set system login user nobody class %s", cls);
	free(frame(f->root, CFG_P_LINE, l));
	char *r = frame(f->root, CFG_P_LINE, "commit and-quit");
	assert_non_null(strstr(r, "commit complete"));
	free(r);
	struct cfg_session *u = cfg_session_new(f->d, -1, pw->pw_uid, 4343);
	free(frame(u, CFG_P_HELLO, "tty=0\n"));
	return u;
}

static void test_session_read_only(void **state)
{
	struct fx *f = *state;
	uid_t uid;
	struct cfg_session *u = as_class(f, "read-only", &uid);
	if (!u)
		skip();
	assert_int_equal(cfg_session_class(u), CFG_CLASS_READ_ONLY);
	assert_true(cfg_session_has_perm(u, "view"));
	assert_false(cfg_session_has_perm(u, "secret"));
	char *r = frame(u, CFG_P_HELP, "");
	assert_non_null(strstr(r, "show "));
	assert_null(strstr(r, "configure"));
	assert_null(strstr(r, "request"));
	assert_null(strstr(r, "ping"));
	free(r);
	r = frame(u, CFG_P_COMPLETE, "con");
	assert_null(strstr(r, "configure"));
	free(r);
	r = frame(u, CFG_P_LINE, "configure");
	assert_non_null(strstr(r, "error: permission denied"));
	free(r);
	r = frame(u, CFG_P_LINE, "request system reboot");
	assert_non_null(strstr(r, "error: permission denied"));
	free(r);
	r = frame(u, CFG_P_LINE, "show configuration system login");
	assert_non_null(strstr(r, "class read-only"));
	free(r);
	cfg_session_free(u);
}

static void test_session_operator(void **state)
{
	struct fx *f = *state;
	uid_t uid;
	struct cfg_session *u = as_class(f, "operator", &uid);
	if (!u)
		skip();
	char *r = frame(u, CFG_P_HELP, "request virtual-network-functions x ");
	assert_non_null(strstr(r, "start"));
	assert_null(strstr(r, "console"));
	free(r);
	r = frame(u, CFG_P_LINE, "request virtual-network-functions x console");
	assert_non_null(strstr(r, "error: permission denied"));
	free(r);
	r = frame(u, CFG_P_LINE, "configure");
	assert_non_null(strstr(r, "error: permission denied"));
	free(r);
	cfg_session_free(u);
}

static void test_session_unauthorized(void **state)
{
	struct fx *f = *state;
	uid_t uid;
	struct cfg_session *u = as_class(f, "unauthorized", &uid);
	if (!u)
		skip();
	char *r = frame(u, CFG_P_HELP, "");
	assert_non_null(strstr(r, "exit"));
	assert_null(strstr(r, "show"));
	free(r);
	r = frame(u, CFG_P_LINE, "show configuration");
	assert_non_null(strstr(r, "error: permission denied"));
	free(r);
	r = frame(u, CFG_P_QUERY, "show version");
	assert_non_null(strstr(r, "error: permission denied"));
	free(r);
	cfg_session_free(u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_class_table),
		cmocka_unit_test(test_schema_unknown_perm),
		cmocka_unit_test(test_every_command_declares),
		cmocka_unit_test(test_every_hierarchy_declares),
		cmocka_unit_test(test_decisions),
		cmocka_unit_test_setup_teardown(test_session_read_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_operator, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_unauthorized, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
