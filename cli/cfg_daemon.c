/* cfg_daemon — see cfg_daemon.h. */
#include "cfg_daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cfg_cmd.h"
#include "cfg_err.h"
#include "cfg_notify.h"
#include "cfg_load.h"
#include "cfg_proto.h"
#include "cfg_render.h"
#include "cfg_session.h"
#include "nfx_loop.h"

#define KV_CONFIRM "commit-confirmed-deadline"
#define TXQ_MAX (256u << 20) /* a client that stops reading is dropped */

struct handler_ent {
	char *name; /* owned */
	cfg_handler_fn fn;
	void *ctx;  /* borrowed: handed to FN in cfg_cmd.ctx */
};

/* One connection: the session plus the socket state around it. */
struct conn {
	struct cfg_daemon *d;  /* borrowed: the daemon it belongs to */
	struct cfg_session *s; /* owned */
	struct cfg_proto_rx rx;
	size_t txoff;          /* bytes of the session's txq already written */
	bool dead;
};

struct cfg_daemon {
	char *name, *state_dir, *sock_path, *pid_path, *db_path, *default_host; /* owned */
	struct cfg_schema *schema, *ops, *cfgmode;  /* owned */
	struct cfg_store *store;                     /* owned */
	struct cfg_tree *active;                     /* owned */
	struct cfg_tree *cand;                       /* owned, NULL until first use */
	struct cfg_hooks hooks;
	bool has_hooks, commit_check;
	struct handler_ent *h;
	size_t nh;
	struct conn **conns;
	size_t nconn, capconn;
	struct cfg_session *lock;                    /* borrowed: a session in conns */
	time_t confirm_deadline;                     /* 0 = none */
	unsigned confirm_minutes;
	unsigned confirm_timer;                      /* loop timer id, 0 = none */
	int lfd;
	bool listening, pidfile_written;
	uid_t owner;
	struct nfx_loop *loop;                       /* owned: fds, timers, signals */
	unsigned tick_timer;                         /* cfg_daemon_set_tick's timer id */
	time_t started;
};

