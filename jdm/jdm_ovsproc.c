/* jdm_ovsproc — ovsdb-server and ovs-vswitchd of the appliance. See jdm_ovsproc.h. */
#include "jdm_ovsproc.h"
#include "jdm_proc.h"
#include "nfx_netns.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cfg_err.h"
#include "nfx_log.h"
#include "nfx_ovsdb.h"

#define OVSDB_SERVER "/usr/sbin/ovsdb-server"
#define OVSDB_TOOL "/usr/bin/ovsdb-tool"
#define OVS_SCHEMA "/usr/share/openvswitch/vswitch.ovsschema"
#define VSWITCHD_PLAIN "/usr/lib/openvswitch-switch/ovs-vswitchd"
#define VSWITCHD_ALT "/usr/sbin/ovs-vswitchd"
#define VSWITCHD_DPDK "/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk"

struct proc {
	const char *prog;  /* "ovsdb-server", "ovs-vswitchd" (what its argv[0] starts with) */
	pid_t pid;         /* -1: not running */
	bool child;        /* ours to reap */
	int64_t since;     /* when we started it (ms): until it has exec'd, its
	                      command line is still jdmd's */
	int64_t window;    /* restarts by check() since WINDOW (ms) */
	int restarts;
	bool gave_up;      /* too many: check() leaves it until ensure() */
};

#define RESTART_BURST 5        /* restarts within RESTART_WINDOW_MS, then give up */
#define RESTART_WINDOW_MS 60000

