/* cfg_pipe — output pipes (see cfg_pipe.h).
 *
 * The pipe words are parsed into a small array of operations; display and
 * compare fill struct cfg_pipe_display (the command renders accordingly),
 * the text pipes run here in order over the output buffer. Pipe keywords
 * may be abbreviated to a unique prefix, as every Junos keyword. match,
 * except and find ignore case, as Junos's do (the thesis, Figure 25, finds
 * "VNF interfaces" in a section titled "VNF Interfaces").
 */
#include "cfg_pipe.h"
#include "cfg_err.h"

#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum pipe_op { P_MATCH, P_EXCEPT, P_FIND, P_COUNT, P_LAST, P_NOMORE, P_SAVE, P_DISPLAY, P_COMPARE };

static const char *const pipe_kw[] = {
	[P_MATCH] = "match", [P_EXCEPT] = "except", [P_FIND] = "find", [P_COUNT] = "count",
	[P_LAST] = "last", [P_NOMORE] = "no-more", [P_SAVE] = "save", [P_DISPLAY] = "display",
	[P_COMPARE] = "compare",
};

struct pipe {
	enum pipe_op op;
	const char *arg; /* borrowed from the words: regex, file name */
	long n;          /* last N */
};

/* Unique-prefix match of WORD among KW (N entries). Returns the index or
 * -1 with cfg_err set. */
static int keyword(const char *word, const char *const *kw, size_t n)
{
	int found = -1;
	size_t len = strlen(word);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(word, kw[i]) == 0)
			return (int)i;
		if (len && strncmp(word, kw[i], len) == 0) {
			if (found >= 0)
				return cfg_err_set("'%s' is ambiguous.", word);
			found = (int)i;
		}
	}
	if (found < 0)
		return cfg_err_set("syntax error.");
	return found;
}

static bool is_bar(const struct cfg_word *w) { return !w->quoted && strcmp(w->s, "|") == 0; }

static int parse_long(const char *s, long min, long max, long *out)
{
	char *e;
	errno = 0;
	long v = strtol(s, &e, 10);
	if (!*s || *e || errno)
		return cfg_err_set("syntax error.");
	if (v < min || v > max)
		return cfg_err_set("Value %s is not within range (%ld..%ld)", s, min, max);
	*out = v;
	return 0;
}

/* Parse words [FIRST, END) into *OPS (caller frees) and DISP. */
static int pipes_parse(const struct cfg_words *w, size_t first, size_t end, struct pipe **ops,
                       size_t *nops, struct cfg_pipe_display *disp)
{
	struct pipe *v = NULL;
	size_t n = 0;
	struct cfg_pipe_display d = { false, false, false, false, false, -1 };
	if (end > w->n)
		end = w->n;
	size_t i = first;
	while (i < end) {
		if (is_bar(&w->w[i])) {
			i++;
			continue;
		}
		int k = keyword(w->w[i].s, pipe_kw, sizeof pipe_kw / sizeof pipe_kw[0]);
		if (k < 0)
			goto fail;
		struct pipe *nv = realloc(v, (n + 1) * sizeof *nv);
		if (!nv) {
			cfg_err_set("out of memory");
			goto fail;
		}
		v = nv;
		struct pipe *p = &v[n++];
		p->op = (enum pipe_op)k;
		p->arg = NULL;
		p->n = 0;
		i++;
		bool has_arg = i < end && !is_bar(&w->w[i]);
		switch (p->op) {
		case P_MATCH:
		case P_EXCEPT:
		case P_FIND:
		case P_SAVE:
			if (!has_arg) {
				cfg_err_set("missing argument.");
				goto fail;
			}
			p->arg = w->w[i++].s;
			if (p->op != P_SAVE) {
				regex_t re;
				int rc = regcomp(&re, p->arg, REG_EXTENDED | REG_NOSUB | REG_ICASE);
				if (rc != 0) {
					char m[128];
					regerror(rc, &re, m, sizeof m);
					cfg_err_set("invalid regular expression '%s': %s", p->arg, m);
					goto fail;
				}
				regfree(&re);
			}
			break;
		case P_LAST:
			if (!has_arg) {
				cfg_err_set("missing argument.");
				goto fail;
			}
			if (parse_long(w->w[i++].s, 1, 100000, &p->n) != 0)
				goto fail;
			break;
		case P_COUNT:
		case P_NOMORE:
			break;
		case P_DISPLAY: {
			static const char *const dkw[] = { "set", "xml", "json" };
			if (!has_arg) {
				cfg_err_set("missing argument.");
				goto fail;
			}
			int dk = keyword(w->w[i++].s, dkw, 3);
			if (dk < 0)
				goto fail;
			if (dk == 0) {
				d.set = true;
				if (i < end && !is_bar(&w->w[i])) {
					static const char *const rkw[] = { "relative" };
					if (keyword(w->w[i++].s, rkw, 1) < 0)
						goto fail;
					d.relative = true;
				}
			} else if (dk == 1) {
				d.xml = true;
			} else {
				d.json = true;
			}
			break;
		}
		case P_COMPARE:
			d.compare = true;
			d.compare_rollback = -1;
			if (has_arg) {
				static const char *const ckw[] = { "rollback" };
				if (keyword(w->w[i++].s, ckw, 1) < 0)
					goto fail;
				if (i >= end || is_bar(&w->w[i])) {
					cfg_err_set("missing argument.");
					goto fail;
				}
				long r;
				if (parse_long(w->w[i++].s, 0, 49, &r) != 0)
					goto fail;
				d.compare_rollback = (int)r;
			}
			break;
		}
		if (i < end && !is_bar(&w->w[i])) {
			cfg_err_set("syntax error.");
			goto fail;
		}
	}
	if (ops)
		*ops = v;
	else
		free(v);
	if (nops)
		*nops = n;
	if (disp)
		*disp = d;
	return 0;
fail:
	free(v);
	return -1;
}

