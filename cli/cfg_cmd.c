/* cfg_cmd — see cfg_cmd.h. */
#include "cfg_cmd.h"

#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg_curly.h"
#include "cfg_edit.h"
#include "cfg_err.h"
#include "cfg_load.h"
#include "cfg_merge.h"
#include "cfg_opcmd.h"
#include "cfg_proto.h"
#include "cfg_render.h"
#include "cfg_reply.h"
#include "cfg_session.h"
#include "cfg_xml.h"

#define MAX_PATH_STEPS 256

/* ------------------------------------------------------------- helpers */

const struct cfg_step *cfg_cmd_step(const struct cfg_cmd *c, const char *name)
{
	for (size_t i = 0; i < c->p->n; i++)
		if (!strcmp(c->p->steps[i].schema->name, name))
			return &c->p->steps[i];
	return NULL;
}

bool cfg_cmd_has(const struct cfg_cmd *c, const char *name) { return cfg_cmd_step(c, name) != NULL; }

const char *cfg_cmd_value(const struct cfg_cmd *c, const char *name)
{
	for (size_t i = 0; i < c->p->n; i++) {
		const struct cfg_step *st = &c->p->steps[i];
		if (strcmp(st->schema->name, name))
			continue;
		if (st->value)
			return st->value;
		if (i + 1 < c->p->n && (c->p->steps[i + 1].schema->flags & CFG_F_POSITIONAL) &&
		    c->p->steps[i + 1].schema->kind == CFG_LEAF)
			return c->p->steps[i + 1].value;
		return NULL;
	}
	return NULL;
}

size_t cfg_cmd_rest(const struct cfg_cmd *c)
{
	for (size_t i = 0; i < c->p->n; i++)
		if ((c->p->steps[i].schema->flags & CFG_F_REST) && c->p->steps[i].value)
			return c->p->rest;
	return c->end;
}

void cfg_cmd_caret(const struct cfg_cmd *c, size_t col, const char *msg)
{
	cfg_buf_indent(c->out, (unsigned)(cfg_session_prompt_len(c->s) + col));
	cfg_buf_puts(c->out, "^\n");
	cfg_buf_printf(c->out, "%s\n", msg);
}

void cfg_cmd_help_line(struct cfg_buf *b, char kind, const char *word, const char *help)
{
	size_t wl = strlen(word);
	cfg_buf_putc(b, kind == '>' || kind == '+' ? kind : ' ');
	cfg_buf_putc(b, ' ');
	cfg_buf_puts(b, word);
	if (help && *help) {
		cfg_buf_indent(b, wl < 21 ? (unsigned)(21 - wl) : 2);
		cfg_buf_puts(b, help);
	}
	cfg_buf_putc(b, '\n');
}

enum cfg_rest_kind cfg_cmd_rest_kind(const char *h)
{
	static const char *const path[] = {"delete", "activate", "deactivate", "annotate", "rename",
	                                   "copy", "insert", "wildcard_delete", "edit", "show"};
	if (!h)
		return CFG_REST_NONE;
	if (!strcmp(h, "set"))
		return CFG_REST_SET;
	for (size_t i = 0; i < sizeof path / sizeof *path; i++)
		if (!strcmp(h, path[i]))
			return CFG_REST_PATH;
	if (!strcmp(h, "show_configuration"))
		return CFG_REST_ACTIVE;
	if (!strcmp(h, "run"))
		return CFG_REST_OPS;
	if (!strcmp(h, "top") || !strcmp(h, "up"))
		return CFG_REST_CFGCMD;
	return CFG_REST_NONE;
}


/* A parsed configuration path: the edit path followed by the parsed steps
 * (of the first statement: a set line may hold several, see cfg_parse.h;
 * all of them are in P). */
struct cpath {
	struct cfg_parse p;
	struct cfg_step full[MAX_PATH_STEPS];
	size_t n;       /* steps in full */
	size_t nedit;   /* how many of them come from the edit path */
};

static void cpath_free(struct cpath *cp) { cfg_parse_free(&cp->p); }

/* ---- permissions (cfg_perm.h): configuration hierarchies name theirs ---- */

static void denied(struct cfg_cmd *c) { cfg_buf_puts(c->out, "error: permission denied\n"); }

/* The session may change S and everything below it (S NULL: the whole
 * configuration). Prints the error and returns -1 when not. */
static int perm_edit_tree(struct cfg_cmd *c, const struct cfg_schema *s)
{
	if (cfg_perm_may_edit_tree(cfg_session_perms(c->s), s ? s : cfg_daemon_schema(c->d)))
		return 0;
	denied(c);
	return -1;
}

/* The session may use the statements of CP as C's handler does: see them
 * (show, edit), change them (set), or change them and all below them
 * (delete, deactivate, rename, ...). Prints the error, -1 when not. */
static int cpath_perm(struct cfg_cmd *c, const struct cpath *cp)
{
	cfg_perms p = cfg_session_perms(c->s);
	if (p == cfg_perm_all())
		return 0;
	const char *h = c->handler;
	bool view = !strcmp(h, "show") || !strcmp(h, "show_configuration") || !strcmp(h, "edit");
	bool set = !strcmp(h, "set");
	for (size_t i = 0; i < cp->nedit; i++)
		if (!cfg_perm_may_view(p, cp->full[i].schema))
			goto no;
	size_t nst = cp->p.nstmt ? cp->p.nstmt : 1, n;
	for (size_t k = 0; k < nst; k++) {
		const struct cfg_step *st = cfg_parse_stmt(&cp->p, k, &n);
		for (size_t i = 0; i < n; i++)
			if (!cfg_perm_may_view(p, st[i].schema))
				goto no;
		const struct cfg_schema *last = n ? st[n - 1].schema
		                              : cp->nedit ? cp->full[cp->nedit - 1].schema : NULL;
		if (view)
			continue;
		if (!last ? !cfg_perm_may_edit_tree(p, cfg_daemon_schema(c->d))
		    : set ? !cfg_perm_may_edit(p, last) : !cfg_perm_may_edit_tree(p, last))
			goto no;
	}
	return 0;
no:
	denied(c);
	return -1;
}

/* Parse words [FIRST, END) of C as a configuration path relative to the edit
 * level (or the root when ROOT). Reports errors. 0 or -1. */
static int parse_cpath(struct cfg_cmd *c, size_t first, size_t end, enum cfg_pmode mode,
                       const struct cfg_tree *t, bool root, struct cpath *cp)
{
	memset(cp, 0, sizeof *cp);
	size_t ne = 0;
	const struct cfg_step *ed = root ? NULL : cfg_session_edit(c->s, &ne);
	const struct cfg_schema *start = root ? cfg_daemon_schema(c->d) : cfg_session_edit_schema(c->s);
	if (cfg_parse_path(start, c->w, first, end, mode, &cp->p) < 0) {
		struct cfg_node *at = root ? cfg_tree_root(t) : cfg_session_edit_node(c->s, t);
		cfg_session_parse_error(c->s, c->out, c->w, &cp->p, start, t, at, first, mode);
		return -1;
	}
	size_t nst = cp->p.nstmt ? cp->p.nstmt : 1, n;
	for (size_t k = 0; k < nst; k++) {
		cfg_parse_stmt(&cp->p, k, &n);
		if (ne + n > MAX_PATH_STEPS)
			return cfg_err_set("statement too deep");
	}
	const struct cfg_step *st = cfg_parse_stmt(&cp->p, 0, &n);
	for (size_t i = 0; i < ne; i++)
		cp->full[i] = ed[i];
	for (size_t i = 0; i < n; i++)
		cp->full[ne + i] = st[i];
	cp->n = ne + n;
	cp->nedit = ne;
	return cpath_perm(c, cp);
}

/* The nodes a path names: the node itself, or, when it ends at a list,
 * leaf-list or leaf without a value, all entries of it. Returns the count
 * (at most MAX) and fills NODES. */
static size_t cpath_nodes(const struct cpath *cp, const struct cfg_tree *t, struct cfg_node **nodes,
                          size_t max)
{
	if (cp->n == 0) {
		nodes[0] = cfg_tree_root(t);
		return 1;
	}
	const struct cfg_step *last = &cp->full[cp->n - 1];
	if (last->value || last->schema->kind == CFG_CONTAINER ||
	    (last->schema->kind == CFG_LEAF)) {
		struct cfg_node *n = cfg_tree_find(t, NULL, cp->full, cp->n);
		if (!n)
			return 0;
		nodes[0] = n;
		return 1;
	}
	struct cfg_node *parent = cp->n > 1 ? cfg_tree_find(t, NULL, cp->full, cp->n - 1) : cfg_tree_root(t);
	size_t k = 0;
	for (struct cfg_node *ch = parent ? parent->child : NULL; ch && k < max; ch = ch->next)
		if (ch->schema == last->schema)
			nodes[k++] = ch;
	return k;
}

/* ------------------------------------------------------------ password */

struct pwctx {
	struct cfg_step path[MAX_PATH_STEPS]; /* values owned */
	size_t n;
	const struct cfg_schema *target;
	char *first; /* owned, wiped */
};

static void pwctx_free(void *p)
{
	struct pwctx *x = p;
	if (!x)
		return;
	for (size_t i = 0; i < x->n; i++)
		free((char *)x->path[i].value);
	if (x->first) {
		explicit_bzero(x->first, strlen(x->first));
		free(x->first);
	}
	free(x);
}

static int hash_password(const char *pw, char *out, size_t n)
{
	static const char abc[] = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	unsigned char rnd[16];
	size_t got = 0;
	while (got < sizeof rnd) {
		ssize_t r = getrandom(rnd + got, sizeof rnd - got, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return cfg_err_set("getrandom: %s", strerror(errno));
		}
		got += (size_t)r;
	}
	char setting[3 + 16 + 2] = "$6$";
	for (size_t i = 0; i < 16; i++)
		setting[3 + i] = abc[rnd[i] & 63];
	setting[19] = '$';
	setting[20] = 0;
	/* libxcrypt's crypt_rn: NULL on failure, and (unlike crypt_r) not
	   intercepted by ASan, whose interceptor assumes glibc's layout */
	struct crypt_data *cd = calloc(1, sizeof *cd);
	if (!cd)
		return cfg_err_set("out of memory");
	const char *h = crypt_rn(pw, setting, cd, (int)sizeof *cd);
	int rc = 0;
	if (!h || h[0] != '$' || strlen(h) >= n)
		rc = cfg_err_set("cannot hash the password");
	else
		strcpy(out, h);
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	return rc;
}

