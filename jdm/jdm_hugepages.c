/* jdm_hugepages — the host's huge page pool and the hugepage budget check
 * (see jdm_hugepages.h). */
#include "jdm_hugepages.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg_diff.h"
#include "cfg_err.h"
#include "jdm_domain.h"

/* ------------------------------------------------------------------ sysfs */

static int pool_path(char *buf, size_t n, const char *root, unsigned page_kib, const char *file)
{
	if (!root || !*root)
		root = "/";
	size_t rl = strlen(root);
	while (rl > 1 && root[rl - 1] == '/')
		rl--;
	if (rl == 1 && root[0] == '/')
		rl = 0;
	int r = snprintf(buf, n, "%.*s/sys/kernel/mm/hugepages/hugepages-%ukB%s%s", (int)rl, root,
	                 page_kib, file ? "/" : "", file ? file : "");
	if (r < 0 || (size_t)r >= n)
		return cfg_err_set("path too long under %s", root);
	return 0;
}

static int read_ulong(const char *path, unsigned long *v)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cfg_err_set("cannot read %s: %s", path, strerror(errno));
	char buf[64];
	size_t got = 0;
	for (;;) {
		ssize_t r = read(fd, buf + got, sizeof buf - 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			close(fd);
			return cfg_err_set("cannot read %s: %s", path, strerror(e));
		}
		if (r == 0 || got + (size_t)r >= sizeof buf - 1) {
			got += (size_t)r;
			break;
		}
		got += (size_t)r;
	}
	close(fd);
	buf[got] = '\0';
	char *end;
	errno = 0;
	unsigned long x = strtoul(buf, &end, 10);
	while (*end == '\n' || *end == ' ')
		end++;
	if (end == buf || *end || errno || buf[0] == '-')
		return cfg_err_set("%s does not hold a number", path);
	*v = x;
	return 0;
}

static int write_ulong(const char *path, unsigned long v)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return cfg_err_set("cannot write %s: %s", path, strerror(errno));
	char buf[32];
	int len = snprintf(buf, sizeof buf, "%lu\n", v);
	ssize_t w;
	do
		w = write(fd, buf, (size_t)len);
	while (w < 0 && errno == EINTR);
	int e = errno;
	if (close(fd) < 0 && w >= 0) {
		e = errno;
		w = -1;
	}
	if (w != len)
		return cfg_err_set("cannot write %lu to %s: %s", v, path,
		                   w < 0 ? strerror(e) : "short write");
	return 0;
}

static int check_size(unsigned page_kib)
{
	if (page_kib == 0)
		return cfg_err_set("huge page size 0");
	return 0;
}

int jdm_huge_read(const char *sysfs_root, unsigned page_kib, struct jdm_huge_pool *out)
{
	char dir[PATH_MAX], path[PATH_MAX];
	if (check_size(page_kib) < 0 || pool_path(dir, sizeof dir, sysfs_root, page_kib, NULL) < 0)
		return -1;
	struct stat st;
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return cfg_err_set("this host has no huge pages of %u KiB (no %s)", page_kib, dir);
	struct jdm_huge_pool p = {.page_kib = page_kib};
	if (pool_path(path, sizeof path, sysfs_root, page_kib, "nr_hugepages") < 0 ||
	    read_ulong(path, &p.total) < 0)
		return -1;
	if (pool_path(path, sizeof path, sysfs_root, page_kib, "free_hugepages") < 0 ||
	    read_ulong(path, &p.free) < 0)
		return -1;
	*out = p;
	return 0;
}

int jdm_huge_reserve(const char *sysfs_root, unsigned page_kib, unsigned long count,
                     unsigned long *got)
{
	char path[PATH_MAX];
	unsigned long old, now;
	if (check_size(page_kib) < 0 ||
	    pool_path(path, sizeof path, sysfs_root, page_kib, "nr_hugepages") < 0)
		return -1;
	if (access(path, F_OK) < 0)
		return cfg_err_set("this host has no huge pages of %u KiB (no %s)", page_kib, path);
	if (read_ulong(path, &old) < 0)
		return -1;
	if (got)
		*got = old;
	if (old == count)
		return 0;
	if (write_ulong(path, count) < 0)
		return -1;
	if (read_ulong(path, &now) < 0)
		return -1;
	if (got)
		*got = now;
	if (now >= count)
		return 0;
	/* the kernel found fewer free contiguous pages than asked for: put
	   the pool back as it was so running VNFs keep theirs */
	int restored = write_ulong(path, old);
	if (restored == 0 && got && read_ulong(path, got) < 0)
		restored = -1;
	return cfg_err_set("the host gave only %lu of the %lu hugepages of %u KiB asked for "
	                   "(%llu of %llu KiB); %s %lu", now, count, page_kib,
	                   (unsigned long long)now * page_kib, (unsigned long long)count * page_kib,
	                   restored == 0 ? "the pool is back at" : "could not put the pool back at",
	                   old);
}

