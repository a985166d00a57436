/* jdm_vnf — virtual network functions: the committed
 * `virtual-network-functions` configuration made real as libvirt domains.
 *
 * Commit check: every image is inspected (vnf-images), the hugepage budget
 * is checked (jdm_hugepages). Apply: the hugepage pool is reserved; VNFs
 * that left the configuration are stopped and undefined (their image files
 * are never touched); new ones are defined and, unless `no-autostart`,
 * started; changed ones are redefined and restarted (said in the commit
 * output). Each VNF keeps a stable UUID, eth0/eth1 MACs and an internal
 * address (192.168.1.100+) in the store. At start jdmd converges: it applies
 * the active configuration to whatever libvirt has, so nothing is
 * duplicated and VNFs without `no-autostart` run again after a reboot.
 *
 * Liveliness: JDM pings every running VNF's eth0 address (jdm_live).
 * libvirt lifecycle events tell when a VNF's QEMU dies; it is restarted
 * unless `no-autostart`, and `show virtual-network-functions NAME detail`
 * says how many times and when.
 *
 * Hypervisor "none" (`--hypervisor none`, NFX_HYPERVISOR=none) keeps only
 * the configuration: VNFs are not realised and images are not checked
 * (golden CLI transcripts run this way).
 *
 * Ownership: jdm_vnf_new() returns a handle freed with jdm_vnf_free()
 * (running VNFs keep running: they belong to the hypervisor).
 */
#ifndef NFX_JDM_VNF_H
#define NFX_JDM_VNF_H

#include "cfg_daemon.h"

struct jdm_vnf;

struct jdm_vnf_opts {
	const char *uri;         /* libvirt URI, "none", or NULL for the default
	                            qemu:///embed?root=STATE/libvirt */
	const char *image_dir;   /* backing files must stay inside; NULL:
	                            /var/third-party/images */
	const char *sysfs_root;  /* "/" (tests: a fake tree) */
};

/* Connect to the hypervisor, bring up the internal network and register the
 * VNF operational commands with D. NULL with cfg_err set. */
struct jdm_vnf *jdm_vnf_new(struct cfg_daemon *d, const struct jdm_vnf_opts *o);
void jdm_vnf_free(struct jdm_vnf *v);

/* Commit check of the candidate T (effective tree). */
void jdm_vnf_validate(struct jdm_vnf *v, const struct cfg_tree *t, struct cfg_findings *fs);
/* Make the VNFs match NEW_TREE. 0, or -1 with findings under the VNF's path. */
int jdm_vnf_apply(struct jdm_vnf *v, const struct cfg_tree *old_tree, const struct cfg_tree *new_tree,
                  struct cfg_buf *out, struct cfg_findings *fs);
/* Once a second from the daemon loop: liveliness probes, dnsmasq watch. */
void jdm_vnf_tick(struct jdm_vnf *v);
/* The internal address of the configured (active) VNF NAME into IP (N
 * bytes), for `ssh NAME` (jdm_sshcmd): 1, 0 when NAME is no VNF (or the
 * hypervisor is "none"), -1 with cfg_err set when the VNF has no address. */
int jdm_vnf_internal_addr(struct jdm_vnf *v, const char *name, char *ip, size_t n);

#endif
