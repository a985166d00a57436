/* jdm_hostif_nl — rtnetlink (libmnl) for the L3 side of the host-os switch:
 * static routes of the host, policy rules, kernel VXLAN devices and their
 * bridge FDB, link state. Used by jdm_hostif (host-os interfaces,
 * routing-options) and jdm_l2ext (host-os l2-extension). Everything acts on
 * the network namespace of the calling thread (jdmd's). No helper programs.
 *
 * Routes nfx installs carry the route protocol JDM_HOSTIF_RTPROT, so that a
 * restarted jdmd finds (and removes) the routes a previous one left; rules
 * carry the same protocol (FRA_PROTOCOL).
 *
 * Errors: 0, or -1 with cfg_err set; "does not exist" is 1 where said.
 * Threads: any; each call opens its own netlink socket.
 */
#ifndef NFX_JDM_HOSTIF_NL_H
#define NFX_JDM_HOSTIF_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JDM_HOSTIF_RTPROT 77 /* rtm_protocol / FRA_PROTOCOL of nfx's routes and rules */

/* "A.B.C.D/N" into network-order ADDR and PLEN. 0 or -1 (no cfg_err). */
int jdm_hostif_nl_prefix(const char *s, uint32_t *addr, unsigned *plen);
/* "A.B.C.D" into ADDR. 0 or -1. */
int jdm_hostif_nl_addr(const char *s, uint32_t *addr);

/* ---- routes (main table, IPv4) */

struct jdm_hostif_route {
	uint32_t dst;    /* network order, host bits cleared */
	unsigned plen;
	uint32_t gw;     /* network order */
};

/* Make the routes of protocol JDM_HOSTIF_RTPROT in the main table exactly
 * R[0..N): the others of that protocol are deleted, missing ones added
 * (replace). Routes the kernel refuses (a next hop not reachable yet) are
 * counted into *FAILED (may be NULL) and the first reason kept in cfg_err;
 * the others still go in. 0 when all are in, -1 otherwise. */
int jdm_hostif_nl_routes_sync(const struct jdm_hostif_route *r, size_t n, size_t *failed);
/* Is R in the main table (any protocol)? */
bool jdm_hostif_nl_route_present(const struct jdm_hostif_route *r);

/* ---- links */

/* Link NAME: *UP (IFF_UP and IFF_LOWER_UP... the operational state is
 * up or unknown), *MTU (may be NULL). 0, 1 when it does not exist, -1. */
int jdm_hostif_nl_link_state(const char *name, bool *up, int *mtu);
/* Set link NAME's MTU. 0, 1 when it does not exist, -1. */
int jdm_hostif_nl_link_mtu(const char *name, int mtu);

/* ---- VXLAN */

struct jdm_hostif_vxlan {
	const char *name;    /* "vx10100" */
	uint32_t vni;
	uint32_t local;      /* network order */
	uint16_t port;       /* destination port (4789) */
	uint16_t port_lo, port_hi; /* source port range (4789, 4790) */
	int mtu;
	bool learning;       /* learn remote MACs (MAC -> remote VTEP) from received frames */
};

/* Create the VXLAN device (no remote: head-end replication through FDB
 * entries; learning as asked), set its MTU and bring it up. An existing device of
 * that name with the same VNI and local address is only set up (MTU, up);
 * one that differs is deleted and made again. 0 or -1. */
int jdm_hostif_nl_vxlan_ensure(const struct jdm_hostif_vxlan *v);

/* The all-zeros FDB entries (head-end replication) of device NAME: make
 * their destinations exactly DST[0..N) (network order): RTM_NEWNEIGH
 * AF_BRIDGE NTF_SELF NLM_F_APPEND for each missing one, RTM_DELNEIGH for
 * the others. 0, 1 when the device does not exist, -1. */
int jdm_hostif_nl_fdb_sync(const char *name, const uint32_t *dst, size_t n);

struct jdm_hostif_fdb {
	unsigned char mac[6];
	uint32_t dst;        /* the remote VTEP (0: none) */
	bool permanent;      /* a static entry */
};
/* The FDB of device NAME (AF_BRIDGE neighbours of its ifindex) into
 * OUT[0..MAX); the count, or -1. */
int jdm_hostif_nl_fdb_dump(const char *name, struct jdm_hostif_fdb *out, size_t max);

/* ---- policy rules (IPv4) */

struct jdm_hostif_rule {
	uint32_t priority;
	uint32_t dst;       /* network order, /32; 0: any destination */
	char iif[16];       /* input interface ("": any) */
	uint8_t ipproto;    /* IPPROTO_UDP */
	uint16_t dport;     /* host order */
};
/* Add a blackhole rule (FR_ACT_BLACKHOLE) matching R (protocol
 * JDM_HOSTIF_RTPROT); an identical rule is not added twice. 0 or -1. */
int jdm_hostif_nl_rule_blackhole_add(const struct jdm_hostif_rule *r);
/* Delete it. 0, 1 when there was none, -1. */
int jdm_hostif_nl_rule_blackhole_del(const struct jdm_hostif_rule *r);
/* Every blackhole rule of protocol JDM_HOSTIF_RTPROT with priority PRIO
 * (destination, input interface, ipproto, dport), into OUT[0..MAX); the
 * count, or -1. */
int jdm_hostif_nl_rule_list(uint32_t prio, struct jdm_hostif_rule *out, size_t max);

#endif