static void logmsg(const struct cfg_daemon *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logmsg(const struct cfg_daemon *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%sd: ", d && d->name ? d->name : "cfg");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void confirm_schedule(struct cfg_daemon *d);

/* ------------------------------------------ fds and timers of the daemon */

int cfg_daemon_watch(struct cfg_daemon *d, int fd, short events, cfg_daemon_io_fn fn, void *ctx)
{
	return nfx_loop_watch(d->loop, fd, events, fn, ctx);
}

void cfg_daemon_unwatch(struct cfg_daemon *d, int fd) { nfx_loop_unwatch(d->loop, fd); }

void cfg_daemon_set_tick(struct cfg_daemon *d, unsigned ms, cfg_daemon_tick_fn fn, void *ctx)
{
	nfx_loop_timer_cancel(d->loop, d->tick_timer);
	d->tick_timer = 0;
	if (ms && fn && !(d->tick_timer = nfx_loop_timer_add(d->loop, ms, true, fn, ctx)))
		logmsg(d, "cannot set the tick: %s", cfg_err_msg());
}

unsigned cfg_daemon_timer_add(struct cfg_daemon *d, unsigned ms, bool periodic,
                              cfg_daemon_tick_fn fn, void *ctx)
{
	return nfx_loop_timer_add(d->loop, ms, periodic, fn, ctx);
}

void cfg_daemon_timer_cancel(struct cfg_daemon *d, unsigned id) { nfx_loop_timer_cancel(d->loop, id); }

struct nfx_loop *cfg_daemon_loop(const struct cfg_daemon *d) { return d->loop; }

const char *cfg_daemon_socket_path(const struct cfg_daemon *d) { return d->sock_path; }
time_t cfg_daemon_started(const struct cfg_daemon *d) { return d->started; }

int64_t cfg_daemon_active_seq(const struct cfg_daemon *d)
{
	struct cfg_rev_info info;
	return cfg_store_get(d->store, 0, NULL, NULL, &info) == 0 ? info.seq : 0;
}

static char *xstrdup(const char *s)
{
	char *r = strdup(s ? s : "");
	if (!r)
		abort();
	return r;
}

static char *path_join(const char *dir, const char *name, const char *ext)
{
	char *r;
	if (asprintf(&r, "%s/%s%s", dir, name, ext) < 0)
		abort();
	return r;
}

int cfg_daemon_parse_args(int argc, char **argv, struct cfg_daemon_opts *o)
{
	static const struct option lo[] = {
		{"state-dir", required_argument, NULL, 'd'},
		{"socket", required_argument, NULL, 's'},
		{"foreground", no_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:s:fh", lo, NULL)) != -1) {
		switch (c) {
		case 'd': o->state_dir = optarg; break;
		case 's': o->socket_path = optarg; break;
		case 'f': break; /* always in the foreground */
		default:
			fprintf(stderr, "usage: %s --state-dir DIR [--socket PATH] [--foreground]\n",
			        argv[0]);
			return -1;
		}
	}
	if (optind < argc || !o->state_dir) {
		fprintf(stderr, "usage: %s --state-dir DIR [--socket PATH] [--foreground]\n", argv[0]);
		return -1;
	}
	return 0;
}

struct cfg_tree *cfg_daemon_load_rev(struct cfg_daemon *d, unsigned n)
{
	char *text = NULL;
	size_t len = 0;
	int r = cfg_store_get(d->store, n, &text, &len, NULL);
	if (r < 0)
		return NULL;
	if (r == 1) {
		cfg_err_set("rollback %u: no such configuration revision", n);
		return NULL;
	}
	struct cfg_tree *t = cfg_tree_new(d->schema);
	if (!t) {
		free(text);
		cfg_err_set("out of memory");
		return NULL;
	}
	struct cfg_buf errs;
	cfg_buf_init(&errs);
	long bad = cfg_load_set(t, NULL, text, len, "revision", 0, &errs);
	free(text);
	if (bad < 0) {
		cfg_buf_free(&errs);
		cfg_tree_free(t);
		return NULL;
	}
	if (bad > 0)
		logmsg(d, "revision %u: %ld lines do not load:\n%s", n, bad, errs.p ? errs.p : "");
	cfg_buf_free(&errs);
	return t;
}

struct cfg_daemon *cfg_daemon_new(const struct cfg_daemon_opts *o)
{
	if (!o || !o->name || !o->state_dir || !o->schema_xml) {
		cfg_err_set("daemon: name, state directory and schema are required");
		return NULL;
	}
	struct cfg_daemon *d = calloc(1, sizeof *d);
	if (!d) {
		cfg_err_set("out of memory");
		return NULL;
	}
	d->started = time(NULL);
	d->lfd = -1;
	d->loop = nfx_loop_new();
	if (!d->loop) {
		free(d);
		return NULL;
	}
	d->owner = geteuid();
	d->name = xstrdup(o->name);
	d->state_dir = xstrdup(o->state_dir);
	d->sock_path = o->socket_path ? xstrdup(o->socket_path) : path_join(o->state_dir, o->name, ".sock");
	d->pid_path = path_join(o->state_dir, o->name, ".pid");
	d->db_path = path_join(o->state_dir, o->name, ".db");
	d->default_host = o->default_host ? xstrdup(o->default_host) : NULL;
	d->commit_check = o->commit_says_check;

	if (mkdir(d->state_dir, 0755) < 0 && errno != EEXIST) {
		cfg_err_set("cannot create %s: %s", d->state_dir, strerror(errno));
		goto fail;
	}
	d->schema = cfg_schema_load_mem(o->schema_xml, o->schema_len, o->name);
	if (!d->schema)
		goto fail;
	static const char empty[] = "<schema name=\"none\"></schema>";
	d->ops = o->ops_xml ? cfg_schema_load_mem(o->ops_xml, o->ops_len, "ops")
	                    : cfg_schema_load_mem(empty, sizeof empty - 1, "ops");
	if (!d->ops)
		goto fail;
	d->cfgmode = o->cfgmode_xml ? cfg_schema_load_mem(o->cfgmode_xml, o->cfgmode_len, "cfgmode")
	                            : cfg_schema_load_mem(empty, sizeof empty - 1, "cfgmode");
	if (!d->cfgmode)
		goto fail;
	d->store = cfg_store_open(d->db_path);
	if (!d->store)
		goto fail;
	d->active = cfg_daemon_load_rev(d, 0);
	if (!d->active) {
		char *text = NULL;
		size_t len;
		if (cfg_store_get(d->store, 0, &text, &len, NULL) != 1) {
			free(text);
			goto fail; /* a revision exists but does not load */
		}
		d->active = cfg_tree_new(d->schema);
		if (!d->active) {
			cfg_err_set("out of memory");
			goto fail;
		}
	}
	char *dl = NULL;
	if (cfg_store_kv_get(d->store, KV_CONFIRM, &dl) == 0 && dl) {
		d->confirm_deadline = (time_t)strtoll(dl, NULL, 10);
		free(dl);
		confirm_schedule(d); /* fires once the loop runs */
	}
	if (cfg_cmd_register_all(d) < 0)
		goto fail;
	return d;
fail:
	cfg_daemon_free(d);
	return NULL;
}

static void conn_free(struct conn *c)
{
	if (!c)
		return;
	int fd = cfg_session_fd(c->s);
	cfg_session_free(c->s);
	if (fd >= 0)
		close(fd);
	cfg_proto_rx_free(&c->rx);
	free(c);
}

void cfg_daemon_free(struct cfg_daemon *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nconn; i++)
		conn_free(d->conns[i]);
	free(d->conns);
	if (d->lfd >= 0)
		close(d->lfd);
	nfx_loop_free(d->loop); /* closes the signalfd */
	if (d->listening)
		unlink(d->sock_path);
	if (d->pidfile_written)
		unlink(d->pid_path);
	for (size_t i = 0; i < d->nh; i++)
		free(d->h[i].name);
	free(d->h);
	cfg_tree_free(d->cand);
	cfg_tree_free(d->active);
	cfg_store_close(d->store);
	cfg_schema_free(d->schema);
	cfg_schema_free(d->ops);
	cfg_schema_free(d->cfgmode);
	free(d->name);
	free(d->state_dir);
	free(d->sock_path);
	free(d->pid_path);
	free(d->db_path);
	free(d->default_host);
	free(d);
}

int cfg_daemon_register_ctx(struct cfg_daemon *d, const char *name, cfg_handler_fn fn, void *ctx)
{
	for (size_t i = 0; i < d->nh; i++)
		if (!strcmp(d->h[i].name, name)) {
			d->h[i].fn = fn;
			d->h[i].ctx = ctx;
			return 0;
		}
	struct handler_ent *n = realloc(d->h, (d->nh + 1) * sizeof *n);
	if (!n)
		return cfg_err_set("out of memory");
	d->h = n;
	d->h[d->nh] = (struct handler_ent){xstrdup(name), fn, ctx};
	d->nh++;
	return 0;
}

int cfg_daemon_register(struct cfg_daemon *d, const char *name, cfg_handler_fn fn)
{
	return cfg_daemon_register_ctx(d, name, fn, NULL);
}

cfg_handler_fn cfg_daemon_handler(const struct cfg_daemon *d, const char *name, void **ctx)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < d->nh; i++)
		if (!strcmp(d->h[i].name, name)) {
			if (ctx)
				*ctx = d->h[i].ctx;
			return d->h[i].fn;
		}
	return NULL;
}

