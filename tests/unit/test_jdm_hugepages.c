/* jdm_hugepages: the pool read from and reserved in a fake sysfs tree (a
 * FIFO plays a kernel that gives fewer pages than asked), the real /sys read
 * only, hugetlbfs mounting (as root), and the hugepage budget commit check
 * on JDM configurations, with its exact Junos-style output. */
#include "test_common.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg_buf.h"
#include "cfg_commit.h"
#include "cfg_diff.h"
#include "cfg_load.h"
#include "cfg_tree.h"
#include "jdm_hugepages.h"

/* ------------------------------------------------------- fake sysfs tree */

struct fx {
	char root[64];
	char dir2m[256], dir1g[256];
	char meminfo[256];
};

static void put(const char *dir, const char *file, const char *text)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/%s", dir, file);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void get(const char *dir, const char *file, char *buf, size_t n)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/%s", dir, file);
	FILE *f = fopen(p, "r");
	assert_non_null(f);
	size_t r = fread(buf, 1, n - 1, f);
	buf[r] = '\0';
	fclose(f);
}

static void mkdirs(const char *path)
{
	char b[PATH_MAX];
	snprintf(b, sizeof b, "%s", path);
	for (char *p = b + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(b, 0755);
			*p = '/';
		}
	assert_true(mkdir(b, 0755) == 0 || errno == EEXIST);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	snprintf(f->root, sizeof f->root, "/tmp/nfx-test-huge-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	snprintf(f->dir2m, sizeof f->dir2m, "%s/sys/kernel/mm/hugepages/hugepages-2048kB", f->root);
	snprintf(f->dir1g, sizeof f->dir1g, "%s/sys/kernel/mm/hugepages/hugepages-1048576kB",
	         f->root);
	mkdirs(f->dir2m);
	mkdirs(f->dir1g);
	put(f->dir2m, "nr_hugepages", "1024\n");
	put(f->dir2m, "free_hugepages", "1000\n");
	put(f->dir1g, "nr_hugepages", "0\n");
	put(f->dir1g, "free_hugepages", "0\n");
	snprintf(f->meminfo, sizeof f->meminfo, "%s/meminfo", f->root);
	put(f->root, "meminfo",
	    "MemTotal:       16384000 kB\nMemFree:         1000000 kB\n"
	    "MemAvailable:   16777216 kB\nBuffers:           10000 kB\n");
	*state = f;
	return 0;
}

static void rm_rf(const char *path)
{
	/* the fixture's files only: nftw would do, a fixed list is enough */
	const char *sub[] = {"sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages",
	                     "sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages",
	                     "sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages",
	                     "sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages",
	                     "sys/kernel/mm/hugepages/hugepages-2048kB",
	                     "sys/kernel/mm/hugepages/hugepages-1048576kB",
	                     "sys/kernel/mm/hugepages", "sys/kernel/mm", "sys/kernel", "sys",
	                     "meminfo", "mnt/h", "mnt"};
	char p[PATH_MAX];
	for (size_t i = 0; i < sizeof sub / sizeof sub[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", path, sub[i]);
		if (unlink(p) < 0)
			rmdir(p);
	}
	rmdir(path);
}

static int teardown(void **state)
{
	struct fx *f = *state;
	rm_rf(f->root);
	free(f);
	return 0;
}

/* ------------------------------------------------------------ pool tests */

static void read_pool(void **state)
{
	struct fx *f = *state;
	struct jdm_huge_pool p;
	assert_int_equal(jdm_huge_read(f->root, 2048, &p), 0);
	assert_int_equal(p.page_kib, 2048);
	assert_int_equal(p.total, 1024);
	assert_int_equal(p.free, 1000);
	assert_int_equal(jdm_huge_read(f->root, 1048576, &p), 0);
	assert_int_equal(p.total, 0);

	/* trailing slashes in the root are fine */
	char r[PATH_MAX];
	snprintf(r, sizeof r, "%s//", f->root);
	assert_int_equal(jdm_huge_read(r, 2048, &p), 0);
	assert_int_equal(p.total, 1024);

	assert_int_equal(jdm_huge_read(f->root, 4, &p), -1);
	assert_non_null(strstr(cfg_err_msg(), "no huge pages of 4 KiB"));
	put(f->dir2m, "free_hugepages", "lots\n");
	assert_int_equal(jdm_huge_read(f->root, 2048, &p), -1);
	assert_non_null(strstr(cfg_err_msg(), "free_hugepages does not hold a number"));
	put(f->dir2m, "free_hugepages", "-1\n");
	assert_int_equal(jdm_huge_read(f->root, 2048, &p), -1);
}

static void reserve_pool(void **state)
{
	struct fx *f = *state;
	unsigned long got = 0;
	char buf[64];
	assert_int_equal(jdm_huge_reserve(f->root, 2048, 1536, &got), 0);
	assert_int_equal(got, 1536);
	get(f->dir2m, "nr_hugepages", buf, sizeof buf);
	assert_string_equal(buf, "1536\n");
	/* shrinking, and the same count again */
	assert_int_equal(jdm_huge_reserve(f->root, 2048, 8, &got), 0);
	assert_int_equal(got, 8);
	assert_int_equal(jdm_huge_reserve(f->root, 2048, 8, NULL), 0);
	get(f->dir2m, "nr_hugepages", buf, sizeof buf);
	assert_string_equal(buf, "8\n");
	assert_int_equal(jdm_huge_reserve(f->root, 1048576, 2, &got), 0);
	assert_int_equal(got, 2);
	assert_int_equal(jdm_huge_reserve(f->root, 16, 2, &got), -1);
	assert_non_null(strstr(cfg_err_msg(), "no huge pages of 16 KiB"));
}

/* A kernel that has memory for only 1000 pages: serves nr_hugepages through
 * a FIFO, in the order jdm_huge_reserve uses it (read old, write new, read
 * back, write old). */
struct kernel {
	char fifo[PATH_MAX];
	char wrote[2][32];
};

static void kernel_say(const char *fifo, const char *text)
{
	int fd = open(fifo, O_WRONLY);
	if (fd >= 0) {
		ssize_t r = write(fd, text, strlen(text));
		(void)r;
		close(fd);
	}
}

static void kernel_hear(const char *fifo, char *buf, size_t n)
{
	int fd = open(fifo, O_RDONLY);
	size_t got = 0;
	ssize_t r;
	while (fd >= 0 && got < n - 1 && (r = read(fd, buf + got, n - 1 - got)) > 0)
		got += (size_t)r;
	buf[got] = '\0';
	if (fd >= 0)
		close(fd);
}

static void *kernel_thread(void *arg)
{
	struct kernel *k = arg;
	kernel_say(k->fifo, "512\n");                           /* the old value */
	kernel_hear(k->fifo, k->wrote[0], sizeof k->wrote[0]); /* asked for */
	kernel_say(k->fifo, "1000\n");                          /* what it gave */
	kernel_hear(k->fifo, k->wrote[1], sizeof k->wrote[1]); /* restored */
	kernel_say(k->fifo, "512\n");                           /* read back */
	return NULL;
}

static void reserve_gets_fewer(void **state)
{
	struct fx *f = *state;
	struct kernel k = {0};
	snprintf(k.fifo, sizeof k.fifo, "%s/nr_hugepages", f->dir2m);
	assert_int_equal(unlink(k.fifo), 0);
	assert_int_equal(mkfifo(k.fifo, 0600), 0);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, kernel_thread, &k), 0);
	unsigned long got = 0;
	int r = jdm_huge_reserve(f->root, 2048, 2048, &got);
	pthread_join(th, NULL);
	assert_int_equal(r, -1);
	assert_string_equal(k.wrote[0], "2048\n");
	assert_string_equal(k.wrote[1], "512\n"); /* the old value went back */
	assert_int_equal(got, 512);
	assert_string_equal(cfg_err_msg(),
	                    "the host gave only 1000 of the 2048 hugepages of 2048 KiB asked for "
	                    "(2048000 of 4194304 KiB); the pool is back at 512");
	unlink(k.fifo);
}

