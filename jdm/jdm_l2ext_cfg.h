/* jdm_l2ext_cfg — what `host-os l2-extension` and `host-os vlans V vxlan`
 * ask for, as plain data (pure: no system calls; unit-tested): the sites,
 * the extended VLANs (VNIs), the commit check with paths, the MTU
 * arithmetic, and the VICI messages of a site for the layer-2 extension's
 * charon (jdm_l2ext).
 *
 * MTU. The overhead of a frame carried across is
 *   VXLAN 50 = outer IPv4 20 + UDP 8 + VXLAN 8 + the inner Ethernet header 14
 *   ESP in UDP (tunnel mode, NAT-T encapsulation as kernel-libipsec uses it)
 *     = outer IPv4 20 + UDP 8 + ESP header 8 + IV (CBC 16, GCM 8)
 *       + trailer 2 + padding (CBC up to 15, GCM up to 3) + ICV (GCM 16,
 *       hmac-sha-256-128 16, hmac-sha1-96 12)
 *   = 50 + 85 = 135 bytes with the defaults (aes-256-cbc, hmac-sha-256-128).
 * The inner MTU (VXLAN device, VLAN ports) defaults to 1400; with userspace
 * ESP (kernel-libipsec) to 1350 and at most 1350: libipsec reads at most
 * 1400 bytes per packet from its TUN device ipsec0 (its MTU), so the VXLAN
 * packet (inner + 50) must fit 1400 — bigger ones are truncated and lost.
 * Errors: an inner MTU above the WAN interface MTU - 50 (the VXLAN packet
 * does not fit the WAN at all) or, with userspace ESP, above 1350. A
 * warning when the ESP packets exceed the WAN interface MTU (they are
 * fragmented on the WAN).
 *
 * Ownership: jdm_l2ext_build() fills a struct whose strings and nodes
 * borrow the tree (which must outlive it); nothing to free. JSON messages
 * returned are new references (json_decref).
 */
#ifndef NFX_JDM_L2EXT_CFG_H
#define NFX_JDM_L2EXT_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "cfg_commit.h"
#include "jdm_charon.h"

#define JDM_L2EXT_SITES_MAX 32
#define JDM_L2EXT_VNIS_MAX 64
#define JDM_L2EXT_MTU_DEFAULT 1400
#define JDM_L2EXT_TUN_MTU 1400          /* kernel-libipsec's ipsec0 */
#define JDM_L2EXT_VXLAN_OVERHEAD 50
#define JDM_L2EXT_PORT 4789             /* VXLAN (destination, and the source port range start) */
#define JDM_L2EXT_GUARD_PRIO 221        /* the guard rule, after charon's table-220 rule */
#define JDM_L2EXT_GUARD_IN_PRIO 222     /* userspace ESP: clear VXLAN arriving on a WAN interface */
#define JDM_L2EXT_FWMARK 0x42
#define JDM_L2EXT_DPD_DEFAULT 10

struct jdm_l2ext_site {
	const char *name;
	const char *address, *local;     /* dotted quads (borrowed) */
	uint32_t addr_n, local_n;        /* network order; 0 when missing or bad */
	const char *psk;                 /* the secret, or NULL */
	const char *ike_enc, *ike_auth, *ike_dh, *esp_enc, *esp_auth, *esp_pfs; /* schema enums or NULL */
	unsigned ike_life, esp_life, dpd; /* seconds (defaults filled in) */
	bool used;                       /* some VNI extends to it */
	const struct cfg_node *node;
};

struct jdm_l2ext_vni {
	const char *vlan;
	int tag;
	uint32_t vni;
	size_t sites[JDM_L2EXT_SITES_MAX]; /* indexes into cfg.sites */
	size_t nsites;
	const struct cfg_node *node;       /* the vxlan container */
	const struct cfg_node *vlan_node;
};

struct jdm_l2ext_cfg {
	int mtu_conf;                      /* `l2-extension mtu`, 0 when not set */
	struct jdm_l2ext_site sites[JDM_L2EXT_SITES_MAX];
	size_t nsites;
	struct jdm_l2ext_vni vnis[JDM_L2EXT_VNIS_MAX];
	size_t nvnis;
	const struct cfg_node *l2;         /* host-os l2-extension, or NULL */
};

/* The sites and VNIs of T (active nodes). */
void jdm_l2ext_build(const struct cfg_tree *t, struct jdm_l2ext_cfg *c);
/* The site named NAME, or NULL. */
const struct jdm_l2ext_site *jdm_l2ext_site(const struct jdm_l2ext_cfg *c, const char *name);
/* Does any VNI extend to a site? */
bool jdm_l2ext_active(const struct jdm_l2ext_cfg *c);

/* ESP-in-UDP overhead of site S's child SA at most (bytes, see above). */
int jdm_l2ext_esp_overhead(const struct jdm_l2ext_site *s);
/* The inner MTU in effect with ESP mode ESP (UNKNOWN: as kernel). */
int jdm_l2ext_mtu(const struct jdm_l2ext_cfg *c, enum jdm_charon_esp esp);
/* The largest inner MTU ESP mode ESP allows on a WAN interface of MTU WAN. */
int jdm_l2ext_mtu_max(int wan_mtu, enum jdm_charon_esp esp);

/* The commit check of T (the host interfaces read from T too); ESP: the
 * mode the running charon has (UNKNOWN before its first start: the
 * userspace limit is then checked at apply). */
void jdm_l2ext_validate_tree(const struct cfg_tree *t, enum jdm_charon_esp esp,
                             struct cfg_findings *fs);

/* strongSwan proposal strings of S ("aes256-sha256-modp2048",
 * "aes256-sha256"). */
void jdm_l2ext_proposals(const struct jdm_l2ext_site *s, char *ike, size_t nike, char *esp,
                         size_t nesp);
/* The load-conn message of site S ({NAME: {...}}): IKEv2, PSK, identities
 * = the addresses, ENCAP (UDP encapsulation, userspace ESP), one child NAME
 * with the UDP 4789 selectors, tunnel mode, start/restart actions. */
json_t *jdm_l2ext_conn_msg(const struct jdm_l2ext_site *s, bool encap);
/* The load-shared message of S's pre-shared key (id "l2ext-NAME", owners
 * = the peer's identity), the key opened from its stored form (sealed with
 * the box key, jdm_ipsecnm_psk.h, as ipsec-nm's). NULL when S has no key or
 * it cannot be opened (validate says why). */
json_t *jdm_l2ext_shared_msg(const struct jdm_l2ext_site *s);

#endif
