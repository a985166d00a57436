/* Unit tests of cfg_session / cfg_cmd / cfg_daemon without sockets: frames
 * go in through cfg_session_frame(), answers are decoded from the session's
 * transmit queue. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <pwd.h>
#include <time.h>
#include <unistd.h>

#include "cfg_cmd.h"
#include "cfg_daemon.h"
#include "cfg_err.h"
#include "cfg_proto.h"
#include "cfg_schema_data.h"
#include "cfg_session.h"
#include "cfg_store.h"

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

/* `load ... FILE` and `save FILE`: the daemon opens no file. It asks the
 * client for the file (ASK_FILE) and hands saves to it (a FILE frame). */
static void test_files_via_client(void **state)
{
	struct fx *f = *state;
	struct cfg_session *s = login(f);
	free(line(s, "configure"));
	/* a file inside the state directory: the daemon must not read it */
	char p[128];
	snprintf(p, sizeof p, "%s/in.set", f->dir);
	FILE *fp = fopen(p, "w");
	assert_non_null(fp);
	fputs("set system host-name fromdisk\n", fp);
	fclose(fp);
	char *r = line(s, "load set in.set");
	assert_string_equal(r, "A:\x0ain.set\n");
	free(r);
	/* the client could not read it: its reason is printed */
	assert_int_equal(cfg_session_frame(s, CFG_P_INPUT, "1Permission denied", 18), 0);
	r = drain(s);
	assert_string_equal(r, "O:error: could not open configuration file: in.set: Permission denied\n\n"
	                       "D:1\n{master:0}[edit]\n|root@jdm# \n");
	free(r);
	/* the client streams the contents */
	free(line(s, "load merge /some/file"));
	const char *in = "0system {\n    host-name fromclient;\n}\n";
	assert_int_equal(cfg_session_frame(s, CFG_P_INPUT, in, strlen(in)), 0);
	r = drain(s);
	assert_string_equal(r, "O:load complete\n\nD:0\n{master:0}[edit]\n|root@jdm# \n");
	free(r);
	r = line(s, "show system host-name | save h.txt");
	assert_string_equal(r, "F:oh.txt|host-name fromclient;\n\nD:0\n{master:0}[edit]\n|root@jdm# \n");
	free(r);
	r = line(s, "edit system");
	free(r);
	r = line(s, "save ../../sys.txt");
	assert_string_equal(r, "F:c../../sys.txt|host-name fromclient;\n\n"
	                       "D:0\n{master:0}[edit system]\n|root@jdm# \n");
	free(r);
	r = line(s, "run show configuration | save x");
	assert_string_equal(r, "F:ox|\nD:0\n{master:0}[edit system]\n|root@jdm# \n");
	free(r);
	snprintf(p, sizeof p, "%s/h.txt", f->dir);
	assert_int_equal(access(p, F_OK), -1); /* nothing written by the daemon */
	snprintf(p, sizeof p, "%s/in.set", f->dir);
	unlink(p);
	cfg_session_free(s);
}
/* `| compare FILE` (Junos CLI User Guide, "compare (Filename)": compare
 * the configuration with a file): the cli reads FILE as the user (an
 * ASK_FILE, as `load FILE`), the daemon diffs it against what is shown;
 * the pipes after the compare still apply. */
static void test_compare_file(void **state)
{
	struct fx *f = *state;
	struct cfg_session *s = login(f);
	free(line(s, "configure"));
	free(line(s, "set system host-name new"));
	free(line(s, "set host-os vlans v100 vlan-id 100"));
	char *r = line(s, "show | compare old.conf | except vlan");
	assert_string_equal(r, "A:\x0aold.conf\n");
	free(r);
	const char *in = "0system {\n    host-name old;\n}\n";
	assert_int_equal(cfg_session_frame(s, CFG_P_INPUT, in, strlen(in)), 0);
	r = drain(s);
	assert_string_equal(r, "O:[edit system]\n-    host-name old;\n+    host-name new;\n[edit]\n+    host-os {\n"
	                       "+            v100 {\n+            }\n+        }\n+    }\n\n"
	                       "D:0\n{master:0}[edit]\n|root@jdm# \n");
	free(r);
	/* the file cannot be read: the cli's reason */
	r = line(s, "show | compare nope.conf");
	assert_string_equal(r, "A:\x0anope.conf\n");
	free(r);
	assert_int_equal(cfg_session_frame(s, CFG_P_INPUT, "1No such file or directory", 26), 0);
	r = drain(s);
	assert_string_equal(r, "O:error: could not open file: nope.conf: No such file or directory\n\n"
	                       "D:1\n{master:0}[edit]\n|root@jdm# \n");
	free(r);
	/* not a configuration */
	free(line(s, "show | compare junk"));
	in = "0this is { not";
	assert_int_equal(cfg_session_frame(s, CFG_P_INPUT, in, strlen(in)), 0);
	r = drain(s);
	assert_non_null(strstr(r, "error: junk: not a configuration file\n"));
	assert_non_null(strstr(r, "D:1\n"));
	free(r);
	cfg_session_free(s);
}

