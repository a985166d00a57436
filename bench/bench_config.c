/* bench-config — speed of the configuration system, as ratios against a
 * baseline measured in the same run.
 *
 * Baseline: the same set lines split into words and hashed by a plain loop
 * (the least work any parser must do). Goals (issue "The configuration
 * system"): load set >= 200k lines/s, commit of 100k statements <= 0.25 s,
 * one-line commit on the 100k config <= 20 ms, TAB at 50k lines <= 50 ms,
 * <= 150 B per node. Timings are printed, never asserted.
 *
 * Usage: bench-config [STATEDIR]   (a temp dir is made when omitted)
 */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cfg_buf.h"
#include "cfg_commit.h"
#include "cfg_err.h"
#include "cfg_load.h"
#include "cfg_parse.h"
#include "cfg_render.h"
#include "cfg_schema.h"
#include "cfg_schema_data.h"
#include "cfg_store.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A branch-office config of about N set lines: VLANs, then VNFs of 10 lines. */
static void gen(struct cfg_buf *b, size_t n)
{
	size_t vlans = n / 25 > 4000 ? 4000 : n / 25, lines = 0;
	for (size_t i = 0; i < vlans; i++, lines++)
		cfg_buf_printf(b, "set host-os vlans v%zu vlan-id %zu\n", i, i + 1);
	for (size_t v = 0; lines < n; v++) {
		const char *fmt[] = {
			"set virtual-network-functions vnf%zu image /var/third-party/images/vnf%zu.qcow2\n",
			"set virtual-network-functions vnf%zu image image-type qcow2\n",
			"set virtual-network-functions vnf%zu virtual-cpu count 2\n",
			"set virtual-network-functions vnf%zu virtual-cpu features hardware-virtualization\n",
			"set virtual-network-functions vnf%zu memory size 1048576\n",
			"set virtual-network-functions vnf%zu memory features hugepages\n",
			"set virtual-network-functions vnf%zu interfaces eth2 mapping vlan mode access\n",
			"set virtual-network-functions vnf%zu interfaces eth2 mapping vlan members v%zu\n",
			"set virtual-network-functions vnf%zu interfaces eth3 mapping hsxe0 virtual-function\n",
			"set virtual-network-functions vnf%zu no-autostart\n",
		};
		for (size_t k = 0; k < 10 && lines < n; k++, lines++) {
			if (k == 0)
				cfg_buf_printf(b, fmt[k], v, v);
			else if (k == 7)
				cfg_buf_printf(b, fmt[k], v, vlans ? v % vlans : 0);
			else
				cfg_buf_printf(b, fmt[k], v);
		}
	}
}

/* Baseline: split every line into words and hash them. */
static uint64_t baseline(const char *t, size_t len)
{
	uint64_t h = 1469598103934665603ull, words = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)t[i];
		if (c == ' ' || c == '\n') {
			words++;
			h ^= words;
		} else {
			h = (h ^ c) * 1099511628211ull;
		}
	}
	return h;
}

static size_t heap_used(void)
{
	struct mallinfo2 mi = mallinfo2();
	return mi.uordblks + mi.hblkhd;
}

static void ratio(const char *what, double t, double base, const char *goal)
{
	printf("  %-44s %10.3f ms   %8.1fx baseline   (goal %s)\n", what, t * 1e3, t / base, goal);
}