void cfg_daemon_set_hooks(struct cfg_daemon *d, const struct cfg_hooks *h)
{
	if (h) {
		d->hooks = *h;
		d->has_hooks = true;
	} else {
		memset(&d->hooks, 0, sizeof d->hooks);
		d->has_hooks = false;
	}
}

const char *cfg_daemon_name(const struct cfg_daemon *d) { return d->name; }
const char *cfg_daemon_state_dir(const struct cfg_daemon *d) { return d->state_dir; }
const struct cfg_schema *cfg_daemon_schema(const struct cfg_daemon *d) { return d->schema; }
const struct cfg_schema *cfg_daemon_ops_schema(const struct cfg_daemon *d) { return d->ops; }
const struct cfg_schema *cfg_daemon_cfgmode_schema(const struct cfg_daemon *d) { return d->cfgmode; }
struct cfg_store *cfg_daemon_store(const struct cfg_daemon *d) { return d->store; }
const struct cfg_tree *cfg_daemon_active(const struct cfg_daemon *d) { return d->active; }
const struct cfg_hooks *cfg_daemon_hooks(const struct cfg_daemon *d) { return d->has_hooks ? &d->hooks : NULL; }
bool cfg_daemon_commit_says_check(const struct cfg_daemon *d) { return d->commit_check; }
unsigned cfg_daemon_owner_uid(const struct cfg_daemon *d) { return (unsigned)d->owner; }
struct cfg_session *cfg_daemon_lock_owner(const struct cfg_daemon *d) { return d->lock; }
void cfg_daemon_set_lock_owner(struct cfg_daemon *d, struct cfg_session *s) { d->lock = s; }
void cfg_daemon_stop(struct cfg_daemon *d) { nfx_loop_stop(d->loop); }

