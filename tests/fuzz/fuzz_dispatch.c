/* libFuzzer target: random command lines through the session dispatch, as
 * a read-only user (a real local account, `nobody`, class read-only in the
 * committed configuration). Whatever the lines, frames and completions,
 * they must never change the candidate, the active configuration or the
 * store (no new revision), and never crash or leak.
 *
 * Input: lines; a line starting with one of L T H I Q is sent as that frame
 * (LINE, COMPLETE, HELP, INPUT, QUERY) with the rest as payload, any other
 * line as a LINE. Build: meson setup build-fuzz -Dfuzz=true with CC=clang;
 * run: build-fuzz/tests/fuzz/fuzz-dispatch tests/fuzz/corpus-dispatch
 * (./nfx fuzz runs it). */
#include <ftw.h>
#include <pwd.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg_daemon.h"
#include "cfg_err.h"
#include "cfg_proto.h"
#include "cfg_schema_data.h"
#include "cfg_session.h"
#include "cfg_store.h"

static struct cfg_daemon *d;
static uid_t ro_uid;
static struct cfg_tree *cand0, *active0; /* copies, as they were before any input */
static int64_t seq0;
static size_t nrev0;

static void run(struct cfg_session *s, char type, const char *l)
{
	cfg_session_frame(s, type, l, strlen(l));
	cfg_buf_reset(cfg_session_txq(s));
}

static size_t nrev(void)
{
	struct cfg_rev_info *infos = NULL;
	size_t n = 0;
	if (cfg_store_list(cfg_daemon_store(d), &infos, &n) < 0)
		abort();
	free(infos);
	return n;
}

static char dir[] = "/tmp/nfx-fuzz-dispatch.XXXXXX";

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	remove(path); /* best effort: go on with the rest */
	return 0;
}

/* The fuzzer's state directory goes when it exits (libFuzzer ends with exit()). */
static void rm_dir(void) { nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS); }

static void init(void)
{
	if (!mkdtemp(dir))
		abort();
	atexit(rm_dir);
	struct cfg_daemon_opts o = {
		.name = "jdm", .state_dir = dir, .default_host = "jdm",
		.schema_xml = cfg_schema_jdm, .schema_len = cfg_schema_jdm_len,
		.ops_xml = cfg_schema_ops_jdm, .ops_len = cfg_schema_ops_jdm_len,
		.cfgmode_xml = cfg_schema_cfgmode, .cfgmode_len = cfg_schema_cfgmode_len,
	};
	d = cfg_daemon_new(&o);
	struct passwd *pw = getpwnam("nobody");
	if (!d || !pw || pw->pw_uid == 0 || pw->pw_uid == geteuid()) {
		fprintf(stderr, "fuzz-dispatch: needs the daemon and a user 'nobody' (not us): %s\n", cfg_err_msg());
		abort();
	}
	ro_uid = pw->pw_uid;
	struct cfg_session *root = cfg_session_new(d, -1, 0, 1);
	run(root, CFG_P_HELLO, "tty=0\n");
	static const char *const setup[] = {
		"configure",
		"set system host-name fuzz",
		"set system login user nobody class read-only",
		"set host-os vlans v100 vlan-id 100",
		"set virtual-network-functions vrtr1 image /var/third-party/images/vrtr1.qcow2",
		"set snmp community public authorization read-only",
		"commit",
		/* an uncommitted change in the shared candidate */
		"set host-os vlans v200 vlan-id 200",
		"exit configuration-mode",
	};
	for (size_t i = 0; i < sizeof setup / sizeof *setup; i++)
		run(root, CFG_P_LINE, setup[i]);
	cfg_session_free(root);
	cand0 = cfg_tree_dup(cfg_daemon_candidate(d));
	active0 = cfg_tree_dup(cfg_daemon_active(d));
	seq0 = cfg_daemon_active_seq(d);
	nrev0 = nrev();
	if (!cand0 || !active0 || seq0 <= 0 || nrev0 == 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!d)
		init();
	struct cfg_session *s = cfg_session_new(d, -1, ro_uid, 4242);
	run(s, CFG_P_HELLO, "tty=0\n");
	if (cfg_session_class(s) != CFG_CLASS_READ_ONLY)
		abort();
	char *buf = malloc(size + 1);
	memcpy(buf, data, size);
	buf[size] = 0;
	for (char *p = buf, *nl; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = 0;
		char type = CFG_P_LINE;
		if (strchr("LTHIQ", *p) && *p) {
			type = *p;
			p++;
		}
		/* a NUL inside the data ends the line here; frames with one are
		   refused by the session anyway */
		cfg_session_frame(s, type, p, strlen(p));
		cfg_buf_reset(cfg_session_txq(s));
		if (cfg_session_over(s))
			break;
	}
	free(buf);
	cfg_session_free(s);
	/* nothing a read-only user typed changed the configuration */
	if (!cfg_tree_equal(cfg_tree_root(cfg_daemon_candidate(d)), cfg_tree_root(cand0)) ||
	    !cfg_tree_equal(cfg_tree_root(cfg_daemon_active(d)), cfg_tree_root(active0)) ||
	    cfg_daemon_active_seq(d) != seq0 || nrev() != nrev0) {
		fprintf(stderr, "fuzz-dispatch: a read-only session changed the configuration\n");
		abort();
	}
	return 0;
}