/* `set cli screen-length N`: a terminal session's command output is
 * announced to the cli as paged ('P', cfg_proto.h) unless `| no-more`;
 * a script's never (the pager itself: tests/integration/test_paging.sh). */
static void test_page_frames(void **state)
{
	struct fx *f = *state;
	struct cfg_session *s = cfg_session_new(f->d, -1, 0, 4242);
	assert_int_equal(cfg_session_frame(s, CFG_P_HELLO, "tty=1\n", 6), 0);
	free(drain(s));
	char *r = line(s, "show configuration");
	assert_null(strstr(r, "P:"));
	free(r);
	r = line(s, "set cli screen-length 5");
	assert_non_null(strstr(r, "Screen length set to 5"));
	free(r);
	assert_int_equal(cfg_session_screen_length(s), 5);
	r = line(s, "show system commit");
	assert_null(strstr(r, "P:")); /* no output, nothing to page */
	free(r);
	r = line(s, "show cli history");
	assert_true(strncmp(r, "P:5\nO:", 6) == 0);
	free(r);
	r = line(s, "show cli history | hold");
	assert_true(strncmp(r, "P:5\nhold\nO:", 11) == 0);
	free(r);
	r = line(s, "show cli history | no-more");
	assert_null(strstr(r, "P:"));
	free(r);
	r = line(s, "set cli screen-length 0");
	free(r);
	r = line(s, "show cli history");
	assert_null(strstr(r, "P:"));
	free(r);
	cfg_session_free(s);
	/* a script */
	s = login(f);
	free(line(s, "set cli screen-length 5"));
	r = line(s, "show cli history");
	assert_null(strstr(r, "P:"));
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
	/* after a statement of a set line, its siblings */
	const char *q = "set system memory hugepages page-size 1024 ";
	assert_int_equal(cfg_session_frame(s, CFG_P_HELP, q, strlen(q)), 0);
	r = drain(s);
	assert_non_null(strstr(r, "O:Possible completions:\n"));
	assert_non_null(strstr(r, "  page-count "));
	assert_non_null(strstr(r, "  page-size "));
	free(r);
	q = "set virtual-network-functions v virtual-cpu count 2 fe";
	assert_int_equal(cfg_session_frame(s, CFG_P_COMPLETE, q, strlen(q)), 0);
	r = drain(s);
	assert_non_null(strstr(r, "C:=features \n"));
	free(r);
	/* many statements in one line: each counts, the last value wins */
	char big[8192] = "set virtual-network-functions v interfaces eth2";
	for (int i = 0; i < 120; i++)
		snprintf(big + strlen(big), sizeof big - strlen(big), " mtu %d", 1000 + i);
	r = line(s, big);
	assert_non_null(strstr(r, "D:0"));
	free(r);
	assert_string_equal(cfg_tree_value(cfg_session_cand(s), NULL,
	                                   "virtual-network-functions v interfaces eth2 mtu", 0), "1119");
	/* and the line sets both */
	free(line(s, "set system memory hugepages page-size 1024 page-count 5"));
	const struct cfg_tree *cand = cfg_session_cand(s);
	assert_string_equal(cfg_tree_value(cand, NULL, "system memory hugepages page-count", 0), "5");
	assert_string_equal(cfg_tree_value(cand, NULL, "system memory hugepages page-size", 0), "1024");
	cfg_session_free(s);
}

/* `?` as Junos lists it (Junos CLI User Guide, "Using the ? to display
 * command completions"; real output of Junos 15.1/18.x): `<[Enter]>
 * Execute this command` first where the words typed are a whole command,
 * `|  Pipe through a command` last where it takes pipes; after a `|` the
 * pipes with Junos's help texts; `rollback ?` the revisions. */
static char *help(struct cfg_session *s, const char *l)
{
	assert_int_equal(cfg_session_frame(s, CFG_P_HELP, l, strlen(l)), 0);
	return drain(s);
}

