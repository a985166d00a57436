/* Tests of jdm_console against a real QEMU: the test VNF image
 * (vnf-images/make-test-vnf) booted under TCG by libvirt's embedded QEMU
 * driver (qemu:///embed in a scratch directory), its serial console driven
 * through a real cfg_daemon session (the session's transmit queue is read
 * here instead of a socket; the main loop is the mailbox of jdm_virt).
 *
 * Everything runs inside a network namespace made for this test: main() (as
 * root) creates "nfx-ut-con-<pid>", re-executes this program under
 * `ip netns exec`, waits for it and deletes the namespace afterwards (killing
 * what is left in it: only QEMU, which this test started), also when the
 * tests fail or crash. Without root, QEMU or the image the tests are skipped.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test_common.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "cfg_buf.h"
#include "cfg_daemon.h"
#include "cfg_proto.h"
#include "cfg_session.h"
#include "jdm_console.h"
#include "jdm_domain.h"
#include "jdm_virt.h"

#include "test_netns.h"

#define VNF "ut-con"
#define VNF_OFF "ut-con-off"

/* --- fixture: one VNF for all tests ------------------------------------- */

static struct {
	bool ready;            /* the VNF booted: the tests can run */
	char tmp[256];
	char owntmp;           /* tmp is ours to remove */
	char image[320], log[320], state[320];
	struct jdm_virt *v;
	virDomainPtr dom, off; /* the running VNF, a defined one that is not running */
	struct cfg_daemon *d;
} g;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool file_has(const char *path, const char *needle)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	struct cfg_buf b;
	cfg_buf_init(&b);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		cfg_buf_add(&b, buf, n);
	fclose(f);
	bool r = b.len && memmem(b.p, b.len, needle, strlen(needle)) != NULL;
	cfg_buf_free(&b);
	return r;
}

static bool have_qemu(void)
{
	static const char *const c[] = {"/usr/bin/qemu-system-x86_64", "/usr/libexec/qemu-kvm",
	                                "/usr/local/bin/qemu-system-x86_64"};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
		if (access(c[i], X_OK) == 0)
			return true;
	return false;
}

/* The console handler, as jdmd registers it. */
static int h_console(struct cfg_cmd *c)
{
	const char *name = NULL;
	for (size_t i = 0; i < c->p->n; i++)
		if (c->p->steps[i].value)
			name = c->p->steps[i].value;
	virDomainPtr dom = name && !strcmp(name, VNF) ? g.dom : name && !strcmp(name, VNF_OFF) ? g.off
	                                                                                       : NULL;
	if (!dom)
		return cfg_err_set("VNF %s does not exist", name ? name : "?");
	return jdm_console_start(c, g.v, dom, name) < 0 ? -1 : CFG_CMD_PENDING;
}

static char *domain_xml(const char *name)
{
	struct jdm_domain_spec sp = {
		.name = name, .accel = "tcg", .vcpus = 1, .memory_kib = 262144,
		.image = g.image, .image_type = "qcow2", .serial_log = g.log,
	};
	char *xml = NULL;
	if (jdm_domain_xml(&sp, &xml) < 0)
		fail_msg("jdm_domain_xml: %s", cfg_err_msg());
	return xml;
}

