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

enum pipe_op {
	P_MATCH, P_EXCEPT, P_FIND, P_COUNT, P_LAST, P_NOMORE, P_SAVE, P_DISPLAY, P_COMPARE,
	P_TRIM, P_HOLD, P_UNSUPPORTED,
};

/* Argument of a pipe (or of a display word). */
enum pipe_arg { A_NONE, A_REGEX, A_FILE, A_COUNT, A_COMPARE, A_DISPLAY, A_RELATIVE };

/* The pipes Junos documents for `show` (Junos CLI User Guide, "Pipe (|)
 * Filter Functions"; the help texts as `show configuration | ?` prints them
 * on Junos 15.1+). CONF: only for commands that show the configuration.
 * Pipes nfx cannot honour are P_UNSUPPORTED: they parse, and say so. */
struct pipe_kw {
	const char *name, *help;
	int op; /* enum pipe_op, or enum disp_op in disp_kw */
	enum pipe_arg arg;
	const char *ph, *ph_help; /* the argument's placeholder, for `?` */
	bool conf;
};

static const struct pipe_kw pipe_kw[] = {
	{"append", "Append output text to file", P_UNSUPPORTED, A_FILE, "<filename>", "Output file name", false},
	{"compare", "Compare configuration changes with prior version", P_COMPARE, A_COMPARE, "<filename>",
	 "Name of file to compare against", true},
	{"count", "Count occurrences", P_COUNT, A_NONE, NULL, NULL, false},
	{"display", "Show additional kinds of information", P_DISPLAY, A_DISPLAY, NULL, NULL, false},
	{"except", "Show only text that does not match a pattern", P_EXCEPT, A_REGEX, "<pattern>",
	 "Pattern to avoid", false},
	{"find", "Search for first occurrence of pattern", P_FIND, A_REGEX, "<pattern>", "Pattern to search for",
	 false},
	{"hold", "Hold text without exiting the --More-- prompt", P_HOLD, A_NONE, NULL, NULL, false},
	{"last", "Display end of output only", P_LAST, A_COUNT, "<lines>", "Number of lines to display from end of output", false},
	{"match", "Show only text that matches a pattern", P_MATCH, A_REGEX, "<pattern>", "Pattern to match",
	 false},
	{"no-more", "Don't paginate output", P_NOMORE, A_NONE, NULL, NULL, false},
	{"refresh", "Refresh a continuous display of the command", P_UNSUPPORTED, A_NONE, NULL, NULL, false},
	{"request", "Make system-level requests", P_UNSUPPORTED, A_NONE, NULL, NULL, false},
	{"resolve", "Resolve IP addresses", P_UNSUPPORTED, A_NONE, NULL, NULL, false},
	{"save", "Save output text to file", P_SAVE, A_FILE, "<filename>", "Output file name", false},
	{"tee", "Write to standard output and file", P_UNSUPPORTED, A_FILE, "<filename>", "Output file name", false},
	{"trim", "Trim specified number of columns from start of line", P_TRIM, A_COUNT, "<columns>",
	 "Number of columns to trim", false},
};
#define N_PIPE_KW (sizeof pipe_kw / sizeof pipe_kw[0])

/* `| display WORD` (same source). */
enum disp_op { D_SET, D_XML, D_JSON, D_INHERIT, D_OMIT, D_UNSUPPORTED };
static const struct pipe_kw disp_kw[] = {
	{"changed", "Tag changes with junos:changed attribute (XML only)", D_UNSUPPORTED, A_NONE, NULL, NULL, true},
	{"commit-scripts", "Show commit script changes", D_UNSUPPORTED, A_NONE, NULL, NULL, true},
	{"detail", "Show configuration data detail", D_UNSUPPORTED, A_NONE, NULL, NULL, true},
	{"inheritance", "Show inherited configuration data and source group", D_INHERIT, A_NONE, NULL, NULL, true},
	{"json", "Show output in JSON format", D_JSON, A_NONE, NULL, NULL, false},
	{"omit", "Emit configuration statements with the 'omit' option", D_OMIT, A_NONE, NULL, NULL, true},
	{"set", "Show 'set' commands that create configuration", D_SET, A_RELATIVE, NULL, NULL, true},
	{"xml", "Show output as XML tags", D_XML, A_NONE, NULL, NULL, false},
};
#define N_DISP_KW (sizeof disp_kw / sizeof disp_kw[0])