static void real_sys_read_only(void **state)
{
	(void)state;
	struct jdm_huge_pool p;
	if (access("/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", R_OK) != 0)
		skip();
	assert_int_equal(jdm_huge_read("/", 2048, &p), 0);
	assert_true(p.free <= p.total);
	/* /proc/meminfo agrees on the default page size pool */
	FILE *m = fopen("/proc/meminfo", "r");
	char line[128];
	unsigned long total = (unsigned long)-1, size = 0;
	while (m && fgets(line, sizeof line, m)) {
		sscanf(line, "HugePages_Total: %lu", &total);
		sscanf(line, "Hugepagesize: %lu kB", &size);
	}
	if (m)
		fclose(m);
	if (size == 2048 && total != (unsigned long)-1)
		assert_int_equal(p.total, total);
	assert_int_equal(jdm_huge_read(NULL, 2048, &p), 0);
}

static void mount_hugetlbfs(void **state)
{
	struct fx *f = *state;
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s/mnt/h", f->root);
	assert_int_equal(jdm_huge_mount("relative/dir", 2048), -1);
	if (geteuid() != 0)
		skip();
	if (jdm_huge_mount(dir, 2048) < 0) {
		/* no CAP_SYS_ADMIN in this container: nothing to test */
		if (strstr(cfg_err_msg(), "not permitted") || strstr(cfg_err_msg(), "denied"))
			skip();
		fail_msg("%s", cfg_err_msg());
	}
	/* mounted: the second call finds it */
	assert_int_equal(jdm_huge_mount(dir, 2048), 0);
	FILE *mi = fopen("/proc/self/mountinfo", "r");
	char line[1024];
	bool found = false;
	while (mi && fgets(line, sizeof line, mi))
		found = found || (strstr(line, dir) && strstr(line, "hugetlbfs"));
	if (mi)
		fclose(mi);
	assert_true(found);
	/* another page size at the same place is refused */
	assert_int_equal(jdm_huge_mount(dir, 1048576), -1);
	assert_non_null(strstr(cfg_err_msg(), "has pages of 2048 KiB, not 1048576 KiB"));
	assert_int_equal(umount2(dir, MNT_DETACH), 0);
}