struct cfg_session *cfg_daemon_session_at(const struct cfg_daemon *d, size_t i)
{
	for (size_t k = 0; k < d->nconn; k++) {
		if (d->conns[k]->dead)
			continue;
		if (i-- == 0)
			return d->conns[k]->s;
	}
	return NULL;
}

const char *cfg_daemon_host(const struct cfg_daemon *d)
{
	/* a deactivated host-name (or system) counts as absent */
	const char *h = cfg_tree_value(d->active, NULL, "system host-name", CFG_AT_ACTIVE);
	return h && *h ? h : d->default_host;
}

struct cfg_tree *cfg_daemon_candidate(struct cfg_daemon *d)
{
	if (!d->cand) {
		d->cand = cfg_tree_dup(d->active);
		if (!d->cand)
			abort();
	}
	return d->cand;
}

void cfg_daemon_set_candidate(struct cfg_daemon *d, struct cfg_tree *t)
{
	if (t == d->cand && t)
		return;
	cfg_tree_free(d->cand);
	d->cand = t;
	if (!d->cand)
		(void)cfg_daemon_candidate(d);
}

/* Make CAND (a copy of it) the active tree; the shared candidate follows
 * when it had no changes of its own. */
static void install_active(struct cfg_daemon *d, const struct cfg_tree *cand)
{
	bool cand_clean = !d->cand || cfg_tree_equal(cfg_tree_root(d->cand), cfg_tree_root(d->active));
	struct cfg_tree *n = cfg_tree_dup(cand);
	if (!n)
		abort();
	cfg_tree_free(d->active);
	d->active = n;
	if (d->cand && d->cand != cand && cand_clean) {
		cfg_tree_free(d->cand);
		d->cand = NULL;
	}
}

int cfg_daemon_commit(struct cfg_daemon *d, const struct cfg_tree *cand, const char *user,
                      const char *client, const char *comment, struct cfg_buf *out)
{
	struct cfg_findings fs = {0};
	struct cfg_buf aout;
	cfg_buf_init(&aout);
	cfg_err_clear();
	int rc = cfg_commit(d->store, d->active, cand, cfg_daemon_hooks(d), user, client, comment,
	                    &aout, &fs);
	if (rc == 0) {
		if (fs.n)
			cfg_findings_render(out, &fs); /* warnings only */
		if (d->commit_check)
			cfg_buf_puts(out, "configuration check succeeds\n");
		if (aout.len)
			cfg_buf_add(out, aout.p, aout.len);
		install_active(d, cand);
		/* ==== commit event (cfg_notify.h, branch `reply`): the one place a
		   completed commit is published to subscribers; move it with the
		   end of the commit pipeline. ==== */
		cfg_notify_publish(d, cfg_notify_commit_event(cfg_daemon_active_seq(d), user, client,
		                                              comment, time(NULL)));
		/* ==== login classes (branch `perm`): the new active configuration
		   may have changed, deactivated or deleted users' classes; every open
		   session re-reads its class now (cfg_session.h). Keep this call
		   right after the new active tree is installed. ==== */
		cfg_session_reclass_all(d);
	} else {
		if (aout.len)
			cfg_buf_add(out, aout.p, aout.len);
		if (cfg_findings_errors(&fs) || fs.n)
			cfg_findings_render(out, &fs);
		if (!cfg_findings_errors(&fs)) {
			const char *m = cfg_err_msg();
			cfg_buf_printf(out, "error: commit failed: (%s)\n", *m ? m : "unknown error");
		}
	}
	cfg_findings_free(&fs);
	cfg_buf_free(&aout);
	return rc;
}

