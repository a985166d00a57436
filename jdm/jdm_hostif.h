/* jdm_hostif — IP interfaces and static routes of the host on host-os
 * VLANs: `host-os interfaces NAME vlan V address A/P [mtu N]` and
 * `host-os routing-options static route P next-hop A`. The
 * "host-os-interfaces" row of jdmd's registry (cfg_subsys.h), order 35:
 * after the host-os switch (30) has made ovs-sys-br, before SR-IOV (40),
 * the VNFs (50) and the layer-2 extension (75), whose tunnels start from
 * these addresses.
 *
 * An interface is an OVS internal port NAME on ovs-sys-br (with the
 * userspace netdev datapath a tap in jdmd's network namespace), an access
 * port with the VLAN's tag, external_ids nfx-owner=host-os-interfaces (so
 * jdm_vswitch leaves it alone), mtu_request = mtu; its address and link
 * state are set with rtnetlink (jdm_net), IPv6 off (disable_ipv6). Routes
 * go into the main table of jdmd's namespace with protocol
 * JDM_HOSTIF_RTPROT (jdm_hostif_nl): a route
 * of that protocol the configuration does not have is removed (also one a
 * previous jdmd left). Apply makes the world match the new tree (undo: the
 * old one); converge the active one; the tick (every few seconds) puts back
 * an address or route that went (ovs-vswitchd restarted: its internal ports
 * are new taps).
 *
 * Commit check (jdm_hostif_validate_tree, pure): a name that is no Linux
 * interface name or is a port of the host-os switch, an unknown VLAN (the
 * schema's ref), an address missing (mandatory) or not a host address, the
 * same address on two interfaces, a next hop on no connected host-os
 * interface — each under [edit host-os interfaces NAME] /
 * [edit host-os routing-options static route P].
 *
 * Only where jdmd may network (nfx_netns_may_network()) and has a
 * hypervisor (as jdm_vswitch): elsewhere configuration only.
 *
 * Threads: apply/converge on the commit thread, the tick and `show host-os
 * interfaces` on the loop thread; a mutex serialises the work.
 * Ownership: jdm_hostif_new() returns a handle freed with jdm_hostif_free()
 * (NULL accepted); the interfaces stay (they belong to the appliance).
 */
#ifndef NFX_JDM_HOSTIF_H
#define NFX_JDM_HOSTIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg_commit.h"
#include "cfg_daemon.h"
#include "jdm_hostif_nl.h"

struct cfg_diff;

#define JDM_HOSTIF_MAX 32
#define JDM_HOSTIF_ROUTES_MAX 64
#define JDM_HOSTIF_MTU_DEFAULT 1500

/* ---- the configuration (pure) */

struct jdm_hostif_if {
	const char *name;            /* borrowed from the tree */
	const char *vlan;
	int tag;                     /* the VLAN's id, 0 when unknown */
	uint32_t addr;               /* network order; 0 when none */
	unsigned plen;
	int mtu;                     /* JDM_HOSTIF_MTU_DEFAULT when not set */
	const struct cfg_node *node; /* the list entry */
};

struct jdm_hostif_cfg {
	struct jdm_hostif_if ifs[JDM_HOSTIF_MAX];
	size_t nif;
	struct jdm_hostif_route routes[JDM_HOSTIF_ROUTES_MAX];
	const struct cfg_node *route_nodes[JDM_HOSTIF_ROUTES_MAX];
	size_t nroutes;
};

/* The host interfaces and routes of T (active nodes). Entries beyond the
 * maxima are dropped (validate says so). */
void jdm_hostif_build(const struct cfg_tree *t, struct jdm_hostif_cfg *c);
/* The commit check (see above). */
void jdm_hostif_validate_tree(const struct cfg_tree *t, struct cfg_findings *fs);
/* The interface of C whose address is ADDR (network order), or NULL. */
const struct jdm_hostif_if *jdm_hostif_by_addr(const struct jdm_hostif_cfg *c, uint32_t addr);
/* The interface of C whose subnet holds ADDR (and is not ADDR), or NULL. */
const struct jdm_hostif_if *jdm_hostif_connected(const struct jdm_hostif_cfg *c, uint32_t addr);

/* ---- the row */

struct jdm_hostif;

struct jdm_hostif_opts {
	const char *state_dir;  /* STATE (OVS at STATE/ovs/db.sock) */
	bool config_only;       /* hypervisor none */
};

struct jdm_hostif *jdm_hostif_new(struct cfg_daemon *d, const struct jdm_hostif_opts *o);
void jdm_hostif_free(struct jdm_hostif *h);
/* Configuration only (nothing is made)? */
bool jdm_hostif_config_only(const struct jdm_hostif *h);

extern const char *const jdm_hostif_owns[];

void jdm_hostif_validate(void *ctx, const struct cfg_tree *new_tree, const struct cfg_diff *diff,
                         struct cfg_findings *fs);
int jdm_hostif_apply(void *ctx, const struct cfg_diff *diff, struct cfg_buf *out,
                     struct cfg_findings *fs);
int jdm_hostif_converge(void *ctx, const struct cfg_tree *active, struct cfg_buf *out,
                        struct cfg_findings *fs);
void jdm_hostif_tick(void *ctx);

/* Register `show host-os interfaces` (handler show_host_interfaces). */
int jdm_hostif_register(struct cfg_daemon *d, struct jdm_hostif *h);

#endif
