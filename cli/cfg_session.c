/* cfg_session — see cfg_session.h. */
#include "cfg_session.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg_cmd.h"
#include "cfg_err.h"
#include "cfg_parse.h"
#include "cfg_pipe.h"
#include "cfg_proto.h"
#include "cfg_render.h"
#include "cfg_store.h"

#define HIST_MAX 1000

struct hist {
	char *line; /* owned */
	time_t when;
};

struct cfg_session {
	struct cfg_daemon *d; /* borrowed */
	int fd;
	uid_t uid;
	pid_t pid;
	unsigned id;
	char user[64];
	enum cfg_class cls;
	cfg_perms perms;      /* of cls */
	bool reclass_pending; /* a commit changed classes while this session ran a command */
	time_t since;
	bool hello, over, tty;
	unsigned cols;
	long screen_length, screen_width; /* `set cli screen-length|width N`; -1: not set */
	char client[16];
	struct cfg_buf txq;

	bool config;
	enum cfg_cand_mode cmode;
	struct cfg_tree *priv; /* owned: private candidate */
	struct cfg_tree *priv_base_tree; /* owned: the active config priv started from */
	int64_t priv_base;

	struct cfg_step *edit; /* owned, values owned */
	size_t nedit;
	size_t edit_prev[64];  /* depths the `edit` commands started from */
	size_t nprev;

	cfg_ask_fn ask;
	void *ask_ctx;
	void (*ask_free)(void *);
	unsigned ask_flags;

	struct hist *hist;
	size_t nhist;
	bool end_after;
	char prompt[256];

	/* the command being run: its output buffer (borrowed, NULL between
	 * commands), so a stream sends it before 'S' */
	struct cfg_buf *cur_out;
	/* stream (cfg_session_stream_begin) */
	bool streaming;   /* 'S' sent, 'D' not yet */
	bool stream_cmd;  /* the running command began a stream: its 'D' is the stream's */
	bool query;       /* running a 'Q' frame: display xml as the bare reply */
	const struct cfg_session_stream_ops *st_ops; /* borrowed; NULL once end() runs */
	void *st_ctx;     /* borrowed */
	/* events ('W' frame, cfg_notify): NULL = none, "" = all, else the
	   event names separated by single spaces. Owned. */
	char *subs;
	/* waiting for a daemon job (a commit): frames received meanwhile are
	 * held (type, 4-byte length, payload) and run when it ends */
	bool waiting;
	struct cfg_buf held;
	size_t held_off;
	/* the line being run (borrowed, NULL between lines), and `| compare
	   FILE`: the file's text while the line runs again with it */
	const char *cur_line;
	const char *cmp_text;
	size_t cmp_len;
	/* paging (the cli pages): `set cli screen-length N` (0 = off), and
	   the running command's `| no-more` / `| hold` */
	bool nomore, hold;
};

static unsigned next_id;

/* ---------------------------------------------------------------- frames */

static void put_frame(struct cfg_session *s, char type, const void *data, size_t len)
{
	unsigned char h[5];
	h[0] = (unsigned char)type;
	h[1] = (unsigned char)(len >> 24);
	h[2] = (unsigned char)(len >> 16);
	h[3] = (unsigned char)(len >> 8);
	h[4] = (unsigned char)len;
	cfg_buf_add(&s->txq, (const char *)h, 5);
	if (len)
		cfg_buf_add(&s->txq, data, len);
}

static void put_out(struct cfg_session *s, struct cfg_buf *out)
{
	if (out->len)
		put_frame(s, CFG_P_OUT, out->p, out->len);
	cfg_buf_reset(out);
}

static void clear_edit(struct cfg_session *s)
{
	for (size_t i = 0; i < s->nedit; i++)
		free((char *)s->edit[i].value);
	free(s->edit);
	s->edit = NULL;
	s->nedit = 0;
}

static void build_prompt(struct cfg_session *s)
{
	const char *host = cfg_daemon_host(s->d);
	snprintf(s->prompt, sizeof s->prompt, "%s%s%s%c ", s->user, host && *host ? "@" : "",
	         host && *host ? host : "", s->config ? '#' : '>');
}

/* DONE: status, pre-prompt text, NUL, prompt. LEAD: the blank line before
 * the banner. */
static void put_done(struct cfg_session *s, char status, bool lead)
{
	struct cfg_buf b;
	cfg_buf_init(&b);
	cfg_buf_putc(&b, status);
	if (status != 'x') {
		if (lead)
			cfg_buf_putc(&b, '\n');
		/* a pending commit confirmed, before every prompt of every
		   session, as Junos prints it */
		long left = cfg_daemon_confirm_left(s->d);
		if (left >= 0)
			cfg_buf_printf(&b, "# commit confirmed will be rolled back in %ld minutes\n",
			               (left + 59) / 60);
		cfg_buf_puts(&b, "{master:0}");
		if (s->config)
			cfg_session_render_edit(s, &b);
		cfg_buf_putc(&b, '\n');
		build_prompt(s);
		cfg_buf_add(&b, "", 1);
		cfg_buf_puts(&b, s->prompt);
	}
	put_frame(s, CFG_P_DONE, b.p, b.len);
	cfg_buf_free(&b);
	if (status == 'x')
		s->over = true;
}

/* ------------------------------------------------------------ lifecycle */

static enum cfg_class lookup_class(struct cfg_session *s)
{
	if (s->uid == 0 || s->uid == (uid_t)cfg_daemon_owner_uid(s->d))
		return CFG_CLASS_SUPER;
	int svc = cfg_daemon_service_class(s->d, (unsigned)s->uid);
	if (svc >= 0) /* a helper of the daemon (the SNMP subagent) */
		return (enum cfg_class)svc;
	/* a deactivated user (or login, or system) counts as absent */
	const char *words[] = {"system", "login", "user", s->user, "class", NULL};
	const struct cfg_node *n = cfg_tree_atv(cfg_daemon_active(s->d), NULL, words, CFG_AT_ACTIVE);
	if (!n || !n->value)
		return CFG_CLASS_NONE;
	return cfg_perm_class_lookup(n->value);
}

static void set_class(struct cfg_session *s, enum cfg_class c)
{
	s->cls = c;
	s->perms = cfg_perm_class(c);
}

struct cfg_session *cfg_session_new(struct cfg_daemon *d, int fd, uid_t uid, pid_t pid)
{
	struct cfg_session *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->d = d;
	s->fd = fd;
	s->uid = uid;
	s->pid = pid;
	s->id = next_id++;
	s->since = time(NULL);
	s->cols = 80;
	s->screen_length = s->screen_width = -1;
	strcpy(s->client, "cli");
	cfg_buf_init(&s->txq);
	struct passwd pw, *res = NULL;
	char buf[4096];
	if (uid == 0)
		strcpy(s->user, "root");
	else if (getpwuid_r(uid, &pw, buf, sizeof buf, &res) == 0 && res)
		snprintf(s->user, sizeof s->user, "%s", res->pw_name);
	else
		snprintf(s->user, sizeof s->user, "uid%u", (unsigned)uid);
	set_class(s, lookup_class(s));
	build_prompt(s);
	return s;
}

static void drop_ask(struct cfg_session *s)
{
	if (s->ask_free && s->ask_ctx)
		s->ask_free(s->ask_ctx);
	s->ask = NULL;
	s->ask_ctx = NULL;
	s->ask_free = NULL;
}

void cfg_session_free(struct cfg_session *s)
{
	if (!s)
		return;
	if (s->streaming) {
		/* client gone: the stream's owner lets go (stream calls are no-ops now) */
		const struct cfg_session_stream_ops *ops = s->st_ops;
		void *ctx = s->st_ctx;
		s->streaming = false;
		s->st_ops = NULL;
		s->st_ctx = NULL;
		if (ops && ops->end)
			ops->end(ctx);
	}
	drop_ask(s);
	cfg_daemon_session_gone(s->d, s); /* a job no longer waits for us */
	if (s->config)
		cfg_session_leave_config(s);
	if (cfg_daemon_lock_owner(s->d) == s)
		cfg_daemon_set_lock_owner(s->d, NULL);
	cfg_daemon_release_tree(s->d, s->priv);
	cfg_buf_free(&s->held);
	clear_edit(s);
	for (size_t i = 0; i < s->nhist; i++)
		free(s->hist[i].line);
	free(s->hist);
	free(s->subs);
	cfg_buf_free(&s->txq);
	free(s);
}

