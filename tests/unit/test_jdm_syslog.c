/* jdm_syslog: the rsyslog configuration generated from `system syslog`
 * (Junos facilities and levels as rsyslog selectors, one action per
 * destination), the commit check of names that would leave their quotes,
 * and host-name/name-server/ntp written into the --etc-dir (a temp dir),
 * never the machine's /etc.
 */
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cfg_buf.h"
#include "cfg_commit.h"
#include "cfg_diff.h"
#include "cfg_load.h"
#include "cfg_tree.h"
#include "jdm_syslog.h"

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

static void selectors_and_actions(void **state)
{
	(void)state;
	struct cfg_tree *t = tree("set system host-name br1\n"
	                          "set system syslog host 192.0.2.1 any any\n"
	                          "set system syslog host 192.0.2.2 interactive-commands info\n"
	                          "set system syslog host 192.0.2.2 kernel none\n"
	                          "set system syslog file messages any notice\n"
	                          "set system syslog file messages authorization info\n"
	                          "set system syslog user * any emergency\n");
	char *c = jdm_syslog_rsyslog_conf(t, "/st", "/lg");
	assert_non_null(c);
	assert_non_null(strstr(c, "localHostname=\"br1\""));
	assert_non_null(strstr(c, "Socket=\"/st/syslog/log\""));
	assert_non_null(strstr(c, "\n*.* action(type=\"omfwd\" target=\"192.0.2.1\" port=\"514\""));
	assert_non_null(strstr(c, "\nlocal7.info;kern.none action(type=\"omfwd\" target=\"192.0.2.2\""));
	assert_non_null(strstr(c, "\n*.notice;auth.info action(type=\"omfile\" file=\"/lg/messages\")"));
	assert_non_null(strstr(c, "\n*.emerg action(type=\"omusrmsg\" users=\"*\")"));
	assert_null(strstr(c, "SysSock.Use=\"on\""));
	free(c);
	cfg_tree_free(t);
	/* no destination: no rsyslogd */
	t = tree("set system host-name br1\n");
	assert_null(jdm_syslog_rsyslog_conf(t, "/st", "/lg"));
	cfg_tree_free(t);
	/* an inactive destination does not count */
	t = tree("set system syslog file messages any any\ndeactivate system syslog file messages\n");
	assert_null(jdm_syslog_rsyslog_conf(t, "/st", "/lg"));
	cfg_tree_free(t);
}

static void refuses_what_escapes(void **state)
{
	(void)state;
	struct cfg_tree *t = tree("set system syslog file .x any any\n"
	                          "set system syslog host 192.0.2.9 any any\n");
	struct cfg_findings fs = {0};
	jdm_syslog_validate(NULL, t, NULL, &fs);
	struct cfg_buf b = {0};
	cfg_findings_render(&b, &fs);
	assert_int_equal(cfg_findings_errors(&fs), 1);
	assert_non_null(strstr(b.p, "[edit system syslog file .x]"));
	cfg_buf_free(&b);
	cfg_findings_free(&fs);
	char *c = jdm_syslog_rsyslog_conf(t, "/st", "/lg");
	assert_non_null(c);
	assert_null(strstr(c, ".x\""));
	free(c);
	cfg_tree_free(t);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	static char buf[4096];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void host_files_in_etc_dir(void **state)
{
	(void)state;
	char dir[] = "/tmp/nfx-ut-syslog.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char etc[64], p[128];
	snprintf(etc, sizeof etc, "%s/etc", dir);
	struct jdm_syslog *s = jdm_syslog_new(dir, NULL, etc);
	struct cfg_tree *t = tree("set system host-name br2\n"
	                          "set system name-server 192.0.2.53\n"
	                          "set system name-server 198.51.100.53\n"
	                          "set system ntp server 192.0.2.123\n");
	struct cfg_buf out = {0};
	struct cfg_findings fs = {0};
	assert_int_equal(jdm_syslog_converge(s, t, &out, &fs), 0);
	snprintf(p, sizeof p, "%s/hostname", etc);
	assert_string_equal(slurp(p), "br2\n");
	snprintf(p, sizeof p, "%s/resolv.conf", etc);
	assert_non_null(strstr(slurp(p), "nameserver 192.0.2.53\nnameserver 198.51.100.53\n"));
	snprintf(p, sizeof p, "%s/systemd/timesyncd.conf.d/nfx.conf", etc);
	assert_non_null(strstr(slurp(p), "[Time]\nNTP=192.0.2.123\n"));
	cfg_tree_free(t);
	/* ntp gone: its drop-in goes */
	t = tree("set system host-name br2\n");
	assert_int_equal(jdm_syslog_converge(s, t, &out, &fs), 0);
	assert_int_not_equal(access(p, F_OK), 0);
	cfg_tree_free(t);
	cfg_buf_free(&out);
	cfg_findings_free(&fs);
	jdm_syslog_free(s);
	char *argv[] = {"/bin/rm", "-rf", dir, NULL};
	pid_t pid = fork();
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
}

int main(void)
{
	schema = test_schema_jdm();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(selectors_and_actions),
		cmocka_unit_test(refuses_what_escapes),
		cmocka_unit_test(host_files_in_etc_dir),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	cfg_schema_free(schema);
	return rc;
}
