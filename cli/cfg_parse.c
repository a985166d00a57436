/* cfg_parse — lexer, schema path resolution and completion. */
#include "cfg_parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_err.h"

/* ---------------------------------------------------------------- lexer */

static void words_push(struct cfg_words *w, char *s, size_t col, size_t end, bool quoted)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 16;
		w->w = realloc(w->w, w->cap * sizeof *w->w);
		if (!w->w)
			abort();
	}
	w->w[w->n++] = (struct cfg_word){.s = s, .col = col, .end = end, .quoted = quoted};
}

int cfg_lex(const char *line, struct cfg_words *w, size_t *errcol)
{
	size_t len = strlen(line);
	w->n = 0;
	w->pipe = 0;
	w->trailing_space = false;
	/* worst case: every byte a `|`, each stored as "|" plus its NUL */
	if (2 * len + 2 > w->bufcap) {
		free(w->buf);
		w->bufcap = 2 * len + 2 < 256 ? 256 : 2 * len + 2;
		w->buf = malloc(w->bufcap);
		if (!w->buf)
			abort();
	}
	char *out = w->buf;
	bool have_pipe = false;
	size_t i = 0;
	while (i < len) {
		unsigned char c = (unsigned char)line[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			i++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			*errcol = i;
			return cfg_err_set("invalid control character");
		}
		size_t start = i;
		char *ws = out;
		bool quoted = false;
		if (c == '|') {
			*out++ = '|';
			*out++ = '\0';
			i++;
			words_push(w, ws, start, i, false);
			if (!have_pipe) {
				have_pipe = true;
				w->pipe = w->n;
			}
			continue;
		}
		/* a word: runs of plain characters and quoted parts */
		while (i < len) {
			c = (unsigned char)line[i];
			if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '|')
				break;
			if (c < 0x20 || c == 0x7f) {
				*errcol = i;
				return cfg_err_set("invalid control character");
			}
			if (c == '"') {
				quoted = true;
				size_t q = i++;
				for (;;) {
					if (i >= len) {
						*errcol = q;
						return cfg_err_set("unterminated quoted string");
					}
					c = (unsigned char)line[i];
					if (c == '"') {
						i++;
						break;
					}
					if (c == '\\' && i + 1 < len) {
						i++;
						c = (unsigned char)line[i];
					}
					if (c < 0x20 && c != '\t') {
						*errcol = i;
						return cfg_err_set("invalid control character");
					}
					*out++ = (char)c;
					i++;
				}
				continue;
			}
			*out++ = (char)c;
			i++;
		}
		if ((size_t)(out - ws) > CFG_WORD_MAX) {
			*errcol = start;
			return cfg_err_set("word too long (more than %d characters)", CFG_WORD_MAX);
		}
		*out++ = '\0';
		words_push(w, ws, start, i, quoted);
	}
	if (!have_pipe)
		w->pipe = w->n;
	w->trailing_space = len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t');
	return 0;
}

void cfg_words_free(struct cfg_words *w)
{
	if (!w)
		return;
	free(w->w);
	free(w->buf);
	memset(w, 0, sizeof *w);
}

/* --------------------------------------------------------------- parser */

static void push_step(struct cfg_parse *p, const struct cfg_schema *s, const char *v)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->steps = realloc(p->steps, p->cap * sizeof *p->steps);
		if (!p->steps)
			abort();
	}
	p->steps[p->n++] = (struct cfg_step){.schema = s, .value = v};
}

static const char *arena_dup(struct cfg_parse *p, const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (!d)
		abort();
	memcpy(d, s, n);
	d[n] = '\0';
	p->arena = realloc(p->arena, (p->narena + 1) * sizeof *p->arena);
	if (!p->arena)
		abort();
	p->arena[p->narena++] = d;
	return d;
}

void cfg_parse_free(struct cfg_parse *p)
{
	if (!p)
		return;
	free(p->steps);
	free(p->stmt);
	for (size_t i = 0; i < p->narena; i++)
		free(p->arena[i]);
	free(p->arena);
	memset(p, 0, sizeof *p);
}

