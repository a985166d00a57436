/* jdm_intnet — the JDM internal network and the management bridge.
 *
 * Every VNF gets two default interfaces (CLI.md): eth0 on the internal
 * network "virbr0" (192.168.1.0/24, the host is 192.168.1.254; used for
 * liveliness and `ssh <vnf>`), and eth1 on the management bridge "eth0br".
 * This module
 *   - creates both Linux bridges over rtnetlink (jdm_net) and deletes them
 *     on request; it works in the network namespace the process runs in;
 *   - runs dnsmasq (/usr/sbin/dnsmasq, Debian dnsmasq-base) as a child
 *     process that hands each VNF's eth0 its fixed address by MAC (DHCP,
 *     static mode: only hosts listed by jdm_intnet_set_hosts() get one) and
 *     knows the VNF names (hosts file; DNS is off unless a port is set);
 *   - picks free addresses from 192.168.1.100..199;
 *   - renders `show system visibility network`.
 *
 * dnsmasq's files live in STATE_DIR/intnet/: dhcp-hosts ("MAC,IP,NAME"),
 * hosts ("IP NAME"), leases, dnsmasq.pid, dnsmasq.log.
 *
 * Threads: a handle is not locked inside; one thread at a time uses it
 * (jdmd's jdm_vnf calls it under its own mutex, from the loop and from the
 * commit job's thread).
 *
 * Ownership: jdm_intnet_new() returns a handle freed with jdm_intnet_free(),
 * which stops dnsmasq (by its PID) but leaves the bridges in place (VNFs
 * stay connected across a daemon restart); jdm_intnet_down() removes them.
 * No function keeps a pointer to its arguments: strings are copied.
 */
#ifndef NFX_JDM_INTNET_H
#define NFX_JDM_INTNET_H

#include <stddef.h>
#include <sys/types.h>

#include "cfg_buf.h"

#define JDM_INTNET_BRIDGE "virbr0"          /* internal network (VNF eth0) */
#define JDM_INTNET_MGMT_BRIDGE "eth0br"     /* management bridge (VNF eth1) */
#define JDM_INTNET_HOST_IP "192.168.1.254"  /* the host's address on virbr0 */
#define JDM_INTNET_PREFIX 24
#define JDM_INTNET_FIRST_IP "192.168.1.100" /* VNF addresses: .100 .. .199 */
#define JDM_INTNET_LAST_IP "192.168.1.199"
#define JDM_INTNET_DNSMASQ "/usr/sbin/dnsmasq"

struct jdm_intnet;

/* One VNF on the internal network: NAME (letters, digits, '-', '_', '.';
 * at most 63 characters), MAC of its eth0 ("xx:xx:xx:xx:xx:xx", either
 * case) and IP ("192.168.1.N"). Borrowed by the functions below. */
struct jdm_intnet_host {
	const char *name;
	const char *mac;
	const char *ip;
};

/* A handle for STATE_DIR (copied; STATE_DIR/intnet is created when
 * missing). Nothing is started. NULL on error (cfg_err set). */
struct jdm_intnet *jdm_intnet_new(const char *state_dir);

/* Stop dnsmasq (SIGTERM, then SIGKILL after 2 s) and free. The bridges
 * stay. Accepts NULL. */
void jdm_intnet_free(struct jdm_intnet *in);

/* Serve DNS on PORT of 192.168.1.254 (0: no DNS, the default). Takes
 * effect at the next start of dnsmasq (jdm_intnet_up() or a restart). */
void jdm_intnet_set_dns_port(struct jdm_intnet *in, int port);

/* Create (idempotent) virbr0 with 192.168.1.254/24 and eth0br without an
 * address, both up, write dnsmasq's files from the current host list and
 * start dnsmasq unless it runs. Waits until dnsmasq is ready (its pid file
 * names it) so that a following jdm_intnet_set_hosts() can signal it.
 * 0, or -1 (cfg_err set). */
int jdm_intnet_up(struct jdm_intnet *in);

/* Stop dnsmasq and delete both bridges (missing ones are fine). IN may be
 * NULL (only the bridges are deleted). 0, or -1 (cfg_err set). */
int jdm_intnet_down(struct jdm_intnet *in);

/* Make the host list exactly HOSTS (N entries, copied): rewrite dhcp-hosts
 * and hosts atomically and SIGHUP dnsmasq if it runs (it rereads both).
 * Works before jdm_intnet_up() too (the files are written, nothing is
 * signalled). 0, or -1 (cfg_err set; nothing changed) for a bad name, MAC
 * or IP, or a name/MAC/IP used twice. */
int jdm_intnet_set_hosts(struct jdm_intnet *in, const struct jdm_intnet_host *hosts, size_t n);

/* Reap dnsmasq if it exited and start it again (not more than once a
 * second: a dnsmasq that keeps failing is retried by later calls). Call it
 * from the daemon loop (e.g. on SIGCHLD and on every tick). 0 when nothing
 * happened or dnsmasq is not meant to run, 1 when it was restarted, -1 when
 * the restart failed (cfg_err set; retried by the next call). */
int jdm_intnet_reap(struct jdm_intnet *in);

/* PID of the running dnsmasq, or 0. */
pid_t jdm_intnet_dnsmasq_pid(const struct jdm_intnet *in);

/* Paths of dnsmasq's files, owned by IN: "dhcp-hosts", "hosts", "leases",
 * "dnsmasq.pid", "dnsmasq.log". NULL for another name. */
const char *jdm_intnet_path(const struct jdm_intnet *in, const char *file);

/* The first address of 192.168.1.100..199 not in USED (N_USED strings
 * "A.B.C.D"; entries may be NULL) into OUT. 0, or -1 (cfg_err set) when
 * all 100 are used. */
int jdm_intnet_pick_ip(const char *const *used, size_t n_used, char out[16]);

/* --- show system visibility network ------------------------------------ */

/* One interface of a VNF as libvirt reports it: DEV the target device (tap,
 * "vnet3"), TYPE "bridge" or "network", SOURCE the bridge or network
 * ("eth0br"), MODEL "virtio", MAC "xx:xx:xx:xx:xx:xx". Borrowed. */
struct jdm_intnet_if {
	const char *dev;
	const char *type;
	const char *source;
	const char *model;
	const char *mac;
};

/* One VNF: NAME, IP (its internal address; NULL or "" if none: no row in
 * "VNF Internal IP Addresses"), and its interfaces in eth order (IFS[0] is
 * eth0, IFS[1] eth1, ...). Borrowed. */
struct jdm_intnet_vnf {
	const char *name;
	const char *ip;
	const struct jdm_intnet_if *ifs;
	size_t n_ifs;
};

/* Append the output of `show system visibility network` for VNFS (N, in
 * the order given) to OUT, as on the NFX250 (thesis Figure 25): a blank
 * line, "VNF MAC Addresses" (one row NAME_ethdefI per interface I, MAC in
 * upper case), a blank line, "VNF Internal IP Addresses", a blank line,
 * "VNF Interfaces" (MAC in lower case). NULL fields print as "-". */
void jdm_intnet_render_visibility(struct cfg_buf *out, const struct jdm_intnet_vnf *vnfs, size_t n);

#endif
