/* jdm_ztp — zero-touch provisioning: state machine, DHCP client, commit.
 * See jdm_ztp.h. */
#include "jdm_ztp.h"
#include "nfx_netns.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cfg_daemon.h"
#include "cfg_err.h"
#include "cfg_notify.h"
#include "cfg_reply.h"
#include "jdm_net.h"
#include "jdm_proc.h"
#include "jdm_ztp_boot.h"
#include "jdm_ztp_fetch.h"
#include "jdm_ztp_opt.h"

#define BUSYBOX "/bin/busybox"
#define IFACE "jmgmt0"
#define DEFAULT_ANCHOR "/etc/nfx/ztp-ca.pem"
#define DEFAULT_IMAGE_DIR "/var/third-party/images"
#define MAX_BACKOFF 600
#define DHCP_LIMIT 60                       /* seconds one DHCP run may take */

const char *const jdm_ztp_owns[] = {"system ztp", NULL};

enum zstate { Z_DISABLED, Z_CONFIGURED, Z_UNAVAILABLE, Z_WAITING, Z_DHCP, Z_FETCH, Z_COMMIT, Z_DONE };
static const char *const state_names[] = {"disabled", "configured", "unavailable", "waiting",
                                          "discovering", "fetching", "committing", "provisioned"};

/* What the fetch thread hands back (under mu). */
struct result {
	bool done;
	struct jdm_ztp_got got;
};

struct jdm_ztp {
	struct cfg_daemon *d;
	char *dir;        /* STATE/ztp */
	char *anchor;     /* explicit trust anchor or NULL */
	char *image_dir;
	unsigned retry_s;
	bool off, host_ok;
	/* loop thread only */
	enum zstate st;
	char reason[512];
	char server[256], url[JDM_ZTP_URL_MAX], mode[16], address[24], signer[256];
	unsigned attempts;
	time_t last, next, dhcp_started;
	bool last_ok, have_last;
	unsigned backoff;
	pid_t dhcp;
	struct jdm_ztp_offer offer;
	struct jdm_ztp_boot job;
	pthread_t th;
	bool th_running;
	atomic_bool stop;
	pthread_mutex_t mu;
	struct result res;
};

/* ------------------------------------------------------------ helpers */

static char *xstrdup(const char *s)
{
	char *p = s ? strdup(s) : NULL;
	if (s && !p)
		abort();
	return p;
}

