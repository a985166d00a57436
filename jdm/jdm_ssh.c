/* jdm_ssh — sshd owned by jdmd. See jdm_ssh.h. */
#include "jdm_ssh.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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
	pid_t pid;      /* running sshd, 0 if none */
	char *conf;     /* last written sshd_config text */
};

struct cfg_node *jdm_cfg_at(const struct cfg_tree *t, struct cfg_node *from, const char *const *words)
{
	struct cfg_node *n = from ? from : cfg_tree_root(t);
	const struct cfg_schema *s = n->schema;
	for (size_t i = 0; words[i] && n; i++) {
		const struct cfg_schema *c = cfg_schema_child(s, words[i]);
		if (c && c->kind == CFG_LIST) {
			if (!words[i + 1])
				return NULL;
			n = cfg_tree_child(t, n, c, words[++i]);
		} else if (c) {
			n = cfg_tree_child(t, n, c, NULL);
		} else {
			c = cfg_schema_positional(s);
			if (!c || c->kind != CFG_LIST)
				return NULL;
			n = cfg_tree_child(t, n, c, words[i]);
		}
		s = c;
	}
	return n;
}

static int write_file(const char *path, const char *text, mode_t mode)
{
	char *tmp = jdm_xasprintf("%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0) {
		free(tmp);
		return cfg_err_set("%s: %s", path, strerror(errno));
	}
	size_t len = strlen(text), off = 0;
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			close(fd);
			unlink(tmp);
			free(tmp);
			return cfg_err_set("%s: %s", path, strerror(errno));
		}
		off += (size_t)w;
	}
	fchmod(fd, mode);
	fsync(fd);
	close(fd);
	int rc = rename(tmp, path) < 0 ? cfg_err_set("%s: %s", path, strerror(errno)) : 0;
	free(tmp);
	return rc;
}

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
	free(s->dir);
	free(s->cli);
	free(s->sock);
	free(s->conf);
	free(s);
}

int jdm_ssh_reap(struct jdm_ssh *s)
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
	if (!auth)
		return;
	for (const struct cfg_node *c = auth->child; c; c = c->next)
		for (size_t k = 0; k < 2; k++)
			if (strcmp(c->schema->name, KEY_TYPES[k][0]) == 0 && c->value &&
			    !key_ok(KEY_TYPES[k][1], c->value))
				cfg_findings_add(fs, auth, NULL,
				                 "%s key is not one line of \"%s BASE64 [comment]\"",
				                 KEY_TYPES[k][0], KEY_TYPES[k][1]);
}

void jdm_ssh_validate(const struct cfg_tree *t, struct cfg_findings *fs)
{
	static const char *const login[] = {"system", "login", NULL};
	static const char *const root[] = {"system", "root-authentication", NULL};
	check_keys(jdm_cfg_at(t, NULL, root), fs);
	struct cfg_node *l = jdm_cfg_at(t, NULL, login);
	if (!l)
		return;
	for (struct cfg_node *u = l->child; u; u = u->next) {
		if (strcmp(u->schema->name, "user") != 0 || !u->value)
			continue;
		if (!unix_name_ok(u->value) || strcmp(u->value, "root") == 0)
			cfg_findings_add(fs, u, NULL,
			                 "user name '%s' must be 1-32 lowercase letters, digits, '_' or '-' "
			                 "and not root", u->value);
		static const char *const auth[] = {"authentication", NULL};
		check_keys(jdm_cfg_at(t, u, auth), fs);
	}
}

