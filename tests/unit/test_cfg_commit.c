/* Unit tests of cfg_commit: findings rendering, generic validation
 * (mandatory, ref, unique, inactive), the effective tree and the commit
 * pipeline with hooks and the store. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cfg_commit.h"
#include "cfg_diff.h"
#include "cfg_err.h"
#include "cfg_render.h"
#include "cfg_schema.h"
#include "cfg_store.h"
#include "cfg_subsys.h"
#include "cfg_tree.h"

static const char schema_xml[] =
	"<schema name=\"t\">\n"
	"  <container name=\"system\" help=\"System\">\n"
	"    <leaf name=\"host-name\" type=\"name\" help=\"Host name\"/>\n"
	"    <container name=\"login\" help=\"Login\">\n"
	"      <leaf name=\"message\" type=\"string\" help=\"Banner\"/>\n"
	"      <leaf name=\"class\" type=\"name\" mandatory=\"true\" help=\"Class\"/>\n"
	"    </container>\n"
	"  </container>\n"
	"  <container name=\"host-os\" help=\"Host OS\">\n"
	"    <list name=\"vlans\" key=\"name\" key-type=\"name\" key-help=\"VLAN name\" help=\"VLANs\">\n"
	"      <leaf name=\"vlan-id\" type=\"int\" min=\"1\" max=\"4094\" unique=\"true\"\n"
	"            mandatory=\"true\" help=\"VLAN id\"/>\n"
	"      <leaf name=\"description\" type=\"string\" help=\"Text\"/>\n"
	"    </list>\n"
	"  </container>\n"
	"  <list name=\"vnfs\" key=\"name\" key-type=\"name\" key-help=\"VNF name\" help=\"VNFs\">\n"
	"    <leaf name=\"image\" type=\"string\" mandatory=\"true\" help=\"Image\"/>\n"
	"    <leaf name=\"no-autostart\" type=\"flag\" help=\"Do not start\"/>\n"
	"    <leaf name=\"uplink\" type=\"name\" ref=\"host-os vlans\" help=\"Uplink VLAN\"/>\n"
	"    <list name=\"interfaces\" key=\"name\" key-type=\"name\" key-help=\"Interface\" help=\"Ifs\">\n"
	"      <leaf-list name=\"members\" type=\"name\" ref=\"host-os vlans\" help=\"VLANs\"/>\n"
	"    </list>\n"
	"  </list>\n"
	"</schema>\n";

struct fx {
	struct cfg_schema *schema;
	struct cfg_tree *t;
	struct cfg_findings fs;
	char dir[64];
	char path[128];
	struct cfg_store *st;
};

/* The hooks as the one compatibility row of a registry (freed in teardown). */
static struct cfg_subsys_reg *g_reg;
static struct cfg_subsys_reg *hreg(const struct cfg_hooks *h)
{
	cfg_subsys_reg_free(g_reg);
	g_reg = cfg_subsys_reg_new();
	assert_non_null(g_reg);
	assert_int_equal(cfg_commit_add_hooks(g_reg, h), 0);
	return g_reg;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->schema = cfg_schema_load_mem(schema_xml, sizeof schema_xml - 1, "test.xml");
	if (!f->schema)
		fail_msg("schema: %s", cfg_err_msg());
	f->t = cfg_tree_new(f->schema);
	assert_non_null(f->t);
	snprintf(f->dir, sizeof f->dir, "/tmp/nfx-test-commit-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/config.db", f->dir);
	f->st = cfg_store_open(f->path);
	if (!f->st)
		fail_msg("store: %s", cfg_err_msg());
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	cfg_subsys_reg_free(g_reg);
	g_reg = NULL;
	cfg_findings_free(&f->fs);
	cfg_tree_free(f->t);
	cfg_schema_free(f->schema);
	cfg_store_close(f->st);
	char p[256];
	const char *sfx[] = { "", "-wal", "-shm" };
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s%s", f->path, sfx[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

/* `set` a path of words: "host-os vlans v100 vlan-id 100". A keyword of a
 * list, leaf (not flag) or leaf-list takes the next word as its value. */
static struct cfg_node *tset(struct cfg_tree *t, const char *words)
{
	struct cfg_step steps[32];
	char *copy = strdup(words), *save = NULL;
	size_t n = 0;
	const struct cfg_schema *s = cfg_tree_schema(t);
	for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		const struct cfg_schema *c = cfg_schema_child(s, w);
		if (!c)
			fail_msg("no keyword '%s' in '%s'", w, words);
		const char *v = NULL;
		if (c->kind != CFG_CONTAINER && c->type != CFG_T_FLAG) {
			v = strtok_r(NULL, " ", &save);
			if (!v)
				fail_msg("no value for '%s'", w);
		}
		assert_true(n < 32);
		steps[n++] = (struct cfg_step){ .schema = c, .value = v };
		s = c;
	}
	struct cfg_node *node = cfg_tree_set(t, NULL, steps, n);
	free(copy);
	assert_non_null(node);
	return node;
}

