/* cfg_commit — the commit pipeline shared by jdmd and jcpd:
 * validate → one effective diff against the active revision → apply through
 * the daemon's subsystem rows (cfg_subsys.h) in order → on failure undo the
 * rows applied → store the revision.
 *
 * Validation findings are collected, never first-only; each carries its
 * `[edit ...]` path so the CLI prints Junos-style errors:
 *
 *   [edit virtual-network-functions vrtr1]
 *     'image'
 *       Missing mandatory statement: 'image'
 *   error: commit failed: (missing mandatory statements)
 *
 * Ownership: findings lists own their strings; cfg_findings_free() them.
 */
#ifndef NFX_CFG_COMMIT_H
#define NFX_CFG_COMMIT_H

#include "cfg_buf.h"
#include "cfg_store.h"
#include "cfg_tree.h"

struct cfg_finding {
	char *edit;      /* "[edit virtual-network-functions vrtr1]" or NULL for a bare error */
	char *stmt;      /* "'image'" or NULL */
	char *msg;       /* "Missing mandatory statement: 'image'" or, without edit/stmt,
	                    a whole line such as "sxe interfaces (...) cannot have same vlan member (1100)" */
	bool mandatory;  /* a missing mandatory statement (changes the final line) */
	bool warning;    /* printed as "warning: ...", does not fail the commit */
};

struct cfg_findings {
	struct cfg_finding *f;
	size_t n, cap;
};

/* An error under the `[edit ...]` of AT (AT NULL: no [edit] line), with
 * STMT ("'image'", may be NULL) and the message. Strings are copied. */