static void test_help_enter_pipes(void **state)
{
	struct fx *f = *state;
	struct cfg_session *s = login(f);
	char *r = help(s, "show configuration ");
	assert_non_null(strstr(r, "O:Possible completions:\n  <[Enter]>            Execute this command\n"));
	assert_non_null(strstr(r, "  |                    Pipe through a command\n"));
	free(r);
	/* not a whole command: neither */
	r = help(s, "show ");
	assert_null(strstr(r, "<[Enter]>"));
	assert_null(strstr(r, "Pipe through"));
	free(r);
	/* a partial word: its completions only */
	r = help(s, "show conf");
	assert_null(strstr(r, "<[Enter]>"));
	free(r);
	r = help(s, "show configuration | ");
	assert_non_null(strstr(r, "O:Possible completions:\n  append               Append output text to file\n"
	                          "  compare              Compare configuration changes with prior version\n"
	                          "  count                Count occurrences\n"
	                          "  display              Show additional kinds of information\n"
	                          "  except               Show only text that does not match a pattern\n"
	                          "  find                 Search for first occurrence of pattern\n"
	                          "  hold                 Hold text without exiting the --More-- prompt\n"
	                          "  last                 Display end of output only\n"
	                          "  match                Show only text that matches a pattern\n"
	                          "  no-more              Don't paginate output\n"
	                          "  refresh              Refresh a continuous display of the command\n"
	                          "  request              Make system-level requests\n"
	                          "  resolve              Resolve IP addresses\n"
	                          "  save                 Save output text to file\n"
	                          "  tee                  Write to standard output and file\n"
	                          "  trim                 Trim specified number of columns from start of line\n\n"
	                          "D:"));
	free(r);
	/* an operational reply has no compare */
	r = help(s, "show system commit | ");
	assert_null(strstr(r, "compare"));
	assert_non_null(strstr(r, "  match "));
	free(r);
	r = help(s, "show configuration | display ");
	assert_non_null(strstr(r, "  set                  Show 'set' commands that create configuration\n"));
	assert_non_null(strstr(r, "  inheritance          Show inherited configuration data and source group\n"));
	free(r);
	/* the cursor right after the `|` */
	r = help(s, "show configuration |");
	assert_non_null(strstr(r, "  count                Count occurrences\n"));
	free(r);
	r = help(s, "show configuration | display set ");
	assert_non_null(strstr(r, "  <[Enter]>            Execute this command\n  relative "));
	free(r);
	r = help(s, "show configuration | compare ");
	assert_non_null(strstr(r, "  <[Enter]>            Execute this command\n  <filename>           Name of file to compare against\n"
	                          "  rollback             Index of rollback file\n  |                    Pipe through a command\n"));
	free(r);
	r = help(s, "show configuration | tr");
	assert_non_null(strstr(r, "O:Possible completions:\n  trim                 Trim specified number of columns from start of line\n\nD:"));
	free(r);
	r = help(s, "show configuration | match ");
	assert_non_null(strstr(r, "  <pattern>            Pattern to match\n"));
	assert_null(strstr(r, "<[Enter]>"));
	free(r);
	r = help(s, "show configuration | match foo ");
	assert_non_null(strstr(r, "  <[Enter]>            Execute this command\n"));
	assert_non_null(strstr(r, "  |                    Pipe through a command\n"));
	free(r);
	/* configuration mode: `set` takes no pipes; a whole statement runs */
	free(line(s, "configure"));
	r = help(s, "set system host-name foo ");
	assert_non_null(strstr(r, "<[Enter]>"));
	assert_null(strstr(r, "Pipe through"));
	free(r);
	r = help(s, "set system ");
	assert_null(strstr(r, "<[Enter]>"));
	free(r);
	r = help(s, "show ");
	assert_non_null(strstr(r, "<[Enter]>"));
	assert_non_null(strstr(r, "Pipe through"));
	free(r);
	r = help(s, "run show configuration ");
	assert_non_null(strstr(r, "<[Enter]>"));
	assert_non_null(strstr(r, "Pipe through"));
	free(r);
	/* rollback ?: the revisions, newest first */
	free(line(s, "set system host-name one"));
	free(line(s, "commit"));
	free(line(s, "set system host-name two"));
	free(line(s, "commit comment \"second try\""));
	r = help(s, "rollback ");
	char tb[64];
	struct cfg_rev_info *infos = NULL;
	size_t n = 0;
	assert_int_equal(cfg_store_list(cfg_daemon_store(f->d), &infos, &n), 0);
	assert_int_equal(n, 2);
	char want[256];
	snprintf(want, sizeof want, "  <[Enter]>            Execute this command\n  0                    %s by root via cli second try\n",
	         cfg_session_fmt_time((time_t)infos[0].time, tb, sizeof tb));
	assert_non_null(strstr(r, want));
	snprintf(want, sizeof want, "  1                    %s by root via cli\n",
	         cfg_session_fmt_time((time_t)infos[1].time, tb, sizeof tb));
	assert_non_null(strstr(r, want));
	assert_null(strstr(r, "<number>"));
	free(r);
	/* `| compare rollback ?`: the same revisions (Junos lists them there
	 * as for `rollback ?`), no <[Enter]> (the number is needed) */
	r = help(s, "show | compare rollback "); /* configuration mode */
	snprintf(want, sizeof want, "O:Possible completions:\n  0                    %s by root via cli second try\n",
	         cfg_session_fmt_time((time_t)infos[0].time, tb, sizeof tb));
	assert_non_null(strstr(r, want));
	snprintf(want, sizeof want, "  1                    %s by root via cli\n",
	         cfg_session_fmt_time((time_t)infos[1].time, tb, sizeof tb));
	assert_non_null(strstr(r, want));
	assert_null(strstr(r, "<number>"));
	assert_null(strstr(r, "<[Enter]>"));
	free(r);
	/* a partial number: the revisions it starts */
	r = help(s, "show | compare rollback 1");
	assert_non_null(strstr(r, want));
	assert_null(strstr(r, "second try"));
	free(r);
	r = help(s, "run show configuration | match x | compare rollback ");
	assert_non_null(strstr(r, want));
	free(r);
	/* `| last ?`: <[Enter]> too (a screenful) */
	r = help(s, "show | last ");
	assert_non_null(strstr(r, "  <[Enter]>            Execute this command\n  <lines>              Number of lines to display from end of output\n"));
	free(r);
	free(infos);
	cfg_session_free(s);
}

