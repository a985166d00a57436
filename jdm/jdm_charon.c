/* jdm_charon — a strongSwan charon in a container of jdmd's. See
 * jdm_charon.h. */
#include "jdm_charon.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>

#include "cfg_err.h"
#include "jdm_net.h"
#include "jdm_proc.h"
#include "nfx_log.h"
#include "nfx_netns.h"
#include "nfx_nl.h"
#include "nfx_vici.h"

#define CHARON_EXE "/usr/lib/ipsec/charon"
#define CHILD_STACK (64 * 1024)
#define LOG_KEEP (4 * 1024 * 1024) /* charon.log larger than this at a start: charon.log.1 */

struct jdm_charon {
	char *name, *dir, *conf, *log, *pidfile, *vici;
	bool own_netns;
	unsigned fwmark;
	pid_t pid;
	int netns_fd;
	unsigned deaths;
	enum jdm_charon_esp esp;
	int esp_errno; /* why the kernel cannot hold an ESP SA (0: it can) */
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

const char *jdm_charon_esp_name(enum jdm_charon_esp e)
{
	switch (e) {
	case JDM_CHARON_ESP_KERNEL:
		return "kernel";
	case JDM_CHARON_ESP_LIBIPSEC:
		return "userspace (kernel-libipsec, UDP 4500)";
	default:
		return "unknown";
	}
}

static bool name_ok(const char *n)
{
	if (!n || !*n || strlen(n) > 32 || n[0] == '.')
		return false;
	for (const char *p = n; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '_' || *p == '.'))
			return false;
	return true;
}

struct jdm_charon *jdm_charon_new(const struct jdm_charon_opts *o)
{
	if (!o || !name_ok(o->name)) {
		cfg_err_set("charon: a name of letters, digits, '-', '_' and '.' is needed");
		return NULL;
	}
	if (!o->state_dir || o->state_dir[0] != '/') {
		cfg_err_set("charon %s: the state directory must be an absolute path", o->name);
		return NULL;
	}
	if (strncmp(o->state_dir, "/run/", 5) == 0 || strcmp(o->state_dir, "/run") == 0) {
		cfg_err_set("charon %s: the state directory may not be under /run (the container has a /run of its own)",
		            o->name);
		return NULL;
	}
	struct jdm_charon *c = calloc(1, sizeof *c);
	if (!c) {
		cfg_err_set("out of memory");
		return NULL;
	}
	c->name = strdup(o->name);
	c->dir = jdm_xasprintf("%s/%s", o->state_dir, o->name);
	c->conf = jdm_xasprintf("%s/strongswan.conf", c->dir);
	c->log = jdm_xasprintf("%s/charon.log", c->dir);
	c->pidfile = jdm_xasprintf("%s/charon.pid", c->dir);
	c->vici = jdm_xasprintf("%s/vici", c->dir);
	/* sun_path is 108 bytes */
	if (!c->name || strlen(c->vici) >= 100) {
		cfg_err_set("charon %s: state directory path too long for a unix socket", o->name);
		c->pid = -1;
		c->netns_fd = -1;
		jdm_charon_free(c);
		return NULL;
	}
	c->own_netns = o->own_netns;
	c->fwmark = o->fwmark;
	c->pid = -1;
	c->netns_fd = -1;
	return c;
}