int cfg_pipe_parse(const struct cfg_words *w, size_t first, size_t end, struct cfg_pipe_display *disp)
{
	return pipes_parse(w, first, end, NULL, NULL, disp);
}

/* ------------------------------------------------------------------ */
/* text pipes                                                          */

struct line {
	size_t off, len; /* without the newline */
};

/* Split B into lines (a last line without a newline counts). */
static size_t split_lines(const struct cfg_buf *b, struct line **out)
{
	size_t n = 0, cap = 0;
	struct line *v = NULL;
	size_t i = 0;
	while (i < b->len) {
		const char *nl = memchr(b->p + i, '\n', b->len - i);
		size_t e = nl ? (size_t)(nl - b->p) : b->len;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			struct line *nv = realloc(v, cap * sizeof *nv);
			if (!nv)
				abort();
			v = nv;
		}
		v[n].off = i;
		v[n].len = e - i;
		n++;
		i = nl ? e + 1 : e;
	}
	*out = v;
	return n;
}

/* Keep lines [from, n) for which KEEP says so (KEEP NULL: all). */
static void rebuild(struct cfg_buf *b, const struct line *v, size_t from, size_t n, const bool *keep)
{
	struct cfg_buf o;
	cfg_buf_init(&o);
	cfg_buf_add(&o, "", 0);
	for (size_t i = from; i < n; i++) {
		if (keep && !keep[i])
			continue;
		cfg_buf_add(&o, b->p + v[i].off, v[i].len);
		cfg_buf_putc(&o, '\n');
	}
	cfg_buf_free(b);
	*b = o;
}

static int regex_lines(struct cfg_buf *b, const struct pipe *p)
{
	regex_t re;
	int rc = regcomp(&re, p->arg, REG_EXTENDED | REG_NOSUB | REG_ICASE);
	if (rc != 0)
		return cfg_err_set("invalid regular expression '%s'", p->arg);
	struct line *v;
	size_t n = split_lines(b, &v);
	bool *keep = calloc(n ? n : 1, sizeof *keep);
	if (!keep)
		abort();
	struct cfg_buf tmp;
	cfg_buf_init(&tmp);
	size_t from = n;
	for (size_t i = 0; i < n; i++) {
		cfg_buf_reset(&tmp);
		cfg_buf_add(&tmp, b->p + v[i].off, v[i].len);
		bool m = regexec(&re, tmp.p, 0, NULL, 0) == 0;
		if (p->op == P_FIND) {
			if (m) {
				from = i;
				break;
			}
			continue;
		}
		keep[i] = p->op == P_MATCH ? m : !m;
	}
	cfg_buf_free(&tmp);
	regfree(&re);
	if (p->op == P_FIND)
		rebuild(b, v, from, n, NULL);
	else
		rebuild(b, v, 0, n, keep);
	free(keep);
	free(v);
	return 0;
}

static size_t count_lines(const struct cfg_buf *b)
{
	size_t n = 0;
	for (size_t i = 0; i < b->len; i++)
		if (b->p[i] == '\n')
			n++;
	if (b->len && b->p[b->len - 1] != '\n')
		n++;
	return n;
}

/* `| save NAME`: the text goes to FN (the client writes it as the user,
 * see cfg_pipe.h); what follows the save sees no text. */
static int save(struct cfg_buf *b, const char *name, cfg_pipe_save_fn fn, void *ctx)
{
	if (!fn)
		return cfg_err_set("save is not allowed here");
	if (!*name)
		return cfg_err_set("missing argument.");
	if (fn(ctx, name, b->p ? b->p : "", b->len) != 0)
		return -1;
	cfg_buf_reset(b);
	return 0;
}

int cfg_pipe_apply(const struct cfg_words *w, size_t first, size_t end, struct cfg_buf *out,
                   cfg_pipe_save_fn save_fn, void *save_ctx)
{
	struct pipe *ops;
	size_t n;
	if (pipes_parse(w, first, end, &ops, &n, NULL) != 0)
		return -1;
	cfg_buf_add(out, "", 0);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct pipe *p = &ops[i];
		switch (p->op) {
		case P_MATCH:
		case P_EXCEPT:
		case P_FIND:
			rc = regex_lines(out, p);
			break;
		case P_COUNT: {
			size_t c = count_lines(out);
			cfg_buf_reset(out);
			cfg_buf_printf(out, "Count: %zu lines\n", c);
			break;
		}
		case P_LAST: {
			struct line *v;
			size_t nl = split_lines(out, &v);
			size_t from = nl > (size_t)p->n ? nl - (size_t)p->n : 0;
			rebuild(out, v, from, nl, NULL);
			free(v);
			break;
		}
		case P_SAVE:
			rc = save(out, p->arg, save_fn, save_ctx);
			break;
		case P_NOMORE:
		case P_DISPLAY:
		case P_COMPARE:
			break;
		}
	}
	free(ops);
	return rc;
}