static int group_setup(void **state)
{
	(void)state;
	if (!ut_ns[0]) {
		fprintf(stderr, "# not in a namespace of ours: skipped\n");
		return 0;
	}
	if (!have_qemu()) {
		fprintf(stderr, "# no QEMU: skipped\n");
		return 0;
	}
	const char *t = getenv(UT_TMP_ENV);
	if (t && *t) {
		snprintf(g.tmp, sizeof g.tmp, "%s", t);
	} else {
		snprintf(g.tmp, sizeof g.tmp, "/tmp/nfx-ut-con-XXXXXX");
		if (!mkdtemp(g.tmp))
			return -1;
		g.owntmp = 1;
	}
	snprintf(g.image, sizeof g.image, "%s/vnf.qcow2", g.tmp);
	snprintf(g.log, sizeof g.log, "%s/serial.log", g.tmp);
	snprintf(g.state, sizeof g.state, "%s/state", g.tmp);
	const char *mk[] = {"/bin/bash", NFX_SOURCE_DIR "/vnf-images/make-test-vnf", g.image, NULL};
	if (ut_run(mk, NULL, 0) != 0) {
		fprintf(stderr, "# cannot build the test VNF image: skipped\n");
		return 0;
	}
	char uri[400];
	snprintf(uri, sizeof uri, "qemu:///embed?root=%s/virt", g.tmp);
	g.v = jdm_virt_open(uri, NULL);
	if (!g.v) {
		fprintf(stderr, "# %s: %s: skipped\n", uri, cfg_err_msg());
		return 0;
	}
	char *xml = domain_xml(VNF);
	g.dom = virDomainCreateXML(jdm_virt_conn(g.v), xml, 0);
	free(xml);
	if (!g.dom) {
		fprintf(stderr, "# cannot start the VNF: %s: skipped\n", jdm_virt_error());
		return 0;
	}
	xml = domain_xml(VNF_OFF);
	g.off = virDomainDefineXML(jdm_virt_conn(g.v), xml);
	free(xml);
	if (!g.off)
		fail_msg("cannot define %s: %s", VNF_OFF, jdm_virt_error());
	double t0 = now_s();
	while (!file_has(g.log, "nfx-test-vnf ready")) {
		if (now_s() - t0 > 120) {
			fprintf(stderr, "# the VNF did not boot in 120 s\n");
			return -1;
		}
		usleep(200000);
	}
	fprintf(stderr, "# VNF booted in %.1f s\n", now_s() - t0);

	struct cfg_daemon_opts o = {
		.name = "jdm", .state_dir = g.state, .default_host = "jdm",
		.schema_xml = cfg_schema_jdm, .schema_len = cfg_schema_jdm_len,
		.ops_xml = cfg_schema_ops_jdm, .ops_len = cfg_schema_ops_jdm_len,
		.cfgmode_xml = cfg_schema_cfgmode, .cfgmode_len = cfg_schema_cfgmode_len,
	};
	g.d = cfg_daemon_new(&o);
	if (!g.d)
		fail_msg("cfg_daemon_new: %s", cfg_err_msg());
	cfg_daemon_register(g.d, "request_vnf_console", h_console);
	g.ready = true;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	if (g.dom) {
		if (virDomainIsActive(g.dom) == 1)
			virDomainDestroy(g.dom);
		virDomainFree(g.dom);
	}
	if (g.off) {
		virDomainUndefine(g.off);
		virDomainFree(g.off);
	}
	/* let the mailbox drain (references of notifications) */
	if (g.v) {
		double t0 = now_s();
		while (now_s() - t0 < 0.3) {
			struct pollfd p = {.fd = jdm_virt_fd(g.v), .events = POLLIN};
			if (poll(&p, 1, 50) > 0)
				jdm_virt_dispatch(g.v);
		}
	}
	cfg_daemon_free(g.d);
	jdm_virt_close(g.v);
	if (g.owntmp) {
		const char *rm[] = {"/bin/rm", "-rf", g.tmp, NULL};
		ut_run(rm, NULL, 0);
	}
	return 0;
}

#define NEED_VNF()                                                                                \
	do {                                                                                          \
		if (!g.ready)                                                                             \
			skip();                                                                               \
	} while (0)

/* --- the client side: frames decoded from the session's queue ----------- */

struct seen {
	struct cfg_buf out; /* all 'O' payloads */
	int streams;        /* 'S' frames */
	char esc;           /* the escape byte of the last 'S' */
	int dones;          /* 'D' frames */
	char status;        /* of the last 'D' */
	char prompt[128];
};