static int pw_second(struct cfg_session *s, void *ctx, const char *in, size_t len, bool eof,
                     struct cfg_buf *out)
{
	(void)eof;
	struct pwctx *x = ctx;
	char *pw = strndup(in, len);
	if (!pw)
		return cfg_err_set("out of memory");
	int rc = -1;
	if (strcmp(pw, x->first)) {
		cfg_err_set("Passwords do not match");
		goto done;
	}
	if (strlen(pw) < 6) {
		cfg_err_set("minimum password length is 6");
		goto done;
	}
	char hash[256];
	if (hash_password(pw, hash, sizeof hash) < 0)
		goto done;
	struct cfg_tree *t = cfg_session_cand_rw(s, out);
	if (!t)
		goto done;
	x->path[x->n].schema = x->target;
	x->path[x->n].value = hash;
	struct cfg_node *n = cfg_tree_set(t, NULL, x->path, x->n + 1);
	x->path[x->n].value = NULL;
	explicit_bzero(hash, sizeof hash);
	if (!n) {
		if (!*cfg_err_msg())
			cfg_err_set("cannot set");
		goto done;
	}
	rc = 0;
done:
	explicit_bzero(pw, len);
	free(pw);
	return rc;
}

static int pw_first(struct cfg_session *s, void *ctx, const char *in, size_t len, bool eof,
                    struct cfg_buf *out)
{
	(void)eof;
	struct pwctx *x = ctx;
	x->first = strndup(in, len);
	if (!x->first)
		return cfg_err_set("out of memory");
	return cfg_session_ask(s, CFG_ASK_NOECHO, "Retype new password:", pw_second, x, pwctx_free, out);
}

static int start_password(struct cfg_cmd *c, const struct cpath *cp)
{
	const struct cfg_schema *pw = cp->full[cp->n - 1].schema;
	const struct cfg_schema *target = pw->parent && pw->target ? cfg_schema_child(pw->parent, pw->target) : NULL;
	if (!target)
		return cfg_err_set("no place to store the password");
	if (!cfg_session_cand_rw(c->s, c->out))
		return -1;
	struct pwctx *x = calloc(1, sizeof *x);
	if (!x)
		return cfg_err_set("out of memory");
	x->n = cp->n - 1;
	for (size_t i = 0; i < x->n; i++) {
		x->path[i].schema = cp->full[i].schema;
		x->path[i].value = cp->full[i].value ? strdup(cp->full[i].value) : NULL;
	}
	x->target = target;
	return cfg_session_ask(c->s, CFG_ASK_NOECHO, "New password:", pw_first, x, pwctx_free, c->out);
}

/* -------------------------------------------------------- statements */

static int h_set(struct cfg_cmd *c)
{
	struct cfg_tree *t = cfg_session_cand(c->s);
	struct cpath cp;
	int rc = -1;
	if (parse_cpath(c, cfg_cmd_rest(c), c->end, CFG_PM_SET, t, false, &cp) < 0)
		goto out;
	size_t nst = cp.p.nstmt ? cp.p.nstmt : 1;
	if (nst == 1 && cp.n && cp.full[cp.n - 1].schema->type == CFG_T_PASSWORD &&
	    cp.full[cp.n - 1].schema->kind == CFG_LEAF) {
		rc = start_password(c, &cp);
		goto out;
	}
	t = cfg_session_cand_rw(c->s, c->out);
	if (!t)
		goto out;
	if (nst == 1) {
		if (!cfg_tree_set(t, NULL, cp.full, cp.n)) {
			rc = *cfg_err_msg() ? -1 : cfg_err_set("cannot set");
			goto out;
		}
	} else {
		/* several statements of one level (`page-size 1024 page-count 5`):
		 * each is the edit path followed by its own steps */
		for (size_t k = 0; k < nst; k++) {
			size_t n;
			const struct cfg_step *st = cfg_parse_stmt(&cp.p, k, &n);
			if (n && st[n - 1].schema->type == CFG_T_PASSWORD) {
				rc = cfg_err_set("'%s' needs the password typed at a prompt: set it alone",
				                 st[n - 1].schema->name);
				goto out;
			}
		}
		struct cfg_node *from = NULL;
		if (cp.nedit && !(from = cfg_tree_set(t, NULL, cp.full, cp.nedit))) {
			rc = *cfg_err_msg() ? -1 : cfg_err_set("cannot set");
			goto out;
		}
		if (!cfg_load_apply_set(t, from, &cp.p))
			goto out;
	}
	rc = 0;
out:
	cpath_free(&cp);
	return rc;
}

struct delctx {
	struct cfg_step path[MAX_PATH_STEPS];
	size_t n;
};

static void delctx_free(void *p)
{
	struct delctx *x = p;
	if (!x)
		return;
	for (size_t i = 0; i < x->n; i++)
		free((char *)x->path[i].value);
	free(x);
}

static bool yes(const char *in, size_t len, bool dflt)
{
	while (len && (in[len - 1] == ' ' || in[len - 1] == '\r'))
		len--;
	while (len && *in == ' ') {
		in++;
		len--;
	}
	if (!len)
		return dflt;
	return !strncasecmp(in, "yes", len) && len <= 3;
}

static int del_all_answer(struct cfg_session *s, void *ctx, const char *in, size_t len, bool eof,
                          struct cfg_buf *out)
{
	(void)eof;
	struct delctx *x = ctx;
	if (!yes(in, len, false))
		return 0;
	struct cfg_tree *t = cfg_session_cand_rw(s, out);
	if (!t)
		return -1;
	struct cfg_node *n = x->n ? cfg_tree_find(t, NULL, x->path, x->n) : cfg_tree_root(t);
	if (n)
		cfg_tree_clear(t, n);
	return 0;
}

static int h_delete(struct cfg_cmd *c)
{
	struct cfg_tree *t = cfg_session_cand_rw(c->s, c->out);
	if (!t)
		return -1;
	size_t r = cfg_cmd_rest(c);
	if (r >= c->end) {
		/* everything at this level, after asking */
		size_t ne;
		const struct cfg_step *ed = cfg_session_edit(c->s, &ne);
		if (perm_edit_tree(c, ne ? ed[ne - 1].schema : NULL) < 0)
			return -1;
		struct delctx *x = calloc(1, sizeof *x);
		if (!x)
			return cfg_err_set("out of memory");
		for (size_t i = 0; i < ne && i < MAX_PATH_STEPS; i++) {
			x->path[i].schema = ed[i].schema;
			x->path[i].value = ed[i].value ? strdup(ed[i].value) : NULL;
			x->n++;
		}
		return cfg_session_ask(c->s, CFG_ASK_LINE, "Delete everything under this level? [yes,no] (no) ",
		                       del_all_answer, x, delctx_free, c->out);
	}
	struct cpath cp;
	int rc = -1;
	if (parse_cpath(c, r, c->end, CFG_PM_PATH, t, false, &cp) < 0)
		goto out;
	struct cfg_node *nodes[4096];
	size_t k = cpath_nodes(&cp, t, nodes, 4096);
	if (!k) {
		cfg_buf_puts(c->out, "warning: statement not found\n");
		rc = 0;
		goto out;
	}
	for (size_t i = k; i-- > 0;)
		cfg_tree_delete(t, nodes[i]);
	rc = 0;
out:
	cpath_free(&cp);
	return rc;
}

static int activate(struct cfg_cmd *c, bool on)
{
	struct cfg_tree *t = cfg_session_cand_rw(c->s, c->out);
	if (!t)
		return -1;
	struct cpath cp;
	int rc = -1;
	if (parse_cpath(c, cfg_cmd_rest(c), c->end, CFG_PM_PATH, t, false, &cp) < 0)
		goto out;
	struct cfg_node *nodes[4096];
	size_t k = cp.n ? cpath_nodes(&cp, t, nodes, 4096) : 0;
	if (!k) {
		cfg_buf_puts(c->out, "warning: statement not found\n");
		rc = 0;
		goto out;
	}
	for (size_t i = 0; i < k; i++)
		cfg_tree_activate(nodes[i], on);
	rc = 0;
out:
	cpath_free(&cp);
	return rc;
}

static int h_activate(struct cfg_cmd *c) { return activate(c, true); }
static int h_deactivate(struct cfg_cmd *c) { return activate(c, false); }

static int h_annotate(struct cfg_cmd *c)
{
	struct cfg_tree *t = cfg_session_cand_rw(c->s, c->out);
	if (!t)
		return -1;
	size_t r = cfg_cmd_rest(c);
	if (c->end < r + 2) {
		const struct cfg_word *lw = &c->w->w[c->end - 1];
		cfg_cmd_caret(c, lw->end + 1, "missing argument.");
		return -1;
	}
	struct cpath cp;
	int rc = -1;
	if (parse_cpath(c, r, c->end - 1, CFG_PM_PATH, t, false, &cp) < 0)
		goto out;
	struct cfg_node *nodes[1];
	if (!cp.n || !cpath_nodes(&cp, t, nodes, 1)) {
		cfg_err_set("statement not found");
		goto out;
	}
	rc = cfg_tree_annotate(nodes[0], c->w->w[c->end - 1].s);
out:
	cpath_free(&cp);
	return rc;
}

/* The index of the last unquoted word among KW in [R, END), or END. */
static size_t find_kw(const struct cfg_cmd *c, size_t r, const char *const *kw, size_t nkw)
{
	for (size_t i = c->end; i-- > r;) {
		if (c->w->w[i].quoted)
			continue;
		for (size_t k = 0; k < nkw; k++)
			if (!strcmp(c->w->w[i].s, kw[k]))
				return i;
	}
	return c->end;
}

/* `rename|copy PATH to NEW`: the entry node and the new value. */
static int entry_and_new(struct cfg_cmd *c, struct cfg_tree *t, struct cpath *cp,
                         struct cfg_node **node, const char **newval)
{
	static const char *const to[] = {"to"};
	size_t r = cfg_cmd_rest(c);
	size_t k = find_kw(c, r, to, 1);
	if (k == c->end || k == r) {
		const struct cfg_word *lw = &c->w->w[c->end - 1];
		cfg_cmd_caret(c, lw->end + 1, "syntax error, expecting 'to'.");
		return -1;
	}
	if (k + 1 >= c->end) {
		cfg_cmd_caret(c, c->w->w[k].end + 1, "missing argument.");
		return -1;
	}
	if (parse_cpath(c, r, k, CFG_PM_PATH, t, false, cp) < 0)
		return -1;
	struct cfg_node *nodes[1];
	if (!cp->n || !cp->full[cp->n - 1].value || !cpath_nodes(cp, t, nodes, 1))
		return cfg_err_set("statement not found");
	*node = nodes[0];
	*newval = c->w->w[c->end - 1].s; /* `to NEW` or `to keyword NEW` */
	if (cfg_schema_check_value(nodes[0]->schema, *newval) < 0) {
		char m[300];
		snprintf(m, sizeof m, "%s at '%s'", cfg_err_msg(), *newval);
		cfg_cmd_caret(c, c->w->w[c->end - 1].col, m);
		return -1;
	}
	return 0;
}