char *jdm_charon_conf(const struct jdm_charon_opts *o, enum jdm_charon_esp esp)
{
	bool lib = esp == JDM_CHARON_ESP_LIBIPSEC;
	char *dir = jdm_xasprintf("%s/%s", o->state_dir, o->name);
	char *fw = o->fwmark ? jdm_xasprintf("    socket-default { fwmark = 0x%x }\n"
	                                     "    kernel-netlink { fwmark = !0x%x }\n",
	                                     o->fwmark, o->fwmark)
	                     : strdup("");
	char *s = jdm_xasprintf(
	    "# written by jdmd (jdm_charon) for %s: do not edit\n"
	    "charon {\n"
	    "  load_modular = no\n"
	    "  # '!': critical, charon does not start without it\n"
	    "  load = random nonce openssl kdf pem pkcs1 x509 revocation constraints pubkey%s "
	    "kernel-netlink socket-default vici!\n"
	    "  # level 1 everywhere: higher levels of ike/enc/knl print key material\n"
	    "  filelog {\n"
	    "    charon {\n"
	    "      path = %s/charon.log\n"
	    "      append = yes\n"
	    "      flush_line = yes\n"
	    "      time_format = %%b %%e %%T\n"
	    "      ike_name = yes\n"
	    "      default = 1\n"
	    "    }\n"
	    "  }\n"
	    "  plugins {\n"
	    "    vici { socket = unix://%s/vici }\n"
	    "%s%s%s"
	    "%s"
	    "  }\n"
	    "  install_routes = yes\n"
	    "  # IKE retransmits after 2, 2.8, 3.9, 5.5, 7.5 s, then gives up (~22 s, not\n"
	    "  # ~165 s): the owner re-initiates, a tunnel comes back in a bounded time\n"
	    "  retransmit_timeout = 2.0\n"
	    "  retransmit_base = 1.4\n"
	    "  retransmit_tries = 5\n"
	    "}\n",
	    o->name, lib ? " kernel-libipsec!" : "", dir, dir,
	    lib ? "    kernel-libipsec {\n      load = yes\n" : "",
	    lib && o->fwmark ? "      allow_peer_ts = yes\n" : "", lib ? "    }\n" : "", fw);
	free(fw);
	free(dir);
	return s;
}

/* ------------------------------------------------------------ ESP probe */

/* Can this thread's network namespace hold an ESP SA? 0, or an errno. */
static int esp_probe(void)
{
	int e = 0;
	uint32_t spi = htonl(0xc0de5a01);
	in_addr_t src = inet_addr("127.0.0.1"), dst = inet_addr("127.0.0.2");

	char buf[1024] = {0};
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = XFRM_MSG_NEWSA;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	nlh->nlmsg_seq = (uint32_t)time(NULL);
	struct xfrm_usersa_info *sa = mnl_nlmsg_put_extra_header(nlh, sizeof *sa);
	sa->sel.family = AF_INET;
	sa->id.daddr.a4 = dst;
	sa->id.spi = spi;
	sa->id.proto = IPPROTO_ESP;
	sa->saddr.a4 = src;
	sa->family = AF_INET;
	sa->mode = XFRM_MODE_TRANSPORT;
	sa->reqid = 0xc0de;
	sa->lft.soft_byte_limit = XFRM_INF;
	sa->lft.hard_byte_limit = XFRM_INF;
	sa->lft.soft_packet_limit = XFRM_INF;
	sa->lft.hard_packet_limit = XFRM_INF;
	/* cbc(aes) and hmac(sha256) with zero keys (a throwaway SA) */
	struct xfrm_algo *crypt = calloc(1, sizeof *crypt + 16);
	struct xfrm_algo *auth = calloc(1, sizeof *auth + 32);
	if (!crypt || !auth) {
		free(crypt);
		free(auth);
		return ENOMEM;
	}
	strcpy(crypt->alg_name, "cbc(aes)");
	crypt->alg_key_len = 128;
	strcpy(auth->alg_name, "hmac(sha256)");
	auth->alg_key_len = 256;
	mnl_attr_put(nlh, XFRMA_ALG_CRYPT, sizeof *crypt + 16, crypt);
	mnl_attr_put(nlh, XFRMA_ALG_AUTH, sizeof *auth + 32, auth);
	free(crypt);
	free(auth);
	e = -nfx_nl_talk(NETLINK_XFRM, nlh, NULL, NULL);

	if (e == 0 || e == EEXIST) { /* remove it again (EEXIST: a leftover of ours) */
		memset(buf, 0, sizeof buf);
		nlh = mnl_nlmsg_put_header(buf);
		nlh->nlmsg_type = XFRM_MSG_DELSA;
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
		nlh->nlmsg_seq = (uint32_t)time(NULL) + 1;
		struct xfrm_usersa_id *id = mnl_nlmsg_put_extra_header(nlh, sizeof *id);
		id->daddr.a4 = dst;
		id->spi = spi;
		id->family = AF_INET;
		id->proto = IPPROTO_ESP;
		xfrm_address_t sad = {0};
		sad.a4 = src;
		mnl_attr_put(nlh, XFRMA_SRCADDR, sizeof sad, &sad);
		nfx_nl_talk(NETLINK_XFRM, nlh, NULL, NULL);
		e = 0;
	}
	return e;
}

