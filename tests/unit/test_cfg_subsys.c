/* Unit tests of cfg_subsys: rows in order, only touched rows called, a
 * failure undoes exactly the rows applied before it in reverse order (undo
 * or the inverse diff), a failing undo is reported, validate with reads,
 * converge. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_buf.h"
#include "cfg_diff.h"
#include "cfg_err.h"
#include "cfg_load.h"
#include "cfg_subsys.h"

static const char schema_xml[] =
	"<schema name=\"t\">\n"
	"  <container name=\"system\" help=\"System\">\n"
	"    <leaf name=\"host-name\" type=\"name\" help=\"Host name\"/>\n"
	"    <container name=\"services\" help=\"Services\">\n"
	"      <container name=\"ssh\" presence=\"true\" help=\"SSH\"/>\n"
	"    </container>\n"
	"  </container>\n"
	"  <container name=\"memory\" help=\"Memory\">\n"
	"    <leaf name=\"pages\" type=\"int\" min=\"0\" max=\"100\" help=\"Pages\"/>\n"
	"  </container>\n"
	"  <container name=\"vnfs\" help=\"VNFs\">\n"
	"    <list name=\"vnf\" positional=\"true\" key=\"name\" key-type=\"name\" key-help=\"VNF\" help=\"VNF\">\n"
	"      <leaf name=\"pages\" type=\"int\" min=\"0\" max=\"100\" help=\"Pages\"/>\n"
	"    </list>\n"
	"  </container>\n"
	"</schema>\n";

struct log {
	char buf[1024];
};

static void logf_(struct log *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(struct log *l, const char *fmt, ...)
{
	size_t n = strlen(l->buf);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(l->buf + n, sizeof l->buf - n, fmt, ap);
	va_end(ap);
}

/* A row's context: its name, what it logs to, whether apply/undo fail. */
struct row {
	const char *name;
	struct log *log;
	bool fail_apply, fail_undo;
	int applied; /* net applies (apply +1, undo -1) */
};

static void r_validate(void *ctx, const struct cfg_tree *t, const struct cfg_diff *d,
                       struct cfg_findings *fs)
{
	struct row *r = ctx;
	(void)d;
	logf_(r->log, "validate %s;", r->name);
	const char *p = cfg_tree_value(t, NULL, "memory pages", CFG_AT_ACTIVE);
	if (p && atoi(p) > 50)
		cfg_findings_add(fs, cfg_tree_at(t, NULL, "memory", 0), "'pages'", "too many pages (%s)", p);
}

static int r_apply(void *ctx, const struct cfg_diff *d, struct cfg_buf *out, struct cfg_findings *fs)
{
	struct row *r = ctx;
	/* an inverse diff has OLD and NEW swapped: tell by the host name */
	const char *hn = cfg_tree_value(cfg_diff_new_tree(d), NULL, "system host-name", CFG_AT_ACTIVE);
	logf_(r->log, "apply %s(%zu%s%s);", r->name, cfg_diff_count(d), hn ? " " : "", hn ? hn : "");
	cfg_buf_printf(out, "%s: applied\n", r->name);
	if (r->fail_apply) {
		cfg_findings_add_line(fs, "%s cannot apply", r->name);
		return -1;
	}
	r->applied++;
	return 0;
}

static int r_undo(void *ctx, const struct cfg_diff *d, struct cfg_buf *out, struct cfg_findings *fs)
{
	struct row *r = ctx;
	(void)d;
	(void)out;
	logf_(r->log, "undo %s;", r->name);
	if (r->fail_undo) {
		cfg_findings_add_line(fs, "%s cannot undo", r->name);
		return -1;
	}
	r->applied--;
	return 0;
}

static int r_converge(void *ctx, const struct cfg_tree *active, struct cfg_buf *out,
                      struct cfg_findings *fs)
{
	struct row *r = ctx;
	(void)active;
	(void)out;
	logf_(r->log, "converge %s;", r->name);
	if (r->fail_apply) {
		cfg_err_set("%s broken", r->name);
		(void)fs;
		return -1;
	}
	return 0;
}

static const char *const own_acc[] = {"system services", NULL};
static const char *const own_mem[] = {"memory", NULL};
static const char *const own_vnf[] = {"vnfs", NULL};
static const char *const read_vnf[] = {"memory", NULL};
static const char *const own_host[] = {"system host-name", NULL};

struct fx {
	struct cfg_schema *schema;
	struct cfg_tree *old_t, *new_t;
	struct cfg_subsys_reg *reg;
	struct log log;
	struct row acc, mem, vnf, host;
	struct cfg_findings fs;
	struct cfg_buf out;
};