static void confirm_expired(struct cfg_daemon *d);

/* The commit confirmed deadline is a one-shot timer of the loop; it is
 * wall-clock time (it survives restarts), so the timer wakes at most hourly
 * and checks. */
static void confirm_fire(void *ctx)
{
	struct cfg_daemon *d = ctx;
	d->confirm_timer = 0;
	if (!d->confirm_deadline)
		return;
	if (time(NULL) >= d->confirm_deadline)
		confirm_expired(d);
	else
		confirm_schedule(d);
}

static void confirm_schedule(struct cfg_daemon *d)
{
	nfx_loop_timer_cancel(d->loop, d->confirm_timer);
	d->confirm_timer = 0;
	if (!d->confirm_deadline)
		return;
	time_t now = time(NULL);
	long left = d->confirm_deadline > now ? (long)(d->confirm_deadline - now) : 0;
	if (left > 3600)
		left = 3600;
	d->confirm_timer = nfx_loop_timer_add(d->loop, (unsigned)left * 1000u, false, confirm_fire, d);
	if (!d->confirm_timer)
		logmsg(d, "commit confirmed: cannot arm the deadline: %s", cfg_err_msg());
}

void cfg_daemon_confirm_arm(struct cfg_daemon *d, unsigned minutes)
{
	if (minutes) {
		d->confirm_deadline = time(NULL) + (time_t)minutes * 60;
		d->confirm_minutes = minutes;
		char v[32];
		snprintf(v, sizeof v, "%lld", (long long)d->confirm_deadline);
		if (cfg_store_kv_set(d->store, KV_CONFIRM, v) < 0)
			logmsg(d, "cannot persist the commit confirmed deadline: %s", cfg_err_msg());
	} else if (d->confirm_deadline) {
		d->confirm_deadline = 0;
		if (cfg_store_kv_set(d->store, KV_CONFIRM, NULL) < 0)
			logmsg(d, "cannot clear the commit confirmed deadline: %s", cfg_err_msg());
	}
	confirm_schedule(d);
}

long cfg_daemon_confirm_left(const struct cfg_daemon *d)
{
	if (!d->confirm_deadline)
		return -1;
	long left = (long)(d->confirm_deadline - time(NULL));
	return left < 0 ? 0 : left;
}

/* The commit confirmed deadline passed: revision 1 becomes active again. */
static void confirm_expired(struct cfg_daemon *d)
{
	cfg_daemon_confirm_arm(d, 0);
	struct cfg_tree *t = cfg_daemon_load_rev(d, 1);
	if (!t) {
		logmsg(d, "commit confirmed: cannot roll back: %s", cfg_err_msg());
		return;
	}
	struct cfg_buf out;
	cfg_buf_init(&out);
	if (cfg_daemon_commit(d, t, "root", "other", "automatic rollback", &out) < 0)
		logmsg(d, "commit confirmed: automatic rollback failed:\n%s", out.p ? out.p : "");
	else
		logmsg(d, "commit confirmed: not confirmed, rolled back to the previous configuration");
	cfg_buf_free(&out);
	cfg_tree_free(t);
}

/* ------------------------------------------------------------ event loop */

static int write_pidfile(struct cfg_daemon *d)
{
	FILE *f = fopen(d->pid_path, "r");
	if (f) {
		long pid = 0;
		if (fscanf(f, "%ld", &pid) == 1 && pid > 0 && pid != (long)getpid() &&
		    kill((pid_t)pid, 0) == 0) {
			fclose(f);
			return cfg_err_set("%sd already running (pid %ld, %s)", d->name, pid, d->pid_path);
		}
		fclose(f);
	}
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", d->pid_path);
	f = fopen(tmp, "w");
	if (!f)
		return cfg_err_set("cannot write %s: %s", tmp, strerror(errno));
	fprintf(f, "%ld\n", (long)getpid());
	if (fclose(f) != 0 || rename(tmp, d->pid_path) < 0) {
		unlink(tmp);
		return cfg_err_set("cannot write %s: %s", d->pid_path, strerror(errno));
	}
	d->pidfile_written = true;
	return 0;
}

