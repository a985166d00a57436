/* cfg_subsys — the subsystem registry of a configuration daemon.
 *
 * A subsystem is one module that makes part of the committed configuration
 * real (accounts and sshd, the hugepage pool, VNFs, the host-os switch,
 * SR-IOV, SNMP, IPsec, JCP's switch). It is one row: the configuration
 * subtrees it owns (keyword paths as in cfg_tree_at()), the subtrees it only
 * reads for its checks, its place in the order, and its callbacks. Adding a
 * feature is one module and one cfg_subsys_add() call.
 *
 * A commit (cfg_commit.c) computes one CFG_DIFF_EFFECTIVE diff between the
 * active tree and the candidate, then:
 *   validate  called for every row whose owned or read subtrees the diff
 *             touches (cfg_commit_check calls it the same way), on the loop
 *             thread; findings carry their [edit ...] path;
 *   apply     called, in ascending order, for every row whose owned subtrees
 *             the diff touches, on the commit job's thread (never on the event
 *             loop): the subsystem locks whatever it shares with its commands
 *             and tick; progress text goes to OUT;
 *   undo      when a later row's apply (or the store) fails, the rows already
 *             applied are undone in reverse order, and only they: undo(diff)
 *             when given, else apply(cfg_diff_inverse(diff)).
 *   converge  at daemon start, with the active tree: make the world match it
 *             (idempotent; also what brings VNFs back after power loss);
 *             NULL means apply with the diff from an empty tree.
 *   tick      once a second from the event loop (restart a dead sshd, probe
 *             VNFs), never while this row's apply runs.
 * A row with on_loop set has its apply/undo/converge run on the loop thread
 * instead (the loop then waits, as before the jobs existed).
 * Trees handed to callbacks contain inactive nodes: read them with the
 * CFG_AT_ACTIVE lookups of cfg_tree.h.
 *
 * Ownership: the registry copies the row (strings and path arrays are
 * borrowed: static data); CTX is borrowed.
 */
#ifndef NFX_CFG_SUBSYS_H
#define NFX_CFG_SUBSYS_H

#include "cfg_buf.h"
#include "cfg_commit.h"
#include "cfg_diff.h"
#include "cfg_tree.h"

struct cfg_subsys {
	const char *name;          /* "accounts", "hugepages", "vnfs" (logs, tests) */
	int order;                 /* apply in ascending order; undo in reverse */
	const char *const *owns;   /* NULL-terminated keyword paths this row makes real */
	const char *const *reads;  /* NULL-terminated paths its validate also depends on (may be NULL) */
	void *ctx;
	void (*validate)(void *ctx, const struct cfg_tree *new_tree, const struct cfg_diff *diff,
	                 struct cfg_findings *fs);
	int (*apply)(void *ctx, const struct cfg_diff *diff, struct cfg_buf *out,
	             struct cfg_findings *fs);
	int (*undo)(void *ctx, const struct cfg_diff *diff, struct cfg_buf *out,
	            struct cfg_findings *fs);
	int (*converge)(void *ctx, const struct cfg_tree *active, struct cfg_buf *out,
	                struct cfg_findings *fs);
	void (*tick)(void *ctx);
	bool on_loop;              /* apply, undo and converge must run on the loop thread
	                              (code that is not thread-safe, as the compatibility
	                              row of cfg_hooks): the loop then waits for them */
};

struct cfg_subsys_reg; /* the rows, in order */

struct cfg_subsys_reg *cfg_subsys_reg_new(void);
void cfg_subsys_reg_free(struct cfg_subsys_reg *r);
/* Add a row (copied). 0, or -1 (cfg_err set: duplicate name). */
int cfg_subsys_add(struct cfg_subsys_reg *r, const struct cfg_subsys *row);
size_t cfg_subsys_count(const struct cfg_subsys_reg *r);
const struct cfg_subsys *cfg_subsys_at(const struct cfg_subsys_reg *r, size_t i);

/* Does DIFF touch any of ROW's owned paths (or, with READS, its read paths)? */
bool cfg_subsys_touched(const struct cfg_subsys *row, const struct cfg_diff *diff, bool reads);

/* Validate: every row touched (owns or reads) by DIFF, with NEW_TREE. */
void cfg_subsys_validate(const struct cfg_subsys_reg *r, const struct cfg_tree *new_tree,
                         const struct cfg_diff *diff, struct cfg_findings *fs);
/* Apply DIFF through the rows it touches, in order; on a failure undo the
 * rows already applied in reverse order (the failing row's own partial work
 * is its apply's to undo before returning -1). 0, or -1 with findings (a
 * failed undo adds a finding saying the system may be partly configured). */
int cfg_subsys_apply(const struct cfg_subsys_reg *r, const struct cfg_diff *diff,
                     struct cfg_buf *out, struct cfg_findings *fs);
/* Undo a successful cfg_subsys_apply(DIFF) (all touched rows, reverse
 * order): used when storing the revision fails. */
int cfg_subsys_undo_all(const struct cfg_subsys_reg *r, const struct cfg_diff *diff,
                        struct cfg_buf *out, struct cfg_findings *fs);
/* Converge every row to ACTIVE, in order; failures are collected, the other
 * rows still run. 0, or -1 if any failed. */
int cfg_subsys_converge(const struct cfg_subsys_reg *r, const struct cfg_tree *active,
                        struct cfg_buf *out, struct cfg_findings *fs);
/* Tick every row that has a tick. */
void cfg_subsys_tick(const struct cfg_subsys_reg *r);

#endif
