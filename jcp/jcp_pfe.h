/* jcp_pfe — the PFE switch of the JCP: an Open vSwitch bridge of jcpd's own
 * (JCP_PFE_BRIDGE, datapath_type netdev) in the appliance's ovsdb-server
 * (STATE/ovs/db.sock, run by jdmd), as a subsystem row of jcpd.
 *
 * Owns `interfaces` and `vlans`. A port is on the bridge when its unit 0
 * has `family ethernet-switching` with at least one VLAN member that
 * resolves to a VLAN id (jcp_ops_vlan_id): access -> Port tag N,
 * vlan_mode access; trunk -> trunks [N...], vlan_mode trunk. A port
 * without that is not on the bridge (it switches nothing: a LAN host on it
 * reaches no one). The Linux interface behind each port is platform data
 * (nfx_platform, the `--platform` file); hsxe ports are jdmd's. An sxe
 * line with `cable patch` (`sxe-0/0/1 sxe1 peer hsxe1 cable patch`) makes
 * the port an OVS patch port whose peer is the host-os switch's port
 * (jdmd makes the other half): no veth, no trip through the kernel.
 *
 * apply (commit worker thread): the ports whose settings the diff changes
 * (entries under `interfaces`; every port when `vlans` changed, since a
 * VLAN id may have moved), compared old vs new so that a VLAN change on
 * one port touches that one Port row; one OVSDB transaction with the
 * whole change (nfx_ovsdb_commit: next_cfg += 1, then wait for cur_cfg),
 * computed against the rows a read just before found.
 * When the ovsdb socket does not exist yet the commit is kept as desired
 * state and realised when the server comes (what a switch chip that is
 * still booting does); a server that is there but refuses fails the
 * commit (undone by the registry).
 * converge: records the active configuration; a thread of this module
 * then brings the bridge to it whenever it is "dirty": at start, after
 * every (re)connect to ovsdb-server (its restart may have lost the
 * bridge) and whenever the monitor shows the bridge or a port differing
 * from the desired state (someone deleted it, ovs-vswitchd was restarted
 * with a fresh database). Idempotent, uuids of unchanged rows kept.
 * The monitor (async nfx_ovsdb on the daemon's loop) keeps a replica of
 * Bridge/Port/Interface: the counters (Interface statistics), errors and
 * OpenFlow port numbers `show` needs. Learned MACs come from ovs-vswitchd's
 * `fdb/show` (ovs-appctl, argv, the private rundir): the MAC table is not
 * in OVSDB.
 *
 * Threads: apply and the converge thread serialise on one lock while they
 * talk to OVSDB; the desired state is under a second, short lock that the
 * loop thread also takes; the replica is the loop thread's only.
 *
 * Ownership: jcp_pfe_new() returns a switch the caller frees with
 * jcp_pfe_free() (NULL accepted) after the daemon stopped; the platform
 * table and the loop are borrowed and must outlive it.
 */
#ifndef NFX_JCP_PFE_H
#define NFX_JCP_PFE_H

#include <stdbool.h>
#include <stdint.h>

#include "cfg_subsys.h"
#include "nfx_platform.h"

#define JCP_PFE_BRIDGE "pfe-br"

struct jcp_pfe;

struct jcp_pfe_opts {
	const char *ovs_dir;                 /* STATE/ovs: db.sock, ovs-vswitchd.{pid,ctl} */
	const struct nfx_platform *platform; /* borrowed */
	unsigned wait_ms;                    /* per OVSDB call and cur_cfg wait; 0 = 15000 */
};

/* A switch whose monitor runs on LOOP (borrowed: the daemon's,
 * cfg_daemon_loop()). NULL with cfg_err set. */
struct nfx_loop;
struct jcp_pfe *jcp_pfe_new(struct nfx_loop *loop, const struct jcp_pfe_opts *o);
void jcp_pfe_free(struct jcp_pfe *p);
/* The subsystem row (ctx = P), to add with cfg_daemon_add_subsys(). */
struct cfg_subsys jcp_pfe_row(struct jcp_pfe *p);

/* What a port is to be on the bridge (computed from a configuration). */
struct jcp_pfe_want {
	bool on;             /* on the bridge */
	bool trunk;          /* vlan_mode trunk (else access) */
	int tag;             /* access: the VLAN id */
	uint64_t vids[64];   /* trunk: the VLAN ids, as a bitmap of 4096 */
};
/* The settings of PORT ("ge-0/0/2") in the configuration ROOT. */
void jcp_pfe_want_of(const struct cfg_node *root, const char *port, struct jcp_pfe_want *w);

/* ---- state for `show` (loop thread) ---- */

/* The Linux interface behind PORT, or NULL (no platform line). */
const char *jcp_pfe_ifname(const struct jcp_pfe *p, const char *port);
/* Is PORT on the bridge in the replica (ovsdb-server's view)? */
bool jcp_pfe_on_bridge(const struct jcp_pfe *p, const char *port);
/* The Interface statistics of PORT from the replica: true and the
 * counters when OVS reports them. */
struct jcp_pfe_stats {
	uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
};
bool jcp_pfe_stats(const struct jcp_pfe *p, const char *port, struct jcp_pfe_stats *st);
/* PORT's link as OVS reports it (Interface link_state, admin_state): 1 up,
 * 0 down, -1 unknown (not on the bridge). For ports without a Linux
 * interface (a `cable patch` sxe port). */
int jcp_pfe_link(const struct jcp_pfe *p, const char *port, bool *admin_up);
/* The Interface error column of PORT, or NULL. */
const char *jcp_pfe_error(const struct jcp_pfe *p, const char *port);

/* One learned MAC of the bridge. */
struct jcp_pfe_mac {
	char port[32]; /* "ge-0/0/2" */
	int vlan;
	char mac[18];
	int age;
};
/* The bridge's MAC table (ovs-vswitchd fdb/show): up to MAX entries into
 * MACS; the number found, or -1 with cfg_err set (OVS not running). */
int jcp_pfe_macs(const struct jcp_pfe *p, struct jcp_pfe_mac *macs, int max);

#endif
