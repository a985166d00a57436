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
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cfg_cmd.h"
#include "cfg_err.h"
#include "cfg_notify.h"
#include "nfx_log.h"
#include "cfg_load.h"
#include "cfg_proto.h"
#include "cfg_render.h"
#include "cfg_session.h"
#include "nfx_loop.h"
#include "cfg_subsys.h"
#include "cfg_diff.h"

#define KV_CONFIRM "commit-confirmed-deadline"
#define TXQ_MAX (256u << 20) /* a client that stops reading is dropped */
#define TXQ_PAUSE (4u << 20) /* ... and is not read while this much waits */
/* The socket is open to every local user (logins need it), so what a
 * stranger can make the daemon hold is bounded: per uid and in total
 * (the daemon's owner and root are not counted: they own the box), at most
 * CFG_PROTO_HELLO_MAX per frame until HELLO, and HELLO within
 * HELLO_TIMEOUT_MS or the connection is closed. */
#define CONN_PER_UID 32
#define CONN_TOTAL 256
#define HELLO_TIMEOUT_MS 10000u

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
	uid_t uid;             /* the peer (SO_PEERCRED) */
	bool counted;          /* counts against CONN_PER_UID / CONN_TOTAL */
	bool hello;            /* HELLO was taken: full frame size, no idle timeout */
	unsigned idle_timer;   /* the HELLO deadline's timer, 0 = none */
	bool dead;
};

struct cfg_daemon {
	char *name, *state_dir, *sock_path, *pid_path, *db_path, *default_host; /* owned */
	struct cfg_schema *schema, *ops, *cfgmode;  /* owned */
	struct cfg_store *store;                     /* owned */
	struct cfg_tree *active;                     /* owned */
	struct cfg_tree *cand;                       /* owned, NULL until first use */
	struct cfg_hooks hooks;
	bool has_hooks, hooks_row, commit_check;
	struct cfg_subsys_reg *reg;                  /* owned: the subsystem rows */
	struct cfg_commit_text *text;                /* owned: the active text, by chunks */
	bool cand_clean;      /* the shared candidate has no changes of its own */
	time_t cand_changed;  /* when it last changed (`## Last changed:`) */
	/* commit jobs: one runs (its apply on a worker thread), the others wait */
	struct job *job, *queue, *queue_tail;
	int job_efd;          /* eventfd: the worker is done; -1 outside the loop */
	bool job_watched;
	cfg_daemon_tick_fn user_tick;
	void *user_tick_ctx;
	struct handler_ent *h;
	size_t nh;
	struct conn **conns;
	size_t nconn, capconn;
	struct cfg_session *lock;                    /* borrowed: a session in conns */
	time_t confirm_deadline;                     /* 0 = none */
	unsigned confirm_minutes;
	unsigned confirm_timer;                      /* loop timer id, 0 = none */
	int lfd;
	int spare_fd;                                /* /dev/null, given up to accept-and-close at EMFILE */
	unsigned long refused;                       /* connections refused (caps, fds) since the last log line */
	time_t refused_logged;
	bool listening, pidfile_written;
	uid_t owner;
	struct nfx_loop *loop;                       /* owned: fds, timers, signals */
	unsigned tick_timer;                         /* the periodic tick's timer id */
	unsigned tick_ms;                            /* its period, 0 = none */
	time_t started;
};