static void parse_reset(struct cfg_parse *p)
{
	p->n = 0;
	p->nstmt = 0;
	p->used = 0;
	p->err = CFG_PE_OK;
	p->err_word = 0;
	p->err_col = 0;
	p->msg[0] = '\0';
	p->err_at = NULL;
	p->ctx = p->want = NULL;
	p->rest = 0;
	for (size_t i = 0; i < p->narena; i++)
		free(p->arena[i]);
	p->narena = 0;
}

const struct cfg_step *cfg_parse_stmt(const struct cfg_parse *p, size_t k, size_t *n)
{
	size_t nst = p->nstmt ? p->nstmt : 1;
	if (k >= nst) {
		*n = 0;
		return p->steps;
	}
	size_t a = k ? p->stmt[k - 1] : 0;
	size_t b = k + 1 < nst ? p->stmt[k] : p->n;
	*n = b - a;
	return p->steps + a;
}

/* Start the next statement of a set line: repeat the LVL steps of the
 * current one (from *SOFF) that lead to the level its siblings live in. */
static void next_stmt(struct cfg_parse *p, size_t *soff, size_t lvl)
{
	size_t off = p->n;
	for (size_t k = 0; k < lvl; k++) {
		struct cfg_step st = p->steps[*soff + k]; /* push_step may move steps */
		push_step(p, st.schema, st.value);
	}
	if (p->capstmt < p->nstmt) { /* stmt[nstmt - 1] is written */
		p->capstmt = p->capstmt ? p->capstmt * 2 : 4;
		p->stmt = realloc(p->stmt, p->capstmt * sizeof *p->stmt);
		if (!p->stmt)
			abort();
	}
	p->stmt[p->nstmt - 1] = off;
	p->nstmt++;
	*soff = off;
}

const struct cfg_schema *cfg_parse_keyword(const struct cfg_schema *s, const char *word,
                                           bool *ambiguous)
{
	*ambiguous = false;
	size_t wl = strlen(word);
	if (wl == 0)
		return NULL;
	const struct cfg_schema *found = NULL;
	size_t hits = 0;
	for (size_t i = 0; i < s->n_children; i++) {
		const struct cfg_schema *c = s->children[i];
		if (c->flags & CFG_F_POSITIONAL)
			continue;
		if (strcmp(c->name, word) == 0)
			return c;
		if (strncmp(c->name, word, wl) == 0 && !(c->flags & CFG_F_HIDDEN)) {
			found = c;
			hits++;
		}
	}
	if (hits > 1) {
		*ambiguous = true;
		return NULL;
	}
	return found;
}

static int perr(struct cfg_parse *p, enum cfg_perr e, size_t word, size_t col,
                const struct cfg_schema *at, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static int perr(struct cfg_parse *p, enum cfg_perr e, size_t word, size_t col,
                const struct cfg_schema *at, const char *fmt, ...)
{
	p->err = e;
	p->err_word = word;
	p->err_col = col;
	p->err_at = at;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->msg, sizeof p->msg, fmt, ap);
	va_end(ap);
	cfg_err_set("%s", p->msg);
	return -1;
}

/* Enum values are keywords: exact, or a unique prefix. */
static const char *match_enum(const struct cfg_schema *s, const char *word, bool *ambiguous)
{
	*ambiguous = false;
	size_t wl = strlen(word), hits = 0;
	const char *found = NULL;
	for (size_t i = 0; i < s->n_enums; i++) {
		if (strcmp(s->enums[i], word) == 0)
			return s->enums[i];
		if (wl && strncmp(s->enums[i], word, wl) == 0) {
			found = s->enums[i];
			hits++;
		}
	}
	if (hits > 1) {
		*ambiguous = true;
		return NULL;
	}
	return found;
}

/* Check and normalise a value word for S. Returns the value to store or
 * NULL after perr(). */
