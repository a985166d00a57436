/* jdm_sriov — SR-IOV virtual functions for VNF interfaces: the "sriov" row
 * of jdmd's subsystem registry (cfg_subsys.h), order 40: after the host-os
 * switch (30), before the VNFs (50), which build each VNF's domain with the
 * VF this row allocated (jdm_sriov_nic()).
 *
 * The row owns the `mapping hsxe0|hsxe1 virtual-function [vlan-id N]`
 * statements of `virtual-network-functions NAME interfaces ethN` (owns
 * "virtual-network-functions": the registry has no finer paths; VNFs whose
 * mappings did not change are left alone). Which device is hsxe0/hsxe1 is
 * platform data: the `hsxe0`/`hsxe1` lines of the platform file
 * (lib/nfx_platform.h), keys defined here:
 *     vf-mode sriov|emulated   sriov (default): a real PF, IFNAME is its
 *                              netdev (or `pci ADDR` its PCI device) and its
 *                              VFs come from sysfs (sriov_sysfs); emulated:
 *                              `vfs N` VFs that are tagged virtio ports on
 *                              the host-os switch toward the sxe port
 *     vfs N                    number of emulated VFs (1..256)
 *     pci ADDR                 the PF's PCI address (real PFs)
 * A real PF without SR-IOV is an error, never an emulation. No platform
 * file, or one without ports: the built-in default table
 * (nfx_platform_default_text(): emulated VFs on hsxe0/hsxe1), as jcpd.
 *
 * Commit check (validate; every finding under the interface's
 * `[edit virtual-network-functions V interfaces ethN mapping hsxeK
 * virtual-function]`, and nothing changes): the PF missing from the
 * platform file or from the machine, a PF without SR-IOV, an interface
 * mapped twice (hsxe0 and hsxe1; a VF and a host-os VLAN is refused by the
 * host-os switch row), eth0/eth1 (the
 * internal interfaces), a vlan-id out of 1..4094, and the VF budget of the
 * whole commit: every mapping of the new configuration must fit in its
 * PF's VFs (interfaces that hold a VF keep it; the others, in order, take
 * the rest), so a commit of several VNFs that runs out fails as a whole.
 *
 * Apply: the allocation table (sriov_alloc) follows the new configuration:
 * interfaces that lost their mapping (or whose VNF went) free their VF, its
 * MAC and VLAN cleared; new ones take the lowest free VF with a MAC derived
 * from "VNF ethN" (jdm_domain_mac); the table is saved in the store, so the
 * same VF and MAC come back after a restart or a reboot. On a real PF jdmd
 * enables the VFs it needs (sriov_numvfs, nothing else of the NIC) and sets
 * each VF's MAC, VLAN and spoof check over rtnetlink (sriov_nl). Undo puts
 * the previous table (and VF settings) back; converge sets every VF of the
 * active configuration again (after a reboot the NIC has forgotten them).
 * With the hypervisor "none" (configuration only) nothing on the host is
 * touched or read: the table is kept, the checks that need the host (PF
 * present, SR-IOV) are skipped, emulated budgets still hold.
 *
 * Emulated VFs are realised by the host-os switch (jdm_sriov_set_emu()): a
 * TAP port `<vnf>_<ethN>` with tag = the VF's vlan-id, carried toward the
 * PF's JCP port (hsxe0 <-> sxe-0/0/0, hsxe1 <-> sxe-0/0/1). Every show
 * output says `emulated` beside them.
 *
 * Shows: `show system visibility network` lists the VFs (jdm_sriov_visibility:
 * <sriov-vf> elements), `show system inventory` the PFs with total/used VFs
 * (<sriov-pf> elements); both as reply data (ops-jdm.xml), rendered by
 * jdm_sriov_*_text.
 *
 * Threads: validate and the shows run on the loop thread, apply/undo/
 * converge on the commit job's thread, jdm_sriov_nic() from the vnfs row's
 * apply; the table is under a mutex, never held across a netlink or OVSDB
 * call of someone else's.
 *
 * Ownership: jdm_sriov_new() returns a handle freed with jdm_sriov_free()
 * (NULL accepted). Options are copied.
 */
#ifndef NFX_JDM_SRIOV_H
#define NFX_JDM_SRIOV_H

#include <stdbool.h>

#include "cfg_daemon.h"
#include "cfg_reply.h"
#include "jdm_domain.h"

struct cfg_diff;
struct jdm_sriov;