static void daemon_tick(void *ctx);
static void logmsg(const struct cfg_daemon *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The daemon's periodic tick (MS 0: none): daemon_tick runs the daemon's own
 * tick function and the rows' ticks. */
static void tick_arm(struct cfg_daemon *d, unsigned ms)
{
	nfx_loop_timer_cancel(d->loop, d->tick_timer);
	d->tick_timer = 0;
	d->tick_ms = ms;
	if (ms && !(d->tick_timer = nfx_loop_timer_add(d->loop, ms, true, daemon_tick, d)))
		logmsg(d, "cannot set the tick: %s", cfg_err_msg());
}

static void logmsg(const struct cfg_daemon *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logmsg(const struct cfg_daemon *d, const char *fmt, ...)
{
	(void)d; /* nfx_log_open() in cfg_daemon_new() named us */
	va_list ap;
	va_start(ap, fmt);
	nfx_logv(LOG_NOTICE, fmt, ap);
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
	d->user_tick = fn;
	d->user_tick_ctx = ctx;
	tick_arm(d, fn ? ms : 0);
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

/* The positions of the load errors in ERRS ("SOURCE:LINE:(COL) message"
 * lines) as "line L col C, ..." into OUT: what a log may say about a
 * revision that does not load (the messages quote the text). */
static void log_positions(struct cfg_buf *out, const char *errs)
{
	size_t k = 0;
	for (const char *p = errs; *p;) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);
		unsigned long line = 0, col = 0;
		const char *c = memchr(p, ':', l);
		if (c && sscanf(c, ":%lu:(%lu)", &line, &col) == 2) {
			if (k++ < 16)
				cfg_buf_printf(out, "%sline %lu col %lu", k > 1 ? ", " : "", line, col);
		}
		p += l;
		if (*p)
			p++;
	}
	if (k > 16)
		cfg_buf_printf(out, ", and %zu more", k - 16);
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
	if (bad > 0) {
		/* where, never what: a revision holds secrets, the log is no place for them */
		struct cfg_buf where;
		cfg_buf_init(&where);
		log_positions(&where, errs.p ? errs.p : "");
		logmsg(d, "revision %u: %ld lines do not load (at %s)", n, bad, where.p ? where.p : "?");
		cfg_buf_free(&where);
	}
	cfg_buf_free(&errs);
	return t;
}

/* Nobody but the owner lists or writes the state directory: group and
 * others lose read and write, and keep only the search bits they had (logins
 * pass through to the socket when jdm_ssh opened it so; with an ACL the group
 * bits are the mask, whose search bit lets QEMU's user reach its files). The
 * log (our stderr, when it is a file of ours) is 0600. */
static void private_modes(struct cfg_daemon *d)
{
	struct stat st;
	if (stat(d->state_dir, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
	    (st.st_mode & 066) != 0)
		chmod(d->state_dir, 0700 | (st.st_mode & 011));
	if (fstat(STDERR_FILENO, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
	    (st.st_mode & 077))
		fchmod(STDERR_FILENO, 0600);
}

/* The store holds every secret of every revision: 0600, its journal, WAL
 * and shared memory too (SQLite creates them with the database's mode). */
static void private_store(struct cfg_daemon *d)
{
	static const char *const ext[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < sizeof ext / sizeof *ext; i++) {
		char *p;
		if (asprintf(&p, "%s%s", d->db_path, ext[i]) < 0)
			abort();
		struct stat st;
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077))
			chmod(p, st.st_mode & 0600);
		free(p);
	}
}

/* Room for the descriptors of many clients: the soft limit up to the hard. */
static void raise_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rlim_t want = rl.rlim_max > 65536 ? 65536 : rl.rlim_max;
		if (want > rl.rlim_cur) {
			rl.rlim_cur = want;
			setrlimit(RLIMIT_NOFILE, &rl);
		}
	}
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
	d->job_efd = -1;
	d->spare_fd = -1;
	d->loop = nfx_loop_new();
	d->reg = cfg_subsys_reg_new();
	d->text = cfg_commit_text_new();
	if (!d->loop || !d->reg || !d->text) {
		nfx_loop_free(d->loop);
		cfg_subsys_reg_free(d->reg);
		cfg_commit_text_free(d->text);
		free(d);
		return NULL;
	}
	d->owner = geteuid();
	d->name = xstrdup(o->name);
	d->state_dir = xstrdup(o->state_dir);
	{
		char ident[64];
		snprintf(ident, sizeof ident, "%sd", o->name);
		nfx_log_open(ident, o->state_dir);
	}
	d->sock_path = o->socket_path ? xstrdup(o->socket_path) : path_join(o->state_dir, o->name, ".sock");
	d->pid_path = path_join(o->state_dir, o->name, ".pid");
	d->db_path = path_join(o->state_dir, o->name, ".db");
	d->default_host = o->default_host ? xstrdup(o->default_host) : NULL;
	d->commit_check = o->commit_says_check;

	if (mkdir(d->state_dir, 0700) < 0 && errno != EEXIST) {
		cfg_err_set("cannot create %s: %s", d->state_dir, strerror(errno));
		goto fail;
	}
	private_modes(d);
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
	private_store(d);
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

static void jobs_drain(struct cfg_daemon *d);

static void conn_free(struct conn *c)
{
	if (!c)
		return;
	if (c->idle_timer)
		nfx_loop_timer_cancel(c->d->loop, c->idle_timer);
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
	if (d->spare_fd >= 0)
		close(d->spare_fd);
	nfx_loop_free(d->loop); /* closes the signalfd */
	if (d->listening)
		unlink(d->sock_path);
	if (d->pidfile_written)
		unlink(d->pid_path);
	for (size_t i = 0; i < d->nh; i++)
		free(d->h[i].name);
	free(d->h);
	jobs_drain(d);
	if (d->job_efd >= 0)
		close(d->job_efd);
	cfg_subsys_reg_free(d->reg);
	cfg_commit_text_free(d->text);
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
	/* one row owning the whole tree, wrapping the hooks (which it reads
	   at each call, so a later set_hooks takes effect) */
	if (h && !d->hooks_row && cfg_commit_add_hooks(d->reg, &d->hooks) == 0)
		d->hooks_row = true;
}

struct cfg_subsys_reg *cfg_daemon_subsys(struct cfg_daemon *d) { return d->reg; }

int cfg_daemon_add_subsys(struct cfg_daemon *d, const struct cfg_subsys *row)
{
	return cfg_subsys_add(d->reg, row);
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
		d->cand_clean = true;
	}
	return d->cand;
}

