/* cfg_parse — words of a command line, and their meaning in a schema.
 *
 * cfg_lex() splits a line into words (double quotes group, backslash escapes
 * inside quotes, `|` starts pipes). cfg_parse_path() resolves words against
 * a schema: keywords may be abbreviated to a unique prefix, typed values
 * never; `name.N` on a CFG_F_UNIT list means `name unit N`. Errors carry the
 * word index and column so the CLI can put `^` under the bad word.
 * cfg_complete() answers TAB and `?` from the same schema (and the existing
 * list keys of a tree).
 */
#ifndef NFX_CFG_PARSE_H
#define NFX_CFG_PARSE_H

#include "cfg_tree.h"

#define CFG_WORD_MAX 1024 /* longer words are an error ("word too long") */

struct cfg_word {
	char *s;       /* unquoted text, NUL-terminated; owned by cfg_words */
	size_t col;    /* 0-based column of the word's first byte in the line */
	size_t end;    /* column just after the word (closing quote included) */
	bool quoted;   /* was written in quotes */
};

struct cfg_words {
	struct cfg_word *w;
	size_t n, cap;
	size_t pipe;   /* index of the first word after the first `|` word, or n if
	                  none; `|` words are kept as unquoted words "|" */
	bool trailing_space; /* the line ends with white space (completion) */
	char *buf;     /* storage of the words (internal) */
	size_t bufcap;
};

enum cfg_perr {
	CFG_PE_OK = 0,
	CFG_PE_SYNTAX,    /* unknown word:            "syntax error."                */
	CFG_PE_AMBIGUOUS, /* prefix of several:       "'s' is ambiguous."            */
	CFG_PE_MISSING,   /* value missing at end:    "missing argument."            */
	CFG_PE_INCOMPLETE,/* stops at a container:    "syntax error, expecting <statement>." */
	CFG_PE_VALUE,     /* value of wrong type:     "Value 5000 is not within range (1..4094) at '5000'" */
	CFG_PE_LEX,       /* unterminated quote, control byte, word too long */
};

/* Split LINE. Returns 0, or -1 with cfg_err set and *errcol the column of
 * the offending byte. W must be zeroed or reused; free with cfg_words_free. */
int cfg_lex(const char *line, struct cfg_words *w, size_t *errcol);
void cfg_words_free(struct cfg_words *w);

enum cfg_pmode {
	CFG_PM_SET,     /* `set`: must end at a value, flag, list entry or presence container */
	CFG_PM_PATH,    /* delete/show/edit/activate...: may stop anywhere, leaf value optional */
	CFG_PM_COMMAND, /* command trees: CFG_F_MULTI containers, CFG_F_REST leaves */
	CFG_PM_SET_PREFIX, /* the words of a `set` before the cursor (completion, `?`):
	                      may stop anywhere as CFG_PM_PATH, and takes sibling
	                      statements as CFG_PM_SET */
};

struct cfg_parse {
	struct cfg_step *steps; /* values borrowed from the cfg_words */
	size_t n, cap;
	size_t used;            /* words consumed */
	enum cfg_perr err;
	size_t err_word;        /* index into the words (== words end for MISSING) */
	size_t err_col;         /* column for the `^` */
	char msg[256];          /* the Junos message line, without the `^` line */
	const struct cfg_schema *err_at; /* schema where the error happened (for
	                                    "Possible completions" after ambiguity) */
	/* Where the words end: the next word would be matched against the
	 * children of CTX, or, when WANT is set, be the value of WANT (a leaf,
	 * leaf-list or list key). Used by completion and by the daemon. */
	const struct cfg_schema *ctx, *want;
	size_t rest;            /* CFG_F_REST leaf: index of its first word (else 0) */
	/* A `set` line may hold several statements of one level, as Junos
	 * allows: `set system memory hugepages page-size 1024 page-count 5`.
	 * After a leaf (flag, leaf-list) and its value, the next word is a
	 * keyword among that leaf's siblings and starts the next statement.
	 * STEPS then holds each statement's whole path from START, one after
	 * the other (the shared prefix repeated); read them with
	 * cfg_parse_stmt(). Only CFG_PM_SET and CFG_PM_SET_PREFIX do this. */
	size_t nstmt;           /* statements in STEPS (1 for one path; 0 if no steps) */
	size_t *stmt;           /* start of statement k+1 in STEPS (nstmt - 1 entries); owned */
	size_t capstmt;
	char **arena;           /* strings made by the parser (unit split, enum
	                           completion); owned, freed by cfg_parse_free */
	size_t narena;
};

/* Resolve words [FIRST, END) from schema node START. Returns 0 or -1 with
 * P->err/msg/err_col set. P must be zeroed or reused; free with
 * cfg_parse_free. Steps for positional children are included like others. */
int cfg_parse_path(const struct cfg_schema *start, const struct cfg_words *w,
                   size_t first, size_t end, enum cfg_pmode mode, struct cfg_parse *p);
void cfg_parse_free(struct cfg_parse *p);

/* The steps of statement K (< P->nstmt) of a parse, *N their count.
 * Borrowed from P. With one statement: P->steps and P->n. */
const struct cfg_step *cfg_parse_stmt(const struct cfg_parse *p, size_t k, size_t *n);

/* Match WORD against the keyword children of S: returns the child, or NULL
 * and *ambiguous set when it is a prefix of several. */
const struct cfg_schema *cfg_parse_keyword(const struct cfg_schema *s, const char *word,
                                           bool *ambiguous);

/* One TAB/? candidate. */
struct cfg_compl {
	char *word;    /* keyword or existing key; "<name>" style placeholder for values */
	char *help;    /* schema help, may be "" */
	bool value;    /* a placeholder (not insertable) */
};
struct cfg_compls {
	struct cfg_compl *c;
	size_t n, cap;
};

/* Candidates for the last (partial) word of words [FIRST, END) starting at
 * schema START; TREE/AT (may be NULL) supply existing list keys and leaf-list
 * values under the node the words lead to. Sorted as Junos shows them.
 * Returns 0, -1 if the words before the last one do not parse. */
int cfg_complete(const struct cfg_schema *start, const struct cfg_tree *tree,
                 const struct cfg_node *at, const struct cfg_words *w, size_t first,
                 size_t end, enum cfg_pmode mode, struct cfg_compls *out);
void cfg_compls_free(struct cfg_compls *c);

/* Quote VALUE for output if it needs it (space, quote, ;{}#, empty):
 * appends to B. Used by every renderer. */
struct cfg_buf;
void cfg_quote(struct cfg_buf *b, const char *value);

#endif