static int listen_socket(struct cfg_daemon *d)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(d->sock_path) >= sizeof sa.sun_path)
		return cfg_err_set("socket path too long: %s", d->sock_path);
	strcpy(sa.sun_path, d->sock_path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return cfg_err_set("socket: %s", strerror(errno));
	unlink(d->sock_path); /* stale: the pid file check said nobody runs */
	mode_t old = umask(0);
	int r = bind(fd, (struct sockaddr *)&sa, sizeof sa);
	umask(old);
	if (r < 0) {
		int e = errno;
		close(fd);
		return cfg_err_set("cannot bind %s: %s", d->sock_path, strerror(e));
	}
	d->listening = true;
	chmod(d->sock_path, 0666); /* local users connect; identity via SO_PEERCRED */
	if (listen(fd, 64) < 0) {
		int e = errno;
		close(fd);
		return cfg_err_set("listen: %s", strerror(e));
	}
	d->lfd = fd;
	return 0;
}

static void conn_io(void *ctx, int fd, short re);

static void accept_clients(struct cfg_daemon *d)
{
	for (;;) {
		int fd = accept4(d->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				logmsg(d, "accept: %s", strerror(errno));
			return;
		}
		struct ucred cr;
		socklen_t cl = sizeof cr;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &cl) < 0) {
			close(fd);
			continue;
		}
		struct conn *c = calloc(1, sizeof *c);
		if (!c) {
			close(fd);
			continue;
		}
		c->s = cfg_session_new(d, fd, cr.uid, cr.pid);
		if (!c->s) {
			free(c);
			close(fd);
			continue;
		}
		if (d->nconn == d->capconn) {
			size_t nc = d->capconn ? d->capconn * 2 : 16;
			struct conn **n = realloc(d->conns, nc * sizeof *n);
			if (!n) {
				conn_free(c);
				continue;
			}
			d->conns = n;
			d->capconn = nc;
		}
		c->d = d;
		if (nfx_loop_watch(d->loop, fd, POLLIN, conn_io, c) < 0) {
			logmsg(d, "accept: %s", cfg_err_msg());
			conn_free(c);
			continue;
		}
		d->conns[d->nconn++] = c;
	}
}

static void on_listen(void *ctx, int fd, short re)
{
	(void)fd;
	if (re & POLLIN)
		accept_clients(ctx);
}

/* Write what is queued. Returns -1 when the peer is gone. */
static int conn_flush(struct conn *c)
{
	struct cfg_buf *q = cfg_session_txq(c->s);
	int fd = cfg_session_fd(c->s);
	while (c->txoff < q->len) {
		ssize_t n = send(fd, q->p + c->txoff, q->len - c->txoff, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return -1;
		}
		c->txoff += (size_t)n;
	}
	if (c->txoff == q->len) {
		cfg_buf_reset(q);
		c->txoff = 0;
	} else if (q->len - c->txoff > TXQ_MAX) {
		return -1;
	}
	return 0;
}

static void conn_read(struct cfg_daemon *d, struct conn *c)
{
	char buf[65536];
	int fd = cfg_session_fd(c->s);
	for (int rounds = 0; rounds < 16; rounds++) {
		ssize_t n = recv(fd, buf, sizeof buf, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				c->dead = true;
			break;
		}
		if (n == 0) {
			c->dead = true;
			break;
		}
		if (cfg_proto_rx_feed(&c->rx, buf, (size_t)n) < 0) {
			c->dead = true;
			break;
		}
		for (;;) {
			char type;
			char *payload = NULL;
			size_t len = 0;
			int r = cfg_proto_rx_next(&c->rx, &type, &payload, &len);
			if (r == 0)
				break;
			if (r < 0) {
				logmsg(d, "client pid %ld: malformed frame, disconnected",
				       (long)cfg_session_pid(c->s));
				c->dead = true;
				break;
			}
			int fr = cfg_session_frame(c->s, type, payload, len);
			free(payload);
			if (fr < 0) {
				c->dead = true;
				break;
			}
			if (cfg_session_over(c->s))
				break;
		}
		if (c->dead || cfg_session_over(c->s))
			break;
		if ((size_t)n < sizeof buf)
			break;
	}
}