/* ------------------------------------------------------------ namespaces */

static void netns_back(int orig)
{
	if (setns(orig, CLONE_NEWNET) < 0) {
		/* this thread would go on in the container's namespace */
		nfx_log(LOG_ERR, "charon: cannot return to jdmd's network namespace: %s",
		        strerror(errno));
		abort();
	}
	close(orig);
}

int jdm_charon_in_netns(struct jdm_charon *c, int (*fn)(void *arg), void *arg)
{
	if (!c || !fn)
		return cfg_err_set("charon: no handle");
	if (!c->own_netns)
		return fn(arg);
	if (c->netns_fd < 0)
		return cfg_err_set("charon %s: its network namespace is not made yet", c->name);
	int orig = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (orig < 0)
		return cfg_err_set("charon %s: /proc/thread-self/ns/net: %s", c->name, strerror(errno));
	if (setns(c->netns_fd, CLONE_NEWNET) < 0) {
		int e = errno;
		close(orig);
		return cfg_err_set("charon %s: cannot enter its network namespace: %s", c->name,
		                   strerror(e));
	}
	int r = fn(arg);
	netns_back(orig);
	return r;
}

/* A new network namespace for C, held by c->netns_fd, with lo up. */
static int make_netns(struct jdm_charon *c)
{
	int orig = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (orig < 0)
		return cfg_err_set("charon %s: /proc/thread-self/ns/net: %s", c->name, strerror(errno));
	if (unshare(CLONE_NEWNET) < 0) {
		int e = errno;
		close(orig);
		return cfg_err_set("charon %s: cannot make a network namespace: %s", c->name,
		                   strerror(e));
	}
	c->netns_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	int e = c->netns_fd < 0 ? errno : 0;
	int up = e ? 0 : jdm_net_link_up("lo");
	netns_back(orig);
	if (e)
		return cfg_err_set("charon %s: cannot hold its network namespace: %s", c->name,
		                   strerror(e));
	if (up < 0) {
		close(c->netns_fd);
		c->netns_fd = -1;
		return cfg_err_set("charon %s: lo in its namespace: %s", c->name, cfg_err_msg());
	}
	return 0;
}

static int probe_fn(void *arg)
{
	*(int *)arg = esp_probe();
	return 0;
}

/* ------------------------------------------------------------ process */

struct child_args {
	int netns_fd, logfd;
	char *const *argv, *const *envp;
};

static void child_fail(const char *what)
{
	/* only system calls here (the parent is multi-threaded): errno in digits */
	char num[16];
	int e = errno, i = (int)sizeof num;
	num[--i] = '\n';
	do
		num[--i] = (char)('0' + e % 10);
	while ((e /= 10) > 0 && i > 0);
	struct iovec v[4] = {{(void *)"jdm_charon: ", 12}, {(void *)what, strlen(what)},
	                     {(void *)" failed, errno ", 15}, {num + i, sizeof num - (size_t)i}};
	(void)!writev(2, v, 4);
	_exit(127);
}