/* --------------------------------------------------------- commit check */

struct chk {
	struct cfg_schema *s;
	struct cfg_tree *t;
	struct cfg_findings fs;
	struct cfg_buf out;
};

static void chk_load(struct chk *c, const char *set)
{
	c->s = test_schema_jdm();
	c->t = cfg_tree_new(c->s);
	struct cfg_buf e = {0};
	if (cfg_load_set(c->t, NULL, set, strlen(set), "terminal", 0, &e) != 0)
		fail_msg("load: %s %s", e.p ? e.p : "", cfg_err_msg());
	cfg_buf_free(&e);
	memset(&c->fs, 0, sizeof c->fs);
	memset(&c->out, 0, sizeof c->out);
}

/* Run the check; return the rendered findings ("" when none). */
static const char *chk_run(struct chk *c, const struct jdm_huge_pool *pool,
                           unsigned long in_use, const char *meminfo)
{
	cfg_findings_free(&c->fs);
	memset(&c->fs, 0, sizeof c->fs);
	cfg_buf_free(&c->out);
	memset(&c->out, 0, sizeof c->out);
	jdm_huge_check(c->t, pool, in_use, meminfo, &c->fs);
	cfg_findings_render(&c->out, &c->fs);
	return c->out.len ? c->out.p : "";
}

static void chk_free(struct chk *c)
{
	cfg_findings_free(&c->fs);
	cfg_buf_free(&c->out);
	cfg_tree_free(c->t);
	cfg_schema_free(c->s);
}

#define VNF(n, kib)                                                                       \
	"set virtual-network-functions " n " image /var/third-party/images/" n ".qcow2\n"    \
	"set virtual-network-functions " n " memory size " kib "\n"                          \
	"set virtual-network-functions " n " memory features hugepages\n"

static void check_host_pool(void **state)
{
	struct fx *f = *state;
	struct chk c;
	chk_load(&c, VNF("vrtr1", "4194304")
	             "set virtual-network-functions plain image /p.qcow2\n"
	             "set virtual-network-functions plain memory size 8388608\n");
	struct jdm_huge_pool pool = {.page_kib = 2048, .total = 2048, .free = 2048};
	/* not configured: no pool, whatever the host has (the budget is configuration) */
	const char *nopool = "[edit virtual-network-functions vrtr1]\n"
	                     "  'memory features hugepages'\n"
	                     "    VNF vrtr1 needs 2048 hugepages of 2048 KiB (4194304 KiB) but no "
	                     "hugepage pool is configured ('system memory hugepages page-count')\n"
	                     "error: configuration check-out failed\n";
	assert_string_equal(chk_run(&c, &pool, 0, f->meminfo), nopool);
	/* the same with no host at all (hypervisor none) */
	assert_string_equal(chk_run(&c, NULL, 0, NULL), nopool);
	chk_free(&c);

	chk_load(&c, "set system memory hugepages page-count 2048\n"
	             VNF("vrtr1", "4194304")
	             "set virtual-network-functions plain image /p.qcow2\n"
	             "set virtual-network-functions plain memory size 8388608\n");
	pool.total = pool.free = 2048;
	assert_string_equal(chk_run(&c, &pool, 0, f->meminfo), "");
	/* configuration only: fits the configured pool */
	assert_string_equal(chk_run(&c, NULL, 0, NULL), "");
	/* vrtr1 runs now on 2048 of them: they are its own */
	pool.free = 0;
	assert_string_equal(chk_run(&c, &pool, 2048, f->meminfo), "");
	/* ... but pages held by someone else (OVS-DPDK) are not */
	pool.free = 1;
	assert_int_equal(cfg_findings_errors(&c.fs), 0);
	assert_non_null(strstr(chk_run(&c, &pool, 1024, f->meminfo),
	                       "needs 2048 hugepages of 2048 KiB (4194304 KiB) but only 1025 of 2048"));
	/* configuration only: the host's other users are not known */
	assert_string_equal(chk_run(&c, NULL, 0, NULL), "");
	chk_free(&c);
}

