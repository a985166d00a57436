/* jdm_virt — jdmd's libvirt connection and its event loop.
 *
 * libvirt's default event loop runs in a thread of its own (libvirt calls
 * lifecycle, stream and keepalive callbacks from there). Callbacks must not
 * touch jdmd's state: they hand work to jdmd's main loop with
 * jdm_virt_post(), which the main loop runs from the fd it watches
 * (jdm_virt_fd / jdm_virt_dispatch).
 *
 * URIs: "qemu:///system" (production, libvirtd: its own qemu.conf rules),
 * "qemu:///embed?root=DIR" (in-process QEMU driver: jdm_virt_open writes
 * DIR/etc/qemu.conf so QEMU runs as the unprivileged libvirt-qemu:kvm with
 * dynamic ownership, a mount namespace and cgroups where probes of this
 * host say they work, root only where the host has no such user),
 * "test:///default" (unit tests).
 *
 * QEMU as an unprivileged user must reach its files: jdm_virt_reach() gives
 * it search permission (an ACL entry user:libvirt-qemu:--x, nothing more;
 * o+x where the file system has no ACLs) on each directory on the way that
 * it cannot search, e.g. a 0700 state directory or /root.
 *
 * Ownership: jdm_virt_open() returns a handle closed with jdm_virt_close()
 * (stops the thread, closes the connection). jdm_virt_conn() is borrowed.
 */
#ifndef NFX_JDM_VIRT_H
#define NFX_JDM_VIRT_H

#include <libvirt/libvirt.h>

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct jdm_virt;

/* What confines QEMU under a connection (show system inventory). */
struct jdm_virt_confinement {
	uid_t uid;                 /* QEMU's user (0: root) */
	gid_t gid;
	char user[64];             /* "libvirt-qemu:kvm" */
	char user_why[96];         /* why root, or "" */
	bool dynamic_ownership;    /* libvirt chowns what QEMU opens */
	bool mount_ns;             /* embed: namespaces = ["mount"] */
	char ns_why[160];          /* why not (embed), or whose rule (system) */
	char cgroups[96];          /* embed: controllers in use, space separated */
	size_t n_cgroups;
	char cg_why[160];          /* first controller refused, or whose rule */
	char reached[512];         /* directories given a search ACL, space separated */
	char kvm_dev[160];         /* what was done about /dev/kvm, or "" */
};

/* Open URI. HUGEPAGE_DIR: hugetlbfs mount for the embed driver (or NULL).
 * NULL with cfg_err set (the libvirt error text) on failure. */
struct jdm_virt *jdm_virt_open(const char *uri, const char *hugepage_dir);
void jdm_virt_close(struct jdm_virt *v);
virConnectPtr jdm_virt_conn(const struct jdm_virt *v);
const char *jdm_virt_uri(const struct jdm_virt *v);

/* What confines QEMU under V (borrowed, lives as long as V). */
const struct jdm_virt_confinement *jdm_virt_confinement(const struct jdm_virt *v);

/* Let QEMU's user of V reach PATH: search permission on every directory on
 * the way it cannot search (ACL user:UID:--x, o+x without ACLs), said on
 * stderr and in the confinement. 0, or -1 with cfg_err set. Nothing when
 * QEMU runs as root. */
int jdm_virt_reach(struct jdm_virt *v, const char *path);

/* Run FN(ARG) on the main loop (callable from any thread). */
void jdm_virt_post(struct jdm_virt *v, void (*fn)(void *arg), void *arg);
/* The fd the main loop watches for POLLIN, and what it calls then. */
int jdm_virt_fd(const struct jdm_virt *v);
void jdm_virt_dispatch(struct jdm_virt *v);

/* The last libvirt error as text ("" if none), for operator messages. */
const char *jdm_virt_error(void);

#endif