static int child_main(void *p)
{
	const struct child_args *a = p;
	if (a->logfd >= 0)
		dup2(a->logfd, 2); /* early errors into the log */
	if (a->netns_fd >= 0 && setns(a->netns_fd, CLONE_NEWNET) < 0)
		child_fail("setns");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		child_fail("mount --make-rprivate /");
	if (mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
		child_fail("mount tmpfs /run");
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		child_fail("mount proc /proc");
	if (a->netns_fd >= 0) /* the namespace's own /sys/class/net; optional */
		mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	jdm_proc_child_setup(a->logfd, a->logfd);
	execve(a->argv[0], a->argv, a->envp);
	child_fail("execve " CHARON_EXE);
	return 127;
}

/* Has C's charon exited? Reaps it. */
static bool gone(pid_t pid)
{
	pid_t r = waitpid(pid, NULL, WNOHANG);
	if (r == pid)
		return true;
	if (r < 0 && errno == ECHILD) /* reaped by someone else */
		return kill(pid, 0) < 0 && errno == ESRCH;
	return false;
}

/* The last non-empty line of charon.log into BUF (or, when that is charon's
 * generic "initialization failed", the first line of the last 1 KiB that
 * says what failed). */
static void last_line(const char *path, char *buf, size_t n)
{
	snprintf(buf, n, "(no log)");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	char tail[1024];
	off_t end = lseek(fd, 0, SEEK_END);
	off_t from = end > (off_t)sizeof tail - 1 ? end - (off_t)sizeof tail + 1 : 0;
	ssize_t r = pread(fd, tail, sizeof tail - 1, from);
	close(fd);
	if (r <= 0)
		return;
	tail[r] = 0;
	while (r > 0 && (tail[r - 1] == '\n' || tail[r - 1] == '\r'))
		tail[--r] = 0;
	char *nl = strrchr(tail, '\n');
	const char *l = nl ? nl + 1 : tail;
	/* charon's own last words are generic: name the first failure instead */
	if (strstr(l, "initialization failed") || strstr(l, "critical plugin")) {
		char *first = strstr(tail, " failed");
		while (first && first > tail && first[-1] != '\n')
			first--;
		if (first) {
			char *end = strchr(first, '\n');
			if (end)
				*end = 0;
			l = first;
		}
	}
	size_t len = strlen(l);
	if (len >= n)
		len = n - 1;
	memcpy(buf, l, len);
	buf[len] = 0;
}

/* A charon left running by an earlier jdmd for this handle (its pid file
 * names a process whose environment carries our STRONGSWAN_CONF): stop it,
 * so that it does not keep the VICI socket's name or its routes. */
static void stop_stale(struct jdm_charon *c)
{
	char buf[32] = "";
	int fd = open(c->pidfile, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = 0;
	long pid = strtol(buf, NULL, 10);
	if (pid <= 1)
		return;
	char path[64];
	snprintf(path, sizeof path, "/proc/%ld/environ", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	char env[8192];
	n = read(fd, env, sizeof env - 1);
	close(fd);
	if (n <= 0)
		return;
	env[n] = 0;
	char *want = jdm_xasprintf("STRONGSWAN_CONF=%s", c->conf);
	bool ours = false;
	for (char *e = env; e < env + n; e += strlen(e) + 1)
		if (strcmp(e, want) == 0)
			ours = true;
	free(want);
	if (!ours)
		return;
	nfx_log(LOG_WARNING, "charon %s: stopping pid %ld left by an earlier run", c->name, pid);
	kill((pid_t)pid, SIGTERM);
	for (int i = 0; i < 150 && kill((pid_t)pid, 0) == 0; i++) {
		waitpid((pid_t)pid, NULL, WNOHANG); /* in case it is our child after all */
		sleep_ms(20);
	}
	if (kill((pid_t)pid, 0) == 0) {
		kill((pid_t)pid, SIGKILL);
		waitpid((pid_t)pid, NULL, WNOHANG);
	}
}

static bool vici_answers(const char *path)
{
	struct nfx_vici *v = nfx_vici_connect(path, 0);
	if (!v)
		return false;
	json_t *reply = NULL;
	int r = nfx_vici_call(v, "version", NULL, &reply, 2000);
	bool ok = r == 0 && json_object_get(reply, "daemon");
	json_decref(reply);
	nfx_vici_close(v);
	return ok;
}

static int probe_esp(struct jdm_charon *c)
{
	if (c->esp != JDM_CHARON_ESP_UNKNOWN)
		return 0;
	int e = 0;
	if (jdm_charon_in_netns(c, probe_fn, &e) < 0)
		return -1;
	c->esp_errno = e;
	c->esp = e == 0 ? JDM_CHARON_ESP_KERNEL : JDM_CHARON_ESP_LIBIPSEC;
	if (e)
		nfx_log(LOG_INFO, "charon %s: the kernel holds no ESP SA (%s): userspace ESP",
		        c->name, strerror(e));
	return 0;
}

int jdm_charon_start(struct jdm_charon *c, int timeout_ms)
{
	if (!c)
		return cfg_err_set("charon: no handle");
	if (jdm_charon_alive(c))
		return 0;
	if (!nfx_netns_may_network())
		return cfg_err_set("charon %s: jdmd runs in the machine's own network namespace; "
		                   "IPsec is started only in a namespace made for nfx",
		                   c->name);
	if (access(CHARON_EXE, X_OK) < 0)
		return cfg_err_set("charon %s: %s: %s (package strongswan-charon)", c->name, CHARON_EXE,
		                   strerror(errno));
	if (mkdir(c->dir, 0700) < 0 && errno != EEXIST)
		return cfg_err_set("charon %s: %s: %s", c->name, c->dir, strerror(errno));
	if (chmod(c->dir, 0700) < 0)
		return cfg_err_set("charon %s: %s: %s", c->name, c->dir, strerror(errno));
	if (c->own_netns && c->netns_fd < 0 && make_netns(c) < 0)
		return -1;
	if (probe_esp(c) < 0)
		return -1;

	struct jdm_charon_opts o = {.name = c->name, .own_netns = c->own_netns, .fwmark = c->fwmark};
	char *sd = strdup(c->dir);
	char *slash = sd ? strrchr(sd, '/') : NULL;
	if (!slash) {
		free(sd);
		return cfg_err_set("out of memory");
	}
	*slash = 0;
	o.state_dir = sd;
	char *conf = jdm_charon_conf(&o, c->esp);
	free(sd);
	int w = jdm_write_file(c->conf, conf, 0600);
	free(conf);
	if (w < 0)
		return -1;
	stop_stale(c);
	unlink(c->vici);
	unlink(c->pidfile);

	/* one old log is kept: charon.log.1 */
	struct stat lst;
	if (stat(c->log, &lst) == 0 && lst.st_size > LOG_KEEP) {
		char *old = jdm_xasprintf("%s.1", c->log);
		rename(c->log, old);
		free(old);
	}
	int logfd = open(c->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (logfd < 0)
		return cfg_err_set("charon %s: %s: %s", c->name, c->log, strerror(errno));
	fchmod(logfd, 0600);
	char *env0 = jdm_xasprintf("STRONGSWAN_CONF=%s", c->conf);
	char *envp[] = {env0, (char *)"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL};
	char *argv[] = {(char *)CHARON_EXE, NULL};
	struct child_args a = {.netns_fd = c->netns_fd, .logfd = logfd, .argv = argv, .envp = envp};
	char *stack = malloc(CHILD_STACK);
	if (!stack) {
		close(logfd);
		free(env0);
		return cfg_err_set("out of memory");
	}
	pid_t pid = clone(child_main, stack + CHILD_STACK, CLONE_NEWPID | CLONE_NEWNS | SIGCHLD, &a);
	int e = errno;
	free(stack);
	close(logfd);
	free(env0);
	if (pid < 0)
		return cfg_err_set("charon %s: clone: %s", c->name, strerror(e));
	c->pid = pid;
	char pidtext[32];
	snprintf(pidtext, sizeof pidtext, "%d\n", (int)pid);
	if (jdm_write_file(c->pidfile, pidtext, 0600) < 0) {
		char msg[256];
		snprintf(msg, sizeof msg, "%s", cfg_err_msg());
		jdm_charon_stop(c);
		return cfg_err_set("charon %s: %s", c->name, msg);
	}

	long long deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	for (;;) {
		if (gone(pid)) {
			c->pid = -1;
			unlink(c->pidfile);
			char line[512];
			last_line(c->log, line, sizeof line);
			return cfg_err_set("charon %s exited while starting: %s", c->name, line);
		}
		if (vici_answers(c->vici)) {
			chmod(c->vici, 0600);
			nfx_log(LOG_INFO, "charon %s started (pid %d, ESP %s)", c->name, (int)pid,
			        jdm_charon_esp_name(c->esp));
			return 0;
		}
		if (now_ms() >= deadline)
			break;
		sleep_ms(50);
	}
	char line[512];
	last_line(c->log, line, sizeof line);
	jdm_charon_stop(c);
	return cfg_err_set("charon %s: no answer on %s within %d ms (log: %s)", c->name, c->vici,
	                   timeout_ms, line);
}

int jdm_charon_stop(struct jdm_charon *c)
{
	if (!c || c->pid <= 0)
		return 0;
	pid_t pid = c->pid;
	kill(pid, SIGTERM);
	bool done = false;
	for (int i = 0; i < 150 && !(done = gone(pid)); i++)
		sleep_ms(20);
	if (!done) {
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	c->pid = -1;
	unlink(c->pidfile);
	unlink(c->vici);
	return 0;
}

bool jdm_charon_alive(struct jdm_charon *c)
{
	if (!c || c->pid <= 0)
		return false;
	if (!gone(c->pid))
		return true;
	nfx_log(LOG_WARNING, "charon %s (pid %d) died", c->name, (int)c->pid);
	c->pid = -1;
	c->deaths++;
	unlink(c->pidfile);
	return false;
}

unsigned jdm_charon_deaths(const struct jdm_charon *c)
{
	return c ? c->deaths : 0;
}

pid_t jdm_charon_pid(const struct jdm_charon *c)
{
	return c && c->pid > 0 ? c->pid : -1;
}

const char *jdm_charon_vici_path(const struct jdm_charon *c)
{
	return c ? c->vici : NULL;
}

int jdm_charon_netns_fd(const struct jdm_charon *c)
{
	return c && c->own_netns ? c->netns_fd : -1;
}

enum jdm_charon_esp jdm_charon_esp(const struct jdm_charon *c)
{
	return c ? c->esp : JDM_CHARON_ESP_UNKNOWN;
}

int jdm_charon_esp_errno(const struct jdm_charon *c)
{
	return c ? c->esp_errno : 0;
}

int jdm_charon_destroy(struct jdm_charon *c)
{
	if (!c)
		return 0;
	jdm_charon_stop(c);
	if (c->netns_fd >= 0)
		close(c->netns_fd);
	c->netns_fd = -1;
	c->esp = JDM_CHARON_ESP_UNKNOWN;
	c->esp_errno = 0;
	unlink(c->conf);
	unlink(c->vici);
	unlink(c->pidfile);
	/* charon.log(.1) stay: the record of what happened */
	return 0;
}

void jdm_charon_free(struct jdm_charon *c)
{
	if (!c)
		return;
	jdm_charon_stop(c);
	if (c->netns_fd >= 0)
		close(c->netns_fd);
	free(c->name);
	free(c->dir);
	free(c->conf);
	free(c->log);
	free(c->pidfile);
	free(c->vici);
	free(c);
}
