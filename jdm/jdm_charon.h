/* jdm_charon — one strongSwan charon that jdmd runs in a container of its
 * own, for the IPsec subsystems (jdm_ipsecnm: the ipsec-nm management
 * container; jdm_l2ext: the layer-2 extension's tunnels).
 *
 * The container: namespaces made and owned by jdmd (libvirt's LXC driver
 * fails on this machine's cgroup layout):
 *   network  with opts.own_netns, a new network namespace made when charon
 *            is first started (clone CLONE_NEWNET) and kept alive by a file
 *            descriptor jdmd holds (jdm_charon_netns_fd()), so its
 *            interfaces survive a charon restart; it goes away with
 *            jdm_charon_destroy() or with jdmd. No /run/netns name: jdmd runs
 *            under `ip netns exec`, whose mount namespace is a slave of the
 *            machine's, so a bind mount made there is seen by nobody else.
 *            Tests enter it with nsenter --net=/proc/PID/ns/net (PID from
 *            charon.pid). Without own_netns: jdmd's own network namespace;
 *   mount    private; a tmpfs over /run (charon's compiled-in pid file
 *            /var/run/charon.pid is the container's own), a new /proc;
 *   PID      charon is PID 1 of its own PID namespace.
 * Its files are under STATE/NAME/ (0700): strongswan.conf (written here,
 * charon reads it through STRONGSWAN_CONF; only the plugins it needs,
 * load_modular = no), charon.log, the VICI socket "vici", and charon.pid
 * holding charon's PID as jdmd sees it (tests kill it by that PID).
 *
 * ESP: jdm_charon_start() finds out whether the kernel can hold an ESP SA
 * in the container's network namespace (an XFRM_MSG_NEWSA probe, removed
 * again); where it cannot (this machine: ENOSYS), charon runs with the
 * userspace kernel-libipsec plugin (a TUN device ipsec0, routes in table
 * 220, ESP in UDP 4500: connections must set encap = yes).
 *
 * Threads: one thread at a time per handle (the owning row serialises).
 * Ownership: the handle owns the charon process and, with opts.netns, the
 * namespace; jdm_charon_free() stops charon (SIGTERM, then SIGKILL, by its
 * PID) and closes the namespace's descriptor (the namespace ends with its
 * last user); jdm_charon_destroy() also deletes STATE/NAME's runtime files.
 * Strings in opts are copied.
 */
#ifndef NFX_JDM_CHARON_H
#define NFX_JDM_CHARON_H

#include <stdbool.h>
#include <sys/types.h>

enum jdm_charon_esp {
	JDM_CHARON_ESP_UNKNOWN = 0, /* not started yet */
	JDM_CHARON_ESP_KERNEL,      /* kernel XFRM ESP (kernel-netlink) */
	JDM_CHARON_ESP_LIBIPSEC,    /* userspace ESP in UDP 4500 (kernel-libipsec) */
};

struct jdm_charon_opts {
	const char *name;      /* "ipsec-nm", "l2ext": STATE/NAME/, log prefix */
	const char *state_dir; /* jdmd's state directory */
	bool own_netns;        /* a network namespace of its own (ipsec-nm) */
	/* Traffic selectors that equal the IKE peer (the layer-2 extension
	 * protects UDP 4789 between the two WAN addresses): kernel-libipsec's
	 * allow_peer_ts, and FWMARK on charon's own packets so that routing
	 * table 220 (not fwmark FWMARK) does not swallow IKE/ESP. 0: off. */
	unsigned fwmark;
};

struct jdm_charon;

/* A handle; nothing started. NULL with cfg_err set. */
struct jdm_charon *jdm_charon_new(const struct jdm_charon_opts *opts);
/* Stop charon (by PID); free. Accepts NULL. */
void jdm_charon_free(struct jdm_charon *c);
/* Stop charon and drop the container's network namespace (with own_netns:
 * its interfaces go with it); the handle can start again (a new one). */
int jdm_charon_destroy(struct jdm_charon *c);

/* Make the namespaces if missing, write strongswan.conf, start charon and
 * wait up to TIMEOUT_MS for its VICI socket to answer "version". Already
 * running: 0 at once. 0, or -1 with cfg_err set (charon's last log line
 * when it died while starting). Refused (-1) when jdmd may not network
 * (nfx_netns_may_network()). */
int jdm_charon_start(struct jdm_charon *c, int timeout_ms);
/* Stop charon (SIGTERM, SIGKILL after 3 s) and reap it. 0 when stopped. */
int jdm_charon_stop(struct jdm_charon *c);
/* Is charon running? Reaps it (waitpid WNOHANG) when it died: false then,
 * and jdm_charon_deaths() counts one more. Call from a tick. */
bool jdm_charon_alive(struct jdm_charon *c);
unsigned jdm_charon_deaths(const struct jdm_charon *c);
pid_t jdm_charon_pid(const struct jdm_charon *c); /* -1 when not running */

const char *jdm_charon_vici_path(const struct jdm_charon *c); /* STATE/NAME/vici */
/* The container's network namespace (an open fd on it; owned by the handle),
 * or -1 without own_netns or before the first start. */
int jdm_charon_netns_fd(const struct jdm_charon *c);
enum jdm_charon_esp jdm_charon_esp(const struct jdm_charon *c);
const char *jdm_charon_esp_name(enum jdm_charon_esp e); /* "kernel", "userspace (kernel-libipsec, UDP 4500)" */
/* Why the kernel could not hold the probe's ESP SA (an errno: ENOSYS here),
 * 0 with kernel ESP or before the first start. */
int jdm_charon_esp_errno(const struct jdm_charon *c);
/* strongswan.conf for OPTS and ESP mode ESP (pure; tests). Caller frees. */
char *jdm_charon_conf(const struct jdm_charon_opts *opts, enum jdm_charon_esp esp);

/* Run FN(ARG) in the container's network namespace on the calling thread
 * (setns there and back), for making its interfaces and routes with
 * rtnetlink. FN's return value, or -1 (cfg_err set) when the namespace
 * cannot be entered. */
int jdm_charon_in_netns(struct jdm_charon *c, int (*fn)(void *arg), void *arg);

#endif