/* `| last` with no number: the last screenful (Junos CLI User Guide,
 * "Display the End of the Output"): the session's screen length, 24 for a
 * script that set none. */
static size_t count_set_lines(const char *r)
{
	size_t n = 0;
	for (const char *p = r; (p = strstr(p, "set host-os vlans ")); p++)
		n++;
	return n;
}

static void test_last_screenful(void **state)
{
	struct fx *f = *state;
	struct cfg_session *s = login(f);
	free(line(s, "configure"));
	for (int i = 1; i <= 30; i++) {
		char l[80];
		snprintf(l, sizeof l, "set host-os vlans v%02d vlan-id %d", i, i);
		free(line(s, l));
	}
	char *r = line(s, "show host-os | display set | last");
	assert_null(strstr(r, "missing argument"));
	assert_int_equal(count_set_lines(r), 24);
	assert_null(strstr(r, "v06 "));
	assert_non_null(strstr(r, "set host-os vlans v07 vlan-id 7\n"));
	assert_non_null(strstr(r, "set host-os vlans v30 vlan-id 30\n"));
	free(r);
	r = line(s, "show host-os | display set | last 2");
	assert_int_equal(count_set_lines(r), 2);
	free(r);
	r = line(s, "run set cli screen-length 5");
	free(r);
	assert_int_equal(cfg_session_screen_length(s), 5);
	r = line(s, "show host-os | display set | last");
	assert_int_equal(count_set_lines(r), 5);
	assert_non_null(strstr(r, "O:set host-os vlans v26 vlan-id 26\n"));
	free(r);
	r = line(s, "show host-os | display set | last | match v2");
	assert_int_equal(count_set_lines(r), 4);
	free(r);
	cfg_session_free(s);
}


/* A deactivated `system login user X` or `system host-name` counts as absent. */
static void test_inactive_counts_absent(void **state)
{
	struct fx *f = *state;
	struct passwd *pw = getpwnam("nobody");
	if (!pw || pw->pw_uid == 0 || pw->pw_uid == geteuid())
		skip();
	struct cfg_session *s = login(f);
	free(line(s, "configure"));
	free(line(s, "set system host-name box1"));
	free(line(s, "set system login user nobody class operator"));
	char *r = line(s, "commit");
	assert_non_null(strstr(r, "commit complete"));
	free(r);
	assert_string_equal(cfg_daemon_host(f->d), "box1");
	struct cfg_session *u = cfg_session_new(f->d, -1, pw->pw_uid, 4343);
	assert_int_equal(cfg_session_class(u), CFG_CLASS_OPERATOR);
	cfg_session_free(u);
	free(line(s, "deactivate system login user nobody"));
	free(line(s, "deactivate system host-name"));
	r = line(s, "commit");
	assert_non_null(strstr(r, "commit complete"));
	free(r);
	assert_string_equal(cfg_daemon_host(f->d), "jdm"); /* the default */
	u = cfg_session_new(f->d, -1, pw->pw_uid, 4344);
	assert_int_equal(cfg_session_class(u), CFG_CLASS_NONE);
	cfg_session_free(u);
	/* an inactive ancestor too */
	free(line(s, "activate system login user nobody"));
	free(line(s, "activate system host-name"));
	free(line(s, "deactivate system"));
	r = line(s, "commit");
	assert_non_null(strstr(r, "commit complete"));
	free(r);
	assert_string_equal(cfg_daemon_host(f->d), "jdm");
	u = cfg_session_new(f->d, -1, pw->pw_uid, 4345);
	assert_int_equal(cfg_session_class(u), CFG_CLASS_NONE);
	cfg_session_free(u);
	cfg_session_free(s);
}

/* ---- streams: a fake console that echoes its input in upper case ---- */

struct fake_stream {
	struct cfg_session *s; /* the session streaming, NULL after end() */
	int ends;              /* end() calls */
	int inputs;
	bool finish_in_end;    /* end() calls cfg_session_stream_finish (as jdm_console) */
	const char *end_msg;
};
static struct fake_stream fake;

static void fake_input(void *ctx, const void *data, size_t len)
{
	struct fake_stream *f = ctx;
	char buf[256];
	assert_true(len > 0 && len < sizeof buf);
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)toupper(((const unsigned char *)data)[i]);
	f->inputs++;
	cfg_session_stream_output(f->s, buf, len);
}

static void fake_end(void *ctx)
{
	struct fake_stream *f = ctx;
	f->ends++;
	struct cfg_session *s = f->s;
	f->s = NULL;
	if (f->finish_in_end)
		cfg_session_stream_finish(s, 0, f->end_msg); /* a no-op when the session goes */
}

static const struct cfg_session_stream_ops fake_ops = {fake_input, fake_end};