void cfg_daemon_set_candidate(struct cfg_daemon *d, struct cfg_tree *t)
{
	if (t == d->cand && t)
		return;
	cfg_daemon_release_tree(d, d->cand);
	d->cand = t;
	d->cand_clean = false;
	d->cand_changed = time(NULL);
	if (!d->cand)
		(void)cfg_daemon_candidate(d);
}

void cfg_daemon_candidate_dirty(struct cfg_daemon *d)
{
	d->cand_clean = false;
	d->cand_changed = time(NULL);
}

time_t cfg_daemon_candidate_changed(struct cfg_daemon *d)
{
	return cfg_daemon_candidate_modified(d) ? d->cand_changed : 0;
}

bool cfg_daemon_candidate_clean(const struct cfg_daemon *d) { return !d->cand || d->cand_clean; }

bool cfg_daemon_candidate_modified(struct cfg_daemon *d)
{
	if (cfg_daemon_candidate_clean(d))
		return false;
	if (cfg_tree_equal(cfg_tree_root(d->cand), cfg_tree_root(d->active))) {
		d->cand_clean = true; /* the changes were undone */
		return false;
	}
	return true;
}

/* ------------------------------------------------------------ commit jobs
 *
 * A commit is a job: validation and the diff (cfg_commit_prepare) run on
 * the loop thread when the job's turn comes; the apply through the rows
 * runs on a worker thread; its end is posted on an eventfd the loop
 * watches; the store write and installing the new active tree run on the
 * loop again. One job at a time; the others wait in a queue. Without a
 * running loop (unit tests, tools) a job runs to its end at once. */

enum job_kind { JOB_COMMIT, JOB_CONVERGE };
enum job_phase { PH_APPLY, PH_UNDO, PH_CONVERGE };

struct job {
	enum job_kind kind;
	enum job_phase phase;
	struct cfg_session *s;           /* borrowed: the waiting session, NULL if none/gone */
	const struct cfg_tree *cand;     /* what is committed */
	struct cfg_tree *owned;          /* owned: CAND when the job holds it */
	char *user, *client, *comment;   /* owned */
	int confirm;                     /* <0 leave the commit-confirmed deadline, 0 cancel
	                                    it, >0 arm it for that many minutes */
	cfg_daemon_commit_fn done;
	void *done_ctx;
	struct cfg_commit_plan *plan;    /* owned */
	struct cfg_findings fs;
	struct cfg_buf out;              /* the rows' progress text */
	int rc;                          /* of the worker's phase */
	pthread_t th;
	bool has_thread;
	int efd;                         /* where the worker posts its end (-1: ran inline) */
	struct cfg_daemon *d;
	struct job *next;
};

static void job_free(struct job *j)
{
	if (!j)
		return;
	cfg_commit_plan_free(j->plan);
	cfg_tree_free(j->owned);
	free(j->user);
	free(j->client);
	free(j->comment);
	cfg_findings_free(&j->fs);
	cfg_buf_free(&j->out);
	free(j);
}

static bool job_reads(const struct job *j, const struct cfg_tree *t)
{
	return j && t && j->cand == t;
}

bool cfg_daemon_tree_busy(const struct cfg_daemon *d, const struct cfg_tree *t)
{
	if (!t)
		return false;
	if (job_reads(d->job, t))
		return true;
	for (const struct job *j = d->queue; j; j = j->next)
		if (job_reads(j, t))
			return true;
	return false;
}

bool cfg_daemon_commit_busy(const struct cfg_daemon *d) { return d->job || d->queue; }

/* A job other than EXCEPT that reads T and does not own it, or NULL. */
static struct job *job_reading(struct cfg_daemon *d, const struct cfg_tree *t, const struct job *except)
{
	if (d->job && d->job != except && job_reads(d->job, t) && !d->job->owned)
		return d->job;
	for (struct job *j = d->queue; j; j = j->next)
		if (j != except && job_reads(j, t) && !j->owned)
			return j;
	return NULL;
}

void cfg_daemon_release_tree(struct cfg_daemon *d, struct cfg_tree *t)
{
	if (!t)
		return;
	struct job *j = job_reading(d, t, NULL);
	if (j)
		j->owned = t; /* freed with the job */
	else
		cfg_tree_free(t);
}

void cfg_daemon_session_gone(struct cfg_daemon *d, struct cfg_session *s)
{
	if (d->job && d->job->s == s)
		d->job->s = NULL;
	for (struct job *j = d->queue; j; j = j->next)
		if (j->s == s)
			j->s = NULL;
	if (d->lock == s)
		d->lock = NULL;
}

/* Make CAND the active tree by patching the active one with FULL (the full
 * diff active -> CAND, taken and freed; NULL: computed here), not copying
 * the whole tree; the shared candidate follows when it had no changes of
 * its own. */