static struct cfg_node *tfind(struct cfg_tree *t, const char *words)
{
	struct cfg_step steps[32];
	char *copy = strdup(words), *save = NULL;
	size_t n = 0;
	const struct cfg_schema *s = cfg_tree_schema(t);
	for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		const struct cfg_schema *c = cfg_schema_child(s, w);
		assert_non_null(c);
		const char *v = NULL;
		if (c->kind != CFG_CONTAINER && c->type != CFG_T_FLAG)
			v = strtok_r(NULL, " ", &save);
		steps[n++] = (struct cfg_step){ .schema = c, .value = v };
		s = c;
	}
	struct cfg_node *node = cfg_tree_find(t, NULL, steps, n);
	free(copy);
	return node;
}

/* Render findings and compare with the exact expected text. */
static void assert_render(const struct cfg_findings *fs, const char *want)
{
	struct cfg_buf b;
	cfg_buf_init(&b);
	cfg_findings_render(&b, fs);
	const char *got = b.p ? b.p : "";
	if (strcmp(got, want) != 0)
		fail_msg("findings differ\n--- want\n%s--- got\n%s---", want, got);
	cfg_buf_free(&b);
}

/* A valid base configuration. */
static void base(struct cfg_tree *t)
{
	tset(t, "system host-name jdm");
	tset(t, "host-os vlans v100 vlan-id 100");
	tset(t, "host-os vlans v200 vlan-id 200");
	tset(t, "vnfs vrtr1 image /var/images/vrtr.qcow2");
	tset(t, "vnfs vrtr1 uplink v100");
	tset(t, "vnfs vrtr1 interfaces eth2 members v100");
	tset(t, "vnfs vrtr1 interfaces eth2 members v200");
}

/* ---- findings ---------------------------------------------------------- */

static void test_findings_render(void **state)
{
	struct fx *f = *state;
	struct cfg_node *vnf = tset(f->t, "vnfs vrtr1 image x");
	vnf = vnf->parent;

	assert_render(&f->fs, "");
	cfg_findings_warn(&f->fs, NULL, NULL, "hugepages are not reserved yet");
	assert_int_equal(cfg_findings_errors(&f->fs), 0);
	assert_render(&f->fs, "warning: hugepages are not reserved yet\n");

	cfg_findings_add_line(&f->fs, "sxe interfaces (sxe-0/0/0.0 and sxe-0/0/1.0) cannot have same "
	                              "vlan member (%d)", 1100);
	assert_int_equal(cfg_findings_errors(&f->fs), 1);
	assert_render(&f->fs,
	              "warning: hugepages are not reserved yet\n"
	              "error: sxe interfaces (sxe-0/0/0.0 and sxe-0/0/1.0) cannot have same vlan "
	              "member (1100)\n"
	              "error: configuration check-out failed\n");

	cfg_findings_add(&f->fs, vnf, "'memory'", "Not enough hugepages: %d needed", 4);
	cfg_findings_warn(&f->fs, vnf, "'no-autostart'", "VNF will not start");
	assert_int_equal(cfg_findings_errors(&f->fs), 2);
	assert_render(&f->fs,
	              "warning: hugepages are not reserved yet\n"
	              "error: sxe interfaces (sxe-0/0/0.0 and sxe-0/0/1.0) cannot have same vlan "
	              "member (1100)\n"
	              "[edit vnfs vrtr1]\n"
	              "  'memory'\n"
	              "    Not enough hugepages: 4 needed\n"
	              "[edit vnfs vrtr1]\n"
	              "  'no-autostart'\n"
	              "    warning: VNF will not start\n"
	              "error: configuration check-out failed\n");
	cfg_findings_free(&f->fs);
	assert_int_equal(f->fs.n, 0);
	cfg_findings_free(&f->fs); /* twice is fine */
	cfg_findings_free(NULL);
}

/* ---- validation -------------------------------------------------------- */

static void test_valid(void **state)
{
	struct fx *f = *state;
	base(f->t);
	cfg_validate(f->t, &f->fs);
	assert_int_equal(f->fs.n, 0);
	assert_int_equal(cfg_commit_check(NULL, f->t, NULL, &f->fs), 0);
	assert_int_equal(f->fs.n, 0);
}