static void take(struct cfg_session *s, struct seen *w)
{
	struct cfg_buf *q = cfg_session_txq(s);
	size_t i = 0;
	while (i + 5 <= q->len) {
		const unsigned char *h = (const unsigned char *)q->p + i;
		size_t n = (size_t)h[1] << 24 | (size_t)h[2] << 16 | (size_t)h[3] << 8 | h[4];
		assert_true(i + 5 + n <= q->len);
		const char *p = q->p + i + 5;
		switch (h[0]) {
		case CFG_P_OUT:
			assert_int_equal(w->dones, 0); /* nothing after the end */
			cfg_buf_add(&w->out, p, n);
			break;
		case CFG_P_STREAM:
			assert_true(n >= 1);
			w->streams++;
			w->esc = p[0];
			break;
		case CFG_P_DONE: {
			assert_true(n >= 1);
			w->dones++;
			w->status = p[0];
			size_t pre = strnlen(p + 1, n - 1);
			snprintf(w->prompt, sizeof w->prompt, "%.*s", (int)(n - 2 - pre), p + 2 + pre);
			break;
		}
		default:
			fail_msg("unexpected frame '%c'", h[0]);
		}
		i += 5 + n;
	}
	cfg_buf_reset(q);
}

/* Run the main loop (the jdm_virt mailbox) for up to SECONDS, until the
 * output holds WANT (NULL: until a 'D'). true when it came. */
static bool pump(struct cfg_session *s, struct seen *w, const char *want, double seconds)
{
	double t0 = now_s();
	for (;;) {
		if (s)
			take(s, w);
		if (want ? w->out.len && memmem(w->out.p, w->out.len, want, strlen(want)) != NULL
		         : w->dones > 0)
			return true;
		if (now_s() - t0 > seconds)
			return false;
		struct pollfd p = {.fd = jdm_virt_fd(g.v), .events = POLLIN};
		if (poll(&p, 1, 50) > 0)
			jdm_virt_dispatch(g.v);
	}
}

static struct cfg_session *login(void)
{
	struct cfg_session *s = cfg_session_new(g.d, -1, 0, getpid());
	assert_non_null(s);
	assert_int_equal(cfg_session_frame(s, CFG_P_HELLO, "tty=1\n", 6), 0);
	cfg_buf_reset(cfg_session_txq(s));
	return s;
}

static void send_line(struct cfg_session *s, const char *l)
{
	assert_int_equal(cfg_session_frame(s, CFG_P_LINE, l, strlen(l)), 0);
}

static void send_raw(struct cfg_session *s, const char *data)
{
	assert_int_equal(cfg_session_frame(s, CFG_P_RAW, data, strlen(data)), 0);
}

/* `request virtual-network-functions VNF console` up to the banner. */
static void open_console(struct cfg_session *s, struct seen *w)
{
	send_line(s, "request virtual-network-functions " VNF " console");
	take(s, w);
	assert_int_equal(w->streams, 1);
	assert_int_equal(w->esc, CFG_STREAM_ESCAPE);
	assert_int_equal(w->dones, 0);
	assert_true(w->out.len > 0);
	assert_string_equal(w->out.p, "Connected to domain " VNF "\nEscape character is ^]\n");
	assert_true(cfg_session_streaming(s));
}

/* Type a command until the guest shell answers it (the shell on ttyS0 is
 * respawned: the first keystrokes may come before it reads). */
static void converse(struct cfg_session *s, struct seen *w, const char *cmd, const char *want)
{
	for (int i = 0; i < 8; i++) {
		send_raw(s, cmd);
		if (pump(s, w, want, 5))
			return;
	}
	fail_msg("no '%s' from the guest; console output:\n%s", want, w->out.p ? w->out.p : "");
}

/* --- tests -------------------------------------------------------------- */

