/* jdm_ssh — sshd owned by jdmd. See jdm_ssh.h. */
#include "jdm_ssh.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cfg_diff.h"
#include "cfg_err.h"
#include "jdm_net.h"
#include "jdm_proc.h"

#define SSHD "/usr/sbin/sshd"
#define SSH_KEYGEN "/usr/bin/ssh-keygen"
#define USERADD "/usr/sbin/useradd"
#define USERDEL "/usr/sbin/userdel"

struct jdm_ssh {
	char *dir;      /* STATE/sshd */
	char *cli;
	char *sock;
	pthread_mutex_t mu; /* pid and conf: apply (commit job) vs tick (loop) */
	pid_t pid;      /* running sshd, 0 if none */
	char *conf;     /* last written sshd_config text; NULL: sshd not configured */
};

const char *const jdm_ssh_owns[] = {"system services ssh", "system root-authentication",
                                    "system login", "interfaces jmgmt0",
                                    "system services netconf", NULL};


struct jdm_ssh *jdm_ssh_new(const char *state_dir, const char *cli_path, const char *socket_path)
{
	struct jdm_ssh *s = calloc(1, sizeof *s);
	if (!s)
		abort();
	s->dir = jdm_xasprintf("%s/sshd", state_dir);
	s->cli = strdup(cli_path);
	s->sock = strdup(socket_path);
	if (!s->cli || !s->sock)
		abort();
	pthread_mutex_init(&s->mu, NULL);
	return s;
}

static void stop_sshd(struct jdm_ssh *s)
{
	if (s->pid <= 0)
		return;
	kill(s->pid, SIGTERM);
	for (int i = 0; i < 50; i++) {
		if (waitpid(s->pid, NULL, WNOHANG) == s->pid) {
			s->pid = 0;
			return;
		}
		usleep(20000);
	}
	kill(s->pid, SIGKILL);
	waitpid(s->pid, NULL, 0);
	s->pid = 0;
}

void jdm_ssh_free(struct jdm_ssh *s)
{
	if (!s)
		return;
	stop_sshd(s);
	pthread_mutex_destroy(&s->mu);
	free(s->dir);
	free(s->cli);
	free(s->sock);
	free(s->conf);
	free(s);
}

/* Reap sshd if it exited; 1 if it did (caller holds mu). */
static int reap(struct jdm_ssh *s)
{
	if (s->pid > 0 && waitpid(s->pid, NULL, WNOHANG) == s->pid) {
		s->pid = 0;
		return 1;
	}
	return 0;
}

/* A user name that can be a Unix account. */
static bool unix_name_ok(const char *n)
{
	size_t l = strlen(n);
	if (l == 0 || l > 32 || !(islower((unsigned char)n[0]) || n[0] == '_'))
		return false;
	for (const char *p = n; *p; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '_' && *p != '-')
			return false;
	return true;
}