struct jdm_ovsproc {
	pthread_mutex_t mu;
	char dir[PATH_MAX];
	char sock[PATH_MAX];
	struct proc p[2];
	bool started;      /* ensure() succeeded once: check() restarts */
	bool dpdk;
	char **env;        /* the environment of the children */
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void nap(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

/* Is PID alive (not a zombie) and running program PROG? */
static bool is_prog(pid_t pid, const char *prog)
{
	if (pid <= 0)
		return false;
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	bool zombie = false;
	while (fgets(buf, sizeof buf, f))
		if (!strncmp(buf, "State:", 6)) {
			zombie = strchr(buf, 'Z') != NULL;
			break;
		}
	fclose(f);
	if (zombie)
		return false;
	snprintf(path, sizeof path, "/proc/%ld/cmdline", (long)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	const char *base = strrchr(buf, '/');
	base = base ? base + 1 : buf;
	return strncmp(base, prog, strlen(prog)) == 0;
}

static bool proc_alive(struct proc *pr)
{
	if (pr->pid <= 0)
		return false;
	if (pr->child) {
		pid_t r = waitpid(pr->pid, NULL, WNOHANG);
		if (r == pr->pid || (r < 0 && errno == ECHILD)) {
			if (r == pr->pid) {
				pr->pid = -1;
				return false;
			}
			pr->child = false; /* somebody else reaps it */
		}
	}
	if (!is_prog(pr->pid, pr->prog)) {
		if (pr->since && now_ms() - pr->since < 3000 && kill(pr->pid, 0) == 0)
			return true; /* not exec'd yet */
		pr->pid = -1;
		return false;
	}
	return true;
}

static pid_t read_pidfile(const char *dir, const char *name)
{
	char path[PATH_MAX + 64], buf[32] = "";
	snprintf(path, sizeof path, "%s/%s.pid", dir, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	long v = strtol(buf, NULL, 10);
	return v > 1 ? (pid_t)v : -1;
}

/* ARGV with P's environment (the private OVS run directory), stderr to LOG. */
static pid_t spawn(struct jdm_ovsproc *p, const char *const *argv, const char *log)
{
	return jdm_proc_spawn_env(argv, log, p->env);
}

static int run_wait(struct jdm_ovsproc *p, const char *const *argv, const char *log)
{
	pid_t pid = spawn(p, argv, log);
	if (pid < 0)
		return -1;
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return cfg_err_set("waitpid: %s", strerror(errno));
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return cfg_err_set("%s failed (status %d; see %s)", argv[0],
		                   WIFEXITED(st) ? WEXITSTATUS(st) : -1, log);
	return 0;
}

struct jdm_ovsproc *jdm_ovsproc_new(const char *state_dir)
{
	struct jdm_ovsproc *p = calloc(1, sizeof *p);
	if (!p) {
		cfg_err_set("out of memory");
		return NULL;
	}
	pthread_mutex_init(&p->mu, NULL);
	if ((size_t)snprintf(p->dir, sizeof p->dir, "%s/ovs", state_dir) >= sizeof p->dir - 32 ||
	    (size_t)snprintf(p->sock, sizeof p->sock, "%s/db.sock", p->dir) >= 100) {
		cfg_err_set("state directory path too long for the OVSDB socket: %s", state_dir);
		jdm_ovsproc_free(p);
		return NULL;
	}
	p->p[JDM_OVS_DB] = (struct proc){.prog = "ovsdb-server", .pid = -1};
	p->p[JDM_OVS_SWITCH] = (struct proc){.prog = "ovs-vswitchd", .pid = -1};
	const char *keep[] = {"PATH", "LANG", "TZ"};
	p->env = calloc(8, sizeof *p->env);
	size_t k = 0;
	for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
		const char *v = getenv(keep[i]);
		if (v && asprintf(&p->env[k], "%s=%s", keep[i], v) >= 0)
			k++;
	}
	const char *vars[] = {"OVS_RUNDIR", "OVS_LOGDIR", "OVS_DBDIR"};
	for (size_t i = 0; i < 3; i++)
		if (asprintf(&p->env[k], "%s=%s", vars[i], p->dir) >= 0)
			k++;
	return p;
}

void jdm_ovsproc_free(struct jdm_ovsproc *p)
{
	if (!p)
		return;
	for (size_t i = 0; p->env && p->env[i]; i++)
		free(p->env[i]);
	free(p->env);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

const char *jdm_ovsproc_db_sock(const struct jdm_ovsproc *p) { return p->sock; }
const char *jdm_ovsproc_dir(const struct jdm_ovsproc *p) { return p->dir; }

static const char *vswitchd_path(bool dpdk)
{
	if (dpdk)
		return VSWITCHD_DPDK;
	return access(VSWITCHD_PLAIN, X_OK) == 0 ? VSWITCHD_PLAIN : VSWITCHD_ALT;
}

static int start_db(struct jdm_ovsproc *p)
{
	char db[PATH_MAX + 64], log[PATH_MAX + 64], ctl[PATH_MAX + 64], pidf[PATH_MAX + 64],
	    remote[PATH_MAX + 64], out[PATH_MAX + 64];
	snprintf(db, sizeof db, "%s/conf.db", p->dir);
	snprintf(out, sizeof out, "%s/ovsdb-server.out", p->dir);
	if (access(db, F_OK) != 0) {
		const char *create[] = {OVSDB_TOOL, "create", db, OVS_SCHEMA, NULL};
		if (run_wait(p, create, out) < 0)
			return cfg_err_set("cannot create the OVS database: %s", cfg_err_msg());
	}
	snprintf(remote, sizeof remote, "--remote=punix:%s", p->sock);
	snprintf(ctl, sizeof ctl, "--unixctl=%s/ovsdb-server.ctl", p->dir);
	snprintf(pidf, sizeof pidf, "--pidfile=%s/ovsdb-server.pid", p->dir);
	snprintf(log, sizeof log, "--log-file=%s/ovsdb-server.log", p->dir);
	const char *argv[] = {OVSDB_SERVER, db, remote, ctl, pidf, log, "--no-chdir", NULL};
	pid_t pid = spawn(p, argv, out);
	if (pid < 0)
		return -1;
	p->p[JDM_OVS_DB] = (struct proc){.prog = "ovsdb-server", .pid = pid, .child = true,
	                                 .since = now_ms()};
	/* ready when the database answers */
	int64_t until = now_ms() + 20000;
	while (now_ms() < until) {
		if (!proc_alive(&p->p[JDM_OVS_DB]))
			return cfg_err_set("ovsdb-server exited at start (see %s)", out);
		struct nfx_ovsdb_sync *s = nfx_ovsdb_sync_open(p->sock, "Open_vSwitch", 200);
		if (s) {
			nfx_ovsdb_sync_close(s);
			return 0;
		}
		nap(50);
	}
	return cfg_err_set("ovsdb-server did not open %s within 20 s", p->sock);
}

static int start_switch(struct jdm_ovsproc *p)
{
	char log[PATH_MAX + 64], ctl[PATH_MAX + 64], pidf[PATH_MAX + 64], db[PATH_MAX + 64],
	    out[PATH_MAX + 64];
	snprintf(db, sizeof db, "unix:%s", p->sock);
	snprintf(ctl, sizeof ctl, "--unixctl=%s/ovs-vswitchd.ctl", p->dir);
	snprintf(pidf, sizeof pidf, "--pidfile=%s/ovs-vswitchd.pid", p->dir);
	snprintf(log, sizeof log, "--log-file=%s/ovs-vswitchd.log", p->dir);
	snprintf(out, sizeof out, "%s/ovs-vswitchd.out", p->dir);
	const char *prog = vswitchd_path(p->dpdk);
	if (access(prog, X_OK) != 0)
		return cfg_err_set("%s is not installed%s", prog,
		                   p->dpdk ? " (Debian package openvswitch-switch-dpdk)" : "");
	const char *argv[] = {prog, db, ctl, pidf, log, "--no-chdir", NULL};
	pid_t pid = spawn(p, argv, out);
	if (pid < 0)
		return -1;
	p->p[JDM_OVS_SWITCH] = (struct proc){.prog = "ovs-vswitchd", .pid = pid, .child = true,
	                                     .since = now_ms()};
	return 0;
}

static void stop_one(struct proc *pr)
{
	if (!proc_alive(pr))
		return;
	kill(pr->pid, SIGTERM);
	for (int i = 0; i < 100 && proc_alive(pr); i++)
		nap(50);
	if (proc_alive(pr)) {
		kill(pr->pid, SIGKILL);
		for (int i = 0; i < 40 && proc_alive(pr); i++)
			nap(50);
	}
	pr->pid = -1;
}

/* Is the running ovs-vswitchd the DPDK build? */
static bool running_dpdk(pid_t pid)
{
	char path[64], buf[256];
	snprintf(path, sizeof path, "/proc/%ld/cmdline", (long)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return strstr(buf, "-dpdk") != NULL;
}

int jdm_ovsproc_ensure(struct jdm_ovsproc *p, bool dpdk)
{
	if (!nfx_netns_may_network())
		return cfg_err_set("jdmd does not run in a network namespace made for the appliance: "
		                   "Open vSwitch is not started here (./nfx up runs jdmd in the "
		                   "appliance's namespace; NFX_ALLOW_HOST_NETNS=1 on an installed box)");
	pthread_mutex_lock(&p->mu);
	int rc = 0;
	if (mkdir(p->dir, 0750) < 0 && errno != EEXIST) {
		rc = cfg_err_set("cannot make %s: %s", p->dir, strerror(errno));
		goto out;
	}
	p->dpdk = dpdk;
	struct proc *db = &p->p[JDM_OVS_DB], *sw = &p->p[JDM_OVS_SWITCH];
	if (!proc_alive(db)) {
		pid_t old = read_pidfile(p->dir, "ovsdb-server");
		if (is_prog(old, "ovsdb-server"))
			*db = (struct proc){.prog = "ovsdb-server", .pid = old};
		else if ((rc = start_db(p)) < 0)
			goto out;
	}
	if (!proc_alive(sw)) {
		pid_t old = read_pidfile(p->dir, "ovs-vswitchd");
		if (is_prog(old, "ovs-vswitchd"))
			*sw = (struct proc){.prog = "ovs-vswitchd", .pid = old};
	}
	if (proc_alive(sw) && running_dpdk(sw->pid) != dpdk)
		stop_one(sw);
	if (!proc_alive(sw) && (rc = start_switch(p)) < 0)
		goto out;
	p->started = true;
out:
	pthread_mutex_unlock(&p->mu);
	return rc;
}

bool jdm_ovsproc_dpdk(const struct jdm_ovsproc *p)
{
	return p->dpdk;
}

int jdm_ovsproc_check(struct jdm_ovsproc *p)
{
	pthread_mutex_lock(&p->mu);
	int rc = 0;
	for (int k = 0; p->started && k < 2 && rc >= 0; k++) {
		struct proc *pr = &p->p[k];
		if (pr->gave_up || proc_alive(pr))
			continue;
		int64_t t = now_ms();
		if (t - pr->window > RESTART_WINDOW_MS) {
			pr->window = t;
			pr->restarts = 0;
		}
		if (pr->restarts >= RESTART_BURST) {
			nfx_log(LOG_ERR, "%s died %d times within %d s: not starting it again until "
			        "the next commit (see %s/%s.log)", pr->prog, RESTART_BURST,
			        RESTART_WINDOW_MS / 1000, p->dir, pr->prog);
			pr->gave_up = true;
			continue;
		}
		int64_t w = pr->window;
		int n = pr->restarts + 1;
		nfx_log(LOG_WARNING, "%s is not running: starting it again", pr->prog);
		if ((k == JDM_OVS_DB ? start_db(p) : start_switch(p)) < 0) {
			rc = -1;
		} else {
			rc |= 1 << k;
		}
		pr->window = w;
		pr->restarts = n;
	}
	pthread_mutex_unlock(&p->mu);
	return rc;
}

pid_t jdm_ovsproc_pid(struct jdm_ovsproc *p, enum jdm_ovsproc_which w)
{
	pthread_mutex_lock(&p->mu);
	pid_t pid = proc_alive(&p->p[w]) ? p->p[w].pid : -1;
	pthread_mutex_unlock(&p->mu);
	return pid;
}

void jdm_ovsproc_stop(struct jdm_ovsproc *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	stop_one(&p->p[JDM_OVS_SWITCH]);
	stop_one(&p->p[JDM_OVS_DB]);
	p->started = false;
	pthread_mutex_unlock(&p->mu);
}