static int fake_console(struct cfg_cmd *c)
{
	cfg_buf_puts(c->out, "before\n");
	fake.s = c->s;
	if (cfg_session_stream_begin(c->s, &fake_ops, &fake) < 0)
		return -1;
	cfg_session_stream_output(c->s, "Connected\n", 10);
	return CFG_CMD_PENDING;
}

static struct cfg_session *stream_start(struct fx *f)
{
	memset(&fake, 0, sizeof fake);
	assert_int_equal(cfg_daemon_register(f->d, "request_vnf_console", fake_console), 0);
	struct cfg_session *s = login(f);
	char *r = line(s, "request virtual-network-functions vrtr1 console");
	assert_string_equal(r, "O:before\n\nS:\x1d\nO:Connected\n\n");
	free(r);
	assert_true(cfg_session_streaming(s));
	return s;
}

static void test_stream_echo(void **state)
{
	struct fx *f = *state;
	struct cfg_session *s = stream_start(f);
	fake.finish_in_end = true;
	assert_int_equal(cfg_session_frame(s, CFG_P_RAW, "ls -l\r", 6), 0);
	char *r = drain(s);
	assert_string_equal(r, "O:LS -L\r\n");
	free(r);
	assert_int_equal(cfg_session_frame(s, CFG_P_END, "", 0), 0);
	r = drain(s);
	assert_string_equal(r, "D:0\n{master:0}\n|root@jdm> \n");
	free(r);
	assert_int_equal(fake.ends, 1);
	assert_false(cfg_session_streaming(s));
	/* late frames from the client are ignored, output after the end too */
	assert_int_equal(cfg_session_frame(s, CFG_P_RAW, "x", 1), 0);
	assert_int_equal(cfg_session_frame(s, CFG_P_END, "", 0), 0);
	cfg_session_stream_output(s, "late", 4);
	cfg_session_stream_finish(s, 0, "late");
	r = drain(s);
	assert_string_equal(r, "");
	free(r);
	assert_int_equal(fake.ends, 1);
	assert_int_equal(fake.inputs, 1);
	/* the session goes on as before */
	r = line(s, "request virtual-network-functions vrtr1 console");
	assert_string_equal(r, "O:before\n\nS:\x1d\nO:Connected\n\n");
	free(r);
	fake.finish_in_end = false; /* the session finishes by itself */
	assert_int_equal(cfg_session_frame(s, CFG_P_END, "", 0), 0);
	r = drain(s);
	assert_string_equal(r, "D:0\n{master:0}\n|root@jdm> \n");
	free(r);
	assert_int_equal(fake.ends, 2);
	cfg_session_free(s);
	assert_int_equal(fake.ends, 2);
}

static void test_stream_disconnect(void **state)
{
	struct fx *f = *state;
	struct cfg_session *s = stream_start(f);
	fake.finish_in_end = true;
	cfg_session_free(s); /* client gone */
	assert_int_equal(fake.ends, 1);
	assert_null(fake.s);
}

static void test_stream_daemon_finish(void **state)
{
	struct fx *f = *state;
	struct cfg_session *s = stream_start(f);
	/* only RAW and END while streaming */
	assert_int_equal(cfg_session_frame(s, CFG_P_LINE, "show", 4), -1);
	cfg_session_stream_finish(s, -1, "error: console of vrtr1 closed\n");
	char *r = drain(s);
	assert_string_equal(r, "O:error: console of vrtr1 closed\n\nD:1\n{master:0}\n|root@jdm> \n");
	free(r);
	assert_int_equal(fake.ends, 1);
	assert_int_equal(cfg_session_frame(s, CFG_P_END, "", 0), 0);
	r = drain(s);
	assert_string_equal(r, "");
	free(r);
	cfg_session_free(s);
	assert_int_equal(fake.ends, 1);
}

static int fail_after_begin(struct cfg_cmd *c)
{
	fake.s = c->s;
	assert_int_equal(cfg_session_stream_begin(c->s, &fake_ops, &fake), 0);
	assert_int_equal(cfg_session_stream_begin(c->s, &fake_ops, &fake), -1); /* one at a time */
	cfg_err_set("VNF vrtr1 went away");
	return -1;
}

static void test_stream_handler_fails(void **state)
{
	struct fx *f = *state;
	memset(&fake, 0, sizeof fake);
	assert_int_equal(cfg_daemon_register(f->d, "request_vnf_console", fail_after_begin), 0);
	struct cfg_session *s = login(f);
	char *r = line(s, "request virtual-network-functions vrtr1 console");
	assert_string_equal(r, "S:\x1d\nO:error: VNF vrtr1 went away\n\nD:1\n{master:0}\n|root@jdm> \n");
	free(r);
	assert_int_equal(fake.ends, 1);
	cfg_session_free(s);
	assert_int_equal(fake.ends, 1);
}

/* Through the real daemon loop and socket: a client process streams, and
 * output queued from a watch callback (as jdm_console does from the
 * libvirt mailbox) reaches it without any client activity. */
struct loop_ctx {
	struct cfg_daemon *d;
	pid_t child;
	int status;
	bool reaped;
	time_t deadline;
	int src; /* read end of the "console" pipe */
};