struct cfg_buf *cfg_session_txq(struct cfg_session *s) { return &s->txq; }
bool cfg_session_over(const struct cfg_session *s) { return s->over; }
int cfg_session_fd(const struct cfg_session *s) { return s->fd; }
const char *cfg_session_user(const struct cfg_session *s) { return s->user; }
enum cfg_class cfg_session_class(const struct cfg_session *s) { return s->cls; }
cfg_perms cfg_session_perms(const struct cfg_session *s) { return s->perms; }

bool cfg_session_has_perm(const struct cfg_session *s, const char *name)
{
	cfg_perms b;
	if (cfg_perm_lookup(name, &b) < 0)
		return false;
	return (s->perms & b) == b;
}
pid_t cfg_session_pid(const struct cfg_session *s) { return s->pid; }
uid_t cfg_session_uid(const struct cfg_session *s) { return s->uid; }
/* Secret values are shown to classes with the `secret` permission (the
 * class table of cfg_perm), to nobody else. */
bool cfg_session_may_see_secrets(const struct cfg_session *s)
{
	return s && cfg_session_has_perm(s, "secret");
}
unsigned cfg_session_id(const struct cfg_session *s) { return s->id; }
time_t cfg_session_since(const struct cfg_session *s) { return s->since; }
const char *cfg_session_client(const struct cfg_session *s) { return s->client; }
bool cfg_session_tty(const struct cfg_session *s) { return s->tty; }
unsigned cfg_session_cols(const struct cfg_session *s) { return s->cols; }
bool cfg_session_in_config(const struct cfg_session *s) { return s->config; }
enum cfg_cand_mode cfg_session_cand_mode(const struct cfg_session *s) { return s->cmode; }
int64_t cfg_session_priv_base(const struct cfg_session *s) { return s->priv_base; }
size_t cfg_session_prompt_len(const struct cfg_session *s) { return strlen(s->prompt); }
void cfg_session_end(struct cfg_session *s) { s->end_after = true; }

const char *cfg_session_fmt_time(time_t t, char *buf, size_t n)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%d %H:%M:%S UTC", &tm);
	return buf;
}

void cfg_session_describe(const struct cfg_session *s, struct cfg_buf *b)
{
	char tb[64];
	cfg_buf_printf(b, "  %s terminal p%u (pid %ld) on since %s\n", s->user, s->id, (long)s->pid,
	               cfg_session_fmt_time(s->since, tb, sizeof tb));
}

/* ------------------------------------------------------------ candidates */


int cfg_session_enter_config(struct cfg_session *s, enum cfg_cand_mode mode)
{
	if (mode == CFG_CAND_PRIVATE) {
		struct cfg_tree *t = cfg_tree_dup(cfg_daemon_active(s->d));
		if (!t)
			return cfg_err_set("out of memory");
		cfg_daemon_release_tree(s->d, s->priv);
		s->priv = t;
		cfg_tree_free(s->priv_base_tree);
		s->priv_base_tree = cfg_tree_dup(t);
		s->priv_base = cfg_daemon_active_seq(s->d);
	} else if (mode == CFG_CAND_EXCLUSIVE) {
		cfg_daemon_set_lock_owner(s->d, s);
	}
	s->cmode = mode;
	s->config = true;
	clear_edit(s);
	return 0;
}

void cfg_session_private_rebase(struct cfg_session *s)
{
	if (s->cmode != CFG_CAND_PRIVATE)
		return;
	struct cfg_tree *t = cfg_tree_dup(cfg_daemon_active(s->d));
	if (!t)
		abort();
	cfg_daemon_release_tree(s->d, s->priv);
	s->priv = t;
	cfg_tree_free(s->priv_base_tree);
	s->priv_base_tree = cfg_tree_dup(t);
	s->priv_base = cfg_daemon_active_seq(s->d);
}

void cfg_session_private_base_now(struct cfg_session *s)
{
	if (s->cmode != CFG_CAND_PRIVATE)
		return;
	struct cfg_tree *b = cfg_tree_dup(cfg_daemon_active(s->d));
	if (!b)
		abort();
	cfg_tree_free(s->priv_base_tree);
	s->priv_base_tree = b;
	s->priv_base = cfg_daemon_active_seq(s->d);
}

const struct cfg_tree *cfg_session_priv_base_tree(const struct cfg_session *s)
{
	return s->priv_base_tree;
}

void cfg_session_leave_config(struct cfg_session *s)
{
	if (s->cmode == CFG_CAND_EXCLUSIVE && cfg_daemon_lock_owner(s->d) == s) {
		/* uncommitted changes are discarded on exit */
		cfg_daemon_set_candidate(s->d, NULL);
		cfg_daemon_set_lock_owner(s->d, NULL);
	}
	cfg_daemon_release_tree(s->d, s->priv);
	s->priv = NULL;
	cfg_tree_free(s->priv_base_tree);
	s->priv_base_tree = NULL;
	s->cmode = CFG_CAND_SHARED;
	s->config = false;
	s->nprev = 0;
	clear_edit(s);
}

struct cfg_tree *cfg_session_cand(struct cfg_session *s)
{
	if (s->cmode == CFG_CAND_PRIVATE && s->priv)
		return s->priv;
	return cfg_daemon_candidate(s->d);
}

/* The lock check of a change (and of a commit). */
static bool lock_ok(struct cfg_session *s, struct cfg_buf *out)
{
	struct cfg_session *o = cfg_daemon_lock_owner(s->d);
	if (s->cmode != CFG_CAND_PRIVATE && o && o != s) {
		cfg_buf_puts(out, "error: configuration database locked by:\n");
		cfg_session_describe(o, out);
		cfg_buf_puts(out, "      exclusive ");
		cfg_session_render_edit(o, out);
		cfg_buf_putc(out, '\n');
		return false;
	}
	return true;
}

struct cfg_tree *cfg_session_cand_rw(struct cfg_session *s, struct cfg_buf *out)
{
	if (!lock_ok(s, out))
		return NULL;
	struct cfg_tree *t = cfg_session_cand(s);
	if (cfg_daemon_tree_busy(s->d, t)) {
		/* a commit job reads this candidate: it may not change meanwhile */
		cfg_buf_puts(out, "error: configuration database modification in progress: "
		                  "a commit of this candidate is running; try again when it completes\n");
		return NULL;
	}
	if (s->cmode != CFG_CAND_PRIVATE)
		cfg_daemon_candidate_dirty(s->d);
	return t;
}

struct cfg_tree *cfg_session_cand_commit(struct cfg_session *s, struct cfg_buf *out)
{
	if (!lock_ok(s, out))
		return NULL;
	return cfg_session_cand(s);
}

void cfg_session_set_cand(struct cfg_session *s, struct cfg_tree *t)
{
	if (s->cmode == CFG_CAND_PRIVATE) {
		if (t != s->priv) {
			cfg_daemon_release_tree(s->d, s->priv);
			s->priv = t;
		}
	} else {
		cfg_daemon_set_candidate(s->d, t);
	}
}

bool cfg_session_cand_changed(struct cfg_session *s)
{
	if (s->cmode != CFG_CAND_PRIVATE)
		return cfg_daemon_candidate_modified(s->d);
	return !cfg_tree_equal(cfg_tree_root(cfg_session_cand(s)),
	                       cfg_tree_root(cfg_daemon_active(s->d)));
}

/* ------------------------------------------------------------- edit path */

const struct cfg_step *cfg_session_edit(const struct cfg_session *s, size_t *n)
{
	*n = s->nedit;
	return s->edit;
}

void cfg_session_edit_push(struct cfg_session *s, size_t depth)
{
	size_t max = sizeof s->edit_prev / sizeof *s->edit_prev;
	if (s->nprev == max) { /* the oldest is forgotten */
		memmove(s->edit_prev, s->edit_prev + 1, (max - 1) * sizeof *s->edit_prev);
		s->nprev--;
	}
	s->edit_prev[s->nprev++] = depth;
}

bool cfg_session_edit_pop(struct cfg_session *s, size_t *depth)
{
	if (!s->nprev)
		return false;
	*depth = s->edit_prev[--s->nprev];
	return true;
}

void cfg_session_edit_forget(struct cfg_session *s) { s->nprev = 0; }

int cfg_session_set_edit(struct cfg_session *s, const struct cfg_step *path, size_t n)
{
	struct cfg_step *e = NULL;
	if (n) {
		e = calloc(n, sizeof *e);
		if (!e)
			return cfg_err_set("out of memory");
		for (size_t i = 0; i < n; i++) {
			e[i].schema = path[i].schema;
			e[i].value = path[i].value ? strdup(path[i].value) : NULL;
		}
	}
	clear_edit(s);
	s->edit = e;
	s->nedit = n;
	return 0;
}