/* "ssh-ed25519 AAAA... [comment]" on one line, base64 body. */
static bool key_ok(const char *type, const char *k)
{
	size_t tl = strlen(type);
	if (strncmp(k, type, tl) != 0 || k[tl] != ' ')
		return false;
	const char *b = k + tl + 1;
	size_t bl = strspn(b, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=");
	if (bl < 16)
		return false;
	for (const char *p = k; *p; p++)
		if (*p == '\n' || *p == '\r')
			return false;
	return b[bl] == '\0' || b[bl] == ' ';
}

static const char *const KEY_TYPES[][2] = {{"ssh-rsa", "ssh-rsa"}, {"ssh-ed25519", "ssh-ed25519"}};

static void check_keys(const struct cfg_node *auth, struct cfg_findings *fs)
{
	for (size_t k = 0; k < 2; k++)
		for (const struct cfg_node *c = cfg_node_child(auth, KEY_TYPES[k][0], NULL, CFG_AT_ACTIVE);
		     c; c = cfg_node_next_same(c, CFG_AT_ACTIVE))
			if (c->value && !key_ok(KEY_TYPES[k][1], c->value))
				cfg_findings_add(fs, auth, NULL,
				                 "%s key is not one line of \"%s BASE64 [comment]\"",
				                 KEY_TYPES[k][0], KEY_TYPES[k][1]);
}

void jdm_ssh_validate(void *ctx, const struct cfg_tree *t, const struct cfg_diff *diff,
                      struct cfg_findings *fs)
{
	(void)ctx;
	(void)diff;
	check_keys(cfg_tree_at(t, NULL, "system root-authentication", CFG_AT_ACTIVE), fs);
	/* every session on the netconf port is a NETCONF session: not port 22
	   while `system services ssh` serves the CLI there */
	struct cfg_node *nc = cfg_tree_at(t, NULL, "system services netconf ssh", CFG_AT_ACTIVE);
	const char *port = cfg_node_value(nc, "port", CFG_AT_ACTIVE);
	if (port && !strcmp(port, "22") && cfg_tree_at(t, NULL, "system services ssh", CFG_AT_ACTIVE))
		cfg_findings_add(fs, nc, NULL, "port 22 is the ssh service's; NETCONF needs a port of its own");
	struct cfg_node *l = cfg_tree_at(t, NULL, "system login", CFG_AT_ACTIVE);
	for (struct cfg_node *u = cfg_node_child(l, "user", NULL, CFG_AT_ACTIVE); u;
	     u = cfg_node_next_same(u, CFG_AT_ACTIVE)) {
		if (!u->value)
			continue;
		if (!unix_name_ok(u->value) || strcmp(u->value, "root") == 0)
			cfg_findings_add(fs, u, NULL,
			                 "user name '%s' must be 1-32 lowercase letters, digits, '_' or '-' "
			                 "and not root", u->value);
		check_keys(cfg_node_child(u, "authentication", NULL, CFG_AT_ACTIVE), fs);
	}
}

/* Key lines of AUTH (a root-authentication or authentication node). */
static void key_lines(const struct cfg_node *auth, struct cfg_buf *b)
{
	for (size_t k = 0; k < 2; k++)
		for (const struct cfg_node *c = cfg_node_child(auth, KEY_TYPES[k][0], NULL, CFG_AT_ACTIVE);
		     c; c = cfg_node_next_same(c, CFG_AT_ACTIVE))
			if (c->value)
				cfg_buf_printf(b, "%s\n", c->value);
}

/* Accounts jdmd created, one name per line in DIR/accounts. */
static char *read_accounts(const struct jdm_ssh *s)
{
	char *path = jdm_xasprintf("%s/accounts", s->dir);
	FILE *f = fopen(path, "r");
	free(path);
	struct cfg_buf b = {0};
	cfg_buf_puts(&b, "\n");
	if (f) {
		char line[128];
		while (fgets(line, sizeof line, f))
			cfg_buf_puts(&b, line);
		fclose(f);
	}
	return cfg_buf_steal(&b);
}

static bool in_list(const char *list, const char *name)
{
	char *needle = jdm_xasprintf("\n%s\n", name);
	bool r = strstr(list, needle) != NULL;
	free(needle);
	return r;
}

static int sync_accounts(struct jdm_ssh *s, const struct cfg_node *login, struct cfg_buf *out)
{
	char *made = read_accounts(s);
	struct cfg_buf now = {0}; /* "\nname\n..." like MADE, for in_list() */
	cfg_buf_puts(&now, "\n");
	int rc = 0;
	/* create missing accounts */
	for (const struct cfg_node *u = cfg_node_child(login, "user", NULL, CFG_AT_ACTIVE); u;
	     u = cfg_node_next_same(u, CFG_AT_ACTIVE)) {
		if (!u->value || !unix_name_ok(u->value))
			continue;
		if (getpwnam(u->value)) {
			if (in_list(made, u->value))
				cfg_buf_printf(&now, "%s\n", u->value);
			continue;
		}
		/* with a home of its own: `save FILE` writes there (cli_file.h) */
		const char *argv[] = {USERADD, "-m", "-N", "-s", "/bin/sh", "-p", "*", "-c",
		                      "nfx CLI user", u->value, NULL};
		if (jdm_proc_run(argv) < 0) {
			rc = cfg_err_set("cannot create account %s: %s", u->value, cfg_err_msg());
			break;
		}
		cfg_buf_printf(&now, "%s\n", u->value);
		cfg_buf_printf(out, "created login account %s\n", u->value);
	}
	/* remove accounts we made that are no longer configured */
	char *save = NULL, *copy = strdup(made);
	for (char *n = strtok_r(copy, "\n", &save); n && rc == 0; n = strtok_r(NULL, "\n", &save)) {
		if (in_list(now.p, n) || !unix_name_ok(n))
			continue;
		const char *argv[] = {USERDEL, "-r", n, NULL};
		if (getpwnam(n) && jdm_proc_run(argv) == 0)
			cfg_buf_printf(out, "removed login account %s\n", n);
	}
	free(copy);
	char *path = jdm_xasprintf("%s/accounts", s->dir);
	if (jdm_write_file(path, now.p + 1, 0600) < 0 && rc == 0)
		rc = -1;
	free(path);
	free(made);
	cfg_buf_free(&now);
	return rc;
}

static int start_sshd(struct jdm_ssh *s, const char *conf_path)
{
	char *log = jdm_xasprintf("%s/sshd.log", s->dir);
	const char *argv[] = {SSHD, "-D", "-f", conf_path, "-E", log, NULL};
	pid_t pid = jdm_proc_spawn(argv, NULL);
	free(log);
	if (pid < 0)
		return -1;
	s->pid = pid;
	/* a bad config makes sshd exit at once: notice it */
	usleep(100000);
	if (reap(s))
		return cfg_err_set("sshd did not start (see %s/sshd.log)", s->dir);
	return 0;
}

/* What an apply redoes. */
enum { SSH_ADDR = 1u, SSH_ACCOUNTS = 2u, SSH_KEYS = 4u, SSH_SSHD = 8u, SSH_ALL = 15u };

/* jmgmt0's static addresses of T (at most N) into ADDRS; their number. */
static size_t jmgmt0_addrs(const struct cfg_tree *t, const char **addrs, size_t n)
{
	struct cfg_node *inet = cfg_tree_at(t, NULL, "interfaces jmgmt0 unit 0 family inet", CFG_AT_ACTIVE);
	size_t na = 0;
	for (struct cfg_node *c = cfg_node_child(inet, "address", NULL, CFG_AT_ACTIVE); c && na < n;
	     c = cfg_node_next_same(c, CFG_AT_ACTIVE))
		if (c->value)
			addrs[na++] = c->value;
	return na;
}

/* The keys files: DIR/keys/root and DIR/keys/USER (AuthorizedKeysFile). */
static void write_keys(struct jdm_ssh *s, const struct cfg_tree *t)
{
	char *keys = jdm_xasprintf("%s/keys", s->dir);
	mkdir(keys, 0755);
	struct cfg_buf kb = {0};
	key_lines(cfg_tree_at(t, NULL, "system root-authentication", CFG_AT_ACTIVE), &kb);
	char *kpath = jdm_xasprintf("%s/root", keys);
	jdm_write_file(kpath, kb.p ? kb.p : "", 0644);
	free(kpath);
	struct cfg_node *login = cfg_tree_at(t, NULL, "system login", CFG_AT_ACTIVE);
	for (struct cfg_node *u = cfg_node_child(login, "user", NULL, CFG_AT_ACTIVE); u;
	     u = cfg_node_next_same(u, CFG_AT_ACTIVE)) {
		if (!u->value || !unix_name_ok(u->value))
			continue;
		cfg_buf_reset(&kb);
		key_lines(cfg_node_child(u, "authentication", NULL, CFG_AT_ACTIVE), &kb);
		kpath = jdm_xasprintf("%s/%s", keys, u->value);
		jdm_write_file(kpath, kb.p ? kb.p : "", 0644);
		free(kpath);
	}
	cfg_buf_free(&kb);
	free(keys);
}

/* The netconf subsystem program: NFX_NETCONF, else nfx-netconf beside the
 * cli (installed together, install tag "cli"), else the build tree's
 * (cli/cli -> netconf/nfx-netconf). Caller frees. */
static char *netconf_path(const struct jdm_ssh *s)
{
	const char *env = getenv("NFX_NETCONF");
	if (env && *env)
		return strdup(env);
	char *dir = strdup(s->cli);
	char *slash = dir ? strrchr(dir, '/') : NULL;
	if (!slash) {
		free(dir);
		return strdup("nfx-netconf");
	}
	*slash = '\0';
	char *p = jdm_xasprintf("%s/nfx-netconf", dir);
	if (access(p, X_OK) != 0) {
		char *q = jdm_xasprintf("%s/../netconf/nfx-netconf", dir);
		if (access(q, X_OK) == 0) {
			free(p);
			p = q;
		} else {
			free(q);
		}
	}
	free(dir);
	return p;
}

/* sshd_config for T (SSH: its `system services ssh` node, may be NULL when
 * only netconf is on). Caller frees. */
static char *sshd_conf(struct jdm_ssh *s, const struct cfg_tree *t, const struct cfg_node *ssh,
                       const char *hostkey)
{
	const char *root_login = "prohibit-password";
	const char *rl = cfg_node_value(ssh, "root-login", CFG_AT_ACTIVE);
	if (rl)
		root_login = strcmp(rl, "allow") == 0 ? "yes" : strcmp(rl, "deny") == 0 ? "no"
		                                                                          : "prohibit-password";
	struct cfg_buf users = {0};
	cfg_buf_puts(&users, "root");
	struct cfg_node *login = cfg_tree_at(t, NULL, "system login", CFG_AT_ACTIVE);
	for (struct cfg_node *u = cfg_node_child(login, "user", NULL, CFG_AT_ACTIVE); u;
	     u = cfg_node_next_same(u, CFG_AT_ACTIVE))
		if (u->value && unix_name_ok(u->value))
			cfg_buf_printf(&users, " %s", u->value);
	const char *addrs[16];
	size_t na = jmgmt0_addrs(t, addrs, 16);
	char listen[64] = "";
	if (na) {
		snprintf(listen, sizeof listen, "ListenAddress %.*s\n", (int)strcspn(addrs[0], "/"),
		         addrs[0]);
	}
	/* `system services netconf ssh [port N]`: the netconf subsystem
	   (nfx-netconf, as the logged-in user, on the daemon socket) on its
	   own port; every session on that port is a NETCONF session */
	struct cfg_node *nc = cfg_tree_at(t, NULL, "system services netconf ssh", CFG_AT_ACTIVE);
	const char *ncport = nc ? cfg_node_value(nc, "port", CFG_AT_ACTIVE) : NULL;
	char *ncprog = netconf_path(s);
	struct cfg_buf ports = {0};
	if (ssh)
		cfg_buf_puts(&ports, "Port 22\n");
	if (nc)
		cfg_buf_printf(&ports, "Port %s\n", ncport ? ncport : "830");
	char *subsys = nc ? jdm_xasprintf("Subsystem netconf %s --socket %s\n", ncprog, s->sock)
	                  : strdup("");
	char *match = nc ? jdm_xasprintf("Match LocalPort %s\n"
	                                 "    ForceCommand %s --socket %s\n",
	                                 ncport ? ncport : "830", ncprog, s->sock)
	                 : strdup("");
	free(ncprog);
	char *conf = jdm_xasprintf(
		"# written by jdmd from the committed configuration; do not edit\n"
		"%s%s"
		"HostKey %s\n"
		"PidFile none\n"
		"AuthorizedKeysFile %s/keys/%%u\n"
		"StrictModes no\n"
		"UsePAM no\n"
		"PasswordAuthentication no\n"
		"KbdInteractiveAuthentication no\n"
		"PubkeyAuthentication yes\n"
		"PermitRootLogin %s\n"
		"AllowUsers %s\n"
		"AllowTcpForwarding no\n"
		"AllowAgentForwarding no\n"
		"X11Forwarding no\n"
		"PermitUserEnvironment no\n"
		"PrintMotd no\n"
		"LogLevel VERBOSE\n"
		"%s"
		"ForceCommand %s --socket %s\n"
		"%s",
		ports.p ? ports.p : "", listen, hostkey, s->dir, root_login, users.p, subsys, s->cli,
		s->sock, match);
	cfg_buf_free(&users);
	cfg_buf_free(&ports);
	free(subsys);
	free(match);
	return conf;
}

/* sshd as T says: stopped when `system services ssh` is absent, else its
 * configuration written and sshd started or HUPed when the text changed. */
static int sync_sshd(struct jdm_ssh *s, const struct cfg_tree *t, struct cfg_buf *out)
{
	(void)out; /* what it does goes to the log, not to the commit's output */
	struct cfg_node *ssh = cfg_tree_at(t, NULL, "system services ssh", CFG_AT_ACTIVE);
	if (!ssh && !cfg_tree_at(t, NULL, "system services netconf ssh", CFG_AT_ACTIVE)) {
		stop_sshd(s);
		free(s->conf);
		s->conf = NULL;
		return 0;
	}
	chmod(s->dir, 0711);
	mkdir("/run/sshd", 0755); /* sshd's privilege separation directory */
	char *hostkey = jdm_xasprintf("%s/ssh_host_ed25519_key", s->dir);
	if (access(hostkey, R_OK) != 0) {
		const char *argv[] = {SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-f", hostkey, NULL};
		if (jdm_proc_run(argv) < 0) {
			free(hostkey);
			return cfg_err_set("cannot make the ssh host key: %s", cfg_err_msg());
		}
	}
	char *conf = sshd_conf(s, t, ssh, hostkey);
	free(hostkey);
	int rc = 0;
	if (!s->conf || strcmp(conf, s->conf) != 0 || s->pid <= 0) {
		char *conf_path = jdm_xasprintf("%s/sshd_config", s->dir);
		if (jdm_write_file(conf_path, conf, 0600) < 0) {
			rc = -1;
		} else if (s->pid > 0) {
			kill(s->pid, SIGHUP); /* sshd re-reads its configuration */
		} else {
			rc = start_sshd(s, conf_path);
			if (rc == 0) {
				const char *addrs[1];
				size_t na = jmgmt0_addrs(t, addrs, 1);
				/* news for the daemon log: `commit` prints only what
				   Junos prints (commit complete) */
				fprintf(stderr, "jdmd: ssh service started%s%.*s\n", na ? " on " : "",
				        na ? (int)strcspn(addrs[0], "/") : 0, na ? addrs[0] : "");
			}
		}
		free(conf_path);
		free(s->conf);
		s->conf = conf;
		conf = NULL;
	}
	free(conf);
	return rc;
}

/* Make WHAT of the world match T. 0, or -1 with cfg_err set. */
static int realise(struct jdm_ssh *s, const struct cfg_tree *t, unsigned what, struct cfg_buf *out)
{
	reap(s);
	if (what & SSH_ADDR) {
		const char *addrs[16];
		size_t na = jmgmt0_addrs(t, addrs, 16);
		if (na && jdm_net_set_addrs("jmgmt0", addrs, na) < 0)
			cfg_buf_printf(out, "warning: jmgmt0: %s\n", cfg_err_msg());
	}
	if (!(what & (SSH_ACCOUNTS | SSH_KEYS | SSH_SSHD)))
		return 0;
	if (mkdir(s->dir, 0700) < 0 && errno != EEXIST)
		return cfg_err_set("%s: %s", s->dir, strerror(errno));
	bool ssh = cfg_tree_at(t, NULL, "system services ssh", CFG_AT_ACTIVE) != NULL ||
	           cfg_tree_at(t, NULL, "system services netconf ssh", CFG_AT_ACTIVE) != NULL;
	if (ssh || cfg_tree_at(t, NULL, "system login", CFG_AT_ACTIVE)) {
		/* other users reach the CLI socket in the state directory */
		char *st = strdup(s->dir);
		if (st && strrchr(st, '/')) {
			*strrchr(st, '/') = '\0';
			chmod(st, 0711);
		}
		free(st);
	}
	/* accounts serve local CLI logins too: kept in step with or without sshd */
	if ((what & SSH_ACCOUNTS) &&
	    sync_accounts(s, cfg_tree_at(t, NULL, "system login", CFG_AT_ACTIVE), out) < 0)
		return -1;
	if (ssh && (what & SSH_KEYS))
		write_keys(s, t);
	if (what & SSH_SSHD)
		return sync_sshd(s, t, out);
	return 0;
}

/* A failure of realise() as a finding under the statement it comes from:
 * sshd, or the login accounts. */
static int failed(const struct cfg_tree *t, struct cfg_findings *fs)
{
	struct cfg_node *at = cfg_tree_at(t, NULL, "system services ssh", CFG_AT_ACTIVE);
	if (!at)
		at = cfg_tree_at(t, NULL, "system login", CFG_AT_ACTIVE);
	if (at)
		cfg_findings_add(fs, at, NULL, "%s", cfg_err_msg());
	else
		cfg_findings_add_line(fs, "%s", cfg_err_msg());
	return -1;
}

int jdm_ssh_apply(void *ctx, const struct cfg_diff *diff, struct cfg_buf *out,
                  struct cfg_findings *fs)
{
	struct jdm_ssh *s = ctx;
	unsigned what = 0;
	if (cfg_diff_touches(diff, "interfaces jmgmt0"))
		what |= SSH_ADDR | SSH_SSHD; /* ListenAddress */
	if (cfg_diff_touches(diff, "system login"))
		what |= SSH_ACCOUNTS | SSH_KEYS | SSH_SSHD; /* AllowUsers */
	if (cfg_diff_touches(diff, "system root-authentication"))
		what |= SSH_KEYS;
	if (cfg_diff_touches(diff, "system services ssh") ||
	    cfg_diff_touches(diff, "system services netconf"))
		what |= SSH_SSHD | SSH_KEYS;
	if (!what)
		return 0;
	const struct cfg_tree *t = cfg_diff_new_tree(diff);
	pthread_mutex_lock(&s->mu);
	int rc = realise(s, t, what, out);
	pthread_mutex_unlock(&s->mu);
	return rc < 0 ? failed(t, fs) : 0;
}

int jdm_ssh_converge(void *ctx, const struct cfg_tree *active, struct cfg_buf *out,
                     struct cfg_findings *fs)
{
	struct jdm_ssh *s = ctx;
	pthread_mutex_lock(&s->mu);
	int rc = realise(s, active, SSH_ALL, out);
	pthread_mutex_unlock(&s->mu);
	return rc < 0 ? failed(active, fs) : 0;
}

void jdm_ssh_tick(void *ctx)
{
	struct jdm_ssh *s = ctx;
	if (pthread_mutex_trylock(&s->mu) != 0)
		return; /* an apply runs: it reaps and starts sshd itself */
	if (reap(s) && s->conf) {
		char *conf_path = jdm_xasprintf("%s/sshd_config", s->dir);
		if (start_sshd(s, conf_path) < 0)
			fprintf(stderr, "jdmd: restarting sshd: %s\n", cfg_err_msg());
		free(conf_path);
	}
	pthread_mutex_unlock(&s->mu);
}