static const char *take_value(struct cfg_parse *p, const struct cfg_schema *s,
                              const struct cfg_words *w, size_t i)
{
	const char *v = w->w[i].s;
	if (s->type == CFG_T_ENUM) {
		bool amb;
		const char *e = match_enum(s, v, &amb);
		if (amb) {
			perr(p, CFG_PE_AMBIGUOUS, i, w->w[i].col, s, "error: '%s' is ambiguous.", v);
			return NULL;
		}
		if (!e) {
			perr(p, CFG_PE_SYNTAX, i, w->w[i].col, s, "syntax error.");
			return NULL;
		}
		return e; /* schema-owned, lives as long as the schema */
	}
	if (cfg_schema_check_value(s, v) < 0) {
		perr(p, CFG_PE_VALUE, i, w->w[i].col, s, "%s at '%s'", cfg_err_msg(), v);
		return NULL;
	}
	return v;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* Expecting-message for words stopping at container S. */
static const char *expecting(const struct cfg_schema *s)
{
	return cfg_schema_positional(s) ? "syntax error, expecting <statement> or <identifier>."
	                                : "syntax error, expecting <statement>.";
}

static size_t cmd_positionals(const struct cfg_schema *s)
{
	size_t k = 0;
	for (size_t i = 0; i < s->n_children; i++)
		if (s->children[i]->flags & CFG_F_POSITIONAL)
			k++;
	return k;
}

/* Of the positional leaves of command container S (several of them), the
 * first not yet given in this statement (steps from SOFF of P) whose value
 * check WORD passes; a rest leaf takes anything. */
static const struct cfg_schema *cmd_positional(const struct cfg_schema *s, const struct cfg_parse *p,
                                               size_t soff, const char *word)
{
	for (size_t i = 0; i < s->n_children; i++) {
		const struct cfg_schema *c = s->children[i];
		if (!(c->flags & CFG_F_POSITIONAL) || c->kind != CFG_LEAF)
			continue;
		bool used = false;
		for (size_t k = soff; k < p->n; k++)
			if (p->steps[k].schema == c)
				used = true;
		if (used)
			continue;
		if ((c->flags & CFG_F_REST) || cfg_schema_check_value(c, word) == 0)
			return c;
	}
	return NULL;
}

int cfg_parse_path(const struct cfg_schema *start, const struct cfg_words *w, size_t first,
                   size_t end, enum cfg_pmode mode, struct cfg_parse *p)
{
	parse_reset(p);
	const struct cfg_schema *cur = start; /* whose children the next word matches */
	size_t i = first;
	bool used_positional = false;
	/* several statements in one set line (see cfg_parse.h) */
	bool siblings = mode == CFG_PM_SET || mode == CFG_PM_SET_PREFIX;
	bool partial = mode == CFG_PM_PATH || mode == CFG_PM_SET_PREFIX; /* may stop anywhere */
	bool sibling_word = false; /* the word at I starts a sibling statement */
	size_t soff = 0;           /* where the current statement starts in steps */
	size_t lvl = 0;            /* its steps leading to CUR */
	p->nstmt = 1;
	size_t endcol = end > first ? w->w[end - 1].end + 1 : (first < w->n ? w->w[first].col : 0);

	while (i < end) {
		const char *word = w->w[i].s;
		bool amb = false;
		const struct cfg_schema *c = w->w[i].quoted ? NULL : cfg_parse_keyword(cur, word, &amb);
		if (amb)
			return perr(p, CFG_PE_AMBIGUOUS, i, w->w[i].col, cur, "error: '%s' is ambiguous.",
			            word);
		bool keyword = c != NULL;
		if (!c && sibling_word) /* a sibling statement starts with a keyword */
			return perr(p, CFG_PE_SYNTAX, i, w->w[i].col, cur, "syntax error.");
		sibling_word = false;
		if (!c && mode == CFG_PM_COMMAND && cmd_positionals(cur) > 1) {
			/* `up [count] [command]`: the first unused one that takes it */
			c = cmd_positional(cur, p, soff, word);
			if (!c)
				return perr(p, CFG_PE_SYNTAX, i, w->w[i].col, cur, "syntax error.");
			used_positional = false;
		}
		if (!c) {
			c = cfg_schema_positional(cur);
			if (!c || (used_positional && mode == CFG_PM_COMMAND && c->kind == CFG_LEAF))
				return perr(p, CFG_PE_SYNTAX, i, w->w[i].col, cur, "syntax error.");
			used_positional = true;
		}
		if (keyword)
			i++;
		switch (c->kind) {
		case CFG_CONTAINER:
			push_step(p, c, NULL);
			cur = c;
			lvl = p->n - soff;
			used_positional = false;
			continue;
		case CFG_LIST: {
			if (i >= end) {
				push_step(p, c, NULL);
				p->ctx = cur;
				p->want = c;
				p->used = i - first;
				if (partial)
					return 0;
				return perr(p, CFG_PE_MISSING, end, endcol, c, "missing argument.");
			}
			const char *key = w->w[i].s;
			const char *dot = (c->flags & CFG_F_UNIT) ? strrchr(key, '.') : NULL;
			const struct cfg_schema *unit = NULL;
			if (dot && dot != key && all_digits(dot + 1) && c->unit &&
			    (unit = cfg_schema_child(c, c->unit)) && unit->kind == CFG_LIST) {
				const char *name = arena_dup(p, key, (size_t)(dot - key));
				if (cfg_schema_check_value(c, name) < 0)
					return perr(p, CFG_PE_VALUE, i, w->w[i].col, c, "%s at '%s'",
					            cfg_err_msg(), key);
				const char *un = dot + 1;
				if (cfg_schema_check_value(unit, un) < 0)
					return perr(p, CFG_PE_VALUE, i, w->w[i].col, unit, "%s at '%s'",
					            cfg_err_msg(), key);
				push_step(p, c, name);
				push_step(p, unit, arena_dup(p, un, strlen(un)));
				cur = unit;
			} else {
				const char *v = take_value(p, c, w, i);
				if (!v)
					return -1;
				push_step(p, c, v);
				cur = c;
			}
			i++;
			lvl = p->n - soff;
			used_positional = false;
			continue;
		}
		case CFG_LEAF:
			if (c->type == CFG_T_FLAG || c->type == CFG_T_PASSWORD) {
				push_step(p, c, NULL);
			} else if (i >= end) {
				push_step(p, c, NULL);
				p->ctx = cur;
				p->want = c;
				p->used = i - first;
				if (partial)
					return 0;
				return perr(p, CFG_PE_MISSING, end, endcol, c, "missing argument.");
			} else if (c->flags & CFG_F_REST) {
				push_step(p, c, w->w[i].s);
				p->rest = i;
				i = end;
			} else {
				const char *v = take_value(p, c, w, i);
				if (!v)
					return -1;
				push_step(p, c, v);
				i++;
			}
			if (mode == CFG_PM_COMMAND && (cur->flags & CFG_F_MULTI))
				continue; /* more arguments of the same command */
			if (i < end && siblings) {
				next_stmt(p, &soff, lvl);
				sibling_word = true;
				continue;
			}
			if (i < end)
				return perr(p, CFG_PE_SYNTAX, i, w->w[i].col, cur, "syntax error.");
			p->ctx = cur;
			p->used = i - first;
			return 0;
		case CFG_LEAFLIST: {
			if (i >= end) {
				push_step(p, c, NULL);
				p->ctx = cur;
				p->want = c;
				p->used = i - first;
				if (partial)
					return 0;
				return perr(p, CFG_PE_MISSING, end, endcol, c, "missing argument.");
			}
			bool bracket = !w->w[i].quoted && strcmp(w->w[i].s, "[") == 0;
			if (bracket) {
				size_t j = i + 1, nv = 0;
				for (; j < end && !(!w->w[j].quoted && strcmp(w->w[j].s, "]") == 0); j++) {
					const char *v = take_value(p, c, w, j);
					if (!v)
						return -1;
					push_step(p, c, v);
					nv++;
				}
				if (j >= end)
					return perr(p, CFG_PE_SYNTAX, end, endcol, c, "syntax error, expecting ']'.");
				if (nv == 0)
					return perr(p, CFG_PE_MISSING, j, w->w[j].col, c, "missing argument.");
				i = j + 1;
			} else {
				const char *v = take_value(p, c, w, i);
				if (!v)
					return -1;
				push_step(p, c, v);
				i++;
			}
			if (mode == CFG_PM_COMMAND && (cur->flags & CFG_F_MULTI))
				continue;
			if (i < end && siblings) {
				next_stmt(p, &soff, lvl);
				sibling_word = true;
				continue;
			}
			if (i < end)
				return perr(p, CFG_PE_SYNTAX, i, w->w[i].col, cur, "syntax error.");
			p->ctx = cur;
			p->used = i - first;
			return 0;
		}
		}
	}
	p->ctx = cur;
	p->used = i - first;
	/* The words ended at container/list-entry CUR. */
	if (p->n == 0)
		p->nstmt = 0;
	if (mode == CFG_PM_SET) {
		if (p->n == 0)
			return perr(p, CFG_PE_INCOMPLETE, end, endcol, cur, "%s", expecting(cur));
		const struct cfg_schema *last = p->steps[p->n - 1].schema;
		if (last->kind == CFG_CONTAINER && !(last->flags & CFG_F_PRESENCE))
			return perr(p, CFG_PE_INCOMPLETE, end, endcol, cur, "%s", expecting(cur));
	} else if (mode == CFG_PM_COMMAND) {
		const struct cfg_schema *h = NULL;
		for (size_t k = p->n; k-- > 0;)
			if (p->steps[k].schema->handler) {
				h = p->steps[k].schema;
				break;
			}
		if (!h)
			return perr(p, CFG_PE_INCOMPLETE, end, endcol, cur,
			            "syntax error, expecting <command>.");
		/* mandatory arguments of the command container */
		for (size_t k = 0; k < cur->n_children; k++) {
			const struct cfg_schema *a = cur->children[k];
			if (!(a->flags & CFG_F_MANDATORY))
				continue;
			bool have = false;
			for (size_t m = 0; m < p->n && !have; m++)
				have = p->steps[m].schema == a;
			if (!have)
				return perr(p, CFG_PE_MISSING, end, endcol, a, "missing argument.");
		}
	}
	return 0;
}

/* ----------------------------------------------------------- completion */

static void compl_add(struct cfg_compls *o, const char *word, const char *help, bool value)
{
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->c[i].word, word) == 0)
			return;
	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 16;
		o->c = realloc(o->c, o->cap * sizeof *o->c);
		if (!o->c)
			abort();
	}
	char *w = strdup(word), *h = strdup(help ? help : "");
	if (!w || !h)
		abort();
	o->c[o->n++] = (struct cfg_compl){.word = w, .help = h, .value = value};
}