static void check_configured_pool(void **state)
{
	struct fx *f = *state;
	struct chk c;
	chk_load(&c, "set system memory hugepages page-size 2\n"
	             "set system memory hugepages page-count 3072\n"
	             VNF("vrtr1", "4194304") VNF("vrtr2", "4194304") VNF("small", "1025"));
	struct jdm_huge_pool pool = {.page_kib = 2048, .total = 0, .free = 0};
	/* vrtr1 takes 2048, vrtr2 does not fit, the 1-page VNF (rounded up) does */
	assert_string_equal(chk_run(&c, &pool, 0, f->meminfo),
	                    "[edit virtual-network-functions vrtr2]\n"
	                    "  'memory features hugepages'\n"
	                    "    VNF vrtr2 needs 2048 hugepages of 2048 KiB (4194304 KiB) but only "
	                    "1024 of 3072 are free in the pool\n"
	                    "error: configuration check-out failed\n");
	unsigned kib;
	unsigned long n;
	assert_true(jdm_huge_configured(c.t, &kib, &n));
	assert_int_equal(kib, 2048);
	assert_int_equal(n, 3072);
	assert_int_equal(jdm_huge_pages_for(1025, 2048), 1);
	assert_int_equal(jdm_huge_pages_for(2049, 2048), 2);
	assert_int_equal(jdm_huge_pages_for(4194304, 1048576), 4);
	chk_free(&c);

	/* two VNFs that do not fit both get a finding; inactive ones do not count */
	chk_load(&c, "set system memory hugepages page-count 1000\n"
	             VNF("a", "4194304") VNF("b", "4194304") VNF("c", "4194304")
	             "deactivate virtual-network-functions c\n");
	const char *out = chk_run(&c, &pool, 0, f->meminfo);
	assert_non_null(strstr(out, "[edit virtual-network-functions a]"));
	assert_non_null(strstr(out, "[edit virtual-network-functions b]"));
	assert_null(strstr(out, "functions c]"));
	assert_int_equal(cfg_findings_errors(&c.fs), 2);
	chk_free(&c);

	/* memory size absent: the default 1 GiB = 512 pages */
	chk_load(&c, "set system memory hugepages page-count 511\n"
	             "set virtual-network-functions d image /d.qcow2\n"
	             "set virtual-network-functions d memory features hugepages\n");
	assert_non_null(strstr(chk_run(&c, &pool, 0, f->meminfo),
	                       "VNF d needs 512 hugepages of 2048 KiB (1048576 KiB) but only 511 of 511"));
	chk_free(&c);
}

static void check_page_sizes(void **state)
{
	struct fx *f = *state;
	struct chk c;
	/* 1 GiB pages: 4 GiB = 4 pages; the 2 MiB pool passed in is another size */
	chk_load(&c, "set system memory hugepages page-size 1024\n"
	             "set system memory hugepages page-count 4\n"
	             VNF("vrtr1", "4194304")
	             "set virtual-network-functions vrtr2 image /v.qcow2\n"
	             "set virtual-network-functions vrtr2 memory size 1048576\n"
	             "set virtual-network-functions vrtr2 memory features hugepages page-size 2\n");
	struct jdm_huge_pool pool2m = {.page_kib = 2048, .total = 1024, .free = 0};
	assert_string_equal(chk_run(&c, &pool2m, 0, f->meminfo),
	                    "[edit virtual-network-functions vrtr2]\n"
	                    "  'memory features hugepages page-size'\n"
	                    "    VNF vrtr2 wants hugepages of 2048 KiB but the pool has pages of "
	                    "1048576 KiB ('system memory hugepages page-size')\n"
	                    "error: configuration check-out failed\n");
	chk_free(&c);

	/* a configured pool of 1 GiB pages */
	chk_load(&c, "set system memory hugepages page-size 1024\n"
	             "set system memory hugepages page-count 2\n" VNF("vrtr1", "2097152"));
	struct jdm_huge_pool pool1g = {.page_kib = 1048576, .total = 2, .free = 2};
	assert_string_equal(chk_run(&c, &pool1g, 0, f->meminfo), "");
	pool1g.free = 1;
	assert_non_null(strstr(chk_run(&c, &pool1g, 0, f->meminfo),
	                       "VNF vrtr1 needs 2 hugepages of 1048576 KiB (2097152 KiB) but only 1 of 2"));
	assert_string_equal(chk_run(&c, NULL, 0, NULL), "");
	chk_free(&c);
}