static void test_mandatory_missing(void **state)
{
	struct fx *f = *state;
	base(f->t);
	tset(f->t, "vnfs vsrx no-autostart");   /* no image */
	tset(f->t, "host-os vlans v300");        /* no vlan-id */
	tset(f->t, "system login message hi");   /* no class */
	assert_int_equal(cfg_commit_check(NULL, f->t, NULL, &f->fs), -1);
	assert_int_equal(cfg_findings_errors(&f->fs), 3);
	for (size_t i = 0; i < f->fs.n; i++)
		assert_true(f->fs.f[i].mandatory);
	assert_render(&f->fs,
	              "[edit system login]\n"
	              "  'class'\n"
	              "    Missing mandatory statement: 'class'\n"
	              "[edit host-os vlans v300]\n"
	              "  'vlan-id'\n"
	              "    Missing mandatory statement: 'vlan-id'\n"
	              "[edit vnfs vsrx]\n"
	              "  'image'\n"
	              "    Missing mandatory statement: 'image'\n"
	              "error: commit failed: (missing mandatory statements)\n");
}

static void test_ref_missing(void **state)
{
	struct fx *f = *state;
	base(f->t);
	tset(f->t, "vnfs vrtr1 interfaces eth3 members v999");
	tset(f->t, "vnfs vrtr1 uplink v998");
	assert_int_equal(cfg_commit_check(NULL, f->t, NULL, &f->fs), -1);
	assert_int_equal(cfg_findings_errors(&f->fs), 2);
	assert_false(f->fs.f[0].mandatory);
	assert_render(&f->fs,
	              "[edit vnfs vrtr1]\n"
	              "  'uplink v998'\n"
	              "    Referenced vlans v998 does not exist\n"
	              "[edit vnfs vrtr1 interfaces eth3]\n"
	              "  'members v999'\n"
	              "    Referenced vlans v999 does not exist\n"
	              "error: configuration check-out failed\n");

	/* no vlans at all: every reference fails */
	cfg_findings_free(&f->fs);
	cfg_tree_delete(f->t, tfind(f->t, "host-os"));
	cfg_validate(f->t, &f->fs);
	assert_int_equal(cfg_findings_errors(&f->fs), 4);
}

static void test_unique_violated(void **state)
{
	struct fx *f = *state;
	base(f->t);
	tset(f->t, "host-os vlans v101 vlan-id 100");
	tset(f->t, "host-os vlans v102 vlan-id 100");
	tset(f->t, "host-os vlans v201 vlan-id 200");
	tset(f->t, "host-os vlans v300 vlan-id 300");
	assert_int_equal(cfg_commit_check(NULL, f->t, NULL, &f->fs), -1);
	assert_int_equal(cfg_findings_errors(&f->fs), 2);
	assert_render(&f->fs,
	              "[edit host-os vlans v101]\n"
	              "  'vlan-id 100'\n"
	              "    vlan-id 100 is used by more than one vlans: v100 v101 v102\n"
	              "[edit host-os vlans v201]\n"
	              "  'vlan-id 200'\n"
	              "    vlan-id 200 is used by more than one vlans: v200 v201\n"
	              "error: configuration check-out failed\n");
}

static void test_inactive_ignored(void **state)
{
	struct fx *f = *state;
	base(f->t);
	/* an inactive VNF without image, an inactive duplicate vlan-id, an
	   inactive reference to a missing VLAN, and a container whose only
	   content is inactive (its mandatory child is then not required) */
	tset(f->t, "vnfs vsrx no-autostart")->parent->flags |= CFG_N_INACTIVE;
	struct cfg_node *v101 = tset(f->t, "host-os vlans v101 vlan-id 100")->parent;
	v101->flags |= CFG_N_INACTIVE;
	tset(f->t, "vnfs vrtr1 interfaces eth3 members v999")->parent->flags |= CFG_N_INACTIVE;
	tset(f->t, "system login message hi")->flags |= CFG_N_INACTIVE;
	cfg_validate(f->t, &f->fs);
	assert_render(&f->fs, "");

	/* v101 active but its vlan-id inactive: a mandatory statement missing
	   (and no unique clash with v100) */
	v101->flags &= ~CFG_N_INACTIVE;
	tfind(f->t, "host-os vlans v101 vlan-id")->flags |= CFG_N_INACTIVE;
	cfg_validate(f->t, &f->fs);
	assert_render(&f->fs,
	              "[edit host-os vlans v101]\n"
	              "  'vlan-id'\n"
	              "    Missing mandatory statement: 'vlan-id'\n"
	              "error: commit failed: (missing mandatory statements)\n");
	cfg_findings_free(&f->fs);

	/* a reference to an inactive VLAN does not count */
	tfind(f->t, "host-os vlans v101 vlan-id")->flags &= ~CFG_N_INACTIVE;
	v101->flags |= CFG_N_INACTIVE;
	tset(f->t, "vnfs vrtr1 uplink v101");
	cfg_validate(f->t, &f->fs);
	assert_render(&f->fs,
	              "[edit vnfs vrtr1]\n"
	              "  'uplink v101'\n"
	              "    Referenced vlans v101 does not exist\n"
	              "error: configuration check-out failed\n");
}

