/* jdm_l2ext — the layer-2 extension between sites (issue 14): host-os
 * VLANs carried as VXLAN inside IPsec. The "l2-extension" row of jdmd's
 * registry (cfg_subsys.h), order 75: after the host interfaces (35) whose
 * addresses the tunnels start from, the VNFs (50) and ipsec-nm (70).
 *
 * Owns `host-os l2-extension` and `host-os vlans` (the `vxlan` of a VLAN;
 * the VLAN ids are its tags); reads `host-os interfaces` (local addresses,
 * the WAN MTU). What the configuration asks is jdm_l2ext_cfg's; this row
 * makes it so in jdmd's network namespace:
 *   - charon "l2ext" (jdm_charon: own_netns false, so it sees the VXLAN
 *     devices and the WAN interface; fwmark 0x42 so that IKE/ESP bypass
 *     routing table 220), started while a VNI extends to a site, stopped
 *     when none does; one connection and child per used site, loaded over
 *     VICI (load-shared for the key, load-conn; encap with userspace ESP),
 *     start_action=start, dpd_action=restart, close_action=start;
 *   - the guard: an ip rule (priority 221, after charon's table-220 rule)
 *     to PEER/32 ipproto udp dport 4789 -> blackhole, so VXLAN never leaves
 *     in clear while the SA is down: added before a VXLAN device to the site
 *     exists, removed after the last is gone; with userspace ESP also
 *     (priority 222) iif WAN ipproto udp dport 4789 -> blackhole: VXLAN
 *     arriving in clear on the WAN interface is dropped (the decrypted
 *     traffic arrives on ipsec0; kernel ESP has its inbound policy);
 *   - per VNI a kernel VXLAN device vx<VNI> (local = the sites' local
 *     address, dstport 4789, source ports 4789-4790 so that the selectors
 *     match both ways, MTU = the inner MTU), head-end replication by
 *     all-zeros FDB entries to each site of the VNI, MAC learning on (the
 *     remote MACs of `show`, and unicast to the one site behind a MAC), a
 *     port of ovs-sys-br with the VLAN's tag (external_ids
 *     nfx-owner=l2-extension, jdm_hostif_ovs).
 * Apply makes the world match the new tree (undo: the old one; a failure
 * puts this row's part back to the old tree); converge the active one.
 * Removing `vxlan` from a VLAN removes its device (its FDB entries go with
 * it), and, when no VNI uses a site any more, the site's connection, key and
 * guard rule — nothing else. The tick (2 s) restarts a dead charon and loads
 * everything again (counted in charon-restarts), re-initiates a site without
 * an IKE SA (every 10 s) and puts back a VXLAN device that went.
 *
 * `show host-os l2-extension` (reply host-os-l2-extension-information).
 *
 * Only where jdmd may network and has a hypervisor (as jdm_vswitch);
 * elsewhere configuration only (the commit check still runs).
 *
 * Threads: apply/converge on the commit thread, tick and show on the loop
 * thread; a mutex serialises them (the show does not wait for it).
 * Ownership: jdm_l2ext_new() returns a handle freed with jdm_l2ext_free()
 * (NULL accepted), which stops charon; the devices and rules stay with the
 * configuration (a restarted jdmd converges them).
 */
#ifndef NFX_JDM_L2EXT_H
#define NFX_JDM_L2EXT_H

#include <stdbool.h>

#include "cfg_daemon.h"

struct cfg_diff;
struct jdm_l2ext;

struct jdm_l2ext_opts {
	const char *state_dir;  /* STATE (charon under STATE/l2ext, OVS at STATE/ovs/db.sock) */
	bool config_only;       /* hypervisor none */
};

struct jdm_l2ext *jdm_l2ext_new(struct cfg_daemon *d, const struct jdm_l2ext_opts *o);
void jdm_l2ext_free(struct jdm_l2ext *l);

extern const char *const jdm_l2ext_owns[];
extern const char *const jdm_l2ext_reads[];

void jdm_l2ext_validate(void *ctx, const struct cfg_tree *new_tree, const struct cfg_diff *diff,
                        struct cfg_findings *fs);
int jdm_l2ext_apply(void *ctx, const struct cfg_diff *diff, struct cfg_buf *out,
                    struct cfg_findings *fs);
int jdm_l2ext_converge(void *ctx, const struct cfg_tree *active, struct cfg_buf *out,
                       struct cfg_findings *fs);
void jdm_l2ext_tick(void *ctx);

/* Register `show host-os l2-extension` (handler show_host_l2ext). */
int jdm_l2ext_register(struct cfg_daemon *d, struct jdm_l2ext *l);

#endif