static void check_host_memory(void **state)
{
	struct fx *f = *state;
	struct chk c;
	/* MemAvailable 16 GiB = 8192 pages of 2 MiB, plus 100 reserved now */
	chk_load(&c, "set system memory hugepages page-size 2\n"
	             "set system memory hugepages page-count 10000\n");
	struct jdm_huge_pool pool = {.page_kib = 2048, .total = 100, .free = 100};
	assert_string_equal(chk_run(&c, &pool, 0, f->meminfo),
	                    "[edit system memory hugepages]\n"
	                    "  'page-count'\n"
	                    "    page-count 10000 asks for more hugepages than the host has: 10000 "
	                    "pages of 2048 KiB (20480000 KiB) but at most 8292 can be reserved "
	                    "(100 reserved now + MemAvailable 16777216 KiB)\n"
	                    "error: configuration check-out failed\n");
	chk_free(&c);
	chk_load(&c, "set system memory hugepages page-count 8292\n");
	assert_string_equal(chk_run(&c, &pool, 0, f->meminfo), "");
	/* unreadable meminfo: that part of the check is skipped */
	chk_free(&c);
	chk_load(&c, "set system memory hugepages page-count 1000000\n");
	char missing[PATH_MAX];
	snprintf(missing, sizeof missing, "%s/nope", f->root);
	assert_string_equal(chk_run(&c, &pool, 0, missing), "");
	/* the real /proc/meminfo is read when no path is given */
	assert_non_null(strstr(chk_run(&c, &pool, 0, NULL), "more hugepages than the host has"));
	/* configuration only: what the host can give is not asked */
	assert_string_equal(chk_run(&c, NULL, 0, NULL), "");
	chk_free(&c);
}

/* ------------------------------------------------ the hugepages subsystem */

static unsigned long pages_held(void *ctx, unsigned page_kib)
{
	assert_int_equal(page_kib, 2048);
	return *(unsigned long *)ctx;
}

/* Render the findings of the row's validate of the change OLD -> NEW. */
static const char *row_validate(struct jdm_huge *h, struct chk *c, const struct cfg_tree *old)
{
	cfg_findings_free(&c->fs);
	memset(&c->fs, 0, sizeof c->fs);
	cfg_buf_free(&c->out);
	memset(&c->out, 0, sizeof c->out);
	struct cfg_diff *d = cfg_diff_new(old, c->t, CFG_DIFF_EFFECTIVE);
	assert_non_null(d);
	jdm_huge_validate(h, c->t, d, &c->fs);
	cfg_diff_free(d);
	cfg_findings_render(&c->out, &c->fs);
	return c->out.len ? c->out.p : "";
}

static void row_owns_and_validates(void **state)
{
	struct fx *f = *state;
	assert_string_equal(jdm_huge_owns[0], "system memory hugepages");
	assert_null(jdm_huge_owns[1]);
	assert_string_equal(jdm_huge_reads[0], "virtual-network-functions");
	struct chk c;
	chk_load(&c, VNF("vrtr1", "4194304"));
	/* configuration only (hypervisor none): no pool configured is an error,
	   whatever the host has */
	struct jdm_huge *none = jdm_huge_new(f->root, false, NULL, NULL);
	assert_non_null(strstr(row_validate(none, &c, NULL), "no hugepage pool is configured"));
	chk_free(&c);
	chk_load(&c, "set system memory hugepages page-count 2048\n" VNF("vrtr1", "4194304"));
	assert_string_equal(row_validate(none, &c, NULL), "");
	/* with the host: 1024 of its 2048 pages are used, vrtr1 (running) holds
	   them, so they are its own */
	put(f->dir2m, "nr_hugepages", "2048\n");
	put(f->dir2m, "free_hugepages", "1024\n");
	unsigned long held = 1024;
	struct jdm_huge *host = jdm_huge_new(f->root, true, pages_held, &held);
	assert_string_equal(row_validate(host, &c, NULL), "");
	/* someone else holds them: vrtr1 does not fit any more */
	held = 0;
	assert_non_null(strstr(row_validate(host, &c, NULL), "but only 1024 of 2048 are free"));
	/* ... which the configuration-only check cannot know */
	assert_string_equal(row_validate(none, &c, NULL), "");
	jdm_huge_free(host);
	jdm_huge_free(none);
	jdm_huge_free(NULL);
	chk_free(&c);
}