static void test_effective(void **state)
{
	struct fx *f = *state;
	base(f->t);
	tset(f->t, "vnfs vsrx no-autostart")->parent->flags |= CFG_N_INACTIVE;
	tset(f->t, "system login message hi")->flags |= CFG_N_INACTIVE;
	tfind(f->t, "host-os vlans v200")->flags |= CFG_N_INACTIVE;
	struct cfg_tree *e = cfg_commit_effective(f->t);
	assert_non_null(e);
	assert_null(tfind(e, "vnfs vsrx"));
	assert_null(tfind(e, "system login")); /* emptied container goes too */
	assert_null(tfind(e, "host-os vlans v200"));
	assert_non_null(tfind(e, "host-os vlans v100 vlan-id"));
	assert_non_null(tfind(e, "system host-name"));
	for (struct cfg_node *n = cfg_tree_next(cfg_tree_root(e), cfg_tree_root(e)); n;
	     n = cfg_tree_next(cfg_tree_root(e), n))
		assert_false(n->flags & CFG_N_INACTIVE);
	/* the original is untouched */
	assert_non_null(tfind(f->t, "vnfs vsrx"));
	assert_non_null(tfind(f->t, "host-os vlans v200"));
	cfg_tree_free(e);
}

/* ---- commit ------------------------------------------------------------ */

struct hook_log {
	int validate_calls;
	int apply_calls;
	int fail_on; /* apply call number that fails, 0 = none */
	const struct cfg_tree *old1, *new1, *old2, *new2;
	size_t inactive_seen;
	bool sxe_rule; /* validate adds a bare error */
};

static size_t count_inactive(const struct cfg_tree *t)
{
	size_t n = 0;
	const struct cfg_node *r = cfg_tree_root(t);
	for (const struct cfg_node *c = cfg_tree_next(r, r); c; c = cfg_tree_next(r, c))
		n += (c->flags & CFG_N_INACTIVE) != 0;
	return n;
}

static void hook_validate(void *ctx, const struct cfg_tree *t, struct cfg_findings *fs)
{
	struct hook_log *l = ctx;
	l->validate_calls++;
	l->inactive_seen += count_inactive(t);
	if (l->sxe_rule)
		cfg_findings_add_line(fs, "sxe interfaces (sxe-0/0/0.0 and sxe-0/0/1.0) cannot have "
		                          "same vlan member (1100)");
}

static int hook_apply(void *ctx, const struct cfg_tree *old_tree, const struct cfg_tree *new_tree,
                      struct cfg_buf *out, struct cfg_findings *fs)
{
	struct hook_log *l = ctx;
	l->apply_calls++;
	l->inactive_seen += count_inactive(old_tree) + count_inactive(new_tree);
	if (l->apply_calls == 1) {
		l->old1 = old_tree;
		l->new1 = new_tree;
	} else {
		l->old2 = old_tree;
		l->new2 = new_tree;
	}
	cfg_buf_printf(out, "apply %d\n", l->apply_calls);
	if (l->apply_calls == l->fail_on) {
		cfg_findings_add_line(fs, "vrtr1: could not define domain");
		return -1;
	}
	return 0;
}

static void stored_text(struct cfg_store *st, unsigned n, char **text, int64_t *seq, int want_rc)
{
	struct cfg_rev_info info;
	*text = NULL;
	assert_int_equal(cfg_store_get(st, n, text, NULL, &info), want_rc);
	if (seq)
		*seq = want_rc == 0 ? info.seq : 0;
}