void cfg_compls_free(struct cfg_compls *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->c[i].word);
		free(c->c[i].help);
	}
	free(c->c);
	memset(c, 0, sizeof *c);
}

static int compl_cmp(const void *a, const void *b)
{
	const struct cfg_compl *x = a, *y = b;
	if (x->value != y->value)
		return x->value ? -1 : 1;
	return strcmp(x->word, y->word);
}

static bool has_prefix(const char *s, const char *pfx) { return strncmp(s, pfx, strlen(pfx)) == 0; }

/* Values existing in TREE for S below node N (list keys / leaf-list items). */
static void add_existing(struct cfg_compls *o, const struct cfg_node *n, const struct cfg_schema *s,
                         const char *pfx)
{
	if (!n)
		return;
	size_t shown = 0;
	for (const struct cfg_node *c = n->child; c && shown < 200; c = c->next)
		if (c->schema == s && c->value && has_prefix(c->value, pfx)) {
			compl_add(o, c->value, "", false);
			shown++;
		}
}

/* The list node at absolute path REF ("host-os vlans") in TREE. */
static const struct cfg_node *ref_parent(const struct cfg_tree *tree, const char *ref,
                                         const struct cfg_schema **list)
{
	const struct cfg_schema *s = cfg_tree_schema(tree);
	const struct cfg_node *n = cfg_tree_root(tree);
	char buf[256];
	snprintf(buf, sizeof buf, "%s", ref);
	char *save = NULL, *tok = strtok_r(buf, " ", &save);
	while (tok) {
		char *next = strtok_r(NULL, " ", &save);
		const struct cfg_schema *c = cfg_schema_child(s, tok);
		if (!c)
			return NULL;
		if (!next && c->kind == CFG_LIST) {
			*list = c;
			return n;
		}
		n = n ? cfg_tree_child(tree, n, c, NULL) : NULL;
		if (!next) { /* a container holding a positional list */
			*list = cfg_schema_positional(c);
			return *list && (*list)->kind == CFG_LIST ? n : NULL;
		}
		s = c;
		tok = next;
	}
	return NULL;
}

