/* jdm_vnf as a subsystem row, against libvirt's test:///default driver (no
 * QEMU, no network: the VNFs have no-default-interfaces): apply works from
 * the diff — VNFs a commit does not touch are not looked at (a domain
 * stopped behind jdm's back stays stopped until converge), a changed VNF is
 * redefined and restarted, a removed or deactivated one is undefined — and
 * the shared state is safe while an apply runs on another thread. */
#include "test_common.h"

#include <limits.h>
#include <pthread.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <libvirt/libvirt.h>

#include "cfg_buf.h"
#include "cfg_commit.h"
#include "cfg_daemon.h"
#include "cfg_diff.h"
#include "cfg_load.h"
#include "cfg_tree.h"
#include "jdm_vnf.h"

struct fx {
	char dir[64];
	struct cfg_daemon *d;
	struct jdm_vnf *v;
	virConnectPtr c; /* the test's own view of the same test:///default */
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/nfx-test-vnf-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	struct cfg_daemon_opts o = {
		.name = "jdm", .state_dir = f->dir, .default_host = "jdm",
		.schema_xml = cfg_schema_jdm, .schema_len = cfg_schema_jdm_len,
		.ops_xml = cfg_schema_ops_jdm, .ops_len = cfg_schema_ops_jdm_len,
		.cfgmode_xml = cfg_schema_cfgmode, .cfgmode_len = cfg_schema_cfgmode_len,
	};
	f->d = cfg_daemon_new(&o);
	if (!f->d)
		fail_msg("cfg_daemon_new: %s", cfg_err_msg());
	struct jdm_vnf_opts vo = {.uri = "test:///default", .image_dir = f->dir};
	f->v = jdm_vnf_new(f->d, &vo);
	assert_non_null(f->v);
	f->c = virConnectOpen("test:///default");
	assert_non_null(f->c);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	jdm_vnf_free(f->v);
	cfg_daemon_free(f->d);
	virConnectClose(f->c);
	const char *argv[] = {"/bin/rm", "-rf", f->dir, NULL};
	pid_t p = fork();
	if (p == 0) {
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	int st;
	waitpid(p, &st, 0);
	free(f);
	return 0;
}

static struct cfg_tree *tree(struct fx *f, const char *set)
{
	struct cfg_tree *t = cfg_tree_new(cfg_daemon_schema(f->d));
	struct cfg_buf e = {0};
	if (cfg_load_set(t, NULL, set, strlen(set), "terminal", 0, &e) != 0)
		fail_msg("load: %s %s", e.p ? e.p : "", cfg_err_msg());
	cfg_buf_free(&e);
	return t;
}

/* Apply OLD -> NEW through the row; the commit output into OUT. */
static int apply(struct fx *f, const struct cfg_tree *old_t, const struct cfg_tree *new_t,
                 struct cfg_buf *out)
{
	struct cfg_diff *d = cfg_diff_new(old_t, new_t, CFG_DIFF_EFFECTIVE);
	assert_non_null(d);
	struct cfg_findings fs = {0};
	int rc = jdm_vnf_apply(f->v, d, out, &fs);
	if (rc < 0) {
		struct cfg_buf b = {0};
		cfg_findings_render(&b, &fs);
		print_message("apply: %s\n", b.p ? b.p : "");
		cfg_buf_free(&b);
	}
	cfg_findings_free(&fs);
	cfg_diff_free(d);
	return rc;
}

/* Domain ID of NAME: > 0 running, 0 defined but shut off, -1 not defined. */
static int dom_id(struct fx *f, const char *name)
{
	virDomainPtr d = virDomainLookupByName(f->c, name);
	if (!d)
		return -1;
	int id = virDomainIsActive(d) == 1 ? (int)virDomainGetID(d) : 0;
	virDomainFree(d);
	return id;
}

#define VNF(n, mem)                                                                     \
	"set virtual-network-functions " n " image /var/third-party/images/" n ".qcow2\n"  \
	"set virtual-network-functions " n " memory size " mem "\n"                        \
	"set virtual-network-functions " n " no-default-interfaces\n"

static void apply_works_from_the_diff(void **state)
{
	struct fx *f = *state;
	struct cfg_buf out = {0};
	struct cfg_tree *t0 = tree(f, "");
	struct cfg_tree *t1 = tree(f, VNF("va", "65536") VNF("vb", "65536"));
	assert_int_equal(apply(f, t0, t1, &out), 0);
	int a1 = dom_id(f, "va"), b1 = dom_id(f, "vb");
	assert_true(a1 > 0);
	assert_true(b1 > 0);

	/* va stopped behind jdm's back: a commit that changes only vb does not
	   look at va; vb is redefined and restarted */
	virDomainPtr d = virDomainLookupByName(f->c, "va");
	assert_int_equal(virDomainDestroy(d), 0);
	virDomainFree(d);
	struct cfg_tree *t2 = tree(f, VNF("va", "65536") VNF("vb", "131072"));
	cfg_buf_reset(&out);
	assert_int_equal(apply(f, t1, t2, &out), 0);
	assert_non_null(out.p);
	assert_non_null(strstr(out.p, "vb: restarted to apply the configuration change"));
	assert_null(strstr(out.p, "va"));
	assert_int_equal(dom_id(f, "va"), 0);
	int b2 = dom_id(f, "vb");
	assert_true(b2 > 0 && b2 != b1);

	/* an apply that changes nothing touches nothing */
	cfg_buf_reset(&out);
	assert_int_equal(apply(f, t2, t2, &out), 0);
	assert_int_equal(out.len, 0);
	assert_int_equal(dom_id(f, "va"), 0);
	assert_int_equal(dom_id(f, "vb"), b2);

	/* converge looks at everything: va runs again, vb is left as it is */
	struct cfg_findings fs = {0};
	assert_int_equal(jdm_vnf_converge(f->v, t2, &out, &fs), 0);
	assert_true(dom_id(f, "va") > 0);
	assert_int_equal(dom_id(f, "vb"), b2);

	/* vb removed: undefined; va untouched */
	int a3 = dom_id(f, "va");
	struct cfg_tree *t3 = tree(f, VNF("va", "65536"));
	assert_int_equal(apply(f, t2, t3, &out), 0);
	assert_int_equal(dom_id(f, "vb"), -1);
	assert_int_equal(dom_id(f, "va"), a3);

	/* deactivated is removed too (the effective view); activated comes back */
	struct cfg_tree *t4 = tree(f, VNF("va", "65536") "deactivate virtual-network-functions va\n");
	assert_int_equal(apply(f, t3, t4, &out), 0);
	assert_int_equal(dom_id(f, "va"), -1);
	assert_int_equal(apply(f, t4, t3, &out), 0);
	assert_true(dom_id(f, "va") > 0);

	/* no-autostart: defined, not started */
	struct cfg_tree *t5 = tree(f, VNF("va", "65536") VNF("vc", "65536")
	                              "set virtual-network-functions vc no-autostart\n");
	assert_int_equal(apply(f, t3, t5, &out), 0);
	assert_int_equal(dom_id(f, "vc"), 0);

	/* undo is the inverse diff */
	struct cfg_diff *dd = cfg_diff_new(t3, t5, CFG_DIFF_EFFECTIVE);
	struct cfg_diff *inv = cfg_diff_inverse(dd);
	assert_int_equal(jdm_vnf_apply(f->v, inv, &out, &fs), 0);
	assert_int_equal(dom_id(f, "vc"), -1);
	cfg_diff_free(inv);
	cfg_diff_free(dd);

	cfg_findings_free(&fs);
	cfg_buf_free(&out);
	cfg_tree_free(t5);
	cfg_tree_free(t4);
	cfg_tree_free(t3);
	cfg_tree_free(t2);
	cfg_tree_free(t1);
	cfg_tree_free(t0);
}

struct bg {
	struct fx *f;
	const struct cfg_tree *o, *n;
	int rc;
};

static void *bg_apply(void *arg)
{
	struct bg *b = arg;
	struct cfg_buf out = {0};
	b->rc = apply(b->f, b->o, b->n, &out);
	cfg_buf_free(&out);
	return NULL;
}

/* An apply of many VNFs on another thread while this thread keeps asking
 * what the loop asks (tick, hugepages held): no crash, no deadlock (run
 * under ASan/TSan builds to see races). */
static void apply_off_the_loop(void **state)
{
	struct fx *f = *state;
	struct cfg_buf set = {0};
	for (int i = 0; i < 16; i++)
		cfg_buf_printf(&set, VNF("v%d", "65536") "set virtual-network-functions v%d memory "
		               "features hugepages\n", i, i, i, i, i);
	struct cfg_tree *t0 = tree(f, ""), *t1 = tree(f, set.p);
	struct bg b = {f, t0, t1, -1};
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, bg_apply, &b), 0);
	for (int i = 0; i < 200; i++) {
		jdm_vnf_tick(f->v);
		(void)jdm_vnf_huge_in_use(f->v, 2048);
	}
	pthread_join(th, NULL);
	assert_int_equal(b.rc, 0);
	for (int i = 0; i < 16; i++) {
		char n[8];
		snprintf(n, sizeof n, "v%d", i);
		assert_true(dom_id(f, n) > 0);
	}
	/* and away again, on the other thread */
	b = (struct bg){f, t1, t0, -1};
	assert_int_equal(pthread_create(&th, NULL, bg_apply, &b), 0);
	for (int i = 0; i < 200; i++)
		jdm_vnf_tick(f->v);
	pthread_join(th, NULL);
	assert_int_equal(b.rc, 0);
	assert_int_equal(dom_id(f, "v0"), -1);
	cfg_tree_free(t1);
	cfg_tree_free(t0);
	cfg_buf_free(&set);
}

static void rows_say_what_they_own(void **state)
{
	(void)state;
	assert_string_equal(jdm_vnf_owns[0], "virtual-network-functions");
	assert_string_equal(jdm_vnf_owns[1], "system virtualization");
	/* the datapath of the host-os switch decides every data NIC (tap or vhost-user) */
	assert_string_equal(jdm_vnf_owns[2], "host-os datapath");
	assert_null(jdm_vnf_owns[3]);
	assert_string_equal(jdm_vnf_reads[0], "system memory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rows_say_what_they_own),
		cmocka_unit_test_setup_teardown(apply_works_from_the_diff, setup, teardown),
		cmocka_unit_test_setup_teardown(apply_off_the_loop, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