/* `rename A to B` / `copy A to B`: the tree refuses a B that exists. */
static int rename_or_copy(struct cfg_cmd *c, bool copy)
{
	struct cfg_tree *t = cfg_session_cand_rw(c->s, c->out);
	if (!t)
		return -1;
	struct cpath cp = {0}; /* freed even when entry_and_new() fails before parsing */
	struct cfg_node *n = NULL;
	const char *nv = NULL;
	int rc = -1;
	if (entry_and_new(c, t, &cp, &n, &nv) == 0) {
		if (copy ? cfg_tree_copy(t, n, nv) != NULL : cfg_tree_rename(t, n, nv) == 0)
			rc = 0;
		else if (!*cfg_err_msg())
			cfg_err_set("cannot %s the statement", copy ? "copy" : "rename");
	}
	cpath_free(&cp);
	return rc;
}

static int h_rename(struct cfg_cmd *c) { return rename_or_copy(c, false); }
static int h_copy(struct cfg_cmd *c) { return rename_or_copy(c, true); }

static int h_insert(struct cfg_cmd *c)
{
	static const char *const ba[] = {"before", "after"};
	struct cfg_tree *t = cfg_session_cand_rw(c->s, c->out);
	if (!t)
		return -1;
	size_t r = cfg_cmd_rest(c);
	size_t k = find_kw(c, r, ba, 2);
	if (k == c->end || k == r) {
		const struct cfg_word *lw = &c->w->w[c->end - 1];
		cfg_cmd_caret(c, lw->end + 1, "syntax error, expecting 'before' or 'after'.");
		return -1;
	}
	if (k + 1 >= c->end) {
		cfg_cmd_caret(c, c->w->w[k].end + 1, "missing argument.");
		return -1;
	}
	bool before = !strcmp(c->w->w[k].s, "before");
	struct cpath cp;
	int rc = -1;
	if (parse_cpath(c, r, k, CFG_PM_PATH, t, false, &cp) < 0)
		goto out;
	struct cfg_node *nodes[1];
	if (!cp.n || !cp.full[cp.n - 1].value) {
		cfg_err_set("statement not found");
		goto out;
	}
	const struct cfg_schema *ls = cp.full[cp.n - 1].schema;
	if (!(ls->flags & CFG_F_ORDERED)) {
		cfg_err_set(cpath_nodes(&cp, t, nodes, 1) ? "statement is not an ordered list"
		                                          : "statement not found");
		goto out;
	}
	/* the entry to move, or (Junos: "insert a new ordered data element")
	 * a new one, made once the reference entry is known to exist */
	struct cfg_node *parent = cp.n > 1 ? cfg_tree_find(t, NULL, cp.full, cp.n - 1) : cfg_tree_root(t);
	const char *refv = c->w->w[c->end - 1].s;
	struct cfg_node *ref = NULL;
	for (struct cfg_node *sb = parent ? parent->child : NULL; sb; sb = sb->next)
		if (sb->schema == ls && sb->value && !strcmp(sb->value, refv))
			ref = sb;
	if (!ref) {
		cfg_err_set("statement not found: %s", refv);
		goto out;
	}
	struct cfg_node *n = cpath_nodes(&cp, t, nodes, 1) ? nodes[0] : cfg_tree_set(t, NULL, cp.full, cp.n);
	if (!n) {
		rc = *cfg_err_msg() ? -1 : cfg_err_set("cannot set");
		goto out;
	}
	if (ref != n && cfg_tree_move(t, n, ref, before) < 0)
		goto out;
	rc = 0;
out:
	cpath_free(&cp);
	return rc;
}

struct wildctx {
	struct cfg_step path[MAX_PATH_STEPS]; /* values owned; the list step has no value */
	size_t n;
	regex_t re; /* the pattern, anchored: it matches the whole identifier */
	bool has_re;
};

static void wildctx_free(void *p)
{
	struct wildctx *x = p;
	if (!x)
		return;
	for (size_t i = 0; i < x->n; i++)
		free((char *)x->path[i].value);
	if (x->has_re)
		regfree(&x->re);
	free(x);
}

/* `wildcard delete` takes a regular expression, as Junos documents
 * ("wildcard delete interfaces ge-1/2/[0-3]", "... v2.*"): POSIX extended,
 * matched against the whole identifier. 0, or -1 with cfg_err set. */
static int wild_compile(struct wildctx *x, const char *pat)
{
	size_t n = strlen(pat);
	char *a = malloc(n + 5);
	if (!a)
		return cfg_err_set("out of memory");
	snprintf(a, n + 5, "^(%s)$", pat);
	int e = regcomp(&x->re, a, REG_EXTENDED | REG_NOSUB);
	free(a);
	if (e) {
		char m[128];
		regerror(e, &x->re, m, sizeof m);
		return cfg_err_set("invalid regular expression '%s': %s", pat, m);
	}
	x->has_re = true;
	return 0;
}

static size_t wild_match(struct cfg_tree *t, const struct wildctx *x, struct cfg_node **nodes, size_t max)
{
	struct cfg_node *parent = x->n > 1 ? cfg_tree_find(t, NULL, x->path, x->n - 1) : cfg_tree_root(t);
	size_t k = 0;
	for (struct cfg_node *ch = parent ? parent->child : NULL; ch && k < max; ch = ch->next)
		if (ch->schema == x->path[x->n - 1].schema && ch->value &&
		    regexec(&x->re, ch->value, 0, NULL, 0) == 0)
			nodes[k++] = ch;
	return k;
}

static int wild_answer(struct cfg_session *s, void *ctx, const char *in, size_t len, bool eof,
                       struct cfg_buf *out)
{
	(void)eof;
	struct wildctx *x = ctx;
	if (!yes(in, len, false))
		return 0;
	struct cfg_tree *t = cfg_session_cand_rw(s, out);
	if (!t)
		return -1;
	struct cfg_node *nodes[4096];
	size_t k = wild_match(t, x, nodes, 4096);
	for (size_t i = k; i-- > 0;)
		cfg_tree_delete(t, nodes[i]);
	return 0;
}

static int h_wildcard_delete(struct cfg_cmd *c)
{
	struct cfg_tree *t = cfg_session_cand_rw(c->s, c->out);
	if (!t)
		return -1;
	size_t r = cfg_cmd_rest(c);
	if (c->end < r + 2) {
		cfg_cmd_caret(c, c->w->w[c->end - 1].end + 1, "missing argument.");
		return -1;
	}
	struct cpath cp;
	int rc = -1;
	if (parse_cpath(c, r, c->end - 1, CFG_PM_PATH, t, false, &cp) < 0)
		goto out;
	/* `wildcard delete vlans v*`: a container of a positional list */
	if (cp.n && cp.n < MAX_PATH_STEPS && cp.full[cp.n - 1].schema->kind == CFG_CONTAINER) {
		const struct cfg_schema *pl = cfg_schema_positional(cp.full[cp.n - 1].schema);
		if (pl && (pl->kind == CFG_LIST || pl->kind == CFG_LEAFLIST)) {
			cp.full[cp.n].schema = pl;
			cp.full[cp.n].value = NULL;
			cp.n++;
		}
	}
	const struct cfg_step *last = cp.n ? &cp.full[cp.n - 1] : NULL;
	if (!last || last->value || (last->schema->kind != CFG_LIST && last->schema->kind != CFG_LEAFLIST)) {
		cfg_cmd_caret(c, c->w->w[c->end - 1].col, "syntax error, expecting a list of entries.");
		goto out;
	}
	struct wildctx *x = calloc(1, sizeof *x);
	if (!x)
		goto out;
	x->n = cp.n;
	for (size_t i = 0; i < cp.n; i++) {
		x->path[i].schema = cp.full[i].schema;
		x->path[i].value = cp.full[i].value ? strdup(cp.full[i].value) : NULL;
	}
	if (wild_compile(x, c->w->w[c->end - 1].s) < 0) {
		wildctx_free(x);
		goto out;
	}
	struct cfg_node *nodes[4096];
	size_t k = wild_match(t, x, nodes, 4096);
	if (!k) {
		cfg_buf_puts(c->out, "warning: statement not found\n");
		wildctx_free(x);
		rc = 0;
		goto out;
	}
	for (size_t i = 0; i < k; i++)
		cfg_buf_printf(c->out, "  matched: %s\n", nodes[i]->value);
	char q[96];
	snprintf(q, sizeof q, "Delete %zu object%s? [yes,no] (no) ", k, k == 1 ? "" : "s");
	rc = cfg_session_ask(c->s, CFG_ASK_LINE, q, wild_answer, x, wildctx_free, c->out);
out:
	cpath_free(&cp);
	return rc;
}

/* ---------------------------------------------------------- navigation */

static int h_edit(struct cfg_cmd *c)
{
	struct cfg_tree *t = cfg_session_cand(c->s);
	size_t r = cfg_cmd_rest(c);
	if (r >= c->end)
		return 0;
	struct cpath cp;
	int rc = -1;
	if (parse_cpath(c, r, c->end, CFG_PM_PATH, t, false, &cp) < 0)
		goto out;
	if (cp.p.n) {
		const struct cfg_step *last = &cp.full[cp.n - 1];
		if (last->schema->kind == CFG_LIST && !last->value) {
			cfg_cmd_caret(c, c->w->w[c->end - 1].end + 1, "missing argument.");
			goto out;
		}
		if (last->schema->kind == CFG_LEAF || last->schema->kind == CFG_LEAFLIST) {
			size_t col = c->w->w[c->end - 1].col;
			for (size_t i = r; i < c->end; i++)
				if (c->w->w[i].s == last->value || (!last->value && i == c->end - 1))
					col = c->w->w[i].col;
			cfg_cmd_caret(c, col, "syntax error.");
			goto out;
		}
	}
	size_t from;
	cfg_session_edit(c->s, &from);
	if (cfg_session_set_edit(c->s, cp.full, cp.n) < 0)
		goto out;
	if (cp.n != from)
		cfg_session_edit_push(c->s, from);
	rc = 0;
out:
	cpath_free(&cp);
	return rc;
}