static void install_active(struct cfg_daemon *d, const struct cfg_tree *cand, struct cfg_diff *full)
{
	bool cand_clean = !d->cand || d->cand == cand || d->cand_clean ||
	                  cfg_tree_equal(cfg_tree_root(d->cand), cfg_tree_root(d->active));
	if (!full)
		full = cfg_diff_new(d->active, cand, CFG_DIFF_FULL);
	if (!full || cfg_diff_patch(d->active, full) < 0) {
		logmsg(d, "installing the active configuration by patch failed (%s); copying it",
		       cfg_err_msg());
		struct cfg_tree *n = cfg_tree_dup(cand);
		if (!n)
			abort();
		cfg_tree_free(d->active);
		d->active = n;
	}
	cfg_diff_free(full);
	if (d->cand == cand) {
		d->cand_clean = true;
	} else if (d->cand && cand_clean) {
		cfg_daemon_release_tree(d, d->cand);
		d->cand = NULL;
	}
}

/* The result lines of a commit as `commit` prints them before its own. */
static void job_render(struct cfg_daemon *d, struct job *j, int rc, struct cfg_buf *res)
{
	if (rc == 0) {
		if (j->fs.n)
			cfg_findings_render(res, &j->fs); /* warnings only */
		if (d->commit_check)
			cfg_buf_puts(res, "configuration check succeeds\n");
		if (j->out.len)
			cfg_buf_add(res, j->out.p, j->out.len);
		return;
	}
	if (j->out.len)
		cfg_buf_add(res, j->out.p, j->out.len);
	if (j->fs.n)
		cfg_findings_render(res, &j->fs);
	if (!cfg_findings_errors(&j->fs)) {
		const char *m = cfg_err_msg();
		cfg_buf_printf(res, "error: commit failed: (%s)\n", *m ? m : "unknown error");
	}
}

static void jobs_kick(struct cfg_daemon *d);

/* The job is over: tell whoever waits, then the next one. */
static void job_finish(struct cfg_daemon *d, struct job *j, int rc)
{
	if (d->job == j)
		d->job = NULL;
	if (j->kind == JOB_CONVERGE) {
		struct cfg_buf b;
		cfg_buf_init(&b);
		cfg_findings_render(&b, &j->fs);
		if (rc < 0)
			logmsg(d, "start: applying the active configuration failed:\n%s%s",
			       j->out.p ? j->out.p : "", b.p ? b.p : "");
		else if (j->out.len)
			logmsg(d, "start:\n%s", j->out.p);
		cfg_buf_free(&b);
	} else {
		struct cfg_buf res;
		cfg_buf_init(&res);
		job_render(d, j, rc, &res);
		/* free the plan (it borrows the trees) before anyone changes them */
		cfg_commit_plan_free(j->plan);
		j->plan = NULL;
		if (j->done)
			j->done(j->done_ctx, d, j->s, rc, &res);
		cfg_buf_free(&res);
	}
	if (j->owned) {
		/* another job may commit the same tree */
		struct job *o = job_reading(d, j->owned, j);
		if (o) {
			o->owned = j->owned;
			j->owned = NULL;
		}
	}
	job_free(j);
}

static void *job_thread(void *arg)
{
	struct job *j = arg;
	cfg_err_clear();
	switch (j->phase) {
	case PH_APPLY:
		j->rc = cfg_commit_apply(j->plan, &j->out, &j->fs);
		break;
	case PH_UNDO:
		j->rc = cfg_commit_undo(j->plan, &j->out, &j->fs);
		break;
	case PH_CONVERGE:
		j->rc = cfg_subsys_converge(j->d->reg, j->d->active, &j->out, &j->fs);
		break;
	}
	if (j->rc < 0 && *cfg_err_msg()) {
		/* cfg_err is per thread: keep the reason for the loop's messages */
		if (!cfg_findings_errors(&j->fs) && j->phase != PH_CONVERGE)
			cfg_findings_add_line(&j->fs, "%s", cfg_err_msg());
	}
	if (j->efd >= 0) {
		uint64_t one = 1;
		ssize_t w;
		do
			w = write(j->efd, &one, sizeof one);
		while (w < 0 && errno == EINTR);
	}
	return NULL;
}

/* Run J's current phase: on a worker when the loop runs, else here. */
static void job_run_phase(struct cfg_daemon *d, struct job *j, enum job_phase ph);

