/* Unit tests of cfg_session / cfg_cmd / cfg_daemon without sockets: frames
 * go in through cfg_session_frame(), answers are decoded from the session's
 * transmit queue. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg_cmd.h"
#include "cfg_daemon.h"
#include "cfg_err.h"
#include "cfg_proto.h"
#include "cfg_schema_data.h"
#include "cfg_session.h"

struct fx {
	char dir[64];
	struct cfg_daemon *d;
};

/* The frames queued by S, concatenated as "T:payload" lines for easy checks;
 * DONE payloads have their NUL shown as '|'. Clears the queue. */
static char *drain(struct cfg_session *s)
{
	struct cfg_buf *q = cfg_session_txq(s);
	struct cfg_buf r;
	cfg_buf_init(&r);
	size_t i = 0;
	while (i + 5 <= q->len) {
		char t = q->p[i];
		size_t n = ((size_t)(unsigned char)q->p[i + 1] << 24) | ((size_t)(unsigned char)q->p[i + 2] << 16) |
		           ((size_t)(unsigned char)q->p[i + 3] << 8) | (size_t)(unsigned char)q->p[i + 4];
		cfg_buf_putc(&r, t);
		cfg_buf_putc(&r, ':');
		for (size_t k = 0; k < n; k++) {
			char c = q->p[i + 5 + k];
			cfg_buf_putc(&r, c ? c : '|');
		}
		cfg_buf_putc(&r, '\n');
		i += 5 + n;
	}
	cfg_buf_reset(q);
	if (!r.len)
		cfg_buf_puts(&r, "");
	return cfg_buf_steal(&r);
}

static char *line(struct cfg_session *s, const char *l)
{
	assert_int_equal(cfg_session_frame(s, CFG_P_LINE, l, strlen(l)), 0);
	return drain(s);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	strcpy(f->dir, "/tmp/test_cfg_session.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	struct cfg_daemon_opts o = {
		.name = "jdm", .state_dir = f->dir, .default_host = "jdm",
		.schema_xml = cfg_schema_jdm, .schema_len = cfg_schema_jdm_len,
		.ops_xml = cfg_schema_ops_jdm, .ops_len = cfg_schema_ops_jdm_len,
		.cfgmode_xml = cfg_schema_cfgmode, .cfgmode_len = cfg_schema_cfgmode_len,
	};
	f->d = cfg_daemon_new(&o);
	if (!f->d)
		fprintf(stderr, "cfg_daemon_new: %s\n", cfg_err_msg());
	assert_non_null(f->d);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	cfg_daemon_free(f->d);
	char p[128];
	snprintf(p, sizeof p, "%s/jdm.db", f->dir);
	unlink(p);
	snprintf(p, sizeof p, "%s/jdm.db-wal", f->dir);
	unlink(p);
	snprintf(p, sizeof p, "%s/jdm.db-shm", f->dir);
	unlink(p);
	rmdir(f->dir);
	free(f);
	return 0;
}

static struct cfg_session *login(struct fx *f)
{
	struct cfg_session *s = cfg_session_new(f->d, -1, 0, 4242);
	assert_non_null(s);
	assert_int_equal(cfg_session_frame(s, CFG_P_HELLO, "tty=0\n", 6), 0);
	char *r = drain(s);
	assert_string_equal(r, "D:0{master:0}\n|root@jdm> \n");
	free(r);
	return s;
}

