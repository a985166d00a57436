/* jdm_vswcfg — what a JDM configuration asks of the host-os switch
 * (ovs-sys-br): its datapath and the ports it must have. Pure: reads a
 * configuration tree, touches nothing. jdm_vswitch makes it real, jdm_vnf
 * takes the guest NICs from it, the show commands print it.
 *
 * Ports:
 *   a VNF's `interfaces ethN mapping vlan ...` (N >= 2) is port
 *   "<vnf>_ethN": `mode access members V` (the default mode) -> tag V;
 *   `mode trunk members [ V ... ]` -> trunks; with `native-vlan-id N` also
 *   tag N and vlan_mode native-untagged. Without a mode, one member is an
 *   access port and several a trunk. The port is a TAP of that name
 *   (netdev datapath) or a dpdkvhostuserclient port (dpdk datapath).
 *   The uplinks hsxe0 and hsxe1 (the host side of sxe-0/0/0, sxe-0/0/1;
 *   interface names from the platform file) are trunks carrying every
 *   host-os VLAN and the vlan-id of every virtual function mapped to it
 *   (`mapping hsxeK virtual-function vlan-id N`: sriov's ports on this
 *   bridge) (none at all: an OVS trunk without a list, i.e. all).
 * A port name longer than a Linux interface name (15 bytes) gets a stable
 * short form (the first 10 characters, '-', 4 hex digits of a hash of the
 * long name), which the show commands print beside the long one and which
 * is the tap's name; its ifAlias is the long name.
 * Commit check (jdm_vswcfg_validate): two ports may not end up with the
 * same name; eth0/eth1 cannot be mapped; an access port
 * has one VLAN, a trunk at least one; native-vlan-id only on a trunk, and
 * a VLAN of the host-os switch; a VNF with data interfaces on the DPDK
 * datapath needs hugepages (vhost-user shares the guest memory). Findings
 * carry the VNF interface's [edit ...] path.
 *
 * Ownership: jdm_vswcfg_build() fills a struct the caller releases with
 * jdm_vswcfg_free() (NULL accepted); its strings and node pointers borrow
 * the tree, which must outlive it.
 */
#ifndef NFX_JDM_VSWCFG_H
#define NFX_JDM_VSWCFG_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg_commit.h"
#include "cfg_tree.h"

#define JDM_VSWCFG_BRIDGE "ovs-sys-br"
#define JDM_VSWCFG_PORT_MAX 15 /* IFNAMSIZ - 1 */

struct jdm_vswcfg_port {
	char name[JDM_VSWCFG_PORT_MAX + 1]; /* "vrtr1_eth3", "hsxe0": the OVS port, its
	                                       interface and the tap (a Linux name) */
	char long_name[72];          /* "<vnf>_<ethN>" even when longer than 15 (then NAME is
	                                its stable short form, jdm_domain_ifname:
	                                "localserve-4d0d"); the uplink's NAME otherwise */
	bool shortened;              /* NAME != LONG_NAME */
	char patch_peer[JDM_VSWCFG_PORT_MAX + 1]; /* uplink cabled as an OVS patch port to
	                                             this interface of the PFE (platform file,
	                                             filled in by jdm_vswitch), "" for a
	                                             system port */
	const char *vnf;             /* owning VNF, NULL for an uplink */
	const char *ifname;          /* "eth3" (VNF) or "hsxe0" (uplink: its box name) */
	unsigned eth;                /* N of ethN (VNF ports) */
	const struct cfg_node *node; /* the VNF interface entry (NULL for uplinks) */
	bool uplink;
	int tag;                     /* access VLAN / native VLAN, 0: none */
	int *trunks;                 /* VLAN ids, ascending; NULL/0 with a trunk: all */
	size_t ntrunks;
	const char *vlan_mode;       /* "access", "trunk" or "native-untagged" */
	char mac[18];                /* guest MAC (VNF ports) */
	bool link_down;              /* `link disable` */
	unsigned mtu;                /* 0: default */
};

struct jdm_vswcfg {
	bool dpdk;                   /* `host-os datapath dpdk` */
	unsigned socket_mem;         /* MB per socket (dpdk) */
	const char *lcore_mask;      /* or NULL */
	bool no_pci;
	struct jdm_vswcfg_port *ports; /* VNF ports (configuration order), then the uplinks */
	size_t n;
};

/* The default uplinks (box name and Linux interface). */
extern const char *const jdm_vswcfg_uplinks[2];

/* The port name of VNF's interface IFNAME into OUT ("<vnf>_<ifname>", or its
 * stable short form when longer than 15 bytes). 1 when shortened, else 0. */
int jdm_vswcfg_port_name(const char *vnf, const char *ifname, char out[JDM_VSWCFG_PORT_MAX + 1]);

/* Is the datapath of T the DPDK one? */
bool jdm_vswcfg_is_dpdk(const struct cfg_tree *t);

/* What T asks for. UPLINK_IFS: the Linux interfaces of hsxe0 and hsxe1
 * (NULL: "hsxe0", "hsxe1"; an entry NULL: that uplink is absent). VNFs or
 * interfaces that do not pass jdm_vswcfg_validate are left out. 0 or -1
 * (out of memory). */
int jdm_vswcfg_build(const struct cfg_tree *t, const char *const *uplink_ifs,
                     struct jdm_vswcfg *out);
void jdm_vswcfg_free(struct jdm_vswcfg *c);
/* The ports of VNF node VNF only (no uplinks), in ethN order, into OUT (at
 * most MAX). Returns how many (0 when none). */
size_t jdm_vswcfg_vnf_ports(const struct cfg_tree *t, const struct cfg_node *vnf,
                            struct jdm_vswcfg_port *out, size_t max);
/* Release the trunk lists of N ports from jdm_vswcfg_vnf_ports(). */
void jdm_vswcfg_ports_release(struct jdm_vswcfg_port *p, size_t n);
/* The port named NAME, or NULL. */
const struct jdm_vswcfg_port *jdm_vswcfg_find(const struct jdm_vswcfg *c, const char *name);
/* Two ports configure OVS alike (tag, trunks, mode)? */
bool jdm_vswcfg_port_same_vlans(const struct jdm_vswcfg_port *a, const struct jdm_vswcfg_port *b);
/* Does port P carry VLAN ID (access/native tag, or in its trunks; an
 * uplink trunk with no list carries all)? */
bool jdm_vswcfg_port_carries(const struct jdm_vswcfg_port *p, int id);
/* "100" / "100 200" / "all" description of P's VLANs into BUF (N bytes). */
void jdm_vswcfg_port_vlans(const struct jdm_vswcfg_port *p, char *buf, size_t n);

/* The vhost-user socket of port PORT of VNF VNF under STATE_DIR into BUF. 0 or -1. */
int jdm_vswcfg_vhost_path(const char *state_dir, const char *vnf, const char *port, char *buf,
                          size_t n);

/* Commit check of the host-os switch over the whole of NEW_TREE. */
void jdm_vswcfg_validate(const struct cfg_tree *new_tree, struct cfg_findings *fs);

#endif