static void test_commit_ok(void **state)
{
	struct fx *f = *state;
	base(f->t);
	tset(f->t, "vnfs vsrx no-autostart")->parent->flags |= CFG_N_INACTIVE;
	struct hook_log l = { 0 };
	struct cfg_hooks h = { .ctx = &l, .validate = hook_validate, .apply = hook_apply };
	struct cfg_buf out;
	cfg_buf_init(&out);
	if (cfg_commit(f->st, NULL, f->t, hreg(&h), "root", "cli", "first", &out, &f->fs) != 0) {
		assert_render(&f->fs, "");
		fail_msg("commit: %s", cfg_err_msg());
	}
	assert_int_equal(f->fs.n, 0);
	assert_int_equal(l.validate_calls, 1);
	assert_int_equal(l.apply_calls, 1);
	assert_int_equal(l.inactive_seen, 0); /* hooks see effective trees */
	assert_string_equal(out.p, "apply 1\n");

	/* the store holds the full set text of the candidate (inactive too) */
	struct cfg_buf want;
	cfg_buf_init(&want);
	cfg_render_set(&want, cfg_tree_root(f->t), false, CFG_R_FULL | CFG_R_SECRETS);
	char *text;
	int64_t seq1;
	stored_text(f->st, 0, &text, &seq1, 0);
	assert_string_equal(text, want.p ? want.p : "");
	assert_non_null(strstr(text, "vsrx"));
	free(text);
	cfg_buf_free(&want);

	/* second commit with the first as active */
	struct cfg_tree *active = cfg_tree_dup(f->t);
	tset(f->t, "system host-name jdm2");
	cfg_buf_reset(&out);
	assert_int_equal(cfg_commit(f->st, active, f->t, hreg(&h), "admin", "ssh", NULL, &out, &f->fs), 0);
	int64_t seq2;
	stored_text(f->st, 0, &text, &seq2, 0);
	assert_int_equal(seq2, seq1 + 1);
	assert_non_null(strstr(text, "jdm2"));
	free(text);
	cfg_tree_free(active);

	/* no hooks at all */
	assert_int_equal(cfg_commit(f->st, NULL, f->t, NULL, "root", "cli", NULL, NULL, &f->fs), 0);
	cfg_buf_free(&out);
}

static void test_commit_check_fails(void **state)
{
	struct fx *f = *state;
	base(f->t);
	int64_t seq0;
	char *text;
	assert_int_equal(cfg_commit(f->st, NULL, f->t, NULL, "root", "cli", NULL, NULL, &f->fs), 0);
	stored_text(f->st, 0, &text, &seq0, 0);
	free(text);

	/* daemon rule: bare error; nothing applied, nothing stored */
	struct hook_log l = { .sxe_rule = true };
	struct cfg_hooks h = { .ctx = &l, .validate = hook_validate, .apply = hook_apply };
	tset(f->t, "system host-name other");
	assert_int_equal(cfg_commit_check(NULL, f->t, hreg(&h), &f->fs), -1);
	assert_render(&f->fs,
	              "error: sxe interfaces (sxe-0/0/0.0 and sxe-0/0/1.0) cannot have same vlan "
	              "member (1100)\n"
	              "error: configuration check-out failed\n");
	cfg_findings_free(&f->fs);
	assert_int_equal(cfg_commit(f->st, NULL, f->t, hreg(&h), "root", "cli", NULL, NULL, &f->fs), -1);
	assert_int_equal(l.apply_calls, 0);
	int64_t seq;
	stored_text(f->st, 0, &text, &seq, 0);
	assert_int_equal(seq, seq0);
	assert_null(strstr(text, "other"));
	free(text);
	cfg_findings_free(&f->fs);

	/* mandatory missing: no hook runs apply either */
	l.sxe_rule = false;
	tset(f->t, "vnfs vsrx no-autostart");
	assert_int_equal(cfg_commit(f->st, NULL, f->t, hreg(&h), "root", "cli", NULL, NULL, &f->fs), -1);
	assert_int_equal(l.apply_calls, 0);
	assert_true(f->fs.n == 1 && f->fs.f[0].mandatory);
}

static void test_hook_failure_undoes(void **state)
{
	struct fx *f = *state;
	base(f->t);
	assert_int_equal(cfg_commit(f->st, NULL, f->t, NULL, "root", "cli", "base", NULL, &f->fs), 0);
	char *before;
	int64_t seq0;
	stored_text(f->st, 0, &before, &seq0, 0);

	struct cfg_tree *active = cfg_tree_dup(f->t);
	tset(f->t, "vnfs vsrx image /var/images/vsrx.qcow2");
	struct hook_log l = { .fail_on = 1 };
	struct cfg_hooks h = { .ctx = &l, .validate = hook_validate, .apply = hook_apply };
	struct cfg_buf out;
	cfg_buf_init(&out);
	assert_int_equal(cfg_commit(f->st, active, f->t, hreg(&h), "root", "cli", "vsrx", &out, &f->fs), -1);
	/* applied, failed, applied back: the undo swaps old and new */
	assert_int_equal(l.apply_calls, 2);
	assert_ptr_equal(l.old2, l.new1);
	assert_ptr_equal(l.new2, l.old1);
	assert_string_equal(out.p, "apply 1\napply 2\n");
	/* the findings are kept */
	assert_render(&f->fs, "error: vrtr1: could not define domain\n"
	                      "error: configuration check-out failed\n");
	/* the store is unchanged */
	char *after;
	int64_t seq;
	stored_text(f->st, 0, &after, &seq, 0);
	assert_int_equal(seq, seq0);
	assert_string_equal(after, before);
	struct cfg_rev_info *infos;
	size_t n;
	assert_int_equal(cfg_store_list(f->st, &infos, &n), 0);
	assert_int_equal(n, 1);
	free(infos);
	free(before);
	free(after);
	cfg_tree_free(active);
	cfg_buf_free(&out);
}