static void test_prompts(void **state)
{
	struct fx *f = *state;
	struct cfg_session *s = login(f);
	char *r = line(s, "conf");
	assert_string_equal(r, "O:Entering configuration mode\n\nD:0\n{master:0}[edit]\n|root@jdm# \n");
	free(r);
	r = line(s, "edit virtual-network-functions vrtr1");
	assert_string_equal(r, "D:0\n{master:0}[edit virtual-network-functions vrtr1]\n|root@jdm# \n");
	free(r);
	r = line(s, "up");
	assert_string_equal(r, "D:0\n{master:0}[edit virtual-network-functions]\n|root@jdm# \n");
	free(r);
	r = line(s, "exit");
	assert_string_equal(r, "D:0\n{master:0}[edit]\n|root@jdm# \n");
	free(r);
	r = line(s, "exit");
	assert_string_equal(r, "O:Exiting configuration mode\n\nD:0\n{master:0}\n|root@jdm> \n");
	free(r);
	r = line(s, "exit");
	assert_string_equal(r, "D:x\n");
	free(r);
	assert_true(cfg_session_over(s));
	cfg_session_free(s);
}

static void test_errors(void **state)
{
	struct fx *f = *state;
	struct cfg_session *s = login(f);
	free(line(s, "configure"));
	char *r = line(s, "set foo");
	assert_string_equal(r, "O:              ^\nsyntax error.\n\nD:1\n{master:0}[edit]\n|root@jdm# \n");
	free(r);
	r = line(s, "set host-os vlans v1 vlan-id 5000");
	assert_non_null(strstr(r, "Value 5000 is not within range (1..4094) at '5000'\n"));
	assert_non_null(strstr(r, "D:1"));
	free(r);
	r = line(s, "run show virtual-network-functions");
	assert_string_equal(r, "O:error: command is not available in this release\n\n"
	                       "D:1\n{master:0}[edit]\n|root@jdm# \n");
	free(r);
	cfg_session_free(s);
}

static int my_handler(struct cfg_cmd *c)
{
	cfg_buf_puts(c->out, "hello from handler\n");
	return 0;
}

static void test_registry(void **state)
{
	struct fx *f = *state;
	assert_int_equal(cfg_daemon_register(f->d, "show_vnfs", my_handler), 0);
	struct cfg_session *s = login(f);
	char *r = line(s, "show virtual-network-functions | count");
	assert_string_equal(r, "O:Count: 1 lines\n\nD:0\n{master:0}\n|root@jdm> \n");
	free(r);
	cfg_session_free(s);
}

static void test_commit_and_lock(void **state)
{
	struct fx *f = *state;
	struct cfg_session *a = login(f), *b = login(f);
	free(line(a, "configure exclusive"));
	free(line(b, "configure"));
	char *r = line(b, "set host-os vlans v1 vlan-id 10");
	assert_non_null(strstr(r, "error: configuration database locked by:\n  root terminal p"));
	assert_non_null(strstr(r, "      exclusive [edit]\n"));
	free(r);
	free(line(a, "set host-os vlans v1 vlan-id 10"));
	r = line(a, "commit comment \"first\"");
	assert_string_equal(r, "O:commit complete\n\nD:0\n{master:0}[edit]\n|root@jdm# \n");
	free(r);
	r = line(b, "run show configuration host-os");
	assert_string_equal(r, "O:vlans {\n    v1 {\n        vlan-id 10;\n    }\n}\n\nD:0\n{master:0}[edit]\n|root@jdm# \n");
	free(r);
	cfg_session_free(a); /* releases the lock */
	r = line(b, "delete host-os");
	assert_string_equal(r, "D:0\n{master:0}[edit]\n|root@jdm# \n");
	free(r);
	r = line(b, "show | compare");
	assert_non_null(strstr(r, "-"));
	free(r);
	r = line(b, "rollback 0");
	assert_string_equal(r, "O:load complete\n\nD:0\n{master:0}[edit]\n|root@jdm# \n");
	free(r);
	cfg_session_free(b);
}

