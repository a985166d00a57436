/* bench-config — speed of the configuration system, as ratios against a
 * baseline measured in the same run.
 *
 * Two sections, for configurations of 10k, 50k and 100k set statements (the
 * same generated branch-office configuration in both):
 *
 *   library  the cfg_* functions called directly (no daemon, no hooks).
 *            Baseline: the same set lines split into words and hashed by a
 *            plain loop (the least work any parser must do). Goals (issue
 *            "The configuration system"): load set >= 200k lines/s, commit
 *            of 100k statements <= 0.25 s, one-line commit on the 100k
 *            config <= 20 ms, TAB at 50k lines <= 50 ms, <= 150 B per node.
 *   daemon   the same operations the way a user waits on them: the real
 *            `cli` talking to the real `jdmd` (--hypervisor none, its commit
 *            hooks installed), see bench_daemon.c. Each figure is printed
 *            beside the library figure of the same operation and the
 *            split + hash baseline ratio; goals at 100k: one-line commit
 *            <= 10 ms, commit check <= 5 ms, load set + commit of the whole
 *            config <= 0.4 s, show configuration | display set <= 50 ms.
 *
 * Timings are printed, never asserted. Small operations are repeated
 * (--runs) and the median is printed.
 *
 * Usage: bench-config [--only lib|daemon] [--sizes 10k,50k,100k] [--runs N]
 *                     [--load-runs N] [--jdmd PATH] [--cli PATH] [-v] [STATEDIR]
 *   STATEDIR: where the library's stores and the daemon's state directories
 *   are made (a fresh temporary directory below it, removed at the end);
 *   default /tmp.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "cfg_buf.h"
#include "cfg_commit.h"
#include "cfg_err.h"
#include "cfg_load.h"
#include "cfg_parse.h"
#include "cfg_render.h"
#include "cfg_schema.h"
#include "cfg_schema_data.h"
#include "cfg_store.h"

volatile int bench_stop;

double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

double bench_median(double *v, int n)
{
	if (n <= 0)
		return 0;
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A branch-office config of about N set lines: the hugepage pool its VNFs
 * need (the budget is checked whatever the hypervisor), VLANs, then VNFs of
 * 10 lines. */