struct pipe {
	enum pipe_op op;
	const char *name; /* the pipe's keyword (for "not supported") */
	const char *arg;  /* borrowed from the words: regex, file name */
	long n;           /* last N (0: a screenful), trim N */
};

/* Unique-prefix match of WORD among the NAMEs of KW (N entries). Returns
 * the index or -1 with cfg_err set. */
static int keyword(const char *word, const struct pipe_kw *kw, size_t n)
{
	int found = -1;
	size_t len = strlen(word);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(word, kw[i].name) == 0)
			return (int)i;
		if (len && strncmp(word, kw[i].name, len) == 0) {
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

/* `rollback` (or a prefix of it) after `| compare`. */
static bool is_rollback(const struct cfg_word *w)
{
	return !w->quoted && *w->s && !strncmp(w->s, "rollback", strlen(w->s));
}

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

/* Parse words [FIRST, END) into *OPS (caller frees) and DISP; *BAD gets
 * the index of the word at fault. */
static int pipes_parse(const struct cfg_words *w, size_t first, size_t end, struct pipe **ops,
                       size_t *nops, struct cfg_pipe_display *disp, size_t *bad)
{
	struct pipe *v = NULL;
	size_t n = 0;
	struct cfg_pipe_display d = { false, false, false, false, false, -1, NULL };
	if (end > w->n)
		end = w->n;
	size_t i = first;
	while (i < end) {
		if (is_bar(&w->w[i])) {
			i++;
			continue;
		}
		*bad = i;
		int k = keyword(w->w[i].s, pipe_kw, N_PIPE_KW);
		if (k < 0)
			goto fail;
		struct pipe *nv = realloc(v, (n + 1) * sizeof *nv);
		if (!nv) {
			cfg_err_set("out of memory");
			goto fail;
		}
		v = nv;
		const struct pipe_kw *kw = &pipe_kw[k];
		struct pipe *p = &v[n++];
		p->op = (enum pipe_op)kw->op;
		p->name = kw->name;
		p->arg = NULL;
		p->n = 0;
		i++;
		*bad = i;
		bool has_arg = i < end && !is_bar(&w->w[i]);
		switch (kw->arg) {
		case A_REGEX:
		case A_FILE:
			if (!has_arg) {
				cfg_err_set("missing argument.");
				goto fail;
			}
			p->arg = w->w[i++].s;
			if (kw->arg == A_REGEX) {
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
		case A_COUNT:
			if (!has_arg && p->op == P_LAST)
				break; /* `| last`: the last screenful, as Junos */
			if (!has_arg) {
				cfg_err_set("missing argument.");
				goto fail;
			}
			if (parse_long(w->w[i++].s, p->op == P_TRIM ? 0 : 1, 100000, &p->n) != 0)
				goto fail;
			break;
		case A_NONE:
		case A_RELATIVE:
			break;
		case A_DISPLAY: {
			if (!has_arg) {
				cfg_err_set("missing argument.");
				goto fail;
			}
			int dk = keyword(w->w[i++].s, disp_kw, N_DISP_KW);
			if (dk < 0)
				goto fail;
			switch ((enum disp_op)disp_kw[dk].op) {
			case D_SET:
				d.set = true;
				if (i < end && !is_bar(&w->w[i])) {
					static const struct pipe_kw rkw[] = {{"relative", "", 0, A_NONE, NULL, NULL, true}};
					*bad = i;
					if (keyword(w->w[i++].s, rkw, 1) < 0)
						goto fail;
					d.relative = true;
				}
				break;
			case D_XML:
				d.xml = true;
				break;
			case D_JSON:
				d.json = true;
				break;
			case D_INHERIT:
			case D_OMIT:
				/* nfx has no groups and no `apply-flags omit`: the
				   configuration shows as these displays show it */
				break;
			case D_UNSUPPORTED:
				cfg_err_set("'| display %s' is not supported", disp_kw[dk].name);
				goto fail;
			}
			break;
		}
		case A_COMPARE:
			d.compare = true;
			d.compare_rollback = -1;
			if (has_arg) {
				if (is_rollback(&w->w[i])) {
					i++;
					*bad = i;
					if (i >= end || is_bar(&w->w[i])) {
						cfg_err_set("missing argument.");
						goto fail;
					}
					long r;
					if (parse_long(w->w[i++].s, 0, 49, &r) != 0)
						goto fail;
					d.compare_rollback = (int)r;
				} else {
					d.compare_file = w->w[i++].s; /* read by the cli, as the user */
				}
			}
			break;
		}
		if (p->op == P_NOMORE)
			d.nomore = true;
		else if (p->op == P_HOLD)
			d.hold = true;
		*bad = i;
		if (i < end && !is_bar(&w->w[i])) {
			cfg_err_set("syntax error.");
			goto fail;
		}
		if (p->op == P_UNSUPPORTED) {
			cfg_err_set("'| %s' is not supported", kw->name);
			*bad = i - 1;
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

int cfg_pipe_parse_at(const struct cfg_words *w, size_t first, size_t end, struct cfg_pipe_display *disp,
                      size_t *bad)
{
	size_t b = first;
	int rc = pipes_parse(w, first, end, NULL, NULL, disp, &b);
	if (bad)
		*bad = b;
	return rc;
}

int cfg_pipe_parse(const struct cfg_words *w, size_t first, size_t end, struct cfg_pipe_display *disp)
{
	return cfg_pipe_parse_at(w, first, end, disp, NULL);
}

static void compl_put(struct cfg_compls *o, const char *word, const char *help, bool value)
{
	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 16;
		o->c = realloc(o->c, o->cap * sizeof *o->c);
		if (!o->c)
			abort();
	}
	o->c[o->n].word = strdup(word);
	o->c[o->n].help = strdup(help ? help : "");
	o->c[o->n].value = value;
	if (!o->c[o->n].word || !o->c[o->n].help)
		abort();
	o->n++;
}

static void compl_kws(struct cfg_compls *o, const struct pipe_kw *kw, size_t n, const char *pfx, bool conf)
{
	for (size_t i = 0; i < n; i++)
		if ((conf || !kw[i].conf) && !strncmp(kw[i].name, pfx, strlen(pfx)))
			compl_put(o, kw[i].name, kw[i].help, false);
}

int cfg_pipe_complete(const struct cfg_words *w, size_t first, size_t end, bool conf,
                      struct cfg_compls *out, bool *whole)
{
	*whole = false;
	if (end > w->n)
		end = w->n;
	size_t seg = first;
	for (size_t i = first; i < end; i++)
		if (is_bar(&w->w[i]))
			seg = i + 1;
	if (seg == first)
		return -1; /* no `|` yet */
	struct cfg_pipe_display d;
	size_t bad;
	/* the pipes before this one, and this one's whole words */
	if (seg - 1 > first && pipes_parse(w, first, seg - 1, NULL, NULL, &d, &bad) < 0)
		return -1;
	const char *pfx = end < w->n && !w->trailing_space ? w->w[end].s : "";
	size_t nw = end - seg;
	if (nw == 0) {
		compl_kws(out, pipe_kw, N_PIPE_KW, pfx, conf);
		return 0;
	}
	int k = keyword(w->w[seg].s, pipe_kw, N_PIPE_KW);
	if (k < 0 || (pipe_kw[k].conf && !conf))
		return -1;
	const struct pipe_kw *kw = &pipe_kw[k];
	if (kw->arg == A_DISPLAY) {
		if (nw == 1) {
			compl_kws(out, disp_kw, N_DISP_KW, pfx, conf);
			return 0;
		}
		int dk = keyword(w->w[seg + 1].s, disp_kw, N_DISP_KW);
		if (dk < 0)
			return -1;
		if (nw == 2 && disp_kw[dk].arg == A_RELATIVE && !strncmp("relative", pfx, strlen(pfx)))
			compl_put(out, "relative", "Show set commands relative to the current level", false);
		*whole = nw == 2 || (nw == 3 && disp_kw[dk].arg == A_RELATIVE);
		return 0;
	}
	if (kw->arg == A_COMPARE) {
		if (nw == 1) {
			compl_put(out, kw->ph, kw->ph_help, true);
			if (!strncmp("rollback", pfx, strlen(pfx)))
				compl_put(out, "rollback", "Index of rollback file", false);
			*whole = true;
		} else if (nw == 2 && is_rollback(&w->w[seg + 1])) {
			compl_put(out, "<number>", "Rollback number (0..49)", true);
		} else {
			*whole = nw == 2 || nw == 3;
		}
		return 0;
	}
	if (kw->arg == A_NONE) {
		*whole = nw == 1;
		return 0;
	}
	if (nw == 1) {
		compl_put(out, kw->ph, kw->ph_help, true);
		*whole = kw->op == P_LAST; /* `| last` alone: a screenful */
		return 0;
	}
	*whole = nw == 2;
	return 0;
}

bool cfg_pipe_at_rollback(const struct cfg_words *w, size_t first, size_t end)
{
	if (end > w->n)
		end = w->n;
	size_t seg = first;
	for (size_t i = first; i < end; i++)
		if (is_bar(&w->w[i]))
			seg = i + 1;
	if (seg == first || end - seg != 2)
		return false;
	int k = keyword(w->w[seg].s, pipe_kw, N_PIPE_KW);
	cfg_err_clear();
	return k >= 0 && pipe_kw[k].arg == A_COMPARE && is_rollback(&w->w[seg + 1]);
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

/* `| trim N`: the first N columns of every line go. */
static void trim(struct cfg_buf *b, size_t cols)
{
	struct line *v;
	size_t n = split_lines(b, &v);
	struct cfg_buf o;
	cfg_buf_init(&o);
	cfg_buf_add(&o, "", 0);
	for (size_t i = 0; i < n; i++) {
		if (v[i].len > cols)
			cfg_buf_add(&o, b->p + v[i].off + cols, v[i].len - cols);
		cfg_buf_putc(&o, '\n');
	}
	free(v);
	cfg_buf_free(b);
	*b = o;
}

int cfg_pipe_apply(const struct cfg_words *w, size_t first, size_t end, struct cfg_buf *out,
                   cfg_pipe_save_fn save_fn, void *save_ctx, unsigned screen_length)
{
	struct pipe *ops;
	size_t n;
	size_t bad;
	if (pipes_parse(w, first, end, &ops, &n, NULL, &bad) != 0)
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
			size_t want = p->n ? (size_t)p->n : screen_length ? screen_length : CFG_PIPE_SCREEN;
			size_t from = nl > want ? nl - want : 0;
			rebuild(out, v, from, nl, NULL);
			free(v);
			break;
		}
		case P_SAVE:
			rc = save(out, p->arg, save_fn, save_ctx);
			break;
		case P_TRIM:
			trim(out, (size_t)p->n);
			break;
		case P_NOMORE:
		case P_HOLD:
		case P_DISPLAY:
		case P_COMPARE:
		case P_UNSUPPORTED:
			break;
		}
	}
	free(ops);
	return rc;
}