static void test_load_terminal(void **state)
{
	struct fx *f = *state;
	struct cfg_session *s = login(f);
	free(line(s, "configure"));
	free(line(s, "edit virtual-network-functions sdwan"));
	char *r = line(s, "load set relative terminal");
	assert_string_equal(r, "O:[Type ^D at a new line to end input]\n\nA:\x02\n");
	free(r);
	const char *in = "0set image /x.qcow2\nset no-autostart\n";
	assert_int_equal(cfg_session_frame(s, CFG_P_INPUT, in, strlen(in)), 0);
	r = drain(s);
	assert_string_equal(r, "O:load complete\n\nD:0\n{master:0}[edit virtual-network-functions sdwan]\n|root@jdm# \n");
	free(r);
	r = line(s, "top");
	free(r);
	r = line(s, "exit");
	assert_string_equal(r, "O:The configuration has been changed but not committed\n\n"
	                       "A:\x04" "Exit with uncommitted changes? [yes,no] (yes) \n");
	free(r);
	assert_int_equal(cfg_session_frame(s, CFG_P_INPUT, "no", 2), 0);
	r = drain(s);
	assert_string_equal(r, "D:0\n{master:0}[edit]\n|root@jdm# \n");
	free(r);
	cfg_session_free(s);
}

static void test_password(void **state)
{
	struct fx *f = *state;
	struct cfg_session *s = login(f);
	free(line(s, "configure"));
	char *r = line(s, "set system root-authentication plain-text-password");
	assert_string_equal(r, "A:\x01New password:\n");
	free(r);
	assert_int_equal(cfg_session_frame(s, CFG_P_INPUT, "abc123xyz", 9), 0);
	free(drain(s));
	assert_int_equal(cfg_session_frame(s, CFG_P_INPUT, "abc123xyz", 9), 0);
	r = drain(s);
	assert_string_equal(r, "D:0\n{master:0}[edit]\n|root@jdm# \n");
	free(r);
	r = line(s, "show system root-authentication | display set");
	assert_non_null(strstr(r, "encrypted-password \"$6$"));
	free(r);
	r = line(s, "set system root-authentication plain-text-password");
	free(r);
	assert_int_equal(cfg_session_frame(s, CFG_P_INPUT, "abc123xyz", 9), 0);
	free(drain(s));
	assert_int_equal(cfg_session_frame(s, CFG_P_INPUT, "other123", 8), 0);
	r = drain(s);
	assert_non_null(strstr(r, "error: Passwords do not match"));
	assert_non_null(strstr(r, "D:1"));
	free(r);
	cfg_session_free(s);
}

static void test_protocol_abuse(void **state)
{
	struct fx *f = *state;
	struct cfg_session *s = cfg_session_new(f->d, -1, 0, 1);
	assert_int_equal(cfg_session_frame(s, CFG_P_LINE, "show", 4), -1); /* before HELLO */
	cfg_session_free(s);
	s = login(f);
	assert_int_equal(cfg_session_frame(s, 'Z', "", 0), -1);
	assert_int_equal(cfg_session_frame(s, CFG_P_INPUT, "x", 1), 0); /* nothing asked: ignored */
	char *r = drain(s);
	assert_string_equal(r, "");
	free(r);
	assert_int_equal(cfg_session_frame(s, CFG_P_LINE, "sh\0ow", 5), 0);
	r = drain(s);
	assert_non_null(strstr(r, "D:1"));
	free(r);
	cfg_session_free(s);
}

static void test_help(void **state)
{
	struct fx *f = *state;
	struct cfg_session *s = login(f);
	free(line(s, "configure"));
	free(line(s, "set host-os vlans v100 vlan-id 100"));
	assert_int_equal(cfg_session_frame(s, CFG_P_HELP, "set host-os vlans ", 18), 0);
	char *r = drain(s);
	assert_non_null(strstr(r, "O:Possible completions:\n"));
	assert_non_null(strstr(r, "  v100\n"));
	free(r);
	assert_int_equal(cfg_session_frame(s, CFG_P_COMPLETE, "set sys", 7), 0);
	r = drain(s);
	assert_string_equal(r, "C:=system \nsystem\tSystem parameters\n\n");
	free(r);
	cfg_session_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_prompts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commit_and_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_terminal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_password, setup, teardown),
		cmocka_unit_test_setup_teardown(test_protocol_abuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_help, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
