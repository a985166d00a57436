/* cfg_subsys — the subsystem registry. See cfg_subsys.h. */
#include "cfg_subsys.h"

#include <stdlib.h>
#include <string.h>

#include "cfg_err.h"

struct cfg_subsys_reg {
	struct cfg_subsys *rows; /* sorted by order; equal orders keep insertion order */
	size_t n, cap;
};

struct cfg_subsys_reg *cfg_subsys_reg_new(void)
{
	struct cfg_subsys_reg *r = calloc(1, sizeof *r);
	if (!r)
		cfg_err_set("out of memory");
	return r;
}

void cfg_subsys_reg_free(struct cfg_subsys_reg *r)
{
	if (!r)
		return;
	free(r->rows);
	free(r);
}

int cfg_subsys_add(struct cfg_subsys_reg *r, const struct cfg_subsys *row)
{
	if (!r || !row || !row->name)
		return cfg_err_set("subsystem: a row needs a name");
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->rows[i].name, row->name))
			return cfg_err_set("subsystem %s registered twice", row->name);
	if (r->n == r->cap) {
		size_t nc = r->cap ? r->cap * 2 : 8;
		struct cfg_subsys *nr = realloc(r->rows, nc * sizeof *nr);
		if (!nr)
			return cfg_err_set("out of memory");
		r->rows = nr;
		r->cap = nc;
	}
	size_t at = r->n;
	while (at > 0 && r->rows[at - 1].order > row->order)
		at--;
	memmove(&r->rows[at + 1], &r->rows[at], (r->n - at) * sizeof *r->rows);
	r->rows[at] = *row;
	r->n++;
	return 0;
}

size_t cfg_subsys_count(const struct cfg_subsys_reg *r) { return r ? r->n : 0; }

const struct cfg_subsys *cfg_subsys_at(const struct cfg_subsys_reg *r, size_t i)
{
	return r && i < r->n ? &r->rows[i] : NULL;
}

static bool any_touched(const char *const *paths, const struct cfg_diff *diff)
{
	for (size_t i = 0; paths && paths[i]; i++)
		if (cfg_diff_touches(diff, paths[i]))
			return true;
	return false;
}

bool cfg_subsys_touched(const struct cfg_subsys *row, const struct cfg_diff *diff, bool reads)
{
	if (!row || cfg_diff_empty(diff))
		return false;
	return any_touched(row->owns, diff) || (reads && any_touched(row->reads, diff));
}

void cfg_subsys_validate(const struct cfg_subsys_reg *r, const struct cfg_tree *new_tree,
                         const struct cfg_diff *diff, struct cfg_findings *fs)
{
	for (size_t i = 0; r && i < r->n; i++) {
		const struct cfg_subsys *row = &r->rows[i];
		if (row->validate && cfg_subsys_touched(row, diff, true))
			row->validate(row->ctx, new_tree, diff, fs);
	}
}

/* Move the findings of FROM to the end of TO (FROM is left empty). */
static void findings_move(struct cfg_findings *to, struct cfg_findings *from)
{
	for (size_t i = 0; i < from->n; i++) {
		if (to->n == to->cap) {
			size_t nc = to->cap ? to->cap * 2 : 8;
			struct cfg_finding *nf = realloc(to->f, nc * sizeof *nf);
			if (!nf)
				abort();
			to->f = nf;
			to->cap = nc;
		}
		to->f[to->n++] = from->f[i];
	}
	free(from->f);
	from->f = NULL;
	from->n = from->cap = 0;
}