static int hook_apply_always_fails(void *ctx, const struct cfg_tree *o, const struct cfg_tree *n,
                                   struct cfg_buf *out, struct cfg_findings *fs)
{
	(void)o;
	(void)n;
	(void)out;
	(*(int *)ctx)++;
	cfg_findings_add_line(fs, "ovs: transaction failed");
	return -1;
}

static int hook_apply_silent_fail(void *ctx, const struct cfg_tree *o, const struct cfg_tree *n,
                                  struct cfg_buf *out, struct cfg_findings *fs)
{
	(void)o;
	(void)n;
	(void)out;
	(void)fs;
	if (++*(int *)ctx == 1)
		return cfg_err_set("libvirt: connection refused");
	return 0;
}

static void test_undo_fails(void **state)
{
	struct fx *f = *state;
	base(f->t);
	int calls = 0;
	struct cfg_hooks h = { .ctx = &calls, .apply = hook_apply_always_fails };
	assert_int_equal(cfg_commit(f->st, NULL, f->t, hreg(&h), "root", "cli", NULL, NULL, &f->fs), -1);
	assert_int_equal(calls, 2);
	assert_render(&f->fs,
	              "error: ovs: transaction failed\n"
	              "error: ovs: transaction failed\n"
	              "error: could not restore the previous configuration; the system may be "
	              "partly configured\n"
	              "error: configuration check-out failed\n");
	char *text;
	stored_text(f->st, 0, &text, NULL, 1);
	cfg_findings_free(&f->fs);

	/* a hook failing without findings still leaves one to print */
	calls = 0;
	h.apply = hook_apply_silent_fail;
	assert_int_equal(cfg_commit(f->st, NULL, f->t, hreg(&h), "root", "cli", NULL, NULL, &f->fs), -1);
	assert_int_equal(calls, 2);
	assert_render(&f->fs, "error: libvirt: connection refused\n"
	                      "error: configuration check-out failed\n");
	stored_text(f->st, 0, &text, NULL, 1);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* 100k statements: validation, the effective copy and commit stay linear. */
static void test_large(void **state)
{
	struct fx *f = *state;
	char line[128];
	const int n = 40000;
	for (int i = 0; i < n; i++) {
		snprintf(line, sizeof line, "host-os vlans v%d vlan-id %d", i, i);
		tset(f->t, line);
		if (i % 2 == 0) {
			snprintf(line, sizeof line, "vnfs vnf%d interfaces eth2 members v%d", i / 100, i);
			tset(f->t, line);
		}
	}
	for (int i = 0; i < n / 100; i++) {
		snprintf(line, sizeof line, "vnfs vnf%d image /i.qcow2", i);
		tset(f->t, line);
	}
	tset(f->t, "host-os vlans dup vlan-id 7");
	double t0 = now_ms();
	cfg_validate(f->t, &f->fs);
	double t1 = now_ms();
	assert_int_equal(cfg_findings_errors(&f->fs), 1);
	cfg_findings_free(&f->fs);
	cfg_tree_delete(f->t, tfind(f->t, "host-os vlans dup"));
	double t2 = now_ms();
	struct cfg_tree *e = cfg_commit_effective(f->t);
	double t3 = now_ms();
	assert_int_equal(cfg_tree_count(e), cfg_tree_count(f->t));
	cfg_tree_free(e);
	if (cfg_commit(f->st, NULL, f->t, NULL, "root", "cli", NULL, NULL, &f->fs) != 0) {
		assert_render(&f->fs, "");
		fail_msg("commit: %s", cfg_err_msg());
	}
	double t4 = now_ms();
	print_message("%zu nodes: validate %.0f ms, effective %.0f ms, commit %.0f ms\n",
	              cfg_tree_count(f->t), t1 - t0, t3 - t2, t4 - t3);
	assert_true(t4 - t3 < 20000);
}

/* The findings as sorted lines (order aside, the same findings). */
static char *sorted_findings(const struct cfg_findings *fs)
{
	char **l = calloc(fs->n + 1, sizeof *l);
	assert_non_null(l);
	for (size_t i = 0; i < fs->n; i++)
		assert_true(asprintf(&l[i], "%s|%s|%s", fs->f[i].edit ? fs->f[i].edit : "",
		                     fs->f[i].stmt ? fs->f[i].stmt : "", fs->f[i].msg) > 0);
	for (size_t i = 0; i < fs->n; i++)
		for (size_t j = i + 1; j < fs->n; j++)
			if (strcmp(l[i], l[j]) > 0) {
				char *x = l[i];
				l[i] = l[j];
				l[j] = x;
			}
	struct cfg_buf b;
	cfg_buf_init(&b);
	cfg_buf_puts(&b, "");
	for (size_t i = 0; i < fs->n; i++) {
		cfg_buf_printf(&b, "%s\n", l[i]);
		free(l[i]);
	}
	free(l);
	return cfg_buf_steal(&b);
}

/* On a large tree commit checks only what changed: the same findings as
 * validating the whole tree, for random edits. */
static void test_validate_change_matches_whole(void **state)
{
	struct fx *f = *state;
	char line[160];
	base(f->t);
	for (int i = 0; i < 700; i++) {
		snprintf(line, sizeof line, "host-os vlans w%d vlan-id %d", i, 1000 + i);
		tset(f->t, line);
	}
	for (int i = 0; i < 300; i++) {
		snprintf(line, sizeof line, "vnfs n%d image /i/%d.qcow2", i, i);
		tset(f->t, line);
		snprintf(line, sizeof line, "vnfs n%d uplink w%d", i, i);
		tset(f->t, line);
	}
	assert_true(cfg_tree_count(f->t) > 2048);
	cfg_validate(f->t, &f->fs);
	assert_int_equal(f->fs.n, 0);
	struct cfg_tree *active = f->t;
	f->t = NULL;
	srand(11);
	int incremental_errors = 0;
	for (int round = 0; round < 300; round++) {
		struct cfg_tree *cand = cfg_tree_dup(active);
		int edits = 1 + rand() % 3;
		for (int k = 0; k < edits; k++) {
			int v = rand() % 300;
			struct cfg_node *n;
			switch (rand() % 10) {
			case 0:
				snprintf(line, sizeof line, "host-os vlans w%d vlan-id %d", v, 1000 + rand() % 700);
				tset(cand, line);
				break;
			case 1:
				snprintf(line, sizeof line, "vnfs new%d no-autostart", v);
				tset(cand, line);
				break;
			case 2:
				snprintf(line, sizeof line, "vnfs n%d uplink %s", v, rand() % 2 ? "nosuch" : "w5");
				tset(cand, line);
				break;
			case 3:
				snprintf(line, sizeof line, "vnfs n%d image", v);
				if ((n = tfind(cand, line)))
					cfg_tree_delete(cand, n);
				break;
			case 4:
				snprintf(line, sizeof line, "host-os vlans w%d", v);
				if ((n = tfind(cand, line)))
					cfg_tree_delete(cand, n);
				break;
			case 5:
				tset(cand, "system login message hi");
				break;
			case 6:
				snprintf(line, sizeof line, "vnfs n%d image", v);
				if ((n = tfind(cand, line)))
					n->flags |= CFG_N_INACTIVE;
				break;
			case 7:
				snprintf(line, sizeof line, "host-os vlans w%d vlan-id %d", v, 2000 + round);
				tset(cand, line);
				break;
			case 8:
				snprintf(line, sizeof line, "host-os vlans w%d", v);
				if ((n = tfind(cand, line)))
					n->flags |= CFG_N_INACTIVE;
				break;
			default:
				snprintf(line, sizeof line, "vnfs n%d interfaces eth%d members w%d", v, k,
				         rand() % 2 ? v : 999);
				tset(cand, line);
				break;
			}
		}
		struct cfg_findings inc = {0}, whole = {0};
		int rc = cfg_commit_check(active, cand, NULL, &inc);
		cfg_validate(cand, &whole);
		char *a = sorted_findings(&inc), *b = sorted_findings(&whole);
		if (strcmp(a, b))
			fail_msg("round %d: incremental:\n%s\nwhole:\n%s", round, a, b);
		assert_int_equal(rc == 0, cfg_findings_errors(&whole) == 0);
		incremental_errors += inc.n > 0;
		free(a);
		free(b);
		cfg_findings_free(&inc);
		cfg_findings_free(&whole);
		if (rc == 0) {
			cfg_tree_free(active);
			active = cand;
		} else {
			cfg_tree_free(cand);
		}
	}
	assert_true(incremental_errors > 50);
	f->t = active;
}

/* The chunked store text equals the whole rendering after any change. */
static void test_commit_text_chunks(void **state)
{
	struct fx *f = *state;
	char line[160];
	base(f->t);
	for (int i = 0; i < 50; i++) {
		snprintf(line, sizeof line, "host-os vlans w%d vlan-id %d", i, 1000 + i);
		tset(f->t, line);
		snprintf(line, sizeof line, "vnfs n%d image /i/%d.qcow2", i, i);
		tset(f->t, line);
	}
	struct cfg_commit_text *c = cfg_commit_text_new();
	assert_non_null(c);
	struct cfg_tree *prev = NULL;
	srand(5);
	for (int round = 0; round < 400; round++) {
		struct cfg_tree *cand = cfg_tree_dup(f->t);
		int edits = round == 0 ? 0 : 1 + rand() % 3;
		for (int k = 0; k < edits; k++) {
			int v = rand() % 60;
			struct cfg_node *n;
			switch (rand() % 9) {
			case 0:
				snprintf(line, sizeof line, "host-os vlans w%d vlan-id %d", v, 3000 + round);
				tset(cand, line);
				break;
			case 1:
				snprintf(line, sizeof line, "vnfs n%d", v);
				if ((n = tfind(cand, line)))
					cfg_tree_delete(cand, n);
				break;
			case 2:
				snprintf(line, sizeof line, "vnfs n%d no-autostart", v);
				tset(cand, line);
				break;
			case 3:
				n = tfind(cand, rand() % 2 ? "host-os" : "system");
				if (n)
					n->flags ^= CFG_N_INACTIVE;
				break;
			case 4:
				snprintf(line, sizeof line, "vnfs n%d", v);
				if ((n = tfind(cand, line))) {
					free(n->annotation);
					n->annotation = rand() % 2 ? strdup("note") : NULL;
				}
				break;
			case 5:
				n = tfind(cand, "system");
				if (n) {
					free(n->annotation);
					n->annotation = rand() % 2 ? strdup("sys") : NULL;
				}
				break;
			case 6: {
				struct cfg_node *a = tfind(cand, "vnfs n1"), *b = tfind(cand, "vnfs n7");
				if (a && b)
					cfg_tree_move(cand, b, a, true);
				break;
			}
			case 7:
				snprintf(line, sizeof line, "host-os vlans w%d", v);
				if ((n = tfind(cand, line)))
					cfg_tree_delete(cand, n);
				break;
			default:
				snprintf(line, sizeof line, "system host-name h%d", v);
				tset(cand, line);
				break;
			}
		}
		struct cfg_diff *full = prev ? cfg_diff_new(prev, cand, CFG_DIFF_FULL) : NULL;
		const char *text;
		size_t len;
		assert_int_equal(cfg_commit_text_build(c, cand, full, &text, &len), 0);
		struct cfg_buf want;
		cfg_buf_init(&want);
		cfg_buf_puts(&want, "");
		cfg_render_set(&want, cfg_tree_root(cand), false, CFG_R_FULL | CFG_R_SECRETS);
		if (len != want.len || memcmp(text, want.p, len))
			fail_msg("round %d:\n%.*s\nwanted:\n%s", round, (int)len, text, want.p);
		cfg_buf_free(&want);
		cfg_diff_free(full);
		/* now and then the store "fails": the cache keeps the old text */
		bool ok = rand() % 10 != 0;
		cfg_commit_text_accept(c, ok);
		if (ok) {
			cfg_tree_free(prev);
			prev = cand;
			cfg_tree_free(f->t);
			f->t = cfg_tree_dup(cand);
		} else {
			cfg_tree_free(cand);
			cfg_tree_free(f->t);
			f->t = prev ? cfg_tree_dup(prev) : cfg_tree_new(f->schema);
		}
	}
	cfg_tree_free(prev);
	cfg_commit_text_free(c);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_findings_render),
		T(test_valid),
		T(test_mandatory_missing),
		T(test_ref_missing),
		T(test_unique_violated),
		T(test_inactive_ignored),
		T(test_effective),
		T(test_commit_ok),
		T(test_commit_check_fails),
		T(test_hook_failure_undoes),
		T(test_undo_fails),
		T(test_large),
		T(test_validate_change_matches_whole),
		T(test_commit_text_chunks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