static void go_up(struct cfg_session *s, size_t levels)
{
	size_t n;
	const struct cfg_step *ed = cfg_session_edit(s, &n);
	size_t keep = levels >= n ? 0 : n - levels;
	struct cfg_step tmp[MAX_PATH_STEPS];
	for (size_t i = 0; i < keep && i < MAX_PATH_STEPS; i++)
		tmp[i] = ed[i];
	/* set_edit copies the values before freeing the old path */
	cfg_session_set_edit(s, tmp, keep);
}

/* `top|up [N] <command>`: run the command (words from R) at the level
 * LEVELS above the edit path (all of them: the top), then come back to the
 * level it was run from, unless the command moved (edit, up, top, exit). */
static int run_above(struct cfg_cmd *c, size_t r, size_t levels)
{
	size_t n;
	const struct cfg_step *ed = cfg_session_edit(c->s, &n);
	struct cfg_step save[MAX_PATH_STEPS];
	char *vals[MAX_PATH_STEPS];
	for (size_t i = 0; i < n && i < MAX_PATH_STEPS; i++) {
		save[i].schema = ed[i].schema;
		vals[i] = ed[i].value ? strdup(ed[i].value) : NULL;
		save[i].value = vals[i];
	}
	bool moves = false;
	const char *w0 = c->w->w[r].s;
	size_t l0 = strlen(w0);
	static const char *const movers[] = {"edit", "up", "top", "exit", "quit"};
	for (size_t i = 0; i < sizeof movers / sizeof *movers; i++)
		if (l0 && !strncmp(w0, movers[i], l0) && (l0 >= 2 || i == 1))
			moves = true;
	go_up(c->s, levels);
	int rc = cfg_session_dispatch(c->s, c->w, r, cfg_daemon_cfgmode_schema(c->d), c->out);
	if (!moves && cfg_session_in_config(c->s))
		cfg_session_set_edit(c->s, save, n);
	for (size_t i = 0; i < n && i < MAX_PATH_STEPS; i++)
		free(vals[i]);
	return rc;
}

static int h_up(struct cfg_cmd *c)
{
	const char *v = cfg_cmd_value(c, "count");
	size_t n = v ? strtoul(v, NULL, 10) : 1;
	size_t r = cfg_cmd_rest(c);
	if (r < c->end && c->w->w[r].s != v)
		return run_above(c, r, n ? n : 1);
	go_up(c->s, n ? n : 1);
	return 0;
}

static int h_top(struct cfg_cmd *c)
{
	size_t r = cfg_cmd_rest(c);
	if (r >= c->end) {
		cfg_session_set_edit(c->s, NULL, 0);
		cfg_session_edit_forget(c->s);
		return 0;
	}
	return run_above(c, r, MAX_PATH_STEPS);
}

static int exit_answer(struct cfg_session *s, void *ctx, const char *in, size_t len, bool eof,
                       struct cfg_buf *out)
{
	(void)ctx;
	(void)eof;
	if (!yes(in, len, true))
		return 0;
	cfg_session_leave_config(s);
	cfg_buf_puts(out, "Exiting configuration mode\n");
	return 0;
}

static int config_exit(struct cfg_cmd *c, bool whole)
{
	size_t depth;
	cfg_session_edit(c->s, &depth);
	if (depth && !whole) {
		/* Junos: back to the level of the previous `edit` */
		size_t prev;
		bool popped;
		while ((popped = cfg_session_edit_pop(c->s, &prev)) && prev >= depth)
			; /* a level `up` already left */
		go_up(c->s, popped ? depth - prev : 1);
		return 0;
	}
	if (cfg_session_cand_changed(c->s)) {
		cfg_buf_puts(c->out, "The configuration has been changed but not committed\n");
		return cfg_session_ask(c->s, CFG_ASK_LINE, "Exit with uncommitted changes? [yes,no] (yes) ",
		                       exit_answer, NULL, NULL, c->out);
	}
	cfg_session_leave_config(c->s);
	cfg_buf_puts(c->out, "Exiting configuration mode\n");
	return 0;
}

static int h_exit(struct cfg_cmd *c)
{
	if (cfg_session_in_config(c->s))
		return config_exit(c, cfg_cmd_has(c, "configuration-mode"));
	cfg_session_end(c->s);
	return 0;
}

static int h_run(struct cfg_cmd *c)
{
	size_t r = cfg_cmd_rest(c);
	return cfg_session_dispatch(c->s, c->w, r, cfg_daemon_ops_schema(c->d), c->out);
}

/* `Users currently editing the configuration:` and each session in
 * configuration mode (but SKIP), as `status` and `configure` print them.
 * Nothing when there is none but SKIP and !ALWAYS. */
static void editors(struct cfg_cmd *c, const struct cfg_session *skip, bool always)
{
	struct cfg_session *s;
	bool any = always;
	for (size_t i = 0; !any && (s = cfg_daemon_session_at(c->d, i)); i++)
		any = s != skip && cfg_session_in_config(s);
	if (!any)
		return;
	cfg_buf_puts(c->out, "Users currently editing the configuration:\n");
	for (size_t i = 0; (s = cfg_daemon_session_at(c->d, i)); i++) {
		if (!cfg_session_in_config(s) || s == skip)
			continue;
		cfg_session_describe(s, c->out);
		cfg_buf_puts(c->out, "      ");
		if (cfg_daemon_lock_owner(c->d) == s)
			cfg_buf_puts(c->out, "exclusive ");
		else if (cfg_session_cand_mode(s) == CFG_CAND_PRIVATE)
			cfg_buf_puts(c->out, "private ");
		cfg_session_render_edit(s, c->out);
		cfg_buf_putc(c->out, '\n');
	}
}

static int h_status(struct cfg_cmd *c)
{
	editors(c, NULL, true);
	return 0;
}

/* ----------------------------------------------------- system information */

/* How long ago, as Junos's `show system uptime` writes it: "00:34:38"
 * under a day, "6d 04:03", "3w0d 00:34". */
static void ago_text(struct cfg_buf *b, long secs)
{
	if (secs < 0)
		secs = 0;
	long w = secs / 604800, d = secs % 604800 / 86400, h = secs % 86400 / 3600, m = secs % 3600 / 60;
	if (secs < 86400)
		cfg_buf_printf(b, "%02ld:%02ld:%02ld", h, m, secs % 60);
	else if (w)
		cfg_buf_printf(b, "%ldw%ldd %02ld:%02ld", w, d, h, m);
	else
		cfg_buf_printf(b, "%ldd %02ld:%02ld", d, h, m);
}

/* The `up ...` of the BSD uptime line Junos prints ("21 days,  4:04",
 * "34 mins", "2 hrs", "1 day, 12 secs"), as FreeBSD's w(1). */
static void up_text(struct cfg_buf *b, long secs)
{
	if (secs < 0)
		secs = 0;
	long d = secs / 86400, h = secs % 86400 / 3600, m = secs % 3600 / 60;
	if (d)
		cfg_buf_printf(b, "%ld day%s,", d, d == 1 ? "" : "s");
	if (h && m)
		cfg_buf_printf(b, "%s%ld:%02ld", d ? "  " : "", h, m); /* w(1): " %2d:%02d" */
	else if (h)
		cfg_buf_printf(b, "%s%ld hr%s", d ? " " : "", h, h == 1 ? "" : "s");
	else if (m)
		cfg_buf_printf(b, "%s%ld min%s", d ? " " : "", m, m == 1 ? "" : "s");
	else if (!d)
		cfg_buf_printf(b, "%ld sec%s", secs % 60, secs % 60 == 1 ? "" : "s");
	if (d && !h && !m)
		b->len--, b->p[b->len] = 0; /* "1 day," alone: no trailing comma */
}

/* nfx's own identity in Junos's `show version` layout. */
#define SYS_MODEL "nfx"

/* `show version`: <software-information>, as Junos prints it:
 *   Hostname: jdm
 *   Model: nfx
 *   Junos: 0.1.0
 *   nfx Device Manager (JDM) [0.1.0]
 * (Junos: "Hostname:", "Model:", "Junos:", then one line per package,
 * "NAME [VERSION]", the <package-information><comment>). */
static void version_text(struct cfg_buf *out, const struct cfg_reply *r, void *arg)
{
	(void)arg;
	const struct cfg_rel *e = cfg_reply_root(r);
	const char *host = cfg_rel_value(e, "host-name");
	if (host)
		cfg_buf_printf(out, "Hostname: %s\n", host);
	cfg_buf_printf(out, "Model: %s\n", cfg_rel_str(e, "product-model", ""));
	cfg_buf_printf(out, "Junos: %s\n", cfg_rel_str(e, "junos-version", ""));
	for (const struct cfg_rel *p = cfg_rel_child(e, "package-information"); p; p = cfg_rel_next_same(p))
		cfg_buf_printf(out, "%s\n", cfg_rel_str(p, "comment", ""));
}

static int h_show_version(struct cfg_cmd *c)
{
	struct cfg_reply *r = cfg_reply_new("software-information");
	struct cfg_rel *e = cfg_reply_root(r);
	const char *host = cfg_daemon_host(c->d);
	bool jcp = !strcmp(cfg_daemon_name(c->d), "jcp");
	if (host && *host)
		cfg_rel_leaf(e, "host-name", host);
	cfg_rel_leaf(e, "product-model", SYS_MODEL);
	cfg_rel_leaf(e, "product-name", SYS_MODEL);
	cfg_rel_leaf(e, "junos-version", NFX_VERSION);
	struct cfg_rel *pk = cfg_rel_add(e, "package-information");
	cfg_rel_leaf(pk, "name", jcp ? "jcpd" : "jdmd");
	cfg_rel_leaff(pk, "comment", "nfx %s [%s]", jcp ? "Control Plane (JCP)" : "Device Manager (JDM)",
	              NFX_VERSION);
	return cfg_reply_emit(r, &c->disp, c->out, version_text, NULL);
}

/* A <NAME> element with the date-time of T and, when AGO >= 0, how long
 * ago that was (<time-length> as Junos writes it, and <seconds>). */