/* Key lines of AUTH (a root-authentication or authentication node). */
static void key_lines(const struct cfg_node *auth, struct cfg_buf *b)
{
	if (!auth)
		return;
	for (const struct cfg_node *c = auth->child; c; c = c->next)
		if ((strcmp(c->schema->name, "ssh-rsa") == 0 || strcmp(c->schema->name, "ssh-ed25519") == 0) &&
		    c->value)
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
	for (const struct cfg_node *u = login ? login->child : NULL; u; u = u->next) {
		if (strcmp(u->schema->name, "user") != 0 || !u->value || !unix_name_ok(u->value))
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
	if (write_file(path, now.p + 1, 0600) < 0 && rc == 0)
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
	if (jdm_ssh_reap(s))
		return cfg_err_set("sshd did not start (see %s/sshd.log)", s->dir);
	return 0;
}

int jdm_ssh_apply(struct jdm_ssh *s, const struct cfg_tree *t, struct cfg_buf *out)
{
	static const char *const w_ssh[] = {"system", "services", "ssh", NULL};
	static const char *const w_login[] = {"system", "login", NULL};
	static const char *const w_root[] = {"system", "root-authentication", NULL};
	static const char *const w_inet[] = {"interfaces", "jmgmt0", "unit", "0", "family", "inet", NULL};
	jdm_ssh_reap(s);

	/* jmgmt0's static addresses (when the link exists in this namespace) */
	struct cfg_node *inet = jdm_cfg_at(t, NULL, w_inet);
	const char *addrs[16];
	size_t na = 0;
	for (struct cfg_node *c = inet ? inet->child : NULL; c && na < 16; c = c->next)
		if (strcmp(c->schema->name, "address") == 0 && c->value)
			addrs[na++] = c->value;
	if (na && jdm_net_set_addrs("jmgmt0", addrs, na) < 0)
		cfg_buf_printf(out, "warning: jmgmt0: %s\n", cfg_err_msg());

	if (mkdir(s->dir, 0700) < 0 && errno != EEXIST)
		return cfg_err_set("%s: %s", s->dir, strerror(errno));
	if (jdm_cfg_at(t, NULL, w_login) || jdm_cfg_at(t, NULL, w_ssh)) {
		/* other users reach the CLI socket in the state directory */
		char *st = strdup(s->dir);
		if (st && strrchr(st, '/')) {
			*strrchr(st, '/') = '\0';
			chmod(st, 0711);
		}
		free(st);
	}
	struct cfg_node *ssh = jdm_cfg_at(t, NULL, w_ssh);
	if (!ssh) {
		/* accounts serve local CLI logins too: keep them in step */
		stop_sshd(s);
		return sync_accounts(s, jdm_cfg_at(t, NULL, w_login), out) < 0 ? -1 : 0;
	}
	char *keys = jdm_xasprintf("%s/keys", s->dir);
	mkdir(keys, 0755);
	chmod(s->dir, 0711);
	mkdir("/run/sshd", 0755); /* sshd's privilege separation directory */

	char *hostkey = jdm_xasprintf("%s/ssh_host_ed25519_key", s->dir);
	if (access(hostkey, R_OK) != 0) {
		const char *argv[] = {SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-f", hostkey, NULL};
		if (jdm_proc_run(argv) < 0) {
			free(hostkey);
			free(keys);
			return cfg_err_set("cannot make the ssh host key: %s", cfg_err_msg());
		}
	}
	struct cfg_node *login = jdm_cfg_at(t, NULL, w_login);
	int rc = sync_accounts(s, login, out);

	/* keys files and the user list */
	struct cfg_buf users = {0}, kb = {0};
	const char *root_login = "prohibit-password";
	for (struct cfg_node *c = ssh->child; c; c = c->next)
		if (strcmp(c->schema->name, "root-login") == 0 && c->value)
			root_login = strcmp(c->value, "allow") == 0 ? "yes"
			             : strcmp(c->value, "deny") == 0 ? "no" : "prohibit-password";
	key_lines(jdm_cfg_at(t, NULL, w_root), &kb);
	char *kpath = jdm_xasprintf("%s/root", keys);
	write_file(kpath, kb.p ? kb.p : "", 0644);
	free(kpath);
	cfg_buf_puts(&users, "root");
	for (struct cfg_node *u = login ? login->child : NULL; u; u = u->next) {
		if (strcmp(u->schema->name, "user") != 0 || !u->value || !unix_name_ok(u->value))
			continue;
		static const char *const w_auth[] = {"authentication", NULL};
		cfg_buf_reset(&kb);
		key_lines(jdm_cfg_at(t, u, w_auth), &kb);
		kpath = jdm_xasprintf("%s/%s", keys, u->value);
		write_file(kpath, kb.p ? kb.p : "", 0644);
		free(kpath);
		cfg_buf_printf(&users, " %s", u->value);
	}

	char listen[64] = "";
	if (na) {
		snprintf(listen, sizeof listen, "ListenAddress %s\n", addrs[0]);
		char *slash = strchr(listen, '/');
		if (slash)
			strcpy(slash, "\n");
	}
	char *conf = jdm_xasprintf(
		"# written by jdmd from the committed configuration; do not edit\n"
		"Port 22\n%s"
		"HostKey %s\n"
		"PidFile none\n"
		"AuthorizedKeysFile %s/%%u\n"
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
		"ForceCommand %s --socket %s\n",
		listen, hostkey, keys, root_login, users.p, s->cli, s->sock);
	char *conf_path = jdm_xasprintf("%s/sshd_config", s->dir);
	if (rc == 0 && (!s->conf || strcmp(conf, s->conf) != 0 || s->pid <= 0)) {
		if (write_file(conf_path, conf, 0600) < 0) {
			rc = -1;
		} else if (s->pid > 0) {
			kill(s->pid, SIGHUP); /* sshd re-reads its configuration */
		} else {
			rc = start_sshd(s, conf_path);
			if (rc == 0)
				cfg_buf_printf(out, "ssh service started%s%.*s\n", na ? " on " : "",
				               na ? (int)strcspn(addrs[0], "/") : 0, na ? addrs[0] : "");
		}
		free(s->conf);
		s->conf = conf;
		conf = NULL;
	}
	free(conf);
	free(conf_path);
	free(hostkey);
	free(keys);
	cfg_buf_free(&users);
	cfg_buf_free(&kb);
	return rc;
}