/* Undo row ROW after DIFF was applied through it. 0 or -1. */
static int undo_row(const struct cfg_subsys *row, const struct cfg_diff *diff, struct cfg_buf *out,
                    struct cfg_findings *fs)
{
	cfg_err_clear();
	size_t before = cfg_findings_errors(fs);
	int rc;
	if (row->undo) {
		rc = row->undo(row->ctx, diff, out, fs);
	} else if (row->apply) {
		struct cfg_diff *inv = cfg_diff_inverse(diff);
		if (!inv)
			return -1;
		rc = row->apply(row->ctx, inv, out, fs);
		cfg_diff_free(inv);
	} else {
		return 0;
	}
	if (rc != 0 && cfg_findings_errors(fs) == before)
		cfg_findings_add_line(fs, "%s: %s", row->name,
		                      *cfg_err_msg() ? cfg_err_msg() : "could not undo the change");
	return rc != 0 ? -1 : 0;
}

/* Undo rows [0, N) that DIFF touches, in reverse order. */
static int undo_rows(const struct cfg_subsys_reg *r, size_t n, const struct cfg_diff *diff,
                     struct cfg_buf *out, struct cfg_findings *fs)
{
	struct cfg_findings undo = {0};
	int rc = 0;
	for (size_t i = n; i-- > 0;) {
		const struct cfg_subsys *row = &r->rows[i];
		if (!cfg_subsys_touched(row, diff, false))
			continue;
		if (undo_row(row, diff, out, &undo) < 0)
			rc = -1;
	}
	if (rc < 0) {
		findings_move(fs, &undo);
		cfg_findings_add_line(fs, "could not restore the previous configuration; "
		                          "the system may be partly configured");
	} else {
		cfg_findings_free(&undo);
	}
	return rc;
}

int cfg_subsys_apply(const struct cfg_subsys_reg *r, const struct cfg_diff *diff,
                     struct cfg_buf *out, struct cfg_findings *fs)
{
	for (size_t i = 0; r && i < r->n; i++) {
		const struct cfg_subsys *row = &r->rows[i];
		if (!row->apply || !cfg_subsys_touched(row, diff, false))
			continue;
		size_t before = cfg_findings_errors(fs);
		cfg_err_clear();
		if (row->apply(row->ctx, diff, out, fs) == 0)
			continue;
		if (cfg_findings_errors(fs) == before)
			cfg_findings_add_line(fs, "%s", *cfg_err_msg() ? cfg_err_msg()
			                                               : "could not apply the configuration");
		undo_rows(r, i, diff, out, fs);
		return cfg_err_set("commit failed");
	}
	return 0;
}

int cfg_subsys_undo_all(const struct cfg_subsys_reg *r, const struct cfg_diff *diff,
                        struct cfg_buf *out, struct cfg_findings *fs)
{
	if (!r)
		return 0;
	return undo_rows(r, r->n, diff, out, fs);
}

int cfg_subsys_converge(const struct cfg_subsys_reg *r, const struct cfg_tree *active,
                        struct cfg_buf *out, struct cfg_findings *fs)
{
	struct cfg_diff *from_empty = NULL;
	int rc = 0;
	for (size_t i = 0; r && i < r->n; i++) {
		const struct cfg_subsys *row = &r->rows[i];
		size_t before = cfg_findings_errors(fs);
		cfg_err_clear();
		int x = 0;
		if (row->converge) {
			x = row->converge(row->ctx, active, out, fs);
		} else if (row->apply) {
			if (!from_empty && !(from_empty = cfg_diff_new(NULL, active, CFG_DIFF_EFFECTIVE)))
				return -1;
			if (!cfg_subsys_touched(row, from_empty, false))
				continue;
			x = row->apply(row->ctx, from_empty, out, fs);
		}
		if (x != 0) {
			rc = -1;
			if (cfg_findings_errors(fs) == before)
				cfg_findings_add_line(fs, "%s: %s", row->name,
				                      *cfg_err_msg() ? cfg_err_msg() : "could not converge");
		}
	}
	cfg_diff_free(from_empty);
	return rc;
}

void cfg_subsys_tick(const struct cfg_subsys_reg *r)
{
	for (size_t i = 0; r && i < r->n; i++)
		if (r->rows[i].tick)
			r->rows[i].tick(r->rows[i].ctx);
}