static void add_value_candidates(struct cfg_compls *o, const struct cfg_schema *s,
                                 const struct cfg_tree *tree, const struct cfg_node *parent,
                                 const char *pfx)
{
	char ph[96];
	if (s->type == CFG_T_ENUM) {
		for (size_t i = 0; i < s->n_enums; i++)
			if (has_prefix(s->enums[i], pfx))
				compl_add(o, s->enums[i], "", false);
		return;
	}
	if (s->type == CFG_T_FLAG || s->type == CFG_T_PASSWORD)
		return;
	compl_add(o, cfg_schema_placeholder(s, ph, sizeof ph),
	          s->kind == CFG_LIST ? (s->key_help && *s->key_help ? s->key_help : s->help) : s->help,
	          true);
	if (!tree)
		return;
	if (s->kind == CFG_LIST || s->kind == CFG_LEAFLIST)
		add_existing(o, parent, s, pfx);
	if (s->ref) {
		const struct cfg_schema *list = NULL;
		const struct cfg_node *rp = ref_parent(tree, s->ref, &list);
		if (rp && list)
			add_existing(o, rp, list, pfx);
	}
}

int cfg_complete(const struct cfg_schema *start, const struct cfg_tree *tree,
                 const struct cfg_node *at, const struct cfg_words *w, size_t first, size_t end,
                 enum cfg_pmode mode, struct cfg_compls *out)
{
	const char *pfx = "";
	size_t upto = end;
	if (end > first && !w->trailing_space) {
		pfx = w->w[end - 1].s;
		upto = end - 1;
	}
	struct cfg_parse p = {0};
	int rc = cfg_parse_path(start, w, first, upto, mode == CFG_PM_SET ? CFG_PM_SET_PREFIX : mode, &p);
	if (rc < 0 && p.err != CFG_PE_MISSING && p.err != CFG_PE_INCOMPLETE) {
		cfg_parse_free(&p);
		return -1;
	}
	const struct cfg_node *node = NULL;
	if (tree) {
		size_t n; /* the last statement of a set line names the node */
		const struct cfg_step *st = cfg_parse_stmt(&p, p.nstmt ? p.nstmt - 1 : 0, &n);
		if (p.want && n > 0)
			n--; /* the step of the wanted value has no value yet */
		node = cfg_tree_find(tree, (struct cfg_node *)(at ? at : cfg_tree_root(tree)), st, n);
	}
	if (p.want) {
		add_value_candidates(out, p.want, tree, node, pfx);
	} else {
		const struct cfg_schema *ctx = p.ctx ? p.ctx : start;
		/* after a leaf with its value (not multi), nothing more can follow
		 * (in a set line its siblings can: they start the next statement) */
		bool ended = p.n > 0 && (p.steps[p.n - 1].schema->kind == CFG_LEAF ||
		                         p.steps[p.n - 1].schema->kind == CFG_LEAFLIST) &&
		             !(mode == CFG_PM_COMMAND && (ctx->flags & CFG_F_MULTI)) &&
		             mode != CFG_PM_SET;
		bool sibling = !ended && p.n > 0 && (p.steps[p.n - 1].schema->kind == CFG_LEAF ||
		                                     p.steps[p.n - 1].schema->kind == CFG_LEAFLIST);
		if (!ended) {
			for (size_t i = 0; i < ctx->n_children; i++) {
				const struct cfg_schema *c = ctx->children[i];
				if (c->flags & CFG_F_HIDDEN)
					continue;
				if (c->flags & CFG_F_POSITIONAL) {
					if (sibling) /* a sibling statement starts with a keyword */
						continue;
					if (c->kind == CFG_LIST || c->kind == CFG_LEAF || c->kind == CFG_LEAFLIST)
						add_value_candidates(out, c, tree, node, pfx);
					continue;
				}
				if (has_prefix(c->name, pfx))
					compl_add(out, c->name, c->help, false);
			}
		}
	}
	cfg_parse_free(&p);
	if (out->n) /* qsort(NULL, 0, ...) is undefined */
		qsort(out->c, out->n, sizeof *out->c, compl_cmp);
	return 0;
}
