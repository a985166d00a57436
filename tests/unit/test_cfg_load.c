/* cfg_load: load set of the thesis lines, relative loads, the malformed
 * corpus (every line one error, nothing applied from it), store format. */
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>

#include "cfg_load.h"
#include "cfg_parse.h"
#include "cfg_render.h"

#ifndef NFX_SOURCE_DIR
#define NFX_SOURCE_DIR "."
#endif

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("open %s", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	b[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return b;
}

static void thesis_lines(void **state)
{
	(void)state;
	struct cfg_schema *s = test_schema_jdm();
	struct cfg_tree *t = cfg_tree_new(s);
	const char *txt =
		"set virtual-network-functions vrtr1 image /var/third-party/images/vrtr1.qcow2\n"
		"set virtual-network-functions vrtr1 image image-type qcow2\n"
		"set virtual-network-functions vrtr1 virtual-cpu count 2\n"
		"set virtual-network-functions vrtr1 virtual-cpu features hardware-virtualization\n"
		"set virtual-network-functions vrtr1 memory size 4194304\n"
		"set virtual-network-functions vrtr1 memory features hugepages\n";
	struct cfg_buf e = {0};
	assert_int_equal(cfg_load_set(t, NULL, txt, strlen(txt), "terminal", 0, &e), 0);
	assert_int_equal(cfg_tree_count(t), 13);
	/* relative: Figure 35 at [edit virtual-network-functions sdwan] */
	const char *rel = "set image /var/third-party/images/ECV-8.1.4.5_64465.qcow2\n"
	                  "set virtual-cpu count 2\nset no-autostart\n";
	const struct cfg_schema *vnfs = cfg_schema_child(s, "virtual-network-functions");
	struct cfg_step p[] = {{vnfs, NULL}, {cfg_schema_positional(vnfs), "sdwan"}};
	struct cfg_node *at = cfg_tree_set(t, NULL, p, 2);
	assert_int_equal(cfg_load_set(t, at, rel, strlen(rel), "terminal", 0, &e), 0);
	assert_non_null(at->child);
	assert_string_equal(at->last->schema->name, "no-autostart");
	cfg_buf_free(&e);
	cfg_tree_free(t);
	cfg_schema_free(s);
}

/* Several statements of one level in one line, in absolute and relative
 * loads; a bad line applies nothing of it. */
static void sibling_lines(void **state)
{
	(void)state;
	struct cfg_schema *s = test_schema_jdm();
	struct cfg_tree *t = cfg_tree_new(s);
	const char *txt =
		"set system memory hugepages page-size 1024 page-count 5\n"
		"set virtual-network-functions vrtr1 virtual-cpu count 2 features hardware-virtualization\n"
		"set virtual-network-functions vrtr1 interfaces eth3 mapping vlan mode trunk members v100\n"
		"set host-os vlans v1 vlan-id 1 bogus\n"
		"set host-os vlans v2 vlan-id 2 vlan-id 5000\n";
	struct cfg_buf e = {0};
	assert_int_equal(cfg_load_set(t, NULL, txt, strlen(txt), "terminal", 0, &e), 2);
	assert_string_equal(e.p, "terminal:4:(32) syntax error: bogus\n"
	                         "terminal:5:(40) error: Value 5000 is not within range (1..4094) at '5000'\n");
	assert_string_equal(cfg_tree_value(t, NULL, "system memory hugepages page-size", 0), "1024");
	assert_string_equal(cfg_tree_value(t, NULL, "system memory hugepages page-count", 0), "5");
	assert_string_equal(cfg_tree_value(t, NULL, "virtual-network-functions vrtr1 virtual-cpu count", 0), "2");
	assert_non_null(cfg_tree_at(t, NULL, "virtual-network-functions vrtr1 virtual-cpu features hardware-virtualization", 0));
	assert_string_equal(cfg_tree_value(t, NULL, "virtual-network-functions vrtr1 interfaces eth3 mapping vlan mode", 0), "trunk");
	assert_string_equal(cfg_tree_value(t, NULL, "virtual-network-functions vrtr1 interfaces eth3 mapping vlan members", 0), "v100");
	assert_null(cfg_tree_at(t, NULL, "host-os", 0));
	/* one statement a line in display set */
	struct cfg_buf b = {0};
	cfg_render_set(&b, cfg_tree_root(t), false, 0);
	assert_non_null(strstr(b.p, "set system memory hugepages page-size 1024\nset system memory hugepages page-count 5\n"));
	cfg_buf_free(&b);
	/* relative to an edit level */
	const char *rel = "set virtual-cpu count 4 features hardware-virtualization\n"
	                  "set image /i.qcow2 image-type raw\n";
	struct cfg_node *at = cfg_tree_at(t, NULL, "virtual-network-functions vrtr1", 0);
	assert_non_null(at);
	assert_int_equal(cfg_load_set(t, at, rel, strlen(rel), "terminal", 0, &e), 0);
	assert_string_equal(cfg_tree_value(t, at, "virtual-cpu count", 0), "4");
	assert_string_equal(cfg_node_value(cfg_tree_at(t, at, "image", 0), "path", 0), "/i.qcow2");
	assert_string_equal(cfg_tree_value(t, at, "image image-type", 0), "raw");
	/* all or nothing */
	const char *bad = "set system host-name a\nset system memory hugepages page-size 2 nope\n";
	assert_int_equal(cfg_load_set(t, NULL, bad, strlen(bad), "terminal", CFG_LOAD_ALL_OR_NOTHING, NULL), 1);
	assert_null(cfg_tree_at(t, NULL, "system host-name", 0));
	cfg_buf_free(&e);
	cfg_tree_free(t);
	cfg_schema_free(s);
}

static void bad_corpus(void **state)
{
	(void)state;
	struct cfg_schema *s = test_schema_jdm();
	struct cfg_tree *t = cfg_tree_new(s);
	size_t len;
	char *txt = slurp(NFX_SOURCE_DIR "/tests/corpus/bad-set-lines.txt", &len);
	size_t lines = 0;
	for (char *l = txt; *l;) {
		char *nl = strchr(l, '\n');
		size_t ll = nl ? (size_t)(nl - l) : strlen(l);
		if (ll && l[0] != '#') {
			struct cfg_buf e = {0};
			long bad = cfg_load_set(t, NULL, l, ll, "terminal", 0, &e);
			if (bad != 1)
				fail_msg("line '%.*s': %ld errors (%s)", (int)ll, l, bad, e.p ? e.p : "");
			assert_non_null(strstr(e.p, "terminal:1:("));
			cfg_buf_free(&e);
			lines++;
		}
		l = nl ? nl + 1 : l + ll;
	}
	assert_true(lines > 30);
	/* nothing of the corpus got in */
	assert_int_equal(cfg_tree_count(t), 0);
	/* generated: 4095-byte word, every control byte, NUL in a line */
	char *big = malloc(4200);
	strcpy(big, "set system host-name ");
	memset(big + strlen(big), 'x', 4095);
	big[21 + 4095] = '\0';
	assert_int_equal(cfg_load_set(t, NULL, big, strlen(big), "terminal", 0, NULL), 1);
	for (int c = 1; c < 0x20; c++) {
		if (c == '\t' || c == '\n' || c == '\r')
			continue;
		char line[64];
		int n = snprintf(line, sizeof line, "set system host-name a%cb", c);
		assert_int_equal(cfg_load_set(t, NULL, line, (size_t)n, "terminal", 0, NULL), 1);
	}
	const char nul[] = "set system host-name a\0b";
	assert_int_equal(cfg_load_set(t, NULL, nul, sizeof nul - 1, "terminal", 0, NULL), 1);
	assert_int_equal(cfg_tree_count(t), 0);
	free(big);
	free(txt);
	cfg_tree_free(t);
	cfg_schema_free(s);
}

static void error_format(void **state)
{
	(void)state;
	struct cfg_schema *s = test_schema_jdm();
	struct cfg_tree *t = cfg_tree_new(s);
	const char *txt = "set host-os vlans v1 vlan-id 1\nset foo\n\n# comment\nset host-os vlans v2 vlan-id 2\n";
	struct cfg_buf e = {0};
	assert_int_equal(cfg_load_set(t, NULL, txt, strlen(txt), "terminal", 0, &e), 1);
	assert_string_equal(e.p, "terminal:2:(5) syntax error: foo\n");
	/* good lines around the bad one were applied */
	assert_int_equal(cfg_tree_count(t), 6);
	cfg_buf_free(&e);
	cfg_tree_free(t);
	cfg_schema_free(s);
}

static void deactivate_annotate_delete(void **state)
{
	(void)state;
	struct cfg_schema *s = test_schema_jdm();
	struct cfg_tree *t = cfg_tree_new(s);
	const char *txt = "set host-os vlans v1 vlan-id 1\nset host-os vlans v2 vlan-id 2\n"
	                  "deactivate host-os vlans v2\nannotate host-os vlans v1 \"lan side\"\n"
	                  "delete host-os vlans v3\n";
	assert_int_equal(cfg_load_set(t, NULL, txt, strlen(txt), "terminal", 0, NULL), 0);
	struct cfg_node *hos = cfg_tree_root(t)->child->child;
	assert_string_equal(hos->child->annotation, "lan side");
	assert_true(hos->last->flags & CFG_N_INACTIVE);
	const char *t2 = "activate host-os vlans v2\ndelete host-os vlans\n";
	assert_int_equal(cfg_load_set(t, NULL, t2, strlen(t2), "terminal", 0, NULL), 0);
	assert_int_equal(cfg_tree_count(t), 0);
	cfg_tree_free(t);
	cfg_schema_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(thesis_lines),
		cmocka_unit_test(sibling_lines),
		cmocka_unit_test(bad_corpus),
		cmocka_unit_test(error_format),
		cmocka_unit_test(deactivate_annotate_delete),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