static void test_console_echo(void **state)
{
	(void)state;
	NEED_VNF();
	struct cfg_session *s = login();
	struct seen w = {0};
	cfg_buf_init(&w.out);
	open_console(s, &w);
	/* the answer, not the echo of the command line: at a line start */
	converse(s, &w, "echo hello-console\r", "\nhello-console");
	assert_int_equal(w.dones, 0);
	/* Ctrl-] in the client: 'E' */
	assert_int_equal(cfg_session_frame(s, CFG_P_END, "", 0), 0);
	take(s, &w);
	assert_int_equal(w.dones, 1);
	assert_int_equal(w.status, '0');
	assert_string_equal(w.prompt, "root@jdm> ");
	assert_false(cfg_session_streaming(s));
	/* nothing more arrives, keystrokes after the end are ignored */
	send_raw(s, "echo late\r");
	pump(s, &w, NULL, 0.5);
	assert_int_equal(w.dones, 1);
	assert_int_equal(virDomainIsActive(g.dom), 1);

	/* again, on the same session: the console can be opened again */
	cfg_buf_free(&w.out);
	memset(&w, 0, sizeof w);
	cfg_buf_init(&w.out);
	open_console(s, &w);
	converse(s, &w, "echo second-time\r", "\nsecond-time");
	assert_int_equal(cfg_session_frame(s, CFG_P_END, "", 0), 0);
	take(s, &w);
	assert_int_equal(w.dones, 1);
	assert_int_equal(w.status, '0');
	cfg_buf_free(&w.out);
	cfg_session_free(s);
}

static void test_console_disconnect(void **state)
{
	(void)state;
	NEED_VNF();
	struct cfg_session *s = login();
	struct seen w = {0};
	cfg_buf_init(&w.out);
	open_console(s, &w);
	send_raw(s, "\r");
	pump(s, &w, "# ", 3);
	cfg_session_free(s); /* the client went away in the middle */
	pump(NULL, &w, NULL, 0.5); /* notifications still in the mailbox are harmless */
	cfg_buf_free(&w.out);

	/* the console is free again */
	s = login();
	memset(&w, 0, sizeof w);
	cfg_buf_init(&w.out);
	open_console(s, &w);
	converse(s, &w, "echo after-disconnect\r", "\nafter-disconnect");
	assert_int_equal(cfg_session_frame(s, CFG_P_END, "", 0), 0);
	take(s, &w);
	assert_int_equal(w.dones, 1);
	cfg_buf_free(&w.out);
	cfg_session_free(s);
}

static void test_console_not_running(void **state)
{
	(void)state;
	NEED_VNF();
	struct cfg_session *s = login();
	struct seen w = {0};
	cfg_buf_init(&w.out);
	send_line(s, "request virtual-network-functions " VNF_OFF " console");
	take(s, &w);
	assert_int_equal(w.streams, 0);
	assert_int_equal(w.dones, 1);
	assert_int_equal(w.status, '1');
	assert_string_equal(w.out.p, "error: VNF " VNF_OFF " is not running\n");
	cfg_buf_free(&w.out);
	cfg_session_free(s);
}

/* Last: the VNF goes away under an open console. */
static void test_console_vnf_stops(void **state)
{
	(void)state;
	NEED_VNF();
	struct cfg_session *s = login();
	struct seen w = {0};
	cfg_buf_init(&w.out);
	open_console(s, &w);
	converse(s, &w, "echo before-stop\r", "\nbefore-stop");
	assert_int_equal(virDomainDestroy(g.dom), 0);
	assert_true(pump(s, &w, NULL, 20));
	assert_int_equal(w.status, '1');
	const char *msg = "error: console of " VNF " closed\n";
	assert_true(w.out.len > strlen(msg));
	assert_string_equal(w.out.p + w.out.len - strlen(msg), msg);
	assert_false(cfg_session_streaming(s));
	/* the session goes on */
	cfg_buf_free(&w.out);
	memset(&w, 0, sizeof w);
	cfg_buf_init(&w.out);
	send_line(s, "request virtual-network-functions " VNF " console");
	take(s, &w);
	assert_int_equal(w.streams, 0);
	assert_int_equal(w.status, '1');
	assert_string_equal(w.out.p, "error: VNF " VNF " is not running\n");
	cfg_buf_free(&w.out);
	cfg_session_free(s);
}

int main(int argc, char **argv)
{
	int rc = ut_enter_netns(argc, argv, false);
	if (rc >= 0)
		return rc;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_console_echo),
		cmocka_unit_test(test_console_disconnect),
		cmocka_unit_test(test_console_not_running),
		cmocka_unit_test(test_console_vnf_stops),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