static struct cfg_rel *time_el(struct cfg_rel *p, const char *name, time_t t, long ago)
{
	struct cfg_rel *e = cfg_rel_add(p, name);
	char tb[64];
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(tb, sizeof tb, "%Y-%m-%d %H:%M:%S UTC", &tm);
	cfg_rel_leaf(e, "date-time", tb);
	if (ago >= 0) {
		struct cfg_buf b;
		cfg_buf_init(&b);
		ago_text(&b, ago);
		cfg_rel_leaf(e, "time-length", b.p);
		cfg_buf_free(&b);
		cfg_rel_leaff(e, "seconds", "%ld", ago);
	}
	return e;
}

/* <uptime-information>: the BSD uptime line of `show system uptime` and
 * `show system users`, for NOW, the host up UP seconds, NUSERS sessions. */
static void uptime_info(struct cfg_rel *root, time_t now, long up, size_t nusers)
{
	struct cfg_rel *u = cfg_rel_add(root, "uptime-information");
	char tb[16];
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(tb, sizeof tb, "%l:%M%p", &tm);
	cfg_rel_leaf(u, "date-time", tb[0] == ' ' ? tb + 1 : tb);
	struct cfg_buf b;
	cfg_buf_init(&b);
	up_text(&b, up);
	cfg_rel_leaf(u, "up-time", b.p);
	cfg_buf_free(&b);
	cfg_rel_leaff(u, "active-user-count", "%zu", nusers);
	double la[3];
	if (getloadavg(la, 3) == 3) {
		cfg_rel_leaff(u, "load-average-1", "%.2f", la[0]);
		cfg_rel_leaff(u, "load-average-5", "%.2f", la[1]);
		cfg_rel_leaff(u, "load-average-15", "%.2f", la[2]);
	}
}

/* " 9:04AM  up 21 days,  4:04, 2 users, load averages: 0.28, 0.34, 0.31" */
static void uptime_line(struct cfg_buf *out, const struct cfg_rel *u)
{
	if (!u)
		return;
	const char *n = cfg_rel_str(u, "active-user-count", "0");
	const char *ut = cfg_rel_str(u, "up-time", "");
	/* w(1) writes hours "%2d": "up  1:28", "up 12:05" */
	cfg_buf_printf(out, "%7s  up %s%s, %s user%s", cfg_rel_str(u, "date-time", ""),
	               ut[0] && ut[1] == ':' ? " " : "", ut, n, strcmp(n, "1") ? "s" : "");
	if (cfg_rel_value(u, "load-average-1"))
		cfg_buf_printf(out, ", load averages: %s, %s, %s", cfg_rel_str(u, "load-average-1", ""),
		               cfg_rel_str(u, "load-average-5", ""), cfg_rel_str(u, "load-average-15", ""));
	cfg_buf_putc(out, '\n');
}

static long host_uptime(void)
{
	FILE *f = fopen("/proc/uptime", "re");
	double up = -1;
	if (f && fscanf(f, "%lf", &up) != 1)
		up = -1;
	if (f)
		fclose(f);
	return (long)up;
}

static size_t session_count(struct cfg_daemon *d)
{
	size_t n = 0;
	while (cfg_daemon_session_at(d, n))
		n++;
	return n;
}

/* `show system uptime`, in Junos's layout:
 *   Current time: 2026-12-01 09:04:11 UTC
 *   System booted: 2026-12-01 08:29:33 UTC (00:34:38 ago)
 *   Protocols started: 2026-12-01 08:30:02 UTC (00:34:09 ago)
 *   Last configured: 2026-12-01 09:01:40 UTC (00:02:31 ago) by root
 *    9:04AM  up 34 mins, 1 user, load averages: 0.28, 0.34, 0.31
 * (protocols: this daemon; last configured: the active revision) */
static void uptime_reply_text(struct cfg_buf *out, const struct cfg_reply *r, void *arg)
{
	(void)arg;
	const struct cfg_rel *root = cfg_reply_root(r);
	static const struct { const char *el, *label; } rows[] = {
		{"system-booted-time", "System booted:"},
		{"protocols-started-time", "Protocols started:"},
		{"last-configured-time", "Last configured:"},
	};
	cfg_buf_printf(out, "Current time: %s\n", cfg_rel_str(cfg_rel_child(root, "current-time"), "date-time", ""));
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		const struct cfg_rel *e = cfg_rel_child(root, rows[i].el);
		if (!e)
			continue;
		cfg_buf_printf(out, "%s %s (%s ago)", rows[i].label, cfg_rel_str(e, "date-time", ""),
		               cfg_rel_str(e, "time-length", ""));
		if (cfg_rel_value(e, "user"))
			cfg_buf_printf(out, " by %s", cfg_rel_value(e, "user"));
		cfg_buf_putc(out, '\n');
	}
	uptime_line(out, cfg_rel_child(root, "uptime-information"));
}

static int h_show_uptime(struct cfg_cmd *c)
{
	time_t now = time(NULL);
	struct cfg_reply *r = cfg_reply_new("system-uptime-information");
	struct cfg_rel *root = cfg_reply_root(r);
	time_el(root, "current-time", now, -1);
	long up = host_uptime();
	if (up >= 0)
		time_el(root, "system-booted-time", now - (time_t)up, up);
	time_el(root, "protocols-started-time", cfg_daemon_started(c->d),
	        (long)(now - cfg_daemon_started(c->d)));
	struct cfg_rev_info info;
	if (cfg_store_get(cfg_daemon_store(c->d), 0, NULL, NULL, &info) == 0)
		cfg_rel_leaf(time_el(root, "last-configured-time", (time_t)info.time, (long)(now - (time_t)info.time)),
		             "user", info.user);
	uptime_info(root, now, up, session_count(c->d));
	return cfg_reply_emit(r, &c->disp, c->out, uptime_reply_text, NULL);
}

/* `show system users`: who is connected to this daemon's CLI, as Junos
 * prints it (FreeBSD's w(1)):
 *    9:04AM  up 34 mins, 2 users, load averages: 0.28, 0.34, 0.31
 *   USER     TTY      FROM                              LOGIN@  IDLE WHAT
 *   root     p1       -                                  9:01AM     - cli */
static void users_text(struct cfg_buf *out, const struct cfg_reply *r, void *arg)
{
	(void)arg;
	uptime_line(out, cfg_rel_child(cfg_reply_root(r), "uptime-information"));
	cfg_buf_printf(out, "%-8s %-8s %-32s  %s\n", "USER", "TTY", "FROM", "LOGIN@  IDLE WHAT");
	for (const struct cfg_rel *u = cfg_rel_child(cfg_reply_root(r), "user-entry"); u;
	     u = cfg_rel_next_same(u))
		cfg_buf_printf(out, "%-8s %-8s %-32s %7s %5s %s\n", cfg_rel_str(u, "user", ""),
		               cfg_rel_str(u, "tty", ""), cfg_rel_str(u, "from", "-"),
		               cfg_rel_str(u, "login-time", ""), cfg_rel_str(u, "idle-time", "-"),
		               cfg_rel_str(u, "command", ""));
}

/* LOGIN@ as w(1): " 9:04AM" today, "Fri10AM" this week, "12Jan26" before. */
static void login_text(char *tb, size_t n, time_t t, time_t now)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(tb, n, now - t < 86400 ? "%l:%M%p" : now - t < 6 * 86400 ? "%a%I%p" : "%d%b%y", &tm);
	if (tb[0] == ' ')
		memmove(tb, tb + 1, strlen(tb));
}

/* IDLE as w(1): "-" under a minute, minutes, H:MM, Ndays. */
static void idle_text(char *tb, size_t n, long idle)
{
	if (idle < 60)
		snprintf(tb, n, "-");
	else if (idle < 3600)
		snprintf(tb, n, "%ld", idle / 60);
	else if (idle < 86400)
		snprintf(tb, n, "%ld:%02ld", idle / 3600, idle % 3600 / 60);
	else
		snprintf(tb, n, "%lddays", idle / 86400);
}

static int h_show_users(struct cfg_cmd *c)
{
	time_t now = time(NULL);
	struct cfg_reply *r = cfg_reply_new("system-users-information");
	uptime_info(cfg_reply_root(r), now, host_uptime(), session_count(c->d));
	struct cfg_session *s;
	for (size_t i = 0; (s = cfg_daemon_session_at(c->d, i)); i++) {
		char tb[32];
		time_t t = cfg_session_since(s), last = t, when;
		for (size_t k = 0; cfg_session_history(s, k, &when); k++)
			last = when;
		struct cfg_rel *u = cfg_rel_add(cfg_reply_root(r), "user-entry");
		cfg_rel_leaf(u, "user", cfg_session_user(s));
		cfg_rel_leaff(u, "tty", "p%u", cfg_session_id(s));
		const char *from = cfg_session_client(s);
		cfg_rel_leaf(u, "from", from && *from && strcmp(from, "cli") ? from : "-");
		login_text(tb, sizeof tb, t, now);
		cfg_rel_leaf(u, "login-time", tb);
		idle_text(tb, sizeof tb, s == c->s ? 0 : (long)(now - last));
		cfg_rel_leaf(u, "idle-time", tb);
		cfg_rel_leaf(u, "command", cfg_session_in_config(s) ? "cli (configure)" : "cli");
	}
	return cfg_reply_emit(r, &c->disp, c->out, users_text, NULL);
}

/* ---------------------------------------------------------------- show */

/* What Junos says about the configuration shown (cfg_render_meta): the
 * active revision's commit (ACTIVE: `show configuration`), or, in
 * configuration mode, when the candidate changed (the last commit when it
 * has no changes of its own). INFO receives the revision (its strings are
 * M's). */
static void show_meta(struct cfg_cmd *c, bool active, struct cfg_rev_info *info, struct cfg_render_meta *m)
{
	m->seconds = -1;
	m->user = NULL;
	m->banner = c->disp.banner;
	if (cfg_store_get(cfg_daemon_store(c->d), 0, NULL, NULL, info) == 0) {
		m->seconds = (long long)info->time;
		if (active)
			m->user = info->user;
	}
	if (!active && cfg_session_cand_changed(c->s)) {
		time_t t = cfg_daemon_candidate_changed(c->d);
		m->seconds = t > 0 ? (long long)t : (long long)time(NULL);
	}
}

/* The first line of the whole configuration in curly format, as Junos:
 * `## Last commit: 2026-12-01 09:04:11 UTC by root` (show configuration),
 * `## Last changed: 2026-12-01 09:04:11 UTC` (show in configuration mode). */
