/* jdm_snmp — snmpd and the nfx subagent owned by jdmd. See jdm_snmp.h. */
#include "jdm_snmp.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "cfg_daemon.h"
#include "cfg_diff.h"
#include "cfg_err.h"
#include "cfg_perm.h"
#include "cfg_xform.h"
#include "jdm_proc.h"

#define SNMPD "/usr/sbin/snmpd"
#define SNMP_USER "Debian-snmp" /* the snmpd package's account: the subagent's identity */
#define KEY_TAG "$nfx-ku$"

struct proc {
	pid_t pid;
	time_t started;
	unsigned fails; /* quick deaths in a row: back off */
	bool adopted;   /* left running by an earlier jdmd (its pid file): not our child */
	const char *exe;
	const char *pidfile; /* "snmpd.pid", "subagent.pid" in STATE/snmp */
};

struct jdm_snmp {
	char *dir;     /* STATE/snmp */
	char *sock;    /* jdm.sock */
	char *jcp;     /* jcp.sock or NULL */
	char *agent;   /* the subagent binary */
	pthread_mutex_t mu;
	struct proc snmpd, sub;
	char *conf;    /* last written snmpd.conf; NULL: snmp not configured */
};

/* snmpd listens on 127.0.0.1 and on the addresses of the interfaces that
 * `snmp interface` names (Junos: the interfaces SNMP requests are accepted
 * on): jmgmt0 or host-os interfaces (jdm_hostif); without it, jmgmt0's.
 * Never on every address: a host-os interface may be on the WAN. A change of
 * those addresses alone must reach apply (other rows, earlier in the order,
 * set them on the interfaces; this row only rewrites snmpd.conf), so they are
 * owned here too. */
const char *const jdm_snmp_owns[] = {"snmp", "interfaces jmgmt0", "host-os interfaces", NULL};

/* ------------------------------------------------------------ keys */

/* RFC 3414 A.2.1/A.2.2: the password repeated over 1 MiB, hashed. */
static int password_to_ku(const EVP_MD *md, const char *pw, unsigned char *ku, unsigned *kulen)
{
	size_t pl = strlen(pw);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestInit_ex(ctx, md, NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		return cfg_err_set("cannot hash the password");
	}
	unsigned char buf[64];
	size_t idx = 0;
	for (size_t count = 0; count < 1048576; count += 64) {
		for (size_t i = 0; i < 64; i++)
			buf[i] = (unsigned char)pw[idx++ % pl];
		EVP_DigestUpdate(ctx, buf, 64);
	}
	int ok = EVP_DigestFinal_ex(ctx, ku, kulen) == 1;
	EVP_MD_CTX_free(ctx);
	explicit_bzero(buf, sizeof buf);
	return ok ? 0 : cfg_err_set("cannot hash the password");
}

