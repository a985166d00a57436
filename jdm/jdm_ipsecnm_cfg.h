/* jdm_ipsecnm_cfg — the pure part of the ipsec-nm container: the committed
 * `security ipsec-nm` tree checked and translated into what the container
 * needs (its interfaces and routes) and what charon gets over VICI
 * (load-conn and load-shared messages as jansson objects, lib/nfx_vici.h).
 * No I/O but opening the stored pre-shared keys (jdm_ipsecnm_psk).
 *
 * Translation (Junos -> strongSwan):
 *   ike gateway G used by a vpn   one connection "G": version, local_addrs
 *                                 (the external-interface's address),
 *                                 remote_addrs, proposals, local/remote
 *                                 auth psk with ids (local-identity or the
 *                                 local address; remote-identity or the
 *                                 gateway address), dpd_delay (interval;
 *                                 IKEv1 also dpd_timeout = interval x
 *                                 threshold), rekey_time/over_time from the
 *                                 first proposal's lifetime, keyingtries 0,
 *                                 encap=yes with userspace ESP
 *   vpn V traffic-selector T      child "V/T" of V's gateway: local_ts,
 *                                 remote_ts, esp_proposals, life_time/
 *                                 rekey_time, start_action start (trap for
 *                                 on-traffic with kernel ESP only),
 *                                 dpd_action restart, close_action restart
 *   ike policy P pre-shared-key   load-shared id "psk-G", type IKE, owners
 *                                 the connection's two ids
 *   proposals                     aes-256-cbc + sha-256 + group14 ->
 *                                 aes256-sha256-modp2048; GCM:
 *                                 aes256gcm16-prfsha256-modp2048; ESP
 *                                 aes256-sha256[-modp2048 with PFS]
 * Findings carry the [edit security ipsec-nm ...] path of what is wrong.
 *
 * Ownership: a plan owns its JSON values and strings; jdm_ipsecnm_plan_free()
 * wipes the keys it holds (the "data" of every load-shared message).
 */
#ifndef NFX_JDM_IPSECNM_CFG_H
#define NFX_JDM_IPSECNM_CFG_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "cfg_commit.h"
#include "cfg_tree.h"

#define JDM_IPSECNM_PATH "security ipsec-nm"

struct jdm_ipsecnm_if {
	bool on;         /* configured (with a VLAN and an address) */
	char vlan[64];   /* host-os VLAN name */
	int vlan_id;     /* its 802.1q id */
	char addr[32];   /* A.B.C.D/N */
};

struct jdm_ipsecnm_route {
	char dst[32], via[16];
};

/* One CHILD SA that the configuration asks for. */
struct jdm_ipsecnm_tunnel {
	char *vpn, *ts, *gateway, *child, *remote;
	char *remote_ts; /* remote-ip: guarded (unreachable) while the SA is down */
	char *note; /* e.g. on-traffic initiated anyway; may be NULL */
};

struct jdm_ipsecnm_plan {
	bool disabled;                   /* `security ipsec-nm disable` */
	struct jdm_ipsecnm_if ifs[2];    /* heth1, heth2 */
	struct jdm_ipsecnm_route *routes; /* static routes, then the guards (via "") */
	size_t n_routes;
	json_t *conns;                   /* name -> the load-conn message {name: {...}} */
	json_t *shared;                  /* id -> the load-shared message (holds a key) */
	json_t *dpd;                     /* gateway -> its dead-peer-detection threshold */
	struct jdm_ipsecnm_tunnel *tun;
	size_t n_tun;
};

/* Check and translate the active `security ipsec-nm` of T into *P (zeroed
 * first). LIBIPSEC: userspace ESP (encap, no trap tunnels). With OPEN_KEYS
 * the pre-shared keys are decrypted into the load-shared messages, else
 * they are only checked to open ("data" holds a placeholder). Errors go to
 * FS (with paths); returns 0, or -1 when FS got an error (*P still freed
 * with jdm_ipsecnm_plan_free). */
int jdm_ipsecnm_plan(const struct cfg_tree *t, bool libipsec, bool open_keys,
                     struct jdm_ipsecnm_plan *p, struct cfg_findings *fs);
void jdm_ipsecnm_plan_free(struct jdm_ipsecnm_plan *p);

/* The strongSwan proposal of a Junos IKE proposal (ENC, AUTH, DH: schema
 * values, NULL for the defaults aes-256-cbc, sha-256, group14) into BUF. */
void jdm_ipsecnm_ike_proposal(const char *enc, const char *auth, const char *dh, char *buf,
                              size_t n);
/* ESP: ENC, AUTH (hmac-...), PFS group or NULL. */
void jdm_ipsecnm_esp_proposal(const char *enc, const char *auth, const char *pfs, char *buf,
                              size_t n);

/* MSG as compact JSON for a log line, every "data" value (a key) replaced
 * by "<secret>". Caller frees. */
char *jdm_ipsecnm_log_form(const json_t *msg);

/* The tunnel of child CHILD ("V/T") in P, or NULL. */
const struct jdm_ipsecnm_tunnel *jdm_ipsecnm_plan_tunnel(const struct jdm_ipsecnm_plan *p,
                                                         const char *child);

#endif