static void show_header(struct cfg_cmd *c, bool active)
{
	struct cfg_rev_info info;
	struct cfg_render_meta m;
	show_meta(c, active, &info, &m);
	if (m.seconds < 0)
		return;
	time_t t = (time_t)m.seconds;
	struct tm tm;
	char tb[64];
	gmtime_r(&t, &tm);
	strftime(tb, sizeof tb, "%Y-%m-%d %H:%M:%S UTC", &tm);
	if (m.user)
		cfg_buf_printf(c->out, "## Last commit: %s by %s\n", tb, m.user);
	else
		cfg_buf_printf(c->out, "## Last changed: %s\n", tb);
}

/* Render what PATH names in T as `show` does, honouring `| display`. */
static void render_show(struct cfg_cmd *c, const struct cpath *cp, const struct cfg_tree *t,
                        bool whole, bool active)
{
	struct cfg_rev_info info;
	struct cfg_render_meta meta;
	show_meta(c, active, &info, &meta);
	struct cfg_node *nodes[4096];
	size_t k = cpath_nodes(cp, t, nodes, 4096);
	const struct cfg_pipe_display *d = &c->disp;
	unsigned sec = cfg_session_may_see_secrets(c->s) ? CFG_R_SECRETS : 0;
	for (size_t i = 0; i < k; i++) {
		struct cfg_node *n = nodes[i];
		bool container = n == cfg_tree_root(t) || n->schema->kind == CFG_CONTAINER ||
		                 (n->schema->kind == CFG_LIST && whole);
		bool entry = !container && n->schema->kind == CFG_LIST && !whole;
		if (d->set)
			cfg_render_set(c->out, n, d->relative, sec);
		else if (d->xml && d->bare)
			cfg_render_xml(c->out, n, sec); /* a 'Q' answer: the element alone */
		else if (d->xml)
			cfg_render_xml_rpc(c->out, n, sec, &meta);
		else if (d->json)
			cfg_render_json_meta(c->out, n, sec, &meta);
		else if (container)
			cfg_render_curly(c->out, n, 0, sec);
		else if (entry) {
			/* `show vlans`: the entries of the list, without its keyword */
			if (n->annotation)
				cfg_buf_printf(c->out, "/* %s */\n", n->annotation);
			if (n->flags & CFG_N_INACTIVE)
				cfg_buf_puts(c->out, "inactive: ");
			cfg_quote(c->out, n->value);
			if (n->child) {
				cfg_buf_puts(c->out, " {\n");
				cfg_render_curly(c->out, n, 4, sec);
				cfg_buf_puts(c->out, "}\n");
			} else {
				cfg_buf_puts(c->out, ";\n");
			}
		} else
			cfg_render_curly_node(c->out, n, 0, sec);
	}
}

static int show_compare(struct cfg_cmd *c, const struct cpath *cp, const struct cfg_tree *old_t,
                        const struct cfg_tree *new_t)
{
	struct cfg_node *o = cp->n ? cfg_tree_find(old_t, NULL, cp->full, cp->n) : cfg_tree_root(old_t);
	struct cfg_node *n = cp->n ? cfg_tree_find(new_t, NULL, cp->full, cp->n) : cfg_tree_root(new_t);
	cfg_render_compare(c->out, o, n, cfg_session_may_see_secrets(c->s) ? CFG_R_SECRETS : 0);
	return 0;
}

static int show_tree(struct cfg_cmd *c, const struct cfg_tree *t, bool root, bool active)
{
	struct cpath cp;
	int rc = -1;
	if (parse_cpath(c, cfg_cmd_rest(c), c->end, CFG_PM_PATH, t, root, &cp) < 0)
		goto out;
	if (c->disp.compare) {
		struct cfg_tree *old = NULL;
		const struct cfg_tree *oldt;
		if (c->disp.compare_file) {
			/* `| compare FILE`: the cli reads FILE as the user, then the
			   line runs again with its text */
			size_t tl;
			const char *txt = cfg_session_compare_text(c->s, &tl);
			if (!txt) {
				rc = cfg_session_compare_file(c->s, c->disp.compare_file, c->out);
				goto out;
			}
			struct cfg_buf errs;
			cfg_buf_init(&errs);
			long nerr = 0;
			old = cfg_curly_parse(cfg_daemon_schema(c->d), txt, tl, c->disp.compare_file, &errs, &nerr);
			if (!old || nerr) {
				cfg_buf_add(c->out, errs.p ? errs.p : "", errs.len);
				cfg_buf_free(&errs);
				cfg_tree_free(old);
				cfg_buf_printf(c->out, "error: %s: not a configuration file\n", c->disp.compare_file);
				goto out;
			}
			cfg_buf_free(&errs);
			oldt = old;
		} else if (c->disp.compare_rollback >= 0) {
			old = cfg_daemon_load_rev(c->d, (unsigned)c->disp.compare_rollback);
			if (!old) {
				cfg_buf_printf(c->out, "error: %s\n", cfg_err_msg());
				goto out;
			}
			oldt = old;
		} else {
			oldt = cfg_daemon_active(c->d);
		}
		/* operational `show configuration | compare rollback N`: N against active */
		rc = show_compare(c, &cp, oldt, active ? cfg_daemon_active(c->d) : t);
		cfg_tree_free(old);
		goto out;
	}
	bool whole = cp.n == 0 || (cp.p.n == 0) || cp.full[cp.n - 1].value ||
	             cp.full[cp.n - 1].schema->kind == CFG_CONTAINER;
	(void)whole;
	if (cp.n == 0 && !c->disp.set && !c->disp.xml && !c->disp.json)
		show_header(c, active);
	render_show(c, &cp, t, cp.n > 0 && cp.full[cp.n - 1].schema->kind == CFG_LIST &&
	                           cp.full[cp.n - 1].value, active);
	rc = 0;
out:
	cpath_free(&cp);
	return rc;
}

static int h_show(struct cfg_cmd *c)
{
	return show_tree(c, cfg_session_cand(c->s), false, false);
}

static int h_show_configuration(struct cfg_cmd *c)
{
	return show_tree(c, cfg_daemon_active(c->d), true, true);
}

/* -------------------------------------------------------------- commit */

/* What `commit` does once its job ends. */
struct commit_cont {
	bool confirmed, and_quit;
	unsigned minutes;
	char *pipe; /* "| match x": the output pipes, applied to the result (owned) */
};

/* The pipe words of C's line as text that lexes back to them. */
static char *pipe_text(const struct cfg_cmd *c)
{
	if (!c->has_pipe || c->w->pipe >= c->w->n)
		return NULL;
	struct cfg_buf b;
	cfg_buf_init(&b);
	cfg_buf_puts(&b, "|");
	for (size_t i = c->w->pipe; i < c->w->n; i++) {
		const struct cfg_word *wd = &c->w->w[i];
		cfg_buf_putc(&b, ' ');
		if (!wd->quoted && !strcmp(wd->s, "|"))
			cfg_buf_puts(&b, "|");
		else if (wd->quoted)
			cfg_quote(&b, wd->s);
		else
			cfg_buf_puts(&b, wd->s);
	}
	return cfg_buf_steal(&b);
}

/* Apply K's pipes to OUT as the dispatcher does for other commands. */
static int commit_pipe(struct cfg_session *s, struct cfg_daemon *d, const char *pipe,
                       struct cfg_buf *out)
{
	(void)d;
	struct cfg_words w = {0};
	size_t errcol = 0;
	int rc = 0;
	if (cfg_lex(pipe, &w, &errcol) == 0) {
		if (cfg_session_apply_pipes(s, &w, out) < 0) {
			const char *m = cfg_err_msg();
			cfg_buf_reset(out);
			cfg_buf_printf(out, "error: %s\n", *m ? m : "pipe failed");
			rc = -1;
		}
	}
	cfg_words_free(&w);
	return rc;
}

static void commit_done(void *ctx, struct cfg_daemon *d, struct cfg_session *s, int rc,
                        struct cfg_buf *res)
{
	struct commit_cont *k = ctx;
	struct cfg_buf out;
	cfg_buf_init(&out);
	cfg_buf_add(&out, res->p ? res->p : "", res->len);
	if (rc == 0) {
		/* the deadline was stored with the revision (or cancelled) */
		if (k->confirmed)
			cfg_buf_printf(&out,
			               "commit confirmed will be automatically rolled back in %u minutes unless confirmed\n",
			               k->minutes);
		cfg_buf_puts(&out, "commit complete\n");
		if (s && cfg_session_cand_mode(s) == CFG_CAND_PRIVATE) {
			/* the private copy continues from the new active configuration */
			cfg_session_private_rebase(s);
		}
		if (s && k->and_quit) {
			cfg_session_leave_config(s);
			cfg_buf_puts(&out, "Exiting configuration mode\n");
		}
	}
	if (s && k->pipe && rc == 0 && commit_pipe(s, d, k->pipe, &out) < 0)
		rc = -1;
	if (s)
		cfg_session_resume(s, rc, &out);
	cfg_buf_free(&out);
	free(k->pipe);
	free(k);
}

