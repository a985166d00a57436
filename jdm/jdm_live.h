/* jdm_live — VNF liveliness: ICMP echo over the internal network.
 *
 * The JDM pings every VNF's eth0 address (192.168.1.x on virbr0) and calls
 * a VNF "alive" while it answers. One non-blocking ICMP socket serves all
 * targets: a "ping socket" (SOCK_DGRAM, IPPROTO_ICMP) when the namespace's
 * net.ipv4.ping_group_range allows it, else a raw socket (needs root or
 * CAP_NET_RAW). No threads: the caller polls jdm_live_fd() for POLLIN and
 * calls jdm_live_input(), and calls jdm_live_tick() from its loop (at
 * least once a second); the socket belongs to the network namespace the
 * process ran in when jdm_live_new() was called.
 *
 * Rules: a target is probed every DOWN period (default 1 s) while it is
 * down and every ALIVE period (default 5 s) while it is alive. It is alive
 * while a probe sent within the last 3 ALIVE periods has been answered (so
 * a VNF that stops answering is reported down after at most 3 ALIVE
 * periods plus one tick). Times are seconds as passed to jdm_live_tick()
 * (initially time(NULL) at jdm_live_new()); the caller may pass time(NULL)
 * or a monotonic clock, but always the same one.
 *
 * Threads: a handle is not locked inside; one thread at a time uses it
 * (jdmd's jdm_vnf calls it under its own mutex, from the loop and from the
 * commit job's thread).
 *
 * Ownership: jdm_live_new() returns a handle freed with jdm_live_free().
 * Names and addresses passed in are copied.
 */
#ifndef NFX_JDM_LIVE_H
#define NFX_JDM_LIVE_H

#include <stddef.h>
#include <time.h>

struct jdm_live;

/* A VNF to watch: NAME (at most 63 characters) at IPv4 address IP. */
struct jdm_live_target {
	const char *name;
	const char *ip;
};

/* Open the ICMP socket. NULL on error (cfg_err set). */
struct jdm_live *jdm_live_new(void);

/* Close and free. Accepts NULL. */
void jdm_live_free(struct jdm_live *l);

/* The socket to poll for POLLIN. Owned by L. */
int jdm_live_fd(const struct jdm_live *l);

/* "ping" (SOCK_DGRAM ping socket) or "raw" (SOCK_RAW). */
const char *jdm_live_socket_kind(const struct jdm_live *l);

/* Probe periods in seconds (0 keeps the current value). */
void jdm_live_set_periods(struct jdm_live *l, unsigned down_s, unsigned alive_s);

/* Make the watched set exactly TARGETS (N). A target whose name and
 * address are unchanged keeps its state; others start down and are probed
 * at the next tick. 0, or -1 (cfg_err set; nothing changed) for a bad name
 * or address or a name given twice. */
int jdm_live_set_targets(struct jdm_live *l, const struct jdm_live_target *targets, size_t n);

/* Send one echo request to IP now, for target NAME (added to the watched
 * set when new; its address is updated, and its state reset, when IP
 * differs). Errors (bad address, unreachable) are ignored: no answer means
 * down. */
void jdm_live_probe(struct jdm_live *l, const char *name, const char *ip);

/* Read all pending replies (never blocks). */
void jdm_live_input(struct jdm_live *l);

/* Send the probes that are due at NOW to the watched targets. */
void jdm_live_tick(struct jdm_live *l, time_t now);

/* 1 alive, 0 down, -1 when NAME is not watched. */
int jdm_live_state(const struct jdm_live *l, const char *name);

/* Echo requests sent to / answers received from NAME so far (0 when not
 * watched): for tests and `show ... detail`. */
unsigned jdm_live_sent(const struct jdm_live *l, const char *name);
unsigned jdm_live_received(const struct jdm_live *l, const char *name);

/* NAME went down (its VM stopped): forget its replies, probe again soon. */
void jdm_live_reset(struct jdm_live *l, const char *name);

#endif
