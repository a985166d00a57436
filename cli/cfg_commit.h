/* cfg_commit — the commit pipeline shared by jdmd and jcpd:
 * validate → diff against the active revision → apply through the daemon's
 * hooks in order → on failure undo what was applied → store the revision.
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

/* The daemon's hooks. Any may be NULL. OLD is the active tree, NEW the
 * candidate (both without inactive nodes). */
struct cfg_hooks {
	void *ctx;
	/* cross-statement checks of the daemon (hugepage budget, sxe rule) */
	void (*validate)(void *ctx, const struct cfg_tree *new_tree, struct cfg_findings *fs);
	/* make the world match NEW; return 0, or -1 with findings explaining.
	   Output (e.g. "vrtr1: restarting to apply memory change") goes to OUT. */
	int (*apply)(void *ctx, const struct cfg_tree *old_tree, const struct cfg_tree *new_tree,
	             struct cfg_buf *out, struct cfg_findings *fs);
};

/* Validate CAND (+ hooks). Returns 0 if no errors. Findings in FS. */
int cfg_commit_check(const struct cfg_tree *cand, const struct cfg_hooks *h, struct cfg_findings *fs);

/* Full commit: check, apply (on failure apply OLD again to undo), store the
 * full set text of CAND. Returns 0, or -1 with findings / cfg_err. ACTIVE is
 * the currently active tree (not modified). */
int cfg_commit(struct cfg_store *st, const struct cfg_tree *active, const struct cfg_tree *cand,
               const struct cfg_hooks *h, const char *user, const char *client,
               const char *comment, struct cfg_buf *out, struct cfg_findings *fs);

/* A copy of T without inactive nodes (what hooks see). Caller owns. */
struct cfg_tree *cfg_commit_effective(const struct cfg_tree *t);

#endif