/* ---------------------------------------------------------------- mount */

/* Undo the octal escapes of /proc/self/mountinfo (\040 = space) in place. */
static void unescape_mountinfo(char *s)
{
	char *o = s;
	for (char *p = s; *p; p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '7' && p[2] >= '0' && p[2] <= '7' &&
		    p[3] >= '0' && p[3] <= '7') {
			*o++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
			p += 3;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
}

/* pagesize=2M / 1024M / 1G / 2048k in super options → KiB; 0 when absent */
static unsigned long long opt_pagesize_kib(const char *opts)
{
	const char *p = strstr(opts, "pagesize=");
	if (!p)
		return 0;
	char *end;
	unsigned long long v = strtoull(p + 9, &end, 10);
	switch (*end) {
	case 'k': case 'K': return v;
	case 'm': case 'M': return v * 1024;
	case 'g': case 'G': return v * 1024 * 1024;
	default: return v / 1024;
	}
}

/* 1: hugetlbfs mounted at DIR (its page size in *KIB, 0 unknown), 0: not. */
static int hugetlbfs_at(const char *dir, unsigned long long *kib)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return cfg_err_set("cannot read /proc/self/mountinfo: %s", strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	int found = 0;
	while (getline(&line, &cap, f) > 0) {
		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [TAGS...] - FSTYPE SOURCE SUPEROPTS */
		char *save = NULL, *tok, *mp = NULL;
		int i = 0;
		for (tok = strtok_r(line, " \n", &save); tok && i < 4; tok = strtok_r(NULL, " \n", &save))
			i++;
		mp = tok;
		if (!mp)
			continue;
		while ((tok = strtok_r(NULL, " \n", &save)) && strcmp(tok, "-") != 0)
			;
		char *fstype = tok ? strtok_r(NULL, " \n", &save) : NULL;
		char *src = fstype ? strtok_r(NULL, " \n", &save) : NULL;
		char *sopts = src ? strtok_r(NULL, " \n", &save) : NULL;
		if (!fstype)
			continue;
		unescape_mountinfo(mp);
		if (strcmp(mp, dir) == 0) {
			/* the last mount on a path is the one in effect */
			found = strcmp(fstype, "hugetlbfs") == 0;
			*kib = found && sopts ? opt_pagesize_kib(sopts) : 0;
		}
	}
	free(line);
	fclose(f);
	return found;
}

static int mkdir_p(const char *dir)
{
	char buf[PATH_MAX];
	if (snprintf(buf, sizeof buf, "%s", dir) >= (int)sizeof buf)
		return cfg_err_set("path too long: %s", dir);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return cfg_err_set("cannot create %s: %s", buf, strerror(errno));
		*p = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return cfg_err_set("cannot create %s: %s", buf, strerror(errno));
	return 0;
}

int jdm_huge_mount(const char *dir, unsigned page_kib)
{
	if (!dir || dir[0] != '/')
		return cfg_err_set("hugetlbfs mount point must be an absolute path");
	if (check_size(page_kib) < 0 || mkdir_p(dir) < 0)
		return -1;
	char real[PATH_MAX];
	if (!realpath(dir, real))
		return cfg_err_set("cannot resolve %s: %s", dir, strerror(errno));
	unsigned long long have = 0;
	int r = hugetlbfs_at(real, &have);
	if (r < 0)
		return -1;
	if (r == 1) {
		if (have && have != page_kib)
			return cfg_err_set("hugetlbfs at %s has pages of %llu KiB, not %u KiB", real,
			                   have, page_kib);
		return 0;
	}
	char opts[64];
	snprintf(opts, sizeof opts, "pagesize=%uK", page_kib);
	if (mount("hugetlbfs", real, "hugetlbfs", MS_NOSUID | MS_NODEV, opts) < 0)
		return cfg_err_set("cannot mount hugetlbfs (%s) at %s: %s", opts, real,
		                   strerror(errno));
	return 0;
}

/* ---------------------------------------------------------- commit check */

static unsigned size_kib(const char *mb, unsigned dflt)
{
	if (!mb)
		return dflt;
	unsigned long v = strtoul(mb, NULL, 10);
	return v ? (unsigned)(v * 1024) : dflt;
}

unsigned long jdm_huge_pages_for(unsigned long long memory_kib, unsigned page_kib)
{
	if (page_kib == 0)
		return 0;
	return (unsigned long)((memory_kib + page_kib - 1) / page_kib);
}

bool jdm_huge_configured(const struct cfg_tree *t, unsigned *page_kib, unsigned long *count)
{
	struct cfg_node *hp = cfg_tree_at(t, NULL, "system memory hugepages", CFG_AT_ACTIVE);
	const char *ps = cfg_node_value(hp, "page-size", CFG_AT_ACTIVE);
	const char *pc = cfg_node_value(hp, "page-count", CFG_AT_ACTIVE);
	*page_kib = size_kib(ps, JDM_HUGE_DEFAULT_PAGE_KIB);
	*count = pc ? strtoul(pc, NULL, 10) : 0;
	return pc != NULL;
}

/* MemAvailable in KiB from a /proc/meminfo-format file; -1 if unknown. */
static long long mem_available_kib(const char *path)
{
	FILE *f = fopen(path ? path : "/proc/meminfo", "re");
	if (!f)
		return -1;
	char line[256];
	long long v = -1;
	while (fgets(line, sizeof line, f)) {
		unsigned long long x;
		if (sscanf(line, "MemAvailable: %llu kB", &x) == 1) {
			v = (long long)x;
			break;
		}
	}
	fclose(f);
	return v;
}

void jdm_huge_check(const struct cfg_tree *t, const struct jdm_huge_pool *pool_now,
                    unsigned long pages_in_use_by_running_vnfs, const char *meminfo_path,
                    struct cfg_findings *fs)
{
	unsigned page_kib;
	unsigned long count;
	bool configured = jdm_huge_configured(t, &page_kib, &count);
	struct cfg_node *hp_sys = cfg_tree_at(t, NULL, "system memory hugepages", CFG_AT_ACTIVE);

	/* the host's part: pages of the pool's size held by others (e.g.
	   OVS-DPDK) stay taken; pages held by running VNFs come back */
	unsigned long total_now = 0, free_now = 0;
	if (pool_now && pool_now->page_kib == page_kib) {
		total_now = pool_now->total;
		free_now = pool_now->free < total_now ? pool_now->free : total_now;
	}
	unsigned long used_now = total_now - free_now;
	unsigned long vnf_used = pages_in_use_by_running_vnfs < used_now ? pages_in_use_by_running_vnfs
	                                                                 : used_now;
	unsigned long others = used_now - vnf_used;
	/* the budget is the configured pool, nothing else */
	unsigned long pool = configured ? count : 0;
	unsigned long avail = pool > others ? pool - others : 0;

	if (pool_now && configured && count > total_now) {
		long long mem = mem_available_kib(meminfo_path);
		if (mem >= 0) {
			unsigned long long can = total_now + (unsigned long long)mem / page_kib;
			if (count > can)
				cfg_findings_add(fs, hp_sys, "'page-count'",
				                 "page-count %lu asks for more hugepages than the host has: "
				                 "%lu pages of %u KiB (%llu KiB) but at most %llu can be "
				                 "reserved (%lu reserved now + MemAvailable %lld KiB)",
				                 count, count, page_kib,
				                 (unsigned long long)count * page_kib, can, total_now, mem);
		}
	}

	unsigned long left = avail;
	struct cfg_node *vnfs = cfg_tree_at(t, NULL, "virtual-network-functions", CFG_AT_ACTIVE);
	for (struct cfg_node *vnf = cfg_node_child(vnfs, "vnf", NULL, CFG_AT_ACTIVE); vnf;
	     vnf = cfg_node_next_same(vnf, CFG_AT_ACTIVE)) {
		struct cfg_node *mem = cfg_node_child(vnf, "memory", NULL, CFG_AT_ACTIVE);
		struct cfg_node *hp = mem ? cfg_tree_at(t, mem, "features hugepages", CFG_AT_ACTIVE) : NULL;
		if (!hp)
			continue;
		const char *sz = cfg_node_value(mem, "size", CFG_AT_ACTIVE);
		unsigned long long kib = sz ? strtoull(sz, NULL, 10) : JDM_DOMAIN_DEFAULT_MEMORY_KIB;
		const char *ps = cfg_node_value(hp, "page-size", CFG_AT_ACTIVE);
		unsigned vnf_page = size_kib(ps, page_kib);
		if (!configured) {
			cfg_findings_add(fs, vnf, "'memory features hugepages'",
			                 "VNF %s needs %lu hugepages of %u KiB (%llu KiB) but no hugepage "
			                 "pool is configured ('system memory hugepages page-count')",
			                 vnf->value, jdm_huge_pages_for(kib, vnf_page), vnf_page,
			                 (unsigned long long)jdm_huge_pages_for(kib, vnf_page) * vnf_page);
			continue;
		}
		if (vnf_page != page_kib) {
			cfg_findings_add(fs, vnf, "'memory features hugepages page-size'",
			                 "VNF %s wants hugepages of %u KiB but the pool has pages of "
			                 "%u KiB ('system memory hugepages page-size')",
			                 vnf->value, vnf_page, page_kib);
			continue;
		}
		unsigned long need = jdm_huge_pages_for(kib, page_kib);
		if (need <= left) {
			left -= need;
			continue;
		}
		cfg_findings_add(fs, vnf, "'memory features hugepages'",
		                 "VNF %s needs %lu hugepages of %u KiB (%llu KiB) but only %lu of %lu "
		                 "are free in the pool", vnf->value, need, page_kib,
		                 (unsigned long long)need * page_kib, left, pool);
	}
}

/* ------------------------------------------------ the hugepages subsystem */

const char *const jdm_huge_owns[] = {"system memory hugepages", NULL};
const char *const jdm_huge_reads[] = {"virtual-network-functions", NULL};

struct jdm_huge {
	char *sysfs_root;
	bool host;
	jdm_huge_vnf_pages_fn vnf_pages;
	void *ctx;
};

struct jdm_huge *jdm_huge_new(const char *sysfs_root, bool host, jdm_huge_vnf_pages_fn fn,
                              void *ctx)
{
	struct jdm_huge *h = calloc(1, sizeof *h);
	if (!h)
		abort();
	h->sysfs_root = strdup(sysfs_root ? sysfs_root : "/");
	if (!h->sysfs_root)
		abort();
	h->host = host;
	h->vnf_pages = fn;
	h->ctx = ctx;
	return h;
}

void jdm_huge_free(struct jdm_huge *h)
{
	if (!h)
		return;
	free(h->sysfs_root);
	free(h);
}

void jdm_huge_validate(void *ctx, const struct cfg_tree *new_tree, const struct cfg_diff *diff,
                       struct cfg_findings *fs)
{
	(void)diff;
	struct jdm_huge *h = ctx;
	if (!h->host) {
		jdm_huge_check(new_tree, NULL, 0, NULL, fs);
		return;
	}
	unsigned ps;
	unsigned long cnt;
	jdm_huge_configured(new_tree, &ps, &cnt);
	struct jdm_huge_pool pool = {.page_kib = ps};
	if (jdm_huge_read(h->sysfs_root, ps, &pool) < 0)
		pool = (struct jdm_huge_pool){.page_kib = ps};
	unsigned long in_use = h->vnf_pages ? h->vnf_pages(h->ctx, ps) : 0;
	char meminfo[PATH_MAX];
	snprintf(meminfo, sizeof meminfo, "%s/proc/meminfo",
	         strcmp(h->sysfs_root, "/") ? h->sysfs_root : "");
	jdm_huge_check(new_tree, &pool, in_use, meminfo, fs);
}

/* Reserve the pool T configures (nothing when it configures none). */
static int huge_realise(struct jdm_huge *h, const struct cfg_tree *t, struct cfg_findings *fs)
{
	unsigned ps;
	unsigned long cnt;
	if (!h->host || !t || !jdm_huge_configured(t, &ps, &cnt))
		return 0;
	struct jdm_huge_pool pool;
	unsigned long got;
	if (jdm_huge_read(h->sysfs_root, ps, &pool) < 0 ||
	    (pool.total != cnt && jdm_huge_reserve(h->sysfs_root, ps, cnt, &got) < 0)) {
		cfg_findings_add(fs, cfg_tree_at(t, NULL, "system memory hugepages", CFG_AT_ACTIVE),
		                 NULL, "%s", cfg_err_msg());
		return -1;
	}
	return 0;
}

int jdm_huge_apply(void *ctx, const struct cfg_diff *diff, struct cfg_buf *out,
                   struct cfg_findings *fs)
{
	(void)out;
	return huge_realise(ctx, cfg_diff_new_tree(diff), fs);
}

int jdm_huge_converge(void *ctx, const struct cfg_tree *active, struct cfg_buf *out,
                      struct cfg_findings *fs)
{
	(void)out;
	return huge_realise(ctx, active, fs);
}
