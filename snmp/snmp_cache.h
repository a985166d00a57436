/* snmp_cache — what the subagent knows of the appliance: the latest reply
 * (cli/cfg_reply.h, parsed from a 'Q' answer) of each query it makes of
 * jdmd and jcpd, keyed by a short name ("vnfs", "vnf:NAME", "memory",
 * "cpu", "network", "commit", "vlans", "jcp-ifs", "jcp-vlans"), and the
 * stable SNMP index of every VNF it has seen (vmIndex: by name, kept for
 * the subagent's life, as RFC 7666 asks), and the same of every IPsec VPN
 * ("ipsec": show security ipsec security-associations; nfxIpsecTunnelIndex). A walk reads only this cache
 * (snmp_snap.h), never a daemon.
 *
 * Also per VNF: when the subagent saw it start running (vmUpTime).
 * Every change bumps the generation (the snapshot rebuilds on it).
 *
 * Ownership: the cache owns the replies put in it (snmp_cache_put takes R).
 * Single-threaded (the subagent's one thread).
 */
#ifndef NFX_SNMP_CACHE_H
#define NFX_SNMP_CACHE_H

#include <stdbool.h>
#include <time.h>

#include "cfg_reply.h"

struct snmp_cache;

struct snmp_cache *snmp_cache_new(void);
void snmp_cache_free(struct snmp_cache *c);

/* Replace the reply under KEY with R (taken; NULL removes it). */
void snmp_cache_put(struct snmp_cache *c, const char *key, struct cfg_reply *r);
/* The reply under KEY, or NULL (owned by the cache). */
const struct cfg_reply *snmp_cache_get(const struct snmp_cache *c, const char *key);
/* Drop every reply whose key starts with PREFIX ("vnf:" of VNFs gone). */
void snmp_cache_drop_prefix(struct snmp_cache *c, const char *prefix, bool (*keep)(const char *name, void *arg),
                            void *arg);

/* The vmIndex of VNF NAME (1, 2, ... in the order first seen). */
int snmp_cache_index(struct snmp_cache *c, const char *name);

/* The nfxIpsecTunnelIndex of tunnel NAME ("VPN/TS"; 1, 2, ... in the
 * order first seen; its own numbering, apart from the VNFs'). */
int snmp_cache_tunnel_index(struct snmp_cache *c, const char *name);
/* The nfxL2SiteIndex of layer-2 extension site NAME (the same way). */
int snmp_cache_site_index(struct snmp_cache *c, const char *name);

/* When VNF NAME was last seen to start running (0: unknown/not running). */
time_t snmp_cache_up_since(const struct snmp_cache *c, const char *name);
void snmp_cache_set_up_since(struct snmp_cache *c, const char *name, time_t t);

/* Bumped by every put: the snapshot compares it. */
unsigned long snmp_cache_gen(const struct snmp_cache *c);
/* The last time (time(NULL)) a VNF row appeared or went (vmTableLastChange). */
time_t snmp_cache_last_change(const struct snmp_cache *c);
void snmp_cache_touch_rows(struct snmp_cache *c);

#endif