const struct cfg_schema *cfg_session_edit_schema(const struct cfg_session *s)
{
	return s->nedit ? s->edit[s->nedit - 1].schema : cfg_daemon_schema(s->d);
}

struct cfg_node *cfg_session_edit_node(const struct cfg_session *s, const struct cfg_tree *t)
{
	if (!s->nedit)
		return cfg_tree_root(t);
	return cfg_tree_find(t, NULL, s->edit, s->nedit);
}

void cfg_session_render_edit(const struct cfg_session *s, struct cfg_buf *b)
{
	cfg_buf_puts(b, "[edit");
	for (size_t i = 0; i < s->nedit; i++) {
		const struct cfg_schema *sc = s->edit[i].schema;
		if (!(sc->flags & CFG_F_POSITIONAL)) {
			cfg_buf_putc(b, ' ');
			cfg_buf_puts(b, sc->name);
		}
		if (s->edit[i].value) {
			cfg_buf_putc(b, ' ');
			cfg_quote(b, s->edit[i].value);
		}
	}
	cfg_buf_putc(b, ']');
}

/* --------------------------------------------------------------- history */

static void add_history(struct cfg_session *s, const char *line)
{
	if (s->nhist == HIST_MAX) {
		free(s->hist[0].line);
		memmove(s->hist, s->hist + 1, (HIST_MAX - 1) * sizeof *s->hist);
		s->nhist--;
	}
	struct hist *n = realloc(s->hist, (s->nhist + 1) * sizeof *n);
	if (!n)
		return;
	s->hist = n;
	s->hist[s->nhist].line = strdup(line);
	s->hist[s->nhist].when = time(NULL);
	if (s->hist[s->nhist].line)
		s->nhist++;
}

const char *cfg_session_history(const struct cfg_session *s, size_t i, time_t *when)
{
	if (i >= s->nhist)
		return NULL;
	if (when)
		*when = s->hist[i].when;
	return s->hist[i].line;
}

/* --------------------------------------------------------------- errors */

static void caret(struct cfg_session *s, struct cfg_buf *out, size_t col)
{
	cfg_buf_indent(out, (unsigned)(strlen(s->prompt) + col));
	cfg_buf_puts(out, "^\n");
}

static char kind_char(const struct cfg_schema *c)
{
	if (!c)
		return ' ';
	if (c->kind == CFG_CONTAINER || c->kind == CFG_LIST)
		return (c->kind == CFG_CONTAINER && c->handler && !c->n_children) ? ' ' : '>';
	if (c->kind == CFG_LEAFLIST)
		return '+';
	return ' ';
}

/* The schema node whose children the word at K is (for `>`/`+` marks). */
static const struct cfg_schema *level_at(const struct cfg_schema *start, const struct cfg_words *w,
                                         size_t first, size_t k, enum cfg_pmode mode)
{
	if (k <= first)
		return start;
	struct cfg_parse p = {0};
	const struct cfg_schema *r = NULL;
	if (cfg_parse_path(start, w, first, k, mode == CFG_PM_SET ? CFG_PM_SET_PREFIX : mode, &p) == 0) {
		if (!p.n) {
			r = start;
		} else {
			const struct cfg_step *st = &p.steps[p.n - 1];
			if (st->schema->kind == CFG_CONTAINER ||
			    (st->schema->kind == CFG_LIST && st->value))
				r = st->schema;
			/* after a leaf of a set line come its siblings */
			if (mode == CFG_PM_SET && !p.want &&
			    (st->schema->kind == CFG_LEAF || st->schema->kind == CFG_LEAFLIST))
				r = p.ctx;
			/* in command trees a MULTI container keeps parsing after arguments */
			if (mode == CFG_PM_COMMAND && !r) {
				for (size_t i = p.n; i-- > 0;)
					if (p.steps[i].schema->kind == CFG_CONTAINER) {
						r = p.steps[i].schema;
						break;
					}
			}
		}
	}
	cfg_parse_free(&p);
	return r;
}

/* The command-tree node whose children the word at K is, for the
 * permission filter: as level_at(), but the words before K may be an
 * incomplete command (`request virtual-network-functions x`). */
static const struct cfg_schema *cmd_level(const struct cfg_schema *start, const struct cfg_words *w,
                                          size_t first, size_t k)
{
	if (k <= first)
		return start;
	struct cfg_parse p = {0};
	const struct cfg_schema *r = NULL;
	if (cfg_parse_path(start, w, first, k, CFG_PM_COMMAND, &p) == 0 || p.err == CFG_PE_MISSING ||
	    p.err == CFG_PE_INCOMPLETE) {
		if (!p.n)
			r = start;
		for (size_t i = p.n; !r && i-- > 0;) {
			const struct cfg_step *st = &p.steps[i];
			if (st->schema->kind == CFG_CONTAINER || (st->schema->kind == CFG_LIST && st->value))
				r = st->schema;
		}
	}
	cfg_parse_free(&p);
	return r;
}

/* Drop from CS the keywords of level LVL the session's class may not use
 * (cfg_perm.h): commands it can neither run nor reach, configuration it may
 * not see (or, EDIT, change). Values and list keys stay. */
static void filter_compls(const struct cfg_session *s, struct cfg_compls *cs,
                          const struct cfg_schema *lvl, enum cfg_pmode mode, bool edit)
{
	if (!lvl || s->perms == cfg_perm_all())
		return;
	size_t j = 0;
	for (size_t i = 0; i < cs->n; i++) {
		struct cfg_compl *c = &cs->c[i];
		const struct cfg_schema *ch = c->value ? NULL : cfg_schema_child(lvl, c->word);
		bool keep = !ch || (mode == CFG_PM_COMMAND ? cfg_perm_may_reach(s->perms, ch)
		                    : edit ? cfg_perm_may_edit(s->perms, ch)
		                           : cfg_perm_may_view(s->perms, ch));
		if (keep) {
			cs->c[j++] = *c;
		} else {
			free(c->word);
			free(c->help);
		}
	}
	cs->n = j;
}

static void render_compls(struct cfg_buf *out, const struct cfg_compls *cs, const struct cfg_schema *lvl,
                          enum cfg_pmode mode)
{
	if (mode == CFG_PM_COMMAND)
		lvl = NULL; /* commands have no `>` marks */
	for (size_t i = 0; i < cs->n; i++) {
		const struct cfg_compl *c = &cs->c[i];
		char k = ' ';
		if (!c->value && lvl) {
			const struct cfg_schema *ch = cfg_schema_child(lvl, c->word);
			k = kind_char(ch);
		}
		cfg_cmd_help_line(out, k, c->word, c->help ? c->help : "");
	}
}

void cfg_session_parse_error(struct cfg_session *s, struct cfg_buf *out, const struct cfg_words *w,
                             const struct cfg_parse *p, const struct cfg_schema *start,
                             const struct cfg_tree *tree, const struct cfg_node *at, size_t first,
                             enum cfg_pmode mode)
{
	caret(s, out, p->err_col);
	const char *msg = p->msg[0] ? p->msg : "syntax error.";
	if (p->err == CFG_PE_AMBIGUOUS && strncmp(msg, "error:", 6))
		cfg_buf_puts(out, "error: ");
	cfg_buf_puts(out, msg);
	cfg_buf_putc(out, '\n');
	if (p->err == CFG_PE_AMBIGUOUS && p->err_word < w->n) {
		struct cfg_compls cs = {0};
		struct cfg_words w2 = *w;
		w2.n = p->err_word + 1;
		w2.trailing_space = false;
		if (w2.pipe > w2.n)
			w2.pipe = w2.n;
		const struct cfg_schema *lvl = level_at(start, &w2, first, p->err_word, mode);
		if (cfg_complete(start, tree, at, &w2, first, p->err_word + 1, mode, &cs) == 0)
			filter_compls(s, &cs, mode == CFG_PM_COMMAND ? cmd_level(start, &w2, first, p->err_word) : lvl,
			              mode, false);
		if (cs.n) {
			cfg_buf_puts(out, "Possible completions:\n");
			render_compls(out, &cs, lvl, mode);
		}
		cfg_compls_free(&cs);
	}
}

/* ------------------------------------------------------------ dispatch */

/* End of the command words: before the first `|`. */
static size_t cmd_end(const struct cfg_words *w)
{
	size_t e = w->pipe <= w->n ? w->pipe : w->n;
	if (e > 0 && !w->w[e - 1].quoted && !strcmp(w->w[e - 1].s, "|"))
		e--;
	return e;
}