void cfg_findings_add(struct cfg_findings *fs, const struct cfg_node *at, const char *stmt,
                      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* A bare `error: MSG` line (no [edit] block). */
void cfg_findings_add_line(struct cfg_findings *fs, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A warning: printed as "warning: MSG" (under the [edit] block when AT is
 * given, bare when AT and STMT are NULL); does not fail the commit. */
void cfg_findings_warn(struct cfg_findings *fs, const struct cfg_node *at, const char *stmt,
                       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Number of findings that are errors (not warnings). */
size_t cfg_findings_errors(const struct cfg_findings *fs);
/* Print as Junos does, ending with "error: configuration check-out failed"
 * or "error: commit failed: (missing mandatory statements)" when any error. */
void cfg_findings_render(struct cfg_buf *b, const struct cfg_findings *fs);
void cfg_findings_free(struct cfg_findings *fs);

/* Generic schema validation of TREE (inactive nodes ignored): mandatory
 * statements, `ref` (value names an existing list key), CFG_F_UNIQUE. */
void cfg_validate(const struct cfg_tree *tree, struct cfg_findings *fs);

struct cfg_subsys_reg; /* cfg_subsys.h */
struct cfg_diff;       /* cfg_diff.h */

/* Validate CAND (to become active after ACTIVE; NULL = nothing committed
 * yet): the generic schema validation, then the validate of every
 * subsystem row of R (may be NULL) that the effective diff touches.
 * Returns 0 if no errors; findings in FS. */
int cfg_commit_check(const struct cfg_tree *active, const struct cfg_tree *cand,
                     const struct cfg_subsys_reg *r, struct cfg_findings *fs);

/* ---- a commit in phases (the daemon applies off its event loop) ----
 *
 *   cfg_commit_prepare  loop thread: validate, and the one CFG_DIFF_EFFECTIVE
 *                       diff from ACTIVE to CAND; NULL with findings (or
 *                       cfg_err) when the candidate does not validate
 *   cfg_commit_apply    any one thread at a time: apply the diff through the
 *                       rows it touches; on a failure the rows applied are
 *                       undone (cfg_subsys_apply)
 *   cfg_commit_store    loop thread: store CAND as the new revision
 *   cfg_commit_undo     after a failed store: undo every row the diff touched
 *
 * The plan borrows ACTIVE, CAND and R: they must not change until it is
 * freed (cfg_commit_plan_free accepts NULL). */
struct cfg_commit_plan;
struct cfg_commit_plan *cfg_commit_prepare(const struct cfg_tree *active, const struct cfg_tree *cand,
                                           const struct cfg_subsys_reg *r, struct cfg_findings *fs);
/* The effective diff of the plan (owned by the plan). */
const struct cfg_diff *cfg_commit_plan_diff(const struct cfg_commit_plan *p);
/* Does applying the plan call any row's apply? (false: nothing to do off
 * the loop) */
bool cfg_commit_plan_applies(const struct cfg_commit_plan *p);
int cfg_commit_apply(struct cfg_commit_plan *p, struct cfg_buf *out, struct cfg_findings *fs);
/* Store the candidate's text: TEXT (LEN bytes) when given, else the full
 * set rendering of CAND. KV/N_KV as cfg_store_commit_kv(). 0, or -1 with a
 * finding and cfg_err (the store is unchanged). */
int cfg_commit_store(struct cfg_commit_plan *p, struct cfg_store *st, const char *text, size_t len,
                     const char *user, const char *client, const char *comment,
                     const char *const *kv, size_t n_kv, struct cfg_findings *fs);
int cfg_commit_undo(struct cfg_commit_plan *p, struct cfg_buf *out, struct cfg_findings *fs);
void cfg_commit_plan_free(struct cfg_commit_plan *p);

/* Full commit in one go (tests, tools): prepare, apply, store, undo when
 * the store fails. Returns 0, or -1 with findings / cfg_err. ACTIVE is the
 * currently active tree (NULL: none; not modified). */
int cfg_commit(struct cfg_store *st, const struct cfg_tree *active, const struct cfg_tree *cand,
               const struct cfg_subsys_reg *r, const char *user, const char *client,
               const char *comment, struct cfg_buf *out, struct cfg_findings *fs);

/* ---- the stored text, kept by chunks ----
 * A revision's text is the full `display set` rendering (CFG_R_FULL |
 * CFG_R_SECRETS). The cache keeps the text of the last accepted tree cut
 * into chunks (each node two levels down, or a top-level statement that is
 * a leaf, inactive or annotated), so the text of the next candidate only
 * re-renders the chunks its CFG_DIFF_FULL diff touches.
 *
 * cfg_commit_text_build: the text of CAND, given FULL (the full diff from
 * the tree of the last accepted text to CAND; NULL, or a cache that has
 * accepted nothing yet: everything is rendered). The text stays owned by
 * the cache until the next build. 0, or -1 (cfg_err set).
 * cfg_commit_text_accept: OK true makes the built text the cache's (it was
 * stored); false keeps the previous one. */
struct cfg_commit_text;
struct cfg_commit_text *cfg_commit_text_new(void);
void cfg_commit_text_free(struct cfg_commit_text *c);
int cfg_commit_text_build(struct cfg_commit_text *c, const struct cfg_tree *cand,
                          const struct cfg_diff *full, const char **text, size_t *len);
void cfg_commit_text_accept(struct cfg_commit_text *c, bool ok);

/* A copy of T without inactive nodes. Caller owns. */
struct cfg_tree *cfg_commit_effective(const struct cfg_tree *t);

/* ---- compatibility: the daemon's hooks of before the registry ----
 * One validate and one apply for the whole tree, with effective copies.
 * cfg_commit_add_hooks() registers them in R as one row "hooks" owning the
 * whole configuration (path ""); H is borrowed and must outlive R. */
struct cfg_hooks {
	void *ctx;
	/* cross-statement checks of the daemon (hugepage budget, sxe rule);
	   NEW is the candidate without inactive nodes */
	void (*validate)(void *ctx, const struct cfg_tree *new_tree, struct cfg_findings *fs);
	/* make the world match NEW (OLD the active tree, both without
	   inactive nodes); return 0, or -1 with findings explaining. Output
	   (e.g. "vrtr1: restarting to apply memory change") goes to OUT. On a
	   failure the row applies OLD again to undo. */
	int (*apply)(void *ctx, const struct cfg_tree *old_tree, const struct cfg_tree *new_tree,
	             struct cfg_buf *out, struct cfg_findings *fs);
};
int cfg_commit_add_hooks(struct cfg_subsys_reg *r, const struct cfg_hooks *h);

#endif