static struct cfg_tree *load(struct cfg_schema *s, const char *text)
{
	struct cfg_tree *t = cfg_tree_new(s);
	assert_non_null(t);
	long bad = cfg_load_set(t, NULL, text, strlen(text), "test", 0, NULL);
	assert_int_equal(bad, 0);
	return t;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->schema = cfg_schema_load_mem(schema_xml, sizeof schema_xml - 1, "test.xml");
	if (!f->schema)
		fail_msg("schema: %s", cfg_err_msg());
	f->old_t = load(f->schema, "set system host-name old\nset memory pages 10\nset vnfs a pages 1\n");
	f->new_t = cfg_tree_dup(f->old_t);
	f->reg = cfg_subsys_reg_new();
	f->acc = (struct row){"accounts", &f->log};
	f->mem = (struct row){"hugepages", &f->log};
	f->vnf = (struct row){"vnfs", &f->log};
	f->host = (struct row){"host", &f->log};
	/* added out of order: the registry sorts by order */
	struct cfg_subsys rows[] = {
		{.name = "vnfs", .order = 50, .owns = own_vnf, .reads = read_vnf, .ctx = &f->vnf,
		 .validate = r_validate, .apply = r_apply, .undo = r_undo},
		{.name = "accounts", .order = 10, .owns = own_acc, .ctx = &f->acc,
		 .validate = r_validate, .apply = r_apply, .undo = r_undo, .converge = r_converge},
		{.name = "hugepages", .order = 20, .owns = own_mem, .ctx = &f->mem,
		 .validate = r_validate, .apply = r_apply /* no undo: the inverse diff */},
		{.name = "host", .order = 60, .owns = own_host, .ctx = &f->host, .apply = r_apply},
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
		assert_int_equal(cfg_subsys_add(f->reg, &rows[i]), 0);
	cfg_buf_init(&f->out);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	cfg_buf_free(&f->out);
	cfg_findings_free(&f->fs);
	cfg_subsys_reg_free(f->reg);
	cfg_tree_free(f->old_t);
	cfg_tree_free(f->new_t);
	cfg_schema_free(f->schema);
	free(f);
	return 0;
}

static void change(struct fx *f, const char *text)
{
	assert_int_equal(cfg_load_set(f->new_t, NULL, text, strlen(text), "test", 0, NULL), 0);
}

static struct cfg_diff *diff(struct fx *f)
{
	struct cfg_diff *d = cfg_diff_new(f->old_t, f->new_t, CFG_DIFF_EFFECTIVE);
	assert_non_null(d);
	return d;
}

static void test_order_and_duplicates(void **state)
{
	struct fx *f = *state;
	assert_int_equal(cfg_subsys_count(f->reg), 4);
	assert_string_equal(cfg_subsys_at(f->reg, 0)->name, "accounts");
	assert_string_equal(cfg_subsys_at(f->reg, 1)->name, "hugepages");
	assert_string_equal(cfg_subsys_at(f->reg, 2)->name, "vnfs");
	assert_string_equal(cfg_subsys_at(f->reg, 3)->name, "host");
	assert_null(cfg_subsys_at(f->reg, 4));
	struct cfg_subsys dup = {.name = "vnfs", .order = 1};
	assert_int_equal(cfg_subsys_add(f->reg, &dup), -1);
	assert_non_null(strstr(cfg_err_msg(), "vnfs"));
	assert_int_equal(cfg_subsys_count(f->reg), 4);
}

static void test_only_touched(void **state)
{
	struct fx *f = *state;
	change(f, "set system services ssh\nset vnfs b pages 2\n");
	struct cfg_diff *d = diff(f);
	assert_true(cfg_subsys_touched(cfg_subsys_at(f->reg, 0), d, false));
	assert_false(cfg_subsys_touched(cfg_subsys_at(f->reg, 1), d, false));
	assert_int_equal(cfg_subsys_apply(f->reg, d, &f->out, &f->fs), 0);
	assert_string_equal(f->log.buf, "apply accounts(2 old);apply vnfs(2 old);");
	assert_string_equal(f->out.p, "accounts: applied\nvnfs: applied\n");
	assert_int_equal(f->fs.n, 0);
	cfg_diff_free(d);
}

static void test_empty_diff_calls_nothing(void **state)
{
	struct fx *f = *state;
	struct cfg_diff *d = diff(f);
	cfg_subsys_validate(f->reg, f->new_t, d, &f->fs);
	assert_int_equal(cfg_subsys_apply(f->reg, d, &f->out, &f->fs), 0);
	assert_string_equal(f->log.buf, "");
	cfg_diff_free(d);
}

static void test_validate_reads(void **state)
{
	struct fx *f = *state;
	change(f, "set memory pages 60\n");
	struct cfg_diff *d = diff(f);
	/* hugepages owns memory, vnfs reads it: both validate; accounts not */
	cfg_subsys_validate(f->reg, f->new_t, d, &f->fs);
	assert_string_equal(f->log.buf, "validate hugepages;validate vnfs;");
	assert_int_equal(cfg_findings_errors(&f->fs), 2);
	assert_string_equal(f->fs.f[0].edit, "[edit memory]");
	/* but only the owner applies */
	memset(&f->log, 0, sizeof f->log);
	assert_int_equal(cfg_subsys_apply(f->reg, d, &f->out, &f->fs), 0);
	assert_string_equal(f->log.buf, "apply hugepages(1 old);");
	cfg_diff_free(d);
}

static void test_failure_undoes_applied_rows(void **state)
{
	struct fx *f = *state;
	change(f, "set system services ssh\nset memory pages 20\nset vnfs a pages 5\n"
	          "set system host-name new\n");
	f->vnf.fail_apply = true;
	struct cfg_diff *d = diff(f);
	assert_int_equal(cfg_subsys_apply(f->reg, d, &f->out, &f->fs), -1);
	/* host (after vnfs) is never called; vnfs' own partial work is its
	   own business; hugepages (no undo) gets the inverse diff, whose new
	   tree is the old one; then accounts' undo: reverse order */
	assert_string_equal(f->log.buf, "apply accounts(4 new);apply hugepages(4 new);apply vnfs(4 new);"
	                                "apply hugepages(4 old);undo accounts;");
	assert_int_equal(f->acc.applied, 0);
	assert_int_equal(f->mem.applied, 2); /* its apply, then the apply of the inverse */
	assert_int_equal(f->vnf.applied, 0);
	assert_int_equal(f->host.applied, 0);
	assert_int_equal(cfg_findings_errors(&f->fs), 1);
	assert_string_equal(f->fs.f[0].msg, "vnfs cannot apply");
	cfg_diff_free(d);
}

static void test_failure_first_row_undoes_nothing(void **state)
{
	struct fx *f = *state;
	change(f, "set system services ssh\nset memory pages 20\n");
	f->acc.fail_apply = true;
	struct cfg_diff *d = diff(f);
	assert_int_equal(cfg_subsys_apply(f->reg, d, &f->out, &f->fs), -1);
	assert_string_equal(f->log.buf, "apply accounts(2 old);");
	cfg_diff_free(d);
}

static void test_failing_undo_reported(void **state)
{
	struct fx *f = *state;
	change(f, "set system services ssh\nset vnfs a pages 5\n");
	f->vnf.fail_apply = true;
	f->acc.fail_undo = true;
	struct cfg_diff *d = diff(f);
	assert_int_equal(cfg_subsys_apply(f->reg, d, &f->out, &f->fs), -1);
	assert_string_equal(f->log.buf, "apply accounts(2 old);apply vnfs(2 old);undo accounts;");
	struct cfg_buf b;
	cfg_buf_init(&b);
	cfg_findings_render(&b, &f->fs);
	assert_string_equal(b.p, "error: vnfs cannot apply\n"
	                         "error: accounts cannot undo\n"
	                         "error: could not restore the previous configuration; "
	                         "the system may be partly configured\n"
	                         "error: configuration check-out failed\n");
	cfg_buf_free(&b);
	cfg_diff_free(d);
}

static void test_apply_error_without_finding(void **state)
{
	struct fx *f = *state;
	(void)f;
	/* a row that fails with only cfg_err set gets a finding from it */
	struct cfg_subsys_reg *r = cfg_subsys_reg_new();
	struct row x = {"x", &f->log, .fail_apply = false};
	struct cfg_subsys row = {.name = "x", .owns = own_mem, .ctx = &x, .apply = r_apply};
	assert_int_equal(cfg_subsys_add(r, &row), 0);
	change(f, "set memory pages 1\n");
	struct cfg_diff *d = diff(f);
	assert_int_equal(cfg_subsys_apply(r, d, &f->out, &f->fs), 0);
	assert_int_equal(cfg_subsys_undo_all(r, d, &f->out, &f->fs), 0);
	assert_int_equal(x.applied, 2); /* apply, then apply of the inverse */
	cfg_diff_free(d);
	cfg_subsys_reg_free(r);
}

static void test_undo_all(void **state)
{
	struct fx *f = *state;
	change(f, "set system services ssh\nset vnfs a pages 5\nset system host-name new\n");
	struct cfg_diff *d = diff(f);
	assert_int_equal(cfg_subsys_apply(f->reg, d, &f->out, &f->fs), 0);
	memset(&f->log, 0, sizeof f->log);
	assert_int_equal(cfg_subsys_undo_all(f->reg, d, &f->out, &f->fs), 0);
	assert_string_equal(f->log.buf, "apply host(3 old);undo vnfs;undo accounts;");
	cfg_diff_free(d);
}

static void test_converge(void **state)
{
	struct fx *f = *state;
	f->acc.fail_apply = true; /* its converge fails; the others still run */
	assert_int_equal(cfg_subsys_converge(f->reg, f->old_t, &f->out, &f->fs), -1);
	/* rows without converge apply the diff from an empty tree (if it
	   touches them: accounts' services are not configured) */
	assert_string_equal(f->log.buf, "converge accounts;apply hugepages(3 old);apply vnfs(3 old);"
	                                "apply host(3 old);");
	assert_int_equal(cfg_findings_errors(&f->fs), 1);
	assert_string_equal(f->fs.f[0].msg, "accounts: accounts broken");
}

static void test_tick(void **state)
{
	struct fx *f = *state;
	cfg_subsys_tick(f->reg); /* no row has a tick: nothing happens */
	cfg_subsys_tick(NULL);
	assert_string_equal(f->log.buf, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order_and_duplicates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_only_touched, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_diff_calls_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_validate_reads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failure_undoes_applied_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failure_first_row_undoes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failing_undo_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_error_without_finding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_undo_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_converge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tick, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