static int h_commit(struct cfg_cmd *c)
{
	struct cfg_session *s = c->s;
	struct cfg_tree *cand = cfg_session_cand_commit(s, c->out);
	if (!cand)
		return -1;
	bool check = cfg_cmd_has(c, "check");
	bool confirmed = cfg_cmd_has(c, "confirmed");
	bool and_quit = cfg_cmd_has(c, "and-quit");
	const char *comment = cfg_cmd_value(c, "comment");
	unsigned minutes = 10;
	const char *mv = cfg_cmd_value(c, "minutes");
	if (mv)
		minutes = (unsigned)strtoul(mv, NULL, 10);
	if (!minutes)
		minutes = 10;

	if (cfg_session_cand_mode(s) == CFG_CAND_PRIVATE && !check) {
		if (cfg_daemon_active_seq(c->d) != cfg_session_priv_base(s)) {
			/* someone committed since `configure private`: merge our
			   changes into the active configuration, or say what conflicts */
			struct cfg_buf conf;
			cfg_buf_init(&conf);
			size_t nconf = 0;
			struct cfg_tree *merged = cfg_merge3(cfg_session_priv_base_tree(s), cand,
			                                     cfg_daemon_active(c->d), &conf, &nconf);
			if (!merged) {
				cfg_buf_add(c->out, conf.p ? conf.p : "", conf.len);
				/* Junos: the conflict is reported once; the private copy now
				   holds the active configuration with this session's changes
				   over it, and the next commit applies that */
				struct cfg_tree *mine = cfg_edit_mine_wins(cfg_session_priv_base_tree(s), cand,
				                                           cfg_daemon_active(c->d));
				if (mine) {
					cfg_session_set_cand(s, mine);
					cfg_session_private_base_now(s);
				}
				cfg_buf_puts(c->out, mine ? "error: commit failed: (merge conflicts with the active "
				                            "configuration)\n"
				                          : "error: commit failed: (merge conflicts with the active "
				                            "configuration; resolve them or exit and configure again)\n");
				if (mine)
					cfg_buf_puts(c->out, "warning: this session's changes now override the "
					                     "conflicting statements; commit again to apply them\n");
				cfg_buf_free(&conf);
				return -1;
			}
			cfg_buf_free(&conf);
			cfg_session_set_cand(s, merged);
			cand = merged;
		}
	}
	const char *at = cfg_cmd_value(c, "at");
	time_t pending_at;
	char pending_user[64];
	if (!check && cfg_opcmd_commit_pending(c->d, &pending_at, pending_user, sizeof pending_user)) {
		/* Junos: no other commit until the scheduled one is done */
		char tb[64];
		cfg_buf_printf(c->out, "error: commit failed: (a commit at %s is pending; "
		                       "'clear system commit' cancels it)\n",
		               cfg_session_fmt_time(pending_at, tb, sizeof tb));
		return -1;
	}
	if (at && !check)
		return cfg_opcmd_commit_at(c, cand, at, comment);
	if (check) {
		/* synchronous: validation only, on the loop */
		struct cfg_findings fs = {0};
		int rc = cfg_commit_check(cfg_daemon_active(c->d), cand, cfg_daemon_subsys(c->d), &fs);
		cfg_findings_render(c->out, &fs);
		cfg_findings_free(&fs);
		if (rc < 0)
			return -1;
		cfg_buf_puts(c->out, "configuration check succeeds\n");
		return 0;
	}
	/* the apply runs as a job off the loop; the session waits for it */
	struct commit_cont *k = calloc(1, sizeof *k);
	if (!k)
		return cfg_err_set("out of memory");
	*k = (struct commit_cont){.confirmed = confirmed, .and_quit = and_quit, .minutes = minutes,
	                          .pipe = pipe_text(c)};
	int rc = cfg_session_wait(s, c->out);
	if (cfg_daemon_commit_start(c->d, s, cand, NULL, cfg_session_user(s), cfg_session_client(s),
	                            comment, confirmed ? (int)minutes : 0, commit_done, k) < 0) {
		free(k->pipe);
		free(k);
		struct cfg_buf out;
		cfg_buf_init(&out);
		cfg_buf_printf(&out, "error: commit failed: (%s)\n", cfg_err_msg());
		cfg_session_resume(s, -1, &out);
		cfg_buf_free(&out);
	}
	return rc;
}

static int h_rollback(struct cfg_cmd *c)
{
	const char *v = cfg_cmd_value(c, "number");
	unsigned n = v ? (unsigned)strtoul(v, NULL, 10) : 0;
	if (perm_edit_tree(c, NULL) < 0)
		return -1;
	if (!cfg_session_cand_rw(c->s, c->out))
		return -1;
	struct cfg_tree *t = cfg_daemon_load_rev(c->d, n);
	if (!t) {
		if (n == 0) {
			if (cfg_store_get(cfg_daemon_store(c->d), 0, NULL, NULL, NULL) == 1)
				t = cfg_tree_new(cfg_daemon_schema(c->d));
		}
		if (!t)
			return -1; /* cfg_err set by cfg_daemon_load_rev */
	}
	cfg_session_set_cand(c->s, t);
	cfg_buf_puts(c->out, "load complete\n");
	return 0;
}

/* ---------------------------------------------------------------- load */

enum lmode { LD_SET, LD_MERGE, LD_OVERRIDE, LD_REPLACE, LD_UPDATE, LD_PATCH };

struct loadctx {
	enum lmode mode;
	bool relative;
	char *file; /* owned; NULL for `terminal` */
};

static void loadctx_free(void *p)
{
	struct loadctx *x = p;
	if (x)
		free(x->file);
	free(x);
}

static int do_load(struct cfg_session *s, enum lmode mode, bool relative, const char *text,
                   size_t len, const char *source, struct cfg_buf *out)
{
	struct cfg_tree *t = cfg_session_cand_rw(s, out);
	if (!t)
		return -1;
	struct cfg_node *at = NULL;
	if (relative) {
		size_t ne;
		const struct cfg_step *ed = cfg_session_edit(s, &ne);
		if (ne) {
			at = cfg_tree_find(t, NULL, ed, ne);
			if (!at)
				at = cfg_tree_set(t, NULL, ed, ne);
			if (!at)
				return cfg_err_set("cannot create the edit level");
		}
	}
	struct cfg_buf errs, xml;
	cfg_buf_init(&errs);
	cfg_buf_init(&xml);
	long bad;
	cfg_err_clear();
	/* configuration XML (what `| display xml` prints), as Junos's load
	   takes it: into set lines (merge, replace) or curly text (cfg_xml.h) */
	bool is_xml = mode != LD_SET && mode != LD_PATCH && cfg_xml_detect(text, len);
	if (is_xml) {
		bool curly = mode == LD_OVERRIDE || mode == LD_UPDATE;
		if (cfg_xml_to_text(cfg_tree_schema(t), text, len, source, curly, &xml, &errs) < 0) {
			mode = LD_MERGE; /* "load failed (1 errors)" */
			bad = 1;
			goto loaded;
		}
		text = xml.p ? xml.p : "";
		len = xml.len;
		if (!curly) {
			/* all or nothing, as a curly load */
			bad = cfg_load_set(t, at, text, len, source, CFG_LOAD_ALL_OR_NOTHING, &errs);
			goto loaded;
		}
	}
	if (mode == LD_SET) {
		bad = cfg_load_set(t, at, text, len, source, 0, &errs);
	} else if (mode == LD_PATCH) {
		/* on a copy: a patch with an error changes nothing */
		struct cfg_tree *cp = cfg_tree_dup(t);
		bad = cp ? cfg_edit_patch(cp, text, len, source, &errs) : cfg_err_set("out of memory");
		if (bad == 0)
			cfg_session_set_cand(s, cp);
		else
			cfg_tree_free(cp);
	} else {
		enum cfg_curly_mode cm = mode == LD_MERGE ? CFG_CURLY_MERGE
		                       : mode == LD_OVERRIDE ? CFG_CURLY_OVERRIDE
		                       : mode == LD_REPLACE ? CFG_CURLY_REPLACE : CFG_CURLY_UPDATE;
		bad = cfg_curly_load(t, at, text, len, source, cm, &errs);
	}
loaded:
	cfg_buf_free(&xml);
	size_t errs_len = errs.len;
	if (errs.len)
		cfg_buf_add(out, errs.p, errs.len);
	cfg_buf_free(&errs);
	if (bad < 0) {
		if (!errs_len) /* nothing printed: the caller reports cfg_err */
			return *cfg_err_msg() ? -1 : cfg_err_set("load failed");
		cfg_buf_printf(out, "error: %s\n", *cfg_err_msg() ? cfg_err_msg() : "load failed");
		return -1;
	}
	if (bad == 0) {
		cfg_buf_puts(out, "load complete\n");
		return 0;
	}
	/* load set loads the good lines (Junos: "load complete (N errors)");
	 * a curly load with an error loads nothing, as Junos's load merge:
	 * "load failed (N errors)" */
	cfg_buf_printf(out, "load %s (%ld errors)\n", mode == LD_SET ? "complete" : "failed", bad);
	return -1;
}

static int load_terminal_answer(struct cfg_session *s, void *ctx, const char *in, size_t len,
                                bool eof, struct cfg_buf *out)
{
	(void)eof;
	struct loadctx *x = ctx;
	return do_load(s, x->mode, x->relative, in, len, "terminal", out);
}

/* The client's answer to an ASK_FILE (cfg_proto.h): the file's contents, or
 * (EOF set) why the user could not read it. The daemon itself never opens
 * the file: the `cli` reads it with the rights of the user who asked. */
static int load_file_answer(struct cfg_session *s, void *ctx, const char *in, size_t len,
                            bool eof, struct cfg_buf *out)
{
	struct loadctx *x = ctx;
	if (eof) {
		int n = len > 200 ? 200 : (int)len;
		return cfg_err_set("could not open configuration file: %s: %.*s", x->file, n,
		                   len ? in : "cannot be read");
	}
	return do_load(s, x->mode, x->relative, in, len, x->file, out);
}

static int load_cmd(struct cfg_cmd *c, enum lmode mode)
{
	bool relative = cfg_cmd_has(c, "relative");
	size_t ne = 0;
	const struct cfg_step *ed = cfg_session_edit(c->s, &ne);
	if (perm_edit_tree(c, relative && ne ? ed[ne - 1].schema : NULL) < 0)
		return -1;
	if (!cfg_session_cand_rw(c->s, c->out))
		return -1;
	const char *file = cfg_cmd_value(c, "filename");
	if (!file) {
		cfg_cmd_caret(c, c->w->w[c->end - 1].end + 1, "missing argument.");
		return -1;
	}
	if (!*file || strchr(file, '\n'))
		return cfg_err_set("could not open configuration file: %s: invalid file name", file);
	struct loadctx *x = calloc(1, sizeof *x);
	if (!x)
		return cfg_err_set("out of memory");
	x->mode = mode;
	x->relative = relative;
	if (!strcmp(file, "terminal")) {
		cfg_buf_puts(c->out, "[Type ^D at a new line to end input]\n");
		return cfg_session_ask(c->s, CFG_ASK_MULTI, "", load_terminal_answer, x, loadctx_free,
		                       c->out);
	}
	x->file = strdup(file);
	if (!x->file) {
		free(x);
		return cfg_err_set("out of memory");
	}
	/* the client reads FILE as its user and streams it back */
	return cfg_session_ask(c->s, CFG_ASK_MULTI | CFG_ASK_FILE, file, load_file_answer, x,
	                       loadctx_free, c->out);
}

/* `save FILE` (configuration mode): the candidate at the edit level, as
 * `show` prints it, written by the client as its user (cfg_session_save). */
static int h_save(struct cfg_cmd *c)
{
	const char *file = cfg_cmd_value(c, "filename");
	if (!file) {
		cfg_cmd_caret(c, c->w->w[c->end - 1].end + 1, "missing argument.");
		return -1;
	}
	const struct cfg_tree *t = cfg_session_cand(c->s);
	struct cpath cp;
	if (parse_cpath(c, c->end, c->end, CFG_PM_PATH, t, false, &cp) < 0)
		return -1;
	struct cfg_buf text, *out = c->out;
	cfg_buf_init(&text);
	c->out = &text;
	render_show(c, &cp, t, false, false);
	c->out = out;
	cpath_free(&cp);
	int rc = cfg_session_save(c->s, c->out, true, file, text.p ? text.p : "", text.len);
	cfg_buf_free(&text);
	return rc;
}