static void logz(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logz(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "jdmd: ztp: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

bool jdm_ztp_factory(const struct cfg_tree *t)
{
	/* conservative: any node but `system ztp`, active or not, is configuration */
	for (const struct cfg_node *c = cfg_tree_root(t)->child; c; c = c->next) {
		if (!c->schema || strcmp(c->schema->name, "system") != 0)
			return false;
		for (const struct cfg_node *s = c->child; s; s = s->next)
			if (!s->schema || strcmp(s->schema->name, "ztp") != 0)
				return false;
	}
	return true;
}

static bool ztp_flag(const struct cfg_tree *t, const char *name)
{
	struct cfg_node *z = cfg_tree_at(t, NULL, "system ztp", CFG_AT_ACTIVE);
	return z && cfg_node_child(z, name, NULL, CFG_AT_ACTIVE) != NULL;
}

static const char *anchor_path(const struct jdm_ztp *z, char *buf, size_t n)
{
	if (z->anchor)
		return z->anchor;
	snprintf(buf, n, "%s/ca.pem", z->dir);
	if (access(buf, R_OK) == 0)
		return buf;
	return DEFAULT_ANCHOR;
}

/* ------------------------------------------------------------- replies */

static void fill(const struct jdm_ztp *z, struct cfg_rel *r)
{
	cfg_rel_leaf(r, "ztp-state", state_names[z->st]);
	cfg_rel_leaf(r, "ztp-reason", z->reason[0] ? z->reason : NULL);
	cfg_rel_leaf(r, "ztp-interface", IFACE);
	cfg_rel_leaf(r, "ztp-address", z->address[0] ? z->address : NULL);
	cfg_rel_leaf(r, "ztp-server", z->server[0] ? z->server : NULL);
	cfg_rel_leaf(r, "ztp-config-url", z->url[0] ? z->url : NULL);
	cfg_rel_leaf(r, "ztp-transfer-mode", z->mode[0] ? z->mode : NULL);
	cfg_rel_leaf(r, "ztp-image-file", z->offer.image[0] ? z->offer.image : NULL);
	cfg_rel_leaf(r, "ztp-signer", z->signer[0] ? z->signer : NULL);
	cfg_rel_leaff(r, "ztp-attempts", "%u", z->attempts);
	if (z->have_last) {
		char tb[64];
		struct tm tm;
		gmtime_r(&z->last, &tm);
		strftime(tb, sizeof tb, "%Y-%m-%d %H:%M:%S UTC", &tm);
		cfg_rel_leaf(r, "ztp-last-attempt", tb);
		cfg_rel_leaff(r, "ztp-last-attempt-seconds", "%lld", (long long)z->last);
		cfg_rel_leaf(r, "ztp-last-result", z->last_ok ? "succeeded" : "failed");
	}
	if (z->st == Z_WAITING) {
		time_t now = time(NULL);
		cfg_rel_leaff(r, "ztp-next-attempt", "%lld", (long long)(z->next > now ? z->next - now : 0));
	}
}

static void publish(struct jdm_ztp *z)
{
	struct cfg_reply *r = cfg_reply_new("ztp-event");
	fill(z, cfg_reply_root(r));
	cfg_notify_publish(z->d, r);
}

static void set_state(struct jdm_ztp *z, enum zstate st, const char *reason)
{
	bool changed = z->st != st || (reason && strcmp(reason, z->reason) != 0);
	z->st = st;
	if (reason)
		snprintf(z->reason, sizeof z->reason, "%s", reason);
	if (changed)
		publish(z);
}

static void show_text(struct cfg_buf *out, const struct cfg_reply *rep, void *arg)
{
	(void)arg;
	const struct cfg_rel *r = cfg_reply_root(rep);
	cfg_buf_puts(out, "Zero touch provisioning:\n");
	cfg_buf_printf(out, "  State: %s\n", cfg_rel_str(r, "ztp-state", ""));
	const char *v;
	if ((v = cfg_rel_value(r, "ztp-reason")))
		cfg_buf_printf(out, "  Reason: %s\n", v);
	cfg_buf_printf(out, "  Interface: %s", cfg_rel_str(r, "ztp-interface", ""));
	if ((v = cfg_rel_value(r, "ztp-address")))
		cfg_buf_printf(out, ", address %s", v);
	cfg_buf_puts(out, "\n");
	if ((v = cfg_rel_value(r, "ztp-server")))
		cfg_buf_printf(out, "  Server: %s\n", v);
	if ((v = cfg_rel_value(r, "ztp-config-url")))
		cfg_buf_printf(out, "  Configuration: %s\n", v);
	if ((v = cfg_rel_value(r, "ztp-transfer-mode")))
		cfg_buf_printf(out, "  Transfer mode: %s\n", v);
	if ((v = cfg_rel_value(r, "ztp-image-file")))
		cfg_buf_printf(out, "  Software image: %s (not installed: VNF images only)\n", v);
	if ((v = cfg_rel_value(r, "ztp-signer")))
		cfg_buf_printf(out, "  Signed by: %s\n", v);
	cfg_buf_printf(out, "  Attempts: %s", cfg_rel_str(r, "ztp-attempts", "0"));
	if ((v = cfg_rel_value(r, "ztp-last-attempt")))
		cfg_buf_printf(out, ", last %s (%s)", v, cfg_rel_str(r, "ztp-last-result", ""));
	cfg_buf_puts(out, "\n");
	if ((v = cfg_rel_value(r, "ztp-next-attempt")))
		cfg_buf_printf(out, "  Next attempt in: %s seconds\n", v);
	const struct cfg_rel *id = cfg_rel_child(r, "ztp-identity");
	if (id) {
		cfg_buf_printf(out, "  Serial number: %s\n", cfg_rel_str(id, "ztp-serial-number", ""));
		cfg_buf_printf(out, "  Device certificate: %s\n",
		               cfg_rel_str(id, "ztp-device-certificate", "none installed"));
		cfg_buf_printf(out, "  Trust anchor: %s\n", cfg_rel_str(id, "ztp-trust-anchor", ""));
	}
}

static int show_ztp(struct cfg_cmd *c)
{
	struct jdm_ztp *z = c->ctx;
	struct cfg_reply *rep = cfg_reply_new("ztp-information");
	struct cfg_rel *r = cfg_reply_root(rep);
	fill(z, r);
	struct cfg_rel *id = cfg_rel_add(r, "ztp-identity");
	char serial[64] = "", buf[PATH_MAX], desc[600];
	char *sp = jdm_xasprintf("%s/serial", z->dir), *cp = jdm_xasprintf("%s/device.crt", z->dir);
	FILE *f = fopen(sp, "re");
	if (f) {
		if (fgets(serial, sizeof serial, f))
			serial[strcspn(serial, "\r\n")] = '\0';
		fclose(f);
	}
	cfg_rel_leaf(id, "ztp-serial-number", serial[0] ? serial : NULL);
	if (jdm_ztp_cert_describe(cp, desc, sizeof desc) == 0)
		cfg_rel_leaf(id, "ztp-device-certificate", desc);
	const char *a = anchor_path(z, buf, sizeof buf);
	cfg_rel_leaff(id, "ztp-trust-anchor", "%s%s", a, access(a, R_OK) == 0 ? "" : " (missing)");
	free(sp);
	free(cp);
	return cfg_reply_emit(rep, &c->disp, c->out, show_text, NULL);
}

static void *fetch_main(void *arg)
{
	struct jdm_ztp *z = arg;
	struct jdm_ztp_got g;
	jdm_ztp_boot_run(&z->job, &g);
	pthread_mutex_lock(&z->mu);
	z->res.got = g;
	z->res.done = true;
	pthread_mutex_unlock(&z->mu);
	return NULL;
}

/* --------------------------------------------------------- the machine */

static void stop_dhcp(struct jdm_ztp *z)
{
	if (z->dhcp <= 0)
		return;
	kill(z->dhcp, SIGTERM);
	for (int i = 0; i < 50; i++) {
		if (waitpid(z->dhcp, NULL, WNOHANG) == z->dhcp) {
			z->dhcp = 0;
			return;
		}
		usleep(20000);
	}
	kill(z->dhcp, SIGKILL);
	waitpid(z->dhcp, NULL, 0);
	z->dhcp = 0;
}

/* Abandon the attempt under way: the thread is told to stop (its transfer
 * aborts within a second), joined, and what it got is dropped. */
static void reap_thread(struct jdm_ztp *z)
{
	if (!z->th_running)
		return;
	atomic_store(&z->stop, true);
	pthread_join(z->th, NULL);
	z->th_running = false;
	cfg_tree_free(z->res.got.tree);
	memset(&z->res, 0, sizeof z->res);
}

static void failed(struct jdm_ztp *z, const char *why)
{
	z->last_ok = false;
	z->have_last = true;
	z->next = time(NULL) + z->backoff;
	logz("attempt %u failed: %s; next attempt in %u s", z->attempts, why, z->backoff);
	set_state(z, Z_WAITING, why);
	z->backoff = z->backoff * 2 > MAX_BACKOFF ? MAX_BACKOFF : z->backoff * 2;
}

static const char SCRIPT[] =
	"#!/bin/sh\n"
	"# written by jdmd (jdm_ztp.c): busybox udhcpc's script. It only hands the\n"
	"# lease to jdmd (lease, beside this script); jdmd sets jmgmt0's address\n"
	"# and reads the options itself.\n"
	"case \"$1\" in bound|renew) ;; *) exit 0 ;; esac\n"
	"umask 077\n"
	"d=\"$(dirname \"$0\")\"\n"
	"env | grep -E '^(ip|mask|router|serverid|siaddr|tftp|opt43|opt143|opt150)=' >\"$d/lease.tmp\" &&\n"
	"\tmv -f \"$d/lease.tmp\" \"$d/lease\"\n"
	"exit 0\n";

static int start_dhcp(struct jdm_ztp *z)
{
	if (mkdir(z->dir, 0700) < 0 && errno != EEXIST)
		return cfg_err_set("%s: %s", z->dir, strerror(errno));
	char *script = jdm_xasprintf("%s/udhcpc.script", z->dir);
	char *lease = jdm_xasprintf("%s/lease", z->dir);
	char *log = jdm_xasprintf("%s/udhcpc.log", z->dir);
	unlink(lease);
	int fd = open(script, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0700);
	int rc = 0;
	if (fd < 0 || write(fd, SCRIPT, sizeof SCRIPT - 1) != (ssize_t)(sizeof SCRIPT - 1)) {
		rc = cfg_err_set("%s: %s", script, strerror(errno));
	} else {
		fchmod(fd, 0700);
	}
	if (fd >= 0)
		close(fd);
	if (rc == 0) {
		char serial[64] = "";
		jdm_ztp_identity(z->dir, serial, sizeof serial);
		char *vendor = jdm_xasprintf("Juniper-nfx250-%s", serial);
		/* -B: broadcast replies (a fresh veth does not take unicast offers
		   before it has an address); -q -n: one lease or give up, jdmd
		   decides when to try again */
		const char *argv[] = {BUSYBOX, "udhcpc", "-f", "-q", "-n", "-B", "-t", "3", "-T", "2",
		                      "-i", IFACE, "-s", script, "-V", vendor, "-O", "43", "-O", "143",
		                      "-O", "150", "-O", "66", NULL};
		pid_t pid = jdm_proc_spawn(argv, log);
		free(vendor);
		if (pid < 0)
			rc = -1;
		else
			z->dhcp = pid;
	}
	free(script);
	free(lease);
	free(log);
	return rc;
}

/* udhcpc ended: read the lease, start the fetch thread. */
static void dhcp_done(struct jdm_ztp *z, int status)
{
	char *lp = jdm_xasprintf("%s/lease", z->dir);
	FILE *f = fopen(lp, "re");
	struct cfg_buf b = {0};
	if (f) {
		char buf[4096];
		size_t n;
		while ((n = fread(buf, 1, sizeof buf, f)) > 0 && b.len < 65536)
			cfg_buf_add(&b, buf, n);
		fclose(f);
	}
	free(lp);
	if (!b.len) {
		cfg_buf_free(&b);
		char why[128];
		snprintf(why, sizeof why, "no DHCP lease on %s (udhcpc status %d)", IFACE, status);
		failed(z, why);
		return;
	}
	int lrc = jdm_ztp_opt_lease(b.p, &z->offer);
	cfg_buf_free(&b);
	if (lrc < 0) {
		failed(z, "the DHCP lease has no address");
		return;
	}
	snprintf(z->address, sizeof z->address, "%s/%u", z->offer.ip, z->offer.mask);
	const char *addrs[] = {z->address};
	if (jdm_net_set_addrs(IFACE, addrs, 1) != 0)
		logz("cannot set %s on %s: %s", z->address, IFACE, cfg_err_msg());
	snprintf(z->server, sizeof z->server, "%s", z->offer.server);
	snprintf(z->mode, sizeof z->mode, "%s", z->offer.mode[0] ? z->offer.mode : "https");
	struct jdm_ztp_boot *j = &z->job;
	memset(j, 0, sizeof *j);
	j->n_urls = jdm_ztp_opt_urls(&z->offer, j->urls, JDM_ZTP_MAX_URLS);
	if (!j->n_urls) {
		char why[300];
		snprintf(why, sizeof why, "the DHCP server gave no bootstrap server (option 43 "
		         "sub-option 1 or option 143)%s%s", z->offer.error[0] ? ": " : "", z->offer.error);
		failed(z, why);
		return;
	}
	snprintf(z->url, sizeof z->url, "%s", j->urls[0]);
	const struct cfg_tree *active = cfg_daemon_active(z->d);
	j->allow_plain = ztp_flag(active, "allow-unsigned");
	if (strcmp(z->mode, "https") != 0 && !j->allow_plain) {
		char why[200];
		snprintf(why, sizeof why, "transfer mode %s is refused: it needs `system ztp "
		         "allow-unsigned`", z->mode);
		failed(z, why);
		return;
	}
	snprintf(j->sha256, sizeof j->sha256, "%s", z->offer.sha256);
	char ab[PATH_MAX];
	snprintf(j->anchor, sizeof j->anchor, "%s", anchor_path(z, ab, sizeof ab));
	snprintf(j->cert, sizeof j->cert, "%s/device.crt", z->dir);
	snprintf(j->key, sizeof j->key, "%s/device.key", z->dir);
	j->have_cert = access(j->cert, R_OK) == 0 && access(j->key, R_OK) == 0;
	snprintf(j->image_dir, sizeof j->image_dir, "%s", z->image_dir);
	j->schema = cfg_daemon_schema(z->d);
	j->cancel = &z->stop;
	atomic_store(&z->stop, false);
	memset(&z->res, 0, sizeof z->res);
	if (pthread_create(&z->th, NULL, fetch_main, z) != 0) {
		failed(z, "cannot start the transfer thread");
		return;
	}
	z->th_running = true;
	logz("lease %s from %s; fetching %s%s", z->address, z->offer.dhcp_server, z->url,
	     j->have_cert ? "" : " (no device certificate installed)");
	set_state(z, Z_FETCH, NULL);
}

static void commit_done(void *ctx, struct cfg_daemon *d, struct cfg_session *s, int rc,
                        struct cfg_buf *res)
{
	(void)d;
	(void)s;
	struct jdm_ztp *z = ctx;
	if (rc < 0) {
		char why[512];
		const char *t = res && res->p ? res->p : "";
		/* the commit's errors name statements and paths, not values */
		snprintf(why, sizeof why, "the commit failed: %.*s", (int)strcspn(t, "\n"), t);
		z->st = Z_WAITING;
		failed(z, why);
		return;
	}
	z->last_ok = true;
	z->have_last = true;
	char why[700];
	snprintf(why, sizeof why, "committed the configuration from %s", z->url);
	logz("%s (revision by user ztp)", why);
	set_state(z, Z_DONE, why);
}

static void fetch_done(struct jdm_ztp *z)
{
	pthread_join(z->th, NULL);
	z->th_running = false;
	struct jdm_ztp_got r = z->res.got;
	memset(&z->res, 0, sizeof z->res);
	snprintf(z->url, sizeof z->url, "%s", r.url);
	if (r.rc < 0) {
		cfg_tree_free(r.tree);
		failed(z, r.reason[0] ? r.reason : "the transfer failed");
		return;
	}
	snprintf(z->signer, sizeof z->signer, "%s", r.signer);
	/* last look: still factory default and nobody committing */
	if (!jdm_ztp_factory(cfg_daemon_active(z->d))) {
		cfg_tree_free(r.tree);
		return; /* the tick sees the configured box */
	}
	char *comment = jdm_xasprintf("ztp: %s", r.url);
	if (r.note[0])
		logz("%s: %s", r.url, r.note);
	set_state(z, Z_COMMIT, NULL);
	if (cfg_daemon_commit_start(z->d, NULL, NULL, r.tree, "ztp", "ztp", comment, -1, commit_done,
	                            z) < 0) {
		char why[300];
		snprintf(why, sizeof why, "cannot start the commit: %s", cfg_err_msg());
		cfg_tree_free(r.tree);
		z->st = Z_WAITING;
		failed(z, why);
	}
	free(comment);
}

void jdm_ztp_tick(void *ctx)
{
	struct jdm_ztp *z = ctx;
	if (z->st == Z_COMMIT)
		return; /* commit_done moves on */
	const struct cfg_tree *active = cfg_daemon_active(z->d);
	bool factory = jdm_ztp_factory(active);
	bool disabled = z->off || ztp_flag(active, "disable");
	if (!factory || disabled) {
		stop_dhcp(z);
		reap_thread(z);
		if (disabled)
			set_state(z, Z_DISABLED, z->off ? "NFX_ZTP=off" : "system ztp disable");
		else if (z->st != Z_DONE && z->st != Z_CONFIGURED) {
			if (z->st != Z_UNAVAILABLE)
				logz("the box is configured: zero touch provisioning stops");
			set_state(z, Z_CONFIGURED, "the box has a configuration: nothing to provision");
		}
		return;
	}
	time_t now = time(NULL);
	switch (z->st) {
	case Z_DISABLED:
	case Z_CONFIGURED:
	case Z_DONE:
		z->backoff = z->retry_s;
		z->next = now;
		set_state(z, Z_WAITING, "factory default: looking for a provisioning server");
		/* fall through */
	case Z_UNAVAILABLE:
	case Z_WAITING:
		if (now < z->next)
			return;
		if (!z->host_ok || if_nametoindex(IFACE) == 0) {
			z->next = now + z->retry_s;
			set_state(z, Z_UNAVAILABLE, !z->host_ok ? "jdmd does not run in a network "
			          "namespace of its own (ip netns): no DHCP here (NFX_ZTP=on allows it)" : "no " IFACE " interface");
			return;
		}
		z->attempts++;
		z->last = now;
		z->server[0] = z->url[0] = z->signer[0] = z->offer.image[0] = '\0';
		if (start_dhcp(z) < 0) {
			char why[300];
			snprintf(why, sizeof why, "cannot run the DHCP client: %s", cfg_err_msg());
			failed(z, why);
			return;
		}
		z->dhcp_started = now;
		set_state(z, Z_DHCP, NULL);
		return;
	case Z_DHCP: {
		int st = 0;
		pid_t w = waitpid(z->dhcp, &st, WNOHANG);
		if (w == z->dhcp) {
			z->dhcp = 0;
			dhcp_done(z, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		} else if (now - z->dhcp_started > DHCP_LIMIT) {
			stop_dhcp(z);
			failed(z, "the DHCP client did not finish in time");
		}
		return;
	}
	case Z_FETCH: {
		pthread_mutex_lock(&z->mu);
		bool done = z->res.done;
		pthread_mutex_unlock(&z->mu);
		if (done && !cfg_daemon_commit_busy(z->d))
			fetch_done(z);
		return;
	}
	case Z_COMMIT:
		return;
	}
}

int jdm_ztp_apply(void *ctx, const struct cfg_diff *diff, struct cfg_buf *out,
                  struct cfg_findings *fs)
{
	(void)ctx;
	(void)diff;
	(void)out;
	(void)fs;
	return 0; /* the tick follows the active configuration */
}

int jdm_ztp_converge(void *ctx, const struct cfg_tree *active, struct cfg_buf *out,
                     struct cfg_findings *fs)
{
	(void)ctx;
	(void)active;
	(void)out;
	(void)fs;
	return 0;
}

/* ---------------------------------------------------------- lifecycle */

struct jdm_ztp *jdm_ztp_new(struct cfg_daemon *d, const struct jdm_ztp_opts *o)
{
	struct jdm_ztp *z = calloc(1, sizeof *z);
	if (!z)
		abort();
	z->d = d;
	z->dir = jdm_xasprintf("%s/ztp", cfg_daemon_state_dir(d));
	z->anchor = o && o->anchor && *o->anchor ? xstrdup(o->anchor) : NULL;
	char *dirs = xstrdup(o && o->image_dir && *o->image_dir ? o->image_dir : DEFAULT_IMAGE_DIR);
	dirs[strcspn(dirs, ":")] = '\0'; /* the first image directory */
	z->image_dir = dirs;
	z->retry_s = o && o->retry_s ? o->retry_s : 30;
	z->backoff = z->retry_s;
	const char *mode = o && o->mode ? o->mode : "auto";
	z->off = !strcmp(mode, "off");
	z->host_ok = !strcmp(mode, "on") || nfx_netns_own();
	z->st = Z_CONFIGURED;
	if (!z->off && jdm_ztp_factory(cfg_daemon_active(d))) {
		z->st = Z_WAITING; /* the first tick starts the first attempt */
		snprintf(z->reason, sizeof z->reason, "factory default: looking for a provisioning server");
	}
	pthread_mutex_init(&z->mu, NULL);
	if (!z->off) { /* the device identity is made at first start */
		char serial[64];
		if (jdm_ztp_identity(z->dir, serial, sizeof serial) < 0)
			logz("no device identity: %s", cfg_err_msg());
	}
	cfg_daemon_register_ctx(d, "show_system_ztp", show_ztp, z);
	return z;
}

void jdm_ztp_free(struct jdm_ztp *z)
{
	if (!z)
		return;
	stop_dhcp(z);
	reap_thread(z);
	pthread_mutex_destroy(&z->mu);
	free(z->dir);
	free(z->anchor);
	free(z->image_dir);
	free(z);
}