/* `| save FILE` (cfg_pipe_save_fn): the pipe's text goes to the client. */
static int pipe_save(void *ctx, const char *name, const char *text, size_t len)
{
	return cfg_session_save(ctx, NULL, false, name, text, len);
}

int cfg_session_apply_pipes(struct cfg_session *s, const struct cfg_words *w, struct cfg_buf *out)
{
	return cfg_pipe_apply(w, w->pipe, w->n, out, pipe_save, s, cfg_session_screen_length(s));
}

static int dispatch(struct cfg_session *s, const struct cfg_words *w, size_t first,
                    const struct cfg_schema *tree, struct cfg_buf *out)
{
	size_t end = cmd_end(w);
	if (first >= end) {
		if (first < w->n || (w->pipe < w->n && first == 0)) {
			caret(s, out, first < w->n ? w->w[first].col : 0);
			cfg_buf_puts(out, "syntax error.\n");
			return -1;
		}
		return 0;
	}
	struct cfg_parse p = {0};
	if (cfg_parse_path(tree, w, first, end, CFG_PM_COMMAND, &p) < 0) {
		if (p.err == CFG_PE_SYNTAX && p.err_word == first) {
			/* Junos: an unknown command word is "unknown command." */
			caret(s, out, w->w[first].col);
			cfg_buf_puts(out, "unknown command.\n");
			cfg_parse_free(&p);
			return -1;
		}
		cfg_session_parse_error(s, out, w, &p, tree, NULL, NULL, first, CFG_PM_COMMAND);
		cfg_parse_free(&p);
		return -1;
	}
	const struct cfg_schema *cmd = NULL;
	for (size_t i = 0; i < p.n; i++)
		if (p.steps[i].schema->handler)
			cmd = p.steps[i].schema;
	if (!cmd) {
		const struct cfg_word *lw = &w->w[end - 1];
		caret(s, out, lw->col + strlen(lw->s) + (lw->quoted ? 2 : 0) + 1);
		cfg_buf_puts(out, "syntax error, expecting <command>.\n");
		cfg_parse_free(&p);
		return -1;
	}
	/* the permission the schema names for the command (cfg_perm.h):
	   default deny, the class is read after every commit */
	if (!cfg_perm_may_run(s->perms, cmd)) {
		cfg_buf_puts(out, "error: permission denied\n");
		cfg_parse_free(&p);
		return -1;
	}
	struct cfg_cmd c = {
		.s = s, .d = s->d, .w = w, .first = first, .end = end, .p = &p, .cmd = cmd,
		.out = out, .handler = cmd->handler,
	};
	/* `run` and `top <command>` hand the pipes to the command they run */
	bool nested = !strcmp(cmd->handler, "run") || !strcmp(cmd->handler, "top");
	if (!nested && w->pipe < w->n && (cmd->flags & CFG_F_NOPIPE)) {
		/* a change prints nothing to filter: `set a b | match x` is refused */
		caret(s, out, w->w[w->pipe - 1].col);
		cfg_buf_puts(out, "syntax error.\n");
		cfg_parse_free(&p);
		return -1;
	}
	if (!nested && (w->pipe < w->n || end < w->n)) {
		c.has_pipe = true;
		c.disp.compare_rollback = -1;
		size_t bad = w->pipe;
		if (cfg_pipe_parse_at(w, w->pipe, w->n, &c.disp, &bad) < 0) {
			const char *m = cfg_err_msg();
			if (!strncmp(m, "syntax error", 12) || !strncmp(m, "missing argument", 16) ||
			    strstr(m, "is ambiguous."))
				caret(s, out, bad < w->n ? w->w[bad].col
				                         : w->w[w->n - 1].end + 1);
			cfg_buf_printf(out, "%s%s\n", strncmp(m, "error", 5) && strncmp(m, "syntax", 6) ? "error: " : "",
			               *m ? m : "syntax error.");
			cfg_parse_free(&p);
			return -1;
		}
	}
	/* `| display xml` is wrapped in <rpc-reply> with the banner line, as
	   Junos's CLI shows it; a 'Q' answer is the reply alone */
	struct cfg_buf banner;
	cfg_buf_init(&banner);
	cfg_buf_puts(&banner, "{master:0}");
	if (s->config)
		cfg_session_render_edit(s, &banner);
	c.disp.banner = banner.p;
	c.disp.bare = s->query;
	if (!nested && c.has_pipe) {
		s->nomore = s->nomore || c.disp.nomore;
		s->hold = s->hold || c.disp.hold;
	}
	if (!nested && c.has_pipe) {
		/* a display the command's output cannot honour is an error, not
		   ignored: xml/json need a reply (schema `reply`), set and compare
		   a configuration (reply="configuration") */
		bool conf = cmd->reply && !strcmp(cmd->reply, "configuration");
		const char *bad = (c.disp.xml || c.disp.json) && !cmd->reply ? (c.disp.xml ? "display xml" : "display json")
		                : c.disp.set && !conf ? "display set"
		                : c.disp.compare && !conf ? "compare" : NULL;
		if (bad) {
			cfg_buf_printf(out, "error: '| %s' is not supported by this command\n", bad);
			cfg_parse_free(&p);
			cfg_buf_free(&banner);
			return -1;
		}
	}
	cfg_handler_fn fn = cfg_daemon_handler(s->d, cmd->handler, &c.ctx);
	if (!fn) {
		cfg_buf_puts(out, "error: command is not available in this release\n");
		cfg_parse_free(&p);
		cfg_buf_free(&banner);
		return -1;
	}
	size_t before = out->len;
	cfg_err_clear();
	int rc = fn(&c);
	if (rc < 0 && out->len == before) {
		const char *m = cfg_err_msg();
		cfg_buf_printf(out, "error: %s\n", *m ? m : "command failed");
	}
	if (rc == 0 && c.has_pipe) {
		if (cfg_session_apply_pipes(s, w, out) < 0) {
			const char *m = cfg_err_msg();
			out->len = before; /* the command's output is not shown */
			if (out->p)
				out->p[before] = 0;
			cfg_buf_printf(out, "error: %s\n", *m ? m : "pipe failed");
			rc = -1;
		}
	}
	cfg_parse_free(&p);
	cfg_buf_free(&banner);
	return rc;
}

int cfg_session_dispatch(struct cfg_session *s, const struct cfg_words *w, size_t first,
                         const struct cfg_schema *tree, struct cfg_buf *out)
{
	return dispatch(s, w, first, tree, out);
}

static bool apply_reclass(struct cfg_session *s);

static void finish(struct cfg_session *s, struct cfg_buf *out, int rc)
{
	if (s->reclass_pending && !s->stream_cmd) {
		/* a commit of this command changed the user's own class: the
		   command's output first, then what that means */
		put_out(s, out);
		if (apply_reclass(s))
			return;
	}
	if (s->stream_cmd) {
		/* The command became a stream: the stream's end sends the 'D'
		 * (a handler's 0 counts as CFG_CMD_PENDING, -1 ends the stream). */
		s->stream_cmd = false;
		if (!s->streaming) {
			cfg_buf_reset(out); /* the 'D' went out already */
			return;
		}
		put_out(s, out);
		if (rc < 0)
			cfg_session_stream_finish(s, -1, NULL);
		return;
	}
	unsigned page = cfg_session_page_length(s);
	if (page && !s->nomore && out->len) {
		/* the cli pages this output (cfg_proto.h 'P') */
		char pg[32];
		int l = snprintf(pg, sizeof pg, "%u%s", page, s->hold ? "\nhold" : "");
		put_frame(s, CFG_P_PAGE, pg, (size_t)l);
	}
	put_out(s, out);
	if (rc == CFG_CMD_PENDING)
		return;
	if (s->end_after) {
		put_done(s, 'x', true);
		return;
	}
	put_done(s, rc < 0 ? '1' : '0', true);
}

static void exec_line(struct cfg_session *s, const char *line)
{
	struct cfg_buf out;
	cfg_buf_init(&out);
	drop_ask(s);
	struct cfg_words w = {0};
	size_t errcol = 0;
	int rc;
	if (*line)
		add_history(s, line);
	s->cur_out = &out;
	s->cur_line = line;
	s->nomore = s->hold = false;
	if (cfg_lex(line, &w, &errcol) < 0) {
		caret(s, &out, errcol);
		const char *m = cfg_err_msg();
		cfg_buf_printf(&out, "%s\n", *m ? m : "syntax error.");
		rc = -1;
	} else if (w.n == 0) {
		rc = 0;
	} else {
		rc = dispatch(s, &w, 0, s->config ? cfg_daemon_cfgmode_schema(s->d)
		                                  : cfg_daemon_ops_schema(s->d), &out);
	}
	cfg_words_free(&w);
	s->cur_out = NULL;
	s->cur_line = NULL;
	finish(s, &out, rc);
	cfg_buf_free(&out);
}

