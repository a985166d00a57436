/* jdm_vswitch — the host-os switch: Open vSwitch bridge ovs-sys-br made
 * real from the committed configuration; the "host-os-switch" row of
 * jdmd's registry (cfg_subsys.h), order 30: after the hugepage pool, before
 * SR-IOV (40) and the VNFs (50), so a VNF's ports and taps exist before its
 * domain starts.
 *
 * The row owns `host-os` and the VNFs' interface mappings (the path
 * `virtual-network-functions`, shared with the VNF row, which keeps
 * everything else of a VNF), and `system memory hugepages` with the
 * hugepages row (the DPDK datapath's memory comes from that pool: a change
 * of it retries a DPDK switch that could not start) (jdm_vsw_owns). What
 * the configuration asks
 * is jdm_vswcfg's; this module makes it so:
 *   - the OVS processes (jdm_ovsproc: STATE/ovs, the appliance namespace),
 *     started at converge, watched from the tick, restarted when they die,
 *     after which the bridge is converged again;
 *   - ovs-sys-br (datapath_type netdev) with its ports, written over OVSDB
 *     JSON-RPC (nfx_ovsdb) as ONE transaction per commit, then waiting
 *     until ovs-vswitchd applied it (cur_cfg reaches next_cfg). Apply works
 *     from the diff: only the ports of the VNFs the diff touches are looked
 *     at (all of them when `host-os` changed), and a port whose VLANs did
 *     not change is not written;
 *   - the taps of the VNF ports (netdev datapath): made by jdmd, persistent,
 *     owned by QEMU's user (libvirt-qemu:kvm), interface alias = the long
 *     port name <vnf>_<ethN> (IF-MIB ifAlias), up; the domain XML uses them
 *     unmanaged. An uplink whose sxe cable the platform file declares
 *     `cable patch` is an OVS patch port (options:peer = the PFE's sxe
 *     interface) instead of a system port. With the
 *     dpdk datapath the ports are dpdkvhostuserclient ports on the VNF's
 *     vhost-user socket, and ovs-vswitchd-dpdk runs with dpdk-init,
 *     dpdk-socket-mem, dpdk-lcore-mask and dpdk-extra --no-pci from the
 *     configuration.
 * OVS unreachable: the commit fails with a clear error before anything is
 * written (the taps the apply made are removed again). Undo is the inverse
 * diff. The bridge is jdmd's alone: ports it finds there that the
 * configuration does not have are removed at converge; jcpd's bridge is
 * never touched.
 *
 * Hypervisor "none" (configuration only): nothing is started or written.
 *
 * Threads: apply and converge run on the commit thread; the tick on the
 * loop thread (never during this row's apply); a mutex serialises the OVS
 * work of both.
 *
 * Ownership: jdm_vsw_new() returns a handle freed with jdm_vsw_free()
 * (NULL accepted); OVS keeps running (it belongs to the appliance).
 */
#ifndef NFX_JDM_VSWITCH_H
#define NFX_JDM_VSWITCH_H

#include <stdbool.h>

#include "cfg_daemon.h"

struct cfg_diff;
struct jdm_vsw;

struct jdm_vsw_opts {
	const char *state_dir;   /* STATE (OVS under STATE/ovs) */
	const char *platform;    /* the platform file (NULL: STATE/platform.conf) */
	bool config_only;        /* hypervisor none */
};

/* NULL with cfg_err set. Nothing is started yet (converge does). */
struct jdm_vsw *jdm_vsw_new(struct cfg_daemon *d, const struct jdm_vsw_opts *o);
void jdm_vsw_free(struct jdm_vsw *w);

extern const char *const jdm_vsw_owns[];

void jdm_vsw_validate(void *ctx, const struct cfg_tree *new_tree, const struct cfg_diff *diff,
                      struct cfg_findings *fs);
int jdm_vsw_apply(void *ctx, const struct cfg_diff *diff, struct cfg_buf *out,
                  struct cfg_findings *fs);
int jdm_vsw_converge(void *ctx, const struct cfg_tree *active, struct cfg_buf *out,
                     struct cfg_findings *fs);
void jdm_vsw_tick(void *ctx);

/* The OVS error of port NAME's interface as last seen by the monitor
 * (loop thread), or NULL. Borrowed until the next loop turn. */
const char *jdm_vsw_port_error(const struct jdm_vsw *w, const char *name);

#endif