static void job_after_phase(struct cfg_daemon *d, struct job *j)
{
	if (j->phase == PH_CONVERGE) {
		job_finish(d, j, j->rc);
		return;
	}
	if (j->phase == PH_UNDO) {
		job_finish(d, j, -1);
		return;
	}
	if (j->rc < 0) {
		cfg_err_set("commit failed");
		job_finish(d, j, -1);
		return;
	}
	/* the revision is stored on the loop thread; its text re-renders only
	   the chunks the full diff (also what patches the active tree) touches */
	struct cfg_diff *full = cfg_commit_plan_take_full(j->plan);
	if (!full || cfg_diff_old(full) != d->active)
		cfg_diff_free(full), full = cfg_diff_new(d->active, j->cand, CFG_DIFF_FULL);
	const char *text = NULL;
	size_t len = 0;
	if (full && cfg_commit_text_build(d->text, j->cand, full, &text, &len) < 0)
		text = NULL;
	/* the commit-confirmed deadline is stored with the revision */
	char dl[32];
	time_t deadline = j->confirm > 0 ? time(NULL) + (time_t)j->confirm * 60 : 0;
	snprintf(dl, sizeof dl, "%lld", (long long)deadline);
	const char *kv[2] = {KV_CONFIRM, j->confirm > 0 ? dl : NULL};
	bool kv_write = j->confirm > 0 || (j->confirm == 0 && d->confirm_deadline);
	int rc = cfg_commit_store(j->plan, d->store, text, len, j->user, j->client, j->comment,
	                          kv_write ? kv : NULL, kv_write ? 1 : 0, &j->fs);
	cfg_commit_text_accept(d->text, rc == 0 && text);
	if (rc == 0 && j->confirm >= 0) {
		d->confirm_deadline = deadline;
		d->confirm_minutes = j->confirm > 0 ? (unsigned)j->confirm : 0;
		confirm_schedule(d); /* the loop's timer for the deadline */
	}
	if (rc < 0) {
		cfg_diff_free(full);
		if (cfg_commit_plan_applies(j->plan)) {
			job_run_phase(d, j, PH_UNDO);
			return;
		}
		job_finish(d, j, -1);
		return;
	}
	/* the plan borrows the active tree: gone before the patch */
	cfg_commit_plan_free(j->plan);
	j->plan = NULL;
	install_active(d, j->cand, full);
	/* ==== commit event (cfg_notify.h): the one place a completed commit is
	   published to subscribers ==== */
	cfg_notify_publish(d, cfg_notify_commit_event(cfg_daemon_active_seq(d), j->user, j->client,
	                                              j->comment, time(NULL)));
	/* ==== the commit in the log, as Junos writes it (nfx_log.h: syslog when
	   installed, the appliance's `system syslog` destinations) ==== */
	nfx_log(LOG_NOTICE | NFX_LOG_INTERACTIVE,
	        "UI_COMMIT: User '%s' requested 'commit' operation (comment: %s)",
	        j->user ? j->user : "root", j->comment && *j->comment ? j->comment : "none");
	/* ==== login classes: the new active configuration may have changed,
	   deactivated or deleted users' classes; every open session re-reads its
	   class now (cfg_session.h), right after the new tree is installed ==== */
	cfg_session_reclass_all(d);
	job_finish(d, j, 0);
}

/* Must phase PH of J run on the loop thread (a row not written for threads)? */
static bool phase_on_loop(const struct cfg_daemon *d, const struct job *j, enum job_phase ph)
{
	if (ph != PH_CONVERGE)
		return cfg_commit_plan_on_loop(j->plan);
	for (size_t i = 0; i < cfg_subsys_count(d->reg); i++)
		if (cfg_subsys_at(d->reg, i)->on_loop)
			return true;
	return false;
}

static void job_run_phase(struct cfg_daemon *d, struct job *j, enum job_phase ph)
{
	j->phase = ph;
	if (d->job_efd >= 0 && d->job_watched && !phase_on_loop(d, j, ph)) {
		j->efd = d->job_efd;
		int e = pthread_create(&j->th, NULL, job_thread, j);
		if (e == 0) {
			j->has_thread = true;
			return;
		}
		logmsg(d, "cannot start a commit thread: %s; applying on the loop", strerror(e));
	}
	j->efd = -1; /* an inline run: no wake-up */
	job_thread(j);
	job_after_phase(d, j);
}

/* Start the next job when none runs. */
static void jobs_kick(struct cfg_daemon *d)
{
	while (!d->job && d->queue) {
		struct job *j = d->queue;
		d->queue = j->next;
		if (!d->queue)
			d->queue_tail = NULL;
		j->next = NULL;
		d->job = j;
		if (j->kind == JOB_CONVERGE) {
			job_run_phase(d, j, PH_CONVERGE);
			continue;
		}
		cfg_err_clear();
		j->plan = cfg_commit_prepare(d->active, j->cand, d->reg, &j->fs);
		if (!j->plan) {
			job_finish(d, j, -1);
			continue;
		}
		if (!cfg_commit_plan_applies(j->plan)) {
			/* nothing to apply: no thread needed */
			j->phase = PH_APPLY;
			j->rc = 0;
			job_after_phase(d, j);
			continue;
		}
		job_run_phase(d, j, PH_APPLY);
	}
}

/* The worker posted: join it and continue the job on the loop. */
static void job_io(void *ctx, int fd, short revents)
{
	struct cfg_daemon *d = ctx;
	(void)revents;
	uint64_t v;
	while (read(fd, &v, sizeof v) == (ssize_t)sizeof v)
		;
	struct job *j = d->job;
	if (!j || !j->has_thread)
		return;
	pthread_join(j->th, NULL);
	j->has_thread = false;
	job_after_phase(d, j);
	jobs_kick(d);
}