void bench_gen(struct cfg_buf *b, size_t n)
{
	size_t vlans = n / 25 > 4000 ? 4000 : n / 25, lines = 2;
	cfg_buf_printf(b, "set system memory hugepages page-size 1024\n"
	                  "set system memory hugepages page-count %zu\n", n / 10 + 1);
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
unsigned long long bench_baseline(const char *t, size_t len)
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

static bool lib_print = true;

static void ratio(const char *what, double t, double base, const char *goal)
{
	if (lib_print)
		printf("  %-44s %10.3f ms   %8.1fx baseline   (goal %s)\n", what, t * 1e3, t / base, goal);
}

/* A copy of T with VNF vnf1's virtual-cpu count set to COUNT. */
static struct cfg_tree *one_change(const struct cfg_tree *t, int count)
{
	struct cfg_tree *c = cfg_tree_dup(t);
	char line[128];
	int l = snprintf(line, sizeof line, "set virtual-network-functions vnf1 virtual-cpu count %d\n", count);
	cfg_load_set(c, NULL, line, (size_t)l, "terminal", 0, NULL);
	return c;
}

/* The library section for N statements of TEXT; fills F. Prints when
 * lib_print. Small operations are repeated RUNS times, load and commit of
 * the whole configuration LRUNS times (medians). */
static int run_lib(const struct cfg_schema *s, const struct cfg_buf *text, size_t n, const char *dir,
                   int runs, int lruns, struct bench_lib_fig *f)
{
	memset(f, 0, sizeof *f);
	f->n = n;
	if (lib_print)
		printf("library: config of %zu statements (%zu bytes); median of %d (%d for the whole config)\n", n,
		       text->len, runs, lruns);
	int vn = runs > lruns ? runs : lruns;
	double *v = calloc((size_t)(vn > 5 ? vn : 5), sizeof *v);
	if (!v)
		abort();

	volatile uint64_t h = 0;
	for (int r = 0; r < 5; r++) {
		double t0 = bench_now();
		h += bench_baseline(text->p, text->len);
		v[r] = bench_now() - t0;
	}
	(void)h;
	double base = f->base = bench_median(v, 5);
	if (lib_print)
		printf("  %-44s %10.3f ms   (%.0f lines/s)\n", "baseline: split + hash", base * 1e3, n / base);

	/* load: LRUNS times into a fresh tree (median); memory from the first */
	struct cfg_tree *t = NULL;
	struct cfg_buf errs = {0};
	double per_node = 0;
	size_t nodes = 0;
	for (int i = 0; i < lruns; i++) {
		size_t heap0 = heap_used();
		struct cfg_tree *ti = cfg_tree_new(s);
		double t0 = bench_now();
		long bad = cfg_load_set(ti, NULL, text->p, text->len, "terminal", 0, &errs);
		v[i] = bench_now() - t0;
		if (bad) {
			fprintf(stderr, "load errors: %s\n", errs.p);
			return -1;
		}
		if (i == 0) {
			nodes = cfg_tree_count(ti);
			per_node = (double)(heap_used() - heap0) / (double)nodes;
		}
		cfg_tree_free(t);
		t = ti;
	}
	double tl = f->load = bench_median(v, lruns);
	double t0;
	ratio("load set terminal", tl, base, ">= 200k lines/s");
	if (lib_print) {
		printf("  %-44s %10.0f lines/s\n", "  = load set rate", n / tl);
		printf("  %-44s %10.1f B/node (%zu nodes)   (goal <= 150 B)\n", "memory", per_node, nodes);
	}

	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/bench-%zu.db", dir, n);
	unlink(path);
	struct cfg_store *st = cfg_store_open(path);
	if (!st) {
		fprintf(stderr, "store: %s\n", cfg_err_msg());
		return -1;
	}
	struct cfg_tree *empty = cfg_tree_new(s);
	struct cfg_findings fs = {0};
	struct cfg_buf out = {0};
	/* commit of the whole tree onto an empty one, LRUNS times (median);
	   between two, the empty tree is committed again (untimed), as the
	   daemon section does */
	int rc = 0;
	for (int i = 0; i < lruns; i++) {
		cfg_findings_free(&fs);
		cfg_buf_reset(&out);
		if (i > 0 && cfg_commit(st, t, empty, NULL, "bench", "cli", NULL, &out, &fs) < 0) {
			fprintf(stderr, "commit of the empty config failed: %s\n", cfg_err_msg());
			return -1;
		}
		t0 = bench_now();
		rc = cfg_commit(st, empty, t, NULL, "bench", "cli", NULL, &out, &fs);
		v[i] = bench_now() - t0;
		if (rc < 0) {
			struct cfg_buf fb = {0};
			cfg_findings_render(&fb, &fs);
			fprintf(stderr, "commit failed: %s %s\n", cfg_err_msg(), fb.p ? fb.p : "");
			return -1;
		}
	}
	double tc = f->commit = bench_median(v, lruns);
	ratio("commit (check + store)", tc, base, "<= 250 ms at 100k");

	/* one-line commits: vnf1's virtual-cpu count 3, 4, 3, ... each onto the last */
	struct cfg_tree *active = t, *cand = NULL;
	t = NULL;
	for (int r = 0; r < runs; r++) {
		cand = one_change(active, 3 + r % 2);
		cfg_findings_free(&fs);
		cfg_buf_reset(&out);
		t0 = bench_now();
		rc = cfg_commit(st, active, cand, NULL, "bench", "cli", NULL, &out, &fs);
		v[r] = bench_now() - t0;
		if (rc < 0) {
			fprintf(stderr, "one-line commit failed: %s\n", cfg_err_msg());
			return -1;
		}
		cfg_tree_free(active);
		active = cand;
	}
	double t1 = f->one = bench_median(v, runs);
	ratio("one-line commit", t1, base, "<= 20 ms at 100k");

	/* the candidate from here on: one change against the active tree */
	cand = one_change(active, 5);
	for (int r = 0; r < runs; r++) {
		cfg_findings_free(&fs);
		t0 = bench_now();
		rc = cfg_commit_check(active, cand, NULL, &fs);
		v[r] = bench_now() - t0;
	}
	f->check = bench_median(v, runs);
	ratio("commit check (one change)", f->check, base, "-");

	struct cfg_buf r = {0};
	for (int i = 0; i < runs; i++) {
		cfg_buf_reset(&r);
		t0 = bench_now();
		cfg_render_compare(&r, cfg_tree_root(active), cfg_tree_root(cand), CFG_R_SECRETS);
		v[i] = bench_now() - t0;
	}
	ratio("show | compare (one change)", bench_median(v, runs), base, "-");
	for (int i = 0; i < runs; i++) {
		cfg_buf_reset(&r);
		t0 = bench_now();
		cfg_render_set(&r, cfg_tree_root(cand), false, 0);
		v[i] = bench_now() - t0;
	}
	double tds = f->dset = bench_median(v, runs);
	ratio("show | display set", tds, base, "-");
	for (int i = 0; i < runs; i++) {
		cfg_buf_reset(&r);
		t0 = bench_now();
		cfg_render_curly(&r, cfg_tree_root(cand), 0, 0);
		v[i] = bench_now() - t0;
	}
	ratio("show (curly)", bench_median(v, runs), base, "-");

	struct cfg_words w = {0};
	struct cfg_compls c = {0};
	size_t col;
	cfg_lex("virtual-network-functions vnf1 interfaces eth2 mapping vlan members ", &w, &col);
	for (int i = 0; i < runs; i++) {
		t0 = bench_now();
		cfg_complete(s, cand, NULL, &w, 0, w.n, CFG_PM_SET, &c);
		v[i] = bench_now() - t0;
		cfg_compls_free(&c);
	}
	f->tab_vlan = bench_median(v, runs);
	ratio("TAB (vlan members, existing VLANs)", f->tab_vlan, base, "<= 50 ms at 50k");
	cfg_lex("virtual-network-functions ", &w, &col);
	for (int i = 0; i < runs; i++) {
		t0 = bench_now();
		cfg_complete(s, cand, NULL, &w, 0, w.n, CFG_PM_SET, &c);
		v[i] = bench_now() - t0;
		cfg_compls_free(&c);
	}
	f->tab_vnf = bench_median(v, runs);
	ratio("TAB (VNF names)", f->tab_vnf, base, "<= 50 ms at 50k");
	cfg_words_free(&w);

	free(v);
	cfg_buf_free(&r);
	cfg_buf_free(&out);
	cfg_buf_free(&errs);
	cfg_findings_free(&fs);
	cfg_tree_free(cand);
	cfg_tree_free(active);
	cfg_tree_free(empty);
	cfg_store_close(st);
	unlink(path);
	char side[PATH_MAX + 8];
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
	return 0;
}

/* "10k,50k,100k" -> sizes. */
static int parse_sizes(const char *arg, size_t *sz, int max)
{
	int n = 0;
	const char *p = arg;
	while (*p) {
		char *end;
		errno = 0;
		unsigned long long v = strtoull(p, &end, 10);
		if (end == p || errno)
			return -1;
		if (*end == 'k' || *end == 'K') {
			v *= 1000;
			end++;
		}
		if (v < 100 || v > 10000000 || n == max)
			return -1;
		sz[n++] = (size_t)v;
		if (*end == ',')
			end++;
		else if (*end)
			return -1;
		p = end;
	}
	return n;
}

/* BUILD/bench/bench-config -> BUILD/REL, if it is executable. */
static const char *beside(const char *rel, char *buf, size_t n)
{
	char exe[PATH_MAX];
	ssize_t l = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (l <= 0)
		return NULL;
	exe[l] = '\0';
	for (int i = 0; i < 2; i++) {
		char *sl = strrchr(exe, '/');
		if (!sl)
			return NULL;
		*sl = '\0';
	}
	int w = snprintf(buf, n, "%s/%s", exe, rel);
	return w > 0 && (size_t)w < n && access(buf, X_OK) == 0 ? buf : NULL;
}

static void on_signal(int sig)
{
	(void)sig;
	bench_stop = 1;
}

static void usage(FILE *f)
{
	fputs("usage: bench-config [--only lib|daemon] [--sizes 10k,50k,100k] [--runs N]\n"
	      "                    [--load-runs N] [--jdmd PATH] [--cli PATH] [-v] [STATEDIR]\n",
	      f);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{"only", required_argument, NULL, 'o'},
		{"sizes", required_argument, NULL, 's'},
		{"runs", required_argument, NULL, 'r'},
		{"load-runs", required_argument, NULL, 'l'},
		{"jdmd", required_argument, NULL, 'j'},
		{"cli", required_argument, NULL, 'c'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	bool do_lib = true, do_daemon = true;
	size_t sizes[16] = {10000, 50000, 100000};
	int nsizes = 3;
	char jbuf[PATH_MAX], cbuf[PATH_MAX];
	struct bench_daemon_opts d = {.runs = 9, .load_runs = 5};
	d.jdmd = getenv("NFX_JDMD");
	d.cli = getenv("NFX_CLI");
	int o;
	while ((o = getopt_long(argc, argv, "vh", lo, NULL)) != -1) {
		switch (o) {
		case 'o':
			do_lib = !strcmp(optarg, "lib") || !strcmp(optarg, "library");
			do_daemon = !strcmp(optarg, "daemon");
			if (!do_lib && !do_daemon) {
				usage(stderr);
				return 2;
			}
			break;
		case 's':
			nsizes = parse_sizes(optarg, sizes, 16);
			if (nsizes <= 0) {
				fprintf(stderr, "bench-config: --sizes: a list like 10k,50k,100k\n");
				return 2;
			}
			break;
		case 'r':
		case 'l': {
			int v = atoi(optarg);
			if (v < 1 || v > 1000) {
				fprintf(stderr, "bench-config: --%s: 1..1000\n", o == 'r' ? "runs" : "load-runs");
				return 2;
			}
			*(o == 'r' ? &d.runs : &d.load_runs) = v;
			break;
		}
		case 'j': d.jdmd = optarg; break;
		case 'c': d.cli = optarg; break;
		case 'v': d.verbose = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind + 1 < argc) {
		usage(stderr);
		return 2;
	}
	const char *parent = optind < argc ? argv[optind] : "/tmp";
	if (do_daemon) {
		if (!d.jdmd || !*d.jdmd)
			d.jdmd = beside("jdm/jdmd", jbuf, sizeof jbuf);
		if (!d.cli || !*d.cli)
			d.cli = beside("cli/cli", cbuf, sizeof cbuf);
		if (!d.jdmd || !d.cli || access(d.jdmd, X_OK) || access(d.cli, X_OK)) {
			fprintf(stderr, "bench-config: the daemon section needs jdmd and cli (build them with "
			                "ninja, or --jdmd PATH --cli PATH)\n");
			return 1;
		}
	}

	char dir[BENCH_DIR_MAX];
	if (strlen(parent) > sizeof dir - 20) {
		fprintf(stderr, "bench-config: %s: too long a directory name\n", parent);
		return 2;
	}
	snprintf(dir, sizeof dir, "%s/nfx-bench-XXXXXX", parent);
	if (!mkdtemp(dir)) {
		fprintf(stderr, "bench-config: mkdtemp %s: %s\n", dir, strerror(errno));
		return 1;
	}
	d.tmp = dir;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct cfg_schema *s = cfg_schema_load_mem(cfg_schema_jdm, cfg_schema_jdm_len, "jdm.xml");
	if (!s) {
		fprintf(stderr, "%s\n", cfg_err_msg());
		rmdir(dir);
		return 1;
	}
	/* the library figures are always measured (they are quick): the daemon
	   section prints them beside its own */
	lib_print = do_lib;
	int rc = 0;
	for (int i = 0; i < nsizes && !rc && !bench_stop; i++) {
		struct cfg_buf text = {0};
		bench_gen(&text, sizes[i]);
		struct bench_lib_fig lib;
		rc = run_lib(s, &text, sizes[i], dir, d.runs, d.load_runs, &lib);
		fflush(stdout);
		if (!rc && do_daemon && !bench_stop)
			rc = bench_daemon_run(&d, &text, &lib);
		fflush(stdout);
		cfg_buf_free(&text);
	}
	cfg_schema_free(s);
	rmdir(dir);
	if (bench_stop && !rc) {
		fprintf(stderr, "bench-config: interrupted\n");
		rc = 1;
	}
	return rc ? 1 : 0;
}