static void on_src(void *ctx, int fd, short re)
{
	(void)re;
	struct loop_ctx *l = ctx;
	char buf[256];
	ssize_t n = read(fd, buf, sizeof buf);
	if (n > 0 && fake.s)
		cfg_session_stream_output(fake.s, buf, (size_t)n);
	(void)l;
}

static void on_tick(void *ctx)
{
	struct loop_ctx *l = ctx;
	if (!l->reaped && waitpid(l->child, &l->status, WNOHANG) == l->child)
		l->reaped = true;
	if (l->reaped || time(NULL) > l->deadline)
		cfg_daemon_stop(l->d);
}

/* Client side: one frame within 10 s, or exit. */
static char c_recv(int fd, char **p, size_t *n)
{
	struct pollfd pf = {.fd = fd, .events = POLLIN};
	if (poll(&pf, 1, 10000) != 1)
		_exit(10);
	char t;
	if (cfg_proto_recv(fd, &t, p, n) != 0)
		_exit(11);
	return t;
}

#define c_expect(fd, type, lit, code) c_expect_n(fd, type, lit, sizeof lit - 1, code)
static void c_expect_n(int fd, char type, const char *payload, size_t len, int code)
{
	char *p;
	size_t n;
	char t = c_recv(fd, &p, &n);
	if (t != type || n != len || memcmp(p, payload, n) != 0) {
		fprintf(stderr, "client: got %c:%.*s, want %c:%s\n", t, (int)n, p, type, payload);
		_exit(code);
	}
	free(p);
}

static void client(const char *path, int src_w)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof sa.sun_path)
		_exit(2);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int fd = -1;
	for (int i = 0; i < 500; i++) {
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0)
			break;
		close(fd);
		fd = -1;
		usleep(10000);
	}
	if (fd < 0)
		_exit(2);
	if (cfg_proto_send(fd, CFG_P_HELLO, "tty=1\n", 6) < 0)
		_exit(3);
	c_expect(fd, CFG_P_DONE, "0{master:0}\n\0root@jdm> ", 4);
	const char *l = "request virtual-network-functions vrtr1 console";
	cfg_proto_send(fd, CFG_P_LINE, l, strlen(l));
	c_expect(fd, CFG_P_OUT, "before\n", 5);
	c_expect(fd, CFG_P_STREAM, "\x1d", 6);
	c_expect(fd, CFG_P_OUT, "Connected\n", 7);
	cfg_proto_send(fd, CFG_P_RAW, "abc", 3);
	c_expect(fd, CFG_P_OUT, "ABC", 8);
	if (write(src_w, "from the guest", 14) != 14) /* the daemon's own fd */
		_exit(9);
	c_expect(fd, CFG_P_OUT, "from the guest", 12);
	cfg_proto_send(fd, CFG_P_END, "", 0);
	c_expect(fd, CFG_P_DONE, "0\n{master:0}\n\0root@jdm> ", 13);
	close(fd);
	_exit(0);
}

static void test_stream_socket(void **state)
{
	struct fx *f = *state;
	memset(&fake, 0, sizeof fake);
	fake.finish_in_end = true;
	assert_int_equal(cfg_daemon_register(f->d, "request_vnf_console", fake_console), 0);
	int src[2];
	assert_int_equal(pipe(src), 0);
	struct loop_ctx l = {.d = f->d, .deadline = time(NULL) + 30, .src = src[0]};
	char path[128];
	snprintf(path, sizeof path, "%s", cfg_daemon_socket_path(f->d));
	fflush(NULL);
	l.child = fork();
	assert_true(l.child >= 0);
	if (l.child == 0) {
		close(src[0]);
		client(path, src[1]);
	}
	close(src[1]);
	cfg_daemon_watch(f->d, src[0], POLLIN, on_src, &l);
	cfg_daemon_set_tick(f->d, 50, on_tick, &l);
	assert_int_equal(cfg_daemon_run(f->d), 0);
	cfg_daemon_unwatch(f->d, src[0]);
	close(src[0]);
	if (!l.reaped) {
		kill(l.child, SIGKILL);
		waitpid(l.child, &l.status, 0);
		fail_msg("the client did not finish in time");
	}
	assert_true(WIFEXITED(l.status));
	assert_int_equal(WEXITSTATUS(l.status), 0);
	assert_int_equal(fake.ends, 1);
}

/* The commit confirmed deadline is a timer of the loop: a deadline that
 * passed while the daemon was down rolls back on the first turn. */
struct confirm_ctx {
	struct cfg_daemon *d;
	time_t deadline;
};

static void confirm_tick(void *ctx)
{
	struct confirm_ctx *x = ctx;
	if (cfg_daemon_confirm_left(x->d) < 0 || time(NULL) > x->deadline)
		cfg_daemon_stop(x->d);
}