static int run(const struct cfg_schema *s, size_t n, const char *dir)
{
	struct cfg_buf text = {0};
	gen(&text, n);
	printf("config of %zu statements (%zu bytes)\n", n, text.len);

	double t0 = now();
	volatile uint64_t h = 0;
	for (int r = 0; r < 5; r++)
		h += baseline(text.p, text.len);
	double base = (now() - t0) / 5;
	(void)h;
	printf("  %-44s %10.3f ms   (%.0f lines/s)\n", "baseline: split + hash", base * 1e3, n / base);

	size_t heap0 = heap_used();
	struct cfg_tree *t = cfg_tree_new(s);
	struct cfg_buf errs = {0};
	t0 = now();
	long bad = cfg_load_set(t, NULL, text.p, text.len, "terminal", 0, &errs);
	double tl = now() - t0;
	if (bad) {
		fprintf(stderr, "load errors: %s\n", errs.p);
		return 1;
	}
	size_t nodes = cfg_tree_count(t);
	double per_node = (double)(heap_used() - heap0) / (double)nodes;
	ratio("load set terminal", tl, base, ">= 200k lines/s");
	printf("  %-44s %10.0f lines/s\n", "  = load set rate", n / tl);
	printf("  %-44s %10.1f B/node (%zu nodes)   (goal <= 150 B)\n", "memory", per_node, nodes);

	char path[512];
	snprintf(path, sizeof path, "%s/bench-%zu.db", dir, n);
	unlink(path);
	struct cfg_store *st = cfg_store_open(path);
	if (!st) {
		fprintf(stderr, "store: %s\n", cfg_err_msg());
		return 1;
	}
	struct cfg_tree *empty = cfg_tree_new(s);
	struct cfg_findings fs = {0};
	struct cfg_buf out = {0};
	t0 = now();
	int rc = cfg_commit(st, empty, t, NULL, "bench", "cli", NULL, &out, &fs);
	double tc = now() - t0;
	if (rc < 0) {
		struct cfg_buf fb = {0};
		cfg_findings_render(&fb, &fs);
		fprintf(stderr, "commit failed: %s %s\n", cfg_err_msg(), fb.p ? fb.p : "");
		return 1;
	}
	ratio("commit (check + store)", tc, base, "<= 250 ms at 100k");

	struct cfg_tree *cand = cfg_tree_dup(t);
	const char *one = "set virtual-network-functions vnf1 virtual-cpu count 4\n";
	cfg_load_set(cand, NULL, one, strlen(one), "terminal", 0, NULL);
	cfg_findings_free(&fs);
	t0 = now();
	rc = cfg_commit(st, t, cand, NULL, "bench", "cli", NULL, &out, &fs);
	double t1 = now() - t0;
	ratio("one-line commit", t1, base, "<= 20 ms at 100k");

	struct cfg_buf r = {0};
	t0 = now();
	cfg_render_compare(&r, cfg_tree_root(t), cfg_tree_root(cand), CFG_R_SECRETS);
	double tcmp = now() - t0;
	ratio("show | compare (one change)", tcmp, base, "-");
	cfg_buf_reset(&r);
	t0 = now();
	cfg_render_set(&r, cfg_tree_root(cand), false, 0);
	double tds = now() - t0;
	ratio("show | display set", tds, base, "-");
	cfg_buf_reset(&r);
	t0 = now();
	cfg_render_curly(&r, cfg_tree_root(cand), 0, 0);
	ratio("show (curly)", now() - t0, base, "-");

	struct cfg_words w = {0};
	struct cfg_compls c = {0};
	size_t col;
	cfg_lex("virtual-network-functions vnf1 interfaces eth2 mapping vlan members ", &w, &col);
	t0 = now();
	cfg_complete(s, cand, NULL, &w, 0, w.n, CFG_PM_SET, &c);
	double ttab = now() - t0;
	ratio("TAB (vlan members, existing VLANs)", ttab, base, "<= 50 ms at 50k");
	cfg_compls_free(&c);
	cfg_lex("virtual-network-functions ", &w, &col);
	t0 = now();
	cfg_complete(s, cand, NULL, &w, 0, w.n, CFG_PM_SET, &c);
	ratio("TAB (VNF names)", now() - t0, base, "<= 50 ms at 50k");
	cfg_compls_free(&c);
	cfg_words_free(&w);

	cfg_buf_free(&r);
	cfg_buf_free(&out);
	cfg_buf_free(&errs);
	cfg_buf_free(&text);
	cfg_findings_free(&fs);
	cfg_tree_free(cand);
	cfg_tree_free(empty);
	cfg_tree_free(t);
	cfg_store_close(st);
	unlink(path);
	return 0;
}

int main(int argc, char **argv)
{
	char tmpl[] = "/tmp/nfx-bench-XXXXXX";
	const char *dir = argc > 1 ? argv[1] : mkdtemp(tmpl);
	if (!dir) {
		perror("mkdtemp");
		return 1;
	}
	struct cfg_schema *s = cfg_schema_load_mem(cfg_schema_jdm, cfg_schema_jdm_len, "jdm.xml");
	if (!s) {
		fprintf(stderr, "%s\n", cfg_err_msg());
		return 1;
	}
	int rc = run(s, 10000, dir) || run(s, 50000, dir) || run(s, 100000, dir);
	cfg_schema_free(s);
	if (argc <= 1)
		rmdir(dir);
	return rc;
}