static void job_enqueue(struct cfg_daemon *d, struct job *j)
{
	j->d = d;
	if (d->queue_tail)
		d->queue_tail->next = j;
	else
		d->queue = j;
	d->queue_tail = j;
	jobs_kick(d);
}

int cfg_daemon_commit_start(struct cfg_daemon *d, struct cfg_session *s, const struct cfg_tree *cand,
                            struct cfg_tree *owned, const char *user, const char *client,
                            const char *comment, int confirm, cfg_daemon_commit_fn done, void *ctx)
{
	if (!cand && !owned) {
		cfg_tree_free(owned);
		return cfg_err_set("commit: no candidate");
	}
	struct job *j = calloc(1, sizeof *j);
	if (!j) {
		cfg_tree_free(owned);
		return cfg_err_set("out of memory");
	}
	j->kind = JOB_COMMIT;
	j->s = s;
	j->cand = owned ? owned : cand;
	j->owned = owned;
	j->user = xstrdup(user);
	j->client = xstrdup(client);
	j->comment = comment ? xstrdup(comment) : NULL;
	j->confirm = confirm;
	j->done = done;
	j->done_ctx = ctx;
	cfg_buf_init(&j->out);
	job_enqueue(d, j);
	return 0;
}

/* Wait for the running job's worker and finish everything queued (exit). */
static void jobs_drain(struct cfg_daemon *d)
{
	if (d->job && d->job->has_thread) {
		pthread_join(d->job->th, NULL);
		d->job->has_thread = false;
		d->job_watched = false; /* what follows runs inline */
		job_after_phase(d, d->job);
	}
	d->job_watched = false;
	jobs_kick(d); /* inline now */
}

/* From the loop once per tick: the daemon's tick, then the rows' ticks.
 * While a worker applies, the daemon's tick waits, and so do the rows the
 * worker may be in (those the diff touches; all while converging). */
static void daemon_tick(void *ctx)
{
	struct cfg_daemon *d = ctx;
	const struct job *j = d->job && d->job->has_thread ? d->job : NULL;
	if (d->user_tick && !j)
		d->user_tick(d->user_tick_ctx);
	const struct cfg_diff *diff = j && j->phase != PH_CONVERGE ? cfg_commit_plan_diff(j->plan) : NULL;
	for (size_t i = 0; i < cfg_subsys_count(d->reg); i++) {
		const struct cfg_subsys *row = cfg_subsys_at(d->reg, i);
		if (!row->tick)
			continue;
		/* not while the worker may be inside this row */
		if (j && (j->phase == PH_CONVERGE || cfg_subsys_touched(row, diff, false)))
			continue;
		row->tick(row->ctx);
	}
}

/* Start the jobs machinery and converge to the active configuration as the
 * first job (the socket answers meanwhile; commits wait for it). */
static void jobs_start(struct cfg_daemon *d)
{
	if (d->job_efd < 0)
		d->job_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (d->job_efd >= 0 && cfg_daemon_watch(d, d->job_efd, POLLIN, job_io, d) == 0)
		d->job_watched = true;
	else
		logmsg(d, "eventfd: %s; commits apply on the loop", strerror(errno));
	bool rows_tick = false;
	for (size_t i = 0; i < cfg_subsys_count(d->reg); i++)
		rows_tick |= cfg_subsys_at(d->reg, i)->tick != NULL;
	if (rows_tick && !d->tick_ms)
		tick_arm(d, 1000);
	bool any = false;
	for (size_t i = 0; i < cfg_subsys_count(d->reg); i++) {
		const struct cfg_subsys *row = cfg_subsys_at(d->reg, i);
		any |= row->converge || row->apply;
	}
	if (!any)
		return;
	struct job *j = calloc(1, sizeof *j);
	if (!j)
		abort();
	j->kind = JOB_CONVERGE;
	cfg_buf_init(&j->out);
	job_enqueue(d, j);
}

/* The synchronous commit (no waiting session): its result lines. */
struct sync_res {
	struct cfg_buf *out;
	int rc;
	bool done;
};

static void sync_done(void *ctx, struct cfg_daemon *d, struct cfg_session *s, int rc,
                      struct cfg_buf *res)
{
	(void)d;
	(void)s;
	struct sync_res *r = ctx;
	if (res->len)
		cfg_buf_add(r->out, res->p, res->len);
	r->rc = rc;
	r->done = true;
}