static void row_applies_the_pool(void **state)
{
	struct fx *f = *state;
	char buf[64];
	struct jdm_huge *host = jdm_huge_new(f->root, true, NULL, NULL);
	struct jdm_huge *none = jdm_huge_new(f->root, false, NULL, NULL);
	struct chk c;
	chk_load(&c, "set system memory hugepages page-size 2\n"
	             "set system memory hugepages page-count 64\n");
	struct cfg_diff *d = cfg_diff_new(NULL, c.t, CFG_DIFF_EFFECTIVE);
	assert_non_null(d);
	/* hypervisor none: the host's pool is not touched */
	assert_int_equal(jdm_huge_apply(none, d, &c.out, &c.fs), 0);
	get(f->dir2m, "nr_hugepages", buf, sizeof buf);
	assert_string_equal(buf, "1024\n");
	/* a managed host: the pool is what the configuration says */
	assert_int_equal(jdm_huge_apply(host, d, &c.out, &c.fs), 0);
	get(f->dir2m, "nr_hugepages", buf, sizeof buf);
	assert_string_equal(buf, "64\n");
	/* undo is the inverse diff: no page-count before, the pool stays */
	struct cfg_diff *inv = cfg_diff_inverse(d);
	assert_int_equal(jdm_huge_apply(host, inv, &c.out, &c.fs), 0);
	get(f->dir2m, "nr_hugepages", buf, sizeof buf);
	assert_string_equal(buf, "64\n");
	cfg_diff_free(inv);
	cfg_diff_free(d);
	/* converge from the active tree */
	put(f->dir2m, "nr_hugepages", "0\n");
	assert_int_equal(jdm_huge_converge(host, c.t, &c.out, &c.fs), 0);
	get(f->dir2m, "nr_hugepages", buf, sizeof buf);
	assert_string_equal(buf, "64\n");
	/* a host without pages of that size: the error is under the statement */
	chk_free(&c);
	chk_load(&c, "set system memory hugepages page-size 1024\n"
	             "set system memory hugepages page-count 4\n");
	{
		char p[PATH_MAX];
		snprintf(p, sizeof p, "%s/nr_hugepages", f->dir1g);
		unlink(p);
		snprintf(p, sizeof p, "%s/free_hugepages", f->dir1g);
		unlink(p);
		rmdir(f->dir1g);
	}
	assert_int_equal(jdm_huge_converge(host, c.t, &c.out, &c.fs), -1);
	cfg_findings_render(&c.out, &c.fs);
	assert_non_null(strstr(c.out.p, "[edit system memory hugepages]\n"));
	assert_non_null(strstr(c.out.p, "this host has no huge pages of 1048576 KiB"));
	assert_int_equal(jdm_huge_converge(none, c.t, &c.out, &c.fs), 0);
	jdm_huge_free(host);
	jdm_huge_free(none);
	chk_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(read_pool, setup, teardown),
		cmocka_unit_test_setup_teardown(reserve_pool, setup, teardown),
		cmocka_unit_test_setup_teardown(reserve_gets_fewer, setup, teardown),
		cmocka_unit_test_setup_teardown(real_sys_read_only, setup, teardown),
		cmocka_unit_test_setup_teardown(mount_hugetlbfs, setup, teardown),
		cmocka_unit_test_setup_teardown(check_host_pool, setup, teardown),
		cmocka_unit_test_setup_teardown(check_configured_pool, setup, teardown),
		cmocka_unit_test_setup_teardown(check_page_sizes, setup, teardown),
		cmocka_unit_test_setup_teardown(check_host_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(row_owns_and_validates, setup, teardown),
		cmocka_unit_test_setup_teardown(row_applies_the_pool, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