/* ---------------------------------------------------- `| compare FILE` */

struct cmp_ctx {
	char *line, *file; /* owned */
};

static void cmp_ctx_free(void *p)
{
	struct cmp_ctx *x = p;
	if (x) {
		free(x->line);
		free(x->file);
	}
	free(x);
}

/* The cli's answer: the file as the user read it; the line runs again
 * with it (its other pipes included). */
static int compare_answer(struct cfg_session *s, void *ctx, const char *in, size_t len, bool eof,
                          struct cfg_buf *out)
{
	struct cmp_ctx *x = ctx;
	if (eof) {
		int n = len > 200 ? 200 : (int)len;
		return cfg_err_set("could not open file: %s: %.*s", x->file, n, len ? in : "cannot be read");
	}
	struct cfg_words w = {0};
	size_t errcol;
	int rc = -1;
	if (cfg_lex(x->line, &w, &errcol) == 0) {
		s->cmp_text = in;
		s->cmp_len = len;
		rc = dispatch(s, &w, 0, s->config ? cfg_daemon_cfgmode_schema(s->d) : cfg_daemon_ops_schema(s->d),
		              out);
		s->cmp_text = NULL;
		s->cmp_len = 0;
	}
	cfg_words_free(&w);
	return rc == CFG_CMD_PENDING ? -1 : rc;
}

const char *cfg_session_compare_text(const struct cfg_session *s, size_t *len)
{
	*len = s->cmp_len;
	return s->cmp_text;
}

int cfg_session_compare_file(struct cfg_session *s, const char *file, struct cfg_buf *out)
{
	if (!s->cur_line)
		return cfg_err_set("'| compare FILE' is not supported here");
	if (!*file || strchr(file, '\n'))
		return cfg_err_set("could not open file: %s: invalid file name", file);
	struct cmp_ctx *x = calloc(1, sizeof *x);
	if (!x || !(x->line = strdup(s->cur_line)) || !(x->file = strdup(file))) {
		cmp_ctx_free(x);
		return cfg_err_set("out of memory");
	}
	return cfg_session_ask(s, CFG_ASK_MULTI | CFG_ASK_FILE, file, compare_answer, x, cmp_ctx_free, out);
}

int cfg_session_save(struct cfg_session *s, struct cfg_buf *out, bool configuration,
                     const char *name, const char *text, size_t len)
{
	size_t nl = name ? strlen(name) : 0;
	if (!nl)
		return cfg_err_set("missing argument.");
	if (strchr(name, '\n'))
		return cfg_err_set("invalid file name");
	if (len > CFG_PROTO_MAX - nl - 2)
		return cfg_err_set("output too large to save");
	if (out)
		put_out(s, out);
	struct cfg_buf b;
	cfg_buf_init(&b);
	cfg_buf_putc(&b, configuration ? 'c' : 'o');
	cfg_buf_add(&b, name, nl + 1);
	cfg_buf_add(&b, text, len);
	put_frame(s, CFG_P_FILE, b.p, b.len);
	cfg_buf_free(&b);
	return 0;
}

int cfg_session_ask(struct cfg_session *s, unsigned flags, const char *prompt, cfg_ask_fn fn,
                    void *ctx, void (*ctx_free)(void *), struct cfg_buf *out)
{
	drop_ask(s);
	put_out(s, out);
	struct cfg_buf b;
	cfg_buf_init(&b);
	cfg_buf_putc(&b, (char)flags);
	cfg_buf_puts(&b, prompt ? prompt : "");
	put_frame(s, CFG_P_ASK, b.p, b.len);
	cfg_buf_free(&b);
	s->ask = fn;
	s->ask_ctx = ctx;
	s->ask_free = ctx_free;
	s->ask_flags = flags;
	return CFG_CMD_PENDING;
}

int cfg_session_wait(struct cfg_session *s, struct cfg_buf *out)
{
	put_out(s, out);
	s->waiting = true;
	return CFG_CMD_PENDING;
}

bool cfg_session_waiting(const struct cfg_session *s) { return s->waiting; }

void cfg_session_resume(struct cfg_session *s, int rc, struct cfg_buf *out)
{
	if (!s->waiting)
		return;
	s->waiting = false;
	finish(s, out, rc < 0 ? -1 : 0);
	/* what the client sent meanwhile */
	while (!s->waiting && !s->over && s->held_off + 5 <= s->held.len) {
		const unsigned char *h = (const unsigned char *)s->held.p + s->held_off;
		size_t len = (size_t)h[1] << 24 | (size_t)h[2] << 16 | (size_t)h[3] << 8 | h[4];
		char type = (char)h[0];
		char *payload = malloc(len + 1);
		if (!payload)
			abort();
		memcpy(payload, s->held.p + s->held_off + 5, len);
		s->held_off += 5 + len;
		cfg_session_frame(s, type, payload, len);
		free(payload);
	}
	if (s->held_off >= s->held.len) {
		cfg_buf_reset(&s->held);
		s->held_off = 0;
	}
}

static void answer(struct cfg_session *s, const char *payload, size_t len)
{
	if (!s->ask)
		return; /* nothing asked: ignore */
	cfg_ask_fn fn = s->ask;
	void *ctx = s->ask_ctx;
	void (*fr)(void *) = s->ask_free;
	s->ask = NULL;
	s->ask_ctx = NULL;
	s->ask_free = NULL;
	bool eof = false;
	if ((s->ask_flags & CFG_ASK_MULTI) && len > 0) {
		eof = payload[0] == '1';
		payload++;
		len--;
	}
	struct cfg_buf out;
	cfg_buf_init(&out);
	/* the continuation may ask again with the same context */
	s->cur_out = &out;
	cfg_err_clear();
	int rc = fn(s, ctx, payload, len, eof, &out);
	s->cur_out = NULL;
	/* as dispatch() does for handlers: a failed continuation that printed
	 * nothing reports its recorded error */
	if (rc < 0 && out.len == 0 && *cfg_err_msg())
		cfg_buf_printf(&out, "error: %s\n", cfg_err_msg());
	if (fr && ctx && s->ask_ctx != ctx)
		fr(ctx);
	finish(s, &out, rc);
	cfg_buf_free(&out);
}

/* --------------------------------------------------------------- streams */

bool cfg_session_streaming(const struct cfg_session *s) { return s->streaming; }

int cfg_session_stream_begin(struct cfg_session *s, const struct cfg_session_stream_ops *ops,
                             void *ctx)
{
	if (!ops)
		return cfg_err_set("stream: no operations");
	if (s->streaming)
		return cfg_err_set("a stream is already open in this session");
	if (!s->cur_out)
		return cfg_err_set("stream: no command is running");
	if (s->ask)
		return cfg_err_set("stream: the session waits for an answer");
	put_out(s, s->cur_out); /* what the command printed so far comes first */
	const char esc = CFG_STREAM_ESCAPE;
	put_frame(s, CFG_P_STREAM, &esc, 1);
	s->streaming = true;
	s->stream_cmd = true;
	s->st_ops = ops;
	s->st_ctx = ctx;
	return 0;
}

void cfg_session_stream_output(struct cfg_session *s, const void *data, size_t len)
{
	if (!s || !s->streaming)
		return;
	if (s->cur_out)
		put_out(s, s->cur_out); /* keep the order of the handler's own output */
	const char *p = data;
	while (len) {
		size_t n = len > (1u << 20) ? (1u << 20) : len;
		put_frame(s, CFG_P_OUT, p, n);
		p += n;
		len -= n;
	}
}

/* Queue the end of the stream: MSG, then the 'D'. */
static void stream_done(struct cfg_session *s, int status, const char *msg)
{
	if (s->cur_out)
		put_out(s, s->cur_out);
	if (msg && *msg)
		put_frame(s, CFG_P_OUT, msg, strlen(msg));
	s->streaming = false;
	if (s->end_after)
		put_done(s, 'x', true);
	else
		put_done(s, status < 0 ? '1' : '0', true);
}

void cfg_session_stream_finish(struct cfg_session *s, int status, const char *msg)
{
	if (!s || !s->streaming)
		return;
	const struct cfg_session_stream_ops *ops = s->st_ops;
	void *ctx = s->st_ctx;
	s->st_ops = NULL;
	s->st_ctx = NULL;
	stream_done(s, status, msg);
	if (ops && ops->end)
		ops->end(ctx);
}