static void reap(struct cfg_daemon *d)
{
	size_t j = 0;
	for (size_t i = 0; i < d->nconn; i++) {
		struct conn *c = d->conns[i];
		if (c->dead) {
			if (d->lock == c->s)
				d->lock = NULL;
			nfx_loop_unwatch(d->loop, cfg_session_fd(c->s));
			conn_free(c);
		} else {
			d->conns[j++] = c;
		}
	}
	d->nconn = j;
}

/* A client's socket is ready. */
static void conn_io(void *ctx, int fd, short re)
{
	(void)fd;
	struct conn *c = ctx;
	if (c->dead)
		return;
	if (re & (POLLERR | POLLNVAL))
		c->dead = true;
	if (!c->dead && (re & (POLLIN | POLLHUP)) && !cfg_session_over(c->s))
		conn_read(c->d, c);
	else if (!c->dead && (re & POLLHUP) && cfg_session_over(c->s))
		c->dead = true;
}

/* Before each poll: read while a session takes commands, write while its
 * queue holds output. */
static void before_turn(void *ctx)
{
	struct cfg_daemon *d = ctx;
	for (size_t i = 0; i < d->nconn; i++) {
		struct conn *c = d->conns[i];
		short ev = cfg_session_over(c->s) ? 0 : POLLIN;
		if (cfg_session_txq(c->s)->len > c->txoff)
			ev |= POLLOUT;
		nfx_loop_set_events(d->loop, cfg_session_fd(c->s), ev);
	}
}

/* After the callbacks: flush everything queued (commands of one client,
 * and the daemon's own callbacks, may produce output for others, e.g. a
 * commit confirmed rollback or a VNF console), drop the dead. */
static void after_turn(void *ctx)
{
	struct cfg_daemon *d = ctx;
	for (size_t i = 0; i < d->nconn; i++) {
		struct conn *c = d->conns[i];
		if (c->dead)
			continue;
		if (conn_flush(c) < 0)
			c->dead = true;
		else if (cfg_session_over(c->s) && cfg_session_txq(c->s)->len == 0)
			c->dead = true;
	}
	reap(d);
}

int cfg_daemon_run(struct cfg_daemon *d)
{
	if (nfx_loop_stop_on_signals(d->loop) < 0)
		return -1;
	if (write_pidfile(d) < 0)
		return -1;
	if (listen_socket(d) < 0)
		return -1;

	/* Converge the world to the active configuration (idempotent apply). */
	if (d->has_hooks && d->hooks.apply) {
		struct cfg_tree *empty = cfg_tree_new(d->schema);
		struct cfg_tree *eff = cfg_commit_effective(d->active);
		struct cfg_findings fs = {0};
		struct cfg_buf out;
		cfg_buf_init(&out);
		if (empty && eff && d->hooks.apply(d->hooks.ctx, empty, eff, &out, &fs) < 0) {
			cfg_buf_reset(&out);
			cfg_findings_render(&out, &fs);
			logmsg(d, "start: applying the active configuration failed:\n%s",
			       out.p ? out.p : "");
		} else if (out.len) {
			logmsg(d, "start:\n%s", out.p);
		}
		cfg_findings_free(&fs);
		cfg_buf_free(&out);
		cfg_tree_free(empty);
		cfg_tree_free(eff);
	}
	logmsg(d, "listening on %s", d->sock_path);

	if (nfx_loop_watch(d->loop, d->lfd, POLLIN, on_listen, d) < 0)
		return -1;
	nfx_loop_set_hooks(d->loop, before_turn, after_turn, d);
	while (!nfx_loop_stopping(d->loop))
		if (nfx_loop_run_once(d->loop, -1) < 0) {
			logmsg(d, "%s", cfg_err_msg());
			break;
		}
	nfx_loop_set_hooks(d->loop, NULL, NULL, NULL);
	nfx_loop_unwatch(d->loop, d->lfd);
	logmsg(d, "exiting");
	for (size_t i = 0; i < d->nconn; i++) {
		nfx_loop_unwatch(d->loop, cfg_session_fd(d->conns[i]->s));
		conn_free(d->conns[i]);
	}
	d->nconn = 0;
	d->lock = NULL;
	if (d->listening) {
		unlink(d->sock_path);
		d->listening = false;
	}
	if (d->pidfile_written) {
		unlink(d->pid_path);
		d->pidfile_written = false;
	}
	return 0;
}
