/* jdm_vnf — virtual network functions: the committed
 * `virtual-network-functions` configuration made real as libvirt domains;
 * the "vnfs" subsystem of jdmd (one row of its registry, cfg_subsys.h),
 * after the accounts and the hugepage pool (jdm_hugepages) in the order.
 *
 * The row owns `virtual-network-functions` and `system virtualization` (the
 * accel in every domain) (jdm_vnf_owns) and reads `system memory` and
 * `host-os` (jdm_vnf_reads).
 *
 * Commit check: the image, storage, init-descriptor and config-data files
 * of every added or changed VNF must lie in an image directory after
 * symlinks and ".." are resolved (vnfimg_confine), each refusal a finding
 * under the VNF's path; the image is inspected (vnf-images); the hugepage
 * budget is the hugepages row's. The init-descriptor and config-data files
 * are confined again right before root reads them, and read where they
 * resolve. VNF names are the schema's vnf-name type (no '/', no leading '.'
 * or '-', at most 32 characters); STATE/vnf/NAME is made with
 * mkdirat/openat without following symlinks. Apply works from the diff: VNFs the commit does not touch
 * are not looked at; VNFs that left the configuration (or were deactivated)
 * are stopped and undefined (their image files are never touched); new ones
 * are defined and, unless `no-autostart`, started; changed ones are
 * redefined and restarted when their definition changed (said in the commit
 * output). A change of `system virtualization` looks at every VNF. A failed
 * apply puts back what it did (the inverse diff); undo is the inverse diff.
 * Each VNF keeps a stable UUID, eth0/eth1 MACs and an internal address
 * (192.168.1.100+) in the store. At start jdmd converges: it applies the
 * whole active configuration to whatever libvirt has, so nothing is
 * duplicated and VNFs without `no-autostart` run again after a reboot.
 *
 * Threads: apply and converge run on the commit job's thread, while show and
 * request commands, the tick, libvirt lifecycle events and liveliness run on
 * the loop thread; the runtime table is under a mutex that is never held
 * across a libvirt call that waits for a domain job. The table keeps each
 * VNF's last known state (from lifecycle events and from what apply,
 * converge and requests did and then saw of the domain): its state, ID,
 * vCPUs and memory. `show virtual-network-functions`, the vnf-events, the
 * liveliness targets and the hugepages in use read only that, never
 * libvirt (which makes a caller wait while a start or stop holds the
 * domain's job), so they answer at once while a commit stops and starts
 * VNFs; a VNF in transition shows it as it goes (running, shut off,
 * running). Only at start, before converge first looked at the domains, is
 * a VNF not yet known asked of libvirt.
 *
 * Liveliness: JDM pings every running VNF's eth0 address (jdm_live).
 * libvirt lifecycle events tell when a VNF's QEMU dies; it is restarted
 * unless `no-autostart`, and `show virtual-network-functions NAME detail`
 * says how many times and when.
 *
 * Hypervisor "none" (`--hypervisor none`, NFX_HYPERVISOR=none) keeps only
 * the configuration: VNFs are not realised and images (files of the host)
 * are not checked; checks that depend on the configuration alone, such as
 * the hugepage budget, hold all the same (golden CLI transcripts run this
 * way).
 *
 * Ownership: jdm_vnf_new() returns a handle freed with jdm_vnf_free()
 * (running VNFs keep running: they belong to the hypervisor).
 */
#ifndef NFX_JDM_VNF_H
#define NFX_JDM_VNF_H

#include <stdbool.h>

#include "cfg_daemon.h"

struct cfg_diff;
struct jdm_sriov;

struct jdm_vnf;

struct jdm_vnf_opts {
	const char *uri;         /* libvirt URI, "none", or NULL for the default
	                            qemu:///embed?root=STATE/libvirt */
	const char *image_dir;   /* the image directory, or DIR:DIR:... (the first
	                            is the one `show vnf-images` lists); NULL:
	                            /var/third-party/images. Images, storage
	                            files, config-data files and init-descriptors
	                            must lie in one (after realpath), backing
	                            files in the image's one */
	const char *sysfs_root;  /* "/" (tests: a fake tree) */
	struct jdm_sriov *sriov; /* the SR-IOV row (jdm_sriov.h): the VFs of data
	                            interfaces mapped to hsxe0/hsxe1; NULL: none */
};

/* Connect to the hypervisor, bring up the internal network and register the
 * VNF operational commands with D. NULL with cfg_err set. */
struct jdm_vnf *jdm_vnf_new(struct cfg_daemon *d, const struct jdm_vnf_opts *o);
void jdm_vnf_free(struct jdm_vnf *v);

/* Keyword paths of the row (NULL-terminated, static). */
extern const char *const jdm_vnf_owns[];
extern const char *const jdm_vnf_reads[];

/* The row's callbacks (CTX is the struct jdm_vnf). validate runs on the loop
 * thread; apply/converge return 0, or -1 with findings under the VNF's path. */
void jdm_vnf_validate(void *ctx, const struct cfg_tree *new_tree, const struct cfg_diff *diff,
                      struct cfg_findings *fs);
int jdm_vnf_apply(void *ctx, const struct cfg_diff *diff, struct cfg_buf *out,
                  struct cfg_findings *fs);
int jdm_vnf_converge(void *ctx, const struct cfg_tree *active, struct cfg_buf *out,
                     struct cfg_findings *fs);
/* Once a second from the daemon loop: liveliness probes, dnsmasq watch. */
void jdm_vnf_tick(void *ctx);

/* Pages of PAGE_KIB the running hugepage VNFs of the active configuration
 * hold (jdm_huge_vnf_pages_fn for the hugepages row; loop thread). */
unsigned long jdm_vnf_huge_in_use(void *ctx, unsigned page_kib);
/* Hypervisor "none": configuration only. */
bool jdm_vnf_config_only(const struct jdm_vnf *v);

/* Rows of `show virtual-network-functions` that are not VNFs (the ipsec-nm
 * container, jdm_ipsecnm.h): FN(CTX, ROOT, NAME) adds its
 * <vnf-information> to ROOT for NAME (NULL: every row it has) and returns
 * how many it added. Called on the loop thread. CTX is borrowed. */
struct cfg_rel;
typedef int (*jdm_vnf_extra_fn)(void *ctx, struct cfg_rel *root, const char *name);
void jdm_vnf_set_extra_rows(struct jdm_vnf *v, jdm_vnf_extra_fn fn, void *ctx);
/* The sysfs root (options), for the hugepages row. Borrowed. */
const char *jdm_vnf_sysfs_root(const struct jdm_vnf *v);
/* The internal address of the configured (active) VNF NAME into IP (N
 * bytes), for `ssh NAME` (jdm_sshcmd; loop thread): 1, 0 when NAME is no VNF
 * (or the hypervisor is "none"), -1 with cfg_err set when the VNF has no
 * address. */
int jdm_vnf_internal_addr(struct jdm_vnf *v, const char *name, char *ip, size_t n);
/* `request system reboot|halt|power-off` (cfg_system): stop every VNF of
 * the active configuration that runs (their definitions stay; converge
 * starts them again when the daemon comes back). Loop thread, after the
 * loop ended. 0, or -1 with cfg_err set. */
int jdm_vnf_stop_all(struct jdm_vnf *v);

#endif