/* 'R' / 'E' from the client. Outside a stream they are late (the daemon
 * ended the stream while the client still typed): ignored. */
static void stream_frame(struct cfg_session *s, char type, const char *payload, size_t len)
{
	if (!s->streaming)
		return;
	const struct cfg_session_stream_ops *ops = s->st_ops;
	void *ctx = s->st_ctx;
	if (type == CFG_P_RAW) {
		if (ops && ops->input && len)
			ops->input(ctx, payload, len);
		return;
	}
	/* END: end() may finish the stream itself (status, last words) */
	s->st_ops = NULL;
	s->st_ctx = NULL;
	if (ops && ops->end)
		ops->end(ctx);
	if (s->streaming)
		stream_done(s, 0, NULL);
}

/* ------------------------------------------------------ completion, help */

/* Where the words at [FIRST, ...) are completed: a command tree, or a
 * configuration path after a `rest` leaf. 0, or -1 when not completable. */
struct cctx {
	const struct cfg_schema *start;
	const struct cfg_tree *tree;
	const struct cfg_node *at;
	size_t first;
	enum cfg_pmode mode;
	bool edit; /* a configuration path to change (else to see) */
};

static int resolve(struct cfg_session *s, const struct cfg_words *w, size_t first,
                   const struct cfg_schema *cmdtree, size_t k, struct cctx *cx, int depth)
{
	*cx = (struct cctx){cmdtree, NULL, NULL, first, CFG_PM_COMMAND, false};
	if (k <= first || depth > 4)
		return 0;
	struct cfg_parse p = {0};
	if (cfg_parse_path(cmdtree, w, first, k, CFG_PM_COMMAND, &p) < 0 &&
	    !(p.err == CFG_PE_MISSING || p.err == CFG_PE_INCOMPLETE)) {
		cfg_parse_free(&p);
		return -1;
	}
	size_t r = (size_t)-1;
	const char *handler = NULL;
	for (size_t i = 0; i < p.n; i++) {
		const struct cfg_schema *sc = p.steps[i].schema;
		if (sc->handler)
			handler = sc->handler;
		if ((sc->flags & CFG_F_REST) && p.steps[i].value) {
			r = p.rest;
			break;
		}
	}
	if (r == (size_t)-1 && p.n) {
		const struct cfg_schema *last = p.ctx ? p.ctx : p.steps[p.n - 1].schema;
		for (size_t i = 0; last->kind == CFG_CONTAINER && i < last->n_children; i++) {
			const struct cfg_schema *ch = last->children[i];
			if ((ch->flags & CFG_F_REST) && (ch->flags & CFG_F_POSITIONAL)) {
				r = k;
				break;
			}
		}
	}
	cfg_parse_free(&p);
	if (r == (size_t)-1)
		return 0;
	switch (cfg_cmd_rest_kind(handler)) {
	case CFG_REST_OPS:
		return resolve(s, w, r, cfg_daemon_ops_schema(s->d), k, cx, depth + 1);
	case CFG_REST_CFGCMD:
		return resolve(s, w, r, cfg_daemon_cfgmode_schema(s->d), k, cx, depth + 1);
	case CFG_REST_SET:
	case CFG_REST_PATH: {
		struct cfg_tree *t = cfg_session_cand(s);
		*cx = (struct cctx){cfg_session_edit_schema(s), t, cfg_session_edit_node(s, t), r,
		                    cfg_cmd_rest_kind(handler) == CFG_REST_SET ? CFG_PM_SET : CFG_PM_PATH,
		                    strcmp(handler, "show") && strcmp(handler, "edit")};
		return 0;
	}
	case CFG_REST_ACTIVE: {
		const struct cfg_tree *t = cfg_daemon_active(s->d);
		*cx = (struct cctx){cfg_daemon_schema(s->d), t, cfg_tree_root(t), r, CFG_PM_PATH, false};
		return 0;
	}
	default:
		return -1;
	}
}

/* Completions of the last word of LINE. *LVL gets the level schema. */
static int line_compls(struct cfg_session *s, const char *line, struct cfg_words *w,
                       struct cfg_compls *cs, const struct cfg_schema **lvl, size_t *k,
                       enum cfg_pmode *mode)
{
	size_t errcol;
	*lvl = NULL;
	if (cfg_lex(line, w, &errcol) < 0)
		return -1;
	if (w->pipe < w->n || cmd_end(w) < w->n)
		return -2; /* pipes: cfg_pipe_complete() */
	*k = (w->n && !w->trailing_space) ? w->n - 1 : w->n;
	struct cctx cx;
	const struct cfg_schema *tree = s->config ? cfg_daemon_cfgmode_schema(s->d)
	                                          : cfg_daemon_ops_schema(s->d);
	if (resolve(s, w, 0, tree, *k, &cx, 0) < 0)
		return -1;
	if (cfg_complete(cx.start, cx.tree, cx.at, w, cx.first, w->n, cx.mode, cs) < 0)
		return -1;
	*lvl = level_at(cx.start, w, cx.first, *k, cx.mode);
	*mode = cx.mode;
	filter_compls(s, cs, cx.mode == CFG_PM_COMMAND ? cmd_level(cx.start, w, cx.first, *k) : *lvl,
	              cx.mode, cx.edit);
	return 0;
}

static bool is_bar_word(const struct cfg_word *w) { return !w->quoted && !strcmp(w->s, "|"); }

/* Words [FIRST, END) of W are a whole command of TREE that can run as
 * typed (`<[Enter]>` in `?`): *CMD gets the command that takes the pipes
 * (the one `run` or `top` runs, for those). */
static bool help_runnable(struct cfg_session *s, const struct cfg_words *w, size_t first, size_t end,
                          const struct cfg_schema *tree, const struct cfg_schema **cmd, int depth)
{
	if (first >= end || depth > 4)
		return false;
	struct cfg_parse p = {0};
	bool ok = cfg_parse_path(tree, w, first, end, CFG_PM_COMMAND, &p) == 0;
	const struct cfg_schema *c = NULL;
	size_t rest = (size_t)-1;
	for (size_t i = 0; ok && i < p.n; i++) {
		const struct cfg_schema *sc = p.steps[i].schema;
		if (sc->handler)
			c = sc;
		if ((sc->flags & CFG_F_REST) && p.steps[i].value) {
			rest = p.rest;
			break;
		}
	}
	cfg_parse_free(&p);
	if (!ok || !c || !cfg_perm_may_run(s->perms, c))
		return false; /* the class may not run it: nothing to execute */
	*cmd = c;
	if (rest == (size_t)-1)
		return true;
	switch (cfg_cmd_rest_kind(c->handler)) {
	case CFG_REST_OPS:
		return help_runnable(s, w, rest, end, cfg_daemon_ops_schema(s->d), cmd, depth + 1);
	case CFG_REST_CFGCMD:
		return help_runnable(s, w, rest, end, cfg_daemon_cfgmode_schema(s->d), cmd, depth + 1);
	case CFG_REST_SET:
	case CFG_REST_PATH:
	case CFG_REST_ACTIVE: {
		bool set = cfg_cmd_rest_kind(c->handler) == CFG_REST_SET;
		const struct cfg_schema *st = cfg_cmd_rest_kind(c->handler) == CFG_REST_ACTIVE
		                                  ? cfg_daemon_schema(s->d) : cfg_session_edit_schema(s);
		struct cfg_parse q = {0};
		ok = cfg_parse_path(st, w, rest, end, set ? CFG_PM_SET : CFG_PM_PATH, &q) == 0;
		cfg_parse_free(&q);
		return ok;
	}
	default:
		return true; /* file names, comments: anything goes */
	}
}

/* `rollback ?`: the revisions, as Junos lists them ("0  2026-12-01
 * 09:04:11 UTC by root via cli"), in place of the `<number>` placeholder. */
static void help_revisions(struct cfg_session *s, struct cfg_buf *out, const char *pfx)
{
	struct cfg_rev_info *infos = NULL;
	size_t n = 0;
	if (cfg_store_list(cfg_daemon_store(s->d), &infos, &n) < 0)
		return;
	long left = cfg_daemon_confirm_left(s->d);
	for (size_t i = 0; i < n; i++) {
		char num[24], tb[64], help[700];
		snprintf(num, sizeof num, "%zu", i);
		if (strncmp(num, pfx, strlen(pfx)))
			continue;
		int l = snprintf(help, sizeof help, "%s by %s via %s",
		                 cfg_session_fmt_time((time_t)infos[i].time, tb, sizeof tb), infos[i].user,
		                 infos[i].client);
		if (i == 0 && left >= 0 && l > 0 && (size_t)l < sizeof help)
			l += snprintf(help + l, sizeof help - (size_t)l, " commit confirmed, rollback in %ldmins",
			              (left + 59) / 60);
		if (infos[i].comment[0] && l > 0 && (size_t)l < sizeof help)
			snprintf(help + l, sizeof help - (size_t)l, " %s", infos[i].comment);
		cfg_cmd_help_line(out, ' ', num, help);
	}
	free(infos);
}