struct jdm_sriov_opts {
	const char *sysfs_root; /* "/" (tests: a fake tree) */
	const char *platform;   /* the platform file; NULL: STATE/platform.conf */
	bool realise;           /* false: configuration only (hypervisor none) */
};

struct jdm_sriov *jdm_sriov_new(struct cfg_daemon *d, const struct jdm_sriov_opts *o);
void jdm_sriov_free(struct jdm_sriov *s);

extern const char *const jdm_sriov_owns[];

void jdm_sriov_validate(void *ctx, const struct cfg_tree *new_tree, const struct cfg_diff *diff,
                        struct cfg_findings *fs);
int jdm_sriov_apply(void *ctx, const struct cfg_diff *diff, struct cfg_buf *out,
                    struct cfg_findings *fs);
int jdm_sriov_undo(void *ctx, const struct cfg_diff *diff, struct cfg_buf *out,
                   struct cfg_findings *fs);
int jdm_sriov_converge(void *ctx, const struct cfg_tree *active, struct cfg_buf *out,
                       struct cfg_findings *fs);

/* The domain interface of VNF's interface IFN (a node of `interfaces`):
 * 1 when it is mapped to a VF and *NIC is filled (real PF: hostdev with the
 * VF's PCI address, MAC and VLAN; emulated: a TAP `<vnf>_<ethN>` with the
 * VF's MAC), 0 when IFN is not mapped to a VF, -1 with cfg_err set (no VF
 * allocated, the VF vanished). NIC's strings point into BUF. */
struct jdm_sriov_nicbuf {
	char name[16], pci[16], mac[18], tap[48];
};
int jdm_sriov_nic(struct jdm_sriov *s, const char *vnf, const struct cfg_node *ifn,
                  struct jdm_domain_nic *nic, struct jdm_sriov_nicbuf *buf);

/* The VF interfaces of VNF node VNF (a `virtual-network-functions` entry),
 * in ethN order, into NICS/BUFS (at most MAX): their number, or -1 with
 * cfg_err set (as jdm_sriov_nic). */
#define JDM_SRIOV_MAX_NICS 16
int jdm_sriov_nics(struct jdm_sriov *s, const struct cfg_node *vnf, struct jdm_domain_nic *nics,
                   struct jdm_sriov_nicbuf *bufs, int max);
/* Is interface IFN mapped to a VF (hsxe0 or hsxe1 virtual-function)? */
bool jdm_sriov_mapped(const struct cfg_node *ifn);

/* For the host-os switch row (its uplink trunks): the vlan-ids of the
 * emulated VFs of PF ("hsxe0"/"hsxe1") in configuration T, as the
 * platform file PLATFORM says which PFs are emulated (none when PF is a
 * real one or not declared). Into OUT (at most MAX, ascending, each once);
 * returns how many. Pure: reads T and the file only; any thread. */
size_t jdm_sriov_emu_vlans(const struct cfg_tree *t, const char *platform, const char *pf,
                           int *out, size_t max);

/* How emulated VFs are realised on the host-os switch (commit thread).
 * port_add: an access port PORT (the TAP name) with tag VLAN (0: untagged)
 * carried toward PF's JCP port; port_del: remove it. Both 0 or -1 with
 * cfg_err set; idempotent. Without them emulated VFs are allocated and
 * shown but have no port. */
struct jdm_sriov_emu_ops {
	int (*port_add)(void *ctx, const char *port, int vlan, const char *pf);
	int (*port_del)(void *ctx, const char *port);
};
void jdm_sriov_set_emu(struct jdm_sriov *s, const struct jdm_sriov_emu_ops *ops, void *ctx);

/* The shows' parts: <sriov-vf> elements below ROOT (the
 * network-visibility-information reply) and their text; <sriov-pf>
 * elements (system-inventory-information) and their text. Loop thread. */
void jdm_sriov_visibility(struct jdm_sriov *s, struct cfg_rel *root);
void jdm_sriov_visibility_text(struct cfg_buf *out, const struct cfg_reply *rep);
void jdm_sriov_inventory(struct jdm_sriov *s, struct cfg_rel *root);
/* `show virtual-network-functions NAME detail`: a <vnf-interface> below E
 * for each VF interface of VNF (bridge "hsxe0 VF 0 emulated" or
 * "hsxe0 VF 2 0000:03:10.2", role "sr-iov"). Loop thread. */
void jdm_sriov_vnf_interfaces(struct jdm_sriov *s, const char *vnf, struct cfg_rel *e);
void jdm_sriov_inventory_text(struct cfg_buf *out, const struct cfg_reply *rep);

#endif