static void test_confirm_timer(void **state)
{
	struct fx *f = *state;
	struct cfg_session *s = login(f);
	free(line(s, "configure"));
	free(line(s, "set system host-name first"));
	free(line(s, "commit"));
	free(line(s, "set system host-name second"));
	char *r = line(s, "commit confirmed 5");
	assert_non_null(strstr(r, "commit confirmed will be automatically rolled back in 5 minutes"));
	free(r);
	assert_true(cfg_daemon_confirm_left(f->d) > 240);
	assert_string_equal(cfg_daemon_host(f->d), "second");
	cfg_session_free(s);
	/* the daemon goes down; the deadline passes meanwhile */
	char past[32];
	snprintf(past, sizeof past, "%lld", (long long)time(NULL) - 5);
	assert_int_equal(cfg_store_kv_set(cfg_daemon_store(f->d), "commit-confirmed-deadline", past), 0);
	cfg_daemon_free(f->d);
	struct cfg_daemon_opts o = {
		.name = "jdm", .state_dir = f->dir, .default_host = "jdm",
		.schema_xml = cfg_schema_jdm, .schema_len = cfg_schema_jdm_len,
		.ops_xml = cfg_schema_ops_jdm, .ops_len = cfg_schema_ops_jdm_len,
		.cfgmode_xml = cfg_schema_cfgmode, .cfgmode_len = cfg_schema_cfgmode_len,
	};
	f->d = cfg_daemon_new(&o);
	assert_non_null(f->d);
	assert_int_equal(cfg_daemon_confirm_left(f->d), 0);
	struct confirm_ctx x = {.d = f->d, .deadline = time(NULL) + 20};
	cfg_daemon_set_tick(f->d, 20, confirm_tick, &x);
	assert_int_equal(cfg_daemon_run(f->d), 0);
	assert_int_equal(cfg_daemon_confirm_left(f->d), -1);
	assert_string_equal(cfg_daemon_host(f->d), "first");
	char *v = NULL;
	assert_int_equal(cfg_store_kv_get(cfg_daemon_store(f->d), "commit-confirmed-deadline", &v), 1);
	/* a timer of the daemon's own, before the loop runs and cancelled */
	unsigned id = cfg_daemon_timer_add(f->d, 10, false, confirm_tick, &x);
	assert_true(id > 0);
	cfg_daemon_timer_cancel(f->d, id);
}
/* After `commit confirmed N` every prompt of every session says so, and
 * when the rollback fires every session is told (as Junos: the Junos CLI
 * User Guide's `commit confirmed` example output, "# commit confirmed will
 * be rolled back in N minutes" above [edit]; the broadcast "Commit was not
 * confirmed; automatic rollback complete."). */
/* Client side of test_confirm_notices: a second session, over the socket. */
static void confirm_client(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int fd = -1;
	for (int i = 0; i < 500; i++) {
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0)
			break;
		close(fd);
		fd = -1;
		usleep(10000);
	}
	if (fd < 0)
		_exit(2);
	if (cfg_proto_send(fd, CFG_P_HELLO, "tty=1\n", 6) < 0)
		_exit(3);
	/* its prompt carries the notice too */
	c_expect(fd, CFG_P_DONE, "0# commit confirmed will be rolled back in 1 minutes\n{master:0}\n\0root@second> ", 4);
	/* at its prompt, it is told */
	char *p;
	size_t n;
	if (c_recv(fd, &p, &n) != CFG_P_OUT)
		_exit(5);
	const char *want = "\nCommit was not confirmed; automatic rollback complete.\n";
	if (n < 40 || memcmp(p, "\nBroadcast Message from root@first\n        (no tty) at ", 43) ||
	    !memmem(p, n, want, strlen(want))) {
		fprintf(stderr, "client: got %.*s\n", (int)n, p);
		_exit(6);
	}
	free(p);
	close(fd);
	_exit(0);
}

static void test_confirm_notices(void **state)
{
	struct fx *f = *state;
	struct cfg_session *s = login(f);
	free(line(s, "configure"));
	free(line(s, "set system host-name first"));
	free(line(s, "commit"));
	free(line(s, "set system host-name second"));
	char *r = line(s, "commit confirmed 5");
	assert_non_null(strstr(r, "commit complete\n"));
	assert_non_null(strstr(r, "D:0\n# commit confirmed will be rolled back in 5 minutes\n{master:0}[edit]\n|root@second# "));
	free(r);
	r = line(s, "run show system uptime");
	assert_non_null(strstr(r, "# commit confirmed will be rolled back in 5 minutes\n{master:0}[edit]\n"));
	free(r);
	free(line(s, "exit"));
	cfg_session_free(s);
	/* the deadline comes: a session over the socket sees the notice, then
	   the broadcast */
	cfg_daemon_confirm_arm_secs(f->d, 2);
	struct loop_ctx l = {.d = f->d, .deadline = time(NULL) + 30};
	char path[128];
	snprintf(path, sizeof path, "%s", cfg_daemon_socket_path(f->d));
	fflush(NULL);
	l.child = fork();
	assert_true(l.child >= 0);
	if (l.child == 0)
		confirm_client(path);
	cfg_daemon_set_tick(f->d, 50, on_tick, &l);
	assert_int_equal(cfg_daemon_run(f->d), 0);
	if (!l.reaped) {
		kill(l.child, SIGKILL);
		waitpid(l.child, &l.status, 0);
		fail_msg("the client did not finish in time");
	}
	assert_true(WIFEXITED(l.status));
	assert_int_equal(WEXITSTATUS(l.status), 0);
	assert_int_equal(cfg_daemon_confirm_left(f->d), -1);
	assert_string_equal(cfg_daemon_host(f->d), "first");
}