static void do_help(struct cfg_session *s, const char *line)
{
	struct cfg_words w = {0};
	struct cfg_compls cs = {0};
	const struct cfg_schema *lvl;
	size_t k;
	struct cfg_buf out;
	cfg_buf_init(&out);
	enum cfg_pmode mode = CFG_PM_COMMAND;
	int rc = line_compls(s, line, &w, &cs, &lvl, &k, &mode);
	const struct cfg_schema *tree = s->config ? cfg_daemon_cfgmode_schema(s->d)
	                                          : cfg_daemon_ops_schema(s->d);
	const struct cfg_schema *cmd = NULL;
	size_t ce = rc == 0 || rc == -2 ? cmd_end(&w) : 0;
	bool piped = rc == -2;
	bool revs_pipe = false;
	/* after a space at the end of a whole command: <[Enter]>, and `|`
	   when the command takes pipes (as Junos lists them) */
	bool whole = w.n && (piped || rc == 0) && help_runnable(s, &w, 0, ce, tree, &cmd, 0);
	bool enter = whole && w.trailing_space;
	bool pipes = whole && !(cmd->flags & CFG_F_NOPIPE);
	bool conf = whole && cmd->reply && !strcmp(cmd->reply, "configuration");
	if (piped) {
		/* `show configuration | ?`: the pipes, their arguments */
		cfg_compls_free(&cs);
		memset(&cs, 0, sizeof cs);
		/* the cursor right after the `|`: the pipes, as after a space */
		size_t pk = w.trailing_space || is_bar_word(&w.w[w.n - 1]) ? w.n : w.n - 1;
		bool pend = false;
		bool ok = pipes && cfg_pipe_complete(&w, ce, pk, conf, &cs, &pend) == 0;
		if (!ok) {
			cfg_compls_free(&cs);
			memset(&cs, 0, sizeof cs);
		}
		enter = ok && pend && w.trailing_space;
		mode = CFG_PM_COMMAND;
		lvl = NULL;
		/* `| compare rollback ?`: the revisions, as `rollback ?` */
		revs_pipe = ok && cfg_pipe_at_rollback(&w, ce, pk);
	}
	bool revs = revs_pipe ||
	            (!piped && rc == 0 && mode == CFG_PM_COMMAND && lvl && lvl->handler &&
	             !strcmp(lvl->handler, "rollback") && cfg_perm_may_run(s->perms, lvl) &&
	             k == w.n - (w.trailing_space ? 0 : 1));
	if (revs) {
		/* the revision numbers replace the `<number>` placeholder */
		size_t j = 0;
		for (size_t i = 0; i < cs.n; i++) {
			if (cs.c[i].value) {
				free(cs.c[i].word);
				free(cs.c[i].help);
			} else {
				cs.c[j++] = cs.c[i];
			}
		}
		cs.n = j;
	}
	struct cfg_buf rv;
	cfg_buf_init(&rv);
	if (revs_pipe)
		help_revisions(s, &rv, w.trailing_space ? "" : w.w[w.n - 1].s);
	else if (revs)
		help_revisions(s, &rv, k < w.n ? w.w[k].s : "");
	if (cs.n || enter || rv.len) {
		cfg_buf_puts(&out, "Possible completions:\n");
		if (enter)
			cfg_cmd_help_line(&out, ' ', "<[Enter]>", "Execute this command");
		if (rv.len)
			cfg_buf_add(&out, rv.p, rv.len);
		render_compls(&out, &cs, lvl, mode);
		if (enter && pipes)
			cfg_cmd_help_line(&out, ' ', "|", "Pipe through a command");
	} else {
		cfg_buf_puts(&out, "No valid completions\n");
	}
	cfg_buf_free(&rv);
	put_out(s, &out);
	put_done(s, '0', false);
	cfg_compls_free(&cs);
	cfg_words_free(&w);
	cfg_buf_free(&out);
}

static void do_complete(struct cfg_session *s, const char *line)
{
	struct cfg_words w = {0};
	struct cfg_compls cs = {0};
	const struct cfg_schema *lvl;
	size_t k = 0;
	struct cfg_buf out;
	cfg_buf_init(&out);
	enum cfg_pmode mode;
	if (line_compls(s, line, &w, &cs, &lvl, &k, &mode) == 0 && cs.n) {
		const char *part = k < w.n ? w.w[k].s : "";
		size_t pl = strlen(part);
		const char *one = NULL;
		size_t nmatch = 0, lcp = 0;
		for (size_t i = 0; i < cs.n; i++) {
			const struct cfg_compl *c = &cs.c[i];
			if (c->value || strncmp(c->word, part, pl))
				continue;
			if (!nmatch) {
				one = c->word;
				lcp = strlen(c->word);
			} else {
				size_t j = 0;
				while (j < lcp && c->word[j] == one[j])
					j++;
				lcp = j;
			}
			nmatch++;
		}
		if (nmatch == 1)
			cfg_buf_printf(&out, "=%s \n", one);
		else if (nmatch > 1 && lcp > pl)
			cfg_buf_printf(&out, "=%.*s\n", (int)lcp, one);
		for (size_t i = 0; i < cs.n; i++)
			cfg_buf_printf(&out, "%s\t%s\n", cs.c[i].word, cs.c[i].help ? cs.c[i].help : "");
	}
	put_frame(s, CFG_P_COMPL, out.p, out.len);
	cfg_compls_free(&cs);
	cfg_words_free(&w);
	cfg_buf_free(&out);
}

/* --------------------------------------------------------------- frames */

static void hello(struct cfg_session *s, const char *payload, size_t len)
{
	const char *p = payload, *e = payload + len;
	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(e - p);
		char kv[128];
		if (l < sizeof kv) {
			memcpy(kv, p, l);
			kv[l] = 0;
			char *eq = strchr(kv, '=');
			if (eq) {
				*eq++ = 0;
				if (!strcmp(kv, "tty"))
					s->tty = *eq == '1';
				else if (!strcmp(kv, "cols")) {
					long c = strtol(eq, NULL, 10);
					if (c >= 20 && c <= 10000)
						s->cols = (unsigned)c;
				} else if (!strcmp(kv, "client") &&
				           (!strcmp(eq, "cli") || !strcmp(eq, "ssh") ||
				            !strcmp(eq, "netconf")))
					snprintf(s->client, sizeof s->client, "%s", eq);
			}
		}
		p += l + 1;
	}
	s->hello = true;
	set_class(s, lookup_class(s));
	if (s->cls == CFG_CLASS_NONE) {
		struct cfg_buf out;
		cfg_buf_init(&out);
		cfg_buf_printf(&out, "error: user %s is not authorized to use this system\n", s->user);
		put_out(s, &out);
		cfg_buf_free(&out);
		put_done(s, 'x', false);
		return;
	}
	put_done(s, '0', false);
}

/* 'Q': run LINE as an operational command with `| display xml`; the
 * reply goes out as 'X' (cfg_proto.h). Not recorded in the history. */
static void query(struct cfg_session *s, const char *line)
{
	struct cfg_buf out;
	cfg_buf_init(&out);
	struct cfg_words w = {0};
	size_t errcol = 0;
	int rc = -1;
	char *full = NULL;
	if (cfg_lex(line, &w, &errcol) < 0) {
		const char *m = cfg_err_msg();
		cfg_buf_printf(&out, "%s\n", *m ? m : "syntax error.");
	} else if (w.n == 0) {
		cfg_buf_puts(&out, "error: empty query\n");
	} else if (w.pipe < w.n) {
		cfg_buf_puts(&out, "error: a query takes no pipes: its answer is the reply as XML\n");
	} else if (asprintf(&full, "%s | display xml", line) < 0) {
		full = NULL;
		cfg_buf_puts(&out, "error: out of memory\n");
	} else {
		size_t n0 = w.n;
		cfg_words_free(&w);
		memset(&w, 0, sizeof w);
		/* the same words, then `| display xml` (nothing of LINE may run
		   into the pipe words) */
		if (cfg_lex(full, &w, &errcol) < 0 || w.n != n0 + 3 || w.pipe != n0 + 1) {
			cfg_buf_puts(&out, "error: syntax error.\n");
		} else {
			s->cur_out = &out;
			s->query = true;
			rc = dispatch(s, &w, 0, cfg_daemon_ops_schema(s->d), &out);
			s->query = false;
			s->cur_out = NULL;
		}
	}
	free(full);
	cfg_words_free(&w);
	if (rc == 0) {
		put_frame(s, CFG_P_XML, out.p ? out.p : "", out.len);
		cfg_buf_reset(&out);
	} else {
		put_out(s, &out);
	}
	put_done(s, rc == 0 ? '0' : '1', false);
	cfg_buf_free(&out);
	if (s->reclass_pending)
		apply_reclass(s);
}

