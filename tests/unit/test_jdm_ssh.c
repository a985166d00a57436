/* jdm_ssh as the "accounts" row: what it owns, its commit check (inactive
 * users and keys are not checked), and that an apply does only what its diff
 * changed — a change of jmgmt0 alone or of root's keys alone (without
 * `system services ssh`) does not touch the login accounts (no useradd, no
 * STATE/sshd/accounts), so nothing here changes the host's users. */
#include "test_common.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cfg_buf.h"
#include "cfg_commit.h"
#include "cfg_diff.h"
#include "cfg_load.h"
#include "cfg_tree.h"
#include "jdm_ssh.h"

static struct cfg_schema *schema;

static struct cfg_tree *tree(const char *set)
{
	struct cfg_tree *t = cfg_tree_new(schema);
	struct cfg_buf e = {0};
	if (cfg_load_set(t, NULL, set, strlen(set), "terminal", 0, &e) != 0)
		fail_msg("load: %s %s", e.p ? e.p : "", cfg_err_msg());
	cfg_buf_free(&e);
	return t;
}

static const char *check(const char *set, struct cfg_buf *out)
{
	struct cfg_tree *t = tree(set);
	struct cfg_findings fs = {0};
	jdm_ssh_validate(NULL, t, NULL, &fs);
	cfg_buf_reset(out);
	cfg_findings_render(out, &fs);
	cfg_findings_free(&fs);
	cfg_tree_free(t);
	return out->len ? out->p : "";
}

#define KEY "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG0000000000000000000000000000000000000000000 t@x"

static void owns_and_validates(void **state)
{
	(void)state;
	assert_string_equal(jdm_ssh_owns[0], "system services ssh");
	assert_string_equal(jdm_ssh_owns[1], "system root-authentication");
	assert_string_equal(jdm_ssh_owns[2], "system login");
	assert_string_equal(jdm_ssh_owns[3], "interfaces jmgmt0");
	assert_string_equal(jdm_ssh_owns[4], "system services netconf");
	assert_null(jdm_ssh_owns[5]);
	struct cfg_buf out = {0};
	assert_string_equal(check("set system login user ops class operator\n"
	                          "set system root-authentication ssh-ed25519 \"" KEY "\"\n", &out), "");
	assert_non_null(strstr(check("set system login user Bad class operator\n", &out),
	                       "user name 'Bad' must be"));
	assert_non_null(strstr(check("set system root-authentication ssh-ed25519 \"nope\"\n", &out),
	                       "ssh-ed25519 key is not one line"));
	/* deactivated: not in effect, not checked */
	assert_string_equal(check("set system login user Bad class operator\n"
	                          "deactivate system login user Bad\n", &out), "");
	cfg_buf_free(&out);
}

static int apply(struct jdm_ssh *s, const struct cfg_tree *o, const struct cfg_tree *n,
                 struct cfg_buf *out)
{
	struct cfg_diff *d = cfg_diff_new(o, n, CFG_DIFF_EFFECTIVE);
	assert_non_null(d);
	struct cfg_findings fs = {0};
	int rc = jdm_ssh_apply(s, d, out, &fs);
	cfg_findings_free(&fs);
	cfg_diff_free(d);
	return rc;
}

static void applies_only_what_changed(void **state)
{
	(void)state;
	char dir[64], path[PATH_MAX];
	snprintf(dir, sizeof dir, "/tmp/nfx-test-ssh-XXXXXX");
	assert_non_null(mkdtemp(dir));
	struct jdm_ssh *s = jdm_ssh_new(dir, "/bin/false", "/nonexistent.sock");
	struct cfg_buf out = {0};
	struct cfg_tree *t0 = tree("");
	/* jmgmt0 alone: its addresses (set only where the link exists: not here) */
	struct cfg_tree *t1 = tree("set interfaces jmgmt0 unit 0 family inet address 192.0.2.10/24\n");
	assert_int_equal(apply(s, t0, t1, &out), 0);
	snprintf(path, sizeof path, "%s/sshd/accounts", dir);
	assert_int_equal(access(path, F_OK), -1); /* accounts untouched */
	/* root's keys alone, without sshd: nothing to write */
	struct cfg_tree *t2 = tree("set interfaces jmgmt0 unit 0 family inet address 192.0.2.10/24\n"
	                           "set system root-authentication ssh-ed25519 \"" KEY "\"\n");
	cfg_buf_reset(&out);
	assert_int_equal(apply(s, t1, t2, &out), 0);
	assert_int_equal(out.len, 0);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof path, "%s/sshd/keys", dir);
	assert_int_equal(access(path, F_OK), -1);
	/* a change outside the row: nothing at all */
	struct cfg_tree *t3 = tree("set interfaces jmgmt0 unit 0 family inet address 192.0.2.10/24\n"
	                           "set system root-authentication ssh-ed25519 \"" KEY "\"\n"
	                           "set system host-name branch1\n");
	cfg_buf_reset(&out);
	assert_int_equal(apply(s, t2, t3, &out), 0);
	assert_int_equal(out.len, 0);
	jdm_ssh_tick(s); /* no sshd: nothing to reap or restart */
	jdm_ssh_free(s);
	jdm_ssh_free(NULL);
	cfg_buf_free(&out);
	cfg_tree_free(t3);
	cfg_tree_free(t2);
	cfg_tree_free(t1);
	cfg_tree_free(t0);
	const char *argv[] = {"/bin/rm", "-rf", dir, NULL};
	pid_t p = fork();
	if (p == 0) {
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	int st;
	waitpid(p, &st, 0);
}

int main(void)
{
	schema = test_schema_jdm();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(owns_and_validates),
		cmocka_unit_test(applies_only_what_changed),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	cfg_schema_free(schema);
	return rc;
}