int cfg_daemon_commit(struct cfg_daemon *d, const struct cfg_tree *cand, const char *user,
                      const char *client, const char *comment, struct cfg_buf *out)
{
	if (d->job || d->queue)
		return cfg_err_set("a commit is in progress");
	struct sync_res r = {.out = out, .rc = -1};
	bool watched = d->job_watched;
	d->job_watched = false; /* run inline */
	int rc = cfg_daemon_commit_start(d, NULL, cand, NULL, user, client, comment, -1, sync_done, &r);
	d->job_watched = watched;
	if (rc < 0)
		return -1;
	return r.done ? r.rc : -1;
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

void cfg_daemon_confirm_arm_secs(struct cfg_daemon *d, unsigned seconds)
{
	cfg_daemon_confirm_arm(d, seconds ? (seconds + 59) / 60 : 0);
	if (seconds) {
		d->confirm_deadline = time(NULL) + (time_t)seconds;
		confirm_schedule(d);
	}
}

long cfg_daemon_confirm_left(const struct cfg_daemon *d)
{
	if (!d->confirm_deadline)
		return -1;
	long left = (long)(d->confirm_deadline - time(NULL));
	return left < 0 ? 0 : left;
}

static void confirm_done(void *ctx, struct cfg_daemon *d, struct cfg_session *s, int rc,
                         struct cfg_buf *res)
{
	(void)ctx;
	(void)s;
	if (rc < 0)
		logmsg(d, "commit confirmed: automatic rollback failed:\n%s", res->p ? res->p : "");
	else {
		logmsg(d, "commit confirmed: not confirmed, rolled back to the previous configuration");
		cfg_session_broadcast(d, "Commit was not confirmed; automatic rollback complete.");
	}
}

/* The commit confirmed deadline passed: revision 1 becomes active again,
 * through the same job path as any commit. */
static void confirm_expired(struct cfg_daemon *d)
{
	cfg_daemon_confirm_arm(d, 0);
	struct cfg_tree *t = cfg_daemon_load_rev(d, 1);
	if (!t) {
		logmsg(d, "commit confirmed: cannot roll back: %s", cfg_err_msg());
		return;
	}
	if (cfg_daemon_commit_start(d, NULL, NULL, t, "root", "other", "automatic rollback", 0,
	                            confirm_done, NULL) < 0)
		logmsg(d, "commit confirmed: cannot roll back: %s", cfg_err_msg());
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
	if (d->spare_fd < 0)
		d->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return 0;
}

static void conn_io(void *ctx, int fd, short re);
static void reap(struct cfg_daemon *d);

/* What strangers make happen (refusals, connections dropped before HELLO)
 * goes in the log, but a flood of them does not flood it: at most a line
 * every 10 s, counting the others. */
static void log_refused(struct cfg_daemon *d, const char *why)
{
	time_t now = time(NULL);
	if (d->refused_logged && now - d->refused_logged < 10) {
		d->refused++; /* said in the next line */
		return;
	}
	if (d->refused)
		logmsg(d, "connection %s (and %lu more refused or dropped in the last %lds)", why,
		       d->refused, (long)(now - d->refused_logged));
	else
		logmsg(d, "connection %s", why);
	d->refused = 0;
	d->refused_logged = now;
}

/* Say why on FD (a fresh non-blocking socket: the frames fit its buffer,
 * and a peer that does not read loses them), then close it. */
static void refuse(int fd, const char *msg)
{
	(void)cfg_proto_send(fd, CFG_P_OUT, msg, strlen(msg));
	(void)cfg_proto_send(fd, CFG_P_DONE, "x", 1);
	close(fd);
}

/* The peer never said HELLO in time. */
static void conn_idle(void *ctx)
{
	struct conn *c = ctx;
	c->idle_timer = 0;
	if (c->hello || c->dead)
		return;
	char why[96];
	snprintf(why, sizeof why, "dropped: uid %u said no HELLO within %u s", (unsigned)c->uid,
	         HELLO_TIMEOUT_MS / 1000);
	log_refused(c->d, why);
	c->dead = true;
	reap(c->d); /* now: an idle peer brings no other event to reap it */
}

/* Whether uid may open one more connection; a message for the peer if not. */
static bool conn_allowed(struct cfg_daemon *d, uid_t uid, char *msg, size_t n)
{
	if (uid == 0 || uid == d->owner)
		return true;
	size_t per = 0, total = 0;
	for (size_t i = 0; i < d->nconn; i++) {
		if (d->conns[i]->dead || !d->conns[i]->counted)
			continue;
		total++;
		per += d->conns[i]->uid == uid;
	}
	if (per >= CONN_PER_UID) {
		snprintf(msg, n, "error: too many connections from uid %u (at most %d at a time); "
		         "close some sessions and try again\n", (unsigned)uid, CONN_PER_UID);
		return false;
	}
	if (total >= CONN_TOTAL) {
		snprintf(msg, n, "error: too many connections to %sd (at most %d at a time); "
		         "try again later\n", d->name, CONN_TOTAL);
		return false;
	}
	return true;
}

/* Out of file descriptors: take the waiting peer with the spare one and
 * close it, or the listening socket stays readable and the loop spins. */
static void accept_emfile(struct cfg_daemon *d)
{
	if (d->spare_fd < 0)
		return;
	close(d->spare_fd);
	d->spare_fd = -1;
	int fd = accept4(d->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd >= 0) {
		log_refused(d, "refused: out of file descriptors");
		refuse(fd, "error: the daemon is out of resources; try again later\n");
	}
	d->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static void accept_clients(struct cfg_daemon *d)
{
	for (int n = 0; n < 256; n++) { /* then let the loop serve the others */
		int fd = accept4(d->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE)
				accept_emfile(d);
			else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				logmsg(d, "accept: %s", strerror(errno));
			return;
		}
		struct ucred cr;
		socklen_t cl = sizeof cr;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &cl) < 0) {
			close(fd);
			continue;
		}
		char msg[200];
		if (!conn_allowed(d, cr.uid, msg, sizeof msg)) {
			char why[64];
			snprintf(why, sizeof why, "refused: uid %u over the connection limit", (unsigned)cr.uid);
			log_refused(d, why);
			refuse(fd, msg);
			continue;
		}
		struct conn *c = calloc(1, sizeof *c);
		if (!c) {
			close(fd);
			continue;
		}
		c->uid = cr.uid;
		c->counted = cr.uid != 0 && cr.uid != d->owner;
		c->rx.max = CFG_PROTO_HELLO_MAX;
		c->s = cfg_session_new(d, fd, cr.uid, cr.pid);
		if (!c->s) {
			free(c);
			close(fd);
			continue;
		}
		if (d->nconn == d->capconn) {
			size_t nc = d->capconn ? d->capconn * 2 : 16;
			struct conn **nv = realloc(d->conns, nc * sizeof *nv);
			if (!nv) {
				conn_free(c);
				continue;
			}
			d->conns = nv;
			d->capconn = nc;
		}
		c->d = d;
		if (nfx_loop_watch(d->loop, fd, POLLIN, conn_io, c) < 0) {
			logmsg(d, "accept: %s", cfg_err_msg());
			conn_free(c);
			continue;
		}
		c->idle_timer = nfx_loop_timer_add(d->loop, HELLO_TIMEOUT_MS, false, conn_idle, c);
		if (!c->idle_timer) {
			nfx_loop_unwatch(d->loop, fd);
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

/* C sent a malformed or oversized frame: drop it, and say so. */
static void conn_bad(struct cfg_daemon *d, struct conn *c)
{
	char why[200];
	snprintf(why, sizeof why, "dropped: client pid %ld (uid %u): malformed frame (%s)",
	         (long)cfg_session_pid(c->s), (unsigned)c->uid, cfg_err_msg());
	if (c->hello)
		logmsg(d, "%s", why + 9);
	else
		log_refused(d, why);
	c->dead = true;
}

/* A client that sends commands and does not read the answers stops being
 * read (its commands wait in the socket) while this much output is unsent:
 * its memory is what one command prints, not what a thousand do. Not
 * while it streams (a console: what it types ends the stream). */
static bool conn_paused(struct conn *c)
{
	return !cfg_session_streaming(c->s) && cfg_session_txq(c->s)->len - c->txoff > TXQ_PAUSE;
}

/* Run the whole frames received from C, while it is not paused. */
static void conn_frames(struct cfg_daemon *d, struct conn *c)
{
	while (!c->dead && !cfg_session_over(c->s) && !conn_paused(c)) {
		char type;
		char *payload = NULL;
		size_t len = 0;
		int r = cfg_proto_rx_next(&c->rx, &type, &payload, &len);
		if (r == 0)
			break;
		if (r < 0) {
			conn_bad(d, c);
			break;
		}
		int fr = cfg_session_frame(c->s, type, payload, len);
		free(payload);
		if (fr < 0) {
			c->dead = true;
			break;
		}
		if (!c->hello && type == CFG_P_HELLO) {
			/* a known user now (or over: refused at HELLO) */
			c->hello = true;
			c->rx.max = 0;
			nfx_loop_timer_cancel(d->loop, c->idle_timer);
			c->idle_timer = 0;
		}
	}
}

static void conn_read(struct cfg_daemon *d, struct conn *c)
{
	char buf[65536];
	int fd = cfg_session_fd(c->s);
	for (int rounds = 0; rounds < 16 && !conn_paused(c); rounds++) {
		/* before HELLO: no more than one frame of a stranger at a time */
		size_t want = sizeof buf;
		if (!c->hello)
			want = c->rx.len < CFG_PROTO_HELLO_MAX ? CFG_PROTO_HELLO_MAX + 5 - c->rx.len : 5;
		ssize_t n = recv(fd, buf, want, 0);
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
			conn_bad(d, c);
			break;
		}
		conn_frames(d, c);
		if (c->dead || cfg_session_over(c->s))
			break;
		if ((size_t)n < want)
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
		short ev = cfg_session_over(c->s) || conn_paused(c) ? 0 : POLLIN;
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
		else if (c->rx.len && !conn_paused(c))
			conn_frames(d, c); /* received while paused; output goes next turn */
	}
	reap(d);
}

int cfg_daemon_run(struct cfg_daemon *d)
{
	if (nfx_loop_stop_on_signals(d->loop) < 0)
		return -1;
	raise_nofile();
	if (write_pidfile(d) < 0)
		return -1;
	if (listen_socket(d) < 0)
		return -1;

	/* Converge the world to the active configuration: the first job. */
	jobs_start(d);
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
	jobs_drain(d);
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