/* 'W': subscribe to the events named in PAYLOAD (all when empty, none
 * for "none"). */
static void watch(struct cfg_session *s, const char *payload, size_t len)
{
	free(s->subs);
	s->subs = NULL;
	if (len == 4 && !memcmp(payload, "none", 4)) {
		put_done(s, '0', false);
		return;
	}
	s->subs = strndup(payload, len);
	if (!s->subs)
		abort();
	put_done(s, '0', false);
}

bool cfg_session_wants_event(const struct cfg_session *s, const char *name)
{
	if (!s->subs || s->over)
		return false;
	if (!*s->subs)
		return true;
	size_t nl = strlen(name);
	for (const char *p = s->subs; *p;) {
		size_t l = strcspn(p, " ");
		if (l == nl && !memcmp(p, name, l))
			return true;
		p += l;
		p += strspn(p, " ");
	}
	return false;
}

void cfg_session_put_event(struct cfg_session *s, const char *xml, size_t len)
{
	put_frame(s, CFG_P_NOTIFY, xml, len);
}

int cfg_session_frame(struct cfg_session *s, char type, const char *payload, size_t len)
{
	if (s->over)
		return 0;
	if (!s->hello && type != CFG_P_HELLO)
		return -1;
	if (type == CFG_P_RAW || type == CFG_P_END) {
		stream_frame(s, type, payload, len);
		return 0;
	}
	if (s->streaming)
		return -1; /* only RAW and END while streaming */
	if (s->waiting) {
		/* the running command waits for a job: its turn comes after */
		unsigned char h[5] = {(unsigned char)type, (unsigned char)(len >> 24),
		                      (unsigned char)(len >> 16), (unsigned char)(len >> 8),
		                      (unsigned char)len};
		cfg_buf_add(&s->held, (const char *)h, 5);
		if (len)
			cfg_buf_add(&s->held, payload, len);
		return 0;
	}
	char *line = NULL;
	switch (type) {
	case CFG_P_HELLO:
		if (s->hello)
			return -1;
		hello(s, payload, len);
		return 0;
	case CFG_P_LINE:
	case CFG_P_COMPLETE:
	case CFG_P_HELP:
		if (memchr(payload, 0, len) || memchr(payload, '\n', len)) {
			if (type != CFG_P_LINE)
				return -1;
			struct cfg_buf out;
			cfg_buf_init(&out);
			cfg_buf_puts(&out, "error: invalid character in command\n");
			drop_ask(s);
			finish(s, &out, -1);
			cfg_buf_free(&out);
			return 0;
		}
		line = strndup(payload, len);
		if (!line)
			return -1;
		if (type == CFG_P_LINE)
			exec_line(s, line);
		else if (type == CFG_P_HELP)
			do_help(s, line);
		else
			do_complete(s, line);
		free(line);
		return 0;
	case CFG_P_INPUT:
		answer(s, payload, len);
		return 0;
	case CFG_P_QUERY:
		if (memchr(payload, 0, len) || memchr(payload, '\n', len))
			return -1;
		line = strndup(payload, len);
		if (!line)
			return -1;
		query(s, line);
		free(line);
		return 0;
	case CFG_P_WATCH:
		watch(s, payload, len);
		return 0;
	default:
		return -1;
	}
}

/* --------------------------------------------------------- login classes */

/* The class of S may enter configuration mode (the `configure` command's
 * permission). */
static bool may_configure(const struct cfg_session *s)
{
	const struct cfg_schema *c = cfg_schema_child(cfg_daemon_ops_schema(s->d), "configure");
	return c && cfg_perm_may_run(s->perms, c);
}

/* Re-read S's class; say what changed in S's session and narrow or end it.
 * Returns true when a DONE went out (the session ended, or a pending
 * prompt or stream was abandoned and answered). */
static bool apply_reclass(struct cfg_session *s)
{
	s->reclass_pending = false;
	enum cfg_class n = lookup_class(s);
	if (n == s->cls || s->over)
		return false;
	cfg_perms old = s->perms;
	set_class(s, n);
	struct cfg_buf m;
	cfg_buf_init(&m);
	bool done = false;
	if (n == CFG_CLASS_NONE) {
		cfg_buf_printf(&m, "\nerror: user %s is no longer authorized to use this system "
		                   "(login class removed by a commit): session ended\n", s->user);
		if (s->streaming) {
			cfg_session_stream_finish(s, -1, m.p);
			cfg_buf_reset(&m);
		}
		drop_ask(s);
		if (s->config)
			cfg_session_leave_config(s);
		put_out(s, &m);
		if (!s->over)
			put_done(s, 'x', false);
		cfg_buf_free(&m);
		return true;
	}
	char pb[512];
	cfg_buf_printf(&m, "\nwarning: login class of user %s changed by a commit: now %s (%s)\n", s->user,
	               cfg_perm_class_name(n), cfg_perm_format(s->perms, pb, sizeof pb));
	bool narrowed = (old & s->perms) != old;
	if (narrowed) {
		if (s->streaming) {
			cfg_session_stream_finish(s, -1, m.p);
			cfg_buf_reset(&m);
			done = true;
		} else if (s->ask) {
			/* the client waits for the command's DONE after its answer */
			drop_ask(s);
			cfg_buf_puts(&m, "error: the command was abandoned\n");
			done = true;
		}
		if (s->config && !may_configure(s)) {
			cfg_session_leave_config(s);
			cfg_buf_puts(&m, "Exiting configuration mode\n");
		}
	}
	put_out(s, &m);
	cfg_buf_free(&m);
	if (done && !s->over && !s->streaming)
		put_done(s, '1', true);
	return done;
}

void cfg_session_reclass_all(struct cfg_daemon *d)
{
	struct cfg_session *s;
	for (size_t i = 0; (s = cfg_daemon_session_at(d, i)); i++) {
		if (!s->hello || s->over)
			continue;
		if (lookup_class(s) == s->cls)
			continue;
		if (s->cur_out)
			s->reclass_pending = true; /* its command is running: after it */
		else
			apply_reclass(s);
	}
}

/* ------------------------------------------------------- CLI settings */

void cfg_session_set_screen(struct cfg_session *s, long length, long width)
{
	if (length >= 0)
		s->screen_length = length;
	if (width >= 0)
		s->screen_width = width;
}

unsigned cfg_session_screen_length(const struct cfg_session *s)
{
	if (s->screen_length >= 0)
		return (unsigned)s->screen_length;
	return s->tty ? 24u : 0u;
}

unsigned cfg_session_screen_width(const struct cfg_session *s)
{
	return s->screen_width >= 0 ? (unsigned)s->screen_width : s->cols;
}

void cfg_session_broadcast(struct cfg_daemon *d, const char *text)
{
	struct cfg_session *s;
	char hm[16];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(hm, sizeof hm, "%H:%M", &tm);
	const char *host = cfg_daemon_host(d);
	for (size_t i = 0; (s = cfg_daemon_session_at(d, i)); i++) {
		if (!s->hello || s->over)
			continue;
		struct cfg_buf m;
		cfg_buf_init(&m);
		cfg_buf_printf(&m, "\nBroadcast Message from root@%s\n        (no tty) at %s UTC...\n\n%s\n",
		               host && *host ? host : "localhost", hm, text);
		if (s->streaming)
			cfg_session_stream_output(s, m.p, m.len);
		else if (s->cur_out)
			cfg_buf_add(s->cur_out, m.p, m.len);
		else
			put_out(s, &m);
		cfg_buf_free(&m);
	}
}

/* Paging follows only an explicit `set cli screen-length N` (Junos pages at
 * the terminal's height by default; nfx leaves interactive output unpaged
 * until asked). */
unsigned cfg_session_page_length(const struct cfg_session *s)
{
	return s->tty && s->screen_length > 0 ? (unsigned)s->screen_length : 0;
}