static void hex(const unsigned char *p, unsigned n, char *out)
{
	for (unsigned i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

int jdm_snmp_key_from_password(const char *password, char **out)
{
	*out = NULL;
	if (strlen(password) < 8)
		return cfg_err_set("password must be at least 8 characters");
	unsigned char k1[EVP_MAX_MD_SIZE], k2[EVP_MAX_MD_SIZE];
	unsigned l1 = 0, l2 = 0;
	if (password_to_ku(EVP_sha1(), password, k1, &l1) < 0 ||
	    password_to_ku(EVP_sha256(), password, k2, &l2) < 0)
		return -1;
	char h1[2 * EVP_MAX_MD_SIZE + 1], h2[2 * EVP_MAX_MD_SIZE + 1];
	hex(k1, l1, h1);
	hex(k2, l2, h2);
	*out = jdm_xasprintf(KEY_TAG "%s$%s", h1, h2);
	explicit_bzero(k1, sizeof k1);
	explicit_bzero(k2, sizeof k2);
	explicit_bzero(h1, sizeof h1);
	explicit_bzero(h2, sizeof h2);
	return 0;
}

int jdm_snmp_key_hex(const char *stored, const char *hash, char *out, size_t n)
{
	if (!stored || strncmp(stored, KEY_TAG, strlen(KEY_TAG)) != 0)
		return -1;
	const char *a = stored + strlen(KEY_TAG);
	const char *d = strchr(a, '$');
	if (!d || (size_t)(d - a) != 40 || strlen(d + 1) != 64)
		return -1;
	for (const char *p = a; *p; p++)
		if (*p != '$' && !isxdigit((unsigned char)*p))
			return -1;
	bool sha1 = strcmp(hash, "sha1") == 0;
	size_t len = sha1 ? 40 : 64;
	if (n < len + 1)
		return -1;
	memcpy(out, sha1 ? a : d + 1, len);
	out[len] = '\0';
	return 0;
}

/* ------------------------------------------------------------ snmpd.conf */

/* Text snmpd.conf may carry on one line: printable, no quotes or
 * backslashes (a newline would be a configuration line of its own). */
static bool conf_text_ok(const char *s, bool word)
{
	if (!s || !*s)
		return !word;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\' || (word && (*p == ' ' || *p == '#')))
			return false;
	return true;
}

static const char *first_addr(const struct cfg_tree *t, char *buf, size_t n)
{
	struct cfg_node *inet = cfg_tree_at(t, NULL, "interfaces jmgmt0 unit 0 family inet", CFG_AT_ACTIVE);
	struct cfg_node *a = cfg_node_child(inet, "address", NULL, CFG_AT_ACTIVE);
	if (!a || !a->value)
		return NULL;
	snprintf(buf, n, "%.*s", (int)strcspn(a->value, "/"), a->value);
	return buf;
}

/* The address (without its prefix length) of listen interface NAME: jmgmt0
 * or a host-os interface. NULL when it has none. */
static const char *iface_addr(const struct cfg_tree *t, const char *name, char *buf, size_t n)
{
	if (!strcmp(name, "jmgmt0"))
		return first_addr(t, buf, n);
	struct cfg_node *ifs = cfg_tree_at(t, NULL, "host-os interfaces", CFG_AT_ACTIVE);
	const char *a = cfg_node_value(cfg_node_child(ifs, "interface", name, CFG_AT_ACTIVE), "address",
	                               CFG_AT_ACTIVE);
	if (!a)
		return NULL;
	snprintf(buf, n, "%.*s", (int)strcspn(a, "/"), a);
	return buf;
}

/* The auth hash of user U: "sha1", "sha256" or NULL; its stored key in *KEY. */
static const char *user_auth(const struct cfg_node *u, const char **key)
{
	const struct cfg_node *c;
	*key = NULL;
	if ((c = cfg_node_child(u, "authentication-sha256", NULL, CFG_AT_ACTIVE))) {
		*key = cfg_node_value(c, "authentication-key", CFG_AT_ACTIVE);
		return "sha256";
	}
	if ((c = cfg_node_child(u, "authentication-sha", NULL, CFG_AT_ACTIVE))) {
		*key = cfg_node_value(c, "authentication-key", CFG_AT_ACTIVE);
		return "sha1";
	}
	return NULL;
}

static const char *user_priv(const struct cfg_node *u)
{
	return cfg_node_value(cfg_node_child(u, "privacy-aes128", NULL, CFG_AT_ACTIVE), "privacy-key",
	                      CFG_AT_ACTIVE);
}

/* "SHA-256 -m 0xKU [AES -m 0xKU]" for user U into B; false when it has no
 * usable key. */
static bool user_keys(const struct cfg_node *u, const char *fmt_auth, const char *fmt_priv,
                      struct cfg_buf *b)
{
	const char *ak;
	const char *h = user_auth(u, &ak);
	char kh[72];
	if (!h || jdm_snmp_key_hex(ak, h, kh, sizeof kh) < 0)
		return false;
	cfg_buf_printf(b, fmt_auth, strcmp(h, "sha1") ? "SHA-256" : "SHA", kh);
	const char *pk = user_priv(u);
	if (pk && jdm_snmp_key_hex(pk, h, kh, sizeof kh) == 0)
		cfg_buf_printf(b, fmt_priv, kh);
	explicit_bzero(kh, sizeof kh);
	return true;
}

static struct cfg_node *find_user(const struct cfg_tree *t, const char *name)
{
	struct cfg_node *l = cfg_tree_at(t, NULL, "snmp v3 usm local-engine", CFG_AT_ACTIVE);
	return name ? cfg_node_child(l, "user", name, CFG_AT_ACTIVE) : NULL;
}

void jdm_snmp_conf(const struct cfg_tree *t, const char *agentx, struct cfg_buf *b)
{
	struct cfg_node *snmp = cfg_tree_at(t, NULL, "snmp", CFG_AT_ACTIVE);
	cfg_buf_puts(b, "# written by jdmd from the committed configuration (snmp); do not edit\n");
	const char *port = cfg_node_value(snmp, "port", CFG_AT_ACTIVE);
	if (!port)
		port = "161";
	char ab[64];
	cfg_buf_printf(b, "agentaddress udp:127.0.0.1:%s", port);
	struct cfg_node *li = cfg_node_child(snmp, "interface", NULL, CFG_AT_ACTIVE);
	if (!li) {
		const char *addr = first_addr(t, ab, sizeof ab);
		if (addr)
			cfg_buf_printf(b, ",udp:%s:%s", addr, port);
	}
	for (; li; li = cfg_node_next_same(li, CFG_AT_ACTIVE)) {
		const char *addr = li->value ? iface_addr(t, li->value, ab, sizeof ab) : NULL;
		if (addr)
			cfg_buf_printf(b, ",udp:%s:%s", addr, port);
	}
	cfg_buf_puts(b, "\n");
	cfg_buf_puts(b, "master agentx\n");
	cfg_buf_printf(b, "agentXSocket unix:%s\n", agentx);
	/* the subagent (Debian-snmp) may connect; nobody else */
	cfg_buf_puts(b, "agentXPerms 0660 0711 root " SNMP_USER "\n");
	cfg_buf_puts(b, "agentXTimeout 5\n");
	/* the engine ID from jmgmt0's MAC: the same across restarts (v3
	   managers and trap receivers know it) */
	cfg_buf_puts(b, "engineIDType 3\nengineIDNic jmgmt0\n");
	static const char *const sys[][2] = {{"name", "sysName"}, {"description", "sysDescr"},
	                                     {"location", "sysLocation"}, {"contact", "sysContact"}};
	for (size_t i = 0; i < 4; i++) {
		const char *v = cfg_node_value(snmp, sys[i][0], CFG_AT_ACTIVE);
		if (v && conf_text_ok(v, false))
			cfg_buf_printf(b, "%s %s\n", sys[i][1], v);
	}
	if (!cfg_node_value(snmp, "description", CFG_AT_ACTIVE))
		cfg_buf_puts(b, "sysDescr nfx JDM (Juniper NFX250-style host OS)\n");
	cfg_buf_puts(b, "sysServices 72\n");
	for (struct cfg_node *c = cfg_node_child(snmp, "community", NULL, CFG_AT_ACTIVE); c;
	     c = cfg_node_next_same(c, CFG_AT_ACTIVE)) {
		if (!c->value || !conf_text_ok(c->value, true))
			continue;
		const char *au = cfg_node_value(c, "authorization", CFG_AT_ACTIVE);
		const char *kw = au && strcmp(au, "read-write") == 0 ? "rwcommunity" : "rocommunity";
		bool any = false;
		for (struct cfg_node *p = cfg_node_child(c, "clients", NULL, CFG_AT_ACTIVE); p;
		     p = cfg_node_next_same(p, CFG_AT_ACTIVE))
			if (p->value) {
				cfg_buf_printf(b, "%s %s %s\n", kw, c->value, p->value);
				any = true;
			}
		if (!any)
			cfg_buf_printf(b, "%s %s default\n", kw, c->value);
	}
	struct cfg_node *le = cfg_tree_at(t, NULL, "snmp v3 usm local-engine", CFG_AT_ACTIVE);
	for (struct cfg_node *u = cfg_node_child(le, "user", NULL, CFG_AT_ACTIVE); u;
	     u = cfg_node_next_same(u, CFG_AT_ACTIVE)) {
		if (!u->value)
			continue;
		struct cfg_buf kb = {0};
		if (user_keys(u, "%s -m 0x%s", " AES -m 0x%s", &kb)) {
			/* master keys (Ku): snmpd localizes them with its engine ID */
			cfg_buf_printf(b, "createUser %s %s\n", u->value, kb.p);
			cfg_buf_printf(b, "rouser %s %s\n", u->value, user_priv(u) ? "priv" : "auth");
		}
		if (kb.p)
			explicit_bzero(kb.p, kb.len);
		cfg_buf_free(&kb);
	}
	bool authtrap = false;
	for (struct cfg_node *g = cfg_node_child(snmp, "trap-group", NULL, CFG_AT_ACTIVE); g;
	     g = cfg_node_next_same(g, CFG_AT_ACTIVE)) {
		if (!g->value || !conf_text_ok(g->value, true))
			continue;
		const char *ver = cfg_node_value(g, "version", CFG_AT_ACTIVE);
		if (!ver)
			ver = "v2";
		const char *dport = cfg_node_value(g, "destination-port", CFG_AT_ACTIVE);
		if (!dport)
			dport = "162";
		if (cfg_node_child(cfg_node_child(g, "categories", NULL, CFG_AT_ACTIVE), "authentication",
		                   NULL, CFG_AT_ACTIVE))
			authtrap = true;
		struct cfg_node *u = find_user(t, cfg_node_value(g, "user", CFG_AT_ACTIVE));
		for (struct cfg_node *a = cfg_node_child(g, "targets", NULL, CFG_AT_ACTIVE); a;
		     a = cfg_node_next_same(a, CFG_AT_ACTIVE)) {
			if (!a->value)
				continue;
			if (!strcmp(ver, "v1") || !strcmp(ver, "all"))
				cfg_buf_printf(b, "trapsink %s:%s %s\n", a->value, dport, g->value);
			if (!strcmp(ver, "v2") || !strcmp(ver, "all"))
				cfg_buf_printf(b, "trap2sink %s:%s %s\n", a->value, dport, g->value);
			if ((!strcmp(ver, "v3") || !strcmp(ver, "all")) && u) {
				struct cfg_buf kb = {0};
				if (user_keys(u, " -a %s -3m 0x%s", " -x AES -3M 0x%s", &kb))
					cfg_buf_printf(b, "trapsess -v 3 -u %s -l %s%s %s:%s\n", u->value,
					               user_priv(u) ? "authPriv" : "authNoPriv", kb.p, a->value, dport);
				if (kb.p)
					explicit_bzero(kb.p, kb.len);
				cfg_buf_free(&kb);
			}
		}
	}
	cfg_buf_printf(b, "authtrapenable %d\n", authtrap ? 1 : 2);
	/* snmpd's own IF-MIB etc. serve the namespace's interfaces (ifAlias:
	   the Junos/VNF names the switch modules set as interface aliases) */
}

/* ------------------------------------------------------------ validate */

void jdm_snmp_validate(void *ctx, const struct cfg_tree *t, const struct cfg_diff *diff,
                       struct cfg_findings *fs)
{
	(void)ctx;
	(void)diff;
	struct cfg_node *snmp = cfg_tree_at(t, NULL, "snmp", CFG_AT_ACTIVE);
	if (!snmp)
		return;
	static const char *const texts[] = {"name", "description", "location", "contact"};
	for (size_t i = 0; i < 4; i++) {
		struct cfg_node *n = cfg_node_child(snmp, texts[i], NULL, CFG_AT_ACTIVE);
		if (n && n->value && !conf_text_ok(n->value, false))
			cfg_findings_add(fs, n, NULL, "%s may not hold control characters, quotes or backslashes",
			                 texts[i]);
	}
	for (struct cfg_node *c = cfg_node_child(snmp, "community", NULL, CFG_AT_ACTIVE); c;
	     c = cfg_node_next_same(c, CFG_AT_ACTIVE))
		if (c->value && !conf_text_ok(c->value, true))
			cfg_findings_add(fs, snmp, NULL,
			                 "community names are printable, without spaces, quotes, '#' or backslashes");
	char ab[64];
	for (struct cfg_node *li = cfg_node_child(snmp, "interface", NULL, CFG_AT_ACTIVE); li;
	     li = cfg_node_next_same(li, CFG_AT_ACTIVE))
		if (li->value && !iface_addr(t, li->value, ab, sizeof ab)) {
			bool known = !strcmp(li->value, "jmgmt0") ||
			             cfg_node_child(cfg_tree_at(t, NULL, "host-os interfaces", CFG_AT_ACTIVE),
			                            "interface", li->value, CFG_AT_ACTIVE);
			if (known)
				cfg_findings_add(fs, li, NULL, "interface %s has no address to listen on", li->value);
			else
				cfg_findings_add(fs, li, NULL, "interface %s is neither jmgmt0 nor a host-os interface",
				                 li->value);
		}
	for (struct cfg_node *g = cfg_node_child(snmp, "trap-group", NULL, CFG_AT_ACTIVE); g;
	     g = cfg_node_next_same(g, CFG_AT_ACTIVE)) {
		const char *ver = cfg_node_value(g, "version", CFG_AT_ACTIVE);
		if (ver && (!strcmp(ver, "v3")) && !cfg_node_value(g, "user", CFG_AT_ACTIVE))
			cfg_findings_add(fs, g, NULL, "version v3 needs the user the traps are sent as");
	}
	struct cfg_node *le = cfg_tree_at(t, NULL, "snmp v3 usm local-engine", CFG_AT_ACTIVE);
	for (struct cfg_node *u = cfg_node_child(le, "user", NULL, CFG_AT_ACTIVE); u;
	     u = cfg_node_next_same(u, CFG_AT_ACTIVE)) {
		const char *ak;
		const char *h = user_auth(u, &ak);
		char kh[72];
		if (cfg_node_child(u, "authentication-sha", NULL, CFG_AT_ACTIVE) &&
		    cfg_node_child(u, "authentication-sha256", NULL, CFG_AT_ACTIVE))
			cfg_findings_add(fs, u, NULL, "one authentication type per user");
		if (!h || jdm_snmp_key_hex(ak, h, kh, sizeof kh) < 0)
			cfg_findings_add(fs, u, NULL, "the user needs an authentication password");
		const char *pk = user_priv(u);
		if (cfg_node_child(u, "privacy-aes128", NULL, CFG_AT_ACTIVE) &&
		    (!pk || jdm_snmp_key_hex(pk, "sha1", kh, sizeof kh) < 0))
			cfg_findings_add(fs, u, NULL, "privacy-aes128 needs a privacy password");
		explicit_bzero(kh, sizeof kh);
	}
}

/* ------------------------------------------------------------ processes */

/* The subagent binary: NFX_SNMP_AGENT, else beside this jdmd's build tree
 * (BUILD/jdm/jdmd -> BUILD/snmp/nfx-snmp-agent), else /usr/lib/nfx/. */
static char *agent_path(void)
{
	const char *env = getenv("NFX_SNMP_AGENT");
	if (env && *env)
		return strdup(env);
	char exe[PATH_MAX];
	ssize_t l = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (l > 0) {
		exe[l] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			slash = strrchr(exe, '/');
			if (slash) {
				*slash = '\0';
				char *p = jdm_xasprintf("%s/snmp/nfx-snmp-agent", exe);
				if (access(p, X_OK) == 0)
					return p;
				free(p);
			}
		}
	}
	return strdup("/usr/lib/nfx/nfx-snmp-agent");
}

static void adopt(struct jdm_snmp *s, struct proc *p);

static int transform_key(const char *in, char **out) { return jdm_snmp_key_from_password(in, out); }

struct jdm_snmp *jdm_snmp_new(struct cfg_daemon *d, const char *state_dir, const char *socket_path,
                              const char *jcp_socket)
{
	struct jdm_snmp *s = calloc(1, sizeof *s);
	if (!s)
		abort();
	s->dir = jdm_xasprintf("%s/snmp", state_dir);
	s->sock = strdup(socket_path);
	s->jcp = jcp_socket ? strdup(jcp_socket) : NULL;
	s->agent = agent_path();
	if (!s->sock || !s->agent)
		abort();
	pthread_mutex_init(&s->mu, NULL);
	s->snmpd.exe = SNMPD;
	s->snmpd.pidfile = "snmpd.pid";
	s->sub.exe = s->agent;
	s->sub.pidfile = "subagent.pid";
	adopt(s, &s->snmpd);
	adopt(s, &s->sub);
	cfg_xform_register("snmp-key", transform_key);
	struct passwd *pw = getpwnam(SNMP_USER);
	if (pw && d)
		cfg_daemon_set_service_class(d, (unsigned)pw->pw_uid, CFG_CLASS_READ_ONLY);
	return s;
}

/* Is PID alive and running EXE (an adopted process: not our child)? */
static bool runs(pid_t pid, const char *exe)
{
	char link[64], target[PATH_MAX];
	snprintf(link, sizeof link, "/proc/%d/exe", (int)pid);
	ssize_t l = readlink(link, target, sizeof target - 1);
	if (l <= 0)
		return false;
	target[l] = '\0';
	char real[PATH_MAX];
	return realpath(exe, real) && strcmp(real, target) == 0;
}

static bool gone(struct proc *p)
{
	if (p->adopted)
		return !runs(p->pid, p->exe);
	return waitpid(p->pid, NULL, WNOHANG) == p->pid;
}

static void stop_proc(struct proc *p)
{
	if (p->pid <= 0)
		return;
	kill(p->pid, SIGTERM);
	for (int i = 0; i < 100; i++) {
		if (gone(p)) {
			p->pid = 0;
			return;
		}
		usleep(20000);
	}
	kill(p->pid, SIGKILL);
	if (!p->adopted)
		waitpid(p->pid, NULL, 0);
	p->pid = 0;
	p->adopted = false;
}

static void write_pid(struct jdm_snmp *s, const struct proc *p)
{
	char *path = jdm_xasprintf("%s/%s", s->dir, p->pidfile);
	char b[32];
	snprintf(b, sizeof b, "%d\n", (int)p->pid);
	jdm_write_file(path, b, 0644);
	free(path);
}

/* A process an earlier jdmd started and left running (jdmd was killed):
 * take it over by its pid file, so a restarted jdmd does not start a
 * second one (snmpd's port, the subagent's connections). */
static void adopt(struct jdm_snmp *s, struct proc *p)
{
	char *path = jdm_xasprintf("%s/%s", s->dir, p->pidfile);
	FILE *f = fopen(path, "r");
	free(path);
	int pid = 0;
	if (f) {
		if (fscanf(f, "%d", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	if (pid > 1 && runs(pid, p->exe)) {
		p->pid = pid;
		p->adopted = true;
		p->started = time(NULL);
		fprintf(stderr, "jdmd: took over %s (pid %d) left by an earlier jdmd\n", p->pidfile, pid);
	}
}

void jdm_snmp_free(struct jdm_snmp *s)
{
	if (!s)
		return;
	stop_proc(&s->sub);
	stop_proc(&s->snmpd);
	pthread_mutex_destroy(&s->mu);
	free(s->dir);
	free(s->sock);
	free(s->jcp);
	free(s->agent);
	free(s->conf);
	free(s);
}

static int start_snmpd(struct jdm_snmp *s)
{
	char *conf = jdm_xasprintf("%s/snmpd.conf", s->dir);
	char *log = jdm_xasprintf("%s/snmpd.log", s->dir);
	char *persist = jdm_xasprintf("%s/persist", s->dir);
	mkdir(persist, 0700);
	/* users come from createUser each start: no stale copies of old keys */
	char *pconf = jdm_xasprintf("%s/snmpd.conf", persist);
	unlink(pconf);
	free(pconf);
	char *popt = jdm_xasprintf("--persistentDir=%s", persist);
	/* -f foreground (jdmd watches it), -C only our file, -Le log to
	   stderr (its log file); -M/-m: no MIB files (numbers only, no noise);
	   --TOKEN=VALUE sets an snmp.conf token */
	const char *argv[] = {SNMPD, "-f", "-C", "-c", conf, "-Le", "-M", "/nonexistent", "-m", "", popt, NULL};
	pid_t pid = jdm_proc_spawn(argv, log);
	free(popt);
	free(persist);
	free(conf);
	free(log);
	if (pid < 0)
		return -1;
	s->snmpd.pid = pid;
	s->snmpd.adopted = false;
	s->snmpd.started = time(NULL);
	write_pid(s, &s->snmpd);
	return 0;
}

static int start_sub(struct jdm_snmp *s)
{
	char *ax = jdm_xasprintf("%s/agentx.sock", s->dir);
	char *log = jdm_xasprintf("%s/subagent.log", s->dir);
	/* NFX_SNMP_PING: the subagent's AgentX ping interval (seconds; how
	   soon it finds a restarted snmpd), default 1 */
	const char *ping = getenv("NFX_SNMP_PING");
	const char *argv[] = {s->agent, "--agentx", ax, "--jdm", s->sock, "--user", SNMP_USER,
	                      "--ping", ping && *ping ? ping : "1", s->jcp ? "--jcp" : NULL, s->jcp, NULL};
	pid_t pid = jdm_proc_spawn(argv, log);
	free(ax);
	free(log);
	if (pid < 0)
		return -1;
	s->sub.pid = pid;
	s->sub.adopted = false;
	s->sub.started = time(NULL);
	write_pid(s, &s->sub);
	return 0;
}

static void reap(struct proc *p, const char *what)
{
	int st = 0;
	if (p->pid > 0 && p->adopted && !runs(p->pid, p->exe)) {
		fprintf(stderr, "jdmd: %s (pid %d, taken over) is gone\n", what, (int)p->pid);
		p->pid = 0;
		p->adopted = false;
	} else if (p->pid > 0 && !p->adopted && waitpid(p->pid, &st, WNOHANG) == p->pid) {
		fprintf(stderr, "jdmd: %s (pid %d) exited (status %d)\n", what, (int)p->pid,
		        WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		p->fails = time(NULL) - p->started < 5 ? p->fails + 1 : 0;
		p->pid = 0;
	}
}

/* snmpd and the subagent as T says (caller holds mu). */
static int realise(struct jdm_snmp *s, const struct cfg_tree *t)
{
	reap(&s->snmpd, "snmpd");
	reap(&s->sub, "snmp subagent");
	if (!cfg_tree_at(t, NULL, "snmp", CFG_AT_ACTIVE)) {
		stop_proc(&s->sub);
		stop_proc(&s->snmpd);
		free(s->conf);
		s->conf = NULL;
		return 0;
	}
	if (mkdir(s->dir, 0711) < 0 && errno != EEXIST)
		return cfg_err_set("%s: %s", s->dir, strerror(errno));
	chmod(s->dir, 0711);
	/* the subagent (another uid) reaches its sockets in the state directory */
	char *st = strdup(s->dir);
	if (st && strrchr(st, '/')) {
		*strrchr(st, '/') = '\0';
		chmod(st, 0711);
	}
	free(st);
	char *ax = jdm_xasprintf("%s/agentx.sock", s->dir);
	struct cfg_buf b = {0};
	jdm_snmp_conf(t, ax, &b);
	free(ax);
	int rc = 0;
	if (!s->conf && s->snmpd.adopted) {
		/* taken over: it keeps running if it runs this very file */
		char *path = jdm_xasprintf("%s/snmpd.conf", s->dir);
		FILE *f = fopen(path, "r");
		free(path);
		struct cfg_buf old = {0};
		char chunk[4096];
		size_t n;
		while (f && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
			cfg_buf_add(&old, chunk, n);
		if (f)
			fclose(f);
		if (old.p && old.len == b.len && memcmp(old.p, b.p, b.len) == 0)
			s->conf = strdup(b.p);
		if (old.p)
			explicit_bzero(old.p, old.len);
		cfg_buf_free(&old);
	}
	if (!s->conf || strcmp(b.p, s->conf) != 0 || s->snmpd.pid <= 0) {
		char *path = jdm_xasprintf("%s/snmpd.conf", s->dir);
		if (jdm_write_file(path, b.p, 0600) < 0) {
			rc = -1;
		} else {
			/* restarted, not HUPed: USM users are created at start;
			   the subagent reconnects by itself */
			stop_proc(&s->snmpd);
			s->snmpd.fails = 0;
			rc = start_snmpd(s);
			if (rc == 0) {
				fprintf(stderr, "jdmd: snmpd started (pid %d)\n", (int)s->snmpd.pid);
				/* its master socket, before the subagent looks for it */
				char *ax2 = jdm_xasprintf("%s/agentx.sock", s->dir);
				for (int i = 0; i < 50 && access(ax2, F_OK) != 0; i++)
					usleep(100000);
				free(ax2);
			}
		}
		free(path);
		free(s->conf);
		s->conf = b.p;
		b.p = NULL;
	}
	if (b.p)
		explicit_bzero(b.p, b.len);
	cfg_buf_free(&b);
	if (rc == 0 && s->sub.pid <= 0) {
		s->sub.fails = 0;
		rc = start_sub(s);
	}
	return rc;
}

static int failed(const struct cfg_tree *t, struct cfg_findings *fs)
{
	struct cfg_node *at = cfg_tree_at(t, NULL, "snmp", CFG_AT_ACTIVE);
	if (at)
		cfg_findings_add(fs, at, NULL, "%s", cfg_err_msg());
	else
		cfg_findings_add_line(fs, "%s", cfg_err_msg());
	return -1;
}

int jdm_snmp_apply(void *ctx, const struct cfg_diff *diff, struct cfg_buf *out,
                   struct cfg_findings *fs)
{
	(void)out;
	struct jdm_snmp *s = ctx;
	if (!cfg_diff_touches(diff, "snmp") && !cfg_diff_touches(diff, "interfaces jmgmt0") &&
	    !cfg_diff_touches(diff, "host-os interfaces"))
		return 0;
	const struct cfg_tree *t = cfg_diff_new_tree(diff);
	pthread_mutex_lock(&s->mu);
	int rc = realise(s, t);
	pthread_mutex_unlock(&s->mu);
	return rc < 0 ? failed(t, fs) : 0;
}

int jdm_snmp_converge(void *ctx, const struct cfg_tree *active, struct cfg_buf *out,
                      struct cfg_findings *fs)
{
	(void)out;
	struct jdm_snmp *s = ctx;
	pthread_mutex_lock(&s->mu);
	int rc = realise(s, active);
	pthread_mutex_unlock(&s->mu);
	return rc < 0 ? failed(active, fs) : 0;
}

/* A dead process starts again, after 1 s, or after up to 30 s when it
 * keeps dying at once. */
static bool due(const struct proc *p)
{
	unsigned wait = p->fails > 5 ? 30 : p->fails;
	return time(NULL) - p->started >= (time_t)wait;
}

void jdm_snmp_tick(void *ctx)
{
	struct jdm_snmp *s = ctx;
	if (pthread_mutex_trylock(&s->mu) != 0)
		return;
	reap(&s->snmpd, "snmpd");
	reap(&s->sub, "snmp subagent");
	if (s->conf) {
		if (s->snmpd.pid <= 0 && due(&s->snmpd) && start_snmpd(s) < 0)
			fprintf(stderr, "jdmd: restarting snmpd: %s\n", cfg_err_msg());
		if (s->sub.pid <= 0 && due(&s->sub) && start_sub(s) < 0)
			fprintf(stderr, "jdmd: restarting the snmp subagent: %s\n", cfg_err_msg());
	}
	pthread_mutex_unlock(&s->mu);
}