/* Secrets: only a session that may see them gets their values; a revision
 * line that does not load is logged by position, never quoted. */
static void test_secrets(void **state)
{
	struct fx *f = *state;
	struct cfg_session *root = login(f);
	free(line(root, "configure"));
	free(line(root, "set system root-authentication encrypted-password \"$6$sessLeak$hash\""));
	free(line(root, "set system login user uid54321 class read-only"));
	free(line(root, "commit"));
	assert_true(cfg_session_may_see_secrets(root));
	char *r = line(root, "show system root-authentication");
	assert_non_null(strstr(r, "encrypted-password \"$6$sessLeak$hash\"; ## SECRET-DATA"));
	free(r);
	struct cfg_session *ro = cfg_session_new(f->d, -1, 54321, 4243);
	assert_non_null(ro);
	assert_int_equal(cfg_session_frame(ro, CFG_P_HELLO, "tty=0\n", 6), 0);
	free(drain(ro));
	assert_int_equal(cfg_session_class(ro), CFG_CLASS_READ_ONLY);
	assert_false(cfg_session_may_see_secrets(ro));
	static const char *const cmds[] = {
		"show configuration", "show configuration | display set", "show configuration | display xml",
		"show configuration | display json", "show configuration | compare rollback 1",
		"show configuration system root-authentication encrypted-password",
		"show configuration | display set | match sessLeak",
	};
	for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
		r = line(ro, cmds[i]);
		if (strstr(r, "sessLeak"))
			fail_msg("%s shows the secret: %s", cmds[i], r);
		free(r);
	}
	r = line(ro, "show configuration system root-authentication");
	assert_non_null(strstr(r, "encrypted-password /* SECRET-DATA */;"));
	free(r);
	/* the 'Q' frame's XML too */
	const char *q = "show configuration";
	assert_int_equal(cfg_session_frame(ro, CFG_P_QUERY, q, strlen(q)), 0);
	r = drain(ro);
	assert_non_null(strstr(r, "<encrypted-password>/* SECRET-DATA */</encrypted-password>"));
	assert_null(strstr(r, "sessLeak"));
	free(r);
	cfg_session_free(ro);
	cfg_session_free(root);
	cfg_daemon_free(f->d);

	/* a revision with lines this schema does not take (an unknown word that
	   is a secret): the log says where, not what */
	char db[128];
	snprintf(db, sizeof db, "%s/jdm.db", f->dir);
	struct cfg_store *st = cfg_store_open(db);
	assert_non_null(st);
	const char *text = "set system host-name h\nset system \"$6$logLeak$hash\"\n";
	assert_int_equal(cfg_store_commit(st, text, strlen(text), "root", "cli", NULL, NULL), 0);
	cfg_store_close(st);
	char logp[128];
	snprintf(logp, sizeof logp, "%s/log", f->dir);
	fflush(stderr);
	int saved = dup(2);
	int lfd = open(logp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(saved >= 0 && lfd >= 0);
	dup2(lfd, 2);
	close(lfd);
	struct cfg_daemon_opts o = {
		.name = "jdm", .state_dir = f->dir, .default_host = "jdm",
		.schema_xml = cfg_schema_jdm, .schema_len = cfg_schema_jdm_len,
		.ops_xml = cfg_schema_ops_jdm, .ops_len = cfg_schema_ops_jdm_len,
		.cfgmode_xml = cfg_schema_cfgmode, .cfgmode_len = cfg_schema_cfgmode_len,
	};
	f->d = cfg_daemon_new(&o);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	assert_non_null(f->d);
	FILE *lf = fopen(logp, "r");
	assert_non_null(lf);
	char buf[4096];
	size_t n = fread(buf, 1, sizeof buf - 1, lf);
	buf[n] = 0;
	fclose(lf);
	unlink(logp);
	assert_non_null(strstr(buf, "do not load"));
	assert_non_null(strstr(buf, "line 2"));
	if (strstr(buf, "logLeak"))
		fail_msg("the log quotes the revision: %s", buf);
	assert_string_equal(cfg_daemon_host(f->d), "h");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_prompts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commit_and_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_terminal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_files_via_client, setup, teardown),
		cmocka_unit_test_setup_teardown(test_password, setup, teardown),
		cmocka_unit_test_setup_teardown(test_protocol_abuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_help, setup, teardown),
		cmocka_unit_test_setup_teardown(test_page_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compare_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_help_enter_pipes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_last_screenful, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inactive_counts_absent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_confirm_timer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_confirm_notices, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stream_echo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stream_disconnect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stream_daemon_finish, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stream_handler_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stream_socket, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secrets, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
