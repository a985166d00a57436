/* jdm_ipsecnm — the ipsec-nm management container (issue 11; the thesis'
 * Figure 12/29): strongSwan's charon in a container of its own
 * (jdm_charon.h: network, mount and PID namespaces made by jdmd) whose
 * heth1 is the management network's default gateway and heth2 the WAN
 * side, both on the host-os switch; all management traffic to headquarters
 * goes through its IPsec tunnels. The "ipsec-nm" subsystem of jdmd (one row
 * of its registry, cfg_subsys.h, order 70).
 *
 * The row owns `security ipsec-nm` and `host-os vlans` (a VLAN id that
 * changes retags heth1/heth2's ports) (jdm_ipsecnm_owns) and reads
 * `host-os`. The container is enabled by default, as on
 * the NFX (running, no tunnel), whenever jdmd may network
 * (nfx_netns_may_network()) and is not config-only (hypervisor none);
 * `security ipsec-nm disable` removes it. It has:
 *   veth ipsec-nm_heth1 <-> heth1, ipsec-nm_heth2 <-> heth2: the outer ends
 *        in jdmd's namespace are access ports of ovs-sys-br tagged with the
 *        VLAN's id (external_ids nfx-owner=ipsec-nm: jdm_vswitch leaves
 *        them alone), the inner ends carry the configured addresses;
 *        (TX checksum offload off on both ends: ovs-sys-br's userspace
 *        datapath would forward UDP with unfinished checksums);
 *   `routing-options static route`, IPv4 forwarding on, and per remote
 *        traffic selector an `unreachable` route (metric 4242): while its
 *        SA is down nothing for headquarters leaves in clear (kernel-
 *        libipsec's table 220 comes first while it is up);
 *   charon, given the translated configuration over VICI
 *        (jdm_ipsecnm_cfg.h): load-shared (the keys, decrypted only for
 *        this; never logged; held in jdmd's memory while loaded, to give a
 *        restarted charon, and wiped when replaced), load-conn,
 *        unload-conn/unload-shared for
 *        removed ones. A load-conn charon refuses fails the commit with
 *        charon's reason under the gateway's [edit ...] path, and the
 *        previous configuration is loaded again.
 * A supervisor thread of this row keeps it so: a dead charon is started
 * again (counted) and given its configuration; every 2 s it lists the SAs,
 * notes tunnels going up or down and why (the control-log of its
 * initiates: e.g. AUTHENTICATION_FAILED for a wrong key), initiates again
 * the connections that have no IKE SA (every 5 s) or whose IKE SA is stuck
 * CONNECTING for 20 s (userspace ESP drops the packets of on-demand
 * tunnels: tunnels are always initiated), and retries a realisation that
 * failed (every 5 s; e.g. the host-os switch not up yet at start). It reads
 * charon's "log" events for Junos' dead-peer-detection threshold: an
 * established IKE SA whose DPD requests go `threshold` times unanswered is
 * ended and initiated again (charon's own retransmit schedule is global and
 * slower). The tick (loop thread)
 * publishes the `ipsec-event`s (cfg_notify.h) it queued and logs them.
 *
 * Commands: show security ike security-associations [detail], show security
 * ipsec security-associations [detail], show security ipsec statistics
 * (jdm_ipsecnm_show.h), request security ipsec-nm restart; a row of
 * `show virtual-network-functions` (jdm_vnf_set_extra_rows).
 *
 * Threads: apply/converge on the commit job's thread and the supervisor
 * take the work mutex (charon, its namespace, VICI loads); the state mutex
 * guards the snapshot that the loop thread's commands, tick and the VNF
 * list read (held only to copy).
 * Ownership: jdm_ipsecnm_new() returns a handle freed with
 * jdm_ipsecnm_free(), which stops the supervisor and charon (the container
 * goes with jdmd).
 */
#ifndef NFX_JDM_IPSECNM_H
#define NFX_JDM_IPSECNM_H

#include <stdbool.h>

#include "cfg_buf.h"
#include "cfg_commit.h"
#include "cfg_reply.h"
#include "cfg_tree.h"

struct cfg_daemon;
struct cfg_diff;
struct jdm_ipsecnm;

/* CONFIG_ONLY: jdmd keeps the configuration only (no container). */
struct jdm_ipsecnm *jdm_ipsecnm_new(struct cfg_daemon *d, bool config_only);
void jdm_ipsecnm_free(struct jdm_ipsecnm *m);

extern const char *const jdm_ipsecnm_owns[];
extern const char *const jdm_ipsecnm_reads[];

void jdm_ipsecnm_validate(void *ctx, const struct cfg_tree *new_tree, const struct cfg_diff *diff,
                          struct cfg_findings *fs);
int jdm_ipsecnm_apply(void *ctx, const struct cfg_diff *diff, struct cfg_buf *out,
                      struct cfg_findings *fs);
int jdm_ipsecnm_converge(void *ctx, const struct cfg_tree *active, struct cfg_buf *out,
                         struct cfg_findings *fs);
void jdm_ipsecnm_tick(void *ctx);

/* The <vnf-information> of the container into ROOT when it exists (NAME
 * NULL or "ipsec-nm"); the number of rows added (jdm_vnf's extra rows). */
int jdm_ipsecnm_vnf_rows(void *ctx, struct cfg_rel *root, const char *name);

#endif
