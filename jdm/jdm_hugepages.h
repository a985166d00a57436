/* jdm_hugepages — the host's huge page pool and the hugepage budget check;
 * the "hugepages" subsystem of jdmd (one row of its registry, cfg_subsys.h).
 *
 * The row owns `system memory hugepages` (jdm_huge_owns) and reads
 * `virtual-network-functions` (jdm_huge_reads: what the VNFs take from the
 * pool). It is ordered before the VNFs, so the pool exists when they start.
 *   validate  the hugepage budget (jdm_huge_check): configuration only, so it
 *             holds with hypervisor none too; with a managed host also the
 *             host's part (what the host can give, pages held by others)
 *   apply     reserve the configured page-count (managed host only); a
 *             removed page-count leaves the pool as it is
 *   converge  the same from the active tree
 *
 * The pool of one page size lives in sysfs:
 *   SYSFS_ROOT/sys/kernel/mm/hugepages/hugepages-<size>kB/{nr,free}_hugepages
 * SYSFS_ROOT is "/" on the box and a fake tree in tests.
 *
 * `system memory hugepages page-size <2|1024> page-count N` configures the
 * pool; VNFs with `memory features hugepages` take
 * ceil(memory size KiB / page size KiB) pages each. jdm_huge_check() is the
 * commit check that says, with numbers, which VNFs do not fit.
 *
 * Ownership: nothing is allocated for the caller; all pointers are borrowed.
 */
#ifndef NFX_JDM_HUGEPAGES_H
#define NFX_JDM_HUGEPAGES_H

#include <stdbool.h>

#include "cfg_commit.h"
#include "cfg_tree.h"

/* Page size when neither the system nor the VNF names one (KiB). */
#define JDM_HUGE_DEFAULT_PAGE_KIB 2048u

struct jdm_huge_pool {
	unsigned page_kib;   /* 2048 or 1048576 */
	unsigned long total; /* nr_hugepages */
	unsigned long free;  /* free_hugepages */
};

/* Read the pool of PAGE_KIB pages under SYSFS_ROOT into OUT. Returns 0, or -1
 * (cfg_err set; e.g. the host has no pages of that size). */
int jdm_huge_read(const char *sysfs_root, unsigned page_kib, struct jdm_huge_pool *out);

/* Make the pool COUNT pages of PAGE_KIB: write nr_hugepages and read back
 * what the kernel gave into *GOT (may be NULL). When it gave fewer, the old
 * value is written back and -1 returned with a message naming the numbers. */
int jdm_huge_reserve(const char *sysfs_root, unsigned page_kib, unsigned long count,
                     unsigned long *got);

/* Mount hugetlbfs with pages of PAGE_KIB at DIR (created if missing) unless
 * a hugetlbfs is already mounted there. 0 or -1. */
int jdm_huge_mount(const char *dir, unsigned page_kib);

/* The pool the configuration T asks for: *PAGE_KIB from `system memory
 * hugepages page-size` (JDM_HUGE_DEFAULT_PAGE_KIB when absent), *COUNT from
 * page-count. Returns true when page-count is configured. */
bool jdm_huge_configured(const struct cfg_tree *t, unsigned *page_kib, unsigned long *count);

/* Pages of PAGE_KIB that MEMORY_KIB takes (rounded up). */
unsigned long jdm_huge_pages_for(unsigned long long memory_kib, unsigned page_kib);

/* Commit check of candidate T (inactive nodes ignored).
 *
 * The budget is the configured pool: `system memory hugepages page-count`
 * (no page-count: no pool, and every hugepage VNF is an error saying so).
 * This part depends on the configuration alone.
 *
 * POOL_NOW (NULL: configuration only, none of the host checks below) is the
 * host's pool of the page size T configures (see jdm_huge_configured(); read
 * it with jdm_huge_read()); another page size means an empty host pool.
 * PAGES_IN_USE_BY_RUNNING_VNFS are pages of that pool held by the VNFs
 * running now: they come back to the candidate's VNFs, while the rest of the
 * used pages (total - free - those) belong to others (e.g. OVS-DPDK) and
 * stay taken, out of the configured pool.
 *
 * Going through
 * the VNFs in configuration order, each that does not fit gets an error under
 * its [edit virtual-network-functions NAME]:
 *   'memory features hugepages'
 *     VNF vrtr2 needs 2048 hugepages of 2048 KiB (4194304 KiB) but only 1024
 *     of 2048 are free in the pool
 * A VNF asking for another page size than the pool's is an error too. A
 * page-count more than the host can give (the pages it has now plus
 * MemAvailable from MEMINFO_PATH, "/proc/meminfo" when NULL; skipped when
 * unreadable; only with POOL_NOW) is an error under
 * [edit system memory hugepages]. */
void jdm_huge_check(const struct cfg_tree *t, const struct jdm_huge_pool *pool_now,
                    unsigned long pages_in_use_by_running_vnfs, const char *meminfo_path,
                    struct cfg_findings *fs);

/* ------------------------------------------------ the hugepages subsystem */

struct cfg_buf;
struct cfg_diff;
struct jdm_huge;

/* Keyword paths of the row (NULL-terminated, static). */
extern const char *const jdm_huge_owns[];
extern const char *const jdm_huge_reads[];

/* Pages of PAGE_KIB held by the VNFs running now (asked during validate, on
 * the loop thread). */
typedef unsigned long (*jdm_huge_vnf_pages_fn)(void *ctx, unsigned page_kib);

/* SYSFS_ROOT ("/" on the box; copied). HOST: the host is managed (false for
 * hypervisor none: configuration-only checks, apply does nothing). FN/CTX
 * (may be NULL; CTX borrowed) tell the pages running VNFs hold. Never NULL.
 * Freed with jdm_huge_free() (NULL accepted); the pool stays as it is. */
struct jdm_huge *jdm_huge_new(const char *sysfs_root, bool host, jdm_huge_vnf_pages_fn fn,
                              void *ctx);
void jdm_huge_free(struct jdm_huge *h);

/* The row's callbacks (CTX is the struct jdm_huge). apply/converge return 0,
 * or -1 with a finding under [edit system memory hugepages]. */
void jdm_huge_validate(void *ctx, const struct cfg_tree *new_tree, const struct cfg_diff *diff,
                       struct cfg_findings *fs);
int jdm_huge_apply(void *ctx, const struct cfg_diff *diff, struct cfg_buf *out,
                   struct cfg_findings *fs);
int jdm_huge_converge(void *ctx, const struct cfg_tree *active, struct cfg_buf *out,
                      struct cfg_findings *fs);

#endif