static int h_load_set(struct cfg_cmd *c) { return load_cmd(c, LD_SET); }
static int h_load_merge(struct cfg_cmd *c) { return load_cmd(c, LD_MERGE); }
static int h_load_override(struct cfg_cmd *c) { return load_cmd(c, LD_OVERRIDE); }
static int h_load_replace(struct cfg_cmd *c) { return load_cmd(c, LD_REPLACE); }
static int h_load_update(struct cfg_cmd *c) { return load_cmd(c, LD_UPDATE); }
static int h_load_patch(struct cfg_cmd *c) { return load_cmd(c, LD_PATCH); }

/* ---------------------------------------------------------- operational */

static int h_configure(struct cfg_cmd *c)
{
	struct cfg_session *s = c->s;
	if (cfg_session_in_config(s))
		return 0;
	bool excl = cfg_cmd_has(c, "exclusive"), priv = cfg_cmd_has(c, "private");
	struct cfg_session *o = cfg_daemon_lock_owner(c->d);
	if ((excl || priv) && o && o != s) {
		cfg_buf_puts(c->out, "error: configuration database locked by:\n");
		cfg_session_describe(o, c->out);
		cfg_buf_puts(c->out, "      exclusive ");
		cfg_session_render_edit(o, c->out);
		cfg_buf_putc(c->out, '\n');
		return -1;
	}
	bool modified = cfg_daemon_candidate_modified(c->d);
	if ((excl || priv) && modified) {
		cfg_buf_puts(c->out, priv ? "error: shared configuration database modified\n"
		                          : "error: configuration database modified\n");
		return -1;
	}
	if (excl || priv)
		cfg_buf_puts(c->out, "warning: uncommitted changes will be discarded on exit\n");
	if (cfg_session_enter_config(s, excl ? CFG_CAND_EXCLUSIVE : priv ? CFG_CAND_PRIVATE
	                                                                 : CFG_CAND_SHARED) < 0)
		return -1;
	cfg_buf_puts(c->out, "Entering configuration mode\n");
	editors(c, s, false); /* Junos: who else is editing */
	if (!excl && !priv && modified)
		cfg_buf_puts(c->out, "The configuration has been changed but not committed\n");
	return 0;
}

/* `show system commit`: <commit-information>, one <commit-history> per
 * revision, newest (rollback 0) first. A pending commit confirmed is noted
 * on its revision's own line, as Junos prints it:
 *   0   2026-12-01 09:04:11 UTC by root via cli commit confirmed, rollback in 10mins
 * the comment on the line below, indented by 4. */
static void commit_text(struct cfg_buf *out, const struct cfg_reply *r, void *arg)
{
	(void)arg;
	const struct cfg_rel *pc = cfg_rel_child(cfg_reply_root(r), "pending-commit");
	if (pc)
		cfg_buf_printf(out, "commit requested by %s via %s at %s\n", cfg_rel_str(pc, "user", ""),
		               cfg_rel_str(pc, "client", ""), cfg_rel_str(pc, "date-time", ""));
	for (const struct cfg_rel *h = cfg_rel_child(cfg_reply_root(r), "commit-history"); h;
	     h = cfg_rel_next_same(h)) {
		cfg_buf_printf(out, "%-4s%s by %s via %s", cfg_rel_str(h, "sequence-number", ""),
		               cfg_rel_str(h, "date-time", ""), cfg_rel_str(h, "user", ""),
		               cfg_rel_str(h, "client", ""));
		const char *left = cfg_rel_value(h, "rollback-pending-minutes");
		if (left)
			cfg_buf_printf(out, " commit confirmed, rollback in %smins", left);
		cfg_buf_putc(out, '\n');
		const char *cm = cfg_rel_value(h, "comment");
		if (cm)
			cfg_buf_printf(out, "    %s\n", cm);
	}
}

static int h_show_system_commit(struct cfg_cmd *c)
{
	struct cfg_rev_info *infos = NULL;
	size_t n = 0;
	if (cfg_store_list(cfg_daemon_store(c->d), &infos, &n) < 0)
		return -1;
	long left = cfg_daemon_confirm_left(c->d);
	struct cfg_reply *r = cfg_reply_new("commit-information");
	time_t at;
	char at_user[64];
	if (cfg_opcmd_commit_pending(c->d, &at, at_user, sizeof at_user)) {
		char tb[64];
		struct cfg_rel *pc = cfg_rel_add(cfg_reply_root(r), "pending-commit");
		cfg_rel_leaf(pc, "user", at_user);
		cfg_rel_leaf(pc, "client", "cli");
		cfg_rel_leaf(pc, "date-time", cfg_session_fmt_time(at, tb, sizeof tb));
	}
	for (size_t i = 0; i < n; i++) {
		char tb[64];
		struct cfg_rel *h = cfg_rel_add(cfg_reply_root(r), "commit-history");
		cfg_rel_leaff(h, "sequence-number", "%zu", i);
		cfg_rel_leaf(h, "date-time", cfg_session_fmt_time((time_t)infos[i].time, tb, sizeof tb));
		cfg_rel_leaf(h, "user", infos[i].user);
		cfg_rel_leaf(h, "client", infos[i].client);
		if (i == 0 && left >= 0)
			cfg_rel_leaff(h, "rollback-pending-minutes", "%ld", (left + 59) / 60);
		if (infos[i].comment[0])
			cfg_rel_leaf(h, "comment", infos[i].comment);
	}
	free(infos);
	return cfg_reply_emit(r, &c->disp, c->out, commit_text, NULL);
}

/* `show cli history [N]`: <cli-history>, one <history-entry> per line. */
static void history_text(struct cfg_buf *out, const struct cfg_reply *r, void *arg)
{
	(void)arg;
	for (const struct cfg_rel *h = cfg_rel_child(cfg_reply_root(r), "history-entry"); h;
	     h = cfg_rel_next_same(h))
		cfg_buf_printf(out, "%s -- %s\n", cfg_rel_str(h, "time", ""), cfg_rel_str(h, "command", ""));
}

static int h_show_cli_history(struct cfg_cmd *c)
{
	const char *v = cfg_cmd_value(c, "count");
	size_t total = 0;
	while (cfg_session_history(c->s, total, NULL))
		total++;
	size_t want = v ? strtoul(v, NULL, 10) : total;
	size_t from = want < total ? total - want : 0;
	struct cfg_reply *r = cfg_reply_new("cli-history");
	for (size_t i = from; i < total; i++) {
		time_t when;
		const char *l = cfg_session_history(c->s, i, &when);
		struct tm tm;
		gmtime_r(&when, &tm);
		char tb[16];
		strftime(tb, sizeof tb, "%H:%M:%S", &tm);
		struct cfg_rel *h = cfg_rel_add(cfg_reply_root(r), "history-entry");
		cfg_rel_leaf(h, "time", tb);
		cfg_rel_leaf(h, "command", l);
	}
	return cfg_reply_emit(r, &c->disp, c->out, history_text, NULL);
}

/* `show cli authorization` (as Junos): the session's class and what it
 * holds, from the class table (cfg_perm.h). */
static int h_show_cli_authorization(struct cfg_cmd *c)
{
	enum cfg_class cls = cfg_session_class(c->s);
	cfg_perms p = cfg_session_perms(c->s);
	cfg_buf_printf(c->out, "Current user: '%s' class '%s'\n", cfg_session_user(c->s),
	               cfg_perm_class_name(cls) ? cfg_perm_class_name(cls) : "");
	cfg_buf_puts(c->out, "Permissions:\n");
	if (p == cfg_perm_all())
		cfg_buf_printf(c->out, "    %-19s-- %s\n", "all", "All permission bits turned on");
	else
		for (unsigned i = 0; cfg_perm_name(i); i++) {
			cfg_perms b;
			if (cfg_perm_lookup(cfg_perm_name(i), &b) == 0 && (p & b))
				cfg_buf_printf(c->out, "    %-19s-- %s\n", cfg_perm_name(i), cfg_perm_help(i));
		}
	return 0;
}

static int h_set_cli(struct cfg_cmd *c)
{
	const char *l = cfg_cmd_value(c, "screen-length");
	const char *w = cfg_cmd_value(c, "screen-width");
	cfg_session_set_screen(c->s, l ? strtol(l, NULL, 10) : -1, w ? strtol(w, NULL, 10) : -1);
	if (l) {
		cfg_buf_printf(c->out, "Screen length set to %s\n", l);
	}
	if (w)
		cfg_buf_printf(c->out, "Screen width set to %s\n", w);
	return 0;
}

int cfg_cmd_register_all(struct cfg_daemon *d)
{
	static const struct {
		const char *name;
		cfg_handler_fn fn;
	} tab[] = {
		{"set", h_set},
		{"delete", h_delete},
		{"activate", h_activate},
		{"deactivate", h_deactivate},
		{"annotate", h_annotate},
		{"rename", h_rename},
		{"copy", h_copy},
		{"insert", h_insert},
		{"wildcard_delete", h_wildcard_delete},
		{"replace_pattern", cfg_edit_replace_pattern},
		{"edit", h_edit},
		{"up", h_up},
		{"top", h_top},
		{"exit", h_exit},
		{"show", h_show},
		{"commit", h_commit},
		{"rollback", h_rollback},
		{"load_set", h_load_set},
		{"load_merge", h_load_merge},
		{"load_override", h_load_override},
		{"load_replace", h_load_replace},
		{"load_update", h_load_update},
		{"load_patch", h_load_patch},
		{"save", h_save},
		{"run", h_run},
		{"status", h_status},
		{"configure", h_configure},
		{"show_configuration", h_show_configuration},
		{"show_system_commit", h_show_system_commit},
		{"show_cli_history", h_show_cli_history},
		{"set_cli", h_set_cli},
		{"show_cli_authorization", h_show_cli_authorization},
		{"show_version", h_show_version},
		{"show_uptime", h_show_uptime},
		{"show_users", h_show_users},
	};
	for (size_t i = 0; i < sizeof tab / sizeof *tab; i++)
		if (cfg_daemon_register(d, tab[i].name, tab[i].fn) < 0)
			return -1;
	return cfg_opcmd_register_all(d);
}
